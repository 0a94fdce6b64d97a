"""Helpers for the web workbench's tests (tests/web/): accounts, logging in, waiting for jobs."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from budgetlint.web import auth, db

ROOT = Path(__file__).resolve().parents[1]

if TYPE_CHECKING:
    from fastapi.testclient import TestClient

# the tests that run on both databases (tests/web/conftest.py's db_url fixture)
BOTH = pytest.mark.parametrize("db_url", ["sqlite", "postgresql"], indirect=True)

ADMIN, PASSWORD = "审阅员甲", "correct horse battery"


def add_user(data: Path, name: str = ADMIN, password: str = PASSWORD, role: str = "admin",
             db_url: str | None = None) -> None:
    data.mkdir(parents=True, exist_ok=True)
    engine = db.make_engine(db_url or db.default_url(data))
    db.upgrade(engine)
    with db.sessions(engine).begin() as session:
        auth.add_user(session, name, password, role)
    engine.dispose()


def csrf_of(html: str) -> str:
    m = re.search(r'name="csrf" value="([^"]+)"', html)
    assert m, "page has no CSRF field"
    return m.group(1)


def login(client: TestClient, name: str = ADMIN, password: str = PASSWORD) -> str:
    """Log in through the form; returns the session's CSRF token."""
    token = csrf_of(client.get("/login").text)
    r = client.post("/login", data={"name": name, "password": password, "csrf": token, "next": "/"})
    assert r.status_code == 303 and r.headers["location"] == "/", r.text
    return csrf_of(client.get("/").text)


def wait_batch(client: TestClient, batch: str, timeout: float = 180) -> dict:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        data = client.get(f"/api/batches/{batch}").json()
        if data["complete"]:
            return data
        time.sleep(0.3)
    raise AssertionError(f"batch {batch} not finished in {timeout} s: {data}")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve(data: Path, port: int, db_url: str | None = None, jobs: int = 1, log: Path | None = None) -> subprocess.Popen:
    """A real ``budgetlint serve`` (uvicorn) on 127.0.0.1:``port``, in its own process group."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), os.environ.get("PYTHONPATH", "")])}
    cmd = [sys.executable, "-c", "from budgetlint.cli import main; main()", "serve", "--data", str(data),
           "--port", str(port), "-j", str(jobs)] + (["--db", db_url] if db_url else [])
    out = log.open("ab") if log else subprocess.DEVNULL
    return subprocess.Popen(cmd, env=env, start_new_session=True, stdout=out, stderr=subprocess.STDOUT)


def wait_up(port: int, proc: subprocess.Popen, timeout: float = 60) -> None:
    """Until the server at ``port`` answers its login page."""
    import urllib.request

    end = time.monotonic() + timeout
    while time.monotonic() < end:
        assert proc.poll() is None, "server exited"
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/login", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.3)
    raise AssertionError("server did not start")
