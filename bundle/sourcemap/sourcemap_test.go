package sourcemap

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"

	"github.com/evanw/esbuild/pkg/api"
)

// encodeVLQ is the inverse of decodeVLQ, for building maps in tests.
func encodeVLQ(n int64) string {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
	v := uint64(n) << 1
	if n < 0 {
		v = uint64(-n)<<1 | 1
	}
	var b strings.Builder
	for {
		d := v & 31
		v >>= 5
		if v != 0 {
			d |= 32
		}
		b.WriteByte(alphabet[d])
		if v == 0 {
			return b.String()
		}
	}
}

func TestDecodeVLQ(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want int64
	}{
		{"A", 0}, {"C", 1}, {"D", -1}, {"E", 2}, {"F", -2}, {"e", 15}, {"gB", 16}, {"hB", -16},
		{"2H", 123}, {"+/D", 2047}, {"gggggE", 1 << 26},
	} {
		got, next, err := decodeVLQ(tc.in, 0)
		if err != nil || got != tc.want || next != len(tc.in) {
			t.Errorf("decodeVLQ(%q) = %d, %d, %v; want %d, %d, nil", tc.in, got, next, err, tc.want, len(tc.in))
		}
		if enc := encodeVLQ(tc.want); enc != tc.in {
			t.Errorf("encodeVLQ(%d) = %q, want %q", tc.want, enc, tc.in)
		}
	}
	for _, bad := range []string{"", "g", "!", "gggggggggggggA"} {
		if _, _, err := decodeVLQ(bad, 0); err == nil {
			t.Errorf("decodeVLQ(%q): no error", bad)
		}
	}
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func mustParse(t *testing.T, v any) *Map {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	m, err := Parse(b)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestLookup(t *testing.T) {
	// Line 1: col 0 → a.ts 1:1; col 10 → a.ts 2:5 name "f"; col 20 unmapped (1 field).
	// Line 2: empty. Line 3: col 4 → b.ts 10:2.
	seg := func(f ...int64) string {
		var s string
		for _, x := range f {
			s += encodeVLQ(x)
		}
		return s
	}
	mappings := seg(0, 0, 0, 0) + "," + seg(10, 0, 1, 4, 0) + "," + seg(10) + ";;" + seg(4, 1, 8, -3)
	m := mustParse(t, map[string]any{
		"version": 3, "sources": []string{"a.ts", "b.ts"}, "names": []string{"f"},
		"sourcesContent": []any{"const a = 1;\n", nil}, "mappings": mappings, "sourceRoot": "src",
	})
	for _, tc := range []struct {
		line, col int
		want      Pos
		ok        bool
	}{
		{1, 1, Pos{Source: "src/a.ts", Line: 1, Column: 1}, true},
		{1, 5, Pos{Source: "src/a.ts", Line: 1, Column: 1}, true},
		{1, 11, Pos{Source: "src/a.ts", Line: 2, Column: 5, Name: "f"}, true},
		{1, 20, Pos{Source: "src/a.ts", Line: 2, Column: 5, Name: "f"}, true},
		{1, 21, Pos{}, false}, // the 1-field segment
		{2, 1, Pos{}, false},
		{3, 3, Pos{}, false}, // left of the first segment
		{3, 5, Pos{Source: "src/b.ts", Line: 10, Column: 2}, true},
		{4, 1, Pos{}, false},
		{0, 1, Pos{}, false},
		{1, 0, Pos{}, false},
	} {
		got, ok := m.Lookup(tc.line, tc.col)
		if got != tc.want || ok != tc.ok {
			t.Errorf("Lookup(%d, %d) = %+v, %v; want %+v, %v", tc.line, tc.col, got, ok, tc.want, tc.ok)
		}
	}
	if c, ok := m.Content("src/a.ts"); !ok || c != "const a = 1;\n" {
		t.Errorf("Content(src/a.ts) = %q, %v", c, ok)
	}
	if _, ok := m.Content("src/b.ts"); ok {
		t.Errorf("Content(src/b.ts): got content for a source without any")
	}
}

func TestParseErrors(t *testing.T) {
	for _, tc := range []struct{ name, in, want string }{
		{"not json", `{`, "sourcemap:"},
		{"version", `{"version":2,"sources":[],"mappings":""}`, "version 2"},
		{"sections", `{"version":3,"sections":[]}`, "index maps"},
		{"source index", `{"version":3,"sources":["a"],"mappings":"AEAA"}`, "source index 2"},
		{"name index", `{"version":3,"sources":["a"],"names":[],"mappings":"AAAAA"}`, "name index 0"},
		{"fields", `{"version":3,"sources":["a"],"mappings":"AA"}`, "2 fields"},
		{"six fields", `{"version":3,"sources":["a"],"names":["x"],"mappings":"AAAAAA"}`, "more than 5"},
		{"digit", `{"version":3,"sources":["a"],"mappings":"A*AA"}`, "not a base64 digit"},
		{"negative line", `{"version":3,"sources":["a"],"mappings":"AADA"}`, "out of range"},
	} {
		_, err := Parse([]byte(tc.in))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: Parse error = %v, want it to contain %q", tc.name, err, tc.want)
		}
	}
}

