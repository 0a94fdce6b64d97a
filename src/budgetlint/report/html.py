"""``check --format html``: one self-contained page per run (inline CSS, JS and SVG; works offline).

The page has a summary (counts by severity and family, per document; for a batch, charts of the
documents ranked by findings, the findings by family and the coverage), then per document: its
meta, charts of the budget's structure (``charts.py``), its findings grouped by table, and every
recovered table rendered from the model with the offending cells highlighted. Findings and cells
link both ways: a finding links to its cell (``#d1-t4-r25-c3``) and to the cells it rests on; a
highlighted cell carries numbered links back to its findings (``#d1-f3``). Plain JS filters the
findings by severity, family, document and table, and every count on the page (summary cards,
the family table, the document list, each document's badges and groups) follows the filters
(elements with ``data-count="severity=error doc=d1"`` count the shown findings that match). The
document list sorts by any column. Written to a file (``write_html``), each finding of a PDF links
to its page rendered with the value boxed (``report/page_images.py``), in ``<report>_pages/``
beside the page. All UI text is Chinese.

Ids: document ``d{n}``; finding ``d{n}-f{k}`` (k = position in the document's findings, from 1);
table ``d{n}-t{i}``; row ``d{n}-t{i}-r{row}``; cell ``d{n}-t{i}-r{row}-c{j}`` (j = position of the
column in ``Table.columns``). Highlighted cells have class ``hl`` and ``hl-error`` /
``hl-warning`` / ``hl-info``; cells only cited by a finding have class ``rel``.
"""

from __future__ import annotations

import datetime as _dt
from collections import Counter
from html import escape
from pathlib import Path

from budgetlint import __version__
from budgetlint.checklist import build as build_checklist
from budgetlint.findings import Finding, Location
from budgetlint.model import Column, Document, Row, RowKind, Table
from budgetlint.pipeline import Result
from budgetlint.report.charts import batch_charts, budget_charts
from budgetlint.report.common import (
    SEVERITIES,
    CellMark,
    amount_text,
    cell_marks,
    code_text,
    counts,
    display_columns,
    display_rows,
    families_in_order,
    family_label,
    finding_numbers,
    header_grid,
    is_label_column,
    label_text,
    rank,
    resolve_column,
    shown_value,
    template_note,
    value_key,
)

