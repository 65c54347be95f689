// The dashboard: token, shell, hash routing and the poll of the screen on show.
import { ApiError, client, onUnauthorized, token } from "./dashboard_file?name=js/api.js";
import { fill, h } from "./dashboard_file?name=js/dom.js";
import { refreshTimes } from "./dashboard_file?name=js/format.js";
import { can, canRpc, forget, loadWhoami, whoami } from "./dashboard_file?name=js/session.js";
import * as etl from "./dashboard_file?name=js/views/etl.js";
import * as job from "./dashboard_file?name=js/views/job.js";
import * as jobs from "./dashboard_file?name=js/views/jobs.js";
import * as locks from "./dashboard_file?name=js/views/locks.js";
import * as overview from "./dashboard_file?name=js/views/overview.js";
import * as schedules from "./dashboard_file?name=js/views/schedules.js";
import * as workers from "./dashboard_file?name=js/views/workers.js";

// Screens of the navigation; `route` is what the token must be able to GET.
const SCREENS = [
  { name: "overview", hash: "#/", label: "Overview", route: "queues", view: overview },
  { name: "jobs", hash: "#/jobs", label: "Jobs", route: "jobs", view: jobs },
  { name: "workers", hash: "#/workers", label: "Workers", route: "workers", view: workers },
  { name: "locks", hash: "#/locks", label: "Locks", route: "job_locks", view: locks },
  { name: "etl", hash: "#/etl", label: "ETL runs", route: "etl_jobs", view: etl },
  { name: "schedules", hash: "#/schedules", label: "Schedules", route: "schedules", view: schedules },
];

const POLL_MS = 5000;
const app = document.getElementById("app");
let shell = null;   // {main, nav, live, banner, toast}
let active = null;  // the screen on show and its poll

// --- token ---------------------------------------------------------------

