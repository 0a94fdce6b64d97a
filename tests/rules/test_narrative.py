"""Narrative ↔ tables (BL3xx): a consistent mini-document keeps every narrative rule quiet; one
changed phrase makes exactly the rule about it fire."""

from __future__ import annotations

from decimal import Decimal

import pytest
from helpers import doc_of

from budgetlint.pipeline import run_rules
from budgetlint.rules.registry import REGISTRY, all_rules

DOC = """
2024年某局部门预算

第一部分 部门概况
一、主要职责
负责某某工作。
二、机构设置情况
本部门为行政单位。

收支总体情况表
单位：万元
收 入 | | 支 出 |
项目 | 预算数 | 项目 | 预算数
一、财政拨款收入 | 100.00 | 一、一般公共服务支出 | 100.00
一般公共预算收入 | 80.00 | |
政府性基金预算收入 | 20.00 | |
本年收入合计 | 100.00 | 本年支出合计 | 100.00
收入总计 | 100.00 | 支出总计 | 100.00

支出总体情况表
单位：万元
科目编码 | 科目名称 | 合计 | 基本支出 | 项目支出
| 合计 | 100.00 | 60.00 | 40.00
201 | 一般公共服务支出 | 100.00 | 60.00 | 40.00

一般公共预算基本支出情况表
单位：万元
科目编码 | 科目名称 | 基本支出 | |
| | 小计 | 人员支出 | 日常公用支出
| 合计 | 60.00 | 50.00 | 10.00
301 | 工资福利支出 | 50.00 | 50.00 |
302 | 商品和服务支出 | 10.00 | | 10.00

一般公共预算“三公”经费支出情况表
单位：万元
2023 年预算数 | | | | | | 2024 年预算数 | | | | |
合计 | 因公出国 (境) 经费 | 公务用车购置及运行维护费 | | | 公务接待费 | 合计 | 因公出国 (境) 经费 | 公务用车购置及运行维护费 | | | 公务接待费
| | 小计 | 公务用车购置经费 | 公务用车运行维护费 | | | | 小计 | 公务用车购置经费 | 公务用车运行维护费 |
6.00 | 2.00 | | | | 4.00 | 7.00 | 2.00 | | | | 5.00

项目支出预算情况表
单位：万元
项目名称 | 项目类型 | 合计 | 财政拨款 | |
| | | 小计 | 一般公共预算 | 政府性基金预算
合计 | | 40.00 | 40.00 | 20.00 | 20.00
甲项目经费 | 特定目标类 | 40.00 | 40.00 | 20.00 | 20.00

第三部分 2024年部门预算情况说明
一、预算收支增减变化情况说明
（一）收入预算：2024年收入预算100.00万元，其中：一般公共预算收入80.00万元，政府性基金预算收入20.00万元。
（二）支出预算：2024年支出预算100.00万元，其中：基本支出60.00万元，项目支出40.00万元。
（三）增减变化情况：2024年收支预算100.00万元，比上年增加10.00万元，其中：基本支出增加4.00万元，项目支出增加6.00万元。
二、“三公”经费支出情况
2024年“三公”经费预算共7.00万元，比上年增加1.00万元，增长16.67%。其中：
1.因公出国（境）费2.00万元，与上年持平。
2.公务用车购置及运行费0万元，与上年持平。
3.公务接待费5.00万元，比上年增加1.00万元，增长25.00%。
三、机关运行经费情况
机关运行经费指为保障行政单位运行用于购买货物和服务的各项资金。2024年本部门机关运行经费安排10.00万元，较2023年减少0.50万元，下降4.76%。
四、绩效目标情况说明
（一）预算绩效管理情况
本部门2024年项目支出全面实施绩效目标管理，涉及预算项目支出1个，预算资金40.00万元。拟对甲项目经费1个项目开展部门重点绩效评价，涉及预算资金40万元。
"""

RULES = ("BL301", "BL302", "BL303", "BL304", "BL305", "BL306", "BL307", "BL308")


def run(text: str, *ids: str):
    all_rules()
    return run_rules(doc_of(text), [REGISTRY[i] for i in (ids or RULES)])


def test_the_consistent_document_is_quiet():
    assert run(DOC) == []


