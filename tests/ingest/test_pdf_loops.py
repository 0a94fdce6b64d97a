"""The C loops (``ingest/_pdfium_loops.c``) read exactly what the ctypes reads of ingest/pdf.py
read: on real PDFs of many producers, each page's object walk (rulings, images, text objects and
how each hides or clips its text) and its characters agree, value for value, with the loops on
and off. Where a C compiler is present the loops must have been built (a silent build failure
would make every check several times slower)."""

from __future__ import annotations

import shutil
import sysconfig
from pathlib import Path

import pytest
from helpers import SHARED
from hypothesis import given, settings
from hypothesis import strategies as st

from budgetlint.ingest import pdf

pypdfium2_raw = pytest.importorskip("pypdfium2.raw")

FILES = sorted((SHARED / "corpus").glob("*.pdf")) + sorted((SHARED / "wild").glob("*.pdf"))
PAGES_PER_FILE = 12  # the producers vary between files far more than between pages of one file


def test_the_loops_are_built_where_a_compiler_is():
    compiler = (sysconfig.get_config_var("CC") or "cc").split()[0]
    if shutil.which(compiler) is None:
        pytest.skip(f"no C compiler ({compiler}): budgetlint runs on the ctypes reads")
    if not (Path(sysconfig.get_paths()["include"]) / "Python.h").is_file():
        pytest.skip("no Python headers: budgetlint runs on the ctypes reads")
    assert pdf.compiled_loops(), "a C compiler is present but budgetlint.ingest._pdfium_loops was not built"


def _read(path, loops, monkeypatch):
    monkeypatch.setattr(pdf, "_LOOPS", loops)
    raw = pypdfium2_raw
    try:
        doc = pdf._open(str(path), raw)
    except pdf.IngestError as e:  # the wild set holds a few broken files
        pytest.skip(f"{path.name}: {e}")
    out = []
    try:
        for i in range(min(len(doc), PAGES_PER_FILE)):
            page = doc[i]
            textpage = page.get_textpage()
            try:
                walk = pdf.walk_page(page, raw)
                clipped: list[str] = []
                chars, rot, size = pdf.page_chars(page, textpage, raw, clipped, walk)
                assert all(type(c) is pdf.Char for c in chars)
                rulings = pdf.page_rulings(page, rot, raw, pdf.DEFAULT, walk)
                lines = pdf.page_to_lines(chars, rulings[0], rulings[1], i + 1)
            finally:
                textpage.close()
                page.close()
            # objects by their place among the page's text objects (addresses differ between opens)
            place = {int(addr): k for k, addr in enumerate(walk.texts)}
            out.append({
                "segs": walk.segs, "images": walk.images, "texts": len(walk.texts), "form_text": walk.form_text,
                "objects": {place[addr]: value for addr, value in walk.objects.items()}, "hidden": walk.hidden, "clip_boxes": walk.clip_boxes,
                "chars": chars, "rot": rot, "size": size, "clipped": clipped, "rulings": rulings,
                "lines": [(line.cells, line.cell_boxes, line.provenance.bbox) for line in lines],
            })
    finally:
        doc.close()
    return out


@pytest.mark.skipif(not pdf.compiled_loops(), reason="the C loops are not built")
@pytest.mark.parametrize("path", FILES, ids=[p.stem[:28] for p in FILES])
def test_the_loops_read_what_ctypes_reads(path, monkeypatch):
    loops = pdf._LOOPS
    with_loops = _read(path, loops, monkeypatch)
    without = _read(path, None, monkeypatch)
    assert len(with_loops) == len(without)
    for number, (a, b) in enumerate(zip(with_loops, without, strict=True), 1):
        for key in a:
            assert a[key] == b[key], f"{path.name} p{number}: {key} differs"


def test_files_are_present_or_skipped():
    if not FILES:
        pytest.skip(f"{SHARED} not present")
    assert len(FILES) >= 20


@pytest.mark.skipif(not pdf.compiled_loops(), reason="the C loops are not built")
@given(st.lists(st.tuples(st.integers(0, 40), st.integers(0, 12), st.integers(1, 6), st.integers(1, 4),
                          st.sampled_from("一二三1.,"), st.integers(0, 2)), max_size=40),
       st.integers(0, 8).map(lambda k: k * 5.0))
