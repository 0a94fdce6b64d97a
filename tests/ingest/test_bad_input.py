"""Bad input in any format: a clear Chinese IngestError naming the problem, never a traceback."""

from __future__ import annotations

import io
import struct

import docx
import pytest
from hostile_files import xlsx_bytes, zip_bomb, zip_bytes

from budgetlint.ingest import IngestError, load, sniff
from budgetlint.pipeline import check_file

FREE, END, FATSECT = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD


def ole_file(streams: dict[str, bytes]) -> bytes:
    """A minimal OLE compound file (CFB v3) holding these streams (each padded to 4096 bytes)."""
    names = list(streams)
    datas = [streams[n].ljust(4096, b"\0") for n in names]
    fat = [FATSECT, END]  # sector 0: the FAT, sector 1: the directory
    starts = []
    for d in datas:
        n = len(d) // 512
        starts.append(len(fat))
        fat += [len(fat) + k + 1 for k in range(n - 1)] + [END]
    fat += [FREE] * (128 - len(fat))

    def entry(name: str, kind: int, child: int, right: int, start: int, size: int) -> bytes:
        raw = name.encode("utf-16-le") + b"\0\0"
        return (raw.ljust(64, b"\0") + struct.pack("<HBB", len(raw), kind, 1)
                + struct.pack("<III", FREE, right, child) + b"\0" * 36 + struct.pack("<IIi", start, size, 0))

    dirs = entry("Root Entry", 5, 1, FREE, END, 0)
    for i, (n, d) in enumerate(zip(names, datas, strict=True)):
        right = i + 2 if i + 1 < len(names) else FREE
        dirs += entry(n, 2, FREE, right, starts[i], len(d))
    dirs = dirs.ljust(512, b"\0")
    header = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 16 + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6)
              + b"\0" * 6 + struct.pack("<IIIIIIIII", 0, 1, 1, 0, 4096, END, 0, END, 0)
              + struct.pack("<I", 0) + struct.pack("<I", FREE) * 108)
    return header + struct.pack("<128I", *fat) + dirs + b"".join(datas)


CASES = {
    "corrupt zip": (b"PK\x03\x04" + b"\x00" * 200, "损坏或不完整"),
    "truncated xlsx": (xlsx_bytes()[:1500], "损坏或不完整"),
    "plain zip": (zip_bytes({"附件1.pdf": b"%PDF-1.4", "附件2.xls": b"x"}), "普通 ZIP 压缩包.*附件1.pdf"),
    "xlsb": (zip_bytes({"xl/workbook.bin": b"x", "[Content_Types].xml": b"<x/>"}), "XLSB"),
    "pptx": (zip_bytes({"ppt/presentation.xml": b"<x/>"}), "PowerPoint"),
    "ods": (zip_bytes({"mimetype": b"application/vnd.oasis.opendocument.spreadsheet", "content.xml": b"<x/>"}),
            "OpenDocument"),
    "xlsx with broken xml": (zip_bytes({"[Content_Types].xml": b"<x", "xl/workbook.xml": b"<x"}), "XLSX"),
    "docx with broken xml": (zip_bytes({"word/document.xml": b"<w:document"}), "DOCX 正文 XML 有误"),
    "encrypted xlsx": (ole_file({"EncryptionInfo": b"\x04\x00\x04\x00", "EncryptedPackage": b"\x00" * 64}), "加密"),
    "encrypted doc": (ole_file({"WordDocument": b"\xec\xa5\xc1\x00" + b"\x00" * 6 + b"\x00\x01" + b"\x00" * 20}),
                      "DOC 文件已加密"),
    "broken xls": (ole_file({"Workbook": b"\x09\x08\x10\x00garbage"}), "XLS"),
    "ppt": (ole_file({"PowerPoint Document": b"x"}), "PowerPoint"),
    "other ole": (ole_file({"Something": b"x"}), "既不是 XLS 工作簿也不是 DOC"),
    "truncated ole": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "OLE"),
    "empty html": (b"<html><body></body></html>", "没有可读取的正文"),
}


@pytest.mark.parametrize("name", list(CASES))
def test_bad_input_is_a_clear_chinese_error(tmp_path, name):
    data, words = CASES[name]
    p = tmp_path / "bad.bin"
    p.write_bytes(data)
    with pytest.raises(IngestError, match=words):
        load(p)
    result = check_file(str(p))  # and the pipeline records it without a traceback
    assert result.error and "内部错误" not in result.error


