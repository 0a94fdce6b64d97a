"""Profile the whole check (not a test): where the time of ``check_file`` goes, after a warm-up.

    PYTHONPATH=src .venv/bin/python bench/profile_check.py [--top N] [-o FILE.prof] PDF …

Prints the top entries by own time (tottime) and by cumulative time, budgetlint's modules only
for the latter; ``-o`` keeps the profile for ``python -m pstats``. With no PDF: the text-layer
corpus PDFs (``../shared/corpus``) whose every page has a text layer.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
from pathlib import Path

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"


def text_only(path: Path) -> bool:
    """Every page has a text layer (no page the check would send to OCR)."""
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(str(path))
    try:
        for i in range(len(doc)):
            page = doc[i]
            tp = page.get_textpage()
            empty = not tp.get_text_range().strip()
            tp.close()
            page.close()
            if empty:
                return False
        return True
    finally:
        doc.close()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("pdfs", nargs="*")
    ap.add_argument("--top", type=int, default=25)
    ap.add_argument("-o", "--output", default=None)
    args = ap.parse_args()
    from budgetlint.pipeline import check_file

    paths = [str(p) for p in args.pdfs] or [str(p) for p in sorted(CORPUS.glob("*.pdf")) if text_only(p)]
    check_file(paths[0])  # imports, vocabularies and the rule registry, outside the profile
    prof = cProfile.Profile()
    prof.enable()
    for p in paths:
        check_file(p)
    prof.disable()
    if args.output:
        prof.dump_stats(args.output)
    stats = pstats.Stats(prof)
    print(f"{len(paths)} files, {stats.total_tt:.2f} s profiled")
    stats.sort_stats("tottime").print_stats(args.top)
    stats.sort_stats("cumtime").print_stats("budgetlint", args.top)


if __name__ == "__main__":
    main()
