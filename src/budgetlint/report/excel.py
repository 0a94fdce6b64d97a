"""``check --format xlsx``: a workbook for reviewers (openpyxl).

Sheets: 问题 (one row per finding, errors first across all documents: 文档 (the file's name),
部门（单位）, 规则, 级别, 类别, 问题, 位置, 应为, 实为, 差额, 单位, 依据, 指纹, 路径; with an autofilter
and a frozen header; 位置 links to the cell), 汇总 (the documents ranked, counts by family and
severity per document), for a batch 排名图表 (native bar charts fed from the cells: the ranking,
the findings by family, the coverage), then one sheet per recovered table laid out as printed (merged headers,
a balance table's income and expenditure side by side), offending cells filled (red for error,
yellow for warning, blue for info), carrying a comment with the finding(s) and a link back to
the finding's row. Cells a finding only cites get a dashed border. Several documents share one
workbook (each table sheet's name starts with a short name of its document) unless the caller
writes one workbook per document.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.chart.marker import DataPoint
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from budgetlint.findings import Finding
from budgetlint.model import RowKind, Table
from budgetlint.pipeline import Result
from budgetlint.report.charts import SEVERITY_COLOURS, STATUS_COLOURS
from budgetlint.report.common import (
    BATCH_TOP,
    SEVERITIES,
    CellMark,
    cell_marks,
    code_text,
    display_columns,
    display_rows,
    families_in_order,
    family_label,
    family_totals,
    finding_note,
    header_grid,
    is_label_column,
    label_text,
    rank,
    status_counts,
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

FINDING_HEADER = ("文档", "部门（单位）", "规则", "级别", "类别", "问题", "位置", "应为", "实为", "差额", "单位",
                  "依据", "指纹", "路径")
_WIDTHS = (24, 20, 8, 7, 10, 70, 42, 14, 14, 12, 6, 50, 22, 40)
_COL = {name: i for i, name in enumerate(FINDING_HEADER, 1)}
_LINK = Font(color="0563C1", underline="single")


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


def document_name(path: str) -> str:
    """The document as a reviewer names it: its file name (both names for "说明.pdf+报表.pdf")."""
    return "+".join(Path(p).name for p in path.split("+"))


def sheet_prefixes(results: list[Result]) -> list[str]:
    """A short name per document for its table sheets' names: the organisation (else the file's
    stem) without what every document shares ("上海市普陀区"), at most 10 characters; the year, then
    the document's number, added where two would read the same."""
    def base(r: Result) -> str:
        meta = r.document.meta if r.document is not None else None
        return (meta.organisation if meta and meta.organisation else Path(r.path.split("+")[0]).stem).strip()

    names = [base(r) for r in results]
    common = len(_common_prefix(names)) if len(names) > 1 else 0
    short = [(n[common:] if len(n) - common >= 2 else n)[:10] for n in names]
    for i, r in enumerate(results):
        year = r.document.meta.year if r.document is not None else None
        if year and short.count(short[i]) > 1:
            short[i] = f"{short[i][:8]}{year % 100:02d}"
    return [f"{s}-{i}" if short.count(s) > 1 else s for i, s in enumerate(short, 1)]


def _common_prefix(names: list[str]) -> str:
    first, last = min(names), max(names)
    n = 0
    while n < min(len(first), len(last)) and first[n] == last[n]:
        n += 1
    return first[:n]


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
    prefixes = sheet_prefixes(results) if len(results) > 1 else [""] * len(results)
    # (severity rank, document's rank, place) → the finding and where its cell is
    rows: list[tuple[tuple[int, int, int], Result, Finding | None, tuple[str, str] | None]] = []
    order = {id(r): n for n, r in enumerate(rank(results))}
    for r, prefix in zip(results, prefixes, strict=True):
        if r.error is not None:
            rows.append(((-9, order[id(r)], 0), r, None, None))
            continue
        sheets = _table_sheets(wb, r, prefix, used)
        for k, f in enumerate(r.findings):
            rows.append(((-f.severity.rank, order[id(r)], k), r, f, _target(f, sheets)))
    rows.sort(key=lambda x: x[0])  # errors first, across documents; then the ranking, then place
    for _, r, f, target in rows:
        _finding_row(ws, r, f)
        if target is not None:
            _link_both_ways(wb, ws, ws.max_row, *target)
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(FINDING_HEADER))}{max(ws.max_row, 2)}"
    _summary_sheet(summary, results)
    if len(results) > 1:
        _charts_sheet(wb, summary, results)
    keep_text(wb)  # document text such as "=100%" is never a formula
    wb.save(path)


