"""What every ingest module produces: pages of lines of cells, with provenance.

Formats differ only here. A text converter gives one cell per tab-separated field; a PDF gives
cells recovered from geometry; a spreadsheet gives its grid. Recognition never looks at bytes.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from budgetlint.model import Provenance


class IngestError(Exception):
    """A file that cannot be read at all. The message is Chinese and names the problem."""


@dataclass(slots=True)
class Line:
    """One line of the source: its cells (a single cell for prose) and where it came from.

    ``cells`` are raw strings, not yet normalised; empty strings are empty cells the source kept.
    ``cell_boxes`` gives each cell's bbox where the format has geometry; ``cell_refs`` each
    cell's spreadsheet reference (``B7``) where the format has one; ``cell_confidence`` each
    cell's recognition confidence (0–1) where the text was recognised (OCR), else None.
    """

    cells: list[str]
    provenance: Provenance
    cell_boxes: list[tuple[float, float, float, float] | None] | None = None
    cell_refs: list[str] | None = None
    cell_confidence: list[float] | None = None

    @property
    def text(self) -> str:
        return "\t".join(self.cells)

    @property
    def is_tabular(self) -> bool:
        return len(self.cells) > 1


@dataclass(slots=True)
class Page:
    """``number`` is 1-based; ``label`` names the page where the format does (a sheet's name)."""

    number: int
    lines: list[Line] = field(default_factory=list)
    label: str | None = None


@dataclass(slots=True)
class Source:
    """An ingested file: its pages and what ingest noticed on the way (notes are Chinese)."""

    path: str
    format: str  # text | pdf | xlsx | …
    pages: list[Page] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def lines(self) -> list[Line]:
        return [line for page in self.pages for line in page.lines]


def cause(e: BaseException) -> str:
    """A parser's error as a short Chinese parenthesis: the error's kind and, for XML, where —
    never the library's English text (cut mid-word in a message, and no help to a reviewer)."""
    where = ""
    line = getattr(e, "lineno", None)  # expat, lxml
    position = getattr(e, "position", None)  # ElementTree's ParseError: (line, column)
    if line is None and isinstance(position, tuple) and position:
        line = position[0]
    if isinstance(line, int) and line > 0:
        where = f"，第 {line} 行"
    return f"（{type(e).__name__}{where}）"


def refuse_cells(count: int, what: str) -> None:
    """An ``IngestError`` when a file holds more cells than any disclosure (limits.py ``cells``):
    a workbook of a million rows takes minutes and gigabytes to read, and holds no budget table."""
    from budgetlint import limits

    most = limits.active().cells
    if count > most:
        raise IngestError(f"{what}有超过 {most:,} 个单元格（配置文件 [limits] cells），不像预决算公开文档，未读取")
