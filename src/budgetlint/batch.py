"""Checking many documents: worker processes, limits per document, results as each finishes.

``check -j N`` (and any ``--timeout`` / ``--max-memory``) runs here instead of in the CLI's own
process. Each worker is a fresh interpreter (spawn: PDFium and the OCR runtime are not fork-safe)
that checks one document at a time. The parent hands out documents, collects each ``Result`` as it
finishes, and watches the workers: a document that runs past its time, or whose worker's memory
grows past the limit, is stopped (its worker killed and replaced) and reported as such — every
other document keeps its result. One pathological file never stops or hangs a batch.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import pickle
import queue
import select
import subprocess
import sys
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
    settled = False
    while True:
        item = tasks.get()
        if item is None:
            return
        index, path = item
        results.put(("start", index, os.getpid()))
        # pickled here, not by the queue's thread: the result is let go of at once (_settle)
        results.put(("done", index, pickle.dumps(check_file(path, rules, overrides, template),
                                                 protocol=pickle.HIGHEST_PROTOCOL)))
        if not settled:
            _settle()
            settled = True


def _settle() -> None:
    """After a worker's first document, when what every later document uses is loaded (the
    vocabularies, templates, compiled patterns): collect that document's garbage, then keep the
    long-lived rest out of the cyclic collector's view (``gc.freeze``). A document's model is a
    graph with cycles, and the full collections its garbage triggers walked the whole long-lived
    heap each time: about 2.5 % of a batch's time on 30-page documents (farm-bench, 6 pairs). The first document's
    result must be gone by then (pickled, not queued as an object), or its cycles would be
    frozen with the rest and never freed."""
    gc.collect()
    gc.freeze()


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
    workers and the resident child processes of Dask tasks (``Resident``)."""
    if exitcode is not None:
        return _stopped(path, f"处理时进程意外退出（退出码 {exitcode}），已跳过")
    if seconds > lim.seconds:
        return _stopped(path, f"处理超时（超过 {lim.seconds:g} 秒），已停止并跳过")
    if rss is not None and rss > lim.memory_mb:
        return _stopped(path, f"处理占用内存超过上限（{rss:.0f} MB > {lim.memory_mb} MB），已停止并跳过")
    return None


def check_many(paths: list[str], *, jobs: int = 1, limits: Limits | None = None, rule_ids: list[str] | None = None,
               overrides: dict[str, str] | None = None,
               on_result: Callable[[Result], None] | None = None, template: str | None = None,
               on_start: Callable[[str], None] | None = None) -> list[Result]:
    """Check ``paths`` in ``jobs`` worker processes; results in the order of ``paths``.

    ``on_result`` is called as each document finishes (progress, results written as they come),
    ``on_start`` with its path as a worker takes it (the progress bar names the documents being
    checked). On Ctrl-C the workers are stopped and ``Interrupted`` carries the results so far."""
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
                if on_start is not None and index not in done:
                    on_start(paths[index])
            elif kind == "done":
                payload = pickle.loads(payload)
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
# Documents in a resident child process, for a caller that cannot use multiprocessing: a Dask
# worker is a daemonic process, and a daemonic process may not start multiprocessing children.

_SERVE = "import pickle,sys; sys.path[:] = pickle.load(sys.stdin.buffer); from budgetlint.batch import _serve; _serve()"
_STARTED = b"S"  # the child took the task (rules loaded): the document's clock starts
START_LIMIT = 120.0  # seconds for a child to start and take its task (not the document's time)
_RESTART_SHARE = 0.5  # a child left above this share of the memory limit is replaced (Python keeps its peak)


