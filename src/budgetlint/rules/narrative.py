"""Narrative ↔ tables: the amounts, changes and percentages of the 情况说明 (BL3xx).

Claims are read and bound to the model in the recognise stage (``recognise/claims``, vocabulary
``templates/narrative.toml``); the rules read them in ``Document.claims``. Unbound claims are never
checked against tables, only internally.
Rounding: a narrative figure carries half a unit of its last printed digit, a table figure the same
of its own; amounts are compared in 元 so a 万元 sentence can be compared with a 元 table.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from decimal import Decimal

from budgetlint.findings import Finding, Location
from budgetlint.model import Cell, Claim, DocKind, Document, Figure, Unit
from budgetlint.recognise.claims.vocab import vocab
from budgetlint.recognise.figures import projects_listed
from budgetlint.recognise.normalise import squash
from budgetlint.rules.common import form_scale, half_ulp, project_unit, readable
from budgetlint.rules.registry import REGISTRY, rule

_HUNDRED = Decimal(100)
# The vocabulary binds the words of a budget's 情况说明. A final account's narrative compares 决算
# with 年初预算: the 决算 figure is the claim's amount (bound to the 决算 tables), the 年初预算 its
# budget (compared where a table prints it beside the 决算 figure).
_BUDGETS = (DocKind.DEPARTMENT_BUDGET, DocKind.UNIT_BUDGET)
_FINALS = (DocKind.DEPARTMENT_FINAL, DocKind.UNIT_FINAL)


def _where(claim: Claim) -> Location:
    return Location(page=claim.provenance.page, line=claim.provenance.line, bbox=claim.provenance.bbox)


def _finding(rule_id: str, claim: Claim, message: str, expected=None, found=None, tolerance=None,
             unit: str | None = None, related: list[Location] | None = None) -> Finding:
    return REGISTRY[rule_id].finding(message, _where(claim), expected=expected, found=found, tolerance=tolerance,
                                     unit=unit, evidence=claim.text[:300], related=related or [])


def _yuan(b: Cell) -> tuple[Decimal, Decimal]:
    """A table figure and its rounding, in 元."""
    scale = b.unit.in_yuan if b.unit else Decimal(1)
    return b.value.amount * scale, (Decimal(0) if b.value.blank else b.value.half_ulp) * scale


def _in_unit(yuan: Decimal, unit: Unit | None) -> Decimal:
    return (yuan / unit.in_yuan if unit else yuan).normalize()


def _fmt(x: Decimal) -> str:
    s = format(x.quantize(Decimal("0.01")) if x == x.quantize(Decimal("0.01")) else x.normalize(), "f")
    return s


def _agrees(fig: Figure, b: Cell) -> bool:
    table, table_tol = _yuan(b)
    own = fig.half_ulp_yuan()
    if own > table_tol:
        # Printed coarser than the table (万元 against 元, whole 万元 against cents): writers cut
        # rather than round, or nudge a rounded figure so the parts add up: one unit of its last place.
        own *= 2
    return abs(fig.in_yuan() - table) <= own + table_tol


SCOPE_VALUES = 3  # distinct figures bound to one table cell: they are about different things


def _target(b: Cell) -> tuple:
    return (b.table.index, b.row.index, b.column)


def _table_name(b: Cell) -> str:
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
    if doc.meta.kind not in _BUDGETS + _FINALS:
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
            if not bounds or any(_agrees(fig, b) for b in bounds):
                continue
            if not what and any(_agrees(fig, b) for b in claim.readings if readable(b.value)):
                continue  # the same quantity under other funds, which the sentence may have meant
            differing.append((claim, fig, what, bounds))
    for claim, fig, what, bounds in differing:
        if len(stated[_target(bounds[0])]) >= SCOPE_VALUES:
            # Many different figures for one cell (project by project, unit by unit: "项目支出 X
            # 万元" for each project): the prose speaks of parts the table does not show.
            continue
        b = bounds[0]
        unit = fig.unit
        table_in_claim_unit = _in_unit(_yuan(b)[0], unit)
        yield _finding(
            "BL301", claim,
            f"情况说明中{claim.label}{what} {fig.raw}{unit.value if unit else ''}，与{_table_name(b)}"
            f"的 {b.value.raw.strip()}{b.unit.value if b.unit else ''}{_also_in(table_in_claim_unit, unit, b.unit)} 不符",
            expected=table_in_claim_unit, found=fig.value,
            tolerance=_in_unit(fig.half_ulp_yuan() + _yuan(b)[1], unit),
            unit=unit.value if unit else None,
            related=[Location.of(x.table, x.row, x.column) for x in bounds],
        )


def _also_in(value: Decimal, unit: Unit | None, table_unit: Unit | None) -> str:
    """The table's figure in the prose's unit when the two differ ("3,503,499元（合 350.35万元）"),
    so a reviewer compares like with like."""
    if unit is None or table_unit is None or unit == table_unit:
        return ""
    return f"（合 {_fmt(value.quantize(Decimal('0.01')))}{unit.value}）"


def _pct_interval(claim: Claim) -> tuple[Decimal, Decimal] | None:
    """The range of change ÷ last year (in %) that the printed amount and change allow, or None
    when last year's figure may be zero."""
    amount, change = claim.amount or claim.base, claim.change
    scale = (change.unit.in_yuan / amount.unit.in_yuan) if change.unit and amount.unit else Decimal(1)
    c = change.value * scale
    c_tol = change.half_ulp * scale
    c_lo, c_hi = c - c_tol, c + c_tol
    if claim.base is not None:  # last year's figure is printed
        base = claim.base
        scale = (change.unit.in_yuan / base.unit.in_yuan) if change.unit and base.unit else Decimal(1)
        c_lo, c_hi = (change.value - change.half_ulp) * scale, (change.value + change.half_ulp) * scale
        last_lo, last_hi = base.value - base.half_ulp, base.value + base.half_ulp
    else:
        # An amount printed as 0 is none at all, not a rounded figure: "0万元，比上年减少1.84万元"
        # means last year was 1.84 and the change -100%.
        half = amount.half_ulp if amount.value else Decimal(0)
        a_lo, a_hi = amount.value - half, amount.value + half
        last_lo, last_hi = a_lo - c_hi, a_hi - c_lo
    if last_lo <= 0:
        return None
    ratios = [x / y * _HUNDRED for x in (c_lo, c_hi) for y in (last_lo, last_hi)]
    return min(ratios), max(ratios)


