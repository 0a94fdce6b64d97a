"""Related documents from one budget model, for the cross-document rules (BL8xx).

``budgetlint-eval --pairs`` generates *sets* of documents that a bureau would check together, each
set from one underlying model, and checks every set as one batch (``check_file`` on each file,
then ``crossdoc.cross_check``, as ``budgetlint check`` does):

- ``year``: one body's budgets for Y-1 and Y; year Y's 上年 figures are year Y-1's own, the ones
  its tables print (the Shandong 三公 table prints both years; Hebei's the budget year only) and
  the bases of the changes its 情况说明 states (``next_year``: 收支总计, 基本 / 项目支出, the
  sources of income, 机关运行经费, 三公);
- ``department_units``: a 部门预算 and the 单位预算 of its 本级 and subordinate units, the
  department's figures the sum of the units', its 机构设置 naming the units;
- ``budget_final``: a budget and the same year's 决算 (the standard 决算 set, ``final.py``), its
  决算数 below the budget and its 年初预算 (the 三公 table's 预算数) the budget's figures;
- ``duplicate``: one document published twice, the full document and a tables-only file.

Each set comes ``clean`` (every BL80x finding at error level is false) and ``planted`` once per
rule of its relation (``PLANTS``): one labelled inconsistency in one member — the 上年 三公 figure
year Y prints (BL801, Shandong only), the 上年 base of one change year Y's 情况说明 states where
its tables print no 上年 figure of it (BL805: the 收支 total; in Hebei also a 三公 item), one unit's
spending, the 决算's 年初预算, one cell of the second copy. A change to the model (all but the
last) keeps the member consistent in itself (``SetResult.own``: the per-document findings, against
the clean set's); the duplicate's cell is changed where it is printed. A BL805 plant is found by a
finding at the sentence, bound to this year's figure of the quantity, stating last year's figure
and the implied base. Files are titled and named as the layouts title real documents:
``grouping.find_pairs`` links them by what it reads (issuing body, year, kind; the units a
department lists; near-identical tables), nothing else.
"""

from __future__ import annotations

import copy
import random
import tempfile
import time
import zlib
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from budgetlint.crossdoc import cross_check
from budgetlint.eval.compose import budget_for, compose
from budgetlint.eval.evaluate import FoundAt, _col_match, _where
from budgetlint.eval.final import compose_final
from budgetlint.eval.generate import (
    DEPARTMENTS,
    Body,
    Budget,
    EconItem,
    FunctionLine,
    _suffixes,
    _target,
    final_account,
    generate,
)
from budgetlint.eval.model import Composition, Para, TableBlock
from budgetlint.eval.mutate import _amount_cells, _delta, _set
from budgetlint.eval.render import renderer
from budgetlint.findings import Finding
from budgetlint.model import Document
from budgetlint.pipeline import check_file
from budgetlint.rules.registry import all_rules

RELATIONS = ("year", "department_units", "budget_final", "duplicate")
# The rules measured on each relation, each with its own planted sets: a year set is planted either
# in a 上年 figure the year-Y document prints (BL801) or in a change its 情况说明 states (BL805).
PLANTS: dict[str, tuple[str, ...]] = {"year": ("BL801", "BL805"), "department_units": ("BL802",),
                                      "budget_final": ("BL803",), "duplicate": ("BL804",)}
RELATION_OF = {rule: relation for relation, rules in PLANTS.items() for rule in rules}
PAIR_TEMPLATES = ("shandong", "hebei")
# Layouts that print last year's 三公 figures beside the budget year's (the Shandong 三公 table:
# "2023年预算数 | 2024年预算数"); Hebei's prints the budget year only, as seed 003 does.
PRINTS_PREVIOUS = ("shandong",)
# 经济分类 items a planted change keeps away from: the 三公 items, 会议费 / 培训费 and 办公设备购置
# restate other tables' figures; the change is one unit's ordinary spending.
_RESTATED = {"30212", "31013", "30231", "30217", "30215", "30216", "31002"}
_TP_PARTS = ("abroad", "vehicle_purchase", "vehicle_operation", "reception")
# Where BL802's figures are: 收支总表 (收入 / 支出总计), 支出总表 (基本 / 项目支出), 三公.
_DEPT_TABLES = ("income_expenditure_summary", "expenditure_summary", "three_public")
YEAR = 2024


