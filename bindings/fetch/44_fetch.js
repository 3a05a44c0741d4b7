// fetch(): outbound HTTP over Go's client (ops in bindings/fetch/ops.go), data: URLs
// in JS, AbortSignal, streamed request and response bodies, and the per-request
// subrequest limit.

const webidl = priv.webidl;
const ops = core.ops;
const opOpen = ops.op_fetch_open;
const opHead = ops.op_fetch_head;
const opRead = ops.op_fetch_read;
const opWrite = ops.op_fetch_write;
const opWriteEnd = ops.op_fetch_write_end;
const opClose = ops.op_fetch_close;
const opLimit = ops.op_fetch_limit;

// ---------------------------------------------------------------------------------
// Subrequest limit. Subrequests are charged to the request that makes them: the one
// whose handler is running synchronously, else the only request in flight in this
// isolate. While several requests interleave after awaits, JS cannot tell whose
// continuation is running (V8 10.2 has no async context), so those subrequests share
// one pool of limit × requests-in-flight.

let limit = -1;
let shared = 0;

// Returns the request scope charged, or null for the shared pool.
function chargeSubrequest() {
  if (limit < 0) limit = core.opSync(opLimit);
  const scope = priv.subrequestScope();
  if (scope !== null) {
    if (scope.subrequests >= limit) throw new TypeError("Too many subrequests.");
    scope.subrequests++;
    return scope;
  }
  const n = priv.activeScopeCount();
  if (n === 0) shared = 0;
  if (shared >= limit * Math.max(n, 1)) throw new TypeError("Too many subrequests.");
  shared++;
  return null;
}
priv.resetSharedSubrequests = () => { shared = 0; };

// ---------------------------------------------------------------------------------
// data: URLs (Fetch "data: URL processor")

function isASCIIWhitespace(c) {
  return c === 0x09 || c === 0x0a || c === 0x0c || c === 0x0d || c === 0x20;
}

function hexValue(c) {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  return -1;
}

// Percent-decodes the UTF-8 bytes of s.
function percentDecodeBytes(s) {
  const input = priv.utf8Encode(s);
  const out = new Uint8Array(input.length);
  let n = 0;
  for (let i = 0; i < input.length; i++) {
    const b = input[i];
    if (b === 0x25 && i + 2 < input.length) {
      const h = hexValue(input[i + 1]), l = hexValue(input[i + 2]);
      if (h >= 0 && l >= 0) {
        out[n++] = (h << 4) | l;
        i += 2;
        continue;
      }
    }
    out[n++] = b;
  }
  return n === out.length ? out : out.slice(0, n);
}

// Returns { mimeType, body } or null (failure).
function processDataURL(href) {
  // The URL serialized without its fragment, without the leading "data:".
  let input = href;
  const hash = input.indexOf("#");
  if (hash >= 0) input = input.slice(0, hash);
  input = input.slice(5);
  const comma = input.indexOf(",");
  if (comma < 0) return null;
  let a = 0, b = comma;
  while (a < b && isASCIIWhitespace(input.charCodeAt(a))) a++;
  while (b > a && isASCIIWhitespace(input.charCodeAt(b - 1))) b--;
  let mimeType = input.slice(a, b);
  let body = percentDecodeBytes(input.slice(comma + 1));
  const m = /;[\u0020]*base64$/i.exec(mimeType);
  if (m !== null) {
    let s = "";
    for (let i = 0; i < body.length; i += 8192) s += String.fromCharCode.apply(null, body.subarray(i, i + 8192));
    body = priv.forgivingBase64Decode(s);
    if (body === null) return null;
    mimeType = mimeType.slice(0, mimeType.length - 6).replace(/\u0020+$/, "");
    mimeType = mimeType.slice(0, -1);
  }
  if (mimeType.startsWith(";")) mimeType = "text/plain" + mimeType;
  let record = priv.parseMimeType(mimeType);
  if (record === null) record = priv.parseMimeType("text/plain;charset=US-ASCII");
  return { mimeType: priv.serializeMimeType(record), body };
}
priv.processDataURL = processDataURL;

// ---------------------------------------------------------------------------------
// Response bodies from Go. A FinalizationRegistry closes subrequests whose response
// was dropped unread, so the connection goes back to the pool.

const dropped = new FinalizationRegistry((id) => core.opSync(opClose, id));

// state.piped is set once the body went to Go whole (op_fetch_respond): the
// subrequest then outlives its request; only its AbortSignal still closes it.
function responseSource(id, signal, abort, state) {
  const token = {};
  let closed = false;
  const close = () => {
    if (closed) return;
    closed = true;
    source.passthrough = null;
    dropped.unregister(token);
    if (signal !== null) priv.signalRemoveAlgorithm(signal, abort);
    core.opSync(opClose, id);
  };
  const source = priv.newChunkSource(async () => {
    if (closed) {
      if (signal !== null && signal.aborted) throw signal.reason;
      return null;
    }
    let chunk;
    try {
      chunk = await core.opAsync(opRead, id);
    } catch (e) {
      close();
      if (signal !== null && signal.aborted) throw signal.reason;
      throw e;
    }
    if (chunk === null) close();
    return chunk;
  }, close);
  dropped.register(source, id, token);
  source.passthrough = {
    kind: "fetch",
    id,
    // Go took the body (45_dispatch.js): garbage collection must not close it now.
    taken() {
      state.piped = true;
      dropped.unregister(token);
    },
  };
  return { source, close };
}

