"""Performance-target forms (BL5xx): a consistent form beside its project table is quiet; one
changed cell makes the rule about it fire."""

from __future__ import annotations

from decimal import Decimal

import pytest
from helpers import doc_of

from budgetlint.pipeline import run_rules
from budgetlint.rules.registry import REGISTRY, all_rules

DOC = """
2024年某局部门预算

项目支出预算情况表
单位：万元
项目名称 | 项目类型 | 合计 | 财政拨款 | |
| | | 小计 | 一般公共预算 | 政府性基金预算
合计 | | 120.00 | 120.00 | 120.00 |
居民养老保险财政补助（三保外） | 特定目标类 | 120.00 | 120.00 | 120.00 |

第三部分 2024年部门预算情况说明
六、绩效目标情况说明
（一）预算绩效管理情况
本部门2024年项目支出全面实施绩效目标管理，涉及预算项目支出1个，预算资金120.00万元。
（三）部门预算项目绩效目标表

项目支出绩效目标表

项目名称\t\t居民养老保险财政补助(三保外)\t\t
主管部门\t\t某某局\t实施单位\t某某中心
项目资金 (万元)\t\t年度预算资金总额:\t120\t
\t\t其中: 财政拨款\t120\t
\t\t其他资金\t0\t
年度总体 绩效目标\t2024年计划为1000名居民发放补贴，人均成本不超过100元，补贴发放及时率100%。\t\t\t
绩效指标\t一级指标\t二级指标\t三级指标\t指标值
\t成本指标\t经济成本\t养老保险补贴人均成本\t≤100元/人/年
\t产出指标\t数量指标\t补贴发放人数\t≥1000人
\t\t质量指标\t补贴应发尽发率\t=100%
\t\t时效指标\t补贴发放及时率\t=100%
\t效益指标\t社会效益指标\t补贴发放投诉数量\t≤1起
\t满意度指标\t服务对象满意度指标\t参保人员满意度\t≥95%

第四部分
"""

RULES = ("BL501", "BL502", "BL503", "BL504", "BL505", "BL506", "BL507", "BL508", "BL510", "BL512", "BL513", "BL514")


def run(text: str, *ids: str):
    all_rules()
    return run_rules(doc_of(text), [REGISTRY[i] for i in (ids or RULES)])


def test_the_consistent_form_is_quiet():
    doc = doc_of(DOC)
    assert len(doc.forms) == 1 and len(doc.projects) == 1
    assert run(DOC) == []


@pytest.mark.parametrize("old,new,rule_ids", [
    ("| 120.00 | 120.00 | 120.00 |\n\n第三", "| 150.00 | 150.00 | 150.00 |\n\n第三", ["BL501"]),
    ("居民养老保险财政补助(三保外)\t", "居民养老保险财政补贴(三保外)\t", ["BL502"]),
    ("\t\t其他资金\t0\t", "\t\t其他资金\t10\t", ["BL503"]),
    ("2024年计划为1000名", "2023年计划为1000名", ["BL504"]),
    ("人均成本不超过100元", "人均成本不超过15元", ["BL505"]),
    ("\t满意度指标\t服务对象满意度指标\t参保人员满意度", "\t效益指标\t服务对象满意度指标\t参保人员满意度", ["BL506"]),
    ("\t\t时效指标\t补贴发放及时率", "\t效益指标\t社会效益指标\t补贴发放及时率", ["BL506"]),
    ("补贴发放投诉数量\t≤1起", "补贴发放投诉数量\t≤1家", ["BL507"]),
    ("补贴应发尽发率\t=100%", "补贴应发尽发率\t1人", ["BL507"]),
    ("养老保险补贴人均成本\t≤100元/人/年", "养老保险补贴人均成本\t≤100/人/年", ["BL507"]),
    ("养老保险补贴人均成本\t≤100元/人/年", "养老保险补贴人均成本\t≥100元/人/年", ["BL507"]),
    ("\t成本指标\t经济成本\t养老保险补贴人均成本\t≤100元/人/年", "\t成本指标\t经济成本\t补贴总成本\t≤130万元", ["BL508"]),
    ("补贴发放人数\t≥1000人", "补贴发放人数\t是/否", ["BL510"]),
    ("补贴发放人数\t≥1000人", "补贴发放人数\t较多", ["BL510"]),
    ("涉及预算项目支出1个，预算资金120.00万元", "涉及预算项目支出1个，预算资金120.00万元。另附2个", []),
])
def test_one_changed_cell_fires_its_rule(old, new, rule_ids):
    assert old in DOC
    hits = run(DOC.replace(old, new))
    assert sorted(f.rule for f in hits) == rule_ids, [f.message for f in hits]


