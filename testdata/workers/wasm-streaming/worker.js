// Self-checking: WebAssembly.compileStreaming / instantiateStreaming over Responses.
// Answers "ok" or the failures.
const failures = [];
function eq(name, got, want) {
  const g = JSON.stringify(got), w = JSON.stringify(want);
  if (g !== w) failures.push(`${name}: got ${g}, want ${w}`);
}
async function rejects(name, promise, errName) {
  try {
    await promise;
    failures.push(`${name}: did not reject`);
  } catch (e) {
    if (e.name !== errName) failures.push(`${name}: rejected with ${e.name} (${e.message}), want ${errName}`);
  }
}

// (module (func (export "add") (param i32 i32) (result i32) local.get 0 local.get 1 i32.add))
const add = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 7, 1, 96, 2, 127, 127, 1, 127, 3, 2, 1, 0, 7, 7, 1, 3, 97, 100, 100, 0, 0, 10, 9, 1, 7, 0, 32, 0, 32, 1, 106, 11]);
// (module (import "env" "log" (func $log (param i32))) (func (export "run") i32.const 42 call $log))
const withImport = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 8, 2, 96, 1, 127, 0, 96, 0, 0, 2, 11, 1, 3, 101, 110, 118, 3, 108, 111, 103, 0, 0, 3, 2, 1, 1, 7, 7, 1, 3, 114, 117, 110, 0, 1, 10, 8, 1, 6, 0, 65, 42, 16, 0, 11]);
const wasm = (bytes, init = {}) => new Response(bytes, { headers: { "content-type": "application/wasm" }, ...init });

async function run() {
  eq("functions", [typeof WebAssembly.compileStreaming, typeof WebAssembly.instantiateStreaming], ["function", "function"]);
  eq("lengths", [WebAssembly.compileStreaming.length, WebAssembly.instantiateStreaming.length], [1, 1]);

  const mod = await WebAssembly.compileStreaming(wasm(add));
  eq("compileStreaming → Module", mod instanceof WebAssembly.Module, true);
  eq("exports", WebAssembly.Module.exports(mod), [{ name: "add", kind: "function" }]);
  const mod2 = await WebAssembly.compileStreaming(Promise.resolve(wasm(add)));
  eq("from a promise", new WebAssembly.Instance(mod2).exports.add(20, 22), 42);

  let logged = null;
  const { module, instance } = await WebAssembly.instantiateStreaming(wasm(withImport), { env: { log: (x) => { logged = x; } } });
  eq("instantiateStreaming", [module instanceof WebAssembly.Module, instance instanceof WebAssembly.Instance], [true, true]);
  instance.exports.run();
  eq("import called", logged, 42);
  await rejects("missing imports", WebAssembly.instantiateStreaming(wasm(withImport)), "TypeError");

  // A streamed body, read to the end first.
  const stream = new ReadableStream({
    start(c) { c.enqueue(add.slice(0, 10)); c.enqueue(add.slice(10)); c.close(); },
  });
  eq("streamed body", (await WebAssembly.instantiateStreaming(wasm(stream))).instance.exports.add(1, 2), 3);

  // Content-Type: trimmed of tabs and spaces, case-insensitive, nothing else.
  eq("case and whitespace", (await WebAssembly.compileStreaming(new Response(add, { headers: { "content-type": " \tApplication/WASM\t" } }))) instanceof WebAssembly.Module, true);
  await rejects("no content type", WebAssembly.compileStreaming(new Response(add)), "TypeError");
  await rejects("wrong content type", WebAssembly.compileStreaming(new Response(add, { headers: { "content-type": "application/octet-stream" } })), "TypeError");
  await rejects("parameters", WebAssembly.compileStreaming(new Response(add, { headers: { "content-type": "application/wasm; charset=utf-8" } })), "TypeError");
  await rejects("empty parameters", WebAssembly.compileStreaming(new Response(add, { headers: { "content-type": "application/wasm;" } })), "TypeError");

  // Other failures.
  await rejects("not ok", WebAssembly.compileStreaming(wasm(add, { status: 404 })), "TypeError");
  await rejects("network error", WebAssembly.compileStreaming(Response.error()), "TypeError");
  await rejects("not a Response", WebAssembly.compileStreaming(add), "TypeError");
  await rejects("no argument", WebAssembly.compileStreaming(), "TypeError");
  await rejects("rejected source", WebAssembly.compileStreaming(Promise.reject(new RangeError("x"))), "RangeError");
  const used = wasm(add);
  await used.arrayBuffer();
  await rejects("body used", WebAssembly.compileStreaming(used), "TypeError");
  await rejects("invalid module", WebAssembly.compileStreaming(wasm(new Uint8Array([0, 97, 115, 109, 2, 0, 0, 0]))), "CompileError");
  await rejects("instantiateStreaming invalid", WebAssembly.instantiateStreaming(wasm(new Uint8Array([1, 2, 3]))), "CompileError");
}

export default {
  async fetch() {
    failures.length = 0;
    try { await run(); } catch (e) { failures.push(`uncaught: ${e.stack || e}`); }
    return new Response(failures.length ? failures.join("\n") : "ok");
  },
};
