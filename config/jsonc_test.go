package config

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

func TestStripJSONC(t *testing.T) {
	tests := []struct{ in, want string }{
		{`{"a":1}`, `{"a":1}`},
		{"// c\n{\"a\":1}", "    \n{\"a\":1}"},
		{`{"a":1,}`, `{"a":1 }`},
		{`[1,2,]`, `[1,2 ]`},
		{"[1,2, // c\n]", "[1,2      \n]"},
		{"{\"a\":[1,],\n}", "{\"a\":[1 ] \n}"},
		{`{"a":"//not a comment, ]"}`, `{"a":"//not a comment, ]"}`},
		{`{"a":"\"/*x*/\\"}`, `{"a":"\"/*x*/\\"}`},
		{"{/* a\nb */\"a\":1}", "{    \n    \"a\":1}"},
		{`{"a":1 /**/,}`, `{"a":1      }`},
		{`[1,/* c */]`, `[1        ]`},
		{"{\"a\":1}//", "{\"a\":1}  "},
	}
	for _, tt := range tests {
		got, err := StripJSONC([]byte(tt.in))
		if err != nil {
			t.Errorf("StripJSONC(%q): %v", tt.in, err)
			continue
		}
		if string(got) != tt.want {
			t.Errorf("StripJSONC(%q): got %q, want %q", tt.in, got, tt.want)
		}
	}
	for _, bad := range []string{`{"a":"x}`, "/* x", "{\"a\":\"x\ny\"}"} {
		if _, err := StripJSONC([]byte(bad)); err == nil {
			t.Errorf("StripJSONC(%q): got nil error", bad)
		}
	}
}

func FuzzStripJSONC(f *testing.F) {
	for _, s := range []string{`{"a":1,}`, "// x\n[1,/*y*/2,]", `{"s":"a\"b//c"}`, "/*", `"`, "{\n\"a\": [ {}, ], }"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		out, err := StripJSONC(in)
		if err != nil {
			return
		}
		if len(out) != len(in) {
			t.Fatalf("length changed: %d -> %d", len(in), len(out))
		}
		if bytes.Count(out, []byte("\n")) != bytes.Count(in, []byte("\n")) {
			t.Fatal("line count changed")
		}
		// Plain JSON without commas before closers is left alone.
		if json.Valid(in) && !bytes.Contains(in, []byte("/")) && !strings.Contains(strings.Join(strings.Fields(string(in)), ""), ",]") &&
			!strings.Contains(strings.Join(strings.Fields(string(in)), ""), ",}") && !bytes.Equal(in, out) {
			t.Fatalf("valid JSON changed: %q -> %q", in, out)
		}
		// Stripping valid output changes nothing. (",,}" is not valid JSON
		// after one pass and loses another comma on the next.)
		if !json.Valid(out) {
			return
		}
		again, err := StripJSONC(out)
		if err != nil || !bytes.Equal(again, out) {
			t.Fatalf("not idempotent: %q -> %q -> %q (%v)", in, out, again, err)
		}
	})
}
