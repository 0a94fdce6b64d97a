"""Renderers: a ``Composition`` → the bytes of one file in one format.

A renderer has a ``format`` name, a file ``suffix`` and ``render(comp) -> Rendered``. ``Rendered``
carries the bytes and the *anchors*: for every named narrative paragraph and performance form,
the 1-based line range it occupies, so a label can point at a narrative line. Formats with pages
and geometry (XLSX, PDF) plug in by adding a class here and an entry in ``RENDERERS``; their
anchors are whatever location their ingest reports as ``Provenance.line`` (for a PDF: the line
number in reading order, as ingest numbers it).

``TextRenderer`` writes converter text like the seeds: one paragraph per line followed by a
blank line, table rows as tab-separated cells, the title and ``单位：万元`` lines above the
header, and a long table split into pages, each restating the header (Hebei: also the
organisation / year / unit lines and the 栏次 row; optionally the title).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from budgetlint.eval.model import Composition, FormBlock, Para, TableBlock


@dataclass(slots=True)
class Rendered:
    data: bytes
    suffix: str
    anchors: dict[str, tuple[int, int]] = field(default_factory=dict)
    table_lines: dict[str, tuple[int, int]] = field(default_factory=dict)  # table id → line range


class Renderer(Protocol):
    format: str
    suffix: str

    def render(self, comp: Composition) -> Rendered: ...


class TextRenderer:
    format = "text"
    suffix = ".txt"

    def render(self, comp: Composition) -> Rendered:
        out: list[str] = []
        anchors: dict[str, tuple[int, int]] = {}
        tables: dict[str, tuple[int, int]] = {}

        def emit(line: str) -> int:
            out.append(line)
            return len(out)

        def blank() -> None:
            if out and out[-1] != "":
                out.append("")

        for block in comp.blocks:
            if isinstance(block, Para):
                blank()
                n = emit("\t".join(block.cells) if block.cells else block.text)
                if block.anchor:
                    anchors[block.anchor] = (n, n)
                blank()
            elif isinstance(block, TableBlock):
                start = len(out) + 1
                self._table(block, emit, blank)
                tables[block.id or block.kind] = (start, len(out))
            elif isinstance(block, FormBlock):
                blank()
                start = len(out) + 1
                if block.title:
                    emit(block.title)
                    blank()
                for m in block.meta:
                    emit(m)
                    blank()
                for cells in block.lines:
                    emit("\t".join(cells))
                if block.anchor:
                    anchors[block.anchor] = (start, len(out))
                blank()
        text = "\n".join(out) + "\n"
        return Rendered(text.encode("utf-8"), self.suffix, anchors, tables)

    @staticmethod
    def _table(t: TableBlock, emit, blank) -> None:
        blank()
        emit(t.title)
        blank()

        def furniture(first: bool) -> None:
            if not first and t.repeat_title:
                emit(t.title)
                blank()
            if first or t.repeat_meta or (t.repeat_title and t.meta):
                for m in t.meta:
                    emit(m)
                    blank()
            for h in t.header:
                emit("\t".join(h))
            if t.index_row:
                emit("\t".join(t.index_row))

        furniture(True)
        size = t.page_rows or len(t.rows) or 1
        for i, row in enumerate(t.rows):
            if i and i % size == 0:
                blank()
                furniture(False)
            emit("\t".join(row.cells))
        blank()
        if t.note:
            emit(t.note)
            blank()


RENDERERS: dict[str, Renderer] = {"text": TextRenderer()}


def renderer(fmt: str) -> Renderer:
    if fmt not in RENDERERS:
        raise ValueError(f"no renderer for format {fmt!r} (available: {', '.join(RENDERERS)})")
    return RENDERERS[fmt]
