"""Documents of one batch grouped by who issued them, for which year and of which kind.

A bureau checks a region's documents together; the telling errors sit between them. This module
only finds the relations (it reads ``doc.meta`` and, for the units a department lists, its
机构设置 prose); the rules in ``rules/cross_document.py`` compare the figures.

Relations (each a ``Pair``, the *later* or *dependent* document first, since its findings are
attached to it):

- ``year``: the same body's document of the same kind for year Y and for Y-1;
- ``budget_final``: the same body's 决算 of year Y and its 预算 of year Y (部门 with 部门, 单位 with 单位);
- ``department_units``: a 部门预算 (决算) and the 单位预算 (决算) of the units under it, same year;
- ``duplicate``: the same body, year and kind published twice with near-identical tables.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from budgetlint.model import DocKind, Document

BUDGETS = (DocKind.DEPARTMENT_BUDGET, DocKind.UNIT_BUDGET)
FINALS = (DocKind.DEPARTMENT_FINAL, DocKind.UNIT_FINAL)
_FINAL_OF = {DocKind.DEPARTMENT_BUDGET: DocKind.DEPARTMENT_FINAL, DocKind.UNIT_BUDGET: DocKind.UNIT_FINAL}
_UNIT_OF = {DocKind.DEPARTMENT_BUDGET: DocKind.UNIT_BUDGET, DocKind.DEPARTMENT_FINAL: DocKind.UNIT_FINAL}


@dataclass(slots=True)
class Pair:
    """Two documents (or a department and its units) whose figures must agree.

    ``doc`` is the later / dependent document (the 决算, year Y, the department, the second copy);
    ``others`` the documents it is compared with (one, or the department's units).
    ``missing`` names the units the department lists that are not in the batch."""

    relation: str  # year | budget_final | department_units | duplicate
    doc: Document
    others: list[Document]
    missing: list[str] = field(default_factory=list)
    listed: bool = False  # the department's own text lists its units (department_units)

    @property
    def other(self) -> Document:
        return self.others[0]


_SPACE = re.compile(r"\s+")
_BRACKETED = re.compile(r"[（(](?:本级|机关|汇总|部门)[）)]$")


def normalise_org(name: str) -> str:
    """One spelling of an issuing body: full-width forms folded, spaces and a trailing （本级） gone."""
    s = _SPACE.sub("", unicodedata.normalize("NFKC", name or ""))
    s = _BRACKETED.sub("", s.replace("(", "（").replace(")", "）"))
    return s


def key(doc: Document) -> tuple[str, int, DocKind] | None:
    m = doc.meta
    org = normalise_org(m.organisation)
    if not org or m.year is None or m.kind in (DocKind.UNKNOWN, DocKind.PERFORMANCE):
        return None
    return org, m.year, m.kind


# Where a department's own text says which units it is made of.
_UNIT_SECTIONS = ("机构设置", "单位构成", "预算单位构成", "决算单位构成", "部门构成", "所属单位", "下属单位")
# "…包括：A、B", or a colon after the words that name subordinate units ("下设2个所属单位：A、B").
_LIST_AFTER = re.compile(r"(?:包括|分别是|分别为|具体是|有|(?<=[所下]属单位)(?=[:：]))[:：]?(.+)$")
_LIST_SPLIT = re.compile(r"[、，,；;]|和|及")
_COUNT = re.compile(r"单位(?:共计|共|合计|计)?(\d+|[一二三四五六七八九十]+)(?:个|家)|(\d+|[一二三四五六七八九十]+)(?:个|家)(?:二级|所属|下属)?(?:预算|决算)?单位")
_CN = {c: i for i, c in enumerate("零一二三四五六七八九十")}
# A budget unit's name ends like an organisation; an internal division (处, 科, 室) is no unit.
_UNIT_NAME = re.compile(r"(局|院|所|中心|站|队|会|校|馆|部|委|办|厅|社|园|场|团|学|台|机关)$")


def _cn_int(s: str) -> int | None:
    if s.isdigit():
        return int(s)
    if s == "十":
        return 10
    if len(s) == 2 and s[0] == "十":
        return 10 + _CN.get(s[1], 0)
    if len(s) == 2 and s[1] == "十":
        return _CN.get(s[0], 0) * 10
    return _CN.get(s)


def unit_text(doc: Document) -> str:
    """The prose of the sections that describe the department's composition."""
    parts: list[str] = []
    for s in doc.sections:
        if any(w in s.heading for w in _UNIT_SECTIONS) or any(w in h for p in s.paragraphs for h in p.heading_path
                                                           for w in _UNIT_SECTIONS):
            parts.extend(p.text for p in s.paragraphs)
    return _SPACE.sub("", "".join(parts))


def listed_units(doc: Document) -> tuple[list[str], int | None]:
    """(unit names, the count stated: "预算单位共计2家"), as far as the composition text says.

    Names come from sentences that list *units* ("下属单位包括：…", "纳入…编制范围的预算单位…具体
    包括：…"), never the 内设机构 (the department's own divisions); a sentence about the budget
    units (预算单位, 编制范围) wins over one about subordinate units, since it names 本级 too."""
    text = unit_text(doc)
    found: list[tuple[bool, list[str]]] = []
    count = None
    for sentence in re.split(r"[。\n]", text):
        m = _COUNT.search(sentence)
        if m and count is None and "内设" not in sentence:
            count = _cn_int(m.group(1) or m.group(2))
        lm = _LIST_AFTER.search(sentence)
        if lm is None or "单位" not in sentence[:lm.start() + 2] or "内设" in sentence[:lm.start()]:
            continue
        items = [normalise_org(x).strip("“”\"：:") for x in _LIST_SPLIT.split(lm.group(1))]
        items = [x for x in items if 2 <= len(x) <= 40 and _UNIT_NAME.search(x)]
        if items:
            found.append(("预算单位" in sentence or "编制范围" in sentence, items))
    budget_lists = [names for is_budget, names in found if is_budget]
    names: list[str] = []
    for group in budget_lists or [names for _, names in found]:
        names.extend(x for x in group if x not in names)
    return names, count


def _under(unit: Document, dept: Document, dept_text: str) -> bool:
    """A unit belongs to a department when its name carries the department's (北京市统计局 →
    北京市统计局机关), or the department's composition text names it."""
    u, d = normalise_org(unit.meta.organisation), normalise_org(dept.meta.organisation)
    return u.startswith(d) or (len(u) >= 4 and u in dept_text)


def _cells(doc: Document) -> dict[tuple, Decimal]:
    """Every amount of the document's tables, keyed by table kind, row identity and column."""
    out: dict[tuple, Decimal] = {}
    for t in doc.tables:
        for r in t.rows:
            ident = (r.code.digits if r.code else "", _SPACE.sub("", r.label), r.side or "")
            for k, v in r.values.items():
                if v.amount is not None:
                    out.setdefault((t.kind, ident, k), v.amount)
    return out


# Two copies are "the same tables" when at least this many cells are compared and at most this
# share of them differ; a revised edition differs in far more.
DUPLICATE_MIN_CELLS = 20
DUPLICATE_MAX_DIFFERING = Decimal("0.1")


def near_identical(a: Document, b: Document) -> bool:
    ca, cb = _cells(a), _cells(b)
    common = ca.keys() & cb.keys()
    if len(common) < DUPLICATE_MIN_CELLS:
        return False
    differing = sum(1 for k in common if ca[k] != cb[k])
    return differing <= DUPLICATE_MAX_DIFFERING * len(common)


def find_pairs(docs: Iterable[Document]) -> list[Pair]:
    """Every relation among ``docs`` (documents without body, year or kind take part in none)."""
    keyed = [(key(d), d) for d in docs]
    keyed = [(k, d) for k, d in keyed if k is not None]
    by_key: dict[tuple, list[Document]] = {}
    for k, d in keyed:
        by_key.setdefault(k, []).append(d)
    pairs: list[Pair] = []
    for (org, year, kind), group in by_key.items():
        for i, d in enumerate(group):
            for earlier in group[:i]:
                if near_identical(d, earlier):
                    pairs.append(Pair("duplicate", d, [earlier]))
                    break
        first = group[0]  # copies of one document: compare the first with its neighbours
        prev = by_key.get((org, year - 1, kind))
        if prev:
            pairs.append(Pair("year", first, [prev[0]]))
        if kind in _FINAL_OF and (org, year, _FINAL_OF[kind]) in by_key:
            pairs.append(Pair("budget_final", by_key[(org, year, _FINAL_OF[kind])][0], [first]))
        if kind in _UNIT_OF:
            pairs.extend(_department_pair(first, [d for (_, y, k), g in by_key.items() if y == year
                                                  and k == _UNIT_OF[kind] for d in g[:1]]))
    return pairs


def _department_pair(dept: Document, candidates: list[Document]) -> list[Pair]:
    text = unit_text(dept)
    units = [u for u in candidates if _under(u, dept, text)]
    if not units:
        return []
    names, count = listed_units(dept)
    present = {normalise_org(u.meta.organisation) for u in units}
    own = normalise_org(dept.meta.organisation)
    missing = [n + ("（本级）" if n == own else "") for n in names
               if not any(n == p or p.endswith(n) or n.endswith(p) for p in present)]  # 普查中心 = 甲市统计局普查中心
    listed = bool(names) or count is not None
    if count is not None and len(units) < count and not missing:
        missing = [f"另有 {count - len(units)} 个单位"]
    return [Pair("department_units", dept, units, missing=missing, listed=listed)]
