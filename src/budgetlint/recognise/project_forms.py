"""Project tables that hold whole performance forms, found by their header row:

- one project per row (``row_per_project``): 项目名称 | 总计 | 财政拨款 | … | 绩效目标 | 绩效指标, all of
  a project's indicators written into its 绩效指标 cell ("1.1－产出指标，11－数量指标，<三级>；
  实施周期指标值：…，年度指标值：…；2、…");
- one project over several rows (``project_grid``): the left columns name the project once
  (单位编码 | 单位（项目）名称 | 资金总额 | 绩效目标), the right ones are an indicator grid under a
  second header row.

Rows with money but neither aim nor indicators name the 资金使用单位 (the implementer) of the
projects below them, or are the table's total. The header words come from ``templates/forms.toml``.
"""

from __future__ import annotations

import re
from functools import lru_cache

from budgetlint.ingest.base import Line
from budgetlint.model import PerformanceForm, Unit
from budgetlint.recognise.form_builder import FormBuilder
from budgetlint.recognise.form_words import (
    AMOUNT_FIELDS,
    DEFAULT_TITLES,
    DEPARTMENT_LABELS,
    FISCAL_LABELS,
    GRID_PROJECT_LABELS,
    HEADER_ROLE,
    HEADER_ROLES,
    INDICATOR_SECTION_LABELS,
    LEVEL1_BASES,
    OBJECTIVE_LABELS,
    OTHER_LABELS,
    PAGE_NUMBER_RE,
    PROJECT_LABELS,
    ROW_TOTAL_LABELS,
    UNIT_LINE_RE,
    WHOLE_ANCHOR_LABELS,
    cell_text,
    header_roles,
    is_blank_line,
    is_form_title,
    is_level1,
    is_levelish,
    line_row,
)
from budgetlint.recognise.indicator_grid import IndicatorGrid
from budgetlint.recognise.normalise import clean, join_wrapped, squash, strip_enumeration
from budgetlint.recognise.settings import DEFAULT as SETTINGS

ROW_PER_PROJECT, PROJECT_GRID = "row_per_project", "project_grid"  # the form layouts read here

# --- one project per row -------------------------------------------------------------------

_ROW_ROLE = {
    **{w: "total" for w in ROW_TOTAL_LABELS},
    **{w: "fiscal" for w in FISCAL_LABELS},
    **{w: "other" for w in OTHER_LABELS},
    **{w: "objective" for w in OBJECTIVE_LABELS},
    **{w: "indicators" for w in INDICATOR_SECTION_LABELS},
    **{w: "project" for w in PROJECT_LABELS},
}
_PAREN_TAIL = re.compile(r"\([^)]*\)$")
_LEVEL1_WORDS = "|".join(LEVEL1_BASES)
# Where one indicator of the cell starts: its enumeration ("2、", "1.") before a coded or named
# 一级 ("1－产出指标", "产出指标").
_ENTRY_START = re.compile(rf"(?:^|(?<=[；;。]))\s*\d{{1,3}}\s*[、.．]\s*(?=\d{{1,2}}\s*[-－—]|(?:{_LEVEL1_WORDS}))")
_ENTRY = re.compile(
    r"^\s*(?:\d{1,2}\s*[-－—]\s*)?(?P<l1>[^，,；;]{2,12}?)\s*[，,]\s*(?:\d{1,3}\s*[-－—]\s*)?"
    r"(?P<l2>[^，,；;]{2,14}?)\s*[，,]\s*(?P<rest>.+)$", re.S
)
_VALUE_LABEL = re.compile(
    "(?P<label>" + "|".join(sorted({*HEADER_ROLES["period"], *HEADER_ROLES["value"]}, key=len, reverse=True))
    + r")\s*[:：]"
)
_TRIM = "；;，,。 \t"
_ORG_LABEL_RE = re.compile(
    r"^(?:{})\s*[:：]\s*(\S+)".format("|".join(map(re.escape, WHOLE_ANCHOR_LABELS + DEPARTMENT_LABELS))))


@lru_cache(maxsize=1 << 14)  # the form finder asks this of every cell of every table row
def _row_role(cell: str) -> str | None:
    key = squash(cell).strip(":")
    return _ROW_ROLE.get(key) or _ROW_ROLE.get(_PAREN_TAIL.sub("", key))


def row_form_roles(cells: list[str]) -> dict[str, int] | None:
    """Column of each role when the row heads a one-project-per-row form table."""
    roles: dict[str, int] = {}
    for k, c in enumerate(cells):
        role = _row_role(c)
        if role and role not in roles:
            roles[role] = k
    if "project" in roles and "indicators" in roles and any(r in roles for r in AMOUNT_FIELDS):
        return roles
    return None


