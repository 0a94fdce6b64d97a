"""The reviewer workbook, read back with openpyxl: findings sheet, table sheets, fills and comments."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner
from openpyxl import load_workbook

from budgetlint.cli import main
from budgetlint.pipeline import check_file
from budgetlint.report.excel import FINDING_HEADER, write_report_xlsx

RED, YELLOW = "FFC7CE", "FFEB9C"


def fill(cell) -> str:
    return (cell.fill.fgColor.rgb or "")[-6:] if cell.fill and cell.fill.fill_type == "solid" else ""


def linked_cell(wb, cell):
    """The cell a findings-sheet hyperlink (#'sheet'!B7) points at."""
    target = cell.hyperlink.location or cell.hyperlink.target
    sheet, coord = target.lstrip("#").rsplit("!", 1)
    return wb[sheet.strip("'")][coord]


def test_findings_sheet_and_marked_cells(sample_result, tmp_path):
    out = tmp_path / "r.xlsx"
    write_report_xlsx([sample_result], out)
    wb = load_workbook(out)
    assert wb.sheetnames[:2] == ["问题", "汇总"]
    assert len(wb.sheetnames) == 2 + len(sample_result.document.tables)
    ws = wb["问题"]
    assert tuple(c.value for c in ws[1]) == FINDING_HEADER
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == f"A1:N{1 + len(sample_result.findings)}"
    assert ws.max_row == 1 + len(sample_result.findings)
    rows = list(ws.iter_rows(min_row=2))
    ordered = sorted(sample_result.findings, key=lambda f: -f.severity.rank)  # errors first
    for row, f in zip(rows, ordered, strict=True):
        assert row[2].value == f.rule and row[5].value == f.message and row[3].value == f.severity.label
        assert fill(row[3]) == {"error": RED, "warning": YELLOW, "info": "DDEBF7"}[f.severity.value]
        assert row[0].value == Path(sample_result.path).name and row[13].value == sample_result.path
        assert row[1].value == sample_result.document.meta.organisation
    # an arithmetic error: expected / found / difference are numbers, the location links to the red cell
    k, f = next((k, f) for k, f in enumerate(ordered) if f.rule == "BL101")
    row = rows[k]
    assert float(row[7].value) == float(f.expected) and float(row[8].value) == float(f.found)
    assert float(row[9].value) == float(f.difference)
    cell = linked_cell(wb, row[6])
    assert float(cell.value) == float(f.found)
    assert fill(cell) == RED
    assert f.rule in cell.comment.text and f.message in cell.comment.text and "应为" in cell.comment.text
    # a catalog warning on a row: its label cell is yellow with the finding as comment
    k, f = next((k, f) for k, f in enumerate(ordered) if f.severity.value == "warning"
                and f.location.column is None and f.location.table is not None)
    cell = linked_cell(wb, rows[k][6])
    assert fill(cell) == YELLOW and f.rule in cell.comment.text
    # every filled cell of a table sheet carries a comment
    for name in wb.sheetnames[2:]:
        for r in wb[name].iter_rows(min_row=3):
            for c in r:
                if fill(c) in (RED, YELLOW):
                    assert c.comment is not None and c.comment.text.startswith("BL"), (name, c.coordinate)


def test_table_sheet_layout(sample_result, tmp_path):
    out = tmp_path / "r.xlsx"
    write_report_xlsx([sample_result], out)
    ws = load_workbook(out)["表04 财政拨款收支总体情况表"]
    assert ws["A1"].value == "表4 财政拨款收支总体情况表"
    assert ws["A3"].value == "收入" and ws["C3"].value == "支出"  # merged group headers, side by side
    assert any(str(m) == "A3:B3" for m in ws.merged_cells.ranges)
    labels = [ws.cell(row=r, column=1).value for r in range(1, ws.max_row + 1)]
    exp_labels = [ws.cell(row=r, column=3).value for r in range(1, ws.max_row + 1)]
    r1 = labels.index("本年收入合计")
    assert exp_labels[r1] == "本年支出合计"  # totals of both sides on one line, as printed


def test_cli_combined_and_per_document(bad_txt, sample_result, tmp_path):
    runner = CliRunner()
    out = tmp_path / "all.xlsx"
    r = runner.invoke(main, ["check", "--format", "xlsx", "-o", str(out), str(bad_txt), sample_result.path,
                             str(tmp_path / "missing.txt")])
    assert r.exit_code == 2 and "已写入" in r.stderr
    wb = load_workbook(out)
    docs = {c.value for c in wb["问题"]["A"][1:]}
    assert docs == {"bad.txt", Path(sample_result.path).name, "missing.txt"}  # short names, not paths
    paths = {c.value for c in wb["问题"]["N"][1:]}
    assert paths == {str(bad_txt), sample_result.path, str(tmp_path / "missing.txt")}
    # table sheets carry their document (its organisation, or the file's name)
    org = sample_result.document.meta.organisation
    assert f"{org[:10]}·表04 财政拨款收支总体情况表"[:31] in wb.sheetnames
    assert any(n.startswith(("bad·表01", "某某局·表01")) for n in wb.sheetnames), wb.sheetnames
    levels = [c.value for c in wb["问题"]["D"][1:]]
    assert levels == sorted(levels, key=["无法读取", "错误", "警告", "提示"].index)  # across documents
    folder = tmp_path / "each"
    r = runner.invoke(main, ["check", "--format", "xlsx", "-o", str(folder) + "/", str(bad_txt), sample_result.path])
    assert r.exit_code == 1
    assert sorted(p.name for p in folder.iterdir()) == ["bad.budgetlint.xlsx",
                                                        "shandong-department-budget-2024.budgetlint.xlsx"]
    one = load_workbook(folder / "bad.budgetlint.xlsx")
    assert one.sheetnames == ["问题", "汇总", "表01 支出总体情况表"]
    assert fill(linked_cell(one, one["问题"]["G2"])) == RED


def test_pdf_document_workbook(tmp_path, make_pdf):
    pdf = make_pdf(tmp_path / "t.pdf")
    out = tmp_path / "r.xlsx"
    write_report_xlsx([check_file(str(pdf))], out)
    wb = load_workbook(out)
    ws = wb["问题"]
    assert ws["C2"].value == "BL101" and "第1页" in ws["G2"].value
    cell = linked_cell(wb, ws["G2"])
    assert float(cell.value) == 150.0 and fill(cell) == RED
    assert Path(pdf).name in ws["A2"].value


def test_each_finding_carries_its_fingerprint(sample_result, tmp_path):
    from openpyxl import load_workbook

    from budgetlint.report.excel import write_report_xlsx
    from budgetlint.report.html import render_html

    out = tmp_path / "r.xlsx"
    write_report_xlsx([sample_result], out)
    ws = load_workbook(out)["问题"]
    col = [c.value for c in ws[1]].index("指纹")
    assert sorted(row[col].value for row in ws.iter_rows(min_row=2)) == sorted(f.fingerprint for f in sample_result.findings)
    levels = [row[3].value for row in ws.iter_rows(min_row=2)]
    assert levels == sorted(levels, key=["错误", "警告", "提示"].index)  # errors first
    page = render_html([sample_result])
    assert all(f'data-fingerprint="{f.fingerprint}"' in page for f in sample_result.findings)


def test_each_located_finding_links_to_its_cell_and_back(sample_result, tmp_path):
    out = tmp_path / "r.xlsx"
    write_report_xlsx([sample_result], out)
    wb = load_workbook(out)
    ws = wb["问题"]
    located = [row for row in ws.iter_rows(min_row=2) if row[6].hyperlink is not None]
    assert located
    for row in located:
        cell = linked_cell(wb, row[6])
        back = linked_cell(wb, cell)  # the table cell links to a finding row of the same cell
        assert back.parent.title == "问题"
        assert linked_cell(wb, ws.cell(row=back.row, column=7)).coordinate == cell.coordinate


def test_sheet_prefixes_are_short_and_distinct():
    from types import SimpleNamespace

    from budgetlint.report.excel import sheet_prefixes

    def res(org, year, path="x.pdf"):
        meta = SimpleNamespace(organisation=org, year=year)
        return SimpleNamespace(document=SimpleNamespace(meta=meta), path=path)

    got = sheet_prefixes([res("上海市普陀区司法局", 2026), res("上海市普陀区财政局", 2026)])
    assert got == ["司法局", "财政局"]
    got = sheet_prefixes([res("上海市普陀区司法局", 2025), res("上海市普陀区司法局", 2026)])
    assert len(set(got)) == 2 and all(len(g) <= 10 for g in got)
