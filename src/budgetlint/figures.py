"""Key figures of a document, read from the model: the numbers a reviewer looks at first.

Used by the evaluation (key-figure recovery), by reports, and by rules that compare documents.
Each figure is ``None`` when the document does not show it or it could not be read.
"""

from __future__ import annotations

import re
from decimal import Decimal

from budgetlint.model import Document, Row, RowKind, Table


def _balance(doc: Document, kind: str, side: str, key: str, column: str = "amount") -> Decimal | None:
    t = doc.table(kind)
    if t is None:
        return None
    row = next((r for r in t.rows if r.side == side and r.key == key), None)
    v = row.values.get(column) if row else None
    return v.amount if v is not None else None


def _value(row: Row | None, column: str) -> Decimal | None:
    """A row's figure in ``column``, or where the table prints it (决算数 columns: final.total …)."""
    if row is None:
        return None
    from budgetlint.recognise.vocab import default_vocabulary

    for key in default_vocabulary().aliases(column):
        v = row.values.get(key)
        if v is not None:
            return v.amount
    return None


def _total(t: Table | None, column: str) -> Decimal | None:
    if t is None:
        return None
    return _value(t.total_row(), column)


def _basic_part(t: Table | None, part: str) -> Decimal | None:
    """人员 / 公用 of basic expenditure: the 合计 line's column, or (决算, the two side by side) the
    人员经费合计 / 公用经费合计 line."""
    found = _total(t, part)
    if found is None and t is not None:
        found = _value(t.row_by_key(f"{part}_total"), "amount")
    return found


_YEAR_LABEL = re.compile(r"^((?:19|20)\d\d)\s*年?")


def _total_columns(t: Table) -> list[str]:
    """Columns under the table's 合计/总计 heading (深圳: 总计 → 一般公共预算 | 政府性基金 | 国有资本)."""
    from budgetlint.recognise.vocab import default_vocabulary, label_key

    totals = default_vocabulary().generic_totals
    return [c.key for c in t.amount_columns if c.additive and len(c.header) > 1 and label_key(c.header[0]) in totals]


def three_public(doc: Document) -> dict[int | str, Decimal]:
    """三公 totals by year: {2023: …, 2024: …}; a table without year columns gives {'current': …}.

    Final accounts (预算数 | 决算数 under each item, or one line each) give the 决算数 for the
    document's year and the 预算数 under 'budget'."""
    t = doc.table("three_public")
    if t is None:
        return {}
    stages = {c.key.split(".", 1)[0] for c in t.amount_columns if c.key.startswith(("final.", "budget."))}
    if not t.rows:
        # Printed with its header but no figures: every year shown is zero.
        out0: dict[int | str, Decimal] = {int(c.key[1:5]): Decimal(0) for c in t.amount_columns
                                          if c.key.startswith("y") and c.key.endswith(".total")}
        if "final" in stages:
            out0[doc.meta.year or "current"] = Decimal(0)
            out0["budget"] = Decimal(0)
        return out0
    out: dict[int | str, Decimal] = {}
    for c in t.amount_columns:
        if c.key.startswith("y") and c.key.endswith(".total"):
            year = int(c.key[1:5])
            v = t.rows[0].values.get(three_total_key(t, f"y{year}."))
            if v is not None and v.amount is not None:
                out[year] = v.amount
    if not out and "final" in stages:
        for stage, where in (("final", doc.meta.year or "current"), ("budget", "budget")):
            found = _value(t.rows[0], f"{stage}.total")
            if found is not None:
                out[where] = found
        return out
    staged = {r.key: r for r in t.rows if r.key in ("final", "budget")}
    if not out and "final" in staged:
        # One line per figure (西安: 预算数 / 决算数 rows under the items).
        for stage, where in (("final", doc.meta.year or "current"), ("budget", "budget")):
            found = _value(staged.get(stage), "total")
            if found is not None:
                out[where] = found
        return out
    if not out and "year" in {c.role for c in t.columns}:
        # One line per year (深圳: 2025年 | 2026年 | 增减变化金额), the total split by fund type.
        cols = _total_columns(t)
        for r in t.rows:
            m = _YEAR_LABEL.match(r.texts.get("year", ""))
            vals = [r.values[k].amount for k in cols if k in r.values]
            if m and cols and None not in vals:
                out[int(m.group(1))] = sum(vals, Decimal(0))
        if out:
            return out
    if not out:
        # Item rows (Hebei): the 三公 figure is the "三公"经费小计, not a 合计 that adds 会议费 and 培训费.
        # One figure column under another name (福建: 项目 | 预算数) is read as the 合计 column.
        col = "total" if t.column("total") or not t.amount_columns else t.amount_columns[0].key
        if col == "total":
            col = three_total_key(t)
        sub = t.row_by_key("three_subtotal")
        v = sub.values.get(col) if sub is not None else None
        total = v.amount if v is not None else _total(t, col)
        if total is None and len(t.rows) == 1 and t.rows[0].kind is RowKind.ITEM:
            # One line of figures under 合计 | 因公出国（境）费 | … (上海, 中央): its 合计 is the total.
            total = _value(t.rows[0], "total")
        if total is not None:
            out["current"] = total
    return out


THREE_PUBLIC_PARTS = ("total", "abroad", "vehicle", "vehicle_purchase", "vehicle_operation", "reception")


