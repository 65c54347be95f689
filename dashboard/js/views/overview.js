// Overview: totals, throughput charts, queues with their counts and
// settings, duration percentiles and jobs running longer than usual.
import { MinuteChart, WINDOW_MINUTES, minuteSeries } from "./dashboard_file?name=js/charts.js";
import { actionButton, fill, fillIfChanged, h } from "./dashboard_file?name=js/dom.js";
import {
  STATUSES, bytes, duration, empty, jobLink, loading, number, table, when,
} from "./dashboard_file?name=js/format.js";
import { maintenanceCard } from "./dashboard_file?name=js/views/maintenance.js";

// The slower-moving tables are read every third poll (15 s).
const SLOW_EVERY = 3;

const TILES = [
  ["total_jobs", "Total", null],
  ["queued", "Queued", "queued"],
  ["scheduled", "Scheduled", "scheduled"],
  ["running", "Running", "running"],
  ["cancelling", "Cancelling", "cancelling"],
  ["completed", "Completed", "completed"],
  ["failed", "Failed", "failed"],
  ["cancelled", "Cancelled", "cancelled"],
];

export function mount(root, ctx) {
  const tiles = h("div", { class: "tiles", "data-testid": "stats" }, loading());
  const queueSelect = h("select", { "data-testid": "chart-queue", "aria-label": "Queue of the charts" },
    h("option", { value: "" }, "All queues"));
  const throughput = new MinuteChart("counts", "chart-throughput", "Finished per minute: completed and failed");
  const durations = new MinuteChart("durations", "chart-durations", "Duration p50 / p95 and mean queue time");
  const queues = h("div", { "data-testid": "queues" }, loading());
  const percentiles = h("div", { "data-testid": "duration-percentiles" }, loading());
  const longRunning = h("div", { "data-testid": "long-running" }, loading());
  const maintenance = h("div", { "data-testid": "maintenance" });
  let minuteRows = [];
  let polls = 0;

  queueSelect.addEventListener("change", () => drawCharts());

  fill(root,
    h("div", { class: "screen-head" }, h("h2", {}, "Overview"), maintenance),
    tiles,
    h("section", { class: "charts" },
      h("div", { class: "section-head" },
        h("h3", {}, `Last ${WINDOW_MINUTES} minutes`), queueSelect),
      h("div", { class: "chart-grid" }, throughput.el, durations.el)),
    h("section", {}, h("h3", {}, "Queues"), queues),
    h("div", { class: "two-col" },
      h("section", {}, h("h3", {}, "Duration percentiles"), percentiles),
      h("section", {}, h("h3", {}, "Running longer than usual"), longRunning)));

  function drawCharts() {
    const series = minuteSeries(minuteRows, queueSelect.value);
    throughput.update(series);
    durations.update(series);
  }

  async function togglePause(queue) {
    try {
      await ctx.api.patch("queues", { name: `eq.${queue.name}` }, { paused: !queue.paused });
      ctx.notify(`Queue ${queue.name} ${queue.paused ? "resumed" : "paused"}`);
    } catch (error) {
      ctx.showError(error);
    }
    await ctx.refreshNow();
  }

  function renderQueues(rows, depth) {
    if (!rows.length) return empty("No queues yet: a queue appears when a job first names it.");
    const byName = new Map(depth.map((d) => [d.queue, d]));
    const canPause = ctx.can("queues", "PATCH");
    const columns = [
      { label: "Queue", cell: (q) => h("div", {},
        h("a", { href: `#/jobs?queue=${encodeURIComponent(q.name)}`, class: "strong" }, q.name),
        q.paused ? h("span", { class: "badge status-paused", "data-testid": "queue-paused" }, "paused") : null) },
      { label: "Jobs by status", cell: (q) => h("div", { class: "counts" },
        [...STATUSES, "paused"].filter((s) => q.counts && s in q.counts).map((s) =>
          h("a", {
            class: ["count", `status-${s}`, q.counts[s] ? "" : "zero"],
            href: s === "paused" ? `#/jobs?queue=${encodeURIComponent(q.name)}&status=queued`
              : `#/jobs?queue=${encodeURIComponent(q.name)}&status=${s}`,
            title: s === "paused" ? "queued in a paused queue" : s,
            "data-count": s,
          }, h("span", { class: "count-n" }, number(q.counts[s])), ` ${s}`))) },
      { label: "Depth", cell: (q) => {
        const d = byName.get(q.name);
        if (!d) return h("span", { class: "muted" }, "—");
        return h("div", { class: "small" },
          h("div", {}, `${number(d.waiting)} waiting · ${number(d.running)} running`),
          h("div", { class: "muted" }, "latency ", duration(d.latency),
            d.oldest_run_at ? [" · oldest ", when(d.oldest_run_at)] : null));
      } },
      { label: "Retries", cell: (q) => h("div", { class: "small" },
        h("div", {}, `${number(q.max_attempts)} attempts`),
        h("div", { class: "muted" }, `backoff ${duration(q.backoff_seconds)}, max ${duration(q.max_backoff_seconds)}`)) },
      { label: "Retention", cell: (q) => h("div", { class: "small", "data-testid": "queue-retention" },
        h("div", {}, `keeps ${number(q.keep_completed)} completed, ${number(q.keep_failed)} failed`),
        h("div", { class: "muted" }, `payload ≤ ${bytes(q.max_payload_bytes)}`)) },
    ];
    if (canPause) {
      columns.push({ label: "", class: "actions", cell: (q) => actionButton(q.paused ? "Resume" : "Pause", {
        class: q.paused ? "primary" : "", "data-testid": "queue-toggle", "data-action": q.paused ? "resume" : "pause",
      }, () => togglePause(q)) });
    }
    return table(columns, rows, (q) => ({ "data-testid": "queue-row", "data-queue": q.name }));
  }

  function renderTiles(stats) {
    const items = TILES.map(([key, label, status]) => h(status ? "a" : "div", {
      class: ["tile", status ? `status-${status}` : ""],
      href: status ? `#/jobs?status=${status}` : "#/jobs",
      "data-testid": `stat-${key}`,
    }, h("div", { class: "tile-n" }, number(stats[key])), h("div", { class: "tile-label" }, label)));
    items.push(h("a", { class: "tile", href: "#/workers", "data-testid": "stat-workers" },
      h("div", { class: "tile-n" }, `${number(stats.active_workers)}`, h("span", { class: "muted small" }, ` / ${number(stats.total_workers)}`)),
      h("div", { class: "tile-label" }, "Active workers")));
    return items;
  }

  function syncQueueOptions(names) {
    const have = [...queueSelect.options].map((o) => o.value).slice(1);
    if (have.join("\n") === names.join("\n")) return;
    const chosen = queueSelect.value;
    fill(queueSelect, h("option", { value: "" }, "All queues"), names.map((n) => h("option", { value: n }, n)));
    queueSelect.value = names.includes(chosen) ? chosen : "";
  }

  async function refresh() {
    const slow = polls % SLOW_EVERY === 0;
    polls += 1;
    const since = new Date(Date.now() - WINDOW_MINUTES * 60000);
    since.setSeconds(0, 0);
    const [queueRows, depth, stats, minutes, pct, running, maint] = await Promise.all([
      ctx.api.get("queues", { order: "name.asc" }),
      ctx.can("queue_depth") ? ctx.api.get("queue_depth") : [],
      ctx.can("job_stats") ? ctx.api.get("job_stats") : [],
      // A chart that cannot load shows why; the rest of the screen goes on.
      ctx.api.get("minute_job_stats", { minute: `gte.${since.toISOString()}`, order: "minute.asc" })
        .catch((error) => (error.name === "AbortError" ? Promise.reject(error) : error)),
      slow && ctx.can("duration_percentiles")
        ? ctx.api.get("duration_percentiles", { order: "p95.desc.nullslast", limit: 20 }) : null,
      slow && ctx.can("long_running_jobs")
        ? ctx.api.get("long_running_jobs", { order: "running_for.desc", limit: 20 }) : null,
      slow && ctx.can("maintenance") ? ctx.api.get("maintenance") : null,
    ]);
    fillIfChanged(tiles, stats, () => (stats[0] ? renderTiles(stats[0]) : empty("No totals.")));
    fillIfChanged(queues, [queueRows, depth, ctx.can("queues", "PATCH")], () => renderQueues(queueRows, depth));
    syncQueueOptions(queueRows.map((q) => q.name));
    if (minutes instanceof Error) {
      throughput.showError(minutes.message);
      durations.showError(minutes.message);
    } else {
      minuteRows = minutes;
      drawCharts();
    }
    if (pct) {
      fillIfChanged(percentiles, pct, () => (pct.length ? table([
        { label: "Queue", cell: (r) => r.queue },
        { label: "Name", cell: (r) => r.name },
        { label: "Runs", class: "num", cell: (r) => number(r.runs) },
        { label: "Mean", class: "num", cell: (r) => duration(r.mean_duration) },
        { label: "p50", class: "num", cell: (r) => duration(r.p50) },
        { label: "p95", class: "num", cell: (r) => duration(r.p95) },
        { label: "p99", class: "num", cell: (r) => duration(r.p99) },
      ], pct) : empty("No finished runs on record yet.")));
    }
    if (running) {
      fillIfChanged(longRunning, running, () => (running.length ? table([
        { label: "Job", cell: (r) => jobLink(r.id) },
        { label: "Name", cell: (r) => r.name },
        { label: "Queue", cell: (r) => r.queue },
        { label: "Worker", cell: (r) => r.worker },
        { label: "Running for", class: "num", cell: (r) => duration(r.running_for) },
        { label: "Usual p95", class: "num", cell: (r) => duration(r.usual_p95) },
      ], running) : empty("Nothing is running longer than usual.", "long-running-empty")));
    }
    if (maint) fillIfChanged(maintenance, maint, () => (maint[0] ? maintenanceCard(maint[0], true) : null));
  }

  return {
    refresh,
    unmount: () => {
      throughput.destroy();
      durations.destroy();
    },
  };
}

