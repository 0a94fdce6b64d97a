from __future__ import annotations

import pytest
from helpers import doc_of
from openpyxl import Workbook

from budgetlint.catalogs import CatalogError, load_catalog, read_catalog_file
from budgetlint.catalogs.importer import import_catalog
from budgetlint.pipeline import run_rules
from budgetlint.rules.registry import REGISTRY, all_rules


@pytest.fixture(autouse=True)
def isolated_home(tmp_path, monkeypatch):
    monkeypatch.setenv("BUDGETLINT_HOME", str(tmp_path / "home"))


def fired(text: str, rule_id: str):
    all_rules()
    return run_rules(doc_of(text), [REGISTRY[rule_id]])


TABLE = """
2024年某局部门预算
支出总体情况表
单位：万元
科目编码 | | | 科目名称 | 合计 | 基本支出 | 项目支出
类 | 款 | 项 | | | |
212 | | | 城乡社区支出 | 10.00 | | 10.00
212 | 08 | | 国有土地使用权出让收入安排的支出 | 10.00 | | 10.00
212 | 08 | 04 | {name} | 10.00 | | 10.00
"""


def test_bl402_name_differs_fires_and_is_quiet_on_bracket_and_space_variants():
    hits = fired(TABLE.format(name="农村基本设施建设支出"), "BL402")
    assert [(f.expected, f.found) for f in hits] == [("农村基础设施建设支出", "农村基本设施建设支出")]
    assert hits[0].severity.value == "warning"  # a draft row that is not attested
    assert fired(TABLE.format(name="农村基础设施 建设支出"), "BL402") == []


def test_bl401_unknown_code_fires_and_known_is_quiet():
    assert fired(TABLE.format(name="农村基础设施建设支出"), "BL401") == []
    text = TABLE.format(name="农村基础设施建设支出").replace("212 | 08 | 04", "212 | 08 | 77")
    hits = fired(text, "BL401")
    assert [f.found for f in hits] == ["2120877"]


def test_bl403_item_under_the_wrong_parent():
    text = TABLE.format(name="农村基础设施建设支出") + "208 | 05 | | 行政事业单位养老支出 | 1.00 | 1.00 |\n212 | 08 | 03 | 城市建设支出 | 1.00 | | 1.00\n"
    hits = fired(text, "BL403")
    assert [(f.expected, f.found) for f in hits] == [("21208", "20805")]
    assert fired(TABLE.format(name="农村基础设施建设支出"), "BL403") == []


BASIC = """
{title}
一、主要职责
二、机构设置
{who}为{kind}。
一般公共预算基本支出情况表
单位：万元
科目编码 | | 部门预算支出经济分类科目名称 | 科目编码 | | 政府预算支出经济分类科目名称 | 基本支出 | |
类 | 款 | | 类 | 款 | | 小计 | 人员支出 | 日常公用支出
301 | 01 | 基本工资 | {gov} | 01 | 工资奖金津补贴 | 5.00 | 5.00 |
"""


def test_bl404_mapping_must_fit_the_unit_type():
    text = BASIC.format(title="2024年某中心单位预算", who="某中心", kind="公益一类事业单位", gov="501")
    hits = fired(text, "BL404")
    assert [(f.expected, f.found) for f in hits] == [("50501", "50101")]
    ok = BASIC.format(title="2024年某中心单位预算", who="某中心", kind="公益一类事业单位", gov="505")
    assert fired(ok, "BL404") == []
    unknown = BASIC.format(title="2024年某中心单位预算", who="上级", kind="事业单位", gov="501")
    assert fired(unknown, "BL404") == []  # the document does not say what it is itself


def _ministry_workbook(path):
    wb = Workbook()
    ws = wb.active
    ws.append(["2026年政府收支分类科目"])
    ws.append(["科目编码", "", "", "科目名称", "说明"])
    ws.append(["类", "款", "项", "", ""])
    ws.append(["212", None, None, "城乡社区支出", ""])
    ws.append([None, "08", None, "  国有土地使用权出让收入安排的支出", ""])
    ws.append([None, None, "04", "    农村基本设施建设支出", ""])
    ws2 = wb.create_sheet("经济分类")
    ws2.append(["科目编码", "科目名称"])
    ws2.append(["30101", "基本工资"])
    ws2.append(["101", "税收收入"])
    wb.save(path)


def test_catalog_import_takes_precedence_and_makes_errors(tmp_path):
    xlsx = tmp_path / "catalog.xlsx"
    _ministry_workbook(xlsx)
    written = import_catalog(xlsx, 2024, force=True)  # a 3-code test file: refused without force
    assert written["function"][1] == 3 and written["econ_dept"][1] == 1
    cat = load_catalog("function", 2024)
    assert cat.official and cat.get("2120804").name == "农村基本设施建设支出"
    # The official catalog now says 基本 is right …
    assert fired(TABLE.format(name="农村基本设施建设支出"), "BL402") == []
    # … and a name that differs from an official row is an error.
    hits = fired(TABLE.format(name="农村基础设施建设支出"), "BL402")
    assert [f.severity.value for f in hits] == ["error"]


