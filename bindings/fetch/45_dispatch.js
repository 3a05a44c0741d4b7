// Request dispatch: core.hooks.moduleLoaded and core.hooks.fetch (docs/internals.md).
// Module workers: `export default { fetch(request, env, ctx) }`.
// Service-worker scripts: `addEventListener("fetch", (event) => event.respondWith(...))`.

const webidl = priv.webidl;
const { configureInterface, illegalConstructorKey } = webidl;
const DOMException = priv.DOMException;
const opRespSend = core.ops.op_resp_send;
const opRespError = core.ops.op_resp_error;
const opReqDone = core.ops.op_req_done;
const opRespStart = core.ops.op_resp_start;
const opRespWrite = core.ops.op_resp_write;
const opRespEnd = core.ops.op_resp_end;
const opRespAbort = core.ops.op_resp_abort;
const opFetchRespond = core.ops.op_fetch_respond;
const opFetchPiped = core.ops.op_fetch_piped;

let handler = null; // the default export
let env = Object.freeze({});

// Later files (storage bindings) add to the env before it is frozen:
// each builder is called as builder(env, parsed) and may define properties on env.
priv.envBuilders = [];

function buildEnv(envJson) {
  let parsed = {};
  if (typeof envJson === "string" && envJson !== "") {
    parsed = JSON.parse(envJson);
    if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
      throw new TypeError("env must be a JSON object");
    }
  }
  const e = {};
  for (const k of Object.keys(parsed)) e[k] = parsed[k];
  for (const build of priv.envBuilders) build(e, parsed);
  return Object.freeze(e);
}

let envReady = false;

// core.hooks.prepareEnv(envJson): builds the env before the worker's modules are
// evaluated, so that module code can read it at the top level
// (import { env } from "cloudflare:workers").
core.hooks.prepareEnv = function prepareEnv(envJson) {
  env = buildEnv(envJson);
  envReady = true;
};

core.hooks.moduleLoaded = function moduleLoaded(namespace, envJson) {
  handler = namespace !== undefined && namespace !== null ? namespace.default : undefined;
  if (handler === undefined) handler = null;
  if (!envReady) env = buildEnv(envJson);
  envReady = true;
};
priv.getEnv = () => env;

// waitUntil from "cloudflare:workers": extends the request whose handler runs now,
// else the newest one not finished (V8 10.2 has no async context to tell which
// request a promise belongs to). With none, a rejection is still reported.
priv.waitUntilCurrent = (promise) => {
  let scope = currentScope;
  if (scope === null) {
    for (const s of activeScopes) if (!s.finished) scope = s;
  }
  if (scope === null) {
    Promise.resolve(promise).then(undefined, priv.reportError);
    return;
  }
  addWaitUntil(scope, promise);
};

// ---------------------------------------------------------------------------------
// Per-request state and the ctx object

class RequestScope {
  constructor(rid) {
    this.rid = rid;
    this.waitUntil = null; // array of pending promises, or null
    this.responded = false;
    this.finished = false; // op_req_done sent (or done=true)
    this.subrequests = 0;  // fetch() calls charged to this request
    this.onFinish = null;  // functions to run when it finishes (closing its subrequests)
    this.request = null;   // the incoming Request (its signal aborts if the client leaves)
  }
}

// Requests in flight in this isolate, and the one whose handler runs synchronously
// right now (for charging subrequests: 44_fetch.js).
const activeScopes = new Set();
let currentScope = null;
priv.subrequestScope = () => {
  if (currentScope !== null) return currentScope;
  if (activeScopes.size === 1) for (const s of activeScopes) return s;
  return null;
};
priv.activeScopeCount = () => activeScopes.size;

function markFinished(scope) {
  scope.finished = true;
  activeScopes.delete(scope);
  const fns = scope.onFinish;
  if (fns !== null) {
    scope.onFinish = null;
    for (let i = 0; i < fns.length; i++) {
      try { fns[i](); } catch (e) { priv.reportError(e); }
    }
  }
}

// Runs fn when the request finishes (right away if it has).
priv.onScopeFinished = (scope, fn) => {
  if (scope.finished) {
    fn();
    return;
  }
  if (scope.onFinish === null) scope.onFinish = [];
  scope.onFinish.push(fn);
};

