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
    if low.startswith((b"<!doctype html", b"<html")) or b"<html" in low:
        return "html"
    return "text"


_NOT_YET = {
    "pdf": "PDF 文件",
    "zip": "Office Open XML（XLSX/DOCX）或 ZIP 文件",
    "ole": "旧版 Office（XLS/DOC）文件",
    "html": "HTML 网页",
}


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
    if fmt in _NOT_YET:
        raise IngestError(f"暂不支持的格式：{_NOT_YET[fmt]}（当前版本读取转换后的文本）")
    return read_text(data, str(p))
