"""Checking many documents: worker processes, limits per document, results as each finishes.

``check -j N`` (and any ``--timeout`` / ``--max-memory``) runs here instead of in the CLI's own
process. Each worker is a fresh interpreter (spawn: PDFium and the OCR runtime are not fork-safe)
that checks one document at a time. The parent hands out documents, collects each ``Result`` as it
finishes, and watches the workers: a document that runs past its time, or whose worker's memory
grows past the limit, is stopped (its worker killed and replaced) and reported as such — every
other document keeps its result. One pathological file never stops or hangs a batch.
"""

from __future__ import annotations

import multiprocessing
import os
import pickle
import queue
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from budgetlint import coverage
from budgetlint.limits import Limits, active, set_active
from budgetlint.pipeline import Result

POLL = 0.2  # seconds between looks at the workers


class Interrupted(KeyboardInterrupt):
    """Ctrl-C during a batch, with the results of the documents already finished."""

    def __init__(self, results: list[Result]) -> None:
        super().__init__()
        self.results = results


def _rss_mb(pid: int) -> float | None:
    """Resident memory of a process in MB (Linux /proc), or None where it cannot be read."""
    try:
        with open(f"/proc/{pid}/statm", encoding="ascii") as fh:
            pages = int(fh.read().split()[1])
    except (OSError, ValueError, IndexError):
        return None
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def _work(tasks, results, rule_ids: list[str] | None, overrides: dict[str, str] | None,
          template: str | None = None, lim: Limits | None = None) -> None:
    from budgetlint.pipeline import check_file
    from budgetlint.rules.registry import REGISTRY, all_rules

    set_active(lim or Limits())  # a spawned worker starts with the defaults
    all_rules()
    rules = [REGISTRY[r] for r in rule_ids] if rule_ids is not None else None
    while True:
        item = tasks.get()
        if item is None:
            return
        index, path = item
        results.put(("start", index, os.getpid()))
        results.put(("done", index, check_file(path, rules, overrides, template)))


class _Worker:
    def __init__(self, ctx, tasks, results, rule_ids, overrides, template=None, lim=None) -> None:
        self.process = ctx.Process(target=_work, args=(tasks, results, rule_ids, overrides, template, lim),
                                   daemon=True)
        self.process.start()
        self.index: int | None = None  # the document it is checking
        self.since = 0.0


def _stopped(path: str, why: str) -> Result:
    return Result(path=path, error=why, coverage=coverage.failed(False))


def over_limit(path: str, lim: Limits, seconds: float, exitcode: int | None, rss: float | None) -> Result | None:
    """The result of a document whose process must be stopped (or has died), else None.

    ``seconds``: how long the document has been checked; ``exitcode``: None while the process
    runs; ``rss``: its resident memory in MB. One verdict and one message for both the local
    workers and the child processes of a Dask task (``check_isolated``)."""
    if exitcode is not None:
        return _stopped(path, f"处理时进程意外退出（退出码 {exitcode}），已跳过")
    if seconds > lim.seconds:
        return _stopped(path, f"处理超时（超过 {lim.seconds:g} 秒），已停止并跳过")
    if rss is not None and rss > lim.memory_mb:
        return _stopped(path, f"处理占用内存超过上限（{rss:.0f} MB > {lim.memory_mb} MB），已停止并跳过")
    return None


