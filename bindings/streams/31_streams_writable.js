// WHATWG Streams Standard, part 2 of 4: WritableStream, WritableStreamDefaultWriter,
// WritableStreamDefaultController, and ReadableStreamPipeTo (pipeTo/pipeThrough).
// Same shape as 30_streams.js: public objects wrap internal records.

const webidl = priv.webidl;
const { configureInterface, illegalConstructorKey } = webidl;
const ops = priv.streamOps;
const {
  Deferred, Fifo, SizedQueue, promiseResolvedWith, promiseRejectedWith, then, noop, setPromiseIsHandled,
  resolvedUndefined, call, isObject, invokePromiseCallback0, invokePromiseCallback1, invokePromiseCallback2,
  convertCallback, convertQueuingStrategy, extractHighWaterMark, extractSizeAlgorithm, sizeOne,
} = ops;
const ObjectDefineProperty = Object.defineProperty;
const DOMException = priv.DOMException;

const WRITABLE = 0, CLOSED = 1, ERRORING = 2, ERRORED = 3;
// Promise states, for the ready and closed promises of writers.
const PENDING = 0, SETTLED = 1;

const closeSentinel = { closeSentinel: true };

class WStream {
  constructor() {
    this.state = WRITABLE;
    this.storedError = undefined;
    this.writer = undefined;
    this.controller = undefined;
    this.inFlightWriteRequest = undefined;
    this.closeRequest = undefined;
    this.inFlightCloseRequest = undefined;
    this.pendingAbortRequest = undefined;
    this.writeRequests = new Fifo();
    this.backpressure = false;
    this.pub = null;
  }
}

class WWriter {
  constructor() {
    this.stream = undefined;
    this.closedPromise = undefined;
    this.closedResolve = undefined;
    this.closedReject = undefined;
    this.closedState = PENDING;
    this.readyPromise = undefined;
    this.readyResolve = undefined;
    this.readyReject = undefined;
    this.readyState = PENDING;
    this.pub = null;
  }
}

class WController {
  constructor() {
    this.stream = undefined;
    this.queue = new SizedQueue();
    this.signal = null; // AbortSignal, made when first asked for
    this.aborted = false;
    this.abortReason = undefined;
    this.started = false;
    this.strategySizeAlgorithm = undefined;
    this.strategyHWM = 1;
    this.writeAlgorithm = undefined;
    this.closeAlgorithm = undefined;
    this.abortAlgorithm = undefined;
    this.onWriteFulfilled = undefined;
    this.onWriteRejected = undefined;
    this.abortHook = undefined; // internal sinks that must hear about abort() at once
    this.pub = null;
  }
}

// ---------------------------------------------------------------------------------
// Writer promises

function newReadyPromise(w) {
  const d = new Deferred();
  w.readyPromise = d.promise;
  w.readyResolve = d.resolve;
  w.readyReject = d.reject;
  w.readyState = PENDING;
}
function resolveReady(w) {
  w.readyResolve(undefined);
  w.readyState = SETTLED;
}
function newClosedPromise(w) {
  const d = new Deferred();
  w.closedPromise = d.promise;
  w.closedResolve = d.resolve;
  w.closedReject = d.reject;
  w.closedState = PENDING;
}

// ---------------------------------------------------------------------------------
// Working with writable streams

function isWritableStreamLocked(stream) { return stream.writer !== undefined; }

function acquireWriter(stream) {
  const writer = new WWriter();
  setUpWriter(writer, stream);
  return writer;
}

// CreateWritableStream
function createWritableStream(startAlgorithm, writeAlgorithm, closeAlgorithm, abortAlgorithm, highWaterMark, sizeAlgorithm) {
  const stream = new WStream();
  new WritableStream(illegalConstructorKey, stream);
  const c = new WController();
  setUpController(stream, c, startAlgorithm, writeAlgorithm, closeAlgorithm, abortAlgorithm, highWaterMark, sizeAlgorithm);
  return stream;
}