@rule("BL302", name="narrative-percent-inconsistent", family="narrative", severity="error",
      title="情况说明中的增减额与增减率不符")
def narrative_percent_inconsistent(doc: Document) -> Iterator[Finding]:
    """## 检查什么
    同一句中的本年数、增减额和增减率应自洽：增减率 = 增减额 ÷ 上年数（上年数 = 本年数 − 增减额），
    按说明印刷的位数四舍五入。增减额为 0 却写有非零的增减率（如"减少 0 万元，下降 100%"）属于自相矛盾。
    只写上年数和本年数而不写增减额时（"上年执行数 A 万元，本年安排 B 万元，增加 P%"），P 应为
    (B − A) ÷ A，方向词一并核对。
    ## 为什么重要
    增减率是读者理解预算变化的主要依据，算错或自相矛盾会误导读者。
    ## 示例
    "公务用车购置费 0 万元，比上年减少 0 万元，下降 100%"：增减额为 0 时不可能下降 100%。
    ## 不报的情形
    在本年数、增减额的印刷精度和增减率末位一个单位之内（如 58.36 万元减少 4.24 万元，6.773% 印作
    6.78%；也容忍截尾而非四舍五入；本年数写作 0 时按确为 0 计，"0 万元，比上年减少 1.84 万元"
    只能是下降 100%）；说明的主语无法识别；
    上年数可能为 0（增减率无意义）；句中缺少本年数或增减额。
    """
    for claim in doc.claims:
        if claim.percent is not None and claim.change is None and claim.subject is not None:
            yield from _percent_from_two_years(claim, _table_amount(doc, claim))
            continue
        if claim.percent is None or claim.change is None or claim.subject is None:
            continue
        if _direction_of(claim.change_word) * _direction_of(claim.percent_word) < 0:
            continue  # the words contradict each other: BL303
        pct = claim.percent
        if claim.change.value == 0:
            if pct.value != 0:
                yield _finding(
                    "BL302", claim,
                    f"{claim.label}比上年{claim.change_word} {claim.change.raw}"
                    f"{claim.change.unit.value if claim.change.unit else ''}，却写{claim.percent_word} "
                    f"{pct.raw}%：增减额为 0 时增减率应为 0（与上年持平）",
                    expected=Decimal(0), found=pct.value, unit="%")
            continue
        if claim.amount is None and claim.base is None:
            continue
        interval = _pct_interval(claim)
        if interval is None:
            continue
        lo, hi = interval
        # One unit of the last printed digit either way: some documents truncate instead of rounding.
        ulp = pct.half_ulp * 2
        if pct.value + ulp < lo or pct.value - ulp > hi:
            change = claim.change
            ref = claim.base or claim.amount
            scale = (change.unit.in_yuan / ref.unit.in_yuan) if change.unit and ref.unit else Decimal(1)
            if claim.base is not None:
                last = claim.base.value
                said = f"上年 {claim.base.raw}，{claim.change_word} {change.raw}"
            else:
                last = claim.amount.value - change.value * scale
                said = f"{claim.amount.raw}，比上年{claim.change_word} {change.raw}，上年应为 {_fmt(last)}"
            computed = change.value * scale / last * _HUNDRED
            hint = ""
            if claim.amount is not None and claim.amount.value and claim.base is None:
                on_current = change.value * scale / claim.amount.value * _HUNDRED
                if abs(on_current - pct.value) <= ulp:
                    hint = "（说明的增减率似以本年数而非上年数为分母）"
            yield _finding(
                "BL302", claim,
                f"{claim.label} {said}，增减率应约为 {computed:.2f}%，说明写作 {claim.percent_word} {pct.raw}%{hint}",
                expected=computed.quantize(Decimal("0.01")),
                found=pct.value, tolerance=ulp, unit="%")