@settings(max_examples=300, deadline=None)
def test_lines_of_is_chars_to_lines_and_text_of(spec, height):
    """Cells of characters on a coarse lattice (ties, overlaps, a glyph printed twice, gaps
    exactly one space wide): the C grouping gives the lines, texts and extents the Python
    functions give."""
    import numpy as np

    chars = [pdf.Char(x * 2.5, y * 1.5, x * 2.5 + w * 2.5, y * 1.5 + h * 1.5, t) for x, y, w, h, t, _ in spec]
    group = np.array([g for *_, g in spec], dtype=np.int32)
    settings = pdf.PdfSettings(word_gap=0.5)  # a space of 2.5 × k: gaps on the lattice hit it exactly
    got = pdf._LOOPS.lines_of(chars, group, 3, settings.line_overlap, settings.word_gap * height)
    for k in range(3):
        mine = [c for c, g in zip(chars, group.tolist(), strict=True) if g == k]
        want = [(pdf.text_of(line, height, settings), min(c.top for c in line),
                 max(c.bottom for c in line), line) for line in pdf.chars_to_lines(mine, settings)]
        assert got[k] == want


@pytest.mark.skipif(not pdf.compiled_loops(), reason="the C loops are not built")
@given(st.lists(st.tuples(st.integers(0, 40), st.integers(0, 12), st.integers(1, 6), st.integers(1, 4),
                          st.sampled_from("一二三1.,A\u3400\u33ff"), st.integers(0, 2)), max_size=40),
       st.sampled_from([0.5, 1.0, 2.0]))
@settings(max_examples=300, deadline=None)
def test_free_lines_are_the_python_free_lines(spec, run_gap):
    """Free text on a coarse lattice (ties, overlaps, a glyph printed twice, gaps exactly one
    space or one run gap wide, Chinese and Latin heights): the C free lines give the lines,
    heights, boxes, runs and run texts the Python functions give."""
    # one lattice step across and down: heights and their medians are multiples of 1.25, so run
    # gaps (run_gap × height) and spaces (0.5 × height) fall exactly on gaps between characters
    chars = [pdf.Char(x * 2.5, y * 2.5, x * 2.5 + w * 2.5, y * 2.5 + h * 2.5, t) for x, y, w, h, t, _ in spec]
    settings = pdf.PdfSettings(word_gap=0.5, run_gap=run_gap)
    got = pdf._free_lines(chars, settings)
    want = pdf._free_lines_py(chars, settings)
    assert got == want
    assert all(type(line) is pdf._FreeLine and all(type(r) is pdf._Run for r in line.runs) for line in got)


@pytest.mark.skipif(not pdf.compiled_loops(), reason="the C loops are not built")
@pytest.mark.parametrize("turn", [0, 90, 180, 270])
def test_the_turn_of_a_page_is_read_the_same(tmp_path, monkeypatch, turn):
    """Text drawn turned by 0 / 90 / 180 / 270 degrees: the page's turn (``_text_rotation``) from
    the C loops' angles equals the ctypes reading, and undoes the drawing."""
    canvas = pytest.importorskip("reportlab.pdfgen.canvas")
    from reportlab.pdfbase import cidfonts, pdfmetrics

    pdfmetrics.registerFont(cidfonts.UnicodeCIDFont("STSong-Light"))
    path = tmp_path / f"turn{turn}.pdf"
    c = canvas.Canvas(str(path), pagesize=(595, 842))
    c.translate(297, 421)
    c.rotate(turn)
    c.setFont("STSong-Light", 12)
    for k in range(6):
        c.drawString(-150, 100 - 20 * k, f"一般公共预算财政拨款支出{k}合计 1,234.56")
    c.showPage()
    c.save()
    rot = {}
    for mode, loops in (("c", pdf._LOOPS), ("ctypes", None)):
        monkeypatch.setattr(pdf, "_LOOPS", loops)
        doc = pdf._open(str(path), pypdfium2_raw)
        page = doc[0]
        textpage = page.get_textpage()
        rot[mode] = pdf.page_chars(page, textpage, pypdfium2_raw)[1]
        textpage.close()
        page.close()
        doc.close()
    assert rot["c"] == rot["ctypes"] == turn  # drawn turned anticlockwise: turned back clockwise


@pytest.mark.skipif(not pdf.compiled_loops(), reason="the C loops are not built")
@given(st.lists(st.tuples(st.integers(0, 12), st.integers(1, 6), st.sampled_from("一1.A\u3400\u33ff")), max_size=30))
@settings(max_examples=300, deadline=None)
def test_the_c_height_is_the_python_height(spec):
    """A grid's line height (the median of its Chinese characters' heights, else of all) the
    same in C as in Python, odd and even counts, none, and the CJK bound."""
    chars = [pdf.Char(0.0, y * 1.25, 5.0, y * 1.25 + h * 1.5, t) for y, h, t in spec]
    assert pdf._LOOPS.height(chars) == pdf._height(chars)


def _records(*rows: dict):
    import numpy as np

    recs = np.zeros(len(rows), dtype=pdf._record_dtype())
    for r, row in zip(recs, rows, strict=True):
        for k, v in row.items():
            r[k] = v
    return recs.tobytes()