CSS = """
:root{--err:#c0392b;--err-bg:#fde2e1;--warn:#9a6700;--warn-bg:#fff1b8;--info:#2b6cb0;--info-bg:#e3f0ff;
--line:#d9dee5;--muted:#5f6b7a;--bg:#f6f7f9;--ink:#1f2933}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--ink);font:14px/1.55 "Noto Sans CJK SC","Source Han Sans SC",
"PingFang SC","Microsoft YaHei","WenQuanYi Micro Hei",system-ui,sans-serif}
header.top{background:#1f3a5f;color:#fff;padding:18px 28px}
header.top h1{margin:0;font-size:22px;font-weight:600}
header.top p{margin:4px 0 0;color:#c9d6e8;font-size:13px}
main{max-width:1280px;margin:0 auto;padding:18px 28px 60px}
section.card{background:#fff;border:1px solid var(--line);border-radius:8px;padding:16px 20px;margin:16px 0}
h2{font-size:19px;margin:0 0 10px}h3{font-size:16px;margin:18px 0 8px}h4{font-size:14px;margin:12px 0 6px;color:#334}
.cards{display:flex;gap:12px;flex-wrap:wrap;margin:6px 0 12px}
.stat{flex:1;min-width:120px;border-radius:8px;padding:10px 14px;border:1px solid var(--line);background:#fafbfc}
.stat b{display:block;font-size:26px;line-height:1.2}.stat span{color:var(--muted);font-size:13px}
.stat.error b{color:var(--err)}.stat.warning b{color:var(--warn)}.stat.info b{color:var(--info)}
table.summary{border-collapse:collapse;margin:6px 0}
table.summary th,table.summary td{border:1px solid var(--line);padding:4px 10px;text-align:right}
table.summary th:first-child,table.summary td:first-child,table.summary .l{text-align:left}
table.summary thead th{background:#eef2f7}
.badge{display:inline-block;border-radius:10px;padding:0 8px;font-size:12px;font-weight:600;white-space:nowrap}
.badge.error{background:var(--err-bg);color:var(--err)}.badge.warning{background:var(--warn-bg);color:var(--warn)}
.badge.info{background:var(--info-bg);color:var(--info)}
#filters{position:sticky;top:0;z-index:5;display:flex;flex-wrap:wrap;gap:8px 20px;align-items:center;
background:#fff;border:1px solid var(--line);border-radius:8px;padding:10px 16px;box-shadow:0 2px 6px rgba(0,0,0,.05)}
#filters fieldset{border:0;margin:0;padding:0;display:flex;gap:10px;align-items:center;flex-wrap:wrap}
#filters legend{float:left;font-weight:600;margin-right:4px}
#filters label{white-space:nowrap;cursor:pointer}
#filters select{max-width:360px;padding:2px 4px}
#shown{margin-left:auto;color:var(--muted)}
dl.meta{display:grid;grid-template-columns:max-content 1fr;gap:2px 14px;margin:0}
dl.meta dt{color:var(--muted)}dl.meta dd{margin:0}
.charts{display:grid;grid-template-columns:repeat(auto-fill,minmax(360px,1fr));gap:16px}
figure.chart-box{margin:0;border:1px solid var(--line);border-radius:8px;padding:10px 12px;background:#fcfcfd}
figure.chart-box figcaption{font-weight:600;margin-bottom:4px}
figure.chart-box figcaption small{display:block;font-weight:400;color:var(--muted);font-size:12px}
svg.chart{display:block;width:100%;max-width:460px;height:auto;margin:4px auto 0;font-size:13px}
svg.chart .legend{fill:#263140}svg.chart .value{fill:#263140}svg.chart .share{fill:#6b7785;font-size:12px}
svg.chart .total-label{fill:#6b7785;font-size:13px}svg.chart .total-value{fill:#1f2933;font-size:15px;font-weight:600}
svg.chart .slice:hover,svg.chart .bar:hover{opacity:.8}
.batch-charts{display:grid;grid-template-columns:repeat(auto-fill,minmax(420px,1fr));gap:16px;margin:4px 0 14px}
.batch-charts .wide{grid-column:1/-1}
svg.chart-stack{width:auto;max-width:100%;margin:4px 0 0}
svg.chart-stack a:hover text{fill:#2f6db5;text-decoration:underline}svg.chart .more{font-style:italic}
ol.findings{list-style:none;margin:0;padding:0}
li.finding{border:1px solid var(--line);border-left:4px solid var(--info);border-radius:6px;padding:6px 12px;
margin:5px 0;background:#fff}
li.finding.error{border-left-color:var(--err)}li.finding.warning{border-left-color:#d69e00}
li.finding:target,li.finding.flash{box-shadow:0 0 0 3px #8fb3e8}
.fhead{display:flex;gap:8px;align-items:baseline;flex-wrap:wrap}
.fnum{color:var(--muted);font-variant-numeric:tabular-nums}.rule{font-weight:700;font-family:ui-monospace,monospace}
.family{color:var(--muted);font-size:12px}.msg{margin:2px 0}
.nums{font-variant-numeric:tabular-nums;color:#334}.nums b{font-weight:600}
.where,.evidence{color:var(--muted);font-size:13px}.evidence{word-break:break-all}
a.goto{font-size:13px;margin-left:10px}
details.tbl{border:1px solid var(--line);border-radius:8px;margin:10px 0;background:#fff}
details.tbl>summary{cursor:pointer;padding:8px 12px;font-weight:600;background:#f2f5f9;border-radius:8px}
details.tbl>summary .muted{font-weight:400;color:var(--muted);margin-left:8px}
.tablewrap{overflow-x:auto;padding:8px 12px 12px}
table.grid{border-collapse:collapse;font-size:13px;font-variant-numeric:tabular-nums}
table.grid th,table.grid td{border:1px solid #cfd6df;padding:3px 7px}
table.grid thead th{background:#eaf0f7;font-weight:600;text-align:center;vertical-align:middle}
table.grid td.num{text-align:right;white-space:nowrap}
table.grid td.code{font-family:ui-monospace,monospace;white-space:nowrap}
table.grid td.tot{font-weight:600;background:#f7f9fb}
table.grid td.name{min-width:12em}
table.grid td.lv2{padding-left:1.6em}table.grid td.lv3{padding-left:2.8em}
td.hl{position:relative}
td.hl-error{background:var(--err-bg)!important;outline:2px solid var(--err);outline-offset:-2px}
td.hl-warning{background:var(--warn-bg)!important;outline:2px solid #d69e00;outline-offset:-2px}
td.hl-info{background:var(--info-bg)!important;outline:1px dashed var(--info);outline-offset:-1px}
td.rel{outline:2px dashed #7a8796;outline-offset:-2px}
td.bad{color:var(--err);font-style:italic}
td:target,td.flash{box-shadow:inset 0 0 0 3px #2f6db5}
sup.refs a{font-size:10px;margin-left:2px;text-decoration:none;background:#1f3a5f;color:#fff;border-radius:6px;padding:0 4px}
sup.refs a.cited{background:#7a8796}
.err-doc{color:var(--err)}.muted{color:var(--muted)}
.none{color:#2f855a}.unchecked{color:#b7791f;font-weight:600}
footer{color:var(--muted);font-size:12px;text-align:center;margin-top:30px}
table.sortable th{cursor:pointer;user-select:none}table.sortable th[aria-sort=ascending]::after{content:" ▲"}
table.sortable th[aria-sort=descending]::after{content:" ▼"}
details.pageimg{margin:4px 0}details.pageimg summary{cursor:pointer;color:#2f6db5;font-size:13px}
details.pageimg img{display:block;max-width:100%;border:1px solid var(--line);margin-top:4px}
@media print{#filters{position:static}details.tbl{break-inside:avoid}}
"""

