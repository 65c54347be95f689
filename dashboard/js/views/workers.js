// Workers: active and stale, when each was last seen, the jobs each holds;
// and the maintenance row.
import { inList } from "./dashboard_file?name=js/api.js";
import { fill, fillIfChanged, h } from "./dashboard_file?name=js/dom.js";
import { empty, jobLink, loading, number, progressBar, table, when } from "./dashboard_file?name=js/format.js";
import { maintenanceCard } from "./dashboard_file?name=js/views/maintenance.js";

function state(w) {
  if (w.stopped_at) return h("span", { class: "badge status-cancelled" }, "stopped");
  return w.active ? h("span", { class: "badge status-completed" }, "active") : h("span", { class: "badge status-failed" }, "stale");
}

export function mount(root, ctx) {
  const list = h("div", { "data-testid": "workers" }, loading());
  const maintenance = h("div", { "data-testid": "maintenance" });
  fill(root,
    h("div", { class: "screen-head" }, h("h2", {}, "Workers")),
    list,
    ctx.can("maintenance") ? h("section", {}, h("h3", {}, "Maintenance"), maintenance) : null);

  async function refresh() {
    const [workers, maint] = await Promise.all([
      ctx.api.get("workers", { order: "active.desc,last_seen.desc", limit: 200 }),
      ctx.can("maintenance") ? ctx.api.get("maintenance") : null,
    ]);
    // What they hold, for every worker at once rather than one request each.
    const busy = workers.filter((w) => Number(w.running_jobs) > 0).map((w) => w.name);
    const held = busy.length && ctx.can("jobs") ? await ctx.api.get("jobs", {
      worker: inList(busy), status: "in.(running,cancelling)",
      select: "id,name,queue,progress,status,worker", order: "id.asc", limit: 500,
    }) : [];
    const byWorker = new Map();
    for (const j of held) byWorker.set(j.worker, [...(byWorker.get(j.worker) || []), j]);
    fillIfChanged(list, [workers, held], () => (workers.length ? table([
      { label: "Worker", cell: (w) => h("span", { class: "mono strong" }, w.name) },
      { label: "State", cell: state },
      { label: "Queues", cell: (w) => (w.queues || []).map((q) => h("span", { class: "tag" }, q)) },
      { label: "Last seen", cell: (w) => when(w.last_seen) },
      { label: "First seen", cell: (w) => when(w.first_seen) },
      { label: "Running", class: "num", cell: (w) => number(w.running_jobs) },
      { label: "Holds", cell: (w) => {
        const jobs = byWorker.get(w.name) || [];
        return jobs.length ? h("ul", { class: "plain held" }, jobs.map((j) =>
          h("li", { "data-testid": "held-job", "data-job-id": j.id }, jobLink(j.id), ` ${j.name} `,
            h("span", { class: "muted" }, j.queue), " ", progressBar(j.progress)))) : h("span", { class: "muted" }, "—");
      } },
    ], workers, (w) => ({ "data-testid": "worker-row", "data-worker": w.name, "data-active": String(w.active) }))
      : empty("No workers yet: a worker appears on its first claim or heartbeat.", "workers-empty")));
    if (maint) fillIfChanged(maintenance, maint, () => (maint[0] ? maintenanceCard(maint[0]) : empty("No maintenance row.")));
  }

  return { refresh };
}
