"""Changes and rates the 情况说明 states, checked within their sentence (BL302, BL303, BL309): the
percentage against the change and last year's figure, the direction words against each other, a
final account's completion rate against its 年初预算 and 决算.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from budgetlint.findings import Finding
from budgetlint.model import Claim, Document, Figure
from budgetlint.recognise.claims.vocab import vocab
from budgetlint.rules.common import readable
from budgetlint.rules.narrative import agrees, cell_yuan, claim_finding, fmt, in_unit
from budgetlint.rules.registry import rule

_HUNDRED = Decimal(100)


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
                yield claim_finding(
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
                said = f"{claim.amount.raw}，比上年{claim.change_word} {change.raw}，上年应为 {fmt(last)}"
            computed = change.value * scale / last * _HUNDRED
            hint = ""
            if claim.amount is not None and claim.amount.value and claim.base is None:
                on_current = change.value * scale / claim.amount.value * _HUNDRED
                if abs(on_current - pct.value) <= ulp:
                    hint = "（说明的增减率似以本年数而非上年数为分母）"
            yield claim_finding(
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
    if not bounds or any(agrees(claim.amount, b) for b in bounds):
        return None
    return in_unit(cell_yuan(bounds[0])[0], claim.amount.unit)


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
    yield claim_finding(
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
            yield claim_finding("BL303", claim,
                           f"{claim.label}比上年{claim.change_word} {claim.change.raw}，却又写{claim.percent_word} "
                           f"{claim.percent.raw}%，增减方向矛盾")
        elif claim.flat == "持平" and ((claim.change is not None and claim.change.value != 0)
                                      or (claim.percent is not None and claim.percent.value != 0)):
            what = claim.change if claim.change is not None else claim.percent
            word = claim.change_word if claim.change is not None else claim.percent_word
            yield claim_finding("BL303", claim,
                           f"{claim.label}写「与上年持平」，同时又写{word} {what.raw}{'%' if what is claim.percent else ''}")
        elif claim.flat == "基本持平" and (shift := _roughly_flat_shift(claim)) is not None:
            bound = vocab().roughly_flat_max_percent
            if abs(shift) > bound:
                what = claim.percent if claim.percent is not None else claim.change
                word = claim.percent_word if claim.percent is not None else claim.change_word
                yield claim_finding("BL303", claim,
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
        yield claim_finding(
            "BL309", claim,
            f"{claim.label or '说明'}{'年初' if budget is claim.budget else '全年'}预算 {budget.raw}，决算 {final.raw}，"
            f"完成率应约为 {computed:.2f}%，"
            f"说明写作 {rate.raw}%",
            expected=computed.quantize(Decimal("0.01")), found=rate.value, tolerance=ulp, unit="%")
