"""Document text written to a workbook stays text.

openpyxl stores any string that begins with "=" as a formula, so a document saying
"=HYPERLINK(…)" or a performance target "=100%" would become a live formula in the reviewer's Excel
(formula injection, and wrong data). budgetlint writes no formulas of its own: every formula cell
in a workbook it is about to save came from document text and is turned back into a string.
"""

from __future__ import annotations

from openpyxl import Workbook


def keep_text(wb: Workbook) -> int:
    """Turn every formula cell of ``wb`` into a text cell; returns how many there were."""
    n = 0
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    cell.data_type = "s"
                    n += 1
    return n
