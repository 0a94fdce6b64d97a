"""Shanghai 部门（单位）预算 layout (上海市普陀区司法局2026年部门预算 and its siblings in the corpus).

Nine tables titled "{年}年部门财务收支预算总表" … "{年}年部门“三公”经费和机关运行经费预算表", each
with an 编制部门 line on the left and 单位：元 on the right. Amounts are in 元 printed with two
decimals (the budget is converted with ``generate.to_yuan``), the two balance tables with
thousands separators, the "三公" table in 万元. Function rows have 类 / 款 / 项 in three columns
and the 合计 line at the bottom; the econ table has 类 / 款. Empty 政府性基金 / 国有资本经营 tables
print a 无 line, an empty 合计 and a note. The narrative is in 万元: the 编制说明 with one
paragraph per 功能分类 项 ("公共安全支出（204类）司法（06款）行政运行（01项）1672.67万元。…"), then
其他相关情况说明 (三公, 机关运行经费, 政府采购, 绩效目标, 国有资产) and one 项目经费情况说明 per
large project. No performance forms: the Shanghai template prints none.

The row builders here (``grid_rows``, ``econ_grid_rows``, ``bal_line``) take the amount format
from the table (``scale``: 1 = cents of 万元, 100 = 元), and are shared with the 决算 layout.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal

from budgetlint.eval.generate import Budget, FunctionLine, amount_text, to_wan, wan, wan_short
from budgetlint.eval.model import CellRef, Composition, Para, TableBlock, TRow, row_ref
from budgetlint.eval.prose import GLOSSARY, cn_num
from budgetlint.eval.table_rows import CLASS_NAMES
from budgetlint.eval.truth import truth_figures

# ---------------------------------------------------------------------------------------------
# Row builders shared with the final-account layout


def _add(a: dict[str, int], b: dict[str, int]) -> dict[str, int]:
    out = dict(a)
    for k, v in b.items():
        out[k] = out.get(k, 0) + v
    return out


def value_cells(row: TRow, keys: list[str], values: dict[str, int], scale: int, zero: str, sep: bool = False,
                side: str | None = None, blank: tuple[str, ...] = ()) -> None:
    """Append one amount cell per key to ``row`` (``blank``: keys printed empty when zero)."""
    for k in keys:
        v = values.get(k, 0)
        row.refs[len(row.cells)] = CellRef(row.ref, k, side)
        row.amounts[len(row.cells)] = v
        row.cells.append(amount_text(v, scale, sep) if v else ("" if k in blank else zero))


def grid_rows(b: Budget, keys: list[str], pick: Callable[[FunctionLine], dict[str, int]], scale: int, zero: str,
              codes: str = "split", total: str = "last", total_cells: int = 4, blank: tuple[str, ...] = ()) -> list[TRow]:
    """类 / 款 / 项 rows of every line with an amount (with their parents) and the 合计 row.

    ``codes``: "split" (类 | 款 | 项 in three cells, then the name) or "joined" (one code cell:
    204, 20406, 2040601). ``total``: where the 合计 row goes ("first" or "last")."""
    leaf = {code: pick(line) for code, line in b.lines.items()}
    leaf = {c: v for c, v in leaf.items() if any(v.values())}
    agg: dict[str, dict[str, int]] = {}
    tot: dict[str, int] = {}
    for code, vals in leaf.items():
        tot = _add(tot, vals)
        for c in (code[:3], code[:5], code):
            agg[c] = _add(agg.get(c, {}), vals)
    items: list[TRow] = []
    index: dict[str, int] = {}
    for code in sorted(agg):
        name = b.cat.function[code].name
        if codes == "split":
            lead = [code[:3], code[3:5], code[5:7], name]
        else:
            lead = [code, name]
        r = TRow(cells=lead, ref=code, kind="item", code=code)
        value_cells(r, keys, agg[code], scale, zero, blank=blank)
        index[code] = len(items)
        items.append(r)
    n_lead = 4 if codes == "split" else 2
    t = TRow(cells=[""] * (n_lead - 1) + ["合计"], ref="合计", kind="total")
    value_cells(t, keys, tot, scale, zero, blank=blank)
    off = 1 if total == "first" else 0
    rows = ([t] if total == "first" else []) + items + ([t] if total == "last" else [])
    total_i = 0 if total == "first" else len(rows) - 1
    for code, i in index.items():
        r = rows[i + off]
        r.parent = index[code[:-2]] + off if len(code) > 3 else total_i
    return rows


def econ_grid_rows(b: Budget, keys: list[str], pick: Callable[[int, str], dict[str, int]], scale: int,
                   zero: str) -> list[TRow]:
    """部门经济分类 类 and 款 rows (类 | 款 | 名称), 合计 last."""
    groups: dict[str, list] = {}
    for e in sorted(b.econ, key=lambda e: e.code):
        groups.setdefault(e.code[:3], []).append(e)
    rows: list[TRow] = []
    class_rows: list[int] = []
    tot: dict[str, int] = {}
    for cls, items in groups.items():
        vals: dict[str, int] = {}
        for e in items:
            vals = _add(vals, pick(e.amount, e.group))
        tot = _add(tot, vals)
        r = TRow(cells=[cls, "", b.cat.econ_dept[cls].name], ref=cls, kind="item", code=cls)
        value_cells(r, keys, vals, scale, zero)
        ci = len(rows)
        class_rows.append(ci)
        rows.append(r)
        for e in items:
            r = TRow(cells=[cls, e.code[3:], e.name], ref=e.code, kind="item", code=e.code, parent=ci)
            value_cells(r, keys, pick(e.amount, e.group), scale, zero)
            rows.append(r)
    t = TRow(cells=["", "", "合计"], ref="合计", kind="total")
    value_cells(t, keys, tot, scale, zero)
    rows.append(t)
    for ci in class_rows:
        rows[ci].parent = len(rows) - 1
    return rows


def bal_line(left: tuple[str, int | None] | None, right: tuple[str, dict[str, int] | None] | None,
             right_keys: list[str], scale: int, zero: str, sep: bool, blank_right: tuple[str, ...] = ()) -> TRow:
    """One line of a balance table: income label and amount, expenditure label and amounts. An
    amount of None prints an empty cell that is no figure."""
    row = TRow(cells=[])
    if left:
        label, v = left
        row.ref = row_ref(None, label)
        row.cells.append(label)
        if v is None:
            row.cells.append("")
        else:
            row.refs[1] = CellRef(row.ref, "amount", "income")
            row.amounts[1] = v
            row.cells.append(amount_text(v, scale, sep) if v else zero)
    else:
        row.cells += ["", ""]
    if right:
        label, vals = right
        ref = row_ref(None, label)
        row.ref = row.ref or ref
        row.cells.append(label)
        if vals is None:
            row.cells += [""] * len(right_keys)
        else:
            for k in right_keys:
                v = vals.get(k, 0)
                row.refs[len(row.cells)] = CellRef(ref, k, "expenditure")
                row.amounts[len(row.cells)] = v
                row.cells.append(amount_text(v, scale, sep) if v else ("" if k in blank_right else zero))
    return row


def rate(part: int, whole: int) -> str:
    """part / whole as a percentage with two decimals ("98.20")."""
    if not whole:
        return "0.00"
    return str((Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.01"), ROUND_HALF_UP))


def change(curr: int, prev: int, base: str, amount: bool = True) -> str:
    """"比{base}增加 X 万元，增长 Y%" / "与{base}持平" (amounts in cents of 万元)."""
    if curr == prev:
        return f"与{base}持平"
    d = curr - prev
    up = d > 0
    text = f"比{base}{'增加' if up else '减少'}"
    if amount:
        text += f"{wan_short(abs(d))}万元"
        if prev:
            text += f"，{'增长' if up else '下降'}{rate(abs(d), prev)}%"
    else:
        text += f"{rate(abs(d), prev)}%"
    return text


# Reasons never say 增加 / 减少: the direction mutation flips those words, and a flipped reason is no error.
REASONS_UP = ("业务量上升", "工作任务加重", "人员经费按政策调整", "项目支出根据工作任务相应调整")
REASONS_DOWN = ("部分人员退休", "严格控制一般性支出", "项目支出根据工作任务相应调整", "部分项目已完成")
PURPOSE = {"行政运行": "行政单位的基本支出", "事业运行": "事业单位的基本支出",
           "行政单位离退休": "退休人员支出", "事业单位离退休": "退休人员支出",
           "机关事业单位基本养老保险缴费支出": "支付养老保险", "机关事业单位职业年金缴费支出": "支付职业年金",
           "行政单位医疗": "行政单位医疗保险缴费经费", "事业单位医疗": "事业单位医疗保险缴费经费",
           "公务员医疗补助": "公务员医疗补助缴费", "住房公积金": "行政事业单位为职工缴纳的住房公积金",
           "购房补贴": "发放购房补贴"}


def item_title(b: Budget, code: str, with_codes: bool) -> str:
    """"公共安全支出（204类）司法（06款）行政运行（01项）" or without the codes."""
    names = [b.cat.function[c].name for c in (code[:3], code[:5], code)]
    if with_codes:
        return f"{names[0]}（{code[:3]}类）{names[1]}（{code[3:5]}款）{names[2]}（{code[5:7]}项）"
    return f"{names[0]}（类）{names[1]}（款）{names[2]}（项）"


# ---------------------------------------------------------------------------------------------


def _fiscal(ln: FunctionLine) -> int:
    return ln.source("general") + ln.source("fund") + ln.source("capital") + ln.source("carry")


def compose_shanghai(b: Budget, rng: random.Random) -> Composition:
    sc = b.scale
    W = lambda v: to_wan(v, sc)  # noqa: E731 — the narrative's 万元
    y, y0 = b.year, b.year - 1
    dw = "部门" if b.doc_kind == "部门预算" else "单位"
    blocks: list = []
    add = blocks.append
    page_rows = rng.choice((0, 14, 20, 24))
    unit_meta = [f"编制部门：{b.department}", "单位：元"]
    agency = b.unit_type == "机关"
    n_agency = 1 + (len(b.units) if agency else 0)

    add(Para(f"{b.department}{y}年{b.doc_kind}"))
    add(Para(f"预算主管部门：{b.department}"))
    titles = [f"{y}年{dw}{t}" for t in ("财务收支预算总表", "收入预算总表", "支出预算总表", "财政拨款收支预算总表",
                                       "一般公共预算支出功能分类预算表", "政府性基金预算支出功能分类预算表",
                                       "国有资本经营预算支出功能分类预算表", "一般公共预算基本支出部门预算经济分类预算表",
                                       "“三公”经费和机关运行经费预算表")]
    add(Para(f"{b.department}主要职能"))
    add(Para(f"{b.department}是主管本区相关工作的政府工作部门，主要职责是："))
    for i, d in enumerate(b.duties, start=1):
        add(Para(f"（{cn_num(i)}）{d}"))
    add(Para(f"{b.department}机构设置"))
    if b.units:
        add(Para(f"{b.department}{b.doc_kind}是包括{b.department}本部以及下属{len(b.units)}家预算单位的综合收支计划。"))
        add(Para("具体包括：" + "；".join(f"{i}. {u}" for i, u in enumerate([b.department + "本部", *b.units], start=1))
                 + "。"))
    else:
        add(Para(f"{b.department}{b.doc_kind}只包括本级预算，无下属预算单位。"))
    add(Para("名词解释"))
    for i, (term, text) in enumerate(GLOSSARY, start=1):
        add(Para(f"（{cn_num(i)}）{term}：{text}"))

    # 编制说明 ---------------------------------------------------------------------------------
    g, f, c, u = (b.source_total(s) for s in ("general", "fund", "capital", "unit"))
    fiscal = g + f + c
    pv = b.prev
    p_fiscal = to_wan(pv["general"] + pv["fund"] + pv["capital"], sc)
    business = u if b.unit_type == "事业单位" else 0
    other = u - business
    add(Para(f"{y}年{dw}预算编制说明"))
    add(Para(f"{y}年，{b.department}收入预算{wan_short(W(b.total))}万元，其中：财政拨款收入{wan_short(W(fiscal))}万元，"
             f"{change(W(fiscal), p_fiscal, f'{y0}年预算')}；事业收入{wan_short(W(business))}万元；"
             f"事业单位经营收入0万元；其他收入{wan_short(W(other))}万元。", "narr.income"))
    add(Para(f"支出预算{wan_short(W(b.total))}万元，其中：财政拨款支出预算{wan_short(W(fiscal))}万元，"
             f"{change(W(fiscal), p_fiscal, f'{y0}年预算')}。财政拨款支出预算中，一般公共预算拨款支出预算"
             f"{wan_short(W(g))}万元，{change(W(g), to_wan(pv['general'], sc), f'{y0}年预算')}；政府性基金拨款支出预算"
             f"{wan_short(W(f))}万元，{change(W(f), to_wan(pv['fund'], sc), f'{y0}年预算')}；国有资本经营预算拨款支出预算"
             f"{wan_short(W(c))}万元，{change(W(c), to_wan(pv['capital'], sc), f'{y0}年预算')}。", "narr.expenditure"))
    up = W(fiscal) >= p_fiscal
    add(Para(f"财政拨款收入支出{'增加' if up else '减少'}的主要原因是{rng.choice(REASONS_UP if up else REASONS_DOWN)}。"))
    add(Para("财政拨款支出主要内容如下："))
    style = rng.choice(("execution", "change"))
    with_codes = rng.random() < 0.7
    # A 项 whose name holds "、" is not listed: budgetlint binds such a paragraph to the 款
    # (docs/accuracy.md, recognition gaps).
    items = [(code, _fiscal(ln)) for code, ln in b.lines.items() if _fiscal(ln) and "、" not in ln.name]
    for i, (code, v) in enumerate(items, start=1):
        name = b.cat.function[code].name
        purpose = PURPOSE.get(name, f"{name}方面的支出")
        cur, prev = W(v), to_wan(b.line_prev.get(code, v), sc)
        up = cur >= prev
        reason = rng.choice(REASONS_UP if up else REASONS_DOWN)
        head = f"{i}、{item_title(b, code, with_codes)}"
        if style == "execution":
            if cur == prev:
                tail = f"与{y0}年预算执行数持平"
            else:
                tail = f"比{y0}年预算执行数{'增加' if up else '减少'}{rate(abs(cur - prev), prev)}%"
            text = (f"{head}{wan_short(cur)}万元。主要用于：{purpose}。{y0}年当年预算执行数为{wan_short(prev)}万元，"
                    f"{y}年预算安排{wan_short(cur)}万元，{tail}。主要原因是：{reason}。")
        else:
            text = (f"{head}{y}年预算数为{wan_short(cur)}万元，{change(cur, prev, f'{y0}年预算数')}，"
                    f"主要原因是{reason}。主要用于：{purpose}。")
        add(Para(text, f"narr.item.{code}"))

    # Tables ----------------------------------------------------------------------------------
    def table(kind: str, title: str, header: list[list[str]], rows: list[TRow], **kw) -> TableBlock:
        t = TableBlock(kind=kind, title=title, header=header, rows=rows, meta=list(kw.pop("meta", unit_meta)),
                       page_rows=kw.pop("page_rows", page_rows), id=kind, scale=kw.pop("scale", sc), **kw)
        add(t)
        return t

    z = "0.00"
    by_class: dict[str, dict[str, int]] = {}
    for code, ln in b.lines.items():
        vals = {"amount": ln.total, "general": ln.source("general"), "fund": ln.source("fund"),
                "capital": ln.source("capital")}
        vals["fiscal"] = vals["general"] + vals["fund"] + vals["capital"]
        by_class[code[:3]] = _add(by_class.get(code[:3], {}), vals)
    classes = sorted(by_class)
    # 1 财务收支预算总表
    left = [("一、财政拨款收入", fiscal), ("1. 一般公共预算", g), ("2. 政府性基金预算", f), ("3. 国有资本经营预算", c),
            ("二、事业收入", business), ("三、事业单位经营收入", 0), ("四、其他收入", other)]
    right = [(f"{cn_num(i)}、{CLASS_NAMES[cls]}", {"amount": by_class[cls]["amount"]})
             for i, cls in enumerate(classes, start=1)]
    rows = []
    for i in range(max(len(left), len(right))):
        rows.append(bal_line(left[i] if i < len(left) else None, right[i] if i < len(right) else None, ["amount"],
                             sc, z, True))
    t = bal_line(("收入总计", b.total), ("支出总计", {"amount": b.total}), ["amount"], sc, z, True)
    t.kind = "total"
    rows.append(t)
    table("income_expenditure_summary", titles[0], [["本年收入", "", "本年支出", ""], ["项目", "预算数", "项目", "预算数"]],
          rows, layout="balance", page_rows=0)
    # 2 收入预算总表
    ikeys = ["total", "fiscal", "business", "operating_income", "other_income"]

    def income_pick(ln: FunctionLine) -> dict[str, int]:
        un = ln.source("unit")
        return {"total": ln.total, "fiscal": _fiscal(ln), "business": un if b.unit_type == "事业单位" else 0,
                "other_income": un if b.unit_type == "机关" else 0}

    table("income_summary", titles[1],
          [["项目", "", "", "", "收入预算", "", "", "", ""],
           ["功能分类科目编码", "", "", "功能分类科目名称", "合计", "财政拨款收入", "事业收入", "事业单位经营收入", "其他收入"],
           ["类", "款", "项", "", "", "", "", "", ""]],
          grid_rows(b, ikeys, income_pick, sc, z),
          col_sums=[("total", ("fiscal", "business", "operating_income", "other_income"))])
    # 3 支出预算总表
    fh = [["项目", "", "", "", "支出预算", "", ""],
          ["功能分类科目编码", "", "", "功能分类科目名称", "合计", "基本支出", "项目支出"],
          ["类", "款", "项", "", "", "", ""]]
    ekeys = ["total", "basic", "project"]
    table("expenditure_summary", titles[2], fh,
          grid_rows(b, ekeys, lambda ln: {"total": ln.total, "basic": ln.basic, "project": ln.project_total}, sc, z),
          col_sums=[("total", ("basic", "project"))])
    # 4 财政拨款收支预算总表
    fkeys = ["amount", "general", "fund", "capital"]
    fclasses = [cls for cls in classes if by_class[cls]["fiscal"]]
    left = [("一、一般公共预算", g), ("二、政府性基金预算", f), ("三、国有资本经营预算", c)]
    right = [(f"{cn_num(i)}、{CLASS_NAMES[cls]}", {"amount": by_class[cls]["fiscal"], "general": by_class[cls]["general"],
                                                  "fund": by_class[cls]["fund"], "capital": by_class[cls]["capital"]})
             for i, cls in enumerate(fclasses, start=1)]
    rows = [bal_line(left[i] if i < len(left) else None, right[i] if i < len(right) else None, fkeys, sc, z, True,
                     blank_right=("general", "fund", "capital"))
            for i in range(max(len(left), len(right)))]
    t = bal_line(("收入总计", fiscal), ("支出总计", {"amount": fiscal, "general": g, "fund": f, "capital": c}), fkeys,
                 sc, z, True, blank_right=("general", "fund", "capital"))
    t.kind = "total"
    rows.append(t)
    table("fiscal_summary", titles[3],
          [["财政拨款收入", "", "财政拨款支出", "", "", "", ""],
           ["项目", "预算数", "项目", "合计", "一般公共预算", "政府性基金预算", "国有资本经营预算"]],
          rows, layout="balance", page_rows=0, col_sums=[("amount", ("general", "fund", "capital"))])
    # 5–7 一般公共预算 / 政府性基金 / 国有资本经营 by function
    for kind, title, src, what in (("general_expenditure", titles[4], "general", "一般公共预算支出"),
                                   ("fund_expenditure", titles[5], "fund", "政府性基金预算支出"),
                                   ("capital_expenditure", titles[6], "capital", "国有资本经营预算支出")):
        def pick(ln: FunctionLine, s: str = src) -> dict[str, int]:
            if s == "general":
                proj = ln.project.get("general", 0) + ln.project.get("carry", 0)
                return {"total": ln.basic + proj, "basic": ln.basic, "project": proj}
            v = ln.project.get(s, 0)
            return {"total": v, "project": v}

        rows = grid_rows(b, ekeys, pick, sc, z)
        note = None
        if len(rows) == 1:
            rows = [TRow(cells=["无"], ref="无", kind="note"),
                    TRow(cells=["", "", "", "合计", "", "", ""], ref="合计", kind="total")]
            note = f"注:本{dw}{y}年无{what.removesuffix('支出')}财政拨款安排的预算，故本表为空表。"
        table(kind, title, [fh[0][:4] + [what, "", ""], fh[1], fh[2]], rows, note=note,
              col_sums=[("total", ("basic", "project"))])
    # 8 基本支出经济分类
    table("general_basic_expenditure", titles[7],
          [["项目", "", "", "一般公共预算基本支出", "", ""],
           ["部门预算经济分类科目编码", "", "经济分类科目名称", "合计", "人员经费", "公用经费"],
           ["类", "款", "", "", "", ""]],
          econ_grid_rows(b, ["basic", "personnel", "public"], lambda a, grp: {"basic": a, grp: a}, sc, z),
          col_sums=[("basic", ("personnel", "public"))])
    # 9 三公 and 机关运行经费 (万元)
    cur = {k: to_wan(v, sc) for k, v in b.three_public["curr"].items()}
    running = W(b.running_cost) if agency else 0
    vals = {"total": cur["abroad"] + cur["vehicle_purchase"] + cur["vehicle_operation"] + cur["reception"],
            "abroad": cur["abroad"], "reception": cur["reception"],
            "vehicle": cur["vehicle_purchase"] + cur["vehicle_operation"], "vehicle_purchase": cur["vehicle_purchase"],
            "vehicle_operation": cur["vehicle_operation"], "admin_operation": running}
    tr = TRow(cells=[], ref="", kind="item")
    for k in ("total", "abroad", "reception", "vehicle", "vehicle_purchase", "vehicle_operation", "admin_operation"):
        tr.refs[len(tr.cells)] = CellRef("", k)
        tr.amounts[len(tr.cells)] = vals[k]
        tr.cells.append(wan(vals[k]) if vals[k] else "0")
    table("three_public", titles[8],
          [["“三公”经费预算数", "", "", "", "", "", "机关运行经费预算数"],
           ["合计", "因公出国(境)费", "公务接待费", "公务用车购置及运行费", "", "", ""],
           ["", "", "", "小计", "购置费", "运行费", ""]],
          [tr], layout="matrix", meta=[unit_meta[0], "单位:万元"], scale=1, page_rows=0,
          col_sums=[("total", ("abroad", "reception", "vehicle")), ("vehicle", ("vehicle_purchase", "vehicle_operation"))])

    # 其他相关情况说明 --------------------------------------------------------------------------
    prev = {k: to_wan(v, sc) for k, v in b.three_public["prev"].items()}
    ptot = prev["abroad"] + prev["vehicle_purchase"] + prev["vehicle_operation"] + prev["reception"]
    base = f"{y0}年预算"
    add(Para("其他相关情况说明"))
    add(Para(f"一、{y}年“三公”经费预算情况说明"))
    add(Para(f"{y}年“三公”经费预算数为{wan_short(vals['total'])}万元，{change(vals['total'], ptot, base)}。其中：",
             "narr.tp_total"))
    add(Para(f"（一）因公出国（境）费{wan_short(cur['abroad'])}万元，{change(cur['abroad'], prev['abroad'], base)}，"
             f"主要原因是{'严格控制出国（境）团组' if cur['abroad'] <= prev['abroad'] else '国际交流任务加重'}。",
             "narr.tp_abroad"))
    pv_veh = prev["vehicle_purchase"] + prev["vehicle_operation"]
    add(Para(f"（二）公务用车购置及运行费{wan_short(vals['vehicle'])}万元，{change(vals['vehicle'], pv_veh, base)}。其中："
             f"公务用车购置费{wan_short(cur['vehicle_purchase'])}万元，"
             f"{change(cur['vehicle_purchase'], prev['vehicle_purchase'], base)}；公务用车运行费"
             f"{wan_short(cur['vehicle_operation'])}万元，{change(cur['vehicle_operation'], prev['vehicle_operation'], base)}。",
             "narr.tp_vehicle"))
    add(Para(f"（三）公务接待费{wan_short(cur['reception'])}万元，{change(cur['reception'], prev['reception'], base)}，"
             "主要原因是严格执行公务接待标准。", "narr.tp_reception"))
    add(Para("二、机关运行经费预算"))
    if agency:
        who = f"下属{n_agency}家机关" if b.units else ""
        add(Para(f"{y}年{b.department}{who}财政拨款的机关运行经费预算为{wan_short(running)}万元。", "narr.running"))
    else:
        add(Para(f"{b.department}为事业单位，{y}年无机关运行经费预算。"))
    pr = {k: to_wan(v, sc) for k, v in b.procurement.items()}
    add(Para("三、政府采购预算情况"))
    add(Para(f"{y}年本{dw}政府采购预算{wan_short(sum(pr.values()))}万元，其中：政府采购货物预算{wan_short(pr['货物'])}万元、"
             f"政府采购工程预算{wan_short(pr['工程'])}万元、政府采购服务预算{wan_short(pr['服务'])}万元。", "narr.procurement"))
    add(Para("四、绩效目标设置情况"))
    add(Para(f"按照本区预算绩效管理工作的总体要求，本{dw}{1 + len(b.units)}个预算单位开展了{y}年项目预算绩效目标编报工作，"
             f"编报绩效目标的项目{len(b.projects)}个，涉及项目预算资金{wan_short(W(b.project))}万元。", "narr.performance"))
    add(Para("五、国有资产占有使用情况"))
    add(Para(f"截至{y0}年8月31日，{b.department}共有车辆{b.assets['vehicles']}辆；单价100万元（含）以上设备（不含车辆）"
             f"{b.assets['equipment']}台（套）。"))
    # 项目经费情况说明: the largest projects, like the corpus document's last pages.
    for p in sorted(b.projects, key=lambda p: -p.amount)[: rng.randint(1, 3)]:
        add(Para(f"{p.name}项目经费情况说明"))
        add(Para("一、项目概述"))
        add(Para(f"为保障{p.name}顺利实施，推动相关工作规范化、专业化发展。"))
        add(Para("二、实施主体"))
        add(Para(b.department))
        add(Para("三、实施周期"))
        add(Para(f"{y}年1月1日-{y}年12月31日"))
        add(Para("四、年度预算安排"))
        add(Para(f"{wan_short(W(p.amount))}万元"))
    comp = Composition("shanghai", blocks)
    comp.truth = shanghai_truth(b, vals)
    return comp


def shanghai_truth(b: Budget, tp: dict[str, int]) -> dict[str, object]:
    """Key figures as the Shanghai document shows them: 元 in the tables, 三公 in 万元."""
    out = truth_figures(b, "shandong")

    def y(v: int) -> Decimal:
        return Decimal(v * 100 // b.scale).scaleb(-2) if b.scale == 1 else Decimal(v)

    out.update({
        "income_total": y(b.total), "expenditure_total": y(b.total),
        "income_current_year": None, "expenditure_current_year": None,
        "fiscal_total": None, "general_public": y(b.source_total("general")),
        "basic_total": y(b.basic), "project_total": y(b.project), "personnel_total": y(b.personnel),
        "public_total": y(b.public), "three_public_prev": None,
        "three_public_curr": Decimal(tp["total"]).scaleb(-2), "procurement_total": None, "project_count": None,
        "performance_form_count": None,
    })
    return out
