"""The reviewer's 公开情况检查表, filled in from what budgetlint read and found.

``build(result)`` → ``Checklist``: one row per part the document must have (templates/checklist.toml,
by kind of document), each with 符合要求 是 / 否 / 需人工确认 and the problems in plain Chinese with
their pages. Computed from the Document, the findings and the coverage, like ``coverage.measure``;
the renderers (report/checklist_xlsx.py, the JSON and HTML reports) only format it.

A part is 否 when a warning or error belongs to it; 是 only when it was found and checked and
nothing belongs to it; 需人工确认 when the tool cannot judge it (及时性), could not find it, or
could not read it. Never 是 for what was not checked.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from budgetlint.findings import Finding, Severity
from budgetlint.model import Document, Table
from budgetlint.recognise.normalise import squash
from budgetlint.recognise.vocab import default_vocabulary

TEMPLATE = Path(__file__).resolve().parent / "templates" / "checklist.toml"
YES, NO, MANUAL = "是", "否", "需人工确认"
_LEADER = re.compile(r"[…．.·]{3,}|…")
_SENTENCE = re.compile(r"[，。；：,;:！？]")
_YEAR_PREFIX = re.compile(r"^\s*(?:19|20)\d{2}\s*年度?")
OTHER = "其他问题"


@lru_cache(maxsize=1)
def template() -> dict:
    return tomllib.loads(TEMPLATE.read_text("utf-8"))


@dataclass(slots=True)
class Part:
    group: str
    name: str
    verdict: str
    problems: list[str] = field(default_factory=list)
    pages: list[int] = field(default_factory=list)
    rules: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, object]:
        return {"group": self.group, "name": self.name, "verdict": self.verdict, "problems": list(self.problems),
                "pages": list(self.pages), "rules": list(self.rules)}


@dataclass(slots=True)
class Checklist:
    title: str
    organisation: str
    heading: str
    kind: str
    parts: list[Part] = field(default_factory=list)

    def to_dict(self) -> dict[str, object]:
        return {"title": self.title, "organisation": self.organisation, "heading": self.heading, "kind": self.kind,
                "parts": [p.to_dict() for p in self.parts]}


def _spec_for(kind: str) -> dict | None:
    for spec in template()["checklist"].values():
        if kind in spec["kinds"]:
            return spec
    return None


def _heading_lines(doc: Document) -> list[tuple[str, int]]:
    """Lines that can start a part: section headings and short lines without sentence
    punctuation, with their pages, in document order; contents entries (dot leaders) left out."""
    out: list[tuple[str, int]] = []
    for sec in doc.sections:
        if sec.heading and sec.provenance.page:
            out.append((squash(sec.heading), sec.provenance.page))
        for p in sec.paragraphs:
            text = squash(p.text)
            if p.cells or not p.provenance.page or len(text) > 40 or _SENTENCE.search(text) or _LEADER.search(p.text):
                continue
            out.append((text, p.provenance.page))
    return out


def _locate(words: list[str], lines: list[tuple[str, int]], toc_page: int | None, is_toc: bool) -> int | None:
    for text, page in lines:
        if not is_toc and page == toc_page:
            continue  # the contents list names every part
        if is_toc and text.replace(" ", "") != "目录":
            continue
        if any(squash(w) in text for w in words):
            return page
    return None


def _toc_page(doc: Document) -> int | None:
    """The page of the contents list: its first entry printed with a dot leader."""
    for sec in doc.sections:
        for p in sec.paragraphs:
            if p.provenance.page and _LEADER.search(p.text):
                return p.provenance.page
    return None


def _table_label(t: Table | None, kind_name: str) -> str:
    if t is None or not t.title:
        return f"《{kind_name}》"
    return f"《{_YEAR_PREFIX.sub('', squash(t.title))}》"


def _problem(f: Finding) -> str:
    page = f.location.page
    return f"第{page}页：{f.message}" if page else f.message


def _required_kinds(doc: Document) -> list[str]:
    from budgetlint.rules.completeness import vocab as completeness_vocab

    return list(completeness_vocab()["required"].get(doc.meta.kind.value, []))


def build(doc: Document | None, findings: list[Finding]) -> Checklist | None:
    """The checklist of one document, or None when the document is not a department (unit)
    budget or final account (no checklist applies) or could not be read."""
    if doc is None:
        return None
    kind = doc.meta.kind.value
    spec = _spec_for(kind)
    if spec is None:
        return None
    year = doc.meta.year or ""
    fill = {"year": year, "kind": kind}
    checklist = Checklist(title=spec["title"].format(**fill), organisation=doc.meta.organisation,
                          heading=spec["heading"].format(**fill), kind=kind)
    lines = _heading_lines(doc)
    toc_page = _toc_page(doc) or _locate(["目录"], lines, None, True)
    names = default_vocabulary().kinds

    # Where each part starts, and each table's row.
    starts: list[tuple[int, int]] = []  # (page, part index)
    table_row: dict[int, int] = {}  # table index → part index
    kind_row: dict[str, int] = {}  # table kind label → part index
    parts: list[Part] = []
    found: dict[int, bool] = {}
    rule_home: dict[str, str] = {}  # rule → the part its page-less findings belong to
    for item in spec["part"]:
        judge = item.get("judge", "words")
        name = item["name"].format(**fill)
        if judge == "manual":
            parts.append(Part(item["group"], name, MANUAL, [item.get("note", "工具无法判断，请人工核对")]))
            continue
        if judge == "tables":
            seen_kinds: set[str] = set()
            present = sorted((t for t in doc.tables if t.kind != "unknown"), key=lambda t: t.provenance.page or 0)
            order = [t.kind for t in present] + _required_kinds(doc)  # the document's order, then what is missing
            for k in order:
                if k in seen_kinds:
                    continue
                seen_kinds.add(k)
                tables = [t for t in present if t.kind == k]
                idx = len(parts)
                label = _table_label(tables[0] if tables else None, names.get(k, k))
                parts.append(Part(item["group"], label, YES))
                kind_row[names.get(k, k)] = idx
                found[idx] = bool(tables)
                for t in tables:
                    table_row[t.index] = idx
                    if t.provenance.page:
                        starts.append((t.provenance.page, idx))
                    if not t.quality.readable:
                        parts[idx].verdict = MANUAL
                        parts[idx].problems.append(f"第{t.provenance.page}页：表格未能可靠读取，请人工核对")
            continue
        idx = len(parts)
        parts.append(Part(item["group"], name, YES))
        if judge == "cover":
            found[idx] = bool(doc.meta.title)
            starts.append((1, idx))
            continue
        is_toc = name == "目录"
        page = toc_page if is_toc else _locate(item.get("words", []), lines, toc_page, False)
        found[idx] = page is not None
        if page is not None:
            starts.append((page, idx))
        elif item.get("optional"):
            parts.pop()
            continue
        for rule_id in item.get("rules", []):
            rule_home[rule_id] = name
    by_name = {p.name: i for i, p in enumerate(parts)}
    starts.sort()

    def part_of_page(page: int) -> int | None:
        home = None
        for start, idx in starts:
            if start <= page:
                home = idx
        return home

    other: Part | None = None
    for f in findings:
        if f.severity not in (Severity.ERROR, Severity.WARNING):
            continue
        idx = None
        loc = f.location
        if loc.table is not None and loc.table in table_row:
            idx = table_row[loc.table]
        elif f.rule == "BL602" and f.expected in kind_row:
            idx = kind_row[str(f.expected)]
        elif loc.page is not None:
            idx = part_of_page(loc.page)
        elif rule_home.get(f.rule) in by_name:
            idx = by_name[rule_home[f.rule]]
        if idx is None:
            if other is None:
                other = Part("内容规范性", OTHER, NO)
            other.problems.append(_problem(f))
            other.rules.append(f.rule)
            continue
        part = parts[idx]
        part.verdict = NO
        text = _problem(f)
        if text not in part.problems:
            part.problems.append(text)
        if f.rule not in part.rules:
            part.rules.append(f.rule)
        if loc.page and loc.page not in part.pages:
            part.pages.append(loc.page)
    for idx, part in enumerate(parts):
        if part.verdict == YES and not found.get(idx, True):
            part.verdict = MANUAL
            part.problems.append("未在文档中找到这一部分（或未能识别其标题），请人工核对")
    if other is not None:
        parts.append(other)
    checklist.parts = parts
    return checklist