JS = """
(function(){
  function checked(name){return Array.from(document.querySelectorAll('#filters input[name="'+name+'"]:checked'))
    .map(function(x){return x.value;});}
  // Each count element names a conjunction ("doc=d3 severity=error"). A batch report holds
  // thousands of them and of findings: the shown findings are tallied once per set of names
  // the elements use, and each element looks its tally up (not a pass over the findings each).
  var counters=Array.from(document.querySelectorAll('[data-count]')).map(function(el){
    var parts=el.dataset.count.split(' ').filter(Boolean).map(function(p){
      var i=p.indexOf('=');return [p.slice(0,i),p.slice(i+1)];});
    parts.sort(function(a,b){return a[0]<b[0]?-1:(a[0]>b[0]?1:0);});
    var names=parts.map(function(p){return p[0];});
    return {el:el,names:names.join(' '),key:names.join(' ')+'|'+parts.map(function(p){return p[1];}).join('\u0001')};
  });
  var nameSets=Array.from(new Set(counters.map(function(c){return c.names;}))).map(function(n){
    return {names:n,list:n?n.split(' '):[]};});
  function apply(){
    var sev=new Set(checked('severity')), fam=new Set(checked('family'));
    var tab=document.getElementById('f-table').value, doc=document.getElementById('f-doc').value;
    var shown=0, total=0, visible=[];
    document.querySelectorAll('li.finding').forEach(function(li){
      total++;
      var ok=sev.has(li.dataset.severity)&&fam.has(li.dataset.family)&&(tab===''||li.dataset.table===tab)
        &&(doc===''||li.dataset.doc===doc);
      li.hidden=!ok; if(ok){shown++;visible.push(li);}
    });
    // every count on the page counts the findings shown
    var tally=new Map();
    visible.forEach(function(li){nameSets.forEach(function(ns){
      var k=ns.names+'|'+ns.list.map(function(n){var v=li.dataset[n];return v===undefined?'\u0002':v;}).join('\u0001');
      tally.set(k,(tally.get(k)||0)+1);});});
    counters.forEach(function(c){
      var n=tally.get(c.key)||0, el=c.el;
      el.textContent=(el.dataset.zero!==undefined&&n===0)?el.dataset.zero:String(n);
    });
    document.querySelectorAll('section.doc').forEach(function(s){s.hidden=!(doc===''||s.id===doc);});
    document.querySelectorAll('.fgroup').forEach(function(g){
      g.hidden=!g.querySelector('li.finding:not([hidden])');
    });
    document.querySelectorAll('details.tbl').forEach(function(d){
      d.hidden=!(tab===''||tab==='none'||d.dataset.table===tab);
    });
    document.getElementById('shown').textContent='显示 '+shown+' / '+total+' 个问题';
  }
  function reveal(){
    if(!location.hash){return;}
    var el=document.getElementById(decodeURIComponent(location.hash.slice(1)));
    if(!el){return;}
    var d=el.closest('details'); if(d){d.open=true;d.hidden=false;}
    if(el.hidden){el.hidden=false;}
    document.querySelectorAll('.flash').forEach(function(x){x.classList.remove('flash');});
    el.classList.add('flash'); el.scrollIntoView({block:'center'});
  }
  function sortBy(th){
    var table=th.closest('table'), body=table.tBodies[0], col=Array.from(th.parentNode.children).indexOf(th);
    var dir=th.getAttribute('aria-sort')==='ascending'?'descending':'ascending';
    table.querySelectorAll('th').forEach(function(x){x.removeAttribute('aria-sort');});
    th.setAttribute('aria-sort',dir);
    var rows=Array.from(body.rows), key=function(r){var c=r.cells[col];
      var v=c.dataset.v!==undefined?c.dataset.v:c.textContent.trim();
      if(v===''&&c.dataset.count!==undefined){return 0;} var n=parseFloat(v);
      return (v!==''&&!isNaN(n)&&String(n)===v)?n:v;};
    rows.sort(function(a,b){var x=key(a),y=key(b);
      var r=(typeof x==='number'&&typeof y==='number')?x-y:String(x).localeCompare(String(y),'zh-CN');
      return dir==='ascending'?r:-r;});
    rows.forEach(function(r){body.appendChild(r);});
  }
  document.querySelectorAll('table.sortable th').forEach(function(th){
    th.addEventListener('click',function(){sortBy(th);});});
  document.querySelectorAll('#filters input,#filters select').forEach(function(x){
    x.addEventListener('change',apply);});
  window.addEventListener('hashchange',reveal);
  apply(); reveal();
})();
"""


