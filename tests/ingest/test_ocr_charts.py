"""Image-only pages of a text PDF: a chart (colour fills, no ruling grid) is not sent to OCR and
is named in a note; a scanned table, grey or coloured, still is."""

from __future__ import annotations

import pytest

from budgetlint.ingest import load, ocr

canvas = pytest.importorskip("reportlab.pdfgen.canvas")
Image = pytest.importorskip("PIL.Image")
ImageDraw = pytest.importorskip("PIL.ImageDraw")
ImageReader = pytest.importorskip("reportlab.lib.utils").ImageReader

needs_ocr = pytest.mark.skipif(not ocr.available(), reason="the ocr extra is not installed")
W, H = 595, 842


def bar_chart() -> Image.Image:
    """A bar chart as an office suite exports it: light horizontal gridlines, coloured bars."""
    img = Image.new("RGB", (800, 500), "white")
    d = ImageDraw.Draw(img)
    for y in range(60, 460, 50):
        d.line([(80, y), (760, y)], fill=(217, 217, 217), width=1)
    for k, (h, colour) in enumerate([(60, (91, 155, 213)), (380, (255, 0, 0)), (240, (91, 155, 213)),
                                     (300, (255, 0, 0))]):
        x = 120 + k * 160
        d.rectangle([x, 460 - h, x + 70, 460], fill=colour)
    d.line([(80, 460), (760, 460)], fill=(0, 0, 0), width=2)
    return img


def table_image(header: tuple[int, int, int] | None) -> Image.Image:
    """A scanned table: black ruling grid and cell text strokes; optionally a coloured header row."""
    img = Image.new("RGB", (800, 500), "white")
    d = ImageDraw.Draw(img)
    xs, ys = [40, 200, 400, 600, 760], [40, 100, 160, 220, 280, 340, 400, 460]
    if header:
        d.rectangle([xs[0], ys[0], xs[-1], ys[1]], fill=header)
    for x in xs:
        d.line([(x, ys[0]), (x, ys[-1])], fill=(0, 0, 0), width=2)
    for y in ys:
        d.line([(xs[0], y), (xs[-1], y)], fill=(0, 0, 0), width=2)
    for r in range(1, len(ys) - 1):
        for c in range(len(xs) - 1):
            d.text((xs[c] + 20, ys[r] + 20), "1,234.56", fill=(0, 0, 0))
    return img


def mixed_pdf(path, picture: Image.Image, full_page: bool = False) -> None:
    """Page 1 has a text layer; page 2 is the picture alone (no text), as a chart page is."""
    c = canvas.Canvas(str(path), pagesize=(W, H))
    c.setFont("Helvetica", 12)
    c.drawString(72, H - 72, "Budget 2026: text layer page")
    c.showPage()
    if full_page:
        c.drawImage(ImageReader(picture), 0, 0, W, H)
    else:
        c.drawImage(ImageReader(picture), 100, H - 400, 400, 250)
    c.showPage()
    c.save()


@pytest.fixture
def ocr_calls(monkeypatch) -> list[int]:
    """Record the pages sent to OCR instead of running the recogniser."""
    calls: list[int] = []
    monkeypatch.setattr(ocr, "ocr_page", lambda page, number, settings=ocr.DEFAULT: calls.append(number) or [])
    return calls


@needs_ocr
def test_chart_page_is_not_ocrd_and_is_named(tmp_path, ocr_calls):
    pdf = tmp_path / "chart.pdf"
    mixed_pdf(pdf, bar_chart())
    src = load(pdf)
    assert ocr_calls == []
    assert any("第 2 页是图表" in n and "未做 OCR" in n for n in src.notes)


@needs_ocr
def test_chart_page_is_ocrd_when_asked(tmp_path, ocr_calls, monkeypatch):
    pdf = tmp_path / "chart.pdf"
    mixed_pdf(pdf, bar_chart())
    monkeypatch.setattr(ocr, "DEFAULT", ocr.OcrSettings(read_charts=True))
    src = load(pdf)
    assert ocr_calls == [2]
    assert not any("图表" in n for n in src.notes)


@needs_ocr
@pytest.mark.parametrize("header", [None, (91, 155, 213)], ids=["grey", "coloured-header"])
def test_scanned_table_page_is_still_ocrd(tmp_path, ocr_calls, header):
    pdf = tmp_path / "table.pdf"
    mixed_pdf(pdf, table_image(header), full_page=True)
    src = load(pdf)
    assert ocr_calls == [2]
    assert not any("图表" in n for n in src.notes)


@needs_ocr
def test_is_chart_reads_fills_not_thin_colour(tmp_path):
    """Red text strokes (a seal, a coloured heading) are no fill: not a chart."""
    import pypdfium2 as pdfium

    img = Image.new("RGB", (800, 500), "white")
    d = ImageDraw.Draw(img)
    for y in range(40, 460, 30):
        d.line([(60, y), (740, y - 5)], fill=(220, 0, 0), width=2)
    pdf = tmp_path / "thin.pdf"
    mixed_pdf(pdf, img)
    doc = pdfium.PdfDocument(str(pdf))
    assert not ocr.is_chart(doc[1])
    pdf2 = tmp_path / "chart.pdf"
    mixed_pdf(pdf2, bar_chart())
    assert ocr.is_chart(pdfium.PdfDocument(str(pdf2))[1])
