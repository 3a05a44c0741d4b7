// SubtleCrypto: the method steps of the Web Cryptography API (argument conversion,
// algorithm normalization, the key checks every method makes) over the algorithms
// of 24_webcrypto.js; plus Workers' timingSafeEqual and crypto.DigestStream.

const webidl = priv.webidl;
const { converters, configureInterface, illegalConstructorKey } = webidl;
const DOMException = priv.DOMException;
const K = priv.cryptoKey;
const { algorithms, normalizeAlgorithm, isBufferSource, copyBytes, toArrayBuffer } = priv.webcrypto;

const opDigest = core.ops.op_crypto_digest;
const opDigestAsync = core.ops.op_crypto_digest_async;
const opDigestUpdate = core.ops.op_crypto_digest_update;
const opDigestFinal = core.ops.op_crypto_digest_final;
const opTimingSafeEqual = core.ops.op_crypto_timing_safe_equal;

// Inputs up to this size are hashed on the isolate's thread.
const syncDigestLimit = 64 * 1024;

const invalidAccess = (m) => new DOMException(m, "InvalidAccessError");

// --- argument converters ---

const keyFormat = webidl.enumeration("KeyFormat", ["raw", "spki", "pkcs8", "jwk"]);
const keyUsage = webidl.enumeration("KeyUsage", ["encrypt", "decrypt", "sign", "verify", "deriveKey", "deriveBits", "wrapKey", "unwrapKey"]);
const keyUsages = webidl.sequence(keyUsage);
const DOMStringSeq = webidl.sequence(converters.DOMString);
const otherPrimes = webidl.sequence(webidl.dictionary("RsaOtherPrimesInfo", [
  { key: "r", converter: converters.DOMString },
  { key: "d", converter: converters.DOMString },
  { key: "t", converter: converters.DOMString },
]));
const jsonWebKey = webidl.dictionary("JsonWebKey", [
  ...["kty", "use", "alg", "crv", "x", "y", "d", "n", "e", "p", "q", "dp", "dq", "qi", "k"].map((key) => ({ key, converter: converters.DOMString })),
  { key: "key_ops", converter: DOMStringSeq },
  { key: "ext", converter: converters.boolean },
  { key: "oth", converter: otherPrimes },
]);

function algorithmIdentifier(v, prefix, context) {
  if (webidl.isObject(v)) return v;
  return converters.DOMString(v, prefix, context);
}

function cryptoKeyArg(v, prefix, context) {
  if (!K.is(v)) throw webidl.typeError(prefix, context, "is not of type 'CryptoKey'.");
  return v;
}

function bufferSourceArg(v, prefix, context) {
  if (!isBufferSource(v)) throw webidl.typeError(prefix, context, "is not of type '(ArrayBuffer or ArrayBufferView)'.");
  return v;
}

// keyData of importKey: a BufferSource for the binary formats, a JsonWebKey for jwk.
function keyDataArg(format, v, prefix) {
  if (format === "jwk") {
    if (!webidl.isObject(v) || isBufferSource(v)) throw new TypeError(`${prefix}: keyData of a 'jwk' import must be a JsonWebKey dictionary.`);
    return jsonWebKey(v, prefix, "Argument 2");
  }
  if (!isBufferSource(v)) throw new TypeError(`${prefix}: keyData of a '${format}' import must be an ArrayBuffer or ArrayBufferView.`);
  return copyBytes(v);
}

// --- shared steps ---

function checkKey(key, normalized, usage) {
  const name = K.algorithm(key).name;
  if (normalized.name !== name) throw invalidAccess(`The key is a ${name} key, not ${normalized.name}.`);
  if (!K.usages(key).includes(usage)) throw invalidAccess(`The key's usages do not include '${usage}'.`);
}

function checkEmptyUsages(result) {
  const key = K.is(result) ? result : result.privateKey;
  if ((K.type(key) === "secret" || K.type(key) === "private") && K.usages(key).length === 0) {
    throw new DOMException("Secret and private keys must have at least one usage.", "SyntaxError");
  }
  return result;
}

async function importKeyWith(format, keyData, normalized, extractable, usages) {
  const impl = algorithms[normalized.name];
  const key = await impl.importKey(format, keyData, normalized, extractable, usages);
  return checkEmptyUsages(key);
}

async function exportKeyOf(format, key) {
  const impl = algorithms[K.algorithm(key).name];
  if (impl.exportKey === undefined) throw new DOMException(`${K.algorithm(key).name} keys cannot be exported.`, "NotSupportedError");
  if (!K.extractable(key)) throw invalidAccess("The key is not extractable.");
  return impl.exportKey(format, key);
}

