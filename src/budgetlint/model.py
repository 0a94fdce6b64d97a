"""The budget-document model: one shape for every template and format.

Every stage after *recognise* reads only these classes. Amounts are ``Decimal`` in the unit the
table states (``Table.unit``); nothing is converted silently. Every value keeps its provenance so
a finding can point at the page, line, table, row and column it rests on.

Column and row *keys* are semantic names drawn from the template vocabularies
(``templates/*.toml``), e.g. ``total``, ``basic``, ``basic.personnel``, ``fiscal.general``,
``y2024.abroad``. See docs/model.md for the full list.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, fields
from decimal import Decimal
from enum import StrEnum
from operator import attrgetter


def pickle_by_fields(cls):
    """Pickle a frozen slots dataclass as a call of the class with its field values.

    A batch sends each document's model from its worker to the parent by pickle. The state
    functions ``dataclass(frozen=True, slots=True)`` adds look up ``fields()`` for every object:
    most of the time to unpickle a document's ten thousand provenances. (A class that is not
    frozen pickles its slots in C already.)"""
    own = fields(cls)
    if hasattr(cls, "__post_init__") or not all(f.init for f in own):
        raise TypeError(f"{cls.__name__}: rebuilt by its constructor, which must take every field and do nothing else")
    names = tuple(f.name for f in own)
    get = attrgetter(*names)
    single = len(names) == 1

    def __reduce__(self):
        return cls, (get(self),) if single else get(self)

    cls.__reduce__ = __reduce__
    return cls


class Unit(StrEnum):
    """Amount unit stated near a table or in the narrative."""

    YUAN = "元"
    WAN_YUAN = "万元"
    YI_YUAN = "亿元"

    @property
    def in_yuan(self) -> Decimal:
        return {"元": Decimal(1), "万元": Decimal(10_000), "亿元": Decimal(100_000_000)}[self.value]

    @classmethod
    def of(cls, word: str | None) -> Unit | None:
        """The unit a word names exactly ("万元"), or None: the one table of unit words."""
        try:
            return cls(word) if word else None
        except ValueError:
            return None

    @classmethod
    def ending(cls, text: str) -> Unit | None:
        """The unit a figure's text ends with ("12.5万元" → 万元), the longest word first."""
        return next((u for u in sorted(cls, key=lambda u: -len(u.value)) if text.endswith(u.value)), None)


class DocKind(StrEnum):
    DEPARTMENT_BUDGET = "部门预算"
    UNIT_BUDGET = "单位预算"
    DEPARTMENT_FINAL = "部门决算"
    UNIT_FINAL = "单位决算"
    PERFORMANCE = "绩效目标"
    UNKNOWN = "未知"


@pickle_by_fields
@dataclass(frozen=True, slots=True)
class Provenance:
    """Where a value or block came from in the source.

    ``line`` is the 1-based line in a text source; ``page`` the 1-based page where the format
    has pages; ``bbox`` (x0, top, x1, bottom in PDF points) where the format has geometry.
    """

    line: int | None = None
    page: int | None = None
    bbox: tuple[float, float, float, float] | None = None

    def to_dict(self) -> dict[str, object]:
        out: dict[str, object] = {}
        if self.page is not None:
            out["page"] = self.page
        if self.line is not None:
            out["line"] = self.line
        if self.bbox is not None:
            out["bbox"] = [round(v, 2) for v in self.bbox]
        return out


@dataclass(slots=True)
class Value:
    """One amount cell.

    ``amount`` is ``None`` only when the cell could not be parsed as a number (``raw`` keeps the
    text). A blank cell or a dash is ``Decimal(0)`` with ``blank=True``: in these tables blank
    means zero. ``decimals`` is the number of decimal places written, which bounds the rounding
    the printed figure carries.
    """

    amount: Decimal | None
    raw: str
    provenance: Provenance
    decimals: int = 0
    blank: bool = False
    confidence: float = 1.0

    @property
    def half_ulp(self) -> Decimal:
        """Largest rounding error of this printed figure (half a unit in its last place)."""
        return half_unit(self.decimals)


def half_unit(decimals: int) -> Decimal:
    """Half a unit in the last of ``decimals`` printed places: the most rounding can move a figure
    (2 places → 0.005). The one definition of the rounding every comparison allows."""
    if 0 <= decimals < len(_HALF_UNITS):
        return _HALF_UNITS[decimals]  # the rules ask for it per value compared
    return Decimal(5).scaleb(-(decimals + 1))


_HALF_UNITS = tuple(Decimal(5).scaleb(-(d + 1)) for d in range(16))


def rounding_tolerance(values: Iterable[Value | None]) -> Decimal:
    """The rounding a comparison of printed figures can carry: half a unit in the last printed
    place of every non-blank figure involved (n terms at 0.01 万元 → n × 0.005)."""
    return sum((v.half_ulp for v in values if v is not None and not v.blank and v.amount is not None), Decimal(0))


