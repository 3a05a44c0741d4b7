// D1: env.<binding> for each d1_databases entry, Cloudflare D1's Workers API over
// the Go half in bindings/d1 (ops.go). Statements run off the isolate's thread as
// async ops; parameters cross as one binary buffer and results come back as one
// (bindings/STORAGE.md describes both encodings).
//
// As on Workers: bind() checks types at once and throws D1_TYPE_ERROR; failures reject
// with an Error whose message starts with D1_ERROR / D1_EXEC_ERROR /
// D1_COLUMN_NOTFOUND and whose `cause` holds the message without the prefix; results
// are {success, meta, results}; rows are plain objects (raw(): arrays), integers are
// numbers, BLOBs arrays of byte values.

const opQuery = core.ops.op_d1_query;
const opBatch = core.ops.op_d1_batch;
const opExec = core.ops.op_d1_exec;
const opDump = core.ops.op_d1_dump;
const opRegion = core.ops.op_d1_region;

const KEY = Symbol("edged.d1");
const FIRST_PRIMARY = "first-primary";
const FIRST_UNCONSTRAINED = "first-unconstrained";
const TWO32 = 4294967296;
const TWO63 = 9223372036854775808;
const I64_MIN = -(2n ** 63n);
const I64_MAX = 2n ** 63n - 1n;

function d1Error(prefix, message) {
  return new Error(`${prefix}: ${message}`, { cause: new Error(message) });
}

// Errors from Go arrive as Error("D1_ERROR: ..."); give them D1's cause.
function rethrow(e) {
  if (e instanceof Error && typeof e.message === "string") {
    const m = /^(D1_[A-Z_]+): ([\s\S]*)$/.exec(e.message);
    if (m !== null && e.cause === undefined) throw d1Error(m[1], m[2]);
  }
  throw e;
}

// ---------------------------------------------------------------------------------
// bind(): value checks, as Workers does them

function isByteArray(a) {
  for (let i = 0; i < a.length; i++) {
    const b = a[i];
    if (typeof b !== "number" || !(b >= 0 && b < 256)) return false;
  }
  return true;
}

// Returns the value to keep for encoding: null, number, string, bigint or Uint8Array.
function checkBind(v) {
  switch (typeof v) {
    case "number":
    case "string":
      return v;
    case "boolean":
      return v ? 1 : 0;
    case "bigint":
      // An edged extension: D1 refuses BigInt; we bind those that fit an INTEGER.
      if (v >= I64_MIN && v <= I64_MAX) return v;
      break;
    case "object":
      if (v === null) return null;
      if (Array.isArray(v) && isByteArray(v)) return new Uint8Array(v);
      if (v instanceof ArrayBuffer) return new Uint8Array(v.slice(0));
      if (ArrayBuffer.isView(v)) return new Uint8Array(v.buffer.slice(v.byteOffset, v.byteOffset + v.byteLength));
      break;
  }
  const type = typeof v;
  throw d1Error("D1_TYPE_ERROR", `Type '${type}' not supported for value '${v}'`);
}

// ---------------------------------------------------------------------------------
// Encoding (parameters, batches) into one reused buffer

let buf = new Uint8Array(512);
let dv = new DataView(buf.buffer);
let pos = 0;

function ensure(n) {
  if (pos + n <= buf.length) return;
  let cap = buf.length * 2;
  while (cap < pos + n) cap *= 2;
  const nb = new Uint8Array(cap);
  nb.set(buf.subarray(0, pos));
  buf = nb;
  dv = new DataView(nb.buffer);
}

function putUvarint(n) {
  ensure(10);
  while (n >= 0x80) {
    buf[pos++] = (n % 128) | 0x80;
    n = Math.floor(n / 128);
  }
  buf[pos++] = n;
}

function utf8Length(s) {
  let n = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) continue;
    if (c < 0x800) n += 1;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) { n += 2; i++; }
    else n += 2; // BMP character or lone surrogate (written as U+FFFD)
  }
  return n;
}