@dataclass(slots=True)
class Plant:
    """One labelled inconsistency: which rule should report it, in which member, what changed."""

    rule: str
    member: str  # file stem of the member changed
    detail: str
    tables: tuple[str, ...]  # table kinds a finding may point at
    row: str | None = None  # row reference (code digits or label key) and column key, where one cell
    column: str | None = None
    # A narrative plant (BL805): the finding must be at a sentence, bound to a cell of ``tables``
    # (this year's figure of the quantity), and state last year's figure and the base the sentence
    # implies (``figures``: expected, found, in the sentence's unit).
    sentence: bool = False
    figures: tuple[Decimal, Decimal] | None = None
    # Other sentences the plant makes differ as well (a 三公 item's 合计 follows it): a finding of
    # the rule with these figures is explained by the plant, neither false nor counted as found.
    follows: tuple[tuple[Decimal, Decimal], ...] = ()

    def explains(self, f: Finding) -> bool:
        return f.rule == self.rule and f.location.table is None and any(_same_figures(f, x) for x in self.follows)

    def matches(self, rule: str, at: FoundAt, bound: FoundAt | None = None, finding: Finding | None = None) -> bool:
        if rule != self.rule:
            return False
        if self.sentence:
            if at.kind is not None or bound is None:
                return False  # not at the sentence, or not bound to a figure of this year's tables
            if self.figures is not None and (finding is None or not _same_figures(finding, self.figures)):
                return False
            at = bound
        if at.kind not in self.tables:
            return False
        if self.row and at.rows and self.row not in at.rows:
            return False
        return _col_match(self.column, at.column)


def _same_figures(f: Finding, figures: tuple[Decimal, Decimal]) -> bool:
    expected, found = figures
    return (isinstance(f.expected, Decimal) and isinstance(f.found, Decimal)
            and abs(f.expected - expected) < Decimal("0.005") and abs(f.found - found) < Decimal("0.005"))


@dataclass(slots=True)
class PairSet:
    relation: str
    template: str
    index: int
    variant: str  # clean | planted
    members: list[tuple[str, Composition]]  # (file stem, composition), in publishing order
    plant: Plant | None = None


@dataclass(slots=True)
class SetResult:
    relation: str
    template: str
    index: int
    variant: str
    folder: str
    plant: Plant | None
    linked: bool  # find_pairs found the set's relation
    # (file, BL80x finding, where, the cell of that file a finding at a sentence is bound to)
    findings: list[tuple[str, Finding, FoundAt, FoundAt | None]] = field(default_factory=list)
    unreadable: int = 0
    seconds: float = 0.0
    # (file, rule, severity) of every error and warning of the per-document rules: the plant keeps
    # its member consistent in itself, so a planted set has the same as its clean set
    own: list[tuple[str, str, str]] = field(default_factory=list)

    def of(self, rule: str, severities: tuple[str, ...] = ("error", "warning")) -> list[Finding]:
        return [f for _, f, _, _ in self.findings if f.rule == rule and f.severity.value in severities]

    def hits(self, severities: tuple[str, ...] = ("error", "warning")) -> list[Finding]:
        """Findings that point at the planted inconsistency (its rule, its table, its cell; BL805:
        the sentence, its quantity and its figures)."""
        if self.plant is None:
            return []
        return [f for _, f, at, bound in self.findings
                if f.severity.value in severities and self.plant.matches(f.rule, at, bound, f)]

    @property
    def found(self) -> bool:
        return bool(self.hits())

    @property
    def false_findings(self) -> list[Finding]:
        """BL80x errors and warnings not explained by the planted inconsistency."""
        want = self.plant.rule if self.plant else None
        hits = {id(f) for f in self.hits()}
        return [f for _, f, _, _ in self.findings if id(f) not in hits and f.severity.value in ("error", "warning")
                and (f.rule != want or not hits) and not (self.plant and self.plant.explains(f))]


# ---------------------------------------------------------------------------------------------
# the model: a body's next year, one department from its units, a 决算 from its budget


