"""One problem, one finding: prose that disagrees with one side of a cross-table error and agrees
with the other is that error's evidence, not a second error."""

from __future__ import annotations

from decimal import Decimal

from budgetlint.findings import Finding, Location, Severity
from budgetlint.pipeline import fold_consequences

FISCAL = Location(table=4, row=7, column="amount", table_title="财政拨款收支总表")
SUMMARY = Location(table=1, row=3, column="amount", table_title="收支总表")


def _cross() -> Finding:
    return Finding(rule="BL205", name="x", family="cross_table", severity=Severity.ERROR,
                   message="财政拨款收支总表 42673.03 与 收支总表 192207.76 不一致", location=FISCAL,
                   expected=Decimal("192207.76"), found=Decimal("42673.03"), unit="万元", related=[SUMMARY])


def _prose(stated: str, unit: str = "万元") -> Finding:
    return Finding(rule="BL301", name="y", family="narrative", severity=Severity.ERROR,
                   message=f"情况说明中财政拨款收支总额 {stated}{unit} 与财政拨款收支总表不符",
                   location=Location(page=7), expected=Decimal("42673.03"), found=Decimal(stated),
                   tolerance=Decimal("0.01"), unit=unit, related=[FISCAL])


def test_prose_agreeing_with_the_other_table_is_folded():
    cross, prose = _cross(), _prose("192207.76")
    out = fold_consequences([cross, prose])
    assert out == [cross] and "情况说明与另一张表一致" in cross.evidence


def test_units_are_converted():
    cross, prose = _cross(), _prose("1922077600", "元")
    assert fold_consequences([cross, prose]) == [cross]


def test_prose_wrong_against_both_tables_stays():
    cross, prose = _cross(), _prose("150000.00")
    assert fold_consequences([cross, prose]) == [cross, prose]


def test_prose_citing_another_cell_stays():
    cross, prose = _cross(), _prose("192207.76")
    prose.related = [Location(table=2, row=1, column="amount")]
    assert fold_consequences([cross, prose]) == [cross, prose]
