"""Uploads: validated by their bytes (``budgetlint.ingest.sniff``), size-limited, stored under
generated names; a zip of a folder is unpacked member by member with the same care as a zip bomb
in ``ingest/office.py`` (no path outside the folder, no links, bounded count, size and ratio)."""

from __future__ import annotations

import hashlib
import io
import stat
import uuid
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from budgetlint import limits
from budgetlint.ingest import sniff
from budgetlint.ingest.office import MAX_RATIO, zip_kind

# documents a zip of a folder may hold; other members (images, notes) are skipped and named
DOC_SUFFIXES = (".pdf", ".xls", ".xlsx", ".doc", ".docx", ".html", ".htm", ".txt", ".md")
_OLE_SUFFIXES = (".xls", ".doc")
MAX_MEMBERS = 500  # documents in one zip (a region's year is a few hundred)


class UploadError(Exception):
    """An upload is refused (a Chinese reason naming the file)."""


@dataclass(slots=True)
class Stored:
    original_name: str
    stored_name: str
    size: int
    sha256: str
    format: str


@dataclass(slots=True)
class Unpacked:
    """What one uploaded file gave: documents to check, members skipped, the zip's folder."""

    files: list[Stored]
    skipped: list[str]
    folder: str = ""


def _extension(fmt: str, name: str, data: bytes) -> str:
    if fmt == "zip":
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            return "." + zip_kind(z.namelist())
    if fmt == "ole":
        suffix = PurePosixPath(name).suffix.lower()
        return suffix if suffix in _OLE_SUFFIXES else ".ole"
    return {"pdf": ".pdf", "html": ".html"}.get(fmt, ".txt")


def _document_format(name: str, data: bytes) -> str:
    """The format a document's bytes show, or UploadError: binary files that are not one of the
    formats budgetlint reads are refused before they take a worker's time."""
    if not data:
        raise UploadError(f"{name}：文件为空")
    fmt = sniff(data)
    if fmt == "text" and b"\x00" in data[:8192] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise UploadError(f"{name}：不是支持的文档格式（PDF、Excel、Word、网页或文本）")
    if fmt == "zip":
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as z:
                kind = zip_kind(z.namelist())
        except zipfile.BadZipFile as e:
            raise UploadError(f"{name}：ZIP 文件已损坏或不完整") from e
        if kind not in ("xlsx", "docx", "zip"):
            raise UploadError(f"{name}：{kind.upper()} 文件不是支持的文档格式")
        return kind
    return fmt


def store(data: bytes, name: str, originals: Path) -> Stored:
    fmt = _document_format(name, data)
    stored_name = uuid.uuid4().hex + _extension(sniff(data), name, data)
    originals.mkdir(parents=True, exist_ok=True)
    (originals / stored_name).write_bytes(data)
    return Stored(name, stored_name, len(data), hashlib.sha256(data).hexdigest(), fmt)


def _safe_member(info: zipfile.ZipInfo) -> PurePosixPath:
    raw = info.filename.replace("\\", "/")
    path = PurePosixPath(raw)
    if raw.startswith("/") or (len(raw) > 1 and raw[1] == ":") or ".." in path.parts:
        raise UploadError(f"压缩包中的 {info.filename} 指向压缩包之外，已拒绝整个压缩包")
    if stat.S_ISLNK(info.external_attr >> 16):
        raise UploadError(f"压缩包中的 {info.filename} 是符号链接，已拒绝整个压缩包")
    return path


def _member_name(info: zipfile.ZipInfo) -> str:
    if info.flag_bits & 0x800:
        return info.filename
    try:  # zips made on Chinese Windows store names in GBK without the UTF-8 flag
        return info.filename.encode("cp437").decode("gbk")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return info.filename


def unpack_zip(data: bytes, name: str, originals: Path, max_file: int) -> Unpacked:
    """Each document of a zip of a folder, stored; raises UploadError for a hostile archive."""
    try:
        z = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as e:
        raise UploadError(f"{name}：ZIP 文件已损坏或不完整") from e
    with z:
        infos = [i for i in z.infolist() if not i.is_dir()]
        for i in infos:
            _safe_member(i)
        lim = limits.active()
        if len(infos) > lim.members:
            raise UploadError(f"{name}：压缩包含 {len(infos)} 个文件，超过上限 {lim.members}")
        total = sum(i.file_size for i in infos)
        if total > lim.unpacked_mb * 2**20:
            raise UploadError(f"{name}：压缩包解压后达 {total // 2**20} MB，超过上限 {lim.unpacked_mb} MB")
        names = {i.filename: PurePosixPath(_member_name(i).replace("\\", "/")) for i in infos}
        wanted = [i for i in infos if names[i.filename].suffix.lower() in DOC_SUFFIXES
                  and not any(p.startswith((".", "__MACOSX")) for p in names[i.filename].parts)]
        if len(wanted) > MAX_MEMBERS:
            raise UploadError(f"{name}：压缩包含 {len(wanted)} 个文档，超过一次上传的上限 {MAX_MEMBERS}")
        skipped = [str(names[i.filename]) for i in infos if i not in wanted]
        files: list[Stored] = []
        for i in wanted:
            shown = str(names[i.filename])
            if i.file_size > max_file:
                raise UploadError(f"{name}：其中的 {shown} 达 {i.file_size // 2**20} MB，超过单个文件上限 "
                                  f"{max_file // 2**20} MB")
            if i.file_size > 10 * 2**20 and i.file_size / max(i.compress_size, 1) > MAX_RATIO:
                raise UploadError(f"{name}：其中的 {shown} 压缩比异常（可能是压缩炸弹），已拒绝")
            with z.open(i) as fh:
                body = fh.read(max_file + 1)  # never trust the header's size alone
            if len(body) > max_file:
                raise UploadError(f"{name}：其中的 {shown} 超过单个文件上限 {max_file // 2**20} MB")
            try:
                files.append(store(body, shown, originals))
            except UploadError as e:
                skipped.append(f"{shown}（{e}）")
        tops = {names[i.filename].parts[0] for i in wanted if len(names[i.filename].parts) > 1}
        folder = tops.pop() if len(tops) == 1 and all(len(names[i.filename].parts) > 1 for i in wanted) else ""
        return Unpacked(files, skipped, folder)


def accept(data: bytes, name: str, originals: Path, max_file: int) -> Unpacked:
    """One uploaded file: a document, or a zip of a folder of documents."""
    if len(data) > max_file:
        raise UploadError(f"{name}：文件超过上限 {max_file // 2**20} MB")
    if _document_format(name, data) != "zip":
        return Unpacked([store(data, name, originals)], [])
    before = set(originals.iterdir()) if originals.is_dir() else set()
    try:
        return unpack_zip(data, name, originals, max_file)
    except UploadError:
        # a zip refused half-way keeps nothing it had stored
        for p in set(originals.iterdir()) - before if originals.is_dir() else ():
            p.unlink(missing_ok=True)
        raise
