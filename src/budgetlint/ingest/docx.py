"""DOCX (Word, Office Open XML) → lines, paragraphs and tables in body order (lxml).

The main document part is walked as Word lays it out: each paragraph is a single-cell line
(a line break inside it starts a new line), each table row a line of cells. A cell spanning
columns (``gridSpan``) is written once followed by ``""``; a vertically merged cell
(``vMerge``) keeps its text in its first row and is ``""`` below — what recognition expects.
Text Word does not print is left out (deleted revisions, hidden runs, field codes, the fallback
copy of a text box); text boxes are read after their paragraph.

Pages: where Word saved its last layout (``lastRenderedPageBreak``) those are the pages;
otherwise explicit page and section breaks. A line's provenance ``line`` is its block number in
the body (paragraphs and table rows counted in order).
"""

from __future__ import annotations

import io
import re
import zipfile

from budgetlint.ingest.base import IngestError, Line, Page, Source, cause, refuse_cells
from budgetlint.ingest.grid import Placed, collapse_grid, table_to_lines
from budgetlint.model import Provenance
from budgetlint.recognise.normalise import join_wrapped

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
_REL = "http://schemas.openxmlformats.org/package/2006/relationships"


def _q(tag: str) -> str:
    return f"{{{W}}}{tag}"


P, TBL, TR, TC, R, T = _q("p"), _q("tbl"), _q("tr"), _q("tc"), _q("r"), _q("t")
TAB, BR, CR, SDT, SDTCONTENT, CUSTOMXML = _q("tab"), _q("br"), _q("cr"), _q("sdt"), _q("sdtContent"), _q("customXml")
RENDERED = _q("lastRenderedPageBreak")
TXBX = _q("txbxContent")
_SKIP = {_q("del"), _q("moveFrom"), _q("instrText"), _q("delText"), _q("rPr"), _q("pPr"), _q("tcPr"), _q("trPr"),
         _q("tblPr"), _q("tblGrid"), _q("footnoteReference"), _q("commentReference"), f"{{{MC}}}Fallback"}
SLIVER_TWIPS = 40  # about 0.7 mm: narrower grid columns are misaligned borders, not columns
_TOC_PAGE = re.compile(r"^(.*?\S)\t+\s*\d{1,4}\s*$")


def _on(el) -> bool:
    """A boolean property element (``<w:vanish/>``, ``<w:vanish w:val="0"/>``) is on."""
    return el is not None and el.get(_q("val"), "true").lower() not in ("0", "false", "off")


def _main_part(z: zipfile.ZipFile) -> str:
    try:
        from lxml import etree

        rels = etree.fromstring(z.read("_rels/.rels"))
        for rel in rels.iter(f"{{{_REL}}}Relationship"):
            if rel.get("Type", "").endswith("/officeDocument"):
                return rel.get("Target", "").lstrip("/")
    except (KeyError, Exception):  # noqa: BLE001 - fall back to the usual name
        pass
    return "word/document.xml"