def _recount(b: Budget) -> None:
    """Lines and the budget year's 三公 from the 经济分类 items and projects (after a change)."""
    for ln in b.lines.values():
        ln.personnel = sum(e.amount for e in b.econ if e.group == "personnel" and e.function == ln.code)
        ln.public = sum(e.amount for e in b.econ if e.group == "public" and e.function == ln.code)
    codes = {"abroad": "30212", "vehicle_purchase": "31013", "vehicle_operation": "30231", "reception": "30217",
             "meeting": "30215", "training": "30216"}
    b.three_public["curr"] = {k: sum(e.amount for e in b.econ if e.code == c) for k, c in codes.items()}


def _scale_items(b: Budget, rng: random.Random, lo: float, hi: float) -> None:
    for e in b.econ:
        e.amount = max(1, int(round(e.amount * rng.uniform(lo, hi))))
    _recount(b)


def next_year(b0: Budget, rng: random.Random) -> Budget:
    """The same body's budget a year later: its basic spending moved a little, the same projects
    (their targets restated for the year), last year's figures (``prev``, the 三公 of last year)
    those of ``b0``."""
    b = copy.deepcopy(b0)
    b.year = b0.year + 1
    _scale_items(b, rng, 0.95, 1.10)
    for p in b.projects:
        if p.target is not None:
            p.target = _target(rng, p, b.year, p.target.code[:6])
    b.three_public["prev"] = dict(b0.three_public["curr"])
    fund, capital, unit = (b0.source_total(s) for s in ("fund", "capital", "unit"))
    b.prev = {"total": b0.total, "basic": b0.basic, "project": b0.project, "general": b0.total - fund - capital - unit,
              "fund": fund, "capital": capital, "unit": unit, "running": b0.running_cost}
    return b


def merge(parts: list[Budget], department: str, units: list[str]) -> Budget:
    """A department's budget: the sum of its units' (本级 first), every line, item and project."""
    d = copy.deepcopy(parts[0])
    d.department, d.doc_kind, d.units = department, "部门预算", list(units)
    items: dict[tuple[str, str], EconItem] = {}
    for b in parts:
        for e in b.econ:
            k = (e.code, e.function)
            if k in items:
                items[k].amount += e.amount
            else:
                items[k] = copy.deepcopy(e)
    d.econ = sorted(items.values(), key=lambda e: (e.group, e.code, e.function))
    d.projects = [copy.deepcopy(p) for b in parts for p in b.projects]
    lines: dict[str, FunctionLine] = {}
    for b in parts:
        for code, ln in b.lines.items():
            m = lines.setdefault(code, FunctionLine(code, ln.name))
            m.personnel += ln.personnel
            m.public += ln.public
            for src, v in ln.project.items():
                m.project[src] = m.project.get(src, 0) + v
    d.lines = dict(sorted(lines.items()))
    for which in ("prev", "curr"):
        keys = {k for b in parts for k in b.three_public[which]}
        d.three_public[which] = {k: sum(b.three_public[which].get(k, 0) for b in parts) for k in keys}
    d.prev = {k: sum(b.prev.get(k, 0) for b in parts) for k in parts[0].prev}
    d.staff = sum(b.staff for b in parts)
    d.assets = {k: sum(b.assets.get(k, 0) for b in parts) for k in parts[0].assets}
    return d


def final_of(b: Budget, rng: random.Random) -> Budget:
    """The 决算 of budget ``b``: basic spending a little below the budget (the 决算数), the same
    projects; its 年初预算 (``tp_budget``, the budget per 项) are ``b``'s own figures."""
    f = copy.deepcopy(b)
    _scale_items(f, rng, 0.85, 1.0)
    final_account(f, rng)
    assert f.final is not None
    f.final.tp_budget = dict(b.three_public["curr"])
    f.final.budget = {code: ln.general_fiscal for code, ln in b.lines.items() if ln.general_fiscal}
    return f


