"""Performance-target forms (绩效目标表): value parser, the three layouts, the seeds."""

from __future__ import annotations

import os
from decimal import Decimal
from functools import cache
from pathlib import Path

import pytest

from budgetlint.ingest.base import Line
from budgetlint.ingest.text import text_to_source
from budgetlint.model import Indicator, PerformanceForm, Unit
from budgetlint.recognise.form_words import parse_indicator_value
from budgetlint.recognise.targets import recognise_forms


def lines_of(text: str) -> list[Line]:
    return text_to_source(text, "t.txt").lines()


def forms_of(text: str) -> tuple[list[PerformanceForm], set[int]]:
    return recognise_forms(lines_of(text))


def ind(form: PerformanceForm, name: str) -> Indicator:
    found = [i for i in form.indicators if i.name == name]
    assert len(found) == 1, [i.name for i in form.indicators]
    return found[0]


def levels(form: PerformanceForm) -> list[tuple[str, str, str]]:
    return [(i.level1, i.level2, i.name) for i in form.indicators]


# --- parse_indicator_value ------------------------------------------------------------------

D = Decimal


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("≥95%", ("≥", D(95), "%")),
        ("≤110元/人/月", ("≤", D(110), "元/人/月")),
        ("=100%", ("=", D(100), "%")),
        ("＝100%", ("=", D(100), "%")),
        ("1 辆", ("=", D(1), "辆")),
        ("30 万元", ("=", D(30), "万元")),
        ("100%", ("=", D(100), "%")),
        ("60", ("=", D(60), None)),
        ("≥24000", ("≥", D(24000), None)),
        ("不低于90%", ("≥", D(90), "%")),
        ("不少于3次", ("≥", D(3), "次")),
        ("不超过4万元", ("≤", D(4), "万元")),
        ("小于等于1起", ("≤", D(1), "起")),
        ("大于等于80%", ("≥", D(80), "%")),
        ("≤ 10 %", ("≤", D(10), "%")),
        ("≥ 0.1 万元/人", ("≥", D("0.1"), "万元/人")),
        ("$\\leq 10\\%$", ("≤", D(10), "%")),
        ("$\\geq 95\\%$", ("≥", D(95), "%")),
        (">=5", ("≥", D(5), None)),
        ("<=5天", ("≤", D(5), "天")),
        (">2.1%", (">", D("2.1"), "%")),
        ("<35%", ("<", D(35), "%")),
        ("大于50个", (">", D(50), "个")),
        ("低于5%", ("<", D(5), "%")),
        ("95%以上", ("≥", D(95), "%")),
        ("10万元以内", ("≤", D(10), "万元")),
        ("≥3,000人", ("≥", D(3000), "人")),
        ("≥1000人次", ("≥", D(1000), "人次")),
        ("≤0.0025万元/亩/次", ("≤", D("0.0025"), "万元/亩/次")),
        ("≤3.16/米", ("≤", D("3.16"), "/米")),
        ("≥１２人", ("≥", D(12), "人")),
        ("**≥95%**", ("≥", D(95), "%")),
    ],
)
def test_parse_indicator_value_quantitative(text, expected):
    assert parse_indicator_value(text) == expected


@pytest.mark.parametrize(
    "text",
    ["及时", "达标", "提高", "提升", "健全", "是/否", "是/否（支付）", "满意", "进一步保障",
     "带动发展", "提升了研发费用的投入", "2023 年底前", "10月底之前", "每月 25 日前",
     "2 渠道增加/入驻短视频平台", "", "90%-100%"],
)
def test_parse_indicator_value_qualitative(text):
    assert parse_indicator_value(text) == (None, None, None)


# --- shandong layout ------------------------------------------------------------------------

SHANDONG = """（三）部门预算项目绩效目标表

项目支出绩效目标表

项目名称\t\t测试项目\t\t
主管部门\t\t某某局\t实施单位\t某某中心
项目资金 (万元)\t\t年度预算资金总额:\t1,200.50\t
\t\t其中: 财政拨款\t1,000\t
\t\t其他资金\t200.50\t
年度总体 绩效目标\t<p>完成甲乙丙工作。\t\t\t
<p>主要任务：丁。\t\t\t\t
绩效指标\t一级指标\t二级指标\t三级指标\t指标值
\t成本指标\t经济成本\t人均成本\t≤110元/人/月
\t产出指标\t数量指标\t服务人数\t≥12000人
\t\t\t培训次数\t≥ 2 次
\t\t质量指标\t质量指标\t合格率\t$\\leq 10\\%$
\t\t社会效益指标\t投诉数量\t≤1起
\t可持续发展影响指标\t管理机制健全率\t=100%\t
满意度指标\t服务对象满意度指标\t群众满意度\t≥95%\t
满意度指标\t服务对象满意度指标\t群众满意度\t≥95%\t
\t效益指标\t社会效益指标\t提升服务水平\t提升

第四部分
"""