def test_nearest_year_is_used_with_a_note():
    cat = load_catalog("function", 2026)
    assert cat.year == 2024 and "2026" in cat.note
    hits = fired(TABLE.format(name="农村基础设施建设支出").replace("2024年", "2026年"), "BL400")
    assert [f.rule for f in hits] == ["BL400"]
    assert fired(TABLE.format(name="农村基础设施建设支出"), "BL400") == []


def test_bad_catalog_file_names_file_and_line(tmp_path):
    p = tmp_path / "function_2030.csv"
    p.write_text("code,name,level\n201,一般公共服务支出,类\n201,重复,类\n", "utf-8")
    with pytest.raises(CatalogError, match="第 3 行"):
        read_catalog_file(p, "function", 2030, "user")
    p.write_text("code,name,level\n201,一般公共服务支出,大类\n", "utf-8")
    with pytest.raises(CatalogError, match="级次"):
        read_catalog_file(p, "function", 2030, "user")


def test_import_rejects_a_non_catalog(tmp_path):
    wb = Workbook()
    wb.active.append(["随便", "什么"])
    path = tmp_path / "x.xlsx"
    wb.save(path)
    with pytest.raises(CatalogError, match="科目编码"):
        import_catalog(path, 2025)
    bogus = tmp_path / "y.xlsx"
    bogus.write_text("not a workbook")
    with pytest.raises(CatalogError, match="Excel"):
        import_catalog(bogus, 2025)


def test_bl405_single_digit_kuan_is_read_padded_and_reported():
    text = """
2024年某局部门预算
一般公共预算基本支出情况表
单位：万元
科目编码 | | 部门预算支出经济分类科目名称 | 基本支出 | |
类 | 款 | | 小计 | 人员支出 | 日常公用支出
301 | | 工资福利支出 | 5.00 | 5.00 |
301 | {kuan} | 津贴补贴 | 5.00 | 5.00 |
"""
    hits = fired(text.format(kuan="2"), "BL405")
    assert len(hits) == 1 and "02" in hits[0].message
    assert fired(text.format(kuan="2"), "BL103") == []  # read as 30102, the sums hold
    assert fired(text.format(kuan="02"), "BL405") == []


CROSS = """
2024年某局部门预算
支出总表
金额单位：万元
支出功能分类科目 | 政府支出经济分类科目 | 部门支出经济分类科目 | 合计 | 基本支出 | 项目支出
2010101-行政运行 | 50101-工资奖金津补贴 | 30101-{name} | 10.00 | 10.00 |
合 计 | | | 10.00 | 10.00 |
"""


def test_bl402_each_code_of_a_cross_tab_line_against_its_own_name():
    # "30101-基本工资" beside "2010101-行政运行": each code is checked against the name in its cell.
    assert fired(CROSS.format(name="基本工资"), "BL402") == []
    hits = fired(CROSS.format(name="基本工姿"), "BL402")
    assert [(f.expected, f.found) for f in hits] == [("基本工资", "基本工姿")]


def test_a_document_older_than_the_catalog_is_not_judged_by_it():
    text = """
{year}年某局部门预算
一般公共预算基本支出情况表
单位：万元
科目编码 | | 部门预算支出经济分类科目名称 | 基本支出 | |
类 | 款 | | 小计 | 人员支出 | 日常公用支出
303 | | 对个人和家庭补助 | 5.00 | 5.00 |
"""
    assert [f.severity.value for f in fired(text.format(year=2024), "BL402")] == ["error"]  # attested row
    # A 2017 budget used the classification of its own year: the 2018 catalog is no yardstick.
    assert fired(text.format(year=2017), "BL402") == []
    assert fired(text.format(year=2017).replace("303 |", "312 |"), "BL401") == []


def test_a_name_of_digits_is_a_code_read_into_the_name_column():
    # "205 | 03 | 99 | 03": the 款 digits stand where the name is read from; nothing to compare.
    text = TABLE.format(name="农村基础设施建设支出").replace(
        "212 | 08 | | 国有土地使用权出让收入安排的支出", "212 | 08 | | 08")
    assert fired(text, "BL402") == []


def test_bl401_a_missing_kuan_and_its_items_are_one_finding():
    text = TABLE.format(name="农村基础设施建设支出").replace("212 | 08 |", "212 | 97 |")
    hits = fired(text, "BL401")
    assert [f.found for f in hits] == ["21297"]
    assert len(hits[0].related) == 1 and "2129704" in hits[0].evidence


def test_bl402_basic_research_items_as_documents_print_them():
    text = TABLE.format(name="实验室及相关设施").replace("212 | 08 | 04", "206 | 02 | 04").replace(
        "212 | 08 | | 国有土地使用权出让收入安排的支出", "206 | 02 | | 基础研究").replace(
        "212 | | | 城乡社区支出", "206 | | | 科学技术支出")
    assert fired(text, "BL402") == []