// ---------------------------------------------------------------------------------
// Request bodies to Go: a streamed body is pumped chunk by chunk; each write resolves
// once Go handed the chunk to the connection.

async function pump(id, src, state) {
  try {
    for (;;) {
      const chunk = await src.readChunk();
      if (state.closed) return;
      if (chunk === null) {
        core.opSync(opWriteEnd, id, null);
        return;
      }
      if (!(chunk instanceof Uint8Array)) throw new TypeError("fetch: a request body chunk is not a Uint8Array");
      if (chunk.length === 0) continue;
      await core.opAsync(opWrite, id, chunk);
      if (state.closed) return;
    }
  } catch (e) {
    if (state.closed) return;
    try { src.cancel(e); } catch { /* already done */ }
    let msg;
    try { msg = e && e.message !== undefined ? String(e.message) : String(e); } catch { msg = "error"; }
    core.opSync(opWriteEnd, id, msg);
  }
}

// ---------------------------------------------------------------------------------
// fetch()

function fetch(input, init = undefined) {
  const prefix = "Failed to execute 'fetch' on 'WorkerGlobalScope'";
  let request;
  try {
    webidl.requiredArguments(arguments.length, 1, prefix);
    request = new priv.Request(input, init);
  } catch (e) {
    return Promise.reject(e);
  }
  const signal = priv.requestSignal(request);
  if (signal !== null && signal.aborted) return Promise.reject(signal.reason);
  const url = request.url;
  const scheme = url.slice(0, url.indexOf(":"));
  if (scheme === "data") return fetchData(request, url);
  if (scheme !== "http" && scheme !== "https") {
    return Promise.reject(new TypeError(`${prefix}: Fetch API cannot load: ${url}. URL scheme "${scheme}" is not supported.`));
  }
  let scope;
  try {
    scope = chargeSubrequest();
  } catch (e) {
    return Promise.reject(e);
  }
  const bodyState = priv.requestBody(request);
  // The incoming request's body passed on untouched goes upstream from Go.
  const pass = priv.bodyPassthrough(bodyState);
  let body;
  if (pass !== null && pass.kind === "request") {
    priv.bodyPassedThrough(bodyState);
    body = pass.rid;
  } else {
    body = priv.bodyTakeForFetch(bodyState);
  }
  const streamed = body !== null && typeof body === "object" && !(body instanceof Uint8Array);
  const id = core.opSync(opOpen, request.method, url, priv.headersPacked(request.headers), request.redirect, 0,
    streamed ? true : body);
  const state = { closed: false, piped: false };
  // The subrequest is over before its request body was sent: cancel the body's source.
  const stop = (reason) => {
    if (state.closed) return;
    state.closed = true;
    if (streamed) {
      try { body.cancel(reason); } catch { /* already done */ }
    }
  };
  if (streamed) pump(id, body, state);
  // A subrequest ends with the request that made it (its waitUntil work included),
  // as I/O does on Workers: what is still open then is cancelled.
  if (scope !== null) {
    priv.onScopeFinished(scope, () => {
      stop(new TypeError("fetch: the request that made this subrequest has finished"));
      if (!state.piped) core.opSync(opClose, id);
    });
  }

  return new Promise((resolve, reject) => {
    let settled = false;
    let bodyClose = null;
    const abort = () => {
      stop(signal.reason);
      if (bodyClose !== null) bodyClose();
      else core.opSync(opClose, id);
      if (!settled) {
        settled = true;
        reject(signal.reason);
      }
    };
    if (signal !== null) priv.signalAddAlgorithm(signal, abort);
    core.opAsync(opHead, id).then((head) => {
      if (settled) return;
      settled = true;
      const f = head.split("\0");
      const status = Number(f[0]);
      const packed = f.length > 4 ? f.slice(4).join("\0") : "";
      let finalURL = f[2];
      try { finalURL = priv.serializeURL(priv.parseURL(finalURL), true); } catch { /* keep Go's form */ }
      const nullBody = request.method === "HEAD" || status === 101 || status === 204 || status === 205 || status === 304;
      let source = null;
      if (nullBody) {
        core.opSync(opClose, id);
        if (signal !== null) priv.signalRemoveAlgorithm(signal, abort);
      } else {
        const r = responseSource(id, signal, abort, state);
        source = r.source;
        bodyClose = r.close;
      }
      resolve(priv.newFetchedResponse(status, f[1], packed, finalURL, f[3] === "1", source));
    }, (e) => {
      stop(e);
      core.opSync(opClose, id);
      if (signal !== null) priv.signalRemoveAlgorithm(signal, abort);
      if (settled) return;
      settled = true;
      reject(e);
    });
  });
}

function fetchData(request, url) {
  const data = processDataURL(url);
  if (data === null) return Promise.reject(new TypeError(`Failed to fetch: invalid data: URL`));
  const body = request.method === "HEAD" ? null : data.body;
  const hash = url.indexOf("#");
  return Promise.resolve(priv.newFetchedResponse(200, "OK", "content-type\0" + data.mimeType, hash < 0 ? url : url.slice(0, hash), false, body));
}

core.defineGlobal("fetch", fetch);
priv.fetch = fetch;
