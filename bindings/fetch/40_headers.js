// Headers (WHATWG Fetch). The header list is a flat array [name, value, name, value, ...]
// with lower-cased names, so it packs for op_resp_send with one join("\0").

const webidl = priv.webidl;
const { converters, configureInterface } = webidl;

const tokenRe = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const invalidValueRe = /[\0\r\n]/;
const trimRe = /^[\t\n\r ]+|[\t\n\r ]+$/g;

function isHTTPWhitespace(c) {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
}

// Strips leading and trailing HTTP whitespace (the "normalize" step).
function normalizeValue(v) {
  const n = v.length;
  if (n === 0) return v;
  if (!isHTTPWhitespace(v.charCodeAt(0)) && !isHTTPWhitespace(v.charCodeAt(n - 1))) return v;
  return v.replace(trimRe, "");
}
priv.normalizeHeaderValue = normalizeValue;

function checkName(name, prefix) {
  if (!tokenRe.test(name)) throw new TypeError(`${prefix}: Invalid header name: '${name}'`);
}
function checkValue(value, prefix) {
  if (invalidValueRe.test(value)) throw new TypeError(`${prefix}: Invalid header value: '${value}'`);
}
priv.isValidHeaderName = (n) => tokenRe.test(n);
priv.isValidHeaderValue = (v) => !invalidValueRe.test(v);

function lower(name) {
  // Most names arrive lower-case already; skip the allocation then.
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (c >= 0x41 && c <= 0x5a) return name.toLowerCase();
  }
  return name;
}

const GUARD_NONE = 0, GUARD_REQUEST = 1, GUARD_RESPONSE = 2, GUARD_IMMUTABLE = 3;
const guards = { none: GUARD_NONE, request: GUARD_REQUEST, response: GUARD_RESPONSE, immutable: GUARD_IMMUTABLE };

let headersEntries; // the original Headers.prototype.entries (also its @@iterator)

class Headers {
  #list = [];
  #guard = GUARD_NONE;
  #sorted = null; // cache of the sorted-and-combined pairs

  constructor(init = undefined) {
    if (init === undefined || init === null) {
      if (init === null) throw new TypeError(`${webidl.ctorPrefix("Headers")}: The provided value is not of type '(record<ByteString, ByteString> or sequence<sequence<ByteString>>)'.`);
      return;
    }
    this.#fill(init, webidl.ctorPrefix("Headers"));
  }

