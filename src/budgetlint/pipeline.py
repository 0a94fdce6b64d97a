"""One direction: ingest → recognise → rules. Errors reading one file never stop the others."""

from __future__ import annotations

import gc
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal

from budgetlint import coverage
from budgetlint.coverage import Coverage
from budgetlint.findings import Finding, Location, Severity
from budgetlint.ingest import IngestError, load
from budgetlint.model import DocKind, Document, Unit
from budgetlint.recognise import recognise
from budgetlint.rules.registry import REGISTRY, Rule, all_rules

# A file too large or too deeply built for the memory there is (under ulimit, or a bomb no limit
# caught): the user's problem to know about, not a bug to report.
MEMORY_MESSAGE = "内存不足，无法读取该文件（文件过大或结构异常；可在配置文件 [limits] 中调低上限，或换一台内存更大的机器）"


class NotADisclosure(IngestError):
    """The file was read but holds nothing recognisable as a budget disclosure."""


@dataclass(slots=True)
class Result:
    path: str
    document: Document | None = None
    findings: list[Finding] = field(default_factory=list)
    error: str | None = None
    seconds: float = 0.0
    coverage: Coverage | None = None  # what was read and checked (never silence for "nothing checked")

    @property
    def worst(self) -> Severity | None:
        return max((f.severity for f in self.findings), key=lambda s: s.rank, default=None)


def read_document(path: str) -> Document:
    source = load(path)
    doc = recognise(source)
    doc.notes.extend(source.notes)
    if not doc.tables and not doc.forms:
        # A narrative published on its own is still a disclosure; plain prose about nothing is not,
        # nor a notice or a policy that mentions a budget in passing: a disclosure names its kind
        # (部门预算, 单位决算 …) in its title or early text.
        words = "".join(p.text for s in doc.sections for p in s.paragraphs) + doc.meta.title
        if doc.meta.kind is DocKind.UNKNOWN or not any(w in words for w in ("预算", "决算", "绩效目标")):
            unread = [n for n in doc.notes if "本页未读取" in n]
            if unread:
                # pages that could not be read say why nothing was found; the file may well be one
                raise IngestError(f"{len(unread)} 页的文字无法读取，未能识别出预决算内容：{unread[0]}"
                                  + ("等" if len(unread) > 1 else ""))
            raise NotADisclosure("没有识别出任何预决算表格、绩效目标表或预决算说明，不像是预决算公开文档")
    return doc


def run_rules(doc: Document, rules: list[Rule], severity_overrides: dict[str, str] | None = None) -> list[Finding]:
    findings: list[Finding] = []
    for r in rules:
        try:
            produced = list(r.run(doc))
        except Exception as e:  # a bug in one rule must not cost the other rules' results
            produced = [REGISTRY["BL999"].finding(f"规则 {r.id} 运行出错（{type(e).__name__}），其结果缺失")]
        for f in produced:
            if severity_overrides and f.rule in severity_overrides:
                f.severity = Severity(severity_overrides[f.rule])
            findings.append(f)
    findings = doubt_systematic(doc, findings)
    findings = fold_consequences(findings)
    findings.sort(key=lambda f: (f.location.table or 0, f.location.line or 0, f.rule))
    return findings


def _yuan(x: Decimal | str | None, unit: str | None) -> Decimal | None:
    """A finding's figure in 元 (its unit is the Unit's printed value), or None."""
    if not isinstance(x, Decimal) or unit not in {u.value for u in Unit}:
        return None
    return x * Unit(unit).in_yuan


def _cell(loc: Location) -> tuple | None:
    return (loc.table, loc.row, loc.column) if loc.table is not None and loc.row is not None else None


def fold_consequences(findings: list[Finding]) -> list[Finding]:
    """One problem, one finding. Two tables that disagree (a cross-table error) make the prose
    disagree with whichever of them it was not written from: a narrative finding that cites one
    side of a cross-table error, and whose stated figure is the other side's, adds nothing — it is
    folded into the cross-table finding as evidence (the prose agrees with the other table)."""
    cross = [f for f in findings if f.family == "cross_table" and f.severity is Severity.ERROR]
    if not cross:
        return findings
    folded: set[int] = set()
    for f in findings:
        if f.family != "narrative" or f.severity is not Severity.ERROR or not f.related:
            continue
        stated = _yuan(f.found, f.unit)
        slack = _yuan(f.tolerance, f.unit) or Decimal(0)
        cited = {_cell(r) for r in f.related} - {None}
        for c in cross:
            sides = [(_cell(c.location), _yuan(c.expected, c.unit))]
            sides += [(_cell(r), _yuan(c.found, c.unit)) for r in c.related]
            # the prose cites one side; its figure is the value of the other side
            if stated is not None and any(cell in cited and other is not None and abs(other - stated) <= slack
                                          for cell, other in sides):
                c.evidence = "；".join(x for x in (c.evidence, f"情况说明与另一张表一致：{f.message}") if x)
                folded.add(id(f))
                break
    return [f for f in findings if id(f) not in folded]


