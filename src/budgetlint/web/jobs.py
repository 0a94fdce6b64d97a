"""The job runner: documents in the database, checked by the batch engine.

Each uploaded document is a row in ``documents`` whose job state goes queued → running → done
(or failed: nothing could be read). A ``Runner`` thread claims queued jobs — one ``UPDATE … WHERE
state = 'queued'`` per job, so two runners never take the same one — and checks them with
``budgetlint.batch.check_many`` (worker processes with time and memory limits per document). A
result is written only while its job is still claimed by this runner, so a job is never recorded
twice. On start, jobs left 'running' by a runner that is gone (its process dead on this machine,
or claimed longer ago than any check may take) go back to 'queued': a restart loses nothing.

Results: the whole ``Result`` (document model, findings, coverage) is kept on disk for the
reports and page images; the findings also go into the database for lists, filters and triage.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import pickle
import socket
import threading
import uuid
from collections import Counter
from datetime import timedelta
from pathlib import Path

from sqlalchemy import select, update
from sqlalchemy.orm import sessionmaker

from budgetlint.baseline import document_key
from budgetlint.batch import Limits, check_many
from budgetlint.pipeline import Result
from budgetlint.web.db import AuditEvent, Document, FindingRow, now

log = logging.getLogger("budgetlint.web")
STATES = {"queued": "排队中", "running": "检查中", "done": "已完成", "failed": "无法读取"}
FINAL = ("done", "failed")
_LIVE: set[str] = set()  # runner ids alive in this process


def _host() -> str:
    return socket.gethostname()


def _alive_here(claimed_by: str) -> bool:
    """Whether the runner that claimed a job on this machine is still running."""
    host, _, rest = claimed_by.partition(":")
    pid_text, _, _nonce = rest.partition(":")
    if host != _host() or not pid_text.isdigit():
        return True  # another machine's runner: judged by age instead
    pid = int(pid_text)
    if pid == os.getpid():
        return claimed_by in _LIVE
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def requeue_orphans(factory: sessionmaker, limits: Limits) -> int:
    """Jobs 'running' with no live runner go back to 'queued'; returns how many."""
    stale = now() - timedelta(seconds=limits.seconds * 2 + 60)
    moved = 0
    with factory.begin() as db:
        for doc in db.scalars(select(Document).where(Document.state == "running")):
            gone = not _alive_here(doc.claimed_by or "") or doc.claimed_at is None or doc.claimed_at < stale
            if gone:
                res = db.execute(update(Document).where(Document.id == doc.id, Document.state == "running",
                                                        Document.claimed_by == doc.claimed_by)
                                 .values(state="queued", claimed_by=None, claimed_at=None))
                moved += res.rowcount
    return moved


def original_path(data: Path, doc: Document) -> Path:
    return data / "originals" / doc.stored_name


def result_path(data: Path, doc_id: int) -> Path:
    return data / "results" / f"{doc_id}.pickle"


def load_result(data: Path, doc: Document) -> Result | None:
    """The stored result, its path pointing at the stored original (reports and page images read it)."""
    path = result_path(data, doc.id)
    if not path.exists():
        return None
    with path.open("rb") as fh:
        result: Result = pickle.load(fh)  # written by this server only (never an upload)
    result.path = str(original_path(data, doc))
    return result


def shown_as(result: Result, name: str) -> Result:
    """The result under the uploaded file's name (reports name documents by it)."""
    return dataclasses.replace(result, path=name)


def _figures(result: Result) -> dict | None:
    """The compare views' figures; a failure here must not lose the check (they are recomputed
    from the stored result when first asked for)."""
    from budgetlint.web.figures import summarise

    try:
        return summarise(result)
    except Exception:
        log.exception("无法提取比较用数据")
        return None


