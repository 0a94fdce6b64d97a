"""The reviewer's workbench (``budgetlint serve``): upload, check, review and triage in a browser.

Optional extra ``web`` (FastAPI, SQLAlchemy, Alembic, Jinja2, argon2). The same pipeline as the
CLI: uploads become jobs in the database, run by ``budgetlint.batch.check_many`` in worker
processes; findings are stored per document, triage is keyed like the CLI's baseline file
(document key, finding fingerprint) so it carries over to a new version of the same document.
"""
