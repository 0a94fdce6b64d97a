"""HTML pages → lines: prose blocks and ``<table>`` rows in document order (lxml).

Encoding: a byte-order mark, else the page's own declaration (``<meta charset>``,
``http-equiv`` or an XML declaration; GB2312 and GBK are read as their superset GB18030), else
detection (UTF-8, then GB18030, then Big5). A declaration the bytes contradict is overruled,
with a note.

Tables: a ``<table>`` holding no other table is a data table — ``colspan``/``rowspan`` are
expanded (the text in the first cell, ``""`` in the cells it covers) and its rows go through
``grid.table_to_lines``; a table holding tables is page layout, read as flowing blocks.
Scripts, styles, forms' option lists, elements hidden with ``display:none`` and site chrome
(``<nav>``, breadcrumbs, menus, footers by tag or class) are not read. A line's provenance
``line`` is its block number on the page (the page is page 1).
Links to attachments (.pdf, .xls, .xlsx, .doc, .docx, …) are listed in a note: many budget
pages publish their tables only as attachments. A link that downloads by script
(``href="javascript:;" onclick="downloadFj('…/表.xls')"``) counts when its text or a quoted
argument of the call names such a file. Pictures in the page's body (``<img>`` not in site
chrome, not icon-sized) are counted in a note: tables published as images cannot be checked.
"""

from __future__ import annotations

import re
from urllib.parse import unquote, urlsplit

from budgetlint.ingest.base import IngestError, Line, Page, Source, cause, refuse_cells
from budgetlint.ingest.grid import Placed, collapse_grid, table_to_lines
from budgetlint.model import Provenance
from budgetlint.recognise.normalise import join_wrapped

_BLOCK = {
    "p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "dl", "dt", "dd", "section",
    "article", "header", "footer", "nav", "aside", "main", "blockquote", "pre", "form", "fieldset",
    "address", "figure", "figcaption", "hr", "center", "caption", "tr", "td", "th", "tbody", "thead",
    "tfoot", "table", "body", "html", "details", "summary", "menu", "dir", "legend", "option",
}
_DROP = {"script", "style", "noscript", "template", "head", "title", "meta", "link", "select", "textarea",
         "button", "iframe", "object", "embed", "svg", "math", "canvas", "map", "audio", "video"}
