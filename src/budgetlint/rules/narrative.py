"""Narrative ↔ tables: the amounts, changes and percentages of the 情况说明 (BL3xx).

Claims are read and bound to the model in the recognise stage (``recognise/claims``, vocabulary
``templates/narrative.toml``); the rules read them in ``Document.claims``. Unbound claims are never
checked against tables, only internally.
Rounding: a narrative figure carries half a unit of its last printed digit, a table figure the same
of its own; amounts are compared in 元 so a 万元 sentence can be compared with a 元 table.

This module holds what the family's rules share (a claim's finding, amounts in 元, agreement within
the printed precision) and the figures compared with the cells they are bound to: the amount
(BL301) and the last year it implies (BL305). The other ideas have modules of their own:
changes and rates within a sentence (``narrative_changes.py``: BL302, BL303, BL309), parts against
their whole (``narrative_sums.py``: BL304), the operating cost against the unit type
(``narrative_unit_type.py``: BL306) and projects counted or evaluated (``narrative_projects.py``:
BL307, BL308).
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from budgetlint.findings import Finding, Location
from budgetlint.model import Cell, Claim, DocKind, Document, Figure, Unit
from budgetlint.recognise.claims.vocab import vocab
from budgetlint.rules.common import readable
from budgetlint.rules.registry import REGISTRY, rule

# The vocabulary binds the words of a budget's 情况说明. A final account's narrative compares 决算
# with 年初预算: the 决算 figure is the claim's amount (bound to the 决算 tables), the 年初预算 its
# budget (compared where a table prints it beside the 决算 figure).
BUDGETS = (DocKind.DEPARTMENT_BUDGET, DocKind.UNIT_BUDGET)
FINALS = (DocKind.DEPARTMENT_FINAL, DocKind.UNIT_FINAL)


def claim_location(claim: Claim) -> Location:
    """Where the sentence stating a claim is."""
    return Location(page=claim.provenance.page, line=claim.provenance.line, bbox=claim.provenance.bbox)


def claim_finding(rule_id: str, claim: Claim, message: str, expected=None, found=None, tolerance=None,
                  unit: str | None = None, related: list[Location] | None = None) -> Finding:
    """A finding of rule ``rule_id`` at the claim's sentence, the sentence as its evidence."""
    return REGISTRY[rule_id].finding(message, claim_location(claim), expected=expected, found=found,
                                     tolerance=tolerance, unit=unit, evidence=claim.text[:300], related=related or [])


def cell_yuan(b: Cell) -> tuple[Decimal, Decimal]:
    """A table figure and its rounding, in 元."""
    scale = b.unit.in_yuan if b.unit else Decimal(1)
    return b.value.amount * scale, (Decimal(0) if b.value.blank else b.value.half_ulp) * scale


def in_unit(yuan: Decimal, unit: Unit | None) -> Decimal:
    """An amount in 元 expressed in ``unit`` (元 when None)."""
    return (yuan / unit.in_yuan if unit else yuan).normalize()


def fmt(x: Decimal) -> str:
    """An amount as a message prints it: two decimals where it has no more, else all it has."""
    s = format(x.quantize(Decimal("0.01")) if x == x.quantize(Decimal("0.01")) else x.normalize(), "f")
    return s


def agrees(fig: Figure, b: Cell) -> bool:
    """Whether a figure of the prose and a table cell agree within the precision each is printed to."""
    table, table_tol = cell_yuan(b)
    own = fig.half_ulp_yuan()
    if own > table_tol:
        # Printed coarser than the table (万元 against 元, whole 万元 against cents): writers cut
        # rather than round, or nudge a rounded figure so the parts add up: one unit of its last place.
        own *= 2
    return abs(fig.in_yuan() - table) <= own + table_tol


SCOPE_VALUES = 3  # distinct figures bound to one table cell: they are about different things


def _target(b: Cell) -> tuple:
    return (b.table.index, b.row.index, b.column)


def table_name(b: Cell) -> str:
    """The cell's table as a message names it."""
    return f"「{b.table.title}」"


@rule("BL301", name="narrative-amount-differs", family="narrative", severity="error",
      title="情况说明中的金额与表格不符")
