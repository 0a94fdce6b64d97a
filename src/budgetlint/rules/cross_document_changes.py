"""The changes on last year that the 情况说明 states, against last year's document (BL805).

A pair rule (``grouping.Pair``, relation ``year``): this year's document and last year's document
of the same body and kind are both in the batch. The claims are the ones the recognise stage read
and bound (``Document.claims``, ``recognise/claims``): nothing is read again here. A claim takes
part only where its quantity is known for certain in both documents:

- its amount agrees with the cell it is bound to in this year's tables (BL301 reports the others);
- that cell has one counterpart in last year's document: the same table kind, the same line
  (a balance table's keyed line on the same side, a grid's 合计 line, a 功能分类 item by its code and
  name), the same column (a budget year's ``y<Y>.`` group becomes ``y<Y-1>.``), or the same 三公
  item of the figure resolver (``three_public_cells``);
- every other reading of the sentence that its amount also agrees with (another source of the
  subject, the same quantity under other funds: ``Claim.readings``) leads to the same figure in
  last year's document;
- the sentence compares with last year, and with nothing that last year's document does not print
  (执行数, 决算 in a budget; a budget in a final account: ``vocab/cross_document.toml``).

Then last year's figure P gives two checks: the base the sentence implies (its amount less its
change, or the base it prints) equals P; and a percentage stated without a change amount equals
(amount − P) ÷ P (with a change amount the percentage is BL302's, within the sentence). Rounding:
half a unit in the last printed place of each figure (once more the prose's own where it is
printed coarser than the table, as BL301 allows), percentages one unit of their last place (some
documents cut rather than round), 元 and 万元 converted.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from budgetlint.findings import Finding, Location, Severity
from budgetlint.grouping import Pair
from budgetlint.model import Cell, Claim, CodeScheme, DocKind, Document, Figure, Row, RowKind, Table, Unit
from budgetlint.recognise.claims.vocab import vocab
from budgetlint.recognise.figures import figure_key, three_public_cells, three_public_shape
from budgetlint.recognise.vocab import label_key
from budgetlint.rules.common import readable
from budgetlint.rules.cross_document import SYSTEMATIC
from budgetlint.rules.narrative import agrees, cell_yuan, claim_location, fmt, in_unit
from budgetlint.rules.registry import REGISTRY, rule

_VOCAB = Path(__file__).resolve().parent / "vocab" / "cross_document.toml"
_HUNDRED = Decimal(100)
_FINALS = (DocKind.DEPARTMENT_FINAL, DocKind.UNIT_FINAL)


@lru_cache(maxsize=1)
def _words() -> dict:
    return tomllib.loads(_VOCAB.read_text("utf-8"))["change_base"]


def _name(doc: Document) -> str:
    return f"《{Path(doc.path).name}》"


# --- which figure of last year's document a cell of this year's stands for --------------------


def _usable(c: Cell | None) -> Cell | None:
    if c is None or not c.table.quality.readable or c.row.ambiguous or not readable(c.value):
        return None
    return c


def _shift(column: str, year: int, prev_year: int) -> str | None:
    """A column key of this year's table as last year's prints it: the budget year's group
    ``y<Y>.`` becomes ``y<Y-1>.``; a column of another year's group has no counterpart."""
    m = re.match(r"y(\d{4})\.", column)
    if m is None:
        return column
    return f"y{prev_year}.{column[m.end():]}" if int(m.group(1)) == year else None


def _three_public_part(doc: Document, c: Cell) -> str | None:
    for part, x in three_public_cells(doc, doc.meta.year).items():
        if x.row is c.row and x.column == c.column:
            return part
    return None


def _binds_three_public(doc: Document) -> bool:
    t = doc.table("three_public")
    return t is not None and bool(t.rows) and three_public_shape(t).name in vocab().three_public_shapes


def _same_item(r: Row, row: Row) -> bool:
    """A 功能分类 item line of last year's table that is ``row``: the same code where both print one,
    the same name and level."""
    if r.kind is not RowKind.ITEM or r.ambiguous or label_key(r.label) != label_key(row.label):
        return False
    a, b = r.codes.get(CodeScheme.FUNCTION), row.codes.get(CodeScheme.FUNCTION)
    if a is not None or b is not None:
        return a is not None and b is not None and a.digits == b.digits
    return r.level == row.level


def _row_in(t: Table, src: Table, row: Row) -> Row | None:
    """The line of ``t`` that is ``row`` of ``src``, or None where it is not one line."""
    if row.key and (src.layout == "balance" or row.kind is not RowKind.ITEM):
        hits = [r for r in t.rows if r.key == row.key and r.side == row.side]
    elif row.kind is RowKind.TOTAL:
        hits = [r for r in t.rows if r.kind is RowKind.TOTAL and r.side == row.side][:1]
    else:
        hits = [r for r in t.rows if _same_item(r, row)]
    return hits[0] if len(hits) == 1 else None