def test_shandong_head_fields():
    forms, _ = forms_of(SHANDONG)
    assert len(forms) == 1
    f = forms[0]
    assert (f.title, f.layout, f.provenance.line) == ("项目支出绩效目标表", "row_per_line", 3)
    assert (f.project, f.department, f.implementer) == ("测试项目", "某某局", "某某中心")
    assert (f.total, f.fiscal, f.other) == (D("1200.50"), D(1000), D("200.50"))
    assert f.unit is Unit.WAN_YUAN
    assert f.objective == "完成甲乙丙工作。\n主要任务：丁。"
    assert f.project_code is None and f.spending_plan == []


def test_shandong_indicators_carry_down_merged_cells():
    f = forms_of(SHANDONG)[0][0]
    assert levels(f) == [
        ("成本指标", "经济成本", "人均成本"),
        ("产出指标", "数量指标", "服务人数"),
        ("产出指标", "数量指标", "培训次数"),  # 一级 and 二级 blank: carried down
        ("产出指标", "质量指标", "合格率"),  # 二级 emitted twice, LaTeX value
        ("效益指标", "社会效益指标", "投诉数量"),  # 一级 blank, 二级 belongs to 效益
        ("效益指标", "可持续发展影响指标", "管理机制健全率"),  # row slid one cell left
        ("满意度指标", "服务对象满意度指标", "群众满意度"),  # duplicate row dropped
        ("效益指标", "社会效益指标", "提升服务水平"),
    ]
    i = ind(f, "培训次数")
    assert (i.value_text, i.comparator, i.number, i.unit) == ("≥ 2 次", "≥", D(2), "次")
    assert i.provenance.line == 15
    assert ind(f, "合格率").value_text == "≤ 10%"
    assert (ind(f, "合格率").comparator, ind(f, "合格率").number) == ("≤", D(10))
    q = ind(f, "提升服务水平")
    assert (q.value_text, q.comparator, q.number, q.unit) == ("提升", None, None, None)
    assert q.description is None


def test_shandong_consumed_lines():
    lines = lines_of(SHANDONG)
    _, used = recognise_forms(lines)
    assert min(used) == 2  # the title, not the section heading above it
    assert max(used) == 20  # index of line 21, the last indicator row
    texts = {lines[k].text for k in range(len(lines)) if k not in used}
    assert "（三）部门预算项目绩效目标表" in texts and "第四部分" in texts


SPECIAL_FUNDS = """（二）部门主管专项资金的绩效目标表

专项资金名称\t\t创业补贴\t\t
主管部门\t\t某某局\t\t
年度预算资金（万元）\t\t127\t\t
年度总体目标\t<p>落实政策。\t\t\t
主要政策任务：发放补贴。\t\t\t\t
年度绩效指标\t一级指标\t二级指标\t三级指标\t指标值
\t成本指标\t经济成本\t补贴标准\t≤30 万元/人
\t效益指标\t社会效益指标\t拓宽融资渠道\t拓宽
满意度指标\t服务对象满意度指标\t满意度\t≥95%\t

专项资金名称\t\t第二笔资金\t\t
主管部门\t\t某某局\t\t
年度预算资金（万元）\t\t8,137\t\t
年度总体目标\t提升水平。\t\t\t
年度绩效指标\t一级指标\t二级指标\t三级指标\t指标值
\t产出指标\t数量指标\t人数\t≥16 万人
"""


def test_untitled_special_fund_forms():
    lines = lines_of(SPECIAL_FUNDS)
    forms, used = recognise_forms(lines)
    assert [f.project for f in forms] == ["创业补贴", "第二笔资金"]
    first, second = forms
    # A section heading titles the first form but stays with the narrative.
    assert first.title == "（二）部门主管专项资金的绩效目标表" and 0 not in used
    assert second.title == "专项资金绩效目标表" and second.provenance.line == 13
    assert (first.total, first.fiscal, first.unit) == (D(127), None, Unit.WAN_YUAN)
    assert second.total == D(8137)
    assert first.objective == "落实政策。\n主要政策任务：发放补贴。"
    assert levels(first)[-1] == ("满意度指标", "服务对象满意度指标", "满意度")
    assert ind(second, "人数").unit == "万人"


