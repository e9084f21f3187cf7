// Building the page without innerHTML: every value from the API (ids, names, commentary) is text, never markup.

/** An element: h("td", {class: "num"}, "42", child, …). Attributes starting with "on" are listeners. */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith("on")) el.addEventListener(name.slice(2), value);
    else if (name === "dataset") Object.assign(el.dataset, value);
    // Through the CSSOM: the page's Content-Security-Policy refuses style attributes.
    else if (name === "style") el.style.cssText = value;
    else el.setAttribute(name, value === true ? "" : String(value));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

const SVG = "http://www.w3.org/2000/svg";

/** An SVG element, attributes as given. */
export function s(tag, attrs = {}, ...children) {
  const el = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attrs ?? {})) {
    if (value !== undefined && value !== null) el.setAttribute(name, String(value));
  }
  append(el, children);
  return el;
}

/** Replaces what `el` holds. */
export function fill(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

/** A card: a titled panel of the view. */
export function card(title, body, { wide = false, id, extra } = {}) {
  return h("section", { class: wide ? "card wide" : "card", id },
    h("header", {}, h("h2", {}, title), extra ?? null), body);
}

/** A figure with a label under it: "33 min" / "mean wait". */
export function stat(value, label, { tone, id } = {}) {
  return h("div", { class: "stat", dataset: tone ? { tone } : undefined, id },
    h("span", { class: "value" }, value), h("span", { class: "label" }, label));
}

// Formatting.

export const fmt = {
  minutes: (m) => (m === null || m === undefined ? "—" : `${Math.round(m)} min`),
  number: (n, digits = 0) => (n === null || n === undefined ? "—" : Number(n).toFixed(digits)),
  percent: (part, whole) => (whole > 0 ? `${Math.round((100 * part) / whole)}%` : "—"),
  /** 90.231 → "1:30.231". */
  lap(seconds) {
    if (seconds === null || seconds === undefined) return "—";
    const m = Math.floor(seconds / 60);
    const rest = (seconds - m * 60).toFixed(3).padStart(6, "0");
    return m > 0 ? `${m}:${rest}` : Number(seconds).toFixed(3);
  },
  gap: (s) => (s === null || s === undefined ? "—" : s === 0 ? "Leader" : `+${Number(s).toFixed(3)}`),
  /** A time in a zone (the park's), or the browser's. */
  time(iso, timeZone, withDate = false) {
    if (!iso) return "—";
    const options = { hour: "2-digit", minute: "2-digit", hour12: false, timeZone: timeZone ?? undefined };
    if (withDate) Object.assign(options, { month: "short", day: "numeric" });
    try { return new Intl.DateTimeFormat("en-GB", options).format(new Date(iso)); } catch { return iso; }
  },
  words: (s) => String(s ?? "").replaceAll("_", " ").replace(/^./, (c) => c.toUpperCase()),
};
