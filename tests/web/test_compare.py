"""Compare views: one body across years, a region's bodies side by side — from the figures stored
with each job (never re-reading the documents), in 万元, through the page and the JSON API."""

from __future__ import annotations

import pytest
from web_support import BOTH, login, wait_batch

from budgetlint.pipeline import check_file
from budgetlint.recognise.figures import key_figures
from budgetlint.web import db, figures


def _upload(client, csrf: str, files: list[tuple[str, bytes]], region: str) -> list[dict]:
    r = client.post("/api/uploads", files=[("files", f) for f in files], data={"region": region},
                    headers={"X-CSRF-Token": csrf})
    assert r.status_code == 201, r.text
    return wait_batch(client, r.json()["batch"])["documents"]


def test_to_wan_reads_the_tables_unit():
    from budgetlint.model import Unit

    assert figures.to_wan(12345, Unit.YUAN) == pytest.approx(1.2345)
    assert figures.to_wan(3, Unit.YI_YUAN) == 30000
    assert figures.to_wan(7, None) == 7  # no unit line: the forms' default 万元
    assert figures.to_wan(None, Unit.YUAN) is None


def test_compare_a_body_across_years_and_a_regions_bodies(client, seeds):
    csrf = login(client)
    a, b = sorted(seeds.glob("*.txt"))[:2]
    text = a.read_text("utf-8")
    year = check_file(str(a)).document.meta.year
    earlier = text.replace(str(year), str(year - 1))  # the same body, the year before
    docs = _upload(client, csrf, [(a.name, a.read_bytes()), ("上年.txt", earlier.encode("utf-8")),
                                  (b.name, b.read_bytes())], region="某市")
    assert all(d["state"] == "done" for d in docs)
    org = docs[0]["organisation"]

    body = client.get("/api/compare/body", params={"organisation": org}).json()
    assert [c["year"] for c in body["columns"]] == [year - 1, year]
    charts = {c["id"]: c for c in body["charts"]}
    assert set(charts) == {"income_sources", "expenditure_classes", "basic_project", "three_public", "families"}
    key = key_figures(check_file(str(a)).document)
    basic = next(s for s in charts["basic_project"]["series"] if s["name"] == "基本支出")
    assert basic["data"][1] == pytest.approx(float(key["basic_total"]))  # the seed is in 万元
    assert charts["basic_project"]["stacked"] and not charts["three_public"]["stacked"]
    three = {s["name"]: s["data"] for s in charts["three_public"]["series"]}
    assert three["“三公”经费"][1] == pytest.approx(float(key["three_public_curr"]))
    income = sum(v for s in charts["income_sources"]["series"] if (v := s["data"][1]) is not None)
    assert income == pytest.approx(float(key["income_current_year"]))
    fam = sum(v for s in charts["families"]["series"] if (v := s["data"][1]) is not None)
    assert fam == len(check_file(str(a)).findings)

    region = client.get("/api/compare/region", params={"region": "某市", "year": str(year)}).json()
    assert len(region["columns"]) == 2 and {c["year"] for c in region["columns"]} == {year}
    assert client.get("/api/compare/region", params={"region": "别处"}).json()["columns"] == []

    page = client.get("/compare/body", params={"organisation": org}).text
    assert 'src="/static/vendor/echarts.min.js"' in page and 'id="chart-three_public"' in page
    assert f"{year - 1}年" in page and "基本支出" in page
    assert "/compare/region" in client.get("/compare/region", params={"region": "某市"}).text
    js = client.get("/static/vendor/echarts.min.js")
    assert js.status_code == 200 and b"echarts" in js.content[:2000]
    assert client.get("/static/vendor/../app.py").status_code == 404
    # any view exported through the existing renderers: the list by its filters, the compare's documents
    xlsx = client.get("/api/report.xlsx", params={"region": "某市"})
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    ids = ",".join(str(c["id"]) for c in body["columns"])
    assert f"/api/report.html?ids={ids}" in page
    html = client.get("/api/report.html", params={"ids": ids}).text
    assert "上年.txt" in html and a.name in html
    assert len(client.get("/api/report.json", params={"region": "某市"}).json()["documents"]) == 3
    assert client.get("/api/report.pdf", params={"ids": ids}).status_code == 404  # text originals: no PDF
    assert client.get("/api/report.xlsx", params={"region": "别处"}).status_code == 404
    spec = client.get("/api/openapi.json").json()
    assert "/api/compare/body" in spec["paths"] and "/api/compare/region" in spec["paths"]


@BOTH
def test_figures_are_computed_from_the_stored_result_when_missing(client, seeds):
    csrf = login(client)
    a = sorted(seeds.glob("*.txt"))[0]
    doc = _upload(client, csrf, [(a.name, a.read_bytes())], region="某县")[0]
    with client.app.state.bl.factory.begin() as session:  # as if stored before figures existed
        session.get(db.Document, doc["id"]).figures = None
    got = client.get("/api/compare/region", params={"region": "某县"}).json()
    assert got["charts"][2]["series"]
    with client.app.state.bl.factory.begin() as session:
        assert session.get(db.Document, doc["id"]).figures["version"] == figures.VERSION
