// node:buffer for nodejs_compat, written from Node's documented behaviour.
// Buffer is a Uint8Array subclass; slice() shares memory as subarray() does.

const kMaxLength = 2 ** 32;
const kStringMaxLength = 2 ** 29 - 24;
const INSPECT_MAX_BYTES = 50;
const customInspect = Symbol.for("nodejs.util.inspect.custom");

function codedError(Ctor, code, message) {
  const e = new Ctor(message);
  e.code = code;
  return e;
}

function typeName(v) {
  if (v === null) return "null";
  if (typeof v === "object" || typeof v === "function") return v.constructor ? "an instance of " + v.constructor.name : "an object";
  return "type " + typeof v + " (" + String(v) + ")";
}

function argType(name, expected, v) {
  return codedError(TypeError, "ERR_INVALID_ARG_TYPE",
    `The "${name}" argument must be ${expected}. Received ${typeName(v)}`);
}

function outOfRange(name, range, v) {
  return codedError(RangeError, "ERR_OUT_OF_RANGE",
    `The value of "${name}" is out of range. It must be ${range}. Received ${typeof v === "bigint" ? v + "n" : v}`);
}

// --- encodings ---

function normEncoding(enc) {
  if (enc === undefined || enc === null || enc === "") return "utf8";
  switch (String(enc).toLowerCase()) {
    case "utf8": case "utf-8": return "utf8";
    case "hex": return "hex";
    case "base64": return "base64";
    case "base64url": return "base64url";
    case "latin1": case "binary": return "latin1";
    case "ascii": return "ascii";
    case "ucs2": case "ucs-2": case "utf16le": case "utf-16le": return "utf16le";
    default: return undefined;
  }
}

function checkEncoding(enc) {
  const n = normEncoding(enc);
  if (n === undefined) throw codedError(TypeError, "ERR_UNKNOWN_ENCODING", "Unknown encoding: " + enc);
  return n;
}

const encoder = new TextEncoder();
const utf8Decoder = new TextDecoder("utf-8");

function utf8Length(s) {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) { n += 4; i++; } else n += 3;
    } else n += 3;
  }
  return n;
}

const B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const B64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
// Decoding accepts both alphabets, as Node does; other characters are skipped.
const b64Value = new Int8Array(128).fill(-1);
for (let i = 0; i < 64; i++) {
  b64Value[B64.charCodeAt(i)] = i;
  b64Value[B64URL.charCodeAt(i)] = i;
}

function base64Encode(bytes, alphabet, pad) {
  let out = "";
  const n = bytes.length;
  let i = 0;
  for (; i + 2 < n; i += 3) {
    const v = (bytes[i] << 16) | (bytes[i + 1] << 8) | bytes[i + 2];
    out += alphabet[v >> 18] + alphabet[(v >> 12) & 63] + alphabet[(v >> 6) & 63] + alphabet[v & 63];
  }
  if (n - i === 1) {
    const v = bytes[i] << 16;
    out += alphabet[v >> 18] + alphabet[(v >> 12) & 63] + (pad ? "==" : "");
  } else if (n - i === 2) {
    const v = (bytes[i] << 16) | (bytes[i + 1] << 8);
    out += alphabet[v >> 18] + alphabet[(v >> 12) & 63] + alphabet[(v >> 6) & 63] + (pad ? "=" : "");
  }
  return out;
}

// base64Decode decodes up to the first '=' and returns the bytes.
function base64Decode(s) {
  const out = new Uint8Array((s.length * 3) >> 2);
  let acc = 0, bits = 0, o = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 61) break; // '='
    const v = c < 128 ? b64Value[c] : -1;
    if (v < 0) continue;
    acc = (acc << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (acc >> bits) & 0xff;
    }
  }
  return out.subarray(0, o);
}

function base64Length(s) {
  let n = s.length;
  while (n > 0 && s.charCodeAt(n - 1) === 61) n--;
  return (n * 3) >>> 2;
}

const hexChars = "0123456789abcdef";
function hexValue(c) {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}