def counterpart(doc: Document, prev: Document, c: Cell) -> Cell | None:
    """The cell of last year's document that holds what ``c`` holds in this year's, or None where
    there is not exactly one (or it was not read reliably)."""
    year, prev_year = doc.meta.year, prev.meta.year
    if year is None or prev_year is None:
        return None
    if c.table.kind == "three_public":
        part = _three_public_part(doc, c)
        if part is None or not _binds_three_public(doc) or not _binds_three_public(prev):
            return None
        return _usable(three_public_cells(prev, prev_year).get(part))
    column = _shift(c.column, year, prev_year)
    if column is None:
        return None
    found = []
    for t in prev.tables_of(c.table.kind):
        row = _row_in(t, c.table, c.row)
        key = figure_key(row, column) if row is not None else None
        if key is not None:
            found.append(Cell(t, row, key, row.values[key]))
    if not found or any(x.value.amount != found[0].value.amount for x in found):
        return None  # no such line, or copies of the table that disagree
    return _usable(found[0])


def _own_prior(doc: Document, claim: Claim, c: Cell) -> Cell | None:
    """Last year's figure as this year's own document prints it beside ``c`` (the 三公 table's
    上年 group, a ``y<Y-1>.`` column of the same line): BL801 compares that with last year's
    document, BL305 the 三公 sentence with it."""
    if claim.prior is not None:
        return claim.prior
    year = doc.meta.year
    if year is None:
        return None
    m = re.match(r"y(\d{4})\.", c.column)
    column = f"y{year - 1}.{c.column[m.end():] if m else c.column}"
    v = c.row.values.get(column)
    return Cell(c.table, c.row, column, v) if v is not None and readable(v) else None


def _follows_own_prior(doc: Document, claim: Claim, mine: Cell) -> bool:
    """The base the sentence implies agrees with this year's own 上年 figure of the quantity."""
    own = _own_prior(doc, claim, mine)
    if own is None or claim.amount is None:
        return False
    o_yuan, o_tol = cell_yuan(own)
    implied = _base_check(claim, claim.amount, o_tol)
    return implied is not None and abs(implied[0] - o_yuan) <= implied[1] + o_tol


# --- the sentence: does it compare with last year's document? ---------------------------------


def compares_with_last_year(claim: Claim, doc: Document) -> bool:
    """The claim's sentence names last year as its base, and no other base (执行数, 决算 …)."""
    w = _words()
    text = claim.text
    for x in w["not_last_year"]:
        text = text.replace(x, "")
    other = w["other_base_final"] if doc.meta.kind in _FINALS else w["other_base_budget"]
    if any(x in text for x in other):
        return False
    year = doc.meta.year
    pattern = w["last_year_pattern"].replace("{prev}", str(year - 1)) if year else None
    return any(x in text for x in w["last_year"]) or bool(pattern and re.search(pattern, text))


# --- one claim against last year's figure ------------------------------------------------------


@dataclass(slots=True)
class Check:
    """One claim compared with last year's document: whether it agrees, and its finding if not."""

    claim: Claim
    mine: Cell  # this year's cell the claim's amount is bound to
    theirs: Cell  # last year's figure of the same quantity
    finding: Finding | None


def _unit(u: Unit | None) -> str:
    return u.value if u else ""


def _said(claim: Claim) -> str:
    """The claim's figures as the sentence prints them."""
    a = claim.amount
    parts = [f"{claim.label} {a.raw}{_unit(a.unit)}"] if a is not None else [claim.label]
    if claim.base is not None:
        parts.append(f"上年 {claim.base.raw}{_unit(claim.base.unit)}")
    if claim.change is not None:
        parts.append(f"比上年{claim.change_word} {claim.change.raw}{_unit(claim.change.unit)}")
    if claim.percent is not None:
        lead = "" if claim.change is not None or claim.base is not None else "比上年"
        parts.append(f"{lead}{claim.percent_word} {claim.percent.raw}%")
    return "，".join(parts)


def _cell_text(c: Cell, doc: Document) -> str:
    return f"{_name(doc)}{Location.of(c.table, c.row, c.column).describe()}的 {c.value.raw.strip() or '0'}{_unit(c.unit)}"


def _other(c: Cell, doc: Document) -> Location:
    loc = Location.of(c.table, c.row, c.column)
    loc.document = doc.path
    return loc


def _base_check(claim: Claim, amount: Figure, p_tol: Decimal) -> tuple[Decimal, Decimal, str] | None:
    """(implied base in 元, tolerance in 元, how it is implied) where the sentence states one."""
    if claim.base is not None:
        own = claim.base.half_ulp_yuan()
        return claim.base.in_yuan(), own * 2 if own > p_tol else own, "句中所列上年数"
    if claim.change is None:
        return None
    own = amount.half_ulp_yuan() + claim.change.half_ulp_yuan()
    return amount.in_yuan() - claim.change.in_yuan(), own * 2 if own > p_tol else own, "本年数减去增减额"


