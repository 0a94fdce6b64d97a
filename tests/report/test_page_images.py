"""The review aid: each finding's page as a PNG with its cell boxed in the finding's colour and the
cells it cites in a second colour; the box checked against pdfium's own placement of the value."""

from __future__ import annotations

import ctypes

import pytest
from PIL import Image

from budgetlint.pipeline import check_file
from budgetlint.report.page_images import COLOURS, RELATED, SCALE, finding_images, write_index
from budgetlint.report.pdf_annotate import NotPdf

pdfium = pytest.importorskip("pypdfium2")
raw = pytest.importorskip("pypdfium2.raw")


def _value_pixels(path, text: str) -> tuple[float, float, float, float]:
    """Where pdfium draws ``text`` on the rendered page (device pixels at SCALE)."""
    doc = pdfium.PdfDocument(str(path))
    page = doc[0]
    tp = page.get_textpage()
    full = tp.get_text_range()
    i = full.index(text)
    boxes = [tp.get_charbox(k) for k in range(i, i + len(text))]
    left, bottom = min(b[0] for b in boxes), min(b[1] for b in boxes)
    right, top = max(b[2] for b in boxes), max(b[3] for b in boxes)
    width, height = round(page.get_width() * SCALE), round(page.get_height() * SCALE)
    xs, ys = [], []
    for ux, uy in ((left, bottom), (right, top)):
        dx, dy = ctypes.c_int(), ctypes.c_int()
        raw.FPDF_PageToDevice(page.raw, 0, 0, width, height, 0, ux, uy, dx, dy)
        xs.append(dx.value)
        ys.append(dy.value)
    doc.close()
    return min(xs), min(ys), max(xs), max(ys)


def _box_of(img: Image.Image, colour) -> tuple[int, int, int, int] | None:
    px = img.load()
    hits = [(x, y) for y in range(0, img.height) for x in range(0, img.width) if px[x, y] == colour]
    if not hits:
        return None
    return min(x for x, _ in hits), min(y for _, y in hits), max(x for x, _ in hits), max(y for _, y in hits)


@pytest.mark.parametrize("mode", ["upright", "rotated"])
def test_each_finding_gets_its_page_with_the_value_boxed(tmp_path, mode, make_pdf):
    pdf = make_pdf(tmp_path / f"{mode}.pdf", mode)
    result = check_file(str(pdf))
    errors = [f for f in result.findings if f.rule == "BL101"]
    assert len(errors) == 3
    result.findings = errors[:1]
    shots = finding_images(result, tmp_path / "out")
    assert len(shots) == 1 and shots[0].path is not None and shots[0].page == 1
    img = Image.open(shots[0].path).convert("RGB")
    box = _box_of(img, COLOURS["error"])
    assert box is not None
    row = result.document.tables[0].rows[errors[0].location.row]
    want = _value_pixels(pdf, row.values["total"].raw.strip())
    # the value lies inside the red box, and the box is not much larger than the value
    assert box[0] <= want[0] and box[1] <= want[1] and box[2] >= want[2] and box[3] >= want[3], (box, want)
    assert (box[2] - box[0]) < 3 * (want[2] - want[0]) + 20
    index = write_index([(result, shots)], tmp_path / "out")
    assert shots[0].path.name in index.read_text("utf-8")


def test_cited_cells_in_the_second_colour(tmp_path, make_pdf):
    pdf = make_pdf(tmp_path / "upright.pdf", "upright")
    result = check_file(str(pdf))
    f = next(f for f in result.findings if f.rule == "BL101")
    t = result.document.tables[0]
    from budgetlint.findings import Location

    other = next(r for r in t.rows if r.index != f.location.row)
    f.related = [Location.of(t, other, "basic")]
    result.findings = [f]
    shots = finding_images(result, tmp_path / "out")
    img = Image.open(shots[0].path).convert("RGB")
    assert _box_of(img, COLOURS["error"]) is not None and _box_of(img, RELATED) is not None


def test_not_a_pdf(sample_result, tmp_path):
    with pytest.raises(NotPdf):
        finding_images(sample_result, tmp_path)