def test_bl401_a_document_newer_than_the_catalog():
    # A 2026 budget checked against the 2024 catalog: a code the catalog lacks is most often a
    # subject added since (a notice); it stays a warning when the catalog has its name elsewhere.
    text = TABLE.format(name="{name}").replace("2024年某局", "2026年某局").replace("212 | 08 | 04", "212 | 08 | 77")
    new = fired(text.format(name="配租型住房保障"), "BL401")
    assert [(f.found, f.severity.value) for f in new] == [("2120877", "info")]
    moved = fired(text.format(name="农村基础设施建设支出"), "BL401")
    assert [(f.found, f.severity.value) for f in moved] == [("2120877", "warning")]
    assert "2120804" in moved[0].message


def test_bl402_a_last_character_pushed_onto_the_next_row_is_not_a_wrong_name():
    """"…保险缴" over "费职业年金缴费": the character one row lacks is the one the next row starts with
    (a reading artefact); a name merely cut short is still reported."""
    from helpers import doc_of, tsv

    from budgetlint.pipeline import run_rules
    from budgetlint.rules.registry import REGISTRY, all_rules

    text = tsv("""
2021年某局部门预算
一般公共预算基本支出情况表
单位：万元
科目编码 | 科目名称 | 合计 | 人员经费 | 公用经费
301 | 工资福利支出 | 18.00 | 18.00 | 0.00
30108 | 机关事业单位基本养老保险缴 | 10.00 | 10.00 | 0.00
30109 | 费职业年金缴费 | 5.00 | 5.00 | 0.00
30110 | 职工基本医疗保 | 3.00 | 3.00 | 0.00
合计 |  | 18.00 | 18.00 | 0.00
""")
    all_rules()
    found = [f.found for f in run_rules(doc_of(text), [REGISTRY["BL402"]])]
    assert found == ["职工基本医疗保"]  # cut short with nothing pushed down: still a finding


def test_bl402_message_says_how_sure_the_catalog_is_in_words():
    from helpers import doc_of, tsv

    from budgetlint.pipeline import run_rules
    from budgetlint.rules.registry import REGISTRY, all_rules

    text = tsv("""
2021年某局部门预算
一般公共预算基本支出情况表
单位：万元
科目编码 | 科目名称 | 合计 | 人员经费 | 公用经费
301 | 工资福利支出 | 3.00 | 3.00 | 0.00
30110 | 职工基本医疗保 | 3.00 | 3.00 | 0.00
合计 |  | 3.00 | 3.00 | 0.00
""")
    all_rules()
    (f,) = run_rules(doc_of(text), [REGISTRY["BL402"]])
    assert "草案条目" in f.message or "经公开文档证实" in f.message
    assert "recall" not in f.message and "attested" not in f.message


def test_a_much_smaller_workbook_is_refused_unless_forced(tmp_path):
    """A 3-code test file would replace the whole 2024 function catalog (every other code then a
    false BL401): refused with a Chinese reason, imported with force, removed again."""
    from click.testing import CliRunner

    from budgetlint.cli import main

    xlsx = tmp_path / "catalog.xlsx"
    _ministry_workbook(xlsx)
    before = len(load_catalog("function", 2024).entries)
    with pytest.raises(CatalogError, match="只有 3 个科目.*--force"):
        import_catalog(xlsx, 2024)
    assert not load_catalog("function", 2024).official  # nothing written
    r = CliRunner().invoke(main, ["catalog", "import", str(xlsx), "--year", "2024"])
    assert r.exit_code == 2 and "--force" in r.output
    r = CliRunner().invoke(main, ["catalog", "import", str(xlsx), "--year", "2024", "--force"])
    assert r.exit_code == 0 and load_catalog("function", 2024).official
    r = CliRunner().invoke(main, ["catalog", "remove", "--year", "2024"])
    assert r.exit_code == 0 and "已删除" in r.output
    cat = load_catalog("function", 2024)
    assert not cat.official and len(cat.entries) == before
    r = CliRunner().invoke(main, ["catalog", "remove", "--year", "2024"])
    assert r.exit_code == 2 and "没有已导入的 2024 年" in r.output


def test_an_xls_catalog_is_imported(tmp_path):
    xlwt = pytest.importorskip("xlwt")
    book = xlwt.Workbook()
    ws = book.add_sheet("功能分类")
    rows = [["科目编码", "科目名称"], [212, "城乡社区支出"], [21208, "国有土地使用权出让收入安排的支出"],
            [2120804, "农村基础设施建设支出"]]
    for i, row in enumerate(rows):
        for j, v in enumerate(row):
            ws.write(i, j, v)  # codes as numbers: xlrd gives 212.0
    path = tmp_path / "catalog.xls"
    book.save(str(path))
    written = import_catalog(path, 2031, force=True)
    assert written["function"][1] == 3
    assert load_catalog("function", 2031).get("2120804").name == "农村基础设施建设支出"
    broken = tmp_path / "broken.xls"
    broken.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100)
    with pytest.raises(CatalogError, match="xls|损坏"):
        import_catalog(broken, 2031)
