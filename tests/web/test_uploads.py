"""Uploads are validated by their bytes, size-limited, stored under generated names; a zip of a
folder is unpacked with no path outside it, no links, bounded sizes."""

from __future__ import annotations

import io
import stat
import zipfile

import pytest
from web_support import login


def _zip(members: dict[str, bytes], link: str | None = None) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, body in members.items():
            z.writestr(name, body)
        if link:
            info = zipfile.ZipInfo(link)
            info.external_attr = (stat.S_IFLNK | 0o777) << 16
            z.writestr(info, "/etc/passwd")
    return buf.getvalue()


@pytest.fixture
def quiet(make_client):
    """A client whose server runs no jobs (uploads are only recorded), 1 MB per file."""
    c = make_client(run_jobs=False, max_upload_mb=1)
    return c, login(c)


def _post(client, csrf, files):
    return client.post("/api/uploads", files=[("files", f) for f in files], headers={"X-CSRF-Token": csrf})


def _stored(client) -> list[str]:
    folder = client.app.state.bl.settings.data / "originals"
    return sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []


@pytest.mark.parametrize("bad", ["../evil.txt", "某区/../../evil.txt", "/etc/evil.txt", "C:/evil.txt"])
def test_zip_with_a_path_outside_its_folder_is_refused_whole(quiet, seeds, bad):
    client, csrf = quiet
    body = (seeds / sorted(p.name for p in seeds.glob("*.txt"))[0]).read_bytes()
    r = _post(client, csrf, [("区.zip", _zip({"某区/a.txt": body, bad: body}))])
    assert r.status_code == 400 and "压缩包之外" in r.json()["errors"][0]
    assert _stored(client) == [] and client.get("/api/documents").json() == []


def test_zip_with_a_link_is_refused(quiet, seeds):
    client, csrf = quiet
    body = sorted(seeds.glob("*.txt"))[0].read_bytes()
    r = _post(client, csrf, [("区.zip", _zip({"某区/a.txt": body}, link="某区/b.txt"))])
    assert r.status_code == 400 and "符号链接" in r.json()["errors"][0]
    assert _stored(client) == []


def test_oversize_files_are_refused(quiet, seeds):
    client, csrf = quiet
    big = "2024年部门预算\n".encode() + b"0" * (2 * 2**20)
    r = _post(client, csrf, [("大.txt", big)])
    assert r.status_code == 413 and "上限" in r.json()["detail"]
    r = _post(client, csrf, [("区.zip", _zip({"某区/大.txt": big}))])  # small packed, big unpacked
    assert r.status_code == 400 and "上限" in r.json()["errors"][0]
    assert _stored(client) == []


def test_files_that_are_not_documents_are_refused(quiet):
    client, csrf = quiet
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 64
    r = _post(client, csrf, [("图.pdf", png), ("空.txt", b"")])
    assert r.status_code == 400
    assert any("不是支持的文档格式" in e for e in r.json()["errors"]) and any("为空" in e for e in r.json()["errors"])


def test_zip_of_a_folder_gives_one_job_per_document(quiet, seeds):
    client, csrf = quiet
    a, b = sorted(seeds.glob("*.txt"))[:2]
    r = _post(client, csrf, [("上传.zip", _zip({"某区/局一.txt": a.read_bytes(), "某区/子目录/局二.txt": b.read_bytes(),
                                               "某区/照片.png": b"\x89PNG", "__MACOSX/某区/._局一.txt": b"x"}))])
    assert r.status_code == 201
    out = r.json()
    assert sorted(d["name"] for d in out["documents"]) == ["某区/子目录/局二.txt", "某区/局一.txt"]
    assert {d["region"] for d in out["documents"]} == {"某区"} and {d["state"] for d in out["documents"]} == {"queued"}
    assert any("照片.png" in s for s in out["skipped"])
    stored = _stored(client)
    assert len(stored) == 2 and all(len(n.split(".")[0]) == 32 and "局" not in n for n in stored)


def test_uploaded_names_never_become_paths(quiet, seeds):
    client, csrf = quiet
    a = sorted(seeds.glob("*.txt"))[0]
    r = _post(client, csrf, [("../../etc/passwd", a.read_bytes())])
    assert r.status_code == 201 and r.json()["documents"][0]["name"] == "passwd"
    assert len(_stored(client)) == 1
