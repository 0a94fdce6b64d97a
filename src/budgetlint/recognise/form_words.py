"""The words of a performance-target form (绩效目标表) and what they mean: field labels, grid header
roles, 一级 / 二级 levels and 指标值 comparators (data: ``templates/forms.toml``), and the readers
of single cells built on them (a label's field, a header row's roles, an indicator value's
comparator, number and unit).
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from importlib import resources

from budgetlint.ingest.base import Line
from budgetlint.recognise.normalise import CN_NUMERAL, clean, squash, strip_enumeration
from budgetlint.recognise.settings import DEFAULT as SETTINGS

# --- vocabularies (templates/forms.toml; matched on squash()ed text, enumeration and "其中：" stripped)

_DATA = tomllib.loads((resources.files("budgetlint") / "templates" / "forms.toml").read_text("utf-8"))


def _words(table: dict[str, list[str]]) -> dict[str, tuple[str, ...]]:
    return {key: tuple(words) for key, words in table.items()}


FIELD_LABELS: dict[str, tuple[str, ...]] = _words(_DATA["labels"])
PROJECT_LABELS = FIELD_LABELS["project"]
DEPARTMENT_LABELS = FIELD_LABELS["department"]
TOTAL_LABELS = FIELD_LABELS["total"]
FISCAL_LABELS = FIELD_LABELS["fiscal"]
OTHER_LABELS = FIELD_LABELS["other"]
OBJECTIVE_LABELS = FIELD_LABELS["objective"]
INDICATOR_SECTION_LABELS = FIELD_LABELS["indicators"]
ANCHOR_KINDS = ("project", "project_code")  # the fields whose row starts a form
AMOUNT_FIELDS = ("total", "fiscal", "other")
TEXT_FIELDS = ("project", "project_code", "department", "implementer")
DEFAULT_TITLES: dict[str, str] = dict(_DATA["default_titles"])

# Department-wide forms (部门整体): the title names one of these words, the anchor row one of the
# organisation labels; the key-task block opens with a task label and names its columns.
WHOLE_TITLE_WORDS = tuple(_DATA["whole"]["title_words"])
WHOLE_ANCHOR_LABELS = tuple(_DATA["whole"]["anchor_labels"])
TASK_SECTION_LABELS = tuple(_DATA["whole"]["task_sections"])
OTHER_TASK_LABELS = tuple(_DATA["whole"]["other_tasks"])
TASK_ROLES: dict[str, tuple[str, ...]] = _words(_DATA["whole"]["task_roles"])

# Indicator-grid header words → column role.
HEADER_ROLES: dict[str, tuple[str, ...]] = _words(_DATA["grid_roles"])
PLANNED_ROLES = tuple(_DATA["grid"]["planned_roles"])  # a grid with these is a planned form's
QUALITATIVE_MARKS = tuple(_DATA["grid"]["qualitative_marks"])

# 一级 / 二级 vocabularies, by base (the label without its trailing "指标").
LEVEL1_BASES = tuple(_DATA["levels"]["level1_bases"])
LEVEL2_PARENT: dict[str, str] = dict(_DATA["levels"]["level2_parent"])
LEVEL2_BASES = (*LEVEL2_PARENT, *_DATA["levels"]["level2_bases"])

# 指标值 comparators: prefix words and symbols (longest match first), then suffix words.
COMPARATOR_PREFIXES: dict[str, str] = dict(_DATA["comparator"]["prefix"])
COMPARATOR_SUFFIXES: dict[str, str] = dict(_DATA["comparator"]["suffix"])

# Project tables holding whole forms: their total rows and project column.
ROW_TOTAL_LABELS = (*TOTAL_LABELS, *_DATA["project_tables"]["total_labels"])
GRID_PROJECT_LABELS = (*PROJECT_LABELS, *_DATA["project_tables"]["project_labels"])

# A unit after the number never holds these (they make "2023年底前", "10月底之前" a date).
UNIT_FORBIDDEN = "前后底之至到~～或且、，,;；"

TITLE_RE = re.compile(r"绩效目标(?:表|申报表)")
SECTION_HEADING_RE = re.compile(
    rf"^\s*(?:[（(][{CN_NUMERAL}]+[)）]|[{CN_NUMERAL}]+[、．.]|第[{CN_NUMERAL}\d]+[部分章节])"
)
UNIT_LINE_RE = re.compile(r"(?:金额)?单位[:：]\s*(万元|亿元|元)")
LABEL_UNIT_RE = re.compile(r"\((万元|亿元|元|%)\)")
PAGE_NUMBER_RE = re.compile(r"^[-—\s\d第页/]+$")
DEBRIS_RE = re.compile(r"\[bookmark:[^\]]*\]")
NUMBER_RE = re.compile(r"^([-+]?\d+(?:,\d{3})*(?:\.\d+)?)(.*)$")

_LABEL_KIND = {label: kind for kind, labels in FIELD_LABELS.items() for label in labels}
HEADER_ROLE = {word: role for role, words in HEADER_ROLES.items() for word in words}
TASK_ROLE = {word: role for role, words in TASK_ROLES.items() for word in words}
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


def is_comparator(text: str) -> bool:
    return text.replace(" ", "") in COMPARATOR_PREFIXES


def _unit_ok(unit: str) -> bool:
    return (
        len(unit) <= SETTINGS.indicator_unit_max_len
        and not any(ch.isdigit() for ch in unit)
        and not any(ch in UNIT_FORBIDDEN for ch in unit)
    )


def value_like(text: str) -> bool:
    return parse_indicator_value(text)[1] is not None or len(text) <= SETTINGS.qualitative_value_max_len


# --- cells and labels -----------------------------------------------------------------------


def cell_text(text: str) -> str:
    """A cell as printed: clean() plus converter bookmarks removed."""
    if "[bookmark" in text:
        text = DEBRIS_RE.sub("", text)
    return clean(text)


@lru_cache(maxsize=1 << 14)  # the form finder asks of each line's first cell, some lines more than once
def label_of(text: str) -> tuple[str | None, str | None]:
    """(field kind, unit in the label) of a label cell, or (None, None)."""
    if not text or len(text) > SETTINGS.label_max_len:
        return None, None
    key = strip_enumeration(squash(text))
    unit = None
    m = LABEL_UNIT_RE.search(key)
    if m:
        unit = m.group(1)
        key = key[: m.start()] + key[m.end():]
    return _LABEL_KIND.get(key.strip(":")), unit


def field_kind(text: str) -> str | None:
    return label_of(text)[0]


def level_base(text: str) -> str:
    key = squash(text)
    return key[:-2] if key.endswith("指标") and len(key) > 2 else key


def is_level1(text: str) -> bool:
    return level_base(text) in LEVEL1_BASES


def is_level2(text: str) -> bool:
    return level_base(text) in LEVEL2_BASES


def is_levelish(text: str) -> bool:
    return is_level1(text) or is_level2(text)


def header_roles(cells: list[str]) -> dict[str, int] | None:
    """Column index of each role when the row is an indicator-grid header."""
    roles: dict[str, int] = {}
    for i, c in enumerate(cells):
        role = HEADER_ROLE.get(squash(c)) if c else None
        if role and role not in roles:
            roles[role] = i
    core = [r for r in ("level1", "level2", "name", "value") if r in roles]
    if len(core) >= 2 and ("level1" in roles or "name" in roles):
        return roles
    return None


def is_indicator_header(cells: list[str]) -> bool:
    """The row heads an indicator grid (一级指标 | 二级指标 | 三级指标 | 指标值 …): a performance
    form, never a budget table, whatever title stands above it."""
    return header_roles([squash(cell_text(c)) for c in cells]) is not None


def needs_positions(cells: list[str], roles: dict[str, int]) -> bool:
    """Read by column when the 指标值 is not the row's last column (描述, 依据, 分值 …)."""
    if "value" not in roles or "name" not in roles:
        return False
    extra = [r for r in roles if r not in ("level1", "level2", "name", "value")]
    return bool(extra) or any(c for c in cells[roles["value"] + 1:])


