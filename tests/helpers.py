"""Test helpers importable from any test module (tests/ is on pytest's pythonpath)."""

from __future__ import annotations

import textwrap
from pathlib import Path

from budgetlint.ingest.text import text_to_source
from budgetlint.model import Document
from budgetlint.recognise import recognise

SHARED = Path(__file__).resolve().parents[2] / "shared"
SEEDS = SHARED / "seeds"


def tsv(text: str) -> str:
    """Write test tables readably: ' | ' separates cells (becomes a tab), lines are dedented."""
    lines = textwrap.dedent(text).strip("\n").splitlines()
    return "\n".join(line.replace(" | ", "\t").replace("|", "\t") if "|" in line else line for line in lines) + "\n"


def doc_of(text: str, path: str = "test.txt") -> Document:
    return recognise(text_to_source(tsv(text), path))


# Fonts for drawing test *scans*: a scan must show real glyphs, so its PDF embeds a Chinese
# TrueType font. Text PDFs in the tests name STSong-Light without embedding it, as many real
# documents do, and the reader must not care which fonts the machine has (ingest/pdf_fonts.py);
# rendering them to an image, however, needs the glyphs. scripts/system-deps.sh installs
# Debian's fonts-wqy-microhei for this.
CJK_FONT_FILES = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
    "/usr/share/fonts/truetype/arphic/uming.ttc",
)


def cjk_font_file() -> Path | None:
    """An installed Chinese TrueType font file, or None."""
    for name in CJK_FONT_FILES:
        if Path(name).is_file():
            return Path(name)
    return None


def register_embedded_cjk_font(name: str = "ScanCJK") -> str | None:
    """Register an installed Chinese TrueType font with reportlab (embedded when drawn); its name, or None."""
    path = cjk_font_file()
    if path is None:
        return None
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    if name not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(name, str(path), subfontIndex=0))
    return name


def cross_findings(docs, selectors: list[str]) -> list:
    """Run the pair rules named by ``selectors`` over ``docs`` as one batch → (path, finding)."""
    from budgetlint.crossdoc import cross_check
    from budgetlint.pipeline import Result
    from budgetlint.rules.registry import all_rules, select

    results = [Result(path=d.path, document=d) for d in docs]
    cross_check(results, select(all_rules(), selectors, None))
    return [(r.path, f) for r in results for f in r.findings]
