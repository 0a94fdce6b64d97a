"""Fuzz harnesses: one per ingest module, and properties of recognition and the rules.

Shared by the bounded run in the suite (tests/fuzz/test_fuzz.py) and the long run
(bench/fuzz.py). Each harness is a hypothesis strategy of inputs and a target that must never
raise anything but ``IngestError`` (a Chinese reason for a bad file). Inputs start from real
seeds — the bundled sample and the same sample published as PDF, XLSX, XLS, DOCX and HTML —
and are mutated: bytes flipped, inserted, cut and repeated; XML members of an archive damaged
inside an intact ZIP (a damaged ZIP alone only ever tests the CRC check); lines and cells of
the text dropped, repeated and given other figures, so that recognition sees tables that are
almost right, which is where a reader's assumptions break.
"""

from __future__ import annotations

import functools
import io
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from hypothesis import strategies as st

from budgetlint.ingest import IngestError

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "samples" / "shandong-department-budget-2024.txt"


@functools.cache
def sample_lines() -> tuple[str, ...]:
    return tuple(SAMPLE.read_text("utf-8").splitlines())


@functools.cache
def seed_text() -> str:
    """The sample's first tables and some prose: small enough to read many times a second."""
    lines = sample_lines()
    start = next(i for i, line in enumerate(lines) if "收支总体情况表" in line and "\t" not in line and i > 40)
    return "\n".join(lines[:12] + lines[start:start + 160]) + "\n"


def _render(fn_name: str, suffix: str) -> bytes:
    import render  # tests/render.py: the same text published as a bureau would

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"seed{suffix}"
        getattr(render, fn_name)(seed_text(), path)
        return path.read_bytes()


@functools.cache
def seed_bytes(fmt: str) -> bytes:
    if fmt == "text":
        return seed_text().encode("utf-8")
    if fmt == "pdf":
        return _seed_pdf()
    return _render({"xlsx": "to_xlsx", "xls": "to_xls", "docx": "to_docx", "html": "to_html"}[fmt], f".{fmt}")


def _seed_pdf() -> bytes:
    """Two pages of a generated budget rendered as a bureau's PDF (tables with ruling lines)."""
    import random

    from pypdf import PdfReader, PdfWriter

    from budgetlint.eval.compose import compose
    from budgetlint.eval.generate import generate
    from budgetlint.eval.render import renderer

    comp = compose(generate(1), "shandong", random.Random(1))
    whole = PdfReader(io.BytesIO(renderer("pdf").render(comp).data))
    out = PdfWriter()
    for page in whole.pages[2:4]:
        out.add_page(page)
    buf = io.BytesIO()
    out.write(buf)
    return buf.getvalue()


# ---- mutations --------------------------------------------------------------------------------

_INTERESTING = [b"\x00", b"\xff", b"\xff\xfe", b"\r", b"\n\n", b"\t", b"\x0c", b"<", b">", b"&#0;", b"%",
                b"-1", b"9" * 40, b"\xe4\xb8", b"(", b")", b"obj", b"endobj", b"stream", b"/Length 99999999",
                "合计".encode(), "万元".encode(), b"\"", b"'"]


@st.composite
def mutated(draw: st.DrawFn, seed: bytes, max_ops: int = 6) -> bytes:
    """``seed`` with a few byte-level edits anywhere."""
    data = bytearray(seed)
    for _ in range(draw(st.integers(1, max_ops))):
        if not data:
            break
        op = draw(st.sampled_from(["flip", "insert", "delete", "repeat", "truncate", "splice"]))
        at = draw(st.integers(0, len(data) - 1))
        if op == "flip":
            data[at] = draw(st.integers(0, 255))
        elif op == "insert":
            data[at:at] = draw(st.one_of(st.sampled_from(_INTERESTING), st.binary(min_size=1, max_size=16)))
        elif op == "delete":
            del data[at:at + draw(st.integers(1, 256))]
        elif op == "repeat":
            piece = bytes(data[at:at + draw(st.integers(1, 512))])
            data[at:at] = piece * draw(st.integers(1, 8))
        elif op == "truncate":
            del data[at:]
        else:  # a piece from elsewhere of the same file
            src = draw(st.integers(0, len(data) - 1))
            data[at:at] = data[src:src + draw(st.integers(1, 128))]
    return bytes(data)


