"""Binding: where in the model a claim's figure lives (``Claim.bounds``), read through the subjects'
sources in the narrative vocabulary. Nothing is guessed: a claim whose subject is unknown, or whose
source the document lacks, stays unbound and is only counted."""

from __future__ import annotations

from functools import lru_cache

from budgetlint.model import Cell, Claim, CodeScheme, Document, Row, RowKind, Table
from budgetlint.recognise.claims.vocab import vocab
from budgetlint.recognise.figures import (
    balance_cell,
    figure_key,
    grid_total,
    projects_listed,
    three_public_cells,
    three_public_shape,
)
from budgetlint.recognise.normalise import squash, strip_enumeration


def usable(c: Cell | None) -> Cell | None:
    """A cell a claim may be bound to: a figure of a reliably read table and an unambiguous row."""
    if c is None or not c.table.quality.readable or c.row.ambiguous or c.value.amount is None:
        return None
    return c


def three_public_value(doc: Document, key: str, year: int | None) -> Cell | None:
    """The 三公 table's figure for ``key`` (total, abroad, vehicle …) in ``year``."""
    t = doc.table("three_public")
    if year is None or t is None or not t.rows or three_public_shape(t).name not in vocab().three_public_shapes:
        return None
    return usable(three_public_cells(doc, year).get(key))


def _source(doc: Document, spec: str) -> Cell | None:
    kind, _, rest = spec.partition(":")
    if kind == "balance":
        side, key = rest.split(":")
        return usable(balance_cell(doc, "income_expenditure_summary", side, key))
    if kind == "fiscal":
        side, key = rest.split(":")
        return usable(balance_cell(doc, "fiscal_summary", side, key))
    if kind == "grid":
        table, column = rest.split(":")
        return usable(grid_total(doc, table, column))
    if kind == "three_public":
        return three_public_value(doc, rest, doc.meta.year)
    if kind == "public_if":
        if doc.meta.unit_type not in rest.split(","):
            return None
        return usable(grid_total(doc, "general_basic_expenditure", "public")) \
            or usable(grid_total(doc, "basic_expenditure", "public"))
    raise ValueError(f"unknown claim source {spec!r}")


@lru_cache(maxsize=1 << 14)  # the same row labels are compared with every claim's names
def _label_key(text: str) -> str:
    return strip_enumeration(squash(text)).strip('"')


def _names_match(label: str, name: str) -> bool:
    """A table row's label and a name printed in prose: equal, or one with "支出" added
    ("一般公共服务（类）支出" ~ 一般公共服务支出)."""
    a, b = _label_key(label), _label_key(name)
    return bool(a) and (a == b or a == b + "支出" or a + "支出" == b)


def _ancestor(t: Table, row: Row, level: int) -> Row | None:
    """The row of ``level`` that ``row`` belongs to: by code prefix, else the nearest row above of
    that level (tables named with （类）（款）（项） marks and no codes)."""
    code = row.codes.get(CodeScheme.FUNCTION)
    if code is not None and code.level > level:
        digits = "".join(code.parts[:level])
        hits = [r for r in t.rows if (c := r.codes.get(CodeScheme.FUNCTION)) is not None and c.digits == digits]
        return hits[0] if len(hits) == 1 else None
    if code is not None:
        return None
    for r in reversed(t.rows[: row.index]):
        if r.kind is RowKind.TOTAL:
            return None
        if r.level == level:
            return r
        if r.level < level:
            return None
    return None


def _item_row(t: Table, item: tuple[tuple[str, int, str | None], ...]) -> Row | None:
    """The one row of ``t`` that the printed item names, or None (not there, or not one)."""
    v = vocab()
    name, level, _ = item[-1]
    first = item[0][0]
    # leading words the clause allows ("2026年", "国家信访局") are not part of the first name
    firsts = [first[i:] for i in range(len(first) - 1) if v.neutral.fullmatch(first[:i])]
    rows = [r for r in t.rows if r.kind is RowKind.ITEM and not r.ambiguous and (level == 0 or r.level == level)]
    names = firsts if len(item) == 1 else [name]
    hits = [r for r in rows if any(_names_match(r.label, n) for n in names)]
    if [lv for _, lv, _ in item] == list(range(1, len(item) + 1)) and all(c for _, _, c in item):
        # every level's code printed ("公共安全支出（204类）司法（06款）行政运行（01项）"): the code
        # decides, the item's own name must agree; names above it may be an older catalog's
        digits = "".join(c for _, _, c in item)
        by_code = [r for r in hits if (c := r.codes.get(CodeScheme.FUNCTION)) is not None and c.digits == digits]
        return by_code[0] if len(by_code) == 1 else None
    out = []
    for r in hits:
        code = r.codes.get(CodeScheme.FUNCTION)
        ok = True
        for i, (n, lv, part) in enumerate(item):
            if code is not None and part is not None and lv and code.level >= lv and code.parts[lv - 1] != part:
                ok = False
                break
            if lv == level:
                continue
            anc = _ancestor(t, r, lv)
            if anc is None or not any(_names_match(anc.label, x) for x in (firsts if i == 0 else [n])):
                ok = False
                break
        if ok:
            out.append(r)
    return out[0] if len(out) == 1 else None


