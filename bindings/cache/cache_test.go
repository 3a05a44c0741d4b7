package cache

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

var ctx = context.Background()

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }
func hdr(kv ...string) http.Header {
	h := http.Header{}
	for i := 0; i+1 < len(kv); i += 2 {
		h.Add(kv[i], kv[i+1])
	}
	return h
}

func openTest(t testing.TB, o Options) (*Disk, *clock) {
	t.Helper()
	c := &clock{t: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)}
	o.Clock = c.now
	d, err := Open(t.TempDir(), &o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	return d, c
}

const u = "https://example.com/a"

func put(t testing.TB, d *Disk, url string, status int, h http.Header, body string) bool {
	t.Helper()
	ok, err := d.Put(ctx, "default", url, "GET", http.Header{}, status, h, strings.NewReader(body))
	if err != nil {
		t.Fatalf("Put: %v", err)
	}
	return ok
}

func match(t testing.TB, d *Disk, url string, req http.Header) (int, http.Header, string) {
	t.Helper()
	r, err := d.Match(ctx, "default", url, "GET", req, MatchOptions{})
	if err != nil {
		t.Fatalf("Match: %v", err)
	}
	if r == nil {
		return 0, nil, ""
	}
	var body []byte
	if r.Body != nil {
		body, _ = io.ReadAll(r.Body)
		r.Body.Close()
	}
	return r.Status, r.Header, string(body)
}

func TestPutRejects(t *testing.T) {
	d, _ := openTest(t, Options{})
	tests := []struct {
		method string
		status int
		h      http.Header
		want   string // error text, "stored" or "skipped"
	}{
		{"POST", 200, hdr(), "TypeError: Cannot cache response to non-GET request."},
		{"HEAD", 200, hdr(), "TypeError: Cannot cache response to non-GET request."},
		{"GET", 206, hdr(), "TypeError: Cannot cache response to a range request (206 Partial Content)."},
		{"GET", 200, hdr("Vary", "Accept, *"), "TypeError: Cannot cache response with 'Vary: *' header."},
		{"GET", 200, hdr("Cache-Control", "no-store"), "skipped"},
		{"GET", 200, hdr("Cache-Control", "private, max-age=60"), "skipped"},
		{"GET", 200, hdr("Cache-Control", "no-cache"), "skipped"},
		{"GET", 200, hdr("Cache-Control", "max-age=0"), "skipped"},
		{"GET", 200, hdr("Cache-Control", "max-age=60", "Age", "60"), "skipped"},
		{"GET", 200, hdr("Set-Cookie", "a=b"), "skipped"},
		{"GET", 200, hdr("Expires", "not a date"), "skipped"},
		{"GET", 200, hdr("Set-Cookie", "a=b", "Cache-Control", `private="Set-Cookie", max-age=60`), "stored"},
		{"GET", 200, hdr("Cache-Control", "max-age=60"), "stored"},
		{"GET", 404, hdr(), "stored"},
	}
	for _, tt := range tests {
		ok, err := d.Put(ctx, "default", u, tt.method, http.Header{}, tt.status, tt.h, strings.NewReader("x"))
		got := "skipped"
		if err != nil {
			got = err.Error()
			var ce *Error
			if !errors.As(err, &ce) || ce.Class != "TypeError" {
				t.Errorf("%v: error %T is not a TypeError *Error", tt.h, err)
			}
		} else if ok {
			got = "stored"
		}
		if got != tt.want {
			t.Errorf("Put(%s %d %v): got %s, want %s", tt.method, tt.status, tt.h, got, tt.want)
		}
	}
	// The private=Set-Cookie response was stored without its cookie.
	put(t, d, u+"c", 200, hdr("Set-Cookie", "a=b", "Cache-Control", `private="set-cookie", max-age=60`), "x")
	if _, h, _ := match(t, d, u+"c", http.Header{}); h == nil || h.Get("Set-Cookie") != "" {
		t.Errorf("stored Set-Cookie: got %v", h)
	}
}