def _table_amount(doc: Document, claim: Claim) -> Decimal | None:
    """The table's figure for the claim's amount, in the claim's unit, where the two disagree
    (BL301 reports that); None where they agree or nothing is bound."""
    if claim.amount is None:
        return None
    bounds = [b for b in claim.bounds if not b.value.blank and readable(b.value)]
    if not bounds or any(_agrees(claim.amount, b) for b in bounds):
        return None
    return _in_unit(_yuan(bounds[0])[0], claim.amount.unit)


def _percent_agrees(base: Figure, amount: Decimal, amount_ulp: Decimal, scale: Decimal, said: Decimal,
                    ulp: Decimal) -> bool:
    b_lo, b_hi = base.value - base.half_ulp, base.value + base.half_ulp
    a_lo, a_hi = (amount - amount_ulp) * scale, (amount + amount_ulp) * scale
    ratios = [(a - b) / b * _HUNDRED for a in (a_lo, a_hi) for b in (b_lo, b_hi)]
    return min(ratios) - ulp <= said <= max(ratios) + ulp


def _percent_from_two_years(claim: Claim, table_amount: Decimal | None = None) -> Iterator[Finding]:
    """"上年执行数 A，本年安排 B，增加 P%": no change amount printed, but both years are. The
    percentage (with its direction word) must be (B − A) ÷ A. Where the prose's B differs from the
    table and P fits the table's figure, the one problem is B (BL301), not P."""
    base, amount, pct = claim.base, claim.amount, claim.percent
    if base is None or amount is None or not base.value:
        return
    scale = (amount.unit.in_yuan / base.unit.in_yuan) if amount.unit and base.unit else Decimal(1)
    if base.value - base.half_ulp <= 0:
        return
    # The claim's percentage is signed by its word already when the word says down.
    said = pct.value if pct.value < 0 else pct.value * (_direction_of(claim.percent_word) or 1)
    ulp = pct.half_ulp * 2
    if _percent_agrees(base, amount.value, amount.half_ulp, scale, said, ulp):
        return
    if table_amount is not None and _percent_agrees(base, table_amount, amount.half_ulp, scale, said, ulp):
        return
    computed = (amount.value * scale - base.value) / base.value * _HUNDRED
    yield _finding(
        "BL302", claim,
        f"{claim.label}上年 {base.raw}，本年 {amount.raw}，增减率应约为 {computed:.2f}%，"
        f"说明写作 {claim.percent_word or ''} {pct.raw}%",
        expected=computed.quantize(Decimal("0.01")), found=said, tolerance=ulp, unit="%")


def _direction_of(word: str | None) -> int:
    v = vocab()
    if word is None:
        return 0
    return 1 if word in v.up else -1 if word in v.down else 0


