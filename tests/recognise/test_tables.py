"""Recognition hazards, each on a small hand-made input (DOMAIN.md §6)."""

from __future__ import annotations

from decimal import Decimal

from helpers import doc_of, tsv

from budgetlint.model import Provenance, RowKind
from budgetlint.recognise.grid_rows import place_values
from budgetlint.recognise.numbers import parse_amount

EXPENDITURE = """
支出总体情况表
单位：万元
科目编码 | | | 科目名称 | 合计 | 基本支出 | 项目支出
类 | 款 | 项 | | | |
合 计 | | | | 300.00 | 100.00 | 200.00
201 | | | 一般公共服务支出 | 300.00 | 100.00 | 200.00
201 | 03 | | 政府办公厅（室）及相关机构事务 | 300.00 | 100.00 | 200.00
201 | 03 | 01 | 行政运行 | 100.00 | 100.00 |
201 | 03 | 02 | 一般行政管理事务 | 200.00 | | 200.00
"""


def _table(doc, kind):
    t = doc.table(kind)
    assert t is not None, [x.kind for x in doc.tables]
    return t


def test_title_and_header_identify_the_table():
    t = _table(doc_of(EXPENDITURE), "expenditure_summary")
    assert t.unit.value == "万元"
    assert [c.key for c in t.amount_columns] == ["total", "basic", "project"]
    assert ("total", ("basic", "project")) in t.column_sums
    assert t.rows[0].kind is RowKind.TOTAL
    assert [r.code.parts for r in t.rows[1:]] == [("201",), ("201", "03"), ("201", "03", "01"), ("201", "03", "02")]
    assert t.rows[3].values["project"].blank


def test_title_alone_is_not_a_table():
    doc = doc_of("目 录\n- 三、支出总体情况表\n- 四、财政拨款收支总体情况表\n正文。\n")
    assert doc.tables == []


def test_same_title_with_a_foreign_header_is_not_that_table():
    doc = doc_of("支出总体情况表\n名称 | 说明\n甲 | 乙\n")
    assert doc.table("expenditure_summary") is None


def test_repeated_header_at_page_break_continues_one_table():
    text = EXPENDITURE + """
科目编码 | | | 科目名称 | 合计 | 基本支出 | 项目支出
类 | 款 | 项 | | | |
205 | | | 教育支出 | 10.00 | 10.00 |
"""
    doc = doc_of(text)
    assert len(doc.tables_of("expenditure_summary")) == 1
    t = doc.tables[0]
    assert t.rows[-1].code.digits == "205"
    assert t.rows[-1].values["basic"].amount == Decimal("10.00")


def test_continuation_with_title_and_extra_column():
    text = EXPENDITURE + """
支出总体情况表
单位：万元
科目编码 | | | 科目名称 | 合计 | 基本支出 | 项目支出 | 结转下年
类 | 款 | 项 | | | | |
205 | | | 教育支出 | 15.00 | 10.00 | | 5.00
"""
    doc = doc_of(text)
    assert len(doc.tables) == 1
    last = doc.tables[0].rows[-1]
    assert last.values["carry_next"].amount == Decimal("5.00")
    assert "carry_next" in [c.key for c in doc.tables[0].columns]


def test_blank_parent_code_columns_mean_same_as_above():
    doc = doc_of("""
一般公共预算支出情况表
单位: 万元
科目编码 | | | 科目名称 | 合 计 | 基本支出 | | | 项目支出
类 | 款 | 项 | | | 小 计 | 人员支出 | 日常公用支出 |
| | | 合 计 | 53,451.95 | 4,825.95 | 4,544.75 | 281.20 | 48,626.00
201 | | | 一般公共服务支出 | 747.59 | 485.59 | 463.79 | 21.80 | 262.00
| 32 | | 组织事务 | 505.59 | 485.59 | 463.79 | 21.80 | 20.00
| | 50 | 事业运行 | 332.38 | 312.38 | 301.58 | 10.80 | 20.00
""")
    t = _table(doc, "general_expenditure")
    assert [r.code.digits for r in t.rows if r.code] == ["201", "20132", "2013250"]
    assert t.rows[0].kind is RowKind.TOTAL
    assert t.rows[0].values["total"].amount == Decimal("53451.95")
    assert ("basic", ("personnel", "public")) in t.column_sums


