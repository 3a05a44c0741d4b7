// The Crypto interface (getRandomValues, randomUUID, subtle, DigestStream) and
// CryptoKey. SubtleCrypto and its algorithms live in 24_webcrypto.js and
// 25_subtle.js; they reach CryptoKey's internals through priv.cryptoKey.

const webidl = priv.webidl;
const { configureInterface, illegalConstructorKey } = webidl;
const DOMException = priv.DOMException;
const opRandomFill = core.ops.op_random_fill;
const TypedArrayPrototype = Object.getPrototypeOf(Uint8Array.prototype);
const TypedArrayToStringTag = Object.getOwnPropertyDescriptor(TypedArrayPrototype, Symbol.toStringTag).get;
const integerArrays = new Set([
  "Int8Array", "Uint8Array", "Uint8ClampedArray", "Int16Array", "Uint16Array",
  "Int32Array", "Uint32Array", "BigInt64Array", "BigUint64Array",
]);

// ---------------------------------------------------------------------------------
// CryptoKey

// A key algorithm as user code sees it: a fresh object, hash and publicExponent
// copied, so that changing it does not change the key.
function algorithmView(alg) {
  const out = {};
  for (const k of Object.keys(alg)) {
    const v = alg[k];
    if (v instanceof Uint8Array) out[k] = new Uint8Array(v);
    else if (webidl.isObject(v)) out[k] = algorithmView(v);
    else out[k] = v;
  }
  return out;
}

class CryptoKey {
  #type;
  #extractable;
  #algorithm; // internal, never handed out
  #usages;
  #data; // key material (see bindings/crypto/errors.go for its forms)
  #algorithmCache;
  #usagesCache;

  constructor(key = undefined) { // length 0, as WebIDL interfaces have
    if (key !== illegalConstructorKey) throw webidl.illegalConstructor();
  }

  static #check(k) {
    if (!(webidl.isObject(k) && #type in k)) throw webidl.illegalInvocation();
  }

  get type() {
    CryptoKey.#check(this);
    return this.#type;
  }
  get extractable() {
    CryptoKey.#check(this);
    return this.#extractable;
  }
  get algorithm() {
    CryptoKey.#check(this);
    if (this.#algorithmCache === undefined) this.#algorithmCache = algorithmView(this.#algorithm);
    return this.#algorithmCache;
  }
  get usages() {
    CryptoKey.#check(this);
    if (this.#usagesCache === undefined) this.#usagesCache = this.#usages.slice();
    return this.#usagesCache;
  }

  static {
    priv.cryptoKey = {
      create(type, extractable, algorithm, usages, data) {
        const k = new CryptoKey(illegalConstructorKey);
        k.#type = type;
        k.#extractable = extractable;
        k.#algorithm = algorithm;
        k.#usages = usages;
        k.#data = data;
        return k;
      },
      is: (v) => webidl.isObject(v) && #type in v,
      type: (k) => k.#type,
      extractable: (k) => k.#extractable,
      algorithm: (k) => k.#algorithm,
      usages: (k) => k.#usages,
      data: (k) => k.#data,
    };
  }
}
configureInterface(CryptoKey);
// console.log shows a key's attributes as "CryptoKey { type, extractable, ... }".
const inspectProto = Object.create(null, { constructor: { value: CryptoKey } });
Object.defineProperty(CryptoKey.prototype, Symbol.for("nodejs.util.inspect.custom"), {
  value: function inspectCryptoKey() {
    if (!priv.cryptoKey.is(this)) return this;
    const view = Object.create(inspectProto);
    view.type = this.type;
    view.extractable = this.extractable;
    view.algorithm = this.algorithm;
    view.usages = this.usages;
    return view;
  },
  writable: true, enumerable: false, configurable: true,
});

// ---------------------------------------------------------------------------------
// Crypto

class Crypto {
  #brand = true;
  constructor(key = undefined) { // length 0, as WebIDL interfaces have
    if (key !== illegalConstructorKey) throw webidl.illegalConstructor();
  }
  get subtle() {
    if (!(webidl.isObject(this) && #brand in this)) throw webidl.illegalInvocation();
    return priv.subtle;
  }
  getRandomValues(array) {
    if (!(webidl.isObject(this) && #brand in this)) throw webidl.illegalInvocation();
    const prefix = webidl.methodPrefix("Crypto", "getRandomValues");
    webidl.requiredArguments(arguments.length, 1, prefix);
    if (!ArrayBuffer.isView(array)) {
      throw new TypeError(`${prefix}: parameter 1 is not of type 'ArrayBufferView'.`);
    }
    const kind = TypedArrayToStringTag.call(array);
    if (kind === undefined || !integerArrays.has(kind)) {
      throw new DOMException(`${prefix}: The provided ArrayBufferView is of type '${kind || "DataView"}', which is not an integer array type.`, "TypeMismatchError");
    }
    if (array.byteLength > 65536) {
      const message = `${prefix}: The ArrayBufferView's byte length (${array.byteLength}) exceeds the number of bytes of entropy available via this API (65536).`;
      // WebIDL's QuotaExceededError interface once the events binding defines it (as
      // priv.QuotaExceededError), else the DOMException of that name.
      const QuotaExceededError = priv.QuotaExceededError;
      if (typeof QuotaExceededError === "function") throw new QuotaExceededError(message);
      throw new DOMException(message, "QuotaExceededError");
    }
    core.opSync(opRandomFill, array);
    return array;
  }
  randomUUID() {
    if (!(webidl.isObject(this) && #brand in this)) throw webidl.illegalInvocation();
    const b = new Uint8Array(16);
    core.opSync(opRandomFill, b);
    b[6] = (b[6] & 0x0f) | 0x40; // version 4
    b[8] = (b[8] & 0x3f) | 0x80; // RFC 4122 variant
    let s = "";
    for (let i = 0; i < 16; i++) {
      if (i === 4 || i === 6 || i === 8 || i === 10) s += "-";
      s += hex[b[i]];
    }
    return s;
  }
  // Workers' crypto.DigestStream: a WritableStream whose `digest` promise settles
  // with the hash of everything written. Built on first use, once the streams
  // binding (loaded after this file) has defined WritableStream.
  get DigestStream() {
    if (!(webidl.isObject(this) && #brand in this)) throw webidl.illegalInvocation();
    return priv.digestStreamClass();
  }
}
const hex = [];
for (let i = 0; i < 256; i++) hex.push((i < 16 ? "0" : "") + i.toString(16));
configureInterface(Crypto);

// Random bytes of any length (getRandomValues' op fills at most 64 KiB a call).
priv.randomBytes = function randomBytes(n) {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i += 65536) core.opSync(opRandomFill, out.subarray(i, Math.min(n, i + 65536)));
  return out;
};

core.defineGlobal("Crypto", Crypto);
core.defineGlobal("CryptoKey", CryptoKey);
core.defineGlobal("crypto", new Crypto(illegalConstructorKey));
