"""Run budgetlint on generated documents and measure it.

For every template × format × i < n, one budget is generated (seed derived from the run seed)
and rendered in four variants:

- ``clean``            — as composed: any error-level finding is a false alarm;
- ``artefacts``        — one kind of converter artefact (kinds taken in turn, so a false alarm
                         is attributable): still no error-level finding expected;
- ``errors``           — labelled errors planted;
- ``errors+artefacts`` — labelled errors and a random mix of two to five artefact kinds.

A finding *matches* a label when its family is the label's family (or one of its ``also``
families) and its location — or one of its ``related`` locations — overlaps one of the label's
spots: same table kind, same row (code digits or squashed label; a finding without a row covers
the whole table) and same column (a finding without a column covers the row), or a line inside
the labelled paragraph / form. Recall counts labels matched by a finding of the label's own
family; precision counts findings of a family (error and warning severity; extraction notices
and info findings aside) in the error variants that match some label.
"""

from __future__ import annotations

import random
import tempfile
import time
import zlib
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from budgetlint.eval.compose import budget_for, compose
from budgetlint.eval.mutate import (
    ARTEFACTS,
    Artefact,
    Label,
    Spot,
    Touched,
    apply_artefacts,
    plant_errors,
    resolve,
)
from budgetlint.eval.render import renderer
from budgetlint.findings import FAMILIES, Finding, Location
from budgetlint.model import Document
from budgetlint.pipeline import check_file
from budgetlint.recognise.figures import key_figures
from budgetlint.recognise.vocab import label_key
from budgetlint.rules.registry import all_rules

VARIANTS = ("clean", "artefacts", "errors", "errors+artefacts")
ARTEFACT_KINDS = tuple(ARTEFACTS)
CHECKED_FAMILIES = tuple(f for f in FAMILIES if f != "extraction")
COUNTED = ("error", "warning")


@dataclass(slots=True)
class FoundAt:
    kind: str | None
    rows: frozenset[str]
    column: str | None
    line: int | None
    page: int | None = None
    bbox: tuple[float, float, float, float] | None = None


@dataclass(slots=True)
class Hit:
    rule: str
    family: str
    severity: str
    message: str
    where: list[FoundAt]
    matched: bool = False


@dataclass(slots=True)
class DocResult:
    template: str
    format: str
    variant: str
    index: int
    seed: int
    path: str
    labels: list[Label]
    artefacts: list[Artefact]
    hits: list[Hit] = field(default_factory=list)
    detected: list[bool] = field(default_factory=list)  # per label: matched by its own family
    error: str | None = None
    seconds: float = 0.0
    figures: dict[str, tuple[object, object]] = field(default_factory=dict)  # name → (truth, read)

    @property
    def error_hits(self) -> list[Hit]:
        return [h for h in self.hits if h.severity == "error"]


def doc_seed(seed: int, template: str, index: int) -> int:
    return zlib.crc32(f"{seed}:{template}:{index}".encode()) & 0x7FFFFFFF


def _where(loc: Location, doc: Document | None) -> FoundAt:
    kind = None
    rows: set[str] = set()
    if doc is not None and loc.table is not None and 1 <= loc.table <= len(doc.tables):
        t = doc.tables[loc.table - 1]
        kind = t.kind
        if loc.row is not None and 0 <= loc.row < len(t.rows):
            r = t.rows[loc.row]
            rows = {c.digits for c in r.codes.values()} | {label_key(r.label)}
    return FoundAt(kind, frozenset(rows), loc.column, loc.line, loc.page, loc.bbox)


def _col_match(a: str | None, b: str | None) -> bool:
    if not a or not b:
        return True
    a2, b2 = a.split(".", 1)[-1], b.split(".", 1)[-1]
    return a == b or a2 == b2 or a.endswith("." + b) or b.endswith("." + a)


def spot_matches(spot: Spot, at: FoundAt) -> bool:
    if spot.anywhere:
        return True
    if spot.regions is not None:
        return any(r.contains(at.page, at.line, at.bbox) for r in spot.regions)
    if spot.anchor is not None:
        return False  # an anchor that did not render
    if spot.table and at.kind != spot.table:
        return False
    if spot.row and at.rows and spot.row not in at.rows:
        return False
    return _col_match(spot.column, at.column)


