"""陕西 / 西安 "部门综合预算" 表9 and 表13: the 政府性基金收支表 laid out as the 收支总表, and the
"三公"经费及会议费、培训费 table, whose 合计 adds 会议费 and 培训费 to the 三公 (上年 | 当年 | 增减变化情况,
one line per 预算单位); its title may break over two lines."""

from __future__ import annotations

from decimal import Decimal

from helpers import doc_of

from budgetlint.ingest.pdf import Char, Edge, Grid, grid_cells
from budgetlint.recognise.claims.bind import three_public_value
from budgetlint.recognise.figures import three_public, three_public_cells
from budgetlint.rules.cross_table import Ref, resolve

FUND = """
表9
2026年部门综合预算政府性基金收支表
单位：元
收入 | | 支出 | | | | |
项目 | 预算数 | 支出功能分类科目（按大类） | 预算数 | 部门预算支出经济分类科目（按大类） | 预算数 | 政府预算支出经济分类科目（按大类） | 预算数
一、政府性基金拨款 | | 一、科学技术支出 | | 一、人员经费和公用经费支出 | | 一、机关工资福利支出 |
本年收入合计 | | 本年支出合计 | | 本年支出合计 | | 本年支出合计 |
"""


def test_fund_table_is_read_as_the_fund_expenditure_table():
    doc = doc_of(FUND)
    assert [t.kind for t in doc.tables] == ["fund_expenditure"]
    assert doc.tables[0].layout == "balance"


SUMMARY = """
表1
2026年部门综合预算收支总表
单位：万元
收入 | | 支出 |
项目 | 预算数 | 支出功能分类 | 预算数
1、财政拨款 | | 1、一般公共服务 | 100.00
(1)一般公共预算拨款收入 | 100.00 | 2、外交 | 0
(2)政府性基金收入 | 0 | |
2、其他收入 | 0 | |
本年收入合计 | 100.00 | 本年支出合计 | 100.00
"""


def test_a_heading_left_blank_over_its_printed_parts_states_no_figure():
    # "1、财政拨款" printed blank over "(1)一般公共预算拨款收入 100": not a zero to compare (BL205).
    doc = doc_of(SUMMARY)
    assert resolve(doc, Ref("income_expenditure_summary", "income/fiscal", "amount")) is None
    # its printed part, and a blank line with no printed part under it, are figures as before
    assert resolve(doc, Ref("income_expenditure_summary", "income/general", "amount")).amount == Decimal("100.00")
    assert resolve(doc, Ref("income_expenditure_summary", "income/other", "amount")).amount == 0


# 表13 of a 2026 budget: 上年 | 当年 | 增减变化情况 over the same columns; merged cells written once.
THREE = """
部门综合预算一般公共预算拨款“三公”经费及会议费、培训费支出预算表
单位：元
单位编码 | 单位名称 | 上年 | | | | | | | | | 当年 | | | | | | | | | 增减变化情况 | | | | | | | |
 | | 合计 | 一般公共预算拨款安排的“三公”经费预算 | | | | | | 会议费 | 培训费 | 合计 | 一般公共预算拨款安排的“三公”经费预算 | | | | | | 会议费 | 培训费 | 合计 | 一般公共预算拨款安排的“三公”经费预算 | | | | | | 会议费 | 培训费
 | | | 小计 | 因公出国（境）费用 | 公务接待费 | 公务用车购置及运行维护费 | | | | | | 小计 | 因公出国（境）费用 | 公务接待费 | 公务用车购置及运行维护费 | | | | | | 小计 | 因公出国（境）费用 | 公务接待费 | 公务用车购置及运行维护费 | | | |
 | | | | | | 小计 | 公务用车购置费 | 公务用车运行维护费 | | | | | | | 小计 | 公务用车购置费 | 公务用车运行维护费 | | | | | | | 小计 | 公务用车购置费 | 公务用车运行维护费 | |
 | 合计 | 526,000.00 | 120,000.00 | | 20,000.00 | 100,000.00 | | 100,000.00 | 20,000.00 | 386,000.00 | 332,000.00 | 102,000.00 | | 20,000.00 | 82,000.00 | | 82,000.00 | 20,000.00 | 210,000.00 | -194,000.00 | -18,000.00 | | | -18,000.00 | | -18,000.00 | | -176,000.00
117 | 西安市审计局 | 526,000.00 | 120,000.00 | | 20,000.00 | 100,000.00 | | 100,000.00 | 20,000.00 | 386,000.00 | 332,000.00 | 102,000.00 | | 20,000.00 | 82,000.00 | | 82,000.00 | 20,000.00 | 210,000.00 | -194,000.00 | -18,000.00 | | | -18,000.00 | | -18,000.00 | | -176,000.00
"""

TITLE_2026 = "西安市审计局2026年部门综合预算\n"


def test_three_public_table_keys_years_and_the_three_public_subtotal():
    doc = doc_of(TITLE_2026 + THREE)
    t = doc.table("three_public")
    assert t is not None and doc.meta.year == 2026
    keys = [c.key for c in t.amount_columns]
    assert keys[:9] == ["y2025.total", "y2025.three_subtotal", "y2025.abroad", "y2025.reception", "y2025.vehicle",
                        "y2025.vehicle_purchase", "y2025.vehicle_operation", "y2025.meeting", "y2025.training"]
    assert "y2026.three_subtotal" in keys and "change.three_subtotal" in keys
    # the 合计 adds 会议费 and 培训费 to the 三公 (the header says so); the 三公 total is the 小计
    assert ("y2026.total", ("y2026.three_subtotal", "y2026.meeting", "y2026.training")) in t.column_sums
    assert three_public(doc) == {2025: Decimal("120000.00"), 2026: Decimal("102000.00")}
    items = three_public_cells(doc, 2026)
    assert items["total"].column == "y2026.three_subtotal" and items["reception"].column == "y2026.reception"
    assert three_public_value(doc, "total", 2026).value.amount == Decimal("102000.00")
    assert three_public_value(doc, "total", 2025).value.amount == Decimal("120000.00")


