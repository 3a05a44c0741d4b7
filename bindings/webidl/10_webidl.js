// WebIDL helpers shared by the web API files: argument conversion, dictionaries,
// brand checks and interface set-up. Exposed to later files as priv.webidl.

const webidl = {};
priv.webidl = webidl;

const StringFn = String;
const NumberFn = Number;
const MathTrunc = Math.trunc;
const MathFloor = Math.floor;
const ObjectDefineProperty = Object.defineProperty;
const ObjectGetOwnPropertyNames = Object.getOwnPropertyNames;
const ObjectGetOwnPropertyDescriptor = Object.getOwnPropertyDescriptor;
const SymbolIterator = Symbol.iterator;
const SymbolToStringTag = Symbol.toStringTag;

// A token that internal code passes to constructors WebIDL marks as not constructible
// from script ("Illegal constructor").
const illegalConstructorKey = Symbol("edged.illegalConstructor");
webidl.illegalConstructorKey = illegalConstructorKey;
webidl.illegalConstructor = function illegalConstructor() {
  return new TypeError("Illegal constructor");
};

// Prefixes in the style browsers and Workers use, so errors name the API at fault.
webidl.ctorPrefix = (iface) => `Failed to construct '${iface}'`;
webidl.methodPrefix = (iface, method) => `Failed to execute '${method}' on '${iface}'`;

webidl.illegalInvocation = function illegalInvocation() {
  return new TypeError("Illegal invocation");
};

webidl.requiredArguments = function requiredArguments(length, required, prefix) {
  if (length < required) {
    const noun = required === 1 ? "argument" : "arguments";
    throw new TypeError(`${prefix}: ${required} ${noun} required, but only ${length} present.`);
  }
};

function typeError(prefix, context, msg) {
  return new TypeError(`${prefix ? prefix + ": " : ""}${context ? context + " " : ""}${msg}`);
}
webidl.typeError = typeError;

// --- Primitive converters: (value, prefix, context) ---

function DOMString(v, prefix, context) {
  if (typeof v === "string") return v;
  if (typeof v === "symbol") throw typeError(prefix, context, "is a symbol, which cannot be converted to a string.");
  return StringFn(v);
}

function ByteString(v, prefix, context) {
  const s = DOMString(v, prefix, context);
  for (let i = 0; i < s.length; i++) {
    if (s.charCodeAt(i) > 255) {
      throw typeError(prefix, context, `contains a character with code point ${s.charCodeAt(i)} which is not a valid ByteString (greater than 255).`);
    }
  }
  return s;
}

// Replaces lone surrogates with U+FFFD.
function toWellFormed(s) {
  let out = null;
  let last = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0xd800 || c > 0xdfff) continue;
    if (c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) { i++; continue; }
    }
    if (out === null) out = "";
    out += s.slice(last, i) + "\ufffd";
    last = i + 1;
  }
  return out === null ? s : out + s.slice(last);
}
webidl.toWellFormed = toWellFormed;

function USVString(v, prefix, context) {
  return toWellFormed(DOMString(v, prefix, context));
}

function toNumber(v, prefix, context) {
  if (typeof v === "number") return v;
  if (typeof v === "bigint" || typeof v === "symbol") throw typeError(prefix, context, `cannot be converted to a number.`);
  return NumberFn(v);
}

function integerPart(n) {
  const r = MathTrunc(n);
  return r === 0 ? 0 : r;
}

// ConvertToInt for the common widths, without [EnforceRange]/[Clamp] unless asked.
function makeInt(bits, signed) {
  const upper = signed ? 2 ** (bits - 1) - 1 : 2 ** bits - 1;
  const lower = signed ? -(2 ** (bits - 1)) : 0;
  const twoToBits = 2 ** bits;
  return function convertInt(v, prefix, context, opts) {
    let x = toNumber(v, prefix, context);
    if (opts && opts.enforceRange) {
      if (!NumberFn.isFinite(x)) throw typeError(prefix, context, "is not a finite number.");
      x = integerPart(x);
      if (x < lower || x > upper) throw typeError(prefix, context, `is outside the accepted range of ${lower} to ${upper}, inclusive.`);
      return x;
    }
    if (opts && opts.clamp) {
      if (NumberFn.isNaN(x)) return 0;
      x = x < lower ? lower : x > upper ? upper : x;
      const f = MathFloor(x);
      // round half to even
      x = x - f > 0.5 ? f + 1 : x - f < 0.5 ? f : f % 2 === 0 ? f : f + 1;
      return x === 0 ? 0 : x;
    }
    if (!NumberFn.isFinite(x) || x === 0) return 0;
    x = integerPart(x);
    if (x >= lower && x <= upper) return x;
    x = x % twoToBits;
    if (x < 0) x += twoToBits;
    if (signed && x > upper) x -= twoToBits;
    return x;
  };
}

