"""Wording of the prose, titles and performance forms (BL7xx). Warnings only, precision first.

Text is read after ``clean()`` (converter markup removed, CJK words re-joined), so a character
split from its word by a line break or a space ("保障 障局") reads as doubled ("保障障局").
Word lists are data: ``rules/vocab/text.toml``.
"""

from __future__ import annotations

import re
import tomllib
from collections import Counter
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path

from budgetlint.findings import Finding, Location
from budgetlint.model import Document, Provenance
from budgetlint.recognise.normalise import clean, squash
from budgetlint.rules.common import last_document
from budgetlint.rules.registry import REGISTRY, rule

VOCAB = Path(__file__).resolve().parent / "vocab" / "text.toml"
_CJK = "\u3400-\u9fff"
_LATIN = re.compile(rf"(?<=[{_CJK}])\s*([A-Za-z][A-Za-z'\-]*[A-Za-z]|[A-Za-z])\s*(?=[{_CJK}])")
_DOUBLE_WORD = re.compile(rf"([{_CJK}]{{2,4}})\1")
_DOUBLE_CHAR = re.compile(rf"([{_CJK}])\1")
_CLAUSE = re.compile(r"[，,、；;。！？!?：:]")
# Clause breaks for BL704: a comma between digits groups thousands ("1,000.00"), it ends no clause.
_CLAUSE_BREAK = re.compile(r"[，、；;。！？!?：:]|,(?!\d)")
_CJK_CHAR = re.compile(rf"[{_CJK}]")
# A Latin word with a capital after its first letter is a technical name or formula (VOCs, InSAR, MgO).
_MIXED_CASE = re.compile(r".+[A-Z]")
_PROSE_PUNCT = re.compile(r"[，。；、！？]")


@lru_cache(maxsize=1)
def vocab() -> dict:
    return tomllib.loads(VOCAB.read_text("utf-8"))


def _finding(rule_id: str, message: str, prov: Provenance | None, evidence: str, expected=None,
             found=None) -> Finding:
    loc = Location(page=prov.page, line=prov.line, bbox=prov.bbox) if prov else Location()
    return REGISTRY[rule_id].finding(message, loc, evidence=evidence[:300], expected=expected, found=found)


def texts(doc: Document) -> Iterator[tuple[str, Provenance | None]]:
    """Every piece of prose the document prints, cleaned, with where it is: headings and paragraphs,
    table titles, and the free text of performance forms (objective lines, indicator names, values
    and descriptions)."""
    for text, prov, _, _ in _texts(doc):
        yield text, prov


@last_document(lambda doc: (len(doc.sections), sum(len(s.paragraphs) for s in doc.sections),
                            len(doc.tables), len(doc.forms)))
def _texts(doc: Document) -> list[tuple[str, Provenance | None, bool, bool]]:
    """As ``texts``, with whether the piece is complete (a heading, title or form cell) rather than
    a line of prose a page or line break may have cut, and whether it is one cell of a table row
    read as prose. Five rules read them one after another: the last document's are kept
    (``last_document``)."""
    return list(_read_texts(doc))


def _read_texts(doc: Document) -> Iterator[tuple[str, Provenance | None, bool, bool]]:
    for sec in doc.sections:
        if sec.heading:
            yield clean(sec.heading), sec.provenance, True, False
        for p in sec.paragraphs:
            # A table row read as prose is read cell by cell: the text of one cell runs on into the
            # next only on the page, not in the document's wording.
            for piece in p.cells or (p.text,):
                yield clean(piece), p.provenance, False, bool(p.cells)
    for t in doc.tables:
        yield clean(t.title), t.provenance, True, False
    for f in doc.forms:
        lines = f.objective.split("\n") if f.objective else []
        for i, line in enumerate(lines):
            yield clean(line), f.objective_provenance[i] if i < len(f.objective_provenance) else f.provenance, False, False
        for ind in f.indicators:
            for part in (ind.name, ind.value_text, ind.description):
                if part:
                    yield clean(part), ind.provenance, True, False


