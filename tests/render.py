"""Render a converter-text document into XLSX, XLS, DOCX and HTML, the way a bureau would publish it.

Used by the cross-format tests and bench/bench_formats.py: the same document in every format
must give the same model and the same findings. Runs of tabular lines become real tables
(header cells followed by "" become merged cells); amounts become numbers with a number format
(some stay text, as in real workbooks); each table starts a new sheet or page.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from budgetlint.eval.render import line_spans
from budgetlint.ingest.base import Line
from budgetlint.ingest.text import text_to_source

_AMOUNT = re.compile(r"^-?\d{1,3}(?:,\d{3})+(?:\.\d+)?$|^-?\d+\.\d+$")
_INT = re.compile(r"^[1-9]\d{0,6}$")
_TITLE = re.compile(r"表$|表[(（]")


@dataclass
class Block:
    kind: str  # prose | table
    lines: list[Line] = field(default_factory=list)
    title: str | None = None  # a table title: starts a new sheet / page


def blocks_of(text: str) -> list[Block]:
    """Prose paragraphs and tables of a converter text, in order."""
    lines = text_to_source(text, "render").lines()
    out: list[Block] = []
    for i, line in enumerate(lines):
        if line.is_tabular:
            if not out or out[-1].kind != "table":
                out.append(Block("table"))
            out[-1].lines.append(line)
            continue
        t = line.cells[0].strip()
        if not t:
            if out and out[-1].kind == "table":
                out.append(Block("prose"))  # a blank line ends the table
            continue
        ahead = [ln for ln in lines[i + 1:i + 6] if ln.cells[0].strip() or ln.is_tabular][:3]
        title = t if len(t) < 40 and _TITLE.search(t) and any(a.is_tabular for a in ahead) else None
        if not out or out[-1].kind != "prose" or title:
            out.append(Block("prose", title=title))
        out[-1].lines.append(line)
    return [b for b in out if b.lines]


def _header_rows(rows: list[list[str]]) -> int:
    """Header rows: those above the first row with an amount or with a single filled cell."""
    for k, r in enumerate(rows):
        if any(_AMOUNT.match(c.strip()) for c in r) or sum(1 for c in r if c.strip()) < 2:
            return k
    return 0


def _merges(row: list[str], width: int) -> list[tuple[int, int]]:
    """(first, last) column of each header cell followed by "" cells."""
    return [(a, b) for a, b in line_spans(row, width) if b > a]


def _number(cell: str) -> tuple[float | int | str, str]:
    """A cell as a spreadsheet value and number format."""
    c = cell.strip()
    if _AMOUNT.match(c):
        decimals = len(c.split(".", 1)[1]) if "." in c else 0
        fmt = ("#,##0" if "," in c else "0") + ("." + "0" * decimals if decimals else "")
        return float(c.replace(",", "")), fmt
    if _INT.match(c):
        return int(c), "General"
    return cell, "General"


def _sheet_name(title: str, used: set[str]) -> str:
    name = re.sub(r"[\[\]:*?/\\]", "", title)[:28] or "表"
    base, k = name, 2
    while name in used:
        name = f"{base[:25]}_{k}"
        k += 1
    used.add(name)
    return name


def to_xlsx(text: str, path, text_every: int = 7) -> None:
    """One sheet per table (its title and unit lines in the grid), prose on its own sheets."""
    import openpyxl

    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    used: set[str] = set()
    ws = None
    row = 0
    count = 0
    for block in blocks_of(text):
        if ws is None or block.title:
            ws = wb.create_sheet(_sheet_name(block.title or "说明", used))
            row = 0
        if block.kind == "prose":
            for line in block.lines:
                row += 1
                x = ws.cell(row=row, column=1, value=line.cells[0])
                x.data_type = "s"
            continue
        rows = [line.cells for line in block.lines]
        width = max(len(r) for r in rows)
        nh = _header_rows(rows)
        for k, cells in enumerate(rows):
            row += 1
            for c, cell in enumerate(cells):
                if not cell.strip():
                    continue
                value, fmt = _number(cell)
                count += 1
                if isinstance(value, float) and count % text_every == 0:
                    value, fmt = cell.strip(), "@"  # a number stored as text
                x = ws.cell(row=row, column=c + 1, value=value)
                if isinstance(value, str) and value.startswith("="):
                    x.data_type = "s"  # "=100%" is an indicator value, not a formula
                x.number_format = fmt
            if k < nh:
                for a, b in _merges(cells, width):
                    ws.merge_cells(start_row=row, start_column=a + 1, end_row=row, end_column=b + 1)
        row += 1  # a blank row after each table
    wb.save(path)


def to_xls(text: str, path) -> None:
    """The same layout as ``to_xlsx`` in Excel 97–2003 format (xlwt)."""
    import xlwt

    wb = xlwt.Workbook(encoding="utf-8")
    used: set[str] = set()
    ws = None
    row = -1
    styles: dict[str, xlwt.XFStyle] = {}

    def style(fmt: str) -> xlwt.XFStyle:
        if fmt not in styles:
            s = xlwt.XFStyle()
            s.num_format_str = fmt
            styles[fmt] = s
        return styles[fmt]

    for block in blocks_of(text):
        if ws is None or block.title:
            ws = wb.add_sheet(_sheet_name(block.title or "说明", used))
            row = -1
        if block.kind == "prose":
            for line in block.lines:
                row += 1
                ws.write(row, 0, line.cells[0])
            continue
        rows = [line.cells for line in block.lines]
        width = max(len(r) for r in rows)
        nh = _header_rows(rows)
        for k, cells in enumerate(rows):
            row += 1
            merged = dict(_merges(cells, width)) if k < nh else {}
            for c, cell in enumerate(cells):
                if not cell.strip() or any(a < c <= b for a, b in merged.items()):
                    continue
                value, fmt = _number(cell)
                if c in merged:
                    ws.write_merge(row, row, c, merged[c], value, style(fmt))
                else:
                    ws.write(row, c, value, style(fmt))
        row += 1
    wb.save(str(path))


def to_docx(text: str, path, page_breaks: bool = True) -> None:
    """Paragraphs and Word tables in order; header cells merged across their "" cells."""
    import docx

    d = docx.Document()
    first = True
    for block in blocks_of(text):
        if block.title and page_breaks and not first:
            d.add_page_break()
        first = False
        if block.kind == "prose":
            for line in block.lines:
                d.add_paragraph(line.cells[0])
            continue
        rows = [line.cells for line in block.lines]
        width = max(len(r) for r in rows)
        nh = _header_rows(rows)
        table = d.add_table(rows=len(rows), cols=width)
        for k, (cells, tr) in enumerate(zip(rows, table.rows, strict=True)):
            tcs = tr.cells
            for c, cell in enumerate(cells):
                if cell:
                    tcs[c].text = cell
            if k < nh:
                for a, b in _merges(cells, width):
                    tcs[a].merge(tcs[b])
        d.add_paragraph("")
    d.save(path)


def to_html(text: str, path, encoding: str = "gbk") -> None:
    """<p> paragraphs and <table>s with colspan for merged header cells, in the given encoding."""
    from html import escape

    parts = [f'<!DOCTYPE html>\n<html><head><meta http-equiv="Content-Type" content="text/html; charset={encoding}">'
             "<title>预算公开</title></head><body>",
             '<div class="breadcrumb">当前位置：首页 &gt; 财政预决算 &gt; 部门预算</div>',
             '<div class="article">']
    for block in blocks_of(text):
        if block.kind == "prose":
            parts.extend(f"<p>{escape(line.cells[0])}</p>" for line in block.lines)
            continue
        rows = [line.cells for line in block.lines]
        width = max(len(r) for r in rows)
        nh = _header_rows(rows)
        parts.append('<table border="1">')
        for k, cells in enumerate(rows):
            tds = []
            merged = dict(_merges(cells, width)) if k < nh else {}
            c = 0
            while c < len(cells):
                if c in merged:
                    tds.append(f'<td colspan="{merged[c] - c + 1}">{escape(cells[c])}</td>')
                    c = merged[c] + 1
                else:
                    tds.append(f"<td>{escape(cells[c])}</td>")
                    c += 1
            parts.append("<tr>" + "".join(tds) + "</tr>")
        parts.append("</table>")
    parts.append('</div><div class="footer">版权所有</div>')
    parts.append('<p>附件：<a href="/files/budget-tables.xls">部门预算表.xls</a></p></body></html>')
    codec = "gb18030" if encoding.lower() in ("gbk", "gb2312", "gb18030") else encoding
    with open(path, "wb") as fh:
        fh.write("\n".join(parts).encode(codec))


# ---------------------------------------------------------------------------------------------
# The Shanghai Putuo blank template (corpus/…公开模板.xls), filled in as a bureau would

_SH_FILL: dict[str, dict[tuple[int, int], object]] = {
    "单位收支总表": {
        (9, 1): 1000000, (9, 2): "一、教育支出", (9, 3): 900000, (9, 4): 500000, (9, 5): 100000, (9, 6): 300000,
        (10, 1): 900000, (10, 2): "二、其他支出", (10, 3): 100000, (10, 4): 0, (10, 5): 0, (10, 6): 100000,
        (11, 1): 100000, (11, 2): None, (12, 1): 0, (12, 2): None,
        (13, 1): 0, (14, 1): 0, (15, 1): 0,
        (20, 1): 1000000, (20, 3): 1000000, (20, 4): 500000, (20, 5): 100000, (20, 6): 400000,
    },
    "单位收入总表": {
        (8, 4): 900000, (8, 5): 900000, (9, 4): 900000, (9, 5): 900000, (10, 4): 900000, (10, 5): 900000,
        (11, 0): 229, (11, 3): "其他支出", (11, 4): 100000, (11, 5): 100000,
        (12, 0): 229, (12, 1): "08", (12, 3): "彩票发行销售机构业务费安排的支出", (12, 4): 100000, (12, 5): 100000,
        (13, 0): 229, (13, 1): "08", (13, 2): "04", (13, 3): "福利彩票销售机构的业务费支出", (13, 4): 100000,
        (13, 5): 100000,
        (19, 4): 1000000, (19, 5): 1000000,
    },
    "单位支出总表": {
        (8, 4): 900000, (8, 5): 600000, (8, 6): 300000, (9, 4): 900000, (9, 5): 600000, (9, 6): 300000,
        (10, 4): 900000, (10, 5): 600000, (10, 6): 300000,
        (11, 0): 229, (11, 3): "其他支出", (11, 4): 100000, (11, 6): 100000,
        (12, 0): 229, (12, 1): "08", (12, 3): "彩票发行销售机构业务费安排的支出", (12, 4): 100000, (12, 6): 100000,
        (13, 0): 229, (13, 1): "08", (13, 2): "04", (13, 3): "福利彩票销售机构的业务费支出", (13, 4): 100000,
        (13, 6): 100000,
        (19, 4): 1000000, (19, 5): 600000, (19, 6): 400000,
    },
    "单位财政拨款收支总表": {
        (7, 1): 900000, (7, 2): "一、教育支出", (7, 3): 900000, (7, 4): 900000,
        (8, 1): 100000, (8, 2): "二、其他支出", (8, 3): 100000, (8, 5): 100000,
        (9, 1): 0, (9, 2): None,
        (20, 1): 1000000, (20, 3): 1000000, (20, 4): 900000, (20, 5): 100000,
    },
    "单位一般公共预算拨款表": {
        (8, 4): 900000, (8, 5): 600000, (8, 6): 300000, (9, 4): 900000, (9, 5): 600000, (9, 6): 300000,
        (10, 4): 900000, (10, 5): 600000, (10, 6): 300000, (11, 0): None, (11, 3): None,
        (20, 4): 900000, (20, 5): 600000, (20, 6): 300000,
    },
    "单位政府性基金拨款表": {
        (8, 4): 100000, (8, 6): 100000, (9, 4): 100000, (9, 6): 100000, (10, 4): 100000, (10, 6): 100000,
        (11, 0): None, (11, 1): None, (11, 2): None, (11, 3): None,
        (20, 4): 100000, (20, 6): 100000,
    },
    "单位一般公共预算拨款基本支出明细表": {
        (8, 3): 500000, (8, 4): 500000, (9, 3): 500000, (9, 4): 500000,
        (10, 0): 302, (10, 1): None, (10, 2): "商品和服务支出", (10, 3): 100000, (10, 5): 100000,
        (11, 0): 302, (11, 1): "01", (11, 2): "办公费", (11, 3): 100000, (11, 5): 100000,
        (12, 0): None, (12, 1): None, (12, 2): None,
        (20, 3): 600000, (20, 4): 500000, (20, 5): 100000,
    },
    "单位“三公”经费和机关运行费预算表": {
        (6, 0): 3, (6, 1): 1, (6, 2): 1, (6, 3): 1, (6, 4): 0, (6, 5): 1, (6, 6): 10,
    },
}


def fill_shanghai_template(template, path) -> None:
    """Copy the blank Putuo template (every sheet, merge and number format) to XLSX and fill it in
    with a small consistent budget (元; the 三公 table in 万元)."""
    import openpyxl
    import xlrd

    book = xlrd.open_workbook(str(template), formatting_info=True)
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for sh in book.sheets():
        name = sh.name.strip()
        ws = wb.create_sheet(name)
        fill = {k: v for k, v in _SH_FILL.get(name, {}).items()}
        money = "#,##0.00"
        for r in range(sh.nrows):
            for c in range(sh.ncols):
                cell = sh.cell(r, c)
                if (r, c) in fill or cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
                    continue
                value = cell.value
                if cell.ctype == xlrd.XL_CELL_NUMBER:
                    x = ws.cell(row=r + 1, column=c + 1, value=int(value) if value == int(value) else value)
                elif str(value).strip():
                    ws.cell(row=r + 1, column=c + 1, value=value).data_type = "s"
        for (r, c), value in fill.items():
            x = ws.cell(row=r + 1, column=c + 1, value=value)
            if isinstance(value, int) and c >= 1 and not (c <= 2 and value >= 100 and value < 1000):
                x.number_format = money
        for rlo, rhi, clo, chi in sh.merged_cells:
            if rhi - rlo > 1 or chi - clo > 1:
                ws.merge_cells(start_row=rlo + 1, start_column=clo + 1, end_row=rhi, end_column=chi)
    wb.save(path)
