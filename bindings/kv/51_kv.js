// KV: env.<binding> for each kv_namespaces entry, the Workers KV API over the Go half
// in bindings/kv (ops.go). Key checks the Workers runtime makes itself happen here,
// with its messages (TypeError for empty, "." and ".." keys; "KV <OP> failed: 414 ..."
// for long ones); the limits the KV service enforces (value and metadata size, TTLs,
// list limits) come back from Go as "KV <OP> failed: <status> <message>".

const opGet = core.ops.op_kv_get;
const opGetBulk = core.ops.op_kv_get_bulk;
const opPut = core.ops.op_kv_put;
const opDelete = core.ops.op_kv_delete;
const opList = core.ops.op_kv_list;

const KEY = Symbol("edged.kv");
const MAX_KEY = 512;
const MIN_CACHE_TTL = 30;
const TYPES_MESSAGE = 'Unknown response type. Possible types are "text", "arrayBuffer", "json", and "stream".';
const PUT_TYPES_MESSAGE = "KV put() accepts only strings, ArrayBuffers, ArrayBufferViews, and ReadableStreams as values.";

const textDecoder = new TextDecoder("utf-8", { ignoreBOM: true });

function utf8Length(s) {
  let n = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) continue;
    if (c < 0x800) n += 1;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) { n += 2; i++; }
    else n += 2;
  }
  return n;
}

function kvError(method, status, message) {
  return new Error(`KV ${method} failed: ${status} ${message}`);
}

// The checks workerd makes before a request reaches KV.
function checkKey(method, key) {
  if (key === "") throw new TypeError("Key name cannot be empty.");
  if (key === ".") throw new TypeError('"." is not allowed as a key name.');
  if (key === "..") throw new TypeError('".." is not allowed as a key name.');
  const n = utf8Length(key);
  if (n > MAX_KEY) throw kvError(method, 414, `UTF-8 encoded length of ${n} exceeds key length limit of ${MAX_KEY}.`);
}

// get()'s second argument: a type string or {type, cacheTtl}.
function getOptions(method, options) {
  let type = "text";
  if (typeof options === "string") {
    type = options;
  } else if (options !== undefined && options !== null) {
    if (typeof options !== "object") type = String(options);
    else {
      if (options.type !== undefined) type = String(options.type);
      if (options.cacheTtl !== undefined) {
        // Accepted and checked as KV does; one node has no edge cache to keep it in.
        const ttl = Number(options.cacheTtl);
        if (Number.isNaN(ttl) || ttl < MIN_CACHE_TTL) {
          throw kvError(method, 400, `Invalid cache_ttl of ${options.cacheTtl}. Cache TTL must be at least ${MIN_CACHE_TTL}.`);
        }
      }
    }
  }
  return type;
}

const Reader = priv.WireReader; // bindings/storage/49_wire.js

// entry bytes → {value (Uint8Array), metadata (JSON text or null), expiration}
function readEntry(r, end) {
  const hasMeta = r.u8() === 1;
  const expiration = r.f64();
  const meta = r.str();
  return { value: r.b.subarray(r.p, end), metadata: hasMeta ? meta : null, expiration };
}

function convert(bytes, type) {
  switch (type) {
    case "text": return textDecoder.decode(bytes);
    case "json": return JSON.parse(textDecoder.decode(bytes));
    case "arrayBuffer": return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
    case "stream": return new priv.Response(bytes).body;
  }
  throw new TypeError(TYPES_MESSAGE);
}

function parseMeta(text) {
  return text === null ? null : JSON.parse(text);
}

function encodeKeys(keys) {
  const parts = keys.map((k) => priv.utf8Encode(k));
  let n = 10;
  for (const p of parts) n += p.length + 5;
  const out = new Uint8Array(n);
  let pos = 0;
  const uvarint = (x) => {
    while (x >= 0x80) { out[pos++] = (x % 128) | 0x80; x = Math.floor(x / 128); }
    out[pos++] = x;
  };
  uvarint(parts.length);
  for (const p of parts) {
    uvarint(p.length);
    out.set(p, pos);
    pos += p.length;
  }
  return out.subarray(0, pos);
}

async function getBulk(name, keys, options, withMetadata) {
  const method = "GET_BULK";
  const type = getOptions(method, options);
  if (type !== "text" && type !== "json") {
    throw kvError(method, 400, `"${type}" is not a valid type. Use "json" or "text"`);
  }
  const out = await core.opAsync(opGetBulk, name, encodeKeys(keys), withMetadata);
  const r = new Reader(out);
  const n = r.uvarint();
  const map = new Map();
  for (let i = 0; i < n; i++) {
    if (r.u8() === 0) {
      map.set(keys[i], null);
      continue;
    }
    const len = r.uvarint();
    const end = r.p + len;
    const e = readEntry(r, end);
    r.p = end;
    let value;
    try {
      value = convert(e.value, type);
    } catch {
      throw kvError(method, 400, `At least one of the requested keys corresponds to a non-${type} value`);
    }
    map.set(keys[i], withMetadata ? { value, metadata: parseMeta(e.metadata) } : value);
  }
  return map;
}