def _change_prev_three_public(b: Budget, rng: random.Random) -> str:
    part = rng.choice(_TP_PARTS)
    v = b.three_public["prev"].get(part, 0)
    d = abs(_delta(rng, v)) if v == 0 else _delta(rng, v)
    b.three_public["prev"][part] = v + d
    return f"{b.year}年文档的{b.year - 1}年“三公”经费 {part} {v} → {v + d}（分）"


# Where the figure a change sentence is bound to may be printed: the 收支总表's 收入 / 支出总计 (the
# 收入 / 支出总表's 合计 is the same figure), the 三公 table.
_TOTAL_TABLES = ("income_expenditure_summary", "income_summary", "expenditure_summary")


def _change_narrated_base(b: Budget, template: str, rng: random.Random) -> Plant:
    """Year Y's 情况说明 states one change on a base that is not year Y-1's figure: the 收支 total
    (with 基本 or 项目支出 and 一般公共预算收入, so that the document's own parts still add up), or,
    where year Y's 三公 table prints no 上年 column, one 三公 item (its 合计 follows). Year Y's
    document stays consistent in itself; what it prints of last year is unchanged.

    The plant's figures: year Y-1's figure and the base the sentence implies, in 万元. Not
    机关运行经费: these layouts state it in the narrative only, no table prints it."""
    unit = Decimal(100 * b.scale)
    member = _stem(b)
    if template in PRINTS_PREVIOUS or rng.random() < 0.5:
        pv = b.prev
        side = rng.choice(("basic", "project"))
        v = pv["total"]
        d = _delta(rng, min(pv[side], pv["general"]))
        for k in ("total", side, "general"):
            pv[k] += d
        return Plant("BL805", member, f"{b.year}年情况说明的上年收支总计 {v} → {v + d}（分，{side} 随之）",
                     _TOTAL_TABLES, sentence=True, figures=(Decimal(v) / unit, Decimal(v + d) / unit))
    part = rng.choice(_TP_PARTS)
    v, total = b.three_public["prev"].get(part, 0), b.tp_total("prev")
    d = abs(_delta(rng, v)) if v == 0 else _delta(rng, v)
    b.three_public["prev"][part] = v + d
    return Plant("BL805", member, f"{b.year}年情况说明的上年“三公”经费 {part} {v} → {v + d}（分，合计随之）",
                 ("three_public",), sentence=True, figures=(Decimal(v) / unit, Decimal(v + d) / unit),
                 follows=((Decimal(total) / unit, Decimal(total + d) / unit),))


def _change_unit_spending(b: Budget, rng: random.Random) -> str:
    items = [e for e in b.econ if e.group == "public" and e.code not in _RESTATED] or \
        [e for e in b.econ if e.code not in _RESTATED]
    e = rng.choice(items)
    d = _delta(rng, e.amount)
    old = e.amount
    e.amount = max(1, old + d)
    _recount(b)
    return f"{b.department} 经济分类 {e.code} {old} → {e.amount}（分）"


def _change_final_budget(f: Budget, rng: random.Random) -> str:
    assert f.final is not None
    part = rng.choice(_TP_PARTS)
    v = f.final.tp_budget.get(part, 0)
    d = abs(_delta(rng, v)) if v == 0 else _delta(rng, v)
    f.final.tp_budget[part] = v + d
    return f"决算“三公”经费年初预算 {part} {v} → {v + d}（分）"


def _change_copy_cell(comp: Composition, rng: random.Random, member: str) -> Plant:
    tables = [t for t in comp.tables() if t.layout == "grid" and _amount_cells(t, item_only=False)]
    t = rng.choice(tables)
    i, k = rng.choice(_amount_cells(t, item_only=False))
    row = t.rows[i]
    v = row.amounts[k]
    d = _delta(rng, v, t.scale)
    _set(row, k, v + d, t.scale)
    ref = row.refs[k]
    return Plant("BL804", member, f"第二份「{t.title}」{ref.row or row.ref} {ref.column} {v} → {v + d}（分）", (t.kind,),
                 ref.row or row.ref or None, ref.column)


# ---------------------------------------------------------------------------------------------
# the sets


def _stem(b: Budget) -> str:
    return f"{b.department}{b.year}年{b.doc_kind}"


