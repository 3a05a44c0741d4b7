// MIME types (WHATWG MIME Sniffing: parse and serialize) and Fetch's "extract a MIME
// type" from a header list. A parsed MIME type is a plain record:
//   { type, subtype, params: Map(name → value) }   (type, subtype and names lower-cased)
//   priv.parseMimeType(string)        → record, or null on failure
//   priv.serializeMimeType(record)    → string
//   priv.mimeEssence(record)          → "type/subtype"
//   priv.extractMimeType(values)      → record or null, from the Content-Type values
//                                       (one combined header value, as Headers.get gives)

const tokenRe = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
// HTTP quoted-string token code points: tab, space to tilde, and U+0080 to U+00FF.
const quotedTokenRe = /^[\t\x20-\x7e\x80-\xff]*$/;

function isHTTPWhitespace(c) {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
}

function trimHTTPWhitespace(s) {
  let a = 0, b = s.length;
  while (a < b && isHTTPWhitespace(s.charCodeAt(a))) a++;
  while (b > a && isHTTPWhitespace(s.charCodeAt(b - 1))) b--;
  return a === 0 && b === s.length ? s : s.slice(a, b);
}

// Collects an HTTP quoted string starting at s[pos] === '"'. Returns [value, newPos];
// with extract false the value is the raw text including the quotes.
function collectQuoted(s, pos, extract) {
  const start = pos;
  let value = "";
  pos++;
  for (;;) {
    let i = pos;
    while (i < s.length && s[i] !== '"' && s[i] !== "\\") i++;
    value += s.slice(pos, i);
    pos = i;
    if (pos >= s.length) break;
    const q = s[pos];
    pos++;
    if (q === "\\") {
      if (pos >= s.length) {
        value += "\\";
        break;
      }
      value += s[pos];
      pos++;
    } else {
      break;
    }
  }
  return [extract ? value : s.slice(start, pos), pos];
}
priv.collectHTTPQuotedString = collectQuoted;

function parseMimeType(input) {
  const s = trimHTTPWhitespace(input);
  let pos = s.indexOf("/");
  if (pos <= 0) return null;
  const type = s.slice(0, pos);
  if (!tokenRe.test(type)) return null;
  pos++;
  let end = s.indexOf(";", pos);
  if (end < 0) end = s.length;
  let subtype = s.slice(pos, end);
  let b = subtype.length;
  while (b > 0 && isHTTPWhitespace(subtype.charCodeAt(b - 1))) b--;
  subtype = subtype.slice(0, b);
  if (subtype === "" || !tokenRe.test(subtype)) return null;
  const record = { type: type.toLowerCase(), subtype: subtype.toLowerCase(), params: new Map() };
  pos = end;
  while (pos < s.length) {
    pos++; // past ";"
    while (pos < s.length && isHTTPWhitespace(s.charCodeAt(pos))) pos++;
    let i = pos;
    while (i < s.length && s[i] !== ";" && s[i] !== "=") i++;
    const name = s.slice(pos, i).toLowerCase();
    pos = i;
    if (pos < s.length) {
      if (s[pos] === ";") continue;
      pos++; // past "="
    }
    if (pos >= s.length) break;
    let value;
    if (s[pos] === '"') {
      [value, pos] = collectQuoted(s, pos, true);
      while (pos < s.length && s[pos] !== ";") pos++;
    } else {
      let j = s.indexOf(";", pos);
      if (j < 0) j = s.length;
      value = s.slice(pos, j);
      pos = j;
      let e = value.length;
      while (e > 0 && isHTTPWhitespace(value.charCodeAt(e - 1))) e--;
      value = value.slice(0, e);
      if (value === "") continue;
    }
    if (name !== "" && tokenRe.test(name) && quotedTokenRe.test(value) && !record.params.has(name)) {
      record.params.set(name, value);
    }
  }
  return record;
}

function serializeMimeType(m) {
  let out = m.type + "/" + m.subtype;
  for (const [name, value] of m.params) {
    out += ";" + name + "=";
    if (value === "" || !tokenRe.test(value)) {
      out += '"' + value.replace(/["\\]/g, "\\$&") + '"';
    } else {
      out += value;
    }
  }
  return out;
}

const mimeEssence = (m) => m.type + "/" + m.subtype;

// Fetch "getting, decoding, and splitting": splits a combined header value on commas
// that are not inside a quoted string, trimming HTTP tab or space.
function splitHeaderValue(input) {
  const values = [];
  let pos = 0;
  let value = "";
  for (;;) {
    let i = pos;
    while (i < input.length && input[i] !== '"' && input[i] !== ",") i++;
    value += input.slice(pos, i);
    pos = i;
    if (pos < input.length) {
      if (input[pos] === '"') {
        let q;
        [q, pos] = collectQuoted(input, pos, false);
        value += q;
        if (pos < input.length) continue;
      } else {
        pos++; // past ","
      }
    }
    values.push(value.replace(/^[\t ]+|[\t ]+$/g, ""));
    value = "";
    if (pos >= input.length) break;
  }
  return values;
}
priv.splitHeaderValue = splitHeaderValue;

// Fetch "extract a MIME type": the last parsable value wins, keeping an earlier
// charset when the essence did not change.
function extractMimeType(combined) {
  if (combined === null || combined === undefined) return null;
  const values = splitHeaderValue(combined);
  let charset = null, essence = null, mimeType = null;
  for (let i = 0; i < values.length; i++) {
    const temp = parseMimeType(values[i]);
    if (temp === null || (temp.type === "*" && temp.subtype === "*")) continue;
    mimeType = temp;
    const e = mimeEssence(temp);
    if (e !== essence) {
      charset = null;
      if (temp.params.has("charset")) charset = temp.params.get("charset");
      essence = e;
    } else if (!temp.params.has("charset") && charset !== null) {
      temp.params.set("charset", charset);
    }
  }
  return mimeType;
}

priv.parseMimeType = parseMimeType;
priv.serializeMimeType = serializeMimeType;
priv.mimeEssence = mimeEssence;
priv.extractMimeType = extractMimeType;
