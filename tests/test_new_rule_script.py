"""scripts/new_rule.py, run against a copy of the repository's package, docs and fixtures."""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from budgetlint.rules.registry import all_rules

REPO = Path(__file__).resolve().parents[1]
SCRIPT = REPO / "scripts" / "new_rule.py"


def _script():
    spec = importlib.util.spec_from_file_location("new_rule", SCRIPT)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def copy(tmp_path: Path) -> Path:
    """The parts of the repository the script reads and writes."""
    root = tmp_path / "repo"
    ignore = shutil.ignore_patterns("__pycache__")
    for part in ("src", "scripts", "docs", "tests/rules/fixtures"):
        shutil.copytree(REPO / part, root / part, ignore=ignore)
    return root


def _run(root: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(root / "src")}
    return subprocess.run([sys.executable, str(root / "scripts" / "new_rule.py"), *args, "--root", str(root)],
                          capture_output=True, text=True, env=env, check=True)


def _registered(root: Path) -> dict[str, str]:
    code = "from budgetlint.rules.registry import all_rules\nfor r in all_rules(): print(r.id, r.family, r.title)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env={**os.environ, "PYTHONPATH": str(root / "src")}).stdout
    return {line.split()[0]: line.split(maxsplit=1)[1] for line in out.splitlines()}


def test_a_scaffolded_rule_is_registered_documented_and_has_placeholder_fixtures(copy: Path) -> None:
    text_ids = [int(r.id[2:]) for r in all_rules() if r.family == "text"]
    out = _run(copy, "text", "doubled-punctuation", "标点重复").stdout
    rule_id = out.split()[0]
    assert int(rule_id[2:]) > max(text_ids)
    assert _registered(copy)[rule_id] == "text 标点重复"
    assert f"## {rule_id}" in (copy / "docs" / "rules.md").read_text("utf-8")
    stub = (copy / "src" / "budgetlint" / "rules" / "text.py").read_text("utf-8")
    for section in ("检查什么", "为什么重要", "示例", "不报的情形"):
        assert section in stub.split(f'@rule("{rule_id}"')[1]
    folder = copy / "tests" / "rules" / "fixtures" / rule_id
    assert "SCAFFOLD-PLACEHOLDER" in (folder / "fire.txt").read_text("utf-8")
    assert "SCAFFOLD-PLACEHOLDER" in (folder / "quiet.txt").read_text("utf-8")
    assert (folder / "fire.expected.json").read_text("utf-8") == "[]\n"
    # the next rule of the family takes the next id
    second = _run(copy, "text", "doubled-space", "空格重复").stdout.split()[0]
    assert int(second[2:]) == int(rule_id[2:]) + 1


def test_dry_run_writes_nothing(copy: Path) -> None:
    before = {p: p.read_bytes() for p in copy.rglob("*") if p.is_file()}
    out = _run(copy, "narrative", "some-check", "某项检查", "--dry-run").stdout
    assert "src/budgetlint/rules/narrative.py (append)" in out and "fire.expected.json (new)" in out
    assert {p: p.read_bytes() for p in copy.rglob("*") if p.is_file()} == before


def test_an_id_still_mentioned_is_not_reused(copy: Path) -> None:
    """A rule removed from the code but still written about (docs, reviews) keeps its id."""
    script = _script()
    first = script.next_id(copy, "6")
    retired = f"BL6{int(first[3:]) + 3:02d}"
    (copy / "docs" / "retired.md").write_text(f"{retired} was removed\n", "utf-8")
    assert script.next_id(copy, "6") == f"BL6{int(retired[3:]) + 1:02d}"
    # BL999 is the extraction family's catch-all, not the top of its count
    extraction = [int(r.id[3:]) for r in all_rules() if r.family == "extraction" and r.id != "BL999"]
    assert script.next_id(copy, "9") == f"BL9{max(extraction) + 1:02d}"


def test_bad_input_is_refused(copy: Path) -> None:
    script = _script()
    with pytest.raises(SystemExit, match="unknown family"):
        script.plan(copy, "spelling", "x", "x", "warning")
    with pytest.raises(SystemExit, match="lower-case"):
        script.plan(copy, "text", "Doubled_Word", "x", "warning")
    with pytest.raises(SystemExit, match="already has"):
        script.plan(copy, "text", "doubled-word", "x", "warning")
