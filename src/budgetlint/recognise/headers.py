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


def rows_to_nodes(rows: list[list[str]], width: int) -> list[Node]:
    """Header rows (cleaned cells) → forest of nodes with their column spans."""
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
            while j < limit and _blank(grid, r, j) and any(
                not _blank(grid, d, j) for d in range(r + 1, depth)
            ):
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


def nodes_to_columns(roots: list[Node], vocab: Vocabulary, balance: bool) -> list[Column]:
    """Give every leaf a Column: its role (code, name, amount …) and semantic key."""
    columns: list[Column] = []
    used: dict[str, int] = {}

    def visit(node: Node, path: tuple[str, ...], year: str | None, side: str | None, group_key: str | None,
              text_group: bool) -> None:
        label = node.label
        lk = label_key(label)
        m = vocab.year_pattern.match(lk) if lk else None
        if m and not node.is_leaf:
            year = m.group("year")
        if balance and side is None and not node.is_leaf:
            side = _side_of(label)
        role = vocab.text_role(label) if lk else None
        key = vocab.column_key(label) if lk else None
        if not node.is_leaf:
            if role is not None or any(w in lk for w in _CODE_WORDS) or lk.endswith("科目"):
                text_group = True
            node.key = key if lk not in vocab.generic_totals else group_key
            for child in node.children:
                visit(child, path + (label,), year, side, node.key or group_key, text_group)
            return
        if lk in ("类", "款", "项"):
            role, ckey = "code_part", lk
        elif role == "code" or (lk and any(w in lk for w in _CODE_WORDS)):
            role, ckey = "code", "code"
        elif role in ("name", "seq", "project_type"):
            ckey = role
        elif lk and ("名称" in lk or (text_group and not key and lk not in vocab.generic_totals)):
            role, ckey = "name", "name"
        elif role is not None:
            ckey = role
        else:
            role = "amount"
            if lk in vocab.generic_totals:
                ckey = group_key or ("amount" if balance else "total")
            elif key:
                ckey = key
            elif m:
                ckey = "amount"
            elif lk:
                ckey = "col:" + lk
            else:
                ckey = f"col{node.start}"
            if year and not ckey.startswith("col"):
                ckey = f"y{year}.{ckey}"
        full = ckey if side is None else f"{side}.{ckey}"
        n = used.get(full, 0)
        used[full] = n + 1
        if n and role in ("amount", "code", "name", "code_part"):
            full = f"{full}#{n + 1}"
        # label_key strips "其中：", so the prefix is looked for in the printed label too.
        printed = clean(label).replace(" ", "")
        additive = role == "amount" and not any(
            lk.startswith(p) or printed.startswith(p) for p in vocab.non_additive_prefixes
        ) and not any(w in lk for w in vocab.non_additive_words)
        col = Column(key=full, header=path + (label,), role=role, side=side, additive=additive)
        node.column = col
        columns.append(col)

    for root in roots:
        visit(root, (), None, None, None, False)
    # Column order must follow the grid, not the tree walk.
    order = {id(n.column): n.start for n in _walk(roots) if n.column is not None}
    columns.sort(key=lambda c: order[id(c)])
    return columns


def _sum_column(node: Node, vocab: Vocabulary) -> str | None:
    """The column that carries a node's amount: the leaf itself, or a group's 合计/小计 child."""
    if node.is_leaf:
        col = node.column
        return col.key if col is not None and col.role == "amount" and col.additive else None
    for child in node.children:
        if child.is_leaf and label_key(child.label) in vocab.generic_totals and child.column is not None:
            return child.column.key
    return None


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
                    # A group with no total of its own: its parts cannot be summed reliably.
                    if any(leaf.column and leaf.column.role == "amount" for leaf in _leaves(n)):
                        complete = False
                    continue
                parts.append(key)
            if complete and parts:
                sums.append((total.column.key, tuple(parts)))
        for n in siblings:
            if n.children:
                visit(n.children)

    visit(roots)
    return sums


def build_header(rows: list[list[str]], width: int, vocab: Vocabulary, balance: bool = False) -> Header:
    roots = rows_to_nodes(rows, width)
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
