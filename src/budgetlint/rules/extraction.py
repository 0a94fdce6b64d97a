"""Extraction notices: what could not be read, so a reviewer never mistakes it for a document error."""

from __future__ import annotations

from collections.abc import Iterator

from budgetlint.findings import Finding, Location
from budgetlint.ingest.notices import parse as parse_notice
from budgetlint.model import Document
from budgetlint.rules.common import LOW_CONFIDENCE, item_label
from budgetlint.rules.registry import REGISTRY, rule


def _notice(rule_id: str, message: str, location: Location, evidence: str | None = None) -> Finding:
    return REGISTRY[rule_id].finding(message, location, evidence=evidence)


@rule("BL901", name="row-values-unplaced", family="extraction", severity="warning",
      title="表格行数值无法确定所属列")
def row_values_unplaced(doc: Document) -> Iterator[Finding]:
    """## 检查什么
    读取时某行的数值与表头错位（转换器丢失了空单元格），且无法凭本行的勾稽关系唯一确定各数值所属的列。
    ## 为什么重要
    这是读取问题而不是文档错误：依赖该行的算术检查全部跳过，以免报出虚假的不平。请对照原文核对该行。
    ## 示例
    一般公共预算支出表某行读出 4 个数，表头有 5 个金额列，两种归属都能平衡。
    ## 不报的情形
    错位能被唯一还原的行（报 BL902 提示）。
    """
    for table in doc.tables:
        for row in table.rows:
            if row.ambiguous:
                yield _notice("BL901", f"「{item_label(row)}」{row.ambiguous}；该行不做算术检查",
                              Location.of(table, row), " | ".join(v.raw.strip() for v in row.values.values() if not v.blank))


@rule("BL902", name="row-values-replaced", family="extraction", severity="info",
      title="表格行数值错位已还原")
def row_values_replaced(doc: Document) -> Iterator[Finding]:
    """## 检查什么
    读取时某行数值错位（空单元格丢失），已按本行的勾稽关系唯一还原到正确的列。
    ## 为什么重要
    仅供核对：还原后的数值参与检查；如原文确实错位排版，请一并修正。
    ## 示例
    "600.00 → 项目支出"：读出时落在"日常公用支出"列。
    ## 不报的情形
    按原样读取即满足勾稽关系的行。
    """
    for table in doc.tables:
        for row in table.rows:
            if row.repaired:
                yield _notice("BL902", f"「{item_label(row)}」{row.repaired}", Location.of(table, row))


@rule("BL903", name="table-unreadable", family="extraction", severity="warning",
      title="表格无法可靠读取")
def table_unreadable(doc: Document) -> Iterator[Finding]:
    """## 检查什么
    表格读取质量过低（金额无法解析、表头未识别出金额列、大量行错位），该表不做任何算术检查。
    ## 为什么重要
    宁可说"无法读取"，也不报虚假的不平。请人工核对该表。
    ## 示例
    表头中没有识别出金额列。
    ## 不报的情形
    读取质量正常的表。
    """
    for table in doc.tables:
        if table.rows and (not table.quality.readable or not table.amount_columns):
            why = "；".join(table.quality.issues) or "读取质量过低"
            yield _notice("BL903", f"「{table.title}」无法可靠读取（{why}），该表不做算术检查", Location.of(table))


@rule("BL904", name="amount-unparseable", family="extraction", severity="warning",
      title="金额单元格无法解析")
def amount_unparseable(doc: Document) -> Iterator[Finding]:
    """## 检查什么
    金额列中出现无法解析为数字的文字（如乱码、合并的两个数、误入的说明文字）。
    ## 为什么重要
    该行不参与算术检查；可能是原文错误，也可能是读取问题，请核对。
    ## 示例
    "1,2O3.00"（字母 O）。
    ## 不报的情形
    空白、"-"、"—" 表示零，不报。
    """
    for table in doc.tables:
        for row in table.rows:
            for key, v in row.values.items():
                if v.amount is None:
                    yield _notice("BL904", f"「{item_label(row)}」的金额「{v.raw.strip()}」无法解析为数字",
                                  Location.of(table, row, key), v.raw)


