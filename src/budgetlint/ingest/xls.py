"""XLS (Excel 97–2003, BIFF in an OLE container) → ``SheetData`` per sheet, read with xlrd.

``formatting_info`` gives merged ranges, hidden rows and columns and each cell's number format,
so numbers print as the workbook shows them. ``workbook.py`` does the rest.
"""

from __future__ import annotations

import io

from budgetlint.ingest.base import IngestError, Source, cause, refuse_cells
from budgetlint.ingest.grid import format_datetime, format_number
from budgetlint.ingest.workbook import SheetData, workbook_to_source


def read_xls(data: bytes, path: str) -> Source:
    try:
        import xlrd
    except ImportError as e:  # pragma: no cover - xlrd is a dependency
        raise IngestError("读取 XLS 需要 xlrd，请重新安装 budgetlint") from e
    log = io.StringIO()  # xlrd writes warnings to stdout otherwise
    try:
        book = xlrd.open_workbook(file_contents=data, formatting_info=True, logfile=log)
    except xlrd.XLRDError as e:
        if "encrypted" in str(e).lower():
            raise IngestError("XLS 文件已加密（设置了打开密码），无法读取；请提供未加密的文件") from e
        raise IngestError(f"XLS 文件已损坏或不是 Excel 97–2003 工作簿，无法读取{cause(e)}") from e
    except Exception as e:  # noqa: BLE001 - a corrupt BIFF stream, never a traceback
        raise IngestError(f"XLS 文件已损坏或格式异常，无法解析（{type(e).__name__}）") from e
    sheets: list[SheetData] = []
    formats = book.format_map
    cells = 0
    for index, sh in enumerate(book.sheets(), start=1):
        sheet = SheetData(name=sh.name, index=index, hidden=sh.visibility != 0)
        # counted row by row (the cells each row holds), not rows × columns of the used range,
        # which one stray cell far out would make huge
        for r in range(sh.nrows):
            cells += sh.row_len(r)
            refuse_cells(cells, "XLS 工作簿")
            for c, cell in enumerate(sh.row(r)):
                ctype = cell.ctype
                if ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
                    continue
                fmt = None
                if cell.xf_index is not None and cell.xf_index < len(book.xf_list):
                    f = formats.get(book.xf_list[cell.xf_index].format_key)
                    fmt = f.format_str if f is not None else None
                if ctype == xlrd.XL_CELL_TEXT:
                    text = cell.value
                elif ctype == xlrd.XL_CELL_NUMBER:
                    text = format_number(cell.value, fmt)
                elif ctype == xlrd.XL_CELL_DATE:
                    try:
                        text = format_datetime(xlrd.xldate.xldate_as_datetime(cell.value, book.datemode), fmt)
                    except (ValueError, OverflowError, xlrd.xldate.XLDateError):
                        text = format_number(cell.value, None)
                elif ctype == xlrd.XL_CELL_BOOLEAN:
                    text = "TRUE" if cell.value else "FALSE"
                elif ctype == xlrd.XL_CELL_ERROR:
                    text = xlrd.error_text_from_code.get(cell.value, "#ERR")
                else:
                    text = str(cell.value)
                if text.strip():
                    sheet.cells[(r, c)] = text
        for rlo, rhi, clo, chi in sh.merged_cells:
            sheet.merges.append((rlo, clo, rhi - 1, chi - 1))
        sheet.hidden_rows = {r for r, info in sh.rowinfo_map.items() if info.hidden}
        sheet.hidden_cols = {c for c, info in sh.colinfo_map.items() if info.hidden}
        sheets.append(sheet)
    return workbook_to_source(sheets, path, "xls")
