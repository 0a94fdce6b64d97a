"""Performance-target forms (绩效目标表) against the budget and against themselves (BL5xx): the
money of a form against its project's row, its own funds and spending plan and cost indicators,
project names, and the number of forms the narrative announces. Indicator values are checked in
``performance_indicators.py``, the words of a form against its indicators in ``performance_text.py``;
the helpers below are shared by the three.

Forms come from ``recognise/targets.py`` (``doc.forms``); vocabularies are data in
``rules/vocab/performance.toml``. Arithmetic findings are errors; wording and indicator-design
findings are warnings.
"""

from __future__ import annotations

import tomllib
from bisect import bisect_left, bisect_right
from collections.abc import Iterator
from decimal import Decimal
from difflib import SequenceMatcher
from functools import lru_cache
from pathlib import Path

from budgetlint.findings import Finding, Location, Severity
from budgetlint.model import Document, Indicator, PerformanceForm, Project, Provenance, Row, RowKind, Unit
from budgetlint.recognise.normalise import squash
from budgetlint.rules.common import form_scale, half_ulp, project_unit
from budgetlint.rules.narrative_projects import name_key
from budgetlint.rules.registry import REGISTRY, rule

VOCAB = Path(__file__).resolve().parent / "vocab" / "performance.toml"


@lru_cache(maxsize=1)
def vocab() -> dict:
    return tomllib.loads(VOCAB.read_text("utf-8"))


def level_base(label: str) -> str:
    key = squash(label)
    return key[:-2] if key.endswith("指标") and len(key) > 2 else key


def finding_at(rule_id: str, message: str, provenance: Provenance | None, *, expected=None, found=None,
             tolerance=None, unit: str | None = None, evidence: str | None = None,
             related: list[Location] | None = None, severity=None) -> Finding:
    prov = provenance or Provenance()
    return REGISTRY[rule_id].finding(message, Location(page=prov.page, line=prov.line, bbox=prov.bbox),
                                     severity=severity, expected=expected, found=found, tolerance=tolerance,
                                     unit=unit, evidence=evidence, related=related or [])


def fmt(x: Decimal) -> str:
    return format(x, "f")


def readable(form: PerformanceForm) -> bool:
    """A form read well enough to judge its indicators: it names its project and most indicators
    sit under a standard 一级 label (a misread grid has numbers and stray words there)."""
    if not form.project or not form.indicators:
        return False
    level1 = set(vocab()["tree"]["level1"])
    good = sum(1 for i in form.indicators if level_base(i.level1) in level1)
    return good * 2 >= len(form.indicators)


def money_base(unit: str | None) -> Unit | None:
    if not unit:
        return None
    head = unit.split("/", 1)[0]
    return Unit.of(head)


def indicator_location(ind: Indicator) -> Location:
    p = ind.provenance
    return Location(line=p.line, page=p.page, bbox=p.bbox)


# --- forms ↔ project table -------------------------------------------------------------------


def _match_forms(doc: Document) -> tuple[list[tuple[PerformanceForm, Project]], list[PerformanceForm], list[Project]]:
    """Forms paired with the project-table row of the same name (tolerant of brackets and spaces),
    the forms left without a row and the rows left without a form. A name printed twice in the
    table pairs in order."""
    projects = doc.projects
    by_name: dict[str, list[Project]] = {}  # one pass, not forms × projects (documents of thousands)
    for p in projects:
        by_name.setdefault(name_key(p.name), []).append(p)
    taken: set[int] = set()
    pairs: list[tuple[PerformanceForm, Project]] = []
    lonely: list[PerformanceForm] = []
    for form in doc.forms:
        same = by_name.get(name_key(form.project))
        if not same:
            lonely.append(form)
            continue
        hit = same.pop(0)
        taken.add(id(hit))
        pairs.append((form, hit))
    return pairs, lonely, [p for p in projects if id(p) not in taken]


@rule("BL501", name="form-amount-differs-from-project", family="performance", severity="error",
      title="绩效目标表的资金与项目支出表不符")