@rule("BL303", name="narrative-direction-contradiction", family="narrative", severity="error",
      title="情况说明中的增减方向自相矛盾")
def narrative_direction_contradiction(doc: Document) -> Iterator[Finding]:
    """## 检查什么
    同一项目的增减说法前后一致："增加……下降……"、"持平"同时给出非零增减额或增减率，都是矛盾。
    ## 为什么重要
    方向写反会让读者得出相反的结论。
    ## 示例
    "比上年增加 5.00 万元，下降 10%"；"与上年持平，减少 2 万元"。
    ## 不报的情形
    "基本持平"（允许小幅变动：增减率不超过 narrative.toml 的 roughly_flat_max_percent，即 10%）；
    "略有增加""略有下降"（方向一致即可）；只写了一种说法。
    """
    for claim in doc.claims:
        if claim.subject is None:
            continue
        d_change = _direction_of(claim.change_word)
        d_pct = _direction_of(claim.percent_word)
        if d_change and d_pct and d_change != d_pct:
            yield _finding("BL303", claim,
                           f"{claim.label}比上年{claim.change_word} {claim.change.raw}，却又写{claim.percent_word} "
                           f"{claim.percent.raw}%，增减方向矛盾")
        elif claim.flat == "持平" and ((claim.change is not None and claim.change.value != 0)
                                      or (claim.percent is not None and claim.percent.value != 0)):
            what = claim.change if claim.change is not None else claim.percent
            word = claim.change_word if claim.change is not None else claim.percent_word
            yield _finding("BL303", claim,
                           f"{claim.label}写「与上年持平」，同时又写{word} {what.raw}{'%' if what is claim.percent else ''}")
        elif claim.flat == "基本持平" and (shift := _roughly_flat_shift(claim)) is not None:
            bound = vocab().roughly_flat_max_percent
            if abs(shift) > bound:
                what = claim.percent if claim.percent is not None else claim.change
                word = claim.percent_word if claim.percent is not None else claim.change_word
                yield _finding("BL303", claim,
                               f"{claim.label}写「基本持平」，同时又写{word} {what.raw}{'%' if what is claim.percent else ''}"
                               f"（变动约 {abs(shift):.1f}%，超出基本持平可容许的 {bound}%）",
                               found=abs(shift).quantize(Decimal("0.01")), unit="%")


def _roughly_flat_shift(claim: Claim) -> Decimal | None:
    """The change in % of last year that a "基本持平" claim states: its percentage, else its change
    against the last year it implies; None when it states neither."""
    if claim.percent is not None:
        return claim.percent.value
    if claim.change is None or claim.amount is None:
        return None
    before = claim.amount.in_yuan() - claim.change.in_yuan()
    return claim.change.in_yuan() / before * 100 if before > 0 else None


def _sum_check(parent: Claim, attr: str) -> tuple[Decimal, Decimal, Decimal, Unit | None] | None:
    """(whole, Σ parts, tolerance) in the whole's unit, when every part states ``attr``."""
    whole: Figure | None = getattr(parent, attr)
    parts = [getattr(p, attr) for p in parent.parts]
    if whole is None or len(parts) < 2 or any(p is None for p in parts):
        return None
    unit = whole.unit
    total_yuan = sum((p.in_yuan() for p in parts), Decimal(0))
    tol_yuan = whole.half_ulp_yuan() + sum((p.half_ulp_yuan() for p in parts), Decimal(0))
    return whole.value, _in_unit(total_yuan, unit), _in_unit(tol_yuan, unit), unit


def _unmentioned_row(doc: Document, parent: Claim, gap: Decimal) -> str | None:
    """A 收支总表 income/expenditure row the parts left out whose amount equals the gap."""
    table = doc.table("income_expenditure_summary")
    if table is None or parent.subject not in ("income_total", "expenditure_total", "income_expenditure_total"):
        return None
    side = "expenditure" if parent.subject == "expenditure_total" else "income"
    said = {p.subject for p in parent.parts}
    for row in table.rows:
        v = row.values.get("amount")
        if row.side != side or row.key in (None, "current_total", "grand_total") or v is None or not v.amount:
            continue
        if f"{side}.{row.key}" in said:
            continue
        scale = (table.unit.in_yuan / parent.amount.unit.in_yuan) if table.unit and parent.amount.unit else 1
        if abs(v.amount * scale - gap) <= v.half_ulp * scale + parent.amount.half_ulp * len(parent.parts):
            return row.label
    return None


