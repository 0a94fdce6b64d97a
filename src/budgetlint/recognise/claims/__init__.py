"""Narrative claims: the amounts, changes and percentages the 情况说明 states, bound to the model.

A *claim* (``model.Claim``) is one figure the prose states about one subject: "2024 年收入预算
14904.71 万元，较上年减少 358.06 万元，下降 2.3%" is one claim (subject 收入预算, amount, signed
change, signed %). "其中 / 包括 / 主要是" introduce *parts* of the claim before them; "；" closes a
nested list.

Three ideas, one module each: ``vocab.py`` loads the vocabulary (``templates/narrative.toml``:
words → subjects → sources in the model), ``extract.py`` reads the claims from the paragraphs,
``bind.py`` binds them to the tables through the figure resolver (``recognise/figures.py``).
``recognise_claims`` runs both once in the recognise stage and stores the claims, bound, in
``Document.claims``; the rules and the coverage read them there.
"""

from __future__ import annotations

from budgetlint.model import Claim, Document
from budgetlint.recognise.claims.bind import bind, bind_claims, binding_stats, is_bound, readings
from budgetlint.recognise.claims.extract import extract_claims
from budgetlint.recognise.claims.vocab import vocab

__all__ = ["bind", "binding_stats", "extract_claims", "is_bound", "readings", "recognise_claims", "vocab"]


def recognise_claims(doc: Document) -> list[Claim]:
    """The claims of ``doc``'s explanation, each bound to the model (``Claim.bounds`` …)."""
    doc.claims = extract_claims(doc)
    bind_claims(doc)
    return doc.claims
