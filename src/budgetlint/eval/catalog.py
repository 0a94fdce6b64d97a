"""Classification catalogs bundled for the generator (``eval/data/*.csv``).

Trimmed copies of the draft reference catalogs in ``shared/reference`` (see data/README.md):
支出功能分类 2024 without the debt and transfer classes, and the 部门/政府预算支出经济分类 with
their correspondence (机关 / 事业单位 / 通用). The generator only draws codes from here, so every
code it writes exists and carries its catalog name.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources


@dataclass(frozen=True, slots=True)
class Entry:
    code: str
    name: str
    level: str  # 类 | 款 | 项
    parent: str


@dataclass(slots=True)
class Catalogs:
    function: dict[str, Entry]
    econ_dept: dict[str, Entry]
    econ_gov: dict[str, Entry]
    mapping: dict[tuple[str, str], str]  # (department code, context) → government code

    def children(self, code: str) -> list[Entry]:
        return [e for e in self.function.values() if e.parent == code]

    def gov_of(self, dept_code: str, context: str) -> str | None:
        """The government economic code a department code maps onto for 机关 / 事业单位."""
        return self.mapping.get((dept_code, context)) or self.mapping.get((dept_code, "通用"))


def _read(name: str) -> list[dict[str, str]]:
    text = (resources.files("budgetlint.eval") / "data" / name).read_text("utf-8")
    return list(csv.DictReader(text.splitlines()))


def _entries(name: str) -> dict[str, Entry]:
    return {r["code"]: Entry(r["code"], r["name"], r["level"], r.get("parent_code") or "") for r in _read(name)}


@lru_cache(maxsize=1)
def catalogs() -> Catalogs:
    mapping = {(r["department_code"], r["context"]): r["government_code"] for r in _read("economic_mapping.csv")}
    return Catalogs(
        function=_entries("function_2024.csv"),
        econ_dept=_entries("economic_department.csv"),
        econ_gov=_entries("economic_government.csv"),
        mapping=mapping,
    )
