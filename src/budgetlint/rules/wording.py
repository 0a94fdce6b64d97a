"""Wording a reviewer checks in the prose (BL706–BL713): text that does not display, punctuation,
a missing full stop, template wording left in, cut-off sentences, years that do not fit the
document, scope wording, outdated classification names. Warnings: the reviewer confirms them.

Prose is read as *passages*: the lines of one paragraph joined again. A PDF line that reaches the
right margin runs on into the next line (and over a page break); a shorter line ends its paragraph.
Where the format has no geometry every line is a paragraph. Word lists: ``rules/vocab/wording.toml``.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from budgetlint.findings import Finding, Location
from budgetlint.ingest.notices import parse as parse_notice
from budgetlint.model import CodeScheme, DocKind, Document, Provenance
from budgetlint.recognise.normalise import clean
from budgetlint.rules.common import last_document
from budgetlint.rules.registry import REGISTRY, rule

VOCAB = Path(__file__).resolve().parent / "vocab" / "wording.toml"
# Private-use characters a font without a Unicode mapping gives, the replacement character, controls.
# U+F000–U+F0FF is where symbol fonts (Wingdings, Symbol) put their glyphs: a checkbox or bullet
# that shows on the page as drawn.
_UNMAPPED = re.compile(r"[\ue000-\uefff\uf100-\uf8ff\ufffd\x00-\x08\x0b\x0c\x0e-\x1f]")
_CLOSED = re.compile(r"[。！？；;!?]$")
_FRAGMENT = re.compile(r"^[\u4e00-\u9fff]{1,2}[，。；、,;]")
_END_MARK = re.compile(r"[。！？；;：:!?…”’）)》】」』.、，,]$")
_LIST_START = re.compile(r"^\s*(?:[（(][一二三四五六七八九十\d]+[)）]|[一二三四五六七八九十]+、|\d+[、.．]\D|第[一二三四五六七八九十]+|[①-⑳])")
# compiled once: the passages and the rules that read them run per paragraph
_UNBROKEN = re.compile(r"[0-9A-Za-z%.,]+")
_CLOSING_MARK = re.compile(r"[。！？；;：:!?]$")
_ENDS_IN_HAN = re.compile(r"[\u4e00-\u9fff]$")
_AS_OF_YEAR_END = re.compile(r"截至\s*((?:19|20)\d{2})\s*年\s*12\s*月\s*31\s*日")
_CLAUSE_MARK = re.compile(r"[，。；：,;:]")
_CLASS_NAME = re.compile(r"([\u4e00-\u9fff、]{2,20}?)[（(](\d{3})类[)）]")


@lru_cache(maxsize=1)
def vocab() -> dict:
    return tomllib.loads(VOCAB.read_text("utf-8"))


@dataclass(slots=True)
class Passage:
    """One paragraph of prose, its lines joined; ``provenance`` is its first line's."""

    text: str
    provenance: Provenance
    heading: bool = False  # a section heading: complete, never a sentence cut by a line break
    cells: bool = False  # a table row read as prose
    end: Provenance | None = None  # its last line's
    fresh: bool = True  # it starts a paragraph (after a heading, a full stop or colon, or as a list item)

    @property
    def whole(self) -> bool:
        """A whole paragraph: it starts fresh and ends with closing punctuation. A passage the
        layout could not join again (a sentence cut by a page break, a running header between)
        is a piece of one, and paired marks may open in one piece and close in the next."""
        return self.fresh and bool(_CLOSED.search(self.text.rstrip()))


def _finding(rule_id: str, message: str, prov: Provenance | None, evidence: str | None = None,
             expected=None, found=None) -> Finding:
    loc = Location(page=prov.page, line=prov.line, bbox=prov.bbox) if prov else Location()
    ev = evidence[:300] if evidence else None
    return REGISTRY[rule_id].finding(message, loc, evidence=ev, expected=expected, found=found)


