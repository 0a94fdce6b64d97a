"""Seeded generator of internally consistent department budgets (the evaluation's ground truth).

``generate(seed)`` draws one department from ``random.Random(seed)`` — same seed, same budget —
and returns a ``Budget``: the model every table, the narrative and the performance forms are
composed from. Amounts are integer **cents of 万元** (``123456`` = 1234.56 万元), so every sum holds
exactly; rounding noise is added later, on purpose, by the mutator's artefacts.

How the figures hang together (DOMAIN §4):
- Basic expenditure is built from 部门经济分类 items (301/302/303/310), each booked under the
  function code that carries it in real budgets: 30108 → 2080505, 30109 → 2080506, 30110 →
  2101101/2101102, 30111 → 2101103, 30113 → 2210201, 303xx → 2080501/2080502, the rest under the
  department's 行政运行 (机关) or 事业运行 (事业单位) line. 人员 = 301 + 303, 公用 = 302 + 310.
- Project expenditure is the sum of projects; each project sits on one 项 and has one funding
  source: general (一般公共预算), fund (政府性基金, on fund-financed codes), capital (国有资本经营,
  class 223), carry (财政拨款上年结转, general-budget money) or unit (单位资金).
- Basic expenditure is funded by the general budget. "一般公共预算支出" = general + carry.
- 三公 (current year) equals the basic-expenditure items 30212, 31013, 30231, 30217; 会议费 and
  培训费 equal 30215 and 30216. 机关运行经费 = 公用经费 of an agency.
- Performance targets restate the project's amount, the year and each indicator's value.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field

from budgetlint.eval.catalog import Catalogs, catalogs

SOURCES = ("general", "fund", "capital", "carry", "unit")
FISCAL = ("general", "fund", "capital")

# Admin 款 (with its 行政运行 / 事业运行 line) → department names and a short topic for project names.
DEPARTMENTS: dict[str, tuple[tuple[str, ...], str]] = {
    "20104": (("发展和改革局", "发展改革委员会"), "发展改革"),
    "20105": (("统计局",), "统计调查"),
    "20106": (("财政局",), "财政管理"),
    "20108": (("审计局",), "审计监督"),
    "20126": (("档案馆", "档案局"), "档案管理"),
    "20138": (("市场监督管理局",), "市场监管"),
    "20140": (("信访局",), "信访接待"),
    "20406": (("司法局",), "法治宣传"),
    "20501": (("教育局", "教育和体育局"), "教育管理"),
    "20601": (("科学技术局", "科技创新局"), "科技创新"),
    "20701": (("文化和旅游局",), "文化旅游"),
    "20801": (("人力资源和社会保障局", "社会保险事业中心"), "人力社保"),
    "20802": (("民政局",), "民政服务"),
    "20828": (("退役军人事务局",), "退役军人服务"),
    "21001": (("卫生健康局", "卫生健康委员会"), "卫生健康"),
    "21015": (("医疗保障局",), "医疗保障"),
    "21101": (("生态环境分局",), "生态环境"),
    "21201": (("住房和城乡建设局", "城市管理局"), "城乡建设"),
    "21301": (("农业农村局",), "农业农村"),
    "21303": (("水利局", "水务局"), "水利"),
    "21401": (("交通运输局",), "交通运输"),
    "21505": (("工业和信息化局",), "工业信息化"),
    "21602": (("商务局",), "商务流通"),
    "22001": (("自然资源和规划局",), "自然资源"),
    "22401": (("应急管理局",), "应急管理"),
}
INSTITUTION_SUFFIXES = ("服务中心", "事务中心", "发展中心", "保障中心")


_DOUBLED = re.compile(r"([\u4e00-\u9fff]{2})\1")


def _suffixes(topic: str) -> tuple[str, ...]:
    """Institution suffixes that do not repeat the topic's last word (医疗保障 + 保障中心)."""
    return tuple(s for s in INSTITUTION_SUFFIXES if not topic.endswith(s[:2]))


REGION_A = "东西南北青白金云龙凤石清长安宁平新丰临华"
REGION_B = "山河湖城川泉阳台林港溪岭州原"
REGION_C = ("区", "县", "市", "经济技术开发区", "高新区")

# Fund-financed 款 (政府性基金) the generator may put fund projects on.
FUND_KUAN = ("21208", "21210", "21213", "21214", "22960", "20707", "21366", "21462")
CAPITAL_KUAN = ("22301", "22302", "22399")

