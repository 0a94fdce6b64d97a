"""Charts as inline SVG, written by hand (no chart library, no script).

``budget_charts(doc)`` reads the model (never table text) and returns the charts of a budget's
structure it can draw: income by source (收入来源), expenditure by function class (支出功能分类 类),
basic vs project expenditure (基本支出与项目支出). A chart whose data the document does not show is
left out. ``batch_charts(results)`` draws a batch of two or more documents at a glance, as
stacked bars of counts: the documents ranked by findings (the first 20, the rest one line), the
findings by rule family, the documents by coverage.
"""

from __future__ import annotations

import math
import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from html import escape
from pathlib import PurePath

from budgetlint.coverage import Status
from budgetlint.model import CodeScheme, Document, RowKind, Table
from budgetlint.report.common import (
    BATCH_TOP,
    SEVERITIES,
    family_label,
    family_totals,
    rank,
    severity_counts,
    status_counts,
)

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


# ---------------------------------------------------------------------------------------------
# A batch at a glance (HTML summary of two or more documents): horizontal stacked bars of counts

SEVERITY_COLOURS = {"error": "#c0392b", "warning": "#d69e00", "info": "#2b6cb0"}  # the report's badges
STATUS_COLOURS = {Status.CHECKED: "#2f855a", Status.PARTIAL: "#d69e00", Status.NARRATIVE_ONLY: "#e6b54a",
                  Status.NOTHING_CHECKED: "#b7791f", Status.NOT_DISCLOSURE: "#8795a1",
                  Status.UNREADABLE: "#c0392b"}  # green = checked in full, amber = part, red = not read
WIDE = 760  # px, the ranking chart's width (the summary spans the page)
ROW_H = 24


@dataclass(frozen=True, slots=True)
class StackRow:
    label: str  # shown shortened when long; ``tip`` carries it whole
    segments: tuple[int, ...]  # one count per series
    tip: str
    note: str  # printed after the bar
    href: str = ""  # where a click on the row goes ("#d3")
    key: str = ""  # data-key of the row (the document's anchor, the family, the status)


@dataclass(frozen=True, slots=True)
class StackedBar:
    id: str  # batch_ranking | batch_families | batch_coverage
    title: str
    series: tuple[tuple[str, str], ...]  # (label, colour) of each segment, in the legend's order
    rows: tuple[StackRow, ...]
    more: str = ""  # a last line for what is not drawn ("其余 N 份文件…")
    width: int = WIDTH
    label_max: float = LABEL_MAX
    legend: bool = True  # off where each row is one series and says its name

    def svg(self) -> str:
        return stacked_bar_svg(self)


def fit_middle(text: str, width: float, size: float = FONT) -> str:
    """``text`` shortened to ``width`` px by cutting its middle (a third of the room for the end):
    file names differ at both ends ("renwu-北京-统计局_附…预算情况说明.pdf")."""
    if text_width(text, size) <= width:
        return text
    room = width - text_width("…", size)
    tail = ""
    while len(tail) < len(text) and text_width(text[-(len(tail) + 1):], size) <= room / 3:
        tail = text[-(len(tail) + 1):]
    head = fit(text[: len(text) - len(tail)], room - text_width(tail, size) + text_width("…", size), size)
    return head.removesuffix("…") + "…" + tail


