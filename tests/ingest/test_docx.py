"""DOCX in body order (merged cells via gridSpan / vMerge), and DOC through LibreOffice."""

from __future__ import annotations

import os
import subprocess

import docx
import pytest
from docx.enum.text import WD_BREAK

from budgetlint.ingest import IngestError, load
from budgetlint.ingest.doc import soffice
from budgetlint.pipeline import check_file

needs_soffice = pytest.mark.skipif(
    soffice() is None and not os.environ.get("CI"),
    reason="LibreOffice (soffice) is not installed here; CI installs it",
)


def _document(path):
    d = docx.Document()
    d.add_paragraph("2024年某局部门预算")
    toc = d.add_paragraph("一、收支总体情况表\t3")  # a table-of-contents entry: the page number is not content
    toc.paragraph_format.tab_stops.add_tab_stop(docx.shared.Cm(14))
    p = d.add_paragraph("第一部分 部门概况")
    p.add_run().add_break()  # a line break inside a paragraph starts a new line
    p.add_run("一、主要职责")
    hidden = d.add_paragraph("看得见")
    hidden.add_run("看不见").font.hidden = True
    d.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    t = d.add_table(rows=5, cols=4)
    t.cell(0, 0).merge(t.cell(0, 3)).text = "支出总体情况表"  # a title row across the table
    t.cell(1, 0).text = "科目名称"
    t.cell(1, 0).merge(t.cell(2, 0))  # vertical merge: text in the first row, "" below
    t.cell(1, 1).merge(t.cell(1, 3)).text = "支出预算"  # horizontal: written once, then ""
    for c, text in ((1, "合计"), (2, "基本支出"), (3, "项目支出")):
        t.cell(2, c).text = text
    for r, row in ((3, ["教育支出", "15.00", "10.00", "5.00"]), (4, ["合计", "15.00", "10.00", "5.00"])):
        for c, text in enumerate(row):
            t.cell(r, c).text = text
    t.cell(4, 1).paragraphs[0].text = "15."
    t.cell(4, 1).add_paragraph("00")  # a wrapped cell joins without the break
    d.add_paragraph("注：本表为示例。")
    d.save(path)


def test_docx_paragraphs_and_tables_in_body_order(tmp_path):
    p = tmp_path / "budget.docx"
    _document(p)
    src = load(p)
    assert src.format == "docx"
    assert [line.cells for line in src.lines()] == [
        ["2024年某局部门预算"],
        ["一、收支总体情况表"],
        ["第一部分 部门概况"],
        ["一、主要职责"],
        ["看得见"],
        ["支出总体情况表"],
        ["科目名称", "支出预算", "", ""],
        ["", "合计", "基本支出", "项目支出"],
        ["教育支出", "15.00", "10.00", "5.00"],
        ["合计", "15.00", "10.00", "5.00"],
        ["注：本表为示例。"],
    ]
    pages = {line.cells[0]: line.provenance.page for line in src.lines()}
    assert pages["2024年某局部门预算"] == 1 and pages["支出总体情况表"] == 2 and pages["注：本表为示例。"] == 2


def test_docx_table_is_recognised(tmp_path):
    p = tmp_path / "budget.docx"
    _document(p)
    doc = check_file(str(p)).document
    table = doc.tables[0]
    assert table.kind == "expenditure_summary"
    assert [r.label for r in table.rows] == ["教育支出", "合计"]


def test_docx_without_text_is_a_clear_error(tmp_path):
    p = tmp_path / "empty.docx"
    docx.Document().save(p)
    with pytest.raises(IngestError, match="没有任何文字"):
        load(p)


@needs_soffice
def test_doc_gives_the_same_lines_as_its_docx(tmp_path):
    exe = soffice()
    assert exe, "CI must install LibreOffice (libreoffice-writer-nogui) for the DOC tests"
    src_docx = tmp_path / "budget.docx"
    _document(src_docx)
    out = tmp_path / "out"
    subprocess.run([exe, "--headless", f"-env:UserInstallation=file://{tmp_path / 'profile'}", "--convert-to", "doc",
                    "--outdir", str(out), str(src_docx)], check=True, capture_output=True, timeout=180)
    as_doc = out / "budget.doc"
    moved = tmp_path / "budget-as-doc.bin"  # the format comes from the bytes, not the name
    moved.write_bytes(as_doc.read_bytes())
    a, b = load(src_docx), load(moved)
    assert b.format == "doc" and any("LibreOffice" in n for n in b.notes)
    assert [line.cells for line in b.lines()] == [line.cells for line in a.lines()]


def test_pages_follow_words_saved_layout(tmp_path):
    from docx.oxml import OxmlElement

    d = docx.Document()
    for text in ("第一页", "第二页开头", "第二页", "第三页"):
        d.add_paragraph(text)
    for i in (1, 3):  # Word marks where its last layout broke the pages
        run = d.paragraphs[i].runs[0]
        run._r.insert(0, OxmlElement("w:lastRenderedPageBreak"))
    d.add_page_break()  # explicit breaks are not counted twice when the layout is known
    d.add_paragraph("仍是第三页")
    p = tmp_path / "pages.docx"
    d.save(p)
    assert [(line.cells[0], line.provenance.page) for line in load(p).lines()] == [
        ("第一页", 1), ("第二页开头", 2), ("第二页", 2), ("第三页", 3), ("仍是第三页", 3)]
