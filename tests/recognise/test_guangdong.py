"""广东 template: 表8 财政拨款安排的行政经费及“三公”经费预算表 lists the 三公 as rows (行政经费 / “三公”经费 /
其中：（一）因公出国（境）支出 …) under 合计 | 一般公共预算 | 政府性基金预算 | 国有资本经营预算; its figures
are the 三公 table's, under the keys the narrative and cross-table rules use."""

from __future__ import annotations

from decimal import Decimal

from helpers import doc_of

from budgetlint.pipeline import run_rules
from budgetlint.recognise.figures import three_public, three_public_cells
from budgetlint.rules.registry import REGISTRY, all_rules

TABLE8 = """
表8
财政拨款安排的行政经费及“三公”经费预算表
单位名称：某局 单位：万元
项目 | 合计 | 一般公共预算 | 政府性基金预算 | 国有资本经营预算
行政经费 | 523.62 | 523.62 | 0.00 | 0.00
“三公”经费 | {three} | {three} | 0.00 | 0.00
其中：（一）因公出国（境）支出 | 0.00 | 0.00 | 0.00 | 0.00
（二）公务用车购置及运行维护支出 | 24.80 | 24.80 | 0.00 | 0.00
1.公务用车购置费 | 0.00 | 0.00 | 0.00 | 0.00
2.公务用车运行维护费 | 24.80 | 24.80 | 0.00 | 0.00
（三）公务接待费支出 | 1.31 | 1.31 | 0.00 | 0.00
注：无。
"""


def test_table8_is_the_three_public_table_with_item_rows():
    doc = doc_of(TABLE8.format(three="26.11"))
    t = doc.table("three_public")
    assert t is not None
    assert [r.key for r in t.rows] == ["administrative", "three_subtotal", "abroad", "vehicle", "vehicle_purchase",
                                       "vehicle_operation", "reception"]
    assert three_public(doc) == {"current": Decimal("26.11")}  # 行政经费 is not the 三公
    items = {k: c.value.amount for k, c in three_public_cells(doc, None).items()}
    assert items == {"total": Decimal("26.11"), "abroad": Decimal("0.00"), "vehicle": Decimal("24.80"),
                     "vehicle_purchase": Decimal("0.00"), "vehicle_operation": Decimal("24.80"),
                     "reception": Decimal("1.31")}


def test_table8_items_that_do_not_add_up_are_reported():
    all_rules()
    quiet = run_rules(doc_of(TABLE8.format(three="26.11")), [REGISTRY["BL107"]])
    assert quiet == []
    fired = run_rules(doc_of(TABLE8.format(three="36.11")), [REGISTRY["BL107"]])
    assert fired and all(f.location.row_label == "“三公”经费" for f in fired)
