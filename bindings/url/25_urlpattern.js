// URLPattern, following the URL Pattern Standard (https://urlpattern.spec.whatwg.org/).
//
// A pattern string is tokenized, parsed into a part list, and compiled per component into
// a RegExp with the "u" flag (V8 10.2 has no "v" flag; the generated syntax only uses
// what both accept) and a pattern string for the getters.

const P = priv.urlParser;
const toUSVString = priv.toUSVString;
const RegExpPrototypeExec = RegExp.prototype.exec;

const COMPONENTS = ["protocol", "username", "password", "hostname", "port", "pathname", "search", "hash"];
const SPECIAL_SCHEMES = ["ftp", "file", "http", "https", "ws", "wss"];

// ---------------------------------------------------------------------------------------
// Tokenizer

const T_OPEN = 1, T_CLOSE = 2, T_REGEXP = 3, T_NAME = 4, T_CHAR = 5, T_ESCAPED = 6,
  T_OTHER_MODIFIER = 7, T_ASTERISK = 8, T_END = 9, T_INVALID = 10;

const idStartRe = /^[\p{ID_Start}$_]$/u;
const idContinueRe = /^[\p{ID_Continue}$\u200C\u200D]$/u;
function isValidNameCodePoint(ch, first) {
  return first ? idStartRe.test(ch) : idContinueRe.test(ch);
}
function isASCII(ch) { return ch.charCodeAt(0) < 0x80 && ch.length === 1; }

// input: an array of code points (as strings). Returns tokens {type, index, value}.
function tokenize(input, lenient) {
  const tokens = [];
  const n = input.length;
  let index = 0;
  const add = (type, next, valueStart, valueLength) => {
    tokens.push({ type, index, value: input.slice(valueStart, valueStart + valueLength).join("") });
    index = next;
  };
  const addDefault = (type, next, valueStart) => add(type, next, valueStart, next - valueStart);
  const error = (next, valueStart) => {
    if (!lenient) throw new TypeError(`Invalid URL pattern: unexpected ${JSON.stringify(input.slice(index, next).join(""))} at position ${index}`);
    addDefault(T_INVALID, next, valueStart);
  };
  while (index < n) {
    const c = input[index];
    const next = index + 1;
    if (c === "*") { addDefault(T_ASTERISK, next, index); continue; }
    if (c === "+" || c === "?") { addDefault(T_OTHER_MODIFIER, next, index); continue; }
    if (c === "\\") {
      if (index === n - 1) { error(next, index); continue; }
      add(T_ESCAPED, next + 1, next, 1);
      continue;
    }
    if (c === "{") { addDefault(T_OPEN, next, index); continue; }
    if (c === "}") { addDefault(T_CLOSE, next, index); continue; }
    if (c === ":") {
      let pos = next;
      const start = pos;
      while (pos < n && isValidNameCodePoint(input[pos], pos === start)) pos++;
      if (pos <= start) { error(start, index); continue; }
      add(T_NAME, pos, start, pos - start);
      continue;
    }
    if (c === "(") {
      let depth = 1, pos = next, failed = false;
      const start = pos;
      while (pos < n) {
        const rc = input[pos];
        if (!isASCII(rc)) { error(start, index); failed = true; break; }
        if (pos === start && rc === "?") { error(start, index); failed = true; break; }
        if (rc === "\\") {
          if (pos === n - 1) { error(start, index); failed = true; break; }
          if (!isASCII(input[pos + 1])) { error(start, index); failed = true; break; }
          pos += 2;
          continue;
        }
        if (rc === ")") {
          depth--;
          if (depth === 0) { pos++; break; }
        } else if (rc === "(") {
          depth++;
          if (pos === n - 1) { error(start, index); failed = true; break; }
          if (input[pos + 1] !== "?") { error(start, index); failed = true; break; }
        }
        pos++;
      }
      if (failed) continue;
      if (depth !== 0) { error(start, index); continue; }
      const length = pos - start - 1;
      if (length === 0) { error(start, index); continue; }
      add(T_REGEXP, pos, start, length);
      continue;
    }
    addDefault(T_CHAR, next, index);
  }
  tokens.push({ type: T_END, index, value: "" });
  return tokens;
}

// ---------------------------------------------------------------------------------------
// Pattern parser

const FIXED = 1, REGEXP = 2, SEGMENT_WILDCARD = 3, FULL_WILDCARD = 4;
const M_NONE = "", M_OPTIONAL = "?", M_ZERO_OR_MORE = "*", M_ONE_OR_MORE = "+";

function escapeRegexpString(s) { return s.replace(/[.+*?^${}()[\]|/\\]/g, "\\$&"); }
function escapePatternString(s) { return s.replace(/[+*?:{}()\\]/g, "\\$&"); }
function segmentWildcardRegexp(options) { return "[^" + escapeRegexpString(options.delimiter) + "]+?"; }

