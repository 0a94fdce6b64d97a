"""Cross-table identities: the same total in different tables must agree.

The identities are data (``identities.toml``): one engine runs them all, as the DATA Act
Broker runs its SQL rules. Each rule id there is registered here with its documentation.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from importlib import resources

from budgetlint.findings import Finding, Location
from budgetlint.model import DocKind, Document, Row, RowKind, Table, Value
from budgetlint.recognise.normalise import squash
from budgetlint.recognise.vocab import default_vocabulary
from budgetlint.rules.common import checkable, fmt, tolerance, usable, within
from budgetlint.rules.registry import REGISTRY, rule


@dataclass(frozen=True, slots=True)
class Ref:
    kind: str
    row: str  # "total", "<side>/<key>", or a grid row's key ("personnel_total")
    column: str

    @classmethod
    def parse(cls, text: str) -> Ref:
        parts = text.strip().split(":")
        if len(parts) != 3 or not all(parts):
            raise ValueError(f"identities.toml：数量写法应为 表类型:行:列，得到 {text!r}")
        return cls(*parts)


def parse_sum(text: str) -> tuple[Ref, ...]:
    """One quantity, or several added up ("a:b:c + d:e:f"): 人员经费合计 + 公用经费合计."""
    return tuple(Ref.parse(t) for t in text.split("+"))


@dataclass(slots=True)
class Quantity:
    table: Table
    row: Row | None  # None: the table is printed empty, its total is zero
    value: Value

    @property
    def amount(self) -> Decimal:
        return self.value.amount or Decimal(0)

    def location(self) -> Location:
        if self.row is None:
            return Location.of(self.table)
        return Location.of(self.table, self.row, self.ref_column)

    ref_column: str = ""


def resolve(doc: Document, ref: Ref) -> Quantity | None:
    """The value a reference names, or None when the document does not show it readably."""
    tables = doc.tables_of(ref.kind)
    if len(tables) != 1:
        return None  # absent, or ambiguous (two tables of one kind: a department and its units)
    table = tables[0]
    if not checkable(table) and not (table.is_empty and table.rows == []):
        return None
    if ref.row == "total":
        row = table.total_row()
        if row is None:
            if table.is_empty:
                zero = Value(Decimal(0), "", table.provenance, blank=True)
                return Quantity(table, None, zero, ref.column)
            return None
    elif "/" in ref.row:
        side, key = ref.row.split("/", 1)
        row = next((r for r in table.rows if r.side == side and r.key == key), None)
        if row is None:
            return None
    else:
        row = next((r for r in table.rows if r.key == ref.row), None)
        if row is None:
            return None
    if not usable(row):
        return None
    # The column, or where the table prints the same figure (决算数 columns: final.total …).
    column = next((k for k in default_vocabulary().aliases(ref.column) if k in row.values), None)
    if column is None:
        return None  # the table has no such column
    if row.values[column].blank and _parts_printed(table, row, column):
        return None  # a heading left blank over its printed parts states no figure (as BL104 reads it)
    return Quantity(table, row, row.values[column], column)


def _parts_printed(table: Table, row: Row, column: str) -> bool:
    """A line of a balance table that breaks ``row`` down prints a figure other than zero in the
    column: the blank over it is a heading (西安 "1、财政拨款" over its "(1)一般公共预算拨款收入"), not 0."""
    return any(r.parent == row.index and r.side == row.side and (v := r.values.get(column)) is not None
               and not v.blank and v.amount for r in table.rows)


@dataclass(slots=True)
class Total:
    """A quantity as an identity names it: one figure, or several added up."""

    parts: list[Quantity]

    @property
    def amount(self) -> Decimal:
        return sum((q.amount for q in self.parts), Decimal(0))

    @property
    def values(self) -> list[Value]:
        return [q.value for q in self.parts]

    @property
    def table(self) -> Table:
        return self.parts[0].table

    def location(self) -> Location:
        return self.parts[0].location()

    def describe(self) -> str:
        return " + ".join(_describe(q) for q in self.parts)

    def raw(self) -> str:
        return " + ".join(q.value.raw.strip() or "空" for q in self.parts)


def resolve_sum(doc: Document, refs: tuple[Ref, ...]) -> Total | None:
    parts = [resolve(doc, r) for r in refs]
    if any(q is None for q in parts):
        return None
    if len({id(q.table) for q in parts}) > 1 and len({q.table.unit for q in parts}) > 1:
        return None
    return Total(parts)


def _describe(q: Quantity) -> str:
    t = q.table
    if q.row is None:
        return f"「{t.title}」（空表）"
    col = t.column(f"{q.row.side}.{q.ref_column}" if q.row.side else q.ref_column)
    label = "/".join(h for h in (col.header[1:] if col and col.side else col.header if col else ()) if h)
    return f"「{t.title}」{q.row.label or '合计'}{('的' + label) if label else ''}"


@dataclass(frozen=True, slots=True)
class Identity:
    rule: str
    left: tuple[Ref, ...]
    right: tuple[tuple[Ref, ...], ...]
    same_funds: bool = False  # compare only tables that cover the same money


def _data() -> dict:
    return tomllib.loads((resources.files("budgetlint.rules") / "identities.toml").read_text("utf-8"))


def _load(data: dict) -> tuple[list[dict], list[Identity], dict[str, tuple[str, ...]]]:
    idents = [
        Identity(i["rule"], parse_sum(i["left"]), tuple(parse_sum(r) for r in i["right"]),
                 bool(i.get("same_funds", False)))
        for i in data.get("identity", [])
    ]
    funds = {k: tuple(squash(w) for w in ws) for k, ws in data.get("funds", {}).items()}
    return data.get("rule", []), idents, funds


_DATA = _data()
RULES, IDENTITIES, FUNDS = _load(_DATA)
# BL208: (summary kind, its column, detail kind, its column) of each [[class_pair]].
CLASS_PAIRS = [(*p["summary"].split(":", 1), *p["detail"].split(":", 1)) for p in _DATA.get("class_pair", [])]
# BL209: "三公" item → (经济分类 code of its basic-expenditure line, the item's name), [[basic_line]].
BASIC_LINES = {b["item"]: (b["code"], b["label"]) for b in _DATA.get("basic_line", [])}


def funds_of(q: Quantity) -> str:
    """The money a quantity's table covers: the first [funds] entry whose words stand in the table's
    title or the header of the column read, else "all"."""
    col = q.table.column(f"{q.row.side}.{q.ref_column}" if q.row is not None and q.row.side else q.ref_column)
    text = squash(q.table.title) + (squash(col.label) if col is not None else "")
    return next((k for k, words in FUNDS.items() if any(w in text for w in words)), "all")


def _same_funds(a: Total, b: Total) -> bool:
    return {funds_of(q) for q in a.parts} == {funds_of(q) for q in b.parts}


def check_identity(doc: Document, ident: Identity) -> Iterator[Finding]:
    left = resolve_sum(doc, ident.left)
    if left is None:
        return
    rights = [q for q in (resolve_sum(doc, r) for r in ident.right) if q is not None]
    if ident.same_funds:
        rights = [q for q in rights if _same_funds(left, q)]
    if not rights:
        return
    for q in rights:
        if within(left.amount, q.amount, tolerance(left.values + q.values)):
            return
    right = rights[0]
    meta = REGISTRY[ident.rule]
    unit = left.table.unit.value if left.table.unit else None
    if right.table.unit != left.table.unit:
        return  # different units: the comparison needs a conversion the tables do not state
    yield meta.finding(
        f"{left.describe()} {fmt(left.amount)} 与{right.describe()} {fmt(right.amount)} 不一致"
        f"（差 {fmt(left.amount - right.amount)}）",
        location=left.location(),
        expected=right.amount,
        found=left.amount,
        tolerance=tolerance(left.values + right.values),
        unit=unit,
        evidence=f"{left.describe()}={left.raw()}；{right.describe()}={right.raw()}",
        related=[p.location() for q in rights for p in q.parts],
    )


def _register(spec: dict) -> None:
    rid = spec["id"]
    doc = (f"## 检查什么\n{spec['what']}\n## 为什么重要\n{spec['why']}\n## 示例\n{spec['example']}\n"
           "## 不报的情形\n任一方所在的表缺失、无法可靠读取、有读取错位的行，或两表金额单位不同；"
           "差额在四舍五入容差之内；同类表格出现不止一张（如部门与所属单位分列）。")

    def run(document: Document, _rid: str = rid) -> Iterator[Finding]:
        for ident in IDENTITIES:
            if ident.rule == _rid:
                yield from check_identity(document, ident)

    run.__doc__ = doc
    run.__name__ = spec["name"].replace("-", "_")
    rule(rid, name=spec["name"], family="cross_table", severity=spec.get("severity", "error"),
         title=spec["title"])(run)


for _spec in RULES:
    _register(_spec)




# --- Identities over every code, not expressible as single references ---------------------------


def _single(doc: Document, kind: str) -> Table | None:
    tables = doc.tables_of(kind)
    return tables[0] if len(tables) == 1 and checkable(tables[0]) else None


def _by_code(table: Table) -> dict[str, Row]:
    out: dict[str, Row] = {}
    dup: set[str] = set()
    for r in table.rows:
        if r.kind is RowKind.ITEM and r.code is not None and usable(r):
            if r.code.digits in out:
                dup.add(r.code.digits)
            out[r.code.digits] = r
    for d in dup:
        out.pop(d)
    return out


def _cross_finding(rule_id: str, a: Table, ra: Row, col_a: str, b: Table, rb: Row | None, col_b: str,
                   va: Value, vb: Value | None, what: str, other_label: str | None = None) -> Finding:
    bval = vb.amount if vb is not None and vb.amount is not None else Decimal(0)
    tol = tolerance([va] + ([vb] if vb is not None else []))
    other = f"「{b.title}」" + (other_label or (f"{rb.label}" if rb is not None else "（未列该科目）"))
    return REGISTRY[rule_id].finding(
        f"{what}：「{a.title}」{ra.label} {fmt(va.amount)} 与{other} {fmt(bval)} 不一致（差 {fmt(va.amount - bval)}）",
        Location.of(a, ra, col_a), expected=bval, found=va.amount, tolerance=tol,
        unit=a.unit.value if a.unit else None,
        evidence=f"{ra.label}={va.raw.strip() or '空'}；{other_label or (rb.label if rb else '（无）')}="
                 f"{vb.raw.strip() if vb else '（无）'}",
        related=[Location.of(b, rb, col_b) if rb is not None else Location.of(b)],
    )


def _minimal(codes: list[str]) -> list[str]:
    """Drop a code when one of its sub-codes also differs: the sub-code is where to look."""
    return [c for c in codes if not any(o != c and o.startswith(c) for o in codes)]


@rule("BL207", name="code-amount-differs", family="cross_table", severity="error",
      title="同一科目在不同表中金额不一致")
def code_amount_differs(doc: Document) -> Iterator[Finding]:
    """## 检查什么
    预算文档中，同一支出功能分类科目（类、款、项）在收入总体情况表和支出总体情况表中的合计应相同：
    两表都按全部资金来源反映同一科目的预算。决算不适用（收入与支出之差是结转结余）。
    ## 为什么重要
    科目金额在两表中不同，说明至少一张表的该科目填错。
    ## 示例
    2080505 在收入总体情况表为 162.35，在支出总体情况表为 126.35。
    ## 不报的情形
    只在一张表中出现的科目；同一表中编码重复的科目；下级科目已报告不一致时不再重复报告上级；
    差额在容差之内；任一表无法可靠读取；两表合计不同（支出表只列本年支出、不含结转下年，
    如中央部门的收入预算表与支出预算表）。
    """
    if doc.meta.kind not in (DocKind.DEPARTMENT_BUDGET, DocKind.UNIT_BUDGET):
        return  # in final accounts income and spending per code differ by carry-overs, legitimately
    a, b = _single(doc, "expenditure_summary"), _single(doc, "income_summary")
    if a is None or b is None or a.unit != b.unit:
        return
    ta, tb = (next((r.values.get("total") for r in t.rows if r.kind is RowKind.TOTAL), None) for t in (a, b))
    if ta is not None and tb is not None and ta.amount is not None and tb.amount is not None \
            and not within(ta.amount, tb.amount, tolerance([ta, tb])):
        return  # the expenditure table leaves out what is carried to next year: per code they differ
    ra, rb = _by_code(a), _by_code(b)
    bad: dict[str, tuple[Row, Row]] = {}
    for code, row in ra.items():
        other = rb.get(code)
        va, vb = row.values.get("total"), other.values.get("total") if other else None
        if other is None or va is None or vb is None or va.amount is None or vb.amount is None:
            continue
        if not within(va.amount, vb.amount, tolerance([va, vb])):
            bad[code] = (row, other)
    for code in _minimal(sorted(bad)):
        row, other = bad[code]
        yield _cross_finding("BL207", a, row, "total", b, other, "total", row.values["total"],
                             other.values["total"], f"科目 {code}")


# The 类 of each catalog by name, built once per catalog object (load_catalog keeps them, and
# entries are only added while loading): a scan of every entry per summary row was most of BL208.
_CLASSES: dict[int, tuple[object, dict[str, tuple[int, str]]]] = {}


def _classes(catalog) -> dict[str, tuple[int, str]]:
    """Name key → (position in the catalog, code) of its first 类 of that name."""
    from budgetlint.catalogs import name_key

    held = _CLASSES.get(id(catalog))
    if held is None or held[0] is not catalog:
        index: dict[str, tuple[int, str]] = {}
        for i, e in enumerate(catalog.entries.values()):
            if e.level == 1:
                index.setdefault(name_key(e.name), (i, e.code))
        if len(_CLASSES) >= 16:
            _CLASSES.clear()
        held = _CLASSES[id(catalog)] = (catalog, index)
    return held[1]


def _class_code(label: str, catalog) -> str | None:
    """The code of the catalog's first 类 named ``label`` or ``label`` + 支出."""
    from budgetlint.catalogs import name_key
    from budgetlint.recognise.normalise import strip_enumeration

    key = name_key(strip_enumeration(label))
    classes = _classes(catalog)
    hits = [hit for k in (key, key + "支出") if (hit := classes.get(k)) is not None]
    return min(hits)[1] if hits else None


