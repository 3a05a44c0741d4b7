// Self-checking: DOMException, Event, EventTarget, CustomEvent, AbortController/AbortSignal, global events.
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
  // DOMException
  const d = new DOMException("msg", "NotFoundError");
  eq("DOMException", [d.name, d.message, d.code, d instanceof Error, String(d)], ["NotFoundError", "msg", 8, true, "NotFoundError: msg"]);
  eq("DOMException defaults", [new DOMException().name, new DOMException().message, new DOMException().code], ["Error", "", 0]);
  eq("DOMException constants", [DOMException.ABORT_ERR, DOMException.DATA_CLONE_ERR, DOMException.prototype.INDEX_SIZE_ERR], [20, 25, 1]);
  eq("DOMException legacy codes", ["IndexSizeError", "HierarchyRequestError", "InvalidCharacterError", "NotSupportedError", "InvalidStateError", "SyntaxError", "NetworkError", "AbortError", "QuotaExceededError", "TimeoutError", "DataCloneError", "EncodingError", "OperationError"].map((n) => new DOMException("", n).code), [1, 3, 5, 9, 11, 12, 19, 20, 22, 23, 25, 0, 0]);
  eq("DOMException tag", Object.prototype.toString.call(d), "[object DOMException]");
  eq("DOMException options cause", new DOMException("m", { name: "AbortError", cause: 1 }).cause, 1);
  eq("DOMException stack", typeof d.stack === "string" && d.stack.startsWith("NotFoundError: msg"), true);

  // Event
  const e = new Event("x", { cancelable: true, bubbles: true });
  eq("event init", [e.type, e.bubbles, e.cancelable, e.composed, e.defaultPrevented, e.eventPhase, e.target, e.isTrusted], ["x", true, true, false, false, 0, null, false]);
  e.preventDefault();
  eq("preventDefault", [e.defaultPrevented, e.returnValue], [true, false]);
  const nc = new Event("y");
  nc.preventDefault();
  eq("not cancelable", nc.defaultPrevented, false);
  eq("phases", [Event.NONE, Event.CAPTURING_PHASE, Event.AT_TARGET, Event.BUBBLING_PHASE], [0, 1, 2, 3]);
  throws("Event needs type", () => new Event(), "TypeError");
  eq("timeStamp number", typeof e.timeStamp, "number");

  // EventTarget
  const t = new EventTarget();
  const calls = [];
  const h = (ev) => calls.push(["h", ev.eventPhase, ev.currentTarget === t, ev.target === t]);
  t.addEventListener("a", h);
  t.addEventListener("a", h); // duplicate ignored
  t.addEventListener("a", { handleEvent(ev) { calls.push(["obj", this !== t]); } });
  t.addEventListener("a", () => calls.push("capture"), { capture: true });
  t.addEventListener("a", () => calls.push("once"), { once: true });
  eq("dispatch returns", t.dispatchEvent(new Event("a")), true);
  t.dispatchEvent(new Event("a"));
  eq("listener calls", calls, ["capture", ["h", 2, true, true], ["obj", true], "once", "capture", ["h", 2, true, true], ["obj", true]]);
  t.removeEventListener("a", h);
  calls.length = 0;
  t.dispatchEvent(new Event("a"));
  eq("removed", calls, ["capture", ["obj", true]]);

  const t2 = new EventTarget();
  t2.addEventListener("p", (ev) => ev.preventDefault(), { passive: true });
  eq("passive ignores preventDefault", t2.dispatchEvent(new Event("p", { cancelable: true })), true);
  t2.addEventListener("q", (ev) => ev.preventDefault());
  eq("canceled dispatch returns false", t2.dispatchEvent(new Event("q", { cancelable: true })), false);
  const order = [];
  t2.addEventListener("s", (ev) => { order.push(1); ev.stopImmediatePropagation(); });
  t2.addEventListener("s", () => order.push(2));
  t2.dispatchEvent(new Event("s"));
  eq("stopImmediatePropagation", order, [1]);
  const ac0 = new AbortController();
  let sigCalls = 0;
  t2.addEventListener("sig", () => sigCalls++, { signal: ac0.signal });
  t2.dispatchEvent(new Event("sig"));
  ac0.abort();
  t2.dispatchEvent(new Event("sig"));
  eq("listener removed by signal", sigCalls, 1);
  t2.addEventListener("sig2", () => sigCalls++, { signal: AbortSignal.abort() });
  t2.dispatchEvent(new Event("sig2"));
  eq("aborted signal adds nothing", sigCalls, 1);
  const ev = new Event("r");
  t2.addEventListener("r", () => { try { t2.dispatchEvent(ev); } catch (err) { order.push(err.name); } });
  t2.dispatchEvent(ev);
  eq("re-dispatch throws InvalidStateError", order, [1, "InvalidStateError"]);
  throws("dispatch non-event", () => t2.dispatchEvent({}), "TypeError");
  throws("listener not object", () => t2.addEventListener("x", 5), "TypeError");
  t2.addEventListener("x", null); // allowed, ignored
  let errorsSeen = 0;
  const onErr = (e2) => { errorsSeen++; e2.preventDefault(); };
  addEventListener("error", onErr);
  t2.addEventListener("boom", () => { throw new Error("listener error"); });
  t2.addEventListener("boom", () => errorsSeen += 10);
  t2.dispatchEvent(new Event("boom"));
  removeEventListener("error", onErr);
  eq("listener errors reported, dispatch continues", errorsSeen, 11);

  const late = [];
  const t3 = new EventTarget();
  t3.addEventListener("l", () => { late.push("first"); t3.addEventListener("l", () => late.push("added")); });
  t3.dispatchEvent(new Event("l"));
  eq("listener added during dispatch waits for the next one", late, ["first"]);

  // Subclassing
  class MyEvent extends Event { constructor() { super("mine"); this.extra = 1; } }
  let got = null;
  t2.addEventListener("mine", (x) => { got = x; });
  t2.dispatchEvent(new MyEvent());
  eq("event subclass", [got instanceof MyEvent, got.extra], [true, 1]);
  class MyTarget extends EventTarget {}
  const mt = new MyTarget();
  let hit = false;
  mt.addEventListener("z", () => { hit = true; });
  mt.dispatchEvent(new Event("z"));
  eq("target subclass", hit, true);

  // CustomEvent, ErrorEvent, PromiseRejectionEvent
  eq("CustomEvent", [new CustomEvent("c", { detail: { a: 1 } }).detail, new CustomEvent("c").detail], [{ a: 1 }, null]);
  const ee = new ErrorEvent("error", { message: "m", error: 5, lineno: 3 });
  eq("ErrorEvent", [ee.message, ee.error, ee.lineno, ee.colno, ee.filename, ee instanceof Event], ["m", 5, 3, 0, "", true]);
  const p = Promise.resolve();
  const pre = new PromiseRejectionEvent("unhandledrejection", { promise: p, reason: "r" });
  eq("PromiseRejectionEvent", [pre.promise === p, pre.reason], [true, "r"]);
  throws("PromiseRejectionEvent needs promise", () => new PromiseRejectionEvent("x", {}), "TypeError");

  // AbortController / AbortSignal
  const ac = new AbortController();
  const seen = [];
  ac.signal.addEventListener("abort", (x) => seen.push([x.type, x.isTrusted]));
  ac.signal.onabort = () => seen.push("onabort");
  eq("not aborted", [ac.signal.aborted, ac.signal.reason], [false, undefined]);
  ac.signal.throwIfAborted();
  ac.abort();
  ac.abort(); // second abort is a no-op
  eq("aborted", [ac.signal.aborted, ac.signal.reason.name, ac.signal.reason instanceof DOMException], [true, "AbortError", true]);
  eq("abort events", seen, [["abort", true], "onabort"]);
  throws("throwIfAborted", () => ac.signal.throwIfAborted(), "AbortError");
  const ac2 = new AbortController();
  ac2.abort("why");
  eq("custom reason", ac2.signal.reason, "why");
  eq("AbortSignal.abort", [AbortSignal.abort().aborted, AbortSignal.abort(1).reason], [true, 1]);
  throws("AbortSignal not constructible", () => new AbortSignal(), "TypeError");
  const a1 = new AbortController(), a2 = new AbortController();
  const any = AbortSignal.any([a1.signal, a2.signal]);
  let anyEvents = 0;
  any.addEventListener("abort", () => anyEvents++);
  eq("any pending", any.aborted, false);
  a2.abort("second");
  a1.abort("first");
  eq("any follows first abort", [any.aborted, any.reason, anyEvents], [true, "second", 1]);
  eq("any of aborted", AbortSignal.any([AbortSignal.abort("x")]).reason, "x");
  const nested = AbortSignal.any([AbortSignal.any([a1.signal])]);
  eq("any of any (already aborted source)", nested.reason, "first");
  throws("any of non-signals", () => AbortSignal.any([{}]), "TypeError");
  const ts = AbortSignal.timeout(5);
  const reason = await new Promise((resolve) => ts.addEventListener("abort", () => resolve(ts.reason)));
  eq("timeout", [reason.name, reason instanceof DOMException, reason.code], ["TimeoutError", true, 23]);
  eq("signal is EventTarget", ac.signal instanceof EventTarget, true);
  eq("signal tag", Object.prototype.toString.call(ac.signal), "[object AbortSignal]");

  // The global scope is an event target.
  eq("global methods", [typeof addEventListener, typeof removeEventListener, typeof dispatchEvent], ["function", "function", "function"]);
  let globalHit = null;
  const gl = (x) => { globalHit = [x.type, x.target === globalThis]; };
  addEventListener("custom", gl);
  dispatchEvent(new Event("custom"));
  removeEventListener("custom", gl);
  eq("global dispatch", globalHit, ["custom", true]);
  let reported = null;
  const onError = (x) => { reported = [x.message, x.error && x.error.message]; x.preventDefault(); };
  addEventListener("error", onError);
  reportError(new Error("reported"));
  removeEventListener("error", onError);
  eq("reportError", reported, ["reported", "reported"]);

  // unhandledrejection reaches global listeners
  const rejection = await new Promise((resolve) => {
    const onRej = (x) => { x.preventDefault(); removeEventListener("unhandledrejection", onRej); resolve(x.reason); };
    addEventListener("unhandledrejection", onRej);
    Promise.reject("nobody catches this");
  });
  eq("unhandledrejection", rejection, "nobody catches this");
}

export default {
  async fetch(request) {
    try { await run(request); } catch (e) { failures.push(`uncaught: ${e.stack || e}`); }
    return new Response(failures.length ? failures.join("\n") : "ok");
  },
};
