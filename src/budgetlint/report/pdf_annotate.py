"""``check --format pdf``: the original PDF with each finding marked where it is (pypdf).

Each offending value gets a Highlight annotation over its bbox (red for error, yellow for
warning, blue for info) whose ``/Contents`` holds the finding(s) in Chinese; a cell a finding
only cites (``Finding.related``) gets a dashed Square annotation. A row-level finding marks the
row's bbox. Findings with no place on a page (document-level ones, or values without a bbox)
are gathered into one Text (sticky note) annotation at the top left of their page, or of the
first page.

Coordinates: provenance bboxes are (x0, top, x1, bottom) in PDF points with a top-left origin,
in the page's reading orientation, relative to the crop box, which is what PDF ingest records.
``display_to_user`` turns them back into PDF user space for a given rotation. The rotation is
the page's ``/Rotate`` for upright text; a table printed sideways on a portrait page is read in
a turned frame, so each page's rotation is checked against the PDF's own text layer: the one
under which the marked rectangles hold the values' printed text wins (``PageFrames``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
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


def _place(doc: Document, loc: Location) -> tuple[int, BBox, str] | None:
    """Page, displayed bbox and printed text of the value (or row) a location points at."""
    hit = find_cell(doc, loc)
    if hit is not None:
        _table, row, value = hit
        prov = value.provenance if value is not None else row.provenance
        if prov.bbox is not None and prov.page is not None:
            return prov.page, prov.bbox, value.raw if value is not None else ""
    if loc.bbox is not None and loc.page is not None:
        return loc.page, loc.bbox, ""
    return None


def plan(doc: Document, findings: list[Finding]) -> tuple[list[_Mark], dict[int, list[Finding]]]:
    """Marks to draw (one per distinct place) and the findings that have no place, by page (0: none)."""
    marks: dict[tuple[int, BBox], _Mark] = {}
    loose: dict[int, list[Finding]] = {}
    for f in findings:
        where = _place(doc, f.location)
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


def annotate_pdf(result: Result, out: Path | str) -> int:
    """Write the annotated copy of ``result.path`` to ``out``; returns the number of annotations."""
    if result.document is None or result.document.meta.source_format != "pdf":
        raise NotPdf(result.path)
    reader = PdfReader(result.path)
    writer = PdfWriter(clone_from=reader)
    frames = PageFrames(result.path)
    marks, loose = plan(result.document, result.findings)
    n = 0
    pages = writer.pages
    by_page: dict[int, list[_Mark]] = {}
    for m in marks:
        by_page.setdefault(m.page, []).append(m)
    for m in marks:
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
        n += 1
    frames.close()
    with open(out, "wb") as fh:
        writer.write(fh)
    return n


def _dashed():
    from pypdf.generic import DictionaryObject

    return DictionaryObject({NameObject("/W"): FloatObject(1.2), NameObject("/S"): NameObject("/D"),
                             NameObject("/D"): ArrayObject([NumberObject(3), NumberObject(2)])})


def annotated_name(path: str) -> str:
    """Default file name of the annotated copy: ``<stem>.budgetlint.pdf``."""
    return Path(path).stem + ".budgetlint.pdf"