def three_total_key(t: Table, prefix: str = "") -> str:
    """The column holding the 三公 total: the 三公 group's 小计 where the table's 合计 also adds
    会议费 and 培训费 (西安 表13: 合计 | 一般公共预算拨款安排的“三公”经费预算 (小计 | …) | 会议费 | 培训费),
    else the 合计."""
    return prefix + ("three_subtotal" if t.column(prefix + "three_subtotal") else "total")


def _column_part(t: Table, prefix: str, part: str) -> str:
    return three_total_key(t, prefix) if part == "total" else prefix + part


def three_public_items(doc: Document, year: int | None) -> dict[str, tuple[Table, Row, str]]:
    """三公 items of one year → (table, row, column key): from year columns ("y2024.abroad") in the
    Shandong layout, or from item rows (一、因公出国（境）费 …) with a 合计 column in the Hebei one."""
    from budgetlint.recognise.vocab import default_vocabulary, label_key

    t = doc.table("three_public")
    if t is None or not t.rows:
        return {}
    out: dict[str, tuple[Table, Row, str]] = {}
    same_year = year is None or doc.meta.year is None or year == doc.meta.year
    keys = {c.key for c in t.amount_columns}
    if any(k.startswith("final.") for k in keys):
        # 决算: 预算数 | 决算数 under each item; the 决算数 is the year's figure.
        return {p: (t, t.rows[0], f"final.{p}") for p in THREE_PUBLIC_PARTS if f"final.{p}" in keys} if same_year else {}
    final_row = next((r for r in t.rows if r.key == "final"), None)
    if final_row is not None:
        return {p: (t, final_row, p) for p in THREE_PUBLIC_PARTS if p in keys} if same_year else {}
    if year is not None and "year" in {c.role for c in t.columns}:
        row = next((r for r in t.rows if _YEAR_LABEL.match(r.texts.get("year", ""))
                    and int(_YEAR_LABEL.match(r.texts["year"]).group(1)) == year), None)
        if row is None:
            return {}
        # 深圳: each item split by fund type; 一般公共预算 is the part the basic-expenditure tables show.
        for p in THREE_PUBLIC_PARTS:
            key = "general" if p == "total" else f"{p}.general"
            if key in keys:
                out[p] = (t, row, key)
        return out
    prefix = f"y{year}." if year else ""
    year_cols = {c.key for c in t.amount_columns if c.key.startswith("y")}
    if year_cols:
        if not prefix:
            return {}
        for part in THREE_PUBLIC_PARTS:
            if _column_part(t, prefix, part) in year_cols:
                out[part] = (t, t.rows[0], _column_part(t, prefix, part))
        return out
    if year is not None and doc.meta.year is not None and year != doc.meta.year:
        return {}  # item rows show the budget year only
    total_row = t.total_row()
    if total_row is not None and keys & {"abroad", "reception", "vehicle"}:
        # Items as columns, one line per 预算单位 under the 合计 line (湖州; 西安 表13 of one year):
        # the total is the 三公 小计, the 合计, or the first column ("“三公”经费合计").
        cols = {p: _column_part(t, "", p) for p in THREE_PUBLIC_PARTS}
        if cols["total"] not in keys:
            cols["total"] = t.amount_columns[0].key
        return {p: (t, total_row, k) for p, k in cols.items() if k in keys}
    vocab = default_vocabulary()
    col = "total" if t.column("total") else (t.amount_columns[0].key if t.amount_columns else None)
    if col is None:
        return {}
    for r in t.rows:
        if r.key == "three_subtotal":
            out["total"] = (t, r, col)  # the 三公 total proper, without 会议费 / 培训费
            continue
        if r.kind is RowKind.TOTAL:
            out.setdefault("total", (t, r, col))
            continue
        key = r.key or vocab.column_key(r.label) or vocab.amount_words.get(label_key(r.label))
        if key in THREE_PUBLIC_PARTS and key not in out:
            out[key] = (t, r, col)
    return out


def _first(*values: Decimal | None) -> Decimal | None:
    return next((v for v in values if v is not None), None)


def key_figures(doc: Document) -> dict[str, Decimal | int | None]:
    year = doc.meta.year
    tp = three_public(doc)
    projects = doc.table("project_expenditure")
    return {
        "income_total": _balance(doc, "income_expenditure_summary", "income", "grand_total"),
        "expenditure_total": _balance(doc, "income_expenditure_summary", "expenditure", "grand_total"),
        "income_current_year": _balance(doc, "income_expenditure_summary", "income", "current_total"),
        "expenditure_current_year": _balance(doc, "income_expenditure_summary", "expenditure", "current_total"),
        "fiscal_total": _balance(doc, "fiscal_summary", "income", "current_total"),
        "general_public": _balance(doc, "income_expenditure_summary", "income", "general"),
        "basic_total": _total(doc.table("expenditure_summary"), "basic"),
        "project_total": _total(doc.table("expenditure_summary"), "project"),
        "personnel_total": _basic_part(doc.table("general_basic_expenditure"), "personnel"),
        "public_total": _basic_part(doc.table("general_basic_expenditure"), "public"),
        "three_public_prev": tp.get(year - 1) if year else None,
        "three_public_curr": tp.get(year) if year and year in tp else tp.get("current"),
        "procurement_total": _first(_total(doc.table("procurement"), "total"),
                                    _total(doc.table("procurement"), "amount")),  # 北京: 金额 only
        "project_count": (sum(1 for r in projects.rows if r.kind is RowKind.ITEM and r.label)
                          if projects is not None else None),
        "performance_form_count": len(doc.forms),
    }
