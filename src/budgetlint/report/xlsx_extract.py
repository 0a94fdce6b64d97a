"""``extract --format xlsx``: a summary sheet, one sheet per recovered table, one for forms."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill

from budgetlint.model import Document
from budgetlint.report.common import template_label, unique_sheet_name
from budgetlint.report.xlsx_safe import keep_text

_BOLD = Font(bold=True)
_HEAD = PatternFill("solid", fgColor="DDEBF7")


def _sheet_name(index: int, label: str, used: set[str]) -> str:
    return unique_sheet_name(f"{index:02d} {label}", used)


def write_xlsx(doc: Document, path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = "概况"
    m = doc.meta
    for k, v in (("文件", doc.path), ("标题", m.title), ("单位", m.organisation), ("年度", m.year),
                 ("类型", m.kind.value), ("模板", template_label(m.template)), ("说明部分金额单位", m.narrative_unit.value if m.narrative_unit else "")):
        ws.append([k, v])
    ws.append([])
    ws.append(["序号", "表格类型", "标题", "单位", "行数", "起始行"])
    for c in ws[ws.max_row]:
        c.font, c.fill = _BOLD, _HEAD
    for t in doc.tables:
        ws.append([t.index, t.kind_label, t.title, t.unit.value if t.unit else "", len(t.rows), t.provenance.line])
    used = {"概况"}
    for t in doc.tables:
        sh = wb.create_sheet(_sheet_name(t.index, t.kind_label, used))
        amount_cols = [c for c in t.columns if c.role == "amount"]
        header = ["科目编码", "名称", "行类型"] + [c.label or c.key for c in amount_cols] + ["来源行"]
        if t.layout == "balance":
            header.insert(0, "收/支")
        sh.append([t.title])
        sh.append([f"单位：{t.unit.value}" if t.unit else ""])
        sh.append(header)
        for c in sh[sh.max_row]:
            c.font, c.fill = _BOLD, _HEAD
        for r in t.rows:
            row: list[object] = [r.code.digits if r.code else "", r.label, r.kind.value]
            for c in amount_cols:
                key = c.key.split(".", 1)[1] if t.layout == "balance" and c.side else c.key
                if t.layout == "balance" and c.side != r.side:
                    row.append(None)
                    continue
                v = r.values.get(key)
                row.append(float(v.amount) if v is not None and v.amount is not None and not v.blank
                           else (v.raw if v is not None and v.amount is None else None))
            row.append(r.provenance.line)
            if t.layout == "balance":
                row.insert(0, "收入" if r.side == "income" else "支出")
            sh.append(row)
        sh.freeze_panes = "A4"
    if doc.forms:
        sh = wb.create_sheet("绩效目标")
        sh.append(["项目", "一级指标", "二级指标", "三级指标", "指标值", "比较符", "数值", "计量单位", "来源行"])
        for c in sh[1]:
            c.font, c.fill = _BOLD, _HEAD
        for f in doc.forms:
            for i in f.indicators:
                sh.append([f.project, i.level1, i.level2, i.name, i.value_text, i.comparator,
                           float(i.number) if isinstance(i.number, Decimal) else None, i.unit, i.provenance.line])
    keep_text(wb)  # document text such as "=100%" is never a formula
    wb.save(path)
