"""``check --format checklist``: the reviewer's 公开情况检查表 as a workbook (openpyxl).

One sheet per document in the layout finance bureaus use: the title, 部门名称, 公开网址 (left for
the reviewer), then the parts as rows — 检查内容 (group | part), 符合要求 (是 / 否 / 需人工确认),
问题 (plain Chinese, with pages). Several documents: a 汇总 sheet first, one row per document with
its counts of 否 and 需人工确认. The checklist itself is computed in ``budgetlint.checklist``; this
module only lays it out. Document text never becomes a formula (``xlsx_safe.keep_text``).
"""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.worksheet.worksheet import Worksheet

from budgetlint.checklist import MANUAL, NO, YES, Checklist, build
from budgetlint.pipeline import Result
from budgetlint.report.common import unique_sheet_name
from budgetlint.report.xlsx_safe import keep_text

_THIN = Side(style="thin", color="808080")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_WRAP = Alignment(wrap_text=True, vertical="center")
_CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
_TITLE = Font(bold=True, size=14)
_BOLD = Font(bold=True)
_VERDICT_FILL = {NO: PatternFill("solid", fgColor="FFC7CE"), MANUAL: PatternFill("solid", fgColor="FFEB9C"),
                 YES: PatternFill("solid", fgColor="E2EFDA")}


def _boxed(ws: Worksheet, row: int, first: int, last: int) -> None:
    for col in range(first, last + 1):
        ws.cell(row=row, column=col).border = _BORDER


def _write_sheet(ws: Worksheet, c: Checklist, path: str) -> None:
    ws.merge_cells("A1:E1")
    ws["A1"] = c.title
    ws["A1"].font = _TITLE
    ws["A1"].alignment = _CENTER
    ws["A3"] = f"部门名称：{c.organisation}"
    ws.merge_cells("A3:E3")
    ws["A4"] = "公开网址："
    ws.merge_cells("A4:E4")
    ws["A5"] = f"检查文件：{Path(path).name}"
    ws.merge_cells("A5:E5")
    head = 6
    ws.cell(row=head, column=1, value=c.heading)
    ws.merge_cells(start_row=head, start_column=1, end_row=head, end_column=3)
    ws.cell(row=head, column=4, value="符合要求")
    ws.cell(row=head, column=5, value="问题")
    for col in range(1, 6):
        ws.cell(row=head, column=col).font = _BOLD
        ws.cell(row=head, column=col).alignment = _CENTER
    _boxed(ws, head, 1, 5)
    row = head + 1
    group_start: dict[str, int] = {}
    group_end: dict[str, int] = {}
    for part in c.parts:
        ws.cell(row=row, column=1, value=part.group).alignment = _CENTER
        ws.cell(row=row, column=2, value=part.name).alignment = _WRAP
        ws.merge_cells(start_row=row, start_column=2, end_row=row, end_column=3)
        verdict = ws.cell(row=row, column=4, value=part.verdict)
        verdict.alignment = _CENTER
        verdict.fill = _VERDICT_FILL[part.verdict] if part.verdict in _VERDICT_FILL else PatternFill()
        problems = [f"{i}.{p}" for i, p in enumerate(part.problems, 1)] if len(part.problems) > 1 else part.problems
        ws.cell(row=row, column=5, value="\n".join(problems) or None).alignment = _WRAP
        _boxed(ws, row, 1, 5)
        group_start.setdefault(part.group, row)
        group_end[part.group] = row
        row += 1
    for group, start in group_start.items():
        end = group_end[group]
        if end > start and all(ws.cell(row=r, column=1).value == group for r in range(start, end + 1)):
            for r in range(start + 1, end + 1):
                ws.cell(row=r, column=1).value = None
            ws.merge_cells(start_row=start, start_column=1, end_row=end, end_column=1)
    widths = {"A": 12, "B": 30, "C": 14, "D": 12, "E": 90}
    for col, w in widths.items():
        ws.column_dimensions[col].width = w


def _write_summary(ws: Worksheet, rows: list[tuple[str, Checklist | None, str | None]]) -> None:
    ws.append(["文件", "部门名称", "类别", "检查项", "否", "需人工确认", "是", "说明"])
    for cell in ws[1]:
        cell.font = _BOLD
    for path, c, why in rows:
        if c is None:
            ws.append([Path(path).name, None, None, None, None, None, None, why])
            continue
        verdicts = [p.verdict for p in c.parts]
        ws.append([Path(path).name, c.organisation, c.kind, len(c.parts), verdicts.count(NO), verdicts.count(MANUAL),
                   verdicts.count(YES), None])
    for col, w in zip("ABCDEFGH", (40, 28, 10, 8, 6, 10, 6, 50), strict=True):
        ws.column_dimensions[col].width = w


def _why_none(r: Result) -> str:
    if r.document is None:
        return f"无法读取：{r.error}" if r.error else "无法读取"
    return f"不是部门（单位）预决算（识别为「{r.document.meta.kind.value}」），没有对应的公开情况检查表"


def write_checklist_xlsx(results: list[Result], path: Path) -> None:
    """Write the checklist workbook: a 汇总 sheet for several documents, then one sheet per document."""
    wb = Workbook()
    first = wb.active
    used: set[str] = set()
    built = [(r.path, build(r.document, r.findings), None) for r in results]
    rows = [(p, c, None if c is not None else _why_none(r)) for (p, c, _), r in zip(built, results, strict=True)]
    if len(results) > 1:
        first.title = unique_sheet_name("汇总", used)
        _write_summary(first, rows)
        first = None
    for i, (p, c, why) in enumerate(rows, 1):
        base = (c.organisation if c is not None and c.organisation else Path(p).stem) or f"文档{i}"
        name = unique_sheet_name(f"{i}-{base}" if len(results) > 1 else base, used)
        ws = first if first is not None else wb.create_sheet()
        first = None
        ws.title = name
        if c is None:
            ws["A1"] = Path(p).name
            ws["A2"] = why
            continue
        _write_sheet(ws, c, p)
    keep_text(wb)
    wb.save(path)
