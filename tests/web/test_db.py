"""The shipped migrations build exactly the schema the models describe — on SQLite (in WAL mode)
and on PostgreSQL — and the app upgrades a database on start."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text
from web_support import BOTH

from budgetlint.web import db

HEAD = "0002"


@BOTH
def test_migrations_match_the_models(tmp_path, db_url):
    engine = db.make_engine(db_url or db.default_url(tmp_path))
    db.upgrade(engine)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), db.Base.metadata)
        assert diff == [], diff
        if db_url is None:
            assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        else:
            assert engine.dialect.name == "postgresql" and engine.driver == "psycopg"
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == HEAD
    db.upgrade(engine)  # running again on start changes nothing
    engine.dispose()


def test_the_app_creates_its_database_on_start(make_client):
    client = make_client(run_jobs=False)
    data = client.app.state.bl.settings.data
    assert (data / "budgetlint.db").exists()
    with client.app.state.bl.factory.begin() as session:
        assert session.execute(text("SELECT version_num FROM alembic_version")).scalar() == HEAD
