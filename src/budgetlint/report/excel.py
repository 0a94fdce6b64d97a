"""``check --format xlsx``: a workbook for reviewers (openpyxl).

Sheets: 问题 (one row per finding: 文件, 规则, 级别, 类别, 问题, 位置, 应为, 实为, 差额, 单位, 依据,
with an autofilter and a frozen header; 位置 links to the cell), 汇总 (counts by family and
severity per document), then one sheet per recovered table laid out as printed (merged headers,
a balance table's income and expenditure side by side), offending cells filled (red for error,
yellow for warning, blue for info) and carrying a comment with the finding(s). Cells a finding
only cites get a dashed border. Several documents share one workbook (sheet names start with
the document's number) unless the caller writes one workbook per document.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from budgetlint.findings import Finding
from budgetlint.model import RowKind, Table
from budgetlint.pipeline import Result
from budgetlint.report.common import (
    SEVERITIES,
    CellMark,
    cell_marks,
    code_text,
    display_columns,
    display_rows,
    families_in_order,
    family_label,
    finding_note,
    header_grid,
    is_label_column,
    label_text,
    rank,
    unique_sheet_name,
    value_key,
)
from budgetlint.report.xlsx_safe import keep_text

FILLS = {
    "error": PatternFill("solid", fgColor="FFC7CE"),
    "warning": PatternFill("solid", fgColor="FFEB9C"),
    "info": PatternFill("solid", fgColor="DDEBF7"),
}
FONT_COLOURS = {"error": "9C0006", "warning": "9C5700", "info": "1F4E79"}
_HEAD = PatternFill("solid", fgColor="D9E1F2")
_BOLD = Font(bold=True)
_AMBER = Font(bold=True, color="B7791F")
_THIN = Side(style="thin", color="B4BCC8")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_DASH = Side(style="mediumDashed", color="7A8796")
_CITED = Border(left=_DASH, right=_DASH, top=_DASH, bottom=_DASH)
_WRAP = Alignment(wrap_text=True, vertical="top")
_CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)

FINDING_HEADER = ("文件", "规则", "级别", "类别", "问题", "位置", "应为", "实为", "差额", "单位", "依据", "指纹")
_WIDTHS = (28, 8, 7, 10, 70, 42, 14, 14, 12, 6, 50, 22)


def _number_format(decimals: int) -> str:
    return "#,##0" + ("." + "0" * decimals if decimals > 0 else "")


def _comment(mark: CellMark) -> Comment:
    notes = [finding_note(f) for _, f in mark.findings]
    notes += ["相关（被以下问题引用）：\n" + finding_note(f) for _, f in mark.related
              if all(f is not g for _, g in mark.findings)]
    text = "\n\n".join(notes)
    c = Comment(text[:30000], "budgetlint")
    c.width = 420
    c.height = min(600, 60 + 18 * text.count("\n") + 14 * (len(text) // 40))
    return c


def _table_sheet(ws: Worksheet, table: Table, marks: dict[tuple[int, int, str | None], CellMark]
                 ) -> dict[tuple[int, str | None], str]:
    """Write one table; returns (row index, column key or None) → cell coordinate, for links."""
    coords: dict[tuple[int, str | None], str] = {}
    cols = display_columns(table)
    ws.append([f"表{table.index} {table.title}"])
    ws["A1"].font = Font(bold=True, size=13)
    ws.append([f"单位：{table.unit.value}" if table.unit else "", table.kind_label,
               f"第{table.provenance.page}页" if table.provenance.page else "",
               f"第{table.provenance.line}行起" if table.provenance.line else ""])
    first_head = 3
    grid = header_grid(cols)
    for level, cells in enumerate(grid):
        r = first_head + level
        for text, i, cs, rs in cells:
            c = ws.cell(row=r, column=i + 1, value=text)
            if cs > 1 or rs > 1:
                ws.merge_cells(start_row=r, start_column=i + 1, end_row=r + rs - 1, end_column=i + cs)
        for i in range(len(cols)):
            c = ws.cell(row=r, column=i + 1)
            c.font, c.fill, c.alignment, c.border = _BOLD, _HEAD, _CENTER, _BORDER
    r = first_head + len(grid)
    ws.freeze_panes = ws.cell(row=r, column=1)
    for line in display_rows(table, cols):
        for i, (row, col) in enumerate(line, 1):
            cell = ws.cell(row=r, column=i)
            cell.border = _BORDER
            if row is None:
                continue
            mark = None
            if col.role == "amount":
                key = value_key(col)
                v = row.values.get(key)
                if v is not None and not (v.blank and not v.raw.strip()):
                    if v.amount is not None:
                        cell.value = v.amount
                        cell.number_format = _number_format(v.decimals)
                    else:
                        cell.value = v.raw
                mark = marks.get((table.index, row.index, key))
                if v is not None:
                    coords[(row.index, key)] = cell.coordinate
            elif col.role in ("code", "code_part"):
                cell.value = code_text(row, col) or None
            elif is_label_column(col):
                cell.value = label_text(row, cols)
                indent = max(0, row.level - 1) if row.kind is RowKind.ITEM else 0
                cell.alignment = Alignment(indent=indent * 2, wrap_text=False)
                mark = marks.get((table.index, row.index, None))
                coords[(row.index, None)] = cell.coordinate
            else:
                cell.value = row.texts.get(col.key) or None
            if row.kind is not RowKind.ITEM:
                cell.font = _BOLD
            if mark is not None:
                sev = mark.severity
                if sev is not None:
                    cell.fill = FILLS[sev.value]
                    cell.font = Font(bold=row.kind is not RowKind.ITEM, color=FONT_COLOURS[sev.value])
                else:
                    cell.border = _CITED
                cell.comment = _comment(mark)
        r += 1
    for i, col in enumerate(cols, 1):
        width = 34 if is_label_column(col) else 6 if col.role == "code_part" else 14
        ws.column_dimensions[get_column_letter(i)].width = width
    return coords


def _sheet_name(prefix: str, label: str, used: set[str]) -> str:
    return unique_sheet_name(f"{prefix} {label}", used)


def _location(f: Finding) -> str:
    return f.location.describe()


def write_report_xlsx(results: list[Result], path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = "问题"
    ws.append(list(FINDING_HEADER))
    for c in ws[1]:
        c.font, c.fill, c.alignment = _BOLD, _HEAD, _CENTER
    for i, w in enumerate(_WIDTHS, 1):
        ws.column_dimensions[get_column_letter(i)].width = w
    summary = wb.create_sheet("汇总")
    used = {"问题", "汇总"}
    multi = len(results) > 1
    links: list[tuple[int, str, str]] = []  # (findings-sheet row, sheet, coordinate)
    for d, r in enumerate(results, 1):
        if r.error is not None:
            ws.append([r.path, "", "无法读取", "", r.error, "", None, None, None, None, None, None])
            ws.cell(row=ws.max_row, column=3).fill = FILLS["error"]
            continue
        doc = r.document
        marks = cell_marks(doc, r.findings)
        sheets: dict[int, tuple[str, dict]] = {}
        for t in doc.tables:
            prefix = f"{d}-{t.index:02d}" if multi else f"表{t.index:02d}"
            sh = wb.create_sheet(_sheet_name(prefix, t.kind_label or t.title, used))
            sheets[t.index] = (sh.title, _table_sheet(sh, t, marks))
        for f in sorted(r.findings, key=lambda f: -f.severity.rank):  # errors first, in place order
            ws.append([r.path, f.rule, f.severity.label, family_label(f.family), f.message, _location(f),
                       f.expected, f.found, f.difference, f.unit, f.evidence, f.fingerprint])
            row = ws.max_row
            sev = ws.cell(row=row, column=3)
            sev.fill = FILLS[f.severity.value]
            sev.font = Font(color=FONT_COLOURS[f.severity.value], bold=True)
            for col in (7, 8, 9):
                c = ws.cell(row=row, column=col)
                if c.value is not None and not isinstance(c.value, str):
                    c.number_format = "#,##0.00##"
            ws.cell(row=row, column=5).alignment = _WRAP
            ws.cell(row=row, column=11).alignment = _WRAP
            loc = f.location
            if loc.table in sheets and loc.row is not None:
                sheet, coords = sheets[loc.table]
                coord = coords.get((loc.row, loc.column)) or coords.get((loc.row, None))
                if coord:
                    links.append((row, sheet, coord))
    for row, sheet, coord in links:
        c = ws.cell(row=row, column=6)
        c.hyperlink = f"#'{sheet}'!{coord}"
        c.font = Font(color="0563C1", underline="single")
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(FINDING_HEADER))}{max(ws.max_row, 2)}"
    _summary_sheet(summary, results)
    keep_text(wb)  # document text such as "=100%" is never a formula
    wb.save(path)


def _summary_sheet(ws: Worksheet, results: list[Result]) -> None:
    """汇总: one row per document, in the order to open them (report.common.rank), then the counts
    by family of each document."""
    head = ["排名", "文件", "单位", "类型", "年度"] + [s.label for s in SEVERITIES] + [
        "检查范围", "表格（已核对/找到）", "说明数字（已核对/找到）", "未检查的部分"]
    ws.append(head)
    for c in ws[1]:
        c.font, c.fill, c.alignment = _BOLD, _HEAD, _CENTER
    for n, r in enumerate(rank(results), 1):
        cov = r.coverage
        meta = r.document.meta if r.document is not None else None
        by = Counter(f.severity.value for f in r.findings)
        scope = cov.status.label if cov is not None else ""
        tables = f"{cov.tables_checked}/{cov.tables}" if cov is not None and meta is not None else ""
        claims = f"{cov.claims_bound}/{cov.claims_total}" if cov is not None and meta is not None else ""
        notes = r.error if r.error else "；".join(cov.not_checked) if cov is not None else ""
        ws.append([n, Path(r.path).name, (meta.organisation or meta.title) if meta else "",
                   meta.kind.value if meta else "", meta.year if meta else None]
                  + [by[s.value] for s in SEVERITIES] + [scope, tables, claims, notes])
        if cov is not None and not cov.status.complete:
            ws.cell(row=ws.max_row, column=len(SEVERITIES) + 6).font = _AMBER
    ws.append([])
    ws.append(["文件", "类别"] + [s.label for s in SEVERITIES] + ["合计"])
    for c in ws[ws.max_row]:
        c.font, c.fill = _BOLD, _HEAD
    for r in results:
        fams = families_in_order({f.family for f in r.findings})
        by_fam = Counter((f.family, f.severity.value) for f in r.findings)
        for fam in fams:
            counts_ = [by_fam[(fam, s.value)] for s in SEVERITIES]
            ws.append([Path(r.path).name, family_label(fam)] + counts_ + [sum(counts_)])
    for i, w in enumerate((6, 36, 30, 10, 7, 7, 7, 7, 16, 14, 16, 60), 1):
        ws.column_dimensions[get_column_letter(i)].width = w
    ws.freeze_panes = "A2"

