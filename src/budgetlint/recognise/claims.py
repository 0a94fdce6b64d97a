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

from budgetlint.model import CodeScheme, DocKind, Document, Provenance, Row, RowKind, Section, Table, Unit, Value
from budgetlint.recognise.narrative import ENUMERATED, page_furniture
from budgetlint.recognise.normalise import squash, strip_enumeration

VOCAB = Path(__file__).resolve().parents[1] / "rules" / "vocab" / "narrative.toml"

_NUM = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
# A 功能分类 item named in prose (squashed): one to three "名称（[代码]类|款|项）" in a row, or a quoted
# name followed by 科目. Names are Chinese characters only (no punctuation), so a list is not one item.
_NAME = r'[\u4e00-\u9fff]{2,40}?(?:\((?!\d*[类款项]\))[\u4e00-\u9fff]{1,6}\)[\u4e00-\u9fff]{0,20}?)?'  # 中医(民族)医院
# Inside a "名称（项）" segment a name may hold "、" (squashed to ","): 执业资格注册、资质审查（项）.
_SEG_NAME = rf'{_NAME}(?:,[\u4e00-\u9fff]{{1,20}})*'
_SEG = rf'"?{_SEG_NAME}"?\((?:\d{{2,7}})?[类款项]\)'
_ITEM = rf'"?(?:{_SEG}){{1,3}}"?|"{_NAME}(?:-{_NAME}){{0,2}}"科目|(?<!\d)(?:\d{{3}}|\d{{5}}|\d{{7}})-{_NAME}(?=\d)'
_CODED_ITEM = re.compile(rf'(?P<code>\d+)-(?P<name>{_NAME})')  # "2080506-机关事业单位职业年金缴费支出94.36万元"
_SEG_PARTS = re.compile(rf'"?(?P<name>{_SEG_NAME})"?\((?P<code>\d{{2,7}})?(?P<level>[类款项])\)')
_QUOTED_ITEM = re.compile(rf'"(?P<path>{_NAME}(?:-{_NAME}){{0,2}})"科目')  # "类-款-项"科目
_LEVELS = {"类": 1, "款": 2, "项": 3}
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
    # A part of the whole of only some money ("财政拨款支出…其中基本支出…"): None when its parts are
    # parts of the whole budget; else the part subjects that are its own (Σ of its scope)
    narrow_parts: tuple[str, ...] | None = None
    whole: bool = False  # a figure of the whole budget: not bound under a heading naming part of it
    count_words: tuple[str, ...] = ()  # words that name it only before a count ("项目 20 个")
    funds: str | None = None  # the money it names itself ([funds] key): its parts are of that money
    readings: tuple[Reading, ...] = ()  # the same quantity under other funds (never bound)
    performance: bool = False  # the money of projects under performance targets


@dataclass(frozen=True, slots=True)
class Reading:
    """Where a subject's quantity lives under another scope of funds ("人员支出" of all funds in the
    支出总表 beside the 一般公共预算基本支出表's 人员经费)."""

    funds: str  # a [funds] key, or "all"
    source: str  # as Subject.sources
    carry: bool = False  # includes 上年结转


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
    scopes: tuple[tuple[tuple[str, ...], tuple[str, ...]], ...] = ()
    default_tables: tuple[str, ...] = ()
    item_columns: tuple[str, ...] = ()
    lead: re.Pattern[str] | None = None
    three_public_columns: dict[str, tuple[str, ...]] = field(default_factory=dict)
    narrowing_headings: tuple[str, ...] = ()
    funds: dict[str, tuple[str, ...]] = field(default_factory=dict)  # [funds] key → words
    this_year: tuple[str, ...] = ()
    performance: tuple[str, ...] = ()
    base_follows: tuple[str, ...] = ()  # compare words after which the base is named ("比2025年执行数…")
    roughly: tuple[str, ...] = ()  # "基本" in "基本持平"
    roughly_flat_max_percent: Decimal = Decimal(0)
    subject_gap: re.Pattern[str] = re.compile("")  # words allowed between a subject and its figure


