package dev

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/edged-dev/edged/bundle"
	"github.com/edged-dev/edged/runtime"
)

// addWasm is a WebAssembly module exporting add(i32, i32) -> i32.
var addWasm = []byte{
	0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
	0x01, 0x07, 0x01, 0x60, 0x02, 0x7f, 0x7f, 0x01, 0x7f, // type: (i32, i32) -> i32
	0x03, 0x02, 0x01, 0x00, // function 0 has type 0
	0x07, 0x07, 0x01, 0x03, 'a', 'd', 'd', 0x00, 0x00, // export "add" = function 0
	0x0a, 0x09, 0x01, 0x07, 0x00, 0x20, 0x00, 0x20, 0x01, 0x6a, 0x0b, // local.get 0, local.get 1, i32.add
}

func writeProject(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, body := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		writeFile(t, p, body)
	}
	return dir
}

func TestModuleRulesAndBuildOptions(t *testing.T) {
	dir := writeProject(t, map[string]string{
		"wrangler.toml": `name = "rules"
main = "src/index.tsx"
compatibility_date = "2025-01-01"
minify = true
rules = [{ type = "Text", globs = ["**/*.md"], fallthrough = true }]

[define]
FLAVOR = "\"minified\""

[alias]
"greeting-lib" = "./src/greeting.ts"
`,
		"src/index.tsx": `import notes from "./notes.md";
import hello from "./hello.txt";
import data from "./data.bin";
import mod from "./add.wasm";
import { greet } from "greeting-lib";
declare const FLAVOR: string;
const h = (tag: string, _props: unknown, ...children: string[]) => "<" + tag + ">" + children.join("") + "</" + tag + ">";
/** @jsx h */
export default {
  async fetch(): Promise<Response> {
    const { exports } = await WebAssembly.instantiate(mod);
    return Response.json({
      notes: notes.trim(),
      hello: hello.trim(),
      bytes: [...new Uint8Array(data)],
      isArrayBuffer: data instanceof ArrayBuffer,
      isModule: mod instanceof WebAssembly.Module,
      sum: (exports as { add(a: number, b: number): number }).add(2, 40),
      greet: greet("jsx"),
      flavor: FLAVOR,
      jsx: <b>bold</b>,
    });
  },
};
`,
		"src/greeting.ts": "export const greet = (who: string) => `hello ${who}`;\n",
		"src/notes.md":    "# notes\n",
		"src/hello.txt":   "hi there\n",
		"src/data.bin":    "\x01\x02\xff",
		"src/add.wasm":    string(addWasm),
	})
	s := start(t, Options{Load: LoadOptions{Dir: dir}, NoWatch: true})
	st, body := get(t, s.url+"/")
	var got map[string]any
	if err := json.Unmarshal([]byte(body), &got); st != 200 || err != nil {
		t.Fatalf("GET / = %d %q", st, body)
	}
	want := `{"bytes":[1,2,255],"flavor":"minified","greet":"hello jsx","hello":"hi there","isArrayBuffer":true,"isModule":true,"jsx":"\u003cb\u003ebold\u003c/b\u003e","notes":"# notes","sum":42}`
	if b, _ := json.Marshal(got); string(b) != want {
		t.Errorf("GET / = %s\nwant    %s", b, want)
	}
	if code := s.cur.modules["bundle.js"]; strings.Count(code, "\n") > 20 {
		t.Errorf("minify = true left %d lines", strings.Count(code, "\n"))
	}
}

func TestJSONLog(t *testing.T) {
	dir := filepath.Join(projects, "plain-js")
	out := &lockedBuffer{}
	log, err := NewLogger(out, "json")
	if err != nil {
		t.Fatal(err)
	}
	s, err := New(Options{Load: LoadOptions{Dir: t.TempDir(), Entry: filepath.Join(dir, "src/worker.js")}, Log: log, NoWatch: true, IP: "127.0.0.1", Port: 0})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	rec := newRecorder()
	s.ServeHTTP(rec, mustRequest(t, "GET", "/throw"))
	s.ServeHTTP(rec, mustRequest(t, "GET", "/"))
	time.Sleep(10 * time.Millisecond)
	var kinds []string
	for _, line := range strings.Split(strings.TrimSpace(out.String()), "\n") {
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("not JSON: %q", line)
		}
		kinds = append(kinds, m["type"].(string))
		if m["type"] == "request" && m["path"] == "/" && (m["status"] != 200.0 || m["method"] != "GET") {
			t.Errorf("request line = %v", m)
		}
		if m["type"] == "exception" && !strings.Contains(m["details"].(string), "src/lib.js:4:9") {
			t.Errorf("exception line = %v", m)
		}
	}
	if strings.Join(kinds, ",") != "exception,request,request" {
		t.Errorf("log lines = %v", kinds)
	}
	if _, err := NewLogger(out, "yaml"); err == nil {
		t.Errorf("--log-format yaml: no error")
	}
}