def stacked_bar_svg(chart: StackedBar) -> str:
    """Horizontal bars in the given order, each split into its series' counts, the note after it;
    a legend above. Bars scale to the largest row's total."""
    note_size = 12
    label_w = min(chart.label_max, max((text_width(r.label) for r in chart.rows), default=0)) + 8
    note_w = max((text_width(r.note, note_size) for r in chart.rows), default=0)
    bar_w = max(60.0, chart.width - label_w - 5 - note_w - 6)
    width = math.ceil(label_w + bar_w + 5 + note_w + 6)
    top = max((sum(r.segments) for r in chart.rows), default=0) or 1
    legend_y, first = 14, (26 if chart.legend else 4)
    height = first + ROW_H * len(chart.rows) + (ROW_H if chart.more else 0) + 4
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="chart chart-stack" data-chart="{chart.id}" '
             f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" '
             f'aria-label="{escape(chart.title)}">', f"<title>{escape(chart.title)}</title>"]
    x = label_w
    for label, colour in chart.series if chart.legend else ():
        parts.append(f'<rect x="{x:.0f}" y="{legend_y - 10}" width="12" height="12" rx="2" fill="{colour}"/>'
                     f'<text x="{x + 16:.0f}" y="{legend_y}" class="legend">{escape(label)}</text>')
        x += 16 + text_width(label) + 18
    for i, row in enumerate(chart.rows):
        y = first + ROW_H * i
        mid = y + ROW_H / 2 + 4.5
        cells = [f'<text x="{label_w - 6:.0f}" y="{mid:.1f}" text-anchor="end" class="legend">'
                 f'{escape(fit_middle(row.label, label_w - 8))}</text>']
        x = label_w
        for n, (name, colour) in zip(row.segments, chart.series, strict=True):
            if n <= 0:
                continue
            w = n / top * bar_w
            cells.append(f'<rect class="bar" data-series="{escape(name)}" x="{x:.1f}" y="{y + 4}" '
                         f'width="{max(w, 1.0):.1f}" height="{ROW_H - 8}" fill="{colour}">'
                         f"<title>{escape(row.tip)}：{escape(name)} {n}</title></rect>")
            x += w
        cells.append(f'<text x="{x + 5:.1f}" y="{mid:.1f}" class="value share">{escape(row.note)}</text>')
        body = "".join(cells)
        if row.href:
            body = f'<a href="{escape(row.href)}">{body}</a>'
        parts.append(f'<g class="row" data-key="{escape(row.key)}"><title>{escape(row.tip)}</title>{body}</g>')
    if chart.more:
        y = first + ROW_H * len(chart.rows) + ROW_H / 2 + 4.5
        parts.append(f'<text x="{label_w:.0f}" y="{y:.1f}" class="more share">{escape(chart.more)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _counts_note(counts: dict[str, int]) -> str:
    return " · ".join(f"{s.label} {counts[s.value]}" for s in SEVERITIES if counts.get(s.value))


def batch_charts(results: list, top: int = BATCH_TOP) -> list[StackedBar]:
    """The charts of a batch's summary (two or more documents; none for one): the documents in the
    order to open them (``report.common.rank``, the first ``top``) with their findings by
    severity, the findings by rule family, and the documents by coverage. Reads the results only."""
    if len(results) < 2:
        return []
    severities = tuple((s.label, SEVERITY_COLOURS[s.value]) for s in SEVERITIES)
    number = {id(r): d for d, r in enumerate(results, 1)}
    rows = []
    ranked = rank(results)
    for n, r in enumerate(ranked[:top], 1):
        c = severity_counts(r)
        status = r.coverage.status if r.coverage is not None else Status.CHECKED
        name = "+".join(PurePath(p).name for p in r.path.split("+"))
        note = _counts_note(c)
        if not status.complete:  # a reviewer must look at it even without findings
            note = f"{note}（{status.label}）" if note else status.label
        note = note or "未发现问题"
        rows.append(StackRow(f"{n}. {name}", tuple(c[s.value] for s in SEVERITIES), f"第{n}：{name}", note,
                             f"#d{number[id(r)]}", f"d{number[id(r)]}"))
    more = ""
    if len(ranked) > top:
        rest = [severity_counts(r) for r in ranked[top:]]
        sums = {s.value: sum(c[s.value] for c in rest) for s in SEVERITIES}
        more = f"其余 {len(rest)} 份文件（见下表）：" + (_counts_note(sums) or "未发现问题")
    shown = f"前 {top} 份，共 {len(ranked)} 份" if len(ranked) > top else f"共 {len(ranked)} 份"
    charts = [StackedBar("batch_ranking", f"各文件的问题（按先看的顺序，{shown}）", severities, tuple(rows), more,
                         width=WIDE, label_max=280)]
    fams = family_totals(results)
    if fams:
        charts.append(StackedBar("batch_families", "各类问题（全部文件）", severities, tuple(
            StackRow(family_label(fam), tuple(c[s.value] for s in SEVERITIES), family_label(fam),
                     f"{sum(c.values())}（{_counts_note(c)}）", key=fam) for fam, c in fams)))
    statuses = status_counts(results)
    charts.append(StackedBar("batch_coverage", "检查范围（文件数）",
                             tuple((s.label, STATUS_COLOURS[s]) for s, _ in statuses), tuple(
        StackRow(s.label, tuple(n if t is s else 0 for t, _ in statuses), s.label, f"{n} 份", key=s.value)
        for s, n in statuses), legend=False))
    return charts
