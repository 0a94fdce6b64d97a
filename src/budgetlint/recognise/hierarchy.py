"""The classification tree of a table: which rows break down which (类 → 款 → 项).

Shared by recognition (putting back slid values) and the arithmetic rules (款 = Σ项).
"""

from __future__ import annotations

from budgetlint.model import Row, RowKind, Table


def node_key(row: Row) -> str:
    return row.code.digits if row.code is not None else f"#{row.index}"


def coded_children(table: Table) -> tuple[dict[str, list[Row]], list[Row]]:
    """Children of each classified row, and the top-level rows (whose parent is absent).

    Rows with codes nest by code (primary scheme). Rows named without codes but marked
    "（类）/（款）/（项）" nest by that mark: a row's parent is the nearest row above of a higher
    level. Keys are code digits, or "#<row index>" for marked rows."""
    marked = [r for r in table.rows if r.code is None and r.kind is RowKind.ITEM and "level_mark" in r.texts]
    if marked and not any(r.code for r in table.rows):
        children: dict[str, list[Row]] = {}
        top: list[Row] = []
        stack: list[Row] = []
        for r in marked:
            while stack and stack[-1].level >= r.level:
                stack.pop()
            (children.setdefault(node_key(stack[-1]), []) if stack else top).append(r)
            stack.append(r)
        return children, top
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
