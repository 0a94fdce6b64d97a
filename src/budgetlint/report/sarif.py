"""``check --format sarif``: SARIF 2.1.0 (OASIS) for code-scanning tools and SARIF viewers.

One run for the whole batch. ``tool.driver.rules`` lists every registered rule (id, name, Chinese
title and documentation, default level, link to docs/rules.md). Each finding is a result:
``ruleId``, ``level`` (error / warning / note), ``message.text`` (Chinese), one location whose
``artifactLocation.uri`` is the document path, with ``region.startLine`` for text sources; PDFs
have no line, so the page and bbox go in the physical location's ``properties``. Table, row and
column are a ``logicalLocation`` and ``properties`` of the location. Cells a finding rests on
(``Finding.related``) are ``relatedLocations``. Unreadable files are tool execution
notifications of the invocation (which then has ``executionSuccessful: false``); a document not checked in full
(``coverage``) is a note-level notification, and each artifact carries its coverage record.

Tests validate the output against the official schema (tests/data/sarif-schema-2.1.0.json).
"""

from __future__ import annotations

import inspect
import json
from pathlib import Path, PurePosixPath
from urllib.parse import quote

from budgetlint import __version__
from budgetlint.findings import Finding, Location, Severity
from budgetlint.pipeline import Result
from budgetlint.report.common import family_label
from budgetlint.rules.registry import Rule, all_rules

SARIF_VERSION = "2.1.0"
SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
# Rule documentation, relative to the repository root (docs/rules.md is generated from the registry).
RULES_DOC = "docs/rules.md"
LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}


def artifact_uri(path: str) -> str:
    """A URI reference for a document path: relative paths stay relative, absolute ones become file URIs."""
    p = Path(path)
    if p.is_absolute():
        return p.as_uri()
    return quote(PurePosixPath(*p.parts).as_posix(), safe="/")


def rule_descriptor(r: Rule) -> dict[str, object]:
    doc = inspect.cleandoc(r.doc) if r.doc else r.title
    return {
        "id": r.id,
        "name": r.name,
        "shortDescription": {"text": r.title},
        "fullDescription": {"text": doc},
        "help": {"text": doc, "markdown": doc},
        "helpUri": f"{RULES_DOC}#{r.id.lower()}",
        "defaultConfiguration": {"level": LEVEL[r.severity]},
        "properties": {"family": r.family, "family_label": family_label(r.family), "tags": [r.family],
                       "status": r.status, "since": r.since},
    }


def _logical(loc: Location) -> list[dict[str, object]]:
    if loc.table is None:
        return []
    parts = [f"表{loc.table}" + (f"「{loc.table_title}」" if loc.table_title else "")]
    if loc.row_label or loc.row is not None:
        parts.append(loc.row_label or f"第{loc.row + 1}行")
    if loc.column_label or loc.column:
        parts.append(loc.column_label or loc.column or "")
    kind = "value" if loc.column else ("object" if loc.row is not None else "array")
    return [{"name": parts[-1], "fullyQualifiedName": " › ".join(parts), "kind": kind}]


def sarif_location(path: str, loc: Location, index: int | None = None,
                   message: str | None = None) -> dict[str, object]:
    physical: dict[str, object] = {"artifactLocation": {"uri": artifact_uri(path), **({"index": index}
                                                                                       if index is not None else {})}}
    if loc.line is not None:
        physical["region"] = {"startLine": loc.line}
    geometry = {k: v for k, v in (("page", loc.page), ("bbox", [round(x, 2) for x in loc.bbox] if loc.bbox else None))
                if v is not None}
    if geometry:
        physical["properties"] = geometry
    out: dict[str, object] = {"physicalLocation": physical}
    logical = _logical(loc)
    if logical:
        out["logicalLocations"] = logical
    props = loc.to_dict()
    if props:
        out["properties"] = props
    if message:
        out["message"] = {"text": message}
    return out


def sarif_result(path: str, f: Finding, index: int | None, rule_index: dict[str, int]) -> dict[str, object]:
    out: dict[str, object] = {
        "ruleId": f.rule,
        "level": LEVEL[f.severity],
        "message": {"text": f.message},
        "locations": [sarif_location(path, f.location, index)],
        "partialFingerprints": {"budgetlint/v2": f.fingerprint},
    }
    if f.rule in rule_index:
        out["ruleIndex"] = rule_index[f.rule]
    if f.related:
        out["relatedLocations"] = [
            {"id": i, **sarif_location(path, rel, index, message=rel.describe() or None)}
            for i, rel in enumerate(f.related, 1)
        ]
    props = {k: v for k, v in f.to_dict().items()
             if k in ("family", "expected", "found", "difference", "tolerance", "unit", "evidence", "tags")
             and v is not None}
    props["severity"] = f.severity.value
    out["properties"] = props
    return out


def sarif_dict(results: list[Result]) -> dict[str, object]:
    rules = all_rules()
    rule_index = {r.id: i for i, r in enumerate(rules)}
    artifacts = []
    sarif_results = []
    notifications = []
    for i, r in enumerate(results):
        artifact: dict[str, object] = {"location": {"uri": artifact_uri(r.path)}}
        if r.document is not None:
            m = r.document.meta
            artifact["properties"] = {k: v for k, v in (("title", m.title), ("organisation", m.organisation),
                                                        ("year", m.year), ("kind", m.kind.value),
                                                        ("template", m.template),
                                                        ("source_format", m.source_format)) if v}
            if m.source_format == "pdf":
                artifact["mimeType"] = "application/pdf"
        if r.coverage is not None:
            artifact.setdefault("properties", {})["coverage"] = r.coverage.to_dict()
        artifacts.append(artifact)
        if r.error is not None:
            notifications.append({"level": "error", "message": {"text": f"{r.path}：无法读取：{r.error}"},
                                  "locations": [{"physicalLocation": {"artifactLocation": {
                                      "uri": artifact_uri(r.path), "index": i}}}]})
            continue
        sarif_results.extend(sarif_result(r.path, f, i, rule_index) for f in r.findings)
        if r.coverage is not None and not r.coverage.status.complete:
            # not an execution failure, but no result must read as "checked and clean"
            notifications.append({"level": "note", "message": {"text": f"{r.path}：{r.coverage.summary}；"
                                                                       + "；".join(r.coverage.not_checked)},
                                  "locations": [{"physicalLocation": {"artifactLocation": {
                                      "uri": artifact_uri(r.path), "index": i}}}]})
    run = {
        "tool": {"driver": {
            "name": "budgetlint",
            "fullName": "budgetlint 预决算公开文档检查工具",
            "version": __version__,
            "semanticVersion": __version__,
            "language": "zh-CN",
            "rules": [rule_descriptor(r) for r in rules],
        }},
        "invocations": [{"executionSuccessful": not any(n["level"] == "error" for n in notifications),
                         **({"toolExecutionNotifications": notifications} if notifications else {})}],
        "language": "zh-CN",
        "columnKind": "unicodeCodePoints",
        "artifacts": artifacts,
        "results": sarif_results,
    }
    return {"$schema": SARIF_SCHEMA, "version": SARIF_VERSION, "runs": [run]}


def render_sarif(results: list[Result]) -> str:
    return json.dumps(sarif_dict(results), ensure_ascii=False, indent=2)