func TestFreshness(t *testing.T) {
	d, clk := openTest(t, Options{})
	date := FormatHTTPDate(clk.now())
	tests := []struct {
		h    http.Header
		life time.Duration
	}{
		{hdr("Cache-Control", "max-age=100"), 100 * time.Second},
		{hdr("Cache-Control", "max-age=100, s-maxage=10"), 10 * time.Second},
		{hdr("Cache-Control", "max-age=100", "Age", "40"), 60 * time.Second},
		{hdr("Expires", FormatHTTPDate(clk.now().Add(30*time.Second)), "Date", date), 30 * time.Second},
		{hdr("Expires", FormatHTTPDate(clk.now().Add(30*time.Second)), "Cache-Control", "max-age=5"), 5 * time.Second},
		{hdr(), 2 * time.Hour},
	}
	for i, tt := range tests {
		url := u + "?" + string(rune('a'+i))
		if !put(t, d, url, 200, tt.h, "body") {
			t.Fatalf("%v: not stored", tt.h)
		}
		start := clk.now()
		clk.add(tt.life - time.Millisecond)
		if s, _, _ := match(t, d, url, nil); s != 200 {
			t.Errorf("%v: miss just before %v", tt.h, tt.life)
		}
		clk.add(time.Millisecond)
		if s, _, _ := match(t, d, url, nil); s != 0 {
			t.Errorf("%v: hit at %v", tt.h, tt.life)
		}
		clk.add(-clk.now().Sub(start))
	}
}

func TestMatch(t *testing.T) {
	d, _ := openTest(t, Options{})
	body := "0123456789"
	put(t, d, u, 200, hdr("Cache-Control", "max-age=600", "ETag", `"v1"`, "Last-Modified", "Sun, 06 Nov 1994 08:49:37 GMT", "Content-Type", "text/plain"), body)
	tests := []struct {
		name   string
		req    http.Header
		status int
		body   string
		header string // "Name: value" expected in the response, if set
	}{
		{"plain", hdr(), 200, body, "Cf-Cache-Status: HIT"},
		{"length", hdr(), 200, body, "Content-Length: 10"},
		{"inm match", hdr("If-None-Match", `"v1"`), 304, "", "Etag: \"v1\""},
		{"inm weak", hdr("If-None-Match", `W/"x", W/"v1"`), 304, "", ""},
		{"inm star", hdr("If-None-Match", `*`), 304, "", ""},
		{"inm miss", hdr("If-None-Match", `"v2"`), 200, body, ""},
		{"inm beats ims", hdr("If-None-Match", `"v2"`, "If-Modified-Since", "Mon, 07 Nov 1994 00:00:00 GMT"), 200, body, ""},
		{"ims later", hdr("If-Modified-Since", "Mon, 07 Nov 1994 00:00:00 GMT"), 304, "", ""},
		{"ims equal", hdr("If-Modified-Since", "Sun, 06 Nov 1994 08:49:37 GMT"), 304, "", ""},
		{"ims earlier", hdr("If-Modified-Since", "Sat, 05 Nov 1994 00:00:00 GMT"), 200, body, ""},
		{"ims junk", hdr("If-Modified-Since", "junk"), 200, body, ""},
		{"range", hdr("Range", "bytes=2-4"), 206, "234", "Content-Range: bytes 2-4/10"},
		{"range length", hdr("Range", "bytes=2-4"), 206, "234", "Content-Length: 3"},
		{"suffix", hdr("Range", "bytes=-3"), 206, "789", "Content-Range: bytes 7-9/10"},
		{"open", hdr("Range", "bytes=8-"), 206, "89", ""},
		{"unsatisfiable", hdr("Range", "bytes=10-"), 416, "", "Content-Range: bytes */10"},
		{"multi ignored", hdr("Range", "bytes=0-1,3-4"), 200, body, ""},
		{"malformed ignored", hdr("Range", "bytes=x"), 200, body, ""},
		{"if-range match", hdr("Range", "bytes=0-0", "If-Range", `"v1"`), 206, "0", ""},
		{"if-range stale", hdr("Range", "bytes=0-0", "If-Range", `"v0"`), 200, body, ""},
		{"if-range date", hdr("Range", "bytes=0-0", "If-Range", "Sun, 06 Nov 1994 08:49:37 GMT"), 206, "0", ""},
	}
	for _, tt := range tests {
		status, h, got := match(t, d, u, tt.req)
		if status != tt.status || got != tt.body {
			t.Errorf("%s: got %d %q, want %d %q", tt.name, status, got, tt.status, tt.body)
		}
		if tt.header != "" {
			name, value, _ := strings.Cut(tt.header, ": ")
			if h.Get(name) != value {
				t.Errorf("%s: header %s: got %q, want %q", tt.name, name, h.Get(name), value)
			}
		}
	}
	// Methods.
	if r, _ := d.Match(ctx, "default", u, "POST", nil, MatchOptions{}); r != nil {
		t.Error("POST matched without ignoreMethod")
	}
	if r, _ := d.Match(ctx, "default", u, "POST", nil, MatchOptions{IgnoreMethod: true}); r == nil {
		t.Error("POST with ignoreMethod missed")
	} else {
		r.Body.Close()
	}
	// Caches are separate namespaces.
	if r, _ := d.Match(ctx, "other", u, "GET", nil, MatchOptions{}); r != nil {
		t.Error("hit in another cache")
	}
}

