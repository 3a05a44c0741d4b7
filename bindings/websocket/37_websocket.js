// WebSocket: the client of the WHATWG WebSockets standard (`new WebSocket(url,
// protocols)`) and Workers' server side (`new WebSocketPair()`, `accept()`, a
// Response with status 101 and `webSocket`: 43_response.js). The protocol runs in Go
// (bindings/websocket, ops.go lists the ops); this file holds the object model and
// turns what arrives on a socket into events. CloseEvent is defined here, and
// MessageEvent as long as no other file has defined it (see the end of the file).

const webidl = priv.webidl;
const { converters, configureInterface, defineConstants } = webidl;
const DOMException = priv.DOMException;
const EventTarget = priv.EventTarget;
const Event = priv.Event;
const ops = core.ops;
const opCreate = ops.op_ws_create;
const opDial = ops.op_ws_dial;
const opWait = ops.op_ws_wait;
const opTake = ops.op_ws_take;
const opEvent = ops.op_ws_event;
const opSend = ops.op_ws_send;
const opClose = ops.op_ws_close;
const opBuffered = ops.op_ws_buffered;

const CONNECTING = 0, OPEN = 1, CLOSING = 2, CLOSED = 3;
const RUN_MAX = 256; // messages taken in one op call
const SLICE_MS = 5;  // time spent on queued messages in one JS entry
const INTERNAL = Symbol("edged.websocket.internal");
const KIND_CLIENT = 1;  // new WebSocket(url): connects itself, no accept()
const KIND_PAIR = 2;    // an end of a WebSocketPair
const KIND_FETCHED = 3; // response.webSocket of a fetch() upgrade: needs accept()

// RFC 6455 token characters, for subprotocol names.
const tokenRe = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

// UTF-8 length of a well-formed string (what bufferedAmount and the reason limit count).
function utf8Length(s) {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}

// [Clamp] unsigned short.
function clampUnsignedShort(v, prefix, context) {
  let x = converters["unrestricted double"](v, prefix, context);
  if (Number.isNaN(x)) return 0;
  x = Math.min(Math.max(x, 0), 65535);
  const f = Math.floor(x);
  const d = x - f;
  if (d > 0.5 || (d === 0.5 && f % 2 === 1)) return f + 1;
  return f;
}

// Codes a Close frame may carry on the wire (RFC 6455 §7.4, the IANA registry).
function wireCloseCode(code) {
  return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) || (code >= 3000 && code <= 4999);
}

// A message's data in the binary type the receiving end asked for.
function binaryData(bytes, binaryType) {
  if (binaryType === "blob") return priv.newBlob(bytes.length > 0 ? [bytes] : [], "");
  if (bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength) return bytes.buffer;
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
}

// The messages of a run from op_ws_take: "<length>:<text>" records in a string, or
// <u32 length><bytes> records in a buffer (each message gets its own ArrayBuffer).
function* unpackRun(run) {
  if (typeof run === "string") {
    for (let pos = 0; pos < run.length;) {
      const colon = run.indexOf(":", pos);
      const len = Number(run.slice(pos, colon));
      yield run.slice(colon + 1, colon + 1 + len);
      pos = colon + 1 + len;
    }
    return;
  }
  const view = new DataView(run.buffer, run.byteOffset, run.byteLength);
  for (let pos = 0; pos < run.byteLength;) {
    const len = view.getUint32(pos);
    yield run.slice(pos + 4, pos + 4 + len);
    pos += 4 + len;
  }
}

function copyBytes(data) {
  if (data instanceof ArrayBuffer) return new Uint8Array(data.slice(0));
  return new Uint8Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength));
}

// ---------------------------------------------------------------------------------
// CloseEvent

const closeEventInit = webidl.dictionary("CloseEventInit", [
  { key: "wasClean", converter: converters.boolean, defaultValue: false },
  { key: "code", converter: converters["unsigned short"], defaultValue: 0 },
  { key: "reason", converter: converters.USVString, defaultValue: "" },
]);

