"""Document metadata: title, organisation, budget year, kind, template."""

from __future__ import annotations

import re
from collections import Counter

from budgetlint.ingest.base import Line
from budgetlint.model import DocKind, DocumentMeta, Section, Table, Unit
from budgetlint.recognise.normalise import clean, squash

_KINDS = (
    ("部门预算", DocKind.DEPARTMENT_BUDGET),
    ("单位预算", DocKind.UNIT_BUDGET),
    ("部门决算", DocKind.DEPARTMENT_FINAL),
    ("单位决算", DocKind.UNIT_FINAL),
    ("绩效目标", DocKind.PERFORMANCE),
    ("绩效评价", DocKind.PERFORMANCE),  # a 绩效评价 report (长沙: 项目支出绩效评价结果)
)
_YEAR = re.compile(r"((?:19|20)\d\d)\s*年")
_YEAR_OF = re.compile(r"((?:19|20)\d\d)\s*年度")
_YEAR_FIELD = re.compile(r"(?:预算年度|年度)\s*[:：]\s*((?:19|20)\d\d)")
_ORG_LABELS = r"(?:部门[(（]单位[)）]|部门名称|单位名称|编制单位|编制部门|填报单位|预算单位|预算主管部门|部门)"
_ORG_FIELD = re.compile(rf"^{_ORG_LABELS}\s*[:：]\s*(\S.+)$")
_ORG_CELL = re.compile(rf"^{_ORG_LABELS}$")  # 北京 预算13表: 部门名称 | 北京市统计局
_ORG_NAME = re.compile(r"(?:局|委员会|委|办公室|办公厅|办|厅|院|部|中心|会|所|队|站|处|学校|大学|馆|政府)$")
# What follows the organisation on the same line: "编制单位：XX局      单位：元".
_ORG_TAIL = re.compile(r"\s*(?:金额)?单位\s*[:：].*$")
_ORG_CODE = re.compile(r"^\d{6,9}\s+(\S.+)$")
# The same line read from a PDF that drew the space as a gap the reader closed ("392078华溪县…中心"):
# taken only when what follows the code ends like an organisation's name.
_ORG_CODE_GLUED = re.compile(r"^\d{6,9}([\u4e00-\u9fff][^\s\d]+)$")
_QUALIFIER = re.compile(r"[（(][^（()）]{1,6}[)）]$")  # "…局（本级）"
_NARR_UNIT = re.compile(r"\d\s*(亿元|万元|元)")
_TITLE_TAIL = re.compile(r"(?:部门|单位)(?:预算|决算).*$|(?:预算|决算)(?:信息)?公开.*$|绩效目标.*$")
_TITLE_YEAR = re.compile(r"(?:19|20)\d\d\s*年度?")


_UNIT_KIND = (("参照公务员法管理", "参公"), ("参公", "参公"), ("行政", "行政"), ("机关", "行政"), ("事业", "事业"))
# "非参公事业单位", "非行政": a kind named to be denied says nothing of being it.
_NEGATED_KIND = re.compile(r"[非不](?:属于)?(?:参照公务员法管理|参公|行政)")
_CLAUSES = re.compile(r"[。；;，,]")
# 性质 (group a of unit_type_of's pattern) or a kind word as group b writes it: one of them is in
# every clause the pattern finds anything in
_MAY_STATE = re.compile("性质|参照公务员法管理|参公|行政单位|行政机关|事业单位")
_SELF = r"(?:本单位|本部门|我单位|我部门|我局|我委|我办|我中心|该单位|本机关)"


def unit_type_of(lines: list[Line], sections: list[Section], organisation: str = "") -> tuple[str | None, str | None]:
    """行政 / 参公 / 事业 as the document states it of itself (单位性质 in 机构设置, "本单位为…事业
    单位"), or None when it does not say, or says several (a department with units of both kinds)."""
    subject = _SELF if not organisation else rf"(?:{_SELF}|{re.escape(organisation)})"
    stated = re.compile(
        rf"(?:单位性质|机构性质)[为是:：\s]*(?P<a>[^，。；\s]{{1,14}})"
        rf"|{subject}[^，。；]{{0,6}}?(?:是|为|属于|系)[^，。；]{{0,12}}?(?P<b>参照公务员法管理|参公|行政(?:单位|机关)|(?:公益[一二三]类)?事业单位)"
    )
    found: dict[str, str] = {}
    texts = [p.text for s in sections for p in s.paragraphs]
    for line in lines:
        # A 机构设置 table: 单位名称 | 单位性质 | … — the cell under 单位性质.
        if not line.is_tabular:
            continue
        joined = "".join(line.cells)
        if "行" not in joined and "参" not in joined and "事" not in joined:
            continue  # none of the kind words below (clean and squash only drop or fold characters)
        cells = [clean(c) for c in line.cells]
        if any(squash(c) in ("行政", "行政单位", "参公", "事业", "事业单位") for c in cells):
            texts.append("单位性质：" + next(c for c in cells if squash(c) in ("行政", "行政单位", "参公", "事业", "事业单位")))
    for text in texts:
        for clause in _CLAUSES.split(text):
            if "指" in clause:
                continue  # definitions ("机关运行经费是指…参照公务员法管理…") say nothing of this body
            said = _NEGATED_KIND.sub("", clause) if "非" in clause or "不" in clause else clause
            # every match holds 性质 (a) or one of the kind words (b) as written: a clause with
            # neither is passed over without the search
            if not _MAY_STATE.search(said):
                continue
            m = stated.search(said)
            if not m:
                continue
            word = m.group("a") or m.group("b")
            kind = next((k for w, k in _UNIT_KIND if w in word), None)
            if kind:
                found.setdefault(kind, clause.strip()[:80])
    if len(found) == 1:
        kind, evidence = next(iter(found.items()))
        return kind, evidence
    return None, None


