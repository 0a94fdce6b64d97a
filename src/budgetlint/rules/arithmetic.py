"""Arithmetic within one table: column sums, totals, code hierarchy, balancing tables."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from decimal import Decimal

from budgetlint.findings import Finding, Location, Severity
from budgetlint.hierarchy import UNNUMBERED, coded_children, node_key, numbered_levels
from budgetlint.model import Document, Row, RowKind, Table, Value
from budgetlint.recognise.normalise import strip_markup
from budgetlint.rules.common import (
    checkable,
    fmt,
    item_label,
    rows_for_sums,
    tolerance,
    usable,
    within,
)
from budgetlint.rules.registry import REGISTRY, rule


def _finding(rule_id: str, table: Table, row: Row, column: str, expected: Decimal, found: Value,
             tol: Decimal, message: str, evidence: str, related: list[Location] | None = None) -> Finding:
    return REGISTRY[rule_id].finding(message, Location.of(table, row, column), expected=expected, found=found.amount,
                                     tolerance=tol, unit=table.unit.value if table.unit else None,
                                     evidence=evidence, related=related or [])


def _col(table: Table, key: str, side: str | None = None) -> str:
    c = table.column(f"{side}.{key}" if side else key) or table.column(key)
    if c is None and table.layout == "balance":
        c = next((x for x in table.columns if x.key.endswith("." + key)), None)
    if c is None:
        return key
    # A balance table's side ("收入"/"支出") is said by the row itself; name the column only.
    header = c.header[1:] if c.side else c.header
    return "/".join(h for h in header if h) or c.label


def _sum(rows: list[Row], key: str) -> tuple[Decimal, list[Value]]:
    vals = [r.values[key] for r in rows if key in r.values]
    return sum((v.amount for v in vals if v.amount is not None), Decimal(0)), vals


@rule("BL101", name="row-sum-mismatch", family="arithmetic", severity="error",
      title="行内合计与各列之和不符")
def row_sum_mismatch(doc: Document) -> Iterator[Finding]:
    """## 检查什么
    表头决定的列间关系在每一行都应成立：合计 = 各组成列之和（如 合计 = 基本支出 + 项目支出，
    基本支出小计 = 人员支出 + 日常公用支出，财政拨款小计 = 一般公共预算 + 政府性基金 + 国有资本经营）。
    ## 为什么重要
    行内不平说明某个单元格填错或漏填，是预决算公开检查最常见的问题之一。
    ## 示例
    合计 1329.74，基本支出 1329.74，项目支出 0.40 → 应为 1330.14。
    ## 不报的情形
    差额在四舍五入容差之内（每个参与计算的数 0.5 个末位单位）；"其中"列和比率列；
    读取时错位且无法确定列归属的行（另报 BL901）；无法可靠读取的表（另报 BL903）。
    """
    for table in doc.tables:
        if not checkable(table):
            continue
        for row, total, parts in rows_for_sums(table):
            found = row.values[total]
            present = [p for p in parts if p in row.values]
            if not present:
                continue
            expected = sum((row.values[p].amount for p in present), Decimal(0))
            tol = tolerance([found] + [row.values[p] for p in present])
            if within(found.amount, expected, tol):
                continue
            names = " + ".join(_col(table, p, row.side) for p in present)
            yield _finding(
                "BL101", table, row, total, expected, found, tol,
                f"「{item_label(row)}」的{_col(table, total, row.side)} {fmt(found.amount)} 不等于 {names} 之和 "
                f"{fmt(expected)}（差 {fmt(found.amount - expected)}）",
                "；".join(f"{_col(table, k, row.side)}={row.values[k].raw.strip() or '空'}" for k in (total, *present)),
            )


@rule("BL102", name="total-row-mismatch", family="arithmetic", severity="error",
      title="合计行与各类（或各项目）之和不符")
def total_row_mismatch(doc: Document) -> Iterator[Finding]:
    """## 检查什么
    表格的"合计"行等于其下各最高层级科目（类）之和；没有科目编码的清单表（如项目支出表）
    的合计等于各项目之和。每个金额列分别检查。
    ## 为什么重要
    合计与明细不符，说明漏列科目、重复计算或合计填错。
    ## 示例
    合计 14904.71，而各类之和为 14907.41。
    ## 不报的情形
    容差之内的差额；表中有读取错位无法确定的行（该行所在表不做合计检查）；表无法可靠读取。
    """
    for table in doc.tables:
        if not checkable(table) or table.layout == "balance":
            continue
        totals = [r for r in table.rows if r.kind is RowKind.TOTAL and usable(r)]
        if not totals:
            continue
        children, top = coded_children(table)
        if table.items_sum and children and numbered_levels(table) is not None:
            # A list numbered at two depths (序号 一 over 1, 2 …): the groups carry the items'
            # sums, so the total is the sum of the groups, never of groups and items together.
            parts = top
            what = "各一级项目"
        elif table.items_sum:
            # Lists and cross-tabs (功能分类 × 经济分类 on every line): the total is every line.
            parts = [r for r in table.rows if r.kind is RowKind.ITEM]
            what = "各明细行"
        elif top:
            parts = top
            what = "各类"
            if len({r.code.digits for r in parts if r.code}) != len([r for r in parts if r.code]):
                continue  # duplicated codes: the sum would count a line twice
        else:
            continue
        if not parts or any(not usable(r) for r in parts):
            continue
        total = totals[0]
        bad = _failing_columns(total, parts, table)
        if bad:
            key, expected, tol = bad[0]
            found = total.values[key]
            yield _finding(
                "BL102", table, total, key, expected, found, tol,
                f"「{table.title}」合计行的{_col(table, key)} {fmt(found.amount)} 不等于{what}之和 "
                f"{fmt(expected)}（差 {fmt(found.amount - expected)}）{_also(table, bad)}",
                _evidence(parts, key),
            )


@rule("BL103", name="code-hierarchy-mismatch", family="arithmetic", severity="error",
      title="上级科目与下级科目之和不符")
def code_hierarchy_mismatch(doc: Document) -> Iterator[Finding]:
    """## 检查什么
    按科目编码的层级：类 = 其下各款之和，款 = 其下各项之和；功能分类和经济分类都适用。
    ## 为什么重要
    层级不平说明明细漏填、错填或上级金额错误。
    ## 示例
    208 社会保障和就业支出 6243.44，其下各款之和 6243.45（超出容差才报）。
    ## 不报的情形
    没有列出下级科目的上级行；编码重复的行；读取错位无法确定的行；无法可靠读取的表。
    """
    for table in doc.tables:
        if not checkable(table):
            continue
        children, _ = coded_children(table)
        keys = [node_key(r) for r in table.rows]  # each row's key worked out once
        counts = Counter(keys)
        for parent, parent_key in zip(table.rows, keys, strict=True):
            if parent.kind is not RowKind.ITEM:
                continue
            kids = children.get(parent_key)
            if not kids or counts[parent_key] > 1 or not usable(parent):
                continue
            if any(not usable(k) or counts[node_key(k)] > 1 for k in kids):
                continue
            bad = _failing_columns(parent, kids, table)
            if not bad:
                continue
            key, expected, tol = bad[0]
            found = parent.values[key]
            f = _finding(
                "BL103", table, parent, key, expected, found, tol,
                f"「{item_label(parent)}」的{_col(table, key)} {fmt(found.amount)} 不等于其下级科目之和 "
                f"{fmt(expected)}（差 {fmt(found.amount - expected)}）{_also(table, bad)}",
                _evidence(kids, key),
            )
            if _cut_at_end(table, parent, kids) and all(parent.values[k].amount > e for k, e, _ in bad):
                # The table ends inside this block and the items fall short: the last rows may
                # have been lost in reading. Say so rather than assert a document error.
                f.severity = Severity.WARNING
                f.message += "；该科目位于表格末尾且下级之和偏小，可能是表格末尾的行在读取中丢失，请核对原文"
            yield f


def _failing_columns(target: Row, parts: list[Row], table: Table | None = None) -> list[tuple[str, Decimal, Decimal]]:
    """(column, expected, tolerance) for each column where target ≠ Σ parts beyond rounding.
    Rate columns (完成率, 增减%) are not sums of the rows below."""
    rates = {c.key for c in table.columns if c.rate} if table is not None else set()
    bad = []
    for key, found in target.values.items():
        if found.amount is None or key in rates:
            continue
        expected, vals = _sum(parts, key)
        tol = tolerance([found, *vals])
        if not within(found.amount, expected, tol) and not counted_again(found.amount, expected, tol):
            bad.append((key, expected, tol))
    return bad


def counted_again(found: Decimal, expected: Decimal, tol: Decimal) -> bool:
    """The parts add up to a whole multiple of the total (2×, 3×, 4×): levels shown only by
    indentation summed together (类 + 款 + 项), or a page of rows read twice. A reading question,
    never a document's error."""
    if found <= 0 or expected <= found:
        return False
    k = (expected / found).to_integral_value()
    return 2 <= k <= 4 and abs(expected - k * found) <= tol * k