def _e(x: object) -> str:
    return escape(str(x), quote=True)


def _badge(f: Finding) -> str:
    return f'<span class="badge {f.severity.value}">{f.severity.label}</span>'


class _Ids:
    def __init__(self, d: int) -> None:
        self.d = d

    def doc(self) -> str:
        return f"d{self.d}"

    def finding(self, n: int) -> str:
        return f"d{self.d}-f{n}"

    def table(self, t: int) -> str:
        return f"d{self.d}-t{t}"

    def row(self, t: int, r: int) -> str:
        return f"d{self.d}-t{t}-r{r}"

    def cell(self, t: int, r: int, j: int) -> str:
        return f"d{self.d}-t{t}-r{r}-c{j}"


def _target(doc: Document, ids: _Ids, loc: Location) -> str | None:
    """The anchor of the cell, row or table a location points at."""
    if loc.table is None:
        return None
    table = next((t for t in doc.tables if t.index == loc.table), None)
    if table is None:
        return None
    if loc.row is None or not 0 <= loc.row < len(table.rows):
        return ids.table(table.index)
    row = table.rows[loc.row]
    col = resolve_column(table, row, loc.column) if loc.column in row.values else None
    if col is None:
        return ids.row(table.index, row.index)
    return ids.cell(table.index, row.index, table.columns.index(col))


def _loc_label(loc: Location) -> str:
    bits = []
    if loc.table is not None:
        bits.append(f"表{loc.table}")
    if loc.row_label:
        bits.append(f"「{loc.row_label}」")
    if loc.column_label:
        bits.append(loc.column_label)
    return " ".join(bits) or "文档"


def _finding_html(doc: Document, ids: _Ids, n: int, f: Finding, image: str | None = None) -> str:
    loc = f.location
    table_key = str(loc.table) if loc.table is not None else "none"
    out = [f'<li class="finding {f.severity.value}" id="{ids.finding(n)}" data-fingerprint="{f.fingerprint}" data-severity="{f.severity.value}" '
           f'data-family="{_e(f.family)}" data-table="{ids.doc()}-{table_key}" data-doc="{ids.doc()}">',
           f'<div class="fhead"><span class="fnum">#{n}</span><span class="rule">{_e(f.rule)}</span>{_badge(f)}'
           f'<span class="family">{_e(family_label(f.family))} · {_e(f.name)}</span></div>',
           f'<div class="msg">{_e(f.message)}</div>']
    nums = [f"{label} <b>{_e(text)}</b>" for label, text in finding_numbers(f)]
    if f.tolerance is not None and f.tolerance > 0:
        nums.append(f"容差 {_e(amount_text(f.tolerance))}")
    if nums:
        out.append(f'<div class="nums">{"，".join(nums)}{_e("（" + f.unit + "）") if f.unit else ""}</div>')
    links = []
    target = _target(doc, ids, loc)
    if target:
        links.append(f'<a class="goto" href="#{target}">在表中查看</a>')
    for rel in f.related:
        t = _target(doc, ids, rel)
        if t:
            links.append(f'<a class="goto rel" href="#{t}">相关：{_e(_loc_label(rel))}</a>')
    where = loc.describe()
    if where or links:
        out.append(f'<div class="where">{"位置：" + _e(where) if where else ""} {"".join(links)}</div>')
    if f.evidence:
        out.append(f'<div class="evidence">依据：{_e(f.evidence)}</div>')
    if image:
        out.append(f'<details class="pageimg"><summary>原文页面（第{_e(loc.page or "")}页，问题处加框）</summary>'
                   f'<a href="{_e(image)}"><img loading="lazy" src="{_e(image)}" alt="{_e(f.rule)} 所在页面"></a>'
                   "</details>")
    out.append("</li>")
    return "".join(out)


# ---------------------------------------------------------------------------------------------
# Tables


def _header_rows(cols: list[Column]) -> list[str]:
    rows = []
    for cells in header_grid(cols):
        rows.append("<tr>" + "".join(
            f'<th{f" colspan={cs}" if cs > 1 else ""}{f" rowspan={rs}" if rs > 1 else ""}>{_e(text)}</th>'
            for text, _i, cs, rs in cells) + "</tr>")
    return rows


def _refs(ids: _Ids, mark: CellMark | None) -> str:
    if mark is None:
        return ""
    links = [f'<a href="#{ids.finding(n)}" title="{_e(f.rule + " " + f.message)}">{n}</a>' for n, f in mark.findings]
    links += [f'<a class="cited" href="#{ids.finding(n)}" title="{_e("相关：" + f.rule + " " + f.message)}">{n}</a>'
              for n, f in mark.related if all(n != k for k, _ in mark.findings)]
    return f'<sup class="refs">{"".join(links)}</sup>' if links else ""