class CodeScheme(StrEnum):
    FUNCTION = "function"  # 支出功能分类 (类 3 / 款 5 / 项 7 digits)
    ECON_DEPT = "econ_dept"  # 部门预算支出经济分类 (301…399)
    ECON_GOV = "econ_gov"  # 政府预算支出经济分类 (501…599)


@pickle_by_fields
@dataclass(frozen=True, slots=True)
class Code:
    """A classification code split into its levels, e.g. ('208', '05', '05')."""

    scheme: CodeScheme
    parts: tuple[str, ...]

    @property
    def digits(self) -> str:
        return "".join(self.parts)

    @property
    def level(self) -> int:
        """1 = 类, 2 = 款, 3 = 项."""
        return len(self.parts)

    def parent(self) -> Code | None:
        return Code(self.scheme, self.parts[:-1]) if len(self.parts) > 1 else None

    def to_dict(self) -> dict[str, object]:
        names = ("类", "款", "项")
        return {
            "scheme": self.scheme.value,
            "code": self.digits,
            "levels": {names[i]: p for i, p in enumerate(self.parts)},
        }


_PRIMARY_SCHEMES = (CodeScheme.FUNCTION, CodeScheme.ECON_DEPT, CodeScheme.ECON_GOV)  # Row.code's order


class RowKind(StrEnum):
    TOTAL = "total"  # 合计 / 总计 of the whole table
    SUBTOTAL = "subtotal"  # a 小计 row, or a balance-table 本年收入合计 …
    ITEM = "item"  # a classified or named line


@dataclass(slots=True)
class Row:
    """One logical table row (a balance table has separate income and expenditure rows)."""

    index: int  # position in Table.rows
    label: str
    kind: RowKind = RowKind.ITEM
    codes: dict[CodeScheme, Code] = field(default_factory=dict)
    key: str | None = None  # semantic row key from the template (balance tables, 三公 rows)
    side: str | None = None  # "income" | "expenditure" for balance tables
    values: dict[str, Value] = field(default_factory=dict)
    texts: dict[str, str] = field(default_factory=dict)  # non-amount cells: 项目类型 …
    provenance: Provenance = field(default_factory=Provenance)
    parent: int | None = None  # index of the row this one breaks down (balance tables)
    ambiguous: str | None = None  # why values could not be placed; rules skip the row
    repaired: str | None = None  # how values were re-placed after a dropped cell

    @property
    def code(self) -> Code | None:
        """The row's primary code: function, else departmental economic, else government."""
        codes = self.codes
        for scheme in _PRIMARY_SCHEMES:  # a module constant: the rules ask this 100k times a batch
            if scheme in codes:
                return codes[scheme]
        return None

    @property
    def level(self) -> int:
        """0 for totals; the code level for coded rows; the （类）/（款）/（项） mark of rows
        named without codes; 1 otherwise."""
        if self.kind is RowKind.TOTAL:
            return 0
        code = self.code
        if code:
            return code.level
        return {"类": 1, "款": 2, "项": 3}.get(self.texts.get("level_mark", ""), 1)

    def amount(self, key: str) -> Decimal | None:
        v = self.values.get(key)
        return v.amount if v else None


@dataclass(slots=True)
class Column:
    """One column of a table: semantic key, the header words it came from, its role."""

    key: str
    header: tuple[str, ...]  # header path, top to bottom, e.g. ('财政拨款收入', '一般公共预算收入')
    role: str = "amount"  # amount | code | name | text | seq
    side: str | None = None
    additive: bool = True  # False for "其中" columns, rates and counts: never a part of a sum
    rate: bool = False  # a rate or percentage (完成率, 增减%): not added up down the rows either

    @property
    def label(self) -> str:
        return "/".join(h for h in self.header if h)


@dataclass(slots=True)
class ReadQuality:
    """How well a table was read (camelot's lesson): rules consult it before checking."""

    score: float = 1.0
    issues: list[str] = field(default_factory=list)

    @property
    def readable(self) -> bool:
        return self.score >= 0.5