@rule("BL304", name="narrative-parts-do-not-add-up", family="narrative", severity="warning",
      title="情况说明中所列各项之和与总额不符")
def narrative_parts_do_not_add_up(doc: Document) -> Iterator[Finding]:
    """## 检查什么
    "其中 / 包括"之后列出的各项之和等于前面的总额（增减额同样如此）；"主要是 / 主要用于"之后列出的
    各项之和不超过总额。
    ## 为什么重要
    分项之和与总额不符，说明漏列了某项或某个数字写错。
    ## 示例
    "预算收入 1469.55 万元，其中：一般公共预算收入 824.31 万元，基金预算收入 0 元……"，
    漏列了上年结转 645.24 万元。
    预算收支平衡（收支总额 = 收入总计 = 支出总计），所以同一节中写出的收支预算、收入预算、支出预算
    的增减额也应相同（"收支预算较上年增加 5160.13 万元，其中：1.收入预算增加 5866.13 万元……"）。
    ## 不报的情形
    只列出一个分项（"其中财政拨款……"通常不是完整列举）；分项中有未写金额的项；差额在印刷精度之内；
    决算（决算收入与支出不必相等）。
    """
    yield from _sides_change_differs(doc)
    said: dict[tuple, Finding] = {}
    for claim in doc.claims:
        if not claim.parts or claim.subject is None or not claim.parts[-1].text.endswith("。"):
            continue  # a list not brought to its full stop may go on past a page break
        if any(p.subject and vocab().subjects[p.subject].generic for p in claim.parts):
            continue  # "收支总预算……其中本年收入预算……；本年支出预算……" lists sides, not parts
        partial = claim.parts_word in vocab().partial
        for attr, what in (("amount", "金额"), ("change", "增减额")):
            res = _sum_check(claim, attr)
            if res is None or _list_misread(claim, attr):
                continue
            whole, total, tol, unit = res
            gap = whole - total
            if abs(gap) <= tol or (partial and gap > 0):
                continue
            u = unit.value if unit else ""
            key = (attr, whole, total, u)
            if key in said:
                # The same figures restated (支出预算 / 财政拨款支出 / 一般公共预算支出 of one
                # department): one problem, one finding.
                said[key].related.append(_where(claim))
                continue
            hint = _unmentioned_row(doc, claim, gap) if attr == "amount" and gap > 0 else None
            extra = f"，差额与收支总表「{hint}」相等，说明漏列了该项" if hint else ""
            said[key] = _finding("BL304", claim,
                                 f"{claim.label}{what} {_fmt(whole)}{u}，而「{claim.parts_word}」所列各项之和为 "
                                 f"{_fmt(total)}{u}（差 {_fmt(gap)}{u}）{extra}",
                                 expected=whole, found=total, tolerance=tol, unit=u or None)
    yield from said.values()


def _list_misread(claim: Claim, attr: str) -> bool:
    """Whether the parts read for ``claim`` are not one flat list of it: a part followed by its own
    breakdown ("公务用车费 701.34（购置费 331，运行费 370.34）"), or a list that already adds up
    before its end and runs on into the next sentence ("收入 X，其中 A X；支出 X……")."""
    whole: Figure | None = getattr(claim, attr)
    figs: list[Figure] = [getattr(p, attr) for p in claim.parts]
    if whole is None or any(f is None for f in figs):
        return False
    vals = [f.in_yuan() for f in figs]
    tols = [f.half_ulp_yuan() for f in figs]
    for k in range(1, len(vals)):
        if abs(sum(vals[:k]) - whole.in_yuan()) <= whole.half_ulp_yuan() + sum(tols[:k]) and any(vals[k:]):
            return True
    for i in range(len(vals)):
        for end in range(i + 3, len(vals) + 1):
            run = vals[i + 1: end]
            if vals[i] and abs(sum(run) - vals[i]) <= tols[i] + sum(tols[i + 1: end]):
                return True
    return False


_SIDES = ("income_expenditure_total", "income_total", "expenditure_total")