def _also(table: Table, bad: list[tuple[str, Decimal, Decimal]]) -> str:
    if len(bad) < 2:
        return ""
    return "；" + "、".join(_col(table, k) for k, _, _ in bad[1:]) + " 列同样不符"


def _evidence(parts: list[Row], key: str) -> str:
    return " + ".join(f"{item_label(r)} {r.values[key].raw.strip() or '0'}" for r in parts
                      if key in r.values and not r.values[key].blank)[:500]


def _cut_at_end(table: Table, parent: Row, kids: list[Row]) -> bool:
    """The table's last row belongs to this parent's block (nothing comes after its items)."""
    last = table.rows[-1]
    return last is kids[-1] or (last.code is not None and parent.code is not None
                                and last.code.digits.startswith(parent.code.digits))


def nest_by_amounts(rows: list[Row], key: str = "amount") -> list[Row]:
    """The top level of a list whose depth is not printed: a line equal to the sum of the lines
    right after it is their parent (行政事业单位养老支出 = 行政单位离退休 + 机关事业单位…)."""
    def amount(r: Row) -> Decimal:
        v = r.values.get(key)
        return v.amount if v is not None and v.amount is not None else Decimal(0)

    top: list[Row] = []
    i = 0
    while i < len(rows):
        head = rows[i]
        top.append(head)
        acc, j, end = Decimal(0), i + 1, None
        while j < len(rows) and amount(head) != 0:
            acc += amount(rows[j])
            tol = tolerance([head.values.get(key)] + [r.values.get(key) for r in rows[i + 1: j + 1]])
            if within(acc, amount(head), tol):
                end = j
                break
            if acc > amount(head) + tol:
                break
            j += 1
        i = end + 1 if end is not None else i + 1
    return top


