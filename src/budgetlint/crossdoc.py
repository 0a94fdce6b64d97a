"""Cross-document checks of a batch: group the documents (``grouping``), run the pair rules
(``rules/cross_document.py``, ``rules/cross_document_changes.py``) over each relation, attach
each finding to the later / dependent document's ``Result`` so that every renderer shows it
unchanged.

``check`` calls ``cross_check`` after the per-document checks (and the pairing of narrative and
tables files); ``--no-cross`` skips it.
"""

from __future__ import annotations

from collections.abc import Callable

from budgetlint.findings import Finding, Severity
from budgetlint.grouping import Pair, find_pairs
from budgetlint.pipeline import Result
from budgetlint.rules.registry import REGISTRY, Rule


def pair_findings(pairs: list[Pair], rules: list[Rule],
                  overrides: dict[str, str] | None = None) -> dict[int, list[Finding]]:
    """Findings per document (keyed by ``id(pair.doc)``) of the selected pair rules."""
    out: dict[int, list[Finding]] = {}
    for pair in pairs:
        for r in rules:
            if r.scope != "pair":
                continue
            try:
                produced = list(r.run_pair(pair))
            except Exception as e:  # one rule's bug must not cost the batch its report
                produced = [REGISTRY["BL999"].finding(f"规则 {r.id} 运行出错（{type(e).__name__}），其结果缺失")]
            for f in produced:
                if overrides and f.rule in overrides:
                    f.severity = Severity(overrides[f.rule])
                out.setdefault(id(pair.doc), []).append(f)
    return out


def cross_check(results: list[Result], rules: list[Rule], overrides: dict[str, str] | None = None,
                keep: Callable[[Result], None] | None = None) -> list[Pair]:
    """Run the pair rules over the relations among ``results``' documents; the findings are added
    to the results (through ``keep`` first: baseline, severity floor, exit code). Returns the pairs."""
    if not any(r.scope == "pair" for r in rules):
        return []
    by_doc = {id(r.document): r for r in results if r.document is not None}
    pairs = find_pairs(r.document for r in results if r.document is not None)
    for doc_id, found in pair_findings(pairs, rules, overrides).items():
        res = by_doc[doc_id]
        extra = Result(path=res.path, document=res.document, findings=found, coverage=res.coverage)
        if keep is not None:
            keep(extra)
        res.findings.extend(extra.findings)
    return pairs
