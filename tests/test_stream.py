"""Results on disk as each document finishes: a run killed after the first document keeps it."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from budgetlint.cli import main

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "samples" / "shandong-department-budget-2024.txt"


def _killed_after_first(tmp_path: Path, fmt: str, sig: int, ready) -> Path:
    """Run ``check`` on the sample then a long document; kill it once the sample is on disk."""
    slow = tmp_path / "slow.txt"
    slow.write_text(SAMPLE.read_text("utf-8") * 60, "utf-8")
    out = tmp_path / f"out.{fmt}"
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src") + os.pathsep + os.environ.get("PYTHONPATH", "")}
    proc = subprocess.Popen([sys.executable, "-m", "budgetlint.cli", "check", "--format", fmt, "-o", str(out),
                             str(SAMPLE), str(slow)], env=env, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 120
        while not (out.exists() and ready(out.read_text("utf-8"))):
            assert proc.poll() is None, "the run ended before it could be killed"
            assert time.monotonic() < deadline
            time.sleep(0.1)
        proc.send_signal(sig)
        proc.wait(30)
    finally:
        if proc.poll() is None:
            proc.kill()
    return out


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM], ids=["SIGKILL", "SIGTERM"])
def test_jsonl_keeps_the_finished_document_when_killed(tmp_path, sig):
    out = _killed_after_first(tmp_path, "jsonl", sig, lambda text: text.endswith("\n"))
    (first,) = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    assert first["path"] == str(SAMPLE) and "error" not in first
    assert sum(1 for f in first["findings"] if f["severity"] == "error") == 9


def test_csv_keeps_the_finished_document_when_killed(tmp_path):
    out = _killed_after_first(tmp_path, "csv", signal.SIGKILL, lambda text: str(SAMPLE) in text)
    rows = out.read_text("utf-8").lstrip("\ufeff").splitlines()
    assert rows[0].startswith("文件,规则") and sum(1 for r in rows if r.startswith(str(SAMPLE))) >= 9


def test_jsonl_to_standard_output_one_line_per_document(tmp_path):
    r = CliRunner().invoke(main, ["check", "--format", "jsonl", str(SAMPLE), str(tmp_path / "absent.pdf")])
    docs = [json.loads(line) for line in r.output.splitlines() if line.startswith("{")]
    assert [d["path"] for d in docs] == [str(SAMPLE), str(tmp_path / "absent.pdf")]
    assert docs[1]["error"] == "文件不存在" and r.exit_code == 2


def test_a_streamed_report_never_replaces_an_input(tmp_path):
    doc = tmp_path / "a.txt"
    doc.write_text(SAMPLE.read_text("utf-8"), "utf-8")
    r = CliRunner().invoke(main, ["check", "--format", "csv", "-o", str(doc), str(doc)])
    assert r.exit_code == 2 and doc.read_text("utf-8") == SAMPLE.read_text("utf-8")
