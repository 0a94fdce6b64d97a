"""Narrative claims: the amounts, changes and percentages the 情况说明 states, bound to the model.

A *claim* is one figure the prose states about one subject: "2024 年收入预算 14904.71 万元，较上年
减少 358.06 万元，下降 2.3%" is one claim (subject 收入预算, amount, signed change, signed %).
"其中 / 包括 / 主要是" introduce *parts* of the claim before them; "；" closes a nested list.

Subjects come from the vocabulary ``rules/vocab/narrative.toml`` (words → sources in the model).
A claim is *bound* when its subject has a source that this document holds; the rules compare bound
claims with the tables and check every claim internally. Nothing is guessed: a figure whose
subject is unknown, or whose source the document lacks, stays unbound and is only counted
(``binding_stats``).

Text is matched on ``squash()``ed paragraphs (no spaces, "，" → ",", "；" → ";", brackets folded).
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from budgetlint.model import Document, Provenance, Row, Section, Table, Unit, Value
from budgetlint.recognise.normalise import squash

VOCAB = Path(__file__).resolve().parents[1] / "rules" / "vocab" / "narrative.toml"

_NUM = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_UNITS = {"亿元": Unit.YI_YUAN, "万元": Unit.WAN_YUAN, "元": Unit.YUAN}


@dataclass(frozen=True, slots=True)
class Subject:
    key: str
    label: str
    words: tuple[str, ...]
    sources: tuple[str, ...] = ()
    sections: tuple[str, ...] = ()
    prev: str | None = None
    qualifiers: tuple[str, ...] = ()  # subjects that may stand beside this one without changing it
    prefixes: tuple[str, ...] = ()  # words that may stand before it in its clause (…安排的“三公”经费)
    generic: bool = False  # a general word ("支出预算") that adds nothing after a specific subject


@dataclass(frozen=True, slots=True)
class Vocab:
    subjects: dict[str, Subject]
    by_word: dict[str, str]
    excluded: tuple[str, ...]
    exhaustive: tuple[str, ...]
    partial: tuple[str, ...]
    up: tuple[str, ...]
    down: tuple[str, ...]
    flat: tuple[str, ...]
    followers: dict[str, str]
    neutral: re.Pattern[str]
    pattern: re.Pattern[str]


@lru_cache(maxsize=1)
def vocab() -> Vocab:
    data = tomllib.loads(VOCAB.read_text("utf-8"))
    subjects: dict[str, Subject] = {}
    by_word: dict[str, str] = {}
    for s in data["subject"]:
        words = tuple(squash(w) for w in s["words"])
        subj = Subject(s["key"], s["label"], words, tuple(s.get("sources", ())), tuple(s.get("sections", ())),
                       s.get("prev"), qualifiers=tuple(s.get("qualifiers", ())), generic=bool(s.get("generic", False)),
                       prefixes=tuple(squash(w) for w in s.get("prefixes", ())))
        subjects[subj.key] = subj
        for w in words:
            by_word.setdefault(w, subj.key)
    parts = data["parts"]
    direction = data["direction"]
    exhaustive = tuple(parts["exhaustive"])
    partial = tuple(parts["partial"])
    up, down, flat = tuple(direction["up"]), tuple(direction["down"]), tuple(direction["flat"])

    def alt(words) -> str:
        return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))

    pattern = re.compile(
        rf"(?P<amount>(?<![\d.])(?:{_NUM})(?:亿元|万元|元))(?!以上|以下|以内|/|每)"
        rf"|(?P<pct>(?<![\d.])-?(?:{_NUM})%)"
        rf"|(?P<count>(?<![\d.])\d+个)"
        rf"|(?P<flat>(?:基本)?(?:{alt(flat)}))"
        rf"|(?P<dir>{alt(up + down)})"
        rf"|(?P<parts>(?:{alt(exhaustive + partial)})(?!{alt(data['parts']['not_before'])}))"
        rf"|(?P<compare>(?:{alt(data['compare']['words'])})(?!例|重|率|较))"
        rf"|(?P<subject>{alt(by_word)})"
        rf"|(?P<semi>;)|(?P<stop>。)"
    )
    followers = {s["key"]: s["after_count"] for s in data["subject"] if "after_count" in s}
    neutral = re.compile(data["clause_start"]["pattern"])
    return Vocab(subjects, by_word, tuple(data["excluded_sections"]["words"]), exhaustive, partial,
                 up, down, flat, followers, neutral, pattern)


@dataclass(frozen=True, slots=True)
class Figure:
    """A number as printed in the prose, with the unit of its own sentence."""

    value: Decimal
    decimals: int
    unit: Unit | None  # None for percentages and counts
    raw: str

    @property
    def half_ulp(self) -> Decimal:
        return Decimal(5).scaleb(-(self.decimals + 1))

    def in_yuan(self) -> Decimal:
        return self.value * (self.unit.in_yuan if self.unit else 1)

    def half_ulp_yuan(self) -> Decimal:
        return self.half_ulp * (self.unit.in_yuan if self.unit else 1)


@dataclass(slots=True)
class Claim:
    subject: str | None  # vocabulary key; None when no subject was recognised
    label: str
    text: str  # the sentence it stands in (as squashed)
    provenance: Provenance
    heading: str  # heading path joined with " / "
    amount: Figure | None = None
    base: Figure | None = None  # last year's figure when the sentence states it ("比上年 X 万元增加")
    change: Figure | None = None  # signed
    change_word: str | None = None
    percent: Figure | None = None  # signed
    percent_word: str | None = None
    flat: str | None = None  # "持平" / "基本持平"
    count: int | None = None
    parts: list[Claim] = field(default_factory=list)
    parts_word: str | None = None
    parent: Claim | None = None

    @property
    def has_figure(self) -> bool:
        return any(x is not None for x in (self.amount, self.change, self.percent, self.count))


@dataclass(frozen=True, slots=True)
class Bound:
    """Where a bound claim's figure lives in the model."""

    table: Table
    row: Row
    column: str
    value: Value

    @property
    def unit(self) -> Unit | None:
        return self.table.unit


