"""Cross-document rules (BL8xx): figures that must agree between two documents of one batch.

Each rule takes a ``grouping.Pair`` (scope "pair"), never one document: ``crossdoc.check_groups``
runs them over the relations ``grouping.find_pairs`` found. Figures come from the model (the key
figures of ``figures.py``, or the total rows of tables of one kind); both sides are converted to
元 before comparing (a 元 document against a 万元 one), and the tolerance is half a unit in the
last printed place of every figure compared. A finding sits on the later / dependent document
(``pair.doc``) and names the other document's cell in ``Finding.other``.

A relation that fails on most of its figures at once says the two documents were not drawn up on
one basis (a 部门 budget against a 单位 final, a unit misread) more likely than that each figure is
wrong: such a pair gives one warning, not an error per figure — unless every failing figure is off
by the same amount, which is one difference carried into the totals above it.

The changes on last year that the 情况说明 states, against last year's document (BL805), are in
``cross_document_changes.py``: they read the narrative claims, not the tables alone.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from budgetlint.findings import Finding, Location, Severity
from budgetlint.grouping import Pair
from budgetlint.model import Document, Row, RowKind, Table, Unit, Value, half_unit
from budgetlint.recognise.figures import key_figures, three_public, three_public_budget_cells, three_public_cells
from budgetlint.rules.common import fmt, readable
from budgetlint.rules.registry import REGISTRY, rule


@dataclass(slots=True)
class Cell:
    """One printed figure of one document, where it is, and how precisely it is printed."""

    doc: Document
    amount: Decimal
    unit: Unit | None
    decimals: int  # places printed: the rounding the figure carries
    location: Location
    blank: bool = False  # a blank or dash: exactly zero, no rounding

    @property
    def half_ulp(self) -> Decimal:
        return Decimal(0) if self.blank else half_unit(self.decimals)

    @property
    def yuan(self) -> Decimal:
        return self.amount * (self.unit.in_yuan if self.unit else Decimal(1))

    @property
    def slack_yuan(self) -> Decimal:
        return self.half_ulp * (self.unit.in_yuan if self.unit else Decimal(1))

    def where(self) -> str:
        return f"《{Path(self.doc.path).name}》{self.location.describe()}"


def _cell(doc: Document, table: Table, row: Row, column: str) -> Cell | None:
    v: Value | None = row.values.get(column)
    if v is None or not readable(v) or row.ambiguous is not None:
        return None
    return Cell(doc, v.amount, table.unit, v.decimals, Location.of(table, row, column), v.blank)


def _aliases(column: str) -> list[str]:
    from budgetlint.recognise.vocab import default_vocabulary

    return list(default_vocabulary().aliases(column))


def _value_cell(doc: Document, table: Table, row: Row, column: str) -> Cell | None:
    """The row's figure under ``column`` or where the table prints it instead (final.total …)."""
    for key in _aliases(column):
        if key in row.values:
            return _cell(doc, table, row, key)
    return None


def _locate(doc: Document, kind: str, amount: Decimal | None, prefer: str = "", side: str | None = None) -> Cell | None:
    """Where a key figure (an amount ``figures.py`` read) is printed: the first cell of the
    document's ``kind`` table holding it, total rows first (the figure is a total)."""
    if amount is None:
        return None
    for t in doc.tables_of(kind):
        rows = sorted(t.rows, key=lambda r: (side is not None and r.side != side, r.kind is not RowKind.TOTAL))
        for r in rows:
            # the figure's own column first: a 基本支出 equal to the 合计 (no projects) is the 基本支出 cell
            keys = sorted(r.values, key=lambda k: not k.startswith(prefer)) if prefer else list(r.values)
            for k in keys:
                v = r.values[k]
                if v.amount == amount:
                    return _cell(doc, t, r, k)
        # found nowhere (a figure read by sum): its place is the table, its precision the table's
        decimals = max((v.decimals for r in t.rows for v in r.values.values()), default=2)
        return Cell(doc, amount, t.unit, decimals, Location(page=t.provenance.page, table=t.index, table_title=t.title))
    return None