def _table_sheets(wb: Workbook, r: Result, prefix: str, used: set[str]) -> dict[int, tuple[str, dict]]:
    marks = cell_marks(r.document, r.findings)
    sheets: dict[int, tuple[str, dict]] = {}
    for t in r.document.tables:
        name = f"{prefix}·表{t.index:02d} " if prefix else f"表{t.index:02d} "
        sh = wb.create_sheet(unique_sheet_name(name + (t.kind_label or t.title), used))
        sheets[t.index] = (sh.title, _table_sheet(sh, t, marks))
    return sheets


def _target(f: Finding, sheets: dict[int, tuple[str, dict]]) -> tuple[str, str] | None:
    loc = f.location
    if loc.table not in sheets or loc.row is None:
        return None
    sheet, coords = sheets[loc.table]
    coord = coords.get((loc.row, loc.column)) or coords.get((loc.row, None))
    return (sheet, coord) if coord else None


def _finding_row(ws: Worksheet, r: Result, f: Finding | None) -> None:
    meta = r.document.meta if r.document is not None else None
    org = (meta.organisation or "") if meta else ""
    if f is None:
        ws.append([document_name(r.path), org, "", "无法读取", "", r.error] + [None] * 7 + [r.path])
        ws.cell(row=ws.max_row, column=_COL["级别"]).fill = FILLS["error"]
        return
    ws.append([document_name(r.path), org, f.rule, f.severity.label, family_label(f.family), f.message,
               _location(f), f.expected, f.found, f.difference, f.unit, f.evidence, f.fingerprint, r.path])
    row = ws.max_row
    sev = ws.cell(row=row, column=_COL["级别"])
    sev.fill = FILLS[f.severity.value]
    sev.font = Font(color=FONT_COLOURS[f.severity.value], bold=True)
    for name in ("应为", "实为", "差额"):
        c = ws.cell(row=row, column=_COL[name])
        if c.value is not None and not isinstance(c.value, str):
            c.number_format = "#,##0.00##"
    ws.cell(row=row, column=_COL["问题"]).alignment = _WRAP
    ws.cell(row=row, column=_COL["依据"]).alignment = _WRAP


def _link_both_ways(wb: Workbook, ws: Worksheet, row: int, sheet: str, coord: str) -> None:
    """位置 links to the table cell; the cell links back to the first (most severe) finding's row.
    Internal links only ("#'sheet'!B7"): no formula is written (xlsx_safe)."""
    c = ws.cell(row=row, column=_COL["位置"])
    c.hyperlink = f"#'{sheet}'!{coord}"
    c.font = _LINK
    cell = wb[sheet][coord]
    if cell.hyperlink is None:
        cell.hyperlink = f"#'{ws.title}'!{get_column_letter(_COL['位置'])}{row}"


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



_SEVERITY_COLUMN = 6  # 汇总's first count column (错误), then 警告, 提示: the ranking chart's data
_ROW_CM = 0.53  # a default sheet row's height, to place one chart below another


def _bar_chart(title: str, rows: int, stacked: bool) -> BarChart:
    """A horizontal bar chart, first category at the top (as the rows read), one row ~0.6 cm."""
    ch = BarChart()
    ch.type, ch.title, ch.style = "bar", title, 10
    if stacked:
        ch.grouping, ch.overlap = "stacked", 100
    ch.x_axis.scaling.orientation = "maxMin"  # rank 1 at the top
    ch.y_axis.crosses = "max"  # the counts' axis then stays at the bottom
    ch.x_axis.delete = ch.y_axis.delete = False  # axes shown (openpyxl hides them by default)
    ch.y_axis.majorGridlines = None
    ch.width, ch.height = 24, max(5.0, 0.6 * rows + 3)
    return ch


