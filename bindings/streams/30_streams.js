// WHATWG Streams Standard, part 1 of 4: shared machinery, queuing strategies and readable
// streams (default and byte streams, default and BYOB readers, BYOB requests, tee,
// ReadableStream.from, async iteration). 31_ adds WritableStream and pipeTo, 32_
// TransformStream, 33_ the encoding streams and the Workers-only byte streams.
//
// Shape. Every public object holds one private field that points at a plain internal
// record (RStream, RReader, RDefaultController, RByteController, ...). The spec's abstract
// operations work on records and never call public methods, so patched prototypes or
// globals cannot change their behaviour. Records point back at their public object
// through `pub`; objects that user code never sees (the readers used by pipeTo, tee and
// async iteration) get no public object at all.
//
// Promises follow WebIDL: "a promise resolved with x" is a new promise resolved with x
// (so a promise x costs the same extra ticks as in the reference implementation), and
// "upon fulfillment" is one then() on the original %Promise.prototype.then%. Handlers that
// run once per chunk are created once per stream, not once per chunk.
//
// Array buffers. The spec detaches ("transfers") buffers handed to byte streams; that is
// ArrayBuffer.prototype.transfer, captured at load (runtime/js/01_arraybuffer.js provides
// it over the core.detach native on V8 10.2). Without it (a bare engine), the fallback is:
//   - a chunk given to ReadableByteStreamController.enqueue() is copied, so the stream never
//     shares memory with the source, but the source's buffer is not detached;
//   - a BYOB reader's buffer is shared: read(view) fills view's memory and fulfills with a
//     new view over the same ArrayBuffer (Workers' streams_byob_reader_does_not_detach_buffer
//     behaviour), which keeps "read into one buffer at growing offsets" loops linear.
//
// Helpers for other bindings (fetch bodies), on priv:
//   priv.isReadableStream(x) → boolean
//   priv.isDisturbed(stream), priv.isLocked(stream) → boolean
//   priv.readableStreamState(stream) → "readable" | "closed" | "errored"
//   priv.newReadableByteStream(pull, cancel, highWaterMark = 0) → ReadableStream
//       A byte stream whose pull calls `pull()` → Promise<Uint8Array | null> (null closes
//       the stream; a rejection errors it). The chunks are owned by the stream: they are
//       handed to readers as they are, without a copy. `cancel(reason)` (optional) runs once
//       when the consumer cancels. pull is never called again after null or a rejection.
//   priv.readableStreamFromChunks(chunks) → ReadableStream
//       A closed-when-drained byte stream over a Uint8Array or an array of them (owned).
//   priv.readAllBytes(stream) → Promise<Uint8Array>
//       Fetch's "fully read": locks the stream (for good: the reader is never released) and
//       reads it to the end; rejects with a TypeError when a chunk is not a Uint8Array (the
//       stream is then canceled), or with the stream's error.
//   priv.bodyReader(stream) → { read() → Promise<Uint8Array | null>, cancel(reason) → Promise,
//       releaseLock() }: a locked reader for sending a body chunk by chunk; read() rejects
//       with a TypeError for a chunk that is not a Uint8Array, null means the end.
//   priv.readableStreamTee(stream, cloneForBranch2) → [ReadableStream, ReadableStream]
//   priv.readableStreamCancel(stream, reason) → Promise<undefined>
//   priv.readableStreamError(stream, e), priv.readableStreamClose(stream)
//       for streams made with newReadableByteStream/readableStreamFromChunks.
// priv.streamOps holds the abstract operations shared by the 3x_ stream files.

const webidl = priv.webidl;
const { converters, configureInterface, illegalConstructorKey } = webidl;
const DOMException = priv.DOMException;

const ObjectDefineProperty = Object.defineProperty;
const ObjectGetOwnPropertyDescriptor = Object.getOwnPropertyDescriptor;
const ObjectGetPrototypeOf = Object.getPrototypeOf;
const ObjectSetPrototypeOf = Object.setPrototypeOf;
const FunctionPrototypeCall = Function.prototype.call;
const call = FunctionPrototypeCall.bind(FunctionPrototypeCall); // call(fn, thisArg, ...args)
const PromiseCtor = Promise;
const PromisePrototypeThen = Promise.prototype.then;
const PromiseReject = Promise.reject;
const ArrayBufferCtor = ArrayBuffer;
const ArrayBufferIsView = ArrayBuffer.isView;
const ArrayBufferPrototype = ArrayBuffer.prototype;
const ArrayBufferPrototypeSlice = ArrayBufferPrototype.slice;
const ArrayBufferByteLength = ObjectGetOwnPropertyDescriptor(ArrayBufferPrototype, "byteLength").get;
const ArrayBufferDetachedGetter = (ObjectGetOwnPropertyDescriptor(ArrayBufferPrototype, "detached") || {}).get;
const ArrayBufferPrototypeTransfer = ArrayBufferPrototype.transfer;
const SharedArrayBufferCtor = typeof SharedArrayBuffer === "function" ? SharedArrayBuffer : undefined;
const Uint8ArrayCtor = Uint8Array;
const DataViewCtor = DataView;
const TypedArrayPrototype = ObjectGetPrototypeOf(Uint8Array.prototype);
const TypedArrayName = ObjectGetOwnPropertyDescriptor(TypedArrayPrototype, Symbol.toStringTag).get;
const TypedArrayBuffer = ObjectGetOwnPropertyDescriptor(TypedArrayPrototype, "buffer").get;
const TypedArrayByteOffset = ObjectGetOwnPropertyDescriptor(TypedArrayPrototype, "byteOffset").get;
const TypedArrayByteLength = ObjectGetOwnPropertyDescriptor(TypedArrayPrototype, "byteLength").get;
const DataViewBuffer = ObjectGetOwnPropertyDescriptor(DataView.prototype, "buffer").get;
const DataViewByteOffset = ObjectGetOwnPropertyDescriptor(DataView.prototype, "byteOffset").get;
const DataViewByteLength = ObjectGetOwnPropertyDescriptor(DataView.prototype, "byteLength").get;
const SymbolAsyncIterator = Symbol.asyncIterator;
const SymbolIterator = Symbol.iterator;
const SymbolToStringTag = Symbol.toStringTag;
const NumberIsNaN = Number.isNaN;
const ArrayFrom = Array.from;
const structuredCloneFn = globalThis.structuredClone;

const ops = {}; // the abstract operations shared with 31_–33_
priv.streamOps = ops;

// ---------------------------------------------------------------------------------
// Promises

// new PromiseCtor(capture) leaves the resolving functions here; read them right away.
let capResolve, capReject;
function capture(resolve, reject) { capResolve = resolve; capReject = reject; }

function newPromise() { return new PromiseCtor(capture); }

class Deferred {
  constructor() {
    this.promise = new PromiseCtor(capture);
    this.resolve = capResolve;
    this.reject = capReject;
  }
}

function promiseResolvedWith(value) {
  const p = new PromiseCtor(capture);
  capResolve(value);
  return p;
}
function promiseRejectedWith(reason) { return call(PromiseReject, PromiseCtor, reason); }
function then(p, onFulfilled, onRejected) { return call(PromisePrototypeThen, p, onFulfilled, onRejected); }
function noop() {}
function returnUndefined() { return undefined; }
function setPromiseIsHandled(p) { call(PromisePrototypeThen, p, undefined, noop); }
// For internal algorithm results only (never handed to user code).
const resolvedUndefined = promiseResolvedWith(undefined);

ops.Deferred = Deferred;
ops.newPromise = newPromise;
ops.promiseResolvedWith = promiseResolvedWith;
ops.promiseRejectedWith = promiseRejectedWith;
ops.then = then;
ops.noop = noop;
ops.setPromiseIsHandled = setPromiseIsHandled;
ops.resolvedUndefined = resolvedUndefined;
ops.call = call;

// Invokes a WebIDL callback whose return type is Promise<undefined>: a throw becomes a
// rejected promise and the result is wrapped in a new promise.
function invokePromiseCallback0(fn, thisArg) {
  let r;
  try { r = call(fn, thisArg); } catch (e) { return promiseRejectedWith(e); }
  return promiseResolvedWith(r);
}
function invokePromiseCallback1(fn, thisArg, a) {
  let r;
  try { r = call(fn, thisArg, a); } catch (e) { return promiseRejectedWith(e); }
  return promiseResolvedWith(r);
}
function invokePromiseCallback2(fn, thisArg, a, b) {
  let r;
  try { r = call(fn, thisArg, a, b); } catch (e) { return promiseRejectedWith(e); }
  return promiseResolvedWith(r);
}
ops.invokePromiseCallback0 = invokePromiseCallback0;
ops.invokePromiseCallback1 = invokePromiseCallback1;
ops.invokePromiseCallback2 = invokePromiseCallback2;

// ---------------------------------------------------------------------------------
// Queues

// A FIFO list without Array.prototype.shift's O(n) cost.
class Fifo {
  constructor() {
    this.a = [];
    this.h = 0;
  }
  get size() { return this.a.length - this.h; }
  push(v) { this.a.push(v); }
  peek() { return this.a[this.h]; }
  at(i) { return this.a[this.h + i]; }
  shift() {
    const a = this.a;
    const h = this.h;
    const v = a[h];
    a[h] = undefined;
    if (h + 1 === a.length) {
      a.length = 0;
      this.h = 0;
    } else {
      this.h = h + 1;
      if (h >= 1024 && h * 2 >= a.length) {
        this.a = a.slice(h + 1);
        this.h = 0;
      }
    }
    return v;
  }
  // Empties the list and returns its items as an array.
  drain() {
    const out = this.h === 0 ? this.a : this.a.slice(this.h);
    this.a = [];
    this.h = 0;
    return out;
  }
}
ops.Fifo = Fifo;

// A queue-with-sizes: values and their sizes side by side, plus the running total.
class SizedQueue {
  constructor() {
    this.a = [];
    this.h = 0;
    this.total = 0;
  }
  get length() { return (this.a.length - this.h) >> 1; }
  // EnqueueValueWithSize
  enqueue(value, size) {
    if (typeof size !== "number" || NumberIsNaN(size) || size < 0 || size === Infinity) {
      throw new RangeError("The queuing strategy's size must be a finite, non-negative number.");
    }
    this.a.push(value, size);
    this.total += size;
  }
  // DequeueValue
  dequeue() {
    const a = this.a;
    const h = this.h;
    const value = a[h];
    this.total -= a[h + 1];
    if (this.total < 0) this.total = 0;
    a[h] = undefined;
    if (h + 2 === a.length) {
      a.length = 0;
      this.h = 0;
    } else {
      this.h = h + 2;
      if (h >= 2048 && h * 2 >= a.length) {
        this.a = a.slice(h + 2);
        this.h = 0;
      }
    }
    return value;
  }
  // PeekQueueValue
  peek() { return this.a[this.h]; }
  // ResetQueue
  reset() {
    this.a = [];
    this.h = 0;
    this.total = 0;
  }
}
ops.SizedQueue = SizedQueue;

// ---------------------------------------------------------------------------------
// WebIDL helpers specific to streams

function isObject(v) { return v !== null && (typeof v === "object" || typeof v === "function"); }
ops.isObject = isObject;

function toUnrestrictedDouble(v, prefix, context) {
  return converters["unrestricted double"](v, prefix, context);
}

function convertCallback(v, prefix, context) {
  if (typeof v !== "function") throw new TypeError(`${prefix}: ${context} is not a function.`);
  return v;
}
ops.convertCallback = convertCallback;

function convertBoolean(v) { return !!v; }

// QueuingStrategy: { unrestricted double highWaterMark; QueuingStrategySize size; }
function convertQueuingStrategy(v, prefix, context) {
  const out = { highWaterMark: undefined, size: undefined };
  if (v === undefined || v === null) return out;
  if (!isObject(v)) throw new TypeError(`${prefix}: ${context} is not an object.`);
  const hwm = v.highWaterMark;
  if (hwm !== undefined) out.highWaterMark = toUnrestrictedDouble(hwm, prefix, `'highWaterMark' member of ${context}`);
  const size = v.size;
  if (size !== undefined) out.size = convertCallback(size, prefix, `'size' member of ${context}`);
  return out;
}
ops.convertQueuingStrategy = convertQueuingStrategy;

// ExtractHighWaterMark
function extractHighWaterMark(strategy, defaultHWM) {
  const hwm = strategy.highWaterMark;
  if (hwm === undefined) return defaultHWM;
  if (NumberIsNaN(hwm) || hwm < 0) throw new RangeError(`Invalid highWaterMark ${hwm}: it must be a non-negative number.`);
  return hwm;
}
ops.extractHighWaterMark = extractHighWaterMark;

