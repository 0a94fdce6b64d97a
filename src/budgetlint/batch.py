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
import queue
import time
from collections.abc import Callable

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
                path = paths[w.index]
                rss = _rss_mb(w.process.pid) if w.process.is_alive() else None
                if not w.process.is_alive():
                    finish(w.index, _stopped(path, f"处理时进程意外退出（退出码 {w.process.exitcode}），已跳过"))
                elif now - w.since > lim.seconds:
                    finish(w.index, _stopped(path, f"处理超时（超过 {lim.seconds:g} 秒），已停止并跳过"))
                elif rss is not None and rss > lim.memory_mb:
                    finish(w.index, _stopped(path, f"处理占用内存超过上限（{rss:.0f} MB > {lim.memory_mb} MB），"
                                                   "已停止并跳过"))
                else:
                    continue
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