// SetUpWritableStreamDefaultWriter
function setUpWriter(writer, stream) {
  if (isWritableStreamLocked(stream)) throw new TypeError("The WritableStream is locked to a writer.");
  writer.stream = stream;
  stream.writer = writer;
  const state = stream.state;
  if (state === WRITABLE) {
    if (!closeQueuedOrInFlight(stream) && stream.backpressure) {
      newReadyPromise(writer);
    } else {
      writer.readyPromise = promiseResolvedWith(undefined);
      writer.readyState = SETTLED;
    }
    newClosedPromise(writer);
  } else if (state === ERRORING) {
    writer.readyPromise = promiseRejectedWith(stream.storedError);
    writer.readyState = SETTLED;
    setPromiseIsHandled(writer.readyPromise);
    newClosedPromise(writer);
  } else if (state === CLOSED) {
    writer.readyPromise = promiseResolvedWith(undefined);
    writer.readyState = SETTLED;
    writer.closedPromise = promiseResolvedWith(undefined);
    writer.closedState = SETTLED;
  } else {
    const storedError = stream.storedError;
    writer.readyPromise = promiseRejectedWith(storedError);
    writer.readyState = SETTLED;
    setPromiseIsHandled(writer.readyPromise);
    writer.closedPromise = promiseRejectedWith(storedError);
    writer.closedState = SETTLED;
    setPromiseIsHandled(writer.closedPromise);
  }
}

// "Signal abort" on the controller's AbortController.
function controllerSignalAbort(c, reason) {
  if (c.aborted) return;
  if (c.abortHook !== undefined) c.abortHook(reason);
  if (c.signal !== null) {
    c.aborted = true;
    priv.signalAbort(c.signal, reason);
    c.abortReason = c.signal.reason;
    return;
  }
  c.aborted = true;
  c.abortReason = reason !== undefined ? reason : new DOMException("signal is aborted without reason", "AbortError");
}

// WritableStreamAbort
function writableStreamAbort(stream, reason) {
  if (stream.state === CLOSED || stream.state === ERRORED) return promiseResolvedWith(undefined);
  controllerSignalAbort(stream.controller, reason);
  const state = stream.state;
  if (state === CLOSED || state === ERRORED) return promiseResolvedWith(undefined);
  if (stream.pendingAbortRequest !== undefined) return stream.pendingAbortRequest.promise;
  let wasAlreadyErroring = false;
  if (state === ERRORING) {
    wasAlreadyErroring = true;
    reason = undefined;
  }
  const d = new Deferred();
  d.reason = reason;
  d.wasAlreadyErroring = wasAlreadyErroring;
  stream.pendingAbortRequest = d;
  if (!wasAlreadyErroring) writableStreamStartErroring(stream, reason);
  return d.promise;
}

// WritableStreamClose
function writableStreamClose(stream) {
  const state = stream.state;
  if (state === CLOSED || state === ERRORED) {
    return promiseRejectedWith(new TypeError("The stream is closed or errored; it cannot be closed again."));
  }
  const d = new Deferred();
  stream.closeRequest = d;
  const writer = stream.writer;
  if (writer !== undefined && stream.backpressure && state === WRITABLE) resolveReady(writer);
  controllerClose(stream.controller);
  return d.promise;
}

// WritableStreamAddWriteRequest
function addWriteRequest(stream) {
  const d = new Deferred();
  stream.writeRequests.push(d);
  return d.promise;
}

function closeQueuedOrInFlight(stream) {
  return stream.closeRequest !== undefined || stream.inFlightCloseRequest !== undefined;
}

function dealWithRejection(stream, error) {
  if (stream.state === WRITABLE) {
    writableStreamStartErroring(stream, error);
    return;
  }
  writableStreamFinishErroring(stream);
}

function writableStreamFinishErroring(stream) {
  stream.state = ERRORED;
  stream.controller.queue.reset(); // [[ErrorSteps]]
  const storedError = stream.storedError;
  if (stream.writeRequests.size > 0) {
    const requests = stream.writeRequests.drain();
    for (let i = 0; i < requests.length; i++) requests[i].reject(storedError);
  }
  const abortRequest = stream.pendingAbortRequest;
  if (abortRequest === undefined) {
    rejectCloseAndClosedPromiseIfNeeded(stream);
    return;
  }
  stream.pendingAbortRequest = undefined;
  if (abortRequest.wasAlreadyErroring) {
    abortRequest.reject(storedError);
    rejectCloseAndClosedPromiseIfNeeded(stream);
    return;
  }
  const promise = controllerAbortSteps(stream.controller, abortRequest.reason);
  then(promise, () => {
    abortRequest.resolve(undefined);
    rejectCloseAndClosedPromiseIfNeeded(stream);
  }, (reason) => {
    abortRequest.reject(reason);
    rejectCloseAndClosedPromiseIfNeeded(stream);
  });
}

function finishInFlightWrite(stream) {
  stream.inFlightWriteRequest.resolve(undefined);
  stream.inFlightWriteRequest = undefined;
}

function finishInFlightWriteWithError(stream, error) {
  stream.inFlightWriteRequest.reject(error);
  stream.inFlightWriteRequest = undefined;
  dealWithRejection(stream, error);
}