def _title_lines(lines: list[Line]) -> list[str]:
    out: list[str] = []
    for line in lines[:12]:
        t = clean(" ".join(c for c in line.cells if c.strip()))
        if not t:
            if out:
                break
            continue
        if re.match(r"^目\s*录$", t) or line.is_tabular or len(t) > 60:
            break
        out.append(t)
        if any(k in squash(t) for k, _ in _KINDS) or "预算" in t or "决算" in t:
            break
    return out


def recognise_meta(lines: list[Line], tables: list[Table], sections: list[Section], template_votes: Counter,
                   source_format: str) -> DocumentMeta:
    meta = DocumentMeta(source_format=source_format)
    title = "".join(_title_lines(lines)) if lines else ""
    meta.title = title
    key = squash(title)
    for word, kind in _KINDS:
        if word in key:
            meta.kind = kind
            break
    if meta.kind is DocKind.UNKNOWN:
        body = "".join(squash(" ".join(line.cells)) for line in lines[:400])
        counts = {kind: body.count(word) for word, kind in _KINDS}
        best = max(counts, key=counts.get)
        if counts[best]:
            meta.kind = best
    if meta.kind is DocKind.UNKNOWN and tables:
        # A tables-only file (北京 附件2, 江苏 公开表) names no kind: its table titles say 预算 or
        # 决算, and 单位 where a unit's own tables (预算单位财务收支预算总表).
        titles = "".join(squash(t.title) for t in tables)
        unit = "单位预算" in titles or "预算单位" in titles or "单位决算" in titles
        if "决算" in titles:
            meta.kind = DocKind.UNIT_FINAL if unit else DocKind.DEPARTMENT_FINAL
        elif "预算" in titles:
            meta.kind = DocKind.UNIT_BUDGET if unit else DocKind.DEPARTMENT_BUDGET
    m = _YEAR.search(title)
    if m:
        meta.year = int(m.group(1))
    orgs: Counter = Counter()
    for line in lines:
        t = clean(" ".join([c for c in line.cells if c.strip()]))
        if meta.year is None:
            y = _YEAR_FIELD.search(t)
            if y:
                meta.year = int(y.group(1))
        o = _ORG_FIELD.match(t) or (_ORG_CODE.match(t) if not line.is_tabular else None)
        if o is None and not line.is_tabular:
            g = _ORG_CODE_GLUED.match(t)
            o = g if g and _ORG_NAME.search(_QUALIFIER.sub("", g.group(1))) else None
        if o:
            org = _ORG_TAIL.sub("", o.group(1)).strip()
            if org:
                orgs[squash(org)] += 1
        elif line.is_tabular:
            filled = [c for c in line.cells if c.strip()]  # only the first two are read, cleaned
            if len(filled) >= 2 and _ORG_CELL.match(squash(clean(filled[0]))) and _ORG_NAME.search(squash(clean(filled[1]))):
                orgs[squash(clean(filled[1]))] += 1
    if meta.year is None:
        years = Counter(int(y) for line in lines[:200] for y in _YEAR.findall(" ".join(line.cells)))
        if years:
            meta.year = years.most_common(1)[0][0]
    if meta.year is None:
        # A tables-only file (北京 附件2) has no title page and its first pages are tables: the year
        # a heading states ("（2026年度）"), else the year its text names most.
        stated = Counter(int(y) for line in lines if not line.is_tabular
                         for y in _YEAR_OF.findall(clean(line.cells[0])))
        years = stated or Counter(int(y) for line in lines for y in _YEAR.findall(" ".join(line.cells)))
        if years:
            meta.year = years.most_common(1)[0][0]
    from_title = _TITLE_YEAR.sub("", key, count=1)
    from_title = _TITLE_TAIL.sub("", from_title).strip()
    if len(from_title) > 4 and from_title.endswith(("部门", "单位")):
        from_title = from_title[:-2]  # "北京市统计局部门2026年度部门预算信息公开"
    if orgs:
        meta.organisation = orgs.most_common(1)[0][0]
    elif from_title:
        meta.organisation = from_title
    meta.unit_type, meta.unit_type_evidence = unit_type_of(lines, sections, meta.organisation)
    if template_votes:
        meta.template = template_votes.most_common(1)[0][0]
    units: Counter = Counter()
    for sec in sections:
        for p in sec.paragraphs:
            units.update(_NARR_UNIT.findall(p.text))
    if units:
        meta.narrative_unit = Unit(units.most_common(1)[0][0])
    return meta
