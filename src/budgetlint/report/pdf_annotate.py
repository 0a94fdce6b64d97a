"""``check --format pdf``: the original PDF with each finding marked where it is (pypdf).

Each offending value gets a Highlight annotation over its bbox (red for error, yellow for
warning, blue for info) whose ``/Contents`` holds the finding(s) in Chinese; a cell a finding
only cites (``Finding.related``) gets a dashed Square annotation. A row-level finding marks the
row's bbox. Findings with no place on a page (document-level ones, or values without a bbox)
are gathered into one Text (sticky note) annotation at the top left of their page, or of the
first page.

Each annotated copy starts with a summary page (what was checked, counts, every finding with its
page; reportlab with its built-in CJK font) and carries a bookmark per finding, errors first.
A prose finding is marked on the figure it is about, found in the PDF's text from the line its
sentence starts on (``ValueFinder``). A document read from several files (``a.pdf+b.pdf``) gets
each PDF file annotated with its own pages' findings (``pdf_parts``).

Coordinates: provenance bboxes are (x0, top, x1, bottom) in PDF points with a top-left origin,
in the page's reading orientation, relative to the crop box, which is what PDF ingest records.
``display_to_user`` turns them back into PDF user space for a given rotation. The rotation is
the page's ``/Rotate`` for upright text; a table printed sideways on a portrait page is read in
a turned frame, so each page's rotation is checked against the PDF's own text layer: the one
under which the marked rectangles hold the values' printed text wins (``PageFrames``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from pypdf import PdfReader, PdfWriter
from pypdf.annotations import Highlight, Rectangle, Text
from pypdf.generic import ArrayObject, FloatObject, NameObject, NumberObject, TextStringObject

from budgetlint.findings import Finding, Location
from budgetlint.model import Document
from budgetlint.pipeline import Result
from budgetlint.report.common import find_cell, finding_note

BBox = tuple[float, float, float, float]
COLOURS = {"error": "ff3b30", "warning": "ffcc00", "info": "4a90e2"}
CITED_COLOUR = "7a8796"
PAD = 1.0  # points around a value
OPACITY = 0.45  # of a highlight, so the value under it stays legible in every viewer


class NotPdf(Exception):
    """The checked file is not a PDF: there is no original to annotate."""


def display_to_user(bbox: BBox, rotation: int, box: BBox) -> BBox:
    """A displayed (x0, top, x1, bottom) rectangle → PDF user space (left, bottom, right, top).

    ``rotation`` is the clockwise display rotation (0, 90, 180, 270); ``box`` the crop box
    (x0, y0, x1, y1) in user space. Inverse of the mapping PDF ingest applies.
    """
    x0, top, x1, bottom = bbox
    cx0, cy0, cx1, cy1 = box
    rot = rotation % 360
    if rot == 90:
        return (top + cx0, x0 + cy0, bottom + cx0, x1 + cy0)
    if rot == 180:
        return (cx1 - x1, top + cy0, cx1 - x0, bottom + cy0)
    if rot == 270:
        return (cx1 - bottom, cy1 - x1, cx1 - top, cy1 - x0)
    return (x0 + cx0, cy1 - bottom, x1 + cx0, cy1 - top)


def display_point_to_user(x: float, y: float, rotation: int, box: BBox) -> tuple[float, float]:
    """One displayed point (top-left origin) → PDF user space; see ``display_to_user``."""
    cx0, cy0, cx1, cy1 = box
    rot = rotation % 360
    if rot == 90:
        return (y + cx0, x + cy0)
    if rot == 180:
        return (cx1 - x, y + cy0)
    if rot == 270:
        return (cx1 - y, cy1 - x)
    return (x + cx0, cy1 - y)


def highlight_quad(bbox: BBox, rotation: int, box: BBox, pad: float = 0.0) -> list[float]:
    """QuadPoints of a displayed rectangle: upper-left, upper-right, lower-left, lower-right as the
    text reads, so viewers draw the highlight along the text whatever the page's rotation."""
    x0, top, x1, bottom = bbox[0] - pad, bbox[1] - pad, bbox[2] + pad, bbox[3] + pad
    out: list[float] = []
    for x, y in ((x0, top), (x1, top), (x0, bottom), (x1, bottom)):
        out.extend(display_point_to_user(x, y, rotation, box))
    return out


