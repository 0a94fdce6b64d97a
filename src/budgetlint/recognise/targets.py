"""Performance-target forms (绩效目标表, DOMAIN §5) → ``PerformanceForm``.

A form is found at its *anchor*: the row that names the project (项目名称, 专项资金名称, 项目编码 …).
From there the chain is ``lines → rows → head fields → indicator grid``:

- ``shandong``: one tab-separated line per table row, inside the narrative. Label cells
  (主管部门, 年度预算资金总额 …) sit anywhere in a row and the value is the next non-empty cell.
  Indicator rows slide left or right when the converter drops empty cells, so the grid is read
  from the right: the last cell is the 指标值, the one before it the 三级指标, and any cells in
  front are 一级 / 二级 labels recognised by vocabulary. Blank 一级 / 二级 cells (merged cells)
  are carried down; a 二级 without its 一级 gets the 一级 it belongs to when the carried one
  cannot be its parent (社会效益指标 under 产出指标 is a slid row).
- ``cell_per_line``: every cell on its own line starting with a tab, rows separated by blank
  lines, a cell's wrapped text on following lines without a tab ("绩\\n效\\n指\\n标"). The lines are
  regrouped into rows and read like ``shandong``.
- ``hebei``: "N、<项目>绩效目标表", 单位：万元, 项目编码 / 项目名称, 预算数 / 其中：财政资金 / 其他资金,
  资金支出计划（%） with the month-end values on the next row, 绩效目标, then a grid whose header
  names 绩效指标描述 and 指标值确定依据. Those grids are read by the header's column positions
  (repeated headers on a new page re-map them).

- ``whole``: a department-wide form (部门整体预算绩效目标申报表): a title naming 整体, then
  部门名称 as the anchor; the head pairs labels with amounts (基本支出 | 58,118.59 | 财政拨款 |
  92,008.68 …, all kept in ``amounts``, 财政拨款 / 其他资金 also as ``fiscal`` / ``other``), 总体绩效目标,
  年度重点工作任务 read by its header's columns (名称 | 主要实施内容 | 拟投入的资金 | 期望达到的目标),
  then the indicator grid (实施周期指标值 | 年度指标值: the year's value is the 指标值).

- ``row_per_project``: a project table whose every row is a whole form (项目名称 | 总计 | 财政拨款 |
  … | 绩效目标 | 绩效指标), all of a project's indicators in its 绩效指标 cell ("1.1－产出指标，
  11－数量指标，<三级>；实施周期指标值：…，年度指标值：…；2、…"); rows without aim or indicators
  name the 资金使用单位 (the implementer) of the projects below them.

Any grid whose 指标值 is not the last column (描述, 依据, 分值, or the national template's
指标性质 | 指标值 | 度量单位, which are re-joined into one value text) is read by column; a grid
without a header row is read from the right. An indicator's provenance is the line of its 指标值
cell (of its name when the value is blank); a form's is its title line, or its anchor row when no
title is printed (the title is then "项目支出绩效目标表" / "专项资金绩效目标表").

Vocabularies are module-level tuples; add synonyms there, not in the code.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from budgetlint.ingest.base import Line
from budgetlint.model import FormTask, Indicator, PerformanceForm, Provenance, Unit
from budgetlint.recognise.normalise import CN_NUMERAL, clean, squash, strip_enumeration
from budgetlint.recognise.numbers import is_number, to_decimal

# --- vocabularies (matched on squash()ed text, enumeration and "其中：" stripped) -------------

PROJECT_LABELS = (
    "项目名称", "专项资金名称", "资金名称", "专项名称", "项目(资金)名称", "专项资金项目名称",
    "二级项目名称", "政策名称", "政策(项目)名称",
)
PROJECT_CODE_LABELS = ("项目编码", "项目代码", "项目编号")
DEPARTMENT_LABELS = ("主管部门", "主管单位", "主管部门(单位)", "主管部门及代码", "预算部门")
IMPLEMENTER_LABELS = ("实施单位", "项目实施单位", "执行单位", "实施部门", "实施单位及代码")
FUNDS_GROUP_LABELS = (  # introduce the amounts, carry no value of their own
    "项目资金", "项目资金情况", "资金情况", "资金来源", "项目资金来源", "预算规模及资金用途",
    "预算规模", "资金规模",
)
TOTAL_LABELS = (
    "年度预算资金总额", "年度预算资金", "预算资金总额", "项目资金总额", "资金总额", "年度资金总额",
    "预算数", "年度预算数", "预算金额", "预算总额", "项目总额", "项目总金额", "资金合计", "合计",
)
FISCAL_LABELS = ("财政拨款", "财政资金", "财政性资金", "财政拨款资金", "财政补助", "本级财政资金")
OTHER_LABELS = ("其他资金", "非财政资金", "其他来源资金", "单位自筹")
OBJECTIVE_LABELS = (
    "年度总体目标", "年度总体绩效目标", "总体绩效目标", "总体目标", "绩效目标", "年度目标",
    "年度绩效目标", "项目绩效目标", "项目年度绩效目标", "整体绩效目标", "实施内容及绩效目标",
)
PLAN_LABELS = ("资金支出计划", "支出计划", "资金支出进度", "资金使用计划", "资金支出进度计划")
INDICATOR_SECTION_LABELS = ("年度绩效指标", "绩效指标", "指标", "绩效指标表", "项目绩效指标")

FIELD_LABELS: dict[str, tuple[str, ...]] = {
    "project": PROJECT_LABELS,
    "project_code": PROJECT_CODE_LABELS,
    "department": DEPARTMENT_LABELS,
    "implementer": IMPLEMENTER_LABELS,
    "funds": FUNDS_GROUP_LABELS,
    "total": TOTAL_LABELS,
    "fiscal": FISCAL_LABELS,
    "other": OTHER_LABELS,
    "objective": OBJECTIVE_LABELS,
    "plan": PLAN_LABELS,
    "indicators": INDICATOR_SECTION_LABELS,
}
ANCHOR_KINDS = ("project", "project_code")

# Department-wide forms (部门整体): the title names one of these words, the anchor row one of the
# organisation labels; the key-task block opens with a task label and names its columns.
WHOLE_TITLE_WORDS = ("整体",)
WHOLE_ANCHOR_LABELS = ("部门名称", "单位名称", "部门(单位)名称", "预算部门名称", "预算单位名称", "预算单位")
TASK_SECTION_LABELS = ("年度重点工作任务", "重点工作任务", "年度主要任务", "主要任务", "年度重点任务")
OTHER_TASK_LABELS = ("其他需完成的任务", "其他任务", "其他需完成的任务(可选填)")
TASK_ROLES: dict[str, tuple[str, ...]] = {
    "name": ("名称", "任务名称", "重点任务名称", "工作任务名称"),
    "content": ("主要实施内容", "实施内容", "主要内容"),
    "amount": ("拟投入的资金", "拟投入资金", "投入资金", "预算金额", "资金", "预算数"),
    "target": ("期望达到的目标(概述)", "期望达到的目标", "预期目标", "预期达到的目标", "目标"),
}
AMOUNT_FIELDS = ("total", "fiscal", "other")
TEXT_FIELDS = ("project", "project_code", "department", "implementer")

# Indicator-grid header words → column role.
HEADER_ROLES: dict[str, tuple[str, ...]] = {
    "level1": ("一级指标", "一级"),
    "level2": ("二级指标", "二级"),
    "name": ("三级指标", "三级", "指标名称", "三级指标名称", "指标内容", "绩效指标名称"),
    "value": ("指标值", "目标值", "年度指标值", "指标值(目标值)", "绩效指标值", "年度目标值",
              "指标目标值", "预期指标值"),
    "description": ("绩效指标描述", "指标描述", "指标解释", "指标说明", "指标定义"),
    "basis": ("指标值确定依据", "确定依据", "指标值设定依据", "指标值依据"),
    "period": ("实施周期指标值", "中长期指标值", "实施期指标值", "中期指标值"),  # beside the year's 指标值
    "comparator": ("指标性质", "运算符号", "比较符号", "符号", "指标值类型"),
    "unit": ("度量单位", "计量单位", "指标单位", "指标值单位"),
}
# Header roles that only a Hebei-style form has (the grid is then read by column position).
HEBEI_ROLES = ("description", "basis")
QUALITATIVE_MARKS = ("定性",)  # an 指标性质 cell that says the value is not a number

# 一级 / 二级 vocabularies, by base (the label without its trailing "指标").
LEVEL1_BASES = ("产出", "效益", "满意度", "成本", "效果")
LEVEL2_PARENT: dict[str, str] = {
    "数量": "产出指标", "质量": "产出指标", "时效": "产出指标",
    "经济成本": "成本指标", "社会成本": "成本指标", "生态环境成本": "成本指标",
    "经济效益": "效益指标", "社会效益": "效益指标", "生态效益": "效益指标",
    "环境效益": "效益指标", "生态环境效益": "效益指标",
    "可持续影响": "效益指标", "可持续发展影响": "效益指标", "可持续发展": "效益指标",
    "服务对象满意度": "满意度指标", "社会公众满意度": "满意度指标",
}
LEVEL2_BASES = (*LEVEL2_PARENT, "成本", "满意度")

# 指标值 comparators: prefix words and symbols (longest match first), then suffix words.
COMPARATOR_PREFIXES: dict[str, str] = {
    "大于或等于": "≥", "大于等于": "≥", "不低于": "≥", "不少于": "≥", "不小于": "≥", "至少": "≥",
    ">=": "≥", "≥": "≥", "≧": "≥", "⩾": "≥",
    "小于或等于": "≤", "小于等于": "≤", "不高于": "≤", "不超过": "≤", "不多于": "≤", "不大于": "≤",
    "<=": "≤", "≤": "≤", "≦": "≤", "⩽": "≤",
    "大于": ">", "高于": ">", "多于": ">", "超过": ">", ">": ">",
    "小于": "<", "低于": "<", "少于": "<", "<": "<",
    "等于": "=", "==": "=", "=": "=",
}
COMPARATOR_SUFFIXES: dict[str, str] = {
    "及以上": "≥", "以上": "≥", "及以下": "≤", "以下": "≤", "以内": "≤",
}
# A unit after the number never holds these (they make "2023年底前", "10月底之前" a date).
UNIT_FORBIDDEN = "前后底之至到~～或且、，,;；"
UNIT_MAX_LEN = 8
VALUE_MAX_LEN = 5  # a cell this short is taken as a qualitative 指标值 (提升, 健全, 达标 …)

TITLE_RE = re.compile(r"绩效目标(?:表|申报表)")
TITLE_MAX_LEN = 80
SECTION_HEADING_RE = re.compile(
    rf"^\s*(?:[（(][{CN_NUMERAL}]+[)）]|[{CN_NUMERAL}]+[、．.]|第[{CN_NUMERAL}\d]+[部分章节])"
)
UNIT_LINE_RE = re.compile(r"(?:金额)?单位[:：]\s*(万元|亿元|元)")
LABEL_UNIT_RE = re.compile(r"\((万元|亿元|元|%)\)")
PAGE_NUMBER_RE = re.compile(r"^[-—\s\d第页/]+$")
DEBRIS_RE = re.compile(r"\[bookmark:[^\]]*\]")
NUMBER_RE = re.compile(r"^([-+]?\d+(?:,\d{3})*(?:\.\d+)?)(.*)$")
UNITS = {"万元": Unit.WAN_YUAN, "亿元": Unit.YI_YUAN, "元": Unit.YUAN}
TITLE_LOOKBACK = 4  # non-blank lines searched above an anchor for the title
HEAD_STRAY_LIMIT = 3  # unrelated one-cell lines tolerated in a form head
DEFAULT_TITLES = {"project": "项目支出绩效目标表", "special": "专项资金绩效目标表"}

_LABEL_KIND = {label: kind for kind, labels in FIELD_LABELS.items() for label in labels}
_HEADER_ROLE = {word: role for role, words in HEADER_ROLES.items() for word in words}
_TASK_ROLE = {word: role for role, words in TASK_ROLES.items() for word in words}
_PREFIXES = sorted(COMPARATOR_PREFIXES.items(), key=lambda kv: -len(kv[0]))
_SUFFIXES = sorted(COMPARATOR_SUFFIXES.items(), key=lambda kv: -len(kv[0]))


# --- value parsing --------------------------------------------------------------------------


def parse_indicator_value(text: str) -> tuple[str | None, Decimal | None, str | None]:
    """Comparator, number and unit of a 指标值; ``(None, None, None)`` for a qualitative value.

    '≥95%' → ('≥', 95, '%'); '1 辆' → ('=', 1, '辆') (a bare number means '='); '不低于90%' →
    ('≥', 90, '%'); '95%以上' → ('≥', 95, '%'); '$\\leq 10\\%$' → ('≤', 10, '%'); '及时', '是/否',
    '2023年底前', '进一步保障' → (None, None, None).
    """
    t = re.sub(r"\s+", "", clean(text))
    comparator = None
    for word, symbol in _PREFIXES:
        if t.startswith(word):
            comparator, t = symbol, t[len(word):]
            break
    for word, symbol in _SUFFIXES:
        if t.endswith(word):
            comparator, t = comparator or symbol, t[: -len(word)]
            break
    m = NUMBER_RE.match(t)
    if not m:
        return None, None, None
    try:
        number = Decimal(m.group(1).replace(",", ""))
    except InvalidOperation:  # pragma: no cover - the pattern admits only valid numbers
        return None, None, None
    unit = m.group(2) or None
    if unit is not None and not _unit_ok(unit):
        return None, None, None
    return comparator or "=", number, unit


def _is_comparator(text: str) -> bool:
    return text.replace(" ", "") in COMPARATOR_PREFIXES


def _unit_ok(unit: str) -> bool:
    return (
        len(unit) <= UNIT_MAX_LEN
        and not any(ch.isdigit() for ch in unit)
        and not any(ch in UNIT_FORBIDDEN for ch in unit)
    )


def _value_like(text: str) -> bool:
    return parse_indicator_value(text)[1] is not None or len(text) <= VALUE_MAX_LEN


# --- cells and labels -----------------------------------------------------------------------


def _cell(text: str) -> str:
    """A cell as printed: clean() plus converter bookmarks removed."""
    if "[bookmark" in text:
        text = DEBRIS_RE.sub("", text)
    return clean(text)


def _label(text: str) -> tuple[str | None, str | None]:
    """(field kind, unit in the label) of a label cell, or (None, None)."""
    if not text or len(text) > 40:
        return None, None
    key = strip_enumeration(squash(text))
    unit = None
    m = LABEL_UNIT_RE.search(key)
    if m:
        unit = m.group(1)
        key = key[: m.start()] + key[m.end():]
    return _LABEL_KIND.get(key.strip(":")), unit


def _kind(text: str) -> str | None:
    return _label(text)[0]


def _level_base(text: str) -> str:
    key = squash(text)
    return key[:-2] if key.endswith("指标") and len(key) > 2 else key


def _is_level1(text: str) -> bool:
    return _level_base(text) in LEVEL1_BASES


def _is_level2(text: str) -> bool:
    return _level_base(text) in LEVEL2_BASES


def _is_levelish(text: str) -> bool:
    return _is_level1(text) or _is_level2(text)


def _header_roles(cells: list[str]) -> dict[str, int] | None:
    """Column index of each role when the row is an indicator-grid header."""
    roles: dict[str, int] = {}
    for i, c in enumerate(cells):
        role = _HEADER_ROLE.get(squash(c)) if c else None
        if role and role not in roles:
            roles[role] = i
    core = [r for r in ("level1", "level2", "name", "value") if r in roles]
    if len(core) >= 2 and ("level1" in roles or "name" in roles):
        return roles
    return None


def is_indicator_header(cells: list[str]) -> bool:
    """The row heads an indicator grid (一级指标 | 二级指标 | 三级指标 | 指标值 …): a performance
    form, never a budget table, whatever title stands above it."""
    return _header_roles([squash(_cell(c)) for c in cells]) is not None


def _needs_positions(cells: list[str], roles: dict[str, int]) -> bool:
    """Read by column when the 指标值 is not the row's last column (描述, 依据, 分值 …)."""
    if "value" not in roles or "name" not in roles:
        return False
    extra = [r for r in roles if r not in ("level1", "level2", "name", "value")]
    return bool(extra) or any(c for c in cells[roles["value"] + 1:])


