"""PDF ingest benchmark (not a test): pages per second over the corpus PDFs, one core.

    .venv/bin/python bench/bench_pdf.py [--repeat N] [PDF …]

For each PDF it times pypdfium2's plain ``get_text_range()`` of every page (the floor: open, text
page, text), ``load`` + ``recognise`` (ingest from geometry, then recognition) and the whole
``check_file`` (ingest, recognition and every rule), best of N runs, and the peak RSS of a fresh
process that checks only that file (its VmHWM, so it includes the interpreter and PDFium).
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import time
from pathlib import Path

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"


def plain_text(path: str) -> int:
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(path)
    n = 0
    for i in range(len(doc)):
        page = doc[i]
        tp = page.get_textpage()
        tp.get_text_range()
        tp.close()
        page.close()
        n += 1
    doc.close()
    return n


def ingest_recognise(path: str) -> None:
    from budgetlint.ingest import load
    from budgetlint.recognise import recognise

    recognise(load(path))


def whole_check(path: str) -> None:
    from budgetlint.pipeline import check_file

    check_file(path)


def best(fn, path: str, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn(path)
        times.append(time.perf_counter() - t)
    return min(times)


def peak_rss_mb(path: str) -> float:
    # VmHWM of the child's own memory: ru_maxrss of a child started from a big parent reports
    # the parent's high-water mark as well.
    code = ("import sys; from budgetlint.pipeline import check_file; check_file(sys.argv[1]); "
            "print(next(l.split()[1] for l in open('/proc/self/status') if l.startswith('VmHWM')))")
    out = subprocess.run([sys.executable, "-c", code, path], capture_output=True, text=True, check=True)
    return int(out.stdout.strip().splitlines()[-1]) / 1024


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("pdfs", nargs="*")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--no-rss", action="store_true")
    args = ap.parse_args()
    paths = [Path(p) for p in args.pdfs] or sorted(CORPUS.glob("*.pdf"))
    whole_check(str(paths[0]))  # imports, vocabularies and rule registry loaded once, outside the timings
    rows = []
    from budgetlint.ingest import IngestError, load

    for p in paths:
        try:
            load(str(p))
        except IngestError as e:
            print(f"{p.name[:44]:44s} skipped: {e}")
            continue
        pages = plain_text(str(p))
        t_plain = best(plain_text, str(p), args.repeat)
        t_ingest = best(ingest_recognise, str(p), args.repeat)
        t_check = best(whole_check, str(p), args.repeat)
        rss = None if args.no_rss else peak_rss_mb(str(p))
        rows.append((p.name, pages, t_plain, t_ingest, t_check, rss))
        print(f"{p.name[:44]:44s} {pages:4d} p  plain {pages / t_plain:7.0f} p/s  ingest+recognise "
              f"{pages / t_ingest:6.0f} p/s  check {pages / t_check:6.0f} p/s"
              + ("" if rss is None else f"  peak RSS {rss:5.0f} MB"), flush=True)
    n = sum(r[1] for r in rows)
    print(f"{'ALL':44s} {n:4d} p  plain {n / sum(r[2] for r in rows):7.0f} p/s  ingest+recognise "
          f"{n / sum(r[3] for r in rows):6.0f} p/s  check {n / sum(r[4] for r in rows):6.0f} p/s"
          + ("" if args.no_rss else f"  max peak RSS {max(r[5] for r in rows):5.0f} MB"))
    print(f"(this process: peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB)")


if __name__ == "__main__":
    main()
