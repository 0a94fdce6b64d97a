"""The Hebei layout (like seed 003): 部门预算…表 titles, the department code line, 预算年度 and 单位
lines and the header with its 栏次 row repeated on every page, 序号 column, 7-digit function codes in
one column, then the 情况说明 with Hebei forms (项目编码, 资金支出计划).
"""

from __future__ import annotations

import random

from budgetlint.eval.generate import Budget, FunctionLine, Project, wan
from budgetlint.eval.model import CellRef, Composition, FormBlock, Para, TableBlock, TRow, row_ref
from budgetlint.eval.prose import (
    GLOSSARY,
    cn_num,
    fiscal_of,
    income_parts,
    procurement_para,
    running_para,
    three_public_paras,
)
from budgetlint.eval.table_rows import (
    FISCAL_USED,
    HEBEI_CLASSES,
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
    by_class = class_totals(b, lambda line: line.total)
    # 收支总表
    income = [("一、一般公共预算拨款收入", g), ("二、政府性基金预算拨款收入", f), ("三、国有资本经营预算拨款收入", c),
              ("四、财政专户管理资金收入", 0), ("五、单位资金", u)]
    rows = []
    for i, (code, name) in enumerate(HEBEI_CLASSES):
        label = f"{cn_num(i + 1)}、{name}"
        rows.append(balance_line(income[i] if i < len(income) else None, (label, by_class.get(code, 0)), ["amount"],
                                  "", seq=str(i + 1)))
    n = len(HEBEI_CLASSES)
    rows.append(balance_line(("本年收入合计", b.current_income), ("本年支出合计", b.total), ["amount"], "", seq=str(n + 1)))
    rows.append(balance_line(("上年结转结余", carry), ("年终结转结余", 0), ["amount"], "", seq=str(n + 2)))
    rows.append(balance_line(("收入总计", b.total), ("支出总计", b.total), ["amount"], "", seq=str(n + 3)))
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
        fx[code[:3]] = sum_dicts(fx.get(code[:3], {}), fiscal_exp(line))
    fincome = [("一、一般公共预算拨款", g), ("二、政府性基金预算拨款", f), ("三、国有资本经营预算拨款", c)]
    fkeys = ["amount", "general", "fund", "capital"]
    rows = []
    for i, (code, name) in enumerate(HEBEI_CLASSES):
        rows.append(balance_line(fincome[i] if i < 3 else None, (f"{cn_num(i + 1)}、{name}", fx.get(code, {})), fkeys,
                                  "", seq=str(i + 1)))
    ftotal = {"amount": g + f + c + carry, "general": g + carry, "fund": f, "capital": c}
    rows.append(balance_line(("本年收入合计", g + f + c), ("本年支出合计", ftotal), fkeys, "", seq=str(n + 1)))
    rows.append(balance_line(("年初财政拨款结转和结余", carry), ("年末财政拨款结转和结余", {}), fkeys, "", seq=str(n + 2)))
    for j, (label, v) in enumerate((("一、一般公共预算拨款", carry), ("二、政府性基金预算拨款", 0),
                                    ("三、国有资本经营预算拨款", 0))):
        r = balance_line((label, v), None, fkeys, "", seq=str(n + 3 + j))
        r.cells += ["", "", "", "", ""]
        rows.append(r)
    rows.append(balance_line(("收入总计", g + f + c + carry), ("支出总计", ftotal), fkeys, "", seq=str(n + 6)))
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
            r.cells.append(cell_amount(val))
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
    parts = "，".join(f"{n}{wan(v)}万元" for n, v in income_parts(b))
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
    add(running_para(b, "本部门"))
    add(Para("四、财政拨款“三公”经费预算情况及增减变化原因"))
    blocks.extend(three_public_paras(b, f"{b.year}年，我部门财政拨款安排的"))
    add(Para("五、部门项目预算安排情况及绩效目标"))
    for i, p in enumerate(b.projects):
        blocks.append(_hebei_form(b, p, i))
    add(Para("六、政府采购预算情况"))
    add(procurement_para(b))
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
        tot = sum_dicts(tot, vals)
    prows.append(value_row(["合计", ""], pk, tot, ref="合计", kind="total"))
    for name, what, vals in items:
        prows.append(value_row([name, what], pk, vals, ref=row_ref(None, name), kind="item", parent=0))
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
    fiscal = fiscal_of(p)
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
