"""Text rules (BL7xx): typos a reader notices, kept precise."""

from __future__ import annotations

from helpers import doc_of

from budgetlint.pipeline import run_rules
from budgetlint.rules.registry import REGISTRY, all_rules

DOC = """2024年某市人力资源和社会保障局部门预算

第一部分 部门概况
一、主要职责
（一）某市人力资源和社会保障局负责拟订人力资源和社会保障事业发展规划，组织实施行业技术规范和标准。
（二）某市人力资源和社会保障局研究研究GDP和PM2.5相关工作，人人参与，常常检查，税收收入、工资资金按 km 计。
二、机构设置情况
某市人力资源和社会保障局内设机构若干。
第三部分 2024年部门预算情况说明
一、绩效目标情况说明
按照《关于优化人才发展的意见》（某发〔2021〕5号）、《关于促进就业的通知》（某发〔2022〕6号），办事群众满意度达到90%以上。
"""

RULES = ("BL701", "BL702", "BL703", "BL704", "BL705")


def run(text: str, *ids: str):
    all_rules()
    return run_rules(doc_of(text), [REGISTRY[i] for i in (ids or RULES)])


def test_clean_prose_is_quiet():
    assert run(DOC) == []


def test_bl701_latin_word_between_chinese():
    hits = run(DOC.replace("技术规范和标准", "技术规范 and 标准"), "BL701")
    assert [f.found for f in hits] == ["and"]
    assert [f.found for f in run(DOC.replace("体系建设", "体系建设及 Related 政策"), "BL701")] == []
    assert [f.found for f in run(DOC.replace("发展规划，", "发展规划及 Related 政策，"), "BL701")] == ["Related"]


def test_bl702_doubled_words():
    assert [f.found for f in run(DOC.replace("满意度达到", "满意度满意度达到"), "BL702")] == ["满意度满意度"]
    assert [f.found for f in run(DOC.replace("内设机构若干", "内设单位单位若干"), "BL702")] == ["单位单位"]
    assert [f.found for f in run(DOC.replace("内设机构若干。", "内设机构数数。"), "BL702")] == ["数数"]
    assert [f.found for f in run(DOC.replace("行业技术规范", "行业的的技术规范"), "BL702")] == ["的的"]


def test_bl703_organisation_name_written_differently():
    dup = DOC.replace("2024年某市人力资源和社会保障局部门预算", "2024年某市人力资源和社会保障 障局部门预算")
    hits = run(dup, "BL703")
    assert [f.found for f in hits] == ["某市人力资源和社会保障障局"] and "重复" in hits[0].message
    assert hits[0].location.line == 1
    abbr = DOC.replace("二、机构设置情况\n某市人力资源和社会保障局", "二、机构设置情况\n某市人社局")
    assert [f.found for f in run(abbr, "BL703")] == ["某市人社局"]
    generic = DOC.replace("内设机构若干", "由本局和有关局共同负责")
    assert run(generic, "BL703") == []


def test_bl704_repeated_item():
    twice = DOC.replace("、《关于促进就业的通知》（某发〔2022〕6号）", "、《关于优化人才发展的意见》（某发〔2021〕5号）")
    hits = run(twice, "BL704")
    assert [f.rule for f in hits] == ["BL704"] and "关于优化人才发展的意见" in hits[0].found


def test_bl705_placeholders():
    assert [f.found for f in run(DOC.replace("2024年某市", "20XX年某市"), "BL705")] == ["20XX年"]
    assert [f.found for f in run(DOC.replace("内设机构若干", "内设XX局等"), "BL705")] == ["XX局"]


ROWS = """2024年某市人力资源和社会保障局部门预算

第一部分 部门概况
某市人力资源和社会保障局内设机构若干。
项目支出绩效目标
可持续影响指标\t移动化办公水平\t持续提升\t持续提升移动化办公水平\t持续提升得满分，否则不得分\t定性\t10
某市人力资源和社会保障局\t11,312.38\t11,312.38\t11,312.38\t0.00\t0.00
"""


def test_bl702_bl704_a_table_row_read_as_prose_is_read_cell_by_cell():
    """Cells of a table row run together on the page: a word ending one cell and opening the next,
    or one figure in three columns, repeats nothing the document wrote."""
    assert run(ROWS, "BL702", "BL704") == []
    # within one cell the repeat is still reported
    typo = ROWS.replace("持续提升移动化办公水平\t", "持续提升提升移动化办公水平\t")
    assert [f.found for f in run(typo, "BL702")] == ["提升提升"]


def test_bl704_figures_are_not_a_repeated_clause():
    text = DOC.replace("办事群众满意度达到90%以上。", "合计 260,000.00 30,000.00 30,000.00 230,000.00，办事群众满意。")
    assert run(text, "BL704") == []


def test_bl701_terms_of_art_and_named_systems_are_not_english_words():
    for term in ("开展典型园区VOCs排放监测", "基于InSAR的一体化监测", "外掺MgO碾压混凝土", "升级oa系统", "完善lims管理系统"):
        assert run(DOC.replace("组织实施行业技术规范和标准", term), "BL701") == [], term
    assert [f.found for f in run(DOC.replace("技术规范和标准", "技术规范 and 标准"), "BL701")] == ["and"]


def test_bl702_aabb_reduplication_is_not_a_repeat():
    text = DOC.replace("内设机构若干。", "内设机构若干，覆盖城市的角角落落。")
    assert run(text, "BL702") == []
    assert [f.found for f in run(DOC.replace("内设机构若干。", "内设机构落落。"), "BL702")] == ["落落"]
