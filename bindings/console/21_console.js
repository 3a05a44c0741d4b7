// console: Node-style formatting (printf substitutions and a util.inspect-like value
// formatter) written to the host log through op_console.

const webidl = priv.webidl;
const opConsole = core.ops.op_console;
const LEVEL_DEBUG = 0, LEVEL_LOG = 1, LEVEL_WARN = 2, LEVEL_ERROR = 3;

const ObjectPrototype = Object.prototype;
const ObjectGetPrototypeOf = Object.getPrototypeOf;
const ObjectGetOwnPropertyDescriptor = Object.getOwnPropertyDescriptor;
const ObjectPrototypeToString = Object.prototype.toString;
const FunctionPrototypeToString = Function.prototype.toString;
const ErrorPrototypeToString = Error.prototype.toString;
const DatePrototypeToISOString = Date.prototype.toISOString;
const DatePrototypeGetTime = Date.prototype.getTime;
const RegExpPrototypeToString = RegExp.prototype.toString;
const MapPrototypeEntries = Map.prototype.entries;
const SetPrototypeValues = Set.prototype.values;
const MapSize = ObjectGetOwnPropertyDescriptor(Map.prototype, "size").get;
const SetSize = ObjectGetOwnPropertyDescriptor(Set.prototype, "size").get;
const TypedArrayPrototype = ObjectGetPrototypeOf(Uint8Array.prototype);
const TypedArrayToStringTag = ObjectGetOwnPropertyDescriptor(TypedArrayPrototype, Symbol.toStringTag).get;
const TypedArrayLength = ObjectGetOwnPropertyDescriptor(TypedArrayPrototype, "length").get;
const ArrayBufferByteLength = ObjectGetOwnPropertyDescriptor(ArrayBuffer.prototype, "byteLength").get;
const DataViewByteLength = ObjectGetOwnPropertyDescriptor(DataView.prototype, "byteLength").get;
const customInspect = Symbol.for("nodejs.util.inspect.custom");

// Type tests that do not trust Symbol.toStringTag or prototypes set by user code.
function isMap(v) { try { MapSize.call(v); return true; } catch { return false; } }
function isSet(v) { try { SetSize.call(v); return true; } catch { return false; } }
function isDate(v) { try { DatePrototypeGetTime.call(v); return true; } catch { return false; } }
function isTypedArray(v) { return TypedArrayToStringTag.call(v) !== undefined; }
function isArrayBuffer(v) { try { ArrayBufferByteLength.call(v); return true; } catch { return false; } }
function isDataView(v) { try { DataViewByteLength.call(v); return true; } catch { return false; } }
function isRegExp(v) { return ObjectPrototypeToString.call(v) === "[object RegExp]" && v instanceof RegExp; }
function isError(v) { return v instanceof Error || ObjectPrototypeToString.call(v) === "[object Error]"; }
function isBoxed(v) {
  const t = ObjectPrototypeToString.call(v);
  return (t === "[object Number]" || t === "[object String]" || t === "[object Boolean]" ||
    t === "[object BigInt]" || t === "[object Symbol]") && typeof v === "object";
}

const BREAK_LENGTH = 80;
const COMPACT = 3;
const MAX_ARRAY_LENGTH = 100;
const MAX_STRING_LENGTH = 10000;

const identRe = /^[a-zA-Z_][a-zA-Z_0-9]*$/;
const escapeRe = /[\x00-\x1f\x27\x5c\x7f]/;
const meta = [
  "\\x00", "\\x01", "\\x02", "\\x03", "\\x04", "\\x05", "\\x06", "\\x07", "\\b", "\\t", "\\n", "\\x0B",
  "\\f", "\\r", "\\x0E", "\\x0F", "\\x10", "\\x11", "\\x12", "\\x13", "\\x14", "\\x15", "\\x16", "\\x17",
  "\\x18", "\\x19", "\\x1A", "\\x1B", "\\x1C", "\\x1D", "\\x1E", "\\x1F",
];