def page_box(page) -> BBox:
    b = page.cropbox
    xs = (float(b.left), float(b.right))
    ys = (float(b.bottom), float(b.top))
    return (min(xs), min(ys), max(xs), max(ys))


def _digits(text: str) -> str:
    return "".join(ch for ch in text if ch.isdigit() or ch in ".-")


class PageFrames:
    """Which rotation maps a page's provenance bboxes back onto its text (see the module doc).

    Candidates: the page's ``/Rotate`` first, then the other quarter turns. Each is scored by how
    many marked values' printed digits the PDF text layer shows inside the rectangle; the page's
    ``/Rotate`` wins ties (and pages with nothing to check)."""

    def __init__(self, path: str) -> None:
        self.path = path
        self._pdf = None
        self._cache: dict[int, int] = {}

    def _text_in(self, page_no: int, rect: BBox) -> str | None:
        try:
            if self._pdf is None:
                import pypdfium2 as pdfium

                from budgetlint.ingest import pdf_fonts

                pdf_fonts.install()
                self._pdf = pdfium.PdfDocument(self.path)
            page = self._pdf[page_no - 1]
            tp = page.get_textpage()
            try:
                return tp.get_text_bounded(left=rect[0] - 2, bottom=rect[1] - 2, right=rect[2] + 2, top=rect[3] + 2)
            finally:
                tp.close()
                page.close()
        except Exception:  # no text layer to check against: trust /Rotate
            return None

    def rotation(self, page_no: int, page, marks: list[_Mark]) -> int:
        if page_no in self._cache:
            return self._cache[page_no]
        box = page_box(page)
        samples = [m for m in marks if len(_digits(m.text)) >= 2][:6]
        candidates = list(dict.fromkeys([page.rotation % 360, 0, 90, 270, 180]))
        best, best_score = candidates[0], 0
        if samples:
            for rot in candidates:
                score = 0
                for m in samples:
                    got = self._text_in(page_no, display_to_user(m.bbox, rot, box))
                    if got is None:
                        return self._remember(page_no, best)
                    if _digits(m.text) in _digits(got.replace(",", "")):
                        score += 1
                if score > best_score:
                    best, best_score = rot, score
                if score == len(samples):
                    break
        return self._remember(page_no, best)

    def _remember(self, page_no: int, rot: int) -> int:
        self._cache[page_no] = rot
        return rot

    def close(self) -> None:
        if self._pdf is not None:
            self._pdf.close()
            self._pdf = None


@dataclass(slots=True)
class _Mark:
    page: int
    bbox: BBox
    text: str = ""  # the printed value (or row label) under the mark, to verify the placement
    findings: list[Finding] = field(default_factory=list)
    cited_by: list[Finding] = field(default_factory=list)


def _place(doc: Document, loc: Location, finder: ValueFinder | None = None,
           finding: Finding | None = None) -> tuple[int, BBox, str] | None:
    """Page, displayed bbox and printed text of the value (or row) a location points at.

    A table value has its own cell's box. A prose finding's location is the line its sentence
    starts on; with a ``finder`` the figure the finding is about (``found``) is looked up in the
    PDF's text from that line on, so that the mark covers the figure and not a line that may not
    even hold it (a sentence running onto the next line)."""
    hit = find_cell(doc, loc)
    if hit is not None:
        _table, row, value = hit
        prov = value.provenance if value is not None else row.provenance
        if prov.bbox is not None and prov.page is not None:
            return prov.page, prov.bbox, value.raw if value is not None else ""
    if loc.bbox is not None and loc.page is not None:
        if finder is not None and finding is not None and finding.location is loc:
            got = finder.figure_box(loc.page, loc.bbox, finding.found, finding.evidence)
            if got is not None:
                return loc.page, got[0], got[1]
        return loc.page, loc.bbox, ""
    return None


_NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?%?")
_NOT_TEXT = re.compile(r"[\s,，.。、;；:：()（）%]")
PARAGRAPH_LINES = 4  # a sentence's figure is looked for on its first line and the few after it


def parts_of(doc: Document, path: str) -> list[tuple[str, int, int]]:
    """The files a document was read from, each with its first and last page in the document's
    numbering: ``a.pdf+b.pdf`` is read as one document whose pages follow each other (ingest
    notes "第 1–12 页来自 a.pdf"); a single file is all its pages."""
    ranges = []
    for note in doc.notes:
        m = re.fullmatch(r"第 (\d+)–(\d+) 页来自 (.+)", note)
        if m:
            ranges.append((m.group(3), int(m.group(1)), int(m.group(2))))
    return ranges or [(path, 1, 10**9)]


class ValueFinder:
    """Finds where a figure is printed near a line, in the PDF's own text layer (pypdfium2, the
    characters in the reading frame ingest uses). Pages are the document's (several files: each
    page looked up in its own file)."""

    def __init__(self, parts: list[tuple[str, int, int]]) -> None:
        self.parts = parts
        self._docs: dict[str, object] = {}
        self._chars: dict[int, list] = {}

    def _page_chars(self, page_no: int) -> list:
        if page_no in self._chars:
            return self._chars[page_no]
        chars: list = []
        part = next(((p, first) for p, first, last in self.parts if first <= page_no <= last), None)
        if part is not None and part[0].lower().endswith(".pdf"):
            try:
                import pypdfium2 as pdfium
                import pypdfium2.raw as raw

                from budgetlint.ingest import pdf_fonts
                from budgetlint.ingest.pdf import page_chars

                pdf_fonts.install()
                if part[0] not in self._docs:
                    self._docs[part[0]] = pdfium.PdfDocument(part[0])
                page = self._docs[part[0]][page_no - part[1]]
                tp = page.get_textpage()
                try:
                    chars = page_chars(page, tp, raw)[0]
                finally:
                    tp.close()
                    page.close()
            except Exception:  # no text layer to search: the line stays the mark
                chars = []
        self._chars[page_no] = chars
        return chars

    def figure_box(self, page_no: int, line: BBox, figure: object, evidence: str | None
                   ) -> tuple[BBox, str] | None:
        """Box and text of ``figure`` as printed from ``line`` on (within a paragraph's lines),
        after the finding's evidence sentence starts when it can be found; None if not printed."""
        want = _as_number(figure)
        if want is None:
            return None
        height = max(line[3] - line[1], 1.0)
        low, high = line[1] - height / 2, line[3] + PARAGRAPH_LINES * height * 1.6
        chars = [c for c in self._page_chars(page_no) if low <= (c.top + c.bottom) / 2 <= high]
        text = "".join(c.text for c in chars)
        start = _anchor(text, evidence)
        for m in _NUMBER.finditer(text, start):
            if _as_number(m.group().rstrip("%")) == want:
                span = chars[m.start():m.end()]
                box = (min(c.x0 for c in span), min(c.top for c in span),
                       max(c.x1 for c in span), max(c.bottom for c in span))
                if box[3] - box[1] <= 2 * height:  # one line, not a figure broken over two
                    return box, m.group()
        return None

    def close(self) -> None:
        for d in self._docs.values():
            d.close()
        self._docs.clear()


def _as_number(x: object) -> Decimal | None:
    if isinstance(x, Decimal):
        return abs(x)
    if isinstance(x, str):
        try:
            return abs(Decimal(x.replace(",", "")))
        except InvalidOperation:
            return None
    return None


def _anchor(text: str, evidence: str | None) -> int:
    """Where the evidence sentence starts in ``text`` (punctuation ignored), else 0."""
    if not evidence:
        return 0
    kept = [(i, ch) for i, ch in enumerate(text) if not _NOT_TEXT.match(ch)]
    flat = "".join(ch for _, ch in kept)
    probe = _NOT_TEXT.sub("", evidence)[:12]
    at = flat.find(probe) if probe else -1
    return kept[at][0] if at >= 0 else 0


