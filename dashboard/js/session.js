// Who the token is and what it may do, as GET /rpc/whoami answers from the
// database's privileges. The page shows an action only where this allows it.
import { request } from "./dashboard_file?name=js/api.js";

let me = null;

export async function loadWhoami() {
  me = await request("GET", "rpc/whoami");
  return me;
}

export const whoami = () => me;

export function forget() {
  me = null;
}

/** May this token use that method on that route ("jobs", "rpc/retry_job")? */
export function can(route, method = "GET") {
  const methods = me && me.routes && me.routes[route];
  return Boolean(methods && methods.includes(method));
}

export const canRpc = (name) => can(`rpc/${name}`, "POST");
