"""The trie of words (``word_regex.alternation``) against the longest-first alternation it
replaces, and the test that lets a paragraph be read without the item branch."""

from __future__ import annotations

import re

from hypothesis import example, given, settings
from hypothesis import strategies as st

from budgetlint.recognise.claims.vocab import _ITEM, may_name_item, vocab
from budgetlint.recognise.word_regex import alternation

# a small alphabet, so that words share beginnings and stand inside one another
_words = st.lists(st.text(alphabet="预算支出收入", min_size=1, max_size=5), min_size=1, max_size=12)
_texts = st.text(alphabet="预算支出收入x", max_size=40)


def _longest_first(words) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


def _tokens(pattern: str, text: str) -> list[tuple[tuple[int, int], str | None]]:
    return [(m.span(), m.lastgroup) for m in re.finditer(pattern, text)]


@settings(max_examples=400, deadline=None)
@given(_words, _texts)
def test_trie_finds_what_the_longest_first_alternation_finds(words, text):
    for shape in ("(?P<w>{})", "(?P<w>{})(?!出)", "(?P<w>{})入", "(?:{})+", "x(?:{})?算"):
        assert _tokens(shape.format(alternation(words)), text) == _tokens(shape.format(_longest_first(words)), text)


def test_alternation_of_no_words_is_the_empty_pattern():
    assert alternation([]) == "" == _longest_first([])


def test_trie_shares_beginnings():
    assert alternation(["一般公共预算", "一般公共预算支出", "一般性"]) == "一般(?:公共预算(?:支出)?|性)"


# pieces from which the item token can be built, and pieces that come near it
_pieces = st.lists(st.sampled_from(["一般公共服务", "支出", "(类)", "(款)", "(项)", "(201)", "(2010301类)", '"',
                                    "科目", "-", "2010301", "201", "103", ",", "行政运行", "合计", "100万元", "。"]),
                   max_size=12)


@settings(max_examples=600, deadline=None)
@given(_pieces)
@example(["201", "-", "行政运行", "2010301"])  # a coded name
@example(['"', "一般公共服务", '"', "科目"])  # a quoted name
@example(["一般公共服务", "(项)"])
def test_an_item_is_only_found_where_may_name_item_says_it_may_be(pieces):
    text = "".join(pieces)
    if re.search(_ITEM, text):
        assert may_name_item(text), text


@settings(max_examples=300, deadline=None)
@given(_pieces)
@example(["201", "-", "行政运行", "2010301"])
def test_the_plain_pattern_reads_as_the_full_one_where_no_item_may_stand(pieces):
    text = "".join(pieces)
    v = vocab()
    if not may_name_item(text):
        assert ([(m.span(), m.lastgroup) for m in v.plain.finditer(text)]
                == [(m.span(), m.lastgroup) for m in v.pattern.finditer(text)])
