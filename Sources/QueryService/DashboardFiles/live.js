// The live stream (/v1/stream, Server-Sent Events) for the subject on screen. The browser's EventSource reconnects
// by itself with Last-Event-ID, so the server replays what was missed; a `reset` means that could not be done and
// the view reloads from the API instead.

const indicator = () => document.getElementById("live");

function show(state, text) {
  const el = indicator();
  if (!el) return;
  el.dataset.state = state;
  el.querySelector(".label").textContent = text;
}

/**
 * Follows `query` (e.g. "park=sim-1"): `onEvent(type, envelope)` for every event, `onReset()` after a reset.
 * Returns a function that stops it.
 */
export function follow(query, types, { onEvent, onReset }) {
  if (typeof EventSource === "undefined") {
    show("off", "no live updates");
    return () => {};
  }
  const source = new EventSource(`/v1/stream?${query}`);
  show("connecting", "connecting");
  source.addEventListener("ready", () => show("on", "live"));
  source.addEventListener("reset", () => {
    show("on", "live");
    onReset?.();
  });
  source.addEventListener("dropped", () => show("connecting", "catching up"));
  for (const type of types) {
    source.addEventListener(type, (message) => {
      let envelope;
      try { envelope = JSON.parse(message.data); } catch { return; }
      onEvent(type, envelope);
    });
  }
  source.onerror = () => show(source.readyState === EventSource.CLOSED ? "off" : "connecting", source.readyState === EventSource.CLOSED ? "offline" : "reconnecting");
  return () => {
    source.close();
    show("off", "offline");
  };
}

/** Calls `fn` at most once per `ms`, the last call winning: many changes in a burst cost one reload. */
export function throttle(fn, ms) {
  let timer = null;
  let pending = false;
  return () => {
    if (timer) { pending = true; return; }
    fn();
    timer = setTimeout(() => {
      timer = null;
      if (pending) { pending = false; fn(); }
    }, ms);
  };
}

/** Marks `el` as just changed (a short highlight). */
export function flash(el) {
  if (!el) return;
  el.classList.remove("flash");
  void el.offsetWidth; // restart the animation
  el.classList.add("flash");
}