// TestEsbuildMap checks the decoder against a map esbuild wrote for TypeScript.
func TestEsbuildMap(t *testing.T) {
	src := "type N = number;\n\nexport function add(a: N, b: N): N {\n  return a + b;\n}\n\nexport function boom(): never {\n  throw new Error(\"boom\");\n}\n"
	res := api.Transform(src, api.TransformOptions{Loader: api.LoaderTS, Sourcemap: api.SourceMapExternal, Sourcefile: "src/math.ts", Format: api.FormatESModule})
	if len(res.Errors) > 0 {
		t.Fatal(res.Errors[0].Text)
	}
	m, err := Parse(res.Map)
	if err != nil {
		t.Fatal(err)
	}
	code := string(res.Code)
	lines := strings.Split(code, "\n")
	for i, l := range lines {
		if c := strings.Index(l, "throw"); c >= 0 {
			p, ok := m.Lookup(i+1, c+1)
			if !ok || p.Source != "src/math.ts" || p.Line != 8 || p.Column != 3 {
				t.Errorf("throw at %d:%d maps to %+v, %v; want src/math.ts:8:3", i+1, c+1, p, ok)
			}
		}
		if c := strings.Index(l, "return"); c >= 0 {
			p, ok := m.Lookup(i+1, c+1)
			if !ok || p.Line != 4 || p.Column != 3 {
				t.Errorf("return at %d:%d maps to %+v, %v; want line 4 column 3", i+1, c+1, p, ok)
			}
		}
	}
}