def starts_grid(cells: list[str]) -> bool:
    """An indicator row met before any header: a 一级 label first, then name and value."""
    filled = [c for c in cells if c and field_kind(c) != "indicators"]
    return len(filled) >= 3 and is_level1(filled[0]) and not is_levelish(filled[-1])


def is_blank_line(line: Line) -> bool:
    return all(not c.strip() for c in line.cells)


def filled_cells(line: Line) -> list[str]:
    return [c for c in line.cells if c.strip()]


def is_form_title(text: str) -> bool:
    return len(text) <= SETTINGS.form_title_max_len and bool(TITLE_RE.search(squash(text)))


def is_heading(text: str) -> bool:
    return is_form_title(text) or (len(text) <= SETTINGS.form_title_max_len and bool(SECTION_HEADING_RE.match(text)))


def task_key(text: str) -> str:
    """A task-block label or header word: squashed, enumeration, unit and trailing colon gone."""
    key = strip_enumeration(squash(text)) if text else ""
    return LABEL_UNIT_RE.sub("", key).strip(":")


# --- rows ---------------------------------------------------------------------------------


@dataclass(slots=True)
class FormRow:
    """One table row: cleaned cells and, per cell, the index of the line it starts on."""

    cells: list[str]
    where: list[int]

    @property
    def first(self) -> int:
        return self.where[0]

    def filled(self) -> list[tuple[str, int]]:
        return [(c, w) for c, w in zip(self.cells, self.where, strict=True) if c]


def line_row(lines: list[Line], i: int) -> FormRow:
    cells = [cell_text(c) for c in lines[i].cells]
    return FormRow(cells, [i] * len(cells))
