#!/usr/bin/env bash
# The PDF tests again with every system font folder hidden, as on a fresh machine with no
# fonts at all: reading must not depend on what is installed (ingest/pdf_fonts.py). Hiding
# needs a private mount namespace (root and unshare); elsewhere this says so and does nothing.
# Office and browser tests are left out: LibreOffice and Chromium need some font to start.
set -uo pipefail
cd "$(dirname "$0")/.."
tests=(tests/ingest/test_pdf.py tests/ingest/test_pdf_fonts.py tests/ingest/test_ocr.py
       tests/ingest/test_bad_input.py tests/test_corpus_pdf.py tests/report/test_pdf_annotate.py
       tests/report/test_page_images.py tests/ingest/test_pdf_visibility.py tests/test_checklist.py
       tests/eval tests/test_cli.py)
dirs=()
for d in /usr/share/fonts /usr/local/share/fonts /usr/share/X11/fonts; do [ -d "$d" ] && dirs+=("$d"); done
hide=""
for d in "${dirs[@]}"; do hide+="mount -t tmpfs tmpfs '$d' && "; done
if [ "$(id -u)" != 0 ] || ! command -v unshare >/dev/null || ! unshare -m --propagation private true 2>/dev/null; then
  echo "note: cannot hide the system fonts here (needs root and unshare); PDF tests without fonts skipped" >&2
  exit 0
fi
echo "PDF tests with no system fonts visible:" >&2
exec unshare -m --propagation private sh -c "${hide} .venv/bin/python -m pytest -q -p no:cacheprovider ${tests[*]} $*"
