// Workers' WebSocket client through fetch(): a request with `Upgrade: websocket`
// answers a Response with status 101 whose `webSocket` is the connected socket
// (call accept() on it), or the server's own answer when it refuses the upgrade.
//
// fetch() itself lives in 44_fetch.js; this file wraps the global to divert upgrade
// requests to the WebSocket dialer (op_ws_dial) and passes every other call through
// untouched. Only init.headers (a Headers, an array of pairs or a record) or a
// Request's headers are looked at, so other calls construct nothing extra; a
// header list given as another kind of iterable is never consumed here (such an
// upgrade goes to the HTTP client, which cannot upgrade).

const webidl = priv.webidl;
const innerFetch = globalThis.fetch;
const opDial = core.ops.op_ws_dial;
const opWait = core.ops.op_ws_wait;
const opTake = core.ops.op_ws_take;
const opEvent = core.ops.op_ws_event;
const opClose = core.ops.op_ws_close;

function isWebSocketUpgrade(v) {
  return v !== null && v !== undefined && String(v).trim().toLowerCase() === "websocket";
}

function wantsUpgrade(input, init) {
  const h = webidl.isObject(init) ? init.headers : undefined;
  if (h !== undefined && h !== null) {
    if (priv.isHeaders(h)) return isWebSocketUpgrade(h.get("upgrade"));
    if (Array.isArray(h)) {
      for (const pair of h) {
        if (Array.isArray(pair) && pair.length === 2 && String(pair[0]).toLowerCase() === "upgrade") {
          return isWebSocketUpgrade(pair[1]);
        }
      }
      return false;
    }
    if (typeof h === "object" && typeof h[Symbol.iterator] !== "function") {
      for (const key of Object.keys(h)) {
        if (key.toLowerCase() === "upgrade") return isWebSocketUpgrade(h[key]);
      }
    }
    return false;
  }
  return priv.isRequest(input) && isWebSocketUpgrade(input.headers.get("upgrade"));
}

// The fields the WebSocket handshake sets itself are not forwarded.
const handshakeFields = new Set(["upgrade", "connection", "sec-websocket-key", "sec-websocket-version",
  "sec-websocket-protocol", "sec-websocket-extensions", "host", "content-length", "transfer-encoding"]);

// The socket's next item: a text, bytes, or null for an event (op_ws_event).
async function nextItem(sid) {
  const v = await core.opAsync(opWait, sid);
  if (typeof v !== "number") return v;
  // Several are queued: take a run of one (packed as op_ws_take says).
  const run = core.opSync(opTake, sid, 1);
  if (typeof run === "string") return run.slice(run.indexOf(":") + 1);
  return run === null ? null : run.subarray(4);
}

// Reads a socket's items until its close event, so it leaves Go's table.
async function discard(sid) {
  for (;;) {
    const v = await nextItem(sid);
    if (v === null && core.opSync(opEvent, sid).startsWith("close\0")) return;
  }
}

async function upgrade(request) {
  const prefix = "Failed to execute 'fetch' on 'WorkerGlobalScope'";
  const signal = priv.requestSignal(request);
  if (signal !== null && signal.aborted) throw signal.reason;
  let url = request.url;
  const scheme = url.slice(0, url.indexOf(":"));
  if (scheme !== "http" && scheme !== "https") {
    throw new TypeError(`${prefix}: Fetch API cannot load: ${url}. URL scheme "${scheme}" is not supported.`);
  }
  if (request.method !== "GET") {
    throw new TypeError(`${prefix}: a WebSocket upgrade must be a GET request, not ${request.method}.`);
  }
  const wsURL = (scheme === "https" ? "wss" : "ws") + url.slice(scheme.length);
  const packed = priv.headersPacked(request.headers).split("\0");
  const fields = [];
  let protocols = [];
  for (let i = 0; i + 1 < packed.length; i += 2) {
    const name = packed[i];
    if (name === "sec-websocket-protocol") {
      protocols = protocols.concat(packed[i + 1].split(",").map((p) => p.trim()).filter((p) => p !== ""));
    } else if (!handshakeFields.has(name)) {
      fields.push(name, packed[i + 1]);
    }
  }
  const sid = core.opSync(opDial, wsURL, protocols.join("\0"), fields.join("\0"), true);
  let aborted = false;
  const abort = () => {
    aborted = true;
    core.opSync(opClose, sid, -1, "");
  };
  if (signal !== null) priv.signalAddAlgorithm(signal, abort);
  try {
    // The first item is an event: open, the server's refusal, or a failure.
    await nextItem(sid);
    const f = core.opSync(opEvent, sid).split("\0");
    if (f[0] === "open" && aborted) {
      discard(sid); // abort() started its close
      throw signal.reason;
    }
    if (f[0] === "open") {
      const ws = priv.newFetchedWebSocket(sid, wsURL, f[1], f[2]);
      const r = priv.newFetchedResponse(101, "Switching Protocols", f.slice(3).join("\0"), url, false, null);
      priv.responseSetWebSocket(r, ws);
      return r;
    }
    if (f[0] === "response") {
      const body = await nextItem(sid);
      await nextItem(sid);
      core.opSync(opEvent, sid); // the close event: the socket is freed
      return priv.newFetchedResponse(Number(f[1]), f[2], f.slice(3).join("\0"), url, false, body.length > 0 ? body : null);
    }
    if (aborted) throw signal.reason;
    // error, then close: read both so the socket is freed.
    await nextItem(sid);
    core.opSync(opEvent, sid);
    throw new TypeError(`${prefix}: the WebSocket connection failed: ${f.slice(1).join("\0")}`);
  } finally {
    if (signal !== null) priv.signalRemoveAlgorithm(signal, abort);
  }
}

function fetch(input, init = undefined) {
  if (arguments.length >= 1) {
    let wants;
    try {
      wants = wantsUpgrade(input, init);
    } catch (e) {
      return Promise.reject(e);
    }
    if (wants) {
      let request;
      try {
        request = new priv.Request(input, init);
      } catch (e) {
        return Promise.reject(e);
      }
      if (isWebSocketUpgrade(request.headers.get("upgrade"))) return upgrade(request);
      return innerFetch(request);
    }
  }
  return Reflect.apply(innerFetch, this, arguments);
}
core.defineGlobal("fetch", fetch);
