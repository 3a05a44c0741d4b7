// Self-checking: outbound fetch() against the test upstream (env.UPSTREAM, a Go
// httptest server: bindings/fetch/fetchtest). Answers "ok" or the failures.
const failures = [];
function eq(name, got, want) {
  const g = JSON.stringify(got), w = JSON.stringify(want);
  if (g !== w) failures.push(`${name}: got ${g}, want ${w}`);
}
async function rejects(name, p, errName, msgPart) {
  try {
    await p;
    failures.push(`${name}: did not reject`);
  } catch (e) {
    if (e.name !== errName) failures.push(`${name}: rejected with ${e.name} (${e.message}), want ${errName}`);
    else if (msgPart && !String(e.message).includes(msgPart)) failures.push(`${name}: message ${JSON.stringify(e.message)} lacks ${JSON.stringify(msgPart)}`);
  }
}

async function basics(up) {
  const r = await fetch(`${up}/echo?x=1`, { headers: { "X-Test": "yes" } });
  eq("status", [r.status, r.statusText, r.ok, r.type, r.redirected], [200, "OK", true, "basic", false]);
  eq("url", r.url, `${up}/echo?x=1`);
  eq("content-type", r.headers.get("content-type"), "application/json");
  const j = await r.json();
  eq("echo", [j.method, j.path, j.query, j.headers["x-test"]], ["GET", "/echo", "x=1", "yes"]);
  eq("no user-agent added", j.headers["user-agent"], undefined);
  eq("bodyUsed", r.bodyUsed, true);

  const post = await (await fetch(`${up}/echo`, { method: "POST", body: "hello" })).json();
  eq("POST string", [post.method, post.body, post.headers["content-type"], post.headers["content-length"]], ["POST", "hello", "text/plain;charset=UTF-8", "5"]);
  const empty = await (await fetch(`${up}/echo`, { method: "POST" })).json();
  eq("POST without body", [empty.body, empty.headers["content-length"]], ["", "0"]);
  const fd = new FormData();
  fd.append("k", "v");
  const form = await (await fetch(`${up}/echo`, { method: "PUT", body: fd })).json();
  eq("FormData body", [form.method, form.headers["content-type"].startsWith("multipart/form-data; boundary="), form.body.includes('name="k"\r\n\r\nv\r\n')], ["PUT", true, true]);
  const req = new Request(`${up}/echo`, { method: "PATCH", body: new Uint8Array([104, 105]), headers: { "content-type": "x/y" } });
  const viaReq = await (await fetch(req)).json();
  eq("fetch(Request)", [viaReq.method, viaReq.body, viaReq.headers["content-type"]], ["PATCH", "hi", "x/y"]);
  eq("the Request's body was used", req.bodyUsed, true);
  const host = await (await fetch(`${up}/echo`, { headers: { host: "example.org" } })).json();
  eq("Host header", host.headers.host, "example.org");

  const nf = await fetch(`${up}/status/404`);
  eq("404", [nf.status, nf.ok, nf.statusText, await nf.text()], [404, false, "Not Found", "status 404"]);
  const nc = await fetch(`${up}/status/204`);
  eq("204 has a null body", [nc.status, nc.body], [204, null]);
  const head = await fetch(`${up}/echo`, { method: "HEAD" });
  eq("HEAD has a null body", head.body, null);
  const ck = await fetch(`${up}/cookies`);
  eq("set-cookie", ck.headers.getSetCookie(), ["a=1", "b=2"]);
  eq("headers are immutable", (() => { try { ck.headers.set("x", "y"); return "set"; } catch (e) { return e.name; } })(), "TypeError");
  const gz = await fetch(`${up}/gzip`);
  eq("gzip decoded", await gz.text(), "compressed body");
}

async function redirects(up) {
  const r = await fetch(`${up}/redirect/302?to=/echo`, { method: "POST", body: "x" });
  const j = await r.json();
  eq("302 POST → GET", [r.status, r.redirected, r.url, j.method, j.body], [200, true, `${up}/echo`, "GET", ""]);
  const r307 = await (await fetch(`${up}/redirect/307`, { method: "POST", body: "keep" })).json();
  eq("307 keeps method and body", [r307.method, r307.body], ["POST", "keep"]);
  const r303 = await (await fetch(`${up}/redirect/303`, { method: "PUT", body: "x" })).json();
  eq("303 PUT → GET", r303.method, "GET");
  const manual = await fetch(`${up}/redirect/301?to=/elsewhere`, { redirect: "manual" });
  eq("manual", [manual.status, manual.headers.get("location"), manual.redirected], [301, "/elsewhere", false]);
  await rejects("error mode", fetch(`${up}/redirect/302`, { redirect: "error" }), "TypeError", "redirect");
  await rejects("redirect loop", fetch(`${up}/loop`), "TypeError", "too many redirects");
  const frag = await fetch(`${up}/echo#frag`);
  eq("url without fragment", frag.url, `${up}/echo`);
  await frag.arrayBuffer();
}

async function streaming(up) {
  // A response read chunk by chunk.
  const r = await fetch(`${up}/stream?chunks=5&size=100000&delayMs=5`);
  const reader = r.body.getReader();
  let total = 0, reads = 0;
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    total += value.length;
    reads++;
  }
  eq("streamed total", total, 500000);
  eq("read in several chunks", reads > 1, true);

  // A request body streamed from another response's body.
  const src = await fetch(`${up}/stream?chunks=3&size=70000`);
  const up2 = await fetch(`${up}/count-body`, { method: "POST", body: src.body, duplex: "half" });
  eq("streamed request body", await up2.text(), "210000 bytes");
  eq("clone of a fetched response", await (await fetch(`${up}/status/200`)).clone().text(), "status 200");
}

