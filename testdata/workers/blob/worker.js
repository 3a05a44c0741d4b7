// Self-checking: Blob and File (W3C File API), and Blob bodies. Answers "ok" or the failures.
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

async function run() {
  eq("Blob.length", Blob.length, 0);
  eq("File.length", File.length, 2);
  const empty = new Blob();
  eq("empty size/type", [empty.size, empty.type], [0, ""]);
  eq("toStringTag", Object.prototype.toString.call(empty), "[object Blob]");
  throws("call without new", () => Blob(), "TypeError");
  throws("string parts", () => new Blob("abc"), "TypeError");
  throws("null parts", () => new Blob(null), "TypeError");
  throws("bad endings", () => new Blob([], { endings: "bogus" }), "TypeError");
  throws("bad bag", () => new Blob([], 5), "TypeError");

  const b = new Blob(["héllo ", new Uint8Array([0x77, 0x6f]), new Blob(["rld"])], { type: "Text/Plain;Charset=UTF-8" });
  eq("size", b.size, 12);
  eq("type lower-cased", b.type, "text/plain;charset=utf-8");
  eq("text", await b.text(), "héllo world");
  eq("bytes", Array.from((await b.bytes()).slice(0, 3)), [0x68, 0xc3, 0xa9]);
  const ab = await b.arrayBuffer();
  eq("arrayBuffer", [ab instanceof ArrayBuffer, ab.byteLength], [true, 12]);
  eq("non-ASCII type dropped", new Blob([], { type: "a/b\u00e9" }).type, "");
  eq("native endings", await new Blob(["a\r\nb\rc\n"], { endings: "native" }).text(), "a\nb\nc\n");
  eq("transparent endings", await new Blob(["a\r\nb"]).text(), "a\r\nb");
  eq("number part", await new Blob([12, null]).text(), "12null");

  // Bytes are copied at construction.
  const src = new Uint8Array([1, 2, 3]);
  const copied = new Blob([src]);
  src[0] = 9;
  eq("copied at construction", Array.from(await copied.bytes()), [1, 2, 3]);
  const out = await copied.bytes();
  out[0] = 7;
  eq("bytes() is a fresh copy", Array.from(await copied.bytes()), [1, 2, 3]);

  // slice
  const abc = new Blob(["abc", "def", "ghi"]);
  eq("slice()", await abc.slice().text(), "abcdefghi");
  eq("slice(2, 7)", await abc.slice(2, 7).text(), "cdefg");
  eq("slice(-4)", await abc.slice(-4).text(), "fghi");
  eq("slice(0, -6)", await abc.slice(0, -6).text(), "abc");
  eq("slice(5, 2)", (await abc.slice(5, 2)).size, 0);
  eq("slice(1.5, 3.5)", await abc.slice(1.5, 3.5).text(), "cd");
  eq("slice type", abc.slice(0, 1, "X/Y").type, "x/y");
  eq("slice type default", new Blob([], { type: "a/b" }).slice().type, "");
  eq("slice of slice", await abc.slice(1, 8).slice(2, 5).text(), "def");

  // File
  throws("File needs a name", () => new File([]), "TypeError");
  const f = new File(["data"], "dir/name.txt", { type: "text/plain", lastModified: 42 });
  eq("file", [f.name, f.size, f.type, f.lastModified], ["dir/name.txt", 4, "text/plain", 42]);
  eq("file is a Blob", [f instanceof Blob, f instanceof File, Object.prototype.toString.call(f)], [true, true, "[object File]"]);
  const now = Date.now();
  const g = new File([], "x");
  eq("lastModified defaults to now", Math.abs(g.lastModified - now) < 1000, true);
  eq("file slice is a Blob", f.slice(1, 3) instanceof File, false);
  eq("file in blob", await new Blob([f, f]).text(), "datadata");
  throws("File name getter on Blob", () => Object.getOwnPropertyDescriptor(File.prototype, "name").get.call(b), "TypeError");

  // Blob bodies
  const r = new Response(new Blob(["<p>"], { type: "text/html" }));
  eq("Response(blob) content-type", r.headers.get("content-type"), "text/html");
  eq("Response(blob) text", await r.text(), "<p>");
  eq("untyped blob has no content-type", new Response(new Blob(["x"])).headers.get("content-type"), null);
  const rb = await new Response("hi", { headers: { "content-type": "Text/Plain; Charset=\"utf-8\"" } }).blob();
  eq("body.blob() type", rb.type, "text/plain;charset=utf-8");
  eq("body.blob() text", await rb.text(), "hi");
  eq("body.blob() no type", (await new Response(new Uint8Array([1])).blob()).type, "");
  const req = new Request("http://x/", { method: "POST", body: new File(["zz"], "f", { type: "a/b; c=d" }) });
  eq("Request(file) content-type", req.headers.get("content-type"), "a/b; c=d");

  // Blob and File are serializable: the clone has the bytes, type, name, lastModified
  const bc = structuredClone(b);
  eq("structuredClone(blob) is a Blob", bc instanceof Blob && bc !== b, true);
  eq("structuredClone(blob) bytes", [bc.size, bc.type, await bc.text()], [b.size, b.type, await b.text()]);
  const fc = structuredClone(new File(["abc"], "n.txt", { type: "t/x", lastModified: 42 }));
  eq("structuredClone(file)", [fc instanceof File, fc.name, fc.type, fc.lastModified, await fc.text()], [true, "n.txt", "t/x", 42, "abc"]);

  if (typeof ReadableStream === "function") {
    const chunks = [];
    for await (const c of new Blob(["stream me"]).stream()) chunks.push(...c);
    eq("stream()", String.fromCharCode(...chunks), "stream me");
  }
}

export default {
  async fetch(request) {
    const url = new URL(request.url);
    if (url.pathname === "/echo-blob") {
      // The request body as a Blob, sent back with its type.
      const blob = await request.blob();
      return new Response(blob);
    }
    if (url.pathname === "/big") {
      const part = new Uint8Array(1 << 20).fill(0x61);
      return new Response(new Blob([part, part, part, "end"]));
    }
    failures.length = 0;
    try {
      await run();
    } catch (e) {
      failures.push("threw: " + (e && e.stack || e));
    }
    return new Response(failures.length === 0 ? "ok" : failures.join("\n"));
  },
};
