// One job: its state and progress (polled every 1.5 s while it runs), its
// attempts' errors, events, files, lineage (retries, parent, root,
// follow-up) and the actions this token may take on it.
import { actionButton, confirmButton, fill, fillIfChanged, h } from "./dashboard_file?name=js/dom.js";
import {
  FINISHED, badge, bytes, duration, empty, jobLink, json, loading, number, progressBar, table, when,
} from "./dashboard_file?name=js/format.js";

const LIVE_MS = 1500;
const IDLE_MS = 5000;
const LINEAGE_EVERY_LIVE = 3;  // while running, lineage is read every third poll
const LIVE = new Set(["running", "cancelling"]);
const CANCELLABLE = new Set(["scheduled", "queued", "running"]);

export function mount(root, ctx) {
  const id = Number(ctx.parts[1]);
  let job = null;
  let lineage = { rows: [], key: null };
  let polls = 0;

  const head = h("div", { class: "screen-head job-head" }, h("h2", {}, `Job #${ctx.parts[1]}`));
  const body = h("div", { class: "job-body" }, loading());
  fill(root, h("a", { href: "#/jobs", class: "back" }, "← Jobs"), head, body);

  if (!Number.isInteger(id) || id <= 0) {
    fill(body, empty(`"${ctx.parts[1]}" is not a job id.`, "job-not-found"));
    return { refresh: async () => {} };
  }

  const sections = {
    progress: h("div", { class: "card progress-card", "data-testid": "job-live" }),
    details: h("div", { class: "card kv", "data-testid": "job-details" }),
    lineage: h("div", { class: "card", "data-testid": "job-lineage" }),
    errors: h("div", { "data-testid": "job-errors" }),
    events: h("div", { "data-testid": "job-events" }),
    files: h("div", { "data-testid": "job-files" }),
    data: h("div", { class: "json-grid", "data-testid": "job-data" }),
  };
  let built = false;

  function build() {
    fill(body,
      sections.progress,
      h("div", { class: "two-col" },
        h("section", {}, h("h3", {}, "Details"), sections.details),
        h("section", {}, h("h3", {}, "Lineage"), sections.lineage)),
      h("section", {}, h("h3", {}, "Errors"), sections.errors),
      h("section", {}, h("h3", {}, "Events"), sections.events),
      h("section", {}, h("h3", {}, "Files and logs"), sections.files),
      sections.data);
    built = true;
  }

  // --- actions

  async function act(rpc, text) {
    try {
      const answer = await ctx.api.rpc(rpc, { job_id: id });
      ctx.notify(text(answer));
    } catch (error) {
      ctx.showError(error);
    }
    lineage.key = null;
    await ctx.refreshNow();
  }

  async function remove() {
    try {
      const gone = await ctx.api.del("jobs", { id: `eq.${id}` });
      if (!gone.length) throw new Error(`Job ${id} was not deleted (not visible to this token).`);
      ctx.notify(`Job #${id} deleted`);
      ctx.navigate("#/jobs");
    } catch (error) {
      ctx.showError(error);
    }
  }

  function actions() {
    const buttons = [];
    if (ctx.canRpc("cancel_job") && CANCELLABLE.has(job.status)) {
      buttons.push(actionButton("Cancel", { "data-testid": "action-cancel" },
        () => act("cancel_job", (j) => `Job #${id}: ${j.status}`)));
    }
    if (ctx.canRpc("retry_job") && job.retriable) {
      buttons.push(actionButton("Retry", { class: "primary", "data-testid": "action-retry" },
        () => act("retry_job", (j) => `Retried as job #${j.id}`)));
    }
    if (ctx.canRpc("retry_failed_retries") && lineage.rows.some((r) => r.retry_of !== null && r.status === "failed")) {
      buttons.push(actionButton("Retry failed retries", { "data-testid": "action-retry-failed-retries" },
        () => act("retry_failed_retries", (js) => `${js.length} retries started`)));
    }
    if (ctx.can("jobs", "DELETE") && FINISHED.has(job.status)) {
      buttons.push(confirmButton("Delete", { class: "danger", "data-testid": "action-delete" }, remove));
    }
    return h("div", { class: "job-actions", "data-testid": "job-actions" }, buttons);
  }

  // --- sections

  function renderHead() {
    fillIfChanged(head, [job.name, job.status, job.queue, job.type, job.priority, job.owner, job.retriable,
      lineage.rows.map((r) => r.status)], () => [
      h("div", {},
        h("h2", {}, h("span", { class: "mono muted" }, `#${job.id} `), job.name, " ",
          h("span", { "data-testid": "job-status" }, badge(job.status))),
        h("div", { class: "tags" },
          h("a", { class: "tag", href: `#/jobs?queue=${encodeURIComponent(job.queue)}` }, `queue ${job.queue}`),
          h("span", { class: "tag" }, `type ${job.type}`),
          h("span", { class: "tag" }, `priority ${job.priority}`),
          job.owner ? h("span", { class: "tag" }, `owner ${job.owner}`) : null,
          job.waiting ? h("span", { class: "tag" }, "waiting for another job") : null)),
      actions(),
    ]);
  }

  function renderProgress() {
    fill(sections.progress,
      h("div", { class: "progress-big" }, progressBar(job.progress, "job-progress")),
      h("div", { class: "job-message", "data-testid": "job-message" }, job.message || h("span", { class: "muted" }, "No message")),
      h("div", { class: "muted small" },
        LIVE.has(job.status) && job.estimated_remaining !== null
          ? ["Estimated remaining: ", duration(job.estimated_remaining), " · "] : null,
        `${number(job.num_success)} success · ${number(job.num_error)} error · ${number(job.num_ignore)} ignored`,
        job.totals && job.totals.jobs > 1
          ? ` (over ${job.totals.jobs} jobs of its chain: ${number(job.totals.num_success)} success, ${number(job.totals.num_error)} error)`
          : "",
        Array.isArray(job.finished_items) && job.finished_items.length ? ` · ${job.finished_items.length} items finished` : ""));
  }

  function renderDetails() {
    const kv = (k, v) => h("div", {}, h("span", { class: "k" }, k), h("span", { class: "v" }, v));
    fillIfChanged(sections.details, job, () => [
      kv("Status", badge(job.status)),
      kv("Worker", job.worker || "—"),
      kv("Attempts", `${job.attempts}${job.max_attempts ? ` of ${job.max_attempts}` : ""}`),
      kv("Created", when(job.created_at)),
      kv("Run at", when(job.run_at)),
      kv("Started", when(job.started_at)),
      kv("Ended", when(job.ended_at)),
      kv("Queue time", duration(job.queue_time)),
      kv("Duration", duration(job.duration)),
      job.lease_expires_at ? kv("Lease until", when(job.lease_expires_at)) : null,
      kv("Expires", when(job.expires_at)),
      job.locks && job.locks.length ? kv("Locks", job.locks.join(", ")) : null,
      job.schedule_name ? kv("Schedule", [job.schedule_name, " · fired ", when(job.fire_at)]) : null,
    ]);
  }

  function renderLineage() {
    const byId = new Map(lineage.rows.map((r) => [r.id, r]));
    const ref = (label, ref_id, testid) => (ref_id ? h("div", { "data-testid": testid },
      h("span", { class: "k" }, label), jobLink(ref_id), " ",
      byId.get(ref_id) ? badge(byId.get(ref_id).status) : h("span", { class: "muted" }, "(gone or not visible)")) : null);
    const retries = lineage.rows.filter((r) => r.retry_of === id);
    fillIfChanged(sections.lineage, [job.retry_of, job.root_job_id, job.after_job_id, job.next_job_id, lineage.rows], () => {
      const refs = [
        ref("Retry of", job.retry_of, "lineage-parent"),
        job.root_job_id !== job.retry_of ? ref("Original", job.root_job_id, "lineage-root") : null,
        ref("Runs after", job.after_job_id, "lineage-after"),
        ref("Follow-up", job.next_job_id, "lineage-next"),
      ].filter(Boolean);
      return [
        h("div", { class: "kv" }, refs.length ? refs : h("div", { class: "muted" }, "An original job, with no predecessor or follow-up.")),
        h("h4", {}, "Its retries"),
        retries.length ? h("ul", { class: "plain", "data-testid": "job-retries" }, retries.map((r) =>
          h("li", { "data-testid": "retry-row", "data-job-id": r.id }, jobLink(r.id), " ", badge(r.status), " ", when(r.created_at))))
          : empty("Not retried.", "job-retries-empty"),
      ];
    });
  }

  function renderErrors() {
    const attempts = Array.isArray(job.errors) ? job.errors : [];
    fillIfChanged(sections.errors, [job.error, job.stacktrace, attempts], () => {
      if (!job.error && !attempts.length) return empty("No errors.", "job-no-errors");
      const items = [];
      if (job.error) {
        items.push(h("div", { class: "card error-card", "data-testid": "job-error" },
          h("div", { class: "strong" }, job.error),
          job.stacktrace ? h("details", {}, h("summary", {}, "Stack trace"), h("pre", { class: "stack" }, job.stacktrace)) : null));
      }
      // One attempt's error is the job's own, shown above; list them when there were more.
      if (attempts.length > 1 || (attempts.length === 1 && !job.error)) {
        items.push(h("h4", {}, "Every attempt"));
        items.push(h("ol", { class: "attempts", "data-testid": "job-attempts" }, attempts.map((a) =>
          h("li", { "data-testid": "attempt" },
            h("div", {}, h("span", { class: "strong" }, `Attempt ${a.attempt}`), " ", when(a.at), " ", a.error),
            a.stacktrace ? h("details", {}, h("summary", {}, "Stack trace"), h("pre", { class: "stack" }, a.stacktrace)) : null))));
      }
      return items;
    });
  }

  function renderEvents() {
    const events = job.events || [];
    fillIfChanged(sections.events, events, () => (events.length ? h("ol", { class: "timeline" }, events.map((e) =>
      h("li", { "data-testid": "job-event", "data-to": e.to_status },
        h("span", { class: "dot", "data-status": e.to_status }),
        h("div", {},
          e.from_status ? [badge(e.from_status), " → "] : null, badge(e.to_status), " ",
          when(e.happened_at), e.actor ? h("span", { class: "muted" }, ` by ${e.actor}`) : null,
          e.message ? h("div", { class: "small" }, e.message) : null))))
      : empty(ctx.can("job_events") ? "No events." : "Events are not available to this token.")));
  }

  function renderFiles() {
    const files = job.files || [];
    fillIfChanged(sections.files, files, () => (files.length ? table([
      { label: "Kind", cell: (f) => h("span", { class: "tag" }, f.kind) },
      { label: "Name", cell: (f) => f.name },
      { label: "Where", cell: (f) => h("span", { class: "mono small" }, [f.host, f.path].filter(Boolean).join(":")) },
      { label: "Size", class: "num", cell: (f) => bytes(f.size_bytes) },
      { label: "Added", cell: (f) => when(f.created_at) },
    ], files, () => ({ "data-testid": "job-file" })) : empty("No files or logs.")));
  }

  function renderData() {
    fillIfChanged(sections.data, [job.payload, job.result, job.meta, job.finished_items], () => [
      h("section", {}, h("h3", {}, "Payload"), json(job.payload)),
      h("section", { "data-testid": "job-result" }, h("h3", {}, "Result"), json(job.result)),
      h("section", {}, h("h3", {}, "Meta"), json(job.meta)),
      Array.isArray(job.finished_items) && job.finished_items.length
        ? h("section", {}, h("h3", {}, "Finished items"), json(job.finished_items)) : null,
    ]);
  }

  // --- polling

  async function loadLineage() {
    const refs = [job.retry_of, job.root_job_id, job.after_job_id, job.next_job_id].filter((r) => r !== null);
    const filter = refs.length ? { or: `(retry_of.eq.${id},id.in.(${refs.join(",")}))` } : { retry_of: `eq.${id}` };
    lineage.rows = await ctx.api.get("jobs", {
      select: "id,name,status,type,retry_of,created_at", ...filter, order: "id.asc", limit: 200,
    });
    lineage.key = refs.join(",");
  }

  async function refresh() {
    const embeds = ["*", "duration", "queue_time", "estimated_remaining", "retriable", "totals"];
    if (ctx.can("job_events")) embeds.push("events(*)");
    if (ctx.can("job_files")) embeds.push("files(*)");
    const [row] = await ctx.api.get("jobs", { id: `eq.${id}`, select: embeds.join(",") });
    if (!row) {
      job = null;
      built = false;
      fill(head, h("h2", {}, `Job #${id}`));
      fill(body, empty(`No job #${id}, or this token may not see it.`, "job-not-found"));
      return;
    }
    job = row;
    const refs = [job.retry_of, job.root_job_id, job.after_job_id, job.next_job_id].filter((r) => r !== null).join(",");
    const live = LIVE.has(job.status);
    if (lineage.key !== refs || !live || polls % LINEAGE_EVERY_LIVE === 0) await loadLineage();
    polls += 1;
    if (!built) build();
    renderHead();
    renderProgress();
    renderDetails();
    renderLineage();
    renderErrors();
    renderEvents();
    renderFiles();
    renderData();
  }

  return {
    refresh,
    interval: () => (job && LIVE.has(job.status) ? LIVE_MS : IDLE_MS),
  };
}