@rule("BL208", name="class-amount-differs", family="cross_table", severity="error",
      title="总表中的支出功能分类与明细表不一致")
def class_amount_differs(doc: Document) -> Iterator[Finding]:
    """## 检查什么
    收支总体情况表支出方按功能分类（类）列示的金额，应等于支出总体情况表同一类的合计；
    财政拨款收支总体情况表各类的一般公共预算、政府性基金预算金额，应分别等于一般公共预算支出
    情况表、政府性基金预算支出情况表中同一类的合计。类名按科目表对应到编码。
    ## 为什么重要
    总表是明细表的汇总，分类金额必须一一对应。
    ## 示例
    收支总体情况表"科学技术支出" 2623.18，支出总体情况表 206 科学技术支出 2632.18。
    ## 不报的情形
    类名无法对应到科目编码；明细表缺失或无法可靠读取；差额在容差之内。
    """
    from budgetlint.catalogs import load_catalog

    catalog = load_catalog("function", doc.meta.year)
    if catalog is None:
        return
    for summary_kind, col, detail_kind, dcol in CLASS_PAIRS:
        summary, detail = _single(doc, summary_kind), doc.tables_of(detail_kind)
        if summary is None or len(detail) != 1 or (not checkable(detail[0]) and not detail[0].is_empty):
            continue
        detail_t = detail[0]
        if detail_t.unit != summary.unit and not detail_t.is_empty:
            continue
        # The column, or where the table prints it (决算: 本年支出/小计, final.total).
        dcol = next((k for k in default_vocabulary().aliases(dcol) if detail_t.column(k)), dcol)
        if detail_t.rows and detail_t.column(dcol) is None:
            continue  # the detail table has no such column
        by_code = _by_code(detail_t)
        coded: list[tuple[Row, str]] | None = None  # the detail table's _function_rows, when asked
        if not by_code and not detail_t.is_empty:
            continue  # the detail table lists no codes (e.g. names only): nothing to compare
        for row in summary.rows:
            if row.side != "expenditure" or row.kind is not RowKind.ITEM or not usable(row):
                continue
            v = row.values.get(col)
            code = _class_code(row.label, catalog)
            if v is None or v.amount is None or code is None:
                continue
            other = by_code.get(code)
            ov = other.values.get(dcol) if other is not None else None
            amount = ov.amount if ov is not None and ov.amount is not None else Decimal(0)
            if other is None:
                # The class has no line of its own (a cross-tab listing 项 × 经济分类 only, as 北京's
                # 支出总表): its amount is the sum of its highest lines printed.
                if coded is None:
                    coded = _function_rows(detail_t)
                under = _class_lines(coded, code)
                if under is None:
                    continue
                vals = [r.values[dcol] for r in under if dcol in r.values]
                if under:
                    amount = sum((x.amount for x in vals if x.amount is not None), Decimal(0))
                    if within(v.amount, amount, tolerance([v, *vals])):
                        continue
                    total = Value(amount, "+".join(x.raw.strip() for x in vals if not x.blank)[:200],
                                  under[0].provenance, max((x.decimals for x in vals), default=0))
                    f = _cross_finding("BL208", summary, row, col, detail_t, under[0], dcol, v, total,
                                       f"功能分类 {code}", other_label=f"{code} 下各行之和")
                    f.tolerance = tolerance([v, *vals])
                    yield f
                    continue
            if within(v.amount, amount, tolerance([v] + ([ov] if ov is not None else []))):
                continue
            yield _cross_finding("BL208", summary, row, col, detail_t, other, dcol, v, ov,
                                 f"功能分类 {code}")


