"""The shipped migrations build exactly the schema the models describe, and the app upgrades a
database on start (SQLite in WAL mode)."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text

from budgetlint.web import db


def test_migrations_match_the_models(tmp_path):
    engine = db.make_engine(db.default_url(tmp_path))
    db.upgrade(engine)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), db.Base.metadata)
        assert diff == [], diff
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
    db.upgrade(engine)  # running again on start changes nothing
    engine.dispose()


def test_the_app_creates_its_database_on_start(make_client):
    client = make_client(run_jobs=False)
    data = client.app.state.bl.settings.data
    assert (data / "budgetlint.db").exists()
    with client.app.state.bl.factory.begin() as session:
        assert session.execute(text("SELECT version_num FROM alembic_version")).scalar() == "0001"
