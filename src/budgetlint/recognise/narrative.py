"""Prose → table of contents and sections of paragraphs under their headings.

Headings are recognised by their numbering: 第X部分 (level 1), 一、 (level 2), （一） (level 3).
A numbered line is a heading only when it is short; long numbered lines are list paragraphs.
"""

from __future__ import annotations

import re

from budgetlint.ingest.base import Line
from budgetlint.model import Paragraph, Provenance, Section
from budgetlint.recognise.normalise import CN_NUMERAL, clean, squash

_PART = re.compile(rf"^第[{CN_NUMERAL}\d]+部分")
_L2 = re.compile(rf"^[{CN_NUMERAL}]+[、．.]")
_L3 = re.compile(rf"^[（(][{CN_NUMERAL}]+[)）]")
_TOC = re.compile(r"^目\s*录$")
_HEADING_MAX = 40


def heading_level(text: str) -> int | None:
    t = text.strip()
    if _PART.match(t) and len(t) <= _HEADING_MAX:
        return 1
    if len(t) > _HEADING_MAX or t.endswith(("。", "；", "，")):
        return None
    if _L2.match(t):
        return 2
    if _L3.match(t):
        return 3
    return None


def _toc_entry(text: str) -> str:
    t = re.sub(r"^[-*•]\s*", "", text.strip())
    return re.sub(r"[.…·]{3,}\s*\d*$", "", t).strip()


def recognise_narrative(lines: list[Line]) -> tuple[list[str], list[Section]]:
    """``lines`` are the document's lines that no table or form consumed."""
    toc: list[str] = []
    sections: list[Section] = []
    in_toc = False
    stack: list[Section] = []
    toc_seen_parts: set[str] = set()
    for line in lines:
        text = clean(" ".join(c for c in line.cells if c.strip()))
        if not text:
            continue
        if _TOC.match(text) or squash(text).endswith("目录") and len(squash(text)) <= 20:
            in_toc = True
            continue
        if in_toc:
            key = squash(_toc_entry(text))
            # The TOC ends where its first entry comes round again as a real heading.
            if _PART.match(text) and key in toc_seen_parts and not line.is_tabular:
                in_toc = False
            elif text.startswith(("-", "•", "*")) or heading_level(text) or re.search(r"[.…]{3,}\s*\d+$", text):
                entry = _toc_entry(text)
                if entry:
                    toc.append(entry)
                    if _PART.match(entry):
                        toc_seen_parts.add(squash(entry))
                continue
            else:
                in_toc = False
        level = heading_level(text)
        prov = Provenance(line=line.provenance.line, page=line.provenance.page, bbox=line.provenance.bbox)
        if level:
            sec = Section(heading=text, level=level, provenance=prov)
            while stack and stack[-1].level >= level:
                stack.pop()
            stack.append(sec)
            sections.append(sec)
            continue
        if not sections:
            sec = Section(heading="", level=0, provenance=prov)
            sections.append(sec)
            stack.append(sec)
        path = tuple(s.heading for s in stack if s.heading)
        stack[-1].paragraphs.append(Paragraph(text=text, provenance=prov, heading_path=path))
    return toc, sections
