"""Renderers: a ``Composition`` → the bytes of one file in one format.

A renderer has a ``format`` name, a file ``suffix``, the ``artefacts`` a file in its format can
show, and ``render(comp) -> Rendered``. ``Rendered`` carries the bytes and the *anchors*: for every
named narrative paragraph and performance form, the ``Region``s it occupies in the terms its
format's ingest reports (a text line range; a sheet and its rows; a PDF page and a band from the
top), so a label can point at a narrative line in any format.

``TextRenderer`` writes converter text like the seeds: one paragraph per line followed by a
blank line, table rows as tab-separated cells, the title and ``单位：万元`` lines above the
header, and a long table split into pages, each restating the header (Hebei: also the
organisation / year / unit lines and the 栏次 row; optionally the title).

``XlsxRenderer`` writes a workbook like the official templates: one sheet per table with merged
title and header cells and amounts as numbers under a ``0.00`` format; prose and forms on their own
sheets. ``PdfRenderer`` draws with reportlab (CID font STSong-Light): ruled tables on landscape
pages with merged header cells, continued over pages with the header repeated; wrapped paragraphs
and ruled forms on portrait pages. A merged cell is written the converter way in the composition
(its text once, then ``""``); ``header_spans`` recovers the rectangles.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Protocol

from budgetlint.eval.model import Composition, FormBlock, Para, Region, TableBlock

ALL_ARTEFACTS = ("split_words", "slide_row", "slide_page", "page_breaks", "thousands", "fullwidth", "rounding",
                 "markup", "dash_zero")


@dataclass(slots=True)
class Rendered:
    data: bytes
    suffix: str
    anchors: dict[str, list[Region]] = field(default_factory=dict)  # paragraph / form anchor → where it lies
    table_lines: dict[str, list[Region]] = field(default_factory=dict)  # table id → where it lies


class Renderer(Protocol):
    format: str
    suffix: str
    artefacts: tuple[str, ...]  # artefact kinds (mutate.ARTEFACTS) a file in this format can show

    def render(self, comp: Composition) -> Rendered: ...


class TextRenderer:
    format = "text"
    suffix = ".txt"
    artefacts = ALL_ARTEFACTS

    def render(self, comp: Composition) -> Rendered:
        out: list[str] = []
        anchors: dict[str, list[Region]] = {}
        tables: dict[str, list[Region]] = {}

        def emit(line: str) -> int:
            out.append(line)
            return len(out)

        def blank() -> None:
            if out and out[-1] != "":
                out.append("")

        for block in comp.blocks:
            if isinstance(block, Para):
                blank()
                n = emit("\t".join(block.cells) if block.cells else block.text)
                if block.anchor:
                    anchors[block.anchor] = [Region(n, n)]
                blank()
            elif isinstance(block, TableBlock):
                start = len(out) + 1
                self._table(block, emit, blank)
                tables[block.id or block.kind] = [Region(start, len(out))]
            elif isinstance(block, FormBlock):
                blank()
                start = len(out) + 1
                if block.title:
                    emit(block.title)
                    blank()
                for m in block.meta:
                    emit(m)
                    blank()
                for cells in block.lines:
                    emit("\t".join(cells))
                if block.anchor:
                    anchors[block.anchor] = [Region(start, len(out))]
                blank()
        text = "\n".join(out) + "\n"
        return Rendered(text.encode("utf-8"), self.suffix, anchors, tables)

    @staticmethod
    def _table(t: TableBlock, emit, blank) -> None:
        blank()
        emit(t.title)
        blank()

        def furniture(first: bool) -> None:
            if not first and t.repeat_title:
                emit(t.title)
                blank()
            if first or t.repeat_meta or (t.repeat_title and t.meta):
                for m in t.meta:
                    emit(m)
                    blank()
            for h in t.header:
                emit("\t".join(h))
            if t.index_row:
                emit("\t".join(t.index_row))

        furniture(True)
        size = t.page_rows or len(t.rows) or 1
        for i, row in enumerate(t.rows):
            if i and i % size == 0:
                blank()
                furniture(False)
            emit("\t".join(row.cells))
        blank()
        if t.note:
            emit(t.note)
            blank()


# ---------------------------------------------------------------------------------------------
# Geometry shared by the workbook and PDF renderers

Span = tuple[int, int, int, int]  # first row, first column, last row, last column (0-based, inclusive)

_NUMBER = re.compile(r"^-?\d+\.\d+$")
_NUMBER_SEP = re.compile(r"^-?\d{1,3}(?:,\d{3})+\.\d+$")


def header_spans(header: list[list[str]], width: int) -> list[Span]:
    """The merged cells of a multi-row header written the converter way (a merged cell once, then
    ``""``): a cell covers the empty cells to its right that no cell above covers and that lie
    under the same parent, then the rows below it where all its columns are empty."""
    rows = [list(h) + [""] * (width - len(h)) for h in header]
    owner: list[list[int | None]] = [[None] * width for _ in rows]
    spans: list[Span] = []
    for r, cells in enumerate(rows):
        for c in range(width):
            if not cells[c].strip() or owner[r][c] is not None:
                continue
            c1 = c
            while (c1 + 1 < width and not cells[c1 + 1].strip() and owner[r][c1 + 1] is None
                   and (r == 0 or owner[r - 1][c1 + 1] == owner[r - 1][c])):
                c1 += 1
            r1 = r
            while r1 + 1 < len(rows) and all(not rows[r1 + 1][k].strip() and owner[r1 + 1][k] is None
                                              for k in range(c, c1 + 1)):
                r1 += 1
            sid = len(spans)
            spans.append((r, c, r1, c1))
            for rr in range(r, r1 + 1):
                for k in range(c, c1 + 1):
                    owner[rr][k] = sid
    return spans


def line_spans(cells: list[str], width: int) -> list[tuple[int, int]]:
    """(first, last) column of each non-empty cell of one row with the empty cells after it."""
    out = []
    c = 0
    while c < width:
        if c < len(cells) and cells[c].strip():
            e = c
            while e + 1 < width and (e + 1 >= len(cells) or not cells[e + 1].strip()):
                e += 1
            out.append((c, e))
            c = e + 1
        else:
            c += 1
    return out


def _width(t: TableBlock) -> int:
    return max([len(h) for h in t.header] + [len(r.cells) for r in t.rows] + [len(t.index_row or [])] + [1])


# ---------------------------------------------------------------------------------------------
# XLSX


class XlsxRenderer:
    """A workbook like the official templates: one sheet per table (title merged across the
    table, unit line at the right, the header with its merged cells, amounts as numbers with a
    0.00 number format), the prose and the performance forms on sheets of their own (one
    paragraph per row; a form as a grid of cells). Anchors: the sheet's position and its rows."""

    format = "xlsx"
    suffix = ".xlsx"
    # A workbook has no pages to break and no converter to slide cells; stray spaces, separators,
    # full-width digits stored as text, rounding, markup in form cells and "-" for 0 do occur.
    artefacts = ("split_words", "thousands", "fullwidth", "rounding", "markup", "dash_zero")

    def render(self, comp: Composition) -> Rendered:
        import io

        import openpyxl
        from openpyxl.styles import Alignment

        wb = openpyxl.Workbook()
        wb.remove(wb.active)
        used: set[str] = set()
        anchors: dict[str, list[Region]] = {}
        tables: dict[str, list[Region]] = {}
        prose = None
        row = 0
        n_prose = 0

        def sheet(title: str):
            name = re.sub(r"[\[\]:*?/\\]", "", title)[:28] or "表"
            base, k = name, 2
            while name in used:
                name = f"{base[:25]}_{k}"
                k += 1
            used.add(name)
            return wb.create_sheet(name)

        def put(ws, r: int, c: int, text: str, amount: bool = False):
            t = text.strip()
            if not t:
                return None
            if amount and (_NUMBER.match(t) or _NUMBER_SEP.match(t)):
                decimals = len(t.rsplit(".", 1)[1])
                x = ws.cell(row=r, column=c, value=float(t.replace(",", "")))
                x.number_format = ("#,##0" if "," in t else "0") + "." + "0" * decimals
                x.alignment = Alignment(horizontal="right")
                return x
            x = ws.cell(row=r, column=c, value=text)
            x.data_type = "s"  # "=100%" is an indicator value, "01" a code: text, never a formula or number
            return x

        for block in comp.blocks:
            if isinstance(block, TableBlock):
                ws = sheet(block.title)
                idx = len(wb.worksheets)
                last = self._table(ws, block, put, Alignment)
                tables[block.id or block.kind] = [Region(1, last, idx)]
                prose = None
                continue
            if prose is None:
                n_prose += 1
                prose = sheet("说明" if n_prose == 1 else "情况说明" if n_prose == 2 else f"情况说明（{n_prose - 1}）")
                row = 0
            idx = len(wb.worksheets)
            if isinstance(block, Para):
                row += 1
                if block.cells:
                    for c, text in enumerate(block.cells, start=1):
                        put(prose, row, c, text)
                else:
                    put(prose, row, 1, block.text)
                if block.anchor:
                    anchors[block.anchor] = [Region(row, row, idx)]
            elif isinstance(block, FormBlock):
                row += 1  # a blank row keeps the form apart from the prose above
                start = row + 1
                width = max(len(cells) for cells in block.lines) if block.lines else 1
                if block.title:
                    row += 1
                    put(prose, row, 1, block.title)
                    prose.merge_cells(start_row=row, start_column=1, end_row=row, end_column=width)
                    prose.cell(row=row, column=1).alignment = Alignment(horizontal="center")
                for m in block.meta:
                    row += 1
                    put(prose, row, width, m)
                for cells in block.lines:
                    row += 1
                    for c, text in enumerate(cells, start=1):
                        put(prose, row, c, text)
                    for a, b in line_spans(cells, width):
                        if b > a:
                            prose.merge_cells(start_row=row, start_column=a + 1, end_row=row, end_column=b + 1)
                if block.anchor:
                    anchors[block.anchor] = [Region(start, row, idx)]
                row += 1  # and from the prose below
        buf = io.BytesIO()
        wb.save(buf)
        return Rendered(buf.getvalue(), self.suffix, anchors, tables)

    @staticmethod
    def _table(ws, t: TableBlock, put, Alignment) -> int:
        width = _width(t)
        r = 1
        put(ws, r, 1, t.title)
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
        ws.cell(row=1, column=1).alignment = Alignment(horizontal="center")
        for m in t.meta:
            r += 1
            at = width if m.startswith("单位") else 1
            put(ws, r, at, m)
        top = r + 1
        for h in t.header:
            r += 1
            for c, text in enumerate(h, start=1):
                put(ws, r, c, text)
        for r0, c0, r1, c1 in header_spans(t.header, width):
            if r1 > r0 or c1 > c0:
                ws.merge_cells(start_row=top + r0, start_column=c0 + 1, end_row=top + r1, end_column=c1 + 1)
        if t.index_row:
            r += 1
            for c, text in enumerate(t.index_row, start=1):
                put(ws, r, c, text)
        for row in t.rows:
            r += 1
            for c, text in enumerate(row.cells):
                put(ws, r, c + 1, text, amount=c in row.refs)
        if t.note:
            r += 1
            put(ws, r, 1, t.note)
        for c in range(1, width + 1):
            ws.column_dimensions[_col(c)].width = 14
        return r