def _percent_range(amount: Figure, p_yuan: Decimal, p_tol: Decimal) -> tuple[Decimal, Decimal] | None:
    """(amount − P) ÷ P in % over the rounding of both; None where P may be zero."""
    half = amount.half_ulp_yuan() if amount.value else Decimal(0)
    if p_yuan - p_tol <= 0:
        return None
    ratios = [(a - p) / p * _HUNDRED for a in (amount.in_yuan() - half, amount.in_yuan() + half)
              for p in (p_yuan - p_tol, p_yuan + p_tol)]
    return min(ratios), max(ratios)


def _to(x: Decimal, places: int) -> Decimal:
    """``x`` to ``places`` decimals where that loses nothing, else as it is."""
    q = x.quantize(Decimal(1).scaleb(-places))
    return q if q == x else x


def _direction(word: str | None) -> int:
    v = vocab()
    return 1 if word in v.up else -1 if word in v.down else 0


def check_claim(pair: Pair, claim: Claim, mine: Cell, theirs: Cell) -> Check | None:
    """The claim's base and (without a change amount) its percentage against last year's figure
    ``theirs``; None where the claim states neither."""
    doc, prev = pair.doc, pair.other
    amount = claim.amount
    assert amount is not None
    p_yuan, p_tol = cell_yuan(theirs)
    unit = amount.unit
    meta = REGISTRY["BL805"]
    where = _cell_text(theirs, prev)
    base = _base_check(claim, amount, p_tol)
    if base is not None:
        implied, own, how = base
        tol = own + p_tol
        if abs(implied - p_yuan) <= tol:
            return Check(claim, mine, theirs, None)
        places = max(f.decimals for f in (amount, claim.change, claim.base) if f is not None)
        expected, found = _to(in_unit(p_yuan, unit), places), _to(in_unit(implied, unit), places)
        also = (f"（合 {fmt(expected)}{_unit(unit)}）" if theirs.unit != unit else "")
        return Check(claim, mine, theirs, meta.finding(
            f"情况说明「{_said(claim)}」隐含上年为 {fmt(found)}{_unit(unit)}（{how}），与上年文档{where}{also}"
            f"不一致（差 {fmt(found - expected)}{_unit(unit)}）",
            claim_location(claim), expected=expected, found=found, tolerance=in_unit(tol, unit),
            unit=_unit(unit) or None, other=_other(theirs, prev), related=[_other(mine, doc)],
            evidence=f"{_name(doc)}：{claim.text[:300]}；{where}"))
    if claim.percent is None or claim.change is not None:
        return None
    if _direction(claim.percent_word) == 0:
        return None
    pct = claim.percent
    said = pct.value if pct.value < 0 else pct.value * _direction(claim.percent_word)
    span = _percent_range(amount, p_yuan, p_tol)
    if span is None:
        return None
    lo, hi = span
    ulp = pct.half_ulp * 2
    if lo - ulp <= said <= hi + ulp:
        return Check(claim, mine, theirs, None)
    computed = (amount.in_yuan() - p_yuan) / p_yuan * _HUNDRED
    return Check(claim, mine, theirs, meta.finding(
        f"情况说明「{_said(claim)}」；按上年文档{where}计算，增减率应约为 {computed:.2f}%，说明写作 "
        f"{claim.percent_word} {pct.raw}%",
        claim_location(claim), expected=computed.quantize(Decimal("0.01")), found=said, tolerance=ulp, unit="%",
        other=_other(theirs, prev), related=[_other(mine, doc)],
        evidence=f"{_name(doc)}：{claim.text[:300]}；{where}"))


def _quantity(pair: Pair, claim: Claim) -> tuple[Cell, Cell] | None:
    """(this year's cell, last year's cell) of the claim's quantity, where both are certain."""
    doc, prev = pair.doc, pair.other
    amount = claim.amount
    if amount is None:
        return None
    candidates = [b for b in [*claim.bounds, *claim.readings]
                  if readable(b.value) and not (b.value.blank and amount.value != 0) and agrees(amount, b)]
    if not candidates or not any(b is x for b in candidates for x in claim.bounds):
        return None  # the amount is not the bound figure (BL301's), or only another reading's
    pairs = [(b, counterpart(doc, prev, b)) for b in candidates]
    if any(t is None for _, t in pairs):
        return None  # one reading of the sentence has no counterpart: which one it means is unknown
    if any((t.unit is None) != (b.unit is None) for b, t in pairs):
        return None  # a table whose unit was not read against one whose unit was
    first = pairs[0][1]
    y0, tol0 = cell_yuan(first)
    for _, t in pairs[1:]:
        y, tol = cell_yuan(t)
        if abs(y - y0) > tol + tol0:
            return None  # the readings lead to different figures last year: ambiguous
    return pairs[0][0], first


