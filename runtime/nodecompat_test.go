package runtime

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"math/rand/v2"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// nodeWorker loads src as worker.js with nodejs_compat as nc says.
func nodeWorker(t *testing.T, nc NodeCompat, env map[string]any, src string) *Worker {
	t.Helper()
	w, err := New(Config{Name: "node", MainModule: "worker.js", Modules: map[string]string{"worker.js": src},
		Env: env, Limits: Limits{Isolates: 1, CPU: 10 * time.Second}, NodeCompat: nc})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.Close(t.Context()) })
	return w
}

func nodeGet(t *testing.T, w *Worker, path string) string {
	t.Helper()
	rec := httptest.NewRecorder()
	w.ServeHTTP(rec, httptest.NewRequest("GET", "http://x"+path, nil))
	if rec.Code != 200 {
		t.Fatalf("GET %s: %d %s", path, rec.Code, rec.Body.String())
	}
	return rec.Body.String()
}

var v2 = NodeCompat{Modules: true, V2: true}

// lines runs a worker whose fetch returns checks(), one result a line, and
// compares them with want.
func checkLines(t *testing.T, nc NodeCompat, imports, body string, want []string) {
	t.Helper()
	src := imports + "\nexport default { async fetch() { const out = [];\n" + body + "\nreturn new Response(out.join('\\n')); } };"
	got := strings.Split(nodeGet(t, nodeWorker(t, nc, nil, src), "/"), "\n")
	for i := range max(len(got), len(want)) {
		g, w := "<none>", "<none>"
		if i < len(got) {
			g = got[i]
		}
		if i < len(want) {
			w = want[i]
		}
		if g != w {
			t.Errorf("line %d: got %q, want %q", i+1, g, w)
		}
	}
}

