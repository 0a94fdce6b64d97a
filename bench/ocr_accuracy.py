"""OCR accuracy and speed benchmark (not a test): corpus pages turned into scans and read back.

    .venv/bin/python bench/ocr_accuracy.py [-v] [--quick] [--keep DIR] [--variant DPI:DEG …]

Each page below is rasterised into an image-only PDF (``ingest.ocr.rasterise``: grey JPEG at
150 and 300 dpi, turned by 0.4° to 1° either way), read by ``budgetlint.ingest.load`` (OCR, one
thread, pinned to one core), and every amount of the page's text layer (a number with decimals
or thousands separators, in a table cell) is looked up in the OCR'd lines by position (its cell
box turned with the page). Printed per page and in total: amounts read exactly (same digits and
decimals), misread but flagged (confidence below ``rules.common.LOW_CONFIDENCE``: BL906, not
checked), misread and not flagged (would be a false finding), not found, read right but
flagged, and the OCR speed in pages per second on one core (wall and CPU time). Needs the
``ocr`` extra and ../shared/corpus.
"""

from __future__ import annotations

import argparse
import math
import os
import re
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"

# (file, 1-based page): ruled tables in 元 and 万元, from four publishers.
PAGES = [
    ("上海市普陀区司法局2026年部门预算.pdf", 11),
    ("上海市普陀区司法局2026年部门预算.pdf", 15),
    ("renwu-武汉-2026年武汉市信访局部门预算.pdf", 10),
    ("renwu-武汉-2026年武汉市信访局部门预算.pdf", 12),
    ("renwu-深圳-2026年深圳市信访局部门预算.pdf", 21),
    ("renwu-深圳-2026年深圳市信访局部门预算.pdf", 18),
    ("renwu-苏州-水务局_苏州市水务局2026年度单位预算公开.pdf", 17),
    ("renwu-苏州-水务局_苏州市水务局2026年度单位预算公开.pdf", 13),
]
VARIANTS = [(150, 1.0), (150, -0.6), (300, -1.0), (300, 0.4)]  # (dpi, degrees counter-clockwise)

_AMOUNT = re.compile(r"^-?(?:\d{1,3}(?:,\d{3})+|\d+)\.\d+$|^-?\d{1,3}(?:,\d{3})+$")


def amount(text: str) -> tuple[Decimal, int] | None:
    t = text.replace(" ", "")
    if not _AMOUNT.match(t):
        return None
    return Decimal(t.replace(",", "")), len(t.split(".", 1)[1]) if "." in t else 0


def truth(pdf: Path, number: int) -> list[tuple[str, tuple[float, float]]]:
    """The page's amounts from its text layer, with their cell centres (points, top-left)."""
    from budgetlint.ingest.pdf import read_pdf

    page = read_pdf(str(pdf)).pages[number - 1]
    out = []
    for line in page.lines:
        if len(line.cells) < 2 or not line.cell_boxes:
            continue
        for text, box in zip(line.cells, line.cell_boxes, strict=False):
            if box is not None and amount(text) is not None:
                out.append((text, ((box[0] + box[2]) / 2, (box[1] + box[3]) / 2)))
    return out


def turned(point: tuple[float, float], size: tuple[float, float], deg: float) -> tuple[float, float]:
    """Where a point of the page lands when the page is turned like Pillow's ``rotate(deg)``."""
    cx, cy = size[0] / 2, size[1] / 2
    a = math.radians(deg)
    dx, dy = point[0] - cx, point[1] - cy
    return cx + dx * math.cos(a) + dy * math.sin(a), cy - dx * math.sin(a) + dy * math.cos(a)


