"""Terminal output (rich): grouped by document and table, coloured by severity, with a summary."""

from __future__ import annotations

from collections import Counter

from rich.console import Console
from rich.table import Table as RichTable
from rich.text import Text

from budgetlint.findings import Finding
from budgetlint.pipeline import Result
from budgetlint.report.common import FAMILY_LABELS, SEVERITIES, families_in_order, rank, template_note

_STYLE = {"error": "bold red", "warning": "yellow", "info": "cyan"}
_FAMILY = FAMILY_LABELS


def tolerance_text(tol) -> str:
    """A tolerance as a reviewer reads it: three significant digits ("0.005", not "0.0050005")."""
    return format(float(tol), ".3g")


def _where(f: Finding) -> str:
    loc = f.location
    bits = []
    if loc.page is not None:
        bits.append(f"p{loc.page}")
    if loc.line is not None:
        bits.append(f"L{loc.line}")
    return ":".join(bits)


def render_text(results: list[Result], console: Console) -> None:
    totals: Counter = Counter()
    families: Counter = Counter()
    cells: Counter = Counter()
    for r in results:
        if r.error is not None:
            label = r.coverage.status.label if r.coverage is not None else "无法读取"
            console.print(Text.assemble((f"{r.path}", "bold"), ": ", (label, "bold red"), f"：{r.error}"))
            totals["unreadable"] += 1
            continue
        doc = r.document
        head = f"{r.path}  —  {doc.meta.title or doc.meta.organisation or ''}（{doc.meta.kind.value}"
        head += f"，{doc.meta.year}年" if doc.meta.year else ""
        head += f"，{len(doc.tables)} 张表）"
        console.print(Text(head, style="bold"))
        cov = r.coverage
        if doc.meta.template:
            console.print(Text(f"  模板：{template_note(doc.meta)}", style="dim"))
        if cov is not None:
            console.print(Text(f"  {cov.summary}", style="dim" if cov.status.complete else "yellow"))
            for note in cov.not_checked:
                console.print(Text(f"    未检查：{note}", style="dim"))
        current = None
        for f in r.findings:
            totals[f.severity.value] += 1
            families[f.family] += 1
            cells[(f.family, f.severity.value)] += 1
            group = f.location.table_title or "文档"
            if group != current:
                current = group
                console.print(Text(f"  {('表' + str(f.location.table) + ' ') if f.location.table else ''}{group}",
                                   style="bold blue"))
            line = Text("    ")
            line.append(f"{f.rule} ", style="bold")
            line.append(f"[{f.severity.label}] ", style=_STYLE[f.severity.value])
            where = _where(f)
            if where:
                line.append(f"{where} ", style="dim")
            line.append(f.message)
            if f.tolerance is not None and f.tolerance > 0:
                line.append(f"（容差 {tolerance_text(f.tolerance)}{f.unit or ''}）", style="dim")
            console.print(line)
        if not r.findings:
            if cov is None or cov.status.complete:
                console.print(Text("  未发现问题", style="green"))
            else:
                console.print(Text(f"  未发现问题，但{cov.status.label}：见上方未检查的部分", style="yellow"))
    summary = RichTable(title="汇总", show_header=True, header_style="bold")
    summary.add_column("文件数", justify="right")
    summary.add_column("错误", style="red", justify="right")
    summary.add_column("警告", style="yellow", justify="right")
    summary.add_column("提示", style="cyan", justify="right")
    summary.add_column("无法读取", justify="right")
    summary.add_row(str(len(results)), str(totals["error"]), str(totals["warning"]), str(totals["info"]),
                    str(totals["unreadable"]))
    console.print(summary)
    if len(results) > 1:
        _ranking(results, console)
    if families:
        by = RichTable(title="按类别与级别", show_header=True, header_style="bold")
        by.add_column("类别")
        for sev in SEVERITIES:
            by.add_column(sev.label, style=_STYLE[sev.value], justify="right")
        by.add_column("合计", justify="right")
        for fam in families_in_order(set(families)):
            n = [cells[(fam, sev.value)] for sev in SEVERITIES]
            by.add_row(f"{_FAMILY.get(fam, fam)}（{fam}）", *(str(x) if x else "" for x in n), str(sum(n)))
        console.print(by)


def render_statistics(results: list[Result], console: Console) -> None:
    """``--statistics``: how many findings each rule gave, most first (as ruff does)."""
    from budgetlint.rules.registry import REGISTRY

    counts = Counter((f.rule, f.severity.value) for r in results for f in r.findings)
    for (rule_id, sev), n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
        meta = REGISTRY.get(rule_id)
        label = next(s.label for s in SEVERITIES if s.value == sev)
        console.print(Text.assemble((f"{n:>6}", "bold"), f"  {rule_id}  ", (f"[{label}]", _STYLE[sev]),
                                    f"  {meta.title if meta else ''}"))
    unreadable = sum(1 for r in results if r.error)
    if unreadable:
        console.print(Text(f"{unreadable:>6}  无法读取的文件", style="bold red"))


def _ranking(results: list[Result], console: Console) -> None:
    """Which documents to open first (report.common.rank): errors most, then those not checked in full."""
    table = RichTable(title="先看这些文件", show_header=True, header_style="bold")
    for col in ("#", "文件", "错误", "警告", "检查范围"):
        table.add_column(col, justify="right" if col in ("#", "错误", "警告") else "left")
    for n, r in enumerate(rank(results), 1):
        c = Counter(f.severity.value for f in r.findings)
        scope = r.coverage.status.label if r.coverage is not None else ""
        style = "" if r.coverage is None or r.coverage.status.complete else "yellow"
        table.add_row(str(n), r.path, str(c["error"] or ""), str(c["warning"] or ""), Text(scope, style=style))
    console.print(table)