def test_seven_digit_codes_in_one_column_and_seq_and_index_rows():
    doc = doc_of("""
部门预算支出总表
单位：万元
序号 | 功能分类科目 | | 合计 | 基本支出 | 项目支出
| 科目编码 | 科目名称 | | |
栏次 | 1 | 2 | 3 | 4 | 5
1 | | 合计 | 20.00 | 5.00 | 15.00
2 | 206 | 科学技术支出 | 20.00 | 5.00 | 15.00
3 | 2060101 | 行政运行 | 5.00 | 5.00 |
""")
    t = _table(doc, "expenditure_summary")
    assert [r.code.parts if r.code else None for r in t.rows] == [None, ("206",), ("206", "01", "01")]
    assert t.rows[0].kind is RowKind.TOTAL
    assert t.rows[2].texts["seq"] == "3"


def test_code_written_inside_the_name_cell():
    doc = doc_of("""
支出总体情况表
单位：万元
科目 | 合计 | 基本支出 | 项目支出
2080505 机关事业单位基本养老保险缴费支出 | 162.35 | 162.35 |
""")
    row = _table(doc, "expenditure_summary").rows[0]
    assert row.code.digits == "2080505"
    assert row.label == "机关事业单位基本养老保险缴费支出"


def test_values_slid_left_are_put_back_by_the_row_arithmetic():
    doc = doc_of("""
一般公共预算支出情况表
单位：万元
科目编码 | | | 科目名称 | 合计 | 基本支出 | | | 项目支出
类 | 款 | 项 | | | 小计 | 人员支出 | 日常公用支出 |
208 | 05 | 06 | 机关事业单位职业年金缴费支出 | 600.00 | | | 600.00 |
210 | 11 | 01 | 行政单位医疗 | 138.21 | 88.21 | 88.21 | 50.00
""")
    rows = _table(doc, "general_expenditure").rows
    assert rows[0].values["project"].amount == Decimal("600.00")
    assert rows[0].values["public"].blank
    assert rows[0].repaired
    assert rows[1].values["project"].amount == Decimal("50.00")
    assert rows[1].values["personnel"].amount == Decimal("88.21")


def test_trailing_cells_dropped_keep_the_reading():
    doc = doc_of(EXPENDITURE.replace("201 | 03 | 01 | 行政运行 | 100.00 | 100.00 |", "201 | 03 | 01 | 行政运行 | 100.00 | 100.00"))
    row = doc.tables[0].rows[3]
    assert row.values["basic"].amount == Decimal("100.00") and row.repaired is None and row.ambiguous is None


def test_unique_placement_repairs_and_a_tie_is_ambiguous():
    p = Provenance(line=1)
    cells = [parse_amount(x, p) for x in ("10", "", "10")]
    keys = ["t", "a", "b", "c"]
    # Read as t=10, b=10 the row breaks a = b; moving either value one step right fixes it: a tie.
    placed, repaired, ambiguous = place_values(cells, keys, [("a", ("b",)), ("t", ("c",))])
    assert ambiguous and not repaired and placed == ["t", "a", "b"]
    two = [parse_amount("10", p), parse_amount("10", p)]
    placed, repaired, ambiguous = place_values(two, ["t", "a", "c"], [("t", ("c",))])
    assert repaired and not ambiguous and placed == ["t", "c"]


def test_no_placement_keeps_the_reading_so_the_error_is_reported():
    p = Provenance(line=1)
    cells = [parse_amount(x, p) for x in ("10", "3", "3")]
    placed, repaired, ambiguous = place_values(cells, ["t", "a", "b"], [("t", ("a", "b"))])
    assert placed == ["t", "a", "b"] and not repaired and not ambiguous