def _other(cell: Cell) -> Location:
    loc = Location(**{k: getattr(cell.location, k) for k in Location.__slots__})
    loc.document = cell.doc.path
    return loc


@dataclass(slots=True)
class Comparison:
    """One figure of ``pair.doc`` against its counterpart (one cell, or a sum over units)."""

    label: str  # what the figure is, in Chinese
    mine: Cell
    theirs: list[Cell]

    @property
    def expected_yuan(self) -> Decimal:
        return sum((c.yuan for c in self.theirs), Decimal(0))

    @property
    def tolerance_yuan(self) -> Decimal:
        return self.mine.slack_yuan + sum((c.slack_yuan for c in self.theirs), Decimal(0))

    @property
    def agrees(self) -> bool:
        return abs(self.mine.yuan - self.expected_yuan) <= self.tolerance_yuan

    def in_mine(self, yuan: Decimal, extra: int = 0) -> Decimal:
        """An amount in 元 in this document's unit, to its printed places (``extra`` more)."""
        scale = self.mine.unit.in_yuan if self.mine.unit else Decimal(1)
        places = max([self.mine.decimals] if not self.mine.blank else [c.decimals for c in self.theirs] or [0])
        return (yuan / scale).quantize(Decimal(1).scaleb(-(places + extra)))


def _comparable(c: Comparison) -> bool:
    # 元 against 万元 is converted; a table whose unit was not read is compared only with one
    # that also does not say (same printing, most likely the same unit).
    units = {c.mine.unit is None} | {t.unit is None for t in c.theirs}
    return len(units) == 1


def _report(rule_id: str, pair: Pair, comparisons: list[Comparison], what: str, *,
            severity: Severity | None = None, note: str = "") -> Iterator[Finding]:
    """Errors for the comparisons that fail — or one warning when most of them fail at once."""
    meta = REGISTRY[rule_id]
    checked = [c for c in comparisons if _comparable(c)]
    failed = [c for c in checked if not c.agrees]
    if not failed:
        return
    other_names = "、".join(f"《{Path(d.path).name}》" for d in pair.others)
    if len(failed) >= SYSTEMATIC and len(failed) * 2 > len(checked) and severity is None \
            and not _one_difference(failed):
        first = failed[0]
        yield meta.finding(
            f"本文档与{other_names}（{what}）有 {len(failed)}/{len(checked)} 个数字不一致；多数同时不一致更可能是"
            "两份文档口径不同（如部门与单位、是否含下属单位）或读取有误，未逐项作为错误报告，请对照原文核对",
            first.mine.location, severity=Severity.WARNING, other=_other(first.theirs[0]),
            evidence="；".join(_describe(c) for c in failed[:6]) + ("……" if len(failed) > 6 else ""))
        return
    for c in failed:
        unit = c.mine.unit.value if c.mine.unit else None
        expected = c.in_mine(c.expected_yuan)
        yield meta.finding(
            f"{c.label} {fmt(c.mine.amount)} 与{other_names}的 {fmt(expected)} 不一致"
            f"（差 {fmt(c.mine.amount - expected)}{unit or ''}）{note}",
            c.mine.location, severity=severity, expected=expected, found=c.mine.amount,
            tolerance=c.in_mine(c.tolerance_yuan, 1), unit=unit, other=_other(c.theirs[0]),
            evidence=_describe(c))


def _one_difference(failed: list[Comparison]) -> bool:
    """Every failing figure is off by the same amount (in 元, within the figures' rounding): one
    difference carried into the totals above it (a unit's spending changed: its 支出总计, 收入总计
    and 基本支出 all move by it), not two documents drawn up on different bases, whose figures
    differ each by its own amount."""
    diffs = [(c.mine.yuan - c.expected_yuan, c.tolerance_yuan) for c in failed]
    d0, t0 = diffs[0]
    return all(abs(d - d0) <= t + t0 for d, t in diffs[1:])


