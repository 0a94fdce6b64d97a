"""Scanned PDFs: a table drawn with reportlab, rasterised into an image-only PDF (a "scan",
turned by 1°), read back by OCR into a Document; low-confidence values; the missing extra."""

from __future__ import annotations

from decimal import Decimal

import pytest
from click.testing import CliRunner
from helpers import SHARED, register_embedded_cjk_font, tsv

from budgetlint.ingest import IngestError, load, ocr
from budgetlint.ingest.text import text_to_source
from budgetlint.pipeline import run_rules
from budgetlint.recognise import recognise
from budgetlint.rules.common import LOW_CONFIDENCE
from budgetlint.rules.registry import all_rules

canvas = pytest.importorskip("reportlab.pdfgen.canvas")
pdfmetrics = pytest.importorskip("reportlab.pdfbase.pdfmetrics")
pytest.importorskip("PIL")

# A scan must show real glyphs: the drawn PDF embeds an installed Chinese TrueType font.
FONT = register_embedded_cjk_font()
W, H = 595, 842
XS = [50, 110, 300, 380, 460, 540]  # 科目编码 | 科目名称 | 合计 | 基本支出 | 项目支出
ROWS = [
    ("201", "一般公共服务支出", "1,234.56", "1,000.00", "234.56"),
    ("20103", "政府办公厅（室）及相关机构事务", "1,234.56", "1,000.00", "234.56"),
    ("2010301", "行政运行", "1,000.00", "1,000.00", ""),
    ("2010302", "一般行政管理事务", "234.56", "", "234.56"),
    ("", "合计", "1,234.56", "1,000.00", "234.56"),
]

needs_ocr = pytest.mark.skipif(not ocr.available(), reason="the ocr extra is not installed")
needs_font = pytest.mark.skipif(FONT is None, reason="no Chinese TrueType font to draw a scan with "
                                "(scripts/system-deps.sh installs fonts-wqy-microhei)")


def _text(c, x, top, s, size=10, right=False):
    c.setFont(FONT, size)
    y = H - top - size * 0.88
    (c.drawRightString if right else c.drawString)(x, y, s)


def draw_table(path):
    c = canvas.Canvas(str(path), pagesize=(W, H))
    _text(c, 210, 60, "2024年某某局支出总体情况表", size=14)
    _text(c, 470, 95, "单位：万元")
    top = 120
    for x, word in zip(XS, ("科目编码", "科目名称", "合计", "基本支出", "项目支出"), strict=False):
        _text(c, x + 6, top + 5, word)
    ys = [top, top + 20]
    y = top + 20
    for row in ROWS:
        for k, v in enumerate(row):
            if v:
                if k >= 2:
                    _text(c, XS[k + 1] - 5, y + 5, v, right=True)
                else:
                    _text(c, XS[k] + 5, y + 5, v)
        y += 20
        ys.append(y)
    for yy in ys:
        c.line(XS[0], H - yy, XS[-1], H - yy)
    for x in XS:
        c.line(x, H - ys[0], x, H - ys[-1])
    _text(c, 60, ys[-1] + 30, "注：本表为测试用表，金额单位为万元。")
    c.showPage()
    c.save()


@pytest.fixture(scope="module")
def scan(tmp_path_factory):
    d = tmp_path_factory.mktemp("scan")
    drawn = d / "table.pdf"
    draw_table(drawn)
    out = d / "scan.pdf"
    ocr.rasterise(drawn, out, dpi=200, angle=1.0)
    return out


