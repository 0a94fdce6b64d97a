"""Multi-row headers → columns with semantic keys and the sums the header implies.

A converter writes a merged header cell once, followed by empty cells. A cell therefore spans
rightwards over the empty cells of its own row for as long as a deeper header row has words
there. Spans give a tree (group → sub-columns); leaves are the table's columns. The tree also
says which column is the sum of which: a 合计/小计/总计 leaf is the sum of its siblings.

Chain: ``rows_to_nodes`` → ``nodes_to_columns`` → ``nodes_to_sums`` (pdfplumber-style steps).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from budgetlint.model import Column
from budgetlint.recognise.normalise import clean
from budgetlint.recognise.vocab import Vocabulary, label_key

_CODE_WORDS = ("编码", "代码")
# A leaf naming its figure after the year (上海 2024: "2024年机关运行经费预算数"): the figure's word.
_LEAF_YEAR = re.compile(r"^(?:19|20)\d\d年度?(.+)$")
_SIDE_WORDS = {"收入": "income", "支出": "expenditure"}


@dataclass(slots=True)
class Node:
    label: str
    row: int
    start: int
    end: int  # exclusive
    children: list[Node] = field(default_factory=list)
    column: Column | None = None  # for leaves
    key: str | None = None  # semantic key of a group

    @property
    def is_leaf(self) -> bool:
        return not self.children


@dataclass(slots=True)
class Header:
    columns: list[Column]
    sums: list[tuple[str, tuple[str, ...]]]
    width: int


def _blank(grid: list[list[str]], r: int, j: int) -> bool:
    return j >= len(grid[r]) or not grid[r][j]


_UNIT_NOTE = re.compile(r"[（(]\s*(?:金额)?单位\s*[:：]\s*(?:亿元|万元|元)\s*[)）]")


def header_unit(rows: list[list[str]]) -> str | None:
    """A unit written inside a header cell: "价值（金额单位：万元）"."""
    for r in rows:
        for c in r:
            m = re.search(r"单位\s*[:：]\s*(亿元|万元|元)", clean(c))
            if m:
                return m.group(1)
    return None


def _names_rows(label: str, vocab: Vocabulary | None) -> bool:
    """A header cell that names the rows (科目名称, 支出项目类别, 科目编码 …), not a group of columns."""
    if vocab is None or not label:
        return False
    return vocab.text_role(label) is not None or any(w in label_key(label) for w in _CODE_WORDS)


def _is_amount_word(label: str, vocab: Vocabulary | None) -> bool:
    if vocab is None or not label:
        return False
    lk = label_key(label)
    return vocab.text_role(label) is None and (vocab.column_key(label) is not None or lk in vocab.generic_totals)


def rows_to_nodes(rows: list[list[str]], width: int, vocab: Vocabulary | None = None) -> list[Node]:
    """Header rows (cleaned cells) → forest of nodes with their column spans.

    A cell that names the rows (支出项目类别) never spans over a column whose deeper cells are
    amount words (总计): the two are side by side, the reader merely lost the blank between them.
    """
    grid = [[_UNIT_NOTE.sub("", clean(c)).strip() for c in r] + [""] * (width - len(r)) for r in rows]
    depth = len(grid)
    nodes_by_row: list[list[Node]] = []
    for r in range(depth):
        row_nodes = []
        for k in range(width):
            if _blank(grid, r, k):
                continue
            # Never past the group above: a cell merged down from an upper row leaves blanks
            # beside a lower cell that are not its span (三公 决算: 公务接待费 beside 公务用车运行费).
            limit = width
            for up in range(r - 1, -1, -1):
                above = next((p for p in nodes_by_row[up] if p.start <= k < p.end), None)
                if above is not None:
                    limit = above.end
                    break
            j = k + 1
            names_rows = _names_rows(grid[r][k], vocab)
            while j < limit and _blank(grid, r, j) and any(
                not _blank(grid, d, j) for d in range(r + 1, depth)
            ):
                if names_rows and any(_is_amount_word(grid[d][j], vocab) for d in range(r + 1, depth)):
                    break
                j += 1
            row_nodes.append(Node(grid[r][k], r, k, j))
        nodes_by_row.append(row_nodes)
    roots: list[Node] = []
    for r, row_nodes in enumerate(nodes_by_row):
        for node in row_nodes:
            parent = None
            for up in range(r - 1, -1, -1):
                parent = next((p for p in nodes_by_row[up] if p.start <= node.start < p.end), None)
                if parent:
                    break
            (parent.children if parent else roots).append(node)
    # A column whose header cells are all blank still holds data: give it an unnamed leaf.
    covered = {j for n in _walk(roots) for j in range(n.start, n.end)}
    for j in range(width):
        if j not in covered:
            roots.append(Node("", 0, j, j + 1))
    roots.sort(key=lambda n: n.start)
    return roots


def _walk(nodes: list[Node]):
    for n in nodes:
        yield n
        yield from _walk(n.children)


def _leaves(node: Node) -> list[Node]:
    return [node] if node.is_leaf else [leaf for c in node.children for leaf in _leaves(c)]


def _side_of(label: str) -> str | None:
    key = label_key(label)
    for word, side in _SIDE_WORDS.items():
        if key == word or key in (word + "项目", word + "方", word + "部分"):
            return side
        # "本年收入" / "财政拨款支出" heading one half of a balance table.
        if key.endswith(word) and not any(w in key for w in _SIDE_WORDS if w != word):
            return side
    return None


def _stages(roots: list[Node], vocab: Vocabulary) -> set[str]:
    return {st for n in _walk(roots) if n.label and (st := vocab.stage(n.label))}


_TEXT_ROLES = ("code", "code_part", "name", "seq", "project_type", "year")


def nodes_to_columns(roots: list[Node], vocab: Vocabulary, balance: bool) -> list[Column]:
    """Give every leaf a Column: its role (code, name, amount …) and semantic key.

    Keys: the header word's key (columns.toml), with a year prefix from a year group
    ("y2024.abroad") and, where the header names more than one stage of a final account
    (预算数 | 决算数 | 完成率), a stage prefix ("budget.abroad", "final.total", "rate.amount").
    A key that repeats under other groups (一般公共预算 under 总计, then under 因公出国（境）费 …) is
    qualified by its group after the first ("general", "abroad.general"); any other repeat is
    numbered ("#2").
    """
    multi_stage = len(_stages(roots, vocab)) > 1
    leaves: list[tuple[Column, str, str | None, str | None]] = []  # column, base key, side, group key

    def visit(node: Node, path: tuple[str, ...], year: str | None, stage: str | None, side: str | None,
              group_key: str | None, text_group: bool) -> None:
        label = node.label
        lk = label_key(label)
        m = vocab.year_pattern.match(lk) if lk else None
        if m and not node.is_leaf:
            year = m.group("year")
        elif lk in vocab.relative_years and not node.is_leaf:
            # 上年 | 当年 (西安 表13): the year relative to the document's, known only once its
            # title is read; recognise() writes the year in (tables.resolve_relative_years).
            year = f"{vocab.relative_years[lk]:+d}"
        own_stage = vocab.stage(label) if lk and multi_stage else None
        if balance and side is None and not node.is_leaf:
            side = _side_of(label)
        role = vocab.text_role(label) if lk else None
        key = vocab.column_key(label) if lk else None
        if node.is_leaf and lk and key is None and not m and (ym := _LEAF_YEAR.match(lk)):
            key = vocab.column_key(ym.group(1))
        if not node.is_leaf:
            if role is not None or any(w in lk for w in _CODE_WORDS) or lk.endswith("科目"):
                text_group = True
            if own_stage:
                stage = own_stage
                node.key = group_key
            elif lk in vocab.change_groups:
                # 增减变化情况 over the same columns as the years beside it: the change, not a figure
                # of any year ("change.total"), never read as the table's own total.
                stage = "change"
                node.key = group_key
            elif lk in vocab.generic_totals:
                # 合计 heading its own columns (预算数 | 决算数): the table's total at the top,
                # the group's total inside a group (公务用车 → 小计).
                node.key = group_key or (None if balance else "total")
            else:
                node.key = key
            for child in node.children:
                visit(child, path + (label,), year, stage, side, node.key or group_key, text_group)
            return
        if lk in ("类", "款", "项"):
            role, ckey = "code_part", lk
        elif role == "code" or (lk and any(w in lk for w in _CODE_WORDS)) or (
                role is None and not key and lk.endswith("分类科目")):
            # "支出功能分类科目" over cells like "2010501-行政运行": the code and its name in one cell.
            role, ckey = "code", "code"
        elif role in ("name", "seq", "project_type", "year"):
            ckey = role
        elif lk and ("名称" in lk or (text_group and not key and lk not in vocab.generic_totals)):
            role, ckey = "name", "name"
        elif role is not None:
            ckey = role
        else:
            role = "amount"
            if own_stage:
                # 预算数 | 决算数 under 因公出国（境）费: the group says what, the leaf which figure.
                ckey = group_key or "amount"
                stage = own_stage
            elif lk in vocab.generic_totals:
                ckey = group_key or ("amount" if balance else "total")
            elif key:
                ckey = key
            elif m:
                ckey = "amount"
            elif lk:
                ckey = "col:" + lk
            else:
                ckey = f"col{node.start}"
            if stage and not ckey.startswith("col") and not (balance and stage == "final"):
                ckey = f"{stage}.{ckey}"
            if year and not ckey.startswith("col"):
                ckey = f"y{year}.{ckey}"
        # label_key strips "其中：", so the prefix is looked for in the printed label too.
        printed = clean(label).replace(" ", "")
        additive = role == "amount" and stage != "rate" and not any(
            lk.startswith(p) or printed.startswith(p) for p in vocab.non_additive_prefixes
        ) and not any(w in lk for w in vocab.non_additive_words)
        rate = role == "amount" and (stage == "rate" or any(w in lk for w in vocab.rate_words))
        col = Column(key=ckey, header=path + (label,), role=role, side=side, additive=additive, rate=rate)
        node.column = col
        leaves.append((col, ckey, side, group_key if group_key != ckey else None))

    for root in roots:
        visit(root, (), None, None, None, None, False)
    _qualify_repeats(leaves, balance)
    columns = [c for c, _, _, _ in leaves]
    # Column order must follow the grid, not the tree walk.
    order = {id(n.column): n.start for n in _walk(roots) if n.column is not None}
    columns.sort(key=lambda c: order[id(c)])
    _unnamed_text_columns(columns, order)
    return columns


def _qualify_repeats(leaves: list[tuple[Column, str, str | None, str | None]], balance: bool) -> None:
    """Final keys: side prefix; a repeated amount key qualified by its groups where they differ
    (总计/一般公共预算, 因公出国（境）费/一般公共预算 → total.general, abroad.general); "#n" otherwise."""
    if not balance:
        by_key: dict[str, list[int]] = {}
        for i, (col, base, _side, _g) in enumerate(leaves):
            if col.role == "amount" and not base.startswith(("col", "y")):
                by_key.setdefault(base, []).append(i)
        for base, idx in by_key.items():
            # The first keeps its plain key (the table's own 一般公共预算 column); the repeats are
            # qualified by their groups where those tell them apart.
            groups = [leaves[i][3] for i in idx[1:]]
            if len(idx) > 1 and all(groups) and len(set(groups)) == len(groups):
                for i in idx[1:]:
                    col, _, side, group = leaves[i]
                    leaves[i] = (col, f"{group}.{base}", side, group)
    used: dict[str, int] = {}
    for col, base, side, _g in leaves:
        full = base if side is None else f"{side}.{base}"
        n = used.get(full, 0)
        used[full] = n + 1
        if n and col.role in ("amount", "code", "name", "code_part"):
            full = f"{full}#{n + 1}"
        col.key = full


def _unnamed_text_columns(columns: list[Column], order: dict[int, int]) -> None:
    """A column with no header words left of the row-naming columns holds words, not amounts: the
    body's name cells span differently from the header (功能科目代码 | ∅ | 功能科目名称). Right after a
    code column it continues the code (科目编码 over 201 | 06 | 01)."""
    last_text = max((i for i, c in enumerate(columns) if c.role in _TEXT_ROLES), default=-1)
    for i, c in enumerate(columns[:last_text]):
        if c.role == "amount" and not any(c.header) and c.key.startswith("col"):
            prev = columns[i - 1] if i else None
            c.role = "code_part" if prev is not None and prev.role in ("code", "code_part") else "text"
            c.additive = False


def _sum_column(node: Node, vocab: Vocabulary) -> str | None:
    """The column that carries a node's amount: the leaf itself, or a group's 合计/小计 child."""
    if node.is_leaf:
        col = node.column
        return col.key if col is not None and col.role == "amount" and col.additive else None
    for child in node.children:
        if child.is_leaf and label_key(child.label) in vocab.generic_totals and child.column is not None:
            return child.column.key
    return None


def _flat_parts(node: Node, vocab: Vocabulary) -> list[str] | None:
    """The columns that add up to a group without a total column of its own: each child's total
    (or the child itself), recursively; [] for a group of words (科目编码 over 类 | 款 | 项); None
    when its amounts cannot be summed (a rate, only 其中 columns)."""
    out: list[str] = []
    for child in node.children:
        if child.is_leaf:
            col = child.column
            if col is None or col.role != "amount" or not col.additive:
                if col is not None and col.role == "amount" and col.rate:
                    return None
                continue
            out.append(col.key)
            continue
        key = _sum_column(child, vocab)
        if key is not None:
            out.append(key)
            continue
        inner = _flat_parts(child, vocab)
        if inner is None:
            return None
        out.extend(inner)
    if any(k.split(".")[-1].startswith("col") for k in out):
        return None  # only columns the vocabulary knows (一般公共预算 …, not 项目支出总数)
    if not out and any(leaf.column and leaf.column.role == "amount" for leaf in _leaves(node)):
        return None  # amounts, none of which can be added (其中 only)
    return out


def nodes_to_sums(roots: list[Node], vocab: Vocabulary) -> list[tuple[str, tuple[str, ...]]]:
    """Identities implied by the header: each 合计/小计 leaf = Σ its sibling columns."""
    sums: list[tuple[str, tuple[str, ...]]] = []

    def visit(siblings: list[Node]) -> None:
        total = next(
            (n for n in siblings if n.is_leaf and label_key(n.label) in vocab.generic_totals
             and n.column is not None and n.column.role == "amount"),
            None,
        )
        if total is not None:
            parts: list[str] = []
            complete = True
            for n in siblings:
                if n is total or (n.is_leaf and (n.column is None or n.column.role != "amount")):
                    continue
                if n.is_leaf and not n.column.additive:
                    continue
                key = _sum_column(n, vocab)
                if key is None:
                    # A year or stage heading over columns with no total of their own (深圳
                    # "2026年预算" over 财政拨款 … 上年结余): its parts, each through its total where it
                    # has one. Any other group without a total cannot be summed reliably.
                    lk = label_key(n.label)
                    wrapper = bool(vocab.year_pattern.match(lk)) or vocab.stage(n.label) is not None
                    flat = _flat_parts(n, vocab) if wrapper else None
                    if flat is None:
                        if any(leaf.column and leaf.column.role == "amount" for leaf in _leaves(n)):
                            complete = False
                    else:
                        parts.extend(flat)
                    continue
                parts.append(key)
            if complete and parts:
                sums.append((total.column.key, tuple(parts)))
        sums.extend(_parallel_sums(siblings, vocab))
        for n in siblings:
            if n.children:
                visit(n.children)

    visit(roots)
    return sums


def _same_leaf(node: Node, label: str, vocab: Vocabulary) -> Node | None:
    """The leaf of ``node`` holding the figure headed ``label`` (预算数 / 决算数): its own child, or
    its 小计 group's child."""
    want = label_key(label)
    kids = [c for c in node.children if c.is_leaf and label_key(c.label) == want]
    if kids:
        return kids[0]
    for c in node.children:
        if not c.is_leaf and label_key(c.label) in vocab.generic_totals:
            return _same_leaf(c, label, vocab)
    return None


