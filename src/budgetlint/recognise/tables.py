"""Lines of cells → typed tables.

Chain: ``lines_to_blocks`` (find a title AND a header, follow the table over page breaks and
repeated headers) → ``block_to_table`` (header tree → columns; rows → codes, labels, values;
values re-placed by the table's own arithmetic where a converter dropped empty cells).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import combinations
from math import comb

from budgetlint.ingest.base import Line
from budgetlint.model import (
    Code,
    CodeScheme,
    Column,
    Provenance,
    ReadQuality,
    Row,
    RowKind,
    Table,
    Unit,
    Value,
    rounding_tolerance,
)
from budgetlint.recognise.confirm import demote_text_columns
from budgetlint.recognise.form_words import is_indicator_header
from budgetlint.recognise.headers import Header, build_header, header_unit, is_index_row
from budgetlint.recognise.hierarchy import numbering_level
from budgetlint.recognise.normalise import CN_NUMERAL, clean, squash
from budgetlint.recognise.numbers import is_blank, is_number, looks_like_amount, parse_amount
from budgetlint.recognise.repair import MAX_PLACEMENTS as _MAX_PLACEMENTS
from budgetlint.recognise.repair import fits as _fits
from budgetlint.recognise.repair import repair_by_hierarchy
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
_CODE = re.compile(r"^\d{3}(?:\d{2}){0,2}$")
_CODE_IN_NAME = re.compile(r"^(\d{3}(?:\d{2}){0,2})\s+(\S.*)$")
_LEVEL_MARK = re.compile(r"[(（](类|款|项)[)）]")
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
    if bool(_CODE.match(vals[0].replace(" ", ""))) and len(vals) > 1 and not is_number(vals[1]):
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
    if pages < 3:
        return frozenset()
    count: dict[str, int] = {}
    for texts in edges.values():
        for t in set(texts[:2] + texts[-2:]):
            if len(t) <= 40:
                count[t] = count.get(t, 0) + 1
    return frozenset(t for t, c in count.items() if c >= max(3, pages // 3))


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
    if len(t) > 40 or t.endswith(("。", "：", ":")) or _NOTE.match(t) or _PAGE_NO.match(t):
        return False  # a page number between two pages of a table is no row of it
    width = max((len(r) for r in segment.header), default=0)
    # Several such lines in a row (blank rows of a balance table at the top of a page, each read as
    # its label alone: "十六、金融支出" / "十七、…"): look past the numbered ones.
    ahead = [x for x in lines[j + 1: j + 40] if any(c.strip() for c in x.cells)]
    k = 0
    while k < len(ahead) - 1 and k < 30 and not ahead[k].is_tabular and _NUMBERED.match(clean(ahead[k].cells[0])) \
            and len(clean(ahead[k].cells[0])) <= 40:
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
                if lookahead > 3:
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
        if mode == "data" and (expect_header or _same_as_header(cells, prev_header)):
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
                is_header = _same_as_header(cells, prev_header) or (
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
        if any(_says_empty(x) for x in notes):
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


def _same_as_header(cells: list[str], header: list[list[str]]) -> bool:
    key = [squash(c) for c in cells if squash(c)]
    return any(key == [squash(c) for c in h if squash(c)] for h in header)


# ---------------------------------------------------------------------------------------------
# Rows


def _scheme(digits: str) -> CodeScheme:
    return {"3": CodeScheme.ECON_DEPT, "5": CodeScheme.ECON_GOV}.get(digits[:1], CodeScheme.FUNCTION)


def _split_code(digits: str) -> tuple[str, ...]:
    return tuple(p for p in (digits[:3], digits[3:5], digits[5:7]) if p)


@dataclass(slots=True)
class _Layout:
    """Column positions of one header segment."""

    columns: list[Column]
    sums: list[tuple[str, tuple[str, ...]]]
    amount_idx: list[int]
    code_groups: list[list[int]]  # positions of 类/款/项 (or one 编码) per code group
    name_idx: list[int]
    text_idx: dict[str, int]
    offset: int = 0  # where a panel's first column sits in the line
    panels: list[_Layout] = field(default_factory=list)  # side-by-side copies of one column set
    org_groups: set[int] = field(default_factory=set)  # code groups holding organisation codes

    @classmethod
    def of(cls, header: Header, panels: bool = True) -> _Layout:
        layout = cls._of(header.columns, header.sums)
        layout.panels = _panels(header.columns, header.sums) if panels else []
        return layout

    @classmethod
    def _of(cls, cols: list[Column], sums, offset: int = 0) -> _Layout:
        amount_idx = [i for i, c in enumerate(cols) if c.role == "amount"]
        groups: list[list[int]] = []
        prev = None
        for i, c in enumerate(cols):
            if c.role == "code_part":
                if (prev is not None and prev == i - 1 and cols[prev].role in ("code_part", "code")
                        and len(groups[-1]) < 3):
                    groups[-1].append(i)
                else:
                    groups.append([i])
                prev = i
            elif c.role == "code":
                groups.append([i])
                prev = i
        name_idx = [i for i, c in enumerate(cols) if c.role == "name"]
        text_idx = {c.role: i for i, c in enumerate(cols) if c.role in ("seq", "project_type", "year")}
        return cls(cols, sums, amount_idx, groups, name_idx, text_idx, offset)


def _base_key(key: str) -> str:
    return key.split("#", 1)[0]


def _panels(cols: list[Column], sums) -> list[_Layout]:
    """Side-by-side copies of one column set (决算 基本支出表: 科目编码 | 科目名称 | 决算数, twice or
    three times on a line — 人员经费 on the left, 公用经费 on the right): one sub-layout per copy,
    with the keys of the first. Each copy must name its rows and carry the same amount columns."""
    bounds = [0] + [i for i in range(1, len(cols)) if cols[i].role != "amount" and cols[i - 1].role == "amount"]
    if len(bounds) < 2:
        return []
    spans = list(zip(bounds, bounds[1:] + [len(cols)], strict=True))
    signature = set()
    for a, b in spans:
        part = cols[a:b]
        if not any(c.role == "amount" for c in part) or not any(c.role in ("name", "code", "code_part") for c in part):
            return []
        signature.add(tuple((_base_key(c.key), c.role) for c in part))
    if len(signature) != 1:
        return []
    out = []
    for a, b in spans:
        part = [Column(key=_base_key(c.key), header=c.header, role=c.role, side=c.side, additive=c.additive,
                       rate=c.rate) for c in cols[a:b]]
        keys = {c.key for c in cols[a:b]}
        psums = [(_base_key(t), tuple(_base_key(x) for x in ps)) for t, ps in sums
                 if t in keys and all(x in keys for x in ps)]
        out.append(_Layout._of(part, psums, a))
    return out


def place_values(cells: list[Value], keys: list[str], sums) -> tuple[list[str | None], str | None, str | None]:
    """Assign a row's value cells to its amount columns.

    Converters drop empty cells, so values slide left under the wrong header — in one row, or in
    every row of one page. The reading as found is kept when the row's own identities (from the
    header) hold. Otherwise each order-preserving placement that moves values only rightwards is
    tried: exactly one that satisfies the identities is taken (``repaired`` says so); several
    that disagree make the row ambiguous; none means the row is inconsistent however it is read,
    so the reading is kept and the rules report it.

    Returns (key for each cell, repaired-note, ambiguous-note).
    """
    k, m = len(cells), len(keys)
    as_read: list[str | None] = [keys[i] if i < m else None for i in range(k)]
    if not sums or any(v.amount is None for v in cells):
        return as_read, None, None

    def fits(positions: dict[int, int]) -> bool:
        vals: dict[str, Decimal] = {}
        halfs: dict[str, Decimal] = {}
        for i, p in positions.items():
            vals[keys[p]] = cells[i].amount
            halfs[keys[p]] = cells[i].half_ulp
        return _fits(vals, halfs, sums)

    nonblank = [i for i in range(min(k, m)) if not cells[i].blank]
    if fits({i: i for i in nonblank}):
        return as_read, None, None
    if comb(m, len(nonblank)) > _MAX_PLACEMENTS:
        return as_read, None, "本行数值不满足列间关系，且可能的列归属过多，无法判断是否为读取错位"
    found: list[tuple[int, ...]] = []
    for positions in combinations(range(m), len(nonblank)):
        if all(p >= i for p, i in zip(positions, nonblank, strict=False)) and fits(dict(zip(nonblank, positions, strict=False))):
            found.append(positions)
    if not found:
        return as_read, None, None
    # A dropped cell shifts everything after it by the same step, so the placement that moves
    # the values least is the reading; a tie means the row cannot be placed.
    shift = sorted((sum(p - i for p, i in zip(pos, nonblank, strict=False)), pos) for pos in found)
    if len(shift) > 1 and shift[0][0] == shift[1][0]:
        return as_read, None, "本行数值与表头错位，有多种可能的列归属，无法确定"
    target = dict(zip(nonblank, shift[0][1], strict=False))
    placed: list[str | None] = [None] * k
    for i, p in target.items():
        placed[i] = keys[p]
    moved = "，".join(f"{cells[i].raw.strip()} → {keys[p]}" for i, p in target.items() if p != i)
    return placed, f"读取时数值错位（空单元格丢失），已按本行勾稽关系还原：{moved}", None


def _row_cells(cells: list[str], layout: _Layout) -> tuple[list[str], list[str]]:
    """Split a row into leading text cells (positional) and value cells.

    A converter may drop empty cells, so a short row is split at the last cell holding words
    (codes and 序号 count as words in their own columns), plus any blank cells up to where the
    header's amount columns begin.
    """
    width = len(layout.columns)
    a0 = layout.amount_idx[0] if layout.amount_idx else width
    if len(cells) >= width:
        # A full row: its figures are the cells under the amount columns; word columns after the
        # first figure (项目简介, 说明, 采购目录) are not figures.
        return cells[:a0], [cells[i] for i in layout.amount_idx]
    textual = {i for i, c in enumerate(layout.columns[:a0]) if c.role in ("code", "code_part", "seq")}

    def wordy(i: int, c: str) -> bool:
        if not looks_like_amount(c):
            return True
        t = clean(c).replace(" ", "")
        return i in textual and t.isdigit() and len(t) <= 7

    last_text = max((i for i, c in enumerate(cells) if wordy(i, c)), default=-1)
    if last_text >= a0:
        return cells[:a0], cells[a0:]
    cut = last_text + 1
    while cut < a0 and cut < len(cells) and is_blank(cells[cut]):
        cut += 1
    return cells[:cut], cells[cut:]


_CODE_NAME = re.compile(r"(?<!\d)(\d{3}(?:\d{2}){0,2})\s*[-－—]\s*(\S.*)$")


_ORG_STEP = 3  # organisation codes grow by three digits a level: 部门 302 → 单位 302001


def organisation_groups(rows: list[list[str]], layout: _Layout) -> set[int]:
    """The one-cell code groups whose column holds organisation codes, not classification codes.

    Classification codes grow 3 → 5 → 7 digits (类/款/项); 部门/单位 codes grow by three (302 →
    302001). A column where a code of six or more digits extends another code of the column by
    exactly three digits, and no code has a classification's 5 or 7 digits, is a column of
    organisation codes: its "302" is the 部门代码, not 经济分类 302 商品和服务支出."""
    out: set[int] = set()
    for g, group in enumerate(layout.code_groups):
        if len(group) != 1:
            continue
        i = group[0]
        digits = {t for r in rows if i < len(r) and (t := clean(r[i]).replace(" ", "")).isdigit()}
        if any(len(d) in (5, 7) for d in digits):
            continue
        if any(len(d) >= 2 * _ORG_STEP and d[:-_ORG_STEP] in digits for d in digits):
            out.add(g)
    return out


def _read_codes(texts: list[str], layout: _Layout, carry: dict[int, list[str]],
                notes: list[str] | None = None, names: dict[CodeScheme, str] | None = None,
                spill: dict[CodeScheme, str] | None = None) -> dict[CodeScheme, Code]:
    """The row's codes, one per code group. A cell may hold the code and its name
    ("2010501-行政运行"): the name goes to ``names``; words before the code are the end of the
    cell above, wrapped into this one ("缴费支出2080506-…"), and go to ``spill``."""
    codes: dict[CodeScheme, Code] = {}
    for g, group in enumerate(layout.code_groups):
        if g in layout.org_groups:
            continue  # 部门/单位代码: kept as the row's text, never a classification
        cells = [clean(texts[i]) if i < len(texts) else "" for i in group]
        raw = [x.replace(" ", "") for x in cells]
        if len(group) == 1 or (_CODE.match(raw[0]) and not any(x.isdigit() for x in raw[1:])):
            m = _CODE_NAME.search(cells[0])
            digits = m.group(1) if m else raw[0]
            if _CODE.match(digits):
                parts = _split_code(digits)
                scheme = _scheme(digits)
                codes.setdefault(scheme, Code(scheme, parts))
                carry[g] = list(parts)
                if m and names is not None:
                    names.setdefault(scheme, m.group(2).strip())
                    if m.start() > 0 and spill is not None:
                        spill[scheme] = cells[0][: m.start()].strip()
            continue
        raw = [x if x.isdigit() else "" for x in raw]
        for k in range(1, len(raw)):
            if len(raw[k]) == 1:
                # A 款/项 printed "2" for "02": read it, and say so (the document is wrong).
                if notes is not None:
                    notes.append(f"{'款项'[k - 1]}编码“{raw[k]}”只有一位，按“0{raw[k]}”读取")
                raw[k] = "0" + raw[k]
        if not any(raw) or not all(re.fullmatch(r"\d{2,3}", x) for x in raw if x):
            continue
        parts = list(raw)
        last = max(i for i, x in enumerate(parts) if x)
        prev = carry.get(g, [])
        for i in range(last):
            if not parts[i]:
                if i < len(prev) and prev[i]:
                    parts[i] = prev[i]
                else:
                    parts = []
                    break
        parts = parts[: last + 1] if parts else []
        if parts and len(parts[0]) == 3:
            carry[g] = parts
            digits = "".join(parts)
            codes.setdefault(_scheme(digits), Code(_scheme(digits), tuple(parts)))
    return codes


def _cell_provenance(line: Line, i: int) -> Provenance:
    """A value's provenance: its line, with the cell's own box where the format has geometry."""
    prov = line.provenance
    boxes = line.cell_boxes
    bbox = boxes[i] if boxes is not None and i < len(boxes) and boxes[i] is not None else prov.bbox
    return Provenance(line=prov.line, page=prov.page, bbox=bbox)


def _cell_amount(text: str, line: Line, i: int) -> Value:
    """An amount cell read with its provenance and, for OCR'd text, its recognition confidence."""
    value = parse_amount(text, _cell_provenance(line, i))
    conf = line.cell_confidence
    if conf is not None and i < len(conf):
        value.confidence = conf[i]
    return value


