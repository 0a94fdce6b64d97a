"""Where ``check --format json|sarif|html|xlsx|pdf`` writes its report (``-o``).

* json, sarif, csv: ``-o FILE`` (its folder created if missing) or standard output; ``-o FOLDER`` →
  FOLDER/budgetlint-report.json|sarif|csv.
* checklist: the 公开情况检查表 workbook (report/checklist_xlsx.py), written as xlsx is:
  ``-o FILE``, budgetlint-report.checklist.xlsx, or ``-o FOLDER`` → ``<stem>.budgetlint.checklist.xlsx``.
* html, xlsx: one combined report for all documents: ``-o FILE``, or budgetlint-report.html|xlsx
  in the current folder (html goes to standard output when that is not a terminal). ``-o FOLDER``
  (an existing folder, or a path ending in ``/``) → one report per document, ``<stem>.budgetlint.html|xlsx``.
* pdf: one annotated copy per PDF document. One PDF: ``-o FILE`` or ``-o FOLDER``; several: ``-o``
  is a folder (created if missing); no ``-o``: ``<stem>.budgetlint.pdf`` in the current folder.
  Documents that are not PDFs are skipped with a Chinese note (not an error).
* png: a review aid — a folder (``-o``, default ``budgetlint-pages``) with one picture per finding
  (its page, the cells boxed) and ``index.html``; PDF documents only, others skipped with a note.

Messages ("已写入 …", "跳过 …") go to ``console`` (standard error); ``None`` keeps quiet.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click
from rich.console import Console

from budgetlint.pipeline import Result

EXT = {"json": "json", "sarif": "sarif", "csv": "csv", "html": "html", "xlsx": "xlsx", "pdf": "pdf", "png": "png",
       "checklist": "checklist.xlsx"}
PAGES_FOLDER = "budgetlint-pages"
REPORT_STEM = "budgetlint-report"


class OutputError(Exception):
    """The output option cannot be used this way (a usage error, exit code 2)."""


def _is_folder(raw: str | None) -> bool:
    """An existing folder, or a path written with a trailing slash (a folder to create)."""
    if not raw:
        return False
    return Path(raw).is_dir() or raw.endswith((os.sep, "/"))


def _say(console: Console | None, text: str) -> None:
    if console is not None:
        console.print(text, highlight=False, soft_wrap=True)


def per_document_names(results: list[Result], ext: str) -> list[str]:
    """``<stem>.budgetlint.<ext>`` per document, made unique when two documents share a stem."""
    used: dict[str, int] = {}
    names = []
    for r in results:
        stem = Path(r.path).stem or "document"
        n = used.get(stem, 0) + 1
        used[stem] = n
        names.append(f"{stem}{'-' + str(n) if n > 1 else ''}.budgetlint.{ext}")
    return names


def _render_text(results: list[Result], fmt: str) -> str:
    if fmt == "json":
        from budgetlint.report.json_report import render_json

        return render_json(results) + "\n"
    if fmt == "csv":
        from budgetlint.report.csv_report import render_csv

        return render_csv(results)
    if fmt == "sarif":
        from budgetlint.report.sarif import render_sarif

        return render_sarif(results) + "\n"
    from budgetlint.report.html import render_html

    return render_html(results)


def refuse_input(target: Path, results: list[Result]) -> None:
    """A report never replaces a document being checked (``-o`` naming an input by mistake)."""
    try:
        resolved = target.resolve()
    except OSError:
        return
    for r in results:
        for part in r.path.split("+"):  # "说明.pdf+报表.pdf" names two inputs
            try:
                same = Path(part).resolve() == resolved
            except OSError:
                continue
            if same:
                raise OutputError(f"输出文件 {target} 就是被检查的文件，不能覆盖它；请用 -o 指定另一个文件")


def _write_one(results: list[Result], fmt: str, path: Path, page_images: bool = True) -> None:
    refuse_input(path, results)
    path.parent.mkdir(parents=True, exist_ok=True)  # -o out/r.json creates out/
    if fmt == "xlsx":
        from budgetlint.report.excel import write_report_xlsx

        write_report_xlsx(results, path)
    elif fmt == "html":
        from budgetlint.report.html import write_html

        write_html(results, path, page_images)  # with the findings' page images in a folder beside it
    elif fmt == "checklist":
        from budgetlint.report.checklist_xlsx import write_checklist_xlsx

        write_checklist_xlsx(results, path)
    else:
        path.write_text(_render_text(results, fmt), encoding="utf-8")


def write_report(results: list[Result], fmt: str, raw_output: str | Path | None,
                 console: Console | None, page_images: bool = True) -> list[Path]:
    """Write the report(s) as ``-o`` says (``raw_output`` as typed, so a trailing slash counts);
    returns the files written. ``page_images=False`` leaves an HTML report without the findings'
    page pictures (rendering them is most of the time of a large batch's report)."""
    if fmt not in EXT:
        raise OutputError(f"未知的输出格式：{fmt}")
    raw = str(raw_output) if raw_output else None
    output = Path(raw) if raw else None
    folder = _is_folder(raw)
    if fmt == "pdf":
        return _write_pdfs(results, output, folder, console)
    if fmt == "png":
        return _write_pngs(results, output, console)
    ext = EXT[fmt]
    written: list[Path] = []
    if fmt in ("json", "sarif", "csv"):
        if output is None:
            click.echo(_render_text(results, fmt), nl=False)
            return []
        target = output / f"{REPORT_STEM}.{ext}" if folder else output
        if folder:
            target.parent.mkdir(parents=True, exist_ok=True)
        _write_one(results, fmt, target)
        return [target]
    if folder:
        assert output is not None
        output.mkdir(parents=True, exist_ok=True)
        readable = [r for r in results if r.error is None] or results
        for r, name in zip(readable, per_document_names(readable, ext), strict=True):
            target = output / name
            _write_one([r], fmt, target, page_images)
            written.append(target)
    else:
        if output is None and fmt == "html" and not sys.stdout.isatty():
            click.echo(_render_text(results, fmt), nl=False)
            return []
        target = output or Path(f"{REPORT_STEM}.{ext}")
        _write_one(results, fmt, target, page_images)
        written.append(target)
    for p in written:
        _say(console, f"已写入 {p}")
    return written


def _pdf_results(results: list[Result], console: Console | None, why: str, parts: bool = False) -> list[Result]:
    """The readable PDF documents (``parts``: also documents read from several files of which
    some are PDFs); the others are skipped with a note saying ``why`` (unreadable ones are
    reported with exit code 2 by the caller)."""
    out = []
    for r in results:
        if r.document is None:
            continue
        formats = r.document.meta.source_format.split("+")
        if formats != ["pdf"] and not (parts and "pdf" in formats):
            _say(console, f"跳过 {r.path}：不是 PDF 文件，{why}")
            continue
        out.append(r)
    return out


def _write_pdfs(results: list[Result], output: Path | None, is_folder: bool, console: Console | None) -> list[Path]:
    from budgetlint.report.pdf_annotate import annotate_pdf, pdf_parts

    # a document read from several files ("说明.pdf+报表.pdf") gets each PDF file annotated
    jobs = [(r, part) for r in _pdf_results(results, console, "没有可批注的原件（批注版仅适用于 PDF）", parts=True)
            for part in pdf_parts(r)]
    if not jobs:
        return []
    if output is not None and len(jobs) > 1 and (output.is_file() or output.suffix.lower() == ".pdf"):
        raise OutputError(f"检查了 {len(jobs)} 个 PDF，-o 须为文件夹（每个 PDF 写一个批注文件）")
    folder = output is None or len(jobs) > 1 or is_folder
    names = per_document_names([Result(path=part[0]) for _, part in jobs], "pdf")
    written = []
    for (r, part), name in zip(jobs, names, strict=True):
        if folder:
            base = output if output is not None else Path(".")
            base.mkdir(parents=True, exist_ok=True)
            target = base / name
        else:
            assert output is not None
            target = output
        refuse_input(target, results)
        n = annotate_pdf(r, target, part)
        written.append(target)
        _say(console, f"已写入 {target}（{n} 处批注）")
    return written


def _write_pngs(results: list[Result], output: Path | None, console: Console | None) -> list[Path]:
    from budgetlint.report.page_images import finding_images, write_index

    folder = output or Path(PAGES_FOLDER)
    if folder.exists() and not folder.is_dir():
        raise OutputError(f"--format png 的 -o 须为文件夹：{folder}")
    done = []
    for r in _pdf_results(results, console, "没有可渲染的页面"):
        shots = finding_images(r, folder)
        done.append((r, shots))
        _say(console, f"{r.path}：{sum(1 for s in shots if s.path)} 张问题页面图")
    if not done:
        return []
    index = write_index(done, folder)
    _say(console, f"已写入 {index}")
    return [index] + [s.path for _, shots in done for s in shots if s.path]
