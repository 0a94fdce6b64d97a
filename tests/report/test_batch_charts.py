"""A batch's summary at a glance: the ranking, family and coverage charts (HTML inline SVG,
Excel native bar charts fed from the ranking's cells); a one-document report has none."""

from __future__ import annotations

import re
from dataclasses import replace

from openpyxl import load_workbook

from budgetlint.pipeline import check_file
from budgetlint.report.charts import batch_charts, text_width
from budgetlint.report.common import BATCH_TOP, rank, severity_counts
from budgetlint.report.excel import write_report_xlsx
from budgetlint.report.html import render_html

LONG = "某某市某某区人民政府某某街道办事处关于二〇二四年度部门预算公开的说明及报表（修订版）.pdf"


def _batch(result, n: int, document=None) -> list:
    """``n`` documents with different numbers of the sample's findings (some none), one long name;
    ``document``: a small one in place of the sample's (fewer table sheets to write)."""
    out = []
    for i in range(n):
        keep = result.findings[: (i * 7) % (len(result.findings) + 1)]
        name = LONG if i == 3 else f"doc{i:03d}.txt"
        out.append(replace(result, path=f"/in/{name}", findings=list(keep), document=document or result.document))
    return out


def _rows(svg: str) -> list[str]:
    return re.findall(r'<g class="row" data-key="([^"]*)"', svg)


def test_ranking_chart_has_a_bar_per_document_in_rank_order_up_to_the_cap(sample_result):
    results = _batch(sample_result, BATCH_TOP + 5)
    chart = next(c for c in batch_charts(results) if c.id == "batch_ranking")
    svg = chart.svg()
    number = {id(r): d for d, r in enumerate(results, 1)}
    assert _rows(svg) == [f"d{number[id(r)]}" for r in rank(results)[:BATCH_TOP]]
    assert "其余 5 份文件" in svg
    # each document's bar is split by severity: one rect per severity it has, widths as the counts
    for row, r in zip(re.findall(r'<g class="row".*?</g>', svg), rank(results)[:BATCH_TOP], strict=True):
        c = severity_counts(r)
        assert len(re.findall(r'<rect class="bar"', row)) == sum(1 for v in c.values() if v)
        assert f'href="#d{number[id(r)]}"' in row
    # the long name shortened, whole in the tooltip
    long_row = next(row for row in re.findall(r'<g class="row".*?</g>', svg) if LONG in row)
    shown = re.search(r'class="legend">([^<]*)</text>', long_row).group(1)
    assert "…" in shown and shown.endswith(".pdf") and LONG not in shown


def test_batch_chart_texts_fit_their_svg(sample_result):
    for chart in batch_charts(_batch(sample_result, 8)):
        svg = chart.svg()
        width = float(re.search(r'viewBox="0 0 ([\d.]+)', svg).group(1))
        for m in re.finditer(r'<text x="([\d.]+)" y="[\d.]+"( text-anchor="end")? class="([\w ]+)">([^<]*)</text>', svg):
            x, end, cls, text = float(m.group(1)), m.group(2), m.group(3), m.group(4)
            w = text_width(text, 12 if "share" in cls else 13)
            left, right = (x - w, x) if end else (x, x + w)
            assert left >= 0 and right <= width + 0.5, (chart.id, text, left, right, width)


def test_html_batch_has_the_charts_and_one_document_none(sample_result):
    page = render_html(_batch(sample_result, 3))
    for chart in ("batch_ranking", "batch_families", "batch_coverage"):
        assert f'data-chart="{chart}"' in page
    assert page.index('id="chart-batch_ranking"') < page.index('id="by-document"')  # in 汇总
    one = render_html([sample_result])
    assert "batch_" not in one and 'class="batch-charts"' not in one


def test_excel_chart_reads_the_ranking_cells(sample_result, bad_txt, tmp_path):
    results = _batch(sample_result, BATCH_TOP + 3, check_file(str(bad_txt)).document)
    out = tmp_path / "b.xlsx"
    write_report_xlsx(results, out)
    wb = load_workbook(out)
    assert wb.sheetnames[:3] == ["问题", "汇总", "排名图表"]
    summary, charts = wb["汇总"], wb["排名图表"]._charts
    ranking = charts[0]
    assert ranking.type == "bar" and ranking.grouping == "stacked"
    refs = [s.val.numRef.f for s in ranking.series]
    assert refs == [f"'汇总'!${c}$2:${c}${BATCH_TOP + 1}" for c in "FGH"]
    cat = ranking.series[0].cat
    assert (cat.strRef or cat.numRef).f == f"'汇总'!$B$2:$B${BATCH_TOP + 1}"
    # the cells are the ranking: 错误/警告/提示 of the documents in rank order
    for k, r in enumerate(rank(results)[:BATCH_TOP], 2):
        c = severity_counts(r)
        assert [summary.cell(row=k, column=j).value for j in (6, 7, 8)] == [c["error"], c["warning"], c["info"]]
        assert summary.cell(row=k, column=2).value == r.path.rsplit("/", 1)[-1]
    assert [summary.cell(row=1, column=j).value for j in (6, 7, 8)] == ["错误", "警告", "提示"]
    # families and coverage: charts over this sheet's own small tables
    assert all("'排名图表'!" in s.val.numRef.f for ch in charts[1:] for s in ch.series) and len(charts) == 3


def test_excel_one_document_has_no_chart_sheet(sample_result, tmp_path):
    out = tmp_path / "one.xlsx"
    write_report_xlsx([sample_result], out)
    wb = load_workbook(out)
    assert "排名图表" not in wb.sheetnames and not any(ws._charts for ws in wb.worksheets)


def test_a_corrupted_document_is_ranked_with_its_status(sample_result, tmp_path):
    bad = tmp_path / "broken.pdf"
    bad.write_bytes(b"%PDF-1.4 broken")
    results = [sample_result, check_file(str(bad))]
    ranking, *_, coverage = batch_charts(results)
    assert "无法读取" in ranking.svg() and 'data-key="unreadable"' in coverage.svg()
