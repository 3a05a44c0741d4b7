// URL and URLSearchParams, following the WHATWG URL Standard (https://url.spec.whatwg.org/).
//
// A URL record is a plain object:
//   { scheme, username, password, host, port, path, query, fragment }
// host is null or the *serialized* host (domain, dotted IPv4, "[v6]", opaque host or "");
// port is null or a number; path is an array of segments, or a string for an opaque path;
// query and fragment are null or strings. priv.parseURL(input, base) returns such a
// record (or null), so other bindings can resolve URLs without allocating a URL object.
//
// IDNA (domain to ASCII) lives at the end of this file: UTS #46 non-transitional
// processing driven by a compact table generated from the Unicode IDNA mapping table.

const StringFromCharCode = String.fromCharCode;
const StringFromCodePoint = String.fromCodePoint;
const ArrayIsArray = Array.isArray;
const SymbolIterator = Symbol.iterator;
const SymbolToStringTag = Symbol.toStringTag;
const ObjectDefineProperty = Object.defineProperty;

// ---------------------------------------------------------------------------------------
// WebIDL-ish conversions

const loneSurrogate = /[\uD800-\uDFFF]/;
// Converts to a USVString: ToString (throws on symbols), lone surrogates become U+FFFD.
function toUSVString(v) {
  const s = typeof v === "string" ? v : `${v}`;
  if (!loneSurrogate.test(s)) return s;
  let out = "";
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        out += s[i] + s[i + 1];
        i++;
        continue;
      }
    }
    out += c >= 0xd800 && c <= 0xdfff ? "\uFFFD" : s[i];
  }
  return out;
}
priv.toUSVString = toUSVString;

function requiredArgs(n, min, where) {
  if (n < min) {
    throw new TypeError(`${where}: ${min} argument${min > 1 ? "s" : ""} required, but only ${n} present.`);
  }
}

// ---------------------------------------------------------------------------------------
// Percent-encode sets: a 128-entry table of flags per set; code points above U+007E are
// in every set.

const SET_C0 = 1, SET_FRAGMENT = 2, SET_QUERY = 4, SET_SPECIAL_QUERY = 8, SET_PATH = 16,
  SET_USERINFO = 32, SET_COMPONENT = 64, SET_FORM = 128;
const encodeSets = new Uint8Array(128);
(function buildSets() {
  const add = (mask, chars) => { for (const ch of chars) encodeSets[ch.charCodeAt(0)] |= mask; };
  const all = 255;
  for (let i = 0; i < 0x20; i++) encodeSets[i] = all;
  encodeSets[0x7f] = all;
  const fragment = SET_FRAGMENT;
  const query = SET_QUERY | SET_SPECIAL_QUERY | SET_PATH | SET_USERINFO | SET_COMPONENT | SET_FORM;
  add(fragment | query, " \"<>");
  add(fragment | SET_PATH | SET_USERINFO | SET_COMPONENT | SET_FORM, "`");
  add(query, "#");
  add(SET_SPECIAL_QUERY | SET_FORM, "'");
  add(SET_PATH | SET_USERINFO | SET_COMPONENT | SET_FORM, "?^{}");
  add(SET_USERINFO | SET_COMPONENT | SET_FORM, "/:;=@[\\]|");
  add(SET_COMPONENT | SET_FORM, "$%&+,");
  add(SET_FORM, "!()~");
})();

const hexTable = [];
for (let i = 0; i < 256; i++) hexTable.push("%" + (i < 16 ? "0" : "") + i.toString(16).toUpperCase());

// UTF-8 percent-encodes every code point of s that is in the set; when spaceAsPlus,
// U+0020 becomes "+". Returns s itself when nothing needs encoding.
function percentEncode(s, set, spaceAsPlus) {
  let i = 0;
  const n = s.length;
  for (; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x7f || (encodeSets[c] & set) !== 0) break;
  }
  if (i === n) return s;
  let out = s.slice(0, i);
  for (; i < n; i++) {
    let c = s.charCodeAt(i);
    if (c < 0x80) {
      if (c === 0x20 && spaceAsPlus) out += "+";
      else if ((encodeSets[c] & set) !== 0) out += hexTable[c];
      else out += s[i];
      continue;
    }
    if (c < 0x800) {
      out += hexTable[0xc0 | (c >> 6)] + hexTable[0x80 | (c & 63)];
      continue;
    }
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < n) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
        i++;
        out += hexTable[0xf0 | (c >> 18)] + hexTable[0x80 | ((c >> 12) & 63)] +
          hexTable[0x80 | ((c >> 6) & 63)] + hexTable[0x80 | (c & 63)];
        continue;
      }
    }
    if (c >= 0xd800 && c <= 0xdfff) c = 0xfffd; // a lone surrogate: encode U+FFFD
    out += hexTable[0xe0 | (c >> 12)] + hexTable[0x80 | ((c >> 6) & 63)] + hexTable[0x80 | (c & 63)];
  }
  return out;
}

function hexVal(c) {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  return -1;
}

// "UTF-8 decode without BOM" of bytes[0:len]: a leading BOM is kept, invalid sequences
// become U+FFFD.
function utf8Decode(bytes, len) {
  let out = "";
  let i = 0;
  while (i < len) {
    const b = bytes[i];
    if (b < 0x80) { out += StringFromCharCode(b); i++; continue; }
    let need = 0, cp = 0, lower = 0x80, upper = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) { need = 1; cp = b & 0x1f; }
    else if (b >= 0xe0 && b <= 0xef) {
      need = 2; cp = b & 0xf;
      if (b === 0xe0) lower = 0xa0;
      if (b === 0xed) upper = 0x9f;
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3; cp = b & 0x7;
      if (b === 0xf0) lower = 0x90;
      if (b === 0xf4) upper = 0x8f;
    } else { out += "\uFFFD"; i++; continue; }
    let j = i + 1, ok = true;
    for (let k = 0; k < need; k++, j++) {
      const x = j < len ? bytes[j] : -1;
      if (x < lower || x > upper) { ok = false; break; }
      lower = 0x80; upper = 0xbf;
      cp = (cp << 6) | (x & 0x3f);
    }
    if (!ok) { out += "\uFFFD"; i = j; continue; }
    out += StringFromCodePoint(cp);
    i = j;
  }
  return out;
}

let scratch = new Uint8Array(256);
// Percent-decodes s (after UTF-8 encoding it) and UTF-8 decodes the result.
function percentDecodeString(s) {
  if (s.indexOf("%") < 0) return s;
  const n = s.length;
  if (scratch.length < n * 3) scratch = new Uint8Array(n * 3);
  const bytes = scratch;
  let len = 0;
  for (let i = 0; i < n; i++) {
    let c = s.charCodeAt(i);
    if (c === 0x25 && i + 2 < n) {
      const h = hexVal(s.charCodeAt(i + 1)), l = hexVal(s.charCodeAt(i + 2));
      if (h >= 0 && l >= 0) { bytes[len++] = (h << 4) | l; i += 2; continue; }
    }
    if (c < 0x80) { bytes[len++] = c; continue; }
    if (c < 0x800) { bytes[len++] = 0xc0 | (c >> 6); bytes[len++] = 0x80 | (c & 63); continue; }
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < n) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
        i++;
        bytes[len++] = 0xf0 | (c >> 18); bytes[len++] = 0x80 | ((c >> 12) & 63);
        bytes[len++] = 0x80 | ((c >> 6) & 63); bytes[len++] = 0x80 | (c & 63);
        continue;
      }
    }
    if (c >= 0xd800 && c <= 0xdfff) c = 0xfffd;
    bytes[len++] = 0xe0 | (c >> 12); bytes[len++] = 0x80 | ((c >> 6) & 63); bytes[len++] = 0x80 | (c & 63);
  }
  return utf8Decode(bytes, len);
}

// ---------------------------------------------------------------------------------------
// Schemes