const converters = {
  any: (v) => v,
  boolean: (v) => !!v,
  DOMString,
  ByteString,
  USVString,
  byte: makeInt(8, true),
  octet: makeInt(8, false),
  short: makeInt(16, true),
  "unsigned short": makeInt(16, false),
  long: makeInt(32, true),
  "unsigned long": makeInt(32, false),
  "long long": makeInt(64, true),
  "unsigned long long": makeInt(64, false),
  double(v, prefix, context) {
    const x = toNumber(v, prefix, context);
    if (!NumberFn.isFinite(x)) throw typeError(prefix, context, "is not a finite floating-point value.");
    return x;
  },
  "unrestricted double": (v, prefix, context) => toNumber(v, prefix, context),
  object(v, prefix, context) {
    if (!isObject(v)) throw typeError(prefix, context, "is not an object.");
    return v;
  },
  BufferSource(v, prefix, context) {
    if (v instanceof ArrayBuffer || ArrayBuffer.isView(v)) return v;
    if (typeof SharedArrayBuffer === "function" && v instanceof SharedArrayBuffer) {
      throw typeError(prefix, context, "is a SharedArrayBuffer, which is not allowed.");
    }
    throw typeError(prefix, context, "is not of type '(ArrayBuffer or ArrayBufferView)'.");
  },
  Function(v, prefix, context) {
    if (typeof v !== "function") throw typeError(prefix, context, "is not a function.");
    return v;
  },
};
webidl.converters = converters;

function isObject(v) {
  return v !== null && (typeof v === "object" || typeof v === "function");
}
webidl.isObject = isObject;

// sequence<T> from any iterable object.
webidl.sequence = function sequence(inner) {
  return function convertSequence(v, prefix, context) {
    if (!isObject(v)) throw typeError(prefix, context, "can not be converted to a sequence.");
    const method = v[SymbolIterator];
    if (typeof method !== "function") throw typeError(prefix, context, "can not be converted to a sequence.");
    const out = [];
    let i = 0;
    for (const item of { [SymbolIterator]: () => method.call(v) }) {
      out.push(inner(item, prefix, `${context || "Value"}[${i++}]`));
    }
    return out;
  };
};

// record<K, V>: own enumerable string keys, in property order.
webidl.record = function record(keyConv, valueConv) {
  return function convertRecord(v, prefix, context) {
    if (!isObject(v)) throw typeError(prefix, context, "can not be converted to a record.");
    const out = [];
    const keys = Reflect.ownKeys(v);
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i];
      const desc = ObjectGetOwnPropertyDescriptor(v, key);
      if (desc === undefined || !desc.enumerable) continue;
      out.push([keyConv(key, prefix, context), valueConv(v[key], prefix, `${context || "Value"}["${key}"]`)]);
    }
    return out;
  };
};

// dictionary: members = [{ key, converter, required, defaultValue }]; keys read in
// lexicographic order as WebIDL requires. Returns a plain object with the present members.
webidl.dictionary = function dictionary(name, members) {
  const sorted = members.slice().sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return function convertDictionary(v, prefix, context) {
    if (v !== undefined && v !== null && !isObject(v)) {
      throw typeError(prefix, context || `The provided value`, `is not of type '${name}'.`);
    }
    const out = {};
    for (let i = 0; i < sorted.length; i++) {
      const m = sorted[i];
      const value = v == null ? undefined : v[m.key];
      if (value !== undefined) {
        out[m.key] = m.converter(value, prefix, `'${m.key}' member of ${name}`);
      } else if (m.required) {
        throw typeError(prefix, "", `Required member '${m.key}' is undefined in ${name}.`);
      } else if ("defaultValue" in m) {
        out[m.key] = m.defaultValue;
      }
    }
    return out;
  };
};

// enum converter.
webidl.enumeration = function enumeration(name, values) {
  const set = new Set(values);
  return function convertEnum(v, prefix, context) {
    const s = DOMString(v, prefix, context);
    if (!set.has(s)) throw typeError(prefix, "", `The provided value '${s}' is not a valid enum value of type ${name}.`);
    return s;
  };
};

webidl.nullable = function nullable(inner) {
  return (v, prefix, context) => (v === null || v === undefined ? null : inner(v, prefix, context));
};

