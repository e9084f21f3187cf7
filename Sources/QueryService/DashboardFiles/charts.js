// Charts drawn by the page itself, as SVG: a time series (line, band, dashed forecast), a sparkline, hourly bars.
// Each scales to its container's width (viewBox), so it reads on a laptop and a phone alike.

import { s, fmt } from "./dom.js";

const t = (iso) => new Date(iso).getTime();

function scale(domain, range) {
  const [d0, d1] = domain;
  const [r0, r1] = range;
  const k = d1 === d0 ? 0 : (r1 - r0) / (d1 - d0);
  return (v) => r0 + (v - d0) * k;
}

/** A "nice" upper bound for an axis of four steps: 37 → 40, 150 → 160 (steps of 1, 2, 2.5 or 5 × 10^k). */
function niceMax(v) {
  if (!(v > 0)) return 10;
  const raw = v / 4;
  const magnitude = Math.pow(10, Math.floor(Math.log10(raw)));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * magnitude).find((x) => x >= raw);
  return 4 * step;
}

function path(points) {
  let d = "";
  let pen = false;
  for (const p of points) {
    if (p === null) { pen = false; continue; }
    d += `${pen ? "L" : "M"}${p[0].toFixed(1)},${p[1].toFixed(1)}`;
    pen = true;
  }
  return d;
}

/**
 * A time chart.
 * series: [{points: [{time, value}], kind: "line"|"area"|"forecast", className}]
 * band: optional [{time, low, high}] drawn behind.
 * options: {from, to, height, unit, timeZone, maxValue, label}
 */
export function timeChart(series, { from, to, height = 200, unit = "", timeZone, maxValue, band, label = "chart", gapMs, width: asked } = {}) {
  // Drawn at the width it is shown at (its container's), so text keeps its size on any screen.
  const width = Math.max(280, Math.round(asked || 640));
  const pad = { top: 18, right: 12, bottom: 24, left: 36 };
  const values = series.flatMap((x) => x.points.map((p) => p.value)).concat((band ?? []).map((b) => b.high));
  const top = maxValue ?? niceMax(Math.max(0, ...values.filter((v) => v !== null && v !== undefined)));
  const x = scale([t(from), t(to)], [pad.left, width - pad.right]);
  const y = scale([0, top], [height - pad.bottom, pad.top]);
  const svg = s("svg", { viewBox: `0 0 ${width} ${height}`, class: "chart", role: "img", "aria-label": label });

  // Grid and value axis: four steps.
  for (let i = 0; i <= 4; i++) {
    const v = (top * i) / 4;
    svg.append(s("line", { x1: pad.left, x2: width - pad.right, y1: y(v), y2: y(v), class: "grid" }));
    svg.append(s("text", { x: pad.left - 6, y: y(v) + 4, class: "axis", "text-anchor": "end" }, `${Math.round(v)}`));
  }
  if (unit) svg.append(s("text", { x: pad.left - 6, y: 10, class: "axis", "text-anchor": "end" }, unit));
  // Time axis: about six labels on whole hours.
  const span = t(to) - t(from);
  const hour = 3600 * 1000;
  const labels = Math.max(3, Math.min(8, Math.floor(width / 90)));
  const step = [1, 2, 3, 4, 6, 12, 24].map((n) => n * hour).find((ms) => span / ms <= labels) ?? 24 * hour;
  for (let at = Math.ceil(t(from) / step) * step; at <= t(to); at += step) {
    svg.append(s("line", { x1: x(at), x2: x(at), y1: pad.top, y2: height - pad.bottom, class: "grid soft" }));
    svg.append(s("text", { x: x(at), y: height - 6, class: "axis", "text-anchor": "middle" }, fmt.time(new Date(at).toISOString(), timeZone)));
  }
  if (band?.length) {
    const upper = band.map((b) => [x(t(b.time)), y(b.high)]);
    const lower = band.map((b) => [x(t(b.time)), y(b.low)]).reverse();
    svg.append(s("path", { d: path(upper) + path(lower).replace(/^M/, "L") + "Z", class: "band" }));
  }
  for (const line of series) {
    // A gap longer than gapMs (no observations: the park closed) breaks the line.
    const pts = [];
    let last = null;
    for (const p of line.points) {
      if (p.value === null || p.value === undefined) { pts.push(null); last = null; continue; }
      if (gapMs && last !== null && t(p.time) - last > gapMs) pts.push(null);
      pts.push([x(t(p.time)), y(p.value)]);
      last = t(p.time);
    }
    const d = path(pts);
    if (!d) continue;
    if (line.kind === "area") {
      const runs = d.split("M").filter(Boolean).map((run) => {
        const coords = run.split("L");
        const first = coords[0].split(",")[0];
        const lastX = coords[coords.length - 1].split(",")[0];
        return `M${first},${y(0)}L${run}L${lastX},${y(0)}Z`;
      });
      svg.append(s("path", { d: runs.join(""), class: `area ${line.className ?? ""}` }));
    }
    svg.append(s("path", { d, class: `${line.kind === "forecast" ? "forecast" : "line"} ${line.className ?? ""}` }));
    if (line.kind === "forecast") {
      for (const p of pts.filter(Boolean)) svg.append(s("circle", { cx: p[0], cy: p[1], r: 3, class: `dot ${line.className ?? ""}` }));
    }
  }
  return svg;
}

