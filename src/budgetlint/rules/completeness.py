"""Completeness: tables and sections a document announces or must contain (BL6xx).

What each kind of document must publish is data (``rules/vocab/completeness.toml``). A table the
reader could not recognise is not reported as missing when too few tables were recognised at all:
that is a reading problem, reported by the extraction rules.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path

from budgetlint.findings import Finding, Location
from budgetlint.ingest.notices import parse as parse_notice
from budgetlint.model import Document, Provenance, RowKind, Table
from budgetlint.recognise.normalise import squash
from budgetlint.recognise.vocab import default_vocabulary
from budgetlint.rules.registry import REGISTRY, rule

VOCAB = Path(__file__).resolve().parent / "vocab" / "completeness.toml"
_CLAUSE_MARK = re.compile(r"[。，,；;：:]")


@lru_cache(maxsize=1)
def vocab() -> dict:
    return tomllib.loads(VOCAB.read_text("utf-8"))


def _finding(rule_id: str, message: str, location: Location, evidence: str | None = None,
             expected=None, found=None) -> Finding:
    return REGISTRY[rule_id].finding(message, location, evidence=evidence, expected=expected, found=found)


def _at(prov: Provenance | None) -> Location:
    return Location(page=prov.page, line=prov.line, bbox=prov.bbox) if prov else Location()


def _kind_label(kind: str) -> str:
    return default_vocabulary().kinds.get(kind, kind)


def _states_zero(t: Table) -> bool:
    """Item rows whose amounts are written out as 0: the table itself says there is none."""
    return any(r.kind == RowKind.ITEM and any(not v.blank and v.amount == 0 for v in r.values.values())
               for r in t.rows)


def _enough_tables(doc: Document) -> bool:
    return len({t.kind for t in doc.tables if t.kind != "unknown"}) >= vocab()["required"]["min_tables"]


_LIST_NUMBER = re.compile(r"^[（(]?[一二三四五六七八九十百\d]+[)）、.．]|^第.{1,3}部分")
_TRAILING_NOTE = re.compile(r"[（(][^（()）]*[)）]$")


def _printed_kinds(doc: Document) -> set[str]:
    """Kinds of the tables whose titles the document prints as a line of their own, outside the
    table of contents, where no table was read: the table is there, the reader could not read it
    (a reading problem, not a missing table). A numbered line is a list of the tables, not one."""
    vocab_ = default_vocabulary()
    named = vocab()["required"].get("named", {})
    kinds: set[str] = set()
    for text, _ in _prose(doc):
        line = _TRAILING_NOTE.sub("", squash(text))
        if len(line) > 40 or not line.endswith("表") or _LIST_NUMBER.match(text.strip()):
            continue
        kinds |= {spec.kind for spec in vocab_.match_title(line)}
        kinds |= {kind for kind, words in named.items() if any(w in line for w in words)}
    return kinds


@rule("BL601", name="toc-table-missing", family="completeness", severity="warning",
      title="目录列出的表格在文档中没有找到")
def toc_table_missing(doc: Document) -> Iterator[Finding]:
    """## 检查什么
    目录中列出的每一张预算表（按表名识别表的种类）都应在文档中出现。
    ## 为什么重要
    目录列出而正文没有，说明漏附了表格。
    ## 示例
    目录有"九、国有资本经营预算支出情况表"，正文中没有这张表（也没有空表说明）。
    ## 不报的情形
    目录项不是表名；文档识别出的表格太少（多为读取问题，另由读取类规则提示）；文档单独印有这张表的
    表名而表格未能读取（读取问题，表格并没有漏附）。
    """
    if not doc.toc or not _enough_tables(doc):
        return
    vocab_ = default_vocabulary()
    present = {t.kind for t in doc.tables} | _printed_kinds(doc)
    seen: set[str] = set()
    for entry in doc.toc:
        specs = vocab_.match_title(entry)
        if not specs:
            continue
        kind = specs[0].kind
        if kind in present or kind in seen:
            continue
        seen.add(kind)
        yield _finding("BL601", f"目录列出「{entry}」，文档中没有找到这张表", Location(), evidence=entry,
                       expected=_kind_label(kind))


def _follows_template_set(extra: list[str], present: set[str], listed: set[str]) -> bool:
    """Whether a document recognised as a template follows its longer table set. The template is
    told from table titles many templates share, so only the set itself shows it: not when the
    document lists its own set of tables (BL601 holds it to that list), and only when at least half
    of the template's extra tables are printed or listed (a 基本支出表 alone is printed under many)."""
    if len(listed) >= vocab()["required"]["min_tables"]:
        return False
    return 2 * sum(1 for k in extra if k in present or k in listed) >= len(extra)


