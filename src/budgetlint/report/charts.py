"""Charts of a budget's structure as inline SVG, written by hand (no chart library, no script).

``budget_charts(doc)`` reads the model (never table text) and returns the charts it can draw:
income by source (收入来源), expenditure by function class (支出功能分类 类), basic vs project
expenditure (基本支出与项目支出). A chart whose data the document does not show is left out.
"""

from __future__ import annotations

import math
import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from html import escape

from budgetlint.model import CodeScheme, Document, RowKind, Table

PALETTE = ("#2f6db5", "#e08a1e", "#3a9a5b", "#c0392b", "#8e5ab5", "#17a2b8", "#b5882f", "#d35d9c",
           "#6c7a89", "#7fb13d", "#4a4fb5", "#a0522d")


@dataclass(frozen=True, slots=True)
class Chart:
    id: str  # stable identifier: income_sources | expenditure_classes | basic_project
    title: str
    unit: str
    items: tuple[tuple[str, Decimal], ...]
    kind: str  # pie | bar
    source: str  # which table the numbers come from (Chinese)

    def svg(self) -> str:
        return pie_svg(self) if self.kind == "pie" else bar_svg(self)


def _fmt(v: Decimal) -> str:
    return f"{v:,f}"


def _pct(v: Decimal, total: Decimal) -> str:
    return f"{float(v / total * 100):.1f}%" if total else ""


WIDTH = 380  # a chart's least viewBox width: three fit side by side in the HTML report
FONT = 13  # px, the charts' text (CSS svg.chart font-size)
LABEL_MAX = 190  # px: a longer label wraps onto a second line (bar chart) or is shortened (legend)


def text_width(text: str, size: float = FONT) -> float:
    """Width of ``text`` in px, estimated as the browser lays it out: Chinese (wide) characters
    one em, digits and Latin about 0.6 em; so that no label is clipped by the viewBox."""
    return sum(size if unicodedata.east_asian_width(ch) in "WF" else 0.62 * size for ch in text)


def fit(text: str, width: float, size: float = FONT) -> str:
    """``text`` shortened with "…" to at most ``width`` px."""
    if text_width(text, size) <= width:
        return text
    while text and text_width(text + "…", size) > width:
        text = text[:-1]
    return text + "…"


def wrap(text: str, width: float, size: float = FONT, lines: int = 2) -> list[str]:
    """``text`` broken into at most ``lines`` lines of ``width`` px (the last shortened)."""
    out: list[str] = []
    rest = text
    while rest and len(out) < lines - 1 and text_width(rest, size) > width:
        cut = 1
        while cut < len(rest) and text_width(rest[:cut + 1], size) <= width:
            cut += 1
        out.append(rest[:cut])
        rest = rest[cut:]
    return out + [fit(rest, width, size)] if rest else out


