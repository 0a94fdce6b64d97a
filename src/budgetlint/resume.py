"""Resumable batches: each document's result cached on disk as soon as it is checked.

A second ``check`` over the same files skips every document already checked with the same code
and settings, and a batch killed half-way finishes only what was left. A result is keyed by

- the content hash of the file's bytes (of both files of a "说明+报表" pair), not its name or time;
- the budgetlint version and a digest of its own source and data files (a changed rule, template
  or catalog is a different checker);
- the rules selected, the severity overrides and the template asked for.

Results are pickled ``Result``s (document included, so that cross-document checks and every report
work from a cached result), one file each, written atomically. Only results without an error are
kept: a file that could not be read, or was stopped at a limit, is tried again next time.

Where: ``check --cache DIR``; else ``$BUDGETLINT_CACHE``; else ``$BUDGETLINT_HOME/cache``; else
``~/.cache/budgetlint``. ``--no-cache`` (or ``BUDGETLINT_CACHE=off``) neither reads nor writes.
The cache holds pickles: point it only at a folder you own.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
from collections.abc import Callable
from functools import cache
from pathlib import Path

from budgetlint import __version__
from budgetlint.pipeline import Result

FORMAT = 1  # bump when the stored record changes shape


def default_dir() -> Path | None:
    env = os.environ.get("BUDGETLINT_CACHE")
    if env:
        return None if env.lower() in ("off", "0", "no") else Path(env)
    home = os.environ.get("BUDGETLINT_HOME")
    if home:
        return Path(home) / "cache"
    return Path.home() / ".cache" / "budgetlint"


@cache
def code_digest() -> str:
    """The checker's identity: its version and the bytes of its source and data files."""
    root = Path(__file__).resolve().parent
    h = hashlib.sha256(f"{__version__}|{FORMAT}".encode())
    for p in sorted(root.rglob("*")):
        if p.suffix in (".py", ".c", ".toml", ".csv", ".json") and "__pycache__" not in p.parts:
            h.update(str(p.relative_to(root)).encode())
            h.update(p.read_bytes())
    return h.hexdigest()


def file_digest(path: str) -> str | None:
    h = hashlib.sha256()
    parts = path.split("+") if not Path(path).exists() else [path]
    if not all(Path(p).is_file() for p in parts):
        return None  # a pipe, a device, a folder: never opened here (reading a FIFO would block)
    try:
        for part in parts:
            with open(part, "rb") as fh:
                for block in iter(lambda: fh.read(1 << 20), b""):
                    h.update(block)
            h.update(b"\0")
    except OSError:
        return None
    return h.hexdigest()


class Cache:
    def __init__(self, folder: Path, rule_ids: list[str], overrides: dict[str, str] | None = None,
                 template: str | None = None) -> None:
        self.folder = folder
        settings = "|".join([code_digest(), ",".join(sorted(rule_ids)),
                             ",".join(f"{k}={v}" for k, v in sorted((overrides or {}).items())), template or ""])
        self.settings = hashlib.sha256(settings.encode()).hexdigest()
        self.hits = 0

    def _file(self, path: str) -> Path | None:
        digest = file_digest(path)
        if digest is None:
            return None
        key = hashlib.sha256(f"{self.settings}|{digest}".encode()).hexdigest()
        return self.folder / key[:2] / f"{key}.pickle"

    def load(self, path: str) -> Result | None:
        f = self._file(path)
        if f is None or not f.is_file():
            return None
        try:
            with f.open("rb") as fh:
                res = pickle.load(fh)
        except Exception:  # a truncated or foreign file: check the document again
            return None
        if not isinstance(res, Result):
            return None
        res.path = path  # the same bytes may be named differently this time
        if res.document is not None:
            res.document.path = path
        self.hits += 1
        return res

    def store(self, res: Result) -> None:
        if res.error is not None:
            return
        f = self._file(res.path)
        if f is None:
            return
        try:
            f.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=f.parent, suffix=".tmp")
            with os.fdopen(fd, "wb") as fh:
                pickle.dump(res, fh, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, f)  # atomic: a killed run never leaves half a record
        except OSError:
            pass  # a cache that cannot be written costs time, never results

    def split(self, paths: list[str]) -> tuple[dict[str, Result], list[str]]:
        """(results already cached by path, paths still to check)."""
        done: dict[str, Result] = {}
        todo: list[str] = []
        for p in paths:
            res = self.load(p) if p not in done else None
            if res is not None:
                done[p] = res
            elif p not in done:
                todo.append(p)
        return done, todo

    def storing(self, on_result: Callable[[Result], None]) -> Callable[[Result], None]:
        """``on_result`` that first writes the result (before any filtering of its findings)."""
        def both(res: Result) -> None:
            self.store(res)
            on_result(res)

        return both


def merge(paths: list[str], cached: dict[str, Result], fresh: list[Result]) -> list[Result]:
    """Results in the order of ``paths``: cached ones and those checked now (an interrupted run
    has no result for some paths: they are left out)."""
    by_path: dict[str, list[Result]] = {}
    for r in fresh:
        by_path.setdefault(r.path, []).append(r)
    out = []
    for p in paths:
        if p in cached:
            out.append(cached[p])
        elif by_path.get(p):
            out.append(by_path[p].pop(0))
    return out
