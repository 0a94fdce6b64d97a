"""Survey a folder of documents nobody labelled: how the reader generalises.

    budgetlint-survey ../shared/wild ../shared/corpus -o survey.jsonl [-j 2]

Per document: what it is (kind, template, organisation, year), what was read (pages, tables by
kind, unknown tables, forms, key figures found, narrative claims bound / found), what was found
(findings by severity and by rule, the error-level ones in full) and *suspicious* flags — the
signs of a reading error rather than a document error: one rule firing on most rows of a table,
many error-level findings in one document, every figure of a table off. Then a summary across
documents: readable, with tables, error-level findings per readable document, documents with
more than 3, median warnings, rules by count. One JSON line per document is written as each
finishes, so a long run can be read while it goes; a file that cannot be read is a line too.

Nothing here judges a finding real or false: that is a person's job, against the rendered page
(docs/reviews/ holds those verdicts).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from collections import Counter, defaultdict
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path

SUFFIXES = {".pdf", ".xls", ".xlsx", ".doc", ".docx", ".html", ".htm", ".txt"}
MANY_ERRORS = 3  # more error-level findings than this in one document is suspicious
MOST_ROWS = 0.5  # a rule firing on this share of a table's rows (at least 4) is suspicious


def documents(paths: list[str]) -> list[Path]:
    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            out.extend(sorted(q for q in p.rglob("*") if q.is_file() and q.suffix.lower() in SUFFIXES))
        elif p.is_file():
            out.append(p)
    return out


def survey_one(path: str) -> dict[str, object]:
    """Check one document and describe what was read and found (runs in a worker process)."""
    from budgetlint.pipeline import check_file
    from budgetlint.recognise.figures import key_figures

    start = time.perf_counter()
    result = check_file(path)
    entry: dict[str, object] = {"path": path, "seconds": 0.0}
    doc = result.document
    if result.coverage is not None:
        entry["status"] = result.coverage.status.value
    if doc is None:
        entry["error"] = result.error
        entry["seconds"] = round(time.perf_counter() - start, 2)
        return entry
    meta = doc.meta
    pages = {t.provenance.page for t in doc.tables if t.provenance and t.provenance.page}
    entry.update(
        kind=str(meta.kind),
        template=meta.template,
        organisation=meta.organisation,
        year=meta.year,
        table_pages=len(pages),
        tables=dict(Counter(t.kind for t in doc.tables)),
        forms=len(doc.forms),
        narrative_paragraphs=sum(len(s.paragraphs) for s in doc.sections),
    )
    figs = key_figures(doc)
    entry["key_figures"] = {"found": sum(v is not None for v in figs.values()), "of": len(figs)}
    cov = result.coverage
    entry["claims"] = {"bound": cov.claims_bound, "total": cov.claims_total} if cov else {"bound": 0, "total": 0}
    findings = result.findings
    entry["findings"] = dict(Counter(f.severity.value for f in findings))
    entry["by_rule"] = dict(Counter(f"{f.rule}:{f.severity.value}" for f in findings))
    entry["errors"] = [
        {"rule": f.rule, "page": f.location.page, "table": f.location.table_title, "row": f.location.row_label,
         "column": f.location.column_label, "message": f.message[:300]}
        for f in findings if f.severity.value == "error"
    ]
    entry["suspicious"] = suspicious(doc, findings)
    entry["seconds"] = round(time.perf_counter() - start, 2)
    return entry


def suspicious(doc, findings) -> list[str]:
    """Signs that the reading, not the document, is wrong."""
    flags: list[str] = []
    errors = [f for f in findings if f.severity.value == "error"]
    if len(errors) > MANY_ERRORS:
        flags.append(f"{len(errors)} 条错误")
    per_table: dict[tuple[int, str], set[str]] = defaultdict(set)
    for f in findings:
        if f.location.table is not None and f.severity.value in ("error", "warning"):
            per_table[(f.location.table, f.rule)].add(f.location.row_label or str(f.location.row))
    tables = {t.index: t for t in doc.tables}  # a finding's location names the table's 1-based index
    for (index, rule), rows in per_table.items():
        t = tables.get(index)
        if t is not None and len(t.rows) >= 4 and len(rows) >= MOST_ROWS * len(t.rows):
            flags.append(f"{rule} 在表 {t.title or t.kind} 的 {len(rows)}/{len(t.rows)} 行")
    return flags


def summarise(entries: list[dict[str, object]]) -> dict[str, object]:
    readable = [e for e in entries if "error" not in e]
    with_tables = [e for e in readable if e.get("tables")]
    errors = [x for e in readable for x in e.get("errors", [])]
    warnings = [e.get("findings", {}).get("warning", 0) for e in readable]
    by_rule: Counter = Counter()
    for e in readable:
        by_rule.update(e.get("by_rule", {}))
    bound = sum(e["claims"]["bound"] for e in readable)
    claims = sum(e["claims"]["total"] for e in readable)
    return {
        "documents": len(entries),
        "unreadable": len(entries) - len(readable),
        "readable": len(readable),
        "with_tables": len(with_tables),
        "narrative_only": sum(1 for e in readable if not e.get("tables") and not e.get("forms")),
        "by_status": dict(Counter(str(e.get("status", "unreadable")) for e in entries).most_common()),
        "error_findings": len(errors),
        "errors_per_readable_document": round(len(errors) / len(readable), 3) if readable else 0.0,
        "documents_with_errors": sum(1 for e in readable if e.get("errors")),
        "documents_over_3_errors": sum(1 for e in readable if len(e.get("errors", [])) > MANY_ERRORS),
        "median_warnings": statistics.median(warnings) if warnings else 0,
        "max_warnings": max(warnings, default=0),
        "claims_bound": f"{bound}/{claims}",
        "suspicious_documents": sum(1 for e in readable if e.get("suspicious")),
        "tables_unknown": sum(e.get("tables", {}).get("unknown", 0) for e in readable),
        "by_rule": dict(by_rule.most_common()),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="budgetlint-survey", description="Survey unlabelled documents: what was read, what was found.")
    ap.add_argument("paths", nargs="+", help="files or folders")
    ap.add_argument("-o", "--output", help="write one JSON line per document here, then the summary line")
    ap.add_argument("-j", "--jobs", type=int, default=min(2, os.cpu_count() or 1))
    args = ap.parse_args(argv)
    files = documents(args.paths)
    if not files:
        print("没有找到可检查的文档", file=sys.stderr)
        return 2
    out = open(args.output, "w", encoding="utf-8") if args.output else None  # noqa: SIM115
    entries: list[dict[str, object]] = []
    start = time.perf_counter()
    with ProcessPoolExecutor(max(1, args.jobs)) as pool:
        futures = {pool.submit(survey_one, str(f)): f for f in files}
        for k, fut in enumerate(as_completed(futures), 1):
            try:
                entry = fut.result()
            except Exception as e:  # a worker that died must not lose the rest
                entry = {"path": str(futures[fut]), "error": f"内部错误：{type(e).__name__}: {e}"}
            entries.append(entry)
            if out:
                out.write(json.dumps(entry, ensure_ascii=False) + "\n")
                out.flush()
            n_err = len(entry.get("errors", []))
            print(f"[{k}/{len(files)}] {Path(entry['path']).name}: "
                  + (f"无法读取（{entry['error']}）" if "error" in entry else
                     f"表 {sum(entry['tables'].values())}，错误 {n_err}，警告 {entry['findings'].get('warning', 0)}"
                     + (f"，可疑：{'；'.join(entry['suspicious'])}" if entry["suspicious"] else "")),
                  file=sys.stderr)
    summary = summarise(entries)
    summary["seconds"] = round(time.perf_counter() - start, 1)
    if out:
        out.write(json.dumps({"summary": summary}, ensure_ascii=False) + "\n")
        out.close()
    rules = summary.pop("by_rule")
    for k, v in summary.items():
        print(f"{k:30} {v}")
    print("rules:", ", ".join(f"{k}={v}" for k, v in list(rules.items())[:25]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