@dataclass(slots=True)
class Table:
    index: int  # 1-based order in the document
    kind: str  # template table id, e.g. "expenditure_summary"; "unknown" if unrecognised
    title: str
    kind_label: str = ""  # Chinese name of the kind
    unit: Unit | None = None
    layout: str = "grid"  # grid | balance | matrix
    columns: list[Column] = field(default_factory=list)
    rows: list[Row] = field(default_factory=list)
    provenance: Provenance = field(default_factory=Provenance)
    end_line: int | None = None
    pages: list[int] = field(default_factory=list)
    empty_note: str | None = None  # "注：… 空表列示" when the table is empty by design
    quality: ReadQuality = field(default_factory=ReadQuality)
    # Column identities read from the header tree: (sum column key, part column keys).
    column_sums: list[tuple[str, tuple[str, ...]]] = field(default_factory=list)
    items_sum: bool = False  # the total row is the sum of all item rows (tables without codes)
    notes: list[str] = field(default_factory=list)
    # Identities the header implies but the rows do not confirm under any reading of it
    # (recognise/confirm.py): not checked, and said so once (BL907).
    unconfirmed: list[str] = field(default_factory=list)

    def column(self, key: str) -> Column | None:
        return next((c for c in self.columns if c.key == key), None)

    def row_key(self, key: str) -> tuple[str | None, str]:
        """(side, key as the rows hold it): rows of a balance table are keyed without the side
        ("expenditure.amount" → ("expenditure", "amount")); other tables' keys are the rows' keys."""
        if self.layout == "balance" and "." in key:
            side, rest = key.split(".", 1)
            return side, rest
        return None, key

    @property
    def amount_columns(self) -> list[Column]:
        return [c for c in self.columns if c.role == "amount"]

    def total_row(self, side: str | None = None) -> Row | None:
        return next(
            (r for r in self.rows if r.kind is RowKind.TOTAL and (side is None or r.side == side)),
            None,
        )

    def row_by_key(self, key: str) -> Row | None:
        return next((r for r in self.rows if r.key == key), None)

    def coded_rows(self, scheme: CodeScheme | None = None) -> Iterator[Row]:
        for r in self.rows:
            if r.code and (scheme is None or scheme in r.codes):
                yield r

    @property
    def is_empty(self) -> bool:
        return not any(
            v.amount and not v.blank for r in self.rows for v in r.values.values()
        )


@dataclass(slots=True)
class Paragraph:
    text: str
    provenance: Provenance
    heading_path: tuple[str, ...] = ()
    # The line's cells when it had more than one: a table row read as prose. Words that repeat
    # across two cells ("持续提升 | 持续提升移动化办公水平") are the table's layout, not the text's.
    cells: tuple[str, ...] = ()


@dataclass(slots=True)
class Section:
    heading: str
    level: int
    provenance: Provenance
    paragraphs: list[Paragraph] = field(default_factory=list)


@dataclass(slots=True)
class Indicator:
    """One 三级 indicator of a performance-target form."""

    level1: str
    level2: str
    name: str
    value_text: str  # as written, e.g. "≥95%"
    comparator: str | None = None  # ≥ ≤ = > < or None for qualitative values
    number: Decimal | None = None
    unit: str | None = None
    description: str | None = None
    provenance: Provenance = field(default_factory=Provenance)


@dataclass(slots=True)
class FormTask:
    """One 年度重点工作任务 of a department-wide form: its name, money and aims as printed."""

    name: str
    amount: Decimal | None = None
    content: str = ""  # 主要实施内容
    target: str = ""  # 期望达到的目标
    provenance: Provenance = field(default_factory=Provenance)


@dataclass(slots=True)
class PerformanceForm:
    """A 绩效目标表 (project, special fund, or department-wide)."""

    title: str
    project: str
    layout: str  # row_per_line | cell_per_line | planned_form | whole | row_per_project | project_grid
    project_code: str | None = None
    department: str | None = None
    implementer: str | None = None
    total: Decimal | None = None
    fiscal: Decimal | None = None
    other: Decimal | None = None
    unit: Unit | None = None
    objective: str = ""
    spending_plan: list[tuple[str, Decimal | None]] = field(default_factory=list)
    indicators: list[Indicator] = field(default_factory=list)
    provenance: Provenance = field(default_factory=Provenance)
    # Where the rules point: one provenance per line of ``objective``; the plan's label row, and
    # "%" when that label says the plan is in per cent (资金支出计划（%）).
    objective_provenance: list[Provenance] = field(default_factory=list)
    spending_plan_unit: str | None = None
    spending_plan_provenance: Provenance | None = None
    # A department-wide form (部门整体): every labelled amount of its head as printed (基本支出,
    # 项目支出, 财政拨款, 市本级使用资金 …) and its key tasks with their money.
    amounts: list[tuple[str, Decimal | None]] = field(default_factory=list)
    tasks: list[FormTask] = field(default_factory=list)


@dataclass(slots=True)
class Project:
    """One line of the project table (项目支出预算表)."""

    name: str
    category: str | None
    amounts: dict[str, Decimal]
    table: int
    row: int


@pickle_by_fields
@dataclass(frozen=True, slots=True)
class Cell:
    """Where a figure lives in the model: a table's row and column, and the value there. What the
    figure resolver (``recognise/figures.py``) answers and what a narrative claim is bound to."""

    table: Table
    row: Row
    column: str
    value: Value

    @property
    def unit(self) -> Unit | None:
        return self.table.unit