// Quotes a string the way Node does: single quotes unless the string has them.
function quote(s) {
  let q = "'";
  if (s.includes("'")) {
    if (!s.includes('"')) q = '"';
    else if (!s.includes("`") && !s.includes("${")) q = "`";
  }
  if (!escapeRe.test(s) && (q !== "'" || !s.includes("'"))) return q + s + q;
  let out = "";
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20) out += meta[c];
    else if (c === 0x7f) out += "\\x7F";
    else if (c === 0x5c) out += "\\\\";
    else if (s[i] === q) out += "\\" + q;
    else out += s[i];
  }
  return q + out + q;
}

function formatNumber(n) {
  return Object.is(n, -0) ? "-0" : `${n}`;
}

function formatPrimitive(v, ctx) {
  switch (typeof v) {
    case "string": {
      let s = v;
      let trailer = "";
      if (s.length > MAX_STRING_LENGTH) {
        trailer = `... ${s.length - MAX_STRING_LENGTH} more character${s.length - MAX_STRING_LENGTH > 1 ? "s" : ""}`;
        s = s.slice(0, MAX_STRING_LENGTH);
      }
      // Long multi-line strings inside objects are split at newlines, as Node does.
      if (ctx.indentationLvl + s.length > 16 && s.length > BREAK_LENGTH - ctx.indentationLvl - 4 && s.includes("\n")) {
        const parts = s.split(/(?<=\n)/);
        return parts.map(quote).join(` +\n${" ".repeat(ctx.indentationLvl + 2)}`) + trailer;
      }
      return quote(s) + trailer;
    }
    case "number": return formatNumber(v);
    case "bigint": return `${v}n`;
    case "boolean": return `${v}`;
    case "undefined": return "undefined";
    case "symbol": return v.toString();
    default: return String(v);
  }
}

function getConstructorName(obj) {
  let o = obj;
  for (let guard = 0; o !== null && guard < 1000; guard++) {
    let desc;
    try { desc = ObjectGetOwnPropertyDescriptor(o, "constructor"); } catch { return null; }
    if (desc !== undefined && typeof desc.value === "function" && desc.value.name !== "") {
      return desc.value.name;
    }
    o = ObjectGetPrototypeOf(o);
  }
  return null;
}

function prefixFor(constructor, tag, fallback, size) {
  const sz = size === undefined ? "" : `(${size})`;
  if (constructor === null) {
    if (tag !== "" && fallback !== tag) return `[${fallback}${sz}: null prototype] [${tag}] `;
    return `[${fallback}${sz}: null prototype] `;
  }
  if (tag !== "" && constructor !== tag) return `${constructor}${sz} [${tag}] `;
  return `${constructor}${sz} `;
}

