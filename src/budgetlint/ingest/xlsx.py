"""XLSX (Office Open XML spreadsheet) → ``SheetData`` per sheet, read with openpyxl.

Values are the cached results Excel saved (``data_only``); a number is printed through its
cell's number format (``format_number``), a date as a date, text as stored (numbers stored as
text stay text: recognition parses them). Merged ranges, hidden rows, columns and sheets come
from the workbook; ``workbook.py`` does the rest.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import warnings
import zipfile
from decimal import Decimal

from budgetlint.ingest.base import IngestError, Source, cause, refuse_cells
from budgetlint.ingest.grid import format_datetime, format_number
from budgetlint.ingest.workbook import SheetData, workbook_to_source

_UNCACHED = re.compile(rb"<(?:\w+:)?f\b[^>]*(?:/>|>[^<]*</(?:\w+:)?f>)\s*(?:<(?:\w+:)?v\s*/>|<(?:\w+:)?v>\s*</(?:\w+:)?v>)?\s*</(?:\w+:)?c>")


def _text(value: object, number_format: str | None) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | float | Decimal):
        return format_number(value, number_format)
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return format_datetime(value, number_format)
    if isinstance(value, dt.timedelta):
        return str(value)
    return str(value)


def _uncached_formulas(data: bytes) -> int:
    """Formula cells saved without a result (written by a program, never opened in Excel)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            return sum(len(_UNCACHED.findall(z.read(n))) for n in z.namelist()
                       if n.startswith("xl/worksheets/") and n.endswith(".xml"))
    except (zipfile.BadZipFile, KeyError, OSError):
        return 0


_MERGE = re.compile(rb'<(?:\w+:)?mergeCell\s+ref="\$?([A-Z]{1,3})\$?(\d{1,7}):\$?([A-Z]{1,3})\$?(\d{1,7})"')


def _column(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n


def _merged_area(xml: bytes) -> int:
    """Cells covered by the merged ranges of a worksheet: openpyxl makes an object for each."""
    return sum((abs(_column(c2) - _column(c1)) + 1) * (abs(int(r2) - int(r1)) + 1)
               for c1, r1, c2, r2 in _MERGE.findall(xml))


def _count_cells(data: bytes) -> int:
    """Cells written in the worksheets and cells under merged ranges, counted in the XML before
    openpyxl builds an object for each: a 27 MB workbook of rows took 247 s and 2.6 GB to load, and
    a 3 KB one merging A1:Z200000 more than two minutes (found by fuzzing: bench/fuzz.py)."""
    count = 0
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            for name in z.namelist():
                if not (name.startswith("xl/worksheets/") and name.endswith(".xml")):
                    continue
                with z.open(name) as fh:
                    tail = b""
                    while chunk := fh.read(16 * 2**20):
                        count += chunk.count(b"<c ") + chunk.count(b"<c>")
                        # a mergeCell element cut by the chunk boundary is counted in the next one
                        cut = chunk.rfind(b"<")
                        count += _merged_area(tail + chunk[:cut])
                        tail = chunk[cut:]
                    count += _merged_area(tail)
    except Exception:  # noqa: BLE001 - a damaged member (zlib, CRC): openpyxl says so next
        return count
    return count


def read_xlsx(data: bytes, path: str) -> Source:
    try:
        import openpyxl
        from openpyxl.utils.exceptions import InvalidFileException
    except ImportError as e:  # pragma: no cover - openpyxl is a dependency
        raise IngestError("读取 XLSX 需要 openpyxl，请重新安装 budgetlint") from e
    refuse_cells(_count_cells(data), "XLSX 工作簿")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            wb = openpyxl.load_workbook(io.BytesIO(data), data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError) as e:
        raise IngestError(f"XLSX 文件结构不完整或已损坏，无法打开（{type(e).__name__}）") from e
    except Exception as e:  # noqa: BLE001 - any parser failure is a broken file, never a traceback
        raise IngestError(f"XLSX 文件内容有误，无法解析{cause(e)}") from e
    sheets: list[SheetData] = []
    for index, ws in enumerate(wb.worksheets + list(getattr(wb, "chartsheets", [])), start=1):
        sheet = SheetData(name=ws.title, index=index, hidden=ws.sheet_state != "visible")
        if not hasattr(ws, "merged_cells"):
            sheet.chart = True
            sheets.append(sheet)
            continue
        # openpyxl keeps the cells it read in ``_cells``; iterating the dimension instead walks
        # every row up to a stray formatted cell at row 1048576.
        for (r, c), cell in ws._cells.items():
            value = getattr(cell, "value", None)
            if value is None:
                continue
            text = _text(value, getattr(cell, "number_format", None))
            if text.strip():
                sheet.cells[(r - 1, c - 1)] = text
        for rng in ws.merged_cells.ranges:
            sheet.merges.append((rng.min_row - 1, rng.min_col - 1, rng.max_row - 1, rng.max_col - 1))
        for r, dim in ws.row_dimensions.items():
            if dim.hidden:
                sheet.hidden_rows.add(r - 1)
        for dim in ws.column_dimensions.values():
            if dim.hidden and dim.min and dim.max:
                sheet.hidden_cols.update(range(dim.min - 1, dim.max))
        sheets.append(sheet)
    notes: list[str] = []
    uncached = _uncached_formulas(data)
    if uncached:
        notes.append(f"有 {uncached} 个公式单元格没有保存计算结果（文件未在 Excel 中保存过），按空白读取")
    return workbook_to_source(sheets, path, "xlsx", notes)
