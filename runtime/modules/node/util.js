// node:util for nodejs_compat, written from Node's documented behaviour. inspect is
// a smaller formatter than Node's: same shapes for common values, no colours, no
// getters, no Proxy detection.

const customInspect = Symbol.for("nodejs.util.inspect.custom");
const customPromisify = Symbol.for("nodejs.util.promisify.custom");
const toStr = (v) => Object.prototype.toString.call(v);
const TypedArrayProto = Object.getPrototypeOf(Uint8Array.prototype);
const typedArrayTag = Object.getOwnPropertyDescriptor(TypedArrayProto, Symbol.toStringTag).get;

function tagIs(v, tag) {
  return v !== null && typeof v === "object" && toStr(v) === `[object ${tag}]`;
}

function brand(getter) {
  return (v) => {
    try {
      getter.call(v);
      return true;
    } catch {
      return false;
    }
  };
}

const isMap = brand(Object.getOwnPropertyDescriptor(Map.prototype, "size").get);
const isSet = brand(Object.getOwnPropertyDescriptor(Set.prototype, "size").get);
const isArrayBuffer = brand(Object.getOwnPropertyDescriptor(ArrayBuffer.prototype, "byteLength").get);
const isSharedArrayBuffer = typeof SharedArrayBuffer === "undefined" ? () => false
  : brand(Object.getOwnPropertyDescriptor(SharedArrayBuffer.prototype, "byteLength").get);
const isDataView = brand(Object.getOwnPropertyDescriptor(DataView.prototype, "byteLength").get);
const isDate = brand(Date.prototype.getTime);
const isWeakMap = brand(WeakMap.prototype.has);
const isWeakSet = brand(WeakSet.prototype.has);
const isNumberObject = (v) => typeof v === "object" && brand(Number.prototype.valueOf)(v);
const isStringObject = (v) => typeof v === "object" && brand(String.prototype.valueOf)(v);
const isBooleanObject = (v) => typeof v === "object" && brand(Boolean.prototype.valueOf)(v);
const isBigIntObject = (v) => typeof v === "object" && brand(BigInt.prototype.valueOf)(v);
const isSymbolObject = (v) => typeof v === "object" && brand(Symbol.prototype.valueOf)(v);
const isTypedArray = (v) => typedArrayTag.call(v) !== undefined;
const typed = (name) => (v) => typedArrayTag.call(v) === name;
const AsyncFunction = Object.getPrototypeOf(async function () {}).constructor;
const GeneratorFunction = Object.getPrototypeOf(function* () {}).constructor;
const AsyncGeneratorFunction = Object.getPrototypeOf(async function* () {}).constructor;

const types = {
  isPromise: (v) => tagIs(v, "Promise") && v instanceof Promise,
  isDate,
  isRegExp: (v) => tagIs(v, "RegExp"),
  isNativeError: (v) => v instanceof Error || tagIs(v, "Error"),
  isMap,
  isSet,
  isWeakMap,
  isWeakSet,
  isMapIterator: (v) => tagIs(v, "Map Iterator"),
  isSetIterator: (v) => tagIs(v, "Set Iterator"),
  isArrayBuffer,
  isSharedArrayBuffer,
  isAnyArrayBuffer: (v) => isArrayBuffer(v) || isSharedArrayBuffer(v),
  isDataView,
  isArrayBufferView: (v) => ArrayBuffer.isView(v),
  isTypedArray,
  isUint8Array: typed("Uint8Array"),
  isUint8ClampedArray: typed("Uint8ClampedArray"),
  isUint16Array: typed("Uint16Array"),
  isUint32Array: typed("Uint32Array"),
  isInt8Array: typed("Int8Array"),
  isInt16Array: typed("Int16Array"),
  isInt32Array: typed("Int32Array"),
  isFloat32Array: typed("Float32Array"),
  isFloat64Array: typed("Float64Array"),
  isBigInt64Array: typed("BigInt64Array"),
  isBigUint64Array: typed("BigUint64Array"),
  isAsyncFunction: (v) => typeof v === "function" && (v instanceof AsyncFunction || v instanceof AsyncGeneratorFunction),
  isGeneratorFunction: (v) => typeof v === "function" && (v instanceof GeneratorFunction || v instanceof AsyncGeneratorFunction),
  isGeneratorObject: (v) => tagIs(v, "Generator") || tagIs(v, "AsyncGenerator"),
  isBoxedPrimitive: (v) => isNumberObject(v) || isStringObject(v) || isBooleanObject(v) || isBigIntObject(v) || isSymbolObject(v),
  isNumberObject,
  isStringObject,
  isBooleanObject,
  isBigIntObject,
  isSymbolObject,
  isProxy: () => false, // cannot be told from JavaScript
  isModuleNamespaceObject: (v) => tagIs(v, "Module"),
  isArgumentsObject: (v) => tagIs(v, "Arguments"),
  isExternal: () => false,
  isKeyObject: () => false,
  isCryptoKey: (v) => typeof CryptoKey !== "undefined" && v instanceof CryptoKey,
};

