// The Body mixin shared by Request and Response, over the streams of 30_streams.js.
//
// A body state is a plain record { source, stream, disturbed }:
//   source     null (no body), a string, a Uint8Array owned by the body, a ChunkSource
//              (chunks from Go: the incoming request's body, a fetch() response, a
//              cached body) or a ReadableStream;
//   stream     the body's ReadableStream once one exists, else null. Bodies that are
//              consumed whole (text(), json(), sending a string) never make one: the
//              stream is created when `body` is read, the body is cloned or piped;
//   disturbed  the body was used without its stream (consumed, or moved to another
//              Request); the stream's own disturbed flag counts too.
// Once a stream exists, every read goes through it.

const webidl = priv.webidl;
const opReqBodyRead = core.ops.op_req_body_read;
const surrogateRe = /[\ud800-\udfff]/;
const EMPTY = new Uint8Array(0);

// Chunks from Go, read with read() → Promise<Uint8Array | null> (null: the end);
// cancel(reason) (optional) tells the producer to stop. It becomes a byte stream when
// a stream is needed; otherwise it is read directly, without one.
//
// A producer whose bytes Go can move without JS sets `passthrough` (see "Native
// passthrough" below); the first read or cancel clears it.
class ChunkSource {
  constructor(read, cancel) {
    this.read = read;
    this.cancelFn = cancel;
    this.done = false;
    this.passthrough = null;
  }
  async readChunk() {
    this.passthrough = null;
    if (this.done) return null;
    let chunk;
    try {
      chunk = await this.read();
    } catch (e) {
      this.done = true;
      throw e;
    }
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
    this.passthrough = null;
    if (this.done) return;
    this.done = true;
    if (this.cancelFn) this.cancelFn(reason);
  }
  toStream() {
    const s = priv.newReadableByteStream(() => this.readChunk(), (reason) => this.cancel(reason));
    streamSources.set(s, this);
    return s;
  }
}
// Streams made by toStream → their ChunkSource.
const streamSources = new WeakMap();
priv.newChunkSource = (read, cancel) => new ChunkSource(read, cancel);
priv.isChunkSource = (v) => v instanceof ChunkSource;
// The incoming request's body, read with op_req_body_read.
priv.IncomingBody = function IncomingBody(rid) {
  const src = new ChunkSource(() => core.opAsync(opReqBodyRead, rid), null);
  src.passthrough = { kind: "request", rid };
  return src;
};

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
  const isStream = source !== null && typeof source === "object" && priv.isReadableStream(source);
  return { source, stream: isStream ? source : null, disturbed: false };
}
priv.newBodyState = newBodyState;

function copyBytes(view) {
  return new Uint8Array(view.buffer.slice(view.byteOffset, view.byteOffset + view.byteLength));
}

function isDisturbed(state) {
  return state.disturbed || (state.stream !== null && priv.isDisturbed(state.stream));
}

function isLocked(state) {
  return state.stream !== null && priv.isLocked(state.stream);
}

const sops = priv.streamOps;

// Fetch's "fully read": reads a stream to its end through a reader that is never
// released (a consumed body's stream stays locked). The read requests are internal
// steps, not promises, so a patched Object.prototype.then cannot see the chunks.
function fullyRead(stream, onBytes, onError) {
  const reader = sops.acquireDefaultReader(sops.getRStream(stream));
  const chunks = [];
  let total = 0;
  const req = {
    chunkSteps(chunk) {
      if (!(chunk instanceof Uint8Array)) {
        const e = new TypeError("The body's ReadableStream produced a chunk that is not a Uint8Array.");
        sops.setPromiseIsHandled(sops.readableStreamCancel(sops.getRStream(stream), e));
        onError(e);
        return;
      }
      if (chunk.byteLength > 0) {
        chunks.push(chunk);
        total += chunk.byteLength;
      }
      // The next read after this one returns, so a long queue does not recurse deeply.
      sops.then(sops.resolvedUndefined, next);
    },
    closeSteps() { onBytes(concat(chunks, total)); },
    errorSteps(e) { onError(e); },
  };
  const next = () => sops.defaultReaderRead(reader, req);
  next();
}