def _grid_rows(segments: list[Segment], layouts: list[_Layout], table: Table, vocab: Vocabulary) -> None:
    observed: dict[int, tuple[list[Value], list[str], list]] = {}
    carry: dict[int, list[str]] = {}
    # Side-by-side copies of the columns (决算 基本支出表: 人员经费 left, 公用经费 right): each copy
    # is read as rows of its own, all rows of the first copy before those of the second.
    panels: dict[int, list[Row]] = {}
    panel_carry: dict[int, dict[int, list[str]]] = {}
    for seg, layout in zip(segments, layouts, strict=False):
        cells_of = [list(line.cells) for line in seg.data]
        layout.org_groups = organisation_groups(cells_of, layout)
        if layout.panels:
            for p, sub in enumerate(layout.panels):
                sub.org_groups = organisation_groups([c[sub.offset:] for c in cells_of], sub)
                rows = panels.setdefault(p, [])
                end = sub.offset + len(sub.columns)
                for line in seg.data:
                    cells = (list(line.cells) + [""] * end)[sub.offset:end]
                    row = _grid_row(cells, line, sub, table, vocab, panel_carry.setdefault(p, {}), observed,
                                    rows[-1] if rows else None, not rows and not table.rows)
                    if row is not None:
                        rows.append(row)
            note = f"本表并列{len(layout.panels)}组科目（如人员经费、公用经费），按组依次读为各行"
            if note not in table.notes:
                table.notes.append(note)
            continue
        for line in seg.data:
            row = _grid_row(line.cells, line, layout, table, vocab, carry, observed,
                            table.rows[-1] if table.rows else None, not table.rows)
            if row is not None:
                table.rows.append(row)
    for p in sorted(panels):
        table.rows.extend(panels[p])
    for i, r in enumerate(table.rows):
        r.index = i
    coded = [r for r in table.rows if r.code is not None and r.kind is RowKind.ITEM]
    primary = {r.code.digits for r in coded}
    flat = not any(d[:n] in primary for d in primary for n in (3, 5) if n < len(d))
    if len(coded) > 1 and flat and all(len(r.codes) > 1 for r in coded):
        # 功能分类 × 经济分类 on every line (北京 支出总表: "2010501-行政运行 | 50101-… | 30101-…"): a
        # cross-tab, codes repeat by design and the 合计 is the sum of all lines.
        table.items_sum = True
        note = "本表按功能分类与经济分类交叉列示，合计为各行之和"
        if note not in table.notes:
            table.notes.append(note)
    repair_by_hierarchy(table, observed)


