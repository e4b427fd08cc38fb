// Semafor dashboard: plain JavaScript, no build step.
//
// Safety rule: every piece of data reaches the page as text. Elements are made with h(), which
// puts strings into text nodes and sets only allow-listed attributes; nothing here assigns
// innerHTML or builds HTML strings. The server's Content-Security-Policy forbids inline script
// as a second line of defence.
"use strict";

const POLL_MS = 2000;
const HISTORY_SLOTS = 60; // the server keeps 60 sampling intervals per queue
const STATES = ["scheduled", "queued", "running", "succeeded", "dead", "cancelled"];
const ATTRS = new Set([
  "class", "href", "title", "id", "type", "name", "value", "for", "placeholder", "role",
  "colspan", "min", "max", "step", "datetime", "autocomplete", "aria-label", "aria-current",
  "aria-valuenow", "aria-valuemin", "aria-valuemax", "aria-live", "data-state", "data-testid",
  "rows", "list", "spellcheck", "aria-modal", "aria-labelledby", "aria-pressed", "aria-describedby",
]);
const BOOLEAN_ATTRS = new Set(["hidden", "disabled", "selected", "open", "required"]);

// ---- DOM helpers ----

/** Makes an element. props: allow-listed attributes, booleans, and on: {event: handler}. */
function h(tag, props, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(props || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "on") {
      for (const [event, handler] of Object.entries(value)) el.addEventListener(event, handler);
    } else if (BOOLEAN_ATTRS.has(key)) {
      el.setAttribute(key, "");
    } else if (ATTRS.has(key)) {
      el.setAttribute(key, String(value));
    } else {
      throw new Error("attribute not allowed: " + key);
    }
  }
  append(el, children);
  return el;
}

/** Replaces el's children, skipping null, undefined and false like h() does. */
function setChildren(el, ...children) {
  el.replaceChildren();
  return append(el, children);
}

function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

const SVG = "http://www.w3.org/2000/svg";
function s(tag, attrs) {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs || {})) el.setAttribute(k, String(v));
  return el;
}

// ---- API ----

class ApiError extends Error {
  constructor(status, problem) {
    super(problem && problem.detail ? problem.detail : "HTTP " + status);
    this.status = status;
    this.problem = problem;
  }
}

