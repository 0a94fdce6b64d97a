"""PDF ingest from page geometry: small PDFs drawn here with reportlab (its built-in CID font
STSong-Light needs no font file), read back with pypdfium2."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from budgetlint.ingest import IngestError, load
from budgetlint.ingest.pdf import Char, garbled
from budgetlint.recognise import recognise

canvas = pytest.importorskip("reportlab.pdfgen.canvas")
pdfmetrics = pytest.importorskip("reportlab.pdfbase.pdfmetrics")
cidfonts = pytest.importorskip("reportlab.pdfbase.cidfonts")

FONT = "STSong-Light"
pdfmetrics.registerFont(cidfonts.UnicodeCIDFont(FONT))
W, H = 595, 842


def new_canvas(path, size=(W, H), **kw):
    c = canvas.Canvas(str(path), pagesize=size, **kw)
    c.setFont(FONT, 10)
    return c


def text(c, x, top, s, size=10, right=False):
    """Draw ``s`` with its top at ``top`` (top-left origin, as the ingest reports it)."""
    c.setFont(FONT, size)
    y = c._pagesize[1] - top - size * 0.88
    (c.drawRightString if right else c.drawString)(x, y, s)


def hline(c, x0, x1, top):
    y = c._pagesize[1] - top
    c.line(x0, y, x1, y)


def vline(c, x, top, bottom):
    c.line(x, c._pagesize[1] - top, x, c._pagesize[1] - bottom)


def cells_of(src, page=None):
    lines = src.lines() if page is None else src.pages[page - 1].lines
    return [line.cells for line in lines]


# --- a ruled table with a two-row merged header and a wrapped cell --------------------------------

XS = [50, 80, 110, 140, 300, 380, 460, 540]  # 类 款 项 | 科目名称 | 合计 基本支出 项目支出


def draw_expenditure_table(c, top=120, rows=None, header=True, title="支出总体情况表"):
    if title:
        text(c, 230, 60, title, size=14)
        text(c, 470, 95, "单位：万元")
    ys = [top]
    if header:
        # Row 1: 科目编码 over 类/款/项 (no inner rulings), 科目名称 / 合计 … span both header rows.
        text(c, 65, top + 5, "科目编码")
        text(c, 195, top + 14, "科目名称")
        text(c, 320, top + 14, "合计")
        text(c, 395, top + 14, "基本支出")
        ys += [top + 20, top + 40]
        for x, w in ((58, "类"), (88, "款"), (118, "项")):
            text(c, x, top + 25, w)
    rows = rows or [
        ("201", "", "", "一般公共服务支出", "150.00", "100.00", "50.00"),
        ("201", "01", "", "人大事务", "150.00", "100.00", "50.00"),
        ("201", "01", "01", "行政运行及其他人大事务的长名称支出", "150.00", "100.00", "50.00"),
        ("", "", "", "合计", "150.00", "100.00", "50.00"),
    ]
    y = ys[-1]
    for r in rows:
        wrapped = len(r[3]) > 12
        h = 32 if wrapped else 20
        for k, v in enumerate(r):
            if not v:
                continue
            if k == 3 and wrapped:
                text(c, XS[3] + 4, y + 4, v[:12])
                text(c, XS[3] + 4, y + 17, v[12:])
            elif k >= 4:
                text(c, XS[k + 1] - 4, y + (h - 10) / 2, v, right=True)
            else:
                text(c, XS[k] + 4, y + (h - 10) / 2, v)
        y += h
        ys.append(y)
    for i, yy in enumerate(ys):
        if header and i == 1:
            hline(c, XS[0], XS[3], yy)  # under 科目编码 only
        else:
            hline(c, XS[0], XS[-1], yy)
    for j, x in enumerate(XS):
        if header and j in (1, 2):
            vline(c, x, ys[1], ys[-1])  # 类|款|项 split only below 科目编码
        else:
            vline(c, x, ys[0], ys[-1])
    if header:
        text(c, 480, top + 5, "项目")  # 项目支出 written on two lines
        text(c, 480, top + 22, "支出")
    return ys


def test_ruled_table_rows_and_merged_header(tmp_path):
    p = tmp_path / "t.pdf"
    c = new_canvas(p)
    draw_expenditure_table(c)
    text(c, 290, 800, "- 1 -")
    c.showPage()
    c.save()
    src = load(p)
    assert src.format == "pdf" and [pg.number for pg in src.pages] == [1]
    got = cells_of(src)
    assert got[0] == ["支出总体情况表"]
    assert got[1] == ["单位：万元"]
    assert got[2] == ["科目编码", "", "", "科目名称", "合计", "基本支出", "项目支出"]
    assert got[3] == ["类", "款", "项", "", "", "", ""]
    assert got[4] == ["201", "", "", "一般公共服务支出", "150.00", "100.00", "50.00"]
    assert got[6] == ["201", "01", "01", "行政运行及其他人大事务的长名称支出", "150.00", "100.00", "50.00"]
    assert got[-1] == ["-1-"]
    row = src.lines()[4]
    assert row.provenance.page == 1 and row.provenance.bbox is not None
    assert len(row.cell_boxes) == 7 and all(b is not None for b in row.cell_boxes)
    x0, top, x1, bottom = row.cell_boxes[4]
    assert (x0, x1) == pytest.approx((300, 380), abs=1) and top < bottom


def test_values_carry_their_cell_box(tmp_path):
    p = tmp_path / "t.pdf"
    c = new_canvas(p)
    draw_expenditure_table(c)
    c.showPage()
    c.save()
    doc = recognise(load(p))
    t = doc.table("expenditure_summary")
    assert t is not None and t.pages == [1]
    total = t.total_row()
    v = total.values["basic"]
    assert v.amount == Decimal("100.00")
    assert v.provenance.page == 1
    x0, _, x1, _ = v.provenance.bbox
    assert (x0, x1) == pytest.approx((380, 460), abs=1)
    assert [r.code.digits for r in t.rows if r.code] == ["201", "20101", "2010101"]


def test_table_continued_on_next_page_without_header(tmp_path):
    p = tmp_path / "t.pdf"
    c = new_canvas(p)
    draw_expenditure_table(c, rows=[("201", "", "", "一般公共服务支出", "150.00", "100.00", "50.00")])
    text(c, 290, 800, "- 1 -")
    c.showPage()
    c.setFont(FONT, 10)
    draw_expenditure_table(c, top=60, header=False, title=None, rows=[
        ("201", "01", "", "人大事务", "150.00", "100.00", "50.00"),
        ("", "", "", "合计", "150.00", "100.00", "50.00"),
    ])
    text(c, 290, 800, "- 2 -")
    c.showPage()
    c.save()
    src = load(p)
    assert cells_of(src, 2)[0] == ["201", "01", "", "人大事务", "150.00", "100.00", "50.00"]
    doc = recognise(src)
    t = doc.table("expenditure_summary")
    assert t.pages == [1, 2]
    assert [r.label for r in t.rows] == ["一般公共服务支出", "人大事务", "合计"]
    assert t.rows[1].values["total"].provenance.page == 2


def test_body_without_row_rulings_is_split_at_its_amounts(tmp_path):
    """Only the header is ruled; body rows stand between vertical rules, one wraps its label."""
    p = tmp_path / "t.pdf"
    c = new_canvas(p)
    xs = [50, 250, 350, 450]
    text(c, 60, 105, "项目")
    text(c, 260, 105, "合计")
    text(c, 360, 105, "基本支出")
    body = [("工资福利支出", "30.00", "30.00"), ("机关事业单位基本养老保险缴", "12.00", "12.00"),
            ("商品和服务支出", "5.00", "5.00")]
    y = 130
    for label, a, b in body:
        if "缴" in label:
            text(c, 60, y - 5, label)
            text(c, 60, y + 7, "费")
        else:
            text(c, 60, y, label)
        text(c, 346, y + 1, a, right=True)
        text(c, 446, y + 1, b, right=True)
        y += 22
    for yy in (100, 122, y):
        hline(c, xs[0], xs[-1], yy)
    for x in xs:
        vline(c, x, 100, y)
    c.showPage()
    c.save()
    got = cells_of(load(p))
    assert got == [
        ["项目", "合计", "基本支出"],
        ["工资福利支出", "30.00", "30.00"],
        ["机关事业单位基本养老保险缴费", "12.00", "12.00"],
        ["商品和服务支出", "5.00", "5.00"],
    ]


def _narrow_amount_table(c, wrap: bool) -> None:
    """项目 | 总计 (a narrow cell) | 财政拨款 | 其他收入: the first body row's 总计 wraps its last
    digit onto a second line, its label wraps too; the other amounts stand centred."""
    xs = [50, 155, 200, 280, 360]
    text(c, 60, 105, "项目")
    text(c, 160, 105, "总计")
    text(c, 210, 105, "财政拨款")
    text(c, 290, 105, "其他收入")
    # The first row: "100,763.0" fills the 45-point 总计 cell, "3" wraps below it.
    text(c, 55, 127, "深圳市某某局")
    text(c, 55, 140, "（本级）")
    if wrap:
        text(c, 196, 127, "100,763.0", right=True)
        text(c, 196, 140, "3", right=True)
    else:
        text(c, 196, 133, "763.03", right=True)
    text(c, 276, 133, "62,165.70", right=True)
    text(c, 356, 133, "38,597.33", right=True)
    text(c, 55, 162, "综合管理")
    text(c, 196, 162, "42.35", right=True)
    text(c, 276, 162, "38.16", right=True)
    text(c, 356, 162, "4.19", right=True)
    for yy in (100, 120, 155, 177):
        hline(c, xs[0], xs[-1], yy)
    for x in xs:
        vline(c, x, 100, 177)


def test_amount_wrapped_in_a_narrow_cell_is_one_amount(tmp_path):
    """The digits an amount loses at a narrow cell's edge are its own, not a row of their own."""
    p = tmp_path / "t.pdf"
    c = new_canvas(p)
    c.setFont(FONT, 10)
    _narrow_amount_table(c, wrap=True)
    c.showPage()
    c.save()
    got = cells_of(load(p))
    assert got == [
        ["项目", "总计", "财政拨款", "其他收入"],
        ["深圳市某某局（本级）", "100,763.03", "62,165.70", "38,597.33"],
        ["综合管理", "42.35", "38.16", "4.19"],
    ]