def _grid_row(cells: list[str], line: Line, layout: _Layout, table: Table, vocab: Vocabulary,
              carry: dict[int, list[str]], observed: dict, prev: Row | None, first: bool) -> Row | None:
    """One row of a grid table from one line's cells (a panel's slice of them)."""
    keys = [layout.columns[i].key for i in layout.amount_idx]
    texts, raw_values = _row_cells(cells, layout)
    prov = line.provenance
    full = len(cells) >= len(layout.columns)
    values = [_cell_amount(c, line, layout.offset + (layout.amount_idx[k] if full else len(texts) + k))
              for k, c in enumerate(raw_values)]
    code_notes: list[str] = []
    code_names: dict[CodeScheme, str] = {}
    spill: dict[CodeScheme, str] = {}
    codes = _read_codes(texts, layout, carry, code_notes, code_names, spill)
    if prev is not None and prev.code is not None and spill.get(prev.code.scheme):
        # A name wrapped onto the next line, read into the next row's code cell.
        prev.label += spill[prev.code.scheme]
        key = f"name:{prev.code.scheme.value}"
        if key in prev.texts:
            prev.texts[key] += spill[prev.code.scheme]
    name = ""
    for i in layout.name_idx:
        if i < len(texts) and clean(texts[i]):
            name = clean(texts[i])
            break
    primary = next((codes[s] for s in (CodeScheme.FUNCTION, CodeScheme.ECON_DEPT, CodeScheme.ECON_GOV)
                    if s in codes), None)
    if not name and primary is not None and primary.scheme in code_names:
        name = code_names[primary.scheme]
    if not name:
        # Any word cell names the row, but not a 序号 (its "3" is the row's number, not its name).
        seq = {i for role, i in layout.text_idx.items() if role == "seq"}
        name = next((clean(t) for i, t in enumerate(texts)
                     if i not in seq and clean(t) and not _CODE.match(clean(t).replace(" ", ""))), "")
    m = _CODE_IN_NAME.match(name)
    if m and not codes:
        codes[_scheme(m.group(1))] = Code(_scheme(m.group(1)), _split_code(m.group(1)))
        name = m.group(2)
    row = Row(index=0, label=name, codes=codes, provenance=prov)
    for scheme, n in code_names.items():
        row.texts[f"name:{scheme.value}"] = n
    for role, i in layout.text_idx.items():
        if i < len(texts) and clean(texts[i]):
            row.texts[role] = clean(texts[i])
    if code_notes:
        row.texts["code_note"] = "；".join(code_notes)
    for g in layout.org_groups:
        i = layout.code_groups[g][0]
        if i < len(texts) and clean(texts[i]):
            row.texts["org_code"] = clean(texts[i])
    for k, i in enumerate(layout.name_idx[1:], start=2):
        # A second name column: the 政府经济分类 name beside the 部门 one.
        if i < len(texts) and clean(texts[i]):
            row.texts[f"name#{k}"] = clean(texts[i])
    mark = _LEVEL_MARK.findall(name)
    if mark and not codes:
        row.texts["level_mark"] = mark[-1]
    if not codes and table.kind in vocab.grid_row_words:
        row.key = vocab.grid_row_words[table.kind].get(label_key(name))
    if not codes and label_key(name) in vocab.grid_total_words:
        row.kind = RowKind.TOTAL
    elif row.key in vocab.subtotal_rows:
        row.kind = RowKind.SUBTOTAL  # 人员经费合计 / 公用经费合计 under their own columns
    elif not codes and not name and first and layout.name_idx and any(not v.blank for v in values):
        # The 合计 label is often lost with its merged cell; the first unlabelled row is the total.
        row.kind, row.label = RowKind.TOTAL, "合计"
    placed, repaired, ambiguous = place_values(values, keys, layout.sums)
    for v, key in zip(values, placed, strict=False):
        if key is None:
            if not v.blank:
                ambiguous = ambiguous or f"本行数值多于表头的列数（多出 {v.raw.strip()}）"
            continue
        row.values[key] = Value(v.amount, v.raw, v.provenance, v.decimals, v.blank, v.confidence)
    # Columns the row did not reach are blank, i.e. zero.
    for key in keys:
        row.values.setdefault(key, Value(Decimal(0), "", prov, 0, True))
    row.repaired, row.ambiguous = repaired, ambiguous
    if not name and not codes and all(v.blank for v in row.values.values()):
        return None
    observed[id(row)] = (values, keys, layout.sums)
    return row


