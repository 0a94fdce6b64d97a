"""Narrative claims: extraction from the prose and binding to the model."""

from __future__ import annotations

from decimal import Decimal

from helpers import doc_of, tsv

from budgetlint.ingest.text import text_to_source
from budgetlint.recognise import recognise
from budgetlint.recognise.claims import bind, binding_stats, extract_claims
from budgetlint.recognise.normalise import squash

TEXT = """2024年某局部门预算

收支总体情况表
单位：元
收 入 | | 支 出 |
项目 | 预算数 | 项目 | 预算数
一、财政拨款收入 | 1,000,000.00 | 一、一般公共服务支出 | 1,000,000.00
一般公共预算收入 | 1,000,000.00 | |
本年收入合计 | 1,000,000.00 | 本年支出合计 | 1,000,000.00
收入总计 | 1,000,000.00 | 支出总计 | 1,000,000.00

第一部分 部门概况
一、主要职责
负责收入预算 5 万元以内的某某工作。
第三部分 情况说明
一、收支预算情况
2024 年收入预算 100 万元，比上年减少 20.5 万元，下降 17.01%，其中：一般公共预算收入 100 万元。
单位价值 100 万元以上的设备 0 台，另有某某费用 3 万元。
二、“三公”经费支出情况
“三公”经费预算 2 万元，与上年基本持平。
"""


def test_claims_subject_amount_change_percent_and_parts():
    doc = doc_of(TEXT)
    claims = extract_claims(doc)
    first = claims[0]
    assert first.subject == "income_total" and first.amount.value == Decimal("100") and first.amount.unit.value == "万元"
    assert first.change.value == Decimal("-20.5") and first.percent.value == Decimal("-17.01")
    assert [p.subject for p in first.parts] == ["income.general"] and first.parts_word == "其中"
    # 主要职责 is not the explanation part; "100 万元以上" is a threshold, not a claim
    assert all(c.provenance.line > 14 for c in claims)
    assert [c.amount.value for c in claims if c.subject is None] == [Decimal("3")]
    three = next(c for c in claims if c.subject == "three_public")
    assert three.flat == "基本持平"


def test_binding_converts_nothing_and_counts_what_it_could_bind():
    doc = doc_of(TEXT)
    claims = extract_claims(doc)
    (bound,) = bind(doc, claims[0])[:1]
    assert bound.table.unit.value == "元" and bound.value.amount == Decimal("1000000.00")
    # bound: income total, income.general; unbound: the unknown 3 万元 and 三公 (no table)
    assert binding_stats(doc) == (2, 4)


NARROW = """2024年某局部门预算

第三部分 情况说明
一、收支预算情况
本部门2024年一般公共预算基本支出 50 万元，财政拨款支出预算 80 万元。
该项目预算 30 万元（含上年结转 10 万元）。
二、“三公”经费支出情况
2024年一般公共预算财政拨款安排的“三公”经费预算 2 万元。其中：因公出国（境）费预算支出 1 万元，公务
接待费预算支出 1 万元，比上年预算数 0.8 万元增加 0.2 万元，增长 25%。
机关运行经费指……的各项资金。行政单位的基本支出。2025年执行数为 9 万元。
"""


def test_words_that_narrow_a_subject_leave_it_unbound():
    claims = extract_claims(doc_of(NARROW))
    subjects = {c.subject for c in claims}
    assert "basic" not in subjects and "expenditure_total" not in subjects and "income.carry_prior" not in subjects
    # a generic word after a specific subject adds nothing; the 三公 family allows its funding words
    assert {"three_public", "abroad", "reception"} <= subjects


def test_a_sentence_wrapped_over_lines_is_one_claim_with_the_base_it_states():
    claims = extract_claims(doc_of(NARROW))
    reception = next(c for c in claims if c.subject == "reception")
    assert reception.provenance.line == 8  # where the subject starts ("公务" ends line 8)
    assert (reception.base.value, reception.change.value, reception.percent.value) == (
        Decimal("0.8"), Decimal("0.2"), Decimal("25"))
    # a subject without a figure does not take the next sentence's figure (last year's 9 万元 here)
    assert not any(c.subject is not None and Decimal("9") in (c.amount and c.amount.value, c.base and c.base.value)
                   for c in claims)
    assert not any(c.subject == "basic" for c in claims)