def _side_rows(table: Table, side: str) -> list[Row]:
    return [r for r in table.rows if r.side == side]


@rule("BL104", name="balance-subtotal-mismatch", family="arithmetic", severity="error",
      title="收支总表本年合计与各项之和不符")
def balance_subtotal_mismatch(doc: Document) -> Iterator[Finding]:
    """## 检查什么
    收支总表（含财政拨款收支总表）每一侧：本年收入合计 = 各收入项之和，本年支出合计 =
    各支出功能分类之和；有细项的收入项（如财政拨款收入下的一般公共预算、政府性基金）等于其细项之和。
    ## 为什么重要
    总表是整套预算的入口，合计错误会传导到所有下游核对。
    ## 示例
    本年支出合计 14907.41，而各支出项之和为 14904.71。
    ## 不报的情形
    容差之内；该侧有读取错位的行；无法可靠读取的表。
    """
    for table in doc.tables:
        if not checkable(table) or table.layout != "balance":
            continue
        for side in ("income", "expenditure"):
            rows = _side_rows(table, side)
            if any(not usable(r) for r in rows):
                continue
            sub = next((r for r in rows if r.key == "current_total"), None)
            if sub is not None:
                before = rows[: rows.index(sub)]
                items = [r for r in before if r.kind is RowKind.ITEM and r.parent is None]
                yield from _balance_compare("BL104", table, sub, items,
                                            f"{sub.label}", "各项之和")
            for parent in rows:
                kids = [r for r in rows if r.parent == parent.index]
                if not kids or all(v.blank for k in kids for v in k.values.values()):
                    continue
                if any(strip_markup(k.label).lstrip().startswith("其中") for k in kids):
                    continue  # "其中：捐赠收入" names a part, not the whole breakdown
                if all(k.texts.get("depth") == UNNUMBERED for k in kids):
                    # Unnumbered lines may be 款 and 项 alike (told apart only by indentation):
                    # nest them by their amounts before adding up.
                    kids = nest_by_amounts(kids)
                yield from _balance_compare("BL104", table, parent, kids, parent.label, "其细项之和")


