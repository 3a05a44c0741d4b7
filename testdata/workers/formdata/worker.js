// Self-checking: FormData (XHR standard) and form bodies (multipart/form-data and
// application/x-www-form-urlencoded, both ways). Answers "ok" or the failures.
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
async function rejects(name, p, errName) {
  try {
    await p;
    failures.push(`${name}: did not reject`);
  } catch (e) {
    if (e.name !== errName) failures.push(`${name}: rejected with ${e.name} (${e.message}), want ${errName}`);
  }
}

async function run() {
  throws("form argument", () => new FormData(null), "TypeError");
  throws("string form argument", () => new FormData("x"), "TypeError");
  const fd = new FormData();
  fd.append("a", "1");
  fd.append("b", "2");
  fd.append("a", "3");
  eq("get first", fd.get("a"), "1");
  eq("getAll", fd.getAll("a"), ["1", "3"]);
  eq("get missing", fd.get("zz"), null);
  eq("has", [fd.has("b"), fd.has("c")], [true, false]);
  eq("entries", [...fd], [["a", "1"], ["b", "2"], ["a", "3"]]);
  eq("keys", [...fd.keys()], ["a", "b", "a"]);
  fd.set("a", "4");
  eq("set replaces the first, drops the rest", [...fd], [["a", "4"], ["b", "2"]]);
  fd.set("c", "5");
  eq("set appends", [...fd.values()], ["4", "2", "5"]);
  fd.delete("b");
  eq("delete", [...fd.keys()], ["a", "c"]);
  const seen = [];
  fd.forEach((v, k, o) => seen.push([k, v, o === fd]));
  eq("forEach", seen, [["a", "4", true], ["c", "5", true]]);
  eq("toStringTag", Object.prototype.toString.call(fd), "[object FormData]");
  eq("iterator tag", Object.prototype.toString.call(fd.entries()), "[object FormData Iterator]");
  fd.append("u", undefined);
  fd.append("n", null);
  eq("undefined and null values", [fd.get("u"), fd.get("n")], ["undefined", "null"]);
  throws("one argument", () => fd.append("x"), "TypeError");
  throws("filename needs a blob", () => fd.append("x", "y", "z"), "TypeError");

  // Blobs become Files
  const blob = new Blob(["xyz"], { type: "text/plain" });
  fd.set("blob", blob);
  const f1 = fd.get("blob");
  eq("blob entry is a File named blob", [f1 instanceof File, f1.name, f1.type, f1.size], [true, "blob", "text/plain", 3]);
  eq("same object each get", fd.get("blob") === f1, true);
  fd.set("blob2", blob, "custom.txt");
  eq("blob with filename", fd.get("blob2").name, "custom.txt");
  const file = new File(["q"], "orig.bin", { lastModified: 123 });
  fd.set("file", file);
  eq("file kept as is", fd.get("file") === file, true);
  fd.set("file2", file, "renamed.bin");
  eq("file renamed keeps lastModified", [fd.get("file2").name, fd.get("file2").lastModified], ["renamed.bin", 123]);

  // Serializing as a body and parsing it back
  const form = new FormData();
  form.append("name", "va\nlue");
  form.append("quote\"d\r\nname", "x");
  form.append("up", new File(["file body\r\n--not-a-boundary"], "a\"b.txt", { type: "text/x-custom" }));
  form.append("bin", new Blob([new Uint8Array([0, 255, 13, 10])]));
  const res = new Response(form);
  const ct = res.headers.get("content-type");
  eq("multipart content-type", /^multipart\/form-data; boundary=[-\w]+$/.test(ct), true);
  const text = await res.clone().text();
  const boundary = ct.slice(ct.indexOf("=") + 1);
  eq("starts with the boundary", text.startsWith(`--${boundary}\r\n`), true);
  eq("ends with the close delimiter", text.endsWith(`--${boundary}--\r\n`), true);
  eq("newlines normalized in values", text.includes('name="name"\r\n\r\nva\r\nlue\r\n'), true);
  eq("name escaped", text.includes('name="quote%22d%0D%0Aname"'), true);
  eq("filename escaped", text.includes('filename="a%22b.txt"\r\nContent-Type: text/x-custom\r\n'), true);
  eq("blob defaults to octet-stream", text.includes('name="bin"; filename="blob"\r\nContent-Type: application/octet-stream\r\n'), true);
  const back = await res.formData();
  eq("round trip names", [...back.keys()], ["name", "quote\"d\r\nname", "up", "bin"]);
  eq("round trip value", back.get("name"), "va\r\nlue");
  const up = back.get("up");
  eq("round trip file", [up.name, up.type, await up.text()], ["a\"b.txt", "text/x-custom", "file body\r\n--not-a-boundary"]);
  eq("round trip binary", Array.from(await back.get("bin").bytes()), [0, 255, 13, 10]);
  eq("two boundaries differ", new Response(new FormData()).headers.get("content-type") !== ct, true);
  eq("empty form", [...await new Response(new FormData()).formData()], []);

  // Parsing bodies written by other clients
  const mp = (body, type) => new Response(body, { headers: { "content-type": type } }).formData();
  const raw = "preamble\r\n--XX\r\ncontent-disposition: form-data; name=\"f\"; filename=\"C:\\dir\\f.txt\"\r\n\r\nabc\r\n" +
    "--XX  \r\nContent-Disposition: form-data; name=t\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nh\u00e9\r\n--XX--\r\nepilogue";
  const parsed = await mp(raw, "multipart/form-data; boundary=\"XX\"");
  eq("parsed keys", [...parsed.keys()], ["f", "t"]);
  eq("file without type is text/plain", [parsed.get("f").name, parsed.get("f").type], ["C:\\dir\\f.txt", "text/plain"]);
  eq("text value UTF-8", parsed.get("t"), "h\u00e9");
  eq("filename* is not a filename", (await mp("--b\r\nContent-Disposition: form-data; name=\"x\"; filename*=UTF-8''a.txt\r\n\r\nv\r\n--b--", "multipart/form-data; boundary=b")).get("x"), "v");
  await rejects("no boundary param", mp("--b--", "multipart/form-data"), "TypeError");
  await rejects("boundary missing from body", mp("hello", "multipart/form-data; boundary=b"), "TypeError");
  await rejects("unclosed part", mp("--b\r\nContent-Disposition: form-data; name=x\r\n\r\nv", "multipart/form-data; boundary=b"), "TypeError");
  await rejects("part without a name", mp("--b\r\nContent-Disposition: form-data\r\n\r\nv\r\n--b--", "multipart/form-data; boundary=b"), "TypeError");
  await rejects("wrong type", mp("a=b", "text/plain"), "TypeError");
  await rejects("no type", new Response(new Uint8Array([1])).formData(), "TypeError");

  // URL-encoded
  const ue = await mp("a=1&b=x+y%20z&a=%E2%82%AC&&c", "application/x-www-form-urlencoded;charset=UTF-8");
  eq("urlencoded", [...ue], [["a", "1"], ["b", "x y z"], ["a", "\u20ac"], ["c", ""]]);
  const usp = new Response(new URLSearchParams({ q: "a b", r: "é" }));
  eq("URLSearchParams body type", usp.headers.get("content-type"), "application/x-www-form-urlencoded;charset=UTF-8");
  eq("URLSearchParams body", await usp.clone().text(), "q=a+b&r=%C3%A9");
  eq("URLSearchParams back", [...await usp.formData()], [["q", "a b"], ["r", "é"]]);
  const req = new Request("http://x/", { method: "POST", body: form });
  eq("Request(FormData) content-type", req.headers.get("content-type").startsWith("multipart/form-data; boundary="), true);
  eq("Request(FormData).formData()", (await req.formData()).get("name"), "va\r\nlue");
}

export default {
  async fetch(request) {
    const url = new URL(request.url);
    if (url.pathname === "/parse") {
      // Lists the fields of a posted form: name=value, files as name=file:filename:type:size.
      const fd = await request.formData();
      const lines = [];
      for (const [k, v] of fd) {
        lines.push(typeof v === "string" ? `${k}=${v}` : `${k}=file:${v.name}:${v.type}:${v.size}`);
      }
      return new Response(lines.join("\n"));
    }
    if (url.pathname === "/form") {
      const fd = new FormData();
      fd.append("greeting", "hello");
      fd.append("upload", new File(["file contents"], "hello.txt", { type: "text/plain" }));
      return new Response(fd);
    }
    failures.length = 0;
    try {
      await run();
    } catch (e) {
      failures.push("threw: " + (e && e.stack || e));
    }
    return new Response(failures.length === 0 ? "ok" : failures.join("\n"));
  },
};