function finishInFlightClose(stream) {
  stream.inFlightCloseRequest.resolve(undefined);
  stream.inFlightCloseRequest = undefined;
  if (stream.state === ERRORING) {
    stream.storedError = undefined;
    if (stream.pendingAbortRequest !== undefined) {
      stream.pendingAbortRequest.resolve(undefined);
      stream.pendingAbortRequest = undefined;
    }
  }
  stream.state = CLOSED;
  const writer = stream.writer;
  if (writer !== undefined) {
    writer.closedResolve(undefined);
    writer.closedState = SETTLED;
  }
}

function finishInFlightCloseWithError(stream, error) {
  stream.inFlightCloseRequest.reject(error);
  stream.inFlightCloseRequest = undefined;
  if (stream.pendingAbortRequest !== undefined) {
    stream.pendingAbortRequest.reject(error);
    stream.pendingAbortRequest = undefined;
  }
  dealWithRejection(stream, error);
}

function hasOperationMarkedInFlight(stream) {
  return stream.inFlightWriteRequest !== undefined || stream.inFlightCloseRequest !== undefined;
}

function markCloseRequestInFlight(stream) {
  stream.inFlightCloseRequest = stream.closeRequest;
  stream.closeRequest = undefined;
}

function markFirstWriteRequestInFlight(stream) {
  stream.inFlightWriteRequest = stream.writeRequests.shift();
}

function rejectCloseAndClosedPromiseIfNeeded(stream) {
  if (stream.closeRequest !== undefined) {
    stream.closeRequest.reject(stream.storedError);
    stream.closeRequest = undefined;
  }
  const writer = stream.writer;
  if (writer !== undefined) {
    writer.closedReject(stream.storedError);
    writer.closedState = SETTLED;
    setPromiseIsHandled(writer.closedPromise);
  }
}

function writableStreamStartErroring(stream, reason) {
  const c = stream.controller;
  stream.state = ERRORING;
  stream.storedError = reason;
  const writer = stream.writer;
  if (writer !== undefined) writerEnsureReadyPromiseRejected(writer, reason);
  if (!hasOperationMarkedInFlight(stream) && c.started) writableStreamFinishErroring(stream);
}

function updateBackpressure(stream, backpressure) {
  const writer = stream.writer;
  if (writer !== undefined && backpressure !== stream.backpressure) {
    if (backpressure) newReadyPromise(writer);
    else resolveReady(writer);
  }
  stream.backpressure = backpressure;
}

// ---------------------------------------------------------------------------------
// Writers

function writerCloseWithErrorPropagation(writer) {
  const stream = writer.stream;
  const state = stream.state;
  if (closeQueuedOrInFlight(stream) || state === CLOSED) return promiseResolvedWith(undefined);
  if (state === ERRORED) return promiseRejectedWith(stream.storedError);
  return writableStreamClose(stream);
}

function writerEnsureClosedPromiseRejected(writer, error) {
  if (writer.closedState === PENDING) {
    writer.closedReject(error);
    writer.closedState = SETTLED;
  } else {
    writer.closedPromise = promiseRejectedWith(error);
  }
  setPromiseIsHandled(writer.closedPromise);
}

function writerEnsureReadyPromiseRejected(writer, error) {
  if (writer.readyState === PENDING) {
    writer.readyReject(error);
    writer.readyState = SETTLED;
  } else {
    writer.readyPromise = promiseRejectedWith(error);
  }
  setPromiseIsHandled(writer.readyPromise);
}

function writerGetDesiredSize(writer) {
  const stream = writer.stream;
  const state = stream.state;
  if (state === ERRORED || state === ERRORING) return null;
  if (state === CLOSED) return 0;
  return controllerGetDesiredSize(stream.controller);
}

function writerRelease(writer) {
  const stream = writer.stream;
  const releasedError = new TypeError("The writer was released; it can no longer be used to write to the stream.");
  writerEnsureReadyPromiseRejected(writer, releasedError);
  writerEnsureClosedPromiseRejected(writer, releasedError);
  stream.writer = undefined;
  writer.stream = undefined;
}

