"""Classification catalogs (政府收支分类科目) by year: bundled drafts and user-imported official ones.

Files are CSV ``code,name,level,parent,confidence`` named ``<scheme>_<year>.csv``, where scheme is
``function`` (支出功能分类), ``econ_dept`` (部门预算支出经济分类) or ``econ_gov`` (政府预算支出
经济分类); ``econ_mapping_<year>.csv`` holds the 部门→政府 correspondence by unit type. A catalog
applies from its year until a newer one exists. The user folder (``$BUDGETLINT_HOME/catalogs``,
default ``~/.local/share/budgetlint/catalogs``) wins over the bundled files.
"""

from __future__ import annotations

import csv
import os
import re
import time
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path

from budgetlint.recognise.normalise import squash

SCHEMES = ("function", "econ_dept", "econ_gov")
LEVELS = {"类": 1, "款": 2, "项": 3}
CONFIDENCES = ("official", "attested", "recall_seed_agrees", "recall", "recall_low")
_FILE = re.compile(r"^(function|econ_dept|econ_gov|econ_mapping)_(\d{4})\.csv$")


class CatalogError(Exception):
    pass


@dataclass(frozen=True, slots=True)
class Entry:
    code: str
    name: str
    level: int
    parent: str | None
    confidence: str

    @property
    def firm(self) -> bool:
        """Trusted enough that a mismatch is an error, not a warning."""
        return self.confidence in ("official", "attested")


@dataclass(slots=True)
class Catalog:
    scheme: str
    year: int
    source: str  # "bundled" | "user"
    path: str
    entries: dict[str, Entry] = field(default_factory=dict)
    note: str | None = None  # e.g. "没有 2025 年科目表，使用 2024 年"

    def get(self, code: str) -> Entry | None:
        return self.entries.get(code)

    @property
    def official(self) -> bool:
        return self.source == "user"

    def by_name(self, name: str, level: int | None = None) -> list[Entry]:
        key = name_key(name)
        return [e for e in self.entries.values() if name_key(e.name) == key and (level is None or e.level == level)]


@dataclass(slots=True)
class Mapping:
    year: int
    path: str
    pairs: dict[tuple[str, str], dict[str, str]] = field(default_factory=dict)  # (dept, gov) → {context: conf}


def name_key(name: str) -> str:
    """Names compare without whitespace and with one form of brackets and punctuation."""
    return squash(name)


def user_dir() -> Path:
    home = os.environ.get("BUDGETLINT_HOME")
    base = Path(home) if home else Path.home() / ".local" / "share" / "budgetlint"
    return base / "catalogs"


def bundled_dir() -> Path:
    return Path(str(resources.files("budgetlint") / "catalogs"))


def available(kind: str) -> list[tuple[int, str, Path]]:
    found: list[tuple[int, str, Path]] = []
    for source, folder in (("user", user_dir()), ("bundled", bundled_dir())):
        if not folder.is_dir():
            continue
        for p in folder.iterdir():
            m = _FILE.match(p.name)
            if m and m.group(1) == kind:
                found.append((int(m.group(2)), source, p))
    return found


def read_catalog_file(path: Path, scheme: str, year: int, source: str) -> Catalog:
    cat = Catalog(scheme=scheme, year=year, source=source, path=str(path))
    try:
        fh = path.open(encoding="utf-8-sig", newline="")
    except OSError as e:
        raise CatalogError(f"科目表 {path} 无法读取：{e}") from e
    with fh:
        reader = csv.DictReader(fh)
        missing = {"code", "name", "level"} - set(reader.fieldnames or [])
        if missing:
            raise CatalogError(f"科目表 {path}：缺少列 {', '.join(sorted(missing))}")
        for lineno, row in enumerate(reader, start=2):
            code = (row.get("code") or "").strip()
            level = LEVELS.get((row.get("level") or "").strip())
            conf = (row.get("confidence") or ("official" if source == "user" else "recall")).strip()
            if not code.isdigit():
                raise CatalogError(f"科目表 {path} 第 {lineno} 行：编码 {code!r} 不是数字")
            if level is None:
                raise CatalogError(f"科目表 {path} 第 {lineno} 行：级次 {row.get('level')!r} 应为 类、款 或 项")
            if conf not in CONFIDENCES:
                raise CatalogError(f"科目表 {path} 第 {lineno} 行：可信度 {conf!r} 无效")
            if code in cat.entries:
                raise CatalogError(f"科目表 {path} 第 {lineno} 行：编码 {code} 重复")
            cat.entries[code] = Entry(code, (row.get("name") or "").strip(), level,
                                      (row.get("parent") or "").strip() or None, conf)
    return cat


