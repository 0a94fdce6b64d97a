"""The narrative vocabulary (``templates/narrative.toml``): the subjects a 情况说明 names, the words
of direction, parts, comparison and funds, and the one token pattern that reads a paragraph."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from budgetlint.recognise.normalise import squash
from budgetlint.recognise.word_regex import alternation

VOCAB = Path(__file__).resolve().parents[2] / "templates" / "narrative.toml"

_NUM = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
# A 功能分类 item named in prose (squashed): one to three "名称（[代码]类|款|项）" in a row, or a quoted
# name followed by 科目. Names are Chinese characters only (no punctuation), so a list is not one item.
ITEM_NAME = r'[\u4e00-\u9fff]{2,40}?(?:\((?!\d*[类款项]\))[\u4e00-\u9fff]{1,6}\)[\u4e00-\u9fff]{0,20}?)?'  # 中医(民族)医院
# Inside a "名称（项）" segment a name may hold "、" (squashed to ","): 执业资格注册、资质审查（项）.
SEGMENT_NAME = rf'{ITEM_NAME}(?:,[\u4e00-\u9fff]{{1,20}})*'
_SEG = rf'"?{SEGMENT_NAME}"?\((?:\d{{2,7}})?[类款项]\)'
_ITEM = rf'"?(?:{_SEG}){{1,3}}"?|"{ITEM_NAME}(?:-{ITEM_NAME}){{0,2}}"科目|(?<!\d)(?:\d{{3}}|\d{{5}}|\d{{7}})-{ITEM_NAME}(?=\d)'
# What each branch of _ITEM cannot match without: a segment ends in "类)", "款)" or "项)", a quoted
# name is followed by '"科目', a coded name holds "-".
_ITEM_NEEDS = ("类)", "款)", "项)", '"科目', "-")


def may_name_item(text: str) -> bool:
    """Whether an item token (``_ITEM``) can stand anywhere in ``text``; where not, the paragraph
    is read with ``Vocab.plain``, the same tokens less the item branch."""
    return any(w in text for w in _ITEM_NEEDS)


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
    narrowing_headings: tuple[str, ...] = ()
    funds: dict[str, tuple[str, ...]] = field(default_factory=dict)  # [funds] key → words
    this_year: tuple[str, ...] = ()
    performance: tuple[str, ...] = ()
    base_follows: tuple[str, ...] = ()  # compare words after which the base is named ("比2025年执行数…")
    roughly: tuple[str, ...] = ()  # "基本" in "基本持平"
    roughly_flat_max_percent: Decimal = Decimal(0)
    subject_gap: re.Pattern[str] = re.compile("")  # words allowed between a subject and its figure
    three_public_shapes: tuple[str, ...] = ()  # the 三公 table's print shapes claims bind to
    plain: re.Pattern[str] = re.compile("")  # ``pattern`` whose item branch never matches


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
        return alternation(words)  # longest first, as a trie

    roughly = alt(direction["roughly"])

    phrases = data["phrases"]

    def rx(words) -> str:
        return "|".join(f"(?:{w})" for w in words)

    tokens = (
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
    pattern = re.compile(tokens)
    # the same tokens for a paragraph where no item can stand (``may_name_item``): the item
    # branch, tried first at every Chinese character, costs half the scan
    plain = re.compile(tokens.replace(f"(?P<item>{_ITEM})", "(?P<item>(?!))", 1))
    followers = {s["key"]: s["after_count"] for s in data["subject"] if "after_count" in s}
    neutral = re.compile(data["clause_start"]["pattern"])
    fi = data["function_item"]
    scopes = tuple((tuple(squash(w) for w in sc["words"]), tuple(sc["tables"])) for sc in fi["scopes"])
    funds = {k: tuple(squash(w) for w in ws) for k, ws in data["funds"].items()}
    return Vocab(subjects, by_word, tuple(data["excluded_sections"]["words"]), exhaustive, partial,
                 up, down, flat, followers, neutral, pattern, scopes, tuple(fi["default_tables"]),
                 tuple(fi["columns"]), re.compile(fi["lead"]),
                 tuple(squash(w) for w in data["whole"]["narrowing_headings"]), funds,
                 tuple(squash(w) for w in data["readings"]["this_year"]),
                 tuple(squash(w) for w in data["performance"]["words"]),
                 tuple(data["compare"]["base_follows"]), tuple(direction["roughly"]),
                 Decimal(str(direction["roughly_flat_max_percent"])),
                 re.compile(f"(?:{alt(data['subject_gap']['words'])})*"),
                 tuple(data["three_public"]["bind_shapes"]), plain)