def _item_bounds(doc: Document, claim: Claim, kinds: tuple[str, ...] | None = None) -> list[Cell]:
    """The item's figure in the tables of its scope (or of ``kinds``)."""
    v = vocab()
    year = doc.meta.year
    cols = [c.replace("{year}", str(year)) for c in v.item_columns if year is not None or "{year}" not in c]
    out: list[Cell] = []
    for kind in claim.scope if kinds is None else kinds:
        for t in doc.tables_of(kind):
            if not t.quality.readable or claim.item is None:
                continue
            row = _item_row(t, claim.item)
            if row is None:
                continue
            col = next((k for c in cols if (k := figure_key(row, c)) is not None), None)
            if col is not None:
                out.append(Cell(t, row, col, row.values[col]))
    return out


def bind(doc: Document, claim: Claim) -> list[Cell]:
    """The model figures a claim speaks of (any of them may agree), or [] when unbound."""
    if claim.subject is None:
        return []
    if claim.subject == "function_item":
        return [] if _about_performance(claim) else _item_bounds(doc, claim)
    parent = claim.parent
    if parent is not None:
        if parent.subject is None and parent.amount is not None and claim.amount is not None:
            # a part of a narrowed whole ("财政拨款基本支出 X 万元，其中：…"), or of a whole the
            # prose names by a code only ("对事业单位经常性补助（505）X 万元，其中：人员经费 …")
            return []
        narrow = vocab().subjects[parent.subject].narrow_parts if parent.subject else None
        if narrow is not None and claim.subject not in narrow:
            return []  # "财政拨款支出…其中基本支出…": the fiscal part of 基本支出, not all of it
    subj = vocab().subjects[claim.subject]
    if not subj.performance and _about_performance(claim):
        return []  # "…纳入绩效目标管理，涉及财政性资金 X 万元": those projects' money, no total
    if subj.sections and not any(w in claim.heading for w in subj.sections):
        return []
    if subj.whole and any(w in squash(claim.heading) for w in vocab().narrowing_headings):
        return []  # "本年支出决算…" under "政府性基金预算财政拨款收入支出决算情况说明"
    return [b for b in (_source(doc, s) for s in subj.sources) if b is not None]


def _about_performance(claim: Claim) -> bool:
    return any(w in claim.text for w in vocab().performance)


def funds_named(text: str) -> str | None:
    """The money ``text`` names ([funds] key, first listed first), or None."""
    return next((k for k, words in vocab().funds.items() if any(w in text for w in words)), None)


def _context_funds(claim: Claim) -> str | None:
    """The money a claim's context pins it to: the whole it is a part of, else the nearest heading
    that names funds; None where nothing does."""
    v = vocab()
    parent = claim.parent
    if parent is not None and parent.subject is not None and v.subjects[parent.subject].funds:
        return v.subjects[parent.subject].funds
    return next((f for h in reversed(claim.heading.split(" / ")) if (f := funds_named(squash(h)))), None)


def readings(doc: Document, claim: Claim, bounds: list[Cell]) -> list[Cell]:
    """Where a bound claim's quantity lives under the other scopes of funds the sentence may have
    meant (the brief's "doubt the reading before the document"): a figure that agrees with one of
    them is not an error. Only the same quantity: the same row or column of another table, never a
    different figure. [] where the context pins the funds, or the claim is not bound. ``bounds``:
    the claim's binding (``bind``)."""
    v = vocab()
    if not bounds:
        return []
    if claim.subject == "function_item":
        if claim.scope != v.default_tables:
            return []  # the sentence, its lead or its heading named the funds
        kinds = tuple(dict.fromkeys(k for _, tables in v.scopes for k in tables if k not in claim.scope))
        return _item_bounds(doc, claim, kinds)
    pinned = _context_funds(claim)
    this_year = any(w in claim.text for w in v.this_year)
    out = []
    for r in v.subjects[claim.subject].readings:
        if (pinned is not None and r.funds != pinned) or (r.carry and this_year):
            continue
        b = _source(doc, r.source)
        if b is not None:
            out.append(b)
    return out


def budget_bounds(claim: Claim, bounds: list[Cell]) -> list[Cell]:
    """Final accounts: where the tables print the 年初预算 beside the 决算 figure a claim is bound
    to (``bounds``, its binding: a "budget." column of the same row), the budget figures; [] where
    they do not."""
    if claim.budget is None:
        return []
    out: list[Cell] = []
    for b in bounds:
        key = "budget." + (b.column.split(".", 1)[1] if b.column.startswith("final.") else b.column)
        v = b.row.values.get(key)
        if v is not None and v.amount is not None:
            out.append(Cell(b.table, b.row, key, v))
    return out


def is_bound(doc: Document, claim: Claim, bounds: list[Cell]) -> bool:
    """``bounds``: the claim's binding (``bind``)."""
    if claim.count is not None and claim.subject == "project":
        return projects_listed(doc) is not None
    return bool(bounds) and (claim.amount is not None or claim.change is not None or claim.flat is not None)


def bind_claims(doc: Document) -> None:
    """Binds every claim of ``doc.claims`` to the model, once, in the recognise stage."""
    year = doc.meta.year
    v = vocab()
    for c in doc.claims:
        # bound once: the budget figures, the other readings and whether it is bound all start
        # from the same binding (each asked for it again, four bindings a claim)
        bounds = c.bounds = bind(doc, c)
        c.budget_bounds = budget_bounds(c, bounds)
        c.readings = readings(doc, c, bounds)
        prev = v.subjects[c.subject].prev if c.subject is not None else None
        c.prior = three_public_value(doc, prev, year - 1) if prev is not None and year is not None else None
        c.bound = is_bound(doc, c, bounds)


def binding_stats(doc: Document) -> tuple[int, int]:
    """(claims bound to a model quantity, claims found) for the coverage."""
    return sum(1 for c in doc.claims if c.bound), len(doc.claims)
