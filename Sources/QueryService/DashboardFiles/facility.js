// A parking facility: how full it is now against its alert threshold, each level (and its zones), the last hours with
// the next hour's forecast, and what is wrong (alerts, offline sensors). Live: occupancy changes reload it; alerts and
// forecasts arrive on the stream.

import { getJSON, seg, timeWindow, notFoundIsNull } from "./api.js";
import { h, card, stat, fill, fmt } from "./dom.js";
import { timeChart } from "./charts.js";
import { follow, throttle, flash } from "./live.js";

const HOURS = 6;

function meter(occupied, capacity, { threshold, unknown = 0, label }) {
  const pct = (n) => (capacity > 0 ? Math.min(100, (100 * n) / capacity) : 0);
  const level = pct(occupied);
  return h("div", { class: "meter", role: "meter", "aria-valuemin": 0, "aria-valuemax": capacity, "aria-valuenow": occupied, "aria-label": label },
    h("span", { class: `fill${threshold !== undefined && level >= threshold ? " over" : level >= 75 ? " busy" : ""}`, style: `width:${level}%` }),
    unknown > 0 ? h("span", { class: "unknown", style: `left:${level}%;width:${pct(unknown)}%` }) : null,
    threshold !== undefined ? h("span", { class: "threshold", style: `left:${threshold}%`, title: `alert at ${threshold}%` }) : null);
}

function alertText(e) {
  const p = e.payload ?? {};
  switch (e.type) {
    case "parking.occupancy.threshold-crossed":
      return { tone: p.direction === "up" ? "bad" : "good", text: `${p.direction === "up" ? "Above" : "Back below"} ${p.threshold_percent}%: ${p.occupied} / ${p.capacity} occupied` };
    case "parking.sensor.offline":
      return { tone: "bad", text: `Sensor ${p.sensor_id} offline (${p.level ?? "?"} ${p.zone ?? ""}), last seen ${fmt.time(p.last_seen, undefined, true)}` };
    case "parking.sensor.recovered":
      return { tone: "good", text: `Sensor ${p.sensor_id} back online` };
    default:
      return { tone: "", text: e.type };
  }
}

