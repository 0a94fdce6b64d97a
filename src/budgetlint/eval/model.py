"""The composed document: what renderers print and the mutator edits.

A ``Composition`` is a template's layout of one ``Budget``: a list of blocks (paragraph lines,
tables with header rows and data rows, performance forms). Every amount cell remembers what it
is (``CellRef``: table kind, row reference, column key), so a planted error can be labelled with
the location a finding should point at, whatever the format it is rendered to.

Row references are what budgetlint's model can show for a row: the code digits of a classified
row, else the squashed label (``label_key``) — "合计", "一般公共预算收入", a project name.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from budgetlint.recognise.vocab import label_key


def row_ref(code: str | None, label: str) -> str:
    return code if code else label_key(label)


@dataclass(frozen=True, slots=True)
class Region:
    """Where a rendered paragraph or form lies, in the terms its format's ingest reports.

    ``by="line"``: ``Provenance.line`` between ``lo`` and ``hi`` (converter text: the text line;
    a workbook: the sheet row, on sheet ``page``). ``by="y"``: on page ``page``, the vertical
    middle of ``Provenance.bbox`` between ``lo`` and ``hi`` (PDF points from the top).
    ``page`` None: any page.
    """

    lo: float
    hi: float
    page: int | None = None
    by: str = "line"  # line | y

    def contains(self, page: int | None, line: int | None, bbox: tuple[float, float, float, float] | None) -> bool:
        if self.page is not None and page is not None and page != self.page:
            return False
        if self.by == "line":
            return line is not None and self.lo <= line <= self.hi
        if page is None:
            return False
        if bbox is None:
            return True  # a finding that names only its page: any block on that page
        mid = (bbox[1] + bbox[3]) / 2
        return self.lo - 2 <= mid <= self.hi + 2

    def describe(self) -> str:
        where = f"p{self.page} " if self.page is not None else ""
        return f"{where}{self.by} {self.lo:g}–{self.hi:g}"


@dataclass(frozen=True, slots=True)
class CellRef:
    row: str  # row reference (code digits or label key)
    column: str  # semantic column key as budgetlint names it (total, basic, amount …)
    side: str | None = None  # income | expenditure (balance tables)


@dataclass(slots=True)
class TRow:
    cells: list[str]
    refs: dict[int, CellRef] = field(default_factory=dict)  # cell index → what the amount is
    ref: str = ""  # row reference of the row (left side for balance tables)
    kind: str = "item"  # item | total
    code: str | None = None
    parent: int | None = None  # index of the parent row (code hierarchy) in TableBlock.rows
    amounts: dict[int, int] = field(default_factory=dict)  # cell index → cents (truth as composed)

    def cell_of(self, column: str, side: str | None = None) -> int | None:
        return next((i for i, r in self.refs.items() if r.column == column and (side is None or r.side == side)), None)


@dataclass(slots=True)
class TableBlock:
    kind: str
    title: str
    header: list[list[str]]
    rows: list[TRow]
    meta: list[str] = field(default_factory=list)  # lines between title and header (unit, organisation …)
    index_row: list[str] | None = None  # 栏次 row printed under the header
    note: str | None = None
    layout: str = "grid"  # grid | balance | matrix
    col_sums: list[tuple[str, tuple[str, ...]]] = field(default_factory=list)
    items_sum: bool = False  # the total row is the sum of all item rows (project tables)
    page_rows: int = 0  # rows per page (0: the table fits one page)
    repeat_title: bool = False  # the title is printed again on each page
    repeat_meta: bool = False  # meta lines are printed again on each page
    id: str = ""
    scale: int = 1  # amount unit: 1 = cents of 万元 (printed 1234.56), 100 = 元 (printed 12345600.00)

    def row_by_ref(self, ref: str) -> TRow | None:
        return next((r for r in self.rows if r.ref == ref), None)


@dataclass(slots=True)
class Para:
    text: str
    anchor: str | None = None  # stable name of a paragraph that states figures (narrative checks)
    cells: list[str] | None = None  # a tabular line outside any table (forms, 机构设置)


@dataclass(slots=True)
class FormBlock:
    """A performance-target form: its lines of cells (rendered as they are)."""

    project: str
    title: str | None
    lines: list[list[str]]
    anchor: str = ""
    meta: list[str] = field(default_factory=list)


Block = Para | TableBlock | FormBlock


@dataclass(slots=True)
class Composition:
    template: str
    blocks: list[Block]
    truth: dict[str, object] = field(default_factory=dict)  # key figures as the generator knows them

    def tables(self) -> list[TableBlock]:
        return [b for b in self.blocks if isinstance(b, TableBlock)]

    def table(self, kind: str) -> TableBlock | None:
        return next((t for t in self.tables() if t.kind == kind), None)

    def paras(self) -> list[Para]:
        return [b for b in self.blocks if isinstance(b, Para)]

    def forms(self) -> list[FormBlock]:
        return [b for b in self.blocks if isinstance(b, FormBlock)]