def pie_svg(chart: Chart) -> str:
    """A donut with a legend below it (label, amount, share); one slice per item."""
    items = [(label, v) for label, v in chart.items if v > 0]
    total = sum((v for _, v in items), Decimal(0))
    amount_w = max((text_width(_fmt(v)) for _, v in items), default=0)
    share_w = max((text_width(_pct(v, total), 12) for _, v in items), default=0)
    label_w = min(LABEL_MAX, max((text_width(label) for label, _ in items), default=0))
    width = max(WIDTH, math.ceil(26 + label_w + 12 + amount_w + 10 + share_w + 6))
    cx, cy, r, inner = width / 2, 88, 80, 50
    height = 188 + 22 * len(items)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="chart chart-pie" data-chart="{chart.id}" '
             f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" '
             f'aria-label="{escape(chart.title)}">',
             f"<title>{escape(chart.title)}（{escape(chart.unit)}）</title>"]
    angle = -math.pi / 2
    for i, (label, v) in enumerate(items):
        share = float(v / total) if total else 0
        color = PALETTE[i % len(PALETTE)]
        tip = f"{label}：{_fmt(v)} {chart.unit}（{_pct(v, total)}）"
        if share >= 0.9999:
            parts.append(f'<circle class="slice" cx="{cx}" cy="{cy}" r="{(r + inner) / 2}" fill="none" '
                         f'stroke="{color}" stroke-width="{r - inner}"><title>{escape(tip)}</title></circle>')
        else:
            a0, a1 = angle, angle + share * 2 * math.pi
            large = 1 if a1 - a0 > math.pi else 0
            p = [(cx + r * math.cos(a0), cy + r * math.sin(a0)), (cx + r * math.cos(a1), cy + r * math.sin(a1)),
                 (cx + inner * math.cos(a1), cy + inner * math.sin(a1)),
                 (cx + inner * math.cos(a0), cy + inner * math.sin(a0))]
            d = (f"M{p[0][0]:.2f},{p[0][1]:.2f} A{r},{r} 0 {large} 1 {p[1][0]:.2f},{p[1][1]:.2f} "
                 f"L{p[2][0]:.2f},{p[2][1]:.2f} A{inner},{inner} 0 {large} 0 {p[3][0]:.2f},{p[3][1]:.2f} Z")
            parts.append(f'<path class="slice" d="{d}" fill="{color}" stroke="#fff" stroke-width="1">'
                         f"<title>{escape(tip)}</title></path>")
            angle = a1
    parts.append(f'<text x="{cx}" y="{cy - 4}" text-anchor="middle" class="total-label">合计</text>')
    parts.append(f'<text x="{cx}" y="{cy + 16}" text-anchor="middle" class="total-value">{escape(_fmt(total))}</text>')
    for i, (label, v) in enumerate(items):
        y = 196 + 22 * i
        color = PALETTE[i % len(PALETTE)]
        parts.append(f'<rect x="8" y="{y - 11}" width="12" height="12" rx="2" fill="{color}"/>')
        parts.append(f'<text x="26" y="{y}" class="legend"><title>{escape(label)}</title>'
                     f'<tspan>{escape(fit(label, label_w))}</tspan>'
                     f'<tspan x="{width - 6 - share_w - 10:.0f}" text-anchor="end">{escape(_fmt(v))}</tspan>'
                     f'<tspan x="{width - 6}" text-anchor="end" class="share">{_pct(v, total)}</tspan></text>')
    parts.append("</svg>")
    return "".join(parts)


def bar_svg(chart: Chart) -> str:
    """Horizontal bars, largest first, with the amount and share at the end of each bar."""
    items = sorted(((label, v) for label, v in chart.items if v > 0), key=lambda x: -x[1])
    total = sum((v for _, v in items), Decimal(0))
    top = max((v for _, v in items), default=Decimal(1))
    label_w = min(LABEL_MAX, max((text_width(label) for label, _ in items), default=0)) + 8
    value_w = max((text_width(_fmt(v)) + 4 + text_width(_pct(v, total), 12) for _, v in items), default=0)
    bar_w = 118
    width = max(WIDTH, math.ceil(label_w + bar_w + 5 + value_w + 6))
    bar_w = width - 6 - value_w - 5 - label_w  # a wider chart gives the room to the bars
    lines = [wrap(label, label_w - 8) for label, _ in items]
    heights = [26 if len(ls) == 1 else 40 for ls in lines]
    height = 12 + sum(heights)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="chart chart-bar" data-chart="{chart.id}" '
             f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" '
             f'aria-label="{escape(chart.title)}">',
             f"<title>{escape(chart.title)}（{escape(chart.unit)}）</title>"]
    y = 6
    for (label, v), ls, row_h in zip(items, lines, heights, strict=True):
        w = max(1.0, float(v / top) * bar_w)
        tip = f"{label}：{_fmt(v)} {chart.unit}（{_pct(v, total)}）"
        mid = y + row_h / 2 + 4.5
        first = mid - 7 * (len(ls) - 1)
        spans = "".join(f'<tspan x="{label_w - 6:.0f}" y="{first + 14 * k:.1f}">{escape(t)}</tspan>'
                        for k, t in enumerate(ls))
        parts.append(f'<text text-anchor="end" class="legend"><title>{escape(label)}</title>{spans}</text>')
        parts.append(f'<rect class="bar" x="{label_w:.0f}" y="{y + row_h / 2 - 9:.1f}" width="{w:.1f}" height="18" '
                     f'rx="2" fill="{PALETTE[0]}"><title>{escape(tip)}</title></rect>')
        parts.append(f'<text x="{label_w + w + 5:.1f}" y="{mid:.1f}" class="value">{escape(_fmt(v))}'
                     f'<tspan class="share" dx="4">{_pct(v, total)}</tspan></text>')
        y += row_h
    parts.append("</svg>")
    return "".join(parts)


