"""Command line: ``budgetlint check | extract | rules | rule``.

Exit codes (linter convention): 0 — no finding at or above ``--fail-on`` (default: error);
1 — such findings; 2 — a file could not be read, or the command was used wrongly.
"""

from __future__ import annotations

import contextlib
import json
import sys
import threading
from functools import partial
from pathlib import Path

import click
from rich.console import Console

from budgetlint import __version__
from budgetlint.config import ConfigError, find_config, load_config
from budgetlint.findings import Severity
from budgetlint.limits import active, set_active
from budgetlint.pipeline import check_file, read_document
from budgetlint.resume import merge
from budgetlint.rules.registry import REGISTRY, all_rules, select

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
EXIT_INTERRUPTED = 130  # Ctrl-C, as shells report SIGINT
REPORT_FORMATS = ["text", "json", "jsonl", "sarif", "csv", "html", "xlsx", "pdf", "png", "checklist"]
_SEVERITIES = click.Choice([s.value for s in Severity])


class _TemplateOption(click.Option):
    """--template: its help lists the templates the vocabulary holds, read only when help is shown."""

    def get_help_record(self, ctx: click.Context) -> tuple[str, str] | None:
        from budgetlint.recognise.vocab import default_vocabulary

        self.help = (f"指定文档所用的公开模板（{'、'.join(default_vocabulary().templates)}；见 --show-settings），"
                     "不按表名判断。")
        return super().get_help_record(ctx)
CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


def _split(values: tuple[str, ...]) -> list[str]:
    return [x.strip() for v in values for x in v.split(",") if x.strip()]


_DOC_SUFFIXES = {".txt", ".md", ".pdf", ".xls", ".xlsx", ".doc", ".docx", ".html", ".htm"}


# A folder's prose files (README.md, 说明.txt) are documents only when they speak of a budget.
_PROSE_SUFFIXES = {".txt", ".md"}
_DISCLOSURE_WORDS = ("预算", "决算", "绩效")


def _looks_like_disclosure(p: Path) -> bool:
    if p.suffix.lower() not in _PROSE_SUFFIXES or any(w in p.name for w in _DISCLOSURE_WORDS):
        return True
    try:
        head = p.read_bytes()[:4096]
    except OSError:
        return True  # let the check say why it cannot be read
    text = head.decode("utf-8", errors="ignore") + head.decode("gb18030", errors="ignore")
    return any(w in text for w in _DISCLOSURE_WORDS)


def _paths(files: tuple[str, ...], skipped: list[str] | None = None) -> list[str]:
    """Files to check: "-" reads a list from stdin; a folder means every document under it (files
    of other kinds, and prose files that never mention a budget, go to ``skipped``)."""
    out: list[str] = []
    for f in files:
        if f == "-":
            out.extend(line.strip() for line in sys.stdin if line.strip())
        elif Path(f).is_dir():
            for p in sorted(Path(f).rglob("*")):
                if not p.is_file() or p.name.startswith("."):
                    continue
                if p.suffix.lower() in _DOC_SUFFIXES and _looks_like_disclosure(p):
                    out.append(str(p))
                elif skipped is not None:
                    skipped.append(str(p))
        else:
            out.append(f)
    return out


@click.group(context_settings=CONTEXT)
@click.version_option(__version__, "-V", "--version", prog_name="budgetlint", message="%(prog)s %(version)s")
def main() -> None:
    """budgetlint —— 预决算公开文档检查工具（部门预算 / 单位预算 / 部门决算 / 单位决算 / 绩效目标表）。

    读取公开文档，识别各张表格、情况说明和绩效目标表，检查勾稽关系等问题，
    报告每个问题的规则、级别、位置（页、表、行、列）、应为值与实际值及依据。

    \b
    常用命令：
      budgetlint check 文件…          检查文档并报告问题
      budgetlint extract 文件 -o x.json  导出识别出的结构化数据
      budgetlint rules                列出全部检查规则
      budgetlint rule BL101           查看某条规则的说明

    \b
    退出码：0 无错误级问题；1 发现问题；2 文件无法读取或用法错误；130 被 Ctrl-C 中断（已检查的仍输出）。
    """