def _margins(doc: Document) -> dict[int | None, float]:
    """The right margin of each page: the furthest point at which at least two prose lines end
    (within 4 points): one wide line (a table row read as prose, a caption) sets no margin."""
    ends: dict[int | None, list[float]] = {}
    for sec in doc.sections:
        for p in sec.paragraphs:
            if p.provenance.bbox and not p.cells and len(p.text) >= 10:
                ends.setdefault(p.provenance.page, []).append(p.provenance.bbox[2])
    out: dict[int | None, float] = {}
    for page, xs in ends.items():
        xs.sort(reverse=True)
        # sorted, a line end with another within 4 points has one next to it in the order
        shared = [x for i, x in enumerate(xs)
                  if (i and xs[i - 1] - x <= 4.0) or (i + 1 < len(xs) and x - xs[i + 1] <= 4.0)]
        out[page] = shared[0] if shared else xs[0]
    return out


def _runs_on(prov: Provenance, margins: dict[int | None, float], previous: str, following: str) -> bool:
    """The line reaches the right margin: its paragraph goes on in the next line. A number or a
    Latin word is not broken, so a line ending short of the margin without punctuation goes on
    when the next line starts with one ("…执行数为" | "118.46万元")."""
    box = prov.bbox
    if not box:
        # No geometry (converter text): a line without closing punctuation goes on, as a
        # converter wraps long paragraphs; a heading is its own section, never joined here.
        return bool(previous) and not _END_MARK.search(previous) and not _is_title_line(previous)
    if prov.page not in margins:
        return False
    height = max(box[3] - box[1], 6.0)
    if box[2] >= margins[prov.page] - 3.5 * height:  # justified lines end up to three characters short
        return True
    if not _END_MARK.search(previous) and _FRAGMENT.match(following):
        return True  # the next line starts with the rest of a word and a comma ("…原因是转业干部增" | "加，…")
    unbroken = _UNBROKEN.match(following)
    width = len(unbroken.group(0)) * height * 0.6 if unbroken else 0.0
    return bool(unbroken) and not _END_MARK.search(previous) and box[2] >= margins[prov.page] - width - 1.5 * height


@last_document(lambda doc: (len(doc.sections), sum(len(s.paragraphs) for s in doc.sections)))
def passages(doc: Document) -> list[Passage]:
    """The document's prose as paragraphs: headings, and paragraph lines joined where a line runs
    on to the right margin and the next line does not start a new list item. Nine rules read them
    one after another: the last document's are kept (``last_document``)."""
    return _passages(doc)


def _passages(doc: Document) -> list[Passage]:
    margins = _margins(doc)
    out: list[Passage] = []
    for sec in doc.sections:
        current: Passage | None = None
        last: Provenance | None = None
        last_text = ""
        heading = clean(sec.heading) if sec.heading else ""
        opened = bool(heading) and _unbalanced(heading, vocab()["punctuation"]["pairs"]) is not None
        if heading and (opened or not _is_title_line(heading)) and not _CLOSING_MARK.search(heading):
            # A numbered line taken for a heading that is the start of a sentence ("（四）其他收入：
            # 指除上述“财政拨款收入”、“事业收", "（三）监督指导……单位（不"): its paragraph goes on below it.
            current = Passage(heading, sec.provenance, end=sec.provenance)
            out.append(current)
            last, last_text = sec.provenance, heading
        elif heading:
            out.append(Passage(heading, sec.provenance, heading=True))
        for p in sec.paragraphs:
            text = clean(p.text)
            if p.cells:
                out.append(Passage(text, p.provenance, cells=True))
                current = None
                continue
            title_after_stop = _is_title_line(text) and bool(_CLOSED.search(last_text))
            if current is not None and last is not None and _runs_on(last, margins, last_text, text) \
                    and not _LIST_START.match(text) and not title_after_stop:
                current.text += text
                current.end = p.provenance
            else:
                fresh = current is None or bool(_END_MARK.search(current.text) and _CLOSING_MARK.search(current.text)) \
                    or bool(_LIST_START.match(text))
                current = Passage(text, p.provenance, end=p.provenance, fresh=fresh)
                out.append(current)
            last, last_text = p.provenance, text
    return out


def _snippet(text: str, start: int, end: int, pad: int = 12) -> str:
    return text[max(0, start - pad): end + pad]