const specialPorts = { __proto__: null, "ftp": 21, "file": null, "http": 80, "https": 443, "ws": 80, "wss": 443 };
function isSpecialScheme(s) { return specialPorts[s] !== undefined; }
function defaultPort(s) { const p = specialPorts[s]; return p === undefined ? null : p; }

// ---------------------------------------------------------------------------------------
// Hosts

// Forbidden host code points (ASCII only): NUL, TAB, LF, CR, space # / : < > ? @ [ \ ] ^ |
const forbiddenHost = new Uint8Array(128);
for (const ch of "\0\t\n\r #/:<>?@[\\]^|") forbiddenHost[ch.charCodeAt(0)] = 1;
// Forbidden domain code points add the other C0 controls, % and DEL.
const forbiddenDomain = new Uint8Array(forbiddenHost);
for (let i = 0; i < 0x20; i++) forbiddenDomain[i] = 1;
forbiddenDomain[0x25] = 1;
forbiddenDomain[0x7f] = 1;

const FAILURE = null;

// The host parser. Returns the serialized host, or null on failure.
function parseHost(input, isOpaque) {
  if (input.charCodeAt(0) === 0x5b /* [ */) {
    if (input.charCodeAt(input.length - 1) !== 0x5d) return FAILURE;
    const v6 = parseIPv6(input.slice(1, -1));
    return v6 === FAILURE ? FAILURE : "[" + serializeIPv6(v6) + "]";
  }
  if (isOpaque) {
    for (let i = 0; i < input.length; i++) {
      const c = input.charCodeAt(i);
      if (c < 128 && forbiddenHost[c] === 1) return FAILURE;
    }
    return percentEncode(input, SET_C0, false);
  }
  const domain = percentDecodeString(input);
  const ascii = domainToASCII(domain, false);
  if (ascii === FAILURE) return FAILURE;
  for (let i = 0; i < ascii.length; i++) {
    const c = ascii.charCodeAt(i);
    if (c >= 128 || forbiddenDomain[c] === 1) return FAILURE;
  }
  if (endsInANumber(ascii)) {
    const v4 = parseIPv4(ascii);
    return v4 === FAILURE ? FAILURE : serializeIPv4(v4);
  }
  return ascii;
}

function endsInANumber(s) {
  let end = s.length;
  if (s.charCodeAt(end - 1) === 0x2e) {
    end--;
    if (end === 0) return false;
  }
  const start = s.lastIndexOf(".", end - 1) + 1;
  if (start === end) return false;
  let digits = true;
  for (let i = start; i < end; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x30 || c > 0x39) { digits = false; break; }
  }
  if (digits) return true;
  return parseIPv4Number(s.slice(start, end)) >= 0;
}

// Returns the number, or -1 on failure.
function parseIPv4Number(s) {
  if (s === "") return -1;
  let radix = 10, i = 0;
  if (s.length >= 2 && s.charCodeAt(0) === 0x30 && (s.charCodeAt(1) | 0x20) === 0x78) { radix = 16; i = 2; }
  else if (s.length >= 2 && s.charCodeAt(0) === 0x30) { radix = 8; i = 1; }
  if (i === s.length) return 0;
  let n = 0;
  for (; i < s.length; i++) {
    const d = hexVal(s.charCodeAt(i));
    if (d < 0 || d >= radix) return -1;
    n = n * radix + d;
  }
  return n;
}

function parseIPv4(s) {
  const parts = s.split(".");
  if (parts[parts.length - 1] === "" && parts.length > 1) parts.pop();
  if (parts.length > 4) return FAILURE;
  const nums = [];
  for (const p of parts) {
    const n = parseIPv4Number(p);
    if (n < 0) return FAILURE;
    nums.push(n);
  }
  for (let i = 0; i < nums.length - 1; i++) if (nums[i] > 255) return FAILURE;
  const last = nums[nums.length - 1];
  if (last >= 256 ** (5 - nums.length)) return FAILURE;
  let ipv4 = last;
  for (let i = 0; i < nums.length - 1; i++) ipv4 += nums[i] * 256 ** (3 - i);
  return ipv4;
}

function serializeIPv4(n) {
  return ((n / 16777216) >>> 0) + "." + ((n >>> 16) & 255) + "." + ((n >>> 8) & 255) + "." + (n & 255);
}

function isHex(c) { return hexVal(c) >= 0; }
function isDigit(c) { return c >= 0x30 && c <= 0x39; }

// Returns an array of 8 pieces, or null.
function parseIPv6(s) {
  const addr = [0, 0, 0, 0, 0, 0, 0, 0];
  let pieceIndex = 0, compress = -1, p = 0;
  const n = s.length;
  const at = (i) => (i < n ? s.charCodeAt(i) : -1);
  if (at(p) === 0x3a) {
    if (at(p + 1) !== 0x3a) return FAILURE;
    p += 2;
    pieceIndex++;
    compress = pieceIndex;
  }
  while (at(p) !== -1) {
    if (pieceIndex === 8) return FAILURE;
    if (at(p) === 0x3a) {
      if (compress !== -1) return FAILURE;
      p++;
      pieceIndex++;
      compress = pieceIndex;
      continue;
    }
    let value = 0, length = 0;
    while (length < 4 && isHex(at(p))) {
      value = value * 16 + hexVal(at(p));
      p++;
      length++;
    }
    if (at(p) === 0x2e) {
      if (length === 0) return FAILURE;
      p -= length;
      if (pieceIndex > 6) return FAILURE;
      let numbersSeen = 0;
      while (at(p) !== -1) {
        let v4 = -1;
        if (numbersSeen > 0) {
          if (at(p) === 0x2e && numbersSeen < 4) p++;
          else return FAILURE;
        }
        if (!isDigit(at(p))) return FAILURE;
        while (isDigit(at(p))) {
          const num = at(p) - 0x30;
          if (v4 === -1) v4 = num;
          else if (v4 === 0) return FAILURE;
          else v4 = v4 * 10 + num;
          if (v4 > 255) return FAILURE;
          p++;
        }
        addr[pieceIndex] = addr[pieceIndex] * 256 + v4;
        numbersSeen++;
        if (numbersSeen === 2 || numbersSeen === 4) pieceIndex++;
      }
      if (numbersSeen !== 4) return FAILURE;
      break;
    } else if (at(p) === 0x3a) {
      p++;
      if (at(p) === -1) return FAILURE;
    } else if (at(p) !== -1) {
      return FAILURE;
    }
    addr[pieceIndex] = value;
    pieceIndex++;
  }
  if (compress !== -1) {
    let swaps = pieceIndex - compress;
    pieceIndex = 7;
    while (pieceIndex !== 0 && swaps > 0) {
      const t = addr[pieceIndex];
      addr[pieceIndex] = addr[compress + swaps - 1];
      addr[compress + swaps - 1] = t;
      pieceIndex--;
      swaps--;
    }
  } else if (pieceIndex !== 8) {
    return FAILURE;
  }
  return addr;
}

function serializeIPv6(addr) {
  // The first longest run of two or more zero pieces is compressed.
  let best = -1, bestLen = 1;
  for (let i = 0; i < 8;) {
    if (addr[i] !== 0) { i++; continue; }
    let j = i;
    while (j < 8 && addr[j] === 0) j++;
    if (j - i > bestLen) { best = i; bestLen = j - i; }
    i = j;
  }
  let out = "";
  let ignore0 = false;
  for (let i = 0; i < 8; i++) {
    if (ignore0 && addr[i] === 0) continue;
    ignore0 = false;
    if (best === i) {
      out += i === 0 ? "::" : ":";
      ignore0 = true;
      continue;
    }
    out += addr[i].toString(16);
    if (i !== 7) out += ":";
  }
  return out;
}

// ---------------------------------------------------------------------------------------
// The basic URL parser

