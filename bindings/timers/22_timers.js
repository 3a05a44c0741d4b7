// Timers, queueMicrotask, structuredClone, performance, navigator and `self`.

const webidl = priv.webidl;
const { converters, configureInterface, illegalConstructorKey } = webidl;
const DOMException = priv.DOMException;

// ---------------------------------------------------------------------------------
// setTimeout / setInterval

function timerArgs(handler, prefix) {
  if (typeof handler !== "function") {
    // HTML allows a string of code; Workers forbid code generation from strings.
    throw new TypeError(`${prefix}: parameter 1 is not a function (code strings are not supported).`);
  }
  return handler;
}

// Operations of the global: `this` is the global, or undefined/null (a bare call).
function checkGlobal(self) {
  if (self !== undefined && self !== null && self !== globalThis) throw webidl.illegalInvocation();
}

function setTimeout(handler, timeout = 0, ...args) {
  checkGlobal(this);
  const fn = timerArgs(handler, "Failed to execute 'setTimeout'");
  return core.setTimer(fn, converters.long(timeout), args, false);
}
function setInterval(handler, timeout = 0, ...args) {
  checkGlobal(this);
  const fn = timerArgs(handler, "Failed to execute 'setInterval'");
  return core.setTimer(fn, converters.long(timeout), args, true);
}
function clearTimeout(id = 0) {
  checkGlobal(this);
  if (id === undefined || id === null) return;
  core.clearTimer(converters.long(id));
}
function clearInterval(id = 0) {
  checkGlobal(this);
  if (id === undefined || id === null) return;
  core.clearTimer(converters.long(id));
}
core.defineGlobal("setTimeout", setTimeout);
core.defineGlobal("setInterval", setInterval);
core.defineGlobal("clearTimeout", clearTimeout);
core.defineGlobal("clearInterval", clearInterval);

// ---------------------------------------------------------------------------------
// queueMicrotask

const resolved = Promise.resolve();
function queueMicrotask(callback) {
  const prefix = "Failed to execute 'queueMicrotask' on 'ServiceWorkerGlobalScope'";
  webidl.requiredArguments(arguments.length, 1, prefix);
  if (typeof callback !== "function") {
    throw new TypeError(`${prefix}: The callback provided as parameter 1 is not a function.`);
  }
  resolved.then(() => {
    try {
      callback();
    } catch (e) {
      priv.reportError(e);
    }
  });
}
core.defineGlobal("queueMicrotask", queueMicrotask);

// ---------------------------------------------------------------------------------
// structuredClone (HTML StructuredSerialize + StructuredDeserialize in one pass)

const ObjectPrototypeToString = Object.prototype.toString;
const ObjectGetOwnPropertyDescriptor = Object.getOwnPropertyDescriptor;
const ArrayBufferByteLength = ObjectGetOwnPropertyDescriptor(ArrayBuffer.prototype, "byteLength").get;
const ArrayBufferSlice = ArrayBuffer.prototype.slice;
const ArrayBufferTransfer = ArrayBuffer.prototype.transfer; // runtime/js/01_arraybuffer.js
const ArrayBufferDetachedDesc = ObjectGetOwnPropertyDescriptor(ArrayBuffer.prototype, "detached");
const ArrayBufferDetached = ArrayBufferDetachedDesc !== undefined ? ArrayBufferDetachedDesc.get : undefined;
function isDetachedBuffer(b) { return ArrayBufferDetached !== undefined && ArrayBufferDetached.call(b); }
const TypedArrayPrototype = Object.getPrototypeOf(Uint8Array.prototype);
const TypedArrayToStringTag = ObjectGetOwnPropertyDescriptor(TypedArrayPrototype, Symbol.toStringTag).get;
const DataViewByteLength = ObjectGetOwnPropertyDescriptor(DataView.prototype, "byteLength").get;
const MapSize = ObjectGetOwnPropertyDescriptor(Map.prototype, "size").get;
const SetSize = ObjectGetOwnPropertyDescriptor(Set.prototype, "size").get;
const DateGetTime = Date.prototype.getTime;
const typedArrayCtors = {
  Int8Array, Uint8Array, Uint8ClampedArray, Int16Array, Uint16Array, Int32Array, Uint32Array,
  Float32Array, Float64Array, BigInt64Array, BigUint64Array,
};
const errorCtors = { Error, EvalError, RangeError, ReferenceError, SyntaxError, TypeError, URIError };