def lookup(lines, point: tuple[float, float]):
    """The OCR'd cell whose box holds the point (the nearest centre within 6 pt otherwise)."""
    best, dist = None, 6.0
    for line in lines:
        if len(line.cells) < 2 or not line.cell_boxes:
            continue
        for k, box in enumerate(line.cell_boxes):
            if box is None:
                continue
            if box[0] <= point[0] <= box[2] and box[1] <= point[1] <= box[3]:
                return line, k
            d = math.hypot((box[0] + box[2]) / 2 - point[0], (box[1] + box[3]) / 2 - point[1])
            if d < dist:
                best, dist = (line, k), d
    return best


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="first page of each file, 300 dpi only")
    ap.add_argument("--keep", help="write the rasterised PDFs here")
    ap.add_argument("-v", "--verbose", action="store_true", help="list every misread amount")
    ap.add_argument("--variant", action="append", metavar="DPI:DEG",
                    help="rasterise at DPI turned by DEG instead of the standard set (repeatable)")
    args = ap.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    from budgetlint.ingest import load, ocr
    from budgetlint.rules.common import LOW_CONFIDENCE

    if not ocr.available():
        sys.exit("the ocr extra is not installed: pip install -e '.[ocr]'")
    ocr.DEFAULT = ocr.OcrSettings(threads=1)
    pages = PAGES[::2] if args.quick else PAGES
    variants = VARIANTS[2:3] if args.quick else VARIANTS
    if args.variant:
        variants = [(int(v.split(":")[0]), float(v.split(":")[1])) for v in args.variant]
    out_dir = Path(args.keep or tempfile.mkdtemp(prefix="ocrbench-"))
    out_dir.mkdir(parents=True, exist_ok=True)
    ocr.engine(1)  # load the models outside the timings
    import pypdfium2 as pdfium

    totals = dict(n=0, exact=0, flagged=0, wrong=0, missing=0, false_alarm=0)
    seconds = cpu_seconds = 0.0
    npages = 0
    for name, number in pages:
        pdf = CORPUS / name
        if not pdf.is_file():
            print(f"skipped (not in the corpus): {name}")
            continue
        expected = truth(pdf, number)
        doc = pdfium.PdfDocument(str(pdf))
        size = doc[number - 1].get_size()
        doc.close()
        for dpi, deg in variants:
            scan = out_dir / f"{pdf.stem[:24]}-p{number}-{dpi}dpi-{deg:+.1f}.pdf"
            ocr.rasterise(pdf, scan, dpi=dpi, angle=deg, pages=[number])
            t, cpu = time.perf_counter(), time.process_time()
            src = load(scan)
            seconds += time.perf_counter() - t
            cpu_seconds += time.process_time() - cpu
            npages += 1
            lines = src.pages[0].lines
            c = dict(n=0, exact=0, flagged=0, wrong=0, missing=0, false_alarm=0)
            for text, centre in expected:
                c["n"] += 1
                hit = lookup(lines, turned(centre, size, deg))
                if hit is None:
                    c["missing"] += 1
                    if args.verbose:
                        print(f"    missing {text}")
                    continue
                line, k = hit
                got = line.cells[k]
                conf = line.cell_confidence[k] if line.cell_confidence else 1.0
                low = conf < LOW_CONFIDENCE
                if amount(got) == amount(text):
                    c["exact"] += 1
                    c["false_alarm"] += low
                elif low:
                    c["flagged"] += 1
                else:
                    c["wrong"] += 1
                if args.verbose and (amount(got) != amount(text) or low):
                    print(f"    {text!r:>16} read {got!r:>16} conf {conf:.2f}{'  FLAGGED' if low else ''}")
            for k in totals:
                totals[k] += c[k]
            print(f"{name[:30]:30s} p{number:<3d} {dpi} dpi {deg:+.1f}°  amounts {c['n']:4d}  exact {c['exact']:4d}  "
                  f"misread+flagged {c['flagged']:3d}  misread unflagged {c['wrong']:3d}  not found {c['missing']:3d}  "
                  f"right but flagged {c['false_alarm']:3d}", flush=True)
    n = totals["n"] or 1
    print(f"\nTOTAL {totals['n']} amounts on {npages} page images: exact {totals['exact'] / n:.2%}, "
          f"misread but flagged {totals['flagged']}, misread and not flagged {totals['wrong']}, "
          f"not found {totals['missing']}, read right but flagged {totals['false_alarm']} "
          f"(threshold {LOW_CONFIDENCE})")
    print(f"OCR speed (render + deskew + rulings + OCR + lines), one core: {npages / seconds:.3f} pages/s "
          f"({seconds / max(npages, 1):.1f} s/page wall; {cpu_seconds / max(npages, 1):.1f} CPU s/page, "
          f"{npages / cpu_seconds:.3f} pages per CPU second)")


if __name__ == "__main__":
    main()
