"""Classification catalog checks: codes that do not exist, names that differ from the catalog,
codes out of place, and 部门→政府 economic mappings that do not fit the unit type.

The document's own year picks the catalog (``budgetlint.catalogs``). A row of the bundled draft
that is not attested gives a warning; an attested or officially imported row gives an error.
"""

from __future__ import annotations

from collections.abc import Iterator

from budgetlint.catalogs import Catalog, Entry, load_catalog, load_mapping, name_key
from budgetlint.findings import Finding, Location, Severity
from budgetlint.model import Code, CodeScheme, Document, Row, RowKind, Table
from budgetlint.rules.registry import REGISTRY, rule

_SCHEME_LABEL = {
    CodeScheme.FUNCTION: "支出功能分类科目",
    CodeScheme.ECON_DEPT: "部门预算支出经济分类科目",
    CodeScheme.ECON_GOV: "政府预算支出经济分类科目",
}


def _catalog(doc: Document, scheme: CodeScheme) -> Catalog | None:
    return load_catalog(scheme.value, doc.meta.year)


def _judging(doc: Document, scheme: CodeScheme) -> Catalog | None:
    """The catalog codes and names are judged against, or None when there is none for the
    document's time: a catalog newer than the document describes a later classification (the
    2018 economic classification, names renamed since), and a code or name the document's own
    year used is no doubt about the document."""
    cat = _catalog(doc, scheme)
    if cat is None or (doc.meta.year is not None and cat.year > doc.meta.year):
        return None
    return cat


def _judges(doc: Document):
    """``_judging`` for one rule's pass over the document's coded rows: each scheme's catalog
    looked up once (a lookup per row was most of a catalog rule's time)."""
    memo: dict[CodeScheme, Catalog | None] = {}

    def judge(scheme: CodeScheme) -> Catalog | None:
        if scheme not in memo:
            memo[scheme] = _judging(doc, scheme)
        return memo[scheme]

    return judge


def _is_name(text: str | None) -> bool:
    """A printed name has a word in it; a cell of digits (a 款 "03" read into the name column)
    is part of a code, not a name to compare."""
    return bool(text) and any(not (c.isdigit() or c.isspace() or c in "-—.") for c in text)


def _finding(rule_id: str, table: Table, row: Row, message: str, severity: Severity | None = None,
             expected: str | None = None, found: str | None = None, evidence: str | None = None) -> Finding:
    return REGISTRY[rule_id].finding(message, Location.of(table, row), severity=severity, expected=expected,
                                     found=found, evidence=evidence)


def _coded(doc: Document) -> Iterator[tuple[Table, Row, Code]]:
    for table in doc.tables:
        for row in table.rows:
            if row.kind is RowKind.ITEM:
                for code in row.codes.values():
                    yield table, row, code


def _row_name(row: Row, code: Code) -> str | None:
    """The printed name that belongs to this code: the name printed in the code's own cell, the
    row label, or for the second code of a basic-expenditure row (政府经济分类) the second name
    column."""
    own = row.texts.get(f"name:{code.scheme.value}")
    if own:
        name = own  # printed with the code in one cell ("30101-基本工资")
    elif code.scheme is CodeScheme.ECON_GOV and CodeScheme.ECON_DEPT in row.codes:
        name = row.texts.get("name#2")
    elif code is not row.code and row.code is not None and row.code.scheme is not code.scheme:
        return None  # a second classification without a name of its own
    else:
        name = row.label
    return name if _is_name(name) else None


def _severity(entry: Entry | None, catalog: Catalog, year: int | None = None) -> Severity:
    if year is not None and (catalog.year > year or (catalog.scheme == "function" and catalog.year != year)):
        # Another year's function catalog (reissued every year), or a catalog newer than the
        # document (the 2018 economic classification replaced the old one): only a warning.
        return Severity.WARNING
    if entry is not None:
        return Severity.ERROR if entry.firm else Severity.WARNING
    return Severity.ERROR if catalog.official else Severity.WARNING