@st.composite
def mutated_member(draw: st.DrawFn, seed: bytes) -> bytes:
    """An intact ZIP whose members (the XML parts) are damaged, dropped or added."""
    src = zipfile.ZipFile(io.BytesIO(seed))
    members = {n: src.read(n) for n in src.namelist()}
    for _ in range(draw(st.integers(1, 3))):
        op = draw(st.sampled_from(["damage", "damage", "drop", "add"]))
        if not members:
            break
        name = draw(st.sampled_from(sorted(members)))
        if op == "damage":
            members[name] = draw(mutated(members[name]))
        elif op == "drop":
            members.pop(name, None)
        else:
            members[draw(st.sampled_from(["xl/worksheets/sheet9.xml", "word/media/x.bin", "../evil.xml",
                                          "xl/sharedStrings.xml", "word/document2.xml"]))] = draw(st.binary(max_size=64))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for n, d in members.items():
            z.writestr(n, d)
    return buf.getvalue()


_CELLS = ["", "0", "0.00", "-", "—", "合计", "小计", "1,234.56", "-99999999999.99", "1e309", "NaN", "１２３",
          "（一）", "201", "2010101", "20101019999", "万元", "单位：元", "%", "100%", "=1+1", "年初预算数",
          "项目", "收入", "支出", "\u200b", "（", "）", "表", "一般公共预算", "财政拨款收支总体情况表"]


@st.composite
def mutated_lines(draw: st.DrawFn) -> str:
    """The sample text with lines dropped, repeated, moved, and cells replaced: tables that are
    almost right, for recognition and the rules."""
    # mostly the short seed (fast); sometimes the whole sample (every table kind)
    whole = draw(st.integers(0, 4)) == 0
    lines = list(sample_lines()) if whole else seed_text().splitlines()
    for _ in range(draw(st.integers(1, 12))):
        op = draw(st.sampled_from(["drop", "repeat", "move", "cell", "cell", "cell", "split", "join"]))
        i = draw(st.integers(0, len(lines) - 1))
        if op == "drop":
            del lines[i:i + draw(st.integers(1, 20))]
        elif op == "repeat":
            lines[i:i] = lines[i:i + draw(st.integers(1, 20))]
        elif op == "move":
            j = draw(st.integers(0, len(lines) - 1))
            lines.insert(j, lines.pop(i))
        elif op == "cell":
            cells = lines[i].split("\t")
            k = draw(st.integers(0, len(cells)))
            new = draw(st.one_of(st.sampled_from(_CELLS), st.text(max_size=8),
                                 st.decimals(allow_nan=False, allow_infinity=False, places=2).map(str)))
            cells[k:k + draw(st.integers(0, 1))] = [new]
            lines[i] = "\t".join(cells)
        elif op == "split":
            lines[i:i + 1] = lines[i].split("\t")
        elif i + 1 < len(lines):
            lines[i:i + 2] = [lines[i] + "\t" + lines[i + 1]]
        if not lines:
            lines = ["合计"]
    return "\n".join(lines) + "\n"


_TAGS = ["table", "tr", "td", "th", "p", "div", "span", "br", "tbody", "thead", "a", "img", "script", "style",
         "title", "h1", "font", "colgroup"]


@st.composite
def tag_soup(draw: st.DrawFn) -> bytes:
    """HTML built from tags, attributes (spans, hidden) and table text, unbalanced on purpose."""
    parts = ["<html><head><meta charset=\"utf-8\"></head><body>"]
    for _ in range(draw(st.integers(1, 60))):
        tag = draw(st.sampled_from(_TAGS))
        kind = draw(st.sampled_from(["open", "close", "text", "attr"]))
        if kind == "open":
            parts.append(f"<{tag}>")
        elif kind == "close":
            parts.append(f"</{tag}>")
        elif kind == "attr":
            attr = draw(st.sampled_from(["rowspan", "colspan", "style", "hidden", "width", "href", "src"]))
            value = draw(st.sampled_from(["0", "1", "3", "-2", "99999", "x", "display:none", "1.5", ""]))
            parts.append(f"<{tag} {attr}=\"{value}\">")
        else:
            parts.append(draw(st.sampled_from(_CELLS)))
    return "".join(parts).encode(draw(st.sampled_from(["utf-8", "gb18030"])), "replace")