// Platform objects (Headers, Request, ...) are not serializable; files register a test.
const platformObjectTests = [];
priv.registerPlatformObject = (test) => platformObjectTests.push(test);

// Serializable platform objects (HTML's [Serializable]: Blob, File, DOMException, ...):
// files register a test and the steps that make the copy, clone(value, cloneValue)
// where cloneValue(v) clones a member value with the same memory. They are tried
// before anything else, so a subclass instance deserializes as its closest
// serializable superclass, and a deleted global does not matter.
const serializables = [];
priv.registerSerializable = (test, clone) => serializables.push({ test, clone });

// Transferable platform objects (MessagePort, ...) besides ArrayBuffer: files register
// a test and hooks: detached(v) says whether v can no longer be transferred, and
// transfer(v) detaches v and returns the object the clone holds in its place. While
// the value is serialized a transferred object stands for itself, so its own
// platform-object test does not reject it.
const transferables = [];
priv.registerTransferable = (test, hooks) => transferables.push({ test, detached: hooks.detached, transfer: hooks.transfer });
function transferableOf(v) {
  for (let i = 0; i < transferables.length; i++) {
    if (transferables[i].test(v)) return transferables[i];
  }
  return undefined;
}

function dataCloneError(what) {
  return new DOMException(`${what} could not be cloned.`, "DataCloneError");
}

function describe(v) {
  if (typeof v === "function") {
    return v.name ? `function ${v.name}` : "function";
  }
  if (typeof v === "symbol") return v.toString();
  const tag = ObjectPrototypeToString.call(v).slice(8, -1);
  return `#<${tag}>`;
}

function tryCall(fn, v) {
  try { fn.call(v); return true; } catch { return false; }
}

function isArrayBuffer(v) { return tryCall(ArrayBufferByteLength, v); }