function parsePatternString(input, options, encode) {
  const tokens = tokenize([...input], false);
  const parts = [];
  const segmentWildcard = segmentWildcardRegexp(options);
  let pending = "";
  let index = 0;
  let nextNumericName = 0;

  const tryConsume = (type) => {
    const t = tokens[index];
    if (t.type !== type) return null;
    index++;
    return t;
  };
  const tryConsumeRegexpOrWildcard = (nameToken) => {
    const t = tryConsume(T_REGEXP);
    if (nameToken === null && t === null) return tryConsume(T_ASTERISK);
    return t;
  };
  const tryConsumeModifier = () => tryConsume(T_OTHER_MODIFIER) || tryConsume(T_ASTERISK);
  const consumeRequired = (type) => {
    const t = tryConsume(type);
    if (t === null) {
      const at = tokens[index];
      throw new TypeError(`Invalid URL pattern ${JSON.stringify(input)}: unexpected ${at.type === T_END ? "end" : JSON.stringify(at.value)} at position ${at.index}`);
    }
    return t;
  };
  const consumeText = () => {
    let out = "";
    for (;;) {
      const t = tryConsume(T_CHAR) || tryConsume(T_ESCAPED);
      if (t === null) return out;
      out += t.value;
    }
  };
  const flushPending = () => {
    if (pending === "") return;
    const value = encode(pending);
    pending = "";
    parts.push({ type: FIXED, value, modifier: M_NONE, name: "", prefix: "", suffix: "" });
  };
  const addPart = (prefix, nameToken, regexpToken, suffix, modifierToken) => {
    const modifier = modifierToken === null ? M_NONE : modifierToken.value;
    if (nameToken === null && regexpToken === null && modifier === M_NONE) {
      pending += prefix;
      return;
    }
    flushPending();
    if (nameToken === null && regexpToken === null) {
      if (prefix === "") return;
      parts.push({ type: FIXED, value: encode(prefix), modifier, name: "", prefix: "", suffix: "" });
      return;
    }
    let value;
    if (regexpToken === null) value = segmentWildcard;
    else if (regexpToken.type === T_ASTERISK) value = ".*";
    else value = regexpToken.value;
    let type = REGEXP;
    if (value === segmentWildcard) { type = SEGMENT_WILDCARD; value = ""; }
    else if (value === ".*") { type = FULL_WILDCARD; value = ""; }
    let name;
    if (nameToken !== null) name = nameToken.value;
    else name = String(nextNumericName++);
    for (const p of parts) {
      if (p.name === name) throw new TypeError(`Invalid URL pattern ${JSON.stringify(input)}: duplicate group name "${name}"`);
    }
    parts.push({ type, value, modifier, name, prefix: encode(prefix), suffix: encode(suffix) });
  };

  while (index < tokens.length) {
    const charToken = tryConsume(T_CHAR);
    let nameToken = tryConsume(T_NAME);
    let regexpToken = tryConsumeRegexpOrWildcard(nameToken);
    if (nameToken !== null || regexpToken !== null) {
      let prefix = charToken !== null ? charToken.value : "";
      if (prefix !== "" && prefix !== options.prefix) {
        pending += prefix;
        prefix = "";
      }
      flushPending();
      addPart(prefix, nameToken, regexpToken, "", tryConsumeModifier());
      continue;
    }
    const fixedToken = charToken !== null ? charToken : tryConsume(T_ESCAPED);
    if (fixedToken !== null) {
      pending += fixedToken.value;
      continue;
    }
    if (tryConsume(T_OPEN) !== null) {
      const prefix = consumeText();
      nameToken = tryConsume(T_NAME);
      regexpToken = tryConsumeRegexpOrWildcard(nameToken);
      const suffix = consumeText();
      consumeRequired(T_CLOSE);
      addPart(prefix, nameToken, regexpToken, suffix, tryConsumeModifier());
      continue;
    }
    flushPending();
    consumeRequired(T_END);
  }
  return parts;
}

// The standard compiles patterns with the "v" flag, which V8 10.2 lacks; they are
// compiled with "u" after the v-only class syntax is rewritten into u syntax: escaped
// "reserved punctuators" in a class ([^\:]) lose their backslash, and classes with
// nested classes or set operations become alternatives and lookaheads matching the
// same code point ([A--B] is (?:(?!B)A), [A&&B] is (?:(?=B)A), [^E] is (?:(?!E)[^])).
// String literals in classes (\q{...}) are not rewritten: those patterns still fail.
const RESERVED_PUNCTUATORS = "&!#%,:;<=>@`~";

// The end (exclusive) of the escape that starts at src[i] === "\\".
function escapeEnd(src, i) {
  const c = src[i + 1];
  if ((c === "p" || c === "P" || (c === "u" && src[i + 2] === "{")) && src.indexOf("}", i) > 0) return src.indexOf("}", i) + 1;
  if (c === "u") return i + 6;
  if (c === "x") return i + 4;
  if (c === "c") return i + 3;
  return i + 2;
}

// One member of a v-mode class: returns [member, end], where member is the text of a
// u-mode class member (a character, an escape or a range) or a parsed nested class.
function parseClassOperand(src, i) {
  if (src[i] === "[") return parseVClass(src, i);
  let text, end;
  if (src[i] === "\\") {
    end = escapeEnd(src, i);
    const d = src[i + 1];
    if (d === "q") throw new SyntaxError("class string literal");
    text = RESERVED_PUNCTUATORS.includes(d) && end === i + 2 ? d : src.slice(i, end);
  } else {
    const cp = src.codePointAt(i);
    end = i + (cp > 0xffff ? 2 : 1);
    text = src.slice(i, end);
    if ("\\]^[-".includes(text)) text = "\\" + text;
  }
  return [text, end];
}

