// The Body mixin shared by Request and Response.
//
// Until ReadableStream lands, a body's source is kept as one of:
//   null                      no body
//   string                    a USVString body (sent to Go as-is, UTF-8 encoded there)
//   Uint8Array                bytes owned by this body
//   ChunkSource               chunks from Go: the incoming request's body, a fetch() response
//   Buffered                  a promise of bytes (a clone of an incoming body)
// A body state is a plain record: { source, disturbed, locked, drained, stream }.

const webidl = priv.webidl;
const opReqBodyRead = core.ops.op_req_body_read;
const surrogateRe = /[\ud800-\udfff]/;
const EMPTY = new Uint8Array(0);

// A body read chunk by chunk from Go: read() resolves to a Uint8Array or null at the
// end; cancel(reason) tells the producer to stop (optional).
class ChunkSource {
  constructor(read, cancel) {
    this.read = read;
    this.cancelFn = cancel;
    this.done = false;
  }
  async readChunk() {
    if (this.done) return null;
    const chunk = await this.read();
    if (chunk === null || chunk === undefined) {
      this.done = true;
      return null;
    }
    return chunk;
  }
  async readAll() {
    const chunks = [];
    let total = 0;
    for (;;) {
      const c = await this.readChunk();
      if (c === null) break;
      if (c.length === 0) continue;
      chunks.push(c);
      total += c.length;
    }
    return concat(chunks, total);
  }
  cancel(reason) {
    if (this.done) return;
    this.done = true;
    if (this.cancelFn) this.cancelFn(reason);
  }
}
priv.newChunkSource = (read, cancel) => new ChunkSource(read, cancel);
priv.isChunkSource = (v) => v instanceof ChunkSource;
// The incoming request's body, read with op_req_body_read.
priv.IncomingBody = function IncomingBody(rid) {
  return new ChunkSource(() => core.opAsync(opReqBodyRead, rid), null);
};

class Buffered {
  constructor(promise) {
    this.promise = promise;
  }
}

function concat(chunks, total) {
  if (chunks.length === 0) return new Uint8Array(0);
  if (chunks.length === 1) return chunks[0];
  const out = new Uint8Array(total);
  let off = 0;
  for (let i = 0; i < chunks.length; i++) {
    out.set(chunks[i], off);
    off += chunks[i].length;
  }
  return out;
}

function newBodyState(source) {
  return { source, disturbed: false, locked: false, drained: false, stream: null };
}
priv.newBodyState = newBodyState;

function copyBytes(view) {
  return new Uint8Array(view.buffer.slice(view.byteOffset, view.byteOffset + view.byteLength));
}

// ---------------------------------------------------------------------------------
// A minimal ReadableStream-shaped view of a body (getReader/read/cancel, async
// iteration). It exists so `request.body` can be passed on (new Response(request.body))
// and read chunk by chunk; the streams issue replaces it with a real ReadableStream.

const bodyStates = new WeakMap(); // BodyStream → body state

class ReadableStream {
  constructor(key, state) {
    if (key !== webidl.illegalConstructorKey) throw webidl.illegalConstructor();
    bodyStates.set(this, state);
  }
  get locked() {
    const s = bodyStates.get(this);
    if (s === undefined) throw webidl.illegalInvocation();
    return s.locked;
  }
  getReader(options = undefined) {
    const s = bodyStates.get(this);
    if (s === undefined) throw webidl.illegalInvocation();
    if (webidl.isObject(options) && options.mode !== undefined) {
      throw new TypeError("not implemented: ReadableStream BYOB readers (streams land in a later issue)");
    }
    if (s.locked) throw new TypeError("Failed to execute 'getReader' on 'ReadableStream': ReadableStreamDefaultReader constructor can only accept readable streams that are not yet locked to a reader");
    s.locked = true;
    return new BodyStreamReader(s);
  }
  cancel(reason = undefined) {
    const s = bodyStates.get(this);
    if (s === undefined) return Promise.reject(webidl.illegalInvocation());
    if (s.locked) return Promise.reject(new TypeError("Cannot cancel a locked stream"));
    s.disturbed = true;
    s.drained = true;
    if (s.source instanceof ChunkSource) s.source.cancel(reason);
    return Promise.resolve(undefined);
  }
  tee() {
    throw new TypeError("not implemented: ReadableStream.tee() (streams land in a later issue)");
  }
  pipeTo() {
    return Promise.reject(new TypeError("not implemented: ReadableStream.pipeTo() (streams land in a later issue)"));
  }
  pipeThrough() {
    throw new TypeError("not implemented: ReadableStream.pipeThrough() (streams land in a later issue)");
  }
  async *[Symbol.asyncIterator]() {
    const reader = this.getReader();
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        yield value;
      }
    } finally {
      reader.releaseLock();
    }
  }
}
Object.defineProperty(ReadableStream.prototype, Symbol.toStringTag, { value: "ReadableStream", configurable: true });
Object.defineProperty(ReadableStream.prototype, Symbol.for("nodejs.util.inspect.custom"), {
  value: function inspectStream() {
    const s = bodyStates.get(this);
    return `ReadableStream { locked: ${s.locked}, disturbed: ${s.disturbed} }`;
  },
  configurable: true,
});
const BodyStream = ReadableStream; // internal name; the real ReadableStream lands with the streams issue
priv.isBodyStream = (v) => bodyStates.has(v);

