"""Prose → table of contents and sections of paragraphs under their headings.

Headings are recognised by their numbering: 第X部分 (level 1), 一、 (level 2), （一） (level 3).
A numbered line is a heading only when it is short; long numbered lines are list paragraphs.
"""

from __future__ import annotations

import re

from budgetlint.ingest.base import Line
from budgetlint.model import Paragraph, Section
from budgetlint.recognise.normalise import CN_NUMERAL, clean, squash

_PART = re.compile(rf"^第[{CN_NUMERAL}\d]+部分")
_L2 = re.compile(rf"^[{CN_NUMERAL}]+[、．.]")
_L3 = re.compile(rf"^[（(][{CN_NUMERAL}]+[)）]")
_TOC = re.compile(r"^目\s*录$")
_HEADING_MAX = 40
# A list item's numbering at the start of a line: "(1)", "（一）", "1.", "2、", "一、" (not "2.5%").
ENUMERATED = re.compile(rf"^\s*(?:[(（][{CN_NUMERAL}\d]{{1,3}}[)）]|\d{{1,2}}[.、．,，](?!\d)|[{CN_NUMERAL}]{{1,3}}[、．.,，])")
# A page number printed as a line of its own: "- 24 -", "第 3 页", "第3页 共40页", "3/40".
_PAGE_NUMBER = re.compile(r"^[-—–－_\s]*(?:第\s*)?\d{1,4}(?:\s*页)?(?:\s*[/,，]?\s*共\s*\d{1,4}\s*页)?[-—–－_\s]*$"
                          r"|^\d{1,4}\s*/\s*\d{1,4}$")
# A running header or footer ("无锡市统计局2026年度部门预算公开" atop every page) is the first or
# last prose of its page on at least this many pages; a sentence of the explanation never repeats
# at page edges so often.
_RUNNING_MIN_PAGES = 3


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
        prov = line.provenance  # frozen: shared, not copied
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
        cells = tuple(clean(c) for c in line.cells if c.strip())
        stack[-1].paragraphs.append(Paragraph(text=text, provenance=prov, heading_path=path,
                                              cells=cells if len(cells) > 1 else ()))
    return toc, sections


def _edge_key(text: str) -> str:
    """What a running header keeps from page to page: its words, not the page number in it."""
    return re.sub(r"\d+", "#", squash(text))


def page_furniture(sections: list[Section]) -> set[int]:
    """``id()``s of the paragraphs that are page furniture, not prose: page numbers, and running
    headers and footers (the same words first or last on a page, page after page). They stay in
    the sections (the text rules read them) but no sentence runs on through them: "1.本年支出合计
    3,210.1万元。| - 24 - | 某局2026年度部门预算公开 | （1）一般公共服务支出…" is two sentences."""
    furniture: set[int] = set()
    by_page: dict[int, list[tuple[Paragraph | None, str]]] = {}
    for sec in sections:
        if sec.heading and sec.provenance.page is not None:
            by_page.setdefault(sec.provenance.page, []).append((None, sec.heading))
        for para in sec.paragraphs:
            if _PAGE_NUMBER.match(para.text.strip()):
                furniture.add(id(para))
            elif para.provenance.page is not None:
                by_page.setdefault(para.provenance.page, []).append((para, para.text))
    pages: dict[str, set[int]] = {}
    edges: list[tuple[Paragraph, str]] = []
    for page, items in by_page.items():
        for para, text in items[:1] + items[1:][-1:]:
            if para is None or text.rstrip().endswith(("。", "；", ";")):
                continue  # a heading, or a sentence
            key = _edge_key(text)
            pages.setdefault(key, set()).add(page)
            edges.append((para, key))
    furniture.update(id(p) for p, key in edges if len(pages[key]) >= _RUNNING_MIN_PAGES)
    return furniture
