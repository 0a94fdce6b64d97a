"""What a check covered: per document, what was read and checked and what was not.

A reviewer must never read silence as "no problems" when nothing was checked. Every report format
shows this record beside the findings; it is computed once here, from the model and the findings,
so that renderers only format it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from budgetlint.findings import Finding
from budgetlint.model import Document
from budgetlint.recognise.vocab import default_vocabulary


class Status(StrEnum):
    CHECKED = "checked"  # tables (or performance forms) read and checked
    PARTIAL = "partial"  # some listed or found tables were not checked
    NARRATIVE_ONLY = "narrative_only"  # prose without its tables: only the prose was checked
    NOTHING_CHECKED = "nothing_checked"  # read, but nothing that a rule could check
    NOT_DISCLOSURE = "not_disclosure"  # does not look like a budget disclosure
    UNREADABLE = "unreadable"

    @property
    def label(self) -> str:
        return _LABELS[self]

    @property
    def complete(self) -> bool:
        """Silence means "no problems found" only for a document checked in full."""
        return self is Status.CHECKED


_LABELS = {
    Status.CHECKED: "已检查",
    Status.PARTIAL: "部分检查",
    Status.NARRATIVE_ONLY: "仅文字说明（未见表格）",
    Status.NOTHING_CHECKED: "未检查",
    Status.NOT_DISCLOSURE: "非预决算公开文档",
    Status.UNREADABLE: "无法读取",
}

# Findings that say a table's arithmetic was not checked (the table could not be read reliably,
# its columns' meaning was not confirmed, or many rows failed at once and the reading is doubted).
_NOT_CHECKED_RULES = {"BL903", "BL907"}
# How ingest notes a file it recognises as something other than a disclosure (ingest/workbook.py).
NOT_A_DISCLOSURE = "不是预决算公开文档"


@dataclass(slots=True)
class Coverage:
    status: Status
    tables: int = 0
    tables_checked: int = 0
    forms: int = 0
    claims_bound: int = 0
    claims_total: int = 0
    tables_by_kind: dict[str, int] = field(default_factory=dict)
    # kinds (Chinese names) the document's table of contents lists and that were not found
    listed_not_found: list[str] = field(default_factory=list)
    # one sentence per thing not checked, in the reviewer's words
    not_checked: list[str] = field(default_factory=list)

    @property
    def summary(self) -> str:
        """One line: what was checked."""
        if self.status in (Status.UNREADABLE, Status.NOT_DISCLOSURE):
            return self.status.label
        if not self.tables and not self.forms:
            numbers = f"（说明中的 {self.claims_total} 个数字无表格可核对）" if self.claims_total else ""
            return f"{self.status.label}：只检查了文字说明{numbers}"
        bits = [f"表格 {self.tables_checked}/{self.tables} 张已核对"]
        if self.forms:
            bits.append(f"绩效目标表 {self.forms} 张")
        if self.claims_total:
            bits.append(f"说明中的数字 {self.claims_bound}/{self.claims_total} 个已与表格核对")
        return f"{self.status.label}：" + "，".join(bits)

    def to_dict(self) -> dict[str, object]:
        return {
            "status": self.status.value,
            "label": self.status.label,
            "tables": self.tables,
            "tables_checked": self.tables_checked,
            "tables_by_kind": self.tables_by_kind,
            "forms": self.forms,
            "claims": {"bound": self.claims_bound, "total": self.claims_total},
            "listed_not_found": self.listed_not_found,
            "not_checked": self.not_checked,
        }


def failed(not_disclosure: bool) -> Coverage:
    """The coverage of a file that could not be read (or is not a disclosure)."""
    status = Status.NOT_DISCLOSURE if not_disclosure else Status.UNREADABLE
    return Coverage(status=status, not_checked=["文件未检查"])


def measure(doc: Document, findings: list[Finding]) -> Coverage:
    vocab = default_vocabulary()
    bound, total = sum(1 for c in doc.claims if c.bound), len(doc.claims)
    doubted = {f.location.table for f in findings if f.rule in _NOT_CHECKED_RULES}
    by_kind: dict[str, int] = {}
    notes: list[str] = []
    checked = 0
    for t in doc.tables:
        by_kind[t.kind] = by_kind.get(t.kind, 0) + 1
        if t.kind == "unknown":
            notes.append(f"表{t.index}「{t.title}」未能识别表格种类，未检查")
        elif not t.quality.readable or t.index in doubted:
            notes.append(f"表{t.index}「{t.title}」未能可靠读取，未做算术检查")
        else:
            checked += 1
    present = set(by_kind)
    listed = vocab.listed_kinds(doc.toc)
    missing = [vocab.kinds.get(k, k) for k in listed if k not in present]
    if doc.tables and missing:
        notes.append("目录列出但未找到的表格：" + "、".join(missing))
    if total > bound and (doc.tables or doc.forms):
        notes.append(f"情况说明中有 {total - bound} 个数字未能对应到表格，未核对")

    if not doc.tables and not doc.forms:
        has_prose = any(p.text.strip() for s in doc.sections for p in s.paragraphs)
        status = Status.NARRATIVE_ONLY if has_prose else Status.NOTHING_CHECKED
        if any(NOT_A_DISCLOSURE in n for n in doc.notes):
            status = Status.NOT_DISCLOSURE  # ingest recognised the file as something else (a checklist)
        expected = [vocab.kinds.get(k, k) for k in listed]
        if status is Status.NARRATIVE_ONLY:
            where = ("说明所列表格（" + "、".join(expected) + "）" if expected else "说明对应的预决算表格")
            notes.insert(0, f"本文件未见表格，只检查了文字说明自身的一致性；{where}未在本文件中，"
                            "如另行公开请一并检查")
        elif status is Status.NOT_DISCLOSURE:
            notes.insert(0, "本文件不是预决算公开文档本身，未做检查")
        else:
            notes.insert(0, "本文件中没有识别出表格、绩效目标表或可核对的数字，未做任何检查")
    elif checked < len(doc.tables) or missing:
        status = Status.PARTIAL
    else:
        status = Status.CHECKED
    return Coverage(status=status, tables=len(doc.tables), tables_checked=checked, forms=len(doc.forms),
                    claims_bound=bound, claims_total=total, tables_by_kind=by_kind,
                    listed_not_found=missing, not_checked=notes)
