"""``check --format png``: a review aid — each finding's page rendered to PNG, its cells boxed.

A person judges a finding in seconds when the page is in front of them with the offending value
boxed in the finding's colour (red error, amber warning, blue info) and the cells it cites
(``Finding.related``, the other side of a comparison) boxed in a second colour. One image per
finding, named ``<document>-<nnn>-<rule>-p<page>.png``, and an ``index.html`` listing them with the
messages, so that hand reviews of findings (docs/reviews/) are done from this and not by hand.

Placement is the annotated PDF's (report/pdf_annotate.py): provenance bboxes in the page's reading
frame, turned back into PDF user space with the frame ``PageFrames`` finds, then into the rendered
page's pixels under its ``/Rotate``.
"""

from __future__ import annotations

import html
import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from pypdf import PdfReader

from budgetlint.findings import Finding
from budgetlint.pipeline import Result
from budgetlint.report.pdf_annotate import (
    BBox,
    NotPdf,
    PageFrames,
    ValueFinder,
    _Mark,
    _place,
    display_to_user,
    page_box,
    parts_of,
)

SCALE = 1.6  # pixels per point: small print stays legible, a page stays under 1 MB
COLOURS = {"error": (220, 30, 30), "warning": (230, 150, 0), "info": (40, 110, 220)}
RELATED = (30, 150, 200)
WIDTH = 3  # box line width in pixels
PAD = 2.0  # points around a value
MAX_PAGES = 3  # the finding's page and up to two pages of the cells it cites


@dataclass(slots=True)
class Shot:
    """One finding's picture: the file written and what it shows."""

    finding: Finding
    path: Path | None  # None: the finding has no place on a page (document-level)
    page: int | None


def user_to_display(rect: BBox, rotation: int, box: BBox) -> BBox:
    """A PDF user-space rectangle → (x0, top, x1, bottom) on the page as displayed under
    ``rotation`` (its /Rotate); the inverse of ``display_to_user``."""
    cx0, cy0, cx1, cy1 = box
    rot = rotation % 360
    pts = []
    for ux, uy in ((rect[0], rect[1]), (rect[2], rect[3])):
        if rot == 90:
            pts.append((uy - cy0, ux - cx0))
        elif rot == 180:
            pts.append((cx1 - ux, uy - cy0))
        elif rot == 270:
            pts.append((cy1 - uy, cx1 - ux))
        else:
            pts.append((ux - cx0, cy1 - uy))
    xs, ys = [p[0] for p in pts], [p[1] for p in pts]
    return (min(xs), min(ys), max(xs), max(ys))


def _render_pages(path: str, pages: list[int], scale: float) -> dict[int, bytes]:
    """PNG bytes of each page (1-based) as displayed. Runs in a fresh process where this one has
    already replaced the machine's fonts for reading (see ingest/pdf_fonts.py), so that a person
    sees the glyphs and not boxes."""
    import io

    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(path)
    out: dict[int, bytes] = {}
    try:
        for n in pages:
            page = doc[n - 1]
            buf = io.BytesIO()
            page.render(scale=scale).to_pil().convert("RGB").save(buf, format="PNG")
            out[n] = buf.getvalue()
            page.close()
    finally:
        doc.close()
    return out


def render_pages(path: str, pages: list[int], scale: float = SCALE) -> dict[int, bytes]:
    from budgetlint.ingest import pdf_fonts

    if not pdf_fonts.installed():
        return _render_pages(path, pages, scale)
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
        return pool.submit(_render_pages, path, pages, scale).result()


def _pixels(mark: _Mark, rot: int, page, scale: float) -> BBox:
    box = page_box(page)
    left, bottom, right, top = display_to_user(mark.bbox, rot, box)
    x0, y0, x1, y1 = user_to_display((left - PAD, bottom - PAD, right + PAD, top + PAD), page.rotation, box)
    return (x0 * scale, y0 * scale, x1 * scale, y1 * scale)


def _stack(panels: list) -> object:
    """Pages one under another, a grey rule between them."""
    from PIL import Image

    if len(panels) == 1:
        return panels[0]
    gap = 12
    width = max(p.width for p in panels)
    out = Image.new("RGB", (width, sum(p.height for p in panels) + gap * (len(panels) - 1)), (160, 160, 160))
    y = 0
    for p in panels:
        out.paste(p, (0, y))
        y += p.height + gap
    return out