@rule("BL400", name="catalog-year-fallback", family="catalog", severity="info", title="使用了其他年度的科目表")
def catalog_year_fallback(doc: Document) -> Iterator[Finding]:
    """## 检查什么
    文档年度没有对应的支出功能分类科目表时，科目检查使用最接近年度的科目表，并提示这一点。
    ## 为什么重要
    科目每年调整；用错年度的科目表可能误报。可用 `budgetlint catalog import` 导入当年官方科目表。
    ## 示例
    2026 年预算，使用 2024 年科目表（内置草案）。
    ## 不报的情形
    有当年科目表，或文档中没有功能分类科目编码。
    """
    if not any(c.scheme is CodeScheme.FUNCTION for _, _, c in _coded(doc)):
        return
    cat = _catalog(doc, CodeScheme.FUNCTION)
    if cat is not None and cat.note:
        yield REGISTRY["BL400"].finding(cat.note + "；科目名称与编码的检查结论仅供参考")


@rule("BL401", name="code-not-in-catalog", family="catalog", severity="error", title="科目编码在科目表中不存在")
def code_not_in_catalog(doc: Document) -> Iterator[Finding]:
    """## 检查什么
    表格中的支出功能分类、部门或政府经济分类科目编码，在该年度科目表中不存在。
    ## 为什么重要
    不存在的编码说明科目填错（常见为款、项编码错位或使用了已废止的科目）。
    ## 示例
    2089999 写成 2089899。
    ## 不报的情形
    没有可用的科目表；科目表晚于文档年度（文档按当年科目编制）；内置草案科目表未收录的部分
    （如 230 转移性支出的款项）只报警告。款不存在时，其下的项并入同一条提示。文档晚于科目表时，
    科目表没有的编码多为此后新增的科目，只作提示（info）；科目表中该名称另有编码时仍报警告。
    """
    reported: dict[tuple[str, str], Finding] = {}
    found: list[Finding] = []
    judge = _judges(doc)
    for table, row, code in _coded(doc):
        cat = judge(code.scheme)
        key = (code.scheme.value, code.digits)
        if cat is None or cat.get(code.digits) is not None or key in reported:
            continue
        # A 项 under a 款 that is itself missing is the same problem (a subject the catalog
        # lacks, often one added after it): one finding, the 项 as a further place.
        above = next((reported[(code.scheme.value, code.digits[:n])] for n in (5, 3)
                      if len(code.digits) > n and (code.scheme.value, code.digits[:n]) in reported), None)
        if above is not None:
            above.related.append(Location.of(table, row))
            above.evidence = f"{above.evidence}；{code.digits} {_row_name(row, code) or ''}".rstrip()
            reported[key] = above
            continue
        name = _row_name(row, code) or ""
        severity, why = _severity(None, cat, doc.meta.year), ""
        if doc.meta.year is not None and cat.year < doc.meta.year:
            # The document is newer than the catalog: a code the catalog lacks is most often a
            # subject added since (超长期特别国债, 配租型住房保障). It is a doubt only when the catalog
            # knows the printed name under another code (not one the printed code extends).
            elsewhere = [e.code for e in cat.by_name(name) if not code.digits.startswith(e.code)] if name else []
            if elsewhere:
                why = f"；科目表中「{name}」的编码为 {'、'.join(elsewhere)}"
            else:
                severity = Severity.INFO
                why = f"；文档为 {doc.meta.year} 年，可能是 {cat.year} 年以后新增的科目，请以当年科目表核对"
        f = _finding("BL401", table, row,
                     f"{_SCHEME_LABEL[code.scheme]}编码 {code.digits}{f'（{name}）' if name else ''}"
                     f"在 {cat.year} 年科目表中不存在{why}",
                     severity=severity, found=code.digits,
                     evidence=f"{code.digits} {name}".rstrip())
        reported[key] = f
        found.append(f)
    yield from found


# How sure the bundled catalog is of a row, in the reviewer's words (catalogs/SOURCES.md).
_CONFIDENCE = {
    "official": "官方科目表",
    "attested": "条目经公开文档证实",
    "recall_seed_agrees": "草案条目，与样本文档一致",
    "recall": "草案条目，未经证实",
    "recall_low": "草案条目，把握较低",
}


