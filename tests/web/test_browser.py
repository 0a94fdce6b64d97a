"""The workbench in a real browser: Debian's chromium driven by Playwright (never `playwright
install`) through log in → upload two documents → watch them finish → open a finding and see its
page image → dismiss it with a comment → upload a new version and see the dismissal carried over
→ compare the body's two years in a chart. Skipped where chromium or playwright is missing,
except under CI=true where it must run."""

from __future__ import annotations

import os
import re
import shutil
import signal

import pytest
from web_support import ADMIN, PASSWORD, add_user, free_port, serve, wait_up

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


def _chromium() -> str:
    path = os.environ.get("BUDGETLINT_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    missing = None if os.path.exists(path) else "chromium not installed (apt-get install chromium; .ci/run does)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        missing = missing or "playwright not installed (pip install -e '.[browser]')"
    if missing:
        if os.environ.get("CI") == "true":
            pytest.fail(missing)
        pytest.skip(missing)
    return path


def _pdf(path):
    rc = pytest.importorskip("reportlab.pdfgen.canvas")
    from report.conftest import draw_table  # the one-table PDF with a 合计 error (BL101)

    c = rc.Canvas(str(path), pagesize=(595, 842))
    draw_table(c, 842)
    c.showPage()
    c.save()
    return path


def test_review_in_a_browser(tmp_path, seeds):
    chromium = _chromium()
    from playwright.sync_api import expect, sync_playwright

    data = tmp_path / "data"
    add_user(data)
    pdf = _pdf(tmp_path / "某局支出表.pdf")
    seed = sorted(seeds.glob("*.txt"))[0]
    text = tmp_path / "某局预算.txt"
    text.write_bytes(seed.read_bytes())
    port = free_port()
    server = serve(data, port)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_up(port, server)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
            page = browser.new_page()
            page.set_default_timeout(120_000)
            outside = []
            page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(base) else None)

            page.goto(base + "/")
            assert "/login" in page.url
            page.fill("#name", ADMIN)
            page.fill("#password", PASSWORD)
            page.click("button[type=submit]")
            page.wait_for_url(base + "/")

            page.set_input_files("input[name=files]", [str(pdf), str(text)])
            page.click("text=上传并检查")
            page.wait_for_url("**/batches/*")
            expect(page.locator("#done-note")).to_be_visible(timeout=240_000)
            expect(page.locator("#count")).to_have_text("2 / 2")

            # the PDF's sum error, with its page image highlighted
            page.click("text=某局支出表.pdf")
            finding = page.locator(".finding.sev-error", has_text="BL101").first
            finding.locator(".show-page").click()
            image = page.locator("#page-image")
            expect(image).to_be_visible()
            page.wait_for_function("() => { const i = document.getElementById('page-image');"
                                   " return i.complete && i.naturalWidth > 300; }")
            expect(finding).to_have_class("finding sev-error selected")

            # dismiss a finding of the text document with a comment
            page.goto(base + "/")
            page.click("text=某局预算.txt")
            first = page.locator(".finding").first
            rule = first.locator(".head b").inner_text()
            message = first.locator(".message").inner_text()
            first.locator("select[name=state]").select_option("dismissed")
            first.locator("input[name=comment]").fill("已与单位核对，口径不同")
            first.locator("button", has_text="保存").click()
            page.wait_for_load_state()
            judged = page.locator(".finding", has_text=message).first
            expect(judged.locator(".triage")).to_have_text("不是问题")

            # a new version of the same document (re-typeset): the dismissal is carried over
            text2 = tmp_path / "某局预算（修订）.txt"
            text2.write_text("\n\n" + seed.read_text("utf-8"), "utf-8")
            year = int(re.search(r"(20\d\d)", seed.read_text("utf-8")).group(1))
            earlier = tmp_path / "某局上年预算.txt"  # the same body's year before, for the compare chart
            earlier.write_text(seed.read_text("utf-8").replace(str(year), str(year - 1)), "utf-8")
            page.goto(base + "/")
            page.set_input_files("input[name=files]", [str(text2), str(earlier)])
            page.click("text=上传并检查")
            page.wait_for_url("**/batches/*")
            expect(page.locator("#done-note")).to_be_visible(timeout=240_000)
            page.click("text=某局预算（修订）.txt")
            again = page.locator(".finding", has_text=message).first
            expect(again.locator(".head b")).to_have_text(rule)
            expect(again.locator(".triage")).to_have_text("不是问题")
            expect(again.locator(".judged")).to_contain_text("已与单位核对，口径不同")

            # the body's two years side by side in an ECharts chart (served by the app)
            page.click("text=本单位各年度")
            chart = page.locator("#chart-basic_project svg")
            expect(chart).to_be_visible()
            expect(chart).to_contain_text(f"{year - 1}年")
            expect(chart).to_contain_text(f"{year}年")
            expect(page.locator("#chart-basic_project path").first).to_be_attached()
            assert outside == []  # every asset came from the app itself
            browser.close()
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(20)
