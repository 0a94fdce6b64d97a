"""Cross-table identities: a consistent mini-document keeps every rule quiet; changing one
figure makes exactly the identity that uses it fire."""

from __future__ import annotations

from decimal import Decimal

import pytest
from helpers import doc_of

from budgetlint.pipeline import run_rules
from budgetlint.rules.cross_table import IDENTITIES
from budgetlint.rules.registry import REGISTRY, all_rules

DOC = """
2024年某局部门预算

收支总体情况表
单位：万元
收 入 | | 支 出 |
项目 | 预算数 | 项目 | 预算数
一、财政拨款收入 | 100.00 | 一、一般公共服务支出 | 100.00
一般公共预算收入 | 80.00 | |
政府性基金预算收入 | 20.00 | |
本年收入合计 | 100.00 | 本年支出合计 | 100.00
收入总计 | 100.00 | 支出总计 | 100.00

收入总体情况表
单位：万元
科目编码 | 科目名称 | 合计 | 财政拨款收入 | |
| | | 小计 | 一般公共预算收入 | 政府性基金预算收入
| 合计 | {income_total} | 100.00 | 80.00 | 20.00
201 | 一般公共服务支出 | {income_201} | 100.00 | 80.00 | 20.00

支出总体情况表
单位：万元
科目编码 | 科目名称 | 合计 | 基本支出 | 项目支出
| 合计 | {exp_total} | 60.00 | {project}
201 | 一般公共服务支出 | 100.00 | 60.00 | {project}

财政拨款收支总体情况表
单位：万元
收 入 | | 支 出 | | |
项目 | 预算数 | 项目 | 预算数 | |
| | | 总计 | 一般公共预算 | 政府性基金预算
一、一般公共预算收入 | {fiscal_general} | 一、一般公共服务支出 | 100.00 | 80.00 | 20.00
二、政府性基金预算收入 | 20.00 | | | |
本年收入合计 | 100.00 | 本年支出合计 | 100.00 | 80.00 | 20.00
收入总计 | 100.00 | 支出总计 | 100.00 | 80.00 | 20.00

一般公共预算支出情况表
单位：万元
科目编码 | 科目名称 | 合计 | 基本支出 | | | 项目支出
| | | 小计 | 人员支出 | 日常公用支出 |
| 合计 | 80.00 | 60.00 | 50.00 | 10.00 | 20.00
201 | 一般公共服务支出 | 80.00 | 60.00 | 50.00 | 10.00 | 20.00

一般公共预算基本支出情况表
单位：万元
科目编码 | 科目名称 | 基本支出 | |
| | 小计 | 人员支出 | 日常公用支出
| 合计 | {basic} | 50.00 | 10.00
301 | 工资福利支出 | 50.00 | 50.00 |
302 | 商品和服务支出 | 10.00 | | 10.00

政府性基金预算支出情况表
单位：万元
科目编码 | 科目名称 | 合计 | 基本支出 | 项目支出
| 合计 | {fund} | | {fund}
201 | 一般公共服务支出 | {fund} | | {fund}

项目支出预算情况表
单位：万元
项目名称 | 项目类型 | 合计 | 财政拨款 | |
| | | 小计 | 一般公共预算 | 政府性基金预算
合计 | | 40.00 | 40.00 | 20.00 | 20.00
甲项目 | 特定目标类 | 40.00 | 40.00 | 20.00 | 20.00
"""

BASE = {"exp_total": "100.00", "income_201": "100.00", "income_total": "100.00", "project": "40.00", "fiscal_general": "80.00", "basic": "60.00",
        "fund": "20.00"}


def findings(**changes):
    all_rules()
    values = {**BASE, **changes}
    doc = doc_of(DOC.format(**values))
    rules = [REGISTRY[r] for r in sorted({i.rule for i in IDENTITIES} | {"BL207", "BL208"})]
    return [(f.rule, f.found, f.expected) for f in run_rules(doc, rules)]


def test_consistent_document_is_quiet():
    assert findings() == []