// --- inspect ---

const defaultOptions = {
  showHidden: false, depth: 2, colors: false, customInspect: true, showProxy: false, maxArrayLength: 100,
  maxStringLength: 10000, breakLength: 80, compact: 3, sorted: false, getters: false, numericSeparator: false,
};

function quote(s) {
  let q = "'";
  if (s.includes("'")) {
    if (!s.includes('"')) q = '"';
    else if (!s.includes("`") && !s.includes("${")) q = "`";
  }
  const escaped = s.replace(/[\x00-\x1f\x7f\\]/g, (c) => {
    switch (c) {
      case "\n": return "\\n";
      case "\t": return "\\t";
      case "\r": return "\\r";
      case "\b": return "\\b";
      case "\f": return "\\f";
      case "\v": return "\\v";
      case "\\": return "\\\\";
      default: return "\\x" + c.charCodeAt(0).toString(16).toUpperCase().padStart(2, "0");
    }
  }).replaceAll(q, "\\" + q);
  return q + escaped + q;
}

function formatKey(k) {
  if (typeof k === "symbol") return `[${k.toString()}]`;
  return /^[a-zA-Z_$][a-zA-Z_$0-9]*$/.test(k) ? k : quote(k);
}

function formatPrimitive(v, ctx) {
  switch (typeof v) {
    case "string": {
      let s = v;
      let more = "";
      if (s.length > ctx.maxStringLength) {
        more = `... ${s.length - ctx.maxStringLength} more character${s.length - ctx.maxStringLength > 1 ? "s" : ""}`;
        s = s.slice(0, ctx.maxStringLength);
      }
      return quote(s) + more;
    }
    case "number": return Object.is(v, -0) ? "-0" : String(v);
    case "bigint": return v + "n";
    case "symbol": return v.toString();
    case "undefined": return "undefined";
    case "boolean": return String(v);
  }
  return "null";
}

function constructorName(v) {
  let p = v;
  while (p !== null) {
    const d = Object.getOwnPropertyDescriptor(p, "constructor");
    if (d && typeof d.value === "function" && d.value.name) return d.value.name;
    p = Object.getPrototypeOf(p);
  }
  return null;
}

function formatError(e) {
  let s = e.stack ? String(e.stack) : Error.prototype.toString.call(e);
  if (!e.stack || !s.includes(e.message)) s = Error.prototype.toString.call(e) + (e.stack ? "\n" + e.stack : "");
  return s;
}

function reduceToSingle(parts, open, close, indent, ctx, start) {
  const single = `${open} ${parts.join(", ")} ${close}`;
  if (parts.length === 0) return `${open}${close}`;
  if (start.length + single.length + indent.length <= ctx.breakLength && !single.includes("\n")) return single;
  const pad = indent + "  ";
  return `${open}\n${pad}${parts.join(`,\n${pad}`)}\n${indent}${close}`;
}

