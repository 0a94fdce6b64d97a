from __future__ import annotations

import pytest

from budgetlint.ingest import IngestError, load, sniff
from budgetlint.ingest.text import text_to_source


def test_sniff_by_content_not_extension():
    assert sniff(b"%PDF-1.7 ...") == "pdf"
    assert sniff(b"PK\x03\x04rest") == "zip"
    assert sniff(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1") == "ole"
    assert sniff(b"<!DOCTYPE html><html>") == "html"
    assert sniff("收支总体情况表".encode()) == "text"


def test_gbk_text_is_decoded_with_a_note(tmp_path):
    p = tmp_path / "gbk.txt"
    p.write_bytes("收支总体情况表\n单位：万元\n".encode("gbk"))
    src = load(p)
    assert src.lines()[0].cells == ["收支总体情况表"]
    assert any("GBK" in n for n in src.notes)


@pytest.mark.parametrize(
    "data, words",
    [
        (b"", "为空"),
        (b"   \n\n", "为空"),
        (b"\x00\x01\x02\x03binary\x00\x00", "二进制"),
        (b"\x81\x30\xff\xfe\xfd\xfc" * 50, "编码"),
    ],
)
def test_bad_input_raises_clear_error(tmp_path, data, words):
    p = tmp_path / "bad.txt"
    p.write_bytes(data)
    with pytest.raises(IngestError, match=words):
        load(p)


def test_missing_file_and_directory(tmp_path):
    with pytest.raises(IngestError, match="不存在"):
        load(tmp_path / "nope.txt")
    with pytest.raises(IngestError, match="目录"):
        load(tmp_path)


def test_pdf_not_yet_supported_is_a_clear_error(tmp_path):
    p = tmp_path / "x.txt"
    p.write_bytes(b"%PDF-1.4\n%...")
    with pytest.raises(IngestError, match="PDF"):
        load(p)


def test_markdown_and_html_tables_become_cells():
    text = "| 项目 | 预算数 |\n|---|---|\n| 合计 | 1,234.50 |\n<table><tr><td colspan=2>收入</td><td>支出</td></tr></table>\n"
    lines = text_to_source(text, "t.md").lines()
    assert [line.cells for line in lines] == [["项目", "预算数"], ["合计", "1,234.50"], ["收入", "", "支出"]]


def test_form_feed_starts_a_new_page():
    src = text_to_source("第一页\f第二页\n", "t.txt")
    assert [p.number for p in src.pages] == [1, 2]
    assert src.pages[1].lines[0].provenance.page == 2


def test_a_document_published_as_two_files_reads_as_one(tmp_path):
    a = tmp_path / "说明.txt"
    b = tmp_path / "报表.txt"
    a.write_text("2024年某局部门预算\f第二页说明\n", "utf-8")
    b.write_text("支出总体情况表\n", "utf-8")
    src = load(f"{a}+{b}")
    assert [p.number for p in src.pages] == [1, 2, 3]
    assert src.pages[2].lines[0].provenance.page == 3
    assert any("第 3–3 页来自" in n and "报表.txt" in n for n in src.notes)
    with pytest.raises(IngestError, match="nope.txt"):
        load(f"{a}+{tmp_path / 'nope.txt'}")