def form_amount_differs_from_project(doc: Document) -> Iterator[Finding]:
    """## 检查什么
    绩效目标表的年度预算资金总额（及其中财政拨款）等于项目支出预算情况表中同名项目的金额。
    项目名称比较时忽略空格、全角半角括号和引号。
    ## 为什么重要
    绩效目标是按项目资金设定的；金额不符说明目标表与预算没有对应。
    ## 示例
    绩效目标表"职工长期护理保险财政补贴"165 万元，项目支出表中为 156 万元。
    ## 不报的情形
    项目支出表中没有同名项目（名称不同另由 BL502 提示）；金额在印刷精度之内；
    专项资金绩效目标表（其金额不在项目支出表中）找不到同名项目时不报。
    """
    pairs, _, _ = _match_forms(doc)
    for form, project in pairs:
        for field, key, what in (("total", "total", "年度预算资金总额"), ("fiscal", "fiscal", "财政拨款")):
            mine = getattr(form, field)
            theirs = project.amounts.get(key)
            if mine is None or theirs is None:
                continue
            a = mine * form_scale(form.unit)
            unit_b = project_unit(doc, project)
            b = theirs * form_scale(unit_b)
            tol = half_ulp(mine) * form_scale(form.unit) + half_ulp(theirs) * form_scale(unit_b)
            if abs(a - b) <= tol:
                continue
            yield finding_at("BL501",
                           f"绩效目标表「{form.project}」的{what} {fmt(mine)}{form.unit.value if form.unit else ''}，"
                           f"项目支出表为 {fmt(theirs)}{unit_b.value if unit_b else ''}",
                           form.provenance, expected=theirs, found=mine,
                           related=[Location(table=project.table, row=project.row, row_label=project.name)])
            break


def _similar(a: str, b: str) -> float:
    return SequenceMatcher(None, name_key(a), name_key(b)).ratio()


@rule("BL502", name="form-name-differs-from-project", family="performance", severity="warning",
      title="绩效目标表的项目名称与项目支出表不一致")
def form_name_differs_from_project(doc: Document) -> Iterator[Finding]:
    """## 检查什么
    绩效目标表的项目名称应与项目支出预算情况表完全一致。对找不到同名项目的目标表，若项目表中恰有
    一个未配对、金额相同且名称相近的项目，则提示名称不一致。
    ## 为什么重要
    名称不一致使读者无法确认目标表对应哪个项目，也常是抄写错误（多字、少字、错字）。
    ## 示例
    项目表"企业退休职工养老金财政补助"，绩效目标表"企业退休职工养老金财政补贴"。
    ## 不报的情形
    名称只差空格、括号形式或引号；没有项目支出表；金额相同的候选不止一个或名称相差过大。
    """
    _, lonely, free = _match_forms(doc)
    # free projects by amount in 元, sorted, so each form looks only at projects of its amount
    priced = sorted(((p.amounts["total"] * form_scale(project_unit(doc, p)),
                      half_ulp(p.amounts["total"]) * form_scale(project_unit(doc, p)), i, p)
                     for i, p in enumerate(free) if p.amounts.get("total") is not None), key=lambda x: x[:3])
    amounts = [x[0] for x in priced]
    widest = max((x[1] for x in priced), default=Decimal(0))
    used: set[int] = set()
    for form in lonely:
        if form.total is None:
            continue
        yuan, half = form.total * form_scale(form.unit), half_ulp(form.total) * form_scale(form.unit)
        lo, hi = bisect_left(amounts, yuan - half - widest), bisect_right(amounts, yuan + half + widest)
        cands = [p for amount, own, _, p in priced[lo:hi] if id(p) not in used and abs(amount - yuan) <= half + own]
        close = [p for p in cands if _similar(form.project, p.name) >= 0.8]
        if len(close) != 1:
            continue
        p = close[0]
        used.add(id(p))
        yield finding_at("BL502", f"绩效目标表项目名称「{form.project}」与项目支出表「{p.name}」不一致（金额同为 "
                                f"{fmt(form.total)}）",
                       form.provenance, expected=p.name, found=form.project,
                       related=[Location(table=p.table, row=p.row, row_label=p.name)])


@rule("BL503", name="form-funds-do-not-add-up", family="performance", severity="error",
      title="绩效目标表资金来源之和与总额不符")
def form_funds_do_not_add_up(doc: Document) -> Iterator[Finding]:
    """## 检查什么
    其中财政拨款与其他资金之和不超过年度预算资金总额。
    ## 为什么重要
    资金构成不平说明目标表填写有误。
    ## 示例
    总额 100 万元，财政拨款 100 万元，其他资金 10 万元。
    ## 不报的情形
    只填了总额；差额在印刷精度之内；各来源之和小于总额（表中可能另列上年结转、事业收入等来源）。
    """
    for form in doc.forms:
        total, fiscal, other = form.total, form.fiscal, form.other
        if total is None or fiscal is None:
            continue
        parts = fiscal + (other or 0)
        tol = half_ulp(total) + half_ulp(fiscal) + (half_ulp(other) if other is not None else 0)
        # Less than the total may be a source the form lists elsewhere (上年结转, 事业收入): only
        # sources exceeding the total are certainly wrong.
        if parts <= total + tol:
            continue
        what = "财政拨款 + 其他资金" if other is not None else "财政拨款"
        yield finding_at("BL503", f"绩效目标表「{form.project}」{what} {fmt(parts)}，与年度预算资金总额 {fmt(total)} 不符",
                       form.provenance, expected=total, found=parts, tolerance=tol)


