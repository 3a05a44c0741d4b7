// Self-checking WebCrypto fixture. GET /<group> runs one group of assertions against
// crypto.subtle and answers "ok" or the list of failures. Known-answer vectors come
// from FIPS 180, RFC 4231, RFC 3394, the GCM specification, NIST SP 800-38A,
// RFC 5869, RFC 6070, RFC 7748 and RFC 8032 (the 448 vectors too).

const subtle = crypto.subtle;
const enc = new TextEncoder();

const hex = (buf) => [...new Uint8Array(buf)].map((b) => b.toString(16).padStart(2, "0")).join("");
const unhex = (s) => new Uint8Array(s.match(/../g).map((h) => parseInt(h, 16)));
const b64url = (bytes) => btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");

function checker() {
  const failures = [];
  return {
    failures,
    eq(name, got, want) {
      const g = JSON.stringify(got), w = JSON.stringify(want);
      if (g !== w) failures.push(`${name}: got ${g}, want ${w}`);
    },
    ok(name, cond) {
      if (!cond) failures.push(`${name}: false`);
    },
    async rejects(name, promiseFn, errName) {
      try {
        await promiseFn();
        failures.push(`${name}: did not reject`);
      } catch (e) {
        if (e.name !== errName) failures.push(`${name}: rejected with ${e.name} (${e.message}), want ${errName}`);
      }
    },
  };
}