def _describe(c: Comparison) -> str:
    theirs = " + ".join(f"{c2.where()} {fmt(c2.amount)}{c2.unit.value if c2.unit else ''}" for c2 in c.theirs)
    unit = c.mine.unit.value if c.mine.unit else ""
    return f"{c.label}：{c.mine.where()} {fmt(c.mine.amount)}{unit}；对方 {theirs}"


# A relation failing on this many figures (and on most of those compared) is doubted as a whole.
SYSTEMATIC = 3


def _total_rows(t: Table) -> list[tuple[str, Row]]:
    """(identity, row) of a table's totals: the 合计 line of a grid, the keyed lines (本年收入合计,
    收入总计 …) of a balance table, with the side, so that the same line is found in another copy."""
    out = []
    for r in t.rows:
        if r.key and (t.layout == "balance" or r.kind is not RowKind.ITEM):
            out.append((f"{r.side or ''}:{r.key}", r))
        elif r.kind is RowKind.TOTAL:
            out.append((f"{r.side or ''}:total", r))
    return out


def _row_name(row: Row) -> str:
    return row.label.strip() or "合计"


# ---------------------------------------------------------------------------------------------
# BL801 year over year


@rule("BL801", name="previous-year-mismatch", family="cross_document", severity="error",
      title="本年文档的上年数与上年文档不一致", scope="pair")
def previous_year(pair: Pair) -> Iterator[Finding]:
    """## 检查什么
    同一部门（单位）同类文档相邻两年都在本批中时，本年文档列示的上年数（列名带上年年份的“上年预算数”
    等，及“三公”经费表的上年数）与上年文档列示的本年数应一致。

    ## 为什么重要
    上年数是增减变化和增减原因说明的基数，抄错会使增减金额、增减幅度和原因说明一起失真。

    ## 示例
    2024年部门预算“三公”经费表的2023年预算数合计 12.00 万元，而2023年部门预算的“三公”经费预算数为
    10.00 万元。

    ## 不报的情形
    两份文档的单位（元/万元）换算后差额在印刷精度的舍入范围内；上年文档未列示对应表格或数字；
    多数数字同时不一致时只提示一次口径可能不同（如上年数按调整后预算列示），不逐项报错。
    """
    if pair.relation != "year":
        return
    doc, prev = pair.doc, pair.other
    year = doc.meta.year
    comparisons: list[Comparison] = []
    prefix = f"y{year - 1}."
    for t in doc.tables:
        if t.kind in ("unknown", "three_public"):
            continue
        cols = [c.key.split(".", 1)[1] for c in t.amount_columns if c.key.startswith(prefix)]
        theirs_t = prev.table(t.kind)
        if not cols or theirs_t is None:
            continue
        theirs_rows = dict(_total_rows(theirs_t))
        for ident, r in _total_rows(t):
            other_row = theirs_rows.get(ident)
            for col in cols:
                mine = _cell(doc, t, r, prefix + col)
                theirs = other_row and (_cell(prev, theirs_t, other_row, prefix + col)
                                        or _value_cell(prev, theirs_t, other_row, col))
                if mine and theirs:
                    comparisons.append(Comparison(f"「{t.title}」{_row_name(r)}的{year - 1}年数", mine, [theirs]))
    comparisons += _three_public_prev(doc, prev)
    yield from _report("BL801", pair, comparisons, f"{year - 1}年数")


def _three_public_items(doc: Document, year: int | None) -> dict[str, tuple[Table, Row, str]]:
    """The 三公 items of ``year`` where the figure resolver finds them: (table, row, column)."""
    return {part: (c.table, c.row, c.column) for part, c in three_public_cells(doc, year).items()}


def _three_public_prev(doc: Document, prev: Document) -> list[Comparison]:
    year = doc.meta.year
    # the items of year Y-1 as this year's document prints them (year columns, year rows; a layout
    # showing the budget year only gives none) against last year's document's own year
    mine_items = _three_public_items(doc, year - 1)
    theirs_items = _three_public_items(prev, year - 1)
    out = []
    for part, (t, r, k) in mine_items.items():
        if part not in theirs_items:
            continue
        t2, r2, k2 = theirs_items[part]
        mine, theirs = _cell(doc, t, r, k), _cell(prev, t2, r2, k2)
        if mine and theirs:
            out.append(Comparison(f"“三公”经费{year - 1}年数（{_PART_NAMES[part]}）", mine, [theirs]))
    return out