def _balance_rows(segments: list[Segment], layouts: list[_Layout], table: Table, vocab: Vocabulary) -> None:
    for seg, layout in zip(segments, layouts, strict=False):
        sides: dict[str, list[int]] = {}
        for i, c in enumerate(layout.columns):
            if c.side:
                sides.setdefault(c.side, []).append(i)
        # A side may show the same money twice, side by side (支出: 功能分类 | 支出用途): read the
        # first view, which carries the classification the other tables use.
        views: dict[str, list[int]] = {}
        for side, idx in sides.items():
            names = [i for i in idx if layout.columns[i].role == "name"]
            views[side] = [i for i in idx if len(names) < 2 or i < names[1]]
            if len(names) > 1:
                note = f"{'支出' if side == 'expenditure' else '收入'}方并列列示了另一种分类，仅检查第一种"
                if note not in table.notes:
                    table.notes.append(note)
        for line in seg.data:
            cells = line.cells + [""] * (len(layout.columns) - len(line.cells))
            prov = line.provenance
            for side, idx in views.items():
                name_i = next((i for i in idx if layout.columns[i].role == "name"), None)
                label = clean(cells[name_i]) if name_i is not None else ""
                vals = {layout.columns[i].key.split(".", 1)[1]: _cell_amount(cells[i], line, i)
                        for i in idx if layout.columns[i].role == "amount"}
                rest = [i for i in sides[side] if i not in idx and layout.columns[i].role == "amount"]
                if rest and all(v.blank for v in vals.values()) and vocab.row_key(side, label) in (
                        "current_total", "grand_total"):
                    # A 合计 label spanning every view of the side: its figure sits in the last column.
                    filled = [i for i in rest if not is_blank(cells[i])]
                    if filled and "amount" in vals:
                        vals["amount"] = _cell_amount(cells[filled[-1]], line, filled[-1])
                if not label and all(v.blank for v in vals.values()):
                    continue
                key = vocab.row_key(side, label)
                row = Row(index=len(table.rows), label=label, key=key, side=side, values=vals, provenance=prov)
                if key == "grand_total":
                    row.kind = RowKind.TOTAL
                elif key == "current_total":
                    row.kind = RowKind.SUBTOTAL
                # Each side has its own 行次 column.
                seq_i = next((i for i in sides[side] if layout.columns[i].role == "seq"), layout.text_idx.get("seq"))
                if seq_i is not None and clean(cells[seq_i]):
                    row.texts["seq"] = clean(cells[seq_i])
                table.rows.append(row)
    for side in ("income", "expenditure"):
        # "收入合计" is 本年合计 in one template and the grand total in another: when a side has
        # two 合计 lines and no 总计, the later one is the grand total.
        subs = [r for r in table.rows if r.side == side and r.key == "current_total"]
        if len(subs) > 1 and not any(r.side == side and r.key == "grand_total" for r in table.rows):
            subs[-1].key, subs[-1].kind = "grand_total", RowKind.TOTAL
        # A bare "合计" closing a side below its 本年合计 is the grand total (高等学校收支决算总表).
        rows = [r for r in table.rows if r.side == side]
        if (subs and rows and rows[-1] is not subs[-1] and label_key(rows[-1].label) in vocab.grid_total_words
                and not any(r.key == "grand_total" for r in rows)):
            rows[-1].key, rows[-1].kind = "grand_total", RowKind.TOTAL
    _balance_hierarchy(table, vocab)


