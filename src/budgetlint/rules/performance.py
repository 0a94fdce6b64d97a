"""Performance-target forms (绩效目标表) against the budget and against themselves (BL5xx).

Forms come from ``recognise/targets.py`` (``doc.forms``); vocabularies are data in
``rules/vocab/performance.toml``. Arithmetic findings are errors; wording and indicator-design
findings are warnings.
"""

from __future__ import annotations

import re
import tomllib
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Iterator
from decimal import Decimal
from difflib import SequenceMatcher
from functools import lru_cache
from pathlib import Path

from budgetlint.findings import Finding, Location, Severity
from budgetlint.model import Document, Indicator, PerformanceForm, Project, Provenance, Row, RowKind, Unit
from budgetlint.recognise.normalise import squash
from budgetlint.rules.narrative import name_key
from budgetlint.rules.registry import REGISTRY, rule

VOCAB = Path(__file__).resolve().parent / "vocab" / "performance.toml"
_MONEY_UNITS = {"元": Unit.YUAN, "万元": Unit.WAN_YUAN, "亿元": Unit.YI_YUAN}
_EXPLICIT_COMPARATOR = re.compile(r"^\s*(?:[≥≤<>=≧≦⩾⩽]|大于|小于|不低于|不少于|不小于|不高于|不超过|不多于|不大于|至少|高于|"
                                  r"低于|多于|少于|超过|等于)|(?:以上|以下|以内)\s*$")


@lru_cache(maxsize=1)
def vocab() -> dict:
    return tomllib.loads(VOCAB.read_text("utf-8"))


def _base(label: str) -> str:
    key = squash(label)
    return key[:-2] if key.endswith("指标") and len(key) > 2 else key


def _finding(rule_id: str, message: str, provenance: Provenance | None, *, expected=None, found=None,
             tolerance=None, unit: str | None = None, evidence: str | None = None,
             related: list[Location] | None = None, severity=None) -> Finding:
    prov = provenance or Provenance()
    return REGISTRY[rule_id].finding(message, Location(page=prov.page, line=prov.line, bbox=prov.bbox),
                                     severity=severity, expected=expected, found=found, tolerance=tolerance,
                                     unit=unit, evidence=evidence, related=related or [])


def _scale(unit: Unit | None) -> Decimal:
    return unit.in_yuan if unit else Decimal(10_000)  # forms without a unit line are in 万元


def _half_ulp(x: Decimal) -> Decimal:
    exp = x.as_tuple().exponent
    return Decimal(5).scaleb(exp - 1) if isinstance(exp, int) else Decimal(0)


def _project_unit(doc: Document, p: Project) -> Unit | None:
    t = next((t for t in doc.tables if t.index == p.table), None)
    return t.unit if t else None


def _fmt(x: Decimal) -> str:
    return format(x, "f")