def _starts_grid(cells: list[str]) -> bool:
    """An indicator row met before any header: a 一级 label first, then name and value."""
    filled = [c for c in cells if c and _kind(c) != "indicators"]
    return len(filled) >= 3 and _is_level1(filled[0]) and not _is_levelish(filled[-1])


def _is_blank(line: Line) -> bool:
    return all(not c.strip() for c in line.cells)


def _filled(line: Line) -> list[str]:
    return [c for c in line.cells if c.strip()]


def _is_title(text: str) -> bool:
    return len(text) <= TITLE_MAX_LEN and bool(TITLE_RE.search(squash(text)))


def _is_heading(text: str) -> bool:
    return _is_title(text) or (len(text) <= TITLE_MAX_LEN and bool(SECTION_HEADING_RE.match(text)))


def _join_wrapped(a: str, b: str) -> str:
    """Re-join a cell's text wrapped over lines: no space between CJK, one between words."""
    if not a:
        return b
    if a[-1].isascii() and a[-1].isalnum() and b[:1].isascii() and b[:1].isalnum():
        return f"{a} {b}"
    return a + b


# --- rows -----------------------------------------------------------------------------------


@dataclass(slots=True)
class _Row:
    """One table row: cleaned cells and, per cell, the index of the line it starts on."""

    cells: list[str]
    where: list[int]

    @property
    def first(self) -> int:
        return self.where[0]

    def filled(self) -> list[tuple[str, int]]:
        return [(c, w) for c, w in zip(self.cells, self.where, strict=True) if c]