func TestNodeBuffer(t *testing.T) {
	checkLines(t, v2, `import { Buffer, constants, kMaxLength, btoa, Blob } from "node:buffer"; import { inspect } from "node:util";`, `
const code = (f) => { try { f(); return "no error"; } catch (e) { return e.name + " " + e.code; } };
out.push(Buffer.from("héllo").toString("base64"));
out.push(Buffer.from("héllo").toString("hex"));
out.push(Buffer.from("68c3a96c6c6f", "hex").toString());
out.push(Buffer.from([1, 2, 3, 4]).readUInt32BE(0) + " " + Buffer.from([1, 2, 3, 4]).readUInt32LE(0));
const b = Buffer.alloc(8); b.writeBigInt64LE(-2n); out.push(b.readBigInt64LE(0) + " " + b.toString("hex") + " " + b.readBigUInt64BE());
const hw = Buffer.from("hello world"); const s = hw.slice(0, 5); s[0] = 72; out.push(hw.toString() + " " + s.toString() + " " + hw.subarray(6).toString("utf8", 1, 3));
out.push(Buffer.byteLength("héllo") + " " + Buffer.byteLength("aGk=", "base64") + " " + Buffer.byteLength("abcd", "hex"));
out.push(Buffer.concat([Buffer.from("a"), Buffer.from("bc")]).toString() + " " + Buffer.concat([Buffer.from("abc")], 2).toString());
out.push(Buffer.compare(Buffer.from("a"), Buffer.from("b")) + " " + Buffer.from("b").compare(Buffer.from("a")));
out.push(JSON.stringify(Buffer.from([1, 2])) + " " + Buffer.from({ type: "Buffer", data: [104, 105] }).toString());
out.push([Buffer.from("ab").equals(Buffer.from("ab")), Buffer.from("hello").indexOf("lo"), Buffer.from("hello").includes("x"), Buffer.from("hello").lastIndexOf("l"), Buffer.from("hello").indexOf(0x65)].join(" "));
out.push(Buffer.from("héllo", "latin1").toString("hex") + " " + Buffer.from([0x68, 0xe9]).toString("latin1") + " " + Buffer.from([0xe9]).toString("ascii"));
out.push(Buffer.from("hi", "utf16le").toString("hex") + " " + Buffer.from("68006900", "hex").toString("ucs2"));
out.push(Buffer.from([0xfb, 0xff]).toString("base64url") + " " + Buffer.from([0xfb, 0xff]).toString("base64") + " " + Buffer.from("-_8", "base64").toString("hex") + " " + Buffer.from("+/8=", "base64url").toString("hex"));
out.push(Buffer.alloc(5, "ab").toString() + " " + Buffer.alloc(3, 0x41).toString() + " " + Buffer.from("xxxx").fill("yz", 1).toString());
const tgt = Buffer.alloc(4); out.push(Buffer.from("xyz").copy(tgt, 1) + " " + tgt.toString("hex"));
out.push([hw instanceof Uint8Array, Buffer.isBuffer(hw), Buffer.isBuffer(new Uint8Array(1)), Buffer.isEncoding("UTF-8"), Buffer.isEncoding("nope")].join(" "));
const w4 = Buffer.alloc(4); out.push(w4.write("héllo") + " " + w4.toString("hex") + " " + Buffer.alloc(4).write("abcd", 1, 2, "latin1"));
out.push(Buffer.from("1ag123", "hex").toString("hex") + " " + Buffer.from("aGVs bG8=\n", "base64").toString());
const n = Buffer.alloc(6); out.push(n.writeUInt16BE(0x1234, 0) + " " + n.writeInt32LE(-5, 2) + " " + n.toString("hex") + " " + n.readInt32LE(2) + " " + n.readIntBE(0, 2) + " " + n.readUIntLE(0, 3));
out.push(code(() => n.writeUInt8(256, 0)) + " " + code(() => Buffer.alloc(1).readUInt16LE(0)) + " " + code(() => n.readUInt8(6)) + " " + code(() => Buffer.from("x", "nope")));
out.push(inspect(Buffer.from("hi")) + " " + btoa("hi") + " " + (constants.MAX_LENGTH === kMaxLength) + " " + (Blob === globalThis.Blob));
out.push(Buffer.from(new Uint16Array([1, 256])).toString("hex") + " " + Buffer.from(new Uint8Array([7, 8]).buffer, 1).toString("hex"));
out.push(Buffer.from("abcd").swap16().toString() + " " + Buffer.from("héllo").toJSON().data.length + " " + Buffer.from("€").toString("binary").length);
`, []string{
		"aMOpbGxv",
		"68c3a96c6c6f",
		"héllo",
		"16909060 67305985",
		"-2 feffffffffffffff 18374686479671623679",
		"Hello world Hello or",
		"6 2 2",
		"abc ab",
		"-1 1",
		`{"type":"Buffer","data":[1,2]} hi`,
		"true 3 false 3 1",
		"68e96c6c6f hé i",
		"68006900 hi",
		"-_8 +/8= fbff fbff",
		"ababa AAA xyzy",
		"3 0078797a",
		"true true false true false",
		"4 68c3a96c 2",
		"1a hello",
		"2 6 1234fbffffff -5 4660 16462866",
		"RangeError ERR_OUT_OF_RANGE RangeError ERR_BUFFER_OUT_OF_BOUNDS RangeError ERR_OUT_OF_RANGE TypeError ERR_UNKNOWN_ENCODING",
		"<Buffer 68 69> aGk= true true",
		"0100 08",
		"badc 6 3",
	})
}

