"""Accuracy regression gate: a small fixed-seed evaluation must not get worse.

The floors and ceilings are the figures measured when the gate was landed (docs/accuracy.md,
`budgetlint-eval --n 9 --seed 7`). Raise them when budgetlint improves; never lower them to pass.
A family whose recall is 0 here has no rules yet; give it a floor once it has.
"""

from __future__ import annotations

import pytest

from budgetlint.eval.evaluate import evaluate

# family → minimum recall on this run (labels: arithmetic 30, cross_table 4, narrative 13,
# catalog 6, performance 11).
RECALL_FLOOR = {
    "arithmetic": 1.0,
    "cross_table": 0.75,
    "narrative": 1.0,
    "catalog": 1.0,
    "performance": 0.545,
}
ARITHMETIC_PRECISION_FLOOR = 0.82
CLEAN_ERROR_FINDINGS_CEILING = 1  # BL205 on a Hebei document with 单位资金 (see docs/accuracy.md)
ARTEFACT_DOCS_WITH_ERRORS_CEILING = 4  # values slid left where the row's own sums still hold
FIGURE_RECOVERY_FLOOR = 0.956


@pytest.fixture(scope="module")
def summary():
    return evaluate(n=9, seed=7, templates=("shandong", "hebei"), formats=("text",)).summary()


def test_every_document_is_read(summary):
    assert summary["unreadable"] == 0


@pytest.mark.parametrize("family", sorted(RECALL_FLOOR))
def test_recall_does_not_drop(summary, family):
    got = summary["families"][family]["recall"]
    assert got is not None and got >= RECALL_FLOOR[family], (family, got)


def test_arithmetic_precision_does_not_drop(summary):
    assert summary["families"]["arithmetic"]["precision"] >= ARITHMETIC_PRECISION_FLOOR


def test_no_new_false_alarms_on_clean_documents(summary):
    assert summary["clean_error_findings"] <= CLEAN_ERROR_FINDINGS_CEILING, summary["false_alarm_rules"]


def test_no_new_false_alarms_on_artefact_documents(summary):
    assert summary["artefact_docs_with_errors"] <= ARTEFACT_DOCS_WITH_ERRORS_CEILING, summary["artefact_alarms"]


def test_key_figures_recovered(summary):
    assert summary["figure_recovery"] >= FIGURE_RECOVERY_FLOOR, summary["figure_misses"]
