#!/usr/bin/env bash
# Debian packages some tests need, installed when missing and we are root (CI, a fresh machine):
# - chromium: the HTML report's browser test drives Debian's chromium through the playwright
#   package (never `playwright install`, which downloads a browser);
# - libreoffice-writer-nogui: DOC files are read through LibreOffice headless;
# - fonts-wqy-microhei: a Chinese TrueType font the tests embed when they draw a *scan* for OCR,
#   and compare the reading with (budgetlint itself never reads the machine's fonts);
# - postgresql: the web workbench's tests start a throwaway cluster of it (tests/web/conftest.py)
#   and run the core web tests on it as well as on SQLite (they fail under CI=true without it).
# - gcc (and the Python headers where Python is Debian's): budgetlint's optional C loops
#   (src/budgetlint/ingest/_pdfium_loops.c), without which PDF reading is slower.
# Without root the tests that need them skip locally (DOC tests fail under CI=true).
set -uo pipefail
want=()
command -v chromium >/dev/null 2>&1 || want+=(chromium)
command -v soffice >/dev/null 2>&1 || want+=(libreoffice-writer-nogui)
[ -f /usr/share/fonts/truetype/wqy/wqy-microhei.ttc ] || want+=(fonts-wqy-microhei)
compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || want+=(postgresql)
command -v cc >/dev/null 2>&1 || want+=(gcc)
PY=${PYTHON:-python3}
if [ "$(command -v "$PY")" = /usr/bin/python3 ] \
   && ! "$PY" -c 'import os, sys, sysconfig; sys.exit(not os.path.exists(os.path.join(sysconfig.get_paths()["include"], "Python.h")))'; then
  want+=(python3-dev)
fi
[ ${#want[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing ${want[*]} …" >&2
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${want[@]}" \
    >/dev/null) || echo "warning: could not install ${want[*]}; the tests that need them will skip or fail" >&2
else
  echo "note: ${want[*]} not installed (needs root); the tests that need them will skip" >&2
fi
exit 0
