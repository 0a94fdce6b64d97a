"""Grids → lines and numbers as printed: the rules every cell-based format shares."""

from __future__ import annotations

from decimal import Decimal

import pytest

from budgetlint.ingest.base import Page
from budgetlint.ingest.grid import (
    GridRow,
    collapse_grid,
    format_general,
    format_number,
    sheet_to_lines,
    table_to_lines,
)
from budgetlint.recognise.normalise import join_wrapped


@pytest.mark.parametrize(
    "value, fmt, printed",
    [
        (1234.5, "0.00", "1234.50"),  # the float keeps its printed decimals: rounding tolerance is right
        (1234.5, "#,##0.00", "1,234.50"),
        (-1234.5, "#,##0.00", "-1,234.50"),
        (-1234.5, "#,##0.00;(#,##0.00)", "(1,234.50)"),
        (0, '#,##0.00;-#,##0.00;"-"', "-"),
        (1234.565, "0.00", "1234.57"),  # half up on the 15-digit value, as Excel shows it
        (2.675, "0.00", "2.68"),
        (0.125, "0.0%", "12.5%"),
        (205.0, "General", "205"),
        (205.0, "G/通用格式", "205"),  # Chinese Excel's name for General
        (1 / 3, "General", "0.333333333"),
        (1234567, "#,##0,", "1,235"),
        (1234.5, "0.00_ ", "1234.50"),
        (1234.5, "[Red]0.00", "1234.50"),
        (1234.5, '0.00"元"', "1234.50元"),
        (12, "#.##", "12."),
        (0.5, "#.00", ".50"),
        (3, "0", "3"),
        (1e12, "General", "1E+12"),
        (Decimal("12.3"), "0.000", "12.300"),
    ],
)
def test_numbers_print_as_their_format_shows(value, fmt, printed):
    assert format_number(value, fmt) == printed


def test_general_keeps_at_most_ten_significant_places():
    assert format_general(1234.5678901234) == "1234.56789"
    assert format_general(-0.5) == "-0.5"


def test_wrapped_cell_text_joins_cjk_directly_and_latin_with_a_space():
    assert join_wrapped(["事业", "收入"]) == "事业收入"
    assert join_wrapped(["Total", "2024"]) == "Total 2024"
    assert join_wrapped(["", " 合计 ", ""]) == "合计"


def _rows(*rows, spans=None):
    spans = spans or {}
    return [GridRow(list(cells), number, spans.get(number, {})) for number, cells in enumerate(rows, start=1)]


def _lines(page):
    return [line.cells for line in page.lines]


def test_sheet_rows_become_title_meta_and_table_lines():
    rows = _rows(
        ["收支总体情况表", "", "", ""],
        ["编制单位：某局", "", "", "单位：万元"],
        ["项目", "预算数", "项目", "预算数"],
        ["一、财政拨款收入", "10.00", "一、教育支出", "10.00"],
        ["", "", "二、科学技术支出", ""],  # a label whose amount is blank: still a table row
        ["收入总计", "10.00", "支出总计", "10.00"],
        ["", "", "", ""],
        ["注：本表金额保留两位小数。", "", "", ""],
        spans={1: {0: 4}, 8: {0: 4}},
    )
    page = Page(number=3)
    sheet_to_lines(rows, page, "收支总表")
    assert _lines(page) == [
        ["收支总体情况表"],
        ["编制单位：某局"],
        ["单位：万元"],
        ["项目", "预算数", "项目", "预算数"],
        ["一、财政拨款收入", "10.00", "一、教育支出", "10.00"],
        ["", "", "二、科学技术支出", ""],
        ["收入总计", "10.00", "支出总计", "10.00"],
        ["注：本表金额保留两位小数。"],
    ]
    assert {line.provenance.page for line in page.lines} == {3}
    assert page.lines[3].provenance.line == 3


def test_prose_after_a_blank_row_is_not_swallowed_by_the_table():
    rows = _rows(
        ["支出总体情况表", ""], ["项目", "合计"], ["教育支出", "5.00"], ["", ""], ["第三部分"], ["一、情况说明"],
    )
    page = Page(number=1)
    sheet_to_lines(rows, page)
    assert _lines(page)[-2:] == [["第三部分"], ["一、情况说明"]]


def test_sheet_name_is_the_title_when_the_grid_has_none():
    page = Page(number=2)
    sheet_to_lines(_rows(["单位：万元", ""], ["项目", "合计"], ["教育支出", "5.00"]), page, "一般公共预算支出情况表")
    assert _lines(page)[0] == ["一般公共预算支出情况表"]
    page = Page(number=2)
    sheet_to_lines(_rows(["项目", "合计"], ["教育支出", "5.00"]), page, "Sheet1")  # a default name says nothing
    assert _lines(page)[0] == ["项目", "合计"]


def test_multi_line_prose_cell_becomes_one_line_each():
    page = Page(number=1)
    sheet_to_lines(_rows(["一、说明\n    2026年收入预算100万元。\n\n"]), page)
    assert _lines(page) == [["一、说明"], ["2026年收入预算100万元。"]]


def test_word_table_rows_across_the_table_are_single_lines():
    page = Page(number=1)
    rows = _rows(["收支总体情况表", "", ""], ["项目", "合计", "基本支出"], ["教育支出", "5.00", "5.00"],
                 spans={1: {0: 3}})
    table_to_lines(rows, page)
    assert _lines(page) == [["收支总体情况表"], ["项目", "合计", "基本支出"], ["教育支出", "5.00", "5.00"]]


def test_sliver_grid_columns_fold_into_their_neighbours():
    # Row 1's second cell starts on a 1-twip sliver; row 2's first cell spans it.
    rows = [[(0, 1, "科目编码"), (1, 2, "科目名称"), (3, 1, "合计")],
            [(0, 2, "301"), (2, 1, "工资福利支出"), (3, 1, "5.00")]]
    grid = collapse_grid(rows, [1, 2], widths=[500, 1, 1500, 800], tolerance=40)
    assert [g.cells for g in grid] == [["科目编码", "科目名称", "合计"], ["301", "工资福利支出", "5.00"]]
    # Without widths a column no cell starts at is folded too.
    grid = collapse_grid([[(0, 2, "项目"), (2, 1, "合计")], [(0, 2, "教育"), (2, 1, "1")]], [1, 2])
    assert [g.cells for g in grid] == [["项目", "合计"], ["教育", "1"]]