@rule("BL602", name="required-table-missing", family="completeness", severity="warning",
      title="缺少应公开的预算表")
def required_table_missing(doc: Document) -> Iterator[Finding]:
    """## 检查什么
    部门（单位）预算应公开的表格都在：收支总表、收入总表、支出总表、财政拨款收支总表、一般公共预算
    支出表、一般公共预算基本支出表、“三公”经费支出表、政府性基金预算支出表、国有资本经营预算支出表
    （没有数据的表也要以空表列示并说明）。按表名识别为某省模板的文档，还应有该模板规定的其他表格
    （山东：基本支出预算情况表、项目支出预算情况表、政府采购预算表；河北：政府采购预算表、
    固定资产占用情况表）。各类文档应有的表格见 `rules/vocab/completeness.toml`。
    ## 为什么重要
    缺表是预决算公开检查的首要问题。
    ## 示例
    部门预算中没有政府性基金预算支出表，也没有"本部门无政府性基金预算"的说明。
    ## 不报的情形
    文档类别没有规定表格（如单独的绩效目标文档）；识别出的表格太少（多为读取问题）。模板多出的表格：
    文档目录列出了自己的一套表格时不要求（目录与正文的差别由 BL601 检查），文档印出或列出的不到一半时
    也不要求（表名相同的模板很多，文档按九张表公开）。印有 `completeness.toml [required.equivalent]`
    所列等价表格的，视为已公开。文档单独印有这张表的表名（不在目录或编号列表中）而表格未能读取的，
    表格并没有漏附，是读取问题，不报。
    """
    required = vocab()["required"].get(doc.meta.kind.value)
    if not required or not _enough_tables(doc):
        return
    by_template = vocab()["required"].get("template", {}).get(doc.meta.template or "", {})
    extra = by_template.get(doc.meta.kind.value, [])
    present = {t.kind for t in doc.tables}
    listed = set(default_vocabulary().listed_kinds(doc.toc))
    if doc.meta.template_source != "user" and not _follows_template_set(extra, present, listed):
        extra = []  # a template the reviewer set holds the document to its whole set
    equivalent = vocab()["required"].get("equivalent", {})
    printed = _printed_kinds(doc)
    for kind in [*required, *extra]:
        if kind in printed:
            continue  # its title is printed: the table is there, unread (a reading problem)
        if kind not in present and not present & set(equivalent.get(kind, [])):
            where = (f"{default_vocabulary().templates.get(doc.meta.template, doc.meta.template)}的"
                     if kind in extra else "")
            yield _finding("BL602", f"{where}{doc.meta.kind.value}应公开{_kind_label(kind)}，文档中没有找到", Location(),
                           expected=_kind_label(kind))


def _prose(doc: Document) -> list[tuple[str, int | None]]:
    """Every line of prose with its page: headings and paragraphs."""
    out: list[tuple[str, int | None]] = []
    for sec in doc.sections:
        if sec.heading:
            out.append((sec.heading, sec.provenance.page))
        out.extend((p.text, p.provenance.page) for p in sec.paragraphs)
    return out