def _line_row(lines: list[Line], i: int) -> _Row:
    cells = [_cell(c) for c in lines[i].cells]
    return _Row(cells, [i] * len(cells))


def _anchor_kind(line: Line) -> str | None:
    filled = _filled(line)
    if not filled:
        return None
    kind = _kind(_cell(filled[0]))
    return kind if kind in ANCHOR_KINDS else None


def _is_cell_per_line(line: Line) -> bool:
    """The anchor line of a cell-per-line form: a tab, the label, nothing else."""
    return len(line.cells) >= 2 and not line.cells[0].strip() and len(_filled(line)) == 1


# --- form builder ---------------------------------------------------------------------------


@dataclass(slots=True)
class _Builder:
    """Reads rows into one form: head fields, spending plan, then the indicator grid."""

    lines: list[Line]
    layout: str
    fields: dict[str, str | None] = field(default_factory=dict)
    amounts: dict[str, Decimal | None] = field(default_factory=dict)
    unit: Unit | None = None
    objective: list[str] = field(default_factory=list)
    objective_at: list[int] = field(default_factory=list)  # line index of each objective piece
    plan_labels: list[tuple[int, str]] = field(default_factory=list)
    plan_unit: str | None = None  # "%" when the plan label says 资金支出计划（%）
    plan_at: int | None = None
    plan: list[tuple[str, Decimal | None]] = field(default_factory=list)
    section: str = "head"
    grid: dict[str, int] | None = None
    grid_width: int = 0  # cells in the grid's header row
    grid_compact: dict[str, int] | None = None  # roles with the header's empty (merged-over) columns left out
    compact_width: int = 0
    positional: bool = False
    level1: str = ""
    level2: str = ""
    pending: tuple[str, int] | None = None
    indicators: list[Indicator] = field(default_factory=list)
    whole: bool = False  # a department-wide form: labelled amounts and key tasks in the head
    figures: list[tuple[str, Decimal | None]] = field(default_factory=list)
    task_cols: dict[str, int] | None = None
    tasks: list[FormTask] = field(default_factory=list)

    @property
    def in_grid(self) -> bool:
        return self.grid is not None

    # head ------------------------------------------------------------------------------------

    def feed(self, row: _Row) -> None:
        roles = _header_roles(row.cells)
        if roles is not None:
            self._flush_pending()
            self.grid = roles
            self.grid_width = len(row.cells)
            self.grid_compact = _header_roles([c for c in row.cells if c])
            self.compact_width = sum(1 for c in row.cells if c)
            self.positional = _needs_positions(row.cells, roles)
            if any(r in roles for r in HEBEI_ROLES):
                self.layout = "hebei"
            self.section = "grid"
            return
        if not self.in_grid and _starts_grid(row.cells):
            self.grid = {}  # a grid without a header row: read it from the right
            self.section = "grid"
        if self.in_grid:
            self._grid_row(row)
            return
        self._head_row(row)

    def feed_text(self, text: str, where: int | None = None) -> bool:
        """A one-cell line inside the head: objective continuation. False if not taken."""
        if self.section == "objective" and text:
            self.objective.append(text)
            self.objective_at.append(where if where is not None else -1)
            return True
        return False

    def _head_row(self, row: _Row) -> None:
        cells = row.cells
        if self.whole and self._whole_row(row):
            return
        labelled = False
        j = 0
        while j < len(cells):
            kind, unit = _label(cells[j])
            if kind is None:
                j += 1
                continue
            labelled = True
            if unit in UNITS and self.unit is None:
                self.unit = UNITS[unit]
            if kind in ("funds", "indicators"):
                self.section = kind
                j += 1
                continue
            if kind == "plan":
                self.section = "plan"
                self.plan_unit = unit if unit else None
                self.plan_at = row.where[j]
                self.plan_labels = [
                    (k, cells[k].replace(" ", "")) for k in range(j + 1, len(cells)) if cells[k]
                ]
                return
            if kind == "objective":
                self.section = "objective"
                text = " ".join(c for c in cells[j + 1:] if c)
                if text:
                    self.objective.append(text)
                    self.objective_at.append(next(row.where[k] for k in range(j + 1, len(cells)) if cells[k]))
                return
            k = j + 1
            while k < len(cells) and not cells[k]:
                k += 1
            value = cells[k] if k < len(cells) and _kind(cells[k]) is None else None
            self._set(kind, value)
            j = k + 1 if value is not None else j + 1
        if labelled:
            return
        if self.section == "objective":
            text = " ".join(c for c in cells if c)
            if text:
                self.objective.append(text)
                self.objective_at.append(row.first)
        elif self.section == "plan" and self.plan_labels and not self.plan:
            self._plan_values(cells)

    def _whole_row(self, row: _Row) -> bool:
        """Key tasks and labelled amounts of a department-wide form; False leaves the row to the
        common head reading (部门名称, 财政拨款, 总体绩效目标 …)."""
        cells = row.cells
        keys = [_task_key(c) for c in cells]
        if any(k in TASK_SECTION_LABELS for k in keys):
            cols = {_TASK_ROLE[k]: i for i, k in enumerate(keys) if k in _TASK_ROLE}
            self.task_cols = cols if "name" in cols else None
            self.section = "tasks"
            return True
        if any(k in OTHER_TASK_LABELS for k in keys):
            self.section = "other_tasks"
            return True
        if self.section == "tasks" and self.task_cols:
            def at(role: str) -> str:
                k = (self.task_cols or {}).get(role)
                return cells[k] if k is not None and k < len(cells) else ""
            if at("name"):
                amount = at("amount").replace(" ", "")
                self.tasks.append(FormTask(
                    name=at("name"), amount=to_decimal(amount) if amount and is_number(amount) else None,
                    content=at("content"), target=at("target"), provenance=self.lines[row.first].provenance))
            return True
        if self.section == "other_tasks":
            return True
        for k in range(len(cells) - 1):
            label, value = cells[k], cells[k + 1].replace(" ", "")
            if label and not is_number(label.replace(" ", "")) and value and is_number(value):
                self.figures.append((label.replace(" ", ""), to_decimal(value)))
        return False

    def _set(self, kind: str, value: str | None) -> None:
        if kind in AMOUNT_FIELDS:
            if self.amounts.get(kind) is None:
                self.amounts[kind] = to_decimal(value) if value and is_number(value) else None
        elif kind in TEXT_FIELDS and not self.fields.get(kind):
            self.fields[kind] = value

    def _plan_values(self, cells: list[str]) -> None:
        def num(text: str) -> Decimal | None:
            t = text.replace("%", "").strip()
            return to_decimal(t) if t and is_number(t) else None

        by_index = [(label, num(cells[k]) if k < len(cells) else None) for k, label in self.plan_labels]
        numbers = [num(c) for c in cells if c]
        if any(v is None for _, v in by_index) and len(numbers) == len(self.plan_labels):
            by_index = [(label, v) for (_, label), v in zip(self.plan_labels, numbers, strict=True)]
        self.plan = by_index

    # grid ------------------------------------------------------------------------------------

    def _grid_row(self, row: _Row) -> None:
        if self.positional:
            self._positional_row(row)
        else:
            self._free_row(row)

    def _positional_row(self, row: _Row) -> None:
        roles = self.grid or {}
        if self.grid_compact and self.compact_width == len(row.cells) < self.grid_width:
            # A PDF grid continued on a new page without its header: the column a header cell
            # spanned (绩效指标描述 over two) is gone where no row on that page splits it.
            roles = self.grid_compact

        def at(role: str) -> tuple[str, int]:
            k = roles.get(role)
            if k is None or k >= len(row.cells):
                return "", row.first
            return row.cells[k], row.where[k]

        l1, l2 = at("level1")[0], at("level2")[0]
        (name, name_at), (value, value_at) = at("name"), at("value")
        where = value_at if value else name_at
        comparator, unit = at("comparator")[0], at("unit")[0]
        if _is_comparator(unit) and not _is_comparator(comparator):
            comparator, unit = unit, comparator  # the two cells written in each other's column
        if value and (comparator or unit):  # national template: 指标性质 | 指标值 | 度量单位
            if comparator in QUALITATIVE_MARKS or not _is_comparator(comparator):
                comparator = ""  # 定性 / 定量 say what kind of value it is, not how it compares
            value = f"{comparator}{value}{unit}"
        self._levels(l1 or None, l2 or None)
        if name or value:
            self._emit(name, value, where, at("description")[0] or None)

    def _free_row(self, row: _Row) -> None:
        filled: list[tuple[str, int]] = []
        for c, w in row.filled():
            if _kind(c) == "indicators":
                continue
            if filled and filled[-1][0] == c:  # a spanning cell emitted twice
                continue
            filled.append((c, w))
        if not filled:
            return
        if all(_is_levelish(c) for c, _ in filled):
            l1, l2 = self._classify([c for c, _ in filled])
            self._flush_pending()
            self._levels(l1, l2)
            return
        if len(filled) == 1:
            text, where = filled[0]
            if self.pending is not None:
                name = self.pending[0]
                self.pending = None
                self._emit(name, text, where)
            elif not _value_like(text):
                self.pending = (text, where)
            return
        self._flush_pending()
        (name, _), (value, where) = filled[-2], filled[-1]
        lead = [c for c, _ in filled[:-2]]
        if _is_levelish(name) and not _value_like(value):
            lead.append(name)
            name, value = value, ""
        l1, l2 = self._classify(lead)
        self._levels(l1, l2)
        self._emit(name, value, where)

    @staticmethod
    def _classify(lead: list[str]) -> tuple[str | None, str | None]:
        """Split the cells in front of an indicator into 一级 and 二级 labels."""
        l1: str | None = None
        l2: str | None = None
        unknown: str | None = None
        for i, c in enumerate(lead):
            if i == 0 and _is_level1(c):
                l1 = c
            elif _is_levelish(c) or c.endswith("指标"):
                l2 = c
            else:
                unknown = c
        return l1, l2 or unknown

    def _levels(self, l1: str | None, l2: str | None) -> None:
        """Carry 一级 / 二级 down merged cells; infer a missing 一级 from its 二级."""
        if l1:
            if _level_base(l1) != _level_base(self.level1) and not l2:
                self.level2 = ""
            self.level1 = l1
        if l2:
            self.level2 = l2
            parent = LEVEL2_PARENT.get(_level_base(l2))
            current = _level_base(self.level1)
            known = not self.level1 or current in LEVEL1_BASES
            if not l1 and parent and known and _level_base(parent) != current:
                self.level1 = parent

    def _flush_pending(self) -> None:
        if self.pending is not None:
            name, where = self.pending
            self.pending = None
            self._emit(name, "", where)

    def _emit(self, name: str, value: str, where: int, description: str | None = None) -> None:
        """Add an indicator; ``where`` is the line of its 指标值 cell (of the name when blank)."""
        if self.indicators:
            last = self.indicators[-1]
            if last.name == name and last.value_text == value:  # a row emitted twice
                return
        comparator, number, unit = parse_indicator_value(value)
        self.indicators.append(
            Indicator(
                level1=self.level1,
                level2=self.level2,
                name=name,
                value_text=value,
                comparator=comparator,
                number=number,
                unit=unit,
                description=description,
                provenance=self.lines[where].provenance,
            )
        )

    # result ----------------------------------------------------------------------------------

    def build(self, title: str, provenance: Provenance) -> PerformanceForm | None:
        self._flush_pending()
        form = PerformanceForm(
            title=title,
            project=self.fields.get("project") or "",
            layout=self.layout,
            project_code=self.fields.get("project_code"),
            department=self.fields.get("department"),
            implementer=self.fields.get("implementer"),
            total=self.amounts.get("total"),
            fiscal=self.amounts.get("fiscal"),
            other=self.amounts.get("other"),
            unit=self.unit,
            objective="\n".join(self.objective),
            objective_provenance=[self.lines[i].provenance if i >= 0 else provenance for i in self.objective_at],
            spending_plan_unit=self.plan_unit,
            spending_plan_provenance=self.lines[self.plan_at].provenance if self.plan_at is not None else None,
            spending_plan=self.plan,
            indicators=self.indicators,
            provenance=provenance,
            amounts=self.figures,
            tasks=self.tasks,
        )
        if form.indicators or form.objective or (form.total is not None and form.department):
            return form
        return None