def _mark_attrs(mark: CellMark | None, classes: list[str]) -> tuple[list[str], str]:
    if mark is None:
        return classes, ""
    sev = mark.severity
    if sev is not None:
        classes = classes + ["hl", f"hl-{sev.value}"]
    elif mark.related:
        classes = classes + ["rel"]
    tips = [f"{f.rule} [{f.severity.label}] {f.message}" for _, f in mark.findings]
    tips += [f"相关：{f.rule} {f.message}" for _, f in mark.related]
    return classes, f' title="{_e(chr(10).join(tips))}"' if tips else ""


def _cell(ids: _Ids, table: Table, row: Row | None, col: Column, cols: list[Column],
          marks: dict[tuple[int, int, str | None], CellMark]) -> str:
    if row is None:
        return "<td></td>"
    classes: list[str] = []
    attrs = ""
    body = ""
    if col.role == "amount":
        key = value_key(col)
        v = row.values.get(key)
        classes.append("num")
        body = _e(shown_value(v))
        if v is not None and v.amount is None and not v.blank:
            classes.append("bad")
        mark = marks.get((table.index, row.index, key))
        classes, tip = _mark_attrs(mark, classes)
        attrs = f' id="{ids.cell(table.index, row.index, table.columns.index(col))}"{tip}'
        body += _refs(ids, mark)
    elif col.role in ("code", "code_part"):
        classes.append("code")
        body = _e(code_text(row, col))
    elif is_label_column(col):
        row_mark = marks.get((table.index, row.index, None))
        body = _e(label_text(row, cols))
        classes.append("name")
        if row.kind is RowKind.ITEM and row.level >= 2:
            classes.append(f"lv{min(row.level, 3)}")
        classes, tip = _mark_attrs(row_mark, classes)
        attrs = f' id="{ids.row(table.index, row.index)}"{tip}'
        note = row.ambiguous or row.repaired
        if note:
            attrs += f' data-note="{_e(note)}"'
        body += _refs(ids, row_mark)
    else:
        body = _e(row.texts.get(col.key, ""))
    if row.kind is not RowKind.ITEM:
        classes.append("tot")
    cls = f' class="{" ".join(classes)}"' if classes else ""
    return f"<td{cls}{attrs}>{body}</td>"


def _table_html(doc: Document, ids: _Ids, table: Table, marks: dict[tuple[int, int, str | None], CellMark],
                n_findings: int) -> str:
    cols = display_columns(table)
    unit = f"，单位：{table.unit.value}" if table.unit else ""
    where = (f"，第{table.provenance.page}页" if table.provenance.page else "") + (
        f"，第{table.provenance.line}行起" if table.provenance.line else "")
    issues = f"，{n_findings} 个问题" if n_findings else ""
    parts = [f'<details class="tbl" id="{ids.table(table.index)}" data-table="{ids.doc()}-{table.index}"'
             f'{" open" if n_findings else ""}>',
             f'<summary>表{table.index}　{_e(table.title)}<span class="muted">'
             f"{_e(table.kind_label + unit)}，{len(table.rows)} 行{_e(issues + where)}</span></summary>"]
    if table.empty_note:
        parts.append(f'<p class="muted" style="margin:6px 12px">{_e(table.empty_note)}</p>')
    parts.append('<div class="tablewrap"><table class="grid"><thead>' + "".join(_header_rows(cols)) + "</thead><tbody>")
    has_label = any(is_label_column(c) for c in cols)
    for line in display_rows(table, cols):
        attrs = ""
        row = line[0][0] if line else None
        if not has_label and row is not None:
            # no label cell to anchor the row (三公 matrix): the <tr> carries the row's id and mark
            classes, tip = _mark_attrs(marks.get((table.index, row.index, None)), [])
            attrs = f' id="{ids.row(table.index, row.index)}"{tip}'
            if classes:
                attrs += f' class="{" ".join(classes)}"'
        parts.append(f"<tr{attrs}>" + "".join(_cell(ids, table, r, c, cols, marks) for r, c in line) + "</tr>")
    parts.append("</tbody></table></div></details>")
    return "".join(parts)


# ---------------------------------------------------------------------------------------------
# Page