// HeadersInit = sequence<sequence<ByteString>> or record<ByteString, ByteString>.
// Returns a list of [name, value] pairs (not yet validated as header names/values).
const recordByteString = webidl.record(ByteString, ByteString);
converters.HeadersInit = function HeadersInit(v, prefix, context) {
  if (!isObject(v)) throw typeError(prefix, context, "is not of type '(record<ByteString, ByteString> or sequence<sequence<ByteString>>)'.");
  const method = v[SymbolIterator];
  if (method !== undefined && method !== null) {
    if (typeof method !== "function") throw typeError(prefix, context, "can not be converted to a sequence.");
    const out = [];
    for (const pair of { [SymbolIterator]: () => method.call(v) }) {
      if (!isObject(pair) || typeof pair[SymbolIterator] !== "function") {
        throw typeError(prefix, context, "can not be converted to a sequence: an element is not iterable.");
      }
      const p = [];
      for (const x of pair) p.push(ByteString(x, prefix, context));
      if (p.length !== 2) throw new TypeError(`${prefix}: Invalid value`);
      out.push(p);
    }
    return out;
  }
  return recordByteString(v, prefix, context);
};

// Interface set-up: Symbol.toStringTag, enumerable operations/attributes.
webidl.configureInterface = function configureInterface(cls, tag) {
  const proto = cls.prototype;
  const names = ObjectGetOwnPropertyNames(proto);
  for (let i = 0; i < names.length; i++) {
    const name = names[i];
    if (name === "constructor") continue;
    const desc = ObjectGetOwnPropertyDescriptor(proto, name);
    if (desc.configurable && !desc.enumerable) {
      desc.enumerable = true;
      ObjectDefineProperty(proto, name, desc);
    }
  }
  const statics = ObjectGetOwnPropertyNames(cls);
  for (let i = 0; i < statics.length; i++) {
    const name = statics[i];
    if (name === "length" || name === "name" || name === "prototype") continue;
    const desc = ObjectGetOwnPropertyDescriptor(cls, name);
    if (desc.configurable && !desc.enumerable && typeof desc.value === "function") {
      desc.enumerable = true;
      ObjectDefineProperty(cls, name, desc);
    }
  }
  ObjectDefineProperty(proto, SymbolToStringTag, {
    value: tag || cls.name, writable: false, enumerable: false, configurable: true,
  });
};

// Defines constants on both the interface object and its prototype.
webidl.defineConstants = function defineConstants(cls, table) {
  for (const name in table) {
    const desc = { value: table[name], writable: false, enumerable: true, configurable: false };
    ObjectDefineProperty(cls, name, desc);
    ObjectDefineProperty(cls.prototype, name, desc);
  }
};

// A pair-iterator prototype ("Headers Iterator" and friends) per WebIDL: next() reads
// a fresh snapshot from `source(target)` each call, so mutations during iteration show.
const IteratorPrototype = Object.getPrototypeOf(Object.getPrototypeOf([][SymbolIterator]()));
webidl.createPairIterator = function createPairIterator(name, source, brandCheck) {
  const state = new WeakMap();
  const proto = Object.create(IteratorPrototype);
  ObjectDefineProperty(proto, "next", {
    value: function next() {
      const s = state.get(this);
      if (s === undefined) throw new TypeError(`next method called on incompatible ${name} Iterator`);
      const pairs = source(s.target);
      if (s.index >= pairs.length) return { value: undefined, done: true };
      const pair = pairs[s.index++];
      const value = s.kind === "key" ? pair[0] : s.kind === "value" ? pair[1] : [pair[0], pair[1]];
      return { value, done: false };
    },
    writable: true, enumerable: true, configurable: true,
  });
  ObjectDefineProperty(proto, SymbolToStringTag, { value: `${name} Iterator`, configurable: true });
  function make(target, kind) {
    const it = Object.create(proto);
    state.set(it, { target, kind, index: 0 });
    return it;
  }
  return {
    install(cls) {
      const p = cls.prototype;
      const methods = {
        entries() { brandCheck(this); return make(this, "key+value"); },
        keys() { brandCheck(this); return make(this, "key"); },
        values() { brandCheck(this); return make(this, "value"); },
        forEach(callback, thisArg = undefined) {
          brandCheck(this);
          webidl.requiredArguments(arguments.length, 1, webidl.methodPrefix(name, "forEach"));
          if (typeof callback !== "function") {
            throw new TypeError(`${webidl.methodPrefix(name, "forEach")}: The callback provided as parameter 1 is not a function.`);
          }
          let pairs = source(this);
          for (let i = 0; i < pairs.length; i++) {
            const pair = pairs[i];
            callback.call(thisArg, pair[1], pair[0], this);
            pairs = source(this); // the callback may have changed the list
          }
        },
      };
      for (const k of ["entries", "keys", "values", "forEach"]) {
        ObjectDefineProperty(p, k, { value: methods[k], writable: true, enumerable: true, configurable: true });
      }
      ObjectDefineProperty(p, SymbolIterator, { value: methods.entries, writable: true, enumerable: false, configurable: true });
    },
  };
};
