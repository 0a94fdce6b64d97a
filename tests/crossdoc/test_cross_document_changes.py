"""BL805 over small hand-made year pairs: the changes on last year that the 情况说明 states against
last year's document of the same body and kind."""

from __future__ import annotations

from decimal import Decimal

from helpers import cross_findings, doc_of

from budgetlint.grouping import find_pairs
from budgetlint.rules.cross_document_changes import compares_with_last_year, counterpart
from budgetlint.rules.registry import all_rules, select

BUDGET = """
{org}{year}年部门预算

一、部门概况
本部门为行政单位。

收支总体情况表
单位：{unit}
收 入 | | 支 出 |
项目 | 预算数 | 项目 | 预算数
一、一般公共预算拨款收入 | {current} | 一、一般公共服务支出 | {current}
本年收入合计 | {current} | 本年支出合计 | {current}
上年结转 | {carry} | |
收入总计 | {total} | 支出总计 | {total}

支出总体情况表
单位：{unit}
科目编码 | 科目名称 | 合计 | 基本支出 | 项目支出
| 合计 | {total} | {basic} | {project}
201 | 一般公共服务支出 | {total} | {basic} | {project}

一般公共预算“三公”经费支出情况表
单位：万元
合计 | 因公出国（境）费 | 公务用车购置及运行费 | 公务接待费
{tp} | 0.00 | 0.00 | {tp}

第三部分 {year}年部门预算情况说明
一、预算收支增减变化情况说明
{narrative}
"""

ORG = "甲市统计局"


def budget(year=2024, unit="万元", total="110.00", current=None, carry="0.00", basic="60.00", project="50.00",
           tp="5.00", narrative="", org=ORG):
    text = BUDGET.format(org=org, year=year, unit=unit, total=total, current=current or total, carry=carry,
                         basic=basic, project=project, tp=tp, narrative=narrative)
    return doc_of(text, f"{org}-{year}-部门预算.txt")


def last_year(**kw):
    kw = {"year": 2023, "total": "100.00", "basic": "55.00", "project": "45.00", "tp": "4.00", **kw}
    return budget(**kw)


def run(*docs, rules=("BL805",)):
    return cross_findings(docs, list(rules))


def hits(*docs):
    return [(f.rule, f.severity.value, f.found, f.expected) for _, f in run(*docs)]


CONSISTENT = ("（一）收入预算：2024年收入预算110.00万元，比上年增加10.00万元，增长10.00%。\n"
              "（二）支出预算：2024年支出预算110.00万元，比上年增加10.00万元。其中：基本支出60.00万元，"
              "比上年增加5.00万元；项目支出50.00万元，比上年增加5.00万元。")


def test_quiet_on_a_consistent_pair():
    assert hits(budget(narrative=CONSISTENT), last_year()) == []


def test_fires_on_a_planted_base():
    # 20 万元 on 90 is 22.22%: the sentence agrees with itself (BL302 quiet), not with last year's 100
    this = budget(narrative="2024年收入预算110.00万元，比上年增加20.00万元，增长22.22%。")
    prev = last_year()
    found = run(this, prev)
    assert [(f.rule, f.severity.value, f.found, f.expected) for _, f in found] == [
        ("BL805", "error", Decimal("90"), Decimal("100"))]
    path, f = found[0]
    assert path == this.path  # on this year's document, at its sentence
    assert f.other is not None and f.other.document == prev.path and f.other.table_title == "收支总体情况表"
    assert f.related and f.related[0].document == this.path
    assert "甲市统计局-2023-部门预算.txt" in f.message and "100.00" in f.message and "90" in f.message
    assert run(this, prev, rules=("BL302",)) == []


def test_fires_on_a_wrong_percentage_without_a_change_amount():
    this = budget(narrative="2024年收入预算110.00万元，比上年增长5.00%。")
    assert hits(this, last_year()) == [("BL805", "error", Decimal("5.00"), Decimal("10.00"))]
    assert hits(budget(narrative="2024年收入预算110.00万元，比上年增长10.00%。"), last_year()) == []
    # down with a down word: the percentage is signed by its word
    down = budget(total="90.00", basic="50.00", project="40.00", narrative="2024年收入预算90.00万元，比上年下降10%。")
    assert hits(down, last_year()) == []


def test_parts_and_three_public_are_compared_too():
    wrong = budget(narrative="2024年支出预算110.00万元，比上年增加10.00万元。其中：基本支出60.00万元，"
                             "比上年增加10.00万元；项目支出50.00万元，比上年增加5.00万元。")
    assert hits(wrong, last_year()) == [("BL805", "error", Decimal("50"), Decimal("55"))]
    tp = "二、“三公”经费支出情况\n2024年“三公”经费预算5.00万元，比上年增加2.00万元。"
    assert hits(budget(narrative=tp), last_year()) == [("BL805", "error", Decimal("3"), Decimal("4"))]
    assert hits(budget(narrative=tp), last_year(tp="3.00")) == []


def test_yuan_against_wan_yuan():
    prev = last_year(unit="元", total="1,000,000.00", basic="550,000.00", project="450,000.00")
    assert hits(budget(narrative=CONSISTENT), prev) == []
    assert hits(budget(narrative="2024年收入预算110.00万元，比上年增加12.00万元。"), prev) == [
        ("BL805", "error", Decimal("98"), Decimal("100"))]
    # a cent-exact 元 table against a 万元 sentence: within the sentence's rounding
    near = last_year(unit="元", total="1,000,040.00", basic="550,000.00", project="450,040.00")
    assert hits(budget(narrative="2024年收入预算110.00万元，比上年增加10.00万元。"), near) == []