UNNUMBERED = "unnumbered"  # texts["depth"] of a line without numbering among numbered ones


def _balance_hierarchy(table: Table, vocab: Vocabulary) -> None:
    """Which rows are top-level parts of 本年合计 / 总计 and which break down the row above.

    Numbering gives the depth: 一、 > （一） > 1. > （1）; an unnumbered line among numbered ones sits
    just below the last numbered line above it (or on top, before any). Below 本年合计, the
    carry-over lines (上年结转, 上级补助收入 …) are
    top-level and numbered lines break them down. A row's parent is the nearest row above that
    is shallower. Breakdowns marked "其中" are partial and are told apart by the rules.
    """
    for side in ("income", "expenditure"):
        rows = [r for r in table.rows if r.side == side]
        numbered = any(numbering_level(r.label) for r in rows if r.kind is RowKind.ITEM)
        after = False
        stack: list[tuple[float, Row]] = []
        last_numbered = 0.0
        for r in rows:
            if r.kind is not RowKind.ITEM:
                after = after or r.key == "current_total"
                stack, last_numbered = [], 0.0
                continue
            found = numbering_level(r.label)
            if after:
                # Carry-over lines are the parts of 总计; any other line breaks the one above down.
                known = r.key in vocab.after_current.get(side, ())
                level: float = 0 if known or not stack else (found or 5)
            elif found is not None:
                level = last_numbered = found
            elif numbered:
                level = last_numbered + 0.5
                r.texts["depth"] = UNNUMBERED
            else:
                level = 1
            while stack and stack[-1][0] >= level:
                stack.pop()
            r.parent = stack[-1][1].index if stack else None
            stack.append((level, r))
        _promote_carry_lines(rows)


