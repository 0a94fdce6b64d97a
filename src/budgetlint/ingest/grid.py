"""Grids of cells (spreadsheets, Word and HTML tables) → ``Line``s, and numbers as printed.

Every format with real cells goes through here, so a table reads the same whatever it came in:

* a merged cell is written once, in its first column, followed by ``""`` for the columns it
  covers (a vertical merge leaves ``""`` in the rows below) — what recognition expects;
* a row whose only text is one cell spanning the table (a title, a unit line, a note, prose in a
  merged block) becomes a single-cell ``Line``; text with line breaks becomes one line each;
* the rows of one table are padded to the table's width, so columns stay aligned;
* a wrapped cell ("事业\\n收入") is joined without the break (a space between Latin words).

``format_number`` prints a stored number the way the cell's number format shows it: a float
1234.5 under ``0.00`` is "1234.50", so the decimals written (and the rounding tolerance) are the
printed ones.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from budgetlint.ingest.base import Line, Page
from budgetlint.model import Provenance
from budgetlint.recognise.normalise import join_wrapped

# ---------------------------------------------------------------------------------------------
# Text inside a cell

_WS = re.compile(r"[ \t\u3000\u00a0]+")




def cell_text(text: str) -> str:
    """A table cell's text on one line."""
    if "\n" in text or "\r" in text:
        return join_wrapped(re.split(r"\r\n|\r|\n", text))
    return text.strip()


def prose_lines(text: str) -> list[str]:
    """Prose held in one cell or paragraph: one entry per non-empty line."""
    return [s.strip() for s in re.split(r"\r\n|\r|\n|\u2028|\u2029", text) if s.strip()]


# ---------------------------------------------------------------------------------------------
# Rows → lines

_META = re.compile(
    r"^\s*(?:(?:金额)?单位\s*[:：]|编制(?:单位|部门)|填报(?:单位|部门)|预算单位\s*[:：]|单位名称\s*[:：]"
    r"|部门(?:名称)?\s*[:：]|(?:填报|报送|编制)?日期\s*[:：])"
)
_DEFAULT_SHEET = re.compile(r"^(?:sheet|工作表|表)\s*\d*$", re.IGNORECASE)


def is_meta_text(text: str) -> bool:
    """'单位：万元', '编制单位：…' and the like: furniture around a table, never its title."""
    return bool(_META.match(text))


@dataclass(slots=True)
class GridRow:
    """One row of a grid after merges are applied.

    ``cells`` are the row's texts in column order (merged-over cells ``""``); ``spans`` maps a
    column to the number of columns its merged cell covers (only where > 1); ``number`` is the
    row's 1-based number in its source (the spreadsheet row, the paragraph ordinal…);
    ``refs`` optionally names each cell (``B7``).
    """

    cells: list[str]
    number: int
    spans: dict[int, int] = field(default_factory=dict)
    refs: list[str] | None = None

    @property
    def filled(self) -> list[int]:
        return [i for i, c in enumerate(self.cells) if c.strip()]

    def extent(self) -> int:
        """Columns the row's content reaches, merged spans included."""
        end = 0
        for i in self.filled:
            end = max(end, i + self.spans.get(i, 1))
        return end


def _single(row: GridRow, width: int) -> bool:
    """A row that is one piece of text across the table, not a row of the table."""
    filled = row.filled
    if len(filled) != 1:
        return False
    i = filled[0]
    span = row.spans.get(i, 1)
    return width <= 1 or span >= max(2, width - i - 1)


def _emit_single(row: GridRow, page: Page, source_line: int | None = None) -> None:
    text = row.cells[row.filled[0]]
    prov = Provenance(line=source_line if source_line is not None else row.number, page=page.number)
    for part in prose_lines(text):
        page.lines.append(Line([part], prov))


def _emit_rows(rows: list[GridRow], page: Page, width: int) -> None:
    for row in rows:
        cells = [cell_text(c) for c in row.cells[:width]]
        cells += [""] * (width - len(cells))
        line = Line(cells, Provenance(line=row.number, page=page.number))
        page.lines.append(line)


Placed = tuple[int, int, str]  # grid column where a cell starts, columns it spans, its text