def _snippet(text: str, start: int, end: int, pad: int = 8) -> str:
    return text[max(0, start - pad): end + pad]


@rule("BL701", name="latin-word-in-chinese", family="text", severity="warning",
      title="中文正文中夹有英文单词")
def latin_word_in_chinese(doc: Document) -> Iterator[Finding]:
    """## 检查什么
    两侧都是汉字的英文单词（如"技术转移体系建设及 Related 政策措施"、"行业技术规范 and 标准"）。
    ## 为什么重要
    多为机器翻译、转换或编辑时替换错误，公开文本中应为中文。
    ## 示例
    "组织实施行业技术规范 and 标准"，应为"和"。
    ## 不报的情形
    全大写缩写（GDP、PPP、ICU）、含数字的型号（PM2.5）、计量单位和常用缩写（km、kg、App，见词表）；
    首字母之后还有大写字母的专业名称和化学式（VOCs、InSAR、MgO）；紧接着系统、平台、电脑等名称的
    产品或系统名（"oa系统"、"lims管理系统"，见词表 `named_things`）。
    """
    allowed = {w.lower() for w in vocab()["latin"]["allowed"]}
    named = tuple(vocab()["latin"]["named_things"])
    seen: set[tuple[int | None, str]] = set()
    for text, prov in texts(doc):
        for m in _LATIN.finditer(text):
            word = m.group(1)
            if word.isupper() or word.lower() in allowed or len(word) < 2:
                continue
            if _MIXED_CASE.match(word):
                continue  # VOCs, NbS, InSAR, MgO: a term of art, not a word in place of Chinese
            if text.startswith(named, m.end()):
                continue  # the name of the system or product the next word names (oa系统, lims管理系统)
            key = (prov.line if prov else None, word)
            if key in seen:
                continue
            seen.add(key)
            yield _finding("BL701", f"中文中夹有英文单词「{word}」：「{_snippet(text, m.start(), m.end())}」", prov,
                           text, found=word)


@rule("BL702", name="doubled-word", family="text", severity="warning", title="字词重复")
def doubled_word(doc: Document) -> Iterator[Finding]:
    """## 检查什么
    同一个词紧接着写了两遍（"满意度满意度"、"单位单位"），虚词重复（"的的"），或句末一个字重复
    （"完成工作站建设数数"）。
    ## 为什么重要
    重复是编辑错误，降低文档的严肃性。
    ## 示例
    "办事群众满意度满意度达到90%以上"。
    ## 不报的情形
    正常的叠词（"研究研究"、"常常"、"人人"，见词表；AABB 式的"角角落落"、"清清楚楚"）；句中一个实词字的重叠（"税收收入"、"工资资金"
    是两个词相连，不是重复）；动词后接以它开头的派生词（"为保障保障性住房"）；读成正文的表格行逐个单元格
    检查，跨两个单元格的重复（"持续提升 | 持续提升移动化办公水平"）是表格的排版，不报；没有中文标点、
    也分不出单元格的正文行（多为读成正文的表格行，相邻单元格连在了一起）。
    """
    d = vocab()["doubled"]
    allowed = set(d["allowed_words"])
    function_words = set(d["function_words"])
    redup = set(d["reduplications"])
    derived = set(d.get("derived_suffixes", ()))
    seen: set[tuple[int | None, str]] = set()
    for text, prov, complete, cell in _texts(doc):
        if not complete and not cell and not _PROSE_PUNCT.search(text):
            continue  # a table row read as prose, its cells run together ("会议服务 会议服务")
        hits: list[tuple[int, int, str]] = []
        for m in _DOUBLE_WORD.finditer(text):
            word = m.group(0)
            if word in allowed or len(set(m.group(1))) == 1:
                continue
            if text[m.end(): m.end() + 1] in derived:
                continue  # 保障 + 保障性住房
            hits.append((m.start(), m.end(), word))
        for m in _DOUBLE_CHAR.finditer(text):
            pair = m.group(0)
            # the end of a clause; the end of a prose line only if nothing was cut there
            at_end = _CLAUSE.match(text, m.end()) is not None or (complete and m.end() == len(text))
            if pair in redup:
                continue
            if _DOUBLE_CHAR.fullmatch(text, max(0, m.start() - 2), m.start()) or \
                    _DOUBLE_CHAR.fullmatch(text, m.end(), m.end() + 2):
                continue  # AABB reduplication: 角角落落, 清清楚楚, 实实在在
            if m.group(1) in function_words or at_end:
                if any(s <= m.start() < e for s, e, _ in hits):
                    continue
                hits.append((m.start(), m.end(), pair))
        for start, end, word in hits:
            key = (prov.line if prov else None, word)
            if key in seen:
                continue
            seen.add(key)
            yield _finding("BL702", f"「{word}」重复：「{_snippet(text, start, end)}」", prov, text, found=word)