def test_quiet_when_the_quantity_is_ambiguous():
    # 收入预算 is 收入总计 or 本年收入合计: the same this year, different last year (上年结转)
    prev = last_year(total="100.00", current="90.00", carry="10.00")
    assert hits(budget(narrative="2024年收入预算110.00万元，比上年增加20.00万元。"), prev) == []
    assert hits(budget(narrative="2024年收入预算110.00万元，比上年增加10.00万元。"), prev) == []
    # a narrowed subject the claims leave unbound, a base that is last year's 执行数, no comparison with last year
    for text in ("2024年一般公共预算基本支出60.00万元，比上年增加1.00万元。",
                 "2024年收入预算110.00万元，比上年执行数增加20.00万元。",
                 "2024年收入预算110.00万元，比年初增加20.00万元。"):
        assert hits(budget(narrative=text), last_year()) == [], text


def test_quiet_when_the_amount_is_not_the_tables():
    # 111 万元 is not the table's 110 (BL301 reports it): which figure it is, is not known
    assert hits(budget(narrative="2024年收入预算111.00万元，比上年增加20.00万元。"), last_year()) == []


def test_many_differences_are_one_warning():
    text = ("2024年收入预算110.00万元，比上年增加20.00万元。2024年支出预算110.00万元，比上年增加20.00万元。"
            "其中：基本支出60.00万元，比上年增加15.00万元；项目支出50.00万元，比上年增加15.00万元。")
    assert [(h[0], h[1]) for h in hits(budget(narrative=text), last_year())] == [("BL805", "warning")]


def test_only_pairs_of_consecutive_years_of_one_body():
    this = budget(narrative="2024年收入预算110.00万元，比上年增加20.00万元。")
    assert hits(this, last_year(org="乙市统计局")) == []
    assert hits(this, last_year(year=2022)) == []


def test_the_sentence_names_last_year():
    this = budget(narrative="2024年收入预算110.00万元，比上年增加20.00万元。")
    claim = next(c for c in this.claims if c.change is not None)
    assert compares_with_last_year(claim, this)
    claim.text = "2024年收入预算110.00万元,较2023年度增加20.00万元。"
    assert compares_with_last_year(claim, this)
    claim.text = "2024年收入预算110.00万元,含上年结转10.00万元,增加20.00万元。"
    assert not compares_with_last_year(claim, this)


def test_counterpart_of_a_balance_line_and_a_total_line():
    this, prev = budget(narrative=CONSISTENT), last_year()
    (pair,) = find_pairs([this, prev])
    assert pair.relation == "year"
    claim = next(c for c in this.claims if c.subject == "basic")
    (b,) = claim.bounds
    other = counterpart(this, prev, b)
    assert other is not None and other.value.amount == Decimal("55.00") and other.table.kind == "expenditure_summary"


THREE_PUBLIC_BY_YEAR = """
一般公共预算“三公”经费支出情况表
单位：万元
{prev} 年预算数 | | | | | | {year} 年预算数 | | | | |
合计 | 因公出国 (境) 经费 | 公务用车购置及运行维护费 | | | 公务接待费 | 合计 | 因公出国 (境) 经费 | 公务用车购置及运行维护费 | | | 公务接待费
| | 小计 | 公务用车购置经费 | 公务用车运行维护费 | | | | 小计 | 公务用车购置经费 | 公务用车运行维护费 |
{tp_prev} | | | | | {tp_prev} | {tp} | | | | | {tp}
"""


def _with_years(doc_text_year: int, tp_prev: str, tp: str, narrative: str):
    text = BUDGET.replace("""一般公共预算“三公”经费支出情况表
单位：万元
合计 | 因公出国（境）费 | 公务用车购置及运行费 | 公务接待费
{tp} | 0.00 | 0.00 | {tp}
""", THREE_PUBLIC_BY_YEAR.format(prev=doc_text_year - 1, year=doc_text_year, tp_prev=tp_prev, tp="{tp}"))
    return doc_of(text.format(org=ORG, year=doc_text_year, unit="万元", total="110.00", current="110.00",
                              carry="0.00", basic="60.00", project="50.00", tp=tp, narrative=narrative),
                  f"{ORG}-{doc_text_year}-部门预算.txt")


def test_the_documents_own_last_year_figure_leaves_it_to_bl305_and_bl801():
    text = "二、“三公”经费支出情况\n2024年“三公”经费预算5.00万元，比上年增加2.00万元。"
    prev = last_year(tp="4.00")
    # the sentence follows the table's own 2023 column (3.00), which differs from last year's document
    follows = _with_years(2024, "3.00", "5.00", text)
    assert hits(follows, prev) == []
    assert {f.rule for _, f in run(follows, prev, rules=("BL801",))} == {"BL801"}
    # the sentence disagrees with its own table's 2023 column: BL305 reports it within the document
    differs = _with_years(2024, "4.00", "5.00", text)
    assert hits(differs, prev) == []
    assert [f.rule for f in _bl305(differs)] == ["BL305"]


def _bl305(doc):
    from budgetlint.pipeline import run_rules

    return [f for f in run_rules(doc, select(all_rules(), ["BL305"], None)) if f.rule == "BL305"]
