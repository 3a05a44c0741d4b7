// Cache API conformance: caches.default and caches.open(name) with Workers' rules for
// what put() accepts and stores and how match() answers (304, 206, 416, Vary,
// ignoreMethod), run in order against one store.

const U = "https://example.com";
async function err(p) {
  try {
    const v = await p;
    return { ok: v === undefined ? "undefined" : v };
  } catch (e) {
    return { name: e.name, message: e.message };
  }
}
function errSync(f) {
  try {
    f();
    return "no error";
  } catch (e) {
    return { name: e.name, message: e.message };
  }
}
async function show(r) {
  if (r === undefined) return "undefined";
  const headers = [...r.headers].filter(([k]) => k !== "date");
  return { status: r.status, statusText: r.statusText, headers, body: await r.text() };
}

const tests = {
  async shape() {
    const d = caches.default;
    return {
      caches: Object.prototype.toString.call(caches),
      same: caches.default === d,
      cache: Object.prototype.toString.call(d),
      methods: ["match", "put", "delete", "add", "addAll"].map((m) => typeof d[m]),
      globals: [typeof Cache, typeof CacheStorage],
      newCache: errSync(() => new Cache()),
      newStorage: errSync(() => new CacheStorage()),
      openPromise: caches.open("x") instanceof Promise,
      opened: Object.prototype.toString.call(await caches.open("x")),
      tooLong: await err(caches.open("n".repeat(1024))),
      longOk: Object.prototype.toString.call(await caches.open("n".repeat(1023))),
    };
  },
  async putMatch() {
    const c = caches.default;
    const resp = new Response("cached body", { headers: { "content-type": "text/plain", "cache-control": "max-age=3600", etag: '"v1"', "x-custom": "a" } });
    const put = await c.put(`${U}/a`, resp);
    const hit = await c.match(`${U}/a`);
    const immutable = errSync(() => hit.headers.set("x", "y"));
    return {
      put,
      bodyUsed: resp.bodyUsed,
      hit: await show(hit),
      immutable,
      byRequest: await show(await c.match(new Request(`${U}/a`))),
      miss: await show(await c.match(`${U}/nope`)),
      otherCache: await show(await (await caches.open("other")).match(`${U}/a`)),
      query: await show(await c.match(`${U}/a?x=1`)),
    };
  },
  async named() {
    const c = await caches.open("named");
    await c.put(`${U}/n`, new Response("in named", { headers: { "cache-control": "max-age=60" } }));
    const empty = await caches.open("");
    return {
      named: (await show(await (await caches.open("named")).match(`${U}/n`))).body,
      notDefault: await show(await caches.default.match(`${U}/n`)),
      emptyName: await show(await empty.match(`${U}/n`)),
    };
  },
  async methods() {
    const c = caches.default;
    await c.put(`${U}/m`, new Response("m", { headers: { "cache-control": "max-age=60" } }));
    const head = new Request(`${U}/m`, { method: "HEAD" });
    const post = new Request(`${U}/m`, { method: "POST" });
    return {
      head: await show(await c.match(head)),
      headIgnore: (await show(await c.match(head, { ignoreMethod: true }))).body,
      deletePost: await c.delete(post),
      putPost: await err(c.put(post, new Response("x"))),
      deleteIgnore: await c.delete(post, { ignoreMethod: true }),
      after: await show(await c.match(`${U}/m`)),
      deleteAgain: await c.delete(`${U}/m`),
    };
  },
  async putErrors() {
    const c = caches.default;
    const used = new Response("used");
    await used.text();
    return {
      partial: await err(c.put(`${U}/p`, new Response("x", { status: 206 }))),
      varyStar: await err(c.put(`${U}/p`, new Response("x", { headers: { vary: "Accept, *" } }))),
      error: await err(c.put(`${U}/p`, Response.error())),
      notResponse: await err(c.put(`${U}/p`, "x")),
      used: await err(c.put(`${U}/p`, used)),
      badUrl: await err(c.put("/relative", new Response("x"))),
      oneArg: await err(c.put(`${U}/p`)),
      notModified: await err(c.put(`${U}/p`, new Response(null, { status: 304 }))),
      stored304: await show(await c.match(`${U}/p`)),
      add: errSync(() => c.add(`${U}/p`)),
    };
  },
  async notStored() {
    const c = caches.default;
    const cases = {
      noStore: { "cache-control": "no-store" },
      private: { "cache-control": "private" },
      noCache: { "cache-control": "no-cache" },
      setCookie: { "cache-control": "max-age=60", "set-cookie": "a=b" },
      expired: { "cache-control": "max-age=0" },
      badExpires: { expires: "yesterday" },
    };
    const out = {};
    for (const [name, headers] of Object.entries(cases)) {
      await c.put(`${U}/ns/${name}`, new Response(name, { headers }));
      out[name] = await show(await c.match(`${U}/ns/${name}`));
    }
    await c.put(`${U}/ns/privateCookie`, new Response("pc", { headers: { "cache-control": 'max-age=60, private="set-cookie"', "set-cookie": "a=b" } }));
    out.privateCookie = await show(await c.match(`${U}/ns/privateCookie`));
    await c.put(`${U}/ns/default`, new Response("no cache-control"));
    out.defaultTtl = (await show(await c.match(`${U}/ns/default`))).body;
    return out;
  },
  async conditional() {
    const c = caches.default;
    await c.put(`${U}/c`, new Response("conditional", { headers: { "cache-control": "max-age=60", etag: 'W/"e1"', "last-modified": "Mon, 01 Jan 2024 00:00:00 GMT", "content-type": "text/plain" } }));
    const get = (h) => c.match(new Request(`${U}/c`, { headers: h }));
    return {
      inm: await show(await get({ "if-none-match": '"e1"' })),
      inmStar: (await get({ "if-none-match": "*" })).status,
      inmOther: (await get({ "if-none-match": '"zz"' })).status,
      ims: (await get({ "if-modified-since": "Tue, 02 Jan 2024 00:00:00 GMT" })).status,
      imsOlder: (await get({ "if-modified-since": "Sun, 31 Dec 2023 00:00:00 GMT" })).status,
    };
  },
  async ranges() {
    const c = caches.default;
    await c.put(`${U}/r`, new Response("0123456789", { headers: { "cache-control": "max-age=60", etag: '"r1"' } }));
    const get = (h) => c.match(new Request(`${U}/r`, { headers: h }));
    return {
      range: await show(await get({ range: "bytes=2-5" })),
      suffix: (await show(await get({ range: "bytes=-3" }))).body,
      open: (await show(await get({ range: "bytes=7-" }))).body,
      unsatisfiable: await show(await get({ range: "bytes=20-30" })),
      multi: (await get({ range: "bytes=0-1,3-4" })).status,
      ifRange: (await get({ range: "bytes=0-1", "if-range": '"r1"' })).status,
      ifRangeStale: (await get({ range: "bytes=0-1", "if-range": '"old"' })).status,
    };
  },
  async vary() {
    const c = caches.default;
    const req = (lang) => new Request(`${U}/v`, { headers: { "accept-language": lang } });
    await c.put(req("en"), new Response("english", { headers: { "cache-control": "max-age=60", vary: "Accept-Language" } }));
    return {
      same: (await show(await c.match(req("en")))).body,
      other: await show(await c.match(req("fr"))),
      none: await show(await c.match(`${U}/v`)),
    };
  },
  async replaceAndBinary() {
    const c = caches.default;
    await c.put(`${U}/b`, new Response("first", { headers: { "cache-control": "max-age=60" } }));
    await c.put(`${U}/b`, new Response(new Uint8Array([0, 1, 2, 255]), { headers: { "cache-control": "max-age=60" } }));
    const hit = await c.match(`${U}/b`);
    return { bytes: [...new Uint8Array(await hit.arrayBuffer())], len: hit.headers.get("content-length") };
  },
  async large() {
    const c = caches.default;
    const size = 300 * 1024 + 7;
    const big = new Uint8Array(size);
    for (let i = 0; i < size; i++) big[i] = i % 251;
    await c.put(`${U}/big`, new Response(big, { headers: { "cache-control": "max-age=60" } }));
    const hit = await c.match(`${U}/big`);
    const got = new Uint8Array(await hit.arrayBuffer());
    let same = got.length === size;
    for (let i = 0; same && i < size; i++) same = got[i] === i % 251;
    const part = await c.match(new Request(`${U}/big`, { headers: { range: "bytes=100000-100009" } }));
    return { same, length: hit.headers.get("content-length"), part: [...new Uint8Array(await part.arrayBuffer())] };
  },
  async incoming(request) {
    // A request body (read from Go in chunks) put into the cache as a response body.
    await caches.default.put(`${U}/echo`, new Response(request.body, { headers: { "cache-control": "max-age=60" } }));
    return (await show(await caches.default.match(`${U}/echo`))).body;
  },
  async waitUntil(request, ctx) {
    ctx.waitUntil(caches.default.put(`${U}/later`, new Response("later", { headers: { "cache-control": "max-age=60" } })));
    return "queued";
  },
  async afterWaitUntil() {
    return (await show(await caches.default.match(`${U}/later`))).body;
  },
};

export default {
  async fetch(request, env, ctx) {
    const name = new URL(request.url).pathname.slice(1);
    const t = tests[name];
    if (t === undefined) return new Response("no such test", { status: 404 });
    return new Response(JSON.stringify(await t(request, ctx)), { headers: { "content-type": "application/json" } });
  },
};