def _balance_compare(rule_id: str, table: Table, target: Row, parts: list[Row], what: str,
                     against: str) -> Iterator[Finding]:
    for key, found in target.values.items():
        if found.amount is None:
            continue
        expected, vals = _sum(parts, key)
        if found.blank or not any(not v.blank for v in vals):
            # A blank heading line over its parts, or parts none of which is printed (or read):
            # nothing is stated to compare, which is not a zero.
            continue
        tol = tolerance([found, *vals])
        if within(found.amount, expected, tol) or counted_again(found.amount, expected, tol):
            continue
        yield _finding(
            rule_id, table, target, key, expected, found, tol,
            f"「{table.title}」{what}的{_col(table, key, target.side)} {fmt(found.amount)} 不等于{against} {fmt(expected)}"
            f"（差 {fmt(found.amount - expected)}）",
            " + ".join(f"{r.label} {r.values[key].raw.strip()}" for r in parts
                       if key in r.values and not r.values[key].blank)[:500],
        )


@rule("BL105", name="balance-total-mismatch", family="arithmetic", severity="error",
      title="收支总表总计与本年合计及结转结余之和不符")
def balance_total_mismatch(doc: Document) -> Iterator[Finding]:
    """## 检查什么
    收入总计 = 本年收入合计 + 上年结转（结余）、上级补助等；支出总计 = 本年支出合计 + 结转下年等。
    ## 为什么重要
    总计错误说明结转结余或合计填错。
    ## 示例
    收入总计 14907.41，本年收入合计 14904.71，上年结转 0。
    ## 不报的情形
    容差之内；表中没有本年合计行；读取错位的行；无法可靠读取的表。
    """
    for table in doc.tables:
        if not checkable(table) or table.layout != "balance":
            continue
        for side in ("income", "expenditure"):
            rows = _side_rows(table, side)
            if any(not usable(r) for r in rows):
                continue
            grand = next((r for r in rows if r.key == "grand_total"), None)
            sub = next((r for r in rows if r.key == "current_total"), None)
            if grand is None or sub is None or rows.index(sub) > rows.index(grand):
                continue
            between = rows[rows.index(sub) + 1: rows.index(grand)]
            parts = [sub] + [r for r in between if r.kind is RowKind.ITEM and r.parent is None]
            yield from _balance_compare("BL105", table, grand, parts, grand.label,
                                        f"{sub.label}与结转结余等之和")


@rule("BL106", name="balance-sides-differ", family="arithmetic", severity="error",
      title="收支总表收入总计与支出总计不等")