function readStreamBytes(stream, wantText) {
  return new Promise((resolve, reject) => {
    fullyRead(stream, (bytes) => resolve(wantText ? priv.utf8Decode(bytes) : bytes), reject);
  });
}

// A stream that looks like a body consumed without its stream: locked, disturbed, closed.
function usedStream() {
  const s = priv.readableStreamFromChunks([]);
  const reader = sops.acquireDefaultReader(sops.getRStream(s));
  sops.defaultReaderRead(reader, { chunkSteps() {}, closeSteps() {}, errorSteps() {} });
  return s;
}

// The body's stream, created from its source on first need.
function bodyStream(state) {
  if (state.stream !== null) return state.stream;
  const src = state.source;
  let s;
  if (state.disturbed) {
    s = usedStream();
  } else if (src instanceof ChunkSource) {
    s = src.toStream();
  } else if (typeof src === "string") {
    s = priv.readableStreamFromChunks(priv.utf8Encode(src));
  } else {
    s = priv.readableStreamFromChunks(src);
  }
  state.stream = s;
  return s;
}
priv.bodyStream = bodyStream;

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
    if (init instanceof priv.URLSearchParams) {
      extracted.type = FORM_TYPE;
      return init.toString();
    }
    if (priv.isReadableStream(init)) {
      if (priv.isDisturbed(init) || priv.isLocked(init)) {
        throw new TypeError(`${prefix}: Body is unusable: the ReadableStream is disturbed or locked.`);
      }
      return init;
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
  }
  extracted.type = TEXT_TYPE;
  return webidl.converters.USVString(init, prefix, "body");
}
priv.extractBody = extractBody;

// ---------------------------------------------------------------------------------
// Consuming

function unusable(state) {
  if (isDisturbed(state)) return new TypeError("Body is unusable: Body has already been used");
  return new TypeError("Body is unusable: ReadableStream is locked");
}

// Resolves to the body's bytes (or to its string when `wantText` and the body is a
// string, which skips an encode/decode round trip).
function consume(state, wantText) {
  const src = state.source;
  if (src !== null && (isDisturbed(state) || isLocked(state))) return Promise.reject(unusable(state));
  if (state.stream !== null) {
    try {
      return readStreamBytes(state.stream, wantText);
    } catch (e) {
      return Promise.reject(e);
    }
  }
  state.disturbed = src !== null;
  let bytes;
  if (src === null) bytes = EMPTY;
  else if (typeof src === "string") {
    if (wantText) return Promise.resolve(src.charCodeAt(0) === 0xfeff ? src.slice(1) : src);
    bytes = priv.utf8Encode(src);
  } else if (src instanceof Uint8Array) bytes = src;
  else {
    const p = src.readAll();
    return wantText ? p.then(priv.utf8Decode) : p;
  }
  // Decoded here, not in a then(): the promise settles with a string, which no
  // patched Object.prototype.then can intercept.
  return Promise.resolve(wantText ? priv.utf8Decode(bytes) : bytes);
}
priv.bodyConsume = consume;

// Reads the whole body for sending: null, a string, a Uint8Array, or a promise of
// bytes. The caller marks the body used (state.disturbed = true).
priv.bodyForSend = function bodyForSend(state) {
  const src = state.source;
  if (state.stream !== null) return priv.readAllBytes(state.stream);
  if (src === null || typeof src === "string" || src instanceof Uint8Array) return src;
  return src.readAll();
};

// Takes a body to send chunk by chunk: null when its source is whole (null, a string,
// bytes: send state.source), else a reader { readChunk() → Promise<Uint8Array | null>,
// cancel(reason) }. The body is used from now on.
priv.bodyChunkReader = function bodyChunkReader(state) {
  const src = state.source;
  if (state.stream === null) {
    state.disturbed = src !== null;
    if (src instanceof ChunkSource) return src;
    return null;
  }
  const r = priv.bodyReader(state.stream);
  return {
    readChunk: () => r.read(),
    cancel: (reason) => { r.cancel(reason).then(undefined, () => {}); },
  };
};

// Takes the body for an outgoing request: a value sent at once (null, a string or a
// Uint8Array), or a reader as bodyChunkReader gives.
priv.bodyTakeForFetch = function bodyTakeForFetch(state) {
  const r = priv.bodyChunkReader(state);
  return r === null ? state.source : r;
};