def narrative_amount_differs(doc: Document) -> Iterator[Finding]:
    """## 检查什么
    情况说明中可以对应到表格的金额（收入、支出总额及其构成，财政拨款及各类预算拨款收支，基本支出、
    项目支出，“三公”经费及各项，机关运行经费，政府采购预算，实施绩效目标管理的项目资金，按名称和
    级次（类、款、项，印有编码时按编码）在支出功能分类表中找到的各科目金额）与表格中的数字一致；
    决算说明中的决算数与决算表一致。金额按各自的单位（元、万元）换算后比较。
    ## 为什么重要
    情况说明是多数读者唯一会读的部分；与表格不符说明其中一处填错，检查中属于常见问题。
    ## 示例
    说明写"2024 年收入预算 14907.41 万元"，收支总体情况表收入总计为 14904.71 万元。
    ## 不报的情形
    差额在两边印刷精度之内（说明按其末位的半个单位、表格按其末位的半个单位）；说明中的词无法
    对应到确定的表格数字，或前面的限定词改变了所指（"一般公共预算基本支出"、"含上年结转"），
    只计入未绑定的说明数字；说明没有指明资金范围（全部资金、财政拨款、一般公共预算，是否含上年结转），
    而数字与同一项目在另一资金范围的表格中相符（如"按支出用途分类，人员支出 X 万元"与支出总表的
    人员支出相符）——标题或所属总额已指明范围时不适用；绩效目标管理的项目资金（"……纳入绩效目标
    管理，涉及财政性资金 X 万元"）不与部门的收支总额比较；表格无法可靠读取；表格该格为空（多为未读到）；决算文档中"年初预算 X"
    只在表格列有年初预算数时比较（决算数与决算表比较）；机关运行经费在文档未说明
    单位性质时不比较（部门预算常含事业单位，机关运行经费不等于全部日常公用经费）。
    """
    if doc.meta.kind not in BUDGETS + FINALS:
        return
    differing = []
    stated: dict[tuple, set[Decimal]] = {}
    for claim in doc.claims:
        checks = [] if claim.amount is None else [(claim.amount, claim.bounds, "")]
        if claim.budget is not None:
            checks.append((claim.budget, claim.budget_bounds, "年初预算"))
        for fig, found, what in checks:
            # A blank cell where the prose states a figure is more likely a cell that was not read;
            # a cell OCR could not read confidently is not checked either (BL906 says so).
            bounds = [b for b in found if not (b.value.blank and fig.value != 0) and readable(b.value)]
            if bounds:
                stated.setdefault(_target(bounds[0]), set()).add(fig.in_yuan())
            if not bounds or any(agrees(fig, b) for b in bounds):
                continue
            if not what and any(agrees(fig, b) for b in claim.readings if readable(b.value)):
                continue  # the same quantity under other funds, which the sentence may have meant
            differing.append((claim, fig, what, bounds))
    for claim, fig, what, bounds in differing:
        if len(stated[_target(bounds[0])]) >= SCOPE_VALUES:
            # Many different figures for one cell (project by project, unit by unit: "项目支出 X
            # 万元" for each project): the prose speaks of parts the table does not show.
            continue
        b = bounds[0]
        unit = fig.unit
        table_in_claim_unit = in_unit(cell_yuan(b)[0], unit)
        yield claim_finding(
            "BL301", claim,
            f"情况说明中{claim.label}{what} {fig.raw}{unit.value if unit else ''}，与{table_name(b)}"
            f"的 {b.value.raw.strip()}{b.unit.value if b.unit else ''}{_also_in(table_in_claim_unit, unit, b.unit)} 不符",
            expected=table_in_claim_unit, found=fig.value,
            tolerance=in_unit(fig.half_ulp_yuan() + cell_yuan(b)[1], unit),
            unit=unit.value if unit else None,
            related=[Location.of(x.table, x.row, x.column) for x in bounds],
        )


def _also_in(value: Decimal, unit: Unit | None, table_unit: Unit | None) -> str:
    """The table's figure in the prose's unit when the two differ ("3,503,499元（合 350.35万元）"),
    so a reviewer compares like with like."""
    if unit is None or table_unit is None or unit == table_unit:
        return ""
    return f"（合 {fmt(value.quantize(Decimal('0.01')))}{unit.value}）"


@rule("BL305", name="narrative-last-year-differs", family="narrative", severity="error",
      title="情况说明隐含的上年数与表格上年数不符")
def narrative_last_year_differs(doc: Document) -> Iterator[Finding]:
    """## 检查什么
    “三公”经费及各项：说明的本年数减去增减额（或"与上年持平"时的本年数）即上年数，应等于
    “三公”经费表中上年预算数一栏。
    ## 为什么重要
    增减额是由上年数算出的，上年数对不上说明增减额或表格之一有误。
    ## 示例
    说明："公务接待费 14.39 万元，比上年减少 0.80 万元"，隐含上年 15.19 万元；表中上年为 15.91 万元。
    ## 不报的情形
    表格没有上年栏；"基本持平"；说明没有给出增减额；在印刷精度之内。
    """
    if doc.meta.kind not in BUDGETS:
        return
    year = doc.meta.year
    if year is None:
        return
    v = vocab()
    for claim in doc.claims:
        if claim.amount is None or claim.subject is None:
            continue
        subj = v.subjects[claim.subject]
        if subj.prev is None or not claim.bounds:
            continue
        if claim.change is not None:
            change = claim.change
        elif claim.flat == "持平":
            change = Figure(Decimal(0), claim.amount.decimals, claim.amount.unit, "0")
        else:
            continue
        prev = claim.prior
        if prev is None:
            continue
        implied_yuan = claim.amount.in_yuan() - change.in_yuan()
        table_yuan, table_tol = cell_yuan(prev)
        tol = claim.amount.half_ulp_yuan() + (change.half_ulp_yuan() if claim.change is not None else 0) + table_tol
        if abs(implied_yuan - table_yuan) <= tol:
            continue
        unit = claim.amount.unit
        how = "与上年持平" if claim.change is None else f"比上年{claim.change_word} {change.raw}"
        yield claim_finding("BL305", claim,
                       f"{claim.label} {claim.amount.raw}{unit.value if unit else ''}，{how}，隐含上年为 "
                       f"{fmt(in_unit(implied_yuan, unit))}；{table_name(prev)}中 {year - 1} 年为 "
                       f"{prev.value.raw.strip() or '0'}",
                       expected=in_unit(table_yuan, unit), found=in_unit(implied_yuan, unit),
                       tolerance=in_unit(tol, unit), unit=unit.value if unit else None,
                       related=[Location.of(prev.table, prev.row, prev.column)])
