// Blob and File (W3C File API).
//
// A blob is immutable: its bytes are a list of Uint8Array parts that nobody writes
// to after construction, so slices and blobs made of other blobs share parts instead
// of copying them. Internal helpers for the body mixin and FormData:
//   priv.isBlob(v), priv.isFile(v)
//   priv.blobBytes(blob)          → one Uint8Array with all the bytes (may be shared; do not write)
//   priv.blobParts(blob)          → the parts (do not write)
//   priv.blobType(blob)
//   priv.newBlob(parts, type)     → a Blob over parts (owned by the blob from now on)
//   priv.newFile(parts, name, type, lastModified)
//   priv.fileName(file)

const webidl = priv.webidl;
const { converters, configureInterface } = webidl;

const EMPTY = new Uint8Array(0);
const STREAM_CHUNK = 64 << 10;

// "long long" with [Clamp]: WebIDL clamps to the 64-bit range and rounds half to even.
// Values beyond ±2^53 cannot be told apart in a double anyway.
function clampLongLong(v, prefix, context) {
  let x = typeof v === "number" ? v : Number(typeof v === "bigint" || typeof v === "symbol" ? webidl.typeError(prefix, context, "cannot be converted to a number.") : v);
  if (Number.isNaN(x)) return 0;
  if (x === Infinity) return Number.MAX_SAFE_INTEGER;
  if (x === -Infinity) return Number.MIN_SAFE_INTEGER;
  const f = Math.floor(x);
  const d = x - f;
  x = d > 0.5 ? f + 1 : d < 0.5 ? f : (f % 2 === 0 ? f : f + 1);
  return x === 0 ? 0 : x;
}

function toNumberStrict(v, prefix, context) {
  if (typeof v === "number") return v;
  if (typeof v === "bigint" || typeof v === "symbol") throw webidl.typeError(prefix, context, "cannot be converted to a number.");
  return Number(v);
}

// A type is kept only when every code unit is printable ASCII; then it is lower-cased.
function normalizeType(t) {
  for (let i = 0; i < t.length; i++) {
    const c = t.charCodeAt(i);
    if (c < 0x20 || c > 0x7e) return "";
  }
  return t.toLowerCase();
}

function convertLineEndings(s) {
  // "native" on a POSIX host: CRLF and lone CR become LF.
  return s.indexOf("\r") < 0 ? s : s.replace(/\r\n?/g, "\n");
}

function viewBytes(v) {
  if (v instanceof ArrayBuffer) return new Uint8Array(v.slice(0));
  if (typeof SharedArrayBuffer === "function" && v instanceof SharedArrayBuffer) {
    return new Uint8Array(new Uint8Array(v));
  }
  return new Uint8Array(v.buffer.slice(v.byteOffset, v.byteOffset + v.byteLength));
}

// Converts one BlobPart (Blob, BufferSource or USVString). Strings stay strings
// until the options are known (line endings apply to them only).
function pushPart(out, part, prefix) {
  if (webidl.isObject(part)) {
    const parts = blobPartsOf(part);
    if (parts !== undefined) {
      for (let i = 0; i < parts.length; i++) out.push(parts[i]);
      return;
    }
    if (part instanceof ArrayBuffer || ArrayBuffer.isView(part) ||
        (typeof SharedArrayBuffer === "function" && part instanceof SharedArrayBuffer)) {
      const b = viewBytes(part);
      if (b.length > 0) out.push(b);
      return;
    }
  }
  const s = converters.USVString(part, prefix, "blobParts element");
  if (s.length > 0) out.push(s);
}

// sequence<BlobPart>: each element is converted as soon as it is read, as WebIDL's
// iteration order requires (the tests watch getters and toString calls interleave).
function convertParts(v, prefix) {
  const out = [];
  if (v === undefined) return out;
  if (!webidl.isObject(v)) throw new TypeError(`${prefix}: The provided value cannot be converted to a sequence.`);
  const method = v[Symbol.iterator];
  if (typeof method !== "function") throw new TypeError(`${prefix}: The object must have a callable @@iterator property.`);
  const it = method.call(v);
  if (!webidl.isObject(it)) throw new TypeError(`${prefix}: The iterator is not an object.`);
  const next = it.next;
  for (;;) {
    const r = next.call(it);
    if (!webidl.isObject(r)) throw new TypeError(`${prefix}: The iterator result is not an object.`);
    if (r.done) break;
    pushPart(out, r.value, prefix);
  }
  return out;
}

// Encodes the string parts (with "native" line endings when asked) and merges
// neighbouring strings so that "a", "b" becomes one part.
function finishParts(raw, native) {
  const out = [];
  let text = "";
  for (let i = 0; i < raw.length; i++) {
    const p = raw[i];
    if (typeof p === "string") {
      text += p;
      continue;
    }
    if (text !== "") {
      out.push(priv.utf8Encode(native ? convertLineEndings(text) : text));
      text = "";
    }
    out.push(p);
  }
  if (text !== "") out.push(priv.utf8Encode(native ? convertLineEndings(text) : text));
  return out;
}

