"""Rows of the tables the Shandong and Hebei layouts both print: function- and economic-classified
grid rows (类 / 款 / 项 with their parents), balance-table lines, and the layout choices drawn per
document (``Style``).

Layout choices a real document also varies (zero written as 0.00 or blank, codes printed in full
or only their new part, where the 合计 label sits, rows per page) are drawn from the same seeded
``random.Random``; converter artefacts are *not* added here (see mutate.py).
"""

from __future__ import annotations

import random
from collections.abc import Callable

from budgetlint.eval.generate import Budget, FunctionLine, wan
from budgetlint.eval.model import CellRef, TRow, row_ref

SHANDONG_CLASSES = ("201", "202", "204", "205", "206", "207", "208", "210", "211", "212", "213", "214", "215",
                    "216", "217", "220", "221", "222", "223", "224", "229")
HEBEI_CLASSES = (("201", "一般公共服务支出"), ("202", "外交支出"), ("203", "国防支出"), ("204", "公共安全支出"),
                 ("205", "教育支出"), ("206", "科学技术支出"), ("207", "文化旅游体育与传媒支出"),
                 ("208", "社会保障和就业支出"), ("209", "社会保险基金支出"), ("210", "卫生健康支出"),
                 ("211", "节能环保支出"), ("212", "城乡社区支出"), ("213", "农林水支出"), ("214", "交通运输支出"),
                 ("215", "资源勘探工业信息等支出"), ("216", "商业服务业等支出"), ("217", "金融支出"),
                 ("219", "援助其他地区支出"), ("220", "自然资源海洋气象等支出"), ("221", "住房保障支出"),
                 ("222", "粮油物资储备支出"), ("223", "国有资本经营预算支出"), ("224", "灾害防治及应急管理支出"),
                 ("227", "预备费"), ("229", "其他支出"), ("230", "转移性支出"), ("231", "债务还本支出"),
                 ("232", "债务付息支出"), ("233", "债务发行费用支出"), ("234", "抗疫特别国债安排的支出"))

CLASS_NAMES = dict(HEBEI_CLASSES)


class Style:
    """Per-document layout choices."""

    def __init__(self, rng: random.Random, template: str) -> None:
        self.balance_zero = rng.choice(("0.00", "")) if template == "shandong" else ""
        self.sparse_codes = template == "shandong" and rng.random() < 0.3
        self.total_label_first = rng.random() < 0.6
        self.page_rows = rng.choice((12, 15, 18, 22, 30))
        self.org_line = template == "shandong" and rng.random() < 0.5


def cell_amount(cents: int, zero: str = "") -> str:
    return wan(cents) if cents else zero


def sum_dicts(a: dict[str, int], b: dict[str, int]) -> dict[str, int]:
    out = dict(a)
    for k, v in b.items():
        out[k] = out.get(k, 0) + v
    return out


# ---------------------------------------------------------------------------------------------
# Function-classified grid tables


