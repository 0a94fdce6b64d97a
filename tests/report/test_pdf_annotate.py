"""The annotated PDF, read back with pypdf: a highlight over each offending value, placed from the
value's bbox, with the finding in /Contents; checked against pdfium's own geometry and text."""

from __future__ import annotations

import ctypes
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner
from pypdf import PdfReader, PdfWriter
from pypdf.generic import RectangleObject

from budgetlint.cli import main
from budgetlint.findings import Finding, Location, Severity
from budgetlint.model import Column as Col
from budgetlint.model import Document, DocumentMeta, Provenance, Row, RowKind, Table, Value
from budgetlint.pipeline import Result, check_file
from budgetlint.report.pdf_annotate import PAD, NotPdf, annotate_pdf, display_to_user

SAMPLE = Path(__file__).resolve().parents[2] / "samples" / "shandong-department-budget-2024.txt"
pdfium = pytest.importorskip("pypdfium2")
raw = pytest.importorskip("pypdfium2.raw")


def summary_pages(path) -> int:
    """The summary pages budgetlint puts first (labelled 摘要1…, the original pages keep 1…)."""
    return sum(1 for label in PdfReader(path).page_labels if label.startswith("摘要"))


def annotations(path):
    """(original page number, annotation) of every annotation, summary pages left out."""
    out = []
    reader = PdfReader(path)
    front = summary_pages(path)
    for i, page in enumerate(reader.pages[front:], 1):
        for a in page.get("/Annots") or []:
            a = a.get_object()
            out.append((i, a))
    return out


def text_under(path, page_no, rect):
    doc = pdfium.PdfDocument(str(path))
    try:
        tp = doc[page_no - 1 + summary_pages(path)].get_textpage()
        return tp.get_text_bounded(left=rect[0], bottom=rect[1], right=rect[2], top=rect[3])
    finally:
        doc.close()


@pytest.mark.parametrize("rotation", [0, 90, 180, 270])
def test_display_to_user_agrees_with_pdfium(tmp_path, rotation):
    """pdfium's device→page mapping of the displayed page is the oracle, crop box offset included."""
    w = PdfWriter()
    page = w.add_blank_page(600, 800)
    page.cropbox = RectangleObject((20, 30, 580, 790))
    page.rotation = rotation
    path = tmp_path / "p.pdf"
    w.write(path)
    doc = pdfium.PdfDocument(str(path))
    pg = doc[0]
    width, height = round(pg.get_width()), round(pg.get_height())

    def device_to_page(x, y):
        px, py = ctypes.c_double(), ctypes.c_double()
        raw.FPDF_DeviceToPage(pg.raw, 0, 0, width, height, 0, x, y, px, py)
        return px.value, py.value

    bbox = (100, 200, 160, 215)
    (ax, ay), (bx, by) = device_to_page(100, 200), device_to_page(160, 215)
    expected = (min(ax, bx), min(ay, by), max(ax, bx), max(ay, by))
    assert display_to_user(bbox, rotation, (20, 30, 580, 790)) == pytest.approx(expected, abs=1e-6)
    doc.close()


@pytest.mark.parametrize("mode", ["upright", "sideways", "rotated"])
def test_highlight_over_each_offending_value(tmp_path, mode, make_pdf):
    """A drawn table whose 合计 column is wrong in every row: each wrong value is highlighted, the
    rectangle is the value's bbox in user space, and the PDF's text under it is that value."""
    pdf = make_pdf(tmp_path / f"{mode}.pdf", mode)
    result = check_file(str(pdf))
    assert result.error is None
    errors = [f for f in result.findings if f.rule == "BL101"]
    assert len(errors) == 3
    out = tmp_path / "annotated.pdf"
    n = annotate_pdf(result, out)
    annots = [a for _, a in annotations(out)]
    highlights = [a for a in annots if a["/Subtype"] == "/Highlight"]
    assert n == len(annots) and len(highlights) == 3
    page = PdfReader(out).pages[summary_pages(out)]
    box = tuple(float(v) for v in page.cropbox)
    for f in errors:
        row = result.document.tables[0].rows[f.location.row]
        bbox = row.values["total"].provenance.bbox
        rot = {"upright": 0, "sideways": None, "rotated": 90}[mode]
        match = [a for a in highlights if f.message in a["/Contents"]]
        assert len(match) == 1, f.message
        a = match[0]
        assert "BL101" in a["/Contents"] and "应为 140.00" in a["/Contents"] and a["/T"] == "budgetlint"
        rect = [float(v) for v in a["/Rect"]]
        if rot is not None:  # the page's own rotation: exact coordinates
            left, b, r, t = display_to_user(bbox, rot, box)
            assert rect == pytest.approx([left - PAD, b - PAD, r + PAD, t + PAD], abs=0.01)
        if mode == "upright":  # hand-computed: y flips about the page height
            assert rect == pytest.approx([bbox[0] - PAD, 842 - bbox[3] - PAD, bbox[2] + PAD, 842 - bbox[1] + PAD],
                                         abs=0.01)
        under = text_under(out, 1, rect).replace(" ", "")
        assert "150.00" in under and "100.00" not in under
        assert [float(c) for c in a["/C"]] == pytest.approx([1.0, 59 / 255, 48 / 255], abs=0.01)  # error red


