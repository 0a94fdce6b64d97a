"""A pattern of many alternatives scanned only where a match can begin.

``pattern.finditer(text)`` enters the whole pattern at every position of the text. With a token
pattern of twenty alternatives (the narrative's amounts, percentages, directions, subjects …),
each with its own lookbehind, that is twenty tests per character, and Python's ``re`` cannot
skip ahead, as it does for a pattern that starts with a literal or a character class. Most
characters of a paragraph begin no token: ``first_class`` reads from the pattern every character
a match can begin with, one character class that ``re`` scans for quickly, and ``scan`` tries the
pattern only at those positions. The matches are ``finditer``'s, one for one: a position that is
skipped is one where no match can begin, lookbehinds still see the text before the position
(``Pattern.match(text, pos)``), and a pattern whose match may be empty, or may begin with any
character, is left to ``finditer``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

try:  # the parser behind ``re`` (CPython 3.11 on); without it every scan is a plain finditer
    from re import _constants as _c
    from re import _parser as _p
except ImportError:  # pragma: no cover
    _c = _p = None


class _Unsure(Exception):
    """The pattern holds something whose first characters are not read here."""


_CATEGORIES = {"CATEGORY_DIGIT": r"\d", "CATEGORY_SPACE": r"\s", "CATEGORY_WORD": r"\w"}


@lru_cache(maxsize=64)
def first_class(pattern: re.Pattern[str]) -> re.Pattern[str] | None:
    """One character class matching every character a match of ``pattern`` can begin with, or
    None where that cannot be told: the pattern folds case, a match may be empty, or begin with
    any character, or it uses a construct this does not read (back references, conditionals)."""
    if _p is None or not isinstance(pattern.pattern, str) or pattern.flags & re.IGNORECASE:
        return None
    try:
        parts, nullable = _first(_p.parse(pattern.pattern, pattern.flags))
    except (_Unsure, re.error, ValueError, TypeError):
        return None
    if nullable:
        return None
    if not parts:
        return re.compile(r"(?!)")  # the pattern never matches
    return re.compile("[" + "".join(sorted(parts)) + "]")


def _first(items) -> tuple[set[str], bool]:
    """(class items for the first character, whether the sequence can match empty)."""
    parts: set[str] = set()
    for op, av in items:
        if op is _c.LITERAL:
            parts.add(re.escape(chr(av)))
            return parts, False
        if op is _c.IN:
            parts |= _class_items(av)
            return parts, False
        if op is _c.SUBPATTERN:
            _group, add_flags, _del_flags, sub = av
            if add_flags & re.IGNORECASE:
                raise _Unsure
            found, nullable = _first(sub)
        elif op is getattr(_c, "ATOMIC_GROUP", None):
            found, nullable = _first(av)
        elif op is _c.BRANCH:
            found, nullable = set(), False
            for branch in av[1]:
                more, empty = _first(branch)
                found |= more
                nullable = nullable or empty
        elif op in (_c.MAX_REPEAT, _c.MIN_REPEAT) or op is getattr(_c, "POSSESSIVE_REPEAT", None):
            low, high, sub = av
            found, empty = _first(sub)
            nullable = low == 0 or high == 0 or empty
        elif op is _c.ASSERT_NOT and not av[1]:
            return parts, False  # "(?!)": what follows never matches, so nothing more begins here
        elif op in (_c.ASSERT, _c.ASSERT_NOT, _c.AT):
            continue  # takes no character: the next item's first characters are the sequence's
        else:
            raise _Unsure
        parts |= found
        if not nullable:
            return parts, False
    return parts, True


def _class_items(items) -> set[str]:
    out: set[str] = set()
    for op, av in items:
        if op is _c.LITERAL:
            out.add(re.escape(chr(av)))
        elif op is _c.RANGE:
            out.add(f"{re.escape(chr(av[0]))}-{re.escape(chr(av[1]))}")
        elif op is _c.CATEGORY and str(av) in _CATEGORIES:
            out.add(_CATEGORIES[str(av)])
        else:
            raise _Unsure  # a negated class or category: a match may begin with almost anything
    return out


def scan(pattern: re.Pattern[str], text: str) -> Iterator[re.Match[str]]:
    """``pattern.finditer(text)``, the pattern tried only where ``first_class`` says a match can
    begin."""
    first = first_class(pattern)
    if first is None:
        yield from pattern.finditer(text)
        return
    search, match = first.search, pattern.match
    pos = 0
    while (at := search(text, pos)) is not None:
        start = at.start()
        m = match(text, start)
        if m is None:
            pos = start + 1
            continue
        yield m
        pos = m.end()  # never empty: first_class is None for a pattern that can match empty