@pytest.mark.parametrize("old,new", [
    ("2024年计划为1000名居民发放补贴", "2024年计划补贴发放1200人"),  # 补贴发放人数 ≥1000人
    ("补贴发放及时率100%", "补贴发放及时率95%"),  # 补贴发放及时率 =100%
    ("补贴发放投诉数量\t≤1起", "补贴发放投诉数量\t≤3起"),  # the objective says nothing of complaints: quiet
])
def test_bl505_objective_restates_an_indicator(old, new):
    assert old in DOC
    hits = run(DOC.replace(old, new), "BL505")
    if "投诉" in old:
        assert hits == []
    else:
        assert [f.rule for f in hits] == ["BL505"], [f.message for f in hits]


def test_bl505_description_restates_the_value():
    doc = doc_of(DOC)
    ind = next(i for i in doc.forms[0].indicators if i.name == "补贴发放人数")
    ind.description = "补贴发放不少于800人"
    all_rules()
    hits = run_rules(doc, [REGISTRY["BL505"]])
    assert [f.found for f in hits] == ["800人"]
    ind.description = "2023年按标准发放2款，另提供1套"  # a listing of parts, not the value
    assert run_rules(doc, [REGISTRY["BL505"]]) == []


@pytest.mark.parametrize("text,fires", [
    ("2025年计划为1000名", True),  # a later plan year: next year's form
    ("到2025年底前为1000名", False),  # a horizon
    ("2024—2026年计划为1000名", False),  # a range
    ("2025年以后计划为1000名", False),
])
def test_bl504_later_years(text, fires):
    hits = run(DOC.replace("2024年计划为1000名", text), "BL504")
    assert bool(hits) is fires, [f.message for f in hits]
    if fires:
        assert "晚于" in hits[0].message


@pytest.mark.parametrize("text,fires", [
    ("完成1980年-2018年综合档案整体移交，2024年计划为1000名", False),  # a span of years in a name
    ("以2023年布设的监测点为基础，2024年计划为1000名", False),  # a year the work builds on
    ("全市开展2023年度决算审核，2024年计划为1000名", False),  # last year's accounts, audited this year
    ("完成2025年部门综合预算编制，2024年计划为1000名", False),  # next year's budget, drafted this year
    ("编制全区2022年和2023年温室气体清单，2024年计划为1000名", False),
    ("按期推进工作，2023年完成规划评估，为1000名", True),  # the clause's own time: last year's text
    ("按需求，2023年底前为1000名", True),  # a deadline already past
])
def test_bl504_year_of_the_work_is_not_the_plan_year(text, fires):
    hits = run(DOC.replace("2024年计划为1000名", text), "BL504")
    assert bool(hits) is fires, [f.message for f in hits]


@pytest.mark.parametrize("value,fires", [
    ("≥99（%）", False),  # the unit in brackets
    ("100%全覆盖", False),  # per cent followed by words
    ("=100%完成", False),
    ("0起", True),  # a rate counted in cases
])
def test_bl507_per_cent_written_with_brackets_or_words(value, fires):
    hits = run(DOC.replace("补贴应发尽发率\t=100%", f"补贴应发尽发率\t{value}"), "BL507")
    assert bool(hits) is fires, [f.message for f in hits]


def test_bl507_efficiency_is_not_a_ratio():
    text = DOC.replace("补贴发放人数\t≥1000人", "补贴发放效率\t≥50份")
    assert run(text, "BL507") == []


def test_bl506_labels_run_into_the_cell_beside_are_a_reading_problem():
    text = DOC.replace("\t效益指标\t社会效益指标\t", "\t效益指标\t社指会标效益指标\t")
    assert run(text, "BL506") == []
    text = DOC.replace("\t效益指标\t社会效益指标\t", "\t效益指标\t社会安全指标\t")
    assert len(run(text, "BL506")) == 1  # a label that is not standard still fires


def test_bl506_one_wrong_label_over_several_indicators_is_one_finding():
    text = DOC.replace("\t效益指标\t社会效益指标\t补贴发放投诉数量\t≤1起",
                       "\t效益指标\t社会安全指标\t补贴发放投诉数量\t≤1起\n"
                       "\t\t社会安全指标\t补贴冒领数量\t≤1起")
    hits = run(text, "BL506")
    assert len(hits) == 1 and len(hits[0].related) == 1, [f.message for f in hits]