function formatFunctionBase(fn, constructor, tag) {
  let src = "";
  try { src = FunctionPrototypeToString.call(fn); } catch { /* proxies */ }
  if (src.startsWith("class") && /^class\s*[\s{A-Za-z_$]/.test(src)) {
    let base = `[class ${fn.name || "(anonymous)"}`;
    if (constructor !== "Function" && constructor !== null) base += ` [${constructor}]`;
    const sup = ObjectGetPrototypeOf(fn);
    if (sup !== null && sup !== Function.prototype && sup.name) base += ` extends ${sup.name}`;
    return base + "]";
  }
  let type = "Function";
  const t = ObjectPrototypeToString.call(fn);
  if (t === "[object AsyncFunction]") type = "AsyncFunction";
  else if (t === "[object GeneratorFunction]") type = "GeneratorFunction";
  else if (t === "[object AsyncGeneratorFunction]") type = "AsyncGeneratorFunction";
  let base = `[${type}`;
  if (constructor === null) base += " (null prototype)";
  base += fn.name === "" ? " (anonymous)" : `: ${fn.name}`;
  base += "]";
  if (constructor !== type && constructor !== null) base += ` ${constructor}`;
  if (tag !== "" && constructor !== tag) base += ` [${tag}]`;
  return base;
}

function formatError(err, constructor, ctx) {
  let stack;
  try { stack = err.stack; } catch { stack = undefined; }
  if (typeof stack !== "string" || stack === "") {
    try { stack = ErrorPrototypeToString.call(err); } catch { stack = "Error"; }
    stack = `[${stack}]`;
  }
  // Indent continuation lines to the current level.
  if (ctx.indentationLvl !== 0) {
    const pad = " ".repeat(ctx.indentationLvl);
    stack = stack.split("\n").join(`\n${pad}`);
  }
  return stack;
}

function formatKey(key) {
  if (typeof key === "symbol") return `[${key.toString()}]`;
  if (identRe.test(key)) return key;
  return quote(key);
}

function formatProperty(ctx, obj, key, recurseTimes, isArrayLike) {
  let desc;
  try { desc = ObjectGetOwnPropertyDescriptor(obj, key); } catch { desc = undefined; }
  if (desc === undefined) desc = { value: obj[key], enumerable: true };
  let str;
  if (desc.value !== undefined || !("get" in desc || "set" in desc)) {
    ctx.indentationLvl += 2;
    str = formatValue(ctx, desc.value, recurseTimes);
    ctx.indentationLvl -= 2;
  } else if (desc.get !== undefined) {
    str = desc.set !== undefined ? "[Getter/Setter]" : "[Getter]";
  } else {
    str = desc.set !== undefined ? "[Setter]" : "undefined";
  }
  if (isArrayLike) return str;
  return `${formatKey(key)}: ${str}`;
}

// Listing the keys of a huge array or typed array would walk every index; past this
// length their extra (non-index) properties are not shown.
const ArrayIsArray = Array.isArray;
const HUGE_INDEXED = 100000;

function ownEnumerableKeys(obj, skipIndices) {
  if (skipIndices) {
    let len = 0;
    try { len = ArrayIsArray(obj) || ArrayBuffer.isView(obj) ? obj.length : 0; } catch { len = 0; }
    if (len > HUGE_INDEXED) return [];
  }
  let keys;
  try { keys = Reflect.ownKeys(obj); } catch { return []; }
  const out = [];
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i];
    if (skipIndices && typeof k === "string" && k !== "" && String(k >>> 0) === k && (k >>> 0) !== 4294967295) continue;
    let desc;
    try { desc = ObjectGetOwnPropertyDescriptor(obj, k); } catch { continue; }
    if (desc !== undefined && desc.enumerable) out.push(k);
  }
  return out;
}

function formatArrayEntries(ctx, arr, recurseTimes, len) {
  const out = [];
  const shown = Math.min(len, MAX_ARRAY_LENGTH);
  let holes = 0;
  let i = 0;
  for (; i < len && out.length < shown; i++) {
    if (!Object.prototype.hasOwnProperty.call(arr, i)) { holes++; continue; }
    if (holes > 0) { out.push(`<${holes} empty item${holes > 1 ? "s" : ""}>`); holes = 0; if (out.length >= shown) break; }
    out.push(formatProperty(ctx, arr, String(i), recurseTimes, true));
  }
  if (holes > 0 && out.length < shown) { out.push(`<${holes} empty item${holes > 1 ? "s" : ""}>`); }
  const remaining = len - i;
  if (remaining > 0 && out.length >= shown) out.push(`... ${remaining} more item${remaining > 1 ? "s" : ""}`);
  return out;
}

function formatTypedEntries(ctx, ta, len) {
  const out = [];
  const shown = Math.min(len, MAX_ARRAY_LENGTH);
  for (let i = 0; i < shown; i++) out.push(typeof ta[i] === "bigint" ? `${ta[i]}n` : formatNumber(ta[i]));
  if (len > shown) out.push(`... ${len - shown} more item${len - shown > 1 ? "s" : ""}`);
  return out;
}

function formatBytesHex(buf) {
  const bytes = new Uint8Array(buf, 0, Math.min(50, ArrayBufferByteLength.call(buf)));
  let s = "";
  for (let i = 0; i < bytes.length; i++) s += (i ? " " : "") + (bytes[i] < 16 ? "0" : "") + bytes[i].toString(16);
  const rest = ArrayBufferByteLength.call(buf) - bytes.length;
  if (rest > 0) s += ` ... ${rest} more byte${rest > 1 ? "s" : ""}`;
  return `<${s}>`;
}