# Shanghai: tables in 元, narrative in 万元, one paragraph per 功能分类 item, a one-row 三公 table
# with the 机关运行经费 beside it.
SHANGHAI = """2026年部门预算

2026年部门财务收支预算总表
单位：元
收 入 | | 支 出 |
项目 | 预算数 | 项目 | 预算数
一、财政拨款收入 | 260000.00 | 一、一般公共服务支出 | 10000.00
1.一般公共预算 | 260000.00 | 二、公共安全支出 | 220000.00
二、事业收入 | 0.00 | 三、住房保障支出 | 30000.00
收入总计 | 260000.00 | 支出总计 | 260000.00

2026年部门一般公共预算支出功能分类预算表
单位：元
功能分类科目编码 | 功能分类科目名称 | 合计 | 基本支出 | 项目支出
| 合计 | 260000.00 | 190000.00 | 70000.00
201 | 一般公共服务支出 | 10000.00 | 10000.00 | 0.00
20131 | 党委办公厅（室）及相关机构事务 | 10000.00 | 10000.00 | 0.00
2013101 | 行政运行 | 10000.00 | 10000.00 | 0.00
204 | 公共安全支出 | 220000.00 | 150000.00 | 70000.00
20406 | 司法 | 220000.00 | 150000.00 | 70000.00
2040601 | 行政运行 | 150000.00 | 150000.00 | 0.00
2040604 | 基层司法业务 | 70000.00 | 0.00 | 70000.00
221 | 住房保障支出 | 30000.00 | 30000.00 | 0.00
22102 | 住房改革支出 | 30000.00 | 30000.00 | 0.00
2210201 | 住房公积金 | 30000.00 | 30000.00 | 0.00

2026年部门“三公”经费和机关运行经费预算表
单位：万元
合计 | 因公出国（境）费 | 公务接待费 | 公务用车购置及运行费 | | | 机关运行经费
| | | 小计 | 购置费 | 运行费 |
1.50 | 0.00 | 0.50 | 1.00 | 0.00 | 1.00 | 3.20

六、其他相关情况说明
2026年，本部门收入预算26.00万元，其中：财政拨款收入26.00万元，比2025年预算增加1.00万元；事业收入0万元。
财政拨款支出主要内容如下：
1、公共安全支出（204类）司法（06款）行政运行（01项）15万元。主要用于：行政单位的基本支出。2025年当年预算执行数为14.00万元，2026年预算安排15.00万元，比2025年预算执行数增加7.14%。
2、“住房保障支出（类）住房改革支出（款）住房公积金（项）”3.00万元，主要用于住房公积金。
3、“一般公共服务支出”科目1.00万元，主要用于机关运行。
一、“三公”经费预算情况说明
2026年“三公”经费预算数为1.50万元，与2025年预算持平。其中：（一）因公出国（境）费0万元；（二）公务用车购置及运行费1.00万元；（三）公务接待费0.50万元。
二、机关运行经费预算
2026年本部门下属1家机关和1家参公事业单位财政拨款的机关运行经费预算为3.20万元。
"""


def _bound(doc, claim):
    return [(b.table.kind, b.row.label, b.column, b.value.amount) for b in bind(doc, claim)]


def test_function_items_bind_to_their_row_by_code_names_and_level():
    doc = doc_of(SHANGHAI)
    items = [c for c in extract_claims(doc) if c.subject == "function_item"]
    # the item, then the same item restated with last year's execution and the % ("2026年预算安排")
    first, again, fund, cls = items
    assert _bound(doc, first) == [("general_expenditure", "行政运行", "total", Decimal("150000.00"))]
    assert first.amount.value == Decimal("15") and first.amount.unit.value == "万元"
    assert _bound(doc, again) == _bound(doc, first)
    assert (again.base.value, again.amount.value, again.percent.value) == (Decimal("14.00"), Decimal("15.00"),
                                                                         Decimal("7.14"))
    assert _bound(doc, fund)[0][1:3] == ("住房公积金", "total")  # names only, in quotes
    assert _bound(doc, cls)[0][1] == "一般公共服务支出"  # "“…”科目": the 类 of that name