def collapse_grid(rows: list[list[Placed]], numbers: list[int], widths: list[float] | None = None,
                  tolerance: float = 0.0) -> list[GridRow]:
    """Rows of placed cells → ``GridRow``s over the table's real columns.

    Word (and HTML exported from it) often has grid columns no cell really starts at: a border
    a few twips off between two rows splits the grid into a sliver column, and the cells on
    either side span one more grid column than they look. Column boundaries closer than
    ``tolerance`` (in the unit of ``widths``, one per grid column) are one boundary, and only
    boundaries where some cell starts separate columns; spans are counted in what remains.
    """
    import bisect

    ncols = max([s + max(n, 1) for row in rows for s, n, _t in row] + [0])
    w = list(widths or [])
    default = (sum(w) / len(w)) if w else 1.0
    w += [default] * (ncols - len(w))
    xs = [0.0]
    for k in range(ncols):
        xs.append(xs[-1] + max(w[k], 0.0))
    cluster: list[int] = []  # boundary → cluster id, boundaries within tolerance share one
    anchor = None
    for x in xs:
        if anchor is None or x - anchor > tolerance:
            anchor = x
            # the next id (ids only grow); not len(set(cluster)), quadratic in the grid's columns
            cluster.append(cluster[-1] + 1 if cluster else 0)
        else:
            cluster.append(cluster[-1])
    starts = sorted({cluster[s] for row in rows for s, _n, _t in row})
    out: list[GridRow] = []
    for row, number in zip(rows, numbers, strict=True):
        placed: dict[int, str] = {}
        spans: dict[int, int] = {}
        end = 0
        for s, n, text in row:
            a = bisect.bisect_right(starts, cluster[s]) - 1
            b = max(a, bisect.bisect_left(starts, cluster[min(s + max(n, 1), ncols)]) - 1)
            if a in placed and placed[a]:
                placed[a] = join_wrapped([placed[a], text])  # a sliver cell's text joins its neighbour
            else:
                placed[a] = text
            if b > a and text:
                spans[a] = b - a + 1
            end = max(end, b + 1)
        out.append(GridRow([placed.get(i, "") for i in range(end)], number, spans))
    return out


def table_to_lines(rows: list[GridRow], page: Page, width: int | None = None) -> None:
    """An explicitly delimited table (Word, HTML): its rows, furniture rows as single lines.

    A one-column table is boxed prose. Rows that are one cell across the table (a title or unit
    line inside the table) become single-cell lines; the rest keep the table's width.
    """
    rows = [r for r in rows if r.filled]
    if not rows:
        return
    width = width or max(r.extent() for r in rows)
    if width <= 1:
        for r in rows:
            _emit_single(r, page)
        return
    run: list[GridRow] = []
    for r in rows:
        if _single(r, width):
            if run:
                _emit_rows(run, page, width)
                run = []
            _emit_single(r, page)
        else:
            run.append(r)
    if run:
        _emit_rows(run, page, width)


