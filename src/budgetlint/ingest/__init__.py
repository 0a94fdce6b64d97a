"""Ingest: bytes → ``Source`` (pages of lines of cells). The format is sniffed from content."""

from __future__ import annotations

from pathlib import Path

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
    """Read one file into a ``Source``. Raises ``IngestError`` with a Chinese reason."""
    p = Path(path)
    try:
        data = p.read_bytes()
    except FileNotFoundError as e:
        raise IngestError("文件不存在") from e
    except IsADirectoryError as e:
        raise IngestError("这是一个目录，不是文件") from e
    except OSError as e:
        raise IngestError(f"无法读取文件：{e.strerror}") from e
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