def balance_sides_differ(doc: Document) -> Iterator[Finding]:
    """## 检查什么
    收支总表与财政拨款收支总表必须收支平衡：收入总计 = 支出总计。
    ## 为什么重要
    预算按收支平衡编制，总计不等说明表内有错。
    ## 示例
    收入总计 14904.71，支出总计 14907.41。
    ## 不报的情形
    容差之内；任一侧缺少总计行或读取错位；无法可靠读取的表。
    """
    for table in doc.tables:
        if not checkable(table) or table.layout != "balance":
            continue
        inc = next((r for r in table.rows if r.side == "income" and r.key == "grand_total"), None)
        exp = next((r for r in table.rows if r.side == "expenditure" and r.key == "grand_total"), None)
        if inc is None or exp is None or not usable(inc) or not usable(exp):
            continue
        a, b = inc.values.get("amount"), exp.values.get("amount")
        if a is None or b is None or a.amount is None or b.amount is None:
            continue
        tol = tolerance([a, b])
        if within(b.amount, a.amount, tol):
            continue
        yield _finding(
            "BL106", table, exp, "amount", a.amount, b, tol,
            f"「{table.title}」支出总计 {fmt(b.amount)} 与收入总计 {fmt(a.amount)} 不等（差 {fmt(b.amount - a.amount)}）",
            f"{inc.label} {a.raw.strip()}；{exp.label} {b.raw.strip()}",
            related=[Location.of(table, inc, "amount")],
        )


@rule("BL107", name="row-identity-mismatch", family="arithmetic", severity="error",
      title="按行列示的合计与其组成项不符")
def row_identity_mismatch(doc: Document) -> Iterator[Finding]:
    """## 检查什么
    按行列示项目的表格（如河北模板的“三公”经费表）中，合计行与组成行的关系：合计 = “三公”经费小计
    + 会议费 + 培训费；“三公”小计 = 因公出国（境）费 + 公务用车购置及运维费 + 公务接待费；
    公务用车购置及运维费 = 购置费 + 运行维护费。决算基本支出表中，人员经费合计 = 301 工资福利支出 +
    303 对个人和家庭的补助，公用经费合计 = 302 商品和服务支出 + 310 资本性支出等其余各类。
    关系以数据形式写在 templates/rows.toml。
    ## 为什么重要
    三公经费是公开检查的重点，分项与合计不符是常见问题。
    ## 示例
    公务用车购置及运维费 1.00，购置费 0、运行维护费 1.50。
    ## 不报的情形
    组成行都未列出；容差之内；读取错位的行；无法可靠读取的表。
    """
    from budgetlint.recognise.vocab import default_vocabulary

    sums = default_vocabulary().row_sums
    for table in doc.tables:
        specs = [s for s in sums if s.get("table") == table.kind]
        if not specs or not checkable(table):
            continue
        keyed = {r.key: r for r in table.rows if r.key}
        total_row = table.total_row()
        for spec in specs:
            target = total_row if spec["total"] == "total" else keyed.get(spec["total"])
            parts = [keyed[p] for p in spec.get("parts", []) if p in keyed]
            # Parts named by classification class (人员经费合计 = 301 + 303).
            parts += [r for r in table.rows if r.kind is RowKind.ITEM and r.code is not None
                      and r.code.level == 1 and r.code.digits in spec.get("classes", ())]
            required = [p for p in spec.get("parts", []) if p not in spec.get("optional", [])]
            if target is None or not parts or any(p not in keyed for p in required):
                continue
            if not usable(target) or any(not usable(p) for p in parts):
                continue
            bad = _failing_columns(target, parts, table)
            if not bad:
                continue
            key, expected, tol = bad[0]
            yield _finding(
                "BL107", table, target, key, expected, target.values[key], tol,
                f"「{table.title}」{target.label}的{_col(table, key)} {fmt(target.values[key].amount)} 不等于 "
                f"{'、'.join(p.label for p in parts)} 之和 {fmt(expected)}（差 {fmt(target.values[key].amount - expected)}）"
                f"{_also(table, bad)}",
                _evidence(parts, key),
            )