def test_multi_row_header_with_years_and_merged_groups():
    doc = doc_of("""
一般公共预算“三公”经费支出情况表
单位：万元
2023 年预算数 | | | | | | 2024 年预算数 | | | | |
合计 | 因公出国 (境) 经费 | 公务用车购置及运行维护费 | | | 公务接待费 | 合计 | 因公出国 (境) 经费 | 公务用车购置及运行维护费 | | | 公务接待费
| | 小计 | 公务用车 购置经费 | 公务用车 运行维护费 | | | | 小计 | 公务用车 购置经费 | 公务用车 运行维护费 |
6.50 | 2.50 | | | | 4.00 | 7.00 | 2.00 | 1.00 | 1.00 | | 4.00
""")
    t = _table(doc, "three_public")
    row = t.rows[0]
    assert row.values["y2023.total"].amount == Decimal("6.50")
    assert row.values["y2024.vehicle_purchase"].amount == Decimal("1.00")
    assert ("y2024.total", ("y2024.abroad", "y2024.vehicle", "y2024.reception")) in t.column_sums
    assert ("y2024.vehicle", ("y2024.vehicle_purchase", "y2024.vehicle_operation")) in t.column_sums


def test_broken_words_full_width_digits_and_markup_in_cells():
    doc = doc_of("""
支出总体情况表
单位：万元
科目编码 | 科目名称 | 合 计 | 基本 支出 | 项目 支出
208 | 社会保障和就业支 出 | １，０００．００ | <p>400.00</p> | **600.00**
""")
    t = _table(doc, "expenditure_summary")
    row = t.rows[0]
    assert row.label == "社会保障和就业支出"
    assert row.values["total"].amount == Decimal("1000.00")
    assert row.values["basic"].amount == Decimal("400.00")
    assert row.values["project"].amount == Decimal("600.00")


def test_empty_table_with_its_note():
    doc = doc_of("""
国有资本经营预算支出情况表
单位：万元
科目编码 | | | 科目名称 | 合计 | 基本支出 | 项目支出
类 | 款 | 项 | | | |
注：2024 年没有使用国有资本经营预算拨款安排的支出。
""")
    t = _table(doc, "capital_expenditure")
    assert t.is_empty and "没有使用" in t.empty_note


def test_empty_table_without_header_but_with_note():
    doc = doc_of("""
政府性基金预算支出情况表
单位：万元
注：本部门无政府性基金预算支出，空表列示。
""")
    t = _table(doc, "fund_expenditure")
    assert t.rows == [] and t.empty_note


def test_balance_table_sides_and_hierarchy():
    doc = doc_of("""
收支总体情况表
单位：万元
收 入 | | 支 出 |
项目 | 预算数 | 项目 | 预算数
一、财政拨款收入 | 100.00 | 一、一般公共服务支出 | 60.00
一般公共预算收入 | 70.00 | 二、教育支出 | 40.00
政府性基金预算收入 | 30.00 | |
本年收入合计 | 100.00 | 本年支出合计 | 100.00
上年结转 | 0.00 | 结转下年 | 0.00
收入总计 | 100.00 | 支出总计 | 100.00
""")
    t = _table(doc, "income_expenditure_summary")
    inc = [r for r in t.rows if r.side == "income"]
    assert inc[1].parent == inc[0].index and inc[2].parent == inc[0].index
    assert t.row_by_key("grand_total").kind is RowKind.TOTAL
    assert {r.key for r in t.rows if r.key} >= {"current_total", "grand_total", "carry_prior", "carry_next"}


def test_fiscal_table_is_not_mistaken_for_the_summary_by_a_shorter_title():
    doc = doc_of("""
财政拨款收支总体情况表
单位：万元
收 入 | | 支 出 | | | |
项目 | 预算数 | 项目 | 预算数 | | |
| | | 总计 | 一般公共预算 | 政府性基金预算
一、一般公共预算收入 | 10.00 | 一、一般公共服务支出 | 10.00 | 10.00 |
""")
    t = _table(doc, "fiscal_summary")
    assert ("expenditure.amount", ("expenditure.general", "expenditure.fund")) in t.column_sums


