"""What every reviewer-facing report needs: Chinese labels, and findings mapped onto table cells.

A finding's ``location`` names a table (1-based index), a row (index in ``Table.rows``) and a
column (semantic key; balance tables key row values without the side prefix). ``cell_marks``
turns the findings of one document into marks per cell, so the HTML, Excel and PDF renderers
highlight the same cells for the same reasons.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from budgetlint.coverage import Status
from budgetlint.findings import FAMILIES, FAMILY_LABELS, Finding, Location, Severity
from budgetlint.model import Column, Document, Row, Table, Value

SEVERITIES = (Severity.ERROR, Severity.WARNING, Severity.INFO)


def template_label(template: str) -> str:
    """A template id as a reviewer reads it ("shandong" → 山东省预算公开模板)."""
    if not template:
        return ""
    from budgetlint.recognise.vocab import default_vocabulary

    return default_vocabulary().templates.get(template, template)


def template_note(meta) -> str:
    """The template and why: "山东省预算公开模板（表名「收支总表」「支出总表」等 9 张与该模板一致）"."""
    if not meta.template:
        return ""
    if meta.template_source == "user":
        why = "由 --template 指定"
    else:
        shown = "".join(f"「{t}」" for t in meta.template_evidence[:2])
        more = f"等 {len(meta.template_evidence)} 张" if len(meta.template_evidence) > 2 else ""
        why = f"表名{shown}{more}与该模板一致" if shown else "按表名判断"
    return f"{template_label(meta.template)}（{why}）"


def family_label(family: str) -> str:
    return FAMILY_LABELS.get(family, family)


def counts(findings: list[Finding]) -> dict[tuple[str, str], int]:
    """(family, severity) → number of findings, for the summaries."""
    return dict(Counter((f.family, f.severity.value) for f in findings))


def families_in_order(present: set[str]) -> list[str]:
    return [f for f in FAMILIES if f in present] + sorted(present - set(FAMILIES))


def resolve_column(table: Table, row: Row | None, key: str | None) -> Column | None:
    """The column a value key refers to: balance tables prefix the column with the row's side."""
    if not key:
        return None
    if row is not None and row.side:
        col = table.column(f"{row.side}.{key}")
        if col is not None:
            return col
    return table.column(key)


def value_key(column: Column) -> str:
    """The key a row's ``values`` use for this column (balance tables drop the side prefix)."""
    if column.side and column.key.startswith(column.side + "."):
        return column.key[len(column.side) + 1:]
    return column.key


def find_cell(doc: Document, loc: Location) -> tuple[Table, Row, Value | None] | None:
    """The table row (and value, when the location names a column) a location points at."""
    if loc.table is None or loc.row is None:
        return None
    table = next((t for t in doc.tables if t.index == loc.table), None)
    if table is None or not 0 <= loc.row < len(table.rows):
        return None
    row = table.rows[loc.row]
    return table, row, row.values.get(loc.column) if loc.column else None


@dataclass(slots=True)
class CellMark:
    """Why one cell (or one whole row, when ``column`` is None) is highlighted."""

    table: int
    row: int
    column: str | None
    findings: list[tuple[int, Finding]] = field(default_factory=list)  # (finding number, finding)
    related: list[tuple[int, Finding]] = field(default_factory=list)  # findings that cite this cell

    @property
    def severity(self) -> Severity | None:
        """The worst severity of the findings *at* this cell (None when only cited)."""
        return max((f.severity for _, f in self.findings), key=lambda s: s.rank, default=None)


def cell_marks(doc: Document, findings: list[Finding]) -> dict[tuple[int, int, str | None], CellMark]:
    """(table, row, column key or None) → mark. Finding numbers are 1-based positions in ``findings``."""
    marks: dict[tuple[int, int, str | None], CellMark] = {}

    def mark(loc: Location) -> CellMark | None:
        hit = find_cell(doc, loc)
        if hit is None:
            return None
        table, row, value = hit
        column = loc.column if value is not None else None
        key = (table.index, row.index, column)
        if key not in marks:
            marks[key] = CellMark(table.index, row.index, column)
        return marks[key]

    for n, f in enumerate(findings, 1):
        m = mark(f.location)
        if m is not None:
            m.findings.append((n, f))
        for rel in f.related:
            m = mark(rel)
            if m is not None and all(n != k for k, _ in m.related):
                m.related.append((n, f))
    return marks