def test_amount_that_fits_its_cell_takes_no_digits_from_below(tmp_path):
    p = tmp_path / "t.pdf"
    c = new_canvas(p)
    _narrow_amount_table(c, wrap=False)
    c.showPage()
    c.save()
    got = cells_of(load(p))
    assert got[1] == ["深圳市某某局（本级）", "763.03", "62,165.70", "38,597.33"]


def test_borderless_table_by_column_alignment(tmp_path):
    p = tmp_path / "t.pdf"
    c = new_canvas(p)
    text(c, 50, 60, "这是一段说明文字，不是表格。")
    rows = [("项目", "预算数", "上年数"), ("因公出国(境)费", "1.00", "2.00"), ("公务接待费", "3.50", "4.00"),
            ("合计", "4.50", "6.00")]
    for k, (a, b, d) in enumerate(rows):
        text(c, 50, 100 + 18 * k, a)
        text(c, 300, 100 + 18 * k, b, right=True)
        text(c, 420, 100 + 18 * k, d, right=True)
    c.showPage()
    c.save()
    got = cells_of(load(p))
    assert got[0] == ["这是一段说明文字，不是表格。"]
    assert got[1:] == [list(r) for r in rows]


def test_sideways_table_on_a_portrait_page_reads_left_to_right(tmp_path):
    p = tmp_path / "t.pdf"
    c = new_canvas(p)
    c.saveState()
    c.translate(W, 0)
    c.rotate(90)  # the page's x axis now runs bottom to top: a landscape page drawn sideways
    c.setFont(FONT, 10)
    for k, (a, b) in enumerate((("收入合计", "10.00"), ("支出合计", "10.00"), ("结转下年", "0.00"))):
        c.drawString(60, W - 100 - 18 * k, a)
        c.drawRightString(300, W - 100 - 18 * k, b)
    c.restoreState()
    c.showPage()
    c.save()
    got = cells_of(load(p))
    assert got == [["收入合计", "10.00"], ["支出合计", "10.00"], ["结转下年", "0.00"]]