// hexDecode stops at the first pair that is not two hex digits, as Node does.
function hexDecode(s) {
  const out = new Uint8Array(s.length >>> 1);
  let o = 0;
  for (let i = 0; i + 1 < s.length; i += 2) {
    const hi = hexValue(s.charCodeAt(i)), lo = hexValue(s.charCodeAt(i + 1));
    if (hi < 0 || lo < 0) break;
    out[o++] = (hi << 4) | lo;
  }
  return out.subarray(0, o);
}

function latin1Encode(s) {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i) & 0xff;
  return out;
}

function utf16Encode(s) {
  const out = new Uint8Array(s.length * 2);
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    out[2 * i] = c & 0xff;
    out[2 * i + 1] = c >> 8;
  }
  return out;
}

function bytesToString(bytes, mask) {
  let out = "";
  for (let i = 0; i < bytes.length; i += 4096) {
    const chunk = bytes.subarray(i, Math.min(i + 4096, bytes.length));
    out += String.fromCharCode.apply(null, mask === 0xff ? chunk : Array.from(chunk, (b) => b & mask));
  }
  return out;
}

// encode returns the bytes of string s in encoding enc (normalized).
function encode(s, enc) {
  switch (enc) {
    case "utf8": return encoder.encode(s);
    case "hex": return hexDecode(s);
    case "base64": case "base64url": return base64Decode(s);
    case "latin1": case "ascii": return latin1Encode(s);
    case "utf16le": return utf16Encode(s);
  }
}

function decode(bytes, enc) {
  switch (enc) {
    case "utf8": return utf8Decoder.decode(bytes);
    case "hex": {
      let out = "";
      for (let i = 0; i < bytes.length; i++) out += hexChars[bytes[i] >> 4] + hexChars[bytes[i] & 15];
      return out;
    }
    case "base64": return base64Encode(bytes, B64, true);
    case "base64url": return base64Encode(bytes, B64URL, false);
    case "latin1": return bytesToString(bytes, 0xff);
    case "ascii": return bytesToString(bytes, 0x7f);
    case "utf16le": {
      let out = "";
      const n = bytes.length >>> 1;
      for (let i = 0; i < n; i += 4096) {
        const codes = [];
        for (let j = i; j < Math.min(n, i + 4096); j++) codes.push(bytes[2 * j] | (bytes[2 * j + 1] << 8));
        out += String.fromCharCode.apply(null, codes);
      }
      return out;
    }
  }
}

function byteLengthOf(s, enc) {
  switch (enc) {
    case "utf8": return utf8Length(s);
    case "hex": return s.length >>> 1;
    case "base64": case "base64url": return base64Length(s);
    case "latin1": case "ascii": return s.length;
    case "utf16le": return s.length * 2;
  }
}

// --- Buffer ---

function toInteger(v, dflt) {
  if (v === undefined) return dflt;
  const n = Math.trunc(Number(v));
  return Number.isNaN(n) ? 0 : n;
}

class Buffer extends Uint8Array {
  // new Buffer(...) is deprecated in Node; it still works here like Buffer.from
  // (or Buffer.alloc for a number). Buffer(...) without new throws, as a class.
  constructor(arg, encodingOrOffset, length) {
    if (typeof arg === "string" || (typeof arg === "object" && arg !== null &&
      !(arg instanceof ArrayBuffer) && !(typeof SharedArrayBuffer !== "undefined" && arg instanceof SharedArrayBuffer))) {
      return Buffer.from(arg, encodingOrOffset, length);
    }
    super(arg, encodingOrOffset, length);
  }