// WritableStreamDefaultWriterWrite. With `request` (an object with resolve/reject, used by
// pipeTo), no promise is made for a write that gets queued: the result is undefined.
function writerWrite(writer, chunk, request = undefined) {
  const stream = writer.stream;
  const c = stream.controller;
  const chunkSize = controllerGetChunkSize(c, chunk);
  if (stream !== writer.stream) return promiseRejectedWith(new TypeError("The writer was released while the chunk's size was computed."));
  const state = stream.state;
  if (state === ERRORED) return promiseRejectedWith(stream.storedError);
  if (closeQueuedOrInFlight(stream) || state === CLOSED) {
    return promiseRejectedWith(new TypeError("The stream is closing or closed and cannot be written to."));
  }
  if (state === ERRORING) return promiseRejectedWith(stream.storedError);
  if (request !== undefined) {
    stream.writeRequests.push(request);
    controllerWrite(c, chunk, chunkSize);
    return undefined;
  }
  const promise = addWriteRequest(stream);
  controllerWrite(c, chunk, chunkSize);
  return promise;
}

// ---------------------------------------------------------------------------------
// Default controllers

function setUpController(stream, c, startAlgorithm, writeAlgorithm, closeAlgorithm, abortAlgorithm, highWaterMark, sizeAlgorithm) {
  c.stream = stream;
  stream.controller = c;
  c.strategySizeAlgorithm = sizeAlgorithm;
  c.strategyHWM = highWaterMark;
  c.writeAlgorithm = writeAlgorithm;
  c.closeAlgorithm = closeAlgorithm;
  c.abortAlgorithm = abortAlgorithm;
  c.onWriteFulfilled = () => {
    finishInFlightWrite(stream);
    const state = stream.state;
    c.queue.dequeue();
    if (!closeQueuedOrInFlight(stream) && state === WRITABLE) updateBackpressure(stream, controllerGetBackpressure(c));
    controllerAdvanceQueueIfNeeded(c);
  };
  c.onWriteRejected = (reason) => {
    if (stream.state === WRITABLE) controllerClearAlgorithms(c);
    finishInFlightWriteWithError(stream, reason);
  };
  updateBackpressure(stream, controllerGetBackpressure(c));
  const startResult = startAlgorithm();
  then(promiseResolvedWith(startResult), () => {
    c.started = true;
    controllerAdvanceQueueIfNeeded(c);
  }, (r) => {
    c.started = true;
    dealWithRejection(stream, r);
  });
}

function setUpControllerFromSink(stream, sink, dict, highWaterMark, sizeAlgorithm) {
  const c = new WController();
  const pub = writableControllerPub(c);
  const { start, write, close, abort } = dict;
  const startAlgorithm = start !== undefined ? () => call(start, sink, pub) : () => undefined;
  const writeAlgorithm = write !== undefined ? (chunk) => invokePromiseCallback2(write, sink, chunk, pub) : () => resolvedUndefined;
  const closeAlgorithm = close !== undefined ? () => invokePromiseCallback0(close, sink) : () => resolvedUndefined;
  const abortAlgorithm = abort !== undefined ? (reason) => invokePromiseCallback1(abort, sink, reason) : () => resolvedUndefined;
  setUpController(stream, c, startAlgorithm, writeAlgorithm, closeAlgorithm, abortAlgorithm, highWaterMark, sizeAlgorithm);
}

function controllerAbortSteps(c, reason) {
  const result = c.abortAlgorithm(reason);
  controllerClearAlgorithms(c);
  return result;
}

function controllerAdvanceQueueIfNeeded(c) {
  const stream = c.stream;
  if (!c.started) return;
  if (stream.inFlightWriteRequest !== undefined) return;
  const state = stream.state;
  if (state === ERRORING) {
    writableStreamFinishErroring(stream);
    return;
  }
  if (c.queue.length === 0) return;
  const value = c.queue.peek();
  if (value === closeSentinel) controllerProcessClose(c);
  else controllerProcessWrite(c, value);
}

function controllerClearAlgorithms(c) {
  c.writeAlgorithm = undefined;
  c.closeAlgorithm = undefined;
  c.abortAlgorithm = undefined;
  c.strategySizeAlgorithm = undefined;
}

function controllerClose(c) {
  c.queue.enqueue(closeSentinel, 0);
  controllerAdvanceQueueIfNeeded(c);
}

function controllerError(c, error) {
  controllerClearAlgorithms(c);
  writableStreamStartErroring(c.stream, error);
}

function controllerErrorIfNeeded(c, error) {
  if (c.stream.state === WRITABLE) controllerError(c, error);
}

function controllerGetBackpressure(c) {
  return controllerGetDesiredSize(c) <= 0;
}

function controllerGetChunkSize(c, chunk) {
  const size = c.strategySizeAlgorithm;
  if (size === undefined) return 1;
  try {
    return size(chunk);
  } catch (e) {
    controllerErrorIfNeeded(c, e);
    return 1;
  }
}