def _figure(text: str, unit: Unit | None) -> Figure:
    digits = text.replace(",", "")
    decimals = len(digits.split(".")[1]) if "." in digits else 0
    return Figure(Decimal(digits), decimals, unit, text)


def _signed(fig: Figure, word: str, v: Vocab) -> Figure:
    if any(word == w for w in v.down) and fig.value > 0:
        return Figure(-fig.value, fig.decimals, fig.unit, fig.raw)
    return fig


def _in_explanation(heading_path: tuple[str, ...], v: Vocab) -> bool:
    return not any(w in squash(h) for h in heading_path for w in v.excluded)


_CACHE: dict[int, tuple[Document, list[Claim]]] = {}


def extract_claims(doc: Document) -> list[Claim]:
    """Every claim with a figure in the explanation part of ``doc.sections``, in reading order.
    Several rules read the same claims: the last few documents' claims are kept."""
    hit = _CACHE.get(id(doc))
    if hit is not None and hit[0] is doc:
        return hit[1]
    claims = _extract(doc)
    if len(_CACHE) > 8:
        _CACHE.clear()
    _CACHE[id(doc)] = (doc, claims)
    return claims


def _extract(doc: Document) -> list[Claim]:
    v = vocab()
    out: list[Claim] = []
    for sec in doc.sections:
        path = (sec.heading,) if sec.heading else ()
        for hp, pieces in _joined(sec, path):
            if _in_explanation(hp, v):
                out.extend(_paragraph_claims(pieces, " / ".join(hp), v))
    return out


_WRAPPED_MIN = 18  # shortest line taken as part of a sentence wrapped over lines
_CLAUSE_BREAKS = ("。", ",", ";", ":", "(", ")")
_ENDS_SENTENCE = ("。", "!", "?", "！", "？")


def _joined(sec: Section, path: tuple[str, ...]) -> Iterator[tuple[tuple[str, ...], list[tuple[str, Provenance]]]]:
    """Paragraphs re-joined where a line break cut a sentence (PDF lines, "…机构改 / 革后…"): a
    paragraph that does not end a sentence runs on into the next one of the same section."""
    pieces: list[tuple[str, Provenance]] = []
    hp: tuple[str, ...] = path
    for para in sec.paragraphs:
        text = squash(para.text)
        if pieces and (para.heading_path or path) != hp:
            yield hp, pieces
            pieces = []
        hp = para.heading_path or path
        pieces.append((text, para.provenance))
        # a short line without a full stop is a title ("3、比上年增减情况"), not a wrapped sentence
        if text.endswith(_ENDS_SENTENCE) or len(text) < _WRAPPED_MIN:
            yield hp, pieces
            pieces = []
    if pieces:
        yield hp, pieces


