"""陕西 / 西安 "部门综合预算" tables: one title for two tables (功能 / 经济 on the title's second line),
the title restated on every page with its second line, a 序号 column and a 备注 column."""

from __future__ import annotations

from decimal import Decimal

from helpers import doc_of

# 表5 over two pages (title, second line and header restated), then 表6 under the same first line.
XIAN = """
表5
2021年部门综合预算一般公共预算支出明细表
（按支出功能分类科目-不含上年结转）
单位：元
序号 | 功能科目编码 | 功能科目名称 | 合计 | 人员经费支出 | 公用经费支出 | 专项业务经费支出 | 备注
1 | | 合计 | 300.00 | 100.00 | 50.00 | 150.00 |
2 | 201 | 一般公共服务支出 | 200.00 | 100.00 | 50.00 | 50.00 | 含审计事务
3 | 20108 | 审计事务 | 200.00 | 100.00 | 50.00 | 50.00 |
4 | 2010801 | 行政运行 | 150.00 | 100.00 | 50.00 | |
5 | 2010804 | 审计业务 | 50.00 | | | 50.00 | 外勤经费
\f表5
2021年部门综合预算一般公共预算支出明细表
（按支出功能分类科目-不含上年结转）
单位：元
序号 | 功能科目编码 | 功能科目名称 | 合计 | 人员经费支出 | 公用经费支出 | 专项业务经费支出 | 备注
6 | 205 | 教育支出 | 100.00 | | | 100.00 |
7 | 20508 | 进修及培训 | 100.00 | | | 100.00 |
8 | 2050803 | 培训支出 | 100.00 | | | 100.00 |
\f表6
2021年部门综合预算一般公共预算支出明细表
（按支出经济分类科目-不含上年结转）
单位：元
序号 | 部门经济科目编码 | 部门经济科目名称 | 政府经济科目编码 | 政府经济科目名称 | 合计 | 人员经费支出 | 公用经费支出 | 专项业务经费支出 | 备注
1 | | 合计 | | | 300.00 | 100.00 | 50.00 | 150.00 |
2 | 301 | 工资福利支出 | | | 100.00 | 100.00 | | |
3 | 30101 | 基本工资 | 50101 | 工资奖金津补贴 | 100.00 | 100.00 | | |
4 | 302 | 商品和服务支出 | | | 200.00 | | 50.00 | 150.00 |
5 | 30201 | 办公费 | 50201 | 办公经费 | 200.00 | | 50.00 | 150.00 |
"""


def test_one_title_two_tables_told_apart_by_the_second_line():
    doc = doc_of(XIAN)
    assert [t.kind for t in doc.tables] == ["general_expenditure", "general_expenditure_economic"]


def test_restated_title_with_its_second_line_continues_the_table():
    t = doc_of(XIAN).table("general_expenditure")
    assert [r.code.digits for r in t.rows if r.code] == ["201", "20108", "2010801", "2010804", "205", "20508",
                                                         "2050803"]


def test_columns_of_the_layout():
    t = doc_of(XIAN).table("general_expenditure")
    # 专项业务经费 is the 项目支出; 备注 holds words, never a figure.
    assert [c.key for c in t.amount_columns] == ["total", "personnel", "public", "project"]
    assert ("total", ("personnel", "public", "project")) in t.column_sums


def test_remarks_after_the_figures_leave_the_figures_in_place():
    t = doc_of(XIAN).table("general_expenditure")
    row = next(r for r in t.rows if r.code and r.code.digits == "2010804")
    assert row.values["project"].amount == Decimal("50.00")
    assert not row.ambiguous


def test_a_row_without_its_name_is_not_named_by_its_serial_number():
    text = XIAN.replace("3 | 30101 | 基本工资 | 50101 | 工资奖金津补贴 |", "3 | 30101 | | 50101 | |")
    t = doc_of(text).table("general_expenditure_economic")
    row = next(r for r in t.rows if r.code and r.code.digits == "30101")
    assert row.label != "3"
