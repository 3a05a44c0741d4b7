package kv

import (
	"bytes"
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

var ctx = context.Background()

type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *fakeClock) Add(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

func openTest(t testing.TB) (*DB, *fakeClock) {
	t.Helper()
	clk := &fakeClock{t: time.Unix(1_700_000_000, 0)}
	s, err := Open(filepath.Join(t.TempDir(), "kv.sqlite"), clk)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s, clk
}

func TestPutErrors(t *testing.T) {
	s, clk := openTest(t)
	now := clk.Now().Unix()
	tests := []struct {
		key   string
		value []byte
		opts  PutOptions
		want  string
	}{
		{"", nil, PutOptions{}, "KV PUT failed: 400 Key names must not be empty"},
		{".", nil, PutOptions{}, `KV PUT failed: 400 Illegal key name ".". Please use a different name.`},
		{"..", nil, PutOptions{}, `KV PUT failed: 400 Illegal key name "..". Please use a different name.`},
		{strings.Repeat("k", 513), nil, PutOptions{}, "KV PUT failed: 414 UTF-8 encoded length of 513 exceeds key length limit of 512."},
		{strings.Repeat("é", 257), nil, PutOptions{}, "KV PUT failed: 414 UTF-8 encoded length of 514 exceeds key length limit of 512."},
		{"k", make([]byte, MaxValueSize+1), PutOptions{}, "KV PUT failed: 413 Value length of 26214401 exceeds limit of 26214400."},
		{"k", nil, PutOptions{Metadata: bytes.Repeat([]byte("x"), 1025)}, "KV PUT failed: 413 Metadata length of 1025 exceeds limit of 1024."},
		{"k", nil, PutOptions{ExpirationTTL: 59}, "KV PUT failed: 400 Invalid expiration_ttl of 59. Expiration TTL must be at least 60."},
		{"k", nil, PutOptions{ExpirationTTL: -1}, "KV PUT failed: 400 Invalid expiration_ttl of -1. Please specify integer greater than 0."},
		{"k", nil, PutOptions{Expiration: now + 59}, fmt.Sprintf("KV PUT failed: 400 Invalid expiration of %d. Expiration times must be at least 60 seconds in the future.", now+59)},
		{"k", nil, PutOptions{Expiration: -5}, "KV PUT failed: 400 Invalid expiration of -5. Please specify integer greater than the current number of seconds since the UNIX epoch."},
		{strings.Repeat("k", 512), make([]byte, 10), PutOptions{Metadata: bytes.Repeat([]byte("x"), 1024), ExpirationTTL: 60}, ""},
		{"k", nil, PutOptions{Expiration: now + 60}, ""},
	}
	for _, tt := range tests {
		err := s.Put(ctx, tt.key, tt.value, tt.opts)
		got := ""
		if err != nil {
			got = err.Error()
		}
		if got != tt.want {
			t.Errorf("Put(%.20q, %d bytes, %+v):\ngot  %q\nwant %q", tt.key, len(tt.value), tt.opts.ExpirationTTL, got, tt.want)
		}
	}
	for _, op := range []struct {
		name string
		f    func() error
	}{
		{"GET", func() error { _, _, err := s.Get(ctx, ""); return err }},
		{"DELETE", func() error { return s.Delete(ctx, "..") }},
		{"GET", func() error { _, err := s.List(ctx, ListOptions{Limit: 1001}); return err }},
		{"GET", func() error { _, err := s.List(ctx, ListOptions{Limit: -1}); return err }},
		{"GET", func() error { _, err := s.List(ctx, ListOptions{Cursor: "!!"}); return err }},
		{"GET_BULK", func() error { _, err := s.GetBulk(ctx, make([]string, 101)); return err }},
	} {
		err := op.f()
		if err == nil || !strings.HasPrefix(err.Error(), "KV "+op.name+" failed: ") {
			t.Errorf("%s: got %v, want a KV %s error", op.name, err, op.name)
		}
	}
}

func TestGetPutDelete(t *testing.T) {
	s, _ := openTest(t)
	if _, ok, err := s.Get(ctx, "a"); ok || err != nil {
		t.Fatalf("Get missing: got ok=%v err=%v", ok, err)
	}
	if err := s.Put(ctx, "a", []byte("1"), PutOptions{Metadata: []byte(`{"n":1}`)}); err != nil {
		t.Fatal(err)
	}
	v, ok, err := s.Get(ctx, "a")
	if err != nil || !ok || string(v) != "1" {
		t.Errorf("Get: got %q %v %v, want 1", v, ok, err)
	}
	e, ok, _ := s.GetWithMetadata(ctx, "a")
	if !ok || string(e.Metadata) != `{"n":1}` || e.Expiration != 0 {
		t.Errorf("GetWithMetadata: got %+v", e)
	}
	// Overwrite drops the old metadata.
	s.Put(ctx, "a", []byte{}, PutOptions{})
	e, ok, _ = s.GetWithMetadata(ctx, "a")
	if !ok || e.Metadata != nil || e.Value == nil || len(e.Value) != 0 {
		t.Errorf("after overwrite: got %+v ok=%v, want empty value, no metadata", e, ok)
	}
	s.Put(ctx, "b", []byte("2"), PutOptions{})
	got, err := s.GetBulk(ctx, []string{"a", "zz", "b"})
	if err != nil || len(got) != 3 || got[0] == nil || got[1] != nil || string(got[2].Value) != "2" {
		t.Errorf("GetBulk: got %v %v", got, err)
	}
	if err := s.Delete(ctx, "a"); err != nil {
		t.Fatal(err)
	}
	if err := s.Delete(ctx, "a"); err != nil {
		t.Errorf("second delete: %v", err)
	}
	if _, ok, _ := s.Get(ctx, "a"); ok {
		t.Error("deleted key still present")
	}
}

func TestExpiration(t *testing.T) {
	s, clk := openTest(t)
	now := clk.Now().Unix()
	s.Put(ctx, "ttl", []byte("x"), PutOptions{ExpirationTTL: 60})
	s.Put(ctx, "abs", []byte("x"), PutOptions{Expiration: now + 120})
	s.Put(ctx, "both", []byte("x"), PutOptions{Expiration: now + 1000, ExpirationTTL: 90})
	s.Put(ctx, "never", []byte("x"), PutOptions{})
	e, _, _ := s.GetWithMetadata(ctx, "both")
	if e.Expiration != now+90 {
		t.Errorf("expirationTtl wins: got %d, want %d", e.Expiration, now+90)
	}
	names := func() string {
		r, err := s.List(ctx, ListOptions{})
		if err != nil {
			t.Fatal(err)
		}
		var n []string
		for _, k := range r.Keys {
			n = append(n, k.Name)
		}
		return strings.Join(n, ",")
	}
	if got, want := names(), "abs,both,never,ttl"; got != want {
		t.Errorf("list: got %s, want %s", got, want)
	}
	clk.Add(60 * time.Second)
	if _, ok, _ := s.Get(ctx, "ttl"); ok {
		t.Error("ttl key returned at its expiration time")
	}
	if got, want := names(), "abs,both,never"; got != want {
		t.Errorf("list after 60s: got %s, want %s", got, want)
	}
	clk.Add(61 * time.Second)
	if got, want := names(), "never"; got != want {
		t.Errorf("list after 121s: got %s, want %s", got, want)
	}
	// Lazy purge removed "ttl" on read; Purge sweeps the rest.
	var n int
	s.r.QueryRow("SELECT count(*) FROM kv").Scan(&n)
	if n != 3 {
		t.Errorf("rows before purge: got %d, want 3", n)
	}
	if err := s.Purge(ctx); err != nil {
		t.Fatal(err)
	}
	s.r.QueryRow("SELECT count(*) FROM kv").Scan(&n)
	if n != 1 {
		t.Errorf("rows after purge: got %d, want 1", n)
	}
}

func TestList(t *testing.T) {
	s, _ := openTest(t)
	keys := []string{"a", "a/1", "a/2", "a/3", "a\xff", "b", "é", "\x00x"}
	for _, k := range keys {
		if err := s.Put(ctx, k, []byte("v"), PutOptions{Metadata: []byte(`"m"`)}); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		prefix string
		limit  int
		want   []string // pages joined by |
	}{
		{"", 0, []string{"\x00x,a,a/1,a/2,a/3,a\xff,b,é"}},
		{"", 3, []string{"\x00x,a,a/1", "a/2,a/3,a\xff", "b,é"}},
		{"a/", 2, []string{"a/1,a/2", "a/3"}},
		{"a/", 3, []string{"a/1,a/2,a/3"}},
		{"a", 100, []string{"a,a/1,a/2,a/3,a\xff"}},
		{"a\xff", 1, []string{"a\xff"}},
		{"c", 10, []string{""}},
	}
	for _, tt := range tests {
		var pages []string
		cursor := ""
		for i := 0; i < 10; i++ {
			r, err := s.List(ctx, ListOptions{Prefix: tt.prefix, Limit: tt.limit, Cursor: cursor})
			if err != nil {
				t.Fatal(err)
			}
			var n []string
			for _, k := range r.Keys {
				if string(k.Metadata) != `"m"` {
					t.Errorf("key %q metadata: got %q", k.Name, k.Metadata)
				}
				n = append(n, k.Name)
			}
			pages = append(pages, strings.Join(n, ","))
			if r.ListComplete != (r.Cursor == "") {
				t.Errorf("list_complete=%v with cursor %q", r.ListComplete, r.Cursor)
			}
			if r.ListComplete {
				break
			}
			cursor = r.Cursor
		}
		if got, want := strings.Join(pages, "|"), strings.Join(tt.want, "|"); got != want {
			t.Errorf("List(prefix %q, limit %d): got %q, want %q", tt.prefix, tt.limit, got, want)
		}
	}
}

func TestConcurrent(t *testing.T) {
	s, _ := openTest(t)
	var wg sync.WaitGroup
	for g := 0; g < 6; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := 0; i < 40; i++ {
				k := fmt.Sprintf("k%d-%d", g, i)
				if err := s.Put(ctx, k, []byte(k), PutOptions{}); err != nil {
					t.Error(err)
					return
				}
				if v, ok, err := s.Get(ctx, k); err != nil || !ok || string(v) != k {
					t.Errorf("Get(%s): got %q %v %v", k, v, ok, err)
					return
				}
			}
		}(g)
	}
	wg.Wait()
	r, _ := s.List(ctx, ListOptions{})
	if len(r.Keys) != 240 {
		t.Errorf("got %d keys, want 240", len(r.Keys))
	}
}

