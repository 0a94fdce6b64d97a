"""The sentences of the 情况说明 the layouts share (changes on last year, 三公, 机关运行经费, 政府采购,
the parts of income), the 名词解释 glossary and Chinese numerals.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from budgetlint.eval.generate import Budget, Project, wan, wan_short
from budgetlint.eval.model import Para

CN = "零一二三四五六七八九"


def cn_num(n: int) -> str:
    if n < 10:
        return CN[n]
    if n < 20:
        return "十" + (CN[n - 10] if n > 10 else "")
    return CN[n // 10] + "十" + (CN[n % 10] if n % 10 else "")


GLOSSARY = (
    ("财政拨款收入", "指本级财政当年拨付的资金，包括一般公共预算拨款收入、政府性基金预算拨款收入和国有资本经营预算拨款收入。"),
    ("上年结转", "指以前年度尚未完成、结转到本年仍按原规定用途继续使用的资金。"),
    ("基本支出", "指为保障机构正常运转、完成日常工作任务而发生的人员支出和日常公用支出。"),
    ("项目支出", "指在基本支出之外为完成特定任务和事业发展目标所发生的支出。"),
    ("“三公”经费", "指因公出国（境）费、公务用车购置及运行费和公务接待费。"),
    ("机关运行经费", "指为保障行政单位（包括参照公务员法管理的事业单位）运行用于购买货物和服务的各项资金。"),
)


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


def income_parts(b: Budget) -> list[tuple[str, int]]:
    parts = [("一般公共预算收入", b.source_total("general")), ("政府性基金预算收入", b.source_total("fund")),
             ("国有资本经营预算收入", b.source_total("capital"))]
    if b.source_total("unit"):
        parts.append(("事业收入", b.source_total("unit")))
    if b.source_total("carry"):
        parts.append(("上年结转", b.source_total("carry")))
    return [(n, v) for n, v in parts if v]


def three_public_paras(b: Budget, lead: str) -> list[Para]:
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


def change_paras(b: Budget) -> list[Para]:
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


def running_para(b: Budget, who: str) -> Para:
    r, pr = b.running_cost, b.prev["running"]
    if b.unit_type == "机关":
        return Para(f"{b.year}年{who}机关运行经费安排{wan_short(r)}万元，{change_phrase(r, pr)}。主要原因是：严格控制一般性支出。",
                    "narr.running")
    return Para(f"本单位为事业单位，无机关运行经费。{b.year}年事业运行经费财政拨款预算为{wan_short(r)}万元，"
                f"{change_phrase(r, pr)}。", "narr.running")


def procurement_para(b: Budget) -> Para:
    pr = b.procurement
    total = sum(pr.values())
    return Para(f"{b.year}年政府采购预算{wan_short(total)}万元，其中：政府采购货物预算{wan_short(pr['货物'])}万元，"
                f"政府采购工程预算{wan_short(pr['工程'])}万元，政府采购服务预算{wan_short(pr['服务'])}万元。",
                "narr.procurement")


def fiscal_of(p: Project) -> int:
    return p.amount if p.source in ("general", "fund", "capital", "carry") else 0
