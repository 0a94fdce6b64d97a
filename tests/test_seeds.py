"""Each seed against the expectations read from it by hand (tests/expectations/seeds/*.toml)."""

from __future__ import annotations

import tomllib
from decimal import Decimal
from pathlib import Path

import pytest
from helpers import SEEDS

from budgetlint.pipeline import read_document
from budgetlint.recognise.figures import key_figures
from budgetlint.recognise.normalise import squash

EXPECT = Path(__file__).parent / "expectations" / "seeds"
CASES = sorted(EXPECT.glob("*.toml"))


def _load(case: Path):
    seed = SEEDS / (case.stem + ".txt")
    if not seed.is_file():
        pytest.skip(f"{seed} not present")
    return tomllib.loads(case.read_text("utf-8")), read_document(str(seed))


@pytest.fixture(scope="module", params=CASES, ids=[c.stem[:3] for c in CASES])
def case(request):
    return _load(request.param)


def test_meta(case):
    exp, doc = case
    assert doc.meta.year == exp["meta"]["year"]
    assert doc.meta.kind.value == exp["meta"]["kind"]


def test_every_table_recognised_with_its_kind(case):
    exp, doc = case
    kinds = [k for k in exp["tables"]["kinds"] if k != "other"]
    assert [t.kind for t in doc.tables] == kinds
    for t in doc.tables:
        assert t.unit is not None and t.unit.value == exp["meta"]["unit"], t.title


def test_empty_tables(case):
    exp, doc = case
    for kind in exp["tables"].get("empty", []):
        assert doc.table(kind).is_empty, kind


def test_key_figures(case):
    exp, doc = case
    got = key_figures(doc)
    for name, value in exp["figures"].items():
        if name == "narrative_unit":
            assert doc.meta.narrative_unit.value == value
        elif isinstance(value, int):
            assert got[name] == value, name
        else:
            assert got[name] == Decimal(value), name


def _find_cell(doc, spot):
    tables = doc.tables_of(spot["table"])
    want_row = squash(spot["row"])
    want_col = squash(spot["column"])
    for t in tables:
        for r in t.rows:
            code = r.code.digits if r.code else None
            # A 三公 table has one unlabelled row; its spots name the year group as the row.
            by_header = not r.label and not code
            if not by_header and want_row not in (code, squash(r.label)):
                continue
            for key, v in r.values.items():
                col = t.column(f"{r.side}.{key}" if r.side else key)
                header = [squash(h) for h in col.header] if col else []
                if by_header and want_row not in header:
                    continue
                if header and (header[-1] == want_col or want_col in header) and v.amount == Decimal(spot["value"]):
                    return t, r, v
    return None


def test_spot_cells(case):
    exp, doc = case
    spots = [s for s in exp.get("spot", []) if s["table"] != "other"]
    if not spots:
        pytest.skip("no table spots in this seed")
    missing = []
    for spot in spots:
        hit = _find_cell(doc, spot)
        if hit is None or hit[2].provenance.line != spot["line"]:
            missing.append(spot)
    assert not missing, missing
