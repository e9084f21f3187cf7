// The dashboard's shell: the address says what is shown (#/parks/sim-1, #/sessions/demo-race,
// #/facilities/garage-1), the picker lists the domain's subjects from the API's lists, and each view follows the
// live stream for its subject until another is picked.

import { getAll, ApiError } from "./api.js";
import { h, fill } from "./dom.js";
import { parkView } from "./park.js";
import { raceView } from "./race.js";
import { facilityView } from "./facility.js";

const DOMAINS = {
  parks: { list: "/v1/parks", key: "parks", id: "park_id", label: (x) => `${x.park_id} · ${x.operating}/${x.attractions} open`, view: parkView, noun: "park" },
  sessions: { list: "/v1/sessions", key: "sessions", id: "session_id", label: (x) => `${x.session_id} · ${x.cars} cars, lap ${x.laps}`, view: raceView, noun: "session" },
  facilities: { list: "/v1/facilities", key: "facilities", id: "facility_id", label: (x) => `${x.name ?? x.facility_id}`, view: facilityView, noun: "facility" },
};

const lists = new Map();
let stop = () => {};
let generation = 0;

async function list(domain) {
  if (!lists.has(domain)) lists.set(domain, getAll(DOMAINS[domain].list, DOMAINS[domain].key).catch((e) => { lists.delete(domain); throw e; }));
  return lists.get(domain);
}

function parse() {
  const [, domain, ...rest] = location.hash.replace(/^#/, "").split("/");
  return { domain: DOMAINS[domain] ? domain : null, id: rest.length ? decodeURIComponent(rest.join("/")) : null };
}

function problem(message, hint) {
  return h("div", { class: "problem", role: "alert" }, h("p", {}, h("b", {}, message)), hint ? h("p", { class: "muted" }, hint) : null);
}

async function show() {
  const mine = ++generation;
  stop();
  stop = () => {};
  const root = document.getElementById("view");
  const picker = document.getElementById("subject");
  let { domain, id } = parse();
  if (!domain) {
    // The first domain that has something to show.
    for (const d of Object.keys(DOMAINS)) {
      try { if ((await list(d)).length) { domain = d; break; } } catch { /* try the next */ }
    }
    domain ??= "parks";
  }
  for (const a of document.querySelectorAll(".tabs a")) a.toggleAttribute("aria-current", a.dataset.domain === domain);
  const spec = DOMAINS[domain];
  let entries;
  try {
    entries = await list(domain);
  } catch (e) {
    fill(root, problem(`Cannot list ${domain}: ${e.message}`, "Is turnstile serve connected to its database? See /ready."));
    return;
  }
  if (mine !== generation) return;
  if (!id) {
    if (entries.length) { location.replace(`#/${domain}/${encodeURIComponent(entries[0][spec.id])}`); return; }
    picker.disabled = true;
    fill(picker, h("option", {}, `No ${domain} yet`));
    fill(root, problem(`No ${domain} yet.`, "Publish events (POST /v1/events, or turnstile simulate) and run the processor; they appear here."));
    return;
  }
  picker.disabled = false;
  const known = entries.some((x) => x[spec.id] === id);
  fill(picker, (known ? [] : [h("option", { value: id }, id)]).concat(entries.map((x) => h("option", { value: x[spec.id] }, spec.label(x)))));
  picker.value = id;
  picker.onchange = () => { location.hash = `#/${domain}/${encodeURIComponent(picker.value)}`; };
  document.title = `${id} · Turnstile`;
  root.dataset.loaded = "false";
  root.dataset.view = domain;
  fill(root, h("p", { class: "empty" }, `Loading ${spec.noun} ${id}…`));
  try {
    const stopLive = await spec.view(root, id, { line: entries.find((x) => x[spec.id] === id) });
    if (mine !== generation) { stopLive?.(); return; }
    stop = stopLive ?? (() => {});
  } catch (e) {
    if (mine !== generation) return;
    const missing = e instanceof ApiError && e.status === 404;
    fill(root, problem(missing ? `No ${spec.noun} '${id}'.` : `Cannot show ${spec.noun} '${id}': ${e.message}`,
      missing ? `Pick one from the list above.` : "The API's answer is above; /ready says what is down."));
  }
}

window.addEventListener("hashchange", show);
show();