/** #token=<JWT> in the address: keep it, then take it out of the address bar and history. */
function takeTokenFromAddress() {
  const match = location.hash.match(/(?:^#|[?&])token=([^&]+)/);
  if (!match) return;
  token.set(decodeURIComponent(match[1]));
  let rest = location.hash.replace(/([#?&])token=[^&]+&?/, "$1").replace(/[?&]$/, "");
  if (rest === "#" || rest === "#/") rest = "#/";
  history.replaceState(null, "", `${location.pathname}${location.search}${rest}`);
}

function signOut(message) {
  stopScreen();
  token.clear();
  forget();
  shell = null;
  showTokenForm(message);
}

function explain401(error) {
  if (error.expired) return "Your token has expired — paste a new one.";
  if (/token is needed/i.test(error.message)) return "This page needs a token: paste one below.";
  return `The token was refused (${error.message}). Paste a valid one.`;
}

function showTokenForm(message) {
  const input = h("textarea", {
    id: "token-input", "data-testid": "token-input", rows: 5, spellcheck: "false",
    autocomplete: "off", placeholder: "eyJhbGciOiJIUzI1NiIs…", required: true,
  });
  const form = h("form", {
    class: "token-form card", "data-testid": "token-form",
    onsubmit: (event) => {
      event.preventDefault();
      if (!input.value.trim()) return;
      token.set(input.value);
      start();
    },
  },
  h("h1", {}, h("span", { class: "logo" }), "jobsapi"),
  message ? h("div", { class: "banner error", role: "alert", "data-testid": "token-message" }, message) : null,
  h("label", { for: "token-input" }, "API token (JWT)"),
  input,
  h("p", { class: "muted small" },
    "The page calls the API with this token and shows what it may see and do. ",
    "It is kept in this tab only. You can also open the page with ", h("code", {}, "#token=<JWT>"), ". ",
    h("code", {}, "jobsapi token --role jobs_user --sub NAME"), " prints one for a local stack."),
  h("button", { type: "submit", class: "primary", "data-testid": "token-submit" }, "Open dashboard"));
  fill(app, h("div", { class: "token-page" }, form));
  input.focus();
}

// --- shell ---------------------------------------------------------------

function buildShell() {
  const me = whoami();
  const live = h("span", { class: "live", "data-testid": "live-status" }, "Connecting…");
  const nav = h("nav", { class: "nav", "data-testid": "nav" },
    SCREENS.filter((s) => can(s.route)).map((s) =>
      h("a", { href: s.hash, "data-testid": `nav-${s.name}`, "data-screen": s.name }, s.label)));
  const banner = h("div", { class: "banner error", role: "alert", "data-testid": "error-banner", hidden: true });
  const toast = h("div", { class: "toast", role: "status", "data-testid": "toast", hidden: true });
  const main = h("main", { class: "main", "data-testid": "view" });
  fill(app,
    h("header", { class: "topbar" },
      h("a", { class: "brand", href: "#/" }, h("span", { class: "logo" }), "jobsapi"),
      live,
      h("div", { class: "identity", "data-testid": "whoami" },
        h("span", { class: "sub", "data-testid": "whoami-sub" }, me.sub || "(no sub)"),
        h("span", { class: "role", "data-testid": "whoami-role" }, me.role),
        h("button", { type: "button", class: "ghost", "data-testid": "sign-out", onclick: () => signOut() },
          "Sign out"))),
    h("div", { class: "layout" }, nav, h("div", { class: "content" }, banner, toast, main)));
  shell = { main, nav, live, banner, toast, bannerSource: null, toastTimer: null };
}

function showError(error, source = "action") {
  if (!shell || error.name === "AbortError") return;
  if (error instanceof ApiError && error.status === 401) return;  // the 401 handler shows the form
  const parts = [h("strong", {}, error.message)];
  if (error.hint) parts.push(h("span", { class: "hint" }, ` ${error.hint}`));
  if (error.details) parts.push(h("div", { class: "details" }, String(error.details)));
  fill(shell.banner, parts, h("button", {
    type: "button", class: "close", "aria-label": "Dismiss", onclick: () => clearError(),
  }, "×"));
  shell.banner.hidden = false;
  shell.bannerSource = source;
}

function clearError(source) {
  if (!shell || (source && shell.bannerSource !== source)) return;
  shell.banner.hidden = true;
  shell.bannerSource = null;
}

function notify(text) {
  if (!shell) return;
  shell.toast.textContent = text;
  shell.toast.hidden = false;
  clearTimeout(shell.toastTimer);
  shell.toastTimer = setTimeout(() => { shell.toast.hidden = true; }, 5000);
}

function setLive(state, text) {
  if (!shell) return;
  shell.live.dataset.state = state;
  shell.live.textContent = text;
}

// --- routing and polling -------------------------------------------------

function parseHash() {
  const [path, query] = location.hash.replace(/^#\/?/, "").split("?");
  const parts = path.split("/").filter(Boolean);
  return { parts, params: new URLSearchParams(query || "") };
}

function route() {
  if (!shell) return;
  const { parts, params } = parseHash();
  const first = parts[0] || "overview";
  const name = first === "queues" ? "overview" : first;
  let screen = SCREENS.find((s) => s.name === name);
  let view = screen && screen.view;
  if (name === "jobs" && parts[1]) view = job;
  for (const link of shell.nav.querySelectorAll("a")) {
    link.classList.toggle("active", link.dataset.screen === (screen ? screen.name : ""));
  }
  if (!screen) {
    screen = { name: "missing" };
    view = { mount: (root) => { fill(root, h("div", { class: "empty" }, `No screen "${first}".`)); return { refresh: async () => {} }; } };
  } else if (!can(screen.route)) {
    view = { mount: (root) => notAvailable(root, screen) };
  }
  startScreen(screen.name, view, parts, params);
}

function notAvailable(root, screen) {
  fill(root, h("h2", {}, screen.label),
    h("div", { class: "empty", "data-testid": "not-available" },
      `${screen.label} are not available to this token.`));
  return { refresh: async () => {} };
}

function stopScreen() {
  if (!active) return;
  active.stopped = true;
  clearTimeout(active.timer);
  active.controller.abort();
  if (active.screen && active.screen.unmount) active.screen.unmount();
  active = null;
}

function startScreen(name, view, parts, params) {
  stopScreen();
  clearError();
  const state = { controller: new AbortController(), timer: null, busy: false, again: false, stopped: false };
  const root = h("section", { class: "screen", "data-testid": `screen-${name}`, "data-screen": name });
  fill(shell.main, root);
  const ctx = {
    api: client(state.controller.signal),
    parts, params, can, canRpc, whoami,
    refreshNow: () => tick(state),
    showError, notify,
    navigate: (hash) => { location.hash = hash; },
  };
  active = state;
  state.screen = view.mount(root, ctx);
  tick(state);
}

/** One poll of the screen; the next is set when this one ends, so polls never overlap. */
async function tick(state) {
  clearTimeout(state.timer);
  if (state.stopped) return;
  if (document.visibilityState === "hidden") {
    setLive("paused", "Paused while hidden");
    return;
  }
  if (state.busy) {
    state.again = true;
    return;
  }
  state.busy = true;
  try {
    await state.screen.refresh();
    if (!state.stopped) {
      clearError("poll");
      setLive("ok", `Live · ${new Date().toLocaleTimeString()}`);
      refreshTimes(shell.main);
    }
  } catch (error) {
    if (!state.stopped && error.name !== "AbortError") {
      showError(error, "poll");
      setLive("error", "Update failed");
    }
  } finally {
    state.busy = false;
    if (!state.stopped) {
      if (state.again) {
        state.again = false;
        tick(state);
      } else {
        const ms = state.screen.interval ? state.screen.interval() : POLL_MS;
        state.timer = setTimeout(() => tick(state), ms);
      }
    }
  }
}

document.addEventListener("visibilitychange", () => {
  if (document.visibilityState === "visible" && active) tick(active);
});

window.addEventListener("hashchange", () => {
  if (/(?:^#|[?&])token=/.test(location.hash)) {
    takeTokenFromAddress();
    start();
  } else {
    route();
  }
});

onUnauthorized((error) => signOut(explain401(error)));

async function start() {
  stopScreen();
  if (!token.get()) {
    showTokenForm();
    return;
  }
  fill(app, h("div", { class: "token-page" }, h("div", { class: "loading" }, "Checking the token…")));
  try {
    await loadWhoami();
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) return;  // signOut showed the form
    fill(app, h("div", { class: "token-page" },
      h("div", { class: "banner error", role: "alert", "data-testid": "error-banner" },
        `The API did not answer who this token is: ${error.message}`),
      h("button", { type: "button", onclick: () => start() }, "Try again")));
    return;
  }
  buildShell();
  route();
}

takeTokenFromAddress();
start();