def _parallel_sums(siblings: list[Node], vocab: Vocabulary) -> list[tuple[str, tuple[str, ...]]]:
    """A 合计 group over figures of several kinds (预算数 | 决算数) beside groups with the same
    figures: each figure of the 合计 = Σ the same figure of its siblings."""
    total = next((n for n in siblings if not n.is_leaf and label_key(n.label) in vocab.generic_totals
                  and all(c.is_leaf for c in n.children)), None)
    if total is None:
        return []
    out = []
    for leaf in total.children:
        col = leaf.column
        if col is None or col.role != "amount" or not col.additive:
            continue
        parts = []
        for n in siblings:
            if n is total or (n.is_leaf and (n.column is None or n.column.role != "amount")):
                continue
            same = None if n.is_leaf else _same_leaf(n, leaf.label, vocab)
            if same is None or same.column is None:
                parts = []
                break
            parts.append(same.column.key)
        if parts:
            out.append((col.key, tuple(parts)))
    return out


def build_header(rows: list[list[str]], width: int, vocab: Vocabulary, balance: bool = False) -> Header:
    roots = rows_to_nodes(rows, width, vocab)
    columns = nodes_to_columns(roots, vocab, balance)
    if balance:
        # A side is not a sum of its columns: only groups inside a side imply sums.
        sums = [s for root in roots for s in nodes_to_sums(root.children, vocab)]
    else:
        sums = nodes_to_sums(roots, vocab)
    return Header(columns=columns, sums=sums, width=width)


_INDEX_ROW = re.compile(r"^\d{1,2}$")


def is_index_row(cells: list[str]) -> bool:
    """A 栏次 row: "栏次 1 2 3 …" or a bare run of small consecutive integers."""
    vals = [clean(c) for c in cells if clean(c)]
    if not vals:
        return False
    if label_key(vals[0]) in ("栏次", "行次"):
        return True
    nums = [v for v in vals if _INDEX_ROW.match(v)]
    if len(nums) >= 3 and len(nums) == len(vals):
        ints = [int(v) for v in nums]
        return all(b == a + 1 for a, b in zip(ints, ints[1:], strict=False))
    return False