// Arranges many short array entries in aligned columns (Node's array grouping).
function groupArrayElements(ctx, output, value) {
  let totalLength = 0;
  let maxLength = 0;
  let outputLength = output.length;
  if (outputLength > 0 && output[outputLength - 1].startsWith("... ") && output[outputLength - 1].endsWith("items")) outputLength--;
  const separatorSpace = 2;
  const dataLen = new Array(outputLength);
  for (let i = 0; i < outputLength; i++) {
    const len = output[i].length;
    dataLen[i] = len;
    totalLength += len + separatorSpace;
    if (maxLength < len) maxLength = len;
  }
  const actualMax = maxLength + separatorSpace;
  if (actualMax * 3 + ctx.indentationLvl < BREAK_LENGTH &&
      (totalLength / actualMax > 5 || maxLength <= 6)) {
    const averageBias = Math.sqrt(actualMax - totalLength / output.length);
    const biasedMax = Math.max(actualMax - 3 - averageBias, 1);
    const columns = Math.min(
      Math.round(Math.sqrt(2.5 * biasedMax * outputLength) / biasedMax),
      Math.floor((BREAK_LENGTH - ctx.indentationLvl) / actualMax),
      COMPACT * 4,
      15,
    );
    if (columns <= 1) return output;
    const maxLineLength = [];
    for (let i = 0; i < columns; i++) {
      let lineLength = 0;
      for (let j = i; j < outputLength; j += columns) if (dataLen[j] > lineLength) lineLength = dataLen[j];
      maxLineLength.push(lineLength + separatorSpace);
    }
    let padStart = true;
    if (value !== undefined) {
      for (let i = 0; i < outputLength; i++) {
        if (typeof value[i] !== "number" && typeof value[i] !== "bigint") { padStart = false; break; }
      }
    }
    const grouped = [];
    for (let i = 0; i < outputLength; i += columns) {
      const max = Math.min(i + columns, outputLength);
      let line = "";
      let j = i;
      for (; j < max - 1; j++) {
        const cell = `${output[j]}, `;
        line += padStart ? cell.padStart(maxLineLength[j - i]) : cell.padEnd(maxLineLength[j - i]);
      }
      line += padStart ? output[j].padStart(maxLineLength[j - i] - separatorSpace) : output[j];
      grouped.push(line);
    }
    if (outputLength < output.length) grouped.push(output[outputLength]);
    return grouped;
  }
  return output;
}

function reduceToSingleString(ctx, output, base, braces, isArrayType, recurseTimes, value) {
  const entries = output.length;
  if (isArrayType && entries > 6) output = groupArrayElements(ctx, output, value);
  if (ctx.currentDepth - recurseTimes < COMPACT && entries === output.length) {
    const start = output.length + ctx.indentationLvl + braces[0].length + base.length + 10;
    let total = output.length + start;
    let fits = total + output.length <= BREAK_LENGTH;
    for (let i = 0; fits && i < output.length; i++) {
      total += output[i].length;
      if (total > BREAK_LENGTH) fits = false;
    }
    if (fits && (base === "" || !base.includes("\n"))) {
      const joined = output.join(", ");
      if (!joined.includes("\n")) return `${base ? `${base} ` : ""}${braces[0]} ${joined} ${braces[1]}`;
    }
  }
  const indentation = `\n${" ".repeat(ctx.indentationLvl)}`;
  return `${base ? `${base} ` : ""}${braces[0]}${indentation}  ${output.join(`,${indentation}  `)}${indentation}${braces[1]}`;
}

function formatValue(ctx, value, recurseTimes, typedArrayTop) {
  if (typeof value !== "object" && typeof value !== "function") return formatPrimitive(value, ctx);
  if (value === null) return "null";

  // A user-provided inspector (Node's util.inspect.custom protocol).
  let custom;
  try { custom = value[customInspect]; } catch { custom = undefined; }
  if (typeof custom === "function" && custom !== inspect) {
    const depth = ctx.depth === Infinity ? Infinity : ctx.depth - recurseTimes;
    const ret = custom.call(value, depth, { depth, ...ctx.userOptions }, inspect);
    if (ret !== value) return typeof ret === "string" ? ret : formatValue(ctx, ret, recurseTimes);
  }

  if (ctx.seen.includes(value)) {
    let index = ctx.circular.get(value);
    if (index === undefined) {
      index = ctx.circular.size + 1;
      ctx.circular.set(value, index);
    }
    return `[Circular *${index}]`;
  }
  return formatRaw(ctx, value, recurseTimes, typedArrayTop);
}

