"""What the document says of its own kind of body (``meta.unit_type_of``)."""

from __future__ import annotations

from budgetlint.ingest.base import Line
from budgetlint.model import Provenance
from budgetlint.recognise.meta import unit_type_of


def _row(*cells: str) -> Line:
    return Line(list(cells), Provenance(line=1))


def test_the_kind_in_a_table_of_units():
    assert unit_type_of([_row("单位名称", "单位性质"), _row("某某局", "行政单位")], [])[0] == "行政"
    assert unit_type_of([_row("某某中心", "事业单位")], [])[0] == "事业"


def test_a_kind_printed_with_a_space_or_full_width_forms_is_still_read():
    # the words are looked for after cleaning: a cell printed "行 政" is the word 行政
    assert unit_type_of([_row("某某局", "行 政")], [])[0] == "行政"
    assert unit_type_of([_row("某某局", "参\u3000公")], [])[0] == "参公"


def test_no_kind_stated():
    assert unit_type_of([_row("某某局", "一般公共服务支出")], []) == (None, None)
