"""Projects the 情况说明 counts or names (BL307, BL308): the number of projects against the project
table, a project chosen for 重点绩效评价 against its form or row; project names matched tolerantly.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal

from budgetlint.findings import Finding, Location
from budgetlint.model import Claim, Document, Figure, Unit
from budgetlint.recognise.figures import projects_listed
from budgetlint.recognise.normalise import squash
from budgetlint.rules.common import form_scale, half_ulp, project_unit
from budgetlint.rules.narrative import BUDGETS, claim_finding, fmt
from budgetlint.rules.registry import rule


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
    if doc.meta.kind not in BUDGETS:
        return
    have = projects_listed(doc)
    if have is None:
        return
    for claim in doc.claims:
        if claim.subject == "project" and claim.count is not None and claim.count != have:
            t = doc.table("project_expenditure")
            yield claim_finding("BL307", claim,
                           f"说明称涉及项目 {claim.count} 个，项目支出表列出 {have} 个项目",
                           expected=Decimal(have), found=Decimal(claim.count),
                           related=[Location.of(t)] if t else None)


_EVALUATED = re.compile(
    r"对(?P<name>[^,;。]{2,60}?)(?:等)?(?P<n>\d+)个项目开展[^。]{0,20}?重点绩效评价[^。]{0,10}?"
    r"涉及(?:预算)?资金(?P<amount>\d[\d,]*(?:\.\d+)?)(?P<unit>亿元|万元|元)"
)


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
                yield claim_finding("BL308", claim,
                               f"说明称重点绩效评价项目「{m.group('name')}」涉及资金 {found.raw}{found.unit.value}，"
                               f"{where}中「{name}」为 {fmt(amount)}{unit.value if unit else ''}",
                               expected=amount, found=found.value,
                               related=[Location(line=hit.provenance.line)] if hasattr(hit, "provenance") else None)


def _figure_of(digits: str, unit_word: str) -> Figure:
    d = digits.replace(",", "")
    return Figure(Decimal(d), len(d.split(".")[1]) if "." in d else 0, Unit(unit_word), digits)