def _col(c: int) -> str:
    out = ""
    while c:
        c, m = divmod(c - 1, 26)
        out = chr(65 + m) + out
    return out


# ---------------------------------------------------------------------------------------------
# PDF

FONT = "STSong-Light"  # reportlab's built-in CID font: Chinese without a font file
A4 = (595.0, 842.0)
A4_LANDSCAPE = (842.0, 595.0)


class _Canvas:
    """A reportlab canvas addressed from the top-left (as ingest reports positions), with a
    cursor, page numbers in the footer and text wrapping by glyph width."""

    def __init__(self, buf, font_size: float = 11.0) -> None:
        try:
            from reportlab.pdfbase import pdfmetrics
            from reportlab.pdfbase.cidfonts import UnicodeCIDFont
        except ImportError as e:  # the PDF renderer is an extra: say how to get it
            raise SystemExit("生成 PDF 文档需要 reportlab：pip install 'budgetlint[eval]'") from e
        from reportlab.pdfgen import canvas

        if FONT not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(UnicodeCIDFont(FONT))
        self._width = pdfmetrics.stringWidth
        self.c = canvas.Canvas(buf, pagesize=A4, pageCompression=1)
        self.size = A4
        self.page = 0
        self.y = 0.0
        self.margin = 56.0
        self.font_size = font_size
        self.started = False

    # pages ------------------------------------------------------------------------------------
    def new_page(self, size: tuple[float, float] = A4, margin: float = 56.0) -> None:
        if self.started:
            self._footer()
            self.c.showPage()
        self.started = True
        self.c.setPageSize(size)
        self.size = size
        self.margin = margin
        self.page += 1
        self.y = margin

    def _footer(self) -> None:
        self.text(self.size[0] / 2, self.size[1] - 30, f"- {self.page} -", 9, align="center")

    def finish(self) -> None:
        if self.started:
            self._footer()
            self.c.showPage()
        self.c.save()

    @property
    def bottom(self) -> float:
        return self.size[1] - self.margin

    @property
    def left(self) -> float:
        return self.margin

    @property
    def right(self) -> float:
        return self.size[0] - self.margin

    def fits(self, height: float) -> bool:
        return self.y + height <= self.bottom

    # drawing ----------------------------------------------------------------------------------
    def width(self, s: str, size: float) -> float:
        return self._width(s, FONT, size)

    def text(self, x: float, top: float, s: str, size: float, align: str = "left") -> None:
        self.c.setFont(FONT, size)
        y = self.size[1] - top - size * 0.88
        if align == "right":
            self.c.drawRightString(x, y, s)
        elif align == "center":
            self.c.drawCentredString(x, y, s)
        else:
            self.c.drawString(x, y, s)

    def hline(self, x0: float, x1: float, top: float) -> None:
        self.c.line(x0, self.size[1] - top, x1, self.size[1] - top)

    def vline(self, x: float, top: float, bottom: float) -> None:
        self.c.line(x, self.size[1] - top, x, self.size[1] - bottom)

    def wrap(self, s: str, width: float, size: float, indent: float = 0.0) -> list[str]:
        """Greedy wrap by glyph width (a Latin word or number is never split unless it alone is too wide)."""
        out: list[str] = []
        cur = ""
        avail = width - indent
        for tok in re.findall(r"[A-Za-z0-9.,%\-＋+]+|.", s):
            if cur and self.width(cur + tok, size) > avail:
                if self.width(tok, size) > avail:
                    for ch in tok:
                        if cur and self.width(cur + ch, size) > avail:
                            out.append(cur)
                            cur, avail = "", width
                        cur += ch
                    continue
                out.append(cur)
                cur, avail = tok.lstrip(), width
            else:
                cur += tok
        if cur or not out:
            out.append(cur)
        return out


