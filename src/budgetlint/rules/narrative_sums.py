"""Parts against their whole in the 情况说明 (BL304): the items listed after "其中 / 包括" add up to
the total before them, and a budget's changes of 收支, 收入 and 支出 agree.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from decimal import Decimal

from budgetlint.findings import Finding
from budgetlint.model import Claim, Document, Figure, Unit
from budgetlint.recognise.claims.vocab import vocab
from budgetlint.rules.narrative import BUDGETS, claim_finding, claim_location, fmt, in_unit
from budgetlint.rules.registry import rule


def _sum_check(parent: Claim, attr: str) -> tuple[Decimal, Decimal, Decimal, Unit | None] | None:
    """(whole, Σ parts, tolerance) in the whole's unit, when every part states ``attr``."""
    whole: Figure | None = getattr(parent, attr)
    parts = [getattr(p, attr) for p in parent.parts]
    if whole is None or len(parts) < 2 or any(p is None for p in parts):
        return None
    unit = whole.unit
    total_yuan = sum((p.in_yuan() for p in parts), Decimal(0))
    tol_yuan = whole.half_ulp_yuan() + sum((p.half_ulp_yuan() for p in parts), Decimal(0))
    return whole.value, in_unit(total_yuan, unit), in_unit(tol_yuan, unit), unit


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
                said[key].related.append(claim_location(claim))
                continue
            hint = _unmentioned_row(doc, claim, gap) if attr == "amount" and gap > 0 else None
            extra = f"，差额与收支总表「{hint}」相等，说明漏列了该项" if hint else ""
            said[key] = claim_finding("BL304", claim,
                                 f"{claim.label}{what} {fmt(whole)}{u}，而「{claim.parts_word}」所列各项之和为 "
                                 f"{fmt(total)}{u}（差 {fmt(gap)}{u}）{extra}",
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
    if doc.meta.kind not in BUDGETS:
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
            yield claim_finding("BL304", c, f"{c.label}比上年{c.change_word} {c.change.raw}{u}，而{agree.label}"
                                       f"{agree.change_word} {agree.change.raw}{u}：预算收支平衡，两者应相同",
                           expected=common / (c.change.unit.in_yuan if c.change.unit else 1),
                           found=c.change.value, unit=u or None, related=[claim_location(agree)])
