"""The 三公 table's items by year (recognise/figures.py ``three_public_cells``), one test per print
shape found in the real files, and the items-as-rows shapes with a figure column per year
(项目 | 2023年预算数 | 2024年预算数 | 增减; 上年预算数 | 本年预算数; a 决算's 预算数 | 决算数).

Conservative throughout: a year no column (or more than one) holds resolves to nothing, never to
another year's cell."""

from __future__ import annotations

from decimal import Decimal

from helpers import doc_of

from budgetlint.recognise.figures import (
    three_public,
    three_public_budget_cells,
    three_public_cells,
    three_public_shape,
)

ITEM_ROWS = """
{year}年某局部门预算

一般公共预算“三公”经费支出情况表
单位：万元
项目 | {head}
合计 | {total}
因公出国（境）费 | {abroad}
公务用车购置及运行费 | {vehicle}
其中：公务用车购置费 | {purchase}
公务用车运行费 | {operation}
公务接待费 | {reception}
"""

ROWS = {"total": "10.00 | 12.00", "abroad": "2.00 | 3.00", "vehicle": "5.00 | 6.00", "purchase": "1.00 | 2.00",
        "operation": "4.00 | 4.00", "reception": "3.00 | 3.00"}


def _items(doc, year):
    return {p: c.value.amount for p, c in three_public_cells(doc, year).items()}


def _rows_doc(head: str, year: int = 2024, extra: str = "", kind: str = "部门预算", **rows: str):
    cells = {k: rows.get(k, v) + extra for k, v in ROWS.items()}
    return doc_of(ITEM_ROWS.format(year=year, head=head, **cells).replace("部门预算", kind))


PREV = {"total": Decimal("10.00"), "abroad": Decimal("2.00"), "vehicle": Decimal("5.00"),
        "vehicle_purchase": Decimal("1.00"), "vehicle_operation": Decimal("4.00"), "reception": Decimal("3.00")}
CURR = {"total": Decimal("12.00"), "abroad": Decimal("3.00"), "vehicle": Decimal("6.00"),
        "vehicle_purchase": Decimal("2.00"), "vehicle_operation": Decimal("4.00"), "reception": Decimal("3.00")}


# --- items as rows, a column per year ------------------------------------------------------------


def test_item_rows_under_printed_year_columns():
    doc = _rows_doc("2023年预算数 | 2024年预算数 | 增减", extra=" | 0.00")
    t = doc.table("three_public")
    assert three_public_shape(t).name == "item rows by column"
    assert _items(doc, 2023) == PREV
    assert _items(doc, 2024) == CURR
    assert _items(doc, None) == CURR  # the document's year
    assert _items(doc, 2022) == {}
    assert three_public(doc) == {2023: Decimal("10.00"), 2024: Decimal("12.00")}
    assert three_public_cells(doc, 2024)["reception"].column == t.amount_columns[1].key  # never 增减


def test_item_rows_under_relative_year_columns():
    doc = _rows_doc("上年预算数 | 本年预算数 | 增减额 | 增长率", extra=" | 0.00 | 0")
    assert _items(doc, 2023) == PREV
    assert _items(doc, 2024) == CURR
    assert three_public(doc) == {2023: Decimal("10.00"), 2024: Decimal("12.00")}


def test_item_rows_last_year_beside_a_bare_budget_column():
    doc = _rows_doc("上年预算数 | 预算数")
    assert _items(doc, 2023) == PREV
    assert _items(doc, 2024) == CURR


def test_relative_columns_without_the_documents_year_resolve_nothing():
    doc = doc_of(ITEM_ROWS.format(year="", head="上年预算数 | 本年预算数", **ROWS).replace("年某局", "某局"))
    assert doc.meta.year is None
    assert _items(doc, 2023) == {} and _items(doc, 2024) == {}


def test_an_execution_column_is_not_the_years_budget():
    # 上年执行数 is what was spent, not last year's budget: nothing for 2023
    doc = _rows_doc("2023年执行数 | 2024年预算数")
    assert _items(doc, 2023) == {}
    assert _items(doc, 2024) == CURR


def test_two_columns_of_one_year_resolve_nothing_for_it():
    doc = _rows_doc("2024年预算数 | 2024年预算数")
    assert _items(doc, 2024) == {}


def test_a_total_that_adds_meeting_and_training_is_not_the_three_public_total():
    text = ITEM_ROWS.format(year=2024, head="2023年预算数 | 2024年预算数", **ROWS) + "会议费 | 1.00 | 1.00\n培训费 | 1.00 | 1.00\n"
    doc = doc_of(text)
    items = _items(doc, 2024)
    assert "total" not in items
    assert items["abroad"] == Decimal("3.00")


def test_final_account_item_rows_under_budget_and_final_columns():
    doc = _rows_doc("预算数 | 决算数", kind="部门决算")
    assert doc.meta.kind.value == "部门决算"
    assert three_public_shape(doc.table("three_public")).name == "item rows by column"
    assert _items(doc, 2024) == CURR  # the 决算数
    assert _items(doc, 2023) == {}
    budget = {p: c.value.amount for p, c in three_public_budget_cells(doc).items()}
    assert budget == PREV
    assert three_public(doc) == {2024: Decimal("12.00"), "budget": Decimal("10.00")}


def test_final_account_final_columns_of_two_years():
    doc = _rows_doc("2023年决算数 | 2024年决算数", kind="部门决算")
    assert _items(doc, 2023) == PREV and _items(doc, 2024) == CURR
    assert three_public_budget_cells(doc) == {}


