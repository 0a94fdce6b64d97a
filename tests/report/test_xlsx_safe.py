"""Document text never becomes a live formula in a workbook budgetlint writes (formula injection)."""

from __future__ import annotations

from helpers import tsv
from openpyxl import load_workbook

from budgetlint.pipeline import check_file
from budgetlint.report.excel import write_report_xlsx
from budgetlint.report.xlsx_extract import write_xlsx

EVIL = "=HYPERLINK(\"http://x.invalid\",\"点我\")"
TEXT = tsv(f"""
2024年某某局部门预算
支出总体情况表
单位：万元
科目编码 | 科目名称 | 合计 | 基本支出 | 项目支出
201 | {EVIL} | 150.00 | 100.00 | 40.00
20101 | =cmd|' /C calc'!A0 | 150.00 | 100.00 | 40.00
合计 |  | 150.00 | 100.00 | 40.00
""")


def _cells(path):
    wb = load_workbook(path)
    return [c for ws in wb.worksheets for row in ws.iter_rows() for c in row]


def test_no_formula_in_the_report_or_the_extract(tmp_path):
    src = tmp_path / "evil.txt"
    src.write_text(TEXT, encoding="utf-8")
    result = check_file(str(src))
    assert result.findings  # the 合计 150 ≠ 100 + 40 rows are reported, so the table sheet is written
    report, extract = tmp_path / "r.xlsx", tmp_path / "e.xlsx"
    write_report_xlsx([result], report)
    write_xlsx(result.document, extract)
    for path in (report, extract):
        cells = _cells(path)
        assert not [c.coordinate for c in cells if c.data_type == "f"], path
        assert any(c.value == EVIL for c in cells), path  # the text itself is kept
