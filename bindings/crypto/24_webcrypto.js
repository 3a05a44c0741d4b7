// WebCrypto's algorithms (W3C Web Cryptography API, with the Secure Curves draft for
// Ed25519, X25519, Ed448 and X448): the registry that "normalize an algorithm"
// reads, the parameter dictionaries, and each algorithm's operations. The
// cryptography itself is Go's (op_crypto_*); this file checks arguments and usages,
// parses JWKs and throws the DOMExceptions the spec names. Exposed to 25_subtle.js
// as priv.webcrypto.

const webidl = priv.webidl;
const { converters } = webidl;
const DOMException = priv.DOMException;
const K = priv.cryptoKey;
const ops = core.ops;

const err = (name, message) => new DOMException(message, name);
const notSupported = (m) => err("NotSupportedError", m);
const syntaxError = (m) => err("SyntaxError", m);
const dataError = (m) => err("DataError", m);
const operationError = (m) => err("OperationError", m);
const invalidAccess = (m) => err("InvalidAccessError", m);

// ---------------------------------------------------------------------------------
// Bytes

function isBufferSource(v) {
  return v instanceof ArrayBuffer || ArrayBuffer.isView(v);
}

// A copy of the bytes a BufferSource holds ("get a copy of the buffer source").
function copyBytes(v) {
  if (v instanceof ArrayBuffer) return new Uint8Array(v.slice(0));
  return new Uint8Array(v.buffer.slice(v.byteOffset, v.byteOffset + v.byteLength));
}

// An ArrayBuffer holding exactly the bytes of u8.
function toArrayBuffer(u8) {
  if (u8.byteOffset === 0 && u8.byteLength === u8.buffer.byteLength) return u8.buffer;
  return u8.buffer.slice(u8.byteOffset, u8.byteOffset + u8.byteLength);
}

// Several byte strings in one, each after its length (uint32, big-endian): the form
// of op results (and JWK members) that hold more than one byte string.
function pack(parts) {
  let n = 0;
  for (const p of parts) n += 4 + p.byteLength;
  const out = new Uint8Array(n);
  const view = new DataView(out.buffer);
  let at = 0;
  for (const p of parts) {
    view.setUint32(at, p.byteLength);
    out.set(p, at + 4);
    at += 4 + p.byteLength;
  }
  return out;
}

function unpack(u8) {
  const view = new DataView(u8.buffer, u8.byteOffset, u8.byteLength);
  const out = [];
  for (let at = 0; at < u8.byteLength;) {
    const n = view.getUint32(at);
    out.push(u8.subarray(at + 4, at + 4 + n));
    at += 4 + n;
  }
  return out;
}

const b64chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
const b64index = new Int16Array(128).fill(-1);
for (let i = 0; i < 64; i++) b64index[b64chars.charCodeAt(i)] = i;

function base64urlEncode(bytes) {
  let s = "";
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n = (bytes[i] << 16) | (bytes[i + 1] << 8) | bytes[i + 2];
    s += b64chars[n >> 18] + b64chars[(n >> 12) & 63] + b64chars[(n >> 6) & 63] + b64chars[n & 63];
  }
  if (i + 1 === bytes.length) {
    const n = bytes[i] << 16;
    s += b64chars[n >> 18] + b64chars[(n >> 12) & 63];
  } else if (i + 2 === bytes.length) {
    const n = (bytes[i] << 16) | (bytes[i + 1] << 8);
    s += b64chars[n >> 18] + b64chars[(n >> 12) & 63] + b64chars[(n >> 6) & 63];
  }
  return s;
}