@rule("BL706", name="text-not-displayed", family="text", severity="warning", title="文字未正常显示")
def text_not_displayed(doc: Document) -> Iterator[Finding]:
    """## 检查什么
    页面上没有正常显示的文字：被页面裁切、只露出一部分的文字行（读取时发现），以及文字层中没有
    Unicode 映射的字符（私用区字符、替换字符"�"，显示为方框或乱码）。
    ## 为什么重要
    读者看不到或看不清这些文字，公开内容不完整；检查表中记为"部分文字未正常显示"。
    ## 示例
    主要职能一页的最后一行"（八）负责本系统警车管理工作……"只显示了上半部分，下一页才完整列出。
    ## 不报的情形
    完全不可见的文字（透明、隐藏或在裁切区之外，读者本来就看不到，读取时已略去）；整页乱码（由读取
    提示 BL905 说明该页未读取）；表格中的字符；符号字体的字符（U+F000–U+F0FF，如 Wingdings 的复选框，
    页面上照常显示）。
    """
    for note in doc.notes:
        notice = parse_notice(note)
        if notice and notice.kind == "clipped":
            yield _finding("BL706", f"第 {notice.page} 页有文字被页面裁切，只显示了一部分：「{notice.text[:40]}」",
                           Provenance(page=notice.page), evidence=notice.text)
    for ps in passages(doc):
        m = _UNMAPPED.search(ps.text)
        if m:
            yield _finding("BL706", f"文字中有无法显示的字符（没有 Unicode 映射）：「{_snippet(ps.text, m.start(), m.end())}」",
                           ps.provenance, evidence=ps.text)


def _unbalanced(text: str, pairs: list[list[str]]) -> str | None:
    """The first pair whose marks do not balance in ``text``: a closing mark with no opening one
    before it, or an opening one never closed."""
    for opening, closing in pairs:
        if opening not in text and closing not in text:
            continue  # nothing to count: most passages hold few of the pairs (a walk per character)
        depth = 0
        for ch in text:
            if ch == opening:
                depth += 1
            elif ch == closing:
                depth -= 1
                if depth < 0:
                    return f"多了一个「{closing}」"
        if depth > 0:
            return f"「{opening}」没有对应的「{closing}」"
    return None


@rule("BL707", name="punctuation-error", family="text", severity="warning", title="标点符号错误")
def punctuation_error(doc: Document) -> Iterator[Finding]:
    """## 检查什么
    连续两个标点（"。。"、"，，"、"，。"），以及同一段中不成对的引号、书名号、括号（多一个右引号，
    或左括号没有闭合）。
    ## 为什么重要
    标点错误是检查表中常见的问题，说明文稿没有认真校对。
    ## 示例
    "信息化建设及运行维护等方面的支出。。"；"开展“人民调解协议书检查”、优秀调解案例”活动。"
    ## 不报的情形
    页面上看不到的标点（透明或裁切掉的文字，读取时已略去）；读成正文的表格行；标题；配对只在完整的
    段落中检查：跨行、跨页的段落按版面接续后检查，接续不上的片段（不从段首开始或不以句末标点结束）
    不检查配对；英文引号（无法区分左右）。
    """
    conf = vocab()["punctuation"]
    doubled = conf["doubled"]
    pairs = conf["pairs"]
    for ps in passages(doc):
        if ps.cells:
            continue
        for mark in doubled:
            at = ps.text.find(mark)
            if at >= 0:
                yield _finding("BL707", f"连续的标点「{mark}」：「{_snippet(ps.text, at, at + len(mark))}」", ps.provenance,
                               evidence=ps.text, found=mark)
                break
        if ps.heading or not ps.whole:
            continue
        problem = _unbalanced(ps.text, pairs)
        if problem:
            yield _finding("BL707", f"标点不成对（{problem}）：「{ps.text[:60]}」", ps.provenance, evidence=ps.text)


def _reaches_margin(prov: Provenance, margins: dict[int | None, float]) -> bool:
    box = prov.bbox
    if not box or prov.page not in margins:
        return False
    return box[2] >= margins[prov.page] - 3.5 * max(box[3] - box[1], 6.0)