def _core(org: str, suffixes: list[str]) -> tuple[str, str] | None:
    for s in sorted(suffixes, key=len, reverse=True):
        if org.endswith(s) and len(org) > len(s) + 1:
            return org[: -len(s)], s
    return None


def _one_edit(a: str, b: str) -> bool:
    """b differs from a by one inserted, deleted or replaced character."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b, strict=True)) == 1
    short, long = (a, b) if len(a) < len(b) else (b, a)
    return any(long[:i] + long[i + 1:] == short for i in range(len(long)))


def _abbreviation(a: str, core: str) -> bool:
    """``a`` picks characters of ``core`` in order, starting with its first, skipping some in the
    middle (科工 for 科技和工信); a contiguous piece (科技) is a word of its own, not an abbreviation."""
    if len(a) < 2 or a == core or a[0] != core[0] or a in core:
        return False
    it = iter(core)
    return all(ch in it for ch in a)


def _variants(text: str, org: str, core: str, suffix: str, places: tuple[str, ...]) -> Iterator[tuple[str, int, str]]:
    """(variant, position, how) of the organisation's name in ``text``."""
    for m in re.finditer(re.escape(suffix), text):
        end = m.end()
        run_start = end
        while run_start > 0 and _CJK_CHAR.match(text, run_start - 1):
            run_start -= 1
        run = text[run_start:end]
        if run.endswith(org):
            continue
        for n in range(len(org) - 1, len(org) + 2):
            tail = run[-n:] if n <= len(run) else None
            if tail and _one_edit(org, tail) and tail[0] == org[0]:
                yield tail, end - n, "edit"
                break
        else:
            body = run[: -len(suffix)]
            for k in range(len(body) - 2, -1, -1):
                abbr, prefix = body[k:], body[:k]
                if _abbreviation(abbr, core) and (not prefix or prefix.endswith(places)):
                    yield abbr + suffix, end - len(abbr) - len(suffix), "abbr"
                    break


@rule("BL703", name="organisation-name-varies", family="text", severity="warning",
      title="单位名称前后写法不一致")
