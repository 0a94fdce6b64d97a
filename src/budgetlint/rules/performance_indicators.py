"""The indicators of a performance-target form, each judged on its own (BL506, BL507, BL510,
BL511): the 一级 / 二级 tree, the unit, a missing value or comparator.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator

from budgetlint.findings import Finding
from budgetlint.model import Document, Indicator, PerformanceForm
from budgetlint.recognise.normalise import squash
from budgetlint.rules.performance import (
    finding_at,
    indicator_location,
    level_base,
    money_base,
    readable,
    vocab,
)
from budgetlint.rules.registry import rule

_EXPLICIT_COMPARATOR = re.compile(r"^\s*(?:[≥≤<>=≧≦⩾⩽]|大于|小于|不低于|不少于|不小于|不高于|不超过|不多于|不大于|至少|高于|"
                                  r"低于|多于|少于|超过|等于)|(?:以上|以下|以内)\s*$")


# --- indicator tree --------------------------------------------------------------------------


def _placement_issue(ind: Indicator) -> str | None:
    name = squash(ind.name)
    l1, l2 = level_base(ind.level1), level_base(ind.level2)
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
    for form in filter(readable, doc.forms):
        seen: Counter = Counter()
        said: dict[str, Finding] = {}
        for ind in form.indicators:
            l1, l2 = level_base(ind.level1), level_base(ind.level2)
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
                said[msg].related.append(indicator_location(ind))
            elif msg:
                said[msg] = finding_at("BL506", f"绩效目标「{form.project}」：{msg}", ind.provenance,
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
    for form in filter(readable, doc.forms):
        for ind in form.indicators:
            msg = _unit_issue(ind, units)
            if msg is None and ind.comparator in ("≥", ">") and money_base(ind.unit) \
                    and (level_base(ind.level1) == "成本" or level_base(ind.level2).endswith("成本")):
                msg = f"成本指标「{ind.name}」写作「{ind.value_text}」：成本应设上限（≤），不应为 ≥"
            if msg:
                yield finding_at("BL507", f"绩效目标「{form.project}」：{msg}", ind.provenance,
                               evidence=f"{ind.name} {ind.value_text}")


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
    for form in filter(readable, doc.forms):
        for ind in form.indicators:
            if not ind.name or level_base(ind.name) in labels:
                continue  # a level's own line ("生态效益指标 /"): the template's "not applicable"
            msg = None
            if not ind.value_text.strip():
                if _VALUE_IN_NAME.search(ind.name):
                    continue  # the value was read into the name cell ("……年度指标值》90%")
                msg = f"指标「{ind.name}」没有指标值"
            elif _is_placeholder(ind.value_text, values["placeholders"]):
                msg = f"指标「{ind.name}」的指标值为模板占位符「{ind.value_text}」"
            elif ind.number is None and (level_base(ind.level2) in quant2 or level_base(ind.level1) in quant1) \
                    and not re.search(r"\d", ind.value_text) and not _COUNTED_IN_WORDS.search(ind.value_text):
                worded.setdefault("数量或成本", []).append((form, ind))
            if msg:
                yield finding_at("BL510", f"绩效目标「{form.project}」：{msg}", ind.provenance,
                               evidence=f"{ind.name} {ind.value_text}")
    for kind, group in worded.items():
        if len(group) < SAME_WORDING:
            for form, ind in group:
                yield finding_at("BL510", f"绩效目标「{form.project}」：{ind.level2 or ind.level1}「{ind.name}」"
                                        f"的指标值应为数值，文档为「{ind.value_text}」", ind.provenance,
                               evidence=f"{ind.name} {ind.value_text}")
            continue
        # Many quantity or cost indicators stated in words are one practice of the document,
        # however each is worded ("不超过预算", "不超预算数", "是"): one finding.
        form, ind = group[0]
        projects = len({f.project for f, _ in group})
        wordings = Counter(i.value_text.strip() for _, i in group).most_common()
        said = "、".join(f"「{w}」{n} 个" if n > 1 else f"「{w}」" for w, n in wordings[:4])
        yield finding_at("BL510", f"{len(group)} 个{kind}指标（{projects} 个项目）的指标值写作文字而不是数值"
                                f"（{said}{'等' if len(wordings) > 4 else ''}；如绩效目标「{form.project}」的"
                                f"{ind.level2 or ind.level1}「{ind.name}」）",
                       ind.provenance, evidence="；".join(f"{f.project}：{i.name} {i.value_text}" for f, i in group[:5])
                       + ("……" if len(group) > 5 else ""),
                       related=[indicator_location(i) for _, i in group[1:]])


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
    numeric = [(f, i) for f in filter(readable, doc.forms) for i in f.indicators if i.number is not None]
    if len(numeric) < 10:
        return
    explicit = [(f, i) for f, i in numeric if _EXPLICIT_COMPARATOR.search(i.value_text.strip())]
    if len(explicit) < 0.9 * len(numeric) or len(explicit) == len(numeric):
        return
    for form, ind in numeric:
        if _EXPLICIT_COMPARATOR.search(ind.value_text.strip()):
            continue
        yield finding_at("BL511", f"绩效目标「{form.project}」：指标「{ind.name}」的指标值「{ind.value_text}」没有比较符号"
                                f"（本文档 {len(explicit)}/{len(numeric)} 个数值指标写明了 ≥、≤ 或 =）",
                       ind.provenance, evidence=f"{ind.name} {ind.value_text}")
