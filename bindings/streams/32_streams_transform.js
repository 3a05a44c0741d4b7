// WHATWG Streams Standard, part 3 of 4: TransformStream and
// TransformStreamDefaultController, plus "set up a TransformStream" for other specs
// (ops.setUpTransformStream, used by the encoding streams in 33_).

const webidl = priv.webidl;
const { configureInterface, illegalConstructorKey } = webidl;
const ops = priv.streamOps;
const {
  Deferred, promiseResolvedWith, promiseRejectedWith, then, resolvedUndefined, call, isObject,
  invokePromiseCallback1, invokePromiseCallback2, convertCallback, convertQueuingStrategy,
  extractHighWaterMark, extractSizeAlgorithm, sizeOne,
} = ops;
const PromiseCtor = Promise;

class TStream {
  constructor() {
    this.backpressure = undefined;
    this.backpressureChange = undefined; // Deferred
    this.controller = undefined;
    this.readable = undefined; // RStream
    this.writable = undefined; // WStream
    this.pendingChunk = undefined; // the chunk waiting for backpressure to lift
    this.onBackpressureChanged = undefined;
    this.pub = null;
  }
}

class TController {
  constructor() {
    this.stream = undefined;
    this.transformAlgorithm = undefined;
    this.flushAlgorithm = undefined;
    this.cancelAlgorithm = undefined;
    this.finishPromise = undefined; // Deferred
    this.onTransformRejected = undefined;
    this.pub = null;
  }
}

// InitializeTransformStream
function initializeTransformStream(stream, startPromise, writableHighWaterMark, writableSizeAlgorithm, readableHighWaterMark, readableSizeAlgorithm) {
  const startAlgorithm = () => startPromise;
  stream.writable = ops.createWritableStream(startAlgorithm,
    (chunk) => sinkWriteAlgorithm(stream, chunk),
    () => sinkCloseAlgorithm(stream),
    (reason) => sinkAbortAlgorithm(stream, reason),
    writableHighWaterMark, writableSizeAlgorithm);
  stream.readable = ops.createReadableStream(startAlgorithm,
    () => sourcePullAlgorithm(stream),
    (reason) => sourceCancelAlgorithm(stream, reason),
    readableHighWaterMark, readableSizeAlgorithm);
  stream.backpressure = undefined;
  stream.backpressureChange = undefined;
  setBackpressure(stream, true);
  stream.controller = undefined;
  stream.onBackpressureChanged = () => {
    const writable = stream.writable;
    if (writable.state === ops.WS_ERRORING) throw writable.storedError;
    const chunk = stream.pendingChunk;
    stream.pendingChunk = undefined;
    return performTransform(stream.controller, chunk);
  };
}

// TransformStreamError
function transformStreamError(stream, e) {
  ops.defaultControllerError(stream.readable.controller, e);
  errorWritableAndUnblockWrite(stream, e);
}

// TransformStreamErrorWritableAndUnblockWrite
function errorWritableAndUnblockWrite(stream, e) {
  clearAlgorithms(stream.controller);
  ops.writableControllerErrorIfNeeded(stream.writable.controller, e);
  unblockWrite(stream);
}

// TransformStreamSetBackpressure
function setBackpressure(stream, backpressure) {
  if (stream.backpressureChange !== undefined) stream.backpressureChange.resolve(undefined);
  stream.backpressureChange = new Deferred();
  stream.backpressure = backpressure;
}

// TransformStreamUnblockWrite
function unblockWrite(stream) {
  if (stream.backpressure) setBackpressure(stream, false);
}

// SetUpTransformStreamDefaultController
function setUpController(stream, c, transformAlgorithm, flushAlgorithm, cancelAlgorithm) {
  c.stream = stream;
  stream.controller = c;
  c.transformAlgorithm = transformAlgorithm;
  c.flushAlgorithm = flushAlgorithm;
  c.cancelAlgorithm = cancelAlgorithm;
  c.onTransformRejected = (r) => {
    transformStreamError(stream, r);
    throw r;
  };
}