  static from(value, encodingOrOffset, length) {
    if (typeof value === "string") {
      const bytes = encode(value, checkEncoding(encodingOrOffset));
      return fromBytes(bytes);
    }
    if (typeof value === "object" && value !== null) {
      if (value instanceof ArrayBuffer || (typeof SharedArrayBuffer !== "undefined" && value instanceof SharedArrayBuffer)) {
        const off = toInteger(encodingOrOffset, 0);
        if (off < 0 || off > value.byteLength) throw codedError(RangeError, "ERR_BUFFER_OUT_OF_BOUNDS", '"offset" is outside of buffer bounds');
        const len = length === undefined ? value.byteLength - off : toInteger(length, 0);
        if (len < 0 || off + len > value.byteLength) throw codedError(RangeError, "ERR_BUFFER_OUT_OF_BOUNDS", '"length" is outside of buffer bounds');
        return new Buffer(value, off, len);
      }
      if (ArrayBuffer.isView(value)) {
        if (value instanceof Uint8Array) return fromBytes(value.slice());
        // Other typed arrays: element values, as Node does for array-likes.
        return fromArrayLike(value);
      }
      const prim = typeof value[Symbol.toPrimitive] === "function" ? value[Symbol.toPrimitive]("string")
        : typeof value.valueOf === "function" ? value.valueOf() : value;
      if (prim !== value && prim !== null && prim !== undefined && (typeof prim === "string" || typeof prim === "object")) {
        return Buffer.from(prim, encodingOrOffset, length);
      }
      if (value.type === "Buffer" && Array.isArray(value.data)) return fromArrayLike(value.data);
      if (typeof value.length === "number" || Array.isArray(value)) return fromArrayLike(value);
    }
    throw argType("first argument", "of type string or an instance of Buffer, ArrayBuffer, or Array or an Array-like Object", value);
  }

  static alloc(size, fill, encoding) {
    checkSize(size);
    const b = new Buffer(size);
    if (fill !== undefined && fill !== 0 && size > 0) b.fill(fill, 0, size, encoding);
    return b;
  }

  static allocUnsafe(size) {
    checkSize(size);
    return new Buffer(size);
  }

  static allocUnsafeSlow(size) {
    checkSize(size);
    return new Buffer(size);
  }

  static isBuffer(v) {
    return v instanceof Buffer;
  }

  static isEncoding(enc) {
    return typeof enc === "string" && enc !== "" && normEncoding(enc) !== undefined;
  }

