"""Corpus PDFs against the expectations read from their rendered pages by hand
(tests/expectations/corpus/<file stem>.toml). Skipped where ../shared/corpus is absent, and a scan
(``requires = "ocr"``) where the ``ocr`` extra is not installed.

An expectation file holds ``[meta]`` (year, kind, template, organisation), ``[[table]]`` (kind, pages,
rows or empty, in document order; none for a narrative-only file), ``[figures]`` (key figures),
``[[spot]]`` (one cell: table, row, column, value, page), ``[[section]]`` (a narrative heading and its
page), ``[[prose]]`` (text a paragraph on that page carries, e.g. an amount) and ``[[form]]`` (a
performance form in document order: page, project, layout, fiscal / other / total, the number of
indicators and tasks, ``amounts`` and ``tasks`` by label, ``[[form.indicator]]`` one indicator each)."""

from __future__ import annotations

import tomllib
from decimal import Decimal
from pathlib import Path

import pytest
from helpers import SHARED

from budgetlint.ingest import ocr
from budgetlint.pipeline import read_document
from budgetlint.recognise.figures import key_figures
from budgetlint.recognise.normalise import squash

CORPUS = SHARED / "corpus"
EXPECT = Path(__file__).parent / "expectations" / "corpus"
CASES = sorted(EXPECT.glob("*.toml"))


@pytest.fixture(scope="module", params=CASES, ids=[c.stem[:24] for c in CASES])
def case(request):
    pdf = CORPUS / (request.param.stem + ".pdf")
    if not pdf.is_file():
        pytest.skip(f"{pdf} not present")
    exp = tomllib.loads(request.param.read_text("utf-8"))
    if exp.get("requires") == "ocr" and not ocr.available():
        pytest.skip("a scanned PDF: the ocr extra is not installed")
    return exp, read_document(str(pdf))


def test_meta(case):
    exp, doc = case
    meta = exp.get("meta", {})
    if "year" in meta:
        assert doc.meta.year == meta["year"]
    if "kind" in meta:
        assert doc.meta.kind.value == meta["kind"]
    if "template" in meta:
        assert doc.meta.template == meta["template"]
    if "organisation" in meta:
        assert squash(doc.meta.organisation) == squash(meta["organisation"])


def test_tables_found_in_order_with_their_pages_and_rows(case):
    exp, doc = case
    want = exp.get("table", [])
    got = [(t.kind, t.pages) for t in doc.tables]
    assert got == [(t["kind"], t["pages"]) for t in want]
    for t, w in zip(doc.tables, want, strict=True):
        if "rows" in w:
            assert len(t.rows) == w["rows"], t.title
        if w.get("empty"):
            assert t.is_empty, t.title


def test_key_figures(case):
    exp, doc = case
    got = key_figures(doc)
    for name, value in exp.get("figures", {}).items():
        assert got[name] == Decimal(value), name


def _find(doc, spot):
    want_row = squash(spot["row"])
    want_col = squash(spot["column"])
    for t in doc.tables_of(spot["table"]):
        for r in t.rows:
            code = r.code.digits if r.code else ""
            if want_row not in (code, squash(r.label)):
                continue
            for key, v in r.values.items():
                col = t.column(f"{r.side}.{key}" if r.side else key)
                header = [squash(h) for h in col.header] if col else []
                if (key == spot["column"] or want_col in header) and v.amount == Decimal(spot["value"]):
                    return v
    return None


def test_spot_cells_with_their_page_and_box(case):
    exp, doc = case
    missing = []
    for spot in exp.get("spot", []):
        v = _find(doc, spot)
        if v is None or v.provenance.page != spot["page"] or v.provenance.bbox is None:
            missing.append(spot)
    assert not missing, missing


def test_sections_with_their_pages(case):
    exp, doc = case
    got = {(squash(s.heading), s.provenance.page) for s in doc.sections}
    missing = [s for s in exp.get("section", []) if (squash(s["heading"]), s["page"]) not in got]
    assert not missing, missing


def test_prose_figures_on_their_pages(case):
    exp, doc = case
    missing = []
    for want in exp.get("prose", []):
        text = squash(want["text"])
        if not any(text in squash(p.text) and p.provenance.page == want["page"]
                   for s in doc.sections for p in s.paragraphs):
            missing.append(want)
    assert not missing, missing


def test_performance_forms(case):
    exp, doc = case
    want = exp.get("form", [])
    if not want:
        return
    assert len(doc.forms) >= len(want)
    for f, w in zip(doc.forms, want, strict=False):
        assert f.provenance.page == w.get("page", f.provenance.page)
        for key in ("project", "layout"):
            if key in w:
                assert getattr(f, key) == w[key], key
        for key in ("total", "fiscal", "other"):
            if key in w:
                assert getattr(f, key) == Decimal(w[key]), key
        if "indicators" in w:
            assert len(f.indicators) == w["indicators"]
        if "task_count" in w:
            assert len(f.tasks) == w["task_count"]
        amounts = dict(f.amounts)
        for label, value in w.get("amounts", {}).items():
            assert amounts.get(label) == Decimal(value), label
        tasks = {t.name: t.amount for t in f.tasks}
        for name, value in w.get("tasks", {}).items():
            assert tasks.get(name) == Decimal(value), name
        got = {(i.level1, i.level2, i.name, i.value_text) for i in f.indicators}
        missing = [i for i in w.get("indicator", [])
                   if (i["level1"], i["level2"], i["name"], i["value"]) not in got]
        assert not missing, missing