function digestBytes(alg, bytes) {
  if (bytes.byteLength <= syncDigestLimit) return core.opSync(opDigest, alg, bytes);
  return core.opAsync(opDigestAsync, alg, bytes);
}

// The hash digest() and DigestStream use: a normalized digest algorithm, or MD5,
// which Workers offers there (and nowhere else) for legacy protocols.
function digestName(algorithm) {
  try {
    return normalizeAlgorithm(algorithm, "digest").name;
  } catch (e) {
    if (priv.isDOMException(e) && e.name === "NotSupportedError") {
      const name = webidl.isObject(algorithm) ? algorithm.name : algorithm;
      if (typeof name === "string" && name.toUpperCase() === "MD5") return "MD5";
    }
    throw e;
  }
}

// "Normalize" for wrapKey/unwrapKey: the wrap operation, else the cipher.
function normalizeWrap(alg, wrapOp, cipherOp) {
  try {
    return normalizeAlgorithm(alg, wrapOp);
  } catch (e) {
    if (!(priv.isDOMException(e) && e.name === "NotSupportedError")) throw e;
    return normalizeAlgorithm(alg, cipherOp);
  }
}

// --- SubtleCrypto ---

function check(self, method, n, required) {
  if (!(webidl.isObject(self) && self instanceof SubtleCrypto)) throw webidl.illegalInvocation();
  const prefix = webidl.methodPrefix("SubtleCrypto", method);
  webidl.requiredArguments(n, required, prefix);
  return prefix;
}

class SubtleCrypto {
  constructor(key = undefined) { // length 0, as WebIDL interfaces have
    if (key !== illegalConstructorKey) throw webidl.illegalConstructor();
  }

  async encrypt(algorithm, key, data) {
    const prefix = check(this, "encrypt", arguments.length, 3);
    algorithm = algorithmIdentifier(algorithm, prefix, "Argument 1");
    key = cryptoKeyArg(key, prefix, "Argument 2");
    data = copyBytes(bufferSourceArg(data, prefix, "Argument 3"));
    const normalized = normalizeAlgorithm(algorithm, "encrypt");
    checkKey(key, normalized, "encrypt");
    return toArrayBuffer(await algorithms[normalized.name].encrypt(normalized, key, data));
  }

  async decrypt(algorithm, key, data) {
    const prefix = check(this, "decrypt", arguments.length, 3);
    algorithm = algorithmIdentifier(algorithm, prefix, "Argument 1");
    key = cryptoKeyArg(key, prefix, "Argument 2");
    data = copyBytes(bufferSourceArg(data, prefix, "Argument 3"));
    const normalized = normalizeAlgorithm(algorithm, "decrypt");
    checkKey(key, normalized, "decrypt");
    return toArrayBuffer(await algorithms[normalized.name].decrypt(normalized, key, data));
  }

  async sign(algorithm, key, data) {
    const prefix = check(this, "sign", arguments.length, 3);
    algorithm = algorithmIdentifier(algorithm, prefix, "Argument 1");
    key = cryptoKeyArg(key, prefix, "Argument 2");
    data = copyBytes(bufferSourceArg(data, prefix, "Argument 3"));
    const normalized = normalizeAlgorithm(algorithm, "sign");
    checkKey(key, normalized, "sign");
    return toArrayBuffer(await algorithms[normalized.name].sign(normalized, key, data));
  }

  async verify(algorithm, key, signature, data) {
    const prefix = check(this, "verify", arguments.length, 4);
    algorithm = algorithmIdentifier(algorithm, prefix, "Argument 1");
    key = cryptoKeyArg(key, prefix, "Argument 2");
    signature = copyBytes(bufferSourceArg(signature, prefix, "Argument 3"));
    data = copyBytes(bufferSourceArg(data, prefix, "Argument 4"));
    const normalized = normalizeAlgorithm(algorithm, "verify");
    checkKey(key, normalized, "verify");
    return algorithms[normalized.name].verify(normalized, key, signature, data);
  }

  async digest(algorithm, data) {
    const prefix = check(this, "digest", arguments.length, 2);
    algorithm = algorithmIdentifier(algorithm, prefix, "Argument 1");
    data = copyBytes(bufferSourceArg(data, prefix, "Argument 2"));
    return toArrayBuffer(await digestBytes(digestName(algorithm), data));
  }