_PART_NAMES = {"total": "合计", "abroad": "因公出国（境）费", "vehicle": "公务用车购置及运行费",
               "vehicle_purchase": "公务用车购置费", "vehicle_operation": "公务用车运行费", "reception": "公务接待费"}


# ---------------------------------------------------------------------------------------------
# BL802 department against its units

_DEPT_FIGURES = {  # key figure → (table kind, what it is, its column (a prefix), its side)
    "income_total": ("income_expenditure_summary", "收入总计", "", "income"),
    "expenditure_total": ("income_expenditure_summary", "支出总计", "", "expenditure"),
    "basic_total": ("expenditure_summary", "基本支出合计", "basic", None),
    "project_total": ("expenditure_summary", "项目支出合计", "project", None),
    "three_public_curr": ("three_public", "“三公”经费合计", "", None),
}


@rule("BL802", name="department-units-mismatch", family="cross_document", severity="error",
      title="部门汇总数与所属单位之和不一致", scope="pair")
def department_units(pair: Pair) -> Iterator[Finding]:
    """## 检查什么
    部门预算（决算）汇总本部门及所属各单位；其所属单位的单位预算（决算）都在本批中时，部门的收支总计、
    基本支出、项目支出和“三公”经费合计应等于各单位之和。

    ## 为什么重要
    部门数与单位数对不上，说明部门汇总漏了（或重复计了）某个单位，或某个单位公开的不是批复数。

    ## 示例
    某局部门预算支出总计 1,000.00 万元，其机构设置列明两个单位，两份单位预算的支出总计合计 980.00 万元。

    ## 不报的情形
    部门文档未说明由哪些单位组成，或所列单位不全在本批中：只给一条提示，列出缺少的单位和各项差额，不报错误；
    元/万元换算后差额在印刷精度的舍入范围内；多数数字同时不一致且各差一个不同的数时只提示一次口径可能不同
    （各数字差额相同，如某单位支出改动后收入总计、支出总计和基本支出同差一个数，是同一处差异计入了各级合计，仍报错误）。
    """
    if pair.relation != "department_units":
        return
    dept = pair.doc
    mine_fig = key_figures(dept)
    units_fig = [(u, key_figures(u)) for u in pair.others]
    comparisons = []
    for name, (kind, label, column, side) in _DEPT_FIGURES.items():
        mine = _locate(dept, kind, mine_fig.get(name), column, side)
        theirs = [_locate(u, kind, f.get(name), column, side) for u, f in units_fig]
        if mine is None or any(c is None for c in theirs):
            continue
        comparisons.append(Comparison(f"「{mine.location.table_title}」{label}", mine, theirs))
    complete = pair.listed and not pair.missing
    if complete:
        yield from _report("BL802", pair, comparisons, "所属单位之和")
        return
    names = "、".join(pair.missing[:5]) + (f"等 {len(pair.missing)} 个单位" if len(pair.missing) > 5 else "")
    why = (f"；部门所列单位中 {names} 不在本批中" if pair.missing
           else "；部门文档未列明所属单位，不能确定本批的单位是否齐全")
    # one cause (units absent, or not known): one note naming every figure it moves
    failed = [c for c in comparisons if _comparable(c) and not c.agrees]
    if failed:
        others = "、".join(f"《{Path(d.path).name}》" for d in pair.others)
        first = failed[0]
        yield REGISTRY["BL802"].finding(
            f"部门汇总数与本批所属单位{others}之和有 {len(failed)} 个数字不一致（仅供参考{why}）："
            + "；".join(f"{c.label} {fmt(c.mine.amount)} 对 {fmt(c.in_mine(c.expected_yuan))}" for c in failed),
            first.mine.location, severity=Severity.INFO, other=_other(first.theirs[0]),
            evidence="；".join(_describe(c) for c in failed[:6]) + ("……" if len(failed) > 6 else ""))