/** Calls the API; resolves to the JSON body (with status: true, to {status, body}). */
async function api(path, options = {}) {
  const method = options.method || "GET";
  const headers = { Accept: "application/json" };
  if (method !== "GET") headers["X-Semafor-Csrf"] = "1";
  if (options.body !== undefined) headers["Content-Type"] = "application/json";
  // Relative: the page may be served under a path of another application's (/semafor/).
  const response = await fetch("api/v1" + path, {
    method,
    headers,
    credentials: "same-origin",
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  if (response.status === 401) {
    window.location.assign("login?next=" + encodeURIComponent(window.location.pathname + window.location.hash));
    throw new ApiError(401, null);
  }
  if (response.status === 204) return null;
  const text = await response.text();
  const body = text ? JSON.parse(text) : null;
  if (!response.ok) throw new ApiError(response.status, body);
  return options.status ? { status: response.status, body } : body;
}

// ---- formatting ----

function ago(iso, now = Date.now()) {
  if (!iso) return "—";
  const ms = now - Date.parse(iso);
  const future = ms < 0;
  const sec = Math.round(Math.abs(ms) / 1000);
  let text;
  if (sec < 1) return "now";
  if (sec < 60) text = sec + "s";
  else if (sec < 3600) text = Math.floor(sec / 60) + "m " + (sec % 60) + "s";
  else if (sec < 86400) text = Math.floor(sec / 3600) + "h " + Math.floor((sec % 3600) / 60) + "m";
  else text = Math.floor(sec / 86400) + "d";
  return future ? "in " + text : text + " ago";
}

function duration(fromIso, toIso) {
  if (!fromIso || !toIso) return "—";
  const ms = Date.parse(toIso) - Date.parse(fromIso);
  if (ms < 1000) return ms + " ms";
  if (ms < 60000) return (ms / 1000).toFixed(ms < 10000 ? 2 : 1) + " s";
  return Math.floor(ms / 60000) + "m " + Math.round((ms % 60000) / 1000) + "s";
}

/** Re-renders a view part only when its data changed, so rows under the pointer stay put. */
function changeTracker() {
  let last = null;
  return (data) => {
    const sig = JSON.stringify(data);
    if (sig === last) return false;
    last = sig;
    return true;
  };
}

/** Brings every relative time under root up to date without rebuilding anything. */
function tickTimes(root) {
  const now = Date.now();
  for (const t of root.querySelectorAll("time[datetime]")) {
    t.textContent = ago(t.getAttribute("datetime"), now);
  }
}

function time(iso) {
  if (!iso) return h("span", { class: "muted" }, "—");
  return h("time", { datetime: iso, title: new Date(iso).toLocaleString() }, ago(iso));
}

function rate(perMinute) {
  return Math.round(perMinute).toLocaleString() + "/min";
}

function plural(n, one, many) {
  return n.toLocaleString() + " " + (n === 1 ? one : many);
}

function badge(state) {
  return h("span", { class: "badge", "data-state": state }, state);
}

function pretty(value) {
  return JSON.stringify(value, null, 2);
}

function jobLink(id) {
  return h("a", { href: "#/jobs/" + encodeURIComponent(id), class: "mono", title: id }, id);
}

function empty(text) {
  return h("p", { class: "empty" }, text);
}

// ---- charts ----

/**
 * An inline SVG sparkline of values (oldest first) in a fixed number of slots, right-aligned, so
 * time runs at the same scale however much history there is yet.
 */
function sparkline(values, kind, label, slots = HISTORY_SLOTS) {
  const w = 160, hgt = 36, pad = 2;
  const svg = s("svg", { viewBox: `0 0 ${w} ${hgt}`, preserveAspectRatio: "none", class: "spark " + kind, role: "img" });
  svg.setAttribute("aria-label", label);
  const title = s("title");
  title.textContent = label;
  svg.append(title);
  const recent = values.slice(-slots);
  const padded = new Array(slots - recent.length).fill(0).concat(recent);
  const max = Math.max(1, ...padded);
  const x = (i) => pad + (i * (w - 2 * pad)) / (slots - 1);
  const y = (v) => hgt - pad - (v / max) * (hgt - 2 * pad);
  const line = padded.map((v, i) => x(i).toFixed(1) + "," + y(v).toFixed(1)).join(" ");
  svg.append(s("polygon", { points: `${x(0)},${hgt} ${line} ${x(slots - 1)},${hgt}`, class: "area" }));
  svg.append(s("polyline", { points: line, class: "line" }));
  return svg;
}

// ---- routing ----

function route() {
  const hash = window.location.hash.replace(/^#/, "") || "/";
  const [path, query] = hash.split("?");
  const params = new URLSearchParams(query || "");
  const parts = path.split("/").filter(Boolean);
  if (parts.length === 0) return { view: "overview", params };
  if (parts[0] === "jobs" && parts.length > 1) return { view: "job", id: decodeURIComponent(parts[1]), params };
  return { view: parts[0], params };
}

const views = {};
let current = null;
let polling = false;

async function show() {
  const r = route();
  const view = views[r.view] || views.overview;
  for (const a of document.querySelectorAll("nav.side a")) {
    const active = a.dataset.nav === (r.view === "job" ? "jobs" : r.view);
    if (active) a.setAttribute("aria-current", "page");
    else a.removeAttribute("aria-current");
  }
  const main = document.getElementById("main");
  current = view(r);
  main.replaceChildren(current.root);
  await refresh();
}

async function refresh() {
  if (!current || polling) return;
  polling = true;
  const live = document.getElementById("live");
  try {
    await current.refresh();
    tickTimes(document.getElementById("main"));
    live.textContent = "live · " + new Date().toLocaleTimeString();
    live.classList.remove("offline");
  } catch (e) {
    live.textContent = "offline: " + e.message;
    live.classList.add("offline");
  } finally {
    polling = false;
  }
}

function notify(text, kind = "info") {
  const box = h("div", { class: "toast " + kind, role: "status" }, text);
  document.body.append(box);
  setTimeout(() => box.remove(), 4000);
}

/** Runs an action, then says label (unless null: fn says it) and refreshes the view. */
async function act(label, fn) {
  try {
    await fn();
    if (label !== null) notify(label);
    await refresh();
  } catch (e) {
    notify(e.message, "error");
  }
}

// ---- overview ----

views.overview = () => {
  const totals = h("div", { class: "totals" });
  const cards = h("div", { class: "cards" });
  const notices = h("div", { class: "notices" });
  const root = h("section", {},
    h("h1", {}, "Overview"),
    totals,
    notices,
    h("h2", {}, "Queues"),
    cards);
  return {
    root,
    async refresh() {
      const [{ queues, unserved = [] }, { workers }] = await Promise.all([api("/queues"), api("/workers")]);
      const sum = Object.fromEntries(STATES.map((st) => [st, 0]));
      sum.leased = 0;
      let through = 0, fails = 0;
      for (const q of queues) {
        for (const st of STATES) sum[st] += q.counts[st];
        sum.leased += q.counts.leased || 0;
        through += q.succeeded_per_minute;
        fails += q.dead_per_minute;
      }
      const active = workers.filter((w) => w.status === "active").length;
      setChildren(totals,
        stat("Waiting", sum.queued + sum.scheduled, sum.scheduled + " scheduled"),
        stat("Running", sum.running, plural(active, "worker", "workers") + " active, " + sum.leased.toLocaleString() + " leased and waiting"),
        stat("Succeeded", sum.succeeded, rate(through) + " in the last minute", "good"),
        stat("Dead", sum.dead, rate(fails) + " in the last minute", sum.dead > 0 ? "bad" : ""));
      setChildren(notices, ...unserved.map((u) => h("p", { class: "notice bad", "data-testid": "unserved" },
        plural(u.queued, "job", "jobs") + " in queue " + u.queue + " wait for task " + u.task + ", which no live worker has")));
      setChildren(cards, ...(queues.length ? queues.map(queueCard) : [empty("No queues yet: enqueue a job and it appears here.")]));
    },
  };
};

function stat(label, value, sub, tone = "") {
  return h("div", { class: "stat " + tone },
    h("div", { class: "stat-label" }, label),
    h("div", { class: "stat-value" }, value.toLocaleString()),
    h("div", { class: "stat-sub" }, sub));
}

function queueCard(q) {
  const qs = (state) => "#/jobs?queue=" + encodeURIComponent(q.queue) + (state ? "&state=" + state : "");
  return h("article", { class: "card queue", "data-testid": "queue-card" },
    h("header", {},
      h("h3", {}, h("a", { href: qs() }, q.queue),
        q.paused ? h("span", { class: "badge", "data-state": "paused", "data-testid": "paused", title: "workers take no jobs from it; enqueue still works" }, "paused") : null),
      h("span", { class: "queue-tools" },
        h("span", { class: "muted" }, plural(q.total, "job", "jobs")),
        pauseButton(q))),
    h("div", { class: "chips" },
      STATES.map((st) => h("a", { class: "chip", "data-state": st, href: qs(st), title: st },
        h("span", { class: "chip-n" }, q.counts[st].toLocaleString()),
        h("span", { class: "chip-l" }, st))),
      q.counts.leased ? h("span", { class: "chip", "data-state": "leased", title: "leased to a worker, waiting in its local queue" },
        h("span", { class: "chip-n" }, q.counts.leased.toLocaleString()),
        h("span", { class: "chip-l" }, "leased")) : null),
    h("div", { class: "charts" },
      h("div", { class: "chart" },
        h("div", { class: "chart-label" }, "Throughput ", h("strong", {}, rate(q.succeeded_per_minute))),
        sparkline(q.history.map((p) => p.succeeded), "ok", "succeeded per interval")),
      h("div", { class: "chart" },
        h("div", { class: "chart-label" }, "Failures ", h("strong", {}, rate(q.dead_per_minute))),
        sparkline(q.history.map((p) => p.dead), "bad", "dead per interval"))));
}

/** Pause or resume a queue: workers stop (or start again) taking its jobs; enqueue still works. */
function pauseButton(q) {
  const verb = q.paused ? "resume" : "pause";
  return h("button", {
    type: "button", class: "small", "data-testid": "pause-toggle", "aria-pressed": q.paused ? "true" : "false",
    title: q.paused ? "Let workers take this queue's jobs again" : "Stop workers taking this queue's jobs (enqueue still works)",
    on: { click: () => act((q.paused ? "Resumed " : "Paused ") + q.queue,
      () => api("/queues/" + encodeURIComponent(q.queue) + "/" + verb, { method: "POST" })) },
  }, q.paused ? "Resume" : "Pause");
}

// ---- job lists ----

views.jobs = (r) => jobList(r.params, false);
views.dead = (r) => {
  const params = new URLSearchParams(r.params);
  params.set("state", "dead");
  return jobList(params, true);
};

const FILTERS = ["queue", "task", "state", "key", "concurrency_key", "since", "from", "to"];

/** The API query of the filters in params (the page's hash), for the list and the bulk actions. */
function filterQuery(params) {
  const q = new URLSearchParams();
  for (const key of FILTERS) {
    if (params.get(key)) q.set(key, params.get(key));
  }
  return q;
}

/** A few words for the filters, as in "on queue emails of task x". */
function describeFilters(params) {
  const parts = [];
  if (params.get("queue")) parts.push("on queue " + params.get("queue"));
  if (params.get("task")) parts.push("of task " + params.get("task"));
  if (params.get("key")) parts.push("with unique key " + params.get("key"));
  if (params.get("concurrency_key")) parts.push("with concurrency key " + params.get("concurrency_key"));
  if (params.get("since")) parts.push("enqueued in the last " + params.get("since"));
  if (params.get("from") || params.get("to")) parts.push("enqueued in the chosen time range");
  return parts.length ? " " + parts.join(" ") : "";
}

function jobList(params, deadOnly) {
  const limit = 25;
  const offset = Math.max(0, parseInt(params.get("offset") || "0", 10) || 0);
  const filters = filterForm(params, deadOnly);
  const table = h("div", { class: "table-wrap" });
  const pager = h("div", { class: "pager" });
  const changed = changeTracker();
  const root = h("section", {},
    h("h1", {}, deadOnly ? "Dead jobs" : "Jobs"),
    deadOnly ? h("p", { class: "muted" }, "Jobs that failed their last attempt. Retry puts one back on its queue with its attempts reset; delete removes it.") : null,
    filters.form,
    deadOnly ? bulkBar(params) : null,
    table,
    pager);
  return {
    root,
    async refresh() {
      await filters.load();
      const q = filterQuery(params);
      q.set("limit", limit);
      q.set("offset", offset);
      const page = await api("/jobs?" + q);
      if (!changed(page)) return;
      setChildren(table, page.jobs.length ? (deadOnly ? deadTable(page.jobs) : jobTable(page.jobs)) : empty(deadOnly ? "No dead jobs." : "No jobs match."));
      setChildren(pager,
        h("span", { class: "muted" }, page.jobs.length ? `${offset + 1}–${offset + page.jobs.length}, newest first` : ""),
        pageLink("← Newer", params, offset - limit, offset > 0, deadOnly),
        pageLink("Older →", params, offset + limit, page.has_more, deadOnly));
    },
  };
}

function pageLink(label, params, offset, enabled, deadOnly) {
  if (!enabled) return h("span", { class: "button disabled" }, label);
  const p = new URLSearchParams(params);
  p.set("offset", Math.max(0, offset));
  if (deadOnly) p.delete("state");
  return h("a", { class: "button", href: "#/" + (deadOnly ? "dead" : "jobs") + "?" + p }, label);
}

function jobTable(jobs) {
  const head = ["Job", "Task", "Queue", "State", "Attempts", "Enqueued", "Run time", "Progress"];
  return h("table", { class: "jobs" },
    h("thead", {}, h("tr", {}, head.map((c) => h("th", {}, c)))),
    h("tbody", {}, jobs.map((j) => h("tr", { "data-testid": "job-row" },
      h("td", { class: "id-cell" }, jobLink(j.id)),
      h("td", {}, j.task),
      h("td", {}, j.queue),
      h("td", {}, badge(j.state)),
      h("td", { class: "num" }, j.attempts + " / " + j.max_attempts),
      h("td", {}, time(j.enqueued_at)),
      h("td", { class: "num" }, duration(j.started_at, j.finished_at)),
      h("td", {}, progressBar(j.progress, j.state, true))))));
}

/**
 * Dead jobs, laid out to fit a 1024 px window: the id is shortened (in full on hover), the error
 * wraps into two lines, and the Retry and Delete buttons keep to the right edge even if a long name
 * makes the table scroll.
 */
function deadTable(jobs) {
  const head = ["Job", "Task", "Queue", "Attempts", "Failed", "Error", ""];
  return h("table", { class: "jobs dead" },
    h("thead", {}, h("tr", {}, head.map((c) => h("th", {}, c)))),
    h("tbody", {}, jobs.map((j) => h("tr", { "data-testid": "job-row" },
      h("td", { class: "id-cell" }, jobLink(j.id)),
      h("td", { class: "wrap" }, j.task),
      h("td", { class: "wrap" }, j.queue),
      h("td", { class: "num" }, j.attempts + " / " + j.max_attempts),
      h("td", {}, time(j.finished_at)),
      h("td", { class: "error-cell", title: j.error ? j.error.type + ": " + j.error.message : "" },
        h("div", { class: "clamp" }, j.error ? j.error.message : "")),
      h("td", { class: "actions" }, h("div", { class: "row-actions" },
        h("button", { type: "button", class: "small", on: { click: () => act("Retried " + j.id, () => api("/jobs/" + encodeURIComponent(j.id) + "/retry", { method: "POST" })) } }, "Retry"),
        h("button", { type: "button", class: "small danger", on: { click: () => confirmDelete(j.id) } }, "Delete")))))));
}

/** Retry or delete every dead job the filters select, after a confirmation that says how many. */
function bulkBar(params) {
  return h("div", { class: "bulk", "data-testid": "bulk-bar" },
    h("span", { class: "muted" }, "Every dead job" + describeFilters(params) + ":"),
    h("button", { type: "button", "data-testid": "bulk-retry", on: { click: () => bulk("retry", params) } }, "Retry all…"),
    h("button", { type: "button", class: "danger", "data-testid": "bulk-delete", on: { click: () => bulk("delete", params) } }, "Delete all…"));
}

async function bulk(action, params) {
  const q = filterQuery(params);
  q.set("state", "dead");
  const path = "/jobs/bulk/" + action + "?" + q;
  let matched;
  try {
    ({ matched } = await api(path + "&dry_run=true", { method: "POST" }));
  } catch (e) {
    notify(e.message, "error");
    return;
  }
  if (matched === 0) {
    notify("No dead jobs match.");
    return;
  }
  const what = plural(matched, "dead job", "dead jobs") + describeFilters(params);
  const ok = await confirmDialog(
    (action === "retry" ? "Retry " : "Delete ") + what + "?",
    action === "retry"
      ? "Each goes back on its queue with its attempts reset. A job whose unique key another waiting or running job holds stays dead."
      : "They are removed for good. This cannot be undone.",
    (action === "retry" ? "Retry " : "Delete ") + plural(matched, "job", "jobs"),
    action === "delete");
  if (!ok) return;
  await act(null, async () => {
    const r = await api(path, { method: "POST" });
    const done = action === "retry" ? r.retried : r.deleted;
    notify((action === "retry" ? "Retried " : "Deleted ") + done.toLocaleString() + " of " + plural(r.matched, "job", "jobs") +
      (r.skipped ? "; " + r.skipped.toLocaleString() + " left as they were" : ""));
  });
}

/**
 * An in-page confirmation; resolves to true (confirmed) or false (cancelled, Escape). A
 * destructive one starts with Cancel focused, so Enter does not delete; focus returns afterwards.
 */
function confirmDialog(title, text, confirmLabel, danger) {
  const before = document.activeElement;
  return new Promise((resolve) => {
    const onKey = (e) => { if (e.key === "Escape") close(false); };
    const close = (answer) => {
      overlay.remove();
      document.removeEventListener("keydown", onKey);
      if (before && before.isConnected) before.focus();
      resolve(answer);
    };
    const yes = h("button", { type: "button", class: danger ? "danger solid" : "primary", "data-testid": "confirm-yes", on: { click: () => close(true) } }, confirmLabel);
    const no = h("button", { type: "button", "data-testid": "confirm-no", on: { click: () => close(false) } }, "Cancel");
    const overlay = h("div", { class: "modal-backdrop" },
      h("div", { class: "modal", role: "dialog", "aria-modal": "true", "aria-labelledby": "modal-title", "data-testid": "confirm" },
        h("h2", { id: "modal-title" }, title),
        text ? h("p", { class: "muted" }, text) : null,
        h("div", { class: "modal-actions" },
          no,
          yes)));
    document.addEventListener("keydown", onKey);
    document.body.append(overlay);
    (danger ? no : yes).focus();
  });
}

function confirmDelete(id) {
  if (window.confirm("Delete job " + id + "? This cannot be undone.")) {
    return act("Deleted " + id, () => api("/jobs/" + encodeURIComponent(id), { method: "DELETE" }));
  }
  return null;
}

const SINCE = [["", "any time"], ["15m", "last 15 minutes"], ["1h", "last hour"], ["24h", "last 24 hours"], ["7d", "last 7 days"]];

/** The search form of the job lists; the dead list has no state (it is always dead). */
function filterForm(params, deadOnly) {
  const target = deadOnly ? "#/dead" : "#/jobs";
  const queue = h("select", { name: "queue", "aria-label": "Queue" });
  const task = h("select", { name: "task", "aria-label": "Task" });
  const state = deadOnly ? null : h("select", { name: "state", "aria-label": "State" },
    h("option", { value: "" }, "any state"),
    STATES.map((st) => h("option", { value: st, selected: params.get("state") === st }, st)));
  const key = h("input", { type: "search", name: "key", "aria-label": "Unique key", placeholder: "any key", autocomplete: "off", value: params.get("key") || "" });
  const concurrencyKey = h("input", { type: "search", name: "concurrency_key", "aria-label": "Concurrency key", placeholder: "any key", autocomplete: "off", value: params.get("concurrency_key") || "" });
  const since = h("select", { name: "since", "aria-label": "Enqueued since" },
    SINCE.map(([v, label]) => h("option", { value: v, selected: (params.get("since") || "") === v }, label)));
  const from = h("input", { type: "datetime-local", name: "from", "aria-label": "Enqueued from", step: 1 });
  const to = h("input", { type: "datetime-local", name: "to", "aria-label": "Enqueued to", step: 1 });
  if (params.get("from")) from.value = toLocalInput(params.get("from"));
  if (params.get("to")) to.value = toLocalInput(params.get("to"));
  let loaded = false;
  const form = h("form", { class: "filters", "data-testid": "filters", on: { submit: (e) => {
    e.preventDefault();
    const p = new URLSearchParams();
    if (queue.value) p.set("queue", queue.value);
    if (task.value) p.set("task", task.value);
    if (state && state.value) p.set("state", state.value);
    if (key.value.trim()) p.set("key", key.value.trim());
    if (concurrencyKey.value.trim()) p.set("concurrency_key", concurrencyKey.value.trim());
    if (since.value) p.set("since", since.value);
    else if (from.value) p.set("from", new Date(from.value).toISOString());
    if (to.value) p.set("to", new Date(to.value).toISOString());
    window.location.hash = target + (p.toString() ? "?" + p : "");
  } } },
    h("label", {}, "Queue", queue),
    h("label", {}, "Task", task),
    state ? h("label", {}, "State", state) : null,
    h("label", {}, "Unique key", key),
    h("label", {}, "Concurrency key", concurrencyKey),
    h("label", {}, "Enqueued", since),
    h("label", {}, "From", from),
    h("label", {}, "To", to),
    h("button", { type: "submit", class: "primary" }, "Search"),
    h("a", { href: target, class: "button" }, "Clear"));
  return {
    form,
    async load() {
      if (loaded) return;
      const [{ queues }, info] = await Promise.all([api("/queues"), api("/info")]);
      fill(queue, "any queue", queues.map((q) => q.queue), params.get("queue"));
      fill(task, "any task", info.tasks, params.get("task"));
      loaded = true;
    },
  };
}

function fill(select, anyLabel, names, selected) {
  const all = new Set(names);
  if (selected) all.add(selected);
  setChildren(select, anyLabel === null ? null : h("option", { value: "" }, anyLabel),
    [...all].sort().map((n) => h("option", { value: n, selected: n === selected }, n)));
}

function toLocalInput(iso) {
  const d = new Date(iso);
  if (isNaN(d)) return "";
  const pad = (n) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

function progressBar(fraction, state, compact) {
  const pct = Math.round((fraction || 0) * 100);
  const bar = h("div", { class: "bar" });
  bar.style.width = pct + "%"; // CSSOM, which the CSP allows (a style attribute it would not)
  return h("div", { class: "progress" + (compact ? " compact" : ""), role: "progressbar", "aria-valuenow": pct, "aria-valuemin": 0, "aria-valuemax": 100, "data-state": state, title: pct + "%" },
    bar,
    compact ? null : h("span", { class: "pct" }, pct + "%"));
}

// ---- job detail ----

views.job = (r) => {
  const id = r.id;
  const head = h("div", { class: "job-head" });
  const body = h("div", { class: "job-body" });
  const root = h("section", {},
    h("p", {}, h("a", { href: "#/jobs" }, "← All jobs")),
    head,
    body);
  const changed = changeTracker();
  return {
    root,
    async refresh() {
      let job;
      try {
        job = await api("/jobs/" + encodeURIComponent(id));
      } catch (e) {
        if (e.status === 404) {
          setChildren(head, h("h1", {}, "Job not found"));
          setChildren(body, empty("No job with id " + id + " (deleted or pruned)."));
          return;
        }
        throw e;
      }
      if (!changed(job)) return; // unchanged: keep scroll position and open details
      setChildren(head,
        h("div", {},
          h("h1", {}, job.task, " ", badge(job.state)),
          h("div", { class: "mono muted", "data-testid": "job-id" }, job.id)),
        h("div", { class: "actions" }, jobActions(job)));
      setChildren(body,
        h("div", { class: "card" },
          h("h2", {}, "Progress"),
          progressBar(job.progress, job.state, false),
          job.progress_message ? h("p", { class: "muted" }, job.progress_message) : null),
        h("div", { class: "grid2" },
          h("div", { class: "card" }, h("h2", {}, "Job"), facts([
            ["Queue", job.queue], ["Priority", job.priority],
            ["Attempts", job.attempts + " of " + job.max_attempts],
            ["Worker", job.worker_id || "—"], ["Timeout", job.timeout_ms ? job.timeout_ms + " ms" : "—"],
            ["Unique key", job.unique_key || "—"],
            ["Concurrency", job.concurrency_key ? job.concurrency_key + " ≤ " + job.concurrency_limit : "—"],
          ])),
          h("div", { class: "card" }, h("h2", {}, "Timings"), facts([
            ["Enqueued", time(job.enqueued_at)], ["Run at", time(job.run_at)],
            ["Started", time(job.started_at)], ["Finished", time(job.finished_at)],
            ["Waited", duration(job.run_at, job.started_at)], ["Ran", duration(job.started_at, job.finished_at)],
            ["Lease expires", time(job.lease_expires_at)],
          ]))),
        h("div", { class: "card" }, h("h2", {}, "Input"), h("pre", { "data-testid": "job-input" }, pretty(job.input))),
        job.logs && job.logs.length ? h("div", { class: "card" }, h("h2", {}, "Log"),
          h("pre", { class: "log", "data-testid": "job-logs" },
            job.logs.map((l) => h("div", {}, h("span", { class: "muted" }, l.at + "  "), l.line)))) : null,
        job.state === "succeeded" ? h("div", { class: "card" }, h("h2", {}, "Result"), h("pre", { "data-testid": "job-result" }, pretty(job.result))) : null,
        job.error ? h("div", { class: "card error" },
          h("h2", {}, job.state === "dead" ? "Error" : "Last error"),
          h("p", {}, h("strong", { class: "mono" }, job.error.type), ": ", h("span", { "data-testid": "job-error" }, job.error.message)),
          job.error.stack_trace ? h("details", {}, h("summary", {}, "Stack trace"), h("pre", { class: "stack" }, job.error.stack_trace)) : null) : null);
    },
  };
};

function facts(rows) {
  return h("dl", { class: "facts" }, rows.map(([k, v]) => [h("dt", {}, k), h("dd", {}, v)]));
}

function jobActions(job) {
  const path = "/jobs/" + encodeURIComponent(job.id);
  const buttons = [];
  if (["scheduled", "queued", "running"].includes(job.state) && !job.cancel_requested) {
    buttons.push(h("button", { type: "button", on: { click: () => act("Cancel requested", () => api(path + "/cancel", { method: "POST" })) } }, "Cancel"));
  }
  if (job.state === "dead" || job.state === "cancelled") {
    buttons.push(h("button", { type: "button", class: "primary", on: { click: () => act("Retried", () => api(path + "/retry", { method: "POST" })) } }, "Retry"));
  }
  if (["succeeded", "dead", "cancelled"].includes(job.state)) {
    buttons.push(h("button", { type: "button", class: "danger", on: { click: () => confirmDelete(job.id) } }, "Delete"));
  }
  return buttons;
}

// ---- enqueue ----

/**
 * A form for one job with every option of POST /api/v1/jobs. The input is checked to be JSON
 * here; anything else the server refuses comes back as a problem whose detail is shown.
 */
views.enqueue = () => {
  const task = h("select", { name: "task", "aria-label": "Task", required: true });
  const queue = h("input", { name: "queue", value: "default", list: "queue-names", autocomplete: "off", "aria-label": "Queue" });
  const queueNames = h("datalist", { id: "queue-names" });
  const input = h("textarea", { name: "input", rows: 7, spellcheck: "false", class: "mono", "aria-label": "Input (JSON)", "aria-describedby": "input-help", placeholder: '{"n": 97}' });
  const num = (name, label, props = {}) => h("input", Object.assign({ type: "number", name, "aria-label": label, step: 1 }, props));
  const text = (name, label) => h("input", { type: "text", name, "aria-label": label, autocomplete: "off" });
  const f = {
    priority: num("priority", "Priority", { placeholder: "0" }),
    max_attempts: num("max_attempts", "Max attempts", { min: 1, placeholder: "3" }),
    delay_s: num("delay_s", "Delay in seconds", { min: 0, step: "any", placeholder: "none" }),
    timeout_s: num("timeout_s", "Timeout in seconds", { min: 0, step: "any", placeholder: "the task's" }),
    unique_key: text("unique_key", "Unique key"),
    on_conflict: h("select", { name: "on_conflict", "aria-label": "On conflict" },
      h("option", { value: "reject" }, "reject: keep the waiting job"),
      h("option", { value: "replace" }, "replace: cancel it, add this")),
    concurrency_key: text("concurrency_key", "Concurrency key"),
    concurrency_limit: num("concurrency_limit", "Concurrency limit", { min: 1 }),
    rate_limit: num("rate_limit", "Rate limit (starts)", { min: 1 }),
    rate_period_s: num("rate_period_s", "Rate period in seconds", { min: 0, step: "any" }),
    rate_key: text("rate_key", "Rate key"),
  };
  const problem = h("div", { class: "form-error", role: "alert", "data-testid": "enqueue-error", hidden: true });
  const result = h("div", { class: "form-result", "aria-live": "polite", "data-testid": "enqueue-result" });
  const submit = h("button", { type: "submit", class: "primary", "data-testid": "enqueue-submit" }, "Enqueue");
  const field = (label, el, hint) => h("label", {}, label, el, hint ? h("span", { class: "hint" }, hint) : null);

  const showProblem = (text) => {
    problem.hidden = !text;
    setChildren(problem, text || "");
  };
  const body = () => {
    const b = { task: task.value, queue: queue.value.trim() || undefined };
    const raw = input.value.trim();
    if (raw) {
      try {
        b.input = JSON.parse(raw);
      } catch (e) {
        throw new Error("The input is not valid JSON: " + e.message);
      }
    }
    const int = (el) => (el.value.trim() === "" ? undefined : Number(el.value));
    const ms = (el) => (el.value.trim() === "" ? undefined : Math.round(Number(el.value) * 1000));
    const str = (el) => el.value.trim() || undefined;
    Object.assign(b, {
      priority: int(f.priority), max_attempts: int(f.max_attempts),
      delay_ms: ms(f.delay_s), timeout_ms: ms(f.timeout_s),
      unique_key: str(f.unique_key),
      concurrency_key: str(f.concurrency_key), concurrency_limit: int(f.concurrency_limit),
      rate_limit: int(f.rate_limit), rate_period_ms: ms(f.rate_period_s), rate_key: str(f.rate_key),
    });
    if (b.unique_key) b.on_conflict = f.on_conflict.value;
    return b;
  };
  const form = h("form", { class: "enqueue card", "data-testid": "enqueue-form", on: { submit: async (e) => {
    e.preventDefault();
    showProblem(null);
    setChildren(result);
    let b;
    try {
      b = body();
    } catch (err) {
      showProblem(err.message);
      input.focus();
      return;
    }
    submit.disabled = true;
    try {
      const { status, body: job } = await api("/jobs", { method: "POST", body: b, status: true });
      setChildren(result, status === 201
        ? ["Enqueued ", jobLink(job.id), " on queue " + job.queue + " (" + job.state + ")."]
        : ["Job ", jobLink(job.id), " with unique key " + job.unique_key + " still waits or runs; nothing new was added."]);
      notify(status === 201 ? "Enqueued " + job.id : "Kept " + job.id);
    } catch (err) {
      const p = err.problem;
      showProblem(p ? p.title + " (" + p.status + "): " + p.detail : err.message);
    } finally {
      submit.disabled = false;
    }
  } } },
    h("div", { class: "form-grid" },
      field("Task", task),
      field("Queue", queue),
      queueNames),
    h("label", { class: "wide" }, "Input (JSON)", input,
      h("span", { class: "hint", id: "input-help" }, "Any JSON the task's input type accepts; empty sends null.")),
    h("fieldset", {}, h("legend", {}, "Options"),
      h("div", { class: "form-grid" },
        field("Priority", f.priority, "higher runs first"),
        field("Max attempts", f.max_attempts),
        field("Delay (s)", f.delay_s),
        field("Timeout (s)", f.timeout_s, "per attempt"))),
    h("fieldset", {}, h("legend", {}, "Job control"),
      h("div", { class: "form-grid" },
        field("Unique key", f.unique_key, "one waiting or running job per key"),
        field("On conflict", f.on_conflict),
        field("Concurrency key", f.concurrency_key, "default: the task"),
        field("Concurrency limit", f.concurrency_limit, "at once, on all workers"),
        field("Rate limit", f.rate_limit, "starts per period"),
        field("Rate period (s)", f.rate_period_s),
        field("Rate key", f.rate_key, "default: the task"))),
    problem,
    h("div", { class: "form-actions" }, submit, result));
  let loaded = false;
  return {
    root: h("section", {}, h("h1", {}, "Enqueue a job"), form),
    async refresh() {
      if (loaded) return;
      const [{ queues }, info] = await Promise.all([api("/queues"), api("/info")]);
      fill(task, null, info.tasks, task.value || null);
      setChildren(queueNames, queues.map((q) => h("option", { value: q.queue })));
      loaded = true;
    },
  };
};

// ---- workers ----

views.workers = () => {
  const table = h("div", { class: "table-wrap" });
  const root = h("section", {},
    h("h1", {}, "Workers"),
    h("p", { class: "muted", id: "gone-note" }, "A worker that stops heartbeating is shown as gone."),
    table);
  const changed = changeTracker();
  return {
    root,
    async refresh() {
      const { workers } = await api("/workers");
      if (!changed(workers)) return;
      setChildren(table, workers.length ? h("table", {},
        h("thead", {}, h("tr", {}, ["", "Worker", "Host", "PID", "Model", "Concurrency", "In flight", "Queues", "Started", "Last heartbeat"].map((c) => h("th", {}, c)))),
        h("tbody", {}, workers.map((w) => h("tr", { "data-state": w.status, "data-testid": "worker-row" },
          h("td", {}, h("span", { class: "dot", "data-state": w.status, title: w.status }, w.status)),
          h("td", { class: "mono" }, w.id),
          h("td", {}, w.host),
          h("td", { class: "num" }, w.pid),
          h("td", {}, w.model),
          h("td", { class: "num" }, w.concurrency),
          h("td", {}, h("div", { class: "inflight" },
            h("span", { class: "num" }, w.in_flight),
            progressBar(Math.min(1, w.in_flight / Math.max(1, w.concurrency)), "running", true))),
          h("td", {}, w.queues.join(", ")),
          h("td", {}, time(w.started_at)),
          h("td", {}, time(w.last_heartbeat)))))) : empty("No workers registered. Start one with: semafor worker"));
    },
  };
};

// ---- schedules ----

views.schedules = () => {
  const table = h("div", { class: "table-wrap" });
  const root = h("section", {}, h("h1", {}, "Schedules"), table);
  const changed = changeTracker();
  return {
    root,
    async refresh() {
      const { schedules } = await api("/schedules");
      if (!changed(schedules)) return;
      setChildren(table, schedules.length ? h("table", {},
        h("thead", {}, h("tr", {}, ["Name", "Cron", "Task", "Queue", "Next run", "Last run"].map((c) => h("th", {}, c)))),
        h("tbody", {}, schedules.map((x) => h("tr", {},
          h("td", {}, x.name), h("td", { class: "mono" }, x.cron), h("td", {}, x.task), h("td", {}, x.queue),
          h("td", {}, time(x.next_run_at)), h("td", {}, time(x.last_run_at))))))
        : empty("No recurring schedules."));
    },
  };
};

// ---- start ----

async function start() {
  try {
    const info = await api("/info");
    document.getElementById("broker").textContent = info.broker;
    document.getElementById("logout").hidden = !info.token_required;
  } catch (e) {
    // the view's own refresh reports the problem
  }
  window.addEventListener("hashchange", show);
  document.addEventListener("visibilitychange", () => { if (!document.hidden) refresh(); });
  setInterval(() => { if (!document.hidden) refresh(); }, POLL_MS);
  await show();
}

document.addEventListener("DOMContentLoaded", start);
