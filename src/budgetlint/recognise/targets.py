"""Performance-target forms (绩效目标表, DOMAIN §5) → ``PerformanceForm``: where each form starts
and which lines are its rows.

A form is found at its *anchor*: the row that names the project (项目名称, 专项资金名称, 项目编码 …).
From there the chain is ``lines → rows → head fields → indicator grid`` (``form_builder.py``,
``indicator_grid.py``; the words in ``templates/forms.toml``, read by ``form_words.py``). The form's
shape is its ``layout``:

- ``row_per_line``: one tab-separated line per table row, inside the narrative. Label cells
  (主管部门, 年度预算资金总额 …) sit anywhere in a row and the value is the next non-empty cell.
  Indicator rows slide left or right when the converter drops empty cells, so the grid is read
  from the right (``indicator_grid.py``).
- ``cell_per_line``: every cell on its own line starting with a tab, rows separated by blank
  lines, a cell's wrapped text on following lines without a tab ("绩\\n效\\n指\\n标"). The lines are
  regrouped into rows and read like ``row_per_line``.
- ``planned_form``: read like ``row_per_line`` ("N、<项目>绩效目标表", 单位：万元, 项目编码 /
  项目名称, 预算数 / 其中：财政资金 / 其他资金), with a 资金支出计划（%） whose month-end values are on
  the next row, 绩效目标, and a grid whose header names 绩效指标描述 and 指标值确定依据. Those grids
  are read by the header's column positions (repeated headers on a new page re-map them).
- ``whole``: a department-wide form (部门整体预算绩效目标申报表): a title naming 整体, then
  部门名称 as the anchor; the head pairs labels with amounts (基本支出 | 58,118.59 | 财政拨款 |
  92,008.68 …, all kept in ``amounts``, 财政拨款 / 其他资金 also as ``fiscal`` / ``other``), 总体绩效目标,
  年度重点工作任务 read by its header's columns (名称 | 主要实施内容 | 拟投入的资金 | 期望达到的目标),
  then the indicator grid (实施周期指标值 | 年度指标值: the year's value is the 指标值).
- ``row_per_project`` and ``project_grid``: project tables holding whole forms (``project_forms.py``).

A form's provenance is its title line, or its anchor row when no title is printed (the title is
then "项目支出绩效目标表" / "专项资金绩效目标表").
"""

from __future__ import annotations

from budgetlint.ingest.base import Line
from budgetlint.model import PerformanceForm, Unit
from budgetlint.recognise.form_builder import PLANNED_FORM, FormBuilder
from budgetlint.recognise.form_words import (
    ANCHOR_KINDS,
    DEFAULT_TITLES,
    PAGE_NUMBER_RE,
    SECTION_HEADING_RE,
    UNIT_LINE_RE,
    WHOLE_ANCHOR_LABELS,
    WHOLE_TITLE_WORDS,
    FormRow,
    cell_text,
    field_kind,
    filled_cells,
    is_blank_line,
    is_form_title,
    is_heading,
    is_levelish,
    line_row,
    task_key,
    value_like,
)
from budgetlint.recognise.normalise import join_wrapped, squash
from budgetlint.recognise.project_forms import grid_forms, grid_header, row_form_roles, row_forms
from budgetlint.recognise.settings import DEFAULT as SETTINGS

ROW_PER_LINE, CELL_PER_LINE, WHOLE = "row_per_line", "cell_per_line", "whole"  # form layouts read here


def _anchor_kind(line: Line) -> str | None:
    first = next((c for c in line.cells if c.strip()), None)  # filled_cells(line)[0]
    if first is None:
        return None
    kind = field_kind(cell_text(first))
    return kind if kind in ANCHOR_KINDS else None


def _is_cell_per_line(line: Line) -> bool:
    """The anchor line of a cell-per-line form: a tab, the label, nothing else."""
    return len(line.cells) >= 2 and not line.cells[0].strip() and len(filled_cells(line)) == 1


def _whole_anchor(lines: list[Line], i: int, floor: int) -> bool:
    """The 部门名称 row of a department-wide form: a title naming 整体 above it."""
    filled = filled_cells(lines[i])
    if len(filled) < 2 or task_key(cell_text(filled[0])) not in WHOLE_ANCHOR_LABELS:
        return False
    title_at = _find_title(lines, i, floor)[0]
    return title_at is not None and any(w in squash(lines[title_at].text) for w in WHOLE_TITLE_WORDS)


# --- finding forms --------------------------------------------------------------------------


def _find_title(lines: list[Line], anchor: int, floor: int) -> tuple[int | None, int, Unit | None]:
    """(title index, first line the form owns, unit stated above the form) above an anchor."""
    first = anchor
    unit = None
    seen = 0
    j = anchor - 1
    while j >= floor and seen < SETTINGS.title_lookback:
        line = lines[j]
        if is_blank_line(line):
            j -= 1
            continue
        filled = filled_cells(line)
        if len(filled) > 1:
            break
        text = cell_text(filled[0])
        seen += 1
        m = UNIT_LINE_RE.search(text)
        if m and len(text) <= 20:
            unit = unit or Unit(m.group(1))
            first = j
        elif is_form_title(text):
            # A section heading ("（二）部门主管专项资金的绩效目标表") titles the form but stays
            # with the narrative.
            return j, (first if SECTION_HEADING_RE.match(text) else j), unit
        elif len(text) <= 20 and not is_heading(text):
            first = j  # "(2024年度)", "350001 科技和工信部门"
        else:
            break
        j -= 1
    return None, first, unit