PROJECT_PATTERNS = (
    "{t}业务工作经费", "{t}专项资金", "{t}信息化建设运维经费", "{t}宣传培训经费", "{t}补助资金",
    "{t}政府购买服务项目经费", "{t}重点工作专项经费", "{t}事项奖补资金", "{t}调查监测经费",
    "{t}标准化建设经费", "{t}设备购置经费", "{t}应急保障经费",
)
GENERIC_PROJECTS = (
    "办公楼物业管理费", "档案数字化经费", "法律顾问服务费", "人才引进专项经费", "安全生产专项经费",
    "网络安全等级保护经费", "车辆保险费", "政府采购尾款", "机关食堂运行补助", "离退休人员活动经费",
)
SERVICE_OBJECTS = (("服务企业", "家"), ("培训人员", "人次"), ("监测点位", "个"), ("宣传活动", "场"),
                   ("补助对象", "人"), ("检查项目", "个"), ("服务对象", "户"), ("设备", "台(套)"))


@dataclass(slots=True)
class EconItem:
    code: str  # 部门经济分类 款, e.g. 30101
    name: str
    gov_code: str  # 政府经济分类 款
    gov_name: str
    group: str  # personnel | public
    amount: int
    function: str  # 7-digit function code the item is booked under


@dataclass(slots=True)
class TargetIndicator:
    level1: str
    level2: str
    name: str
    value: str  # as printed: "≥95%", "=100%", "≤12.50万元", "有效提升"
    description: str = ""


@dataclass(slots=True)
class Target:
    code: str  # 项目编码 (Hebei forms)
    objective: str
    indicators: list[TargetIndicator]
    plan: list[tuple[str, int]]  # cumulative spending plan by month-end (Hebei forms)


@dataclass(slots=True)
class Project:
    name: str
    category: str  # 其他运转类 | 特定目标类
    function: str
    source: str
    amount: int
    procurement: dict[str, int] = field(default_factory=dict)  # 货物 / 工程 / 服务
    target: Target | None = None


@dataclass(slots=True)
class FunctionLine:
    code: str
    name: str
    personnel: int = 0
    public: int = 0
    project: dict[str, int] = field(default_factory=dict)

    @property
    def basic(self) -> int:
        return self.personnel + self.public

    @property
    def project_total(self) -> int:
        return sum(self.project.values())

    @property
    def total(self) -> int:
        return self.basic + self.project_total

    def source(self, src: str) -> int:
        """Amount funded by one source (basic expenditure is general-budget money)."""
        return self.project.get(src, 0) + (self.basic if src == "general" else 0)

    @property
    def general_fiscal(self) -> int:
        """一般公共预算 money incl. its 上年结转: what the 一般公共预算支出 table shows."""
        return self.source("general") + self.source("carry")


@dataclass(slots=True)
class FinalAccount:
    """What a final account (决算) adds to the model; the ``Budget``'s amounts are the 决算数.

    Carry-overs: ``carry_in`` / ``carry_out`` are 年初 / 年末结转和结余 by fund ("general", "fund",
    "capital", "other"). The general-budget carry-in pays for the projects funded from 上年结转
    (``source == "carry"``) plus ``carry_in_kept``, left over again; ``carry_out`` is what this
    year leaves. Income therefore differs from expenditure on two lines: the lines of carry-funded
    projects (their money came from the carry-in) and the admin line, which carries the rest
    (``income_delta``). 本年收入 + 年初 = 本年支出 + 年末 holds for every fund and in total.

    ``budget``: 年初预算 of each 项 of the 一般公共预算财政拨款支出 (general + carry money);
    ``tp_budget``: the 三公 items' 年初预算; ``prev_*``: 上年决算 for the narrative's comparisons."""

    budget: dict[str, int]
    carry_in: dict[str, int]
    carry_out: dict[str, int]
    admin_line: str
    tp_budget: dict[str, int]
    prev_grand: int
    prev_fiscal_grand: int
    prev_general: int
    prev_running: int

    def income_delta(self, fund: str) -> int:
        """本年收入 − 本年支出 of one fund on the admin line (carry-funded lines aside)."""
        kept = self.carry_in.get(fund, 0) - (self.carry_used if fund == "general" else 0)
        return self.carry_out.get(fund, 0) - kept

    carry_used: int = 0  # general carry-in spent this year (the carry-funded projects)