def _function_rows(table: Table) -> list[tuple[Row, str]]:
    """The table's item rows coded by function class, with their codes' digits: what
    ``_class_lines`` looks through, once per table rather than once per class."""
    return [(r, code.digits) for r in table.rows
            if r.kind is RowKind.ITEM and (code := r.code) is not None and code.scheme.value == "function"]


def _class_lines(coded: list[tuple[Row, str]], code: str) -> list[Row] | None:
    """The highest printed lines under a function class that has no line of its own (codes may
    repeat in a cross-tab); None when a line under it cannot be read. ``coded``: the detail
    table's ``_function_rows``."""
    rows = [(r, digits) for r, digits in coded if digits.startswith(code)]
    if any(not usable(r) for r, _ in rows):
        return None
    present = {digits for _, digits in rows}
    return [r for r, digits in rows if not any(digits[:n] in present for n in (3, 5) if n < len(digits))]


@rule("BL209", name="three-public-below-basic-line", family="cross_table", severity="error",
      title="“三公”经费小于基本支出中的对应科目")
def three_public_below_basic_line(doc: Document) -> Iterator[Finding]:
    """## 检查什么
    “三公”经费表中本年的因公出国（境）费、公务用车运行维护费、公务接待费，不应小于一般公共预算
    基本支出情况表中对应经济分类科目（30212、30231、30217）的金额：三公经费含基本和项目两部分，
    基本支出中的同名科目只是其中一部分。
    ## 为什么重要
    基本支出中的科目金额超过三公经费总额，说明三公经费少报或科目归错。
    ## 示例
    三公表公务接待费 4.00，基本支出表 30217 公务接待费 6.00。
    ## 不报的情形
    任一表缺失或无法可靠读取；金额单位不同；差额在容差之内；三公表的资金范围（财政拨款）宽于
    一般公共预算时仍适用，因为一般公共预算是财政拨款的一部分。
    """
    basic = _single(doc, "general_basic_expenditure")
    if basic is None:
        return
    from budgetlint.recognise.figures import three_public_cells

    items = three_public_cells(doc, doc.meta.year)
    if not items:
        return
    rows = _by_code(basic)
    # 决算: the basic-expenditure table's one figure is its 决算数 ("amount").
    col = next((k for k in ("basic", "total", "amount") if basic.column(k)), None)
    if col is None:
        return
    for part, (code, part_label) in BASIC_LINES.items():
        if part not in items or code not in rows:
            continue
        t, r, key = items[part].table, items[part].row, items[part].column
        if t.unit != basic.unit or not checkable(t) or not usable(r):
            continue
        v, b = r.values.get(key), rows[code].values.get(col)
        if v is None or b is None or v.amount is None or b.amount is None:
            continue
        if b.amount - v.amount > tolerance([v, b]):
            yield _cross_finding("BL209", t, r, key, basic, rows[code], col, v, b,
                                 f"“三公”经费中的{part_label}小于基本支出中的 {code}")