def _clauses(text: str) -> list[str]:
    # not squash(): it writes 、 as a comma, and an enumeration ("无A、B") is one clause
    return [c for c in re.split(r"[。；;，,！？]", re.sub(r"\s+", "", text)) if c]


def _states_none(clause: str, subject: str, v: dict) -> bool:
    """The clause says there is none of ``subject``: a none word shortly before it ("本单位无政府性
    基金预算支出、国有资本经营预算支出", "没有使用国有资本经营预算拨款") or a zero after it
    ("政府性基金拨款支出预算为0")."""
    at = clause.find(subject)
    if at < 0:
        return False
    before = clause[:at]
    for word in v["none_before"]:
        k = before.rfind(word)
        if k >= 0 and at - (k + len(word)) <= v["none_gap"]:
            return True
    return bool(_ZERO_AFTER.search(clause[at + len(subject):]))


_ZERO_AFTER = re.compile(r"(?:为|是)(?:0(?:\.0+)?(?![.\d])|零|空)|(?<![\d.,])0(?:\.0+)?万?元|空表|不涉及|未安排")


def _explained(t: Table, doc: Document, prose: list[tuple[str, int | None]], passages: list[str]) -> bool:
    """The document says the table has nothing in it: a note under it, a line in it ("此表为空"),
    a line of prose on its page ("故此表无数据"), or the explanation saying there is none of what the
    table shows ("本单位无政府性基金预算支出", "国有资本经营预算拨款支出预算为0")."""
    v = vocab()["empty"]
    words = tuple(v["note_words"])
    if t.empty_note or any(w in squash(n) for n in t.notes for w in words):
        return True
    if any(w in squash(x) for r in t.rows for x in (r.label, *r.texts.values()) for w in words):
        return True
    pages = set(t.pages) | {t.provenance.page}
    if any(page in pages and "表" in text and any(w in squash(text) for w in words) for text, page in prose):
        return True
    subjects = v["subject"].get(t.kind, [])
    return any(_states_none(c, s, v) for text in passages for c in _clauses(text) for s in subjects)


def _passages(doc: Document) -> list[str]:
    """Each section's prose as one text: a sentence runs on over the lines a page breaks it into
    ("一般公共预算拨 | 款支出预算为0")."""
    return ["".join(p.text for p in sec.paragraphs) for sec in doc.sections if sec.paragraphs]


@rule("BL603", name="empty-table-without-note", family="completeness", severity="warning",
      title="空表没有说明")
def empty_table_without_note(doc: Document) -> Iterator[Finding]:
    """## 检查什么
    没有任何数据的表格应附说明（如"注：本部门无政府性基金预算拨款安排的支出，故本表为空表"）。
    ## 为什么重要
    没有说明的空表，读者无法判断是确实没有，还是漏填。
    ## 示例
    国有资本经营预算支出情况表只有表头和一行空的合计，表下和说明中都没有交代。
    ## 不报的情形
    表中有非零金额；表格有说明（表下的注、表内"此表为空"、同页的"故此表无数据"）；预算说明写明
    没有该项资金（"本单位无政府性基金预算支出"、"国有资本经营预算拨款支出预算为0"，各类表对应的
    资金见 `completeness.toml [empty.subject]`）；表格没有读到任何行或无法可靠读取（读取问题）；明细行的
    金额明确写为 0（表格本身已说明为零）。文档中一半以上的表都是没有说明的空表时（未填写的模板），
    只报一条，列出这些表。
    """
    prose, passages = _prose(doc), _passages(doc)
    checked = [t for t in doc.tables if t.rows and t.quality.readable and t.amount_columns]
    bare = [t for t in checked if not t.empty_note and t.is_empty and not _states_zero(t)
            and not _explained(t, doc, prose, passages)]
    if len(bare) >= 3 and 2 * len(bare) >= len(checked):
        # One problem, one finding: a document whose tables are mostly blank is an unfilled template.
        titles = "".join(f"「{t.title}」" for t in bare)
        yield _finding("BL603", f"{len(bare)} 张表都没有数据，也没有空表说明（占文档表格的一半以上，像是未填写的模板）："
                                f"{titles}", Location.of(bare[0]))
        return
    for t in bare:
        yield _finding("BL603", f"「{t.title}」没有数据，也没有空表说明", Location.of(t))