// BlobPropertyBag members, read in lexicographic order: endings, then type.
function checkBag(options, prefix) {
  if (options !== undefined && options !== null && !webidl.isObject(options)) {
    throw new TypeError(`${prefix}: The provided value is not of type 'BlobPropertyBag'.`);
  }
  return options;
}

function readEndings(options, prefix) {
  if (options === undefined || options === null) return false;
  const e = options.endings;
  if (e === undefined) return false;
  const s = converters.DOMString(e, prefix, "endings");
  if (s !== "transparent" && s !== "native") {
    throw new TypeError(`${prefix}: Failed to read the 'endings' property from 'BlobPropertyBag': The provided value '${s}' is not a valid enum value of type EndingType.`);
  }
  return s === "native";
}

function readType(options, prefix) {
  if (options === undefined || options === null) return "";
  const t = options.type;
  if (t === undefined) return "";
  return normalizeType(converters.DOMString(t, prefix, "type"));
}

function sumSize(parts) {
  let n = 0;
  for (let i = 0; i < parts.length; i++) n += parts[i].length;
  return n;
}

function concatParts(parts, size) {
  if (parts.length === 0) return EMPTY;
  if (parts.length === 1) return parts[0];
  const out = new Uint8Array(size);
  let off = 0;
  for (let i = 0; i < parts.length; i++) {
    out.set(parts[i], off);
    off += parts[i].length;
  }
  return out;
}

let blobPartsOf; // (v) → parts, or undefined when v is not a Blob; set in the static block
const INTERNAL = Symbol("edged.blob.internal");
let internalArgs = null;

class Blob {
  #parts;
  #size;
  #type;

  constructor(blobParts = undefined, options = undefined) {
    if (blobParts === INTERNAL) {
      const a = internalArgs;
      internalArgs = null;
      this.#parts = a.parts;
      this.#size = a.size;
      this.#type = a.type;
      return;
    }
    const prefix = webidl.ctorPrefix("Blob");
    // WebIDL converts arguments left to right: the parts first, then the bag's
    // members (endings, then type); line endings apply to the string parts after.
    const raw = convertParts(blobParts, prefix);
    const bag = checkBag(options, prefix);
    const native = readEndings(bag, prefix);
    const type = readType(bag, prefix);
    const parts = finishParts(raw, native);
    this.#parts = parts;
    this.#size = sumSize(parts);
    this.#type = type;
  }

