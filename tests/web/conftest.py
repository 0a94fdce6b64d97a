"""The web workbench's fixtures: an app on a temporary data folder with one admin, and a client.
Skipped where the ``web`` extra is not installed (scripts/test.sh installs it, so CI runs these)."""

from __future__ import annotations

import importlib.util
from collections.abc import Callable, Iterator

import pytest

WEB_EXTRA = all(importlib.util.find_spec(m) for m in ("fastapi", "sqlalchemy", "alembic", "argon2", "httpx2"))
if not WEB_EXTRA:  # pip install -e '.[web,test]'
    collect_ignore_glob = ["test_*.py"]
else:
    from fastapi.testclient import TestClient
    from web_support import add_user

    from budgetlint.web.app import Settings, create_app


@pytest.fixture
def make_client(tmp_path) -> Iterator[Callable[..., TestClient]]:
    """``make_client(**settings)``: a started app (runner included) on ``tmp_path / "data"`` with
    the admin account; closed at the end of the test."""
    opened: list[TestClient] = []
    data = tmp_path / "data"
    add_user(data)

    def make(**kw) -> TestClient:
        settings = Settings(data=data, poll=0.1, **kw)
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
