#!/usr/bin/env bash
# The whole test suite: system packages some tests need, the venv, lint, then pytest; then the
# PDF tests once more with the system fonts hidden (scripts/test-without-fonts.sh).
# CI runs exactly this (.ci/run).
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/system-deps.sh
BUDGETLINT_EXTRAS="test,browser,ocr,web,dask" ./scripts/bootstrap.sh
.venv/bin/ruff check src tests scripts bench
.venv/bin/python -m pytest -q "$@"
./scripts/test-without-fonts.sh