def _lowest_lines(doc: Document) -> dict[int | None, float]:
    """The bottom of the lowest prose line on each page."""
    low: dict[int | None, float] = {}
    for sec in doc.sections:
        for p in sec.paragraphs:
            if p.provenance.bbox:
                low[p.provenance.page] = max(low.get(p.provenance.page, 0.0), p.provenance.bbox[3])
    return low


@rule("BL708", name="full-stop-missing", family="text", severity="warning", title="句末缺少句号")
def full_stop_missing(doc: Document) -> Iterator[Finding]:
    """## 检查什么
    一段完整的叙述（有逗号分句，或"主要原因是……"这样的说明）结束时没有句末标点。段落的结束按版面
    判断：一行没有排到右边距，下一行就是新的一段。
    ## 为什么重要
    漏了句号是检查表中常见的问题。
    ## 示例
    "财政拨款收入支出增加的主要原因是工作量增加"之后直接是下一段"财政拨款支出主要内容如下："。
    ## 不报的情形
    标题、表名、列表项（"1.普陀区司法局本部"、"①……"）和短行；没有版面信息的文本（无法判断段落在
    哪里结束）；读成正文的表格行；以数字、括号、引号等结尾的行；以"为""的""和"等不能结句的字结尾的
    行；一页的最后一行和排到右边距的行（句子可能在下一页或下一行接续）；不是从段首开始的片段。
    """
    conf = vocab()["full_stop"]
    marks = conf["sentence_marks"]
    lowest = _lowest_lines(doc)
    margins = _margins(doc)
    for ps in passages(doc):
        text = ps.text.strip()
        if ps.heading or ps.cells or not ps.provenance.bbox or len(text) < conf["min_length"]:
            continue
        end = ps.end or ps.provenance
        if end.bbox and end.bbox[3] >= lowest.get(end.page, float("inf")) - 1.0:
            continue  # the last line of its page: the sentence may go on over the page break
        if _reaches_margin(end, margins) or _LIST_START.match(text) or not ps.fresh:
            continue  # runs on into a line read elsewhere; a list item; a piece of a paragraph
        if _END_MARK.search(text) or not _ENDS_IN_HAN.search(text):
            continue
        if not any(m in text for m in marks) or text[-1] in conf["open_endings"]:
            continue  # "…执行数为": the sentence goes on (a line the layout did not join)
        yield _finding("BL708", f"句末缺少句号：「…{text[-30:]}」", ps.provenance, evidence=text)


@rule("BL709", name="template-wording-left", family="text", severity="warning", title="留有模板说明文字")
def template_wording_left(doc: Document) -> Iterator[Finding]:
    """## 检查什么
    模板或填报说明的文字留在了公开文本中："增加（减少）"、"仍保留该表格式，并在本表下方作下述说明"、
    括号中的填报提示（"（如无此项请填写无）"），见词表 `rules/vocab/wording.toml [template]`。
    ## 为什么重要
    说明模板没有按实际情况填写，读者无法知道实际是增加还是减少。
    ## 示例
    "一般公共预算支出比上年增加（减少）10.5万元"。
    ## 不报的情形
    "XX局"、"20XX年"等占位符由 BL705 报告；表格中的文字。
    """
    conf = vocab()["template"]
    brackets = [re.compile(p) for p in conf["bracket_patterns"]]
    for ps in passages(doc):
        hit = next((w for w in conf["phrases"] if w in ps.text), None)
        if hit is None:
            m = next((m for pat in brackets if (m := pat.search(ps.text))), None)
            hit = m.group(0) if m else None
        if hit:
            at = ps.text.find(hit)
            yield _finding("BL709", f"留有模板说明文字「{hit}」：「{_snippet(ps.text, at, at + len(hit))}」", ps.provenance,
                           evidence=ps.text, found=hit)


