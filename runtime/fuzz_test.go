package runtime

import (
	"net/http"
	"strings"
	"testing"
)

// The packed header list from JS is split back into pairs; packing Go headers and
// parsing them again gives the same pairs, and no input panics.
func FuzzParseHeaders(f *testing.F) {
	f.Add("content-type\x00text/plain\x00x-a\x00b")
	f.Add("")
	f.Add("\x00\x00\x00")
	f.Add("name-only")
	f.Fuzz(func(t *testing.T, packed string) {
		pairs := parseHeaders([]byte(packed))
		var b strings.Builder
		for i, kv := range pairs {
			if i > 0 {
				b.WriteByte(0)
			}
			b.WriteString(kv[0])
			b.WriteByte(0)
			b.WriteString(kv[1])
		}
		if again := parseHeaders([]byte(b.String())); len(again) != len(pairs) {
			t.Fatalf("repacking %q changed %d pairs into %d", packed, len(pairs), len(again))
		}
	})
}

func FuzzPackHeaders(f *testing.F) {
	f.Add("Content-Type", "text/plain", "X-Multi", "a")
	f.Fuzz(func(t *testing.T, k1, v1, k2, v2 string) {
		if strings.ContainsRune(k1+v1+k2+v2, 0) {
			t.Skip("NUL cannot appear in HTTP header fields")
		}
		h := http.Header{}
		h.Add(k1, v1)
		h.Add(k2, v2)
		pairs := parseHeaders([]byte(packHeaders(h)))
		n := 0
		for _, vs := range h {
			n += len(vs)
		}
		if len(pairs) != n {
			t.Fatalf("got %d pairs, want %d (%q)", len(pairs), n, pairs)
		}
		for _, kv := range pairs {
			if kv[0] != strings.ToLower(kv[0]) {
				t.Fatalf("name %q not lower-cased", kv[0])
			}
		}
	})
}
