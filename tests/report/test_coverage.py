"""What was checked: every report says it, and silence is green only for a document checked in full."""

from __future__ import annotations

import io
import json

from helpers import tsv
from openpyxl import load_workbook
from rich.console import Console

from budgetlint.coverage import Status
from budgetlint.pipeline import check_file
from budgetlint.report.excel import write_report_xlsx
from budgetlint.report.html import render_html
from budgetlint.report.json_report import render_json
from budgetlint.report.text import render_text

NARRATIVE = """2024年某某局部门预算
目录
一、收支总体情况表
二、支出总体情况表
一、部门预算情况说明
2024年收入预算 150.00 万元，比上年增加 10.00 万元，增长 7.1%。
"""

TABLE = tsv("""
2024年某某局部门预算
支出总体情况表
单位：万元
科目编码 | 科目名称 | 合计 | 基本支出 | 项目支出
201 | 一般公共服务支出 | 150.00 | 100.00 | 50.00
20101 | 人大事务 | 150.00 | 100.00 | 50.00
合计 |  | 150.00 | 100.00 | 50.00
""")


def _check(tmp_path, name: str, text: str):
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return check_file(str(p))


def _text(results) -> str:
    out = io.StringIO()
    render_text(results, Console(file=out, width=200, color_system=None))
    return out.getvalue()


def test_narrative_only_is_not_no_problems(tmp_path):
    r = _check(tmp_path, "prose.txt", NARRATIVE)
    assert r.error is None and not r.document.tables
    assert r.coverage.status is Status.NARRATIVE_ONLY
    # the tables its contents list are named as expected elsewhere
    assert "收支总体情况表" in r.coverage.not_checked[0] and "支出总体情况表" in r.coverage.not_checked[0]
    text = _text([r])
    assert "仅文字说明" in text and "未发现问题，但" in text
    doc = json.loads(render_json([r]))["documents"][0]
    assert doc["coverage"]["status"] == "narrative_only"
    html = render_html([r])
    assert 'class="none">未发现问题<' not in html and "仅文字说明" in html


def test_a_table_checked_in_full_is_quiet_and_green(tmp_path):
    r = _check(tmp_path, "table.txt", TABLE)
    assert r.coverage.status is Status.CHECKED, r.coverage
    assert r.coverage.tables_checked == r.coverage.tables == 1
    assert "未发现问题，但" not in _text([r])
    assert 'class="none">未发现问题<' in render_html([r])


def test_toc_listed_table_not_found_makes_it_partial(tmp_path):
    r = _check(tmp_path, "part.txt", TABLE.replace("2024年某某局部门预算\n",
                                                     "2024年某某局部门预算\n目录\n一、收支总体情况表\n二、支出总体情况表\n\f"))
    assert r.coverage.status is Status.PARTIAL
    assert r.coverage.listed_not_found == ["收支总体情况表"]


def test_not_a_disclosure_and_unreadable_are_named(tmp_path):
    notice = _check(tmp_path, "notice.txt", "关于举办秋季运动会的通知\n各单位：定于十月举行。\n")
    missing = check_file(str(tmp_path / "absent.pdf"))
    assert notice.coverage.status is Status.NOT_DISCLOSURE
    assert missing.coverage.status is Status.UNREADABLE
    text = _text([notice, missing])
    assert "非预决算公开文档" in text and "无法读取" in text


def test_excel_summary_ranks_documents_with_their_scope(tmp_path):
    bad = TABLE.replace("150.00", "160.00", 1)  # 201's 合计 is no longer 基本 + 项目
    results = [_check(tmp_path, "table.txt", TABLE), _check(tmp_path, "prose.txt", NARRATIVE),
               _check(tmp_path, "bad.txt", bad)]
    out = tmp_path / "r.xlsx"
    write_report_xlsx(results, out)
    ws = load_workbook(out)["汇总"]
    header = [c.value for c in ws[1]]
    rows = [[c.value for c in row] for row in ws.iter_rows(min_row=2, max_row=4)]
    name, scope = header.index("文件"), header.index("检查范围")
    # the document with an error first, then the one not checked in full, the clean one last
    assert [r[name] for r in rows] == ["bad.txt", "prose.txt", "table.txt"]
    assert [r[scope] for r in rows][1:] == ["仅文字说明（未见表格）", "已检查"]


def test_sarif_notes_a_document_not_checked_in_full(tmp_path):
    from budgetlint.report.sarif import render_sarif

    results = [_check(tmp_path, "prose.txt", NARRATIVE), _check(tmp_path, "table.txt", TABLE)]
    run = json.loads(render_sarif(results))["runs"][0]
    notes = run["invocations"][0]["toolExecutionNotifications"]
    assert run["invocations"][0]["executionSuccessful"] is True
    assert len(notes) == 1 and notes[0]["level"] == "note" and "仅文字说明" in notes[0]["message"]["text"]
    assert run["artifacts"][1]["properties"]["coverage"]["status"] == "checked"