function putString(s) {
  const n = utf8Length(s);
  putUvarint(n);
  ensure(n);
  if (n === s.length) {
    for (let i = 0; i < n; i++) buf[pos + i] = s.charCodeAt(i);
    pos += n;
    return;
  }
  for (let i = 0; i < s.length; i++) {
    let c = s.charCodeAt(i);
    if (c < 0x80) {
      buf[pos++] = c;
    } else if (c < 0x800) {
      buf[pos++] = 0xc0 | (c >> 6);
      buf[pos++] = 0x80 | (c & 0x3f);
    } else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      c = 0x10000 + ((c - 0xd800) << 10) + (s.charCodeAt(++i) - 0xdc00);
      buf[pos++] = 0xf0 | (c >> 18);
      buf[pos++] = 0x80 | ((c >> 12) & 0x3f);
      buf[pos++] = 0x80 | ((c >> 6) & 0x3f);
      buf[pos++] = 0x80 | (c & 0x3f);
    } else {
      if (c >= 0xd800 && c <= 0xdfff) c = 0xfffd;
      buf[pos++] = 0xe0 | (c >> 12);
      buf[pos++] = 0x80 | ((c >> 6) & 0x3f);
      buf[pos++] = 0x80 | (c & 0x3f);
    }
  }
}

function putValue(v) {
  ensure(9);
  if (v === null) {
    buf[pos++] = 0;
  } else if (typeof v === "number") {
    if (Number.isInteger(v) && v < TWO63 && v >= -TWO63) {
      // Integral numbers bind as INTEGER (as D1's JSON transport does), written as
      // two 32-bit halves to stay exact without BigInt.
      const hi = Math.floor(v / TWO32);
      buf[pos++] = 1;
      dv.setUint32(pos, v - hi * TWO32, true);
      dv.setInt32(pos + 4, hi, true);
      pos += 8;
    } else if (Number.isFinite(v)) {
      buf[pos++] = 2;
      dv.setFloat64(pos, v, true);
      pos += 8;
    } else {
      buf[pos++] = 0; // NaN and ±Infinity travel as JSON null on Workers
    }
  } else if (typeof v === "string") {
    buf[pos++] = 3;
    putString(v);
  } else if (typeof v === "bigint") {
    buf[pos++] = 1;
    dv.setBigInt64(pos, v, true);
    pos += 8;
  } else {
    buf[pos++] = 4;
    putUvarint(v.length);
    ensure(v.length);
    buf.set(v, pos);
    pos += v.length;
  }
}

function putParams(params) {
  putUvarint(params.length);
  for (let i = 0; i < params.length; i++) putValue(params[i]);
}

// ---------------------------------------------------------------------------------
// Decoding results

// Results are read with the storage wire reader (bindings/storage/49_wire.js) plus
// D1's typed values.
class Reader extends priv.WireReader {
  value() {
    switch (this.b[this.p++]) {
      case 0: return null;
      case 1: return this.i64();
      case 2: return this.f64();
      case 3: return this.str();
      case 4: {
        const n = this.uvarint();
        const out = new Array(n);
        for (let i = 0; i < n; i++) out[i] = this.b[this.p + i];
        this.p += n;
        return out;
      }
    }
    throw new Error("D1_ERROR: malformed result from the database");
  }
}

