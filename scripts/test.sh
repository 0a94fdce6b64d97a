#!/usr/bin/env bash
# The whole test suite: system packages some tests need, the venv, lint, then pytest.
# CI runs exactly this (.ci/run).
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/system-deps.sh
BUDGETLINT_EXTRAS="test,browser,ocr" ./scripts/bootstrap.sh
.venv/bin/ruff check src tests
.venv/bin/python -m pytest -q "$@"