@pytest.mark.parametrize("old,new,rule_ids", [
    ("收入预算100.00万元", "收入预算100.50万元", ["BL301", "BL304"]),  # the table and its own parts
    ("基本支出60.00万元", "基本支出61.00万元", ["BL301", "BL304"]),
    ("公务接待费5.00万元", "公务接待费5.10万元", ["BL301", "BL302", "BL305"]),
    ("机关运行经费安排10.00万元", "机关运行经费安排12.00万元", ["BL301", "BL302"]),
    ("预算资金40.00万元。", "预算资金45.00万元。", ["BL301"]),
    ("增长16.67%", "增长14.29%", ["BL302"]),
    ("公务用车购置及运行费0万元，与上年持平", "公务用车购置及运行费0万元，比上年减少0万元，下降100%", ["BL302"]),
    # an amount printed as 0 is exactly none: 0 after a decrease of 1.84 is -100%, not -95%
    ("公务用车购置及运行费0万元，与上年持平", "公务用车购置及运行费0万元，比上年减少1.84万元，下降95.00%",
     ["BL302", "BL305"]),
    ("比上年增加1.00万元，增长25.00%", "比上年增加1.00万元，下降25.00%", ["BL303"]),
    ("因公出国（境）费2.00万元，与上年持平", "因公出国（境）费2.00万元，与上年持平，增加0.50万元", ["BL303", "BL305"]),
    ("政府性基金预算收入20.00万元。", "政府性基金预算收入10.00万元。", ["BL301", "BL304"]),
    ("项目支出增加6.00万元", "项目支出增加7.00万元", ["BL304"]),
    ("公务接待费5.00万元，比上年增加1.00万元，增长25.00%", "公务接待费5.00万元，比上年增加2.00万元，增长66.67%", ["BL305"]),
    ("涉及预算项目支出1个", "涉及预算项目支出2个", ["BL307"]),
    ("涉及预算资金40万元", "涉及预算资金30万元", ["BL308"]),
])
def test_one_changed_phrase_fires_its_rules(old, new, rule_ids):
    assert old in DOC
    hits = run(DOC.replace(old, new))
    assert sorted(f.rule for f in hits) == rule_ids, [f.message for f in hits]
    assert all(f.location.line for f in hits)


def test_bl301_compares_across_units_with_rounding():
    # 100.00 万元 written as 1000000 元, and 7.00 as 7 (one digit less): both agree.
    text = DOC.replace("收入预算100.00万元", "收入预算1000000元").replace("共7.00万元", "共7万元")
    assert run(text, "BL301") == []
    hit = run(DOC.replace("收入预算100.00万元", "收入预算1000500元"), "BL301")
    assert len(hit) == 1 and hit[0].location.line is not None


def test_bl302_allows_the_rounding_of_the_printed_figures():
    # 10.00 − (−0.50) = 10.50 last year; 0.50/10.50 = 4.7619 %, but 0.50 printed with two decimals
    # may be 0.495 … 0.505: anything from 4.71 % to 4.81 % is right.
    assert run(DOC.replace("下降4.76%", "下降4.77%"), "BL302") == []
    assert run(DOC.replace("下降4.76%", "下降4.80%"), "BL302") == []  # 0.505 / 10.49 = 4.81 %
    assert [f.rule for f in run(DOC.replace("下降4.76%", "下降4.90%"), "BL302")] == ["BL302"]


def test_bl302_zero_change_with_a_percentage_is_a_contradiction():
    text = DOC.replace("公务用车购置及运行费0万元，与上年持平", "公务用车购置及运行费0万元，比上年减少0万元，下降100%")
    (f,) = run(text, "BL302")
    assert "增减额为 0" in f.message and f.found == Decimal("-100")


def test_bl303_basic_flat_allows_a_small_change():
    # 0.05 on 1.95 last year is 2.6 %: roughly flat; so is "基本与上年持平" (the 基本 before 与上年)
    text = DOC.replace("因公出国（境）费2.00万元，与上年持平", "因公出国（境）费2.00万元，与上年基本持平，增加0.05万元")
    assert run(text, "BL303") == []
    text = DOC.replace("因公出国（境）费2.00万元，与上年持平", "因公出国（境）费2.00万元，比上年减少0.02万元，下降0.99%，基本与上年持平")
    assert run(text, "BL303") == []


def test_bl303_basic_flat_with_a_large_change_is_a_contradiction():
    # 0.50 on 1.50 last year is 33 %: no longer "基本持平"
    text = DOC.replace("因公出国（境）费2.00万元，与上年持平", "因公出国（境）费2.00万元，与上年基本持平，增加0.50万元")
    (f,) = run(text, "BL303")
    assert "基本持平" in f.message and f.found == Decimal("33.33")


