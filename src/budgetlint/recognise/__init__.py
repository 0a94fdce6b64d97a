"""Recognise: a ``Source`` (lines of cells) → a ``Document`` (typed tables, prose, forms, meta)."""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from budgetlint.ingest.base import Source
    from budgetlint.model import Document
    from budgetlint.recognise.vocab import Vocabulary


def recognise(source: Source, vocab: Vocabulary | None = None) -> Document:
    """The stage's one entry. Its modules are imported here, not above: importing a low module of
    the package (``normalise``) must not pull in the whole stage (docs/architecture.md, layers)."""
    from budgetlint.model import Document
    from budgetlint.recognise.claims import recognise_claims
    from budgetlint.recognise.confirm import confirm_column_sums
    from budgetlint.recognise.meta import recognise_meta
    from budgetlint.recognise.narrative import recognise_narrative
    from budgetlint.recognise.tables import recognise_tables, resolve_relative_years
    from budgetlint.recognise.targets import recognise_forms
    from budgetlint.recognise.vocab import default_vocabulary

    vocab = vocab or default_vocabulary()
    lines = source.lines()
    tables, consumed = recognise_tables(lines, vocab)
    for t in tables:
        confirm_column_sums(t)
    forms, form_lines = recognise_forms(lines)
    prose = [line for i, line in enumerate(lines) if i not in consumed and i not in form_lines]
    toc, sections = recognise_narrative(prose)
    votes: Counter = Counter()
    titles: dict[str, list[str]] = {}
    for t in tables:
        spec_templates = [s.template for s in vocab.specs if s.kind == t.kind and any(ti in t.title.replace(" ", "") for ti in s.titles)]
        votes.update(set(spec_templates))
        for name in set(spec_templates):
            titles.setdefault(name, []).append(t.title)
    meta = recognise_meta(lines, tables, sections, votes, source.format)
    meta.template_evidence = titles.get(meta.template, [])
    meta.template_source = "titles" if meta.template else ""
    resolve_relative_years(tables, meta.year)
    doc = Document(path=source.path, meta=meta, tables=tables, sections=sections, forms=forms, toc=toc)
    recognise_claims(doc)  # last: binding reads the tables and the meta
    return doc