function formatValue(v, ctx, depth, indent, seen) {
  if (v === null || (typeof v !== "object" && typeof v !== "function")) return formatPrimitive(v, ctx);
  if (ctx.customInspect && typeof v[customInspect] === "function" && v[customInspect] !== inspect) {
    const r = v[customInspect](ctx.depth - depth, { ...ctx, stylize: (s) => s }, inspect);
    if (r !== v) return typeof r === "string" ? r : formatValue(r, ctx, depth, indent, seen);
  }
  if (seen.includes(v)) return "[Circular *1]";
  const keys = (ctx.showHidden ? Reflect.ownKeys(v) : Object.keys(v).concat(
    Object.getOwnPropertySymbols(v).filter((s) => Object.prototype.propertyIsEnumerable.call(v, s))));
  if (ctx.sorted) keys.sort();
  const name = constructorName(v);
  let prefix = "", open = "{", close = "}", base = "", entries = [];
  let skipKeys = null;
  const nested = (x) => formatValue(x, ctx, depth + 1, indent + "  ", seen.concat([v]));
  if (typeof v === "function") {
    const kind = types.isAsyncFunction(v) ? "AsyncFunction" : types.isGeneratorFunction(v) ? "GeneratorFunction" : "Function";
    const isClass = Function.prototype.toString.call(v).startsWith("class");
    base = isClass ? `[class ${v.name || "(anonymous)"}]` : `[${kind}${v.name ? ": " + v.name : " (anonymous)"}]`;
    if (keys.length === 0) return base;
  } else if (Array.isArray(v)) {
    open = "[";
    close = "]";
    if (name !== "Array") prefix = `${name}(${v.length}) `;
    let holes = 0;
    const n = Math.min(v.length, ctx.maxArrayLength);
    for (let i = 0; i < n; i++) {
      if (!Object.prototype.hasOwnProperty.call(v, i)) {
        holes++;
        continue;
      }
      if (holes) {
        entries.push(`<${holes} empty item${holes > 1 ? "s" : ""}>`);
        holes = 0;
      }
      entries.push(depth > ctx.depth ? "[Object]" : nested(v[i]));
    }
    if (holes) entries.push(`<${holes} empty item${holes > 1 ? "s" : ""}>`);
    if (v.length > n) entries.push(`... ${v.length - n} more item${v.length - n > 1 ? "s" : ""}`);
    skipKeys = (k) => typeof k === "string" && String(k >>> 0) === k && (k >>> 0) < v.length;
  } else if (isTypedArray(v)) {
    open = "[";
    close = "]";
    prefix = `${name || typedArrayTag.call(v)}(${v.length}) `;
    const n = Math.min(v.length, ctx.maxArrayLength);
    for (let i = 0; i < n; i++) entries.push(formatPrimitive(v[i], ctx));
    if (v.length > n) entries.push(`... ${v.length - n} more item${v.length - n > 1 ? "s" : ""}`);
    skipKeys = (k) => typeof k === "string" && String(k >>> 0) === k;
  } else if (isMap(v)) {
    prefix = `${name || "Map"}(${v.size}) `;
    if (depth > ctx.depth) return `[${name || "Map"}]`;
    for (const [k, x] of v) entries.push(`${nested(k)} => ${nested(x)}`);
  } else if (isSet(v)) {
    prefix = `${name || "Set"}(${v.size}) `;
    if (depth > ctx.depth) return `[${name || "Set"}]`;
    for (const x of v) entries.push(nested(x));
  } else if (isDate(v)) {
    base = Number.isNaN(v.getTime()) ? "Invalid Date" : v.toISOString();
    if (keys.length === 0) return base;
  } else if (types.isRegExp(v)) {
    base = RegExp.prototype.toString.call(v);
    if (keys.length === 0) return base;
  } else if (types.isNativeError(v)) {
    base = formatError(v);
    const own = keys.filter((k) => k !== "stack" && k !== "message");
    if (own.length === 0) return base;
  } else if (types.isPromise(v)) {
    return "Promise { <unknown> }";
  } else if (isWeakMap(v) || isWeakSet(v)) {
    return `${name} { <items unknown> }`;
  } else if (types.isBoxedPrimitive(v)) {
    const inner = v.valueOf();
    base = `[${typeof inner === "bigint" ? "BigInt" : typeof inner === "symbol" ? "Symbol" : name}: ${formatPrimitive(inner, ctx)}]`;
    if (keys.length === 0) return base;
    skipKeys = isStringObject(v) ? (k) => typeof k === "string" && String(k >>> 0) === k : null;
  } else if (isArrayBuffer(v)) {
    const bytes = new Uint8Array(v);
    const hex = Array.from(bytes.subarray(0, 50), (b) => b.toString(16).padStart(2, "0")).join(" ");
    return `ArrayBuffer { [Uint8Contents]: <${hex}${bytes.length > 50 ? ` ... ${bytes.length - 50} more bytes` : ""}>, byteLength: ${v.byteLength} }`;
  } else {
    if (name === null) prefix = "[Object: null prototype] ";
    else if (name !== "Object") prefix = `${name} `;
    const tag = v[Symbol.toStringTag];
    if (typeof tag === "string" && tag !== "" && tag !== name) prefix = `${name || "Object"} [${tag}] `;
    if (tagIs(v, "Arguments")) prefix = "[Arguments] ";
  }
  if (depth > ctx.depth && entries.length === 0 && keys.length > 0 && !base) {
    return `[${name || "Object"}]`;
  }
  if (depth > ctx.depth && Array.isArray(v)) return "[Array]";
  for (const k of keys) {
    if (skipKeys && skipKeys(k)) continue;
    const d = Object.getOwnPropertyDescriptor(v, k);
    let val;
    if (d.get || d.set) val = d.get && d.set ? "[Getter/Setter]" : d.get ? "[Getter]" : "[Setter]";
    else val = nested(d.value);
    entries.push(`${d.enumerable ? formatKey(k) : `[${typeof k === "symbol" ? k.toString() : k}]`}: ${val}`);
  }
  if (base) {
    if (entries.length === 0) return base;
    return reduceToSingle(entries, base + " {", "}", indent, ctx, prefix).replace(base + " { ", base + " { ");
  }
  return prefix + reduceToSingle(entries, open, close, indent, ctx, prefix);
}

