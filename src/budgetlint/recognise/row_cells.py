"""The columns of a table's header segment and what one row's cells hold: the layout (where the
amount, code and name columns sit, side-by-side copies of one column set), classification codes
(类/款/项 in one cell or three, "2010501-行政运行", organisation codes told apart) and amounts with
their provenance.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from budgetlint.ingest.base import Line
from budgetlint.model import Code, CodeScheme, Column, Provenance, Value
from budgetlint.recognise.headers import Header
from budgetlint.recognise.normalise import clean
from budgetlint.recognise.numbers import parse_amount
from budgetlint.recognise.settings import DEFAULT as SETTINGS

CODE = re.compile(r"^\d{3}(?:\d{2}){0,2}$")


def code_scheme(digits: str) -> CodeScheme:
    return {"3": CodeScheme.ECON_DEPT, "5": CodeScheme.ECON_GOV}.get(digits[:1], CodeScheme.FUNCTION)


def split_code(digits: str) -> tuple[str, ...]:
    return tuple(p for p in (digits[:3], digits[3:5], digits[5:7]) if p)


@dataclass(slots=True)
class Layout:
    """Column positions of one header segment."""

    columns: list[Column]
    sums: list[tuple[str, tuple[str, ...]]]
    amount_idx: list[int]
    code_groups: list[list[int]]  # positions of 类/款/项 (or one 编码) per code group
    name_idx: list[int]
    text_idx: dict[str, int]
    offset: int = 0  # where a panel's first column sits in the line
    panels: list[Layout] = field(default_factory=list)  # side-by-side copies of one column set
    org_groups: set[int] = field(default_factory=set)  # code groups holding organisation codes

    @classmethod
    def of(cls, header: Header, panels: bool = True) -> Layout:
        layout = cls._of(header.columns, header.sums)
        layout.panels = _panels(header.columns, header.sums) if panels else []
        return layout

    @classmethod
    def _of(cls, cols: list[Column], sums, offset: int = 0) -> Layout:
        amount_idx = [i for i, c in enumerate(cols) if c.role == "amount"]
        groups: list[list[int]] = []
        prev = None
        for i, c in enumerate(cols):
            if c.role == "code_part":
                if (prev is not None and prev == i - 1 and cols[prev].role in ("code_part", "code")
                        and len(groups[-1]) < 3):
                    groups[-1].append(i)
                else:
                    groups.append([i])
                prev = i
            elif c.role == "code":
                groups.append([i])
                prev = i
        name_idx = [i for i, c in enumerate(cols) if c.role == "name"]
        text_idx = {c.role: i for i, c in enumerate(cols) if c.role in ("seq", "project_type", "year")}
        return cls(cols, sums, amount_idx, groups, name_idx, text_idx, offset)


def _base_key(key: str) -> str:
    return key.split("#", 1)[0]


def _panels(cols: list[Column], sums) -> list[Layout]:
    """Side-by-side copies of one column set (决算 基本支出表: 科目编码 | 科目名称 | 决算数, twice or
    three times on a line — 人员经费 on the left, 公用经费 on the right): one sub-layout per copy,
    with the keys of the first. Each copy must name its rows and carry the same amount columns."""
    bounds = [0] + [i for i in range(1, len(cols)) if cols[i].role != "amount" and cols[i - 1].role == "amount"]
    if len(bounds) < 2:
        return []
    spans = list(zip(bounds, bounds[1:] + [len(cols)], strict=True))
    signature = set()
    for a, b in spans:
        part = cols[a:b]
        if not any(c.role == "amount" for c in part) or not any(c.role in ("name", "code", "code_part") for c in part):
            return []
        signature.add(tuple((_base_key(c.key), c.role) for c in part))
    if len(signature) != 1:
        return []
    out = []
    for a, b in spans:
        part = [Column(key=_base_key(c.key), header=c.header, role=c.role, side=c.side, additive=c.additive,
                       rate=c.rate) for c in cols[a:b]]
        keys = {c.key for c in cols[a:b]}
        psums = [(_base_key(t), tuple(_base_key(x) for x in ps)) for t, ps in sums
                 if t in keys and all(x in keys for x in ps)]
        out.append(Layout._of(part, psums, a))
    return out


_CODE_NAME = re.compile(r"(?<!\d)(\d{3}(?:\d{2}){0,2})\s*[-－—]\s*(\S.*)$")


def organisation_groups(rows: list[list[str]], layout: Layout) -> set[int]:
    """The one-cell code groups whose column holds organisation codes, not classification codes.

    Classification codes grow 3 → 5 → 7 digits (类/款/项); 部门/单位 codes grow by three (302 →
    302001). A column where a code of six or more digits extends another code of the column by
    exactly three digits, and no code has a classification's 5 or 7 digits, is a column of
    organisation codes: its "302" is the 部门代码, not 经济分类 302 商品和服务支出."""
    out: set[int] = set()
    for g, group in enumerate(layout.code_groups):
        if len(group) != 1:
            continue
        i = group[0]
        digits = {t for r in rows if i < len(r) and (t := clean(r[i]).replace(" ", "")).isdigit()}
        if any(len(d) in (5, 7) for d in digits):
            continue
        if any(len(d) >= 2 * SETTINGS.org_code_step and d[:-SETTINGS.org_code_step] in digits for d in digits):
            out.add(g)
    return out


def read_codes(texts: list[str], layout: Layout, carry: dict[int, list[str]],
                notes: list[str] | None = None, names: dict[CodeScheme, str] | None = None,
                spill: dict[CodeScheme, str] | None = None) -> dict[CodeScheme, Code]:
    """The row's codes, one per code group. A cell may hold the code and its name
    ("2010501-行政运行"): the name goes to ``names``; words before the code are the end of the
    cell above, wrapped into this one ("缴费支出2080506-…"), and go to ``spill``."""
    codes: dict[CodeScheme, Code] = {}
    for g, group in enumerate(layout.code_groups):
        if g in layout.org_groups:
            continue  # 部门/单位代码: kept as the row's text, never a classification
        cells = [clean(texts[i]) if i < len(texts) else "" for i in group]
        raw = [x.replace(" ", "") for x in cells]
        if len(group) == 1 or (CODE.match(raw[0]) and not any(x.isdigit() for x in raw[1:])):
            m = _CODE_NAME.search(cells[0])
            digits = m.group(1) if m else raw[0]
            if CODE.match(digits):
                parts = split_code(digits)
                scheme = code_scheme(digits)
                codes.setdefault(scheme, Code(scheme, parts))
                carry[g] = list(parts)
                if m and names is not None:
                    names.setdefault(scheme, m.group(2).strip())
                    if m.start() > 0 and spill is not None:
                        spill[scheme] = cells[0][: m.start()].strip()
            continue
        raw = [x if x.isdigit() else "" for x in raw]
        for k in range(1, len(raw)):
            if len(raw[k]) == 1:
                # A 款/项 printed "2" for "02": read it, and say so (the document is wrong).
                if notes is not None:
                    notes.append(f"{'款项'[k - 1]}编码“{raw[k]}”只有一位，按“0{raw[k]}”读取")
                raw[k] = "0" + raw[k]
        if not any(raw) or not all(re.fullmatch(r"\d{2,3}", x) for x in raw if x):
            continue
        parts = list(raw)
        last = max(i for i, x in enumerate(parts) if x)
        prev = carry.get(g, [])
        for i in range(last):
            if not parts[i]:
                if i < len(prev) and prev[i]:
                    parts[i] = prev[i]
                else:
                    parts = []
                    break
        parts = parts[: last + 1] if parts else []
        if parts and len(parts[0]) == 3:
            carry[g] = parts
            digits = "".join(parts)
            codes.setdefault(code_scheme(digits), Code(code_scheme(digits), tuple(parts)))
    return codes


def _cell_provenance(line: Line, i: int) -> Provenance:
    """A value's provenance: its line, with the cell's own box where the format has geometry."""
    prov = line.provenance
    boxes = line.cell_boxes
    bbox = boxes[i] if boxes is not None and i < len(boxes) and boxes[i] is not None else prov.bbox
    return Provenance(line=prov.line, page=prov.page, bbox=bbox)


def cell_amount(text: str, line: Line, i: int) -> Value:
    """An amount cell read with its provenance and, for OCR'd text, its recognition confidence."""
    value = parse_amount(text, _cell_provenance(line, i))
    conf = line.cell_confidence
    if conf is not None and i < len(conf):
        value.confidence = conf[i]
    return value
