"""Helpers shared by rules: rounding tolerance, row selection, value formatting."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from decimal import Decimal

from budgetlint.model import Row, RowKind, Table, Value


def tolerance(values: Iterable[Value | None]) -> Decimal:
    """The rounding a comparison of printed figures can carry: half a unit in the last printed
    place of every non-blank figure involved (n terms at 0.01 万元 → n × 0.005)."""
    return sum((v.half_ulp for v in values if v is not None and not v.blank and v.amount is not None), Decimal(0))


def within(found: Decimal, expected: Decimal, tol: Decimal) -> bool:
    return abs(found - expected) <= tol


def fmt(amount: Decimal) -> str:
    return format(amount, "f")


def checkable(table: Table) -> bool:
    """Arithmetic rules run only on tables that were read well enough."""
    return table.quality.readable and bool(table.amount_columns)


# A value read by OCR whose recognition confidence (the lowest character probability in its
# cell; 0 for a cell with ink that nothing was recognised in) is below this is "could not read":
# BL906 reports it, and no arithmetic or cross-table rule uses its row. Values from a text layer,
# a spreadsheet or converter text have confidence 1. Chosen on bench/ocr_accuracy.py: every
# misread amount there scored below it (docs/formats.md).
LOW_CONFIDENCE = 0.9


def readable(value: Value) -> bool:
    """Parsed, and recognised confidently enough to check."""
    return value.amount is not None and value.confidence >= LOW_CONFIDENCE


def usable(row: Row) -> bool:
    return row.ambiguous is None and all(readable(v) for v in row.values.values())


def rows_for_sums(table: Table) -> Iterator[tuple[Row, str, tuple[str, ...]]]:
    """(row, sum column, part columns) for every header identity, with balance-table side
    prefixes resolved (row values of a balance table are keyed without the side)."""
    for total, parts in table.column_sums:
        side = None
        if table.layout == "balance" and "." in total:
            side, total = total.split(".", 1)
            parts = tuple(p.split(".", 1)[1] for p in parts)
        for row in table.rows:
            if side is not None and row.side != side:
                continue
            if usable(row) and total in row.values:
                yield row, total, parts


def item_label(row: Row) -> str:
    code = row.code.digits if row.code else ""
    return " ".join(x for x in (code, row.label) if x) or f"第{row.index + 1}行"


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
