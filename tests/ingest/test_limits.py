"""Limits per document (budgetlint/limits.py): each refuses a hostile file fast with a Chinese
message naming the limit; the configuration file's [limits] changes them."""

from __future__ import annotations

import io
import zipfile

import pytest
from hostile_files import blank_pdf, xlsx_bytes

from budgetlint.config import ConfigError, load_config
from budgetlint.ingest import IngestError, load
from budgetlint.ingest.workbook import SheetData, sheet_rows
from budgetlint.limits import Limits, active, use

ROWS = "一般公共服务支出\t100.00\n" * 5


def _with_sheet_xml(base: bytes, extra: bytes) -> bytes:
    src = zipfile.ZipFile(io.BytesIO(base))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for n in src.namelist():
            d = src.read(n)
            if n == "xl/worksheets/sheet1.xml":
                d = d.replace(b"</sheetData>", b"</sheetData>" + extra)
            z.writestr(n, d)
    return out.getvalue()


def test_a_text_file_over_the_size_limit_is_refused_before_reading(tmp_path):
    p = tmp_path / "big.txt"
    p.write_text("2024年部门预算\n" + ROWS * 20000, "utf-8")  # ~0.5 MB
    with use(Limits(text_mb=0.1)), pytest.raises(IngestError, match=r"文本文件.*超过上限 0.1 MB.*text-mb"):
        load(p)
    assert load(p).pages  # the default reads it


def test_any_file_over_the_file_size_limit_is_refused(tmp_path):
    p = tmp_path / "a.pdf"
    p.write_bytes(blank_pdf(595, 842) + b"\0" * 300_000)
    with use(Limits(file_mb=0.1)), pytest.raises(IngestError, match="file-mb"):
        load(p)


def test_a_pdf_over_the_page_limit_is_refused(tmp_path):
    p = tmp_path / "many.pdf"
    p.write_bytes(blank_pdf(595, 842, 12))
    with use(Limits(pages=10)), pytest.raises(IngestError, match=r"PDF 有 12 页，超过上限 10 页"):
        load(p)


def test_a_small_xlsx_merging_a_huge_range_is_refused_fast(tmp_path):
    # found by fuzzing: openpyxl makes an object per merged cell (A1:Z200000 took minutes and GBs)
    p = tmp_path / "merge.xlsx"
    p.write_bytes(_with_sheet_xml(xlsx_bytes("2024年部门预算"),
                                  b'<mergeCells count="1"><mergeCell ref="A1:XFD1048576"/></mergeCells>'))
    with pytest.raises(IngestError, match="单元格.*cells"):
        load(p)


def test_an_xlsx_over_the_cell_limit_is_refused(tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    for r in range(60):
        wb.active.append([r] * 10)
    p = tmp_path / "rows.xlsx"
    wb.save(p)
    with use(Limits(cells=500)), pytest.raises(IngestError, match="XLSX 工作簿有超过 500 个单元格"):
        load(p)
    assert load(p).pages


def test_a_merge_over_a_whole_sheet_costs_only_the_stored_cells():
    # XLS merges reach sheet_rows as ranges: walking a 1e9-cell range cell by cell never ends
    sheet = SheetData(name="s", index=1, cells={(0, 0): "合计", (5, 3): "1.00"}, merges=[(0, 0, 999_999, 999)])
    rows, _, _ = sheet_rows(sheet)
    assert rows[0].cells[0] == "合计" and all(t == "" for row in rows[1:] for t in row.cells)


def test_html_spans_are_bounded(tmp_path):
    cells = '<td rowspan="1000" colspan="1000">1</td>' * 50
    p = tmp_path / "spans.html"
    p.write_text(f"<html><body><table>{('<tr>' + cells + '</tr>') * 1000}</table></body></html>", "utf-8")
    with pytest.raises(IngestError, match="HTML 表格.*单元格"):
        load(p)


def test_limits_from_the_configuration_file(tmp_path):
    cfg = tmp_path / "budgetlint.toml"
    cfg.write_text("[limits]\nocr-pages = 5\nseconds = 30\n", "utf-8")
    assert Limits().with_values(load_config(cfg).limits) == Limits(ocr_pages=5, seconds=30)
    for bad in ("[limits]\nocr-page = 5\n", "[limits]\npages = 0\n", "[limits]\npages = true\n", "limits = 3\n"):
        cfg.write_text(bad, "utf-8")
        with pytest.raises(ConfigError, match="limits"):
            load_config(cfg)


def test_use_restores_the_limits_in_force():
    before = active()
    with use(Limits(pages=1)):
        assert active().pages == 1
    assert active() == before


def test_a_grid_of_many_columns_collapses_in_linear_time():
    # HTML cells of colspan 1000 made a 20,000-column grid whose boundary clustering was quadratic
    from budgetlint.ingest.grid import collapse_grid

    rows = collapse_grid([[(0, 40_000, "合计")], [(0, 1, "a"), (39_999, 1, "b")]], [1, 2])
    assert rows[0].cells == ["合计", ""] and rows[0].spans == {0: 2}
    assert rows[1].cells == ["a", "b"]


def test_html_nested_past_the_parser_depth_is_refused_not_cut(tmp_path):
    p = tmp_path / "deep.html"
    p.write_text("<html><body><p>2024年部门预算</p>" + "<div>" * 1000 + "</div>" * 1000
                 + "<p>一般公共服务支出\t100.00</p></body></html>", "utf-8")
    with pytest.raises(IngestError, match="嵌套超过 256 层"):
        load(p)
