// Jobs: filters, a keyset-paged table (id < the last one seen; never a
// count of the whole table), selection and bulk actions.
import { inList } from "./dashboard_file?name=js/api.js";
import { actionButton, confirmButton, fill, fillIfChanged, h } from "./dashboard_file?name=js/dom.js";
import {
  STATUSES, badge, duration, empty, jobLink, loading, progressBar, when,
} from "./dashboard_file?name=js/format.js";

const PAGE = 50;
const COLUMNS = "id,queue,name,type,status,priority,owner,worker,attempts,max_attempts,progress,"
  + "created_at,started_at,ended_at,run_at";
const FILTERS = ["status", "queue", "name", "owner", "from", "to"];
const PRIORITY = { 1: "low", 2: "normal", 3: "high", 4: "urgent" };

/** A datetime-local value ("2026-12-06T10:00", local time) as ISO UTC. */
const isoOf = (local) => (local && !Number.isNaN(Date.parse(local)) ? new Date(local).toISOString() : null);

export function mount(root, ctx) {
  const filters = Object.fromEntries(FILTERS.map((k) => [k, ctx.params.get(k) || ""]));
  const cursors = [];          // ids each page after the first starts below
  const selected = new Set();
  let rows = [];
  let hasMore = false;

  const actions = {
    retry: ctx.canRpc("retry_job"),
    cancel: ctx.canRpc("cancel_job"),
    delete: ctx.can("jobs", "DELETE"),
  };
  const selectable = actions.retry || actions.cancel || actions.delete;
  const any = () => selected.size > 0;

  const tableBox = h("div", { "data-testid": "jobs-table" }, loading());
  const pager = h("div", { class: "pager", "data-testid": "pager" });
  const results = h("div", { class: "bulk-results", "data-testid": "bulk-results", hidden: true });
  const count = h("span", { class: "muted", "data-testid": "selected-count" }, "0 selected");
  const toolbar = h("div", { class: "toolbar", "data-testid": "bulk-actions", hidden: !selectable },
    count,
    actions.retry ? actionButton("Retry", { "data-testid": "bulk-retry" }, () => perJob("retry_job", "retried"), any) : null,
    actions.cancel ? actionButton("Cancel", { "data-testid": "bulk-cancel" }, () => perJob("cancel_job", "cancel asked"), any) : null,
    actions.delete ? confirmButton("Delete", { class: "danger", "data-testid": "bulk-delete" }, () => bulkDelete(), any) : null,
    h("button", { type: "button", class: "ghost", "data-testid": "select-failed", onclick: () => selectWhere((r) => r.status === "failed") }, "Select failed"),
    h("button", { type: "button", class: "ghost", onclick: () => selectWhere(() => false) }, "Clear selection"));

  fill(root,
    h("div", { class: "screen-head" }, h("h2", {}, "Jobs")),
    filterForm(),
    toolbar,
    results,
    tableBox,
    pager);

  function filterForm() {
    const field = (key, label, input) => h("label", { class: "field" }, h("span", {}, label), input);
    const inputs = {
      status: h("select", { name: "status", "data-testid": "filter-status" },
        h("option", { value: "" }, "any"),
        STATUSES.map((s) => h("option", { value: s, selected: filters.status === s }, s))),
      queue: h("input", { name: "queue", value: filters.queue, "data-testid": "filter-queue", placeholder: "any" }),
      name: h("input", { name: "name", value: filters.name, "data-testid": "filter-name", placeholder: "contains…" }),
      owner: h("input", { name: "owner", value: filters.owner, "data-testid": "filter-owner", placeholder: "any" }),
      from: h("input", { name: "from", type: "datetime-local", value: filters.from, "data-testid": "filter-from" }),
      to: h("input", { name: "to", type: "datetime-local", value: filters.to, "data-testid": "filter-to" }),
    };
    return h("form", {
      class: "filters card", "data-testid": "jobs-filters",
      onsubmit: (event) => {
        event.preventDefault();
        const query = new URLSearchParams();
        for (const key of FILTERS) if (inputs[key].value.trim()) query.set(key, inputs[key].value.trim());
        const text = query.toString();
        ctx.navigate(text ? `#/jobs?${text}` : "#/jobs");
      },
    },
    field("status", "Status", inputs.status),
    field("queue", "Queue", inputs.queue),
    field("name", "Name", inputs.name),
    field("owner", "Owner", inputs.owner),
    field("from", "Created from", inputs.from),
    field("to", "Created before", inputs.to),
    h("div", { class: "field-buttons" },
      h("button", { type: "submit", class: "primary", "data-testid": "filter-apply" }, "Apply"),
      h("a", { class: "button ghost", href: "#/jobs" }, "Clear")));
  }

  function query() {
    const params = [["select", COLUMNS], ["order", "id.desc"], ["limit", String(PAGE + 1)]];
    if (filters.status) params.push(["status", `eq.${filters.status}`]);
    if (filters.queue) params.push(["queue", `eq.${filters.queue}`]);
    if (filters.name) params.push(["name", `ilike.*${filters.name}*`]);
    if (filters.owner) params.push(["owner", `eq.${filters.owner}`]);
    if (isoOf(filters.from)) params.push(["created_at", `gte.${isoOf(filters.from)}`]);
    if (isoOf(filters.to)) params.push(["created_at", `lt.${isoOf(filters.to)}`]);
    if (cursors.length) params.push(["id", `lt.${cursors[cursors.length - 1]}`]);
    return params;
  }

  function updateCount() {
    count.textContent = `${selected.size} selected`;
    for (const button of toolbar.querySelectorAll("[data-testid^=bulk-]")) button.disabled = selected.size === 0;
  }

  function selectWhere(test) {
    selected.clear();
    for (const row of rows) if (test(row)) selected.add(row.id);
    for (const box of tableBox.querySelectorAll("input[data-job-id]")) {
      box.checked = selected.has(Number(box.dataset.jobId));
      box.closest("tr").classList.toggle("selected", box.checked);
    }
    updateCount();
  }

  function report(lines) {
    fill(results,
      h("div", { class: "bulk-results-head" }, h("strong", {}, "Results"),
        h("button", { type: "button", class: "close", onclick: () => { results.hidden = true; } }, "×")),
      h("ul", {}, lines.map(([id, ok, text]) =>
        h("li", { class: ok ? "ok" : "err", "data-testid": "bulk-result", "data-job-id": id, "data-ok": String(ok) },
          jobLink(id), " ", text))));
    results.hidden = false;
  }

  /** One RPC per selected job, one after the other, each reported. */
  async function perJob(rpc, done) {
    const lines = [];
    for (const id of [...selected].sort((a, b) => a - b)) {
      try {
        const job = await ctx.api.rpc(rpc, { job_id: id });
        lines.push([id, true, rpc === "retry_job" && job ? [`${done} as `, jobLink(job.id)] : `${done} (${job.status})`]);
      } catch (error) {
        if (error.name === "AbortError") return;
        lines.push([id, false, error.message]);
      }
    }
    selected.clear();
    updateCount();
    report(lines);
    await ctx.refreshNow();
  }

  async function bulkDelete() {
    const ids = [...selected].sort((a, b) => a - b);
    const lines = [];
    try {
      const gone = new Set((await ctx.api.del("jobs", { id: inList(ids) })).map((r) => r.id));
      for (const id of ids) lines.push([id, gone.has(id), gone.has(id) ? "deleted" : "not deleted (not visible to this token)"]);
    } catch (error) {
      if (error.name === "AbortError") return;
      // One refusal stops the whole statement: ask per job to say which.
      for (const id of ids) {
        try {
          const gone = await ctx.api.del("jobs", { id: `eq.${id}` });
          lines.push([id, gone.length > 0, gone.length ? "deleted" : "not deleted (not visible to this token)"]);
        } catch (each) {
          lines.push([id, false, each.message]);
        }
      }
    }
    selected.clear();
    updateCount();
    report(lines);
    await ctx.refreshNow();
  }

  function renderTable() {
    if (!rows.length) {
      const only = filters.status && FILTERS.every((k) => k === "status" || !filters[k]);
      return empty(only ? `No ${filters.status} jobs` : cursors.length ? "No more jobs" : "No jobs match these filters",
        "jobs-empty");
    }
    const columns = [];
    if (selectable) {
      const all = h("input", {
        type: "checkbox", "aria-label": "Select all on this page", "data-testid": "select-all",
        checked: rows.every((r) => selected.has(r.id)),
        onchange: () => selectWhere(() => all.checked),
      });
      columns.push({ label: all, class: "check", cell: (r) => h("input", {
        type: "checkbox", "aria-label": `Select job ${r.id}`, "data-job-id": r.id, "data-testid": "job-select",
        checked: selected.has(r.id),
        onchange: (event) => {
          if (event.target.checked) selected.add(r.id);
          else selected.delete(r.id);
          event.target.closest("tr").classList.toggle("selected", event.target.checked);
          updateCount();
        },
      }) });
    }
    columns.push(
      { label: "ID", class: "num", cell: (r) => jobLink(r.id) },
      { label: "Name", cell: (r) => h("div", {}, h("a", { href: `#/jobs/${r.id}`, class: "strong" }, r.name),
        r.type && r.type !== "job" ? h("span", { class: "tag" }, r.type) : null) },
      { label: "Queue", cell: (r) => h("a", { href: `#/jobs?queue=${encodeURIComponent(r.queue)}` }, r.queue) },
      { label: "Status", cell: (r) => badge(r.status) },
      { label: "Priority", cell: (r) => h("span", { class: `priority p${r.priority}` }, PRIORITY[r.priority] || r.priority) },
      { label: "Owner", cell: (r) => r.owner || h("span", { class: "muted" }, "—") },
      { label: "Worker", cell: (r) => r.worker || h("span", { class: "muted" }, "—") },
      { label: "Attempts", class: "num", cell: (r) => `${r.attempts}${r.max_attempts ? ` / ${r.max_attempts}` : ""}` },
      { label: "Progress", cell: (r) => progressBar(r.progress) },
      { label: "Created", cell: (r) => when(r.created_at) },
      { label: "Ran", cell: (r) => (r.started_at
        ? h("span", {}, when(r.started_at), r.ended_at
          ? h("span", { class: "muted" }, ` · ${duration((Date.parse(r.ended_at) - Date.parse(r.started_at)) / 1000)}`) : null)
        : r.status === "scheduled" ? h("span", { class: "muted" }, "due ", when(r.run_at)) : h("span", { class: "muted" }, "—")) },
    );
    return tableOf(columns);
  }

  function tableOf(columns) {
    return h("div", { class: "table-wrap" }, h("table", { class: "jobs" },
      h("thead", {}, h("tr", {}, columns.map((c) => h("th", { class: c.class }, c.label)))),
      h("tbody", {}, rows.map((r) => h("tr", {
        "data-testid": "job-row", "data-job-id": r.id, "data-status": r.status,
        class: selected.has(r.id) ? "selected" : "",
      }, columns.map((c) => h("td", { class: c.class }, c.cell(r))))))));
  }

  function renderPager() {
    fill(pager,
      h("button", {
        type: "button", "data-testid": "page-newer", disabled: cursors.length === 0,
        onclick: () => { cursors.pop(); tableBox.dataset.rendered = ""; ctx.refreshNow(); },
      }, "← Newer"),
      h("span", { class: "muted", "data-testid": "page-info" },
        rows.length ? `#${rows[0].id} – #${rows[rows.length - 1].id} · page ${cursors.length + 1}` : ""),
      h("button", {
        type: "button", "data-testid": "page-older", disabled: !hasMore,
        onclick: () => { cursors.push(rows[rows.length - 1].id); tableBox.dataset.rendered = ""; ctx.refreshNow(); },
      }, "Older →"));
  }

  // With a queue or status filter, the queues' counts (a ledger: cheap at any
  // size, and of the jobs this token sees) say whether any job can match.
  // When none can, the jobs are not searched: a filter that matches nothing
  // would read every job to find that out.
  async function nothingCanMatch() {
    if ((!filters.queue && !filters.status) || !ctx.can("queues")) return false;
    const queues = await ctx.api.get("queues", filters.queue
      ? { name: `eq.${filters.queue}`, select: "name,counts" } : { select: "name,counts" });
    const counted = (counts) => {
      if (!filters.status) return Object.values(counts).reduce((a, b) => a + Number(b), 0);
      // A paused queue's queued jobs are counted as "paused".
      return Number(counts[filters.status] || 0) + (filters.status === "queued" ? Number(counts.paused || 0) : 0);
    };
    if (queues.length === 0) return !filters.status;
    // A word the counts do not know (a bad status) goes to the API, which
    // says what is wrong with it; "paused" is a count, not a status.
    if (filters.status && queues.some((q) => !(filters.status in (q.counts || {})) || filters.status === "paused")) {
      return false;
    }
    return queues.every((q) => counted(q.counts || {}) === 0);
  }

  async function refresh() {
    const page = (await nothingCanMatch()) ? [] : await ctx.api.get("jobs", query());
    hasMore = page.length > PAGE;
    rows = page.slice(0, PAGE);
    fillIfChanged(tableBox, [rows, cursors], renderTable);
    renderPager();
    updateCount();
  }

  updateCount();
  return { refresh };
}