function sizeOne() { return 1; }
ops.sizeOne = sizeOne;

// ExtractSizeAlgorithm
function extractSizeAlgorithm(strategy) {
  const size = strategy.size;
  if (size === undefined) return sizeOne;
  return (chunk) => toUnrestrictedDouble(call(size, undefined, chunk));
}
ops.extractSizeAlgorithm = extractSizeAlgorithm;

// An ArrayBufferView, not backed by a SharedArrayBuffer (WebIDL ArrayBufferView).
function isArrayBufferView(v) { return ArrayBufferIsView(v); }
function viewBuffer(v) {
  return call(TypedArrayName, v) !== undefined ? call(TypedArrayBuffer, v) : call(DataViewBuffer, v);
}
function viewByteOffset(v) {
  return call(TypedArrayName, v) !== undefined ? call(TypedArrayByteOffset, v) : call(DataViewByteOffset, v);
}
function viewByteLength(v) {
  if (call(TypedArrayName, v) !== undefined) return call(TypedArrayByteLength, v);
  try { return call(DataViewByteLength, v); } catch { return 0; } // a DataView over a detached buffer
}
function isSharedBuffer(buf) { return SharedArrayBufferCtor !== undefined && buf instanceof SharedArrayBufferCtor; }
function convertArrayBufferView(v, prefix, context) {
  if (!isArrayBufferView(v)) throw new TypeError(`${prefix}: ${context} is not an ArrayBufferView.`);
  if (isSharedBuffer(viewBuffer(v))) throw new TypeError(`${prefix}: ${context} is backed by a SharedArrayBuffer, which is not allowed.`);
  return v;
}
ops.isArrayBufferView = isArrayBufferView;
ops.viewBuffer = viewBuffer;
ops.viewByteOffset = viewByteOffset;
ops.viewByteLength = viewByteLength;

const typedArrayInfo = { __proto__: null };
for (const ctor of [Int8Array, Uint8Array, Uint8ClampedArray, Int16Array, Uint16Array, Int32Array,
  Uint32Array, Float32Array, Float64Array, BigInt64Array, BigUint64Array]) {
  typedArrayInfo[ctor.name] = { ctor, size: ctor.BYTES_PER_ELEMENT };
}
if (typeof globalThis.Float16Array === "function") typedArrayInfo.Float16Array = { ctor: globalThis.Float16Array, size: 2 };

function arrayBufferByteLength(buf) { return call(ArrayBufferByteLength, buf); }

// IsDetachedBuffer
function isDetachedBuffer(buf) {
  if (ArrayBufferDetachedGetter !== undefined) return call(ArrayBufferDetachedGetter, buf);
  if (call(ArrayBufferByteLength, buf) !== 0) return false;
  try {
    new Uint8ArrayCtor(buf);
    return false;
  } catch {
    return true;
  }
}
ops.isDetachedBuffer = isDetachedBuffer;

// TransferArrayBuffer (see the header for the fallback without a transfer primitive).
function transferArrayBuffer(buf) {
  if (ArrayBufferPrototypeTransfer !== undefined) return call(ArrayBufferPrototypeTransfer, buf);
  if (isDetachedBuffer(buf)) throw new TypeError("The ArrayBuffer is detached.");
  return call(ArrayBufferPrototypeSlice, buf, 0);
}
ops.transferArrayBuffer = transferArrayBuffer;

// The transfers of BYOB (pull-into) buffers; without a transfer primitive the caller's
// buffer is shared instead of copied (copies would make read-into-one-buffer loops
// quadratic).
function transferPullIntoBuffer(buf) {
  if (ArrayBufferPrototypeTransfer !== undefined) return call(ArrayBufferPrototypeTransfer, buf);
  if (isDetachedBuffer(buf)) throw new TypeError("The ArrayBuffer is detached.");
  return buf;
}

// CloneArrayBuffer(buffer, byteOffset, byteLength, %ArrayBuffer%)
function cloneArrayBuffer(buf, byteOffset, byteLength) {
  return call(ArrayBufferPrototypeSlice, buf, byteOffset, byteOffset + byteLength);
}

// CloneAsUint8Array
function cloneAsUint8Array(view) {
  return new Uint8ArrayCtor(cloneArrayBuffer(viewBuffer(view), viewByteOffset(view), viewByteLength(view)));
}
ops.cloneAsUint8Array = cloneAsUint8Array;

function copyDataBlockBytes(toBuffer, toIndex, fromBuffer, fromIndex, count) {
  new Uint8ArrayCtor(toBuffer, toIndex, count).set(new Uint8ArrayCtor(fromBuffer, fromIndex, count));
}

// ---------------------------------------------------------------------------------
// Queuing strategies

const convertQueuingStrategyInit = (v, prefix) => {
  if (v !== undefined && v !== null && !isObject(v)) throw new TypeError(`${prefix}: parameter 1 is not of type 'QueuingStrategyInit'.`);
  const hwm = v == null ? undefined : v.highWaterMark;
  if (hwm === undefined) throw new TypeError(`${prefix}: Failed to read the 'highWaterMark' property from 'QueuingStrategyInit': Required member is undefined.`);
  return toUnrestrictedDouble(hwm, prefix, "'highWaterMark' member of QueuingStrategyInit");
};

// The size functions are plain functions (not methods) shared by all instances.
const byteLengthSize = ({ size(chunk) { return chunk.byteLength; } }).size;
const countSize = ({ size() { return 1; } }).size;