// SetUpTransformStreamDefaultControllerFromTransformer
function setUpControllerFromTransformer(stream, transformer, dict) {
  const c = new TController();
  const pub = controllerPub(c);
  let transformAlgorithm = (chunk) => {
    try {
      controllerEnqueue(c, chunk);
    } catch (e) {
      return promiseRejectedWith(e);
    }
    return resolvedUndefined;
  };
  let flushAlgorithm = () => resolvedUndefined;
  let cancelAlgorithm = () => resolvedUndefined;
  const { transform, flush, cancel } = dict;
  if (transform !== undefined) transformAlgorithm = (chunk) => invokePromiseCallback2(transform, transformer, chunk, pub);
  if (flush !== undefined) flushAlgorithm = () => invokePromiseCallback1(flush, transformer, pub);
  if (cancel !== undefined) cancelAlgorithm = (reason) => invokePromiseCallback1(cancel, transformer, reason);
  setUpController(stream, c, transformAlgorithm, flushAlgorithm, cancelAlgorithm);
}

function clearAlgorithms(c) {
  c.transformAlgorithm = undefined;
  c.flushAlgorithm = undefined;
  c.cancelAlgorithm = undefined;
}

// TransformStreamDefaultControllerEnqueue
function controllerEnqueue(c, chunk) {
  const stream = c.stream;
  const readableController = stream.readable.controller;
  if (!ops.defaultControllerCanCloseOrEnqueue(readableController)) {
    throw new TypeError("The readable side of the TransformStream is closed or errored; it cannot be enqueued to.");
  }
  try {
    ops.defaultControllerEnqueue(readableController, chunk);
  } catch (e) {
    errorWritableAndUnblockWrite(stream, e);
    throw stream.readable.storedError;
  }
  const backpressure = ops.defaultControllerHasBackpressure(readableController);
  if (backpressure !== stream.backpressure) setBackpressure(stream, true);
}

// TransformStreamDefaultControllerPerformTransform
function performTransform(c, chunk) {
  return then(c.transformAlgorithm(chunk), undefined, c.onTransformRejected);
}

// TransformStreamDefaultControllerTerminate
function controllerTerminate(c) {
  const stream = c.stream;
  ops.defaultControllerClose(stream.readable.controller);
  errorWritableAndUnblockWrite(stream, new TypeError("The TransformStream was terminated."));
}

// TransformStreamDefaultSinkWriteAlgorithm
function sinkWriteAlgorithm(stream, chunk) {
  const c = stream.controller;
  if (stream.backpressure) {
    stream.pendingChunk = chunk;
    return then(stream.backpressureChange.promise, stream.onBackpressureChanged);
  }
  return performTransform(c, chunk);
}

// TransformStreamDefaultSinkAbortAlgorithm
function sinkAbortAlgorithm(stream, reason) {
  const c = stream.controller;
  if (c.finishPromise !== undefined) return c.finishPromise.promise;
  const readable = stream.readable;
  const finish = new Deferred();
  c.finishPromise = finish;
  const cancelPromise = c.cancelAlgorithm(reason);
  clearAlgorithms(c);
  then(cancelPromise, () => {
    if (readable.state === ops.ERRORED) {
      finish.reject(readable.storedError);
    } else {
      ops.defaultControllerError(readable.controller, reason);
      finish.resolve(undefined);
    }
  }, (r) => {
    ops.defaultControllerError(readable.controller, r);
    finish.reject(r);
  });
  return finish.promise;
}

