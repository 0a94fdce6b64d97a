"""Cross-table identities: the same total in different tables must agree.

The identities are data (``identities.toml``): one engine runs them all, as the DATA Act
Broker runs its SQL rules. Each rule id there is registered here with its documentation.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from importlib import resources

from budgetlint.model import Document, Row, RowKind, Table, Value
from budgetlint.report.finding import Finding, Location
from budgetlint.rules.common import checkable, fmt, tolerance, usable, within
from budgetlint.rules.registry import REGISTRY, rule


@dataclass(frozen=True, slots=True)
class Ref:
    kind: str
    row: str  # "total" or "<side>/<key>"
    column: str

    @classmethod
    def parse(cls, text: str) -> Ref:
        parts = text.split(":")
        if len(parts) != 3 or not all(parts):
            raise ValueError(f"identities.toml：数量写法应为 表类型:行:列，得到 {text!r}")
        return cls(*parts)


@dataclass(slots=True)
class Quantity:
    table: Table
    row: Row | None  # None: the table is printed empty, its total is zero
    value: Value

    @property
    def amount(self) -> Decimal:
        return self.value.amount or Decimal(0)

    def location(self) -> Location:
        if self.row is None:
            return Location.of(self.table)
        return Location.of(self.table, self.row, self.ref_column)

    ref_column: str = ""


def resolve(doc: Document, ref: Ref) -> Quantity | None:
    """The value a reference names, or None when the document does not show it readably."""
    tables = doc.tables_of(ref.kind)
    if len(tables) != 1:
        return None  # absent, or ambiguous (two tables of one kind: a department and its units)
    table = tables[0]
    if not checkable(table) and not (table.is_empty and table.rows == []):
        return None
    if ref.row == "total":
        row = table.total_row()
        if row is None:
            if table.is_empty:
                zero = Value(Decimal(0), "", table.provenance, blank=True)
                return Quantity(table, None, zero, ref.column)
            return None
    else:
        side, key = ref.row.split("/", 1)
        row = next((r for r in table.rows if r.side == side and r.key == key), None)
        if row is None:
            return None
    if not usable(row):
        return None
    value = row.values.get(ref.column)
    if value is None:
        if row.kind is RowKind.TOTAL and table.column(ref.column) is None:
            return None  # the table has no such column
        return None
    return Quantity(table, row, value, ref.column)


def _describe(q: Quantity) -> str:
    t = q.table
    if q.row is None:
        return f"「{t.title}」（空表）"
    col = t.column(f"{q.row.side}.{q.ref_column}" if q.row.side else q.ref_column)
    label = "/".join(h for h in (col.header[1:] if col and col.side else col.header if col else ()) if h)
    return f"「{t.title}」{q.row.label or '合计'}{('的' + label) if label else ''}"


@dataclass(frozen=True, slots=True)
class Identity:
    rule: str
    left: Ref
    right: tuple[Ref, ...]


def _load() -> tuple[list[dict], list[Identity]]:
    data = tomllib.loads((resources.files("budgetlint.rules") / "identities.toml").read_text("utf-8"))
    idents = [
        Identity(i["rule"], Ref.parse(i["left"]), tuple(Ref.parse(r) for r in i["right"]))
        for i in data.get("identity", [])
    ]
    return data.get("rule", []), idents


RULES, IDENTITIES = _load()


def check_identity(doc: Document, ident: Identity) -> Iterator[Finding]:
    left = resolve(doc, ident.left)
    if left is None:
        return
    rights = [q for q in (resolve(doc, r) for r in ident.right) if q is not None]
    if not rights:
        return
    for q in rights:
        if within(left.amount, q.amount, tolerance([left.value, q.value])):
            return
    right = rights[0]
    meta = REGISTRY[ident.rule]
    unit = left.table.unit.value if left.table.unit else None
    if right.table.unit != left.table.unit:
        return  # different units: the comparison needs a conversion the tables do not state
    yield Finding(
        rule=meta.id,
        name=meta.name,
        family=meta.family,
        severity=meta.severity,
        message=f"{_describe(left)} {fmt(left.amount)} 与{_describe(right)} {fmt(right.amount)} 不一致"
                f"（差 {fmt(left.amount - right.amount)}）",
        location=left.location(),
        expected=right.amount,
        found=left.amount,
        tolerance=tolerance([left.value, right.value]),
        unit=unit,
        evidence=f"{_describe(left)}={left.value.raw.strip() or '空'}；{_describe(right)}={right.value.raw.strip() or '空'}",
        related=[q.location() for q in rights],
    )


def _register(spec: dict) -> None:
    rid = spec["id"]
    doc = (f"## 检查什么\n{spec['what']}\n## 为什么重要\n{spec['why']}\n## 示例\n{spec['example']}\n"
           "## 不报的情形\n任一方所在的表缺失、无法可靠读取、有读取错位的行，或两表金额单位不同；"
           "差额在四舍五入容差之内；同类表格出现不止一张（如部门与所属单位分列）。")

    def run(document: Document, _rid: str = rid) -> Iterator[Finding]:
        for ident in IDENTITIES:
            if ident.rule == _rid:
                yield from check_identity(document, ident)

    run.__doc__ = doc
    run.__name__ = spec["name"].replace("-", "_")
    rule(rid, name=spec["name"], family="cross_table", severity=spec.get("severity", "error"),
         title=spec["title"])(run)


for _spec in RULES:
    _register(_spec)


