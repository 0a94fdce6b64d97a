"""Helpers shared by rules: rounding tolerance, row selection, value formatting."""

from __future__ import annotations

import tomllib
from collections.abc import Callable, Iterator
from decimal import Decimal
from functools import lru_cache, wraps
from pathlib import Path

from budgetlint.model import Document, Project, Row, Table, Unit, Value, half_unit
from budgetlint.model import rounding_tolerance as tolerance  # noqa: F401 — the rules' name for it


def last_document(shape: Callable[[Document], tuple[int, ...]]):
    """Keep what ``read(doc)`` made of the last document: the rules of one family ask for it one
    after another. The document itself is held, so its identity cannot be reused, with its
    ``shape`` (counts of its parts), so a document changed since is read again; callers must not
    change what they are given."""

    def wrap(read):
        last: list = []  # [(document, shape, result)]

        @wraps(read)
        def remembered(doc: Document):
            now = shape(doc)
            if last and last[0][0] is doc and last[0][1] == now:
                return last[0][2]
            out = read(doc)
            last[:] = [(doc, now, out)]
            return out

        return remembered

    return wrap


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
        side, total = table.row_key(total)
        parts = tuple(table.row_key(p)[1] for p in parts)
        for row in table.rows:
            if side is not None and row.side != side:
                continue
            if usable(row) and total in row.values:
                yield row, total, parts


def item_label(row: Row) -> str:
    code = row.code.digits if row.code else ""
    return " ".join(x for x in (code, row.label) if x) or f"第{row.index + 1}行"


@lru_cache(maxsize=1)
def _forms() -> dict:
    """The forms' shared settings in ``vocab/performance.toml`` (the unit of a form without a unit line)."""
    with (Path(__file__).resolve().parent / "vocab" / "performance.toml").open("rb") as fh:
        return tomllib.load(fh)["forms"]


def form_scale(unit: Unit | None) -> Decimal:
    """元 per unit of a form's amounts; a form without a unit line is in the vocabulary's default."""
    return (unit or Unit(_forms()["default_unit"])).in_yuan


def half_ulp(x: Decimal) -> Decimal:
    exp = x.as_tuple().exponent
    return half_unit(-exp) if isinstance(exp, int) else Decimal(0)


def project_unit(doc: Document, p: Project) -> Unit | None:
    t = next((t for t in doc.tables if t.index == p.table), None)
    return t.unit if t else None
