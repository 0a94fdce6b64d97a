"""Claims read from the prose: each paragraph of the explanation part of ``doc.sections`` → the
claims it states, with their figures, parts and the subject the sentence speaks of.

Text is matched on ``squash()``ed paragraphs (no spaces, "，" → ",", "；" → ";", brackets folded).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

from budgetlint.model import Claim, DocKind, Document, Figure, Provenance, Section, Unit
from budgetlint.recognise.claims.vocab import ITEM_NAME, SEGMENT_NAME, Vocab, vocab
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
            unit = Unit.ending(tok)
            fig = _figure(tok[: -len(unit.value)], unit)
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
