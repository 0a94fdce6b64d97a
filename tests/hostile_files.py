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


def docx_bomb(mb: int) -> bytes:
    """A DOCX whose body is ``mb`` MB of table cells with varied figures: it compresses like real
    XML (no ratio alarm), so only the cell and unpacked-size limits stand in its way."""
    row = "".join(f"<w:tc><w:p><w:r><w:t>{i * 7919 % 100000}.{i % 100:02d}</w:t></w:r></w:p></w:tc>" for i in range(20))
    rows = (f"<w:tr>{row}</w:tr>" * (mb * 2**20 // (len(row) + 13) + 1)).encode()
    ns = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    doc = f'<?xml version="1.0"?><w:document {ns}><w:body><w:tbl>'.encode() + rows + b"</w:tbl></w:body></w:document>"
    return zip_deflated({"[Content_Types].xml": b"<Types/>", "word/document.xml": doc})


def zip_deflated(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(name, data)
    return buf.getvalue()


def xlsx_rows(rows: int, cols: int = 8) -> bytes:
    """A workbook of ``rows`` rows of figures (1,000,000 × 8 is about 27 MB)."""
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet()
    for r in range(rows):
        ws.append([r * 31 + c for c in range(cols)])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def nested_html(mb: int) -> bytes:
    """A page of ``mb`` MB of nested elements, with a budget paragraph before and after."""
    depth = mb * 2**20 // 11
    return ("<html><body><p>2024年某局部门预算</p>" + "<div>" * depth + "</div>" * depth
            + "<p>一般公共服务支出\t100.00</p></body></html>").encode()