# ---- targets ----------------------------------------------------------------------------------

def _in_file(data: bytes, suffix: str, read: Callable[[str], object]) -> None:
    with tempfile.NamedTemporaryFile(suffix=suffix) as fh:
        fh.write(data)
        fh.flush()
        read(fh.name)


def _expect_ingest_error(read: Callable[[], object]) -> None:
    try:
        read()
    except IngestError as e:
        assert str(e), "an IngestError must say why"


def read_text_target(data: bytes) -> None:
    from budgetlint.ingest.text import read_text

    _expect_ingest_error(lambda: read_text(data, "fuzz.txt"))


def read_pdf_target(data: bytes) -> None:
    from budgetlint.ingest.pdf import read_pdf

    _expect_ingest_error(lambda: _in_file(data, ".pdf", read_pdf))


def read_xlsx_target(data: bytes) -> None:
    from budgetlint.ingest.office import read_zip

    _expect_ingest_error(lambda: read_zip(data, "fuzz.xlsx"))


def read_docx_target(data: bytes) -> None:
    from budgetlint.ingest.office import read_zip

    _expect_ingest_error(lambda: read_zip(data, "fuzz.docx"))


def read_xls_target(data: bytes) -> None:
    from budgetlint.ingest.office import read_ole

    _expect_ingest_error(lambda: read_ole(data, "fuzz.xls"))


def read_html_target(data: bytes) -> None:
    from budgetlint.ingest.html import read_html

    _expect_ingest_error(lambda: read_html(data, "fuzz.html"))


def load_target(data: bytes) -> None:
    """Sniffing and routing (the format from the bytes), whatever the bytes are."""
    from budgetlint.ingest import load

    _expect_ingest_error(lambda: _in_file(data, ".bin", load))


def recognise_and_rules_target(text: str) -> None:
    """Whatever model recognition makes of a text, every rule runs on it without raising (each rule
    called directly: ``run_rules`` would turn a raise into a BL999 finding and hide it), and the
    coverage and the findings' folding hold too."""
    from budgetlint import coverage
    from budgetlint.ingest.text import text_to_source
    from budgetlint.pipeline import doubt_systematic, fold_consequences
    from budgetlint.recognise import recognise
    from budgetlint.rules.registry import all_rules

    doc = recognise(text_to_source(text, "fuzz.txt"))
    findings = []
    for rule in all_rules():
        findings.extend(rule.run(doc))
    findings = fold_consequences(doubt_systematic(doc, findings))
    coverage.measure(doc, findings)


@dataclass(frozen=True)
class Harness:
    name: str
    inputs: Callable[[], st.SearchStrategy]
    target: Callable[[object], None]


HARNESSES: list[Harness] = [
    Harness("text", lambda: st.one_of(mutated(seed_bytes("text")), mutated(seed_text().encode("gb18030")),
                                      mutated(seed_text().encode("utf-16")), st.binary(max_size=256)),
            read_text_target),
    Harness("pdf", lambda: mutated(seed_bytes("pdf"), max_ops=3), read_pdf_target),
    Harness("xlsx", lambda: mutated_member(seed_bytes("xlsx")), read_xlsx_target),
    Harness("xls", lambda: mutated(seed_bytes("xls")), read_xls_target),
    Harness("docx", lambda: mutated_member(seed_bytes("docx")), read_docx_target),
    Harness("html", lambda: st.one_of(mutated(seed_bytes("html")), tag_soup()), read_html_target),
    Harness("office-routing", lambda: st.one_of(mutated(seed_bytes("xlsx"), max_ops=2),
                                                mutated(seed_bytes("docx"), max_ops=2),
                                                mutated(seed_bytes("xls"), max_ops=2),
                                                mutated(b"PK\x03\x04" + bytes(64)), st.binary(max_size=512)),
            load_target),
    Harness("recognise+rules", mutated_lines, recognise_and_rules_target),
]
