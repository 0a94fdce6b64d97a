"""``budgetlint serve`` and ``budgetlint user``: the workbench's commands. Importing this module
needs only click; the web extra is imported when a command runs (a clear message without it)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}
DEFAULT_DATA = "budgetlint-data"
PASSWORD_ENV = "BUDGETLINT_PASSWORD"


def _need_extra() -> None:
    try:
        import alembic  # noqa: F401
        import argon2  # noqa: F401
        import fastapi  # noqa: F401
        import sqlalchemy  # noqa: F401
        import uvicorn  # noqa: F401
    except ImportError as e:
        click.echo(f"budgetlint: 审阅工作台需要 web 组件（缺少 {e.name}）：pip install -e '.[web]'", err=True)
        sys.exit(2)


def _factory(data: Path, db_url: str | None):
    from budgetlint.web import db

    data.mkdir(parents=True, exist_ok=True)
    engine = db.make_engine(db_url or db.default_url(data))
    db.upgrade(engine)
    return db.sessions(engine)


def _password(name: str) -> str:
    password = os.environ.get(PASSWORD_ENV)
    if password:
        return password
    return click.prompt(f"{name} 的密码", hide_input=True, confirmation_prompt="再输入一次")


def _add_user(data: Path, db_url: str | None, name: str, role: str, existing_ok: bool = False) -> None:
    from sqlalchemy import select

    from budgetlint.web.auth import AccountError, add_user
    from budgetlint.web.db import User
    from budgetlint.web.triage import audit

    factory = _factory(data, db_url)
    if existing_ok:
        with factory.begin() as session:
            if session.scalar(select(User).where(User.name == name.strip())) is not None:
                click.echo(f"用户 {name} 已存在，直接启动")
                return
    try:
        with factory.begin() as session:
            add_user(session, name, _password(name), role)
            audit(session, "命令行", "user.add", name, role=role)
    except AccountError as e:
        click.echo(f"budgetlint: {e}", err=True)
        sys.exit(2)
    click.echo(f"已添加用户 {name}（{'管理员' if role == 'admin' else '审阅人'}）")


data_option = click.option("--data", type=click.Path(file_okay=False, path_type=Path), default=DEFAULT_DATA,
                           show_default=True, help="数据目录（原始文件、检查结果，以及默认的 SQLite 数据库）")
db_option = click.option("--db", "db_url", metavar="URL", default=None,
                         help="数据库（SQLAlchemy URL，如 postgresql://用户@主机/库）；默认 数据目录/budgetlint.db")


@click.command(context_settings=CONTEXT)
@click.option("--host", default="127.0.0.1", show_default=True, help="监听地址")
@click.option("--port", default=8000, show_default=True, type=int, help="端口")
@data_option
@db_option
@click.option("-j", "--jobs", "workers", default=1, show_default=True, type=click.IntRange(1, 64),
              help="同时检查的文档数（工作进程数）")
@click.option("--max-upload-mb", default=100, show_default=True, type=click.IntRange(1, 2048), help="单个文件上限")
@click.option("--create-admin", metavar="NAME", default=None,
              help=f"先创建一个管理员（密码取自环境变量 {PASSWORD_ENV}，否则提示输入）")
def serve(host: str, port: int, data: Path, db_url: str | None, workers: int, max_upload_mb: int,
          create_admin: str | None) -> None:
    """启动审阅工作台（网页与 HTTP API）：上传文档、查看进度与问题、标记问题、导出报告。"""
    _need_extra()
    import uvicorn

    from budgetlint.web.app import Settings, create_app

    if create_admin:
        _add_user(data, db_url, create_admin, "admin", existing_ok=True)
    app = create_app(Settings(data=data, db_url=db_url, workers=workers, max_upload_mb=max_upload_mb))
    click.echo(f"审阅工作台：http://{host}:{port}/  （数据目录 {data.resolve()}）")
    uvicorn.run(app, host=host, port=port, log_level="info")


@click.group(context_settings=CONTEXT)
def user() -> None:
    """管理审阅工作台的用户与 API 令牌。"""


@user.command("add", context_settings=CONTEXT)
@click.argument("name")
@click.option("--role", type=click.Choice(["reviewer", "admin"]), default="reviewer", show_default=True)
@data_option
@db_option
def user_add(name: str, role: str, data: Path, db_url: str | None) -> None:
    """添加用户（密码取自环境变量 BUDGETLINT_PASSWORD，否则提示输入）。"""
    _need_extra()
    _add_user(data, db_url, name, role)


@user.command("token", context_settings=CONTEXT)
@click.argument("name")
@click.option("--label", default="", help="令牌用途（便于日后辨认）")
@data_option
@db_option
def user_token(name: str, label: str, data: Path, db_url: str | None) -> None:
    """为用户生成一个 API 令牌（只显示一次；脚本以 Authorization: Bearer <令牌> 调用 API）。"""
    _need_extra()
    from sqlalchemy import select

    from budgetlint.web.auth import new_api_token
    from budgetlint.web.db import User
    from budgetlint.web.triage import audit

    with _factory(data, db_url).begin() as session:
        account = session.scalar(select(User).where(User.name == name))
        if account is None:
            click.echo(f"budgetlint: 没有用户 {name}", err=True)
            sys.exit(2)
        token = new_api_token(session, account, label)
        audit(session, "命令行", "token.add", name, label=label)
    click.echo(token)