@rule("BL508", name="cost-indicator-exceeds-budget", family="performance", severity="error",
      title="成本指标超过项目预算")
def cost_indicator_exceeds_budget(doc: Document) -> Iterator[Finding]:
    """## 检查什么
    以金额（元、万元）计、不是单位成本的成本指标，其上限不应超过本项目的年度预算资金总额。
    ## 为什么重要
    成本上限超过预算，说明指标抄错或单位写错（元写成万元）。
    ## 示例
    预算 462.27 万元的项目，成本指标"科技创新企业补助金额 487.4 万元"；预算 5 万元，成本指标 ≤100000 元。
    ## 不报的情形
    单位成本（元/人、万元/家）；没有预算总额；在印刷精度之内。
    """
    for form in filter(readable, doc.forms):
        if form.total is None:
            continue
        budget = form.total * form_scale(form.unit)
        for ind in form.indicators:
            unit = Unit.of(ind.unit)
            if unit is None or ind.number is None or ind.comparator in ("≥", ">"):
                continue
            if not (level_base(ind.level1) == "成本" or level_base(ind.level2).endswith("成本") or "成本" in ind.name):
                continue
            cap = ind.number * unit.in_yuan
            if cap <= budget + half_ulp(form.total) * form_scale(form.unit):
                continue
            u = form.unit.value if form.unit else "万元"
            yield finding_at("BL508", f"绩效目标「{form.project}」成本指标「{ind.name}」为 {ind.value_text}，"
                                    f"超过项目预算 {fmt(form.total)}{u}",
                           ind.provenance, expected=form.total, found=(cap / form_scale(form.unit)).normalize(), unit=u)


@rule("BL509", name="spending-plan-invalid", family="performance", severity="error",
      title="资金支出计划不合理")
def spending_plan_invalid(doc: Document) -> Iterator[Finding]:
    """## 检查什么
    资金支出计划按时间累计：逐期不减少，最后一期等于年度预算（以 % 表示时为 100%）；标为 %
    的计划不应出现超过 100 的数值，也不应是金额（最后一期恰好等于预算金额）。
    ## 为什么重要
    支出计划是预算执行进度考核的依据，写错会使进度考核失真。
    ## 示例
    预算 11.00 万元，12 月底累计 10.50；"资金支出计划（%）"下填 100.00、200.00、300.00、462.27。
    ## 不报的情形
    计划中有无法读取的数值；没有预算总额。
    """
    for form in doc.forms:
        values = [v for _, v in form.spending_plan]
        if len(values) < 2 or any(v is None for v in values) or form.total is None:
            continue
        prov = form.spending_plan_provenance or form.provenance
        labels = "、".join(f"{lab} {fmt(v)}" for lab, v in form.spending_plan)
        tol = half_ulp(form.total) + half_ulp(values[-1])
        if any(b < a for a, b in zip(values, values[1:], strict=False)):
            yield finding_at("BL509", f"绩效目标「{form.project}」资金支出计划不是逐期累计（出现减少）：{labels}",
                           prov, evidence=labels)
            continue
        last = values[-1]
        if form.spending_plan_unit == "%":
            if abs(last - form.total) <= tol and last != 100:
                yield finding_at("BL509", f"绩效目标「{form.project}」资金支出计划标为 %，但数值是金额"
                                        f"（最后一期 {fmt(last)} 等于预算 {fmt(form.total)}）：{labels}",
                               prov, severity=Severity.WARNING, evidence=labels)
                continue
            if last > 100 or abs(last - 100) > half_ulp(last):
                yield finding_at("BL509", f"绩效目标「{form.project}」资金支出计划最后一期为 {fmt(last)}，"
                                        f"既不是 100% 也不等于预算 {fmt(form.total)}：{labels}",
                               prov, expected=form.total, found=last, evidence=labels)
            continue
        if abs(last - form.total) > tol:
            yield finding_at("BL509", f"绩效目标「{form.project}」资金支出计划最后一期累计 {fmt(last)}，"
                                    f"不等于年度预算 {fmt(form.total)}：{labels}",
                           prov, expected=form.total, found=last, tolerance=tol, evidence=labels)


