// ETL runs (the run log of /etl_jobs): the latest run of each name, its
// last success (the watermark incremental loads start from), failures and
// the recent runs.
import { fill, fillIfChanged, h } from "./dashboard_file?name=js/dom.js";
import { badge, duration, empty, jobLink, loading, number, table, when } from "./dashboard_file?name=js/format.js";

const WATERMARK_EVERY = 6;  // last successes are read every sixth poll (30 s)
const MAX_NAMES = 30;

const took = (r) => (r.end_date ? duration((Date.parse(r.end_date) - Date.parse(r.start_date)) / 1000) : "—");

export function mount(root, ctx) {
  const names = h("div", { "data-testid": "etl-names" }, loading());
  const failures = h("div", { "data-testid": "etl-failures" }, loading());
  const recent = h("div", { "data-testid": "etl-runs" }, loading());
  const watermarks = new Map();
  let polls = 0;
  fill(root,
    h("div", { class: "screen-head" }, h("h2", {}, "ETL runs")),
    h("section", {}, h("h3", {}, "By name"), names),
    h("section", {}, h("h3", {}, "Recent failures"), failures),
    h("section", {}, h("h3", {}, "Recent runs"), recent));

  const runColumns = [
    { label: "Run", cell: (r) => jobLink(r.id) },
    { label: "Name", cell: (r) => h("span", { class: "strong" }, r.name) },
    { label: "Status", cell: (r) => badge(r.status) },
    { label: "Started", cell: (r) => when(r.start_date) },
    { label: "Took", class: "num", cell: took },
    { label: "Records", class: "num", cell: (r) => number(r.records_processed) },
    { label: "From → to", cell: (r) => h("span", { class: "small" }, `${r.source || "?"} → ${r.destination || "?"}`) },
    { label: "Message", cell: (r) => (r.message ? h("span", { class: r.status === "error" ? "error-text" : "" }, r.message) : "") },
  ];

  async function refresh() {
    const [runs, errors, latest] = await Promise.all([
      ctx.api.get("etl_jobs", { order: "id.desc", limit: 50 }),
      ctx.api.get("etl_jobs", { status: "eq.error", order: "id.desc", limit: 20 }),
      ctx.can("latest_runs") ? ctx.api.get("latest_runs", { type: "eq.etl", order: "created_at.desc", limit: 500 }) : [],
    ]);
    // latest_runs has a row per name, owner and queue: keep the newest per name.
    const newest = new Map();
    for (const r of latest) if (!newest.has(r.name)) newest.set(r.name, r);
    for (const r of runs) if (!newest.has(r.name)) newest.set(r.name, { name: r.name, job_id: r.id, status: r.status, started_at: r.start_date });
    const shown = [...newest.values()].sort((a, b) => a.name.localeCompare(b.name)).slice(0, MAX_NAMES);
    if (ctx.canRpc("last_success")) {
      const ask = polls % WATERMARK_EVERY === 0 ? shown : shown.filter((r) => !watermarks.has(r.name));
      const answers = await Promise.all(ask.map((r) => ctx.api.rpc("last_success", { name: r.name })));
      ask.forEach((r, i) => watermarks.set(r.name, answers[i]));
    }
    polls += 1;
    fillIfChanged(names, [shown, [...watermarks]], () => (shown.length ? table([
      { label: "Name", cell: (r) => h("a", { class: "strong", href: `#/jobs?name=${encodeURIComponent(r.name)}` }, r.name) },
      { label: "Latest run", cell: (r) => jobLink(r.job_id) },
      { label: "Status", cell: (r) => badge(r.status) },
      { label: "Started", cell: (r) => when(r.started_at || r.created_at) },
      { label: "Last success (watermark)", cell: (r) => (watermarks.get(r.name)
        ? when(watermarks.get(r.name)) : h("span", { class: "muted" }, "never")) },
    ], shown, (r) => ({ "data-testid": "etl-name-row", "data-name": r.name }))
      : empty("No ETL runs yet.", "etl-empty")));
    fillIfChanged(failures, errors, () => (errors.length
      ? table(runColumns, errors, (r) => ({ "data-testid": "etl-failure", "data-run": r.id }))
      : empty("No failed runs.", "etl-failures-empty")));
    fillIfChanged(recent, runs, () => (runs.length
      ? table(runColumns, runs, (r) => ({ "data-testid": "etl-run", "data-run": r.id }))
      : empty("No runs.")));
  }

  return { refresh };
}
