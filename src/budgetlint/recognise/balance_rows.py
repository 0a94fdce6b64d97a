"""The rows of a balance table (收支总表: income on one side, expenditure on the other): each side
read as its own rows, keyed by rows.toml, and the hierarchy of each side (which lines are parts of
本年合计 / 总计, which break down the line above).
"""

from __future__ import annotations

from decimal import Decimal

from budgetlint.hierarchy import UNNUMBERED, numbering_level
from budgetlint.model import Row, RowKind, Table, rounding_tolerance
from budgetlint.recognise.blocks import Segment
from budgetlint.recognise.normalise import clean
from budgetlint.recognise.numbers import is_blank
from budgetlint.recognise.row_cells import Layout, cell_amount
from budgetlint.recognise.vocab import Vocabulary, label_key


def read_balance_rows(segments: list[Segment], layouts: list[Layout], table: Table, vocab: Vocabulary) -> None:
    for seg, layout in zip(segments, layouts, strict=False):
        sides: dict[str, list[int]] = {}
        for i, c in enumerate(layout.columns):
            if c.side:
                sides.setdefault(c.side, []).append(i)
        # A side may show the same money twice, side by side (支出: 功能分类 | 支出用途): read the
        # first view, which carries the classification the other tables use.
        views: dict[str, list[int]] = {}
        for side, idx in sides.items():
            names = [i for i in idx if layout.columns[i].role == "name"]
            views[side] = [i for i in idx if len(names) < 2 or i < names[1]]
            if len(names) > 1:
                note = f"{'支出' if side == 'expenditure' else '收入'}方并列列示了另一种分类，仅检查第一种"
                if note not in table.notes:
                    table.notes.append(note)
        for line in seg.data:
            cells = line.cells + [""] * (len(layout.columns) - len(line.cells))
            prov = line.provenance
            for side, idx in views.items():
                name_i = next((i for i in idx if layout.columns[i].role == "name"), None)
                label = clean(cells[name_i]) if name_i is not None else ""
                vals = {layout.columns[i].key.split(".", 1)[1]: cell_amount(cells[i], line, i)
                        for i in idx if layout.columns[i].role == "amount"}
                rest = [i for i in sides[side] if i not in idx and layout.columns[i].role == "amount"]
                if rest and all(v.blank for v in vals.values()) and vocab.row_key(side, label) in (
                        "current_total", "grand_total"):
                    # A 合计 label spanning every view of the side: its figure sits in the last column.
                    filled = [i for i in rest if not is_blank(cells[i])]
                    if filled and "amount" in vals:
                        vals["amount"] = cell_amount(cells[filled[-1]], line, filled[-1])
                if not label and all(v.blank for v in vals.values()):
                    continue
                key = vocab.row_key(side, label)
                row = Row(index=len(table.rows), label=label, key=key, side=side, values=vals, provenance=prov)
                if key == "grand_total":
                    row.kind = RowKind.TOTAL
                elif key == "current_total":
                    row.kind = RowKind.SUBTOTAL
                # Each side has its own 行次 column.
                seq_i = next((i for i in sides[side] if layout.columns[i].role == "seq"), layout.text_idx.get("seq"))
                if seq_i is not None and clean(cells[seq_i]):
                    row.texts["seq"] = clean(cells[seq_i])
                table.rows.append(row)
    for side in ("income", "expenditure"):
        # "收入合计" is 本年合计 in one template and the grand total in another: when a side has
        # two 合计 lines and no 总计, the later one is the grand total.
        subs = [r for r in table.rows if r.side == side and r.key == "current_total"]
        if len(subs) > 1 and not any(r.side == side and r.key == "grand_total" for r in table.rows):
            subs[-1].key, subs[-1].kind = "grand_total", RowKind.TOTAL
        # A bare "合计" closing a side below its 本年合计 is the grand total (高等学校收支决算总表).
        rows = [r for r in table.rows if r.side == side]
        if (subs and rows and rows[-1] is not subs[-1] and label_key(rows[-1].label) in vocab.grid_total_words
                and not any(r.key == "grand_total" for r in rows)):
            rows[-1].key, rows[-1].kind = "grand_total", RowKind.TOTAL
    _balance_hierarchy(table, vocab)




