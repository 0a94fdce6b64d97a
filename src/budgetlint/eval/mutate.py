"""Plant labelled errors and unlabelled reading artefacts into a ``Composition``.

Errors are what a reviewer must be told. Each gets a ``Label``: the mutation, the rule family
expected to catch it, and the *spots* where a finding may legitimately point — the changed cell
and every cell whose identity the change breaks (the row's total column, the parent rows up to
the 合计 row), or the narrative line / form it sits in. ``also`` names families that may report
the same error from another angle (a changed table cell also disagrees with the other tables and
the narrative); their findings are not false alarms, but only the expected family earns recall.

Artefacts are what converters do to correct documents (DOMAIN §6); they carry no label, and a
finding of error severity on an artefact-only document is a false alarm.

Errors are planted first, then artefacts, and artefacts keep away from the rows errors touched.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field

from budgetlint.eval.generate import amount_text, wan
from budgetlint.eval.model import Composition, FormBlock, Para, Region, TableBlock, TRow

# Balance-table rows an error in any line of the table may show at: the totals of both sides and
# the rows that group other lines (财政拨款收入 above its fund types, the carry-over above its parts).
BALANCE_PARENTS = ("本年收入合计", "收入总计", "本年支出合计", "支出总计", "财政拨款收入", "上年结转",
                   "上年结转结余", "年初财政拨款结转和结余", "总计", "年初结转和结余", "年末结转和结余",
                   "年末财政拨款结转和结余")


@dataclass(slots=True)
class Spot:
    """Where a finding may point: a table cell (kind, row reference, column) or a line range."""

    table: str | None = None
    row: str | None = None
    column: str | None = None
    anchor: str | None = None  # narrative paragraph / form; resolved to ``regions`` after rendering
    regions: list[Region] | None = None
    anywhere: bool = False  # any finding of the family in the document (a missing table)

    def describe(self) -> str:
        if self.anywhere:
            return f"{self.table or ''}（缺失）"
        if self.anchor or self.regions:
            where = ", ".join(r.describe() for r in self.regions or [])
            return f"{self.anchor or ''}@{where}"
        return "/".join(x for x in (self.table, self.row, self.column) if x)


@dataclass(slots=True)
class Label:
    mutation: str
    family: str
    spots: list[Spot]
    detail: str
    also: tuple[str, ...] = ()


@dataclass(slots=True)
class Artefact:
    kind: str
    detail: str


@dataclass(slots=True)
class Touched:
    """What the errors touched (artefacts keep away from it)."""

    touched: set[tuple[str, int]] = field(default_factory=set)  # (table id, row index) with a planted error
    tables: set[str] = field(default_factory=set)  # tables with a planted error


# ---------------------------------------------------------------------------------------------
# helpers


def _set(row: TRow, i: int, cents: int, scale: int = 1) -> None:
    """Write an amount in the table's unit (``scale``: 1 = cents of 万元, 100 = 元)."""
    sep = "," in row.cells[i]
    row.amounts[i] = cents
    row.cells[i] = amount_text(cents, scale, sep) if cents else ""


def _ancestors(t: TableBlock, i: int) -> list[int]:
    out, seen = [], set()
    p = t.rows[i].parent
    while p is not None and p not in seen and 0 <= p < len(t.rows):
        out.append(p)
        seen.add(p)
        p = t.rows[p].parent
    return out


def _sums_over(t: TableBlock, column: str) -> list[str]:
    """Columns that (directly or through a subtotal) sum this column."""
    out: list[str] = []
    frontier = [column]
    while frontier:
        c = frontier.pop()
        for total, parts in t.col_sums:
            if c in parts and total not in out:
                out.append(total)
                frontier.append(total)
    return out


def _children(t: TableBlock, i: int) -> list[int]:
    return [j for j, r in enumerate(t.rows) if r.parent == i]