def test_path_plan_decides_each_path_as_the_walk_does():
    if not pdf.compiled_loops():
        pytest.skip("the C loops are not built")
    drawn = {"kind": pdf._PATH_OBJECT, "draw_ok": 1, "bounds_ok": 1}
    buf = _records(
        {**drawn, "addr": 1, "stroke": 1, "bounds": (10, 100, 200, 100.5)},  # a thin horizontal: its segment
        {**drawn, "addr": 2, "stroke": 1, "bounds": (50, 20, 50.25, 300)},  # a thin vertical
        {**drawn, "addr": 3, "fill": 1, "fill_ok": 1, "rgba": (255, 255, 255, 255), "bounds": (0, 0, 90, 90)},  # white: not drawn
        {**drawn, "addr": 4, "fill": 1, "fill_ok": 1, "rgba": (200, 200, 200, 255), "bounds": (0, 0, 90, 90)},  # a filled area
        {**drawn, "addr": 5, "stroke": 1, "bounds": (0, 0, 90, 90)},  # a stroked frame: its pieces
        {**drawn, "addr": 6, "stroke": 1, "bounds": (0, 0, float("nan"), 0.5)},  # no extent known: not thin
        {**drawn, "addr": 12, "fill": 1, "fill_ok": 1, "rgba": (250, 252, 251, 255), "bounds": (0, 0, 9, 9)},  # white enough
        {**drawn, "addr": 7, "fill": 0, "stroke": 0, "bounds": (1, 1, 1, 300)},  # neither filled nor stroked
        {**drawn, "addr": 8, "stroke": 1, "draw_ok": 0, "bounds": (1, 1, 1, 300)},  # no draw mode
        {"kind": pdf._FORM_OBJECT, "addr": 9},
        {"kind": pdf._IMAGE_OBJECT, "addr": 10},
        {"kind": pdf._TEXT_OBJECT, "addr": 11},
    )
    m = (2.0, 0.0, 0.0, 1.0, 5.0, -3.0)  # x doubled and moved: the segments in page space
    images, plan, only_lines = pdf._LOOPS.path_plan(buf, m, pdf.DEFAULT.thin, True)
    assert images == 1 and not only_lines
    assert plan == [(25.0, 97.25, 405.0, 97.25), (105.25, 17.0, 105.25, 297.0),
                    (pdf._WALK_BARS, 4), (pdf._WALK_SEGMENTS, 5), (pdf._WALK_SEGMENTS, 6), (pdf._WALK_FORM, 9)]
    # no further forms: the form is left out; only segments: said so
    assert pdf._LOOPS.path_plan(buf, m, pdf.DEFAULT.thin, False)[1][-1] == (pdf._WALK_SEGMENTS, 6)
    assert pdf._LOOPS.path_plan(_records({**drawn, "addr": 1, "stroke": 1, "bounds": (10, 100, 200, 100.5)}),
                                m, pdf.DEFAULT.thin, True)[2] is True


@pytest.mark.skipif(not pdf.compiled_loops(), reason="the C loops are not built")
@given(st.integers(1, 5), st.integers(1, 6),
       st.lists(st.tuples(st.booleans(), st.integers(0, 6), st.integers(0, 12), st.integers(0, 12),
                          st.sampled_from([0.0, 0.4, -0.4, 1.5])), max_size=14),
       st.sampled_from([1.0, 2.0, 3.0]))
@settings(max_examples=400, deadline=None)
def test_merged_cells_are_the_python_merge(nr, nc, rulings, tol):
    """``_pdfium_loops.merged_cells`` merges a grid's cells as ``_merged_cells`` does: rulings on
    and off the borders (within and beyond ``tol``), whole, partial, merely touching a side's
    middle, and merged cells of any shape (an L of cells spans its bounding rows and columns)."""
    xs = [float(4 * c) + (0.5 if c == 2 else 0.0) for c in range(nc + 1)]
    ys = [float(3 * r) for r in range(nr + 1)]
    vedges, hedges = [], []
    for vertical, at, a, b, off in rulings:
        lo, hi = sorted((a / 2, b / 2))
        if vertical:
            vedges.append(pdf.Edge(xs[min(at, nc)] + off, lo * 1.5, hi * 1.5))
        else:
            hedges.append(pdf.Edge(ys[min(at, nr)] + off, lo * 2.0, hi * 2.0))
    grid = pdf.Grid(xs, ys, hedges, vedges)
    which, spans = pdf._LOOPS.merged_cells(xs, ys, vedges, hedges, tol)
    py_which, distinct, table = pdf._merged_cells(grid, tol)
    assert which == py_which
    assert spans == [(c.r0, c.c0, c.r1, c.c1) for c in distinct]
    assert [[distinct[k] for k in which[r * nc:(r + 1) * nc]] for r in range(nr)] == table


