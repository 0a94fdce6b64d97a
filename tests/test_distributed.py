"""check on Dask (budgetlint/distributed.py): the same results as the local run."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from budgetlint import cli
from budgetlint.pipeline import check_file

distributed = pytest.importorskip("distributed")


def _report(text: str) -> list[dict]:
    docs = json.loads(text)["documents"]
    for d in docs:
        d["stats"].pop("seconds", None)
    return docs


def test_local_cluster_gives_the_local_results(seeds, tmp_path):
    from budgetlint.distributed import check_on_dask

    files = [str(p) for p in sorted(seeds.glob("*.txt"))[:3]]
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False,
                                  dashboard_address=None) as cluster, distributed.Client(cluster) as client:
        got = check_on_dask(files, client)
    want = [check_file(p) for p in files]
    assert [r.path for r in got] == files
    assert [[f.to_dict() for f in r.findings] for r in got] == [[f.to_dict() for f in r.findings] for r in want]


def test_check_scheduler_local_report_is_identical(seeds, tmp_path):
    files = [str(p) for p in sorted(seeds.glob("*.txt"))[:3]]
    base = ["check", "--format", "json", "--no-cache", *files]
    local = CliRunner().invoke(cli.main, base)
    dask = CliRunner().invoke(cli.main, [*base, "-j", "2", "--scheduler", "local"])
    assert dask.exit_code == local.exit_code, dask.output
    assert _report(dask.stdout) == _report(local.stdout)