class CloseEvent extends Event {
  #wasClean = false;
  #code = 0;
  #reason = "";
  constructor(type, init = undefined) {
    const prefix = webidl.ctorPrefix("CloseEvent");
    webidl.requiredArguments(arguments.length, 1, prefix);
    super(type, init);
    const d = closeEventInit(init, prefix, "Argument 2");
    this.#wasClean = d.wasClean;
    this.#code = d.code;
    this.#reason = d.reason;
  }
  static #check(e) { if (!(webidl.isObject(e) && #code in e)) throw webidl.illegalInvocation(); }
  get wasClean() { CloseEvent.#check(this); return this.#wasClean; }
  get code() { CloseEvent.#check(this); return this.#code; }
  get reason() { CloseEvent.#check(this); return this.#reason; }
}
configureInterface(CloseEvent);
core.defineGlobal("CloseEvent", CloseEvent);
priv.CloseEvent = CloseEvent;

// ---------------------------------------------------------------------------------
// WebSocket

class WebSocket extends EventTarget {
  #kind = KIND_CLIENT;
  #state = CONNECTING;
  #url = null;              // serialized URL (null for a pair's end)
  #origin = "";             // for MessageEvent.origin
  #protocol = "";
  #extensions = "";
  #binaryType = "blob";
  #accepted = false;
  #sid = 0;                 // the Go socket, once there is one
  #peer = null;             // the other end of a pair while both live in JS
  #queue = [];              // items for this end, kept until accept() (a pair's end)
  #draining = false;
  #claimed = false;         // returned in a Response: the network speaks for it
  #closeRequested = false;
  #closeFired = false;
  #afterClose = 0;          // bytes passed to send() once closing (bufferedAmount)

  constructor(url, protocols = undefined) {
    if (url === INTERNAL) {
      super();
      this.#kind = protocols;
      this.#state = OPEN;
      this.#binaryType = "arraybuffer";
      return;
    }
    const prefix = webidl.ctorPrefix("WebSocket");
    webidl.requiredArguments(arguments.length, 1, prefix);
    url = converters.USVString(url, prefix, "Argument 1");
    let list = [];
    if (protocols !== undefined) {
      if (webidl.isObject(protocols) && typeof protocols[Symbol.iterator] === "function") {
        list = webidl.sequence(converters.DOMString)(protocols, prefix, "Argument 2");
      } else {
        list = [converters.DOMString(protocols, prefix, "Argument 2")];
      }
    }
    super();
    const u = parseWebSocketURL(url, prefix);
    const seen = new Set();
    for (const p of list) {
      const lower = p.toLowerCase();
      if (!tokenRe.test(p) || seen.has(lower)) {
        throw new DOMException(`${prefix}: The subprotocol '${p}' is invalid or given twice.`, "SyntaxError");
      }
      seen.add(lower);
    }
    this.#url = u.href;
    this.#origin = u.origin;
    this.#accepted = true;
    this.#sid = core.opSync(opDial, u.href, list.join("\0"), "");
    this.#pump();
  }

  static #check(ws) {
    if (!(webidl.isObject(ws) && #sid in ws)) throw webidl.illegalInvocation();
  }

  get url() { WebSocket.#check(this); return this.#url; }
  get readyState() { WebSocket.#check(this); return this.#state; }
  get bufferedAmount() {
    WebSocket.#check(this);
    let n = this.#afterClose;
    if (this.#sid !== 0 && this.#state !== CLOSED) n += core.opSync(opBuffered, this.#sid);
    return n;
  }
  get extensions() { WebSocket.#check(this); return this.#extensions; }
  get protocol() { WebSocket.#check(this); return this.#protocol; }
  get binaryType() { WebSocket.#check(this); return this.#binaryType; }
  set binaryType(v) {
    WebSocket.#check(this);
    v = converters.DOMString(v);
    // An enumerated attribute ignores values outside its enumeration.
    if (v === "blob" || v === "arraybuffer") this.#binaryType = v;
  }

  // Workers: an end of a WebSocketPair (or a fetch() upgrade's) starts receiving
  // once accepted; what arrived before is kept and delivered then.
  accept() {
    WebSocket.#check(this);
    const prefix = webidl.methodPrefix("WebSocket", "accept");
    if (this.#kind === KIND_CLIENT) {
      throw new TypeError(`${prefix}: a WebSocket made with new WebSocket() is accepted already; only a WebSocketPair's end or a fetch() upgrade's needs accept().`);
    }
    if (this.#claimed) {
      throw new TypeError(`${prefix}: this WebSocket was returned in a Response; its other end is the one to accept().`);
    }
    if (this.#accepted) return;
    this.#accepted = true;
    if (this.#sid !== 0) this.#pump();
    else this.#drain();
  }

  send(data) {
    WebSocket.#check(this);
    const prefix = webidl.methodPrefix("WebSocket", "send");
    webidl.requiredArguments(arguments.length, 1, prefix);
    let text = false;
    let size;
    if (priv.isBlob(data)) {
      data = priv.blobBytes(data);
      size = data.byteLength;
    } else if (data instanceof ArrayBuffer || ArrayBuffer.isView(data)) {
      size = data.byteLength;
    } else {
      if (typeof SharedArrayBuffer === "function" && data instanceof SharedArrayBuffer) {
        throw new TypeError(`${prefix}: a SharedArrayBuffer cannot be sent.`);
      }
      data = converters.USVString(data, prefix, "Argument 1");
      text = true;
      size = -1;
    }
    if (this.#kind !== KIND_CLIENT) {
      if (this.#claimed) throw new TypeError(`${prefix}: this WebSocket was returned in a Response; send on its other end.`);
      if (!this.#accepted) throw new TypeError(`${prefix}: call accept() on this WebSocket before sending messages.`);
    } else if (this.#state === CONNECTING) {
      throw new DOMException(`${prefix}: Still in CONNECTING state.`, "InvalidStateError");
    }
    if (this.#state !== OPEN || this.#closeRequested) {
      if (this.#kind !== KIND_CLIENT) throw new TypeError(`${prefix}: the WebSocket is closing or closed; send() after close() is not allowed.`);
      // WHATWG: the data is counted, not sent.
      this.#afterClose += size < 0 ? utf8Length(data) : size;
      return;
    }
    if (this.#sid !== 0) {
      core.opSync(opSend, this.#sid, data, text);
      return;
    }
    const peer = this.#peer;
    if (peer !== null) peer.#enqueue(text ? { t: "text", data } : { t: "binary", data: copyBytes(data) });
  }

  close(code = undefined, reason = undefined) {
    WebSocket.#check(this);
    const prefix = webidl.methodPrefix("WebSocket", "close");
    if (code !== undefined) code = clampUnsignedShort(code, prefix, "Argument 1");
    if (reason !== undefined) reason = converters.USVString(reason, prefix, "Argument 2");
    if (this.#kind === KIND_CLIENT) {
      if (code !== undefined && code !== 1000 && (code < 3000 || code > 4999)) {
        throw new DOMException(`${prefix}: The close code must be either 1000, or between 3000 and 4999. ${code} is neither.`, "InvalidAccessError");
      }
    } else {
      if (this.#claimed) throw new TypeError(`${prefix}: this WebSocket was returned in a Response; close its other end.`);
      if (!this.#accepted) throw new TypeError(`${prefix}: call accept() on this WebSocket before closing it.`);
      if (code !== undefined && !wireCloseCode(code)) {
        throw new TypeError(`${prefix}: ${code} is not a close code a WebSocket may send.`);
      }
    }
    if (reason !== undefined && utf8Length(reason) > 123) {
      throw new DOMException(`${prefix}: The close reason must not be longer than 123 UTF-8 bytes.`, "SyntaxError");
    }
    if (this.#state === CLOSING || this.#state === CLOSED || this.#closeRequested) return;
    this.#closeRequested = true;
    this.#state = CLOSING;
    if (code === undefined && reason !== undefined) code = 1000;
    if (this.#sid !== 0) {
      // A client still connecting gives up: error and close (1006) events follow.
      core.opSync(opClose, this.#sid, code === undefined ? -1 : code, reason === undefined ? "" : reason);
      return;
    }
    const peer = this.#peer;
    if (peer !== null) {
      peer.#enqueue({ t: "close", code: code === undefined ? 1005 : code, reason: reason === undefined ? "" : reason });
    }
  }

  // ---- a pair's ends while both are in JS ----

  #enqueue(item) {
    if (this.#state === CLOSED) return;
    this.#queue.push(item);
    if (this.#accepted) this.#drain();
  }

  // Delivers queued items, each as its own event, after the current task's
  // synchronous work (never from inside the sender's send()).
  #drain() {
    if (this.#draining || this.#queue.length === 0) return;
    this.#draining = true;
    queueMicrotask(() => {
      this.#draining = false;
      const item = this.#queue.shift();
      if (item === undefined) return;
      if (this.#queue.length > 0) this.#drain();
      if (item.t === "close") {
        // The peer closed: answer with the same code (Workers replies on its own),
        // and both ends see the close event.
        const peer = this.#peer;
        const wasOpen = !this.#closeRequested;
        this.#closeRequested = true;
        this.#queue.length = 0;
        this.#closed(item.code, item.reason, true);
        if (wasOpen && peer !== null) peer.#enqueue({ t: "close", code: item.code, reason: item.reason });
        return;
      }
      this.#message(item.t === "text" ? item.data : binaryData(item.data, this.#binaryType));
    });
  }

  // ---- ends backed by a Go socket ----

  // Takes what arrives on the socket until its close event. A wait answers with the
  // item itself when it is the only one, or with the count of queued items, which
  // are then taken in runs: one op call brings every queued message of one kind.
  async #pump() {
    const sid = this.#sid;
    for (;;) {
      let v;
      try {
        v = await core.opAsync(opWait, sid);
      } catch (e) {
        this.#closed(1006, "", false);
        return;
      }
      if (typeof v !== "number") {
        if (!this.#deliver(sid, v)) return;
        continue;
      }
      // Bounded work per JS entry: past a time slice the rest stays queued in Go and
      // the next wait (answered at once) brings it in a fresh entry, so a flooding
      // peer cannot push one entry past its CPU budget.
      const start = core.now();
      for (let left = v, first = true; left > 0;) {
        if (!first && core.now() - start > SLICE_MS) break;
        const run = core.opSync(opTake, sid, Math.min(left, RUN_MAX));
        if (run === undefined) break;
        if (run === null) {
          left--;
          if (!first) await undefined;
          first = false;
          if (!this.#deliver(sid, null)) return;
          continue;
        }
        for (const data of unpackRun(run)) {
          left--;
          // Each message is its own event: microtasks its listeners queued run first.
          if (!first) await undefined;
          first = false;
          this.#message(typeof data === "string" ? data : binaryData(data, this.#binaryType));
        }
      }
    }
  }

  // One item from Go; false after the close event (the socket is gone).
  #deliver(sid, v) {
    if (typeof v === "string") {
      this.#message(v);
      return true;
    }
    if (v instanceof Uint8Array) {
      this.#message(binaryData(v, this.#binaryType));
      return true;
    }
    const f = core.opSync(opEvent, sid).split("\0");
    switch (f[0]) {
      case "open":
        if (this.#state === CONNECTING) this.#state = OPEN;
        this.#protocol = f[1];
        this.#extensions = f[2];
        this.#fire(new Event("open"));
        return true;
      case "error":
        this.#state = CLOSED;
        this.#fire(new priv.ErrorEvent("error", { message: f.slice(1).join("\0") }));
        return true;
      case "close":
        this.#closed(Number(f[1]), f[2], f[3] === "1");
        return false;
    }
    return true;
  }

  #message(data) {
    if (this.#state !== OPEN) return; // WHATWG: nothing is delivered once closing
    const MessageEventCtor = priv.MessageEvent;
    this.#fire(new MessageEventCtor("message", { data, origin: this.#origin }));
  }

  #closed(code, reason, wasClean) {
    this.#state = CLOSED;
    if (this.#closeFired) return;
    this.#closeFired = true;
    this.#fire(new CloseEvent("close", { code, reason, wasClean }));
  }

  #fire(event) {
    priv.dispatchTrusted(this, event);
  }

  static {
    priv.isWebSocket = (v) => webidl.isObject(v) && #sid in v;
    priv.newWebSocketPair = () => {
      const a = new WebSocket(INTERNAL, KIND_PAIR);
      const b = new WebSocket(INTERNAL, KIND_PAIR);
      a.#peer = b;
      b.#peer = a;
      return [a, b];
    };
    // new Response(null, { status: 101, webSocket }) (43_response.js): only a pair's
    // end that nothing has used can be returned, once.
    priv.webSocketClaim = (ws, prefix) => {
      if (!priv.isWebSocket(ws)) {
        throw new TypeError(`${prefix}: 'webSocket' member of ResponseInit is not of type 'WebSocket'.`);
      }
      if (ws.#kind !== KIND_PAIR) {
        throw new TypeError(`${prefix}: only an end of a WebSocketPair can be returned in a Response, not a WebSocket made by new WebSocket() or fetch().`);
      }
      if (ws.#claimed) throw new TypeError(`${prefix}: this WebSocket was already returned in a Response.`);
      if (ws.#accepted) throw new TypeError(`${prefix}: a WebSocket returned in a Response must not be accepted; accept() its other end.`);
      ws.#claimed = true;
    };
    // When the 101 response is sent: the claimed end gets a Go socket that ServeHTTP
    // connects to the client, and its other end speaks through it from now on.
    priv.webSocketAttach = (ws) => {
      if (ws.#sid !== 0) return ws.#sid;
      const sid = core.opSync(opCreate);
      ws.#sid = sid;
      const server = ws.#peer;
      ws.#peer = null;
      const queued = ws.#queue;
      ws.#queue = [];
      if (server !== null) {
        server.#peer = null;
        server.#sid = sid;
        // What the server end sent before the response went out.
        for (const item of queued) {
          if (item.t === "close") core.opSync(opClose, sid, item.code === 1005 ? -1 : item.code, item.reason);
          else core.opSync(opSend, sid, item.data, item.t === "text");
        }
        if (server.#accepted) server.#pump();
      }
      return sid;
    };
    // response.webSocket of a fetch() upgrade (46_websocket_fetch.js).
    priv.newFetchedWebSocket = (sid, url, protocol, extensions) => {
      const ws = new WebSocket(INTERNAL, KIND_FETCHED);
      ws.#sid = sid;
      ws.#url = url;
      ws.#protocol = protocol;
      ws.#extensions = extensions;
      return ws;
    };
  }
}

function parseWebSocketURL(url, prefix) {
  let u;
  try {
    u = new priv.URL(url, priv.apiBaseURL());
  } catch {
    throw new DOMException(`${prefix}: The URL '${url}' is invalid.`, "SyntaxError");
  }
  if (u.protocol === "http:") u.protocol = "ws:";
  else if (u.protocol === "https:") u.protocol = "wss:";
  if (u.protocol !== "ws:" && u.protocol !== "wss:") {
    throw new DOMException(`${prefix}: The URL's scheme must be 'ws', 'wss', 'http' or 'https', not '${u.protocol.slice(0, -1)}'.`, "SyntaxError");
  }
  if (u.href.includes("#")) {
    throw new DOMException(`${prefix}: The URL contains a fragment identifier ('${u.hash}'); fragments are not allowed in WebSocket URLs.`, "SyntaxError");
  }
  return u;
}
priv.parseWebSocketURL = parseWebSocketURL;

defineConstants(WebSocket, { CONNECTING, OPEN, CLOSING, CLOSED });
// Workers spells them READY_STATE_* as well.
defineConstants(WebSocket, {
  READY_STATE_CONNECTING: CONNECTING, READY_STATE_OPEN: OPEN, READY_STATE_CLOSING: CLOSING, READY_STATE_CLOSED: CLOSED,
});
const checkSocket = (ws) => {
  if (!priv.isWebSocket(ws)) throw webidl.illegalInvocation();
  return ws;
};
for (const name of ["open", "message", "error", "close"]) priv.defineEventHandler(WebSocket.prototype, name, checkSocket);
configureInterface(WebSocket);
core.defineGlobal("WebSocket", WebSocket);
priv.WebSocket = WebSocket;
priv.registerPlatformObject((v) => priv.isWebSocket(v));

// ---------------------------------------------------------------------------------
// WebSocketPair (Workers): `const [client, server] = Object.values(new WebSocketPair())`

class WebSocketPair {
  constructor() {
    const [client, server] = priv.newWebSocketPair();
    Object.defineProperty(this, 0, { value: client, enumerable: true, writable: false, configurable: false });
    Object.defineProperty(this, 1, { value: server, enumerable: true, writable: false, configurable: false });
  }
}
configureInterface(WebSocketPair);
core.defineGlobal("WebSocketPair", WebSocketPair);

// ---------------------------------------------------------------------------------
// MessageEvent: a minimal one (data, origin, lastEventId, source, ports) unless an
// earlier file defined it. Events are made with priv.MessageEvent at dispatch time,
// so a messaging binding loaded later that sets priv.MessageEvent takes over.

if (priv.MessageEvent === undefined) {
  const messageEventInit = webidl.dictionary("MessageEventInit", [
    { key: "data", converter: converters.any, defaultValue: null },
    { key: "origin", converter: converters.USVString, defaultValue: "" },
    { key: "lastEventId", converter: converters.DOMString, defaultValue: "" },
    { key: "source", converter: converters.any, defaultValue: null },
    { key: "ports", converter: converters.any, defaultValue: undefined },
  ]);
  class MessageEvent extends Event {
    #data = null;
    #origin = "";
    #lastEventId = "";
    #source = null;
    #ports = Object.freeze([]);
    constructor(type, init = undefined) {
      const prefix = webidl.ctorPrefix("MessageEvent");
      webidl.requiredArguments(arguments.length, 1, prefix);
      super(type, init);
      const d = messageEventInit(init, prefix, "Argument 2");
      this.#data = d.data;
      this.#origin = d.origin;
      this.#lastEventId = d.lastEventId;
      this.#source = d.source;
      if (d.ports !== undefined) this.#ports = Object.freeze(webidl.sequence(converters.any)(d.ports, prefix, "'ports' member of MessageEventInit"));
    }
    static #check(e) { if (!(webidl.isObject(e) && #data in e)) throw webidl.illegalInvocation(); }
    get data() { MessageEvent.#check(this); return this.#data; }
    get origin() { MessageEvent.#check(this); return this.#origin; }
    get lastEventId() { MessageEvent.#check(this); return this.#lastEventId; }
    get source() { MessageEvent.#check(this); return this.#source; }
    get ports() { MessageEvent.#check(this); return this.#ports; }
  }
  configureInterface(MessageEvent);
  core.defineGlobal("MessageEvent", MessageEvent);
  priv.MessageEvent = MessageEvent;
}