func TestVary(t *testing.T) {
	d, _ := openTest(t, Options{})
	ok, err := d.Put(ctx, "default", u, "GET", hdr("Accept-Language", "fr"), 200, hdr("Vary", "accept-language", "Cache-Control", "max-age=60"), strings.NewReader("bonjour"))
	if !ok || err != nil {
		t.Fatalf("Put: %v %v", ok, err)
	}
	if s, _, b := match(t, d, u, hdr("Accept-Language", "fr")); s != 200 || b != "bonjour" {
		t.Errorf("same Accept-Language: got %d %q", s, b)
	}
	if s, _, _ := match(t, d, u, hdr("Accept-Language", "en")); s != 0 {
		t.Errorf("other Accept-Language: got %d, want miss", s)
	}
	if s, _, _ := match(t, d, u, hdr()); s != 0 {
		t.Errorf("no Accept-Language: got %d, want miss", s)
	}
}

func TestDeleteAndReplace(t *testing.T) {
	d, _ := openTest(t, Options{})
	put(t, d, u, 200, hdr("Cache-Control", "max-age=60"), "one")
	put(t, d, u, 200, hdr("Cache-Control", "max-age=60"), "two!")
	if _, _, b := match(t, d, u, nil); b != "two!" {
		t.Errorf("after replace: got %q", b)
	}
	if got := d.Size(); got != 4 {
		t.Errorf("size after replace: got %d, want 4", got)
	}
	files, _ := os.ReadDir(filepath.Join(d.dir, "bodies"))
	if len(files) != 1 {
		t.Errorf("body files after replace: got %d, want 1", len(files))
	}
	if ok, _ := d.Delete(ctx, "default", u, "POST", MatchOptions{}); ok {
		t.Error("POST delete without ignoreMethod succeeded")
	}
	if ok, err := d.Delete(ctx, "default", u, "GET", MatchOptions{}); !ok || err != nil {
		t.Errorf("delete: got %v %v", ok, err)
	}
	if ok, _ := d.Delete(ctx, "default", u, "GET", MatchOptions{}); ok {
		t.Error("second delete reported true")
	}
	if s, _, _ := match(t, d, u, nil); s != 0 || d.Size() != 0 {
		t.Errorf("after delete: got status %d size %d", s, d.Size())
	}
}

