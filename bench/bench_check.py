"""Throughput benchmark (not a test): the whole check against PDFium's plain text read, one run.

    PYTHONPATH=src .venv/bin/python bench/bench_check.py [--repeat N] [--copies N] [--jobs N] [PDF …]

For the corpus PDFs (``../shared/corpus/*.pdf`` by default), measured in one process on one core
after a warm-up (imports, vocabularies and the rule registry loaded once, outside the timings):

* ``pdfium``  pypdfium2's plain ``get_text_range()`` of every page (open, text page, text): the floor;
* ``ingest``  ``ingest.load`` alone (page geometry → lines of cells);
* ``check``   the whole ``pipeline.check_file`` (ingest, recognition, every rule, coverage);
* ``ratio``   check time ÷ pdfium time (the goal: within 3×, i.e. ≥ 300 pages/s for the check);
* ``peak``    the peak RSS of a fresh process that checks only that file (VmHWM: interpreter,
  PDFium and the document included; the goal: ≤ 150 MB per worker without OCR).

Then a batch: ``--copies`` copies of the file set through ``batch.check_many`` with ``--jobs``
worker processes (spawned, as ``check -j`` runs them) → documents/hour and pages/s, worker start
included. The figures are ratios of one run: other load on the machine moves both sides.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"


def plain_text(path: str) -> tuple[int, int]:
    """PDFium's plain text read of every page; returns the page count and how many pages have
    no text (scans, charts: what the check may send to OCR)."""
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(path)
    n = len(doc)
    empty = 0
    for i in range(n):
        page = doc[i]
        tp = page.get_textpage()
        empty += not tp.get_text_range().strip()
        tp.close()
        page.close()
    doc.close()
    return n, empty


def ingest(path: str) -> None:
    from budgetlint.ingest import load

    load(path)


def whole_check(path: str) -> None:
    from budgetlint.pipeline import check_file

    r = check_file(path)
    if r.error:
        raise RuntimeError(f"{path}: {r.error}")


def best(fn, path: str, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn(path)
        times.append(time.perf_counter() - t)
    return min(times)


def peak_rss_mb(path: str) -> float:
    """VmHWM of a fresh process checking ``path`` (ru_maxrss of a child reports the parent's
    high-water mark as well, when it was forked from a big parent)."""
    code = ("import sys; from budgetlint.pipeline import check_file; check_file(sys.argv[1]); "
            "print(next(l.split()[1] for l in open('/proc/self/status') if l.startswith('VmHWM')))")
    out = subprocess.run([sys.executable, "-c", code, path], capture_output=True, text=True, check=True)
    return int(out.stdout.strip().splitlines()[-1]) / 1024


def batch(paths: list[str], copies: int, jobs: int) -> tuple[int, float]:
    """``copies`` × ``paths`` through ``check_many``: (documents, seconds)."""
    from budgetlint.batch import check_many

    items = [p for _ in range(copies) for p in paths]
    t = time.perf_counter()
    results = check_many(items, jobs=jobs)
    elapsed = time.perf_counter() - t
    bad = [r.path for r in results if r.error]
    if bad:
        print(f"batch: {len(bad)} documents failed: {bad[:3]}")
    return len(items), elapsed


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("pdfs", nargs="*")
    ap.add_argument("--repeat", type=int, default=3, help="best of N runs per file (default 3)")
    ap.add_argument("--copies", type=int, default=2, help="copies of the file set in the batch (0: no batch)")
    ap.add_argument("--jobs", type=int, default=2, help="batch worker processes (default 2)")
    ap.add_argument("--no-rss", action="store_true", help="skip the per-file peak RSS processes")
    ap.add_argument("--batch-runs", type=int, default=1,
                    help="run the batch N times and print the median too (this machine's speed drifts)")
    ap.add_argument("--batch-only", action="store_true", help="skip the per-file table, run only the batch")
    args = ap.parse_args()
    paths = [str(p) for p in (args.pdfs or sorted(CORPUS.glob("*.pdf")))]
    whole_check(paths[0])  # warm-up: imports, vocabularies, rule registry
    rows = []
    from budgetlint.ingest.pdf import compiled_loops

    print("PDFium reads: " + ("C loops (budgetlint.ingest._pdfium_loops)" if compiled_loops()
                              else "ctypes (the C loops are not built, or BUDGETLINT_NO_C_LOOPS is set: slower)"))
    print(f"{'file':40s} {'pages':>5s} {'pdfium':>8s} {'ingest':>8s} {'check':>8s} {'ratio':>6s} {'peak':>7s}")
    print(f"{'':40s} {'':>5s} {'p/s':>8s} {'p/s':>8s} {'p/s':>8s} {'×':>6s} {'MB':>7s}")
    for p in paths:
        pages, empty = plain_text(p)
        if args.batch_only:
            rows.append((Path(p).name, pages, 0.0, 0.0, 0.0, None, empty))
            continue
        t_plain = best(plain_text, p, args.repeat)
        t_ingest = best(ingest, p, args.repeat)
        t_check = best(whole_check, p, args.repeat)
        rss = None if args.no_rss else peak_rss_mb(p)
        rows.append((Path(p).name, pages, t_plain, t_ingest, t_check, rss, empty))
        name = ("*" if empty else "") + Path(p).name
        print(f"{name[:40]:40s} {pages:5d} {pages / t_plain:8.0f} {pages / t_ingest:8.0f} "
              f"{pages / t_check:8.0f} {t_check / t_plain:6.1f} " + ("      -" if rss is None else f"{rss:7.0f}"),
              flush=True)
    for label, group in (("ALL", rows), ("ALL text-layer (no * file)", [r for r in rows if not r[6]])):
        if not group or args.batch_only:
            continue
        n = sum(r[1] for r in group)
        tp, ti, tc = (sum(r[k] for r in group) for k in (2, 3, 4))
        peak = "      -" if args.no_rss else f"{max(r[5] for r in group):7.0f}"
        print(f"{label:40s} {n:5d} {n / tp:8.0f} {n / ti:8.0f} {n / tc:8.0f} {tc / tp:6.1f} {peak}")
    print("* the file has pages without text (scans or charts): OCR may run on them")
    n = sum(r[1] for r in rows)
    if args.copies > 0:
        per_hour = []
        for _ in range(max(1, args.batch_runs)):
            docs, secs = batch(paths, args.copies, args.jobs)
            per_hour.append(n * args.copies / secs / 30 * 3600)
            print(f"batch: {docs} documents ({n * args.copies} pages) on {args.jobs} workers in {secs:.1f} s: "
                  f"{docs / secs * 3600:,.0f} documents/hour, {n * args.copies / secs:.0f} pages/s "
                  f"(≈ {per_hour[-1]:,.0f} 30-page documents/hour)", flush=True)
        if len(per_hour) > 1:
            print(f"batch, {len(per_hour)} runs: median ≈ {statistics.median(per_hour):,.0f} 30-page documents/hour "
                  f"(range {min(per_hour):,.0f}–{max(per_hour):,.0f})")


if __name__ == "__main__":
    main()
