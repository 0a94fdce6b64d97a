"""Long fuzz run: every harness of tests/fuzz_harnesses.py for a while, with fresh randomness.

Prints, per harness, the executions and the crashes (an exception other than IngestError, with
the smallest input hypothesis found, shrunk). docs/reliability.md holds the latest figures.

    PYTHONPATH=src .venv/bin/python bench/fuzz.py [--seconds 30] [--only pdf]
"""

from __future__ import annotations

import argparse
import random
import sys
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from fuzz_harnesses import HARNESSES, Harness  # noqa: E402
from hypothesis import HealthCheck, given, seed, settings  # noqa: E402


def run_harness(h: Harness, seconds: float) -> tuple[int, list[str]]:
    """Executions and distinct crashes (type and innermost place) within ``seconds``."""
    count = 0
    crashes: dict[str, str] = {}
    deadline = time.monotonic() + seconds
    rounds = 0
    while time.monotonic() < deadline:
        rounds += 1

        def target(data) -> None:
            nonlocal count
            count += 1
            h.target(data)

        test = settings(max_examples=50, deadline=None, database=None, suppress_health_check=list(HealthCheck),
                        print_blob=True, report_multiple_bugs=False)(given(h.inputs())(target))
        try:
            seed(random.getrandbits(64))(test)()
        except Exception as e:  # noqa: BLE001 - a crash found: keep it, go on fuzzing
            tb = traceback.extract_tb(e.__traceback__)
            where = next((f"{Path(f.filename).name}:{f.lineno}" for f in reversed(tb) if "budgetlint" in f.filename),
                         f"{Path(tb[-1].filename).name}:{tb[-1].lineno}" if tb else "?")
            key = f"{type(e).__name__} at {where}"
            if key not in crashes:
                # the traceback's innermost frames (the input itself is in hypothesis' report above)
                crashes[key] = "".join(traceback.format_list(tb[-6:])) + f"{type(e).__name__}: {str(e)[:300]}"

    return count, [f"{k}\n{v}" for k, v in crashes.items()]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=float, default=30, help="per harness")
    ap.add_argument("--only", help="harnesses whose name contains this")
    args = ap.parse_args()
    print("| harness | seconds | executions | crashes |")
    print("|---|---|---|---|")
    found: list[str] = []
    for h in HARNESSES:
        if args.only and args.only not in h.name:
            continue
        start = time.monotonic()
        n, crashes = run_harness(h, args.seconds)
        print(f"| {h.name} | {time.monotonic() - start:.0f} | {n} | {len(crashes)} |", flush=True)
        found += [f"[{h.name}] {c}" for c in crashes]
    for c in found:
        print("\n" + c, file=sys.stderr)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