def _cell_indicators(text: str) -> list[tuple[str, str, str, str]]:
    """(一级, 二级, 三级, 指标值) of each indicator written into one cell; the year's value is
    the 指标值, the 实施周期 one is left out (as in the department-wide grid)."""
    text = clean(text)
    starts = [m.end() for m in _ENTRY_START.finditer(text)]
    out: list[tuple[str, str, str, str]] = []
    for a, b in zip(starts, [*(m.start() for m in list(_ENTRY_START.finditer(text))[1:]), len(text)], strict=True):
        m = _ENTRY.match(text[a:b])
        if not m or not (is_level1(m.group("l1")) or is_levelish(m.group("l2"))):
            continue
        rest = m.group("rest")
        labels = list(_VALUE_LABEL.finditer(rest))
        if not labels:
            out.append((m.group("l1"), m.group("l2"), rest.strip(_TRIM), ""))
            continue
        name = rest[: labels[0].start()].strip(_TRIM)
        value = ""
        for k, lab in enumerate(labels):
            end = labels[k + 1].start() if k + 1 < len(labels) else len(rest)
            if HEADER_ROLE.get(lab.group("label")) == "value" or not value:
                value = rest[lab.end():end].strip(_TRIM)
        out.append((m.group("l1"), m.group("l2"), name, value))
    return out


def row_forms(lines: list[Line], head: int, roles: dict[str, int], floor: int
               ) -> tuple[list[PerformanceForm], range]:
    """Read the rows under a one-project-per-row header (repeated on each page with the title)."""
    title, unit, department, first = _form_title(lines, head, floor)
    width = len(lines[head].cells)
    header_key = [squash(c) for c in lines[head].cells]
    rows: list[tuple[list[str], int]] = []  # cells, line index
    last = head
    for i in range(head + 1, len(lines)):
        line = lines[i]
        if is_blank_line(line):
            continue
        if not line.is_tabular:
            text = cell_text(line.text)
            if _page_furniture(text, title):
                continue
            break
        cells = [cell_text(c) for c in line.cells]
        if abs(len(cells) - width) > 1:
            break
        last = i
        if [squash(c) for c in line.cells] == header_key:
            continue
        if not cells[roles["project"]] and rows:  # a row broken over a page: its cells go on
            prev, _ = rows[-1]
            for k, c in enumerate(cells[: len(prev)]):
                prev[k] = join_wrapped([prev[k], c]) if c else prev[k]
            continue
        rows.append((cells, i))

    def at(cells: list[str], role: str) -> str:
        k = roles.get(role)
        return cells[k] if k is not None and k < len(cells) else ""

    forms: list[PerformanceForm] = []
    implementer = None
    for cells, i in rows:
        name, indicators, objective = at(cells, "project"), at(cells, "indicators"), at(cells, "objective")
        if not indicators and not objective:
            if strip_enumeration(squash(name)).strip(":") not in ROW_TOTAL_LABELS:
                implementer = name or implementer  # the 资金使用单位 of the projects below
            continue
        builder = FormBuilder(lines, ROW_PER_PROJECT)
        builder.fields.update(project=name, department=department, implementer=implementer)
        for kind in AMOUNT_FIELDS:
            builder.set_field(kind, at(cells, kind).replace(" ", "") or None)
        builder.unit = unit
        if objective:
            builder.objective, builder.objective_at = [objective], [i]
        for l1, l2, ind_name, value in _cell_indicators(indicators):
            builder.grid.levels(l1, l2)
            builder.grid.emit(ind_name, value, i)
        form = builder.build(title, lines[i].provenance)
        if form is not None:
            forms.append(form)
    return forms, range(first, last + 1)


# --- one project over several rows -----------------------------------------------------------
# A project table whose left columns name the project once (单位编码 | 单位（项目）名称 | 资金总额 |
# 绩效目标) and whose right columns are an indicator grid under a second header row (一级指标 |
# 二级指标 | 三级指标 | 指标值 | … | 度量单位 | 指标值类型): the project's first row carries its
# name, money and aim and its first indicator, the rows below (name blank) its other indicators.
# Each page repeats the title, the unit line, both header rows and the project's merged cells.
# Rows with a name and money but no aim and no indicator are the 合计 or the unit the projects
# below belong to.

_GRID_HEAD_ROLE = {**_ROW_ROLE, **{w: "project" for w in GRID_PROJECT_LABELS}}


@lru_cache(maxsize=1 << 14)
def _grid_head_role(cell: str) -> str | None:
    return _GRID_HEAD_ROLE.get(squash(cell).strip(":"))


def _grid_head_roles(cells: list[str]) -> dict[str, int] | None:
    """Columns of the project fields when the row heads a project grid (the indicator grid's own
    header is the next row)."""
    roles: dict[str, int] = {}
    for k, c in enumerate(cells):
        role = _grid_head_role(c)
        if role and role not in roles:
            roles[role] = k
    if "project" in roles and any(r in roles for r in AMOUNT_FIELDS) and ("objective" in roles or "indicators" in roles):
        return roles
    return None