def test_bl304_names_the_row_the_parts_left_out():
    text = DOC.replace("（一）收入预算：2024年收入预算100.00万元，其中：一般公共预算收入80.00万元，政府性基金预算收入20.00万元。",
                       "（一）收入预算：2024年收入预算100.00万元，其中：一般公共预算收入80.00万元，财政专户管理资金收入0元。")
    (f,) = run(text, "BL304")
    assert "政府性基金预算收入" in f.message and f.severity.value == "warning"


def test_bl304_partial_lists_may_leave_parts_out():
    text = DOC.replace("基本支出60.00万元，项目支出40.00万元", "基本支出60.00万元，主要是人员经费50.00万元；项目支出40.00万元")
    assert run(text, "BL304") == []
    text = DOC.replace("基本支出60.00万元，项目支出40.00万元",
                       "基本支出60.00万元，主要是人员经费50.00万元和日常公用经费20.00万元；项目支出40.00万元")
    assert [f.rule for f in run(text, "BL304")] == ["BL304"]


def test_bl305_flat_against_last_year_column():
    text = DOC.replace("公务接待费5.00万元，比上年增加1.00万元，增长25.00%", "公务接待费5.00万元，与上年持平")
    (f,) = run(text, "BL305")
    assert f.expected == Decimal("4") and f.found == Decimal("5")


def test_bl306_unit_type_against_operating_cost():
    none = DOC.replace("2024年本部门机关运行经费安排10.00万元，较2023年减少0.50万元，下降4.76%。", "本部门无机关运行经费。")
    assert [f.rule for f in run(none, "BL306")] == ["BL306"]
    institution = DOC.replace("本部门为行政单位。", "本单位为公益一类事业单位。")
    assert [f.rule for f in run(institution, "BL306")] == ["BL306"]
    # "非参公事业" denies being 参公: a document saying so and having no 机关运行经费 is consistent
    denied = DOC.replace("本部门为行政单位。", "本单位为非参公事业单位。").replace(
        "2024年本部门机关运行经费安排10.00万元，较2023年减少0.50万元，下降4.76%。", "本单位为非参公事业，无机关运行经费。")
    assert run(denied, "BL306") == []
    says_none = institution.replace("2024年本部门机关运行经费安排10.00万元，较2023年减少0.50万元，下降4.76%。",
                                    "本单位为事业单位，无机关运行经费。")
    assert run(says_none, "BL306") == []
    # a document that does not say what it is is not judged
    unknown = DOC.replace("本部门为行政单位。", "本部门负责某某。")
    assert run(unknown.replace("安排10.00万元", "安排12.00万元"), "BL306", "BL301") == []


def test_claims_outside_their_section_are_not_bound():
    # 公务用车运行维护费 in the 机关运行经费 paragraph is one of its uses, not the 三公 item.
    text = DOC.replace("下降4.76%。", "下降4.76%，主要用于办公费2.00万元、公务用车运行维护费以及其他费用8.00万元。")
    assert run(text) == []


def test_bl304_income_and_expenditure_changes_agree():
    """A budget balances, so the changes stated for 收支, 收入 and 支出 in one section are one figure."""
    text = ("2024年某局部门预算\n\n第三部分 2024年部门预算情况说明\n\n一、预算收支增减变化情况说明\n\n"
            "（三）增减变化情况：2024年收支预算120.00万元，较上年预算增加{whole}万元，其中：\n\n"
            "1.收入预算增加20.00万元。\n\n2.支出预算增加20.00万元。\n")
    assert run(text.format(whole="20.00"), "BL304") == []
    hits = run(text.format(whole="15.00"), "BL304")
    assert [(f.rule, f.found, f.expected) for f in hits] == [("BL304", Decimal("15.00"), Decimal("20.00"))]


SHANGHAI = """
2026年部门预算

2026年部门一般公共预算支出功能分类预算表
单位：元
功能分类科目编码 | 功能分类科目名称 | 合计 | 基本支出 | 项目支出
| 合计 | 180000.00 | 180000.00 | 0.00
221 | 住房保障支出 | 180000.00 | 180000.00 | 0.00
22102 | 住房改革支出 | 180000.00 | 180000.00 | 0.00
2210201 | 住房公积金 | 180000.00 | 180000.00 | 0.00

六、其他相关情况说明
财政拨款支出主要内容如下：
1、住房保障支出（221类）住房改革支出（02款）住房公积金（01项）18.00万元。主要用于：缴纳住房公积金。2025年当年预算执行数为16.00万元，2026年预算安排18.00万元，比2025年预算执行数增加12.50%。
"""


