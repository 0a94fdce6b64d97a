"""BL301 binds like to like: the same quantity, under the funds the sentence means. Where the
sentence does not say which funds (all funds, 财政拨款, 一般公共预算; with or without 上年结转), a figure
that agrees with the same quantity under another of them is not an error; where its heading or the
whole it is a part of names the funds, only those count. Figures about the projects under
performance targets are not the department's totals."""

from __future__ import annotations

from decimal import Decimal

from helpers import doc_of

from budgetlint.pipeline import run_rules
from budgetlint.rules.registry import REGISTRY, all_rules

TABLES = """
2026年某局部门预算

收支总体情况表
单位：万元
收 入 | | 支 出 |
项目 | 预算数 | 项目 | 预算数
一、财政拨款收入 | 90.00 | 一、一般公共服务支出 | 100.00
一般公共预算收入 | 80.00 | |
政府性基金预算收入 | 10.00 | |
二、事业收入 | 10.00 | |
本年收入合计 | 100.00 | 本年支出合计 | 108.00
上年结转 | 8.00 | |
收入总计 | 108.00 | 支出总计 | 108.00

支出总体情况表
单位：万元
科目编码 | 科目名称 | 合计 | 基本支出 | | 项目支出
| | | 人员支出 | 公用经费 |
| 合计 | 108.00 | 60.00 | 14.00 | 34.00
201 | 一般公共服务支出 | 108.00 | 60.00 | 14.00 | 34.00

一般公共预算支出情况表
单位：万元
科目编码 | 科目名称 | 合计 | 基本支出 | | | 项目支出
| | | 小计 | 人员支出 | 日常公用支出 |
| 合计 | 80.00 | 62.00 | 52.00 | 10.00 | 18.00
201 | 一般公共服务支出 | 80.00 | 62.00 | 52.00 | 10.00 | 18.00

一般公共预算基本支出情况表
单位：万元
科目编码 | 科目名称 | 基本支出 | |
| | 小计 | 人员支出 | 日常公用支出
| 合计 | 62.00 | 52.00 | 10.00
301 | 工资福利支出 | 52.00 | 52.00 |
302 | 商品和服务支出 | 10.00 | | 10.00

政府性基金预算支出情况表
单位：万元
科目编码 | 科目名称 | 合计 | 基本支出 | 项目支出
| 合计 | 18.00 | | 18.00
201 | 一般公共服务支出 | 18.00 | | 18.00

第三部分 2026年部门预算情况说明
"""


def bl301(prose: str) -> list[tuple[Decimal, Decimal]]:
    all_rules()
    doc = doc_of(TABLES + prose)
    return [(f.found, f.expected) for f in run_rules(doc, [REGISTRY["BL301"]])]


def test_personnel_of_all_funds_under_the_budget_of_all_funds():
    prose = "二、支出预算情况说明\n按支出用途分类，包括人员支出{p}万元，日常公用支出{q}万元，项目支出34.00万元。\n"
    assert bl301(prose.format(p="60.00", q="14.00")) == []  # the 支出总表's 人员支出 / 公用经费
    assert bl301(prose.format(p="52.00", q="10.00")) == []  # the 一般公共预算 figures
    # a figure of no scope is reported against the sources, as before
    assert bl301(prose.format(p="61.00", q="14.00")) == [(Decimal("61.00"), Decimal("52"))]


def test_a_heading_that_names_the_funds_pins_them():
    prose = "三、一般公共预算基本支出情况说明\n人员支出{p}万元，日常公用支出10.00万元。\n"
    assert bl301(prose.format(p="52.00")) == []
    # 60.00 is the 人员支出 of all funds: under a 一般公共预算 heading it is wrong
    assert bl301(prose.format(p="60.00")) == [(Decimal("60.00"), Decimal("52"))]


def test_a_function_item_of_no_named_funds_may_be_the_general_budgets():
    prose = "四、支出结构\n一般公共服务（类）支出{x}万元。\n"
    assert bl301(prose.format(x="108.00")) == []  # 支出总表
    assert bl301(prose.format(x="80.00")) == []  # 一般公共预算支出情况表, same row
    assert bl301(prose.format(x="18.00")) == []  # 政府性基金预算支出情况表, same row
    assert bl301(prose.format(x="90.00")) == [(Decimal("90.00"), Decimal("108"))]
    # a lead that names the funds pins them: the 支出总表's figure is not the 一般公共预算's
    lead = "四、支出结构\n2.一般公共预算当年拨款结构情况。\n一般公共服务（类）支出{x}万元。\n"
    assert bl301(lead.format(x="80.00")) == []
    assert bl301(lead.format(x="108.00")) == [(Decimal("108.00"), Decimal("80"))]


def test_fund_income_with_its_carry_over():
    prose = "五、其他\n2026年本部门政府性基金预算收入{x}万元，主要是下达转移支付资金10.00万元，结转上年资金8.00万元。\n"
    assert bl301(prose.format(x="10.00")) == []
    assert bl301(prose.format(x="18.00")) == []  # with 上年结转: what the fund spends
    assert bl301(prose.format(x="19.00")) == [(Decimal("19.00"), Decimal("10"))]
    # a sentence about this year's money alone does not include the carry-over
    this_year = "五、其他\n2026年本部门政府性基金预算收入18.00万元，均为当年下达资金。\n"
    assert bl301(this_year) == [(Decimal("18.00"), Decimal("10"))]


def test_figures_about_performance_targets_are_not_department_totals():
    prose = "六、绩效目标设置情况\n本部门项目均实行绩效目标管理，涉及一般公共预算当年拨款15.00万元。本部门共3个项目纳入绩效目标管理，涉及财政性资金合计20.00万元。\n"
    assert bl301(prose) == []
    # without performance targets the same words are the department's figure
    assert bl301("六、其他\n2026年一般公共预算当年拨款15.00万元。\n") == [(Decimal("15.00"), Decimal("80"))]
