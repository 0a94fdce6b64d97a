"""SARIF 2.1.0 output, validated against the official OASIS schema shipped in tests/data/."""

from __future__ import annotations

import hashlib
import json
from decimal import Decimal
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner

from budgetlint.cli import main
from budgetlint.findings import Finding, Location, Severity
from budgetlint.model import Column as Col
from budgetlint.model import Document, DocumentMeta, Provenance, Row, Table, Value
from budgetlint.pipeline import Result, check_file
from budgetlint.report.sarif import sarif_dict
from budgetlint.rules.registry import all_rules

SCHEMA_SHA256 = "c3b4bb2d6093897483348925aaa73af03b3e3f4bd4ca38cef26dcb4212a2682e"


def validate(schema: dict, log: dict) -> None:
    validator = jsonschema.Draft4Validator(schema)  # the schema is draft-04
    errors = sorted(validator.iter_errors(log), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message[:300]}" for e in errors[:5])


def test_schema_is_the_official_one(sarif_schema):
    """tests/data/README.md says where the copy comes from; it must not drift."""
    path = Path(__file__).resolve().parents[1] / "data" / "sarif-schema-2.1.0.json"
    assert hashlib.sha256(path.read_bytes()).hexdigest() == SCHEMA_SHA256
    assert sarif_schema["id"] == ("https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/"
                                  "sarif-schema-2.1.0.json")
    assert sarif_schema["properties"]["version"]["enum"] == ["2.1.0"]


def test_text_document_and_an_unreadable_one(sample_result, tmp_path, sarif_schema):
    missing = check_file(str(tmp_path / "missing.txt"))
    log = sarif_dict([sample_result, missing])
    validate(sarif_schema, log)
    assert log["version"] == "2.1.0"
    run = log["runs"][0]
    driver = run["tool"]["driver"]
    assert driver["name"] == "budgetlint"
    rules = {r["id"]: r for r in driver["rules"]}
    assert list(rules) == [r.id for r in all_rules()]
    bl101 = rules["BL101"]
    assert bl101["shortDescription"]["text"] == "行内合计与各列之和不符"
    assert "检查什么" in bl101["fullDescription"]["text"]
    assert bl101["defaultConfiguration"]["level"] == "error"
    assert bl101["helpUri"] == "docs/rules.md#bl101"
    assert rules["BL902"]["defaultConfiguration"]["level"] == "note"
    results = run["results"]
    assert len(results) == len(sample_result.findings)
    for res, f in zip(results, sample_result.findings, strict=True):
        assert res["ruleId"] == f.rule and res["message"]["text"] == f.message
        assert res["level"] == {"error": "error", "warning": "warning", "info": "note"}[f.severity.value]
        assert driver["rules"][res["ruleIndex"]]["id"] == f.rule
        phys = res["locations"][0]["physicalLocation"]
        assert phys["artifactLocation"]["uri"].endswith("shandong-department-budget-2024.txt")
        if f.location.line is not None:
            assert phys["region"]["startLine"] == f.location.line
    # a cross-reference carries its other cells
    with_related = [(res, f) for res, f in zip(results, sample_result.findings, strict=True) if f.related]
    assert with_related
    res, f = with_related[0]
    assert len(res["relatedLocations"]) == len(f.related)
    # table / row / column as a logical location
    arith = next(res for res in results if res["ruleId"] == "BL101")
    logical = arith["locations"][0]["logicalLocations"][0]
    assert logical["fullyQualifiedName"].startswith("表") and logical["kind"] == "value"
    # the unreadable file: a tool execution notification, not a result
    inv = run["invocations"][0]
    assert inv["executionSuccessful"] is False
    assert "missing.txt" in inv["toolExecutionNotifications"][0]["message"]["text"]


def test_pdf_location_has_page_and_bbox_but_no_line(sarif_schema):
    t = Table(index=2, kind="income_summary", title="收入总体情况表", columns=[Col("total", ("合计",))])
    row = Row(index=0, label="合计", values={"total": Value(Decimal("1.00"), "1.00",
                                                           Provenance(page=3, bbox=(10.0, 20.0, 30.5, 28.25)))})
    t.rows = [row]
    doc = Document(path="/data/某局 预算.pdf", meta=DocumentMeta(source_format="pdf"), tables=[t])
    f = Finding("BL101", "row-sum-mismatch", "arithmetic", Severity.ERROR, "合计不符",
                location=Location.of(t, row, "total"), expected=Decimal("2.00"), found=Decimal("1.00"))
    log = sarif_dict([Result(path=doc.path, document=doc, findings=[f])])
    validate(sarif_schema, log)
    loc = log["runs"][0]["results"][0]["locations"][0]
    phys = loc["physicalLocation"]
    assert "region" not in phys
    assert phys["properties"] == {"page": 3, "bbox": [10.0, 20.0, 30.5, 28.25]}
    assert phys["artifactLocation"]["uri"] == "file:///data/%E6%9F%90%E5%B1%80%20%E9%A2%84%E7%AE%97.pdf"
    assert loc["properties"]["table"] == 2 and loc["properties"]["column"] == "total"
    props = log["runs"][0]["results"][0]["properties"]
    assert props["expected"] == "2.00" and props["difference"] == "-1.00"


@pytest.mark.parametrize("to_file", [True, False])
def test_cli(bad_txt, tmp_path, sarif_schema, to_file):
    args = ["check", "--format", "sarif", str(bad_txt)]
    out = tmp_path / "r.sarif"
    r = CliRunner().invoke(main, args + (["-o", str(out)] if to_file else []))
    assert r.exit_code == 1, r.output
    log = json.loads(out.read_text("utf-8") if to_file else r.stdout)
    validate(sarif_schema, log)
    assert any(res["ruleId"] == "BL101" for res in log["runs"][0]["results"])
