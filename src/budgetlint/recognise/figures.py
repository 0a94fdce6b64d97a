"""The figure resolver: where a document's key figures live in the model.

One place answers "which cell holds figure X": the rows of the balance tables, the 合计 line of a
grid, and the 三公 table's total and items by year. Narrative claims are bound through it
(``recognise/claims/bind.py``), rules compare through it (BL209) and the key figures that the
evaluation, the reports and the tests read come from it. It reads the model only.

The 三公 table is printed in several shapes. Each shape is one entry of ``THREE_PUBLIC_SHAPES``,
tried in order: the first whose columns and rows fit the table says where each item's figure is.
A new shape is a new entry, never a branch in a caller.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from budgetlint.model import Cell, Column, DocKind, Document, Row, RowKind, Table
from budgetlint.recognise.normalise import squash
from budgetlint.recognise.vocab import default_vocabulary, label_key

# The 三公 items, "total" first: the 三公 total proper (never a 合计 that also adds 会议费 / 培训费);
# 机关运行经费 is printed in the same table.
THREE_PUBLIC_PARTS = ("total", "abroad", "vehicle", "vehicle_purchase", "vehicle_operation", "reception",
                      "admin_operation")
FIGURES = Path(__file__).resolve().parents[1] / "templates" / "figures.toml"
_YEAR_LABEL = re.compile(r"^((?:19|20)\d\d)\s*年?")
# The header of one figure column of an items-as-rows 三公 table, every part of it (squashed): a
# printed year or one relative to the document's, then which figure ("2023年预算数", "上年预算数",
# "本年", "预算数", "决算数"). Anything else ("增减", "合计", "一般公共预算") is no year's figure.
_FIGURE_HEAD = re.compile(
    r"^(?:(?P<year>(?:19|20)\d\d)年?度?|(?P<rel>上年度?|上一年度?|本年度?|当年|今年))?"
    r"(?P<stage>年初预算数?|预算数?|预算金额|决算数?|决算金额|预计执行数?|执行数?)?$")
_RELATIVE_YEARS = {"上年": -1, "上年度": -1, "上一年": -1, "上一年度": -1,
                   "本年": 0, "本年度": 0, "当年": 0, "今年": 0}
_FINALS = (DocKind.DEPARTMENT_FINAL, DocKind.UNIT_FINAL)


# --- cells of a row ---------------------------------------------------------------------------


def figure_key(row: Row, column: str) -> str | None:
    """``column``, or the first alias a table prints it under (final accounts: 本年支出 for 合计),
    that holds a figure in ``row``."""
    return next((k for k in default_vocabulary().aliases(column)
                 if (x := row.values.get(k)) is not None and x.amount is not None), None)


def cell(t: Table, row: Row | None, column: str) -> Cell | None:
    """The figure of ``row`` in ``column`` (or where the table prints it), or None."""
    if row is None:
        return None
    key = figure_key(row, column)
    return Cell(t, row, key, row.values[key]) if key is not None else None


def amount(c: Cell | None) -> Decimal | None:
    return c.value.amount if c is not None else None


def balance_cell(doc: Document, kind: str, side: str, key: str, column: str = "amount") -> Cell | None:
    """A balance table's row of ``key`` on ``side`` (收入 / 支出)."""
    t = doc.table(kind)
    if t is None:
        return None
    return cell(t, next((r for r in t.rows if r.side == side and r.key == key), None), column)


def total_cell(t: Table | None, column: str) -> Cell | None:
    """A grid's 合计 line in ``column``."""
    return cell(t, t.total_row(), column) if t is not None else None


def grid_total(doc: Document, kind: str, column: str) -> Cell | None:
    return total_cell(doc.table(kind), column)


def projects_listed(doc: Document) -> int | None:
    """Number of projects the project tables list, or None when the document has none."""
    if not doc.tables_of("project_expenditure"):
        return None
    return len(doc.projects)


# --- the 三公 table ----------------------------------------------------------------------------