def test_rotated_page(tmp_path):
    """/Rotate 90: user space is landscape, the page is shown portrait; the text is drawn turned
    so that it stands upright on screen (display (x, top) is user (top, x))."""
    p = tmp_path / "t.pdf"
    c = new_canvas(p)
    c.setPageRotation(90)  # reportlab then writes MediaBox [0 0 842 595]
    for x, top, s in ((60, 80, "财政拨款收支总表"), (60, 110, "单位：万元")):
        c.saveState()
        c.translate(top + 10.5, x)
        c.rotate(90)
        c.setFont(FONT, 12)
        c.drawString(0, 0, s)
        c.restoreState()
    c.showPage()
    c.save()
    src = load(p)
    assert cells_of(src) == [["财政拨款收支总表"], ["单位：万元"]]
    x0, top, _, _ = src.lines()[0].provenance.bbox
    assert (x0, top) == pytest.approx((60, 80), abs=3)


def test_pdf_without_text_layer_needs_ocr(tmp_path):
    p = tmp_path / "scan.pdf"
    c = new_canvas(p)
    c.rect(50, 50, 400, 600)
    c.showPage()
    c.save()
    with pytest.raises(IngestError, match="没有文字层.*OCR"):
        load(p)


def test_blank_frame_page_gives_no_lines(tmp_path):
    p = tmp_path / "t.pdf"
    c = new_canvas(p)
    text(c, 50, 60, "部门预算")
    c.showPage()
    for x in (50, 200, 350):
        c.line(x, 100, x, 700)
    for y in (100, 400, 700):
        c.line(50, y, 350, y)
    c.showPage()
    c.save()
    src = load(p)
    assert [pg.number for pg in src.pages] == [1, 2]
    assert src.pages[1].lines == []