class _Reader:
    def __init__(self, rendered: bool) -> None:
        self.rendered = rendered  # pages from Word's last layout rather than explicit breaks
        self.pages = [Page(number=1)]
        self.block = 0
        self.images = 0
        self.objects = 0

    @property
    def page(self) -> Page:
        return self.pages[-1]

    def new_page(self) -> None:
        if self.page.lines:
            self.pages.append(Page(number=self.page.number + 1))

    # -- inline content -------------------------------------------------------------------

    def _inline(self, el, out: list[str], boxes: list, breaks: list[int]) -> None:
        for ch in el:
            tag = ch.tag
            if not isinstance(tag, str) or tag in _SKIP:
                continue
            if tag == T:
                out.append(ch.text or "")
            elif tag == R:
                rpr = ch.find(_q("rPr"))
                if rpr is not None and _on(rpr.find(_q("vanish"))):
                    continue
                self._inline(ch, out, boxes, breaks)
            elif tag == TAB:
                out.append("\t")
            elif tag == BR:
                kind = ch.get(_q("type"))
                if kind == "page":
                    if not self.rendered:
                        breaks.append(len("".join(out)))
                    out.append("\n")
                else:
                    out.append("\n")
            elif tag == CR:
                out.append("\n")
            elif tag == RENDERED:
                if self.rendered:
                    breaks.append(len("".join(out)))
            elif tag == _q("noBreakHyphen"):
                out.append("-")
            elif tag == TXBX:
                boxes.append(ch)
            elif tag.endswith("}drawing") or tag.endswith("}pict"):
                if ch.find(".//{*}txbxContent") is None:
                    self.images += 1  # a picture (a text box is read as text)
                self._inline(ch, out, boxes, breaks)
            elif tag == _q("object"):
                self.objects += 1
            else:
                self._inline(ch, out, boxes, breaks)

    def paragraph_text(self, p) -> tuple[str, list, list[int]]:
        out: list[str] = []
        boxes: list = []
        breaks: list[int] = []
        self._inline(p, out, boxes, breaks)
        return "".join(out), boxes, breaks

    # -- blocks ---------------------------------------------------------------------------

    def blocks(self, container) -> None:
        for ch in container:
            tag = ch.tag
            if tag == P:
                self.paragraph(ch)
            elif tag == TBL:
                self.table(ch)
            elif tag in (SDT, CUSTOMXML):
                content = ch.find(SDTCONTENT) if tag == SDT else ch
                if content is not None:
                    self.blocks(content)
            elif tag == f"{{{MC}}}AlternateContent":
                choice = ch.find(f"{{{MC}}}Choice")
                if choice is not None:
                    self.blocks(choice)

    def paragraph(self, p) -> None:
        self.block += 1
        ppr = p.find(_q("pPr"))
        if not self.rendered and ppr is not None and _on(ppr.find(_q("pageBreakBefore"))):
            self.new_page()
        text, boxes, breaks = self.paragraph_text(p)
        if breaks and not text[: breaks[0]].strip():  # the page starts with this paragraph
            self.new_page()
            breaks = breaks[1:]
        self.emit_prose(text)
        if breaks:
            self.new_page()
        for box in boxes:
            self.blocks(box)
        if not self.rendered and ppr is not None:
            sect = ppr.find(_q("sectPr"))
            if sect is not None:
                kind = sect.find(_q("type"))
                if kind is None or kind.get(_q("val")) != "continuous":
                    self.new_page()

    def emit_prose(self, text: str) -> None:
        prov = Provenance(line=self.block, page=self.page.number)
        for raw in re.split(r"\n|\r|\u2028|\u2029", text):
            m = _TOC_PAGE.match(raw.strip("\t "))
            if m:
                raw = m.group(1)  # a table-of-contents entry: its page number is not content
            stripped = raw.strip("\t \u3000")
            if not stripped:
                continue
            if "\t" in stripped:
                cells = [c.strip() for c in re.split(r"\t+", stripped)]
                self.page.lines.append(Line(cells, prov))
            else:
                self.page.lines.append(Line([stripped], prov))

    def cell_text(self, tc) -> tuple[str, bool]:
        parts: list[str] = []
        broke = False
        for ch in tc:
            if ch.tag == P:
                text, boxes, breaks = self.paragraph_text(ch)
                broke = broke or bool(breaks)
                parts.extend(re.split(r"[\n\t]", text))
                for box in boxes:
                    for bp in box.iter(P):
                        parts.append(self.paragraph_text(bp)[0].replace("\t", " "))
            elif ch.tag == TBL:
                # A table inside a cell: its rows as text, in order.
                for tr in self._rows(ch):
                    parts.append(" ".join(t for t in (self.cell_text(c)[0] for c in self._cells(tr)) if t))
            elif ch.tag in (SDT, CUSTOMXML):
                content = ch.find(SDTCONTENT) if ch.tag == SDT else ch
                if content is not None:
                    text, b = self.cell_text(content)
                    parts.append(text)
                    broke = broke or b
        return join_wrapped(parts), broke

    def _children(self, node, tag):
        """Children with ``tag``, looking through content controls and custom XML wrappers."""
        for ch in node:
            if ch.tag == tag:
                yield ch
            elif ch.tag in (SDT, CUSTOMXML):
                content = ch.find(SDTCONTENT) if ch.tag == SDT else ch
                if content is not None:
                    yield from self._children(content, tag)

    def _rows(self, tbl):
        return self._children(tbl, TR)

    def _cells(self, tr):
        return self._children(tr, TC)

    def table(self, tbl) -> None:
        rows: list[list[Placed]] = []
        numbers: list[int] = []
        pages: list[Page] = []
        for tr in self._rows(tbl):
            self.block += 1
            trpr = tr.find(_q("trPr"))
            col = 0
            if trpr is not None:
                gb = trpr.find(_q("gridBefore"))
                if gb is not None and gb.get(_q("val"), "0").isdigit():
                    col = int(gb.get(_q("val")))
            placed: list[Placed] = []
            row_broke = False
            for tc in self._cells(tr):
                tcpr = tc.find(_q("tcPr"))
                span = 1
                continuing = False
                if tcpr is not None:
                    gs = tcpr.find(_q("gridSpan"))
                    if gs is not None and gs.get(_q("val"), "1").isdigit():
                        span = max(1, int(gs.get(_q("val"))))
                    vm = tcpr.find(_q("vMerge"))
                    continuing = vm is not None and vm.get(_q("val"), "continue") == "continue"
                    hm = tcpr.find(_q("hMerge"))
                    if hm is not None and hm.get(_q("val"), "continue") == "continue":
                        continuing = True
                text, broke = self.cell_text(tc)
                row_broke = row_broke or broke
                placed.append((col, span, "" if continuing else text))
                col += span
            if row_broke and rows:
                self.new_page()
            rows.append(placed)
            numbers.append(self.block)
            pages.append(self.page)
        widths: list[float] = []
        grid_el = tbl.find(_q("tblGrid"))
        if grid_el is not None:
            for gc in grid_el.findall(_q("gridCol")):
                v = gc.get(_q("w"), "")
                widths.append(float(v) if v.replace(".", "", 1).isdigit() else 0.0)
        # Sliver columns under SLIVER_TWIPS come from borders that do not line up between rows.
        grid = collapse_grid(rows, numbers, widths or None, SLIVER_TWIPS if widths else 0.0)
        width = max((r.extent() for r in grid), default=0)
        k = 0
        while k < len(grid):
            j = k
            while j < len(grid) and pages[j] is pages[k]:
                j += 1
            table_to_lines(grid[k:j], pages[k], width)
            k = j