def _cell_spots(t: TableBlock, i: int, column: str, side: str | None = None) -> list[Spot]:
    """The cell and every cell its value feeds: row totals, ancestors (same column), their totals."""
    row = t.rows[i]
    spots = [Spot(t.kind, row.refs[k].row, column) for k in row.refs if row.refs[k].column == column
             and (side is None or row.refs[k].side == side)] or [Spot(t.kind, row.ref, column)]
    for total in _sums_over(t, column):
        spots.append(Spot(t.kind, spots[0].row, total))
    for a in _ancestors(t, i):
        ref = t.rows[a].ref
        spots.append(Spot(t.kind, ref, column))
        for total in _sums_over(t, column):
            spots.append(Spot(t.kind, ref, total))
    if t.layout == "pairs":
        # 决算 基本支出表: 人员经费 | 公用经费 side by side; the item's 类 and both 合计 lines.
        for ref in {row.refs[k].row for k in row.refs}:
            spots.append(Spot(t.kind, ref[:3], None))
        spots += [Spot(t.kind, "人员经费合计", None), Spot(t.kind, "公用经费合计", None)]
    if t.layout == "balance":
        for label in BALANCE_PARENTS:
            spots.append(Spot(t.kind, label, None))
    if t.items_sum:
        spots.append(Spot(t.kind, "合计", column))
    return spots


def _amount_cells(t: TableBlock, item_only: bool = True, nonzero: bool = True) -> list[tuple[int, int]]:
    out = []
    for i, r in enumerate(t.rows):
        if item_only and r.kind != "item":
            continue
        for k in r.refs:
            if not nonzero or r.amounts.get(k):
                out.append((i, k))
    return out


