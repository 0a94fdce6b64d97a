"""Cross-document rules (BL8xx) over small hand-made pairs: each fires on a planted inconsistency
between two documents and stays quiet on the consistent pair."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from helpers import cross_findings, doc_of

from budgetlint.crossdoc import cross_check
from budgetlint.grouping import find_pairs, listed_units, normalise_org
from budgetlint.pipeline import Result
from budgetlint.rules.registry import all_rules, select

BUDGET = """
{org}{year}年{kind}

{intro}

收支总体情况表
单位：{unit}
收 入 | | 支 出 |
项目 | 预算数 | 项目 | 预算数
一、一般公共预算拨款收入 | {total} | 一、一般公共服务支出 | {total}
本年收入合计 | {total} | 本年支出合计 | {total}
收入总计 | {total} | 支出总计 | {total}

支出总体情况表
单位：{unit}
科目编码 | 科目名称 | 合计 | 基本支出 | 项目支出
| 合计 | {total} | {basic} | {project}
201 | 一般公共服务支出 | {total} | {basic} | {project}

一般公共预算支出情况表
单位：{unit}
科目编码 | 科目名称 | 合计 | 基本支出 | 项目支出
| 合计 | {total} | {basic} | {project}
201 | 一般公共服务支出 | {total} | {basic} | {project}

一般公共预算“三公”经费支出情况表
单位：万元
{prev} 年预算数 | | | | | | {year} 年预算数 | | | | |
合计 | 因公出国 (境) 经费 | 公务用车购置及运行维护费 | | | 公务接待费 | 合计 | 因公出国 (境) 经费 | 公务用车购置及运行维护费 | | | 公务接待费
| | 小计 | 公务用车购置经费 | 公务用车运行维护费 | | | | 小计 | 公务用车购置经费 | 公务用车运行维护费 |
{tp_prev} | | | | | {tp_prev} | {tp} | | | | | {tp}
"""

FINAL = """
{org}{year}年部门决算

一般公共预算财政拨款支出决算表
单位：万元
科目编码 | 科目名称 | 年初预算数 | | | 决算数 | |
| | 合计 | 基本支出 | 项目支出 | 合计 | 基本支出 | 项目支出
| 合计 | {b_total} | 60.00 | 40.00 | 90.00 | 55.00 | 35.00
201 | 一般公共服务支出 | {b_total} | 60.00 | 40.00 | 90.00 | 55.00 | 35.00