  async generateKey(algorithm, extractable, keyUsages_) {
    const prefix = check(this, "generateKey", arguments.length, 3);
    algorithm = algorithmIdentifier(algorithm, prefix, "Argument 1");
    extractable = converters.boolean(extractable);
    const usages = keyUsages(keyUsages_, prefix, "Argument 3");
    const normalized = normalizeAlgorithm(algorithm, "generateKey");
    const result = await algorithms[normalized.name].generateKey(normalized, extractable, usages);
    return checkEmptyUsages(result);
  }

  async deriveKey(algorithm, baseKey, derivedKeyType, extractable, keyUsages_) {
    const prefix = check(this, "deriveKey", arguments.length, 5);
    algorithm = algorithmIdentifier(algorithm, prefix, "Argument 1");
    baseKey = cryptoKeyArg(baseKey, prefix, "Argument 2");
    derivedKeyType = algorithmIdentifier(derivedKeyType, prefix, "Argument 3");
    extractable = converters.boolean(extractable);
    const usages = keyUsages(keyUsages_, prefix, "Argument 5");
    const normalized = normalizeAlgorithm(algorithm, "deriveBits");
    const importAlg = normalizeAlgorithm(derivedKeyType, "importKey");
    const lengthAlg = normalizeAlgorithm(derivedKeyType, "get key length");
    checkKey(baseKey, normalized, "deriveKey");
    const length = algorithms[lengthAlg.name].getKeyLength(lengthAlg);
    const secret = await algorithms[normalized.name].deriveBits(normalized, baseKey, length);
    return importKeyWith("raw", secret, importAlg, extractable, usages);
  }

  async deriveBits(algorithm, baseKey, length = null) {
    const prefix = check(this, "deriveBits", arguments.length, 2);
    algorithm = algorithmIdentifier(algorithm, prefix, "Argument 1");
    baseKey = cryptoKeyArg(baseKey, prefix, "Argument 2");
    if (length !== null) length = converters["unsigned long"](length, prefix, "Argument 3");
    const normalized = normalizeAlgorithm(algorithm, "deriveBits");
    checkKey(baseKey, normalized, "deriveBits");
    return toArrayBuffer(await algorithms[normalized.name].deriveBits(normalized, baseKey, length));
  }

  async importKey(format, keyData, algorithm, extractable, keyUsages_) {
    const prefix = check(this, "importKey", arguments.length, 5);
    format = keyFormat(format, prefix, "Argument 1");
    keyData = keyDataArg(format, keyData, prefix);
    algorithm = algorithmIdentifier(algorithm, prefix, "Argument 3");
    extractable = converters.boolean(extractable);
    const usages = keyUsages(keyUsages_, prefix, "Argument 5");
    const normalized = normalizeAlgorithm(algorithm, "importKey");
    return importKeyWith(format, keyData, normalized, extractable, usages);
  }

  async exportKey(format, key) {
    const prefix = check(this, "exportKey", arguments.length, 2);
    format = keyFormat(format, prefix, "Argument 1");
    key = cryptoKeyArg(key, prefix, "Argument 2");
    return exportKeyOf(format, key);
  }

  async wrapKey(format, key, wrappingKey, wrapAlgorithm) {
    const prefix = check(this, "wrapKey", arguments.length, 4);
    format = keyFormat(format, prefix, "Argument 1");
    key = cryptoKeyArg(key, prefix, "Argument 2");
    wrappingKey = cryptoKeyArg(wrappingKey, prefix, "Argument 3");
    wrapAlgorithm = algorithmIdentifier(wrapAlgorithm, prefix, "Argument 4");
    const normalized = normalizeWrap(wrapAlgorithm, "wrapKey", "encrypt");
    checkKey(wrappingKey, normalized, "wrapKey");
    const exported = await exportKeyOf(format, key);
    const bytes = format === "jwk" ? priv.utf8Encode(JSON.stringify(exported)) : new Uint8Array(exported);
    const impl = algorithms[normalized.name];
    const out = impl.wrapKey !== undefined
      ? await impl.wrapKey(normalized, wrappingKey, bytes)
      : await impl.encrypt(normalized, wrappingKey, bytes);
    return toArrayBuffer(out);
  }

