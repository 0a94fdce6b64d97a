"""Terminal report (grouped by document and table, summary by family and severity) and the JSON
report of a PDF document (page and bbox locations) against report/schema.json."""

from __future__ import annotations

import io
import json

import jsonschema
from click.testing import CliRunner
from rich.console import Console

from budgetlint.cli import main
from budgetlint.pipeline import check_file
from budgetlint.report.text import render_text


def test_text_groups_by_table_and_summarises(sample_result, tmp_path):
    console = Console(record=True, width=200, color_system="standard", force_terminal=True, file=io.StringIO())
    render_text([sample_result, check_file(str(tmp_path / "missing.txt"))], console)
    text = console.export_text(clear=False, styles=False)
    ansi = console.file.getvalue()
    assert text.splitlines()[0].startswith(sample_result.path)
    assert "  表4 财政拨款收支总体情况表" in text
    # every finding sits under its table's heading
    lines = text.splitlines()
    head = lines.index("  表4 财政拨款收支总体情况表")
    assert "BL104" in "\n".join(lines[head:head + 8])
    assert "无法读取" in text and "汇总" in text and "按类别与级别" in text
    assert "表内勾稽（arithmetic）" in text
    assert "\x1b[1;31m[错误]" in ansi and "\x1b[33m[警告]" in ansi and "\x1b[36m[提示]" in ansi  # by severity


def test_text_no_color_and_quiet(bad_txt):
    r = CliRunner().invoke(main, ["check", "--no-color", str(bad_txt)])
    assert r.exit_code == 1 and "\x1b[" not in r.output and "BL101" in r.output
    r = CliRunner().invoke(main, ["check", "-q", str(bad_txt)])
    assert r.exit_code == 1 and "3 个错误" in r.output and "BL101" not in r.output


def test_json_of_a_pdf_document_validates(tmp_path, make_pdf, report_schema):
    pdf = make_pdf(tmp_path / "t.pdf")
    r = CliRunner().invoke(main, ["check", "--format", "json", str(pdf)])
    assert r.exit_code == 1
    report = json.loads(r.stdout)
    jsonschema.validate(report, report_schema)
    f = report["documents"][0]["findings"][0]
    assert f["rule"] == "BL101" and f["location"]["page"] == 1 and len(f["location"]["bbox"]) == 4


def test_text_ranks_documents_to_open_first(tmp_path, sample_result):
    import io

    from rich.console import Console

    from budgetlint.pipeline import check_file
    from budgetlint.report.text import render_text

    prose = tmp_path / "prose.txt"
    prose.write_text("2024年某局部门预算\n一、部门预算情况说明\n2024年收入预算 150.00 万元。\n", "utf-8")
    out = io.StringIO()
    render_text([check_file(str(prose)), sample_result], Console(file=out, width=200, color_system=None))
    ranking = out.getvalue().split("先看这些文件")[1]
    assert ranking.index("shandong-department-budget-2024") < ranking.index("prose.txt")  # errors first
