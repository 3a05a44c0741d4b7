package runtime

import (
	"context"
	"fmt"
	"net/http/httptest"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/edged-dev/edged/bindings/cache"
	"github.com/edged-dev/edged/bindings/d1"
	"github.com/edged-dev/edged/bindings/kv"
)

// Storage bindings through a whole worker, in process (ServeHTTP, no network): each
// iteration is one HTTP request whose handler makes one D1/KV/cache call. Besides
// ns/op they report req/s, the number to compare with other runtimes
// (bench/d1-vs-wrangler.sh does that for D1 against wrangler dev over HTTP).

const storageBenchWorker = `
export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    const id = Number(url.searchParams.get("id"));
    switch (url.pathname) {
      case "/d1/select":
        return Response.json(await env.DB.prepare("SELECT id, name, email FROM users WHERE id = ?").bind(id).first());
      case "/d1/insert": {
        const r = await env.DB.prepare("INSERT INTO events (user_id, kind) VALUES (?, ?)").bind(id, "click").run();
        return Response.json({ id: r.meta.last_row_id });
      }
      case "/kv/get":
        return new Response(await env.KV.get("key" + (id % 100)));
      case "/kv/put":
        await env.KV.put("key" + (id % 100), "value-" + id);
        return new Response("ok");
      case "/cache/hit": {
        const hit = await caches.default.match("https://bench.example/asset");
        return hit === undefined ? new Response("miss", { status: 500 }) : hit;
      }
    }
    return new Response("not found", { status: 404 });
  },
};`

func storageBenchSetup(b *testing.B, isolates int) *Worker {
	return storageBenchSetupSrc(b, isolates, storageBenchWorker)
}

func storageBenchSetupSrc(b testing.TB, isolates int, src string) *Worker {
	b.Helper()
	dir := b.TempDir()
	db, err := d1.Open(filepath.Join(dir, "d1", "DB.sqlite"), nil)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	ctx := context.Background()
	if _, err := db.ExecScript(ctx, `CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL, email TEXT);
		CREATE TABLE events (id INTEGER PRIMARY KEY, user_id INTEGER, kind TEXT, at TEXT DEFAULT CURRENT_TIMESTAMP);`); err != nil {
		b.Fatal(err)
	}
	sts := make([]d1.Statement, 1000)
	for i := range sts {
		sts[i] = d1.Statement{SQL: "INSERT INTO users (name, email) VALUES (?, ?)", Params: []d1.Value{d1.String(fmt.Sprintf("user %d", i)), d1.String(fmt.Sprintf("u%d@example.com", i))}}
	}
	if _, err := db.Batch(ctx, sts); err != nil {
		b.Fatal(err)
	}
	ns, err := kv.Open(filepath.Join(dir, "kv", "KV.sqlite"), nil)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { ns.Close() })
	for i := 0; i < 100; i++ {
		ns.Put(ctx, "key"+strconv.Itoa(i), []byte(strings.Repeat("v", 100)), kv.PutOptions{})
	}
	store, err := cache.Open(filepath.Join(dir, "cache"), nil)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { store.Close() })
	hdr := map[string][]string{"Cache-Control": {"max-age=3600"}, "Content-Type": {"text/plain"}}
	if _, err := store.Put(ctx, "", "https://bench.example/asset", "GET", nil, 200, hdr, strings.NewReader(strings.Repeat("x", 1024))); err != nil {
		b.Fatal(err)
	}
	w, err := New(Config{
		Name: "bench", MainModule: "worker.js", Modules: map[string]string{"worker.js": src},
		Env:      map[string]any{"DB": Binding{Type: "d1", Name: "DB"}, "KV": Binding{Type: "kv", Name: "KV"}},
		Bindings: map[string]any{"DB": db, "KV": ns, cache.BindingName: store},
		Limits:   Limits{Isolates: isolates},
		Console:  func(string, int, string) {},
	})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { w.Close(context.Background()) })
	return w
}

func benchStorage(b *testing.B, path string, parallel bool) {
	isolates := 1
	if parallel {
		isolates = 0 // GOMAXPROCS
	}
	w := storageBenchSetup(b, isolates)
	var n atomic.Int64
	do := func() {
		i := n.Add(1)
		rec := httptest.NewRecorder()
		w.ServeHTTP(rec, httptest.NewRequest("GET", "http://bench.example"+path+"?id="+strconv.FormatInt(i%1000+1, 10), nil))
		if rec.Code != 200 {
			b.Fatalf("%s: %d %s", path, rec.Code, rec.Body)
		}
	}
	do() // warm the isolate and the statement caches
	b.ReportAllocs()
	b.ResetTimer()
	start := time.Now()
	if parallel {
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				do()
			}
		})
	} else {
		for i := 0; i < b.N; i++ {
			do()
		}
	}
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "req/s")
}

func BenchmarkD1PointSelect(b *testing.B)         { benchStorage(b, "/d1/select", false) }
func BenchmarkD1PointSelectParallel(b *testing.B) { benchStorage(b, "/d1/select", true) }
func BenchmarkD1Insert(b *testing.B)              { benchStorage(b, "/d1/insert", false) }
func BenchmarkD1InsertParallel(b *testing.B)      { benchStorage(b, "/d1/insert", true) }
func BenchmarkKVGet(b *testing.B)                 { benchStorage(b, "/kv/get", false) }
func BenchmarkKVPut(b *testing.B)                 { benchStorage(b, "/kv/put", false) }
func BenchmarkCacheHit(b *testing.B)              { benchStorage(b, "/cache/hit", false) }
