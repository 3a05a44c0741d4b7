// Self-checking: Request, Response and the Body mixin. Answers "ok" or the failures.
const failures = [];
function eq(name, got, want) {
  const g = JSON.stringify(got), w = JSON.stringify(want);
  if (g !== w) failures.push(`${name}: got ${g}, want ${w}`);
}
function throws(name, fn, errName) {
  try {
    fn();
    failures.push(`${name}: did not throw`);
  } catch (e) {
    if (e.name !== errName) failures.push(`${name}: threw ${e.name} (${e.message}), want ${errName}`);
  }
}
async function rejects(name, p, errName) {
  try {
    await p;
    failures.push(`${name}: did not reject`);
  } catch (e) {
    if (e.name !== errName) failures.push(`${name}: rejected with ${e.name} (${e.message}), want ${errName}`);
  }
}

async function run(incoming) {
  // --- Request construction
  const r = new Request("https://example.com/a/../b?x=1#frag");
  eq("url normalized", r.url, "https://example.com/b?x=1#frag");
  eq("defaults", [r.method, r.redirect, r.body, r.bodyUsed, r.integrity, r.keepalive], ["GET", "follow", null, false, "", false]);
  eq("signal default", [r.signal instanceof AbortSignal, r.signal.aborted], [true, false]);
  eq("toStringTag", Object.prototype.toString.call(r), "[object Request]");
  eq("method normalized", new Request("https://e.com", { method: "post" }).method, "POST");
  eq("custom method kept", new Request("https://e.com", { method: "PROPFIND" }).method, "PROPFIND");
  eq("unknown lower-case method kept", new Request("https://e.com", { method: "propfind" }).method, "propfind");
  throws("CONNECT forbidden", () => new Request("https://e.com", { method: "CONNECT" }), "TypeError");
  throws("trace forbidden", () => new Request("https://e.com", { method: "trace" }), "TypeError");
  throws("invalid method", () => new Request("https://e.com", { method: "BAD METHOD" }), "TypeError");
  throws("relative URL", () => new Request("/relative"), "TypeError");
  throws("credentials in URL", () => new Request("https://user:pw@e.com/"), "TypeError");
  throws("GET with body", () => new Request("https://e.com", { body: "x" }), "TypeError");
  throws("HEAD with body", () => new Request("https://e.com", { method: "HEAD", body: "x" }), "TypeError");
  throws("bad redirect", () => new Request("https://e.com", { redirect: "nope" }), "TypeError");
  throws("no arguments", () => new Request(), "TypeError");
  throws("bad signal", () => new Request("https://e.com", { signal: {} }), "TypeError");
  eq("cf kept", new Request("https://e.com", { cf: { cacheTtl: 5 } }).cf, { cacheTtl: 5 });
  eq("cf default", new Request("https://e.com").cf, undefined);
  eq("mode ignored", new Request("https://e.com", { mode: "no-cors", credentials: "include" }).method, "GET");

  const post = new Request("https://e.com/p", { method: "POST", body: "hello", headers: { "x-a": "1" } });
  eq("text content-type", post.headers.get("content-type"), "text/plain;charset=UTF-8");
  eq("body is a stream", post.body !== null && typeof post.body.getReader, "function");
  const copy = new Request(post);
  eq("from request", [copy.method, copy.url, copy.headers.get("x-a")], ["POST", "https://e.com/p", "1"]);
  eq("input body moved", post.bodyUsed, true);
  eq("moved body readable", await copy.text(), "hello");
  throws("request from used request", () => new Request(post), "TypeError");
  const over = new Request(new Request("https://e.com/q", { method: "PUT", body: "x" }), { method: "PATCH", body: "y", headers: { z: "1" } });
  eq("init overrides", [over.method, over.headers.get("z"), over.headers.has("content-type"), await over.text()], ["PATCH", "1", true, "y"]);
  eq("explicit content-type kept", new Request("https://e.com", { method: "POST", body: "x", headers: { "Content-Type": "text/csv" } }).headers.get("content-type"), "text/csv");

  const usp = new Request("https://e.com", { method: "POST", body: new URLSearchParams({ a: "1 2", b: "é" }) });
  eq("urlsearchparams type", usp.headers.get("content-type"), "application/x-www-form-urlencoded;charset=UTF-8");
  eq("urlsearchparams body", await usp.text(), "a=1+2&b=%C3%A9");

  const ab = new Request("https://e.com", { method: "POST", body: new Uint8Array([1, 2, 3]).buffer });
  eq("arraybuffer no content-type", ab.headers.get("content-type"), null);
  eq("arraybuffer bytes", [...new Uint8Array(await ab.arrayBuffer())], [1, 2, 3]);
  const src = new Uint8Array([5, 6, 7, 8]);
  const view = new Request("https://e.com", { method: "POST", body: src.subarray(1, 3) });
  src[1] = 99; // the body was copied at construction
  eq("view body copied", [...await view.bytes()], [6, 7]);

  const clonable = new Request("https://e.com", { method: "POST", body: "c" });
  const cl = clonable.clone();
  eq("clone", [cl.method, cl.url, await cl.text(), await clonable.text()], ["POST", "https://e.com/", "c", "c"]);
  throws("clone used", () => clonable.clone(), "TypeError");
  await rejects("reuse", clonable.text(), "TypeError");
  eq("null body readable twice", [await r.text(), await r.text()], ["", ""]);

  // --- Incoming request
  eq("incoming method", incoming.method, "POST");
  eq("incoming header", incoming.headers.get("x-test"), "yes");
  eq("incoming json", await incoming.json(), { a: 1 });
  eq("incoming used", incoming.bodyUsed, true);

}