def finding_images(result: Result, out_dir: Path, scale: float = SCALE) -> list[Shot]:
    """Write one PNG per finding of ``result`` that has a place on a page; returns every finding
    with its image (or None)."""
    import io

    from PIL import Image, ImageDraw

    doc = result.document
    if doc is None or doc.meta.source_format != "pdf":
        raise NotPdf(result.path)
    out_dir.mkdir(parents=True, exist_ok=True)
    reader = PdfReader(result.path)
    frames = PageFrames(result.path)
    finder = ValueFinder(parts_of(doc, result.path))  # a prose finding: its figure, not the line
    plans: list[tuple[Finding, list[_Mark]]] = []
    for f in result.findings:
        where = _place(doc, f.location, finder, f)
        own = [_Mark(*where, findings=[f])] if where is not None else []
        cited = [_Mark(*w) for rel in f.related if (w := _place(doc, rel)) is not None]
        plans.append((f, own + cited))
    finder.close()
    wanted = sorted({m.page for _, marks in plans for m in marks if 1 <= m.page <= len(reader.pages)})
    images = render_pages(result.path, wanted, scale) if wanted else {}
    stem = Path(result.path).stem
    shots: list[Shot] = []
    for n, (f, marks) in enumerate(plans, 1):
        # the finding's page first, then the pages of the cells it cites (the other table)
        pages = list(dict.fromkeys(m.page for m in marks if m.page in images))[:MAX_PAGES]
        if not pages:
            shots.append(Shot(f, None, f.location.page))
            continue
        panels = []
        for page_no in pages:
            page = reader.pages[page_no - 1]
            on_page = [m for m in marks if m.page == page_no]
            rot = frames.rotation(page_no, page, on_page)
            img = Image.open(io.BytesIO(images[page_no])).convert("RGB")
            draw = ImageDraw.Draw(img)
            for m in on_page:
                colour = COLOURS[f.severity.value] if m.findings else RELATED
                draw.rectangle(_pixels(m, rot, page, scale), outline=colour, width=WIDTH)
            panels.append(img)
        path = out_dir / f"{stem}-{n:03d}-{f.rule}-p{pages[0]}.png"
        _stack(panels).save(path)
        shots.append(Shot(f, path, pages[0]))
    frames.close()
    return shots


def write_index(shots_by_doc: list[tuple[Result, list[Shot]]], out_dir: Path) -> Path:
    """``index.html``: each finding's message beside its picture, document by document."""
    e = html.escape
    parts = ['<!doctype html><html lang="zh-CN"><meta charset="utf-8"><title>问题页面图</title>',
             "<style>body{font-family:sans-serif;margin:1.5em}figure{margin:1em 0 2em}"
             "img{max-width:100%;border:1px solid #ccc}.error{color:#c00}.warning{color:#b37400}"
             ".info{color:#2866c8}.legend span{display:inline-block;width:1em;height:.8em;margin:0 .3em}</style>",
             "<h1>问题页面图</h1><p class='legend'>方框：<span style='border:2px solid rgb(220,30,30)'></span>问题所在单元格"
             "（颜色按级别）<span style='border:2px solid rgb(30,150,200)'></span>问题引用的相关单元格</p>"]
    for result, shots in shots_by_doc:
        parts.append(f"<h2>{e(Path(result.path).name)}</h2>")
        for s in shots:
            f = s.finding
            head = (f'<b class="{f.severity.value}">{e(f.rule)} [{e(f.severity.label)}]</b> '
                    f'{"p" + str(s.page) + " " if s.page else ""}{e(f.message)}')
            if s.path is None:
                parts.append(f"<p>{head}<br><i>（没有可定位的单元格）</i></p>")
            else:
                parts.append(f'<figure><figcaption>{head}</figcaption><img src="{e(s.path.name)}" '
                             f'alt="{e(f.rule)}"></figure>')
    index = out_dir / "index.html"
    index.write_text("".join(parts), encoding="utf-8")
    return index
