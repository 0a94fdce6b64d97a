"""Make the README's screenshots of the HTML report and of the annotated PDF (docs/img/).

Also the HTML ranking of several documents (report-html-ranking.png, from ``--ranking-docs``:
default the seeds in ../shared/seeds/ and the sample) and one finding of a PDF with its page
image opened (report-html-page-image.png, from ``--pdf-doc``).

    .venv/bin/python -m pip install -e '.[browser]'     # playwright; the browser is Debian's chromium
    .venv/bin/python scripts/screenshots.py             # → docs/img/report-html*.png, report-pdf.png
    .venv/bin/python scripts/screenshots.py --html-doc FILE --pdf-doc FILE.pdf

The HTML report is rendered from ``--html-doc`` (default: the bundled Shandong sample, whose
errors are documented) and photographed in headless Chromium: the top of the page (summary,
filters, charts) and the table around the first highlighted error. The annotated PDF is made
from ``--pdf-doc`` (default: a corpus document in ../shared/corpus/); the page with the most
error highlights is rendered with PDFium (which draws the annotations) and shown with the note
a PDF viewer opens on the first highlight. CJK fonts must be installed for Chinese text
(Debian: fonts-noto-cjk).
"""

from __future__ import annotations

import argparse
import base64
import ctypes
import html
import io
import os
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from budgetlint.pipeline import check_file  # noqa: E402
from budgetlint.report.html import render_html, write_html  # noqa: E402
from budgetlint.report.pdf_annotate import annotate_pdf  # noqa: E402

ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
SAMPLE = ROOT / "samples" / "shandong-department-budget-2024.txt"
# A real document error (BL604: a table noted as empty that shows figures), not a reading issue.
CORPUS_PDF = ROOT.parent / "shared" / "corpus" / "上海市普陀区人民政府万里街道办事处24年预算.pdf"


def _shown(path: Path) -> str:
    """The path as a reviewer would type it in the repository (relative where possible)."""
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return os.path.relpath(path.resolve(), Path.cwd())