一般公共预算财政拨款“三公”经费支出决算表
单位：万元
预算数 | | | | | | 决算数 | | | | |
合计 | 因公出国（境）费 | 公务用车购置及运行费 | | | 公务接待费 | 合计 | 因公出国（境）费 | 公务用车购置及运行费 | | | 公务接待费
| | 小计 | 公务用车购置费 | 公务用车运行费 | | | | 小计 | 公务用车购置费 | 公务用车运行费 |
{tp} | | | | | {tp} | 3.00 | | | | | 3.00
"""

ORG = "甲市统计局"


def budget(year=2024, org=ORG, kind="部门预算", unit="万元", total="100.00", basic="60.00", project="40.00",
           tp="5.00", tp_prev="4.00", intro="一、部门概况", path=None):
    text = BUDGET.format(org=org, year=year, prev=year - 1, kind=kind, unit=unit, total=total, basic=basic,
                         project=project, tp=tp, tp_prev=tp_prev, intro=intro)
    return doc_of(text, path or f"{org}-{year}-{kind}.txt")


def final(year=2024, b_total="100.00", tp="5.00"):
    return doc_of(FINAL.format(org=ORG, year=year, b_total=b_total, tp=tp), f"{ORG}-{year}-决算.txt")


def run(*docs):
    return [(path, f.rule, f.severity.value, f.found, f.expected) for path, f in cross_findings(docs, ["BL8"])]


def test_year_over_year_quiet_then_fires_on_three_public():
    prev = budget(2023, tp="4.00", tp_prev="3.00")
    assert run(budget(2024, tp_prev="4.00"), prev) == []
    hits = run(budget(2024, tp_prev="4.50"), prev)
    assert {(h[1], h[2], h[3], h[4]) for h in hits} == {("BL801", "error", Decimal("4.50"), Decimal("4.00"))}
    assert hits[0][0].endswith("2024-部门预算.txt")  # on the later year


def test_budget_final_quiet_then_fires():
    b = budget(2024)
    assert run(final(), b) == []
    hits = run(final(b_total="110.00"), b)
    assert [(h[1], h[3], h[4]) for h in hits] == [("BL803", Decimal("110.00"), Decimal("100.00"))]
    assert hits[0][0].endswith("决算.txt")
    hits = run(final(tp="6.00"), b)
    assert [(h[1], h[3], h[4]) for h in hits] == [("BL803", Decimal("6.00"), Decimal("5.00"))]


def test_budget_final_many_differences_are_one_warning():
    b = budget(2024, total="200.00", basic="120.00", project="80.00", tp="9.00")
    hits = run(final(), b)
    assert [(h[1], h[2]) for h in hits] == [("BL803", "warning")]


def test_finding_names_the_other_document_and_cell():
    b = budget(2024)
    results = [Result(path=d.path, document=d) for d in (final(tp="6.00"), b)]
    cross_check(results, select(all_rules(), ["BL803"], None))
    (f,) = results[0].findings
    assert f.other is not None and f.other.document == b.path and f.other.table_title
    assert f.to_dict()["other"]["document"] == b.path
    assert b.path.split("/")[-1] in f.message


UNITS_INTRO = "一、机构设置\n纳入本部门预算编制范围的预算单位共计2家，具体包括：甲市统计局机关、甲市统计局普查中心。"


def test_department_units_with_every_listed_unit():
    dept = budget(intro=UNITS_INTRO, total="100.00", basic="60.00", project="40.00", tp="5.00")
    u1 = budget(org="甲市统计局机关", kind="单位预算", total="700000.00", basic="400000.00", project="300000.00",
                tp="3.00", unit="元")
    u2 = budget(org="甲市统计局普查中心", kind="单位预算", total="30.00", basic="20.00", project="10.00", tp="2.00")
    assert run(dept, u1, u2) == []  # 70 万元 (printed in 元) + 30 万元
    bad = budget(org="甲市统计局普查中心", kind="单位预算", total="30.00", basic="21.00", project="9.00", tp="2.00")
    hits = run(dept, u1, bad)
    assert {(h[1], h[2]) for h in hits} == {("BL802", "error")}
    assert all(h[0] == dept.path for h in hits)


def test_department_units_missing_unit_is_a_note():
    dept = budget(intro=UNITS_INTRO)
    u1 = budget(org="甲市统计局机关", kind="单位预算", total="70.00", basic="40.00", project="30.00", tp="3.00")
    hits = run(dept, u1)
    # one cause (a listed unit absent): one note, however many figures it moves
    assert [(h[1], h[2]) for h in hits] == [("BL802", "info")]


def test_duplicate_publication_differs():
    a = budget(path="a.txt")
    assert run(a, budget(path="b.txt")) == []
    hits = run(a, budget(path="b.txt", tp="5.50"))  # 2 of 30 cells differ
    assert hits and {(h[0], h[1], h[2]) for h in hits} == {("b.txt", "BL804", "error")}


def test_unrelated_documents_are_not_paired():
    assert find_pairs([budget(2024), budget(2024, org="乙市统计局"), budget(2022)]) == []


def test_org_names_and_listed_units():
    assert normalise_org("甲市 统计局（本级）") == normalise_org("甲市统计局") == "甲市统计局"
    dept = budget(intro=UNITS_INTRO)
    assert listed_units(dept)[0] == ["甲市统计局机关", "甲市统计局普查中心"]


def test_pair_rules_never_run_on_one_document():
    doc = budget()
    assert all(list(r.run(doc)) == [] for r in select(all_rules(), ["cross_document"], None))


def test_internal_divisions_are_not_units():
    intro = ("一、机构设置\n本部门内设机构包括：办公室、综合协调处、政策法规处。本部门下属单位包括：甲市统计局普查中心。"
             "从预算单位构成看，纳入本部门预算编制范围的预算单位共计2家，具体包括：甲市统计局（本级），甲市统计局普查中心。")
    dept = budget(intro=intro)
    assert listed_units(dept) == (["甲市统计局", "甲市统计局普查中心"], 2)
    u2 = budget(org="甲市统计局普查中心", kind="单位预算", total="30.00", basic="20.00", project="10.00", tp="2.00")
    (pair,) = find_pairs([dept, u2])
    assert pair.missing == ["甲市统计局（本级）"]


def test_check_runs_cross_document_rules_over_its_files(tmp_path):
    import json

    from click.testing import CliRunner
    from helpers import tsv

    from budgetlint import cli

    b = tmp_path / "budget.txt"
    f = tmp_path / "final.txt"
    b.write_text(tsv(BUDGET.format(org=ORG, year=2024, prev=2023, kind="部门预算", unit="万元", total="100.00",
                                   basic="60.00", project="40.00", tp="5.00", tp_prev="4.00", intro="")), "utf-8")
    f.write_text(tsv(FINAL.format(org=ORG, year=2024, b_total="100.00", tp="6.00")), "utf-8")
    args = ["check", "--format", "json", "--select", "BL8", str(b), str(f)]
    out = json.loads(CliRunner().invoke(cli.main, args).stdout)
    found = {d["path"]: [x["rule"] for x in d["findings"]] for d in out["documents"]}
    assert found == {str(b): [], str(f): ["BL803"]}
    import jsonschema

    schema = json.loads((Path(cli.__file__).parent / "report" / "schema.json").read_text("utf-8"))
    jsonschema.validate(out, schema)
    other = out["documents"][1]["findings"][0]["other"]
    assert other["document"] == str(b) and other["table_title"]
    out = json.loads(CliRunner().invoke(cli.main, [*args, "--no-cross"]).stdout)
    assert all(d["findings"] == [] for d in out["documents"])


# The 三公 table printed with the items as rows, one figure column per year (or, in a 决算,
# 预算数 | 决算数): the same checks through the figure resolver.

ROW_SHAPED = """
{org}{year}年部门预算

