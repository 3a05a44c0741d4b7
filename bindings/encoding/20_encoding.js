// TextEncoder, TextDecoder and atob/btoa. UTF-8, UTF-16LE/BE, the legacy single-byte
// encodings and x-user-defined decode in plain JS; the legacy multi-byte ones in a Go op.
// WHATWG Encoding Standard; forgiving-base64 from the HTML Standard.

const webidl = priv.webidl;
const { converters, configureInterface } = webidl;
const DOMException = priv.DOMException;
const fromCharCode = String.fromCharCode;
const CHUNK = 0x2000; // code units per String.fromCharCode.apply call

// ---------------------------------------------------------------------------------
// UTF-8 encoding

// Encodes a (well-formed or not) JS string to UTF-8; lone surrogates become U+FFFD.
function utf8Encode(s) {
  const n = s.length;
  // ASCII fast path: one pass to check, one to copy.
  let i = 0;
  while (i < n && s.charCodeAt(i) < 0x80) i++;
  if (i === n) {
    const out = new Uint8Array(n);
    for (let j = 0; j < n; j++) out[j] = s.charCodeAt(j);
    return out;
  }
  const out = new Uint8Array(i + (n - i) * 3);
  for (let j = 0; j < i; j++) out[j] = s.charCodeAt(j);
  let p = i;
  for (; i < n; i++) {
    let c = s.charCodeAt(i);
    if (c < 0x80) {
      out[p++] = c;
    } else if (c < 0x800) {
      out[p++] = 0xc0 | (c >> 6);
      out[p++] = 0x80 | (c & 0x3f);
    } else if (c >= 0xd800 && c <= 0xdfff) {
      if (c <= 0xdbff && i + 1 < n) {
        const d = s.charCodeAt(i + 1);
        if (d >= 0xdc00 && d <= 0xdfff) {
          i++;
          c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
          out[p++] = 0xf0 | (c >> 18);
          out[p++] = 0x80 | ((c >> 12) & 0x3f);
          out[p++] = 0x80 | ((c >> 6) & 0x3f);
          out[p++] = 0x80 | (c & 0x3f);
          continue;
        }
      }
      out[p++] = 0xef; out[p++] = 0xbf; out[p++] = 0xbd;
    } else {
      out[p++] = 0xe0 | (c >> 12);
      out[p++] = 0x80 | ((c >> 6) & 0x3f);
      out[p++] = 0x80 | (c & 0x3f);
    }
  }
  return p === out.length ? out : out.slice(0, p);
}
priv.utf8Encode = utf8Encode;

// Writes as much of `s` as fits into `dest` without splitting a code point.
function utf8EncodeInto(s, dest) {
  const n = s.length, cap = dest.length;
  let i = 0, p = 0;
  while (i < n) {
    let c = s.charCodeAt(i);
    if (c < 0x80) {
      if (p >= cap) break;
      dest[p++] = c; i++;
    } else if (c < 0x800) {
      if (p + 2 > cap) break;
      dest[p++] = 0xc0 | (c >> 6); dest[p++] = 0x80 | (c & 0x3f); i++;
    } else if (c >= 0xd800 && c <= 0xdbff && i + 1 < n && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      if (p + 4 > cap) break;
      c = 0x10000 + ((c - 0xd800) << 10) + (s.charCodeAt(i + 1) - 0xdc00);
      dest[p++] = 0xf0 | (c >> 18); dest[p++] = 0x80 | ((c >> 12) & 0x3f);
      dest[p++] = 0x80 | ((c >> 6) & 0x3f); dest[p++] = 0x80 | (c & 0x3f);
      i += 2;
    } else {
      if (p + 3 > cap) break;
      if (c >= 0xd800 && c <= 0xdfff) c = 0xfffd;
      dest[p++] = 0xe0 | (c >> 12); dest[p++] = 0x80 | ((c >> 6) & 0x3f); dest[p++] = 0x80 | (c & 0x3f);
      i++;
    }
  }
  return { read: i, written: p };
}

// ---------------------------------------------------------------------------------
// Decoders. Each has decode(bytes, flush) → string, keeping partial sequences between
// calls; `fatal` throws TypeError on malformed input.

function codeUnitsToString(units, len) {
  if (len <= CHUNK) return fromCharCode.apply(null, len === units.length ? units : units.subarray(0, len));
  let s = "";
  for (let i = 0; i < len; i += CHUNK) s += fromCharCode.apply(null, units.subarray(i, Math.min(i + CHUNK, len)));
  return s;
}