export async function facilityView(root, facilityID) {
  const base = `/v1/facilities/${seg(facilityID)}`;
  const first = await getJSON(`${base}/occupancy`);
  const span = timeWindow(first.clock, HOURS);

  const summary = h("div", { class: "stats" });
  const levels = h("div", { class: "levels", id: "levels" });
  const chart = h("div");
  const alertList = h("ol", { class: "feed alerts", id: "alerts" });
  const offline = h("div");
  fill(root,
    h("div", { class: "title" }, h("h1", {}, first.name ?? facilityID), h("span", { class: "muted" }, facilityID)),
    summary,
    h("div", { class: "grid" },
      card(`Last ${HOURS} hours and the next`, chart, { wide: true, id: "forecast-card" }),
      card("Occupancy by level", levels, { id: "levels-card" }),
      card("Alerts", h("div", {}, offline, alertList), { id: "alerts-card" })));

  function renderNow(o) {
    fill(summary,
      stat(fmt.percent(o.occupied, o.capacity), `full · ${o.occupied} of ${o.capacity}`, { tone: o.above_threshold ? "bad" : undefined, id: "occupancy-now" }),
      stat(`${o.free}`, "free spaces", { tone: "good" }),
      stat(o.above_threshold ? "Above" : "Below", `alert threshold ${o.alert_up_percent}%`, { tone: o.above_threshold ? "bad" : undefined }),
      stat(`${o.sensors_offline}`, "sensors offline", { tone: o.sensors_offline > 0 ? "warn" : undefined }));
    const areas = o.areas ?? [];
    const byLevel = areas.filter((a) => a.scope === "level");
    fill(levels,
      h("div", { class: "level total" }, h("div", { class: "level-head" }, h("b", {}, "All levels"), h("span", {}, `${o.occupied} / ${o.capacity}`)),
        meter(o.occupied, o.capacity, { threshold: o.alert_up_percent, unknown: o.unknown, label: "the whole facility" })),
      byLevel.map((l) => h("div", { class: "level", dataset: { level: l.level } },
        h("div", { class: "level-head" }, h("b", {}, l.level || "—"), h("span", {}, `${l.occupied} / ${l.capacity} · ${l.free} free`)),
        meter(l.occupied, l.capacity, { unknown: l.unknown, label: `level ${l.level}` }),
        h("div", { class: "zones" }, areas.filter((z) => z.scope === "zone" && z.level === l.level).map((z) =>
          h("div", { class: "zone", title: `Zone ${z.zone}: ${z.occupied} of ${z.capacity}` },
            h("span", { class: "zone-name" }, z.zone), meter(z.occupied, z.capacity, { unknown: z.unknown, label: `zone ${z.zone}` }),
            h("span", { class: "zone-count" }, `${z.occupied}/${z.capacity}`)))))),
      byLevel.length ? null : h("p", { class: "empty" }, "This facility reports no levels (it counts at its gates)."));
  }

  async function renderChart() {
    const [history, forecast] = await Promise.all([
      getJSON(`${base}/occupancy/history?${span.query}&interval=15m`),
      notFoundIsNull(getJSON(`${base}/forecast`)),
    ]);
    const past = (history.buckets ?? []).map((b) => ({ time: b.time, value: b.occupied }));
    const steps = forecast?.steps ?? [];
    const end = [span.to, ...steps.map((x) => x.time)].sort().at(-1);
    const lastPast = past.at(-1);
    const capacity = first.capacity;
    fill(chart,
      timeChart([
        { points: past, kind: "area", className: "occupied" },
        { points: (lastPast ? [lastPast] : []).concat(steps.map((x) => ({ time: x.time, value: x.occupied }))), kind: "forecast", className: "predicted" },
      ], { from: span.from, to: end, maxValue: capacity > 0 ? capacity : undefined, label: "Occupancy and forecast", unit: "cars",
        width: chart.clientWidth,
        band: (history.buckets ?? []).map((b) => ({ time: b.time, low: b.occupied_min, high: b.occupied_max })) }),
      h("ul", { class: "legend" }, h("li", { class: "occupied" }, "occupied (15 min)"), h("li", { class: "band" }, "lowest–highest"),
        h("li", { class: "predicted" }, forecast ? `forecast issued ${fmt.time(forecast.issued_at, undefined, true)}` : "no forecast yet")));
  }

  function alertItem(e) {
    const d = alertText(e);
    return h("li", { class: `alert ${d.tone}`, dataset: { id: e.id } },
      h("span", { class: "lap" }, fmt.time(e.event_time, undefined, true)), h("span", { class: "text" }, d.text));
  }

  async function renderAlerts() {
    const a = await getJSON(`${base}/alerts?limit=30`);
    const sensors = a.active?.offline_sensors ?? [];
    fill(offline, sensors.length
      ? h("p", { class: "warn-note" }, `${sensors.length} sensor${sensors.length > 1 ? "s" : ""} offline now: `,
        sensors.map((x) => x.sensor_id).join(", "))
      : h("p", { class: "muted small" }, "Every sensor reporting."));
    fill(alertList, a.raised?.length ? a.raised.map(alertItem) : h("li", { class: "empty" }, "No alerts."));
  }

  renderNow(first);
  await Promise.all([renderChart(), renderAlerts()]);
  root.dataset.loaded = "true";

  const reloadNow = throttle(async () => {
    renderNow(await getJSON(`${base}/occupancy`));
    flash(document.getElementById("occupancy-now"));
  }, 1000);
  const reloadChart = throttle(() => renderChart().catch(() => {}), 5000);
  const reloadAlerts = throttle(() => renderAlerts().catch(() => {}), 2000);
  return follow(`facility=${encodeURIComponent(facilityID)}`,
    ["parking.occupancy.changed", "parking.occupancy.forecast", "parking.sensor.offline", "parking.sensor.recovered", "parking.occupancy.threshold-crossed"], {
      onEvent(type) {
        if (type === "parking.occupancy.changed") { reloadNow(); reloadChart(); }
        else if (type === "parking.occupancy.forecast") reloadChart();
        else reloadAlerts();
      },
      onReset: () => location.reload(),
    });
}