def _task_key(text: str) -> str:
    """A task-block label or header word: squashed, enumeration, unit and trailing colon gone."""
    key = strip_enumeration(squash(text)) if text else ""
    return LABEL_UNIT_RE.sub("", key).strip(":")


def _whole_anchor(lines: list[Line], i: int, floor: int) -> bool:
    """The 部门名称 row of a department-wide form: a title naming 整体 above it."""
    filled = _filled(lines[i])
    if len(filled) < 2 or _task_key(_cell(filled[0])) not in WHOLE_ANCHOR_LABELS:
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
    while j >= floor and seen < TITLE_LOOKBACK:
        line = lines[j]
        if _is_blank(line):
            j -= 1
            continue
        filled = _filled(line)
        if len(filled) > 1:
            break
        text = _cell(filled[0])
        seen += 1
        m = UNIT_LINE_RE.search(text)
        if m and len(text) <= 20:
            unit = unit or UNITS[m.group(1)]
            first = j
        elif _is_title(text):
            # A section heading ("（二）部门主管专项资金的绩效目标表") titles the form but stays
            # with the narrative.
            return j, (first if SECTION_HEADING_RE.match(text) else j), unit
        elif len(text) <= 20 and not _is_heading(text):
            first = j  # "(2024年度)", "350001 科技和工信部门"
        else:
            break
        j -= 1
    return None, first, unit