// A v-mode class starting at src[i] === "[": returns [{negate, op, items}, end].
function parseVClass(src, i) {
  let j = i + 1;
  const negate = src[j] === "^";
  if (negate) j++;
  let op = "";
  const items = [];
  while (j < src.length && src[j] !== "]") {
    if (src.startsWith("&&", j) || src.startsWith("--", j)) {
      const o = src.slice(j, j + 2);
      if (op !== "" && op !== o) throw new SyntaxError("mixed set operators");
      op = o;
      j += 2;
      continue;
    }
    let [item, end] = parseClassOperand(src, j);
    if (typeof item === "string" && src[end] === "-" && src[end + 1] !== "-" && src[end + 1] !== "]") {
      const [to, end2] = parseClassOperand(src, end + 1);
      if (typeof to !== "string") throw new SyntaxError("range to a class");
      item = item + "-" + to;
      end = end2;
    }
    items.push(item);
    j = end;
  }
  if (j >= src.length) throw new SyntaxError("unterminated class");
  return [{ negate, op, items }, j + 1];
}

// u-mode source matching one code point in the class.
function emitVClass(cls) {
  let inner;
  if (cls.op === "" && cls.items.every((x) => typeof x === "string")) {
    return "[" + (cls.negate ? "^" : "") + cls.items.join("") + "]";
  }
  const parts = cls.items.map((x) => (typeof x === "string" ? "[" + x + "]" : emitVClass(x)));
  if (cls.op === "&&") inner = "(?:" + parts.slice(1).map((x) => "(?=" + x + ")").join("") + parts[0] + ")";
  else if (cls.op === "--") inner = "(?:" + parts.slice(1).map((x) => "(?!" + x + ")").join("") + parts[0] + ")";
  else inner = "(?:" + parts.join("|") + ")";
  return cls.negate ? "(?:(?!" + inner + ")[^])" : inner;
}

function vToU(src) {
  if (src.indexOf("[") < 0) return src;
  let out = "";
  try {
    for (let i = 0; i < src.length;) {
      const c = src[i];
      if (c === "\\") {
        const end = escapeEnd(src, i);
        out += src.slice(i, end);
        i = end;
      } else if (c === "[") {
        const [cls, end] = parseVClass(src, i);
        out += emitVClass(cls);
        i = end;
      } else {
        out += c;
        i++;
      }
    }
  } catch {
    return src; // not rewritable: RegExp reports the error
  }
  return out;
}

function generateRegexp(parts, options) {
  let out = "^";
  const names = [];
  for (const part of parts) {
    if (part.type === FIXED) {
      if (part.modifier === M_NONE) out += escapeRegexpString(part.value);
      else out += "(?:" + escapeRegexpString(part.value) + ")" + part.modifier;
      continue;
    }
    names.push(part.name);
    let value = part.type === REGEXP ? vToU(part.value) : part.value;
    if (part.type === SEGMENT_WILDCARD) value = segmentWildcardRegexp(options);
    else if (part.type === FULL_WILDCARD) value = ".*";
    const single = part.modifier === M_NONE || part.modifier === M_OPTIONAL;
    if (part.prefix === "" && part.suffix === "") {
      if (single) out += "(" + value + ")" + part.modifier;
      else out += "((?:" + value + ")" + part.modifier + ")";
      continue;
    }
    const prefix = escapeRegexpString(part.prefix), suffix = escapeRegexpString(part.suffix);
    if (single) {
      out += "(?:" + prefix + "(" + value + ")" + suffix + ")" + part.modifier;
      continue;
    }
    out += "(?:" + prefix + "((?:" + value + ")(?:" + suffix + prefix + "(?:" + value + "))*)" + suffix + ")";
    if (part.modifier === M_ZERO_OR_MORE) out += "?";
  }
  return [out + "$", names];
}

function isASCIIDigit(ch) { return ch !== undefined && ch >= "0" && ch <= "9"; }

function generatePatternString(parts, options) {
  let out = "";
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i];
    const prev = i > 0 ? parts[i - 1] : null;
    const next = i < parts.length - 1 ? parts[i + 1] : null;
    if (part.type === FIXED) {
      if (part.modifier === M_NONE) out += escapePatternString(part.value);
      else out += "{" + escapePatternString(part.value) + "}" + part.modifier;
      continue;
    }
    const customName = !isASCIIDigit(part.name[0]);
    let grouping = part.suffix !== "" || (part.prefix !== "" && part.prefix !== options.prefix);
    if (!grouping && customName && part.type === SEGMENT_WILDCARD && part.modifier === M_NONE &&
        next !== null && next.prefix === "" && next.suffix === "") {
      if (next.type === FIXED) {
        const first = [...next.value][0];
        grouping = first !== undefined && isValidNameCodePoint(first, false);
      } else {
        grouping = isASCIIDigit(next.name[0]);
      }
    }
    if (!grouping && part.prefix === "" && prev !== null && prev.type === FIXED &&
        prev.value !== "" && [...prev.value].pop() === options.prefix) {
      grouping = true;
    }
    if (grouping) out += "{";
    out += escapePatternString(part.prefix);
    if (customName) out += ":" + part.name;
    if (part.type === REGEXP) {
      out += "(" + part.value + ")";
    } else if (part.type === SEGMENT_WILDCARD && !customName) {
      out += "(" + segmentWildcardRegexp(options) + ")";
    } else if (part.type === FULL_WILDCARD) {
      if (!customName && (prev === null || prev.type === FIXED || prev.modifier !== M_NONE || grouping || part.prefix !== "")) {
        out += "*";
      } else {
        out += "(.*)";
      }
    }
    if (part.type === SEGMENT_WILDCARD && customName && part.suffix !== "" &&
        isValidNameCodePoint([...part.suffix][0], false)) {
      out += "\\";
    }
    out += escapePatternString(part.suffix);
    if (grouping) out += "}";
    out += part.modifier;
  }
  return out;
}