function decodeError() {
  return new TypeError("Failed to execute 'decode' on 'TextDecoder': The encoded data was not valid.");
}

class UTF8Decoder {
  constructor(fatal) {
    this.fatal = fatal;
    this.pending = null; // Uint8Array of bytes of an incomplete sequence
  }
  decode(input, flush) {
    let bytes = input;
    if (this.pending !== null) {
      const merged = new Uint8Array(this.pending.length + input.length);
      merged.set(this.pending, 0);
      merged.set(input, this.pending.length);
      bytes = merged;
      this.pending = null;
    }
    const n = bytes.length;
    // ASCII fast path.
    let i = 0;
    while (i < n && bytes[i] < 0x80) i++;
    if (i === n) return codeUnitsToString(bytes, n);
    const units = new Uint16Array(n); // UTF-16 never needs more units than UTF-8 bytes
    for (let j = 0; j < i; j++) units[j] = bytes[j];
    let u = i;
    while (i < n) {
      const b = bytes[i];
      if (b < 0x80) { units[u++] = b; i++; continue; }
      let need, cp, lower = 0x80, upper = 0xbf;
      if (b >= 0xc2 && b <= 0xdf) { need = 1; cp = b & 0x1f; }
      else if (b >= 0xe0 && b <= 0xef) {
        need = 2; cp = b & 0x0f;
        if (b === 0xe0) lower = 0xa0; else if (b === 0xed) upper = 0x9f;
      } else if (b >= 0xf0 && b <= 0xf4) {
        need = 3; cp = b & 0x07;
        if (b === 0xf0) lower = 0x90; else if (b === 0xf4) upper = 0x8f;
      } else {
        if (this.fatal) throw decodeError();
        units[u++] = 0xfffd; i++; continue;
      }
      let k = 1;
      let bad = false;
      for (; k <= need; k++) {
        if (i + k >= n) break;
        const c = bytes[i + k];
        if (c < lower || c > upper) { bad = true; break; }
        lower = 0x80; upper = 0xbf;
        cp = (cp << 6) | (c & 0x3f);
      }
      if (!bad && k <= need) {
        // Ran out of input in the middle of a valid prefix.
        if (!flush) { this.pending = bytes.slice(i); break; }
        if (this.fatal) throw decodeError();
        units[u++] = 0xfffd; i = n; break;
      }
      if (bad) {
        if (this.fatal) throw decodeError();
        units[u++] = 0xfffd; i += k; continue;
      }
      if (cp >= 0x10000) {
        cp -= 0x10000;
        units[u++] = 0xd800 + (cp >> 10);
        units[u++] = 0xdc00 + (cp & 0x3ff);
      } else {
        units[u++] = cp;
      }
      i += need + 1;
    }
    return codeUnitsToString(units, u);
  }
}

class UTF16Decoder {
  constructor(fatal, bigEndian) {
    this.fatal = fatal;
    this.be = bigEndian;
    this.leadByte = -1;
    this.leadSurrogate = -1;
  }
  decode(input, flush) {
    const units = new Uint16Array(input.length + 2);
    let u = 0;
    for (let i = 0; i < input.length; i++) {
      if (this.leadByte < 0) { this.leadByte = input[i]; continue; }
      const cu = this.be ? (this.leadByte << 8) | input[i] : (input[i] << 8) | this.leadByte;
      this.leadByte = -1;
      if (this.leadSurrogate >= 0) {
        const lead = this.leadSurrogate;
        this.leadSurrogate = -1;
        if (cu >= 0xdc00 && cu <= 0xdfff) { units[u++] = lead; units[u++] = cu; continue; }
        if (this.fatal) throw decodeError();
        units[u++] = 0xfffd;
      }
      if (cu >= 0xd800 && cu <= 0xdbff) { this.leadSurrogate = cu; continue; }
      if (cu >= 0xdc00 && cu <= 0xdfff) {
        if (this.fatal) throw decodeError();
        units[u++] = 0xfffd; continue;
      }
      units[u++] = cu;
    }
    if (flush && (this.leadByte >= 0 || this.leadSurrogate >= 0)) {
      if (this.fatal) { this.leadByte = -1; this.leadSurrogate = -1; throw decodeError(); }
      this.leadByte = -1; this.leadSurrogate = -1;
      units[u++] = 0xfffd;
    }
    return codeUnitsToString(units, u);
  }
}