def test_bl506_timely_inside_a_sentence_is_not_a_timeliness_indicator():
    text = DOC.replace("补贴发放投诉数量\t≤1起", "及时应对各种风险，提高预警能力\t有效")
    assert run(text, "BL506") == []


def test_bl504_dates_and_baselines_are_not_target_years():
    text = DOC.replace("2024年计划为1000名", "将2022年1月1日起新增人员纳入，较2023年增加，2024年计划为1000名")
    assert run(text, "BL504") == []


def test_bl505_converts_units():
    assert run(DOC.replace("人均成本不超过100元", "人均成本不超过0.01万元"), "BL505") == []


def test_bl506_cost_under_output_is_the_older_template():
    text = DOC.replace("\t成本指标\t经济成本\t养老保险补贴人均成本", "\t产出指标\t成本指标\t养老保险补贴人均成本")
    assert run(text, "BL506") == []


def test_bl508_unit_costs_are_not_budget_caps():
    text = DOC.replace("≤100元/人/年", "≤200万元/人")
    assert run(text, "BL508") == []


HEBEI_PLAN = """
1、车辆保险费绩效目标表

单位：万元

项目编码\t13030324P00LDLE10017W\t\t项目名称\t车辆保险费\t\t
预算规模及 资金用途\t预算数\t0.40\t其中：财政 资金\t0.40\t其他资金\t\t车辆保险费\t\t\t\t\t
资金支出计 划（%）\t\t3 月底\t\t6 月底\t10 月底\t12 月底\t
\t{q1}\t\t{q2}\t{q3}\t{q4}\t
绩效目标\t1. 保障公务用车的正常运行。\t\t\t\t\t
一级指标\t二级指标\t三级指标\t绩效指标描述\t\t指标值\t指标值确定依据\t
产出指标\t数量指标\t单位管理车辆数量\t单位管理公务用车数量\t\t1 辆\t车辆台账\t
\t质量指标\t公车保险缴纳率\t按时缴纳公务用车保险的比例\t\t100%\t历史数据\t
效益指标\t经济效益指标\t提高工作效率\t使用公车能提高工作效率\t\t提高\t工作计划\t
满意度指标\t服务对象满意度指标\t使用对象满意率\t满意人数占比\t\t≥95%\t调查\t
"""


def plan(q1, q2, q3, q4):
    return HEBEI_PLAN.format(q1=q1, q2=q2, q3=q3, q4=q4)


def test_bl509_spending_plan():
    assert doc_of(plan("25", "50", "75", "100")).forms[0].spending_plan_unit == "%"
    assert run(plan("25", "50", "75", "100"), "BL509") == []
    amounts = run(plan("0.10", "0.20", "0.30", "0.40"), "BL509")
    assert [(f.rule, f.severity.value) for f in amounts] == [("BL509", "warning")] and "金额" in amounts[0].message
    short = run(plan("25", "50", "75", "90"), "BL509")
    assert [f.severity.value for f in short] == ["error"] and short[0].found == Decimal("90")
    assert [f.rule for f in run(plan("25", "60", "50", "100"), "BL509")] == ["BL509"]
    no_percent = plan("0.10", "0.20", "0.30", "0.40").replace("资金支出计 划（%）", "资金支出计划")
    assert run(no_percent, "BL509") == []
    assert [f.rule for f in run(no_percent.replace("\t0.40\t\n", "\t0.35\t\n"), "BL509")] == ["BL509"]


def test_bl512_description_contradicts_value():
    text = plan("25", "50", "75", "100").replace("使用公车能提高工作效率", "使用公车不提高工作效率")
    assert [f.rule for f in run(text, "BL512")] == ["BL512"]
    assert run(plan("25", "50", "75", "100"), "BL512") == []


def test_bl513_duplicated_project_names():
    dup = DOC.replace("居民养老保险财政补助（三保外） | 特定目标类 | 120.00 | 120.00 | 120.00 |",
                      "居民养老保险财政补助（三保外） | 特定目标类 | 100.00 | 100.00 | 100.00 |\n"
                      "居民养老保险财政补助(三保外) | 特定目标类 | 20.00 | 20.00 | 20.00 |")
    assert [f.rule for f in run(dup, "BL513")] == ["BL513"]


