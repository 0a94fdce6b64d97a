"""What XLSX and XLS have in common: a workbook of sheets of cells → a ``Source``.

The format readers (``xlsx.py``, ``xls.py``) only turn their file into ``SheetData``: printed
cell texts by (row, column), merged ranges, hidden rows, columns and sheets. Everything else is
here, so both read the same: each visible sheet is a ``Page`` whose number is the sheet's
position in the workbook (``label`` its name); a line's provenance ``line`` is the spreadsheet
row number, and ``Line.cell_refs`` names each cell (``B7``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from budgetlint.ingest.base import IngestError, Page, Source
from budgetlint.ingest.grid import GridRow, column_letter, sheet_to_lines

_CHECKLIST = re.compile(r"(?:公开|审核|审查)(?:情况)?(?:检查|核查|评分|考核)表|检查(?:情况|评分)表$")

Merge = tuple[int, int, int, int]  # first row, first column, last row, last column (0-based, inclusive)


@dataclass(slots=True)
class SheetData:
    name: str
    index: int  # 1-based position in the workbook
    cells: dict[tuple[int, int], str] = field(default_factory=dict)  # printed text, non-empty only
    merges: list[Merge] = field(default_factory=list)
    hidden_rows: set[int] = field(default_factory=set)
    hidden_cols: set[int] = field(default_factory=set)
    hidden: bool = False  # the sheet itself
    chart: bool = False  # a chart sheet: nothing to read


def sheet_rows(sheet: SheetData) -> tuple[list[GridRow], int, int]:
    """Visible rows of a sheet with merges applied; also how many hidden rows / columns held text."""
    cells = dict(sheet.cells)
    spans: dict[tuple[int, int], int] = {}
    for r0, c0, r1, c1 in sheet.merges:
        # a covered cell shows nothing, whatever it stores; the stored cells are walked instead of
        # the range when the range is larger (one merge can cover a whole sheet)
        if (r1 - r0 + 1) * (c1 - c0 + 1) <= len(cells):
            covered = [(r, c) for r in range(r0, r1 + 1) for c in range(c0, c1 + 1)]
        else:
            covered = [(r, c) for (r, c) in cells if r0 <= r <= r1 and c0 <= c <= c1]
        for key in covered:
            if key != (r0, c0):
                cells.pop(key, None)
        if c1 > c0:
            # A vertical merge's lower rows hold "" under the first column; the span belongs to
            # the row holding the text.
            spans[(r0, c0)] = c1 - c0 + 1
    hidden_rows_text = len({r for (r, _c) in cells if r in sheet.hidden_rows})
    hidden_cols_text = len({c for (_r, c) in cells if c in sheet.hidden_cols})
    visible = {(r, c): t for (r, c), t in cells.items() if r not in sheet.hidden_rows and c not in sheet.hidden_cols}
    if not visible:
        return [], hidden_rows_text, hidden_cols_text
    cols = sorted({c for (_r, c) in visible})
    lo, hi = cols[0], cols[-1]
    # Spans can reach past the last filled column.
    for (r, c), n in spans.items():
        if (r, c) in visible:
            hi = max(hi, c + n - 1)
    col_map = [c for c in range(lo, hi + 1) if c not in sheet.hidden_cols]
    pos = {c: i for i, c in enumerate(col_map)}
    rows_with_text = sorted({r for (r, _c) in visible})
    out: list[GridRow] = []
    for r in range(rows_with_text[0], rows_with_text[-1] + 1):
        if r in sheet.hidden_rows:
            continue
        texts = [visible.get((r, c), "") for c in col_map]
        row_spans: dict[int, int] = {}
        for c in col_map:
            n = spans.get((r, c))
            if n and (r, c) in visible:
                row_spans[pos[c]] = sum(1 for k in range(c, c + n) if k in pos)
        out.append(GridRow(texts, r + 1, row_spans, [f"{column_letter(c)}{r + 1}" for c in col_map]))
    return out, hidden_rows_text, hidden_cols_text


def workbook_to_source(sheets: list[SheetData], path: str, fmt: str, notes: list[str] | None = None) -> Source:
    source = Source(path=path, format=fmt, notes=list(notes or []))
    if not sheets:
        raise IngestError("工作簿中没有任何工作表")
    skipped_hidden = [s.name for s in sheets if s.hidden]
    if skipped_hidden:
        source.notes.append(f"已跳过隐藏的工作表：{'、'.join(skipped_hidden)}（打印和公开时不显示）")
    charts = [s.name for s in sheets if s.chart and not s.hidden]
    if charts:
        source.notes.append(f"图表工作表没有单元格，未读取：{'、'.join(charts)}")
    hidden_rows: list[str] = []
    hidden_cols: list[str] = []
    for sheet in sheets:
        if sheet.hidden or sheet.chart:
            continue
        rows, h_rows, h_cols = sheet_rows(sheet)
        if h_rows:
            hidden_rows.append(f"{sheet.name}（{h_rows} 行）")
        if h_cols:
            hidden_cols.append(f"{sheet.name}（{h_cols} 列）")
        page = Page(number=sheet.index, label=sheet.name)
        sheet_to_lines(rows, page, sheet.name)
        for line, ref in _refs(rows, page):
            line.cell_refs = ref
        source.pages.append(page)
    if hidden_rows:
        source.notes.append(f"已跳过隐藏行中的内容：{'、'.join(hidden_rows)}")
    if hidden_cols:
        source.notes.append(f"已跳过隐藏列中的内容：{'、'.join(hidden_cols)}")
    if not any(p.lines for p in source.pages):
        raise IngestError("工作簿中所有可见的工作表都是空的，没有可读取的内容")
    first = next((line.cells[0] for p in source.pages for line in p.lines if not line.is_tabular), "")
    if _CHECKLIST.search(first.replace(" ", "")):
        source.notes.append(f"工作簿标题为「{first.strip()[:40]}」：这像是预决算公开的检查表（审核用表），"
                            "不是预决算公开文档本身，其中没有可核对的预决算表格")
    return source


def _refs(rows: list[GridRow], page: Page):
    """Cell references for the page's tabular lines (prose lines name the row's first cell)."""
    by_number = {r.number: r for r in rows}
    for line in page.lines:
        row = by_number.get(line.provenance.line or -1)
        if row is None or row.refs is None:
            continue
        if line.is_tabular:
            refs = row.refs[: len(line.cells)]
            refs += [""] * (len(line.cells) - len(refs))
            yield line, refs
        else:
            at = [i for i in row.filled if line.cells[0] in row.cells[i]]
            if at:
                yield line, [row.refs[at[0]]]
