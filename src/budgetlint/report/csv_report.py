"""``check --format csv``: one row per finding, for spreadsheets and scripts.

UTF-8 with a byte-order mark, so that Excel opens the Chinese text correctly. A cell of document
text that a spreadsheet would take for a formula (beginning with =, +, - or @, and not a number)
is written with a leading apostrophe, the spreadsheet convention for "this is text".
"""

from __future__ import annotations

import csv
import io
import re

from budgetlint.pipeline import Result

HEADER = ["文件", "规则", "级别", "类别", "信息", "页", "表", "表名", "行", "列", "期望", "实际", "差额", "单位",
          "证据", "检查范围"]
_NUMBER = re.compile(r"[+-]?\d[\d,]*(\.\d+)?%?")


def _cell(value: object) -> str:
    text = "" if value is None else str(value)
    if text[:1] in ("=", "+", "-", "@", "\t", "\r") and not _NUMBER.fullmatch(text):
        return "'" + text
    return text


def render_csv(results: list[Result]) -> str:
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(HEADER)
    for r in results:
        scope = r.coverage.status.label if r.coverage is not None else ""
        if r.error is not None:
            w.writerow([_cell(x) for x in (r.path, "", "", "", f"{scope or '无法读取'}：{r.error}")]
                       + [""] * (len(HEADER) - 6) + [scope])
            continue
        for f in r.findings:
            loc = f.location
            w.writerow([_cell(x) for x in (
                r.path, f.rule, f.severity.label, f.family, f.message, loc.page, loc.table, loc.table_title,
                loc.row_label, loc.column_label, f.expected, f.found, f.difference, f.unit, f.evidence, scope)])
    return "\ufeff" + out.getvalue()