// Run as a second request, so that neither request spends a cold isolate's 50 ms of
// CPU alone on first-use compilation.
async function runResponse() {
  const res = new Response("body", { status: 201, statusText: "Created", headers: { "X-R": "1" } });
  eq("response basics", [res.status, res.statusText, res.ok, res.type, res.url, res.redirected, res.headers.get("x-r")], [201, "Created", true, "default", "", false, "1"]);
  eq("response content-type", res.headers.get("content-type"), "text/plain;charset=UTF-8");
  eq("default response", [new Response().status, new Response().statusText, new Response().body, new Response().ok], [200, "", null, true]);
  eq("not ok", new Response(null, { status: 404 }).ok, false);
  throws("status 199", () => new Response("", { status: 199 }), "RangeError");
  throws("status 600", () => new Response("", { status: 600 }), "RangeError");
  throws("status 0", () => new Response(null, { status: 0 }), "RangeError");
  throws("bad statusText", () => new Response("", { statusText: "a\nb" }), "TypeError");
  throws("non-ByteString statusText", () => new Response("", { statusText: "\u0100" }), "TypeError");
  throws("204 with body", () => new Response("x", { status: 204 }), "TypeError");
  throws("304 with body", () => new Response("x", { status: 304 }), "TypeError");
  eq("204 with null body", new Response(null, { status: 204 }).status, 204);
  eq("204 with empty string is an error too", (() => { try { new Response("", { status: 205 }); return "no"; } catch (e) { return e.name; } })(), "TypeError");

  const err = Response.error();
  eq("error response", [err.type, err.status, err.statusText, err.ok, err.body], ["error", 0, "", false, null]);
  const red = Response.redirect("https://e.com/x", 307);
  eq("redirect", [red.status, red.headers.get("location"), red.body], [307, "https://e.com/x", null]);
  throws("redirect status", () => Response.redirect("https://e.com/", 300), "RangeError");
  const js = Response.json({ a: [1] }, { status: 202 });
  eq("json", [js.status, js.headers.get("content-type"), await js.text()], [202, "application/json", "{\"a\":[1]}"]);
  throws("json of symbol", () => Response.json(Symbol()), "TypeError");

  const c1 = new Response("abc");
  const c2 = c1.clone();
  eq("response clone", [await c1.text(), await c2.text()], ["abc", "abc"]);
  const u8 = new Response(new Uint8Array([104, 105]));
  eq("bytes type", (await u8.clone().bytes()) instanceof Uint8Array, true);
  eq("bytes body text", await u8.text(), "hi");
  eq("bom stripped", await new Response(new Uint8Array([0xef, 0xbb, 0xbf, 0x41])).text(), "A");
  eq("invalid utf-8 replaced", await new Response(new Uint8Array([0x41, 0xff])).text(), "A\ufffd");
  eq("lone surrogate replaced", await new Response("a\ud800").text(), "a\ufffd");
  eq("object body stringified", await new Response({}).text(), "[object Object]");
  await rejects("formData not implemented", new Response("a=1").formData(), "TypeError");
  await rejects("json syntax", new Response("{").json(), "SyntaxError");
  const used = new Response("x");
  await used.arrayBuffer();
  eq("bodyUsed", used.bodyUsed, true);
  await rejects("used body", used.text(), "TypeError");
  throws("clone used response", () => used.clone(), "TypeError");
  const reader = new Response("stream me").body.getReader();
  const chunk = await reader.read();
  eq("reader chunk", new TextDecoder().decode(chunk.value), "stream me");
  eq("reader done", (await reader.read()).done, true);
  const locked = new Response("x");
  locked.body.getReader();
  await rejects("locked body", locked.text(), "TypeError");
  eq("illegal invocation", (() => { try { Object.getOwnPropertyDescriptor(Response.prototype, "status").get.call({}); return "no"; } catch (e) { return e.name; } })(), "TypeError");
  eq("response from request body", await new Response(new Request("https://e.com", { method: "POST", body: "pass" }).body).text(), "pass");
  eq("prototype getters enumerable", Object.getOwnPropertyDescriptor(Response.prototype, "status").enumerable, true);
}

export default {
  async fetch(request) {
    failures.length = 0;
    const part = new URL(request.url).pathname === "/response" ? runResponse : run;
    try { await part(request); } catch (e) { failures.push(`uncaught: ${e.stack || e}`); }
    return new Response(failures.length ? failures.join("\n") : "ok");
  },
};
