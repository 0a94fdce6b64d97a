"""Narrative claims: extraction from the prose and binding to the model."""

from __future__ import annotations

from decimal import Decimal

from helpers import doc_of

from budgetlint.recognise.claims import bind, binding_stats, extract_claims

TEXT = """2024年某局部门预算

收支总体情况表
单位：元
收 入 | | 支 出 |
项目 | 预算数 | 项目 | 预算数
一、财政拨款收入 | 1,000,000.00 | 一、一般公共服务支出 | 1,000,000.00
一般公共预算收入 | 1,000,000.00 | |
本年收入合计 | 1,000,000.00 | 本年支出合计 | 1,000,000.00
收入总计 | 1,000,000.00 | 支出总计 | 1,000,000.00

第一部分 部门概况
一、主要职责
负责收入预算 5 万元以内的某某工作。
第三部分 情况说明
一、收支预算情况
2024 年收入预算 100 万元，比上年减少 20.5 万元，下降 17.01%，其中：一般公共预算收入 100 万元。
单位价值 100 万元以上的设备 0 台，另有某某费用 3 万元。
二、“三公”经费支出情况
“三公”经费预算 2 万元，与上年基本持平。
"""


def test_claims_subject_amount_change_percent_and_parts():
    doc = doc_of(TEXT)
    claims = extract_claims(doc)
    first = claims[0]
    assert first.subject == "income_total" and first.amount.value == Decimal("100") and first.amount.unit.value == "万元"
    assert first.change.value == Decimal("-20.5") and first.percent.value == Decimal("-17.01")
    assert [p.subject for p in first.parts] == ["income.general"] and first.parts_word == "其中"
    # 主要职责 is not the explanation part; "100 万元以上" is a threshold, not a claim
    assert all(c.provenance.line > 14 for c in claims)
    assert [c.amount.value for c in claims if c.subject is None] == [Decimal("3")]
    three = next(c for c in claims if c.subject == "three_public")
    assert three.flat == "基本持平"


def test_binding_converts_nothing_and_counts_what_it_could_bind():
    doc = doc_of(TEXT)
    claims = extract_claims(doc)
    (bound,) = bind(doc, claims[0])[:1]
    assert bound.table.unit.value == "元" and bound.value.amount == Decimal("1000000.00")
    # bound: income total, income.general; unbound: the unknown 3 万元 and 三公 (no table)
    assert binding_stats(doc) == (2, 4)


NARROW = """2024年某局部门预算

第三部分 情况说明
一、收支预算情况
本部门2024年一般公共预算基本支出 50 万元，财政拨款支出预算 80 万元。
该项目预算 30 万元（含上年结转 10 万元）。
二、“三公”经费支出情况
2024年一般公共预算财政拨款安排的“三公”经费预算 2 万元。其中：因公出国（境）费预算支出 1 万元，公务
接待费预算支出 1 万元，比上年预算数 0.8 万元增加 0.2 万元，增长 25%。
机关运行经费指……的各项资金。行政单位的基本支出。2025年执行数为 9 万元。
"""


def test_words_that_narrow_a_subject_leave_it_unbound():
    claims = extract_claims(doc_of(NARROW))
    subjects = {c.subject for c in claims}
    assert "basic" not in subjects and "expenditure_total" not in subjects and "income.carry_prior" not in subjects
    # a generic word after a specific subject adds nothing; the 三公 family allows its funding words
    assert {"three_public", "abroad", "reception"} <= subjects


def test_a_sentence_wrapped_over_lines_is_one_claim_with_the_base_it_states():
    claims = extract_claims(doc_of(NARROW))
    reception = next(c for c in claims if c.subject == "reception")
    assert reception.provenance.line == 8  # where the subject starts ("公务" ends line 8)
    assert (reception.base.value, reception.change.value, reception.percent.value) == (
        Decimal("0.8"), Decimal("0.2"), Decimal("25"))
    # a subject without a figure does not take the next sentence's amount
    assert [c.amount.value for c in claims if c.subject is None and c.amount is not None][-1] == Decimal("9")
    assert not any(c.subject == "basic" for c in claims)
