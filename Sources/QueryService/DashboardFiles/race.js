// A race: its leaderboard (positions, gaps, tyres, last and best laps), the best sectors, race events and the
// commentary. Live: events and commentary arrive on the stream; a leaderboard change reloads the leaderboard.

import { getJSON, getAll, seg } from "./api.js";
import { h, card, stat, fill, fmt } from "./dom.js";
import { follow, throttle, flash } from "./live.js";

const SHOWN = 40;
const EVENT_TYPES = ["motorsport.position.changed", "motorsport.pit_stop.completed", "motorsport.fastest_lap.set",
  "motorsport.personal_best.set", "motorsport.pace.predicted"];

function tyre(compound, age) {
  if (!compound) return h("span", { class: "muted" }, "—");
  const c = compound.toUpperCase();
  return h("span", { class: "tyre", title: `${fmt.words(c.toLowerCase())}${age !== null && age !== undefined ? `, ${age} laps old` : ""}` },
    h("span", { class: `compound c-${c.toLowerCase()}` }, c[0]), age !== null && age !== undefined ? h("small", {}, age) : null);
}

/** One race event in words. */
function describe(event) {
  const p = event.payload ?? {};
  const car = `#${p.driver_number}`;
  switch (event.type) {
    case "motorsport.position.changed":
      return { icon: p.to < p.from ? "▲" : "▼", tone: p.to < p.from ? "up" : "down",
        text: `${car} P${p.from} → P${p.to}${p.passed?.length ? `, passes ${p.passed.map((n) => `#${n}`).join(", ")}` : ""}` };
    case "motorsport.pit_stop.completed":
      return { icon: "P", tone: "pit", text: `${car} pits: stop ${fmt.number(p.stop_duration, 1)} s, lane ${fmt.number(p.lane_duration, 1)} s (stop ${p.pit_count})` };
    case "motorsport.fastest_lap.set":
      return { icon: "⏱", tone: "fastest", text: `${car} fastest lap ${fmt.lap(p.lap_duration)}` };
    case "motorsport.personal_best.set":
      return { icon: "★", tone: "best", text: `${car} personal best ${fmt.lap(p.lap_duration)}` };
    case "motorsport.pace.predicted":
      return { icon: "≈", tone: "pace", text: `${car} pace ${fmt.lap(p.predicted_lap_duration)} ± ${fmt.number(p.uncertainty, 2)} s on ${p.compound ?? "?"}` };
    default:
      return { icon: "•", tone: "", text: `${event.type} ${car}` };
  }
}

