// FormData (XHR standard) and the two form encodings bodies use:
// multipart/form-data (HTML's encoding algorithm, RFC 7578) and
// application/x-www-form-urlencoded (through the URL binding's form parser).
//
// Internal helpers:
//   priv.isFormData(v)
//   priv.formDataList(fd)                → the entry list: [[name, value], ...] (value: string or File)
//   priv.encodeMultipart(fd)             → { bytes: Uint8Array, type: "multipart/form-data; boundary=..." }
//   priv.parseFormBody(bytes, mimeType, nullBody) → FormData; throws TypeError when the body does not parse
//                                          (mimeType is a priv.parseMimeType record)

const webidl = priv.webidl;
const { converters, configureInterface } = webidl;

const exactDecoder = new TextDecoder("utf-8", { ignoreBOM: true }); // UTF-8 decode without BOM

function illegalForm(prefix) {
  return new TypeError(`${prefix}: parameter 1 is not of type 'HTMLFormElement'.`);
}

// XHR "create an entry": Blobs become Files named "blob" (or filename), Files are
// renamed when a filename is given.
function makeEntry(name, value, filename) {
  if (!priv.isBlob(value)) return [name, value];
  const parts = priv.blobParts(value);
  if (!priv.isFile(value)) {
    value = priv.newFile(parts, filename === undefined ? "blob" : filename, priv.blobType(value), Date.now());
  } else if (filename !== undefined) {
    value = priv.newFile(parts, filename, priv.blobType(value), value.lastModified);
  }
  return [name, value];
}

// Converts (name, value[, filename]) for append and set, with WebIDL overload resolution.
function entryArgs(args, method) {
  const prefix = webidl.methodPrefix("FormData", method);
  webidl.requiredArguments(args.length, 2, prefix);
  const name = converters.USVString(args[0], prefix, "Argument 1");
  const value = args[1];
  if (args.length >= 3 && args[2] !== undefined) {
    if (!priv.isBlob(value)) throw new TypeError(`${prefix}: parameter 2 is not of type 'Blob'.`);
    const filename = converters.USVString(args[2], prefix, "Argument 3");
    return makeEntry(name, value, filename);
  }
  if (priv.isBlob(value)) return makeEntry(name, value, undefined);
  return [name, converters.USVString(value, prefix, "Argument 2")];
}

class FormData {
  #list = [];

  constructor(form = undefined, submitter = null) {
    const prefix = webidl.ctorPrefix("FormData");
    // Workers have no HTMLFormElement: any form argument fails its conversion.
    if (form !== undefined) throw illegalForm(prefix);
    void submitter;
  }

