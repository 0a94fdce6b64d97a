"""Claims read from the prose: each paragraph of the explanation part of ``doc.sections`` → the
claims it states, with their figures, parts and the subject the sentence speaks of.

Text is matched on ``squash()``ed paragraphs (no spaces, "，" → ",", "；" → ";", brackets folded).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from budgetlint.model import Claim, DocKind, Document, Figure, Provenance, Section, Unit
from budgetlint.recognise.claims.vocab import ITEM_NAME, SEGMENT_NAME, Vocab, may_name_item, vocab
from budgetlint.recognise.first_chars import scan
from budgetlint.recognise.narrative import ENUMERATED, page_furniture
from budgetlint.recognise.normalise import squash

_CODED_ITEM = re.compile(rf'(?P<code>\d+)-(?P<name>{ITEM_NAME})')  # "2080506-机关事业单位职业年金缴费支出94.36万元"
_SEG_PARTS = re.compile(rf'"?(?P<name>{SEGMENT_NAME})"?\((?P<code>\d{{2,7}})?(?P<level>[类款项])\)')
_QUOTED_ITEM = re.compile(rf'"(?P<path>{ITEM_NAME}(?:-{ITEM_NAME}){{0,2}})"科目')  # "类-款-项"科目
_LEVELS = {"类": 1, "款": 2, "项": 3}


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


def extract_claims(doc: Document) -> list[Claim]:
    """Every claim with a figure in the explanation part of ``doc.sections``, in reading order."""
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
    """The claims one paragraph states: its tokens (``v.pattern``) read in order by a ``_Reading``,
    each kind of token by its own rule (``_RULES``)."""
    reading = _Reading.of(pieces, ctx, v)
    for m in scan(v.pattern if may_name_item(reading.text) else v.plain, reading.text):
        reading.read(m)
    ctx.topic = reading.topic
    return reading.finish()


@dataclass(slots=True)
class _Reading:
    """Where the reading of one paragraph stands, token by token: the claim the words speak of now,
    the sentence's topic, and what the words just read make of the next figure (a direction, a
    comparison, "年初预算为"). Each kind of token is read by one method below (see ``_RULES``)."""

    text: str
    starts: list[tuple[int, Provenance]]  # where each piece (line) of the paragraph begins
    ctx: _Context
    v: Vocab
    # Lines that open with numbering ("（1）一般公共服务支出…", "2.…"): each opens a clause of its
    # own, whose subject is its own, even where the line before ran on into it ("…具体如下 (1)…").
    openings: list[int]
    claims: list[Claim] = field(default_factory=list)
    current: Claim | None = None  # the claim the next figure belongs to
    last_subject_end: int = -10
    subject_start: int = 0  # where the last subject claim's word began
    direction: str | None = None  # a direction word ("增加") waiting for its figure
    comparing: bool = False  # after 比/较: the next amount is last year's, not this year's
    expect: str | None = None  # after "年初预算为" / "执行数为" …: which figure the next amount is
    base_start: int | None = None  # where the base's own words begin after "比" / "较"
    stack: list[Claim | None] = field(default_factory=list)  # the wholes whose parts are being listed
    # The subject a sentence opened with (numbering and the body's name aside): later sentences
    # that begin with "2026年预算数" / "年初预算为" / "与上年相比" go on about it.
    topic: Claim | None = None
    topic_start: int = 0
    sentence_start: int = 0
    content: bool = False  # a subject or a figure seen in this sentence
    last_token_end: int = 0  # where the token before the one being read ended
    previous_end: int = 0  # where the token being read ends

    @classmethod
    def of(cls, pieces: list[tuple[str, Provenance]], ctx: _Context, v: Vocab) -> _Reading:
        starts: list[tuple[int, Provenance]] = []
        at = 0
        for t, prov in pieces:
            starts.append((at, prov))
            at += len(t)
        openings = [begin for (begin, _), (t, _) in zip(starts, pieces, strict=True)
                    if begin and ENUMERATED.match(t)]
        return cls("".join(t for t, _ in pieces), starts, ctx, v, openings, topic=ctx.topic)

    # -- the reading loop ------------------------------------------------------------------------

    def read(self, m: re.Match[str]) -> None:
        """One token: the clauses numbered lines open before it, then the rule of its kind."""
        self.last_token_end, self.previous_end = self.previous_end, m.end()
        self._open_numbered_lines(m.start())
        kind = m.lastgroup
        opened = not self.content  # this token is the first subject or figure of its sentence
        if kind in ("item", "subject", "amount", "pct", "count"):
            self.content = True
        rule = _RULES.get(kind or "")
        if rule is not None:
            rule(self, m, opened)

    def _open_numbered_lines(self, pos: int) -> None:
        """Each numbered line before ``pos`` opens a clause: nothing read so far reaches into it."""
        while self.openings and self.openings[0] <= pos:
            at = self.openings.pop(0)
            if at < self.last_token_end:
                continue  # a figure or word broken over the lines ("2,404.|17万元")
            if not self.content and ENUMERATED.match(self.text[self.sentence_start:at]):
                self.topic = None  # the list item before named no subject of its own: "(1)差旅费主要用于…"
            self.sentence_start, self.content = at, False
            self.current, self.direction, self.comparing, self.expect, self.base_start = None, None, False, None, None

    def finish(self) -> list[Claim]:
        """The claims with a figure, after the whole paragraph has named its subjects: a count-only
        word that named a project, and the money of projects just counted."""
        v = self.v
        for c in self.claims:
            if c.subject is not None and c.count is None and c.word in v.subjects[c.subject].count_words:
                c.subject = None  # "…卫生中心项目…全年预算数5000万元": a project's own name, not 项目支出
        kept = [c for c in self.claims if c.has_figure]
        for prev, c in zip(kept, kept[1:], strict=False):
            # "涉及预算项目支出 19 个，预算资金 11262.37 万元": the money of the projects just counted.
            if c.subject in v.followers and prev.subject == "project" and prev.count is not None \
                    and prev.text == c.text and c.amount is not None:
                c.subject = v.followers[c.subject]
                c.label = v.subjects[c.subject].label
        return kept

    # -- helpers of the rules --------------------------------------------------------------------

    def where(self, pos: int) -> Provenance:
        return next(prov for begin, prov in reversed(self.starts) if begin <= pos)

    def new(self, subject: str | None, pos: int) -> Claim:
        """A new claim at ``pos``, a part of the whole being listed if any."""
        label = self.v.subjects[subject].label if subject else ""
        c = Claim(subject, label, _sentence_of(self.text, pos), self.where(pos), self.ctx.heading)
        if self.stack and self.stack[-1] is not None:
            c.parent = self.stack[-1]
            self.stack[-1].parts.append(c)
        self.claims.append(c)
        return c

    def at_sentence_start(self, pos: int) -> bool:
        """Only numbering, a year or the body's name before ``pos`` in its sentence."""
        return bool(self.v.neutral.fullmatch(self.text[self.sentence_start:pos]))

    def opens_sentence(self, pos: int) -> bool:
        """No subject or figure yet in the sentence, and nothing before ``pos`` but numbering and
        "与上年" ("与上年相比增加…", "2026年预算数…"): a sentence that names no subject of its own."""
        return not self.content and bool(_OPENING.fullmatch(self.text[self.sentence_start:pos]))

    def continue_topic(self, pos: int, attach: bool) -> Claim | None:
        """The claim a sentence that opens without a subject speaks of: the topic itself while it
        has no figure (or, with ``attach``, no change yet: "与上年相比增加 5.31 万元"), else a new
        claim about the same subject."""
        topic = self.topic
        if topic is None or not self.opens_sentence(pos):
            return None
        if not topic.has_figure or (attach and topic.change is None and topic.percent is None
                                    and topic.flat is None):
            if not topic.has_figure:
                if topic not in self.claims:
                    self.claims.append(topic)  # dropped with its paragraph for want of a figure; kept now
                said = _sentence_of(self.text, pos)
                if said not in topic.text:
                    topic.text += said  # the title and the sentence with the figures, as evidence
            return topic
        c = topic.about_the_same(_sentence_of(self.text, pos), self.where(pos))
        self.claims.append(c)
        return c

    def in_base(self, pos: int) -> bool:
        """Between "比" / "较" and ``pos`` only the base's words: no comma, no direction word."""
        return self.base_start is not None and self.direction is None and not any(
            b in self.text[self.base_start:pos] for b in _BASE_ENDS)

    def _subject_read(self, end: int) -> None:
        """A subject (or item) was read up to ``end``: what came before waits for no figure now."""
        self.last_subject_end = end
        self.direction = None
        self.comparing = False
        self.expect = None

    # -- subjects --------------------------------------------------------------------------------

    def on_item(self, m: re.Match[str], opened: bool) -> None:
        """A 功能分类 item ("农林水支出（类）…（项）", "2080506-…"): a claim of its own, in the tables
        the scope words around it name."""
        item = _parse_item(m.group("item"))
        if item is None:
            return
        item = _item_from_headings(item, self.ctx.headings)
        current = self.current = self.new("function_item", m.start())
        current.item = item
        current.label = "".join(f"{n}（{'类款项'[lv - 1]}）" if lv else n for n, lv, _ in item if n)
        sentence_prefix = self.text[self.sentence_start: m.start()]
        current.scope = _item_scope(self.v, [sentence_prefix, self.ctx.lead, *reversed(self.ctx.headings)])
        if self.at_sentence_start(m.start()):
            self.topic, self.topic_start = current, m.start()
        self._subject_read(m.end())

    def on_subject(self, m: re.Match[str], opened: bool) -> None:
        """A subject word: it joins the one just before it, names the base of a comparison, or
        opens a new claim (narrowed by the words before it in its clause)."""
        key = self.v.by_word[m.group("subject")]
        if self._joins_previous_subject(m, key) or self._names_the_base(m.start(), key):
            return
        v, text = self.v, self.text
        clause = text[max([text.rfind(b, 0, m.start()) + 1 for b in _CLAUSE_BREAKS] + [self.last_token_end]): m.start()]
        if not v.neutral.fullmatch(clause) and not any(clause.endswith(w) for w in v.subjects[key].prefixes):
            # "一般公共预算基本支出", "该项目……（含上年结转": the words before narrow the subject
            self.current = self.new(None, m.start())
            self.current.label = clause[-8:] + v.subjects[key].label
            if opened and not self.stack:
                self.topic = None  # a sentence about something else: later ones do not go on about the old
        else:
            self.current = self.new(key, m.start())
            self.subject_start = m.start()
            if m.group("subject") in v.subjects[key].count_words and not _NUMBERING.fullmatch(clause):
                self.current.word = m.group("subject")  # "…卫生中心项目": a name's last word, unless a count follows
            if self.at_sentence_start(m.start()):
                self.topic, self.topic_start = self.current, m.start()
        self._subject_read(m.end())

    def _joins_previous_subject(self, m: re.Match[str], key: str) -> bool:
        """A subject word right after another one of a claim without a figure: one subject, merged
        ("财政拨款" + "“三公”经费"), or a label the vocabulary does not know."""
        current, v = self.current, self.v
        if current is None or current.has_figure or m.start() - self.last_subject_end > 1:
            return False
        if current.subject is not None:
            merged = _merge_subjects(v, current.subject, key)
            if merged is None:
                current.label += v.subjects[key].label
            elif merged != current.subject:
                current.label = v.subjects[merged].label
            current.subject = merged
        self.last_subject_end = m.end()
        return True

    def _names_the_base(self, pos: int, key: str) -> bool:
        """After 比/较, a subject word that names the base of the comparison, not a new claim."""
        if not self.comparing:
            return False
        current = self.current
        if current is not None and current.subject is not None \
                and (key == current.subject or key in self.v.subjects[current.subject].qualifiers):
            return True  # "比2025年财政拨款“三公”经费年初预算减少…": the base's name, not a new claim
        # "…495,836.20万元，比2025年预算收入执行数483,923.17万元增加…": the base's name
        return self.in_base(pos)

    # -- words that say what the next figure is --------------------------------------------------

    def on_compare(self, m: re.Match[str], opened: bool) -> None:
        """比 / 较: the next amount is the base (last year's), named after the word or not."""
        if self.current is None:
            self.current = self.continue_topic(m.start(), attach=True)
        self.comparing = True
        self.base_start = m.end() if m.group("compare") in self.v.base_follows else None
        if self.base_start is not None:
            self.direction = None  # "增加较多，…比2025年执行数…增加": a word left without its figure

    def on_stage(self, m: re.Match[str], opened: bool) -> None:
        """"上年预算为" / "年初预算为" / "调整预算" / "决算为" (and restating words): which figure of the
        claim the next amount is; a sentence opening with one goes on about the topic."""
        kind = m.lastgroup
        if self.comparing:
            return  # "比2025年预算数…", "较2025年年初预算减少…": the comparison's own words
        current = self.current
        if current is None or (current.has_figure and self.opens_sentence(m.start())):
            self.current = self.continue_topic(m.start(), attach=False) or current
        elif kind == "final" and self.ctx.final and current.amount is not None and current.budget is None \
                and current.change is None and not self.opens_sentence(m.start()):
            # "“三公”经费支出预算593.46万元，支出决算587.55万元": the first figure was the budget
            current.budget, current.amount = current.amount, None
        self.expect = kind if kind != "restate" else None

    def on_rate(self, m: re.Match[str], opened: bool) -> None:
        """"完成年初预算的": the next percentage is the rate of completion."""
        self.expect = "rate"

    def on_direction(self, m: re.Match[str], opened: bool) -> None:
        """增加 / 减少 …: the next amount is a change, the next percentage its rate."""
        if self.current is None:
            self.current = self.continue_topic(m.start(), attach=True)
        self.direction = m.group("dir")

    def on_flat(self, m: re.Match[str], opened: bool) -> None:
        """"持平" / "基本持平": a change of nothing, stated in words."""
        if self.current is None:
            self.current = self.continue_topic(m.start(), attach=True)
        if self.current is not None and self.current.flat is None:
            self.current.flat = "基本持平" if any(w in m.group("flat") for w in self.v.roughly) else "持平"
        self.direction = None

    # -- figures ---------------------------------------------------------------------------------

    def on_amount(self, m: re.Match[str], opened: bool) -> None:
        """An amount with its unit: a change after a direction word, the base after 比/较, the
        figure "年初预算为" announced, or else the claim's own amount."""
        tok = m.group("amount")
        unit = Unit.ending(tok)
        fig = _figure(tok[: -len(unit.value)], unit)
        if self.direction is not None:
            if self.current is None or self.current.change is not None:
                self.current = self.new(None, m.start())
            self.current.change = _signed(fig, self.direction, self.v)
            self.current.change_word = self.direction
            self.direction = None
        elif self.comparing:
            if self.current is not None and self.current.base is None and self.current.change is None:
                self.current.base = fig
        elif self.expect in ("prior", "budget", "adjusted"):
            slot = {"prior": "base", "budget": "budget", "adjusted": "adjusted"}[self.expect]
            if self.current is None or getattr(self.current, slot) is not None or self.current.change is not None:
                self.current = self.new(None, m.start())
            setattr(self.current, slot, fig)
        else:
            self._own_amount(m.start(), fig, opened)
        self.comparing = False
        self.expect = None

    def _own_amount(self, pos: int, fig: Figure, opened: bool) -> None:
        """The amount of the subject just named, unless the words between make the subject word
        part of a longer name or an item's ("13.项目管理业务924.27万元"), or the claim has one."""
        current = self.current
        gap = self.text[self.last_subject_end:pos]
        if current is not None and current.subject not in (None, "function_item") and not current.has_figure \
                and (self.last_token_end == self.last_subject_end and _longer_name(gap, self.v)
                     or _names_another_item(gap)):
            # "13.项目管理业务924.27万元": the subject word only opens a longer name
            current.label = self.text[self.subject_start:pos]
            current.subject = None
            if self.topic is current:
                self.topic = None
        if current is None or current.amount is not None or current.change is not None:
            current = self.current = self.new(None, pos)
            if opened and not self.stack:
                self.topic = None  # "2.社会保障和就业支出1890.27万元。": a subject not recognised
        current.amount = fig

    def on_percent(self, m: re.Match[str], opened: bool) -> None:
        """A percentage: the rate of completion after "完成…的", or the change's rate after a
        direction word; any other percentage is no claim's."""
        tok = m.group("pct")
        current = self.current
        if self.expect == "rate":
            if current is not None and current.rate is None:
                current.rate = _figure(tok[:-1].lstrip("-"), None)
            self.expect = None
        elif self.direction is not None and current is not None and current.percent is None:
            current.percent = _signed(_figure(tok[:-1].lstrip("-"), None), self.direction, self.v)
            current.percent_word = self.direction
            self.direction = None

    def on_count(self, m: re.Match[str], opened: bool) -> None:
        """"项目支出 19 个", "项目共 12 个": a count only right after its subject."""
        current = self.current
        if current is not None and current.count is None and current.amount is None \
                and self.text[self.last_subject_end: m.start()] in _COUNT_GAP:
            current.count = int(m.group("count")[:-1])

    # -- structure: parts, clauses, sentences ----------------------------------------------------

    def on_parts(self, m: re.Match[str], opened: bool) -> None:
        """"其中" / "包括" …: the claims that follow are parts of the claim just read (if it has a
        figure), until the sentence ends."""
        parent = self.current if self.current is not None and self.current.has_figure else None
        self.stack.append(parent)
        if parent is not None and parent.parts_word is None:
            parent.parts_word = m.group("parts")
        self.current = None
        self.direction = None

    def on_semicolon(self, m: re.Match[str], opened: bool) -> None:
        """";" ends a nested list of parts (not the outermost) and leaves no direction waiting."""
        if len(self.stack) > 1:
            self.stack.pop()
        self.direction = None

    def on_colon(self, m: re.Match[str], opened: bool) -> None:
        """"…主要内容如下：1、…": after a lead the list's items open sentences of their own."""
        if self.v.lead is not None and self.v.lead.search(self.text[self.sentence_start: m.end()]):
            self.sentence_start = m.end()
            self.content = False

    def on_stop(self, m: re.Match[str], opened: bool) -> None:
        """"。" ends the sentence: lists, directions and expectations end with it; a subject left
        without a figure stays the topic only as a title."""
        # A subject left without a figure stays the topic only as a title ("1.因公出国（境）费用。"
        # then "2026年预算数0.00万元"), not after other words ("行政单位的基本支出。").
        topic = self.topic
        if topic is not None and not topic.has_figure and topic is self.current \
                and not (m.start() == self.last_subject_end
                         and _NUMBERING.fullmatch(self.text[self.sentence_start:self.topic_start])):
            self.topic = None
        if not self.content and ENUMERATED.match(self.text[self.sentence_start:m.start()]):
            self.topic = None  # a list item about something the vocabulary does not name ("(1)差旅费…。")
        self.stack.clear()
        self.direction = None
        self.comparing = False
        self.expect = None
        self.sentence_start = m.end()
        self.content = False
        if self.current is not None and not self.current.has_figure:
            self.current = None  # a subject left without a figure does not reach into the next sentence


# The rule of reading for each kind of token of ``Vocab.pattern``.
_RULES: dict[str, Callable[[_Reading, re.Match[str], bool], None]] = {
    "item": _Reading.on_item,
    "subject": _Reading.on_subject,
    "compare": _Reading.on_compare,
    "prior": _Reading.on_stage,
    "restate": _Reading.on_stage,
    "budget": _Reading.on_stage,
    "adjusted": _Reading.on_stage,
    "final": _Reading.on_stage,
    "rate": _Reading.on_rate,
    "dir": _Reading.on_direction,
    "flat": _Reading.on_flat,
    "amount": _Reading.on_amount,
    "pct": _Reading.on_percent,
    "count": _Reading.on_count,
    "parts": _Reading.on_parts,
    "semi": _Reading.on_semicolon,
    "colon": _Reading.on_colon,
    "stop": _Reading.on_stop,
}
