// The maintenance row (GET /maintenance): who runs it and when it last ran.
import { h } from "./dashboard_file?name=js/dom.js";
import { duration, number, when } from "./dashboard_file?name=js/format.js";

/** What the last run did, as its non-zero counts ("3 jobs pruned"). */
function didWhat(result) {
  if (!result) return "no run yet";
  if (result.ran === false) return result.reason || "did not run";
  const done = Object.entries(result)
    .filter(([key, value]) => typeof value === "number" && value > 0 && key !== "duration_ms")
    .map(([key, value]) => `${number(value)} ${key.replace(/_/g, " ")}`);
  return done.length ? done.join(", ") : "nothing to do";
}

export function maintenanceCard(row, compact) {
  const ms = row.last_result && row.last_result.duration_ms;
  if (compact) {
    return h("div", { class: "maintenance-strip", "data-testid": "maintenance-status" },
      h("span", { class: "muted" }, `Maintenance (${row.mode}) last ran `), when(row.last_finished_at || row.last_started_at));
  }
  return h("div", { class: "card kv", "data-testid": "maintenance-status" },
    h("div", {}, h("span", { class: "k" }, "Run by"), h("span", {}, row.mode)),
    h("div", {}, h("span", { class: "k" }, "Last started"), when(row.last_started_at)),
    h("div", {}, h("span", { class: "k" }, "Last finished"), when(row.last_finished_at)),
    h("div", {}, h("span", { class: "k" }, "Took"), ms === undefined || ms === null ? "—" : duration(ms / 1000)),
    h("div", {}, h("span", { class: "k" }, "Did"), didWhat(row.last_result)),
    h("div", {}, h("span", { class: "k" }, "Runs"), number(row.runs)),
    h("div", {}, h("span", { class: "k" }, "History kept"), `${number(row.history_days)} days`));
}