  static #check(fd) {
    if (!(webidl.isObject(fd) && #list in fd)) throw webidl.illegalInvocation();
  }

  append(name, value) {
    FormData.#check(this);
    this.#list.push(entryArgs(arguments, "append"));
  }

  delete(name) {
    FormData.#check(this);
    const prefix = webidl.methodPrefix("FormData", "delete");
    webidl.requiredArguments(arguments.length, 1, prefix);
    name = converters.USVString(name, prefix, "Argument 1");
    const list = this.#list;
    let w = 0;
    for (let i = 0; i < list.length; i++) if (list[i][0] !== name) list[w++] = list[i];
    list.length = w;
  }

  get(name) {
    FormData.#check(this);
    const prefix = webidl.methodPrefix("FormData", "get");
    webidl.requiredArguments(arguments.length, 1, prefix);
    name = converters.USVString(name, prefix, "Argument 1");
    const list = this.#list;
    for (let i = 0; i < list.length; i++) if (list[i][0] === name) return list[i][1];
    return null;
  }

  getAll(name) {
    FormData.#check(this);
    const prefix = webidl.methodPrefix("FormData", "getAll");
    webidl.requiredArguments(arguments.length, 1, prefix);
    name = converters.USVString(name, prefix, "Argument 1");
    const out = [];
    const list = this.#list;
    for (let i = 0; i < list.length; i++) if (list[i][0] === name) out.push(list[i][1]);
    return out;
  }

  has(name) {
    FormData.#check(this);
    const prefix = webidl.methodPrefix("FormData", "has");
    webidl.requiredArguments(arguments.length, 1, prefix);
    name = converters.USVString(name, prefix, "Argument 1");
    const list = this.#list;
    for (let i = 0; i < list.length; i++) if (list[i][0] === name) return true;
    return false;
  }

  set(name, value) {
    FormData.#check(this);
    const entry = entryArgs(arguments, "set");
    const list = this.#list;
    let found = -1, w = 0;
    for (let i = 0; i < list.length; i++) {
      if (list[i][0] === entry[0]) {
        if (found >= 0) continue;
        found = w;
        list[w++] = entry;
      } else {
        list[w++] = list[i];
      }
    }
    list.length = w;
    if (found < 0) list.push(entry);
  }

  static {
    priv.isFormData = (v) => webidl.isObject(v) && #list in v;
    priv.formDataList = (fd) => fd.#list;
    priv.newFormData = (list) => {
      const fd = new FormData();
      fd.#list = list;
      return fd;
    };
  }
}

webidl.createPairIterator("FormData", (fd) => priv.formDataList(fd), (fd) => {
  if (!priv.isFormData(fd)) throw webidl.illegalInvocation();
}).install(FormData);
configureInterface(FormData);
core.defineGlobal("FormData", FormData);
priv.FormData = FormData;
priv.registerPlatformObject((v) => priv.isFormData(v));

Object.defineProperty(FormData.prototype, Symbol.for("nodejs.util.inspect.custom"), {
  value: function inspectFormData(depth, options) {
    const list = priv.formDataList(this);
    if (list.length === 0) return "FormData {}";
    return "FormData { " + list.map(([k, v]) => `${priv.inspect(k, options)}: ${priv.inspect(v, options)}`).join(", ") + " }";
  },
  configurable: true,
});

// ---------------------------------------------------------------------------------
// multipart/form-data: encoding (HTML "multipart/form-data encoding algorithm")

// Line breaks not already CRLF become CRLF (names, and values that are strings).
function normalizeNewlines(s) {
  return /[\r\n]/.test(s) ? s.replace(/\r\n|\r|\n/g, "\r\n") : s;
}

// Names and filenames escape LF, CR and '"' as %0A, %0D and %22; nothing else.
function escapeField(s) {
  return /[\r\n"]/.test(s) ? s.replace(/[\r\n"]/g, (c) => (c === "\n" ? "%0A" : c === "\r" ? "%0D" : "%22")) : s;
}

function randomBoundary() {
  const b = new Uint8Array(12);
  core.opSync(core.ops.op_random_fill, b);
  let hex = "";
  for (let i = 0; i < b.length; i++) hex += (b[i] < 16 ? "0" : "") + b[i].toString(16);
  return "----edgedFormBoundary" + hex;
}

priv.encodeMultipart = function encodeMultipart(fd) {
  const boundary = randomBoundary();
  const chunks = [];
  let total = 0;
  let text = "";
  const flushText = () => {
    if (text === "") return;
    const b = priv.utf8Encode(text);
    chunks.push(b);
    total += b.length;
    text = "";
  };
  const list = priv.formDataList(fd);
  for (let i = 0; i < list.length; i++) {
    const [name, value] = list[i];
    text += `--${boundary}\r\nContent-Disposition: form-data; name="${escapeField(normalizeNewlines(name))}"`;
    if (typeof value === "string") {
      text += "\r\n\r\n" + normalizeNewlines(value) + "\r\n";
      continue;
    }
    const type = priv.blobType(value) || "application/octet-stream";
    text += `; filename="${escapeField(priv.fileName(value))}"\r\nContent-Type: ${type}\r\n\r\n`;
    flushText();
    const parts = priv.blobParts(value);
    for (let j = 0; j < parts.length; j++) {
      chunks.push(parts[j]);
      total += parts[j].length;
    }
    text += "\r\n";
  }
  // An empty FormData is an empty body, as the Fetch tests (and browsers) have it;
  // it does not parse back as multipart, which needs at least the closing boundary.
  if (list.length > 0) text += `--${boundary}--\r\n`;
  flushText();
  const bytes = new Uint8Array(total);
  let off = 0;
  for (let i = 0; i < chunks.length; i++) {
    bytes.set(chunks[i], off);
    off += chunks[i].length;
  }
  return { bytes, type: `multipart/form-data; boundary=${boundary}` };
};