def _summary(results: list[Result]) -> str:
    findings = [f for r in results for f in r.findings]
    sev = Counter(f.severity.value for f in findings)
    unreadable = sum(1 for r in results if r.error)
    out = ['<section class="card" id="summary"><h2>汇总</h2><div class="cards">',
           f'<div class="stat"><b>{len(results)}</b><span>文件</span></div>']
    for s in SEVERITIES:
        out.append(f'<div class="stat {s.value}"><b data-count="severity={s.value}">{sev[s.value]}</b>'
                   f'<span>{s.label}</span></div>')
    out.append(f'<div class="stat"><b>{unreadable}</b><span>无法读取</span></div>')
    partial = sum(1 for r in results if r.coverage is not None and not r.error and not r.coverage.status.complete)
    out.append(f'<div class="stat"><b>{partial}</b><span>未完整检查</span></div></div>')
    out.append(_batch_charts(results))
    by = counts(findings)
    fams = families_in_order({f.family for f in findings})
    if fams:
        out.append('<table class="summary" id="by-family"><thead><tr><th>类别</th>'
                   + "".join(f"<th>{s.label}</th>" for s in SEVERITIES) + "<th>合计</th></tr></thead><tbody>")
        for fam in fams:
            row = [by.get((fam, s.value), 0) for s in SEVERITIES]
            out.append(f"<tr><td>{_e(family_label(fam))} <span class='muted'>{_e(fam)}</span></td>"
                       + "".join(f'<td data-count="family={_e(fam)} severity={sv.value}" data-zero="">{n or ""}</td>'
                                 for n, sv in zip(row, SEVERITIES, strict=True))
                       + f'<td data-count="family={_e(fam)}">{sum(row)}</td></tr>')
        out.append("</tbody></table>")
    if len(results) > 1:
        out.append(_document_list(results))
    out.append("</section>")
    return "".join(out)


def _batch_charts(results: list[Result]) -> str:
    """A batch (two or more documents) at a glance: the ranking, the families, the coverage, drawn
    by ``charts.batch_charts``; they show every finding, whatever the filters."""
    charts = batch_charts(results)
    if not charts:
        return ""
    out = ['<div class="batch-charts">']
    for ch in charts:
        wide = " wide" if ch.id == "batch_ranking" else ""
        out.append(f'<figure class="chart-box{wide}" id="chart-{ch.id}"><figcaption>{_e(ch.title)}'
                   f"<small>{_e(_CHART_NOTES.get(ch.id, ''))}</small></figcaption>{ch.svg()}</figure>")
    out.append("</div>")
    return "".join(out)


_CHART_NOTES = {
    "batch_ranking": "错误多的、未完整检查的在前；点击文件名跳到该文件；全部问题，不随筛选变化",
    "batch_families": "全部文件的问题，按规则类别和级别",
    "batch_coverage": "各文件的检查范围：未完整检查的文件，未发现问题不等于没有问题",
}


def _document_list(results: list[Result]) -> str:
    """The documents in the order to open them (report.common.rank); any column sorts the list
    (click its head), the counts follow the filters."""
    out = ['<h3>各文件（按先看的顺序：错误多的、未完整检查的在前；点击列名排序）</h3>'
           '<table class="summary sortable" id="by-document"><thead><tr><th>序</th><th>文件</th>'
           '<th class="l">单位</th><th>类型</th><th>年度</th>'
           + "".join(f"<th>{s.label}</th>" for s in SEVERITIES) + "<th>检查范围</th><th>表格（已核对/找到）</th>"
           "</tr></thead><tbody>"]
    number = {id(r): d for d, r in enumerate(results, 1)}
    for order, r in enumerate(rank(results), 1):
        d = number[id(r)]
        meta = r.document.meta if r.document is not None else None
        org = (meta.organisation or meta.title) if meta is not None else ""
        c = Counter(f.severity.value for f in r.findings)
        cells = ("".join(f'<td data-count="doc=d{d} severity={s.value}" data-zero="">{c[s.value] or ""}</td>'
                         for s in SEVERITIES) if not r.error else '<td colspan="3" class="err-doc">无法读取</td>')
        cells += _status_cell(r)
        cov = r.coverage
        share = cov.tables_checked / cov.tables if cov is not None and cov.tables else -1
        cells += (f'<td data-v="{share:.3f}">{cov.tables_checked}/{cov.tables}</td>' if cov is not None and meta
                  else '<td data-v="-1"></td>')
        kind_year = (f"<td>{_e(meta.kind.value)}</td><td>{meta.year or ''}</td>" if meta is not None
                     else "<td></td><td></td>")
        out.append(f'<tr><td>{order}</td><td class="l"><a href="#d{d}">{_e(Path(r.path).name)}</a></td>'
                   f'<td class="l">{_e(org or "")}</td>{kind_year}{cells}</tr>')
    out.append("</tbody></table>")
    return "".join(out)


def _status_cell(r: Result) -> str:
    cov = r.coverage
    if cov is None:
        return "<td></td>"
    cls = "none" if cov.status.complete else ("err-doc" if r.error else "unchecked")
    return f'<td class="{cls}" title="{_e("；".join(cov.not_checked))}">{_e(cov.status.label)}</td>'


def _no_findings(r: Result, tag: str) -> str:
    """Green "no problems" only for a document checked in full; otherwise say what was not checked."""
    if r.coverage is None or r.coverage.status.complete:
        return f'<{tag} class="none">未发现问题</{tag}>'
    return f'<{tag} class="unchecked">未发现问题，但{_e(r.coverage.status.label)}（见检查范围）</{tag}>'


