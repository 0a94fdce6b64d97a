"""Jobs survive the server: a real ``budgetlint serve`` is killed (SIGKILL, its worker processes
with it) while documents are queued and in flight; after a restart every one finishes, and none
is recorded twice. Also the claim and the write guard on their own."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx2 as httpx
from sqlalchemy import func, select
from web_support import BOTH, add_user, free_port, serve, wait_up

from budgetlint.pipeline import Result, check_file
from budgetlint.web import auth, db, jobs


def _factory(data: Path, db_url: str | None = None):
    engine = db.make_engine(db_url or db.default_url(data))
    db.upgrade(engine)
    return db.sessions(engine)


def _token(data: Path, db_url: str | None) -> str:
    with _factory(data, db_url).begin() as session:
        return auth.new_api_token(session, session.scalar(select(db.User)), "测试")


def _states(data: Path, db_url: str | None) -> dict[int, str]:
    with _factory(data, db_url).begin() as session:
        return dict(session.execute(select(db.Document.id, db.Document.state)).all())


@BOTH
def test_jobs_queued_and_in_flight_finish_after_a_restart(tmp_path, seeds, db_url):
    data = tmp_path / "data"
    add_user(data, db_url=db_url)
    token = _token(data, db_url)
    port = free_port()
    files = sorted(seeds.glob("*.txt"))[:4]
    client = httpx.Client(base_url=f"http://127.0.0.1:{port}", headers={"Authorization": f"Bearer {token}"},
                          timeout=30)
    first = serve(data, port, db_url)
    try:
        wait_up(port, first)
        r = client.post("/api/uploads", files=[("files", (p.name, p.read_bytes())) for p in files])
        assert r.status_code == 201, r.text
        end = time.monotonic() + 120
        while "running" not in _states(data, db_url).values():  # the runner has claimed its first round
            assert time.monotonic() < end, "no job started"
            time.sleep(0.05)
    finally:
        os.killpg(first.pid, signal.SIGKILL)
        first.wait(10)
    at_kill = _states(data, db_url)
    assert "running" in at_kill.values() and "queued" in at_kill.values(), at_kill

    second = serve(data, port, db_url)
    try:
        wait_up(port, second)
        end = time.monotonic() + 240
        while set(_states(data, db_url).values()) - {"done"}:
            assert time.monotonic() < end, _states(data, db_url)
            time.sleep(0.5)
    finally:
        os.killpg(second.pid, signal.SIGTERM)
        second.wait(20)

    with _factory(data, db_url).begin() as session:
        docs = list(session.scalars(select(db.Document).order_by(db.Document.id)))
        assert len(docs) == len(files) and all(d.state == "done" for d in docs)
        for d in docs:
            finished = session.scalar(select(func.count()).select_from(db.AuditEvent).where(
                db.AuditEvent.action == "job.done", db.AuditEvent.target == f"document:{d.id}"))
            assert finished == 1, d.original_name  # recorded once
            rows = session.scalar(select(func.count()).select_from(db.FindingRow)
                                  .where(db.FindingRow.document_id == d.id))
            assert rows == len(check_file(str(seeds / d.original_name)).findings)
        in_flight = [d for d in docs if at_kill[d.id] == "running"]
        assert in_flight and all(d.attempts == 2 for d in in_flight)


@BOTH
def test_two_runners_never_claim_the_same_job_and_a_stale_one_cannot_write(tmp_path, db_url):
    data = tmp_path / "data"
    factory = _factory(data, db_url)
    with factory.begin() as session:
        for i in range(3):
            session.add(db.Document(batch="b", original_name=f"{i}.txt", stored_name=f"{i}.txt", size=1,
                                    sha256="", format="text"))
    a, b = jobs.Runner(factory, data), jobs.Runner(factory, data)
    a.announce()
    b.announce()
    got_a, got_b = a.claim(2), b.claim(5)
    assert len(got_a) == 2 and len(got_b) == 1 and not {d.id for d in got_a} & {d.id for d in got_b}

    # runner a dies (its process gone): its jobs go back to the queue, and b takes them
    dead = f"{socket.gethostname()}:{_dead_pid()}:x"
    with factory.begin() as session:
        for d in got_a:
            session.get(db.Document, d.id).claimed_by = dead
    assert jobs.requeue_orphans(factory, jobs.Limits()) == 2
    assert jobs.requeue_orphans(factory, jobs.Limits()) == 0  # b is alive: its job stays
    retaken = b.claim(5)
    assert {d.id for d in retaken} == {d.id for d in got_a}
    a.me = dead  # a late result from the dead runner is refused; b's is taken once
    doc = retaken[0]
    assert not a.record(doc, Result(path="x", error="e"))
    assert b.record(doc, Result(path="x", error="e"))
    assert not b.record(doc, Result(path="x", error="e"))
    a.stop()
    b.stop()


def _dead_pid() -> int:
    p = subprocess.Popen([sys.executable, "-c", "pass"])
    p.wait()
    return p.pid
