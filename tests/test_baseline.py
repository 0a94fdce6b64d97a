"""Finding fingerprints survive a re-typeset document; a baseline keeps judged findings quiet."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from budgetlint.cli import main
from budgetlint.pipeline import check_file

SAMPLE = Path(__file__).resolve().parents[1] / "samples" / "shandong-department-budget-2024.txt"


def _retypeset(text: str) -> str:
    """The same document with other page breaks and spacing: a page break before every table
    title, blank lines added, the lines of prose moved down."""
    out = []
    for line in text.splitlines():
        if line.rstrip().endswith("表") and len(line) < 40:
            out.append("\f")
        out.append(line)
        if not line.strip():
            out.append("")
    return "\n\n".join(out)


def test_fingerprints_survive_other_page_breaks(tmp_path):
    a = tmp_path / "a.txt"
    b = tmp_path / "b.txt"
    a.write_text(SAMPLE.read_text("utf-8"), "utf-8")
    b.write_text(_retypeset(SAMPLE.read_text("utf-8")), "utf-8")
    ra, rb = check_file(str(a)), check_file(str(b))
    pages_a = {f.location.page for f in ra.findings} | {f.location.line for f in ra.findings}
    pages_b = {f.location.page for f in rb.findings} | {f.location.line for f in rb.findings}
    assert pages_a != pages_b  # the places moved …
    errors_a = sorted(f.fingerprint for f in ra.findings if f.severity.value == "error")
    errors_b = sorted(f.fingerprint for f in rb.findings if f.severity.value == "error")
    assert errors_a and errors_a == errors_b  # … the identities did not


def test_a_changed_figure_is_a_new_finding(tmp_path):
    text = SAMPLE.read_text("utf-8")
    ra = check_file(str(SAMPLE))
    f = next(f for f in ra.findings if f.rule == "BL104")
    other = tmp_path / "o.txt"
    other.write_text(text.replace(str(f.found), "14917.41"), "utf-8")
    rb = check_file(str(other))
    assert f.fingerprint not in {g.fingerprint for g in rb.findings}


def test_baseline_hides_judged_findings_and_keeps_new_ones(tmp_path):
    doc = tmp_path / "doc.txt"
    doc.write_text(SAMPLE.read_text("utf-8"), "utf-8")
    bl = tmp_path / "b" / "baseline.json"
    r = CliRunner().invoke(main, ["baseline", str(doc), "-o", str(bl), "--reason", "已核对，模板差异", "--by", "张三"])
    assert r.exit_code == 0 and bl.exists()
    data = json.loads(bl.read_text("utf-8"))
    assert data["entries"] and {e["by"] for e in data["entries"]} == {"张三"}
    quiet = CliRunner().invoke(main, ["check", "--format", "json", "--baseline", str(bl), str(doc)])
    assert quiet.exit_code == 0, quiet.output
    assert json.loads(quiet.stdout[quiet.stdout.index("{"):])["documents"][0]["findings"] == []
    # a new problem in the next version of the document still shows
    ra = check_file(str(doc))
    f = next(f for f in ra.findings if f.rule == "BL104")
    doc.write_text(SAMPLE.read_text("utf-8").replace(str(f.found), "14917.41"), "utf-8")
    again = CliRunner().invoke(main, ["check", "--severity", "error", "--baseline", str(bl), str(doc)])
    assert again.exit_code == 1 and "14917.41" in again.output, again.output


def test_a_bad_baseline_is_a_usage_error(tmp_path):
    bad = tmp_path / "bl.json"
    bad.write_text('{"version": 1, "entries": [{"document": "x", "fingerprint": "y", "state": "maybe"}]}', "utf-8")
    r = CliRunner().invoke(main, ["check", "--baseline", str(bad), str(SAMPLE)])
    assert r.exit_code == 2 and "状态" in r.output


def _page_breaks(text: str, every: int, before_titles: bool) -> str:
    """The document re-rendered with its page breaks elsewhere: a form feed before every
    ``every``-th line that is not a table line (tabs), and (``before_titles``) before each table
    title, as another converter would paginate the same publication."""
    out = []
    for i, line in enumerate(text.replace("\f", "\n").splitlines()):
        title = line.strip().endswith("表") and len(line.strip()) < 30 and not line.lstrip().startswith("-")
        if (before_titles and title) or (i % every == 0 and "\t" not in line and not title):
            out.append("\f")
        out.append(line)
    return "\n".join(out)


def test_a_seed_repaginated_keeps_its_fingerprints_and_the_baseline_shows_only_new(tmp_path):
    """A seed document (prose and tables, several real errors) re-rendered twice with different
    page breaks: the same problems keep their fingerprints, and a baseline written from one
    rendering hides them in the other, where only a newly planted error shows."""
    import pytest
    from helpers import SEEDS

    seed = SEEDS / "000_98c473c7e9f5bfe3.txt"
    if not seed.is_file():
        pytest.skip("seed documents not available (../shared/seeds)")
    text = seed.read_text("utf-8")
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_text(_page_breaks(text, 37, before_titles=True), "utf-8")
    b.write_text(_page_breaks(text, 23, before_titles=False), "utf-8")
    ra, rb = check_file(str(a)), check_file(str(b))
    errors_a = [f for f in ra.findings if f.severity.value == "error"]
    errors_b = [f for f in rb.findings if f.severity.value == "error"]
    assert len(errors_a) >= 5 and {f.rule for f in errors_a} >= {"BL101", "BL302"}
    pages = {(f.fingerprint, f.location.page) for f in errors_a} ^ {(f.fingerprint, f.location.page) for f in errors_b}
    assert pages  # the same problems sit on other pages …
    assert sorted(f.fingerprint for f in errors_a) == sorted(f.fingerprint for f in errors_b)  # … same identity
    bl = tmp_path / "baseline.json"
    r = CliRunner().invoke(main, ["baseline", str(a), "-o", str(bl), "--reason", "已核对"])
    assert r.exit_code == 0, r.output
    # the re-rendered document under the name the baseline knows, with one figure now wrong
    # otherwise (the total printed 14907.41 becomes 14917.41): only its findings are new
    f = next(f for f in ra.findings if f.rule == "BL104")
    a.write_text(_page_breaks(text, 23, before_titles=False).replace(str(f.found), "14917.41"), "utf-8")
    again = CliRunner().invoke(main, ["check", "--format", "json", "--baseline", str(bl), str(a)])
    shown = json.loads(again.stdout[again.stdout.index("{"):])["documents"][0]["findings"]
    assert again.exit_code == 1 and shown
    assert all("14917.41" in json.dumps(x, ensure_ascii=False) for x in shown), [x["message"] for x in shown]