  static byteLength(value, encoding) {
    if (typeof value === "string") return byteLengthOf(value, normEncoding(encoding) || "utf8");
    if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer ||
      (typeof SharedArrayBuffer !== "undefined" && value instanceof SharedArrayBuffer)) return value.byteLength;
    throw argType("string", "of type string or an instance of Buffer or ArrayBuffer", value);
  }

  static compare(a, b) {
    if (!(a instanceof Uint8Array)) throw argType("buf1", "an instance of Buffer or Uint8Array", a);
    if (!(b instanceof Uint8Array)) throw argType("buf2", "an instance of Buffer or Uint8Array", b);
    return compareBytes(a, b);
  }

  static concat(list, totalLength) {
    if (!Array.isArray(list)) throw argType("list", "an instance of Array", list);
    if (totalLength === undefined) {
      totalLength = 0;
      for (const b of list) {
        if (!(b instanceof Uint8Array)) throw argType("list[" + list.indexOf(b) + "]", "an instance of Buffer or Uint8Array", b);
        totalLength += b.length;
      }
    }
    const out = Buffer.alloc(totalLength);
    let pos = 0;
    for (const b of list) {
      if (!(b instanceof Uint8Array)) throw argType("list", "an instance of Buffer or Uint8Array", b);
      if (pos >= totalLength) break;
      const n = Math.min(b.length, totalLength - pos);
      out.set(n === b.length ? b : b.subarray(0, n), pos);
      pos += n;
    }
    return out;
  }

  static copyBytesFrom(view, offset = 0, length) {
    if (!ArrayBuffer.isView(view) || view instanceof DataView) throw argType("view", "an instance of TypedArray", view);
    const size = view.BYTES_PER_ELEMENT;
    const end = length === undefined ? view.length : Math.min(view.length, offset + length);
    const start = Math.min(offset, view.length);
    return fromBytes(new Uint8Array(view.buffer, view.byteOffset + start * size, Math.max(0, end - start) * size).slice());
  }

  get parent() { return this.buffer; }
  get offset() { return this.byteOffset; }

  toString(encoding, start, end) {
    if (arguments.length === 0) return utf8Decoder.decode(this);
    const enc = checkEncoding(encoding);
    start = Math.max(0, toInteger(start, 0));
    end = end === undefined ? this.length : Math.min(this.length, toInteger(end, this.length));
    if (end <= start) return "";
    return decode(start === 0 && end === this.length ? this : this.subarray(start, end), enc);
  }

  toLocaleString(encoding, start, end) {
    return this.toString(encoding, start, end);
  }

  toJSON() {
    return { type: "Buffer", data: Array.from(this) };
  }

  equals(other) {
    if (!(other instanceof Uint8Array)) throw argType("otherBuffer", "an instance of Buffer or Uint8Array", other);
    return this === other || compareBytes(this, other) === 0;
  }

  compare(target, targetStart, targetEnd, sourceStart, sourceEnd) {
    if (!(target instanceof Uint8Array)) throw argType("target", "an instance of Buffer or Uint8Array", target);
    const ts = toInteger(targetStart, 0), te = toInteger(targetEnd, target.length);
    const ss = toInteger(sourceStart, 0), se = toInteger(sourceEnd, this.length);
    if (ts < 0 || te > target.length) throw outOfRange(ts < 0 ? "targetStart" : "targetEnd", `>= 0 and <= ${target.length}`, ts < 0 ? ts : te);
    if (ss < 0 || se > this.length) throw outOfRange(ss < 0 ? "sourceStart" : "sourceEnd", `>= 0 and <= ${this.length}`, ss < 0 ? ss : se);
    return compareBytes(this.subarray(ss, Math.max(ss, se)), target.subarray(ts, Math.max(ts, te)));
  }

  copy(target, targetStart, sourceStart, sourceEnd) {
    if (!(target instanceof Uint8Array)) throw argType("target", "an instance of Buffer or Uint8Array", target);
    const ts = toInteger(targetStart, 0);
    const ss = toInteger(sourceStart, 0);
    let se = toInteger(sourceEnd, this.length);
    if (ts < 0) throw outOfRange("targetStart", ">= 0", ts);
    if (ss < 0 || ss > this.length) throw outOfRange("sourceStart", `>= 0 && <= ${this.length}`, ss);
    if (se < 0) throw outOfRange("sourceEnd", ">= 0", se);
    if (ts >= target.length || ss >= se) return 0;
    se = Math.min(se, this.length, ss + (target.length - ts));
    target.set(this.subarray(ss, se), ts);
    return se - ss;
  }

  slice(start, end) {
    return this.subarray(start, end);
  }

  write(string, offset, length, encoding) {
    if (typeof string !== "string") throw argType("argument", "of type string", string);
    if (typeof offset === "string") { encoding = offset; offset = 0; length = undefined; }
    else if (typeof length === "string") { encoding = length; length = undefined; }
    const enc = checkEncoding(encoding);
    offset = toInteger(offset, 0);
    if (offset < 0 || offset > this.length) throw outOfRange("offset", `>= 0 && <= ${this.length}`, offset);
    const room = this.length - offset;
    length = length === undefined ? room : Math.min(room, Math.max(0, toInteger(length, room)));
    let bytes = encode(string, enc);
    if (bytes.length > length) {
      let n = length;
      if (enc === "utf8") {
        // Never a partial character: back up to a character boundary.
        while (n > 0 && (bytes[n] & 0xc0) === 0x80) n--;
      } else if (enc === "utf16le") {
        n -= n % 2;
      }
      bytes = bytes.subarray(0, n);
    }
    this.set(bytes, offset);
    return bytes.length;
  }

  fill(value, offset, end, encoding) {
    if (typeof offset === "string") { encoding = offset; offset = 0; end = this.length; }
    else if (typeof end === "string") { encoding = end; end = this.length; }
    offset = toInteger(offset, 0);
    end = toInteger(end, this.length);
    if (offset < 0 || offset > this.length) throw outOfRange("offset", `>= 0 && <= ${this.length}`, offset);
    if (end < 0 || end > this.length) throw outOfRange("end", `>= 0 && <= ${this.length}`, end);
    if (end <= offset) return this;
    let bytes;
    if (typeof value === "number") {
      Uint8Array.prototype.fill.call(this, value & 255, offset, end);
      return this;
    } else if (typeof value === "boolean") {
      Uint8Array.prototype.fill.call(this, Number(value), offset, end);
      return this;
    } else if (typeof value === "string") {
      const enc = checkEncoding(encoding);
      if (value.length === 1 && enc === "utf8" && value.charCodeAt(0) < 128) {
        Uint8Array.prototype.fill.call(this, value.charCodeAt(0), offset, end);
        return this;
      }
      bytes = encode(value, enc);
      if (bytes.length === 0 && value.length > 0) {
        throw codedError(TypeError, "ERR_INVALID_ARG_VALUE", `The argument 'value' is invalid. Received '${value}'`);
      }
    } else if (value instanceof Uint8Array) {
      bytes = value;
    } else if (value === undefined || value === null) {
      Uint8Array.prototype.fill.call(this, 0, offset, end);
      return this;
    } else {
      Uint8Array.prototype.fill.call(this, Number(value) & 255, offset, end);
      return this;
    }
    if (bytes.length === 0) {
      Uint8Array.prototype.fill.call(this, 0, offset, end);
      return this;
    }
    for (let i = offset; i < end; i += bytes.length) {
      const n = Math.min(bytes.length, end - i);
      this.set(n === bytes.length ? bytes : bytes.subarray(0, n), i);
    }
    return this;
  }

  indexOf(value, byteOffset, encoding) {
    return search(this, value, byteOffset, encoding, true);
  }

  lastIndexOf(value, byteOffset, encoding) {
    return search(this, value, byteOffset, encoding, false);
  }

  includes(value, byteOffset, encoding) {
    return this.indexOf(value, byteOffset, encoding) !== -1;
  }

  swap16() { return swap(this, 2); }
  swap32() { return swap(this, 4); }
  swap64() { return swap(this, 8); }

  [customInspect]() {
    let s = "";
    const n = Math.min(this.length, INSPECT_MAX_BYTES);
    for (let i = 0; i < n; i++) s += (i ? " " : "") + hexChars[this[i] >> 4] + hexChars[this[i] & 15];
    if (this.length > n) s += ` ... ${this.length - n} more byte${this.length - n > 1 ? "s" : ""}`;
    return `<${this.constructor.name} ${s}>`.replace(" >", ">");
  }
}

