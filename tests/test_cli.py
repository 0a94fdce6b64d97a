"""The command line as a user meets it: exit codes, bad files in a batch, formats."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner
from helpers import tsv
from openpyxl import load_workbook

from budgetlint.cli import main

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "samples" / "shandong-department-budget-2024.txt"
SCHEMA = json.loads((ROOT / "src" / "budgetlint" / "report" / "schema.json").read_text("utf-8"))

GOOD = tsv("""
2024年某某局部门预算
支出总体情况表
单位：万元
科目编码 | 科目名称 | 合计 | 基本支出 | 项目支出
201 | 一般公共服务支出 | 10.00 | 4.00 | 6.00
""")
BAD = GOOD.replace("| 10.00 |", "| 11.00 |").replace("\t10.00\t", "\t11.00\t")


def run(*args, input=None):
    return CliRunner().invoke(main, list(args), input=input)


@pytest.fixture
def files(tmp_path):
    good = tmp_path / "good.txt"
    good.write_text(GOOD, "utf-8")
    bad = tmp_path / "bad.txt"
    bad.write_text(BAD, "utf-8")
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    binary = tmp_path / "binary.txt"
    binary.write_bytes(bytes(range(256)) * 4)
    prose = tmp_path / "prose.txt"
    prose.write_text("这是一段与财政无关的文字。\n", "utf-8")
    return {"good": good, "bad": bad, "empty": empty, "binary": binary, "prose": prose}


def test_exit_0_when_clean(files):
    r = run("check", str(files["good"]))
    assert r.exit_code == 0, r.output


def test_exit_1_on_error_findings(files):
    r = run("check", str(files["bad"]))
    assert r.exit_code == 1
    assert "BL101" in r.output


@pytest.mark.parametrize("which, words", [("empty", "为空"), ("binary", "二进制"), ("prose", "不像是预决算")])
def test_unreadable_file_exit_2_and_the_others_still_checked(files, which, words):
    r = run("check", "--format", "json", str(files[which]), str(files["bad"]))
    assert r.exit_code == 2
    report = json.loads(r.stdout)
    docs = {Path(d["path"]).name: d for d in report["documents"]}
    assert words in docs[files[which].name]["error"]
    assert any(f["rule"] == "BL101" for f in docs["bad.txt"]["findings"])
    assert "Traceback" not in r.output


def test_missing_file_is_a_clear_error(files, tmp_path):
    r = run("check", str(tmp_path / "nope.txt"), str(files["good"]))
    assert r.exit_code == 2 and "不存在" in r.stderr


def test_usage_errors_exit_2(files):
    assert run("check").exit_code == 2
    assert run("check", "--select", "XYZ", str(files["good"])).exit_code == 2
    assert run("check", "--format", "pdfx", str(files["good"])).exit_code == 2


def test_json_report_matches_schema(files):
    r = run("check", "--format", "json", str(files["bad"]), str(files["empty"]))
    report = json.loads(r.stdout)
    jsonschema.validate(report, SCHEMA)
    f = report["documents"][0]["findings"][0]
    assert f["family"] == "arithmetic" and f["expected"] == "10.00" and f["found"] == "11.00"
    assert f["location"]["line"] == 5 and f["location"]["table"] == 1


def test_select_ignore_and_fail_on(files):
    assert run("check", "--ignore", "arithmetic", str(files["bad"])).exit_code == 0
    assert run("check", "--select", "BL9", str(files["bad"])).exit_code == 0
    assert run("check", "--select", "BL101", str(files["bad"])).exit_code == 1


def test_config_file(files, tmp_path):
    cfg = tmp_path / "budgetlint.toml"
    cfg.write_text('ignore = ["BL101"]\n[severity]\nBL103 = "warning"\n', "utf-8")
    assert run("check", "--config", str(cfg), str(files["bad"])).exit_code == 0
    cfg.write_text('select = 3\n', "utf-8")
    r = run("check", "--config", str(cfg), str(files["bad"]))
    assert r.exit_code == 2 and "select" in r.output


def test_file_list_from_stdin(files):
    r = run("check", "-", input=f"{files['good']}\n{files['bad']}\n")
    assert r.exit_code == 1 and "good.txt" in r.output and "bad.txt" in r.output


def test_extract_json_and_xlsx(files, tmp_path):
    r = run("extract", str(files["good"]))
    data = json.loads(r.stdout)
    assert data["schema_version"] == 1
    t = data["tables"][0]
    assert t["kind"] == "expenditure_summary" and t["unit"] == "万元"
    row = t["rows"][0]
    assert row["codes"][0]["code"] == "201" and row["values"]["basic"]["amount"] == "4.00"
    assert row["values"]["basic"]["provenance"] == {"line": 5, "page": 1, "table": 1, "row": 0, "column": "basic"}
    out = tmp_path / "x.xlsx"
    assert run("extract", str(files["good"]), "--format", "xlsx", "-o", str(out)).exit_code == 0
    wb = load_workbook(out)
    assert wb.sheetnames[0] == "概况" and len(wb.sheetnames) == 2
    assert run("extract", str(files["empty"])).exit_code == 2


def test_rules_and_rule(files):
    r = run("rules")
    assert r.exit_code == 0 and "BL101" in r.output
    r = run("rule", "bl101")
    assert r.exit_code == 0 and "检查什么" in r.output
    assert run("rule", "BL000").exit_code == 2


def test_version_and_help_in_chinese():
    assert "budgetlint" in run("--version").output
    assert "退出码" in run("--help").output
    assert "退出码" in run("check", "--help").output


def test_installed_command_on_the_bundled_sample():
    exe = Path(sys.executable).parent / "budgetlint"
    if not exe.exists():
        pytest.skip("console script not installed")
    out = subprocess.run([str(exe), "check", "--no-color", str(SAMPLE)], capture_output=True, text=True)
    assert out.returncode == 1
    assert "BL104" in out.stdout and "Traceback" not in out.stderr


def test_rules_doc_is_current():
    script = ROOT / "scripts" / "gen_rules_doc.py"
    out = subprocess.run([sys.executable, str(script), "--check"], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr


def test_a_folder_checks_every_document_in_it(files, tmp_path):
    folder = tmp_path / "region"
    (folder / "sub").mkdir(parents=True)
    (folder / "a.txt").write_text(GOOD, "utf-8")
    (folder / "sub" / "b.txt").write_text(BAD, "utf-8")
    (folder / "notes.bin").write_bytes(b"\x00")
    r = run("check", "--format", "json", str(folder))
    paths = [Path(d["path"]).name for d in json.loads(r.stdout)["documents"]]
    assert paths == ["a.txt", "b.txt"] and r.exit_code == 1


def test_extract_carries_each_value_confidence(files):
    data = json.loads(run("extract", str(files["good"])).stdout)
    value = data["tables"][0]["rows"][0]["values"]["total"]
    assert value["confidence"] == 1.0


NOTICE = """某市人民政府办公室关于印发某某工作规划的通知
各区人民政府，市直有关部门：
现将《某某工作规划》印发给你们，请认真贯彻落实，所需经费列入年度预算统筹安排。
"""
NARRATIVE = """某局2026年部门预算情况说明
一、收入预算情况说明
2026年收入预算100.00万元，其中财政拨款收入100.00万元。
"""


def test_notice_is_no_disclosure_and_narrative_only_is_said(tmp_path):
    notice = tmp_path / "notice.txt"
    notice.write_text(NOTICE, "utf-8")
    narrative = tmp_path / "narrative.txt"
    narrative.write_text(NARRATIVE, "utf-8")
    r = run("check", "--format", "json", str(notice), str(narrative))
    docs = {Path(d["path"]).name: d for d in json.loads(r.stdout)["documents"]}
    # a notice that mentions a budget in passing names no kind of disclosure
    assert "不像是预决算" in docs["notice.txt"]["error"]
    assert docs["notice.txt"]["coverage"]["status"] == "not_disclosure"
    assert docs["narrative.txt"]["coverage"]["status"] == "narrative_only"


def test_output_never_replaces_an_input(tmp_path):
    """-o naming the document being read is refused (exit 2) and the document is untouched."""
    doc = tmp_path / "self.txt"
    doc.write_text(SAMPLE.read_text("utf-8"), "utf-8")
    before = doc.read_bytes()
    for args in (["check", str(doc), "--format", "json", "-o", str(doc)],
                 ["check", str(doc), "-o", str(doc)],
                 ["check", str(doc), "--format", "xlsx", "-o", str(doc)],
                 ["extract", str(doc), "-o", str(doc)]):
        r = run(*args)
        assert r.exit_code == 2 and "不能覆盖" in r.output, (args, r.output)
        assert doc.read_bytes() == before


def test_ctrl_c_reports_what_was_checked_with_its_own_exit_code(files, monkeypatch):
    """Ctrl-C during a batch: the files already checked are reported, and the exit code is 130."""
    import budgetlint.cli as cli

    real = cli.check_file
    calls = []

    def interrupt_second(path, *a, **kw):
        calls.append(path)
        if len(calls) == 2:
            raise KeyboardInterrupt
        return real(path, *a, **kw)

    monkeypatch.setattr(cli, "check_file", interrupt_second)
    good, bad = files["good"], files["bad"]
    r = run("check", "--format", "json", str(bad), str(good))
    assert r.exit_code == 130
    docs = json.loads(r.stdout[r.stdout.index("{"):])["documents"]
    assert [Path(d["path"]).name for d in docs] == [bad.name]


def test_a_pipe_is_refused_by_name(tmp_path, files):
    import os

    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    good = files["good"]
    r = run("check", "-q", str(fifo), str(good))
    assert r.exit_code == 2 and "不是普通文件" in r.output and "good.txt" in r.output


def test_statistics_and_exit_zero(files):
    r = run("check", "--statistics", str(files["bad"]))
    assert r.exit_code == 1 and "BL101" in r.output and "行内合计与各列之和不符" in r.output
    assert "不等于" not in r.output  # counts, not the findings themselves
    assert run("check", "--exit-zero", str(files["bad"])).exit_code == 0
    assert run("check", "--exit-zero", str(files["bad"]), str(files["empty"])).exit_code == 2


def test_csv_report_one_row_per_finding_and_no_formulas(tmp_path, files):
    import csv
    import io

    evil = tmp_path / "evil.txt"
    evil.write_text(BAD.replace("一般公共服务支出", "=HYPERLINK(1)"), "utf-8")
    out = tmp_path / "deep" / "er" / "r.csv"  # the folder is created
    r = run("check", "--format", "csv", "-o", str(out), str(files["bad"]), str(evil), str(files["empty"]))
    assert r.exit_code == 2, r.output
    text = out.read_text("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert {row["规则"] for row in rows if row["文件"].endswith("bad.txt")} >= {"BL101"}
    assert any(row["文件"].endswith("empty.txt") and "无法读取" in row["信息"] for row in rows)
    assert not any(v.startswith("=") for row in rows for v in row.values())
    assert any("'=HYPERLINK(1)" in v for row in rows for v in row.values())


def test_text_report_to_a_file_is_one_finding_per_line(tmp_path):
    out = tmp_path / "r.txt"
    long = tmp_path / "long.txt"
    long.write_text(BAD.replace("一般公共服务支出", "一般公共服务支出" * 12), "utf-8")
    run("check", str(long), "-o", str(out))
    lines = out.read_text("utf-8").splitlines()
    finding = [x for x in lines if "BL101" in x]
    assert finding and all(len(x) > 120 for x in finding)  # not wrapped at the width


def test_extract_xlsx_without_output_writes_a_default_file(tmp_path, monkeypatch, files):
    monkeypatch.chdir(tmp_path)
    r = run("extract", str(files["good"]), "--format", "xlsx")
    assert r.exit_code == 0 and (tmp_path / "good.extract.xlsx").exists()


def test_severity_filter_never_changes_the_exit_code(files):
    """BAD has an error; showing only info-and-above vs only errors must exit the same, and
    --fail-on warning counts warnings that --severity error hides."""
    shown_all = run("check", str(files["bad"]))
    only_errors = run("check", "--severity", "error", str(files["bad"]))
    assert shown_all.exit_code == only_errors.exit_code == 1


def test_unknown_config_key_is_an_error_naming_it(tmp_path, files, monkeypatch):
    (tmp_path / "budgetlint.toml").write_text('ignor = ["BL902"]\n', "utf-8")
    monkeypatch.chdir(tmp_path)
    r = run("check", str(files["good"]))
    assert r.exit_code == 2 and "未知的设置 ignor" in r.output


def test_a_folder_skips_what_is_not_a_disclosure_and_says_so(tmp_path):
    folder = tmp_path / "region"
    folder.mkdir()
    (folder / "README.md").write_text("# How to use this folder\nPut the files here.\n", "utf-8")
    (folder / "photo.png").write_bytes(b"\x89PNG\r\n")
    (folder / "a.txt").write_text(GOOD, "utf-8")
    r = run("check", "--format", "json", str(folder))
    names = [Path(d["path"]).name for d in json.loads(r.stdout[r.stdout.index("{"):])["documents"]]
    assert names == ["a.txt"]
    assert "跳过了 2 个" in r.output and "README.md" in r.output


def test_show_settings_says_what_is_in_force(tmp_path, monkeypatch):
    (tmp_path / "budgetlint.toml").write_text('ignore = ["BL902"]\nfail-on = "warning"\n', "utf-8")
    monkeypatch.chdir(tmp_path)
    r = run("check", "--show-settings", "whatever.txt")
    assert r.exit_code == 0
    assert "budgetlint.toml" in r.output and "BL902" in r.output and "warning 及以上" in r.output


def test_narrative_and_tables_published_apart_are_checked_together(tmp_path):
    """说明 and 报表 of one body and year as two files: checked as one document, so the prose is
    checked against the tables; --no-pair keeps them apart."""
    prose = tmp_path / "附件1 说明.txt"
    prose.write_text("某某局2024年部门预算\n一、部门预算情况说明\n2024年支出预算 11.00 万元。\n", "utf-8")
    tables = tmp_path / "附件2 报表.txt"
    tables.write_text(GOOD.replace("2024年某某局部门预算", "某某局2024年部门预算"), "utf-8")
    r = run("check", "--format", "json", str(prose), str(tables))
    docs = json.loads(r.stdout[r.stdout.index("{"):])["documents"]
    assert len(docs) == 1 and "+" in docs[0]["path"], [d["path"] for d in docs]
    cov = docs[0]["coverage"]
    assert cov["tables"] == 1 and cov["claims"]["total"] >= 1 and cov["status"] != "narrative_only"
    apart = run("check", "--format", "json", "--no-pair", str(prose), str(tables))
    assert len(json.loads(apart.stdout[apart.stdout.index("{"):])["documents"]) == 2


def test_template_is_shown_with_its_evidence_and_can_be_set():
    shown = run("check", str(SAMPLE))
    assert "模板：山东省预算公开模板（表名「" in shown.output
    hebei = run("check", "--template", "hebei", "--select", "BL602", str(SAMPLE))
    assert "由 --template 指定" in hebei.output and "固定资产占用情况表" in hebei.output
    bad = run("check", "--template", "nope", str(SAMPLE))
    assert bad.exit_code == 2 and "未知的模板 nope" in bad.output and "shandong" in bad.output


def test_per_file_ignores_in_the_config(files, tmp_path):
    """ruff's per-file-ignores: a glob (path, path under the config's folder, or file name) → rules;
    the ignored findings neither show nor set the exit code; other files keep them."""
    cfg = tmp_path / "budgetlint.toml"
    cfg.write_text('[per-file-ignores]\n"bad*" = ["arithmetic"]\n', "utf-8")
    assert run("check", "--config", str(cfg), str(files["bad"])).exit_code == 0
    cfg.write_text('[per-file-ignores]\n"other*.txt" = ["BL1"]\n', "utf-8")
    assert run("check", "--config", str(cfg), str(files["bad"])).exit_code == 1
    cfg.write_text('[per-file-ignores]\n"*.txt" = ["BL1"]\n', "utf-8")
    shown = run("check", "--config", str(cfg), "--show-settings", str(files["bad"]))
    assert "按文件不检查：*.txt → BL1" in shown.output
    cfg.write_text('[per-file-ignores]\n"*.txt" = ["BLX9"]\n', "utf-8")
    r = run("check", "--config", str(cfg), str(files["bad"]))
    assert r.exit_code == 2 and "BLX9" in r.output
    cfg.write_text('[per-file-ignores]\n"*.txt" = 3\n', "utf-8")
    r = run("check", "--config", str(cfg), str(files["bad"]))
    assert r.exit_code == 2 and "per-file-ignores" in r.output


def test_per_file_ignores_match_either_half_of_a_pair():
    from budgetlint.config import Config

    cfg = Config(per_file_ignores={"*报表.pdf": ["BL6"]})
    assert cfg.ignored_for("x/说明.pdf+x/报表.pdf") == ["BL6"]
    assert cfg.ignored_for("x/说明.pdf") == []