def test_bl301_checks_function_items_against_their_row_in_yuan():
    assert run(SHANGHAI) == []
    # the paragraph restates the item with another figure than the table's (2026年预算安排 …)
    found = run(SHANGHAI.replace("2026年预算安排18.00万元", "2026年预算安排18.50万元"))
    # … which also breaks its own percentage (16.00 → 18.50 is +15.63%, not +12.50%), but 12.50%
    # is right for the table's 18.00: one problem, the restated amount, reported once (BL301).
    assert sorted(f.rule for f in found) == ["BL301"]
    (f,) = [f for f in found if f.rule == "BL301"]
    assert "住房公积金" in f.message and f.expected == Decimal("18")


FINAL = """
2024年度某局部门决算

一般公共预算财政拨款支出决算表
单位：万元
科目编码 | 科目名称 | 本年支出 | |
| | 小计 | 基本支出 | 项目支出
| 合计 | 160.00 | 160.00 | 0.00
201 | 一般公共服务支出 | 160.00 | 160.00 | 0.00
20106 | 财政事务 | 160.00 | 160.00 | 0.00
2010601 | 行政运行 | 160.00 | 160.00 | 0.00

第三部分 2024年度部门决算情况说明
（三）一般公共预算财政拨款支出决算具体情况
1、一般公共服务支出（类）财政事务（款）行政运行（项）。主要用于：人员经费。年初预算为170.00万元，支出决算为160.00万元，完成年初预算的94.12%。
"""


def test_final_accounts_compare_the_final_figure_and_the_completion_rate():
    assert run(FINAL, "BL301", "BL309") == []
    (f,) = run(FINAL.replace("支出决算为160.00万元", "支出决算为161.00万元，"), "BL301")
    assert f.expected == Decimal("160") and f.found == Decimal("161.00")
    (f,) = run(FINAL.replace("94.12%", "96.12%"), "BL309")
    assert f.expected == Decimal("94.12") and f.found == Decimal("96.12")
    # one unit of the last printed digit either way is rounding (or truncation)
    assert run(FINAL.replace("94.12%", "94.11%"), "BL309") == []
    assert run(FINAL.replace("完成年初预算的94.12%", "完成年初预算的94%"), "BL309") == []
    # a budget of 0 has no completion rate
    assert run(FINAL.replace("年初预算为170.00万元", "年初预算为0万元"), "BL309") == []


def test_bl301_quiet_when_the_table_cell_was_read_with_low_confidence():
    """An OCR'd table figure below the confidence threshold is not compared (BL906 reports it)."""
    from helpers import doc_of as _doc

    from budgetlint.pipeline import run_rules
    from budgetlint.rules.registry import REGISTRY, all_rules

    text = """
2024年某局部门预算
第三部分 情况说明
一、收支预算总体情况
2024年收入预算总计 101.00 万元。
收支总体情况表
单位：万元
收 入 | | 支 出 |
项目 | 预算数 | 项目 | 预算数
一、财政拨款收入 | 100.00 | 一、一般公共服务支出 | 100.00
本年收入合计 | 100.00 | 本年支出合计 | 100.00
收入总计 | 100.00 | 支出总计 | 100.00
"""
    all_rules()
    doc = _doc(text)
    before = [f.rule for f in run_rules(doc, [REGISTRY["BL301"]])]
    for r in doc.tables[0].rows:
        for v in r.values.values():
            v.confidence = 0.5
    after = [f.rule for f in run_rules(doc, [REGISTRY["BL301"]])]
    assert before == ["BL301"] and after == []


