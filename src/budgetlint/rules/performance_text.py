"""The words of a performance-target form against its indicators and its year (BL504, BL505,
BL512): the aim or an indicator's description restating a figure, the year the aim is for.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from decimal import Decimal

from budgetlint.findings import Finding
from budgetlint.model import Document, Indicator, PerformanceForm, Provenance, Unit
from budgetlint.recognise.normalise import squash
from budgetlint.rules.performance import (
    finding_at,
    fmt,
    indicator_location,
    money_base,
    readable,
    vocab,
)
from budgetlint.rules.registry import rule

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
                yield finding_at("BL504", f"{year} 年预算的绩效目标「{form.project}」{what}写"
                                        f"「{t[max(0, m.start() - 4): m.end() + 8]}」，"
                                        f"年份{'早于' if y < year else '晚于'}预算年度",
                               prov, expected=str(year), found=str(y), evidence=text[:300])
                break


_COST_IN_TEXT = r"(?:不超过|不高于|控制在|低于|小于等于|≤|<=|为|约)?"


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
    for form in filter(readable, doc.forms):
        text = squash(form.objective)
        reported: set[int] = set()
        for concept in ("人均成本", "月均成本", "单位成本", "平均成本", "户均成本"):
            if not text:
                break
            inds = [i for i in form.indicators if squash(i.name).endswith(concept) and i.number is not None
                    and money_base(i.unit)]
            if len(inds) != 1:
                continue
            mentions = re.findall(rf"{concept}{_COST_IN_TEXT}(\d+(?:\.\d+)?)(万元|元)", text)
            if len(mentions) != 1:
                continue
            ind = inds[0]
            number, unit_word = mentions[0]
            said = Decimal(number) * Unit(unit_word).in_yuan
            target = ind.number * money_base(ind.unit).in_yuan
            if said == target:
                continue
            prov = next((p for line, p in zip(form.objective.split("\n"), form.objective_provenance, strict=False)
                         if concept in squash(line)), form.provenance)
            reported.add(id(ind))
            yield finding_at("BL505", f"绩效目标「{form.project}」文字写{concept}{number}{unit_word}，"
                                    f"指标「{ind.name}」为 {ind.value_text}",
                           prov, expected=ind.value_text, found=f"{number}{unit_word}",
                           related=[indicator_location(ind)])
        yield from _restatements(form, reported)


# A number and what follows it up to the next punctuation, in text restating an indicator.
_STATED = re.compile(r"(\d+(?:\.\d+)?)\s*(%|‰|[^\d\s，。；;,、:：%‰]{0,8})")
_CLAUSE_END = re.compile(r"[，。；;,、:：]")


def _unit_kind(unit: str | None) -> str | None:
    if not unit:
        return None
    if unit in ("%", "‰"):
        return "%"
    if money_base(unit):
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
    base = money_base(ind.unit)
    if base is not None:
        said = next((u for u in Unit if unit.startswith(u.value)), None)
        return n * said.in_yuan / base.in_yuan if said else None
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
            said = fmt(stated[0].normalize())
            yield finding_at("BL505", f"绩效目标「{form.project}」{where}写{ind.name} {said}{ind.unit}，"
                                    f"指标值为 {ind.value_text}",
                           prov, expected=ind.value_text, found=f"{said}{ind.unit}",
                           related=[indicator_location(ind)])
            break


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
    for form in filter(readable, doc.forms):
        for ind in form.indicators:
            if ind.number is not None or not ind.description:
                continue
            value = squash(ind.value_text)
            if not value or len(value) > 6:
                continue
            desc = squash(ind.description)
            m = re.search(rf"(?:不|未|没有|无)(?:再)?{re.escape(value)}", desc)
            if m and not desc.startswith(("是否", "能否")):
                yield finding_at("BL512", f"绩效目标「{form.project}」：指标「{ind.name}」的值为「{ind.value_text}」，"
                                        f"说明却写「{ind.description}」", ind.provenance,
                               evidence=f"{ind.name} {ind.value_text} {ind.description}")