@dataclass(slots=True)
class Budget:
    seed: int
    year: int
    region: str
    department: str
    dept_code: str
    unit_type: str  # 机关 | 事业单位
    doc_kind: str  # 部门预算 | 单位预算
    units: list[str]
    duties: list[str]
    admin_kuan: str
    staff: int
    econ: list[EconItem]
    projects: list[Project]
    lines: dict[str, FunctionLine]
    three_public: dict[str, dict[str, int]]  # {"prev": {...}, "curr": {...}}
    prev: dict[str, int]
    assets: dict[str, int]
    cat: Catalogs = field(repr=False, default_factory=catalogs)
    # Amount unit: 1 = cents of 万元 (every template but Shanghai's), 100 = 元 (``to_yuan``).
    scale: int = 1
    # Final-account figures (``final_account``): the budget's amounts are then the 决算数.
    final: FinalAccount | None = None
    # Last year's figure of each function 项 (the Shanghai per-项 paragraphs), same unit.
    line_prev: dict[str, int] = field(default_factory=dict)

    # -- totals --------------------------------------------------------------------------
    def source_total(self, src: str) -> int:
        return sum(line.source(src) for line in self.lines.values())

    @property
    def total(self) -> int:
        return sum(line.total for line in self.lines.values())

    @property
    def basic(self) -> int:
        return sum(line.basic for line in self.lines.values())

    @property
    def personnel(self) -> int:
        return sum(line.personnel for line in self.lines.values())

    @property
    def public(self) -> int:
        return sum(line.public for line in self.lines.values())

    @property
    def project(self) -> int:
        return sum(line.project_total for line in self.lines.values())

    @property
    def fiscal_current(self) -> int:
        return sum(self.source_total(s) for s in FISCAL)

    @property
    def current_income(self) -> int:
        """本年收入合计: everything except the 上年结转."""
        return self.total - self.source_total("carry")

    @property
    def running_cost(self) -> int:
        return self.public

    @property
    def procurement(self) -> dict[str, int]:
        out = {"货物": 0, "工程": 0, "服务": 0}
        for p in self.procurement_entries():
            out[p[3]] += p[2]
        return out

    def procurement_entries(self) -> list[tuple[str, str, int, str]]:
        """(function code, source, amount, category) of every procurement line."""
        out = []
        office = next((e for e in self.econ if e.code == "31002"), None)
        if office is not None:
            out.append((office.function, "general", office.amount, "货物"))
        for p in self.projects:
            for cat, amount in p.procurement.items():
                out.append((p.function, p.source, amount, cat))
        return out

    def tp_total(self, which: str) -> int:
        d = self.three_public[which]
        return d["abroad"] + d["vehicle_purchase"] + d["vehicle_operation"] + d["reception"]

    def name_of(self, code: str) -> str:
        cat = self.cat
        if code[0] == "3":
            return cat.econ_dept[code].name
        if code[0] == "5":
            return cat.econ_gov[code].name
        return cat.function[code].name

    def function_tree(self, codes: list[str]) -> list[str]:
        """The 类 / 款 / 项 codes that lead to the given 项, in code order."""
        out = set()
        for c in codes:
            out.update({c[:3], c[:5], c})
        return sorted(out)

    def function_amounts(self, pick) -> dict[str, int]:
        """Aggregate ``pick(line)`` over the function hierarchy: {code: amount} for 类, 款 and 项."""
        out: dict[str, int] = {}
        for code, line in self.lines.items():
            v = pick(line)
            for c in (code[:3], code[:5], code):
                out[c] = out.get(c, 0) + v
        return out


def amount_text(v: int, scale: int = 1, sep: bool = False) -> str:
    """An amount as a table prints it: cents of 万元 → "1234.56"; 元 (scale 100) → "1234500.00"."""
    if scale == 1:
        s = wan(v)
    else:
        s = f"{v}.00"
    if sep:
        whole, frac = s.split(".")
        s = f"{int(whole):,}.{frac}"
    return s