_EDGES = st.lists(st.tuples(st.integers(0, 20), st.integers(0, 20), st.integers(0, 20),
                            st.sampled_from([0.0, 0.5, -0.5, 1.0])), max_size=12)


@pytest.mark.skipif(not pdf.compiled_loops(), reason="the C loops are not built")
@given(_EDGES, _EDGES)
@settings(max_examples=400, deadline=None)
def test_touching_sets_are_the_numpy_labels(hs, vs):
    """``_pdfium_loops.touching_sets`` labels the rulings as edges_to_grids' numpy propagation
    does (rulings that touch, nearly touch within ``join``, or miss by a hair), and so the grids
    come out the same."""
    def edges(spec):
        return [pdf.Edge(p + off, min(a, b), max(a, b)) for p, a, b, off in spec]

    hedges, vedges = edges(hs), edges(vs)
    tol = pdf.DEFAULT.join
    with_loops = pdf.edges_to_grids(hedges, vedges)
    loops = pdf._LOOPS
    try:
        pdf._LOOPS = None
        without = pdf.edges_to_grids(hedges, vedges)
    finally:
        pdf._LOOPS = loops
    assert [(g.xs, g.ys, g.hedges, g.vedges) for g in with_loops] == [(g.xs, g.ys, g.hedges, g.vedges) for g in without]
    if hedges and vedges:
        import numpy as np

        h, v = np.array(hedges, dtype=np.float64), np.array(vedges, dtype=np.float64)
        label = loops.touching_sets(hedges, vedges, tol)
        for j in range(len(vedges)):
            for i in range(len(hedges)):
                touch = (h[i, 1] - tol <= v[j, 0] <= h[i, 2] + tol) and (v[j, 1] - tol <= h[i, 0] <= v[j, 2] + tol)
                if touch:
                    assert label[i] == label[len(hedges) + j]


@pytest.mark.skipif(not pdf.compiled_loops(), reason="the C loops are not built")
@given(st.lists(st.tuples(st.sampled_from([0.0, -0.0, 1.0, 1.5, 2.0, 2.1, 3.9, 4.0, 7.3, 0.1, 0.2]),
                          st.sampled_from([0.0, -0.0, 1.0, 3.0, 5.5, 6.0, 9.0]),
                          st.sampled_from([0.0, 2.0, 3.0, 8.5, 9.0, 12.0])), max_size=16))
@settings(max_examples=500, deadline=None)
def test_merge_edges_in_c_is_the_python_merge(spec):
    """``_pdfium_loops.merge_edges`` groups and joins rulings as ``merge_edges`` does: positions
    within ``snap`` of a group's first (chained groups not merged), the mean position added left to
    right, segments joined in order of their start (ties kept in sorted order, signed zeros as
    Python orders them)."""
    edges = [pdf.Edge(*t) for t in spec]
    got = pdf.merge_edges(edges)
    loops = pdf._LOOPS
    try:
        pdf._LOOPS = None
        want = pdf.merge_edges(edges)
    finally:
        pdf._LOOPS = loops
    assert [tuple(map(repr, e)) for e in got] == [tuple(map(repr, e)) for e in want]
    assert all(type(e) is pdf.Edge for e in got)
    assert loops.merge_edges(pdf.Edge, [pdf.Edge(float("nan"), 0.0, 1.0)], 2.0, 3.0) is None


@pytest.mark.skipif(not pdf.compiled_loops(), reason="the C loops are not built")
@given(st.lists(st.tuples(st.sampled_from([0.0, -0.0, 1.5, 2.25, 1e-300]), st.sampled_from([0.0, -0.0, 7.0, 7.5]),
                          st.integers(0, 5)), max_size=30))
@settings(max_examples=300, deadline=None)
def test_make_chars_gives_each_character_its_own_values(spec):
    """``_pdfium_loops.make_chars`` shares equal floats and strings between characters: each
    character still reads exactly its own coordinates (signed zeros kept apart) and text."""
    import numpy as np

    text = "一a一\U00020000b　"
    x0 = np.array([x for x, _, _ in spec], dtype=np.float64)
    top = np.array([t for _, t, _ in spec], dtype=np.float64)
    index = np.array([k for _, _, k in spec], dtype=np.int64)
    chars = pdf._LOOPS.make_chars(pdf.Char, x0, top, x0 + 1.0, top + 2.0, text, index)
    assert [tuple(map(repr, c)) for c in chars] == [
        (repr(x), repr(t), repr(x + 1.0), repr(t + 2.0), repr(text[k])) for x, t, k in spec]