def test_rows_named_only_by_class_marks_nest_by_level():
    from budgetlint.hierarchy import coded_children

    doc = doc_of("""
支出总体情况表
单位：万元
科目名称 | 合计 | 基本支出 | 项目支出
社会保障和就业支出（类） | 30.00 | 10.00 | 20.00
行政事业单位养老支出（款） | 30.00 | 10.00 | 20.00
机关事业单位基本养老保险缴费支出（项） | 10.00 | 10.00 |
机关事业单位职业年金缴费支出（项） | 20.00 | | 20.00
""")
    t = _table(doc, "expenditure_summary")
    assert [r.level for r in t.rows] == [1, 2, 3, 3]
    children, top = coded_children(t)
    assert top == [t.rows[0]]
    assert children[f"#{t.rows[1].index}"] == t.rows[2:]


def test_first_unlabelled_row_of_a_list_table_is_its_total():
    doc = doc_of("""
项目支出预算情况表
单位：万元
项目名称 | 项目类别 | 合计 | 财政拨款
| | 30.00 | 30.00
甲项目 | 其他运转类 | 10.00 | 10.00
乙项目 | 特定目标类 | 20.00 | 20.00
""")
    t = _table(doc, "project_expenditure")
    assert t.rows[0].kind is RowKind.TOTAL
    assert [p.name for p in doc.projects] == ["甲项目", "乙项目"]


def test_slide_only_the_code_hierarchy_shows_is_put_back():
    doc = doc_of("""
支出总体情况表
单位：万元
科目编码 | | | 科目名称 | 合计 | 基本支出 | 项目支出
类 | 款 | 项 | | | |
201 | 01 | | 人大事务 | 150.00 | 100.00 | 50.00
201 | 01 | 01 | 行政运行 | 100.00 | 100.00 |
201 | 01 | 02 | 一般行政管理事务 | 50.00 | 50.00 |
""")
    rows = _table(doc, "expenditure_summary").rows
    slid = rows[2]
    assert slid.values["project"].amount == Decimal("50.00") and slid.values["basic"].blank
    assert slid.repaired and rows[1].repaired is None


def test_a_real_hierarchy_error_is_not_explained_away():
    doc = doc_of("""
支出总体情况表
单位：万元
科目编码 | | | 科目名称 | 合计 | 基本支出 | 项目支出
类 | 款 | 项 | | | |
201 | 01 | | 人大事务 | 150.00 | 100.00 | 50.00
201 | 01 | 01 | 行政运行 | 100.00 | 100.00 |
201 | 01 | 02 | 一般行政管理事务 | 40.00 | | 40.00
""")
    rows = _table(doc, "expenditure_summary").rows
    assert all(r.repaired is None for r in rows)


# --- Final accounts (决算) and the layouts read since -------------------------------------------

BASIC_FINAL = """
一般公共预算财政拨款基本支出决算表
单位：万元
经济分类 | | 科目名称 | 决算数 | 经济分类 | | 科目名称 | 决算数
科目编码 | | | | 科目编码 | | |
类 | 款 | | | 类 | 款 | |
301 | | 工资福利支出 | 90.00 | 302 | | 商品和服务支出 | 8.00
301 | 01 | 基本工资 | 90.00 | 302 | 01 | 办公费 | 8.00
303 | | 对个人和家庭的补助 | 5.00 | 310 | | 资本性支出 | 2.00
303 | 02 | 退休费 | 5.00 | 310 | 02 | 办公设备购置 | 2.00
| | | | 399 | | 其他支出 |
人员经费合计 | | | {personnel} | 公用经费合计 | | | 10.00
"""