# ---------------------------------------------------------------------------------------------
# BL803 budget against final account


@rule("BL803", name="final-budget-column-mismatch", family="cross_document", severity="error",
      title="决算的年初预算数与当年预算文档不一致", scope="pair")
def budget_final(pair: Pair) -> Iterator[Finding]:
    """## 检查什么
    同一部门（单位）同一年度的预算与决算都在本批中时，决算各表列示的年初预算数（合计、一般公共预算
    财政拨款支出、“三公”经费合计及各项）应等于当年预算文档中的对应数字。

    ## 为什么重要
    决算以年初预算为比较基数计算完成率、说明增减原因；年初预算数与公开的预算不符，完成率和说明都会失真。

    ## 示例
    2023年部门决算“三公”经费支出决算表的预算数合计 15.00 万元，而2023年部门预算的“三公”经费预算为
    12.00 万元。

    ## 不报的情形
    预算文档未列示对应表格；决算表没有年初预算数列；元/万元换算后在印刷精度的舍入范围内；
    “三公”经费某项不一致而合计（或公务用车购置及运行费）只是随之不同：只报该项；
    多数数字同时不一致时（如决算的“年初预算”按调整后预算列示）只提示一次，不逐项报错。
    """
    if pair.relation != "budget_final":
        return
    final, budget = pair.doc, pair.other
    comparisons: list[Comparison] = []
    for t in final.tables:
        if t.kind in ("unknown", "three_public"):
            continue
        cols = [c.key for c in t.amount_columns if c.key.split(".", 1)[-1].startswith("budget.")
                or c.key.startswith("budget.")]
        theirs_t = budget.table(t.kind)
        if not cols or theirs_t is None:
            continue
        theirs_rows = dict(_total_rows(theirs_t))
        for ident, r in _total_rows(t):
            other_row = theirs_rows.get(ident)
            if other_row is None:
                continue
            for key in cols:
                plain = key.split("budget.", 1)[1]
                mine, theirs = _cell(final, t, r, key), _value_cell(budget, theirs_t, other_row, plain)
                if mine and theirs:
                    comparisons.append(Comparison(f"「{t.title}」{_row_name(r)}的年初预算数", mine, [theirs]))
    comparisons += _three_public_budget(final, budget)
    yield from _report("BL803", pair, comparisons, "当年预算")


def _three_public_budget(final: Document, budget: Document) -> list[Comparison]:
    budget_figure = three_public(final).get("budget")
    year = final.meta.year
    planned = three_public(budget)
    theirs_amount = planned.get(year, planned.get("current"))
    # the 预算数 cell where the figure resolver finds it (a 决算 table's 预算数 column or line), else
    # the first cell holding the 预算数 total
    budget_total = three_public_budget_cells(final).get("total")
    mine = (_cell(final, budget_total.table, budget_total.row, budget_total.column) if budget_total is not None
            else _locate(final, "three_public", budget_figure, prefer="budget."))
    theirs = None
    items = _three_public_items(budget, year)
    if "total" in items:
        t, r, k = items["total"]
        theirs = _cell(budget, t, r, k)
    if theirs is None:
        theirs = _locate(budget, "three_public", theirs_amount)
    compared: dict[str, Comparison] = {}
    silent: set[str] = set()  # items printed in neither (blank or "-" on both sides): zero on both
    if mine is not None and theirs is not None:
        compared["total"] = Comparison("“三公”经费预算数合计", mine, [theirs])
    # each item the 决算 prints a 预算数 for, against the same item of that year's budget
    for part, cell in three_public_budget_cells(final).items():
        if part == "total" or part not in items:
            continue
        t, r, k = items[part]
        mine_item, theirs_item = _cell(final, cell.table, cell.row, cell.column), _cell(budget, t, r, k)
        if mine_item and theirs_item and mine_item.blank and theirs_item.blank:
            silent.add(part)  # says nothing either way: not a figure compared
        elif mine_item and theirs_item:
            compared[part] = Comparison(f"“三公”经费预算数（{_PART_NAMES.get(part, part)}）", mine_item, [theirs_item])
    return list(_fold_three_public(compared, silent).values())