const groups = {
  async digest(t) {
    const abc = enc.encode("abc");
    t.eq("SHA-1", hex(await subtle.digest("SHA-1", abc)), "a9993e364706816aba3e25717850c26c9cd0d89d");
    t.eq("SHA-256", hex(await subtle.digest({ name: "sha-256" }, abc)), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    t.eq("SHA-384", hex(await subtle.digest("SHA-384", abc)), "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7");
    t.eq("SHA-512", hex(await subtle.digest("SHA-512", abc.buffer)),
      "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f");
    // Inputs past the synchronous limit take the async op.
    const big = new Uint8Array(200 * 1024).fill(97);
    t.eq("large input", (await subtle.digest("SHA-256", big)).byteLength, 32);
    t.ok("result is an ArrayBuffer", (await subtle.digest("SHA-1", abc)) instanceof ArrayBuffer);
    // MD5 is a Workers extension of digest() (and DigestStream), nowhere else.
    t.eq("MD5", hex(await subtle.digest("md5", abc)), "900150983cd24fb0d6963f7d28e17f72");
    await t.rejects("HMAC with MD5", () => subtle.generateKey({ name: "HMAC", hash: "MD5" }, true, ["sign"]), "NotSupportedError");
    await t.rejects("SHA-224", () => subtle.digest("SHA-224", abc), "NotSupportedError");
    await t.rejects("string data", () => subtle.digest("SHA-256", "abc"), "TypeError");
    if (typeof WritableStream === "function") {
      const ds = new crypto.DigestStream("SHA-256");
      const w = ds.getWriter();
      await w.write(enc.encode("a"));
      await w.write("bc");
      await w.close();
      t.eq("DigestStream", hex(await ds.digest), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
      t.ok("DigestStream is a WritableStream", ds instanceof WritableStream);
      const md5 = new crypto.DigestStream("MD5");
      const mw = md5.getWriter();
      await mw.write(new Uint8Array([97, 98, 99]).buffer);
      await mw.close();
      t.eq("DigestStream MD5", hex(await md5.digest), "900150983cd24fb0d6963f7d28e17f72");
      const bad = new crypto.DigestStream("SHA-1");
      bad.getWriter().write(42).catch(() => {});
      await t.rejects("DigestStream of a number", () => bad.digest, "TypeError");
      const aborted = new crypto.DigestStream("SHA-1");
      aborted.abort(new RangeError("stop")).catch(() => {});
      await t.rejects("aborted DigestStream", () => aborted.digest, "RangeError");
      try {
        new crypto.DigestStream("SHA-3");
        t.failures.push("DigestStream SHA-3: did not throw");
      } catch (e) {
        t.eq("DigestStream SHA-3", e.name, "NotSupportedError");
      }
    }
  },

  async hmac(t) {
    // RFC 4231 test case 2.
    const key = await subtle.importKey("raw", enc.encode("Jefe"), { name: "HMAC", hash: "SHA-256" }, true, ["sign", "verify"]);
    const data = enc.encode("what do ya want for nothing?");
    const mac = await subtle.sign("HMAC", key, data);
    t.eq("RFC 4231 #2", hex(mac), "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    t.eq("verify", await subtle.verify("HMAC", key, mac, data), true);
    t.eq("verify altered", await subtle.verify("HMAC", key, mac, enc.encode("other")), false);
    t.eq("algorithm", key.algorithm, { name: "HMAC", length: 32, hash: { name: "SHA-256" } });
    t.eq("jwk", await subtle.exportKey("jwk", key), { kty: "oct", k: "SmVmZQ", alg: "HS256", key_ops: ["sign", "verify"], ext: true });
    const gen = await subtle.generateKey({ name: "HMAC", hash: "SHA-512" }, false, ["sign"]);
    t.eq("generated", [gen.type, gen.extractable, gen.algorithm.length, gen.usages], ["secret", false, 1024, ["sign"]]);
    await t.rejects("export non-extractable", () => subtle.exportKey("raw", gen), "InvalidAccessError");
    await t.rejects("verify without the usage", () => subtle.verify("HMAC", gen, mac, data), "InvalidAccessError");
    const fromJwk = await subtle.importKey("jwk", { kty: "oct", k: "SmVmZQ", alg: "HS256" }, { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
    t.eq("jwk import", hex(await subtle.sign("HMAC", fromJwk, data)), hex(mac));
  },

  async aes(t) {
    // GCM specification test case 2: zero key, zero IV, one zero block.
    const zero = await subtle.importKey("raw", new Uint8Array(16), "AES-GCM", true, ["encrypt", "decrypt"]);
    const ct = await subtle.encrypt({ name: "AES-GCM", iv: new Uint8Array(12) }, zero, new Uint8Array(16));
    t.eq("GCM #2", hex(ct), "0388dace60b6a392f328c2b971b2fe78ab6e47d42cec13bdf53a67b21257bddf");
    const short = await subtle.encrypt({ name: "AES-GCM", iv: new Uint8Array(12), tagLength: 64 }, zero, new Uint8Array(16));
    t.eq("GCM 64-bit tag", hex(short), "0388dace60b6a392f328c2b971b2fe78ab6e47d42cec13bd");
    t.eq("GCM 64-bit tag decrypt", hex(await subtle.decrypt({ name: "AES-GCM", iv: new Uint8Array(12), tagLength: 64 }, zero, short)), "00".repeat(16));
    const bad = new Uint8Array(ct);
    bad[0] ^= 1;
    await t.rejects("GCM altered", () => subtle.decrypt({ name: "AES-GCM", iv: new Uint8Array(12) }, zero, bad), "OperationError");

    // SP 800-38A F.2.1 (CBC) and F.5.1 (CTR), first block.
    const k = unhex("2b7e151628aed2a6abf7158809cf4f3c");
    const p = unhex("6bc1bee22e409f96e93d7e117393172a");
    const cbc = await subtle.importKey("raw", k, { name: "AES-CBC" }, false, ["encrypt", "decrypt"]);
    const cbcOut = await subtle.encrypt({ name: "AES-CBC", iv: unhex("000102030405060708090a0b0c0d0e0f") }, cbc, p);
    t.eq("CBC", hex(cbcOut).slice(0, 32), "7649abac8119b246cee98e9b12e9197d");
    t.eq("CBC padding", cbcOut.byteLength, 32);
    t.eq("CBC decrypt", hex(await subtle.decrypt({ name: "AES-CBC", iv: unhex("000102030405060708090a0b0c0d0e0f") }, cbc, cbcOut)), hex(p));
    const ctr = await subtle.importKey("raw", k, "AES-CTR", false, ["encrypt"]);
    t.eq("CTR", hex(await subtle.encrypt({ name: "AES-CTR", counter: unhex("f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff"), length: 64 }, ctr, p)),
      "874d6191b620e3261bef6864990db6ce");
    await t.rejects("CTR length 0", () => subtle.encrypt({ name: "AES-CTR", counter: new Uint8Array(16), length: 0 }, ctr, p), "OperationError");
    await t.rejects("CBC short iv", () => subtle.encrypt({ name: "AES-CBC", iv: new Uint8Array(8) }, cbc, p), "OperationError");

    // RFC 3394 §4.1 through wrapKey / unwrapKey.
    const kek = await subtle.importKey("raw", unhex("000102030405060708090A0B0C0D0E0F"), "AES-KW", false, ["wrapKey", "unwrapKey"]);
    const inner = await subtle.importKey("raw", unhex("00112233445566778899AABBCCDDEEFF"), "AES-CBC", true, ["encrypt"]);
    const wrapped = await subtle.wrapKey("raw", inner, kek, "AES-KW");
    t.eq("AES-KW", hex(wrapped), "1fa68b0a8112b447aef34bd8fb5a7b829d3e862371d2cfe5");
    const unwrapped = await subtle.unwrapKey("raw", wrapped, kek, "AES-KW", "AES-CBC", true, ["decrypt"]);
    t.eq("unwrapped", hex(await subtle.exportKey("raw", unwrapped)), "00112233445566778899aabbccddeeff");
    t.eq("unwrapped algorithm", unwrapped.algorithm, { name: "AES-CBC", length: 128 });

    // Generated keys, JWK export, wrapping a JWK with AES-GCM.
    const gen = await subtle.generateKey({ name: "AES-GCM", length: 256 }, true, ["encrypt", "decrypt", "wrapKey", "unwrapKey"]);
    const jwk = await subtle.exportKey("jwk", gen);
    t.eq("jwk alg", [jwk.kty, jwk.alg, jwk.k.length], ["oct", "A256GCM", 43]);
    const iv = crypto.getRandomValues(new Uint8Array(12));
    const wrappedJwk = await subtle.wrapKey("jwk", gen, gen, { name: "AES-GCM", iv });
    const back = await subtle.unwrapKey("jwk", wrappedJwk, gen, { name: "AES-GCM", iv }, "AES-GCM", true, ["encrypt"]);
    t.eq("jwk wrap round trip", (await subtle.exportKey("jwk", back)).k, jwk.k);
    await t.rejects("bad AES length", () => subtle.generateKey({ name: "AES-GCM", length: 100 }, true, ["encrypt"]), "OperationError");
    await t.rejects("empty usages", () => subtle.generateKey({ name: "AES-GCM", length: 128 }, true, []), "SyntaxError");
    await t.rejects("bad usage", () => subtle.generateKey({ name: "AES-GCM", length: 128 }, true, ["sign"]), "SyntaxError");
    await t.rejects("wrong algorithm", () => subtle.encrypt({ name: "AES-CBC", iv: new Uint8Array(16) }, gen, p), "InvalidAccessError");
  },

  async ecdsa(t) {
    for (const [curve, hash, size] of [["P-256", "SHA-256", 64], ["P-384", "SHA-384", 96], ["P-521", "SHA-512", 132]]) {
      const pair = await subtle.generateKey({ name: "ECDSA", namedCurve: curve }, true, ["sign", "verify"]);
      t.eq(`${curve} usages`, [pair.privateKey.usages, pair.publicKey.usages, pair.publicKey.extractable], [["sign"], ["verify"], true]);
      const data = enc.encode("hello");
      const sig = await subtle.sign({ name: "ECDSA", hash }, pair.privateKey, data);
      t.eq(`${curve} signature size`, sig.byteLength, size);
      t.eq(`${curve} verify`, await subtle.verify({ name: "ECDSA", hash }, pair.publicKey, sig, data), true);
      t.eq(`${curve} verify other data`, await subtle.verify({ name: "ECDSA", hash }, pair.publicKey, sig, enc.encode("hellO")), false);
      const jwk = await subtle.exportKey("jwk", pair.privateKey);
      t.eq(`${curve} jwk`, [jwk.kty, jwk.crv, typeof jwk.d, jwk.key_ops], ["EC", curve, "string", ["sign"]]);
      const imported = await subtle.importKey("jwk", jwk, { name: "ECDSA", namedCurve: curve }, false, ["sign"]);
      const sig2 = await subtle.sign({ name: "ECDSA", hash }, imported, data);
      t.eq(`${curve} jwk round trip`, await subtle.verify({ name: "ECDSA", hash }, pair.publicKey, sig2, data), true);
      const spki = await subtle.exportKey("spki", pair.publicKey);
      const raw = await subtle.exportKey("raw", pair.publicKey);
      const fromSpki = await subtle.importKey("spki", spki, { name: "ECDSA", namedCurve: curve }, true, ["verify"]);
      t.eq(`${curve} spki round trip`, hex(await subtle.exportKey("raw", fromSpki)), hex(raw));
      const pkcs8 = await subtle.exportKey("pkcs8", pair.privateKey);
      const fromPkcs8 = await subtle.importKey("pkcs8", pkcs8, { name: "ECDSA", namedCurve: curve }, true, ["sign"]);
      t.eq(`${curve} pkcs8 round trip`, (await subtle.exportKey("jwk", fromPkcs8)).d, jwk.d);
      await t.rejects(`${curve} sign with the public key`, () => subtle.sign({ name: "ECDSA", hash }, pair.publicKey, data), "InvalidAccessError");
      await t.rejects(`${curve} raw export of a private key`, () => subtle.exportKey("raw", pair.privateKey), "InvalidAccessError");
    }
    await t.rejects("unknown curve", () => subtle.generateKey({ name: "ECDSA", namedCurve: "P-192" }, true, ["sign"]), "NotSupportedError");
    await t.rejects("missing namedCurve", () => subtle.generateKey({ name: "ECDSA" }, true, ["sign"]), "TypeError");
  },

  async ecdh(t) {
    const a = await subtle.generateKey({ name: "ECDH", namedCurve: "P-384" }, false, ["deriveBits", "deriveKey"]);
    const b = await subtle.generateKey({ name: "ECDH", namedCurve: "P-384" }, false, ["deriveBits"]);
    const ab = await subtle.deriveBits({ name: "ECDH", public: b.publicKey }, a.privateKey, 384);
    const ba = await subtle.deriveBits({ name: "ECDH", public: a.publicKey }, b.privateKey);
    t.eq("shared secret", hex(ab), hex(ba));
    t.eq("truncated", hex(await subtle.deriveBits({ name: "ECDH", public: b.publicKey }, a.privateKey, 128)), hex(ab).slice(0, 32));
    const aesKey = await subtle.deriveKey({ name: "ECDH", public: b.publicKey }, a.privateKey, { name: "AES-GCM", length: 256 }, true, ["encrypt"]);
    t.eq("derived key", hex(await subtle.exportKey("raw", aesKey)), hex(ab).slice(0, 64));
    await t.rejects("too many bits", () => subtle.deriveBits({ name: "ECDH", public: b.publicKey }, a.privateKey, 392), "OperationError");
    const other = await subtle.generateKey({ name: "ECDH", namedCurve: "P-256" }, false, ["deriveBits"]);
    await t.rejects("other curve", () => subtle.deriveBits({ name: "ECDH", public: other.publicKey }, a.privateKey, 128), "InvalidAccessError");
    await t.rejects("private key as public", () => subtle.deriveBits({ name: "ECDH", public: b.privateKey }, a.privateKey, 128), "InvalidAccessError");
  },

  async okp(t) {
    // RFC 8032 §7.1 test 1.
    const seed = unhex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60");
    const pub = unhex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
    const priv = await subtle.importKey("jwk", { kty: "OKP", crv: "Ed25519", x: b64url(pub), d: b64url(seed) }, "Ed25519", true, ["sign"]);
    const sig = await subtle.sign("Ed25519", priv, new Uint8Array(0));
    t.eq("Ed25519 RFC 8032", hex(sig), "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b");
    const pubKey = await subtle.importKey("raw", pub, { name: "Ed25519" }, true, ["verify"]);
    t.eq("Ed25519 verify", await subtle.verify("Ed25519", pubKey, sig, new Uint8Array(0)), true);
    t.eq("Ed25519 jwk", await subtle.exportKey("jwk", pubKey), { kty: "OKP", crv: "Ed25519", x: b64url(pub), alg: "Ed25519", key_ops: ["verify"], ext: true });
    const pair = await subtle.generateKey("Ed25519", false, ["sign", "verify"]);
    const s2 = await subtle.sign({ name: "Ed25519" }, pair.privateKey, enc.encode("x"));
    t.eq("Ed25519 generated", await subtle.verify("Ed25519", pair.publicKey, s2, enc.encode("x")), true);
    t.ok("no namedCurve", !("namedCurve" in pair.publicKey.algorithm));

    // RFC 7748 §6.1.
    const alice = unhex("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a");
    const alicePub = unhex("8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a");
    const bobPub = unhex("de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f");
    const a = await subtle.importKey("jwk", { kty: "OKP", crv: "X25519", x: b64url(alicePub), d: b64url(alice) }, "X25519", false, ["deriveBits"]);
    const b = await subtle.importKey("raw", bobPub, "X25519", false, []);
    t.eq("X25519 RFC 7748", hex(await subtle.deriveBits({ name: "X25519", public: b }, a, 256)),
      "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742");
    const zero = await subtle.importKey("raw", new Uint8Array(32), "X25519", false, []);
    await t.rejects("X25519 small-order peer", () => subtle.deriveBits({ name: "X25519", public: zero }, a, 256), "OperationError");
    await t.rejects("X25519 public usages", () => subtle.importKey("raw", bobPub, "X25519", false, ["deriveBits"]), "SyntaxError");
  },

  async okp448(t) {
    // RFC 8032 §7.4, "1 octet" and "1 octet (with context)".
    const seed = unhex("c4eab05d357007c632f3dbb48489924d552b08fe0c353a0d4a1f00acda2c463afbea67c5e8d2877c5e3bc397a659949ef8021e954e0a12274e");
    const pub = unhex("43ba28f430cdff456ae531545f7ecd0ac834a55d9358c0372bfa0c6c6798c0866aea01eb00742802b8438ea4cb82169c235160627b4c3a9480");
    const msg = unhex("03");
    const want = "26b8f91727bd62897af15e41eb43c377efb9c610d48f2335cb0bd0087810f4352541b143c4b981b7e18f62de8ccdf633fc1bf037ab7cd779805e0dbcc0aae1cbcee1afb2e027df36bc04dcecbf154336c19f0af7e0a6472905e799f1953d2a0ff3348ab21aa4adafd1d234441cf807c03a00";
    const wantFoo = "d4f8f6131770dd46f40867d6fd5d5055de43541f8c5e35abbcd001b32a89f7d2151f7647f11d8ca2ae279fb842d607217fce6e042f6815ea000c85741de5c8da1144a6a1aba7f96de42505d7a7298524fda538fccbbb754f578c1cad10d54d0d5428407e85dcbc98a49155c13764e66c3c00";
    const priv = await subtle.importKey("jwk", { kty: "OKP", crv: "Ed448", x: b64url(pub), d: b64url(seed), alg: "EdDSA" }, "Ed448", true, ["sign"]);
    t.eq("Ed448 RFC 8032", hex(await subtle.sign("Ed448", priv, msg)), want);
    t.eq("Ed448 RFC 8032 with context", hex(await subtle.sign({ name: "Ed448", context: enc.encode("foo") }, priv, msg)), wantFoo);
    const pubKey = await subtle.importKey("raw", pub, { name: "ed448" }, true, ["verify"]);
    t.eq("Ed448 algorithm", pubKey.algorithm, { name: "Ed448" });
    t.eq("Ed448 verify", await subtle.verify("Ed448", pubKey, unhex(want), msg), true);
    t.eq("Ed448 verify with context", await subtle.verify({ name: "Ed448", context: enc.encode("foo") }, pubKey, unhex(wantFoo), msg), true);
    t.eq("Ed448 verify under another context", await subtle.verify({ name: "Ed448", context: enc.encode("bar") }, pubKey, unhex(wantFoo), msg), false);
    t.eq("Ed448 jwk", await subtle.exportKey("jwk", pubKey), { kty: "OKP", crv: "Ed448", x: b64url(pub), alg: "Ed448", key_ops: ["verify"], ext: true });
    const jwk = await subtle.exportKey("jwk", priv);
    t.eq("Ed448 private jwk", [jwk.d, jwk.x, jwk.alg], [b64url(seed), b64url(pub), "Ed448"]);
    const pkcs8 = await subtle.exportKey("pkcs8", priv);
    t.eq("Ed448 pkcs8", hex(pkcs8), "3047020100300506032b6571043b0439" + hex(seed));
    const fromPkcs8 = await subtle.importKey("pkcs8", pkcs8, "Ed448", false, ["sign"]);
    t.eq("Ed448 pkcs8 round trip", hex(await subtle.sign("Ed448", fromPkcs8, msg)), want);
    const spki = await subtle.exportKey("spki", pubKey);
    t.eq("Ed448 spki", hex(spki), "3043300506032b6571033a00" + hex(pub));
    const fromSpki = await subtle.importKey("spki", spki, "Ed448", false, ["verify"]);
    t.eq("Ed448 spki round trip", await subtle.verify("Ed448", fromSpki, unhex(want), msg), true);
    const pair = await subtle.generateKey("Ed448", false, ["sign", "verify"]);
    const s2 = await subtle.sign({ name: "Ed448" }, pair.privateKey, enc.encode("x"));
    t.eq("Ed448 generated", [s2.byteLength, await subtle.verify("Ed448", pair.publicKey, s2, enc.encode("x"))], [114, true]);
    t.eq("Ed448 generated usages", [pair.publicKey.usages, pair.privateKey.usages], [["verify"], ["sign"]]);
    await t.rejects("Ed448 context over 255 bytes", () => subtle.sign({ name: "Ed448", context: new Uint8Array(256) }, priv, msg), "OperationError");
    await t.rejects("Ed448 context not a buffer", () => subtle.sign({ name: "Ed448", context: "foo" }, priv, msg), "TypeError");
    await t.rejects("Ed448 56-byte raw key", () => subtle.importKey("raw", pub.slice(1), "Ed448", false, ["verify"]), "DataError");
    await t.rejects("Ed448 jwk alg Ed25519", () => subtle.importKey("jwk", { kty: "OKP", crv: "Ed448", x: b64url(pub), alg: "Ed25519" }, "Ed448", false, ["verify"]), "DataError");
    await t.rejects("Ed448 key as Ed25519", () => subtle.importKey("spki", spki, "Ed25519", false, ["verify"]), "DataError");
    await t.rejects("Ed448 sign with the public key", () => subtle.sign("Ed448", pubKey, msg), "InvalidAccessError");

    // RFC 7748 §6.2.
    const alice = unhex("9a8f4925d1519f5775cf46b04b5800d4ee9ee8bae8bc5565d498c28dd9c9baf574a9419744897391006382a6f127ab1d9ac2d8c0a598726b");
    const alicePub = unhex("9b08f7cc31b7e3e67d22d5aea121074a273bd2b83de09c63faa73d2c22c5d9bbc836647241d953d40c5b12da88120d53177f80e532c41fa0");
    const bobPub = unhex("3eb7a829b0cd20f5bcfc0b599b6feccf6da4627107bdb0d4f345b43027d8b972fc3e34fb4232a13ca706dcb57aec3dae07bdc1c67bf33609");
    const shared = "07fff4181ac6cc95ec1c16a94a0f74d12da232ce40a77552281d282bb60c0b56fd2464c335543936521c24403085d59a449a5037514a879d";
    const a = await subtle.importKey("jwk", { kty: "OKP", crv: "X448", x: b64url(alicePub), d: b64url(alice) }, "X448", true, ["deriveBits", "deriveKey"]);
    const b = await subtle.importKey("raw", bobPub, "X448", true, []);
    t.eq("X448 RFC 7748", hex(await subtle.deriveBits({ name: "X448", public: b }, a, 448)), shared);
    t.eq("X448 whole secret", hex(await subtle.deriveBits({ name: "X448", public: b }, a)), shared);
    t.eq("X448 truncated", hex(await subtle.deriveBits({ name: "X448", public: b }, a, 100)), shared.slice(0, 25) + "0");
    const aes = await subtle.deriveKey({ name: "X448", public: b }, a, { name: "AES-GCM", length: 256 }, true, ["encrypt"]);
    t.eq("X448 deriveKey", hex(await subtle.exportKey("raw", aes)), shared.slice(0, 64));
    await t.rejects("X448 too many bits", () => subtle.deriveBits({ name: "X448", public: b }, a, 456), "OperationError");
    const xPkcs8 = await subtle.exportKey("pkcs8", a);
    t.eq("X448 pkcs8", hex(xPkcs8), "3046020100300506032b656f043a0438" + hex(alice));
    const xSpki = await subtle.exportKey("spki", b);
    t.eq("X448 spki", hex(xSpki), "3042300506032b656f033900" + hex(bobPub));
    const a2 = await subtle.importKey("pkcs8", xPkcs8, "X448", false, ["deriveBits"]);
    const b2 = await subtle.importKey("spki", xSpki, "X448", false, []);
    t.eq("X448 DER round trip", hex(await subtle.deriveBits({ name: "X448", public: b2 }, a2, 448)), shared);
    t.eq("X448 jwk", await subtle.exportKey("jwk", b), { kty: "OKP", crv: "X448", x: b64url(bobPub), key_ops: [], ext: true });
    const zero = await subtle.importKey("raw", new Uint8Array(56), "X448", false, []);
    await t.rejects("X448 small-order peer", () => subtle.deriveBits({ name: "X448", public: zero }, a, 448), "OperationError");
    await t.rejects("X448 public usages", () => subtle.importKey("raw", bobPub, "X448", false, ["deriveBits"]), "SyntaxError");
    const x25519 = await subtle.generateKey("X25519", false, ["deriveBits"]);
    await t.rejects("X448 with an X25519 peer", () => subtle.deriveBits({ name: "X448", public: x25519.publicKey }, a, 448), "InvalidAccessError");
    const p1 = await subtle.generateKey("X448", false, ["deriveBits"]);
    const p2 = await subtle.generateKey({ name: "X448" }, true, ["deriveBits"]);
    const s12 = await subtle.deriveBits({ name: "X448", public: p2.publicKey }, p1.privateKey, 448);
    const s21 = await subtle.deriveBits({ name: "X448", public: p1.publicKey }, p2.privateKey, 448);
    t.eq("X448 generated", [s12.byteLength, hex(s12)], [56, hex(s21)]);
  },

  async rsa(t) {
    const alg = { modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: "SHA-256" };
    const data = enc.encode("sign me");
    const pkcs = await subtle.generateKey({ name: "RSASSA-PKCS1-v1_5", ...alg }, true, ["sign", "verify"]);
    t.eq("algorithm", [pkcs.publicKey.algorithm.modulusLength, [...pkcs.publicKey.algorithm.publicExponent], pkcs.publicKey.algorithm.hash],
      [2048, [1, 0, 1], { name: "SHA-256" }]);
    const s1 = await subtle.sign("RSASSA-PKCS1-v1_5", pkcs.privateKey, data);
    t.eq("PKCS1 verify", await subtle.verify("RSASSA-PKCS1-v1_5", pkcs.publicKey, s1, data), true);
    t.eq("PKCS1 deterministic", hex(await subtle.sign("RSASSA-PKCS1-v1_5", pkcs.privateKey, data)), hex(s1));
    const jwk = await subtle.exportKey("jwk", pkcs.privateKey);
    t.eq("jwk members", Object.keys(jwk).sort(), ["alg", "d", "dp", "dq", "e", "ext", "key_ops", "kty", "n", "p", "q", "qi"]);
    t.eq("jwk alg", [jwk.alg, jwk.e], ["RS256", "AQAB"]);
    const fromJwk = await subtle.importKey("jwk", jwk, { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" }, false, ["sign"]);
    t.eq("jwk round trip", hex(await subtle.sign("RSASSA-PKCS1-v1_5", fromJwk, data)), hex(s1));
    await t.rejects("jwk alg mismatch", () => subtle.importKey("jwk", jwk, { name: "RSASSA-PKCS1-v1_5", hash: "SHA-1" }, false, ["sign"]), "DataError");
    const spki = await subtle.exportKey("spki", pkcs.publicKey);
    const pss = await subtle.importKey("spki", spki, { name: "RSA-PSS", hash: "SHA-256" }, false, ["verify"]);
    const pssPriv = await subtle.importKey("pkcs8", await subtle.exportKey("pkcs8", pkcs.privateKey), { name: "RSA-PSS", hash: "SHA-256" }, false, ["sign"]);
    for (const saltLength of [0, 32]) {
      const s = await subtle.sign({ name: "RSA-PSS", saltLength }, pssPriv, data);
      t.eq(`PSS salt ${saltLength}`, await subtle.verify({ name: "RSA-PSS", saltLength }, pss, s, data), true);
      t.eq(`PSS salt ${saltLength} as another`, await subtle.verify({ name: "RSA-PSS", saltLength: 32 - saltLength }, pss, s, data), false);
    }
    const oaep = await subtle.generateKey({ name: "RSA-OAEP", ...alg, hash: "SHA-1" }, false, ["encrypt", "decrypt"]);
    const label = enc.encode("label");
    const ct = await subtle.encrypt({ name: "RSA-OAEP", label }, oaep.publicKey, enc.encode("secret"));
    t.eq("OAEP", new TextDecoder().decode(await subtle.decrypt({ name: "RSA-OAEP", label }, oaep.privateKey, ct)), "secret");
    await t.rejects("OAEP wrong label", () => subtle.decrypt({ name: "RSA-OAEP" }, oaep.privateKey, ct), "OperationError");
    await t.rejects("OAEP decrypt with the public key", () => subtle.decrypt({ name: "RSA-OAEP" }, oaep.publicKey, ct), "InvalidAccessError");
    await t.rejects("modulusLength beyond 4096", () => subtle.generateKey({ name: "RSA-PSS", ...alg, modulusLength: 8192 }, false, ["sign"]), "OperationError");
    await t.rejects("exponent 3", () => subtle.generateKey({ name: "RSA-OAEP", ...alg, publicExponent: new Uint8Array([3]) }, false, ["encrypt", "decrypt"]), "OperationError");
  },

  async kdf(t) {
    // RFC 5869 test case 1.
    const ikm = await subtle.importKey("raw", new Uint8Array(22).fill(0x0b), "HKDF", false, ["deriveBits", "deriveKey"]);
    const okm = await subtle.deriveBits({ name: "HKDF", hash: "SHA-256", salt: unhex("000102030405060708090a0b0c"), info: unhex("f0f1f2f3f4f5f6f7f8f9") }, ikm, 336);
    t.eq("HKDF", hex(okm), "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865");
    await t.rejects("HKDF without length", () => subtle.deriveBits({ name: "HKDF", hash: "SHA-256", salt: new Uint8Array(), info: new Uint8Array() }, ikm), "OperationError");
    const hkdfKey = await subtle.deriveKey({ name: "HKDF", hash: "SHA-256", salt: new Uint8Array(), info: new Uint8Array() }, ikm,
      { name: "HMAC", hash: "SHA-1", length: 160 }, true, ["sign"]);
    t.eq("HKDF deriveKey", (await subtle.exportKey("raw", hkdfKey)).byteLength, 20);
    // RFC 6070, 4096 iterations.
    const pw = await subtle.importKey("raw", enc.encode("password"), { name: "PBKDF2" }, false, ["deriveBits"]);
    t.eq("PBKDF2", hex(await subtle.deriveBits({ name: "PBKDF2", hash: "SHA-1", salt: enc.encode("salt"), iterations: 4096 }, pw, 160)),
      "4b007901b765489abead49d926f721d065a429c1");
    await t.rejects("PBKDF2 zero iterations", () => subtle.deriveBits({ name: "PBKDF2", hash: "SHA-1", salt: enc.encode("salt"), iterations: 0 }, pw, 160), "OperationError");
    await t.rejects("PBKDF2 beyond 100000 iterations", () => subtle.deriveBits({ name: "PBKDF2", hash: "SHA-1", salt: enc.encode("salt"), iterations: 100001 }, pw, 160), "NotSupportedError");
    await t.rejects("PBKDF2 extractable", () => subtle.importKey("raw", enc.encode("pw"), "PBKDF2", true, ["deriveBits"]), "SyntaxError");
    await t.rejects("PBKDF2 export", () => subtle.exportKey("raw", pw), "NotSupportedError");
  },

  async api(t) {
    t.eq("interfaces", [typeof SubtleCrypto, typeof CryptoKey, crypto.subtle instanceof SubtleCrypto], ["function", "function", true]);
    try {
      new CryptoKey();
      t.failures.push("new CryptoKey(): did not throw");
    } catch (e) {
      t.eq("new CryptoKey()", e.name, "TypeError");
    }
    const key = await subtle.generateKey({ name: "AES-CTR", length: 128 }, true, ["encrypt", "encrypt", "decrypt"]);
    t.ok("algorithm is cached", key.algorithm === key.algorithm);
    t.ok("usages is cached", key.usages === key.usages);
    t.eq("usages without repeats", key.usages, ["encrypt", "decrypt"]);
    key.algorithm.length = 1;
    t.eq("algorithm cannot change the key", (await subtle.exportKey("raw", key)).byteLength, 16);
    t.eq("toStringTag", Object.prototype.toString.call(key), "[object CryptoKey]");
    await t.rejects("unknown algorithm", () => subtle.generateKey("AES-XTS", true, ["encrypt"]), "NotSupportedError");
    await t.rejects("no name", () => subtle.generateKey({ length: 128 }, true, ["encrypt"]), "TypeError");
    await t.rejects("not a key", () => subtle.encrypt({ name: "AES-CTR", counter: new Uint8Array(16), length: 64 }, {}, new Uint8Array(1)), "TypeError");
    await t.rejects("bad usage value", () => subtle.generateKey({ name: "AES-CTR", length: 128 }, true, ["frobnicate"]), "TypeError");
    await t.rejects("bad format", () => subtle.exportKey("pem", key), "TypeError");
    await t.rejects("jwk with a buffer", () => subtle.importKey("jwk", new Uint8Array(16), "AES-CTR", true, ["encrypt"]), "TypeError");
    await t.rejects("jwk without k", () => subtle.importKey("jwk", { kty: "oct" }, "AES-CTR", true, ["encrypt"]), "DataError");
    await t.rejects("jwk bad base64url", () => subtle.importKey("jwk", { kty: "oct", k: "a+b/" }, "AES-CTR", true, ["encrypt"]), "DataError");
    await t.rejects("jwk ext false", () => subtle.importKey("jwk", { kty: "oct", k: "AAAAAAAAAAAAAAAAAAAAAA", ext: false }, "AES-CTR", true, ["encrypt"]), "DataError");
    await t.rejects("illegal invocation", () => SubtleCrypto.prototype.digest.call({}, "SHA-256", new Uint8Array()), "TypeError");
    t.eq("timingSafeEqual", [subtle.timingSafeEqual(new Uint8Array([1, 2]), new Uint8Array([1, 2])), subtle.timingSafeEqual(new Uint8Array([1, 2]), new Uint8Array([1, 3]))], [true, false]);
    try {
      subtle.timingSafeEqual(new Uint8Array(1), new Uint8Array(2));
      t.failures.push("timingSafeEqual of different lengths: did not throw");
    } catch (e) {
      t.eq("timingSafeEqual of different lengths", e.name, "RangeError");
    }
  },
};

// console.log of a key (the case in cases.json states the exact line).
async function inspect() {
  const key = await subtle.importKey("raw", enc.encode("Jefe"), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  console.log(key);
  return new Response("ok");
}

export default {
  async fetch(request) {
    const group = new URL(request.url).pathname.slice(1);
    if (group === "inspect") return inspect();
    const run = groups[group];
    if (run === undefined) return new Response(`no group ${group}`, { status: 404 });
    const t = checker();
    try {
      await run(t);
    } catch (e) {
      t.failures.push(`threw ${e && e.name}: ${e && e.message}`);
    }
    return new Response(t.failures.length === 0 ? "ok" : t.failures.join("\n"));
  },
};