const DEFAULT_OPTIONS = { delimiter: "", prefix: "", ignoreCase: false };
const HOSTNAME_OPTIONS = { delimiter: ".", prefix: "", ignoreCase: false };
const PATHNAME_OPTIONS = { delimiter: "/", prefix: "/", ignoreCase: false };

function compileComponent(input, encode, options) {
  const parts = parsePatternString(input, options, encode);
  const [source, names] = generateRegexp(parts, options);
  let regexp;
  try {
    regexp = new RegExp(source, options.ignoreCase ? "ui" : "u");
  } catch (e) {
    throw new TypeError(`Invalid URL pattern ${JSON.stringify(input)}: ${e.message}`);
  }
  return {
    patternString: generatePatternString(parts, options),
    regexp,
    names,
    hasRegexpGroups: parts.some((p) => p.type === REGEXP),
    parts,
    encode,
    options,
  };
}

// ---------------------------------------------------------------------------------------
// compareComponent and generate (the tentative additions the WPT tests cover, as
// Chromium ships them)

// Part types and modifiers from the least to the most specific.
const TYPE_RANK = { [FULL_WILDCARD]: 0, [REGEXP]: 1, [SEGMENT_WILDCARD]: 2, [FIXED]: 3 };
const MODIFIER_RANK = { [M_ZERO_OR_MORE]: 0, [M_OPTIONAL]: 1, [M_ONE_OR_MORE]: 2, [M_NONE]: 3 };
const EMPTY_FIXED_PART = { type: FIXED, value: "", modifier: M_NONE, name: "", prefix: "", suffix: "" };

function compareValues(a, b) { return a < b ? -1 : a > b ? 1 : 0; }

// Orders two parts by how specific they are: type, then modifier, then the fixed
// texts (value, prefix, suffix) in code unit order. Names do not matter.
function compareParts(a, b) {
  return compareValues(TYPE_RANK[a.type], TYPE_RANK[b.type]) ||
    compareValues(MODIFIER_RANK[a.modifier], MODIFIER_RANK[b.modifier]) ||
    compareValues(a.value, b.value) ||
    compareValues(a.prefix, b.prefix) ||
    compareValues(a.suffix, b.suffix);
}

// Compares part lists part by part; a list that ends first is compared as if it went
// on with an empty fixed part.
function comparePartLists(left, right) {
  const n = Math.min(left.length, right.length);
  for (let i = 0; i < n; i++) {
    const r = compareParts(left[i], right[i]);
    if (r !== 0) return r;
  }
  if (left.length > n) return compareParts(left[n], EMPTY_FIXED_PART);
  if (right.length > n) return compareParts(EMPTY_FIXED_PART, right[n]);
  return 0;
}

// WebIDL enum URLPatternComponent.
function toComponent(v, prefix) {
  const s = String(v);
  if (!COMPONENTS.includes(s)) {
    throw new TypeError(`${prefix}: The provided value '${s}' is not a valid enum value of type URLPatternComponent.`);
  }
  return s;
}

// WebIDL record<USVString, USVString>.
function toGroups(v, prefix) {
  if (v === null || (typeof v !== "object" && typeof v !== "function")) {
    throw new TypeError(`${prefix}: parameter 2 is not of type 'record<USVString, USVString>'.`);
  }
  const out = new Map();
  for (const key of Reflect.ownKeys(v)) {
    if (typeof key === "symbol") continue;
    const desc = Object.getOwnPropertyDescriptor(v, key);
    if (desc === undefined || !desc.enumerable) continue;
    out.set(toUSVString(key), toUSVString(v[key]));
  }
  return out;
}

// Fills a component's pattern with group values. Only fixed text and named segment
// wildcards without modifiers can be generated; each value goes through the
// component's encoding and must still be one segment.
function generateComponent(component, groups, prefix) {
  const segment = new RegExp("^(?:" + segmentWildcardRegexp(component.options) + ")$", "u");
  let out = "";
  for (const part of component.parts) {
    if (part.modifier !== M_NONE) throw new TypeError(`${prefix}: cannot generate a part with a '${part.modifier}' modifier.`);
    if (part.type === FIXED) {
      out += part.value;
      continue;
    }
    if (part.type !== SEGMENT_WILDCARD) throw new TypeError(`${prefix}: cannot generate a part that is a regular expression or a wildcard.`);
    if (!groups.has(part.name)) throw new TypeError(`${prefix}: no value for the group '${part.name}'.`);
    let encoded;
    try {
      encoded = component.encode(groups.get(part.name));
    } catch (e) {
      throw new TypeError(`${prefix}: invalid value for the group '${part.name}': ${e.message}`);
    }
    if (RegExpPrototypeExec.call(segment, encoded) === null) {
      throw new TypeError(`${prefix}: the value of the group '${part.name}' is not one segment.`);
    }
    out += part.prefix + encoded + part.suffix;
  }
  return out;
}

