"""Every rule, one fixture folder: a document that makes it fire and its nearest near-miss that
keeps it quiet (ruff keeps its rules' fixtures the same way).

    tests/rules/fixtures/BL101/fire.txt             converter text (tab-separated cells, form feeds
    tests/rules/fixtures/BL101/fire.expected.json   start pages) and exactly the findings of BL101 it
    tests/rules/fixtures/BL101/quiet.txt            gives; quiet.txt gives none of BL101

More cases are ``fire-<what>.txt`` / ``quiet-<what>.txt``. A rule that no text can make fire may
keep its cases in ``case.py`` (``fire()`` and ``quiet()`` returning a ``Document`` or a file path).
Text cases run through the pipeline users run (``check_file`` with only that rule selected). A
cross-document rule (``scope="pair"``) judges a batch: its case is a folder (``fire/``, ``quiet/``)
of documents, checked one by one and then together (``crossdoc.cross_check``), as ``check`` does.

The list of rules comes from the registry at collection time, so a rule without fixtures is a
failing test, not a missing one. ``BUDGETLINT_UPDATE_FIXTURES=1`` rewrites the expected files
from what the rules give now (then read the diff: it is the change in what users see).
"""

from __future__ import annotations

import importlib.util
import json
import os
from pathlib import Path

import pytest

from budgetlint.findings import Finding
from budgetlint.model import Document
from budgetlint.pipeline import check_file, run_rules
from budgetlint.rules.registry import REGISTRY, all_rules

FIXTURES = Path(__file__).resolve().parent / "fixtures"
RULE_IDS = [r.id for r in all_rules()]  # importing the rule modules fills the registry: at collection
CASE_SUFFIXES = (".txt", ".md", ".html", ".csv")
UPDATE = os.environ.get("BUDGETLINT_UPDATE_FIXTURES") == "1"
PLACEHOLDER = "SCAFFOLD-PLACEHOLDER"  # what scripts/new_rule.py writes into a case still to be written

# Rules that no document can make fire, each with the reason; the meta-test keeps this list honest
# (an entry that gains fixtures, or names no rule, fails).
NO_FIXTURE = {
    # Not a check of the document: the pipeline reports a rule that raised (pipeline.run_rules);
    # the rule's own function yields nothing. Tested in tests/rules/test_extraction.py.
    "BL999": "reported by the pipeline when another rule crashes",
}


def _cases(folder: Path, kind: str) -> list[str]:
    """The case names of one kind (fire / quiet) in a rule's folder: files, and case.py's functions."""
    if not folder.is_dir():
        return []
    names = sorted(p.name for p in folder.glob(f"{kind}*")
                   if p.suffix in CASE_SUFFIXES or (p.is_dir() and any(p.iterdir())))  # a folder: one batch
    if (folder / "case.py").is_file():
        module = _builder(folder)
        names += sorted(f"case.py:{n}" for n in dir(module) if n.startswith(kind) and callable(getattr(module, n)))
    return names


def _builder(folder: Path):
    spec = importlib.util.spec_from_file_location(f"fixture_{folder.name}", folder / "case.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _all_cases(kind: str) -> list[tuple[str, str]]:
    return [(rid, name) for rid in RULE_IDS for name in _cases(FIXTURES / rid, kind)]


def findings_of(rule_id: str, case: str) -> list[Finding]:
    """The findings of one rule on one case, as a user running ``check --select rule_id`` gets them."""
    rule = REGISTRY[rule_id]
    if case.startswith("case.py:"):
        made = getattr(_builder(FIXTURES / rule_id), case.split(":", 1)[1])()
        if isinstance(made, Document):
            found = run_rules(made, [rule])
            return [f for f in found if f.rule == rule_id]
        path = Path(made)
    else:
        path = FIXTURES / rule_id / case
    if path.is_dir():
        return _batch_findings(rule_id, path)
    result = check_file(str(path), [rule])
    assert result.error is None, f"{path}: {result.error}"
    return [f for f in result.findings if f.rule == rule_id]


def _batch_findings(rule_id: str, folder: Path) -> list[Finding]:
    """A cross-document rule's findings over a folder of documents, in file order."""
    from budgetlint.crossdoc import cross_check

    results = [check_file(str(p), []) for p in sorted(folder.iterdir()) if p.suffix in CASE_SUFFIXES]
    assert all(r.error is None for r in results), [r.error for r in results]
    cross_check(results, [REGISTRY[rule_id]])
    return [f for r in results for f in r.findings if f.rule == rule_id]


def record(f: Finding) -> dict[str, object]:
    """What a fixture pins of a finding: rule, severity, message, where, and the two figures."""
    d = f.to_dict()
    location = {k: v for k, v in d["location"].items() if k != "bbox"}
    out = {"rule": d["rule"], "severity": d["severity"], "message": d["message"], "location": location,
           "expected": d["expected"], "found": d["found"]}
    if f.other is not None:  # a cross-document finding: the other document's cell, by file name
        other = {k: v for k, v in d["other"].items() if k != "bbox"}
        other["document"] = Path(other["document"]).name if other.get("document") else None
        out["other"] = other
    return out


def expected_path(folder: Path, case: str) -> Path:
    """fire.txt → fire.expected.json; case.py's fire() → case.fire.expected.json."""
    stem = case.replace("case.py:", "case.") if case.startswith("case.py:") else Path(case).stem
    return folder / f"{stem}.expected.json"


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path, monkeypatch):
    # catalogs a user imported must not change what the fixtures give
    monkeypatch.setenv("BUDGETLINT_HOME", str(tmp_path / "home"))


