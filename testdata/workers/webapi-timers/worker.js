// Self-checking: timers, queueMicrotask, performance, navigator, self, crypto.
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

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function run() {
  // setTimeout ordering, arguments, clearTimeout
  const order = [];
  const id1 = setTimeout((a, b) => order.push(`t10:${a}${b}`), 10, "x", "y");
  setTimeout(() => order.push("t0"), 0);
  setTimeout(() => order.push("t0b")); // no delay
  const cancelled = setTimeout(() => order.push("cancelled"), 1);
  clearTimeout(cancelled);
  queueMicrotask(() => order.push("micro"));
  Promise.resolve().then(() => order.push("promise"));
  eq("ids are numbers", [typeof id1, id1 > 0], ["number", true]);
  await sleep(30);
  eq("timer order", order, ["micro", "promise", "t0", "t0b", "t10:xy"]);

  // setInterval until cleared from inside
  let n = 0;
  await new Promise((resolve) => {
    const iv = setInterval(() => {
      n++;
      if (n === 3) { clearInterval(iv); resolve(); }
    }, 1);
  });
  await sleep(10);
  eq("interval ran 3 times", n, 3);
  clearTimeout(undefined);
  clearTimeout(123456);
  clearInterval(null);
  throws("setTimeout with code string", () => setTimeout("order.push(1)", 1), "TypeError");

  // Timer callbacks that throw are reported, and later timers still run.
  let errorEvent = null;
  const onError = (e) => { errorEvent = e.message; e.preventDefault(); };
  addEventListener("error", onError);
  setTimeout(() => { throw new Error("timer threw"); }, 0);
  await sleep(5);
  removeEventListener("error", onError);
  eq("timer error reported", errorEvent, "timer threw");

  throws("queueMicrotask non-function", () => queueMicrotask(1), "TypeError");
  throws("queueMicrotask no argument", () => queueMicrotask(), "TypeError");
  let microError = null;
  const onMicroError = (e) => { microError = e.error.message; e.preventDefault(); };
  addEventListener("error", onMicroError);
  queueMicrotask(() => { throw new Error("micro threw"); });
  await sleep(0);
  removeEventListener("error", onMicroError);
  eq("microtask error reported", microError, "micro threw");

  // performance
  const t0 = performance.now();
  await sleep(5);
  const t1 = performance.now();
  eq("performance.now advances", t1 > t0, true);
  eq("timeOrigin", typeof performance.timeOrigin === "number" && performance.timeOrigin > 1.6e12, true);
  eq("toJSON", Object.keys(performance.toJSON()), ["timeOrigin"]);
  const m = performance.mark("a");
  eq("mark", [m.name, m.entryType, m.duration, typeof m.startTime], ["a", "mark", 0, "number"]);
  performance.mark("b");
  const meas = performance.measure("a-b", "a", "b");
  eq("measure", [meas.entryType, meas.duration >= 0], ["measure", true]);
  eq("getEntriesByName", performance.getEntriesByName("a").length, 1);
  performance.clearMarks();
  eq("clearMarks", performance.getEntriesByType("mark").length, 0);
  eq("performance tag", Object.prototype.toString.call(performance), "[object Performance]");

  // navigator and self
  eq("navigator", [navigator.userAgent, navigator.hardwareConcurrency], ["edged", 1]);
  eq("self", self === globalThis, true);

  // crypto
  const u = crypto.randomUUID();
  eq("randomUUID format", /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(u), true);
  eq("randomUUID unique", crypto.randomUUID() !== u, true);
  const buf = new Uint32Array(16);
  eq("getRandomValues returns its argument", crypto.getRandomValues(buf) === buf, true);
  eq("getRandomValues fills", buf.some((x) => x !== 0), true);
  for (const T of [Int8Array, Uint8Array, Uint8ClampedArray, Int16Array, Uint16Array, Int32Array, Uint32Array, BigInt64Array, BigUint64Array]) {
    eq(`getRandomValues ${T.name}`, crypto.getRandomValues(new T(2)).length, 2);
  }
  throws("Float32Array", () => crypto.getRandomValues(new Float32Array(2)), "TypeMismatchError");
  throws("Float64Array", () => crypto.getRandomValues(new Float64Array(2)), "TypeMismatchError");
  throws("DataView", () => crypto.getRandomValues(new DataView(new ArrayBuffer(2))), "TypeMismatchError");
  throws("too large", () => crypto.getRandomValues(new Uint8Array(65537)), "QuotaExceededError");
  eq("65536 is fine", crypto.getRandomValues(new Uint8Array(65536)).length, 65536);
  throws("not a view", () => crypto.getRandomValues([1, 2]), "TypeError");
  eq("classes", [crypto instanceof Crypto, crypto.subtle instanceof SubtleCrypto, typeof CryptoKey], [true, true, "function"]);
  throws("Crypto not constructible", () => new Crypto(), "TypeError");
  // crypto.subtle itself is covered by the webcrypto fixture; here only its presence.
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new Uint8Array(1)));
  eq("subtle.digest works", digest.length, 32);
}

export default {
  async fetch(request) {
    try { await run(request); } catch (e) { failures.push(`uncaught: ${e.stack || e}`); }
    return new Response(failures.length ? failures.join("\n") : "ok");
  },
};