一般公共预算“三公”经费支出情况表
单位：万元
项目 | {prev}年预算数 | {year}年预算数 | 增减
合计 | {tp_prev} | {tp} | 0.00
因公出国（境）费 | {abroad_prev} | {abroad} | 0.00
公务用车购置及运行费 | {vehicle} | {vehicle} | 0.00
其中：公务用车购置费 | 0.00 | 0.00 | 0.00
公务用车运行费 | {vehicle} | {vehicle} | 0.00
公务接待费 | {reception_prev} | 1.00 | 0.00
"""

ROW_SHAPED_FINAL = """
{org}{year}年部门决算

一般公共预算财政拨款“三公”经费支出决算表
单位：万元
项目 | 预算数 | 决算数
合计 | {tp} | 4.50
因公出国（境）费 | {abroad} | 1.50
公务用车购置及运行费 | 2.00 | 2.00
其中：公务用车购置费 | 0.00 | 0.00
公务用车运行费 | 2.00 | 2.00
公务接待费 | 1.00 | 1.00
"""


def row_budget(year, tp="5.00", abroad="2.00", tp_prev="5.00", abroad_prev="2.00", vehicle="2.00",
               reception_prev="1.00"):
    text = ROW_SHAPED.format(org=ORG, year=year, prev=year - 1, tp=tp, abroad=abroad, tp_prev=tp_prev,
                             abroad_prev=abroad_prev, vehicle=vehicle, reception_prev=reception_prev)
    return doc_of(text, f"{ORG}-{year}-部门预算.txt")


def test_year_over_year_with_row_shaped_three_public_tables():
    prev = row_budget(2023, tp="5.00", abroad="2.00", tp_prev="4.00", abroad_prev="1.00")
    assert run(row_budget(2024, tp_prev="5.00", abroad_prev="2.00"), prev) == []
    # this year's document prints last year's 因公出国（境）费 (and so the total) one 万元 higher
    hits = run(row_budget(2024, tp="6.00", abroad="3.00", tp_prev="6.00", abroad_prev="3.00"), prev)
    assert sorted((h[1], h[2], h[3], h[4]) for h in hits) == [
        ("BL801", "error", Decimal("3.00"), Decimal("2.00")), ("BL801", "error", Decimal("6.00"), Decimal("5.00"))]
    assert all(h[0].endswith("2024-部门预算.txt") for h in hits)
    # the budget year's own column is never compared with last year's document
    assert run(row_budget(2024, tp="9.00", abroad="6.00", tp_prev="5.00", abroad_prev="2.00"), prev) == []


def test_year_over_year_row_shaped_against_items_as_columns():
    # last year's document prints 4.00 as its 合计 and its 公务接待费, the other items blank
    prev = budget(2023, tp="4.00", tp_prev="3.00")  # items as columns under year groups
    assert run(row_budget(2024, tp_prev="4.00", abroad_prev="0.00", vehicle="0.00", reception_prev="4.00"), prev) == []
    hits = run(row_budget(2024, tp_prev="4.50", abroad_prev="0.00", vehicle="0.00", reception_prev="4.50"), prev)
    assert sorted((h[1], h[3], h[4]) for h in hits) == [("BL801", Decimal("4.50"), Decimal("4.00"))] * 2


def row_final(tp="5.00", abroad="2.00", reception="1.00"):
    text = ROW_SHAPED_FINAL.format(org=ORG, year=2024, tp=tp, abroad=abroad).replace(
        "公务接待费 | 1.00 | 1.00", f"公务接待费 | {reception} | 1.00")
    return doc_of(text, f"{ORG}-2024-决算.txt")


def test_budget_final_with_a_row_shaped_final_three_public_table():
    b = row_budget(2024)  # 合计 5.00: 因公出国 2.00, 公务用车 2.00 (运行 2.00), 公务接待 1.00
    assert run(row_final(), b) == []
    # 因公出国 one more: the 合计 moves with it — one finding, at the item
    hits = run(row_final(tp="6.00", abroad="3.00"), b)
    assert [(h[1], h[2], h[3], h[4]) for h in hits] == [("BL803", "error", Decimal("3.00"), Decimal("2.00"))]
    assert hits[0][0].endswith("决算.txt")
    # the 合计 alone off (its items agree): the 合计
    hits = run(row_final(tp="6.00"), b)
    assert [(h[1], h[2], h[3], h[4]) for h in hits] == [("BL803", "error", Decimal("6.00"), Decimal("5.00"))]


def test_budget_final_items_that_change_places_under_one_total():
    # 0.50 moved from 公务接待费 to 因公出国: the 合计 agrees, two items do not
    hits = run(row_final(abroad="2.50", reception="0.50"), row_budget(2024))
    assert sorted((h[1], h[2], h[3], h[4]) for h in hits) == [
        ("BL803", "error", Decimal("0.50"), Decimal("1.00")), ("BL803", "error", Decimal("2.50"), Decimal("2.00"))]


def test_budget_final_whose_items_differ_everywhere_is_one_warning():
    # the budget puts the whole 5.00 under 公务接待费, the 决算's 预算数 spreads it over three items:
    # most items differ at once — two bases or a misreading, one warning
    hits = run(row_final(), budget(2024, tp="5.00"))
    assert [(h[1], h[2]) for h in hits] == [("BL803", "warning")]


def test_department_unit_off_by_one_amount_is_an_error_not_a_basis_warning():
    # one unit's basic spending 1.00 higher: 收入总计, 支出总计 and 基本支出 all off by the same 1.00 —
    # one difference carried into the totals, reported as errors (3 of 5 figures would otherwise
    # read as two documents on different bases)
    dept = budget(intro=UNITS_INTRO, total="100.00", basic="60.00", project="40.00", tp="5.00")
    u1 = budget(org="甲市统计局机关", kind="单位预算", total="70.00", basic="40.00", project="30.00", tp="3.00")
    bad = budget(org="甲市统计局普查中心", kind="单位预算", total="31.00", basic="21.00", project="10.00", tp="2.00")
    hits = run(dept, u1, bad)
    assert {(h[1], h[2]) for h in hits} == {("BL802", "error")} and len(hits) == 3
    assert {h[3] - h[4] for h in hits} == {Decimal("-1.00")}


def test_department_units_listed_after_subordinate_units_colon():
    intro = "一、机构设置\n甲市统计局下设2个所属单位：甲市统计调查中心、甲市普查服务中心。"
    assert listed_units(budget(intro=intro)) == (["甲市统计调查中心", "甲市普查服务中心"], 2)


TWICE = """
{org}2024年部门预算