def test_project_table_is_not_a_form():
    text = "项目支出预算表\n\n项目名称\t项目类别\t合计\t财政拨款\n社保经费\t其他运转类\t526\t526\n\n注：无。\n"
    assert forms_of(text) == ([], set())


# --- cell-per-line layout -------------------------------------------------------------------

CELL_PER_LINE = """2023年预算项目支出绩效目标表
\t项目名称
\t儿童友好建设

\t主管部门
\t某某部
\t实施单位
\t某某中心

\t项目资金
（万元）
\t年度预算资金总额：
\t30

\t
\t其中：财政拨款
\t30

\t
\t其他资金
\t

\t年度总体绩效目标
\t[bookmark: _GoBack]计划提档升级
4个基地。

\t绩
效
指
标
\t一级指标
\t二级指标
\t三级指标
\t指标值

\t
\t成本指标
\t经济成本

\t基地单位成本
\t≤4万元/个

\t
\t产出指标
\t

数量指标

\t提档升级数量
\t≥4个

\t
\t
\t
\t新建数量
\t＝4个

\t
\t效益指标
\t社会效益
指标
\t儿童综合素质
\t提升

\t
\t满意度指标
\t服务对象
满意度指标
\t儿童满意度
\t≥90%




2023年预算项目支出绩效目标表
\t项目名称
\t第二项目

\t项目资金
（万元）
\t年度预算资金总额：
\t451.5

\t年度总体绩效目标
\t完善制度。

\t绩
效
指
标
\t一级指标
\t二级指标
\t三级指标
\t指标值

\t
\t产出指标
\t数量指标
\t参保人数
\t≥45000人
"""


def test_cell_per_line_form():
    forms, used = forms_of(CELL_PER_LINE)
    assert [f.project for f in forms] == ["儿童友好建设", "第二项目"]
    f = forms[0]
    assert (f.layout, f.title, f.provenance.line) == ("cell_per_line", "2023年预算项目支出绩效目标表", 1)
    assert (f.department, f.implementer) == ("某某部", "某某中心")
    assert (f.total, f.fiscal, f.other, f.unit) == (D(30), D(30), None, Unit.WAN_YUAN)
    assert f.objective == "计划提档升级4个基地。"
    assert levels(f) == [
        ("成本指标", "经济成本", "基地单位成本"),  # row split over two blank-separated groups
        ("产出指标", "数量指标", "提档升级数量"),  # 二级 on a line of its own
        ("产出指标", "数量指标", "新建数量"),
        ("效益指标", "社会效益指标", "儿童综合素质"),  # wrapped cell re-joined
        ("满意度指标", "服务对象满意度指标", "儿童满意度"),
    ]
    n = ind(f, "新建数量")
    assert (n.value_text, n.comparator, n.number, n.unit, n.provenance.line) == (
        "=4个", "=", D(4), "个", 56)  # the line of the 指标值 cell
    assert forms[1].total == D("451.5") and forms[1].provenance.line == 75
    assert max(used) == len(lines_of(CELL_PER_LINE)) - 1


# --- hebei layout ---------------------------------------------------------------------------

