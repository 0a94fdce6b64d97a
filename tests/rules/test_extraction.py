from __future__ import annotations

from helpers import doc_of

from budgetlint.pipeline import run_rules
from budgetlint.rules.registry import REGISTRY, all_rules

SLID = """
一般公共预算支出情况表
单位：万元
科目编码 | | | 科目名称 | 合计 | 基本支出 | | | 项目支出
类 | 款 | 项 | | | 小计 | 人员支出 | 日常公用支出 |
208 | 05 | 06 | 机关事业单位职业年金缴费支出 | 600.00 | | | 600.00 |
"""


def _rules(doc, rid):
    all_rules()
    return run_rules(doc, [REGISTRY[rid]])


def test_bl902_reports_a_repaired_row_and_is_quiet_otherwise():
    assert [f.rule for f in _rules(doc_of(SLID), "BL902")] == ["BL902"]
    fine = SLID.replace("600.00 | | | 600.00 |", "600.00 | | | | 600.00")
    assert _rules(doc_of(fine), "BL902") == []


def test_bl904_unparseable_amount_fires_and_silences_arithmetic():
    bad = SLID.replace("600.00 | | | 600.00 |", "600.00 | | | | 6OO.00")
    doc = doc_of(bad)
    assert [f.rule for f in _rules(doc, "BL904")] == ["BL904"]
    assert _rules(doc, "BL101") == []
    assert _rules(doc_of(SLID), "BL904") == []


def test_bl903_unreadable_table_fires_and_is_quiet_on_a_good_table():
    doc = doc_of(SLID)
    assert _rules(doc, "BL903") == []
    doc.tables[0].quality.score = 0.1
    assert [f.rule for f in _rules(doc, "BL903")] == ["BL903"]


def test_bl905_passes_ingest_notes_on():
    doc = doc_of(SLID)
    assert _rules(doc, "BL905") == []
    doc.notes.append("文件编码为 GBK/GB18030，已按该编码读取")
    assert [f.rule for f in _rules(doc, "BL905")] == ["BL905"]



def test_bl905_leaves_page_facts_to_their_rules():
    # a blank page and text cut off by the clipping are the published page's faults: BL607 and
    # BL706 report each once; BL905 repeating them made one problem two findings
    from budgetlint.ingest.notices import blank_page, clipped_text

    doc = doc_of(SLID)
    doc.notes += [blank_page(3), clipped_text(5, "（八）负责本系统警车管理工作。")]
    assert _rules(doc, "BL905") == []
    assert [f.rule for f in _rules(doc, "BL706")] == ["BL706"]


def test_bl999_a_crashing_rule_is_reported_not_raised():
    from budgetlint.findings import Severity
    from budgetlint.rules.registry import Rule

    def boom(doc):
        raise KeyError("x")

    bad = Rule("BL100", "boom", "arithmetic", Severity.ERROR, "boom", boom)
    findings = run_rules(doc_of(SLID), [bad])
    assert [f.rule for f in findings] == ["BL999"]
