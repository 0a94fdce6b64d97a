"""Which Office format a container holds: a ZIP by its members, an OLE file by its streams.

``sniff`` only says "zip" or "ole". A ZIP is XLSX when it has ``xl/workbook.xml`` and DOCX
when it has ``word/document.xml``; an OLE compound file is XLS with a ``Workbook`` (or
``Book``) stream, DOC with ``WordDocument``, and an encrypted XLSX/DOCX when it holds an
``EncryptedPackage``. Anything else gets a Chinese error naming what it is.
"""

from __future__ import annotations

import io
import zipfile

from budgetlint import limits
from budgetlint.ingest.base import IngestError, Source

_ATTACHMENT_EXT = (".pdf", ".xls", ".xlsx", ".doc", ".docx", ".wps", ".et", ".txt", ".html", ".htm")


def zip_kind(names: list[str]) -> str:
    """xlsx | docx | xlsb | pptx | odf | zip."""
    low = {n.lower() for n in names}
    if any(n.startswith("xl/") and n.endswith("workbook.xml") for n in low):
        return "xlsx"
    if any(n.startswith("word/") and n.endswith(("document.xml", "document2.xml")) for n in low):
        return "docx"
    if "xl/workbook.bin" in low:
        return "xlsb"
    if any(n.startswith("ppt/") for n in low):
        return "pptx"
    if "mimetype" in low and "content.xml" in low:
        return "odf"
    return "zip"


# A real disclosure workbook or document unpacks to a few MB; these stop a small file that unpacks
# to gigabytes (a zip bomb) before a parser tries.
# The unpacked size and member count are limits (budgetlint/limits.py: unpacked-mb, members).
MAX_RATIO = 200  # unpacked ÷ packed size of one member (XML compresses ~10-30×)


def _refuse_bomb(infos: list[zipfile.ZipInfo], kind: str) -> None:
    what = kind.upper()
    total = sum(i.file_size for i in infos)
    lim = limits.active()
    if len(infos) > lim.members:
        raise IngestError(f"{what} 文件含 {len(infos)} 个内部文件，超过上限 {lim.members}（配置文件 [limits] members），"
                          "不像正常文档，未读取")
    if total > lim.unpacked_mb * 2**20:
        raise IngestError(f"{what} 文件解压后达 {total // 2**20} MB，超过上限 {lim.unpacked_mb} MB"
                          "（可能是压缩炸弹；配置文件 [limits] unpacked-mb），未读取")
    worst = max(infos, key=lambda i: i.file_size / max(i.compress_size, 1), default=None)
    if worst is not None and worst.file_size > 10 * 2**20 and worst.file_size / max(worst.compress_size, 1) > MAX_RATIO:
        raise IngestError(f"{what} 文件中的 {worst.filename} 压缩比异常（{worst.file_size // 2**20} MB 压缩为 "
                          f"{worst.compress_size // 1024} KB，可能是压缩炸弹），未读取")


def read_zip(data: bytes, path: str) -> Source:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            names = z.namelist()
            infos = z.infolist()
    except zipfile.BadZipFile as e:
        raise IngestError("文件是 ZIP 格式（XLSX/DOCX 也是）但已损坏或不完整（可能没有下载完整），无法打开") from e
    except Exception as e:  # noqa: BLE001 - a truncated or hostile archive: never a traceback
        raise IngestError(f"ZIP 文件结构有误，无法打开（{type(e).__name__}）") from e
    kind = zip_kind(names)
    if kind in ("xlsx", "docx"):
        _refuse_bomb(infos, kind)
    if kind == "xlsx":
        from budgetlint.ingest.xlsx import read_xlsx

        return read_xlsx(data, path)
    if kind == "docx":
        from budgetlint.ingest.docx import read_docx

        return read_docx(data, path)
    if kind == "xlsb":
        raise IngestError("这是 XLSB（Excel 二进制工作簿）文件，暂不支持；请在 Excel 中另存为 XLSX 后再检查")
    if kind == "pptx":
        raise IngestError("这是 PowerPoint 演示文稿（PPTX），不是支持的预决算公开文档格式")
    if kind == "odf":
        raise IngestError("这是 OpenDocument（ODS/ODT）文件，暂不支持；请另存为 XLSX 或 DOCX 后再检查")
    inner = [n.rsplit("/", 1)[-1] for n in names if n.lower().endswith(_ATTACHMENT_EXT)]
    listed = "、".join(inner[:8]) + ("等" if len(inner) > 8 else "")
    hint = f"（其中有：{listed}）" if inner else ""
    raise IngestError(f"这是一个普通 ZIP 压缩包，不是 XLSX 或 DOCX 文档：请先解压，再分别检查其中的文件{hint}")


def _compdoc(data: bytes):
    from xlrd.compdoc import CompDoc

    return CompDoc(data, logfile=io.StringIO())


def ole_streams(data: bytes) -> set[str]:
    """Names of the streams and storages of an OLE compound file (lower case)."""
    try:
        return {d.name.lower() for d in _compdoc(data).dirlist if d.name}
    except Exception:  # noqa: BLE001 - a damaged directory: fall back to the names' bytes
        found = set()
        for name in ("Workbook", "Book", "WordDocument", "EncryptedPackage", "EncryptionInfo",
                     "PowerPoint Document"):
            if name.encode("utf-16-le") + b"\x00\x00" in data:
                found.add(name.lower())
        return found


def _doc_encrypted(data: bytes) -> bool:
    """The fEncrypted flag of a Word binary file's FIB (bit 8 of the flags at offset 0x0A)."""
    try:
        fib = _compdoc(data).get_named_stream("WordDocument") or b""
    except Exception:  # noqa: BLE001 - unreadable: let the conversion report it
        return False
    return len(fib) >= 12 and fib[:2] == b"\xec\xa5" and bool(int.from_bytes(fib[10:12], "little") & 0x0100)


def read_ole(data: bytes, path: str) -> Source:
    streams = ole_streams(data)
    if "encryptedpackage" in streams or "encryptioninfo" in streams:
        raise IngestError("文件已加密（设置了打开密码的 XLSX/DOCX），无法读取；请提供未加密的文件")
    if "workbook" in streams or "book" in streams:
        from budgetlint.ingest.xls import read_xls

        return read_xls(data, path)
    if "worddocument" in streams:
        if _doc_encrypted(data):
            raise IngestError("DOC 文件已加密（设置了打开密码），无法读取；请提供未加密的文件")
        from budgetlint.ingest.doc import read_doc

        return read_doc(data, path)
    if "powerpoint document" in streams:
        raise IngestError("这是 PowerPoint 演示文稿（PPT），不是支持的预决算公开文档格式")
    if not streams:
        raise IngestError("文件是旧版 Office（OLE）格式但已损坏，无法读取其中的内容")
    raise IngestError("文件是 OLE 复合文档，但既不是 XLS 工作簿也不是 DOC 文档，无法读取")