func TestRewrite(t *testing.T) {
	seg := func(f ...int64) string {
		var s string
		for _, x := range f {
			s += encodeVLQ(x)
		}
		return s
	}
	// bundle.js line 1 col 0 → src/a.ts 3:7; line 2 col 2 → src/b.ts 9:1.
	m := mustParse(t, map[string]any{"version": 3, "sources": []string{"src/a.ts", "src/b.ts"},
		"mappings": seg(0, 0, 2, 6) + ";" + seg(2, 1, 6, -6)})
	r := NewRemapper(map[string]*Map{"bundle.js": m, "a.js": nil}, func(s string) string { return "./" + s })
	for _, tc := range []struct{ in, want string }{
		{"at f (bundle.js:1:1)", "at f (./src/a.ts:3:7)"},
		{"at bundle.js:2:5\n    at g (bundle.js:1:9)", "at ./src/b.ts:9:1\n    at g (./src/a.ts:3:7)"},
		{"file:///bundle.js:1:1", "./src/a.ts:3:7"},
		{"bundle.js:1:1: Uncaught Error", "./src/a.ts:3:7: Uncaught Error"},
		{"at x (other.js:1:1)", "at x (other.js:1:1)"},
		{"at x (mybundle.js:1:1)", "at x (mybundle.js:1:1)"},
		{"bundle.js:7:1 unmapped line", "bundle.js:7:1 unmapped line"},
		{"bundle.js:1 no column", "bundle.js:1 no column"},
		{"bundle.js:1:1234567890123", "bundle.js:1:1234567890123"},
		{"at edged:bootstrap:10:2", "at edged:bootstrap:10:2"},
		{"", ""},
	} {
		if got := r.Rewrite(tc.in); got != tc.want {
			t.Errorf("Rewrite(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	ps := r.Positions("at f (bundle.js:2:3)\nat g (bundle.js:1:1)")
	if len(ps) != 2 || ps[0].Source != "./src/b.ts" || ps[0].Line != 9 || ps[1].Line != 3 {
		t.Errorf("Positions = %+v", ps)
	}
	lazy := NewLazyRemapper(map[string][]byte{"bundle.js": mustJSON(t, map[string]any{"version": 3, "sources": []string{"src/a.ts"},
		"mappings": seg(0, 0, 2, 6)}), "bad.js": []byte("{")}, nil)
	if got := lazy.Rewrite("at f (bundle.js:1:1) at g (bad.js:1:1)"); got != "at f (src/a.ts:3:7) at g (bad.js:1:1)" {
		t.Errorf("lazy Rewrite = %q", got)
	}
	var nilR *Remapper
	if got := nilR.Rewrite("bundle.js:1:1"); got != "bundle.js:1:1" {
		t.Errorf("nil Remapper rewrote %q", got)
	}
}

func FuzzParse(f *testing.F) {
	f.Add(`{"version":3,"sources":["a.ts"],"names":["x"],"mappings":"AAAA,CAAC;;AACA,EAAEA"}`, 1, 3)
	f.Add(`{"version":3,"sources":[null],"sourcesContent":[null],"mappings":"gggggE;D"}`, 2, 1)
	f.Add(`{"version":3,"sources":["a"],"mappings":";;;;;A,A,A;2H"}`, 6, 124)
	f.Fuzz(func(t *testing.T, data string, line, col int) {
		m, err := Parse([]byte(data))
		if err != nil {
			return
		}
		p, ok := m.Lookup(line, col)
		if ok && (p.Line < 1 || p.Column < 1) {
			t.Fatalf("Lookup(%d, %d) = %+v", line, col, p)
		}
		r := NewRemapper(map[string]*Map{"bundle.js": m}, nil)
		r.Rewrite("at f (bundle.js:" + itoa(line) + ":" + itoa(col) + ")")
	})
}

func FuzzRewrite(f *testing.F) {
	m, err := Parse([]byte(`{"version":3,"sources":["src/a.ts"],"mappings":"AAAA,EAAE;AACA"}`))
	if err != nil {
		f.Fatal(err)
	}
	r := NewRemapper(map[string]*Map{"bundle.js": m, "x/bundle.js": m}, nil)
	f.Add("Error: x\n    at f (bundle.js:1:3)\n    at file:///bundle.js:2:1")
	f.Add("bundle.js:bundle.js:1:1:1")
	f.Add("x/bundle.js:1:1 bundle.js:99999999999:1")
	f.Fuzz(func(t *testing.T, text string) {
		out := r.Rewrite(text)
		if !strings.Contains(text, "bundle.js:") && out != text {
			t.Fatalf("Rewrite changed text without locations: %q → %q", text, out)
		}
		if strings.Count(out, "src/a.ts:") < strings.Count(text, "src/a.ts:") {
			t.Fatalf("Rewrite lost locations: %q → %q", text, out)
		}
		r.Positions(text)
	})
}

func itoa(n int) string { return strconv.Itoa(n) }