def _balance_hierarchy(table: Table, vocab: Vocabulary) -> None:
    """Which rows are top-level parts of 本年合计 / 总计 and which break down the row above.

    Numbering gives the depth: 一、 > （一） > 1. > （1）; an unnumbered line among numbered ones sits
    just below the last numbered line above it (or on top, before any). Below 本年合计, the
    carry-over lines (上年结转, 上级补助收入 …) are
    top-level and numbered lines break them down. A row's parent is the nearest row above that
    is shallower. Breakdowns marked "其中" are partial and are told apart by the rules.
    """
    for side in ("income", "expenditure"):
        rows = [r for r in table.rows if r.side == side]
        numbered = any(numbering_level(r.label) for r in rows if r.kind is RowKind.ITEM)
        after = False
        stack: list[tuple[float, Row]] = []
        last_numbered = 0.0
        for r in rows:
            if r.kind is not RowKind.ITEM:
                after = after or r.key == "current_total"
                stack, last_numbered = [], 0.0
                continue
            found = numbering_level(r.label)
            if after:
                # Carry-over lines are the parts of 总计; any other line breaks the one above down.
                known = r.key in vocab.after_current.get(side, ())
                level: float = 0 if known or not stack else (found or 5)
            elif found is not None:
                level = last_numbered = found
            elif numbered:
                level = last_numbered + 0.5
                r.texts["depth"] = UNNUMBERED
            else:
                level = 1
            while stack and stack[-1][0] >= level:
                stack.pop()
            r.parent = stack[-1][1].index if stack else None
            stack.append((level, r))
        _promote_carry_lines(rows)


def _total_holds(grand: Row, parts: list[Row]) -> bool:
    """总计 = Σ parts in every column the 总计 prints (blank parts count as zero)."""
    for key, found in grand.values.items():
        if found.amount is None or found.blank:
            continue
        vals = [p.values[key] for p in parts if key in p.values]
        if any(v.amount is None for v in vals):
            return False
        expected = sum((v.amount for v in vals if v.amount is not None), Decimal(0))
        if abs(found.amount - expected) > rounding_tolerance([found, *vals]):
            return False
    return True


def _promote_carry_lines(rows: list[Row]) -> None:
    """An unlisted line after 本年合计 is read as a breakdown of the line above it ("其中" lines,
    上年结转's 财政拨款结转 | 非财政拨款结余). A line the vocabulary does not know may instead be a
    part of 总计 of its own (西安's 上年实户资金余额 under 使用非财政拨款结余): where 总计 = 本年合计 +
    the top-level lines fails, and lifting such a line (or all of them) to the top makes it
    hold, that is the reading the table confirms."""
    sub = next((r for r in rows if r.key == "current_total"), None)
    grand = next((r for r in rows if r.key == "grand_total"), None)
    if sub is None or grand is None or rows.index(sub) > rows.index(grand):
        return
    between = [r for r in rows[rows.index(sub) + 1: rows.index(grand)] if r.kind is RowKind.ITEM]

    def top(lifted: list[Row]) -> list[Row]:
        return [sub] + [r for r in between if r.parent is None or r in lifted]

    if _total_holds(grand, top([])):
        return
    movable = [r for r in between if r.parent is not None and r.key is None and numbering_level(r.label) is None
               and not label_key(r.label).startswith("其中") and not clean(r.label).startswith("其中")]
    for lifted in [[r] for r in movable] + ([movable] if len(movable) > 1 else []):
        if any(not v.blank for r in lifted for v in r.values.values()) and _total_holds(grand, top(lifted)):
            for r in lifted:
                r.parent = None
            return
