"""Key figures of a document, read from the model: the numbers a reviewer looks at first.

Used by the evaluation (key-figure recovery), by reports, and by rules that compare documents.
Each figure is ``None`` when the document does not show it or it could not be read.
"""

from __future__ import annotations

from decimal import Decimal

from budgetlint.model import Document, Row, RowKind, Table


def _balance(doc: Document, kind: str, side: str, key: str, column: str = "amount") -> Decimal | None:
    t = doc.table(kind)
    if t is None:
        return None
    row = next((r for r in t.rows if r.side == side and r.key == key), None)
    v = row.values.get(column) if row else None
    return v.amount if v is not None else None


def _total(t: Table | None, column: str) -> Decimal | None:
    if t is None:
        return None
    row = t.total_row()
    v = row.values.get(column) if row else None
    return v.amount if v is not None else None


def three_public(doc: Document) -> dict[int | str, Decimal]:
    """三公 totals by year: {2023: …, 2024: …}; a table without year columns gives {'current': …}."""
    t = doc.table("three_public")
    if t is None:
        return {}
    if not t.rows:
        # Printed with its header but no figures: every year shown is zero.
        return {int(c.key[1:5]): Decimal(0) for c in t.amount_columns
                if c.key.startswith("y") and c.key.endswith(".total")}
    out: dict[int | str, Decimal] = {}
    for c in t.amount_columns:
        if c.key.startswith("y") and c.key.endswith(".total"):
            year = int(c.key[1:5])
            v = t.rows[0].values.get(c.key)
            if v is not None and v.amount is not None:
                out[year] = v.amount
    if not out:
        # Item rows (Hebei): the 三公 figure is the "三公"经费小计, not a 合计 that adds 会议费 and 培训费.
        sub = t.row_by_key("three_subtotal")
        v = sub.values.get("total") if sub is not None else None
        total = v.amount if v is not None else _total(t, "total")
        if total is not None:
            out["current"] = total
    return out


THREE_PUBLIC_PARTS = ("total", "abroad", "vehicle", "vehicle_purchase", "vehicle_operation", "reception")


def three_public_items(doc: Document, year: int | None) -> dict[str, tuple[Table, Row, str]]:
    """三公 items of one year → (table, row, column key): from year columns ("y2024.abroad") in the
    Shandong layout, or from item rows (一、因公出国（境）费 …) with a 合计 column in the Hebei one."""
    from budgetlint.recognise.vocab import default_vocabulary, label_key

    t = doc.table("three_public")
    if t is None or not t.rows:
        return {}
    out: dict[str, tuple[Table, Row, str]] = {}
    prefix = f"y{year}." if year else ""
    year_cols = {c.key for c in t.amount_columns if c.key.startswith("y")}
    if year_cols:
        if not prefix:
            return {}
        for part in THREE_PUBLIC_PARTS:
            if prefix + part in year_cols:
                out[part] = (t, t.rows[0], prefix + part)
        return out
    if year is not None and doc.meta.year is not None and year != doc.meta.year:
        return {}  # item rows show the budget year only
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
        "personnel_total": _total(doc.table("general_basic_expenditure"), "personnel"),
        "public_total": _total(doc.table("general_basic_expenditure"), "public"),
        "three_public_prev": tp.get(year - 1) if year else None,
        "three_public_curr": tp.get(year) if year and year in tp else tp.get("current"),
        "procurement_total": _total(doc.table("procurement"), "total"),
        "project_count": (sum(1 for r in projects.rows if r.kind is RowKind.ITEM and r.label)
                          if projects is not None else None),
        "performance_form_count": len(doc.forms),
    }