function checkSize(size) {
  if (typeof size !== "number") throw argType("size", "of type number", size);
  if (!(size >= 0 && size <= kMaxLength)) throw outOfRange("size", `>= 0 && <= ${kMaxLength}`, size);
}

function fromBytes(bytes) {
  return new Buffer(bytes.buffer, bytes.byteOffset, bytes.length);
}

function fromArrayLike(a) {
  const n = a.length >>> 0;
  const b = new Buffer(n);
  for (let i = 0; i < n; i++) b[i] = a[i];
  return b;
}

function compareBytes(a, b) {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    if (a[i] !== b[i]) return a[i] < b[i] ? -1 : 1;
  }
  return a.length < b.length ? -1 : a.length > b.length ? 1 : 0;
}

function swap(buf, size) {
  if (buf.length % size !== 0) {
    throw codedError(RangeError, "ERR_INVALID_BUFFER_SIZE", `Buffer size must be a multiple of ${size * 8}-bits`);
  }
  for (let i = 0; i < buf.length; i += size) {
    for (let a = i, b = i + size - 1; a < b; a++, b--) {
      const t = buf[a];
      buf[a] = buf[b];
      buf[b] = t;
    }
  }
  return buf;
}

function search(buf, value, byteOffset, encoding, forward) {
  if (typeof byteOffset === "string") { encoding = byteOffset; byteOffset = undefined; }
  let off = byteOffset === undefined || byteOffset === null ? (forward ? 0 : buf.length) : Number(byteOffset);
  if (Number.isNaN(off)) off = forward ? 0 : buf.length;
  off = Math.trunc(off);
  if (off < 0) off = buf.length + off;
  let needle;
  if (typeof value === "number") needle = [value & 255];
  else if (typeof value === "string") needle = encode(value, checkEncoding(encoding));
  else if (value instanceof Uint8Array) needle = value;
  else throw argType("value", "one of type number or string or an instance of Buffer or Uint8Array", value);
  const n = needle.length, len = buf.length;
  if (forward) {
    if (off < 0) off = 0;
    if (n === 0) return off <= len ? off : len;
    outer: for (let i = off; i + n <= len; i++) {
      for (let j = 0; j < n; j++) if (buf[i + j] !== needle[j]) continue outer;
      return i;
    }
    return -1;
  }
  if (off < 0) return -1;
  if (n === 0) return Math.min(off, len);
  outer2: for (let i = Math.min(off, len - n); i >= 0; i--) {
    for (let j = 0; j < n; j++) if (buf[i + j] !== needle[j]) continue outer2;
    return i;
  }
  return -1;
}