// TransformStreamDefaultSinkCloseAlgorithm
function sinkCloseAlgorithm(stream) {
  const c = stream.controller;
  if (c.finishPromise !== undefined) return c.finishPromise.promise;
  const readable = stream.readable;
  const finish = new Deferred();
  c.finishPromise = finish;
  const flushPromise = c.flushAlgorithm();
  clearAlgorithms(c);
  then(flushPromise, () => {
    if (readable.state === ops.ERRORED) {
      finish.reject(readable.storedError);
    } else {
      ops.defaultControllerClose(readable.controller);
      finish.resolve(undefined);
    }
  }, (r) => {
    ops.defaultControllerError(readable.controller, r);
    finish.reject(r);
  });
  return finish.promise;
}

// TransformStreamDefaultSourceCancelAlgorithm
function sourceCancelAlgorithm(stream, reason) {
  const c = stream.controller;
  if (c.finishPromise !== undefined) return c.finishPromise.promise;
  const writable = stream.writable;
  const finish = new Deferred();
  c.finishPromise = finish;
  const cancelPromise = c.cancelAlgorithm(reason);
  clearAlgorithms(c);
  then(cancelPromise, () => {
    if (writable.state === ops.WS_ERRORED) {
      finish.reject(writable.storedError);
    } else {
      ops.writableControllerErrorIfNeeded(writable.controller, reason);
      unblockWrite(stream);
      finish.resolve(undefined);
    }
  }, (r) => {
    ops.writableControllerErrorIfNeeded(writable.controller, r);
    unblockWrite(stream);
    finish.reject(r);
  });
  return finish.promise;
}

// TransformStreamDefaultSourcePullAlgorithm
function sourcePullAlgorithm(stream) {
  setBackpressure(stream, false);
  return stream.backpressureChange.promise;
}

// ---------------------------------------------------------------------------------
// Public interfaces

function controllerPub(c) {
  if (c.pub === null) new TransformStreamDefaultController(illegalConstructorKey, c);
  return c.pub;
}

const convertTransformer = (t, prefix) => {
  const d = { cancel: undefined, flush: undefined, readableType: undefined, start: undefined, transform: undefined, writableType: undefined };
  if (t === null) return d;
  let v = t.cancel;
  if (v !== undefined) d.cancel = convertCallback(v, prefix, "'cancel' member of Transformer");
  v = t.flush;
  if (v !== undefined) d.flush = convertCallback(v, prefix, "'flush' member of Transformer");
  d.readableType = t.readableType;
  v = t.start;
  if (v !== undefined) d.start = convertCallback(v, prefix, "'start' member of Transformer");
  v = t.transform;
  if (v !== undefined) d.transform = convertCallback(v, prefix, "'transform' member of Transformer");
  d.writableType = t.writableType;
  return d;
};

let getTStream;