@pytest.mark.parametrize(("rule_id", "case"), _all_cases("fire"))
def test_fire_case_gives_exactly_the_expected_findings(rule_id: str, case: str) -> None:
    got = [record(f) for f in findings_of(rule_id, case)]
    path = expected_path(FIXTURES / rule_id, case)
    if UPDATE:
        path.write_text(json.dumps(got, ensure_ascii=False, indent=1) + "\n", "utf-8")
    assert got, f"{rule_id}/{case} should make {rule_id} fire and gives nothing"
    assert path.is_file(), f"missing {path.relative_to(FIXTURES.parents[2])}: run with BUDGETLINT_UPDATE_FIXTURES=1"
    assert got == json.loads(path.read_text("utf-8"))


@pytest.mark.parametrize(("rule_id", "case"), _all_cases("quiet"))
def test_quiet_case_gives_no_finding(rule_id: str, case: str) -> None:
    assert [f.message for f in findings_of(rule_id, case)] == []


def missing_fixtures(rule_ids: list[str], fixtures: Path, allowed: dict[str, str]) -> list[str]:
    """One line per gap, each naming the file to add (or the folder to remove)."""
    root = fixtures.parents[2]  # the repository: paths in the messages are relative to it
    problems = []
    for rid in rule_ids:
        folder = fixtures / rid
        if rid in allowed:
            if folder.is_dir():
                problems.append(f"{rid} has fixtures now: remove it from NO_FIXTURE")
            continue
        for kind in ("fire", "quiet"):
            if not _cases(folder, kind):
                rel = (folder / f"{kind}.txt").relative_to(root)
                also = f" and {rel.with_name('fire.expected.json')}" if kind == "fire" else ""
                problems.append(f"{rid} has no {kind} case: add {rel}{also}")
        for case in _cases(folder, "fire") + _cases(folder, "quiet"):
            if not case.startswith("case.py:") and (folder / case).is_file() and PLACEHOLDER in (folder / case).read_text("utf-8", errors="replace"):
                problems.append(f"{rid}/{case} is still the placeholder scripts/new_rule.py wrote: "
                                f"write the case in {(folder / case).relative_to(root)}")
        for case in _cases(folder, "fire"):
            if not expected_path(folder, case).is_file():
                problems.append(f"{rid}/{case} has no expected findings: add "
                                f"{expected_path(folder, case).relative_to(root)} (BUDGETLINT_UPDATE_FIXTURES=1 writes it)")
    known = set(rule_ids)
    for folder in sorted(p for p in fixtures.iterdir() if p.is_dir() and not p.name.startswith((".", "_"))):
        if folder.name not in known:
            problems.append(f"{folder.relative_to(root)} names no rule: rename or remove it")
    problems += [f"NO_FIXTURE names {rid}, which is not a rule" for rid in allowed if rid not in known]
    return problems


def test_every_rule_has_a_fire_and_a_quiet_case() -> None:
    assert len(RULE_IDS) > 50, "the registry was not filled at collection"
    problems = missing_fixtures(RULE_IDS, FIXTURES, NO_FIXTURE)
    assert not problems, "rules without fixtures:\n" + "\n".join(problems)


def test_the_meta_test_names_the_file_to_add(tmp_path: Path) -> None:
    """A rule that loses its quiet case, one never given fixtures, and a folder for no rule."""
    fixtures = tmp_path / "tests" / "rules" / "fixtures"
    (fixtures / "BL101").mkdir(parents=True)
    (fixtures / "BL101" / "fire.txt").write_text("x", "utf-8")
    (fixtures / "BL101" / "fire.expected.json").write_text("[]", "utf-8")
    (fixtures / "BL100").mkdir()
    (fixtures / "BL103").mkdir()
    for kind in ("fire", "quiet"):
        (fixtures / "BL103" / f"{kind}.txt").write_text(f"{PLACEHOLDER}：…", "utf-8")
    (fixtures / "BL103" / "fire.expected.json").write_text("[]", "utf-8")
    assert missing_fixtures(["BL101", "BL102", "BL103", "BL999"], fixtures, {"BL999": "why"}) == [
        "BL101 has no quiet case: add tests/rules/fixtures/BL101/quiet.txt",
        "BL102 has no fire case: add tests/rules/fixtures/BL102/fire.txt and "
        "tests/rules/fixtures/BL102/fire.expected.json",
        "BL102 has no quiet case: add tests/rules/fixtures/BL102/quiet.txt",
        "BL103/fire.txt is still the placeholder scripts/new_rule.py wrote: write the case in "
        "tests/rules/fixtures/BL103/fire.txt",
        "BL103/quiet.txt is still the placeholder scripts/new_rule.py wrote: write the case in "
        "tests/rules/fixtures/BL103/quiet.txt",
        "tests/rules/fixtures/BL100 names no rule: rename or remove it",
    ]
