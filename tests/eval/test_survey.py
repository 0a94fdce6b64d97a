"""budgetlint-survey: one line per document as it finishes, unreadable files included, a summary."""

from __future__ import annotations

import json
from pathlib import Path

from budgetlint.eval.survey import main

SAMPLE = Path(__file__).resolve().parents[2] / "samples" / "shandong-department-budget-2024.txt"


def test_survey_reports_each_document_and_a_summary(tmp_path, capsys):
    (tmp_path / "empty.pdf").write_bytes(b"")
    (tmp_path / "sample.txt").write_bytes(SAMPLE.read_bytes())
    out = tmp_path / "survey.jsonl"
    assert main([str(tmp_path), "-o", str(out), "-j", "1"]) == 0
    lines = [json.loads(x) for x in out.read_text("utf-8").splitlines()]
    docs = {Path(e["path"]).name: e for e in lines if "path" in e}
    assert set(docs) == {"empty.pdf", "sample.txt"}
    assert "error" in docs["empty.pdf"]
    sample = docs["sample.txt"]
    assert sample["tables"]["expenditure_summary"] == 1
    assert sample["claims"]["total"] >= sample["claims"]["bound"] > 0
    # The sample carries planted errors: each error-level finding is listed in full.
    assert sample["findings"]["error"] == len(sample["errors"]) > 0
    summary = lines[-1]["summary"]
    assert summary["documents"] == 2 and summary["unreadable"] == 1 and summary["readable"] == 1
    assert summary["error_findings"] == len(sample["errors"])
    assert "errors_per_readable_document" in capsys.readouterr().out
