// WHATWG Streams Standard, part 4 of 4: the Encoding Standard's TextEncoderStream and
// TextDecoderStream, and the Workers-only byte streams IdentityTransformStream and
// FixedLengthStream.
//
// IdentityTransformStream (and its subclass FixedLengthStream) pass bytes from the writable
// side to the readable side unchanged. As on Workers:
//   - the readable side is a byte stream (BYOB readers work), and
//     `instanceof TransformStream` holds;
//   - the writable side takes ArrayBuffer or ArrayBufferView chunks only (TypeError
//     otherwise); a chunk is handed to the reader as a Uint8Array over the same memory;
//   - a write settles once the reader has taken all of the chunk (or, with a highWaterMark,
//     once the readable queue is below it), so a writer never runs ahead of its reader;
//   - FixedLengthStream(expectedLength) errors both sides with a TypeError when more bytes are
//     written than announced, or when it is closed before all of them were written.
//     priv.expectedLength(readable) gives a fetch body its Content-Length.

const webidl = priv.webidl;
const { converters, configureInterface, illegalConstructorKey } = webidl;
const ops = priv.streamOps;
const { Deferred, promiseRejectedWith, resolvedUndefined, call, isObject } = ops;
const TextDecoderCtor = globalThis.TextDecoder;
const TextDecoderPrototypeDecode = TextDecoderCtor.prototype.decode;
const TextDecoderEncoding = Object.getOwnPropertyDescriptor(TextDecoderCtor.prototype, "encoding").get;
const utf8Encode = priv.utf8Encode;
const Uint8ArrayCtor = Uint8Array;
const ArrayBufferCtor = ArrayBuffer;
const SharedArrayBufferCtor = typeof SharedArrayBuffer === "function" ? SharedArrayBuffer : undefined;
const STREAM = Object.freeze({ stream: true });

// ---------------------------------------------------------------------------------
// TextEncoderStream

// The encoder keeps a lead surrogate that ends one chunk until the next chunk shows
// whether a trail surrogate follows.
function encodeChunk(state, chunk) {
  let input = converters.DOMString(chunk, "Failed to execute 'transform' on 'TextEncoderStream'", "chunk");
  if (state.leadSurrogate !== "") {
    input = state.leadSurrogate + input;
    state.leadSurrogate = "";
  }
  const n = input.length;
  if (n === 0) return null;
  const last = input.charCodeAt(n - 1);
  if (last >= 0xd800 && last <= 0xdbff) {
    state.leadSurrogate = input[n - 1];
    input = input.slice(0, n - 1);
    if (input.length === 0) return null;
  }
  return utf8Encode(input);
}