// One statement's result: {columns, values (row-major), meta}.
function readResult(r, region) {
  if (r.u8() !== 1) throw new Error("D1_ERROR: unknown result encoding");
  const flags = r.u8();
  const duration = r.f64();
  const changes = r.i64(), lastRowID = r.i64(), rowsRead = r.i64(), rowsWritten = r.i64(), sizeAfter = r.i64();
  const ncols = r.uvarint();
  const columns = new Array(ncols);
  for (let i = 0; i < ncols; i++) columns[i] = r.str();
  const nrows = r.uvarint();
  const values = new Array(nrows * ncols);
  for (let i = 0; i < values.length; i++) values[i] = r.value();
  const meta = {
    served_by: "edged",
    served_by_region: region,
    served_by_primary: (flags & 2) !== 0,
    timings: { sql_duration_ms: duration },
    duration,
    changes,
    last_row_id: lastRowID,
    changed_db: (flags & 1) !== 0,
    size_after: sizeAfter,
    rows_read: rowsRead,
    rows_written: rowsWritten,
    total_attempts: 1,
  };
  return { columns, nrows, values, meta };
}

function toObjects(res) {
  const { columns, nrows, values } = res;
  const n = columns.length;
  const out = new Array(nrows);
  const proto = columns.includes("__proto__");
  for (let i = 0, k = 0; i < nrows; i++) {
    const row = {};
    for (let j = 0; j < n; j++, k++) {
      if (proto) Object.defineProperty(row, columns[j], { value: values[k], writable: true, enumerable: true, configurable: true });
      else row[columns[j]] = values[k];
    }
    out[i] = row;
  }
  return out;
}

function toArrays(res) {
  const { columns, nrows, values } = res;
  const n = columns.length;
  const out = new Array(nrows);
  for (let i = 0; i < nrows; i++) out[i] = values.slice(i * n, (i + 1) * n);
  return out;
}

function d1Result(res) {
  return { success: true, meta: res.meta, results: toObjects(res) };
}

// ---------------------------------------------------------------------------------
// Sessions: the database object uses an always-primary session; withSession() makes
// ones that track a bookmark. On one node every read sees every write, so a bookmark
// only orders states; getBookmark() returns the newest one the session has seen.

class Session {
  constructor(name, bookmarkOrConstraint, tracks) {
    this.name = name;
    this.bookmark = bookmarkOrConstraint;
    this.tracks = tracks;
    this.region = null;
  }
  getRegion() {
    if (this.region === null) this.region = core.opSync(opRegion, this.name);
    return this.region;
  }
  getBookmark() {
    if (!this.tracks || this.bookmark === FIRST_PRIMARY || this.bookmark === FIRST_UNCONSTRAINED) return null;
    return this.bookmark;
  }
  update(bm) {
    if (!this.tracks || bm === "") return;
    const cur = this.getBookmark();
    if (cur === null || cur < bm) this.bookmark = bm;
  }
  readBookmark(r) {
    const bm = r.p < r.b.length ? r.str() : "";
    this.update(bm);
  }
  async query(sql, params) {
    pos = 0;
    putParams(params);
    const out = await core.opAsync(opQuery, this.name, sql, buf.subarray(0, pos)).catch(rethrow);
    const r = new Reader(out);
    const res = readResult(r, this.getRegion());
    this.readBookmark(r);
    return res;
  }
  async batch(statements) {
    if (!Array.isArray(statements)) {
      throw new TypeError("Failed to execute 'batch' on 'D1Database': parameter 1 is not of type 'Array'.");
    }
    pos = 0;
    putUvarint(statements.length);
    for (const s of statements) {
      const st = statementParts(s);
      putString(st.statement);
      putParams(st.params);
    }
    const out = await core.opAsync(opBatch, this.name, buf.subarray(0, pos)).catch(rethrow);
    const r = new Reader(out);
    const n = r.uvarint();
    const results = new Array(n);
    const region = this.getRegion();
    for (let i = 0; i < n; i++) {
      r.uvarint(); // length of this result
      results[i] = d1Result(readResult(r, region));
    }
    this.readBookmark(r);
    return results;
  }
}

let statementParts; // (stmt) → {statement, params}, set by D1PreparedStatement

class D1PreparedStatement {
  #session;
  constructor(key, session, statement, params) {
    if (key !== KEY) throw new TypeError("Illegal constructor");
    this.#session = session;
    this.statement = statement;
    this.params = params;
  }

