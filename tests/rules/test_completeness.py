"""Completeness (BL6xx): tables and sections a document announces or must contain."""

from __future__ import annotations

from helpers import doc_of

from budgetlint.pipeline import run_rules
from budgetlint.rules.registry import REGISTRY, all_rules


def run(text: str, *ids: str):
    all_rules()
    return run_rules(doc_of(text), [REGISTRY[i] for i in ids])


def table(title: str, value: str = "10.00", note: str = "") -> str:
    return f"""
{title}
单位：万元
科目编码 | 科目名称 | 合计 | 基本支出 | 项目支出
| 合计 | {value} | {value} |
201 | 一般公共服务支出 | {value} | {value} |
{note}
"""


NINE = ["收支总体情况表", "收入总体情况表", "支出总体情况表", "财政拨款收支总体情况表", "一般公共预算支出情况表",
        "一般公共预算基本支出情况表", "一般公共预算“三公”经费支出情况表", "政府性基金预算支出情况表",
        "国有资本经营预算支出情况表"]


def test_bl601_toc_entry_without_its_table():
    toc = "目录\n一、收入总体情况表\n二、支出总体情况表\n\n第一部分 部门概况\n部门负责某某工作。\n"
    tables = "".join(table(t) for t in NINE if t != "收入总体情况表")
    body = "2024年某局部门预算\n" + toc + tables
    doc = doc_of(body)
    assert "一、收入总体情况表" in doc.toc and "income_summary" not in {t.kind for t in doc.tables}
    assert [f.expected for f in run(body, "BL601")] == ["收入总体情况表"]
    complete = "2024年某局部门预算\n" + toc + "".join(table(t) for t in NINE)
    assert run(complete, "BL601") == []


def test_bl602_required_tables_for_the_kind():
    kinds = {t.kind for t in doc_of("2024年某局部门预算\n" + "".join(table(t) for t in NINE)).tables}
    assert len(kinds) >= 5
    complete = "2024年某局部门预算\n" + "".join(table(t) for t in NINE)
    missing = {f.expected for f in run(complete, "BL602")}
    # the hand-made tables are all grids; the balance tables need their own layout to be recognised
    without_fund = complete.replace(table(NINE[7]), "")
    assert "政府性基金预算支出情况表" in {f.expected for f in run(without_fund, "BL602")} - missing
    # a performance-target document has no required tables
    assert run(complete.replace("部门预算", "项目绩效目标"), "BL602") == []


def test_bl603_empty_table_needs_its_note():
    empty = "2024年某局部门预算\n" + table("国有资本经营预算支出情况表", "")
    assert [f.rule for f in run(empty, "BL603")] == ["BL603"]
    noted = "2024年某局部门预算\n" + table("国有资本经营预算支出情况表", "", "注：本部门无国有资本经营预算拨款安排的支出，故本表为空表。")
    assert doc_of(noted).tables[0].empty_note
    assert run(noted, "BL603") == []
    assert run("2024年某局部门预算\n" + table("国有资本经营预算支出情况表"), "BL603") == []


def test_bl604_empty_note_with_figures():
    text = "2024年某局部门预算\n" + table("国有资本经营预算支出情况表", "5.00", "注：无国有资本经营预算支出，空表列示。")
    hits = run(text, "BL604")
    assert [f.rule for f in hits] == ["BL604"] and hits[0].severity.value == "error"
    quiet = "2024年某局部门预算\n" + table("国有资本经营预算支出情况表", "", "注：无国有资本经营预算支出，空表列示。")
    assert run(quiet, "BL604") == []
    # A note saying what a blank table *would* mean does not say this one is blank.
    conditional = "2024年某局部门预算\n" + table("国有资本经营预算支出情况表", "5.00",
                                              "注：本表反映部门本年度经费情况，此表如无数字则表示单位无该项支出。")
    assert run(conditional, "BL604") == []


SECTIONS = """2024年某局部门预算

第三部分 2024年部门预算情况说明
一、预算收支增减变化情况说明
收入预算100万元。
二、“三公”经费支出情况
{three}
三、机关运行经费情况
机关运行经费10万元。
"""