def three_total_key(t: Table, prefix: str = "") -> str:
    """The column holding the 三公 total: the 三公 group's 小计 where the table's 合计 also adds
    会议费 and 培训费 (合计 | 一般公共预算拨款安排的“三公”经费预算 (小计 | …) | 会议费 | 培训费), else the 合计."""
    return prefix + ("three_subtotal" if t.column(prefix + "three_subtotal") else "total")


@lru_cache(maxsize=1)
def _part_words() -> dict[str, tuple[str, ...]]:
    data = tomllib.loads(FIGURES.read_text("utf-8"))
    return {k: tuple(squash(w) for w in ws) for k, ws in data["three_public"]["column_words"].items()}


def _by_header(t: Table, part: str) -> str | None:
    """The column of ``part``: by its key, else by the words of its header (an unkeyed column)."""
    if t.column(part) is not None:
        return part
    hits = [c.key for c in t.amount_columns if any(w in squash(c.label) for w in _part_words().get(part, ()))]
    return hits[0] if len(hits) == 1 else None


def _keys(t: Table) -> set[str]:
    return {c.key for c in t.amount_columns}


def _year_of(row: Row) -> int | None:
    m = _YEAR_LABEL.match(row.texts.get("year", ""))
    return int(m.group(1)) if m else None


@dataclass(frozen=True, slots=True)
class Shape:
    """One way the 三公 table is printed.

    ``fits``: the table is of this shape. ``parts``: the item → cell of one year (``year`` None:
    the year the table shows alone). ``totals``: the 三公 total of every year it shows ({year: …},
    or {"current": …} where it names no year, and {"budget": …} for a final account's 预算数).
    ``budget_year_only``: the figures are of the document's year and no other. ``budget``: a final
    account's 预算数 of each item (the budget it is measured against), where the shape prints it."""

    name: str
    fits: Callable[[Table], bool]
    parts: Callable[[Document, Table, int | None], dict[str, Cell]]
    totals: Callable[[Document, Table], dict[int | str, Decimal]]
    budget_year_only: bool = True
    budget: Callable[[Document, Table], dict[str, Cell]] | None = None


def _year_columns_parts(doc: Document, t: Table, year: int | None) -> dict[str, Cell]:
    if year is None:
        return {}
    prefix = f"y{year}."
    out: dict[str, Cell] = {}
    for part in THREE_PUBLIC_PARTS:
        key = three_total_key(t, prefix) if part == "total" else prefix + part
        v = t.rows[0].values.get(key) if t.column(key) is not None else None
        if v is not None:
            out[part] = Cell(t, t.rows[0], key, v)
    return out


def _year_columns_totals(doc: Document, t: Table) -> dict[int | str, Decimal]:
    out: dict[int | str, Decimal] = {}
    for c in t.amount_columns:
        if c.key.startswith("y") and c.key.endswith(".total"):
            year = int(c.key[1:5])
            v = t.rows[0].values.get(three_total_key(t, f"y{year}."))
            if v is not None and v.amount is not None:
                out[year] = v.amount
    return out


def _stage_columns_parts(doc: Document, t: Table, year: int | None) -> dict[str, Cell]:
    """Final accounts: 预算数 | 决算数 under each item; the 决算数 is the year's figure."""
    keys = _keys(t)
    return {p: Cell(t, t.rows[0], f"final.{p}", t.rows[0].values[f"final.{p}"])
            for p in THREE_PUBLIC_PARTS if f"final.{p}" in keys and f"final.{p}" in t.rows[0].values}


def _stage_columns_budget(doc: Document, t: Table) -> dict[str, Cell]:
    keys = _keys(t)
    return {p: Cell(t, t.rows[0], f"budget.{p}", t.rows[0].values[f"budget.{p}"])
            for p in THREE_PUBLIC_PARTS if f"budget.{p}" in keys and f"budget.{p}" in t.rows[0].values}


def _stage_columns_totals(doc: Document, t: Table) -> dict[int | str, Decimal]:
    out: dict[int | str, Decimal] = {}
    for stage, where in (("final", doc.meta.year or "current"), ("budget", "budget")):
        found = amount(cell(t, t.rows[0], f"{stage}.total"))
        if found is not None:
            out[where] = found
    return out