def _sentence_of(text: str, pos: int) -> str:
    start = text.rfind("。", 0, pos) + 1
    end = text.find("。", pos)
    return text[start: end + 1 if end >= 0 else len(text)]


def _merge_subjects(v: Vocab, first: str, second: str) -> str | None:
    """The subject of two subject words printed side by side, or None when together they name
    something the vocabulary does not know ("财政拨款" + "支出预算" is not 支出预算)."""
    a, b = v.subjects[first], v.subjects[second]
    if first in b.qualifiers:  # "财政拨款“三公”经费" is the 三公 of the 三公 table
        return second
    if second in a.qualifiers or b.generic:  # "事业运行经费财政拨款预算", "因公出国（境）费预算支出"
        return first
    return None


def _paragraph_claims(pieces: list[tuple[str, Provenance]], heading: str, v: Vocab) -> list[Claim]:
    text = "".join(t for t, _ in pieces)
    starts: list[tuple[int, Provenance]] = []
    at = 0
    for t, prov in pieces:
        starts.append((at, prov))
        at += len(t)

    def where(pos: int) -> Provenance:
        return next(prov for begin, prov in reversed(starts) if begin <= pos)

    claims: list[Claim] = []
    current: Claim | None = None
    last_subject_end = -10
    direction: str | None = None
    comparing = False  # after 比/较: the next amount is last year's, not this year's
    stack: list[Claim | None] = []

    def new(subject: str | None, pos: int) -> Claim:
        label = v.subjects[subject].label if subject else ""
        c = Claim(subject, label, _sentence_of(text, pos), where(pos), heading)
        if stack and stack[-1] is not None:
            c.parent = stack[-1]
            stack[-1].parts.append(c)
        claims.append(c)
        return c

    last_token_end = 0
    previous_end = 0
    for m in v.pattern.finditer(text):
        last_token_end, previous_end = previous_end, m.end()
        kind = m.lastgroup
        tok = m.group(kind)
        if kind == "subject":
            key = v.by_word[tok]
            if current is not None and not current.has_figure and m.start() - last_subject_end <= 1:
                if current.subject is not None:
                    merged = _merge_subjects(v, current.subject, key)
                    if merged is None:
                        current.label += v.subjects[key].label
                    elif merged != current.subject:
                        current.label = v.subjects[merged].label
                    current.subject = merged
                last_subject_end = m.end()
                continue
            clause = text[max([text.rfind(b, 0, m.start()) + 1 for b in _CLAUSE_BREAKS] + [last_token_end]): m.start()]
            if not v.neutral.fullmatch(clause) and not any(clause.endswith(w) for w in v.subjects[key].prefixes):
                # "一般公共预算基本支出", "该项目……（含上年结转": the words before narrow the subject
                current = new(None, m.start())
                current.label = clause[-8:] + v.subjects[key].label
            else:
                current = new(key, m.start())
            last_subject_end = m.end()
            direction = None
            comparing = False
        elif kind == "compare":
            comparing = True
        elif kind == "amount":
            unit = next(u for w, u in _UNITS.items() if tok.endswith(w))
            fig = _figure(tok[: -len(next(w for w in _UNITS if tok.endswith(w)))], unit)
            if direction is not None:
                if current is None or current.change is not None:
                    current = new(None, m.start())
                current.change = _signed(fig, direction, v)
                current.change_word = direction
                direction = None
            elif comparing:
                if current is not None and current.base is None and current.change is None:
                    current.base = fig
            else:
                if current is None or current.amount is not None or current.change is not None:
                    current = new(None, m.start())
                current.amount = fig
            comparing = False
        elif kind == "pct":
            if direction is not None and current is not None and current.percent is None:
                current.percent = _signed(_figure(tok[:-1].lstrip("-"), None), direction, v)
                current.percent_word = direction
                direction = None
        elif kind == "count":
            # "项目支出 19 个": a count only right after its subject
            if current is not None and current.count is None and current.amount is None \
                    and m.start() == last_subject_end:
                current.count = int(tok[:-1])
        elif kind == "flat":
            if current is not None and current.flat is None:
                current.flat = tok
            direction = None
        elif kind == "dir":
            direction = tok
        elif kind == "parts":
            parent = current if current is not None and current.has_figure else None
            stack.append(parent)
            if parent is not None and parent.parts_word is None:
                parent.parts_word = tok
            current = None
            direction = None
        elif kind == "semi":
            if len(stack) > 1:
                stack.pop()
            direction = None
        elif kind == "stop":
            stack.clear()
            direction = None
            comparing = False
            if current is not None and not current.has_figure:
                current = None  # a subject left without a figure does not reach into the next sentence
    kept = [c for c in claims if c.has_figure]
    for prev, c in zip(kept, kept[1:], strict=False):
        # "涉及预算项目支出 19 个，预算资金 11262.37 万元": the money of the projects just counted.
        if c.subject in v.followers and prev.subject == "project" and prev.count is not None \
                and prev.text == c.text and c.amount is not None:
            c.subject = v.followers[c.subject]
            c.label = v.subjects[c.subject].label
    return kept


