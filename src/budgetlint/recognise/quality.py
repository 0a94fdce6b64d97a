"""How well a table was read: cells that are no numbers, rows whose values could not be placed,
a header without amount columns; a score the rules use to leave badly read tables unchecked."""

from __future__ import annotations

from budgetlint.model import ReadQuality, Table


def read_quality(table: Table) -> ReadQuality:
    issues: list[str] = []
    rows = table.rows
    bad_cells = sum(1 for r in rows for v in r.values.values() if v.amount is None)
    ambiguous = sum(1 for r in rows if r.ambiguous)
    if bad_cells:
        issues.append(f"{bad_cells} 个金额单元格无法解析为数字")
    if ambiguous:
        issues.append(f"{ambiguous} 行数值无法确定所属列")
    if not table.amount_columns and rows:
        issues.append("表头中没有识别出金额列")
    score = 1.0
    if rows:
        score -= (ambiguous + bad_cells) / max(len(rows), 1)
    if not table.amount_columns and rows:
        score = 0.0
    return ReadQuality(max(score, 0.0), issues)