@pickle_by_fields
@dataclass(frozen=True, slots=True)
class Figure:
    """A number as printed in the prose, with the unit of its own sentence."""

    value: Decimal
    decimals: int
    unit: Unit | None  # None for percentages and counts
    raw: str

    @property
    def half_ulp(self) -> Decimal:
        return half_unit(self.decimals)

    def in_yuan(self) -> Decimal:
        return self.value * (self.unit.in_yuan if self.unit else 1)

    def half_ulp_yuan(self) -> Decimal:
        return self.half_ulp * (self.unit.in_yuan if self.unit else 1)


@dataclass(slots=True)
class Claim:
    """One figure the 情况说明 states about one subject ("2024 年收入预算 14904.71 万元，较上年减少
    358.06 万元，下降 2.3%": subject 收入预算, amount, signed change, signed %), read in the
    recognise stage (``recognise/claims``) with its binding to the tables."""

    subject: str | None  # vocabulary key (templates/narrative.toml); None when no subject was recognised
    label: str
    text: str  # the sentence it stands in (as squashed)
    provenance: Provenance
    heading: str  # heading path joined with " / "
    amount: Figure | None = None
    base: Figure | None = None  # last year's figure when the sentence states it ("比上年 X 万元增加")
    change: Figure | None = None  # signed
    change_word: str | None = None
    percent: Figure | None = None  # signed
    percent_word: str | None = None
    flat: str | None = None  # "持平" / "基本持平"
    count: int | None = None
    budget: Figure | None = None  # final accounts: 年初预算 ("年初预算为 X，支出决算为 Y")
    adjusted: Figure | None = None  # final accounts: 全年（调整后）预算
    rate: Figure | None = None  # final accounts: 完成年初预算的 Z%
    # a 功能分类 item: (name, level 1-3 or 0 when not printed, code part or None) from 类 down
    item: tuple[tuple[str, int, str | None], ...] | None = None
    scope: tuple[str, ...] = ()  # the tables the item's figure is in (from the scope words around it)
    parts: list[Claim] = field(default_factory=list)
    parts_word: str | None = None
    parent: Claim | None = None
    word: str = ""  # a count-only subject word that followed other words ("…中心项目")
    # The binding, made once in the recognise stage (recognise/claims/bind.py):
    bounds: list[Cell] = field(default_factory=list)  # the figures it speaks of (any of them may agree)
    budget_bounds: list[Cell] = field(default_factory=list)  # final accounts: the 年初预算 beside them
    readings: list[Cell] = field(default_factory=list)  # the same quantity under other scopes of funds
    prior: Cell | None = None  # last year's figure of its subject, where the tables print one
    bound: bool = False  # counted as bound (coverage: claims bound of found)

    @property
    def has_figure(self) -> bool:
        return any(x is not None for x in (self.amount, self.change, self.percent, self.count, self.budget,
                                           self.adjusted))

    def about_the_same(self, text: str, provenance: Provenance) -> Claim:
        """A new claim on the same subject (a later sentence about it), not yet with figures."""
        return Claim(self.subject, self.label, text, provenance, self.heading, item=self.item, scope=self.scope)


@dataclass(slots=True)
class DocumentMeta:
    title: str = ""
    organisation: str = ""  # department or unit name
    year: int | None = None
    kind: DocKind = DocKind.UNKNOWN
    template: str = ""
    narrative_unit: Unit | None = None
    source_format: str = ""
    unit_type: str | None = None  # 行政 | 参公 | 事业, as the document states it
    unit_type_evidence: str | None = None
    template_source: str = ""  # "titles" (recognised from table titles) | "user" (check --template)
    template_evidence: list[str] = field(default_factory=list)  # the titles that are the template's


@dataclass(slots=True)
class Document:
    path: str
    meta: DocumentMeta
    tables: list[Table] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)
    forms: list[PerformanceForm] = field(default_factory=list)
    toc: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # what ingest noticed (encoding, …)
    claims: list[Claim] = field(default_factory=list)  # the 情况说明's figures, bound to the tables

    def tables_of(self, kind: str) -> list[Table]:
        return [t for t in self.tables if t.kind == kind]

    def table(self, kind: str) -> Table | None:
        found = self.tables_of(kind)
        return found[0] if found else None

    @property
    def projects(self) -> list[Project]:
        out: list[Project] = []
        for t in self.tables_of("project_expenditure"):
            for r in t.rows:
                if r.kind is RowKind.ITEM and r.label:
                    out.append(
                        Project(
                            name=r.label,
                            category=r.texts.get("project_type"),
                            amounts={k: v.amount for k, v in r.values.items() if v.amount is not None},
                            table=t.index,
                            row=r.index,
                        )
                    )
        return out
