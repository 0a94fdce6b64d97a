"""Each arithmetic rule: a small document that makes it fire, and one that keeps it quiet."""

from __future__ import annotations

from decimal import Decimal

import pytest
from helpers import doc_of

from budgetlint.pipeline import run_rules
from budgetlint.rules.registry import REGISTRY, all_rules


def fired(text: str, rule_id: str):
    all_rules()
    return [(f.rule, f.location.row_label, f.location.column, f.expected, f.found)
            for f in run_rules(doc_of(text), [REGISTRY[rule_id]])]


GENERAL = """
一般公共预算支出情况表
单位：万元
科目编码 | | | 科目名称 | 合计 | 基本支出 | | | 项目支出
类 | 款 | 项 | | | 小计 | 人员支出 | 日常公用支出 |
合 计 | | | | {total} | 100.00 | 90.00 | 10.00 | 50.00
201 | | | 一般公共服务支出 | 150.00 | 100.00 | 90.00 | 10.00 | 50.00
201 | 03 | | 政府办公厅（室）及相关机构事务 | 150.00 | 100.00 | 90.00 | 10.00 | 50.00
201 | 03 | 01 | 行政运行 | {row} | 100.00 | {personnel} | 10.00 |
201 | 03 | 02 | 一般行政管理事务 | 50.00 | | | | 50.00
"""


def general(total="150.00", row="100.00", personnel="90.00"):
    return GENERAL.format(total=total, row=row, personnel=personnel)


def test_bl101_fires_on_a_row_that_does_not_add_up():
    hits = fired(general(row="110.00"), "BL101")
    assert hits == [("BL101", "2010301 行政运行", "total", Decimal("100.00"), Decimal("110.00"))]


def test_bl101_fires_on_the_inner_group():
    hits = fired(general(personnel="80.00"), "BL101")
    assert ("BL101", "2010301 行政运行", "basic", Decimal("90.00"), Decimal("100.00")) in hits


def test_bl101_quiet_within_rounding():
    # 100.01 vs 100.00 + 0: n = 2 figures at 0.01 → tolerance 0.01.
    assert fired(general(row="100.01"), "BL101") == []


def test_bl102_fires_on_a_total_row():
    hits = fired(general(total="150.10"), "BL102")
    assert hits == [("BL102", "合计", "total", Decimal("150.00"), Decimal("150.10"))]


def test_bl102_quiet_on_a_correct_table():
    assert fired(general(), "BL102") == []


def test_bl103_fires_when_a_parent_is_not_its_children():
    text = general(personnel="80.00").replace("行政运行 | 100.00 | 100.00 | 80.00 | 10.00 |",
                                              "行政运行 | 90.00 | 90.00 | 80.00 | 10.00 |")
    hits = fired(text, "BL103")
    assert hits == [("BL103", "20103 政府办公厅（室）及相关机构事务", "total", Decimal("140.00"), Decimal("150.00"))]


def test_bl103_quiet_on_a_correct_table_and_on_slid_rows():
    assert fired(general(), "BL103") == []
    slid = general().replace("一般行政管理事务 | 50.00 | | | | 50.00", "一般行政管理事务 | 50.00 | | | 50.00 |")
    assert fired(slid, "BL103") == [] and fired(slid, "BL101") == []


def test_bl103_short_items_at_the_end_of_a_table_is_only_a_warning():
    text = """
一般公共预算基本支出情况表
单位：万元
科目编码 | | 部门预算支出经济分类科目 | 基本支出 | |
类 | 款 | | 小计 | 人员支出 | 日常公用支出
合计 | | | 30.00 | 30.00 |
303 | | 对个人和家庭的补助 | 30.00 | 30.00 |
303 | 02 | 退休费 | 20.00 | 20.00 |
"""
    all_rules()
    findings = run_rules(doc_of(text), [REGISTRY["BL103"]])
    assert [f.severity.value for f in findings] == ["warning"]


