"""Triage of findings and the audit log; the CLI's baseline file in and out.

A judgement is stored under (document key, fingerprint) — exactly a baseline ``Entry`` — so a new
version of the same document (same body, year and kind; else the same file name) shows the same
judgement on the same problem, and the baseline file the CLI reads (``check --baseline``) is a plain
export of this table."""

from __future__ import annotations

import json
import tempfile
from dataclasses import asdict
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from budgetlint import baseline
from budgetlint.web.db import AuditEvent, Triage, now

STATE_LABELS = baseline.STATE_LABELS


def audit(db: Session, user: str, action: str, target: str = "", **detail: object) -> None:
    db.add(AuditEvent(user=user, action=action, target=target, detail=detail))


def judgements(db: Session, doc_key: str) -> dict[str, Triage]:
    return {t.fingerprint: t for t in db.scalars(select(Triage).where(Triage.doc_key == doc_key))}


def judge(db: Session, user: str, doc_key: str, fingerprint: str, state: str, comment: str,
          rule: str = "", message: str = "") -> Triage | None:
    """Set (or with state "" clear) the judgement of one finding, and log it."""
    if state and state not in baseline.STATES:
        raise ValueError(f"状态 {state!r} 无效（可用：{'、'.join(baseline.STATES)}）")
    row = db.scalar(select(Triage).where(Triage.doc_key == doc_key, Triage.fingerprint == fingerprint))
    before = row.state if row is not None else ""
    if not state:
        if row is not None:
            db.delete(row)
        audit(db, user, "triage.clear", f"{doc_key}#{fingerprint}", before=before, comment=comment)
        return None
    if row is None:
        row = Triage(doc_key=doc_key, fingerprint=fingerprint)
        db.add(row)
    row.state, row.comment, row.by, row.at = state, comment, user, now()
    row.rule, row.message = rule or row.rule, message or row.message
    audit(db, user, "triage.set", f"{doc_key}#{fingerprint}", rule=rule, before=before, state=state, comment=comment)
    return row


def export_baseline(db: Session) -> str:
    entries = [baseline.Entry(t.doc_key, t.fingerprint, t.rule, t.message, t.state, t.comment, t.by,
                              t.at.isoformat(timespec="seconds"))
               for t in db.scalars(select(Triage).order_by(Triage.doc_key, Triage.id))]
    return json.dumps({"version": baseline.VERSION, "entries": [asdict(e) for e in entries]},
                      ensure_ascii=False, indent=2) + "\n"


def import_baseline(db: Session, user: str, data: bytes) -> int:
    """Take every entry of a baseline file (validated by ``baseline.load``); returns how many."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "baseline.json"
        path.write_bytes(data)
        entries = baseline.load(path)
    for e in entries:
        judge(db, e.by or user, e.document, e.fingerprint, e.state, e.reason, e.rule, e.message)
    audit(db, user, "baseline.import", "", entries=len(entries))
    return len(entries)