class SingleByteDecoder {
  constructor(fatal, table) {
    this.fatal = fatal;
    this.table = table; // Uint16Array(128): code points of bytes 0x80..0xFF, 0xFFFD for none
  }
  decode(input, flush) {
    const n = input.length;
    let i = 0;
    while (i < n && input[i] < 0x80) i++;
    if (i === n) return codeUnitsToString(input, n);
    const table = this.table;
    const units = new Uint16Array(n);
    for (let j = 0; j < i; j++) units[j] = input[j];
    for (; i < n; i++) {
      const b = input[i];
      if (b < 0x80) { units[i] = b; continue; }
      const cp = table[b - 0x80];
      if (cp === 0xfffd && this.fatal) throw decodeError();
      units[i] = cp;
    }
    return codeUnitsToString(units, n);
  }
}

// The legacy multi-byte encodings (gb18030 and GBK, Big5, EUC-JP, ISO-2022-JP, Shift_JIS,
// EUC-KR) decode in Go (bindings/encoding/cjk.go): their indexes, some 73,000 code
// points, stay out of the snapshot. The op keeps nothing between calls; what a stream
// carries over (the bytes of an incomplete sequence, ISO-2022-JP's mode) is `state`,
// which the op reads and updates in place.
const opDecode = core.ops.op_encoding_decode;
const MULTI_BYTE_STATE_SIZE = 5;
const multiByte = new Set(["gbk", "gb18030", "big5", "euc-jp", "iso-2022-jp", "shift_jis", "euc-kr"]);

class MultiByteDecoder {
  constructor(fatal, encoding) {
    this.fatal = fatal;
    this.encoding = encoding;
    this.state = new Uint8Array(MULTI_BYTE_STATE_SIZE);
  }
  decode(input, flush) {
    return core.opSync(opDecode, this.encoding, input, this.state, flush, this.fatal);
  }
}

// Labels and single-byte indexes of the Encoding Standard arrive from the generated
// 20_encoding_indexes.js through priv.addEncodingData (run once, while the snapshot is
// made). labels: label → encoding name in lower case (TextDecoder.encoding spells it so).
const labels = new Map();
const singleByteTables = new Map(); // encoding name → Uint16Array(128)
priv.addEncodingData = function addEncodingData(labelsByName, singleByte) {
  for (const name of Object.keys(labelsByName)) {
    for (const l of labelsByName[name].split(" ")) labels.set(l, name.toLowerCase());
  }
  for (const name of Object.keys(singleByte)) {
    const s = singleByte[name];
    const t = new Uint16Array(128);
    for (let i = 0; i < 128; i++) t[i] = s.charCodeAt(i);
    singleByteTables.set(name.toLowerCase(), t);
  }
  delete priv.addEncodingData;
};
// Encodings with a decoder: every one the standard names but replacement (which
// TextDecoder rejects). A name the label table gains without a decoder is a clear
// "not implemented" rather than a silent fallback.
function implemented(encoding) {
  return encoding === "utf-8" || encoding === "utf-16le" || encoding === "utf-16be" ||
    singleByteTables.has(encoding) || multiByte.has(encoding);
}

// ASCII only: String.prototype.toLowerCase would map U+212A KELVIN SIGN to "k".
function asciiLowercase(s) {
  return s.replace(/[A-Z]+/g, (m) => m.toLowerCase());
}

function trimAsciiWhitespace(s) {
  return s.replace(/^[\t\n\f\r ]+|[\t\n\f\r ]+$/g, "");
}

// The bytes of a BufferSource; a detached buffer holds none (WebIDL), and a zero-length
// buffer is all a detached one reports.
const NO_BYTES = new Uint8Array(0);
function bytesOf(input, prefix) {
  if (input instanceof Uint8Array) return input;
  if (input instanceof ArrayBuffer) return input.byteLength === 0 ? NO_BYTES : new Uint8Array(input);
  if (ArrayBuffer.isView(input)) {
    const buffer = input.buffer;
    if (buffer.byteLength === 0) return NO_BYTES;
    return new Uint8Array(buffer, input.byteOffset, input.byteLength);
  }
  if (typeof SharedArrayBuffer === "function" && input instanceof SharedArrayBuffer) return new Uint8Array(input);
  throw new TypeError(`${prefix}: parameter 1 is not of type '(ArrayBuffer or ArrayBufferView)'.`);
}