async function aborts(up) {
  const before = Number(await (await fetch(`${up}/hung`)).text());
  await rejects("aborted before", fetch(`${up}/echo`, { signal: AbortSignal.abort() }), "AbortError");
  const c = new AbortController();
  const p = fetch(`${up}/slow?ms=5000`, { signal: c.signal });
  setTimeout(() => c.abort(), 20);
  await rejects("aborted while waiting for the head", p, "AbortError");
  const c2 = new AbortController();
  const r = await fetch(`${up}/hang`, { signal: c2.signal });
  const reader = r.body.getReader();
  const first = await reader.read();
  eq("first chunk before the abort", new TextDecoder().decode(first.value), "first");
  c2.abort(new RangeError("custom reason"));
  await rejects("aborted body read", reader.read(), "RangeError");
  await rejects("timeout signal", fetch(`${up}/slow?ms=5000`, { signal: AbortSignal.timeout(30) }), "TimeoutError");
  // Aborting while the request body streams cancels the body's stream with the reason.
  let cancelledWith = null;
  const endless = new ReadableStream({
    pull(c) { return new Promise((r) => setTimeout(() => { c.enqueue(new Uint8Array(10)); r(); }, 5)); },
    cancel(reason) { cancelledWith = reason; },
  });
  const c3 = new AbortController();
  const up3 = fetch(`${up}/count-body`, { method: "POST", body: endless, duplex: "half", signal: c3.signal });
  setTimeout(() => c3.abort(new SyntaxError("stop uploading")), 30);
  await rejects("aborted upload", up3, "SyntaxError");
  eq("upload stream cancelled with the reason", cancelledWith && cancelledWith.message, "stop uploading");
  // The server saw its three clients go away.
  let hung = 0;
  for (let i = 0; i < 50 && hung < before + 3; i++) {
    await new Promise((r) => setTimeout(r, 10));
    hung = Number(await (await fetch(`${up}/hung`)).text());
  }
  eq("server saw the aborts", hung - before, 3);
}

async function errors(up) {
  await rejects("unsupported scheme", fetch("ftp://example.com/"), "TypeError", "not supported");
  await rejects("invalid URL", fetch("http://"), "TypeError");
  await rejects("connection refused", fetch("http://127.0.0.1:1/"), "TypeError", "fetch failed");
  await rejects("GET with body", fetch(`${up}/echo`, { body: "x" }), "TypeError");
}

async function dataURLs() {
  const r = await fetch("data:text/plain;charset=utf-8,h%C3%A9llo#frag");
  eq("data: text", [r.status, r.statusText, r.headers.get("content-type"), await r.text(), r.url], [200, "OK", "text/plain;charset=utf-8", "héllo", "data:text/plain;charset=utf-8,h%C3%A9llo"]);
  const b = await fetch("data:;base64,SGVsbG8=");
  eq("data: base64", [b.headers.get("content-type"), await b.text()], ["text/plain;charset=US-ASCII", "Hello"]);
  const img = await fetch("data:image/png ; base64 ,AAEC");
  eq("data: base64 with spaces", [img.headers.get("content-type"), Array.from(new Uint8Array(await img.arrayBuffer()))], ["image/png", [0, 1, 2]]);
  await rejects("data: bad base64", fetch("data:;base64,%"), "TypeError");
  await rejects("data: no comma", fetch("data:text/plain"), "TypeError");
}

export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    const up = env.UPSTREAM;
    if (url.pathname === "/proxy") {
      // Pass an upstream response straight through.
      return fetch(`${up}/stream?chunks=4&size=1000`);
    }
    if (url.pathname === "/forward") {
      // Forward the incoming body upstream, streamed.
      return fetch(`${up}/count-body`, { method: "POST", body: request.body });
    }
    if (url.pathname === "/forget") {
      // A subrequest still open when the request ends (here: a body never read) is
      // cancelled.
      globalThis.hungBefore = Number(await (await fetch(`${up}/hung`)).text());
      globalThis.leftOpen = await fetch(`${up}/hang`);
      return new Response("left it running");
    }
    if (url.pathname === "/forgotten") {
      let n = 0;
      for (let i = 0; i < 40; i++) {
        n = Number(await (await fetch(`${up}/hung`)).text()) - globalThis.hungBefore;
        if (n > 0) break;
        await new Promise((r) => setTimeout(r, 10));
      }
      return new Response(`cancelled: ${n}`);
    }
    if (url.pathname === "/limit") {
      let n = 0;
      try {
        for (let i = 0; i < 60; i++) {
          await fetch("data:,x"); // data: URLs are not subrequests
          const r = await fetch(`${up}/status/200`);
          await r.arrayBuffer();
          n++;
        }
      } catch (e) {
        return new Response(`${n} then ${e.name}: ${e.message}`);
      }
      return new Response(`${n}, no limit`);
    }
    failures.length = 0;
    try {
      await basics(up);
      await redirects(up);
      await streaming(up);
      await aborts(up);
      await errors(up);
      await dataURLs();
    } catch (e) {
      failures.push("threw: " + (e && e.stack || e));
    }
    return new Response(failures.length === 0 ? "ok" : failures.join("\n"));
  },
};
