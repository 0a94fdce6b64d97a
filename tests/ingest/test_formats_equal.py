"""One document in every format gives the same model and the same findings.

The Shandong sample (converter text) is rendered to XLSX, XLS, DOCX, DOC and HTML the way a
bureau publishes them (tests/render.py: real tables, merged header cells, amounts stored as
numbers with a number format and some as text, one sheet or page per table); ``budgetlint
extract`` must give the same tables (kinds, row labels, codes, amounts) and performance forms,
and ``budgetlint check`` the same rule ids on the same rows, as the text.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
import render
from click.testing import CliRunner

from budgetlint.cli import main
from budgetlint.ingest.doc import soffice

SAMPLE = Path(__file__).resolve().parents[2] / "samples" / "shandong-department-budget-2024.txt"
# Ingest notes about the format itself (a DOC converted, attachments listed) are not about the document.
FORMAT_NOTES = {"BL905"}
# BL605 orders headings and tables by line number alone, and a workbook numbers its rows per sheet.
PER_SHEET_LINES = {"BL605"}


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    out = tmp_path_factory.mktemp("formats")
    text = SAMPLE.read_text(encoding="utf-8")
    files = {"text": out / "budget.txt"}
    shutil.copy(SAMPLE, files["text"])
    for fmt, fn in (("xlsx", render.to_xlsx), ("xls", render.to_xls), ("docx", render.to_docx),
                    ("html", render.to_html)):
        files[fmt] = out / f"budget.{fmt}"
        fn(text, files[fmt])
    exe = soffice()
    if exe:
        subprocess.run([exe, "--headless", f"-env:UserInstallation=file://{out / 'profile'}", "--convert-to", "doc",
                        "--outdir", str(out / "doc"), str(files["docx"])], check=True, capture_output=True, timeout=300)
        files["doc"] = out / "doc" / "budget.doc"
    return files


def _extract(path: Path) -> dict:
    res = CliRunner().invoke(main, ["extract", str(path)])
    assert res.exit_code == 0, res.output
    return json.loads(res.output)


def _tables(data: dict) -> list:
    return [
        (t["kind"], t["unit"], [
            (r["label"], r["kind"], sorted(json.dumps(c, sort_keys=True) for c in r["codes"]),
             sorted((k, v["amount"], v["blank"]) for k, v in r["values"].items()))
            for r in t["rows"]
        ])
        for t in data["tables"]
    ]


def _forms(data: dict) -> list:
    return [(f["project"], f["total"], f["fiscal"], [(i["name"], i["value"]) for i in f["indicators"]])
            for f in data["performance_forms"]]


def _findings(path: Path, skip: set[str]) -> list:
    res = CliRunner().invoke(main, ["check", "--format", "json", str(path)])
    assert res.exit_code in (0, 1), res.output
    doc = json.loads(res.output)["documents"][0]
    assert not doc.get("error"), doc.get("error")
    return sorted(
        (f["rule"], f["location"].get("table"), f["location"].get("row"), f["location"].get("column"),
         f["expected"], f["found"])
        for f in doc["findings"] if f["rule"] not in skip
    )


FORMATS = ["xlsx", "xls", "docx", "html",
           pytest.param("doc", marks=pytest.mark.skipif(soffice() is None and not os.environ.get("CI"),
                                                        reason="LibreOffice not installed here; CI installs it"))]


@pytest.mark.parametrize("fmt", FORMATS)
def test_same_model_in_every_format(rendered, fmt):
    assert fmt in rendered, "CI must install LibreOffice for the DOC rendering"
    text, other = _extract(rendered["text"]), _extract(rendered[fmt])
    assert other["meta"]["source_format"] == fmt
    assert len(text["tables"]) == 12
    assert _tables(other) == _tables(text)
    assert _forms(other) == _forms(text)
    assert other["meta"]["year"] == text["meta"]["year"] and other["meta"]["kind"] == text["meta"]["kind"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_same_findings_in_every_format(rendered, fmt):
    assert fmt in rendered, "CI must install LibreOffice for the DOC rendering"
    skip = FORMAT_NOTES | (PER_SHEET_LINES if fmt in ("xlsx", "xls") else set())
    expected = _findings(rendered["text"], skip)
    assert expected, "the sample has known errors"
    assert _findings(rendered[fmt], skip) == expected


def test_sheet_headings_over_sheets(rendered):
    # Sheets number their rows from 1: rules must order by (page, line), not by line alone.
    assert _findings(rendered["xlsx"], FORMAT_NOTES) == _findings(rendered["text"], FORMAT_NOTES)


def test_format_notes(rendered):
    notes = _extract(rendered["html"])["notes"]
    assert any("budget-tables.xls" in n for n in notes)
