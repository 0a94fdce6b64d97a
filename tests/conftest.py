from __future__ import annotations

from pathlib import Path

import pytest
from helpers import SEEDS


@pytest.fixture
def seeds() -> Path:
    if not SEEDS.is_dir():
        pytest.skip("../shared/seeds not present")
    return SEEDS