def test_side_by_side_personnel_and_public_halves_are_rows_of_one_table():
    t = _table(doc_of(BASIC_FINAL.format(personnel="95.00")), "general_basic_expenditure")
    assert [c.key for c in t.amount_columns] == ["amount"]
    assert t.quality.score == 1.0
    digits = [r.code.digits if r.code else r.key for r in t.rows]
    # every row of the left half (人员经费) before those of the right half (公用经费)
    assert digits == ["301", "30101", "303", "30302", "personnel_total",
                      "302", "30201", "310", "31002", "399", "public_total"]
    sub = t.row_by_key("personnel_total")
    assert sub.kind is RowKind.SUBTOTAL and sub.values["amount"].amount == Decimal("95.00")
    assert t.rows[5].values["amount"].provenance.line == t.rows[0].values["amount"].provenance.line


def test_side_by_side_halves_are_checked_by_their_class_sums():
    from budgetlint.pipeline import run_rules
    from budgetlint.rules.registry import REGISTRY, all_rules

    all_rules()
    assert run_rules(doc_of(BASIC_FINAL.format(personnel="95.00")), [REGISTRY["BL107"]]) == []
    hits = run_rules(doc_of(BASIC_FINAL.format(personnel="96.00")), [REGISTRY["BL107"]])
    assert [(f.rule, f.location.row_label, f.expected) for f in hits] == [
        ("BL107", "人员经费合计", Decimal("95.00"))]


CROSS_TAB = """
预算03表 支出总表
金额单位：万元
支出功能分类科目 | 政府支出经济分类科目 | 部门支出经济分类科目 | 合计 | 基本支出 | 项目支出
2010501-行政运行 | 50101-工资奖金津补贴 | 30101-基本工资 | 10.000000 | 10.000000 |
2010501-行政运行 | 50101-工资奖金津补贴 | 30102-津贴补贴 | 5.000000 | 5.000000 |
2080506-机关事业单位职业年金 | 50102-社会保障缴费 | 30109-职业年金缴费 | 3.000000 | 3.000000 |
缴费支出2101101-行政单位医疗 | 50102-社会保障缴费 | 30110-职工基本医疗保险缴费 | 2.000000 | | 2.000000
合 计 | | | 20.000000 | 18.000000 | 2.000000
"""


def test_code_name_cells_of_a_cross_tab():
    t = _table(doc_of(CROSS_TAB), "expenditure_summary")
    assert [c.key for c in t.amount_columns] == ["total", "basic", "project"]
    first = t.rows[0]
    assert first.code.digits == "2010501" and first.label == "行政运行"
    assert {s.value: c.digits for s, c in first.codes.items()} == {
        "function": "2010501", "econ_gov": "50101", "econ_dept": "30101"}
    assert first.texts["name:econ_dept"] == "基本工资"
    # A name wrapped onto the next line, read at the start of the next row's code cell, goes back.
    assert t.rows[2].label == "机关事业单位职业年金缴费支出"
    assert t.rows[3].label == "行政单位医疗"
    assert t.items_sum and t.rows[-1].kind is RowKind.TOTAL


def test_a_blank_header_column_left_of_the_names_holds_words():
    text = """
财政拨款支出预算表（功能科目）
单位：万元
功能科目代码 | | 功能科目名称 | 金额
合 计 | | | 30.00
204 | 公共安全支出 | | 30.00
2040401 | 行政运行 | | 30.00
"""
    t = _table(doc_of(text), "fiscal_expenditure")
    assert [c.key for c in t.amount_columns] == ["amount"]
    assert [(r.code.digits if r.code else "", r.label) for r in t.rows] == [
        ("", "合计"), ("204", "公共安全支出"), ("2040401", "行政运行")]
    assert t.quality.score == 1.0


