"""check -j N: worker processes, limits per document, results identical to a one-process run."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from budgetlint.batch import Limits, check_many
from budgetlint.cli import main
from budgetlint.pipeline import check_file

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "samples" / "shandong-department-budget-2024.txt"
TIMEOUT = 6  # seconds per document in the time-limit tests


def _big(tmp_path: Path, times: int = 80) -> Path:
    """A document that takes many seconds to check (the sample repeated: ~20 s on one free core)."""
    p = tmp_path / "big.txt"
    p.write_text(SAMPLE.read_text("utf-8") * times, "utf-8")
    return p


def _key(r):
    return (r.error, [(f.rule, f.message) for f in r.findings])


def test_workers_give_the_same_results_in_order(tmp_path):
    missing = str(tmp_path / "absent.pdf")
    paths = [str(SAMPLE), missing, str(SAMPLE)]
    got = check_many(paths, jobs=2)
    assert [r.path for r in got] == paths
    assert [_key(r) for r in got] == [_key(check_file(p)) for p in paths]


def test_a_document_past_its_time_is_stopped_and_the_others_kept(tmp_path):
    # The limit leaves the sample (under a second) room on a loaded machine, and the big one none.
    got = check_many([str(_big(tmp_path)), str(SAMPLE)], jobs=2, limits=Limits(seconds=TIMEOUT))
    assert "超时" in (got[0].error or "") and got[0].coverage.status.value == "unreadable"
    assert got[1].error is None and got[1].findings


def test_a_document_past_its_memory_is_stopped(tmp_path):
    (got,) = check_many([str(_big(tmp_path))], jobs=1, limits=Limits(memory_mb=64))
    assert "内存" in (got.error or "")


def test_cli_jobs_and_timeout(tmp_path):
    r = CliRunner().invoke(main, ["check", "-q", "-j", "2", "--timeout", str(TIMEOUT), str(_big(tmp_path)), str(SAMPLE)])
    assert r.exit_code == 2 and "超时" in r.output and "9 个错误" in r.output


def test_progress_names_the_documents_being_checked(tmp_path):
    # check_many says which document each worker takes; the bar names those not yet finished
    from rich.console import Console

    from budgetlint.cli import _progress
    from budgetlint.pipeline import Result

    a, b = tmp_path / "甲局预算.txt", tmp_path / "乙局预算.txt"
    for p in (a, b):
        p.write_text(SAMPLE.read_text("utf-8"), "utf-8")
    taken: list[str] = []
    results = check_many([str(a), str(b)], jobs=2, on_start=taken.append)
    assert sorted(taken) == sorted([str(a), str(b)]) and all(r.error is None for r in results)

    console = Console(record=True, force_terminal=True, width=120)
    kept: list[Result] = []
    with _progress(console, 2, kept.append) as (started, finished):
        started(str(a))
        started(str(b))
        finished(Result(path=str(a)))
    shown = console.export_text()
    assert "1/2" in shown and "乙局预算.txt" in shown.splitlines()[-1] and "甲局预算.txt" not in shown.splitlines()[-1]
    assert [r.path for r in kept] == [str(a)]