function controllerGetDesiredSize(c) {
  return c.strategyHWM - c.queue.total;
}

function controllerProcessClose(c) {
  const stream = c.stream;
  markCloseRequestInFlight(stream);
  c.queue.dequeue();
  const sinkClosePromise = c.closeAlgorithm();
  controllerClearAlgorithms(c);
  then(sinkClosePromise, () => finishInFlightClose(stream), (reason) => finishInFlightCloseWithError(stream, reason));
}

function controllerProcessWrite(c, chunk) {
  markFirstWriteRequestInFlight(c.stream);
  then(c.writeAlgorithm(chunk), c.onWriteFulfilled, c.onWriteRejected);
}

function controllerWrite(c, chunk, chunkSize) {
  try {
    c.queue.enqueue(chunk, chunkSize);
  } catch (e) {
    controllerErrorIfNeeded(c, e);
    return;
  }
  const stream = c.stream;
  if (!closeQueuedOrInFlight(stream) && stream.state === WRITABLE) updateBackpressure(stream, controllerGetBackpressure(c));
  controllerAdvanceQueueIfNeeded(c);
}

// ---------------------------------------------------------------------------------
// Public interfaces

function writableControllerPub(c) {
  if (c.pub === null) new WritableStreamDefaultController(illegalConstructorKey, c);
  return c.pub;
}

function writerPub(w) {
  if (w.pub === null) new WritableStreamDefaultWriter(illegalConstructorKey, w);
  return w.pub;
}

const convertUnderlyingSink = (sink, prefix) => {
  const d = { abort: undefined, close: undefined, start: undefined, type: undefined, write: undefined };
  if (sink === null) return d;
  let v = sink.abort;
  if (v !== undefined) d.abort = convertCallback(v, prefix, "'abort' member of UnderlyingSink");
  v = sink.close;
  if (v !== undefined) d.close = convertCallback(v, prefix, "'close' member of UnderlyingSink");
  v = sink.start;
  if (v !== undefined) d.start = convertCallback(v, prefix, "'start' member of UnderlyingSink");
  d.type = sink.type;
  v = sink.write;
  if (v !== undefined) d.write = convertCallback(v, prefix, "'write' member of UnderlyingSink");
  return d;
};

let getWStream;

