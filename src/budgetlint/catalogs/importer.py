"""Import the Ministry of Finance's official catalog (政府收支分类科目, Excel) for a year.

The Ministry's workbook lists codes and names on one or more sheets: a code column (科目编码 /
编码 / 代码, or separate 类 / 款 / 项 columns) and a name column (科目名称 / 名称). Codes starting
with 2 are expenditure function codes, 3 departmental economic, 5 government economic; revenue
codes (1…) are skipped. Names are indented with spaces by level in the original: stripped.
Both .xlsx (openpyxl) and .xls (Excel 97–2003, xlrd, as ingest/xls.py reads it) are read; the
format is told by the file's bytes.

A workbook with far fewer codes than the catalog it replaces for that year is refused (a test
file of 9 rows once replaced the whole function catalog and turned every other code into a
false "unknown code"): ``force=True`` (``--force``) imports it anyway. ``remove_catalog`` undoes
an import.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

from openpyxl import load_workbook

from budgetlint.catalogs import SCHEMES, CatalogError, forget_imports, load_catalog, user_dir
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


# An imported catalog with fewer codes than this share of the one it replaces is refused.
MIN_SHARE = 0.5
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Excel 97–2003 (.xls) and other OLE files


def _sheets(path: Path) -> list[list[list[object]]]:
    """Every sheet's rows of cell values, from an .xlsx or an .xls workbook."""
    try:
        head = path.read_bytes()[:8]
    except OSError as e:
        raise CatalogError(f"{path} 无法读取：{e.strerror}") from e
    if head == _OLE:
        return _xls_sheets(path)
    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as e:  # openpyxl raises many kinds for a file that is not a workbook
        raise CatalogError(f"{path} 不是可读取的 Excel 文件（xlsx 或 xls）：{e}") from e
    return [[list(r) for r in ws.iter_rows(values_only=True)] for ws in wb.worksheets]


def _xls_sheets(path: Path) -> list[list[list[object]]]:
    import xlrd

    try:
        book = xlrd.open_workbook(str(path), logfile=io.StringIO())  # xlrd warns on stdout otherwise
    except xlrd.XLRDError as e:
        if "encrypted" in str(e).lower():
            raise CatalogError(f"{path} 已加密（设置了打开密码），无法读取；请提供未加密的文件") from e
        raise CatalogError(f"{path} 不是可读取的 Excel 97–2003（xls）工作簿：{e}") from e
    except Exception as e:  # noqa: BLE001 - a corrupt BIFF stream, never a traceback
        raise CatalogError(f"{path} 已损坏或格式异常，无法解析（{type(e).__name__}）") from e
    # codes typed as numbers come back as floats (212.0): the code is the integer
    return [[[int(v) if isinstance(v, float) and v.is_integer() else (v if v != "" else None)
              for v in sh.row_values(r)] for r in range(sh.nrows)] for sh in book.sheets()]


def read_workbook(path: Path) -> dict[str, dict[str, str]]:
    """Codes and names found in the workbook, by scheme: {scheme: {code: name}}."""
    found: dict[str, dict[str, str]] = {}
    for rows in _sheets(path):
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


_SCHEME_NAMES = {"function": "支出功能分类", "econ_dept": "部门预算支出经济分类", "econ_gov": "政府预算支出经济分类"}


def import_catalog(path: Path, year: int, folder: Path | None = None, force: bool = False
                   ) -> dict[str, tuple[Path, int]]:
    """Write ``<scheme>_<year>.csv`` into the user catalog folder; returns {scheme: (file, rows)}.
    Refused (CatalogError) when a scheme has far fewer codes than the catalog it replaces for
    that year, unless ``force``."""
    found = read_workbook(path)
    if not force:
        _refuse_a_much_smaller_catalog(found, year)
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


def _refuse_a_much_smaller_catalog(found: dict[str, dict[str, str]], year: int) -> None:
    problems = []
    for scheme, codes in found.items():
        current = load_catalog(scheme, year)
        if current is not None and len(codes) < MIN_SHARE * len(current.entries):
            where = "已导入" if current.official else "内置"
            problems.append(f"{_SCHEME_NAMES[scheme]}只有 {len(codes)} 个科目，而现用的 {current.year} 年{where}科目表有 "
                            f"{len(current.entries)} 个")
    if problems:
        raise CatalogError("；".join(problems) + "。导入后表中没有的科目都会被报告为“科目不存在”，"
                           "这通常说明文件不完整（只是样例或部分科目）。确认要导入请加 --force")


def remove_catalog(year: int, scheme: str | None = None, folder: Path | None = None) -> list[Path]:
    """Delete the imported catalog(s) of ``year`` (one scheme, or all); returns the files removed.
    The bundled drafts are never removed."""
    target = folder or user_dir()
    schemes = [scheme] if scheme else list(SCHEMES)
    removed = []
    for sc in schemes:
        p = target / f"{sc}_{year}.csv"
        if p.is_file():
            p.unlink()
            removed.append(p)
    forget_imports()
    return removed