// ---------------------------------------------------------------------------------
// Native passthrough: a body that is still exactly what a Go producer made (the
// incoming request's body, a fetch() response body: a ChunkSource with a passthrough,
// or the stream made from one, not locked, not disturbed, nothing read) can be handed
// to Go whole, which moves its bytes without JS (bindings/fetch/passthrough.go).

// Returns the body's passthrough ({ kind, ... } as its producer set it), or null.
priv.bodyPassthrough = function bodyPassthrough(state) {
  let src = state.source;
  const s = state.stream;
  if (s !== null) {
    if (priv.isLocked(s) || priv.isDisturbed(s) || priv.readableStreamState(s) !== "readable") return null;
    src = streamSources.get(s);
  } else if (state.disturbed) {
    return null;
  }
  return src instanceof ChunkSource ? src.passthrough : null;
};

// Marks a body handed to Go (after bodyPassthrough) used: its stream, if any, ends
// locked, disturbed and closed. The producer is not cancelled: Go has its bytes.
priv.bodyPassedThrough = function bodyPassedThrough(state) {
  state.disturbed = true;
  const s = state.stream;
  const src = s !== null ? streamSources.get(s) : state.source;
  src.passthrough = null;
  src.done = true; // so the stream's cancel below does not reach the producer
  if (s !== null) {
    const rs = sops.getRStream(s);
    sops.acquireDefaultReader(rs);
    sops.setPromiseIsHandled(sops.readableStreamCancel(rs, undefined));
  }
};

priv.bodyUnusable = (state) => state.source !== null && (isDisturbed(state) || isLocked(state));

// Clones a body: a whole source is copied; a stream is teed, the original keeping
// one branch.
priv.bodyClone = function bodyClone(state) {
  const src = state.source;
  if (state.stream === null && !(src instanceof ChunkSource)) {
    if (src instanceof Uint8Array) return newBodyState(src.slice());
    return newBodyState(src);
  }
  // Fetch tees with cloneForBranch2: the clone's chunks are copies.
  const [a, b] = priv.readableStreamTee(bodyStream(state), true);
  state.stream = a;
  state.source = a;
  return newBodyState(b);
};

// Moves a body to a new owner (new Request(request)): the new state gets the data, the
// old one is used. An old stream that user code may hold stays the old body's stream,
// locked and disturbed; the new body reads through it (the Fetch standard's proxy).
priv.bodyMove = function bodyMove(state) {
  state.disturbed = true;
  const old = state.stream;
  if (old === null) return newBodyState(state.source);
  const src = state.source;
  if (typeof src === "string" || src instanceof Uint8Array) {
    // The stream was made from a whole source and never read: drop it, keep the data.
    const r = sops.acquireDefaultReader(sops.getRStream(old));
    sops.setPromiseIsHandled(sops.readableStreamCancel(sops.getRStream(old), undefined));
    void r;
    return newBodyState(src);
  }
  // An untouched stream over a Go producer that can pass its bytes through (above):
  // the new body takes the producer itself, so it still can; the old stream stays
  // locked and disturbed, never read.
  const produced = streamSources.get(old);
  if (produced !== undefined && produced.passthrough !== null && !priv.isLocked(old) && !priv.isDisturbed(old) &&
      priv.readableStreamState(old) === "readable") {
    const rs = sops.getRStream(old);
    sops.acquireDefaultReader(rs);
    rs.disturbed = true;
    return newBodyState(produced);
  }
  const reader = priv.bodyReader(old);
  return newBodyState(priv.newReadableByteStream(() => reader.read(), (reason) => reader.cancel(reason)));
};

// Defines body, bodyUsed and the consuming methods on a prototype.
// getState(obj) returns the body state or throws Illegal invocation;
// getContentType(obj) returns the Content-Type header value or null.
priv.mixinBody = function mixinBody(proto, iface, getState, getContentType) {
  const methods = {
    get body() {
      const state = getState(this);
      if (state.source === null) return null;
      return bodyStream(state);
    },
    get bodyUsed() {
      const state = getState(this);
      return state.source !== null && isDisturbed(state);
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
      const nullBody = state.source === null && state.stream === null;
      return consume(state, false).then((b) => priv.parseFormBody(b, mime, nullBody));
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