def _rows_by_line(lines: list[Line], anchor: int, builder: _Builder) -> int:
    """Feed one-line-per-row form rows to the builder; return the last line used."""
    last = anchor
    stray = 0
    for i in range(anchor, len(lines)):
        line = lines[i]
        if _is_blank(line):
            continue
        filled = _filled(line)
        if len(line.cells) == 1:
            text = _cell(filled[0])
            if i == anchor:
                pass
            elif PAGE_NUMBER_RE.match(text):
                continue
            elif builder.in_grid or _is_heading(text) or _anchor_kind(line):
                break
            elif builder.feed_text(text, i):
                last, stray = i, 0
                continue
            else:
                stray += 1
                if stray >= HEAD_STRAY_LIMIT:
                    break
                continue
        elif i != anchor and _anchor_kind(line):
            break
        builder.feed(_line_row(lines, i))
        last, stray = i, 0
    return last


def _rows_cell_per_line(lines: list[Line], anchor: int) -> tuple[list[_Row], int]:
    """Regroup a cell-per-line form into rows; return them and the last line used."""
    rows: list[_Row] = []
    cur: _Row | None = None
    last = anchor
    after_cell = False  # the previous line was a cell or its continuation
    for i in range(anchor, len(lines)):
        line = lines[i]
        if _is_blank(line):
            if cur is not None:
                rows.append(cur)
                cur = None
            after_cell = False
            continue
        if len(line.cells) >= 2 and not line.cells[0].strip():
            if i != anchor and _anchor_kind(line):
                break
            if cur is None:
                cur = _Row([], [])
            for c in line.cells[1:]:
                cur.cells.append(_cell(c))
                cur.where.append(i)
            after_cell = True
            last = i
            continue
        text = _cell(line.text)
        if after_cell and cur is not None:
            cur.cells[-1] = _join_wrapped(cur.cells[-1], text)
            last = i
            continue
        if _is_heading(text) or _anchor_kind(line) or not (_is_levelish(text) or _value_like(text)):
            break
        cur = _Row([text], [i])
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
        builder = _Builder(lines, "whole", whole=True)
        name = next((_cell(c) for c in _filled(lines[anchor])[1:]), "")
        builder.fields["project"] = builder.fields["department"] = name
        last = _rows_by_line(lines, anchor, builder)
    elif _is_cell_per_line(lines[anchor]):
        builder = _Builder(lines, "cell_per_line")
        rows, last = _rows_cell_per_line(lines, anchor)
        for row in rows:
            builder.feed(row)
        builder.layout = "cell_per_line"
    else:
        builder = _Builder(lines, "shandong")
        last = _rows_by_line(lines, anchor, builder)
        if builder.plan_labels:
            builder.layout = "hebei"
    builder.unit = builder.unit or unit
    if title_at is not None:
        title = _cell(lines[title_at].text)
        provenance = lines[title_at].provenance
    else:
        anchor_label = squash(_filled(lines[anchor])[0])
        special = kind == "project" and anchor_label.startswith("专项")
        title = DEFAULT_TITLES["special" if special else "project"]
        provenance = lines[anchor].provenance
    form = builder.build(title, provenance)
    if form is None:
        return None
    return form, range(first, last + 1)