def plan(doc: Document, findings: list[Finding], finder: ValueFinder | None = None
         ) -> tuple[list[_Mark], dict[int, list[Finding]]]:
    """Marks to draw (one per distinct place) and the findings that have no place, by page (0: none)."""
    marks: dict[tuple[int, BBox], _Mark] = {}
    loose: dict[int, list[Finding]] = {}
    for f in findings:
        where = _place(doc, f.location, finder, f)
        if where is None:
            loose.setdefault(f.location.page or 0, []).append(f)
        else:
            marks.setdefault(where[:2], _Mark(*where)).findings.append(f)
        for rel in f.related:
            w = _place(doc, rel)
            if w is not None and (where is None or w[:2] != where[:2]):
                m = marks.setdefault(w[:2], _Mark(*w))
                if f not in m.cited_by:
                    m.cited_by.append(f)
    return list(marks.values()), loose


def _contents(m: _Mark) -> str:
    parts = [finding_note(f) for f in m.findings]
    parts += ["相关（被以下问题引用）：\n" + finding_note(f) for f in m.cited_by if f not in m.findings]
    return "\n\n".join(parts)


def _common(annot, title: str, subject: str, contents: str) -> None:
    annot[NameObject("/Contents")] = TextStringObject(contents)
    annot[NameObject("/T")] = TextStringObject(title)
    annot[NameObject("/Subj")] = TextStringObject(subject)
    annot[NameObject("/F")] = NumberObject(4)  # print


def pdf_parts(result: Result) -> list[tuple[str, int, int]]:
    """The PDF files of a checked document with their pages in its numbering: one for a PDF,
    each PDF file of a document read from several (``说明.pdf+报表.pdf``)."""
    doc = result.document
    if doc is None:
        return []
    formats = doc.meta.source_format.split("+")
    parts = parts_of(doc, result.path)
    if len(parts) != len(formats):
        return parts if formats == ["pdf"] else []
    return [p for p, fmt in zip(parts, formats, strict=True) if fmt == "pdf"]


def annotate_pdf(result: Result, out: Path | str, part: tuple[str, int, int] | None = None) -> int:
    """Write the annotated copy of one PDF file of ``result`` (``part``, from ``pdf_parts``; by
    default its only one) to ``out``: a summary page first (counts, and every finding with its
    page), a highlight on each value, a bookmark per finding. Returns the number of annotations."""
    parts = pdf_parts(result)
    if not parts or (part is None and len(parts) > 1):
        raise NotPdf(result.path)
    path, first, last = part or parts[0]
    reader = PdfReader(path)
    writer = PdfWriter(clone_from=reader)
    frames = PageFrames(path)
    finder = ValueFinder(parts_of(result.document, result.path))
    marks, loose = plan(result.document, result.findings, finder)
    finder.close()
    pages = writer.pages
    offset = first - 1
    mine = [m for m in marks if first <= m.page <= last]
    for m in mine:
        m.page -= offset  # the document's page → this file's page
    loose = _loose_of_part(loose, first, last, parts)
    n = 0
    by_page: dict[int, list[_Mark]] = {}
    for m in mine:
        by_page.setdefault(m.page, []).append(m)
    places: list[tuple[Finding, int, float | None]] = []  # bookmarks: finding, page index, top
    for m in mine:
        if not 1 <= m.page <= len(pages):
            loose.setdefault(0, []).extend(m.findings)
            continue
        page = pages[m.page - 1]
        rot = frames.rotation(m.page, page, by_page[m.page])
        box = page_box(page)
        left, bottom, right, top = display_to_user(m.bbox, rot, box)
        rect = (left - PAD, bottom - PAD, right + PAD, top + PAD)
        if m.findings:
            worst = max(m.findings, key=lambda f: f.severity.rank)
            quad = ArrayObject(FloatObject(v) for v in highlight_quad(m.bbox, rot, box, PAD))
            annot = Highlight(rect=rect, quad_points=quad, highlight_color=COLOURS[worst.severity.value],
                              printing=True)
            annot[NameObject("/CA")] = FloatObject(OPACITY)
            subject = " ".join(dict.fromkeys(f.rule for f in m.findings))
            places.extend((f, m.page - 1, top + 24) for f in m.findings)
        else:
            annot = Rectangle(rect=rect, border_color=CITED_COLOUR)
            annot[NameObject("/BS")] = _dashed()
            subject = "相关 " + " ".join(dict.fromkeys(f.rule for f in m.cited_by))
        _common(annot, "budgetlint", subject, _contents(m))
        writer.add_annotation(page_number=m.page - 1, annotation=annot)
        n += 1
    for page_no, findings in sorted(loose.items()):
        index = page_no - 1 if 1 <= page_no <= len(pages) else 0
        if not pages:
            break
        page = pages[index]
        box = page_box(page)
        left, bottom, right, top = display_to_user((12, 12, 32, 32), page.rotation, box)
        text = "budgetlint：本页（或本文件）未能定位到单元格的问题\n\n" + "\n\n".join(finding_note(f) for f in findings)
        annot = Text(rect=(left, bottom, right, top), text=text)
        _common(annot, "budgetlint", "文件级问题", text)
        annot[NameObject("/Name")] = NameObject("/Note")
        writer.add_annotation(page_number=index, annotation=annot)
        places.extend((f, index, None) for f in findings)
        n += 1
    frames.close()
    places.sort(key=lambda p: (-p[0].severity.rank, p[1], -(p[2] or 1e9)))
    front = _summary_pages(writer, result, Path(path).name, places, offset)
    _bookmarks(writer, places, front)
    with open(out, "wb") as fh:
        writer.write(fh)
    return n


