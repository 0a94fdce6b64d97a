"""Hostile and broken inputs: exit code, message, time and peak memory of each (not a test).

Every case is generated here (no bombs are committed), then run as a user runs it, next to the
bundled sample so that the good file's result must survive:

    budgetlint check --format json CASE samples/shandong-department-budget-2024.txt

Each run is a fresh process; its peak memory comes from the kernel (a wrapper's RUSAGE_CHILDREN). Prints a
markdown table (docs/reliability.md holds the latest):

    .venv/bin/python bench/hostile.py [--only NAME] [--timeout 300]
    .venv/bin/python bench/hostile.py --complexity   # time at 1×, 2×, 4× the input: near-linear?
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "samples" / "shandong-department-budget-2024.txt"
sys.path.insert(0, str(ROOT / "tests"))

from hostile_files import blank_pdf, docx_bomb, nested_html, xlsx_bytes, xlsx_rows, zip_bomb, zip_bytes  # noqa: E402

EXE = Path(sys.executable).parent / "budgetlint"


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
    "truncated PDF": ("cut.pdf", lambda: blank_pdf(595, 842)[:200]),
    "14,400-pt blank PDF page": ("huge.pdf", lambda: blank_pdf(14400, 14400)),
    "10 blank PDF pages (OCR)": ("blank10.pdf", lambda: blank_pdf(595, 842, 10)),
    "XLSX zip bomb (40 MB member)": ("bomb.xlsx", lambda: zip_bomb(xlsx_bytes("2024年某局部门预算"), "xl/media/pad.bin", 40 * 2**20)),
    "XLSX unpacking to 400 MB": ("big.xlsx", lambda: zip_bomb(xlsx_bytes("2024年某局部门预算"), "xl/media/pad.bin", 400 * 2**20)),
    "plain ZIP of documents": ("plain.zip", lambda: zip_bytes({"报表.xlsx": xlsx_bytes("2024年某局部门预算"), "说明.pdf": blank_pdf(595, 842)})),
    "document text beginning with =": ("formula.txt", _formula_seed),
    "5 MB text (sample repeated)": ("big5.txt", lambda: SAMPLE.read_bytes() * (5 * 2**20 // SAMPLE.stat().st_size)),
    "20 MB text (sample repeated)": ("big20.txt", lambda: SAMPLE.read_bytes() * (20 * 2**20 // SAMPLE.stat().st_size)),
    "200 MB text (sample repeated)": ("big200.txt", lambda: SAMPLE.read_bytes() * (200 * 2**20 // SAMPLE.stat().st_size)),
    "DOCX bomb (250 MB of table cells)": ("bomb.docx", lambda: docx_bomb(250)),
    "XLSX of 1,000,000 rows × 8": ("rows.xlsx", lambda: xlsx_rows(1_000_000)),
    "HTML nested 50 MB deep": ("deep.html", lambda: nested_html(50)),
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


def complexity(sizes: tuple[int, ...] = (1, 2, 4), base_mb: float = 1.0) -> None:
    """Time to check the sample repeated to 1×, 2×, 4× ``base_mb``, in process: each doubling should
    about double the time (ratio ≈ 2; quadratic would be 4)."""
    sys.path.insert(0, str(ROOT / "src"))
    from budgetlint.pipeline import check_file

    unit = SAMPLE.read_bytes()
    print("| size | MB | seconds | ratio to previous |")
    print("|---|---|---|---|")
    before = None
    with tempfile.TemporaryDirectory() as tmp:
        for k in sizes:
            path = Path(tmp) / f"x{k}.txt"
            path.write_bytes(unit * max(1, int(k * base_mb * 2**20 / len(unit))))
            start = time.perf_counter()
            check_file(str(path))
            took = time.perf_counter() - start
            ratio = f"{took / before:.2f}" if before else ""
            print(f"| {k}× | {path.stat().st_size / 2**20:.1f} | {took:.1f} | {ratio} |", flush=True)
            before = took


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--only", help="run the cases whose name contains this")
    ap.add_argument("--timeout", type=float, default=300)
    ap.add_argument("--complexity", action="store_true", help="only the time at 1×, 2×, 4× the size (1 MB of text)")
    args = ap.parse_args()
    if args.complexity:
        complexity()
        return 0
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