func TestNodeEvents(t *testing.T) {
	checkLines(t, v2, `import EventEmitter, { once, EventEmitter as Named } from "node:events"; import Bare from "events";`, `
const e = new EventEmitter();
let n = 0;
e.once("x", (a, b) => { n += a + b; });
out.push(e.emit("x", 1, 2) + " " + e.emit("x", 1, 2) + " " + n + " " + e.listenerCount("x"));
const order = [];
e.on("y", () => order.push("on")); e.prependListener("y", () => order.push("first")); e.prependOnceListener("y", () => order.push("once"));
e.emit("y"); e.emit("y"); out.push(order.join(","));
const h = () => {}; e.on("z", h); e.on(Symbol.for("s"), h);
out.push(e.eventNames().map(String).join(",") + " " + e.listenerCount("y"));
e.off("z", h); e.removeAllListeners("y"); out.push(e.eventNames().map(String).join(","));
try { e.emit("error", new Error("boom")); } catch (err) { out.push("threw " + err.message); }
try { e.emit("error", "str"); } catch (err) { out.push(err.code + " " + err.message); }
e.on("error", (err) => out.push("handled " + err.message)); e.emit("error", new Error("later"));
const f = new EventEmitter();
setTimeout(() => f.emit("ready", 1, "two"), 1);
out.push(JSON.stringify(await once(f, "ready")));
setTimeout(() => f.emit("error", new Error("nope")), 1);
try { await once(f, "never"); } catch (err) { out.push("once rejected " + err.message + " " + f.listenerCount("never")); }
out.push(EventEmitter.defaultMaxListeners + " " + (Named === EventEmitter) + " " + (Bare === EventEmitter) + " " + (EventEmitter.EventEmitter === EventEmitter) + " " + new EventEmitter().setMaxListeners(3).getMaxListeners());
class Sub extends EventEmitter { constructor() { super(); this.v = 1; } }
const sub = new Sub(); let got = 0; sub.on("v", function () { got = this.v; }); sub.emit("v"); out.push("sub " + got + " " + (sub instanceof EventEmitter));
const added = []; const g = new EventEmitter(); g.on("newListener", (name) => added.push(name)); g.on("a", h); g.once("b", h); out.push(added.join(","));
`, []string{
		"true false 3 0",
		"once,first,on,first,on",
		"y,z,Symbol(s) 2",
		"Symbol(s)",
		"threw boom",
		"ERR_UNHANDLED_ERROR Unhandled error. ('str')",
		"handled later",
		`[1,"two"]`,
		"once rejected nope 0",
		"10 true true true 3",
		"sub 1 true",
		"a,b",
	})
}

func TestNodePath(t *testing.T) {
	checkLines(t, v2, `import path from "node:path"; import { join, posix } from "path"; import * as pp from "node:path/posix";`, `
out.push(path.join("/a/b", "../c", "./d.txt") + " " + join("a", "", "b/") + " " + path.join() + " " + path.join("..", "x"));
out.push(path.resolve("a", "b") + " " + path.resolve("/x", "../y", "z/") + " " + path.resolve() + " " + path.resolve("/a", "/b", "c"));
out.push(path.relative("/data/a/b", "/data/c") + "|" + path.relative("/a", "/a") + "|" + path.relative("/a", "/a/b/c"));
out.push(JSON.stringify(path.parse("/home/u/f.txt")) + " " + JSON.stringify(path.parse("f")));
out.push(path.normalize("a//b/../c/") + " " + path.normalize("/../x") + " " + path.normalize("") + " " + path.normalize("./"));
out.push(path.basename("/a/b.js", ".js") + " " + path.basename("/a/b/") + " " + path.extname(".bashrc") + "|" + path.extname("a.tar.gz") + " " + path.extname("a."));
out.push(path.dirname("/a/b/") + " " + path.dirname("a") + " " + path.dirname("/a") + " " + path.format({ dir: "/x", base: "y.z" }) + " " + path.format({ root: "/", name: "n", ext: "e" }));
out.push([path.isAbsolute("/a"), path.isAbsolute("a"), posix === path, path.posix === path, pp.join === path.join, path.sep, path.delimiter].join(" "));
`, []string{
		"/a/c/d.txt a/b/ . ../x",
		"/a/b /y/z / /b/c",
		"../../c||b/c",
		`{"root":"/","dir":"/home/u","base":"f.txt","ext":".txt","name":"f"} {"root":"","dir":"","base":"f","ext":"","name":"f"}`,
		"a/c/ /x . ./",
		"b b |.gz .",
		"/a . / /x/y.z /n.e",
		"true false true true true / :",
	})
}