export async function raceView(root, sessionID) {
  const base = `/v1/sessions/${seg(sessionID)}`;
  const [board, events, commentary] = await Promise.all([
    getJSON(`${base}/leaderboard`),
    getAll(`${base}/events`, "events"),
    getJSON(`${base}/commentary?limit=${SHOWN}`),
  ]);

  const summary = h("div", { class: "stats" });
  const boardBody = h("tbody");
  const sectors = h("div", { class: "sectors" });
  const eventList = h("ol", { class: "feed events", id: "race-events" });
  const lineList = h("ol", { class: "feed commentary", id: "commentary" });
  fill(root,
    h("div", { class: "title" }, h("h1", {}, sessionID), h("span", { class: "muted" }, "session")),
    summary,
    h("div", { class: "grid race" },
      card("Leaderboard", h("div", { class: "scroll" }, h("table", { class: "leaderboard" },
        h("thead", {}, h("tr", {},
          h("th", { class: "num" }, "Pos"), h("th", {}, "Car"), h("th", { class: "num" }, "Laps"), h("th", { class: "num" }, "Gap"),
          h("th", { class: "num hide-s" }, "Interval"), h("th", { class: "num" }, "Last lap"), h("th", { class: "num hide-s" }, "Best lap"),
          h("th", {}, "Tyre"), h("th", { class: "num hide-s" }, "Pits"))),
        boardBody)), { wide: true, id: "leaderboard-card", extra: sectors }),
      card("Race events", eventList, { id: "events-card" }),
      card("Commentary", lineList, { id: "commentary-card" })));

  function renderBoard(b) {
    const drivers = b.drivers ?? [];
    const fastest = Math.min(...drivers.map((d) => d.best_lap ?? Infinity));
    const leader = drivers.find((d) => d.position === 1);
    fill(summary,
      stat(leader ? `#${leader.driver_number}` : "—", "leader"),
      stat(`${Math.max(0, ...drivers.map((d) => d.laps_completed))}`, "laps completed"),
      stat(fmt.lap(Number.isFinite(fastest) ? fastest : null), "fastest lap", { tone: "fastest" }),
      stat(`${drivers.filter((d) => !d.retired).length} / ${drivers.length}`, "cars running"));
    fill(boardBody, drivers.map((d) => h("tr", { dataset: { car: d.driver_number }, class: d.retired ? "retired" : undefined },
      h("td", { class: "num pos" }, d.retired ? "OUT" : d.position ?? "—"),
      h("td", { class: "car" }, h("b", {}, `#${d.driver_number}`)),
      h("td", { class: "num" }, d.laps_completed),
      h("td", { class: "num" }, d.laps_behind_leader > 0 ? `+${d.laps_behind_leader} lap${d.laps_behind_leader > 1 ? "s" : ""}` : fmt.gap(d.gap_to_leader)),
      h("td", { class: "num hide-s" }, d.position === 1 ? "—" : fmt.gap(d.gap_to_ahead)),
      h("td", { class: "num last" }, fmt.lap(d.last_lap)),
      h("td", { class: `num hide-s${d.best_lap === fastest ? " fastest" : ""}` }, fmt.lap(d.best_lap)),
      h("td", {}, tyre(d.compound, d.tyre_age)),
      h("td", { class: "num hide-s" }, d.pit_count))));
    fill(sectors, (b.best_sectors ?? []).map((x) =>
      h("span", { class: "sector", title: `Best sector ${x.sector}` }, h("small", {}, `S${x.sector}`), ` ${fmt.number(x.seconds, 3)} `, h("small", {}, `#${x.driver_number}`))));
  }

  function eventItem(e) {
    const d = describe(e);
    return h("li", { class: `event ${d.tone}`, dataset: { id: e.id } },
      h("span", { class: "icon", "aria-hidden": "true" }, d.icon),
      h("span", { class: "lap" }, `L${e.payload?.lap_number ?? "?"}`),
      h("span", { class: "text" }, d.text));
  }

  function lineItem(l) {
    return h("li", { class: `line p-${l.priority ?? "low"}`, dataset: { id: l.line_id } },
      h("span", { class: "lap" }, `L${l.lap_number ?? "?"}`), h("span", { class: "text" }, l.text));
  }

  function prepend(list, item) {
    if (list.querySelector(`[data-id="${CSS.escape(item.dataset.id)}"]`)) return;
    list.querySelector(".empty")?.remove();
    list.prepend(item);
    while (list.children.length > SHOWN) list.lastElementChild.remove();
    flash(item);
  }

  renderBoard(board);
  fill(eventList, events.length ? events.slice(-SHOWN).reverse().map(eventItem) : h("li", { class: "empty" }, "No race events yet."));
  fill(lineList, commentary.lines?.length ? commentary.lines.slice().reverse().map(lineItem) : h("li", { class: "empty" }, "No commentary yet."));
  root.dataset.loaded = "true";

  const reloadBoard = throttle(async () => {
    renderBoard(await getJSON(`${base}/leaderboard`));
    flash(boardBody);
  }, 500);
  return follow(`session=${encodeURIComponent(sessionID)}`, [...EVENT_TYPES, "motorsport.commentary.line", "motorsport.leaderboard.changed"], {
    onEvent(type, envelope) {
      if (type === "motorsport.leaderboard.changed") reloadBoard();
      else if (type === "motorsport.commentary.line") {
        const p = envelope.payload ?? {};
        // The API's line_id is the derived event's id, so a line seen on load is not added twice.
        prepend(lineList, lineItem({ line_id: envelope.id, lap_number: p.lap_number, text: p.text }));
      } else prepend(eventList, eventItem(envelope));
    },
    onReset: () => location.reload(),
  });
}
