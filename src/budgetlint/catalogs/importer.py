"""Import the Ministry of Finance's official catalog (政府收支分类科目, Excel) for a year.

The Ministry's workbook lists codes and names on one or more sheets: a code column (科目编码 /
编码 / 代码, or separate 类 / 款 / 项 columns) and a name column (科目名称 / 名称). Codes starting
with 2 are expenditure function codes, 3 departmental economic, 5 government economic; revenue
codes (1…) are skipped. Names are indented with spaces by level in the original: stripped.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

from openpyxl import load_workbook

from budgetlint.catalogs import CatalogError, forget_imports, user_dir
from budgetlint.recognise.normalise import clean, squash

_CODE_HEAD = ("科目编码", "编码", "代码", "科目代码")
_NAME_HEAD = ("科目名称", "名称")
_LEVEL_NAME = {3: "类", 5: "款", 7: "项"}
_SCHEME = {"2": "function", "3": "econ_dept", "5": "econ_gov"}


def _header(rows: list[list[object]]) -> tuple[int, list[int], int] | None:
    """(header row index, code column(s), name column) in the first rows of a sheet."""
    def split_cols(row: list[object]) -> list[int] | None:
        cells = [squash(str(c)) if c is not None else "" for c in row]
        cols = [next((j for j, c in enumerate(cells) if c == w), None) for w in ("类", "款", "项")]
        return cols if all(j is not None for j in cols) else None  # type: ignore[return-value]

    for i, row in enumerate(rows[:30]):
        cells = [squash(str(c)) if c is not None else "" for c in row]
        name = next((j for j, c in enumerate(cells) if c in _NAME_HEAD), None)
        if name is None:
            continue
        # 科目编码 over a second header row 类 | 款 | 项, or 类 | 款 | 项 in the same row.
        below = split_cols(rows[i + 1]) if i + 1 < len(rows) else None
        if below:
            return i + 1, below, name
        same = split_cols(row)
        if same:
            return i, same, name
        code = next((j for j, c in enumerate(cells) if c in _CODE_HEAD), None)
        if code is not None:
            return i, [code], name
    return None


def read_workbook(path: Path) -> dict[str, dict[str, str]]:
    """Codes and names found in the workbook, by scheme: {scheme: {code: name}}."""
    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as e:  # openpyxl raises many kinds for a file that is not a workbook
        raise CatalogError(f"{path} 不是可读取的 Excel（xlsx）文件：{e}") from e
    found: dict[str, dict[str, str]] = {}
    for ws in wb.worksheets:
        rows = [list(r) for r in ws.iter_rows(values_only=True)]
        head = _header(rows)
        if head is None:
            continue
        start, code_cols, name_col = head
        last: list[str] = ["", "", ""]
        for row in rows[start + 1:]:
            if name_col >= len(row) or row[name_col] is None:
                continue
            name = clean(str(row[name_col])).strip()
            if len(code_cols) == 1:
                raw = row[code_cols[0]] if code_cols[0] < len(row) else None
                code = re.sub(r"\D", "", str(raw)) if raw is not None else ""
            else:
                parts = [re.sub(r"\D", "", str(row[j])) if j < len(row) and row[j] is not None else "" for j in code_cols]
                # Blank parent columns mean "same as above", as in the budget tables.
                for k, p in enumerate(parts):
                    if p:
                        last[k] = p
                        last[k + 1:] = [""] * (2 - k)
                depth = max((k for k, p in enumerate(parts) if p), default=-1)
                code = "".join(last[: depth + 1]) if depth >= 0 else ""
            if not code or not name or code[0] not in _SCHEME:
                continue
            scheme = _SCHEME[code[0]]
            if len(code) not in ((3, 5, 7) if scheme == "function" else (3, 5)):
                continue
            found.setdefault(scheme, {}).setdefault(code, name)
    if not found:
        raise CatalogError(f"{path} 中没有找到科目编码和科目名称列（表头应含“科目编码”和“科目名称”）")
    return found


def import_catalog(path: Path, year: int, folder: Path | None = None) -> dict[str, tuple[Path, int]]:
    """Write ``<scheme>_<year>.csv`` into the user catalog folder; returns {scheme: (file, rows)}."""
    found = read_workbook(path)
    target = folder or user_dir()
    target.mkdir(parents=True, exist_ok=True)
    written: dict[str, tuple[Path, int]] = {}
    for scheme, codes in found.items():
        out = target / f"{scheme}_{year}.csv"
        with out.open("w", encoding="utf-8", newline="") as fh:
            w = csv.writer(fh)
            w.writerow(["code", "name", "level", "parent", "confidence"])
            for code in sorted(codes):
                level = _LEVEL_NAME[len(code)]
                parent = code[:-2] if len(code) > 3 else ""
                w.writerow([code, codes[code], level, parent, "official"])
        written[scheme] = (out, len(codes))
    forget_imports()  # the next load sees the new file at once
    return written
