"""XLSX and XLS: merged cells, hidden rows / columns / sheets, number formats, one page per sheet."""

from __future__ import annotations

import io

import openpyxl
import pytest
from helpers import SHARED
from render import fill_shanghai_template

from budgetlint.ingest import load
from budgetlint.pipeline import check_file

TEMPLATE = SHARED / "corpus" / "上海市普陀区2026年区级单位预算_公开模板.xls"
CHECKLIST = SHARED / "corpus" / "上海市普陀区司法局2026年部门预算_公开情况检查表.xlsx"


def _workbook(path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "说明"
    ws["A1"] = "2024年某局部门预算"
    ws["A2"] = "第一部分 部门概况\n一、主要职责"
    ws = wb.create_sheet("支出总体情况表")
    ws["A1"] = "支出总体情况表"
    ws.merge_cells("A1:D1")
    ws["A2"] = "单位：万元"
    ws["A3"], ws["C3"] = "科目名称", "金额"
    ws.merge_cells("A3:B3")  # written once, "" in the column it covers
    ws.merge_cells("C3:D3")
    ws.append(["项目", "", "合计", "基本支出"])
    ws.append(["教育支出", "", 1234.5, "1,000.00"])  # a float under 0.00; a number stored as text
    ws["C5"].number_format = "0.00"
    ws.append(["隐藏行", "", 9.99, 9.99])
    ws.row_dimensions[6].hidden = True
    ws.append(["合计", "", 1234.5, 1000])
    ws["C7"].number_format = "#,##0.00"
    ws["D7"].number_format = "0.00"
    ws["F4"] = "隐藏列"
    ws.column_dimensions["F"].hidden = True
    ws = wb.create_sheet("底稿")
    ws["A1"] = "不公开的计算底稿"
    ws.sheet_state = "hidden"
    ws = wb.create_sheet("三公经费表")  # no title in the grid: the sheet's name is the title
    ws.append(["单位：万元"])
    ws.append(["合计", "因公出国（境）费", "公务接待费"])
    ws.append([3, 1, 2])
    ws["A3"].number_format = ws["B3"].number_format = ws["C3"].number_format = "0.00"
    ws["A5"] = "=SUM(A3:C3)"  # a formula saved without a cached result
    wb.save(path)


def test_xlsx_grid_merges_hidden_parts_and_formats(tmp_path):
    p = tmp_path / "budget.xlsx"
    _workbook(p)
    src = load(p)
    assert src.format == "xlsx"
    assert [(pg.number, pg.label) for pg in src.pages] == [(1, "说明"), (2, "支出总体情况表"), (4, "三公经费表")]
    assert [line.cells for line in src.pages[0].lines] == [["2024年某局部门预算"], ["第一部分 部门概况"], ["一、主要职责"]]
    assert [line.cells for line in src.pages[1].lines] == [
        ["支出总体情况表"],
        ["单位：万元"],
        ["科目名称", "", "金额", ""],
        ["项目", "", "合计", "基本支出"],
        ["教育支出", "", "1234.50", "1,000.00"],
        ["合计", "", "1,234.50", "1000.00"],
    ]
    edu = src.pages[1].lines[4]
    assert (edu.provenance.page, edu.provenance.line) == (2, 5)
    assert edu.cell_refs == ["A5", "B5", "C5", "D5"]
    assert [line.cells for line in src.pages[2].lines][:3] == [["三公经费表"], ["单位：万元"],
                                                              ["合计", "因公出国（境）费", "公务接待费"]]
    notes = " ".join(src.notes)
    assert "隐藏的工作表：底稿" in notes
    assert "隐藏行" in notes and "隐藏列" in notes
    assert "1 个公式单元格没有保存计算结果" in notes


def test_xlsx_float_amounts_keep_the_printed_decimals(tmp_path):
    p = tmp_path / "budget.xlsx"
    _workbook(p)
    doc = check_file(str(p)).document
    table = next(t for t in doc.tables if t.title == "支出总体情况表")
    edu = next(r for r in table.rows if r.label == "教育支出")
    value = next(v for v in edu.values.values() if v.raw.strip() == "1234.50")
    assert str(value.amount) == "1234.50" and value.decimals == 2


def test_several_tables_on_one_sheet(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    for row in (["收入总体情况表"], ["单位：万元"], ["项目", "合计", "财政拨款收入"], ["合计", "5.00", "5.00"],
                ["教育支出", "5.00", "5.00"], [], ["支出总体情况表"], ["单位：万元"], ["项目", "合计", "基本支出"],
                ["合计", "5.00", "5.00"], ["教育支出", "5.00", "5.00"]):
        ws.append(row)
    p = tmp_path / "two.xlsx"
    wb.save(p)
    doc = check_file(str(p)).document
    assert [t.kind for t in doc.tables] == ["income_summary", "expenditure_summary"]


def _xls(path):
    import xlwt

    wb = xlwt.Workbook(encoding="utf-8")
    money = xlwt.easyxf(num_format_str="#,##0.00")
    ws = wb.add_sheet("支出总体情况表")
    ws.write_merge(0, 0, 0, 3, "支出总体情况表")
    ws.write(1, 0, "单位：万元")
    ws.write_merge(2, 2, 0, 1, "科目编码")
    ws.write(2, 2, "科目名称")
    ws.write(2, 3, "合计")
    ws.write(3, 0, 206)  # a code stored as a number prints as written
    ws.write(3, 1, "01")
    ws.write(3, 2, "科学技术管理事务")
    ws.write(3, 3, 1623.18, money)
    ws.write(4, 0, "隐藏")
    ws.write(4, 3, 1.5, money)
    ws.row(4).hidden = True
    ws.write(5, 0, 206)
    ws.write(5, 2, "科学技术支出")
    ws.write(5, 3, 1623.1, money)
    hidden = wb.add_sheet("底稿")
    hidden.write(0, 0, "底稿")
    hidden.visibility = 1
    wb.save(str(path))


def test_xls_grid_merges_hidden_and_formats(tmp_path):
    p = tmp_path / "budget.xls"
    _xls(p)
    src = load(p)
    assert src.format == "xls"
    assert [line.cells for line in src.lines()] == [
        ["支出总体情况表"], ["单位：万元"],
        ["科目编码", "", "科目名称", "合计"],
        ["206", "01", "科学技术管理事务", "1,623.18"],
        ["206", "", "科学技术支出", "1,623.10"],
    ]
    assert any("底稿" in n for n in src.notes) and any("隐藏行" in n for n in src.notes)


@pytest.mark.skipif(not TEMPLATE.exists(), reason="shared corpus not present")
def test_official_blank_template_reads_every_sheet():
    src = load(TEMPLATE)
    assert src.format == "xls" and len(src.pages) == 16
    assert [p.label for p in src.pages][:3] == ["封面", "目录", "单位职能"]
    first = {p.label: p.lines[0].cells[0] for p in src.pages}
    assert first["单位收支总表"] == "2026年预算单位财务收支预算总表"
    income = next(p for p in src.pages if p.label == "单位收入总表")
    cells = [line.cells for line in income.lines]
    assert ["205", "02", "05", "高等教育", "", "", "", "", ""] in cells  # codes stored as 205.0 print as 205
    assert ["编制单位："] in cells and ["单位：元"] in cells  # furniture on one row, split into lines
    result = check_file(str(TEMPLATE))
    assert result.error is None  # a blank template reads; its placeholders are findings, not a crash
    assert any(f.rule == "BL705" for f in result.findings)


@pytest.mark.skipif(not TEMPLATE.exists(), reason="shared corpus not present")
def test_filled_in_template_end_to_end(tmp_path):
    p = tmp_path / "putuo.xlsx"
    fill_shanghai_template(TEMPLATE, p)
    result = check_file(str(p))
    assert result.error is None
    doc = result.document
    assert doc.meta.year == 2026 and doc.meta.source_format == "xlsx"
    kinds = [t.kind for t in doc.tables]
    assert kinds == ["income_expenditure_summary", "income_summary", "expenditure_summary", "fiscal_summary",
                     "general_expenditure", "fund_expenditure", "capital_expenditure", "general_basic_expenditure",
                     "three_public"]
    summary = doc.tables[0]
    total = next(r for r in summary.rows if r.label == "收入总计")
    assert str(total.values["amount"].amount) == "1000000.00"
    # The numbers agree with each other: no arithmetic or cross-table finding.
    assert not [f for f in result.findings if f.family in ("arithmetic", "cross_table")]
    assert all(t.quality.readable for t in doc.tables)


@pytest.mark.skipif(not CHECKLIST.exists(), reason="shared corpus not present")
def test_reviewers_checklist_is_not_a_crash():
    result = check_file(str(CHECKLIST))
    assert "内部错误" not in (result.error or "")
    assert any("检查表" in n and "不是预决算公开文档" in n for n in load(CHECKLIST).notes)
    if result.document is not None:
        assert not result.document.tables
        assert not [f for f in result.findings if f.family in ("arithmetic", "cross_table")]


def test_xlsx_from_bytes_with_odd_cells(tmp_path):
    import datetime as dt

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["填报日期", dt.date(2024, 1, 31), True, 0.1])
    ws["D1"].number_format = "0%"
    buf = io.BytesIO()
    wb.save(buf)
    p = tmp_path / "odd.xlsx"
    p.write_bytes(buf.getvalue())
    assert load(p).lines()[0].cells == ["填报日期", "2024-01-31", "TRUE", "10%"]