def _form_title(lines: list[Line], head: int, floor: int) -> tuple[str, Unit | None, str | None, int]:
    """(title, unit, department, first line) printed above a form table's header row."""
    title, unit, first, department = DEFAULT_TITLES["project"], None, head, None
    seen = 0
    for j in range(head - 1, max(floor, head - 1 - SETTINGS.title_lookback) - 1, -1):
        if is_blank_line(lines[j]):
            continue
        if lines[j].is_tabular or seen >= SETTINGS.title_lookback:
            break
        seen += 1
        text = cell_text(lines[j].text)
        m = UNIT_LINE_RE.search(text)
        if m:
            unit = Unit(m.group(1))
            first = j
            d = _ORG_LABEL_RE.search(text[: m.start()].strip())
            department = d.group(1) if d else department
        elif is_form_title(text):
            title, first = text, j
            break
    return title, unit, department, first


def grid_forms(lines: list[Line], head: int, roles: dict[str, int], grid: dict[str, int], floor: int
                ) -> tuple[list[PerformanceForm], range]:
    """Read the projects of a project grid whose two header rows are ``head`` and ``head + 1``."""
    title, unit, department, first = _form_title(lines, head, floor)
    width = len(lines[head].cells)
    headers = ([squash(c) for c in lines[head].cells], [squash(c) for c in lines[head + 1].cells])
    projects: list[tuple[FormBuilder, int]] = []  # each project's builder and its first row
    implementer = None
    last = head + 1

    def field(cells: list[str], role: str) -> str:
        k = roles.get(role)
        return cells[k] if k is not None and k < len(cells) else ""

    for i in range(head + 2, len(lines)):
        line = lines[i]
        if is_blank_line(line):
            continue
        if not line.is_tabular:
            text = cell_text(line.text)
            if _page_furniture(text, title):
                continue
            if projects and projects[-1][0].objective and _goes_on(lines, i, title, width):
                projects[-1][0].objective[-1] += text  # the aim's cell wrapped past the row's height
                continue
            break
        if abs(len(line.cells) - width) > 1:
            break
        last = i
        if [squash(c) for c in line.cells] in headers:
            continue
        row = line_row(lines, i)
        name = field(row.cells, "project")
        current = projects[-1][0] if projects else None
        if name and (current is None or name != current.fields.get("project")):
            if not field(row.cells, "objective") and not any(row.cells[k] for k in grid.values() if k < len(row.cells)):
                # A 合计 or unit row: money, no aim, no indicator.
                if strip_enumeration(squash(name)).strip(":") not in ROW_TOTAL_LABELS:
                    implementer = name
                projects.append((FormBuilder(lines, PROJECT_GRID), -1))  # ends the project above
                continue
            current = FormBuilder(lines, PROJECT_GRID, unit=unit, section="grid")
            current.grid = IndicatorGrid(lines, roles=grid, width=len(lines[head + 1].cells), positional=True)
            current.fields.update(project=name, department=department, implementer=implementer)
            for kind in AMOUNT_FIELDS:
                current.set_field(kind, field(row.cells, kind).replace(" ", "") or None)
            if field(row.cells, "objective"):
                current.objective, current.objective_at = [field(row.cells, "objective")], [i]
            projects.append((current, i))
        if current is not None and projects[-1][1] >= 0:
            current.grid.positional_row(row)
    forms = [form for b, at in projects if at >= 0 and (form := b.build(title, lines[at].provenance)) is not None]
    return forms, range(first, last + 1)


def _goes_on(lines: list[Line], i: int, title: str, width: int) -> bool:
    """A short one-cell line followed (past other such lines) by the repeated title or a row of
    the grid's width: a cell's wrapped text, not the end of the grid."""
    for j in range(i, min(len(lines), i + SETTINGS.head_stray_limit + 1)):
        line = lines[j]
        if line.is_tabular:
            return abs(len(line.cells) - width) <= 1
        text = cell_text(line.text)
        if text and squash(text) == squash(title):
            return True
        if len(text) > 40:
            return False
    return False


def grid_header(lines: list[Line], i: int, texts: list[str] | None = None
                ) -> tuple[dict[str, int], dict[str, int]] | None:
    """(project-field roles, indicator-grid roles) when lines ``i`` and ``i + 1`` head a project grid
    (``texts``: line ``i``'s cells as ``cell_text`` reads them, where the caller has them)."""
    if i + 1 >= len(lines) or not lines[i].is_tabular or not lines[i + 1].is_tabular:
        return None
    roles = _grid_head_roles(texts if texts is not None else [cell_text(c) for c in lines[i].cells])
    if roles is None:
        return None
    grid = header_roles([cell_text(c) for c in lines[i + 1].cells])
    if grid is None or "name" not in grid or "value" not in grid:
        return None
    return roles, grid


def _page_furniture(text: str, title: str) -> bool:
    """The title, unit line and page number a table repeats on each page it runs over."""
    return bool(PAGE_NUMBER_RE.match(text) or UNIT_LINE_RE.search(text)
                or (is_form_title(text) and squash(text) == squash(title)))