def match(labels: list[Label], hits: list[Hit]) -> list[bool]:
    detected = [False] * len(labels)
    for h in hits:
        for li, lab in enumerate(labels):
            if h.family != lab.family and h.family not in lab.also:
                continue
            if any(spot_matches(s, at) for s in lab.spots for at in h.where):
                h.matched = True
                if h.family == lab.family:
                    detected[li] = True
    return detected


def _hits(findings: list[Finding], doc: Document | None) -> list[Hit]:
    out = []
    for f in findings:
        if f.family == "extraction" or f.severity.value not in COUNTED:
            continue
        where = [_where(loc, doc) for loc in [f.location, *f.related]]
        out.append(Hit(f.rule, f.family, f.severity.value, f.message, where))
    return out


def _figures(doc: Document | None, truth: dict[str, object]) -> dict[str, tuple[object, object]]:
    got = key_figures(doc) if doc is not None else {}
    out = {}
    for name, want in truth.items():
        if want is None:
            continue
        have = got.get(name)
        out[name] = (want, have)
    return out


def run_one(template: str, fmt: str, variant: str, index: int, seed: int, folder: Path,
            errors_per_doc: int = 2) -> DocResult:
    ds = doc_seed(seed, template, index)
    budget = budget_for(template, ds)
    comp = compose(budget, template, random.Random(ds * 31 + 7))
    rng = random.Random(f"{ds}:{variant}")
    state = Touched()
    labels: list[Label] = []
    artefacts: list[Artefact] = []
    if "errors" in variant:
        labels = plant_errors(comp, rng, errors_per_doc, state=state)
    rend = renderer(fmt)
    # Only the artefacts a file in this format can show (a workbook has no pages to break).
    kinds = tuple(k for k in ARTEFACT_KINDS if k in rend.artefacts)
    if variant == "artefacts":
        # One kind per document, in turn, so each false alarm is attributable to its artefact.
        kind = kinds[index % len(kinds)]
        artefacts = apply_artefacts(comp, rng, kinds=(kind,), state=state)
    elif "artefacts" in variant:
        if kinds == ARTEFACT_KINDS:
            artefacts = apply_artefacts(comp, rng, state=state)
        else:
            artefacts = apply_artefacts(comp, rng, kinds=kinds, count=rng.randint(2, 5), state=state)
    rendered = rend.render(comp)
    resolve(labels, rendered.anchors)
    path = folder / f"{template}-{index:03d}-{variant.replace('+', '_')}{rendered.suffix}"
    path.write_bytes(rendered.data)
    res = check_file(str(path))
    out = DocResult(template, fmt, variant, index, ds, str(path), labels, artefacts, error=res.error,
                    seconds=res.seconds)
    out.hits = _hits(res.findings, res.document)
    out.detected = match(labels, out.hits)
    if variant in ("clean", "artefacts"):
        out.figures = _figures(res.document, comp.truth)
    return out