def set_seed(seed: int, relation: str, template: str, index: int) -> int:
    return zlib.crc32(f"{seed}:pairs:{relation}:{template}:{index}".encode()) & 0x7FFFFFFF


def _carry(template: str) -> bool | None:
    return None if template == "hebei" else False


def build(relation: str, template: str, index: int, seed: int, variant: str, rule: str | None = None) -> PairSet | None:
    """One set; None when the variant cannot be planted in this layout (a BL801 year set whose
    layout prints no 上年 figure). ``rule``: which of the relation's plants (``PLANTS``), the first
    by default."""
    ss = set_seed(seed, relation, template, index)
    rule = rule or PLANTS[relation][0]
    if rule not in PLANTS[relation]:
        raise ValueError(f"relation {relation!r} plants {', '.join(PLANTS[relation])}, not {rule!r}")
    rng = random.Random(f"{ss}:{variant}" if rule == PLANTS[relation][0] else f"{ss}:{variant}:{rule}")
    layout_rng = ss * 31 + 7
    planted = variant == "planted"
    if relation == "year":
        if planted and rule == "BL801" and template not in PRINTS_PREVIOUS:
            return None
        b0 = budget_for(template, ss, year=YEAR - 1)
        b1 = next_year(b0, random.Random(ss))
        plant = None
        if planted and rule == "BL801":
            plant = Plant("BL801", _stem(b1), _change_prev_three_public(b1, rng), ("three_public",))
        elif planted:
            plant = _change_narrated_base(b1, template, rng)
        members = [(_stem(b0), compose(b0, template, random.Random(layout_rng))),
                   (_stem(b1), compose(b1, template, random.Random(layout_rng)))]
    elif relation == "department_units":
        pick = random.Random(ss)
        lead = generate(ss, YEAR, _carry(template), Body(unit_type="机关", doc_kind="单位预算", units=()))
        topic = DEPARTMENTS[lead.admin_kuan][1]
        names = [f"{lead.region}{topic}{s}" for s in pick.sample(_suffixes(topic), pick.randint(1, 2))]
        subs = [generate(ss * 7 + i + 1, YEAR, _carry(template),
                         Body(unit_type="事业单位", admin_kuan=lead.admin_kuan, region=lead.region, department=name,
                              doc_kind="单位预算", units=())) for i, name in enumerate(names)]
        dept = merge([lead, *subs], lead.department, names)
        lead.department = f"{dept.department}（本级）"
        parts = [lead, *subs]
        detail, changed = "", parts[0]
        if planted:
            changed = rng.choice(parts)
            detail = _change_unit_spending(changed, rng)
        members = [(_stem(dept), compose(dept, template, random.Random(layout_rng)))]
        members += [(_stem(u), compose(u, template, random.Random(layout_rng + i + 1))) for i, u in enumerate(parts)]
        plant = Plant("BL802", _stem(changed), detail, _DEPT_TABLES) if planted else None
    elif relation == "budget_final":
        b = budget_for(template, ss, year=YEAR)
        f = final_of(b, random.Random(ss))
        detail = _change_final_budget(f, rng) if planted else ""
        final_stem = f"{f.department}{f.year}年度{f.doc_kind[:2]}决算"
        members = [(_stem(b), compose(b, template, random.Random(layout_rng))),
                   (final_stem, compose_final(f, random.Random(layout_rng)))]
        plant = Plant("BL803", final_stem, detail, ("three_public",)) if planted else None
    elif relation == "duplicate":
        b = budget_for(template, ss, year=YEAR)
        comp = compose(b, template, random.Random(layout_rng))
        tables_only = Composition(comp.template, [copy.deepcopy(x) for x in comp.blocks
                                                  if isinstance(x, TableBlock) or x is comp.blocks[0]])
        assert isinstance(tables_only.blocks[0], Para)
        members = [(_stem(b), comp), (f"{_stem(b)}公开表", tables_only)]
        plant = _change_copy_cell(tables_only, rng, f"{_stem(b)}公开表") if planted else None
    else:
        raise ValueError(f"unknown relation {relation!r}; known: {', '.join(RELATIONS)}")
    return PairSet(relation, template, index, variant, members, plant)


# ---------------------------------------------------------------------------------------------
# checking a set as one batch


