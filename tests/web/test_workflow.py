"""Upload → jobs finish → findings listed → triage → a new version keeps the triage; reports,
page images, the baseline file in and out."""

from __future__ import annotations

import io
import json
import re

import pytest
from PIL import Image
from web_support import BOTH, csrf_of, login, wait_batch

from budgetlint import baseline
from budgetlint.pipeline import check_file


def _upload(client, files: list[tuple[str, bytes]], csrf: str, region: str = "") -> str:
    r = client.post("/upload", files=[("files", (n, b)) for n, b in files], data={"csrf": csrf, "region": region})
    assert r.status_code == 303, r.text
    return r.headers["location"].rsplit("/", 1)[-1]


@BOTH
def test_upload_check_dismiss_and_carry_over_to_a_new_version(client, seeds, tmp_path):
    csrf = login(client)
    a, b = sorted(seeds.glob("*.txt"))[:2]
    batch = _upload(client, [(a.name, a.read_bytes()), (b.name, b.read_bytes())], csrf, region="某市")
    assert client.get(f"/batches/{batch}").status_code == 200
    done = wait_batch(client, batch)
    assert [d["state"] for d in done["documents"]] == ["done", "done"]
    first = done["documents"][0]
    assert first["region"] == "某市" and first["organisation"] and first["year"]

    # ranked list: the one with more errors first, as the batch report ranks them
    listed = client.get("/api/documents").json()
    assert [d["errors"] for d in listed] == sorted((d["errors"] for d in listed), reverse=True)
    assert client.get("/api/documents", params={"region": "别处"}).json() == []
    assert len(client.get("/api/documents", params={"year": str(first["year"])}).json()) >= 1

    findings = client.get(f"/api/documents/{first['id']}/findings").json()
    expected = check_file(str(a)).findings
    assert sorted(f["fingerprint"] for f in findings) == sorted(f.fingerprint for f in expected)
    page = client.get(f"/documents/{first['id']}").text
    assert findings[0]["rule"] in page and findings[0]["title"] and findings[0]["title"] in page  # the rule's Chinese title

    # dismiss one finding with a comment through the page's form
    target = findings[0]
    r = client.post(f"/documents/{first['id']}/findings/{target['seq']}/triage",
                    data={"csrf": csrf, "state": "dismissed", "comment": "口径不同，已核对"})
    assert r.status_code == 303
    judged = {f["fingerprint"]: f["triage"] for f in client.get(f"/api/documents/{first['id']}/findings").json()}
    assert judged[target["fingerprint"]]["state"] == "dismissed"
    assert judged[target["fingerprint"]]["by"] == "审阅员甲"
    events = client.get("/api/audit").json()
    assert any(e["action"] == "triage.set" and e["user"] == "审阅员甲" and e["detail"]["comment"] == "口径不同，已核对"
               for e in events)

    # a re-typeset version of the same document (lines shifted, another file name)
    text = a.read_text("utf-8")
    changed = "\n\n" + text.replace("\n", "\n\n", 3)
    batch2 = _upload(client, [("修订版.txt", changed.encode("utf-8"))], csrf)
    second = wait_batch(client, batch2)["documents"][0]
    assert second["state"] == "done" and second["id"] != first["id"]
    again = {f["fingerprint"]: f for f in client.get(f"/api/documents/{second['id']}/findings").json()}
    assert again[target["fingerprint"]]["triage"]["state"] == "dismissed"
    assert again[target["fingerprint"]]["triage"]["comment"] == "口径不同，已核对"
    assert "不是问题" in client.get(f"/documents/{second['id']}").text
    # the list shows the newest version of each document once
    assert second["id"] in [d["id"] for d in client.get("/api/documents").json()]
    assert first["id"] not in [d["id"] for d in client.get("/api/documents").json()]

    # the baseline file the CLI reads
    exported = client.get("/api/baseline").content
    path = tmp_path / "baseline.json"
    path.write_bytes(exported)
    entries = baseline.load(path)
    assert [(e.fingerprint, e.state, e.reason) for e in entries] == [(target["fingerprint"], "dismissed", "口径不同，已核对")]
    result = check_file(str(a))
    assert baseline.apply([result], entries) == 1

    # reports through the existing renderers
    rep = client.get(f"/api/documents/{first['id']}/report.json")
    assert rep.status_code == 200 and rep.json()["documents"][0]["findings"]
    assert "<html" in client.get(f"/api/documents/{first['id']}/report.html").text[:200].lower()
    xlsx = client.get(f"/api/documents/{first['id']}/report.xlsx")
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    assert client.get(f"/api/documents/{first['id']}/report.pdf").status_code == 404  # a text original


