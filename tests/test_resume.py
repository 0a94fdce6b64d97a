"""Resumable batches (budgetlint/resume.py): unchanged documents are not checked again, and a
batch killed after its first document finishes only what was left, with the same report."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from budgetlint import cli
from budgetlint.pipeline import check_file
from budgetlint.resume import Cache

SRC = Path(__file__).resolve().parents[1] / "src"


def _report(text: str) -> list[dict]:
    """The JSON report's documents without the time each took."""
    docs = json.loads(text)["documents"]
    for d in docs:
        d["stats"].pop("seconds", None)
    return docs


def _seed_files(seeds: Path, n: int) -> list[str]:
    return [str(p) for p in sorted(seeds.glob("*.txt"))[:n]]


def test_second_run_skips_unchanged_documents(seeds, tmp_path, monkeypatch):
    files = _seed_files(seeds, 2)
    cache = tmp_path / "cache"
    calls: list[str] = []
    real = cli.check_file

    def counting(path, *a, **k):
        calls.append(path)
        return real(path, *a, **k)

    monkeypatch.setattr(cli, "check_file", counting)
    args = ["check", "--format", "json", "--cache", str(cache), "--no-cross", *files]
    first = CliRunner().invoke(cli.main, args)
    assert len(calls) == 2
    second = CliRunner().invoke(cli.main, args)
    assert len(calls) == 2  # nothing checked again
    assert _report(first.stdout) == _report(second.stdout)
    # other rules selected: a different result, checked again
    CliRunner().invoke(cli.main, [*args, "--select", "BL1"])
    assert len(calls) == 4
    CliRunner().invoke(cli.main, [*args, "--no-cache"])
    assert len(calls) == 6


def test_changed_bytes_are_checked_again(seeds, tmp_path):
    src = _seed_files(seeds, 1)[0]
    doc = tmp_path / "doc.txt"
    doc.write_bytes(Path(src).read_bytes())
    cache = Cache(tmp_path / "c", ["BL101"])
    res = check_file(str(doc))
    cache.store(res)
    assert cache.load(str(doc)) is not None
    doc.write_bytes(Path(src).read_bytes() + b"\n")
    assert cache.load(str(doc)) is None
    assert Cache(tmp_path / "c", ["BL102"]).load(str(doc)) is None


def test_unreadable_results_are_not_kept(tmp_path):
    bad = tmp_path / "empty.txt"
    bad.write_bytes(b"")
    cache = Cache(tmp_path / "c", [])
    cache.store(check_file(str(bad)))
    assert cache.load(str(bad)) is None


def _run(files: list[str], cache: Path, *extra: str) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(SRC), "BUDGETLINT_CACHE": str(cache)}
    code = "from budgetlint.cli import main; main()"
    return subprocess.Popen([sys.executable, "-c", code, "check", "--format", "json", "--no-cross", *extra, *files],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_killed_batch_finishes_only_what_was_left(seeds, tmp_path):
    files = _seed_files(seeds, 3)
    cache = tmp_path / "cache"
    proc = _run(files, cache)
    deadline = time.monotonic() + 120
    while not list(cache.rglob("*.pickle")) and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    proc.kill()
    proc.communicate()
    stored = len(list(cache.rglob("*.pickle")))
    if stored == len(files):
        pytest.skip("the batch finished before it could be killed")
    assert stored >= 1
    out, err = _run(files, cache).communicate(timeout=300)
    assert f"{stored}个文件自上次检查后未变" in "".join(err.split())
    fresh, _ = _run(files, tmp_path / "other").communicate(timeout=300)
    assert _report(out) == _report(fresh)


def test_a_pipe_is_never_read_for_its_hash(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    assert Cache(tmp_path / "c", []).load(str(fifo)) is None  # returns at once, not blocked on the pipe