function formatRaw(ctx, value, recurseTimes) {
  let constructor = getConstructorName(value);
  let tag = "";
  try { tag = value[Symbol.toStringTag]; } catch { tag = ""; }
  if (typeof tag !== "string") tag = "";
  let base = "";
  let braces;
  let keys = [];
  let isArrayType = false;
  let formatter = null; // (ctx, value, recurseTimes) → entries
  let noEntries = false;

  if (Array.isArray(value)) {
    const len = value.length;
    const prefix = constructor !== "Array" || tag !== "" ? prefixFor(constructor, tag, "Array", len) : "";
    keys = ownEnumerableKeys(value, true);
    braces = [`${prefix}[`, "]"];
    if (len === 0 && keys.length === 0) return `${braces[0]}]`;
    isArrayType = true;
    formatter = () => formatArrayEntries(ctx, value, recurseTimes, len);
  } else if (isTypedArray(value)) {
    const len = TypedArrayLength.call(value);
    const fallback = TypedArrayToStringTag.call(value);
    keys = ownEnumerableKeys(value, true);
    braces = [`${prefixFor(constructor, tag === fallback ? "" : tag, fallback, len)}[`, "]"];
    if (len === 0 && keys.length === 0) return `${braces[0]}]`;
    isArrayType = true;
    formatter = () => formatTypedEntries(ctx, value, len);
  } else if (isMap(value)) {
    const size = MapSize.call(value);
    keys = ownEnumerableKeys(value, false);
    const prefix = prefixFor(constructor, tag === "Map" ? "" : tag, "Map", size);
    braces = [`${prefix}{`, "}"];
    if (size === 0 && keys.length === 0) return `${braces[0]}}`;
    formatter = () => {
      const out = [];
      ctx.indentationLvl += 2;
      let n = 0;
      for (const [k, v] of MapPrototypeEntries.call(value)) {
        if (n++ >= MAX_ARRAY_LENGTH) break;
        out.push(`${formatValue(ctx, k, recurseTimes)} => ${formatValue(ctx, v, recurseTimes)}`);
      }
      ctx.indentationLvl -= 2;
      if (size > MAX_ARRAY_LENGTH) out.push(`... ${size - MAX_ARRAY_LENGTH} more item${size - MAX_ARRAY_LENGTH > 1 ? "s" : ""}`);
      return out;
    };
  } else if (isSet(value)) {
    const size = SetSize.call(value);
    keys = ownEnumerableKeys(value, false);
    const prefix = prefixFor(constructor, tag === "Set" ? "" : tag, "Set", size);
    braces = [`${prefix}{`, "}"];
    if (size === 0 && keys.length === 0) return `${braces[0]}}`;
    formatter = () => {
      const out = [];
      ctx.indentationLvl += 2;
      let n = 0;
      for (const v of SetPrototypeValues.call(value)) {
        if (n++ >= MAX_ARRAY_LENGTH) break;
        out.push(formatValue(ctx, v, recurseTimes));
      }
      ctx.indentationLvl -= 2;
      if (size > MAX_ARRAY_LENGTH) out.push(`... ${size - MAX_ARRAY_LENGTH} more item${size - MAX_ARRAY_LENGTH > 1 ? "s" : ""}`);
      return out;
    };
  } else {
    keys = ownEnumerableKeys(value, false);
    braces = ["{", "}"];
    if (typeof value === "function") {
      base = formatFunctionBase(value, constructor, tag);
      if (keys.length === 0) return base;
    } else if (isError(value)) {
      base = formatError(value, constructor, ctx);
      keys = keys.filter((k) => k !== "stack" && k !== "message");
      let cause;
      try {
        if (Object.prototype.hasOwnProperty.call(value, "cause") && !keys.includes("cause")) { keys.push("cause"); cause = true; }
      } catch { cause = false; }
      void cause;
      if (keys.length === 0) return base;
    } else if (isRegExp(value)) {
      base = RegExpPrototypeToString.call(value);
      const prefix = prefixFor(constructor, tag, "RegExp");
      if (prefix !== "RegExp ") base = `${prefix}${base}`;
      if (keys.length === 0) return base;
    } else if (isDate(value)) {
      const t = DatePrototypeGetTime.call(value);
      base = Number.isNaN(t) ? "Invalid Date" : DatePrototypeToISOString.call(value);
      const prefix = prefixFor(constructor, tag, "Date");
      if (prefix !== "Date ") base = `${prefix}${base}`;
      if (keys.length === 0) return base;
    } else if (isArrayBuffer(value)) {
      braces[0] = `${prefixFor(constructor, tag === "ArrayBuffer" ? "" : tag, "ArrayBuffer")}{`;
      const bl = ArrayBufferByteLength.call(value);
      formatter = () => [`[Uint8Contents]: ${formatBytesHex(value)}`, `byteLength: ${bl}`];
    } else if (isDataView(value)) {
      braces[0] = `${prefixFor(constructor, tag === "DataView" ? "" : tag, "DataView")}{`;
      formatter = () => {
        ctx.indentationLvl += 2;
        const buf = formatValue(ctx, value.buffer, recurseTimes);
        ctx.indentationLvl -= 2;
        return [`byteLength: ${value.byteLength}`, `byteOffset: ${value.byteOffset}`, `buffer: ${buf}`];
      };
    } else if (isBoxed(value)) {
      const t = ObjectPrototypeToString.call(value).slice(8, -1);
      const prim = t === "Symbol" || t === "BigInt" ? Object(value).valueOf() : value.valueOf();
      base = `[${t}: ${formatPrimitive(prim, { indentationLvl: 0 })}]`;
      if (t === "String") keys = keys.filter((k) => !(String(k >>> 0) === k));
      if (keys.length === 0) return base;
    } else if (value instanceof Promise) {
      braces[0] = `${prefixFor(constructor, tag === "Promise" ? "" : tag, "Promise")}{`;
      noEntries = keys.length === 0;
    } else if (tag === "WeakMap" || tag === "WeakSet" || value instanceof WeakMap || value instanceof WeakSet) {
      braces[0] = `${prefixFor(constructor, tag, tag || constructor)}{`;
      formatter = () => ["<items unknown>"];
    } else {
      if (constructor === "Object") {
        if (tag !== "") braces[0] = `${prefixFor(constructor, tag, "Object")}{`;
      } else {
        braces[0] = `${prefixFor(constructor, tag, "Object")}{`;
      }
      if (keys.length === 0) return `${braces[0]}}`;
    }
  }
  void noEntries;

  if (recurseTimes > ctx.depth && ctx.depth !== Infinity) {
    const name = (constructor || tag || "Object");
    return Array.isArray(value) ? "[Array]" : `[${name}]`;
  }
  recurseTimes += 1;
  ctx.seen.push(value);
  ctx.currentDepth = recurseTimes;
  let output;
  try {
    output = formatter !== null ? formatter(ctx, value, recurseTimes) : [];
    for (let i = 0; i < keys.length; i++) {
      output.push(formatProperty(ctx, value, keys[i], recurseTimes, false));
    }
  } finally {
    ctx.seen.pop();
  }
  if (output.length === 0 && base === "") return `${braces[0]}}`.replace(/\{\}$/, braces[1] === "]" ? "[]" : "{}");
  let res = reduceToSingleString(ctx, output, base, braces, isArrayType, recurseTimes, value);
  const ref = ctx.circular.get(value);
  if (ref !== undefined) res = `<ref *${ref}> ${res}`;
  return res;
}

