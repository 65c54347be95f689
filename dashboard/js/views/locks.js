// Locks: the named locks held now; clearing a stale one where the token may.
import { confirmButton, fill, fillIfChanged, h } from "./dashboard_file?name=js/dom.js";
import { empty, jobLink, loading, table, when } from "./dashboard_file?name=js/format.js";

export function mount(root, ctx) {
  const list = h("div", { "data-testid": "locks" }, loading());
  fill(root,
    h("div", { class: "screen-head" }, h("h2", {}, "Locks")),
    h("p", { class: "muted" }, "A job that names locks runs only while no other running job holds them. Clear a lock only when its holder is gone."),
    list);

  async function clear(name) {
    try {
      const gone = await ctx.api.del("job_locks", { name: `eq.${name}` });
      ctx.notify(gone.length ? `Lock ${name} cleared` : `Lock ${name} was already free`);
    } catch (error) {
      ctx.showError(error);
    }
    await ctx.refreshNow();
  }

  async function refresh() {
    const locks = await ctx.api.get("job_locks", { order: "acquired_at.asc", limit: 500 });
    const canClear = ctx.can("job_locks", "DELETE");
    const columns = [
      { label: "Lock", cell: (l) => h("span", { class: "mono strong" }, l.name) },
      { label: "Job", cell: (l) => jobLink(l.job_id) },
      { label: "Worker", cell: (l) => l.worker || h("span", { class: "muted" }, "—") },
      { label: "Held since", cell: (l) => when(l.acquired_at) },
    ];
    if (canClear) {
      columns.push({ label: "", class: "actions", cell: (l) =>
        confirmButton("Clear", { class: "danger", "data-testid": "lock-clear" }, () => clear(l.name)) });
    }
    fillIfChanged(list, [locks, canClear], () => (locks.length
      ? table(columns, locks, (l) => ({ "data-testid": "lock-row", "data-lock": l.name }))
      : empty("No locks held.", "locks-empty")));
  }

  return { refresh };
}