def test_baseline_import_sets_triage(client, seeds):
    csrf = login(client)
    a = sorted(seeds.glob("*.txt"))[0]
    doc = wait_batch(client, _upload(client, [(a.name, a.read_bytes())], csrf))["documents"][0]
    f = client.get(f"/api/documents/{doc['id']}/findings").json()[0]
    data = {"version": 1, "entries": [{"document": _key(client, doc["id"]), "fingerprint": f["fingerprint"],
                                       "state": "confirmed", "reason": "已通知单位", "by": "张三"}]}
    r = client.post("/api/baseline", files={"file": ("b.json", json.dumps(data).encode())},
                    headers={"X-CSRF-Token": csrf})
    assert r.status_code == 200 and r.json() == {"imported": 1}
    got = {x["fingerprint"]: x["triage"] for x in client.get(f"/api/documents/{doc['id']}/findings").json()}
    assert got[f["fingerprint"]]["state"] == "confirmed" and got[f["fingerprint"]]["by"] == "张三"
    bad = client.post("/api/baseline", files={"file": ("b.json", b"{}")}, headers={"X-CSRF-Token": csrf})
    assert bad.status_code == 400 and "基线" in bad.json()["detail"]


def _key(client, doc_id: int) -> str:
    from budgetlint.web import db

    with client.app.state.bl.factory.begin() as session:
        return session.get(db.Document, doc_id).doc_key


def test_pdf_finding_has_its_page_image_with_the_value_boxed(client, tmp_path):
    rc = pytest.importorskip("reportlab.pdfgen.canvas")
    from report.conftest import draw_table

    from budgetlint.report.page_images import COLOURS

    pdf = tmp_path / "one-table.pdf"
    c = rc.Canvas(str(pdf), pagesize=(595, 842))
    draw_table(c, 842)
    c.showPage()
    c.save()
    csrf = login(client)
    doc = wait_batch(client, _upload(client, [("某局.pdf", pdf.read_bytes())], csrf))["documents"][0]
    assert doc["state"] == "done" and doc["format"] == "pdf"
    findings = client.get(f"/api/documents/{doc['id']}/findings").json()
    bl101 = next(f for f in findings if f["rule"] == "BL101")
    page = client.get(f"/documents/{doc['id']}").text
    assert f'data-img="/api/documents/{doc["id"]}/findings/{bl101["seq"]}/image"' in page
    # the recovered table beside it, the offending cell highlighted and linked to its finding
    cell = re.search(r'<td class="num hl hl-error" id="(d1-t\d+-r\d+-c\d+)"[^>]*>[^<]*<sup class="refs">'
                     r'<a href="#d1-f(\d+)"', page)
    assert cell and int(cell.group(2)) == bl101["seq"] + 1, "no highlighted cell"
    assert f'id="d1-f{bl101["seq"] + 1}"' in page and f'href="#{cell.group(1)}">在表中查看' in page
    r = client.get(f"/api/documents/{doc['id']}/findings/{bl101['seq']}/image")
    assert r.status_code == 200 and r.headers["content-type"] == "image/png"
    img = Image.open(io.BytesIO(r.content)).convert("RGB")
    assert any(colour == COLOURS["error"] for _, colour in img.getcolors(1 << 24))
    # a finding without a place on a page has no picture
    unplaced = [f for f in findings if not f["page"]]
    for f in unplaced:
        assert client.get(f"/api/documents/{doc['id']}/findings/{f['seq']}/image").status_code == 404
    assert csrf_of(page)
    annotated = client.get(f"/api/documents/{doc['id']}/report.pdf")
    assert annotated.status_code == 200 and annotated.content.startswith(b"%PDF") and b"/Annot" in annotated.content
