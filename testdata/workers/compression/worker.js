// Self-checking: CompressionStream and DecompressionStream. Answers "ok" or the failures.
const failures = [];
function eq(name, got, want) {
  const g = JSON.stringify(got), w = JSON.stringify(want);
  if (g !== w) failures.push(`${name}: got ${g}, want ${w}`);
}
function throws(name, fn, errName, text) {
  try {
    fn();
    failures.push(`${name}: did not throw`);
  } catch (e) {
    if (e.name !== errName) failures.push(`${name}: threw ${e.name} (${e.message}), want ${errName}`);
    else if (text && !String(e.message).includes(text)) failures.push(`${name}: message ${JSON.stringify(e.message)} lacks ${JSON.stringify(text)}`);
  }
}
async function rejects(name, promise, errName) {
  try {
    await promise;
    failures.push(`${name}: did not reject`);
  } catch (e) {
    if (e.name !== errName) failures.push(`${name}: rejected with ${e.name} (${e.message}), want ${errName}`);
  }
}
const hex = (u8) => Array.from(u8, (b) => b.toString(16).padStart(2, "0")).join("");
const unhex = (s) => new Uint8Array(s.match(/../g).map((h) => parseInt(h, 16)));
const text = (s) => new TextEncoder().encode(s);

// Writes chunks, closes, and reads everything; returns the concatenated bytes and the chunks' sizes.
async function through(ts, chunks) {
  const writer = ts.writable.getWriter();
  for (const c of chunks) writer.write(c).catch(() => {});
  writer.close().catch(() => {});
  const reader = ts.readable.getReader();
  const parts = [];
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (!(value instanceof Uint8Array)) throw new TypeError("a chunk is not a Uint8Array");
    parts.push(value);
  }
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) { out.set(p, o); o += p.length; }
  return { out, sizes: parts.map((p) => p.length) };
}

// The same text compressed by Go's compress/gzip, compress/zlib and compress/flate.
const vectors = {
  gzip: "1f8b08000000000000ffca48cdc9c9d75148cecf2d284a2d2ececccf53282e294a4dcc2d06040000ffff9e5f6cc51a000000",
  deflate: "789cca48cdc9c9d75148cecf2d284a2d2ececccf53282e294a4dcc2d06040000ffff86a60a32",
  "deflate-raw": "ca48cdc9c9d75148cecf2d284a2d2ececccf53282e294a4dcc2d06040000ffff",
};
const plain = "hello, compression streams";

// Spot-checks every 4099th byte: comparing a megabyte byte by byte costs milliseconds.
function sameSample(a, b) {
  for (let i = 0; i < a.length; i += 4099) if (a[i] !== b[i]) return false;
  return a[a.length - 1] === b[b.length - 1];
}

async function runBig() {
  // Large and highly compressible: bounded chunks out, the same bytes back.
  const big = new Uint8Array(1 << 20);
  for (let i = 0; i < big.length; i += 4096) big[i] = i >> 12;
  const gz = (await through(new CompressionStream("gzip"), [big])).out;
  eq("big compresses well", gz.length < 64 * 1024, true);
  const back = await through(new DecompressionStream("gzip"), [gz]);
  eq("big round trip", back.out.length === big.length && sameSample(back.out, big), true);
  eq("chunks at most 64 KiB", Math.max(...back.sizes) <= 65536, true);

}

