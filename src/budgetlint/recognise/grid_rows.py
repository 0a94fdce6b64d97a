"""The rows of a grid table: labels, codes and values placed under their columns.

``place_values`` puts back values a converter slid left, using the row's own identities (the sums
the header implies); ``repair.py`` decides the rows a row alone cannot. A table listed by 预算单位
whose first row is the unit named above it takes that row as its total (``unit_total_row``).
"""

from __future__ import annotations

import re
from decimal import Decimal
from itertools import combinations
from math import comb

from budgetlint.ingest.base import Line
from budgetlint.model import Code, CodeScheme, Row, RowKind, Table, Value
from budgetlint.recognise.blocks import Segment
from budgetlint.recognise.normalise import clean, squash
from budgetlint.recognise.numbers import is_blank, looks_like_amount
from budgetlint.recognise.repair import MAX_PLACEMENTS as _MAX_PLACEMENTS
from budgetlint.recognise.repair import fits as _fits
from budgetlint.recognise.repair import repair_by_hierarchy
from budgetlint.recognise.row_cells import (
    CODE,
    Layout,
    cell_amount,
    code_scheme,
    organisation_groups,
    read_codes,
    split_code,
)
from budgetlint.recognise.vocab import Vocabulary, label_key

_CODE_IN_NAME = re.compile(r"^(\d{3}(?:\d{2}){0,2})\s+(\S.*)$")
_LEVEL_MARK = re.compile(r"[(（](类|款|项)[)）]")


def place_values(cells: list[Value], keys: list[str], sums) -> tuple[list[str | None], str | None, str | None]:
    """Assign a row's value cells to its amount columns.

    Converters drop empty cells, so values slide left under the wrong header — in one row, or in
    every row of one page. The reading as found is kept when the row's own identities (from the
    header) hold. Otherwise each order-preserving placement that moves values only rightwards is
    tried: exactly one that satisfies the identities is taken (``repaired`` says so); several
    that disagree make the row ambiguous; none means the row is inconsistent however it is read,
    so the reading is kept and the rules report it.

    Returns (key for each cell, repaired-note, ambiguous-note).
    """
    k, m = len(cells), len(keys)
    as_read: list[str | None] = [keys[i] if i < m else None for i in range(k)]
    if not sums or any(v.amount is None for v in cells):
        return as_read, None, None

    def fits(positions: dict[int, int]) -> bool:
        vals: dict[str, Decimal] = {}
        halfs: dict[str, Decimal] = {}
        for i, p in positions.items():
            vals[keys[p]] = cells[i].amount
            halfs[keys[p]] = cells[i].half_ulp
        return _fits(vals, halfs, sums)

    nonblank = [i for i in range(min(k, m)) if not cells[i].blank]
    if fits({i: i for i in nonblank}):
        return as_read, None, None
    if comb(m, len(nonblank)) > _MAX_PLACEMENTS:
        return as_read, None, "本行数值不满足列间关系，且可能的列归属过多，无法判断是否为读取错位"
    found: list[tuple[int, ...]] = []
    for positions in combinations(range(m), len(nonblank)):
        if all(p >= i for p, i in zip(positions, nonblank, strict=False)) and fits(dict(zip(nonblank, positions, strict=False))):
            found.append(positions)
    if not found:
        return as_read, None, None
    # A dropped cell shifts everything after it by the same step, so the placement that moves
    # the values least is the reading; a tie means the row cannot be placed.
    shift = sorted((sum(p - i for p, i in zip(pos, nonblank, strict=False)), pos) for pos in found)
    if len(shift) > 1 and shift[0][0] == shift[1][0]:
        return as_read, None, "本行数值与表头错位，有多种可能的列归属，无法确定"
    target = dict(zip(nonblank, shift[0][1], strict=False))
    placed: list[str | None] = [None] * k
    for i, p in target.items():
        placed[i] = keys[p]
    moved = "，".join(f"{cells[i].raw.strip()} → {keys[p]}" for i, p in target.items() if p != i)
    return placed, f"读取时数值错位（空单元格丢失），已按本行勾稽关系还原：{moved}", None


