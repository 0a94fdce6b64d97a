"""Lines of cells → blocks: where each table starts and ends.

A block starts at a title the template vocabulary knows AND a header that names one of its words
(``lines_to_blocks``). It follows the table over page breaks, repeated titles and headers, page
furniture (running headers and footers), notes and unit lines, and through rows a reader merged
into one line (``_continues``); it stops at the next table's title, at prose, or where a
performance form's indicator grid begins (read by targets.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from budgetlint.ingest.base import Line
from budgetlint.model import Unit
from budgetlint.recognise.form_words import is_indicator_header
from budgetlint.recognise.headers import is_index_row
from budgetlint.recognise.normalise import CN_NUMERAL, clean, squash
from budgetlint.recognise.numbers import is_blank, is_number
from budgetlint.recognise.row_cells import CODE
from budgetlint.recognise.settings import DEFAULT as SETTINGS
from budgetlint.recognise.vocab import TableSpec, Vocabulary, label_key

_UNIT = re.compile(r"(?:金额)?单位\s*[:：]?\s*(亿元|万元|元)")
_META = re.compile(
    r"^(?:部门[(（]单位[)）]|部门名称|单位名称|编制单位|填报单位|预算单位|部门|预算年度|年度)\s*[:：]"
    r"|^(?:截止时间|截至|数据截止|报送日期|填报日期)\s*[:：]"
    r"|^\d{3,9}(?!\d|\s*年)\s*\S+$|^-?\s*\d{1,3}\s*-?$|^第\s*\d+\s*页|^共\s*\d+\s*页"
    r"|^(?:表|公开|预算)\s*\d{1,2}\s*表?$"  # the table's number printed above its title: 表1, 公开01表
)
_NOTE = re.compile(r"^\s*(?:注|备注|说明)\s*[:：\d]")
# A title's second line: its bracketed part, or the tail of a bracket the title line opened.
_SUBTITLE = re.compile(r"^(?:[（(][^（()）]{1,40}|[^（()）]{1,30})[)）]$")
_PAGE_NO = re.compile(r"^-?\s*\d{1,3}\s*-?$|^第\s*\d+\s*页|^共\s*\d+\s*页")  # a printed page number
_EMPTY_NOTE = re.compile(r"空表|没有|无.{0,20}(?:预算|支出|收入|经费|资金)|未安排|不涉及")
# "此表如无数字则表示单位无该项支出" says what a blank table would mean, not that this one is blank.
_IF_BLANK = re.compile(r"[如若](?:本表|此表)?(?:无数字|无数据|无金额|为空|空白|无)[^。；;]{0,12}则")
_NUMBERED = re.compile(rf"^\s*(?:[{CN_NUMERAL}]+[、．.]|[（(][{CN_NUMERAL}\d]+[)）]|\d+[、．.](?!\d))")


def unit_in(text: str) -> Unit | None:
    m = _UNIT.search(clean(text).replace(" ", ""))
    return Unit(m.group(1)) if m else None


def is_meta(text: str) -> bool:
    t = clean(text)
    return bool(_META.match(t)) or (unit_in(t) is not None and len(squash(t)) <= 30)


@dataclass(slots=True)
class Segment:
    """Header rows and the data lines read under them (a table may restate its header)."""

    header: list[list[str]]
    data: list[Line] = field(default_factory=list)


@dataclass(slots=True)
class Block:
    spec: TableSpec
    title: str
    title_line: Line
    unit: Unit | None
    segments: list[Segment]
    consumed: list[int]
    notes: list[str]
    meta: list[str]
    reading: list[str] = field(default_factory=list)  # what went wrong reading it (not the document's words)


def _header_score(rows: list[list[str]], spec: TableSpec) -> bool:
    text = "".join(squash(c) for r in rows for c in r)
    return not spec.header_any or any(w in text for w in spec.header_any)


def _is_data_row(cells: list[str], vocab: Vocabulary) -> bool:
    vals = [clean(c) for c in cells if not is_blank(c)]
    if not vals:
        return False
    first = label_key(vals[0])
    if first in ("栏次", "行次"):
        return False
    if first in vocab.grid_total_words:
        # "合计 | 因公出国(境)费 | …" is a header row; "合 计 | 14904.71 …" or a bare 合计 is data.
        return not _is_header_word_row(cells, vocab) or any(is_number(v) for v in vals)
    for v in vals:
        t = v.replace(" ", "")
        if is_number(t) and ("." in t or "," in t):
            return True
        if is_number(t) and not (1900 <= float(t.replace(",", "")) <= 2100) and float(t.replace(",", "")) >= 100:
            return True
    if bool(CODE.match(vals[0].replace(" ", ""))) and len(vals) > 1 and not is_number(vals[1]):
        return True
    # "一、一般公共服务支出" with blank amounts: an enumerated label that is no header word.
    return any(_NUMBERED.match(v) and label_key(v) not in vocab.amount_words for v in vals)


def _is_header_word_row(cells: list[str], vocab: Vocabulary, minimum: int = 2) -> bool:
    words = [label_key(c) for c in cells if not is_blank(c)]
    known = sum(
        1 for w in words
        if w in vocab.amount_words or w in vocab.text_words or w in vocab.generic_totals
    )
    return known >= minimum and known >= len(words) / 2


def page_furniture(lines: list[Line]) -> frozenset[str]:
    """Running headers and footers: short single-cell lines that open or close many pages."""
    edges: dict[int, list[str]] = {}
    for line in lines:
        if line.provenance.page is not None and not line.is_tabular and line.cells[0].strip():
            edges.setdefault(line.provenance.page, []).append(squash(line.cells[0]))
    pages = len(edges)
    if pages < SETTINGS.furniture_min_pages:
        return frozenset()
    count: dict[str, int] = {}
    for texts in edges.values():
        for t in set(texts[:2] + texts[-2:]):
            if len(t) <= SETTINGS.furniture_max_len:
                count[t] = count.get(t, 0) + 1
    return frozenset(t for t, c in count.items() if c >= max(SETTINGS.furniture_min_pages, pages // SETTINGS.furniture_page_share))


def lines_to_blocks(lines: list[Line], vocab: Vocabulary) -> list[Block]:
    blocks: list[Block] = []
    furniture = page_furniture(lines)
    i, n = 0, len(lines)
    while i < n:
        line = lines[i]
        specs = [] if line.is_tabular or not line.cells[0].strip() else vocab.match_title(line.cells[0])
        if not specs and not line.is_tabular and line.cells[0].strip():
            specs = _wrapped_title(lines, i, vocab)
        if not specs:
            i += 1
            continue
        block = _read_block(lines, i, specs, vocab, furniture)
        if block is None:
            i += 1
            continue
        blocks.append(block)
        i = block.consumed[-1] + 1
    return blocks


def _wrapped_title(lines: list[Line], i: int, vocab: Vocabulary) -> list[TableSpec]:
    """A title printed in two lines, broken inside its name (西安 表13: "…拨款“三公”经费及" /
    "会议费、培训费支出预算表（不含上年结转）"): the specs the two lines name together, where the first
    line is no title and the two hold a longer title than the second alone (which may end in a
    short one: "…培训费支出预算表" holds 支出预算表)."""
    nxt = lines[i + 1] if i + 1 < len(lines) else None
    if nxt is None or nxt.is_tabular or not nxt.cells[0].strip():
        return []
    joined = clean(lines[i].cells[0]) + clean(nxt.cells[0])
    if vocab.title_length(joined) <= vocab.title_length(nxt.cells[0]):
        return []
    return vocab.match_title(joined)


def _continues(lines: list[Line], j: int, segment: Segment) -> bool:
    """A short prose-looking line inside a table, followed by rows of the table's width."""
    t = clean(lines[j].cells[0])
    if len(t) > SETTINGS.row_line_max_len or t.endswith(("。", "：", ":")) or _NOTE.match(t) or _PAGE_NO.match(t):
        return False  # a page number between two pages of a table is no row of it
    width = max((len(r) for r in segment.header), default=0)
    # Several such lines in a row (blank rows of a balance table at the top of a page, each read as
    # its label alone: "十六、金融支出" / "十七、…"): look past the numbered ones.
    ahead = [x for x in lines[j + 1: j + 1 + SETTINGS.continuation_window] if any(c.strip() for c in x.cells)]
    k = 0
    while k < len(ahead) - 1 and k < SETTINGS.label_lines_ahead and not ahead[k].is_tabular and _NUMBERED.match(clean(ahead[k].cells[0])) \
            and len(clean(ahead[k].cells[0])) <= SETTINGS.row_line_max_len:
        k += 1
    nxt = ahead[k] if ahead else None
    return nxt is not None and nxt.is_tabular and width > 0 and abs(len(nxt.cells) - width) <= 1


