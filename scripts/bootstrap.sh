#!/usr/bin/env bash
# Set up .venv with budgetlint and its test tools. Safe to run again; quick when nothing changed.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
if ! "$PY" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
  echo "budgetlint 需要 Python 3.11 或更新版本（当前：$("$PY" --version 2>&1)）" >&2
  exit 2
fi
if [ ! -x .venv/bin/python ]; then
  if ! "$PY" -m venv .venv 2>/dev/null; then
    # Debian ships venv support separately.
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
      apt-get update -qq && apt-get install -y -qq python3-venv >/dev/null
      rm -rf .venv && "$PY" -m venv .venv
    else
      echo "无法创建虚拟环境：请先安装 python3-venv（sudo apt-get install python3-venv）" >&2
      exit 2
    fi
  fi
fi
extras=${BUDGETLINT_EXTRAS:-test}
stamp=".venv/.budgetlint-installed-${extras//,/-}"
# setup.py and the C loops too: a changed C file must be compiled again
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ] || [ setup.py -nt "$stamp" ] \
   || [ src/budgetlint/ingest/_pdfium_loops.c -nt "$stamp" ]; then
  .venv/bin/python -m pip install -q --disable-pip-version-check --upgrade pip >/dev/null
  .venv/bin/python -m pip install -q --disable-pip-version-check -e ".[${extras}]"
  touch "$stamp"
fi