@rule("BL710", name="sentence-cut-off", family="text", severity="warning", title="语句不完整")
def sentence_cut_off(doc: Document) -> Iterator[Finding]:
    """## 检查什么
    说明原因、用途或内容的句子在该写内容的地方结束："主要原因是。"、"主要用于："后直接是句号，
    或只写了省略号。
    ## 为什么重要
    公开要求说明变动原因；留空说明没有填写。
    ## 示例
    "政府性基金预算拨款支出预算0万元，与2025年预算数持平，主要原因是。"
    ## 不报的情形
    "主要原因是：" 之后换行列出原因（冒号后接下一行）。
    """
    patterns = [re.compile(p) for p in vocab()["truncated"]["patterns"]]
    for ps in passages(doc):
        if ps.cells:
            continue
        for pat in patterns:
            m = pat.search(ps.text)
            if m:
                yield _finding("BL710", f"语句不完整，「{m.group(0)}」后没有内容：「{_snippet(ps.text, m.start(), m.end(), 20)}」",
                               ps.provenance, evidence=ps.text, found=m.group(0))
                break


_FINAL = (DocKind.DEPARTMENT_FINAL, DocKind.UNIT_FINAL)
_BUDGET = (DocKind.DEPARTMENT_BUDGET, DocKind.UNIT_BUDGET)


def _year_problems(text: str, year: int, kind: DocKind, heading: bool) -> Iterator[tuple[str, str]]:
    """(the words, what is wrong) for each year reference that does not fit a document of ``year``."""
    words = "".join(vocab()["years"]["comparison_words"])
    if kind in _BUDGET:
        for m in re.finditer(rf"[{words}]\s*({year})\s*年度?(?:部门|单位)?预算(?:数)?(?!执行)", text):
            yield m.group(0), f"{year} 年预算与 {year} 年预算自身比较，应为与 {year - 1} 年比较"
    if kind in _FINAL:
        for m in _AS_OF_YEAR_END.finditer(text):
            if int(m.group(1)) != year:
                yield m.group(0), f"{year} 年度决算的资产情况应截至 {year} 年 12 月 31 日"
        for m in re.finditer(rf"[{words}]\s*({year - 1})\s*年度?(?:年初)?预算(?:数)?(?!执行)", text):
            yield m.group(0), f"{year} 年度决算应与 {year} 年的年初预算比较"
    if heading and kind in (*_BUDGET, *_FINAL):
        stage = "预算" if kind in _BUDGET else "决算"
        m = re.search(rf"((?:19|20)\d{{2}})\s*年度?([^，。；\d]{{0,20}}){stage}", text)
        other = vocab()["years"]["other_year_words"]
        if m and int(m.group(1)) != year and not any(w in m.group(2) for w in other):
            yield m.group(0), f"文档为 {year} 年{kind.value}，标题却是 {m.group(1)} 年"


@rule("BL711", name="year-inconsistent", family="text", severity="warning", title="年份与文档年度不符")
def year_inconsistent(doc: Document) -> Iterator[Finding]:
    """## 检查什么
    与文档年度不相符的年份：预算中与本年度自身比较（2026年预算中"比2026年预算增加"）；决算中资产
    情况不是截至本年 12 月 31 日（2024年度决算写"截至2023年12月31日"），与上一年度的预算比较；
    标题或表名中的预算（决算）年度与文档年度不同（2024年度决算中"2023年度收入支出决算总表"）。
    ## 为什么重要
    年份错误多为套用上年文本未改，使比较的口径错误。
    ## 示例
    "财政拨款收入9628.22万元，比2026年预算增加793.14万元"（2026年部门预算）。
    ## 不报的情形
    文档年度或类别未能识别；预算中的"2025年当年预算执行数"（与上年执行数比较是通行写法）；
    预算中国有资产的截止日期（各地不同）；正文中提到其他年份的事实。
    """
    year, kind = doc.meta.year, doc.meta.kind
    if not year:
        return
    seen: set[tuple[int | None, str]] = set()
    items = [(ps.text, ps.provenance, ps.heading or _is_title_line(ps.text)) for ps in passages(doc) if not ps.cells]
    items += [(clean(t.title), t.provenance, True) for t in doc.tables if t.title]
    for text, prov, heading in items:
        for words, why in _year_problems(text, year, kind, heading):
            key = (prov.page, words)
            if key in seen:
                continue
            seen.add(key)
            yield _finding("BL711", f"「{words}」：{why}", prov, evidence=text, found=words)