def amount_text(value: Decimal | str | None) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


def finding_numbers(f: Finding) -> list[tuple[str, str]]:
    """(label, figure) for what a finding expected, found and the difference, as printed."""
    pairs = (("应为", f.expected), ("实为", f.found), ("差", f.difference))
    return [(label, amount_text(v)) for label, v in pairs if v is not None]


def finding_note(f: Finding) -> str:
    """A finding as a short self-contained note (Excel comments, PDF annotations)."""
    lines = [f"{f.rule} [{f.severity.label}] {f.message}"]
    nums = [f"{label} {text}" for label, text in finding_numbers(f)]
    if nums:
        lines.append("，".join(nums) + (f"（{f.unit}）" if f.unit else ""))
    where = f.location.describe()
    if where:
        lines.append(f"位置：{where}")
    if f.evidence:
        lines.append(f"依据：{f.evidence}")
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------------
# Table layout shared by the HTML and Excel renderers

_PART = {"类": 0, "款": 1, "项": 2}


def display_columns(table: Table) -> list[Column]:
    """The columns to show, in printed order; a balance table's income columns come first. A table
    without a name column whose rows have labels gets a synthetic 项目 column in front."""
    cols = list(table.columns)
    if table.layout == "balance" and {c.side for c in cols} >= {"income", "expenditure"}:
        cols = [c for c in cols if c.side == "income"] + [c for c in cols if c.side == "expenditure"]
    if not any(c.role == "name" for c in cols) and any(r.label for r in table.rows):
        cols = [Column("name", ("项目",), role="name")] + cols
    return cols


def is_side_by_side(table: Table) -> bool:
    return table.layout == "balance" and {c.side for c in table.columns} >= {"income", "expenditure"}


def header_grid(cols: list[Column]) -> list[list[tuple[str, int, int, int]]]:
    """Merged header cells from the columns' header paths: per header row, (text, first column,
    colspan, rowspan). Columns sharing a header prefix are grouped; a leaf spans the rows below it."""
    heads = [tuple(h for h in c.header if h) or (c.key,) for c in cols]
    depth = max((len(h) for h in heads), default=1)
    rows: list[list[tuple[str, int, int, int]]] = []
    for level in range(depth):
        cells = []
        i = 0
        while i < len(cols):
            h = heads[i]
            if len(h) <= level:
                i += 1
                continue
            if len(h) == level + 1:
                cells.append((h[level], i, 1, depth - level))
                i += 1
                continue
            j = i + 1
            while j < len(cols) and len(heads[j]) > level + 1 and heads[j][: level + 1] == h[: level + 1]:
                j += 1
            cells.append((h[level], i, j - i, 1))
            i = j
        rows.append(cells)
    return rows


def balance_pairs(inc: list[Row], exp: list[Row]) -> list[tuple[Row | None, Row | None]]:
    """Income and expenditure rows side by side as printed: the k-th 合计/总计 row of one side on
    the same line as the k-th of the other, items of each block filling the lines above."""

    def blocks(rows: list[Row]) -> list[tuple[list[Row], Row | None]]:
        out: list[tuple[list[Row], Row | None]] = []
        items: list[Row] = []
        for r in rows:
            if r.kind.value == "item":
                items.append(r)
            else:
                out.append((items, r))
                items = []
        if items:
            out.append((items, None))
        return out

    a, b = blocks(inc), blocks(exp)
    pairs: list[tuple[Row | None, Row | None]] = []
    for k in range(max(len(a), len(b))):
        items_a, tot_a = a[k] if k < len(a) else ([], None)
        items_b, tot_b = b[k] if k < len(b) else ([], None)
        for i in range(max(len(items_a), len(items_b))):
            pairs.append((items_a[i] if i < len(items_a) else None, items_b[i] if i < len(items_b) else None))
        if tot_a is not None or tot_b is not None:
            pairs.append((tot_a, tot_b))
    return pairs


