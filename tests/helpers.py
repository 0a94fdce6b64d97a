"""Test helpers importable from any test module (tests/ is on pytest's pythonpath)."""

from __future__ import annotations

import textwrap
from pathlib import Path

from budgetlint.ingest.text import text_to_source
from budgetlint.model import Document
from budgetlint.recognise import recognise

SHARED = Path(__file__).resolve().parents[2] / "shared"
SEEDS = SHARED / "seeds"


def tsv(text: str) -> str:
    """Write test tables readably: ' | ' separates cells (becomes a tab), lines are dedented."""
    lines = textwrap.dedent(text).strip("\n").splitlines()
    return "\n".join(line.replace(" | ", "\t").replace("|", "\t") if "|" in line else line for line in lines) + "\n"


def doc_of(text: str, path: str = "test.txt") -> Document:
    return recognise(text_to_source(tsv(text), path))