const SCHEME_START = 1, SCHEME = 2, NO_SCHEME = 3, SPECIAL_RELATIVE_OR_AUTHORITY = 4,
  PATH_OR_AUTHORITY = 5, RELATIVE = 6, RELATIVE_SLASH = 7, SPECIAL_AUTHORITY_SLASHES = 8,
  SPECIAL_AUTHORITY_IGNORE_SLASHES = 9, AUTHORITY = 10, HOST = 11, HOSTNAME = 12, PORT = 13,
  FILE = 14, FILE_SLASH = 15, FILE_HOST = 16, PATH_START = 17, PATH = 18, OPAQUE_PATH = 19,
  QUERY = 20, FRAGMENT = 21;

function newRecord() {
  return { scheme: "", username: "", password: "", host: null, port: null, path: [], query: null, fragment: null };
}

function isAlpha(c) { return (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a); }

// Two code points: an ASCII alpha, then ":" (or also "|" unless normalizedOnly).
function isWindowsDriveLetter(s, normalizedOnly) {
  return s.length === 2 && isAlpha(s.charCodeAt(0)) &&
    (s.charCodeAt(1) === 0x3a || (!normalizedOnly && s.charCodeAt(1) === 0x7c));
}
function startsWithWindowsDriveLetter(s, i) {
  if (s.length - i < 2) return false;
  if (!isAlpha(s.charCodeAt(i))) return false;
  const d = s.charCodeAt(i + 1);
  if (d !== 0x3a && d !== 0x7c) return false;
  if (s.length - i === 2) return true;
  const e = s.charCodeAt(i + 2);
  return e === 0x2f || e === 0x5c || e === 0x3f || e === 0x23;
}

function isSingleDot(s) {
  return s === "." || (s.length === 3 && s.toLowerCase() === "%2e");
}
function isDoubleDot(s) {
  switch (s.length) {
    case 2: return s === "..";
    case 4: {
      const l = s.toLowerCase();
      return l === ".%2e" || l === "%2e.";
    }
    case 6: return s.toLowerCase() === "%2e%2e";
    default: return false;
  }
}

function shortenPath(url) {
  const path = url.path;
  if (url.scheme === "file" && path.length === 1 && isWindowsDriveLetter(path[0], true)) return;
  path.pop();
}

function includesCredentials(url) { return url.username !== "" || url.password !== ""; }
function hasOpaquePath(url) { return typeof url.path === "string"; }

// Index of the first code unit at or after i that is in the ASCII stop table (or with
// backslash too when special), else len. Lets states copy runs instead of single units.
function scanTo(input, i, len, stops, special) {
  for (; i < len; i++) {
    const d = input.charCodeAt(i);
    if (d < 128 && (stops[d] === 1 || (special && d === 0x5c))) return i;
  }
  return len;
}
function stopTable(chars) {
  const t = new Uint8Array(128);
  for (const ch of chars) t[ch.charCodeAt(0)] = 1;
  return t;
}
const STOP_PATH = stopTable("/?#");
const STOP_QUERY = stopTable("#");
const STOP_NONE = stopTable("");
const STOP_AUTHORITY = stopTable("@/?#");
const STOP_HOST = stopTable(":/?#[]");

const leadTrailC0 = /^[\u0000-\u0020]+|[\u0000-\u0020]+$/g;
const tabNewline = /[\t\n\r]/g;

