from __future__ import annotations

from pathlib import Path

import pytest
from helpers import SEEDS


@pytest.fixture
def seeds() -> Path:
    if not SEEDS.is_dir():
        pytest.skip("../shared/seeds not present")
    return SEEDS


@pytest.fixture(autouse=True)
def _own_result_cache(tmp_path_factory, monkeypatch):
    """Every test its own result cache (budgetlint/resume.py): no test reuses another's results."""
    monkeypatch.setenv("BUDGETLINT_CACHE", str(tmp_path_factory.mktemp("result-cache")))