func TestNodeProcess(t *testing.T) {
	src := `import process, { nextTick, env } from "node:process";
export default { async fetch() {
  const order = [];
  setTimeout(() => order.push("timeout"), 0);
  process.nextTick((a, b) => order.push("tick " + a + b), 1, 2);
  order.push("sync");
  await new Promise((r) => setTimeout(r, 5));
  const hr = process.hrtime(), d = process.hrtime(hr);
  const warned = [];
  process.on("warning", (w) => warned.push(w.name + ": " + w.message));
  process.emitWarning("careful", "CustomWarning");
  await null;
  return new Response([order.join(","), JSON.stringify(process.env), env === process.env, globalThis.process === process,
    process.platform, process.cwd(), hr.length, d[0] >= 0 && d[1] >= 0, typeof process.hrtime.bigint(), process.version.startsWith("v"),
    typeof process.versions.node, nextTick === process.nextTick, warned.join(";"), process.on("x", () => {}) === process].join("\n"));
} };`
	env := map[string]any{"GREETING": "hi", "COUNT": 3, "LIST": []any{"a"}}
	got := nodeGet(t, nodeWorker(t, NodeCompat{Modules: true, V2: true, ProcessEnv: true}, env, src), "/")
	want := "sync,tick 12,timeout\n" + `{"GREETING":"hi"}` + "\ntrue\ntrue\nlinux\n/\n2\ntrue\nbigint\ntrue\nstring\ntrue\nCustomWarning: careful\ntrue"
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	// Without nodejs_compat_populate_process_env, process.env is empty.
	got = nodeGet(t, nodeWorker(t, v2, env, `import process from "node:process";
export default { fetch() { return new Response(JSON.stringify(process.env)); } };`), "/")
	if got != "{}" {
		t.Errorf("process.env without populate: %s", got)
	}
}

func TestNodeUtilAssertStringDecoder(t *testing.T) {
	checkLines(t, v2, `import util, { format, promisify, inherits, types } from "node:util"; import assert, { AssertionError } from "node:assert";
import { StringDecoder } from "string_decoder"; import { EventEmitter } from "node:events"; import strict from "node:assert/strict";`, `
const msg = (f) => { try { f(); return "no error"; } catch (e) { return e.name + " " + e.code + " " + JSON.stringify(e.message); } };
out.push(format("%s=%d %j %%", "a", 42, { x: 1 }) + "|" + format(1, "a", { b: 2 }) + "|" + format("a%sb", "X", "extra") + "|" + format("%i %f", "42.5", "1.5"));
out.push(util.inspect({ a: [1, 2, { b: "c" }], m: new Map([[1, 2]]), d: { e: { f: { g: 1 } } } }));
out.push(util.inspect(new Set(["x"])) + " " + util.inspect("it's") + " " + util.inspect([undefined, null, -0, 10n, Symbol("s")]) + " " + util.inspect(function named() {}) + " " + util.inspect(new Date(0)));
const double = (a, cb) => setTimeout(() => (a < 0 ? cb(new Error("negative")) : cb(null, a * 2)), 0);
out.push(await promisify(double)(21));
try { await promisify(double)(-1); } catch (e) { out.push("rejected " + e.message); }
const custom = () => {}; custom[promisify.custom] = () => Promise.resolve("custom"); out.push(await promisify(custom)() + " " + (promisify(custom) === custom[util.promisify.custom]));
out.push(await new Promise((r) => util.callbackify(async (x) => x + 1)(1, (err, v) => r(err + " " + v))));
function A() { EventEmitter.call(this); } inherits(A, EventEmitter); out.push((new A() instanceof EventEmitter) + " " + (A.super_ === EventEmitter));
out.push([util.isDeepStrictEqual({ a: [1, { b: 2 }] }, { a: [1, { b: 2 }] }), util.isDeepStrictEqual({ a: 1 }, { a: "1" }), util.isDeepStrictEqual(new Map([[1, { x: 1 }]]), new Map([[1, { x: 1 }]]))].join(" "));
out.push([types.isPromise(Promise.resolve()), types.isDate(new Date()), types.isRegExp(/x/), types.isUint8Array(new Uint8Array(1)), types.isAsyncFunction(async () => {}), types.isTypedArray([])].join(" "));
out.push((util.TextEncoder === globalThis.TextEncoder) + " " + util.deprecate((x) => x * 3, "old")(2));
assert(true); assert.ok(1); assert.equal(1, "1"); assert.deepEqual({ a: 1 }, { a: "1" }); assert.deepStrictEqual({ a: [1] }, { a: [1] }); assert.notStrictEqual(1, "1");
assert.throws(() => { throw new TypeError("bad input"); }, TypeError); assert.throws(() => { throw new TypeError("bad input"); }, /bad/);
assert.throws(() => { throw new TypeError("bad input"); }, { name: "TypeError", message: "bad input" });
await assert.rejects(Promise.reject(new Error("r")), Error);
out.push(msg(() => assert.throws(() => {})) + " " + msg(() => assert.throws(() => {}, TypeError, "needs one")));
out.push(msg(() => assert.strictEqual(1, 2)));
out.push(msg(() => assert(false, "custom")) + " " + msg(() => strict.equal(1, "1")) + " " + (msg(() => assert.deepStrictEqual({ a: 1 }, { a: 2 })).split(" ").slice(0, 2).join(" ")));
out.push(msg(() => assert.throws(() => { throw new Error("x"); }, TypeError)));
try { await assert.rejects(Promise.resolve(1)); } catch (e) { out.push((e instanceof AssertionError) + " " + e.message); }
const dec = new StringDecoder("utf8"); out.push(JSON.stringify([dec.write(Buffer.from([0xe2, 0x82])), dec.write(Buffer.from([0xac, 0x61])), dec.end(Buffer.from([0xe2]))]));
const b64 = new StringDecoder("base64"); out.push(b64.write(Buffer.from("abcd")) + "|" + b64.end());
const u16 = new StringDecoder("utf16le"); out.push(u16.write(Buffer.from([0x68, 0x00, 0x69])) + "|" + u16.write(Buffer.from([0x00])) + "|" + u16.end());
`, []string{
		`a=42 {"x":1} %|1 a { b: 2 }|aXb extra|42 1.5`,
		"{ a: [ 1, 2, { b: 'c' } ], m: Map(1) { 1 => 2 }, d: { e: { f: [Object] } } }",
		`Set(1) { 'x' } "it's" [ undefined, null, -0, 10n, Symbol(s) ] [Function: named] 1970-01-01T00:00:00.000Z`,
		"42",
		"rejected negative",
		"custom true",
		"null 2",
		"true true",
		"true false true",
		"true true true true true false",
		"true 6",
		`AssertionError ERR_ASSERTION "Missing expected exception." AssertionError ERR_ASSERTION "Missing expected exception (TypeError): needs one"`,
		`AssertionError ERR_ASSERTION "Expected values to be strictly equal:\n\n1 !== 2\n"`,
		`AssertionError ERR_ASSERTION "custom" AssertionError ERR_ASSERTION "Expected values to be strictly equal:\n\n1 !== '1'\n" AssertionError ERR_ASSERTION`,
		`AssertionError ERR_ASSERTION "The error is expected to be an instance of \"TypeError\". Received \"Error\"\n\nError message:\n\nx"`,
		"true Missing expected rejection.",
		"[\"\",\"€a\",\"\ufffd\"]",
		"YWJj|ZA==",
		"h|i|",
	})
}

