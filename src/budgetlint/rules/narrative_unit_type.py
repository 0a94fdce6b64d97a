"""The 机关运行经费 the 情况说明 states against the unit type the document gives itself (BL306).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from budgetlint.findings import Finding, Location
from budgetlint.model import Document
from budgetlint.recognise.normalise import squash
from budgetlint.rules.narrative import claim_finding
from budgetlint.rules.registry import REGISTRY, rule

_NONE_OPERATING = re.compile(r"(?:无|没有|不存在|未安排)机关运行经费|机关运行经费(?:为|安排)?(?:0|零)(?:万元|元)?(?![\d.])")


@rule("BL306", name="operating-cost-unit-type", family="narrative", severity="error",
      title="机关运行经费与单位性质不符")
def operating_cost_unit_type(doc: Document) -> Iterator[Finding]:
    """## 检查什么
    机关运行经费只属于行政单位和参照公务员法管理的事业单位：事业单位说明有非零的机关运行经费，
    或行政（参公）单位说明没有机关运行经费，都是矛盾。单位性质取自文档自述（机构设置、"本单位为……"）。
    ## 为什么重要
    机关运行经费是公开检查的必查项，口径用错会使数字失去可比性。
    ## 示例
    "××中心为公益一类事业单位……2024 年机关运行经费 35.20 万元"。
    ## 不报的情形
    文档没有说明单位性质，或部门预算中同时有行政和事业单位（无法判断）。
    """
    kind = doc.meta.unit_type
    if kind is None:
        return
    claims = doc.claims
    if kind == "事业":
        for claim in claims:
            if claim.subject == "operating_cost" and claim.amount is not None and claim.amount.value > 0:
                yield claim_finding("BL306", claim,
                               f"本单位为事业单位（{doc.meta.unit_type_evidence or '文档自述'}），不应有机关运行经费，"
                               f"说明却写机关运行经费 {claim.amount.raw}{claim.amount.unit.value}")
        return
    for sec in doc.sections:
        for para in sec.paragraphs:
            sentences = [x for x in squash(para.text).split("。") if "指" not in x]  # not definitions
            m = next((m for m in map(_NONE_OPERATING.search, sentences) if m), None)
            if m:
                yield REGISTRY["BL306"].finding(
                    f"本单位为{kind}单位（{doc.meta.unit_type_evidence or '文档自述'}），"
                    f"应有机关运行经费，说明却写「{m.group(0)}」",
                    Location(page=para.provenance.page, line=para.provenance.line, bbox=para.provenance.bbox),
                    evidence=para.text[:300])