func TestLRUEviction(t *testing.T) {
	d, clk := openTest(t, Options{MaxSize: 3000})
	big := strings.Repeat("x", 1000)
	cc := hdr("Cache-Control", "max-age=3600")
	put(t, d, u+"1", 200, cc, big)
	clk.add(2 * time.Second)
	put(t, d, u+"2", 200, cc, big)
	clk.add(2 * time.Second)
	put(t, d, u+"3", 200, cc, big)
	clk.add(2 * time.Second)
	match(t, d, u+"1", nil) // 1 is now more recent than 2
	clk.add(2 * time.Second)
	put(t, d, u+"4", 200, cc, big)
	var got []string
	for _, k := range []string{"1", "2", "3", "4"} {
		if s, _, _ := match(t, d, u+k, nil); s == 200 {
			got = append(got, k)
		}
	}
	if strings.Join(got, ",") != "1,3,4" {
		t.Errorf("after eviction: got %v, want 1,3,4", got)
	}
	if d.Size() > 3000 {
		t.Errorf("size %d over cap", d.Size())
	}
	// A body larger than the whole cache is not stored.
	if put(t, d, u+"huge", 200, cc, strings.Repeat("y", 3001)) {
		t.Error("stored a body larger than MaxSize")
	}
}

func TestConcurrent(t *testing.T) {
	d, _ := openTest(t, Options{MaxSize: 50_000})
	var wg sync.WaitGroup
	for g := 0; g < 6; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := 0; i < 30; i++ {
				url := u + string(rune('a'+i%5))
				if g%2 == 0 {
					if _, err := d.Put(ctx, "default", url, "GET", nil, 200, hdr("Cache-Control", "max-age=60"), bytes.NewReader(make([]byte, 4000))); err != nil {
						t.Error(err)
						return
					}
				} else if r, err := d.Match(ctx, "default", url, "GET", nil, MatchOptions{}); err != nil {
					t.Error(err)
					return
				} else if r != nil {
					n, _ := io.Copy(io.Discard, r.Body)
					r.Body.Close()
					if n != 4000 {
						t.Errorf("body: got %d bytes, want 4000", n)
					}
				}
			}
		}(g)
	}
	wg.Wait()
}

func TestReopen(t *testing.T) {
	dir := t.TempDir()
	d, err := Open(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	put(t, d, u, 200, hdr("Cache-Control", "max-age=60"), "persist")
	d.Close()
	os.WriteFile(filepath.Join(dir, "bodies", "orphan"), []byte("x"), 0o644)
	d, err = Open(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if _, _, b := match(t, d, u, nil); b != "persist" || d.Size() != 7 {
		t.Errorf("after reopen: got %q size %d", b, d.Size())
	}
	if _, err := os.Stat(filepath.Join(dir, "bodies", "orphan")); !os.IsNotExist(err) {
		t.Error("orphan body file not removed")
	}
}

func BenchmarkHit(b *testing.B) {
	d, _ := openTest(b, Options{})
	put(b, d, u, 200, hdr("Cache-Control", "max-age=3600", "Content-Type", "text/html"), strings.Repeat("x", 4096))
	buf := make([]byte, 8192)
	b.ReportAllocs()
	for b.Loop() {
		r, err := d.Match(ctx, "default", u, "GET", nil, MatchOptions{})
		if err != nil || r == nil {
			b.Fatal(err)
		}
		io.CopyBuffer(io.Discard, r.Body, buf)
		r.Body.Close()
	}
}

func BenchmarkPut(b *testing.B) {
	d, _ := openTest(b, Options{})
	body := strings.Repeat("x", 4096)
	h := hdr("Cache-Control", "max-age=3600")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := d.Put(ctx, "default", u, "GET", nil, 200, h, strings.NewReader(body)); err != nil {
			b.Fatal(err)
		}
	}
}