class BodyStreamReader {
  #state;
  #released = false;
  constructor(state) {
    this.#state = state;
  }
  async read() {
    if (this.#released) throw new TypeError("This reader has been released");
    const s = this.#state;
    s.disturbed = true;
    const src = s.source;
    if (src === null || s.drained) return { value: undefined, done: true };
    if (src instanceof ChunkSource) {
      const chunk = await src.readChunk();
      if (chunk === null) { s.drained = true; return { value: undefined, done: true }; }
      return { value: chunk, done: false };
    }
    s.drained = true;
    if (typeof src === "string") return { value: priv.utf8Encode(src), done: false };
    if (src instanceof Buffered) return { value: await src.promise, done: false };
    return { value: src, done: false };
  }
  releaseLock() {
    if (this.#released) return;
    this.#released = true;
    this.#state.locked = false;
  }
  cancel(reason = undefined) {
    this.#state.disturbed = true;
    this.#state.drained = true;
    if (this.#state.source instanceof ChunkSource) this.#state.source.cancel(reason);
    return Promise.resolve(undefined);
  }
  get closed() {
    return Promise.resolve(undefined);
  }
}
Object.defineProperty(BodyStreamReader.prototype, Symbol.toStringTag, { value: "ReadableStreamDefaultReader", configurable: true });

// ---------------------------------------------------------------------------------
// Extracting a body from BodyInit. Returns the source; the content type is left in
// `extracted.type` (null when the body type has none).

const extracted = { type: null };
priv.extractedBody = extracted;

const TEXT_TYPE = "text/plain;charset=UTF-8";
const FORM_TYPE = "application/x-www-form-urlencoded;charset=UTF-8";

function extractBody(init, prefix) {
  if (typeof init === "string") {
    extracted.type = TEXT_TYPE;
    return surrogateRe.test(init) ? webidl.toWellFormed(init) : init;
  }
  extracted.type = null;
  if (webidl.isObject(init)) {
    if (init instanceof ArrayBuffer) return new Uint8Array(init.slice(0));
    if (ArrayBuffer.isView(init)) return copyBytes(init);
    if (typeof SharedArrayBuffer === "function" && init instanceof SharedArrayBuffer) {
      return new Uint8Array(new Uint8Array(init));
    }
    const USP = globalThis.URLSearchParams;
    if (typeof USP === "function" && init instanceof USP) {
      extracted.type = FORM_TYPE;
      return init.toString();
    }
    const state = bodyStates.get(init);
    if (state !== undefined) {
      if (state.disturbed || state.locked) throw new TypeError(`${prefix}: Body is unusable: the ReadableStream is disturbed or locked.`);
      // The new body takes over the stream's source; the stream is locked to it.
      state.locked = true;
      return state.source;
    }
    if (priv.isBlob(init)) {
      const type = priv.blobType(init);
      if (type !== "") extracted.type = type;
      // A copy: consumers may write to the bytes they get; the blob stays immutable.
      return priv.blobBytes(init).slice();
    }
    if (priv.isFormData(init)) {
      const { bytes, type } = priv.encodeMultipart(init);
      extracted.type = type;
      return bytes;
    }
    if (priv.extractBodyExtra !== undefined) {
      const r = priv.extractBodyExtra(init, prefix);
      if (r !== undefined) return r;
    }
    const tag = Object.prototype.toString.call(init);
    if (tag === "[object ReadableStream]") {
      throw new TypeError(`${prefix}: not implemented: ReadableStream bodies`);
    }
  }
  extracted.type = TEXT_TYPE;
  return webidl.converters.USVString(init, prefix, "body");
}
priv.extractBody = extractBody;

// ---------------------------------------------------------------------------------
// Consuming

function unusable(state) {
  if (state.disturbed) return new TypeError("Body is unusable: Body has already been used");
  return new TypeError("Body is unusable: ReadableStream is locked");
}

function takeBytes(state) {
  const src = state.source;
  state.disturbed = true;
  if (src === null) return EMPTY;
  if (typeof src === "string") return priv.utf8Encode(src);
  if (src instanceof Uint8Array) return src;
  if (src instanceof ChunkSource) return src.readAll();
  if (src instanceof Buffered) return src.promise;
  throw new TypeError("unknown body source");
}

// Resolves to the body's bytes (or to its string when `wantText` and the body is a
// string, which skips an encode/decode round trip).
function consume(state, wantText) {
  if (state.source !== null && (state.disturbed || state.locked)) return Promise.reject(unusable(state));
  if (wantText && typeof state.source === "string") {
    const s = state.source;
    state.disturbed = true;
    return Promise.resolve(s.charCodeAt(0) === 0xfeff ? s.slice(1) : s);
  }
  let r;
  try {
    r = takeBytes(state);
  } catch (e) {
    return Promise.reject(e);
  }
  if (wantText) return Promise.resolve(r).then(priv.utf8Decode);
  return Promise.resolve(r);
}
priv.bodyConsume = consume;

// Reads the whole body for sending: resolves to null, a string or a Uint8Array.
priv.bodyForSend = function bodyForSend(state) {
  const src = state.source;
  if (src === null || typeof src === "string" || src instanceof Uint8Array) return src;
  if (src instanceof ChunkSource) return src.readAll();
  if (src instanceof Buffered) return src.promise;
  return null;
};

// Takes the body for an outgoing request: a value sent at once (null, a string or a
// Uint8Array), or a source read chunk by chunk ({ readChunk, cancel }).
priv.bodyTakeForFetch = function bodyTakeForFetch(state) {
  const src = state.source;
  state.disturbed = src !== null;
  if (src === null || typeof src === "string" || src instanceof Uint8Array) return src;
  if (src instanceof ChunkSource) return src;
  if (src instanceof Buffered) {
    let taken = false;
    return new ChunkSource(() => {
      if (taken) return Promise.resolve(null);
      taken = true;
      return src.promise;
    }, null);
  }
  return null;
};

priv.bodyUnusable = (state) => state.source !== null && (state.disturbed || state.locked);

// Clones a body: the original keeps a usable source and the clone gets its own.
priv.bodyClone = function bodyClone(state) {
  const src = state.source;
  if (src === null || typeof src === "string") return newBodyState(src);
  if (src instanceof Uint8Array) return newBodyState(src.slice());
  let p;
  if (src instanceof ChunkSource) p = src.readAll();
  else p = src.promise;
  state.source = new Buffered(p);
  return newBodyState(new Buffered(p.then((b) => b.slice())));
};

// Defines body, bodyUsed and the consuming methods on a prototype.
// getState(obj) returns the body state or throws Illegal invocation;
// getContentType(obj) returns the Content-Type header value or null.
priv.mixinBody = function mixinBody(proto, iface, getState, getContentType) {
  const methods = {
    get body() {
      const state = getState(this);
      if (state.source === null) return null;
      if (state.stream === null) {
        state.stream = priv.createBodyStream !== undefined ? priv.createBodyStream(state) : new BodyStream(webidl.illegalConstructorKey, state);
      }
      return state.stream;
    },
    get bodyUsed() {
      const state = getState(this);
      return state.source !== null && state.disturbed;
    },
    arrayBuffer() {
      let state;
      try { state = getState(this); } catch (e) { return Promise.reject(e); }
      return consume(state, false).then((b) => (b.byteOffset === 0 && b.byteLength === b.buffer.byteLength ? b.buffer : b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength)));
    },
    bytes() {
      let state;
      try { state = getState(this); } catch (e) { return Promise.reject(e); }
      return consume(state, false);
    },
    blob() {
      let state;
      try { state = getState(this); } catch (e) { return Promise.reject(e); }
      const mime = priv.extractMimeType(getContentType(this));
      const type = mime === null ? "" : priv.serializeMimeType(mime);
      return consume(state, false).then((b) => priv.newBlob(b.length > 0 ? [b] : [], type));
    },
    formData() {
      let state;
      try { state = getState(this); } catch (e) { return Promise.reject(e); }
      const mime = priv.extractMimeType(getContentType(this));
      return consume(state, false).then((b) => priv.parseFormBody(b, mime));
    },
    json() {
      let state;
      try { state = getState(this); } catch (e) { return Promise.reject(e); }
      return consume(state, true).then(JSON.parse);
    },
    text() {
      let state;
      try { state = getState(this); } catch (e) { return Promise.reject(e); }
      return consume(state, true);
    },
  };
  for (const name of Object.getOwnPropertyNames(methods)) {
    const desc = Object.getOwnPropertyDescriptor(methods, name);
    desc.enumerable = true;
    desc.configurable = true;
    Object.defineProperty(proto, name, desc);
  }
};