def test_office_files_are_sniffed_by_content_not_name(tmp_path):
    p = tmp_path / "really-a-workbook.docx"
    p.write_bytes(xlsx_bytes())
    assert sniff(p.read_bytes()) == "zip"
    assert load(p).format == "xlsx"
    d = docx.Document()
    d.add_paragraph("部门预算")
    q = tmp_path / "report.xls"
    d.save(q)
    assert load(q).format == "docx"


def test_doc_without_libreoffice_says_what_to_install(tmp_path, monkeypatch):
    monkeypatch.setenv("BUDGETLINT_SOFFICE", str(tmp_path / "no-such-soffice"))
    p = tmp_path / "old.doc"
    p.write_bytes(ole_file({"WordDocument": b"\xec\xa5\xc1\x00" + b"\x00" * 28}))
    with pytest.raises(IngestError, match="LibreOffice.*libreoffice-writer-nogui"):
        load(p)


SAMPLE_TEXT = (__import__("pathlib").Path(__file__).resolve().parents[2] / "samples"
               / "shandong-department-budget-2024.txt").read_text("utf-8")


@pytest.mark.parametrize("name,data,note", [
    ("cut.txt", SAMPLE_TEXT.encode("utf-8") + "表".encode()[:2], "1 处字节无法解码"),
    ("stray.txt", SAMPLE_TEXT.encode("utf-8") + b"\xff", "1 处字节无法解码"),
    ("gbk-stray.txt", SAMPLE_TEXT.encode("gb18030") + b"\xff", "GBK/GB18030 读取，其中 1 处"),
    ("le.txt", SAMPLE_TEXT.encode("utf-16-le"), "UTF-16"),
    ("be.txt", SAMPLE_TEXT.encode("utf-16-be"), "UTF-16"),
])
def test_damaged_or_bomless_text_is_read_and_noted(tmp_path, name, data, note):
    """One bad byte does not cost the whole document, and UTF-16 without a BOM is text: the sample
    reads to the same tables as the clean file, with a note saying what happened."""
    clean = tmp_path / "clean.txt"
    clean.write_text(SAMPLE_TEXT, "utf-8")
    p = tmp_path / name
    p.write_bytes(data)
    want, got = check_file(str(clean)), check_file(str(p))
    assert got.error is None, got.error
    assert [t.kind for t in got.document.tables] == [t.kind for t in want.document.tables]
    assert any(note in n for n in got.document.notes), got.document.notes


def test_many_bad_bytes_are_still_refused(tmp_path):
    p = tmp_path / "noise.txt"
    p.write_bytes(("预算" * 50).encode("utf-8") + b"\xff" * 40)  # 0xFF starts no character in either
    assert "编码无法识别" in (check_file(str(p)).error or "")


def _bomb(kind: str, member: str, size: int) -> bytes:
    """A valid-looking XLSX/DOCX whose one member unpacks to ``size`` bytes of one letter."""
    return zip_bomb(xlsx_bytes() if kind == "xlsx" else _docx_bytes(), member, size)


def _docx_bytes() -> bytes:
    buf = io.BytesIO()
    d = docx.Document()
    d.add_paragraph("2024年某局部门预算")
    d.save(buf)
    return buf.getvalue()


@pytest.mark.parametrize("kind,member", [("xlsx", "xl/media/pad.bin"), ("docx", "word/media/pad.bin")])
def test_zip_bombs_are_refused_before_parsing(tmp_path, kind, member):
    """A small file that unpacks to tens of MB of one byte is refused by its archive directory, in
    milliseconds, with the reason; a good file in the same run is still checked."""
    bomb = tmp_path / f"bomb.{kind}"
    bomb.write_bytes(_bomb(kind, member, 40 * 2**20))
    assert bomb.stat().st_size < 200_000
    r = check_file(str(bomb))
    assert r.error is not None and "压缩炸弹" in r.error


def test_pages_that_could_not_be_read_explain_an_empty_result(tmp_path, monkeypatch):
    """A PDF whose every page is garbled (fonts without a Unicode map) is not "not a disclosure":
    the message says the pages could not be read."""
    import budgetlint.pipeline as pipeline
    from budgetlint.ingest.base import Source

    notes = [f"第 {i} 页的文字无法正确识别（字体缺少 Unicode 映射，提取出的是乱码），本页未读取，请人工核对"
             for i in (1, 2, 3)]
    monkeypatch.setattr(pipeline, "load", lambda path: Source(path=str(path), format="pdf", notes=list(notes)))
    r = check_file(str(tmp_path / "garbled.pdf"))
    assert r.error is not None and "3 页的文字无法读取" in r.error and "不像是预决算" not in r.error
    assert r.coverage.status.value == "unreadable"