func TestNodeModuleErrors(t *testing.T) {
	load := func(nc NodeCompat, src string) error {
		w, err := New(Config{Name: "node", MainModule: "worker.js", Modules: map[string]string{"worker.js": src},
			Limits: Limits{Isolates: 1}, NodeCompat: nc})
		if err == nil {
			w.Close(t.Context())
		}
		return err
	}
	for _, c := range []struct {
		nc   NodeCompat
		src  string
		want string // in the load error; "" for none
	}{
		{NodeCompat{}, `import { Buffer } from "node:buffer";`, `not implemented: module "node:buffer" (imported from worker.js) is not provided by edged yet; it needs the nodejs_compat compatibility flag`},
		{NodeCompat{}, `import fs from "node:fs";`, `not implemented: module "node:fs" (imported from worker.js) is not provided by edged yet, not even with the nodejs_compat`},
		{v2, `import fs from "node:fs";`, `not implemented: node:fs (imported from worker.js as "node:fs") is not provided by edged`},
		{v2, `import fs from "fs";`, `not implemented: node:fs (imported from worker.js as "fs")`},
		{v2, `import { createHash } from "node:crypto";`, `not implemented: node:crypto`},
		{NodeCompat{}, `import e from "events";`, `Cannot find module 'events'`},
		// nodejs_compat before 2024-09-23: node: names only, and no Buffer/process globals.
		{NodeCompat{Modules: true}, `import e from "events";`, `Cannot find module 'events'`},
		{NodeCompat{Modules: true}, `import { Buffer } from "node:buffer"; if (typeof globalThis.Buffer !== "undefined" || typeof process !== "undefined") throw new Error("globals");`, ""},
		{NodeCompat{}, `if (typeof Buffer !== "undefined") throw new Error("Buffer without the flag");`, ""},
		{v2, "#!/usr/bin/env edged\nif (Buffer.from('a').length !== 1) throw new Error('no Buffer');", ""},
	} {
		err := load(c.nc, c.src+"\nexport default { fetch() { return new Response('ok'); } };")
		switch {
		case c.want == "" && err != nil:
			t.Errorf("%+v %s: %v", c.nc, c.src, err)
		case c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)):
			t.Errorf("%+v %s: got %v, want %q", c.nc, c.src, err, c.want)
		}
	}
}

