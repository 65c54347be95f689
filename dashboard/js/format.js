// How values read on the page: times, durations, statuses, JSON.
import { h } from "./dashboard_file?name=js/dom.js";

const absolute = new Intl.DateTimeFormat(undefined, {
  year: "numeric", month: "short", day: "numeric",
  hour: "2-digit", minute: "2-digit", second: "2-digit", timeZoneName: "short",
});

/** "12 s ago", "in 3 min", "2 d ago". */
export function relative(iso, now = Date.now()) {
  const seconds = Math.round((Date.parse(iso) - now) / 1000);
  const size = Math.abs(seconds);
  let text;
  if (size < 5) return "just now";
  if (size < 60) text = `${size} s`;
  else if (size < 3600) text = `${Math.floor(size / 60)} min`;
  else if (size < 86400) text = `${Math.floor(size / 3600)} h ${Math.floor((size % 3600) / 60)} min`;
  else text = `${Math.floor(size / 86400)} d ${Math.floor((size % 86400) / 3600)} h`;
  return seconds < 0 ? `${text} ago` : `in ${text}`;
}

/** A <time> that reads relative and shows the absolute time on hover. */
export function when(iso) {
  if (!iso) return h("span", { class: "muted" }, "—");
  return h("time", { datetime: iso, title: absolute.format(new Date(iso)), "data-relative": "" }, relative(iso));
}

/** Relative times go stale between polls that change nothing else. */
export function refreshTimes(root) {
  const now = Date.now();
  for (const el of root.querySelectorAll("time[data-relative]")) {
    el.textContent = relative(el.getAttribute("datetime"), now);
  }
}

/** Seconds as "850 ms", "4.2 s", "3 min 20 s", "2 h 5 min". */
export function duration(seconds) {
  if (seconds === null || seconds === undefined || Number.isNaN(Number(seconds))) return "—";
  const s = Number(seconds);
  if (s < 1) return `${Math.round(s * 1000)} ms`;
  if (s < 60) return `${s < 10 ? s.toFixed(1) : Math.round(s)} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
  if (s < 86400) return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
  return `${Math.floor(s / 86400)} d ${Math.floor((s % 86400) / 3600)} h`;
}

export const number = (n) => (n === null || n === undefined ? "—" : Number(n).toLocaleString());

export const bytes = (n) => {
  if (n === null || n === undefined) return "—";
  const units = ["B", "KB", "MB", "GB", "TB"];
  let value = Number(n);
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${unit ? value.toFixed(1) : value} ${units[unit]}`;
};

/** The job statuses, in the order a job goes through them. */
export const STATUSES = ["scheduled", "queued", "running", "cancelling", "completed", "failed", "cancelled"];

export const FINISHED = new Set(["completed", "failed", "cancelled"]);

/** The ETL log's own words, coloured like the statuses they stand for. */
const ETL_STATUS = { in_progress: "running", success: "completed", error: "failed" };

export function badge(status, label) {
  const tone = ETL_STATUS[status] || status;
  return h("span", { class: ["badge", `status-${tone}`], "data-status": status }, label || status);
}

export function progressBar(value, testid) {
  const pct = Math.max(0, Math.min(100, Number(value) || 0));
  const bar = h("span", { class: "progress-fill" });
  bar.style.width = `${pct}%`;
  return h("span", { class: "progress", title: `${pct}%` },
    h("span", { class: "progress-track" }, bar),
    h("span", { class: "progress-label", "data-testid": testid }, `${pct}%`));
}

export function json(value) {
  if (value === null || value === undefined) return h("span", { class: "muted" }, "—");
  return h("pre", { class: "json" }, JSON.stringify(value, null, 2));
}

export const mono = (text) => h("span", { class: "mono" }, text);

export function jobLink(id, label) {
  if (id === null || id === undefined) return h("span", { class: "muted" }, "—");
  return h("a", { class: "mono", href: `#/jobs/${id}`, "data-job-link": id }, label || `#${id}`);
}

export function empty(text, testid = "empty") {
  return h("div", { class: "empty", "data-testid": testid }, text);
}

export function loading() {
  return h("div", { class: "loading", "data-testid": "loading" }, h("span", { class: "spinner" }), "Loading…");
}

/** A table from column definitions {label, cell(row), class}. */
export function table(columns, rows, rowAttrs) {
  return h("div", { class: "table-wrap" },
    h("table", {},
      h("thead", {}, h("tr", {}, columns.map((c) => h("th", { class: c.class }, c.label)))),
      h("tbody", {}, rows.map((row) =>
        h("tr", rowAttrs ? rowAttrs(row) : {}, columns.map((c) => h("td", { class: c.class }, c.cell(row))))))));
}