def _doc(path, findings_at):
    t = Table(index=1, kind="expenditure_summary", title="支出总体情况表", kind_label="支出总体情况表",
              columns=[Col("name", ("科目名称",), role="name"), Col("total", ("合计",))])
    rows = []
    for i, (page, bbox, raw_text) in enumerate(findings_at):
        rows.append(Row(index=i, label=f"第{i}行", kind=RowKind.ITEM,
                        values={"total": Value(Decimal(raw_text), raw_text, Provenance(page=page, bbox=bbox),
                                               decimals=2)},
                        provenance=Provenance(page=page, bbox=(50, bbox[1], 540, bbox[3]))))
    t.rows = rows
    return Document(path=str(path), meta=DocumentMeta(title="测试", source_format="pdf"), tables=[t])


def test_warning_row_and_document_findings(tmp_path):
    """A warning is yellow; a row-level finding marks the row; a finding with no place becomes a
    note at the top left of page 1; a cited cell gets a dashed square."""
    w = PdfWriter()
    w.add_blank_page(595, 842)
    w.add_blank_page(595, 842)
    pdf = tmp_path / "blank.pdf"
    w.write(pdf)
    doc = _doc(pdf, [(1, (300, 100, 380, 112), "1.00"), (2, (300, 200, 380, 212), "2.00")])
    t = doc.tables[0]
    findings = [
        Finding("BL402", "name-differs-from-catalog", "catalog", Severity.WARNING, "名称不符",
                location=Location.of(t, t.rows[0], "total"),
                related=[Location.of(t, t.rows[1], "total")]),
        Finding("BL902", "row-values-replaced", "extraction", Severity.INFO, "行已还原",
                location=Location.of(t, t.rows[1])),
        Finding("BL400", "catalog-year-fallback", "catalog", Severity.INFO, "使用了 2024 年科目表"),
    ]
    out = tmp_path / "a.pdf"
    annotate_pdf(Result(path=str(pdf), document=doc, findings=findings), out)
    got = annotations(out)
    kinds = sorted((p, a["/Subtype"]) for p, a in got)
    assert kinds == [(1, "/Highlight"), (1, "/Text"), (2, "/Highlight"), (2, "/Square")]
    warn = next(a for p, a in got if p == 1 and a["/Subtype"] == "/Highlight")
    assert [float(c) for c in warn["/C"]] == pytest.approx([1.0, 0.8, 0.0])
    assert [float(v) for v in warn["/Rect"]] == pytest.approx([299, 729, 381, 743])
    row = next(a for p, a in got if p == 2 and a["/Subtype"] == "/Highlight")
    assert "BL902" in row["/Contents"] and [float(v) for v in row["/Rect"]] == pytest.approx([49, 629, 541, 643])
    cited = next(a for p, a in got if a["/Subtype"] == "/Square")
    assert "相关" in cited["/Contents"] and "BL402" in cited["/Contents"]
    note = next(a for p, a in got if a["/Subtype"] == "/Text")
    assert "BL400" in note["/Contents"] and float(note["/Rect"][3]) == pytest.approx(830)


def test_not_a_pdf_raises(sample_result, tmp_path):
    with pytest.raises(NotPdf):
        annotate_pdf(sample_result, tmp_path / "x.pdf")


def test_cli_skips_non_pdf_and_names_outputs(tmp_path, monkeypatch, make_pdf):
    pdf = make_pdf(tmp_path / "drawn.pdf")
    monkeypatch.chdir(tmp_path)
    r = CliRunner().invoke(main, ["check", "--format", "pdf", str(SAMPLE), str(pdf)])
    assert r.exit_code == 1, r.output
    assert "跳过" in r.stderr and "不是 PDF" in r.stderr
    assert (tmp_path / "drawn.budgetlint.pdf").is_file()
    assert not list(tmp_path.glob("shandong*"))
    # one PDF: -o is the file; several: -o must be a folder
    r = CliRunner().invoke(main, ["check", "--format", "pdf", str(pdf), "-o", str(tmp_path / "one.pdf")])
    assert r.exit_code == 1 and (tmp_path / "one.pdf").is_file()
    other = make_pdf(tmp_path / "other.pdf", "rotated")
    r = CliRunner().invoke(main, ["check", "--format", "pdf", str(pdf), str(other), "-o", str(tmp_path / "x.pdf")])
    assert r.exit_code == 2 and "文件夹" in r.stderr
    r = CliRunner().invoke(main, ["check", "--format", "pdf", str(pdf), str(other), "-o", str(tmp_path / "out")])
    assert r.exit_code == 1
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["drawn.budgetlint.pdf", "other.budgetlint.pdf"]
    # a text document alone: skipped, not an error (its findings still set the exit code)
    r = CliRunner().invoke(main, ["check", "--format", "pdf", "--fail-on", "error", "--select", "BL4", str(SAMPLE)])
    assert r.exit_code == 0 and "跳过" in r.stderr


