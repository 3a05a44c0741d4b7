// CompressionStream and DecompressionStream (the Compression Streams standard) over the
// op_compression_* ops of this package (ops.go): formats "gzip", "deflate" (zlib) and
// "deflate-raw".
//
// Each stream is "set up a TransformStream" (priv.streamOps.setUpTransformStream). Its Go
// coder is opened on the first non-empty chunk (or at close) and freed when the stream
// finishes, errors, is cancelled or aborted, or is garbage-collected unfinished. A chunk
// goes to Go in slices of at most 64 KiB and each op returns at most 64 KiB, so one call
// is bounded work. The first piece of output a write makes is enqueued at once; further
// pieces wait for the reader (the readable side's backpressure), so a small input that
// expands enormously never sits in memory whole.

const webidl = priv.webidl;
const { converters, configureInterface } = webidl;
const ops = priv.streamOps;
const { isObject, then } = ops;
const opSync = core.opSync;
const {
  op_compression_open: OPEN, op_compression_push: PUSH, op_compression_finish: FINISH,
  op_compression_pull: PULL, op_compression_close: CLOSE,
} = core.ops;

const SLICE = 64 * 1024;
const formats = ["deflate", "deflate-raw", "gzip"];
const ArrayBufferByteLength = Object.getOwnPropertyDescriptor(ArrayBuffer.prototype, "byteLength").get;
const SharedArrayBufferByteLength = typeof SharedArrayBuffer === "function"
  ? Object.getOwnPropertyDescriptor(SharedArrayBuffer.prototype, "byteLength").get
  : undefined;
const Uint8ArrayCtor = Uint8Array;
const NO_BYTES = new Uint8Array(0);
const FinalizationRegistryCtor = FinalizationRegistry;

function convertFormat(v, prefix) {
  const s = converters.DOMString(v, prefix, "parameter 1");
  if (!formats.includes(s)) {
    const note = s === "brotli" || s === "deflate64" ? ` (not implemented: ${s})` : "";
    throw new TypeError(`${prefix}: The provided value '${s}' is not a valid enum value of type CompressionFormat${note}.`);
  }
  return s;
}

function isBuffer(v, getter) {
  if (getter === undefined) return false;
  try {
    getter.call(v);
    return true;
  } catch {
    return false;
  }
}

// The chunk as bytes: an ArrayBuffer or a view of one (BufferSource; shared memory is
// not allowed), else a TypeError that errors the stream.
// A detached buffer holds no bytes (WebIDL).
function chunkBytes(chunk, name) {
  if (ops.isArrayBufferView(chunk)) {
    const buffer = ops.viewBuffer(chunk);
    if (!isBuffer(buffer, SharedArrayBufferByteLength)) {
      const length = ops.isDetachedBuffer(buffer) ? 0 : ops.viewByteLength(chunk);
      return length === 0 ? NO_BYTES : new Uint8ArrayCtor(buffer, ops.viewByteOffset(chunk), length);
    }
  } else if (isBuffer(chunk, ArrayBufferByteLength)) {
    return ArrayBufferByteLength.call(chunk) === 0 ? NO_BYTES : new Uint8ArrayCtor(chunk);
  }
  throw new TypeError(`Failed to execute 'write' on '${name}': The chunk is not an ArrayBuffer or ArrayBufferView (shared memory is not allowed).`);
}

// Streams dropped unfinished free their coder when collected. Made on first use: nothing
// of it belongs in the snapshot.
let registry;
function watch(state) {
  if (registry === undefined) registry = new FinalizationRegistryCtor((handle) => opSync(CLOSE, handle));
  registry.register(state.t, state.handle, state);
}

function open(state) {
  state.handle = opSync(OPEN, state.format, state.decompress);
  watch(state);
}

function release(state) {
  if (state.handle > 0) {
    const h = state.handle;
    state.handle = -1;
    registry.unregister(state);
    opSync(CLOSE, h);
  }
  state.handle = -1;
}