// --- reads and writes of numbers ---

function view(buf) {
  return new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
}

function checkOffset(buf, offset, size) {
  if (offset === undefined) offset = 0;
  if (typeof offset !== "number") throw argType("offset", "of type number", offset);
  if (!Number.isInteger(offset)) throw outOfRange("offset", "an integer", offset);
  if (offset < 0 || offset + size > buf.length) {
    if (buf.length - size < 0) throw codedError(RangeError, "ERR_BUFFER_OUT_OF_BOUNDS", "Attempt to access memory outside buffer bounds");
    throw outOfRange("offset", `>= 0 and <= ${buf.length - size}`, offset);
  }
  return offset;
}

const numberTypes = [
  // name, size, DataView getter/setter suffix, min, max
  ["UInt8", 1, "Uint8", 0, 0xff],
  ["Int8", 1, "Int8", -0x80, 0x7f],
  ["UInt16", 2, "Uint16", 0, 0xffff],
  ["Int16", 2, "Int16", -0x8000, 0x7fff],
  ["UInt32", 4, "Uint32", 0, 0xffffffff],
  ["Int32", 4, "Int32", -0x80000000, 0x7fffffff],
  ["BigUInt64", 8, "BigUint64", 0n, 2n ** 64n - 1n],
  ["BigInt64", 8, "BigInt64", -(2n ** 63n), 2n ** 63n - 1n],
  ["Float", 4, "Float32"],
  ["Double", 8, "Float64"],
];

const proto = Buffer.prototype;
function define(name, fn) {
  Object.defineProperty(proto, name, { value: fn, writable: true, configurable: true, enumerable: false });
  // Node also has lower-case "Uint" aliases (readUint8, writeBigUint64LE...).
  if (name.includes("UInt")) {
    Object.defineProperty(proto, name.replace("UInt", "Uint"), { value: fn, writable: true, configurable: true, enumerable: false });
  }
}

for (const [name, size, dv, min, max] of numberTypes) {
  const get = DataView.prototype["get" + dv], set = DataView.prototype["set" + dv];
  const big = typeof min === "bigint";
  const ends = size === 1 ? [["", false]] : [["LE", true], ["BE", false]];
  for (const [suffix, little] of ends) {
    define("read" + name + suffix, function (offset) {
      offset = checkOffset(this, offset, size);
      return get.call(view(this), offset, little);
    });
    define("write" + name + suffix, function (value, offset) {
      if (big && typeof value !== "bigint") throw argType("value", "of type bigint", value);
      if (min !== undefined && (value < min || value > max)) {
        const range = big ? `>= ${min === 0n ? "0n" : "-(2n ** 63n)"} and <= ${min === 0n ? "2n ** 64n - 1n" : "2n ** 63n - 1n"}`
          : `>= ${min} and <= ${max}`;
        throw outOfRange("value", range, value);
      }
      offset = checkOffset(this, offset, size);
      set.call(view(this), offset, big ? value : +value, little);
      return offset + size;
    });
  }
}