  #fill(init, prefix) {
    // Another Headers is copied directly unless its iteration was replaced.
    if (webidl.isObject(init) && #list in init && init[Symbol.iterator] === headersEntries) {
      this.#list = init.#list.slice();
      return;
    }
    const pairs = converters.HeadersInit(init, prefix, "Argument 1");
    for (let i = 0; i < pairs.length; i++) this.#append(pairs[i][0], pairs[i][1], prefix);
  }

  static #check(h) {
    if (!(webidl.isObject(h) && #list in h)) throw webidl.illegalInvocation();
  }

  #append(name, value, prefix) {
    value = normalizeValue(value);
    checkName(name, prefix);
    checkValue(value, prefix);
    if (this.#guard === GUARD_IMMUTABLE) throw new TypeError(`${prefix}: Can't modify immutable headers.`);
    this.#list.push(lower(name), value);
    this.#sorted = null;
  }

  append(name, value) {
    Headers.#check(this);
    const prefix = webidl.methodPrefix("Headers", "append");
    webidl.requiredArguments(arguments.length, 2, prefix);
    this.#append(converters.ByteString(name, prefix, "Argument 1"), converters.ByteString(value, prefix, "Argument 2"), prefix);
  }

  delete(name) {
    Headers.#check(this);
    const prefix = webidl.methodPrefix("Headers", "delete");
    webidl.requiredArguments(arguments.length, 1, prefix);
    name = converters.ByteString(name, prefix, "Argument 1");
    checkName(name, prefix);
    if (this.#guard === GUARD_IMMUTABLE) throw new TypeError(`${prefix}: Can't modify immutable headers.`);
    const key = lower(name);
    const list = this.#list;
    let j = 0;
    for (let i = 0; i < list.length; i += 2) {
      if (list[i] === key) continue;
      list[j++] = list[i];
      list[j++] = list[i + 1];
    }
    if (j !== list.length) {
      list.length = j;
      this.#sorted = null;
    }
  }

  get(name) {
    Headers.#check(this);
    const prefix = webidl.methodPrefix("Headers", "get");
    webidl.requiredArguments(arguments.length, 1, prefix);
    name = converters.ByteString(name, prefix, "Argument 1");
    checkName(name, prefix);
    return getCombined(this.#list, lower(name));
  }

  getSetCookie() {
    Headers.#check(this);
    const out = [];
    const list = this.#list;
    for (let i = 0; i < list.length; i += 2) if (list[i] === "set-cookie") out.push(list[i + 1]);
    return out;
  }

  has(name) {
    Headers.#check(this);
    const prefix = webidl.methodPrefix("Headers", "has");
    webidl.requiredArguments(arguments.length, 1, prefix);
    name = converters.ByteString(name, prefix, "Argument 1");
    checkName(name, prefix);
    const key = lower(name);
    const list = this.#list;
    for (let i = 0; i < list.length; i += 2) if (list[i] === key) return true;
    return false;
  }

  set(name, value) {
    Headers.#check(this);
    const prefix = webidl.methodPrefix("Headers", "set");
    webidl.requiredArguments(arguments.length, 2, prefix);
    name = converters.ByteString(name, prefix, "Argument 1");
    value = normalizeValue(converters.ByteString(value, prefix, "Argument 2"));
    checkName(name, prefix);
    checkValue(value, prefix);
    if (this.#guard === GUARD_IMMUTABLE) throw new TypeError(`${prefix}: Can't modify immutable headers.`);
    setHeader(this.#list, lower(name), value);
    this.#sorted = null;
  }

  // The "sort and combine" view used by iteration.
  #pairs() {
    if (this.#sorted !== null) return this.#sorted;
    const list = this.#list;
    const names = [];
    for (let i = 0; i < list.length; i += 2) names.push(list[i]);
    const unique = [...new Set(names)].sort();
    const out = [];
    for (let i = 0; i < unique.length; i++) {
      const n = unique[i];
      if (n === "set-cookie") {
        for (let j = 0; j < list.length; j += 2) if (list[j] === n) out.push([n, list[j + 1]]);
      } else {
        out.push([n, getCombined(list, n)]);
      }
    }
    this.#sorted = out;
    return out;
  }

  static {
    const iterator = webidl.createPairIterator("Headers", (h) => h.#pairs(), (h) => Headers.#check(h));
    iterator.install(Headers);
    headersEntries = Headers.prototype.entries;

    priv.isHeaders = (h) => webidl.isObject(h) && #list in h;
    priv.headersList = (h) => h.#list;
    priv.headersGuard = (h, guard) => { h.#guard = guards[guard]; };
    priv.headersFill = (h, init, prefix) => h.#fill(init, prefix);
    priv.headersGet = (h, lowerName) => getCombined(h.#list, lowerName);
    priv.headersHas = (h, lowerName) => {
      const list = h.#list;
      for (let i = 0; i < list.length; i += 2) if (list[i] === lowerName) return true;
      return false;
    };
    // Sets without validation or guard checks (internal callers pass valid values).
    priv.headersSetRaw = (h, lowerName, value) => { setHeader(h.#list, lowerName, value); h.#sorted = null; };
    priv.headersAppendRaw = (h, lowerName, value) => { h.#list.push(lowerName, value); h.#sorted = null; };
    // Builds Headers from a trusted flat list (taken, not copied).
    priv.headersFromList = (list, guard) => {
      const h = new Headers();
      h.#list = list;
      h.#guard = guards[guard];
      return h;
    };
    priv.headersFromPacked = (packed, guard) => {
      const h = new Headers();
      if (packed !== "") h.#list = packed.split("\0");
      h.#guard = guards[guard];
      return h;
    };
    priv.headersPacked = (h) => h.#list.join("\0");
    priv.headersCopy = (h, guard) => {
      const c = new Headers();
      c.#list = h.#list.slice();
      c.#guard = guards[guard];
      return c;
    };
  }
}

function getCombined(list, key) {
  let out = null;
  for (let i = 0; i < list.length; i += 2) {
    if (list[i] === key) out = out === null ? list[i + 1] : out + ", " + list[i + 1];
  }
  return out;
}

function setHeader(list, key, value) {
  let found = false;
  let j = 0;
  for (let i = 0; i < list.length; i += 2) {
    if (list[i] === key) {
      if (found) continue;
      found = true;
      list[j++] = key;
      list[j++] = value;
      continue;
    }
    list[j++] = list[i];
    list[j++] = list[i + 1];
  }
  list.length = j;
  if (!found) list.push(key, value);
}

Object.defineProperty(Headers.prototype, Symbol.for("nodejs.util.inspect.custom"), {
  value: function inspectHeaders(depth, options, inspect) {
    const obj = {};
    for (const [k, v] of this) obj[k] = obj[k] === undefined ? v : [].concat(obj[k], v);
    const inner = priv.inspect ? priv.inspect(obj, options) : JSON.stringify(obj);
    return `Headers ${inner}`;
  },
  configurable: true,
});

configureInterface(Headers);
core.defineGlobal("Headers", Headers);
priv.Headers = Headers;
priv.registerPlatformObject((v) => priv.isHeaders(v));

// The API base URL relative request URLs resolve against. A Workers global scope has
// none (a relative URL is a TypeError); a `location` global, when the embedder defines
// one (the WPT runner does, as a dedicated worker has), provides it.
priv.apiBaseURL = function apiBaseURL() {
  const loc = globalThis.location;
  if (loc === undefined || loc === null || (typeof loc !== "object" && typeof loc !== "function")) return undefined;
  try {
    return String(loc.href);
  } catch {
    return undefined;
  }
};
