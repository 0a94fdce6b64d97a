"""Key figures of a document, read from the model: the numbers a reviewer looks at first.

Used by the evaluation (key-figure recovery), by reports, and by rules that compare documents.
Each figure is ``None`` when the document does not show it or it could not be read.
"""

from __future__ import annotations

from decimal import Decimal

from budgetlint.model import Document, RowKind, Table


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
    if t is None or not t.rows:
        return {}
    out: dict[int | str, Decimal] = {}
    for c in t.amount_columns:
        if c.key.startswith("y") and c.key.endswith(".total"):
            year = int(c.key[1:5])
            v = t.rows[0].values.get(c.key)
            if v is not None and v.amount is not None:
                out[year] = v.amount
    if not out:
        total = _total(t, "total")
        if total is not None:
            out["current"] = total
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