def function_rows(b: Budget, keys: list[str], pick: Callable[[FunctionLine], dict[str, int]], template: str,
                  style: Style, total_label: str = "合计") -> list[TRow]:
    """Total row, then 类 / 款 / 项 rows of every line with a non-zero amount, with parents."""
    leaf: dict[str, dict[str, int]] = {}
    for code, line in b.lines.items():
        vals = pick(line)
        if any(vals.values()):
            leaf[code] = vals
    agg: dict[str, dict[str, int]] = {}
    for code, vals in leaf.items():
        for c in (code[:3], code[:5], code):
            agg[c] = sum_dicts(agg.get(c, {}), vals)
    total: dict[str, int] = {}
    for vals in leaf.values():
        total = sum_dicts(total, vals)
    rows: list[TRow] = []
    lead = 3 if template == "shandong" else 2  # 类/款/项 cells, or 序号 + 编码
    label_cell = lead  # name column index
    cells = [""] * (lead + 1)
    if template == "shandong":
        if style.total_label_first:
            cells[0] = "合 计" if total_label == "合计" else total_label
        else:
            cells[label_cell] = total_label
    else:
        cells[0], cells[2] = "1", total_label
        cells = cells[:3]
    rows.append(value_row(cells, keys, total, ref="合计", kind="total"))
    index: dict[str, int] = {}
    seq = 1
    for code in sorted(agg):
        name = b.cat.function[code].name
        if template == "shandong":
            parts = [code[:3], code[3:5], code[5:7]]
            if style.sparse_codes:
                parts = [p if i == len(code) // 2 - 1 else "" for i, p in enumerate(parts)]
                parts = [code[:3], "", ""] if len(code) == 3 else parts
            cells = parts + [name]
        else:
            seq += 1
            cells = [str(seq), code, name]
        parent = index.get(code[:-2] if len(code) > 3 else "", 0) if len(code) > 3 else 0
        row = value_row(cells, keys, agg[code], ref=code, kind="item", code=code, parent=parent)
        index[code] = len(rows)
        rows.append(row)
    return rows


def value_row(lead: list[str], keys: list[str], values: dict[str, int], ref: str, kind: str,
               code: str | None = None, parent: int | None = None, zero: str = "") -> TRow:
    cells = list(lead)
    row = TRow(cells=cells, ref=ref, kind=kind, code=code, parent=parent)
    for k in keys:
        v = values.get(k, 0)
        row.refs[len(cells)] = CellRef(ref, k)
        row.amounts[len(cells)] = v
        cells.append(cell_amount(v, zero))
    return row


def econ_rows(b: Budget, keys: list[str], pick: Callable[[int, str], dict[str, int]], template: str,
              with_gov: bool = True, total_label: str = "合计") -> list[TRow]:
    """Total row, then each 部门经济分类 类 and its 款 (with the 政府经济分类 beside them)."""
    groups: dict[str, list] = {}
    for e in sorted(b.econ, key=lambda e: e.code):
        groups.setdefault(e.code[:3], []).append(e)
    rows: list[TRow] = []
    total: dict[str, int] = {}
    for items in groups.values():
        for e in items:
            total = sum_dicts(total, pick(e.amount, e.group))
    if template == "shandong":
        lead = ["合 计"] + [""] * (5 if with_gov else 2)
    else:
        lead = ["1", "", total_label]
    rows.append(value_row(lead, keys, total, ref="合计", kind="total"))
    seq = 1
    for cls, items in groups.items():
        vals: dict[str, int] = {}
        for e in items:
            vals = sum_dicts(vals, pick(e.amount, e.group))
        gov_cls = items[0].gov_code[:3]
        if template == "shandong":
            lead = [cls, "", b.cat.econ_dept[cls].name]
            if with_gov:
                lead += [gov_cls, "", b.cat.econ_gov[gov_cls].name]
        else:
            seq += 1
            lead = [str(seq), cls, b.cat.econ_dept[cls].name]
        parent_i = len(rows)
        rows.append(value_row(lead, keys, vals, ref=cls, kind="item", code=cls, parent=0))
        for e in items:
            if template == "shandong":
                lead = [cls, e.code[3:], e.name]
                if with_gov:
                    lead += [e.gov_code[:3], e.gov_code[3:], e.gov_name]
            else:
                seq += 1
                lead = [str(seq), e.code, e.name]
            rows.append(value_row(lead, keys, pick(e.amount, e.group), ref=e.code, kind="item", code=e.code,
                                   parent=parent_i))
    return rows


# ---------------------------------------------------------------------------------------------
# Balance tables


def _bal_cells(label: str, value: int | None, side: str, key: str, row: TRow, zero: str) -> None:
    row.cells.append(label)
    if value is None:
        row.cells.append("")
        return
    row.refs[len(row.cells)] = CellRef(row_ref(None, label), key, side)
    row.amounts[len(row.cells)] = value
    row.cells.append(cell_amount(value, zero))


def balance_line(left: tuple[str, int | None] | None, right: tuple[str, dict[str, int] | int | None] | None,
                  right_keys: list[str], zero: str, seq: str | None = None) -> TRow:
    row = TRow(cells=[seq] if seq is not None else [])
    if left:
        _bal_cells(left[0], left[1], "income", "amount", row, zero)
        row.ref = row_ref(None, left[0])
    else:
        row.cells += ["", ""]
    if right:
        label, vals = right
        row.cells.append(label)
        if not row.ref:
            row.ref = row_ref(None, label)
        if isinstance(vals, dict):
            for k in right_keys:
                v = vals.get(k, 0)
                row.refs[len(row.cells)] = CellRef(row_ref(None, label), k, "expenditure")
                row.amounts[len(row.cells)] = v
                row.cells.append(cell_amount(v, zero))
        else:
            if vals is None:
                row.cells.append("")
            else:
                row.refs[len(row.cells)] = CellRef(row_ref(None, label), "amount", "expenditure")
                row.amounts[len(row.cells)] = vals
                row.cells.append(cell_amount(vals, zero))
    return row


def class_totals(b: Budget, pick: Callable[[FunctionLine], int]) -> dict[str, int]:
    out: dict[str, int] = {}
    for code, line in b.lines.items():
        out[code[:3]] = out.get(code[:3], 0) + pick(line)
    return out


def fiscal_exp(line: FunctionLine) -> dict[str, int]:
    g, f, c = line.general_fiscal, line.source("fund"), line.source("capital")
    return {"amount": g + f + c, "general": g, "fund": f, "capital": c}


FISCAL_USED = ("general", "fund", "capital")
