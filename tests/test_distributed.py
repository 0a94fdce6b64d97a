"""check on Dask (budgetlint/distributed.py): the same results as the local run."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from budgetlint import cli
from budgetlint.pipeline import check_file

distributed = pytest.importorskip("distributed")


def _report(text: str) -> list[dict]:
    docs = json.loads(text)["documents"]
    for d in docs:
        d["stats"].pop("seconds", None)
    return docs


def test_local_cluster_gives_the_local_results(seeds, tmp_path):
    from budgetlint.distributed import check_on_dask

    files = [str(p) for p in sorted(seeds.glob("*.txt"))[:3]]
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False,
                                  dashboard_address=None) as cluster, distributed.Client(cluster) as client:
        got = check_on_dask(files, client)
    want = [check_file(p) for p in files]
    assert [r.path for r in got] == files
    assert [[f.to_dict() for f in r.findings] for r in got] == [[f.to_dict() for f in r.findings] for r in want]


def test_workers_tell_the_client_which_documents_they_take(seeds):
    """The progress bar names the documents being checked on Dask too: each task logs its start
    (``STARTED``) and the client hears of it, from its own thread, while the batch runs."""
    import threading
    import time

    from budgetlint.distributed import check_on_dask

    files = [str(p) for p in sorted(seeds.glob("*.txt"))[:3]]
    told: list[str] = []
    lock = threading.Lock()

    def started(path: str) -> None:
        with lock:
            told.append(path)

    def finished(res) -> None:
        # a document's start is heard before (or about when) its result arrives
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            with lock:
                if res.path in told:
                    return
            time.sleep(0.02)

    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False,
                                  dashboard_address=None) as cluster, distributed.Client(cluster) as client:
        check_on_dask(files, client, on_start=started, on_result=finished)
    assert sorted(told) == sorted(files)


def test_check_scheduler_local_report_is_identical(seeds, tmp_path):
    files = [str(p) for p in sorted(seeds.glob("*.txt"))[:3]]
    base = ["check", "--format", "json", "--no-cache", *files]
    local = CliRunner().invoke(cli.main, base)
    dask = CliRunner().invoke(cli.main, [*base, "-j", "2", "--scheduler", "local"])
    assert dask.exit_code == local.exit_code, dask.output
    assert _report(dask.stdout) == _report(local.stdout)


SAMPLE = Path(__file__).resolve().parents[1] / "samples" / "shandong-department-budget-2024.txt"
TIMEOUT = 4  # seconds: the sample (under a second) has room on a loaded machine, the big document none


def _big(tmp_path: Path) -> Path:
    """A document that takes ~20 s to check (the sample repeated), as in test_batch.py."""
    p = tmp_path / "big.txt"
    p.write_text(SAMPLE.read_text("utf-8") * 80, "utf-8")
    return p


def test_scheduler_local_honours_the_time_limit_as_the_local_run(tmp_path):
    # --scheduler local: real (daemonic) Dask worker processes; the document past its time and the
    # corrupted file are reported and skipped, as by the local workers, and the rest is the same
    corrupt = tmp_path / "corrupt.pdf"
    corrupt.write_bytes(b"%PDF-1.4\n not a pdf")
    base = ["check", "--format", "json", "--no-cache", "--no-cross", "--timeout", str(TIMEOUT),
            str(_big(tmp_path)), str(corrupt), str(SAMPLE)]
    local = CliRunner().invoke(cli.main, [*base, "-j", "2"])
    dask = CliRunner().invoke(cli.main, [*base, "-j", "2", "--scheduler", "local"])
    assert dask.exit_code == local.exit_code == 2, dask.output
    docs = _report(dask.stdout)
    assert docs == _report(local.stdout)
    assert "超时" in docs[0]["error"] and docs[1]["error"] and docs[2]["findings"]


def test_dask_task_past_its_memory_is_stopped(tmp_path):
    from budgetlint.distributed import check_on_dask
    from budgetlint.limits import Limits

    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=False,
                                  dashboard_address=None) as cluster, distributed.Client(cluster) as client:
        (got,) = check_on_dask([str(_big(tmp_path))], client, limits=Limits(memory_mb=64))
    assert "内存超过上限" in (got.error or "") and got.coverage.status.value == "unreadable"


def test_resident_child_is_kept_between_documents_and_replaced_after_a_stop(tmp_path):
    # one child process checks document after document (no start-up per document); a document
    # past its time kills it, and the next document gets a fresh one with the same results
    from budgetlint.batch import Resident
    from budgetlint.limits import Limits

    r = Resident()
    try:
        first = r.check(str(SAMPLE), Limits())
        pid = r.proc.pid
        second = r.check(str(SAMPLE), Limits())
        assert r.proc.pid == pid
        want = [f.to_dict() for f in check_file(str(SAMPLE)).findings]
        assert [f.to_dict() for f in first.findings] == [f.to_dict() for f in second.findings] == want
        stopped = r.check(str(_big(tmp_path)), Limits(seconds=TIMEOUT))
        assert "超时" in (stopped.error or "") and r.proc is None
        again = r.check(str(SAMPLE), Limits())
        assert r.proc.pid != pid and [f.to_dict() for f in again.findings] == want
    finally:
        r.close()


def test_default_limits_hold_on_dask(tmp_path):
    # no --timeout: the configuration's [limits] (here a short time) still stop a document on Dask
    cfg = tmp_path / "budgetlint.toml"
    cfg.write_text(f"[limits]\nseconds = {TIMEOUT}\n", "utf-8")
    out = CliRunner().invoke(cli.main, ["check", "--config", str(cfg), "--format", "json", "--no-cache", "--no-cross",
                                        "-j", "1", "--scheduler", "local", str(_big(tmp_path)), str(SAMPLE)])
    docs = _report(out.stdout)
    assert "超时" in docs[0]["error"] and docs[1]["findings"], out.output