@dataclass(slots=True)
class Report:
    params: dict[str, object]
    docs: list[DocResult]
    wall_seconds: float

    # -- aggregates --------------------------------------------------------------------------
    def recall(self, family: str, fmt: str | None = None, template: str | None = None) -> tuple[int, int]:
        n = hit = 0
        for d in self._sel(fmt, template):
            for lab, ok in zip(d.labels, d.detected, strict=True):
                if lab.family == family:
                    n += 1
                    hit += ok
        return hit, n

    def precision(self, family: str | None = None, fmt: str | None = None, template: str | None = None) -> tuple[int, int]:
        tp = total = 0
        for d in self._sel(fmt, template):
            if "errors" not in d.variant:
                continue
            for h in d.hits:
                if family is None or h.family == family:
                    total += 1
                    tp += h.matched
        return tp, total

    def all_recall(self, fmt: str | None = None, template: str | None = None) -> tuple[int, int]:
        hit = n = 0
        for d in self._sel(fmt, template):
            n += len(d.labels)
            hit += sum(d.detected)
        return hit, n

    def false_alarms(self, variant: str) -> tuple[int, int, int]:
        """(error-level findings, documents with any, documents) on one clean variant."""
        docs = [d for d in self.docs if d.variant == variant]
        return sum(len(d.error_hits) for d in docs), sum(1 for d in docs if d.error_hits), len(docs)

    def figure_recovery(self, variant: str | None = None) -> tuple[int, int, Counter]:
        ok = n = 0
        misses: Counter = Counter()
        for d in self.docs:
            if variant and d.variant != variant:
                continue
            for name, (want, have) in d.figures.items():
                n += 1
                if have == want or (isinstance(want, Decimal) and isinstance(have, Decimal) and want == have):
                    ok += 1
                else:
                    misses[name] += 1
        return ok, n, misses

    def by_mutation(self) -> dict[str, tuple[int, int, str]]:
        out: dict[str, list] = defaultdict(lambda: [0, 0, ""])
        for d in self.docs:
            for lab, ok in zip(d.labels, d.detected, strict=True):
                e = out[lab.mutation]
                e[0] += ok
                e[1] += 1
                e[2] = lab.family
        return {k: tuple(v) for k, v in sorted(out.items())}

    def artefact_alarms(self) -> dict[str, tuple[int, int]]:
        """Artefact kind → (artefact-only documents with an error-level finding, documents with it)."""
        out: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        for d in self.docs:
            if d.variant != "artefacts":
                continue
            for kind in sorted({a.kind for a in d.artefacts}):
                out[kind][1] += 1
                out[kind][0] += bool(d.error_hits)
        return {k: tuple(v) for k, v in sorted(out.items())}

    def unreadable(self) -> int:
        return sum(1 for d in self.docs if d.error)

    def _sel(self, fmt: str | None, template: str | None):
        return [d for d in self.docs if (fmt is None or d.format == fmt) and (template is None or d.template == template)]

    @property
    def check_seconds(self) -> float:
        return sum(d.seconds for d in self.docs)

    def summary(self) -> dict[str, object]:
        implemented = {r.family for r in all_rules()}
        fams = {}
        for fam in CHECKED_FAMILIES:
            hit, n = self.recall(fam)
            tp, tot = self.precision(fam)
            fams[fam] = {"labels": n, "detected": hit, "recall": _rate(hit, n), "findings": tot, "matched": tp,
                         "precision": _rate(tp, tot), "implemented": fam in implemented}
        formats = {}
        for fmt in self.params["formats"]:
            hit, n = self.all_recall(fmt=fmt)
            tp, tot = self.precision(fmt=fmt)
            formats[fmt] = {"recall": _rate(hit, n), "labels": n, "precision": _rate(tp, tot), "findings": tot}
        templates = {}
        for t in self.params["templates"]:
            hit, n = self.all_recall(template=t)
            tp, tot = self.precision(template=t)
            h2, n2 = self.recall("arithmetic", template=t)
            templates[t] = {"recall": _rate(hit, n), "arithmetic_recall": _rate(h2, n2), "precision": _rate(tp, tot)}
        fig_ok, fig_n, misses = self.figure_recovery()
        return {
            "params": self.params,
            "documents": len(self.docs),
            "unreadable": self.unreadable(),
            "families": fams,
            "formats": formats,
            "templates": templates,
            "mutations": {k: {"family": f, "detected": h, "labels": n, "recall": _rate(h, n)}
                          for k, (h, n, f) in self.by_mutation().items()},
            "clean_error_findings": self.false_alarms("clean")[0],
            "clean_docs_with_errors": self.false_alarms("clean")[1],
            "artefact_docs_with_errors": self.false_alarms("artefacts")[1],
            "artefact_error_findings": self.false_alarms("artefacts")[0],
            "artefact_alarms": {k: {"docs_with_errors": a, "docs": b} for k, (a, b) in self.artefact_alarms().items()},
            "false_alarm_rules": dict(Counter(h.rule for d in self.docs if d.variant in ("clean", "artefacts")
                                              for h in d.error_hits).most_common()),
            "figure_recovery": _rate(fig_ok, fig_n),
            "figure_misses": dict(misses.most_common()),
            "docs_per_second": round(len(self.docs) / self.check_seconds, 2) if self.check_seconds else None,
            "docs_per_second_wall": round(len(self.docs) / self.wall_seconds, 2) if self.wall_seconds else None,
        }


def _rate(a: int, b: int) -> float | None:
    return round(a / b, 4) if b else None