  static #check(b) {
    if (!(webidl.isObject(b) && #parts in b)) throw webidl.illegalInvocation();
  }

  get size() { Blob.#check(this); return this.#size; }
  get type() { Blob.#check(this); return this.#type; }

  slice(start = undefined, end = undefined, contentType = undefined) {
    Blob.#check(this);
    const prefix = webidl.methodPrefix("Blob", "slice");
    const size = this.#size;
    let from = 0, to = size;
    if (start !== undefined) {
      const s = clampLongLong(toNumberStrict(start, prefix, "start"), prefix, "start");
      from = s < 0 ? Math.max(size + s, 0) : Math.min(s, size);
    }
    if (end !== undefined) {
      const e = clampLongLong(toNumberStrict(end, prefix, "end"), prefix, "end");
      to = e < 0 ? Math.max(size + e, 0) : Math.min(e, size);
    }
    let type = "";
    if (contentType !== undefined) type = normalizeType(converters.DOMString(contentType, prefix, "contentType"));
    const span = Math.max(to - from, 0);
    const out = [];
    if (span > 0) {
      let pos = 0;
      const parts = this.#parts;
      for (let i = 0; i < parts.length && pos < from + span; i++) {
        const p = parts[i];
        const pEnd = pos + p.length;
        if (pEnd > from) {
          const a = Math.max(from - pos, 0);
          const b = Math.min(from + span - pos, p.length);
          out.push(a === 0 && b === p.length ? p : p.subarray(a, b));
        }
        pos = pEnd;
      }
    }
    return makeBlob(out, span, type);
  }

  stream() {
    Blob.#check(this);
    return blobStream(this.#parts);
  }

  text() {
    try { Blob.#check(this); } catch (e) { return Promise.reject(e); }
    return Promise.resolve(priv.utf8Decode(concatParts(this.#parts, this.#size)));
  }

  arrayBuffer() {
    try { Blob.#check(this); } catch (e) { return Promise.reject(e); }
    const b = concatParts(this.#parts, this.#size);
    return Promise.resolve(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
  }

  bytes() {
    try { Blob.#check(this); } catch (e) { return Promise.reject(e); }
    return Promise.resolve(concatParts(this.#parts, this.#size).slice());
  }

  static {
    blobPartsOf = (v) => (#parts in v ? v.#parts : undefined);
    priv.isBlob = (v) => webidl.isObject(v) && #parts in v;
    priv.blobParts = (b) => b.#parts;
    priv.blobType = (b) => b.#type;
    priv.blobSize = (b) => b.#size;
    priv.blobBytes = (b) => {
      if (b.#parts.length > 1) {
        // Join once and keep the result: later reads and slices share it.
        b.#parts = [concatParts(b.#parts, b.#size)];
      }
      return b.#parts.length === 0 ? EMPTY : b.#parts[0];
    };
  }
}

function makeBlob(parts, size, type) {
  internalArgs = { parts, size, type };
  return new Blob(INTERNAL);
}

function blobStream(parts) {
  let i = 0, off = 0;
  return priv.newReadableByteStream(() => {
    while (i < parts.length && off >= parts[i].length) { i++; off = 0; }
    if (i >= parts.length) return Promise.resolve(null);
    const p = parts[i];
    const n = Math.min(p.length - off, STREAM_CHUNK);
    // A copy: the reader owns its chunks and the blob's parts stay intact.
    const chunk = p.slice(off, off + n);
    off += n;
    return Promise.resolve(chunk);
  });
}

configureInterface(Blob);
core.defineGlobal("Blob", Blob);
priv.Blob = Blob;
priv.newBlob = (parts, type) => makeBlob(parts, sumSize(parts), type);

// ---------------------------------------------------------------------------------
// File

// "long long" without [Clamp] or [EnforceRange]: truncate, wrap modulo 2^64.
function toLongLong(v, prefix, context) {
  const x = toNumberStrict(v, prefix, context);
  if (!Number.isFinite(x) || x === 0) return 0;
  let r = Math.trunc(x);
  if (r >= -(2 ** 63) && r < 2 ** 63) return r === 0 ? 0 : r;
  r = r % 2 ** 64;
  if (r < 0) r += 2 ** 64;
  if (r >= 2 ** 63) r -= 2 ** 64;
  return r;
}

class File extends Blob {
  #name;
  #lastModified;

  constructor(fileBits, fileName, options = undefined) {
    const prefix = webidl.ctorPrefix("File");
    if (fileBits === INTERNAL) {
      const a = internalArgs;
      super(INTERNAL);
      this.#name = a.name;
      this.#lastModified = a.lastModified;
      return;
    }
    webidl.requiredArguments(arguments.length, 2, prefix);
    const raw = convertParts(fileBits, prefix);
    const name = converters.USVString(fileName, prefix, "Argument 2");
    const bag = checkBag(options, prefix);
    // FilePropertyBag members in lexicographic order: endings, lastModified, type.
    const native = readEndings(bag, prefix);
    let lastModified;
    if (bag !== undefined && bag !== null && bag.lastModified !== undefined) {
      lastModified = toLongLong(bag.lastModified, prefix, "lastModified");
    } else {
      lastModified = Date.now();
    }
    const type = readType(bag, prefix);
    const parts = finishParts(raw, native);
    internalArgs = { parts, size: sumSize(parts), type };
    super(INTERNAL);
    this.#name = name;
    this.#lastModified = lastModified;
  }

  static #check(f) {
    if (!(webidl.isObject(f) && #name in f)) throw webidl.illegalInvocation();
  }

  get name() { File.#check(this); return this.#name; }
  get lastModified() { File.#check(this); return this.#lastModified; }
  get webkitRelativePath() { File.#check(this); return ""; }

  static {
    priv.isFile = (v) => webidl.isObject(v) && #name in v;
    priv.fileName = (f) => f.#name;
    priv.newFile = (parts, name, type, lastModified) => {
      internalArgs = { parts, size: sumSize(parts), type, name, lastModified: lastModified === undefined ? Date.now() : lastModified };
      return new File(INTERNAL);
    };
    priv.fileLastModified = (f) => f.#lastModified;
  }
}

configureInterface(File);
core.defineGlobal("File", File);
priv.File = File;

// Blob and File are [Serializable]: a copy shares the (immutable) bytes, and keeps
// the type, and a File's name and lastModified. A subclass instance comes back as a
// Blob or a File.
priv.registerSerializable(priv.isBlob, (b) => {
  const parts = priv.blobParts(b).slice();
  const type = priv.blobType(b);
  if (priv.isFile(b)) return priv.newFile(parts, priv.fileName(b), type, priv.fileLastModified(b));
  return makeBlob(parts, priv.blobSize(b), type);
});

for (const [cls, name] of [[Blob, "Blob"], [File, "File"]]) {
  Object.defineProperty(cls.prototype, Symbol.for("nodejs.util.inspect.custom"), {
    value: function inspectBlob(depth, options) {
      const shown = name === "File"
        ? { name: this.name, size: this.size, type: this.type, lastModified: this.lastModified }
        : { size: this.size, type: this.type };
      return `${name} ${priv.inspect(shown, options)}`;
    },
    configurable: true,
  });
}