// Returns the URL record (url, or a new one), or null on failure. With a state override,
// a null result means "nothing (more) was changed"; callers of overrides ignore it.
function basicParse(input, base, url, stateOverride) {
  if (url === undefined || url === null) {
    url = newRecord();
    const c0 = input.charCodeAt(0), cN = input.charCodeAt(input.length - 1);
    if (c0 <= 0x20 || cN <= 0x20) input = input.replace(leadTrailC0, "");
  }
  if (input.indexOf("\t") >= 0 || input.indexOf("\n") >= 0 || input.indexOf("\r") >= 0) {
    input = input.replace(tabNewline, "");
  }
  let state = stateOverride || SCHEME_START;
  let buffer = "";
  let atSignSeen = false, insideBrackets = false, passwordTokenSeen = false;
  const len = input.length;
  let pointer = 0;
  let special = isSpecialScheme(url.scheme);

  for (;;) {
    const c = pointer < len ? input.charCodeAt(pointer) : -1;
    switch (state) {
      case SCHEME_START:
        if (isAlpha(c)) {
          buffer += StringFromCharCode(c | 0x20);
          state = SCHEME;
        } else if (!stateOverride) {
          state = NO_SCHEME;
          pointer--;
        } else {
          return FAILURE;
        }
        break;

      case SCHEME:
        if (isAlpha(c) || isDigit(c) || c === 0x2b || c === 0x2d || c === 0x2e) {
          buffer += StringFromCharCode(c >= 0x41 && c <= 0x5a ? c | 0x20 : c);
        } else if (c === 0x3a) {
          if (stateOverride) {
            if (isSpecialScheme(url.scheme) !== isSpecialScheme(buffer)) return FAILURE;
            if ((includesCredentials(url) || url.port !== null) && buffer === "file") return FAILURE;
            if (url.scheme === "file" && url.host === "") return FAILURE;
          }
          url.scheme = buffer;
          special = isSpecialScheme(buffer);
          if (stateOverride) {
            if (url.port === defaultPort(url.scheme)) url.port = null;
            return url;
          }
          buffer = "";
          if (url.scheme === "file") {
            state = FILE;
          } else if (special && base !== null && base.scheme === url.scheme) {
            state = SPECIAL_RELATIVE_OR_AUTHORITY;
          } else if (special) {
            state = SPECIAL_AUTHORITY_SLASHES;
          } else if (input.charCodeAt(pointer + 1) === 0x2f) {
            state = PATH_OR_AUTHORITY;
            pointer++;
          } else {
            url.path = "";
            state = OPAQUE_PATH;
          }
        } else if (!stateOverride) {
          buffer = "";
          state = NO_SCHEME;
          pointer = -1;
        } else {
          return FAILURE;
        }
        break;

      case NO_SCHEME:
        if (base === null || (hasOpaquePath(base) && c !== 0x23)) return FAILURE;
        if (hasOpaquePath(base) && c === 0x23) {
          url.scheme = base.scheme;
          special = isSpecialScheme(url.scheme);
          url.path = base.path;
          url.query = base.query;
          url.fragment = "";
          state = FRAGMENT;
        } else if (base.scheme !== "file") {
          state = RELATIVE;
          pointer--;
        } else {
          state = FILE;
          pointer--;
        }
        break;

      case SPECIAL_RELATIVE_OR_AUTHORITY:
        if (c === 0x2f && input.charCodeAt(pointer + 1) === 0x2f) {
          state = SPECIAL_AUTHORITY_IGNORE_SLASHES;
          pointer++;
        } else {
          state = RELATIVE;
          pointer--;
        }
        break;

      case PATH_OR_AUTHORITY:
        if (c === 0x2f) {
          state = AUTHORITY;
        } else {
          state = PATH;
          pointer--;
        }
        break;

      case RELATIVE:
        url.scheme = base.scheme;
        special = isSpecialScheme(url.scheme);
        if (c === 0x2f || (special && c === 0x5c)) {
          state = RELATIVE_SLASH;
        } else {
          url.username = base.username;
          url.password = base.password;
          url.host = base.host;
          url.port = base.port;
          url.path = base.path.slice();
          url.query = base.query;
          if (c === 0x3f) {
            url.query = "";
            state = QUERY;
          } else if (c === 0x23) {
            url.fragment = "";
            state = FRAGMENT;
          } else if (c !== -1) {
            url.query = null;
            shortenPath(url);
            state = PATH;
            pointer--;
          }
        }
        break;

      case RELATIVE_SLASH:
        if (special && (c === 0x2f || c === 0x5c)) {
          state = SPECIAL_AUTHORITY_IGNORE_SLASHES;
        } else if (c === 0x2f) {
          state = AUTHORITY;
        } else {
          url.username = base.username;
          url.password = base.password;
          url.host = base.host;
          url.port = base.port;
          state = PATH;
          pointer--;
        }
        break;

      case SPECIAL_AUTHORITY_SLASHES:
        if (c === 0x2f && input.charCodeAt(pointer + 1) === 0x2f) {
          state = SPECIAL_AUTHORITY_IGNORE_SLASHES;
          pointer++;
        } else {
          state = SPECIAL_AUTHORITY_IGNORE_SLASHES;
          pointer--;
        }
        break;

      case SPECIAL_AUTHORITY_IGNORE_SLASHES:
        if (c !== 0x2f && c !== 0x5c) {
          state = AUTHORITY;
          pointer--;
        }
        break;

      case AUTHORITY:
        if (c === 0x40) {
          if (atSignSeen) buffer = "%40" + buffer;
          atSignSeen = true;
          if (passwordTokenSeen) {
            url.password += percentEncode(buffer, SET_USERINFO, false);
          } else {
            const colon = buffer.indexOf(":");
            if (colon < 0) {
              url.username += percentEncode(buffer, SET_USERINFO, false);
            } else {
              passwordTokenSeen = true;
              url.username += percentEncode(buffer.slice(0, colon), SET_USERINFO, false);
              url.password += percentEncode(buffer.slice(colon + 1), SET_USERINFO, false);
            }
          }
          buffer = "";
        } else if (c === -1 || c === 0x2f || c === 0x3f || c === 0x23 || (special && c === 0x5c)) {
          if (atSignSeen && buffer === "") return FAILURE;
          pointer -= buffer.length + 1;
          buffer = "";
          state = HOST;
        } else {
          const end = scanTo(input, pointer + 1, len, STOP_AUTHORITY, special);
          buffer += input.slice(pointer, end);
          pointer = end - 1;
        }
        break;

      case HOST:
      case HOSTNAME:
        if (stateOverride && url.scheme === "file") {
          pointer--;
          state = FILE_HOST;
        } else if (c === 0x3a && !insideBrackets) {
          if (buffer === "") return FAILURE;
          if (stateOverride === HOSTNAME) return FAILURE;
          const host = parseHost(buffer, !special);
          if (host === FAILURE) return FAILURE;
          url.host = host;
          buffer = "";
          state = PORT;
        } else if (c === -1 || c === 0x2f || c === 0x3f || c === 0x23 || (special && c === 0x5c)) {
          pointer--;
          if (special && buffer === "") return FAILURE;
          if (stateOverride && buffer === "" && (includesCredentials(url) || url.port !== null)) return FAILURE;
          const host = parseHost(buffer, !special);
          if (host === FAILURE) return FAILURE;
          url.host = host;
          buffer = "";
          state = PATH_START;
          if (stateOverride) return url;
        } else {
          if (c === 0x5b) insideBrackets = true;
          else if (c === 0x5d) insideBrackets = false;
          const end = scanTo(input, pointer + 1, len, STOP_HOST, special);
          buffer += input.slice(pointer, end);
          pointer = end - 1;
        }
        break;

      case PORT:
        if (isDigit(c)) {
          buffer += input[pointer];
        } else if (c === -1 || c === 0x2f || c === 0x3f || c === 0x23 || (special && c === 0x5c) || stateOverride) {
          if (buffer !== "") {
            const port = Number(buffer);
            if (port > 65535) return FAILURE;
            url.port = port === defaultPort(url.scheme) ? null : port;
            buffer = "";
            if (stateOverride) return url;
          }
          if (stateOverride) return FAILURE;
          state = PATH_START;
          pointer--;
        } else {
          return FAILURE;
        }
        break;

      case FILE:
        url.scheme = "file";
        special = true;
        url.host = "";
        if (c === 0x2f || c === 0x5c) {
          state = FILE_SLASH;
        } else if (base !== null && base.scheme === "file") {
          url.host = base.host;
          url.path = base.path.slice();
          url.query = base.query;
          if (c === 0x3f) {
            url.query = "";
            state = QUERY;
          } else if (c === 0x23) {
            url.fragment = "";
            state = FRAGMENT;
          } else if (c !== -1) {
            url.query = null;
            if (!startsWithWindowsDriveLetter(input, pointer)) shortenPath(url);
            else url.path = [];
            state = PATH;
            pointer--;
          }
        } else {
          state = PATH;
          pointer--;
        }
        break;

      case FILE_SLASH:
        if (c === 0x2f || c === 0x5c) {
          state = FILE_HOST;
        } else {
          if (base !== null && base.scheme === "file") {
            url.host = base.host;
            if (!startsWithWindowsDriveLetter(input, pointer) && base.path.length > 0 &&
                isWindowsDriveLetter(base.path[0], true)) {
              url.path.push(base.path[0]);
            }
          }
          state = PATH;
          pointer--;
        }
        break;

      case FILE_HOST:
        if (c === -1 || c === 0x2f || c === 0x5c || c === 0x3f || c === 0x23) {
          pointer--;
          if (!stateOverride && isWindowsDriveLetter(buffer, false)) {
            state = PATH;
          } else if (buffer === "") {
            url.host = "";
            if (stateOverride) return url;
            state = PATH_START;
          } else {
            let host = parseHost(buffer, !special);
            if (host === FAILURE) return FAILURE;
            if (host === "localhost") host = "";
            url.host = host;
            if (stateOverride) return url;
            buffer = "";
            state = PATH_START;
          }
        } else {
          buffer += input[pointer];
        }
        break;

      case PATH_START:
        if (special) {
          state = PATH;
          if (c !== 0x2f && c !== 0x5c) pointer--;
        } else if (!stateOverride && c === 0x3f) {
          url.query = "";
          state = QUERY;
        } else if (!stateOverride && c === 0x23) {
          url.fragment = "";
          state = FRAGMENT;
        } else if (c !== -1) {
          state = PATH;
          if (c !== 0x2f) pointer--;
        } else if (stateOverride && url.host === null) {
          url.path.push("");
        }
        break;

      case PATH:
        if (c === -1 || c === 0x2f || (special && c === 0x5c) || (!stateOverride && (c === 0x3f || c === 0x23))) {
          const slash = c === 0x2f || (special && c === 0x5c);
          if (isDoubleDot(buffer)) {
            shortenPath(url);
            if (!slash) url.path.push("");
          } else if (isSingleDot(buffer)) {
            if (!slash) url.path.push("");
          } else {
            if (url.scheme === "file" && url.path.length === 0 && isWindowsDriveLetter(buffer, false)) {
              buffer = buffer[0] + ":";
            }
            url.path.push(percentEncode(buffer, SET_PATH, false));
          }
          buffer = "";
          if (c === 0x3f) {
            url.query = "";
            state = QUERY;
          } else if (c === 0x23) {
            url.fragment = "";
            state = FRAGMENT;
          }
        } else {
          const end = scanTo(input, pointer + 1, len, STOP_PATH, special);
          buffer += input.slice(pointer, end);
          pointer = end - 1;
        }
        break;

      case OPAQUE_PATH:
        if (c === 0x3f || c === 0x23 || c === -1) {
          url.path += percentEncode(buffer, SET_C0, false);
          buffer = "";
          if (c === 0x3f) {
            url.query = "";
            state = QUERY;
          } else if (c === 0x23) {
            url.fragment = "";
            state = FRAGMENT;
          }
        } else if (c === 0x20) {
          const next = input.charCodeAt(pointer + 1);
          buffer += next === 0x3f || next === 0x23 ? "%20" : " ";
        } else {
          buffer += input[pointer];
        }
        break;

      case QUERY:
        if ((!stateOverride && c === 0x23) || c === -1) {
          url.query += percentEncode(buffer, special ? SET_SPECIAL_QUERY : SET_QUERY, false);
          buffer = "";
          if (c === 0x23) {
            url.fragment = "";
            state = FRAGMENT;
          }
        } else {
          const end = scanTo(input, pointer + 1, len, STOP_QUERY, false);
          buffer += input.slice(pointer, end);
          pointer = end - 1;
        }
        break;

      case FRAGMENT:
        if (c === -1) {
          url.fragment += percentEncode(buffer, SET_FRAGMENT, false);
        } else {
          buffer += input.slice(pointer);
          pointer = len - 1;
        }
        break;
    }
    if (pointer >= len) break;
    pointer++;
  }
  return url;
}

