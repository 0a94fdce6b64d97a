"""Batch throughput benchmark (not a test): documents/hour on local worker processes and the Dask
scaling figure.

    PYTHONPATH=src .venv/bin/python bench/bench_batch.py [--docs N] [--sleep S] [--workers 1,2,4] [FILE …]

1. Local: ``check_many`` (``check -j N``) over FILE… (default: the seeds, repeated to ``--docs``
   documents) with 1 and 2 worker processes: documents/hour, worker start included.
2. Dask: a local cluster of 1, 2, 4 … single-threaded worker processes over a slowed fake set —
   ``--docs`` copies of one tiny text document, each check followed by ``--sleep`` seconds, so that
   the figure measures the scheduling, not this machine's cores (a 2-core machine can show how a
   larger cluster would scale). Prints documents/hour and the speed-up over one worker.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"

TINY = """2024年某局部门预算

支出总体情况表
单位：万元
科目编码\t科目名称\t合计\t基本支出\t项目支出
\t合计\t100.00\t60.00\t40.00
201\t一般公共服务支出\t100.00\t60.00\t40.00
"""


def per_hour(n: int, seconds: float) -> float:
    return n / seconds * 3600


def local(files: list[str], jobs: int) -> float:
    from budgetlint.batch import check_many

    start = time.perf_counter()
    results = check_many(files, jobs=jobs)
    assert len(results) == len(files)
    return per_hour(len(files), time.perf_counter() - start)


def _slow_check(path: str, sleep: float):
    """A fake slow document: the real check of a tiny document, then a pause (bench only)."""
    from budgetlint.distributed import _check

    res = _check(path, None, None, None)
    time.sleep(sleep)
    return res.error is None


def dask(files: list[str], workers: int, sleep: float) -> float:
    from distributed import Client, LocalCluster, wait

    with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
            Client(cluster) as client:
        client.submit(_slow_check, files[0], 0, pure=False).result()  # workers warm: imports done
        start = time.perf_counter()
        futures = [client.submit(_slow_check, f, sleep, pure=False) for f in files]
        wait(futures)
        assert all(f.result() for f in futures)
        return per_hour(len(files), time.perf_counter() - start)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("files", nargs="*")
    ap.add_argument("--docs", type=int, default=16)
    ap.add_argument("--sleep", type=float, default=0.5)
    ap.add_argument("--workers", default="1,2,4")
    ap.add_argument("--skip-local", action="store_true")
    args = ap.parse_args()
    files = args.files or [str(p) for p in sorted(SEEDS.glob("*.txt"))]
    batch = (files * (args.docs // len(files) + 1))[:args.docs]
    if not args.skip_local:
        print(f"local check_many, {len(batch)} documents ({len(set(batch))} distinct):")
        for jobs in (1, 2):
            print(f"  {jobs} worker(s): {local(batch, jobs):10.0f} documents/hour")
    try:
        import distributed  # noqa: F401
    except ImportError:
        print("Dask not installed (pip install 'budgetlint[dask]'): no scaling figure")
        return
    with tempfile.TemporaryDirectory() as tmp:
        tiny = [str(Path(tmp) / f"doc{i:03d}.txt") for i in range(args.docs)]
        for p in tiny:
            Path(p).write_text(TINY, "utf-8")
        print(f"Dask local cluster, {args.docs} fake documents of {args.sleep:g} s each:")
        base = None
        for n in (int(x) for x in args.workers.split(",")):
            rate = dask(tiny, n, args.sleep)
            base = base or rate / n
            print(f"  {n} worker(s): {rate:10.0f} documents/hour  (×{rate / (base or rate):.2f} of one worker,"
                  f" {rate / base / n:.0%} of linear)")


if __name__ == "__main__":
    main()
