"""Snapshot what budgetlint reads and finds, to prove a restructure changed nothing.

    python scripts/snapshot_findings.py ../shared/seeds ../shared/corpus ../shared/wild -o before.json
    ... restructure ...
    python scripts/snapshot_findings.py ../shared/seeds ../shared/corpus ../shared/wild --compare before.json

Per document: meta, every finding as the JSON report writes it (rule, severity, message,
location, expected/found, fingerprint), the coverage record and table/form counts. Run times are
left out (they change run to run). ``--compare`` prints each document that differs, the first
differing findings, and exits 1 when anything differs.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

SUFFIXES = {".pdf", ".xls", ".xlsx", ".doc", ".docx", ".html", ".htm", ".txt"}


def documents(paths: list[str]) -> list[str]:
    out: list[str] = []
    for p in map(Path, paths):
        if p.is_dir():
            out.extend(str(q) for q in sorted(p.rglob("*")) if q.is_file() and q.suffix.lower() in SUFFIXES)
        elif p.is_file():
            out.append(str(p))
    return out


def snapshot(paths: list[str], jobs: int) -> dict[str, object]:
    from budgetlint.batch import check_many
    from budgetlint.report.json_report import report_dict

    results = check_many(documents(paths), jobs=jobs)
    out: dict[str, object] = {}
    for doc in report_dict(results)["documents"]:
        doc["stats"].pop("seconds", None)
        out[doc.pop("path")] = doc
    return out


def compare(old: dict[str, object], new: dict[str, object]) -> int:
    differing = 0
    for path in sorted(set(old) | set(new)):
        a, b = old.get(path), new.get(path)
        if a == b:
            continue
        differing += 1
        print(f"≠ {path}")
        if a is None or b is None:
            print("   only in", "new" if a is None else "old")
            continue
        for key in sorted(set(a) | set(b)):
            if a.get(key) != b.get(key) and key != "findings":
                print(f"   {key}: {json.dumps(a.get(key), ensure_ascii=False)[:300]}")
                print(f"   {' ' * len(key)}→ {json.dumps(b.get(key), ensure_ascii=False)[:300]}")
        fa = [json.dumps(f, ensure_ascii=False, sort_keys=True) for f in a.get("findings", [])]
        fb = [json.dumps(f, ensure_ascii=False, sort_keys=True) for f in b.get("findings", [])]
        for f in [f for f in fa if f not in fb][:5]:
            print("   - " + f[:400])
        for f in [f for f in fb if f not in fa][:5]:
            print("   + " + f[:400])
    print(f"{len(set(old) | set(new))} documents, {differing} differ")
    return 1 if differing else 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("paths", nargs="+")
    ap.add_argument("-o", "--output", help="write the snapshot here")
    ap.add_argument("--compare", help="compare with this earlier snapshot")
    ap.add_argument("-j", "--jobs", type=int, default=2)
    args = ap.parse_args(argv)
    snap = snapshot(args.paths, args.jobs)
    if args.output:
        Path(args.output).write_text(json.dumps(snap, ensure_ascii=False, indent=1, sort_keys=True), encoding="utf-8")
        print(f"{len(snap)} documents → {args.output}")
    if args.compare:
        return compare(json.loads(Path(args.compare).read_text(encoding="utf-8")), snap)
    return 0


if __name__ == "__main__":
    sys.exit(main())