  bind(...values) {
    const params = new Array(values.length);
    for (let i = 0; i < values.length; i++) params[i] = checkBind(values[i]);
    return new D1PreparedStatement(KEY, this.#session, this.statement, params);
  }

  async first(colName = undefined) {
    const res = await this.#session.query(this.statement, this.params);
    if (res.nrows === 0) return null;
    const row = toObjects({ columns: res.columns, nrows: 1, values: res.values })[0];
    if (colName !== undefined) {
      if (row[colName] === undefined) throw new Error(`D1_COLUMN_NOTFOUND: Column not found (${colName})`, { cause: new Error("Column not found") });
      return row[colName];
    }
    return row;
  }

  async run() {
    return d1Result(await this.#session.query(this.statement, this.params));
  }

  async all() {
    return d1Result(await this.#session.query(this.statement, this.params));
  }

  async raw(options = undefined) {
    const res = await this.#session.query(this.statement, this.params);
    const rows = toArrays(res);
    if (options !== undefined && options !== null && options.columnNames) rows.unshift(res.columns.slice());
    return rows;
  }

  static {
    statementParts = (s) => {
      if (s === null || typeof s !== "object" || !(#session in s)) {
        throw new TypeError("Failed to execute 'batch' on 'D1Database': every statement must be a D1PreparedStatement.");
      }
      return s;
    };
  }
}

class D1DatabaseSession {
  #session;
  constructor(key, session) {
    if (key !== KEY) throw new TypeError("Illegal constructor");
    this.#session = session;
  }
  prepare(query) {
    return new D1PreparedStatement(KEY, this.#session, String(query), []);
  }
  batch(statements) {
    return this.#session.batch(statements);
  }
  getBookmark() {
    return this.#session.getBookmark();
  }
}

class D1Database {
  #name;
  #primary;
  constructor(key, name) {
    if (key !== KEY) throw new TypeError("Illegal constructor");
    this.#name = name;
    this.#primary = new Session(name, FIRST_PRIMARY, false);
  }

  prepare(query) {
    return new D1PreparedStatement(KEY, this.#primary, String(query), []);
  }

  batch(statements) {
    return this.#primary.batch(statements);
  }

  async exec(query) {
    const out = await core.opAsync(opExec, this.#name, String(query)).catch(rethrow);
    const v = new DataView(out.buffer, out.byteOffset, out.byteLength);
    return { count: v.getFloat64(0, true), duration: v.getFloat64(8, true) };
  }

  withSession(constraintOrBookmark = undefined) {
    let c = constraintOrBookmark === undefined || constraintOrBookmark === null ? "" : constraintOrBookmark.trim();
    if (c === "") c = FIRST_UNCONSTRAINED;
    return new D1DatabaseSession(KEY, new Session(this.#name, c, true));
  }

  // Deprecated on Workers (it works for alpha-era databases only): here it gives a
  // consistent copy of the SQLite file.
  async dump() {
    const out = await core.opAsync(opDump, this.#name).catch(rethrow);
    return out.byteOffset === 0 && out.byteLength === out.buffer.byteLength ? out.buffer : out.buffer.slice(out.byteOffset, out.byteOffset + out.byteLength);
  }
}

for (const C of [D1Database, D1DatabaseSession, D1PreparedStatement]) {
  Object.defineProperty(C.prototype, Symbol.toStringTag, { value: C.name, configurable: true });
}

priv.D1Database = D1Database;

// env: {"$binding": {"type": "d1", "name": "DB"}} → a D1Database.
priv.envBuilders.push(function buildD1(env) {
  for (const k of Object.keys(env)) {
    const v = env[k];
    if (v !== null && typeof v === "object" && v.$binding !== undefined && v.$binding !== null && v.$binding.type === "d1") {
      env[k] = new D1Database(KEY, String(v.$binding.name));
    }
  }
});
