"""``check --format json``: {"version": 1, "tool": …, "documents": [{path, meta, stats, findings,
coverage, checklist}]}; ``checklist`` only for department (unit) budgets and final accounts."""

from __future__ import annotations

import json
from collections import Counter

from budgetlint import __version__
from budgetlint.checklist import build as build_checklist
from budgetlint.pipeline import Result
from budgetlint.report.serialize import meta_dict

REPORT_VERSION = 1


def stats(result: Result) -> dict[str, object]:
    doc = result.document
    out: dict[str, object] = {
        "tables": len(doc.tables) if doc else 0,
        "forms": len(doc.forms) if doc else 0,
        "findings": dict(Counter(f.severity.value for f in result.findings)),
        "by_family": dict(Counter(f.family for f in result.findings)),
        "seconds": round(result.seconds, 4),
    }
    cov = result.coverage
    if cov is not None:
        # Numeric claims in the 情况说明 bound to a table figure (checked) / found (the rest are
        # left unchecked, never guessed).
        out["claims"] = {"bound": cov.claims_bound, "total": cov.claims_total}
    return out


def report_dict(results: list[Result]) -> dict[str, object]:
    docs = []
    for r in results:
        entry: dict[str, object] = {"path": r.path}
        if r.error is not None:
            entry["error"] = r.error
            entry["meta"] = None
            entry["findings"] = []
        else:
            entry["meta"] = meta_dict(r.document.meta)
            entry["findings"] = [f.to_dict() for f in r.findings]
        entry["stats"] = stats(r)
        if r.coverage is not None:
            entry["coverage"] = r.coverage.to_dict()
        checklist = build_checklist(r.document, r.findings)
        if checklist is not None:
            # the reviewer's 公开情况检查表: one verdict per part (budgetlint.checklist)
            entry["checklist"] = checklist.to_dict()
        docs.append(entry)
    return {"version": REPORT_VERSION, "tool": {"name": "budgetlint", "version": __version__}, "documents": docs}


def render_json(results: list[Result]) -> str:
    return json.dumps(report_dict(results), ensure_ascii=False, indent=2)