def _delta(rng: random.Random, value: int, scale: int = 1) -> int:
    """A change well beyond rounding: at least 1.00 万元, up to about a third of the value
    (``scale``: the table's unit, 1 = cents of 万元, 100 = 元)."""
    one = 100 * scale
    hi = max(2 * one, abs(value) // 3)
    d = rng.randint(one, hi)
    if rng.random() < 0.5 and value - d > 0:
        d = -d
    if rng.random() < 0.5:
        d = d // one * one or one  # round changes are common too
    return d


def _grid_tables(comp: Composition, st: Touched, layouts=("grid",)) -> list[TableBlock]:
    return [t for t in comp.tables() if t.rows and t.layout in layouts and t.id not in st.tables]


# ---------------------------------------------------------------------------------------------
# errors


def err_cell_changed(comp: Composition, rng: random.Random, st: Touched) -> Label | None:
    tables = [t for t in comp.tables() if t.rows and t.id not in st.tables and t.layout in ("grid", "balance", "pairs")
              and _amount_cells(t)]
    if not tables:
        return None
    t = rng.choice(tables)
    i, k = rng.choice(_amount_cells(t))
    row = t.rows[i]
    ref = row.refs[k]
    old = row.amounts[k]
    new = old + _delta(rng, old, t.scale)
    _set(row, k, new, t.scale)
    st.touched.add((t.id, i))
    st.tables.add(t.id)
    return Label("cell_changed", "arithmetic", _cell_spots(t, i, ref.column, ref.side),
                 f"{t.title} {ref.row}/{ref.column}: {wan(old)} → {wan(new)}", ("cross_table", "narrative", "performance"))


def err_digits_transposed(comp: Composition, rng: random.Random, st: Touched) -> Label | None:
    cands = []
    for t in comp.tables():
        if t.id in st.tables or t.layout not in ("grid", "balance", "pairs"):
            continue
        for i, k in _amount_cells(t):
            s = str(t.rows[i].amounts[k] // 100)
            pairs = [j for j in range(len(s) - 1) if s[j] != s[j + 1]]
            if pairs:
                cands.append((t, i, k, pairs))
    if not cands:
        return None
    t, i, k, pairs = rng.choice(cands)
    row = t.rows[i]
    old = row.amounts[k]
    s = list(str(old // 100))
    j = rng.choice(pairs)
    s[j], s[j + 1] = s[j + 1], s[j]
    new = int("".join(s)) * 100 + old % 100
    _set(row, k, new, t.scale)
    st.touched.add((t.id, i))
    st.tables.add(t.id)
    ref = row.refs[k]
    return Label("digits_transposed", "arithmetic", _cell_spots(t, i, ref.column, ref.side),
                 f"{t.title} {ref.row}/{ref.column}: {wan(old)} → {wan(new)}", ("cross_table", "narrative", "performance"))


def err_row_dropped(comp: Composition, rng: random.Random, st: Touched) -> Label | None:
    cands = []
    for t in _grid_tables(comp, st):
        for i, r in enumerate(t.rows):
            if (r.kind == "item" and r.parent is not None and not _children(t, i) and any(r.amounts.values())
                    and len(_children(t, r.parent)) >= 2):
                cands.append((t, i))
    if not cands:
        return None
    t, i = rng.choice(cands)
    row = t.rows[i]
    spots = [Spot(t.kind, t.rows[a].ref, None) for a in _ancestors(t, i)]
    _drop_row(t, i)
    st.tables.add(t.id)
    # A dropped line also changes what the narrative counts or sums ("涉及项目13个") and leaves a
    # performance form without its project row.
    return Label("row_dropped", "arithmetic", spots, f"{t.title}: row {row.ref} {row.cells[:4]} removed",
                 ("cross_table", "completeness", "narrative", "performance"))


def _drop_row(t: TableBlock, i: int) -> None:
    del t.rows[i]
    for r in t.rows:
        if r.parent is not None and r.parent > i:
            r.parent -= 1


def err_subtotal_off(comp: Composition, rng: random.Random, st: Touched) -> Label | None:
    cands = []
    for t in _grid_tables(comp, st):
        for i, r in enumerate(t.rows):
            parents = bool(_children(t, i)) or (r.kind == "total" and t.items_sum)
            for k, ref in r.refs.items():
                if not r.amounts.get(k):
                    continue
                if parents or any(total == ref.column for total, _ in t.col_sums):
                    cands.append((t, i, k))
    if not cands:
        return None
    t, i, k = rng.choice(cands)
    row = t.rows[i]
    ref = row.refs[k]
    old = row.amounts[k]
    new = old + _delta(rng, old, t.scale)
    _set(row, k, new, t.scale)
    st.touched.add((t.id, i))
    st.tables.add(t.id)
    return Label("subtotal_off", "arithmetic", _cell_spots(t, i, ref.column),
                 f"{t.title} {ref.row}/{ref.column} (subtotal): {wan(old)} → {wan(new)}", ("cross_table", "narrative", "performance"))


def err_cross_table(comp: Composition, rng: random.Random, st: Touched) -> Label | None:
    """Change one leaf amount and everything that sums it in the same table: the table still adds
    up, but no longer agrees with the other tables."""
    cands = []
    for t in _grid_tables(comp, st, ("grid", "matrix")):
        sums = {total for total, _ in t.col_sums}
        for i, k in _amount_cells(t):
            if not _children(t, i) and t.rows[i].refs[k].column not in sums:
                cands.append((t, i, k))
    if not cands:
        return None
    t, i, k = rng.choice(cands)
    row = t.rows[i]
    column = row.refs[k].column
    d = _delta(rng, row.amounts[k], t.scale)
    columns = [column, *_sums_over(t, column)]
    changed = []
    for j in [i, *_ancestors(t, i)] + ([0] if t.items_sum and i != 0 else []):
        r = t.rows[j]
        for kk, ref in r.refs.items():
            if ref.column in columns:
                _set(r, kk, r.amounts[kk] + d, t.scale)
                changed.append(Spot(t.kind, ref.row, ref.column))
        st.touched.add((t.id, j))
    st.tables.add(t.id)
    return Label("cross_table_amount", "cross_table", changed,
                 f"{t.title} {row.ref}/{column} and its totals changed by {wan(d)} (table still adds up)",
                 ("narrative", "performance"))


NUM_IN_TEXT = re.compile(r"(\d+(?:\.\d+)?)(万元|%)")


def err_narrative_amount(comp: Composition, rng: random.Random, st: Touched, percent: bool = False) -> Label | None:
    cands = []
    for p in comp.paras():
        if p.anchor and p.anchor not in st.tables:
            for m in NUM_IN_TEXT.finditer(p.text):
                if (m.group(2) == "%") == percent and float(m.group(1)) > 0:
                    cands.append((p, m))
    if not cands:
        return None
    p, m = rng.choice(cands)
    old = m.group(1)
    if percent:
        new = f"{float(old) + rng.choice((-1, 1)) * rng.choice((1.5, 3.2, 5, 10.4)):.2f}"
        new = new if not new.startswith("-") else f"{float(old) + 4.5:.2f}"
    else:
        cents = int(round(float(old) * 100))
        new_c = cents + _delta(rng, cents)
        new = wan(new_c) if "." in old else wan(new_c).rstrip("0").rstrip(".")
    p.text = p.text[: m.start(1)] + new + p.text[m.end(1):]
    st.tables.add(p.anchor)
    return Label("narrative_percent" if percent else "narrative_amount", "narrative", [Spot(anchor=p.anchor)],
                 f"{p.anchor}: {old}{m.group(2)} → {new}{m.group(2)}")


def err_narrative_percent(comp: Composition, rng: random.Random, st: Touched) -> Label | None:
    return err_narrative_amount(comp, rng, st, percent=True)


FLIPS = (("增加", "减少"), ("增长", "下降"))


def err_narrative_direction(comp: Composition, rng: random.Random, st: Touched) -> Label | None:
    cands = [p for p in comp.paras() if p.anchor and p.anchor not in st.tables
             and any(a in p.text or b in p.text for a, b in FLIPS)]
    if not cands:
        return None
    p = rng.choice(cands)
    words = [w for pair in FLIPS for w in pair if w in p.text]
    w = rng.choice(words)
    other = next(b if a == w else a for a, b in FLIPS if w in (a, b))
    pos = [m.start() for m in re.finditer(w, p.text)]
    at = rng.choice(pos)
    p.text = p.text[:at] + other + p.text[at + len(w):]
    st.tables.add(p.anchor)
    return Label("narrative_direction", "narrative", [Spot(anchor=p.anchor)], f"{p.anchor}: {w} → {other}")


WRONG_CHARS = "费务事业管理支出经保障服其他"


def err_catalog_name(comp: Composition, rng: random.Random, st: Touched) -> Label | None:
    cands = []
    for t in comp.tables():
        if t.id in st.tables or t.layout != "grid":
            continue
        for i, r in enumerate(t.rows):
            if r.code and r.kind == "item":
                name_i = next((j for j, c in enumerate(r.cells) if len(c) >= 3 and not c.isdigit()
                               and not re.fullmatch(r"[\d.,]+", c)), None)
                if name_i is not None:
                    cands.append((t, i, name_i))
    if not cands:
        return None
    t, i, j = rng.choice(cands)
    row = t.rows[i]
    old = row.cells[j]
    s = list(old)
    how = rng.choice(("replace", "drop", "insert"))
    pos = rng.randrange(len(s))
    if how == "replace":
        s[pos] = rng.choice([c for c in WRONG_CHARS if c != s[pos]])
    elif how == "drop" and len(s) > 3:
        del s[pos]
    else:
        s.insert(pos, rng.choice(WRONG_CHARS))
    row.cells[j] = "".join(s)
    st.touched.add((t.id, i))
    st.tables.add(t.id)
    return Label("catalog_name", "catalog", [Spot(t.kind, row.ref, None)], f"{t.title} {row.ref}: {old} → {row.cells[j]}",
                 ("cross_table", "text"))


def _form_amount_cell(f: FormBlock) -> tuple[int, int] | None:
    for li, cells in enumerate(f.lines):
        for ci, c in enumerate(cells):
            if ("年度预算资金总额" in c or c == "预算数") and ci + 1 < len(cells):
                return li, ci + 1
    return None


def err_form_amount(comp: Composition, rng: random.Random, st: Touched) -> Label | None:
    cands = [f for f in comp.forms() if f.anchor not in st.tables and _form_amount_cell(f)]
    if not cands:
        return None
    f = rng.choice(cands)
    li, ci = _form_amount_cell(f)
    old = f.lines[li][ci]
    cents = int(round(float(old) * 100))
    new_c = cents + _delta(rng, cents)
    new = wan(new_c) if "." in old else wan(new_c).rstrip("0").rstrip(".")
    f.lines[li][ci] = new
    st.tables.add(f.anchor)
    return Label("form_amount", "performance", [Spot(anchor=f.anchor), Spot("project_expenditure", None, None)],
                 f"{f.project}: 预算资金 {old} → {new}", ("cross_table",))


YEAR = re.compile(r"(20\d\d)年")


def err_form_year(comp: Composition, rng: random.Random, st: Touched) -> Label | None:
    cands = []
    for f in comp.forms():
        if f.anchor in st.tables:
            continue
        for li, cells in enumerate(f.lines):
            for ci, c in enumerate(cells):
                if YEAR.search(c):
                    cands.append((f, li, ci))
    if not cands:
        return None
    f, li, ci = rng.choice(cands)
    c = f.lines[li][ci]
    m = YEAR.search(c)
    y = int(m.group(1))
    new_y = y - 1 if rng.random() < 0.7 else y + 1
    f.lines[li][ci] = c[: m.start(1)] + str(new_y) + c[m.end(1):]
    st.tables.add(f.anchor)
    return Label("form_year", "performance", [Spot(anchor=f.anchor)], f"{f.project}: {y}年 → {new_y}年")


def err_indicator_value(comp: Composition, rng: random.Random, st: Touched) -> Label | None:
    cands = []
    for f in comp.forms():
        if f.anchor in st.tables:
            continue
        start = next((i for i, cells in enumerate(f.lines) if any("一级指标" in c for c in cells)), None)
        if start is None:
            continue
        for li in range(start + 1, len(f.lines)):
            for ci, c in enumerate(f.lines[li]):
                if re.match(r"^[≥≤=<>]\d", c):
                    cands.append((f, li, ci))
    if not cands:
        return None
    f, li, ci = rng.choice(cands)
    c = f.lines[li][ci]
    m = re.search(r"\d+(?:\.\d+)?", c)
    n = float(m.group(0))
    new = n * rng.choice((0.5, 2, 3)) if n not in (100.0,) else rng.choice((80, 90))
    new_s = f"{new:g}" if new != int(new) else str(int(new))
    if new_s == m.group(0):
        new_s = str(int(n) + 7)
    f.lines[li][ci] = c[: m.start()] + new_s + c[m.end():]
    st.tables.add(f.anchor)
    return Label("indicator_value", "performance", [Spot(anchor=f.anchor)], f"{f.project}: {c} → {f.lines[li][ci]}")


REQUIRED_DROPPABLE = ("three_public", "basic_expenditure", "general_basic_expenditure", "fund_expenditure",
                      "capital_expenditure", "procurement", "project_expenditure")


def err_table_dropped(comp: Composition, rng: random.Random, st: Touched) -> Label | None:
    cands = [t for t in comp.tables() if t.kind in REQUIRED_DROPPABLE and t.id not in st.tables]
    if not cands:
        return None
    t = rng.choice(cands)
    comp.blocks.remove(t)
    st.tables.add(t.id)
    return Label("table_dropped", "completeness", [Spot(t.kind, anywhere=True)], f"{t.title} removed")


def err_typo(comp: Composition, rng: random.Random, st: Touched) -> Label | None:
    cands = [p for p in comp.paras() if len(p.text) > 20 and not p.anchor and not NUM_IN_TEXT.search(p.text)]
    if not cands:
        return None
    p = rng.choice(cands)
    words = [m for m in re.finditer(r"[\u4e00-\u9fff]{2}", p.text)]
    m = rng.choice(words)
    p.text = p.text[: m.end()] + m.group(0) + p.text[m.end():]  # a doubled word: 单位单位
    p.anchor = f"typo.{id(p)}"
    st.tables.add(p.anchor)
    return Label("typo_doubled_word", "text", [Spot(anchor=p.anchor)], f"doubled {m.group(0)}")


ERRORS = {
    "cell_changed": (err_cell_changed, 3),
    "digits_transposed": (err_digits_transposed, 2),
    "row_dropped": (err_row_dropped, 2),
    "subtotal_off": (err_subtotal_off, 2),
    "cross_table_amount": (err_cross_table, 2),
    "narrative_amount": (err_narrative_amount, 2),
    "narrative_percent": (err_narrative_percent, 1),
    "narrative_direction": (err_narrative_direction, 1),
    "catalog_name": (err_catalog_name, 2),
    "form_amount": (err_form_amount, 1),
    "form_year": (err_form_year, 1),
    "indicator_value": (err_indicator_value, 1),
    "table_dropped": (err_table_dropped, 1),
    "typo_doubled_word": (err_typo, 1),
}


def plant_errors(comp: Composition, rng: random.Random, count: int = 2,
                 kinds: tuple[str, ...] | None = None, state: Touched | None = None) -> list[Label]:
    """Plant ``count`` labelled errors (kinds drawn by weight). Pass the same ``state`` to
    ``apply_artefacts`` so artefacts keep away from the rows the errors touched."""
    st = state if state is not None else Touched()
    names = [k for k in ERRORS if kinds is None or k in kinds]
    weights = [ERRORS[k][1] for k in names]
    labels: list[Label] = []
    tries = 0
    while len(labels) < count and tries < count * 6:
        tries += 1
        k = rng.choices(names, weights)[0]
        lab = ERRORS[k][0](comp, rng, st)
        if lab is not None:
            labels.append(lab)
    return labels


# ---------------------------------------------------------------------------------------------
# artefacts


CJK = re.compile(r"[\u4e00-\u9fff]")
FULLWIDTH = str.maketrans("0123456789.", "０１２３４５６７８９．")


def art_split_words(comp: Composition, rng: random.Random, st: Touched) -> Artefact | None:
    n = 0
    for t in comp.tables():
        cells = [(r, j) for r in t.rows for j, c in enumerate(r.cells) if j not in r.refs and len(CJK.findall(c)) >= 5]
        for r, j in rng.sample(cells, min(len(cells), rng.randint(0, 3))):
            c = r.cells[j]
            pos = rng.randrange(2, len(c) - 1)
            r.cells[j] = c[:pos] + " " + c[pos:]
            n += 1
        for h in t.header:
            for j, c in enumerate(h):
                if len(c) >= 6 and rng.random() < 0.3:
                    pos = rng.randrange(2, len(c) - 1)
                    h[j] = c[:pos] + " " + c[pos:]
                    n += 1
    return Artefact("split_words", f"{n} cells broken by a stray space") if n else None


def _slide(row: TRow, j: int, pad: bool) -> None:
    """Drop the empty cell j: every later cell moves one column left."""
    del row.cells[j]
    row.refs = {(k - 1 if k > j else k): v for k, v in row.refs.items() if k != j}
    row.amounts = {(k - 1 if k > j else k): v for k, v in row.amounts.items() if k != j}
    if pad:
        row.cells.append("")


def _slidable(row: TRow) -> list[int]:
    """Empty amount cells with a value somewhere to their right."""
    ks = sorted(row.refs)
    return [k for k in ks if not row.cells[k].strip() and any(row.cells[m].strip() for m in ks if m > k)]


def art_slide_row(comp: Composition, rng: random.Random, st: Touched) -> Artefact | None:
    cands = [(t, i) for t in comp.tables() if t.layout == "grid" for i, r in enumerate(t.rows)
             if (t.id, i) not in st.touched and _slidable(r)]
    if not cands:
        return None
    t, i = rng.choice(cands)
    row = t.rows[i]
    j = rng.choice(_slidable(row))
    _slide(row, j, rng.random() < 0.5)
    st.touched.add((t.id, i))
    return Artefact("slide_row", f"{t.title} row {row.ref}: empty cell dropped, values slid left")


def art_slide_page(comp: Composition, rng: random.Random, st: Touched) -> Artefact | None:
    cands = []
    for t in comp.tables():
        if t.layout != "grid" or not t.page_rows or len(t.rows) <= t.page_rows:
            continue
        pages = (len(t.rows) + t.page_rows - 1) // t.page_rows
        for p in range(pages):
            rows = range(p * t.page_rows, min(len(t.rows), (p + 1) * t.page_rows))
            cols = {t.rows[i].refs[k].column for i in rows for k in _slidable(t.rows[i]) if (t.id, i) not in st.touched}
            for c in cols:
                cands.append((t, rows, c))
    if not cands:
        return None
    t, rows, column = rng.choice(cands)
    pad = rng.random() < 0.5
    n = 0
    for i in rows:
        r = t.rows[i]
        if (t.id, i) in st.touched:
            continue
        k = r.cell_of(column)
        if k is not None and k in _slidable(r):
            _slide(r, k, pad)
            st.touched.add((t.id, i))
            n += 1
    return Artefact("slide_page", f"{t.title}: empty {column} cells dropped on one page ({n} rows)") if n else None


def art_page_breaks(comp: Composition, rng: random.Random, st: Touched) -> Artefact | None:
    tables = [t for t in comp.tables() if len(t.rows) > 8]
    if not tables:
        return None
    t = rng.choice(tables)
    t.page_rows = rng.randint(5, 9)
    t.repeat_title = rng.random() < 0.5
    return Artefact("page_breaks", f"{t.title}: split into pages of {t.page_rows} rows, header repeated"
                    + (", title repeated" if t.repeat_title else ""))


def _reformat(comp: Composition, fn, tables: list[TableBlock]) -> int:
    n = 0
    for t in tables:
        for r in t.rows:
            for k in r.refs:
                if k < len(r.cells) and r.cells[k].strip():
                    new = fn(r.cells[k])
                    if new != r.cells[k]:
                        r.cells[k] = new
                        n += 1
    return n


def art_thousands(comp: Composition, rng: random.Random, st: Touched) -> Artefact | None:
    def fmt(c: str) -> str:
        if "," in c or not re.fullmatch(r"-?\d+\.\d\d", c):
            return c
        whole, frac = c.split(".")
        return f"{int(whole):,}.{frac}"

    tables = comp.tables() if rng.random() < 0.6 else rng.sample(comp.tables(), 1)
    n = _reformat(comp, fmt, tables)
    return Artefact("thousands", f"{n} amounts with thousands separators") if n else None


def art_fullwidth(comp: Composition, rng: random.Random, st: Touched) -> Artefact | None:
    t = rng.choice(comp.tables())
    n = _reformat(comp, lambda c: c.translate(FULLWIDTH) if rng.random() < 0.5 else c, [t])
    return Artefact("fullwidth", f"{t.title}: {n} amounts in full-width digits") if n else None


def art_rounding(comp: Composition, rng: random.Random, st: Touched) -> Artefact | None:
    """One leaf amount per table off by 0.01 (independently rounded parts): within tolerance."""
    n = 0
    for t in comp.tables():
        # A table in 元 prints every amount to the fen: one off in its last place is an error.
        if t.layout != "grid" or t.scale != 1 or rng.random() < 0.5:
            continue
        cands = [(i, k) for i, k in _amount_cells(t) if not _children(t, i) and (t.id, i) not in st.touched
                 and t.rows[i].amounts[k] > 100 and (t.rows[i].parent is not None or t.items_sum)]
        if not cands:
            continue
        i, k = rng.choice(cands)
        r = t.rows[i]
        _set(r, k, r.amounts[k] + rng.choice((-1, 1)))
        st.touched.add((t.id, i))
        n += 1
    return Artefact("rounding", f"{n} leaf amounts off by 0.01 (within rounding)") if n else None


def art_markup(comp: Composition, rng: random.Random, st: Touched) -> Artefact | None:
    n = 0
    for f in comp.forms():
        for cells in f.lines:
            for j, c in enumerate(cells):
                if len(c) > 40 and rng.random() < 0.5:
                    cells[j] = f"<p>{c}</p>"
                    n += 1
                elif re.fullmatch(r"[≥≤]\d+%", c) and rng.random() < 0.2:
                    cells[j] = "$" + c.replace("≥", "\\geq ").replace("≤", "\\leq ").replace("%", "\\%") + "$"
                    n += 1
    return Artefact("markup", f"{n} HTML/LaTeX fragments in forms") if n else None


def art_dash_zero(comp: Composition, rng: random.Random, st: Touched) -> Artefact | None:
    t = rng.choice([t for t in comp.tables() if t.layout == "balance"] or comp.tables())
    n = 0
    for r in t.rows:
        for k in r.refs:
            if k < len(r.cells) and r.cells[k] in ("0.00",):
                r.cells[k] = "-"
                n += 1
    return Artefact("dash_zero", f"{t.title}: zero written as '-'") if n else None


ARTEFACTS = {
    "split_words": art_split_words,
    "slide_row": art_slide_row,
    "slide_page": art_slide_page,
    "page_breaks": art_page_breaks,
    "thousands": art_thousands,
    "fullwidth": art_fullwidth,
    "rounding": art_rounding,
    "markup": art_markup,
    "dash_zero": art_dash_zero,
}


def apply_artefacts(comp: Composition, rng: random.Random, kinds: tuple[str, ...] | None = None,
                    count: int | None = None, state: Touched | None = None) -> list[Artefact]:
    """Apply a random selection of artefacts (page layout first, so page slides see the pages).
    With ``kinds`` and no ``count``, apply exactly those kinds."""
    st = state if state is not None else Touched()
    names = [k for k in ARTEFACTS if kinds is None or k in kinds]
    chosen = names if count is None and kinds is not None else rng.sample(names, min(len(names), count or rng.randint(2, 5)))
    order = ["page_breaks"] + [k for k in chosen if k != "page_breaks"]
    out = []
    for k in order:
        if k not in chosen:
            continue
        a = ARTEFACTS[k](comp, rng, st)
        if a is not None:
            out.append(a)
    return out


def resolve(labels: list[Label], anchors: dict[str, list[Region]]) -> None:
    """Give anchored spots the regions their paragraph or form was rendered at."""
    for lab in labels:
        for s in lab.spots:
            if s.anchor and s.anchor in anchors:
                s.regions = list(anchors[s.anchor])


def para_anchors(comp: Composition) -> list[Para]:
    return [p for p in comp.paras() if p.anchor]
