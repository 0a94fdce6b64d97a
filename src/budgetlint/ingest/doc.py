"""DOC (Word 97–2003) → DOCX with LibreOffice headless, then the DOCX reader.

``soffice --headless --convert-to docx`` runs with its own user profile (one per budgetlint
process, so parallel runs never share or lock one) and a time limit. Without LibreOffice a DOC
gives a clear error saying what to install (Debian: ``libreoffice-writer-nogui``).
"""

from __future__ import annotations

import atexit
import os
import shutil
import signal
import subprocess
import tempfile
import threading
from pathlib import Path

from budgetlint.ingest.base import IngestError, Source

TIMEOUT_S = 120
_lock = threading.Lock()
_profile: str | None = None


def soffice() -> str | None:
    """The LibreOffice executable, or None. ``BUDGETLINT_SOFFICE`` overrides the search."""
    env = os.environ.get("BUDGETLINT_SOFFICE")
    if env:
        return env if shutil.which(env) or Path(env).is_file() else None
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    for path in ("/usr/lib/libreoffice/program/soffice", "/opt/libreoffice/program/soffice",
                 "/Applications/LibreOffice.app/Contents/MacOS/soffice"):
        if Path(path).is_file():
            return path
    return None


def _profile_dir() -> str:
    global _profile
    if _profile is None:
        _profile = tempfile.mkdtemp(prefix=f"budgetlint-lo-{os.getpid()}-")
        atexit.register(shutil.rmtree, _profile, True)
    return _profile


def convert(data: bytes, suffix: str, target: str = "docx", timeout: int = TIMEOUT_S) -> bytes:
    """Convert a document with LibreOffice; returns the converted file's bytes."""
    exe = soffice()
    if exe is None:
        raise IngestError(
            "读取 DOC 文件需要 LibreOffice，但本机没有找到 soffice；"
            "请安装 LibreOffice（Debian/Ubuntu：apt-get install libreoffice-writer-nogui），"
            "或将文件另存为 DOCX 后再检查"
        )
    with _lock, tempfile.TemporaryDirectory(prefix="budgetlint-conv-") as work:
        src = Path(work) / f"input{suffix}"
        src.write_bytes(data)
        out_dir = Path(work) / "out"
        out_dir.mkdir()
        cmd = [exe, "--headless", "--norestore", "--nologo", "--nodefault", "--nolockcheck",
               f"-env:UserInstallation=file://{_profile_dir()}",
               "--convert-to", target, "--outdir", str(out_dir), str(src)]
        env = dict(os.environ, HOME=work)
        try:
            proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
                                    start_new_session=True)
        except OSError as e:
            raise IngestError(f"无法启动 LibreOffice（{e.strerror}）") from e
        try:
            _out, err = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired as e:
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except OSError:
                pass
            proc.communicate()
            raise IngestError(f"LibreOffice 转换 DOC 超时（超过 {timeout} 秒），文件可能已损坏或过大") from e
        produced = out_dir / f"input.{target}"
        if proc.returncode != 0 or not produced.is_file():
            detail = err.decode("utf-8", "replace").strip().splitlines()[-1:] if err else []
            raise IngestError("LibreOffice 无法转换该 DOC 文件，文件可能已损坏或加密"
                              + (f"（{detail[0][:100]}）" if detail else ""))
        return produced.read_bytes()


def read_doc(data: bytes, path: str) -> Source:
    from budgetlint.ingest.docx import read_docx

    converted = convert(data, ".doc")
    source = read_docx(converted, path, fmt="doc")
    source.notes.insert(0, "DOC 文件已用 LibreOffice 转换为 DOCX 后读取")
    return source