// ---------------------------------------------------------------------------------
// multipart/form-data: parsing (Fetch "package data" for FormData; RFC 7578 / 2046)

function malformed(what) {
  return new TypeError(`Failed to parse body as FormData: ${what}`);
}

function latin1Bytes(s) {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i) & 0xff;
  return out;
}

function latin1String(bytes, from, to) {
  let s = "";
  for (let i = from; i < to; i += 8192) {
    s += String.fromCharCode.apply(null, bytes.subarray(i, Math.min(i + 8192, to)));
  }
  return s;
}

// indexOf for byte sequences (first byte scan, then compare).
function indexOfBytes(hay, needle, from) {
  const first = needle[0];
  const last = hay.length - needle.length;
  for (let i = hay.indexOf(first, from); i >= 0 && i <= last; i = hay.indexOf(first, i + 1)) {
    let j = 1;
    while (j < needle.length && hay[i + j] === needle[j]) j++;
    if (j === needle.length) return i;
  }
  return -1;
}

// Parses the parameters of a Content-Disposition value (already known to start
// with form-data). Quoted values run to the next '"': generators escape '"' as %22
// rather than with backslashes, so a backslash is an ordinary character (Windows
// paths). Returns a Map of lower-cased names to raw (byte) strings.
function dispositionParams(s, pos) {
  const params = new Map();
  while (pos < s.length) {
    while (pos < s.length && (s[pos] === ";" || s[pos] === " " || s[pos] === "\t")) pos++;
    let i = pos;
    while (i < s.length && s[i] !== "=" && s[i] !== ";") i++;
    const name = s.slice(pos, i).trim().toLowerCase();
    pos = i;
    if (pos >= s.length || s[pos] === ";") continue;
    pos++; // "="
    while (pos < s.length && (s[pos] === " " || s[pos] === "\t")) pos++;
    let value;
    if (s[pos] === '"') {
      const end = s.indexOf('"', pos + 1);
      if (end < 0) throw malformed("unterminated quoted string in Content-Disposition");
      value = s.slice(pos + 1, end);
      pos = end + 1;
    } else {
      let end = s.indexOf(";", pos);
      if (end < 0) end = s.length;
      value = s.slice(pos, end).trim();
      pos = end;
    }
    if (name !== "" && !params.has(name)) params.set(name, value);
  }
  return params;
}

// The inverse of escapeField, then UTF-8 (the header bytes were read as latin1).
function fieldText(raw) {
  const unescaped = raw.indexOf("%") >= 0 ? raw.replace(/%(0A|0D|22)/gi, (m, h) => (h === "22" ? '"' : h.toUpperCase() === "0A" ? "\n" : "\r")) : raw;
  return exactDecoder.decode(latin1Bytes(unescaped));
}

const MAX_HEADER_BYTES = 16 << 10; // per part