def _sides_change_differs(doc: Document) -> Iterator[Finding]:
    """The changes a budget's narrative states for 收支 / 收入 / 支出 in one section agree."""
    if doc.meta.kind not in _BUDGETS:
        return
    by_section: dict[str, list[Claim]] = {}
    for claim in doc.claims:
        if claim.subject in _SIDES and claim.change is not None and claim.parent is None:
            by_section.setdefault(claim.heading, []).append(claim)
    for claims in by_section.values():
        if len({c.subject for c in claims}) < 2:
            continue
        values = [c.change.in_yuan() for c in claims]
        tol = max(c.change.half_ulp_yuan() for c in claims) * 2
        common = Counter(values).most_common(1)[0][0]
        odd = [c for c, v in zip(claims, values, strict=True) if abs(v - common) > tol]
        if not odd:
            continue
        if len(odd) * 2 >= len(claims):  # no majority: point at the whole (收支) or the first
            odd = [next((c for c in claims if c.subject == "income_expenditure_total"), claims[0])]
            common = next(v for c, v in zip(claims, values, strict=True) if c is not odd[0])
        agree = next(c for c, v in zip(claims, values, strict=True) if abs(v - common) <= tol)
        for c in odd:
            u = c.change.unit.value if c.change.unit else ""
            yield _finding("BL304", c, f"{c.label}比上年{c.change_word} {c.change.raw}{u}，而{agree.label}"
                                       f"{agree.change_word} {agree.change.raw}{u}：预算收支平衡，两者应相同",
                           expected=common / (c.change.unit.in_yuan if c.change.unit else 1),
                           found=c.change.value, unit=u or None, related=[_where(agree)])


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
    if doc.meta.kind not in _BUDGETS:
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
        table_yuan, table_tol = _yuan(prev)
        tol = claim.amount.half_ulp_yuan() + (change.half_ulp_yuan() if claim.change is not None else 0) + table_tol
        if abs(implied_yuan - table_yuan) <= tol:
            continue
        unit = claim.amount.unit
        how = "与上年持平" if claim.change is None else f"比上年{claim.change_word} {change.raw}"
        yield _finding("BL305", claim,
                       f"{claim.label} {claim.amount.raw}{unit.value if unit else ''}，{how}，隐含上年为 "
                       f"{_fmt(_in_unit(implied_yuan, unit))}；{_table_name(prev)}中 {year - 1} 年为 "
                       f"{prev.value.raw.strip() or '0'}",
                       expected=_in_unit(table_yuan, unit), found=_in_unit(implied_yuan, unit),
                       tolerance=_in_unit(tol, unit), unit=unit.value if unit else None,
                       related=[Location.of(prev.table, prev.row, prev.column)])


_NONE_OPERATING = re.compile(r"(?:无|没有|不存在|未安排)机关运行经费|机关运行经费(?:为|安排)?(?:0|零)(?:万元|元)?(?![\d.])")


@rule("BL306", name="operating-cost-unit-type", family="narrative", severity="error",
      title="机关运行经费与单位性质不符")
def operating_cost_unit_type(doc: Document) -> Iterator[Finding]:
    """## 检查什么
    机关运行经费只属于行政单位和参照公务员法管理的事业单位：事业单位说明有非零的机关运行经费，
    或行政（参公）单位说明没有机关运行经费，都是矛盾。单位性质取自文档自述（机构设置、"本单位为……"）。
    ## 为什么重要
    机关运行经费是公开检查的必查项，口径用错会使数字失去可比性。
    ## 示例
    "××中心为公益一类事业单位……2024 年机关运行经费 35.20 万元"。
    ## 不报的情形
    文档没有说明单位性质，或部门预算中同时有行政和事业单位（无法判断）。
    """
    kind = doc.meta.unit_type
    if kind is None:
        return
    claims = doc.claims
    if kind == "事业":
        for claim in claims:
            if claim.subject == "operating_cost" and claim.amount is not None and claim.amount.value > 0:
                yield _finding("BL306", claim,
                               f"本单位为事业单位（{doc.meta.unit_type_evidence or '文档自述'}），不应有机关运行经费，"
                               f"说明却写机关运行经费 {claim.amount.raw}{claim.amount.unit.value}")
        return
    for sec in doc.sections:
        for para in sec.paragraphs:
            sentences = [x for x in squash(para.text).split("。") if "指" not in x]  # not definitions
            m = next((m for m in map(_NONE_OPERATING.search, sentences) if m), None)
            if m:
                yield REGISTRY["BL306"].finding(
                    f"本单位为{kind}单位（{doc.meta.unit_type_evidence or '文档自述'}），"
                    f"应有机关运行经费，说明却写「{m.group(0)}」",
                    Location(page=para.provenance.page, line=para.provenance.line, bbox=para.provenance.bbox),
                    evidence=para.text[:300])