function inspect(value, options = undefined) {
  const ctx = {
    depth: 2,
    seen: [],
    circular: new Map(),
    indentationLvl: 0,
    currentDepth: 0,
    userOptions: {},
  };
  if (options !== undefined && options !== null && typeof options === "object") {
    if (options.depth === null) ctx.depth = Infinity;
    else if (typeof options.depth === "number") ctx.depth = options.depth;
    ctx.userOptions = options;
  }
  return formatValue(ctx, value, 0);
}
inspect.custom = customInspect;
priv.inspect = inspect;

// ---------------------------------------------------------------------------------
// printf-style formatting (Node's util.format)

function formatArg(v) {
  return typeof v === "string" ? v : inspect(v);
}

function format(args) {
  const first = args[0];
  if (args.length === 1 && typeof first === "string") return first;
  if (typeof first !== "string") {
    let s = formatArg(first);
    for (let i = 1; i < args.length; i++) s += " " + formatArg(args[i]);
    return s;
  }
  let out = "";
  let a = 1;
  let last = 0;
  for (let i = 0; i < first.length - 1; i++) {
    if (first.charCodeAt(i) !== 37) continue; // '%'
    const c = first[i + 1];
    if (c === "%") {
      out += first.slice(last, i) + "%";
      last = i + 2; i++;
      continue;
    }
    if (a >= args.length) continue;
    let rep;
    const arg = args[a];
    switch (c) {
      case "s":
        if (typeof arg === "string") rep = arg;
        else if (typeof arg === "bigint") rep = `${arg}n`;
        else if (typeof arg === "number") rep = formatNumber(arg);
        else if (typeof arg === "symbol") rep = arg.toString();
        else if (arg !== null && typeof arg === "object") rep = inspect(arg, { depth: 0 });
        else rep = String(arg);
        break;
      case "d":
        if (typeof arg === "bigint") rep = `${arg}n`;
        else if (typeof arg === "symbol" || (arg !== null && typeof arg === "object")) rep = "NaN";
        else rep = formatNumber(Number(arg));
        break;
      case "i":
        if (typeof arg === "bigint") rep = `${arg}n`;
        else if (typeof arg === "symbol") rep = "NaN";
        else rep = formatNumber(parseInt(arg));
        break;
      case "f":
        rep = typeof arg === "symbol" ? "NaN" : formatNumber(parseFloat(arg));
        break;
      case "j":
        try { rep = JSON.stringify(arg); } catch (e) {
          rep = e instanceof TypeError && /circular/i.test(e.message) ? "[Circular]" : (() => { throw e; })();
        }
        if (rep === undefined) rep = "undefined";
        break;
      case "o":
        rep = inspect(arg, { depth: 4 });
        break;
      case "O":
        rep = inspect(arg);
        break;
      case "c":
        rep = "";
        break;
      default:
        continue;
    }
    out += first.slice(last, i) + rep;
    last = i + 2;
    i++;
    a++;
  }
  out += first.slice(last);
  for (; a < args.length; a++) out += " " + formatArg(args[a]);
  return out;
}
priv.format = format;

