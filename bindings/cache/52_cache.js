// The Cache API as Workers has it: `caches.default` and `await caches.open(name)`, each
// a Cache with match(), put() and delete() (add/addAll/keys/matchAll do not exist on
// Workers either). The rules of what is stored and how a stored response answers a
// request (freshness, Vary, conditional requests, ranges) live in the Go store
// (bindings/cache); this file converts Request/Response objects for its ops.

const webidl = priv.webidl;
const opMatch = core.ops.op_cache_match;
const opPut = core.ops.op_cache_put;
const opDelete = core.ops.op_cache_delete;
const opBodyRead = core.ops.op_cache_body_read;
const opBodyClose = core.ops.op_cache_body_close;

const KEY = Symbol("edged.cache");
const MAX_CACHE_NAME = 1024;
const textDecoder = new TextDecoder("utf-8", { ignoreBOM: true });

function toRequest(input, prefix) {
  if (priv.isRequest(input)) return input;
  try {
    return new priv.Request(input);
  } catch (e) {
    throw new TypeError(`${prefix}: Invalid URL. Cache API keys must be fully-qualified, valid URLs.`);
  }
}

function ignoreMethod(options) {
  return options !== undefined && options !== null && typeof options === "object" && !!options.ignoreMethod;
}

function cacheKey(name, url) {
  return `${name === null ? "" : "n:" + name}\0${url}`;
}

// A cached body too large to answer in one buffer, read chunk by chunk from its file.
function streamedBody(handle) {
  const read = () => core.opAsync(opBodyRead, handle);
  const cancel = () => core.opSync(opBodyClose, handle);
  if (typeof priv.newChunkSource === "function") return priv.newChunkSource(read, cancel);
  // Older fetch halves have no chunk sources: read the whole body before answering.
  return null;
}

async function readAllChunks(handle) {
  const chunks = [];
  let total = 0;
  for (;;) {
    const c = await core.opAsync(opBodyRead, handle);
    if (c === null) break;
    chunks.push(c);
    total += c.length;
  }
  const out = new Uint8Array(total);
  let off = 0;
  for (const c of chunks) { out.set(c, off); off += c.length; }
  return out;
}

const statusTexts = {
  200: "OK", 203: "Non-Authoritative Information", 204: "No Content", 206: "Partial Content",
  300: "Multiple Choices", 301: "Moved Permanently", 302: "Found", 304: "Not Modified",
  307: "Temporary Redirect", 308: "Permanent Redirect", 404: "Not Found", 405: "Method Not Allowed",
  410: "Gone", 414: "URI Too Long", 416: "Range Not Satisfiable", 501: "Not Implemented",
};

// op_cache_match's answer → a Response with immutable headers, as Workers gives.
async function toResponse(out) {
  const v = new DataView(out.buffer, out.byteOffset, out.byteLength);
  const status = v.getUint16(0, true);
  let p = 2, n = 0, mul = 1, c;
  do { c = out[p++]; n += (c & 0x7f) * mul; mul *= 128; } while (c >= 0x80);
  const packed = textDecoder.decode(out.subarray(p, p + n));
  p += n;
  const kind = out[p++];
  let body = null, source = null;
  if (kind === 1) body = out.subarray(p);
  else if (kind === 2) {
    const handle = v.getFloat64(p, true);
    source = streamedBody(handle);
    if (source === null) body = await readAllChunks(handle);
  }
  const init = { status, statusText: statusTexts[status] || "" };
  const resp = new priv.Response(body, init);
  if (source !== null) priv.responseBody(resp).source = source;
  const h = resp.headers;
  if (packed !== "") {
    const parts = packed.split("\0");
    for (let i = 0; i + 1 < parts.length; i += 2) priv.headersAppendRaw(h, parts[i], parts[i + 1]);
  }
  priv.headersGuard(h, "immutable");
  return resp;
}

class Cache {
  #name; // null for caches.default
  constructor(key, name) {
    if (key !== KEY) throw webidl.illegalConstructor();
    this.#name = name;
  }