function inspect(value, opts, ...rest) {
  let ctx = { ...defaultOptions, ...inspect.defaultOptions };
  if (typeof opts === "boolean") {
    ctx.showHidden = opts;
    if (rest.length > 0 && rest[0] !== undefined) ctx.depth = rest[0];
  } else if (opts && typeof opts === "object") {
    ctx = { ...ctx, ...opts };
  }
  if (ctx.depth === null) ctx.depth = Infinity;
  return formatValue(value, ctx, 0, "", []);
}
inspect.custom = customInspect;
inspect.defaultOptions = { ...defaultOptions };
inspect.colors = {};
inspect.styles = {};

// --- format ---

function formatWithOptions(inspectOptions, ...args) {
  if (inspectOptions === null || typeof inspectOptions !== "object") {
    const e = new TypeError(`The "inspectOptions" argument must be of type object. Received ${typeof inspectOptions}`);
    e.code = "ERR_INVALID_ARG_TYPE";
    throw e;
  }
  return formatArgs(inspectOptions, args);
}

function format(...args) {
  return formatArgs(undefined, args);
}

function formatArgs(opts, args) {
  const first = args[0];
  let out = "";
  let a = 1;
  if (typeof first === "string") {
    if (args.length === 1) return first;
    let last = 0;
    for (let i = 0; i < first.length - 1; i++) {
      if (first.charCodeAt(i) !== 37) continue; // '%'
      const c = first[i + 1];
      if (c === "%") {
        out += first.slice(last, i) + "%";
        last = i + 2;
        i++;
        continue;
      }
      if (a >= args.length || !"sdifjoOc".includes(c)) continue;
      const arg = args[a];
      let s;
      switch (c) {
        case "s":
          if (typeof arg === "bigint") s = arg + "n";
          else if (typeof arg === "symbol") s = arg.toString();
          else if (arg !== null && typeof arg === "object") s = inspect(arg, { ...opts, depth: 0 });
          else if (typeof arg === "number" && Object.is(arg, -0)) s = "-0";
          else s = String(arg);
          break;
        case "d":
          s = typeof arg === "bigint" ? arg + "n" : typeof arg === "symbol" ? "NaN" : formatPrimitive(Number(arg), {});
          break;
        case "i":
          s = typeof arg === "bigint" ? arg + "n" : typeof arg === "symbol" ? "NaN" : String(parseInt(arg));
          break;
        case "f":
          s = typeof arg === "symbol" ? "NaN" : String(parseFloat(arg));
          break;
        case "j":
          try {
            s = JSON.stringify(arg);
          } catch {
            s = "[Circular]";
          }
          break;
        case "o":
          s = inspect(arg, { ...opts, showHidden: true, depth: 4 });
          break;
        case "O":
          s = inspect(arg, opts);
          break;
        case "c":
          s = "";
          break;
      }
      out += first.slice(last, i) + s;
      last = i + 2;
      i++;
      a++;
    }
    out += first.slice(last);
  } else {
    a = 0;
  }
  for (; a < args.length; a++) {
    const v = args[a];
    if (out !== "" || a > 0) out += " ";
    out += typeof v === "string" ? v : inspect(v, opts);
  }
  return out;
}

