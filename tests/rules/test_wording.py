"""Wording rules (BL706–BL713) and the completeness rules BL607/BL608, run on their fixture folders
(tests/rules/fixtures/BLxxx: fire*.txt / quiet*.txt / case.py, as every rule's), plus the pieces
the rules rest on: passages joined by the layout, and balance of paired marks."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

from budgetlint.findings import Finding
from budgetlint.model import Document, DocumentMeta, Paragraph, Provenance, Section
from budgetlint.pipeline import check_file, run_rules
from budgetlint.rules.registry import REGISTRY, all_rules
from budgetlint.rules.wording import _unbalanced, passages

FIXTURES = Path(__file__).resolve().parent / "fixtures"
RULES = ["BL607", "BL608", "BL706", "BL707", "BL708", "BL709", "BL710", "BL711", "BL712", "BL713"]
all_rules()


def _module(rule_id: str):
    spec = importlib.util.spec_from_file_location(f"wording_case_{rule_id}", FIXTURES / rule_id / "case.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _cases(rule_id: str, kind: str) -> list[str]:
    folder = FIXTURES / rule_id
    names = sorted(p.name for p in folder.glob(f"{kind}*.txt"))
    if (folder / "case.py").is_file():
        names += sorted(f"case.py:{n}" for n in dir(_module(rule_id)) if n.startswith(kind))
    return names


def findings_of(rule_id: str, case: str) -> list[Finding]:
    rule = REGISTRY[rule_id]
    if case.startswith("case.py:"):
        made = getattr(_module(rule_id), case.split(":", 1)[1])()
        if isinstance(made, Document):
            return [f for f in run_rules(made, [rule]) if f.rule == rule_id]
        path = Path(made)
    else:
        path = FIXTURES / rule_id / case
    result = check_file(str(path), [rule])
    assert result.error is None
    return [f for f in result.findings if f.rule == rule_id]


def record(f: Finding) -> dict[str, object]:
    d = f.to_dict()
    location = {k: v for k, v in d["location"].items() if k != "bbox"}
    return {"rule": d["rule"], "severity": d["severity"], "message": d["message"], "location": location,
            "expected": d["expected"], "found": d["found"]}


def _expected(rule_id: str, case: str) -> Path:
    stem = case.replace("case.py:", "case.") if case.startswith("case.py:") else Path(case).stem
    return FIXTURES / rule_id / f"{stem}.expected.json"


@pytest.mark.parametrize(("rule_id", "case"), [(r, c) for r in RULES for c in _cases(r, "fire")])
def test_fire_case(rule_id: str, case: str) -> None:
    got = [record(f) for f in findings_of(rule_id, case)]
    assert got, f"{rule_id}/{case} should fire"
    assert got == json.loads(_expected(rule_id, case).read_text("utf-8"))


@pytest.mark.parametrize(("rule_id", "case"), [(r, c) for r in RULES for c in _cases(r, "quiet")])
def test_quiet_case(rule_id: str, case: str) -> None:
    assert [f.message for f in findings_of(rule_id, case)] == []


def test_every_new_rule_has_fire_and_quiet_cases() -> None:
    for rule_id in RULES:
        assert _cases(rule_id, "fire") and _cases(rule_id, "quiet"), rule_id


def _para(text: str, x1: float, top: float) -> Paragraph:
    return Paragraph(text, Provenance(page=1, bbox=(56.0, top, x1, top + 12)))


def test_a_line_reaching_the_margin_runs_on_and_a_short_one_ends_its_paragraph() -> None:
    sec = Section("", 0, Provenance(page=1), [
        _para("开展“人民调解协议书检查”、优秀调解案例评选等活动，组织全区调解员参加专题培训和业务", 785, 100),
        _para("交流，提升调解工作水平。", 300, 116),
        _para("（二）开展“法律服务进社区”活动。", 400, 132),
    ])
    doc = Document("x.pdf", DocumentMeta(), sections=[sec])
    texts = [p.text for p in passages(doc)]
    assert texts[-2:] == ["开展“人民调解协议书检查”、优秀调解案例评选等活动，组织全区调解员参加专题培训和业务交流，提升调解工作水平。",
                          "（二）开展“法律服务进社区”活动。"]


def test_a_number_the_line_could_not_hold_runs_on() -> None:
    full = Section("", 0, Provenance(page=1), [_para("一行排满到右边距的文字，" * 5, 785, 80)])
    sec = Section("", 0, Provenance(page=1), [
        _para("3、普法宣传（05项）124.29万元。主要用于：法制宣传工作支出。2025年当年预算执行数为", 740, 100),
        _para("118.46万元，比2025年预算执行数增加4.92%。", 400, 116),
    ])
    doc = Document("x.pdf", DocumentMeta(), sections=[full, sec])
    assert passages(doc)[-1].text.endswith("执行数为118.46万元，比2025年预算执行数增加4.92%。")


def test_paired_marks() -> None:
    pairs = [["“", "”"], ["（", "）"]]
    assert _unbalanced("开展“人民调解协议书检查”、优秀调解案例”活动。", pairs) == "多了一个「”」"
    assert _unbalanced("（一）开展“普法”活动（含培训", pairs) == "「（」没有对应的「）」"
    assert _unbalanced("（一）开展“普法”活动。", pairs) is None
