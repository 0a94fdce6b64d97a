"""The reviewer's 公开情况检查表 (budgetlint.checklist): verdicts per part, never 是 for what was not
checked, and — on the corpus document a finance bureau reviewed — the same 是/否 as the reviewer."""

from __future__ import annotations

import re

import pytest
from helpers import SHARED

from budgetlint.checklist import MANUAL, NO, YES, build
from budgetlint.findings import Finding, Location, Severity
from budgetlint.model import DocKind, Document, DocumentMeta, Paragraph, Provenance, Section
from budgetlint.pipeline import check_file

CORPUS = SHARED / "corpus"
PAIR = CORPUS / "上海市普陀区司法局2026年部门预算.pdf"
REVIEW = CORPUS / "上海市普陀区司法局2026年部门预算_公开情况检查表.xlsx"


def _doc() -> Document:
    lines = [(1, "2026年某局部门预算"), (2, "目 录"), (2, "一、主要职能 ……………… 3"), (3, "某局主要职能"),
             (3, "负责全市司法行政工作。"), (4, "名词解释"), (4, "一、财政拨款收入：指本级财政拨款。")]
    paragraphs = [Paragraph(text, Provenance(page=page, bbox=(56.0, 100.0, 300.0, 112.0))) for page, text in lines]
    meta = DocumentMeta(title="2026年某局部门预算", organisation="某局", year=2026, kind=DocKind.DEPARTMENT_BUDGET)
    return Document("x.pdf", meta, sections=[Section("", 0, Provenance(page=1), paragraphs)])


def _finding(rule: str, page: int | None, severity: Severity = Severity.WARNING) -> Finding:
    return Finding(rule=rule, name=rule, family="text", severity=severity, message=f"{rule} 的问题",
                   location=Location(page=page))


def _parts(c) -> dict[str, tuple[str, list[str]]]:
    return {p.name: (p.verdict, p.problems) for p in c.parts}


def test_a_finding_makes_its_part_no_and_timeliness_is_never_yes():
    c = build(_doc(), [_finding("BL707", 3), _finding("BL905", 4, Severity.INFO)])
    parts = _parts(c)
    assert parts["及时公开部门预算"][0] == MANUAL
    assert parts["主要职能"] == (NO, ["第3页：BL707 的问题"])
    assert parts["名词解释"] == (YES, [])  # an info note is no problem
    assert parts["目录"][0] == YES
    assert parts["机构设置"][0] == MANUAL  # not found: never 是
    assert "项目经费情况说明" not in parts  # optional, and the document has none


def test_a_missing_table_is_no_and_a_pageless_finding_is_kept():
    c = build(_doc(), [Finding(rule="BL602", name="x", family="completeness", severity=Severity.WARNING,
                               message="部门预算应公开收支总体情况表，文档中没有找到", location=Location(),
                               expected="收支总体情况表"),
                       _finding("BL999", None)])
    parts = _parts(c)
    assert parts["《收支总体情况表》"][0] == NO
    assert parts["其他问题"] == (NO, ["BL999 的问题"])


def test_no_checklist_for_other_documents():
    assert build(Document("x.txt", DocumentMeta(kind=DocKind.PERFORMANCE)), []) is None
    assert build(None, []) is None


def _norm(name: str) -> str:
    return re.sub(r"[“”\"《》\s]", "", name)


@pytest.mark.skipif(not (PAIR.is_file() and REVIEW.is_file()), reason="corpus pair not present")
def test_the_corpus_checklist_agrees_with_the_reviewer():
    openpyxl = pytest.importorskip("openpyxl")
    ws = openpyxl.load_workbook(REVIEW).active
    reviewer = {}
    for row in ws.iter_rows(min_row=6, values_only=True):
        part, verdict = row[1], row[3]
        if part and verdict in (YES, NO):
            reviewer[_norm(part)] = verdict
    r = check_file(str(PAIR))
    ours = {_norm(p.name): p for p in build(r.document, r.findings).parts}
    timely = next(k for k in reviewer if k.startswith("及时公开"))
    assert ours.pop(timely).verdict == MANUAL  # the publication date is not in the document
    del reviewer[timely]
    # the reviewer may shorten a table's title (《国有资本经营…》 for the printed 《部门国有资本经营…》)
    matched = {k: next(p for name, p in ours.items() if name == k or name.endswith(k)) for k in reviewer}
    assert {k: p.verdict for k, p in matched.items()} == reviewer
    problems = "\n".join(ours["预算编制说明"].problems)
    for words in ("比2026年预算", "。。", "主要原因是工作量增加", "17.62%", "医疗卫生与计划生育支出", "201.50"):
        assert words in problems, words
    assert "多了一个「”」" in "\n".join(ours["项目经费情况说明"].problems)
    assert "裁切" in "\n".join(ours["主要职能"].problems)
    assert "第3页" in "\n".join(ours["目录"].problems)
