"""The classification catalogs the generator draws codes from: the bundled catalogs of
``budgetlint.catalogs`` (one copy of the knowledge, the one the rules check against), 支出功能分类
2024 trimmed to the classes a department budget uses and without debt 款, and the 部门/政府预算支出
经济分类 with their correspondence (机关 / 事业单位 / 通用). Every code the generator writes exists
and carries its catalog name.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache

from budgetlint.catalogs import LEVELS, bundled_dir, read_catalog_file


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


# The classes a department budget draws on; the generator writes no debt or transfer lines.
_CLASSES = ("201", "204", "205", "206", "207", "208", "210", "211", "212", "213", "214", "215", "216",
            "220", "221", "222", "223", "224", "229")
_DEBT_WORDS = ("专项债", "债务")
_LEVEL_NAMES = {v: k for k, v in LEVELS.items()}


def _entries(scheme: str, year: int) -> dict[str, Entry]:
    """The bundled catalog of ``scheme`` and ``year`` (never a user-imported one: the generator
    must give the same documents on every machine)."""
    path = bundled_dir() / f"{scheme}_{year}.csv"
    cat = read_catalog_file(path, scheme, year, "bundled")
    return {e.code: Entry(e.code, e.name, _LEVEL_NAMES[e.level], e.parent or "") for e in cat.entries.values()}


def _for_departments(entries: dict[str, Entry]) -> dict[str, Entry]:
    debt = {e.code for e in entries.values() if e.level == "款" and any(w in e.name for w in _DEBT_WORDS)}
    return {c: e for c, e in entries.items() if c[:3] in _CLASSES and c[:5] not in debt}


def _mapping(year: int) -> dict[tuple[str, str], str]:
    path = bundled_dir() / f"econ_mapping_{year}.csv"
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return {(r["department_code"], r["context"]): r["government_code"] for r in csv.DictReader(fh)}


@lru_cache(maxsize=1)
def catalogs() -> Catalogs:
    return Catalogs(
        function=_for_departments(_entries("function", 2024)),
        econ_dept=_entries("econ_dept", 2018),
        econ_gov=_entries("econ_gov", 2018),
        mapping=_mapping(2018),
    )
