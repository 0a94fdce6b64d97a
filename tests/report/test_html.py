"""The HTML report: self-contained, links both ways; then a real headless Chromium loads it
(Debian's chromium driven by Playwright; skipped when either is missing — .ci/run installs both)."""

from __future__ import annotations

import os
import shutil
from collections import Counter
from html.parser import HTMLParser

import pytest
from click.testing import CliRunner

from budgetlint.cli import main
from budgetlint.pipeline import check_file
from budgetlint.report.html import render_html

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


class Scan(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: Counter = Counter()
        self.hrefs: list[str] = []
        self.srcs: list[str] = []
        self.classes: dict[str, list[str]] = {}
        self.tags: Counter = Counter()

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags[tag] += 1
        if "id" in a:
            self.ids[a["id"]] += 1
            self.classes[a["id"]] = (a.get("class") or "").split()
        if "href" in a:
            self.hrefs.append(a["href"])
        for k in ("src", "data", "srcset"):
            if k in a:
                self.srcs.append(a[k])


def scan(html: str) -> Scan:
    s = Scan()
    s.feed(html)
    return s


def test_self_contained_and_linked_both_ways(sample_result, tmp_path):
    html = render_html([sample_result, check_file(str(tmp_path / "missing.txt"))])
    s = scan(html)
    assert not s.srcs and s.tags["link"] == 0 and "@import" not in html and "url(" not in html
    assert all(h.startswith("#") for h in s.hrefs)  # nothing leaves the page
    assert [i for i, n in s.ids.items() if n > 1] == []
    assert all(h[1:] in s.ids for h in s.hrefs), [h for h in s.hrefs if h[1:] not in s.ids][:5]
    findings = sample_result.findings
    assert all(f"d1-f{k}" in s.ids for k in range(1, len(findings) + 1))
    # the wrong 本年支出合计 of table 4: highlighted, linked from its finding and back
    k = next(k for k, f in enumerate(findings, 1) if f.rule == "BL104")
    t4 = sample_result.document.tables[3]
    row = findings[k - 1].location.row
    col = t4.columns.index(t4.column("expenditure.amount"))
    cell = f"d1-t4-r{row}-c{col}"
    assert {"hl", "hl-error"} <= set(s.classes[cell])
    assert f'href="#{cell}"' in html and f'href="#d1-f{k}"' in html
    assert html.count("<svg") >= 3 and 'data-chart="expenditure_classes"' in html
    assert "无法读取" in html and "missing.txt" in html


def test_cli_writes_one_combined_file_or_one_per_document(bad_txt, sample_result, tmp_path):
    out = tmp_path / "r.html"
    r = CliRunner().invoke(main, ["check", "--format", "html", "-o", str(out), str(bad_txt), sample_result.path])
    assert r.exit_code == 1 and out.is_file()
    s = scan(out.read_text("utf-8"))
    assert "d1" in s.ids and "d2" in s.ids
    r = CliRunner().invoke(main, ["check", "--format", "html", "-o", str(tmp_path / "each") + "/", str(bad_txt),
                                  sample_result.path])
    assert r.exit_code == 1 and len(list((tmp_path / "each").glob("*.budgetlint.html"))) == 2


def _chromium() -> str:
    path = os.environ.get("BUDGETLINT_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    if not os.path.exists(path):
        pytest.skip("chromium not installed (apt-get install chromium; .ci/run does)")
    pytest.importorskip("playwright.sync_api", reason="playwright not installed (pip install -e '.[browser]')")
    return path


@pytest.fixture(scope="module")
def browser():
    path = _chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        yield b
        b.close()


def test_in_a_real_browser(browser, sample_result, tmp_path):
    out = tmp_path / "report.html"
    out.write_text(render_html([sample_result]), "utf-8")
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    errors, remote = [], []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("request", lambda req: remote.append(req.url) if not req.url.startswith(("file:", "data:")) else None)
    page.goto(out.as_uri())
    findings = sample_result.findings

    # highlighted cells are rendered and visible
    n_err_cells = page.locator("td.hl-error").count()
    assert n_err_cells >= 3
    first = page.locator("td.hl-error").first
    box = first.bounding_box()
    assert box and box["width"] > 10 and box["height"] > 5
    assert page.eval_on_selector("td.hl-error", "e => getComputedStyle(e).backgroundColor") != "rgba(0, 0, 0, 0)"

    # a finding's link lands on its cell; the cell links back to the finding
    k = next(k for k, f in enumerate(findings, 1) if f.rule == "BL104")
    page.click(f"#d1-f{k} a.goto")
    # hashchange is dispatched asynchronously: wait for the page to react, not for a fixed time.
    page.wait_for_function("location.hash.length > 1")
    cell_id = page.evaluate("location.hash.slice(1)")
    assert cell_id.startswith("d1-t4-r")
    page.wait_for_selector(f"[id='{cell_id}'].flash", timeout=5000)
    cell = page.locator(f"[id='{cell_id}']")
    assert "hl-error" in cell.get_attribute("class") and "flash" in cell.get_attribute("class")
    assert cell.is_visible() and cell.locator("text=14907.41").count() == 1
    cell.locator(f"a[href='#d1-f{k}']").click()
    page.wait_for_function(f"location.hash === '#d1-f{k}'", timeout=5000)

    # charts are drawn
    bars = page.locator("[data-chart=expenditure_classes] rect.bar")
    assert bars.count() == 5
    assert bars.first.bounding_box()["width"] > 20
    slices = page.locator("svg[data-chart=income_sources] path.slice")
    assert slices.count() == 2 and slices.first.bounding_box()["height"] > 20

    # filters: severity, then table
    shown = page.locator("li.finding:visible")
    assert shown.count() == len(findings)
    page.uncheck("#filters input[value=info]")
    assert shown.count() == sum(1 for f in findings if f.severity.value != "info")
    assert page.inner_text("#shown") == f"显示 {shown.count()} / {len(findings)} 个问题"
    page.check("#filters input[value=info]")
    page.select_option("#f-table", "d1-5")
    assert shown.count() == sum(1 for f in findings if f.location.table == 5)
    assert page.locator("details.tbl:visible").count() == 1

    assert errors == [] and remote == []
    page.close()


def test_template_shown_by_its_chinese_name(sample_result):
    from budgetlint.report.html import render_html

    page = render_html([sample_result])
    assert "山东省预算公开模板" in page and "<dd>shandong</dd>" not in page


def test_counts_follow_the_filters_and_the_document_list_sorts(browser, bad_txt, sample_result, tmp_path):
    """Unchecking a severity or choosing a document changes every count shown (summary cards,
    family table, document list, badges, groups); the document list sorts by a clicked column."""
    out = tmp_path / "two.html"
    out.write_text(render_html([sample_result, check_file(str(bad_txt))]), "utf-8")
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(out.as_uri())
    findings = sample_result.findings
    n_info = sum(1 for f in findings if f.severity.value == "info")
    assert n_info and page.inner_text("[data-count='severity=info']") == str(n_info)
    page.uncheck("#filters input[value=info]")
    assert page.inner_text(".stat.info [data-count]") == "0"
    assert page.inner_text("h3 [data-count='doc=d1']") == str(len(findings) - n_info)
    page.check("#filters input[value=info]")
    # the document filter names the documents, hides the other one and recounts
    options = page.locator("#f-doc option").all_inner_texts()
    assert options[1].startswith(sample_result.path.rsplit("/", 1)[-1]) and "bad.txt" in options[2]
    page.select_option("#f-doc", "d2")
    assert page.locator("section.doc:visible").count() == 1
    assert page.inner_text(".stat.error [data-count]") == str(sum(1 for f in check_file(str(bad_txt)).findings
                                                                   if f.severity.value == "error"))
    assert page.locator("#f-table option", has_text="bad.txt").count() >= 1  # tables name their document
    page.select_option("#f-doc", "")
    # sort the document list by 年度 then by file name
    names = lambda: page.locator("#by-document tbody tr td:nth-child(2)").all_inner_texts()  # noqa: E731
    page.click("#by-document th:has-text('文件')")
    first = names()
    assert first == sorted(first, key=lambda x: x)
    page.click("#by-document th:has-text('文件')")
    assert names() == first[::-1]
    assert errors == []
    page.close()


def test_chart_labels_fit_their_svg():
    """Long Chinese labels and large amounts stay inside the chart (estimated text widths)."""
    import re
    from decimal import Decimal

    from budgetlint.report.charts import Chart, text_width

    items = (("2130000 农林水支出（含农业农村、林业草原、水利及扶贫等）", Decimal("123456789.12")),
             ("201 一般公共服务支出", Decimal("98765.43")), ("208 社会保障和就业支出", Decimal("5.5")))
    for kind in ("bar", "pie"):
        svg = Chart("x", "测试", "万元", items, kind, "表1").svg()
        width = float(re.search(r'viewBox="0 0 ([\d.]+)', svg).group(1))
        for m in re.finditer(r'<tspan x="([\d.]+)"(?: y="[\d.]+")?(?: text-anchor="(\w+)")?[^>]*>([^<]*)</tspan>', svg):
            x, anchor, text = float(m.group(1)), m.group(2), m.group(3)
            w = text_width(text)
            left, right = (x - w, x) if anchor == "end" else (x, x + w)
            assert left >= 0 and right <= width + 0.5, (kind, text, left, right, width)
        if kind == "bar":  # the value after the longest bar, and a long label wrapped, not cut
            value = re.search(r'<text x="([\d.]+)"[^>]*class="value">([^<]*)<tspan class="share" dx="4">([^<]*)', svg)
            end = float(value.group(1)) + text_width(value.group(2)) + 4 + text_width(value.group(3), 12)
            assert end <= width
            assert svg.count("<tspan x=") > len(items)


def test_written_report_links_each_pdf_finding_to_its_page_image(tmp_path, make_pdf):
    pdf = make_pdf(tmp_path / "t.pdf")
    out = tmp_path / "r.html"
    r = CliRunner().invoke(main, ["check", "--format", "html", "-o", str(out), str(pdf)])
    assert r.exit_code == 1
    page = out.read_text("utf-8")
    s = scan(page)
    images = [x for x in s.srcs if x.endswith(".png")]
    assert len(images) == 3 and all(x.startswith("r_pages/d1/") for x in images)  # the three BL101
    assert all((tmp_path / x).is_file() for x in images)


def test_no_page_images_writes_the_report_without_pictures(tmp_path, make_pdf):
    pdf = make_pdf(tmp_path / "t.pdf")
    out = tmp_path / "r.html"
    r = CliRunner().invoke(main, ["check", "--format", "html", "--no-page-images", "-o", str(out), str(pdf)])
    assert r.exit_code == 1
    assert not [x for x in scan(out.read_text("utf-8")).srcs if x.endswith(".png")]
    assert not (tmp_path / "r_pages").exists()


def test_batch_charts_in_a_real_browser(browser, bad_txt, sample_result, tmp_path):
    """The batch's ranking chart is drawn (a visible bar per document, the first rank on top) and a
    click on a document's row goes to that document."""
    out = tmp_path / "batch.html"
    bad = check_file(str(bad_txt))
    out.write_text(render_html([bad, sample_result]), "utf-8")
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(out.as_uri())
    rows = page.locator("svg[data-chart=batch_ranking] g.row")
    assert rows.count() == 2
    first, second = rows.nth(0), rows.nth(1)
    assert first.get_attribute("data-key") == "d2"  # the sample has more errors: opened first
    assert first.bounding_box()["y"] < second.bounding_box()["y"]
    bars = page.locator("svg[data-chart=batch_ranking] rect.bar")
    assert bars.count() >= 2 and all(bars.nth(i).bounding_box()["width"] >= 1 for i in range(bars.count()))
    svg = page.locator("svg[data-chart=batch_ranking]").bounding_box()
    assert svg["width"] <= 1280 and svg["height"] > 40
    first.locator("text.legend").click()
    page.wait_for_function("location.hash === '#d2'", timeout=5000)
    assert errors == []
    page.close()