function checkByteLength(n) {
  if (!Number.isInteger(n) || n < 1 || n > 6) throw outOfRange("byteLength", ">= 1 and <= 6", n);
}

define("readUIntLE", function (offset, byteLength) {
  checkByteLength(byteLength);
  offset = checkOffset(this, offset, byteLength);
  let v = 0;
  for (let i = byteLength - 1; i >= 0; i--) v = v * 256 + this[offset + i];
  return v;
});
define("readUIntBE", function (offset, byteLength) {
  checkByteLength(byteLength);
  offset = checkOffset(this, offset, byteLength);
  let v = 0;
  for (let i = 0; i < byteLength; i++) v = v * 256 + this[offset + i];
  return v;
});
define("readIntLE", function (offset, byteLength) {
  const v = this.readUIntLE(offset, byteLength);
  const top = 2 ** (8 * byteLength - 1);
  return v >= top ? v - 2 * top : v;
});
define("readIntBE", function (offset, byteLength) {
  const v = this.readUIntBE(offset, byteLength);
  const top = 2 ** (8 * byteLength - 1);
  return v >= top ? v - 2 * top : v;
});

function writeVarInt(buf, value, offset, byteLength, signed, little) {
  checkByteLength(byteLength);
  const top = 2 ** (8 * byteLength - (signed ? 1 : 0));
  const min = signed ? -top : 0, max = top - 1;
  if (typeof value !== "number") throw argType("value", "of type number", value);
  if (value < min || value > max) throw outOfRange("value", `>= ${min} and <= ${max}`, value);
  offset = checkOffset(buf, offset, byteLength);
  let v = value < 0 ? value + 2 ** (8 * byteLength) : value;
  for (let i = 0; i < byteLength; i++) {
    buf[offset + (little ? i : byteLength - 1 - i)] = v % 256;
    v = Math.floor(v / 256);
  }
  return offset + byteLength;
}
define("writeUIntLE", function (value, offset, byteLength) { return writeVarInt(this, value, offset, byteLength, false, true); });
define("writeUIntBE", function (value, offset, byteLength) { return writeVarInt(this, value, offset, byteLength, false, false); });
define("writeIntLE", function (value, offset, byteLength) { return writeVarInt(this, value, offset, byteLength, true, true); });
define("writeIntBE", function (value, offset, byteLength) { return writeVarInt(this, value, offset, byteLength, true, false); });

// --- the rest of the module ---

function isUtf8(input) {
  try {
    new TextDecoder("utf-8", { fatal: true }).decode(input);
    return true;
  } catch {
    return false;
  }
}

function isAscii(input) {
  const b = input instanceof ArrayBuffer ? new Uint8Array(input) : new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
  for (let i = 0; i < b.length; i++) if (b[i] > 127) return false;
  return true;
}

const SlowBuffer = Buffer.allocUnsafeSlow;
const constants = Object.freeze({ MAX_LENGTH: kMaxLength, MAX_STRING_LENGTH: kStringMaxLength });
Buffer.poolSize = 8192;
const BlobCtor = globalThis.Blob;
const FileCtor = globalThis.File;
const atobFn = globalThis.atob;
const btoaFn = globalThis.btoa;

export {
  Buffer, SlowBuffer, constants, kMaxLength, kStringMaxLength, INSPECT_MAX_BYTES, isUtf8, isAscii,
  BlobCtor as Blob, FileCtor as File, atobFn as atob, btoaFn as btoa,
};

export default {
  Buffer, SlowBuffer, constants, kMaxLength, kStringMaxLength, INSPECT_MAX_BYTES, isUtf8, isAscii,
  Blob: BlobCtor, File: FileCtor, atob: atobFn, btoa: btoaFn,
};
