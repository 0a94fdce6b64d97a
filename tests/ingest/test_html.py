"""HTML pages: encodings, tables with colspan / rowspan, prose in order, attachments."""

from __future__ import annotations

import pytest
from helpers import SHARED

from budgetlint.ingest import IngestError, load, sniff
from budgetlint.pipeline import check_file

PAGE = """<!DOCTYPE html>
<html><head>{meta}<title>部门预算公开</title>
<script>var x = "不是正文";</script><style>p {{ color: red }}</style></head>
<body>
<div class="breadcrumb">当前位置：首页 &gt; 财政预决算</div>
<ul class="nav"><li>首页</li><li>政务公开</li></ul>
<div class="content">
<h2>某局2024年部门预算</h2>
<p>一、收支预算
   总体情况</p>
<p style="display:none">隐藏的段落</p>
<table border="1">
<caption>支出总体情况表</caption>
<tr><td colspan="3" align="right">单位：万元</td></tr>
<tr><th rowspan="2">科目名称</th><th colspan="2">支出预算</th></tr>
<tr><th>合计</th><th>基本支出</th></tr>
<tr><td>教育<br>支出</td><td>15.00</td><td>15.00</td></tr>
<tr><td>合计</td><td>15.00</td><td>15.00</td></tr>
</table>
<p>附件：<a href="/upload/2024%E9%A2%84%E7%AE%97%E8%A1%A8.xls">2024年预算表.xls</a>
  <a href="download.jsp?id=7">部门预算说明.pdf</a> <a href="/about.html">关于我们</a></p>
</div>
<div class="footer">版权所有 某局</div>
</body></html>
"""


def _write(tmp_path, meta, encoding, name="page.html"):
    p = tmp_path / name
    p.write_bytes(PAGE.format(meta=meta).encode(encoding))
    return p


@pytest.mark.parametrize(
    "meta, encoding",
    [
        ('<meta charset="utf-8">', "utf-8"),
        ('<meta http-equiv="Content-Type" content="text/html; charset=gb2312">', "gb18030"),
        ('<meta http-equiv="Content-Type" content="text/html; charset=GBK">', "gbk"),
        ("", "gbk"),  # no declaration: detected
        ('<meta charset="utf-8">', "gbk"),  # a declaration the bytes contradict is overruled
    ],
)
def test_html_encodings_tables_and_prose(tmp_path, meta, encoding):
    p = _write(tmp_path, meta, encoding)
    assert sniff(p.read_bytes()) == "html"
    src = load(p)
    assert src.format == "html"
    assert [line.cells for line in src.lines()] == [
        ["某局2024年部门预算"],
        ["一、收支预算总体情况"],
        ["支出总体情况表"],
        ["单位：万元"],
        ["科目名称", "支出预算", ""],
        ["", "合计", "基本支出"],
        ["教育支出", "15.00", "15.00"],
        ["合计", "15.00", "15.00"],
        ["附件：2024年预算表.xls 部门预算说明.pdf 关于我们"],
    ]
    attachments = [n for n in src.notes if n.startswith("网页附件")]
    assert len(attachments) == 1
    assert "2024年预算表.xls（/upload/2024%E9%A2%84%E7%AE%97%E8%A1%A8.xls）" in attachments[0]
    assert "部门预算说明.pdf（download.jsp?id=7）" in attachments[0] and "关于我们" not in attachments[0]
    if encoding != "utf-8" and "gb" not in meta.lower():
        assert any("GB18030" in n for n in src.notes)


def test_html_table_is_recognised(tmp_path):
    doc = check_file(str(_write(tmp_path, '<meta charset="utf-8">', "utf-8"))).document
    assert doc.tables[0].kind == "expenditure_summary"
    assert [r.label for r in doc.tables[0].rows] == ["教育支出", "合计"]


def test_layout_tables_are_read_as_flow(tmp_path):
    page = ("<html><body><table><tr><td><table><tr><td>项目</td><td>合计</td></tr></table></td></tr>"
            "<tr><td><p>第一段</p><p>第二段</p></td></tr></table></body></html>")
    p = tmp_path / "layout.html"
    p.write_text(page, encoding="utf-8")
    assert [line.cells for line in load(p).lines()] == [["项目", "合计"], ["第一段"], ["第二段"]]


def test_html_without_text_is_a_clear_error(tmp_path):
    p = tmp_path / "empty.html"
    p.write_text('<html><body><script>1</script><a href="x.pdf"><img src="i.png"></a></body></html>', encoding="utf-8")
    with pytest.raises(IngestError, match="没有可读取的正文.*附件"):
        load(p)


CQJW = SHARED / "corpus" / "cqjw-budget2017.html"


@pytest.mark.skipif(not CQJW.exists(), reason="shared corpus not present")
def test_real_narrative_only_page_reads():
    result = check_file(str(CQJW))
    assert result.error is None
    doc = result.document
    assert doc.meta.title == "重庆市交通委员会2018年部门预算情况说明"
    assert doc.meta.year == 2018 and not doc.tables
    text = " ".join(p.text for s in doc.sections for p in s.paragraphs)
    assert "324970.32万元" in text and "当前位置" not in text


def test_script_downloads_and_pictures_are_noted(tmp_path):
    page = ('<html><body><div class="content"><h2>某局2018年部门预算</h2><p>一、收支情况</p>'
            '<p><a href="javascript:;" onclick="downloadFj(\'/upload/2018预算公开表.xls\', 3)">公开表</a>'
            '<span onclick="downloadFj(17)">部门预算说明.pdf</span>'
            '<a href="javascript:;" onclick="showMenu(2)">菜单</a></p>'
            '<img width="750" height="843" src="t1.gif"><img src="t2.gif">'
            '<img width="16" height="16" src="icon.png"></div></body></html>')
    p = tmp_path / "script.html"
    p.write_text(page, encoding="utf-8")
    notes = load(p).notes
    [attach] = [n for n in notes if n.startswith("网页附件")]
    assert "公开表（/upload/2018预算公开表.xls）" in attach
    assert "部门预算说明.pdf（downloadFj(17)）" in attach and "菜单" not in attach
    assert any(n.startswith("网页正文中有 2 张图片") for n in notes)  # the icon is no table