def _stage_rows_parts(doc: Document, t: Table, year: int | None, stage: str = "final") -> dict[str, Cell]:
    """One line per figure (预算数 / 决算数 rows under the item columns)."""
    row = t.row_by_key(stage)
    if row is None:
        return {}
    keys = _keys(t)
    return {p: Cell(t, row, p, row.values[p]) for p in THREE_PUBLIC_PARTS if p in keys and p in row.values}


def _stage_rows_budget(doc: Document, t: Table) -> dict[str, Cell]:
    return _stage_rows_parts(doc, t, None, "budget")


def _stage_rows_totals(doc: Document, t: Table) -> dict[int | str, Decimal]:
    out: dict[int | str, Decimal] = {}
    for stage, where in (("final", doc.meta.year or "current"), ("budget", "budget")):
        found = amount(cell(t, t.row_by_key(stage), "total"))
        if found is not None:
            out[where] = found
    return out


def _year_rows_parts(doc: Document, t: Table, year: int | None) -> dict[str, Cell]:
    """One line per year, each item split by fund type: 一般公共预算 is the part the
    basic-expenditure tables show."""
    row = next((r for r in t.rows if year is not None and _year_of(r) == year), None)
    if row is None:
        return {}
    out: dict[str, Cell] = {}
    for p in THREE_PUBLIC_PARTS:
        key = "general" if p == "total" else f"{p}.general"
        if t.column(key) is not None and key in row.values:
            out[p] = Cell(t, row, key, row.values[key])
    return out


def _total_columns(t: Table) -> list[str]:
    """Columns under the table's 合计/总计 heading (总计 → 一般公共预算 | 政府性基金 | 国有资本)."""
    totals = default_vocabulary().generic_totals
    return [c.key for c in t.amount_columns if c.additive and len(c.header) > 1 and label_key(c.header[0]) in totals]


def _year_rows_totals(doc: Document, t: Table) -> dict[int | str, Decimal]:
    """The total of all funds: the sum of the columns under the 合计 heading."""
    cols = _total_columns(t)
    out: dict[int | str, Decimal] = {}
    for r in t.rows:
        year = _year_of(r)
        vals = [r.values[k].amount for k in cols if k in r.values]
        if year is not None and cols and None not in vals and year not in out:
            # the first line of each year: the department's, before its units' lines (深圳 表)
            out[year] = sum(vals, Decimal(0))
    return out


def _item_columns_parts(doc: Document, t: Table, year: int | None) -> dict[str, Cell]:
    """Items as columns, one line per 预算单位 under the 合计 line: the total is the 三公 小计,
    the 合计, or the first column ("“三公”经费合计")."""
    return _row_parts(t, t.total_row(), lambda p: _item_column(t, p))


def _item_column(t: Table, part: str) -> str | None:
    if part != "total":
        return _by_header(t, part)
    if t.column("three_subtotal") is not None:
        return "three_subtotal"
    return _by_header(t, "total") or (t.amount_columns[0].key if t.amount_columns else None)


def _current(found: Decimal | None) -> dict[int | str, Decimal]:
    return {"current": found} if found is not None else {}


def _item_columns_totals(doc: Document, t: Table) -> dict[int | str, Decimal]:
    return _current(amount(_item_columns_parts(doc, t, None).get("total")))


def _one_line_parts(doc: Document, t: Table, year: int | None) -> dict[str, Cell]:
    """One line of figures under 合计 | 因公出国（境）费 | … | 机关运行经费."""
    return _row_parts(t, t.rows[0], lambda p: _by_header(t, p))


def _row_parts(t: Table, row: Row, column_of: Callable[[str], str | None]) -> dict[str, Cell]:
    """The 三公 parts printed on one line, each in the column ``column_of`` names."""
    out: dict[str, Cell] = {}
    for p in THREE_PUBLIC_PARTS:
        key = column_of(p)
        if key is not None and key in row.values:
            out[p] = Cell(t, row, key, row.values[key])
    return out