async function run() {
  // Construction.
  throws("no format", () => new CompressionStream(), "TypeError");
  throws("bad format", () => new CompressionStream("zip"), "TypeError");
  throws("formats are case-sensitive", () => new DecompressionStream("GZIP"), "TypeError");
  throws("brotli", () => new CompressionStream("brotli"), "TypeError", "not implemented");
  throws("deflate64", () => new DecompressionStream("deflate64"), "TypeError", "not implemented");
  throws("toString throws", () => new CompressionStream({ toString() { throw new RangeError("x"); } }), "RangeError");
  const cs = new CompressionStream("gzip");
  eq("sides", [cs.readable instanceof ReadableStream, cs.writable instanceof WritableStream], [true, true]);
  eq("toStringTag", Object.prototype.toString.call(cs), "[object CompressionStream]");
  throws("illegal invocation", () => Object.getOwnPropertyDescriptor(CompressionStream.prototype, "readable").get.call({}), "TypeError");
  throws("not cloneable", () => structuredClone(cs), "DataCloneError");

  for (const format of ["gzip", "deflate", "deflate-raw"]) {
    // Known vectors decompress, byte by byte too.
    const v = unhex(vectors[format]);
    eq(`${format} vector`, new TextDecoder().decode((await through(new DecompressionStream(format), [v])).out), plain);
    const bytes = [...v].map((b) => new Uint8Array([b]));
    eq(`${format} vector byte by byte`, new TextDecoder().decode((await through(new DecompressionStream(format), bytes)).out), plain);

    // Round trip, with ArrayBuffer, DataView and empty chunks.
    const chunks = [text("Hello, "), new Uint8Array(0), text("world! ").buffer, new DataView(text("xyz").buffer)];
    const compressed = (await through(new CompressionStream(format), chunks)).out;
    if (format === "gzip") eq("gzip magic", hex(compressed.subarray(0, 3)), "1f8b08");
    if (format === "deflate") eq("zlib header", (compressed[0] << 8 | compressed[1]) % 31 === 0 && (compressed[0] & 0x0f) === 8, true);
    eq(`${format} round trip`, new TextDecoder().decode((await through(new DecompressionStream(format), [compressed])).out), "Hello, world! xyz");

    // A detached buffer holds no bytes.
    const gone = text("gone").buffer;
    const goneView = new Uint8Array(gone, 1);
    structuredClone(gone, { transfer: [gone] });
    const withDetached = (await through(new CompressionStream(format), [text("a"), gone, goneView, text("b")])).out;
    eq(`${format} detached chunks`, new TextDecoder().decode((await through(new DecompressionStream(format), [withDetached])).out), "ab");

    // Compressing nothing still makes a valid, empty stream.
    const empty = (await through(new CompressionStream(format), [])).out;
    eq(`${format} empty`, (await through(new DecompressionStream(format), [empty])).out.length, 0);

    // Errors: empty input, truncation, corruption, trailing data, bad chunks.
    await rejects(`${format} empty input`, through(new DecompressionStream(format), []), "TypeError");
    await rejects(`${format} truncated`, through(new DecompressionStream(format), [v.subarray(0, v.length - 2)]), "TypeError");
    const bad = v.slice();
    bad[0] ^= 0xff;
    await rejects(`${format} corrupt`, through(new DecompressionStream(format), [bad]), "TypeError");
    await rejects(`${format} trailing data`, through(new DecompressionStream(format), [v, new Uint8Array([0])]), "TypeError");
    for (const chunk of ["text", 1, null, {}, [1, 2]]) {
      await rejects(`${format} chunk ${JSON.stringify(chunk)}`, through(new CompressionStream(format), [chunk]), "TypeError");
    }

    // Output before trailing junk reaches a waiting reader; the error follows.
    const ds = new DecompressionStream(format);
    const w = ds.writable.getWriter();
    const r = ds.readable.getReader();
    const first = r.read();
    w.write(new Uint8Array([...v, 1, 2])).catch(() => {});
    eq(`${format} output before junk`, new TextDecoder().decode((await first).value), plain);
    await rejects(`${format} then the error`, r.read(), "TypeError");
  }

  // Cancelling and aborting part-way.
  const d1 = new DecompressionStream("gzip");
  const dw = d1.writable.getWriter();
  const partial = unhex(vectors.gzip);
  dw.write(partial.subarray(0, 12)).catch(() => {});
  await d1.readable.cancel("bye");
  eq("write after cancel", await dw.write(partial.subarray(12)).then(() => "written", (e) => e), "bye");
  const c1 = new CompressionStream("deflate");
  const cw = c1.writable.getWriter();
  cw.write(text("some")).catch(() => {}); // waits for a reader that never comes
  await cw.abort(new RangeError("stop"));
  await rejects("read after abort", c1.readable.getReader().read(), "RangeError");

  // Through a Response body, as a handler would use it.
  const body = new Response("streamed ".repeat(1000)).body.pipeThrough(new CompressionStream("gzip"));
  const res = new Response(body.pipeThrough(new DecompressionStream("gzip")));
  eq("response body", await res.text(), "streamed ".repeat(1000));
}

export default {
  async fetch(request) {
    const url = new URL(request.url);
    if (url.pathname === "/echo") {
      // Compress the request body and send it back decompressed.
      const round = request.body.pipeThrough(new CompressionStream("deflate-raw")).pipeThrough(new DecompressionStream("deflate-raw"));
      return new Response(round);
    }
    failures.length = 0;
    try { await (url.pathname === "/big" ? runBig() : run()); } catch (e) { failures.push(`uncaught: ${e.stack || e}`); }
    return new Response(failures.length ? failures.join("\n") : "ok");
  },
};