财政拨款收支总表
单位：万元
收入 | | 支出 | | | |
项 目 | 金额 | 项 目 | 合计 | 一般公共预算财政拨款 | 政府性基金预算财政拨款
一、一般公共预算拨款 | 90.00 | 一、一般公共服务支出 | 100.00 | 100.00 |
二、政府性基金预算拨款 | | 二、教育支出 | | |
本年收入合计 | 90.00 | 本年支出合计 | 100.00 | 100.00 |
年初财政拨款结转和结余 | 10.00 | 年末财政拨款结转和结余 | | |
一、一般公共预算拨款 | {carry} | | | |
二、政府性基金预算拨款 | | | | |
收入总计 | 100.00 | 支出总计 | 100.00 | 100.00 |

支出总体情况表
单位：万元
科目编码 | 科目名称 | 合计 | 基本支出 | 项目支出
| 合计 | 100.00 | 60.00 | 40.00
201 | 一般公共服务支出 | 100.00 | 60.00 | 40.00
20105 | 统计信息事务 | 100.00 | 60.00 | 40.00
2010501 | 行政运行 | 60.00 | 60.00 |
2010502 | 一般行政管理事务 | 40.00 | | 40.00
"""


def test_duplicate_rows_printed_twice_in_one_table_are_paired_in_order():
    # "一、一般公共预算拨款" is this year's income and again the carry-over's part: the first row of
    # one copy is compared with the first of the other, never with the second
    a = doc_of(TWICE.format(org=ORG, carry="10.00"), "a.txt")
    assert run(a, doc_of(TWICE.format(org=ORG, carry="10.00"), "b.txt")) == []
    hits = run(a, doc_of(TWICE.format(org=ORG, carry="12.00"), "b.txt"))
    assert [(h[0], h[1], h[3], h[4]) for h in hits] == [("b.txt", "BL804", Decimal("12.00"), Decimal("10.00"))]


def test_department_code_glued_to_its_name_still_names_the_body():
    # a PDF reader closing the gap of "392078 甲市统计局" (Hebei's code line above each table)
    text = "2024年部门预算信息公开目录\n\n392078甲市统计局\n\n预算年度：2024\n\n123456789012\n"
    assert doc_of(text, "a.txt").meta.organisation == "甲市统计局"
    assert doc_of("2024年部门预算信息公开目录\n\n392078123\n", "b.txt").meta.organisation == ""
    glued = doc_of("2024年单位预算信息公开目录\n\n392078甲市统计局（本级）\n", "c.txt")
    assert normalise_org(glued.meta.organisation) == "甲市统计局"