def _is_title_line(text: str) -> bool:
    return len(text) <= 40 and not _CLAUSE_MARK.search(text)


@rule("BL712", name="scope-wording", family="text", severity="warning", title="正文用语与文档类别不符")
def scope_wording(doc: Document) -> Iterator[Finding]:
    """## 检查什么
    正文中指称另一类文档的用语：单位预算中写"部门预算安排"、"本部门预算"，部门预算中写"本单位预算
    安排"，决算中写"预算编制说明"等（各类文档不应出现的用语见词表 `rules/vocab/wording.toml [scope]`）。
    ## 为什么重要
    多为套用其他文档的文本未改，公开主体或口径说错。
    ## 示例
    某单位预算："2026年部门预算安排购置车辆0辆"。
    ## 不报的情形
    "纳入部门预算管理"等通行说法（不在词表中）；标题中的说法由 BL606 检查；文档类别未能识别。
    """
    words = vocab()["scope"].get(doc.meta.kind.value, [])
    if not words:
        return
    for ps in passages(doc):
        if ps.heading or ps.cells:
            continue
        hit = next((w for w in words if w in ps.text), None)
        if hit:
            at = ps.text.find(hit)
            yield _finding("BL712", f"文档为{doc.meta.kind.value}，正文却写「{hit}」：「{_snippet(ps.text, at, at + len(hit))}」",
                           ps.provenance, evidence=ps.text, found=hit)


def _class_names(doc: Document) -> dict[str, str]:
    """Function class (类) code → the name the document's tables print for it."""
    names: dict[str, str] = {}
    for t in doc.tables:
        for r in t.rows:
            code = r.codes.get(CodeScheme.FUNCTION)
            if code is not None and code.level == 1 and r.label:
                names.setdefault(code.parts[0], re.sub(r"\s+", "", r.label))
    return names


@rule("BL713", name="class-name-in-text-differs", family="text", severity="warning",
      title="正文中的科目名称与表格不一致或已过时")
def class_name_in_text_differs(doc: Document) -> Iterator[Finding]:
    """## 检查什么
    正文写作"名称（NNN类）"的支出功能分类科目：名称应与表格中该类的名称一致，也不应是已经改名的旧
    名称（"医疗卫生与计划生育支出"自 2019 年起为"卫生健康支出"，见词表 `[class_names]`）。
    ## 为什么重要
    前后名称不一致，读者无法对应表格；旧名称说明沿用了过去的文本。
    ## 示例
    说明写"医疗卫生与计划生育支出（210类）"，表中为"卫生健康支出（210类）"。
    ## 不报的情形
    表中没有该类且名称不在改名表中；名称只差空格。
    """
    year = doc.meta.year
    renamed = {old: (new, since) for old, new, since in vocab()["class_names"]["renamed"]}
    in_tables = _class_names(doc)
    seen: set[tuple[str, str]] = set()
    for ps in passages(doc):
        if ps.cells or "类" not in ps.text:  # the pattern's every match holds 类: most passages hold none
            continue
        for m in _CLASS_NAME.finditer(ps.text):
            name, code = re.sub(r"^[、]+", "", m.group(1)), m.group(2)
            if (name, code) in seen:
                continue
            old_name = next((o for o in renamed if name.endswith(o)), None)
            if old_name:
                name = old_name  # the words before the name belong to the sentence
            expected = in_tables.get(code)
            old = renamed.get(name)
            if expected and expected != name and (name.endswith(expected) or expected.endswith(name)):
                continue  # a longer run of characters caught before the name, not another name
            if expected and expected != name:
                why = f"表中该类为「{expected}（{code}类）」"
            elif old and (year is None or year >= old[1]):
                why = f"该类自 {old[1]} 年起名为「{old[0]}」"
                expected = old[0]
            else:
                continue
            seen.add((name, code))
            yield _finding("BL713", f"正文写「{name}（{code}类）」，{why}", ps.provenance, evidence=ps.text,
                           expected=expected, found=name)
