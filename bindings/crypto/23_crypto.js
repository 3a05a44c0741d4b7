// crypto.getRandomValues, crypto.randomUUID and the SubtleCrypto surface (whose
// algorithms land in a later issue: every method rejects with NotSupportedError).

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

class SubtleCrypto {
  constructor(key) {
    if (key !== illegalConstructorKey) throw webidl.illegalConstructor();
  }
}
const subtleMethods = [
  "encrypt", "decrypt", "sign", "verify", "digest", "generateKey", "deriveKey", "deriveBits",
  "importKey", "exportKey", "wrapKey", "unwrapKey",
];
for (const name of subtleMethods) {
  const fn = {
    [name]() {
      if (!(this instanceof SubtleCrypto)) return Promise.reject(webidl.illegalInvocation());
      return Promise.reject(new DOMException(`not implemented: crypto.subtle.${name}`, "NotSupportedError"));
    },
  }[name];
  Object.defineProperty(SubtleCrypto.prototype, name, { value: fn, writable: true, enumerable: true, configurable: true });
}
configureInterface(SubtleCrypto);

class CryptoKey {
  constructor(key) {
    if (key !== illegalConstructorKey) throw webidl.illegalConstructor();
  }
}
configureInterface(CryptoKey);

const subtle = new SubtleCrypto(illegalConstructorKey);

class Crypto {
  #brand = true;
  constructor(key) {
    if (key !== illegalConstructorKey) throw webidl.illegalConstructor();
  }
  get subtle() {
    if (!(webidl.isObject(this) && #brand in this)) throw webidl.illegalInvocation();
    return subtle;
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
      throw new DOMException(`${prefix}: The ArrayBufferView's byte length (${array.byteLength}) exceeds the number of bytes of entropy available via this API (65536).`, "QuotaExceededError");
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
}
const hex = [];
for (let i = 0; i < 256; i++) hex.push((i < 16 ? "0" : "") + i.toString(16));
configureInterface(Crypto);

core.defineGlobal("Crypto", Crypto);
core.defineGlobal("SubtleCrypto", SubtleCrypto);
core.defineGlobal("CryptoKey", CryptoKey);
core.defineGlobal("crypto", new Crypto(illegalConstructorKey));