class WritableStream {
  #s;
  constructor(underlyingSink = undefined, strategy = undefined) {
    if (underlyingSink === illegalConstructorKey && strategy instanceof WStream) {
      this.#s = strategy;
      strategy.pub = this;
      return;
    }
    const prefix = webidl.ctorPrefix("WritableStream");
    if (underlyingSink !== undefined && !isObject(underlyingSink)) {
      throw new TypeError(`${prefix}: parameter 1 is not of type 'object'.`);
    }
    const strategyDict = convertQueuingStrategy(strategy, prefix, "parameter 2");
    if (underlyingSink === undefined) underlyingSink = null;
    const dict = convertUnderlyingSink(underlyingSink, prefix);
    if (dict.type !== undefined) throw new RangeError(`${prefix}: Invalid type is specified.`);
    const s = new WStream();
    this.#s = s;
    s.pub = this;
    const sizeAlgorithm = extractSizeAlgorithm(strategyDict);
    const highWaterMark = extractHighWaterMark(strategyDict, 1);
    setUpControllerFromSink(s, underlyingSink, dict, highWaterMark, sizeAlgorithm);
  }
  get locked() {
    const s = getWStream(this);
    if (s === undefined) throw webidl.illegalInvocation();
    return isWritableStreamLocked(s);
  }
  abort(reason = undefined) {
    const s = getWStream(this);
    if (s === undefined) return promiseRejectedWith(webidl.illegalInvocation());
    if (isWritableStreamLocked(s)) return promiseRejectedWith(new TypeError("Failed to execute 'abort' on 'WritableStream': Cannot abort a locked stream."));
    return writableStreamAbort(s, reason);
  }
  close() {
    const s = getWStream(this);
    if (s === undefined) return promiseRejectedWith(webidl.illegalInvocation());
    if (isWritableStreamLocked(s)) return promiseRejectedWith(new TypeError("Failed to execute 'close' on 'WritableStream': Cannot close a locked stream."));
    if (closeQueuedOrInFlight(s)) return promiseRejectedWith(new TypeError("Failed to execute 'close' on 'WritableStream': The stream is already closing."));
    return writableStreamClose(s);
  }
  getWriter() {
    const s = getWStream(this);
    if (s === undefined) throw webidl.illegalInvocation();
    try {
      return writerPub(acquireWriter(s));
    } catch (e) {
      e.message = `Failed to execute 'getWriter' on 'WritableStream': ${e.message}`;
      throw e;
    }
  }
  static {
    getWStream = (v) => (isObject(v) && #s in v ? v.#s : undefined);
  }
}
configureInterface(WritableStream);
core.defineGlobal("WritableStream", WritableStream);

let getWWriter;

class WritableStreamDefaultWriter {
  #w;
  constructor(stream, impl = undefined) {
    if (stream === illegalConstructorKey && impl instanceof WWriter) {
      this.#w = impl;
      impl.pub = this;
      return;
    }
    const prefix = webidl.ctorPrefix("WritableStreamDefaultWriter");
    webidl.requiredArguments(arguments.length, 1, prefix);
    const s = getWStream(stream);
    if (s === undefined) throw new TypeError(`${prefix}: parameter 1 is not of type 'WritableStream'.`);
    const w = new WWriter();
    try {
      setUpWriter(w, s);
    } catch (e) {
      e.message = `${prefix}: ${e.message}`;
      throw e;
    }
    this.#w = w;
    w.pub = this;
  }
  get closed() {
    const w = getWWriter(this);
    if (w === undefined) return promiseRejectedWith(webidl.illegalInvocation());
    return w.closedPromise;
  }
  get desiredSize() {
    const w = getWWriter(this);
    if (w === undefined) throw webidl.illegalInvocation();
    if (w.stream === undefined) throw new TypeError("The writer was released; it has no desired size.");
    return writerGetDesiredSize(w);
  }
  get ready() {
    const w = getWWriter(this);
    if (w === undefined) return promiseRejectedWith(webidl.illegalInvocation());
    return w.readyPromise;
  }
  abort(reason = undefined) {
    const w = getWWriter(this);
    if (w === undefined) return promiseRejectedWith(webidl.illegalInvocation());
    if (w.stream === undefined) return promiseRejectedWith(new TypeError("Failed to execute 'abort' on 'WritableStreamDefaultWriter': The writer is released."));
    return writableStreamAbort(w.stream, reason);
  }
  close() {
    const w = getWWriter(this);
    if (w === undefined) return promiseRejectedWith(webidl.illegalInvocation());
    const stream = w.stream;
    if (stream === undefined) return promiseRejectedWith(new TypeError("Failed to execute 'close' on 'WritableStreamDefaultWriter': The writer is released."));
    if (closeQueuedOrInFlight(stream)) return promiseRejectedWith(new TypeError("Failed to execute 'close' on 'WritableStreamDefaultWriter': The stream is already closing."));
    return writableStreamClose(stream);
  }
  releaseLock() {
    const w = getWWriter(this);
    if (w === undefined) throw webidl.illegalInvocation();
    if (w.stream === undefined) return;
    writerRelease(w);
  }
  write(chunk = undefined) {
    const w = getWWriter(this);
    if (w === undefined) return promiseRejectedWith(webidl.illegalInvocation());
    if (w.stream === undefined) return promiseRejectedWith(new TypeError("Failed to execute 'write' on 'WritableStreamDefaultWriter': The writer is released."));
    return writerWrite(w, chunk);
  }
  static {
    getWWriter = (v) => (isObject(v) && #w in v ? v.#w : undefined);
  }
}
configureInterface(WritableStreamDefaultWriter);
core.defineGlobal("WritableStreamDefaultWriter", WritableStreamDefaultWriter);

class WritableStreamDefaultController {
  #c;
  constructor(key = undefined, impl = undefined) {
    if (key !== illegalConstructorKey || !(impl instanceof WController)) throw webidl.illegalConstructor();
    this.#c = impl;
    impl.pub = this;
  }
  static #check(v) {
    if (!(isObject(v) && #c in v)) throw webidl.illegalInvocation();
    return v.#c;
  }
  get signal() {
    const c = WritableStreamDefaultController.#check(this);
    if (c.signal === null) {
      c.signal = priv.newAbortSignal();
      if (c.aborted) priv.signalAbort(c.signal, c.abortReason);
    }
    return c.signal;
  }
  error(e = undefined) {
    const c = WritableStreamDefaultController.#check(this);
    if (c.stream.state !== WRITABLE) return;
    controllerError(c, e);
  }
}
configureInterface(WritableStreamDefaultController);
core.defineGlobal("WritableStreamDefaultController", WritableStreamDefaultController);

// ---------------------------------------------------------------------------------
// ReadableStreamPipeTo

const RS_READABLE = ops.READABLE, RS_CLOSED = ops.CLOSED, RS_ERRORED = ops.ERRORED;

// A write request of pipeTo: the stream settles it like a write promise, but no promise is
// made unless shutdown has to wait for it.
class PipeWrite {
  constructor() {
    this.settled = false;
    this.waiter = null;
  }
  resolve() { this.settle(); }
  reject() { this.settle(); }
  settle() {
    this.settled = true;
    if (this.waiter !== null) this.waiter.resolve(undefined);
  }
  whenSettled() {
    if (this.settled) return resolvedUndefined;
    if (this.waiter === null) this.waiter = new Deferred();
    return this.waiter.promise;
  }
}

class PipeState {
  constructor(source, dest, preventClose, preventAbort, preventCancel, signal) {
    this.source = source;
    this.dest = dest;
    this.preventClose = preventClose;
    this.preventAbort = preventAbort;
    this.preventCancel = preventCancel;
    this.signal = signal;
    this.reader = ops.acquireDefaultReader(source);
    this.writer = acquireWriter(dest);
    this.shuttingDown = false;
    this.currentWrite = null; // PipeWrite of the last write, null before the first
    this.done = new Deferred();
    this.abortAlgorithm = undefined;
    this.pendingChunk = undefined;
    this.hasPendingChunk = false;
    // Bound once; the loop below runs per chunk without new closures.
    this.afterReady = () => this.readChunk();
    this.writePending = () => {
      if (!this.hasPendingChunk) return;
      this.flushPendingChunk();
      this.pipeStep();
    };
  }