def _one_line_totals(doc: Document, t: Table) -> dict[int | str, Decimal]:
    return _current(amount(cell(t, t.rows[0], "total")))


def _item_row_map(t: Table) -> dict[str, Row]:
    """The line of each 三公 item in a table printing the items as rows. The total is the
    "三公"经费小计 line, else the 合计 line unless the table also lists 会议费 / 培训费 (then its 合计
    adds them and is not the 三公 total)."""
    vocab = default_vocabulary()
    rows: dict[str, Row] = {}
    subtotal = others = False
    for r in t.rows:
        if r.key == "three_subtotal":
            rows["total"], subtotal = r, True
            continue
        if r.kind is RowKind.TOTAL:
            rows.setdefault("total", r)
            continue
        key = r.key or vocab.column_key(r.label) or vocab.amount_words.get(label_key(r.label))
        others = others or key in ("meeting", "training")
        if key in THREE_PUBLIC_PARTS and key not in rows:
            rows[key] = r
    if others and not subtotal:
        rows.pop("total", None)
    return rows


def _item_rows_parts(doc: Document, t: Table, year: int | None) -> dict[str, Cell]:
    """Item rows (一、因公出国（境）费 …) under one figure column: the 合计, or one column under
    another name (项目 | 预算数). The total is the "三公"经费小计 line, not a 合计 that adds 会议费 and 培训费."""
    col = "total" if t.column("total") else (t.amount_columns[0].key if t.amount_columns else None)
    if col is None:
        return {}
    return {p: Cell(t, r, col, r.values[col]) for p, r in _item_row_map(t).items() if col in r.values}


def _item_rows_totals(doc: Document, t: Table) -> dict[int | str, Decimal]:
    col = "total" if t.column("total") or not t.amount_columns else t.amount_columns[0].key
    if col == "total":
        col = three_total_key(t)
    sub = t.row_by_key("three_subtotal")
    v = sub.values.get(col) if sub is not None else None
    found = v.amount if v is not None else amount(total_cell(t, col))
    return _current(found)


def _figure_head(c: Column) -> tuple[int | None, int | None, str | None] | None:
    """(printed year, year relative to the document's, figure) of a figure column of an
    items-as-rows table, from its header ("2024年预算数", "上年预算数", "决算数"), or None where the
    header says something else. The figure: "budget", "final", "execution" or None (unsaid)."""
    year = rel = stage = None
    said = False
    for part in c.header or (c.label,):
        m = _FIGURE_HEAD.match(squash(part))
        if m is None:
            return None
        if not any(m.groups()):
            continue  # an empty header cell above the column
        said = True
        if m["year"] or m["rel"]:
            if year is not None or rel is not None:
                return None  # two years on one column
            year = int(m["year"]) if m["year"] else None
            rel = _RELATIVE_YEARS[m["rel"]] if m["rel"] else None
        if m["stage"]:
            word = m["stage"]
            this = "final" if word.startswith("决算") else "execution" if "执行" in word else "budget"
            if stage is not None and stage != this:
                return None
            stage = this
    return (year, rel, stage) if said else None


def _figure_columns(t: Table) -> dict[str, tuple[int | None, int | None, str | None]]:
    return {c.key: head for c in t.amount_columns if (head := _figure_head(c)) is not None}


def _fits_figure_columns(t: Table) -> bool:
    """Items as rows (因公出国（境）费, 公务接待费 … lines) under columns that say which year or which
    figure each holds: 2023年预算数 | 2024年预算数 | 增减, 上年预算数 | 本年预算数, 预算数 | 决算数."""
    if not any(r.key in ("abroad", "vehicle", "reception", "three_subtotal") for r in t.rows):
        return False
    if _keys(t) & {"abroad", "vehicle", "reception"}:
        return False  # the items are columns
    heads = list(_figure_columns(t).values())
    dated = [h for h in heads if h[0] is not None or h[1] is not None]
    return bool(dated) or len({h[2] for h in heads}) > 1


