"""The load test (bench/web_load.py) in the suite, with small numbers: 40 uploads from 8
concurrent API clients against a real ``budgetlint serve`` on loopback — none lost, none failed,
none recorded twice, every request answered; the latency under load is printed (docs/web.md has
the full run: 200 uploads from 20 clients)."""

from __future__ import annotations

import importlib.util
import sys

from web_support import ROOT


def _bench():
    spec = importlib.util.spec_from_file_location("web_load", ROOT / "bench" / "web_load.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["web_load"] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def test_40_uploads_from_8_clients_none_lost_or_failed(seeds, tmp_path, capsys):
    bench = _bench()
    report = bench.run_load(sorted(seeds.glob("*.txt")), uploads=40, clients=8, jobs=2, timeout=240,
                            data=tmp_path / "data")
    with capsys.disabled():
        print("\n" + "\n".join(report.lines()))
    assert report.bad_requests == []
    assert report.documents == 40 and report.states == {"done": 40}
    assert report.lost == 0 and report.failed == 0 and report.recorded_twice == 0
    assert len(report.latencies["POST /api/uploads"]) == 40
    assert bench.percentile(report.all_latencies(), 95) < 10  # seconds: a generous bound on 2 shared cores
