from decimal import Decimal

from hypothesis import example, given
from hypothesis import strategies as st

from budgetlint.model import Provenance
from budgetlint.recognise.normalise import clean, squash, strip_enumeration
from budgetlint.recognise.numbers import parse_amount


def test_clean_removes_converter_debris():
    assert clean("<p>年度目标</p>") == "年度目标"
    assert clean(r"$\leq 10\%$") == "≤ 10%"
    assert clean("**部门预算支出**") == "部门预算支出"
    assert clean("社会保障和就业支 出") == "社会保障和就业支出"
    assert clean("１２３．４５") == "123.45"
    assert clean("a\u200bb") == "ab"


def test_squash_folds_brackets_and_spaces():
    assert squash("因公出国 (境) 经费") == squash("因公出国（境）经费")
    assert squash("合 计") == "合计"


def test_strip_enumeration():
    assert strip_enumeration("一、财政拨款收入") == "财政拨款收入"
    assert strip_enumeration("（三）国有资本") == "国有资本"
    assert strip_enumeration("其中：公务用车购置费") == "公务用车购置费"


def test_amounts_as_printed():
    p = Provenance(line=1)
    assert parse_amount("53,451.95", p).amount == Decimal("53451.95")
    assert parse_amount("１，２３４．５０", p).amount == Decimal("1234.50")
    v = parse_amount("-", p)
    assert v.blank and v.amount == 0
    assert parse_amount("", p).blank
    six = parse_amount("12.345678", p)
    assert six.decimals == 6 and six.half_ulp == Decimal("0.0000005")
    assert parse_amount("1,2O3.00", p).amount is None


def test_a_figure_read_again_keeps_its_own_cell():
    # the reading of a text is shared between cells; what is the cell's own is not
    a, b = Provenance(page=1), Provenance(page=2)
    first, again = parse_amount("1,234.50", a), parse_amount("1,234.50", b)
    assert (first.amount, first.decimals, first.blank) == (again.amount, again.decimals, again.blank)
    assert first.provenance is a and again.provenance is b and first is not again
    again.confidence = 0.5
    assert parse_amount("1,234.50", a).confidence == 1.0


def test_half_unit_of_every_number_of_places():
    from budgetlint.model import half_unit

    for d in range(30):
        assert half_unit(d) == Decimal(5).scaleb(-(d + 1)) == Decimal("0." + "0" * d + "5")


def test_amount_with_only_its_last_thousands_separator():
    """上海's 元 tables print "120258,600": one separator, before the last three digits."""
    p = Provenance(line=1)
    assert parse_amount("120258,600", p).amount == Decimal("120258600")
    assert parse_amount("1851,801.50", p).amount == Decimal("1851801.50")
    assert parse_amount("1,85", p).amount is None  # a group of two is no thousands group
    assert parse_amount("2023,2024", p).amount is None


@given(st.text(alphabet=st.sampled_from(list("资金 \t\u3000\u00a0（）()【】：:，,、；－—ＡＢ１２％&amp;lt;$\\leq*_`<b>\u200b\u00ad\ufeff年a1")),
               max_size=40))
@example("&NotEqualTilde;$\\times$ <i>x</i>")
def test_squash_never_makes_a_text_longer(text):
    """Rules pass over short clauses before squashing them (BL704): that holds only while neither
    clean nor squash ever lengthens a text (entities, LaTeX commands and full-width forms all
    become fewer characters, never more)."""
    assert len(clean(text)) <= len(text)
    assert len(squash(text)) <= len(text)
