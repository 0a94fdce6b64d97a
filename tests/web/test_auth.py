"""Every route needs a login or a token; form posts need the session's CSRF token."""

from __future__ import annotations

import re

from fastapi.routing import APIRoute
from web_support import ADMIN, PASSWORD, csrf_of, login

from budgetlint.web import auth


def _concrete(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "1", path)


def _routes(app) -> list[tuple[str, str]]:
    out = []
    for r in app.routes:
        assert isinstance(r, APIRoute), f"{r} is not guarded by the app's dependency"
        for m in sorted(r.methods - {"HEAD"}):
            out.append((m, r.path))
    return out


def test_every_route_needs_a_session_or_a_token(client):
    routes = _routes(client.app)
    assert len(routes) > 15
    for method, path in routes:
        if path in auth.PUBLIC_PATHS:
            continue
        r = client.request(method, _concrete(path))
        if path.startswith("/api/"):
            assert r.status_code == 401, (method, path, r.status_code)
        else:
            assert r.status_code == 303 and r.headers["location"].startswith("/login"), (method, path, r.status_code)
        bad = client.request(method, _concrete(path), headers={"Authorization": "Bearer blt_not-a-token"})
        assert bad.status_code in (401, 303), (method, path, bad.status_code)


def test_wrong_password_is_refused_and_logged(client):
    token = csrf_of(client.get("/login").text)
    r = client.post("/login", data={"name": ADMIN, "password": "wrong", "csrf": token})
    assert r.status_code == 303 and "error=1" in r.headers["location"]
    assert client.get("/").status_code == 303
    login(client)
    assert any(e["action"] == "login.failed" for e in client.get("/api/audit").json())


def test_login_form_needs_its_csrf_cookie(client):
    r = client.post("/login", data={"name": ADMIN, "password": PASSWORD, "csrf": "forged"})
    assert r.status_code == 403


def test_posts_without_the_csrf_token_are_rejected(client):
    csrf = login(client)
    for method, path in _routes(client.app):
        if method != "POST" or path in auth.PUBLIC_PATHS:
            continue
        r = client.post(_concrete(path), data={"state": "dismissed"})
        assert r.status_code == 403, (path, r.status_code)
        r = client.post(_concrete(path), data={"csrf": "x" * len(csrf)})
        assert r.status_code == 403, (path, r.status_code)
    # with the token, a post goes through (logout ends the session)
    assert client.post("/logout", data={"csrf": csrf}).status_code == 303
    assert client.get("/").status_code == 303


def test_api_tokens_work_without_cookie_or_csrf(client):
    from sqlalchemy import select

    from budgetlint.web import db

    factory = client.app.state.bl.factory
    with factory.begin() as session:
        user = session.scalar(select(db.User).where(db.User.name == ADMIN))
        token = auth.new_api_token(session, user, "脚本")
        stored = session.scalar(select(db.ApiToken.token_hash))
    assert token not in stored  # only its hash is kept
    h = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/documents", headers=h).json() == []
    r = client.post("/api/baseline", headers=h, files={"file": ("b.json", b'{"version": 1, "entries": []}')})
    assert r.status_code == 200 and r.json() == {"imported": 0}


def test_passwords_are_argon2_hashes(client):
    from sqlalchemy import select

    from budgetlint.web import db

    with client.app.state.bl.factory.begin() as session:
        stored = session.scalar(select(db.User.password_hash))
    assert stored.startswith("$argon2id$") and PASSWORD not in stored


def test_api_docs_are_served_offline(client):
    login(client)
    spec = client.get("/api/openapi.json").json()
    assert "/api/uploads" in spec["paths"] and "/api/documents/{doc_id}/findings/{seq}/triage" in spec["paths"]
    page = client.get("/api/docs").text
    assert "POST /api/uploads" in page
    assert not re.search(r'(src|href)="(https?:)?//', page)  # nothing loaded from elsewhere


def test_admins_add_users_and_reviewers_cannot(client):
    csrf = login(client)
    r = client.post("/admin/users", data={"csrf": csrf, "name": "审阅员乙", "password": "another secret", "role": "reviewer"})
    assert r.status_code == 303
    assert "审阅员乙" in client.get("/admin/users").text
    assert client.post("/admin/users", data={"csrf": csrf, "name": "短", "password": "short"}).status_code == 400
    client.post("/logout", data={"csrf": csrf})

    csrf = login(client, "审阅员乙", "another secret")
    assert client.get("/admin/users").status_code == 403
    r = client.post("/admin/users", data={"csrf": csrf, "name": "丙", "password": "whatever123"})
    assert r.status_code == 403
    token = client.post("/api/tokens", json={"label": "脚本"}, headers={"X-CSRF-Token": csrf}).json()["token"]
    client.cookies.clear()
    assert client.get("/api/documents", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    events = [(e["user"], e["action"]) for e in client.get("/api/audit", headers={"Authorization": f"Bearer {token}"}).json()]
    assert (ADMIN, "user.add") in events and ("审阅员乙", "token.add") in events


def test_a_token_notes_its_last_use_at_most_once_a_minute(client):
    from datetime import timedelta

    from sqlalchemy import select

    from budgetlint.web import db

    factory = client.app.state.bl.factory
    with factory.begin() as session:
        user = session.scalar(select(db.User).where(db.User.name == ADMIN))
        token = auth.new_api_token(session, user, "脚本")
    h = {"Authorization": f"Bearer {token}"}

    def last_used():
        with factory.begin() as session:
            return session.scalar(select(db.ApiToken.last_used_at))

    client.get("/api/documents", headers=h)
    first = last_used()
    client.get("/api/documents", headers=h)
    assert first is not None and last_used() == first  # a second call within the minute writes nothing
    with factory.begin() as session:
        session.scalar(select(db.ApiToken)).last_used_at = first - auth.TOKEN_TOUCH - timedelta(seconds=1)
    client.get("/api/documents", headers=h)
    assert last_used() > first - auth.TOKEN_TOUCH  # an older note is renewed