@rule("BL604", name="empty-note-contradicts-table", family="completeness", severity="error",
      title="空表说明与表中数据矛盾")
def empty_note_contradicts_table(doc: Document) -> Iterator[Finding]:
    """## 检查什么
    表格附有"无……，空表列示"的说明，表中却有非零金额。
    ## 为什么重要
    说明与数据必有一处错误；常见于套用模板后填入了错误的数字。
    ## 示例
    固定资产占用情况表列出固定资产总额 856766.73 万元，表下注"无固定资产占用情况，空表列示"。
    ## 不报的情形
    表中金额全为 0 或空；无法可靠读取的表。
    """
    for t in doc.tables:
        if not t.empty_note or not t.quality.readable or t.is_empty:
            continue
        cells = [(r, k, v) for r in t.rows for k, v in r.values.items() if v.amount and not v.blank]
        r, k, v = cells[0]
        yield _finding("BL604", f"「{t.title}」注明「{t.empty_note}」，表中却有金额（如「{r.label or '第' + str(r.index + 1) + '行'}」"
                                f" {v.raw.strip()}）", Location.of(t, r, k), evidence=t.empty_note, found=v.amount)


@rule("BL605", name="announced-section-empty", family="completeness", severity="warning",
      title="标题下没有内容")
def announced_section_empty(doc: Document) -> Iterator[Finding]:
    """## 检查什么
    说明部分的每个标题下都有内容：正文、表格、绩效目标表或下级标题。
    ## 为什么重要
    有标题无内容，说明该部分漏写，或文档被截断。
    ## 示例
    名词解释最后一条"三十七、住房保障(类)住房改革(款)住房公积金(项)："之后文档结束。
    ## 不报的情形
    标题后紧接下级标题、表格或绩效目标表；目录中的条目。
    """
    def pos(p) -> tuple[int, int]:
        # Sheets and pages each number their lines from 1: order by (page, line).
        return (p.page or 0, p.line)

    marks = sorted([pos(t.provenance) for t in doc.tables if t.provenance.line is not None]
                   + [pos(f.provenance) for f in doc.forms if f.provenance.line is not None])
    secs = [s for s in doc.sections if s.heading and s.provenance.line is not None]
    for i, sec in enumerate(secs):
        if sec.paragraphs:
            continue
        nxt = secs[i + 1] if i + 1 < len(secs) else None
        if nxt is not None and nxt.level > sec.level:
            continue  # sub-headings follow
        end = pos(nxt.provenance) if nxt is not None else None
        if any(m > pos(sec.provenance) and (end is None or m < end) for m in marks):
            continue
        where = "文档在此结束" if nxt is None else f"下一标题为「{nxt.heading}」"
        yield _finding("BL605", f"标题「{sec.heading}」下没有内容（{where}）", _at(sec.provenance), evidence=sec.heading)


def _scope_of(text: str) -> str | None:
    key = squash(text)
    for term in vocab()["scope_terms"]["words"]:
        key = key.replace(term, "")
    found = {scope for scope, words in vocab()["scope"].items() if any(w in key for w in words)}
    return next(iter(found)) if len(found) == 1 else None


@rule("BL606", name="headings-contradict", family="completeness", severity="warning",
      title="标题中的部门与单位说法不一致")