def _coverage_html(r: Result) -> str:
    cov = r.coverage
    if cov is None:
        return ""
    cls = "muted" if cov.status.complete else "unchecked"
    out = [f'<dt>检查范围</dt><dd><span class="{cls}">{_e(cov.summary)}</span>']
    if cov.not_checked:
        out.append('<ul class="not-checked">' + "".join(f"<li>未检查：{_e(n)}</li>" for n in cov.not_checked)
                   + "</ul>")
    out.append("</dd>")
    return "".join(out)


def _filters(results: list[Result]) -> str:
    findings = [f for r in results for f in r.findings]
    fams = families_in_order({f.family for f in findings}) or ["arithmetic"]
    out = ['<section id="filters" aria-label="筛选">',
           '<fieldset><legend>级别</legend>']
    for s in SEVERITIES:
        out.append(f'<label><input type="checkbox" name="severity" value="{s.value}" checked> '
                   f'<span class="badge {s.value}">{s.label}</span></label>')
    out.append('</fieldset><fieldset><legend>类别</legend>')
    for fam in fams:
        out.append(f'<label><input type="checkbox" name="family" value="{_e(fam)}" checked> '
                   f'{_e(family_label(fam))}</label>')
    multi = len(results) > 1
    out.append('</fieldset><fieldset' + ('' if multi else ' hidden') + '><legend>文件</legend>'
               '<select id="f-doc"><option value="">全部文件</option>')
    for d, r in enumerate(results, 1):
        out.append(f'<option value="d{d}">{_e(_doc_name(r))}</option>')
    out.append('</select></fieldset><fieldset><legend>表格</legend><select id="f-table"><option value="">全部表格</option>')
    for d, r in enumerate(results, 1):
        if r.document is None:
            continue
        prefix = f"{Path(r.path).name} · " if multi else ""
        for t in r.document.tables:
            n = sum(1 for f in r.findings if f.location.table == t.index)
            out.append(f'<option value="d{d}-{t.index}">{_e(prefix)}表{t.index} {_e(t.title)}'
                       f'{f"（{n}）" if n else ""}</option>')
        if any(f.location.table is None for f in r.findings):
            out.append(f'<option value="d{d}-none">{_e(prefix)}不属于表格的问题</option>')
    out.append('</select></fieldset><span id="shown"></span></section>')
    return "".join(out)


def _doc_name(r: Result) -> str:
    """A document as the filter names it: its file, and its organisation when known."""
    org = r.document.meta.organisation if r.document is not None else None
    return Path(r.path).name + (f"（{org}）" if org else "")


def _checklist_html(doc: Document, r: Result) -> str:
    """The reviewer's 公开情况检查表 for the document (budgetlint.checklist), a row per part."""
    c = build_checklist(doc, r.findings)
    if c is None:
        return ""
    cls = {"是": "none", "否": "err-doc", "需人工确认": "unchecked"}
    rows = []
    for p in c.parts:
        problems = "".join(f"<li>{_e(x)}</li>" for x in p.problems)
        rows.append(f"<tr><td>{_e(p.group)}</td><td>{_e(p.name)}</td>"
                    f'<td class="{cls.get(p.verdict, "")}">{_e(p.verdict)}</td>'
                    f'<td>{f"<ul>{problems}</ul>" if problems else ""}</td></tr>')
    return (f'<details class="checklist" open><summary><h3 style="display:inline">{_e(c.title)}</h3></summary>'
            f'<p class="muted">部门名称：{_e(c.organisation)}</p>'
            f'<table class="checklist"><thead><tr><th colspan="2">{_e(c.heading)}</th><th>符合要求</th><th>问题</th>'
            f'</tr></thead><tbody>{"".join(rows)}</tbody></table></details>')


