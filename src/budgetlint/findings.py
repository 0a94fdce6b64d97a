"""The finding record: what every rule yields and every renderer formats. Keep it stable.

JSON schema: ``report/schema.json`` (``version`` bumps on any incompatible change).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

from budgetlint.model import Provenance, Row, Table

# The eight families: the first digit of a rule id (BL1xx …) and the Chinese label reports show.
# One place; the registry, the reports and the rules doc read it from here.
FAMILY_INFO = {
    "arithmetic": ("1", "表内勾稽"),
    "cross_table": ("2", "表间勾稽"),
    "narrative": ("3", "说明与表格"),
    "catalog": ("4", "科目"),
    "performance": ("5", "绩效目标"),
    "completeness": ("6", "完整性"),
    "text": ("7", "文字"),
    "cross_document": ("8", "跨文档"),
    "extraction": ("9", "读取"),
}
FAMILIES = tuple(FAMILY_INFO)
FAMILY_LABELS = {family: label for family, (_, label) in FAMILY_INFO.items()}


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        return {"error": 3, "warning": 2, "info": 1}[self.value]

    @property
    def label(self) -> str:
        return {"error": "错误", "warning": "警告", "info": "提示"}[self.value]


@dataclass(slots=True)
class Location:
    """Where a finding points: as much of page / line / table / row / column as is known."""

    page: int | None = None
    line: int | None = None
    bbox: tuple[float, float, float, float] | None = None
    table: int | None = None
    table_title: str | None = None
    row: int | None = None
    row_label: str | None = None
    column: str | None = None
    column_label: str | None = None
    # The document the location is in, where it is not the finding's own (cross-document findings'
    # ``Finding.other``): its path as given to ``check``.
    document: str | None = None

    @classmethod
    def of(cls, table: Table | None = None, row: Row | None = None, column: str | None = None,
           provenance: Provenance | None = None) -> Location:
        prov = provenance
        if prov is None and row is not None:
            v = row.values.get(column) if column else None
            prov = v.provenance if v is not None else row.provenance
        if prov is None and table is not None:
            prov = table.provenance
        col = None
        if table is not None and column:
            side = row.side if row is not None else None
            col = (table.column(f"{side}.{column}") if side else None) or table.column(column)
        label = None
        if row is not None:
            code = row.code.digits if row.code else ""
            label = " ".join(x for x in (code, row.label) if x) or None
        return cls(
            page=prov.page if prov else None,
            line=prov.line if prov else None,
            bbox=prov.bbox if prov else None,
            table=table.index if table else None,
            table_title=table.title if table else None,
            row=row.index if row else None,
            row_label=label,
            column=column,
            column_label=col.label if col else None,
        )

    def to_dict(self) -> dict[str, object]:
        out = {k: getattr(self, k) for k in self.__slots__ if getattr(self, k) is not None}
        if "bbox" in out:
            out["bbox"] = [round(v, 2) for v in out["bbox"]]
        return out

    def describe(self) -> str:
        parts = [f"《{self.document}》"] if self.document else []
        if self.page is not None:
            parts.append(f"第{self.page}页")
        if self.line is not None:
            parts.append(f"第{self.line}行")
        if self.table_title:
            parts.append(f"表{self.table}「{self.table_title}」")
        if self.row_label:
            parts.append(f"「{self.row_label}」")
        if self.column_label:
            parts.append(f"列「{self.column_label}」")
        return " ".join(parts)


def _squash(text: str | None) -> str:
    return re.sub(r"\s+", "", text or "")


def _fmt(v: Decimal | str | None) -> str:
    if isinstance(v, Decimal):
        return format(v.normalize(), "f")
    return _squash(v)


def _num(v: Decimal | None) -> str | None:
    if v is None:
        return None
    return format(v, "f")


@dataclass(slots=True)
class Finding:
    rule: str
    name: str
    family: str
    severity: Severity
    message: str
    location: Location = field(default_factory=Location)
    expected: Decimal | str | None = None
    found: Decimal | str | None = None
    tolerance: Decimal | None = None
    unit: str | None = None
    evidence: str | None = None
    related: list[Location] = field(default_factory=list)
    tags: tuple[str, ...] = ()
    # A cross-document finding's cell in the other document (its ``document`` names the file).
    other: Location | None = None

    @property
    def difference(self) -> Decimal | None:
        if isinstance(self.expected, Decimal) and isinstance(self.found, Decimal):
            return self.found - self.expected
        return None

    @property
    def fingerprint(self) -> str:
        """A stable identity for the problem, not for where the page breaks put it: the rule, the
        table's title, the row's label and the column, and the figures — no page, line, box or
        table/row index, so that a re-typeset document keeps its findings' identities (baselines,
        triage, SARIF partialFingerprints). A finding outside a table is known by its message."""
        loc = self.location
        where = ([_squash(loc.table_title), _squash(loc.row_label), loc.column or ""] if loc.table_title
                 else [_squash(self.message)])
        key = "|".join([self.rule, *where, _fmt(self.expected), _fmt(self.found)])
        return hashlib.sha256(key.encode("utf-8")).hexdigest()[:20]

    def to_dict(self) -> dict[str, object]:
        def val(x: Decimal | str | None) -> str | None:
            return _num(x) if isinstance(x, Decimal) else x

        out: dict[str, object] = {
            "rule": self.rule,
            "name": self.name,
            "family": self.family,
            "severity": self.severity.value,
            "message": self.message,
            "location": self.location.to_dict(),
            "expected": val(self.expected),
            "found": val(self.found),
            "difference": _num(self.difference),
            "tolerance": _num(self.tolerance),
            "unit": self.unit,
            "evidence": self.evidence,
            "fingerprint": self.fingerprint,
        }
        if self.related:
            out["related"] = [r.to_dict() for r in self.related]
        if self.tags:
            out["tags"] = list(self.tags)
        if self.other is not None:
            out["other"] = self.other.to_dict()
        return out
