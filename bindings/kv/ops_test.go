package kv

import (
	"encoding/binary"
	"math"
	"testing"
	"time"

	"github.com/edged-dev/edged/bindings/storage/optest"
)

func opWorker(t *testing.T) (*optest.Worker, *DB, *fakeClock) {
	s, clk := openTest(t)
	return &optest.Worker{Bindings: map[string]any{"KV": s, "DB": 42}}, s, clk
}

// decodeEntry reads AppendEntry's encoding.
func decodeEntry(t *testing.T, b []byte) (value, meta string, hasMeta bool, exp float64) {
	t.Helper()
	if len(b) < 10 {
		t.Fatalf("entry too short: %x", b)
	}
	hasMeta = b[0] == 1
	exp = math.Float64frombits(binary.LittleEndian.Uint64(b[1:]))
	n, k := binary.Uvarint(b[9:])
	meta = string(b[9+k : 9+k+int(n)])
	return string(b[9+k+int(n):]), meta, hasMeta, exp
}

func TestOpPutGet(t *testing.T) {
	w, _, clk := opWorker(t)
	if r := optest.Async(opPut, w, "KV", "k", []byte("value"), "\x00120\x00{\"a\":1}"); !r.OK {
		t.Fatalf("put: %v", r)
	}
	r := optest.Async(opGet, w, "KV", "k", true)
	v, meta, has, gotExp := decodeEntry(t, r.Value.Bytes)
	if v != "value" || meta != `{"a":1}` || !has || int64(gotExp) != clk.Now().Unix()+120 {
		t.Errorf("got %q %q %v %v", v, meta, has, gotExp)
	}
	r = optest.Async(opGet, w, "KV", "k", false)
	if v, _, has, _ := decodeEntry(t, r.Value.Bytes); v != "value" || has {
		t.Errorf("get without metadata: got %q has=%v", v, has)
	}
	if r := optest.Async(opPut, w, "KV", "s", "text as a string", "1\x00\x00"); r.OK {
		t.Errorf("put with expiration 1: got %v, want an error", r)
	}
	if r := optest.Async(opPut, w, "KV", "s", "text as a string", string(rune('0'))+"\x00"); !r.OK {
		t.Errorf("put: %v", r)
	}
	if r := optest.Async(opGet, w, "KV", "missing", false); r.String() != "null" {
		t.Errorf("missing: got %v, want null", r)
	}
	if r := optest.Async(opDelete, w, "KV", "k"); !r.OK {
		t.Errorf("delete: %v", r)
	}
	if r := optest.Async(opGet, w, "KV", "k", true); r.String() != "null" {
		t.Errorf("after delete: got %v, want null", r)
	}
	clk.Add(time.Hour)
	if r := optest.Async(opGet, w, "KV", "s", false); !r.OK || r.String() == "null" {
		t.Errorf("a key without expiration expired: %v", r)
	}
}

func TestOpErrors(t *testing.T) {
	w, _, _ := opWorker(t)
	for _, tc := range []struct {
		name string
		fn   func() optest.Result
		want string
	}{
		{"unbound", func() optest.Result { return optest.Async(opGet, w, "NOPE", "k", false) }, `Error: KV GET failed: 500 no KV namespace is configured for binding "NOPE"`},
		{"not kv", func() optest.Result { return optest.Async(opDelete, w, "DB", "k") }, `Error: KV DELETE failed: 500 binding "DB" is not a KV namespace (int)`},
		{"ttl", func() optest.Result { return optest.Async(opPut, w, "KV", "k", "v", "\x0030") }, "Error: KV PUT failed: 400 Invalid expiration_ttl of 30. Expiration TTL must be at least 60."},
		{"ttl text", func() optest.Result { return optest.Async(opPut, w, "KV", "k", "v", "\x00NaN") }, "Error: KV PUT failed: 400 Invalid expiration_ttl of NaN. Please specify integer greater than 0."},
		{"limit", func() optest.Result { return optest.Async(opList, w, "KV", "", 1001, "") }, "Error: KV GET failed: 400 Invalid key_count_limit of 1001. Please specify an integer less than 1000."},
		{"bulk none", func() optest.Result { return optest.Async(opGetBulk, w, "KV", []byte{0}, false) }, "Error: KV GET_BULK failed: 400 You must request a minimum of 1 key"},
		{"bulk garbage", func() optest.Result { return optest.Async(opGetBulk, w, "KV", []byte{3, 1}, false) }, "Error: KV GET_BULK failed: 500 Internal Server Error"},
	} {
		if got := tc.fn().String(); got != tc.want {
			t.Errorf("%s: got %s\nwant %s", tc.name, got, tc.want)
		}
	}
	if n := len(w.Logs()); n != 1 {
		t.Errorf("got %d log lines, want 1 (the internal error)", n)
	}
}

func TestOpListAndBulk(t *testing.T) {
	w, s, _ := opWorker(t)
	for _, k := range []string{"a", "b", "c"} {
		if err := s.Put(ctx, k, []byte(k+k), PutOptions{Metadata: []byte(`"m"`)}); err != nil {
			t.Fatal(err)
		}
	}
	r := optest.Async(opList, w, "KV", "", 2, "")
	b := r.Value.Bytes
	if b[0] != 0 {
		t.Errorf("got list_complete for 2 of 3 keys")
	}
	n, k := binary.Uvarint(b[1:])
	cursor := string(b[1+k : 1+k+int(n)])
	if cursor != EncodeCursor("b") {
		t.Errorf("got cursor %q, want %q", cursor, EncodeCursor("b"))
	}
	r = optest.Async(opList, w, "KV", "", 0, cursor)
	if b := r.Value.Bytes; b[0] != 1 || b[1] != 0 || b[2] != 1 || string(b[4:5]) != "c" {
		t.Errorf("second page: got %x", b)
	}
	keys := []byte{3, 1, 'a', 1, 'x', 1, 'c'}
	r = optest.Async(opGetBulk, w, "KV", keys, true)
	b = r.Value.Bytes
	if b[0] != 3 || b[1] != 1 {
		t.Fatalf("bulk: got %x", b)
	}
	l, k := binary.Uvarint(b[2:])
	v, meta, _, _ := decodeEntry(t, b[2+k:2+k+int(l)])
	rest := b[2+k+int(l):]
	if v != "aa" || meta != `"m"` || rest[0] != 0 || rest[1] != 1 {
		t.Errorf("bulk: got %q %q, rest %x", v, meta, rest)
	}
	if got, err := DecodeKeys(keys); err != nil || len(got) != 3 || got[1] != "x" {
		t.Errorf("DecodeKeys: got %q, %v", got, err)
	}
}

func TestParsePutOptions(t *testing.T) {
	for in, want := range map[string]PutOptions{
		"":                    {},
		"\x00":                {},
		"5\x0060":             {Expiration: 5, ExpirationTTL: 60},
		"\x00\x00{}":          {Metadata: []byte("{}")},
		"\x00\x00":            {Metadata: []byte{}},
		"7\x00\x00\"a\x00b\"": {Expiration: 7, Metadata: []byte("\"a\x00b\"")},
	} {
		got, err := ParsePutOptions(in)
		if err != nil || got.Expiration != want.Expiration || got.ExpirationTTL != want.ExpirationTTL || string(got.Metadata) != string(want.Metadata) || (got.Metadata == nil) != (want.Metadata == nil) {
			t.Errorf("ParsePutOptions(%q) = %+v, %v; want %+v", in, got, err, want)
		}
	}
}