  static #check(c) {
    if (!(webidl.isObject(c) && #name in c)) throw webidl.illegalInvocation();
  }

  async match(request, options = undefined) {
    Cache.#check(this);
    const prefix = webidl.methodPrefix("Cache", "match");
    webidl.requiredArguments(arguments.length, 1, prefix);
    const req = toRequest(request, prefix);
    if (!ignoreMethod(options) && req.method !== "GET") return undefined;
    const out = await core.opAsync(opMatch, cacheKey(this.#name, req.url), priv.headersPacked(req.headers));
    if (out === null) return undefined;
    return toResponse(out);
  }

  async put(request, response) {
    Cache.#check(this);
    const prefix = webidl.methodPrefix("Cache", "put");
    webidl.requiredArguments(arguments.length, 2, prefix);
    if (!priv.isResponse(response)) throw new TypeError(`${prefix}: parameter 2 is not of type 'Response'.`);
    if (priv.responseIsError(response)) throw new TypeError("Cache is unable to store an error response");
    const req = toRequest(request, prefix);
    if (req.method !== "GET") throw new TypeError("Cannot cache response to non-GET request.");
    const status = priv.responseStatus(response);
    if (status === 206) throw new TypeError("Cannot cache response to a range request (206 Partial Content).");
    const vary = response.headers.get("vary");
    if (vary !== null && vary.includes("*")) throw new TypeError("Cannot cache response with 'Vary: *' header.");
    // Workers drops 304s silently, without reading the body.
    if (status === 304) return undefined;
    const state = priv.responseBody(response);
    if (priv.bodyUnusable(state)) {
      throw new TypeError("Body has already been used. It can only be used once. Use tee() first if you need to read it twice.");
    }
    // The body is used as soon as put() returns, as on Workers.
    let body = priv.bodyForSend(state);
    state.disturbed = state.source !== null;
    if (body !== null && typeof body === "object" && typeof body.then === "function") body = await body;
    await core.opAsync(opPut, cacheKey(this.#name, req.url), priv.headersPacked(req.headers),
      `${status}\n${priv.responsePackedHeaders(response)}`, body);
    return undefined;
  }

  async delete(request, options = undefined) {
    Cache.#check(this);
    const prefix = webidl.methodPrefix("Cache", "delete");
    webidl.requiredArguments(arguments.length, 1, prefix);
    const req = toRequest(request, prefix);
    if (!ignoreMethod(options) && req.method !== "GET") return false;
    return core.opAsync(opDelete, cacheKey(this.#name, req.url));
  }

  add() {
    throw new Error("Failed to execute 'add' on 'Cache': the method is not implemented.");
  }

  addAll() {
    throw new Error("Failed to execute 'addAll' on 'Cache': the method is not implemented.");
  }
}
webidl.configureInterface(Cache);

class CacheStorage {
  #default;
  constructor(key) {
    if (key !== KEY) throw webidl.illegalConstructor();
    this.#default = new Cache(KEY, null);
  }

  get default() {
    if (!(webidl.isObject(this) && #default in this)) throw webidl.illegalInvocation();
    return this.#default;
  }

  async open(cacheName) {
    if (!(webidl.isObject(this) && #default in this)) throw webidl.illegalInvocation();
    const prefix = webidl.methodPrefix("CacheStorage", "open");
    webidl.requiredArguments(arguments.length, 1, prefix);
    const name = webidl.converters.USVString(cacheName, prefix, "Argument 1");
    if (priv.utf8Encode(name).length >= MAX_CACHE_NAME) throw new TypeError("Cache name is too long.");
    return new Cache(KEY, name);
  }
}
webidl.configureInterface(CacheStorage);

const caches = new CacheStorage(KEY);
core.defineGlobal("Cache", Cache);
core.defineGlobal("CacheStorage", CacheStorage);
core.defineGlobalGetter("caches", () => caches);
priv.caches = caches;