# --- one project per row -------------------------------------------------------------------
# A project table whose every row is a whole form (广东 "项目支出绩效目标表"): 项目名称 | 总计 |
# 财政拨款 | … | 其他资金 | 绩效目标 | 绩效指标, all of a project's indicators written into its
# 绩效指标 cell: "1.1－产出指标，11－数量指标，<三级指标>；实施周期指标值：…，年度指标值：…；2、…".
# Rows with money but neither aim nor indicators are the 资金使用单位 the projects below belong
# to (or the 合计). The header words come from the vocabularies above.

ROW_TOTAL_LABELS = (*TOTAL_LABELS, "总计")
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


def _row_form_roles(cells: list[str]) -> dict[str, int] | None:
    """Column of each role when the row heads a one-project-per-row form table."""
    roles: dict[str, int] = {}
    for k, c in enumerate(cells):
        key = squash(c).strip(":")
        role = _ROW_ROLE.get(key) or _ROW_ROLE.get(_PAREN_TAIL.sub("", key))
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
        if not m or not (_is_level1(m.group("l1")) or _is_levelish(m.group("l2"))):
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
            if _HEADER_ROLE.get(lab.group("label")) == "value" or not value:
                value = rest[lab.end():end].strip(_TRIM)
        out.append((m.group("l1"), m.group("l2"), name, value))
    return out