def test_a_row_naming_header_does_not_span_the_total_beside_it():
    text = """
项目支出总表
部门名称：某局 单位：万元
支出项目类别 | | 2026年预算 |
| 总计 | 财政拨款 | 上年结余、结转
某局 | 30.00 | 20.00 | 10.00
甲项目 | 30.00 | 20.00 | 10.00
"""
    t = _table(doc_of(text), "project_expenditure")
    assert [c.key for c in t.amount_columns] == ["total", "y2026.fiscal", "y2026.carry_prior"]
    # the year heading has no total of its own: 总计 is the sum of what it heads
    assert ("total", ("y2026.fiscal", "y2026.carry_prior")) in t.column_sums
    assert t.rows[0].label == "某局" and t.rows[0].kind is RowKind.TOTAL  # the unit's own row
    assert t.rows[1].values["total"].amount == Decimal("30.00")


def test_final_three_public_budget_and_final_columns():
    text = """
2024年某局部门决算

财政拨款“三公”经费支出决算表
单位：万元
合计 | | 因公出国（境）费 | | 公务用车购置及运行费 | | | | | | 公务接待费 |
| | | | 小计 | | 公务用车购置费 | | 公务用车运行费 | | |
预算数 | 决算数 | 预算数 | 决算数 | 预算数 | 决算数 | 预算数 | 决算数 | 预算数 | 决算数 | 预算数 | 决算数
3.00 | 2.50 | 1.00 | 1.00 | 1.00 | 0.50 | | | 1.00 | 0.50 | 1.00 | 1.00
"""
    from budgetlint.recognise.figures import key_figures, three_public_cells

    doc = doc_of(text)
    t = _table(doc, "three_public")
    assert [c.key for c in t.amount_columns][:4] == ["budget.total", "final.total", "budget.abroad", "final.abroad"]
    assert ("final.total", ("final.abroad", "final.vehicle", "final.reception")) in t.column_sums
    assert ("budget.vehicle", ("budget.vehicle_purchase", "budget.vehicle_operation")) in t.column_sums
    assert key_figures(doc)["three_public_curr"] == Decimal("2.50")
    assert three_public_cells(doc, 2024)["reception"].column == "final.reception"


def test_three_public_by_year_rows_and_by_fund_type():
    text = """
2026年某局部门预算

财政拨款“三公”经费支出表
部门名称：某局 单位：万元
预算单位 | 年度 | 总计 | | 因公出国(境)费 | | 公务接待费 |
| | 一般公共预算 | 政府性基金预算 | 一般公共预算 | 政府性基金预算 | 一般公共预算 | 政府性基金预算
某局 | 2025年 | 5.00 | 0.00 | 2.00 | 0.00 | 3.00 | 0.00
| 2026年 | 4.00 | 1.00 | 2.00 | 1.00 | 2.00 | 0.00
| 增减变化金额 | -1.00 | 1.00 | 0.00 | 1.00 | -1.00 | 0.00
"""
    from budgetlint.recognise.figures import key_figures, three_public_cells

    doc = doc_of(text)
    t = _table(doc, "three_public")
    assert [c.key for c in t.amount_columns] == ["general", "fund", "abroad.general", "abroad.fund",
                                                 "reception.general", "reception.fund"]
    assert [r.texts.get("year") for r in t.rows] == ["2025年", "2026年", "增减变化金额"]
    figures = key_figures(doc)
    assert (figures["three_public_prev"], figures["three_public_curr"]) == (Decimal("5.00"), Decimal("5.00"))
    assert three_public_cells(doc, 2026)["reception"].column == "reception.general"


def test_year_of_a_tables_only_file_from_its_headings():
    text = """
预算01表 收支总表
金额单位：万元
收 入 | | 支 出 |
项 目 | 预算数 | 项 目 | 预算数
一、一般公共预算拨款收入 | 10.00 | 一、一般公共服务支出 | 10.00
预算13表 部门整体支出绩效目标表
（2026年度）
"""
    assert doc_of(text).meta.year == 2026


