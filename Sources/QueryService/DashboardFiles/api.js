// The public API, as the page reads it: JSON answers, errors as the API gives them ({"error": {message, field}}).

export class ApiError extends Error {
  constructor(status, message, field) {
    super(message);
    this.status = status;
    this.field = field;
  }
}

/** GET a path of the API; a non-2xx answer throws ApiError with the API's message. */
export async function getJSON(path, { signal } = {}) {
  // "no-cache": revalidated every time (a 304 when the projection has not moved), never an answer the cache held
  // for its max-age: a live change must not be followed by the view reloading what it had.
  const response = await fetch(path, { headers: { Accept: "application/json" }, cache: "no-cache", signal });
  let body = null;
  try { body = await response.json(); } catch { /* an empty or non-JSON body: the status says it */ }
  if (!response.ok) {
    const error = body?.error ?? {};
    throw new ApiError(response.status, error.message ?? `${path} answered ${response.status}`, error.field);
  }
  return body;
}

/** The answer, or null for a 404 (a park without a crowd forecast yet: nothing to show, not an error). */
export const notFoundIsNull = (promise) => promise.catch((e) => { if (e instanceof ApiError && e.status === 404) return null; throw e; });

/** Every entry of a list that pages by next_cursor (the lists of parks, sessions, facilities; race events). */
export async function getAll(path, key, { limit = 1000, maxPages = 20, signal } = {}) {
  const join = path.includes("?") ? "&" : "?";
  let entries = [];
  let uri = `${path}${join}limit=${limit}`;
  for (let page = 0; page < maxPages; page++) {
    const body = await getJSON(uri, { signal });
    entries = entries.concat(body[key] ?? []);
    if (!body.truncated || !body.next_cursor) break;
    uri = `${path}${join}limit=${limit}&cursor=${encodeURIComponent(body.next_cursor)}`;
  }
  return entries;
}

/** An id as one path segment. */
export const seg = (id) => encodeURIComponent(id);

/** `[from, to)` of `hours` ending at `end` (rounded up to the quarter hour), as the API's query. */
export function timeWindow(end, hours) {
  const quarter = 15 * 60 * 1000;
  const to = new Date(Math.ceil(new Date(end ?? Date.now()).getTime() / quarter) * quarter);
  const from = new Date(to.getTime() - hours * 3600 * 1000);
  return { from: from.toISOString(), to: to.toISOString(), query: `from=${from.toISOString()}&to=${to.toISOString()}` };
}
