"""Ingest and check speed per format, on one core.

The Shandong sample is rendered to XLSX, XLS, DOCX, HTML (and DOC when LibreOffice is installed)
as in tests/render.py, then each file is read N times: ``load`` alone (ingest) and the whole
``check`` (ingest + recognise + rules). Prints pages/s and lines/s per format; a spreadsheet's
page is a sheet, the text sample is one page.

    .venv/bin/python bench/bench_formats.py [--repeat 5]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

import render  # noqa: E402

from budgetlint.ingest import load  # noqa: E402
from budgetlint.ingest.doc import soffice  # noqa: E402
from budgetlint.pipeline import check_file  # noqa: E402

SAMPLE = ROOT / "samples" / "shandong-department-budget-2024.txt"
CORPUS = ROOT.parent / "shared" / "corpus"


def _time(fn, repeat: int) -> float:
    runs = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - t)
    return statistics.median(runs)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})  # one core
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        text = SAMPLE.read_text(encoding="utf-8")
        files = {"text": SAMPLE}
        for fmt, fn in (("xlsx", render.to_xlsx), ("xls", render.to_xls), ("docx", render.to_docx),
                        ("html", render.to_html)):
            files[fmt] = out / f"sample.{fmt}"
            fn(text, files[fmt])
        if soffice():
            import subprocess

            subprocess.run([soffice(), "--headless", f"-env:UserInstallation=file://{out / 'lo'}", "--convert-to",
                            "doc", "--outdir", str(out), str(files["docx"])], check=True, capture_output=True)
            files["doc"] = out / "sample.doc"
        for name, path in (("xls (Putuo template)", CORPUS / "上海市普陀区2026年区级单位预算_公开模板.xls"),
                           ("html (cqjw page)", CORPUS / "cqjw-budget2017.html")):
            if path.exists():
                files[name] = path
        print(f"{'format':<22}{'pages':>6}{'lines':>7}{'KiB':>8}{'ingest s':>10}{'pages/s':>9}{'lines/s':>9}"
              f"{'check s':>9}{'pages/s':>9}")
        for name, path in files.items():
            src = load(path)
            pages, lines = len(src.pages), len(src.lines())
            repeat = 1 if name == "doc" else args.repeat
            t_ingest = _time(lambda p=path: load(p), repeat)
            t_check = _time(lambda p=path: check_file(str(p)), repeat)
            print(f"{name:<22}{pages:>6}{lines:>7}{path.stat().st_size / 1024:>8.0f}{t_ingest:>10.3f}"
                  f"{pages / t_ingest:>9.1f}{lines / t_ingest:>9.0f}{t_check:>9.3f}{pages / t_check:>9.1f}")


if __name__ == "__main__":
    main()