def _bound(f: Finding, doc: Document | None) -> FoundAt | None:
    """The cell of ``doc`` a finding at a sentence (no table) is bound to: its first related
    location in the same document that is in a table."""
    if doc is None or f.location.table is not None:
        return None
    for loc in f.related:
        if loc.table is not None and loc.document in (None, doc.path):
            return _where(loc, doc)
    return None


def run_set(s: PairSet, fmt: str, folder: Path) -> SetResult:
    rend = renderer(fmt)
    which = f"-{s.plant.rule}" if s.plant is not None and len(PLANTS[s.relation]) > 1 else ""
    sub = folder / f"{s.relation}-{s.template}-{s.index:03d}-{s.variant}{which}"
    sub.mkdir(parents=True, exist_ok=True)
    paths = []
    for stem, comp in s.members:
        path = sub / f"{stem}{rend.suffix}"
        path.write_bytes(rend.render(comp).data)
        paths.append(path)
    start = time.perf_counter()
    results = [check_file(str(p)) for p in paths]
    pairs = cross_check(results, all_rules())
    out = SetResult(s.relation, s.template, s.index, s.variant, str(sub), s.plant,
                    linked=any(p.relation == s.relation for p in pairs),
                    unreadable=sum(1 for r in results if r.error), seconds=time.perf_counter() - start)
    out.findings = [(Path(r.path).name, f, _where(f.location, r.document), _bound(f, r.document))
                    for r in results for f in r.findings if f.rule.startswith("BL80")]
    out.own = sorted((Path(r.path).name, f.rule, f.severity.value) for r in results for f in r.findings
                     if not f.rule.startswith("BL80") and f.severity.value in ("error", "warning"))
    return out


@dataclass(slots=True)
class PairReport:
    params: dict[str, object]
    sets: list[SetResult]
    wall_seconds: float

    def _own_changed(self, planted: SetResult) -> bool:
        """The plant changed what the per-document rules report (against the same set, clean)."""
        where = Path(planted.folder).parent
        for s in self.sets:
            if (s.variant == "clean" and s.relation == planted.relation and s.template == planted.template
                    and s.index == planted.index and Path(s.folder).parent == where):
                return s.own != planted.own
        return False

    def summary(self) -> dict[str, object]:
        rules: dict[str, dict[str, object]] = {}
        for rule, relation in RELATION_OF.items():
            sel = [s for s in self.sets if s.relation == relation]
            planted = [s for s in sel if s.plant is not None and s.plant.rule == rule]
            clean = [s for s in sel if s.variant == "clean"]
            errors = sum(1 for s in planted if s.hits(("error",)))
            found = sum(1 for s in planted if s.found)
            rules[rule] = {
                "relation": relation, "planted": len(planted), "found": found, "found_as_error": errors,
                "own_changed": sum(1 for s in planted if self._own_changed(s)),
                "found_as_warning_only": found - errors, "missed": len(planted) - found,
                "recall": round(found / len(planted), 4) if planted else None,
                "clean_sets": len(clean),
                "linked": sum(1 for s in sel if s.linked), "sets": len(sel),
            }
        false_clean = Counter(f.rule for s in self.sets if s.variant == "clean"
                              for f in s.false_findings if f.severity.value == "error")
        warn_clean = Counter(f.rule for s in self.sets if s.variant == "clean"
                             for f in s.false_findings if f.severity.value == "warning")
        false_planted = Counter(f.rule for s in self.sets if s.variant == "planted"
                                for f in s.false_findings if f.severity.value == "error")
        for rule, d in rules.items():
            d["false_errors_clean"] = false_clean.get(rule, 0)
            d["false_warnings_clean"] = warn_clean.get(rule, 0)
            d["false_errors_planted_sets"] = false_planted.get(rule, 0)
        return {"params": self.params, "sets": len(self.sets), "unreadable": sum(s.unreadable for s in self.sets),
                "rules": rules, "clean_error_findings": sum(false_clean.values()),
                "wall_seconds": round(self.wall_seconds, 1)}


