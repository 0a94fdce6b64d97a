"""Load test of the workbench on loopback: many uploads from concurrent API clients against a real
``budgetlint serve`` (uvicorn) on 127.0.0.1, then every job followed to its end.

    PYTHONPATH=src python bench/web_load.py [--uploads 200] [--clients 20] [--jobs 2] [--db URL] FILE...

Each client uploads its share of the documents one by one (``POST /api/uploads``, a file chosen
round-robin from FILE…), then polls its uploads (``GET /api/batches/…``) and the ranked list
(``GET /api/documents``) until all are checked. Bounded in count (``--uploads``) and time
(``--timeout``). Prints the latency of every API call under load (p50 / p95 / max, by endpoint)
and fails (exit 1) when a job is lost (a document missing or not finished) or failed, or a
request did not succeed. tests/web/test_load.py runs a smaller version in the suite;
docs/web.md has the figures of the full one.
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


@dataclass
class LoadReport:
    uploads: int
    clients: int
    seconds: float = 0.0
    documents: int = 0  # rows in the database
    states: dict[str, int] = field(default_factory=dict)
    recorded_twice: int = 0  # jobs with more than one job.done event
    bad_requests: list[str] = field(default_factory=list)  # non-2xx answers and exceptions
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))  # endpoint → seconds

    @property
    def lost(self) -> int:
        return self.uploads - self.states.get("done", 0) - self.states.get("failed", 0)

    @property
    def failed(self) -> int:
        return self.states.get("failed", 0)

    def all_latencies(self) -> list[float]:
        return [x for xs in self.latencies.values() for x in xs]

    def lines(self) -> list[str]:
        out = [f"{self.uploads} uploads from {self.clients} clients: {self.seconds:.1f} s until all checked "
               f"({self.uploads / self.seconds:.1f} documents/s); documents {self.documents}, states {self.states}, "
               f"lost {self.lost}, failed {self.failed}, recorded twice {self.recorded_twice}, "
               f"bad requests {len(self.bad_requests)}"]
        rows = [("all API calls", self.all_latencies())] + sorted(self.latencies.items())
        for name, xs in rows:
            out.append(f"  {name:<22} n={len(xs):<5} p50={percentile(xs, 50) * 1000:7.1f} ms  "
                       f"p95={percentile(xs, 95) * 1000:7.1f} ms  max={max(xs, default=0) * 1000:7.1f} ms")
        return out


def percentile(xs: list[float], p: float) -> float:
    if not xs:
        return 0.0
    if len(xs) == 1:
        return xs[0]
    return statistics.quantiles(xs, n=100, method="inclusive")[int(p) - 1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _prepare(data: Path, db_url: str | None) -> str:
    """An admin account and its API token in a fresh database."""
    from budgetlint.web import auth, db

    engine = db.make_engine(db_url or db.default_url(data))
    db.upgrade(engine)
    with db.sessions(engine).begin() as session:
        user = auth.add_user(session, "压测", "load-test password 1", "admin")
        session.flush()
        token = auth.new_api_token(session, user, "load test")
    engine.dispose()
    return token


def _serve(data: Path, port: int, db_url: str | None, jobs: int, log: Path) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), os.environ.get("PYTHONPATH", "")])}
    cmd = [sys.executable, "-c", "from budgetlint.cli import main; main()", "serve", "--data", str(data),
           "--host", "127.0.0.1", "--port", str(port), "-j", str(jobs)] + (["--db", db_url] if db_url else [])
    return subprocess.Popen(cmd, env=env, start_new_session=True, stdout=log.open("ab"), stderr=subprocess.STDOUT)


def _wait_up(port: int, proc: subprocess.Popen, timeout: float = 60) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if proc.poll() is not None:
            raise RuntimeError("server exited")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/login", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("server did not start")


def _client(base: str, token: str, files: list[Path], mine: list[int], report: LoadReport, lock: threading.Lock,
            deadline: float) -> None:
    import httpx2 as httpx

    def call(name: str, method: str, url: str, **kw) -> dict | list | None:
        start = time.perf_counter()
        try:
            r = http.request(method, url, **kw)
        except httpx.HTTPError as e:
            with lock:
                report.bad_requests.append(f"{name}: {e!r}")
            return None
        took = time.perf_counter() - start
        with lock:
            report.latencies[name].append(took)
            if r.status_code >= 300:
                report.bad_requests.append(f"{name}: HTTP {r.status_code} {r.text[:200]}")
                return None
        return r.json()

    with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=60) as http:
        batches = []
        for i in mine:
            path = files[i % len(files)]
            got = call("POST /api/uploads", "POST", "/api/uploads",
                       files=[("files", (f"{i:04d}-{path.name}", path.read_bytes()))], data={"region": "压测"})
            if got:
                batches.append(got["batch"])
        while batches and time.monotonic() < deadline:
            time.sleep(0.5)
            still = []
            for b in batches:
                got = call("GET /api/batches/{b}", "GET", f"/api/batches/{b}")
                if got is None or not got["complete"]:
                    still.append(b)
            batches = still
            call("GET /api/documents", "GET", "/api/documents", params={"region": "压测"})


def _tally(data: Path, db_url: str | None, report: LoadReport) -> None:
    from sqlalchemy import func, select

    from budgetlint.web import db

    engine = db.make_engine(db_url or db.default_url(data))
    with db.sessions(engine).begin() as session:
        report.documents = session.scalar(select(func.count()).select_from(db.Document))
        report.states = dict(session.execute(select(db.Document.state, func.count()).group_by(db.Document.state)).all())
        done = select(db.AuditEvent.target, func.count()).where(db.AuditEvent.action == "job.done") \
            .group_by(db.AuditEvent.target).having(func.count() > 1)
        report.recorded_twice = len(session.execute(done).all())
    engine.dispose()


def run_load(files: list[Path], uploads: int = 200, clients: int = 20, jobs: int = 2, db_url: str | None = None,
             timeout: float = 600, data: Path | None = None) -> LoadReport:
    """Start a server, run the load, stop the server; the report of what happened."""
    own = data is None
    folder = Path(tempfile.mkdtemp(prefix="budgetlint-load-")) if own else data
    folder.mkdir(parents=True, exist_ok=True)
    report = LoadReport(uploads, clients)
    token = _prepare(folder, db_url)
    port = free_port()
    server = _serve(folder, port, db_url, jobs, folder / "server.log")
    try:
        _wait_up(port, server)
        lock = threading.Lock()
        deadline = time.monotonic() + timeout
        start = time.monotonic()
        threads = [threading.Thread(target=_client, args=(f"http://127.0.0.1:{port}", token, files,
                                                          list(range(c, uploads, clients)), report, lock, deadline))
                   for c in range(clients)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(max(1.0, deadline - time.monotonic() + 30))
        report.seconds = time.monotonic() - start
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
    _tally(folder, db_url, report)
    if own:
        import shutil

        shutil.rmtree(folder, ignore_errors=True)
    return report


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("files", nargs="*", type=Path, help="documents to upload (default: ../shared/seeds/*.txt)")
    ap.add_argument("--uploads", type=int, default=200)
    ap.add_argument("--clients", type=int, default=20)
    ap.add_argument("--jobs", type=int, default=2, help="the server's worker processes (serve -j)")
    ap.add_argument("--db", default=None, help="database URL (default: SQLite in a temporary data folder)")
    ap.add_argument("--timeout", type=float, default=600, help="seconds before giving up")
    args = ap.parse_args()
    files = args.files or sorted((ROOT.parent / "shared" / "seeds").glob("*.txt"))
    if not files:
        ap.error("no documents to upload")
    report = run_load(files, args.uploads, args.clients, args.jobs, args.db, args.timeout)
    print("\n".join(report.lines()))
    for line in report.bad_requests[:10]:
        print("  bad request:", line)
    return 0 if not (report.lost or report.failed or report.recorded_twice or report.bad_requests) else 1


if __name__ == "__main__":
    sys.exit(main())