def check_many(paths: list[str], *, jobs: int = 1, limits: Limits | None = None, rule_ids: list[str] | None = None,
               overrides: dict[str, str] | None = None,
               on_result: Callable[[Result], None] | None = None, template: str | None = None) -> list[Result]:
    """Check ``paths`` in ``jobs`` worker processes; results in the order of ``paths``.

    ``on_result`` is called as each document finishes (progress, results written as they come). On
    Ctrl-C the workers are stopped and ``Interrupted`` carries the results so far."""
    lim = limits if limits is not None else active()
    ctx = multiprocessing.get_context("spawn")
    tasks, results = ctx.Queue(), ctx.Queue()
    for item in enumerate(paths):
        tasks.put(item)
    jobs = max(1, min(jobs, len(paths)))
    workers = [_Worker(ctx, tasks, results, rule_ids, overrides, template, lim) for _ in range(jobs)]
    done: dict[int, Result] = {}

    def finish(index: int, result: Result) -> None:
        done[index] = result
        if on_result is not None:
            on_result(result)

    def replace(w: _Worker) -> None:
        w.process.kill()
        w.process.join(5)
        workers[workers.index(w)] = _Worker(ctx, tasks, results, rule_ids, overrides, template, lim)

    try:
        while len(done) < len(paths):
            try:
                kind, index, payload = results.get(timeout=POLL)
            except queue.Empty:
                kind = None
            if kind == "start":
                taker = next((w for w in workers if w.process.pid == payload), None)
                if taker is not None:
                    taker.index, taker.since = index, time.monotonic()
            elif kind == "done":
                for w in workers:
                    if w.index == index:
                        w.index = None
                finish(index, payload)
            now = time.monotonic()
            for w in list(workers):
                if w.index is None or w.index in done:
                    if not w.process.is_alive() and len(done) < len(paths):
                        replace(w)
                    continue
                alive = w.process.is_alive()
                stopped = over_limit(paths[w.index], lim, now - w.since, None if alive else w.process.exitcode,
                                     _rss_mb(w.process.pid) if alive else None)
                if stopped is None:
                    continue
                finish(w.index, stopped)
                w.index = None
                replace(w)
    except KeyboardInterrupt:
        for w in workers:
            w.process.kill()
        raise Interrupted([done[i] for i in sorted(done)]) from None
    for _ in workers:
        tasks.put(None)
    for w in workers:
        w.process.join(5)
        if w.process.is_alive():
            w.process.kill()
    return [done[i] for i in range(len(paths))]


# ---------------------------------------------------------------------------------------------
# One document in a child process, for a caller that cannot use multiprocessing: a Dask worker is
# a daemonic process, and a daemonic process may not start multiprocessing children.

_CHILD = "import pickle,sys; sys.path[:] = pickle.load(sys.stdin.buffer); from budgetlint.batch import _child; _child()"


def check_isolated(path: str, lim: Limits, rule_ids: list[str] | None = None,
                   overrides: dict[str, str] | None = None, template: str | None = None) -> Result:
    """Check one document in a fresh interpreter under ``lim``: past its time or memory (or if the
    process dies) it is stopped and reported exactly as ``check_many`` reports it. The clock starts
    when the child has loaded the rules, as a local worker's does when it takes the document."""
    with tempfile.TemporaryDirectory(prefix="budgetlint-") as tmp:
        out = Path(tmp) / "result.pickle"
        started = Path(tmp) / "started"
        # the parent's own sys.path, as multiprocessing's spawn hands it on: the same budgetlint
        proc = subprocess.Popen([sys.executable, "-c", _CHILD], stdin=subprocess.PIPE)
        try:
            try:
                assert proc.stdin is not None
                pickle.dump(sys.path, proc.stdin)
                pickle.dump((path, rule_ids, overrides, template, lim, str(out), str(started)), proc.stdin)
                proc.stdin.close()
            except BrokenPipeError:  # the child died before reading its task: reported below
                pass
            since, running = time.monotonic(), False
            while True:
                code = proc.poll()
                if code == 0 and out.exists():
                    with out.open("rb") as fh:
                        return pickle.load(fh)
                if not running and started.exists():
                    since, running = time.monotonic(), True  # start-up (imports, rules) is not the document's
                stopped = over_limit(path, lim, time.monotonic() - since, code,
                                     _rss_mb(proc.pid) if code is None else None)
                if stopped is not None:
                    return stopped
                time.sleep(POLL)
        finally:
            if proc.poll() is None:
                proc.kill()
            proc.wait()


def _child() -> None:
    """``check_isolated``'s child: the task from stdin, the result pickled to the file it names."""
    from budgetlint.pipeline import check_file
    from budgetlint.rules.registry import REGISTRY, all_rules

    path, rule_ids, overrides, template, lim, out, started = pickle.load(sys.stdin.buffer)
    set_active(lim)
    all_rules()
    rules = [REGISTRY[r] for r in rule_ids] if rule_ids is not None else None
    Path(started).touch()
    result = check_file(path, rules, overrides, template)
    part = Path(out + ".part")
    with part.open("wb") as fh:
        pickle.dump(result, fh)
    part.replace(out)  # whole or absent: a child killed while writing leaves no half result
