// Calls to the API: its base URL, the token, and PostgREST's JSON errors.

// The page is served at <base>/rpc/dashboard, so the API is the parent of rpc/.
export const apiBase = new URL("..", location.href);

const TOKEN_KEY = "jobsapi.token";

export const token = {
  get: () => sessionStorage.getItem(TOKEN_KEY),
  set: (value) => sessionStorage.setItem(TOKEN_KEY, value.trim()),
  clear: () => sessionStorage.removeItem(TOKEN_KEY),
};

export class ApiError extends Error {
  constructor(status, body, headers) {
    super((body && body.message) || `HTTP ${status}`);
    this.status = status;
    this.code = body && body.code;
    this.details = body && body.details;
    this.hint = body && body.hint;
    const challenge = (headers && headers.get("WWW-Authenticate")) || "";
    this.expired = status === 401 && /expired/i.test(`${challenge} ${this.message}`);
  }
}

let unauthorizedHandler = null;

/** Called with the ApiError of every 401, whoever made the request. */
export function onUnauthorized(handler) {
  unauthorizedHandler = handler;
}

/** A path with a query string; params is an object or a list of [key, value]
 * pairs (PostgREST takes a key twice, e.g. two created_at bounds). */
export function withQuery(path, params) {
  const pairs = Array.isArray(params) ? params : Object.entries(params || {});
  const query = new URLSearchParams();
  for (const [key, value] of pairs) {
    if (value !== undefined && value !== null && value !== "") query.append(key, value);
  }
  const text = query.toString();
  return text ? `${path}?${text}` : path;
}

/** PostgREST's in.(...) with each value quoted, so commas or parentheses in a name are safe. */
export function inList(values) {
  const quoted = values.map((v) => `"${String(v).replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`);
  return `in.(${quoted.join(",")})`;
}

export async function request(method, path, { body, headers, signal } = {}) {
  const sent = { Accept: "application/json", ...headers };
  const bearer = token.get();
  if (bearer) sent.Authorization = `Bearer ${bearer}`;
  if (body !== undefined) sent["Content-Type"] = "application/json";
  let response;
  try {
    response = await fetch(new URL(path, apiBase), {
      method,
      headers: sent,
      body: body === undefined ? undefined : JSON.stringify(body),
      signal,
      cache: "no-store",
    });
  } catch (error) {
    if (error.name === "AbortError") throw error;
    throw new ApiError(0, { message: `The API cannot be reached (${error.message})` });
  }
  const text = await response.text();
  let data = null;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = text;
    }
  }
  if (!response.ok) {
    const errorBody = data && typeof data === "object" ? data : { message: text || response.statusText };
    const error = new ApiError(response.status, errorBody, response.headers);
    if (error.status === 401 && unauthorizedHandler) unauthorizedHandler(error);
    throw error;
  }
  return data;
}

/** Requests bound to one AbortSignal: a screen's, so leaving it drops what it was waiting for. */
export function client(signal) {
  return {
    get: (path, params) => request("GET", withQuery(path, params), { signal }),
    post: (path, body, headers) => request("POST", path, { body, headers, signal }),
    patch: (path, params, body) =>
      request("PATCH", withQuery(path, params), { body, headers: { Prefer: "return=representation" }, signal }),
    del: (path, params) =>
      request("DELETE", withQuery(path, params), { headers: { Prefer: "return=representation" }, signal }),
    rpc: (name, args) => request("POST", `rpc/${name}`, { body: args || {}, signal }),
  };
}
