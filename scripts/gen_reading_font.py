"""Build src/budgetlint/ingest/fonts/reading-box.ttf, the font PDF reading substitutes for every
font a PDF names but does not embed (ingest/pdf_fonts.py says why).

Two box glyphs: a half-width one for the Latin and symbol ranges and a full-width one for
everything else in the Basic Multilingual Plane (CJK ideographs, punctuation and full-width
forms). Each glyph has ink from descent to ascent so no character comes out without extent.
A format-13 cmap (many code points to one glyph) keeps the file a few hundred bytes.

Run: .venv/bin/python scripts/gen_reading_font.py   (needs fontTools; not a runtime dependency)
"""

from __future__ import annotations

from pathlib import Path

from fontTools.fontBuilder import FontBuilder
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib.tables._c_m_a_p import CmapSubtable

OUT = Path(__file__).resolve().parents[1] / "src/budgetlint/ingest/fonts/reading-box.ttf"
UPM, ASCENT, DESCENT = 1000, 880, -120
# Half-width: ASCII, Latin-1, general punctuation's narrow marks, half-width forms.
HALF = [(0x0020, 0x02FF), (0x2000, 0x206F), (0xFF61, 0xFFDC)]


def _box(width: int):
    pen = TTGlyphPen(None)
    pen.moveTo((0, DESCENT))
    pen.lineTo((0, ASCENT))
    pen.lineTo((width, ASCENT))
    pen.lineTo((width, DESCENT))
    pen.closePath()
    return pen.glyph()


def _ranges() -> list[tuple[int, int, str]]:
    """(first, last, glyph) covering the BMP except the surrogates, with no gaps."""
    out: list[tuple[int, int, str]] = []
    start = 0x0020
    for lo, hi in HALF:
        if start < lo:
            out.append((start, lo - 1, "full"))
        out.append((lo, hi, "half"))
        start = hi + 1
    out.append((start, 0xD7FF, "full"))
    out.append((0xE000, 0xFFFD, "full"))
    return out


def build() -> bytes:
    fb = FontBuilder(UPM, isTTF=True)
    order = [".notdef", "half", "full"]
    fb.setupGlyphOrder(order)
    fb.setupCharacterMap({0x41: "half"})  # replaced below by the format-13 table
    fb.setupGlyf({".notdef": TTGlyphPen(None).glyph(), "half": _box(500), "full": _box(1000)})
    fb.setupHorizontalMetrics({".notdef": (500, 0), "half": (500, 0), "full": (1000, 0)})
    fb.setupHorizontalHeader(ascent=ASCENT, descent=DESCENT)
    fb.setupNameTable({"familyName": "BudgetlintReadingBox", "styleName": "Regular"})
    fb.setupOS2(sTypoAscender=ASCENT, sTypoDescender=DESCENT, usWinAscent=ASCENT, usWinDescent=-DESCENT,
                ulCodePageRange1=(1 << 0) | (1 << 18))  # Latin 1 and simplified Chinese (GB2312)
    fb.setupPost()
    cmap = {}
    for lo, hi, glyph in _ranges():
        for cp in range(lo, hi + 1):
            cmap[cp] = glyph
    tables = []
    for platform, encoding in ((3, 10), (0, 4)):
        sub = CmapSubtable.newSubtable(13)
        sub.platformID, sub.platEncID, sub.language = platform, encoding, 0
        sub.cmap = cmap
        tables.append(sub)
    fb.font["cmap"].tables = tables
    from io import BytesIO

    buf = BytesIO()
    fb.font.save(buf)
    return buf.getvalue()


if __name__ == "__main__":
    data = build()
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_bytes(data)
    print(f"{OUT} ({len(data)} bytes)")