def _loose_of_part(loose: dict[int, list[Finding]], first: int, last: int, parts: list[tuple[str, int, int]]
                   ) -> dict[int, list[Finding]]:
    """The findings without a mark that this file shows: those of its pages, and (in the first
    PDF file) those of no page or of a page of no PDF file."""
    out: dict[int, list[Finding]] = {}
    for page, findings in loose.items():
        if first <= page <= last:
            out.setdefault(page - first + 1, []).extend(findings)
        elif first == parts[0][1] and not any(a <= page <= b for _, a, b in parts):
            out.setdefault(0, []).extend(findings)
    return out


def _bookmark_title(f: Finding, page: int | None) -> str:
    where = f"第{page}页 " if page else ""
    text = f"[{f.severity.label}] {f.rule} {where}{f.message}"
    return text if len(text) <= 90 else text[:89] + "…"


def _bookmarks(writer: PdfWriter, places: list[tuple[Finding, int, float | None]], front: int) -> None:
    """One bookmark per finding (errors first), under one per severity, each opening its page at
    the mark; the summary page, when there is one, is the first bookmark."""
    from pypdf.generic import Fit

    if front:
        writer.add_outline_item(title="budgetlint 检查摘要", page_number=0)
    parents: dict[str, object] = {}
    for f, index, top in places:
        label = f.severity.label
        if label not in parents:
            count = sum(1 for g, _, _ in places if g.severity is f.severity)
            parents[label] = writer.add_outline_item(title=f"{label}（{count}）", page_number=index + front)
        fit = Fit.xyz(top=top) if top is not None else Fit.fit()
        writer.add_outline_item(title=_bookmark_title(f, index + 1), page_number=index + front,
                                parent=parents[label], fit=fit)


SUMMARY_FONT = "STSong-Light"  # Adobe's standard Chinese font: a viewer supplies it, nothing embedded