// Reads a whole ReadableStream: the streams binding's reader when it is one of its
// streams, else any getReader()-shaped stream (the fetch body stream).
async function readStream(stream) {
  if (typeof priv.readAllBytes === "function" && typeof priv.isReadableStream === "function" && priv.isReadableStream(stream)) {
    return priv.readAllBytes(stream);
  }
  const reader = stream.getReader();
  const chunks = [];
  let total = 0;
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      if (!ArrayBuffer.isView(value)) throw new TypeError("KV put(): the ReadableStream must yield ArrayBufferView chunks.");
      const c = new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
      chunks.push(c.slice());
      total += c.length;
    }
  } finally {
    reader.releaseLock();
  }
  const bytes = new Uint8Array(total);
  let off = 0;
  for (const c of chunks) { bytes.set(c, off); off += c.length; }
  return bytes;
}

function isStream(v) {
  return typeof v.getReader === "function" && Object.prototype.toString.call(v) === "[object ReadableStream]";
}

function putOptions(options) {
  let exp = "", ttl = "", meta = null;
  if (options !== undefined && options !== null) {
    if (typeof options !== "object") throw new TypeError("Failed to execute 'put' on 'KvNamespace': parameter 3 is not of type 'KVNamespacePutOptions'.");
    if (options.expiration !== undefined && options.expiration !== null) exp = String(Math.floor(Number(options.expiration)));
    if (options.expirationTtl !== undefined && options.expirationTtl !== null) ttl = String(Math.floor(Number(options.expirationTtl)));
    if (options.metadata !== undefined && options.metadata !== null) {
      meta = JSON.stringify(options.metadata);
      if (meta === undefined) meta = null;
    }
  }
  return meta === null ? `${exp}\0${ttl}` : `${exp}\0${ttl}\0${meta}`;
}

class KVNamespace {
  #name;
  constructor(key, name) {
    if (key !== KEY) throw new TypeError("Illegal constructor");
    this.#name = name;
  }

  async get(key, options = undefined) {
    if (Array.isArray(key)) return getBulk(this.#name, key.map(String), options, false);
    key = String(key);
    checkKey("GET", key);
    const type = getOptions("GET", options);
    const out = await core.opAsync(opGet, this.#name, key, false);
    if (out === null) return null;
    const r = new Reader(out);
    return convert(readEntry(r, out.length).value, type);
  }

  async getWithMetadata(key, options = undefined) {
    if (Array.isArray(key)) return getBulk(this.#name, key.map(String), options, true);
    key = String(key);
    checkKey("GET", key);
    const type = getOptions("GET", options);
    const out = await core.opAsync(opGet, this.#name, key, true);
    if (out === null) return { value: null, metadata: null, cacheStatus: null };
    const e = readEntry(new Reader(out), out.length);
    return { value: convert(e.value, type), metadata: parseMeta(e.metadata), cacheStatus: null };
  }

  async put(key, value, options = undefined) {
    key = String(key);
    checkKey("PUT", key);
    let body;
    if (typeof value === "string") {
      body = value;
    } else if (value !== null && (typeof value === "object" || typeof value === "function")) {
      if (value instanceof ArrayBuffer) body = new Uint8Array(value);
      else if (ArrayBuffer.isView(value)) body = new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
      else if (isStream(value)) body = await readStream(value);
      else throw new TypeError(PUT_TYPES_MESSAGE);
    } else {
      body = String(value);
    }
    await core.opAsync(opPut, this.#name, key, body, putOptions(options));
  }

  async delete(key) {
    key = String(key);
    checkKey("DELETE", key);
    await core.opAsync(opDelete, this.#name, key);
  }

  async list(options = undefined) {
    let prefix = "", limit = 0, cursor = "";
    if (options !== undefined && options !== null) {
      if (typeof options !== "object") throw new TypeError("Failed to execute 'list' on 'KvNamespace': parameter 1 is not of type 'KVNamespaceListOptions'.");
      if (options.prefix !== undefined && options.prefix !== null) prefix = String(options.prefix);
      if (options.limit !== undefined) {
        const l = Math.trunc(Number(options.limit));
        if (l > 0) limit = l;
      }
      if (options.cursor !== undefined && options.cursor !== null) cursor = String(options.cursor);
    }
    const n = utf8Length(prefix);
    if (n > MAX_KEY) throw kvError("GET", 414, `UTF-8 encoded length of ${n} exceeds key length limit of ${MAX_KEY}.`);
    const out = await core.opAsync(opList, this.#name, prefix, limit, cursor);
    const r = new Reader(out);
    const complete = r.u8() === 1;
    const next = r.str();
    const count = r.uvarint();
    const keys = new Array(count);
    for (let i = 0; i < count; i++) {
      const k = { name: r.str() };
      const exp = r.f64();
      if (exp !== 0) k.expiration = exp;
      if (r.u8() === 1) k.metadata = JSON.parse(r.str());
      keys[i] = k;
    }
    return complete
      ? { keys, list_complete: true, cacheStatus: null }
      : { keys, list_complete: false, cursor: next, cacheStatus: null };
  }
}
Object.defineProperty(KVNamespace.prototype, Symbol.toStringTag, { value: "KvNamespace", configurable: true });

priv.KVNamespace = KVNamespace;

// env: {"$binding": {"type": "kv", "name": "KV"}} → a KVNamespace.
priv.envBuilders.push(function buildKV(env) {
  for (const k of Object.keys(env)) {
    const v = env[k];
    if (v !== null && typeof v === "object" && v.$binding !== undefined && v.$binding !== null && v.$binding.type === "kv") {
      env[k] = new KVNamespace(KEY, String(v.$binding.name));
    }
  }
});