# a 三公 figure and the items it sums: where the items' differences make up its own, its difference
# is theirs carried up (one problem, reported at the item)
_THREE_PUBLIC_SUMS = (("vehicle", ("vehicle_purchase", "vehicle_operation")),
                      ("total", ("abroad", "vehicle", "reception")),
                      ("total", ("abroad", "vehicle_purchase", "vehicle_operation", "reception")))


def _fold_three_public(compared: dict[str, Comparison], silent: set[str]) -> dict[str, Comparison]:
    out = dict(compared)
    for whole, parts in _THREE_PUBLIC_SUMS:
        c = out.get(whole)
        mine = [compared[p] for p in parts if p in compared]
        if (c is None or c.agrees or any(p not in compared and p not in silent for p in parts)
                or all(p.agrees for p in mine)):
            continue
        gap = c.mine.yuan - c.expected_yuan
        parts_gap = sum((p.mine.yuan - p.expected_yuan for p in mine), Decimal(0))
        slack = c.tolerance_yuan + sum((p.tolerance_yuan for p in mine), Decimal(0))
        if abs(gap - parts_gap) <= slack:
            del out[whole]
    return out


# ---------------------------------------------------------------------------------------------
# BL804 the same tables published twice


@rule("BL804", name="duplicate-table-differs", family="cross_document", severity="error",
      title="重复公开的同一张表数字不一致", scope="pair")
def duplicate(pair: Pair) -> Iterator[Finding]:
    """## 检查什么
    同一部门同一年度同类文档在本批中出现两份（如全文与只含报表的文件），且表格几乎完全相同时，
    两份中同一张表同一行同一列的数字应完全一致。

    ## 为什么重要
    两个版本并存而数字不同，公众无从判断哪一份是批复数；往往是一份改了而另一份没改。

    ## 示例
    江苏某厅“部门预算”全文与“部门预算公开表”两份文件中，支出总表“一般公共服务支出”一份为 120.00，
    另一份为 102.00。

    ## 不报的情形
    两份文档的表格大面积不同（不视为重复公开，可能是修订版）；表格只在一份中出现；数字在舍入范围内。
    """
    if pair.relation != "duplicate":
        return
    doc, other = pair.doc, pair.other
    comparisons = []
    for t in doc.tables:
        if t.kind == "unknown":
            continue
        t2 = next((x for x in other.tables_of(t.kind) if x.title == t.title), other.table(t.kind))
        if t2 is None:
            continue
        rows2 = _rows_by_identity(t2)
        for ident, r in _rows_by_identity(t).items():
            r2 = rows2.get(ident)
            if r2 is None:
                continue
            for k in r.values:
                mine, theirs = _cell(doc, t, r, k), _cell(other, t2, r2, k) if k in r2.values else None
                if mine and theirs:
                    comparisons.append(Comparison(f"「{t.title}」{_row_name(r)}", mine, [theirs]))
    # near-identical by construction (grouping): differing cells are the copies' differences
    yield from _report("BL804", pair, comparisons, "另一份同名文档", severity=Severity.ERROR)


def _identity(r: Row) -> tuple[str, str, str]:
    return (r.code.digits if r.code else "", "".join(r.label.split()), r.side or "")


def _rows_by_identity(t: Table) -> dict[tuple[str, str, str, int, int], Row]:
    """A table's rows by identity, which occurrence of it they are and how often it occurs: a label
    printed twice in one table (Hebei 财政拨款收支总表: "一、一般公共预算拨款" as this year's income
    and again under 年初财政拨款结转和结余) is two rows, the first compared with the other copy's
    first; a label the two copies print a different number of times is not compared."""
    count = Counter(_identity(r) for r in t.rows)
    seen: Counter = Counter()
    out = {}
    for r in t.rows:
        ident = _identity(r)
        out[(*ident, seen[ident], count[ident])] = r
        seen[ident] += 1
    return out