def _checkable(claim: Claim) -> bool:
    return (claim.subject is not None and claim.amount is not None
            and (claim.change is not None or claim.base is not None or claim.percent is not None)
            and not (claim.change is not None and claim.percent is not None
                     and _direction(claim.change_word) * _direction(claim.percent_word) < 0))  # BL303's


@rule("BL805", name="narrative-change-vs-last-year", family="cross_document", severity="error",
      title="情况说明的比上年增减与上年文档不符", scope="pair")
def narrative_change_vs_last_year(pair: Pair) -> Iterator[Finding]:
    """## 检查什么
    同一部门（单位）同类文档相邻两年都在本批中时，本年情况说明中"比上年增加（减少）X 万元，增长
    （下降）Y%"所隐含的上年数（本年数减去增减额，或句中写明的上年数）应等于上年文档中同一数字
    （收支总计、本年收支合计、各项收入、财政拨款和一般公共预算支出、基本支出、项目支出、“三公”经费
    及各项、按名称和编码对应的功能分类科目等）；只写增减率而不写增减额时，增减率应等于
    （本年数 − 上年文档的数字）÷ 上年文档的数字。
    ## 为什么重要
    增减额和增减率是情况说明最常被引用的数字；上年数与上年公开的文档对不上，说明增减额、增减率
    或上年的公开数之一有误，本文档内部却看不出来。
    ## 示例
    2024年部门预算说明"收入预算 110.00 万元，比上年增加 20.00 万元"，隐含上年 90.00 万元；
    2023年部门预算的收入总计为 100.00 万元。
    ## 不报的情形
    说明中的本年数与本文档表格不符（由 BL301 报告），或未能对应到确定的表格数字；该数字在上年文档
    中找不到唯一对应的表格、行和列；说明的数字也可能指另一资金范围或另一行（如收入总计与本年收入
    合计在本年相同而上年不同）而两种理解在上年文档中的数字不同；句中没有指明与上年比较，或比较的是
    上年执行数、调整预算、决算数（决算说明中比较的是预算数）；本文档表格列有上年数且说明与之一致
    （两份文档的上年数不同由 BL801 报告）；"持平""基本持平"而无增减额；同时写了增减额和增减率时，
    增减率由 BL302 在句内核对；上年数可能为 0；元/万元换算后在各数字印刷精度的舍入范围内（说明印得
    比表格粗时多容许其末位一个单位；增减率容许末位一个单位）。一对文档的多数比较同时不一致时，
    更可能是两份文档口径不同，只给一条警告，不逐项报错。
    """
    if pair.relation != "year":
        return
    doc, prev = pair.doc, pair.other
    if doc.meta.year is None or prev.meta.year != doc.meta.year - 1:
        return
    checks: list[Check] = []
    seen: set[tuple] = set()
    for claim in doc.claims:
        if not _checkable(claim) or not compares_with_last_year(claim, doc):
            continue
        found = _quantity(pair, claim)
        if found is None:
            continue
        mine, theirs = found
        if claim.prior is not None and (claim.change is not None or claim.base is not None):
            continue  # BL305 compares the sentence with the 三公 table's 上年 figure, BL801 that with last year's
        if _follows_own_prior(doc, claim, mine):
            continue  # the prose follows this year's own 上年 column: BL801 compares that column
        key = (claim.subject, claim.text, claim.amount.raw, claim.change.raw if claim.change else None,
               claim.percent.raw if claim.percent else None)
        if key in seen:
            continue
        seen.add(key)
        c = check_claim(pair, claim, mine, theirs)
        if c is not None:
            checks.append(c)
    failed = [c for c in checks if c.finding is not None]
    if not failed:
        return
    if len(failed) >= SYSTEMATIC and len(failed) * 2 > len(checks):
        first = failed[0]
        yield REGISTRY["BL805"].finding(
            f"本文档情况说明的比上年增减与上年文档{_name(prev)}有 {len(failed)}/{len(checks)} 处不一致；多数同时"
            "不一致更可能是两份文档口径不同（如上年数按调整后预算或执行数列示、部门与单位、是否含下属单位）"
            "或读取有误，未逐项作为错误报告，请对照原文核对",
            claim_location(first.claim), severity=Severity.WARNING, other=_other(first.theirs, prev),
            evidence="；".join(c.finding.message for c in failed[:4] if c.finding) + ("……" if len(failed) > 4 else ""))
        return
    for c in failed:
        assert c.finding is not None
        yield c.finding
