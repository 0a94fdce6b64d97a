"""The same per-document checks on a Dask cluster (optional extra ``dask``).

``check --scheduler tcp://host:port`` sends each document to an existing cluster;
``--scheduler local`` starts a local one with ``-j`` worker processes. Dask schedules: one task per
document (``Client.submit``), results taken as they finish (``as_completed``) and returned in the
order of the paths — the same ``Result``s ``check_file`` gives in one process, so the report is
identical to a local run. The workers must reach the files at the same paths (a shared disk);
the cross-document checks run afterwards in the client, over all results.

Per-document limits (time, memory, and the ingest limits of ``[limits]``) hold as in a local run,
the defaults included: each worker thread checks its documents in a resident child process
(``batch.Resident``; a Dask worker is daemonic and may not start multiprocessing children),
started once and watched by the local workers' code (``batch.over_limit``): a document past its
time or memory is stopped (the child killed, a new one started for the next document) and
reported with the local run's message and result (not checked, 已停止并跳过). Dask itself has no
per-task time limit, and its worker memory limit restarts a whole worker, which reruns its tasks
and ends in ``KilledWorker``, so neither is used. A task that fails for another reason (a lost
worker) is reported as not checked; the rest of the batch goes on. ``limits=None`` (a caller's
own choice, not the CLI's) checks in the worker itself, without a limit.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable

from budgetlint import coverage
from budgetlint.limits import Limits
from budgetlint.pipeline import Result


class DaskMissing(RuntimeError):
    pass


def _check(path: str, rule_ids: list[str] | None, overrides: dict[str, str] | None,
           template: str | None, limits: Limits | None = None) -> Result:
    """One document, on a worker: the registry filled there, the rules named by id; under
    ``limits`` in a child process of its own. Its start is told to the client (``STARTED``)."""
    _tell_started(path)
    if limits is not None:
        return _resident().check(path, limits, rule_ids, overrides, template)
    from budgetlint.pipeline import check_file
    from budgetlint.rules.registry import REGISTRY, all_rules

    all_rules()
    rules = [REGISTRY[r] for r in rule_ids] if rule_ids is not None else None
    return check_file(path, rules, overrides, template)


_LOCAL = threading.local()

# The topic a task's start is logged under (the scheduler's event log): the client's progress bar
# names the documents being checked, as the local workers' "start" messages let it.
STARTED = "budgetlint-started"


def _tell_started(path: str) -> None:
    try:
        from distributed import get_worker

        get_worker().log_event(STARTED, path)
    except Exception:  # noqa: BLE001 — not on a worker (called directly), or an old scheduler: no name shown
        pass


def _resident():
    """This worker thread's resident child (``batch.Resident``), started on its first document and
    kept for the next: a worker with several threads has one per thread."""
    found = getattr(_LOCAL, "resident", None)
    if found is None:
        from budgetlint.batch import Resident

        found = _LOCAL.resident = Resident()
    return found


def client_for(scheduler: str, jobs: int = 1):
    """A ``distributed.Client``: to the scheduler at ``tcp://…``, or a local cluster of ``jobs``
    single-threaded worker processes (``local``)."""
    try:
        from distributed import Client, LocalCluster
    except ImportError as e:
        raise DaskMissing("使用 --scheduler 需要安装 Dask：pip install 'budgetlint[dask]'") from e
    if scheduler == "local":
        cluster = LocalCluster(n_workers=jobs, threads_per_worker=1, processes=True, dashboard_address=None)
        return Client(cluster)
    return Client(scheduler)


def check_on_dask(paths: list[str], scheduler, *, jobs: int = 1, rule_ids: list[str] | None = None,
                  overrides: dict[str, str] | None = None, template: str | None = None,
                  on_result: Callable[[Result], None] | None = None, limits: Limits | None = None,
                  on_start: Callable[[str], None] | None = None) -> list[Result]:
    """Check ``paths`` on Dask; results in the order of ``paths``. ``scheduler`` is an address,
    "local", or a ``Client`` already made (tests, callers with their own cluster). ``limits``:
    each document is checked under them in a child process and stopped past its time or memory.
    ``on_start`` is called with a document's path as a worker takes it (from the client's event
    thread: it must be safe to call from another thread)."""
    from distributed import as_completed

    own = not hasattr(scheduler, "submit")
    client = client_for(scheduler, jobs) if own else scheduler
    if on_start is not None:
        client.subscribe_topic(STARTED, lambda event: on_start(event[1]))
    try:
        futures = {client.submit(_check, p, rule_ids, overrides, template, limits, key=f"budgetlint-{i}", pure=False): i
                   for i, p in enumerate(paths)}
        done: dict[int, Result] = {}
        try:
            for fut in as_completed(futures):
                i = futures[fut]
                try:
                    res = fut.result()
                except Exception as e:  # the worker died or the task failed: report, go on
                    res = Result(path=paths[i], error=f"在 Dask 工作进程中检查失败（{type(e).__name__}: {e}），已跳过",
                                 coverage=coverage.failed(False))
                done[i] = res
                if on_result is not None:
                    on_result(res)
        except KeyboardInterrupt:
            from budgetlint.batch import Interrupted

            for fut in futures:
                fut.cancel()
            raise Interrupted([done[i] for i in sorted(done)]) from None
        return [done[i] for i in range(len(paths))]
    finally:
        if on_start is not None:
            with contextlib.suppress(Exception):
                client.unsubscribe_topic(STARTED)
        if own:
            cluster = getattr(client, "cluster", None)
            client.close()
            if cluster is not None:
                cluster.close()