@dataclass(slots=True)
class _Grid:
    """Rows of cells with merged rectangles, laid out to column widths."""

    cells: list[list[str]]
    spans: list[Span]  # merged cells; every other non-empty cell is its own 1×1 span
    amounts: set[tuple[int, int]]  # (row, column) of amount cells: right-aligned, never wrapped
    widths: list[float] = field(default_factory=list)
    size: float = 9.0


def _all_spans(cells: list[list[str]], merged: list[Span]) -> list[Span]:
    covered = {(r, c) for r0, c0, r1, c1 in merged for r in range(r0, r1 + 1) for c in range(c0, c1 + 1)}
    out = list(merged)
    for r, row in enumerate(cells):
        for c in range(len(row)):
            if (r, c) not in covered:
                out.append((r, c, r, c))
    return out


class PdfRenderer:
    """A PDF like a bureau's print: tables on landscape pages, ruled with lines, merged header
    cells, long tables continued on the next page with the header (and on some, the title)
    repeated; the prose as wrapped paragraphs and the performance forms as ruled grids on
    portrait pages; a page number in each footer. Drawn with reportlab's CID font STSong-Light.

    Anchors: the page and the top / bottom of each paragraph or form there (``Region(by="y")``).
    """

    format = "pdf"
    suffix = ".pdf"
    # No converter slides cells in a drawn grid and no markup shows in print; stray spaces,
    # separators, full-width digits, rounding, "-" for 0 and page breaks do.
    artefacts = ("split_words", "page_breaks", "thousands", "fullwidth", "rounding", "dash_zero")

    body = 11.0
    lead = 18.0
    cell_size = 9.0
    pad = 3.0

    def render(self, comp: Composition) -> Rendered:
        import io

        buf = io.BytesIO()
        cv = _Canvas(buf, self.body)
        anchors: dict[str, list[Region]] = {}
        tables: dict[str, list[Region]] = {}
        portrait = False
        for block in comp.blocks:
            if isinstance(block, TableBlock):
                tables[block.id or block.kind] = self._table(cv, block)
                portrait = False
                continue
            if not portrait:
                cv.new_page(A4)
                portrait = True
            if isinstance(block, Para):
                regions = self._para(cv, "  ".join(block.cells) if block.cells else block.text)
            else:
                regions = self._form(cv, block)
            if getattr(block, "anchor", None):
                anchors[block.anchor] = regions
        cv.finish()
        return Rendered(buf.getvalue(), self.suffix, anchors, tables)

    # prose --------------------------------------------------------------------------------------
    def _para(self, cv: _Canvas, text: str) -> list[Region]:
        text = text.strip()
        if not text:
            return []
        heading = len(text) <= 30 and not text.endswith("。")
        indent = 0.0 if heading else 2 * self.body
        lines = cv.wrap(text, cv.right - cv.left, self.body, indent)
        regions: list[Region] = []
        top = None
        for i, line in enumerate(lines):
            if not cv.fits(self.lead):
                if top is not None:
                    regions.append(Region(top, cv.y, cv.page, "y"))
                cv.new_page(A4)
                top = None
            if top is None:
                top = cv.y
            cv.text(cv.left + (indent if i == 0 else 0.0), cv.y + (self.lead - self.body) / 2, line, self.body)
            cv.y += self.lead
        if top is not None:
            regions.append(Region(top, cv.y, cv.page, "y"))
        return regions

    # grids --------------------------------------------------------------------------------------
    def _fit(self, cv: _Canvas, g: _Grid, avail: float, cap: float) -> None:
        """Column widths: amounts on one line, text wrapped where the page is too narrow; the
        font shrinks when even the amounts do not fit."""
        ncol = max(len(r) for r in g.cells)
        for size in (self.cell_size, 8.0, 7.0, 6.0, 5.0):
            need = [2 * size + 2 * self.pad] * ncol
            natural = list(need)
            for r0, c0, _r1, c1 in g.spans:
                if c1 != c0:
                    continue
                text = g.cells[r0][c0].strip()
                w = cv.width(text, size) + 2 * self.pad
                if (r0, c0) in g.amounts or len(text) <= 4:
                    need[c0] = max(need[c0], w)
                natural[c0] = max(natural[c0], min(w, cap))
            natural = [max(a, b) for a, b in zip(natural, need, strict=True)]
            if sum(need) <= avail or size == 5.0:
                g.size = size
                if sum(natural) <= avail:
                    scale = avail / sum(natural)
                    g.widths = [w * scale for w in natural]
                else:
                    spare = avail - sum(need)
                    extra = [b - a for a, b in zip(need, natural, strict=True)]
                    f = spare / sum(extra) if sum(extra) else 0.0
                    g.widths = [a + e * f for a, e in zip(need, extra, strict=True)]
                return

    def _row_heights(self, cv: _Canvas, g: _Grid) -> tuple[list[float], dict[Span, list[str]]]:
        xs = [0.0]
        for w in g.widths:
            xs.append(xs[-1] + w)
        line_h = g.size * 1.35
        heights = [g.size + 2 * self.pad + 4] * len(g.cells)
        wrapped: dict[Span, list[str]] = {}
        for sp in g.spans:
            r0, c0, r1, c1 = sp
            text = g.cells[r0][c0].strip()
            if not text:
                continue
            width = xs[c1 + 1] - xs[c0] - 2 * self.pad
            lines = [text] if (r0, c0) in g.amounts else cv.wrap(text, width, g.size)
            wrapped[sp] = lines
            h = len(lines) * line_h + 2 * self.pad + 2
            have = sum(heights[r0:r1 + 1])
            if h > have:
                heights[r1] += h - have
        return heights, wrapped

    def _draw_rows(self, cv: _Canvas, g: _Grid, rows: range, heights: list[float], wrapped: dict[Span, list[str]],
                   x0: float, top: float) -> float:
        """Draw rows ``rows`` (spans wholly inside them) from ``top``; return the bottom."""
        xs = [x0]
        for w in g.widths:
            xs.append(xs[-1] + w)
        ys = {rows.start: top}
        for r in rows:
            ys[r + 1] = ys[r] + heights[r]
        ncol = len(g.widths)
        owner: dict[tuple[int, int], int] = {}
        for i, (r0, c0, r1, c1) in enumerate(g.spans):
            for r in range(r0, r1 + 1):
                for c in range(c0, c1 + 1):
                    owner[(r, c)] = i
        line_h = g.size * 1.35
        for sp in g.spans:
            r0, c0, r1, c1 = sp
            if r0 not in rows or sp not in wrapped:
                continue
            lines = wrapped[sp]
            cell_top, cell_bottom = ys[r0], ys[r1 + 1]
            block_h = len(lines) * line_h
            y = cell_top + max(self.pad, (cell_bottom - cell_top - block_h) / 2) + (line_h - g.size) / 2
            right = (r0, c0) in g.amounts
            header = r1 > r0 or c1 > c0
            for ln in lines:
                if right:
                    cv.text(xs[c1 + 1] - self.pad - 1, y, ln, g.size, align="right")
                elif header:
                    cv.text((xs[c0] + xs[c1 + 1]) / 2, y, ln, g.size, align="center")
                else:
                    cv.text(xs[c0] + self.pad, y, ln, g.size)
                y += line_h
        # Rulings: a border wherever two neighbouring grid cells belong to different spans.
        for r in [*rows, rows.stop]:
            run = None
            for c in range(ncol + 1):
                edge = c < ncol and (r in (rows.start, rows.stop) or owner.get((r - 1, c)) != owner.get((r, c)))
                if edge and run is None:
                    run = c
                elif not edge and run is not None:
                    cv.hline(xs[run], xs[c], ys[r])
                    run = None
        for c in range(ncol + 1):
            run = None
            for r in [*rows, rows.stop]:
                edge = r < rows.stop and (c in (0, ncol) or owner.get((r, c - 1)) != owner.get((r, c)))
                if edge and run is None:
                    run = r
                elif not edge and run is not None:
                    cv.vline(xs[c], ys[run], ys[r])
                    run = None
        return ys[rows.stop]

    # tables -------------------------------------------------------------------------------------
    def _table(self, cv: _Canvas, t: TableBlock) -> list[Region]:
        width = _width(t)
        head = [list(h) + [""] * (width - len(h)) for h in t.header]
        if t.index_row:
            head.append(list(t.index_row) + [""] * (width - len(t.index_row)))
        nh = len(head)
        cells = head + [list(r.cells) + [""] * (width - len(r.cells)) for r in t.rows]
        merged = [sp for sp in header_spans(t.header, width) if sp[2] > sp[0] or sp[3] > sp[1]]
        amounts = {(nh + i, k) for i, r in enumerate(t.rows) for k in r.refs if k < width}
        g = _Grid(cells, _all_spans(cells, merged), amounts)
        margin = 36.0
        cv.new_page(A4_LANDSCAPE, margin)
        avail = cv.right - cv.left
        self._fit(cv, g, avail, cap=170.0)
        heights, wrapped = self._row_heights(cv, g)
        regions: list[Region] = []

        def furniture(first: bool) -> None:
            if first or t.repeat_title:
                cv.text(cv.size[0] / 2, cv.y, t.title, 15, align="center")
                cv.y += 28
            if first or t.repeat_meta or t.repeat_title:
                for m in t.meta:
                    right = m.startswith("单位")
                    cv.text(cv.right if right else cv.left, cv.y, m, 10, align="right" if right else "left")
                    cv.y += 15
                cv.y += 2
            cv.y = self._draw_rows(cv, g, range(0, nh), heights, wrapped, cv.left, cv.y)

        start_y = cv.y
        furniture(True)
        i = nh
        n = len(cells)
        per_page = t.page_rows or 10**6
        while i < n:
            j = i
            y = cv.y
            while j < n and y + heights[j] <= cv.bottom and j - i < per_page:
                y += heights[j]
                j += 1
            if j == i:
                j = i + 1  # a row taller than a page: draw it anyway
            cv.y = self._draw_rows(cv, g, range(i, j), heights, wrapped, cv.left, cv.y)
            regions.append(Region(start_y, cv.y, cv.page, "y"))
            i = j
            if i < n:
                cv.new_page(A4_LANDSCAPE, margin)
                start_y = cv.y
                furniture(False)
        if not t.rows:
            regions.append(Region(start_y, cv.y, cv.page, "y"))
        if t.note:
            cv.y += 4
            cv.text(cv.left, cv.y, t.note, 10)
            cv.y += 16
        return regions

    # forms --------------------------------------------------------------------------------------
    def _form(self, cv: _Canvas, f: FormBlock) -> list[Region]:
        width = max((len(c) for c in f.lines), default=1)
        cells = [list(c) + [""] * (width - len(c)) for c in f.lines]
        merged = [(r, a, r, b) for r, row in enumerate(cells) for a, b in line_spans(row, width) if b > a]
        g = _Grid(cells, _all_spans(cells, merged), set())
        avail = cv.right - cv.left
        self._fit(cv, g, avail, cap=avail / 2)
        heights, wrapped = self._row_heights(cv, g)
        regions: list[Region] = []
        need = 24 + 16 * len(f.meta) + sum(heights[:3])
        if not cv.fits(need):
            cv.new_page(A4)
        cv.y += 8
        top = cv.y
        if f.title:
            cv.text(cv.size[0] / 2, cv.y, f.title, 12, align="center")
            cv.y += 22
        for m in f.meta:
            cv.text(cv.right, cv.y, m, 9, align="right")
            cv.y += 14
        i, n = 0, len(cells)
        while i < n:
            j = i
            y = cv.y
            while j < n and y + heights[j] <= cv.bottom:
                y += heights[j]
                j += 1
            if j == i:
                if cv.y > cv.margin + 1:
                    regions.append(Region(top, cv.y, cv.page, "y"))
                    cv.new_page(A4)
                    top = cv.y
                    continue
                j = i + 1
            cv.y = self._draw_rows(cv, g, range(i, j), heights, wrapped, cv.left, cv.y)
            i = j
            if i < n:
                regions.append(Region(top, cv.y, cv.page, "y"))
                cv.new_page(A4)
                top = cv.y
        regions.append(Region(top, cv.y, cv.page, "y"))
        cv.y += 10
        return regions


RENDERERS: dict[str, Renderer] = {"text": TextRenderer(), "xlsx": XlsxRenderer(), "pdf": PdfRenderer()}


def renderer(fmt: str) -> Renderer:
    if fmt not in RENDERERS:
        raise ValueError(f"no renderer for format {fmt!r} (available: {', '.join(RENDERERS)})")
    return RENDERERS[fmt]
