"""The key figures a composed document shows: what ``budgetlint.recognise.figures.key_figures``
should read from it (the evaluation's key-figure recovery)."""

from __future__ import annotations

from decimal import Decimal

from budgetlint.eval.generate import Budget


def truth_figures(b: Budget, template: str) -> dict[str, object]:
    """What ``budgetlint.recognise.figures.key_figures`` should read from the composed document (None: not shown)."""
    def d(cents: int) -> Decimal:
        return Decimal(cents).scaleb(-2)

    proc = sum(b.procurement.values())
    out: dict[str, object] = {
        "income_total": d(b.total),
        "expenditure_total": d(b.total),
        "income_current_year": d(b.current_income),
        "expenditure_current_year": d(b.total),
        "fiscal_total": d(b.fiscal_current),
        "general_public": d(b.source_total("general")),
        "basic_total": d(b.basic),
        "project_total": d(b.project),
        "personnel_total": d(b.personnel),
        "public_total": d(b.public),
        "three_public_prev": d(b.tp_total("prev")),
        "three_public_curr": d(b.tp_total("curr")),
        "procurement_total": d(proc) if proc else None,
        "project_count": len(b.projects),
        "performance_form_count": len(b.projects),
    }
    if template == "hebei":
        out["three_public_prev"] = None  # the Hebei 三公 table shows the budget year only
        out["project_count"] = None  # no project table
    return out