function matchesSpecialScheme(component) {
  for (const s of SPECIAL_SCHEMES) {
    if (RegExpPrototypeExec.call(component.regexp, s) !== null) return true;
  }
  return false;
}

// ---------------------------------------------------------------------------------------
// Canonicalization (the encoding callbacks)

function invalid(what, value) {
  return new TypeError(`Invalid URL pattern: ${JSON.stringify(value)} is not a valid ${what}`);
}

function canonicalizeProtocol(value) {
  if (value === "") return value;
  const r = P.parseURL(value + "://dummy.invalid/", null);
  if (r === null) throw invalid("protocol", value);
  return r.scheme;
}
function canonicalizeUsername(value) {
  return value === "" ? value : P.percentEncode(value, P.SET_USERINFO, false);
}
const canonicalizePassword = canonicalizeUsername;

function canonicalizeHostname(value, protocol) {
  if (value === "") return value;
  const url = P.newRecord();
  url.scheme = protocol === undefined || protocol === "" ? "https" : protocol;
  if (P.basicParse(value, null, url, P.HOSTNAME) === null) throw invalid("hostname", value);
  return url.host === null ? "" : url.host;
}
function canonicalizeIPv6Hostname(value) {
  let out = "";
  for (const ch of value) {
    if (!/^[0-9A-Fa-f[\]:]$/.test(ch)) throw invalid("IPv6 hostname", value);
    out += ch.toLowerCase();
  }
  return out;
}
function canonicalizePort(value, protocol) {
  if (value === "") return value;
  const url = P.newRecord();
  if (protocol !== undefined) url.scheme = protocol;
  if (P.basicParse(value, null, url, P.PORT) === null) throw invalid("port", value);
  return url.port === null ? "" : String(url.port);
}
function canonicalizePathname(value) {
  if (value === "") return value;
  const leadingSlash = value[0] === "/";
  const url = P.newRecord();
  url.path = [];
  P.basicParse(leadingSlash ? value : "/-" + value, null, url, P.PATH_START);
  const out = P.serializePath(url);
  return leadingSlash ? out : out.slice(2);
}
function canonicalizeOpaquePathname(value) {
  if (value === "") return value;
  const url = P.newRecord();
  url.path = "";
  P.basicParse(value, null, url, P.OPAQUE_PATH);
  return url.path;
}
function canonicalizeSearch(value) {
  if (value === "") return value;
  const url = P.newRecord();
  url.query = "";
  P.basicParse(value, null, url, P.QUERY);
  return url.query;
}
function canonicalizeHash(value) {
  if (value === "") return value;
  const url = P.newRecord();
  url.fragment = "";
  P.basicParse(value, null, url, P.FRAGMENT);
  return url.fragment;
}

// ---------------------------------------------------------------------------------------
// URLPatternInit processing

function isAbsolutePathname(s, isPattern) {
  if (s === "") return false;
  if (s[0] === "/") return true;
  if (!isPattern || s.length < 2) return false;
  return (s[0] === "\\" || s[0] === "{") && s[1] === "/";
}

// init: an object whose present members are strings. Returns a new such object.
function processInit(init, isPattern, defaults) {
  const result = { ...defaults };
  const has = (k) => init[k] !== undefined;
  const fromBase = (s) => (isPattern ? escapePatternString(s) : s);
  let base = null;
  if (has("baseURL")) {
    base = P.parseURL(init.baseURL, null);
    if (base === null) throw new TypeError(`Invalid base URL: ${init.baseURL}`);
    if (!has("protocol")) result.protocol = fromBase(base.scheme);
    if (!isPattern && !has("protocol") && !has("hostname") && !has("port") && !has("username")) {
      result.username = fromBase(base.username);
    }
    if (!isPattern && !has("protocol") && !has("hostname") && !has("port") && !has("username") && !has("password")) {
      result.password = fromBase(base.password);
    }
    if (!has("protocol") && !has("hostname")) result.hostname = fromBase(base.host === null ? "" : base.host);
    if (!has("protocol") && !has("hostname") && !has("port")) result.port = base.port === null ? "" : String(base.port);
    if (!has("protocol") && !has("hostname") && !has("port") && !has("pathname")) {
      result.pathname = fromBase(P.serializePath(base));
    }
    if (!has("protocol") && !has("hostname") && !has("port") && !has("pathname") && !has("search")) {
      result.search = fromBase(base.query === null ? "" : base.query);
    }
    if (!has("protocol") && !has("hostname") && !has("port") && !has("pathname") && !has("search") && !has("hash")) {
      result.hash = fromBase(base.fragment === null ? "" : base.fragment);
    }
  }
  if (has("protocol")) {
    let v = init.protocol;
    if (v.endsWith(":")) v = v.slice(0, -1);
    result.protocol = isPattern ? v : canonicalizeProtocol(v);
  }
  if (has("username")) result.username = isPattern ? init.username : canonicalizeUsername(init.username);
  if (has("password")) result.password = isPattern ? init.password : canonicalizePassword(init.password);
  if (has("hostname")) result.hostname = isPattern ? init.hostname : canonicalizeHostname(init.hostname, result.protocol);
  if (has("port")) result.port = isPattern ? init.port : canonicalizePort(init.port, result.protocol);
  if (has("pathname")) {
    let pathname = init.pathname;
    if (base !== null && typeof base.path !== "string" && !isAbsolutePathname(pathname, isPattern)) {
      const basePath = fromBase(P.serializePath(base));
      const slash = basePath.lastIndexOf("/");
      if (slash >= 0) pathname = basePath.slice(0, slash + 1) + pathname;
    }
    if (!isPattern) {
      const proto = result.protocol;
      pathname = proto === undefined || proto === "" || P.isSpecialScheme(proto)
        ? canonicalizePathname(pathname) : canonicalizeOpaquePathname(pathname);
    }
    result.pathname = pathname;
  }
  if (has("search")) {
    let v = init.search;
    if (v[0] === "?") v = v.slice(1);
    result.search = isPattern ? v : canonicalizeSearch(v);
  }
  if (has("hash")) {
    let v = init.hash;
    if (v[0] === "#") v = v.slice(1);
    result.hash = isPattern ? v : canonicalizeHash(v);
  }
  return result;
}