def test_bl605_announced_section_without_content():
    assert run(SECTIONS.format(three="“三公”经费预算5万元。"), "BL605") == []
    hits = run(SECTIONS.format(three=""), "BL605")
    assert [f.location.line for f in hits] == [6]
    # a heading followed by its sub-headings is not empty
    assert run(SECTIONS.format(three="（一）因公出国（境）费\n因公出国（境）费1万元。"), "BL605") == []
    # the last heading of a document with nothing after it
    assert [f.rule for f in run(SECTIONS.format(three="5万元。") + "四、政府采购情况\n", "BL605")] == ["BL605"]


HEADINGS = """2024年某局{kind}

目录
第一部分 {toc}
第二部分 2024年{kind}表

第一部分 {body}
一、主要职责
负责某某工作，纳入部门预算管理的单位预算包括本级。
"""


def test_bl606_department_and_unit_headings():
    assert run(HEADINGS.format(kind="部门预算", toc="部门概况", body="部门概况"), "BL606") == []
    hits = run(HEADINGS.format(kind="部门预算", toc="单位概况", body="部门概况"), "BL606")
    assert [f.found for f in hits] == ["单位"]
    hits = run(HEADINGS.format(kind="单位预算", toc="单位概况", body="部门概况"), "BL606")
    assert [f.found for f in hits] == ["部门"] and "部门概况" in hits[0].evidence


def test_bl602_tables_the_template_prints():
    """A document recognised as the Shandong template must also have its 基本支出预算情况表 (and the
    other tables its 第二部分 prints); a document of no known template is held to the nine only."""
    from budgetlint.eval.compose import compose
    from budgetlint.eval.generate import generate
    from budgetlint.eval.render import renderer

    comp = compose(generate(3, carry=False), "shandong")
    basic = comp.table("basic_expenditure")
    text = renderer("text").render(comp).data.decode("utf-8")
    assert doc_of(text).meta.template == "shandong"
    assert run(text, "BL602") == []
    comp.blocks.remove(basic)
    text = renderer("text").render(comp).data.decode("utf-8")
    assert [f.expected for f in run(text, "BL602")] == ["基本支出预算情况表"]


def test_bl603_zeros_written_out_are_not_an_empty_table():
    zeros = "2024年某局部门预算\n" + table("国有资本经营预算支出情况表", "0.00")
    assert run(zeros, "BL603") == []


FINAL_NINE = ["收入支出决算总表", "收入决算表", "支出决算表", "财政拨款收入支出决算总表", "一般公共预算财政拨款支出决算表",
              "一般公共预算财政拨款基本支出决算表", "财政拨款“三公”经费支出决算表",
              "政府性基金预算财政拨款收入支出决算表", "国有资本经营预算财政拨款支出决算表"]


def test_bl602_required_tables_of_final_accounts():
    body = "2024年某局部门决算\n" + "".join(table(t) for t in FINAL_NINE)
    before = {f.expected for f in run(body, "BL602")}  # the grid stand-ins recognised as such
    without = body.replace(table(FINAL_NINE[8]), "")
    assert {f.expected for f in run(without, "BL602")} - before == {"国有资本经营预算支出情况表"}
    unit = without.replace("部门决算", "单位决算")
    assert "国有资本经营预算支出情况表" in {f.expected for f in run(unit, "BL602")}


def test_bl602_template_tables_only_when_the_document_follows_that_set():
    """The nine standard tables under titles the Shandong template shares: nothing of Shandong's
    longer set is printed or listed, so its extra tables are not demanded; one of them printed is not
    enough (a 基本支出表 alone is common), two of the three are."""
    from budgetlint.eval.compose import compose
    from budgetlint.eval.generate import generate
    from budgetlint.eval.render import renderer

    comp = compose(generate(3, carry=False), "shandong")
    extras = [comp.table(k) for k in ("basic_expenditure", "project_expenditure", "procurement")]
    for t in extras:
        comp.blocks.remove(t)
    text = renderer("text").render(comp).data.decode("utf-8")
    assert doc_of(text).meta.template == "shandong"
    assert run(text, "BL602") == []
    comp.blocks.append(extras[0])
    text = renderer("text").render(comp).data.decode("utf-8")
    assert run(text, "BL602") == []
    comp.blocks.append(extras[1])
    text = renderer("text").render(comp).data.decode("utf-8")
    assert [f.expected for f in run(text, "BL602")] == ["政府采购预算表"]