@needs_ocr
@needs_font
def test_scanned_table_reads_into_a_document(scan):
    src = load(scan)
    assert src.format == "pdf" and any("OCR" in n for n in src.notes)
    rows = [line.cells for line in src.lines() if len(line.cells) > 1]
    assert rows[0] == ["科目编码", "科目名称", "合计", "基本支出", "项目支出"]
    assert rows[3] == ["2010301", "行政运行", "1,000.00", "1,000.00", ""]
    assert all(line.cell_confidence and len(line.cell_confidence) == len(line.cells) for line in src.lines())
    doc = recognise(src)
    t = doc.table("expenditure_summary")
    assert t is not None
    got = [(r.code.digits if r.code else r.label, {k: v.amount for k, v in r.values.items()}) for r in t.rows]
    assert got == [
        ("201", {"total": Decimal("1234.56"), "basic": Decimal("1000.00"), "project": Decimal("234.56")}),
        ("20103", {"total": Decimal("1234.56"), "basic": Decimal("1000.00"), "project": Decimal("234.56")}),
        ("2010301", {"total": Decimal("1000.00"), "basic": Decimal("1000.00"), "project": Decimal("0")}),
        ("2010302", {"total": Decimal("234.56"), "basic": Decimal("0"), "project": Decimal("234.56")}),
        ("合计", {"total": Decimal("1234.56"), "basic": Decimal("1000.00"), "project": Decimal("234.56")}),
    ]
    values = [v for r in t.rows for v in r.values.values() if not v.blank]
    assert all(v.confidence >= LOW_CONFIDENCE for v in values)
    # Provenance points at the scan: the page was turned 1° about its centre, the boxes with it.
    v = t.rows[2].values["basic"]
    x0, top, x1, bottom = v.provenance.bbox
    assert v.provenance.page == 1
    assert 370 < (x0 + x1) / 2 < 470 and 170 < (top + bottom) / 2 < 200
    findings = run_rules(doc, all_rules())
    assert not [f for f in findings if f.family in ("arithmetic", "cross_table")]
    assert not [f for f in findings if f.rule == "BL906"]


def _table_source(low_cell: str | None):
    """The test table as converter text; the line holding ``low_cell`` as if OCR read that cell
    with confidence 0.4 (every other cell 0.99)."""
    rows = "\n".join(" | ".join(r) for r in ROWS).replace("| 1,000.00 | 1,000.00 |", "| 1,000.00 | 990.00 |", 1)
    text = tsv(f"""
2024年某某局部门预算
支出总体情况表
单位：万元
科目编码 | 科目名称 | 合计 | 基本支出 | 项目支出
{rows}
""")
    src = text_to_source(text, "scan.pdf")
    for line in src.lines():
        line.cell_confidence = [0.4 if c == low_cell else 0.99 for c in line.cells]
    return src


def test_low_confidence_value_silences_arithmetic_and_gives_bl906():
    # 行政运行 reads 合计 1,000.00 = 基本 990.00 + 项目 0: a row that does not add up …
    read = recognise(_table_source(None))
    fired = {f.rule for f in run_rules(read, all_rules())}
    assert "BL101" in fired and "BL906" not in fired
    # … unless 990.00 was read with low confidence: then it is "could not read", not an error.
    doc = recognise(_table_source("990.00"))
    row = next(r for r in doc.table("expenditure_summary").rows if r.code and r.code.digits == "2010301")
    assert row.values["basic"].confidence == pytest.approx(0.4)
    findings = run_rules(doc, all_rules())
    assert not [f for f in findings if f.family in ("arithmetic", "cross_table")]
    low = [f for f in findings if f.rule == "BL906"]
    assert len(low) == 1 and "990.00" in low[0].message and low[0].family == "extraction"
    assert low[0].location.column == "basic"


@needs_font
def test_scanned_pdf_without_the_extra_says_how_to_install_it(scan, monkeypatch):
    from budgetlint.cli import main

    monkeypatch.setattr(ocr, "available", lambda: False)
    with pytest.raises(IngestError, match=r"没有文字层.*OCR.*pip install 'budgetlint\[ocr\]'"):
        load(scan)
    result = CliRunner().invoke(main, ["check", str(scan)])
    assert result.exit_code == 2
    assert "pip install 'budgetlint[ocr]'" in result.output