@main.command(context_settings=CONTEXT)
@click.argument("files", nargs=-1, required=True)
@click.option("--format", "fmt", type=click.Choice(REPORT_FORMATS), default="text", show_default=True,
              help="输出格式（output format）：text 终端文本；json 机器可读；jsonl 每个文档一行 JSON，检查完一个写一个；"
                   "sarif SARIF 2.1.0；"
                   "html 单文件网页报告；xlsx Excel 工作簿；pdf 在 PDF 原件上批注；"
                   "png 每个问题一张页面图（单元格加框，供逐条核对）；"
                   "checklist 公开情况检查表（Excel，每个文档一张，逐项填写是否符合要求和问题）。")
@click.option("-o", "--output", type=click.Path(),
              help="写入该文件；给出文件夹（已存在或以 / 结尾）时每个文档一个文件。"
                   "html/xlsx 多个文档默认合为一个文件；pdf 每个 PDF 一个批注文件（多个时 -o 为文件夹）。")
@click.option("--select", multiple=True, help="只运行这些规则：编号、编号前缀（BL1）或类别（arithmetic），可用逗号分隔。")
@click.option("--ignore", multiple=True, help="不运行这些规则（写法同 --select）。")
@click.option("--severity", "min_severity", type=_SEVERITIES, default="info", show_default=True,
              help="只显示不低于该级别的问题（error 错误 / warning 警告 / info 提示）。")
@click.option("--fail-on", type=_SEVERITIES, default=None, help="不低于该级别的问题使退出码为 1（默认 error）。")
@click.option("--config", "config_path", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="配置文件（默认查找 budgetlint.toml 或 pyproject.toml 的 [tool.budgetlint]）。")
@click.option("--no-color", is_flag=True, help="不使用颜色。")
@click.option("-q", "--quiet", is_flag=True, help="只输出汇总。")
@click.option("--statistics", is_flag=True, help="只输出每条规则的问题数（按数量排序），不列出各个问题。")
@click.option("--exit-zero", is_flag=True, help="发现问题时退出码仍为 0（文件无法读取时仍为 2）。")
@click.option("-j", "--jobs", type=click.IntRange(1, 64), default=1, show_default=True,
              help="同时检查的文档数（每个文档在独立的工作进程中检查）。")
@click.option("--timeout", type=click.FloatRange(min=1), default=None,
              help="每个文档的检查时间上限（秒）；超时的文档报告为超时并跳过（默认 600；给出时每个文档在独立进程中检查）。")
@click.option("--max-memory", type=click.IntRange(min=64), default=None,
              help="每个文档的内存上限（MB）；超过的文档报告并跳过（默认 4096；给出时每个文档在独立进程中检查）。")
@click.option("--template", "template", default=None, cls=_TemplateOption)
@click.option("--no-page-images", is_flag=True,
              help="HTML 报告不附问题所在页面的图片（大批量时更快）。")
@click.option("--no-pair", is_flag=True,
              help="不自动合并同一部门同一年度分两个文件公开的说明与报表（默认合并检查）。")
@click.option("--no-cross", is_flag=True,
              help="不做跨文档检查（默认在检查多个文档时比对同一部门的上下年度、预算与决算、部门与所属单位、重复公开的文档）。")
@click.option("--cache", "cache_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="结果缓存文件夹：文件内容、程序版本和所选规则都未变的文档不再重复检查，中断后重跑只检查剩下的"
                   "（默认 $BUDGETLINT_HOME/cache 或 ~/.cache/budgetlint）。")
@click.option("--no-cache", is_flag=True, help="不读也不写结果缓存，全部重新检查。")
@click.option("--scheduler", default=None,
              help="在 Dask 集群上检查：tcp://主机:端口 连接已有的调度器；local 在本机启动 -j 个工作进程的集群"
                   "（需安装 budgetlint[dask]）。")