def test_bl603_the_explanation_saying_there_is_none_explains_the_empty_table():
    empty = table("国有资本经营预算支出情况表", "")
    said = ("2024年某局部门预算\n第三部分 预算情况说明\n"
            "本单位无政府性基金预算支出、国有资本经营预算支出。\n" + empty)
    assert run(said, "BL603") == []
    zero = ("2024年某局部门预算\n第三部分 预算情况说明\n"
            "财政拨款支出预算中，一般公共预算拨款支出预算100万元；国有资本经营预算拨款支出预算为0。\n" + empty)
    assert run(zero, "BL603") == []
    # a sentence a line break cut in two; a zero amount without 为
    broken = ("2024年某局部门预算\n第三部分 预算情况说明\n"
              "财政拨款支出预算中，一般公共预算拨款支出预算100万元；国有资本经营预算拨款支出\n预算0万元，与上年持平。\n"
              + empty)
    assert run(broken, "BL603") == []
    # prose about another fund, or a figure that is not zero, explains nothing
    other = ("2024年某局部门预算\n第三部分 预算情况说明\n"
             "本单位无政府性基金预算支出；国有资本经营预算拨款支出预算为0.5万元。\n" + empty)
    assert [f.rule for f in run(other, "BL603")] == ["BL603"]


def test_bl603_a_note_in_other_words_or_a_line_in_the_table_explains_it():
    note = "2024年某局部门预算\n" + table("国有资本经营预算支出情况表", "", "注：本表本年无发生额。")
    assert not doc_of(note).tables[0].empty_note  # not the wording recognise reads as an empty note
    assert run(note, "BL603") == []
    inside = "2024年某局部门预算\n" + table("国有资本经营预算支出情况表", "").replace(
        "201 | 一般公共服务支出", "此表为空 | ")
    assert run(inside, "BL603") == []


def test_bl603_a_blank_template_is_one_finding():
    blank = "2024年某局部门预算\n" + "".join(table(t, "") for t in NINE[4:])
    hits = run(blank, "BL603")
    assert len([t for t in doc_of(blank).tables if t.is_empty]) >= 3 and len(hits) == 1
    assert "未填写的模板" in hits[0].message and NINE[4] in hits[0].message
    # among filled tables, each empty one is its own finding
    two = "2024年某局部门预算\n" + "".join(table(t, "" if i >= 6 else "10.00") for i, t in enumerate(NINE))
    hits = run(two, "BL603")
    assert len(hits) == 2 and not any("模板" in f.message for f in hits)


def test_bl601_bl602_a_printed_title_whose_table_was_not_read_is_not_missing():
    """The table's title printed on a line of its own, the table under it unread: a reading problem."""
    toc = "目录\n一、收入总体情况表\n二、支出总体情况表\n\n第一部分 部门概况\n部门负责某某工作。\n"
    tables = "".join(table(t) for t in NINE if t != "收入总体情况表")
    unread = "收入总体情况表\n（表格未能读取的内容）\n"
    assert [f.expected for f in run("2024年某局部门预算\n" + toc + tables, "BL601")] == ["收入总体情况表"]
    assert run("2024年某局部门预算\n" + toc + tables + unread, "BL601") == []
    body = "2024年某局部门预算\n" + "".join(table(t) for t in NINE if "三公" not in t)
    assert "“三公”经费支出情况表" in {f.expected for f in run(body, "BL602")}
    printed = body + "财政拨款安排的行政经费及“三公”经费预算表\n（表格未能读取的内容）\n"
    assert "“三公”经费支出情况表" not in {f.expected for f in run(printed, "BL602")}
    # a numbered list of the tables is not the table printed
    listed = body + "八、财政拨款安排的行政经费及“三公”经费预算表\n"
    assert "“三公”经费支出情况表" in {f.expected for f in run(listed, "BL602")}


def test_bl606_a_line_of_a_sentence_is_not_a_heading():
    text = HEADINGS.format(kind="部门预算", toc="部门概况", body="部门概况").replace(
        "负责某某工作，", "本单位无独立核算下属单位，单位预算为本级预算，本单\n位下设三个科室。负责某某工作，")
    assert run(text, "BL606") == []