_HIDDEN = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
# Site chrome around the content: breadcrumbs ("当前位置：首页 > …"), menus, share bars, footers.
_CHROME_TAGS = {"nav", "aside", "footer"}
_CHROME = re.compile(r"bread|crumb|nav|menu|footer|sidebar|share|toolbar|copyright", re.IGNORECASE)
_CONTAINERS = {"div", "ul", "ol", "section", "span", "p", "header", "dl"}
_ATTACH_EXT = (".pdf", ".xls", ".xlsx", ".doc", ".docx", ".wps", ".et", ".zip", ".rar", ".7z", ".ofd")
_QUOTED = re.compile(r"""['"]([^'"]+)['"]""")
_ICON_PX = 120  # a picture no wider or taller than this is an icon or a logo, not a table
_CJK = "\u3400-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef"
_CJK_BREAK = re.compile(rf"(?<=[{_CJK}])\s*\n\s*(?=[{_CJK}])")
_SPACES = re.compile(r"[ \t\r\n\f\v\u00a0]+")
_META_CHARSET = re.compile(rb"""<meta[^>]{0,400}?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_XML_DECL = re.compile(rb"""^\s*<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_ALIASES = {
    "gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "cp936": "gb18030", "gb_2312-80": "gb18030",
    "x-gb2312": "gb18030", "euc-cn": "gb18030", "hz-gb-2312": "hz", "utf8": "utf-8", "unicode": "utf-8",
    "big5-hkscs": "big5hkscs",
}
_LATIN = {"iso-8859-1", "latin1", "latin-1", "windows-1252", "cp1252", "us-ascii", "ascii"}


def _norm_codec(name: str) -> str | None:
    import codecs

    n = name.strip().lower()
    n = _ALIASES.get(n, n)
    try:
        return codecs.lookup(n).name
    except LookupError:
        return None


def decode_html(data: bytes) -> tuple[str, list[str]]:
    """The page's text and notes about its encoding."""
    notes: list[str] = []
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", "replace"), notes
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", "replace"), notes
    head = data[:8192]
    m = _XML_DECL.search(head) or _META_CHARSET.search(head)
    declared = m.group(1).decode("ascii", "replace") if m else None
    codec = _norm_codec(declared) if declared else None
    if codec and not (codec.replace("_", "-") in _LATIN or codec in ("cp1252", "latin-1", "iso8859-1", "ascii")):
        try:
            return data.decode(codec), notes
        except UnicodeDecodeError:
            pass
    for guess in ("utf-8", "gb18030", "big5"):
        try:
            text = data.decode(guess)
        except UnicodeDecodeError:
            continue
        if declared and _norm_codec(declared) != _norm_codec(guess) and not data.isascii():
            notes.append(f"网页声明的编码 {declared} 与内容不符，已按 {guess.upper()} 读取")
        elif not declared and guess != "utf-8":
            notes.append(f"网页没有声明编码，按内容判断为 {guess.upper()} 读取")
        return text, notes
    notes.append("网页编码无法确定，已按 UTF-8 读取，个别字符可能显示为乱码")
    return data.decode("utf-8", "replace"), notes


def _tag(el) -> str:
    t = el.tag
    if not isinstance(t, str):
        return ""  # comments, processing instructions
    return t.rsplit("}", 1)[-1].lower()


def _hidden(el) -> bool:
    style = el.get("style")
    return bool(style and _HIDDEN.search(style)) or el.get("hidden") is not None


def _chrome(el, tag: str) -> bool:
    if tag in _CHROME_TAGS:
        return True
    if tag not in _CONTAINERS:
        return False
    names = f"{el.get('class') or ''} {el.get('id') or ''}"
    return bool(names.strip() and _CHROME.search(names))


def _norm(text: str) -> str:
    text = _CJK_BREAK.sub("", text)
    return _SPACES.sub(" ", text)


class _Walker:
    def __init__(self, page: Page) -> None:
        self.page = page
        self.buf: list[str] = []
        self.attachments: list[tuple[str, str]] = []
        self.tables = 0
        self.images = 0  # pictures in the body big enough to be a table
        self.count = 0  # blocks so far: a line's provenance is its block number

    def next_line(self) -> int:
        self.count += 1
        return self.count

    def flush(self) -> None:
        text = _norm("".join(self.buf)).strip()
        self.buf = []
        if text:
            self.page.lines.append(Line([text], Provenance(line=self.next_line(), page=self.page.number)))

    def text(self, s: str | None, el) -> None:
        if s:
            self.buf.append(s)

    def link(self, el) -> None:
        href = (el.get("href") or "").strip()
        name = _norm(el.text_content()).strip()
        script = (el.get("onclick") or "").strip()
        if not href or href.lower().startswith(("javascript:", "#")):
            # Downloaded by script: downloadFj('/upload/表.xls') — a quoted file argument, or the
            # link's own text naming the file.
            if not script and href.lower().startswith("javascript:"):
                script = href
            if not script:
                return
            files = [a for a in _QUOTED.findall(script) if unquote(a).lower().endswith(_ATTACH_EXT)]
            if files or name.lower().endswith(_ATTACH_EXT):
                target = files[0] if files else script
                self.attachments.append((name or target.rsplit("/", 1)[-1], target))
            return
        if href.lower().startswith("mailto:"):
            return
        target = unquote(urlsplit(href).path).lower()
        if target.endswith(_ATTACH_EXT) or name.lower().endswith(_ATTACH_EXT):
            self.attachments.append((name or href.rsplit("/", 1)[-1], href))

    def image(self, el) -> None:
        def px(attr: str) -> int | None:
            m = re.match(r"\s*(\d+)", el.get(attr) or "")
            return int(m.group(1)) if m else None

        width, height = px("width"), px("height")
        if (width is not None and width <= _ICON_PX) or (height is not None and height <= _ICON_PX):
            return
        self.images += 1

    def walk(self, el) -> None:
        tag = _tag(el)
        if not tag:
            self.text(el.tail, el)
            return
        if tag in _DROP or _hidden(el) or _chrome(el, tag):
            self.text(el.tail, el)
            return
        if tag == "a" or (el.get("onclick") and tag != "img"):
            self.link(el)
        if tag == "img":
            self.image(el)
        if tag == "br":
            self.flush()
            self.text(el.tail, el)
            return
        if tag == "table" and not any(_tag(d) == "table" for d in el.iterdescendants()):
            self.flush()
            self.table(el)
            self.text(el.tail, el)
            return
        block = tag in _BLOCK
        if block:
            self.flush()
        self.text(el.text, el)
        for ch in el:
            self.walk(ch)
        if block:
            self.flush()
        self.text(el.tail, el)

    # -- tables ---------------------------------------------------------------------------

    def cell_text(self, el) -> str:
        parts: list[str] = []
        cur: list[str] = []

        def rec(node) -> None:
            tag = _tag(node)
            if tag and (tag in _DROP or _hidden(node)):
                if node.tail:
                    cur.append(node.tail)
                return
            if tag == "a":
                self.link(node)
            if tag == "br" or tag in _BLOCK:
                parts.append("".join(cur))
                cur.clear()
            if tag and node.text:
                cur.append(node.text)
            if tag:
                for ch in node:
                    rec(ch)
            if tag in _BLOCK:
                parts.append("".join(cur))
                cur.clear()
            if node.tail:
                cur.append(node.tail)

        if el.text:
            cur.append(el.text)
        for ch in el:
            rec(ch)
        parts.append("".join(cur))
        return join_wrapped([_norm(p) for p in parts])

    def table(self, table) -> None:
        self.tables += 1
        caption = next((c for c in table if _tag(c) == "caption"), None)
        if caption is not None:
            text = self.cell_text(caption)
            if text:
                self.page.lines.append(Line([text], Provenance(line=self.next_line(), page=self.page.number)))
        trs = [tr for tr in table.iter() if _tag(tr) == "tr" and not _hidden(tr)]
        taken: set[tuple[int, int]] = set()
        area = 0  # cells the spans cover: a few spans of 1000 × 1000 would take minutes to place
        rows: list[list[Placed]] = []
        numbers: list[int] = []
        for r, tr in enumerate(trs):
            placed: list[Placed] = []
            c = 0
            for td in tr:
                if _tag(td) not in ("td", "th") or _hidden(td):
                    continue
                while (r, c) in taken:
                    c += 1
                cs = _span(td.get("colspan"))
                # a rowspan past the table's last row covers nothing (browsers clip it too)
                rs = min(_span(td.get("rowspan"), zero=len(trs) - r), len(trs) - r)
                area += cs * rs
                refuse_cells(area, "HTML 表格（按合并单元格展开后）")
                placed.append((c, cs, self.cell_text(td)))
                for dr in range(rs):
                    for dc in range(cs):
                        taken.add((r + dr, c + dc))
                c += cs
            rows.append(placed)
            numbers.append(self.next_line())
        table_to_lines(collapse_grid(rows, numbers), self.page)


def _span(value: str | None, zero: int = 1) -> int:
    if not value:
        return 1
    m = re.match(r"\s*(\d+)", value)
    if not m:
        return 1
    n = int(m.group(1))
    if n == 0:
        return max(zero, 1)  # rowspan="0": to the end of the table
    return min(n, 1000)


def read_html(data: bytes, path: str) -> Source:
    try:
        from lxml import etree
        from lxml import html as lhtml
    except ImportError as e:  # pragma: no cover - lxml is a dependency
        raise IngestError("读取 HTML 需要 lxml，请重新安装 budgetlint") from e
    if not data.strip():
        raise IngestError("文件为空，没有可读取的内容")
    text, notes = decode_html(data)
    text = re.sub(r"^\s*<\?xml[^>]*\?>", "", text)
    parser = lhtml.HTMLParser()
    try:
        root = lhtml.document_fromstring(text, parser=parser)
    except (etree.ParserError, ValueError) as e:
        raise IngestError(f"网页内容无法解析{cause(e)}") from e
    if any(e.type_name == "ERR_RESOURCE_LIMIT" for e in parser.error_log):
        # libxml2 stops at 256 levels of nesting and drops the rest of the page without an error:
        # what it kept is not the page, and checking it would pass off a fragment as the whole
        raise IngestError("网页元素嵌套超过 256 层（正常网页不会这样），解析器只能读到其中一部分，为免漏检，未读取")
    body = root.find("body")
    page = Page(number=1)
    walker = _Walker(page)
    try:
        walker.walk(body if body is not None else root)
    except RecursionError as e:
        raise IngestError("网页元素嵌套层次过深，无法读取") from e
    walker.flush()
    source = Source(path=path, format="html", pages=[page], notes=notes)
    if walker.attachments:
        seen: dict[str, str] = {}
        for name, href in walker.attachments:
            seen.setdefault(href, name)
        listed = "；".join(f"{name}（{href}）" for href, name in list(seen.items())[:20])
        more = f" 等 {len(seen)} 个" if len(seen) > 20 else ""
        source.notes.append(f"网页附件{more}（预决算表格常以附件发布，需另行下载检查）：{listed}")
    if walker.images:
        source.notes.append(f"网页正文中有 {walker.images} 张图片：表格若以图片发布，其中的数字无法读取，未做检查")
    if not page.lines:
        raise IngestError("网页中没有可读取的正文文字" + ("（内容只在附件中）" if walker.attachments else ""))
    return source