// ---------------------------------------------------------------------------------
// TextEncoder

class TextEncoder {
  #brand = true;
  constructor() {}
  get encoding() {
    if (!(webidl.isObject(this) && #brand in this)) throw webidl.illegalInvocation();
    return "utf-8";
  }
  encode(input = "") {
    if (!(webidl.isObject(this) && #brand in this)) throw webidl.illegalInvocation();
    return utf8Encode(typeof input === "string" ? input : converters.USVString(input, webidl.methodPrefix("TextEncoder", "encode"), "Argument 1"));
  }
  encodeInto(source, destination) {
    if (!(webidl.isObject(this) && #brand in this)) throw webidl.illegalInvocation();
    const prefix = webidl.methodPrefix("TextEncoder", "encodeInto");
    webidl.requiredArguments(arguments.length, 2, prefix);
    source = converters.USVString(source, prefix, "Argument 1");
    if (!(destination instanceof Uint8Array)) {
      throw new TypeError(`${prefix}: parameter 2 is not of type 'Uint8Array'.`);
    }
    return utf8EncodeInto(source, destination);
  }
}
configureInterface(TextEncoder);
core.defineGlobal("TextEncoder", TextEncoder);

// ---------------------------------------------------------------------------------
// TextDecoder

function newDecoder(encoding, fatal) {
  if (encoding === "utf-8") return new UTF8Decoder(fatal);
  if (encoding === "utf-16le" || encoding === "utf-16be") return new UTF16Decoder(fatal, encoding === "utf-16be");
  if (multiByte.has(encoding)) return new MultiByteDecoder(fatal, encoding);
  return new SingleByteDecoder(fatal, singleByteTables.get(encoding));
}

class TextDecoder {
  #encoding;
  #fatal;
  #ignoreBOM;
  #decoder = null;
  #bomSeen = false;
  #streaming = false;
  #unicode = false; // UTF-8 or UTF-16: the BOM is sniffed and removed

  constructor(label = "utf-8", options = undefined) {
    const prefix = webidl.ctorPrefix("TextDecoder");
    label = asciiLowercase(trimAsciiWhitespace(converters.DOMString(label, prefix, "Argument 1")));
    const encoding = labels.get(label);
    if (encoding === undefined || encoding === "replacement") {
      throw new RangeError(`${prefix}: The encoding label provided ('${label}') is invalid.`);
    }
    if (!implemented(encoding)) throw new RangeError(`${prefix}: not implemented: encoding ${encoding}`);
    if (options !== undefined && options !== null && !webidl.isObject(options)) {
      throw new TypeError(`${prefix}: The provided value is not of type 'TextDecoderOptions'.`);
    }
    this.#encoding = encoding;
    this.#unicode = encoding === "utf-8" || encoding === "utf-16le" || encoding === "utf-16be";
    this.#fatal = !!(options && options.fatal);
    this.#ignoreBOM = !!(options && options.ignoreBOM);
  }
  static #check(d) { if (!(webidl.isObject(d) && #encoding in d)) throw webidl.illegalInvocation(); }
  get encoding() { TextDecoder.#check(this); return this.#encoding; }
  get fatal() { TextDecoder.#check(this); return this.#fatal; }
  get ignoreBOM() { TextDecoder.#check(this); return this.#ignoreBOM; }

  decode(input = undefined, options = undefined) {
    TextDecoder.#check(this);
    const prefix = webidl.methodPrefix("TextDecoder", "decode");
    const bytes = input === undefined ? new Uint8Array(0) : bytesOf(input, prefix);
    const stream = !!(options && options.stream);
    if (!this.#streaming) {
      this.#decoder = null;
      this.#bomSeen = false;
    }
    this.#streaming = stream;
    if (this.#decoder === null) {
      // Fast path: a whole, non-streaming ASCII buffer.
      if (!stream && this.#encoding === "utf-8") {
        let i = 0;
        const n = bytes.length;
        while (i < n && bytes[i] < 0x80) i++;
        if (i === n) return codeUnitsToString(bytes, n);
      }
      this.#decoder = newDecoder(this.#encoding, this.#fatal);
    }
    let out;
    try {
      out = this.#decoder.decode(bytes, !stream);
    } catch (e) {
      this.#decoder = null;
      this.#streaming = false;
      throw e;
    }
    if (!this.#ignoreBOM && !this.#bomSeen && this.#unicode) {
      if (out.length > 0) {
        this.#bomSeen = true;
        if (out.charCodeAt(0) === 0xfeff) out = out.slice(1);
      }
    }
    if (!stream) this.#decoder = null;
    return out;
  }
}
configureInterface(TextDecoder);
core.defineGlobal("TextDecoder", TextDecoder);

const sharedUtf8 = new UTF8Decoder(false);
// Decodes a whole buffer as UTF-8 with replacement, skipping a leading BOM (Body.text()).
priv.utf8Decode = function utf8Decode(bytes) {
  sharedUtf8.pending = null;
  const s = sharedUtf8.decode(bytes, true);
  return s.charCodeAt(0) === 0xfeff ? s.slice(1) : s;
};

// ---------------------------------------------------------------------------------
// atob / btoa (forgiving-base64)

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const decodeTable = new Int16Array(256).fill(-1);
for (let i = 0; i < 64; i++) decodeTable[ALPHABET.charCodeAt(i)] = i;

function invalidChar(msg) {
  return new DOMException(msg, "InvalidCharacterError");
}

function btoa(data) {
  const prefix = "Failed to execute 'btoa' on 'ServiceWorkerGlobalScope'";
  webidl.requiredArguments(arguments.length, 1, prefix);
  const s = converters.DOMString(data, prefix, "Argument 1");
  const n = s.length;
  for (let i = 0; i < n; i++) {
    if (s.charCodeAt(i) > 255) throw invalidChar("The string to be encoded contains characters outside of the Latin1 range.");
  }
  let out = "";
  let part = "";
  let i = 0;
  for (; i + 2 < n; i += 3) {
    const v = (s.charCodeAt(i) << 16) | (s.charCodeAt(i + 1) << 8) | s.charCodeAt(i + 2);
    part += ALPHABET[v >> 18] + ALPHABET[(v >> 12) & 63] + ALPHABET[(v >> 6) & 63] + ALPHABET[v & 63];
    if (part.length >= 4096) { out += part; part = ""; }
  }
  if (n - i === 1) {
    const v = s.charCodeAt(i) << 16;
    part += ALPHABET[v >> 18] + ALPHABET[(v >> 12) & 63] + "==";
  } else if (n - i === 2) {
    const v = (s.charCodeAt(i) << 16) | (s.charCodeAt(i + 1) << 8);
    part += ALPHABET[v >> 18] + ALPHABET[(v >> 12) & 63] + ALPHABET[(v >> 6) & 63] + "=";
  }
  return out + part;
}

// Returns the decoded bytes, or null when the input is not forgiving-base64.
function forgivingBase64Decode(s) {
  // Remove ASCII whitespace.
  let data = "";
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x09 || c === 0x0a || c === 0x0c || c === 0x0d || c === 0x20) {
      data += s.slice(start, i);
      start = i + 1;
    }
  }
  data = start === 0 ? s : data + s.slice(start);
  let len = data.length;
  if (len % 4 === 0) {
    if (len > 0 && data.charCodeAt(len - 1) === 0x3d) {
      len--;
      if (len > 0 && data.charCodeAt(len - 1) === 0x3d) len--;
    }
  }
  if (len % 4 === 1) return null;
  const out = new Uint8Array((len * 3) >> 2);
  let buf = 0, bits = 0, p = 0;
  for (let i = 0; i < len; i++) {
    const c = data.charCodeAt(i);
    const v = c < 256 ? decodeTable[c] : -1;
    if (v < 0) return null;
    buf = (buf << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[p++] = (buf >> bits) & 0xff;
    }
  }
  return out;
}
priv.forgivingBase64Decode = forgivingBase64Decode;

function atob(data) {
  const prefix = "Failed to execute 'atob' on 'ServiceWorkerGlobalScope'";
  webidl.requiredArguments(arguments.length, 1, prefix);
  const s = converters.DOMString(data, prefix, "Argument 1");
  const bytes = forgivingBase64Decode(s);
  if (bytes === null) throw invalidChar("The string to be decoded is not correctly encoded.");
  return codeUnitsToString(bytes, bytes.length);
}

core.defineGlobal("btoa", btoa);
core.defineGlobal("atob", atob);