# --- the shapes printed before: unchanged -------------------------------------------------------


def test_one_figure_column_stays_the_documents_year():
    doc = doc_of("""
2026年某支队单位预算

十、一般公共预算“三公”经费支出预算表
单位：万元
项目 | 预算数
合计 | 27.31
1、因公出国（境）费用 | 0.00
2、公务接待费 | 2.00
3、公务用车购置及运行费 | 25.31
其中：（1）公务用车购置费 | 0.00
（2）公务用车运行费 | 25.31
""")
    assert three_public_shape(doc.table("three_public")).name == "item rows"
    assert _items(doc, 2026)["total"] == Decimal("27.31")
    assert _items(doc, 2025) == {}


def test_items_as_columns_under_year_groups():
    doc = doc_of("""
2024年某局部门预算

一般公共预算“三公”经费支出情况表
单位：万元
2023年预算数 | | | | | | 2024年预算数 | | | | |
合计 | 因公出国(境)经费 | 公务用车购置及运行维护费 | | | 公务接待费 | 合计 | 因公出国(境)经费 | 公务用车购置及运行维护费 | | | 公务接待费
| | 小计 | 公务用车购置经费 | 公务用车运行维护费 | | | | 小计 | 公务用车购置经费 | 公务用车运行维护费 |
10.00 | 2.00 | 5.00 | 1.00 | 4.00 | 3.00 | 12.00 | 3.00 | 6.00 | 2.00 | 4.00 | 3.00
""")
    assert three_public_shape(doc.table("three_public")).name == "year columns"
    assert _items(doc, 2023) == PREV and _items(doc, 2024) == CURR


def test_items_as_columns_under_relative_year_groups():
    doc = doc_of("""
表13
2026年部门综合预算一般公共预算拨款“三公”经费及会议费、培训费支出预算表
单位：元
单位编码 | 单位名称 | 上年 | | | | | | | | | 当年 | | | | | | | | |
| | 合计 | 一般公共预算拨款安排的“三公”经费预算 | | | | | | 会议费 | 培训费 | 合计 | 一般公共预算拨款安排的“三公”经费预算 | | | | | | 会议费 | 培训费
| | | 小计 | 因公出国（境）费用 | 公务接待费 | 公务用车购置及运行维护费 | | | | | | 小计 | 因公出国（境）费用 | 公务接待费 | 公务用车购置及运行维护费 | | | |
| | | | | | 小计 | 公务用车购置费 | 公务用车运行维护费 | | | | | | | 小计 | 公务用车购置费 | 公务用车运行维护费 | |
合计 | | 20.00 | 10.00 | 2.00 | 3.00 | 5.00 | 1.00 | 4.00 | 4.00 | 6.00 | 22.00 | 12.00 | 3.00 | 3.00 | 6.00 | 2.00 | 4.00 | 4.00 | 6.00
""")
    assert three_public_shape(doc.table("three_public")).name == "year columns"
    assert _items(doc, 2025) == PREV  # 上年; the total is the 三公 小计, not the 合计 with 会议费 and 培训费
    assert _items(doc, 2026) == CURR  # 当年


def test_year_rows_total_of_a_department_with_units_is_its_own_line():
    doc = doc_of("""
2026年某局部门预算

财政拨款“三公”经费支出表
部门名称：某局 单位：万元
预算单位 | 年度 | 总计 | | 因公出国(境)费 | | 公务接待费 |
| | 一般公共预算 | 政府性基金预算 | 一般公共预算 | 政府性基金预算 | 一般公共预算 | 政府性基金预算
某局 | 2025年 | 8.00 | 0.00 | 5.00 | 0.00 | 3.00 | 0.00
| 2026年 | 9.00 | 0.00 | 5.00 | 0.00 | 4.00 | 0.00
| 增减变化金额 | 1.00 | 0.00 | 0.00 | 0.00 | 1.00 | 0.00
某局（本级） | 2025年 | 6.00 | 0.00 | 5.00 | 0.00 | 1.00 | 0.00
| 2026年 | 7.00 | 0.00 | 5.00 | 0.00 | 2.00 | 0.00
| 增减变化金额 | 1.00 | 0.00 | 0.00 | 0.00 | 1.00 | 0.00
某中心 | 2025年 | 2.00 | 0.00 | 0.00 | 0.00 | 2.00 | 0.00
| 2026年 | 2.00 | 0.00 | 0.00 | 0.00 | 2.00 | 0.00
| 增减变化金额 | 0.00 | 0.00 | 0.00 | 0.00 | 0.00 | 0.00
""")
    assert three_public_shape(doc.table("three_public")).name == "year rows"
    assert three_public(doc) == {2025: Decimal("8.00"), 2026: Decimal("9.00")}  # the department's, not the last unit's
    assert _items(doc, 2026)["reception"] == Decimal("4.00")


def test_a_three_public_title_over_a_function_grid_is_not_read_as_item_rows():
    # "项目支出" in the header is no 项目 column: the row-shaped header words never match it
    doc = doc_of("""
2024年某局部门预算

一般公共预算“三公”经费支出情况表
单位：万元
科目编码 | 科目名称 | 合计 | 基本支出 | 项目支出
| 合计 | 10.00 | 10.00 |
201 | 一般公共服务支出 | 10.00 | 10.00 |
""")
    assert doc.table("three_public") is None