BALANCE = """
收支总体情况表
单位：万元
收 入 | | 支 出 |
项目 | 预算数 | 项目 | 预算数
一、财政拨款收入 | 100.00 | 一、一般公共服务支出 | 60.00
一般公共预算收入 | {general} | 二、教育支出 | 40.00
政府性基金预算收入 | 30.00 | |
二、事业收入 | 0.00 | |
本年收入合计 | 100.00 | 本年支出合计 | {exp_current}
上年结转 | {carry} | 结转下年 | 0.00
收入总计 | {inc_total} | 支出总计 | {exp_total}
"""


def balance(general="70.00", exp_current="100.00", carry="0.00", inc_total="100.00", exp_total="100.00"):
    return BALANCE.format(general=general, exp_current=exp_current, carry=carry, inc_total=inc_total,
                          exp_total=exp_total)


def test_balance_rules_quiet_on_a_correct_table():
    for rid in ("BL104", "BL105", "BL106"):
        assert fired(balance(), rid) == [], rid


def test_bl104_fires_on_side_subtotal_and_on_breakdowns():
    assert [h[4] for h in fired(balance(exp_current="100.10"), "BL104")] == [Decimal("100.10")]
    hits = fired(balance(general="60.00"), "BL104")
    assert hits == [("BL104", "一、财政拨款收入", "amount", Decimal("90.00"), Decimal("100.00"))]


def test_bl105_fires_when_total_ignores_the_carry_over():
    hits = fired(balance(carry="5.00", inc_total="100.00", exp_total="105.00"), "BL105")
    # both sides: 收入总计 lacks the carry-over, 支出总计 is more than 本年支出合计 + 结转下年
    assert hits == [("BL105", "收入总计", "amount", Decimal("105.00"), Decimal("100.00")),
                    ("BL105", "支出总计", "amount", Decimal("100.00"), Decimal("105.00"))]


def test_bl106_fires_when_sides_differ():
    hits = fired(balance(exp_total="100.50"), "BL106")
    assert hits == [("BL106", "支出总计", "amount", Decimal("100.00"), Decimal("100.50"))]


def test_rules_stay_quiet_on_an_ambiguous_row():
    from budgetlint.model import Row

    doc = doc_of(general(row="110.00"))
    row: Row = doc.tables[0].rows[3]
    row.ambiguous = "test"
    all_rules()
    assert [f for f in run_rules(doc, [REGISTRY["BL101"]])] == []
    assert [f.rule for f in run_rules(doc, [REGISTRY["BL901"]])] == ["BL901"]


# The ids come from all_rules() at collection: REGISTRY alone is empty until the rule modules are
# imported, and a parameter list built from it would check one fallback id only.
@pytest.mark.parametrize("rule", [r.id for r in all_rules()])
def test_every_rule_is_documented(rule):
    doc = REGISTRY[rule].doc
    for section in ("检查什么", "为什么重要", "示例", "不报的情形"):
        assert section in doc, (rule, section)


def test_bl103_fires_on_rows_named_only_by_class_marks():
    text = """
支出总体情况表
单位：万元
科目名称 | 合计 | 基本支出 | 项目支出
社会保障和就业支出（类） | 30.00 | 10.00 | 20.00
行政事业单位养老支出（款） | 31.00 | 10.00 | 21.00
机关事业单位基本养老保险缴费支出（项） | 10.00 | 10.00 |
机关事业单位职业年金缴费支出（项） | 20.00 | | 20.00
"""
    hits = fired(text, "BL103")
    assert [(h[1], h[3], h[4]) for h in hits] == [
        ("社会保障和就业支出（类）", Decimal("31.00"), Decimal("30.00")),
        ("行政事业单位养老支出（款）", Decimal("30.00"), Decimal("31.00")),
    ]