def _summary_pages(writer: PdfWriter, result: Result, name: str, places: list[tuple[Finding, int, float | None]],
                   offset: int) -> int:
    """Put the summary (the file, what was checked, counts by severity, every finding with its
    page) before the first page; returns how many pages it took. Laid out with reportlab (its
    built-in CJK font); without reportlab there is no summary page (the bookmarks remain)."""
    import io

    try:
        from reportlab.lib.pagesizes import A4
        from reportlab.pdfbase import pdfmetrics
        from reportlab.pdfbase.cidfonts import UnicodeCIDFont
        from reportlab.pdfgen.canvas import Canvas
    except ImportError:
        return 0
    if SUMMARY_FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(SUMMARY_FONT))
    lines = summary_lines(result, name, places, offset)
    buf = io.BytesIO()
    canvas = Canvas(buf, pagesize=A4)
    width, height = A4
    margin, size = 48, 9.5
    y = height - margin
    for text, style in lines:
        y -= 6 if style == "head" else 0
        font_size = {"title": 15, "head": 11.5}.get(style, size)
        for piece in _wrap(text, pdfmetrics.stringWidth, font_size, width - 2 * margin - (12 if style == "item" else 0)):
            if y < margin + font_size:
                canvas.showPage()
                y = height - margin
            canvas.setFont(SUMMARY_FONT, font_size)
            canvas.setFillColorRGB(*_rgb(style))
            canvas.drawString(margin + (12 if style == "item" and not piece.startswith("[") else 0), y, piece)
            y -= font_size * 1.45
        y -= {"title": 8, "head": 4}.get(style, 0)
    canvas.showPage()
    canvas.save()
    summary = PdfReader(io.BytesIO(buf.getvalue()))
    front = len(summary.pages)
    total = len(writer.pages)
    for i, page in enumerate(summary.pages):
        writer.insert_page(page, i)
    # the original pages keep their printed numbers in a viewer; the summary is "摘要1…"
    writer.set_page_label(0, front - 1, prefix="摘要", start=1, style="/D")
    if total:
        writer.set_page_label(front, front + total - 1, style="/D", start=1)
    return front


def summary_lines(result: Result, name: str, places: list[tuple[Finding, int, float | None]],
                  offset: int) -> list[tuple[str, str]]:
    """The summary page's lines (text, style): title, what was checked, counts, the findings."""
    from collections import Counter

    by = Counter(f.severity.label for f, _, _ in places)
    out = [(f"budgetlint 检查摘要：{name}", "title")]
    cov = result.coverage
    if cov is not None:
        out.append((f"检查范围：{cov.status.label}；表格 已核对 {cov.tables_checked}/{cov.tables}；"
                     f"说明数字 已核对 {cov.claims_bound}/{cov.claims_total}", "text"))
    out.append(("问题：" + "，".join(f"{label} {by[label]} 个" for label in ("错误", "警告", "提示")), "text"))
    if offset:
        out.append((f"本文件是合并检查的文档的一部分（从合并后的第 {offset + 1} 页起）；下列页码为本文件的页码。", "text"))
    out.append(("页码为原文件的页码（本摘要之后）；书签中每个问题可直接跳到其位置。", "text"))
    out.append(("问题清单", "head"))
    for f, index, _ in places:
        page = f"第{index + 1}页" if index >= 0 else ""
        out.append((f"[{f.severity.label}] {f.rule} {page}  {f.message}", "item"))
    if not places:
        out.append(("未发现问题。", "text"))
    return out


def _rgb(style: str) -> tuple[float, float, float]:
    return (0.1, 0.1, 0.1) if style != "head" else (0.12, 0.3, 0.55)


def _wrap(text: str, measure, size: float, width: float) -> list[str]:
    """Lines of ``text`` no wider than ``width`` (Chinese breaks anywhere)."""
    lines, cur = [], ""
    for ch in text:
        if cur and measure(cur + ch, SUMMARY_FONT, size) > width:
            lines.append(cur)
            cur = ch
        else:
            cur += ch
    return lines + [cur] if cur else lines


def _dashed():
    from pypdf.generic import DictionaryObject

    return DictionaryObject({NameObject("/W"): FloatObject(1.2), NameObject("/S"): NameObject("/D"),
                             NameObject("/D"): ArrayObject([NumberObject(3), NumberObject(2)])})


def annotated_name(path: str) -> str:
    """Default file name of the annotated copy: ``<stem>.budgetlint.pdf``."""
    return Path(path).stem + ".budgetlint.pdf"
