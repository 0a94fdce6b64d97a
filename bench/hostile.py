"""Hostile and broken inputs: exit code, message, time and peak memory of each (not a test).

Every case is generated here (no bombs are committed), then run as a user runs it, next to the
bundled sample so that the good file's result must survive:

    budgetlint check --format json CASE samples/shandong-department-budget-2024.txt

Each run is a fresh process; its peak memory comes from the kernel (a wrapper's RUSAGE_CHILDREN). Prints a
markdown table (docs/reliability.md holds the latest):

    .venv/bin/python bench/hostile.py [--only NAME] [--timeout 300]
"""

from __future__ import annotations

import argparse
import io
import json
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "samples" / "shandong-department-budget-2024.txt"
EXE = ROOT / ".venv" / "bin" / "budgetlint"


def _xlsx() -> bytes:
    from openpyxl import Workbook

    buf = io.BytesIO()
    wb = Workbook()
    wb.active["A1"] = "2024年某局部门预算"
    wb.save(buf)
    return buf.getvalue()


def _bomb(base: bytes, member: str, size: int) -> bytes:
    src = zipfile.ZipFile(io.BytesIO(base))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for n in src.namelist():
            z.writestr(n, src.read(n))
        z.writestr(member, b"A" * size)
    return out.getvalue()


def _zip(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for name, data in members.items():
            z.writestr(name, data)
    return out.getvalue()


def _pdf_page(width: float, height: float, pages: int = 1) -> bytes:
    from pypdf import PdfWriter

    w = PdfWriter()
    for _ in range(pages):
        w.add_blank_page(width, height)
    buf = io.BytesIO()
    w.write(buf)
    return buf.getvalue()


def _formula_seed() -> bytes:
    text = SAMPLE.read_text("utf-8")
    return text.replace("一般公共服务支出", "=HYPERLINK(\"http://x.invalid\",\"点我\")", 1).encode("utf-8")


_MEASURE = ("import resource, subprocess, sys; r = subprocess.run(sys.argv[1:]); "
            "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr); sys.exit(r.returncode)")

CASES: dict[str, tuple[str, Callable[[], bytes]]] = {
    "empty": ("empty.txt", lambda: b""),
    "binary noise": ("noise.bin", lambda: bytes(range(256)) * 64),
    "truncated UTF-8 (one byte cut)": ("cut.txt", lambda: SAMPLE.read_bytes()[:-2]),
    "stray 0xFF byte": ("stray.txt", lambda: SAMPLE.read_bytes() + b"\xff"),
    "UTF-16 without BOM": ("u16.txt", lambda: SAMPLE.read_text("utf-8").encode("utf-16-le")),
    "truncated PDF": ("cut.pdf", lambda: _pdf_page(595, 842)[:200]),
    "14,400-pt blank PDF page": ("huge.pdf", lambda: _pdf_page(14400, 14400)),
    "10 blank PDF pages (OCR)": ("blank10.pdf", lambda: _pdf_page(595, 842, 10)),
    "XLSX zip bomb (40 MB member)": ("bomb.xlsx", lambda: _bomb(_xlsx(), "xl/media/pad.bin", 40 * 2**20)),
    "XLSX unpacking to 400 MB": ("big.xlsx", lambda: _bomb(_xlsx(), "xl/media/pad.bin", 400 * 2**20)),
    "plain ZIP of documents": ("plain.zip", lambda: _zip({"报表.xlsx": _xlsx(), "说明.pdf": _pdf_page(595, 842)})),
    "document text beginning with =": ("formula.txt", _formula_seed),
    "5 MB text (sample repeated)": ("big5.txt", lambda: SAMPLE.read_bytes() * (5 * 2**20 // SAMPLE.stat().st_size)),
    "20 MB text (sample repeated)": ("big20.txt", lambda: SAMPLE.read_bytes() * (20 * 2**20 // SAMPLE.stat().st_size)),
}


def run_case(name: str, filename: str, make: Callable[[], bytes], folder: Path, timeout: float) -> dict[str, object]:
    path = folder / filename
    path.write_bytes(make())
    cmd = [str(EXE), "check", "--format", "json", str(path), str(SAMPLE)]
    # a fresh wrapper per case, so that its children's peak memory is this case's alone
    wrapper = [sys.executable, "-c", _MEASURE, *cmd]
    start = time.perf_counter()
    try:
        done = subprocess.run(wrapper, capture_output=True, timeout=timeout)
        rc, out, err = done.returncode, done.stdout, done.stderr.decode("utf-8", "replace")
    except subprocess.TimeoutExpired as e:
        rc, out, err = "killed", e.stdout or b"", ""
    seconds = time.perf_counter() - start
    lines = err.strip().splitlines()
    peak_mb = int(lines[-1]) / 1024 if lines and lines[-1].isdigit() else float("nan")
    message, good = "", False
    try:
        docs = json.loads(out.decode("utf-8"))["documents"]
        message = docs[0].get("error") or (docs[0].get("coverage") or {}).get("label", "")
        good = docs[1].get("error") is None and bool(docs[1]["findings"])
    except (ValueError, KeyError, IndexError):
        message = lines[-2] if len(lines) > 1 else ""
    return {"case": name, "rc": rc, "seconds": round(seconds, 1), "peak_mb": peak_mb if peak_mb != peak_mb else round(peak_mb),
            "message": str(message)[:90], "good_file_reported": good}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--only", help="run the cases whose name contains this")
    ap.add_argument("--timeout", type=float, default=300)
    args = ap.parse_args()
    print("| case | exit | seconds | peak MB | message | good file reported |")
    print("|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        for name, (filename, make) in CASES.items():
            if args.only and args.only not in name:
                continue
            r = run_case(name, filename, make, Path(tmp), args.timeout)
            print(f"| {r['case']} | {r['rc']} | {r['seconds']} | {r['peak_mb']} | {r['message']} | "
                  f"{'yes' if r['good_file_reported'] else 'NO'} |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