def _place_label_line(line: Line, segment: Segment) -> Line | None:
    """A label-only line as a row of the table: its text in the column whose span (read from the
    data lines above) holds it, every other cell blank. None where there is no geometry, the text
    carries a figure, or it does not fall in a label column (the first cell of a row, or the cell
    after a row's last figure on a balance table's second side)."""
    box = line.cell_boxes[0] if line.cell_boxes else None
    t = clean(line.cells[0])
    if box is None or not _NUMBERED.match(t) or any(ch.isdigit() for ch in t):
        return None
    ref = next((x for x in reversed(segment.data) if x.cell_boxes and len(x.cell_boxes) == len(x.cells)
                and all(b is not None for b in x.cell_boxes) and len(x.cells) > 1), None)
    if ref is None:
        return None
    centre = (box[0] + box[2]) / 2
    col = next((k for k, b in enumerate(ref.cell_boxes) if b[0] - 2 <= box[0] <= b[2] and b[0] <= centre <= b[2] + 2), None)
    if col is None:
        return None
    # A label column holds words in the rows above it, not figures.
    above = [clean(x.cells[col]) for x in segment.data if len(x.cells) == len(ref.cells)]
    if not above or sum(1 for a in above if a and not any(ch.isdigit() for ch in a.replace("、", ""))) < len(above) / 2:
        return None
    cells = [""] * len(ref.cells)
    cells[col] = line.cells[0]
    boxes: list[tuple[float, float, float, float] | None] = [None] * len(ref.cells)
    boxes[col] = box
    return Line(cells, line.provenance, cell_boxes=boxes)