def evaluate_pairs(n: int = 5, seed: int = 1, templates: tuple[str, ...] = PAIR_TEMPLATES,
                   formats: tuple[str, ...] = ("text",), relations: tuple[str, ...] = RELATIONS,
                   keep: str | Path | None = None) -> PairReport:
    start = time.perf_counter()
    out: list[SetResult] = []
    with tempfile.TemporaryDirectory(prefix="budgetlint-eval-pairs-") as tmp:
        folder = Path(keep) if keep else Path(tmp)
        for template in templates:
            if template not in PAIR_TEMPLATES:
                raise ValueError(f"pair mode composes {', '.join(PAIR_TEMPLATES)} budgets, not {template!r}")
            for fmt in formats:
                for relation in relations:
                    for i in range(n):
                        for variant, rule in (("clean", None), *(("planted", r) for r in PLANTS[relation])):
                            s = build(relation, template, i, seed, variant, rule)
                            if s is not None:
                                out.append(run_set(s, fmt, folder / fmt))
    params = {"n": n, "seed": seed, "templates": list(templates), "formats": list(formats),
              "relations": list(relations)}
    return PairReport(params, out, time.perf_counter() - start)


def format_pair_report(rep: PairReport, details: bool = False) -> str:
    s = rep.summary()
    p = s["params"]
    lines = [
        f"budgetlint-eval --pairs  n={p['n']} seed={p['seed']} templates={','.join(p['templates'])} "
        f"formats={','.join(p['formats'])}  sets={s['sets']} (unreadable files {s['unreadable']})",
        "",
        "按规则（planted：埋入不一致的文档组；clean：一致的对照组）",
        f"{'rule':<7}{'relation':<18}{'linked':>9}{'planted':>9}{'found':>7}{'as err':>8}{'missed':>8}"
        f"{'recall':>8}{'clean':>7}{'false err':>11}{'false warn':>12}",
    ]
    for rule, d in s["rules"].items():
        recall = "—" if d["recall"] is None else f"{d['recall'] * 100:.1f}%"
        lines.append(f"{rule:<7}{d['relation']:<18}{d['linked']:>4}/{d['sets']:<4}{d['planted']:>9}{d['found']:>7}"
                     f"{d['found_as_error']:>8}{d['missed']:>8}{recall:>8}{d['clean_sets']:>7}"
                     f"{d['false_errors_clean']:>11}{d['false_warnings_clean']:>12}")
    other = sum(d["false_errors_planted_sets"] for d in s["rules"].values())
    lines += ["", f"一致的文档组上的 BL80x 错误级发现: {s['clean_error_findings']}（应为 0）",
              f"埋入组中其他 BL80x 规则的错误级发现: {other}（应为 0）",
              f"用时 {s['wall_seconds']} 秒"]
    changed = {r: d["own_changed"] for r, d in s["rules"].items() if d["own_changed"]}
    lines.append("埋入后本文档规则的错误/警告与一致组不同的埋入组: "
                 + ("，".join(f"{r} {n}" for r, n in changed.items()) if changed else "0")
                 + "（BL804 改的是印出的单元格，本文档规则应当报告；其余应为 0）")
    if "year" in p["relations"] and any(t not in PRINTS_PREVIOUS for t in p["templates"]):
        lines.append("注：河北版式的“三公”经费表不列上年数，BL801 无可比数字，河北 year 组不埋入 BL801；"
                     "BL805 埋入情况说明所述的上年数（河北：收支总计或一项“三公”经费；山东：收支总计）。")
    if details:
        lines += ["", "明细"]
        for r in rep.sets:
            if r.plant is not None and not r.found:
                lines.append(f"  MISS {r.folder} {r.plant.rule}: {r.plant.detail}"
                             + ("" if r.linked else "（文档未配对）"))
            for name, f, _, _ in r.findings:
                if f.severity.value in ("error", "warning") and (r.plant is None or f.rule != r.plant.rule):
                    lines.append(f"  FALSE {r.folder}/{name} {f.rule} {f.severity.value}: {f.message[:160]}")
            if r.plant is not None and r.found:
                f = r.hits()[0]
                lines.append(f"  HIT  {r.folder} {f.rule} {f.severity.value}: {f.message[:120]}")
    return "\n".join(lines)
