"""A PDF reads the same whatever fonts the machine has (ingest/pdf_fonts.py).

Fonts a PDF names but does not embed are substituted. Each read runs in a fresh process (PDFium
takes its font source once per process) through ``read_pdf_with_font.py``:
- the bundled box font, as budgetlint reads in production;
- a real Chinese font installed on this machine: what a machine with CJK fonts would give;
- a Latin-only font (reportlab's Vera): what a fresh machine without CJK fonts would give to a
  reader that asked the machine, which loses single Chinese characters.
The drawn PDFs use reportlab's STSong-Light, never embedded; the real ones are every PDF in
../shared/corpus and ../shared/wild that names a font it does not embed (one per set of names).
"""

from __future__ import annotations

import json
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from helpers import SHARED, cjk_font_file

pytest.importorskip("reportlab")
from pypdf import PdfReader, PdfWriter  # noqa: E402

HERE = Path(__file__).parent
BBOX_TOLERANCE = 2.0  # points: the loose glyph box's top follows the substitute's ascent
PAGES = 8  # pages of each real document compared (enough to hold narrative and tables)


def read(pdf: Path, font: Path | None = None) -> dict:
    cmd = [sys.executable, str(HERE / "read_pdf_with_font.py"), str(pdf)] + ([str(font)] if font else [])
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    return json.loads(out.stdout)


def assert_same_reading(a: dict, b: dict, name: str) -> None:
    assert [ln["cells"] for ln in a["lines"]] == [ln["cells"] for ln in b["lines"]], name
    assert a["tables"] == b["tables"], name
    for la, lb in zip(a["lines"], b["lines"], strict=True):
        if la["bbox"] and lb["bbox"]:
            assert max(abs(p - q) for p, q in zip(la["bbox"], lb["bbox"], strict=True)) <= BBOX_TOLERANCE, (name, la, lb)


def vera() -> Path:
    import reportlab

    return Path(reportlab.__file__).parent / "fonts" / "Vera.ttf"


@pytest.fixture(scope="module")
def drawn(tmp_path_factory) -> list[Path]:
    """The ingest tests' own PDFs: a ruled table with one-character header cells, a sideways one."""
    from ingest.test_pdf import draw_expenditure_table, new_canvas, text

    d = tmp_path_factory.mktemp("fonts")
    plain = d / "table.pdf"
    c = new_canvas(plain)
    draw_expenditure_table(c)
    text(c, 60, 400, "一、收支预算总体情况：2024年收入预算150.00万元。")
    text(c, 60, 420, "类")
    c.showPage()
    c.save()
    return [plain]


def test_a_latin_only_machine_would_lose_single_characters(drawn):
    """The failure this guards against is real: with a substitute without Chinese glyphs PDFium
    drops every one-character text object (the header cells 类 款 项)."""
    latin = read(drawn[0], vera())
    cells = [c for ln in latin["lines"] for c in ln["cells"]]
    assert "类" not in cells and "款" not in cells
    ours = read(drawn[0])
    rows = [ln["cells"] for ln in ours["lines"]]
    assert ["类", "款", "项", "", "", "", ""] in rows
    assert ["类"] in rows


def test_drawn_pdfs_read_the_same_with_a_chinese_font(drawn):
    font = cjk_font_file()
    if font is None:
        pytest.skip("no Chinese font installed to compare with (scripts/system-deps.sh installs one)")
    for pdf in drawn:
        assert_same_reading(read(pdf), read(pdf, font), pdf.name)


def _fonts_not_embedded(path: Path) -> frozenset[str]:
    names = set()
    try:
        reader = PdfReader(str(path))
        for page in reader.pages[:PAGES]:
            res = page.get("/Resources")
            fonts = res.get_object().get("/Font") if res else None
            for f in (fonts.get_object().values() if fonts else ()):
                f = f.get_object()
                desc = f.get("/FontDescriptor")
                if f.get("/Subtype") == "/Type0":
                    desc = f["/DescendantFonts"][0].get_object().get("/FontDescriptor")
                if f.get("/Subtype") == "/Type3":
                    continue
                desc = desc.get_object() if desc is not None else {}
                if not any(k in desc for k in ("/FontFile", "/FontFile2", "/FontFile3")):
                    names.add(str(f.get("/BaseFont")))
    except Exception:  # an unreadable file is the bad-input tests' business
        return frozenset()
    return frozenset(names)


def real_pdfs_with_fonts_not_embedded() -> list[Path]:
    seen: dict[frozenset[str], Path] = {}
    for folder in ("corpus", "wild"):
        for path in sorted((SHARED / folder).glob("*.pdf")):
            names = _fonts_not_embedded(path)
            if names and names not in seen:
                seen[names] = path
    return list(seen.values())


def test_real_documents_read_the_same_with_a_chinese_font(tmp_path):
    font = cjk_font_file()
    if font is None:
        pytest.skip("no Chinese font installed to compare with (scripts/system-deps.sh installs one)")
    docs = real_pdfs_with_fonts_not_embedded()
    if not docs:
        pytest.skip("../shared has no PDF with fonts that are not embedded")
    parts = []
    for i, path in enumerate(docs):
        reader, writer = PdfReader(str(path)), PdfWriter()
        for page in reader.pages[:PAGES]:
            writer.add_page(page)
        part = tmp_path / f"{i}.pdf"
        with part.open("wb") as fh:
            writer.write(fh)
        parts.append((path, part))

    def both(item):
        path, part = item
        return path, read(part), read(part, font)

    with ThreadPoolExecutor(2) as pool:
        for path, ours, theirs in pool.map(both, parts):
            assert ours["lines"], path.name
            assert_same_reading(ours, theirs, path.name)