def test_encrypted_pdf_is_a_clear_error(tmp_path):
    p = tmp_path / "locked.pdf"
    c = new_canvas(p, encrypt="secret")
    text(c, 50, 60, "收支总表")
    c.showPage()
    c.save()
    with pytest.raises(IngestError, match="加密"):
        load(p)


def test_corrupt_pdf_is_a_clear_error(tmp_path):
    p = tmp_path / "t.pdf"
    c = new_canvas(p)
    text(c, 50, 60, "收支总表")
    c.showPage()
    c.save()
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(p.read_bytes()[:200])
    with pytest.raises(IngestError, match="PDF"):
        load(bad)


def _chars(s: str) -> list[Char]:
    return [Char(10.0 * i, 0.0, 10.0 * i + 9, 10.0, ch) for i, ch in enumerate(s)]


@given(st.text(alphabet=st.characters(max_codepoint=0x10FFFF), max_size=60)
       | st.text(alphabet="\x00\x08\x09\x0b\x0d\x1f\x20@AZ[`az{\xbf\xc0\u024f\u0250\u33ff\u3400\u9fff\ua000"
                          "\udfff\ue000\uf8ff\uf900\ufaff\ufb00\ufffd\ufffe", max_size=60))
def test_class_counts_are_the_regex_counts(text):
    """A page's garbled, CJK and Latin characters counted over its code points (numpy) are the
    counts the regular expressions find, at every bound of every class."""
    import numpy as np

    from budgetlint.ingest import pdf

    point = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    counts = (len(pdf._GARBLE.findall(text)), len(pdf._CJK.findall(text)), len(pdf._LATIN.findall(text)))
    assert pdf._class_counts(point) == counts
    if pdf.compiled_loops():
        assert pdf._LOOPS.class_counts(point.copy()) == counts


_ANGLE = None  # the ctypes callback standing in for FPDFText_GetCharAngle, kept alive


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from([-1.0, 0.0, -0.0, 0.785398, 0.7853982, 1.5707964, 3.1415927, 4.712389, 6.2831855,
                                 2.3561945, 3.926991, 5.497787, 12.0, float("nan"), float("inf")]),
                min_size=0, max_size=14))
def test_the_turn_in_c_is_the_numpy_turn(angles):
    """``_pdfium_loops.turn`` votes the characters' angles as ``_turn_of`` does, and leaves an angle
    that is not a finite number to it."""
    import ctypes

    import numpy as np

    from budgetlint.ingest import pdf

    if not pdf.compiled_loops():
        pytest.skip("the C loops are not built")
    global _ANGLE
    values = np.array(angles, dtype=np.float32)
    _ANGLE = ctypes.CFUNCTYPE(ctypes.c_float, ctypes.c_void_p, ctypes.c_int)(lambda tp, i: float(values[i]))
    address = ctypes.cast(_ANGLE, ctypes.c_void_p).value
    got = pdf._LOOPS.turn(address, 1, np.arange(len(angles), dtype=np.int32))
    if np.isfinite(values[~(values < 0)]).all():
        assert got == pdf._turn_of(values.astype(np.float64))
    else:
        assert got is None


def test_no_float32_angle_is_half_way_between_quarter_turns():
    """Why the C vote may round half-way angles its own way: PDFium's angles are float32, and none
    of those near 45, 135, 225 or 315 degrees is exactly half-way once turned into quarter turns."""
    import numpy as np

    for half in (0.5, 1.5, 2.5, 3.5):
        x = np.float32(half * 90 / 57.29577951308232)
        for _ in range(64):
            x = np.nextafter(x, np.float32(0))
        for _ in range(128):
            assert float(x) * 57.29577951308232 / 90 != half
            x = np.nextafter(x, np.float32(10))


@given(st.lists(st.sampled_from([0, 90, 180, 270]), min_size=1, max_size=12)
       | st.lists(st.sampled_from([0, 90, -9223372036854775808]), min_size=1, max_size=6))