def _column_of(doc: Document, t: Table, year: int | None, stage: str) -> str | None:
    """The one column holding ``stage``'s figure of ``year`` (None: the document's year), or None
    where no column or more than one does.

    A budget's figure of a year is a column of that year saying 预算数 or no figure (never an
    执行数); a final account's figure of its year is its 决算数, and its 预算数 of its own year is the
    budget it is measured against. A column naming no year is of the document's year; a column
    named relative to the document's year (上年, 本年) needs that year."""
    final = doc.meta.kind in _FINALS
    own = doc.meta.year
    year = own if year is None else year
    if year is None:
        return None
    hits = []
    for key, (printed, rel, said) in _figure_columns(t).items():
        if printed is not None:
            at = printed
        elif rel is not None:
            if own is None:
                continue
            at = own + rel
        else:
            at = own if said is not None else None  # a bare figure word: the document's own year
        if at != year:
            continue
        if stage == "final":
            ok = said == "final" if final else said in (None, "budget")
        else:  # a final account's budget column
            ok = final and said == "budget"
        if ok:
            hits.append(key)
    return hits[0] if len(hits) == 1 else None


def _figure_columns_cells(t: Table, col: str | None) -> dict[str, Cell]:
    if col is None:
        return {}
    return {p: Cell(t, r, col, r.values[col]) for p, r in _item_row_map(t).items()
            if col in r.values and r.ambiguous is None}


def _figure_columns_parts(doc: Document, t: Table, year: int | None) -> dict[str, Cell]:
    return _figure_columns_cells(t, _column_of(doc, t, year, "final"))


def _figure_columns_budget(doc: Document, t: Table) -> dict[str, Cell]:
    return _figure_columns_cells(t, _column_of(doc, t, None, "budget"))


def _figure_columns_totals(doc: Document, t: Table) -> dict[int | str, Decimal]:
    out: dict[int | str, Decimal] = {}
    years = {h[0] if h[0] is not None else (doc.meta.year + h[1] if h[1] is not None and doc.meta.year else None)
             for h in _figure_columns(t).values()} | {doc.meta.year}
    for year in sorted(y for y in years if y is not None):
        found = amount(_figure_columns_parts(doc, t, year).get("total"))
        if found is not None:
            out[year] = found
    budget = amount(_figure_columns_budget(doc, t).get("total"))
    if budget is not None:
        out["budget"] = budget
    return out


def _has_year_columns(t: Table) -> bool:
    return any(c.key.startswith("y") and "." in c.key for c in t.amount_columns)


THREE_PUBLIC_SHAPES: tuple[Shape, ...] = (
    # items as rows under columns saying which year or figure each holds (项目 | 2023年预算数 |
    # 2024年预算数 | 增减; 上年预算数 | 本年预算数; a final account's 预算数 | 决算数)
    Shape("item rows by column", _fits_figure_columns, _figure_columns_parts, _figure_columns_totals,
          budget_year_only=False, budget=_figure_columns_budget),
    # year groups of item columns (2024年 | 2025年, each 合计 | 因公出国（境）费 | …), one line
    Shape("year columns", _has_year_columns, _year_columns_parts, _year_columns_totals, budget_year_only=False),
    # final accounts: 预算数 | 决算数 under each item, one line
    Shape("stage columns", lambda t: any(k.startswith("final.") for k in _keys(t)),
          _stage_columns_parts, _stage_columns_totals, budget=_stage_columns_budget),
    # final accounts: one line per figure (预算数 / 决算数) under the item columns
    Shape("stage rows", lambda t: t.row_by_key("final") is not None, _stage_rows_parts, _stage_rows_totals,
          budget=_stage_rows_budget),
    # one line per year (2025年 | 2026年 | 增减变化金额), each item split by fund type
    Shape("year rows", lambda t: any(c.role == "year" for c in t.columns), _year_rows_parts, _year_rows_totals,
          budget_year_only=False),
    # items as columns, one line per 预算单位 under the 合计 line
    Shape("item columns", lambda t: t.total_row() is not None and bool(_keys(t) & {"abroad", "reception", "vehicle"}),
          _item_columns_parts, _item_columns_totals),
    # one line of figures under 合计 | 因公出国（境）费 | …
    Shape("one line", lambda t: len(t.rows) == 1 and t.rows[0].kind is not RowKind.TOTAL,
          _one_line_parts, _one_line_totals),
    # item rows under one figure column
    Shape("item rows", lambda t: True, _item_rows_parts, _item_rows_totals),
)


