// Schedules: recurring jobs, when each fires next, and "run now".
import { actionButton, fill, fillIfChanged, h } from "./dashboard_file?name=js/dom.js";
import { empty, loading, table, when } from "./dashboard_file?name=js/format.js";

export function mount(root, ctx) {
  const list = h("div", { "data-testid": "schedules" }, loading());
  fill(root, h("div", { class: "screen-head" }, h("h2", {}, "Schedules")), list);

  async function run(name) {
    try {
      const job = await ctx.api.rpc("run_schedule", { name });
      ctx.notify(`Schedule ${name} enqueued job #${job.id}`);
    } catch (error) {
      ctx.showError(error);
    }
    await ctx.refreshNow();
  }

  async function refresh() {
    const rows = await ctx.api.get("schedules", { order: "name.asc", limit: 500 });
    const canRun = ctx.canRpc("run_schedule");
    const columns = [
      { label: "Schedule", cell: (s) => h("a", { class: "strong", href: `#/jobs?name=${encodeURIComponent(s.job_name)}&queue=${encodeURIComponent(s.queue)}` }, s.name) },
      { label: "When", cell: (s) => h("div", {}, h("span", { class: "mono" }, s.cron), h("span", { class: "muted small" }, ` ${s.time_zone}`)) },
      { label: "Job", cell: (s) => h("div", {}, s.job_name, h("span", { class: "muted small" }, ` in ${s.queue}`)) },
      { label: "State", cell: (s) => (s.enabled ? h("span", { class: "badge status-completed" }, "enabled")
        : h("span", { class: "badge status-cancelled" }, "disabled")) },
      { label: "If missed", cell: (s) => s.on_missed.replace("_", " ") },
      { label: "Last fired", cell: (s) => when(s.last_fire_at) },
      { label: "Next", cell: (s) => (s.enabled ? when(s.next_fire_at) : h("span", { class: "muted" }, "—")) },
      { label: "Last error", cell: (s) => (s.last_error ? h("span", { class: "error-text" }, s.last_error) : h("span", { class: "muted" }, "—")) },
    ];
    if (canRun) {
      columns.push({ label: "", class: "actions", cell: (s) =>
        actionButton("Run now", { "data-testid": "schedule-run" }, () => run(s.name)) });
    }
    fillIfChanged(list, [rows, canRun], () => (rows.length
      ? table(columns, rows, (s) => ({ "data-testid": "schedule-row", "data-schedule": s.name }))
      : empty("No schedules.", "schedules-empty")));
  }

  return { refresh };
}