def _row_cells(cells: list[str], layout: Layout) -> tuple[list[str], list[str]]:
    """Split a row into leading text cells (positional) and value cells.

    A converter may drop empty cells, so a short row is split at the last cell holding words
    (codes and 序号 count as words in their own columns), plus any blank cells up to where the
    header's amount columns begin.
    """
    width = len(layout.columns)
    a0 = layout.amount_idx[0] if layout.amount_idx else width
    if len(cells) >= width:
        # A full row: its figures are the cells under the amount columns; word columns after the
        # first figure (项目简介, 说明, 采购目录) are not figures.
        return cells[:a0], [cells[i] for i in layout.amount_idx]
    textual = {i for i, c in enumerate(layout.columns[:a0]) if c.role in ("code", "code_part", "seq")}

    def wordy(i: int, c: str) -> bool:
        if not looks_like_amount(c):
            return True
        t = clean(c).replace(" ", "")
        return i in textual and t.isdigit() and len(t) <= 7

    last_text = max((i for i, c in enumerate(cells) if wordy(i, c)), default=-1)
    if last_text >= a0:
        return cells[:a0], cells[a0:]
    cut = last_text + 1
    while cut < a0 and cut < len(cells) and is_blank(cells[cut]):
        cut += 1
    return cells[:cut], cells[cut:]


def read_grid_rows(segments: list[Segment], layouts: list[Layout], table: Table, vocab: Vocabulary) -> None:
    observed: dict[int, tuple[list[Value], list[str], list]] = {}
    carry: dict[int, list[str]] = {}
    # Side-by-side copies of the columns (决算 基本支出表: 人员经费 left, 公用经费 right): each copy
    # is read as rows of its own, all rows of the first copy before those of the second.
    panels: dict[int, list[Row]] = {}
    panel_carry: dict[int, dict[int, list[str]]] = {}
    for seg, layout in zip(segments, layouts, strict=False):
        cells_of = [list(line.cells) for line in seg.data]
        layout.org_groups = organisation_groups(cells_of, layout)
        if layout.panels:
            for p, sub in enumerate(layout.panels):
                sub.org_groups = organisation_groups([c[sub.offset:] for c in cells_of], sub)
                rows = panels.setdefault(p, [])
                end = sub.offset + len(sub.columns)
                for line in seg.data:
                    cells = (list(line.cells) + [""] * end)[sub.offset:end]
                    row = _grid_row(cells, line, sub, table, vocab, panel_carry.setdefault(p, {}), observed,
                                    rows[-1] if rows else None, not rows and not table.rows)
                    if row is not None:
                        rows.append(row)
            note = f"本表并列{len(layout.panels)}组科目（如人员经费、公用经费），按组依次读为各行"
            if note not in table.notes:
                table.notes.append(note)
            continue
        for line in seg.data:
            row = _grid_row(line.cells, line, layout, table, vocab, carry, observed,
                            table.rows[-1] if table.rows else None, not table.rows)
            if row is not None:
                table.rows.append(row)
    for p in sorted(panels):
        table.rows.extend(panels[p])
    for i, r in enumerate(table.rows):
        r.index = i
    coded = [r for r in table.rows if r.code is not None and r.kind is RowKind.ITEM]
    primary = {r.code.digits for r in coded}
    flat = not any(d[:n] in primary for d in primary for n in (3, 5) if n < len(d))
    if len(coded) > 1 and flat and all(len(r.codes) > 1 for r in coded):
        # 功能分类 × 经济分类 on every line (北京 支出总表: "2010501-行政运行 | 50101-… | 30101-…"): a
        # cross-tab, codes repeat by design and the 合计 is the sum of all lines.
        table.items_sum = True
        note = "本表按功能分类与经济分类交叉列示，合计为各行之和"
        if note not in table.notes:
            table.notes.append(note)
    repair_by_hierarchy(table, observed)