@lru_cache(maxsize=1)
def vocab() -> Vocab:
    data = tomllib.loads(VOCAB.read_text("utf-8"))
    subjects: dict[str, Subject] = {}
    by_word: dict[str, str] = {}
    for s in data["subject"]:
        words = tuple(squash(w) for w in s["words"])
        subj = Subject(s["key"], s["label"], words, tuple(s.get("sources", ())), tuple(s.get("sections", ())),
                       s.get("prev"), qualifiers=tuple(s.get("qualifiers", ())), generic=bool(s.get("generic", False)),
                       prefixes=tuple(squash(w) for w in s.get("prefixes", ())),
                       narrow_parts=tuple(s["narrow_parts"]) if "narrow_parts" in s else None,
                       whole=bool(s.get("whole", False)), count_words=tuple(squash(w) for w in s.get("count_words", ())),
                       funds=s.get("funds"), performance=bool(s.get("performance", False)),
                       readings=tuple(Reading(r["funds"], r["source"], bool(r.get("carry", False)))
                                      for r in s.get("readings", ())))
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

    roughly = alt(direction["roughly"])

    phrases = data["phrases"]

    def rx(words) -> str:
        return "|".join(f"(?:{w})" for w in words)

    pattern = re.compile(
        rf"(?P<item>{_ITEM})"
        rf"|(?P<amount>(?<![\d.])(?:{_NUM})(?:亿元|万元|元))(?!以上|以下|以内|/|每|\(含\)以)"
        rf"|(?P<pct>(?<![\d.])-?(?:{_NUM})%)"
        rf"|(?P<count>(?<![\d.])\d+个)"
        # "持平", "基本持平", "基本与上年持平", "与2025年大体持平"
        rf"|(?P<flat>(?:(?:{roughly})(?:与|和|同)(?:上年度?|\d{{4}}年度?)(?:预算数?|执行数)?)?(?:{roughly})?(?:{alt(flat)}))"
        rf"|(?P<dir>{alt(up + down)})"
        rf"|(?P<parts>(?:{alt(exhaustive + partial)})(?!{alt(data['parts']['not_before'])}))"
        rf"|(?P<compare>(?:{alt(data['compare']['words'])})(?!例|重|率|较|多|少|大|小|快|慢|高|低))"
        rf"|(?P<prior>{rx(phrases['prior'])})"
        rf"|(?P<restate>{rx(phrases['restate'])})"
        rf"|(?P<budget>{rx(phrases['budget'])})"
        rf"|(?P<adjusted>{rx(phrases['adjusted'])})"
        rf"|(?P<final>{rx(phrases['final'])})"
        rf"|(?P<rate>{rx(phrases['rate'])})"
        rf"|(?P<subject>{alt(by_word)})"
        rf"|(?P<semi>;)|(?P<stop>。)|(?P<colon>:)"
    )
    followers = {s["key"]: s["after_count"] for s in data["subject"] if "after_count" in s}
    neutral = re.compile(data["clause_start"]["pattern"])
    fi = data["function_item"]
    scopes = tuple((tuple(squash(w) for w in sc["words"]), tuple(sc["tables"])) for sc in fi["scopes"])
    tp_cols = {k: tuple(squash(w) for w in ws) for k, ws in data.get("three_public_columns", {}).items()}
    funds = {k: tuple(squash(w) for w in ws) for k, ws in data["funds"].items()}
    return Vocab(subjects, by_word, tuple(data["excluded_sections"]["words"]), exhaustive, partial,
                 up, down, flat, followers, neutral, pattern, scopes, tuple(fi["default_tables"]),
                 tuple(fi["columns"]), re.compile(fi["lead"]), tp_cols,
                 tuple(squash(w) for w in data["whole"]["narrowing_headings"]), funds,
                 tuple(squash(w) for w in data["readings"]["this_year"]),
                 tuple(squash(w) for w in data["performance"]["words"]),
                 tuple(data["compare"]["base_follows"]), tuple(direction["roughly"]),
                 Decimal(str(direction["roughly_flat_max_percent"])),
                 re.compile(f"(?:{alt(data['subject_gap']['words'])})*"))


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
    budget: Figure | None = None  # final accounts: 年初预算 ("年初预算为 X，支出决算为 Y")
    adjusted: Figure | None = None  # final accounts: 全年（调整后）预算
    rate: Figure | None = None  # final accounts: 完成年初预算的 Z%
    # a 功能分类 item: (name, level 1-3 or 0 when not printed, code part or None) from 类 down
    item: tuple[tuple[str, int, str | None], ...] | None = None
    scope: tuple[str, ...] = ()  # the tables the item's figure is in (from the scope words around it)
    parts: list[Claim] = field(default_factory=list)
    parts_word: str | None = None
    parent: Claim | None = None
    word: str = ""  # a count-only subject word that followed other words ("…中心项目")

    @property
    def has_figure(self) -> bool:
        return any(x is not None for x in (self.amount, self.change, self.percent, self.count, self.budget,
                                           self.adjusted))

    def about_the_same(self, text: str, provenance: Provenance) -> Claim:
        """A new claim on the same subject (a later sentence about it), not yet with figures."""
        return Claim(self.subject, self.label, text, provenance, self.heading, item=self.item, scope=self.scope)


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
    furniture = page_furniture(doc.sections)
    for sec in doc.sections:
        path = (sec.heading,) if sec.heading else ()
        topic: Claim | None = None
        lead = ""
        last_hp: tuple[str, ...] | None = None
        for hp, pieces in _joined(sec, path, furniture):
            if hp != last_hp:
                topic, lead, last_hp = None, "", hp
            if _in_explanation(hp, v):
                ctx = _Context(" / ".join(hp), tuple(squash(h) for h in hp), lead, topic,
                               doc.meta.kind in (DocKind.DEPARTMENT_FINAL, DocKind.UNIT_FINAL))
                out.extend(_paragraph_claims(pieces, ctx, v))
                topic = ctx.topic
            text = "".join(t for t, _ in pieces)
            if v.lead is not None and v.lead.search(text):
                lead = text
    return out