// Buffer's codecs are JavaScript, so instead of a fuzz target this round-trips
// random byte strings through base64, base64url, hex and latin1 against Go's encoders,
// both ways.
func TestNodeBufferCodecsAgainstGo(t *testing.T) {
	src := `import { Buffer } from "node:buffer";
export default { async fetch(req) {
  const cases = await req.json();
  return Response.json(cases.map((c) => {
    const b = Buffer.from(c.bytes);
    return { b64: b.toString("base64"), b64url: b.toString("base64url"), hex: b.toString("hex"), latin1: b.toString("latin1"),
      fromB64: Buffer.from(c.b64, "base64").toString("hex"), fromB64url: Buffer.from(c.b64url, "base64url").toString("hex"),
      fromRawB64: Buffer.from(c.rawB64, "base64").toString("hex"), fromHex: Buffer.from(c.hex.toUpperCase(), "hex").toString("hex"),
      fromLatin1: Buffer.from(c.latin1, "latin1").toString("hex"), len: Buffer.byteLength(c.b64, "base64") };
  }));
} };`
	w := nodeWorker(t, v2, nil, src)
	type in struct {
		Bytes  []int  `json:"bytes"`
		B64    string `json:"b64"`
		B64url string `json:"b64url"`
		RawB64 string `json:"rawB64"`
		Hex    string `json:"hex"`
		Latin1 string `json:"latin1"`
	}
	rng := rand.New(rand.NewPCG(1, 2))
	var cases []in
	var raw [][]byte
	for i := range 300 {
		b := make([]byte, rng.IntN(3+i))
		ints := make([]int, len(b))
		runes := make([]rune, len(b))
		for j := range b {
			b[j] = byte(rng.UintN(256))
			ints[j], runes[j] = int(b[j]), rune(b[j])
		}
		raw = append(raw, b)
		cases = append(cases, in{ints, base64.StdEncoding.EncodeToString(b), base64.RawURLEncoding.EncodeToString(b),
			base64.RawStdEncoding.EncodeToString(b), hex.EncodeToString(b), string(runes)})
	}
	body, _ := json.Marshal(cases)
	rec := httptest.NewRecorder()
	w.ServeHTTP(rec, httptest.NewRequest("POST", "http://x/", bytes.NewReader(body)))
	var out []struct {
		B64, B64url, Hex, Latin1                             string
		FromB64, FromB64url, FromRawB64, FromHex, FromLatin1 string
		Len                                                  int
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil || len(out) != len(cases) {
		t.Fatalf("%v: %.200s", err, rec.Body.String())
	}
	for i, c := range cases {
		o, h := out[i], hex.EncodeToString(raw[i])
		for _, p := range [][3]string{{"base64", o.B64, c.B64}, {"base64url", o.B64url, c.B64url}, {"hex", o.Hex, c.Hex},
			{"latin1", o.Latin1, c.Latin1}, {"from base64", o.FromB64, h}, {"from base64url", o.FromB64url, h},
			{"from unpadded base64", o.FromRawB64, h}, {"from upper-case hex", o.FromHex, h}, {"from latin1", o.FromLatin1, h}} {
			if p[1] != p[2] {
				t.Errorf("%x: %s: got %q, want %q", raw[i], p[0], p[1], p[2])
			}
		}
		if o.Len != len(raw[i]) {
			t.Errorf("%x: byteLength of base64 %d, want %d", raw[i], o.Len, len(raw[i]))
		}
	}
}
