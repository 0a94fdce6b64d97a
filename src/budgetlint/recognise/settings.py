"""Recognition thresholds: how far the recognisers look and how long a line may be, in one place.

Counts are in lines (non-blank where said), lengths in characters of cleaned text. The values are
what the documents read so far need; each says why it is what it is.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class RecogniseSettings:
    # --- tables (blocks.py) ---------------------------------------------------------------------
    # Prose lines between a table's title and its header before the title is taken as no table's
    # (a contents entry, a heading quoting the title): a unit line, a subtitle and a date fit.
    title_to_header_lines: int = 3
    # A running header or footer is short (a document or department name, "第 3 页")…
    furniture_max_len: int = 40
    # …and needs this many pages to be told from a table's own lines…
    furniture_min_pages: int = 3
    # …and opens or closes at least 1/this of the pages (and never fewer than furniture_min_pages).
    furniture_page_share: int = 3
    # A line inside a table that is a merged row or a label alone ("（十九）自然资源…支出") is short;
    # a longer one is prose after the table.
    row_line_max_len: int = 40
    # Numbered label-only lines (blank rows of a balance table, each read as its label alone) looked
    # past to find the table going on below them.
    label_lines_ahead: int = 30
    # Lines looked at past such a line for the table going on (blank lines among them).
    continuation_window: int = 39
    # --- rows and codes (rows.py) ---------------------------------------------------------------
    # Organisation codes grow by three digits a level (部门 302 → 单位 302001); classification codes
    # by two (类 3 → 款 5 → 项 7 digits).
    org_code_step: int = 3
    # --- performance forms (targets.py and the form modules) -------------------------------------
    # Non-blank lines searched above a form's anchor row (or a project table's header) for its
    # title: a unit line, a year line and a section heading may stand between.
    title_lookback: int = 4
    # Unrelated one-cell lines tolerated in a form's head before the form is taken to have ended
    # (page numbers, stray converter debris).
    head_stray_limit: int = 3
    # A form title is one line ("N、<项目名称>绩效目标表"); a longer line is prose mentioning one.
    form_title_max_len: int = 80
    # A label cell is a few words ("年度预算资金总额（万元）"); a longer cell is a value.
    label_max_len: int = 40
    # A unit after an indicator's number is short ("万元", "人次", "%"); longer is words.
    indicator_unit_max_len: int = 8
    # An indicator cell this short is taken as a qualitative 指标值 (提升, 健全, 达标 …).
    qualitative_value_max_len: int = 5


DEFAULT = RecogniseSettings()