HEBEI = """五、部门项目预算安排情况及绩效目标

1、测试经费绩效目标表

单位：万元

项目编码\t13030324P00TEST001\t\t项目名称\t测试经费\t\t
预算规模及 资金用途\t预算数\t11.00\t其中：财政 资金\t10.00\t其他资金\t1.00
\t人事代理补助经费\t\t\t\t\t
资金支出计 划（%）\t3 月底\t\t6 月底\t10 月底\t12 月底\t
\t2.63\t\t5.25\t7.88\t10.50\t
绩效目标\t1. 保证补贴正常发放。\t\t\t\t\t
一级指标\t二级指标\t三级指标\t绩效指标描述\t\t指标值\t指标值确定 依据
产出指标\t数量指标\t支付人数\t支付工资人数\t\t21 人\t年度工作计 划
\t成本指标\t控制在预算内\t控制在预算资金内\t\t是/否\t年度工作计 划

一级指标\t二级指标\t三级指标\t绩效指标描述\t指标值\t指标值确定依据
\t\t\t\t\t划
效益指标\t可持续影响指标\t保障工作完成\t保障工作顺利完成\t进一步保障\t年度工作计划
满意度指标\t服务对象满意度指标\t职工满意度\t满意人员占比\t≥95%\t年度工作计划

2、下一经费绩效目标表

单位：万元

项目编码\t13030324P00TEST002\t\t项目名称\t下一经费\t\t
预算规模及资金用途\t预算数\t5.00\t其中：财政资金\t5.00\t其他资金\t
资金支出计划（%）\t3 月底\t\t6 月底\t10 月底\t12 月底\t
\t1.25\t\t2.50\t3.75\t5.00\t
绩效目标\t1. 提升服务。\t\t\t\t\t
一级指标\t二级指标\t三级指标\t绩效指标描述\t\t指标值\t指标值确定依据
产出指标\t时效指标\t完成及时率\t工作任务完成及时率\t\t100%\t年度工作计划

六、政府采购预算情况
"""


def test_hebei_form():
    lines = lines_of(HEBEI)
    forms, used = recognise_forms(lines)
    assert [f.project for f in forms] == ["测试经费", "下一经费"]
    f = forms[0]
    assert (f.layout, f.title, f.provenance.line) == ("planned_form", "1、测试经费绩效目标表", 3)
    assert f.project_code == "13030324P00TEST001"
    assert (f.total, f.fiscal, f.other, f.unit) == (D("11.00"), D("10.00"), D("1.00"), Unit.WAN_YUAN)
    assert f.spending_plan == [("3月底", D("2.63")), ("6月底", D("5.25")), ("10月底", D("7.88")),
                               ("12月底", D("10.50"))]
    assert f.objective == "1. 保证补贴正常发放。"
    # 成本指标 is a 二级 under 产出指标 here; the page-split header re-maps the columns.
    assert levels(f) == [
        ("产出指标", "数量指标", "支付人数"),
        ("产出指标", "成本指标", "控制在预算内"),
        ("效益指标", "可持续影响指标", "保障工作完成"),
        ("满意度指标", "服务对象满意度指标", "职工满意度"),
    ]
    p = ind(f, "支付人数")
    assert (p.value_text, p.comparator, p.number, p.unit) == ("21 人", "=", D(21), "人")
    assert p.description == "支付工资人数" and p.provenance.line == 14
    assert ind(f, "保障工作完成").value_text == "进一步保障"
    assert ind(f, "职工满意度").description == "满意人员占比"
    assert forms[1].other is None and forms[1].total == D("5.00")
    assert 0 not in used and 2 in used and 4 in used  # title and 单位 line belong to the form
    assert lines[max(used)].text.startswith("产出指标\t时效指标")


def test_hebei_grid_continued_without_its_header():
    """A PDF grid continued on the next page without its header loses the column 绩效指标描述 spans
    (no row there splits it): the rows are one cell shorter and are read by the header's cells."""
    text = HEBEI.split("\n一级指标\t二级指标\t三级指标\t绩效指标描述\t指标值")[0] + (
        "\n\n\t时效指标\t支付及时率\t按计划及时支付\t=100%\t年度工作计划\n"
        "\t成本指标\t单位成本\t控制在预算内\t≤0.5万元/人\t年度工作计划\n\n六、政府采购预算情况\n")
    forms, _ = recognise_forms(lines_of(text))
    f = forms[0]
    assert (ind(f, "支付及时率").value_text, ind(f, "支付及时率").description) == ("=100%", "按计划及时支付")
    assert ind(f, "单位成本").value_text == "≤0.5万元/人"


# --- other provinces' wording -------------------------------------------------------------

OTHER_LABELS = """某省项目绩效目标表

项目名称\t专项A\t项目编码\tX-001
主管部门\t某厅\t实施单位\t某院
资金总额（万元）\t300\t财政资金\t250\t其他资金\t50
年度目标\t完成A。
一级指标\t二级指标\t指标名称\t指标值\t分值
产出指标\t数量指标\t培训人数\t≥100人\t20
\t\t考核次数\t\t10
效益指标\t社会效益指标\t满意度提升\t提升\t10
"""