func TestScheduledException(t *testing.T) {
	dir := writeProject(t, map[string]string{
		"src/index.ts": `export default {
  async fetch() { return new Response("ok"); },
  async scheduled(controller: { cron: string }) {
    if (controller.cron === "bad") {
      throw new RangeError("bad cron");
    }
  },
};
`,
	})
	s := start(t, Options{Load: LoadOptions{Dir: dir, Entry: filepath.Join(dir, "src/index.ts")}, NoWatch: true})
	if st, body := get(t, s.url+"/cdn-cgi/handler/scheduled?cron=ok"); st != 200 {
		t.Errorf("scheduled ok = %d %q", st, body)
	}
	st, body := get(t, s.url+"/cdn-cgi/handler/scheduled?cron=bad")
	if st != 500 || !strings.Contains(body, "RangeError: bad cron") || !strings.Contains(body, "src/index.ts:5:13") {
		t.Errorf("scheduled bad = %d %q", st, body)
	}
	if st, _ := get(t, s.url+"/cdn-cgi/handler/scheduled?time=soon"); st != 400 {
		t.Errorf("scheduled with a bad time = %d, want 400", st)
	}
}

func TestFindLocations(t *testing.T) {
	text := "TypeError: x\n    at f (src/a.ts:3:7)\n    at src/b.ts:10:2\n    at async Promise.all (index 0)\nsrc/c.ts:1:1: Uncaught"
	got := findLocations(text)
	var s []string
	for _, l := range got {
		s = append(s, l.text)
	}
	if strings.Join(s, " ") != "src/a.ts:3:7 src/b.ts:10:2 src/c.ts:1:1" {
		t.Errorf("findLocations = %v", s)
	}
	lines := snippet("a\nb\nc\nd\ne\nf", 4, 2)
	if len(lines) != 5 || lines[0].N != 2 || !lines[2].Here || lines[2].Text != "d" {
		t.Errorf("snippet = %+v", lines)
	}
	if snippet("a", 5, 1) != nil {
		t.Errorf("snippet past the end")
	}
}

func mustRequest(t *testing.T, method, path string) *http.Request {
	t.Helper()
	r, err := http.NewRequest(method, "http://127.0.0.1"+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func newRecorder() *httptest.ResponseRecorder { return httptest.NewRecorder() }

// TestBuildThenServeUnbundled is the production path: `edged build` output, loaded
// with no_bundle = true, still reports the original sources in stack traces.
func TestBuildThenServeUnbundled(t *testing.T) {
	src := filepath.Join(projects, "plain-js")
	dir := t.TempDir()
	p, err := Open(LoadOptions{Dir: dir, Entry: filepath.Join(src, "src/worker.js"), NoDevVars: true})
	if err != nil {
		t.Fatal(err)
	}
	o := p.BundleOptions()
	o.Outfile = filepath.Join(dir, "dist/worker.js")
	o.SourceMap = bundle.SourceMapLinked
	res, err := bundle.Build(o)
	if err != nil {
		t.Fatal(err)
	}
	os.MkdirAll(filepath.Join(dir, "dist"), 0o755)
	writeFile(t, o.Outfile, res.Modules[res.Main])
	writeFile(t, o.Outfile+".map", string(res.Map))
	writeFile(t, filepath.Join(dir, "wrangler.toml"), "name = \"built\"\nmain = \"dist/worker.js\"\ncompatibility_date = \"2025-01-01\"\nno_bundle = true\n")

	l, err := Load(LoadOptions{Dir: dir, NoDevVars: true, NoBindings: true})
	if err != nil {
		t.Fatal(err)
	}
	if l.Runtime.MainModule != "edged:entry" || l.Build.Main != "worker.js" {
		t.Fatalf("main = %q, build main = %q", l.Runtime.MainModule, l.Build.Main)
	}
	var console lockedBuffer
	prep, err := l.Project.Prepare(l.Build, false, func(_ string, level int, text string) { console.Write([]byte(text + "\n")) })
	if err != nil {
		t.Fatal(err)
	}
	w, err := runtime.New(prep.Runtime)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close(context.Background())
	rec := httptest.NewRecorder()
	w.ServeHTTP(rec, mustRequest(t, "GET", "/"))
	if rec.Code != 200 || rec.Body.String() != "plain v1" {
		t.Errorf("GET / = %d %q", rec.Code, rec.Body.String())
	}
	rec = httptest.NewRecorder()
	w.ServeHTTP(rec, mustRequest(t, "GET", "/throw"))
	if rec.Code != 500 {
		t.Errorf("GET /throw = %d", rec.Code)
	}
	eventually(t, "the console shows the original location", 5*time.Second, func() bool {
		return strings.Contains(console.String(), "plain-js/src/lib.js:4:9")
	})
	if strings.Contains(console.String(), "edged:") || strings.Contains(console.String(), "worker.js:") && !strings.Contains(console.String(), "src/worker.js:") {
		t.Errorf("console = %s", console.String())
	}
}