// Feeds bytes (or, with finish, the end of the input) through the coder and enqueues
// what comes out. Returns undefined when done synchronously, else a promise.
function run(state, bytes, finish) {
  let offset = 0;
  let pending = false; // the last op returned output: pull before pushing more
  let enqueued = false;
  let held = null; // output waiting for the reader
  const step = () => {
    try {
      for (;;) {
        if (state.handle < 0) return undefined; // cancelled meanwhile
        const t = state.t;
        if (held !== null) {
          if (enqueued && t.backpressure) return then(t.backpressureChange.promise, step);
          const out = held;
          held = null;
          ops.transformStreamEnqueue(t, out);
          enqueued = true;
          continue;
        }
        let out;
        if (pending) {
          out = opSync(PULL, state.handle);
        } else if (finish) {
          if (state.finished) {
            release(state);
            return undefined;
          }
          state.finished = true;
          out = opSync(FINISH, state.handle);
        } else {
          if (offset >= bytes.length) return undefined;
          const end = Math.min(offset + SLICE, bytes.length);
          out = opSync(PUSH, state.handle, offset === 0 && end === bytes.length ? bytes : bytes.subarray(offset, end));
          offset = end;
        }
        pending = out !== null;
        if (out !== null && out.length > 0) held = out;
      }
    } catch (e) {
      release(state);
      throw e;
    }
  };
  return step();
}

function setUp(format, decompress, name) {
  const state = { t: undefined, format, decompress, handle: 0, finished: false };
  state.t = ops.setUpTransformStream(
    (chunk) => {
      const bytes = chunkBytes(chunk, name);
      if (state.handle < 0) throw new TypeError(`${name}: the stream is closed.`);
      if (bytes.length === 0) return undefined;
      if (state.handle === 0) open(state);
      return run(state, bytes, false);
    },
    () => {
      if (state.handle < 0) throw new TypeError(`${name}: the stream is closed.`);
      if (state.handle === 0) {
        if (decompress) {
          state.handle = -1;
          throw new TypeError("DecompressionStream: the compressed data is not valid: the input is empty");
        }
        open(state);
      }
      return run(state, null, true);
    },
    () => {
      release(state);
    },
  );
  return state.t;
}

class CompressionStream {
  #t;
  constructor(format) {
    const prefix = webidl.ctorPrefix("CompressionStream");
    webidl.requiredArguments(arguments.length, 1, prefix);
    this.#t = setUp(convertFormat(format, prefix), false, "CompressionStream");
  }
  static #check(v) {
    if (!(isObject(v) && #t in v)) throw webidl.illegalInvocation();
    return v.#t;
  }
  get readable() { return CompressionStream.#check(this).readable.pub; }
  get writable() { return CompressionStream.#check(this).writable.pub; }
  static {
    if (typeof priv.registerPlatformObject === "function") priv.registerPlatformObject((v) => isObject(v) && #t in v);
  }
}
configureInterface(CompressionStream);
core.defineGlobal("CompressionStream", CompressionStream);

class DecompressionStream {
  #t;
  constructor(format) {
    const prefix = webidl.ctorPrefix("DecompressionStream");
    webidl.requiredArguments(arguments.length, 1, prefix);
    this.#t = setUp(convertFormat(format, prefix), true, "DecompressionStream");
  }
  static #check(v) {
    if (!(isObject(v) && #t in v)) throw webidl.illegalInvocation();
    return v.#t;
  }
  get readable() { return DecompressionStream.#check(this).readable.pub; }
  get writable() { return DecompressionStream.#check(this).writable.pub; }
  static {
    if (typeof priv.registerPlatformObject === "function") priv.registerPlatformObject((v) => isObject(v) && #t in v);
  }
}
configureInterface(DecompressionStream);
core.defineGlobal("DecompressionStream", DecompressionStream);