def _readable(form: PerformanceForm) -> bool:
    """A form read well enough to judge its indicators: it names its project and most indicators
    sit under a standard 一级 label (a misread grid has numbers and stray words there)."""
    if not form.project or not form.indicators:
        return False
    level1 = set(vocab()["tree"]["level1"])
    good = sum(1 for i in form.indicators if _base(i.level1) in level1)
    return good * 2 >= len(form.indicators)


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
            a = mine * _scale(form.unit)
            unit_b = _project_unit(doc, project)
            b = theirs * _scale(unit_b)
            tol = _half_ulp(mine) * _scale(form.unit) + _half_ulp(theirs) * _scale(unit_b)
            if abs(a - b) <= tol:
                continue
            yield _finding("BL501",
                           f"绩效目标表「{form.project}」的{what} {_fmt(mine)}{form.unit.value if form.unit else ''}，"
                           f"项目支出表为 {_fmt(theirs)}{unit_b.value if unit_b else ''}",
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
    priced = sorted(((p.amounts["total"] * _scale(_project_unit(doc, p)),
                      _half_ulp(p.amounts["total"]) * _scale(_project_unit(doc, p)), i, p)
                     for i, p in enumerate(free) if p.amounts.get("total") is not None), key=lambda x: x[:3])
    amounts = [x[0] for x in priced]
    widest = max((x[1] for x in priced), default=Decimal(0))
    used: set[int] = set()
    for form in lonely:
        if form.total is None:
            continue
        yuan, half = form.total * _scale(form.unit), _half_ulp(form.total) * _scale(form.unit)
        lo, hi = bisect_left(amounts, yuan - half - widest), bisect_right(amounts, yuan + half + widest)
        cands = [p for amount, own, _, p in priced[lo:hi] if id(p) not in used and abs(amount - yuan) <= half + own]
        close = [p for p in cands if _similar(form.project, p.name) >= 0.8]
        if len(close) != 1:
            continue
        p = close[0]
        used.add(id(p))
        yield _finding("BL502", f"绩效目标表项目名称「{form.project}」与项目支出表「{p.name}」不一致（金额同为 "
                                f"{_fmt(form.total)}）",
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
        tol = _half_ulp(total) + _half_ulp(fiscal) + (_half_ulp(other) if other is not None else 0)
        # Less than the total may be a source the form lists elsewhere (上年结转, 事业收入): only
        # sources exceeding the total are certainly wrong.
        if parts <= total + tol:
            continue
        what = "财政拨款 + 其他资金" if other is not None else "财政拨款"
        yield _finding("BL503", f"绩效目标表「{form.project}」{what} {_fmt(parts)}，与年度预算资金总额 {_fmt(total)} 不符",
                       form.provenance, expected=total, found=parts, tolerance=tol)


# --- text ↔ year and indicators ---------------------------------------------------------------

_YEAR = re.compile(r"(?<![\d〔\[(（])((?:19|20)\d\d)\s*年(?!\s*\d{1,2}\s*月)(?!以来|起|至今)")
_YEAR_SKIP_BEFORE = re.compile(r"(?:较|比|相比|同比|截至|截止|自|从|于|在|〔|《[^》]*)$")
# A later year is a horizon, not the plan's year, when the text runs up to it ("到2025年",
# "2024—2026年", "2025年底前", "2025年以前") or looks beyond the plan ("2025年以后").
_LATER_SKIP_BEFORE = re.compile(r"(?:到|至|直至|截至|截止|前|[-—–~～])$")
_LATER_SKIP_AFTER = re.compile(r"^(?:底|末|前|以前|之前|以后|之后|后|上半年|下半年|[-—–~～]|\d)")
# The plan's own year is the time of its clause: it opens the text or a clause ("2023年计划……",
# "……工作，2025年完成……", "1.2023年……"). A year after a verb or inside a name is what the work is
# about ("开展2025年度决算", "完成2027年部门综合预算", "1980—2018年综合档案"): no doubt.
_CLAUSE_OPENS = re.compile(r"(?:^|[，,。；;：:、（(“\s]|\d[.．])$")
_YEAR_SPAN = re.compile(r"^度?\s*(?:[-—–~～至到和与及、]|以及)\s*(?:19|20)\d\d")
_SPAN_BEFORE = re.compile(r"(?:19|20)\d\d\s*年?度?\s*(?:[-—–~～至到和与及、]|以及)\s*$")
# "2025年度" opens a clause as its time only when a plan word follows; "2025年度环境统计" names work.
_YEAR_DU_PLAN = re.compile(r"^度(?:计划|目标|内|将|要|全年|[，,])")
_DEADLINE = re.compile(r"^(?:底|末|前|以前|之前|上半年|下半年)")


def _plan_year(t: str, m: re.Match) -> bool:
    """Whether the year matched in ``t`` is the time the clause plans for, not a year it works on."""
    before, after = t[max(0, m.start() - 12): m.start()], t[m.end():]
    if _YEAR_SPAN.match(after) or _SPAN_BEFORE.search(before):
        return False  # a span of years names a period ("2024年和2025年温室气体清单")
    if _DEADLINE.match(after):
        return True  # "2021年底前完成" wherever it stands
    if not _CLAUSE_OPENS.search(before):
        return False
    return not after.startswith("度") or bool(_YEAR_DU_PLAN.match(after))


def _form_texts(form: PerformanceForm) -> Iterator[tuple[str, Provenance, str]]:
    """(text, where, what) of a form's free text: objective lines, indicator values and descriptions."""
    lines = form.objective.split("\n") if form.objective else []
    for i, line in enumerate(lines):
        prov = form.objective_provenance[i] if i < len(form.objective_provenance) else form.provenance
        yield line, prov, "年度总体目标"
    for ind in form.indicators:
        if ind.value_text:
            yield ind.value_text, ind.provenance, f"指标「{ind.name}」的指标值"
        if ind.description:
            yield ind.description, ind.provenance, f"指标「{ind.name}」的说明"


@rule("BL504", name="form-year-differs", family="performance", severity="warning",
      title="绩效目标中的年份与预算年度不符")
def form_year_differs(doc: Document) -> Iterator[Finding]:
    """## 检查什么
    绩效目标表的年度目标、指标值和指标说明中写到的计划年份（"2023 年计划……"、"2023 年底前"）
    不是预算年度：早于预算年度多为沿用上年目标表未改，晚于预算年度（"2025 年计划……"出现在
    2024 年预算中）多为提前套用了下年的表。
    ## 为什么重要
    目标年份错误说明目标表没有按本年度重新编制。
    ## 示例
    2024 年预算的目标写"2023 年计划为 750 名失地农民发放养老金"或"2025 年计划完成培训 200 人次"。
    ## 不报的情形
    具体日期（"2022 年 1 月 1 日起"）；比较基期（"较 2023 年"）；文件文号和书名号内的年份；
    晚于预算年度的期限和年份区间（"到 2025 年""2025 年底前""2024—2026 年""2025 年以后"）；
    工作对象的年份，即跟在动词或名称之后、不是分句时间的年份（"开展 2025 年度决算"
    "完成 2027 年部门预算编制""1980—2018 年综合档案""2024 年和 2025 年温室气体清单"）；
    整个指标值只是一个较晚年份（"运营时间 2023 年"）。
    """
    year = doc.meta.year
    if year is None:
        return
    for form in doc.forms:
        for text, prov, what in _form_texts(form):
            t = squash(text)
            for m in _YEAR.finditer(t):
                y = int(m.group(1))
                if y == year:
                    continue
                before = t[max(0, m.start() - 12): m.start()]
                if _YEAR_SKIP_BEFORE.search(before):
                    continue
                if y > year and (_LATER_SKIP_BEFORE.search(before) or _LATER_SKIP_AFTER.match(t[m.end():])
                                 or t.strip() == m.group(0)):
                    continue  # a horizon, or a date that is the indicator's whole value ("运营时间 2023年")
                if not _plan_year(t, m):
                    continue
                yield _finding("BL504", f"{year} 年预算的绩效目标「{form.project}」{what}写"
                                        f"「{t[max(0, m.start() - 4): m.end() + 8]}」，"
                                        f"年份{'早于' if y < year else '晚于'}预算年度",
                               prov, expected=str(year), found=str(y), evidence=text[:300])
                break


_COST_IN_TEXT = r"(?:不超过|不高于|控制在|低于|小于等于|≤|<=|为|约)?"


def _money_base(unit: str | None) -> Unit | None:
    if not unit:
        return None
    head = unit.split("/", 1)[0]
    return _MONEY_UNITS.get(head)


@rule("BL505", name="form-text-differs-from-indicator", family="performance", severity="warning",
      title="绩效目标文字与指标值不一致")
def form_text_differs_from_indicator(doc: Document) -> Iterator[Finding]:
    """## 检查什么
    年度总体目标复述的指标数值应与指标值一致：
    - 单位成本（"人均成本不超过 15 元"）：同一张表中目标文字只提到一个该成本、指标也只有一个
      该成本时，两者的数字（换算单位后）相同；
    - 其他数值指标：目标文字在同一分句中写出指标名称（或去掉"数量""人数"等计数后缀的名称，
      如"监测点位数量"写作"完成监测点位 60 个"）及一个同类单位（%、金额、同一计量单位）的数字时，
      该数字等于指标值；
    - 指标说明（如河北表的"绩效指标描述"）写出一个同类单位的数字时，也应等于指标值。
    ## 为什么重要
    目标文字与指标是同一目标的两种写法，数字不同让人无法判断哪个才是目标。
    ## 示例
    目标"人均成本不超过 15 元"，指标"人均成本 ≤40 元/人/年"；目标"服务对象满意度达到 95% 以上"，
    指标"服务对象满意度 ≥90%"；说明"设备不少于 30 台"，指标值"≥60 台"。
    ## 不报的情形
    文字或指标中同类成本不止一个；指标值没有单位或单位不同类（"60 个"与"95%"）；名称在表中不唯一，
    或是另一个指标名称的一部分；同一分句中写出不止一个不同的数字；数字换算后一致。
    """
    for form in filter(_readable, doc.forms):
        text = squash(form.objective)
        reported: set[int] = set()
        for concept in ("人均成本", "月均成本", "单位成本", "平均成本", "户均成本"):
            if not text:
                break
            inds = [i for i in form.indicators if squash(i.name).endswith(concept) and i.number is not None
                    and _money_base(i.unit)]
            if len(inds) != 1:
                continue
            mentions = re.findall(rf"{concept}{_COST_IN_TEXT}(\d+(?:\.\d+)?)(万元|元)", text)
            if len(mentions) != 1:
                continue
            ind = inds[0]
            number, unit_word = mentions[0]
            said = Decimal(number) * _MONEY_UNITS[unit_word].in_yuan
            target = ind.number * _money_base(ind.unit).in_yuan
            if said == target:
                continue
            prov = next((p for line, p in zip(form.objective.split("\n"), form.objective_provenance, strict=False)
                         if concept in squash(line)), form.provenance)
            reported.add(id(ind))
            yield _finding("BL505", f"绩效目标「{form.project}」文字写{concept}{number}{unit_word}，"
                                    f"指标「{ind.name}」为 {ind.value_text}",
                           prov, expected=ind.value_text, found=f"{number}{unit_word}",
                           related=[_ind_location(ind)])
        yield from _restatements(form, reported)


# A number and what follows it up to the next punctuation, in text restating an indicator.
_STATED = re.compile(r"(\d+(?:\.\d+)?)\s*(%|‰|[^\d\s，。；;,、:：%‰]{0,8})")
_CLAUSE_END = re.compile(r"[，。；;,、:：]")


def _ind_location(ind: Indicator) -> Location:
    p = ind.provenance
    return Location(line=p.line, page=p.page, bbox=p.bbox)


def _unit_kind(unit: str | None) -> str | None:
    if not unit:
        return None
    if unit in ("%", "‰"):
        return "%"
    if _money_base(unit):
        return "money"
    return squash(unit).split("/", 1)[0]


def _stems(name: str) -> list[str]:
    """How a text may name an indicator: its name, and its name without a counting suffix
    (监测点位数量 → 监测点位); never shorter than two characters."""
    key = squash(name)
    out = [key]
    for suffix in vocab()["restatement"]["strip_suffixes"]:
        if key.endswith(suffix) and len(key) - len(suffix) >= 2:
            out.append(key[: -len(suffix)])
            break
    return [k for k in out if len(k) >= 2]


def _comparable(ind: Indicator, number: str, unit: str) -> Decimal | None:
    """The stated number in the indicator's unit, or None when the units are not the same kind."""
    if ind.number is None or not ind.unit:
        return None
    n = Decimal(number)
    if ind.unit in ("%", "‰"):
        return n if unit.startswith(ind.unit) else None
    base = _money_base(ind.unit)
    if base is not None:
        said = next((u for u in ("万元", "亿元", "元") if unit.startswith(u)), None)
        return n * _MONEY_UNITS[said].in_yuan / base.in_yuan if said else None
    head = squash(ind.unit).split("/", 1)[0]
    return n if head and squash(unit).startswith(head) else None


def _stated_numbers(text: str, stem: str, ind: Indicator) -> list[Decimal]:
    """Numbers the text states right after naming the indicator (in the same clause, in the
    indicator's unit)."""
    out = []
    for m in re.finditer(re.escape(stem), text):
        rest = text[m.end(): m.end() + 16]
        end = _CLAUSE_END.search(rest)
        rest = rest[: end.start()] if end else rest
        hit = _STATED.search(rest)
        if hit is None:
            continue
        value = _comparable(ind, hit.group(1), hit.group(2))
        if value is not None:
            out.append(value)
    return out


def _restatements(form: PerformanceForm, reported: set[int]) -> Iterator[Finding]:
    """Numeric indicators the objective (or the indicator's own description) restates with
    another number."""
    text = squash(form.objective or "")
    names = Counter(squash(i.name) for i in form.indicators)
    for ind in form.indicators:
        if id(ind) in reported or ind.number is None or not ind.unit or names[squash(ind.name)] > 1:
            continue
        for source, where in ((text, "年度总体目标"), (squash(ind.description or ""), "指标说明")):
            if not source:
                continue
            stated: list[Decimal] = []
            if where == "指标说明":
                # Only a description that states one number (a year aside): "设备不少于30台". One
                # listing parts ("2款瓶型，1套……1套") does not restate the total.
                hits = [h for h in _STATED.finditer(source) if not h.group(2).startswith("年")]
                if len(hits) == 1:
                    v = _comparable(ind, hits[0].group(1), hits[0].group(2))
                    stated = [v] if v is not None else []
            else:
                for stem in _stems(ind.name):
                    # A stem that also names another indicator in the same kind of unit is ambiguous.
                    if any(stem in squash(o.name) and _unit_kind(o.unit) == _unit_kind(ind.unit)
                           for o in form.indicators if o is not ind):
                        continue
                    stated = _stated_numbers(source, stem, ind)
                    if stated:
                        break
            if len(set(stated)) != 1 or stated[0] == ind.number:
                continue
            if where == "年度总体目标":
                prov = next((p for line, p in zip(form.objective.split("\n"), form.objective_provenance, strict=False)
                             if any(st in squash(line) for st in _stems(ind.name))), form.provenance)
            else:
                prov = ind.provenance
            said = _fmt(stated[0].normalize())
            yield _finding("BL505", f"绩效目标「{form.project}」{where}写{ind.name} {said}{ind.unit}，"
                                    f"指标值为 {ind.value_text}",
                           prov, expected=ind.value_text, found=f"{said}{ind.unit}",
                           related=[_ind_location(ind)])
            break


# --- indicator tree --------------------------------------------------------------------------


def _placement_issue(ind: Indicator) -> str | None:
    name = squash(ind.name)
    l1, l2 = _base(ind.level1), _base(ind.level2)
    for p in vocab()["placement"]:
        if p["word"] not in name:
            continue
        if "level1" in p and l1 and l1 != p["level1"]:
            return f"指标「{ind.name}」应属于{p['level1']}指标，却列在{ind.level1}下"
        if l2 in p.get("not_under", ()):
            return f"指标「{ind.name}」不应列在{ind.level2}下（应为{p['should']}）"
    return None


@rule("BL506", name="indicator-tree-invalid", family="performance", severity="warning",
      title="绩效指标层级不规范")
def indicator_tree_invalid(doc: Document) -> Iterator[Finding]:
    """## 检查什么
    一级指标为产出、效益、满意度、成本（效果）指标；二级指标属于标准名称并列在其所属一级之下
    （如数量、质量、时效属于产出指标，服务对象满意度属于满意度指标）；名称本身说明归属的三级指标
    （"……满意度"属于满意度指标，"……及时率/及时性"属于时效指标而非效益指标）；同一张表中没有
    完全重复的指标行。
    ## 为什么重要
    层级错误使指标体系失去意义，是绩效目标审核的常见退回原因。
    ## 示例
    效益指标/经济效益指标下的"项目资金到位及时性 ≥99%"。
    ## 不报的情形
    没有层级标签的表（读取时无法确定层级）；成本指标列在产出指标下（2021 年版模板的做法）。
    """
    tree = vocab()["tree"]
    level1 = set(tree["level1"])
    level2 = tree["level2"]
    for form in filter(_readable, doc.forms):
        seen: Counter = Counter()
        said: dict[str, Finding] = {}
        for ind in form.indicators:
            l1, l2 = _base(ind.level1), _base(ind.level2)
            if _misread_label(l1, level1) or _misread_label(l2, level2):
                continue  # a label run into the "指标" of the cell beside it: a reading problem
            msg = None
            if l1 and l1 not in level1:
                msg = f"一级指标「{ind.level1}」不是标准名称（应为产出、效益、满意度或成本指标）"
            elif l2 and l2 not in level2 and l2 not in level1:
                msg = f"二级指标「{ind.level2}」不是标准名称"
            elif l1 and l2 in level2 and l1 not in level2[l2]:
                msg = f"二级指标「{ind.level2}」不属于一级指标「{ind.level1}」"
            else:
                msg = _placement_issue(ind)
            key = (squash(ind.name), squash(ind.value_text), l2)
            seen[key] += 1
            if msg is None and seen[key] == 2 and ind.name:
                msg = f"指标「{ind.name} {ind.value_text}」在同一张表中重复出现"
            if msg and msg in said:
                # One wrong label over several indicators of a form is one problem.
                said[msg].related.append(_ind_location(ind))
            elif msg:
                said[msg] = _finding("BL506", f"绩效目标「{form.project}」：{msg}", ind.provenance,
                                     evidence=f"{ind.level1}/{ind.level2}/{ind.name} {ind.value_text}")
        yield from said.values()


def _misread_label(label: str, standard) -> bool:
    """A label that is a standard one with the characters of "指标" strewn in or cut short
    ("社指会标效益指标", "可持指续标影响", "效益指"): text of two cells run together, not a label
    the document printed."""
    if not label or label in standard or not any(c in label for c in "指标"):
        return False
    bare = re.sub("[指标]", "", label)
    return len(bare) >= 2 and any(re.sub("[指标]", "", k).startswith(bare) for k in standard)


# --- indicator values -------------------------------------------------------------------------


def _percent(unit: str, units: dict) -> bool:
    """A per-cent unit, also bracketed ("≥99（%）") or followed by words ("100%全覆盖", "100%完成")."""
    u = squash(unit).strip("()")
    return u.startswith(tuple(units["rate_units"]))


def _unit_issue(ind: Indicator, units: dict) -> str | None:
    name = squash(ind.name)
    unit = ind.unit
    if ind.number is None:
        return None
    if unit and unit.startswith("/"):
        return f"指标值「{ind.value_text}」缺少计量单位（如 元{unit}）"
    if unit and name.endswith(tuple(units["rate_suffixes"])) and not name.endswith(tuple(units["not_rates"])) \
            and not _percent(unit, units):
        return f"比率指标「{ind.name}」的指标值「{ind.value_text}」应以 % 计"
    if unit and any(w in name for w in units["complaint_words"]) and unit not in units["complaint_units"]:
        return f"投诉类指标「{ind.name}」以「{unit}」计，应以起、件、次计"
    return None


@rule("BL507", name="indicator-unit-invalid", family="performance", severity="warning",
      title="绩效指标值的计量单位不当")
def indicator_unit_invalid(doc: Document) -> Iterator[Finding]:
    """## 检查什么
    指标值的单位与指标相称：比率（……率、比例）以 % 计；投诉以起、件、次计；单位成本写明货币单位
    （"≤3.16/米"缺"元"）；成本指标用 ≤ 或 =，不用 ≥（成本是上限）。
    ## 为什么重要
    单位错误使指标无法考核，常见于复制其他项目的指标后未修改。
    ## 示例
    "有效投诉发生数 ≤1 家"；"工资及保险发放准确率 1 人"；"取暖费人均标准 ≥1700 元"。
    ## 不报的情形
    没有写单位的指标值；定性指标。
    """
    units = vocab()["units"]
    for form in filter(_readable, doc.forms):
        for ind in form.indicators:
            msg = _unit_issue(ind, units)
            if msg is None and ind.comparator in ("≥", ">") and _money_base(ind.unit) \
                    and (_base(ind.level1) == "成本" or _base(ind.level2).endswith("成本")):
                msg = f"成本指标「{ind.name}」写作「{ind.value_text}」：成本应设上限（≤），不应为 ≥"
            if msg:
                yield _finding("BL507", f"绩效目标「{form.project}」：{msg}", ind.provenance,
                               evidence=f"{ind.name} {ind.value_text}")


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
    for form in filter(_readable, doc.forms):
        if form.total is None:
            continue
        budget = form.total * _scale(form.unit)
        for ind in form.indicators:
            unit = _MONEY_UNITS.get(ind.unit or "")
            if unit is None or ind.number is None or ind.comparator in ("≥", ">"):
                continue
            if not (_base(ind.level1) == "成本" or _base(ind.level2).endswith("成本") or "成本" in ind.name):
                continue
            cap = ind.number * unit.in_yuan
            if cap <= budget + _half_ulp(form.total) * _scale(form.unit):
                continue
            u = form.unit.value if form.unit else "万元"
            yield _finding("BL508", f"绩效目标「{form.project}」成本指标「{ind.name}」为 {ind.value_text}，"
                                    f"超过项目预算 {_fmt(form.total)}{u}",
                           ind.provenance, expected=form.total, found=(cap / _scale(form.unit)).normalize(), unit=u)


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
        labels = "、".join(f"{lab} {_fmt(v)}" for lab, v in form.spending_plan)
        tol = _half_ulp(form.total) + _half_ulp(values[-1])
        if any(b < a for a, b in zip(values, values[1:], strict=False)):
            yield _finding("BL509", f"绩效目标「{form.project}」资金支出计划不是逐期累计（出现减少）：{labels}",
                           prov, evidence=labels)
            continue
        last = values[-1]
        if form.spending_plan_unit == "%":
            if abs(last - form.total) <= tol and last != 100:
                yield _finding("BL509", f"绩效目标「{form.project}」资金支出计划标为 %，但数值是金额"
                                        f"（最后一期 {_fmt(last)} 等于预算 {_fmt(form.total)}）：{labels}",
                               prov, severity=Severity.WARNING, evidence=labels)
                continue
            if last > 100 or abs(last - 100) > _half_ulp(last):
                yield _finding("BL509", f"绩效目标「{form.project}」资金支出计划最后一期为 {_fmt(last)}，"
                                        f"既不是 100% 也不等于预算 {_fmt(form.total)}：{labels}",
                               prov, expected=form.total, found=last, evidence=labels)
            continue
        if abs(last - form.total) > tol:
            yield _finding("BL509", f"绩效目标「{form.project}」资金支出计划最后一期累计 {_fmt(last)}，"
                                    f"不等于年度预算 {_fmt(form.total)}：{labels}",
                           prov, expected=form.total, found=last, tolerance=tol, evidence=labels)


def _is_placeholder(value: str, placeholders: list[str]) -> bool:
    v = squash(value)
    v = re.sub(r"\(.*\)$", "", v)
    return v in {squash(p) for p in placeholders}


# This many quantity (or cost) indicators stated in words are the document's practice, reported once.
SAME_WORDING = 3
# A value read into the indicator's name cell; a count written in Chinese numerals ("至少一次",
# "每个园区各一份") is a number.
_VALUE_IN_NAME = re.compile(r"\d+(?:\.\d+)?\s*[%％]")
_COUNTED_IN_WORDS = re.compile(r"[一二两三四五六七八九十百千]+\s*(?:个|次|份|场|项|人|家|期|批|篇|台|套|件|所|处|条|名|户|辆|本|册|轮)")


@rule("BL510", name="indicator-value-missing", family="performance", severity="warning",
      title="绩效指标值缺失、为模板占位符或应为数值")
def indicator_value_missing(doc: Document) -> Iterator[Finding]:
    """## 检查什么
    每个三级指标有指标值；指标值不是模板占位符（"是/否"、"XX"、"××"）；数量指标和成本指标的
    指标值是数字，不是"精简""提升"之类的文字。
    ## 为什么重要
    没有可衡量的目标值，绩效目标就无法考核。
    ## 示例
    "项目控制预算数 是/否"；成本指标"控制报送成本 精简"。
    ## 不报的情形
    效益、满意度等允许定性的指标；读取时无法确定指标值的行（指标值读入了名称栏）；以汉字数字
    计数的指标值（"至少一次"）；一级、二级指标本身的"/"行（模板的"不适用"）。三个及以上数量
    （或成本）指标写作文字时合并为一条（文档的统一写法，是一个问题）。
    """
    values = vocab()["values"]
    units = vocab()["units"]
    quant2 = set(units["quantitative_level2"])
    quant1 = set(units["quantitative_level1"])
    labels = set(vocab()["tree"]["level1"]) | set(vocab()["tree"]["level2"])
    worded: dict[str, list[tuple[PerformanceForm, Indicator]]] = {}
    for form in filter(_readable, doc.forms):
        for ind in form.indicators:
            if not ind.name or _base(ind.name) in labels:
                continue  # a level's own line ("生态效益指标 /"): the template's "not applicable"
            msg = None
            if not ind.value_text.strip():
                if _VALUE_IN_NAME.search(ind.name):
                    continue  # the value was read into the name cell ("……年度指标值》90%")
                msg = f"指标「{ind.name}」没有指标值"
            elif _is_placeholder(ind.value_text, values["placeholders"]):
                msg = f"指标「{ind.name}」的指标值为模板占位符「{ind.value_text}」"
            elif ind.number is None and (_base(ind.level2) in quant2 or _base(ind.level1) in quant1) \
                    and not re.search(r"\d", ind.value_text) and not _COUNTED_IN_WORDS.search(ind.value_text):
                worded.setdefault("数量或成本", []).append((form, ind))
            if msg:
                yield _finding("BL510", f"绩效目标「{form.project}」：{msg}", ind.provenance,
                               evidence=f"{ind.name} {ind.value_text}")
    for kind, group in worded.items():
        if len(group) < SAME_WORDING:
            for form, ind in group:
                yield _finding("BL510", f"绩效目标「{form.project}」：{ind.level2 or ind.level1}「{ind.name}」"
                                        f"的指标值应为数值，文档为「{ind.value_text}」", ind.provenance,
                               evidence=f"{ind.name} {ind.value_text}")
            continue
        # Many quantity or cost indicators stated in words are one practice of the document,
        # however each is worded ("不超过预算", "不超预算数", "是"): one finding.
        form, ind = group[0]
        projects = len({f.project for f, _ in group})
        wordings = Counter(i.value_text.strip() for _, i in group).most_common()
        said = "、".join(f"「{w}」{n} 个" if n > 1 else f"「{w}」" for w, n in wordings[:4])
        yield _finding("BL510", f"{len(group)} 个{kind}指标（{projects} 个项目）的指标值写作文字而不是数值"
                                f"（{said}{'等' if len(wordings) > 4 else ''}；如绩效目标「{form.project}」的"
                                f"{ind.level2 or ind.level1}「{ind.name}」）",
                       ind.provenance, evidence="；".join(f"{f.project}：{i.name} {i.value_text}" for f, i in group[:5])
                       + ("……" if len(group) > 5 else ""),
                       related=[_ind_location(i) for _, i in group[1:]])


@rule("BL511", name="indicator-comparator-missing", family="performance", severity="warning",
      title="绩效指标值缺少比较符号")
def indicator_comparator_missing(doc: Document) -> Iterator[Finding]:
    """## 检查什么
    文档中绝大多数（九成以上）数值型指标都写明了 ≥、≤、= 等比较符号时，个别没有写的指标值。
    ## 为什么重要
    没有比较符号，"100%"是下限、上限还是精确值无从判断，与同一文档的写法也不一致。
    ## 示例
    其他指标均写"≥98%"，某指标写"100%"。
    ## 不报的情形
    整份文档都不写比较符号（如部分地区模板以"指标值"直接填数）；定性指标。
    """
    numeric = [(f, i) for f in filter(_readable, doc.forms) for i in f.indicators if i.number is not None]
    if len(numeric) < 10:
        return
    explicit = [(f, i) for f, i in numeric if _EXPLICIT_COMPARATOR.search(i.value_text.strip())]
    if len(explicit) < 0.9 * len(numeric) or len(explicit) == len(numeric):
        return
    for form, ind in numeric:
        if _EXPLICIT_COMPARATOR.search(ind.value_text.strip()):
            continue
        yield _finding("BL511", f"绩效目标「{form.project}」：指标「{ind.name}」的指标值「{ind.value_text}」没有比较符号"
                                f"（本文档 {len(explicit)}/{len(numeric)} 个数值指标写明了 ≥、≤ 或 =）",
                       ind.provenance, evidence=f"{ind.name} {ind.value_text}")


@rule("BL512", name="indicator-description-contradicts", family="performance", severity="warning",
      title="绩效指标说明与指标值相反")
def indicator_description_contradicts(doc: Document) -> Iterator[Finding]:
    """## 检查什么
    定性指标值（如"增加"、"提高"）与指标说明中的否定说法（"不增加"、"未提高"）相反。
    ## 为什么重要
    说明与指标值相反，读者无法判断目标方向。
    ## 示例
    指标值"增加"，说明"研发投入强度不增加"。
    ## 不报的情形
    数值型指标；说明中没有否定该指标值的说法。
    """
    for form in filter(_readable, doc.forms):
        for ind in form.indicators:
            if ind.number is not None or not ind.description:
                continue
            value = squash(ind.value_text)
            if not value or len(value) > 6:
                continue
            desc = squash(ind.description)
            m = re.search(rf"(?:不|未|没有|无)(?:再)?{re.escape(value)}", desc)
            if m and not desc.startswith(("是否", "能否")):
                yield _finding("BL512", f"绩效目标「{form.project}」：指标「{ind.name}」的值为「{ind.value_text}」，"
                                        f"说明却写「{ind.description}」", ind.provenance,
                               evidence=f"{ind.name} {ind.value_text} {ind.description}")


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
        amounts = "、".join(_fmt(p.amounts.get("total", Decimal(0))) for p in same)
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
            yield _finding("BL514", f"说明称 {claim.count} 个项目实施绩效目标管理，文档附项目支出绩效目标表 {len(forms)} 张",
                           claim.provenance, expected=Decimal(claim.count), found=Decimal(len(forms)),
                           evidence=claim.text[:300])