// --- functions ---

function promisify(original) {
  if (typeof original !== "function") {
    const e = new TypeError(`The "original" argument must be of type function. Received ${typeof original}`);
    e.code = "ERR_INVALID_ARG_TYPE";
    throw e;
  }
  if (original[customPromisify]) {
    const fn = original[customPromisify];
    if (typeof fn !== "function") {
      const e = new TypeError(`The "util.promisify.custom" argument must be of type function. Received ${typeof fn}`);
      e.code = "ERR_INVALID_ARG_TYPE";
      throw e;
    }
    return Object.defineProperty(fn, customPromisify, { value: fn, enumerable: false, writable: false, configurable: true });
  }
  function fn(...args) {
    return new Promise((resolve, reject) => {
      original.call(this, ...args, (err, ...values) => {
        if (err) reject(err);
        else resolve(values[0]);
      });
    });
  }
  Object.setPrototypeOf(fn, Object.getPrototypeOf(original));
  Object.defineProperty(fn, customPromisify, { value: fn, enumerable: false, writable: false, configurable: true });
  return Object.defineProperties(fn, Object.getOwnPropertyDescriptors(original));
}
promisify.custom = customPromisify;

function callbackify(original) {
  if (typeof original !== "function") {
    const e = new TypeError(`The "original" argument must be of type function. Received ${typeof original}`);
    e.code = "ERR_INVALID_ARG_TYPE";
    throw e;
  }
  function callbackified(...args) {
    const cb = args.pop();
    if (typeof cb !== "function") {
      const e = new TypeError(`The last argument must be of type function. Received ${typeof cb}`);
      e.code = "ERR_INVALID_ARG_TYPE";
      throw e;
    }
    original.apply(this, args).then(
      (v) => queueMicrotask(() => cb(null, v)),
      (err) => {
        if (!err) {
          const wrapped = new Error("Promise was rejected with a falsy value");
          wrapped.code = "ERR_FALSY_VALUE_REJECTION";
          wrapped.reason = err;
          err = wrapped;
        }
        queueMicrotask(() => cb(err));
      },
    );
  }
  Object.defineProperties(callbackified, Object.getOwnPropertyDescriptors(original));
  return callbackified;
}

function inherits(ctor, superCtor) {
  if (typeof ctor !== "function") throw new TypeError('The "ctor" argument must be of type function');
  if (typeof superCtor !== "function") throw new TypeError('The "superCtor" argument must be of type function');
  if (superCtor.prototype === undefined) throw new TypeError('The "superCtor.prototype" property must be of type object');
  Object.defineProperty(ctor, "super_", { value: superCtor, writable: true, configurable: true });
  Object.setPrototypeOf(ctor.prototype, superCtor.prototype);
}

const warnedCodes = new Set();
function deprecate(fn, msg, code) {
  let warned = false;
  function deprecated(...args) {
    if (!warned && !(code !== undefined && warnedCodes.has(code))) {
      warned = true;
      if (code !== undefined) warnedCodes.add(code);
      const p = globalThis.process;
      if (p && typeof p.emitWarning === "function") p.emitWarning(msg, "DeprecationWarning", code);
      else console.warn(`${code ? `[${code}] ` : ""}DeprecationWarning: ${msg}`);
    }
    return new.target ? Reflect.construct(fn, args, new.target) : fn.apply(this, args);
  }
  Object.setPrototypeOf(deprecated, fn);
  if (fn.prototype) deprecated.prototype = fn.prototype;
  return deprecated;
}

function debuglog() {
  const log = () => {};
  log.enabled = false;
  return log;
}

// --- deep equality (shared with node:assert) ---