def read_docx(data: bytes, path: str, fmt: str = "docx") -> Source:
    try:
        from lxml import etree
    except ImportError as e:  # pragma: no cover - lxml is a dependency
        raise IngestError("读取 DOCX 需要 lxml，请重新安装 budgetlint") from e
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            part = _main_part(z)
            xml = z.read(part)
    except KeyError as e:
        raise IngestError("DOCX 文件缺少正文部分（word/document.xml），文件不完整") from e
    except Exception as e:  # noqa: BLE001 - truncated members, bad CRC, zlib errors
        raise IngestError(f"DOCX 文件已损坏，无法解压正文（{type(e).__name__}）") from e
    refuse_cells(xml.count(b"<w:tc>") + xml.count(b"<w:tc "), "DOCX 文档的表格")
    try:
        parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True, recover=False)
        root = etree.fromstring(xml, parser)
    except etree.XMLSyntaxError as e:
        raise IngestError(f"DOCX 正文 XML 有误，无法解析{cause(e)}") from e
    body = root.find(_q("body"))
    if body is None:
        raise IngestError("DOCX 文件中没有正文")
    rendered = next(body.iter(RENDERED), None) is not None
    reader = _Reader(rendered)
    try:
        reader.blocks(body)
    except RecursionError as e:
        raise IngestError("DOCX 正文嵌套层次过深，无法读取") from e
    source = Source(path=path, format=fmt, pages=[p for p in reader.pages if p.lines] or reader.pages)
    if reader.images:
        source.notes.append(f"文档中有 {reader.images} 张图片；图片里的表格或文字无法读取，如有内容请另行核对")
    if reader.objects:
        source.notes.append(f"文档中有 {reader.objects} 个嵌入对象（如嵌入的 Excel 表格），其内容未读取")
    if not any(p.lines for p in source.pages):
        raise IngestError("DOCX 文档中没有任何文字内容" + ("（只有图片，可能是扫描件）" if reader.images else ""))
    return source