def test_a_whole_block_slid_the_same_way_is_put_back_from_the_level_above():
    # 20102 and its 项 all read their project money under 基本支出: consistent among themselves,
    # only 201 shows the slide.
    doc = doc_of("""
支出总体情况表
单位：万元
科目编码 | | | 科目名称 | 合计 | 基本支出 | 项目支出
类 | 款 | 项 | | | |
201 | | | 一般公共服务支出 | 150.00 | 100.00 | 50.00
201 | 01 | | 人大事务 | 100.00 | 100.00 |
201 | 01 | 01 | 行政运行 | 100.00 | 100.00 |
201 | 02 | | 政协事务 | 50.00 | 50.00 |
201 | 02 | 02 | 一般行政管理事务 | 30.00 | 30.00 |
201 | 02 | 99 | 其他政协事务支出 | 20.00 | 20.00 |
""")
    rows = _table(doc, "expenditure_summary").rows
    assert [r.values["project"].amount for r in rows[3:]] == [Decimal("50.00"), Decimal("30.00"), Decimal("20.00")]
    assert all(r.repaired for r in rows[3:]) and rows[1].repaired is None


def test_a_slide_over_a_page_break_is_put_back_as_one_run():
    # 302 and its first items sit on the slid page (公用 money read under 人员); the last items,
    # on the next page, are read right. No single row, only the run, makes 302 agree.
    doc = doc_of("""
一般公共预算基本支出情况表
单位：万元
科目编码 | 科目名称 | 基本支出 | |
| | 合计 | 人员经费 | 公用经费
| 合计 | 30.00 | 10.00 | 20.00
301 | 工资福利支出 | 10.00 | 10.00 |
30101 | 基本工资 | 10.00 | 10.00 |
302 | 商品和服务支出 | 20.00 | 20.00 |
30201 | 办公费 | 5.00 | 5.00 |
30202 | 印刷费 | 5.00 | 5.00 |
30205 | 水费 | 4.00 | 4.00 |
30206 | 电费 | 6.00 | | 6.00
""")
    rows = _table(doc, "general_basic_expenditure").rows
    assert [r.values["public"].amount for r in rows[3:]] == [Decimal(x) for x in ("20.00", "5.00", "5.00", "4.00", "6.00")]
    assert all(r.values["personnel"].blank for r in rows[3:])


FUJIAN = """
九、一般公共预算基本支出经济分类情况表
2026年度一般公共预算基本支出经济分类情况表
单位：万元
科目编码 | 科目名称 | 预算数
合计 | | 300.00
301 | 工资福利支出 | 200.00
30101 | 基本工资 | 200.00
17
\f30201 | 办公费 | 100.00
302 | 商品和服务支出 | 100.00
18
\f20
\f十、一般公共预算“三公”经费支出预算表
2026年度一般公共预算“三公”经费支出预算表
单位：万元
项目 | 预算数
合计 | 27.31
1、因公出国（境）费用 | 0.00
2、公务接待费 | 2.00
3、公务用车购置及运行费 | 25.31
其中：（1）公务用车购置费 | 0.00
（2）公务用车运行费 | 25.31
"""


def test_fujian_tables_and_page_numbers_between_their_pages():
    doc = doc_of(FUJIAN)
    t = _table(doc, "general_basic_expenditure")
    assert [r.code.digits if r.code else r.label for r in t.rows] == ["合计", "301", "30101", "30201", "302"]
    assert t.quality.issues == []  # the page numbers are no rows the reader could not split
    tp = _table(doc, "three_public")
    assert [r.key for r in tp.rows] == [None, "abroad", "reception", "vehicle", "vehicle_purchase",
                                        "vehicle_operation"]
    assert tp.rows[0].kind is RowKind.TOTAL and tp.rows[3].values["amount"].amount == Decimal("25.31")


def test_the_title_nearest_the_header_names_the_table():
    """A list of table titles (a table of contents) above the table: the line right above the
    header names it, not the first title of the list."""
    text = tsv("""
2024年某某局部门预算
一、收支总体情况表
二、支出总体情况表
单位：万元
科目编码 | 科目名称 | 合计 | 基本支出 | 项目支出
201 | 一般公共服务支出 | 150.00 | 100.00 | 50.00
合计 |  | 150.00 | 100.00 | 50.00
""")
    doc = doc_of(text)
    assert [(t.kind, t.title) for t in doc.tables] == [("expenditure_summary", "二、支出总体情况表")]


