"""Accounts, logins and API tokens; every route is guarded here.

Passwords: argon2id (argon2-cffi). A browser login is a random token in an HttpOnly cookie, stored
as its SHA-256 with a per-session CSRF token that every form post (or ``X-CSRF-Token`` header)
must echo. Scripts use ``Authorization: Bearer <token>``: a random API token stored as its SHA-256;
no cookie, so no CSRF check. The one public route is the login page (its own form is protected by
a double-submit cookie)."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from fastapi import HTTPException, Request
from sqlalchemy import select
from sqlalchemy.orm import Session

from budgetlint.web.db import ApiToken, LoginSession, User, now

ROLES = ("reviewer", "admin")
COOKIE = "budgetlint_session"
LOGIN_CSRF_COOKIE = "budgetlint_login_csrf"
SESSION_DAYS = 7
TOKEN_TOUCH = timedelta(minutes=1)  # how stale an API token's last_used_at may be
PUBLIC_PATHS = frozenset({"/login"})
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_hasher = PasswordHasher()


def digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(stored: str, password: str) -> bool:
    try:
        return _hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False


class AccountError(Exception):
    """An account cannot be created or changed (a Chinese reason)."""


def add_user(db: Session, name: str, password: str, role: str = "reviewer") -> User:
    name = name.strip()
    if not name:
        raise AccountError("用户名不能为空")
    if role not in ROLES:
        raise AccountError(f"角色 {role!r} 无效（可用：{'、'.join(ROLES)}）")
    if len(password) < 8:
        raise AccountError("密码至少 8 个字符")
    if db.scalar(select(User).where(User.name == name)) is not None:
        raise AccountError(f"用户 {name} 已存在")
    user = User(name=name, password_hash=hash_password(password), role=role)
    db.add(user)
    db.flush()
    return user


def authenticate(db: Session, name: str, password: str) -> User | None:
    user = db.scalar(select(User).where(User.name == name.strip()))
    if user is None:
        verify_password(_dummy_hash(), password)  # the same time whether or not the name exists
        return None
    return user if verify_password(user.password_hash, password) else None


_DUMMY: list[str] = []


def _dummy_hash() -> str:
    if not _DUMMY:
        _DUMMY.append(hash_password(secrets.token_hex(8)))
    return _DUMMY[0]


def start_session(db: Session, user: User) -> str:
    """A new login for ``user``; returns the cookie's token."""
    token = secrets.token_urlsafe(32)
    db.add(LoginSession(token_hash=digest(token), user_id=user.id, csrf=secrets.token_urlsafe(32),
                        expires_at=now() + timedelta(days=SESSION_DAYS)))
    return token


def end_session(db: Session, token: str) -> None:
    row = db.scalar(select(LoginSession).where(LoginSession.token_hash == digest(token)))
    if row is not None:
        db.delete(row)


def new_api_token(db: Session, user: User, label: str = "") -> str:
    token = "blt_" + secrets.token_urlsafe(32)
    db.add(ApiToken(token_hash=digest(token), user_id=user.id, label=label))
    return token


@dataclass(slots=True)
class Caller:
    """Who is calling: the user, and the session's CSRF token (None for an API token)."""

    user: User
    csrf: str | None


def identify(db: Session, request: Request) -> Caller | None:
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        token = db.scalar(select(ApiToken).where(ApiToken.token_hash == digest(header[7:].strip())))
        if token is None:
            return None
        moment = now()
        # Written at most once a minute: a write per call serialised every scripted request on the
        # database lock under load (bench/web_load.py), and "last used" needs no finer grain.
        if token.last_used_at is None or moment - token.last_used_at > TOKEN_TOUCH:  # both naive UTC (db.now)
            token.last_used_at = moment
        return Caller(db.get(User, token.user_id), None)
    cookie = request.cookies.get(COOKIE)
    if not cookie:
        return None
    sess = db.scalar(select(LoginSession).where(LoginSession.token_hash == digest(cookie)))
    if sess is None or sess.expires_at < now():
        return None
    return Caller(db.get(User, sess.user_id), sess.csrf)


class LoginRequired(Exception):
    """Raised by the guard; the app answers 401 (API) or a redirect to the login page (HTML)."""


async def check_csrf(request: Request, caller: Caller) -> None:
    """A cookie-authenticated unsafe request must carry the session's CSRF token (form field
    ``csrf`` or header ``X-CSRF-Token``). API tokens are not sent by browsers on their own."""
    if request.method in SAFE_METHODS or caller.csrf is None:
        return
    sent = request.headers.get("x-csrf-token")
    if sent is None and request.headers.get("content-type", "").startswith(
            ("application/x-www-form-urlencoded", "multipart/form-data")):
        form = await request.form()
        value = form.get("csrf")
        sent = value if isinstance(value, str) else None
    if not sent or not hmac.compare_digest(sent, caller.csrf):
        raise HTTPException(403, "缺少或无效的 CSRF 令牌，请刷新页面后重试")


def require_admin(caller: Caller) -> None:
    if caller.user.role != "admin":
        raise HTTPException(403, "需要管理员权限")
