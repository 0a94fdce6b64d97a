"""Doubt the reading before the document: keep only the column identities a table's rows confirm.

The header tree implies identities between columns (合计 = 基本支出 + 项目支出). A header can be
read more than one way: "小计 | 其中：基本支出 | 项目支出" is either a memo column beside the
parts (其中 read as "of which, for information") or the start of the list of parts (其中 read as
"of which: A, B"); publishers use both. A document error is sparse and local — one or two rows —
while a misreading fails on most rows, or by exactly another column's amounts. So each identity
is tried under each reading of its header on every row that can be checked, and the reading the
rows confirm is kept. An identity that no reading makes hold on most rows is not checked at all:
the table says so (``Table.unconfirmed``, reported once per table by BL907) instead of giving a
false error on every row.
"""

from __future__ import annotations

import re
from decimal import Decimal

from budgetlint.model import Row, Table, rounding_tolerance

_CJK = re.compile(r"[\u3400-\u9fff]")
TEXT_SHARE = 0.6  # a column whose non-blank cells are mostly words is a column of words
# Fewer distinct failures than this are a document's own errors, whatever the share. Failures
# by the same amount count once: one wrong leaf cell is repeated by every line above it
# (项 → 款 → 类 → 合计), while a misread header fails each row by that row's own amount.
MIN_FAILURES = 3
MAX_FAILING_SHARE = 0.25  # an identity failing on more of its rows than this is a reading question


def _usable(row: Row) -> bool:
    return row.ambiguous is None and all(v.amount is not None for v in row.values.values())


def _score(table: Table, total: str, parts: tuple[str, ...]) -> tuple[int, int, int]:
    """(rows where total = Σ parts holds, rows where it fails, distinct amounts it fails by),
    over rows that show the total and at least one non-blank part."""
    held = failed = 0
    by: set[Decimal] = set()
    side, total = table.row_key(total)
    parts = tuple(table.row_key(p)[1] for p in parts)
    for row in table.rows:
        if (side is not None and row.side != side) or not _usable(row) or total not in row.values:
            continue
        present = [row.values[p] for p in parts if p in row.values]
        found = row.values[total]
        if not present or (found.blank and all(v.blank for v in present)):
            continue
        expected = sum((v.amount for v in present), Decimal(0))
        if abs(found.amount - expected) <= rounding_tolerance([found, *present]):
            held += 1
        else:
            failed += 1
            by.add(abs(found.amount - expected))
    return held, failed, len(by)


def _memo_siblings(table: Table, total: str, parts: tuple[str, ...]) -> tuple[str, ...]:
    """Amount columns beside the total under the same header group that are not summed: "其中"
    columns read as memo lines (not rates)."""
    col = table.column(total)
    if col is None:
        return ()
    group = col.header[:-1]
    return tuple(c.key for c in table.columns
                 if c.role == "amount" and not c.additive and not c.rate and c.key != total
                 and c.key not in parts and c.header[:-1] == group)


def _in_column_order(table: Table, keys: tuple[str, ...]) -> tuple[str, ...]:
    order = {c.key: i for i, c in enumerate(table.columns)}
    return tuple(sorted(keys, key=lambda k: order.get(k, len(order))))


def confirm_column_sums(table: Table) -> None:
    """Replace ``table.column_sums`` by the readings its rows confirm; record the rest."""
    kept: list[tuple[str, tuple[str, ...]]] = []
    for total, parts in table.column_sums:
        readings = [parts]
        memo = _memo_siblings(table, total, parts)
        if memo:
            readings.append(_in_column_order(table, parts + memo))
        scored = [(_score(table, total, r), r) for r in readings]
        # Most rows holding wins; the header's first reading wins a tie.
        (held, failed, distinct), best = max(scored, key=lambda s: (s[0][0] - s[0][1], s[1] is parts))
        if distinct >= MIN_FAILURES and failed > MAX_FAILING_SHARE * (held + failed):
            names = " + ".join(_label(table, p) for p in parts)
            table.unconfirmed.append(
                f"「{_label(table, total)} = {names}」在 {failed}/{held + failed} 行不成立")
            continue
        if best is not parts:
            for key in memo:
                col = table.column(key)
                if col is not None:
                    col.additive = True  # "其中：A | B" lists the parts of the total
        kept.append((total, best))
    table.column_sums = kept


def _label(table: Table, key: str) -> str:
    col = table.column(key)
    return col.label if col is not None else key


def demote_text_columns(table: Table) -> None:
    """A column read as amounts whose cells are mostly words (a unit or category name under a
    header the vocabulary took for an amount, 支出项目类别（资金使用单位）; the second and third
    name columns of a balance table printed as four panels) holds words: its cells become row
    texts (and the row's label where it had none), not unparseable amounts."""
    for col in table.columns:
        if col.role != "amount":
            continue
        side, key = table.row_key(col.key)
        rows = [r for r in table.rows if key in r.values and (side is None or r.side == side)]
        cells = [r.values[key] for r in rows if not r.values[key].blank]
        words = [v for v in cells if v.amount is None and _CJK.search(v.raw)]
        if len(words) < 2 or len(words) < TEXT_SHARE * len(cells):
            continue
        col.role, col.additive, col.rate = "text", False, False
        for row in rows:
            v = row.values.pop(key)
            if not v.raw.strip():
                continue
            row.texts[key] = v.raw.strip()
            if not row.label.strip():
                row.label = v.raw.strip()
        table.column_sums = [(t, p) for t, p in table.column_sums if t != col.key and col.key not in p]