@pytest.mark.parametrize(
    "change, rule",
    [
        ({"income_total": "100.10"}, "BL201"),
        ({"exp_total": "101.00", "project": "41.00"}, "BL202"),
        ({"basic": "61.00"}, "BL203"),
        ({"project": "41.00"}, "BL204"),
        ({"fiscal_general": "81.00"}, "BL205"),
        ({"fund": "21.00"}, "BL206"),
        ({"income_201": "100.50"}, "BL207"),
    ],
)
def test_one_changed_figure_fires_its_identity(change, rule):
    hits = findings(**change)
    assert rule in {h[0] for h in hits}, hits


def test_within_rounding_is_quiet():
    assert findings(income_total="100.01") == []


def test_missing_table_keeps_identity_quiet():
    all_rules()
    text = DOC.format(**BASE)
    text = text[: text.index("项目支出预算情况表")]
    doc = doc_of(text.replace("| 合计 | 100.00 | 60.00 | 40.00", "| 合计 | 100.00 | 60.00 | 40.00"))
    assert [f for f in run_rules(doc, [REGISTRY["BL204"]])] == []


def test_finding_names_both_tables_and_cells():
    all_rules()
    doc = doc_of(DOC.format(**{**BASE, "project": "41.00"}))
    f = next(f for f in run_rules(doc, [REGISTRY["BL204"]]))
    assert "支出总体情况表" in f.message and "项目支出预算情况表" in f.message
    assert f.location.table is not None and f.related and f.related[0].table != f.location.table
    assert f.found == Decimal("41.00") and f.expected == Decimal("40.00")


def test_bl208_summary_class_rows_against_detail_tables():
    text = DOC.format(**BASE)
    assert findings() == []
    changed = text.replace("一、一般公共服务支出 | 100.00\n", "一、一般公共服务支出 | 90.00\n", 1)
    all_rules()
    hits = [f for f in run_rules(doc_of(changed), [REGISTRY["BL208"]])]
    assert [(f.found, f.expected) for f in hits] == [(Decimal("90.00"), Decimal("100.00"))]
    # A class the detail table does not list at all, while the summary shows money for it.
    extra = text.replace("\n政府性基金预算收入 | 20.00 | |\n", "\n政府性基金预算收入 | 20.00 | 二、教育支出 | 5.00\n", 1)
    assert extra != text
    hits = [f for f in run_rules(doc_of(extra), [REGISTRY["BL208"]])]
    assert [f.found for f in hits] == [Decimal("5.00")]


THREE = """
2024年某局部门预算
一般公共预算基本支出情况表
单位：万元
科目编码 | 科目名称 | 基本支出 | |
| | 小计 | 人员支出 | 日常公用支出
302 | 商品和服务支出 | 3.00 | | 3.00
30217 | 公务接待费 | 3.00 | | 3.00
一般公共预算“三公”经费支出情况表
单位：万元
2023 年预算数 | | | | | | 2024 年预算数 | | | | |
合计 | 因公出国 (境) 经费 | 公务用车购置及运行维护费 | | | 公务接待费 | 合计 | 因公出国 (境) 经费 | 公务用车购置及运行维护费 | | | 公务接待费
| | 小计 | 公务用车购置经费 | 公务用车运行维护费 | | | | 小计 | 公务用车购置经费 | 公务用车运行维护费 |
4.00 | | | | | 4.00 | {r} | | | | | {r}
"""


def test_bl209_three_public_not_below_the_basic_line():
    all_rules()
    assert run_rules(doc_of(THREE.format(r="4.00")), [REGISTRY["BL209"]]) == []
    hits = run_rules(doc_of(THREE.format(r="2.00")), [REGISTRY["BL209"]])
    assert [(f.found, f.expected) for f in hits] == [(Decimal("2.00"), Decimal("3.00"))]


