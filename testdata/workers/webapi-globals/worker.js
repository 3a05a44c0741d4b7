// Self-checking: the shape of the global scope and of the interfaces on it (WebIDL).
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

const interfaces = [
  "DOMException", "Event", "EventTarget", "CustomEvent", "ErrorEvent", "PromiseRejectionEvent",
  "AbortController", "AbortSignal", "TextEncoder", "TextDecoder", "Headers", "Request", "Response",
  "Crypto", "SubtleCrypto", "CryptoKey", "Performance", "PerformanceEntry", "PerformanceMark",
  "PerformanceMeasure", "Navigator", "FetchEvent", "ExtendableEvent", "ExecutionContext",
];
const functions = [
  "atob", "btoa", "setTimeout", "setInterval", "clearTimeout", "clearInterval", "queueMicrotask",
  "structuredClone", "reportError", "addEventListener", "removeEventListener", "dispatchEvent", "fetch",
];

async function run() {
  for (const name of interfaces) {
    const desc = Object.getOwnPropertyDescriptor(globalThis, name);
    if (!desc) { failures.push(`missing global ${name}`); continue; }
    eq(`${name} descriptor`, [desc.writable, desc.enumerable, desc.configurable, typeof desc.value], [true, false, true, "function"]);
    eq(`${name} name`, desc.value.name, name);
    const tag = Object.getOwnPropertyDescriptor(desc.value.prototype, Symbol.toStringTag);
    eq(`${name} toStringTag`, tag && [tag.value, tag.writable, tag.enumerable, tag.configurable], [name, false, false, true]);
    eq(`${name} prototype.constructor`, desc.value.prototype.constructor === desc.value, true);
  }
  for (const name of functions) {
    eq(`${name} is a function`, typeof globalThis[name], "function");
  }
  eq("console", [typeof console.log, Object.prototype.toString.call(console)], ["function", "[object console]"]);
  eq("singletons", [crypto instanceof Crypto, performance instanceof Performance, navigator instanceof Navigator], [true, true, true]);
  eq("inheritance", [
    Object.getPrototypeOf(CustomEvent.prototype) === Event.prototype,
    Object.getPrototypeOf(AbortSignal.prototype) === EventTarget.prototype,
    Object.getPrototypeOf(DOMException.prototype) === Error.prototype,
    Object.getPrototypeOf(FetchEvent.prototype) === ExtendableEvent.prototype,
  ], [true, true, true, true]);
  eq("operations are enumerable", ["append", "get", "entries"].map((m) => Object.getOwnPropertyDescriptor(Headers.prototype, m).enumerable), [true, true, true]);
  eq("attributes are accessors", typeof Object.getOwnPropertyDescriptor(Request.prototype, "url").get, "function");
  eq("static operations", [typeof Response.json, typeof Response.redirect, typeof Response.error, typeof AbortSignal.any], ["function", "function", "function", "function"]);
  for (const name of ["AbortSignal", "Crypto", "SubtleCrypto", "CryptoKey", "Performance", "Navigator"]) {
    throws(`new ${name}() is illegal`, () => new globalThis[name](), "TypeError");
  }
  throws("Headers without new", () => Headers(), "TypeError");
  throws("getter on wrong object", () => Object.getOwnPropertyDescriptor(Request.prototype, "method").get.call(new Response()), "TypeError");
  eq("globalThis aliases", [self === globalThis], [true]);
  try {
    await fetch("ftp://example.com/");
    failures.push("fetch() of ftp: resolved");
  } catch (e) {
    eq("fetch of an unsupported scheme", [e.name, e.message.includes('URL scheme "ftp" is not supported')], ["TypeError", true]);
  }
  eq("internals hidden", [typeof core, typeof priv, typeof op, typeof opTable].join(), "undefined,undefined,undefined,undefined");
}

export default {
  async fetch(request) {
    try { await run(request); } catch (e) { failures.push(`uncaught: ${e.stack || e}`); }
    return new Response(failures.length ? failures.join("\n") : "ok");
  },
};