// base64url without padding (RFC 7515 §2); a trailing "=" padding is tolerated.
function base64urlDecode(s, member) {
  let end = s.length;
  while (end > 0 && s.charCodeAt(end - 1) === 0x3d && s.length - end < 2) end--;
  if (end % 4 === 1) throw dataError(`The JWK member "${member}" is not valid base64url.`);
  const out = new Uint8Array(Math.floor((end * 3) / 4));
  let acc = 0, bits = 0, j = 0;
  for (let i = 0; i < end; i++) {
    const c = s.charCodeAt(i);
    const v = c < 128 ? b64index[c] : -1;
    if (v < 0) throw dataError(`The JWK member "${member}" is not valid base64url.`);
    acc = (acc << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[j++] = (acc >> bits) & 0xff;
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------
// Algorithm normalization

const shaBlockBits = { "SHA-1": 512, "SHA-256": 512, "SHA-384": 1024, "SHA-512": 1024 };

// Member converters of the parameter dictionaries.
function bufferSourceMember(v, prefix, context) {
  if (!isBufferSource(v)) throw webidl.typeError(prefix, context, "is not of type '(ArrayBuffer or ArrayBufferView)'.");
  return copyBytes(v);
}
function bigIntegerMember(v, prefix, context) {
  if (!(ArrayBuffer.isView(v) && v instanceof Uint8Array)) throw webidl.typeError(prefix, context, "is not of type 'Uint8Array'.");
  return copyBytes(v);
}
function hashMember(v) {
  return normalizeAlgorithm(v, "digest");
}
function cryptoKeyMember(v, prefix, context) {
  if (!K.is(v)) throw webidl.typeError(prefix, context, "is not of type 'CryptoKey'.");
  return v;
}
const enforce = (type) => (v, prefix, context) => converters[type](v, prefix, context, { enforceRange: true });

// Dictionary members in WebIDL's order: inherited members first, each level sorted.
const dictionaries = {
  AesCbcParams: [["iv", bufferSourceMember, true]],
  AesCtrParams: [["counter", bufferSourceMember, true], ["length", enforce("octet"), true]],
  AesGcmParams: [["additionalData", bufferSourceMember, false], ["iv", bufferSourceMember, true], ["tagLength", enforce("octet"), false]],
  AesKeyGenParams: [["length", enforce("unsigned short"), true]],
  AesDerivedKeyParams: [["length", enforce("unsigned short"), true]],
  HmacKeyGenParams: [["hash", hashMember, true], ["length", enforce("unsigned long"), false]],
  HmacImportParams: [["hash", hashMember, true], ["length", enforce("unsigned long"), false]],
  RsaHashedKeyGenParams: [["modulusLength", enforce("unsigned long"), true], ["publicExponent", bigIntegerMember, true], ["hash", hashMember, true]],
  RsaHashedImportParams: [["hash", hashMember, true]],
  RsaPssParams: [["saltLength", enforce("unsigned long"), true]],
  RsaOaepParams: [["label", bufferSourceMember, false]],
  EcdsaParams: [["hash", hashMember, true]],
  EcKeyGenParams: [["namedCurve", converters.DOMString, true]],
  EcKeyImportParams: [["namedCurve", converters.DOMString, true]],
  EcdhKeyDeriveParams: [["public", cryptoKeyMember, true]],
  Ed448Params: [["context", bufferSourceMember, false]],
  HkdfParams: [["hash", hashMember, true], ["info", bufferSourceMember, true], ["salt", bufferSourceMember, true]],
  Pbkdf2Params: [["hash", hashMember, true], ["iterations", enforce("unsigned long"), true], ["salt", bufferSourceMember, true]],
};

// The registry: operation → registered algorithm name → its parameter dictionary.
const aes = (params) => ({ "AES-CTR": params.ctr, "AES-CBC": params.cbc, "AES-GCM": params.gcm });
const supported = {
  encrypt: { "RSA-OAEP": "RsaOaepParams", ...aes({ ctr: "AesCtrParams", cbc: "AesCbcParams", gcm: "AesGcmParams" }) },
  sign: { "RSASSA-PKCS1-v1_5": null, "RSA-PSS": "RsaPssParams", ECDSA: "EcdsaParams", Ed25519: null, Ed448: "Ed448Params", HMAC: null },
  digest: { "SHA-1": null, "SHA-256": null, "SHA-384": null, "SHA-512": null },
  generateKey: {
    "RSASSA-PKCS1-v1_5": "RsaHashedKeyGenParams", "RSA-PSS": "RsaHashedKeyGenParams", "RSA-OAEP": "RsaHashedKeyGenParams",
    ECDSA: "EcKeyGenParams", ECDH: "EcKeyGenParams", Ed25519: null, X25519: null, Ed448: null, X448: null,
    ...aes({ ctr: "AesKeyGenParams", cbc: "AesKeyGenParams", gcm: "AesKeyGenParams" }), "AES-KW": "AesKeyGenParams",
    HMAC: "HmacKeyGenParams",
  },
  deriveBits: { ECDH: "EcdhKeyDeriveParams", X25519: "EcdhKeyDeriveParams", X448: "EcdhKeyDeriveParams", HKDF: "HkdfParams", PBKDF2: "Pbkdf2Params" },
  importKey: {
    "RSASSA-PKCS1-v1_5": "RsaHashedImportParams", "RSA-PSS": "RsaHashedImportParams", "RSA-OAEP": "RsaHashedImportParams",
    ECDSA: "EcKeyImportParams", ECDH: "EcKeyImportParams", Ed25519: null, X25519: null, Ed448: null, X448: null,
    ...aes({ ctr: null, cbc: null, gcm: null }), "AES-KW": null,
    HMAC: "HmacImportParams", HKDF: null, PBKDF2: null,
  },
  wrapKey: { "AES-KW": null },
  "get key length": {
    ...aes({ ctr: "AesDerivedKeyParams", cbc: "AesDerivedKeyParams", gcm: "AesDerivedKeyParams" }), "AES-KW": "AesDerivedKeyParams",
    HMAC: "HmacImportParams", HKDF: null, PBKDF2: null,
  },
};
supported.decrypt = supported.encrypt;
supported.verify = supported.sign;
supported.unwrapKey = supported.wrapKey;

// Upper-cased name → registered name, per operation (names match case-insensitively).
const byUpperName = {};
for (const op of Object.keys(supported)) {
  byUpperName[op] = new Map();
  for (const name of Object.keys(supported[op])) byUpperName[op].set(asciiUpper(name), name);
}

function asciiUpper(s) {
  return s.replace(/[a-z]+/g, (m) => m.toUpperCase());
}

// The spec's "normalize an algorithm" for op. Throws TypeError for a malformed
// dictionary and NotSupportedError for an algorithm op does not have.
function normalizeAlgorithm(alg, op) {
  const prefix = "Failed to normalize algorithm";
  if (!webidl.isObject(alg)) alg = { name: converters.DOMString(alg, prefix, "Algorithm") };
  const rawName = alg.name;
  if (rawName === undefined) throw new TypeError(`${prefix}: Required member 'name' is undefined in Algorithm.`);
  const name = converters.DOMString(rawName, prefix, "'name' member of Algorithm");
  const registered = byUpperName[op].get(asciiUpper(name));
  if (registered === undefined) throw notSupported(`Unrecognized algorithm name '${name}' for ${op}.`);
  const dictName = supported[op][registered];
  const out = { name: registered };
  if (dictName !== null) {
    for (const [key, convert, required] of dictionaries[dictName]) {
      const v = alg[key];
      if (v === undefined) {
        if (required) throw new TypeError(`${prefix}: Required member '${key}' is undefined in ${dictName}.`);
        continue;
      }
      out[key] = convert(v, prefix, `'${key}' member of ${dictName}`);
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------
// Usages and JWK checks shared by the algorithms

const usageOrder = ["encrypt", "decrypt", "sign", "verify", "deriveKey", "deriveBits", "wrapKey", "unwrapKey"];

// The usages, without repeats, in the spec's order.
function normalizeUsages(usages) {
  return usageOrder.filter((u) => usages.includes(u));
}

function checkUsages(usages, allowed, what) {
  for (const u of usages) {
    if (!allowed.includes(u)) throw syntaxError(`Usage '${u}' is not valid for ${what}.`);
  }
}

// The checks every JWK import makes: use, key_ops and ext.
function checkJwk(jwk, extractable, usages, use) {
  if (usages.length !== 0 && jwk.use !== undefined && jwk.use !== use) {
    throw dataError(`The JWK "use" member must be "${use}", not "${jwk.use}".`);
  }
  if (jwk.key_ops !== undefined) {
    if (new Set(jwk.key_ops).size !== jwk.key_ops.length) throw dataError(`The JWK "key_ops" member has repeated values.`);
    for (const u of usages) {
      if (!jwk.key_ops.includes(u)) throw dataError(`The JWK "key_ops" member does not include the usage '${u}'.`);
    }
  }
  if (jwk.ext === false && extractable) throw dataError(`The JWK is not extractable ("ext" is false) but extractable is true.`);
}

function requireMember(jwk, member) {
  const v = jwk[member];
  if (v === undefined) throw dataError(`The JWK lacks the "${member}" member.`);
  return base64urlDecode(v, member);
}

function jwkTail(jwk, key) {
  jwk.key_ops = K.usages(key).slice();
  jwk.ext = K.extractable(key);
  return jwk;
}

function exportedBytes(u8) {
  return toArrayBuffer(new Uint8Array(u8));
}

// ---------------------------------------------------------------------------------
// Ops

const opEncrypt = ops.op_crypto_encrypt;
const opDecrypt = ops.op_crypto_decrypt;
const opSign = ops.op_crypto_sign;
const opVerify = ops.op_crypto_verify;
const opEncryptSync = ops.op_crypto_encrypt_sync;
const opDecryptSync = ops.op_crypto_decrypt_sync;
const opSignSync = ops.op_crypto_sign_sync;
const opVerifySync = ops.op_crypto_verify_sync;

// HMAC and AES on inputs this small run on the isolate's thread: the work is a
// microsecond or two, less than an async op's round trip (bindings/crypto/ops.go).
const syncLimit = 64 * 1024;

function symmetric(syncOp, asyncOp, spec, key, data, extra) {
  if (data.byteLength <= syncLimit) return core.opSync(syncOp, spec, key, data, extra);
  return core.opAsync(asyncOp, spec, key, data, extra);
}
const opGenerate = ops.op_crypto_generate_key;
const opDerive = ops.op_crypto_derive_bits;
const opImport = ops.op_crypto_import_key;
const opExport = ops.op_crypto_export_key;

async function exportParts(spec, format, key) {
  return unpack(await core.opAsync(opExport, spec, format, K.data(key)));
}

// ---------------------------------------------------------------------------------
// AES-CTR, AES-CBC, AES-GCM, AES-KW

function aesAlgorithm(name) {
  const suffix = name.slice(4); // CTR, CBC, GCM, KW
  const allowed = name === "AES-KW" ? ["wrapKey", "unwrapKey"] : ["encrypt", "decrypt", "wrapKey", "unwrapKey"];
  function checkLength(bits, errorOf) {
    if (bits !== 128 && bits !== 192 && bits !== 256) throw errorOf(`AES key length must be 128, 192 or 256 bits, not ${bits}.`);
  }
  const impl = {
    async generateKey(alg, extractable, usages) {
      checkUsages(usages, allowed, name);
      checkLength(alg.length, operationError);
      const data = priv.randomBytes(alg.length / 8);
      return K.create("secret", extractable, { name, length: alg.length }, normalizeUsages(usages), data);
    },
    async importKey(format, keyData, alg, extractable, usages) {
      checkUsages(usages, allowed, name);
      let data;
      if (format === "raw") {
        data = keyData;
        checkLength(data.length * 8, dataError);
      } else if (format === "jwk") {
        const jwk = keyData;
        if (jwk.kty !== "oct") throw dataError(`The JWK "kty" member must be "oct" for ${name}.`);
        data = requireMember(jwk, "k");
        checkLength(data.length * 8, dataError);
        const want = `A${data.length * 8}${suffix}`;
        if (jwk.alg !== undefined && jwk.alg !== want) throw dataError(`The JWK "alg" member must be "${want}", not "${jwk.alg}".`);
        checkJwk(jwk, extractable, usages, "enc");
      } else {
        throw notSupported(`${name} keys cannot be imported as '${format}'.`);
      }
      return K.create("secret", extractable, { name, length: data.length * 8 }, normalizeUsages(usages), data);
    },
    async exportKey(format, key) {
      const data = K.data(key);
      if (format === "raw") return exportedBytes(data);
      if (format === "jwk") {
        return jwkTail({ kty: "oct", k: base64urlEncode(data), alg: `A${data.length * 8}${suffix}` }, key);
      }
      throw notSupported(`${name} keys cannot be exported as '${format}'.`);
    },
    getKeyLength(alg) {
      checkLength(alg.length, operationError);
      return alg.length;
    },
  };
  if (name === "AES-KW") {
    impl.wrapKey = async (alg, key, bytes) => symmetric(opEncryptSync, opEncrypt, "AES-KW", K.data(key), bytes, null);
    impl.unwrapKey = async (alg, key, bytes) => symmetric(opDecryptSync, opDecrypt, "AES-KW", K.data(key), bytes, null);
    return impl;
  }
  function params(alg) {
    switch (name) {
      case "AES-CBC":
        if (alg.iv.length !== 16) throw operationError(`AES-CBC iv must be 16 bytes, not ${alg.iv.length}.`);
        return ["AES-CBC", alg.iv];
      case "AES-CTR":
        if (alg.counter.length !== 16) throw operationError(`AES-CTR counter must be 16 bytes, not ${alg.counter.length}.`);
        if (alg.length === 0 || alg.length > 128) throw operationError(`AES-CTR length must be between 1 and 128, not ${alg.length}.`);
        return [`AES-CTR:${alg.length}`, alg.counter];
      default: {
        const tag = alg.tagLength === undefined ? 128 : alg.tagLength;
        if (![32, 64, 96, 104, 112, 120, 128].includes(tag)) throw operationError(`AES-GCM tagLength must be 32, 64, 96, 104, 112, 120 or 128, not ${tag}.`);
        const aad = alg.additionalData || new Uint8Array(0);
        const both = new Uint8Array(alg.iv.length + aad.length);
        both.set(alg.iv);
        both.set(aad, alg.iv.length);
        return [`AES-GCM:${tag}:${alg.iv.length}`, both];
      }
    }
  }
  impl.encrypt = async (alg, key, bytes) => {
    const [spec, p] = params(alg);
    return symmetric(opEncryptSync, opEncrypt, spec, K.data(key), bytes, p);
  };
  impl.decrypt = async (alg, key, bytes) => {
    const [spec, p] = params(alg);
    if (name === "AES-GCM" && bytes.length * 8 < (alg.tagLength === undefined ? 128 : alg.tagLength)) {
      throw operationError("AES-GCM ciphertext is shorter than the tag.");
    }
    return symmetric(opDecryptSync, opDecrypt, spec, K.data(key), bytes, p);
  };
  return impl;
}

// ---------------------------------------------------------------------------------
// HMAC

const hmacAlg = { "SHA-1": "HS1", "SHA-256": "HS256", "SHA-384": "HS384", "SHA-512": "HS512" };

const hmac = {
  async generateKey(alg, extractable, usages) {
    checkUsages(usages, ["sign", "verify"], "HMAC");
    let length;
    if (alg.length === undefined) length = shaBlockBits[alg.hash.name];
    else if (alg.length !== 0) length = alg.length;
    else throw operationError("HMAC key length must not be zero.");
    const data = priv.randomBytes(Math.ceil(length / 8));
    return K.create("secret", extractable, { name: "HMAC", length, hash: { name: alg.hash.name } }, normalizeUsages(usages), data);
  },
  async importKey(format, keyData, alg, extractable, usages) {
    checkUsages(usages, ["sign", "verify"], "HMAC");
    const hash = alg.hash.name;
    let data;
    if (format === "raw") {
      data = keyData;
    } else if (format === "jwk") {
      const jwk = keyData;
      if (jwk.kty !== "oct") throw dataError(`The JWK "kty" member must be "oct" for HMAC.`);
      data = requireMember(jwk, "k");
      if (jwk.alg !== undefined && jwk.alg !== hmacAlg[hash]) throw dataError(`The JWK "alg" member must be "${hmacAlg[hash]}", not "${jwk.alg}".`);
      checkJwk(jwk, extractable, usages, "sig");
    } else {
      throw notSupported(`HMAC keys cannot be imported as '${format}'.`);
    }
    let length = data.length * 8;
    if (length === 0) throw dataError("HMAC key data must not be empty.");
    if (alg.length !== undefined) {
      if (alg.length > length || alg.length <= length - 8) {
        throw dataError(`HMAC length ${alg.length} does not match the key data (${length} bits).`);
      }
      length = alg.length;
    }
    return K.create("secret", extractable, { name: "HMAC", length, hash: { name: hash } }, normalizeUsages(usages), data);
  },
  async exportKey(format, key) {
    const data = K.data(key);
    if (format === "raw") return exportedBytes(data);
    if (format === "jwk") {
      return jwkTail({ kty: "oct", k: base64urlEncode(data), alg: hmacAlg[K.algorithm(key).hash.name] }, key);
    }
    throw notSupported(`HMAC keys cannot be exported as '${format}'.`);
  },
  async sign(alg, key, bytes) {
    const spec = `HMAC:${K.algorithm(key).hash.name}`;
    if (bytes.byteLength <= syncLimit) return core.opSync(opSignSync, spec, K.data(key), bytes);
    return core.opAsync(opSign, spec, K.data(key), bytes);
  },
  async verify(alg, key, sig, bytes) {
    const spec = `HMAC:${K.algorithm(key).hash.name}`;
    if (bytes.byteLength <= syncLimit) return core.opSync(opVerifySync, spec, K.data(key), sig, bytes);
    return core.opAsync(opVerify, spec, K.data(key), sig, bytes);
  },
  getKeyLength(alg) {
    if (alg.length === undefined) return shaBlockBits[alg.hash.name];
    if (alg.length !== 0) return alg.length;
    throw new TypeError("HMAC key length must not be zero.");
  },
};

// ---------------------------------------------------------------------------------
// Asymmetric keys: the pieces RSA, EC and the CFRG curves share

// usages: { private: [...], public: [...] }; generated key pairs split them.
async function generatePair(name, spec, exponent, algorithm, extractable, usages, allowed) {
  const [privData, pubData] = unpack(await core.opAsync(opGenerate, spec, exponent));
  const publicKey = K.create("public", true, algorithm, normalizeUsages(usages.filter((u) => allowed.public.includes(u))), pubData);
  const privateKey = K.create("private", extractable, algorithm, normalizeUsages(usages.filter((u) => allowed.private.includes(u))), privData);
  return { publicKey, privateKey };
}

// The usages an import in this format may ask for; SyntaxError otherwise.
function checkImportUsages(format, keyData, usages, allowed, name) {
  let kind;
  if (format === "pkcs8") kind = "private";
  else if (format === "jwk") kind = keyData.d !== undefined ? "private" : "public";
  else kind = "public";
  checkUsages(usages, allowed[kind], `${name} ${kind} keys`);
  return kind;
}

function checkKeyType(key, type, what) {
  if (K.type(key) !== type) throw invalidAccess(`${what} requires a ${type} key, not a ${K.type(key)} key.`);
}

// ---------------------------------------------------------------------------------
// RSASSA-PKCS1-v1_5, RSA-PSS, RSA-OAEP

const rsaJwkAlg = {
  "RSASSA-PKCS1-v1_5": { "SHA-1": "RS1", "SHA-256": "RS256", "SHA-384": "RS384", "SHA-512": "RS512" },
  "RSA-PSS": { "SHA-1": "PS1", "SHA-256": "PS256", "SHA-384": "PS384", "SHA-512": "PS512" },
  "RSA-OAEP": { "SHA-1": "RSA-OAEP", "SHA-256": "RSA-OAEP-256", "SHA-384": "RSA-OAEP-384", "SHA-512": "RSA-OAEP-512" },
};
const rsaJwkMembers = ["n", "e", "d", "p", "q", "dp", "dq", "qi"];

function rsaAlgorithm(name) {
  const allowed = name === "RSA-OAEP"
    ? { private: ["decrypt", "unwrapKey"], public: ["encrypt", "wrapKey"] }
    : { private: ["sign"], public: ["verify"] };
  const use = name === "RSA-OAEP" ? "enc" : "sig";
  const impl = {
    async generateKey(alg, extractable, usages) {
      checkUsages(usages, [...allowed.private, ...allowed.public], name);
      const algorithm = { name, modulusLength: alg.modulusLength, publicExponent: alg.publicExponent, hash: { name: alg.hash.name } };
      return generatePair(name, `RSA:${alg.modulusLength}`, alg.publicExponent, algorithm, extractable, usages, allowed);
    },
    async importKey(format, keyData, alg, extractable, usages) {
      const kind = checkImportUsages(format, keyData, usages, allowed, name);
      const hash = alg.hash.name;
      let goFormat = format, data = keyData;
      if (format === "jwk") {
        const jwk = keyData;
        if (jwk.kty !== "RSA") throw dataError(`The JWK "kty" member must be "RSA" for ${name}.`);
        checkJwk(jwk, extractable, usages, use);
        if (jwk.alg !== undefined && jwk.alg !== rsaJwkAlg[name][hash]) {
          throw dataError(`The JWK "alg" member must be "${rsaJwkAlg[name][hash]}", not "${jwk.alg}".`);
        }
        if (jwk.oth !== undefined) throw notSupported("RSA keys with more than two primes are not supported.");
        const members = kind === "private" ? rsaJwkMembers : ["n", "e"];
        data = pack(members.map((m) => requireMember(jwk, m)));
        goFormat = `jwk-${kind}`;
      } else if (format !== "spki" && format !== "pkcs8") {
        throw notSupported(`${name} keys cannot be imported as '${format}'.`);
      }
      const [keyBytes, bits, exponent] = unpack(await core.opAsync(opImport, "RSA", goFormat, data));
      const algorithm = { name, modulusLength: Number(priv.utf8Decode(bits)), publicExponent: new Uint8Array(exponent), hash: { name: hash } };
      return K.create(kind, extractable, algorithm, normalizeUsages(usages), keyBytes);
    },
    async exportKey(format, key) {
      const type = K.type(key);
      if (format === "spki" && type !== "public") throw invalidAccess("Only public keys can be exported as 'spki'.");
      if (format === "pkcs8" && type !== "private") throw invalidAccess("Only private keys can be exported as 'pkcs8'.");
      if (format !== "spki" && format !== "pkcs8" && format !== "jwk") throw notSupported(`${name} keys cannot be exported as '${format}'.`);
      const parts = await exportParts(`RSA:${type}`, format, key);
      if (format !== "jwk") return exportedBytes(parts[0]);
      const jwk = { kty: "RSA" };
      for (let i = 0; i < parts.length; i++) jwk[rsaJwkMembers[i]] = base64urlEncode(parts[i]);
      jwk.alg = rsaJwkAlg[name][K.algorithm(key).hash.name];
      return jwkTail(jwk, key);
    },
  };
  if (name === "RSA-OAEP") {
    impl.encrypt = async (alg, key, bytes) => {
      checkKeyType(key, "public", "RSA-OAEP encryption");
      return core.opAsync(opEncrypt, `RSA-OAEP:${K.algorithm(key).hash.name}`, K.data(key), bytes, alg.label || null);
    };
    impl.decrypt = async (alg, key, bytes) => {
      checkKeyType(key, "private", "RSA-OAEP decryption");
      return core.opAsync(opDecrypt, `RSA-OAEP:${K.algorithm(key).hash.name}`, K.data(key), bytes, alg.label || null);
    };
  } else {
    const spec = (alg, key) => name === "RSA-PSS"
      ? `RSA-PSS:${K.algorithm(key).hash.name}:${alg.saltLength}`
      : `${name}:${K.algorithm(key).hash.name}`;
    impl.sign = async (alg, key, bytes) => {
      checkKeyType(key, "private", `${name} signing`);
      return core.opAsync(opSign, spec(alg, key), K.data(key), bytes);
    };
    impl.verify = async (alg, key, sig, bytes) => {
      checkKeyType(key, "public", `${name} verification`);
      return core.opAsync(opVerify, spec(alg, key), K.data(key), sig, bytes);
    };
  }
  return impl;
}

// ---------------------------------------------------------------------------------
// ECDSA, ECDH

const namedCurves = ["P-256", "P-384", "P-521"];
const ecdsaJwkAlg = { ES256: "P-256", ES384: "P-384", ES512: "P-521" };

// ECDH, X25519 and X448 derive the same way: the peer's public key, then the first
// length bits of the shared secret.
async function deriveShared(alg, key, length, spec) {
  const pub = alg.public;
  if (K.type(pub) !== "public") throw invalidAccess("The 'public' member must be a public key.");
  if (K.algorithm(pub).name !== K.algorithm(key).name) {
    throw invalidAccess(`The public key is a ${K.algorithm(pub).name} key, not ${K.algorithm(key).name}.`);
  }
  if (K.algorithm(key).namedCurve !== K.algorithm(pub).namedCurve) throw invalidAccess("The public key is on a different curve.");
  const secret = await core.opAsync(opDerive, spec, K.data(key), K.data(pub), null);
  if (length === null) return secret;
  if (length > secret.length * 8) throw operationError(`The shared secret has ${secret.length * 8} bits, fewer than the ${length} asked for.`);
  const out = secret.slice(0, Math.ceil(length / 8));
  if (length % 8 !== 0) out[out.length - 1] &= (0xff << (8 - (length % 8))) & 0xff;
  return out;
}

function ecAlgorithm(name) {
  const allowed = name === "ECDSA"
    ? { private: ["sign"], public: ["verify"] }
    : { private: ["deriveKey", "deriveBits"], public: [] };
  const impl = {
    async generateKey(alg, extractable, usages) {
      checkUsages(usages, [...allowed.private, ...allowed.public], name);
      if (!namedCurves.includes(alg.namedCurve)) throw notSupported(`Unsupported named curve '${alg.namedCurve}'.`);
      return generatePair(name, `EC:${alg.namedCurve}`, null, { name, namedCurve: alg.namedCurve }, extractable, usages, allowed);
    },
    async importKey(format, keyData, alg, extractable, usages) {
      const kind = checkImportUsages(format, keyData, usages, allowed, name);
      const curve = alg.namedCurve;
      let goFormat = format, data = keyData;
      if (format === "jwk") {
        const jwk = keyData;
        if (jwk.kty !== "EC") throw dataError(`The JWK "kty" member must be "EC" for ${name}.`);
        checkJwk(jwk, extractable, usages, name === "ECDSA" ? "sig" : "enc");
        if (jwk.crv !== curve) throw dataError(`The JWK "crv" member must be "${curve}", not "${jwk.crv}".`);
        if (!namedCurves.includes(curve)) throw notSupported(`Unsupported named curve '${curve}'.`);
        if (name === "ECDSA" && jwk.alg !== undefined) {
          const algCurve = ecdsaJwkAlg[jwk.alg];
          if (algCurve === undefined || algCurve !== curve) throw dataError(`The JWK "alg" member "${jwk.alg}" does not match ${curve}.`);
        }
        const members = kind === "private" ? ["x", "y", "d"] : ["x", "y"];
        data = pack(members.map((m) => requireMember(jwk, m)));
        goFormat = `jwk-${kind}`;
      } else if (format !== "raw" && format !== "spki" && format !== "pkcs8") {
        throw notSupported(`${name} keys cannot be imported as '${format}'.`);
      }
      if (!namedCurves.includes(curve)) throw notSupported(`Unsupported named curve '${curve}'.`);
      const [keyBytes] = unpack(await core.opAsync(opImport, `${name === "ECDH" ? "ECDH" : "EC"}:${curve}`, goFormat, data));
      return K.create(kind, extractable, { name, namedCurve: curve }, normalizeUsages(usages), keyBytes);
    },
    async exportKey(format, key) {
      const type = K.type(key);
      if ((format === "spki" || format === "raw") && type !== "public") throw invalidAccess(`Only public keys can be exported as '${format}'.`);
      if (format === "pkcs8" && type !== "private") throw invalidAccess("Only private keys can be exported as 'pkcs8'.");
      if (format === "raw") return exportedBytes(K.data(key));
      if (format !== "spki" && format !== "pkcs8" && format !== "jwk") throw notSupported(`${name} keys cannot be exported as '${format}'.`);
      const curve = K.algorithm(key).namedCurve;
      const parts = await exportParts(`EC:${curve}:${type}`, format, key);
      if (format !== "jwk") return exportedBytes(parts[0]);
      const jwk = { kty: "EC", crv: curve, x: base64urlEncode(parts[0]), y: base64urlEncode(parts[1]) };
      if (parts.length > 2) jwk.d = base64urlEncode(parts[2]);
      return jwkTail(jwk, key);
    },
  };
  if (name === "ECDSA") {
    const spec = (alg, key) => `ECDSA:${K.algorithm(key).namedCurve}:${alg.hash.name}`;
    impl.sign = async (alg, key, bytes) => {
      checkKeyType(key, "private", "ECDSA signing");
      return core.opAsync(opSign, spec(alg, key), K.data(key), bytes);
    };
    impl.verify = async (alg, key, sig, bytes) => {
      checkKeyType(key, "public", "ECDSA verification");
      return core.opAsync(opVerify, spec(alg, key), K.data(key), sig, bytes);
    };
  } else {
    impl.deriveBits = async (alg, key, length) => {
      checkKeyType(key, "private", "ECDH");
      return deriveShared(alg, key, length, `ECDH:${K.algorithm(key).namedCurve}`);
    };
  }
  return impl;
}

// ---------------------------------------------------------------------------------
// Ed25519, X25519, Ed448, X448

// Ed448's context (RFC 8032 §5.2), at most 255 bytes, crosses to Go in hex.
const ed448MaxContext = 255;

function hexOf(bytes) {
  let s = "";
  for (const b of bytes) s += (b < 16 ? "0" : "") + b.toString(16);
  return s;
}

function okpAlgorithm(name) {
  const signing = name === "Ed25519" || name === "Ed448";
  const allowed = signing
    ? { private: ["sign"], public: ["verify"] }
    : { private: ["deriveKey", "deriveBits"], public: [] };
  const impl = {
    async generateKey(alg, extractable, usages) {
      checkUsages(usages, [...allowed.private, ...allowed.public], name);
      return generatePair(name, name, null, { name }, extractable, usages, allowed);
    },
    async importKey(format, keyData, alg, extractable, usages) {
      const kind = checkImportUsages(format, keyData, usages, allowed, name);
      let goFormat = format, data = keyData;
      if (format === "jwk") {
        const jwk = keyData;
        if (jwk.kty !== "OKP") throw dataError(`The JWK "kty" member must be "OKP" for ${name}.`);
        if (jwk.crv !== name) throw dataError(`The JWK "crv" member must be "${name}", not "${jwk.crv}".`);
        if (signing && jwk.alg !== undefined && jwk.alg !== name && jwk.alg !== "EdDSA") {
          throw dataError(`The JWK "alg" member must be "${name}" or "EdDSA", not "${jwk.alg}".`);
        }
        checkJwk(jwk, extractable, usages, signing ? "sig" : "enc");
        const members = kind === "private" ? ["x", "d"] : ["x"];
        data = pack(members.map((m) => requireMember(jwk, m)));
        goFormat = `jwk-${kind}`;
      } else if (format !== "raw" && format !== "spki" && format !== "pkcs8") {
        throw notSupported(`${name} keys cannot be imported as '${format}'.`);
      }
      const [keyBytes] = unpack(await core.opAsync(opImport, name, goFormat, data));
      return K.create(kind, extractable, { name }, normalizeUsages(usages), keyBytes);
    },
    async exportKey(format, key) {
      const type = K.type(key);
      if ((format === "spki" || format === "raw") && type !== "public") throw invalidAccess(`Only public keys can be exported as '${format}'.`);
      if (format === "pkcs8" && type !== "private") throw invalidAccess("Only private keys can be exported as 'pkcs8'.");
      if (format === "raw") return exportedBytes(K.data(key));
      if (format !== "spki" && format !== "pkcs8" && format !== "jwk") throw notSupported(`${name} keys cannot be exported as '${format}'.`);
      const parts = await exportParts(`${name}:${type}`, format, key);
      if (format !== "jwk") return exportedBytes(parts[0]);
      const jwk = { kty: "OKP", crv: name, x: base64urlEncode(parts[0]) };
      if (parts.length > 1) jwk.d = base64urlEncode(parts[1]);
      if (signing) jwk.alg = name;
      return jwkTail(jwk, key);
    },
  };
  if (signing) {
    // Ed25519 takes no parameters; Ed448 takes Ed448Params' optional context.
    const spec = (alg) => {
      if (name === "Ed25519") return name;
      const context = alg.context || new Uint8Array(0);
      if (context.length > ed448MaxContext) {
        throw operationError(`The Ed448 context must be at most ${ed448MaxContext} bytes, not ${context.length}.`);
      }
      return `Ed448:${hexOf(context)}`;
    };
    impl.sign = async (alg, key, bytes) => {
      checkKeyType(key, "private", `${name} signing`);
      return core.opAsync(opSign, spec(alg), K.data(key), bytes);
    };
    impl.verify = async (alg, key, sig, bytes) => {
      checkKeyType(key, "public", `${name} verification`);
      return core.opAsync(opVerify, spec(alg), K.data(key), sig, bytes);
    };
  } else {
    impl.deriveBits = async (alg, key, length) => {
      checkKeyType(key, "private", name);
      return deriveShared(alg, key, length, name);
    };
  }
  return impl;
}

// ---------------------------------------------------------------------------------
// HKDF, PBKDF2

// As Workers: the derivation runs off the isolate's thread, beyond the CPU limit.
const maxPBKDF2Iterations = 100000;

function kdfAlgorithm(name) {
  return {
    async importKey(format, keyData, alg, extractable, usages) {
      if (format !== "raw") throw notSupported(`${name} keys can only be imported as 'raw'.`);
      checkUsages(usages, ["deriveKey", "deriveBits"], name);
      if (extractable) throw syntaxError(`${name} keys cannot be extractable.`);
      return K.create("secret", false, { name }, normalizeUsages(usages), keyData);
    },
    async deriveBits(alg, key, length) {
      if (length === null) throw operationError(`${name} needs a length.`);
      if (length % 8 !== 0) throw operationError(`${name} length must be a multiple of 8, not ${length}.`);
      if (name === "HKDF") {
        return core.opAsync(opDerive, `HKDF:${alg.hash.name}:${length / 8}`, K.data(key), alg.salt, alg.info);
      }
      if (alg.iterations === 0) throw operationError("PBKDF2 iterations must not be zero.");
      if (alg.iterations > maxPBKDF2Iterations) {
        throw notSupported(`PBKDF2 iteration counts above ${maxPBKDF2Iterations} are not supported (asked for ${alg.iterations}).`);
      }
      return core.opAsync(opDerive, `PBKDF2:${alg.hash.name}:${alg.iterations}:${length / 8}`, K.data(key), alg.salt, null);
    },
    getKeyLength() {
      return null;
    },
  };
}

// ---------------------------------------------------------------------------------

const algorithms = {
  "AES-CTR": aesAlgorithm("AES-CTR"),
  "AES-CBC": aesAlgorithm("AES-CBC"),
  "AES-GCM": aesAlgorithm("AES-GCM"),
  "AES-KW": aesAlgorithm("AES-KW"),
  HMAC: hmac,
  "RSASSA-PKCS1-v1_5": rsaAlgorithm("RSASSA-PKCS1-v1_5"),
  "RSA-PSS": rsaAlgorithm("RSA-PSS"),
  "RSA-OAEP": rsaAlgorithm("RSA-OAEP"),
  ECDSA: ecAlgorithm("ECDSA"),
  ECDH: ecAlgorithm("ECDH"),
  Ed25519: okpAlgorithm("Ed25519"),
  X25519: okpAlgorithm("X25519"),
  Ed448: okpAlgorithm("Ed448"),
  X448: okpAlgorithm("X448"),
  HKDF: kdfAlgorithm("HKDF"),
  PBKDF2: kdfAlgorithm("PBKDF2"),
};

priv.webcrypto = {
  algorithms,
  normalizeAlgorithm,
  isBufferSource,
  copyBytes,
  toArrayBuffer,
};