HEBEI_THREE = """
部门预算财政拨款“三公”经费支出表
单位：万元
序号 | 项 目 | 资 金 性 质 | | |
| | 合计 | 一般公共预算 财政拨款 | 政府性基金 预算拨款 | 国有资本经营 预算财政拨款
栏次 | 1 | 2 | 3 | 4 | 5
1 | 合计 | 3.00 | 3.00 | |
2 | “三公”经费小计 | 2.00 | 2.00 | |
3 | 一、因公出国（境）费 | | | |
4 | 二、公务用车购置及运维费 | {vehicle} | {vehicle} | |
5 | 其中：公务用车购置费 | | | |
6 | 公务用车运行维护费 | 1.00 | 1.00 | |
7 | 三、公务接待费 | 1.00 | 1.00 | |
8 | 四、会议费 | 0.50 | 0.50 | |
9 | 五、培训费 | 0.50 | 0.50 | |
"""


def test_bl107_row_identities_of_a_three_public_item_table():
    assert fired(HEBEI_THREE.format(vehicle="1.00"), "BL107") == []
    hits = fired(HEBEI_THREE.format(vehicle="1.50"), "BL107")
    labels = [h[1] for h in hits]
    assert "“三公”经费小计" in labels and "二、公务用车购置及运维费" in labels


def test_bl107_a_dropped_breakdown_row_shows():
    """The 其中 rows of the 三公 table are the whole of their line: one left out counts as zero."""
    text = HEBEI_THREE.format(vehicle="1.00").replace("6 | 公务用车运行维护费 | 1.00 | 1.00 | |\n", "")
    hits = fired(text, "BL107")
    assert [(h[1], h[3], h[4]) for h in hits] == [("二、公务用车购置及运维费", Decimal("0"), Decimal("1.00"))]
    # a zero part left out is no error
    quiet = HEBEI_THREE.format(vehicle="1.00").replace("5 | 其中：公务用车购置费 | | | |\n", "")
    assert fired(quiet, "BL107") == []


HEBEI_PROCUREMENT = """
部门政府采购预算
单位：万元
项目名称 | 品目 | 合计 | 一般公共预算拨款 | 政府性基金预算拨款 | 单位资金 | 上年结转结余
合计 | | {total} | {total} | | |
基本支出（办公设备购置） | 办公设备 | 5.00 | 5.00 | | |
信息化建设经费 | 通用设备 | 20.00 | 20.00 | | |
"""


def test_bl102_hebei_procurement_total_is_every_line():
    assert fired(HEBEI_PROCUREMENT.format(total="25.00"), "BL102") == []
    hits = fired(HEBEI_PROCUREMENT.format(total="20.00"), "BL102")
    assert [(h[3], h[4]) for h in hits] == [(Decimal("25.00"), Decimal("20.00"))]


RATE = """
2024年某局部门决算

一般公共预算财政拨款支出决算表
单位：万元
科目编码 | 科目名称 | 合计 | | | 基本支出 | | | 项目支出 | |
| | 年初预算数 | 决算数 | 完成率 | 年初预算数 | 决算数 | 完成率 | 年初预算数 | 决算数 | 完成率
合计 | | 300.00 | 280.00 | 93.33% | 200.00 | 200.00 | 100.00% | 100.00 | 80.00 | {rate}
201 | 一般公共服务支出 | 200.00 | 190.00 | 95.00% | 150.00 | 150.00 | 100.00% | 50.00 | 40.00 | 80.00%
205 | 教育支出 | 100.00 | 90.00 | 90.00% | 50.00 | 50.00 | 100.00% | 50.00 | 40.00 | 80.00%
"""


def test_completion_rate_columns_take_stage_prefixes():
    t = doc_of(RATE.format(rate="80.00%")).table("general_expenditure")
    keys = [c.key for c in t.amount_columns]
    assert keys[:3] == ["budget.total", "final.total", "rate.total"]
    assert "final.project" in keys and "rate.project" in keys
    assert not t.column("rate.total").additive and t.column("rate.total").rate
    assert ("final.total", ("final.basic", "final.project")) in t.column_sums