def test_other_labels_and_trailing_score_column():
    [f] = forms_of(OTHER_LABELS)[0]
    assert (f.title, f.layout, f.project, f.project_code) == ("某省项目绩效目标表", "row_per_line", "专项A", "X-001")
    assert (f.department, f.implementer, f.objective) == ("某厅", "某院", "完成A。")
    assert (f.total, f.fiscal, f.other, f.unit) == (D(300), D(250), D(50), Unit.WAN_YUAN)
    # 分值 after 指标值: the grid is read by column, not from the right.
    assert [(i.level2, i.name, i.value_text) for i in f.indicators] == [
        ("数量指标", "培训人数", "≥100人"),
        ("数量指标", "考核次数", ""),  # blank 指标值 kept, so a rule can report it
        ("社会效益指标", "满意度提升", "提升"),
    ]
    assert ind(f, "考核次数").provenance.line == 9


NATIONAL = """项目支出绩效目标表
项目名称\t专项B
项目资金总额\t100
年度绩效目标\t完成B。
一级指标\t二级指标\t三级指标\t指标性质\t指标值\t度量单位
产出指标\t数量指标\t覆盖人数\t≥\t500\t人
\t时效指标\t完成时间\t定性\t及时\t
"""


def test_comparator_and_unit_columns():
    [f] = forms_of(NATIONAL)[0]
    assert (f.project, f.total, f.unit) == ("专项B", D(100), None)
    a, b = f.indicators
    assert (a.value_text, a.comparator, a.number, a.unit) == ("≥500人", "≥", D(500), "人")
    assert (b.level1, b.value_text, b.comparator) == ("产出指标", "及时", None)


HEADERLESS = """项目支出绩效目标表
项目名称\t专项C
主管部门\t某局
年度预算资金总额（万元）\t20
年度总体目标\t完成C。
年度绩效指标\t产出指标\t数量指标\t购置设备\t≥2台
\t\t质量指标\t验收合格率\t=100%
"""


def test_grid_without_header_row():
    [f] = forms_of(HEADERLESS)[0]
    assert f.objective == "完成C。"
    assert levels(f) == [("产出指标", "数量指标", "购置设备"), ("产出指标", "质量指标", "验收合格率")]
    assert ind(f, "购置设备").number == D(2)


WHOLE = """某市某局2026年部门整体预算绩效目标申报表
部门名称\t\t某市某局\t\t
预算整体情况\t部门预算支出\t预算金额（万元）\t收入来源\t预算金额（万元）
\t基本支出\t60.00\t财政拨款\t95.00
\t项目支出\t40.00\t其他资金\t5.00
总体绩效目标\t\t完成全年任务。\t\t
年度重点工作任务\t名称\t主要实施内容\t拟投入的资金（万元）\t期望达到的目标（概述）
\t治理大气\t监督管理大气污染防治\t30.00\tPM2.5 浓度下降
\t监管水质\t监督饮用水源\t10.00\t水质稳定达标
其他需完成的任务（可选填）\t\t\t\t
绩效指标\t一级指标\t二级指标\t三级指标\t实施周期指标值\t年度指标值
\t产出指标\t数量指标\t抽检数量\t400个\t200个
\t\t质量指标\t监测报告准确率\t≥90%\t≥95%
\t效益指标\t生态效益指标\t医疗废物处置率\t100%\t100%
"""


def test_department_wide_form():
    forms, used = forms_of(WHOLE)
    [f] = forms
    assert (f.layout, f.project, f.department, f.unit) == ("whole", "某市某局", "某市某局", Unit.WAN_YUAN)
    assert (f.total, f.fiscal, f.other) == (None, D("95.00"), D("5.00"))
    assert f.amounts == [("基本支出", D("60.00")), ("财政拨款", D("95.00")), ("项目支出", D("40.00")),
                         ("其他资金", D("5.00"))]
    assert f.objective == "完成全年任务。"
    assert [(t.name, t.amount, t.content, t.target) for t in f.tasks] == [
        ("治理大气", D("30.00"), "监督管理大气污染防治", "PM2.5 浓度下降"),
        ("监管水质", D("10.00"), "监督饮用水源", "水质稳定达标")]
    assert levels(f) == [("产出指标", "数量指标", "抽检数量"), ("产出指标", "质量指标", "监测报告准确率"),
                         ("效益指标", "生态效益指标", "医疗废物处置率")]
    # the year's value, not the whole period's
    assert (ind(f, "抽检数量").value_text, ind(f, "监测报告准确率").number) == ("200个", D(95))
    assert len(used) == len(WHOLE.strip().splitlines())


