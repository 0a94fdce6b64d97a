"""The evaluation's renderers: the same composed budget as converter text, a workbook and a PDF
reads back to the same tables and forms, and a planted error is found where its label says."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from budgetlint.eval.compose import budget_for, compose
from budgetlint.eval.evaluate import _hits, match
from budgetlint.eval.model import Region
from budgetlint.eval.mutate import Touched, plant_errors, resolve
from budgetlint.eval.render import RENDERERS, header_spans, line_spans, renderer
from budgetlint.pipeline import check_file

pytest.importorskip("reportlab")

TEMPLATES = ("shandong", "hebei", "shanghai", "final")


def _comp(seed: int, template: str):
    return compose(budget_for(template, seed), template, random.Random(seed))


def _check(tmp_path: Path, comp, fmt: str, name: str = "doc"):
    r = renderer(fmt).render(comp)
    p = tmp_path / f"{name}{r.suffix}"
    p.write_bytes(r.data)
    return r, check_file(str(p))


def test_header_spans_like_the_templates():
    # 财政拨款收支总体情况表: 收入 over two columns, 支出 over five; 项目 down two rows; 预算数 over four
    header = [["收 入", "", "支 出", "", "", "", ""], ["项目", "预算数", "项 目", "预算数", "", "", ""],
              ["", "", "", "总计", "一般公共预算", "政府性基金预算", "国有资本经营预算"]]
    spans = header_spans(header, 7)
    assert (0, 0, 0, 1) in spans and (0, 2, 0, 6) in spans
    assert (1, 0, 2, 0) in spans and (1, 1, 2, 1) in spans and (1, 3, 1, 6) in spans
    # an empty cell under a column that spans down is not absorbed by its left neighbour
    header = [["合计", "财政拨款", "", "单位资金"], ["", "小计", "一般公共预算", ""]]
    spans = header_spans(header, 4)
    assert (0, 0, 1, 0) in spans and (0, 1, 0, 2) in spans and (0, 3, 1, 3) in spans and (1, 2, 1, 2) in spans
    assert line_spans(["项目名称", "", "测试", "", ""], 5) == [(0, 1), (2, 4)]


def test_region_matching():
    assert Region(3, 5).contains(None, 4, None) and not Region(3, 5).contains(None, 6, None)
    assert Region(3, 5, page=2).contains(2, 4, None) and not Region(3, 5, page=2).contains(3, 4, None)
    pdf = Region(100.0, 140.0, page=4, by="y")
    assert pdf.contains(4, None, (50.0, 110.0, 300.0, 122.0))
    assert not pdf.contains(4, None, (50.0, 200.0, 300.0, 212.0)) and not pdf.contains(5, None, (0, 110, 1, 122))
    assert pdf.contains(4, None, None)  # a finding naming only its page


@pytest.mark.parametrize("template", TEMPLATES)
@pytest.mark.parametrize("fmt", ["xlsx", "pdf"])
def test_formats_read_back_like_the_text(tmp_path, template, fmt):
    comp = _comp(11, template)
    _, text = _check(tmp_path, comp, "text", "text")
    _, other = _check(tmp_path, comp, fmt)
    assert other.error is None
    # An empty table's blank 合计 line reads as a row of zeros from a grid, as no row from text.
    shape = [(t.kind, 0 if t.is_empty else len(t.rows)) for t in text.document.tables]
    assert [(t.kind, 0 if t.is_empty else len(t.rows)) for t in other.document.tables] == shape
    assert len(other.document.forms) == len(text.document.forms) == len(comp.forms())
    assert [f for f in other.findings if f.severity.value == "error"] == []


def test_xlsx_amounts_are_numbers_with_their_format(tmp_path):
    import openpyxl

    comp = _comp(11, "shandong")
    r = renderer("xlsx").render(comp)
    p = tmp_path / "doc.xlsx"
    p.write_bytes(r.data)
    wb = openpyxl.load_workbook(p)
    ws = wb["支出总体情况表"]
    assert ws.merged_cells.ranges  # title and header cells
    nums = [c for row in ws.iter_rows() for c in row if isinstance(c.value, float)]
    assert nums and all(c.number_format == "0.00" for c in nums)
    assert any(name.startswith("情况说明") for name in wb.sheetnames)


def test_pdf_tables_continue_with_the_header_repeated(tmp_path):
    from budgetlint.ingest import load

    comp = _comp(11, "hebei")
    t = comp.table("income_expenditure_summary")
    r = renderer("pdf").render(comp)
    p = tmp_path / "doc.pdf"
    p.write_bytes(r.data)
    regions = r.table_lines[t.id]
    assert len(regions) >= 2  # 41 rows at most page_rows a page
    src = load(p)
    pages = {reg.page for reg in regions}
    headers = [line for pg in src.pages if pg.number in pages for line in pg.lines if line.cells[:2] == ["序号", "收入"]]
    assert len(headers) == len(pages)


@pytest.mark.parametrize("fmt", ["xlsx", "pdf"])
def test_a_planted_narrative_error_is_found_at_its_anchor(tmp_path, fmt):
    comp = _comp(5, "shandong")
    labels = plant_errors(comp, random.Random(1), 1, kinds=("narrative_amount",), state=Touched())
    r, res = _check(tmp_path, comp, fmt)
    resolve(labels, r.anchors)
    assert labels and labels[0].spots[0].regions
    assert match(labels, _hits(res.findings, res.document)) == [True]


def test_every_format_names_the_artefacts_it_can_show():
    from budgetlint.eval.mutate import ARTEFACTS

    for r in RENDERERS.values():
        assert r.artefacts and set(r.artefacts) <= set(ARTEFACTS)
