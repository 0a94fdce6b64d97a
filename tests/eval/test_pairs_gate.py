"""Cross-document gate: the BL8xx rules find inconsistencies planted between generated related
documents and stay quiet on consistent sets (`budgetlint-eval --pairs`, docs/accuracy.md).

`--n 1 --seed 7` on converter text: per relation and template one clean and one planted set (the
Hebei year set is a clean control only: its 三公 table prints no 上年 figure). Every planted
inconsistency found at error level; no BL80x error or warning on a clean set. Raise the figures
when budgetlint improves; never lower them to pass.
"""

from __future__ import annotations

import pytest

from budgetlint.eval.pairs import RELATIONS, RULE_OF, evaluate_pairs

RECALL_FLOOR = {"BL801": 1.0, "BL802": 1.0, "BL803": 1.0, "BL804": 1.0}


@pytest.fixture(scope="module")
def summary():
    return evaluate_pairs(n=1, seed=7, templates=("shandong", "hebei"), formats=("text",)).summary()


def test_every_file_is_read_and_every_set_linked(summary):
    assert summary["unreadable"] == 0
    for rule in RULE_OF.values():
        d = summary["rules"][rule]
        assert d["linked"] == d["sets"], (rule, d)


@pytest.mark.parametrize("rule", sorted(RECALL_FLOOR))
def test_planted_inconsistencies_are_found(summary, rule):
    d = summary["rules"][rule]
    assert d["planted"] > 0 and d["recall"] >= RECALL_FLOOR[rule], d
    assert d["found_as_error"] == d["found"], d  # one planted difference is an error, not a "different basis" note


def test_clean_sets_stay_quiet(summary):
    assert summary["clean_error_findings"] == 0, summary["rules"]
    for rule in RULE_OF.values():
        d = summary["rules"][rule]
        assert d["false_errors_clean"] == 0 and d["false_warnings_clean"] == 0, (rule, d)
        assert d["false_errors_planted_sets"] == 0, (rule, d)


def test_relations_are_the_rules_relations():
    assert tuple(RULE_OF) == RELATIONS