def test_organisation_row_without_a_whole_title_is_no_form():
    text = WHOLE.replace("部门整体预算绩效目标申报表", "部门预算收支总表")
    assert forms_of(text)[0] == []


# --- one project per row: all indicators of a project in one cell ---------------------------

ROW_FORMS = (
    "某局2026年项目支出绩效目标表\n"
    "部门名称：某局 单位：万元\n"
    "项目名称（资金使用单位）\t总计：\t财政拨款\t其他资金\t绩效目标\t绩效指标\n"
    "合计：\t130.00\t120.00\t10.00\t\t\n"
    "某局本级\t130.00\t120.00\t10.00\t\t\n"
    "监督检查员经费\t100.00\t90.00\t10.00\t强化监管。\t"
    "1.1－产出指标，11－数量指标，检查员数量；实施周期指标值：≥20人，年度指标值：≥ 18人；"
    "2、1－产出指标，12－质量指标，考察是否合规；实施周期指标值：合规得满分，不合规不得分。年度指标值：是；"
    "1、2－效益指标，22－社会效益，投诉办结率；实施周期指标值：≥90%，年度指标值：≥ 90%;\n"
    "某局二级单位\t30.00\t30.00\t\t\t\n"
    "运维经费\t30.00\t30.00\t\t保障运行。\t"
    "1.4－成本指标，41－经济成本指标，不超出预算；实施周期指标值：不超出预算数，年度指标值：不超出预算数；\n"
    "某局2026年项目支出绩效目标表\n"
    "项目名称（资金使用单位）\t总计：\t财政拨款\t其他资金\t绩效目标\t绩效指标\n"
    "水质监测经费\t5.00\t5.00\t\t监测水质。\t"
    "1.3－满意度指标，31－服务对象满意度，满意度；年度指标值：≥95%\n"
    "五、名词解释\n"
)


def test_one_project_per_row_forms():
    forms, used = forms_of(ROW_FORMS)
    assert [(f.project, f.total, f.fiscal, f.other, f.implementer) for f in forms] == [
        ("监督检查员经费", D("100.00"), D("90.00"), D("10.00"), "某局本级"),
        ("运维经费", D("30.00"), D("30.00"), None, "某局二级单位"),
        ("水质监测经费", D("5.00"), D("5.00"), None, "某局二级单位"),  # continued after the repeated title
    ]
    f = forms[0]
    assert (f.layout, f.title, f.department, f.unit, f.objective) == (
        "row_per_project", "某局2026年项目支出绩效目标表", "某局", Unit.WAN_YUAN, "强化监管。")
    assert levels(f) == [("产出指标", "数量指标", "检查员数量"), ("产出指标", "质量指标", "考察是否合规"),
                         ("效益指标", "社会效益", "投诉办结率")]
    # the year's value, not the period's (which may itself hold commas and a full stop)
    assert (ind(f, "检查员数量").comparator, ind(f, "检查员数量").number, ind(f, "检查员数量").unit) == ("≥", D(18), "人")
    assert ind(f, "考察是否合规").value_text == "是"
    assert ind(f, "投诉办结率").value_text == "≥ 90%"
    assert levels(forms[1]) == [("成本指标", "经济成本指标", "不超出预算")]
    assert (ind(forms[2], "满意度").number, forms[2].indicators[0].level1) == (D(95), "满意度指标")
    lines = ROW_FORMS.splitlines()
    assert lines.index("五、名词解释") not in used and 0 in used and len(used) == len(lines) - 1


def test_project_table_without_indicator_column_is_no_form():
    text = ROW_FORMS.replace("\t绩效指标\n", "\t备注\n")
    assert forms_of(text)[0] == []


# --- seeds ----------------------------------------------------------------------------------

_SEED_DIRS = [
    Path(os.environ.get("BUDGETLINT_SEEDS", "/nonexistent")),
    Path(__file__).resolve().parents[2] / "shared" / "seeds",
    Path("/work/shared/seeds"),
]
SEEDS = next((d for d in _SEED_DIRS if d.is_dir()), None)


@cache
def seed_forms(prefix: str) -> list[PerformanceForm]:
    if SEEDS is None:
        pytest.skip("seed documents not available")
    path = next(SEEDS.glob(f"{prefix}_*.txt"))
    return recognise_forms(text_to_source(path.read_text(encoding="utf-8"), str(path)).lines())[0]