class Resident:
    """One child interpreter that checks documents one at a time, under the limits of each task,
    watched as ``check_many`` watches its workers: a document past its time or memory is stopped
    (the child killed, a new one started for the next document) and reported with the same
    verdict (``over_limit``). The child is started once, not per document: its start-up (the
    interpreter, PDFium, the rules: ~0.5 s) would cost more than checking a typical document.

    Tasks and results go as length-prefixed pickles over the child's own pipes (its stdout is
    moved to stderr, so that nothing printed mixes with a result)."""

    def __init__(self) -> None:
        self.proc: subprocess.Popen | None = None

    def check(self, path: str, lim: Limits, rule_ids: list[str] | None = None,
              overrides: dict[str, str] | None = None, template: str | None = None) -> Result:
        proc = self._ready()
        try:
            _send(proc, (path, rule_ids, overrides, template, lim))
        except (BrokenPipeError, OSError):  # the child died before reading its task
            return self._stop(over_limit(path, lim, 0.0, proc.wait(), None))
        fd = proc.stdout.fileno()  # type: ignore[union-attr]
        buf = bytearray()
        since, running = time.monotonic(), False
        while True:
            ready, _, _ = select.select([fd], [], [], POLL)
            if ready:
                chunk = os.read(fd, 1 << 20)
                if not chunk:  # the child exited: reported as a worker that died (one wording: over_limit's)
                    return self._stop(over_limit(path, lim, 0.0, proc.wait(), None))
                buf += chunk
                if not running and buf[:1] == _STARTED:
                    del buf[:1]
                    since, running = time.monotonic(), True  # start-up is not the document's
                if running and len(buf) >= 8:
                    size = int.from_bytes(buf[:8], "little")
                    if len(buf) >= 8 + size:
                        result: Result = pickle.loads(bytes(buf[8:8 + size]))
                        rss = _rss_mb(proc.pid)
                        if rss is not None and rss > lim.memory_mb * _RESTART_SHARE:
                            self.close()
                        return result
            code = proc.poll()
            stopped = over_limit(path, lim, time.monotonic() - since if running else 0.0, code,
                                 _rss_mb(proc.pid) if code is None else None)
            if stopped is None and not running and time.monotonic() - since > START_LIMIT:
                stopped = _stopped(path, f"检查进程启动超时（超过 {START_LIMIT:g} 秒），已跳过")
            if stopped is not None:
                return self._stop(stopped)

    def _ready(self) -> subprocess.Popen:
        if self.proc is None or self.proc.poll() is not None:
            # the parent's own sys.path, as multiprocessing's spawn hands it on: the same budgetlint
            self.proc = subprocess.Popen([sys.executable, "-c", _SERVE], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
            pickle.dump(sys.path, self.proc.stdin)  # type: ignore[arg-type]
            self.proc.stdin.flush()  # type: ignore[union-attr]
        return self.proc

    def _stop(self, result: Result | None) -> Result:
        assert result is not None  # over_limit always gives one for a process that has exited
        self.close()
        return result

    def close(self) -> None:
        proc, self.proc = self.proc, None
        if proc is None:
            return
        if proc.poll() is None:
            proc.kill()
        proc.wait()
        for f in (proc.stdin, proc.stdout):
            if f is not None:
                try:
                    f.close()
                except OSError:
                    pass


def _send(proc: subprocess.Popen, task: tuple) -> None:
    data = pickle.dumps(task)
    assert proc.stdin is not None
    proc.stdin.write(len(data).to_bytes(8, "little") + data)
    proc.stdin.flush()


def _serve() -> None:
    """``Resident``'s child: tasks from stdin until it closes, each result to the original stdout."""
    from budgetlint.pipeline import check_file
    from budgetlint.rules.registry import REGISTRY, all_rules

    out = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # anything printed goes to stderr, never into a result
    source = sys.stdin.buffer
    all_rules()
    settled = False
    while True:
        head = source.read(8)
        if len(head) < 8:
            return  # the parent closed the pipe (or went away)
        path, rule_ids, overrides, template, lim = pickle.loads(source.read(int.from_bytes(head, "little")))
        set_active(lim)
        rules = [REGISTRY[r] for r in rule_ids] if rule_ids is not None else None
        out.write(_STARTED)
        out.flush()
        data = pickle.dumps(check_file(path, rules, overrides, template))
        out.write(len(data).to_bytes(8, "little") + data)
        out.flush()
        del data
        if not settled:
            _settle()
            settled = True
