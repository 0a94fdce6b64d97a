"""Read a PDF as budgetlint does and print what was read as JSON: every line's cells and
boxes and every recognised table's kind and values. Run in a fresh process (PDFium's font
source is set once per process):

    python read_pdf_with_font.py FILE.pdf [SUBSTITUTE_FONT_FILE]

Without SUBSTITUTE_FONT_FILE the bundled box font stands in for fonts a PDF does not embed,
as in production; with one, that font does (a real Chinese font: a machine with CJK fonts).
"""

from __future__ import annotations

import json
import sys


def main() -> None:
    import pypdfium2.raw as raw

    from budgetlint.ingest import load, pdf_fonts
    from budgetlint.recognise import recognise

    if len(sys.argv) > 2:
        with open(sys.argv[2], "rb") as fh:
            pdf_fonts.install(raw, font=fh.read())
    src = load(sys.argv[1])
    lines = [
        {"page": line.provenance.page, "cells": line.cells,
         "bbox": [round(x, 1) for x in line.provenance.bbox] if line.provenance.bbox else None}
        for line in src.lines()
    ]
    doc = recognise(src)
    tables = [
        {"kind": t.kind, "page": t.provenance.page if t.provenance else None,
         "rows": [[r.label, {k: str(v.amount) for k, v in r.values.items()}] for r in t.rows]}
        for t in doc.tables
    ]
    json.dump({"lines": lines, "tables": tables, "notes": src.notes}, sys.stdout, ensure_ascii=False)


if __name__ == "__main__":
    main()