def sheet_to_lines(rows: list[GridRow], page: Page, sheet_name: str | None = None) -> None:
    """A spreadsheet's visible rows (blank ones included) → lines.

    Unlike a Word or HTML table, a sheet does not say where its tables are: a row with two or
    more filled cells is a table row; a row with one is a table row (a label whose amounts are
    blank) when it follows a table row directly and either more table rows follow or it is a
    short label, and it is not one cell across the table; everything else is prose. Each run of table rows is padded to the run's width. When the sheet holds a
    table but no title line above it, the sheet's name is the title.
    """
    kinds: list[str] = []  # blank | table | single
    for r in rows:
        filled = r.filled
        kinds.append("blank" if not filled else "table" if len(filled) >= 2 else "one")
    # A row with one filled cell continues the table right above it (no blank row between) when
    # the rows after it reach another table row, or when it is a short label closing the table.
    run_width = 0
    n = len(rows)
    for i in range(n):
        if kinds[i] == "blank":
            run_width = 0
            continue
        if kinds[i] == "table":
            run_width = max(run_width, rows[i].extent())
            continue
        text = rows[i].cells[rows[i].filled[0]].strip()
        inside = i > 0 and kinds[i - 1] == "table"
        if inside:
            j = i + 1
            while j < n and kinds[j] == "one":
                j += 1
            if not (j < n and kinds[j] == "table"):
                inside = len(text) <= 30 and not re.search(r"[\n。]", text) and not re.match(r"^\s*(?:注|备注|说明)", text)
        if inside and (_single(rows[i], run_width) or is_meta_text(text)):
            inside = False
        kinds[i] = "table" if inside else "single"
        if not inside:
            run_width = 0
    # Runs of table rows (blank rows inside a run are dropped, they do not end it).
    first_table = next((i for i, k in enumerate(kinds) if k == "table"), None)
    if sheet_name and first_table is not None and not _DEFAULT_SHEET.match(sheet_name.strip()):
        titled = any(
            kinds[i] == "single" and not is_meta_text(rows[i].cells[rows[i].filled[0]])
            for i in range(first_table)
        )
        if not titled:
            page.lines.append(Line([sheet_name.strip()], Provenance(line=rows[first_table].number, page=page.number)))
    i, n = 0, len(rows)
    while i < n:
        if kinds[i] == "blank":
            i += 1
            continue
        if kinds[i] == "single":
            _emit_single(rows[i], page)
            i += 1
            continue
        run: list[GridRow] = []
        while i < n and kinds[i] in ("table", "blank"):
            if kinds[i] == "table":
                run.append(rows[i])
            i += 1
        width = max(r.extent() for r in run)
        # Meta rows laid out across columns ("编制单位：… | 单位：元") are furniture, one line each.
        for r in run:
            texts = [r.cells[k].strip() for k in r.filled]
            if len(texts) > 1 and all(is_meta_text(t) for t in texts):
                for t in texts:
                    page.lines.append(Line([t], Provenance(line=r.number, page=page.number)))
            else:
                _emit_rows([r], page, width)


# ---------------------------------------------------------------------------------------------
# Numbers as printed


def _sections(fmt: str) -> list[str]:
    out, cur, quoted, bracket, esc = [], [], False, False, False
    for ch in fmt:
        if esc:
            cur.append(ch)
            esc = False
            continue
        if ch == "\\" and not quoted:
            cur.append(ch)
            esc = True
            continue
        if ch == '"':
            quoted = not quoted
        elif ch == "[" and not quoted:
            bracket = True
        elif ch == "]" and not quoted:
            bracket = False
        elif ch == ";" and not quoted and not bracket:
            out.append("".join(cur))
            cur = []
            continue
        cur.append(ch)
    out.append("".join(cur))
    return out


def _tokens(section: str) -> list[tuple[str, str]]:
    """('lit', text) and ('ph', placeholder chars) tokens of one format section."""
    toks: list[tuple[str, str]] = []
    i, n = 0, len(section)
    while i < n:
        ch = section[i]
        if ch == '"':
            j = section.find('"', i + 1)
            j = n if j < 0 else j
            toks.append(("lit", section[i + 1:j]))
            i = j + 1
        elif ch == "\\" and i + 1 < n:
            toks.append(("lit", section[i + 1]))
            i += 2
        elif ch in "_*":
            i += 2  # padding / fill: no printed character of its own
        elif ch == "[":
            j = section.find("]", i)
            i = n if j < 0 else j + 1
        elif ch in "0#?.,%":
            toks.append(("ph", ch))
            i += 1
        elif ch in "Ee" and i + 1 < n and section[i + 1] in "+-":
            toks.append(("exp", section[i:i + 2]))
            i += 2
        elif ch == "@":
            toks.append(("text", ch))
            i += 1
        else:
            toks.append(("lit", ch))
            i += 1
    return toks


def _decimal(v: float | int | Decimal) -> Decimal:
    if isinstance(v, Decimal):
        return v
    if isinstance(v, int):
        return Decimal(v)
    # What Excel shows is the value to 15 significant digits.
    return Decimal(format(v, ".15g"))


