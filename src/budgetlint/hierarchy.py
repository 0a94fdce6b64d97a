"""The classification tree of a table: which rows break down which (类 → 款 → 项).

A reading of the model (rows, their codes and numbering), below both stages that use it:
recognition (putting back slid values) and the arithmetic rules (款 = Σ项).
"""

from __future__ import annotations

import re

from budgetlint.model import Row, RowKind, Table
from budgetlint.recognise.normalise import CN_NUMERAL, squash

# Row.texts["depth"] of a line without numbering among numbered ones (set by recognition).
UNNUMBERED = "unnumbered"

_LEVELS = (
    (re.compile(rf"^\s*[{CN_NUMERAL}]+[、．.]"), 1),  # 一、
    (re.compile(rf"^\s*[（(][{CN_NUMERAL}]+[)）]"), 2),  # （一）
    (re.compile(r"^\s*\d+[、．.](?!\d)"), 3),  # 1.
    (re.compile(r"^\s*[（(]\d+[)）]"), 4),  # （1）
)
# A 序号 cell holds the number alone, often without its mark: "一" over "1", "2".
_SEQ_LEVELS = (
    (re.compile(rf"^[{CN_NUMERAL}]+[、．.]?$"), 1),
    (re.compile(rf"^[（(][{CN_NUMERAL}]+[)）]$"), 2),
    (re.compile(r"^\d{1,3}[、．.]?$"), 3),
    (re.compile(r"^[（(]\d{1,3}[)）]$"), 4),
)


def numbering_level(label: str) -> int | None:
    """The depth a label's numbering gives: 一、 > （一） > 1. > （1）; None when unnumbered."""
    return next((level for pattern, level in _LEVELS if pattern.match(label)), None)


def _seq_level(row: Row) -> int | None:
    seq = squash(row.texts.get("seq", ""))
    if seq:
        return next((level for pattern, level in _SEQ_LEVELS if pattern.match(seq)), None)
    return numbering_level(row.label)


def node_key(row: Row) -> str:
    return row.code.digits if row.code is not None else f"#{row.index}"


def _nest(rows: list[Row], levels: list[float]) -> tuple[dict[str, list[Row]], list[Row]]:
    """Rows in order with their depths → each row's children (under the nearest shallower row
    above) and the top-level rows."""
    children: dict[str, list[Row]] = {}
    top: list[Row] = []
    stack: list[tuple[float, Row]] = []
    for r, level in zip(rows, levels, strict=True):
        while stack and stack[-1][0] >= level:
            stack.pop()
        (children.setdefault(node_key(stack[-1][1]), []) if stack else top).append(r)
        stack.append((level, r))
    return children, top


def numbered_levels(table: Table) -> list[int] | None:
    """Depths of a list's item rows read from their numbering (序号 一 over 1, 2 …, or labels
    "一、" over "1."): a list without codes (a table whose total is the sum of its lines) whose
    groups are items of the same list. None unless every item row is numbered, with at least
    two depths, the first row at the shallowest."""
    if not table.items_sum or table.layout == "balance":
        return None  # only lists say their total is the sum of their lines
    items = [r for r in table.rows if r.kind is RowKind.ITEM]
    if not items or any(r.code is not None for r in table.rows):
        return None
    levels = [_seq_level(r) for r in items]
    if any(lv is None for lv in levels):
        return None
    depths = [lv for lv in levels if lv is not None]
    if len(set(depths)) < 2 or depths[0] != min(depths):
        return None
    return depths


def coded_children(table: Table) -> tuple[dict[str, list[Row]], list[Row]]:
    """Children of each classified row, and the top-level rows (whose parent is absent).

    Rows with codes nest by code (primary scheme). Rows named without codes but marked
    "（类）/（款）/（项）" nest by that mark; rows numbered at several depths (序号 一 over 1, 2)
    nest by their numbering: a row's parent is the nearest row above of a higher level. Keys
    are code digits, or "#<row index>" for rows without codes."""
    marked = [r for r in table.rows if r.code is None and r.kind is RowKind.ITEM and "level_mark" in r.texts]
    if marked and not any(r.code for r in table.rows):
        return _nest(marked, [r.level for r in marked])
    depths = numbered_levels(table)
    if depths is not None:
        return _nest([r for r in table.rows if r.kind is RowKind.ITEM], list(depths))
    rows = [r for r in table.rows if r.code is not None and r.kind is RowKind.ITEM]
    present = {r.code.digits for r in rows}
    children: dict[str, list[Row]] = {}
    top: list[Row] = []
    for r in rows:
        parent = r.code.parent()
        if parent is not None and parent.digits in present:
            children.setdefault(parent.digits, []).append(r)
        else:
            top.append(r)
    return children, top
