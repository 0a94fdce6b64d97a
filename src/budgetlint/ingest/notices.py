"""Notes ingest writes about what a reader sees on the page, in a wording rules can read back.

A note is a Chinese sentence in ``Source.notes`` (and ``Document.notes``). Two kinds are facts about
the published page that a reviewer would point out, not reading problems: a blank page, and text cut
off by the page's clipping so that only part of it shows. Rules (BL706, BL607) read them back with
``parse``; the wording is fixed here, where it is written.
"""

from __future__ import annotations

import re
from typing import NamedTuple

_BLANK = "第 {page} 页是空白页（没有任何文字、图片或线条）"
_CLIPPED = "第 {page} 页有文字被裁切，页面上只显示了一部分：「{text}」"
_BLANK_RE = re.compile(r"^第 (\d+) 页是空白页")
_CLIPPED_RE = re.compile(r"^第 (\d+) 页有文字被裁切，页面上只显示了一部分：「(.*)」$", re.S)


class PageNotice(NamedTuple):
    kind: str  # "blank" | "clipped"
    page: int
    text: str


def blank_page(page: int) -> str:
    return _BLANK.format(page=page)


def clipped_text(page: int, text: str) -> str:
    return _CLIPPED.format(page=page, text=text[:60])


def parse(note: str) -> PageNotice | None:
    """The notice a note carries, or None for any other note."""
    m = _BLANK_RE.match(note)
    if m:
        return PageNotice("blank", int(m.group(1)), "")
    m = _CLIPPED_RE.match(note)
    if m:
        return PageNotice("clipped", int(m.group(1)), m.group(2))
    return None