function parseMultipart(bytes, boundary) {
  if (boundary === undefined || boundary === "") throw malformed("the multipart/form-data Content-Type has no boundary");
  const delim = latin1Bytes("--" + boundary);
  const crlfDelim = latin1Bytes("\r\n--" + boundary);
  // The first delimiter opens the body; a preamble before it is ignored.
  let pos;
  if (bytes.length >= delim.length && indexOfBytes(bytes.subarray(0, delim.length), delim, 0) === 0) {
    pos = delim.length;
  } else {
    const at = indexOfBytes(bytes, crlfDelim, 0);
    if (at < 0) throw malformed("the body does not contain the boundary");
    pos = at + crlfDelim.length;
  }
  const list = [];
  for (;;) {
    // After a delimiter: "--" closes the body, otherwise padding then CRLF.
    if (bytes[pos] === 0x2d && bytes[pos + 1] === 0x2d) break;
    while (bytes[pos] === 0x20 || bytes[pos] === 0x09) pos++;
    if (bytes[pos] !== 0x0d || bytes[pos + 1] !== 0x0a) throw malformed("expected CRLF after the boundary");
    pos += 2;
    // Header lines up to an empty line.
    let disposition = null, contentType = null;
    const headerStart = pos;
    for (;;) {
      const eol = indexOfBytes(bytes, CRLF, pos);
      if (eol < 0) throw malformed("unterminated part headers");
      if (eol - headerStart > MAX_HEADER_BYTES) throw malformed("part headers are too large");
      if (eol === pos) {
        pos += 2;
        break;
      }
      const line = latin1String(bytes, pos, eol);
      pos = eol + 2;
      const colon = line.indexOf(":");
      if (colon <= 0) throw malformed("a part header line has no name");
      const hname = line.slice(0, colon).trim().toLowerCase();
      const hvalue = line.slice(colon + 1).replace(/^[\t ]+|[\t ]+$/g, "");
      if (hname === "content-disposition") disposition = hvalue;
      else if (hname === "content-type") contentType = hvalue;
    }
    if (disposition === null) throw malformed("a part has no Content-Disposition header");
    if (!/^form-data\s*(;|$)/i.test(disposition)) throw malformed("a part's Content-Disposition is not form-data");
    const params = dispositionParams(disposition, 9);
    if (!params.has("name")) throw malformed("a part's Content-Disposition has no name");
    const end = indexOfBytes(bytes, crlfDelim, pos);
    if (end < 0) throw malformed("the last part is not closed by the boundary");
    const content = bytes.subarray(pos, end);
    pos = end + crlfDelim.length;
    const name = fieldText(params.get("name"));
    if (params.has("filename")) {
      // RFC 7578 forbids filename* (RFC 5987); only filename names a file.
      const type = contentType !== null ? exactDecoder.decode(latin1Bytes(contentType)) : "text/plain";
      list.push([name, priv.newFile(content.length > 0 ? [content.slice()] : [], fieldText(params.get("filename")), normalizeBlobType(type), Date.now())]);
    } else {
      list.push([name, exactDecoder.decode(content)]);
    }
  }
  return list;
}
const CRLF = new Uint8Array([0x0d, 0x0a]);

// A File's type as the Blob constructor would keep it.
function normalizeBlobType(t) {
  for (let i = 0; i < t.length; i++) {
    const c = t.charCodeAt(i);
    if (c < 0x20 || c > 0x7e) return "";
  }
  return t.toLowerCase();
}

function parseURLEncoded(bytes) {
  const list = priv.parseForm(exactDecoder.decode(bytes));
  const out = [];
  for (let i = 0; i < list.length; i += 2) out.push([list[i], list[i + 1]]);
  return out;
}

// nullBody: the body is null, not merely empty. An empty multipart body (what an
// empty FormData serializes to) parses as an empty FormData; a null one does not
// parse at all, as the Fetch tests have it.
priv.parseFormBody = function parseFormBody(bytes, mimeType, nullBody = false) {
  const essence = mimeType === null ? "" : priv.mimeEssence(mimeType);
  if (essence === "multipart/form-data") {
    if (bytes.length === 0 && !nullBody) {
      const boundary = mimeType.params.get("boundary");
      if (boundary === undefined || boundary === "") throw malformed("the multipart/form-data Content-Type has no boundary");
      return priv.newFormData([]);
    }
    return priv.newFormData(parseMultipart(bytes, mimeType.params.get("boundary")));
  }
  if (essence === "application/x-www-form-urlencoded") {
    return priv.newFormData(parseURLEncoded(bytes));
  }
  throw new TypeError(`Failed to parse body as FormData: the Content-Type is ${essence === "" ? "missing or invalid" : `'${essence}'`}, not multipart/form-data or application/x-www-form-urlencoded`);
};