def _unit(t: Table) -> str:
    return t.unit.value if t.unit else ""


def _leaf_columns(t: Table) -> list:
    sums = {total for total, _parts in t.column_sums}
    return [c for c in t.amount_columns
            if c.additive and c.key not in sums and c.key not in ("total", "amount") and "." not in c.key]


_NUMBERING = "一二三四五六七八九十、（）()0123456789. "


def _clean(label: str) -> str:
    return label.lstrip(_NUMBERING) or label


def income_sources(doc: Document) -> Chart | None:
    t = doc.table("income_summary")
    if t is not None and (total := t.total_row()) is not None:
        items = []
        for c in _leaf_columns(t):
            v = total.values.get(c.key)
            if v is not None and v.amount is not None and v.amount > 0:
                items.append((c.header[-1] if c.header else c.key, v.amount))
        if items:
            return Chart("income_sources", "收入来源", _unit(t), tuple(items), "pie", f"表{t.index}「{t.title}」合计行")
    t = doc.table("income_expenditure_summary")
    if t is None:
        return None
    items = []
    for r in t.rows:
        if r.side == "income" and r.kind is RowKind.ITEM and r.parent is None:
            v = r.values.get("amount")
            if v is not None and v.amount is not None and v.amount > 0:
                items.append((_clean(r.label), v.amount))
    if not items:
        return None
    return Chart("income_sources", "收入来源", _unit(t), tuple(items), "pie", f"表{t.index}「{t.title}」收入")


def expenditure_classes(doc: Document) -> Chart | None:
    for kind in ("expenditure_summary", "general_expenditure"):
        t = doc.table(kind)
        if t is None:
            continue
        col = "total" if t.column("total") else None
        if col is None:
            continue
        coded = [r for r in t.rows if CodeScheme.FUNCTION in r.codes and r.codes[CodeScheme.FUNCTION].level == 1]
        rows = coded or [r for r in t.rows if r.kind is RowKind.ITEM and r.texts.get("level_mark") == "类"]
        items = []
        for r in rows:
            v = r.values.get(col)
            if v is not None and v.amount is not None and v.amount > 0:
                code = r.codes[CodeScheme.FUNCTION].digits if CodeScheme.FUNCTION in r.codes else ""
                items.append(((f"{code} " if code else "") + r.label, v.amount))
        if items:
            return Chart("expenditure_classes", "支出功能分类（类）", _unit(t), tuple(items), "bar",
                         f"表{t.index}「{t.title}」")
    return None


def basic_project(doc: Document) -> Chart | None:
    t = doc.table("expenditure_summary") or doc.table("general_expenditure")
    if t is None or (total := t.total_row()) is None:
        return None
    items = []
    for key, label in (("basic", "基本支出"), ("project", "项目支出")):
        v = total.values.get(key)
        if v is not None and v.amount is not None and v.amount > 0:
            items.append((label, v.amount))
    if not items:
        return None
    return Chart("basic_project", "基本支出与项目支出", _unit(t), tuple(items), "pie", f"表{t.index}「{t.title}」合计行")


def budget_charts(doc: Document) -> list[Chart]:
    return [c for c in (income_sources(doc), basic_project(doc), expenditure_classes(doc)) if c is not None]