function cloneValue(value, memory) {
  const type = typeof value;
  if (type === "symbol") throw dataCloneError(describe(value));
  if (type !== "object" && type !== "function") return value;
  if (value === null) return null;
  const seen = memory.get(value);
  if (seen !== undefined) return seen;
  let out;
  if (type === "function") throw dataCloneError(describe(value));
  for (let i = 0; i < serializables.length; i++) {
    if (serializables[i].test(value)) {
      out = serializables[i].clone(value, (v) => cloneValue(v, memory));
      memory.set(value, out);
      return out;
    }
  }

  const tag = ObjectPrototypeToString.call(value);
  switch (tag) {
    case "[object Boolean]":
    case "[object Number]":
    case "[object String]":
    case "[object BigInt]":
      if (tag === "[object Boolean]") out = new Boolean(Boolean.prototype.valueOf.call(value));
      else if (tag === "[object Number]") out = new Number(Number.prototype.valueOf.call(value));
      else if (tag === "[object String]") out = new String(String.prototype.valueOf.call(value));
      else out = Object(BigInt.prototype.valueOf.call(value));
      memory.set(value, out);
      return out;
    case "[object Symbol]":
      throw dataCloneError(describe(value));
    default:
      break;
  }
  if (tryCall(DateGetTime, value)) {
    out = new Date(DateGetTime.call(value));
    memory.set(value, out);
    return out;
  }
  if (value instanceof RegExp && tag === "[object RegExp]") {
    out = new RegExp(value.source, value.flags);
    memory.set(value, out);
    return out;
  }
  if (isArrayBuffer(value)) {
    if (typeof SharedArrayBuffer === "function" && value instanceof SharedArrayBuffer) {
      throw new DOMException("not implemented: cloning a SharedArrayBuffer", "DataCloneError");
    }
    if (isDetachedBuffer(value)) throw new DOMException("A detached ArrayBuffer could not be cloned.", "DataCloneError");
    out = ArrayBufferSlice.call(value, 0);
    memory.set(value, out);
    return out;
  }
  if (ArrayBuffer.isView(value)) {
    const buffer = cloneValue(value.buffer, memory);
    const name = TypedArrayToStringTag.call(value);
    if (name !== undefined) {
      out = new typedArrayCtors[name](buffer, value.byteOffset, value.length);
    } else {
      out = new DataView(buffer, value.byteOffset, DataViewByteLength.call(value));
    }
    memory.set(value, out);
    return out;
  }
  if (tryCall(MapSize, value)) {
    out = new Map();
    memory.set(value, out);
    const entries = [...Map.prototype.entries.call(value)];
    for (let i = 0; i < entries.length; i++) {
      out.set(cloneValue(entries[i][0], memory), cloneValue(entries[i][1], memory));
    }
    return out;
  }
  if (tryCall(SetSize, value)) {
    out = new Set();
    memory.set(value, out);
    const values = [...Set.prototype.values.call(value)];
    for (let i = 0; i < values.length; i++) out.add(cloneValue(values[i], memory));
    return out;
  }
  if (tag === "[object Error]") {
    let name = value.name;
    if (!Object.prototype.hasOwnProperty.call(errorCtors, name)) name = "Error";
    const desc = ObjectGetOwnPropertyDescriptor(value, "message");
    out = desc !== undefined && "value" in desc ? new errorCtors[name](String(desc.value)) : new errorCtors[name]();
    memory.set(value, out);
    const stack = ObjectGetOwnPropertyDescriptor(value, "stack");
    if (stack !== undefined && "value" in stack && typeof stack.value === "string") {
      Object.defineProperty(out, "stack", { value: stack.value, writable: true, enumerable: false, configurable: true });
    }
    const cause = ObjectGetOwnPropertyDescriptor(value, "cause");
    if (cause !== undefined && "value" in cause) {
      Object.defineProperty(out, "cause", { value: cloneValue(cause.value, memory), writable: true, enumerable: false, configurable: true });
    }
    return out;
  }
  if (Array.isArray(value)) {
    out = new Array(value.length);
    memory.set(value, out);
    copyProperties(value, out, memory);
    return out;
  }
  if (tag === "[object Promise]" || tag === "[object WeakMap]" || tag === "[object WeakSet]" ||
      tag === "[object WeakRef]" || tag === "[object FinalizationRegistry]" ||
      tag === "[object Generator]" || tag === "[object AsyncGenerator]") {
    throw dataCloneError(describe(value));
  }
  for (let i = 0; i < platformObjectTests.length; i++) {
    if (platformObjectTests[i](value)) throw dataCloneError(describe(value));
  }
  out = {};
  memory.set(value, out);
  copyProperties(value, out, memory);
  return out;
}

// DOMException and QuotaExceededError (12_events.js) are serializable: name and
// message (and quota and requested), plus the stack as browsers keep it.
priv.registerSerializable(priv.isDOMException, (v) => {
  const { name, message } = priv.domExceptionData(v);
  const q = priv.quotaExceededData(v);
  let out;
  if (q !== null) {
    const options = {};
    if (q.quota !== null) options.quota = q.quota;
    if (q.requested !== null) options.requested = q.requested;
    out = new priv.QuotaExceededError(message, options);
  } else {
    out = new DOMException(message, name);
  }
  const stack = ObjectGetOwnPropertyDescriptor(v, "stack");
  if (stack !== undefined && "value" in stack && typeof stack.value === "string") {
    Object.defineProperty(out, "stack", { value: stack.value, writable: true, enumerable: false, configurable: true });
  }
  return out;
});

// URL and URLSearchParams (24_url.js, loaded later) are platform objects that are
// not serializable. Their brand check is one of their getters; the prototype test
// first keeps ordinary objects from paying for a thrown TypeError.
function brandTest(getClass, getter) {
  let get = null;
  return (v) => {
    const cls = getClass();
    if (cls === undefined || !(v instanceof cls)) return false;
    if (get === null) get = ObjectGetOwnPropertyDescriptor(cls.prototype, getter).get;
    return tryCall(get, v);
  };
}
priv.registerPlatformObject(brandTest(() => priv.URL, "href"));
priv.registerPlatformObject(brandTest(() => priv.URLSearchParams, "size"));