def test_economic_tables_headed_by_economic_subject():
    # 广东: "一般公共预算基本/项目支出情况表（按经济分类科目）", header "部门预算支出经济科目 | 预算".
    text = """
表6
一般公共预算基本支出情况表（按经济分类科目）
单位：万元
部门预算支出经济科目 | 预算
合计 | 120.00
[301]工资福利支出 | 100.00
[302]商品和服务支出 | 20.00
表7
一般公共预算项目支出情况表（按经济分类科目）
单位：万元
部门预算支出经济科目 | 预算
合计 | 30.00
[302]商品和服务支出 | 30.00
"""
    doc = doc_of(text)
    basic = _table(doc, "general_basic_expenditure")
    project = _table(doc, "general_project_expenditure")
    assert [r.values["amount"].amount for r in basic.rows] == [Decimal("120.00"), Decimal("100.00"), Decimal("20.00")]
    assert project.rows[0].values["amount"].amount == Decimal("30.00") and len(project.rows) == 2


def test_department_and_unit_codes_are_no_classification_codes():
    """部门代码 302 over 单位代码 302001…: organisation codes growing by three digits, not the
    经济分类 class 302 商品和服务支出."""
    doc = doc_of("""
收入总表
单位：万元
部门代码 | 部门名称 | 合计 | 一般公共预算
合计 | | 300.00 | 300.00
302 | 无锡市某某委员会 | 300.00 | 300.00
302001 | 无锡市某某委员会（本级） | 200.00 | 200.00
302002 | 无锡市某某研究中心 | 100.00 | 100.00
""")
    t = _table(doc, "income_summary")
    assert [r.code for r in t.rows] == [None] * 4
    assert [r.texts.get("org_code") for r in t.rows[1:]] == ["302", "302001", "302002"]
    assert t.rows[1].label == "无锡市某某委员会"


def test_economic_codes_of_three_and_five_digits_stay_codes():
    doc = doc_of("""
基本支出预算表
单位：万元
科目编码 | 科目名称 | 合计
302 | 商品和服务支出 | 30.00
30201 | 办公费 | 10.00
30205 | 水费 | 20.00
""")
    t = next(x for x in doc.tables if x.rows)
    assert [r.code.digits for r in t.rows] == ["302", "30201", "30205"]


def test_expenditure_side_named_by_class_three_ways_reads_its_first_view():
    """西安: 支出功能分类科目（按大类）| 预算数 | 部门预算支出经济分类科目（按大类）| 预算数 | …"""
    doc = doc_of("""
部门综合预算收支总表
单位：元
收入 | | 支出 | | |
项目 | 预算数 | 支出功能分类科目（按大类） | 预算数 | 部门预算支出经济分类科目（按大类） | 预算数
一、部门预算 | 100.00 | 一、部门预算 | 100.00 | 一、部门预算 | 100.00
1、财政拨款 | 100.00 | 1、一般公共服务支出 | 60.00 | 1、人员经费和公用经费支出 | 100.00
| | 2、教育支出 | 40.00 | |
本年收入合计 | 100.00 | 本年支出合计 | 100.00 | 本年支出合计 | 100.00
收入总计 | 100.00 | 支出总计 | 100.00 | 支出总计 | 100.00
""")
    t = _table(doc, "income_expenditure_summary")
    exp = {r.key: r for r in t.rows if r.side == "expenditure" and r.key}
    assert exp["current_total"].values["amount"].amount == Decimal("100.00")
    assert exp["grand_total"].kind is RowKind.TOTAL
    assert [r.label for r in t.rows if r.side == "expenditure"][:3] == ["一、部门预算", "1、一般公共服务支出", "2、教育支出"]
