"""Value repair: a row whose cells a converter slid left, put back where the table's own
identities hold.

A dropped empty cell shifts the values after it one column left; the row then breaks its own sums
and its parent's. ``place_values`` (recognise/tables.py) fixes a row alone when only one placement
fits its identities; ``repair_by_hierarchy`` decides the rest by the hierarchy — a parent equals the
sum of its children column by column — choosing, within a bounded search, the fewest moves that make
every group hold.
"""

from __future__ import annotations

from decimal import Decimal
from itertools import combinations
from math import comb

from budgetlint.hierarchy import coded_children
from budgetlint.model import Row, RowKind, Table, Value

# Placements examined per row (and candidate sets per table): a bad table cannot stall a batch.
MAX_PLACEMENTS = 20000


def fits(values: dict[str, Decimal], halfs: dict[str, Decimal], sums) -> bool:
    for total, parts in sums:
        t = values.get(total, Decimal(0))
        s = sum((values.get(p, Decimal(0)) for p in parts), Decimal(0))
        tol = halfs.get(total, Decimal(0)) + sum((halfs.get(p, Decimal(0)) for p in parts), Decimal(0))
        if abs(t - s) > tol:
            return False
    return True


def _alternatives(values: list[Value], keys: list[str], sums) -> list[dict[str, Value]]:
    """Other readings of a row: its non-blank values moved rightwards (a dropped empty cell
    shifts what follows it left) such that the row's own identities still hold."""
    nonblank = [i for i, v in enumerate(values) if not v.blank and v.amount is not None and i < len(keys)]
    if not nonblank or comb(len(keys), len(nonblank)) > MAX_PLACEMENTS:
        return []
    out = []
    for positions in combinations(range(len(keys)), len(nonblank)):
        if list(positions) == nonblank or any(p < i for p, i in zip(positions, nonblank, strict=True)):
            continue
        vals = {keys[p]: values[i].amount for i, p in zip(nonblank, positions, strict=True)}
        halfs = {keys[p]: values[i].half_ulp for i, p in zip(nonblank, positions, strict=True)}
        if fits(vals, halfs, sums):
            out.append({keys[p]: values[i] for i, p in zip(nonblank, positions, strict=True)})
    return out


def _hierarchy_groups(table: Table) -> list[tuple[Row, list[Row]]]:
    """(parent, children) by code, plus the 合计 row over the top-level codes."""
    if not any(r.code for r in table.rows):
        return []
    coded = [r for r in table.rows if r.code is not None and r.kind is RowKind.ITEM]
    by_code = {r.code.digits: r for r in coded}
    if len(by_code) < len(coded):
        return []  # duplicated codes: no reliable tree
    children, top = coded_children(table)
    out = [(by_code[c], kids) for c, kids in children.items()]
    total = table.total_row()
    if total is not None and top:
        out.append((total, top))
    return out


def _group_ok(parent: Row, kids: list[Row], keys: list[str]) -> bool:
    """Parent = Σ children in every amount column, within rounding (unreadable cells: no verdict)."""
    for key in keys:
        pv = parent.values.get(key)
        vals = [k.values[key] for k in kids if key in k.values]
        if pv is None or pv.amount is None or any(v.amount is None for v in vals):
            continue
        gap = abs(pv.amount - sum((v.amount for v in vals), Decimal(0)))
        if gap > sum((v.half_ulp for v in [pv, *vals] if not v.blank), Decimal(0)):
            return False
    return True


_MAX_SWITCH = 8


def _moved(row: Row, alt: dict[str, Value]) -> frozenset[tuple[str, str]]:
    """How a re-reading moves the row's figures: (from column, to column) pairs, pairing the
    columns that lose a figure with those that gain the same figure."""
    def amount(v: Value | None) -> Decimal:
        return v.amount if v is not None and v.amount is not None else Decimal(0)

    keys = set(row.values) | set(alt)
    lost = [(k, amount(row.values.get(k))) for k in sorted(keys)
            if amount(row.values.get(k)) != 0 and amount(alt.get(k)) != amount(row.values.get(k))]
    gained = [(k, amount(alt.get(k))) for k in sorted(keys)
              if amount(alt.get(k)) != 0 and amount(alt.get(k)) != amount(row.values.get(k))]
    pairs = set()
    for k, a in lost:
        match = next(((g, b) for g, b in gained if b == a), None)
        if match is None:
            return frozenset()
        gained.remove(match)
        pairs.add((k, match[0]))
    return frozenset(pairs) if not gained else frozenset()


def _same_slide(top: Row, alt: dict[str, Value], below: dict[int, list[Row]], alts) -> list | None:
    """Re-read ``top`` and every row under it by the same column move, or None if some row under it
    has figures in the moved columns and no re-reading that moves them the same way."""
    move = _moved(top, alt)
    if not move:
        return None
    sources = {a for a, _ in move}
    block = [(top, alt)]
    stack = list(below.get(id(top), []))
    while stack:
        r = stack.pop()
        stack.extend(below.get(id(r), []))
        if all(v.blank for k, v in r.values.items() if k in sources):
            continue
        same = [a for a in alts(r) if _moved(r, a) and _moved(r, a) <= move]
        if len(same) != 1:
            return None
        block.append((r, same[0]))
    return block