@needs_font
def test_scanned_page_in_a_text_pdf_without_the_extra_is_a_note(tmp_path, monkeypatch):
    from pypdf import PdfReader, PdfWriter

    drawn = tmp_path / "table.pdf"
    draw_table(drawn)
    scanned = tmp_path / "scan.pdf"
    ocr.rasterise(drawn, scanned, dpi=72)
    writer = PdfWriter()
    for f in (drawn, scanned):
        writer.add_page(PdfReader(str(f)).pages[0])
    mixed = tmp_path / "mixed.pdf"
    with mixed.open("wb") as fh:
        writer.write(fh)
    monkeypatch.setattr(ocr, "available", lambda: False)
    src = load(mixed)
    assert src.pages[0].lines and not src.pages[1].lines
    assert any("第 2 页没有文字层" in n and "budgetlint[ocr]" in n for n in src.notes)


@needs_ocr
@needs_font
def test_strokes_of_large_characters_are_not_rulings(tmp_path):
    """The frame of 国 and the stem of 标 are long runs of ink, but no table."""
    import pypdfium2 as pdfium

    p = tmp_path / "title.pdf"
    c = canvas.Canvas(str(p), pagesize=(W, H))
    _text(c, 60, 60, "国标田里目", size=48)
    c.showPage()
    c.save()
    doc = pdfium.PdfDocument(str(p))
    gray, scale = ocr.render(doc[0], 200)
    doc.close()
    h, v, mask = ocr.rulings(ocr.binarise(gray), scale)
    assert h == [] and v == [] and not mask.any()


@needs_ocr
def test_skew_is_measured():
    import numpy as np

    img = np.full((800, 1000), 255, np.uint8)
    for y in range(100, 700, 40):
        img[y:y + 3, 100:900] = 0
    assert abs(ocr.estimate_skew(ocr.binarise(img))) < 0.05
    turned = ocr.rotate(img, -1.5)
    assert ocr.estimate_skew(ocr.binarise(turned)) == pytest.approx(1.5, abs=0.1)


CHANGSHA = SHARED / "corpus" / "renwu-长沙-市场监督管理局_2026年部门预算.pdf"


@needs_ocr
@pytest.mark.skipif(not CHANGSHA.is_file(), reason="../shared/corpus not present")
def test_real_scan_first_page():
    """A real image-only PDF (a performance-evaluation report): page 1's amounts and words."""
    import pypdfium2 as pdfium

    from budgetlint.ingest.base import Page, Source

    src = Source(path=str(CHANGSHA), format="pdf", pages=[Page(number=1)])
    doc = pdfium.PdfDocument(str(CHANGSHA))
    try:
        ocr.ocr_pages(doc, src.pages, src, whole=True)
    finally:
        doc.close()
    text = "".join(line.text for line in src.lines())
    for figure in ("12,954.16", "3,683.76", "9,270.40", "13,205.30", "12,667.08"):
        assert figure in text
    assert "项目基本情况" in text and "特种设备安全监管" in text


def test_a_page_far_larger_than_paper_is_rendered_no_larger_than_the_cap(tmp_path):
    """A 14,400-pt page would be 40,000 × 40,000 px at 200 dpi (1.6 GB grey): OCR renders it at
    at most the page-pixels limit, an A4 page at the full resolution."""
    import pypdfium2 as pdfium
    from pypdf import PdfWriter

    from budgetlint.ingest.ocr import render
    from budgetlint.limits import Limits, use

    w = PdfWriter()
    w.add_blank_page(14400, 14400)
    w.add_blank_page(595, 842)
    path = tmp_path / "huge.pdf"
    w.write(path)
    doc = pdfium.PdfDocument(str(path))
    big, scale = render(doc[0], 200)
    a4, a4_scale = render(doc[1], 200)
    assert big.size <= Limits().page_pixels and scale < 200 / 72
    with use(Limits(page_pixels=1_000_000)):  # the configured limit is the one used
        small, _ = render(doc[0], 200)
    assert small.size <= 1_000_000
    assert a4_scale == 200 / 72 and a4.shape[0] == round(842 * 200 / 72)
    doc.close()