def display_rows(table: Table, cols: list[Column]) -> list[list[tuple[Row | None, Column]]]:
    """Each printed line as (row, column) per displayed column: one row per line, or an income
    and an expenditure row side by side in a balance table."""
    if not is_side_by_side(table):
        return [[(r, c) for c in cols] for r in table.rows]
    lines = []
    for a, b in balance_pairs([r for r in table.rows if r.side == "income"],
                              [r for r in table.rows if r.side == "expenditure"]):
        lines.append([(a if c.side == "income" else b if c.side == "expenditure" else None, c) for c in cols])
    return lines


def code_text(row: Row, col: Column) -> str:
    """What a code column shows for a row: the whole code, or its 类 / 款 / 项 part. ``类#2``
    columns show the row's second code (a government economic code beside a department one)."""
    base, _, nth = col.key.partition("#")
    codes = list(row.codes.values())
    group = int(nth) - 1 if nth.isdigit() else 0
    if group >= len(codes):
        return ""
    code = codes[group]
    if col.role == "code":
        return code.digits
    part = _PART.get(base)
    return code.parts[part] if part is not None and part < len(code.parts) else ""


def is_label_column(col: Column) -> bool:
    return col.role == "name" and "#" not in col.key


def label_text(row: Row, cols: list[Column]) -> str:
    """The row label, with its code in front when the table shows no code column."""
    label = row.label
    if not any(c.role in ("code", "code_part") for c in cols) and row.code is not None \
            and not label.startswith(row.code.digits):
        label = f"{row.code.digits} {label}"
    return label


def shown_value(v: Value | None) -> str:
    """A value as printed: blank cells stay blank."""
    if v is None or (v.blank and not v.raw.strip()):
        return ""
    return v.raw.strip() or amount_text(v.amount)


def unique_sheet_name(base: str, used: set[str]) -> str:
    """An Excel sheet name: without the characters Excel refuses, at most 31 long, unique."""
    for ch in "[]:*?/\\'":
        base = base.replace(ch, "")
    name = base[:31]
    n = 2
    while name in used:
        name = f"{base[:28]}~{n}"
        n += 1
    used.add(name)
    return name


# Which document to open first: errors most, then documents not checked in full (a person must
# look at them), then warnings; clean documents checked in full last.
_STATUS_ORDER = {"unreadable": 0, "not_disclosure": 4, "nothing_checked": 1, "narrative_only": 2, "partial": 1,
                 "checked": 5}


def rank(results: list) -> list:
    """Results in the order a reviewer should open them (stable for equal keys)."""
    def key(r) -> tuple:
        c = Counter(f.severity.value for f in r.findings)
        status = r.coverage.status.value if r.coverage is not None else "checked"
        return (-c["error"], _STATUS_ORDER.get(status, 5), -c["warning"], -c["info"])

    return sorted(results, key=key)


# ---------------------------------------------------------------------------------------------
# A batch at a glance (the charts of the HTML and Excel summaries): what each renderer draws

BATCH_TOP = 20  # documents drawn in a batch's ranking chart; the rest are one line ("其余 N 份")


def severity_counts(r) -> dict[str, int]:
    """A document's findings by severity value (error, warning, info), zeros included."""
    c = Counter(f.severity.value for f in r.findings)
    return {s.value: c[s.value] for s in SEVERITIES}


def family_totals(results: list) -> list[tuple[str, dict[str, int]]]:
    """(family, findings by severity value) over the whole batch, families in the report's order."""
    by = Counter((f.family, f.severity.value) for r in results for f in r.findings)
    fams = families_in_order({fam for fam, _ in by})
    return [(fam, {s.value: by[(fam, s.value)] for s in SEVERITIES}) for fam in fams]


def status_counts(results: list) -> list[tuple[Status, int]]:
    """How many documents have each coverage status (in Status's order, absent ones left out); a
    result without coverage (read back from an old report) counts as checked, as ``rank`` takes it."""
    c = Counter(r.coverage.status if r.coverage is not None else Status.CHECKED for r in results)
    return [(s, c[s]) for s in Status if c[s]]