class TransformStream {
  #t;
  constructor(transformer = undefined, writableStrategy = undefined, readableStrategy = undefined) {
    if (transformer === illegalConstructorKey && writableStrategy instanceof TStream) {
      this.#t = writableStrategy;
      writableStrategy.pub = this;
      return;
    }
    const prefix = webidl.ctorPrefix("TransformStream");
    if (transformer !== undefined && !isObject(transformer)) throw new TypeError(`${prefix}: parameter 1 is not of type 'object'.`);
    const writableStrategyDict = convertQueuingStrategy(writableStrategy, prefix, "parameter 2");
    const readableStrategyDict = convertQueuingStrategy(readableStrategy, prefix, "parameter 3");
    if (transformer === undefined) transformer = null;
    const dict = convertTransformer(transformer, prefix);
    if (dict.readableType !== undefined) throw new RangeError(`${prefix}: Invalid readableType specified.`);
    if (dict.writableType !== undefined) throw new RangeError(`${prefix}: Invalid writableType specified.`);
    const readableHighWaterMark = extractHighWaterMark(readableStrategyDict, 0);
    const readableSizeAlgorithm = extractSizeAlgorithm(readableStrategyDict);
    const writableHighWaterMark = extractHighWaterMark(writableStrategyDict, 1);
    const writableSizeAlgorithm = extractSizeAlgorithm(writableStrategyDict);
    const t = new TStream();
    this.#t = t;
    t.pub = this;
    const startPromise = new Deferred();
    initializeTransformStream(t, startPromise.promise, writableHighWaterMark, writableSizeAlgorithm, readableHighWaterMark, readableSizeAlgorithm);
    setUpControllerFromTransformer(t, transformer, dict);
    if (dict.start !== undefined) startPromise.resolve(call(dict.start, transformer, t.controller.pub));
    else startPromise.resolve(undefined);
  }
  get readable() {
    const t = getTStream(this);
    if (t === undefined) throw webidl.illegalInvocation();
    return t.readable.pub;
  }
  get writable() {
    const t = getTStream(this);
    if (t === undefined) throw webidl.illegalInvocation();
    return t.writable.pub;
  }
  static {
    getTStream = (v) => (isObject(v) && #t in v ? v.#t : undefined);
  }
}
configureInterface(TransformStream);
core.defineGlobal("TransformStream", TransformStream);

class TransformStreamDefaultController {
  #c;
  constructor(key = undefined, impl = undefined) {
    if (key !== illegalConstructorKey || !(impl instanceof TController)) throw webidl.illegalConstructor();
    this.#c = impl;
    impl.pub = this;
  }
  static #check(v) {
    if (!(isObject(v) && #c in v)) throw webidl.illegalInvocation();
    return v.#c;
  }
  get desiredSize() {
    const c = TransformStreamDefaultController.#check(this);
    return ops.defaultControllerGetDesiredSize(c.stream.readable.controller);
  }
  enqueue(chunk = undefined) {
    controllerEnqueue(TransformStreamDefaultController.#check(this), chunk);
  }
  error(reason = undefined) {
    transformStreamError(TransformStreamDefaultController.#check(this).stream, reason);
  }
  terminate() {
    controllerTerminate(TransformStreamDefaultController.#check(this));
  }
}
configureInterface(TransformStreamDefaultController);
core.defineGlobal("TransformStreamDefaultController", TransformStreamDefaultController);

// "Set up a TransformStream" (for other specifications). The algorithms may return a
// promise or throw. Returns the record; its public object is record.pub.
function wrapAlgorithm(fn) {
  if (fn === undefined) return () => resolvedUndefined;
  return (arg) => {
    let result;
    try {
      result = fn(arg);
    } catch (e) {
      return promiseRejectedWith(e);
    }
    return result instanceof PromiseCtor ? result : resolvedUndefined;
  };
}
function setUpTransformStream(transformAlgorithm, flushAlgorithm = undefined, cancelAlgorithm = undefined) {
  const t = new TStream();
  new TransformStream(illegalConstructorKey, t);
  initializeTransformStream(t, promiseResolvedWith(undefined), 1, sizeOne, 0, sizeOne);
  const c = new TController();
  setUpController(t, c, wrapAlgorithm(transformAlgorithm), wrapAlgorithm(flushAlgorithm), wrapAlgorithm(cancelAlgorithm));
  return t;
}

Object.assign(ops, {
  TStream,
  getTStream,
  setUpTransformStream,
  transformStreamEnqueue: (t, chunk) => controllerEnqueue(t.controller, chunk),
  transformStreamTerminate: (t) => controllerTerminate(t.controller),
  transformStreamError: (t, e) => transformStreamError(t, e),
});

priv.isTransformStream = (v) => getTStream(v) !== undefined;
Object.defineProperty(TransformStream.prototype, Symbol.for("nodejs.util.inspect.custom"), {
  value: function inspectTransformStream() {
    const t = getTStream(this);
    if (t === undefined) return "TransformStream {}";
    const inspect = Symbol.for("nodejs.util.inspect.custom");
    return `${this.constructor.name} { readable: ${t.readable.pub[inspect]()}, writable: ${t.writable.pub[inspect]()} }`;
  },
  configurable: true,
});
if (typeof priv.registerPlatformObject === "function") {
  priv.registerPlatformObject((v) => getTStream(v) !== undefined);
}