// WebIDL dictionary conversion for URLPatternInit (members read in lexicographic order).
const INIT_MEMBERS = ["baseURL", "hash", "hostname", "password", "pathname", "port", "protocol", "search", "username"];
function toInit(v) {
  const out = {};
  if (v === undefined || v === null) return out;
  if (typeof v !== "object" && typeof v !== "function") {
    throw new TypeError("URLPatternInit must be an object");
  }
  for (const k of INIT_MEMBERS) {
    const x = v[k];
    if (x !== undefined) out[k] = toUSVString(x);
  }
  return out;
}

// ---------------------------------------------------------------------------------------
// The constructor string parser

const S_INIT = 0, S_PROTOCOL = 1, S_AUTHORITY = 2, S_USERNAME = 3, S_PASSWORD = 4, S_HOSTNAME = 5,
  S_PORT = 6, S_PATHNAME = 7, S_SEARCH = 8, S_HASH = 9, S_DONE = 10;
const STATE_KEYS = [null, "protocol", null, "username", "password", "hostname", "port", "pathname", "search", "hash", null];

function parseConstructorString(inputString) {
  const input = [...inputString];
  const tokens = tokenize(input, true);
  const result = {};
  let componentStart = 0, tokenIndex = 0, tokenIncrement = 1, groupDepth = 0, ipv6Depth = 0;
  let protocolSpecial = false;
  let state = S_INIT;

  const safeToken = (i) => (i < tokens.length ? tokens[i] : tokens[tokens.length - 1]);
  const isNonSpecial = (i, value) => {
    const t = safeToken(i);
    return t.value === value && (t.type === T_CHAR || t.type === T_ESCAPED || t.type === T_INVALID);
  };
  const isSearchPrefix = () => {
    if (isNonSpecial(tokenIndex, "?")) return true;
    if (tokens[tokenIndex].value !== "?") return false;
    if (tokenIndex - 1 < 0) return true;
    const prev = safeToken(tokenIndex - 1);
    return !(prev.type === T_NAME || prev.type === T_REGEXP || prev.type === T_CLOSE || prev.type === T_ASTERISK);
  };
  const componentString = () => {
    const t = tokens[tokenIndex];
    const startIndex = safeToken(componentStart).index;
    return input.slice(startIndex, t.index).join("");
  };
  const changeState = (next, skip) => {
    if (state !== S_INIT && state !== S_AUTHORITY && state !== S_DONE) result[STATE_KEYS[state]] = componentString();
    if (state !== S_INIT && next !== S_DONE) {
      if (state <= S_PASSWORD && next >= S_PORT && result.hostname === undefined) result.hostname = "";
      if (state <= S_PORT && next >= S_SEARCH && result.pathname === undefined) {
        result.pathname = protocolSpecial ? "/" : "";
      }
      if (state <= S_PATHNAME && next === S_HASH && result.search === undefined) result.search = "";
    }
    state = next;
    tokenIndex += skip;
    componentStart = tokenIndex;
    tokenIncrement = 0;
  };
  const rewind = () => { tokenIndex = componentStart; tokenIncrement = 0; };
  const rewindAndSet = (s) => { rewind(); state = s; };

  while (tokenIndex < tokens.length) {
    tokenIncrement = 1;
    const token = tokens[tokenIndex];
    if (token.type === T_END) {
      if (state === S_INIT) {
        rewind();
        if (isNonSpecial(tokenIndex, "#")) changeState(S_HASH, 1);
        else if (isSearchPrefix()) changeState(S_SEARCH, 1);
        else changeState(S_PATHNAME, 0);
        tokenIndex += tokenIncrement;
        continue;
      }
      if (state === S_AUTHORITY) {
        rewindAndSet(S_HOSTNAME);
        tokenIndex += tokenIncrement;
        continue;
      }
      changeState(S_DONE, 0);
      break;
    }
    if (token.type === T_OPEN) {
      groupDepth++;
      tokenIndex += tokenIncrement;
      continue;
    }
    if (groupDepth > 0) {
      if (token.type === T_CLOSE) {
        groupDepth--;
      } else {
        tokenIndex += tokenIncrement;
        continue;
      }
    }
    switch (state) {
      case S_INIT:
        if (isNonSpecial(tokenIndex, ":")) rewindAndSet(S_PROTOCOL);
        break;
      case S_PROTOCOL:
        if (isNonSpecial(tokenIndex, ":")) {
          const protocol = compileComponent(componentString(), canonicalizeProtocol, DEFAULT_OPTIONS);
          protocolSpecial = matchesSpecialScheme(protocol);
          let next = S_PATHNAME, skip = 1;
          if (isNonSpecial(tokenIndex + 1, "/") && isNonSpecial(tokenIndex + 2, "/")) {
            next = S_AUTHORITY;
            skip = 3;
          } else if (protocolSpecial) {
            next = S_AUTHORITY;
          }
          changeState(next, skip);
        }
        break;
      case S_AUTHORITY:
        if (isNonSpecial(tokenIndex, "@")) rewindAndSet(S_USERNAME);
        else if (isNonSpecial(tokenIndex, "/") || isSearchPrefix() || isNonSpecial(tokenIndex, "#")) rewindAndSet(S_HOSTNAME);
        break;
      case S_USERNAME:
        if (isNonSpecial(tokenIndex, ":")) changeState(S_PASSWORD, 1);
        else if (isNonSpecial(tokenIndex, "@")) changeState(S_HOSTNAME, 1);
        break;
      case S_PASSWORD:
        if (isNonSpecial(tokenIndex, "@")) changeState(S_HOSTNAME, 1);
        break;
      case S_HOSTNAME:
        if (isNonSpecial(tokenIndex, "[")) ipv6Depth++;
        else if (isNonSpecial(tokenIndex, "]")) ipv6Depth--;
        else if (isNonSpecial(tokenIndex, ":") && ipv6Depth === 0) changeState(S_PORT, 1);
        else if (isNonSpecial(tokenIndex, "/")) changeState(S_PATHNAME, 0);
        else if (isSearchPrefix()) changeState(S_SEARCH, 1);
        else if (isNonSpecial(tokenIndex, "#")) changeState(S_HASH, 1);
        break;
      case S_PORT:
        if (isNonSpecial(tokenIndex, "/")) changeState(S_PATHNAME, 0);
        else if (isSearchPrefix()) changeState(S_SEARCH, 1);
        else if (isNonSpecial(tokenIndex, "#")) changeState(S_HASH, 1);
        break;
      case S_PATHNAME:
        if (isSearchPrefix()) changeState(S_SEARCH, 1);
        else if (isNonSpecial(tokenIndex, "#")) changeState(S_HASH, 1);
        break;
      case S_SEARCH:
        if (isNonSpecial(tokenIndex, "#")) changeState(S_HASH, 1);
        break;
    }
    tokenIndex += tokenIncrement;
  }
  if (result.hostname !== undefined && result.port === undefined) result.port = "";
  return result;
}