def to_wan(v: int, scale: int) -> int:
    """An amount in the budget's unit → cents of 万元 (rounded half up, as narratives round)."""
    return (v + scale // 2) // scale if scale > 1 else v


def wan(cents: int) -> str:
    """Cents of 万元 → "1234.56"."""
    sign = "-" if cents < 0 else ""
    cents = abs(cents)
    return f"{sign}{cents // 100}.{cents % 100:02d}"


def wan_short(cents: int) -> str:
    """As narratives write amounts: "1234.56", "50" (no .00), "6.5"."""
    s = wan(cents)
    return s.rstrip("0").rstrip(".") if "." in s else s


def _cents(rng: random.Random, lo: float, hi: float) -> int:
    return int(round(rng.uniform(lo, hi) * 100))


# ---------------------------------------------------------------------------------------------


def _region(rng: random.Random) -> str:
    return rng.choice(REGION_A) + rng.choice(REGION_B) + rng.choice(REGION_C)


def _admin_item(cat: Catalogs, kuan: str, unit_type: str) -> str | None:
    kids = {e.name: e.code for e in cat.children(kuan)}
    if unit_type == "事业单位":
        return kids.get("事业运行") or kids.get("行政运行")
    return kids.get("行政运行")


PERSONNEL_SPECS = (
    # code, probability (机关, 事业单位), per-head 万元 range or share of wages
    ("30101", (1.0, 1.0), ("head", 2.2, 4.0)),
    ("30102", (1.0, 0.9), ("head", 2.0, 5.5)),
    ("30103", (0.8, 0.2), ("head", 0.3, 1.2)),
    ("30107", (0.3, 0.95), ("head", 1.5, 4.0)),
    ("30108", (1.0, 1.0), ("share", 0.15, 0.17)),
    ("30109", (0.8, 0.8), ("share", 0.07, 0.09)),
    ("30110", (1.0, 1.0), ("share", 0.06, 0.09)),
    ("30111", (0.8, 0.3), ("share", 0.03, 0.05)),
    ("30112", (0.7, 0.7), ("share", 0.005, 0.015)),
    ("30113", (1.0, 1.0), ("share", 0.11, 0.12)),
    ("30199", (0.3, 0.3), ("head", 0.05, 0.3)),
)
PUBLIC_SPECS = (
    ("30201", 0.95, ("head", 0.1, 0.4)), ("30202", 0.3, ("abs", 0.5, 5)), ("30205", 0.4, ("abs", 0.2, 3)),
    ("30206", 0.5, ("abs", 0.5, 8)), ("30207", 0.8, ("head", 0.03, 0.12)), ("30209", 0.4, ("abs", 2, 40)),
    ("30211", 0.9, ("head", 0.05, 0.3)), ("30212", 0.15, ("abs", 1, 8)), ("30213", 0.6, ("abs", 0.5, 10)),
    ("30215", 0.6, ("abs", 0.3, 5)), ("30216", 0.6, ("abs", 0.5, 8)), ("30217", 0.7, ("abs", 0.5, 5)),
    ("30226", 0.3, ("abs", 1, 20)), ("30228", 0.8, ("wages", 0.018, 0.022)), ("30229", 0.6, ("head", 0.1, 0.3)),
    ("30231", 0.6, ("abs", 1, 10)), ("30239", 0.7, ("head", 0.05, 0.2)), ("30299", 0.8, ("abs", 0.5, 15)),
    ("31002", 0.4, ("abs", 1, 20)), ("31013", 0.08, ("abs", 15, 30)),
)


def _econ_items(rng: random.Random, cat: Catalogs, unit_type: str, staff: int, retirees: int,
                admin: str) -> list[EconItem]:
    ctx = "机关" if unit_type == "机关" else "事业单位"
    agency = unit_type == "机关"
    items: list[EconItem] = []
    wages = 0

    def add(code: str, amount: int, group: str, function: str) -> None:
        gov = cat.gov_of(code, ctx)
        if amount <= 0 or gov is None or code not in cat.econ_dept or gov not in cat.econ_gov:
            return
        items.append(EconItem(code, cat.econ_dept[code].name, gov, cat.econ_gov[gov].name, group, amount, function))

    booked = {
        "30108": "2080505", "30109": "2080506", "30110": "2101101" if agency else "2101102",
        "30111": "2101103", "30113": "2210201",
    }
    for code, (p_agency, p_inst), (how, lo, hi) in PERSONNEL_SPECS:
        if rng.random() >= (p_agency if agency else p_inst):
            continue
        amount = _cents(rng, lo * staff, hi * staff) if how == "head" else int(round(wages * rng.uniform(lo, hi)))
        if code in ("30101", "30102", "30103", "30107"):
            wages += amount
        add(code, amount, "personnel", booked.get(code, admin))
    if retirees:
        retire = "2080501" if agency else "2080502"
        add("30302", _cents(rng, 2.5 * retirees, 7.0 * retirees), "personnel", retire)
        for code, p, lo, hi in (("30305", 0.3, 0.2, 3), ("30309", 0.2, 0.05, 1), ("30399", 0.2, 0.1, 2)):
            if rng.random() < p:
                add(code, _cents(rng, lo, hi), "personnel", retire)
    for code, p, (how, lo, hi) in PUBLIC_SPECS:
        if rng.random() >= p:
            continue
        if how == "head":
            amount = _cents(rng, lo * staff, hi * staff)
        elif how == "wages":
            amount = int(round(wages * rng.uniform(lo, hi)))
        else:
            amount = _cents(rng, lo, hi)
        add(code, amount, "public", admin)
    return items


def _round_amount(rng: random.Random) -> int:
    if rng.random() < 0.6:
        return rng.choice((5, 8, 10, 12, 15, 20, 25, 30, 40, 50, 60, 80, 100, 120, 150, 200, 250, 300, 500,
                           800, 1000, 1500, 2000, 3000)) * 100
    return _cents(rng, 1, 3000)


def _project_codes(cat: Catalogs, admin_kuan: str, admin_item: str) -> tuple[list[str], list[str], list[str], list[str]]:
    skip = {"行政运行", "事业运行", "机关服务"}
    own = [e.code for e in cat.children(admin_kuan) if e.name not in skip and e.code != admin_item]
    cls = admin_kuan[:3]
    sibling_kuan = [e.code for e in cat.children(cls) if e.code != admin_kuan and e.code not in FUND_KUAN
                    and not e.code.startswith("20805") and not e.code.startswith("21011")]
    siblings = [e.code for k in sibling_kuan for e in cat.children(k) if e.name not in skip]
    fund = [e.code for k in FUND_KUAN if k in cat.function for e in cat.children(k)]
    capital = [e.code for k in CAPITAL_KUAN if k in cat.function for e in cat.children(k)]
    return own, siblings, fund, capital


def _target(rng: random.Random, p: Project, year: int, region_code: str) -> Target:
    obj, unit = rng.choice(SERVICE_OBJECTS)
    n = rng.choice((3, 5, 6, 8, 10, 12, 15, 20, 30, 50, 60, 100, 120, 200, 500, 1000))
    cost = (p.amount + n - 1) // n  # per-unit cost in cents of 万元, rounded up
    quality = rng.choice((95, 98, 100))
    satisfaction = rng.choice((85, 90, 95))
    timely = "=100%"
    quality_name = rng.choice(("任务完成合格率", "验收合格率", "资金使用合规率"))
    benefit = rng.choice(("有效提升", "持续改善", "逐步提高"))
    benefit_name = rng.choice(("工作效能", "公共服务水平", "管理服务质量"))
    ind = [
        TargetIndicator("产出指标", "数量指标", f"{obj}数量", f"≥{n}{unit}", f"{obj}不少于{n}{unit}"),
        TargetIndicator("产出指标", "质量指标", quality_name, f"≥{quality}%" if quality < 100 else "=100%",
                        f"{quality_name}达标"),
        TargetIndicator("产出指标", "时效指标", "资金支付及时率", timely, "按计划及时支付"),
        TargetIndicator("成本指标", "经济成本指标", f"单位{obj}成本", f"≤{wan_short(cost)}万元/{unit}",
                        "控制在预算内"),
        TargetIndicator("效益指标", "社会效益指标", f"{benefit_name}", benefit, f"{benefit_name}{benefit}"),
        TargetIndicator("效益指标", "可持续发展影响指标", "管理机制健全率", "=100%", "制度健全"),
        TargetIndicator("满意度指标", "服务对象满意度指标", "服务对象满意度", f"≥{satisfaction}%", "问卷调查"),
    ]
    quality_text = "100%" if quality == 100 else f"{quality}%以上"
    objective = (
        f"为保障{p.name}顺利实施，{year}年计划完成{obj}{n}{unit}以上，单位{obj}成本不超过{wan_short(cost)}万元，"
        f"{quality_name}达到{quality_text}，资金支付及时率达到100%，{benefit_name}{benefit}，"
        f"服务对象满意度达到{satisfaction}%以上。"
    )
    fractions = sorted(rng.sample((20, 25, 30, 40, 50, 60, 70, 75, 80), 3))
    plan = [(m, p.amount * f // 100) for m, f in zip(("3月底", "6月底", "10月底"), fractions, strict=True)]
    plan.append(("12月底", p.amount))
    code = f"{region_code}{year % 100:02d}P{rng.randrange(10**9):09d}"
    return Target(code=code, objective=objective, indicators=ind, plan=plan)


@dataclass(frozen=True, slots=True)
class Body:
    """Who a budget is for, when the caller decides it (the pair evaluation's related documents:
    one department and its units share a region and a field of work). Fields left None are drawn."""

    unit_type: str | None = None
    admin_kuan: str | None = None
    region: str | None = None
    department: str | None = None
    doc_kind: str | None = None
    units: tuple[str, ...] | None = None


def generate(seed: int, year: int = 2024, carry: bool | None = None, body: Body | None = None) -> Budget:
    """One department budget drawn from ``random.Random(seed)``.

    ``carry``: whether some projects are funded from 上年结转 (None: drawn, 30 %). The Shandong
    layout is composed without carry-over: the seeds never show how its 一般公共预算支出情况表
    treats carried-over money, so the generator does not pretend to know. ``body``: who the
    budget is for, where the caller says (the draws are made all the same, so a seed's amounts
    do not depend on it more than the unit type and field of work require)."""
    rng = random.Random(seed)
    body = body or Body()
    cat = catalogs()
    unit_type = "机关" if rng.random() < 0.65 else "事业单位"
    unit_type = body.unit_type or unit_type
    kuans = [k for k in sorted(DEPARTMENTS) if k in cat.function and _admin_item(cat, k, unit_type)]
    admin_kuan = rng.choice(kuans)
    if body.admin_kuan and _admin_item(cat, body.admin_kuan, unit_type):
        admin_kuan = body.admin_kuan
    admin = _admin_item(cat, admin_kuan, unit_type)
    names, topic = DEPARTMENTS[admin_kuan]
    region = _region(rng)
    region = body.region or region
    if unit_type == "机关":
        department = region + rng.choice(names)
    else:
        department = region + topic + rng.choice(_suffixes(topic))
    department = body.department or department
    units: list[str] = []
    doc_kind = "单位预算" if unit_type == "事业单位" and rng.random() < 0.7 else "部门预算"
    if doc_kind == "部门预算" and rng.random() < 0.5:
        suffixes = _suffixes(topic)
        units = [f"{region}{topic}{s}" for s in rng.sample(suffixes, rng.randint(1, min(3, len(suffixes))))]
    doc_kind = body.doc_kind or doc_kind
    if body.units is not None:
        units = list(body.units)
    staff = rng.randint(6, 150)
    retirees = rng.randint(0, staff * 6 // 10) if rng.random() < 0.8 else 0
    econ = _econ_items(rng, cat, unit_type, staff, retirees, admin)

    lines: dict[str, FunctionLine] = {}

    def line(code: str) -> FunctionLine:
        if code not in lines:
            lines[code] = FunctionLine(code, cat.function[code].name)
        return lines[code]

    for e in econ:
        if e.group == "personnel":
            line(e.function).personnel += e.amount
        else:
            line(e.function).public += e.amount

    own, siblings, fund, capital = _project_codes(cat, admin_kuan, admin)
    has_carry = rng.random() < 0.3
    if carry is not None:
        has_carry = carry
    projects: list[Project] = []
    used: set[str] = set()
    n_projects = rng.randint(3, 18)
    for _ in range(n_projects):
        r = rng.random()
        source = "general"
        if r < 0.1 and fund:
            code, source = rng.choice(fund), "fund"
        elif r < 0.15 and capital:
            code, source = rng.choice(capital), "capital"
        elif r < 0.45 and siblings:
            code = rng.choice(siblings)
        else:
            code = rng.choice(own or siblings)
        if source == "general":
            if has_carry and rng.random() < 0.3:
                source = "carry"
            elif unit_type == "事业单位" and rng.random() < 0.15:
                source = "unit"
        for _try in range(20):
            if rng.random() < 0.25:
                name = rng.choice(GENERIC_PROJECTS)
            else:
                t = topic if rng.random() < 0.6 else cat.function[code].name.removesuffix("支出")
                name = rng.choice(PROJECT_PATTERNS).format(t=t)
            # "统计调查" + "调查监测经费" would print a doubled word no real project name has.
            if name not in used and not _DOUBLED.search(name):
                break
        else:
            continue
        used.add(name)
        p = Project(name=name, category="其他运转类" if rng.random() < 0.25 else "特定目标类", function=code,
                    source=source, amount=_round_amount(rng))
        if rng.random() < 0.35:
            share = int(p.amount * rng.uniform(0.1, 0.6))
            if share > 0:
                p.procurement[rng.choice(("货物", "工程", "服务"))] = share
        projects.append(p)
        ln = line(code)
        ln.project[source] = ln.project.get(source, 0) + p.amount
    region_code = f"{rng.randint(110000, 659000):06d}"
    for p in projects:
        p.target = _target(rng, p, year, region_code)

    curr = {
        "abroad": sum(e.amount for e in econ if e.code == "30212"),
        "vehicle_purchase": sum(e.amount for e in econ if e.code == "31013"),
        "vehicle_operation": sum(e.amount for e in econ if e.code == "30231"),
        "reception": sum(e.amount for e in econ if e.code == "30217"),
        "meeting": sum(e.amount for e in econ if e.code == "30215"),
        "training": sum(e.amount for e in econ if e.code == "30216"),
    }
    prev = {}
    for k, v in curr.items():
        if v and rng.random() < 0.35:
            prev[k] = v
        elif v:
            prev[k] = max(1, int(v * rng.uniform(0.6, 1.4)))
        else:
            prev[k] = _cents(rng, 0.5, 4) if rng.random() < 0.2 else 0
    budget = Budget(
        seed=seed, year=year, region=region, department=department, dept_code=f"{rng.randint(100, 999)}{rng.randint(1, 99):03d}",
        unit_type=unit_type, doc_kind=doc_kind, units=units, duties=_duties(rng, topic), admin_kuan=admin_kuan,
        staff=staff, econ=econ, projects=projects, lines=dict(sorted(lines.items())),
        three_public={"prev": prev, "curr": curr}, prev={}, assets={}, cat=cat,
    )
    budget.prev = _previous_year(rng, budget)
    budget.assets = {"vehicles": rng.choice((0, 0, 1, 2, 3, 5)), "equipment": rng.choice((0, 0, 0, 1, 2, 4))}
    return budget


def _previous_year(rng: random.Random, b: Budget) -> dict[str, int]:
    basic = int(b.basic * rng.uniform(0.9, 1.1))
    project = int(b.project * rng.uniform(0.5, 1.6))
    fund = int(b.source_total("fund") * rng.uniform(0.5, 1.5))
    capital = int(b.source_total("capital") * rng.uniform(0.5, 1.5))
    unit = int(b.source_total("unit") * rng.uniform(0.5, 1.5))
    general = basic + project - fund - capital - unit
    if general < basic:
        project += basic - general
        general = basic
    running = b.running_cost if rng.random() < 0.2 else int(b.running_cost * rng.uniform(0.85, 1.15))
    return {"total": basic + project, "basic": basic, "project": project, "general": general, "fund": fund,
            "capital": capital, "unit": unit, "running": running}


def _duties(rng: random.Random, topic: str) -> list[str]:
    pool = [
        f"贯彻执行国家和省、市有关{topic}工作的方针政策和法律法规，拟订本地区{topic}发展规划并组织实施。",
        f"负责本地区{topic}领域的统筹协调和监督管理，指导基层开展相关工作。",
        f"组织实施{topic}重点项目，负责相关专项资金的管理和绩效评价。",
        f"负责{topic}相关信息的统计、分析和发布，推进信息化建设。",
        f"承担{topic}领域安全生产和应急管理相关工作。",
        f"组织开展{topic}领域的宣传、培训和对外交流合作。",
        "完成上级交办的其他任务。",
    ]
    k = rng.randint(3, len(pool) - 1)
    return pool[:k] + [pool[-1]]


# ---------------------------------------------------------------------------------------------
# What the Shanghai and final-account layouts add to a budget


def to_yuan(b: Budget, rng: random.Random) -> Budget:
    """The same budget in 元 (``scale`` 100), as Shanghai's tables print it.

    Each 经济分类 item gets a few 元 more or less than its round 万元 figure (real items read
    2892504.00 or 265974.44, not 2890000.00); the 三公 items and 办公设备购置 stay round, so the
    "三公" table in 万元 restates them exactly. Projects stay round. Every line, total and
    last-year figure is scaled, so every sum still holds exactly."""
    if b.scale != 1:
        return b
    exact = {"30212", "31013", "30231", "30217", "30215", "30216", "31002"}
    for e in b.econ:
        e.amount *= 100
        if e.code not in exact and rng.random() < 0.7:
            e.amount = max(100, e.amount + rng.randint(-4999, 4999))
    for p in b.projects:
        p.amount *= 100
        p.procurement = {k: v * 100 for k, v in p.procurement.items()}
    for ln in b.lines.values():
        ln.personnel = sum(e.amount for e in b.econ if e.group == "personnel" and e.function == ln.code)
        ln.public = sum(e.amount for e in b.econ if e.group == "public" and e.function == ln.code)
        ln.project = {k: v * 100 for k, v in ln.project.items()}
    for which in ("prev", "curr"):
        b.three_public[which] = {k: v * 100 for k, v in b.three_public[which].items()}
    b.prev = {k: v * 100 for k, v in b.prev.items()}
    b.line_prev = {k: v * 100 for k, v in b.line_prev.items()}
    b.scale = 100
    return b


def add_line_prev(b: Budget, rng: random.Random) -> None:
    """Last year's figure of each function 项 (financial money): the per-项 paragraphs compare."""
    for code, ln in b.lines.items():
        v = ln.source("general") + ln.source("fund") + ln.source("capital") + ln.source("carry")
        if not v:
            continue
        r = rng.random()
        if r < 0.15:
            b.line_prev[code] = v
        else:
            b.line_prev[code] = max(100 * b.scale, int(v * rng.uniform(0.75, 1.3)))


def final_account(b: Budget, rng: random.Random) -> Budget:
    """Make ``b`` a final account: its amounts are the 决算数; add 年初预算, carry-overs and 上年决算."""
    if b.final is not None:
        return b
    admin = next((e.function for e in b.econ if e.group == "public"), None) or max(
        b.lines, key=lambda c: b.lines[c].basic)
    admin_general = b.lines[admin].source("general")
    used = b.source_total("carry")
    kept = 0 if rng.random() < 0.5 else _cents(rng, 0.5, max(0.6, min(50.0, admin_general / 300)))
    out = 0 if rng.random() < 0.3 else _cents(rng, 0.5, max(0.6, min(80.0, admin_general / 200)))
    carry_in = {"general": used + kept}
    carry_out = {"general": out}
    unit_admin = b.lines[admin].source("unit")
    if unit_admin and rng.random() < 0.6:
        carry_in["other"] = _cents(rng, 0.1, max(0.2, unit_admin / 300))
        carry_out["other"] = _cents(rng, 0.1, max(0.2, unit_admin / 200))
    budget: dict[str, int] = {}
    for code, ln in b.lines.items():
        v = ln.general_fiscal
        if not v:
            continue
        r = rng.random()
        if r < 0.3:
            budget[code] = v
        elif ln.project_total and r < 0.6:
            budget[code] = int(v * rng.uniform(1.0, 1.35))
        else:
            budget[code] = int(v * rng.uniform(0.95, 1.08))
    tp_budget = {}
    for k, v in b.three_public["curr"].items():
        r = rng.random()
        tp_budget[k] = v if r < 0.4 else int(v * rng.uniform(1.0, 1.3)) if v else (
            _cents(rng, 0.5, 3) if r < 0.55 else 0)
    grand = b.total + carry_out.get("general", 0) + carry_out.get("other", 0)
    fiscal_grand = b.fiscal_current + b.source_total("carry") + carry_out["general"]
    general = sum(ln.general_fiscal for ln in b.lines.values())
    b.final = FinalAccount(
        budget=budget, carry_in=carry_in, carry_out=carry_out, admin_line=admin, tp_budget=tp_budget,
        prev_grand=int(grand * rng.uniform(0.85, 1.15)), prev_fiscal_grand=int(fiscal_grand * rng.uniform(0.85, 1.15)),
        prev_general=int(general * rng.uniform(0.85, 1.15)),
        prev_running=b.running_cost if rng.random() < 0.2 else int(b.running_cost * rng.uniform(0.85, 1.15)),
        carry_used=used,
    )
    return b