  // One turn of the loop: wait for the destination to want data, then read one chunk.
  pipeStep() {
    if (this.shuttingDown) return;
    then(this.writer.readyPromise, this.afterReady, noop);
  }

  readChunk() {
    if (this.shuttingDown) return;
    ops.defaultReaderRead(this.reader, this);
  }

  // The pipe is its own read request. The write happens a microtask later, never inside
  // the source's enqueue() (whatwg/streams#1243); shutdown flushes a chunk still waiting.
  chunkSteps(chunk) {
    this.pendingChunk = chunk;
    this.hasPendingChunk = true;
    then(resolvedUndefined, this.writePending);
  }
  flushPendingChunk() {
    const chunk = this.pendingChunk;
    this.pendingChunk = undefined;
    this.hasPendingChunk = false;
    const write = new PipeWrite();
    const failed = writerWrite(this.writer, chunk, write);
    if (failed !== undefined) {
      setPromiseIsHandled(failed);
      write.settled = true;
    }
    this.currentWrite = write;
  }
  closeSteps() {}
  errorSteps() {}

  waitForWritesToFinish() {
    const oldCurrentWrite = this.currentWrite;
    const settled = oldCurrentWrite === null ? resolvedUndefined : oldCurrentWrite.whenSettled();
    return then(settled, () => (oldCurrentWrite !== this.currentWrite ? this.waitForWritesToFinish() : undefined));
  }

  shutdownWithAction(action, hasError, originalError) {
    if (this.shuttingDown) return;
    this.shuttingDown = true;
    const doTheRest = () => {
      let p;
      try {
        p = action();
      } catch (e) {
        p = promiseRejectedWith(e);
      }
      then(p, () => this.finalize(hasError, originalError), (newError) => this.finalize(true, newError));
    };
    if (this.flushBeforeShutdown()) then(this.waitForWritesToFinish(), doTheRest, noop);
    else doTheRest();
  }

  shutdown(hasError, error) {
    if (this.shuttingDown) return;
    this.shuttingDown = true;
    if (this.flushBeforeShutdown()) then(this.waitForWritesToFinish(), () => this.finalize(hasError, error), noop);
    else this.finalize(hasError, error);
  }

  // Writes a chunk that was read but not yet written, when the destination can still take
  // it; reports whether shutdown has to wait for writes.
  flushBeforeShutdown() {
    const dest = this.dest;
    if (dest.state === WRITABLE && !closeQueuedOrInFlight(dest)) {
      if (this.hasPendingChunk) this.flushPendingChunk();
      return true;
    }
    this.hasPendingChunk = false;
    this.pendingChunk = undefined;
    return false;
  }

