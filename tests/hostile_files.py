"""Broken and hostile files made on the spot (no bombs are committed): shared by the bad-input
tests and bench/hostile.py."""

from __future__ import annotations

import io
import zipfile


def xlsx_bytes(text: str = "收支总体情况表") -> bytes:
    """A one-cell workbook."""
    from openpyxl import Workbook

    buf = io.BytesIO()
    wb = Workbook()
    wb.active["A1"] = text
    wb.save(buf)
    return buf.getvalue()


def zip_bytes(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, data in members.items():
            z.writestr(name, data)
    return buf.getvalue()


def zip_bomb(base: bytes, member: str, size: int) -> bytes:
    """``base`` (an XLSX or DOCX) with one more member that unpacks to ``size`` bytes of one letter."""
    src = zipfile.ZipFile(io.BytesIO(base))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for n in src.namelist():
            z.writestr(n, src.read(n))
        z.writestr(member, b"A" * size)
    return out.getvalue()


def blank_pdf(width: float, height: float, pages: int = 1) -> bytes:
    from pypdf import PdfWriter

    w = PdfWriter()
    for _ in range(pages):
        w.add_blank_page(width, height)
    buf = io.BytesIO()
    w.write(buf)
    return buf.getvalue()