class TextEncoderStream {
  #t;
  constructor() {
    const state = { leadSurrogate: "" };
    let t;
    t = ops.setUpTransformStream((chunk) => {
      const bytes = encodeChunk(state, chunk);
      if (bytes !== null) ops.transformStreamEnqueue(t, bytes);
    }, () => {
      if (state.leadSurrogate !== "") {
        state.leadSurrogate = "";
        ops.transformStreamEnqueue(t, new Uint8ArrayCtor([0xef, 0xbf, 0xbd]));
      }
    });
    this.#t = t;
  }
  static #check(v) {
    if (!(isObject(v) && #t in v)) throw webidl.illegalInvocation();
    return v.#t;
  }
  get encoding() {
    TextEncoderStream.#check(this);
    return "utf-8";
  }
  get readable() { return TextEncoderStream.#check(this).readable.pub; }
  get writable() { return TextEncoderStream.#check(this).writable.pub; }
}
configureInterface(TextEncoderStream);
core.defineGlobal("TextEncoderStream", TextEncoderStream);

// ---------------------------------------------------------------------------------
// TextDecoderStream

function toBufferSource(chunk) {
  if (chunk instanceof ArrayBufferCtor || ArrayBuffer.isView(chunk)) return chunk;
  if (SharedArrayBufferCtor !== undefined && chunk instanceof SharedArrayBufferCtor) return chunk;
  throw new TypeError("Failed to execute 'transform' on 'TextDecoderStream': The chunk is not an ArrayBuffer, ArrayBufferView or SharedArrayBuffer.");
}

class TextDecoderStream {
  #t;
  #decoder;
  #fatal;
  #ignoreBOM;
  constructor(label = "utf-8", options = undefined) {
    const prefix = webidl.ctorPrefix("TextDecoderStream");
    label = converters.DOMString(label, prefix, "parameter 1");
    if (options !== undefined && options !== null && !isObject(options)) {
      throw new TypeError(`${prefix}: parameter 2 is not of type 'TextDecoderOptions'.`);
    }
    const fatal = !!(options && options.fatal);
    const ignoreBOM = !!(options && options.ignoreBOM);
    let decoder;
    try {
      decoder = new TextDecoderCtor(label, { fatal, ignoreBOM });
    } catch (e) {
      if (e instanceof RangeError) throw new RangeError(e.message.replace("'TextDecoder'", "'TextDecoderStream'"));
      throw e;
    }
    let t;
    t = ops.setUpTransformStream((chunk) => {
      const out = call(TextDecoderPrototypeDecode, decoder, toBufferSource(chunk), STREAM);
      if (out !== "") ops.transformStreamEnqueue(t, out);
    }, () => {
      const out = call(TextDecoderPrototypeDecode, decoder);
      if (out !== "") ops.transformStreamEnqueue(t, out);
    });
    this.#t = t;
    this.#decoder = decoder;
    this.#fatal = fatal;
    this.#ignoreBOM = ignoreBOM;
  }
  static #check(v) {
    if (!(isObject(v) && #t in v)) throw webidl.illegalInvocation();
    return v;
  }
  get encoding() { return call(TextDecoderEncoding, TextDecoderStream.#check(this).#decoder); }
  get fatal() { return TextDecoderStream.#check(this).#fatal; }
  get ignoreBOM() { return TextDecoderStream.#check(this).#ignoreBOM; }
  get readable() { return TextDecoderStream.#check(this).#t.readable.pub; }
  get writable() { return TextDecoderStream.#check(this).#t.writable.pub; }
}
configureInterface(TextDecoderStream);
core.defineGlobal("TextDecoderStream", TextDecoderStream);

// ---------------------------------------------------------------------------------
// IdentityTransformStream and FixedLengthStream

function notBytesError() {
  return new TypeError("This TransformStream is being used as a byte stream, but received an object of non-ArrayBuffer/ArrayBufferView type on its writable side.");
}

function chunkBytes(chunk) {
  if (chunk instanceof Uint8ArrayCtor) return chunk;
  if (chunk instanceof ArrayBufferCtor) return new Uint8ArrayCtor(chunk);
  if (ArrayBuffer.isView(chunk)) return new Uint8ArrayCtor(ops.viewBuffer(chunk), ops.viewByteOffset(chunk), ops.viewByteLength(chunk));
  return null;
}

// Builds the readable/writable pair into the TStream record `t`. expectedLength < 0 means
// no fixed length.
function setUpBytePipe(t, highWaterMark, expectedLength) {
  let readable, writable;
  let pendingWrite = null; // Deferred of the write waiting for the reader
  let written = 0;

  const releaseWrite = () => {
    if (pendingWrite !== null) {
      const d = pendingWrite;
      pendingWrite = null;
      d.resolve(undefined);
    }
  };
  const failWrite = (e) => {
    if (pendingWrite !== null) {
      const d = pendingWrite;
      pendingWrite = null;
      d.reject(e);
    }
  };

  const writeAlgorithm = (chunk) => {
    const bytes = chunkBytes(chunk);
    if (bytes === null) {
      const e = notBytesError();
      ops.byteControllerError(readable.controller, e);
      return promiseRejectedWith(e);
    }
    const n = bytes.byteLength;
    if (n === 0) return resolvedUndefined;
    if (expectedLength >= 0) {
      written += n;
      if (written > expectedLength) {
        const e = new TypeError("Attempt to write too many bytes through a FixedLengthStream.");
        ops.byteControllerError(readable.controller, e);
        return promiseRejectedWith(e);
      }
    }
    const c = readable.controller;
    if (readable.state !== ops.READABLE || c.closeRequested) {
      return promiseRejectedWith(readable.state === ops.ERRORED ? readable.storedError : new TypeError("The readable side of the IdentityTransformStream is closed."));
    }
    ops.byteControllerEnqueue(c, bytes, true);
    if (readable.state === ops.ERRORED) return promiseRejectedWith(readable.storedError);
    if (readable.state !== ops.READABLE || canTakeMore(c)) return resolvedUndefined;
    pendingWrite = new Deferred();
    return pendingWrite.promise;
  };
  // The reader took everything, or the queue is below the high water mark.
  const canTakeMore = (c) => c.queueTotalSize === 0 || ops.byteControllerGetDesiredSize(c) > 0;
  const closeAlgorithm = () => {
    if (expectedLength >= 0 && written < expectedLength) {
      const e = new TypeError("FixedLengthStream did not see all expected bytes before close().");
      ops.byteControllerError(readable.controller, e);
      return promiseRejectedWith(e);
    }
    const c = readable.controller;
    if (readable.state === ops.READABLE && !c.closeRequested) {
      ops.byteControllerClose(c);
      if (c.pendingPullIntos.size > 0) ops.byteControllerRespond(c, 0);
    }
    return resolvedUndefined;
  };
  const abortAlgorithm = (reason) => {
    ops.byteControllerError(readable.controller, reason);
    return resolvedUndefined;
  };
  const pullAlgorithm = () => {
    releaseWrite();
    return resolvedUndefined;
  };
  const cancelAlgorithm = (reason) => {
    ops.writableControllerErrorIfNeeded(writable.controller, reason);
    failWrite(reason);
    return resolvedUndefined;
  };

  writable = ops.createWritableStream(() => undefined, writeAlgorithm, closeAlgorithm, abortAlgorithm, 1, ops.sizeOne);
  readable = ops.createReadableByteStream(() => undefined, pullAlgorithm, cancelAlgorithm, highWaterMark);
  readable.controller.drainHook = () => {
    if (pendingWrite !== null && canTakeMore(readable.controller)) releaseWrite();
  };
  // writable.abort() must not wait for a reader that may never come.
  writable.controller.abortHook = (reason) => failWrite(reason);
  if (expectedLength >= 0) readable.expectedLength = expectedLength;
  t.readable = readable;
  t.writable = writable;
}

function convertHighWaterMark(options, prefix) {
  if (options === undefined || options === null) return 0;
  if (!isObject(options)) throw new TypeError(`${prefix}: parameter is not of type 'QueuingStrategyInit'.`);
  let hwm = options.highWaterMark;
  if (hwm === undefined) return 0;
  if (typeof hwm === "bigint") hwm = Number(hwm);
  hwm = converters["unrestricted double"](hwm, prefix, "'highWaterMark' member of QueuingStrategyInit");
  if (Number.isNaN(hwm) || hwm < 0) throw new RangeError(`${prefix}: highWaterMark must be a non-negative number.`);
  return hwm;
}

const TransformStream = globalThis.TransformStream;

// FixedLengthStream's constructor hands its converted arguments to IdentityTransformStream's
// through these (read first thing, before any user code can run).
let nextExpectedLength = -1;
let nextHighWaterMark = 0;

class IdentityTransformStream extends TransformStream {
  constructor(options = undefined) {
    let expectedLength = nextExpectedLength;
    let highWaterMark = nextHighWaterMark;
    nextExpectedLength = -1;
    nextHighWaterMark = 0;
    if (expectedLength < 0) highWaterMark = convertHighWaterMark(options, webidl.ctorPrefix("IdentityTransformStream"));
    const t = new ops.TStream();
    setUpBytePipe(t, highWaterMark, expectedLength);
    super(illegalConstructorKey, t);
  }
}
configureInterface(IdentityTransformStream);
core.defineGlobal("IdentityTransformStream", IdentityTransformStream);

class FixedLengthStream extends IdentityTransformStream {
  constructor(expectedLength, options = undefined) {
    const prefix = webidl.ctorPrefix("FixedLengthStream");
    webidl.requiredArguments(arguments.length, 1, prefix);
    if (typeof expectedLength === "bigint") {
      if (expectedLength < 0n || expectedLength > BigInt(Number.MAX_SAFE_INTEGER)) {
        throw new RangeError(`${prefix}: expectedLength must be between 0 and ${Number.MAX_SAFE_INTEGER}.`);
      }
      expectedLength = Number(expectedLength);
    } else {
      expectedLength = converters["unsigned long long"](expectedLength, prefix, "parameter 1", { enforceRange: true });
    }
    const highWaterMark = convertHighWaterMark(options, prefix);
    nextExpectedLength = expectedLength;
    nextHighWaterMark = highWaterMark;
    super();
  }
}
configureInterface(FixedLengthStream);
core.defineGlobal("FixedLengthStream", FixedLengthStream);

// The byte count a FixedLengthStream's readable side announced, or undefined.
priv.expectedLength = (stream) => {
  const s = ops.getRStream(stream);
  return s === undefined ? undefined : s.expectedLength;
};
