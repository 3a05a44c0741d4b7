package bundle

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/edged-dev/edged/bundle/sourcemap"
	"github.com/edged-dev/edged/config"
)

func TestMatchGlob(t *testing.T) {
	for _, tc := range []struct {
		glob, name string
		want       bool
	}{
		{"**/*.txt", "a.txt", true},
		{"**/*.txt", "x/y/a.txt", true},
		{"**/*.txt", "a.txtx", false},
		{"*.txt", "x/a.txt", false},
		{"src/*.html", "src/a.html", true},
		{"src/*.html", "src/x/a.html", false},
		{"src/**", "src/x/a.html", true},
		{"**/*.wasm?module", "a.wasm?module", true},
		{"**/*.wasm", "a.wasm?module", false},
		{"a?c", "abc", true},
		{"a?c", "a/c", false},
		{"**/x/**/*.bin", "x/y.bin", true},
		{"**/x/**/*.bin", "q/x/r/s/y.bin", true},
		{"*a*b*c", "aXbYbZc", true},
		{"*a*b*c", "aXbYbZ", false},
	} {
		if got := matchGlob(tc.glob, tc.name); got != tc.want {
			t.Errorf("matchGlob(%q, %q) = %v, want %v", tc.glob, tc.name, got, tc.want)
		}
	}
}

func TestEffectiveRules(t *testing.T) {
	user := []config.Rule{{Type: config.Text, Globs: []string{"**/*.md"}}, {Type: config.Data, Globs: []string{"**/*.dat"}, Fallthrough: true}}
	rules := effectiveRules(user)
	for _, tc := range []struct {
		name string
		want config.ModuleType
		ok   bool
	}{
		{"README.md", config.Text, true},
		{"a.txt", "", false}, // the default Text rule is replaced
		{"a.dat", config.Data, true},
		{"a.bin", config.Data, true}, // fallthrough keeps the default Data rule
		{"m.wasm", config.CompiledWasm, true},
		{"a.js", "", false},
	} {
		got, ok := ruleFor(rules, tc.name)
		if got != tc.want || ok != tc.ok {
			t.Errorf("ruleFor(%q) = %q, %v; want %q, %v", tc.name, got, ok, tc.want, tc.ok)
		}
	}
}

