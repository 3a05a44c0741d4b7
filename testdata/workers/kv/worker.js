// KV conformance: every method of env.KV, value types, metadata, expiration, listing
// and every error Workers reports, in order against one namespace.

async function err(p) {
  try {
    const v = await p;
    return { ok: v === undefined ? "undefined" : v };
  } catch (e) {
    return { name: e.name, message: e.message };
  }
}
const now = () => Math.floor(Date.now() / 1000);

const tests = {
  async shape(env) {
    const kv = env.KV;
    return {
      tag: Object.prototype.toString.call(kv),
      methods: ["get", "getWithMetadata", "put", "delete", "list"].map((m) => typeof kv[m]),
      promise: kv.get("x") instanceof Promise,
    };
  },
  async putGet(env) {
    const kv = env.KV;
    const put = await kv.put("greeting", "héllo ✓");
    return {
      put: put === undefined,
      text: await kv.get("greeting"),
      textType: await kv.get("greeting", "text"),
      textObj: await kv.get("greeting", { type: "text" }),
      missing: await kv.get("nope"),
      missingJson: await kv.get("nope", "json"),
    };
  },
  async types(env) {
    const kv = env.KV;
    await kv.put("json", JSON.stringify({ a: [1, 2], b: "c" }));
    await kv.put("ab", new Uint8Array([0, 1, 2, 255]).buffer);
    await kv.put("view", new Uint16Array([0x0201, 0x0403]).subarray(1));
    await kv.put("num", 42);
    await kv.put("bom", "\ufeffkeep");
    const ab = await kv.get("ab", "arrayBuffer");
    const stream = await kv.get("json", "stream");
    const streamed = await new Response(stream).text();
    return {
      json: await kv.get("json", "json"),
      ab: [Object.prototype.toString.call(ab), [...new Uint8Array(ab)]],
      view: [...new Uint8Array(await kv.get("view", { type: "arrayBuffer" }))],
      num: await kv.get("num"),
      bom: (await kv.get("bom")).length,
      stream: [Object.prototype.toString.call(stream), streamed],
      badJson: await err(kv.get("greeting", "json")),
      badType: await err(kv.get("greeting", "blob")),
      badTypeMissing: await err(kv.get("nope", "blob")),
    };
  },
  async streamPut(env) {
    const kv = env.KV;
    const body = new Response("from a stream").body;
    await kv.put("streamed", body);
    return { value: await kv.get("streamed") };
  },
  async putRequestBody(env, request) {
    // The incoming body is read from Go chunk by chunk; put() reads it to the end.
    await env.KV.put("posted", request.body);
    return { value: await env.KV.get("posted"), bodyUsed: request.bodyUsed };
  },
  async metadata(env) {
    const kv = env.KV;
    await kv.put("m", "v", { metadata: { tag: "x", n: 1 } });
    await kv.put("plain", "p");
    return {
      with: await kv.getWithMetadata("m"),
      json: await kv.getWithMetadata("m", "json").catch((e) => e.name),
      noMeta: await kv.getWithMetadata("plain"),
      missing: await kv.getWithMetadata("nope"),
      arrayBuffer: (await kv.getWithMetadata("m", { type: "arrayBuffer" })).value.byteLength,
    };
  },
  async expiration(env) {
    const kv = env.KV;
    const exp = now() + 3600;
    await kv.put("ttl", "t", { expirationTtl: 120 });
    await kv.put("abs", "a", { expiration: exp, metadata: [1] });
    const list = await kv.list({ prefix: "abs" });
    return {
      ttl: await kv.get("ttl"),
      listed: list.keys.map((k) => ({ name: k.name, expirationOk: k.expiration === exp, metadata: k.metadata })),
      tooShortTtl: await err(kv.put("x", "y", { expirationTtl: 10 })),
      negativeTtl: await err(kv.put("x", "y", { expirationTtl: -1 })),
      past: await err(kv.put("x", "y", { expiration: 1000 })),
      soon: (await err(kv.put("x", "y", { expiration: now() + 5 }))).message.replace(/\d{9,}/, "N"),
    };
  },
  async del(env) {
    const kv = env.KV;
    await kv.put("gone", "soon");
    const r = await kv.delete("gone");
    return { result: r === undefined, after: await kv.get("gone"), again: await err(kv.delete("gone")) };
  },
  async keyErrors(env) {
    const kv = env.KV;
    const long = "k".repeat(513);
    return {
      empty: await err(kv.get("")),
      dot: await err(kv.put(".", "x")),
      dotdot: await err(kv.delete("..")),
      long: await err(kv.get(long)),
      longPut: await err(kv.put("é".repeat(257), "x")),
      longDelete: await err(kv.delete(long)),
      maxOk: await err(kv.put("k".repeat(512), "ok")),
      badValue: await err(kv.put("k", { a: 1 })),
      nullValue: await err(kv.put("k", null)),
      bigMeta: await err(kv.put("k", "v", { metadata: "x".repeat(1100) })),
      bigValue: await err(kv.put("k", new Uint8Array(25 * 1024 * 1024 + 1))),
      cacheTtl: await err(kv.get("k", { cacheTtl: 10 })),
      cacheTtlOk: await err(kv.get("greeting", { cacheTtl: 60 })),
    };
  },
  async list(env) {
    const kv = env.KV;
    for (const k of ["list/b", "list/a", "list/c", "list/é", "list/z"]) await kv.put(k, k, k === "list/b" ? { metadata: { m: 1 } } : undefined);
    const all = await kv.list({ prefix: "list/" });
    const p1 = await kv.list({ prefix: "list/", limit: 2 });
    const p2 = await kv.list({ prefix: "list/", limit: 2, cursor: p1.cursor });
    const p3 = await kv.list({ prefix: "list/", limit: 2, cursor: p2.cursor });
    const whole = await kv.list();
    return {
      all,
      p1: [p1.keys.map((k) => k.name), p1.list_complete, typeof p1.cursor],
      p2: [p2.keys.map((k) => k.name), p2.list_complete],
      p3: [p3.keys.map((k) => k.name), p3.list_complete, "cursor" in p3],
      wholeCount: whole.keys.length,
      zeroLimit: (await kv.list({ prefix: "list/", limit: 0 })).keys.length,
      tooMany: await err(kv.list({ limit: 1001 })),
      longPrefix: await err(kv.list({ prefix: "p".repeat(513) })),
      badCursor: await err(kv.list({ cursor: "!!" })),
      none: await kv.list({ prefix: "zzz" }),
    };
  },
  async bulk(env) {
    const kv = env.KV;
    const map = await kv.get(["list/a", "nope", "list/b"]);
    const meta = await kv.getWithMetadata(["list/b", "nope"]);
    const json = await kv.get(["json"], "json");
    return {
      tag: Object.prototype.toString.call(map),
      entries: [...map],
      meta: [...meta],
      json: [...json],
      badType: await err(kv.get(["json"], "arrayBuffer")),
      notJson: await err(kv.get(["list/a"], { type: "json" })),
      tooMany: await err(kv.get(Array.from({ length: 101 }, (_, i) => `k${i}`))),
      none: await err(kv.get([])),
      emptyKey: await err(kv.get(["a", ""])),
    };
  },
};

export default {
  async fetch(request, env) {
    const name = new URL(request.url).pathname.slice(1);
    const t = tests[name];
    if (t === undefined) return new Response("no such test", { status: 404 });
    return new Response(JSON.stringify(await t(env, request)), { headers: { "content-type": "application/json" } });
  },
};