def test_bl513_the_same_project_under_two_units_is_not_a_duplicate():
    rows = ("甲中心 | 特定目标类 | 90.00 | 90.00 | 90.00 |\n"
            "居民养老保险财政补助（三保外） | 特定目标类 | 70.00 | 70.00 | 70.00 |\n"
            "宣传经费 | 特定目标类 | 20.00 | 20.00 | 20.00 |\n"
            "乙中心 | 特定目标类 | 30.00 | 30.00 | 30.00 |\n"
            "居民养老保险财政补助（三保外） | 特定目标类 | 30.00 | 30.00 | 30.00 |")
    text = DOC.replace("居民养老保险财政补助（三保外） | 特定目标类 | 120.00 | 120.00 | 120.00 |", rows)
    assert run(text, "BL513") == []
    # without the unit lines the two are one name printed twice
    text = DOC.replace("居民养老保险财政补助（三保外） | 特定目标类 | 120.00 | 120.00 | 120.00 |",
                       "居民养老保险财政补助（三保外） | 特定目标类 | 70.00 | 70.00 | 70.00 |\n"
                       "宣传经费 | 特定目标类 | 20.00 | 20.00 | 20.00 |\n"
                       "居民养老保险财政补助（三保外） | 特定目标类 | 30.00 | 30.00 | 30.00 |")
    assert [f.rule for f in run(text, "BL513")] == ["BL513"]


def test_bl513_a_unit_name_column_is_not_the_project_name():
    text = DOC.replace("项目名称 | 项目类型 | 合计 | 财政拨款 | |\n| | | 小计 | 一般公共预算 | 政府性基金预算",
                       "单位名称 | 项目名称 | 合计 | 财政拨款 | |\n| | | 小计 | 一般公共预算 | 政府性基金预算").replace(
        "居民养老保险财政补助（三保外） | 特定目标类 | 120.00 | 120.00 | 120.00 |",
        "某某中心 | 居民养老保险财政补助（三保外） | 100.00 | 100.00 | 100.00 |\n"
        "某某中心 | 宣传经费 | 20.00 | 20.00 | 20.00 |")
    assert run(text, "BL513") == []


def test_bl514_forms_fewer_than_the_narrative_says():
    text = DOC.replace("涉及预算项目支出1个", "涉及预算项目支出2个")
    assert [f.rule for f in run(text, "BL514")] == ["BL514"]


def test_bl511_comparator_missing_only_where_the_document_writes_them():
    rows = "".join(f"\t\t数量指标\t指标{i}\t≥{i}人\n" for i in range(12))
    text = DOC.replace("\t\t质量指标\t补贴应发尽发率\t=100%\n", rows + "\t\t质量指标\t补贴应发尽发率\t100%\n")
    hits = run(text, "BL511")
    assert [f.rule for f in hits] == ["BL511"] and "补贴应发尽发率" in hits[0].message
    assert run(DOC, "BL511") == []


def test_bl510_one_wording_for_many_indicators_is_one_finding():
    """Three quantity or cost indicators all written "按实际" are one practice of the document, one
    finding; two are reported each on its own."""
    two = DOC.replace("补贴发放人数\t≥1000人", "补贴发放人数\t按实际").replace(
        "养老保险补贴人均成本\t≤100元/人/年", "养老保险补贴人均成本\t按实际")
    assert [f.rule for f in run(two, "BL510")] == ["BL510", "BL510"]
    three = two.replace("\t\t质量指标\t补贴应发尽发率", "\t\t数量指标\t补贴发放户数\t按实际\n\t\t质量指标\t补贴应发尽发率")
    hits = run(three, "BL510")
    assert len(hits) == 1 and hits[0].message.startswith("3 个数量或成本指标"), [f.message for f in hits]
    # worded differently, still the one practice
    varied = three.replace("补贴发放户数\t按实际", "补贴发放户数\t不超过预算")
    hits = run(varied, "BL510")
    assert len(hits) == 1 and len(hits[0].related) == 2, [f.message for f in hits]


def test_bl510_not_a_missing_value():
    # a count in Chinese numerals; the value read into the name cell; a level's own "/" line
    text = DOC.replace("补贴发放人数\t≥1000人", "补贴发放人数\t至少一次")
    assert run(text, "BL510") == []
    text = DOC.replace("补贴发放人数\t≥1000人", "补贴发放人数；年度指标值》90%\t")
    assert run(text, "BL510") == []
    text = DOC.replace("补贴发放投诉数量\t≤1起", "生态效益指标\t/")
    assert run(text, "BL510") == []
