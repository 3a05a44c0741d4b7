// Self-checking URL / URLSearchParams / URLPattern fixture. GET /<group> runs one group
// of assertions and answers "ok" or the list of failures; /echo reflects request.url.

function check(failures, name, got, want) {
  if (!Object.is(got, want)) failures.push(`${name}: got ${JSON.stringify(got)}, want ${JSON.stringify(want)}`);
}
function throwsType(failures, name, fn) {
  try {
    fn();
    failures.push(`${name}: did not throw`);
  } catch (e) {
    if (!(e instanceof TypeError)) failures.push(`${name}: threw ${e && e.name}, want TypeError`);
  }
}

const groups = {
  url(f) {
    const u = new URL("https://user:pa%20ss@EXAMPLE.com:443/a/./b/../c?q=1#frag");
    check(f, "href", u.href, "https://user:pa%20ss@example.com/a/c?q=1#frag");
    check(f, "origin", u.origin, "https://example.com");
    check(f, "host", u.host, "example.com");
    check(f, "port", u.port, "");
    check(f, "pathname", u.pathname, "/a/c");
    check(f, "search", u.search, "?q=1");
    check(f, "hash", u.hash, "#frag");
    check(f, "relative", new URL("../x?y#z", "http://h/a/b/c").href, "http://h/a/x?y#z");
    check(f, "scheme-relative", new URL("//other/p", "https://h/a").href, "https://other/p");
    check(f, "ipv4 forms", new URL("http://0x7f.1/").host, "127.0.0.1");
    check(f, "ipv4 single number", new URL("http://3232235777/").hostname, "192.168.1.1");
    check(f, "ipv6", new URL("http://[2001:db8:0:0:0:0:0:1]:8080/").host, "[2001:db8::1]:8080");
    check(f, "ipv6 v4-mapped", new URL("http://[::ffff:192.168.0.1]/").hostname, "[::ffff:c0a8:1]");
    check(f, "idna", new URL("https://Bücher.example/").hostname, "xn--bcher-kva.example");
    check(f, "idna punycode kept", new URL("https://xn--bcher-kva.example/").hostname, "xn--bcher-kva.example");
    check(f, "idna fullwidth dot", new URL("http://a\uFF0Eb/").hostname, "a.b");
    check(f, "percent-encode path", new URL("http://h/a b/ü").pathname, "/a%20b/%C3%BC");
    check(f, "special query quote", new URL("http://h/?a'b").search, "?a%27b");
    check(f, "non-special query quote", new URL("sc://h/?a'b").search, "?a'b");
    check(f, "opaque path", new URL("mailto:someone@example.com").pathname, "someone@example.com");
    check(f, "file", new URL("file:///C|/dir/file").href, "file:///C:/dir/file");
    check(f, "blob origin", new URL("blob:https://a.example:8443/uuid").origin, "https://a.example:8443");
    check(f, "opaque origin", new URL("data:text/plain,hi").origin, "null");
    check(f, "backslashes", new URL("http:\\\\h\\a\\b").href, "http://h/a/b");
    check(f, "whitespace stripped", new URL("  http://h/\t\na ").href, "http://h/a");
    throwsType(f, "no base", () => new URL("/relative"));
    throwsType(f, "bad port", () => new URL("http://h:65536/"));
    throwsType(f, "bad host", () => new URL("http://a b/"));
    throwsType(f, "bad ipv4", () => new URL("http://1.2.3.256/"));
    throwsType(f, "bad punycode", () => new URL("http://xn--a.com/"));
    check(f, "canParse", URL.canParse("x", "https://h/"), true);
    check(f, "canParse bad", URL.canParse("x"), false);
    check(f, "parse null", URL.parse("nope"), null);
    check(f, "parse", URL.parse("/p", "https://h/q").href, "https://h/p");
    check(f, "toJSON", JSON.stringify({ u: new URL("https://h/") }), '{"u":"https://h/"}');
    check(f, "toString tag", Object.prototype.toString.call(u), "[object URL]");
  },

  setters(f) {
    const u = new URL("http://example.com/path?x=1#h");
    u.protocol = "https";
    check(f, "protocol", u.href, "https://example.com/path?x=1#h");
    u.protocol = "foo"; // special to non-special is refused
    check(f, "protocol refused", u.protocol, "https:");
    u.port = "8443";
    check(f, "port", u.host, "example.com:8443");
    u.port = "443";
    check(f, "default port", u.port, "");
    u.hostname = "other.example";
    u.username = "me";
    u.password = "p@ss";
    check(f, "credentials", u.href, "https://me:p%40ss@other.example/path?x=1#h");
    u.pathname = "a b/../c";
    check(f, "pathname", u.pathname, "/c");
    u.search = "?q=a b";
    check(f, "search", u.search, "?q=a%20b");
    check(f, "search live", u.searchParams.get("q"), "a b");
    u.hash = "";
    check(f, "hash cleared", u.href, "https://me:p%40ss@other.example/c?q=a%20b");
    u.host = "h:99999"; // the host is set, the bad port is ignored
    check(f, "host with bad port", u.host, "h:8443".replace(":8443", ""));
    u.href = "http://fresh/";
    check(f, "href", u.search, "");
    throwsType(f, "bad href", () => { u.href = "not a url"; });
  },

  searchparams(f) {
    const p = new URLSearchParams("?a=1&b=2&a=3&c=%20x+y&d");
    check(f, "get", p.get("a"), "1");
    check(f, "getAll", p.getAll("a").join(), "1,3");
    check(f, "decode", p.get("c"), " x y");
    check(f, "empty value", p.get("d"), "");
    check(f, "missing", p.get("zz"), null);
    check(f, "size", p.size, 5);
    check(f, "has value", p.has("a", "3"), true);
    check(f, "has wrong value", p.has("a", "2"), false);
    p.delete("a", "1");
    check(f, "delete value", p.getAll("a").join(), "3");
    p.set("b", "ü&=");
    check(f, "serialize", p.toString(), "b=%C3%BC%26%3D&a=3&c=+x+y&d=");
    const s = new URLSearchParams([["z", "1"], ["a", "2"], ["z", "0"], ["\uD83D\uDE00", "e"], ["\uFFFD", "f"]]);
    s.sort();
    // U+D83D (the lead surrogate of the emoji) sorts before U+FFFD in code units.
    check(f, "sort stable by code units", [...s.keys()].join(","), "a,z,z,\uD83D\uDE00,\uFFFD");
    check(f, "record", new URLSearchParams({ x: "1", y: "2" }).toString(), "x=1&y=2");
    throwsType(f, "bad pair", () => new URLSearchParams([["a"]]));
    const u = new URL("https://h/?k=v");
    u.searchParams.append("n", "a b");
    check(f, "linked", u.href, "https://h/?k=v&n=a+b");
    u.searchParams.delete("k");
    u.searchParams.delete("n");
    check(f, "linked empty", u.href, "https://h/");
    const entries = [];
    new URLSearchParams("a=1&b=2").forEach((v, k) => entries.push(k + v));
    check(f, "forEach", entries.join(), "a1,b2");
    check(f, "lone surrogate", new URLSearchParams([["\uD800", "x"]]).toString(), "%EF%BF%BD=x");
  },

  pattern(f) {
    const p = new URLPattern({ pathname: "/books/:id(\\d+)" });
    check(f, "test", p.test("https://example.com/books/123"), true);
    check(f, "test no", p.test("https://example.com/books/abc"), false);
    check(f, "exec group", p.exec("https://example.com/books/42").pathname.groups.id, "42");
    const q = new URLPattern("https://*.example.com/:section/*?");
    check(f, "hostname pattern", q.hostname, "*.example.com");
    const m = q.exec("https://api.example.com/users/1/2");
    check(f, "wildcard groups", m && [m.hostname.groups[0], m.pathname.groups.section, m.pathname.groups[0]].join("|"), "api|users|1/2");
    check(f, "protocol", q.protocol, "https");
    const r = new URLPattern("/api/:v/*", "https://example.com");
    check(f, "base url", r.test("https://example.com/api/v1/x"), true);
    check(f, "base url host", r.test("https://other.com/api/v1/x"), false);
    const opt = new URLPattern({ pathname: "/files/:name{.:ext}?" });
    check(f, "optional", opt.exec({ pathname: "/files/readme" }).pathname.groups.ext, undefined);
    check(f, "optional present", opt.exec({ pathname: "/files/a.txt" }).pathname.groups.ext, "txt");
    const ci = new URLPattern({ pathname: "/CaSe" }, { ignoreCase: true });
    check(f, "ignoreCase", ci.test({ pathname: "/case" }), true);
    check(f, "hasRegExpGroups", p.hasRegExpGroups, true);
    check(f, "no regexp groups", q.hasRegExpGroups, false);
    check(f, "idna hostname", new URLPattern({ hostname: "café.com" }).hostname, "xn--caf-dma.com");
    throwsType(f, "relative without base", () => new URLPattern("/x"));
    throwsType(f, "bad regexp", () => new URLPattern({ pathname: "/(a" }));
  },
};

export default {
  fetch(request) {
    const url = new URL(request.url);
    if (url.pathname === "/echo") {
      return new Response(`${url.pathname}|${url.searchParams.get("q")}|${[...url.searchParams.keys()].join(",")}`);
    }
    const name = url.pathname.slice(1);
    const group = groups[name];
    if (group === undefined) return new Response("no such group", { status: 404 });
    const failures = [];
    try {
      group(failures);
    } catch (e) {
      failures.push(`threw: ${e && e.stack ? e.stack : e}`);
    }
    return new Response(failures.length ? failures.join("\n") : "ok");
  },
};
