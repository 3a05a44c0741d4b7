package cache

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

func TestParseCacheControl(t *testing.T) {
	tests := []struct {
		in   string
		want string
	}{
		{"", "{false false false [] [] -1 -1}"},
		{"max-age=60", "{false false false [] [] 60 -1}"},
		{"public, max-age=60, s-maxage=120", "{false false false [] [] 60 120}"},
		{"No-Store", "{true false false [] [] -1 -1}"},
		{"private", "{false false true [] [] -1 -1}"},
		{`private="Set-Cookie, X-Foo", max-age=5`, "{false false false [set-cookie x-foo] [] 5 -1}"},
		{`no-cache="a", max-age="7"`, "{false false false [] [a] 7 -1}"},
		{"max-age=abc", "{false false false [] [] 0 -1}"},
		{"max-age=99999999999999999999", "{false false false [] [] 2147483647 -1}"},
		{",,max-age = 3 ,", "{false false false [] [] 3 -1}"},
		{`ext="a,b", no-cache`, "{false true false [] [] -1 -1}"},
	}
	for _, tt := range tests {
		if got := fmt.Sprint(ParseCacheControl(tt.in)); got != tt.want {
			t.Errorf("ParseCacheControl(%q): got %s, want %s", tt.in, got, tt.want)
		}
	}
}

func TestParseRange(t *testing.T) {
	const size = 100
	tests := []struct {
		in   string
		want string // "start+len", "unsat", or "ignore"
	}{
		{"bytes=0-9", "0+10"},
		{"bytes=90-", "90+10"},
		{"bytes=90-200", "90+10"},
		{"bytes=-10", "90+10"},
		{"bytes=-200", "0+100"},
		{"BYTES = 5-5", "5+1"},
		{"bytes=100-", "unsat"},
		{"bytes=-0", "unsat"},
		{"bytes=5-1", "ignore"},
		{"bytes=a-b", "ignore"},
		{"bytes=-", "ignore"},
		{"items=0-1", "ignore"},
		{"bytes=", "ignore"},
		{"bytes=0-1,5-6", "multi"},
	}
	for _, tt := range tests {
		rs, ok := ParseRange(tt.in)
		var got string
		switch {
		case !ok:
			got = "ignore"
		case len(rs) > 1:
			got = "multi"
		default:
			if s, n, ok := rs[0].Resolve(size); ok {
				got = fmt.Sprintf("%d+%d", s, n)
			} else {
				got = "unsat"
			}
		}
		if got != tt.want {
			t.Errorf("ParseRange(%q): got %s, want %s", tt.in, got, tt.want)
		}
	}
}

func TestParseHTTPDate(t *testing.T) {
	want := time.Date(1994, 11, 6, 8, 49, 37, 0, time.UTC)
	for _, s := range []string{"Sun, 06 Nov 1994 08:49:37 GMT", "Sunday, 06-Nov-94 08:49:37 GMT", "Sun Nov  6 08:49:37 1994"} {
		got, ok := ParseHTTPDate(s)
		if !ok || !got.Equal(want) {
			t.Errorf("ParseHTTPDate(%q): got %v %v, want %v", s, got, ok, want)
		}
	}
	for _, s := range []string{"", "yesterday", "0", "Sun, 06 Nov 1994 08:49:37 PST"} {
		if _, ok := ParseHTTPDate(s); ok {
			t.Errorf("ParseHTTPDate(%q): ok, want failure", s)
		}
	}
	if got := FormatHTTPDate(want); got != "Sun, 06 Nov 1994 08:49:37 GMT" {
		t.Errorf("FormatHTTPDate: got %s", got)
	}
}

func TestETags(t *testing.T) {
	tags, any := ParseETags(`"a", W/"b" , junk, "c`)
	if got := strings.Join(tags, " "); got != `"a" W/"b"` || any {
		t.Errorf("ParseETags: got %s %v", got, any)
	}
	if _, any := ParseETags(" * "); !any {
		t.Error("ParseETags(*): want any")
	}
	tests := []struct {
		a, b         string
		weak, strong bool
	}{
		{`"1"`, `"1"`, true, true},
		{`W/"1"`, `"1"`, true, false},
		{`W/"1"`, `W/"1"`, true, false},
		{`"1"`, `"2"`, false, false},
		{``, ``, false, false},
	}
	for _, tt := range tests {
		if got := WeakMatch(tt.a, tt.b); got != tt.weak {
			t.Errorf("WeakMatch(%s, %s): got %v, want %v", tt.a, tt.b, got, tt.weak)
		}
		if got := StrongMatch(tt.a, tt.b); got != tt.strong {
			t.Errorf("StrongMatch(%s, %s): got %v, want %v", tt.a, tt.b, got, tt.strong)
		}
	}
}

func FuzzParseCacheControl(f *testing.F) {
	f.Add(`max-age=60, private="set-cookie", s-maxage=5`)
	f.Add(`no-cache="a,\"b", x`)
	f.Fuzz(func(t *testing.T, s string) {
		cc := ParseCacheControl(s)
		if cc.MaxAge < -1 || cc.MaxAge > maxDelta || cc.SMaxAge < -1 || cc.SMaxAge > maxDelta {
			t.Fatalf("ages out of range: %+v", cc)
		}
	})
}

func FuzzParseRange(f *testing.F) {
	f.Add("bytes=0-9", int64(100))
	f.Add("bytes=-5,7-", int64(3))
	f.Fuzz(func(t *testing.T, s string, size int64) {
		if size < 0 {
			return
		}
		rs, ok := ParseRange(s)
		if !ok {
			return
		}
		for _, r := range rs {
			if start, n, ok := r.Resolve(size); ok && (start < 0 || n <= 0 || start+n > size) {
				t.Fatalf("%q on %d: got start %d len %d", s, size, start, n)
			}
		}
	})
}

func FuzzParseHTTPDate(f *testing.F) {
	f.Add("Sun, 06 Nov 1994 08:49:37 GMT")
	f.Add("Sun Nov  6 08:49:37 1994")
	f.Fuzz(func(t *testing.T, s string) {
		tm, ok := ParseHTTPDate(s)
		if !ok {
			return
		}
		if again, ok := ParseHTTPDate(FormatHTTPDate(tm)); !ok || !again.Equal(tm.Truncate(time.Second)) {
			t.Fatalf("%q: %v does not survive format/parse (%v)", s, tm, again)
		}
	})
}

func FuzzParseETags(f *testing.F) {
	f.Add(`"a", W/"b"`)
	f.Fuzz(func(t *testing.T, s string) {
		tags, _ := ParseETags(s)
		for _, tag := range tags {
			if !WeakMatch(tag, tag) {
				t.Fatalf("tag %q from %q does not match itself", tag, s)
			}
		}
	})
}