def format_general(v: float | int | Decimal) -> str:
    d = _decimal(v)
    if d == d.to_integral_value() and abs(d) < Decimal("1e11"):
        return str(int(d))
    if abs(d) >= Decimal("1e11") or (d != 0 and abs(d) < Decimal("1e-9")):
        mantissa, _, exp = format(float(d), ".5E").partition("E")
        mantissa = mantissa.rstrip("0").rstrip(".")
        return f"{mantissa}E{exp[0]}{exp[1:].lstrip('0').zfill(2)}"
    int_digits = len(str(int(abs(d)))) if abs(d) >= 1 else 1
    places = max(0, 10 - int_digits - (1 if d < 0 else 0))
    q = d.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    s = format(q, "f")
    if "." in s:
        s = s.rstrip("0").rstrip(".")
    return s


def _is_general(section: str) -> bool:
    s = section.strip().lower()
    return not s or s == "general" or s.startswith("g/") or s == "@"


def format_number(v: float | int | Decimal, fmt: str | None) -> str:
    """The number as the cell's number format prints it (Excel rules, common cases)."""
    if isinstance(v, bool):
        return "TRUE" if v else "FALSE"
    fmt = (fmt or "General").strip()
    try:
        d = _decimal(v)
    except (InvalidOperation, ValueError):
        return str(v)
    if d.is_nan() or d.is_infinite():
        return str(v)
    secs = _sections(fmt)
    negative_section = False
    if len(secs) >= 2 and d < 0:
        section, d, negative_section = secs[1], -d, True
    elif len(secs) >= 3 and d == 0:
        section = secs[2]
    else:
        section = secs[0]
    if _is_general(section):
        return format_general(d)
    toks = _tokens(section)
    if any(t == "exp" for t, _ in toks) or "/" in section:
        return format_general(d if not negative_section else -d)
    ph = [i for i, (t, _) in enumerate(toks) if t == "ph" and _ in "0#?.,"]
    digit_ph = [i for i in ph if toks[i][1] in "0#?"]
    percent = sum(1 for t, x in toks if t == "ph" and x == "%")
    if not digit_ph:
        # No digits shown at all ("-" for zero, a label): the literals are what is printed.
        return "".join(x for t, x in toks if t in ("lit",) or (t == "ph" and x == "%")).strip() or format_general(d)
    first, last = digit_ph[0], digit_ph[-1]
    number = "".join(toks[i][1] for i in range(first, last + 1) if toks[i][0] == "ph")
    # Commas right after the last digit placeholder scale by a thousand each.
    scale = 0
    k = last + 1
    while k < len(toks) and toks[k] == ("ph", ","):
        scale += 1
        k += 1
    int_part, dot, frac_part = number.partition(".")
    places = sum(1 for ch in frac_part if ch in "0#?")
    min_places = frac_part.count("0")
    grouping = "," in int_part
    min_int = int_part.count("0")
    x = d * (Decimal(100) ** percent) / (Decimal(1000) ** scale)
    q = x.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    neg = q < 0 and not negative_section
    q = abs(q)
    whole, _, frac = format(q, ",f" if grouping else "f").partition(".")
    frac = frac[:places]
    while len(frac) > min_places and frac.endswith("0"):
        frac = frac[:-1]
    if whole.replace(",", "") == "0" and min_int == 0:
        whole = ""
    elif len(whole.replace(",", "")) < min_int:
        whole = whole.zfill(min_int)
    body = whole + (dot + frac if dot else "")
    prefix = "".join(x for t, x in toks[:first] if t == "lit" or (t == "ph" and x == "%"))
    suffix = "".join(x for t, x in toks[k:] if t == "lit" or (t == "ph" and x == "%"))
    if neg and q != 0:
        prefix = "-" + prefix
    return (prefix + body + suffix).strip()


def format_datetime(value: dt.datetime | dt.date | dt.time, fmt: str | None = None) -> str:
    f = fmt or ""
    if isinstance(value, dt.time):
        return value.strftime("%H:%M:%S" if value.second else "%H:%M")
    if isinstance(value, dt.datetime) and (value.hour or value.minute or value.second):
        return value.strftime("%Y-%m-%d %H:%M")
    if "年" in f:
        return f"{value.year}年{value.month}月{value.day}日"
    return value.strftime("%Y-%m-%d")


def column_letter(i: int) -> str:
    """0-based column index → spreadsheet letters."""
    s = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        s = chr(65 + r) + s
    return s