# --- binding ---------------------------------------------------------------------------------


def _balance(doc: Document, side: str, key: str) -> Bound | None:
    t = doc.table("income_expenditure_summary")
    if t is None or not t.quality.readable:
        return None
    row = next((r for r in t.rows if r.side == side and r.key == key), None)
    if row is None or row.ambiguous:
        return None
    v = row.values.get("amount")
    return Bound(t, row, "amount", v) if v is not None and v.amount is not None else None


def _grid(doc: Document, kind: str, column: str) -> Bound | None:
    t = doc.table(kind)
    if t is None or not t.quality.readable:
        return None
    row = t.total_row()
    if row is None or row.ambiguous:
        return None
    v = row.values.get(column)
    return Bound(t, row, column, v) if v is not None and v.amount is not None else None


def three_public_value(doc: Document, key: str, year: int | None) -> Bound | None:
    """The 三公 table's figure for ``key`` (total, abroad, vehicle …) in ``year``: a year column
    (y2024.abroad) where the table has year groups, else the row of that key (column total) for
    the budget year only."""
    t = doc.table("three_public")
    if t is None or not t.quality.readable or not t.rows or year is None:
        return None
    col = f"y{year}.{key}"
    if t.column(col) is not None:
        row = t.rows[0]
        v = row.values.get(col)
        return Bound(t, row, col, v) if v is not None and v.amount is not None else None
    if any(c.key.startswith("y") and "." in c.key for c in t.columns) or year != doc.meta.year:
        return None
    if key == "total":
        row = t.row_by_key("three_subtotal") or t.total_row()
    else:
        row = t.row_by_key(key)
    if row is None or row.ambiguous:
        return None
    v = row.values.get("total")
    return Bound(t, row, "total", v) if v is not None and v.amount is not None else None


def _source(doc: Document, spec: str) -> Bound | None:
    kind, _, rest = spec.partition(":")
    if kind == "balance":
        side, key = rest.split(":")
        return _balance(doc, side, key)
    if kind == "grid":
        table, column = rest.split(":")
        return _grid(doc, table, column)
    if kind == "three_public":
        return three_public_value(doc, rest, doc.meta.year)
    if kind == "public_if":
        if doc.meta.unit_type not in rest.split(","):
            return None
        return _grid(doc, "general_basic_expenditure", "public") or _grid(doc, "basic_expenditure", "public")
    raise ValueError(f"unknown claim source {spec!r}")


def bind(doc: Document, claim: Claim) -> list[Bound]:
    """The model figures a claim speaks of (any of them may agree), or [] when unbound."""
    if claim.subject is None:
        return []
    subj = vocab().subjects[claim.subject]
    if subj.sections and not any(w in claim.heading for w in subj.sections):
        return []
    return [b for b in (_source(doc, s) for s in subj.sources) if b is not None]


def project_count_bound(doc: Document) -> int | None:
    """Number of projects in the project table, or None when the document has none."""
    if not doc.tables_of("project_expenditure"):
        return None
    return len(doc.projects)


def is_bound(doc: Document, claim: Claim) -> bool:
    if claim.count is not None and claim.subject == "project":
        return project_count_bound(doc) is not None
    return bool(bind(doc, claim)) and (claim.amount is not None or claim.change is not None
                                       or claim.flat is not None)


def binding_stats(doc: Document) -> tuple[int, int]:
    """(claims bound to a model quantity, claims extracted) for the check JSON stats."""
    claims = extract_claims(doc)
    return sum(1 for c in claims if is_bound(doc, c)), len(claims)