def _read_block(lines: list[Line], start: int, specs: list[TableSpec], vocab: Vocabulary,
                furniture: frozenset[str] = frozenset()) -> Block | None:
    title = clean(lines[start].cells[0])
    sub = next((clean(x.cells[0]) for x in lines[start + 1: start + 3] if not x.is_tabular and clean(x.cells[0])), "")
    if _SUBTITLE.match(sub) and (narrowed := vocab.match_title(title + sub)):
        # A title in two lines, the classification on the second ("（按支出经济分类科目）").
        specs = narrowed
    consumed = [start]
    if sub and not vocab.match_title(title) and vocab.title_length(title + sub) > vocab.title_length(sub):
        # A title broken over two lines inside its name (_wrapped_title): its second line is no
        # other table's title.
        title += sub
        consumed.append(next(k for k in range(start + 1, start + 3) if clean(lines[k].cells[0]) == sub))
    unit = unit_in(title)
    notes: list[str] = []
    meta: list[str] = []
    reading: list[str] = []
    segments: list[Segment] = []
    kinds = {s.kind for s in specs}
    j, n = consumed[-1] + 1, len(lines)
    lookahead = 0
    mode = "header"
    header: list[list[str]] = []
    header_at: list[int] = []  # the line of each header row
    last_good = start
    expect_header = False  # a repeated title or page furniture was just seen
    keys_of: list[list[str]] | None = None  # the header rows whose _header_keys are prev_keys
    prev_keys: list[list[str]] = []
    while j < n:
        line = lines[j]
        if not line.is_tabular:
            t = clean(line.cells[0])
            if not t:
                j += 1
                continue
            again = vocab.match_title(t)
            wrapped = not again and bool(again := _wrapped_title(lines, j, vocab))
            if again and not {s.kind for s in again} & kinds:
                if not (segments or header):
                    # Another table's title before this one's header (a table of contents, a list of
                    # titles): the title nearest the header is the table's; start there.
                    return None
                break  # the next table's title ("2026年部门收入预算总表" also looks like a meta line)
            if squash(t) in furniture and (segments or header):
                consumed.append(j)  # a running header or footer between two pages of the table
                expect_header = True
                j += 1
                continue
            if mode == "data" and segments and _continues(lines, j, segments[-1]):
                # One row whose cells a reader merged into one ("（十九）自然资源…支出"), or a row
                # blank but for its label (a balance table's empty lines "十六、金融支出"): the table
                # goes on after it. Where the geometry shows which column the label sits in, it is
                # that row with blank figures; else the lost row is noted on the table.
                placed = _place_label_line(line, segments[-1])
                if placed is not None:
                    segments[-1].data.append(placed)
                else:
                    reading.append(f"第{line.provenance.page or '?'}页一行内容无法分列：{t[:30]}")
                consumed.append(j)
                last_good = j
                j += 1
                continue
            if is_meta(t) or _NOTE.match(t):
                if _NOTE.match(t):
                    notes.append(t)
                else:
                    unit = unit or unit_in(t)
                    meta.append(t)
                consumed.append(j)
                last_good = j
                expect_header = True
                j += 1
                continue
            if again and {s.kind for s in again} & kinds and (segments or header):
                # The same table continued on the next page, title repeated (or the next table under
                # the same title: its second line tells, below; so the title is not yet the table's).
                consumed.append(j)
                if wrapped:  # the title's second line goes with it
                    j += 1
                    consumed.append(j)
                expect_header = True
                j += 1
                continue
            if expect_header and segments and _SUBTITLE.match(t):
                # The second line of a repeated title ("（按支出功能分类科目-不含上年结转）") before the
                # header is restated on the next page: part of the title, not the end of the table —
                # unless title and second line name another table (表5 功能 → 表6 经济, one title).
                named = vocab.match_title(clean(lines[j - 1].cells[0]) + t) if j > start + 1 else []
                if named and not {s.kind for s in named} & kinds:
                    break
                consumed.append(j)
                last_good = j
                j += 1
                continue
            if not segments and not header:
                lookahead += 1
                if lookahead > SETTINGS.title_to_header_lines:
                    break
                j += 1
                continue
            break
        cells = line.cells
        if all(is_blank(c) or clean(c) == "无" for c in cells):  # "无": the row of an empty table
            consumed.append(j)
            j += 1
            continue
        if is_index_row(cells):
            consumed.append(j)
            j += 1
            continue
        prev_header = segments[-1].header if segments else []
        if prev_header is not keys_of:  # a segment's header rows do not change once it starts
            keys_of, prev_keys = prev_header, _header_keys(prev_header)
        if mode == "data" and (expect_header or _same_as_header(cells, prev_keys)):
            header, header_at, mode = [], [], "header"
        expect_header = False
        if mode == "header" and is_indicator_header(cells):
            # A performance form's grid (一级指标 | 三级指标 | 指标值 …) under a title the vocabulary
            # does not know, reached past page furniture: the form starts here with the header rows
            # read just before it; the table ends before them (targets.py reads the form).
            header, last_good = _drop_form_header(lines, j, header, header_at, consumed, last_good)
            break
        if mode == "header":
            if segments:
                is_header = _same_as_header(cells, prev_keys) or (
                    not _is_data_row(cells, vocab) and _is_header_word_row(cells, vocab, minimum=3)
                )
            else:
                is_header = not _is_data_row(cells, vocab)
            if is_header:
                header.append(cells)
                header_at.append(j)
            else:
                segments.append(Segment(header or prev_header, [line]))
                header, mode = [], "data"
        else:
            segments[-1].data.append(line)
        consumed.append(j)
        last_good = j
        j += 1
    if header and mode == "header":
        segments.append(Segment(header))
    if not segments:
        if any(says_empty(x) for x in notes):
            spec = specs[0]
            return Block(spec, title, lines[start], unit, [], [k for k in consumed if k <= last_good], notes, meta,
                         reading)
        return None
    all_header = [r for s in segments for r in s.header]
    spec = next((s for s in specs if _header_score(all_header, s)), None)
    if spec is None:
        return None
    return Block(spec, title, lines[start], unit, segments, [k for k in consumed if k <= last_good], notes, meta,
                 reading)