FINAL = """
2024年某局部门决算

一般公共预算财政拨款支出决算表
单位：万元
科目编码 | 科目名称 | 本年支出 | |
| | 小计 | 基本支出 | 项目支出
| 合计 | 120.00 | {basic} | 20.00
201 | 一般公共服务支出 | 120.00 | {basic} | 20.00

一般公共预算财政拨款基本支出决算表
单位：万元
科目编码 | 科目名称 | 决算数 | 科目编码 | 科目名称 | 决算数
301 | 工资福利支出 | 90.00 | 302 | 商品和服务支出 | 10.00
| 人员经费合计 | 90.00 | | 公用经费合计 | 10.00

政府性基金预算财政拨款收入支出决算表
单位：万元
科目编码 | 科目名称 | 年初结转和结余 | 本年收入 | 本年支出 | | | 年末结转和结余
| | | | 小计 | 基本支出 | 项目支出 |
| 合计 | | 5.00 | {fund} | | {fund} |
229 | 其他支出 | | 5.00 | {fund} | | {fund} |

财政拨款收入支出决算总表
单位：万元
收入 | | 支出 | | |
项目 | 决算数 | 项目 | 合计 | 一般公共预算财政拨款 | 政府性基金预算财政拨款
一、一般公共预算财政拨款 | 120.00 | 一、一般公共服务支出 | 120.00 | 120.00 |
二、政府性基金预算财政拨款 | 5.00 | 二、其他支出 | 5.00 | | 5.00
本年收入合计 | 125.00 | 本年支出合计 | 125.00 | 120.00 | 5.00
"""


def final_findings(basic="100.00", fund="5.00"):
    all_rules()
    doc = doc_of(FINAL.format(basic=basic, fund=fund))
    return [(f.rule, f.found, f.expected) for f in run_rules(doc, [REGISTRY["BL203"], REGISTRY["BL206"]])]


def test_final_accounts_identities_use_their_own_rows_and_columns():
    # 决算: basic = 人员经费合计 + 公用经费合计; the fund table's total is its 本年支出 小计.
    assert final_findings() == []
    assert final_findings(basic="101.00") == [("BL203", Decimal("101.00"), Decimal("100.00"))]
    assert final_findings(fund="6.00") == [("BL206", Decimal("5.00"), Decimal("6.00"))]


# 江苏 prints a 财政拨款基本支出表（经济科目）: 财政拨款 only, while the 支出总表 covers all funds (here
# 10.00 of 单位资金 in 基本支出). The 基本支出表 is compared with the 财政拨款支出表's 基本支出.
FISCAL_BASIC = """
2026年某局部门预算

支出总表
单位：万元
科目编码 | 科目名称 | 合计 | 基本支出 | 项目支出
| 合计 | 100.00 | 60.00 | 40.00
201 | 一般公共服务支出 | 100.00 | 60.00 | 40.00

财政拨款支出表（功能科目）
单位：万元
科目编码 | 科目名称 | 合计 | 基本支出 | | | 项目支出
| | | 小计 | 人员经费 | 公用经费 |
| 合计 | 90.00 | 50.00 | 40.00 | 10.00 | 40.00
201 | 一般公共服务支出 | 90.00 | 50.00 | 40.00 | 10.00 | 40.00

财政拨款基本支出表（经济科目）
单位：万元
科目编码 | 科目名称 | 本年财政拨款基本支出 | |
| | 合计 | 人员经费 | 公用经费
| 合计 | {basic} | 40.00 | 10.00
301 | 工资福利支出 | 40.00 | 40.00 |
302 | 商品和服务支出 | 10.00 | | 10.00
"""


def test_bl203_compares_a_fiscal_basic_table_with_fiscal_figures_only():
    all_rules()

    def bl203(basic: str):
        doc = doc_of(FISCAL_BASIC.format(basic=basic))
        assert doc.table("basic_expenditure") is not None and doc.table("fiscal_expenditure") is not None
        return [(f.found, f.expected) for f in run_rules(doc, [REGISTRY["BL203"]])]

    assert bl203("50.00") == []  # 60.00 of all funds is not compared with 50.00 of 财政拨款
    assert bl203("51.00") == [(Decimal("50.00"), Decimal("51.00"))]