def test_bl302_percentage_from_two_years_without_a_change_amount():
    """"上年执行数 A，本年安排 B，增加 P%": P must be (B − A) ÷ A, its direction word included."""
    from helpers import doc_of as _doc

    from budgetlint.pipeline import run_rules
    from budgetlint.rules.registry import REGISTRY, all_rules

    text = """
上海市某局2026年部门预算
四、一般公共预算支出情况说明
1、公共安全支出（类）司法（款）行政运行（项）。2025年当年预算执行数为{last}万元，2026年预算安排{this}万元，比2025年预算执行数{word}{pct}%。
"""
    all_rules()

    def hits(**kw):
        return [f.rule for f in run_rules(_doc(text.format(**kw)), [REGISTRY["BL302"]])]

    assert hits(last="1690.69", this="1672.67", word="减少", pct="1.07") == []
    assert hits(last="77.99", this="91.97", word="增加", pct="17.93") == []
    assert hits(last="77.99", this="91.97", word="增加", pct="17.66") == ["BL302"]
    assert hits(last="43269.3", this="3845.49", word="增加", pct="17.62") == ["BL302"]


def test_bl302_percentage_that_fits_the_table_is_the_amounts_problem():
    """"上年 198.34，本年 201.50，增加 5.27%" where the table shows 208.80: 5.27% is right for the
    table's figure, so the one problem is the prose's 201.50 (BL301), not the percentage."""
    from helpers import doc_of as _doc
    from helpers import tsv

    from budgetlint.pipeline import run_rules
    from budgetlint.rules.registry import REGISTRY, all_rules

    text = tsv("""
上海市某局2026年部门预算
一般公共预算支出情况表
单位：万元
科目编码 | 科目名称 | 合计 | 基本支出 | 项目支出
221 | 住房保障支出 | {table} | {table} | 0.00
22102 | 住房改革支出 | {table} | {table} | 0.00
2210201 | 住房公积金 | {table} | {table} | 0.00
合计 |  | {table} | {table} | 0.00
四、一般公共预算支出情况说明
1、住房保障支出（类）住房改革支出（款）住房公积金（项）。2025年当年预算执行数为198.34万元，2026年预算安排201.50万元，比2025年预算执行数增加5.27%。
""")
    all_rules()

    def hits(table):
        return sorted(f.rule for f in run_rules(_doc(text.format(table=table)), [REGISTRY["BL301"], REGISTRY["BL302"]]))

    assert hits("208.80") == ["BL301"]  # the percentage fits the table: one problem, the amount
    assert hits("230.00") == ["BL301", "BL302"]  # fits neither: two problems


def _prose(body: str) -> str:
    return "2024年某局部门预算\n\n第三部分 2024年部门预算情况说明\n\n一、“三公”经费支出情况\n\n" + body + "\n"


def test_bl304_a_part_with_its_own_breakdown_is_not_a_flat_list():
    # 公务用车 70.00（购置费 30.00，运行维护费 40.00）: its breakdown is not three more parts.
    text = _prose("2024年“三公”经费预算共85.00万元，其中：因公出国（境）费10.00万元，公务用车购置及运行维护费70.00万元"
                  "（公务用车购置费30.00万元，公务用车运行维护费40.00万元），公务接待费5.00万元。")
    assert run(text, "BL304") == []


def test_bl304_a_list_that_adds_up_before_it_ends_ran_on():
    text = _prose("2024年“三公”经费预算共40.00万元，其中：公务接待费10.00万元，公务用车购置及运行费30.00万元"
                  "（其中公务用车购置费10.00万元，公务用车运行费20.00万元），因公出国（境）费5.00万元。")
    assert run(text, "BL304") == []


def test_bl304_the_same_figures_restated_are_one_finding():
    one = ("2024年本部门预算支出100.00万元，比上年增加10.00万元，其中：基本支出增加4.00万元，项目支出增加5.00万元。")
    text = ("2024年某局部门预算\n\n第三部分 2024年部门预算情况说明\n\n一、预算收支增减变化情况说明\n\n" + one + "\n\n"
            + one.replace("预算支出", "财政拨款支出") + "\n")
    hits = run(text, "BL304")
    assert len(hits) == 1 and len(hits[0].related) == 1, [f.message for f in hits]


def test_bl301_says_the_table_figure_in_the_prose_unit():
    """"352.67万元 与…的 3,503,499元（合 350.35万元）": one unit to compare in."""
    found = run(SHANGHAI.replace("2026年预算安排18.00万元", "2026年预算安排18.50万元"))
    (f,) = [f for f in found if f.rule == "BL301"]
    assert "180000.00元（合 18.00万元）" in f.message


def test_text_report_shows_tolerance_to_three_digits():
    from decimal import Decimal

    from budgetlint.report.text import tolerance_text

    assert tolerance_text(Decimal("0.0050005")) == "0.005" and tolerance_text(Decimal("2")) == "2"
