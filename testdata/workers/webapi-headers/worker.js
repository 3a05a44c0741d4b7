// Self-checking: Headers per the Fetch Standard. Answers "ok" or the failures.
const failures = [];
function eq(name, got, want) {
  const g = JSON.stringify(got), w = JSON.stringify(want);
  if (g !== w) failures.push(`${name}: got ${g}, want ${w}`);
}
function throws(name, fn, errName) {
  try {
    fn();
    failures.push(`${name}: did not throw`);
  } catch (e) {
    if (e.name !== errName) failures.push(`${name}: threw ${e.name} (${e.message}), want ${errName}`);
  }
}

function run() {
  const h = new Headers({ "Content-Type": "text/html", "X-B": "  padded\t" });
  eq("get case-insensitive", h.get("content-type"), "text/html");
  eq("value trimmed", h.get("x-b"), "padded");
  eq("missing is null", h.get("nope"), null);
  eq("has", [h.has("CONTENT-TYPE"), h.has("x")], [true, false]);

  h.append("x-b", "second");
  eq("combined", h.get("X-B"), "padded, second");
  h.set("x-b", "only");
  eq("set replaces all", h.get("x-b"), "only");
  h.delete("X-B");
  eq("deleted", h.has("x-b"), false);

  const s = new Headers([["b", "2"], ["a", "1"], ["B", "3"], ["set-cookie", "x=1"], ["Set-Cookie", "y=2"]]);
  eq("sorted and combined", [...s], [["a", "1"], ["b", "2, 3"], ["set-cookie", "x=1"], ["set-cookie", "y=2"]]);
  eq("keys", [...s.keys()], ["a", "b", "set-cookie", "set-cookie"]);
  eq("values", [...s.values()], ["1", "2, 3", "x=1", "y=2"]);
  eq("getSetCookie", s.getSetCookie(), ["x=1", "y=2"]);
  eq("get set-cookie combined", s.get("set-cookie"), "x=1, y=2");
  eq("iterator tag", Object.prototype.toString.call(s.entries()), "[object Headers Iterator]");
  eq("iterator proto chain", Object.getPrototypeOf(Object.getPrototypeOf(s.keys())) === Object.getPrototypeOf(Object.getPrototypeOf([][Symbol.iterator]())), true);
  eq("@@iterator is entries", Headers.prototype[Symbol.iterator] === Headers.prototype.entries, true);
  eq("toStringTag", Object.prototype.toString.call(s), "[object Headers]");

  const seen = [];
  s.forEach(function (value, key, obj) { seen.push([key, value, obj === s, this.t]); }, { t: 1 });
  eq("forEach", seen[1], ["b", "2, 3", true, 1]);

  // Live iteration: entries appended during iteration are visited.
  const live = new Headers({ a: "1" });
  const keys = [];
  for (const [k] of live) { keys.push(k); if (k === "a") live.append("b", "2"); }
  eq("live iteration", keys, ["a", "b"]);

  throws("invalid name", () => new Headers({ "bad name": "x" }), "TypeError");
  throws("invalid name char", () => h.append("a:b", "x"), "TypeError");
  throws("empty name", () => h.append("", "x"), "TypeError");
  throws("newline in value", () => h.set("a", "x\ny"), "TypeError");
  throws("nul in value", () => h.set("a", "x\0y"), "TypeError");
  throws("non-ByteString", () => h.set("a", "\u0100"), "TypeError");
  throws("pair of 1", () => new Headers([["a"]]), "TypeError");
  throws("pair of 3", () => new Headers([["a", "b", "c"]]), "TypeError");
  throws("not an object", () => new Headers(5), "TypeError");
  throws("missing args", () => h.append("a"), "TypeError");
  throws("illegal invocation", () => Headers.prototype.get.call({}, "a"), "TypeError");

  eq("latin1 value ok", new Headers({ a: "caf\u00e9" }).get("a"), "caf\u00e9");
  eq("inner whitespace kept", new Headers({ a: " x  y " }).get("a"), "x  y");
  eq("empty value", new Headers({ a: "" }).get("a"), "");
  eq("copy from Headers", [...new Headers(new Headers({ z: "1" }))], [["z", "1"]]);
  eq("from Map", [...new Headers(new Map([["m", "1"]]))], [["m", "1"]]);
  throws("record with a symbol key", () => new Headers({ q: "1", [Symbol("s")]: "2" }), "TypeError");
  eq("record skips non-enumerable", [...new Headers(Object.defineProperty({ q: "1" }, "hidden", { value: "2" }))], [["q", "1"]]);
  eq("numbers stringified", new Headers({ n: 5 }).get("n"), "5");

  // Guards: response headers are mutable, redirect headers immutable.
  const r = new Response("x", { headers: { a: "1" } });
  r.headers.set("b", "2");
  eq("response headers mutable", r.headers.get("b"), "2");
  throws("immutable guard", () => Response.redirect("https://e.com/").headers.set("a", "1"), "TypeError");
  throws("immutable guard delete", () => Response.error().headers.delete("a"), "TypeError");
  const req = new Request("https://example.com/", { headers: [["X-Req", "v"]] });
  eq("request headers", req.headers.get("x-req"), "v");
  req.headers.set("host", "example.org");
  eq("request headers mutable (Workers)", req.headers.get("host"), "example.org");
}

export default {
  fetch() {
    try { run(); } catch (e) { failures.push(`uncaught: ${e.stack || e}`); }
    return new Response(failures.length ? failures.join("\n") : "ok");
  },
};