func writeFiles(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, body := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// A minimal wasm module: the 8-byte header.
const wasmHeader = "\x00asm\x01\x00\x00\x00"

func TestBuild(t *testing.T) {
	dir := writeFiles(t, map[string]string{
		"src/index.ts": `import text from "./hello.txt";
import page from "./page.html";
import data from "./blob.bin";
import mod from "./m.wasm";
import { greet } from "./greet";
import { WorkerEntrypoint } from "cloudflare:workers";
declare const VERSION: string;
export default {
  fetch(req: Request): Response {
    return new Response(greet(text) + page + data.byteLength + String(mod) + VERSION + String(WorkerEntrypoint));
  },
};
`,
		"src/greet.ts":                  "export const greet = (s: string): string => `hi ${s.trim()}`;\n",
		"src/hello.txt":                 "world\n",
		"src/page.html":                 "<p>x</p>",
		"src/blob.bin":                  "\x01\x02\x03",
		"src/m.wasm":                    wasmHeader,
		"node_modules/dep/package.json": `{"name":"dep","exports":{".":{"workerd":"./workerd.js","node":"./node.js","default":"./default.js"}}}`,
	})
	res, err := Build(Options{Entry: "src/index.ts", Dir: dir, Define: map[string]string{"VERSION": `"1.2.3"`}})
	if err != nil {
		t.Fatal(err)
	}
	code := res.Modules[MainModule]
	for _, want := range []string{`"world\n"`, `"<p>x</p>"`, ".buffer.slice(", "new WebAssembly.Module(", `"1.2.3"`, `from "cloudflare:workers"`, "hi ${"} {
		if !strings.Contains(code, want) {
			t.Errorf("bundle lacks %q:\n%s", want, code)
		}
	}
	if strings.Contains(code, dir) {
		t.Errorf("the bundle names the absolute project directory:\n%s", code)
	}
	if len(res.Exports) != 1 || res.Exports[0] != "default" {
		t.Errorf("Exports = %v, want [default]", res.Exports)
	}
	wantInputs := []string{"src/blob.bin", "src/greet.ts", "src/hello.txt", "src/index.ts", "src/m.wasm", "src/page.html"}
	var got []string
	for _, in := range res.Inputs {
		rel, _ := filepath.Rel(dir, in)
		got = append(got, filepath.ToSlash(rel))
	}
	if strings.Join(got, ",") != strings.Join(wantInputs, ",") {
		t.Errorf("Inputs = %v, want %v", got, wantInputs)
	}
	m, err := sourcemap.Parse(res.Map)
	if err != nil {
		t.Fatal(err)
	}
	// The template literal of greet.ts maps back to line 1 of greet.ts.
	for i, l := range strings.Split(code, "\n") {
		if c := strings.Index(l, "`hi ${"); c >= 0 {
			p, ok := m.Lookup(i+1, c+1)
			if !ok || p.Source != "src/greet.ts" || p.Line != 1 {
				t.Errorf("the template literal maps to %+v, %v; want src/greet.ts line 1", p, ok)
			}
		}
	}
}

func TestConditions(t *testing.T) {
	dir := writeFiles(t, map[string]string{
		"index.js":                      `import v from "dep"; export default { fetch() { return new Response(v); } };`,
		"node_modules/dep/package.json": `{"name":"dep","exports":{".":{"node":"./node.js","workerd":"./workerd.js","default":"./default.js"}}}`,
		"node_modules/dep/workerd.js":   `export default "workerd-build";`,
		"node_modules/dep/node.js":      `export default "node-build";`,
		"node_modules/dep/default.js":   `export default "default-build";`,
	})
	res, err := Build(Options{Entry: filepath.Join(dir, "index.js"), SourceMap: SourceMapNone})
	if err != nil {
		t.Fatal(err)
	}
	if code := res.Modules[MainModule]; !strings.Contains(code, "workerd-build") || strings.Contains(code, "node-build") {
		t.Errorf("the workerd condition was not chosen:\n%s", code)
	}
	if res.Map != nil {
		t.Errorf("SourceMapNone returned a map")
	}
}

func TestBuildError(t *testing.T) {
	dir := writeFiles(t, map[string]string{
		"src/index.ts": "export default {\n  fetch() {\n    return new Response(\"x\";\n  },\n};\n",
	})
	_, err := Build(Options{Entry: "src/index.ts", Dir: dir})
	var be *Error
	if !errors.As(err, &be) {
		t.Fatalf("Build error = %v, want *Error", err)
	}
	m := be.Messages[0]
	if m.File != "src/index.ts" || m.Line != 3 || m.Column != 28 || !strings.Contains(m.Text, `Expected ")"`) {
		t.Errorf("message = %+v, want src/index.ts:3:28 Expected \")\"", m)
	}
	if !strings.HasPrefix(err.Error(), "src/index.ts:3:28: ") {
		t.Errorf("Error() = %q", err.Error())
	}

	_, err = Build(Options{Entry: "missing.ts", Dir: dir})
	if err == nil || !strings.Contains(err.Error(), "missing.ts") {
		t.Errorf("missing entry: error = %v", err)
	}
	dir2 := writeFiles(t, map[string]string{"index.ts": `import x from "./nope"; export default x;`})
	_, err = Build(Options{Entry: "index.ts", Dir: dir2})
	if err == nil || !strings.Contains(err.Error(), `index.ts:1:15: Could not resolve "./nope"`) {
		t.Errorf("unresolved import: error = %v", err)
	}
}

func TestIncrementalRebuild(t *testing.T) {
	dir := writeFiles(t, map[string]string{"index.ts": `export default { v: 1 };`})
	b, err := New(Options{Entry: "index.ts", Dir: dir, SourceMap: SourceMapInline})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	r1, err := b.Build()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(r1.Modules[MainModule], "sourceMappingURL=data:application/json;base64,") || r1.Map != nil {
		t.Errorf("inline map: code lacks a data: URL or Map is set")
	}
	if err := os.WriteFile(filepath.Join(dir, "index.ts"), []byte(`export default { v: 2 };`), 0o644); err != nil {
		t.Fatal(err)
	}
	r2, err := b.Build()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(r2.Modules[MainModule], "v: 2") {
		t.Errorf("rebuild did not see the edit:\n%s", r2.Modules[MainModule])
	}
	b.Close()
	if _, err := b.Build(); err == nil {
		t.Errorf("Build after Close: no error")
	}
}

func TestNoBundle(t *testing.T) {
	dir := writeFiles(t, map[string]string{
		"dist/index.js":            "import t from \"./lib/t.txt\";\nimport { f } from \"./lib/f.js\";\nexport default { fetch() { return new Response(t + f()); } };\n//# sourceMappingURL=index.js.map\n",
		"dist/index.js.map":        `{"version":3,"sources":["../src/index.ts"],"mappings":"AAAA"}`,
		"dist/lib/f.js":            "export const f = () => 1;\n",
		"dist/lib/t.txt":           "text \"quoted\"\n",
		"dist/lib/b.bin":           "\x00\xff",
		"dist/node_modules/x/x.js": "nope",
		"dist/README.md":           "not a module",
	})
	res, err := Build(Options{Entry: filepath.Join(dir, "dist/index.js"), NoBundle: true})
	if err != nil {
		t.Fatal(err)
	}
	if res.Main != "index.js" {
		t.Errorf("Main = %q, want index.js", res.Main)
	}
	var names []string
	for k := range res.Modules {
		names = append(names, k)
	}
	if len(names) != 4 || res.Modules["lib/t.txt"] != "export default \"text \\\"quoted\\\"\\n\";\n" || !strings.Contains(res.Modules["lib/b.bin"], `atob("AP8=")`) {
		t.Errorf("Modules = %q", res.Modules)
	}
	if string(res.Map) != `{"version":3,"sources":["../src/index.ts"],"mappings":"AAAA"}` {
		t.Errorf("Map = %q, want the linked map", res.Map)
	}
	if len(res.Exports) == 0 {
		t.Errorf("Exports empty for a module worker")
	}
	_, err = Build(Options{Entry: filepath.Join(dir, "x.ts"), NoBundle: true})
	if err == nil || !strings.Contains(err.Error(), "no_bundle needs a JavaScript entry point") {
		t.Errorf("no_bundle with TypeScript: error = %v", err)
	}
}

func TestWrap(t *testing.T) {
	res := &Result{Main: MainModule, Modules: map[string]string{MainModule: "export default {}"}, Exports: []string{"default"}}
	main, mods, script := Wrap(res, WrapOptions{Token: "abc", Dev: true})
	if main != EntryModule || script {
		t.Fatalf("Wrap = %q, script %v", main, script)
	}
	if !strings.Contains(mods[FacadeModule], `const TOKEN = "abc";`) || !strings.Contains(mods[FacadeModule], "const DEV = true;") {
		t.Errorf("facade not filled in")
	}
	if !strings.Contains(mods[EntryModule], `from "./bundle.js"`) || mods["cloudflare:workers"] != "" {
		t.Errorf("entry = %q", mods[EntryModule])
	}
	res.Exports = nil
	main, mods, script = Wrap(res, WrapOptions{})
	if main != MainModule || !script || len(mods) != 1 {
		t.Errorf("service worker: Wrap = %q, %v, %d modules", main, script, len(mods))
	}
	if len(NewToken()) != 32 {
		t.Errorf("NewToken length")
	}
}
