"""Ingest: bytes → ``Source`` (pages of lines of cells). The format is sniffed from content."""

from __future__ import annotations

import stat
from pathlib import Path

from budgetlint import limits
from budgetlint.ingest.base import IngestError, Line, Page, Source
from budgetlint.ingest.text import read_text

__all__ = ["IngestError", "Line", "Page", "Source", "sniff", "load"]

_MAGIC = (
    (b"%PDF-", "pdf"),
    (b"PK\x03\x04", "zip"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "ole"),
)


def sniff(data: bytes) -> str:
    """The format from the first bytes, not the extension: pdf | zip | ole | html | text."""
    head = data[:1024].lstrip()
    for magic, fmt in _MAGIC:
        if data.startswith(magic) or head.startswith(magic):
            return fmt
    low = head[:512].lower()
    if low.startswith((b"<!doctype html", b"<html")) or b"<html" in low or b"<html" in data[:4096].lower():
        return "html"
    return "text"


def load(path: str | Path) -> Source:
    """Read one file into a ``Source``. Raises ``IngestError`` with a Chinese reason.

    ``a.pdf+b.pdf`` reads a document published as several files (the narrative in one, the
    tables in another) as one: the parts' pages follow each other, and a note says which pages
    came from which file. A path that exists as written is always one file."""
    text = str(path)
    if "+" in text and not Path(text).exists():
        parts = [x for x in text.split("+") if x]
        if len(parts) > 1:
            return _load_parts(parts, text)
    return _load_one(path)


def _load_parts(parts: list[str], joined: str) -> Source:
    merged = Source(path=joined, format="")
    formats: list[str] = []
    for part in parts:
        try:
            src = _load_one(part)
        except IngestError as e:
            raise IngestError(f"{part}：{e}") from e
        offset = len(merged.pages)
        first = offset + 1
        for page in src.pages:
            number = page.number + offset
            page.number = number
            for line in page.lines:
                line.provenance = type(line.provenance)(line=line.provenance.line, page=number,
                                                        bbox=line.provenance.bbox)
            merged.pages.append(page)
        merged.notes.extend(f"{part}：{n}" for n in src.notes)
        merged.notes.append(f"第 {first}–{len(merged.pages)} 页来自 {part}")
        formats.append(src.format)
    merged.format = "+".join(formats)
    return merged


def _refuse_size(size: int, limit_mb: float, what: str, key: str) -> None:
    if size > limit_mb * 2**20:
        raise IngestError(f"{what}有 {size / 2**20:,.1f} MB，超过上限 {limit_mb:g} MB（配置文件 [limits] {key}），"
                          "不像正常的预决算公开文档，未读取")


def _read_within_limits(p: Path) -> bytes:
    """The file's bytes, refused before reading when it is larger than any document (a text file of
    200 MB would take an hour to check): the whole file against ``file-mb``, a text or HTML file —
    sniffed from its first bytes — against ``text-mb``. Of a PDF only the first bytes: enough to
    sniff it, and PDFium opens the file by its path."""
    lim = limits.active()
    try:
        size = p.stat().st_size
        _refuse_size(size, lim.file_mb, "文件", "file-mb")
        with p.open("rb") as fh:
            head = fh.read(4096)  # all that sniff reads: sniff(head) is sniff of the whole file
            kind = sniff(head)
            if kind in ("text", "html"):
                _refuse_size(size, lim.text_mb, "文本文件", "text-mb")
            if kind == "pdf":
                return head  # PDFium reads the file itself: its bytes are not read twice
            return head + fh.read()
    except FileNotFoundError as e:
        raise IngestError("文件不存在") from e
    except IsADirectoryError as e:
        raise IngestError("这是一个目录，不是文件") from e
    except MemoryError as e:
        raise IngestError("文件太大，内存不足，无法读取") from e
    except OSError as e:
        raise IngestError(f"无法读取文件：{e.strerror}") from e


def _load_one(path: str | Path) -> Source:
    p = Path(path)
    try:
        mode = p.stat().st_mode
    except FileNotFoundError as e:
        raise IngestError("文件不存在") from e
    except OSError as e:
        raise IngestError(f"无法读取文件：{e.strerror}") from e
    if not stat.S_ISREG(mode) and not stat.S_ISDIR(mode):
        # a pipe or a device would block the run or never end; documents are regular files
        raise IngestError("这不是普通文件（管道、设备或套接字），不能作为文档读取")
    data = _read_within_limits(p)
    fmt = sniff(data)
    if fmt == "pdf":
        from budgetlint.ingest.pdf import read_pdf

        return read_pdf(str(p))
    if fmt == "zip":  # XLSX or DOCX by its members
        from budgetlint.ingest.office import read_zip

        return read_zip(data, str(p))
    if fmt == "ole":  # XLS or DOC by its streams
        from budgetlint.ingest.office import read_ole

        return read_ole(data, str(p))
    if fmt == "html":
        from budgetlint.ingest.html import read_html

        return read_html(data, str(p))
    return read_text(data, str(p))