function addWaitUntil(scope, promise, prefix) {
  const p = Promise.resolve(promise);
  if (scope.finished) {
    // The request is over; still report a failure rather than lose it.
    p.then(undefined, priv.reportError);
    return;
  }
  if (scope.waitUntil === null) scope.waitUntil = [];
  scope.waitUntil.push(p.then(undefined, (e) => { priv.reportError(e); }));
  void prefix;
}

async function drainWaitUntil(scope) {
  // Promises added while waiting are waited for as well.
  while (scope.waitUntil !== null && scope.waitUntil.length > 0) {
    const list = scope.waitUntil;
    scope.waitUntil = [];
    await Promise.allSettled(list);
  }
  markFinished(scope);
  core.opSync(opReqDone, scope.rid);
}

class ExecutionContext {
  #scope;
  constructor(key, scope) {
    if (key !== illegalConstructorKey) throw webidl.illegalConstructor();
    this.#scope = scope;
  }
  waitUntil(promise) {
    if (!(webidl.isObject(this) && #scope in this)) throw webidl.illegalInvocation();
    webidl.requiredArguments(arguments.length, 1, webidl.methodPrefix("ExecutionContext", "waitUntil"));
    addWaitUntil(this.#scope, promise);
  }
  // Workers forward the request to the origin when the handler throws after this call.
  // edged has no origin behind a worker, so this is a no-op: a thrown handler gets a 500.
  passThroughOnException() {
    if (!(webidl.isObject(this) && #scope in this)) throw webidl.illegalInvocation();
  }
}
configureInterface(ExecutionContext);
core.defineGlobal("ExecutionContext", ExecutionContext);

// ---------------------------------------------------------------------------------
// ExtendableEvent / FetchEvent (service-worker syntax)

class ExtendableEvent extends priv.Event {
  #scope = null;
  constructor(type, init = undefined) {
    webidl.requiredArguments(arguments.length, 1, webidl.ctorPrefix("ExtendableEvent"));
    super(type, init);
  }
  waitUntil(promise) {
    if (!(webidl.isObject(this) && #scope in this)) throw webidl.illegalInvocation();
    webidl.requiredArguments(arguments.length, 1, webidl.methodPrefix("ExtendableEvent", "waitUntil"));
    if (this.#scope === null) {
      throw new DOMException("Failed to execute 'waitUntil' on 'ExtendableEvent': The event handler is already finished.", "InvalidStateError");
    }
    addWaitUntil(this.#scope, promise);
  }
  static {
    priv.setEventScope = (e, scope) => { e.#scope = scope; };
  }
}
configureInterface(ExtendableEvent);
core.defineGlobal("ExtendableEvent", ExtendableEvent);

class FetchEvent extends ExtendableEvent {
  #request;
  #response = null;   // the value passed to respondWith
  #responded = false;
  #dispatching = false;
  constructor(type, init) {
    const prefix = webidl.ctorPrefix("FetchEvent");
    webidl.requiredArguments(arguments.length, 2, prefix);
    if (!webidl.isObject(init) || !priv.isRequest(init.request)) {
      throw new TypeError(`${prefix}: Required member 'request' is not a Request.`);
    }
    super(type, init);
    this.#request = init.request;
  }
  static #check(e) { if (!(webidl.isObject(e) && #request in e)) throw webidl.illegalInvocation(); }
  get request() { FetchEvent.#check(this); return this.#request; }
  respondWith(response) {
    FetchEvent.#check(this);
    const prefix = webidl.methodPrefix("FetchEvent", "respondWith");
    webidl.requiredArguments(arguments.length, 1, prefix);
    if (!this.#dispatching) {
      throw new DOMException(`${prefix}: The event handler is already finished.`, "InvalidStateError");
    }
    if (this.#responded) {
      throw new DOMException(`${prefix}: The event has already been responded to.`, "InvalidStateError");
    }
    this.#responded = true;
    this.#response = response;
    this.stopImmediatePropagation();
  }
  passThroughOnException() {
    FetchEvent.#check(this);
  }
  static {
    priv.fetchEventBegin = (e) => { e.#dispatching = true; };
    priv.fetchEventEnd = (e) => { e.#dispatching = false; };
    priv.fetchEventResponse = (e) => (e.#responded ? { value: e.#response } : null);
  }
}
configureInterface(FetchEvent);
core.defineGlobal("FetchEvent", FetchEvent);

// ---------------------------------------------------------------------------------
// The fetch hook

function errorMessage(e) {
  try {
    if (e !== null && typeof e === "object" && typeof e.stack === "string" && e.stack !== "") return e.stack;
    if (e !== null && typeof e === "object" && "message" in e) return `${e.name || "Error"}: ${e.message}`;
    return `Uncaught ${priv.inspect ? priv.inspect(e) : String(e)}`;
  } catch {
    return "Error: (the thrown value could not be formatted)";
  }
}

function fail(scope, message) {
  if (scope.responded) return;
  scope.responded = true;
  core.opSync(opRespError, scope.rid, message);
  finishScope(scope);
}

function finishScope(scope) {
  if (scope.finished) return;
  if (scope.waitUntil === null || scope.waitUntil.length === 0) {
    markFinished(scope);
    // op_resp_error has no done flag: the request is done as soon as it is answered.
    return;
  }
  drainWaitUntil(scope);
}

function send(scope, response, body) {
  if (scope.responded) return;
  scope.responded = true;
  const done = scope.waitUntil === null || scope.waitUntil.length === 0;
  if (done) markFinished(scope);
  try {
    core.opSync(opRespSend, scope.rid, priv.responseStatus(response), priv.responseStatusText(response),
      priv.responsePackedHeaders(response), body, done);
  } catch {
    // The request is gone (its client left): nobody is waiting for this response.
  }
  if (!done) drainWaitUntil(scope);
}

function respond(scope, value) {
  if (!priv.isResponse(value)) {
    let what;
    try { what = value === null ? "null" : typeof value === "object" ? Object.prototype.toString.call(value) : typeof value; } catch { what = "unknown"; }
    fail(scope, `TypeError: handler did not return a Response (got ${what})`);
    return;
  }
  if (priv.responseIsError(value)) {
    fail(scope, "TypeError: handler returned Response.error()");
    return;
  }
  const state = priv.responseBody(value);
  if (priv.bodyUnusable(state)) {
    fail(scope, "TypeError: the returned Response's body has already been used");
    return;
  }
  const pass = priv.bodyPassthrough(state);
  if (pass !== null && pass.kind === "fetch" && sendPiped(scope, value, state, pass)) return;
  const reader = priv.bodyChunkReader(state);
  if (reader !== null) {
    sendStream(scope, value, reader);
    return;
  }
  send(scope, value, state.source);
}

// An untouched fetch() response body goes to the client from Go, without JS per
// chunk (bindings/fetch/passthrough.go). Returns false when Go could not take the
// body (the subrequest was closed): the response is then sent the ordinary way.
// As with a stream, the request lasts until the body has gone: what else it does
// (a request body it still sends upstream) goes on meanwhile.
function sendPiped(scope, response, state, pass) {
  if (scope.responded) return true;
  let piped;
  try {
    piped = core.opSync(opFetchRespond, scope.rid, priv.responseStatus(response), priv.responsePackedHeaders(response),
      pass.id);
  } catch {
    // The request was answered already; Go closed the body it took.
    piped = true;
  }
  if (!piped) return false;
  scope.responded = true;
  priv.bodyPassedThrough(state);
  pass.taken();
  const end = () => drainWaitUntil(scope);
  core.opAsync(opFetchPiped, pass.id).then(end, end);
  return true;
}

// A body read chunk by chunk goes out chunk by chunk. One write is in flight while
// the next chunk is read; the next write waits until Go has written the previous
// chunk to the client, so memory stays at two chunks whatever the body's size.
async function sendStream(scope, response, src) {
  if (scope.responded) return;
  scope.responded = true;
  const rid = scope.rid;
  try {
    core.opSync(opRespStart, rid, priv.responseStatus(response), priv.responseStatusText(response),
      priv.responsePackedHeaders(response));
  } catch (e) {
    // The request is gone (its client left): stop the body's producer.
    src.cancel(e);
    const done = scope.waitUntil === null || scope.waitUntil.length === 0;
    if (done) markFinished(scope);
    else drainWaitUntil(scope);
    return;
  }
  let failure = null;
  let writing = null; // the write in flight: resolves to null, or the error
  try {
    for (;;) {
      const chunk = await src.readChunk();
      if (writing !== null) {
        const err = await writing;
        writing = null;
        if (err !== null) {
          // The client went away: stop the producer; nothing is left to send.
          src.cancel(err);
          break;
        }
      }
      if (chunk === null) break;
      if (!(chunk instanceof Uint8Array)) {
        throw new TypeError("the response body stream produced a chunk that is not a Uint8Array");
      }
      if (chunk.length === 0) continue;
      writing = core.opAsync(opRespWrite, rid, chunk).then(() => null, (e) => e);
    }
  } catch (e) {
    failure = e;
    if (writing !== null) await writing;
  }
  const done = scope.waitUntil === null || scope.waitUntil.length === 0;
  if (done) markFinished(scope);
  if (failure !== null) {
    core.opSync(opRespAbort, rid, "the response body stream failed: " + errorMessage(failure), done);
  } else {
    core.opSync(opRespEnd, rid, done);
  }
  if (!done) drainWaitUntil(scope);
}

function dispatchFetchEvent(scope, request) {
  const event = new FetchEvent("fetch", { request, cancelable: true });
  priv.setEventScope(event, scope);
  priv.fetchEventBegin(event);
  // Listener exceptions are reported by the event target; catch the first one so a
  // listener that throws before respondWith() fails the request with that error.
  const report = priv.reportError;
  let thrown = null;
  priv.reportError = (e) => {
    if (thrown === null) thrown = { e };
    report(e);
  };
  try {
    priv.dispatchTrusted(priv.globalTarget, event);
  } finally {
    priv.reportError = report;
    priv.fetchEventEnd(event);
  }
  const r = priv.fetchEventResponse(event);
  if (r === null) {
    if (thrown !== null) fail(scope, errorMessage(thrown.e));
    else fail(scope, "Error: no response: no 'fetch' event listener called event.respondWith()");
    return;
  }
  settle(scope, r.value);
}

function settle(scope, result) {
  if (priv.isResponse(result)) {
    respond(scope, result);
    return;
  }
  if (result instanceof Promise) {
    // An async handler: one reaction, no extra Promise.resolve wrapper.
    result.then((v) => respond(scope, v), (e) => fail(scope, errorMessage(e)));
    return;
  }
  if (result !== null && (typeof result === "object" || typeof result === "function") && typeof result.then === "function") {
    Promise.resolve(result).then((v) => respond(scope, v), (e) => fail(scope, errorMessage(e)));
    return;
  }
  respond(scope, result);
}

// core.hooks.abortRequest(rid): the client of request rid went away. Its request's
// signal aborts (with an AbortError), so a handler that waits on it, or a fetch()
// given it, stops; the response it may still make goes nowhere.
core.hooks.abortRequest = function abortRequest(rid) {
  for (const scope of activeScopes) {
    if (scope.rid !== rid || scope.request === null) continue;
    const reason = new DOMException("The client closed the request", "AbortError");
    const signal = priv.requestSignal(scope.request);
    if (signal === null) {
      const aborted = priv.newAbortSignal();
      priv.signalAbort(aborted, reason);
      priv.requestSetSignal(scope.request, aborted);
    } else {
      priv.signalAbort(signal, reason);
    }
    return;
  }
};

core.hooks.fetch = function fetch(rid, method, url, headers, hasBody) {
  const scope = new RequestScope(rid);
  activeScopes.add(scope);
  currentScope = scope;
  try {
    const request = priv.newIncomingRequest(method, url, headers, hasBody ? rid : 0, undefined);
    scope.request = request;
    if (handler !== null && typeof handler === "object" && typeof handler.fetch === "function") {
      const ctx = new ExecutionContext(illegalConstructorKey, scope);
      settle(scope, handler.fetch(request, env, ctx));
    } else if (priv.hasListeners(priv.globalTarget, "fetch")) {
      dispatchFetchEvent(scope, request);
    } else {
      fail(scope, "Error: no fetch handler: the worker has no default export with a fetch() method and no 'fetch' event listener");
    }
  } catch (e) {
    fail(scope, errorMessage(e));
  } finally {
    currentScope = null;
  }
};
