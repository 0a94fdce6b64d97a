"""Limits per document: the most a file may ask of the machine before it is refused or stopped.

One settings object for every limit, read by the ingest modules (sizes, pages, cells) and by the
batch (time, memory). The defaults lie far above any real disclosure (the largest of the wild and
corpus documents: 187 pages, 3.7 MB, a few thousand cells) so that a reviewer never meets them;
a hostile or broken file meets one and gets a Chinese message naming it. ``budgetlint.toml``
changes them in a ``[limits]`` table (config.py); docs/reliability.md lists them.

The limits in force are process-wide (``active``): the CLI sets them once (``use``) and each
worker process sets the ones it was handed, so that no reader needs them passed down the calls.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, fields, replace


@dataclass(frozen=True, slots=True)
class Limits:
    """Per document. Each field is a ``[limits]`` key of the configuration file (``_`` → ``-``)."""

    file_mb: int = 1024  # any file, before it is read
    text_mb: int = 64  # a text or HTML file (20 MB of text takes ~100 s to check)
    pages: int = 5000  # pages of a PDF
    ocr_pages: int = 300  # pages of a PDF read by OCR (about a second each); the rest are noted, not read
    page_pixels: int = 20_000_000  # one page rendered for OCR (A3 at 200 dpi is 15.5 Mpx)
    unpacked_mb: int = 300  # an XLSX/DOCX unpacked
    members: int = 10_000  # files inside an XLSX/DOCX
    cells: int = 1_000_000  # cells of a workbook (XLSX/XLS, merged ranges included) or of a DOCX's tables
    seconds: float = 600.0  # time to check one document (enforced in a worker process)
    memory_mb: int = 4096  # resident memory of that worker

    @classmethod
    def keys(cls) -> list[str]:
        return [f.name.replace("_", "-") for f in fields(cls)]

    def with_values(self, values: dict[str, float]) -> Limits:
        """These limits with some replaced (keys as in the configuration file or as fields)."""
        return replace(self, **{k.replace("-", "_"): v for k, v in values.items()})


NAMES = {  # Chinese names for messages and --show-settings
    "file_mb": "文件大小（MB）", "text_mb": "文本大小（MB）", "pages": "PDF 页数", "ocr_pages": "OCR 页数",
    "page_pixels": "OCR 单页像素", "unpacked_mb": "解压后大小（MB）", "members": "压缩包内文件数",
    "cells": "单元格数", "seconds": "每个文档时间（秒）", "memory_mb": "每个文档内存（MB）",
}

_active = Limits()


def active() -> Limits:
    """The limits in force in this process."""
    return _active


def set_active(limits: Limits) -> None:
    global _active
    _active = limits


@contextmanager
def use(limits: Limits) -> Iterator[Limits]:
    """Run with ``limits`` in force, then restore the previous ones."""
    before = active()
    set_active(limits)
    try:
        yield limits
    finally:
        set_active(before)
