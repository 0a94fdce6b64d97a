"""Alembic environment: the connection comes from ``budgetlint.web.db.upgrade`` (never an ini file)."""

from alembic import context

from budgetlint.web.db import Base

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
