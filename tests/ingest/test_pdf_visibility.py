"""PDF text a reader does not see is not read (ingest/pdf.py ``_Visibility``): text drawn invisible
(render mode 3), text wholly outside its clipping; a line the clipping cuts is read and noted, and
so is a blank page (ingest/notices.py) — the page as a reviewer sees it is the ground truth."""

from __future__ import annotations

import pytest

from budgetlint.ingest import load
from budgetlint.ingest.notices import parse

canvas = pytest.importorskip("reportlab.pdfgen.canvas")
pdfmetrics = pytest.importorskip("reportlab.pdfbase.pdfmetrics")
cidfonts = pytest.importorskip("reportlab.pdfbase.cidfonts")

from budgetlint.ingest import pdf as pdf_module  # noqa: E402


@pytest.fixture(autouse=True, params=["c-loops", "ctypes"])
def reads(request, monkeypatch):
    """Every case both ways: with the C loops (``_pdfium_loops``) and with the ctypes reads."""
    if request.param == "c-loops" and not pdf_module.compiled_loops():
        pytest.skip("the C loops are not built")
    if request.param == "ctypes":
        monkeypatch.setattr(pdf_module, "_LOOPS", None)
    return request.param


FONT = "STSong-Light"
pdfmetrics.registerFont(cidfonts.UnicodeCIDFont(FONT))
W, H = 595, 842


def _draw(c, x: float, y: float, s: str, mode: int = 0) -> None:
    c.saveState()  # the render mode is graphics state: it must not outlive this text
    t = c.beginText(x, y)
    t.setFont(FONT, 12)
    t.setTextRenderMode(mode)
    t.textOut(s)
    c.drawText(t)
    c.restoreState()


def _pdf(path, hidden: bool) -> None:
    c = canvas.Canvas(str(path), pagesize=(W, H))
    _draw(c, 60, 760, "主要用于信息化建设及运行维护等方面的支出。")
    if hidden:
        _draw(c, 312, 760, "。", mode=3)  # an invisible stop right after the visible one
    c.saveState()
    clip = c.beginPath()
    clip.rect(50, 600, 500, 120)  # the frame of the text box: y 600…720
    c.clipPath(clip, stroke=0, fill=0)
    _draw(c, 60, 700, "（一）负责推进本区公共法律服务体系建设。")
    if hidden:
        _draw(c, 60, 592, "（八）负责本系统警车管理工作。")  # cut by the frame's bottom edge
        _draw(c, 60, 560, "（九）规划协调指导本区法治人才队伍建设。")  # wholly outside the frame
    c.restoreState()
    c.showPage()
    if hidden:
        c.showPage()  # a blank page
    _draw(c, 60, 760, "名词解释")
    c.showPage()
    c.save()


def _text(source) -> str:
    return "".join(cell for line in source.lines() for cell in line.cells)


def test_text_the_page_does_not_show_is_not_read(tmp_path):
    shown, hidden = tmp_path / "shown.pdf", tmp_path / "hidden.pdf"
    _pdf(shown, hidden=False)
    _pdf(hidden, hidden=True)
    a, b = load(str(shown)), load(str(hidden))
    assert "。。" not in _text(b)
    assert "（九）" not in _text(b)  # wholly outside its clipping
    # a line the clipping cuts is on the page, in part: still read (and noted, below)
    assert _text(b).replace("（八）负责本系统警车管理工作。", "") == _text(a)
    assert a.notes == []


def test_clipped_line_and_blank_page_are_noted(tmp_path):
    p = tmp_path / "hidden.pdf"
    _pdf(p, hidden=True)
    notices = [n for n in map(parse, load(str(p)).notes) if n]
    assert [(n.kind, n.page) for n in notices] == [("clipped", 1), ("blank", 2)]
    assert notices[0].text.startswith("（八）负责本系统")