def _total_holds(grand: Row, parts: list[Row]) -> bool:
    """总计 = Σ parts in every column the 总计 prints (blank parts count as zero)."""
    for key, found in grand.values.items():
        if found.amount is None or found.blank:
            continue
        vals = [p.values[key] for p in parts if key in p.values]
        if any(v.amount is None for v in vals):
            return False
        expected = sum((v.amount for v in vals if v.amount is not None), Decimal(0))
        if abs(found.amount - expected) > rounding_tolerance([found, *vals]):
            return False
    return True


def _promote_carry_lines(rows: list[Row]) -> None:
    """An unlisted line after 本年合计 is read as a breakdown of the line above it ("其中" lines,
    上年结转's 财政拨款结转 | 非财政拨款结余). A line the vocabulary does not know may instead be a
    part of 总计 of its own (西安's 上年实户资金余额 under 使用非财政拨款结余): where 总计 = 本年合计 +
    the top-level lines fails, and lifting such a line (or all of them) to the top makes it
    hold, that is the reading the table confirms."""
    sub = next((r for r in rows if r.key == "current_total"), None)
    grand = next((r for r in rows if r.key == "grand_total"), None)
    if sub is None or grand is None or rows.index(sub) > rows.index(grand):
        return
    between = [r for r in rows[rows.index(sub) + 1: rows.index(grand)] if r.kind is RowKind.ITEM]

    def top(lifted: list[Row]) -> list[Row]:
        return [sub] + [r for r in between if r.parent is None or r in lifted]

    if _total_holds(grand, top([])):
        return
    movable = [r for r in between if r.parent is not None and r.key is None and numbering_level(r.label) is None
               and not label_key(r.label).startswith("其中") and not clean(r.label).startswith("其中")]
    for lifted in [[r] for r in movable] + ([movable] if len(movable) > 1 else []):
        if any(not v.blank for r in lifted for v in r.values.values()) and _total_holds(grand, top(lifted)):
            for r in lifted:
                r.parent = None
            return