@dataclass(slots=True)
class _Context:
    """What a paragraph's claims may lean on: the heading path, the paragraph that introduced the
    list it stands in ("财政拨款支出主要内容如下："), and the subject the paragraph before it ended on."""

    heading: str
    headings: tuple[str, ...]
    lead: str
    topic: Claim | None
    final: bool = False  # a final account: "X预算A万元，支出决算B万元" states the budget first


_WRAPPED_MIN = 18  # shortest line taken as part of a sentence wrapped over lines
# ")" ends no clause: "（一）收入预算" is numbering, "…业务经费（非政府采购部分）项目" names a project.
_CLAUSE_BREAKS = ("。", ",", ";", ":", "(")
_NUMBERING = re.compile(r'[(]?[一二三四五六七八九十\d]{0,3}[).、．,]?')  # "1.", "(三)", "" before a title
_OPENING = re.compile(r'[(]?[一二三四五六七八九十\d]{0,3}[).、．,]?(?:与|和|同)?(?:上年度?|\d{4}年度?)?(?:预算数?)?')
_COUNT_GAP = ("", "共", "共计", "合计", "数", "数为", "为")  # "项目共 12 个"
_ENDS_SENTENCE = ("。", "!", "?", "！", "？")
_CJK_RUN = re.compile(r"[\u4e00-\u9fff]+")
_BASE_ENDS = ("。", ",", ";", ":")  # the base named after "比" ends at the clause


def _joined(sec: Section, path: tuple[str, ...],
            furniture: set[int] = frozenset()) -> Iterator[tuple[tuple[str, ...], list[tuple[str, Provenance]]]]:
    """Paragraphs re-joined where a line break cut a sentence (PDF lines, "…机构改 / 革后…"): a
    paragraph that does not end a sentence runs on into the next one of the same section, over
    the page furniture (``furniture``: running headers, page numbers) between them. A line that
    starts with numbering still opens a clause of its own (``_paragraph_claims``)."""
    pieces: list[tuple[str, Provenance]] = []
    hp: tuple[str, ...] = path
    for para in sec.paragraphs:
        if id(para) in furniture:
            continue
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


# Between a subject word and a figure, a classification code in brackets ("行政运行（2013201）") or a
# list marker before words ("：①行政运行") names another thing the figure belongs to.
_ANOTHER_ITEM = re.compile(r"[（(]\d{3,7}[）)]|(?:[①-⑳]|[（(]\d{1,2}[）)])[\u4e00-\u9fff]")


def _longer_name(gap: str, v: Vocab) -> bool:
    """Whether the words between a subject word and its figure make the word the start of a
    longer name ("项目" + "管理业务" 924.27万元) rather than stand beside it ("项目支出" + "预算为")."""
    return bool(_CJK_RUN.fullmatch(gap)) and not v.subject_gap.fullmatch(gap)


def _names_another_item(gap: str) -> bool:
    """The subject word heads a list and the figure is an item's ("人员经费：①行政运行（2013201）
    1641.18万元"): a coded or numbered item stands between them, within the clause."""
    return len(gap) <= 40 and not any(b in gap for b in "。；;") and bool(_ANOTHER_ITEM.search(gap))


def _merge_subjects(v: Vocab, first: str, second: str) -> str | None:
    """The subject of two subject words printed side by side, or None when together they name
    something the vocabulary does not know ("财政拨款" + "支出预算" is not 支出预算)."""
    a, b = v.subjects[first], v.subjects[second]
    if first in b.qualifiers:  # "财政拨款“三公”经费" is the 三公 of the 三公 table
        return second
    if second in a.qualifiers or b.generic:  # "事业运行经费财政拨款预算", "因公出国（境）费预算支出"
        return first
    return None


