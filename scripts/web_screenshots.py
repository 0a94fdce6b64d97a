"""Make the workbench's screenshots in docs/img/ (web-*.png): the login page, the ranked documents
list, a PDF finding with its highlighted page image, a dismissed finding carried over to a new
version, and the compare chart of one body's two years.

    .venv/bin/python scripts/web_screenshots.py [--pdf FILE.pdf] [--text FILE.txt]

A real ``budgetlint serve`` runs on a free loopback port over a temporary data folder; the
documents (default: a corpus PDF in ../shared/corpus/ and a seed in ../shared/seeds/) are uploaded
and triaged through the API, then photographed in Debian's chromium (playwright, never
``playwright install``). CJK fonts must be installed for Chinese text (Debian: fonts-noto-cjk).
"""

from __future__ import annotations

import argparse
import os
import re
import signal
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "scripts"))

from screenshots import ARGS, CORPUS_PDF, chromium  # noqa: E402
from web_load import _serve, _wait_up, free_port  # noqa: E402

OUT = ROOT / "docs" / "img"
USER, PASSWORD = "审阅员甲", "screenshot password 1"


def _prepare(data: Path) -> str:
    from budgetlint.web import auth, db

    engine = db.make_engine(db.default_url(data))
    db.upgrade(engine)
    with db.sessions(engine).begin() as session:
        user = auth.add_user(session, USER, PASSWORD, "admin")
        session.flush()
        token = auth.new_api_token(session, user, "screenshots")
    engine.dispose()
    return token


def _upload(http, files: list[tuple[str, bytes]], region: str) -> list[dict]:
    r = http.post("/api/uploads", files=[("files", f) for f in files], data={"region": region})
    r.raise_for_status()
    batch = r.json()["batch"]
    while not (got := http.get(f"/api/batches/{batch}").json())["complete"]:
        time.sleep(0.5)
    return got["documents"]


def main() -> int:
    import httpx2 as httpx
    from playwright.sync_api import sync_playwright

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pdf", type=Path, default=CORPUS_PDF)
    ap.add_argument("--text", type=Path, default=next(iter(sorted((ROOT.parent / "shared" / "seeds").glob("*.txt"))), None))
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    data = Path(tempfile.mkdtemp(prefix="budgetlint-shots-"))
    token = _prepare(data)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = _serve(data, port, None, 2, data / "server.log")
    try:
        _wait_up(port, server)
        http = httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=300)
        text = args.text.read_text("utf-8")
        year = int(re.search(r"(20\d\d)", text).group(1))
        docs = _upload(http, [(args.pdf.name, args.pdf.read_bytes()), ("部门预算.txt", text.encode("utf-8")),
                              ("上年部门预算.txt", text.replace(str(year), str(year - 1)).encode("utf-8"))], "示例区")
        pdf_doc, text_doc = docs[0], docs[1]
        first = http.get(f"/api/documents/{text_doc['id']}/findings").json()[0]
        http.post(f"/api/documents/{text_doc['id']}/findings/{first['seq']}/triage",
                  json={"state": "dismissed", "comment": "已与单位核对：口径不同，不是问题"}).raise_for_status()
        revised = _upload(http, [("部门预算（修订版）.txt", ("\n\n" + text).encode("utf-8"))], "示例区")[0]
        pdf_findings = http.get(f"/api/documents/{pdf_doc['id']}/findings").json()
        shown = next((f for f in pdf_findings if f["severity"] == "error" and f["page"]), None)

        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium(), args=ARGS)
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            page.goto(base + "/login")
            page.screenshot(path=str(args.out / "web-login.png"))
            page.fill("#name", USER)
            page.fill("#password", PASSWORD)
            page.click("button[type=submit]")
            page.wait_for_url(base + "/")
            page.screenshot(path=str(args.out / "web-documents.png"), full_page=True)
            if shown is not None:
                page.goto(f"{base}/documents/{pdf_doc['id']}#f{shown['seq']}")
                page.wait_for_function("() => { const i = document.getElementById('page-image');"
                                       " return i && i.complete && i.naturalWidth > 300; }", timeout=300_000)
                page.screenshot(path=str(args.out / "web-finding-page-image.png"))
            page.goto(f"{base}/documents/{revised['id']}#f{first['seq']}")
            page.locator(f"#f{first['seq']}").scroll_into_view_if_needed()
            page.screenshot(path=str(args.out / "web-carried-over.png"))
            page.goto(f"{base}/compare/body?organisation={text_doc['organisation']}")
            page.wait_for_selector("#compare[data-ready]")
            page.screenshot(path=str(args.out / "web-compare.png"), full_page=True)
            browser.close()
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(30)
    for name in ("web-login", "web-documents", "web-finding-page-image", "web-carried-over", "web-compare"):
        path = args.out / f"{name}.png"
        print(path.relative_to(ROOT) if path.exists() else f"{name}: not made")
    return 0


if __name__ == "__main__":
    sys.exit(main())
