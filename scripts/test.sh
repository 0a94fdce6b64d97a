#!/usr/bin/env bash
# The whole test suite: lint, then pytest. CI runs exactly this (.ci/run).
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/bootstrap.sh
.venv/bin/ruff check src tests
.venv/bin/python -m pytest -q "$@"