@rule("BL307", name="narrative-project-count-differs", family="narrative", severity="error",
      title="情况说明中的项目个数与项目支出表不符")
def narrative_project_count_differs(doc: Document) -> Iterator[Finding]:
    """## 检查什么
    绩效目标情况说明中"涉及预算项目支出 N 个"的 N 等于项目支出预算情况表列出的项目个数。
    （项目资金总额由 BL301 与支出总体情况表的项目支出核对。）
    ## 为什么重要
    个数不符说明有项目漏列在表中，或说明没有随表格更新。
    ## 示例
    说明写 19 个项目，项目支出表列出 18 个。
    ## 不报的情形
    文档没有项目支出表（如河北样式只有绩效目标表）。
    """
    if doc.meta.kind not in _BUDGETS:
        return
    have = projects_listed(doc)
    if have is None:
        return
    for claim in doc.claims:
        if claim.subject == "project" and claim.count is not None and claim.count != have:
            t = doc.table("project_expenditure")
            yield _finding("BL307", claim,
                           f"说明称涉及项目 {claim.count} 个，项目支出表列出 {have} 个项目",
                           expected=Decimal(have), found=Decimal(claim.count),
                           related=[Location.of(t)] if t else None)


_EVALUATED = re.compile(
    r"对(?P<name>[^,;。]{2,60}?)(?:等)?(?P<n>\d+)个项目开展[^。]{0,20}?重点绩效评价[^。]{0,10}?"
    r"涉及(?:预算)?资金(?P<amount>\d[\d,]*(?:\.\d+)?)(?P<unit>亿元|万元|元)"
)
_BRACKETS = re.compile(r"\([^()]*\)")


def name_key(name: str) -> str:
    """Project names compared tolerant of spacing, bracket forms and quotes."""
    return re.sub(r"[\s\"'“”‘’《》<>]", "", squash(name))


def _contained_loosely(short: str, long: str, slack: int = 2) -> bool:
    """``short`` is ``long`` with at most ``slack`` characters left out (a subsequence)."""
    if len(short) < 6 or len(long) - len(short) > slack or len(long) < len(short):
        return False
    it = iter(long)
    return all(ch in it for ch in short)


def match_named(name: str, candidates: list[tuple[str, object]]) -> list[object]:
    """Candidates whose name is ``name`` (tolerantly), contains it, or adds ≤2 characters to it."""
    key = name_key(name)
    exact = [obj for n, obj in candidates if name_key(n) == key]
    if exact:
        return exact
    inside = [obj for n, obj in candidates if len(key) >= 4 and key in name_key(n)]
    if inside:
        return inside
    return [obj for n, obj in candidates if _contained_loosely(key, name_key(n))]


@rule("BL308", name="evaluated-project-amount-differs", family="narrative", severity="error",
      title="重点绩效评价项目的资金与绩效目标表或项目表不符")