function copyProperties(from, to, memory) {
  const keys = Object.keys(from);
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i];
    // The property may have been deleted by a getter run earlier.
    if (!Object.prototype.hasOwnProperty.call(from, k)) continue;
    to[k] = cloneValue(from[k], memory);
  }
}

function structuredClone(value, options = undefined) {
  const prefix = "Failed to execute 'structuredClone' on 'ServiceWorkerGlobalScope'";
  webidl.requiredArguments(arguments.length, 1, prefix);
  let transfer = [];
  if (options !== undefined && options !== null) {
    if (!webidl.isObject(options)) throw new TypeError(`${prefix}: The provided value is not of type 'StructuredSerializeOptions'.`);
    if (options.transfer !== undefined) {
      transfer = webidl.sequence(converters.object)(options.transfer, prefix, "transfer");
    }
  }
  const memory = new Map();
  const seenTransfer = new Set();
  const others = []; // [object, hooks, placeholder] of the transferables that are not ArrayBuffers
  for (let i = 0; i < transfer.length; i++) {
    const t = transfer[i];
    if (seenTransfer.has(t)) throw new DOMException("Transfer list contains duplicate entries.", "DataCloneError");
    seenTransfer.add(t);
    if (isArrayBuffer(t)) {
      if (typeof ArrayBufferTransfer !== "function") {
        throw new DOMException("not implemented: transferring an ArrayBuffer (this engine cannot detach buffers from JS)", "DataCloneError");
      }
      if (isDetachedBuffer(t)) throw new DOMException(`ArrayBuffer at index ${i} is already detached.`, "DataCloneError");
      continue;
    }
    const hooks = transferableOf(t);
    if (hooks === undefined) throw new DOMException(`Value at index ${i} of the transfer list is not transferable.`, "DataCloneError");
    if (hooks.detached(t)) throw new DOMException(`Value at index ${i} of the transfer list is detached.`, "DataCloneError");
    const placeholder = {};
    memory.set(t, placeholder);
    others.push([t, hooks, placeholder]);
  }
  const result = cloneValue(value, memory);
  // Transfer: the clone takes the data, the originals are detached. Views in the clone
  // were built over copies, so rebuild them over the transferred buffers; the other
  // transferables' placeholders become the objects their transfer steps give.
  if (transfer.length > 0) {
    const moved = new Map();
    for (const t of transfer) {
      if (!isArrayBuffer(t)) continue;
      const copy = memory.get(t);
      // A buffer in the transfer list that the value does not reach still detaches.
      const taken = ArrayBufferTransfer.call(t);
      if (copy !== undefined) moved.set(copy, taken);
    }
    for (let i = 0; i < others.length; i++) {
      moved.set(others[i][2], others[i][1].transfer(others[i][0]));
    }
    return retarget(result, moved, new Set());
  }
  return result;
}

function retarget(v, moved, visited) {
  if (v === null || typeof v !== "object") return v;
  if (moved.has(v)) return moved.get(v);
  if (visited.has(v)) return v;
  visited.add(v);
  if (ArrayBuffer.isView(v)) {
    const nb = moved.get(v.buffer);
    if (nb === undefined) return v;
    const name = TypedArrayToStringTag.call(v);
    return name !== undefined ? new typedArrayCtors[name](nb, v.byteOffset, v.length) : new DataView(nb, v.byteOffset, v.byteLength);
  }
  if (v instanceof Map) {
    const entries = [...v];
    v.clear();
    for (const [k, x] of entries) v.set(retarget(k, moved, visited), retarget(x, moved, visited));
    return v;
  }
  if (v instanceof Set) {
    const values = [...v];
    v.clear();
    for (const x of values) v.add(retarget(x, moved, visited));
    return v;
  }
  for (const k of Object.keys(v)) v[k] = retarget(v[k], moved, visited);
  return v;
}
core.defineGlobal("structuredClone", structuredClone);

