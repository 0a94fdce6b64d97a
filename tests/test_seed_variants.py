"""Error-free variants of the seeds: fix the document errors found by reading them
(tests/expectations/seeds/ERRORS.md) and no error-level finding may remain.

Families covered: the ones whose rules have landed. A family joins the list when its rules do.
"""

from __future__ import annotations

import pytest
from helpers import SEEDS

from budgetlint.ingest.text import text_to_source
from budgetlint.pipeline import run_rules
from budgetlint.recognise import recognise
from budgetlint.rules.registry import all_rules, select

FAMILIES = ["arithmetic", "cross_table", "catalog", "extraction"]

# (line, text in that line, replacement: every occurrence in the line) — each fixes an error
# listed in ERRORS.md.
FIXES = {
    "000_98c473c7e9f5bfe3": [
        (244, "14907.41", "14904.71"),  # 000-D1 本年支出合计
        (246, "14907.41", "14904.71"),  # 000-D1 收入总计 and 支出总计
        (262, "2102.44\t2102.44\t\t", "2102.44\t2102.44\t\t600.00"),  # 000-D2 项目支出 of 20805
        (149, "农村基本设施建设支出", "农村基础设施建设支出"),  # 000-D3
        (350, "农村基本设施建设支出", "农村基础设施建设支出"),
    ],
    "001_91cc1c4c08d38110": [
        (399, "对个人和家庭补助", "对个人和家庭的补助"),  # 001-D10
        (523, "对个人和家庭补助", "对个人和家庭的补助"),
    ],
    "003_605ac779acf0bff3": [],
    "004_7f9e754d246d6c25": [
        (281, "对个人和家庭补助", "对个人和家庭的补助"),  # 004-D6
        (347, "对个人和家庭补助", "对个人和家庭的补助"),
    ],
}


def _fixed(stem: str) -> str:
    path = SEEDS / f"{stem}.txt"
    if not path.is_file():
        pytest.skip(f"{path} not present")
    lines = path.read_text("utf-8").split("\n")
    for lineno, old, new in FIXES[stem]:
        assert old in lines[lineno - 1], (stem, lineno, old)
        lines[lineno - 1] = lines[lineno - 1].replace(old, new)
    return "\n".join(lines)


@pytest.mark.parametrize("stem", sorted(FIXES))
def test_error_free_variant_has_no_error_level_finding(stem):
    doc = recognise(text_to_source(_fixed(stem), stem))
    rules = select(all_rules(), FAMILIES, None)
    errors = [(f.rule, f.location.line, f.message) for f in run_rules(doc, rules) if f.severity.value == "error"]
    assert errors == []


@pytest.mark.parametrize("stem", sorted(FIXES))
def test_original_reports_the_errors_the_fixes_remove(stem):
    if not FIXES[stem]:
        pytest.skip("no table-level errors in this seed")
    path = SEEDS / f"{stem}.txt"
    if not path.is_file():
        pytest.skip(f"{path} not present")
    doc = recognise(text_to_source(path.read_text("utf-8"), stem))
    rules = select(all_rules(), FAMILIES, None)
    lines = {loc.line for f in run_rules(doc, rules) for loc in [f.location, *f.related]}
    for lineno, _, _ in FIXES[stem]:
        assert lineno in lines, (stem, lineno)