def _says_empty(note: str) -> bool:
    return bool(_EMPTY_NOTE.search(note)) and not _IF_BLANK.search(note)


def block_to_table(block: Block, index: int, vocab: Vocabulary) -> Table:
    spec = block.spec
    table = Table(
        index=index,
        kind=spec.kind,
        title=block.title,
        kind_label=vocab.kinds.get(spec.kind, spec.kind),
        unit=block.unit,
        layout=spec.layout,
        provenance=block.title_line.provenance,
        items_sum=spec.items_sum,
        notes=list(block.notes),
    )
    empty = [x for x in block.notes if _says_empty(x)]
    table.empty_note = empty[0] if empty else None
    balance = spec.layout == "balance"
    if table.unit is None:
        unit = header_unit([r for seg in block.segments for r in seg.header])
        table.unit = Unit(unit) if unit else None
    layouts: list[_Layout] = []
    for seg in block.segments:
        width = max([len(r) for r in seg.header] + [len(d.cells) for d in seg.data] + [1])
        # Trailing all-empty columns beyond the header are converter debris.
        hwidth = max((len(r) for r in seg.header), default=width)
        width = max(hwidth, min(width, hwidth)) if seg.header else width
        layouts.append(_Layout.of(build_header(seg.header, width, vocab, balance=balance), panels=not balance))
    seen: dict[str, Column] = {}
    for lay in layouts:
        lay = lay.panels[0] if lay.panels else lay  # side-by-side copies share the first one's columns
        for c in lay.columns:
            seen.setdefault(c.key, c)
        for s in lay.sums:
            if s not in table.column_sums:
                table.column_sums.append(s)
    table.columns = list(seen.values())
    if balance:
        _balance_rows(block.segments, layouts, table, vocab)
    else:
        _grid_rows(block.segments, layouts, table, vocab)
        _unit_total_row(table, block.meta)
    last = block.segments[-1].data[-1] if block.segments and block.segments[-1].data else block.title_line
    table.end_line = last.provenance.line
    table.pages = sorted({d.provenance.page for s in block.segments for d in s.data if d.provenance.page} |
                         ({block.title_line.provenance.page} if block.title_line.provenance.page else set()))
    demote_text_columns(table)
    table.quality = _quality(table)
    table.quality.issues.extend(block.reading)
    return table


