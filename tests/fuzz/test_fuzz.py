"""A short, derandomized fuzz run of every harness (tests/fuzz_harnesses.py): the same inputs on
every run, a few seconds each. bench/fuzz.py runs them for minutes with fresh randomness."""

from __future__ import annotations

import pytest

pytest.importorskip("hypothesis", reason="the test extra (pip install -e .[test]) brings hypothesis")

from fuzz_harnesses import HARNESSES, Harness  # noqa: E402
from hypothesis import HealthCheck, given, settings  # noqa: E402

# Examples per harness: each stays within ~5 s on a slow shared machine.
EXAMPLES = {"pdf": 25, "recognise+rules": 15, "xlsx": 40, "docx": 40, "xls": 40, "office-routing": 60}


@pytest.mark.parametrize("harness", HARNESSES, ids=lambda h: h.name)
def test_harness_never_raises_but_ingest_error(harness: Harness) -> None:
    @settings(max_examples=EXAMPLES.get(harness.name, 100), derandomize=True, deadline=None, database=None,
              suppress_health_check=list(HealthCheck), print_blob=True)
    @given(harness.inputs())
    def run(data) -> None:
        harness.target(data)

    run()