def _page_run(parent: Row, kids: list[Row], keys: list[str], pinned: set[int], alts, apply) -> list | None:
    """A slide over a page break hits a run of consecutive rows the same way. Find the one run of
    the group's free rows (in print order) which, re-read by one column move, makes the group agree;
    None when there is none or more than one."""
    members = sorted([r for r in (parent, *kids) if id(r) not in pinned], key=lambda r: r.index)
    if len(members) < 2:
        return None
    signatures = {_moved(r, a) for r in members for a in alts(r)} - {frozenset()}
    found: list[list] = []
    for move in signatures:
        sources = {a for a, _ in move}
        for i in range(len(members)):
            block: list = []
            for r in members[i:]:
                same = [a for a in alts(r) if _moved(r, a) == move]
                if len(same) == 1:
                    block.append((r, same[0]))
                elif all(v.blank for k, v in r.values.items() if k in sources):
                    continue
                else:
                    break
                saved = {id(x): dict(x.values) for x, _ in block}
                for x, a in block:
                    apply(x, a)
                ok = _group_ok(parent, kids, keys)
                for x, _ in block:
                    x.values.clear()
                    x.values.update(saved[id(x)])
                if ok:
                    found.append(list(block))
                    break
    return found[0] if len(found) == 1 else None


def repair_by_hierarchy(table: Table, observed: dict[int, tuple[list[Value], list[str], list]]) -> None:
    """Put back values that slid under the wrong column where the row alone cannot tell.

    In a table of 合计 | 基本支出 | 项目支出, a project amount read under 基本支出 still satisfies
    合计 = 基本 + 项目; only the code hierarchy (款 = Σ项) shows it — often for every row of one
    page. Groups are solved from the deepest up: where a parent disagrees with its children, the
    smallest set of rows whose other reading (values moved right, the row's own identities still
    holding) makes the group agree in every column is taken — if that set is the only one of its
    size. Rows of a group that agrees are fixed as read. Anything else is left for the rules.
    """
    groups = sorted(_hierarchy_groups(table), key=lambda g: -(g[0].code.level if g[0].code else 0))
    keys = [c.key for c in table.amount_columns if not c.rate]
    rates = [c.key for c in table.amount_columns if c.rate]
    if not groups or not keys:
        return
    alternatives: dict[int, list[dict[str, Value]]] = {}

    def amt(v: Value | None) -> Decimal:
        return v.amount if v is not None and v.amount is not None else Decimal(0)

    def alts(r: Row) -> list[dict[str, Value]]:
        if id(r) not in alternatives:
            found = _alternatives(*observed[id(r)]) if id(r) in observed and not r.ambiguous else []
            # A reading that moves a figure into or out of a rate column is no reading.
            alternatives[id(r)] = [a for a in found if all(amt(a.get(k)) == amt(r.values.get(k)) for k in rates)]
        return alternatives[id(r)]

    def apply(r: Row, alt: dict[str, Value]) -> None:
        for key in keys:
            r.values[key] = alt.get(key) or Value(Decimal(0), "", r.provenance, 0, True)

    below: dict[int, list[Row]] = {id(p): list(k) for p, k in groups if p.kind is RowKind.ITEM}
    pinned: set[int] = set()
    budget = MAX_PLACEMENTS  # candidate sets examined per table, so a bad table cannot stall a batch
    for parent, kids in groups:
        if _group_ok(parent, kids, keys):
            pinned.update({id(parent), *(id(k) for k in kids)})
            continue
        # gap = parent − Σ children per column; switching a child changes Σ children by its delta,
        # switching the parent changes the parent by its delta. Look for switches that close the gap.
        gap = [amt(parent.values.get(k)) - sum((amt(c.values.get(k)) for c in kids), Decimal(0)) for k in keys]
        slack = sum((v.half_ulp for r in (parent, *kids) for v in r.values.values() if not v.blank), Decimal(0))
        # A move re-reads one row, or a row with everything under it when that block already agrees
        # within itself (a whole page slid the same way: only the level above shows it).
        moves: list[tuple[Row, list[tuple[Row, dict[str, Value]]], list[Decimal]]] = []
        for r in (*kids, parent):
            sign = 1 if r is parent else -1
            for alt in alts(r):
                if id(r) in pinned:
                    if r is parent or id(r) not in below:
                        continue
                    block = _same_slide(r, alt, below, alts)
                    if block is None:
                        continue
                else:
                    block = [(r, alt)]
                delta = [sign * (amt(alt.get(k)) - amt(r.values.get(k))) for k in keys]
                # A move must not disturb a column that already agrees: slides move values
                # between the columns that disagree.
                if all(d == 0 or abs(g) > slack for d, g in zip(delta, gap, strict=True)):
                    moves.append((r, block, delta))
        solution = _page_run(parent, kids, keys, pinned, alts, apply)
        for size in range(1, min(len(moves), _MAX_SWITCH) + 1 if solution is None else 0):
            found = []
            for chosen in combinations(moves, size):
                budget -= 1
                if budget < 0:
                    return
                if len({id(m[0]) for m in chosen}) < size:
                    continue  # two readings of one row
                if all(abs(g + sum((m[2][i] for m in chosen), Decimal(0))) <= slack for i, g in enumerate(gap)):
                    found.append(chosen)
                    if len(found) > 1:
                        break
            if found:
                solution = [pair for _, block, _ in found[0] for pair in block] if len(found) == 1 else None
                break
        if solution is None:
            continue
        before = {id(r): dict(r.values) for r, _ in solution}
        for r, alt in solution:
            apply(r, alt)
        if not _group_ok(parent, kids, keys):
            for r, _ in solution:
                r.values.clear()
                r.values.update(before[id(r)])
            continue
        for r, alt in solution:
            moved = "，".join(f"{v.raw.strip()} → {k}" for k, v in alt.items() if before[id(r)].get(k) is not v)
            r.repaired = f"读取时数值错位（空单元格丢失），已按上下级科目的勾稽关系还原：{moved}"
        pinned.update({id(parent), *(id(k) for k in kids)})