def _catalog_name(judge, row: Row) -> str | None:
    for code in row.codes.values():
        cat = judge(code.scheme)
        entry = cat.get(code.digits) if cat else None
        if entry is not None:
            return entry.name
    return None


def _pushed_down(table: Table, row: Row, name: str, catalog_name: str, catalog_name_of) -> bool:
    """A name whose last character or two the PDF placed on the next row ("…保险缴" + "费职业年金缴费"):
    this row lacks exactly what the next row's name starts with, or this row starts with exactly
    what the row above lacks — a reading artefact, not a wrong name (a name merely cut short, with
    nothing on the next row, stays a finding)."""
    a, b = name_key(name), name_key(catalog_name)
    rows = table.rows
    i = next((k for k, r in enumerate(rows) if r is row), -1)
    if i < 0 or a == b:
        return False
    if b.startswith(a) and 1 <= len(b) - len(a) <= 2 and i + 1 < len(rows):
        return name_key(rows[i + 1].label or "").startswith(b[len(a):])
    if a.endswith(b) and 1 <= len(a) - len(b) <= 2 and i > 0:
        above = rows[i - 1]
        full = catalog_name_of(above)
        return full is not None and name_key(above.label or "") + a[: len(a) - len(b)] == name_key(full)
    return False


@rule("BL402", name="name-differs-from-catalog", family="catalog", severity="error",
      title="科目名称与科目表不一致")
def name_differs_from_catalog(doc: Document) -> Iterator[Finding]:
    """## 检查什么
    科目编码对应的名称与该年度科目表不一致（忽略全角半角括号和空白）。
    ## 为什么重要
    名称错误会误导读者，也常暴露编码填错；检查中常见"技术与开发"误写为旧名称等。
    ## 示例
    2120804 应为"农村基础设施建设支出"，文档写作"农村基本设施建设支出"。
    ## 不报的情形
    名称只差空格或括号形式；名称末尾一两个字被排到了下一行（本行缺的字正是下一行名称开头多出的字，
    属读取问题）；没有可用的科目表；科目表晚于文档年度；行名称缺失或只有数字（款、项编码读入了名称栏）。
    草案中未经证实的条目只报警告。
    """
    groups: dict[tuple[str, str, str], list[tuple[Table, Row, Code]]] = {}
    judge = _judges(doc)
    for table, row, code in _coded(doc):
        cat = judge(code.scheme)
        entry = cat.get(code.digits) if cat else None
        name = _row_name(row, code)
        if entry is None or not name or name_key(name) == name_key(entry.name):
            continue
        if _pushed_down(table, row, name, entry.name, lambda r: _catalog_name(judge, r)):
            continue
        groups.setdefault((code.scheme.value, code.digits, name_key(name)), []).append((table, row, code))
    for places in groups.values():
        table, row, code = places[0]
        cat = judge(code.scheme)
        entry = cat.get(code.digits)
        name = _row_name(row, code)
        where = f"；共 {len(places)} 处" if len(places) > 1 else ""
        f = _finding("BL402", table, row,
                     f"{_SCHEME_LABEL[code.scheme]} {code.digits} 的名称应为「{entry.name}」，文档写作「{name}」"
                     f"（{cat.year} 年科目表，{_CONFIDENCE.get(entry.confidence, entry.confidence)}{where}）",
                     severity=_severity(entry, cat, doc.meta.year), expected=entry.name, found=name,
                     evidence=f"{code.digits} {name}")
        f.related = [Location.of(t, r) for t, r, _ in places[1:]]
        yield f


