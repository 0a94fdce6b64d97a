"""The web workbench's fixtures: an app on a temporary data folder with one admin, and a client;
the database SQLite, or PostgreSQL for the tests parametrised with ``db_url`` (a throwaway cluster
of Debian's PostgreSQL started once per session, a fresh database per test).
Skipped where the ``web`` extra is not installed (scripts/test.sh installs it, so CI runs these);
the PostgreSQL runs skip where PostgreSQL or psycopg is missing, except under CI=true."""

from __future__ import annotations

import glob
import importlib.util
import os
import pwd
import shutil
import subprocess
import tempfile
import uuid
from collections.abc import Callable, Iterator

import pytest

WEB_EXTRA = all(importlib.util.find_spec(m) for m in ("fastapi", "sqlalchemy", "alembic", "argon2", "httpx2"))
if not WEB_EXTRA:  # pip install -e '.[web,test]'
    collect_ignore_glob = ["test_*.py"]
else:
    from fastapi.testclient import TestClient
    from web_support import add_user, free_port

    from budgetlint.web.app import Settings, create_app




def _pg_bin() -> str | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4]))
    return os.path.dirname(found[-1]) if found else None


def _missing_postgres() -> str | None:
    if _pg_bin() is None:
        return "PostgreSQL not installed (apt-get install postgresql; scripts/system-deps.sh does)"
    if importlib.util.find_spec("psycopg") is None:
        return "psycopg not installed (pip install -e '.[web]')"
    return None


def _as_user() -> list[str]:
    """initdb refuses root: run the cluster as the postgres account (or nobody) when we are root."""
    if os.geteuid() != 0:
        return []
    for name in ("postgres", "nobody"):
        try:
            pwd.getpwnam(name)
        except KeyError:
            continue
        return ["runuser", "-u", name, "--"]
    pytest.fail("running as root with neither a postgres nor a nobody account")


@pytest.fixture(scope="session")
def postgres() -> Iterator[str]:
    """A PostgreSQL cluster in a temporary folder on a free loopback port; yields its base URL."""
    missing = _missing_postgres()
    if missing:
        if os.environ.get("CI") == "true":
            pytest.fail(missing)
        pytest.skip(missing)
    bindir, prefix = _pg_bin(), _as_user()
    root = tempfile.mkdtemp(prefix="budgetlint-pg-")  # not under pytest's root-only tmp folders
    os.chmod(root, 0o700)
    owner = pwd.getpwnam(prefix[2]) if prefix else pwd.getpwuid(os.geteuid())
    os.chown(root, owner.pw_uid, owner.pw_gid)
    data, port = os.path.join(root, "data"), free_port()
    run = {"check": True, "stdout": subprocess.DEVNULL, "stderr": subprocess.PIPE, "timeout": 120}
    subprocess.run([*prefix, f"{bindir}/initdb", "-D", data, "-A", "trust", "-U", "budgetlint", "-E", "UTF8",
                    "--no-locale"], **run)
    options = f"-h 127.0.0.1 -p {port} -k {root} -c fsync=off -c full_page_writes=off -c max_connections=200"
    subprocess.run([*prefix, f"{bindir}/pg_ctl", "-D", data, "-l", os.path.join(root, "log"), "-o", options,
                    "-w", "-t", "60", "start"], **run)
    try:
        yield f"postgresql://budgetlint@127.0.0.1:{port}"
    finally:
        subprocess.run([*prefix, f"{bindir}/pg_ctl", "-D", data, "-m", "immediate", "-w", "stop"],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=60)
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def db_url(request) -> str | None:
    """None (SQLite in the data folder), or a fresh PostgreSQL database for this test."""
    if getattr(request, "param", "sqlite") == "sqlite":
        return None
    import psycopg

    base = request.getfixturevalue("postgres")
    name = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return f"{base}/{name}"


@pytest.fixture
def make_client(tmp_path, db_url) -> Iterator[Callable[..., TestClient]]:
    """``make_client(**settings)``: a started app (runner included) on ``tmp_path / "data"`` with
    the admin account; closed at the end of the test."""
    opened: list[TestClient] = []
    data = tmp_path / "data"
    add_user(data, db_url=db_url)

    def make(**kw) -> TestClient:
        settings = Settings(data=data, poll=0.1, db_url=db_url, **kw)
        client = TestClient(create_app(settings), follow_redirects=False)
        client.__enter__()
        opened.append(client)
        return client

    yield make
    for c in opened:
        c.__exit__(None, None, None)


@pytest.fixture
def client(make_client) -> TestClient:
    return make_client()