def test_function_items_that_name_no_one_row_stay_unbound():
    for old, new in [
        # two rows are called 行政运行: a 项 named alone is ambiguous
        ("公共安全支出（204类）司法（06款）行政运行（01项）15万元", "行政运行（项）15万元"),
        # the code printed is not in the table
        ("行政运行（01项）15万元", "行政运行（02项）15万元"),
        # words before the item narrow it
        ("1、公共安全支出（204类）司法（06款）行政运行（01项）15万元", "1、其中一般公共预算安排的行政运行（项）15万元"),
        ("2、“住房保障支出", "2、“其他住房保障支出"),
    ]:
        assert old in SHANGHAI
        doc = doc_of(SHANGHAI.replace(old, new))
        changed = next(c for c in extract_claims(doc) if squash(new)[:6] in c.text)
        assert changed.amount is not None and not bind(doc, changed), (new, _bound(doc, changed))


def test_one_row_three_public_table_and_operating_cost_bind():
    doc = doc_of(SHANGHAI)
    by = {c.subject: c for c in extract_claims(doc)}
    assert _bound(doc, by["three_public"]) == [("three_public", "", "total", Decimal("1.50"))]
    assert _bound(doc, by["reception"])[0][2:] == ("reception", Decimal("0.50"))
    assert _bound(doc, by["operating_cost"]) == [("three_public", "", "admin_operation", Decimal("3.20"))]
    assert _bound(doc, by["income.fiscal"])[0][:2] == ("income_expenditure_summary", "一、财政拨款收入")


def test_narrowed_three_public_operating_cost_and_fiscal_income_stay_unbound():
    text = SHANGHAI.replace("（三）公务接待费0.50万元", "（三）其中会议中的公务接待费0.50万元").replace(
        "下属1家机关和1家参公事业单位财政拨款的机关运行经费", "一般公共预算基本支出中的机关运行经费").replace(
        "其中：财政拨款收入26.00万元", "其中：用于基建的财政拨款收入26.00万元")
    claims = extract_claims(doc_of(text))
    subjects = {c.subject for c in claims}
    assert not {"reception", "operating_cost", "income.fiscal"} & subjects


def test_parts_of_a_narrowed_whole_are_not_the_whole_budgets_parts():
    text = """2024年某局部门预算

支出总体情况表
单位：万元
科目编码 | 科目名称 | 合计 | 基本支出 | 项目支出
| 合计 | 100.00 | 60.00 | 40.00
201 | 一般公共服务支出 | 100.00 | 60.00 | 40.00

第三部分 情况说明
一、支出预算情况
2024年支出预算100.00万元，其中：基本支出60.00万元，项目支出40.00万元。
2024年财政拨款支出预算80.00万元，其中：基本支出50.00万元，项目支出30.00万元。
"""
    doc = doc_of(text)
    basics = [c for c in extract_claims(doc) if c.subject == "basic"]
    assert [bool(bind(doc, c)) for c in basics] == [True, False]


FINAL = """2024年度某局部门决算

一般公共预算财政拨款支出决算表
单位：万元
科目编码 | 科目名称 | 本年支出 | |
| | 小计 | 基本支出 | 项目支出
| 合计 | 160.00 | 160.00 | 0.00
201 | 一般公共服务支出 | 160.00 | 160.00 | 0.00
20106 | 财政事务 | 160.00 | 160.00 | 0.00
2010601 | 行政运行 | 160.00 | 160.00 | 0.00

第三部分 2024年度部门决算情况说明
（三）一般公共预算财政拨款支出决算具体情况
一般公共预算财政拨款支出年初预算为170.00万元，支出决算为160.00万元，完成年初预算的94.12%。其中：
1、一般公共服务支出（类）财政事务（款）行政运行（项）。主要用于：人员经费。年初预算为170.00万元，支出决算为160.00万元，完成年初预算的94.12%。
八、政府性基金预算财政拨款收入支出决算情况说明
本年支出决算160.00万元。
"""


