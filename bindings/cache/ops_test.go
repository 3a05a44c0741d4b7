package cache

import (
	"bytes"
	"encoding/binary"
	"math"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/edged-dev/edged/bindings/storage/optest"
)

// decodeMatch reads op_cache_match's answer.
func decodeMatch(t *testing.T, b []byte) (status int, h http.Header, kind byte, rest []byte) {
	t.Helper()
	status = int(binary.LittleEndian.Uint16(b))
	n, k := binary.Uvarint(b[2:])
	h = ParseHeaders(string(b[2+k : 2+k+int(n)]))
	b = b[2+k+int(n):]
	return status, h, b[0], b[1:]
}

func TestOpPutMatchDelete(t *testing.T) {
	d, _ := openTest(t, Options{})
	w := &optest.Worker{Bindings: map[string]any{BindingName: d}}
	key := "n:mine\x00" + u
	res := optest.Async(opPut, w, key, "accept\x00*/*", "200\ncache-control\x00max-age=60\x00etag\x00\"x\"", []byte("hello"))
	if res.String() != "true" {
		t.Fatalf("put: got %v, want true", res)
	}
	res = optest.Async(opMatch, w, key, "")
	status, h, kind, body := decodeMatch(t, res.Value.Bytes)
	if status != 200 || kind != 1 || string(body) != "hello" || h.Get("Etag") != `"x"` || h.Get("Cf-Cache-Status") != "HIT" {
		t.Errorf("match: got %d %v kind %d %q", status, h, kind, body)
	}
	res = optest.Async(opMatch, w, key, "if-none-match\x00\"x\"")
	if status, _, kind, _ := decodeMatch(t, res.Value.Bytes); status != 304 || kind != 0 {
		t.Errorf("conditional match: got %d kind %d, want 304 without a body", status, kind)
	}
	if res := optest.Async(opMatch, w, "\x00"+u, ""); res.String() != "null" {
		t.Errorf("the default cache saw a named cache's entry: %v", res)
	}
	if res := optest.Async(opDelete, w, key); res.String() != "true" {
		t.Errorf("delete: got %v", res)
	}
	if res := optest.Async(opDelete, w, key); res.String() != "false" {
		t.Errorf("second delete: got %v", res)
	}
}

func TestOpPutErrors(t *testing.T) {
	d, _ := openTest(t, Options{})
	w := &optest.Worker{Bindings: map[string]any{BindingName: d}}
	for resp, want := range map[string]string{
		"206\n":                  "TypeError: Cannot cache response to a range request (206 Partial Content).",
		"200\nvary\x00*":         "TypeError: Cannot cache response with 'Vary: *' header.",
		"304\n":                  "false",
		"200\nset-cookie\x00a=b": "false",
		"x\n":                    "Error: Unable to complete the cache operation (internal error).",
	} {
		if got := optest.Async(opPut, w, "\x00"+u, "", resp, nil).String(); got != want {
			t.Errorf("put %q: got %s, want %s", resp, got, want)
		}
	}
}

func TestOpStreamedBody(t *testing.T) {
	d, _ := openTest(t, Options{})
	w := &optest.Worker{Bindings: map[string]any{BindingName: d}}
	big := bytes.Repeat([]byte("0123456789abcdef"), (InlineBody+ChunkSize)/16+3)
	if res := optest.Async(opPut, w, "\x00"+u, "", "200\ncache-control\x00max-age=60", big); res.String() != "true" {
		t.Fatalf("put: %v", res)
	}
	before := OpenBodies()
	res := optest.Async(opMatch, w, "\x00"+u, "")
	_, h, kind, rest := decodeMatch(t, res.Value.Bytes)
	if kind != 2 || h.Get("Content-Length") != "131120" {
		t.Fatalf("got body kind %d, length %s; want a handle for %d bytes", kind, h.Get("Content-Length"), len(big))
	}
	handle := math.Float64frombits(binary.LittleEndian.Uint64(rest))
	var got []byte
	for i := 0; ; i++ {
		r := optest.Async(opBodyRead, w, handle)
		if !r.OK {
			t.Fatalf("read %d: %v", i, r)
		}
		if r.String() == "null" {
			break
		}
		got = append(got, r.Value.Bytes...)
	}
	if !bytes.Equal(got, big) {
		t.Errorf("streamed body differs: got %d bytes, want %d", len(got), len(big))
	}
	if OpenBodies() != before {
		t.Errorf("a fully read body is still open")
	}
	if r := optest.Async(opBodyRead, w, handle); r.OK {
		t.Errorf("read after the end: got %v, want an error", r)
	}

	// A body cancelled from JS, and one dropped unread, are closed.
	res = optest.Async(opMatch, w, "\x00"+u, "")
	_, _, _, rest = decodeMatch(t, res.Value.Bytes)
	optest.Sync(opBodyClose, w, math.Float64frombits(binary.LittleEndian.Uint64(rest)))
	optest.Async(opMatch, w, "\x00"+u, "")
	idleBody.Store(int64(time.Millisecond))
	defer idleBody.Store(int64(IdleBody))
	time.Sleep(5 * time.Millisecond)
	bodies.sweepOnce()
	deadline := time.Now().Add(5 * time.Second) // the cancel above closes in the background
	for OpenBodies() != before && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	if n := OpenBodies(); n != before {
		t.Errorf("got %d open bodies, want %d (cancelled and abandoned bodies closed)", n, before)
	}
}

func TestOpWithoutStore(t *testing.T) {
	w := &optest.Worker{}
	if r := optest.Async(opMatch, w, "\x00"+u, ""); r.String() != "null" {
		t.Errorf("match: %v", r)
	}
	if r := optest.Async(opPut, w, "\x00"+u, "", "200\n", []byte("x")); r.String() != "false" {
		t.Errorf("put: %v", r)
	}
	if r := optest.Async(opDelete, w, "\x00"+u); r.String() != "false" {
		t.Errorf("delete: %v", r)
	}
}

func TestPackHeaders(t *testing.T) {
	h := http.Header{"X-B": {"2", "3"}, "A": {"1"}}
	packed := PackHeaders(h)
	if packed != "a\x001\x00x-b\x002\x00x-b\x003" {
		t.Errorf("got %q", packed)
	}
	back := ParseHeaders(packed)
	if strings.Join(back.Values("X-B"), ",") != "2,3" || back.Get("A") != "1" {
		t.Errorf("round trip: got %v", back)
	}
	if len(ParseHeaders("")) != 0 || ParseHeaders("a\x00").Get("A") != "" || len(ParseHeaders("a")) != 1 {
		t.Errorf("edge cases")
	}
}