def _parse_item(tok: str) -> tuple[tuple[str, int, str | None], ...] | None:
    """The levels of a 功能分类 item as printed, from 类 down; None when they are out of order."""
    c = _CODED_ITEM.fullmatch(tok)
    if c:
        code = c.group("code")
        parts = [code[:3], code[3:5], code[5:7]][: (len(code) - 1) // 2]
        return tuple(("", i + 1, p) for i, p in enumerate(parts[:-1])) + ((c.group("name"), len(parts), parts[-1]),)
    q = _QUOTED_ITEM.fullmatch(tok)
    if q:
        names = q.group("path").split("-")
        if len(names) == 1:
            return ((names[0], 0, None),)  # a name alone: its level is the row's
        return tuple((n, i + 1, None) for i, n in enumerate(names))
    segs = tuple((m.group("name"), _LEVELS[m.group("level")], m.group("code")) for m in _SEG_PARTS.finditer(tok))
    if not segs or any(b[1] <= a[1] for a, b in zip(segs, segs[1:], strict=False)):
        return None
    return segs


def _item_from_headings(item: tuple[tuple[str, int, str | None], ...], headings: tuple[str, ...]):
    """An item printed from its 款 down under a heading that names its 类 ("（三）农林水支出（类）")."""
    if item[0][1] <= 1:
        return item
    for h in reversed(headings):
        segs = [(m.group("name"), _LEVELS[m.group("level")], m.group("code")) for m in _SEG_PARTS.finditer(h)]
        if segs:
            upper = tuple(s for s in segs if s[1] < item[0][1])
            return upper + item if upper and all(b[1] > a[1] for a, b in zip(upper, upper[1:], strict=False)) else item
    return item


def _item_scope(v: Vocab, texts: list[str]) -> tuple[str, ...]:
    """The tables a 功能分类 item's figure is in: the first scope named, nearest text first."""
    for text in texts:
        for words, tables in v.scopes:
            if any(w in text for w in words):
                return tables
    return v.default_tables


def _paragraph_claims(pieces: list[tuple[str, Provenance]], ctx: _Context, v: Vocab) -> list[Claim]:
    text = "".join(t for t, _ in pieces)
    heading = ctx.heading
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
    subject_start = 0  # where the last subject claim's word began
    direction: str | None = None
    comparing = False  # after 比/较: the next amount is last year's, not this year's
    expect: str | None = None  # after "年初预算为" / "执行数为" …: which figure the next amount is
    stack: list[Claim | None] = []
    # The subject a sentence opened with (numbering and the body's name aside): later sentences
    # that begin with "2026年预算数" / "年初预算为" / "与上年相比" go on about it.
    topic: Claim | None = ctx.topic
    sentence_start = 0
    topic_start = 0
    content = False  # a subject or a figure seen in this sentence

    def new(subject: str | None, pos: int) -> Claim:
        label = v.subjects[subject].label if subject else ""
        c = Claim(subject, label, _sentence_of(text, pos), where(pos), heading)
        if stack and stack[-1] is not None:
            c.parent = stack[-1]
            stack[-1].parts.append(c)
        claims.append(c)
        return c

    def at_sentence_start(pos: int) -> bool:
        """Only numbering, a year or the body's name before ``pos`` in its sentence."""
        return bool(v.neutral.fullmatch(text[sentence_start:pos]))

    def opens_sentence(pos: int) -> bool:
        """No subject or figure yet in the sentence, and nothing before ``pos`` but numbering and
        "与上年" ("与上年相比增加…", "2026年预算数…"): a sentence that names no subject of its own."""
        return not content and bool(_OPENING.fullmatch(text[sentence_start:pos]))

    def continue_topic(pos: int, attach: bool) -> Claim | None:
        """The claim a sentence that opens without a subject speaks of: the topic itself while it
        has no figure (or, with ``attach``, no change yet: "与上年相比增加 5.31 万元"), else a new
        claim about the same subject."""
        if topic is None or not opens_sentence(pos):
            return None
        if not topic.has_figure or (attach and topic.change is None and topic.percent is None
                                    and topic.flat is None):
            if not topic.has_figure:
                if topic not in claims:
                    claims.append(topic)  # dropped with its paragraph for want of a figure; kept now
                said = _sentence_of(text, pos)
                if said not in topic.text:
                    topic.text += said  # the title and the sentence with the figures, as evidence
            return topic
        c = topic.about_the_same(_sentence_of(text, pos), where(pos))
        claims.append(c)
        return c

    base_start: int | None = None  # where the base's own words begin after "比" / "较"

    def in_base(pos: int) -> bool:
        """Between "比" / "较" and ``pos`` only the base's words: no comma, no direction word."""
        return base_start is not None and direction is None and not any(
            b in text[base_start:pos] for b in _BASE_ENDS)

    last_token_end = 0
    previous_end = 0
    # Lines that open with numbering ("（1）一般公共服务支出…", "2.…"): each opens a clause of its
    # own, whose subject is its own, even where the line before ran on into it ("…具体如下 (1)…").
    openings = [begin for (begin, _), (t, _) in zip(starts, pieces, strict=True) if begin and ENUMERATED.match(t)]
    for m in v.pattern.finditer(text):
        last_token_end, previous_end = previous_end, m.end()
        while openings and openings[0] <= m.start():
            at = openings.pop(0)
            if at < last_token_end:
                continue  # a figure or word broken over the lines ("2,404.|17万元")
            if not content and ENUMERATED.match(text[sentence_start:at]):
                topic = None  # the list item before named no subject of its own: "(1)差旅费主要用于…"
            sentence_start, content = at, False
            current, direction, comparing, expect, base_start = None, None, False, None, None
        kind = m.lastgroup
        tok = m.group(kind)
        opened = not content  # this token is the first subject or figure of its sentence
        if kind in ("item", "subject", "amount", "pct", "count"):
            content = True
        if kind == "item":
            item = _parse_item(tok)
            if item is None:
                continue
            item = _item_from_headings(item, ctx.headings)
            current = new("function_item", m.start())
            current.item = item
            current.label = "".join(f"{n}（{'类款项'[lv - 1]}）" if lv else n for n, lv, _ in item if n)
            sentence_prefix = text[sentence_start: m.start()]
            current.scope = _item_scope(v, [sentence_prefix, ctx.lead, *reversed(ctx.headings)])
            if at_sentence_start(m.start()):
                topic, topic_start = current, m.start()
            last_subject_end = m.end()
            direction = None
            comparing = False
            expect = None
        elif kind == "subject":
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
            if comparing and current is not None and current.subject is not None \
                    and (key == current.subject or key in v.subjects[current.subject].qualifiers):
                continue  # "比2025年财政拨款“三公”经费年初预算减少…": the base's name, not a new claim
            if comparing and in_base(m.start()):
                continue  # "…495,836.20万元，比2025年预算收入执行数483,923.17万元增加…": the base's name
            clause = text[max([text.rfind(b, 0, m.start()) + 1 for b in _CLAUSE_BREAKS] + [last_token_end]): m.start()]
            if not v.neutral.fullmatch(clause) and not any(clause.endswith(w) for w in v.subjects[key].prefixes):
                # "一般公共预算基本支出", "该项目……（含上年结转": the words before narrow the subject
                current = new(None, m.start())
                current.label = clause[-8:] + v.subjects[key].label
                if opened and not stack:
                    topic = None  # a sentence about something else: later ones do not go on about the old
            else:
                current = new(key, m.start())
                subject_start = m.start()
                if tok in v.subjects[key].count_words and not _NUMBERING.fullmatch(clause):
                    current.word = tok  # "…卫生中心项目": a name's last word, unless a count follows
                if at_sentence_start(m.start()):
                    topic, topic_start = current, m.start()
            last_subject_end = m.end()
            direction = None
            comparing = False
            expect = None
        elif kind == "compare":
            if current is None:
                current = continue_topic(m.start(), attach=True)
            comparing = True
            base_start = m.end() if tok in v.base_follows else None
            if base_start is not None:
                direction = None  # "增加较多，…比2025年执行数…增加": a word left without its figure
        elif kind in ("prior", "restate", "budget", "adjusted", "final"):
            if comparing:
                continue  # "比2025年预算数…", "较2025年年初预算减少…": the comparison's own words
            if current is None or (current.has_figure and opens_sentence(m.start())):
                current = continue_topic(m.start(), attach=False) or current
            elif kind == "final" and ctx.final and current.amount is not None and current.budget is None \
                    and current.change is None and not opens_sentence(m.start()):
                # "“三公”经费支出预算593.46万元，支出决算587.55万元": the first figure was the budget
                current.budget, current.amount = current.amount, None
            expect = kind if kind != "restate" else None
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
            elif expect in ("prior", "budget", "adjusted"):
                slot = {"prior": "base", "budget": "budget", "adjusted": "adjusted"}[expect]
                if current is None or getattr(current, slot) is not None or current.change is not None:
                    current = new(None, m.start())
                setattr(current, slot, fig)
            else:
                gap = text[last_subject_end:m.start()]
                if current is not None and current.subject not in (None, "function_item") and not current.has_figure \
                        and (last_token_end == last_subject_end and _longer_name(gap, v)
                             or _names_another_item(gap)):
                    # "13.项目管理业务924.27万元": the subject word only opens a longer name
                    current.label = text[subject_start:m.start()]
                    current.subject = None
                    if topic is current:
                        topic = None
                if current is None or current.amount is not None or current.change is not None:
                    current = new(None, m.start())
                    if opened and not stack:
                        topic = None  # "2.社会保障和就业支出1890.27万元。": a subject not recognised
                current.amount = fig
            comparing = False
            expect = None
        elif kind == "pct":
            if expect == "rate":
                if current is not None and current.rate is None:
                    current.rate = _figure(tok[:-1].lstrip("-"), None)
                expect = None
            elif direction is not None and current is not None and current.percent is None:
                current.percent = _signed(_figure(tok[:-1].lstrip("-"), None), direction, v)
                current.percent_word = direction
                direction = None
        elif kind == "rate":
            expect = "rate"
        elif kind == "count":
            # "项目支出 19 个", "项目共 12 个": a count only right after its subject
            if current is not None and current.count is None and current.amount is None \
                    and text[last_subject_end: m.start()] in _COUNT_GAP:
                current.count = int(tok[:-1])
        elif kind == "flat":
            if current is None:
                current = continue_topic(m.start(), attach=True)
            if current is not None and current.flat is None:
                current.flat = "基本持平" if any(w in tok for w in v.roughly) else "持平"
            direction = None
        elif kind == "dir":
            if current is None:
                current = continue_topic(m.start(), attach=True)
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
        elif kind == "colon":
            # "…主要内容如下：1、…": after a lead the list's items open sentences of their own
            if v.lead is not None and v.lead.search(text[sentence_start: m.end()]):
                sentence_start = m.end()
                content = False
        elif kind == "stop":
            # A subject left without a figure stays the topic only as a title ("1.因公出国（境）费用。"
            # then "2026年预算数0.00万元"), not after other words ("行政单位的基本支出。").
            if topic is not None and not topic.has_figure and topic is current \
                    and not (m.start() == last_subject_end and _NUMBERING.fullmatch(text[sentence_start:topic_start])):
                topic = None
            if not content and ENUMERATED.match(text[sentence_start:m.start()]):
                topic = None  # a list item about something the vocabulary does not name ("(1)差旅费…。")
            stack.clear()
            direction = None
            comparing = False
            expect = None
            sentence_start = m.end()
            content = False
            if current is not None and not current.has_figure:
                current = None  # a subject left without a figure does not reach into the next sentence
    ctx.topic = topic
    for c in claims:
        if c.subject is not None and c.count is None and c.word in v.subjects[c.subject].count_words:
            c.subject = None  # "…卫生中心项目…全年预算数5000万元": a project's own name, not 项目支出
    kept = [c for c in claims if c.has_figure]
    for prev, c in zip(kept, kept[1:], strict=False):
        # "涉及预算项目支出 19 个，预算资金 11262.37 万元": the money of the projects just counted.
        if c.subject in v.followers and prev.subject == "project" and prev.count is not None \
                and prev.text == c.text and c.amount is not None:
            c.subject = v.followers[c.subject]
            c.label = v.subjects[c.subject].label
    return kept


# --- binding ---------------------------------------------------------------------------------


def _balance(doc: Document, side: str, key: str, kind: str = "income_expenditure_summary") -> Bound | None:
    t = doc.table(kind)
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
    col = _present(row, column)
    return Bound(t, row, col, row.values[col]) if col is not None else None


def _present(row: Row, key: str) -> str | None:
    """``key``, or the first alias a table prints it under (final accounts: 本年支出 for 合计), that
    holds a figure in ``row``."""
    from budgetlint.recognise.vocab import default_vocabulary

    return next((k for k in default_vocabulary().aliases(key)
                 if (x := row.values.get(k)) is not None and x.amount is not None), None)


def three_public_value(doc: Document, key: str, year: int | None) -> Bound | None:
    """The 三公 table's figure for ``key`` (total, abroad, vehicle …) in ``year``: a year column
    (y2024.abroad) where the table has year groups, else the row of that key (column total) for
    the budget year only."""
    t = doc.table("three_public")
    if t is None or not t.quality.readable or not t.rows or year is None:
        return None
    from budgetlint.figures import three_total_key

    col = three_total_key(t, f"y{year}.") if key == "total" else f"y{year}.{key}"
    if t.column(col) is not None:
        row = t.rows[0]
        v = row.values.get(col)
        return Bound(t, row, col, v) if v is not None and v.amount is not None else None
    if any(c.key.startswith("y") and "." in c.key for c in t.columns) or year != doc.meta.year:
        return None
    if len(t.rows) == 1 and t.rows[0].kind is not RowKind.TOTAL:
        # One row of figures under item columns (Shanghai: 合计 | 因公出国（境）费 | … | 机关运行经费)
        row = t.rows[0]
        col = _three_public_column(t, key)
        v = row.values.get(col) if col else None
        return Bound(t, row, col, v) if v is not None and v.amount is not None and not row.ambiguous else None
    total_row = t.total_row()
    if total_row is not None and any(t.column(k) for k in ("abroad", "reception", "vehicle")):
        # Items as columns, one line per 预算单位 under the 合计 line (湖州; 西安 表13 of one year):
        # the total is the 三公 小计 where the 合计 adds 会议费 and 培训费.
        col = "three_subtotal" if key == "total" and t.column("three_subtotal") else _three_public_column(t, key)
        v = total_row.values.get(col) if col else None
        return Bound(t, total_row, col, v) if v is not None and v.amount is not None and not total_row.ambiguous else None
    if key == "total":
        row = t.row_by_key("three_subtotal") or t.total_row()
    else:
        row = t.row_by_key(key)
    if row is None or row.ambiguous:
        return None
    v = row.values.get("total")
    return Bound(t, row, "total", v) if v is not None and v.amount is not None else None


def _three_public_column(t: Table, key: str) -> str | None:
    """The column of the 三公 table holding ``key``: by its key, else by the words of its header
    (narrative.toml [three_public_columns])."""
    if t.column(key) is not None:
        return key
    words = vocab().three_public_columns.get(key, ())
    hits = [c.key for c in t.amount_columns if any(w in squash(c.label) for w in words)]
    return hits[0] if len(hits) == 1 else None


def _source(doc: Document, spec: str) -> Bound | None:
    kind, _, rest = spec.partition(":")
    if kind == "balance":
        side, key = rest.split(":")
        return _balance(doc, side, key)
    if kind == "fiscal":
        side, key = rest.split(":")
        return _balance(doc, side, key, "fiscal_summary")
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


def _label_key(text: str) -> str:
    return strip_enumeration(squash(text)).strip('"')


def _names_match(label: str, name: str) -> bool:
    """A table row's label and a name printed in prose: equal, or one with "支出" added
    ("一般公共服务（类）支出" ~ 一般公共服务支出)."""
    a, b = _label_key(label), _label_key(name)
    return bool(a) and (a == b or a == b + "支出" or a + "支出" == b)


def _ancestor(t: Table, row: Row, level: int) -> Row | None:
    """The row of ``level`` that ``row`` belongs to: by code prefix, else the nearest row above of
    that level (tables named with （类）（款）（项） marks and no codes)."""
    code = row.codes.get(CodeScheme.FUNCTION)
    if code is not None and code.level > level:
        digits = "".join(code.parts[:level])
        hits = [r for r in t.rows if (c := r.codes.get(CodeScheme.FUNCTION)) is not None and c.digits == digits]
        return hits[0] if len(hits) == 1 else None
    if code is not None:
        return None
    for r in reversed(t.rows[: row.index]):
        if r.kind is RowKind.TOTAL:
            return None
        if r.level == level:
            return r
        if r.level < level:
            return None
    return None


def _item_row(t: Table, item: tuple[tuple[str, int, str | None], ...]) -> Row | None:
    """The one row of ``t`` that the printed item names, or None (not there, or not one)."""
    v = vocab()
    name, level, _ = item[-1]
    first = item[0][0]
    # leading words the clause allows ("2026年", "国家信访局") are not part of the first name
    firsts = [first[i:] for i in range(len(first) - 1) if v.neutral.fullmatch(first[:i])]
    rows = [r for r in t.rows if r.kind is RowKind.ITEM and not r.ambiguous and (level == 0 or r.level == level)]
    names = firsts if len(item) == 1 else [name]
    hits = [r for r in rows if any(_names_match(r.label, n) for n in names)]
    if [lv for _, lv, _ in item] == list(range(1, len(item) + 1)) and all(c for _, _, c in item):
        # every level's code printed ("公共安全支出（204类）司法（06款）行政运行（01项）"): the code
        # decides, the item's own name must agree; names above it may be an older catalog's
        digits = "".join(c for _, _, c in item)
        by_code = [r for r in hits if (c := r.codes.get(CodeScheme.FUNCTION)) is not None and c.digits == digits]
        return by_code[0] if len(by_code) == 1 else None
    out = []
    for r in hits:
        code = r.codes.get(CodeScheme.FUNCTION)
        ok = True
        for i, (n, lv, part) in enumerate(item):
            if code is not None and part is not None and lv and code.level >= lv and code.parts[lv - 1] != part:
                ok = False
                break
            if lv == level:
                continue
            anc = _ancestor(t, r, lv)
            if anc is None or not any(_names_match(anc.label, x) for x in (firsts if i == 0 else [n])):
                ok = False
                break
        if ok:
            out.append(r)
    return out[0] if len(out) == 1 else None


def _item_bounds(doc: Document, claim: Claim, kinds: tuple[str, ...] | None = None) -> list[Bound]:
    """The item's figure in the tables of its scope (or of ``kinds``)."""
    v = vocab()
    year = doc.meta.year
    cols = [c.replace("{year}", str(year)) for c in v.item_columns if year is not None or "{year}" not in c]
    out: list[Bound] = []
    for kind in claim.scope if kinds is None else kinds:
        for t in doc.tables_of(kind):
            if not t.quality.readable or claim.item is None:
                continue
            row = _item_row(t, claim.item)
            if row is None:
                continue
            col = next((k for c in cols if (k := _present(row, c)) is not None), None)
            if col is not None:
                out.append(Bound(t, row, col, row.values[col]))
    return out


def bind(doc: Document, claim: Claim) -> list[Bound]:
    """The model figures a claim speaks of (any of them may agree), or [] when unbound."""
    if claim.subject is None:
        return []
    if claim.subject == "function_item":
        return [] if _about_performance(claim) else _item_bounds(doc, claim)
    parent = claim.parent
    if parent is not None:
        if parent.subject is None and parent.amount is not None and claim.amount is not None:
            # a part of a narrowed whole ("财政拨款基本支出 X 万元，其中：…"), or of a whole the
            # prose names by a code only ("对事业单位经常性补助（505）X 万元，其中：人员经费 …")
            return []
        narrow = vocab().subjects[parent.subject].narrow_parts if parent.subject else None
        if narrow is not None and claim.subject not in narrow:
            return []  # "财政拨款支出…其中基本支出…": the fiscal part of 基本支出, not all of it
    subj = vocab().subjects[claim.subject]
    if not subj.performance and _about_performance(claim):
        return []  # "…纳入绩效目标管理，涉及财政性资金 X 万元": those projects' money, no total
    if subj.sections and not any(w in claim.heading for w in subj.sections):
        return []
    if subj.whole and any(w in squash(claim.heading) for w in vocab().narrowing_headings):
        return []  # "本年支出决算…" under "政府性基金预算财政拨款收入支出决算情况说明"
    return [b for b in (_source(doc, s) for s in subj.sources) if b is not None]


def _about_performance(claim: Claim) -> bool:
    return any(w in claim.text for w in vocab().performance)


def funds_named(text: str) -> str | None:
    """The money ``text`` names ([funds] key, first listed first), or None."""
    return next((k for k, words in vocab().funds.items() if any(w in text for w in words)), None)


def _context_funds(claim: Claim) -> str | None:
    """The money a claim's context pins it to: the whole it is a part of, else the nearest heading
    that names funds; None where nothing does."""
    v = vocab()
    parent = claim.parent
    if parent is not None and parent.subject is not None and v.subjects[parent.subject].funds:
        return v.subjects[parent.subject].funds
    return next((f for h in reversed(claim.heading.split(" / ")) if (f := funds_named(squash(h)))), None)


def readings(doc: Document, claim: Claim) -> list[Bound]:
    """Where a bound claim's quantity lives under the other scopes of funds the sentence may have
    meant (the brief's "doubt the reading before the document"): a figure that agrees with one of
    them is not an error. Only the same quantity: the same row or column of another table, never a
    different figure. [] where the context pins the funds, or the claim is not bound."""
    v = vocab()
    bounds = bind(doc, claim)
    if not bounds:
        return []
    if claim.subject == "function_item":
        if claim.scope != v.default_tables:
            return []  # the sentence, its lead or its heading named the funds
        kinds = tuple(dict.fromkeys(k for _, tables in v.scopes for k in tables if k not in claim.scope))
        return _item_bounds(doc, claim, kinds)
    pinned = _context_funds(claim)
    this_year = any(w in claim.text for w in v.this_year)
    out = []
    for r in v.subjects[claim.subject].readings:
        if (pinned is not None and r.funds != pinned) or (r.carry and this_year):
            continue
        b = _source(doc, r.source)
        if b is not None:
            out.append(b)
    return out


def project_count_bound(doc: Document) -> int | None:
    """Number of projects in the project table, or None when the document has none."""
    if not doc.tables_of("project_expenditure"):
        return None
    return len(doc.projects)


def bind_budget(doc: Document, claim: Claim) -> list[Bound]:
    """Final accounts: where the tables print the 年初预算 beside the 决算 figure a claim is bound
    to (a "budget." column of the same row), the budget figures; [] where they do not."""
    if claim.budget is None:
        return []
    out: list[Bound] = []
    for b in bind(doc, claim):
        key = "budget." + (b.column.split(".", 1)[1] if b.column.startswith("final.") else b.column)
        v = b.row.values.get(key)
        if v is not None and v.amount is not None:
            out.append(Bound(b.table, b.row, key, v))
    return out


def is_bound(doc: Document, claim: Claim) -> bool:
    if claim.count is not None and claim.subject == "project":
        return project_count_bound(doc) is not None
    return bool(bind(doc, claim)) and (claim.amount is not None or claim.change is not None
                                       or claim.flat is not None)


def binding_stats(doc: Document) -> tuple[int, int]:
    """(claims bound to a model quantity, claims extracted) for the check JSON stats."""
    claims = extract_claims(doc)
    return sum(1 for c in claims if is_bound(doc, c)), len(claims)

