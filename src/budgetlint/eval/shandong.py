"""The Shandong layout (like seeds 000/004): 第一部分 概况, 第二部分 twelve tables with 类/款/项 in
three columns and merged two- or three-row headers, 第三部分 情况说明 and project performance forms,
第四部分 名词解释.
"""

from __future__ import annotations

import random

from budgetlint.eval.generate import Budget, FunctionLine, Project, wan, wan_short
from budgetlint.eval.model import CellRef, Composition, FormBlock, Para, TableBlock, TRow, row_ref
from budgetlint.eval.prose import (
    GLOSSARY,
    change_paras,
    cn_num,
    fiscal_of,
    income_parts,
    procurement_para,
    running_para,
    three_public_paras,
)
from budgetlint.eval.table_rows import (
    CLASS_NAMES,
    FISCAL_USED,
    SHANDONG_CLASSES,
    Style,
    balance_line,
    cell_amount,
    class_totals,
    econ_rows,
    fiscal_exp,
    function_rows,
    sum_dicts,
    value_row,
)
from budgetlint.eval.truth import truth_figures


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
    by_class = class_totals(b, lambda line: line.total)
    exp = [(f"{cn_num(i)}、{CLASS_NAMES[code]}", by_class.get(code, 0))
           for i, code in enumerate(SHANDONG_CLASSES, start=1)]
    rows = []
    for i, (label, value) in enumerate(exp):
        left = income[i] if i < len(income) else None
        rows.append(balance_line(left, (label, value), ["amount"], zero))
    tail = [(("本年收入合计", b.current_income), ("本年支出合计", b.total)),
            (("上级补助收入", 0), None),
            (("附属单位上缴收入", 0), ("对附属单位的补助支出", 0)),
            (("使用非财政拨款结余", 0), ("上缴上级支出", 0)),
            (("上年结转", carry), ("结转下年", 0)),
            (("收入总计", b.total), ("支出总计", b.total))]
    for left, right in tail:
        r = balance_line(left, right, ["amount"], zero)
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
        fx[code[:3]] = sum_dicts(fx.get(code[:3], {}), fiscal_exp(line))
    fexp = [(f"{cn_num(i)}、{CLASS_NAMES[code]}", fx.get(code, {}))
            for i, code in enumerate(SHANDONG_CLASSES, start=1)]
    fincome = [("一、一般公共预算收入", g), ("二、政府性基金预算收入", f), ("三、国有资本经营预算收入", c)]
    fkeys = ["amount", "general", "fund", "capital"]
    fz = "" if rng.random() < 0.7 else zero
    rows = [balance_line(fincome[i] if i < 3 else None, (label, vals), fkeys, fz) for i, (label, vals) in enumerate(fexp)]
    ftotal = {"amount": g + f + c + carry, "general": g + carry, "fund": f, "capital": c}
    rows.append(balance_line(("本年收入合计", g + f + c), ("本年支出合计", ftotal), fkeys, fz))
    rows.append(balance_line(("上年结转", carry), ("结转下年", {}), fkeys, fz))
    rows.append(balance_line(("收入总计", g + f + c + carry), ("支出总计", ftotal), fkeys, fz))
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
            row.cells.append(cell_amount(vals[k], zero))
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
        tot = sum_dicts(tot, project_vals(p))
    lead = ["合 计", ""] if st.total_label_first else ["", ""]
    prows.append(value_row(lead, pkeys, tot, ref="合计", kind="total"))
    for p in b.projects:
        prows.append(value_row([p.name, p.category], pkeys, project_vals(p), ref=row_ref(None, p.name), kind="item",
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
        proc[code] = sum_dicts(proc.get(code, {}), vals)
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
    parts = "，".join(f"{n}{wan(v)}万元" for n, v in income_parts(b))
    add(Para(f"（一）收入预算：{b.year}年收入预算{wan(b.total)}万元，其中：{parts}。", "narr.income"))
    add(Para(f"（二）支出预算：{b.year}年支出预算{wan(b.total)}万元，其中：基本支出{wan(b.basic)}万元，"
             f"项目支出{wan(b.project)}万元。", "narr.expenditure"))
    blocks.extend(change_paras(b))
    add(Para("二、“三公”经费支出情况"))
    blocks.extend(three_public_paras(b, f"{b.year}年通过一般公共预算财政拨款安排的"))
    add(Para("三、机关运行经费情况"))
    add(running_para(b, who))
    add(Para("四、政府采购情况"))
    add(procurement_para(b))
    add(Para("五、国有资产占有使用情况"))
    add(Para(f"截至{b.year - 1}年12月31日，{who}共有车辆{b.assets['vehicles']}辆。单位价值100万元以上的设备"
             f"{b.assets['equipment']}台（件、套）。"))
    add(Para("六、绩效目标情况说明"))
    add(Para("（一）预算绩效管理情况"))
    fiscal_p = sum(fiscal_of(p) for p in b.projects)
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


def _shandong_form(b: Budget, p: Project, i: int) -> FormBlock:
    t = p.target
    fiscal = fiscal_of(p)
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