def _grid_row(cells: list[str], line: Line, layout: Layout, table: Table, vocab: Vocabulary,
              carry: dict[int, list[str]], observed: dict, prev: Row | None, first: bool) -> Row | None:
    """One row of a grid table from one line's cells (a panel's slice of them)."""
    keys = [layout.columns[i].key for i in layout.amount_idx]
    texts, raw_values = _row_cells(cells, layout)
    prov = line.provenance
    full = len(cells) >= len(layout.columns)
    values = [cell_amount(c, line, layout.offset + (layout.amount_idx[k] if full else len(texts) + k))
              for k, c in enumerate(raw_values)]
    code_notes: list[str] = []
    code_names: dict[CodeScheme, str] = {}
    spill: dict[CodeScheme, str] = {}
    codes = read_codes(texts, layout, carry, code_notes, code_names, spill)
    if prev is not None and prev.code is not None and spill.get(prev.code.scheme):
        # A name wrapped onto the next line, read into the next row's code cell.
        prev.label += spill[prev.code.scheme]
        key = f"name:{prev.code.scheme.value}"
        if key in prev.texts:
            prev.texts[key] += spill[prev.code.scheme]
    name = ""
    for i in layout.name_idx:
        if i < len(texts) and clean(texts[i]):
            name = clean(texts[i])
            break
    primary = next((codes[s] for s in (CodeScheme.FUNCTION, CodeScheme.ECON_DEPT, CodeScheme.ECON_GOV)
                    if s in codes), None)
    if not name and primary is not None and primary.scheme in code_names:
        name = code_names[primary.scheme]
    if not name:
        # Any word cell names the row, but not a 序号 (its "3" is the row's number, not its name).
        seq = {i for role, i in layout.text_idx.items() if role == "seq"}
        name = next((clean(t) for i, t in enumerate(texts)
                     if i not in seq and clean(t) and not CODE.match(clean(t).replace(" ", ""))), "")
    m = _CODE_IN_NAME.match(name)
    if m and not codes:
        codes[code_scheme(m.group(1))] = Code(code_scheme(m.group(1)), split_code(m.group(1)))
        name = m.group(2)
    row = Row(index=0, label=name, codes=codes, provenance=prov)
    for scheme, n in code_names.items():
        row.texts[f"name:{scheme.value}"] = n
    for role, i in layout.text_idx.items():
        if i < len(texts) and clean(texts[i]):
            row.texts[role] = clean(texts[i])
    if code_notes:
        row.texts["code_note"] = "；".join(code_notes)
    for g in layout.org_groups:
        i = layout.code_groups[g][0]
        if i < len(texts) and clean(texts[i]):
            row.texts["org_code"] = clean(texts[i])
    for k, i in enumerate(layout.name_idx[1:], start=2):
        # A second name column: the 政府经济分类 name beside the 部门 one.
        if i < len(texts) and clean(texts[i]):
            row.texts[f"name#{k}"] = clean(texts[i])
    mark = _LEVEL_MARK.findall(name)
    if mark and not codes:
        row.texts["level_mark"] = mark[-1]
    if not codes and table.kind in vocab.grid_row_words:
        row.key = vocab.grid_row_words[table.kind].get(label_key(name))
    if not codes and label_key(name) in vocab.grid_total_words:
        row.kind = RowKind.TOTAL
    elif row.key in vocab.subtotal_rows:
        row.kind = RowKind.SUBTOTAL  # 人员经费合计 / 公用经费合计 under their own columns
    elif not codes and not name and first and layout.name_idx and any(not v.blank for v in values):
        # The 合计 label is often lost with its merged cell; the first unlabelled row is the total.
        row.kind, row.label = RowKind.TOTAL, "合计"
    placed, repaired, ambiguous = place_values(values, keys, layout.sums)
    for v, key in zip(values, placed, strict=False):
        if key is None:
            if not v.blank:
                ambiguous = ambiguous or f"本行数值多于表头的列数（多出 {v.raw.strip()}）"
            continue
        row.values[key] = Value(v.amount, v.raw, v.provenance, v.decimals, v.blank, v.confidence)
    # Columns the row did not reach are blank, i.e. zero.
    for key in keys:
        if key not in row.values:  # (setdefault would build the blank Value for every key)
            row.values[key] = Value(Decimal(0), "", prov, 0, True)
    row.repaired, row.ambiguous = repaired, ambiguous
    if not name and not codes and all(v.blank for v in row.values.values()):
        return None
    observed[id(row)] = (values, keys, layout.sums)
    return row


_ORG_IN_META = re.compile(r"(?:部门名称|单位名称|预算单位|编制部门|编制单位|部门[(（]单位[)）])\s*[:：]\s*"
                          r"(\S+?)(?=\s|(?:金额)?单位\s*[:：]|$)")


def unit_total_row(table: Table, meta: list[str]) -> None:
    """Tables listed by 预算单位 (深圳: 部门名称：深圳市信访局 above, "深圳市信访局" as the first body
    row, its projects or classes below): the unit's own row is the table's total."""
    if not table.rows or table.total_row() is not None:
        return
    orgs = {squash(m.group(1)) for t in meta if (m := _ORG_IN_META.search(clean(t)))}
    first = table.rows[0]
    if first.code is None and first.kind is RowKind.ITEM and squash(first.label) in orgs:
        first.kind = RowKind.TOTAL