def _row_forms(lines: list[Line], head: int, roles: dict[str, int], floor: int
               ) -> tuple[list[PerformanceForm], range]:
    """Read the rows under a one-project-per-row header (repeated on each page with the title)."""
    title, unit, department, first = _form_title(lines, head, floor)
    width = len(lines[head].cells)
    header_key = [squash(c) for c in lines[head].cells]
    rows: list[tuple[list[str], int]] = []  # cells, line index
    last = head
    for i in range(head + 1, len(lines)):
        line = lines[i]
        if _is_blank(line):
            continue
        if not line.is_tabular:
            text = _cell(line.text)
            if PAGE_NUMBER_RE.match(text) or UNIT_LINE_RE.search(text) or (
                    _is_title(text) and squash(text) == squash(title)):
                continue  # the title, unit line and page number repeated on each page
            break
        cells = [_cell(c) for c in line.cells]
        if abs(len(cells) - width) > 1:
            break
        last = i
        if [squash(c) for c in line.cells] == header_key:
            continue
        if not cells[roles["project"]] and rows:  # a row broken over a page: its cells go on
            prev, _ = rows[-1]
            for k, c in enumerate(cells[: len(prev)]):
                prev[k] = _join_wrapped(prev[k], c) if c else prev[k]
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
        builder = _Builder(lines, "row_per_project")
        builder.fields.update(project=name, department=department, implementer=implementer)
        for kind in AMOUNT_FIELDS:
            builder._set(kind, at(cells, kind).replace(" ", "") or None)
        builder.unit = unit
        if objective:
            builder.objective, builder.objective_at = [objective], [i]
        for l1, l2, ind_name, value in _cell_indicators(indicators):
            builder._levels(l1, l2)
            builder._emit(ind_name, value, i)
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

GRID_PROJECT_LABELS = (*PROJECT_LABELS, "单位(项目)名称", "项目(单位)名称")
_GRID_HEAD_ROLE = {**_ROW_ROLE, **{w: "project" for w in GRID_PROJECT_LABELS}}


def _grid_head_roles(cells: list[str]) -> dict[str, int] | None:
    """Columns of the project fields when the row heads a project grid (the indicator grid's own
    header is the next row)."""
    roles: dict[str, int] = {}
    for k, c in enumerate(cells):
        role = _GRID_HEAD_ROLE.get(squash(c).strip(":"))
        if role and role not in roles:
            roles[role] = k
    if "project" in roles and any(r in roles for r in AMOUNT_FIELDS) and ("objective" in roles or "indicators" in roles):
        return roles
    return None