// ---------------------------------------------------------------------------------
// console

let groupIndent = "";
const counts = new Map();
const timers = new Map();

function write(level, text) {
  if (groupIndent !== "") text = groupIndent + text.split("\n").join("\n" + groupIndent);
  core.opSync(opConsole, level, text);
}

function logger(level) {
  return function (...args) {
    write(level, args.length === 1 && typeof args[0] === "string" ? args[0] : format(args));
  };
}

function labelOf(label) {
  return label === undefined ? "default" : `${label}`;
}

function formatDuration(ms) {
  if (ms >= 1000) {
    if (ms >= 60000) {
      if (ms >= 3600000) return `${(ms / 3600000).toFixed(3)}h`;
      return `${(ms / 60000).toFixed(3)}min`;
    }
    return `${(ms / 1000).toFixed(3)}s`;
  }
  return `${Number(ms.toFixed(3))}ms`;
}

function renderTable(head, rows) {
  // Cells are left-aligned with one space of padding, as current Node releases print.
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] === undefined ? 0 : r[i].length))) + 2);
  const line = (l, m, r) => l + widths.map((w) => "─".repeat(w)).join(m) + r;
  const pad = (s, w) => " " + s + " ".repeat(w - s.length - 1);
  const row = (cells) => "│" + widths.map((w, i) => pad(cells[i] === undefined ? "" : cells[i], w)).join("│") + "│";
  return [line("┌", "┬", "┐"), row(head), line("├", "┼", "┤"), ...rows.map(row), line("└", "┴", "┘")].join("\n");
}

