"""Baselines: findings a reviewer has looked at, kept quiet on the next run.

A reviewer re-checks a corrected document several times; what was judged "not a problem" (or
already known) should not come back each time. A baseline file records, per document, the finding
fingerprints (``Finding.fingerprint``: rule, table, row, column and figures — no page or line, so it
survives a re-typeset document) with the triage state, the reason, who and when. ``check --baseline
FILE`` hides the findings it lists as dismissed or confirmed-known; ``budgetlint baseline`` writes one
from a run. The same states serve the web workbench.

File format (JSON, UTF-8)::

    {"version": 1, "entries": [{"document": "某局|2026|部门预算", "fingerprint": "…", "rule": "BL301",
      "message": "…", "state": "dismissed", "reason": "…", "by": "张三", "at": "2026-12-03T10:00:00"}]}
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path

from budgetlint.pipeline import Result

VERSION = 1
STATES = ("dismissed", "confirmed", "fixed")  # 不是问题 / 已确认（已知） / 已改正
STATE_LABELS = {"dismissed": "不是问题", "confirmed": "已确认", "fixed": "已改正"}
QUIET_STATES = ("dismissed", "confirmed")  # a fixed problem that comes back is news


class BaselineError(Exception):
    """The baseline file cannot be used (a Chinese reason)."""


@dataclass(slots=True)
class Entry:
    document: str
    fingerprint: str
    rule: str = ""
    message: str = ""
    state: str = "dismissed"
    reason: str = ""
    by: str = ""
    at: str = ""


def document_key(result: Result) -> str:
    """Which document a finding belongs to, stable across files and versions of it: the issuing
    body, year and kind as the document states them, else the file's name."""
    doc = result.document
    if doc is not None and doc.meta.organisation and doc.meta.year:
        return f"{doc.meta.organisation}|{doc.meta.year}|{doc.meta.kind.value}"
    return Path(result.path.split("+")[0]).name


def load(path: Path) -> list[Entry]:
    try:
        data = json.loads(path.read_text("utf-8"))
    except FileNotFoundError as e:
        raise BaselineError(f"基线文件 {path} 不存在") from e
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
        raise BaselineError(f"基线文件 {path} 无法读取（{type(e).__name__}）") from e
    if not isinstance(data, dict) or data.get("version") != VERSION or not isinstance(data.get("entries"), list):
        raise BaselineError(f"基线文件 {path} 不是 budgetlint 基线（version {VERSION}）")
    out = []
    for i, raw in enumerate(data["entries"], 1):
        try:
            entry = Entry(**{k: raw[k] for k in raw if k in Entry.__slots__})
        except TypeError as e:
            raise BaselineError(f"基线文件 {path} 第 {i} 条缺少 document 或 fingerprint") from e
        if entry.state not in STATES:
            raise BaselineError(f"基线文件 {path} 第 {i} 条的状态 {entry.state!r} 无效（可用：{'、'.join(STATES)}）")
        out.append(entry)
    return out


def save(path: Path, entries: list[Entry]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    data = {"version": VERSION, "entries": [asdict(e) for e in entries]}
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def apply(results: list[Result], entries: list[Entry]) -> int:
    """Drop the findings the baseline keeps quiet; returns how many were hidden."""
    quiet = {(e.document, e.fingerprint) for e in entries if e.state in QUIET_STATES}
    hidden = 0
    for r in results:
        key = document_key(r)
        kept = [f for f in r.findings if (key, f.fingerprint) not in quiet]
        hidden += len(r.findings) - len(kept)
        r.findings = kept
    return hidden


def record(results: list[Result], entries: list[Entry], *, state: str, reason: str, by: str) -> int:
    """Add every finding of ``results`` not yet in ``entries``; returns how many were added."""
    known = {(e.document, e.fingerprint) for e in entries}
    now = datetime.now().isoformat(timespec="seconds")
    added = 0
    for r in results:
        key = document_key(r)
        for f in r.findings:
            if (key, f.fingerprint) in known:
                continue
            known.add((key, f.fingerprint))
            entries.append(Entry(key, f.fingerprint, f.rule, f.message, state, reason, by, now))
            added += 1
    return added