def test_bl108_fires_on_a_wrong_completion_rate():
    hits = fired(RATE.format(rate="8.00%"), "BL108")
    assert hits == [("BL108", "合计", "rate.project", Decimal("80.00"), Decimal("8.00"))]


def test_bl108_quiet_on_right_rates_and_rounding():
    assert fired(RATE.format(rate="80.00%"), "BL108") == []
    # 80.00 / 100.00 printed with one decimal.
    assert fired(RATE.format(rate="80.0"), "BL108") == []
    # A rate printed as a fraction is another convention, not an error.
    assert fired(RATE.format(rate="0.80"), "BL108") == []


def test_rates_are_not_summed_down_the_rows():
    # 95.00% + 90.00% is not the 93.33% of the 合计 line, and need not be.
    assert fired(RATE.format(rate="80.00%"), "BL102") == []
    assert fired(RATE.format(rate="80.00%"), "BL101") == []


PROJECTS = """
项目支出情况表
单位：万元
序号 | 项目名称 | 预算批复 | 实际执行
| 合计 | {total} | 95.00
一 | 企业改革资金 | 60.00 | 55.00
1 | 破产企业补助 | 50.00 | 45.00
2 | 僵尸企业处置 | 10.00 | 10.00
二 | 帮扶资金 | 40.00 | {group}
1 | 困难补助 | 40.00 | 40.00
"""


def test_bl102_numbered_groups_of_a_list_are_not_added_to_their_items():
    """序号 一 over 1, 2: the total is the sum of the groups, which are the sums of their items."""
    assert fired(PROJECTS.format(total="100.00", group="40.00"), "BL102") == []
    assert fired(PROJECTS.format(total="100.00", group="40.00"), "BL103") == []
    hits = fired(PROJECTS.format(total="110.00", group="40.00"), "BL102")
    assert [(h[3], h[4]) for h in hits] == [(Decimal("100.00"), Decimal("110.00"))]


def test_bl103_a_numbered_group_that_is_not_its_items():
    hits = fired(PROJECTS.format(total="100.00", group="38.00"), "BL103")
    assert [(h[1], h[3], h[4]) for h in hits] == [("帮扶资金", Decimal("40.00"), Decimal("38.00"))]


CARRY_LINES = """
收支总体情况表
单位：元
收 入 | | 支 出 |
项目 | 预算数 | 项目 | 预算数
一、财政拨款收入 | 100.00 | 一、一般公共服务支出 | 105.00
本年收入合计 | 100.00 | 本年支出合计 | 105.00
使用非财政拨款结余 | {balance} | 结转下年 |
{line} | {amount} | |
上年结转 | | |
其中：财政拨款资金结转 | | |
收入总计 | {total} | 支出总计 | 105.00
"""


def carry_lines(line="上年实户资金余额", amount="5.00", balance="", total="105.00"):
    return CARRY_LINES.format(line=line, amount=amount, balance=balance, total=total)


@pytest.mark.parametrize("line", ["上年实户资金余额", "上年单位自有资金余额"])
def test_a_carry_line_of_its_own_after_the_current_total_is_a_part_of_the_grand_total(line):
    """上年实户资金余额 (in rows.toml) or a line the vocabulary does not know: where 总计 holds
    only with it as a part of its own, it is not a breakdown of 使用非财政拨款结余 above it."""
    for rid in ("BL104", "BL105"):
        assert fired(carry_lines(line=line), rid) == [], rid
        assert fired(carry_lines(line=line, balance="0.00"), rid) == [], rid


def test_bl105_still_fires_when_no_reading_of_the_carry_lines_adds_up():
    hits = fired(carry_lines(line="上年单位自有资金余额", total="106.00"), "BL105")
    assert [(h[3], h[4]) for h in hits] == [(Decimal("100.00"), Decimal("106.00"))]
