"""Rule registry: id, name, family, severity, Chinese title and docs, and the function.

A rule is a pure function of the ``Document`` that yields findings. Its docstring holds the four
sections (检查什么 / 为什么重要 / 示例 / 不报的情形) shown by ``budgetlint rule ID``.
Ids are never reused: the first digit after BL names the family.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from budgetlint.findings import FAMILIES, FAMILY_INFO, Finding, Location, Severity
from budgetlint.model import Document

RuleFn = Callable[[Document], Iterator[Finding]]
# A rule of scope "pair" reads two (or more) documents at once: a ``grouping.Pair``.
SCOPES = ("document", "pair")
_FAMILY_DIGIT = {digit: family for family, (digit, _) in FAMILY_INFO.items()}


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    name: str
    family: str
    severity: Severity
    title: str
    fn: RuleFn
    status: str = "stable"
    since: str = "0.1.0"
    scope: str = "document"  # "pair": cross-document, run over the groups of a batch (run_pair)

    @property
    def doc(self) -> str:
        return (self.fn.__doc__ or "").strip()

    def run(self, doc: Document) -> Iterator[Finding]:
        # A pair rule has nothing to say about one document alone: the per-document pipeline
        # passes over it, and ``crossdoc.check_groups`` runs it with ``run_pair``.
        return self.fn(doc) if self.scope == "document" else iter(())

    def run_pair(self, pair) -> Iterator[Finding]:
        return self.fn(pair) if self.scope == "pair" else iter(())

    def finding(self, message: str, location: Location | None = None, *, severity: Severity | None = None,
                **fields) -> Finding:
        """A finding of this rule: its id, name, family and severity filled in (the one builder every
        rule module uses; ``fields`` are the other ``Finding`` fields)."""
        return Finding(rule=self.id, name=self.name, family=self.family, severity=severity or self.severity,
                       message=message, location=location or Location(), **fields)


REGISTRY: dict[str, Rule] = {}


def rule(id: str, *, name: str, family: str, severity: str, title: str,
         scope: str = "document") -> Callable[[RuleFn], RuleFn]:
    if not re.fullmatch(r"BL\d{3}", id):
        raise ValueError(f"bad rule id {id!r}")
    if family not in FAMILIES or _FAMILY_DIGIT.get(id[2]) != family:
        raise ValueError(f"{id}: family {family!r} does not match its number")
    if id in REGISTRY:
        raise ValueError(f"duplicate rule id {id}")
    if scope not in SCOPES:
        raise ValueError(f"{id}: unknown scope {scope!r}")

    def deco(fn: RuleFn) -> RuleFn:
        REGISTRY[id] = Rule(id, name, family, Severity(severity), title, fn, scope=scope)
        return fn

    return deco


def all_rules() -> list[Rule]:
    # Importing the rule modules fills the registry.
    from budgetlint.rules import (  # noqa: F401
        arithmetic,
        catalog,
        completeness,
        cross_document,
        cross_document_changes,
        cross_table,
        extraction,
        narrative,
        narrative_changes,
        narrative_projects,
        narrative_sums,
        narrative_unit_type,
        performance,
        performance_indicators,
        performance_text,
        text,
        wording,
    )

    return [REGISTRY[k] for k in sorted(REGISTRY)]


def select(rules: list[Rule], select: list[str] | None, ignore: list[str] | None) -> list[Rule]:
    """ruff-style selection: a selector is ALL, a family name, or an id prefix (BL1, BL101)."""

    def hit(r: Rule, sel: str) -> bool:
        s = sel.strip()
        return s.upper() == "ALL" or r.id.startswith(s.upper()) or r.family == s.lower()

    chosen = [r for r in rules if not select or any(hit(r, s) for s in select)]
    return [r for r in chosen if not ignore or not any(hit(r, s) for s in ignore)]
