"""The indicator grid of a performance form (一级指标 | 二级指标 | 三级指标 | 指标值 …) → ``Indicator``s.

A grid whose 指标值 is the last column is read from the right (``free_row``): converters drop
empty cells, so the last cell is the 指标值, the one before it the 三级指标, and any cells in front
are 一级 / 二级 labels recognised by vocabulary. Blank 一级 / 二级 cells (merged cells) are carried
down; a 二级 without its 一级 gets the 一级 it belongs to when the carried one cannot be its parent
(社会效益指标 under 产出指标 is a slid row). A grid with more columns after the 指标值 (描述, 依据,
分值, or 指标性质 | 指标值 | 度量单位, re-joined into one value text) is read by the header's column
positions (``positional_row``). An indicator's provenance is the line of its 指标值 cell (of its
name when the value is blank).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from budgetlint.ingest.base import Line
from budgetlint.model import Indicator
from budgetlint.recognise.form_words import (
    LEVEL1_BASES,
    LEVEL2_PARENT,
    QUALITATIVE_MARKS,
    FormRow,
    field_kind,
    header_roles,
    is_comparator,
    is_level1,
    is_levelish,
    level_base,
    needs_positions,
    parse_indicator_value,
    value_like,
)


@dataclass(slots=True)
class IndicatorGrid:
    """The grid's column roles (from its header row) and the indicators read under it."""

    lines: list[Line]
    roles: dict[str, int] | None = None  # None: no grid yet; {}: a grid without a header, read from the right
    width: int = 0  # cells in the grid's header row
    compact: dict[str, int] | None = None  # roles with the header's empty (merged-over) columns left out
    compact_width: int = 0
    positional: bool = False
    level1: str = ""
    level2: str = ""
    pending: tuple[str, int] | None = None
    indicators: list[Indicator] = field(default_factory=list)

    @property
    def started(self) -> bool:
        return self.roles is not None

    def head(self, cells: list[str], roles: dict[str, int]) -> None:
        """A header row: the columns of the rows below."""
        self.flush_pending()
        self.roles = roles
        self.width = len(cells)
        self.compact = header_roles([c for c in cells if c])
        self.compact_width = sum(1 for c in cells if c)
        self.positional = needs_positions(cells, roles)

    def row(self, row: FormRow) -> None:
        if self.positional:
            self.positional_row(row)
        else:
            self.free_row(row)

    def positional_row(self, row: FormRow) -> None:
        roles = self.roles or {}
        if self.compact and self.compact_width == len(row.cells) < self.width:
            # A PDF grid continued on a new page without its header: the column a header cell
            # spanned (绩效指标描述 over two) is gone where no row on that page splits it.
            roles = self.compact

        def at(role: str) -> tuple[str, int]:
            k = roles.get(role)
            if k is None or k >= len(row.cells):
                return "", row.first
            return row.cells[k], row.where[k]

        l1, l2 = at("level1")[0], at("level2")[0]
        (name, name_at), (value, value_at) = at("name"), at("value")
        where = value_at if value else name_at
        comparator, unit = at("comparator")[0], at("unit")[0]
        if is_comparator(unit) and not is_comparator(comparator):
            comparator, unit = unit, comparator  # the two cells written in each other's column
        if value and (comparator or unit):  # national template: 指标性质 | 指标值 | 度量单位
            if comparator in QUALITATIVE_MARKS or not is_comparator(comparator):
                comparator = ""  # 定性 / 定量 say what kind of value it is, not how it compares
            value = f"{comparator}{value}{unit}"
        self.levels(l1 or None, l2 or None)
        if name or value:
            self.emit(name, value, where, at("description")[0] or None)

    def free_row(self, row: FormRow) -> None:
        filled: list[tuple[str, int]] = []
        for c, w in row.filled():
            if field_kind(c) == "indicators":
                continue
            if filled and filled[-1][0] == c:  # a spanning cell emitted twice
                continue
            filled.append((c, w))
        if not filled:
            return
        if all(is_levelish(c) for c, _ in filled):
            l1, l2 = self.classify([c for c, _ in filled])
            self.flush_pending()
            self.levels(l1, l2)
            return
        if len(filled) == 1:
            text, where = filled[0]
            if self.pending is not None:
                name = self.pending[0]
                self.pending = None
                self.emit(name, text, where)
            elif not value_like(text):
                self.pending = (text, where)
            return
        self.flush_pending()
        (name, _), (value, where) = filled[-2], filled[-1]
        lead = [c for c, _ in filled[:-2]]
        if is_levelish(name) and not value_like(value):
            lead.append(name)
            name, value = value, ""
        l1, l2 = self.classify(lead)
        self.levels(l1, l2)
        self.emit(name, value, where)

    @staticmethod
    def classify(lead: list[str]) -> tuple[str | None, str | None]:
        """Split the cells in front of an indicator into 一级 and 二级 labels."""
        l1: str | None = None
        l2: str | None = None
        unknown: str | None = None
        for i, c in enumerate(lead):
            if i == 0 and is_level1(c):
                l1 = c
            elif is_levelish(c) or c.endswith("指标"):
                l2 = c
            else:
                unknown = c
        return l1, l2 or unknown

    def levels(self, l1: str | None, l2: str | None) -> None:
        """Carry 一级 / 二级 down merged cells; infer a missing 一级 from its 二级."""
        if l1:
            if level_base(l1) != level_base(self.level1) and not l2:
                self.level2 = ""
            self.level1 = l1
        if l2:
            self.level2 = l2
            parent = LEVEL2_PARENT.get(level_base(l2))
            current = level_base(self.level1)
            known = not self.level1 or current in LEVEL1_BASES
            if not l1 and parent and known and level_base(parent) != current:
                self.level1 = parent

    def flush_pending(self) -> None:
        if self.pending is not None:
            name, where = self.pending
            self.pending = None
            self.emit(name, "", where)

    def emit(self, name: str, value: str, where: int, description: str | None = None) -> None:
        """Add an indicator; ``where`` is the line of its 指标值 cell (of the name when blank)."""
        if self.indicators:
            last = self.indicators[-1]
            if last.name == name and last.value_text == value:  # a row emitted twice
                return
        comparator, number, unit = parse_indicator_value(value)
        self.indicators.append(
            Indicator(
                level1=self.level1,
                level2=self.level2,
                name=name,
                value_text=value,
                comparator=comparator,
                number=number,
                unit=unit,
                description=description,
                provenance=self.lines[where].provenance,
            )
        )
