// budgetlint 审阅工作台：进度轮询与页面图（无外部依赖）
"use strict";
const STATES = {queued: "排队中", running: "检查中", done: "已完成", failed: "无法读取"};

async function pollBatch(box) {
  const res = await fetch(box.dataset.url, {credentials: "same-origin"});
  if (!res.ok) return setTimeout(() => pollBatch(box), 3000);
  const data = await res.json();
  document.getElementById("bar").value = data.finished;
  document.getElementById("count").textContent = `${data.finished} / ${data.total}`;
  for (const d of data.documents) {
    const row = document.getElementById(`doc-${d.id}`);
    if (!row) continue;
    row.dataset.state = d.state;
    row.querySelector(".state").textContent = d.error && d.state === "failed" ? `${STATES[d.state]}：${d.error}` : STATES[d.state];
    if (d.state === "done") {
      row.querySelector(".error").textContent = d.errors;
      row.querySelector(".warning").textContent = d.warnings;
      row.querySelector(".info").textContent = d.infos;
    }
  }
  if (data.complete) document.getElementById("done-note").hidden = false;
  else setTimeout(() => pollBatch(box), 1000);
}

async function pollDocument(p) {
  const res = await fetch(p.dataset.url, {credentials: "same-origin"});
  const data = res.ok ? await res.json() : null;
  if (data && (data.state === "done" || data.state === "failed")) location.reload();
  else setTimeout(() => pollDocument(p), 1500);
}

function showPage(li) {
  const img = document.getElementById("page-image");
  if (!img || !li.dataset.img) return;
  document.querySelectorAll(".finding.selected").forEach(x => x.classList.remove("selected"));
  li.classList.add("selected");
  img.src = li.dataset.img;
  img.hidden = false;
  const hint = document.getElementById("page-hint");
  if (hint) hint.hidden = true;
}

// 比较页：ECharts（随应用提供，static/vendor/）画柱状图；数据来自 /api/compare/…
async function drawCharts(box) {
  const res = await fetch(box.dataset.url, {credentials: "same-origin"});
  if (!res.ok || typeof echarts === "undefined") return;
  const data = await res.json();
  const labels = data.columns.map(c => c.label);
  for (const ch of data.charts) {
    const el = document.getElementById(`chart-${ch.id}`);
    if (!el || !ch.series.length) continue;
    const chart = echarts.init(el, null, {renderer: "svg"});
    const money = ch.unit !== "个";
    chart.setOption({
      animation: false,
      tooltip: {trigger: "axis", axisPointer: {type: "shadow"},
                valueFormatter: v => v == null ? "未列示" : (money ? v.toLocaleString("zh-CN", {maximumFractionDigits: 2}) + " " + ch.unit : v)},
      legend: {type: "scroll", top: 0},
      grid: {left: 10, right: 20, top: 40, bottom: 10, containLabel: true},
      xAxis: {type: "category", data: labels, axisLabel: {interval: 0, rotate: labels.length > 4 ? 25 : 0}},
      yAxis: {type: "value", name: ch.unit},
      series: ch.series.map(s => ({name: s.name, type: "bar", stack: ch.stacked ? "all" : undefined, data: s.data,
                                    emphasis: {focus: "series"}})),
    });
    addEventListener("resize", () => chart.resize());
    el.dataset.ready = "1";
  }
  box.dataset.ready = "1";
}

document.addEventListener("DOMContentLoaded", () => {
  const compare = document.getElementById("compare");
  if (compare) drawCharts(compare);
  const box = document.getElementById("progress");
  if (box) pollBatch(box);
  const waiting = document.getElementById("waiting");
  if (waiting) pollDocument(waiting);
  document.querySelectorAll(".show-page").forEach(b => b.addEventListener("click", () => showPage(b.closest(".finding"))));
  const target = location.hash && document.querySelector(location.hash);
  if (target && target.dataset.img) showPage(target);
});
