"""What the compare views chart, taken from a checked document once and kept as JSON.

``summarise(result)`` reads the stored result's model through the figure resolver
(``recognise/figures.py``: key figures, 三公 items) and the report's chart data
(``report/charts.py``: income by source, expenditure by function class, basic vs project), every
amount in 万元 whatever unit the table was printed in; and the finding counts by family. The runner
stores it with the job (``documents.figures``); the compare views only read the database, never
the documents again.

``compare(columns)`` lays several documents side by side (a body's years, a region's bodies): one
chart per measure, one series per part, one value per document (None where it does not show it).
"""

from __future__ import annotations

from collections import Counter
from decimal import Decimal

from budgetlint.model import Document, Table, Unit
from budgetlint.pipeline import Result

VERSION = 1  # bump when the summary's shape changes: older ones are recomputed from the results
UNIT = "万元"
# key figure → the table it is read from (for its unit); counts have none
_KEY_TABLES = {
    "income_total": "income_expenditure_summary", "expenditure_total": "income_expenditure_summary",
    "income_current_year": "income_expenditure_summary", "expenditure_current_year": "income_expenditure_summary",
    "general_public": "income_expenditure_summary", "fiscal_total": "fiscal_summary",
    "basic_total": "expenditure_summary", "project_total": "expenditure_summary",
    "personnel_total": "general_basic_expenditure", "public_total": "general_basic_expenditure",
    "three_public_prev": "three_public", "three_public_curr": "three_public", "procurement_total": "procurement",
}
THREE_PUBLIC_LABELS = {"abroad": "因公出国（境）费", "vehicle_purchase": "公务用车购置费",
                       "vehicle_operation": "公务用车运行维护费", "reception": "公务接待费"}
KEY_LABELS = {"income_total": "收入总计", "expenditure_total": "支出总计", "basic_total": "基本支出",
              "project_total": "项目支出", "three_public_curr": "“三公”经费", "personnel_total": "人员经费",
              "public_total": "公用经费"}


def to_wan(amount: Decimal | int | None, unit: Unit | None) -> float | None:
    """``amount`` in 万元; a table with no unit line is read in the forms' default unit (万元)."""
    if amount is None:
        return None
    scale = (unit or Unit.WAN_YUAN).in_yuan / Unit.WAN_YUAN.in_yuan
    return float(round(Decimal(amount) * scale, 6))


def _unit_of(doc: Document, kind: str) -> Unit | None:
    t: Table | None = doc.table(kind)
    return t.unit if t is not None else None


def _key_figures(doc: Document) -> dict[str, float | int | None]:
    from budgetlint.recognise.figures import key_figures

    out: dict[str, float | int | None] = {}
    for k, v in key_figures(doc).items():
        if k in _KEY_TABLES:
            out[k] = to_wan(v, _unit_of(doc, _KEY_TABLES[k]))
        else:
            out[k] = int(v) if v is not None else None
    return out


def _three_public(doc: Document) -> dict[str, float]:
    from budgetlint.recognise.figures import three_public_cells

    cells = three_public_cells(doc, doc.meta.year)
    out = {}
    for part, label in THREE_PUBLIC_LABELS.items():
        c = cells.get(part)
        if c is not None and c.value.amount is not None:
            out[label] = to_wan(c.value.amount, c.unit)
    if not out and (c := cells.get("vehicle")) is not None and c.value.amount is not None:
        out["公务用车购置及运行维护费"] = to_wan(c.value.amount, c.unit)
    return out


def _structure(doc: Document) -> dict[str, dict[str, object]]:
    from budgetlint.report.charts import budget_charts

    out = {}
    for ch in budget_charts(doc):
        unit = Unit.of(ch.unit)
        out[ch.id] = {"title": ch.title, "source": ch.source,
                      "items": [[label, to_wan(v, unit)] for label, v in ch.items]}
    return out


def summarise(result: Result) -> dict[str, object]:
    """The figures of one checked document (JSON-ready); a document that could not be read has
    only its finding counts."""
    doc = result.document
    families = dict(Counter(f.family for f in result.findings))
    severities = dict(Counter(f.severity.value for f in result.findings))
    base: dict[str, object] = {"version": VERSION, "unit": UNIT, "families": families, "severities": severities}
    if doc is None:
        return base | {"key": {}, "charts": {}, "three_public": {}}
    return base | {"key": _key_figures(doc), "charts": _structure(doc), "three_public": _three_public(doc)}


# --- laying documents side by side -------------------------------------------------------------


def _series(columns: list[dict], parts_of) -> list[dict[str, object]]:
    """One series per part (in order of first appearance), one value per column."""
    names: list[str] = []
    per_column = [parts_of(c) for c in columns]
    for parts in per_column:
        names += [n for n in parts if n not in names]
    return [{"name": n, "data": [parts.get(n) for parts in per_column]} for n in names]


def _chart_items(fig: dict, chart_id: str) -> dict[str, float]:
    ch = (fig.get("charts") or {}).get(chart_id)
    return {label: v for label, v in ch["items"]} if ch else {}


def compare(columns: list[dict[str, object]]) -> list[dict[str, object]]:
    """The compare charts over ``columns`` (each with its ``figures``): stacked where the parts
    make up a whole (收入来源, 支出结构, 基本/项目), grouped for 三公 and the finding families."""
    from budgetlint.report.common import family_label

    def fig(c: dict) -> dict:
        return c.get("figures") or {}

    def key(c: dict, *names: str) -> dict[str, float]:
        k = fig(c).get("key") or {}
        return {KEY_LABELS[n]: k[n] for n in names if k.get(n) is not None}

    charts = [
        ("income_sources", "收入结构（按来源）", UNIT, True, lambda c: _chart_items(fig(c), "income_sources")),
        ("expenditure_classes", "支出结构（按功能分类·类）", UNIT, True,
         lambda c: _chart_items(fig(c), "expenditure_classes")),
        ("basic_project", "基本支出与项目支出", UNIT, True, lambda c: key(c, "basic_total", "project_total")),
        ("three_public", "“三公”经费", UNIT, False,
         lambda c: (fig(c).get("three_public") or {}) | key(c, "three_public_curr")),
        ("families", "问题数（按类别）", "个", True,
         lambda c: {family_label(f): n for f, n in (fig(c).get("families") or {}).items()}),
    ]
    out = []
    for chart_id, title, unit, stacked, parts_of in charts:
        series = _series(columns, parts_of)
        out.append({"id": chart_id, "title": title, "unit": unit, "stacked": stacked, "series": series})
    return out