func FuzzCursor(f *testing.F) {
	f.Add("")
	f.Add(EncodeCursor("a/b"))
	f.Add("!!")
	f.Fuzz(func(t *testing.T, c string) {
		k, err := DecodeCursor(c)
		if err != nil {
			return
		}
		if k2, err := DecodeCursor(EncodeCursor(k)); err != nil || k2 != k {
			t.Fatalf("cursor round trip: %q → %q (%v)", k, k2, err)
		}
	})
}

func FuzzValidatePut(f *testing.F) {
	f.Add("key", 10, int64(0), int64(60))
	f.Fuzz(func(t *testing.T, key string, metaLen int, exp, ttl int64) {
		if metaLen < 0 || metaLen > 4096 {
			return
		}
		now := time.Unix(1_700_000_000, 0)
		got, err := ValidatePut(key, nil, PutOptions{Expiration: exp, ExpirationTTL: ttl, Metadata: make([]byte, metaLen)}, now)
		if err == nil && got != 0 && got < now.Unix()+MinTTL {
			t.Fatalf("accepted expiration %d less than %d s ahead", got, MinTTL)
		}
	})
}

func BenchmarkGet(b *testing.B) {
	s, _ := openTest(b)
	s.Put(ctx, "key", bytes.Repeat([]byte("v"), 256), PutOptions{})
	b.ReportAllocs()
	for b.Loop() {
		if _, ok, err := s.Get(ctx, "key"); !ok || err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkPut(b *testing.B) {
	s, _ := openTest(b)
	v := bytes.Repeat([]byte("v"), 256)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		i++
		if err := s.Put(ctx, fmt.Sprintf("key%d", i%1000), v, PutOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}