def by_project(forms: list[PerformanceForm], project: str) -> PerformanceForm:
    return next(f for f in forms if f.project == project)


def test_seed_000_shandong():
    forms = seed_forms("000")
    assert len(forms) == 21  # 2 专项资金 + 19 projects, as the narrative says
    assert {f.layout for f in forms} == {"row_per_line"}
    f = forms[0]
    assert (f.title, f.project, f.total, f.provenance.line) == (
        "专项资金绩效目标表", "居民养老保险财政补助", D(1277), 495)
    i = ind(f, "城乡居民基本养老保险参保人数")
    assert (i.level1, i.level2, i.comparator, i.number, i.unit, i.provenance.line) == (
        "产出指标", "数量指标", "≥", D(12000), "人", 504)
    g = by_project(forms, "老党员医疗补贴")
    assert (g.total, g.fiscal, g.implementer) == (D("4.9"), D("4.9"), "威海经济技术开发区科技创新局")
    j = ind(g, "个人负担超过合规医疗费用比例")
    assert (j.value_text, j.comparator, j.number, j.unit) == ("≤ 10%", "≤", D(10), "%")


def test_seed_001_shandong_untitled_special_funds():
    forms = seed_forms("001")
    assert len(forms) == 33  # 4 专项资金 + 29 projects
    assert forms[0].project == "创业担保贷款担保费补贴" and forms[0].total == D(127)
    assert [f.title for f in forms[1:4]] == ["专项资金绩效目标表"] * 3
    q = ind(forms[0], "拓宽创业者融资渠道")
    assert (q.level1, q.value_text, q.comparator) == ("效益指标", "拓宽", None)
    f = by_project(forms, "市直机关事业单位养老保险基金缺口补助资金")
    assert (f.total, f.fiscal, f.implementer) == (D(21933), D(21933), "威海市社会保险事业中心")
    assert ind(f, "待遇发放人数").number == D(10000)


def test_seed_002_cell_per_line():
    forms = seed_forms("002")
    assert len(forms) == 12
    assert {f.layout for f in forms} == {"cell_per_line"}
    f = forms[0]
    assert (f.project, f.total, f.fiscal, f.unit) == ("人才专项", D(700), D(700), Unit.WAN_YUAN)
    i = ind(f, "高层次人才引进单位成本")
    assert (i.level1, i.level2, i.value_text, i.number, i.unit, i.provenance.line) == (
        "成本指标", "经济成本", "≤60万元/名", D(60), "万元/名", 39)
    assert ind(f, "人才政策宣传知晓率").level2 == "社会效益指标"
    g = by_project(forms, "开放型经济奖励资金")
    assert (g.total, g.other) == (D(1000), D(0))
    assert not by_project(forms, "森林资源管护").objective.startswith("[bookmark")


def test_seed_003_hebei():
    forms = seed_forms("003")
    assert len(forms) == 14
    assert {f.layout for f in forms} == {"planned_form"}
    f = forms[0]
    assert (f.project, f.project_code, f.total, f.fiscal, f.other) == (
        "车辆保险费", "13030324P00LDLE10017W", D("0.40"), D("0.40"), None)
    assert f.spending_plan[-1] == ("12月底", D("0.40"))
    i = ind(f, "单位管理车辆数量")
    assert (i.value_text, i.comparator, i.number, i.unit, i.description) == (
        "1 辆", "=", D(1), "辆", "单位管理公务用车数量")
    g = by_project(forms, "2023 年省级中小企业发展专项资金")
    assert len(g.indicators) == 6  # the grid continues after a page break
    c = ind(g, "单个企业补贴金额")
    assert (c.level1, c.level2, c.number, c.unit) == ("产出指标", "成本指标", D(100), "万元")


def test_seed_004_shandong():
    forms = seed_forms("004")
    assert len(forms) == 5
    f = by_project(forms, "机关事业单位养老保险基金缺口财政补助资金")
    assert (f.total, f.fiscal, f.department, f.implementer) == (
        D(82000), D(82000), "烟台市人力资源和社会保障局", "烟台市社会保险服务中心")
    i = ind(f, "领取养老金人数（人）")
    assert (i.comparator, i.number, i.unit) == ("≥", D(24000), None)
    assert len(forms[0].indicators) == 17