def _form_title(lines: list[Line], head: int, floor: int) -> tuple[str, Unit | None, str | None, int]:
    """(title, unit, department, first line) printed above a form table's header row."""
    title, unit, first, department = DEFAULT_TITLES["project"], None, head, None
    seen = 0
    for j in range(head - 1, max(floor, head - 1 - TITLE_LOOKBACK) - 1, -1):
        if _is_blank(lines[j]):
            continue
        if lines[j].is_tabular or seen >= TITLE_LOOKBACK:
            break
        seen += 1
        text = _cell(lines[j].text)
        m = UNIT_LINE_RE.search(text)
        if m:
            unit = UNITS[m.group(1)]
            first = j
            d = _ORG_LABEL_RE.search(text[: m.start()].strip())
            department = d.group(1) if d else department
        elif _is_title(text):
            title, first = text, j
            break
    return title, unit, department, first


def _grid_forms(lines: list[Line], head: int, roles: dict[str, int], grid: dict[str, int], floor: int
                ) -> tuple[list[PerformanceForm], range]:
    """Read the projects of a project grid whose two header rows are ``head`` and ``head + 1``."""
    title, unit, department, first = _form_title(lines, head, floor)
    width = len(lines[head].cells)
    headers = ([squash(c) for c in lines[head].cells], [squash(c) for c in lines[head + 1].cells])
    projects: list[tuple[_Builder, int]] = []  # each project's builder and its first row
    implementer = None
    last = head + 1

    def field(cells: list[str], role: str) -> str:
        k = roles.get(role)
        return cells[k] if k is not None and k < len(cells) else ""

    for i in range(head + 2, len(lines)):
        line = lines[i]
        if _is_blank(line):
            continue
        if not line.is_tabular:
            text = _cell(line.text)
            if PAGE_NUMBER_RE.match(text) or UNIT_LINE_RE.search(text) or (
                    _is_title(text) and squash(text) == squash(title)):
                continue  # the title, unit line and page number repeated on each page
            if projects and projects[-1][0].objective and _goes_on(lines, i, title, width):
                projects[-1][0].objective[-1] += text  # the aim's cell wrapped past the row's height
                continue
            break
        if abs(len(line.cells) - width) > 1:
            break
        last = i
        if [squash(c) for c in line.cells] in headers:
            continue
        row = _line_row(lines, i)
        name = field(row.cells, "project")
        current = projects[-1][0] if projects else None
        if name and (current is None or name != current.fields.get("project")):
            if not field(row.cells, "objective") and not any(row.cells[k] for k in grid.values() if k < len(row.cells)):
                # A 合计 or unit row: money, no aim, no indicator.
                if strip_enumeration(squash(name)).strip(":") not in ROW_TOTAL_LABELS:
                    implementer = name
                projects.append((_Builder(lines, "project_grid"), -1))  # ends the project above
                continue
            current = _Builder(lines, "project_grid", unit=unit, grid=grid, positional=True, section="grid",
                               grid_width=len(lines[head + 1].cells))
            current.fields.update(project=name, department=department, implementer=implementer)
            for kind in AMOUNT_FIELDS:
                current._set(kind, field(row.cells, kind).replace(" ", "") or None)
            if field(row.cells, "objective"):
                current.objective, current.objective_at = [field(row.cells, "objective")], [i]
            projects.append((current, i))
        if current is not None and projects[-1][1] >= 0:
            current._positional_row(row)
    forms = [form for b, at in projects if at >= 0 and (form := b.build(title, lines[at].provenance)) is not None]
    return forms, range(first, last + 1)


def _goes_on(lines: list[Line], i: int, title: str, width: int) -> bool:
    """A short one-cell line followed (past other such lines) by the repeated title or a row of
    the grid's width: a cell's wrapped text, not the end of the grid."""
    for j in range(i, min(len(lines), i + HEAD_STRAY_LIMIT + 1)):
        line = lines[j]
        if line.is_tabular:
            return abs(len(line.cells) - width) <= 1
        text = _cell(line.text)
        if text and squash(text) == squash(title):
            return True
        if len(text) > 40:
            return False
    return False


def _grid_header(lines: list[Line], i: int) -> tuple[dict[str, int], dict[str, int]] | None:
    """(project-field roles, indicator-grid roles) when lines ``i`` and ``i + 1`` head a project grid."""
    if i + 1 >= len(lines) or not lines[i].is_tabular or not lines[i + 1].is_tabular:
        return None
    roles = _grid_head_roles([_cell(c) for c in lines[i].cells])
    if roles is None:
        return None
    grid = _header_roles([_cell(c) for c in lines[i + 1].cells])
    if grid is None or "name" not in grid or "value" not in grid:
        return None
    return roles, grid


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
        grid_head = _grid_header(lines, i)
        if grid_head is not None:
            found_grid, used = _grid_forms(lines, i, *grid_head, floor)
            if found_grid:
                forms.extend(found_grid)
                consumed.update(used)
                i = floor = used.stop
                continue
        row_roles = _row_form_roles([_cell(c) for c in lines[i].cells]) if lines[i].is_tabular else None
        if row_roles is not None:
            found_rows, used = _row_forms(lines, i, row_roles, floor)
            if found_rows:
                forms.extend(found_rows)
                consumed.update(used)
                i = floor = used.stop
                continue
        whole = not _anchor_kind(lines[i]) and _whole_anchor(lines, i, floor)
        if whole or _anchor_kind(lines[i]):
            found = _parse_form(lines, i, floor, whole)
            if found is not None:
                form, used = found
                forms.append(form)
                consumed.update(used)
                i = floor = used.stop
                continue
        i += 1
    return forms, consumed
