"""``budgetlint user add`` / ``user token`` and ``serve``'s options."""

from __future__ import annotations

from click.testing import CliRunner
from sqlalchemy import select

from budgetlint.cli import main
from budgetlint.web import auth, db


def test_user_add_and_token(tmp_path):
    data = tmp_path / "data"
    run = CliRunner()
    r = run.invoke(main, ["user", "add", "管理员甲", "--role", "admin", "--data", str(data)],
                   env={"BUDGETLINT_PASSWORD": "long enough secret"})
    assert r.exit_code == 0, r.output
    again = run.invoke(main, ["user", "add", "管理员甲", "--data", str(data)], env={"BUDGETLINT_PASSWORD": "x" * 10})
    assert again.exit_code == 2 and "已存在" in again.output
    short = run.invoke(main, ["user", "add", "乙", "--data", str(data)], env={"BUDGETLINT_PASSWORD": "short"})
    assert short.exit_code == 2 and "至少 8" in short.output
    prompted = run.invoke(main, ["user", "add", "丙", "--data", str(data)], input="typed secret\ntyped secret\n",
                          env={"BUDGETLINT_PASSWORD": ""})
    assert prompted.exit_code == 0, prompted.output
    tok = run.invoke(main, ["user", "token", "管理员甲", "--label", "导出脚本", "--data", str(data)])
    assert tok.exit_code == 0 and tok.output.strip().startswith("blt_")
    assert run.invoke(main, ["user", "token", "无此人", "--data", str(data)]).exit_code == 2

    engine = db.make_engine(db.default_url(data))
    with db.sessions(engine).begin() as session:
        users = {u.name: u for u in session.scalars(select(db.User))}
        assert users["管理员甲"].role == "admin" and users["丙"].role == "reviewer"
        assert auth.authenticate(session, "丙", "typed secret") is not None
        assert session.scalar(select(db.ApiToken.token_hash)) == auth.digest(tok.output.strip())
    engine.dispose()


def test_serve_help_lists_its_options():
    r = CliRunner().invoke(main, ["serve", "--help"])
    assert r.exit_code == 0
    for option in ("--host", "--port", "--data", "--db", "--create-admin"):
        assert option in r.output