  finalize(hasError, error) {
    writerRelease(this.writer);
    ops.readerRelease(this.reader);
    if (this.signal !== undefined) priv.signalRemoveAlgorithm(this.signal, this.abortAlgorithm);
    if (hasError) this.done.reject(error);
    else this.done.resolve(undefined);
  }
}

function readableStreamPipeTo(source, dest, preventClose, preventAbort, preventCancel, signal = undefined) {
  const pipe = new PipeState(source, dest, preventClose, preventAbort, preventCancel, signal);
  source.disturbed = true;

  if (signal !== undefined) {
    pipe.abortAlgorithm = () => {
      const error = signal.reason;
      const actions = [];
      if (!preventAbort) {
        actions.push(() => (dest.state === WRITABLE ? writableStreamAbort(dest, error) : promiseResolvedWith(undefined)));
      }
      if (!preventCancel) {
        actions.push(() => (source.state === RS_READABLE ? ops.readableStreamCancel(source, error) : promiseResolvedWith(undefined)));
      }
      pipe.shutdownWithAction(() => waitForAll(actions.map((a) => a())), true, error);
    };
    if (signal.aborted) {
      pipe.abortAlgorithm();
      return pipe.done.promise;
    }
    priv.signalAddAlgorithm(signal, pipe.abortAlgorithm);
  }

  // Errors must be propagated forward.
  const onSourceErrored = (storedError) => {
    if (!preventAbort) pipe.shutdownWithAction(() => writableStreamAbort(dest, storedError), true, storedError);
    else pipe.shutdown(true, storedError);
  };
  // Errors must be propagated backward.
  const onDestErrored = (storedError) => {
    if (!preventCancel) pipe.shutdownWithAction(() => ops.readableStreamCancel(source, storedError), true, storedError);
    else pipe.shutdown(true, storedError);
  };
  // Closing must be propagated forward.
  const onSourceClosed = () => {
    if (!preventClose) pipe.shutdownWithAction(() => writerCloseWithErrorPropagation(pipe.writer), false, undefined);
    else pipe.shutdown(false, undefined);
  };

  if (source.state === RS_ERRORED) onSourceErrored(source.storedError);
  else then(pipe.reader.closedPromise, undefined, onSourceErrored);

  if (dest.state === ERRORED) onDestErrored(dest.storedError);
  else then(pipe.writer.closedPromise, undefined, onDestErrored);

  if (source.state === RS_CLOSED) onSourceClosed();
  else then(pipe.reader.closedPromise, onSourceClosed, noop);

  // Closing must be propagated backward.
  if (closeQueuedOrInFlight(dest) || dest.state === CLOSED) {
    const destClosed = new TypeError("The destination WritableStream is closed or closing; it cannot be piped to.");
    if (!preventCancel) pipe.shutdownWithAction(() => ops.readableStreamCancel(source, destClosed), true, destClosed);
    else pipe.shutdown(true, destClosed);
  }

  pipe.pipeStep();
  return pipe.done.promise;
}

// WebIDL "get a promise for waiting for all".
function waitForAll(promises) {
  const d = new Deferred();
  const total = promises.length;
  if (total === 0) {
    then(resolvedUndefined, () => d.resolve([]));
    return d.promise;
  }
  let fulfilled = 0;
  let rejected = false;
  const result = new Array(total);
  for (let i = 0; i < total; i++) {
    then(promises[i], (v) => {
      result[i] = v;
      if (++fulfilled === total) d.resolve(result);
    }, (e) => {
      if (rejected) return;
      rejected = true;
      d.reject(e);
    });
  }
  return d.promise;
}

// ---------------------------------------------------------------------------------
// Shared operations for 32_–33_ and for 30_'s pipeTo/pipeThrough

Object.assign(ops, {
  WStream,
  getWStream,
  isWritableStreamLocked,
  createWritableStream,
  acquireWriter,
  writableStreamAbort,
  writableStreamClose,
  writerWrite,
  writerRelease,
  writerGetDesiredSize,
  writableControllerErrorIfNeeded: controllerErrorIfNeeded,
  writableControllerError: controllerError,
  closeQueuedOrInFlight,
  readableStreamPipeTo,
  WS_WRITABLE: WRITABLE,
  WS_CLOSED: CLOSED,
  WS_ERRORING: ERRORING,
  WS_ERRORED: ERRORED,
});

priv.isWritableStream = (v) => getWStream(v) !== undefined;
if (typeof priv.registerPlatformObject === "function") {
  priv.registerPlatformObject((v) => getWStream(v) !== undefined);
}
ObjectDefineProperty(WritableStream.prototype, Symbol.for("nodejs.util.inspect.custom"), {
  value: function inspectWritableStream() {
    const s = getWStream(this);
    if (s === undefined) return "WritableStream {}";
    const state = ["writable", "closed", "erroring", "errored"][s.state];
    return `WritableStream { locked: ${s.writer !== undefined}, state: '${state}' }`;
  },
  configurable: true,
});