class ByteLengthQueuingStrategy {
  #highWaterMark;
  constructor(init) {
    const prefix = webidl.ctorPrefix("ByteLengthQueuingStrategy");
    webidl.requiredArguments(arguments.length, 1, prefix);
    this.#highWaterMark = convertQueuingStrategyInit(init, prefix);
  }
  get highWaterMark() {
    if (!(isObject(this) && #highWaterMark in this)) throw webidl.illegalInvocation();
    return this.#highWaterMark;
  }
  get size() {
    if (!(isObject(this) && #highWaterMark in this)) throw webidl.illegalInvocation();
    return byteLengthSize;
  }
}
configureInterface(ByteLengthQueuingStrategy);
core.defineGlobal("ByteLengthQueuingStrategy", ByteLengthQueuingStrategy);

class CountQueuingStrategy {
  #highWaterMark;
  constructor(init) {
    const prefix = webidl.ctorPrefix("CountQueuingStrategy");
    webidl.requiredArguments(arguments.length, 1, prefix);
    this.#highWaterMark = convertQueuingStrategyInit(init, prefix);
  }
  get highWaterMark() {
    if (!(isObject(this) && #highWaterMark in this)) throw webidl.illegalInvocation();
    return this.#highWaterMark;
  }
  get size() {
    if (!(isObject(this) && #highWaterMark in this)) throw webidl.illegalInvocation();
    return countSize;
  }
}
configureInterface(CountQueuingStrategy);
core.defineGlobal("CountQueuingStrategy", CountQueuingStrategy);

// ---------------------------------------------------------------------------------
// Internal records

const READABLE = 0, CLOSED = 1, ERRORED = 2;
ops.READABLE = READABLE;
ops.CLOSED = CLOSED;
ops.ERRORED = ERRORED;

// Reader types of a pull-into descriptor.
const RT_NONE = 0, RT_DEFAULT = 1, RT_BYOB = 2;

class RStream {
  constructor() {
    this.state = READABLE;
    this.reader = undefined;
    this.storedError = undefined;
    this.disturbed = false;
    this.controller = undefined;
    this.expectedLength = undefined; // bytes a FixedLengthStream announced
    this.pub = null;
  }
}

// ReadableStreamDefaultReader and ReadableStreamBYOBReader: `requests` holds the read
// requests, or the read-into requests of a BYOB reader.
class RReader {
  constructor(byob) {
    this.byob = byob;
    this.stream = undefined;
    this.closedPromise = undefined;
    this.closedResolve = undefined;
    this.closedReject = undefined;
    this.requests = new Fifo();
    this.pub = null;
  }
}

class RDefaultController {
  constructor() {
    this.isByte = false;
    this.stream = undefined;
    this.queue = new SizedQueue();
    this.started = false;
    this.closeRequested = false;
    this.pullAgain = false;
    this.pulling = false;
    this.strategySizeAlgorithm = undefined;
    this.strategyHWM = 0;
    this.pullAlgorithm = undefined;
    this.cancelAlgorithm = undefined;
    this.onPullFulfilled = undefined;
    this.onPullRejected = undefined;
    this.pub = null;
  }
}

class RByteController {
  constructor() {
    this.isByte = true;
    this.stream = undefined;
    this.pullAgain = false;
    this.pulling = false;
    this.byobRequest = null;
    this.queue = new Fifo(); // of ByteQueueEntry
    this.queueTotalSize = 0;
    this.closeRequested = false;
    this.started = false;
    this.strategyHWM = 0;
    this.pullAlgorithm = undefined;
    this.cancelAlgorithm = undefined;
    this.autoAllocateChunkSize = undefined;
    this.pendingPullIntos = new Fifo();
    this.onPullFulfilled = undefined;
    this.onPullRejected = undefined;
    this.drainHook = undefined; // internal sources that watch the queue being read
    this.pub = null;
  }
}

class ByteQueueEntry {
  constructor(buffer, byteOffset, byteLength) {
    this.buffer = buffer;
    this.byteOffset = byteOffset;
    this.byteLength = byteLength;
    this.view = null; // an owned Uint8Array that can be handed out as is
  }
}

class PullIntoDescriptor {
  constructor(buffer, bufferByteLength, byteOffset, byteLength, minimumFill, elementSize, viewConstructor, readerType) {
    this.buffer = buffer;
    this.bufferByteLength = bufferByteLength;
    this.byteOffset = byteOffset;
    this.byteLength = byteLength;
    this.bytesFilled = 0;
    this.minimumFill = minimumFill;
    this.elementSize = elementSize;
    this.viewConstructor = viewConstructor;
    this.readerType = readerType;
  }
}

class RBYOBRequest {
  constructor(controller, view) {
    this.controller = controller;
    this.view = view;
    this.pub = null;
  }
}

// Read requests: chunkSteps(chunk), closeSteps(), errorSteps(e). Read-into requests take
// a chunk (or undefined) in closeSteps too.
class ReadRequest {
  constructor() {
    this.promise = new PromiseCtor(capture);
    this.resolve = capResolve;
    this.reject = capReject;
  }
  chunkSteps(chunk) { this.resolve({ value: chunk, done: false }); }
  closeSteps(chunk) { this.resolve({ value: chunk, done: true }); }
  errorSteps(e) { this.reject(e); }
}

// ---------------------------------------------------------------------------------
// Working with readable streams

function isReadableStreamLocked(stream) { return stream.reader !== undefined; }

// AcquireReadableStreamDefaultReader, without a public object unless asked for.
function acquireDefaultReader(stream) {
  const reader = new RReader(false);
  setUpDefaultReader(reader, stream);
  return reader;
}
function acquireBYOBReader(stream) {
  const reader = new RReader(true);
  setUpBYOBReader(reader, stream);
  return reader;
}

function newRStream() {
  const stream = new RStream();
  new ReadableStream(illegalConstructorKey, stream); // sets stream.pub
  return stream;
}

// CreateReadableStream
function createReadableStream(startAlgorithm, pullAlgorithm, cancelAlgorithm, highWaterMark = 1, sizeAlgorithm = sizeOne) {
  const stream = newRStream();
  const controller = new RDefaultController();
  setUpDefaultController(stream, controller, startAlgorithm, pullAlgorithm, cancelAlgorithm, highWaterMark, sizeAlgorithm);
  return stream;
}

// CreateReadableByteStream
function createReadableByteStream(startAlgorithm, pullAlgorithm, cancelAlgorithm, highWaterMark = 0) {
  const stream = newRStream();
  const controller = new RByteController();
  setUpByteController(stream, controller, startAlgorithm, pullAlgorithm, cancelAlgorithm, highWaterMark, undefined);
  return stream;
}

// ReadableStreamCancel
function readableStreamCancel(stream, reason) {
  stream.disturbed = true;
  if (stream.state === CLOSED) return promiseResolvedWith(undefined);
  if (stream.state === ERRORED) return promiseRejectedWith(stream.storedError);
  readableStreamClose(stream);
  const reader = stream.reader;
  if (reader !== undefined && reader.byob && reader.requests.size > 0) {
    const requests = reader.requests.drain();
    for (let i = 0; i < requests.length; i++) requests[i].closeSteps(undefined);
  }
  const controller = stream.controller;
  const sourceCancelPromise = controller.isByte ? byteControllerCancelSteps(controller, reason) : defaultControllerCancelSteps(controller, reason);
  return then(sourceCancelPromise, returnUndefined);
}

// ReadableStreamClose
function readableStreamClose(stream) {
  stream.state = CLOSED;
  const reader = stream.reader;
  if (reader === undefined) return;
  reader.closedResolve(undefined);
  if (!reader.byob && reader.requests.size > 0) {
    const requests = reader.requests.drain();
    for (let i = 0; i < requests.length; i++) requests[i].closeSteps(undefined);
  }
}

// ReadableStreamError
function readableStreamError(stream, e) {
  stream.state = ERRORED;
  stream.storedError = e;
  const reader = stream.reader;
  if (reader === undefined) return;
  reader.closedReject(e);
  setPromiseIsHandled(reader.closedPromise);
  errorReaderRequests(reader, e);
}

// ReadableStreamDefaultReaderErrorReadRequests / ReadableStreamBYOBReaderErrorReadIntoRequests
function errorReaderRequests(reader, e) {
  if (reader.requests.size === 0) return;
  const requests = reader.requests.drain();
  for (let i = 0; i < requests.length; i++) requests[i].errorSteps(e);
}

// ReadableStreamFulfillReadRequest / ReadableStreamFulfillReadIntoRequest
function readableStreamFulfillRequest(stream, chunk, done) {
  const request = stream.reader.requests.shift();
  if (done) request.closeSteps(chunk);
  else request.chunkSteps(chunk);
}

function numReadRequests(stream) { return stream.reader.requests.size; }
function hasDefaultReader(stream) { return stream.reader !== undefined && !stream.reader.byob; }
function hasBYOBReader(stream) { return stream.reader !== undefined && stream.reader.byob; }

// ---------------------------------------------------------------------------------
// Readers

// ReadableStreamReaderGenericInitialize
function readerGenericInitialize(reader, stream) {
  reader.stream = stream;
  stream.reader = reader;
  if (stream.state === READABLE) {
    reader.closedPromise = new PromiseCtor(capture);
    reader.closedResolve = capResolve;
    reader.closedReject = capReject;
  } else if (stream.state === CLOSED) {
    reader.closedPromise = promiseResolvedWith(undefined);
  } else {
    reader.closedPromise = promiseRejectedWith(stream.storedError);
    setPromiseIsHandled(reader.closedPromise);
  }
}

// ReadableStreamReaderGenericRelease
function readerGenericRelease(reader) {
  const stream = reader.stream;
  const e = new TypeError("The reader was released; it can no longer be used to read from the stream.");
  if (stream.state === READABLE) reader.closedReject(e);
  else reader.closedPromise = promiseRejectedWith(e);
  setPromiseIsHandled(reader.closedPromise);
  const controller = stream.controller;
  if (controller.isByte) byteControllerReleaseSteps(controller);
  stream.reader = undefined;
  reader.stream = undefined;
}

// ReadableStreamDefaultReaderRelease / ReadableStreamBYOBReaderRelease
function readerRelease(reader) {
  readerGenericRelease(reader);
  errorReaderRequests(reader, new TypeError("The reader was released while a read was pending."));
}

// SetUpReadableStreamDefaultReader
function setUpDefaultReader(reader, stream) {
  if (isReadableStreamLocked(stream)) throw new TypeError("The ReadableStream is locked to a reader.");
  readerGenericInitialize(reader, stream);
}

// SetUpReadableStreamBYOBReader
function setUpBYOBReader(reader, stream) {
  if (isReadableStreamLocked(stream)) throw new TypeError("The ReadableStream is locked to a reader.");
  if (!stream.controller.isByte) throw new TypeError("A BYOB reader can only be acquired for a readable byte stream (type: 'bytes').");
  readerGenericInitialize(reader, stream);
}

// ReadableStreamDefaultReaderRead
function defaultReaderRead(reader, readRequest) {
  const stream = reader.stream;
  stream.disturbed = true;
  if (stream.state === READABLE) {
    const controller = stream.controller;
    if (controller.isByte) byteControllerPullSteps(controller, readRequest);
    else defaultControllerPullSteps(controller, readRequest);
  } else if (stream.state === CLOSED) {
    readRequest.closeSteps(undefined);
  } else {
    readRequest.errorSteps(stream.storedError);
  }
}

// ReadableStreamBYOBReaderRead
function byobReaderRead(reader, view, min, readIntoRequest) {
  const stream = reader.stream;
  stream.disturbed = true;
  if (stream.state === ERRORED) readIntoRequest.errorSteps(stream.storedError);
  else byteControllerPullInto(stream.controller, view, min, readIntoRequest);
}

// ---------------------------------------------------------------------------------
// Default controllers

function defaultControllerCanCloseOrEnqueue(c) {
  return !c.closeRequested && c.stream.state === READABLE;
}

function defaultControllerShouldCallPull(c) {
  if (!defaultControllerCanCloseOrEnqueue(c)) return false;
  if (!c.started) return false;
  const stream = c.stream;
  if (stream.reader !== undefined && stream.reader.requests.size > 0) return true;
  return c.strategyHWM - c.queue.total > 0;
}

function defaultControllerCallPullIfNeeded(c) {
  if (!defaultControllerShouldCallPull(c)) return;
  if (c.pulling) {
    c.pullAgain = true;
    return;
  }
  c.pulling = true;
  then(c.pullAlgorithm(), c.onPullFulfilled, c.onPullRejected);
}

function defaultControllerClearAlgorithms(c) {
  c.pullAlgorithm = undefined;
  c.cancelAlgorithm = undefined;
  c.strategySizeAlgorithm = undefined;
}

function defaultControllerClose(c) {
  if (!defaultControllerCanCloseOrEnqueue(c)) return;
  c.closeRequested = true;
  if (c.queue.length === 0) {
    defaultControllerClearAlgorithms(c);
    readableStreamClose(c.stream);
  }
}

function defaultControllerEnqueue(c, chunk) {
  if (!defaultControllerCanCloseOrEnqueue(c)) return;
  const stream = c.stream;
  if (stream.reader !== undefined && stream.reader.requests.size > 0) {
    readableStreamFulfillRequest(stream, chunk, false);
  } else {
    let chunkSize;
    try {
      chunkSize = c.strategySizeAlgorithm(chunk);
    } catch (e) {
      defaultControllerError(c, e);
      throw e;
    }
    try {
      c.queue.enqueue(chunk, chunkSize);
    } catch (e) {
      defaultControllerError(c, e);
      throw e;
    }
  }
  defaultControllerCallPullIfNeeded(c);
}

function defaultControllerError(c, e) {
  const stream = c.stream;
  if (stream.state !== READABLE) return;
  c.queue.reset();
  defaultControllerClearAlgorithms(c);
  readableStreamError(stream, e);
}

function defaultControllerGetDesiredSize(c) {
  const state = c.stream.state;
  if (state === ERRORED) return null;
  if (state === CLOSED) return 0;
  return c.strategyHWM - c.queue.total;
}

function defaultControllerHasBackpressure(c) {
  return !defaultControllerShouldCallPull(c);
}

function defaultControllerCancelSteps(c, reason) {
  c.queue.reset();
  const result = c.cancelAlgorithm(reason);
  defaultControllerClearAlgorithms(c);
  return result;
}

function defaultControllerPullSteps(c, readRequest) {
  const stream = c.stream;
  if (c.queue.length > 0) {
    const chunk = c.queue.dequeue();
    if (c.closeRequested && c.queue.length === 0) {
      defaultControllerClearAlgorithms(c);
      readableStreamClose(stream);
    } else {
      defaultControllerCallPullIfNeeded(c);
    }
    readRequest.chunkSteps(chunk);
  } else {
    stream.reader.requests.push(readRequest);
    defaultControllerCallPullIfNeeded(c);
  }
}

// SetUpReadableStreamDefaultController
function setUpDefaultController(stream, c, startAlgorithm, pullAlgorithm, cancelAlgorithm, highWaterMark, sizeAlgorithm) {
  c.stream = stream;
  c.strategySizeAlgorithm = sizeAlgorithm;
  c.strategyHWM = highWaterMark;
  c.pullAlgorithm = pullAlgorithm;
  c.cancelAlgorithm = cancelAlgorithm;
  c.onPullFulfilled = () => {
    c.pulling = false;
    if (c.pullAgain) {
      c.pullAgain = false;
      defaultControllerCallPullIfNeeded(c);
    }
  };
  c.onPullRejected = (e) => defaultControllerError(c, e);
  stream.controller = c;
  const startResult = startAlgorithm();
  then(promiseResolvedWith(startResult), () => {
    c.started = true;
    defaultControllerCallPullIfNeeded(c);
  }, (r) => defaultControllerError(c, r));
}

// SetUpReadableStreamDefaultControllerFromUnderlyingSource
function setUpDefaultControllerFromSource(stream, source, dict, highWaterMark, sizeAlgorithm) {
  const c = new RDefaultController();
  const pub = controllerPub(c);
  const start = dict.start, pull = dict.pull, cancel = dict.cancel;
  const startAlgorithm = start !== undefined ? () => call(start, source, pub) : returnUndefined;
  const pullAlgorithm = pull !== undefined ? () => invokePromiseCallback1(pull, source, pub) : () => resolvedUndefined;
  const cancelAlgorithm = cancel !== undefined ? (reason) => invokePromiseCallback1(cancel, source, reason) : () => resolvedUndefined;
  setUpDefaultController(stream, c, startAlgorithm, pullAlgorithm, cancelAlgorithm, highWaterMark, sizeAlgorithm);
}

// ---------------------------------------------------------------------------------
// Byte stream controllers

function byteControllerCallPullIfNeeded(c) {
  if (!byteControllerShouldCallPull(c)) return;
  if (c.pulling) {
    c.pullAgain = true;
    return;
  }
  c.pulling = true;
  then(c.pullAlgorithm(), c.onPullFulfilled, c.onPullRejected);
}

function byteControllerClearAlgorithms(c) {
  c.pullAlgorithm = undefined;
  c.cancelAlgorithm = undefined;
}

function byteControllerClearPendingPullIntos(c) {
  byteControllerInvalidateBYOBRequest(c);
  c.pendingPullIntos = new Fifo();
}

function byteControllerClose(c) {
  const stream = c.stream;
  if (c.closeRequested || stream.state !== READABLE) return;
  if (c.queueTotalSize > 0) {
    c.closeRequested = true;
    return;
  }
  if (c.pendingPullIntos.size > 0) {
    const first = c.pendingPullIntos.peek();
    if (first.bytesFilled % first.elementSize !== 0) {
      const e = new TypeError("Insufficient bytes to fill elements in the given buffer.");
      byteControllerError(c, e);
      throw e;
    }
  }
  byteControllerClearAlgorithms(c);
  readableStreamClose(stream);
}

function byteControllerCommitPullIntoDescriptor(stream, desc) {
  let done = false;
  if (stream.state === CLOSED) done = true;
  const filledView = byteControllerConvertPullIntoDescriptor(desc);
  readableStreamFulfillRequest(stream, filledView, done);
}

// The spec transfers desc.buffer once more here. Every path that reaches this point has
// already transferred the buffer away from anything user code saw (read(view), respond(),
// respondWithNewView() and enqueue() transfer it before committing), so that last transfer
// is unobservable and skipped: it would be one more copy of the reader's buffer.
function byteControllerConvertPullIntoDescriptor(desc) {
  return new desc.viewConstructor(desc.buffer, desc.byteOffset, desc.bytesFilled / desc.elementSize);
}

// ReadableByteStreamControllerEnqueue. `owned` marks a Uint8Array that nobody else holds
// (chunks from the host); it is neither transferred nor copied.
function byteControllerEnqueue(c, chunk, owned) {
  const stream = c.stream;
  if (c.closeRequested || stream.state !== READABLE) return;
  let transferredBuffer, byteOffset, byteLength;
  if (owned) {
    transferredBuffer = chunk.buffer;
    byteOffset = chunk.byteOffset;
    byteLength = chunk.byteLength;
  } else {
    const buffer = viewBuffer(chunk);
    byteOffset = viewByteOffset(chunk);
    byteLength = viewByteLength(chunk);
    if (isDetachedBuffer(buffer)) throw new TypeError("The chunk's ArrayBuffer is detached.");
    transferredBuffer = transferArrayBuffer(buffer);
  }
  if (c.pendingPullIntos.size > 0) {
    const first = c.pendingPullIntos.peek();
    if (isDetachedBuffer(first.buffer)) throw new TypeError("The BYOB request's buffer is detached.");
    byteControllerInvalidateBYOBRequest(c);
    first.buffer = transferPullIntoBuffer(first.buffer);
    if (first.readerType === RT_NONE) byteControllerEnqueueDetachedPullIntoToQueue(c, first);
  }
  if (hasDefaultReader(stream)) {
    byteControllerProcessReadRequestsUsingQueue(c);
    if (numReadRequests(stream) === 0) {
      byteControllerEnqueueChunkToQueue(c, transferredBuffer, byteOffset, byteLength, owned ? chunk : null);
    } else {
      if (c.pendingPullIntos.size > 0) byteControllerShiftPendingPullInto(c);
      const view = owned ? chunk : new Uint8ArrayCtor(transferredBuffer, byteOffset, byteLength);
      readableStreamFulfillRequest(stream, view, false);
    }
  } else if (hasBYOBReader(stream)) {
    byteControllerEnqueueChunkToQueue(c, transferredBuffer, byteOffset, byteLength, null);
    const filled = byteControllerProcessPullIntoDescriptorsUsingQueue(c);
    for (let i = 0; i < filled.length; i++) byteControllerCommitPullIntoDescriptor(stream, filled[i]);
  } else {
    byteControllerEnqueueChunkToQueue(c, transferredBuffer, byteOffset, byteLength, owned ? chunk : null);
  }
  byteControllerCallPullIfNeeded(c);
}

function byteControllerEnqueueChunkToQueue(c, buffer, byteOffset, byteLength, view) {
  const entry = new ByteQueueEntry(buffer, byteOffset, byteLength);
  entry.view = view;
  c.queue.push(entry);
  c.queueTotalSize += byteLength;
}

function byteControllerEnqueueClonedChunkToQueue(c, buffer, byteOffset, byteLength) {
  let clone;
  try {
    clone = cloneArrayBuffer(buffer, byteOffset, byteLength);
  } catch (e) {
    byteControllerError(c, e);
    throw e;
  }
  byteControllerEnqueueChunkToQueue(c, clone, 0, byteLength, null);
}

function byteControllerEnqueueDetachedPullIntoToQueue(c, desc) {
  if (desc.bytesFilled > 0) byteControllerEnqueueClonedChunkToQueue(c, desc.buffer, desc.byteOffset, desc.bytesFilled);
  byteControllerShiftPendingPullInto(c);
}

function byteControllerError(c, e) {
  const stream = c.stream;
  if (stream.state !== READABLE) return;
  byteControllerClearPendingPullIntos(c);
  c.queue = new Fifo();
  c.queueTotalSize = 0;
  byteControllerClearAlgorithms(c);
  readableStreamError(stream, e);
}

function byteControllerFillHeadPullIntoDescriptor(c, size, desc) {
  desc.bytesFilled += size;
}

function byteControllerFillPullIntoDescriptorFromQueue(c, desc) {
  const maxBytesToCopy = Math.min(c.queueTotalSize, desc.byteLength - desc.bytesFilled);
  const maxBytesFilled = desc.bytesFilled + maxBytesToCopy;
  let totalBytesToCopyRemaining = maxBytesToCopy;
  let ready = false;
  const remainderBytes = maxBytesFilled % desc.elementSize;
  const maxAlignedBytes = maxBytesFilled - remainderBytes;
  if (maxAlignedBytes >= desc.minimumFill) {
    totalBytesToCopyRemaining = maxAlignedBytes - desc.bytesFilled;
    ready = true;
  }
  const queue = c.queue;
  while (totalBytesToCopyRemaining > 0) {
    const head = queue.peek();
    const bytesToCopy = Math.min(totalBytesToCopyRemaining, head.byteLength);
    const destStart = desc.byteOffset + desc.bytesFilled;
    copyDataBlockBytes(desc.buffer, destStart, head.buffer, head.byteOffset, bytesToCopy);
    if (head.byteLength === bytesToCopy) {
      queue.shift();
    } else {
      head.byteOffset += bytesToCopy;
      head.byteLength -= bytesToCopy;
      head.view = null;
    }
    c.queueTotalSize -= bytesToCopy;
    byteControllerFillHeadPullIntoDescriptor(c, bytesToCopy, desc);
    totalBytesToCopyRemaining -= bytesToCopy;
  }
  return ready;
}

function byteControllerFillReadRequestFromQueue(c, readRequest) {
  const entry = c.queue.shift();
  c.queueTotalSize -= entry.byteLength;
  byteControllerHandleQueueDrain(c);
  const view = entry.view !== null ? entry.view : new Uint8ArrayCtor(entry.buffer, entry.byteOffset, entry.byteLength);
  readRequest.chunkSteps(view);
}

function byteControllerGetBYOBRequest(c) {
  if (c.byobRequest === null && c.pendingPullIntos.size > 0) {
    const first = c.pendingPullIntos.peek();
    const view = new Uint8ArrayCtor(first.buffer, first.byteOffset + first.bytesFilled, first.byteLength - first.bytesFilled);
    c.byobRequest = new RBYOBRequest(c, view);
  }
  return c.byobRequest;
}

function byteControllerGetDesiredSize(c) {
  const state = c.stream.state;
  if (state === ERRORED) return null;
  if (state === CLOSED) return 0;
  return c.strategyHWM - c.queueTotalSize;
}

function byteControllerHandleQueueDrain(c) {
  if (c.drainHook !== undefined) c.drainHook();
  if (c.queueTotalSize === 0 && c.closeRequested) {
    byteControllerClearAlgorithms(c);
    readableStreamClose(c.stream);
  } else {
    byteControllerCallPullIfNeeded(c);
  }
}

function byteControllerInvalidateBYOBRequest(c) {
  const req = c.byobRequest;
  if (req === null) return;
  req.controller = undefined;
  req.view = null;
  c.byobRequest = null;
}

function byteControllerProcessPullIntoDescriptorsUsingQueue(c) {
  const filled = [];
  while (c.pendingPullIntos.size > 0) {
    if (c.queueTotalSize === 0) break;
    const desc = c.pendingPullIntos.peek();
    if (byteControllerFillPullIntoDescriptorFromQueue(c, desc)) {
      byteControllerShiftPendingPullInto(c);
      filled.push(desc);
    }
  }
  return filled;
}

function byteControllerProcessReadRequestsUsingQueue(c) {
  const reader = c.stream.reader;
  while (reader.requests.size > 0) {
    if (c.queueTotalSize === 0) return;
    const readRequest = reader.requests.shift();
    byteControllerFillReadRequestFromQueue(c, readRequest);
  }
}

function byteControllerPullInto(c, view, min, readIntoRequest) {
  const stream = c.stream;
  let elementSize = 1;
  let ctor = DataViewCtor;
  const name = call(TypedArrayName, view);
  if (name !== undefined) {
    const info = typedArrayInfo[name];
    elementSize = info.size;
    ctor = info.ctor;
  }
  const minimumFill = min * elementSize;
  const byteOffset = viewByteOffset(view);
  const byteLength = viewByteLength(view);
  let buffer;
  try {
    buffer = transferPullIntoBuffer(viewBuffer(view));
  } catch (e) {
    readIntoRequest.errorSteps(e);
    return;
  }
  const desc = new PullIntoDescriptor(buffer, arrayBufferByteLength(buffer), byteOffset, byteLength, minimumFill, elementSize, ctor, RT_BYOB);
  if (c.pendingPullIntos.size > 0) {
    c.pendingPullIntos.push(desc);
    stream.reader.requests.push(readIntoRequest);
    return;
  }
  if (stream.state === CLOSED) {
    readIntoRequest.closeSteps(new ctor(desc.buffer, desc.byteOffset, 0));
    return;
  }
  if (c.queueTotalSize > 0) {
    if (byteControllerFillPullIntoDescriptorFromQueue(c, desc)) {
      const filledView = byteControllerConvertPullIntoDescriptor(desc);
      byteControllerHandleQueueDrain(c);
      readIntoRequest.chunkSteps(filledView);
      return;
    }
    if (c.closeRequested) {
      const e = new TypeError("Insufficient bytes to fill elements in the given buffer.");
      byteControllerError(c, e);
      readIntoRequest.errorSteps(e);
      return;
    }
  }
  c.pendingPullIntos.push(desc);
  stream.reader.requests.push(readIntoRequest);
  byteControllerCallPullIfNeeded(c);
}

function byteControllerRespond(c, bytesWritten) {
  const first = c.pendingPullIntos.peek();
  const state = c.stream.state;
  if (state === CLOSED) {
    if (bytesWritten !== 0) throw new TypeError("bytesWritten must be 0 when calling respond() on a closed stream.");
  } else {
    if (bytesWritten === 0) throw new TypeError("bytesWritten must be greater than 0 when calling respond() on a readable stream.");
    if (first.bytesFilled + bytesWritten > first.byteLength) throw new RangeError("bytesWritten is out of range: it exceeds the BYOB request's view.");
  }
  first.buffer = transferPullIntoBuffer(first.buffer);
  byteControllerRespondInternal(c, bytesWritten);
}

function byteControllerRespondInClosedState(c, first) {
  if (first.readerType === RT_NONE) byteControllerShiftPendingPullInto(c);
  const stream = c.stream;
  if (hasBYOBReader(stream)) {
    const filled = [];
    while (filled.length < numReadRequests(stream)) filled.push(byteControllerShiftPendingPullInto(c));
    for (let i = 0; i < filled.length; i++) byteControllerCommitPullIntoDescriptor(stream, filled[i]);
  }
}

function byteControllerRespondInReadableState(c, bytesWritten, desc) {
  byteControllerFillHeadPullIntoDescriptor(c, bytesWritten, desc);
  const stream = c.stream;
  if (desc.readerType === RT_NONE) {
    byteControllerEnqueueDetachedPullIntoToQueue(c, desc);
    const filled = byteControllerProcessPullIntoDescriptorsUsingQueue(c);
    for (let i = 0; i < filled.length; i++) byteControllerCommitPullIntoDescriptor(stream, filled[i]);
    return;
  }
  if (desc.bytesFilled < desc.minimumFill) return;
  byteControllerShiftPendingPullInto(c);
  const remainderSize = desc.bytesFilled % desc.elementSize;
  if (remainderSize > 0) {
    const end = desc.byteOffset + desc.bytesFilled;
    byteControllerEnqueueClonedChunkToQueue(c, desc.buffer, end - remainderSize, remainderSize);
  }
  desc.bytesFilled -= remainderSize;
  const filled = byteControllerProcessPullIntoDescriptorsUsingQueue(c);
  byteControllerCommitPullIntoDescriptor(stream, desc);
  for (let i = 0; i < filled.length; i++) byteControllerCommitPullIntoDescriptor(stream, filled[i]);
}

function byteControllerRespondInternal(c, bytesWritten) {
  const first = c.pendingPullIntos.peek();
  byteControllerInvalidateBYOBRequest(c);
  if (c.stream.state === CLOSED) byteControllerRespondInClosedState(c, first);
  else byteControllerRespondInReadableState(c, bytesWritten, first);
  byteControllerCallPullIfNeeded(c);
}

function byteControllerRespondWithNewView(c, view) {
  const first = c.pendingPullIntos.peek();
  const state = c.stream.state;
  const viewLength = viewByteLength(view);
  if (state === CLOSED) {
    if (viewLength !== 0) throw new TypeError("The view's length must be 0 when calling respondWithNewView() on a closed stream.");
  } else if (viewLength === 0) {
    throw new TypeError("The view's length must be greater than 0 when calling respondWithNewView() on a readable stream.");
  }
  const buffer = viewBuffer(view);
  if (first.byteOffset + first.bytesFilled !== viewByteOffset(view)) {
    throw new RangeError("The region specified by the view does not match the BYOB request.");
  }
  if (first.bufferByteLength !== arrayBufferByteLength(buffer)) {
    throw new RangeError("The buffer of the view has a different length than the BYOB request's buffer.");
  }
  if (first.bytesFilled + viewLength > first.byteLength) {
    throw new RangeError("The region specified by the view is larger than the BYOB request.");
  }
  first.buffer = transferPullIntoBuffer(buffer);
  byteControllerRespondInternal(c, viewLength);
}

function byteControllerShiftPendingPullInto(c) {
  return c.pendingPullIntos.shift();
}

function byteControllerShouldCallPull(c) {
  const stream = c.stream;
  if (stream.state !== READABLE) return false;
  if (c.closeRequested) return false;
  if (!c.started) return false;
  if (stream.reader !== undefined && stream.reader.requests.size > 0) return true;
  return c.strategyHWM - c.queueTotalSize > 0;
}

function byteControllerCancelSteps(c, reason) {
  byteControllerClearPendingPullIntos(c);
  c.queue = new Fifo();
  c.queueTotalSize = 0;
  const result = c.cancelAlgorithm(reason);
  byteControllerClearAlgorithms(c);
  return result;
}

function byteControllerPullSteps(c, readRequest) {
  const stream = c.stream;
  if (c.queueTotalSize > 0) {
    byteControllerFillReadRequestFromQueue(c, readRequest);
    return;
  }
  const autoAllocateChunkSize = c.autoAllocateChunkSize;
  if (autoAllocateChunkSize !== undefined) {
    let buffer;
    try {
      buffer = new ArrayBufferCtor(autoAllocateChunkSize);
    } catch (e) {
      readRequest.errorSteps(e);
      return;
    }
    c.pendingPullIntos.push(new PullIntoDescriptor(buffer, autoAllocateChunkSize, 0, autoAllocateChunkSize, 1, 1, Uint8ArrayCtor, RT_DEFAULT));
  }
  stream.reader.requests.push(readRequest);
  byteControllerCallPullIfNeeded(c);
}

function byteControllerReleaseSteps(c) {
  if (c.pendingPullIntos.size > 0) {
    const first = c.pendingPullIntos.peek();
    first.readerType = RT_NONE;
    c.pendingPullIntos = new Fifo();
    c.pendingPullIntos.push(first);
  }
}

// SetUpReadableByteStreamController
function setUpByteController(stream, c, startAlgorithm, pullAlgorithm, cancelAlgorithm, highWaterMark, autoAllocateChunkSize) {
  c.stream = stream;
  c.strategyHWM = highWaterMark;
  c.pullAlgorithm = pullAlgorithm;
  c.cancelAlgorithm = cancelAlgorithm;
  c.autoAllocateChunkSize = autoAllocateChunkSize;
  c.onPullFulfilled = () => {
    c.pulling = false;
    if (c.pullAgain) {
      c.pullAgain = false;
      byteControllerCallPullIfNeeded(c);
    }
  };
  c.onPullRejected = (e) => byteControllerError(c, e);
  stream.controller = c;
  const startResult = startAlgorithm();
  then(promiseResolvedWith(startResult), () => {
    c.started = true;
    byteControllerCallPullIfNeeded(c);
  }, (r) => byteControllerError(c, r));
}

// SetUpReadableByteStreamControllerFromUnderlyingSource
function setUpByteControllerFromSource(stream, source, dict, highWaterMark) {
  const c = new RByteController();
  const pub = controllerPub(c);
  const start = dict.start, pull = dict.pull, cancel = dict.cancel;
  const startAlgorithm = start !== undefined ? () => call(start, source, pub) : returnUndefined;
  const pullAlgorithm = pull !== undefined ? () => invokePromiseCallback1(pull, source, pub) : () => resolvedUndefined;
  const cancelAlgorithm = cancel !== undefined ? (reason) => invokePromiseCallback1(cancel, source, reason) : () => resolvedUndefined;
  const autoAllocateChunkSize = dict.autoAllocateChunkSize;
  if (autoAllocateChunkSize === 0) throw new TypeError("autoAllocateChunkSize must be greater than 0.");
  setUpByteController(stream, c, startAlgorithm, pullAlgorithm, cancelAlgorithm, highWaterMark, autoAllocateChunkSize);
}

// ---------------------------------------------------------------------------------
// Tee

function readableStreamTee(stream, cloneForBranch2) {
  if (stream.controller.isByte) return readableByteStreamTee(stream);
  return readableStreamDefaultTee(stream, cloneForBranch2);
}

function readableStreamDefaultTee(stream, cloneForBranch2) {
  const reader = acquireDefaultReader(stream);
  let reading = false;
  let readAgain = false;
  let canceled1 = false;
  let canceled2 = false;
  let reason1, reason2, branch1, branch2;
  const cancelPromise = new Deferred();

  const deliver = (chunk) => {
    readAgain = false;
    const chunk1 = chunk;
    let chunk2 = chunk;
    if (!canceled2 && cloneForBranch2) {
      try {
        chunk2 = structuredCloneFn(chunk2);
      } catch (e) {
        defaultControllerError(branch1.controller, e);
        defaultControllerError(branch2.controller, e);
        cancelPromise.resolve(readableStreamCancel(stream, e));
        return;
      }
    }
    if (!canceled1) defaultControllerEnqueue(branch1.controller, chunk1);
    if (!canceled2) defaultControllerEnqueue(branch2.controller, chunk2);
    reading = false;
    if (readAgain) pullAlgorithm();
  };
  const readRequest = {
    // Delivered in a microtask so that an error on the stream, seen through the reader's
    // closed promise, reaches both branches before chunks that were already available.
    chunkSteps(chunk) { then(resolvedUndefined, () => deliver(chunk)); },
    closeSteps() {
      reading = false;
      if (!canceled1) defaultControllerClose(branch1.controller);
      if (!canceled2) defaultControllerClose(branch2.controller);
      if (!canceled1 || !canceled2) cancelPromise.resolve(undefined);
    },
    errorSteps() { reading = false; },
  };
  function pullAlgorithm() {
    if (reading) {
      readAgain = true;
      return resolvedUndefined;
    }
    reading = true;
    defaultReaderRead(reader, readRequest);
    return resolvedUndefined;
  }
  function cancel1Algorithm(reason) {
    canceled1 = true;
    reason1 = reason;
    if (canceled2) cancelPromise.resolve(readableStreamCancel(stream, [reason1, reason2]));
    return cancelPromise.promise;
  }
  function cancel2Algorithm(reason) {
    canceled2 = true;
    reason2 = reason;
    if (canceled1) cancelPromise.resolve(readableStreamCancel(stream, [reason1, reason2]));
    return cancelPromise.promise;
  }
  branch1 = createReadableStream(returnUndefined, pullAlgorithm, cancel1Algorithm);
  branch2 = createReadableStream(returnUndefined, pullAlgorithm, cancel2Algorithm);
  then(reader.closedPromise, undefined, (r) => {
    defaultControllerError(branch1.controller, r);
    defaultControllerError(branch2.controller, r);
    if (!canceled1 || !canceled2) cancelPromise.resolve(undefined);
  });
  return [branch1, branch2];
}

function readableByteStreamTee(stream) {
  let reader = acquireDefaultReader(stream);
  let reading = false;
  let readAgainForBranch1 = false;
  let readAgainForBranch2 = false;
  let canceled1 = false;
  let canceled2 = false;
  let reason1, reason2, branch1, branch2;
  const cancelPromise = new Deferred();

  function forwardReaderError(thisReader) {
    then(thisReader.closedPromise, undefined, (r) => {
      if (thisReader !== reader) return;
      byteControllerError(branch1.controller, r);
      byteControllerError(branch2.controller, r);
      if (!canceled1 || !canceled2) cancelPromise.resolve(undefined);
    });
  }

  function afterChunk() {
    reading = false;
    if (readAgainForBranch1) pull1Algorithm();
    else if (readAgainForBranch2) pull2Algorithm();
  }

  const defaultReadRequest = {
    chunkSteps(chunk) {
      then(resolvedUndefined, () => {
        readAgainForBranch1 = false;
        readAgainForBranch2 = false;
        const chunk1 = chunk;
        let chunk2 = chunk;
        if (!canceled1 && !canceled2) {
          try {
            chunk2 = cloneAsUint8Array(chunk);
          } catch (e) {
            byteControllerError(branch1.controller, e);
            byteControllerError(branch2.controller, e);
            cancelPromise.resolve(readableStreamCancel(stream, e));
            return;
          }
        }
        if (!canceled1) byteControllerEnqueue(branch1.controller, chunk1, false);
        if (!canceled2) byteControllerEnqueue(branch2.controller, chunk2, false);
        afterChunk();
      });
    },
    closeSteps() {
      reading = false;
      if (!canceled1) byteControllerClose(branch1.controller);
      if (!canceled2) byteControllerClose(branch2.controller);
      if (branch1.controller.pendingPullIntos.size > 0) byteControllerRespond(branch1.controller, 0);
      if (branch2.controller.pendingPullIntos.size > 0) byteControllerRespond(branch2.controller, 0);
      if (!canceled1 || !canceled2) cancelPromise.resolve(undefined);
    },
    errorSteps() { reading = false; },
  };

  function pullWithDefaultReader() {
    if (reader.byob) {
      readerRelease(reader);
      reader = acquireDefaultReader(stream);
      forwardReaderError(reader);
    }
    defaultReaderRead(reader, defaultReadRequest);
  }

  function pullWithBYOBReader(view, forBranch2) {
    if (!reader.byob) {
      readerRelease(reader);
      reader = acquireBYOBReader(stream);
      forwardReaderError(reader);
    }
    const byobBranch = forBranch2 ? branch2 : branch1;
    const otherBranch = forBranch2 ? branch1 : branch2;
    const readIntoRequest = {
      chunkSteps(chunk) {
        then(resolvedUndefined, () => {
          readAgainForBranch1 = false;
          readAgainForBranch2 = false;
          const byobCanceled = forBranch2 ? canceled2 : canceled1;
          const otherCanceled = forBranch2 ? canceled1 : canceled2;
          if (!otherCanceled) {
            let cloned;
            try {
              cloned = cloneAsUint8Array(chunk);
            } catch (e) {
              byteControllerError(byobBranch.controller, e);
              byteControllerError(otherBranch.controller, e);
              cancelPromise.resolve(readableStreamCancel(stream, e));
              return;
            }
            if (!byobCanceled) byteControllerRespondWithNewView(byobBranch.controller, chunk);
            byteControllerEnqueue(otherBranch.controller, cloned, false);
          } else if (!byobCanceled) {
            byteControllerRespondWithNewView(byobBranch.controller, chunk);
          }
          afterChunk();
        });
      },
      closeSteps(chunk) {
        reading = false;
        const byobCanceled = forBranch2 ? canceled2 : canceled1;
        const otherCanceled = forBranch2 ? canceled1 : canceled2;
        if (!byobCanceled) byteControllerClose(byobBranch.controller);
        if (!otherCanceled) byteControllerClose(otherBranch.controller);
        if (chunk !== undefined) {
          if (!byobCanceled) byteControllerRespondWithNewView(byobBranch.controller, chunk);
          if (!otherCanceled && otherBranch.controller.pendingPullIntos.size > 0) byteControllerRespond(otherBranch.controller, 0);
        }
        if (!byobCanceled || !otherCanceled) cancelPromise.resolve(undefined);
      },
      errorSteps() { reading = false; },
    };
    byobReaderRead(reader, view, 1, readIntoRequest);
  }

  function pull1Algorithm() {
    if (reading) {
      readAgainForBranch1 = true;
      return resolvedUndefined;
    }
    reading = true;
    const byobRequest = byteControllerGetBYOBRequest(branch1.controller);
    if (byobRequest === null) pullWithDefaultReader();
    else pullWithBYOBReader(byobRequest.view, false);
    return resolvedUndefined;
  }
  function pull2Algorithm() {
    if (reading) {
      readAgainForBranch2 = true;
      return resolvedUndefined;
    }
    reading = true;
    const byobRequest = byteControllerGetBYOBRequest(branch2.controller);
    if (byobRequest === null) pullWithDefaultReader();
    else pullWithBYOBReader(byobRequest.view, true);
    return resolvedUndefined;
  }
  function cancel1Algorithm(reason) {
    canceled1 = true;
    reason1 = reason;
    if (canceled2) cancelPromise.resolve(readableStreamCancel(stream, [reason1, reason2]));
    return cancelPromise.promise;
  }
  function cancel2Algorithm(reason) {
    canceled2 = true;
    reason2 = reason;
    if (canceled1) cancelPromise.resolve(readableStreamCancel(stream, [reason1, reason2]));
    return cancelPromise.promise;
  }
  branch1 = createReadableByteStream(returnUndefined, pull1Algorithm, cancel1Algorithm);
  branch2 = createReadableByteStream(returnUndefined, pull2Algorithm, cancel2Algorithm);
  forwardReaderError(reader);
  return [branch1, branch2];
}

// ---------------------------------------------------------------------------------
// ReadableStream.from

// GetIterator(obj, async), with CreateAsyncFromSyncIterator for sync iterables.
function getAsyncIterator(obj) {
  let method = obj == null ? undefined : obj[SymbolAsyncIterator];
  if (method === undefined || method === null) {
    const syncMethod = obj == null ? undefined : obj[SymbolIterator];
    if (syncMethod === undefined || syncMethod === null) {
      throw new TypeError("ReadableStream.from: the argument is neither an async iterable nor an iterable.");
    }
    if (typeof syncMethod !== "function") throw new TypeError("ReadableStream.from: Symbol.iterator is not a function.");
    const syncIterator = call(syncMethod, obj);
    if (!isObject(syncIterator)) throw new TypeError("ReadableStream.from: the iterator is not an object.");
    return createAsyncFromSyncIterator(syncIterator, syncIterator.next);
  }
  if (typeof method !== "function") throw new TypeError("ReadableStream.from: Symbol.asyncIterator is not a function.");
  const iterator = call(method, obj);
  if (!isObject(iterator)) throw new TypeError("ReadableStream.from: the async iterator is not an object.");
  return { iterator, nextMethod: iterator.next };
}

// %AsyncFromSyncIteratorPrototype% next/return, for ReadableStream.from only.
function createAsyncFromSyncIterator(syncIterator, syncNext) {
  const closeSync = () => {
    try {
      const ret = syncIterator.return;
      if (ret !== undefined && ret !== null) call(ret, syncIterator);
    } catch { /* the rejection reason wins */ }
  };
  const continuation = (result, closeOnRejection) => {
    const done = !!result.done;
    const value = result.value;
    let valueWrapper;
    try {
      valueWrapper = PromiseCtor.resolve(value);
    } catch (e) {
      if (!done && closeOnRejection) closeSync();
      return promiseRejectedWith(e);
    }
    return then(valueWrapper, (v) => ({ value: v, done }), (e) => {
      if (!done && closeOnRejection) closeSync();
      throw e;
    });
  };
  const iterator = {
    next(v) {
      let result;
      try {
        result = call(syncNext, syncIterator, v);
        if (!isObject(result)) throw new TypeError("The iterator result is not an object.");
      } catch (e) {
        return promiseRejectedWith(e);
      }
      return continuation(result, true);
    },
    return(v) {
      let result;
      try {
        const ret = syncIterator.return;
        if (ret === undefined || ret === null) return promiseResolvedWith({ value: v, done: true });
        result = call(ret, syncIterator, v);
        if (!isObject(result)) throw new TypeError("The iterator result is not an object.");
      } catch (e) {
        return promiseRejectedWith(e);
      }
      return continuation(result, false);
    },
  };
  return { iterator, nextMethod: iterator.next };
}

// ReadableStreamFromIterable
function readableStreamFromIterable(asyncIterable) {
  let stream;
  const record = getAsyncIterator(asyncIterable);
  const onNext = (iterResult) => {
    if (!isObject(iterResult)) throw new TypeError("The promise returned by the iterator's next() did not fulfill with an object.");
    if (iterResult.done) {
      defaultControllerClose(stream.controller);
    } else {
      defaultControllerEnqueue(stream.controller, iterResult.value);
    }
  };
  const pullAlgorithm = () => {
    let nextResult;
    try {
      nextResult = call(record.nextMethod, record.iterator);
      if (!isObject(nextResult)) throw new TypeError("The iterator's next() did not return an object.");
    } catch (e) {
      return promiseRejectedWith(e);
    }
    return then(promiseResolvedWith(nextResult), onNext);
  };
  const onReturn = (iterResult) => {
    if (!isObject(iterResult)) throw new TypeError("The promise returned by the iterator's return() did not fulfill with an object.");
    return undefined;
  };
  const cancelAlgorithm = (reason) => {
    const iterator = record.iterator;
    let returnResult;
    try {
      const returnMethod = iterator.return;
      if (returnMethod === undefined || returnMethod === null) return promiseResolvedWith(undefined);
      if (typeof returnMethod !== "function") throw new TypeError("The iterator's return property is not a function.");
      returnResult = call(returnMethod, iterator, reason);
    } catch (e) {
      return promiseRejectedWith(e);
    }
    return then(promiseResolvedWith(returnResult), onReturn);
  };
  stream = createReadableStream(returnUndefined, pullAlgorithm, cancelAlgorithm, 0);
  return stream;
}

// ---------------------------------------------------------------------------------
// Public interfaces

function controllerPub(c) {
  if (c.pub === null) {
    if (c.isByte) new ReadableByteStreamController(illegalConstructorKey, c);
    else new ReadableStreamDefaultController(illegalConstructorKey, c);
  }
  return c.pub;
}

function readerPub(reader) {
  if (reader.pub === null) {
    if (reader.byob) new ReadableStreamBYOBReader(illegalConstructorKey, reader);
    else new ReadableStreamDefaultReader(illegalConstructorKey, reader);
  }
  return reader.pub;
}

const convertUnderlyingSource = (src, prefix) => {
  const d = { autoAllocateChunkSize: undefined, cancel: undefined, pull: undefined, start: undefined, type: undefined };
  if (src === null) return d;
  let v = src.autoAllocateChunkSize;
  if (v !== undefined) d.autoAllocateChunkSize = converters["unsigned long long"](v, prefix, "'autoAllocateChunkSize' member of UnderlyingSource", { enforceRange: true });
  v = src.cancel;
  if (v !== undefined) d.cancel = convertCallback(v, prefix, "'cancel' member of UnderlyingSource");
  v = src.pull;
  if (v !== undefined) d.pull = convertCallback(v, prefix, "'pull' member of UnderlyingSource");
  v = src.start;
  if (v !== undefined) d.start = convertCallback(v, prefix, "'start' member of UnderlyingSource");
  v = src.type;
  if (v !== undefined) {
    const s = converters.DOMString(v, prefix, "'type' member of UnderlyingSource");
    if (s !== "bytes") throw new TypeError(`${prefix}: The provided value '${s}' is not a valid enum value of type ReadableStreamType.`);
    d.type = s;
  }
  return d;
};

const convertGetReaderOptions = (v, prefix) => {
  if (v === undefined || v === null) return undefined;
  if (!isObject(v)) throw new TypeError(`${prefix}: The provided value is not of type 'ReadableStreamGetReaderOptions'.`);
  const mode = v.mode;
  if (mode === undefined) return undefined;
  const s = converters.DOMString(mode, prefix, "'mode' member of ReadableStreamGetReaderOptions");
  if (s !== "byob") throw new TypeError(`${prefix}: The provided value '${s}' is not a valid enum value of type ReadableStreamReaderMode.`);
  return s;
};

const convertIteratorOptions = (v, prefix) => {
  if (v === undefined || v === null) return false;
  if (!isObject(v)) throw new TypeError(`${prefix}: The provided value is not of type 'ReadableStreamIteratorOptions'.`);
  return !!v.preventCancel;
};

// StreamPipeOptions; members read in lexicographic order.
function convertPipeOptions(v, prefix) {
  const out = { preventAbort: false, preventCancel: false, preventClose: false, signal: undefined };
  if (v === undefined || v === null) return out;
  if (!isObject(v)) throw new TypeError(`${prefix}: The provided value is not of type 'StreamPipeOptions'.`);
  out.preventAbort = !!v.preventAbort;
  out.preventCancel = !!v.preventCancel;
  out.preventClose = !!v.preventClose;
  const signal = v.signal;
  if (signal !== undefined) {
    if (!priv.isAbortSignal(signal)) throw new TypeError(`${prefix}: Failed to read the 'signal' property from 'StreamPipeOptions': Failed to convert value to 'AbortSignal'.`);
    out.signal = signal;
  }
  return out;
}
ops.convertPipeOptions = convertPipeOptions;

let getRStream; // (value) → RStream | undefined

class ReadableStream {
  #s;

  constructor(underlyingSource = undefined, strategy = undefined) {
    if (underlyingSource === illegalConstructorKey && strategy instanceof RStream) {
      this.#s = strategy;
      strategy.pub = this;
      return;
    }
    const prefix = webidl.ctorPrefix("ReadableStream");
    if (underlyingSource !== undefined && !isObject(underlyingSource)) {
      throw new TypeError(`${prefix}: parameter 1 is not of type 'object'.`);
    }
    const strategyDict = convertQueuingStrategy(strategy, prefix, "parameter 2");
    if (underlyingSource === undefined) underlyingSource = null;
    const dict = convertUnderlyingSource(underlyingSource, prefix);
    const s = new RStream();
    this.#s = s;
    s.pub = this;
    if (dict.type === "bytes") {
      if (strategyDict.size !== undefined) throw new RangeError(`${prefix}: The strategy for a byte stream cannot have a size function.`);
      const highWaterMark = extractHighWaterMark(strategyDict, 0);
      setUpByteControllerFromSource(s, underlyingSource, dict, highWaterMark);
    } else {
      const sizeAlgorithm = extractSizeAlgorithm(strategyDict);
      const highWaterMark = extractHighWaterMark(strategyDict, 1);
      setUpDefaultControllerFromSource(s, underlyingSource, dict, highWaterMark, sizeAlgorithm);
    }
  }

  static from(asyncIterable) {
    webidl.requiredArguments(arguments.length, 1, webidl.methodPrefix("ReadableStream", "from"));
    return readableStreamFromIterable(asyncIterable).pub;
  }

  get locked() {
    const s = getRStream(this);
    if (s === undefined) throw webidl.illegalInvocation();
    return isReadableStreamLocked(s);
  }

  cancel(reason = undefined) {
    const s = getRStream(this);
    if (s === undefined) return promiseRejectedWith(webidl.illegalInvocation());
    if (isReadableStreamLocked(s)) return promiseRejectedWith(new TypeError("Failed to execute 'cancel' on 'ReadableStream': Cannot cancel a locked stream."));
    return readableStreamCancel(s, reason);
  }

  getReader(options = undefined) {
    const s = getRStream(this);
    if (s === undefined) throw webidl.illegalInvocation();
    const prefix = webidl.methodPrefix("ReadableStream", "getReader");
    const mode = convertGetReaderOptions(options, prefix);
    try {
      return readerPub(mode === undefined ? acquireDefaultReader(s) : acquireBYOBReader(s));
    } catch (e) {
      e.message = `${prefix}: ${e.message}`;
      throw e;
    }
  }

  pipeThrough(transform, options = undefined) {
    const s = getRStream(this);
    if (s === undefined) throw webidl.illegalInvocation();
    const prefix = webidl.methodPrefix("ReadableStream", "pipeThrough");
    webidl.requiredArguments(arguments.length, 1, prefix);
    if (!isObject(transform)) throw new TypeError(`${prefix}: parameter 1 is not of type 'ReadableWritablePair'.`);
    const readable = transform.readable;
    if (readable === undefined) throw new TypeError(`${prefix}: Failed to read the 'readable' property from 'ReadableWritablePair': Required member is undefined.`);
    const readableImpl = getRStream(readable);
    if (readableImpl === undefined) throw new TypeError(`${prefix}: Failed to read the 'readable' property from 'ReadableWritablePair': Failed to convert value to 'ReadableStream'.`);
    const writable = transform.writable;
    if (writable === undefined) throw new TypeError(`${prefix}: Failed to read the 'writable' property from 'ReadableWritablePair': Required member is undefined.`);
    const writableImpl = ops.getWStream(writable);
    if (writableImpl === undefined) throw new TypeError(`${prefix}: Failed to read the 'writable' property from 'ReadableWritablePair': Failed to convert value to 'WritableStream'.`);
    const opts = convertPipeOptions(options, prefix);
    if (isReadableStreamLocked(s)) throw new TypeError(`${prefix}: The ReadableStream is locked.`);
    if (ops.isWritableStreamLocked(writableImpl)) throw new TypeError(`${prefix}: The WritableStream is locked.`);
    const promise = ops.readableStreamPipeTo(s, writableImpl, opts.preventClose, opts.preventAbort, opts.preventCancel, opts.signal);
    setPromiseIsHandled(promise);
    return readable;
  }

  pipeTo(destination, options = undefined) {
    const s = getRStream(this);
    if (s === undefined) return promiseRejectedWith(webidl.illegalInvocation());
    const prefix = webidl.methodPrefix("ReadableStream", "pipeTo");
    let dest, opts;
    try {
      webidl.requiredArguments(arguments.length, 1, prefix);
      dest = ops.getWStream(destination);
      if (dest === undefined) throw new TypeError(`${prefix}: parameter 1 is not of type 'WritableStream'.`);
      opts = convertPipeOptions(options, prefix);
    } catch (e) {
      return promiseRejectedWith(e);
    }
    if (isReadableStreamLocked(s)) return promiseRejectedWith(new TypeError(`${prefix}: The ReadableStream is locked.`));
    if (ops.isWritableStreamLocked(dest)) return promiseRejectedWith(new TypeError(`${prefix}: The WritableStream is locked.`));
    return ops.readableStreamPipeTo(s, dest, opts.preventClose, opts.preventAbort, opts.preventCancel, opts.signal);
  }

  tee() {
    const s = getRStream(this);
    if (s === undefined) throw webidl.illegalInvocation();
    const branches = readableStreamTee(s, false);
    return [branches[0].pub, branches[1].pub];
  }

  values(options = undefined) {
    const s = getRStream(this);
    if (s === undefined) throw webidl.illegalInvocation();
    const preventCancel = convertIteratorOptions(options, webidl.methodPrefix("ReadableStream", "values"));
    const reader = acquireDefaultReader(s);
    return newAsyncIterator(reader, preventCancel);
  }

  static {
    getRStream = (v) => (isObject(v) && #s in v ? v.#s : undefined);
  }
}
configureInterface(ReadableStream);
ObjectDefineProperty(ReadableStream.prototype, SymbolAsyncIterator, {
  value: ReadableStream.prototype.values, writable: true, enumerable: false, configurable: true,
});
core.defineGlobal("ReadableStream", ReadableStream);

// ---------------------------------------------------------------------------------
// The ReadableStream async iterator (WebIDL "default asynchronous iterator object")

const AsyncIteratorPrototype = ObjectGetPrototypeOf(ObjectGetPrototypeOf(async function* () {}).prototype);
const END_OF_ITERATION = Symbol("end of iteration");

class IterReadRequest {
  constructor(reader) {
    this.reader = reader;
    this.promise = new PromiseCtor(capture);
    this.resolve = capResolve;
    this.reject = capReject;
  }
  chunkSteps(chunk) { this.resolve(chunk); }
  closeSteps() {
    readerRelease(this.reader);
    this.resolve(END_OF_ITERATION);
  }
  errorSteps(e) {
    readerRelease(this.reader);
    this.reject(e);
  }
}

class IterState {
  constructor(reader, preventCancel) {
    this.reader = reader;
    this.preventCancel = preventCancel;
    this.ongoing = null;
    this.finished = false;
    this.onFulfilled = (next) => {
      this.ongoing = null;
      if (next === END_OF_ITERATION) {
        this.finished = true;
        return { value: undefined, done: true };
      }
      return { value: next, done: false };
    };
    this.onRejected = (reason) => {
      this.ongoing = null;
      this.finished = true;
      throw reason;
    };
    this.nextSteps = () => {
      if (this.finished) return promiseResolvedWith({ value: undefined, done: true });
      const req = new IterReadRequest(this.reader);
      defaultReaderRead(this.reader, req);
      return then(req.promise, this.onFulfilled, this.onRejected);
    };
  }
}

let newAsyncIterator;
class ReadableStreamAsyncIterator {
  #it;
  constructor(reader, preventCancel) {
    this.#it = new IterState(reader, preventCancel);
  }
  next() {
    if (!(isObject(this) && #it in this)) {
      return promiseRejectedWith(new TypeError("next() called on an object that is not a ReadableStream async iterator."));
    }
    const it = this.#it;
    it.ongoing = it.ongoing !== null ? then(it.ongoing, it.nextSteps, it.nextSteps) : it.nextSteps();
    return it.ongoing;
  }
  return(value) {
    if (!(isObject(this) && #it in this)) {
      return promiseRejectedWith(new TypeError("return() called on an object that is not a ReadableStream async iterator."));
    }
    const it = this.#it;
    const returnSteps = () => {
      if (it.finished) return promiseResolvedWith({ value, done: true });
      it.finished = true;
      const reader = it.reader;
      if (!it.preventCancel) {
        const result = readableStreamCancel(reader.stream, value);
        readerRelease(reader);
        return result;
      }
      readerRelease(reader);
      return promiseResolvedWith(undefined);
    };
    it.ongoing = it.ongoing !== null ? then(it.ongoing, returnSteps, returnSteps) : returnSteps();
    return then(it.ongoing, () => ({ value, done: true }));
  }
  static {
    newAsyncIterator = (reader, preventCancel) => new ReadableStreamAsyncIterator(reader, preventCancel);
  }
}
{
  const proto = ReadableStreamAsyncIterator.prototype;
  delete proto.constructor;
  ObjectSetPrototypeOf(proto, AsyncIteratorPrototype);
  for (const name of ["next", "return"]) {
    const desc = ObjectGetOwnPropertyDescriptor(proto, name);
    desc.enumerable = true;
    ObjectDefineProperty(proto, name, desc);
  }
  ObjectDefineProperty(proto, SymbolToStringTag, { value: "ReadableStream AsyncIterator", configurable: true });
}

// ---------------------------------------------------------------------------------
// Readers

let getRReader; // (value, byob) → RReader | undefined

class ReadableStreamDefaultReader {
  #r;
  constructor(stream, impl = undefined) {
    if (stream === illegalConstructorKey && impl instanceof RReader) {
      this.#r = impl;
      impl.pub = this;
      return;
    }
    const prefix = webidl.ctorPrefix("ReadableStreamDefaultReader");
    webidl.requiredArguments(arguments.length, 1, prefix);
    const s = getRStream(stream);
    if (s === undefined) throw new TypeError(`${prefix}: parameter 1 is not of type 'ReadableStream'.`);
    const reader = new RReader(false);
    try {
      setUpDefaultReader(reader, s);
    } catch (e) {
      e.message = `${prefix}: ${e.message}`;
      throw e;
    }
    this.#r = reader;
    reader.pub = this;
  }
  get closed() {
    const r = getRReader(this, false);
    if (r === undefined) return promiseRejectedWith(webidl.illegalInvocation());
    return r.closedPromise;
  }
  cancel(reason = undefined) {
    const r = getRReader(this, false);
    if (r === undefined) return promiseRejectedWith(webidl.illegalInvocation());
    if (r.stream === undefined) return promiseRejectedWith(new TypeError("Failed to execute 'cancel' on 'ReadableStreamDefaultReader': The reader is released."));
    return readableStreamCancel(r.stream, reason);
  }
  read() {
    const r = getRReader(this, false);
    if (r === undefined) return promiseRejectedWith(webidl.illegalInvocation());
    if (r.stream === undefined) return promiseRejectedWith(new TypeError("Failed to execute 'read' on 'ReadableStreamDefaultReader': The reader is released."));
    const req = new ReadRequest();
    defaultReaderRead(r, req);
    return req.promise;
  }
  releaseLock() {
    const r = getRReader(this, false);
    if (r === undefined) throw webidl.illegalInvocation();
    if (r.stream === undefined) return;
    readerRelease(r);
  }
  static {
    getRReader = (v, byob) => {
      if (!isObject(v)) return undefined;
      if (#r in v) return byob ? undefined : v.#r;
      return byob ? getBYOBReaderImpl(v) : undefined;
    };
  }
}
configureInterface(ReadableStreamDefaultReader);
core.defineGlobal("ReadableStreamDefaultReader", ReadableStreamDefaultReader);

let getBYOBReaderImpl;

const convertBYOBReadOptions = (v, prefix) => {
  if (v === undefined || v === null) return 1;
  if (!isObject(v)) throw new TypeError(`${prefix}: The provided value is not of type 'ReadableStreamBYOBReaderReadOptions'.`);
  const min = v.min;
  if (min === undefined) return 1;
  return converters["unsigned long long"](min, prefix, "'min' member of ReadableStreamBYOBReaderReadOptions", { enforceRange: true });
};

class ReadableStreamBYOBReader {
  #r;
  constructor(stream, impl = undefined) {
    if (stream === illegalConstructorKey && impl instanceof RReader) {
      this.#r = impl;
      impl.pub = this;
      return;
    }
    const prefix = webidl.ctorPrefix("ReadableStreamBYOBReader");
    webidl.requiredArguments(arguments.length, 1, prefix);
    const s = getRStream(stream);
    if (s === undefined) throw new TypeError(`${prefix}: parameter 1 is not of type 'ReadableStream'.`);
    const reader = new RReader(true);
    try {
      setUpBYOBReader(reader, s);
    } catch (e) {
      e.message = `${prefix}: ${e.message}`;
      throw e;
    }
    this.#r = reader;
    reader.pub = this;
  }
  get closed() {
    const r = getRReader(this, true);
    if (r === undefined) return promiseRejectedWith(webidl.illegalInvocation());
    return r.closedPromise;
  }
  cancel(reason = undefined) {
    const r = getRReader(this, true);
    if (r === undefined) return promiseRejectedWith(webidl.illegalInvocation());
    if (r.stream === undefined) return promiseRejectedWith(new TypeError("Failed to execute 'cancel' on 'ReadableStreamBYOBReader': The reader is released."));
    return readableStreamCancel(r.stream, reason);
  }
  read(view, options = undefined) {
    const r = getRReader(this, true);
    if (r === undefined) return promiseRejectedWith(webidl.illegalInvocation());
    const prefix = webidl.methodPrefix("ReadableStreamBYOBReader", "read");
    let min;
    try {
      webidl.requiredArguments(arguments.length, 1, prefix);
      convertArrayBufferView(view, prefix, "parameter 1");
      min = convertBYOBReadOptions(options, prefix);
    } catch (e) {
      return promiseRejectedWith(e);
    }
    const byteLength = viewByteLength(view);
    if (byteLength === 0) return promiseRejectedWith(new TypeError(`${prefix}: The view must have a non-zero byteLength.`));
    const buffer = viewBuffer(view);
    if (arrayBufferByteLength(buffer) === 0) return promiseRejectedWith(new TypeError(`${prefix}: The view's buffer must have a non-zero byteLength.`));
    if (isDetachedBuffer(buffer)) return promiseRejectedWith(new TypeError(`${prefix}: The view's buffer is detached.`));
    if (min === 0) return promiseRejectedWith(new TypeError(`${prefix}: options.min must be greater than 0.`));
    const name = call(TypedArrayName, view);
    if (name !== undefined) {
      if (min > byteLength / typedArrayInfo[name].size) return promiseRejectedWith(new RangeError(`${prefix}: options.min must be at most the view's length.`));
    } else if (min > byteLength) {
      return promiseRejectedWith(new RangeError(`${prefix}: options.min must be at most the view's byteLength.`));
    }
    if (r.stream === undefined) return promiseRejectedWith(new TypeError(`${prefix}: The reader is released.`));
    const req = new ReadRequest();
    byobReaderRead(r, view, min, req);
    return req.promise;
  }
  releaseLock() {
    const r = getRReader(this, true);
    if (r === undefined) throw webidl.illegalInvocation();
    if (r.stream === undefined) return;
    readerRelease(r);
  }
  static {
    getBYOBReaderImpl = (v) => (#r in v ? v.#r : undefined);
  }
}
configureInterface(ReadableStreamBYOBReader);
core.defineGlobal("ReadableStreamBYOBReader", ReadableStreamBYOBReader);

// ---------------------------------------------------------------------------------
// Controllers and BYOB requests

class ReadableStreamDefaultController {
  #c;
  constructor(key = undefined, impl = undefined) {
    if (key !== illegalConstructorKey || !(impl instanceof RDefaultController)) throw webidl.illegalConstructor();
    this.#c = impl;
    impl.pub = this;
  }
  static #check(v) {
    if (!(isObject(v) && #c in v)) throw webidl.illegalInvocation();
    return v.#c;
  }
  get desiredSize() {
    return defaultControllerGetDesiredSize(ReadableStreamDefaultController.#check(this));
  }
  close() {
    const c = ReadableStreamDefaultController.#check(this);
    if (!defaultControllerCanCloseOrEnqueue(c)) {
      throw new TypeError("Failed to execute 'close' on 'ReadableStreamDefaultController': The stream is not in a state that permits close.");
    }
    defaultControllerClose(c);
  }
  enqueue(chunk = undefined) {
    const c = ReadableStreamDefaultController.#check(this);
    if (!defaultControllerCanCloseOrEnqueue(c)) {
      throw new TypeError("Failed to execute 'enqueue' on 'ReadableStreamDefaultController': The stream is not in a state that permits enqueue.");
    }
    defaultControllerEnqueue(c, chunk);
  }
  error(e = undefined) {
    defaultControllerError(ReadableStreamDefaultController.#check(this), e);
  }
}
configureInterface(ReadableStreamDefaultController);
core.defineGlobal("ReadableStreamDefaultController", ReadableStreamDefaultController);

class ReadableByteStreamController {
  #c;
  constructor(key = undefined, impl = undefined) {
    if (key !== illegalConstructorKey || !(impl instanceof RByteController)) throw webidl.illegalConstructor();
    this.#c = impl;
    impl.pub = this;
  }
  static #check(v) {
    if (!(isObject(v) && #c in v)) throw webidl.illegalInvocation();
    return v.#c;
  }
  get byobRequest() {
    const req = byteControllerGetBYOBRequest(ReadableByteStreamController.#check(this));
    if (req === null) return null;
    if (req.pub === null) new ReadableStreamBYOBRequest(illegalConstructorKey, req);
    return req.pub;
  }
  get desiredSize() {
    return byteControllerGetDesiredSize(ReadableByteStreamController.#check(this));
  }
  close() {
    const c = ReadableByteStreamController.#check(this);
    const prefix = webidl.methodPrefix("ReadableByteStreamController", "close");
    if (c.closeRequested) throw new TypeError(`${prefix}: The stream is already closing.`);
    if (c.stream.state !== READABLE) throw new TypeError(`${prefix}: The stream is not readable.`);
    byteControllerClose(c);
  }
  enqueue(chunk) {
    const c = ReadableByteStreamController.#check(this);
    const prefix = webidl.methodPrefix("ReadableByteStreamController", "enqueue");
    webidl.requiredArguments(arguments.length, 1, prefix);
    convertArrayBufferView(chunk, prefix, "parameter 1");
    if (viewByteLength(chunk) === 0) throw new TypeError(`${prefix}: The chunk must have a non-zero byteLength.`);
    if (arrayBufferByteLength(viewBuffer(chunk)) === 0) throw new TypeError(`${prefix}: The chunk's buffer must have a non-zero byteLength.`);
    if (c.closeRequested) throw new TypeError(`${prefix}: The stream is closing.`);
    if (c.stream.state !== READABLE) throw new TypeError(`${prefix}: The stream is not readable.`);
    byteControllerEnqueue(c, chunk, false);
  }
  error(e = undefined) {
    byteControllerError(ReadableByteStreamController.#check(this), e);
  }
}
configureInterface(ReadableByteStreamController);
core.defineGlobal("ReadableByteStreamController", ReadableByteStreamController);

class ReadableStreamBYOBRequest {
  #r;
  constructor(key = undefined, impl = undefined) {
    if (key !== illegalConstructorKey || !(impl instanceof RBYOBRequest)) throw webidl.illegalConstructor();
    this.#r = impl;
    impl.pub = this;
  }
  static #check(v) {
    if (!(isObject(v) && #r in v)) throw webidl.illegalInvocation();
    return v.#r;
  }
  get view() {
    return ReadableStreamBYOBRequest.#check(this).view;
  }
  respond(bytesWritten) {
    const r = ReadableStreamBYOBRequest.#check(this);
    const prefix = webidl.methodPrefix("ReadableStreamBYOBRequest", "respond");
    webidl.requiredArguments(arguments.length, 1, prefix);
    bytesWritten = converters["unsigned long long"](bytesWritten, prefix, "parameter 1", { enforceRange: true });
    if (r.controller === undefined) throw new TypeError(`${prefix}: This BYOB request has been invalidated.`);
    if (isDetachedBuffer(viewBuffer(r.view))) throw new TypeError(`${prefix}: The BYOB request's buffer is detached.`);
    byteControllerRespond(r.controller, bytesWritten);
  }
  respondWithNewView(view) {
    const r = ReadableStreamBYOBRequest.#check(this);
    const prefix = webidl.methodPrefix("ReadableStreamBYOBRequest", "respondWithNewView");
    webidl.requiredArguments(arguments.length, 1, prefix);
    convertArrayBufferView(view, prefix, "parameter 1");
    if (r.controller === undefined) throw new TypeError(`${prefix}: This BYOB request has been invalidated.`);
    if (isDetachedBuffer(viewBuffer(view))) throw new TypeError(`${prefix}: The view's buffer is detached.`);
    byteControllerRespondWithNewView(r.controller, view);
  }
}
configureInterface(ReadableStreamBYOBRequest);
core.defineGlobal("ReadableStreamBYOBRequest", ReadableStreamBYOBRequest);

// ---------------------------------------------------------------------------------
// Shared operations for 31_–33_

Object.assign(ops, {
  RStream, RDefaultController, RByteController,
  getRStream,
  newRStream,
  isReadableStreamLocked,
  acquireDefaultReader,
  acquireBYOBReader,
  createReadableStream,
  createReadableByteStream,
  readableStreamCancel,
  readableStreamClose,
  readableStreamError,
  readerRelease,
  defaultReaderRead,
  byobReaderRead,
  defaultControllerClose,
  defaultControllerEnqueue,
  defaultControllerError,
  defaultControllerGetDesiredSize,
  defaultControllerHasBackpressure,
  defaultControllerCanCloseOrEnqueue,
  setUpDefaultController,
  setUpByteController,
  byteControllerClose,
  byteControllerEnqueue,
  byteControllerError,
  byteControllerRespond,
  byteControllerGetBYOBRequest,
  byteControllerGetDesiredSize,
  readableStreamTee,
  controllerPub,
});

// ---------------------------------------------------------------------------------
// Helpers for other bindings (documented at the top of this file)

priv.isReadableStream = (v) => getRStream(v) !== undefined;
priv.isDisturbed = (stream) => getRStream(stream).disturbed;
priv.isLocked = (stream) => isReadableStreamLocked(getRStream(stream));
priv.readableStreamState = (stream) => {
  const state = getRStream(stream).state;
  return state === READABLE ? "readable" : state === CLOSED ? "closed" : "errored";
};

// "close" and "error" for streams created with the helpers below (spec "Using streams in
// other specifications").
function closeStream(s) {
  const c = s.controller;
  if (c.isByte) {
    if (c.closeRequested || s.state !== READABLE) return;
    byteControllerClose(c);
    if (c.pendingPullIntos.size > 0) byteControllerRespond(c, 0);
  } else {
    defaultControllerClose(c);
  }
}
function errorStream(s, e) {
  const c = s.controller;
  if (c.isByte) byteControllerError(c, e);
  else defaultControllerError(c, e);
}
priv.readableStreamClose = (stream) => closeStream(getRStream(stream));
priv.readableStreamError = (stream, e) => errorStream(getRStream(stream), e);

// Enqueues an owned chunk into a byte stream, honoring a pending BYOB request ("enqueue"
// from the spec's section for other specifications, with the copy into the request's view).
function enqueueOwnedBytes(s, chunk) {
  const c = s.controller;
  if (c.closeRequested || s.state !== READABLE || chunk.byteLength === 0) return;
  byteControllerEnqueue(c, chunk, true);
}

priv.newReadableByteStream = function newReadableByteStream(pull, cancel = undefined, highWaterMark = 0) {
  let s;
  let finished = false;
  const onChunk = (chunk) => {
    if (finished || s.state !== READABLE) return;
    if (chunk === null || chunk === undefined) {
      finished = true;
      closeStream(s);
      return;
    }
    enqueueOwnedBytes(s, chunk);
  };
  const onError = (e) => {
    finished = true;
    errorStream(s, e);
  };
  const pullAlgorithm = () => {
    if (finished) return resolvedUndefined;
    let p;
    try {
      p = pull();
    } catch (e) {
      finished = true;
      return promiseRejectedWith(e);
    }
    if (!(p instanceof PromiseCtor)) p = promiseResolvedWith(p);
    return then(p, onChunk, onError);
  };
  const cancelAlgorithm = (reason) => {
    finished = true;
    if (cancel === undefined) return resolvedUndefined;
    try {
      return promiseResolvedWith(cancel(reason));
    } catch (e) {
      return promiseRejectedWith(e);
    }
  };
  s = createReadableByteStream(returnUndefined, pullAlgorithm, cancelAlgorithm, highWaterMark);
  return s.pub;
};

priv.readableStreamFromChunks = function readableStreamFromChunks(chunks) {
  const list = chunks instanceof Uint8ArrayCtor ? [chunks] : chunks;
  const s = createReadableByteStream(returnUndefined, () => resolvedUndefined, () => resolvedUndefined, 0);
  for (let i = 0; i < list.length; i++) enqueueOwnedBytes(s, list[i]);
  closeStream(s);
  return s.pub;
};

function notBytesError() {
  return new TypeError("The body's ReadableStream produced a chunk that is not a Uint8Array.");
}

// A read request for byte bodies: resolves with the chunk, or null at the end.
class BodyReadRequest {
  constructor(reader) {
    this.reader = reader;
    this.promise = new PromiseCtor(capture);
    this.resolve = capResolve;
    this.reject = capReject;
  }
  chunkSteps(chunk) {
    if (chunk instanceof Uint8ArrayCtor) {
      this.resolve(chunk);
      return;
    }
    const e = notBytesError();
    const stream = this.reader.stream;
    if (stream !== undefined) setPromiseIsHandled(readableStreamCancel(stream, e));
    this.reject(e);
  }
  closeSteps() { this.resolve(null); }
  errorSteps(e) { this.reject(e); }
}

priv.bodyReader = function bodyReader(stream) {
  const s = getRStream(stream);
  const reader = acquireDefaultReader(s);
  return {
    read() {
      if (reader.stream === undefined) return promiseRejectedWith(new TypeError("The body reader was released."));
      const req = new BodyReadRequest(reader);
      defaultReaderRead(reader, req);
      return req.promise;
    },
    cancel(reason) {
      if (reader.stream === undefined) return promiseResolvedWith(undefined);
      return readableStreamCancel(reader.stream, reason);
    },
    releaseLock() {
      if (reader.stream !== undefined) readerRelease(reader);
    },
  };
};

function concatBytes(chunks, total) {
  if (chunks.length === 1) return chunks[0];
  const out = new Uint8ArrayCtor(total);
  let off = 0;
  for (let i = 0; i < chunks.length; i++) {
    out.set(chunks[i], off);
    off += chunks[i].byteLength;
  }
  return out;
}

// Reads a whole stream of Uint8Array chunks into one Uint8Array (fetch's "fully read").
// The reader is never released: a consumed body's stream stays locked and disturbed.
class ReadAllRequest {
  constructor(reader) {
    this.reader = reader;
    this.chunks = [];
    this.total = 0;
    this.inRead = false; // a read is running synchronously
    this.again = false; // ...and it produced a chunk, so read once more
    this.promise = new PromiseCtor(capture);
    this.resolve = capResolve;
    this.reject = capReject;
  }
  // Reads in a loop while chunks are available synchronously, instead of recursing.
  pump() {
    do {
      this.again = false;
      this.inRead = true;
      defaultReaderRead(this.reader, this);
      this.inRead = false;
    } while (this.again);
  }
  chunkSteps(chunk) {
    if (!(chunk instanceof Uint8ArrayCtor)) {
      const e = notBytesError();
      setPromiseIsHandled(readableStreamCancel(this.reader.stream, e));
      this.reject(e);
      return;
    }
    if (chunk.byteLength > 0) {
      this.chunks.push(chunk);
      this.total += chunk.byteLength;
    }
    if (this.inRead) this.again = true;
    else this.pump();
  }
  closeSteps() {
    this.resolve(this.chunks.length === 0 ? new Uint8ArrayCtor(0) : concatBytes(this.chunks, this.total));
  }
  errorSteps(e) { this.reject(e); }
}

priv.readAllBytes = function readAllBytes(stream) {
  const s = getRStream(stream);
  let reader;
  try {
    reader = acquireDefaultReader(s);
  } catch (e) {
    return promiseRejectedWith(e);
  }
  const req = new ReadAllRequest(reader);
  req.pump();
  return req.promise;
};

priv.readableStreamTee = (stream, cloneForBranch2) => {
  const branches = readableStreamTee(getRStream(stream), !!cloneForBranch2);
  return [branches[0].pub, branches[1].pub];
};
priv.readableStreamCancel = (stream, reason) => readableStreamCancel(getRStream(stream), reason);

// Streams are platform objects, not serializable by structuredClone.
if (typeof priv.registerPlatformObject === "function") {
  priv.registerPlatformObject((v) => getRStream(v) !== undefined);
}

// Console view.
ObjectDefineProperty(ReadableStream.prototype, Symbol.for("nodejs.util.inspect.custom"), {
  value: function inspectReadableStream() {
    const s = getRStream(this);
    if (s === undefined) return "ReadableStream {}";
    const state = s.state === READABLE ? "readable" : s.state === CLOSED ? "closed" : "errored";
    return `ReadableStream { locked: ${s.reader !== undefined}, state: '${state}', supportsBYOB: ${s.controller.isByte} }`;
  },
  configurable: true,
});