function isDeepEqual(a, b, strict, memo) {
  if (strict ? Object.is(a, b) : a == b || (a !== a && b !== b)) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) {
    return false;
  }
  if (strict && Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return false;
  if (toStr(a) !== toStr(b)) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (isDate(a)) {
    if (!isDate(b) || a.getTime() !== b.getTime()) return false;
  } else if (types.isRegExp(a)) {
    if (String(a) !== String(b) || a.lastIndex !== b.lastIndex) return false;
  } else if (types.isNativeError(a)) {
    if (a.message !== b.message || a.name !== b.name) return false;
  } else if (types.isBoxedPrimitive(a)) {
    if (!Object.is(a.valueOf(), b.valueOf())) return false;
  } else if (ArrayBuffer.isView(a)) {
    if (a.byteLength !== b.byteLength) return false;
    if (!isDataView(a) && typedArrayTag.call(a) !== typedArrayTag.call(b)) return false;
    const x = new Uint8Array(a.buffer, a.byteOffset, a.byteLength), y = new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
    if (isDataView(a) || !strict || !(typedArrayTag.call(a) || "").startsWith("Float")) {
      for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
    } else {
      for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return false;
    }
  } else if (isArrayBuffer(a)) {
    if (!isArrayBuffer(b) || a.byteLength !== b.byteLength) return false;
    const x = new Uint8Array(a), y = new Uint8Array(b);
    for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
  }
  if (memo.some(([x, y]) => x === a && y === b)) return true;
  memo = memo.concat([[a, b]]);
  if (isMap(a)) {
    if (!isMap(b) || a.size !== b.size) return false;
    outer: for (const [k, v] of a) {
      if (b.has(k)) {
        if (!isDeepEqual(v, b.get(k), strict, memo)) return false;
        continue;
      }
      if (typeof k !== "object" || k === null) return false;
      for (const [k2, v2] of b) {
        if (isDeepEqual(k, k2, strict, memo) && isDeepEqual(v, v2, strict, memo)) continue outer;
      }
      return false;
    }
  } else if (isSet(a)) {
    if (!isSet(b) || a.size !== b.size) return false;
    outer2: for (const v of a) {
      if (b.has(v)) continue;
      if (typeof v !== "object" || v === null) return false;
      for (const v2 of b) if (isDeepEqual(v, v2, strict, memo)) continue outer2;
      return false;
    }
  }
  const ownKeys = (o) => {
    let ks = Object.keys(o);
    if (ArrayBuffer.isView(o)) ks = ks.filter((k) => String(k >>> 0) !== k);
    if (strict) ks = ks.concat(Object.getOwnPropertySymbols(o).filter((s) => Object.prototype.propertyIsEnumerable.call(o, s)));
    return ks;
  };
  const ka = ownKeys(a), kb = ownKeys(b);
  if (ka.length !== kb.length) return false;
  if (Array.isArray(a) && a.length !== b.length) return false;
  for (const k of ka) {
    if (!Object.prototype.propertyIsEnumerable.call(b, k)) return false;
    if (!isDeepEqual(a[k], b[k], strict, memo)) return false;
  }
  return true;
}

function isDeepStrictEqual(a, b) {
  return isDeepEqual(a, b, true, []);
}

function stripVTControlCharacters(s) {
  return String(s).replace(/[\u001B\u009B][[\]()#;?]*(?:(?:(?:(?:;[-a-zA-Z\d/#&.:=?%@~_]+)*|[a-zA-Z\d]+(?:;[-a-zA-Z\d/#&.:=?%@~_]*)*)?\u0007)|(?:(?:\d{1,4}(?:;\d{0,4})*)?[\dA-PR-TZcf-ntqry=><~]))/g, "");
}

function toUSVString(s) {
  return String(s).toWellFormed ? String(s).toWellFormed()
    : String(s).replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, "\uFFFD");
}

const isArray = Array.isArray;
const TextEncoderCtor = globalThis.TextEncoder;
const TextDecoderCtor = globalThis.TextDecoder;

const util = {
  format, formatWithOptions, inspect, promisify, callbackify, inherits, deprecate, debuglog, debug: debuglog,
  isDeepStrictEqual, types, isArray, stripVTControlCharacters, toUSVString,
  TextEncoder: TextEncoderCtor, TextDecoder: TextDecoderCtor,
};

export {
  format, formatWithOptions, inspect, promisify, callbackify, inherits, deprecate, debuglog, debuglog as debug,
  isDeepStrictEqual, types, isArray, stripVTControlCharacters, toUSVString,
  TextEncoderCtor as TextEncoder, TextDecoderCtor as TextDecoder, isDeepEqual as _isDeepEqual,
};
export default util;