// The common case: an http(s)/ws(s) URL of plain ASCII with a lowercase-able domain, no
// credentials, no dot segments, nothing to percent-encode. Anything else goes to the
// state machine. The result is identical to basicParse's.
const fastRe = /^(https?|wss?):\/\/([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.?)(?::([0-9]{1,5}))?(\/[A-Za-z0-9\-._~!$&'()*+,;=:@/%]*)?(?:\?([A-Za-z0-9\-._~!$&()*+,;=:@/?%[\]\\^`{|}]*))?$/;
const fastDotRe = /\/(?:\.|%2e)(?:\.|%2e)?(?:\/|$)/i;
const hasUpperRe = /[A-Z]/;
// A host whose last label ends in a letter beyond "f" (other than "x") cannot end in a number.
const mayEndInNumberRe = /[0-9a-fx]\.?$/;
function fastParse(input) {
  const m = fastRe.exec(input);
  if (m === null) return null;
  let host = m[2];
  if (hasUpperRe.test(host)) host = host.toLowerCase();
  // Punycode labels need validation; numeric last labels are IPv4 addresses.
  if (host.indexOf("xn--") >= 0 && xnPrefixRe.test(host)) return null;
  if (mayEndInNumberRe.test(host) && endsInANumber(host)) return null;
  const scheme = m[1];
  let port = null;
  if (m[3] !== undefined) {
    port = +m[3];
    if (port > 65535) return null;
    if (port === specialPorts[scheme]) port = null;
  }
  const rawPath = m[4];
  let path;
  if (rawPath === undefined || rawPath.length === 1) {
    path = [""];
  } else {
    if ((rawPath.indexOf(".") >= 0 || rawPath.indexOf("%") >= 0) && fastDotRe.test(rawPath)) return null;
    path = rawPath.indexOf("/", 1) < 0 ? [rawPath.slice(1)] : rawPath.slice(1).split("/");
  }
  const query = m[5] === undefined ? null : m[5];
  return { scheme, username: "", password: "", host, port, path, query, fragment: null };
}

function parseURL(input, base) {
  if (base === null || base === undefined) {
    const r = fastParse(input);
    if (r !== null) return r;
    base = null;
  }
  return basicParse(input, base, null, 0);
}

function serializePath(url) {
  const path = url.path;
  if (typeof path === "string") return path;
  let out = "";
  for (let i = 0; i < path.length; i++) out += "/" + path[i];
  return out;
}

function serializeURL(url, excludeFragment) {
  let out = url.scheme + ":";
  if (url.host !== null) {
    out += "//";
    if (url.username !== "" || url.password !== "") {
      out += url.username;
      if (url.password !== "") out += ":" + url.password;
      out += "@";
    }
    out += url.host;
    if (url.port !== null) out += ":" + url.port;
  } else if (typeof url.path !== "string" && url.path.length > 1 && url.path[0] === "") {
    out += "/.";
  }
  out += serializePath(url);
  if (url.query !== null) out += "?" + url.query;
  if (!excludeFragment && url.fragment !== null) out += "#" + url.fragment;
  return out;
}

function serializeOrigin(url) {
  switch (url.scheme) {
    case "blob": {
      const inner = parseURL(serializePath(url), null);
      if (inner !== null && (inner.scheme === "http" || inner.scheme === "https")) return serializeOrigin(inner);
      return "null";
    }
    case "ftp":
    case "http":
    case "https":
    case "ws":
    case "wss":
      return url.scheme + "://" + url.host + (url.port !== null ? ":" + url.port : "");
    default:
      return "null";
  }
}

priv.parseURL = function (input, base) {
  let baseRecord = null;
  if (base !== undefined && base !== null) {
    baseRecord = typeof base === "string" ? parseURL(base, null) : base;
    if (baseRecord === null) return null;
  }
  return parseURL(input, baseRecord);
};
priv.serializeURL = serializeURL;
// The parser's pieces, for URLPattern's canonicalization (25_urlpattern.js).
priv.urlParser = {
  basicParse, newRecord, serializePath, parseURL, isSpecialScheme, defaultPort, percentEncode,
  SET_USERINFO, SCHEME_START, HOSTNAME, PORT, PATH_START, OPAQUE_PATH, QUERY, FRAGMENT,
};
priv.serializeOrigin = serializeOrigin;
priv.percentEncode = percentEncode;
priv.percentDecodeString = percentDecodeString;

// ---------------------------------------------------------------------------------------
// application/x-www-form-urlencoded

function formDecode(s) {
  if (s.indexOf("+") >= 0) s = s.replace(/\+/g, " ");
  return percentDecodeString(s);
}

// Parses into a flat [name, value, name, value, ...] list.
function parseForm(input) {
  const list = [];
  if (input === "") return list;
  let start = 0;
  const n = input.length;
  while (start <= n) {
    let end = input.indexOf("&", start);
    if (end < 0) end = n;
    if (end > start) {
      const eq = input.indexOf("=", start);
      let name, value;
      if (eq < 0 || eq > end) {
        name = input.slice(start, end);
        value = "";
      } else {
        name = input.slice(start, eq);
        value = input.slice(eq + 1, end);
      }
      list.push(formDecode(name), formDecode(value));
    }
    start = end + 1;
  }
  return list;
}

function serializeForm(list) {
  let out = "";
  for (let i = 0; i < list.length; i += 2) {
    if (i > 0) out += "&";
    out += percentEncode(list[i], SET_FORM, true) + "=" + percentEncode(list[i + 1], SET_FORM, true);
  }
  return out;
}
priv.parseForm = parseForm;
priv.serializeForm = serializeForm;

// ---------------------------------------------------------------------------------------
// URLSearchParams

let getParamsList, setParamsList, newLinkedParams; // filled by the class's static block
let getURLRecord; // filled by URL's static block

const INIT_TOKEN = Symbol("URLSearchParams.internal");

class URLSearchParams {
  #list;
  #url = null; // the URL object whose query this mirrors, or null

  constructor(init = undefined) {
    if (init === INIT_TOKEN) {
      this.#list = [];
      return;
    }
    const list = [];
    if (init === undefined) {
      // empty
    } else if (init !== null && (typeof init === "object" || typeof init === "function")) {
      const method = init[SymbolIterator];
      if (method !== undefined && method !== null) {
        if (typeof method !== "function") {
          throw new TypeError("Failed to construct 'URLSearchParams': The object's Symbol.iterator is not a function.");
        }
        for (const pair of { [SymbolIterator]() { return method.call(init); } }) {
          if (pair === null || (typeof pair !== "object" && typeof pair !== "function") ||
              typeof pair[SymbolIterator] !== "function") {
            throw new TypeError("Failed to construct 'URLSearchParams': Each query pair must be an iterable [name, value] tuple.");
          }
          const items = [...pair];
          if (items.length !== 2) {
            throw new TypeError("Failed to construct 'URLSearchParams': Each query pair must be a [name, value] tuple of length 2.");
          }
          list.push(toUSVString(items[0]), toUSVString(items[1]));
        }
      } else {
        const seen = new Map();
        for (const key of Reflect.ownKeys(init)) {
          const desc = Reflect.getOwnPropertyDescriptor(init, key);
          if (desc === undefined || !desc.enumerable) continue;
          const name = toUSVString(key);
          const value = toUSVString(init[key]);
          const at = seen.get(name);
          if (at !== undefined) {
            list[at + 1] = value;
          } else {
            seen.set(name, list.length);
            list.push(name, value);
          }
        }
      }
    } else {
      let s = toUSVString(init);
      if (s.charCodeAt(0) === 0x3f) s = s.slice(1);
      this.#list = parseForm(s);
      return;
    }
    this.#list = list;
  }

  static {
    getParamsList = (p) => p.#list;
    setParamsList = (p, list) => { p.#list = list; };
    newLinkedParams = (urlObject, query) => {
      const p = new URLSearchParams(INIT_TOKEN);
      p.#url = urlObject;
      if (query !== null && query !== "") p.#list = parseForm(query);
      return p;
    };
  }

  #update() {
    const u = this.#url;
    if (u === null) return;
    const record = getURLRecord(u);
    const s = serializeForm(this.#list);
    record.query = s === "" ? null : s;
  }

  get size() {
    return this.#list.length >> 1;
  }

  append(name, value) {
    requiredArgs(arguments.length, 2, "URLSearchParams.append");
    this.#list.push(toUSVString(name), toUSVString(value));
    this.#update();
  }

  delete(name, value = undefined) {
    requiredArgs(arguments.length, 1, "URLSearchParams.delete");
    name = toUSVString(name);
    const list = this.#list;
    const out = [];
    if (value === undefined) {
      for (let i = 0; i < list.length; i += 2) if (list[i] !== name) out.push(list[i], list[i + 1]);
    } else {
      value = toUSVString(value);
      for (let i = 0; i < list.length; i += 2) {
        if (list[i] !== name || list[i + 1] !== value) out.push(list[i], list[i + 1]);
      }
    }
    this.#list = out;
    this.#update();
  }

  get(name) {
    requiredArgs(arguments.length, 1, "URLSearchParams.get");
    name = toUSVString(name);
    const list = this.#list;
    for (let i = 0; i < list.length; i += 2) if (list[i] === name) return list[i + 1];
    return null;
  }

  getAll(name) {
    requiredArgs(arguments.length, 1, "URLSearchParams.getAll");
    name = toUSVString(name);
    const list = this.#list;
    const out = [];
    for (let i = 0; i < list.length; i += 2) if (list[i] === name) out.push(list[i + 1]);
    return out;
  }

  has(name, value = undefined) {
    requiredArgs(arguments.length, 1, "URLSearchParams.has");
    name = toUSVString(name);
    const list = this.#list;
    if (value === undefined) {
      for (let i = 0; i < list.length; i += 2) if (list[i] === name) return true;
      return false;
    }
    value = toUSVString(value);
    for (let i = 0; i < list.length; i += 2) if (list[i] === name && list[i + 1] === value) return true;
    return false;
  }

  set(name, value) {
    requiredArgs(arguments.length, 2, "URLSearchParams.set");
    name = toUSVString(name);
    value = toUSVString(value);
    const list = this.#list;
    let found = -1;
    for (let i = 0; i < list.length; i += 2) {
      if (list[i] !== name) continue;
      if (found < 0) {
        found = i;
        list[i + 1] = value;
      } else {
        list.splice(i, 2);
        i -= 2;
      }
    }
    if (found < 0) list.push(name, value);
    this.#update();
  }

  sort() {
    const list = this.#list;
    const pairs = [];
    for (let i = 0; i < list.length; i += 2) pairs.push([list[i], list[i + 1]]);
    // Array.prototype.sort is stable; < compares UTF-16 code units, as the spec asks.
    pairs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    const out = [];
    for (const p of pairs) out.push(p[0], p[1]);
    this.#list = out;
    this.#update();
  }

  forEach(callback, thisArg = undefined) {
    requiredArgs(arguments.length, 1, "URLSearchParams.forEach");
    if (typeof callback !== "function") {
      throw new TypeError("URLSearchParams.forEach: argument 1 is not a function.");
    }
    for (let i = 0; i < this.#list.length; i += 2) {
      const list = this.#list;
      callback.call(thisArg, list[i + 1], list[i], this);
    }
  }

  entries() { return newParamsIterator(this, 2); }
  keys() { return newParamsIterator(this, 0); }
  values() { return newParamsIterator(this, 1); }

  toString() {
    return serializeForm(this.#list);
  }
}

ObjectDefineProperty(URLSearchParams.prototype, SymbolIterator, {
  value: URLSearchParams.prototype.entries, writable: true, configurable: true, enumerable: false,
});
ObjectDefineProperty(URLSearchParams.prototype, SymbolToStringTag, {
  value: "URLSearchParams", configurable: true,
});

// Iterators follow WebIDL: they index into the live list, so they see later mutation.
const IteratorPrototype = Object.getPrototypeOf(Object.getPrototypeOf([][SymbolIterator]()));
const paramsIteratorState = new WeakMap();
const ParamsIteratorPrototype = Object.create(IteratorPrototype, {
  next: {
    value: function next() {
      const st = paramsIteratorState.get(this);
      if (st === undefined) throw new TypeError("next called on an object that is not a URLSearchParams Iterator");
      const list = getParamsList(st.target);
      const i = st.index;
      if (i >= list.length) return { value: undefined, done: true };
      st.index = i + 2;
      const value = st.kind === 0 ? list[i] : st.kind === 1 ? list[i + 1] : [list[i], list[i + 1]];
      return { value, done: false };
    },
    writable: true, enumerable: true, configurable: true,
  },
  [SymbolToStringTag]: { value: "URLSearchParams Iterator", configurable: true },
});
function newParamsIterator(target, kind) {
  getParamsList(target); // brand check
  const it = Object.create(ParamsIteratorPrototype);
  paramsIteratorState.set(it, { target, kind, index: 0 });
  return it;
}

// ---------------------------------------------------------------------------------------
// URL

function cannotHaveUsernamePasswordPort(u) {
  return u.host === null || u.host === "" || u.scheme === "file";
}

const FROM_RECORD = Symbol("URL.fromRecord");

class URL {
  #url;
  #query = null; // URLSearchParams, made on first use

  constructor(url, base = undefined) {
    if (url === FROM_RECORD) {
      this.#url = base;
      return;
    }
    requiredArgs(arguments.length, 1, "Failed to construct 'URL'");
    url = toUSVString(url);
    let baseRecord = null;
    if (base !== undefined) {
      base = toUSVString(base);
      baseRecord = parseURL(base, null);
      if (baseRecord === null) throw new TypeError(`Invalid base URL: ${base}`);
    }
    const record = parseURL(url, baseRecord);
    if (record === null) throw new TypeError(`Invalid URL: ${url}`);
    this.#url = record;
  }

  static {
    getURLRecord = (u) => u.#url;
    priv.urlRecord = getURLRecord;
    // Wraps a record (from priv.parseURL) in a URL object without parsing again.
    priv.newURLFromRecord = (record) => new URL(FROM_RECORD, record);
  }

  static parse(url, base = undefined) {
    requiredArgs(arguments.length, 1, "URL.parse");
    try {
      return new URL(url, base);
    } catch {
      return null;
    }
  }

  static canParse(url, base = undefined) {
    requiredArgs(arguments.length, 1, "URL.canParse");
    url = toUSVString(url);
    let baseRecord = null;
    if (base !== undefined) {
      baseRecord = parseURL(toUSVString(base), null);
      if (baseRecord === null) return false;
    }
    return parseURL(url, baseRecord) !== null;
  }

  #params() {
    if (this.#query === null) this.#query = newLinkedParams(this, this.#url.query);
    return this.#query;
  }

  #resetQuery() {
    const q = this.#query;
    if (q !== null) setParamsList(q, this.#url.query ? parseForm(this.#url.query) : []);
  }

  get href() { return serializeURL(this.#url, false); }
  set href(value) {
    value = toUSVString(value);
    const record = parseURL(value, null);
    if (record === null) throw new TypeError(`Invalid URL: ${value}`);
    this.#url = record;
    this.#resetQuery();
  }

  get origin() { return serializeOrigin(this.#url); }

  get protocol() { return this.#url.scheme + ":"; }
  set protocol(value) {
    basicParse(toUSVString(value) + ":", null, this.#url, SCHEME_START);
  }

  get username() { return this.#url.username; }
  set username(value) {
    value = toUSVString(value);
    const u = this.#url;
    if (cannotHaveUsernamePasswordPort(u)) return;
    u.username = percentEncode(value, SET_USERINFO, false);
  }

  get password() { return this.#url.password; }
  set password(value) {
    value = toUSVString(value);
    const u = this.#url;
    if (cannotHaveUsernamePasswordPort(u)) return;
    u.password = percentEncode(value, SET_USERINFO, false);
  }

  get host() {
    const u = this.#url;
    if (u.host === null) return "";
    if (u.port === null) return u.host;
    return u.host + ":" + u.port;
  }
  set host(value) {
    value = toUSVString(value);
    const u = this.#url;
    if (hasOpaquePath(u)) return;
    this.#override(value, HOST);
  }

  get hostname() {
    const h = this.#url.host;
    return h === null ? "" : h;
  }
  set hostname(value) {
    value = toUSVString(value);
    if (hasOpaquePath(this.#url)) return;
    this.#override(value, HOSTNAME);
  }

  get port() {
    const p = this.#url.port;
    return p === null ? "" : String(p);
  }
  set port(value) {
    value = toUSVString(value);
    const u = this.#url;
    if (cannotHaveUsernamePasswordPort(u)) return;
    if (value === "") u.port = null;
    else this.#override(value, PORT);
  }

  get pathname() { return serializePath(this.#url); }
  set pathname(value) {
    value = toUSVString(value);
    const u = this.#url;
    if (hasOpaquePath(u)) return;
    u.path = [];
    basicParse(value, null, u, PATH_START);
  }

  get search() {
    const q = this.#url.query;
    return q === null || q === "" ? "" : "?" + q;
  }
  set search(value) {
    value = toUSVString(value);
    const u = this.#url;
    if (value === "") {
      u.query = null;
      if (this.#query !== null) setParamsList(this.#query, []);
      return;
    }
    const input = value.charCodeAt(0) === 0x3f ? value.slice(1) : value;
    u.query = "";
    basicParse(input, null, u, QUERY);
    if (this.#query !== null) setParamsList(this.#query, parseForm(input));
  }

  get searchParams() { return this.#params(); }

  get hash() {
    const f = this.#url.fragment;
    return f === null || f === "" ? "" : "#" + f;
  }
  set hash(value) {
    value = toUSVString(value);
    const u = this.#url;
    if (value === "") {
      u.fragment = null;
      return;
    }
    const input = value.charCodeAt(0) === 0x23 ? value.slice(1) : value;
    u.fragment = "";
    basicParse(input, null, u, FRAGMENT);
  }

  // A state-override parse changes the record in place, as the spec's setters do (a
  // failure part-way keeps what was already set, e.g. the host of "example.com:99999").
  #override(value, state) {
    basicParse(value, null, this.#url, state);
  }

  toString() { return serializeURL(this.#url, false); }
  toJSON() { return serializeURL(this.#url, false); }
}

ObjectDefineProperty(URL.prototype, SymbolToStringTag, { value: "URL", configurable: true });
for (const name of ["href", "origin", "protocol", "username", "password", "host", "hostname", "port",
  "pathname", "search", "searchParams", "hash"]) {
  const d = Object.getOwnPropertyDescriptor(URL.prototype, name);
  d.enumerable = true;
  ObjectDefineProperty(URL.prototype, name, d);
}
for (const name of ["toString", "toJSON"]) {
  const d = Object.getOwnPropertyDescriptor(URL.prototype, name);
  d.enumerable = true;
  ObjectDefineProperty(URL.prototype, name, d);
}
// Static operations are enumerable too (WebIDL).
for (const name of ["parse", "canParse"]) {
  const d = Object.getOwnPropertyDescriptor(URL, name);
  d.enumerable = true;
  ObjectDefineProperty(URL, name, d);
}
for (const name of ["append", "delete", "get", "getAll", "has", "set", "sort", "forEach", "entries",
  "keys", "values", "toString", "size"]) {
  const d = Object.getOwnPropertyDescriptor(URLSearchParams.prototype, name);
  d.enumerable = true;
  ObjectDefineProperty(URLSearchParams.prototype, name, d);
}

priv.URL = URL;
priv.URLSearchParams = URLSearchParams;
core.defineGlobal("URL", URL);
core.defineGlobal("URLSearchParams", URLSearchParams);

// ---------------------------------------------------------------------------------------
// IDNA: domain to ASCII (UTS #46, non-transitional, CheckHyphens=false, CheckBidi=true,
// CheckJoiners=true, UseSTD3ASCIIRules=false, VerifyDnsLength=false).

const xnPrefixRe = /(?:^|\.)xn--/i;
const nonASCIIRe = /[^\u0000-\u007f]/;

function domainToASCII(domain, beStrict) {
  let result;
  if (!nonASCIIRe.test(domain) && !xnPrefixRe.test(domain)) {
    result = domain.toLowerCase();
  } else {
    result = uts46ToASCII(domain);
    if (result === null) return FAILURE;
  }
  if (result === "") return FAILURE;
  return result;
}
priv.domainToASCII = domainToASCII;

// The table (23_idna_data.js) is decoded on first use of a non-ASCII or punycode domain.
let idnaTable = null;

function decodeBoundaries(s, re) {
  const starts = [];
  let kinds = "";
  let cp = 0;
  for (const m of s.matchAll(re)) {
    cp += parseInt(m[1], 36);
    starts.push(cp);
    kinds += m[2];
  }
  return { starts: Int32Array.from(starts), kinds };
}

function loadIdna() {
  const d = priv.idnaData;
  const explicit = new Map();
  const maps = d.explicitMappings.split("\u0000");
  let cp = 0, i = 0;
  for (const delta of d.explicitCodePoints.split(",")) {
    if (delta === "") continue;
    cp += parseInt(delta, 36);
    explicit.set(cp, maps[i++]);
  }
  idnaTable = {
    status: decodeBoundaries(d.ranges, /([0-9A-Z]+)([axe])/g),
    joining: decodeBoundaries(d.joining, /([0-9A-Z]+)([udlrt])/g),
    bidi: decodeBoundaries(d.bidi, /([0-9A-Z]+)([a-z])/g),
    explicit,
    virama: new Set(d.virama.split(",").map((x) => parseInt(x, 36))),
  };
  return idnaTable;
}

// The kind letter of the range holding cp.
function lookupKind(t, cp) {
  const starts = t.starts;
  let lo = 0, hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid] <= cp) lo = mid;
    else hi = mid - 1;
  }
  return t.kinds[lo];
}

// The UTS #46 mapping of one code point (as a string), or null if it is disallowed.
function idnaMap(t, ch, cp) {
  if (cp < 0x80) return cp >= 0x41 && cp <= 0x5a ? StringFromCharCode(cp | 0x20) : ch;
  const kind = lookupKind(t.status, cp);
  if (kind === "x") return null;
  if (kind === "e") return t.explicit.get(cp);
  let s = "";
  for (const c of ch.toLowerCase().normalize("NFKC")) s += c.toLowerCase();
  return s;
}

function isValidCodePoint(t, ch, cp) {
  const m = idnaMap(t, ch, cp);
  return m !== null && (m === ch || m.normalize("NFC") === ch);
}

const leadingMarkRe = /^\p{M}/u;

function uts46ToASCII(domain) {
  const t = idnaTable || loadIdna();
  // 1. Map.
  let mapped = "";
  for (const ch of domain) {
    const m = idnaMap(t, ch, ch.codePointAt(0));
    if (m === null) return null;
    mapped += m;
  }
  // 2. Normalize. 3. Break into labels.
  const labels = mapped.normalize("NFC").split(".");
  // 4. Convert and validate each label.
  const unicodeLabels = [];
  for (let i = 0; i < labels.length; i++) {
    const label = labels[i];
    if (label.startsWith("xn--")) {
      if (nonASCIIRe.test(label)) return null;
      const decoded = punycodeDecode(label.slice(4));
      if (decoded === null || decoded === "" || !nonASCIIRe.test(decoded)) return null;
      unicodeLabels.push(decoded);
      if (!validLabel(t, decoded, true)) return null;
    } else {
      unicodeLabels.push(label);
      if (!validLabel(t, label, false)) return null;
      if (nonASCIIRe.test(label)) labels[i] = "xn--" + punycodeEncode(label);
    }
  }
  if (!checkBidi(t, unicodeLabels)) return null;
  return labels.join(".");
}

function validLabel(t, label, fromPunycode) {
  if (label === "") return true;
  if (fromPunycode) {
    if (label.normalize("NFC") !== label) return false;
    if (label.startsWith("xn--")) return false;
    if (label.indexOf(".") >= 0) return false;
  }
  if (leadingMarkRe.test(label)) return false;
  const cps = [];
  for (const ch of label) {
    const cp = ch.codePointAt(0);
    if (cp >= 0x80 && !isValidCodePoint(t, ch, cp)) return false;
    cps.push(cp);
  }
  // CheckJoiners (RFC 5892 appendix A.1 and A.2).
  for (let i = 0; i < cps.length; i++) {
    const cp = cps[i];
    if (cp !== 0x200c && cp !== 0x200d) continue;
    if (i > 0 && t.virama.has(cps[i - 1])) continue;
    if (cp === 0x200d) return false;
    let j = i - 1;
    while (j >= 0 && lookupKind(t.joining, cps[j]) === "t") j--;
    const before = j >= 0 ? lookupKind(t.joining, cps[j]) : "u";
    if (before !== "l" && before !== "d") return false;
    j = i + 1;
    while (j < cps.length && lookupKind(t.joining, cps[j]) === "t") j++;
    const after = j < cps.length ? lookupKind(t.joining, cps[j]) : "u";
    if (after !== "r" && after !== "d") return false;
  }
  return true;
}

// CheckBidi (RFC 5893 section 2), applied when the domain has an RTL label.
function checkBidi(t, labels) {
  let bidiDomain = false;
  const classes = [];
  for (const label of labels) {
    let cls = "";
    for (const ch of label) {
      const cp = ch.codePointAt(0);
      const k = cp < 0x80 ? asciiBidi(cp) : lookupKind(t.bidi, cp);
      if (k === "r" || k === "a" || k === "n") bidiDomain = true;
      cls += k;
    }
    classes.push(cls);
  }
  if (!bidiDomain) return true;
  for (const cls of classes) {
    if (cls === "") continue;
    const first = cls[0];
    let end = cls.length - 1;
    while (end > 0 && cls[end] === "m") end--;
    const last = cls[end];
    if (first === "r" || first === "a") {
      if (/[^raencstobm]/.test(cls)) return false;
      if (last !== "r" && last !== "a" && last !== "e" && last !== "n") return false;
      if (cls.indexOf("e") >= 0 && cls.indexOf("n") >= 0) return false;
    } else if (first === "l") {
      if (/[^lescotbm]/.test(cls)) return false;
      if (last !== "l" && last !== "e") return false;
    } else {
      return false;
    }
  }
  return true;
}

function asciiBidi(cp) {
  if (isAlpha(cp)) return "l";
  if (isDigit(cp)) return "e";
  if (cp === 0x2b || cp === 0x2d) return "s";
  if (cp === 0x2c || cp === 0x2e || cp === 0x2f || cp === 0x3a) return "c";
  if (cp === 0x23 || cp === 0x24 || cp === 0x25) return "t";
  if (cp < 0x20 || cp === 0x7f) return cp === 0x09 || cp === 0x0b || cp === 0x1f ? "o" : "b";
  return "o";
}

// Punycode (RFC 3492).
const PC_BASE = 36, PC_TMIN = 1, PC_TMAX = 26, PC_SKEW = 38, PC_DAMP = 700;
const PC_MAXINT = 0x7fffffff;

function punycodeAdapt(delta, numPoints, firstTime) {
  delta = firstTime ? Math.floor(delta / PC_DAMP) : delta >> 1;
  delta += Math.floor(delta / numPoints);
  let k = 0;
  while (delta > ((PC_BASE - PC_TMIN) * PC_TMAX) >> 1) {
    delta = Math.floor(delta / (PC_BASE - PC_TMIN));
    k += PC_BASE;
  }
  return k + Math.floor(((PC_BASE - PC_TMIN + 1) * delta) / (delta + PC_SKEW));
}

function punycodeDecode(input) {
  const output = [];
  let n = 128, i = 0, bias = 72;
  const b = input.lastIndexOf("-");
  let pos = 0;
  if (b >= 0) {
    for (let j = 0; j < b; j++) {
      const c = input.charCodeAt(j);
      if (c >= 0x80) return null;
      output.push(c);
    }
    pos = b + 1;
  }
  const len = input.length;
  while (pos < len) {
    const oldi = i;
    let w = 1;
    for (let k = PC_BASE; ; k += PC_BASE) {
      if (pos >= len) return null;
      const c = input.charCodeAt(pos++);
      const digit = c >= 0x30 && c <= 0x39 ? c - 22 : c >= 0x41 && c <= 0x5a ? c - 0x41 :
        c >= 0x61 && c <= 0x7a ? c - 0x61 : -1;
      if (digit < 0) return null;
      if (digit > Math.floor((PC_MAXINT - i) / w)) return null;
      i += digit * w;
      const th = k <= bias ? PC_TMIN : k >= bias + PC_TMAX ? PC_TMAX : k - bias;
      if (digit < th) break;
      if (w > Math.floor(PC_MAXINT / (PC_BASE - th))) return null;
      w *= PC_BASE - th;
    }
    const count = output.length + 1;
    bias = punycodeAdapt(i - oldi, count, oldi === 0);
    if (Math.floor(i / count) > PC_MAXINT - n) return null;
    n += Math.floor(i / count);
    i %= count;
    if (n > 0x10ffff || (n >= 0xd800 && n <= 0xdfff)) return null;
    output.splice(i, 0, n);
    i++;
  }
  return StringFromCodePoint(...output);
}

function punycodeEncode(label) {
  const cps = [];
  for (const ch of label) cps.push(ch.codePointAt(0));
  let n = 128, delta = 0, bias = 72;
  let output = "";
  for (const c of cps) if (c < 0x80) output += StringFromCharCode(c);
  const b = output.length;
  let h = b;
  if (b > 0) output += "-";
  while (h < cps.length) {
    let m = 0x7fffffff;
    for (const c of cps) if (c >= n && c < m) m = c;
    delta += (m - n) * (h + 1);
    n = m;
    for (const c of cps) {
      if (c < n) delta++;
      if (c === n) {
        let q = delta;
        for (let k = PC_BASE; ; k += PC_BASE) {
          const th = k <= bias ? PC_TMIN : k >= bias + PC_TMAX ? PC_TMAX : k - bias;
          if (q < th) break;
          output += punycodeDigit(th + ((q - th) % (PC_BASE - th)));
          q = Math.floor((q - th) / (PC_BASE - th));
        }
        output += punycodeDigit(q);
        bias = punycodeAdapt(delta, h + 1, h === b);
        delta = 0;
        h++;
      }
    }
    delta++;
    n++;
  }
  return output;
}

function punycodeDigit(d) {
  return StringFromCharCode(d < 26 ? 0x61 + d : 0x16 + d);
}
