"""Doubting the reading (recognise/confirm.py, pipeline.doubt_systematic, counted_again): the
reading of a header the rows confirm is kept; an identity no reading confirms is reported once
(BL907), never as an error on every row; a document's own sparse errors are still errors."""

from __future__ import annotations

from decimal import Decimal

from helpers import doc_of

from budgetlint.pipeline import run_rules
from budgetlint.rules.registry import REGISTRY, all_rules


def findings(text: str, *rule_ids: str):
    all_rules()
    rules = [REGISTRY[r] for r in rule_ids] if rule_ids else all_rules()
    return [(f.rule, f.location.row_label) for f in run_rules(doc_of(text), rules)]


# 小计 | 其中：基本支出 | 项目支出 — "of which:" opens the list of parts (广州, 珠海 表5).
OF_WHICH = """
一般公共预算支出情况表
单位：万元
功能科目名称 | 一般公共预算支出 | |
 | 小计 | 其中：基本支出 | 项目支出
合计 | 300.00 | 120.00 | 180.00
一般公共服务支出 | 100.00 | 60.00 | 40.00
公共安全支出 | 90.00 | 30.00 | 60.00
教育支出 | 50.00 | 10.00 | 40.00
社会保障和就业支出 | 60.00 | {basic} | 40.00
"""


def test_of_which_read_as_the_list_of_parts_when_the_rows_say_so():
    doc = doc_of(OF_WHICH.format(basic="20.00"))
    t = doc.tables[0]
    assert t.column_sums == [("total", ("basic", "project"))]
    assert t.column("basic").additive and not t.unconfirmed
    assert [f for f in findings(OF_WHICH.format(basic="20.00")) if f[0] in ("BL101", "BL907")] == []


def test_a_real_error_under_the_confirmed_reading_is_still_an_error():
    got = findings(OF_WHICH.format(basic="25.00"), "BL101", "BL907")
    assert got == [("BL101", "社会保障和就业支出")]


# A header read one way whose identity fails on every row, each by its own amount: a misreading.
MISREAD = """
支出总体情况表
单位：万元
科目名称 | 合计 | 基本支出 | 项目支出
一般公共服务支出 | 100.00 | 61.00 | 42.00
公共安全支出 | 90.00 | 33.00 | 61.00
教育支出 | 50.00 | 17.00 | 40.00
卫生健康支出 | 80.00 | 15.00 | 70.00
合计 | 320.00 | 126.00 | 213.00
"""


def test_identity_failing_on_most_rows_is_reported_once_and_not_checked():
    got = findings(MISREAD, "BL101", "BL907")
    assert got == [("BL907", None)]
    assert "在 5/5 行不成立" in doc_of(MISREAD).tables[0].unconfirmed[0]


# One wrong leaf repeated by every line above it: the same difference on three rows is one
# document error, not a misreading.
PROPAGATED = """
支出总体情况表
单位：万元
科目编码 | 科目名称 | 合计 | 基本支出 | 项目支出
201 | 一般公共服务支出 | 150.00 | 100.00 | 40.00
20101 | 人大事务 | 150.00 | 100.00 | 40.00
2010101 | 行政运行 | 150.00 | 100.00 | 40.00
205 | 教育支出 | 30.00 | 10.00 | 20.00
20501 | 教育管理事务 | 30.00 | 10.00 | 20.00
2050101 | 行政运行 | 30.00 | 10.00 | 20.00
合计 | | 180.00 | 110.00 | 60.00
"""


def test_one_wrong_figure_repeated_up_the_hierarchy_stays_an_error():
    got = findings(PROPAGATED, "BL101", "BL907")
    assert ("BL907", None) not in got
    assert {label for rule, label in got if rule == "BL101"} == {"201 一般公共服务支出", "20101 人大事务",
                                                                "2010101 行政运行", "合计"}


# Levels shown only by indentation, summed together: the parts add to 3 × the total.
INDENTED = """
支出总体情况表
单位：万元
科目名称 | 合计
一般公共服务支出 | 150.00
人大事务 | 150.00
行政运行 | 150.00
合计 | 150.00
"""


def test_parts_adding_to_a_multiple_of_the_total_are_a_reading_question():
    from budgetlint.rules.arithmetic import counted_again

    assert counted_again(Decimal("201286.11"), Decimal("603858.30"), Decimal("0.02"))
    assert not counted_again(Decimal("201286.11"), Decimal("603000.00"), Decimal("0.02"))
    assert not counted_again(Decimal("100"), Decimal("150"), Decimal("0.01"))
    assert [f for f in findings(INDENTED, "BL102") if f[0] == "BL102"] == []


# Names under a header the vocabulary takes for an amount column are words, not bad amounts.
NAMES = """
部门预算基本支出预算表
单位：万元
支出项目类别（资金使用单位） | 总计 | 财政拨款
合计 | 30.00 | 30.00
某某局机关 | 20.00 | 20.00
某某服务中心 | 10.00 | 10.00
"""


def test_a_column_of_names_is_not_read_as_amounts():
    got = findings(NAMES, "BL904", "BL903")
    assert got == []
    t = doc_of(NAMES).tables[0]
    assert t.rows[1].texts and "某某局机关" in t.rows[1].texts.values()


# The gate over all arithmetic rules: errors by three distinct amounts on three rows of one table.
def test_arithmetic_errors_on_many_rows_become_one_notice():
    from budgetlint.findings import Finding, Location, Severity
    from budgetlint.model import Document, DocumentMeta, Table
    from budgetlint.pipeline import doubt_systematic

    doc = Document(path="x", meta=DocumentMeta(), tables=[Table(index=1, kind="x", title="某表")])

    def err(row: int, found: str) -> Finding:
        return Finding(rule="BL103", name="n", family="arithmetic", severity=Severity.ERROR, message=f"m{row}",
                       location=Location(page=1, table=1, row=row), expected=Decimal("1"), found=Decimal(found))

    out = doubt_systematic(doc, [err(1, "2"), err(2, "3"), err(3, "4")])
    assert [f.rule for f in out] == ["BL907"] and "3 行" in out[0].message
    same = doubt_systematic(doc, [err(1, "2"), err(2, "2"), err(3, "2")])
    assert [f.rule for f in same] == ["BL103"] * 3