def test_final_accounts_bind_the_final_figure_and_keep_the_budget_apart():
    doc = doc_of(FINAL)
    claims = extract_claims(doc)
    total, item = claims[0], next(c for c in claims if c.subject == "function_item")
    assert total.subject == "expenditure.general" and _bound(doc, total)[0][3] == Decimal("160.00")
    # the title sentence names the item; the next sentences give its figures
    assert (item.budget.value, item.amount.value, item.rate.value) == (Decimal("170.00"), Decimal("160.00"),
                                                                       Decimal("94.12"))
    assert _bound(doc, item) == [("general_expenditure", "行政运行", "current_expenditure", Decimal("160.00"))]
    # "本年支出" under a heading naming the 政府性基金 is that fund's, not the whole budget's
    assert not any(bind(doc, c) for c in claims if c.subject == "expenditure_current")


def test_an_item_name_holding_a_dunhao_binds_to_its_own_row():
    """"执业资格注册、资质审查（项）" is one 项, not a list ending at its 款."""
    from helpers import doc_of as _doc

    from budgetlint.pipeline import run_rules
    from budgetlint.rules.registry import REGISTRY, all_rules

    text = """
上海市某局2024年度部门决算
一般公共预算财政拨款支出决算表
单位：万元
科目编码 | | | 科目名称 | 合计 | 基本支出 | 项目支出
类 | 款 | 项 | | | |
212 | | | 城乡社区支出 | 400.00 | 0.00 | 400.00
212 | 01 | | 城乡社区管理事务 | 400.00 | 0.00 | 400.00
212 | 01 | 02 | 一般行政管理事务 | 100.00 | 0.00 | 100.00
212 | 01 | 10 | 执业资格注册、资质审查 | 300.00 | 0.00 | 300.00
| | | 合计 | 400.00 | 0.00 | 400.00
五、一般公共预算财政拨款支出决算情况说明
（三）一般公共预算财政拨款支出决算具体情况
1、城乡社区支出（类）城乡社区管理事务（款）执业资格注册、资质审查（项）。主要用于：执业资格注册方面的支出。年初预算为300万元，支出决算为{final}万元。
"""
    all_rules()
    assert [f.rule for f in run_rules(_doc(text.replace("{final}", "300")), [REGISTRY["BL301"]])] == []
    hits = run_rules(_doc(text.replace("{final}", "310")), [REGISTRY["BL301"]])
    assert [f.rule for f in hits] == ["BL301"] and "300.00" in hits[0].message


# Jiangsu: each page opens with the document's running header and closes with its page number; a
# list of items under a total runs on from one page to the next.
PAGED = """2024年某局部门预算

第三部分 情况说明
某某市某某某某局2024年度部门预算公开文本
一、收支预算总体情况说明
（二）支出预算总计100万元。包括：
1.本年支出合计100万元。
- 3 -
\f某某市某某某某局2024年度部门预算公开文本
（1）一般公共服务支出（类）支出80万元，主要用于开展某某
工作而发生的支出。与上年相比增加8万元，增长11.11%。
（2）住房保障支出（类）支出20万元，主要用于住房公积金。
- 4 -
\f某某市某某某某局2024年度部门预算公开文本
二、其他情况说明
本年无其他情况。
\f某某市某某某某局2024年度部门预算公开文本
三、名词解释
财政拨款收入：指本级财政当年拨付的资金。
"""


def _paged(text: str):
    """A document with pages (``doc_of`` reads lines, and str.splitlines() takes a form feed for one)."""
    return recognise(text_to_source(text, "paged.txt"))


def test_running_headers_and_page_numbers_do_not_join_a_total_to_the_next_pages_item():
    claims = extract_claims(_paged(PAGED))
    total = next(c for c in claims if c.subject == "expenditure_current")
    first = next(c for c in claims if c.subject == "function_item" and c.amount.value == Decimal("80"))
    assert total.change is None and total.percent is None
    assert (first.change.value, first.percent.value) == (Decimal("8"), Decimal("11.11"))


def test_running_headers_are_page_furniture_and_sentences_are_not():
    from budgetlint.recognise.narrative import page_furniture

    doc = _paged(PAGED)
    furniture = page_furniture(doc.sections)
    dropped = {p.text for s in doc.sections for p in s.paragraphs if id(p) in furniture}
    assert dropped == {"某某市某某某某局2024年度部门预算公开文本", "- 3 -", "- 4 -"}


