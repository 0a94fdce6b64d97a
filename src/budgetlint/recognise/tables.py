"""Lines of cells → typed tables.

Chain: ``lines_to_blocks`` (blocks.py: find a title AND a header, follow the table over page breaks
and repeated headers) → ``block_to_table`` (header tree → columns, headers.py and row_cells.py;
rows → codes, labels, values, grid_rows.py or balance_rows.py; values re-placed by the table's own
arithmetic where a converter dropped empty cells; read quality, quality.py).
"""

from __future__ import annotations

import re

from budgetlint.ingest.base import Line
from budgetlint.model import Column, Table, Unit
from budgetlint.recognise.balance_rows import read_balance_rows
from budgetlint.recognise.blocks import Block, lines_to_blocks, says_empty
from budgetlint.recognise.confirm import demote_text_columns
from budgetlint.recognise.grid_rows import read_grid_rows, unit_total_row
from budgetlint.recognise.headers import build_header, header_unit
from budgetlint.recognise.quality import read_quality
from budgetlint.recognise.row_cells import Layout
from budgetlint.recognise.vocab import Vocabulary


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
    empty = [x for x in block.notes if says_empty(x)]
    table.empty_note = empty[0] if empty else None
    balance = spec.layout == "balance"
    if table.unit is None:
        unit = header_unit([r for seg in block.segments for r in seg.header])
        table.unit = Unit(unit) if unit else None
    layouts: list[Layout] = []
    for seg in block.segments:
        width = max([len(r) for r in seg.header] + [len(d.cells) for d in seg.data] + [1])
        # Trailing all-empty columns beyond the header are converter debris.
        hwidth = max((len(r) for r in seg.header), default=width)
        width = max(hwidth, min(width, hwidth)) if seg.header else width
        layouts.append(Layout.of(build_header(seg.header, width, vocab, balance=balance), panels=not balance))
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
        read_balance_rows(block.segments, layouts, table, vocab)
    else:
        read_grid_rows(block.segments, layouts, table, vocab)
        unit_total_row(table, block.meta)
    last = block.segments[-1].data[-1] if block.segments and block.segments[-1].data else block.title_line
    table.end_line = last.provenance.line
    table.pages = sorted({d.provenance.page for s in block.segments for d in s.data if d.provenance.page} |
                         ({block.title_line.provenance.page} if block.title_line.provenance.page else set()))
    demote_text_columns(table)
    table.quality = read_quality(table)
    table.quality.issues.extend(block.reading)
    return table


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