def _drop_form_header(lines: list[Line], at: int, header: list[list[str]], header_at: list[int],
                      consumed: list[int], last_good: int) -> tuple[list[list[str]], int]:
    """Header rows and end of a table cut short by a performance form's grid header: the header
    rows since the last line that was not a table row (the form's own upper header row: 单位编码 |
    项目名称 | 资金总额 | 绩效目标 | 绩效指标) go, and so do the lines between the table's last row or
    note and them (the form's title, its unit line)."""
    keep = len(header)
    while keep > 0 and all(lines[k].is_tabular for k in range(header_at[keep - 1], at)):
        keep -= 1
    cut = header_at[keep] if keep < len(header) else at
    own = [k for k in consumed if k < cut and (lines[k].is_tabular or _NOTE.match(clean(lines[k].cells[0])))]
    return header[:keep], min(last_good, max(own, default=consumed[0]))


def _header_keys(header: list[list[str]]) -> list[list[str]]:
    """Each header row's non-empty cells, squashed: what ``_same_as_header`` compares a row with."""
    return [[k for c in h if (k := squash(c))] for h in header]


def _same_as_header(cells: list[str], header_keys: list[list[str]]) -> bool:
    """The row repeats one of the header rows (``_header_keys``), cell for cell."""
    return [k for c in cells if (k := squash(c))] in header_keys


def says_empty(note: str) -> bool:
    return bool(_EMPTY_NOTE.search(note)) and not _IF_BLANK.search(note)