def test_numbering_at_the_start_of_a_line_opens_a_sentence_of_its_own():
    text = PAGED.replace("1.本年支出合计100万元。", "1.本年支出合计100万元，按功能分类科目具体如下")
    claims = extract_claims(_paged(text))
    total = next(c for c in claims if c.subject == "expenditure_current")
    assert total.change is None and total.percent is None


def test_a_subject_named_in_the_comparison_base_is_the_bases_name():
    text = PAGED.replace("本年无其他情况。", "国有资本经营预算收入120万元比2023年初预算数90增加较多，主要原因是"
                                         "批复率提高，比2023年预算收入执行数100万元增加20万元，增长20%。")
    claims = [c for c in extract_claims(doc_of(text)) if "批复率" in c.text]
    assert [(c.subject, c.amount.value, c.base.value, c.change.value, c.percent.value) for c in claims] == [
        ("income.capital", Decimal("120"), Decimal("100"), Decimal("20"), Decimal("20"))]


def test_a_subject_word_that_opens_a_longer_name_is_not_the_subject():
    text = PAGED.replace("本年无其他情况。", "项目支出预算为50万元。\n13.项目管理业务24.27万元，主要用于项目评审。")
    claims = [c for c in extract_claims(doc_of(text)) if c.amount is not None and c.amount.value in (50, Decimal("24.27"))]
    assert [(c.subject, c.label) for c in claims] == [("project", "项目支出"), (None, "项目管理业务")]


def test_roughly_flat_is_read_with_the_words_between():
    text = PAGED.replace("本年无其他情况。", "公务接待费21.03万元，比上年减少0.2万元，下降0.9%，主要原因是基本与上年持平。")
    (c,) = [c for c in extract_claims(doc_of(text)) if c.subject == "reception"]
    assert c.flat == "基本持平"


def test_a_list_over_lines_keeps_its_parts_and_each_item_its_own_subject():
    text = PAGED.replace("本年无其他情况。", "2024年收入预算合计100万元，按资金来源划分，其中：\n"
                                         "1.一般公共预算收入80万元，由本级财政部门安排拨付，\n"
                                         "2.政府性基金预算收入20万元，由本级财政部门安排拨付；\n"
                                         "3.其他资金主要用于某某某某某某工作。与上年相比增加5万元。")
    claims = extract_claims(_paged(text))
    total = next(c for c in claims if c.subject == "income_total")
    assert [p.subject for p in total.parts] == ["income.general", "income.fund"]
    # item 3 names no subject the vocabulary knows: its change is nobody's, not item 2's
    assert [c.change.value for c in claims if c.subject is None] == [Decimal("5")]
    assert all(c.change is None for c in claims if c.subject and c.subject.startswith("income"))


def test_a_subject_heading_a_list_of_coded_items_does_not_take_their_figures():
    """"人员经费：①行政运行（2013201）1641.18万元": the figure is 行政运行's, not the department's
    人员经费; "对事业单位经常性补助（505）2945.22万元，其中：人员经费1903.54万元": a part of one
    economic class, not the department's 人员经费."""
    from budgetlint.recognise.claims import bind, extract_claims

    text = tsv("""
2021年某局部门预算
一般公共预算基本支出情况表
单位：万元
科目编码 | 科目名称 | 合计 | 人员经费 | 公用经费
301 | 工资福利支出 | 5000.00 | 5000.00 | 0.00
合计 |  | 5000.00 | 5000.00 | 0.00
七、一般公共预算拨款支出明细情况说明
从人员经费、公用经费来看，其中：（1）人员经费：①行政运行（2013201）1641.18万元，较上年增加309.87万元。
对事业单位经常性补助（505）2945.22万元，其中：人员经费1903.54万元，较上年增加226.87万元。
""")
    doc = doc_of(text)
    personnel = [c for c in extract_claims(doc) if c.subject == "personnel" and c.amount is not None]
    assert not [c for c in personnel if c.amount.raw == "1641.18"]
    part = [c for c in personnel if c.amount.raw == "1903.54"]
    assert part and all(bind(doc, c) == [] for c in part)
