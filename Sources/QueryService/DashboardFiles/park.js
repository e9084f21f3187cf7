// A park: its crowd level, its attractions' waits now with each one's forecast and last 24 hours, one attraction's
// day in detail, and the crowd forecast by hour. Live: waits change in place; crowd and forecasts reload.

import { getJSON, seg, timeWindow, notFoundIsNull } from "./api.js";
import { h, card, stat, fill, fmt } from "./dom.js";
import { timeChart, sparkline, bars } from "./charts.js";
import { follow, throttle, flash } from "./live.js";

const LEVELS = ["very_low", "low", "moderate", "high", "very_high", "extreme"];
const HOURS = 24;
const HORIZONS = [15, 30, 60, 120];
const gapMs = 2 * 3600 * 1000;


export async function parkView(root, parkID, { line }) {
  const base = `/v1/parks/${seg(parkID)}`;
  const timeZone = line?.time_zone ?? undefined;
  const state = { waits: new Map(), history: new Map(), forecasts: new Map(), selected: null };

  const [waits, crowd, crowdForecast] = await Promise.all([
    getJSON(`${base}/waits`),
    notFoundIsNull(getJSON(`${base}/crowd`)),
    notFoundIsNull(getJSON(`${base}/crowd-forecast`)),
  ]);
  for (const a of waits.attractions) state.waits.set(a.attraction_id, a);
  // The day shown ends at the park's newest observation: live parks show today, a replayed history its own last day.
  const newest = waits.attractions.map((a) => a.observed_at).filter(Boolean).sort().at(-1) ?? line?.observed_at;
  const span = timeWindow(newest, HOURS);

  const summary = h("div", { class: "stats" });
  const tableBody = h("tbody");
  const detail = h("div", { class: "detail" });
  const crowdBars = h("div");
  fill(root,
    h("div", { class: "title" }, h("h1", {}, parkID), h("span", { class: "muted" }, timeZone ? `park time · ${timeZone}` : "")),
    summary,
    h("div", { class: "grid" },
      card("Waits now", h("div", { class: "scroll" }, h("table", { class: "waits" },
        h("thead", {}, h("tr", {},
          h("th", {}, "Attraction"), h("th", { class: "status-col" }, "Status"), h("th", { class: "num" }, "Now"),
          h("th", { class: "num forecast-col" }, "Forecast"), h("th", { class: "trend-col" }, `Last ${HOURS} h`))),
        tableBody)), { wide: true, id: "waits-card" }),
      card("Attraction", detail, { id: "detail-card" }),
      card("Crowd forecast", crowdBars, { id: "crowd-forecast-card" })));

  function renderSummary(crowdNow) {
    const all = [...state.waits.values()];
    const open = all.filter((a) => a.status === "OPERATING");
    const reported = open.map((a) => a.wait_minutes).filter((m) => m !== null && m !== undefined);
    const mean = reported.length ? reported.reduce((x, y) => x + y, 0) / reported.length : null;
    const level = crowdNow?.level;
    fill(summary,
      stat(level ? fmt.words(level) : "—", crowdNow ? `crowd · ${fmt.number(crowdNow.ratio, 2)}× usual` : "crowd level", { tone: level ? `level-${LEVELS.indexOf(level)}` : undefined, id: "crowd-level" }),
      stat(`${open.length} / ${all.length}`, "attractions operating"),
      stat(fmt.minutes(mean), "mean wait, operating"),
      stat(fmt.time(newestObservation(), timeZone, true), "last observation"));
  }

  const newestObservation = () => [...state.waits.values()].map((a) => a.observed_at).filter(Boolean).sort().at(-1);

  // The newest forecast's 60-minute horizon, with the time it is for; muted when that time is already behind the
  // attraction's newest observation (no forecast was made since).
  function forecastCell(id) {
    const f = state.forecasts.get(id);
    const a = state.waits.get(id);
    const byHorizon = new Map((f?.horizons ?? []).map((x) => [x.horizon_minutes, x]));
    const sixty = byHorizon.get(60) ?? (a?.forecast_60 ? { predicted_minutes: a.forecast_60.predicted_minutes, target_time: a.forecast_60.target_time } : null);
    if (!sixty) return h("span", { class: "muted" }, "—");
    const stale = a?.observed_at && sixty.target_time && sixty.target_time < a.observed_at;
    const now = a?.wait_minutes;
    const delta = now === null || now === undefined ? 0 : sixty.predicted_minutes - now;
    const trend = stale ? "flat" : delta > 4 ? "up" : delta < -4 ? "down" : "flat";
    const title = HORIZONS.filter((m) => byHorizon.has(m))
      .map((m) => `${fmt.time(byHorizon.get(m).target_time, timeZone)} (+${m} min): ${fmt.minutes(byHorizon.get(m).predicted_minutes)}`)
      .concat(f?.made_at ? [`made ${fmt.time(f.made_at, timeZone, true)}${stale ? ", before the newest observation" : ""}`] : []).join("\n");
    return h("span", { class: `forecast ${trend}${stale ? " stale" : ""}`, title },
      h("span", { class: "arrow", "aria-hidden": "true" }, trend === "up" ? "▲" : trend === "down" ? "▼" : "▬"),
      fmt.minutes(sixty.predicted_minutes), h("small", {}, ` at ${fmt.time(sixty.target_time, timeZone)}`));
  }

  function row(a) {
    const id = a.attraction_id;
    const history = state.history.get(id) ?? [];
    const open = a.status === "OPERATING";
    const tr = h("tr", { dataset: { attraction: id }, class: state.selected === id ? "selected" : undefined, tabindex: 0,
      onclick: () => select(id), onkeydown: (e) => { if (e.key === "Enter") select(id); } },
      h("td", {}, h("div", { class: "name" }, a.name ?? id), h("div", { class: "id" }, id)),
      h("td", { class: "status-col" }, h("span", { class: `status ${open ? "open" : "closed"}` }, fmt.words((a.status ?? "unknown").toLowerCase()))),
      h("td", { class: "num now", dataset: { value: a.wait_minutes ?? "" } }, open && a.wait_minutes !== null ? h("b", {}, a.wait_minutes) : "—", open && a.wait_minutes !== null ? h("small", {}, " min") : null),
      h("td", { class: "num forecast-col" }, forecastCell(id)),
      h("td", { class: "trend-col" }, sparkline(history.map((b) => ({ time: b.time, value: b.avg_wait_minutes })),
        { from: span.from, to: span.to, label: `${a.name ?? id}: waits over the last ${HOURS} hours`, gapMs })));
    return tr;
  }

  function renderTable() {
    const sorted = [...state.waits.values()].sort((x, y) => (x.name ?? x.attraction_id).localeCompare(y.name ?? y.attraction_id, "en", { numeric: true }));
    fill(tableBody, sorted.map(row));
  }

  function renderRow(id) {
    const old = tableBody.querySelector(`tr[data-attraction="${CSS.escape(id)}"]`);
    const a = state.waits.get(id);
    if (!a) return;
    const fresh = row(a);
    if (old) old.replaceWith(fresh); else renderTable();
    return fresh;
  }

  function renderDetail() {
    const id = state.selected;
    const a = state.waits.get(id);
    if (!a) { fill(detail, h("p", { class: "empty" }, "Pick an attraction.")); return; }
    const history = state.history.get(id) ?? [];
    const forecast = state.forecasts.get(id);
    const future = (forecast?.horizons ?? []).map((x) => ({ time: x.target_time, value: x.predicted_minutes }));
    const madeAt = forecast?.made_at;
    const end = [span.to, ...future.map((p) => p.time)].sort().at(-1);
    fill(detail,
      h("div", { class: "detail-head" }, h("h3", {}, a.name ?? id),
        h("span", { class: "muted" }, madeAt ? `forecast made ${fmt.time(madeAt, timeZone, true)}` : "no forecast yet")),
      timeChart([
        { points: history.map((b) => ({ time: b.time, value: b.avg_wait_minutes })), kind: "area", className: "wait" },
        { points: future, kind: "forecast", className: "predicted" },
      ], { from: span.from, to: end, unit: "min", timeZone, gapMs, label: `${a.name ?? id}: waits and forecast`, width: detail.clientWidth,
        band: history.filter((b) => b.min_wait_minutes !== null).map((b) => ({ time: b.time, low: b.min_wait_minutes, high: b.max_wait_minutes })) }),
      h("ul", { class: "legend" }, h("li", { class: "wait" }, "mean wait (30 min)"), h("li", { class: "band" }, "lowest–highest"),
        h("li", { class: "predicted" }, "forecast")));
  }

  function select(id) {
    state.selected = id;
    for (const tr of tableBody.querySelectorAll("tr")) tr.classList.toggle("selected", tr.dataset.attraction === id);
    renderDetail();
  }

  function renderCrowdForecast(f) {
    if (!f?.hours?.length) { fill(crowdBars, h("p", { class: "empty" }, "No crowd forecast yet.")); return; }
    fill(crowdBars,
      bars(f.hours.map((x) => ({ label: fmt.time(x.hour, timeZone), value: x.mean_predicted_minutes, className: `level-${LEVELS.indexOf(x.level)}`,
        title: `${fmt.time(x.hour, timeZone)}: ${fmt.words(x.level)}, ${fmt.minutes(x.mean_predicted_minutes)} mean predicted wait` })),
        { unit: " min", label: "Crowd forecast by hour: mean predicted wait", width: crowdBars.clientWidth }),
      h("p", { class: "muted small" }, `Mean predicted wait by hour, coloured by crowd level; made ${fmt.time(f.made_at, timeZone, true)}.`));
  }

  // First paint with what is known, then each attraction's day and forecast as they arrive.
  renderSummary(crowd);
  renderTable();
  renderCrowdForecast(crowdForecast);
  state.selected = [...state.waits.values()].filter((a) => a.status === "OPERATING").sort((x, y) => (y.wait_minutes ?? 0) - (x.wait_minutes ?? 0))[0]?.attraction_id
    ?? waits.attractions[0]?.attraction_id;
  renderDetail();
  await Promise.all(waits.attractions.map(async (a) => {
    const id = a.attraction_id;
    const [history, forecast] = await Promise.all([
      notFoundIsNull(getJSON(`${base}/attractions/${seg(id)}/history?${span.query}&interval=30m`)),
      notFoundIsNull(getJSON(`${base}/attractions/${seg(id)}/forecast`)),
    ]);
    state.history.set(id, history?.buckets ?? []);
    if (forecast) state.forecasts.set(id, forecast);
    renderRow(id);
    if (id === state.selected) renderDetail();
  }));
  root.dataset.loaded = "true";

  const reloadCrowd = throttle(async () => {
    latestCrowd = await notFoundIsNull(getJSON(`${base}/crowd`));
    renderSummary(latestCrowd);
  }, 1000);
  // One forecast reload per attraction per second, however many horizons arrive.
  const forecastReloads = new Map();
  const reloadForecast = (id) => {
    if (!forecastReloads.has(id)) {
      forecastReloads.set(id, throttle(() => getJSON(`${base}/attractions/${seg(id)}/forecast`).then((f) => {
        state.forecasts.set(id, f);
        renderRow(id);
        if (id === state.selected) renderDetail();
      }).catch(() => {}), 1000));
    }
    forecastReloads.get(id)();
  };
  const reloadCrowdForecast = throttle(async () => renderCrowdForecast(await notFoundIsNull(getJSON(`${base}/crowd-forecast`))), 2000);
  let latestCrowd = crowd;
  return follow(`park=${encodeURIComponent(parkID)}`,
    ["parks.attraction_wait.updated", "parks.crowd_level.changed", "parks.wait_time.predicted", "parks.crowd_forecast.updated"], {
      onEvent(type, envelope) {
        const p = envelope.payload ?? {};
        if (type === "parks.attraction_wait.updated") {
          const old = state.waits.get(p.attraction_id) ?? { attraction_id: p.attraction_id, name: null };
          state.waits.set(p.attraction_id, { ...old, wait_minutes: p.wait_minutes ?? null, status: p.status, observed_at: p.observed_at });
          flash(renderRow(p.attraction_id)?.querySelector(".now"));
          renderSummary(latestCrowd);
          if (p.attraction_id === state.selected) renderDetail();
        } else if (type === "parks.crowd_level.changed") {
          latestCrowd = { ...(latestCrowd ?? {}), level: p.level, ratio: p.ratio };
          renderSummary(latestCrowd);
          flash(document.getElementById("crowd-level"));
          reloadCrowd();
        } else if (type === "parks.wait_time.predicted") {
          reloadForecast(p.attraction_id);
        } else if (type === "parks.crowd_forecast.updated") {
          reloadCrowdForecast();
        }
      },
      onReset: () => location.reload(),
    });
}