def _two_frames(path) -> None:
    """Two text boxes, each clipped to its own frame, several text objects in each; the second
    frame cuts its last line in half (noted) and hides the one below it (not read)."""
    c = canvas.Canvas(str(path), pagesize=(W, H))
    for top, lines in ((720, ["一、部门职责", "二、机构设置", "三、收支预算"]),
                       (420, ["四、支出预算", "五、三公经费", "六、政府采购", "七、绩效目标"])):
        c.saveState()
        clip = c.beginPath()
        clip.rect(50, top - 100, 500, 100)
        c.clipPath(clip, stroke=0, fill=0)
        for k, s in enumerate(lines):
            _draw(c, 60, top - 25 - 30 * k, s)  # the fourth line of the second frame sits on its edge
        c.restoreState()
    c.showPage()
    c.save()


def test_shared_clippings_are_told_apart(tmp_path):
    """Objects drawn under the same clipping share PDFium's clip data (``_ClipBoxes`` reads each
    once): the two frames must still be told apart."""
    path = tmp_path / "frames.pdf"
    _two_frames(path)
    text = _text(load(str(path)))
    for s in ("一、部门职责", "三、收支预算", "四、支出预算", "六、政府采购"):
        assert s in text
    assert "七、绩效目标" not in text  # 25 + 90 = 115 below the top of a 100-high frame: outside it


def test_a_wrong_clip_key_is_found_out(tmp_path, monkeypatch, reads):
    """Were PDFium's layout to change (every clip handle read as one key), the check of reused keys
    turns the sharing off, and the page reads as it does without it. (The C loops read every
    object's clipping in full and share nothing.)"""
    from budgetlint.ingest import pdf

    if reads == "c-loops":
        pytest.skip("the C loops share no clip data")

    path = tmp_path / "frames.pdf"
    _two_frames(path)
    expected = _text(load(str(path)))
    monkeypatch.setattr(pdf, "_clip_key", lambda clip: 1)
    monkeypatch.setattr(pdf._ClipBoxes, "trusted", True)
    assert _text(load(str(path))) == expected
    assert pdf._ClipBoxes.trusted is False


def test_text_well_inside_its_clipping_reads_no_glyph_boxes(tmp_path, monkeypatch):
    """A page that clips all its text to the printable area (one clip for every object) reads as
    an unclipped page: no glyph box is read for text whose loose box, grown by its height, lies
    inside the clip; a line that reaches the clip's edge is still measured (and cut)."""
    from budgetlint.ingest import pdf

    def page(path, edge_line: bool) -> None:
        c = canvas.Canvas(str(path), pagesize=(W, H))
        c.saveState()
        clip = c.beginPath()
        clip.rect(40, 60, 515, 722)  # the printable area: y 60…782
        c.clipPath(clip, stroke=0, fill=0)
        for k, s in enumerate(["一、部门职责", "二、机构设置", "三、收支预算"]):
            _draw(c, 60, 700 - 30 * k, s)
        if edge_line:
            _draw(c, 60, 56, "四、支出预算")  # its lower part below the clip
        c.restoreState()
        c.showPage()
        c.save()

    read: list[int] = []
    real = pdf._char_boxes
    monkeypatch.setattr(pdf, "_char_boxes", lambda tp, index, raw: (read.append(len(index)), real(tp, index, raw))[1])
    inside, edge = tmp_path / "inside.pdf", tmp_path / "edge.pdf"
    page(inside, edge_line=False)
    page(edge, edge_line=True)
    assert _text(load(str(inside))) == "一、部门职责二、机构设置三、收支预算"
    assert sum(read) == 0
    source = load(str(edge))
    assert sum(read) == len("四、支出预算")  # only the line at the edge is measured
    assert [(n.kind, n.page) for n in map(parse, source.notes) if n] == [("clipped", 1)]


def test_text_with_a_transparent_fill_is_not_read(tmp_path):
    """A text object filled with alpha 0 paints nothing; one half transparent is seen (the walk
    reads the fill colour only of objects PDFium says carry transparency)."""
    path = tmp_path / "alpha.pdf"
    c = canvas.Canvas(str(path), pagesize=(W, H))
    _draw(c, 60, 760, "一、部门职责")
    for y, alpha, s in ((720, 0.0, "二、机构设置"), (680, 0.5, "三、收支预算")):
        c.saveState()
        c.setFillAlpha(alpha)
        _draw(c, 60, y, s)
        c.restoreState()
    c.showPage()
    c.save()
    text = _text(load(str(path)))
    assert "一、部门职责" in text
    assert "二、机构设置" not in text
    assert "三、收支预算" in text
