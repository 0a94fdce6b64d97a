"""Converter text (PDF-to-text or -markdown output) → lines of cells.

Converters write tables as tab-separated lines, as markdown pipe tables or as HTML ``<table>``
fragments; all three become ``Line``s whose cells are the fields. Form feeds start a new page.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

from budgetlint.ingest.base import IngestError, Line, Page, Source
from budgetlint.model import Provenance

_MD_RULE = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")


# A few undecodable bytes (a truncated last character, a stray byte) are damage, not another
# encoding: up to this share of replaced characters the text is read, the damage noted.
DAMAGE_SHARE = 0.001
DAMAGE_MIN = 3


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 text saved without a byte-order mark: the zero bytes of its ASCII characters (line
    breaks, digits, tabs) all fall on odd (LE) or even (BE) offsets."""
    sample = data[:4096]
    if len(sample) < 4:
        return None
    odd = sum(1 for b in sample[1::2] if b == 0)
    even = sum(1 for b in sample[0::2] if b == 0)
    half = len(sample) // 2
    for codec, zeros, other in (("utf-16-le", odd, even), ("utf-16-be", even, odd)):
        if zeros >= 0.2 * half and other <= 0.02 * half:
            try:
                return data[: len(data) - len(data) % 2].decode(codec)
            except UnicodeDecodeError:
                return None
    return None


def _damaged(data: bytes, codec: str) -> tuple[str, int] | None:
    text = data.decode(codec, errors="replace")
    bad = text.count("\ufffd") - data.decode(codec, errors="ignore").count("\ufffd")
    if bad <= max(DAMAGE_MIN, DAMAGE_SHARE * len(text)):
        return text, bad
    return None


def decode(data: bytes, path: str) -> tuple[str, list[str]]:
    """Decode text bytes: UTF-8 (with or without BOM), UTF-16 (with BOM, or without one when its
    zero bytes show it), else GB18030/GBK; a few damaged bytes are replaced and noted."""
    notes: list[str] = []
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), notes
        except UnicodeDecodeError as e:
            raise IngestError(f"文件声明为 UTF-16 编码但内容无法解码（位置 {e.start}）") from e
    utf16 = _utf16_without_bom(data)
    if utf16 is not None:
        return utf16, ["文件编码为 UTF-16（无字节顺序标记），已按该编码读取"]
    try:
        return data.decode("utf-8"), notes
    except UnicodeDecodeError as utf8_error:
        try:
            text = data.decode("gb18030")
        except UnicodeDecodeError:
            for codec, name in (("utf-8", "UTF-8"), ("gb18030", "GBK/GB18030")):
                damaged = _damaged(data, codec)
                if damaged is not None:
                    text, bad = damaged
                    return text, [f"文件按 {name} 读取，其中 {bad} 处字节无法解码（文件可能被截断或损坏），"
                                  "已以 � 代替"]
            raise IngestError(
                f"文本编码无法识别：既不是 UTF-8 也不是 GBK/GB18030（第 {utf8_error.start} 字节处出错）"
            ) from utf8_error
        notes.append("文件编码为 GBK/GB18030，已按该编码读取")
        return text, notes


class _HtmlRows(HTMLParser):
    """Collect <tr> rows of an HTML table fragment, expanding colspan with empty cells."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.rows: list[list[str]] = []
        self._cell: list[str] | None = None
        self._span = 1

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th"):
            self._cell = []
            span = dict(attrs).get("colspan") or "1"
            self._span = int(span) if span.isdigit() else 1
        elif tag == "br" and self._cell is not None:
            self._cell.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None:
            if not self.rows:
                self.rows.append([])
            self.rows[-1].append("".join(self._cell).strip())
            self.rows[-1].extend([""] * (self._span - 1))
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def _split(raw: str) -> list[str] | None:
    """Cells of a markdown pipe row, or None if the line is not one."""
    s = raw.strip()
    if len(s) > 1 and s.startswith("|") and s.endswith("|"):
        return [c.strip() for c in s[1:-1].split("|")]
    return None


def text_to_source(text: str, path: str, notes: list[str] | None = None) -> Source:
    source = Source(path=path, format="text", notes=list(notes or []))
    page = Page(number=1)
    source.pages.append(page)
    html_buf: list[str] = []
    html_start = 0
    # Not str.splitlines(): it also splits at form feeds, which mark pages here.
    raw_lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if raw_lines and raw_lines[-1] == "":
        raw_lines.pop()
    for lineno, raw in enumerate(raw_lines, start=1):
        while "\f" in raw:
            before, raw = raw.split("\f", 1)
            if before.strip():
                page.lines.append(Line([before], Provenance(line=lineno, page=page.number)))
            page = Page(number=page.number + 1)
            source.pages.append(page)
        if html_buf or "<table" in raw.lower():
            if not html_buf:
                html_start = lineno
            html_buf.append(raw)
            if "</table>" in raw.lower():
                parser = _HtmlRows()
                parser.feed("\n".join(html_buf))
                for row in parser.rows:
                    page.lines.append(Line(row, Provenance(line=html_start, page=page.number)))
                html_buf = []
            continue
        if _MD_RULE.match(raw) and "|" in raw:
            continue
        cells = _split(raw)
        if cells is None:
            cells = raw.split("\t")
        page.lines.append(Line(cells, Provenance(line=lineno, page=page.number)))
    return source


def read_text(data: bytes, path: str) -> Source:
    if not data.strip():
        raise IngestError("文件为空，没有可读取的内容")
    sample = data[:4096]
    if b"\x00" in sample and not sample.startswith((b"\xff\xfe", b"\xfe\xff")) and _utf16_without_bom(data) is None:
        raise IngestError("文件是二进制数据，不是文本，也不是可识别的文档格式")
    text, notes = decode(data, path)
    controls = sum(1 for ch in text[:4096] if ord(ch) < 32 and ch not in "\t\n\r\f")
    if controls > 0.02 * min(len(text), 4096):
        raise IngestError("文件含大量控制字符，不是可读的文本")
    return text_to_source(text, path, notes)