def chromium() -> str:
    path = os.environ.get("BUDGETLINT_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    if not os.path.exists(path):
        sys.exit("需要 chromium（Debian: apt-get install chromium fonts-noto-cjk）")
    return path


def html_shots(browser, doc: Path, out: Path) -> list[Path]:
    result = check_file(_shown(doc))
    if result.error:
        sys.exit(f"{doc}: {result.error}")
    with tempfile.TemporaryDirectory() as tmp:
        page_file = Path(tmp) / "report.html"
        page_file.write_text(render_html([result]), "utf-8")
        page = browser.new_page(viewport={"width": 1280, "height": 900}, device_scale_factor=1)
        page.goto(page_file.as_uri())
        charts = page.locator(".charts").first.bounding_box()
        bottom = (charts["y"] + charts["height"] + 16) if charts else 1100
        top_shot = out / "report-html.png"
        page.screenshot(path=str(top_shot), clip={"x": 0, "y": 0, "width": 1280, "height": min(bottom, 1500)},
                        full_page=True)
        # the table with the most highlighted errors near its top: follow a finding's link to it,
        # as a reviewer would, and photograph the table from its caption down
        page.evaluate("document.getElementById('filters').style.position='static'")
        best = page.evaluate("""() => {
            let best = null;
            document.querySelectorAll('details.tbl').forEach(d => {
              const top = d.getBoundingClientRect().top;
              const cells = [...d.querySelectorAll('td.hl-error')]
                .filter(c => c.getBoundingClientRect().top - top < 520);
              if (cells.length && (!best || cells.length > best.n)) best = {id: d.id, n: cells.length, cell: cells[0].id};
            });
            return best;
        }""")
        shots = [top_shot]
        if best:
            link = page.locator(f"li.finding a.goto[href='#{best['cell']}']").first
            if link.count():
                link.click()
            else:
                page.evaluate(f"location.hash = '#{best['cell']}'")
            box = page.evaluate(f"""() => {{ const r = document.getElementById('{best['id']}').getBoundingClientRect();
                return {{x: r.x, y: r.y + window.scrollY, w: r.width, h: r.height}}; }}""")
            page.mouse.move(0, 0)
            table_shot = out / "report-html-table.png"
            page.screenshot(path=str(table_shot), full_page=True,
                            clip={"x": box["x"], "y": box["y"], "width": box["w"], "height": min(box["h"], 640)})
            shots.append(table_shot)
        page.close()
    return shots


def ranking_shot(browser, docs: list[Path], out: Path) -> Path:
    """The document list of a report over several documents, in the order to open them."""
    results = [check_file(_shown(d)) for d in docs]
    with tempfile.TemporaryDirectory() as tmp:
        page_file = Path(tmp) / "report.html"
        page_file.write_text(render_html(results), "utf-8")
        page = browser.new_page(viewport={"width": 1280, "height": 900}, device_scale_factor=1)
        page.goto(page_file.as_uri())
        shot = out / "report-html-ranking.png"
        page.locator("#summary").screenshot(path=str(shot))
        page.close()
    return shot


def page_image_shot(browser, doc: Path, out: Path) -> Path | None:
    """The first error of a PDF document in the HTML report, its page image opened (the page
    rendered with the value boxed, written beside the report by ``write_html``)."""
    result = check_file(_shown(doc))
    if result.error:
        sys.exit(f"{doc}: {result.error}")
    with tempfile.TemporaryDirectory() as tmp:
        page_file = Path(tmp) / "report.html"
        write_html([result], page_file)
        page = browser.new_page(viewport={"width": 1280, "height": 900}, device_scale_factor=1)
        page.goto(page_file.as_uri())
        item = page.locator("li.finding.error:has(details.pageimg)").first
        if not item.count():
            page.close()
            print(f"跳过页面图截图：{doc} 没有带页面图的错误", file=sys.stderr)
            return None
        item.locator("details.pageimg summary").click()
        item.locator("img").evaluate("img => img.complete || new Promise(r => img.onload = r)")
        page.evaluate("document.getElementById('filters').style.position='static'")
        shot = out / "report-html-page-image.png"
        item.screenshot(path=str(shot))
        page.close()
    return shot


def pdf_shot(browser, doc: Path, out: Path) -> Path:
    import pypdfium2 as pdfium
    import pypdfium2.raw as raw
    from pypdf import PdfReader

    result = check_file(_shown(doc))
    if result.error:
        sys.exit(f"{doc}: {result.error}")
    with tempfile.TemporaryDirectory() as tmp:
        annotated = Path(tmp) / "annotated.pdf"
        annotate_pdf(result, annotated)
        reader = PdfReader(annotated)
        best, best_key = None, (-1, -1)
        for i, p in enumerate(reader.pages):
            highs = [a.get_object() for a in p.get("/Annots") or [] if a.get_object()["/Subtype"] == "/Highlight"]
            reds = sum(1 for a in highs if float(a["/C"][1]) < 0.5)
            if (reds, len(highs)) > best_key and highs:
                best, best_key = (i, highs), (reds, len(highs))
        if best is None:
            sys.exit(f"{doc}: 没有可定位到单元格的问题，换一个文档（--pdf-doc）")
        index, highs = best
        label = reader.page_labels[index]  # the page's own number (a summary page comes first)
        highs.sort(key=lambda a: float(a["/C"][1]))  # red (error) first
        scale = 1.6
        pdf = pdfium.PdfDocument(str(annotated))
        page = pdf[index]
        bitmap = page.render(scale=scale, draw_annots=True)
        image = bitmap.to_pil()
        w, h = image.size

        def to_px(x: float, y: float) -> tuple[int, int]:
            dx, dy = ctypes.c_int(), ctypes.c_int()
            raw.FPDF_PageToDevice(page.raw, 0, 0, w, h, 0, x, y, dx, dy)
            return dx.value, dy.value

        boxes = []
        for a in highs:
            r = [float(v) for v in a["/Rect"]]
            (x0, y0), (x1, y1) = to_px(r[0], r[3]), to_px(r[2], r[1])
            boxes.append((min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1)))
        top = max(0, min(b[1] for b in boxes) - int(260 * scale))
        bottom = min(h, max(b[3] for b in boxes) + int(110 * scale))
        crop = image.crop((0, top, w, bottom))
        buf = io.BytesIO()
        crop.save(buf, "PNG")
        data = base64.b64encode(buf.getvalue()).decode()
        hx0, hy0, hx1, hy1 = boxes[0]
        note = str(highs[0]["/Contents"])
        note_x = min(hx1 + 40, w - 430)
        note_y = max(8, hy0 - top - 30)
        page_html = f"""<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><style>
body{{margin:0;background:#525659;font:13px/1.5 "Noto Sans CJK SC","Microsoft YaHei",sans-serif}}
.wrap{{position:relative;width:{w}px;margin:0}}
img{{display:block;box-shadow:0 2px 12px rgba(0,0,0,.4)}}
.note{{position:absolute;left:{note_x}px;top:{note_y}px;width:400px;background:#fffbe6;border:1px solid #d4b106;
border-radius:4px;box-shadow:0 4px 14px rgba(0,0,0,.35);padding:0}}
.note h4{{margin:0;padding:5px 10px;background:#ffe58f;font-size:13px;border-bottom:1px solid #d4b106}}
.note pre{{margin:0;padding:8px 10px;white-space:pre-wrap;font:inherit;color:#222}}
svg{{position:absolute;left:0;top:0;pointer-events:none}}
</style></head><body><div class="wrap"><img src="data:image/png;base64,{data}" width="{w}">
<svg width="{w}" height="{bottom - top}"><line x1="{hx1}" y1="{(hy0 + hy1) // 2 - top}" x2="{note_x}"
y2="{note_y + 16}" stroke="#d4b106" stroke-width="1.5"/></svg>
<div class="note"><h4>budgetlint 批注（第 {label} 页）</h4><pre>{html.escape(note)}</pre></div></div></body></html>"""
        bitmap.close()
        page.close()
        pdf.close()
        page_file = Path(tmp) / "pdf.html"
        page_file.write_text(page_html, "utf-8")
        bpage = browser.new_page(viewport={"width": w, "height": bottom - top}, device_scale_factor=1)
        bpage.goto(page_file.as_uri())
        shot = out / "report-pdf.png"
        bpage.screenshot(path=str(shot), full_page=True)
        bpage.close()
    return shot


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--html-doc", type=Path, default=SAMPLE)
    ap.add_argument("--pdf-doc", type=Path, default=CORPUS_PDF)
    ap.add_argument("--ranking-docs", type=Path, nargs="*", default=None,
                    help="documents for the ranking screenshot (default: ../shared/seeds/*.txt, first 6, and the sample)")
    ap.add_argument("--out", type=Path, default=ROOT / "docs" / "img")
    args = ap.parse_args()
    from playwright.sync_api import sync_playwright

    html_doc, pdf_doc, out = args.html_doc.resolve(), args.pdf_doc.resolve(), args.out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    os.chdir(ROOT)  # document paths in the report relative to the repository
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium(), args=ARGS)
        written = html_shots(browser, html_doc, out)
        ranking = args.ranking_docs or sorted((ROOT.parent / "shared" / "seeds").glob("*.txt"))[:6] + [SAMPLE]
        written.append(ranking_shot(browser, [d.resolve() for d in ranking], out))
        if pdf_doc.is_file():
            written.append(pdf_shot(browser, pdf_doc, out))
            shot = page_image_shot(browser, pdf_doc, out)
            if shot is not None:
                written.append(shot)
        else:
            print(f"跳过批注 PDF 截图：{pdf_doc} 不存在", file=sys.stderr)
        browser.close()
    for w in written:
        print(f"已写入 {w.relative_to(ROOT) if w.is_relative_to(ROOT) else w}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
