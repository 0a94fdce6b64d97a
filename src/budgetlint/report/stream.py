"""Results written as each document finishes, so that a run that is killed keeps what was done.

``--format jsonl`` writes one JSON object per document (the entry of ``--format json``'s
"documents"), to ``-o FILE`` or standard output, flushed as each document finishes: it is the
format for long batches. ``--format csv`` and ``--format text`` with ``-o FILE`` write each
document's part to FILE as it finishes too; at the end the whole report (in the order of the
files given, with paired halves merged) replaces it. The other formats are one object (JSON,
SARIF, a workbook, a page) and are written at the end; Ctrl-C still writes the documents done.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import IO

from budgetlint.pipeline import Result

STREAMED = ("jsonl", "csv", "text")


def streams(fmt: str, output: str | None) -> bool:
    """Whether this run writes each document's result as it finishes."""
    if fmt == "jsonl":
        return True
    return fmt in STREAMED and output is not None and not output.endswith(("/", "\\")) and not Path(output).is_dir()


def jsonl_line(result: Result) -> str:
    from budgetlint.report.json_report import report_dict

    return json.dumps(report_dict([result])["documents"][0], ensure_ascii=False)


class Streamer:
    """Appends each finished document's part of the report to the output and flushes it."""

    def __init__(self, fmt: str, output: str | None) -> None:
        self.fmt = fmt
        self.fh: IO[str]
        if output is None:
            self.fh, self.owned = sys.stdout, False
        else:
            Path(output).parent.mkdir(parents=True, exist_ok=True)
            # csv: the BOM and header once, as the final report has them (Excel reads the BOM)
            self.fh, self.owned = Path(output).open("w", encoding="utf-8"), True
        if fmt == "csv":
            from budgetlint.report.csv_report import render_csv

            self._write(render_csv([]))

    def _write(self, text: str) -> None:
        self.fh.write(text)
        self.fh.flush()  # in the kernel's hands: a killed process keeps it

    def add(self, result: Result) -> None:
        if self.fmt == "jsonl":
            self._write(jsonl_line(result) + "\n")
        elif self.fmt == "csv":
            from budgetlint.report.csv_report import render_csv

            self._write(render_csv([result]).removeprefix("\ufeff").split("\n", 1)[1])
        else:
            from rich.console import Console

            from budgetlint.report.text import render_text

            render_text([result], Console(file=self.fh, no_color=True, width=120, soft_wrap=True))
            self.fh.flush()

    def close(self) -> None:
        if self.owned:
            self.fh.close()