def test_relative_years_without_the_documents_year():
    doc = doc_of(THREE)
    keys = {c.key for c in doc.table("three_public").amount_columns}
    assert doc.meta.year is None
    # 当年's columns keep plain keys, 上年's are never read as a year
    assert {"three_subtotal", "prior.three_subtotal", "change.three_subtotal"} <= keys
    assert not any(k.startswith("y") for k in keys)


# 表13 of one year, one line per 预算单位, its title broken inside its name and restated on the next page.
WRAPPED = """
表13
2021年部门综合预算一般公共预算拨款“三公”经费及
会议费、培训费支出预算表（不含上年结转）
单位：元
序号 | 单位编码 | 单位名称 | 合计 | 一般公共预算拨款安排的“三公”经费预算 | | | | | | 会议费 | 培训费
 | | | | 小计 | 因公出国（境）费用 | 公务接待费 | 公务用车购置及运行费 | | | |
 | | | | | | | 小计 | 公务用车购置费 | 公务用车运行费 | |
1 | | 合计 | 400.00 | 300.00 | 0.00 | 100.00 | 200.00 | 0.00 | 200.00 | 50.00 | 50.00
2 | 241001 | 西安市某局 | 350.00 | 250.00 | 0.00 | 50.00 | 200.00 | 0.00 | 200.00 | 50.00 | 50.00
\f表13
2021年部门综合预算一般公共预算拨款“三公”经费及
会议费、培训费支出预算表（不含上年结转）
单位：元
序号 | 单位编码 | 单位名称 | 合计 | 一般公共预算拨款安排的“三公”经费预算 | | | | | | 会议费 | 培训费
 | | | | 小计 | 因公出国（境）费用 | 公务接待费 | 公务用车购置及运行费 | | | |
 | | | | | | | 小计 | 公务用车购置费 | 公务用车运行费 | |
3 | 241002 | 西安市某院 | 50.00 | 50.00 | 0.00 | 50.00 | 0.00 | 0.00 | 0.00 | 0.00 | 0.00
"""


def test_title_broken_over_two_lines_and_restated_is_one_table():
    doc = doc_of(WRAPPED)
    tables = doc.tables_of("three_public")
    assert len(tables) == 1
    assert tables[0].title.endswith("会议费、培训费支出预算表（不含上年结转）")
    assert [r.label for r in tables[0].rows] == ["合计", "西安市某局", "西安市某院"]
    assert three_public(doc) == {"current": Decimal("300.00")}  # the 三公 小计, not the 合计 400


# Items as columns, one line per 预算单位, no year group (湖州 "三公"经费支出表; 西安 表13 of one year
# printed without its year heading).
BY_UNIT = """
2026年一般公共预算“三公”经费支出表
单位：万元
单位名称 | 合计 | 一般公共预算拨款安排的“三公”经费预算 | | | | | | 会议费 | 培训费
 | | 小计 | 因公出国（境）费用 | 公务接待费 | 公务用车购置及运行费 | | | |
 | | | | | 小计 | 公务用车购置费 | 公务用车运行费 | |
合计 | 9.00 | 6.00 | 0.00 | 2.00 | 4.00 | 0.00 | 4.00 | 1.00 | 2.00
某局 | 7.00 | 5.00 | 0.00 | 1.00 | 4.00 | 0.00 | 4.00 | 1.00 | 1.00
某中心 | 2.00 | 1.00 | 0.00 | 1.00 | 0.00 | 0.00 | 0.00 | 0.00 | 1.00
"""


def test_items_as_columns_under_a_total_line_per_unit():
    doc = doc_of(BY_UNIT)
    t = doc.table("three_public")
    assert t is not None
    items = three_public_cells(doc, doc.meta.year)
    assert {p: t.total_row().values[c.column].amount for p, c in items.items()} == {
        "total": Decimal("6.00"), "abroad": Decimal("0.00"), "reception": Decimal("2.00"), "vehicle": Decimal("4.00"),
        "vehicle_purchase": Decimal("0.00"), "vehicle_operation": Decimal("4.00")}
    assert three_public_value(doc, "reception", doc.meta.year).value.amount == Decimal("2.00")
    assert three_public_value(doc, "total", doc.meta.year).value.amount == Decimal("6.00")


def test_small_print_band_keeps_its_merged_cell():
    # Two bands 6pt high: the upper one is one cell over three columns ("上年"); the rulings between
    # the columns start at its lower border. They do not cross it.
    xs, ys = [0.0, 20.0, 40.0, 60.0], [0.0, 6.0, 12.0]
    hedges = [Edge(0.0, 0.0, 60.0), Edge(6.0, 0.0, 60.0), Edge(12.0, 0.0, 60.0)]
    vedges = [Edge(0.0, 0.0, 12.0), Edge(60.0, 0.0, 12.0), Edge(20.0, 6.0, 12.0), Edge(40.0, 6.0, 12.0)]
    grid = Grid(xs, ys, hedges, vedges, [Char(25.0, 1.0, 35.0, 5.0, "年")])
    cells = grid_cells(grid)
    assert cells[0][0] is cells[0][1] is cells[0][2]
    assert cells[1][0] is not cells[1][1]