@rule("BL905", name="source-note", family="extraction", severity="info", title="读取提示")
def source_note(doc: Document) -> Iterator[Finding]:
    """## 检查什么
    读取文件时注意到的情况，例如文件编码不是 UTF-8 而是 GBK。
    ## 为什么重要
    仅供知悉，不影响检查结果。
    ## 示例
    文件编码为 GBK/GB18030，已按该编码读取。
    ## 不报的情形
    读取顺利时；页面本身的情况（空白页、被裁切只显示一部分的文字）由 BL607、BL706 报告，不在此重复。
    """
    for note in doc.notes:
        if parse_notice(note) is not None:
            continue  # a fact about the page (blank, text cut off): BL607 / BL706 report it once
        yield _notice("BL905", note, Location())


@rule("BL906", name="low-confidence-value", family="extraction", severity="warning",
      title="金额识别置信度低（扫描件）")
def low_confidence_value(doc: Document) -> Iterator[Finding]:
    """## 检查什么
    扫描件经 OCR 识别出的金额，识别置信度低于阈值（或单元格内有字迹却未识别出文字）。
    ## 为什么重要
    这是"无法可靠读取"而不是文档错误：该行不参与算术和跨表检查，以免把识别错误报成不平。请对照原件核对该数值。
    ## 示例
    扫描的一般公共预算支出表中"1,234.56"识别置信度 0.62（可能是"1,284.56"）。
    ## 不报的情形
    有文字层的 PDF、表格文件和文本中的数值（置信度为 1）；识别置信度达到阈值的数值。
    """
    for table in doc.tables:
        for row in table.rows:
            low = [(key, v) for key, v in row.values.items() if v.confidence < LOW_CONFIDENCE and v.amount is not None]
            for key, v in low:
                text = v.raw.strip()
                what = f"金额「{text}」识别置信度 {v.confidence:.2f}" if text else "单元格有字迹但未能识别"
                yield _notice("BL906", f"「{item_label(row)}」的{what}，该行不做算术和跨表检查，请对照原件核对",
                              Location.of(table, row, key), v.raw or None)


@rule("BL999", name="rule-crashed", family="extraction", severity="warning", title="检查规则内部错误")
def rule_crashed(doc: Document) -> Iterator[Finding]:
    """## 检查什么
    某条规则在本文档上运行时出错（程序缺陷）。该规则的结果缺失，其余规则照常运行。
    ## 为什么重要
    结果不完整时必须让审阅者知道；请把文档和这条提示报告给开发者。
    ## 示例
    BL103 运行出错：KeyError。
    ## 不报的情形
    规则都正常运行时。
    """
    return iter(())


@rule("BL907", name="identity-unconfirmed", family="extraction", severity="warning",
      title="表格列关系未能确认，未做该项检查")
def identity_unconfirmed(doc: Document) -> Iterator[Finding]:
    """## 检查什么
    表头隐含的列间关系（如 小计 = 基本支出 + 项目支出）在本表多数行都不成立，且换一种表头读法
    （如把"其中："列读作组成列）也不成立。
    ## 为什么重要
    文档中的填报错误是零星的；多数行同时不平，更可能是表头含义没有读对。为免报出一串虚假错误，
    该关系不做算术检查，只在此提示一次，请对照原文核对表头。
    ## 示例
    「小计 = 项目支出」在 18/20 行不成立。
    ## 不报的情形
    关系在多数行成立（个别不平的行照常由 BL101 报告）。
    """
    for table in doc.tables:
        if table.unconfirmed:
            yield _notice("BL907", f"「{table.title}」的列含义未能确认，以下关系未做算术检查："
                          + "；".join(table.unconfirmed), Location.of(table))