def organisation_name_varies(doc: Document) -> Iterator[Finding]:
    """## 检查什么
    文档自身（部门或单位）的名称在各处写法应一致：多字、少字、错字、重复字（"社会保障障局"），
    或在正式文本中改用简称（"山海关区科工部门"对"科技和工信部门"）。名称取文档识别出的单位名称，
    且须在文档中出现至少三次。
    ## 为什么重要
    公开主体名称不一致，读者无法确认文档的责任主体，也说明文档没有认真校对。
    ## 示例
    标题"威海市人力资源和社会保障 障局部门预算"，正文"威海市人力资源和社会保障局"。
    ## 不报的情形
    名称前加地名（"山海关区科技和工信部门"）；通用的称呼（"本部门"、"主管部门"）；
    连续的字组成的词（"科技部门"不算"科技和工信部门"的简称）。
    """
    conf = vocab()["organisation"]
    all_text = list(texts(doc))
    joined = "\n".join(squash(t) for t, _ in all_text)
    org = squash(doc.meta.organisation or "")
    # The name read from the title may itself be the misprint ("…保障障局"): take the spelling the
    # document uses most among the name and the name with a doubled character undone.
    spellings = [org] + [org[:m.start()] + org[m.start() + 1:] for m in _DOUBLE_CHAR.finditer(org)]
    org = max(spellings, key=lambda s: (joined.count(s), s == org)) if org else org
    parts = _core(org, conf["suffixes"])
    if not org or parts is None or joined.count(org) < conf["min_occurrences"]:
        return
    core, suffix = parts
    places = tuple(conf["place_endings"])
    seen: set[str] = set()
    for text, prov in all_text:
        t = squash(text)
        for variant, _pos, how in _variants(t, org, core, suffix, places):
            if variant in seen:
                continue
            seen.add(variant)
            doubled = how == "edit" and len(variant) == len(org) + 1 and _DOUBLE_CHAR.search(variant) \
                and not _DOUBLE_CHAR.search(org)
            kind = "重复了一个字" if doubled else "为简称" if how == "abbr" else "有一字之差"
            yield _finding("BL703", f"单位名称写作「{variant}」（{kind}），文档其他地方为「{org}」", prov, text,
                           expected=org, found=variant)


@rule("BL704", name="clause-repeated", family="text", severity="warning", title="语句重复")
def clause_repeated(doc: Document) -> Iterator[Finding]:
    """## 检查什么
    同一段文字中，一个不少于 8 个字的分句（或列举项）原样紧接着又写了一遍（后一项与前一分句的结尾相同）。
    ## 为什么重要
    重复多为复制粘贴错误，有时本应是另一项内容（如两个不同的政策文件）。
    ## 示例
    "《关于优化人才创新创业扶持推动全区高质量发展的意见》（经技区发〔2021〕50号）、《关于优化……的意见》
    （经技区发〔2021〕50号）"。
    ## 不报的情形
    较短的分句（"100%"、"及时"）；不相邻的重复（格式化的句式常常重复）；数字（读成正文的表格行中
    "1,000.00 | 1,000.00"：千位分隔的逗号不分句，汉字少于 4 个的分句不算）；跨两个单元格的重复。
    """
    for text, prov in texts(doc):
        clauses = _CLAUSE_BREAK.split(text + "。")[:-1]  # _clauses' pieces, without their places
        for a, b in zip(clauses, clauses[1:], strict=False):
            # the list item repeats the end of the clause before it ("为落实《A》、《A》")
            # words, not figures: "1,000.00 | 1,000.00" in a table row read as prose repeats no wording.
            # squash never makes a text longer, so a clause under 8 characters is passed over unread.
            if len(b) >= 8 and len(squash(b)) >= 8 and squash(a).endswith(squash(b)) \
                    and len(_CJK_CHAR.findall(b)) >= 4:
                yield _finding("BL704", f"同一内容紧接着重复：「{b.strip()[:60]}」", prov, text, found=b.strip())
                break


@rule("BL705", name="placeholder-text", family="text", severity="warning", title="文本中留有模板占位符")
def placeholder_text(doc: Document) -> Iterator[Finding]:
    """## 检查什么
    正文、标题和绩效目标中留下的模板占位符："20XX 年"、"XX 局"、"××"。
    ## 为什么重要
    占位符说明模板没有填写完整。
    ## 示例
    "XX局 20XX 年部门预算"。
    ## 不报的情形
    绩效指标值中的"是/否"等（由 BL510 提示）。
    """
    patterns = [re.compile(p) for p in vocab()["placeholders"]["patterns"]]
    seen: Counter = Counter()
    for text, prov in texts(doc):
        t = squash(text)
        for pat in patterns:
            m = pat.search(t)
            if m and not seen[(prov.line if prov else None)]:
                seen[(prov.line if prov else None)] += 1
                yield _finding("BL705", f"文本中留有占位符「{m.group(0)}」：「{_snippet(t, m.start(), m.end())}」",
                               prov, text, found=m.group(0))
                break
