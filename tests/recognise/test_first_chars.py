"""The scan that tries a pattern only where a match can begin finds finditer's matches."""

from __future__ import annotations

import re

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from budgetlint.recognise.claims.vocab import vocab
from budgetlint.recognise.first_chars import first_class, scan

_PATTERNS = [
    r"(?<![\d.])\d+(?:\.\d+)?万元|增加|减少",
    r"(?P<a>(?!))|(?P<b>支出(?:预算)?)|(?P<c>[0-9]+%)|(?P<d>。)",
    r"(?:上年)?(?:基本)?持平",  # optional words before the one that must be there
    r"(?=收)收入|(?<=比)上年",
    r"[a-c\d\s]x|y{2,3}|(?:z|w)+q",
    r"(?>ab|a)c|\bword",
]
_TEXT = st.text(alphabet=st.sampled_from(list("支出预算收入比上年基本持平增加减少万元。，%.0123456789 abcxyzwq１")),
                max_size=60)


def _same(pattern: re.Pattern[str], text: str) -> None:
    got = [(m.span(), m.lastgroup, m.groups()) for m in scan(pattern, text)]
    want = [(m.span(), m.lastgroup, m.groups()) for m in pattern.finditer(text)]
    assert got == want


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(_PATTERNS), _TEXT)
@example(_PATTERNS[0], "1.5万元增加2万元")  # the lookbehind sees the text before the position tried
def test_scan_finds_what_finditer_finds(source, text):
    pattern = re.compile(source)
    assert first_class(pattern) is not None
    _same(pattern, text)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("2026年收入预算支出较上年增加减少1234.5万元%；。：其中一般公共预算财政拨款基本持平下降（）"
                                             "人员经费公用“三公”")), max_size=80))
def test_the_narrative_tokens_scan_as_finditer_reads_them(text):
    """The claims' token patterns (with and without the item branch) are scanned where they can
    begin; the tokens and their groups are finditer's."""
    v = vocab()
    for pattern in (v.pattern, v.plain):
        assert first_class(pattern) is not None
        _same(pattern, text)


@pytest.mark.parametrize("source", [
    r"a*",            # matches empty: anywhere
    r"[^a]b",         # begins with almost anything
    r"x|.y",
    r"(a)?\1b",       # a back reference where a match may begin is not read
    r"(?i)abc",       # case folded
    r"(?:x?)(?=y)",   # nullable through a lookahead
])
def test_patterns_it_cannot_read_are_left_to_finditer(source):
    pattern = re.compile(source)
    assert first_class(pattern) is None
    for text in ("", "abcab", "xyy aab"):
        _same(pattern, text)


def test_a_branch_that_never_matches_adds_no_first_character():
    assert first_class(re.compile(r"(?!)|ab")).pattern == "[a]"
    assert first_class(re.compile(r"(?!)")).search("anything") is None
