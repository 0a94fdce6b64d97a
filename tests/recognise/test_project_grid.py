"""A performance form laid out as one project over several rows (单位（项目）名称 | 资金总额 | 绩效目标 |
一级指标 | 二级指标 | 三级指标 | 指标值 | … | 度量单位 | 指标值类型) is a form, never a budget table,
even when its title, repeated on every page, is taken for page furniture."""

from __future__ import annotations

from decimal import Decimal

from helpers import doc_of

HEAD = """\
2025年项目支出绩效目标表
单位名称：某局 单位：万元
单位编码 | 单位（项目）名称 | 资金总额 | 绩效目标 | 绩效指标 | | | | | | | |
 | | | | 一级指标 | 二级指标 | 三级指标 | 指标值 | 指标值内容 | 评（扣）分标准 | 度量单位 | 指标值类型 | 备注
"""

FUND = """\
2025年政府性基金预算支出情况表
单位名称：某局 单位：万元
科目编码 | | | 功能科目 | 总计 | 基本支出 | 项目支出
类 | 款 | 项 | | | |
注：本表反映部门本年度政府性基金预算收入支出情况。
"""

PAGE1 = HEAD + """\
合计 | | 600.00 | | | | | | | | | |
106001 | 某局 | 600.00 | | | | | | | | | |
106001 | 巡查经费 | 400.00 | 做好巡查工作 | 成本指标 | 经济成本指标 | 成本控制率 | 100 | 控制在预算内 | 超过扣分 | % | ≤ | 20
 | | | | | 社会成本指标 | | | | | | |
 | | | | 产出指标 | 数量指标 | 巡查次数 | 10 | 巡查10次 | 少一次扣1分 | 次 | ≥ | 4
"""
PAGE2 = HEAD + """\
106001 | 巡查经费 | 400.00 | 做好巡查工作 | 产出指标 | 质量指标 | 整改完成率 | 90 | 整改完成率 | 低于扣分 | ≥ | % | 6
 | | | | 满意度指标 | 服务对象满意度指标 | 群众满意度 | 90 | 群众满意 | 低于扣分 | % | 定量 | 10
 | 维修经费 | 200.00 | 保障院落运行 | 产出指标 | 时效指标 | 维修及时性 | 及时 | 及时维修 | 否则不得分 | | 定性 | 5
"""

PAGE3 = HEAD + """\
 | 维修经费 | 200.00 | 保障院落运行 | 满意度指标 | 服务对象满意度指标 | 职工满意度 | 90 | 职工满意 | 低于扣分 | % | ≥ | 10
"""


def _forms(text: str):
    return doc_of(text).forms


def test_project_grid_rows_make_one_form_per_project():
    forms = _forms(PAGE1 + "\f" + PAGE2)
    assert [(f.project, f.total, f.implementer) for f in forms] == [
        ("巡查经费", Decimal("400.00"), "某局"), ("维修经费", Decimal("200.00"), "某局")]
    first = forms[0]
    assert first.title == "2025年项目支出绩效目标表" and first.objective == "做好巡查工作"
    # The merged project cells reprinted on the next page continue the same project.
    assert [(i.level1, i.level2, i.name, i.value_text) for i in first.indicators] == [
        ("成本指标", "经济成本指标", "成本控制率", "≤100%"),
        ("产出指标", "数量指标", "巡查次数", "≥10次"),
        ("产出指标", "质量指标", "整改完成率", "≥90%"),  # 度量单位 and 指标值类型 written swapped
        ("满意度指标", "服务对象满意度指标", "群众满意度", "90%"),  # 定量 is no comparator
    ]
    assert forms[1].indicators[0].value_text == "及时" and forms[1].indicators[0].comparator is None


def test_form_after_a_table_is_not_read_as_that_table():
    # The form's title repeats on every page, so it looks like a running header: the empty fund
    # table above must not run on into the form's rows.
    text = FUND + "\f" + PAGE1 + "\f" + PAGE2 + "\f" + PAGE3
    doc = doc_of(text)
    fund = [t for t in doc.tables if t.kind == "fund_expenditure"]
    assert len(fund) == 1 and fund[0].rows == []
    assert not any("指标" in c.label for t in doc.tables for c in t.columns)
    assert [(f.project, len(f.indicators)) for f in doc.forms] == [("巡查经费", 4), ("维修经费", 2)]


def test_indicator_header_under_a_known_title_is_no_table():
    text = """\
2025年政府性基金预算支出情况表
单位：万元
项目名称 | 一级指标 | 二级指标 | 三级指标 | 指标值
巡查经费 | 产出指标 | 数量指标 | 巡查次数 | 1200
"""
    assert not [t for t in doc_of(text).tables if t.kind == "fund_expenditure" and t.rows]