// ---------------------------------------------------------------------------------------
// URLPattern

function isIPv6Pattern(s) {
  if (s.length < 2) return false;
  return s[0] === "[" || ((s[0] === "{" || s[0] === "\\") && s[1] === "[");
}

let componentsOf; // filled by the static block

class URLPattern {
  #c; // component name → compiled component

  constructor(input = undefined, baseURLOrOptions = undefined, options = undefined) {
    let baseURL = null;
    if (typeof baseURLOrOptions === "string" ||
        (arguments.length >= 3 && baseURLOrOptions !== undefined) ||
        (baseURLOrOptions !== undefined && baseURLOrOptions !== null && typeof baseURLOrOptions !== "object" && typeof baseURLOrOptions !== "function")) {
      baseURL = toUSVString(baseURLOrOptions);
    } else {
      options = baseURLOrOptions;
    }
    const ignoreCase = options !== undefined && options !== null && Boolean(options.ignoreCase);

    let init;
    if (typeof input === "string" || (input !== undefined && input !== null && typeof input !== "object")) {
      init = parseConstructorString(toUSVString(input));
      if (baseURL === null && init.protocol === undefined) {
        throw new TypeError(`Invalid URL pattern ${JSON.stringify(String(input))}: a relative pattern needs a base URL`);
      }
      if (baseURL !== null) init.baseURL = baseURL;
    } else {
      if (baseURL !== null) throw new TypeError("Invalid URL pattern: a base URL cannot be given with a URLPatternInit");
      init = toInit(input);
    }
    const processed = processInit(init, true, {});
    for (const k of COMPONENTS) if (processed[k] === undefined) processed[k] = "*";
    if (P.isSpecialScheme(processed.protocol) && processed.port === String(P.defaultPort(processed.protocol))) {
      processed.port = "";
    }
    const c = {};
    c.protocol = compileComponent(processed.protocol, canonicalizeProtocol, DEFAULT_OPTIONS);
    c.username = compileComponent(processed.username, canonicalizeUsername, DEFAULT_OPTIONS);
    c.password = compileComponent(processed.password, canonicalizePassword, DEFAULT_OPTIONS);
    c.hostname = isIPv6Pattern(processed.hostname)
      ? compileComponent(processed.hostname, canonicalizeIPv6Hostname, HOSTNAME_OPTIONS)
      : compileComponent(processed.hostname, (v) => canonicalizeHostname(v, undefined), HOSTNAME_OPTIONS);
    c.port = compileComponent(processed.port, (v) => canonicalizePort(v, undefined), DEFAULT_OPTIONS);
    const compileOptions = ignoreCase ? { ...DEFAULT_OPTIONS, ignoreCase } : DEFAULT_OPTIONS;
    if (matchesSpecialScheme(c.protocol)) {
      const pathOptions = ignoreCase ? { ...PATHNAME_OPTIONS, ignoreCase } : PATHNAME_OPTIONS;
      c.pathname = compileComponent(processed.pathname, canonicalizePathname, pathOptions);
    } else {
      c.pathname = compileComponent(processed.pathname, canonicalizeOpaquePathname, compileOptions);
    }
    c.search = compileComponent(processed.search, canonicalizeSearch, compileOptions);
    c.hash = compileComponent(processed.hash, canonicalizeHash, compileOptions);
    this.#c = c;
  }