class Runner:
    """Claims queued jobs and checks them in worker processes, until stopped."""

    def __init__(self, factory: sessionmaker, data: Path, *, workers: int = 1, limits: Limits = Limits(),
                 poll: float = 1.0) -> None:
        self.factory, self.data, self.workers, self.limits, self.poll = factory, data, workers, limits, poll
        self.me = f"{_host()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def announce(self) -> None:
        """Count this runner among the live ones (its claims are not orphans)."""
        _LIVE.add(self.me)

    def start(self) -> None:
        self.announce()
        n = requeue_orphans(self.factory, self.limits)
        if n:
            log.info("%d 个中断的检查任务已重新排队", n)
        self._thread = threading.Thread(target=self._loop, name="budgetlint-runner", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        """Stop claiming; a round in progress finishes in the background (daemon thread) or, if the
        process ends first, its jobs are requeued by the next start."""
        self._stop.set()
        _LIVE.discard(self.me)
        if self._thread is not None:
            self._thread.join(timeout)

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                done = self.run_once()
            except Exception:  # a database hiccup must not end the runner
                log.exception("检查任务运行出错")
                done = 0
            if not done:
                self._stop.wait(self.poll)

    def claim(self, n: int) -> list[Document]:
        claimed: list[Document] = []
        with self.factory.begin() as db:
            ids = db.scalars(select(Document.id).where(Document.state == "queued").order_by(Document.id).limit(n))
            for doc_id in list(ids):
                res = db.execute(update(Document).where(Document.id == doc_id, Document.state == "queued")
                                 .values(state="running", claimed_by=self.me, claimed_at=now(),
                                         attempts=Document.attempts + 1))
                if res.rowcount == 1:
                    claimed.append(db.get(Document, doc_id))
        return claimed

    def run_once(self) -> int:
        """Claim and check one round of jobs; returns how many were checked."""
        jobs = self.claim(self.workers * 2)
        if not jobs:
            return 0
        by_path = {str(original_path(self.data, d)): d for d in jobs}

        def store(result: Result) -> None:
            self.record(by_path[result.path], result)

        check_many(list(by_path), jobs=self.workers, limits=self.limits, on_result=store)
        return len(jobs)

    def record(self, doc: Document, result: Result) -> bool:
        """Write a finished check, if the job is still ours; returns whether it was written."""
        target = result_path(self.data, doc.id)
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_suffix(f".{self.me.rsplit(':', 1)[-1]}.tmp")
        with tmp.open("wb") as fh:
            pickle.dump(result, fh, protocol=pickle.HIGHEST_PROTOCOL)
        meta = result.document.meta if result.document is not None else None
        sev = Counter(f.severity.value for f in result.findings)
        values = dict(
            state="failed" if result.document is None else "done", finished_at=now(), seconds=result.seconds,
            error=result.error, doc_key=document_key(shown_as(result, doc.original_name)),
            title=meta.title if meta else "", organisation=meta.organisation if meta else "",
            year=meta.year if meta else None, kind=meta.kind.value if meta else "",
            coverage_status=result.coverage.status.value if result.coverage else "",
            coverage_label=result.coverage.status.label if result.coverage else "",
            errors=sev["error"], warnings=sev["warning"], infos=sev["info"], figures=_figures(result))
        with self.factory.begin() as db:
            res = db.execute(update(Document).where(Document.id == doc.id, Document.state == "running",
                                                    Document.claimed_by == self.me).values(**values))
            if res.rowcount != 1:
                tmp.unlink(missing_ok=True)
                return False
            tmp.replace(target)
            for seq, f in enumerate(result.findings):
                db.add(FindingRow(document_id=doc.id, seq=seq, rule=f.rule, family=f.family,
                                  severity=f.severity.value, message=f.message, page=f.location.page,
                                  location=f.location.describe(), fingerprint=f.fingerprint, data=f.to_dict()))
            db.add(AuditEvent(user="系统", action="job.done", target=f"document:{doc.id}",
                              detail={"runner": self.me, "findings": len(result.findings)}))
        return True
