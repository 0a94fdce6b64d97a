"""Text clean-up shared by every recogniser: converter debris, full-width forms, stray spaces.

Two levels: ``clean`` keeps the words as printed (for evidence and display); ``squash`` removes
all whitespace and folds full-width forms and bracket variants, for matching against vocabularies.
"""

from __future__ import annotations

import html
import re
import unicodedata
from functools import lru_cache

_TAG = re.compile(r"</?[a-zA-Z][^>]*>")
_LATEX_MATH = re.compile(r"\$([^$]*)\$")
_LATEX_CMDS = {
    r"\leq": "≤", r"\le": "≤", r"\geq": "≥", r"\ge": "≥", r"\neq": "≠", r"\times": "×",
    r"\%": "%", r"\lt": "<", r"\gt": ">", r"\sim": "~", r"\cdot": "·",
}
_LATEX_CMD = re.compile(r"\\[a-zA-Z]+|\\%")
_MD_EMPH = re.compile(r"\*\*|__|(?<!\w)\*(?!\s)|`")
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)
# NFKC folds full-width digits, letters and ％ but would also turn （） into (): keep brackets.
# One table (each full-width form and its NFKC form), applied with the invisible characters' in
# one ``str.translate``: ``clean`` runs on every cell and line.
_CLEAN = {**_INVISIBLE, **{c: unicodedata.normalize("NFKC", chr(c)) for c in range(0xFF01, 0xFF5F)
                           if chr(c) not in "（），：；！？"}}
_SPACE = re.compile(r"[ \t\u3000\u00a0]+")
_WHITESPACE = re.compile(r"\s+")  # compiled once: squash runs on every new line and cell
_ASCII_WORD = re.compile(r"[A-Za-z0-9]")
_CJK = r"\u3400-\u9fff\uf900-\ufaff"
_CJK_GAP = re.compile(rf"(?<=[{_CJK}（）()“”、，：；])\s+(?=[{_CJK}（）()“”、，：；])")

# Bracket and punctuation variants that mean the same in a label.
_FOLD = str.maketrans({"（": "(", "）": ")", "【": "[", "】": "]", "“": '"', "”": '"',
                       "‘": "'", "’": "'", "：": ":", "，": ",", "、": ",", "；": ";", "－": "-",
                       "—": "-", "―": "-", "─": "-", "–": "-"})


def _latex(m: re.Match[str]) -> str:
    body = m.group(1)
    body = _LATEX_CMD.sub(lambda c: _LATEX_CMDS.get(c.group(0), ""), body)
    return body.replace("{", "").replace("}", "").strip()


def strip_markup(text: str) -> str:
    """Remove HTML tags and entities, LaTeX math wrappers and markdown emphasis."""
    if "<" in text:
        text = _TAG.sub("", text)
    if "&" in text:
        text = html.unescape(text)
    if "$" in text:
        text = _LATEX_MATH.sub(_latex, text)
    if "\\" in text:
        text = _LATEX_CMD.sub(lambda c: _LATEX_CMDS.get(c.group(0), c.group(0)), text)
    if "*" in text or "_" in text or "`" in text:
        text = _MD_EMPH.sub("", text)
    return text


@lru_cache(maxsize=1 << 16)
def clean(text: str) -> str:
    """Printed text without markup or invisible characters; CJK words re-joined; NFKC digits."""
    text = strip_markup(text).translate(_CLEAN)
    text = _SPACE.sub(" ", text).strip()
    # Converters break words with spaces ("社会保障和就业支 出"); Chinese prose has no spaces.
    return _CJK_GAP.sub("", text)


@lru_cache(maxsize=1 << 16)
def squash(text: str) -> str:
    """Matching key: clean, then no whitespace at all and one form per bracket/punctuation."""
    return _WHITESPACE.sub("", clean(text)).translate(_FOLD)


CN_NUMERAL = "一二三四五六七八九十百零〇"
_ENUM_PREFIX = re.compile(
    rf"^\s*(?:[（(]?[{CN_NUMERAL}]+[)）、．.]|[（(]\d+[)）]|\d+[、．.](?!\d)|其中[:：]?)\s*"
)


@lru_cache(maxsize=1 << 16)  # labels and cells are stripped again by each recogniser that reads them
def strip_enumeration(text: str) -> str:
    """Drop list numbering such as "一、", "（三）", "2." and "其中：" from a label."""
    prev = None
    while prev != text:
        prev, text = text, _ENUM_PREFIX.sub("", text)
    return text


def join_wrapped(parts: list[str]) -> str:
    """Join the lines of one wrapped cell: CJK joins directly, Latin words get a space.

    (A PDF cell's lines are joined by ``ingest/pdf.py`` from their geometry instead: there a
    wrap between two non-CJK runs was a printed space.)"""
    out = ""
    for p in parts:
        p = p.strip()
        if not p:
            continue
        if out and _ASCII_WORD.match(out[-1]) and _ASCII_WORD.match(p[0]):
            out += " "
        out += p
    return out