  static {
    componentsOf = (p) => p.#c;
  }

  test(input = undefined, baseURL = undefined) {
    return match(this.#c, input, baseURL, arguments.length >= 2) !== null;
  }

  exec(input = undefined, baseURL = undefined) {
    return match(this.#c, input, baseURL, arguments.length >= 2);
  }

  get protocol() { return this.#c.protocol.patternString; }
  get username() { return this.#c.username.patternString; }
  get password() { return this.#c.password.patternString; }
  get hostname() { return this.#c.hostname.patternString; }
  get port() { return this.#c.port.patternString; }
  get pathname() { return this.#c.pathname.patternString; }
  get search() { return this.#c.search.patternString; }
  get hash() { return this.#c.hash.patternString; }
  get hasRegExpGroups() {
    const c = this.#c;
    for (const k of COMPONENTS) if (c[k].hasRegexpGroups) return true;
    return false;
  }

  generate(component, groups) {
    const prefix = "Failed to execute 'generate' on 'URLPattern'";
    const c = URLPattern.#components(this);
    if (arguments.length < 2) throw new TypeError(`${prefix}: 2 arguments required, but only ${arguments.length} present.`);
    component = toComponent(component, prefix);
    return generateComponent(c[component], toGroups(groups, prefix), prefix);
  }

  static compareComponent(component, left, right) {
    const prefix = "Failed to execute 'compareComponent' on 'URLPattern'";
    if (arguments.length < 3) throw new TypeError(`${prefix}: 3 arguments required, but only ${arguments.length} present.`);
    component = toComponent(component, prefix);
    const l = URLPattern.#components(left, prefix, 2);
    const r = URLPattern.#components(right, prefix, 3);
    return comparePartLists(l[component].parts, r[component].parts);
  }

  static #components(p, prefix, position) {
    if (p === null || typeof p !== "object" || !(#c in p)) {
      if (prefix === undefined) throw new TypeError("Illegal invocation");
      throw new TypeError(`${prefix}: parameter ${position} is not of type 'URLPattern'.`);
    }
    return p.#c;
  }
}

function match(c, input, baseURL, baseGiven) {
  let values;
  const inputs = [];
  if (input === undefined) input = {};
  if (input !== null && typeof input === "object" && !(input instanceof priv.URL)) {
    if (baseGiven && baseURL !== undefined) {
      throw new TypeError("URLPattern: a base URL cannot be given with a URLPatternInit");
    }
    const init = toInit(input);
    inputs.push(input);
    try {
      values = processInit(init, false, {
        protocol: "", username: "", password: "", hostname: "", port: "", pathname: "", search: "", hash: "",
      });
    } catch {
      return null;
    }
  } else {
    const inputString = toUSVString(input);
    inputs.push(inputString);
    let base = null;
    if (baseURL !== undefined) {
      const b = toUSVString(baseURL);
      base = P.parseURL(b, null);
      inputs.push(b);
      if (base === null) return null;
    }
    const url = P.parseURL(inputString, base);
    if (url === null) return null;
    values = {
      protocol: url.scheme,
      username: url.username,
      password: url.password,
      hostname: url.host === null ? "" : url.host,
      port: url.port === null ? "" : String(url.port),
      pathname: P.serializePath(url),
      search: url.query === null ? "" : url.query,
      hash: url.fragment === null ? "" : url.fragment,
    };
  }
  const execs = [];
  for (const k of COMPONENTS) {
    const r = RegExpPrototypeExec.call(c[k].regexp, values[k]);
    if (r === null) return null;
    execs.push(r);
  }
  const result = { inputs };
  for (let i = 0; i < COMPONENTS.length; i++) {
    const k = COMPONENTS[i];
    const names = c[k].names;
    const groups = {};
    const r = execs[i];
    for (let j = 0; j < names.length; j++) groups[names[j]] = r[j + 1];
    result[k] = { input: values[k], groups };
  }
  return result;
}

Object.defineProperty(URLPattern.prototype, Symbol.toStringTag, { value: "URLPattern", configurable: true });
for (const name of ["test", "exec", ...COMPONENTS, "hasRegExpGroups", "generate"]) {
  const d = Object.getOwnPropertyDescriptor(URLPattern.prototype, name);
  d.enumerable = true;
  Object.defineProperty(URLPattern.prototype, name, d);
}
{
  const d = Object.getOwnPropertyDescriptor(URLPattern, "compareComponent");
  d.enumerable = true;
  Object.defineProperty(URLPattern, "compareComponent", d);
}

priv.URLPattern = URLPattern;
priv.urlPatternComponents = (p) => componentsOf(p);
core.defineGlobal("URLPattern", URLPattern);