@rule("BL403", name="code-out-of-place", family="catalog", severity="warning", title="科目层级错位")
def code_out_of_place(doc: Document) -> Iterator[Finding]:
    """## 检查什么
    按表格行序，项应列在其所属的款之下、款应列在其所属的类之下：一个项出现在别的款的下面，
    说明编码或排列有误。
    ## 为什么重要
    错位会使类、款小计失真，也说明编码可能填错。
    ## 示例
    款 20807 之下出现项 2080505。
    ## 不报的情形
    表中没有列出上级科目（只列项）的情形。
    """
    for table in doc.tables:
        last: dict[int, Row] = {}
        for row in table.rows:
            code = row.code
            if code is None or row.kind is not RowKind.ITEM:
                continue
            parent = code.parent()
            above = last.get(code.level - 1)
            if parent is not None and above is not None and above.code is not None \
                    and above.code.scheme is code.scheme and above.code.digits != parent.digits \
                    and any(r.code and r.code.digits == parent.digits for r in table.rows):
                yield _finding("BL403", table, row,
                               f"{code.digits}（{row.label}）应列在 {parent.digits} 之下，却列在 "
                               f"{above.code.digits}（{above.label}）之下",
                               expected=parent.digits, found=above.code.digits)
            last[code.level] = row
            for deeper in range(code.level + 1, 4):
                last.pop(deeper, None)


_CONTEXT = {"行政": "机关", "参公": "事业单位", "事业": "事业单位"}


@rule("BL404", name="economic-mapping-mismatch", family="catalog", severity="warning",
      title="部门经济分类与政府经济分类对应关系不符")
def economic_mapping_mismatch(doc: Document) -> Iterator[Finding]:
    """## 检查什么
    基本支出表中每行的部门预算支出经济分类与政府预算支出经济分类，应符合对照表；对照关系取决于
    单位性质：行政单位 301/302/310 对应 501/502/503，事业单位对应 505/506。
    ## 为什么重要
    对应错误说明政府经济分类科目选错，汇总到政府预算时会归错类。
    ## 示例
    事业单位的 30101 基本工资 对应为 50101（应为 50501）。
    ## 不报的情形
    没有对照表；文档没有说明单位性质时只检查对照关系是否存在；部门预算同时含行政和事业单位时
    不按单位性质判断。对照表中经证实（attested）的对应关系不符报错误，其余报警告。
    """
    mapping = load_mapping(doc.meta.year)
    if mapping is None:
        return
    context = _CONTEXT.get(doc.meta.unit_type or "")
    for table in doc.tables:
        for row in table.rows:
            dept, gov = row.codes.get(CodeScheme.ECON_DEPT), row.codes.get(CodeScheme.ECON_GOV)
            if dept is None or gov is None or row.kind is not RowKind.ITEM:
                continue
            contexts = mapping.pairs.get((dept.digits, gov.digits))
            if contexts is None:
                known = sorted(g for (d, g) in mapping.pairs if d == dept.digits)
                if not known:
                    continue
                yield _finding("BL404", table, row,
                               f"部门经济分类 {dept.digits}（{row.label}）不应对应政府经济分类 {gov.digits}；"
                               f"对照表中为 {'、'.join(known)}",
                               expected="、".join(known), found=gov.digits)
            elif context and context not in contexts and "通用" not in contexts:
                expect = sorted(g for (d, g), c in mapping.pairs.items() if d == dept.digits and context in c)
                firm = any(mapping.pairs[(dept.digits, g)][context] in ("attested", "official") for g in expect)
                yield _finding("BL404", table, row,
                               f"本单位为{doc.meta.unit_type}单位，部门经济分类 {dept.digits}（{row.label}）应对应 "
                               f"{'、'.join(expect) or '（对照表未列）'}，文档为 {gov.digits}",
                               severity=Severity.ERROR if firm else Severity.WARNING,
                               expected="、".join(expect) or None, found=gov.digits,
                               evidence=doc.meta.unit_type_evidence)


@rule("BL405", name="code-malformed", family="catalog", severity="warning", title="科目编码位数不足")
def code_malformed(doc: Document) -> Iterator[Finding]:
    """## 检查什么
    分列填写的款、项编码应为两位（如 02），文档却只写了一位（如 2）。读取时按补零后的编码处理。
    ## 为什么重要
    编码格式错误会使科目无法与科目表、其他表格对应，汇总时可能漏计。
    ## 示例
    类 301、款 2 应为 301、02。
    ## 不报的情形
    编码位数正确；单列填写的完整编码（位数不对时按无编码处理）。
    """
    for table in doc.tables:
        for row in table.rows:
            note = row.texts.get("code_note")
            if note:
                yield _finding("BL405", table, row, f"「{row.label}」{note}", evidence=note)