def _document(d: int, r: Result, images: dict[tuple[int, int], str] | None = None) -> str:
    ids = _Ids(d)
    name = Path(r.path).name
    if r.document is None:
        return (f'<section class="card doc" id="{ids.doc()}"><h2>{_e(name)}</h2>'
                f'<p class="err-doc">{_e(r.coverage.status.label if r.coverage else "无法读取")}：{_e(r.error or "")}</p>'
                f'<p class="muted">{_e(r.path)}</p></section>')
    doc = r.document
    m = doc.meta
    out = [f'<section class="card doc" id="{ids.doc()}"><h2>{_e(m.title or name)}</h2><dl class="meta">']
    for k, v in (("文件", r.path), ("单位", m.organisation), ("年度", m.year), ("类型", m.kind.value),
                 ("模板", template_note(m)), ("来源格式", m.source_format),
                 ("识别", f"{len(doc.tables)} 张表，{len(doc.forms)} 张绩效目标表")):
        if v:
            out.append(f"<dt>{k}</dt><dd>{_e(v)}</dd>")
    out.append(_coverage_html(r))
    c = Counter(f.severity.value for f in r.findings)
    out.append("<dt>问题</dt><dd>" + (" ".join(
        f'<span class="badge {s.value}">{s.label} <span data-count="doc={ids.doc()} severity={s.value}">'
        f'{c[s.value]}</span></span>' for s in SEVERITIES if c[s.value]) or _no_findings(r, "span"))
        + "</dd></dl>")
    out.append(_checklist_html(doc, r))
    charts = budget_charts(doc)
    if charts:
        out.append('<h3>预算结构</h3><div class="charts">')
        for ch in charts:
            out.append(f'<figure class="chart-box" id="{ids.doc()}-chart-{ch.id}"><figcaption>{_e(ch.title)}'
                       f'<small>单位：{_e(ch.unit)}；来源：{_e(ch.source)}</small></figcaption>{ch.svg()}</figure>')
        out.append("</div>")
    out.append(f'<h3>问题（<span data-count="doc={ids.doc()}">{len(r.findings)}</span>）</h3>')
    if not r.findings:
        out.append(_no_findings(r, "p"))
    groups: dict[int | None, list[tuple[int, Finding]]] = {}
    for n, f in enumerate(r.findings, 1):
        groups.setdefault(f.location.table, []).append((n, f))
    titles = {t.index: t.title for t in doc.tables}
    for key in sorted(groups, key=lambda k: (k is not None, k or 0)):
        items = sorted(groups[key], key=lambda x: (-x[1].severity.rank, x[0]))  # errors first, then in place
        head = f"表{key}　{titles.get(key) or items[0][1].location.table_title or ''}" if key is not None else "文档"
        anchor = f' <a class="muted" href="#{ids.table(key)}">查看表格</a>' if key in titles else ""
        table_key = f"{ids.doc()}-{key if key is not None else 'none'}"
        out.append(f'<div class="fgroup"><h4>{_e(head)}（<span data-count="table={table_key}">{len(items)}</span>）'
                   f'{anchor}</h4><ol class="findings">')
        out.extend(_finding_html(doc, ids, n, f, (images or {}).get((d, n))) for n, f in items)
        out.append("</ol></div>")
    marks = cell_marks(doc, r.findings)
    if doc.tables:
        out.append("<h3>识别出的表格</h3>")
        per_table = Counter(f.location.table for f in r.findings)
        for t in doc.tables:
            out.append(_table_html(doc, ids, t, marks, per_table[t.index]))
    out.append("</section>")
    return "".join(out)


def write_html(results: list[Result], path: Path, with_images: bool = True) -> None:
    """The report at ``path``, each PDF finding linked to its page image in ``<stem>_pages/``
    (``with_images=False``: no pictures, for a quick report of a large batch)."""
    images = page_images(results, path.parent / f"{path.stem}_pages") if with_images else None
    path.write_text(render_html(results, images=images), encoding="utf-8")


def page_images(results: list[Result], folder: Path) -> dict[tuple[int, int], str]:
    """(document number, finding number) → the finding's page image (``--format png``'s picture:
    the page rendered, the value boxed), as a link relative to the report; PDF documents only.
    A document whose pages cannot be rendered simply gets no pictures."""
    from budgetlint.report.page_images import finding_images

    out: dict[tuple[int, int], str] = {}
    for d, r in enumerate(results, 1):
        if r.document is None or r.document.meta.source_format != "pdf" or not r.findings:
            continue
        try:
            shots = finding_images(r, folder / f"d{d}")
        except Exception:  # a broken page: the report is still written, without its pictures
            continue
        for n, shot in enumerate(shots, 1):
            if shot.path is not None:
                out[(d, n)] = f"{folder.name}/d{d}/{shot.path.name}"
    return out


def render_html(results: list[Result], title: str = "预决算公开文档检查报告",
                images: dict[tuple[int, int], str] | None = None) -> str:
    now = _dt.datetime.now().strftime("%Y-%m-%d %H:%M")
    names = "、".join(Path(r.path).name for r in results[:3]) + ("等" if len(results) > 3 else "")
    body = [_summary(results), _filters(results)] + [_document(d, r, images) for d, r in enumerate(results, 1)]
    return ("<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\">"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            f"<meta name=\"generator\" content=\"budgetlint {__version__}\">"
            f"<title>{_e(title)} — {_e(names)}</title><style>{CSS}</style></head><body>"
            f"<header class=\"top\"><h1>{_e(title)}</h1><p>budgetlint {__version__} · 生成于 {now} · "
            f"{len(results)} 个文件</p></header><main>" + "".join(body)
            + "<footer>本报告由 budgetlint 生成，单个文件，离线可用。级别：错误 = 文档有误；警告 = 可能有误或无法核实；"
            "提示 = 供参考（含读取说明）。</footer></main>"
            f"<script>{JS}</script></body></html>\n")
