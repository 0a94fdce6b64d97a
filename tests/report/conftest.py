"""Fixtures for the report tests: checked documents (text and drawn PDF) and small PDF drawing."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import tsv

from budgetlint.pipeline import Result, check_file

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "samples" / "shandong-department-budget-2024.txt"
SARIF_SCHEMA = ROOT / "tests" / "data" / "sarif-schema-2.1.0.json"
REPORT_SCHEMA = ROOT / "src" / "budgetlint" / "report" / "schema.json"

# One error (合计 150 ≠ 基本 100 + 项目 40) in a table small enough to draw as a PDF.
ROWS = [
    ("201", "", "", "一般公共服务支出", "150.00", "100.00", "40.00"),
    ("201", "01", "", "人大事务", "150.00", "100.00", "40.00"),
    ("", "", "", "合计", "150.00", "100.00", "40.00"),
]
BAD_TEXT = tsv("""
2024年某某局部门预算
支出总体情况表
单位：万元
科目编码 | 科目名称 | 合计 | 基本支出 | 项目支出
201 | 一般公共服务支出 | 150.00 | 100.00 | 40.00
20101 | 人大事务 | 150.00 | 100.00 | 40.00
合计 |  | 150.00 | 100.00 | 40.00
""")


@pytest.fixture(scope="session")
def sample_result() -> Result:
    return check_file(str(SAMPLE))


@pytest.fixture
def bad_txt(tmp_path) -> Path:
    p = tmp_path / "bad.txt"
    p.write_text(BAD_TEXT, "utf-8")
    return p


# --- drawing PDFs (reportlab's built-in CID font STSong-Light needs no font file) -----------------

XS = [50, 80, 110, 140, 300, 380, 460, 540]  # 类 款 项 | 科目名称 | 合计 基本支出 项目支出


def draw_table(c, frame_h: float, top: float = 120, rows=ROWS) -> None:
    """A ruled 支出总体情况表 drawn in a frame whose height is ``frame_h`` (top-left coordinates)."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    font = "STSong-Light"
    if font not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(font))

    def text(x, t, s, size=10, right=False):
        c.setFont(font, size)
        y = frame_h - t - size * 0.88
        (c.drawRightString if right else c.drawString)(x, y, s)

    def hline(x0, x1, t):
        c.line(x0, frame_h - t, x1, frame_h - t)

    def vline(x, t, b):
        c.line(x, frame_h - t, x, frame_h - b)

    text(230, 60, "支出总体情况表", size=14)
    text(470, 95, "单位：万元")
    text(65, top + 5, "科目编码")
    text(195, top + 14, "科目名称")
    text(320, top + 14, "合计")
    text(395, top + 14, "基本支出")
    text(475, top + 14, "项目支出")
    ys = [top, top + 20, top + 40]
    for x, w in ((58, "类"), (88, "款"), (118, "项")):
        text(x, top + 25, w)
    y = ys[-1]
    for r in rows:
        for k, v in enumerate(r):
            if not v:
                continue
            if k >= 4:
                text(XS[k + 1] - 4, y + 5, v, right=True)
            else:
                text(XS[k] + 4, y + 5, v)
        y += 20
        ys.append(y)
    for i, yy in enumerate(ys):
        if i == 1:
            hline(XS[0], XS[3], yy)
        else:
            hline(XS[0], XS[-1], yy)
    for j, x in enumerate(XS):
        vline(x, ys[1] if j in (1, 2) else ys[0], ys[-1])


def _make_pdf(path: Path, mode: str = "upright") -> Path:
    """``upright``: a portrait page. ``sideways``: the table printed turned on a portrait page.
    ``rotated``: a page with /Rotate 90 whose text stands upright on screen."""
    canvas = pytest.importorskip("reportlab.pdfgen.canvas")
    w, h = 595, 842
    c = canvas.Canvas(str(path), pagesize=(w, h))
    c.drawString(40, 40, "")
    if mode == "upright":
        draw_table(c, h)
    else:
        if mode == "rotated":
            c.setPageRotation(90)
        c.saveState()
        c.translate(w, 0)
        c.rotate(90)
        draw_table(c, w)
        c.restoreState()
    c.showPage()
    c.save()
    return path


@pytest.fixture
def make_pdf():
    """``make_pdf(path, mode)`` draws the one-table PDF (see ``_make_pdf``)."""
    pytest.importorskip("reportlab")
    return _make_pdf


@pytest.fixture(scope="session")
def sarif_schema() -> dict:
    import json

    return json.loads(SARIF_SCHEMA.read_text("utf-8"))


@pytest.fixture(scope="session")
def report_schema() -> dict:
    import json

    return json.loads(REPORT_SCHEMA.read_text("utf-8"))