def _heads(rows: list[Row]) -> dict[int, int]:
    """Row index → the row heading it: a row whose amount the rows right below it add up to (a
    unit listing its projects, "深圳市东江水源工程管理处 30,513.45" over its own "水务发展资金"…)."""
    head_of: dict[int, int] = {}
    # The total column, or the first amount column where a table has none called so.
    key = "total" if any("total" in r.values for r in rows) else next((k for r in rows for k in r.values), None)
    totals = [r.values.get(key) if key else None for r in rows]
    i = 0
    while i < len(rows):
        v = totals[i]
        run, end = Decimal(0), None
        if v is not None and v.amount is not None:
            for j in range(i + 1, len(rows)):
                w = totals[j]
                if w is None or w.amount is None:
                    break
                run += w.amount
                if abs(run - v.amount) <= (j - i + 1) * max(v.half_ulp, w.half_ulp):
                    end = j
                    break
                if run > v.amount:
                    break
        if end is None:
            i += 1
            continue
        for j in range(i + 1, end + 1):
            head_of[rows[j].index] = rows[i].index
        i = end + 1
    return head_of


def _project_key(doc: Document, p: Project, heads: dict[int, dict[int, int]]) -> tuple:
    """Two project lines are the same project when all their name cells agree (单位名称 and
    项目名称 both) under the same heading row."""
    table = next((t for t in doc.tables if t.index == p.table), None)
    if table is None:
        return (name_key(p.name),)
    if table.index not in heads:
        heads[table.index] = _heads([r for r in table.rows if r.kind is RowKind.ITEM and r.label])
    row = table.rows[p.row]
    names = tuple(name_key(v) for k, v in sorted(row.texts.items()) if k.startswith("name"))
    return (heads[table.index].get(p.row), name_key(p.name), *names)


@rule("BL513", name="project-names-duplicated", family="performance", severity="warning",
      title="项目支出表中项目名称重复")
def project_names_duplicated(doc: Document) -> Iterator[Finding]:
    """## 检查什么
    项目支出预算情况表中不应有两个名称相同的项目。
    ## 为什么重要
    同名项目使绩效目标表与项目无法一一对应，也常说明名称抄错。
    ## 示例
    "社保基金征缴奖励"170.00 万元和"社保基金征缴奖励"70.00 万元。
    ## 不报的情形
    没有项目支出表；同名项目分列在不同单位之下（单位行的金额等于其下各项目之和，或表中另有
    单位名称栏）。名称只在空格或括号形式上不同的项目视为同名，照报。
    """
    groups: dict[tuple, list[Project]] = {}
    heads: dict[int, dict[int, int]] = {}
    for p in doc.projects:
        groups.setdefault(_project_key(doc, p, heads), []).append(p)
    for same in groups.values():
        if len(same) < 2:
            continue
        t = next((t for t in doc.tables if t.index == same[1].table), None)
        row = t.rows[same[1].row] if t else None
        amounts = "、".join(fmt(p.amounts.get("total", Decimal(0))) for p in same)
        yield REGISTRY["BL513"].finding(f"项目支出表中「{same[0].name}」出现 {len(same)} 次（金额 {amounts}）",
                                        Location.of(t, row) if t else Location(), found=same[0].name)


@rule("BL514", name="narrative-count-differs-from-forms", family="performance", severity="warning",
      title="说明中的绩效目标项目个数与绩效目标表不符")
def narrative_count_differs_from_forms(doc: Document) -> Iterator[Finding]:
    """## 检查什么
    情况说明称"项目支出全面实施绩效目标管理，涉及项目 N 个"时，文档所附项目支出绩效目标表
    （不含专项资金绩效目标表）的张数应为 N。
    ## 为什么重要
    少附目标表说明部分项目的绩效目标没有公开。
    ## 示例
    说明称 19 个项目，只附了 17 张项目支出绩效目标表。
    ## 不报的情形
    文档没有附任何项目支出绩效目标表。
    """
    forms = [f for f in doc.forms if "专项" not in squash(f.title)]
    if not forms:
        return
    for claim in doc.claims:
        if claim.subject == "project" and claim.count is not None and claim.count != len(forms):
            yield finding_at("BL514", f"说明称 {claim.count} 个项目实施绩效目标管理，文档附项目支出绩效目标表 {len(forms)} 张",
                           claim.provenance, expected=Decimal(claim.count), found=Decimal(len(forms)),
                           evidence=claim.text[:300])