  async unwrapKey(format, wrappedKey, unwrappingKey, unwrapAlgorithm, unwrappedKeyAlgorithm, extractable, keyUsages_) {
    const prefix = check(this, "unwrapKey", arguments.length, 7);
    format = keyFormat(format, prefix, "Argument 1");
    wrappedKey = copyBytes(bufferSourceArg(wrappedKey, prefix, "Argument 2"));
    unwrappingKey = cryptoKeyArg(unwrappingKey, prefix, "Argument 3");
    unwrapAlgorithm = algorithmIdentifier(unwrapAlgorithm, prefix, "Argument 4");
    unwrappedKeyAlgorithm = algorithmIdentifier(unwrappedKeyAlgorithm, prefix, "Argument 5");
    extractable = converters.boolean(extractable);
    const usages = keyUsages(keyUsages_, prefix, "Argument 7");
    const normalized = normalizeWrap(unwrapAlgorithm, "unwrapKey", "decrypt");
    const importAlg = normalizeAlgorithm(unwrappedKeyAlgorithm, "importKey");
    checkKey(unwrappingKey, normalized, "unwrapKey");
    const impl = algorithms[normalized.name];
    const bytes = impl.unwrapKey !== undefined
      ? await impl.unwrapKey(normalized, unwrappingKey, wrappedKey)
      : await impl.decrypt(normalized, unwrappingKey, wrappedKey);
    let keyData = bytes;
    if (format === "jwk") keyData = parseJwk(bytes);
    return importKeyWith(format, keyData, importAlg, extractable, usages);
  }

  // Workers' extension: compares two buffers of equal length in constant time.
  timingSafeEqual(a, b) {
    const prefix = webidl.methodPrefix("SubtleCrypto", "timingSafeEqual");
    if (!(webidl.isObject(this) && this instanceof SubtleCrypto)) throw webidl.illegalInvocation();
    webidl.requiredArguments(arguments.length, 2, prefix);
    bufferSourceArg(a, prefix, "Argument 1");
    bufferSourceArg(b, prefix, "Argument 2");
    if (a.byteLength !== b.byteLength) throw new RangeError(`${prefix}: the two buffers must be of the same length.`);
    return core.opSync(opTimingSafeEqual, a, b);
  }
}
configureInterface(SubtleCrypto);

// The spec's "parse a JWK" for unwrapKey: any failure is a DataError.
function parseJwk(bytes) {
  let value;
  try {
    value = JSON.parse(priv.utf8Decode(bytes));
  } catch {
    throw new DOMException("The unwrapped data is not a JSON Web Key.", "DataError");
  }
  if (!webidl.isObject(value)) throw new DOMException("The unwrapped data is not a JSON Web Key.", "DataError");
  let jwk;
  try {
    jwk = jsonWebKey(value, "unwrapKey", "JWK");
  } catch {
    throw new DOMException("The unwrapped data is not a JSON Web Key.", "DataError");
  }
  if (jwk.kty === undefined) throw new DOMException("The unwrapped JSON Web Key has no \"kty\" member.", "DataError");
  return jwk;
}

priv.subtle = new SubtleCrypto(illegalConstructorKey);
core.defineGlobal("SubtleCrypto", SubtleCrypto);

// --- crypto.DigestStream ---

let DigestStream;
priv.digestStreamClass = function digestStreamClass() {
  if (DigestStream !== undefined) return DigestStream;
  const WritableStream = globalThis.WritableStream;
  if (typeof WritableStream !== "function") throw new TypeError("crypto.DigestStream needs WritableStream, which this runtime lacks.");
  DigestStream = class DigestStream extends WritableStream {
    #digest;
    constructor(algorithm) {
      const prefix = webidl.ctorPrefix("DigestStream");
      webidl.requiredArguments(arguments.length, 1, prefix);
      const name = digestName(algorithmIdentifier(algorithm, prefix, "Argument 1"));
      let state = null;
      let resolve, reject;
      const digest = new Promise((res, rej) => { resolve = res; reject = rej; });
      super({
        write(chunk) {
          if (typeof chunk === "string") chunk = priv.utf8Encode(chunk);
          else if (!isBufferSource(chunk)) {
            const e = new TypeError("DigestStream accepts strings, ArrayBuffers and ArrayBufferViews.");
            reject(e); // the stream errors without calling abort
            throw e;
          }
          state = core.opSync(opDigestUpdate, name, state, chunk);
        },
        close() {
          resolve(toArrayBuffer(core.opSync(opDigestFinal, name, state)));
        },
        abort(reason) {
          reject(reason);
        },
      });
      digest.catch(() => {});
      this.#digest = digest;
    }
    get digest() {
      if (!(webidl.isObject(this) && #digest in this)) throw webidl.illegalInvocation();
      return this.#digest;
    }
  };
  configureInterface(DigestStream);
  return DigestStream;
};