/** A small line of the last hours, no axes: the shape of a day at a glance. */
export function sparkline(points, { from, to, maxValue, label = "trend", gapMs } = {}) {
  const width = 160;
  const height = 36;
  const top = maxValue ?? niceMax(Math.max(1, ...points.map((p) => p.value ?? 0)));
  const x = scale([t(from), t(to)], [1, width - 1]);
  const y = scale([0, top], [height - 2, 2]);
  const pts = [];
  let last = null;
  for (const p of points) {
    if (p.value === null || p.value === undefined) { pts.push(null); last = null; continue; }
    if (gapMs && last !== null && t(p.time) - last > gapMs) pts.push(null);
    pts.push([x(t(p.time)), y(p.value)]);
    last = t(p.time);
  }
  const svg = s("svg", { viewBox: `0 0 ${width} ${height}`, class: "spark", role: "img", "aria-label": label, preserveAspectRatio: "none" });
  svg.append(s("line", { x1: 0, x2: width, y1: height - 1, y2: height - 1, class: "grid" }));
  svg.append(s("path", { d: path(pts), class: "line" }));
  const end = pts.filter(Boolean).at(-1);
  if (end) svg.append(s("circle", { cx: end[0], cy: end[1], r: 2.5, class: "dot" }));
  return svg;
}

/** Vertical bars, one per entry: [{label, value, className, title}]. */
export function bars(entries, { height = 160, maxValue, unit = "", label = "bars", width: asked } = {}) {
  const width = Math.max(280, Math.round(asked || 640));
  const pad = { top: 16, bottom: 22, left: 4, right: 4 };
  const top = maxValue ?? niceMax(Math.max(0, ...entries.map((e) => e.value ?? 0)));
  const slot = (width - pad.left - pad.right) / Math.max(1, entries.length);
  const y = scale([0, top], [height - pad.bottom, pad.top]);
  const every = Math.max(1, Math.ceil(40 / slot));
  const svg = s("svg", { viewBox: `0 0 ${width} ${height}`, class: "chart bars", role: "img", "aria-label": label });
  entries.forEach((e, i) => {
    const x0 = pad.left + i * slot + slot * 0.15;
    const w = slot * 0.7;
    const v = e.value ?? 0;
    svg.append(s("rect", { x: x0, y: y(v), width: w, height: Math.max(0, y(0) - y(v)), rx: 3, class: `bar ${e.className ?? ""}` },
      s("title", {}, e.title ?? `${e.label}: ${v}${unit}`)));
    // Narrow slots (a phone, a long day) label every other bar.
    if (i % every !== 0) return;
    svg.append(s("text", { x: x0 + w / 2, y: y(v) - 4, class: "axis value", "text-anchor": "middle" }, e.text ?? `${Math.round(v)}`));
    svg.append(s("text", { x: x0 + w / 2, y: height - 6, class: "axis", "text-anchor": "middle" }, e.label));
  });
  return svg;
}
