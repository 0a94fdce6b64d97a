"""Templates: lay a ``Budget`` out as the Shandong or Hebei disclosure (``Composition``).

Shandong (like seeds 000/004): 第一部分 概况, 第二部分 twelve tables with 类/款/项 in three
columns and merged two- or three-row headers, 第三部分 情况说明 and project performance forms,
第四部分 名词解释. Hebei (like seed 003): 部门预算…表 titles, the department code line,
预算年度 and 单位 lines and the header with its 栏次 row repeated on every page, 序号 column,
7-digit function codes in one column, then the 情况说明 with Hebei forms (项目编码, 资金支出计划).

Layout choices a real document also varies (zero written as 0.00 or blank, codes printed in full
or only their new part, where the 合计 label sits, rows per page) are drawn from the same seeded
``random.Random``; converter artefacts are *not* added here (see mutate.py).
"""

from __future__ import annotations

import random
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal

from budgetlint.eval.generate import Budget, FunctionLine, Project, wan, wan_short
from budgetlint.eval.model import CellRef, Composition, FormBlock, Para, TableBlock, TRow, row_ref

CN = "零一二三四五六七八九"


def cn_num(n: int) -> str:
    if n < 10:
        return CN[n]
    if n < 20:
        return "十" + (CN[n - 10] if n > 10 else "")
    return CN[n // 10] + "十" + (CN[n % 10] if n % 10 else "")


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


def _amount(cents: int, zero: str = "") -> str:
    return wan(cents) if cents else zero


def _sum_dicts(a: dict[str, int], b: dict[str, int]) -> dict[str, int]:
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
            agg[c] = _sum_dicts(agg.get(c, {}), vals)
    total: dict[str, int] = {}
    for vals in leaf.values():
        total = _sum_dicts(total, vals)
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
    rows.append(_value_row(cells, keys, total, ref="合计", kind="total"))
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
        row = _value_row(cells, keys, agg[code], ref=code, kind="item", code=code, parent=parent)
        index[code] = len(rows)
        rows.append(row)
    return rows


def _value_row(lead: list[str], keys: list[str], values: dict[str, int], ref: str, kind: str,
               code: str | None = None, parent: int | None = None, zero: str = "") -> TRow:
    cells = list(lead)
    row = TRow(cells=cells, ref=ref, kind=kind, code=code, parent=parent)
    for k in keys:
        v = values.get(k, 0)
        row.refs[len(cells)] = CellRef(ref, k)
        row.amounts[len(cells)] = v
        cells.append(_amount(v, zero))
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
            total = _sum_dicts(total, pick(e.amount, e.group))
    if template == "shandong":
        lead = ["合 计"] + [""] * (5 if with_gov else 2)
    else:
        lead = ["1", "", total_label]
    rows.append(_value_row(lead, keys, total, ref="合计", kind="total"))
    seq = 1
    for cls, items in groups.items():
        vals: dict[str, int] = {}
        for e in items:
            vals = _sum_dicts(vals, pick(e.amount, e.group))
        gov_cls = items[0].gov_code[:3]
        if template == "shandong":
            lead = [cls, "", b.cat.econ_dept[cls].name]
            if with_gov:
                lead += [gov_cls, "", b.cat.econ_gov[gov_cls].name]
        else:
            seq += 1
            lead = [str(seq), cls, b.cat.econ_dept[cls].name]
        parent_i = len(rows)
        rows.append(_value_row(lead, keys, vals, ref=cls, kind="item", code=cls, parent=0))
        for e in items:
            if template == "shandong":
                lead = [cls, e.code[3:], e.name]
                if with_gov:
                    lead += [e.gov_code[:3], e.gov_code[3:], e.gov_name]
            else:
                seq += 1
                lead = [str(seq), e.code, e.name]
            rows.append(_value_row(lead, keys, pick(e.amount, e.group), ref=e.code, kind="item", code=e.code,
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
    row.cells.append(_amount(value, zero))


def _balance_line(left: tuple[str, int | None] | None, right: tuple[str, dict[str, int] | int | None] | None,
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
                row.cells.append(_amount(v, zero))
        else:
            if vals is None:
                row.cells.append("")
            else:
                row.refs[len(row.cells)] = CellRef(row_ref(None, label), "amount", "expenditure")
                row.amounts[len(row.cells)] = vals
                row.cells.append(_amount(vals, zero))
    return row


def _class_totals(b: Budget, pick: Callable[[FunctionLine], int]) -> dict[str, int]:
    out: dict[str, int] = {}
    for code, line in b.lines.items():
        out[code[:3]] = out.get(code[:3], 0) + pick(line)
    return out


def _fiscal_exp(line: FunctionLine) -> dict[str, int]:
    g, f, c = line.general_fiscal, line.source("fund"), line.source("capital")
    return {"amount": g + f + c, "general": g, "fund": f, "capital": c}


# ---------------------------------------------------------------------------------------------
# Narrative sentences shared by both templates


def change_phrase(curr: int, prev: int, pct: bool = True) -> str:
    if curr == prev:
        return "与上年持平"
    d = curr - prev
    word = "增加" if d > 0 else "减少"
    text = f"比上年{word}{wan_short(abs(d))}万元"
    if pct and prev:
        rate = (Decimal(abs(d)) * 100 / Decimal(prev)).quantize(Decimal("0.01"), ROUND_HALF_UP)
        text += f"，{'增长' if d > 0 else '下降'}{rate}%"
    return text


def _income_parts(b: Budget) -> list[tuple[str, int]]:
    parts = [("一般公共预算收入", b.source_total("general")), ("政府性基金预算收入", b.source_total("fund")),
             ("国有资本经营预算收入", b.source_total("capital"))]
    if b.source_total("unit"):
        parts.append(("事业收入", b.source_total("unit")))
    if b.source_total("carry"):
        parts.append(("上年结转", b.source_total("carry")))
    return [(n, v) for n, v in parts if v]


def _tp_paras(b: Budget, lead: str) -> list[Para]:
    c, p = b.three_public["curr"], b.three_public["prev"]
    total_c, total_p = b.tp_total("curr"), b.tp_total("prev")
    veh_c = c["vehicle_purchase"] + c["vehicle_operation"]
    return [
        Para(f"{lead}“三公”经费预算共{wan_short(total_c)}万元，{change_phrase(total_c, total_p)}。其中：", "narr.tp_total"),
        Para(f"1.因公出国（境）费{wan_short(c['abroad'])}万元，{change_phrase(c['abroad'], p['abroad'])}。", "narr.tp_abroad"),
        Para(f"2.公务用车购置及运行费{wan_short(veh_c)}万元，包括公务用车购置费{wan_short(c['vehicle_purchase'])}万元，"
             f"{change_phrase(c['vehicle_purchase'], p['vehicle_purchase'])}；公务用车运行维护费"
             f"{wan_short(c['vehicle_operation'])}万元，{change_phrase(c['vehicle_operation'], p['vehicle_operation'])}。",
             "narr.tp_vehicle"),
        Para(f"3.公务接待费{wan_short(c['reception'])}万元，{change_phrase(c['reception'], p['reception'])}。",
             "narr.tp_reception"),
    ]


def _change_paras(b: Budget) -> list[Para]:
    pv = b.prev
    d_total = b.total - pv["total"]
    word = "增加" if d_total >= 0 else "减少"
    inc = [("一般公共预算收入", b.source_total("general") + b.source_total("carry"), pv["general"]),
           ("政府性基金预算收入", b.source_total("fund"), pv["fund"]),
           ("国有资本经营预算收入", b.source_total("capital"), pv["capital"]),
           ("事业收入", b.source_total("unit"), pv["unit"])]
    inc_text = "，".join(f"{n}{'增加' if c >= p else '减少'}{wan_short(abs(c - p))}万元" for n, c, p in inc if c or p)
    return [
        Para(f"（三）增减变化情况：{b.year}年收支预算{wan(b.total)}万元，较上年预算{word}{wan(abs(d_total))}万元，其中：",
             "narr.change"),
        Para(f"1.收入预算{word}{wan(abs(d_total))}万元，其中：{inc_text}。", "narr.change_income"),
        Para(f"2.支出预算{word}{wan(abs(d_total))}万元，其中：基本支出{'增加' if b.basic >= pv['basic'] else '减少'}"
             f"{wan(abs(b.basic - pv['basic']))}万元，项目支出{'增加' if b.project >= pv['project'] else '减少'}"
             f"{wan(abs(b.project - pv['project']))}万元。", "narr.change_expenditure"),
        Para(f"3.收支预算{word}的主要原因：一是人员经费按政策调整；二是项目支出根据工作任务相应调整。"),
    ]


def _running_para(b: Budget, who: str) -> Para:
    r, pr = b.running_cost, b.prev["running"]
    if b.unit_type == "机关":
        return Para(f"{b.year}年{who}机关运行经费安排{wan_short(r)}万元，{change_phrase(r, pr)}。主要原因是：严格控制一般性支出。",
                    "narr.running")
    return Para(f"本单位为事业单位，无机关运行经费。{b.year}年事业运行经费财政拨款预算为{wan_short(r)}万元，"
                f"{change_phrase(r, pr)}。", "narr.running")


def _procurement_para(b: Budget) -> Para:
    pr = b.procurement
    total = sum(pr.values())
    return Para(f"{b.year}年政府采购预算{wan_short(total)}万元，其中：政府采购货物预算{wan_short(pr['货物'])}万元，"
                f"政府采购工程预算{wan_short(pr['工程'])}万元，政府采购服务预算{wan_short(pr['服务'])}万元。",
                "narr.procurement")


def _fiscal_of(p: Project) -> int:
    return p.amount if p.source in ("general", "fund", "capital", "carry") else 0


# ---------------------------------------------------------------------------------------------
# Shandong


def compose_shandong(b: Budget, rng: random.Random) -> Composition:
    st = Style(rng, "shandong")
    who = "本部门" if b.doc_kind == "部门预算" else "本单位"
    blocks: list = []
    add = blocks.append
    add(Para(f"{b.year}年{b.department}{b.doc_kind}"))
    add(Para("第一部分 部门概况" if b.doc_kind == "部门预算" else "第一部分 单位概况"))
    add(Para("一、主要职责"))
    for i, d in enumerate(b.duties, start=1):
        add(Para(f"（{cn_num(i)}）{d}"))
    add(Para("二、机构设置情况"))
    if b.units:
        add(Para(f"{b.department}{b.doc_kind}包括本级预算和所属{len(b.units)}个单位预算：{'、'.join(b.units)}。"))
    else:
        add(Para(f"{b.department}{b.doc_kind}只包括本级预算，无其他二级预算单位。"))
    add(Para("第二部分"))
    add(Para(f"{b.year}年{b.doc_kind}表"))
    meta = ([f"部门（单位）：{b.department}"] if st.org_line else []) + ["单位：万元"]

    def table(kind: str, title: str, header: list[list[str]], rows: list[TRow], **kw) -> TableBlock:
        t = TableBlock(kind=kind, title=title, header=header, rows=rows, meta=list(meta), page_rows=st.page_rows,
                       id=kind, **kw)
        add(t)
        return t

    # 1 收支总体情况表
    zero = st.balance_zero
    g, f, c, u, carry = (b.source_total(s) for s in ("general", "fund", "capital", "unit", "carry"))
    income = [("一、财政拨款收入", g + f + c), ("一般公共预算收入", g), ("政府性基金预算收入", f),
              ("国有资本经营预算收入", c), ("二、财政专户管理资金收入", 0),
              ("三、事业收入（不含教育收费）", u if b.unit_type == "事业单位" else 0), ("四、事业单位经营收入", 0),
              ("五、其他收入", u if b.unit_type == "机关" else 0)]
    by_class = _class_totals(b, lambda line: line.total)
    exp = [(f"{cn_num(i)}、{CLASS_NAMES[code]}", by_class.get(code, 0))
           for i, code in enumerate(SHANDONG_CLASSES, start=1)]
    rows = []
    for i, (label, value) in enumerate(exp):
        left = income[i] if i < len(income) else None
        rows.append(_balance_line(left, (label, value), ["amount"], zero))
    tail = [(("本年收入合计", b.current_income), ("本年支出合计", b.total)),
            (("上级补助收入", 0), None),
            (("附属单位上缴收入", 0), ("对附属单位的补助支出", 0)),
            (("使用非财政拨款结余", 0), ("上缴上级支出", 0)),
            (("上年结转", carry), ("结转下年", 0)),
            (("收入总计", b.total), ("支出总计", b.total))]
    for left, right in tail:
        r = _balance_line(left, right, ["amount"], zero)
        if right is None:
            r.cells += ["", ""]
        rows.append(r)
    for r in rows:
        if r.ref in ("本年收入合计", "收入总计"):
            r.kind = "total"
    table("income_expenditure_summary", "收支总体情况表",
          [["收 入", "", "支 出", ""], ["项目", "预算数", "项目", "预算数"]], rows, layout="balance")

    # 2 收入总体情况表
    with_capital = c > 0 or rng.random() < 0.4
    fiscal_parts = ["general", "fund"] + (["capital"] if with_capital else [])
    keys = ["total", "fiscal", *fiscal_parts, "special_account", "business", "operating_income", "other_income",
            "upper_subsidy", "affiliated", "non_fiscal_balance", "carry_prior"]
    fiscal_words = ["一般公共预算收入", "政府性基金预算收入"] + (["国有资本经营预算收入"] if with_capital else [])
    h1 = ["科目编码", "", "", "科目名称", "合计", "财政拨款收入"] + [""] * len(fiscal_parts) + [
        "财政专户管理资金收入", "事业收入（不含教育收费）", "事业单位经营收入", "其他收入", "上级补助收入",
        "附属单位上缴收入", "使用非财政拨款结余", "上年结转"]
    h2 = ["类", "款", "项", "", "", "小计"] + fiscal_words + [""] * 8

    def income_pick(line: FunctionLine) -> dict[str, int]:
        unit = line.source("unit")
        return {"total": line.total, "fiscal": sum(line.source(s) for s in FISCAL_USED),
                "general": line.source("general"), "fund": line.source("fund"), "capital": line.source("capital"),
                "business": unit if b.unit_type == "事业单位" else 0,
                "other_income": unit if b.unit_type == "机关" else 0, "carry_prior": line.source("carry")}

    table("income_summary", "收入总体情况表", [h1, h2], function_rows(b, keys, income_pick, "shandong", st),
          col_sums=[("total", ("fiscal", "special_account", "business", "operating_income", "other_income",
                               "upper_subsidy", "affiliated", "non_fiscal_balance", "carry_prior")),
                    ("fiscal", tuple(fiscal_parts))])

    # 3 支出总体情况表
    carry_col = rng.random() < 0.5
    keys = ["total", "basic", "project"] + (["carry_next"] if carry_col else [])
    table("expenditure_summary", "支出总体情况表",
          [["科目编码", "", "", "科目名称", "合计", "基本支出", "项目支出"] + (["结转下年"] if carry_col else []),
           ["类", "款", "项", "", "", "", ""] + ([""] if carry_col else [])],
          function_rows(b, keys, lambda ln: {"total": ln.total, "basic": ln.basic, "project": ln.project_total},
                        "shandong", st),
          col_sums=[("total", tuple(keys[1:]))])

    # 4 财政拨款收支总体情况表
    fx = {}
    for code, line in b.lines.items():
        fx[code[:3]] = _sum_dicts(fx.get(code[:3], {}), _fiscal_exp(line))
    fexp = [(f"{cn_num(i)}、{CLASS_NAMES[code]}", fx.get(code, {}))
            for i, code in enumerate(SHANDONG_CLASSES, start=1)]
    fincome = [("一、一般公共预算收入", g), ("二、政府性基金预算收入", f), ("三、国有资本经营预算收入", c)]
    fkeys = ["amount", "general", "fund", "capital"]
    fz = "" if rng.random() < 0.7 else zero
    rows = [_balance_line(fincome[i] if i < 3 else None, (label, vals), fkeys, fz) for i, (label, vals) in enumerate(fexp)]
    ftotal = {"amount": g + f + c + carry, "general": g + carry, "fund": f, "capital": c}
    rows.append(_balance_line(("本年收入合计", g + f + c), ("本年支出合计", ftotal), fkeys, fz))
    rows.append(_balance_line(("上年结转", carry), ("结转下年", {}), fkeys, fz))
    rows.append(_balance_line(("收入总计", g + f + c + carry), ("支出总计", ftotal), fkeys, fz))
    table("fiscal_summary", "财政拨款收支总体情况表",
          [["收 入", "", "支 出", "", "", "", ""], ["项目", "预算数", "项 目", "预算数", "", "", ""],
           ["", "", "", "总计", "一般公共预算", "政府性基金预算", "国有资本经营预算"]], rows, layout="balance",
          repeat_title=rng.random() < 0.5, col_sums=[("amount", ("general", "fund", "capital"))])

    # 5 一般公共预算支出情况表
    gkeys = ["total", "basic", "personnel", "public", "project"]
    gh = [["科目编码", "", "", "科目名称", "合计", "基本支出", "", "", "项目支出"],
          ["类", "款", "项", "", "", "小计", "人员支出", "日常公用支出", ""]]

    def general_pick(ln: FunctionLine) -> dict[str, int]:
        proj = ln.project.get("general", 0) + ln.project.get("carry", 0)
        return {"total": ln.basic + proj, "basic": ln.basic, "personnel": ln.personnel, "public": ln.public,
                "project": proj}

    gsums = [("total", ("basic", "project")), ("basic", ("personnel", "public"))]
    table("general_expenditure", "一般公共预算支出情况表", gh, function_rows(b, gkeys, general_pick, "shandong", st),
          col_sums=gsums)

    # 6 一般公共预算基本支出情况表
    def basic_pick(amount: int, group: str) -> dict[str, int]:
        return {"basic": amount, group: amount}

    table("general_basic_expenditure", "一般公共预算基本支出情况表",
          [["科目编码", "", "部门预算支出经济分类科目名称", "科目编码", "", "政府预算支出经济分类科目名称",
            "基本支出预算", "", ""],
           ["类", "款", "", "类", "款", "", "小计", "人员支出", "日常公用支出"]],
          econ_rows(b, ["basic", "personnel", "public"], basic_pick, "shandong"),
          col_sums=[("basic", ("personnel", "public"))])

    # 7 三公
    y0, y1 = b.year - 1, b.year
    tp_keys = ["total", "abroad", "vehicle", "vehicle_purchase", "vehicle_operation", "reception"]
    row = TRow(cells=[], ref="", kind="item")
    for y, which in ((y0, "prev"), (y1, "curr")):
        d = b.three_public[which]
        vals = {"total": b.tp_total(which), "abroad": d["abroad"],
                "vehicle": d["vehicle_purchase"] + d["vehicle_operation"], "vehicle_purchase": d["vehicle_purchase"],
                "vehicle_operation": d["vehicle_operation"], "reception": d["reception"]}
        for k in tp_keys:
            row.refs[len(row.cells)] = CellRef("", f"y{y}.{k}")
            row.amounts[len(row.cells)] = vals[k]
            row.cells.append(_amount(vals[k], zero))
    group = ["合计", "因公出国（境）经费", "公务用车购置及运行维护费", "", "", "公务接待费"]
    sub = ["", "", "小计", "公务用车购置经费", "公务用车运行维护费", ""]
    table("three_public", "一般公共预算“三公”经费支出情况表",
          [[f"{y0}年预算数", "", "", "", "", "", f"{y1}年预算数", "", "", "", "", ""], group + group, sub + sub],
          [row], layout="matrix",
          col_sums=[(f"y{y}.{k}", p) for y in (y0, y1) for k, p in
                    (("total", ("abroad", "vehicle", "reception")), ("vehicle", ("vehicle_purchase", "vehicle_operation")))])
    t = blocks[-1]
    t.col_sums = [(f"y{y}.total", (f"y{y}.abroad", f"y{y}.vehicle", f"y{y}.reception")) for y in (y0, y1)] + [
        (f"y{y}.vehicle", (f"y{y}.vehicle_purchase", f"y{y}.vehicle_operation")) for y in (y0, y1)]

    # 8, 9 政府性基金 / 国有资本经营
    for kind, title, src, what in (("fund_expenditure", "政府性基金预算支出情况表", "fund", "政府性基金预算拨款"),
                                   ("capital_expenditure", "国有资本经营预算支出情况表", "capital", "国有资本经营预算拨款")):
        def pick(ln: FunctionLine, s: str = src) -> dict[str, int]:
            v = ln.project.get(s, 0)
            return {"total": v, "project": v}

        rows = function_rows(b, gkeys, pick, "shandong", st)
        note = None
        if len(rows) == 1:
            rows = rows if rng.random() < 0.5 else []
            note = f"注：{b.year}年没有使用{what}安排的支出。"
        table(kind, title, gh, rows, note=note, col_sums=gsums)

    # 10 基本支出预算情况表
    bkeys = ["total", "fiscal", "general", "fund", "capital", "special_account", "unit_funds", "non_fiscal_balance",
             "carry_prior"]

    def basic_src(amount: int, group: str) -> dict[str, int]:
        return {"total": amount, "fiscal": amount, "general": amount}

    table("basic_expenditure", "基本支出预算情况表",
          [["科目编码", "", "部门预算支出经济分类科目", "科目编码", "", "政府预算支出经济分类科目", "合计", "财政拨款",
            "", "", "", "财政专户管理资金", "单位资金", "使用非财政拨款结余", "上年结转"],
           ["", "", "", "", "", "", "", "小计", "一般公共预算", "政府性基金预算", "国有资本经营预算", "", "", "", ""],
           ["类", "款", "", "类", "款", "", "", "", "", "", "", "", "", "", ""]],
          econ_rows(b, bkeys, basic_src, "shandong"),
          col_sums=[("total", ("fiscal", "special_account", "unit_funds", "non_fiscal_balance", "carry_prior")),
                    ("fiscal", ("general", "fund", "capital"))])

    # 11 项目支出预算情况表
    pkeys = bkeys
    prows: list[TRow] = []

    def project_vals(p: Project) -> dict[str, int]:
        fiscal = p.amount if p.source in FISCAL_USED else 0
        return {"total": p.amount, "fiscal": fiscal, p.source if p.source in FISCAL_USED else "x": p.amount,
                "unit_funds": p.amount if p.source == "unit" else 0,
                "carry_prior": p.amount if p.source == "carry" else 0}

    tot: dict[str, int] = {}
    for p in b.projects:
        tot = _sum_dicts(tot, project_vals(p))
    lead = ["合 计", ""] if st.total_label_first else ["", ""]
    prows.append(_value_row(lead, pkeys, tot, ref="合计", kind="total"))
    for p in b.projects:
        prows.append(_value_row([p.name, p.category], pkeys, project_vals(p), ref=row_ref(None, p.name), kind="item",
                                parent=0))
    table("project_expenditure", "项目支出预算情况表",
          [["项目名称", "项目类型", "合计", "财政拨款", "", "", "", "财政专户管理资金", "单位资金", "使用非财政拨款结余",
            "上年结转"],
           ["", "", "", "小计", "一般公共预算", "政府性基金预算", "国有资本经营预算", "", "", "", ""]],
          prows, items_sum=True,
          col_sums=[("total", ("fiscal", "special_account", "unit_funds", "non_fiscal_balance", "carry_prior")),
                    ("fiscal", ("general", "fund", "capital"))])

    # 12 政府采购预算表
    ckeys = ["total", "fiscal", "general", "fund", "special_account", "unit_funds", "non_fiscal_balance", "carry_prior"]
    proc: dict[str, dict[str, int]] = {}
    for code, src, amount, _cat in b.procurement_entries():
        vals = {"total": amount}
        if src in ("general", "fund"):
            vals.update({"fiscal": amount, src: amount})
        elif src == "carry":
            vals["carry_prior"] = amount
        else:
            vals["unit_funds"] = amount
        proc[code] = _sum_dicts(proc.get(code, {}), vals)
    saved = b.lines
    fake = {code: FunctionLine(code, saved[code].name) for code in proc}
    b.lines = fake
    try:
        crows = function_rows(b, ckeys, lambda ln: proc[ln.code], "shandong", st)
    finally:
        b.lines = saved
    note = None
    if len(crows) == 1:
        note = f"注：{b.year}年{who}没有政府采购预算。"
    table("procurement", "政府采购预算表",
          [["科目编码", "", "", "科目名称", "合计", "财政拨款", "", "", "财政专户管理资金", "单位资金",
            "使用非财政拨款结余", "上年结转"],
           ["类", "款", "项", "", "", "小计", "一般公共预算", "政府性基金预算", "", "", "", ""]],
          crows, note=note,
          col_sums=[("total", ("fiscal", "special_account", "unit_funds", "non_fiscal_balance", "carry_prior")),
                    ("fiscal", ("general", "fund"))])

    # 第三部分
    add(Para("第三部分"))
    add(Para(f"{b.year}年{b.doc_kind}情况和重要事项说明"))
    add(Para("一、预算收支增减变化情况说明"))
    add(Para(f"按照综合预算的原则，{who}所有收入和支出均纳入部门预算管理。"))
    parts = "，".join(f"{n}{wan(v)}万元" for n, v in _income_parts(b))
    add(Para(f"（一）收入预算：{b.year}年收入预算{wan(b.total)}万元，其中：{parts}。", "narr.income"))
    add(Para(f"（二）支出预算：{b.year}年支出预算{wan(b.total)}万元，其中：基本支出{wan(b.basic)}万元，"
             f"项目支出{wan(b.project)}万元。", "narr.expenditure"))
    blocks.extend(_change_paras(b))
    add(Para("二、“三公”经费支出情况"))
    blocks.extend(_tp_paras(b, f"{b.year}年通过一般公共预算财政拨款安排的"))
    add(Para("三、机关运行经费情况"))
    add(_running_para(b, who))
    add(Para("四、政府采购情况"))
    add(_procurement_para(b))
    add(Para("五、国有资产占有使用情况"))
    add(Para(f"截至{b.year - 1}年12月31日，{who}共有车辆{b.assets['vehicles']}辆。单位价值100万元以上的设备"
             f"{b.assets['equipment']}台（件、套）。"))
    add(Para("六、绩效目标情况说明"))
    add(Para("（一）预算绩效管理情况"))
    fiscal_p = sum(_fiscal_of(p) for p in b.projects)
    add(Para(f"{b.department}{b.year}年项目支出全面实施绩效目标管理，涉及预算项目支出{len(b.projects)}个，"
             f"预算资金{wan(b.project)}万元，其中财政拨款{wan(fiscal_p)}万元。", "narr.performance"))
    add(Para(f"（二）{'部门' if b.doc_kind == '部门预算' else '单位'}预算项目绩效目标表"))
    for i, p in enumerate(b.projects):
        blocks.append(_shandong_form(b, p, i))
    add(Para("第四部分 名词解释"))
    for i, (term, text) in enumerate(GLOSSARY, start=1):
        add(Para(f"{cn_num(i)}、{term}：{text}"))
    comp = Composition("shandong", blocks)
    comp.truth = truth_figures(b, "shandong")
    return comp


FISCAL_USED = ("general", "fund", "capital")

GLOSSARY = (
    ("财政拨款收入", "指本级财政当年拨付的资金，包括一般公共预算拨款收入、政府性基金预算拨款收入和国有资本经营预算拨款收入。"),
    ("上年结转", "指以前年度尚未完成、结转到本年仍按原规定用途继续使用的资金。"),
    ("基本支出", "指为保障机构正常运转、完成日常工作任务而发生的人员支出和日常公用支出。"),
    ("项目支出", "指在基本支出之外为完成特定任务和事业发展目标所发生的支出。"),
    ("“三公”经费", "指因公出国（境）费、公务用车购置及运行费和公务接待费。"),
    ("机关运行经费", "指为保障行政单位（包括参照公务员法管理的事业单位）运行用于购买货物和服务的各项资金。"),
)


def _shandong_form(b: Budget, p: Project, i: int) -> FormBlock:
    t = p.target
    fiscal = _fiscal_of(p)
    lines = [
        ["项目名称", "", p.name, "", ""],
        ["主管部门", "", b.department, "实施单位", b.units[i % len(b.units)] if b.units and i % 3 == 2 else b.department],
        ["项目资金（万元）", "", "年度预算资金总额：", wan_short(p.amount), ""],
        ["", "", "其中：财政拨款", wan_short(fiscal), ""],
        ["", "", "其他资金", wan_short(p.amount - fiscal) if p.amount - fiscal else "", ""],
        ["年度总体绩效目标", t.objective, "", "", ""],
        ["绩效指标", "一级指标", "二级指标", "三级指标", "指标值"],
    ]
    order = sorted(t.indicators, key=lambda x: ("成本", "产出", "效益", "满意度").index(x.level1.removesuffix("指标")))
    prev1 = prev2 = None
    for ind in order:
        l1 = ind.level1 if ind.level1 != prev1 else ""
        l2 = ind.level2 if ind.level2 != prev2 or l1 else ""
        lines.append(["", l1, l2.replace("经济成本指标", "经济成本"), ind.name, ind.value])
        prev1, prev2 = ind.level1, ind.level2
    return FormBlock(project=p.name, title="项目支出绩效目标表", lines=lines, anchor=f"form.{i}")


# ---------------------------------------------------------------------------------------------
# Hebei


def compose_hebei(b: Budget, rng: random.Random) -> Composition:
    st = Style(rng, "hebei")
    blocks: list = []
    add = blocks.append
    kindword = b.doc_kind[:2]  # 部门 | 单位
    add(Para(f"{b.year}年{b.doc_kind}信息公开目录"))
    add(Para(f"一、{b.department}收支预算"))
    meta = [f"{b.dept_code} {b.department}", f"预算年度：{b.year}", "单位：万元"]

    def table(kind: str, title: str, header: list[list[str]], rows: list[TRow], n_cols: int, **kw) -> TableBlock:
        t = TableBlock(kind=kind, title=f"{kindword}预算{title}", header=header, rows=rows, meta=list(meta),
                       index_row=["栏次"] + [str(i) for i in range(1, n_cols)], page_rows=st.page_rows,
                       repeat_meta=True, id=kind, **kw)
        add(t)
        return t

    g, f, c, u, carry = (b.source_total(s) for s in ("general", "fund", "capital", "unit", "carry"))
    by_class = _class_totals(b, lambda line: line.total)
    # 收支总表
    income = [("一、一般公共预算拨款收入", g), ("二、政府性基金预算拨款收入", f), ("三、国有资本经营预算拨款收入", c),
              ("四、财政专户管理资金收入", 0), ("五、单位资金", u)]
    rows = []
    for i, (code, name) in enumerate(HEBEI_CLASSES):
        label = f"{cn_num(i + 1)}、{name}"
        rows.append(_balance_line(income[i] if i < len(income) else None, (label, by_class.get(code, 0)), ["amount"],
                                  "", seq=str(i + 1)))
    n = len(HEBEI_CLASSES)
    rows.append(_balance_line(("本年收入合计", b.current_income), ("本年支出合计", b.total), ["amount"], "", seq=str(n + 1)))
    rows.append(_balance_line(("上年结转结余", carry), ("年终结转结余", 0), ["amount"], "", seq=str(n + 2)))
    rows.append(_balance_line(("收入总计", b.total), ("支出总计", b.total), ["amount"], "", seq=str(n + 3)))
    table("income_expenditure_summary", "收支总表",
          [["序号", "收入", "", "支出", ""], ["", "项 目", "预算数", "项 目", "预算数"]], rows, 5, layout="balance")

    # 收入总表
    keys = ["total", "current_year", "fiscal", "special_account", "business", "operating_income", "upper_subsidy",
            "affiliated", "other_income", "carry_prior"]

    def income_pick(ln: FunctionLine) -> dict[str, int]:
        unit = ln.source("unit")
        fiscal = sum(ln.source(s) for s in FISCAL_USED)
        return {"total": ln.total, "current_year": fiscal + unit, "fiscal": fiscal,
                "business": unit if b.unit_type == "事业单位" else 0,
                "other_income": unit if b.unit_type == "机关" else 0, "carry_prior": ln.source("carry")}

    table("income_summary", "收入总表",
          [["序号", "功能分类科目", "", "合计", "本年收入", "", "", "", "", "", "", "", "上年结转"],
           ["", "科目编码", "科目名称", "", "小计", "财政拨款收入", "财政专户收入", "事业收入", "经营收入",
            "上级补助收入", "附属单位上缴收入", "其他收入", ""]],
          function_rows(b, keys, income_pick, "hebei", st), 13,
          col_sums=[("total", ("current_year", "carry_prior")),
                    ("current_year", ("fiscal", "special_account", "business", "operating_income", "upper_subsidy",
                                      "affiliated", "other_income"))])
    # 支出总表
    keys = ["total", "basic", "project", "operating", "remit_upper", "subsidy_sub"]
    table("expenditure_summary", "支出总表",
          [["序号", "功能分类科目", "", "合计", "基本支出", "项目支出", "经营支出", "上解上级支出", "对附属单位补助支出"],
           ["", "科目编码", "科目名称", "", "", "", "", "", ""]],
          function_rows(b, keys, lambda ln: {"total": ln.total, "basic": ln.basic, "project": ln.project_total},
                        "hebei", st), 9, col_sums=[("total", tuple(keys[1:]))])
    # 财政拨款收支总表
    fx: dict[str, dict[str, int]] = {}
    for code, line in b.lines.items():
        fx[code[:3]] = _sum_dicts(fx.get(code[:3], {}), _fiscal_exp(line))
    fincome = [("一、一般公共预算拨款", g), ("二、政府性基金预算拨款", f), ("三、国有资本经营预算拨款", c)]
    fkeys = ["amount", "general", "fund", "capital"]
    rows = []
    for i, (code, name) in enumerate(HEBEI_CLASSES):
        rows.append(_balance_line(fincome[i] if i < 3 else None, (f"{cn_num(i + 1)}、{name}", fx.get(code, {})), fkeys,
                                  "", seq=str(i + 1)))
    ftotal = {"amount": g + f + c + carry, "general": g + carry, "fund": f, "capital": c}
    rows.append(_balance_line(("本年收入合计", g + f + c), ("本年支出合计", ftotal), fkeys, "", seq=str(n + 1)))
    rows.append(_balance_line(("年初财政拨款结转和结余", carry), ("年末财政拨款结转和结余", {}), fkeys, "", seq=str(n + 2)))
    for j, (label, v) in enumerate((("一、一般公共预算拨款", carry), ("二、政府性基金预算拨款", 0),
                                    ("三、国有资本经营预算拨款", 0))):
        r = _balance_line((label, v), None, fkeys, "", seq=str(n + 3 + j))
        r.cells += ["", "", "", "", ""]
        rows.append(r)
    rows.append(_balance_line(("收入总计", g + f + c + carry), ("支出总计", ftotal), fkeys, "", seq=str(n + 6)))
    table("fiscal_summary", "财政拨款收支总表",
          [["序号", "收入", "", "支出", "", "", "", ""],
           ["", "项 目", "金额", "项 目", "合计", "一般公共预算财政拨款", "政府性基金预算财政拨款",
            "国有资本经营预算财政拨款"]], rows, 8, layout="balance")
    # 一般公共预算财政拨款支出表
    keys = ["total", "basic", "project"]
    gh = [["序号", "功能分类科目", "", "合计", "基本支出", "项目支出"], ["", "科目编码", "科目名称", "", "", ""]]

    def general_pick(ln: FunctionLine) -> dict[str, int]:
        proj = ln.project.get("general", 0) + ln.project.get("carry", 0)
        return {"total": ln.basic + proj, "basic": ln.basic, "project": proj}

    table("general_expenditure", "一般公共预算财政拨款支出表", gh, function_rows(b, keys, general_pick, "hebei", st), 6,
          col_sums=[("total", ("basic", "project"))])
    # 基本支出表
    table("general_basic_expenditure", "一般公共预算财政拨款基本支出表",
          [["序号", "支出部门经济分类科目", "", "一般公共预算基本支出", "", ""],
           ["", "科目编码", "科目名称", "合计", "人员经费", "公用经费"]],
          econ_rows(b, ["basic", "personnel", "public"], lambda a, grp: {"basic": a, grp: a}, "hebei", with_gov=False),
          6, col_sums=[("basic", ("personnel", "public"))])
    for kind, title, src, what in (("fund_expenditure", "政府性基金预算财政拨款支出表", "fund", "政府性基金"),
                                   ("capital_expenditure", "国有资本经营预算财政拨款支出表", "capital", "国有资本经营")):
        def pick(ln: FunctionLine, s: str = src) -> dict[str, int]:
            v = ln.project.get(s, 0)
            return {"total": v, "project": v}

        rows = function_rows(b, keys, pick, "hebei", st)
        note = None
        if len(rows) == 1:
            rows, note = [], f"注：无{what}预算财政拨款预算，空表列示。"
        table(kind, title, gh, rows, 6, note=note, col_sums=[("total", ("basic", "project"))])
    # 三公
    cur = b.three_public["curr"]
    tp_rows = [("合计", b.tp_total("curr") + cur["meeting"] + cur["training"], None),
               ("“三公”经费小计", b.tp_total("curr"), 0),
               ("一、因公出国（境）费", cur["abroad"], 1), ("其中：教学科研人员因公出国（境）费", 0, 2),
               ("其他因公出国（境）费", cur["abroad"], 2),
               ("二、公务用车购置及运维费", cur["vehicle_purchase"] + cur["vehicle_operation"], 1),
               ("其中：公务用车购置费", cur["vehicle_purchase"], 5), ("公务用车运行维护费", cur["vehicle_operation"], 5),
               ("三、公务接待费", cur["reception"], 1), ("四、会议费", cur["meeting"], 0),
               ("其中：省属高校业务性会议费", 0, 9), ("其他会议费", cur["meeting"], 9), ("五、培训费", cur["training"], 0)]
    rows = []
    for i, (label, v, parent) in enumerate(tp_rows):
        ref = row_ref(None, label)
        r = TRow(cells=[str(i + 1), label], ref=ref, kind="total" if i == 0 else "item", parent=parent)
        for k, val in (("total", v), ("general", v), ("fund", 0), ("capital", 0)):
            r.refs[len(r.cells)] = CellRef(ref, k)
            r.amounts[len(r.cells)] = val
            r.cells.append(_amount(val))
        rows.append(r)
    table("three_public", "财政拨款“三公”经费支出表",
          [["序号", "项 目", "资 金 性 质", "", "", ""],
           ["", "", "合计", "一般公共预算财政拨款", "政府性基金预算拨款", "国有资本经营预算财政拨款"]], rows, 6,
          col_sums=[("total", ("general", "fund", "capital"))])

    # 情况说明
    pv = b.prev
    add(Para(f"{b.department}{b.year}年{b.doc_kind}信息公开情况说明"))
    add(Para(f"按照《中华人民共和国预算法》和《地方预决算公开操作规程》规定，现将{b.department}{b.year}年{b.doc_kind}公开如下："))
    add(Para("一、单位职责及机构设置情况"))
    add(Para("单位职责："))
    for i, d in enumerate(b.duties, start=1):
        add(Para(f"（{cn_num(i)}）{d}"))
    add(Para("机构设置："))
    add(Para(f"{b.department}{'下设' + str(len(b.units)) + '个所属单位：' + '、'.join(b.units) if b.units else '无下属单位'}。"))
    add(Para(f"二、{kindword}预算安排的总体情况"))
    add(Para("按照预算管理有关规定，目前我区部门预算的编制实行综合预算管理，即全部收入和支出都反映在预算中。"))
    add(Para("1、收入说明"))
    parts = "，".join(f"{n}{wan(v)}万元" for n, v in _income_parts(b))
    add(Para(f"反映本部门当年全部收入。{b.year}年预算收入为{wan(b.total)}万元，其中：{parts}。", "narr.income"))
    add(Para("2、支出说明"))
    add(Para(f"{b.year}年预算支出为{wan(b.total)}万元，其中：基本支出{wan(b.basic)}万元，主要是人员经费{wan(b.personnel)}万元"
             f"和日常公用经费{wan(b.public)}万元；项目支出{wan(b.project)}万元。", "narr.expenditure"))
    add(Para("3、比上年增减情况"))
    d = b.total - pv["total"]
    add(Para(f"{b.year}年预算支出安排{wan(b.total)}万元，较{b.year - 1}年预算{'增加' if d >= 0 else '减少'}{wan(abs(d))}万元，"
             f"其中：基本支出{'增加' if b.basic >= pv['basic'] else '减少'}{wan(abs(b.basic - pv['basic']))}万元；"
             f"项目支出{'增加' if b.project >= pv['project'] else '减少'}{wan(abs(b.project - pv['project']))}万元。",
             "narr.change"))
    add(Para("三、机关运行经费安排情况"))
    add(_running_para(b, "本部门"))
    add(Para("四、财政拨款“三公”经费预算情况及增减变化原因"))
    blocks.extend(_tp_paras(b, f"{b.year}年，我部门财政拨款安排的"))
    add(Para("五、部门项目预算安排情况及绩效目标"))
    for i, p in enumerate(b.projects):
        blocks.append(_hebei_form(b, p, i))
    add(Para("六、政府采购预算情况"))
    add(_procurement_para(b))
    prows: list[TRow] = []
    pk = ["total", "general", "fund", "unit_funds", "carry_prior"]
    entries = [(p, cat, amount) for p in b.projects for cat, amount in p.procurement.items()]
    office = next((e for e in b.econ if e.code == "31002"), None)
    tot: dict[str, int] = {}
    items = []
    if office is not None:
        items.append(("基本支出（办公设备购置）", "办公设备", {"total": office.amount, "general": office.amount}))
    for p, cat, amount in entries:
        key = {"general": "general", "fund": "fund", "carry": "carry_prior"}.get(p.source, "unit_funds")
        items.append((p.name, {"货物": "通用设备", "工程": "维修工程", "服务": "技术服务"}[cat], {"total": amount, key: amount}))
    for _n, _w, vals in items:
        tot = _sum_dicts(tot, vals)
    prows.append(_value_row(["合计", ""], pk, tot, ref="合计", kind="total"))
    for name, what, vals in items:
        prows.append(_value_row([name, what], pk, vals, ref=row_ref(None, name), kind="item", parent=0))
    pt = TableBlock(kind="procurement", title="部门政府采购预算", id="procurement",
                    header=[["项目名称", "品目", "合计", "一般公共预算拨款", "政府性基金预算拨款", "单位资金", "上年结转结余"]],
                    rows=prows if items else [], meta=meta[:1] + meta[2:],
                    note=None if items else "注：无政府采购预算，空表列示。",
                    col_sums=[("total", ("general", "fund", "unit_funds", "carry_prior"))])
    add(pt)
    add(Para("七、国有资产信息"))
    fixed = rng.randint(50, 5000) * 100 + rng.randint(0, 99)  # 上年末固定资产, cents of 万元
    add(Para(f"截至{b.year - 1}年12月31日，本部门共有车辆{b.assets['vehicles']}辆，单位价值100万元以上的设备"
             f"{b.assets['equipment']}台（套）。上年末固定资产金额为{wan(fixed)}万元（详见下表）。"))
    # Like seed 003: one total line under 项目 / 数量 / 价值. Layout "list": no sums to break, so
    # no planted error goes here.
    fa = TRow(cells=["固定资产总额", "", wan(fixed)], ref="固定资产总额", kind="total")
    fa.refs[2] = CellRef("固定资产总额", "amount")
    fa.amounts[2] = fixed
    add(TableBlock(kind="fixed_assets", title=f"{kindword}固定资产占用情况表", id="fixed_assets",
                   header=[["项 目", "数量", "价值（金额单位：万元）"]], rows=[fa], layout="list",
                   meta=[meta[0], f"截止时间：{b.year - 1}-12-31"]))
    add(Para("八、名词解释"))
    for i, (term, text) in enumerate(GLOSSARY, start=1):
        add(Para(f"{i}、{term}：{text}"))
    comp = Composition("hebei", blocks)
    comp.truth = truth_figures(b, "hebei")
    return comp


def _hebei_form(b: Budget, p: Project, i: int) -> FormBlock:
    t = p.target
    fiscal = _fiscal_of(p)
    plan = [wan(v) for _m, v in t.plan]
    lines = [
        ["项目编码", t.code, "", "项目名称", p.name, "", ""],
        ["预算规模及资金用途", "预算数", wan(p.amount), "其中：财政资金", wan(fiscal), "其他资金",
         wan(p.amount - fiscal) if p.amount - fiscal else ""],
        ["", p.name, "", "", "", "", ""],
        ["资金支出计划（万元）", "3月底", "", "6月底", "10月底", "12月底", ""],
        ["", plan[0], "", plan[1], plan[2], plan[3], ""],
        ["绩效目标", f"1. {t.objective}", "", "", "", "", ""],
        ["一级指标", "二级指标", "三级指标", "绩效指标描述", "", "指标值", "指标值确定依据"],
    ]
    prev1 = None
    for ind in t.indicators:
        l1, l2 = ind.level1, ind.level2
        if l1 == "成本指标":
            l1, l2 = "产出指标", "成本指标"
        lines.append([l1 if l1 != prev1 else "", l2, ind.name, ind.description, "", ind.value, "年度工作计划"])
        prev1 = l1
    return FormBlock(project=p.name, title=f"{i + 1}、{p.name}绩效目标表", lines=lines, anchor=f"form.{i}",
                     meta=["单位：万元"])


# ---------------------------------------------------------------------------------------------


def truth_figures(b: Budget, template: str) -> dict[str, object]:
    """What ``budgetlint.recognise.figures.key_figures`` should read from the composed document (None: not shown)."""
    def d(cents: int) -> Decimal:
        return Decimal(cents).scaleb(-2)

    proc = sum(b.procurement.values())
    out: dict[str, object] = {
        "income_total": d(b.total),
        "expenditure_total": d(b.total),
        "income_current_year": d(b.current_income),
        "expenditure_current_year": d(b.total),
        "fiscal_total": d(b.fiscal_current),
        "general_public": d(b.source_total("general")),
        "basic_total": d(b.basic),
        "project_total": d(b.project),
        "personnel_total": d(b.personnel),
        "public_total": d(b.public),
        "three_public_prev": d(b.tp_total("prev")),
        "three_public_curr": d(b.tp_total("curr")),
        "procurement_total": d(proc) if proc else None,
        "project_count": len(b.projects),
        "performance_form_count": len(b.projects),
    }
    if template == "hebei":
        out["three_public_prev"] = None  # the Hebei 三公 table shows the budget year only
        out["project_count"] = None  # no project table
    return out


def _shanghai(b: Budget, rng: random.Random) -> Composition:
    from budgetlint.eval.shanghai import compose_shanghai

    return compose_shanghai(b, rng)


def _final(b: Budget, rng: random.Random) -> Composition:
    from budgetlint.eval.final import compose_final

    return compose_final(b, rng)


TEMPLATES = {"shandong": compose_shandong, "hebei": compose_hebei, "shanghai": _shanghai, "final": _final}


def budget_for(template: str, seed: int, year: int = 2024) -> Budget:
    """The budget a template is composed from: Shandong without 上年结转 (its seeds never show how
    it prints carried-over money), Shanghai in 元 with last year's figure per 项 and no carry-over
    (its budgets print none), the 决算 set with 年初预算 and carry-overs (``final_account``)."""
    from budgetlint.eval.generate import add_line_prev, final_account, generate, to_yuan

    rng = random.Random(seed * 104729 + 17)
    if template == "shanghai":
        b = generate(seed, year=year, carry=False)
        add_line_prev(b, rng)
        return to_yuan(b, rng)
    if template == "final":
        return final_account(generate(seed, year=year, carry=None), rng)
    return generate(seed, year=year, carry=None if template == "hebei" else False)


def compose(b: Budget, template: str, rng: random.Random | None = None) -> Composition:
    if template not in TEMPLATES:
        raise ValueError(f"unknown template {template!r}; known: {', '.join(TEMPLATES)}")
    return TEMPLATES[template](b, rng or random.Random(b.seed * 7919 + len(template)))
