// Self-checking: the Streams Standard (readable, byte, writable, transform streams, piping,
// queuing strategies), the encoding streams and Workers' IdentityTransformStream and
// FixedLengthStream. Each path answers "ok" or the list of failed assertions; /echo and
// /generate stream bodies through the fetch integration.
let failures = [];
function eq(name, got, want) {
  const g = JSON.stringify(got), w = JSON.stringify(want);
  if (g !== w) failures.push(`${name}: got ${g}, want ${w}`);
}
function ok(name, cond) {
  if (!cond) failures.push(`${name}: not true`);
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
const tick = () => new Promise((r) => setTimeout(r, 0));
async function collect(stream) {
  const out = [];
  for await (const chunk of stream) out.push(chunk);
  return out;
}
const bytes = (u8) => Array.from(u8);

async function readable() {
  // Default stream: start/pull/cancel, queuing, desiredSize, reader lifecycle.
  let pulls = 0;
  let controller;
  const rs = new ReadableStream({
    start(c) { controller = c; c.enqueue("a"); },
    pull(c) { pulls++; if (pulls === 2) c.enqueue("b"); if (pulls === 3) c.close(); },
  }, new CountQueuingStrategy({ highWaterMark: 2 }));
  eq("desiredSize after start", controller.desiredSize, 1);
  const reader = rs.getReader();
  ok("locked", rs.locked);
  throws("second reader", () => rs.getReader(), "TypeError");
  eq("read 1", await reader.read(), { value: "a", done: false });
  eq("read 2", await reader.read(), { value: "b", done: false });
  eq("read end", await reader.read(), { value: undefined, done: true });
  await reader.closed;
  reader.releaseLock();
  ok("unlocked", !rs.locked);
  await rejects("closed after release", reader.closed, "TypeError");

  // Errors reach readers; cancel reaches the source.
  const err = new Error("boom");
  const errored = new ReadableStream({ start(c) { c.error(err); } });
  await rejects("read errored", errored.getReader().read(), "Error");
  let cancelReason;
  const cancellable = new ReadableStream({ cancel(r) { cancelReason = r; } });
  await cancellable.cancel("stop");
  eq("cancel reason", cancelReason, "stop");
  await rejects("cancel locked", (() => { const s = new ReadableStream(); s.getReader(); return s.cancel(); })(), "TypeError");
  throws("bad highWaterMark", () => new ReadableStream({}, { highWaterMark: -1 }), "RangeError");
  throws("bad type", () => new ReadableStream({ type: "nope" }), "TypeError");

  // Async iteration, values({ preventCancel }), ReadableStream.from.
  eq("from array", await collect(ReadableStream.from([1, 2, 3])), [1, 2, 3]);
  async function* gen() { yield "x"; yield "y"; }
  eq("from async generator", await collect(ReadableStream.from(gen())), ["x", "y"]);
  const keep = ReadableStream.from([1, 2, 3]);
  for await (const v of keep.values({ preventCancel: true })) { eq("first value", v, 1); break; }
  eq("rest after preventCancel", await collect(keep), [2, 3]);
  const dropped = ReadableStream.from([1, 2, 3]);
  for await (const v of dropped) { void v; break; }
  eq("closed after break", (await dropped.getReader().read()).done, true);

  // Tee.
  const [t1, t2] = ReadableStream.from(["p", "q"]).tee();
  eq("tee branches", [await collect(t1), await collect(t2)], [["p", "q"], ["p", "q"]]);

  // Byte stream: default reader, BYOB reader with min, byobRequest, autoAllocateChunkSize.
  let produced = 0;
  const byteStream = new ReadableStream({
    type: "bytes",
    pull(c) {
      const req = c.byobRequest;
      if (produced >= 6) { c.close(); if (req) req.respond(0); return; }
      if (req) {
        const v = req.view;
        v[0] = 10 + produced++;
        req.respond(1);
      } else {
        c.enqueue(new Uint8Array([10 + produced++]));
      }
    },
  });
  const byob = byteStream.getReader({ mode: "byob" });
  let r = await byob.read(new Uint8Array(4), { min: 3 });
  eq("byob min 3", bytes(r.value), [10, 11, 12]);
  r = await byob.read(new Uint16Array(1));
  eq("byob Uint16Array", [r.value.constructor.name, r.value.byteLength], ["Uint16Array", 2]);
  byob.releaseLock();
  const rest = byteStream.getReader();
  r = await rest.read();
  eq("default reader on byte stream", bytes(r.value), [15]);
  eq("byte stream end", (await rest.read()).done, true);
  throws("byob on default stream", () => new ReadableStream().getReader({ mode: "byob" }), "TypeError");
  const auto = new ReadableStream({ type: "bytes", autoAllocateChunkSize: 8, pull(c) { c.byobRequest.view.set([1, 2]); c.byobRequest.respond(2); c.close(); } });
  r = await auto.getReader().read();
  eq("autoAllocateChunkSize", [bytes(r.value), r.value.buffer.byteLength], [[1, 2], 8]);
  // The standard's "read into one buffer at growing offsets" loop.
  let next = 0;
  const counter = new ReadableStream({
    type: "bytes",
    pull(c) {
      const req = c.byobRequest;
      if (next === 8) { c.close(); req.respond(0); return; }
      const k = Math.min(req.view.byteLength, 3);
      for (let i = 0; i < k; i++) req.view[i] = next++;
      req.respond(k);
    },
  });
  const into = counter.getReader({ mode: "byob" });
  let buffer = new ArrayBuffer(8), offset = 0;
  while (offset < buffer.byteLength) {
    const { value, done } = await into.read(new Uint8Array(buffer, offset, buffer.byteLength - offset));
    buffer = value.buffer;
    if (done) break;
    offset += value.byteLength;
  }
  eq("read into one buffer", bytes(new Uint8Array(buffer)), [0, 1, 2, 3, 4, 5, 6, 7]);
  const [b1, b2] = new ReadableStream({ type: "bytes", start(c) { c.enqueue(new Uint8Array([7, 8])); c.close(); } }).tee();
  const [c1, c2] = [await collect(b1), await collect(b2)];
  eq("byte tee", [bytes(c1[0]), bytes(c2[0])], [[7, 8], [7, 8]]);
  ok("byte tee chunks are copies", c1[0].buffer !== c2[0].buffer);
}

async function writable() {
  const written = [];
  let closed = false;
  const ws = new WritableStream({
    async write(chunk) { await tick(); written.push(chunk); },
    close() { closed = true; },
  }, { highWaterMark: 2 });
  const writer = ws.getWriter();
  eq("desiredSize", writer.desiredSize, 2);
  writer.write("a");
  writer.write("b");
  eq("desiredSize with two queued", writer.desiredSize, 0);
  await writer.ready;
  await writer.close();
  eq("written", written, ["a", "b"]);
  ok("sink closed", closed);
  await rejects("write after close", writer.write("c"), "TypeError");

  // Abort: the sink's abort runs, writes reject, the controller's signal fires.
  let abortReason, signalAborted = false;
  const aborted = new WritableStream({
    start(c) { c.signal.addEventListener("abort", () => { signalAborted = true; }); },
    write() { return new Promise(() => {}); },
    abort(reason) { abortReason = reason; },
  });
  const w2 = aborted.getWriter();
  const pending = w2.write("x");
  const abortDone = w2.abort("why");
  ok("signal aborted at once", signalAborted);
  await w2.ready.catch(() => {});
  void pending;
  void abortDone;

  // A sink whose write throws errors the stream.
  const failing = new WritableStream({ write() { throw new Error("sink"); } });
  const w3 = failing.getWriter();
  await rejects("failing write", w3.write(1), "Error");
  await rejects("closed rejects", w3.closed, "Error");

  // pipeTo: data, close propagation, preventClose, signal.
  const out = [];
  await ReadableStream.from([1, 2, 3]).pipeTo(new WritableStream({ write(c) { out.push(c); } }));
  eq("pipeTo", out, [1, 2, 3]);
  const dest = new WritableStream();
  await ReadableStream.from([1]).pipeTo(dest, { preventClose: true });
  ok("preventClose leaves dest open", !dest.locked && (await dest.getWriter().write(2), true));
  const ac = new AbortController();
  const never = new ReadableStream({ pull() { return new Promise(() => {}); } });
  const piping = never.pipeTo(new WritableStream(), { signal: ac.signal });
  ac.abort();
  await rejects("pipeTo aborted by signal", piping, "AbortError");
  await rejects("pipeTo from errored source", new ReadableStream({ start(c) { c.error(new TypeError("src")); } }).pipeTo(new WritableStream()), "TypeError");
  await rejects("pipeTo locked", (() => { const s = new ReadableStream(); s.getReader(); return s.pipeTo(new WritableStream()); })(), "TypeError");
}

async function transform() {
  const upper = new TransformStream({
    transform(chunk, c) { c.enqueue(chunk.toUpperCase()); },
    flush(c) { c.enqueue("!"); },
  });
  eq("pipeThrough", await collect(ReadableStream.from(["a", "b"]).pipeThrough(upper)), ["A", "B", "!"]);
  const identity = new TransformStream();
  const w = identity.writable.getWriter();
  w.write(1);
  w.close();
  eq("identity TransformStream", await collect(identity.readable), [1]);
  const terminating = new TransformStream({ transform(chunk, c) { c.enqueue(chunk); c.terminate(); } });
  eq("terminate", await collect(ReadableStream.from([1, 2, 3]).pipeThrough(terminating)), [1]);
  const failing = new TransformStream({ transform() { throw new RangeError("no"); } });
  await rejects("transform error", ReadableStream.from([1]).pipeThrough(failing).getReader().read(), "RangeError");
  let cancelled;
  const cancelTs = new TransformStream({ cancel(r) { cancelled = r; } });
  await cancelTs.readable.cancel("enough");
  eq("transformer cancel", cancelled, "enough");

  // Encoding streams: split multi-byte characters and surrogate pairs.
  const text = "héllo 😀 wörld";
  const encoded = [];
  for (const chunk of await collect(ReadableStream.from(["hé", "llo \ud83d", "\ude00 wörld"]).pipeThrough(new TextEncoderStream()))) encoded.push(...chunk);
  eq("TextEncoderStream", encoded, Array.from(new TextEncoder().encode(text)));
  const pieces = Array.from(new TextEncoder().encode(text), (b) => new Uint8Array([b]));
  eq("TextDecoderStream", (await collect(ReadableStream.from(pieces).pipeThrough(new TextDecoderStream()))).join(""), text);
  const fatal = new TextDecoderStream("utf-8", { fatal: true });
  eq("TextDecoderStream attributes", [fatal.encoding, fatal.fatal, fatal.ignoreBOM], ["utf-8", true, false]);
  await rejects("fatal decode", ReadableStream.from([new Uint8Array([0xff])]).pipeThrough(fatal).getReader().read(), "TypeError");
  throws("unknown label", () => new TextDecoderStream("nope"), "RangeError");

  // Workers' byte streams.
  const its = new IdentityTransformStream();
  ok("IdentityTransformStream is a TransformStream", its instanceof TransformStream);
  const iw = its.writable.getWriter();
  iw.write(new Uint8Array([1, 2, 3]));
  iw.close();
  const got = [];
  const reader = its.readable.getReader({ mode: "byob" });
  for (;;) {
    const { value, done } = await reader.read(new Uint8Array(2));
    if (done) break;
    got.push(...value);
  }
  eq("IdentityTransformStream BYOB", got, [1, 2, 3]);
  await rejects("IdentityTransformStream rejects strings", new IdentityTransformStream().writable.getWriter().write("s"), "TypeError");
  const fls = new FixedLengthStream(2);
  const fw = fls.writable.getWriter();
  const fr = fls.readable.getReader();
  fw.write(new Uint8Array([1]));
  await fr.read();
  await rejects("FixedLengthStream short close", fw.close(), "TypeError");
  const fls2 = new FixedLengthStream(1);
  await rejects("FixedLengthStream too long", fls2.writable.getWriter().write(new Uint8Array(2)), "TypeError");
  throws("FixedLengthStream negative", () => new FixedLengthStream(-1), "TypeError");
}

function shape() {
  const globals = ["ReadableStream", "ReadableStreamDefaultReader", "ReadableStreamBYOBReader", "ReadableStreamDefaultController",
    "ReadableByteStreamController", "ReadableStreamBYOBRequest", "WritableStream", "WritableStreamDefaultWriter",
    "WritableStreamDefaultController", "TransformStream", "TransformStreamDefaultController", "ByteLengthQueuingStrategy",
    "CountQueuingStrategy", "TextEncoderStream", "TextDecoderStream", "IdentityTransformStream", "FixedLengthStream"];
  for (const name of globals) {
    const d = Object.getOwnPropertyDescriptor(globalThis, name);
    eq(`${name} global`, d && [typeof d.value, d.enumerable, d.writable, d.configurable], ["function", false, true, true]);
    eq(`${name} toStringTag`, Object.prototype.toString.call(Object.create(globalThis[name].prototype)), `[object ${name}]`);
  }
  eq("lengths", [ReadableStream.length, ReadableStreamDefaultReader.length, WritableStream.length, TransformStream.length,
    ByteLengthQueuingStrategy.length, ReadableStream.prototype.pipeTo.length, ReadableStream.prototype.pipeThrough.length,
    ReadableStream.prototype.cancel.length, ReadableStream.from.length], [0, 1, 0, 0, 1, 1, 1, 0, 1]);
  const getter = Object.getOwnPropertyDescriptor(ReadableStream.prototype, "locked");
  eq("locked getter", [typeof getter.get, getter.enumerable, getter.configurable], ["function", true, true]);
  eq("getReader enumerable", Object.getOwnPropertyDescriptor(ReadableStream.prototype, "getReader").enumerable, true);
  ok("asyncIterator is values", ReadableStream.prototype[Symbol.asyncIterator] === ReadableStream.prototype.values);
  const itProto = Object.getPrototypeOf(new ReadableStream().values());
  eq("iterator tag", Object.prototype.toString.call(itProto), "[object ReadableStream AsyncIterator]");
  throws("locked brand check", () => getter.get.call({}), "TypeError");
  throws("controller not constructible", () => new ReadableStreamDefaultController(), "TypeError");
  throws("BYOBRequest not constructible", () => new ReadableStreamBYOBRequest(), "TypeError");
  const size = new ByteLengthQueuingStrategy({ highWaterMark: 4 }).size;
  eq("ByteLengthQueuingStrategy size", [size({ byteLength: 3 }), size.name, size.length], [3, "size", 1]);
  ok("shared size function", size === new ByteLengthQueuingStrategy({ highWaterMark: 1 }).size);
  throws("CountQueuingStrategy needs highWaterMark", () => new CountQueuingStrategy({}), "TypeError");
  let rejected = false;
  ReadableStream.prototype.cancel.call({}).catch(() => { rejected = true; });
  return tick().then(() => ok("cancel brand check rejects", rejected));
}

async function generate() {
  // A response streamed chunk by chunk from timers.
  let i = 0;
  return new Response(new ReadableStream({
    async pull(c) {
      await tick();
      if (i === 3) c.close();
      else c.enqueue(new TextEncoder().encode(`chunk${i++};`));
    },
  }), { headers: { "content-type": "text/plain" } });
}

export default {
  async fetch(request) {
    failures = [];
    const path = new URL(request.url).pathname;
    if (path === "/echo") {
      // The request body, through a byte-level TransformStream and back.
      return new Response(request.body.pipeThrough(new TransformStream({ transform(chunk, c) { c.enqueue(chunk); } })));
    }
    if (path === "/generate") return generate();
    if (path === "/fixed") {
      const { readable, writable } = new FixedLengthStream(5);
      const w = writable.getWriter();
      w.write(new TextEncoder().encode("he"));
      w.write(new TextEncoder().encode("llo"));
      w.close();
      return new Response(readable);
    }
    const tests = { "/readable": readable, "/writable": writable, "/transform": transform, "/shape": shape };
    const fn = tests[path];
    if (fn === undefined) return new Response("not found", { status: 404 });
    try { await fn(); } catch (e) { failures.push(`uncaught: ${e && e.stack || e}`); }
    return new Response(failures.length ? failures.join("\n") : "ok");
  },
};