def three_public_shape(t: Table) -> Shape:
    return next(s for s in THREE_PUBLIC_SHAPES if s.fits(t))


def three_public_cells(doc: Document, year: int | None) -> dict[str, Cell]:
    """The 三公 items of ``year`` (``None``: the year the table shows) → their cells."""
    t = doc.table("three_public")
    if t is None or not t.rows:
        return {}
    shape = three_public_shape(t)
    if shape.budget_year_only and year is not None and doc.meta.year is not None and year != doc.meta.year:
        return {}  # the table shows the budget year only
    return shape.parts(doc, t, year)


def three_public_budget_cells(doc: Document) -> dict[str, Cell]:
    """A final account's 三公 预算数 (the budget its 决算数 is measured against): item → cell; empty
    where the table prints none or the document is no final account."""
    t = doc.table("three_public")
    if t is None or not t.rows or doc.meta.kind not in _FINALS:
        return {}
    shape = three_public_shape(t)
    return shape.budget(doc, t) if shape.budget is not None else {}


def three_public(doc: Document) -> dict[int | str, Decimal]:
    """三公 totals by year: {2023: …, 2024: …}; a table without year columns gives {'current': …};
    a final account gives the 决算数 for the document's year and the 预算数 under 'budget'."""
    t = doc.table("three_public")
    if t is None:
        return {}
    if not t.rows:
        # Printed with its header but no figures: every year shown is zero.
        out: dict[int | str, Decimal] = {int(c.key[1:5]): Decimal(0) for c in t.amount_columns
                                         if c.key.startswith("y") and c.key.endswith(".total")}
        if any(c.key.startswith("final.") for c in t.amount_columns):
            out[doc.meta.year or "current"] = Decimal(0)
            out["budget"] = Decimal(0)
        return out
    return three_public_shape(t).totals(doc, t)


# --- key figures ------------------------------------------------------------------------------


def _basic_part(t: Table | None, part: str) -> Decimal | None:
    """人员 / 公用 of basic expenditure: the 合计 line's column, or (决算, the two side by side) the
    人员经费合计 / 公用经费合计 line."""
    found = amount(total_cell(t, part))
    if found is None and t is not None:
        found = amount(cell(t, t.row_by_key(f"{part}_total"), "amount"))
    return found


def _first(*values: Decimal | None) -> Decimal | None:
    return next((v for v in values if v is not None), None)


def key_figures(doc: Document) -> dict[str, Decimal | int | None]:
    """The numbers a reviewer looks at first; each ``None`` where the document does not show it."""
    year = doc.meta.year
    tp = three_public(doc)
    summary = doc.table("expenditure_summary")

    def balance(key: str, side: str = "income", kind: str = "income_expenditure_summary") -> Decimal | None:
        return amount(balance_cell(doc, kind, side, key))

    return {
        "income_total": balance("grand_total"),
        "expenditure_total": balance("grand_total", "expenditure"),
        "income_current_year": balance("current_total"),
        "expenditure_current_year": balance("current_total", "expenditure"),
        "fiscal_total": balance("current_total", kind="fiscal_summary"),
        "general_public": balance("general"),
        "basic_total": amount(total_cell(summary, "basic")),
        "project_total": amount(total_cell(summary, "project")),
        "personnel_total": _basic_part(doc.table("general_basic_expenditure"), "personnel"),
        "public_total": _basic_part(doc.table("general_basic_expenditure"), "public"),
        "three_public_prev": tp.get(year - 1) if year else None,
        "three_public_curr": tp.get(year) if year and year in tp else tp.get("current"),
        "procurement_total": _first(amount(grid_total(doc, "procurement", "total")),
                                    amount(grid_total(doc, "procurement", "amount"))),  # 金额 only
        "project_count": projects_listed(doc),
        "performance_form_count": len(doc.forms),
    }