function table(data = undefined, properties = undefined) {
  if (data === null || typeof data !== "object") return logger(LEVEL_LOG)(data);
  const cell = (v) => inspect(v, { depth: 1 }).replace(/\n\s*/g, " ");
  const indexKeys = [];
  const valuesCol = [];
  const columns = [];
  const colIndex = new Map();
  const rowsData = [];
  let hasValues = false;
  const entries = isMap(data) ? [...MapPrototypeEntries.call(data)].map(([k, v], i) => [String(i), v, k])
    : isSet(data) ? [...SetPrototypeValues.call(data)].map((v, i) => [String(i), v])
    : Object.keys(data).map((k) => [k, data[k]]);
  const mapMode = isMap(data);
  for (const [k, v] of entries) {
    indexKeys.push(k);
    const row = {};
    if (v !== null && typeof v === "object" && !isBoxed(v)) {
      const ks = properties !== undefined ? properties : Object.keys(v);
      for (const key of ks) {
        if (!colIndex.has(key)) { colIndex.set(key, columns.length); columns.push(key); }
        if (Object.prototype.hasOwnProperty.call(v, key)) row[key] = cell(v[key]);
      }
      valuesCol.push(undefined);
    } else {
      hasValues = true;
      valuesCol.push(cell(v));
    }
    rowsData.push(row);
  }
  const head = ["(index)"];
  if (mapMode) head.push("Key");
  head.push(...columns.map(String));
  if (hasValues) head.push("Values");
  const rows = rowsData.map((r, i) => {
    const out = [mapMode ? String(i) : indexKeys[i]];
    if (mapMode) out.push(cell(entries[i][2]));
    for (const c of columns) out.push(r[c]);
    if (hasValues) out.push(valuesCol[i]);
    return out;
  });
  write(LEVEL_LOG, renderTable(head, rows));
}

const console = {
  log: logger(LEVEL_LOG),
  info: logger(LEVEL_LOG),
  debug: logger(LEVEL_DEBUG),
  warn: logger(LEVEL_WARN),
  error: logger(LEVEL_ERROR),
  dirxml: logger(LEVEL_LOG),
  trace(...args) {
    const err = { name: "Trace", message: args.length ? format(args) : "" };
    Error.captureStackTrace(err, console.trace);
    write(LEVEL_LOG, err.stack);
  },
  assert(condition = false, ...data) {
    if (condition) return;
    if (data.length === 0) write(LEVEL_WARN, "Assertion failed");
    else if (typeof data[0] === "string") write(LEVEL_WARN, format(["Assertion failed: " + data[0], ...data.slice(1)]));
    else write(LEVEL_WARN, format(["Assertion failed:", ...data]));
  },
  dir(item = undefined, options = undefined) {
    write(LEVEL_LOG, inspect(item, options));
  },
  table,
  count(label = undefined) {
    const l = labelOf(label);
    const n = (counts.get(l) || 0) + 1;
    counts.set(l, n);
    write(LEVEL_LOG, `${l}: ${n}`);
  },
  countReset(label = undefined) {
    const l = labelOf(label);
    if (!counts.has(l)) { write(LEVEL_WARN, `Count for '${l}' does not exist`); return; }
    counts.set(l, 0);
  },
  time(label = undefined) {
    const l = labelOf(label);
    if (timers.has(l)) { write(LEVEL_WARN, `Warning: Label '${l}' already exists for console.time()`); return; }
    timers.set(l, core.now());
  },
  timeLog(label = undefined, ...data) {
    const l = labelOf(label);
    if (!timers.has(l)) { write(LEVEL_WARN, `Warning: No such label '${l}' for console.timeLog()`); return; }
    const text = `${l}: ${formatDuration(core.now() - timers.get(l))}`;
    write(LEVEL_LOG, data.length ? `${text} ${format(data)}` : text);
  },
  timeEnd(label = undefined) {
    const l = labelOf(label);
    if (!timers.has(l)) { write(LEVEL_WARN, `Warning: No such label '${l}' for console.timeEnd()`); return; }
    write(LEVEL_LOG, `${l}: ${formatDuration(core.now() - timers.get(l))}`);
    timers.delete(l);
  },
  group(...data) {
    if (data.length) logger(LEVEL_LOG)(...data);
    groupIndent += "  ";
  },
  groupCollapsed(...data) {
    if (data.length) logger(LEVEL_LOG)(...data);
    groupIndent += "  ";
  },
  groupEnd() {
    groupIndent = groupIndent.slice(0, -2);
  },
  clear() {},
  profile() {},
  profileEnd() {},
  timeStamp() {},
};
Object.defineProperty(console, Symbol.toStringTag, { value: "console", configurable: true });
// The Console standard: the namespace object's [[Prototype]] is an empty object whose
// [[Prototype]] is Object.prototype (for historical web compatibility).
Object.setPrototypeOf(console, Object.create(Object.prototype));
core.defineGlobal("console", console);
priv.console = console;
