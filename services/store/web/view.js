// The page: filters held in the URL, a snapshot from /v1/overview, then live items from /v1/events/stream.
import { countryShapes, drawMap } from "/web/map.js";
import { drawTimeline } from "/web/timeline.js";
import { itemEntry, showBulletin } from "/web/items.js";

const FILTERS = ["from", "to", "place", "actor", "country", "q"];
const LIST_CAP = 300;
const $ = (id) => document.getElementById(id);

let shapes = [];
let source = null;
let refreshTimer = null;
let olderCursor = null;

function filtersFromUrl() {
  const params = new URLSearchParams(location.search);
  return Object.fromEntries(FILTERS.filter((k) => params.get(k)).map((k) => [k, params.get(k)]));
}

function query(filters, extra = {}) {
  return new URLSearchParams({ ...filters, ...extra }).toString();
}

function showFiltersInForm(filters) {
  const form = $("filters");
  for (const key of FILTERS) form.elements[key].value = filters[key] ?? "";
}

function applyFilters(filters) {
  const search = query(filters);
  history.pushState(null, "", search ? `/?${search}` : "/");
  load();
}

function filterBy(kind, value) {
  applyFilters({ ...filtersFromUrl(), [kind]: value });
}

const handlers = { onFilter: filterBy, onOpen: (item) => showBulletin($("bulletin"), $("bulletin-body"), item, filterBy) };

async function fetchJson(url) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: ${response.status}`);
  return response.json();
}

function drawSummary(summary) {
  drawMap($("map"), shapes, summary.places, (name) => filterBy("place", name));
  drawTimeline($("timeline"), summary.days, (day) => applyFilters({ ...filtersFromUrl(), from: day, to: day }));
  $("total").textContent = `${summary.total} item${summary.total === 1 ? "" : "s"}, ${summary.places.length} places`;
  $("without-day").textContent = summary.without_day ? `(${summary.without_day} dated only to a week, month or range)` : "";
}

function showOlder(cursor) {
  olderCursor = cursor;
  $("older").hidden = !cursor;
}

async function load() {
  const filters = filtersFromUrl();
  showFiltersInForm(filters);
  if (source) source.close();
  document.documentElement.dataset.ready = "";
  const outlines = shapes.length ? null : fetchJson("/web/countries-110m.json");
  const summary = await fetchJson(`/v1/overview?${query(filters, { limit: 50 })}`);
  if (outlines) shapes = countryShapes(await outlines);
  drawSummary(summary);
  $("items").replaceChildren(...summary.items.map((item) => itemEntry(item, handlers)));
  showOlder(summary.next_cursor);
  follow(filters, summary.position);
  window.wirelogLoadMs ??= performance.now();
  document.documentElement.dataset.ready = "true";
}

// Resume from the snapshot's stored position, so nothing committed between the two requests is missed.
function follow(filters, position) {
  const extra = position ? { after: position } : {};
  source = new EventSource(`/v1/events/stream?${query(filters, extra)}`);
  const status = $("live-status");
  source.onopen = () => { status.textContent = "live"; status.className = "status live"; };
  source.onerror = () => { status.textContent = "reconnecting"; status.className = "status down"; };
  source.addEventListener("item", (message) => {
    const item = JSON.parse(message.data);
    const list = $("items");
    const entry = itemEntry(item, handlers);
    entry.classList.add("fresh");
    const previous = list.querySelector(`li[data-item-id="${CSS.escape(item.item_id)}"]`);
    if (previous) previous.replaceWith(entry);
    else list.prepend(entry);
    while (list.children.length > LIST_CAP) list.lastElementChild.remove();
    scheduleRefresh(filters);
  });
}

// Counts per place and day are re-read from the store (at most once a second) rather than guessed in the page.
function scheduleRefresh(filters) {
  if (refreshTimer) return;
  refreshTimer = setTimeout(async () => {
    refreshTimer = null;
    if (query(filters) !== query(filtersFromUrl())) return; // the view changed meanwhile; load() redrew it
    drawSummary(await fetchJson(`/v1/overview?${query(filters, { limit: 0 })}`));
  }, 1000);
}

async function loadOlder() {
  const summary = await fetchJson(`/v1/overview?${query(filtersFromUrl(), { limit: 50, cursor: olderCursor })}`);
  $("items").append(...summary.items.map((item) => itemEntry(item, handlers)));
  showOlder(summary.next_cursor);
}

$("filters").addEventListener("submit", (event) => {
  event.preventDefault();
  const form = new FormData(event.target);
  applyFilters(Object.fromEntries(FILTERS.map((k) => [k, String(form.get(k) ?? "").trim()]).filter(([, v]) => v)));
});
$("clear").addEventListener("click", () => applyFilters({}));
$("older").addEventListener("click", loadOlder);
$("close-bulletin").addEventListener("click", () => { $("bulletin").hidden = true; });
window.addEventListener("popstate", load);
window.addEventListener("unhandledrejection", (event) => {
  $("live-status").textContent = `error: ${event.reason?.message ?? event.reason}`;
  $("live-status").className = "status down";
});
load();