def headings_contradict(doc: Document) -> Iterator[Finding]:
    """## 检查什么
    文档的标题说它是部门预算（决算）还是单位预算（决算），目录和各级标题应与之一致：
    部门预算写"部门概况""部门预算表"，单位预算写"单位概况""单位预算表"。
    ## 为什么重要
    前后说法不一说明套用了其他文档的模板而未修改，也使读者无法确定公开主体的范围。
    ## 示例
    标题"2024 年××局部门预算"，目录写"第一部分 单位概况"。
    ## 不报的情形
    正文段落中的叙述（"纳入部门预算管理"是通行说法）；标题未说明文档类别。
    """
    scope = {"部门预算": "部门", "部门决算": "部门", "单位预算": "单位", "单位决算": "单位"}.get(doc.meta.kind.value)
    if scope is None:
        return
    reported: set[str] = set()
    candidates: list[tuple[str, Provenance | None, str]] = [(e, None, "目录") for e in doc.toc]
    for sec in doc.sections:
        if sec.heading:
            candidates.append((sec.heading, sec.provenance, "标题"))
        for p in sec.paragraphs:
            # A short line that reads as a title: a piece of a sentence a line break cut off
            # ("本单位无独立核算下属单位，单位预算为本级预算，本单") has clause punctuation in it.
            if len(p.text) <= 30 and not _CLAUSE_MARK.search(p.text):
                candidates.append((p.text, p.provenance, "标题"))
    for text, prov, what in candidates:
        other = _scope_of(text)
        key = squash(text)
        if other is None or other == scope or key in reported:
            continue
        reported.add(key)
        yield _finding("BL606", f"文档为{doc.meta.kind.value}，{what}却写「{text}」", _at(prov), evidence=text,
                       expected=scope, found=other)


@rule("BL607", name="blank-page", family="completeness", severity="warning", title="文档中有多余的空白页")
def blank_page(doc: Document) -> Iterator[Finding]:
    """## 检查什么
    PDF 中没有任何文字、图片或线条的页面（读取时发现）。
    ## 为什么重要
    多余的空白页是公开检查表中常见的问题（"目录后有一页多余的空白页，建议删除"）。
    ## 示例
    目录之后的第 3 页是空白页。
    ## 不报的情形
    有任何可见内容的页面（只有页码、只有表格线的页面不算空白）；扫描件（页面是图片）；不是 PDF 的文档。
    """
    for note in doc.notes:
        notice = parse_notice(note)
        if notice and notice.kind == "blank":
            yield _finding("BL607", f"第 {notice.page} 页是空白页，建议删除", Location(page=notice.page))


def _all_text(doc: Document) -> str:
    parts = [text for text, _ in _prose(doc)] + [t.title for t in doc.tables] + list(doc.toc)
    return squash("\n".join(parts))


@rule("BL608", name="explanation-missing", family="completeness", severity="warning",
      title="缺少应公开的情况说明")
def explanation_missing(doc: Document) -> Iterator[Finding]:
    """## 检查什么
    部门（单位）预决算的说明部分应说明：机关运行经费、“三公”经费、政府采购、国有资产占有使用情况、
    绩效目标（绩效管理）。每项按词表 `completeness.toml [explanations.topics]` 中的用语在正文、标题
    和表名中查找，都没有出现的报告一次。
    ## 为什么重要
    这些是预决算公开的法定内容（《地方预决算公开操作规程》），缺少是检查表中的"否"。
    ## 示例
    部门预算的说明中没有政府采购预算情况。
    ## 不报的情形
    只有表格、说明另行公开的文件（带句号的正文行少于词表的 `min_paragraphs`）；识别出的表格太少；不是
    部门（单位）预决算的文档。
    """
    conf = vocab()["explanations"]
    if doc.meta.kind.value not in conf["kinds"] or not _enough_tables(doc):
        return
    # a narrative is sentences ("。"), not the table titles and notes of a tables-only file
    sentences = sum(1 for sec in doc.sections for p in sec.paragraphs if not p.cells and "。" in p.text)
    if sentences < conf["min_paragraphs"]:
        return
    text = _all_text(doc)
    for topic, words in conf["topics"].items():
        if not any(w in text for w in words):
            yield _finding("BL608", f"{doc.meta.kind.value}的说明中没有找到{topic}的说明", Location(), expected=topic)
