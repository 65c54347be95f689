// The overview's charts over GET /minute_job_stats (one row per minute and
// queue that had finished jobs), drawn with uPlot (vendor/uplot).
import { h } from "./dashboard_file?name=js/dom.js";
import { duration } from "./dashboard_file?name=js/format.js";

export const WINDOW_MINUTES = 60;

const cssVar = (name) => getComputedStyle(document.documentElement).getPropertyValue(name).trim();

/** The last hour minute by minute, gaps filled: counts with 0, durations
 * with null (no line where nothing finished). Over all queues the p50 and
 * queue time are the means weighted by jobs, and the p95 the worst queue's. */
export function minuteSeries(rows, queue, now = Date.now()) {
  const end = Math.floor(now / 60000) * 60;
  const start = end - WINDOW_MINUTES * 60;
  const xs = [];
  for (let t = start; t <= end; t += 60) xs.push(t);
  const n = xs.length;
  const zeros = () => new Array(n).fill(0);
  const nulls = () => new Array(n).fill(null);
  const completed = zeros(), failed = zeros(), cancelled = zeros();
  const p50 = nulls(), p95 = nulls(), queueTime = nulls();
  const p50Weight = zeros(), queueWeight = zeros();
  for (const row of rows) {
    if (queue && row.queue !== queue) continue;
    const i = (Date.parse(row.minute) / 1000 - start) / 60;
    if (!Number.isInteger(i) || i < 0 || i >= n) continue;
    completed[i] += Number(row.completed) || 0;
    failed[i] += Number(row.failed) || 0;
    cancelled[i] += Number(row.cancelled) || 0;
    if (row.p50_duration !== null && row.completed > 0) {
      p50[i] = (p50[i] || 0) + Number(row.p50_duration) * row.completed;
      p50Weight[i] += Number(row.completed);
    }
    if (row.p95_duration !== null) p95[i] = Math.max(p95[i] ?? 0, Number(row.p95_duration));
    if (row.mean_queue_time !== null && row.finished > 0) {
      queueTime[i] = (queueTime[i] || 0) + Number(row.mean_queue_time) * row.finished;
      queueWeight[i] += Number(row.finished);
    }
  }
  for (let i = 0; i < n; i++) {
    if (p50Weight[i]) p50[i] /= p50Weight[i];
    if (queueWeight[i]) queueTime[i] /= queueWeight[i];
  }
  const finished = completed.reduce((a, b) => a + b, 0) + failed.reduce((a, b) => a + b, 0)
    + cancelled.reduce((a, b) => a + b, 0);
  return { xs, completed, failed, cancelled, p50, p95, queueTime, finished };
}

/** A chart that keeps its uPlot between polls and follows its box's width. */
export class MinuteChart {
  constructor(kind, testid, title) {
    this.kind = kind;
    this.plot = null;
    this.canvas = h("div", { class: "chart-canvas" });
    this.note = h("div", { class: "chart-note", hidden: true });
    this.el = h("div", { class: "chart card", "data-testid": testid },
      h("div", { class: "chart-title" }, title), this.canvas, this.note);
    this.resize = new ResizeObserver(() => {
      if (this.plot) this.plot.setSize(this.size());
    });
    this.resize.observe(this.canvas);
  }

  size() {
    return { width: Math.max(240, this.canvas.clientWidth), height: 200 };
  }

  options() {
    const bars = window.uPlot.paths.bars;
    const axes = [
      { stroke: cssVar("--muted"), grid: { stroke: cssVar("--grid") }, ticks: { stroke: cssVar("--grid") } },
      {
        stroke: cssVar("--muted"), grid: { stroke: cssVar("--grid") }, ticks: { stroke: cssVar("--grid") },
        // Wide enough for the longest label ("500,000", "26 min 57 s").
        size: (u, values) => 18 + 7 * Math.max(3, ...(values || []).map((v) => String(v).length)),
        values: this.kind === "counts"
          ? (u, ticks) => ticks.map((t) => Number(t).toLocaleString())
          : (u, ticks) => ticks.map((t) => duration(t)),
      },
    ];
    const series = this.kind === "counts"
      ? [
        {},
        { label: "completed", stroke: cssVar("--completed"), fill: cssVar("--completed-soft"),
          paths: bars({ size: [0.42, 24], align: -1 }), points: { show: false } },
        { label: "failed", stroke: cssVar("--failed"), fill: cssVar("--failed-soft"),
          paths: bars({ size: [0.42, 24], align: 1 }), points: { show: false } },
      ]
      : [
        {},
        { label: "p50 duration", stroke: cssVar("--completed"), width: 2, value: (u, v) => duration(v) },
        { label: "p95 duration", stroke: cssVar("--running"), width: 2, value: (u, v) => duration(v) },
        { label: "mean queue time", stroke: cssVar("--queued"), width: 2, dash: [5, 4], value: (u, v) => duration(v) },
      ];
    return {
      ...this.size(),
      series,
      axes,
      scales: { x: { time: true }, y: { range: (u, min, max) => [0, Math.max(this.kind === "counts" ? 4 : 1, max * 1.1)] } },
      cursor: { drag: { x: false, y: false } },
      legend: { live: true },
    };
  }

  update(series) {
    this.canvas.hidden = false;
    const data = this.kind === "counts"
      ? [series.xs, series.completed, series.failed]
      : [series.xs, series.p50, series.p95, series.queueTime];
    if (!window.uPlot) {
      this.showNote("The chart library did not load.", "chart-error");
      return;
    }
    if (this.plot) this.plot.setData(data);
    else this.plot = new window.uPlot(this.options(), data, this.canvas);
    if (series.finished === 0) this.showNote("No jobs finished in the last hour", "chart-empty");
    else this.note.hidden = true;
  }

  showError(message) {
    if (this.plot) {
      this.plot.destroy();
      this.plot = null;
    }
    this.canvas.hidden = true;
    this.showNote(`Chart unavailable: ${message}`, "chart-error");
  }

  showNote(text, testid) {
    this.note.textContent = text;
    this.note.setAttribute("data-testid", testid);
    this.note.hidden = false;
  }

  destroy() {
    this.resize.disconnect();
    if (this.plot) this.plot.destroy();
  }
}