def _rows_by_line(lines: list[Line], anchor: int, builder: FormBuilder) -> int:
    """Feed one-line-per-row form rows to the builder; return the last line used."""
    last = anchor
    stray = 0
    for i in range(anchor, len(lines)):
        line = lines[i]
        if is_blank_line(line):
            continue
        filled = filled_cells(line)
        if len(line.cells) == 1:
            text = cell_text(filled[0])
            if i == anchor:
                pass
            elif PAGE_NUMBER_RE.match(text):
                continue
            elif builder.in_grid or is_heading(text) or _anchor_kind(line):
                break
            elif builder.feed_text(text, i):
                last, stray = i, 0
                continue
            else:
                stray += 1
                if stray >= SETTINGS.head_stray_limit:
                    break
                continue
        elif i != anchor and _anchor_kind(line):
            break
        builder.feed(line_row(lines, i))
        last, stray = i, 0
    return last


def _rows_cell_per_line(lines: list[Line], anchor: int) -> tuple[list[FormRow], int]:
    """Regroup a cell-per-line form into rows; return them and the last line used."""
    rows: list[FormRow] = []
    cur: FormRow | None = None
    last = anchor
    after_cell = False  # the previous line was a cell or its continuation
    for i in range(anchor, len(lines)):
        line = lines[i]
        if is_blank_line(line):
            if cur is not None:
                rows.append(cur)
                cur = None
            after_cell = False
            continue
        if len(line.cells) >= 2 and not line.cells[0].strip():
            if i != anchor and _anchor_kind(line):
                break
            if cur is None:
                cur = FormRow([], [])
            for c in line.cells[1:]:
                cur.cells.append(cell_text(c))
                cur.where.append(i)
            after_cell = True
            last = i
            continue
        text = cell_text(line.text)
        if after_cell and cur is not None:
            cur.cells[-1] = join_wrapped([cur.cells[-1], text])
            last = i
            continue
        if is_heading(text) or _anchor_kind(line) or not (is_levelish(text) or value_like(text)):
            break
        cur = FormRow([text], [i])
        after_cell = True
        last = i
    if cur is not None:
        rows.append(cur)
    return rows, last


def _parse_form(
    lines: list[Line], anchor: int, floor: int, whole: bool = False
) -> tuple[PerformanceForm, range] | None:
    title_at, first, unit = _find_title(lines, anchor, floor)
    kind = _anchor_kind(lines[anchor]) or "project"
    if whole:
        builder = FormBuilder(lines, WHOLE, whole=True)
        name = next((cell_text(c) for c in filled_cells(lines[anchor])[1:]), "")
        builder.fields["project"] = builder.fields["department"] = name
        last = _rows_by_line(lines, anchor, builder)
    elif _is_cell_per_line(lines[anchor]):
        builder = FormBuilder(lines, CELL_PER_LINE)
        rows, last = _rows_cell_per_line(lines, anchor)
        for row in rows:
            builder.feed(row)
        builder.layout = CELL_PER_LINE
    else:
        builder = FormBuilder(lines, ROW_PER_LINE)
        last = _rows_by_line(lines, anchor, builder)
        if builder.plan_labels:
            builder.layout = PLANNED_FORM
    builder.unit = builder.unit or unit
    if title_at is not None:
        title = cell_text(lines[title_at].text)
        provenance = lines[title_at].provenance
    else:
        anchor_label = squash(filled_cells(lines[anchor])[0])
        special = kind == "project" and anchor_label.startswith("专项")
        title = DEFAULT_TITLES["special" if special else "project"]
        provenance = lines[anchor].provenance
    form = builder.build(title, provenance)
    if form is None:
        return None
    return form, range(first, last + 1)



def recognise_forms(lines: list[Line]) -> tuple[list[PerformanceForm], set[int]]:
    """Find every 绩效目标表 form in the document's lines. Returns the forms and the set of
    indexes (into `lines`) that the forms consumed, so the narrative recogniser can skip them.

    A form without a printed title gets "项目支出绩效目标表" / "专项资金绩效目标表" and the
    provenance of its anchor row. A section heading used as a title is not consumed.
    """
    forms: list[PerformanceForm] = []
    consumed: set[int] = set()
    floor = 0
    i = 0
    while i < len(lines):
        texts = [cell_text(c) for c in lines[i].cells] if lines[i].is_tabular else None  # read once for both tests
        grid_head = grid_header(lines, i, texts)
        if grid_head is not None:
            found_grid, used = grid_forms(lines, i, *grid_head, floor)
            if found_grid:
                forms.extend(found_grid)
                consumed.update(used)
                i = floor = used.stop
                continue
        row_roles = row_form_roles(texts) if texts is not None else None
        if row_roles is not None:
            found_rows, used = row_forms(lines, i, row_roles, floor)
            if found_rows:
                forms.extend(found_rows)
                consumed.update(used)
                i = floor = used.stop
                continue
        anchor = _anchor_kind(lines[i])  # once per line: it reads the line's first cell's words
        whole = not anchor and _whole_anchor(lines, i, floor)
        if whole or anchor:
            found = _parse_form(lines, i, floor, whole)
            if found is not None:
                form, used = found
                forms.append(form)
                consumed.update(used)
                i = floor = used.stop
                continue
        i += 1
    return forms, consumed