# Arithmetic errors in one table by this many distinct amounts: doubt the reading. Errors by the
# same amount are one wrong figure repeated up the hierarchy, and count once.
SYSTEMATIC_ROWS = 3


def doubt_systematic(doc: Document, findings: list[Finding]) -> list[Finding]:
    """A document error is sparse and local; a reading error is systematic. When the arithmetic
    of one table fails on several distinct rows, the table was most likely misread (a header or
    page break read the wrong way): its arithmetic errors become one BL907 warning saying the
    table's arithmetic was not confirmed, with the failures as evidence."""
    by_table: dict[int, list[Finding]] = {}
    for f in findings:
        if f.family == "arithmetic" and f.severity is Severity.ERROR and f.location.table is not None:
            by_table.setdefault(f.location.table, []).append(f)
    drop: set[int] = set()
    notices: list[Finding] = []
    meta = REGISTRY.get("BL907")
    for index, group in by_table.items():
        rows = {(f.location.row, f.location.row_label) for f in group}
        amounts = {abs(f.difference) if f.difference is not None else f.message for f in group}
        if len(rows) < SYSTEMATIC_ROWS or len(amounts) < SYSTEMATIC_ROWS or meta is None:
            continue
        drop.update(id(f) for f in group)
        first = group[0]
        title = first.location.table_title or next((t.title for t in doc.tables if t.index == index), "")
        notices.append(meta.finding(
            f"「{title}」有 {len(rows)} 行算术关系不成立；多行同时不平更可能是表格没有读对，"
            f"未作为错误报告，请对照原文核对",
            Location(page=first.location.page, table=index, table_title=title),
            evidence="；".join(f.message for f in group[:5]) + ("……" if len(group) > 5 else ""),
        ))
    if not drop:
        return findings
    return [f for f in findings if id(f) not in drop] + notices


# A check allocates millions of small objects (characters, lines, values) that nearly all die by
# reference counting; Python's default first-generation threshold (700) runs the cyclic collector
# some 300 times over 18 documents, ~5 % of the check. 20,000 cuts that to a dozen runs.
_YOUNG_THRESHOLD = 20_000


@contextmanager
def _fewer_collections():
    """Run the young generation's cyclic collection less often while a document is checked; the
    caller's thresholds are restored after (only ever raised, never lowered)."""
    young, *older = gc.get_threshold()
    if young and young < _YOUNG_THRESHOLD:
        gc.set_threshold(_YOUNG_THRESHOLD, *older)
    try:
        yield
    finally:
        gc.set_threshold(young, *older)


def check_file(path: str, rules: list[Rule] | None = None,
               severity_overrides: dict[str, str] | None = None, template: str | None = None) -> Result:
    with _fewer_collections():
        return _check_file(path, rules, severity_overrides, template)


def _check_file(path: str, rules: list[Rule] | None, severity_overrides: dict[str, str] | None,
                template: str | None) -> Result:
    start = time.perf_counter()
    result = Result(path=path)
    try:
        result.document = read_document(path)
    except IngestError as e:
        result.error = str(e)
        result.coverage = coverage.failed(isinstance(e, NotADisclosure))
    except MemoryError:
        result.error = MEMORY_MESSAGE
        result.coverage = coverage.failed(False)
    except Exception as e:  # never a traceback, never lose the rest of the batch
        result.error = f"读取时发生内部错误（{type(e).__name__}: {e}），请将此文件报告给开发者"
        result.coverage = coverage.failed(False)
    else:
        if template:
            # the reviewer knows the template better than the table titles shared by many do
            result.document.meta.template, result.document.meta.template_source = template, "user"
        result.findings = run_rules(result.document, rules if rules is not None else all_rules(), severity_overrides)
        result.coverage = coverage.measure(result.document, result.findings)
    result.seconds = time.perf_counter() - start
    return result