_ORG_IN_META = re.compile(r"(?:部门名称|单位名称|预算单位|编制部门|编制单位|部门[(（]单位[)）])\s*[:：]\s*"
                          r"(\S+?)(?=\s|(?:金额)?单位\s*[:：]|$)")


def _unit_total_row(table: Table, meta: list[str]) -> None:
    """Tables listed by 预算单位 (深圳: 部门名称：深圳市信访局 above, "深圳市信访局" as the first body
    row, its projects or classes below): the unit's own row is the table's total."""
    if not table.rows or table.total_row() is not None:
        return
    orgs = {squash(m.group(1)) for t in meta if (m := _ORG_IN_META.search(clean(t)))}
    first = table.rows[0]
    if first.code is None and first.kind is RowKind.ITEM and squash(first.label) in orgs:
        first.kind = RowKind.TOTAL


def _quality(table: Table) -> ReadQuality:
    issues: list[str] = []
    rows = table.rows
    bad_cells = sum(1 for r in rows for v in r.values.values() if v.amount is None)
    ambiguous = sum(1 for r in rows if r.ambiguous)
    if bad_cells:
        issues.append(f"{bad_cells} 个金额单元格无法解析为数字")
    if ambiguous:
        issues.append(f"{ambiguous} 行数值无法确定所属列")
    if not table.amount_columns and rows:
        issues.append("表头中没有识别出金额列")
    score = 1.0
    if rows:
        score -= (ambiguous + bad_cells) / max(len(rows), 1)
    if not table.amount_columns and rows:
        score = 0.0
    return ReadQuality(max(score, 0.0), issues)


def recognise_tables(lines: list[Line], vocab: Vocabulary) -> tuple[list[Table], set[int]]:
    blocks = lines_to_blocks(lines, vocab)
    tables = [block_to_table(b, i, vocab) for i, b in enumerate(blocks, start=1)]
    consumed = {k for b in blocks for k in b.consumed}
    return tables, consumed


_RELATIVE_YEAR = re.compile(r"^y([+-]\d+)\.")


def resolve_relative_years(tables: list[Table], year: int | None) -> None:
    """Columns under 上年 | 当年 (headers.py keys them "y-1.", "y+0.") take the year they name:
    y2025., y2026. in a 2026 budget, as under printed years. Without the document's year, 当年's
    columns keep their plain keys and 上年's are prefixed "prior." (never read as a year)."""

    def key_of(key: str) -> str:
        m = _RELATIVE_YEAR.match(key)
        if m is None:
            return key
        rest, shift = key[m.end():], int(m.group(1))
        if year is not None:
            return f"y{year + shift}.{rest}"
        return rest if shift == 0 else f"prior.{rest}"

    for t in tables:
        if not any(_RELATIVE_YEAR.match(c.key) for c in t.columns):
            continue
        for c in t.columns:
            c.key = key_of(c.key)
        for r in t.rows:
            r.values = {key_of(k): v for k, v in r.values.items()}
        t.column_sums = [(key_of(a), tuple(key_of(p) for p in parts)) for a, parts in t.column_sums]