def _colour(chart: BarChart, colours: list[str]) -> None:
    for series, colour in zip(chart.series, colours, strict=False):
        series.graphicalProperties.solidFill = colour.lstrip("#")
        series.graphicalProperties.line.solidFill = colour.lstrip("#")


def _small_table(ws: Worksheet, row: int, header: list[str], rows: list[list]) -> int:
    """``header`` then ``rows`` from column A at ``row``; returns the last row written."""
    for j, text in enumerate(header, 1):
        c = ws.cell(row=row, column=j, value=text)
        c.font, c.fill = _BOLD, _HEAD
    for i, values in enumerate(rows, 1):
        for j, v in enumerate(values, 1):
            ws.cell(row=row + i, column=j, value=v)
    return row + len(rows)


def _charts_sheet(wb: Workbook, summary: Worksheet, results: list[Result]) -> None:
    """排名图表 (a batch of two or more documents): native bar charts, live in Excel / LibreOffice.
    The ranking chart reads 汇总's cells (the first ``BATCH_TOP`` documents' 错误 / 警告 / 提示, the
    file names as categories); the findings by family and the documents by coverage are small
    tables on this sheet (column A on), each chart to the right of them (column F on)."""
    ws = wb.create_sheet("排名图表", wb.sheetnames.index(summary.title) + 1)
    ws["A1"] = "图表的数据取自「汇总」表（各文件按先看的顺序）和下面的表。"
    ws.column_dimensions["A"].width = 24
    severities = [SEVERITY_COLOURS[s.value] for s in SEVERITIES]
    n = min(len(results), BATCH_TOP)
    shown = f"前 {n} 份，共 {len(results)} 份" if len(results) > n else f"共 {len(results)} 份"
    ranking = _bar_chart(f"各文件的问题（按先看的顺序，{shown}）", n, stacked=True)
    ranking.add_data(Reference(summary, min_col=_SEVERITY_COLUMN, max_col=_SEVERITY_COLUMN + len(SEVERITIES) - 1,
                               min_row=1, max_row=n + 1), titles_from_data=True)
    ranking.set_categories(Reference(summary, min_col=2, min_row=2, max_row=n + 1))
    _colour(ranking, severities)
    ws.add_chart(ranking, "F3")
    below = 3 + int(ranking.height / _ROW_CM) + 2  # where the next chart starts

    row = 3
    fams = family_totals(results)
    if fams:
        last = _small_table(ws, row, ["类别"] + [s.label for s in SEVERITIES],
                            [[family_label(fam)] + [c[s.value] for s in SEVERITIES] for fam, c in fams])
        families = _bar_chart("各类问题（全部文件）", len(fams), stacked=True)
        families.add_data(Reference(ws, min_col=2, max_col=1 + len(SEVERITIES), min_row=row, max_row=last),
                          titles_from_data=True)
        families.set_categories(Reference(ws, min_col=1, min_row=row + 1, max_row=last))
        _colour(families, severities)
        ws.add_chart(families, f"F{below}")
        below += int(families.height / _ROW_CM) + 2
        row = last + 2
    statuses = status_counts(results)
    last = _small_table(ws, row, ["检查范围", "文件数"], [[s.label, k] for s, k in statuses])
    coverage = _bar_chart("检查范围（文件数）", len(statuses), stacked=False)
    coverage.add_data(Reference(ws, min_col=2, min_row=row, max_row=last), titles_from_data=True)
    coverage.set_categories(Reference(ws, min_col=1, min_row=row + 1, max_row=last))
    coverage.legend = None
    for i, (status, _) in enumerate(statuses):  # each status in the HTML report's colour
        point = DataPoint(idx=i)
        point.graphicalProperties.solidFill = STATUS_COLOURS[status].lstrip("#")
        coverage.series[0].dPt.append(point)
    ws.add_chart(coverage, f"F{below}")