def _rate_columns(table: Table) -> list[tuple[str, str, list[str]]]:
    """(rate key, 决算数 key, denominator keys) for each completion-rate column of a final account:
    "rate.X" beside "final.X" and "budget.X" / "adjusted.X" (any year prefix kept)."""
    keys = {c.key for c in table.amount_columns}
    out = []
    for c in table.amount_columns:
        head, sep, base = c.key.partition("rate.")
        if not sep or (head and not head.endswith(".")):
            continue
        final = f"{head}final.{base}"
        denominators = [k for k in (f"{head}budget.{base}", f"{head}adjusted.{base}") if k in keys]
        if final in keys and denominators:
            out.append((c.key, final, denominators))
    return out


def _rate_bounds(final: Value, budget: Value) -> tuple[Decimal, Decimal]:
    """The range final ÷ budget × 100 can take given the rounding of the two printed figures."""
    f, b = final.amount, budget.amount
    hf = final.half_ulp if not final.blank else Decimal(0)
    hb = budget.half_ulp if not budget.blank else Decimal(0)
    lo = (f - hf) / (b + hb) * 100
    hi = (f + hf) / (b - hb) * 100 if b - hb > 0 else Decimal("Infinity")
    return lo, hi


@rule("BL108", name="completion-rate-mismatch", family="arithmetic", severity="error",
      title="完成率与决算数、预算数不符")
def completion_rate_mismatch(doc: Document) -> Iterator[Finding]:
    """## 检查什么
    决算表中列示的完成率（"完成率""决算数为预算数的%"等）应等于 决算数 ÷ 预算数 × 100%，按表中
    印出的小数位四舍五入。表头同时有年初预算数和调整预算数时，与其中任一相符即可。
    ## 为什么重要
    完成率是决算公开中说明预算执行情况的核心指标，算错会误导读者对预算执行的判断。
    ## 示例
    因公出国（境）费年初预算数 20.00，决算数 15.00，完成率应为 75.00%，表中写作 57.00%。
    ## 不报的情形
    预算数为 0 或空白（完成率无意义）；完成率空白；在两个金额各自的四舍五入范围内能得到印出的
    完成率；以小数（0.75）而非百分数印出且相符；读取错位的行；无法可靠读取的表。
    """
    for table in doc.tables:
        if not checkable(table):
            continue
        for rate_key, final_key, denominators in _rate_columns(table):
            for row in table.rows:
                if not usable(row):
                    continue
                rate, final = row.values.get(rate_key), row.values.get(final_key)
                if rate is None or final is None or rate.blank or rate.amount is None or final.amount is None:
                    continue
                tried = []
                for key in denominators:
                    budget = row.values.get(key)
                    if budget is None or budget.blank or budget.amount is None or budget.amount <= 0:
                        continue
                    lo, hi = _rate_bounds(final, budget)
                    half = rate.half_ulp
                    fits = lo - half <= rate.amount <= hi + half
                    # Printed as a fraction (0.75) rather than a percentage.
                    as_fraction = lo / 100 - half <= rate.amount <= hi / 100 + half
                    if fits or as_fraction:
                        tried = []
                        break
                    tried.append((key, budget))
                if not tried:
                    continue
                key, budget = tried[0]
                expected = (final.amount / budget.amount * 100).quantize(Decimal(1).scaleb(-rate.decimals))
                tol = rate.half_ulp
                yield _finding(
                    "BL108", table, row, rate_key, expected, rate, tol,
                    f"「{item_label(row)}」的{_col(table, rate_key)} {fmt(rate.amount)}% 与 "
                    f"{_col(table, final_key)} {fmt(final.amount)} ÷ {_col(table, key)} {fmt(budget.amount)} = "
                    f"{fmt(expected)}% 不符（差 {fmt(rate.amount - expected)} 个百分点）",
                    f"{_col(table, final_key)}={final.raw.strip()}；{_col(table, key)}={budget.raw.strip()}；"
                    f"{_col(table, rate_key)}={rate.raw.strip()}",
                    related=[Location.of(table, row, final_key), Location.of(table, row, key)],
                )