def test_the_page_turn_vote_is_a_counter_vote(turns):
    """The characters' turns voted as ``Counter.most_common`` votes: most votes, a tie to the turn
    seen first (also for a vote no angle could give, as a NaN angle cast to an integer)."""
    from collections import Counter

    import numpy as np

    from budgetlint.ingest import pdf

    assert pdf._vote(np.array(turns, dtype=np.int64)) == Counter(turns).most_common(1)[0]


def test_garbled_text_is_recognised():
    assert garbled(_chars("\ue001\ue002\ue003 123.45"), chinese_document=True)
    assert garbled(_chars("\ufffd" * 3 + "收入支出" * 10), chinese_document=True)
    assert garbled(_chars("AbCdEfGhIjKlMnOpQrStUvWxYz" * 2), chinese_document=True)
    assert not garbled(_chars("AbCdEfGhIjKlMnOpQrStUvWxYz" * 2), chinese_document=False)
    assert not garbled(_chars("一般公共预算支出 12,337.64 2080505"), chinese_document=True)
    assert not garbled(_chars("1,234.56 7,890.12 3.00 " * 4), chinese_document=True)


def test_rulings_drawn_as_one_filled_path_of_thin_bars(tmp_path):
    """Some exporters fill one path holding a thin bar per ruling instead of stroking lines."""
    p = tmp_path / "t.pdf"
    c = new_canvas(p)
    xs, ys = [50, 200, 350], [100, 120, 140]
    path = c.beginPath()
    for y in ys:
        path.rect(xs[0], H - y - 0.5, xs[-1] - xs[0], 0.5)
    for x in xs:
        path.rect(x, H - ys[-1], 0.5, ys[-1] - ys[0])
    c.drawPath(path, stroke=0, fill=1)
    c.rect(50, 300, 100, 40, stroke=0, fill=1)  # a filled box stays no ruling
    for (a, b), top in zip([("基本支出", "58,118.59"), ("项目支出", "27,825.19")], ys, strict=False):
        text(c, 60, top + 5, a)
        text(c, 210, top + 5, b)
    c.showPage()
    c.save()
    assert cells_of(load(p)) == [["基本支出", "58,118.59"], ["项目支出", "27,825.19"]]


@given(st.lists(st.tuples(st.integers(0, 12), st.integers(0, 12), st.integers(1, 8)), max_size=14),
       st.lists(st.tuples(st.integers(0, 12), st.integers(0, 12), st.integers(1, 8)), max_size=14))
def test_grids_are_the_connected_sets_of_touching_rulings(hs, vs):
    """Rulings on a lattice (rulings that touch only at an end, chains, separate tables): each grid
    holds one connected set of touching rulings, in the rulings' order, as a search over the
    touching pairs finds them."""
    from budgetlint.ingest.pdf import DEFAULT, Edge, edges_to_grids

    hedges = [Edge(y * 10.0, x * 10.0, (x + n) * 10.0) for y, x, n in hs]
    vedges = [Edge(x * 10.0, y * 10.0, (y + n) * 10.0) for x, y, n in vs]
    tol = DEFAULT.join

    def touch(h, v):
        return h.a - tol <= v.pos <= h.b + tol and v.a - tol <= h.pos <= v.b + tol

    seen: set[int] = set()
    want = []
    nodes = [("h", e) for e in hedges] + [("v", e) for e in vedges]
    for start in range(len(nodes)):
        if start in seen:
            continue
        todo, part = [start], {start}
        while todo:
            k = todo.pop()
            kind, e = nodes[k]
            for m, (other, f) in enumerate(nodes):
                if m not in part and other != kind and (touch(e, f) if kind == "h" else touch(f, e)):
                    part.add(m)
                    todo.append(m)
        seen |= part
        group_h = [nodes[k][1] for k in sorted(part) if nodes[k][0] == "h"]
        group_v = [nodes[k][1] for k in sorted(part) if nodes[k][0] == "v"]
        want.append((group_h, group_v))
    from budgetlint.ingest.pdf import _cluster

    def a_grid(group_h, group_v):  # two rows of rulings and three column boundaries at least
        if len(group_h) < 2 or not group_v:
            return False
        xs = _cluster([v.pos for v in group_v] + [min(h.a for h in group_h), max(h.b for h in group_h)], 2 * DEFAULT.snap)
        ys = _cluster([h.pos for h in group_h] + [min(v.a for v in group_v), max(v.b for v in group_v)], 2 * DEFAULT.snap)
        return len(xs) >= 3 and len(ys) >= 2

    got = edges_to_grids(hedges, vedges)
    kept = sorted(((g.hedges, g.vedges) for g in got), key=repr)
    assert kept == sorted((w for w in want if a_grid(*w)), key=repr)