def evaluate(n: int = 20, seed: int = 1, templates: tuple[str, ...] = ("shandong", "hebei"),
             formats: tuple[str, ...] = ("text",), variants: tuple[str, ...] = VARIANTS,
             errors_per_doc: int = 2, keep: str | Path | None = None) -> Report:
    start = time.perf_counter()
    docs: list[DocResult] = []
    with tempfile.TemporaryDirectory(prefix="budgetlint-eval-") as tmp:
        folder = Path(keep) if keep else Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        for template in templates:
            for fmt in formats:
                sub = folder / fmt
                sub.mkdir(exist_ok=True)
                for i in range(n):
                    for v in variants:
                        docs.append(run_one(template, fmt, v, i, seed, sub, errors_per_doc))
    params = {"n": n, "seed": seed, "templates": list(templates), "formats": list(formats),
              "variants": list(variants), "errors_per_doc": errors_per_doc}
    return Report(params, docs, time.perf_counter() - start)


# ---------------------------------------------------------------------------------------------


def _pct(x: float | None) -> str:
    return "—" if x is None else f"{x * 100:.1f}%"


def format_report(rep: Report, details: bool = False) -> str:
    s = rep.summary()
    p = s["params"]
    lines = [
        f"budgetlint-eval  n={p['n']} seed={p['seed']} templates={','.join(p['templates'])} "
        f"formats={','.join(p['formats'])}  documents={s['documents']} (unreadable {s['unreadable']})",
        "",
        "按规则族（错误文档：errors 与 errors+artefacts 两种变体）",
        f"{'family':<14}{'labels':>7}{'found':>7}{'recall':>9}{'findings':>10}{'matched':>9}{'precision':>11}",
    ]
    for fam, d in s["families"].items():
        note = "" if d["implemented"] else "  规则未实现"
        lines.append(f"{fam:<14}{d['labels']:>7}{d['detected']:>7}{_pct(d['recall']):>9}{d['findings']:>10}"
                     f"{d['matched']:>9}{_pct(d['precision']):>11}{note}")
    lines += ["", "按格式", f"{'format':<14}{'labels':>7}{'recall':>9}{'findings':>10}{'precision':>11}"]
    for fmt, d in s["formats"].items():
        lines.append(f"{fmt:<14}{d['labels']:>7}{_pct(d['recall']):>9}{d['findings']:>10}{_pct(d['precision']):>11}")
    lines += ["", "按模板", f"{'template':<14}{'recall':>9}{'arith.recall':>14}{'precision':>11}"]
    for t, d in s["templates"].items():
        lines.append(f"{t:<14}{_pct(d['recall']):>9}{_pct(d['arithmetic_recall']):>14}{_pct(d['precision']):>11}")
    lines += ["", "按错误类型", f"{'mutation':<22}{'family':<14}{'labels':>7}{'recall':>9}"]
    for k, d in s["mutations"].items():
        lines.append(f"{k:<22}{d['family']:<14}{d['labels']:>7}{_pct(d['recall']):>9}")
    n_clean = sum(1 for d in rep.docs if d.variant == "clean")
    n_art = sum(1 for d in rep.docs if d.variant == "artefacts")
    lines += [
        "",
        f"干净文档上的错误级发现: {s['clean_error_findings']}（{s['clean_docs_with_errors']}/{n_clean} 份文档；应为 0）",
        f"仅含读取伪影的文档中有错误级发现的: {s['artefact_docs_with_errors']}/{n_art}（{s['artefact_error_findings']} 条；应为 0）",
        "  按伪影类型（含该伪影的文档中有错误级发现的/含该伪影的文档）: "
        + ", ".join(f"{k} {v['docs_with_errors']}/{v['docs']}" for k, v in s["artefact_alarms"].items()),
        "  误报规则（干净与仅伪影文档）: " + (", ".join(f"{k}×{v}" for k, v in s["false_alarm_rules"].items()) or "无"),
        f"关键数字还原率: {_pct(s['figure_recovery'])}"
        + (f"（未还原：{', '.join(f'{k}×{v}' for k, v in s['figure_misses'].items())}）" if s["figure_misses"] else ""),
        f"速度: {s['docs_per_second']} 份/秒（检查）, {s['docs_per_second_wall']} 份/秒（含生成与渲染）",
    ]
    if details:
        lines += ["", "明细（漏报与误报）"]
        for d in rep.docs:
            for lab, ok in zip(d.labels, d.detected, strict=True):
                if not ok:
                    lines.append(f"  MISS {Path(d.path).name} [{lab.family}/{lab.mutation}] {lab.detail}")
            for h in d.hits:
                if not h.matched and ("errors" in d.variant or h.severity == "error"):
                    lines.append(f"  FALSE {Path(d.path).name} {h.rule} {h.severity}: {h.message[:120]}")
    return "\n".join(lines)
