// The op layer: sync and async ops over the native trampoline, the promise table for
// async completions, timers over one Go deadline, and global-definition helpers.
// `op` (the native trampoline) and `opTable` (name → id) come from the bootstrap wrapper.

const ObjectDefineProperty = Object.defineProperty;
const pending = new Map(); // promise id → [resolve, reject]
let nextPromiseId = 1;

core.ops = opTable;
core.opSync = op;
core.opAsync = function opAsync(id, a, b, c, d) {
  const pid = nextPromiseId++;
  let resolve, reject;
  const p = new Promise((res, rej) => { resolve = res; reject = rej; });
  pending.set(pid, [resolve, reject]);
  try {
    op(id, pid, a, b, c, d);
  } catch (e) {
    pending.delete(pid);
    reject(e);
  }
  return p;
};
core.pendingOps = () => pending.size;

core.defineGlobal = function defineGlobal(name, value) {
  ObjectDefineProperty(globalThis, name, { value, writable: true, configurable: true, enumerable: false });
};
core.defineGlobalGetter = function defineGlobalGetter(name, get, set) {
  ObjectDefineProperty(globalThis, name, { get, set, configurable: true, enumerable: true });
};

const builtinErrors = { Error, TypeError, RangeError, SyntaxError, ReferenceError, EvalError, URIError };
function makeError(cls, message) {
  const ctor = builtinErrors[cls];
  if (ctor) return new ctor(message);
  if (typeof globalThis.DOMException === "function") return new globalThis.DOMException(message, cls);
  const e = new Error(message);
  e.name = cls;
  return e;
}
core.makeError = makeError;

// Go delivers completions as flat triples: promise id, ok, value (or "Class\0message").
function resolveOps() {
  for (let i = 0; i < arguments.length; i += 3) {
    const pid = arguments[i];
    const entry = pending.get(pid);
    if (entry === undefined) continue;
    pending.delete(pid);
    if (arguments[i + 1]) {
      entry[0](arguments[i + 2]);
    } else {
      const s = String(arguments[i + 2]);
      const nul = s.indexOf("\0");
      entry[1](nul < 0 ? new Error(s) : makeError(s.slice(0, nul), s.slice(nul + 1)));
    }
  }
}

// Timers: a binary min-heap ordered by (deadline, sequence). Go holds one deadline.
const heap = [];
const timers = new Map(); // id → timer record
let nextTimerId = 1;
let seq = 0;
let armed = Infinity;

function less(a, b) { return a.at < b.at || (a.at === b.at && a.seq < b.seq); }
function heapPush(t) {
  heap.push(t);
  let i = heap.length - 1;
  while (i > 0) {
    const p = (i - 1) >> 1;
    if (!less(heap[i], heap[p])) break;
    [heap[i], heap[p]] = [heap[p], heap[i]];
    i = p;
  }
}
function heapPop() {
  const top = heap[0];
  const last = heap.pop();
  if (heap.length > 0) {
    heap[0] = last;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1, r = l + 1;
      let m = i;
      if (l < heap.length && less(heap[l], heap[m])) m = l;
      if (r < heap.length && less(heap[r], heap[m])) m = r;
      if (m === i) break;
      [heap[i], heap[m]] = [heap[m], heap[i]];
      i = m;
    }
  }
  return top;
}
function rearm() {
  while (heap.length > 0 && heap[0].cancelled) heapPop();
  const next = heap.length > 0 ? heap[0].at : Infinity;
  if (next !== armed) {
    armed = next;
    op(opTable.op_timer_arm, next === Infinity ? -1 : next);
  }
}

core.now = () => op(opTable.op_now);

core.setTimer = function setTimer(callback, delay, args, repeat) {
  delay = Number(delay);
  if (!(delay >= 1)) delay = repeat ? 1 : 0; // NaN, negatives and <1 clamp per HTML
  if (delay > 2147483647) delay = 1; // HTML: overflow of a signed 32-bit delay is treated as 1
  const id = nextTimerId++;
  const t = { id, at: core.now() + delay, seq: seq++, delay, callback, args, repeat, cancelled: false };
  timers.set(id, t);
  heapPush(t);
  rearm();
  return id;
};
core.clearTimer = function clearTimer(id) {
  const t = timers.get(Number(id));
  if (t === undefined) return;
  t.cancelled = true;
  timers.delete(t.id);
  rearm();
};
core.activeTimers = () => timers.size;

function runTimers(now) {
  armed = Infinity;
  // Run only timers due now; ones scheduled by callbacks wait for the next turn.
  const limit = seq;
  while (heap.length > 0 && heap[0].at <= now && heap[0].seq < limit) {
    const t = heapPop();
    if (t.cancelled) continue;
    if (t.repeat) {
      t.at = now + t.delay;
      t.seq = seq++;
      heapPush(t);
    } else {
      timers.delete(t.id);
    }
    try {
      if (typeof t.callback === "function") Reflect.apply(t.callback, globalThis, t.args);
      else (0, eval)(String(t.callback));
    } catch (e) {
      priv.reportError(e);
    }
  }
  rearm();
}

// Reporting uncaught errors; later files replace this with console + `error` event.
priv.reportError = function reportError(e) {
  const text = e && e.stack ? String(e.stack) : String(e);
  op(opTable.op_console, 3, "Uncaught " + text);
};

// Unhandled rejections: tracked between turns, reported by priv.flushRejections.
const unhandled = new Map();
function promiseReject(type, promise, reason) {
  if (type === 0) unhandled.set(promise, reason); // kPromiseRejectWithNoHandler
  else if (type === 1) unhandled.delete(promise); // kPromiseHandlerAddedAfterReject
}
// Called by the glue after a microtask checkpoint in which a rejection went unhandled.
// priv.onUnhandledRejection(promise, reason) returns true when an event listener
// handled it (later files install the `unhandledrejection` event); otherwise it is
// reported like an uncaught error.
priv.onUnhandledRejection = () => false;
function flushRejections() {
  if (unhandled.size === 0) return;
  const list = [...unhandled];
  unhandled.clear();
  for (const [promise, reason] of list) {
    if (priv.onUnhandledRejection(promise, reason)) continue;
    const text = reason && reason.stack ? String(reason.stack) : String(reason);
    op(opTable.op_console, 3, "Uncaught (in promise) " + text);
  }
}

// Functions run in every new context restored from the snapshot, before user code:
// for what a snapshot cannot hold (V8 installs WebAssembly per context).
priv.onContextReady = [];
function contextReady() {
  for (const f of priv.onContextReady) f();
}

core.hooks = {
  resolveOps,
  moduleLoaded: undefined,
  promiseReject,
  fetch: undefined,
  timers: runTimers,
  makeError,
  flushRejections,
  scheduled: undefined,
  contextReady,
};
