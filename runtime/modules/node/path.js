// node:path for nodejs_compat: the POSIX flavour only (path.win32 is not provided).
// The working directory is "/", as process.cwd() says.

function checkString(name, v) {
  if (typeof v !== "string") {
    const e = new TypeError(`The "${name}" argument must be of type string. Received ${v === null ? "null" : typeof v}`);
    e.code = "ERR_INVALID_ARG_TYPE";
    throw e;
  }
}

// normalizeSegments resolves "." and ".." in a path's segments; ".." above the
// root is dropped for an absolute path and kept for a relative one.
function normalizeSegments(p, absolute) {
  const out = [];
  for (const seg of p.split("/")) {
    if (seg === "" || seg === ".") continue;
    if (seg === "..") {
      if (out.length > 0 && out[out.length - 1] !== "..") out.pop();
      else if (!absolute) out.push("..");
      continue;
    }
    out.push(seg);
  }
  return out.join("/");
}

function normalize(p) {
  checkString("path", p);
  if (p === "") return ".";
  const absolute = p.startsWith("/");
  const trailing = p.endsWith("/");
  let s = normalizeSegments(p, absolute);
  if (s === "" && !absolute) s = ".";
  if (s !== "" && trailing) s += "/";
  return absolute ? "/" + s : s;
}

function join(...parts) {
  let joined = "";
  for (const p of parts) {
    checkString("path", p);
    if (p.length > 0) joined = joined === "" ? p : joined + "/" + p;
  }
  return joined === "" ? "." : normalize(joined);
}

function resolve(...parts) {
  let resolved = "";
  let absolute = false;
  for (let i = parts.length - 1; i >= -1 && !absolute; i--) {
    const p = i >= 0 ? parts[i] : "/";
    checkString(`paths[${i}]`, p);
    if (p === "") continue;
    resolved = resolved === "" ? p : p + "/" + resolved;
    absolute = p.startsWith("/");
  }
  const s = normalizeSegments(resolved, true);
  return "/" + s;
}

function isAbsolute(p) {
  checkString("path", p);
  return p.startsWith("/");
}

function relative(from, to) {
  checkString("from", from);
  checkString("to", to);
  if (from === to) return "";
  const f = resolve(from), t = resolve(to);
  if (f === t) return "";
  const fs = f === "/" ? [] : f.slice(1).split("/");
  const ts = t === "/" ? [] : t.slice(1).split("/");
  let i = 0;
  while (i < fs.length && i < ts.length && fs[i] === ts[i]) i++;
  return [...Array(fs.length - i).fill(".."), ...ts.slice(i)].join("/");
}

function dirname(p) {
  checkString("path", p);
  if (p === "") return ".";
  let end = p.length;
  while (end > 1 && p[end - 1] === "/") end--; // trailing slashes
  const i = p.lastIndexOf("/", end - 1);
  if (i === -1) return ".";
  if (i === 0) return "/";
  let j = i;
  while (j > 1 && p[j - 1] === "/") j--;
  return p.slice(0, j);
}

function basename(p, ext) {
  checkString("path", p);
  if (ext !== undefined) checkString("ext", ext);
  let end = p.length;
  while (end > 0 && p[end - 1] === "/") end--;
  if (end === 0) return "";
  const start = p.lastIndexOf("/", end - 1) + 1;
  let base = p.slice(start, end);
  if (ext !== undefined && ext !== base && base.endsWith(ext)) base = base.slice(0, base.length - ext.length);
  return base;
}

function extname(p) {
  checkString("path", p);
  const base = basename(p);
  const i = base.lastIndexOf(".");
  if (i <= 0 || base === "..") return "";
  return base.slice(i);
}

function parse(p) {
  checkString("path", p);
  const root = p.startsWith("/") ? "/" : "";
  if (p === "" || p === "/") return { root, dir: root, base: "", ext: "", name: "" };
  const base = basename(p);
  const ext = extname(p);
  let dir = dirname(p);
  if (dir === "." && !p.startsWith(".") && !p.includes("/")) dir = "";
  else if (dir === "." && !p.includes("/")) dir = "";
  return { root, dir, base, ext, name: ext ? base.slice(0, base.length - ext.length) : base };
}

function format(obj) {
  if (obj === null || typeof obj !== "object") {
    const e = new TypeError(`The "pathObject" argument must be of type object. Received ${obj === null ? "null" : typeof obj}`);
    e.code = "ERR_INVALID_ARG_TYPE";
    throw e;
  }
  const dir = obj.dir || obj.root || "";
  let base = obj.base;
  if (!base) {
    const ext = obj.ext ? (obj.ext.startsWith(".") ? obj.ext : "." + obj.ext) : "";
    base = (obj.name || "") + ext;
  }
  if (!dir) return base;
  return dir === obj.root ? dir + base : dir + "/" + base;
}

function toNamespacedPath(p) {
  return p;
}

function matchesGlob() {
  throw new Error("not implemented: path.matchesGlob is not provided by edged");
}

const sep = "/";
const delimiter = ":";

const posix = {
  normalize, join, resolve, isAbsolute, relative, dirname, basename, extname, parse, format, toNamespacedPath,
  matchesGlob, sep, delimiter, win32: undefined, posix: undefined,
};
posix.posix = posix;

export {
  normalize, join, resolve, isAbsolute, relative, dirname, basename, extname, parse, format, toNamespacedPath,
  matchesGlob, sep, delimiter, posix,
};
export default posix;