def _prose_pdf(path, lines):
    """A page of prose: each (top, text) drawn at 10 pt in reportlab's CID font."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen.canvas import Canvas

    if "STSong-Light" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    c = Canvas(str(path), pagesize=(595, 842))
    c.setFont("STSong-Light", 10)
    for top, text in lines:
        c.drawString(50, 842 - top - 8.8, text)
    c.showPage()
    c.save()
    return path


def test_a_prose_finding_highlights_its_figure_not_the_line(tmp_path):
    """The sentence starts on one line and its figure is printed on the next (司法局 p9 item 6):
    the highlight covers the figure (17.62%), not the first line; a figure that is not printed
    keeps the line."""
    pytest.importorskip("reportlab")
    pdf = _prose_pdf(tmp_path / "prose.pdf", [
        (100, "6、公共安全支出其他司法支出3845.49万元。主要用于：依法治区等支出。2025年当年"),
        (116, "预算执行数为43269.3万元，2026年预算安排3845.49万元，比2025年预算执行数增加17.62%。"),
    ])
    doc = Document(path=str(pdf), meta=DocumentMeta(title="测试", source_format="pdf"))
    line = (50.0, 100.0, 480.0, 111.0)
    found = Finding("BL302", "narrative-percent-inconsistent", "narrative", Severity.ERROR, "增减率不符",
                    location=Location(page=1, bbox=line), expected=Decimal("-91.11"), found=Decimal("17.62"),
                    evidence="2025年当年预算执行数为43269.3万元,2026年预算安排3845.49万元,比2025年预算执行数增加17.62%。")
    unprinted = Finding("BL301", "narrative-amount-differs", "narrative", Severity.ERROR, "金额不符",
                        location=Location(page=1, bbox=line), found=Decimal("999.99"))
    out = tmp_path / "a.pdf"
    annotate_pdf(Result(path=str(pdf), document=doc, findings=[found, unprinted]), out)
    marks = {a["/Subj"]: [float(v) for v in a["/Rect"]] for _, a in annotations(out) if a["/Subtype"] == "/Highlight"}
    under = text_under(out, 1, marks["BL302"]).replace(" ", "")
    assert "17.62%" in under and len(under) <= 9  # the figure (pdfium adds a touching neighbour)
    assert marks["BL302"][2] - marks["BL302"][0] < 45
    assert marks["BL302"][3] < 842 - 112  # on the second line
    assert marks["BL301"] == pytest.approx([49, 842 - 112, 481, 842 - 99])  # the line, as before


def test_summary_page_first_and_a_bookmark_per_finding(tmp_path, make_pdf):
    pdf = make_pdf(tmp_path / "t.pdf")
    result = check_file(str(pdf))
    out = tmp_path / "a.pdf"
    annotate_pdf(result, out)
    reader = PdfReader(out)
    assert reader.page_labels[:2] == ["摘要1", "1"]  # the original pages keep their numbers
    summary = pdfium.PdfDocument(str(out))[0].get_textpage().get_text_range()
    assert "检查摘要" in summary and "错误 3 个" in summary and summary.count("BL101 第1页") == 3
    titles = [o.title for o in reader.outline if not isinstance(o, list)]
    nested = [o for o in reader.outline if isinstance(o, list)]
    assert titles[:2] == ["budgetlint 检查摘要", "错误（3）"]
    assert len(nested[0]) == 3 and all(o.title.startswith("[错误] BL101 第1页") for o in nested[0])
    assert all(reader.get_destination_page_number(o) == 1 for o in nested[0])  # the table's page


def test_a_two_file_document_gets_each_pdf_annotated(tmp_path, make_pdf):
    pytest.importorskip("reportlab")
    prose = _prose_pdf(tmp_path / "说明.pdf", [(100, "2024年某某局部门预算情况说明"),
                                              (116, "2024年支出预算150.00万元。")])
    tables = make_pdf(tmp_path / "报表.pdf")
    out = tmp_path / "out"
    r = CliRunner().invoke(main, ["check", "--format", "pdf", "-o", str(out), f"{prose}+{tables}"])
    assert r.exit_code == 1 and "不是 PDF" not in r.stderr, r.output
    assert sorted(p.name for p in out.iterdir()) == ["报表.budgetlint.pdf", "说明.budgetlint.pdf"]
    highlights = [a for _, a in annotations(out / "报表.budgetlint.pdf") if a["/Subtype"] == "/Highlight"]
    assert len(highlights) == 3  # the three BL101 of the tables file, on its own page 1
    assert not [a for _, a in annotations(out / "说明.budgetlint.pdf") if a["/Subtype"] == "/Highlight"]