def _pick(kind: str, year: int | None) -> tuple[int, str, Path, str | None] | None:
    options = available(kind)
    if not options:
        return None
    if year is None:
        best = max(options, key=lambda o: (o[0], o[1] == "user"))
        return (*best, None)
    # A catalog applies from its year on: take the latest not after the budget year, user first.
    earlier = [o for o in options if o[0] <= year]
    pool = earlier or options
    best = max(pool, key=lambda o: (o[0] if earlier else -abs(o[0] - year), o[1] == "user"))
    note = None
    if best[0] != year and kind == "function":
        note = f"没有 {year} 年的支出功能分类科目表，使用 {best[0]} 年的（{'导入' if best[1] == 'user' else '内置草案'}）"
    return (*best, note)


@lru_cache(maxsize=32)
def _load(kind: str, year: int | None, stamp: tuple) -> Catalog | None:
    picked = _pick(kind, year)
    if picked is None:
        return None
    y, source, path, note = picked
    cat = read_catalog_file(path, kind, y, source)
    cat.note = note
    return cat


_STAMP: tuple[float, tuple | None, tuple] = (-1.0, None, ())
_STAMP_SECONDS = 1.0


def _stamp() -> tuple:
    """The imported catalogs' names and times, so that an import is seen by the next load. Looked at
    most once a second: the rules ask for a catalog per coded row (tens of thousands of times in a
    large document), and listing a folder each time was a tenth of the run."""
    global _STAMP
    now = time.monotonic()
    # where the folder is, compared by what decides it (a Path built per call was most of the cost)
    where_now = (os.environ.get("BUDGETLINT_HOME"), os.environ.get("HOME"))
    at, where, stamp = _STAMP
    if where == where_now and now - at < _STAMP_SECONDS:
        return stamp
    folder = user_dir()
    stamp = (tuple(sorted((p.name, p.stat().st_mtime_ns) for p in folder.glob("*.csv")))
             if folder.is_dir() else ())
    _STAMP = (now, where_now, stamp)
    return stamp


def forget_imports() -> None:
    """Look at the imported catalogs again on the next load (after ``catalog import``)."""
    global _STAMP
    _STAMP = (-1.0, None, ())


def load_catalog(scheme: str, year: int | None) -> Catalog | None:
    if scheme not in SCHEMES:
        raise ValueError(scheme)
    return _load(scheme, year, _stamp())


@lru_cache(maxsize=8)
def _load_mapping(year: int | None, stamp: tuple) -> Mapping | None:
    picked = _pick("econ_mapping", year)
    if picked is None:
        return None
    y, _, path, _ = picked
    mapping = Mapping(year=y, path=str(path))
    with path.open(encoding="utf-8-sig", newline="") as fh:
        for lineno, row in enumerate(csv.DictReader(fh), start=2):
            dept, gov, ctx = row.get("department_code", ""), row.get("government_code", ""), row.get("context", "")
            if not (dept.isdigit() and gov.isdigit()) or ctx not in ("机关", "事业单位", "通用"):
                raise CatalogError(f"对照表 {path} 第 {lineno} 行无效")
            mapping.pairs.setdefault((dept, gov), {})[ctx] = row.get("confidence") or "official"
    return mapping


def load_mapping(year: int | None) -> Mapping | None:
    return _load_mapping(year, _stamp())