@click.option("--show-settings", is_flag=True, help="显示生效的设置（配置文件、规则、级别）后退出，不检查。")
@click.option("--baseline", "baseline_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="基线文件（budgetlint baseline 写出）：其中记为“不是问题”或“已确认”的问题不再显示，也不影响退出码。")
def check(files: tuple[str, ...], fmt: str, output: str | None, select: tuple[str, ...], ignore: tuple[str, ...],
          min_severity: str, fail_on: str | None, config_path: Path | None, no_color: bool, quiet: bool,
          statistics: bool, exit_zero: bool, jobs: int, timeout: float | None, max_memory: int | None,
          template: str | None, no_pair: bool, no_cross: bool, cache_dir: Path | None, no_cache: bool,
          scheduler: str | None, show_settings: bool, baseline_path: Path | None, no_page_images: bool) -> None:
    """检查预决算公开文档（check disclosures）。FILES 为文件或文件夹（检查其下全部文档）；
    "-" 表示从标准输入读取文件列表；"说明.pdf+报表.pdf" 把分两个文件发布的同一文档合并检查。

    \b
    输出：--format text（默认，终端）| json | sarif | csv（每个问题一行）| html | xlsx | pdf（批注版 PDF 原件）
    | png（每个问题一张页面图，问题单元格与相关单元格分色加框，另有 index.html；-o 为文件夹，
    默认 budgetlint-pages）| checklist（公开情况检查表，Excel：各部分符合要求 是/否/需人工确认 及问题）。
    html、xlsx、checklist、pdf 未给 -o 时写到当前文件夹（budgetlint-report.html / .xlsx，
    <原文件名>.budgetlint.pdf）；非 PDF 文档在 pdf 格式下跳过（不算错误）。

    \b
    退出码：0 无（不低于 --fail-on 级别的）问题；1 有问题；2 有文件无法读取或用法错误；
    130 被 Ctrl-C 中断（已检查的文件仍照常报告）。
    """
    try:
        cfg = load_config(config_path or find_config(Path.cwd()))
    except ConfigError as e:
        raise click.UsageError(str(e)) from e
    rules = _select_rules(_split(select) or cfg.select, _split(ignore) + cfg.ignore)
    _select_rules([], [s for sels in cfg.per_file_ignores.values() for s in sels])  # a typo is an error
    lim = _limits(cfg, timeout, max_memory)
    # the ingest limits of this process (sizes, pages, cells), handed to workers too; restored after
    # the command for a caller that runs several in one process (tests)
    click.get_current_context().call_on_close(partial(set_active, active()))
    set_active(lim)
    fail_level = Severity(fail_on or cfg.fail_on).rank
    floor = Severity(min_severity).rank
    if template is not None:
        from budgetlint.recognise.vocab import default_vocabulary

        known = default_vocabulary().templates
        if template not in known:
            raise click.UsageError(f"未知的模板 {template}（可用：{'、'.join(f'{k}（{v}）' for k, v in known.items())}）")
    if show_settings:
        _print_settings(cfg, rules, fail_on or cfg.fail_on, min_severity, baseline_path, jobs,
                        _in_workers(cfg, timeout, max_memory) or jobs > 1, lim)
        sys.exit(EXIT_OK)
    skipped: list[str] = []
    paths = _paths(files, skipped)
    err = Console(stderr=True, no_color=no_color)
    if skipped and not quiet:
        names = "、".join(Path(x).name for x in skipped[:5]) + ("等" if len(skipped) > 5 else "")
        err.print(f"budgetlint: 文件夹中跳过了 {len(skipped)} 个不像预决算公开文档的文件：{names}", highlight=False)
    if not paths:
        raise click.UsageError("没有给出要检查的文件")
    results = []
    all_paths = paths
    cache = _open_cache(cache_dir, no_cache, rules, cfg.severity, template)
    cached, paths = cache.split(paths) if cache is not None else ({}, paths)
    if cached and not quiet:
        err.print(f"budgetlint: {len(cached)} 个文件自上次检查后未变，沿用缓存的结果（{cache.folder}；--no-cache 重新检查）",
                  highlight=False)
    show_progress = len(paths) > 3 and err.is_terminal and not quiet
    if show_progress and jobs == 1 and not _in_workers(cfg, timeout, max_memory):
        from rich.progress import track

        iterator = track(paths, description="检查中…", console=err)
    else:
        iterator = paths
    interrupted = failing = False
    entries = None
    hidden = 0
    if baseline_path is not None:
        from budgetlint import baseline

        try:
            entries = baseline.load(baseline_path)
        except baseline.BaselineError as e:
            raise click.UsageError(str(e)) from e

    streamer = _streamer(fmt, output, all_paths)  # every input, the cached ones too, is refused as -o

    def keep(res, stream: bool = True) -> None:
        nonlocal failing, hidden
        res.findings = _per_file_ignored(res.findings, cfg.ignored_for(res.path))
        if entries is not None:
            hidden += baseline.apply([res], entries)
        # --severity filters what is shown, never the exit code
        failing = failing or any(f.severity.rank >= fail_level for f in res.findings)
        res.findings = [f for f in res.findings if f.severity.rank >= floor]
        if streamer is not None and stream:
            streamer.add(res)  # on disk as each document finishes: a killed run keeps them

    for res in cached.values():
        keep(res)
    done = cache.storing(keep) if cache is not None else keep  # each result stored as it finishes
    try:
        if not paths:
            pass
        elif scheduler is not None:
            from budgetlint.distributed import DaskMissing, check_on_dask

            try:
                with _progress(err if show_progress else None, len(paths), done) as (started, finished):
                    results = check_on_dask(paths, scheduler, jobs=jobs, rule_ids=[r.id for r in rules],
                                            overrides=cfg.severity, template=template, on_result=finished,
                                            limits=lim,  # defaults included: a resident child per worker
                                            on_start=started)
            except DaskMissing as e:
                raise click.UsageError(str(e)) from e
        elif jobs > 1 or _in_workers(cfg, timeout, max_memory):
            results = _check_in_workers(paths, rules, cfg.severity, jobs, lim, done,
                                        err if show_progress else None, template)
        else:
            for p in iterator:
                res = check_file(p, rules, cfg.severity, template)
                done(res)
                results.append(res)
    except KeyboardInterrupt as e:
        # Ctrl-C: what was checked is still reported, with its own exit code
        interrupted = True
        results = getattr(e, "results", results)
    results = merge(all_paths, cached, results) if cached else results
    paths = all_paths
    if interrupted:
        err.print(f"budgetlint: 已中断：{len(results)}/{len(paths)} 个文件已检查，以下只报告这些文件", highlight=False)
    if not no_pair and not interrupted:
        results = _pair_halves(results, rules, cfg.severity, keep, err if not quiet else None)
    if not no_cross and not interrupted and len(results) > 1:
        from budgetlint.crossdoc import cross_check

        cross_check(results, rules, cfg.severity, lambda res: keep(res, stream=False))
    if streamer is not None:
        streamer.close()
    if hidden and not quiet:
        err.print(f"budgetlint: 按基线 {baseline_path} 隐藏了 {hidden} 个已处理的问题", highlight=False)
    if fmt == "jsonl":
        if output and not quiet:
            err.print(f"已写入 {output}", highlight=False)
    elif fmt == "text":
        from budgetlint.report.text import render_statistics, render_text

        def show(console: Console) -> None:
            if statistics:
                render_statistics(results, console)
            elif quiet:
                _quiet_summary(results, console)
            else:
                render_text(results, console)

        if output:
            from budgetlint.report.outputs import OutputError, refuse_input

            try:
                refuse_input(Path(output), results)
            except OutputError as e:
                raise click.UsageError(str(e)) from e
            Path(output).parent.mkdir(parents=True, exist_ok=True)
            with Path(output).open("w", encoding="utf-8") as fh:
                # one finding per line in a file (grep, diff), never wrapped at a width
                show(Console(file=fh, no_color=True, width=120, soft_wrap=True))
        else:
            console = Console(no_color=no_color, highlight=False)
            if not console.is_terminal:
                console.soft_wrap = True  # piped: one finding per line
                console.width = 160
            show(console)
    else:
        from budgetlint.report.outputs import OutputError, write_report

        try:
            write_report(results, fmt, output, err if not quiet else None, page_images=not no_page_images)
        except OutputError as e:
            raise click.UsageError(str(e)) from e
        except OSError as e:
            err.print(f"budgetlint: 无法写入报告：{e}", highlight=False)
            sys.exit(EXIT_ERROR)
    if interrupted:
        sys.exit(EXIT_INTERRUPTED)
    if any(r.error for r in results):
        for r in results:
            if r.error:
                err.print(f"budgetlint: {r.path}: {r.error}", highlight=False, markup=False)  # "[ocr]" is no style
        sys.exit(EXIT_ERROR)
    if not exit_zero and failing:
        sys.exit(EXIT_FINDINGS)
    sys.exit(EXIT_OK)


@main.command("baseline", context_settings=CONTEXT)
@click.argument("files", nargs=-1, required=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="基线文件；已存在时追加（已有的条目保留）。")
@click.option("--reason", required=True, help="为什么这些问题不再显示（如：已核对，属模板差异）。")
@click.option("--by", "who", default="", help="谁做的判断。")
@click.option("--state", type=click.Choice(["dismissed", "confirmed"]), default="dismissed", show_default=True,
              help="dismissed 不是问题；confirmed 已确认（已知问题，暂不显示）。")
@click.option("--select", multiple=True, help="只记录这些规则的问题（写法同 check）。")
def baseline_cmd(files: tuple[str, ...], output: Path, reason: str, who: str, state: str,
                 select: tuple[str, ...]) -> None:
    """记录当前的问题为基线（baseline）：以后 check --baseline 文件 不再显示它们。

    问题按“指纹”识别（规则、表、行、列和数字，不含页码），文档重新排版后仍能对上。"""
    from budgetlint import baseline

    entries = []
    if output.exists():
        try:
            entries = baseline.load(output)
        except baseline.BaselineError as e:
            raise click.UsageError(str(e)) from e
    rules = _select_rules(_split(select), [])
    results = [check_file(p, rules) for p in _paths(files)]
    added = baseline.record([r for r in results if r.error is None], entries, state=state, reason=reason, by=who)
    baseline.save(output, entries)
    click.echo(f"已写入 {output}：新增 {added} 条，共 {len(entries)} 条", err=True)
    for r in results:
        if r.error:
            click.echo(f"budgetlint: {r.path}: {r.error}", err=True)


def _per_file_ignored(findings, selectors: list[str]):
    """Findings left once the configuration's ``per-file-ignores`` for this file are applied; an
    ignored rule neither shows nor changes the exit code, as if it had not run (ruff's meaning)."""
    if not selectors:
        return findings
    def hit(f, sel: str) -> bool:  # as the registry's select: ALL, an id prefix or a family
        return sel.upper() == "ALL" or f.rule.startswith(sel.upper()) or f.family == sel.lower()

    return [f for f in findings if not any(hit(f, s) for s in selectors)]


def _pair_halves(results, rules, overrides, keep, console):
    """A narrative published without its tables, and a tables file of the same body, year and kind
    without a narrative (北京's 附件1 说明 + 附件2 报表): one document, checked as "说明+报表" so the
    prose is checked against the tables. Only a pairing with exactly one partner on each side."""
    def ident(r):
        m = r.document.meta
        return (m.organisation, m.year, m.kind) if m.organisation and m.year else None

    prose = [r for r in results if r.document is not None and r.coverage is not None
             and r.coverage.status.value == "narrative_only" and ident(r)]
    tables = [r for r in results if r.document is not None and r.document.tables and r.coverage is not None
              and r.coverage.claims_total <= PAIR_MAX_CLAIMS and ident(r) and "+" not in r.path]
    merged: dict[int, object] = {}
    for a in prose:
        partners = [b for b in tables if ident(b) == ident(a)]
        if len(partners) != 1 or sum(1 for x in prose if ident(x) == ident(a)) != 1:
            continue
        b = partners[0]
        both = check_file(f"{a.path}+{b.path}", rules, overrides, a.document.meta.template
                          if a.document.meta.template_source == "user" else None)
        if both.error is not None:
            continue
        keep(both)
        merged[id(a)], merged[id(b)] = both, None
        if console is not None:
            console.print(f"budgetlint: {Path(a.path).name} 与 {Path(b.path).name} 是同一部门同一年度的说明与报表，"
                          "已合并检查（--no-pair 不合并）", highlight=False)
    out = []
    for r in results:
        if id(r) not in merged:
            out.append(r)
        elif merged[id(r)] is not None:
            out.append(merged[id(r)])
    return out


# A tables file "without a narrative" may still carry a few figures in its notes.
PAIR_MAX_CLAIMS = 3


def _print_settings(cfg, rules, fail_on, min_severity, baseline_path, jobs, workers: bool, lim) -> None:
    from budgetlint.limits import NAMES, Limits

    by_family: dict[str, list[str]] = {}
    for r in rules:
        by_family.setdefault(r.family, []).append(r.id)
    defaults = Limits()
    shown = "；".join(f"{NAMES[k]} {getattr(lim, k):,g}" + ("（已设置）" if getattr(lim, k) != getattr(defaults, k) else "")
                     for k in NAMES)
    lines = [
        f"配置文件：{cfg.path or '（没有，使用默认设置）'}",
        f"启用规则：{len(rules)} 条（{'；'.join(f'{fam} {len(ids)}' for fam, ids in by_family.items())}）",
        f"未启用：{'、'.join(sorted(set(REGISTRY) - {r.id for r in rules})) or '无'}",
        f"退出码为 1 的级别：{fail_on} 及以上；显示的级别：{min_severity} 及以上",
        f"级别调整：{'、'.join(f'{k}→{v}' for k, v in cfg.severity.items()) or '无'}",
        f"按文件不检查：{'；'.join(g + ' → ' + '、'.join(s) for g, s in cfg.per_file_ignores.items()) or '无'}",
        f"基线：{baseline_path or '无'}",
        f"并行：{jobs} 个工作进程" + ("" if workers else "（时间、内存上限只在 -j、--timeout、--max-memory 或配置文件设置时生效）"),
        f"每个文档的上限：{shown}",
    ]
    click.echo("\n".join(lines))


def _streamer(fmt: str, output: str | None, paths: list[str]):
    """The writer of each document's result as it finishes (report/stream.py), or None."""
    from budgetlint.report.outputs import OutputError, refuse_input
    from budgetlint.report.stream import Streamer, streams

    if not streams(fmt, output):
        return None
    if output is not None:
        from budgetlint.pipeline import Result

        try:  # before anything is written to it
            refuse_input(Path(output), [Result(path=p) for p in paths])
        except OutputError as e:
            raise click.UsageError(str(e)) from e
    return Streamer(fmt, output)


def _limits(cfg, timeout: float | None, max_memory: int | None):
    """The limits in force: the defaults, then the configuration file's [limits], then the options."""
    from budgetlint.limits import Limits

    options = {k: v for k, v in (("seconds", timeout), ("memory_mb", max_memory)) if v is not None}
    return Limits().with_values(cfg.limits).with_values(options)


def _in_workers(cfg, timeout: float | None, max_memory: int | None) -> bool:
    """Whether documents run in worker processes even without -j: when a time or memory limit is
    asked for (option or configuration file), since only a process of its own can be stopped. A
    plain run stays in this process (no start-up cost, one traceback path); its ingest limits
    (sizes, pages, OCR pages, cells) already bound each document's work."""
    return timeout is not None or max_memory is not None or bool({"seconds", "memory-mb", "memory_mb"} & set(cfg.limits))


def _check_in_workers(paths, rules, overrides, jobs, lim, keep, progress_console, template=None):
    """``check -j N``: worker processes with limits per document (budgetlint/batch.py)."""
    from budgetlint.batch import check_many

    with _progress(progress_console, len(paths), keep) as (started, finished):
        return check_many(paths, jobs=jobs, limits=lim, rule_ids=[r.id for r in rules], overrides=overrides,
                          on_result=finished, template=template, on_start=started)


@contextlib.contextmanager
def _progress(console, total: int, keep):
    """A progress bar over a batch (count, ETA, the documents being checked — or, where the
    engine does not say which are, the last one finished) → (started, finished) callbacks;
    without a console, ``keep`` alone."""
    if console is None:
        yield None, keep
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    with Progress(TextColumn("检查中…"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                  TextColumn("{task.description}"), console=console) as bar:
        task = bar.add_task("", total=total)
        current: dict[str, None] = {}  # in the order taken
        lock = threading.Lock()  # Dask tells of starts from its own thread
        done: set[str] = set()

        def show(last: str = "") -> None:
            names = "、".join(Path(p).name[:30] for p in current) or last
            bar.update(task, description=names[:50])

        def started(path: str) -> None:
            with lock:
                if path not in done:  # a start told after its result
                    current[path] = None
                    show()

        def finished(res) -> None:
            keep(res)
            with lock:
                done.add(res.path)
                current.pop(res.path, None)
                bar.advance(task)
                show(Path(res.path).name[:40])

        yield started, finished


def _open_cache(folder, off, rules, overrides, template):
    """The result cache of this run (budgetlint/resume.py), or None."""
    from budgetlint.resume import Cache, default_dir

    folder = folder or (None if off else default_dir())
    return None if off or folder is None else Cache(folder, [r.id for r in rules], overrides, template)


def _quiet_summary(results, console: Console) -> None:
    for r in results:
        if r.error:
            console.print(f"{r.path}: 无法读取")
        else:
            n = sum(1 for f in r.findings if f.severity is Severity.ERROR)
            console.print(f"{r.path}: {n} 个错误，共 {len(r.findings)} 个问题")


def _select_rules(sel: list[str], ign: list[str]):
    rules = all_rules()
    known = {r.id for r in rules} | {r.family for r in rules}
    for s in sel + ign:
        if s.upper() != "ALL" and s.lower() not in known and not any(r.id.startswith(s.upper()) for r in rules):
            raise click.UsageError(f"未知的规则选择器：{s}（可用 budgetlint rules 查看）")
    return select(rules, sel, ign)


@main.command(context_settings=CONTEXT)
@click.argument("file")
@click.option("--format", "fmt", type=click.Choice(["json", "xlsx"]), default="json", show_default=True,
              help="导出格式：json 或 xlsx。")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="输出文件；json 默认写到标准输出，xlsx 必须指定。")
def extract(file: str, fmt: str, output: Path | None) -> None:
    """导出识别出的结构化数据（extract）：元数据、各表（含科目编码、层级、各列金额及来源）、
    情况说明段落、项目清单与绩效目标表。"""
    from budgetlint.ingest import IngestError
    from budgetlint.pipeline import MEMORY_MESSAGE

    try:
        cfg = load_config(find_config(Path.cwd()))
    except ConfigError as e:
        raise click.UsageError(str(e)) from e
    click.get_current_context().call_on_close(partial(set_active, active()))
    set_active(_limits(cfg, None, None))
    try:
        doc = read_document(file)
    except IngestError as e:
        click.echo(f"budgetlint: {file}: {e}", err=True)
        sys.exit(EXIT_ERROR)
    except MemoryError:
        click.echo(f"budgetlint: {file}: {MEMORY_MESSAGE}", err=True)
        sys.exit(EXIT_ERROR)
    except Exception as e:  # noqa: BLE001 - never a traceback (check_file does the same)
        click.echo(f"budgetlint: {file}: 读取时发生内部错误（{type(e).__name__}），请将此文件报告给开发者", err=True)
        sys.exit(EXIT_ERROR)
    if output is not None and any(Path(p).resolve() == output.resolve() for p in file.split("+")):
        raise click.UsageError(f"输出文件 {output} 就是被读取的文件，不能覆盖它；请用 -o 指定另一个文件")
    if fmt == "json":
        from budgetlint.report.serialize import document_dict

        text = json.dumps(document_dict(doc), ensure_ascii=False, indent=2)
        if output:
            output.write_text(text + "\n", encoding="utf-8")
        else:
            click.echo(text)
    else:
        if output is None:
            output = Path(f"{Path(file.split('+')[0]).stem}.extract.xlsx")  # like check's default reports
        from budgetlint.report.xlsx_extract import write_xlsx

        write_xlsx(doc, output)
        click.echo(f"已写入 {output}", err=True)


@main.command(name="rules", context_settings=CONTEXT)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def rules_cmd(fmt: str) -> None:
    """列出全部检查规则（list rules）。"""
    rules = all_rules()
    if fmt == "json":
        click.echo(json.dumps([{"id": r.id, "name": r.name, "family": r.family, "severity": r.severity.value,
                                "title": r.title, "status": r.status, "since": r.since, "doc": r.doc}
                               for r in rules], ensure_ascii=False, indent=2))
        return
    for r in rules:
        click.echo(f"{r.id}  {r.severity.value:<7}  {r.family:<12}  {r.name:<28}  {r.title}")


@main.command(context_settings=CONTEXT)
@click.argument("rule_id")
def rule(rule_id: str) -> None:
    """查看一条规则的说明与示例（explain a rule），例如 budgetlint rule BL101。"""
    found = next((r for r in all_rules() if r.id == rule_id.upper()), None)
    if found is None:
        raise click.UsageError(f"没有规则 {rule_id}（可用 budgetlint rules 查看）")
    click.echo(f"{found.id} {found.name} —— {found.title}")
    click.echo(f"类别：{found.family}    级别：{found.severity.value}（{found.severity.label}）    状态：{found.status}")
    click.echo()
    import inspect

    click.echo(inspect.cleandoc(found.doc))


@main.group(context_settings=CONTEXT)
def catalog() -> None:
    """科目表（classification catalogs）：导入财政部官方科目表、查看可用科目表。"""


@catalog.command(name="import", context_settings=CONTEXT)
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--year", type=click.IntRange(1990, 2100), required=True, help="科目表适用的预算年度。")
@click.option("--force", is_flag=True, help="科目数远少于现用科目表时仍然导入（默认拒绝，以免误用样例文件）。")
def catalog_import(file: Path, year: int, force: bool) -> None:
    """导入财政部《政府收支分类科目》Excel（xlsx 或 xls）为某年度的官方科目表，优先于内置草案。"""
    from budgetlint.catalogs import CatalogError
    from budgetlint.catalogs.importer import import_catalog

    try:
        written = import_catalog(file, year, force=force)
    except CatalogError as e:
        click.echo(f"budgetlint: {file}: {e}", err=True)
        sys.exit(EXIT_ERROR)
    names = {"function": "支出功能分类", "econ_dept": "部门预算支出经济分类", "econ_gov": "政府预算支出经济分类"}
    for scheme, (out, n) in written.items():
        click.echo(f"{names[scheme]}：{n} 个科目 → {out}")


@catalog.command(name="remove", context_settings=CONTEXT)
@click.option("--year", type=click.IntRange(1990, 2100), required=True, help="要删除的已导入科目表的年度。")
@click.option("--scheme", type=click.Choice(["function", "econ_dept", "econ_gov"]), default=None,
              help="只删除这一种（默认删除该年度导入的全部）。")
def catalog_remove(year: int, scheme: str | None) -> None:
    """删除已导入的某年度官方科目表（内置草案不受影响），之后检查重新使用内置或更早的科目表。"""
    from budgetlint.catalogs.importer import remove_catalog

    removed = remove_catalog(year, scheme)
    if not removed:
        click.echo(f"budgetlint: 没有已导入的 {year} 年{'（' + scheme + '）' if scheme else ''}科目表"
                   "（budgetlint catalog list 查看）", err=True)
        sys.exit(EXIT_ERROR)
    for p in removed:
        click.echo(f"已删除 {p}")


@catalog.command(name="list", context_settings=CONTEXT)
def catalog_list() -> None:
    """列出可用的科目表（内置草案与已导入的官方科目表）。"""
    from budgetlint.catalogs import available

    for kind in ("function", "econ_dept", "econ_gov", "econ_mapping"):
        for year, source, path in sorted(available(kind)):
            click.echo(f"{kind:<13} {year}  {'已导入（官方）' if source == 'user' else '内置草案'}  {path}")


# the reviewer's workbench (optional extra ``web``; imported only when its commands run)
from budgetlint.web.cli import serve, user  # noqa: E402

main.add_command(serve)
main.add_command(user)


if __name__ == "__main__":  # pragma: no cover
    main()
