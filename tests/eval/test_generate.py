"""The generator's documents are reproducible, internally consistent and shaped like the seeds."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from helpers import SEEDS, SHARED

from budgetlint.eval.catalog import catalogs
from budgetlint.eval.compose import budget_for, compose
from budgetlint.eval.generate import generate
from budgetlint.eval.model import TableBlock
from budgetlint.eval.mutate import ARTEFACTS, ERRORS, Touched, apply_artefacts, plant_errors
from budgetlint.eval.render import renderer
from budgetlint.pipeline import check_file, read_document

TEMPLATES = ("shandong", "hebei", "shanghai", "final")
CORPUS = SHARED / "corpus"


def _doc(seed: int, template: str):
    b = budget_for(template, seed)
    return b, compose(b, template, random.Random(seed))


def _write(tmp_path: Path, comp, name: str = "doc") -> Path:
    p = tmp_path / f"{name}.txt"
    p.write_bytes(renderer("text").render(comp).data)
    return p


@pytest.mark.parametrize("template", TEMPLATES)
def test_same_seed_same_document(template):
    a = renderer("text").render(_doc(5, template)[1]).data
    b = renderer("text").render(_doc(5, template)[1]).data
    c = renderer("text").render(_doc(6, template)[1]).data
    assert a == b
    assert a != c


def _check_table(t: TableBlock) -> list[str]:
    bad = []
    for r in t.rows:
        by_col = {ref.column: r.amounts[k] for k, ref in r.refs.items() if ref.side is None}
        for total, parts in t.col_sums:
            if total in by_col and sum(by_col.get(p, 0) for p in parts) != by_col[total]:
                bad.append(f"{t.kind} {r.ref}: {total} ≠ Σ{parts}")
    if t.layout == "grid":
        for i, r in enumerate(t.rows):
            kids = [c for c in t.rows if c.parent == i]
            if not kids:
                continue
            for k, ref in r.refs.items():
                s = sum(c.amounts.get(c.cell_of(ref.column), 0) for c in kids)
                if s != r.amounts[k]:
                    bad.append(f"{t.kind} {r.ref}/{ref.column}: {r.amounts[k]} ≠ Σ children {s}")
    return bad


@pytest.mark.parametrize("template", TEMPLATES)
@pytest.mark.parametrize("seed", range(6))
def test_every_sum_holds_exactly(template, seed):
    _, comp = _doc(seed, template)
    bad = [x for t in comp.tables() for x in _check_table(t)]
    assert not bad, bad[:5]


@pytest.mark.parametrize("seed", range(6))
def test_budget_totals_agree(seed):
    b = generate(seed)
    assert b.total == b.basic + b.project
    assert b.basic == b.personnel + b.public == sum(e.amount for e in b.econ)
    assert b.project == sum(p.amount for p in b.projects)
    assert b.total == sum(b.source_total(s) for s in ("general", "fund", "capital", "carry", "unit"))


@pytest.mark.parametrize("seed", range(4))
def test_codes_and_names_come_from_the_catalogs(seed):
    b = generate(seed)
    cat = catalogs()
    for code, line in b.lines.items():
        assert cat.function[code].name == line.name
        assert code[:5] in cat.function and code[:3] in cat.function
    for e in b.econ:
        assert cat.econ_dept[e.code].name == e.name
        assert cat.econ_gov[e.gov_code].name == e.gov_name


@pytest.mark.parametrize("template", TEMPLATES)
@pytest.mark.parametrize("seed", range(4))
def test_clean_documents_raise_no_arithmetic_error(tmp_path, template, seed):
    _, comp = _doc(seed, template)
    res = check_file(str(_write(tmp_path, comp)))
    assert res.error is None
    bad = [f.message for f in res.findings if f.family == "arithmetic"]
    assert not bad, bad


@pytest.mark.parametrize("kind", sorted(ERRORS))
def test_each_error_kind_plants_a_located_label(kind):
    for seed in range(12):
        _, comp = _doc(seed, "shandong" if seed % 2 else "hebei")
        before = renderer("text").render(comp).data
        labels = plant_errors(comp, random.Random(seed), 1, kinds=(kind,))
        if labels:
            lab = labels[0]
            assert lab.mutation == kind and lab.spots
            assert renderer("text").render(comp).data != before
            return
    pytest.fail(f"{kind} could not be planted in 12 documents")


def test_rounding_artefact_stays_within_tolerance(tmp_path):
    for seed in range(6):
        template = TEMPLATES[seed % 2]
        _, comp = _doc(seed, template)
        assert apply_artefacts(comp, random.Random(seed), kinds=("rounding",), state=Touched()) is not None
        res = check_file(str(_write(tmp_path, comp, f"r{seed}")))
        assert not [f.message for f in res.findings if f.family == "arithmetic"]


def test_artefact_kinds_apply():
    applied = set()
    for seed in range(10):
        for kind in ARTEFACTS:
            _, comp = _doc(seed, TEMPLATES[seed % 2])
            if apply_artefacts(comp, random.Random(seed), kinds=(kind,)):
                applied.add(kind)
    assert applied == set(ARTEFACTS)


# Structure against the seeds: both documents go through the same recogniser, so the comparison
# is of table kinds, titles and the column keys their headers give.
SEED_OF = {"shandong": "000_98c473c7e9f5bfe3.txt", "hebei": "003_605ac779acf0bff3.txt"}
OPTIONAL_COLUMNS = {"capital"}  # a 国有资本经营 sub-column some documents omit
NOT_COMPARED = {"procurement", "fixed_assets"}  # the seed's Hebei procurement table is empty; no asset table


@pytest.mark.parametrize("template", sorted(SEED_OF))
def test_tables_shaped_like_the_seed(tmp_path, template):
    seed_path = SEEDS / SEED_OF[template]
    if not seed_path.is_file():
        pytest.skip("seeds not present")
    seed_doc = read_document(str(seed_path))
    _, comp = _doc(11, template)
    gen = read_document(str(_write(tmp_path, comp)))
    want = {t.kind: t for t in seed_doc.tables if t.kind not in NOT_COMPARED}
    got = {t.kind: t for t in gen.tables if t.kind not in NOT_COMPARED}
    assert list(want) == list(got)
    for kind, t in want.items():
        g = got[kind]
        assert g.title == t.title, kind
        keys = [c.key for c in t.columns if c.key not in OPTIONAL_COLUMNS]
        assert [c.key for c in g.columns if c.key not in OPTIONAL_COLUMNS] == keys, kind


# Shanghai and the 决算 set against the corpus documents they follow: the same recogniser reads the
# real PDF and a generated document; table kinds in order, the titles (without the year) and the
# column keys must agree.
CORPUS_OF = {"shanghai": "上海市普陀区司法局2026年部门预算.pdf", "final": "上海市普陀区财政局2024年度部门决算.pdf"}


@pytest.mark.parametrize("template", sorted(CORPUS_OF))
@pytest.mark.parametrize("fmt", ["text", "xlsx"])
def test_tables_shaped_like_the_corpus(tmp_path, template, fmt):
    real_path = CORPUS / CORPUS_OF[template]
    if not real_path.is_file():
        pytest.skip("corpus not present")
    real = read_document(str(real_path))
    b = budget_for(template, 3)
    comp = compose(b, template, random.Random(1))  # 类 | 款 | 项 in three cells, like 财政局
    r = renderer(fmt).render(comp)
    p = tmp_path / f"doc{r.suffix}"
    p.write_bytes(r.data)
    gen = read_document(str(p))
    assert gen.meta.template == real.meta.template
    assert [t.kind for t in gen.tables] == [t.kind for t in real.tables]
    for g, t in zip(gen.tables, real.tables, strict=True):
        assert (g.title[4:], g.title[:4]) == (t.title[4:], f"{b.year}") if template == "shanghai" else g.title == t.title
        assert [c.key for c in g.columns] == [c.key for c in t.columns], t.kind
        assert (g.unit and g.unit.value) == (t.unit and t.unit.value), t.kind


def test_shanghai_tables_in_yuan_narrative_in_wan():
    b = budget_for("shanghai", 4)
    assert b.scale == 100
    assert b.total == b.basic + b.project == sum(e.amount for e in b.econ) + sum(p.amount for p in b.projects)
    _, comp = _doc(4, "shanghai")
    t = comp.table("expenditure_summary")
    assert t.scale == 100 and t.rows[-1].cells[-3] == f"{b.total}.00"
    assert comp.table("three_public").scale == 1
    assert any(p.anchor and p.anchor.startswith("narr.item.") for p in comp.paras())


@pytest.mark.parametrize("seed", range(6))
def test_final_account_balances(seed):
    b = budget_for("final", seed)
    fa = b.final
    carry_in = sum(fa.carry_in.values())
    carry_out = sum(fa.carry_out.values())
    income = b.total - b.source_total("carry") + fa.income_delta("general") + fa.income_delta("other")
    assert income + carry_in == b.total + carry_out
    assert all(v >= 0 for v in fa.budget.values()) and set(fa.budget) <= set(b.lines)