// ---------------------------------------------------------------------------------
// performance

let timeOrigin = -1;
function getTimeOrigin() {
  // Read on first use: nothing may read the clock while the snapshot is made.
  if (timeOrigin < 0) timeOrigin = Date.now() - core.now();
  return timeOrigin;
}

class PerformanceEntry {
  #name; #type; #start; #duration;
  constructor(key, name, type, start, duration) {
    if (key !== illegalConstructorKey) throw webidl.illegalConstructor();
    this.#name = name; this.#type = type; this.#start = start; this.#duration = duration;
  }
  static #check(e) { if (!(webidl.isObject(e) && #name in e)) throw webidl.illegalInvocation(); }
  get name() { PerformanceEntry.#check(this); return this.#name; }
  get entryType() { PerformanceEntry.#check(this); return this.#type; }
  get startTime() { PerformanceEntry.#check(this); return this.#start; }
  get duration() { PerformanceEntry.#check(this); return this.#duration; }
  toJSON() {
    PerformanceEntry.#check(this);
    return { name: this.#name, entryType: this.#type, startTime: this.#start, duration: this.#duration, detail: this.detail };
  }
}
configureInterface(PerformanceEntry);

class PerformanceMark extends PerformanceEntry {
  #detail;
  constructor(name, options = undefined) {
    const prefix = webidl.ctorPrefix("PerformanceMark");
    webidl.requiredArguments(arguments.length, 1, prefix);
    name = converters.DOMString(name, prefix, "Argument 1");
    let start = core.now();
    let detail = null;
    if (webidl.isObject(options)) {
      if (options.startTime !== undefined) {
        start = converters.double(options.startTime, prefix, "startTime");
        if (start < 0) throw new TypeError(`${prefix}: 'startTime' cannot be negative.`);
      }
      if (options.detail !== undefined) detail = structuredClone(options.detail);
    }
    super(illegalConstructorKey, name, "mark", start, 0);
    this.#detail = detail;
  }
  get detail() {
    if (!(webidl.isObject(this) && #detail in this)) throw webidl.illegalInvocation();
    return this.#detail;
  }
}
configureInterface(PerformanceMark);

class PerformanceMeasure extends PerformanceEntry {
  #detail;
  constructor(key, name, start, duration, detail) {
    if (key !== illegalConstructorKey) throw webidl.illegalConstructor();
    super(key, name, "measure", start, duration);
    this.#detail = detail;
  }
  get detail() {
    if (!(webidl.isObject(this) && #detail in this)) throw webidl.illegalInvocation();
    return this.#detail;
  }
}
configureInterface(PerformanceMeasure);

const MAX_ENTRIES = 1000; // marks/measures kept; the oldest are dropped beyond this

class Performance extends priv.EventTarget {
  #entries = [];
  constructor(key) {
    if (key !== illegalConstructorKey) throw webidl.illegalConstructor();
    super();
  }
  static #check(p) { if (!(webidl.isObject(p) && #entries in p)) throw webidl.illegalInvocation(); }
  get timeOrigin() { Performance.#check(this); return getTimeOrigin(); }
  now() { Performance.#check(this); return core.now(); }
  toJSON() { Performance.#check(this); return { timeOrigin: getTimeOrigin() }; }
  #add(entry) {
    this.#entries.push(entry);
    if (this.#entries.length > MAX_ENTRIES) this.#entries.shift();
  }
  mark(name, options = undefined) {
    Performance.#check(this);
    webidl.requiredArguments(arguments.length, 1, webidl.methodPrefix("Performance", "mark"));
    const m = new PerformanceMark(name, options);
    this.#add(m);
    return m;
  }
  #timeOf(nameOrTime, prefix) {
    if (typeof nameOrTime === "number") return nameOrTime;
    const name = converters.DOMString(nameOrTime);
    for (let i = this.#entries.length - 1; i >= 0; i--) {
      const e = this.#entries[i];
      if (e.entryType === "mark" && e.name === name) return e.startTime;
    }
    throw new DOMException(`${prefix}: The mark '${name}' does not exist.`, "SyntaxError");
  }
  measure(name, startOrOptions = undefined, endMark = undefined) {
    Performance.#check(this);
    const prefix = webidl.methodPrefix("Performance", "measure");
    webidl.requiredArguments(arguments.length, 1, prefix);
    name = converters.DOMString(name, prefix, "Argument 1");
    let start = 0, end = core.now(), detail = null;
    if (webidl.isObject(startOrOptions)) {
      if (startOrOptions.start !== undefined) start = this.#timeOf(startOrOptions.start, prefix);
      if (startOrOptions.end !== undefined) end = this.#timeOf(startOrOptions.end, prefix);
      if (startOrOptions.duration !== undefined) {
        const d = converters.double(startOrOptions.duration, prefix, "duration");
        if (startOrOptions.start !== undefined) end = start + d; else start = end - d;
      }
      if (startOrOptions.detail !== undefined) detail = structuredClone(startOrOptions.detail);
    } else {
      if (startOrOptions !== undefined) start = this.#timeOf(startOrOptions, prefix);
      if (endMark !== undefined) end = this.#timeOf(endMark, prefix);
    }
    const m = new PerformanceMeasure(illegalConstructorKey, name, start, end - start, detail);
    this.#add(m);
    return m;
  }
  getEntries() { Performance.#check(this); return this.#entries.slice(); }
  getEntriesByType(type) {
    Performance.#check(this);
    type = converters.DOMString(type);
    return this.#entries.filter((e) => e.entryType === type);
  }
  getEntriesByName(name, type = undefined) {
    Performance.#check(this);
    name = converters.DOMString(name);
    return this.#entries.filter((e) => e.name === name && (type === undefined || e.entryType === type));
  }
  clearMarks(name = undefined) {
    Performance.#check(this);
    this.#entries = this.#entries.filter((e) => e.entryType !== "mark" || (name !== undefined && e.name !== String(name)));
  }
  clearMeasures(name = undefined) {
    Performance.#check(this);
    this.#entries = this.#entries.filter((e) => e.entryType !== "measure" || (name !== undefined && e.name !== String(name)));
  }
}
configureInterface(Performance);
// Interfaces without a constructor have length 0, whatever the internal key argument.
for (const cls of [PerformanceEntry, PerformanceMeasure, Performance]) {
  Object.defineProperty(cls, "length", { value: 0, writable: false, enumerable: false, configurable: true });
}
const performance = new Performance(illegalConstructorKey);
core.defineGlobal("Performance", Performance);
core.defineGlobal("PerformanceEntry", PerformanceEntry);
core.defineGlobal("PerformanceMark", PerformanceMark);
core.defineGlobal("PerformanceMeasure", PerformanceMeasure);
// performance is a WindowOrWorkerGlobalScope attribute: a [Replaceable] getter on
// WorkerGlobalScope.prototype (which is not [Global]), not an own property of the global.
webidl.defineGlobalScopeAttribute("performance", () => performance, true);
priv.registerPlatformObject((v) => priv.isEventTarget(v));
priv.registerPlatformObject((v) => v instanceof PerformanceEntry);

// ---------------------------------------------------------------------------------
// navigator and self

class Navigator {
  constructor(key) {
    if (key !== illegalConstructorKey) throw webidl.illegalConstructor();
  }
  get userAgent() { return "edged"; }
  // As on Workers: one logical CPU per isolate, whatever the host has.
  get hardwareConcurrency() { return 1; }
}
configureInterface(Navigator);
core.defineGlobal("Navigator", Navigator);
// WorkerGlobalScope attributes: getters on WorkerGlobalScope.prototype that accept
// only the global (or an undefined/null this).
const navigator = new Navigator(illegalConstructorKey);
webidl.defineGlobalScopeAttribute("navigator", () => navigator, false);
webidl.defineGlobalScopeAttribute("self", () => globalThis, false);