def evaluated_project_amount_differs(doc: Document) -> Iterator[Finding]:
    """## 检查什么
    "拟对 X 等 1 个项目开展重点绩效评价，涉及预算资金 Y 万元"：只有一个项目时，Y 等于该项目在
    绩效目标表（或项目支出表）中的金额。项目名称按容忍括号、空格和个别字差异的方式匹配。
    ## 为什么重要
    重点评价项目的资金写错，说明说明与表格没有对应更新。
    ## 示例
    说明写"居民养老保险市级补助资金 1 个项目……涉及预算资金 7836 万元"，该资金的绩效目标表为 8137 万元。
    ## 不报的情形
    评价项目多于一个；找不到或找到多个同名项目；金额在印刷精度之内。
    """
    candidates: list[tuple[str, object]] = [(f.project, f) for f in doc.forms if f.project and f.total is not None]
    candidates += [(p.name, p) for p in doc.projects if "total" in p.amounts]
    for sec in doc.sections:
        for para in sec.paragraphs:
            text = squash(para.text)
            for m in _EVALUATED.finditer(text):
                if m.group("n") != "1":
                    continue
                hits = match_named(m.group("name"), candidates)
                amounts = {(h.total if hasattr(h, "total") else h.amounts["total"]) for h in hits}
                if len(amounts) != 1:
                    continue
                found = _figure_of(m.group("amount"), m.group("unit"))
                hit = hits[0]
                unit = getattr(hit, "unit", None) or project_unit(doc, hit)
                amount = next(iter(amounts))
                scale = form_scale(unit)  # a form without a unit line is in the forms' default unit
                if abs(found.in_yuan() - amount * scale) <= found.half_ulp_yuan() + half_ulp(amount) * scale:
                    continue
                name = hit.project if hasattr(hit, "project") else hit.name
                where = "绩效目标表" if hasattr(hit, "project") else "项目支出表"
                claim = Claim(None, "", text, para.provenance, sec.heading)
                yield _finding("BL308", claim,
                               f"说明称重点绩效评价项目「{m.group('name')}」涉及资金 {found.raw}{found.unit.value}，"
                               f"{where}中「{name}」为 {_fmt(amount)}{unit.value if unit else ''}",
                               expected=amount, found=found.value,
                               related=[Location(line=hit.provenance.line)] if hasattr(hit, "provenance") else None)


def _figure_of(digits: str, unit_word: str) -> Figure:
    d = digits.replace(",", "")
    return Figure(Decimal(d), len(d.split(".")[1]) if "." in d else 0, Unit(unit_word), digits)


def _rate_interval(final: Figure, budget: Figure) -> tuple[Decimal, Decimal]:
    """The range of 决算 ÷ 年初预算 (in %) that the printed figures allow; a 决算 printed as 0 is 0."""
    scale = (final.unit.in_yuan / budget.unit.in_yuan) if final.unit and budget.unit else Decimal(1)
    f_half = final.half_ulp if final.value else Decimal(0)
    f_lo, f_hi = (final.value - f_half) * scale, (final.value + f_half) * scale
    return f_lo / (budget.value + budget.half_ulp) * _HUNDRED, f_hi / (budget.value - budget.half_ulp) * _HUNDRED


@rule("BL309", name="narrative-completion-rate-inconsistent", family="narrative", severity="error",
      title="情况说明中的预算完成率与年初预算数、决算数不符")
def narrative_completion_rate_inconsistent(doc: Document) -> Iterator[Finding]:
    """## 检查什么
    决算说明"年初预算为 X 万元，支出决算为 Y 万元，完成年初预算的 Z%"：Z 应等于 Y ÷ X × 100，按
    说明印刷的位数四舍五入（说明同时写了全年预算数时，按其中任一个计算相符即可）。
    ## 为什么重要
    完成率是读者判断预算执行情况的依据，算错会误导读者，也说明 X 或 Y 之一可能写错。
    ## 示例
    "年初预算为 999.83 万元，支出决算为 1182.59 万元，完成年初预算的 128.28%"：应约为 118.28%。
    ## 不报的情形
    在年初预算数、决算数的印刷精度和完成率末位一个单位之内（也容忍截尾）；年初预算为 0；
    句中缺少年初预算数、决算数或完成率之一。
    """
    for claim in doc.claims:
        budgets = [b for b in (claim.budget, claim.adjusted) if b is not None and b.value > b.half_ulp]
        if claim.rate is None or not budgets or claim.amount is None:
            continue
        final, rate = claim.amount, claim.rate
        ulp = rate.half_ulp * 2
        if any(lo - ulp <= rate.value <= hi + ulp for lo, hi in (_rate_interval(final, b) for b in budgets)):
            continue
        budget = budgets[0]
        scale = (final.unit.in_yuan / budget.unit.in_yuan) if final.unit and budget.unit else Decimal(1)
        computed = final.value * scale / budget.value * _HUNDRED
        yield _finding(
            "BL309", claim,
            f"{claim.label or '说明'}{'年初' if budget is claim.budget else '全年'}预算 {budget.raw}，决算 {final.raw}，"
            f"完成率应约为 {computed:.2f}%，"
            f"说明写作 {rate.raw}%",
            expected=computed.quantize(Decimal("0.01")), found=rate.value, tolerance=ulp, unit="%")
