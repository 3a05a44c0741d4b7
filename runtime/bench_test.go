package runtime

import (
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// A warm hello-world request through the whole stack, in process (no network).
func BenchmarkHelloWorld(b *testing.B) {
	w, _ := newTestWorker(b, hello, Limits{Isolates: 1})
	req := httptest.NewRequest("GET", "http://example.com/", nil)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		rec := httptest.NewRecorder()
		w.ServeHTTP(rec, req)
		if rec.Code != 200 {
			b.Fatal(rec.Code)
		}
	}
}

// The same from many goroutines at once, over the default pool (GOMAXPROCS isolates).
func BenchmarkHelloWorldParallel(b *testing.B) {
	w, _ := newTestWorker(b, hello, Limits{})
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		req := httptest.NewRequest("GET", "http://example.com/", nil)
		for pb.Next() {
			rec := httptest.NewRecorder()
			w.ServeHTTP(rec, req)
		}
	})
}

// A request whose body is read through the async op (two completions: data, end).
func BenchmarkAsyncOpEchoBody(b *testing.B) {
	w, _ := newTestWorker(b, `export default { async fetch(r) { return new Response(await r.text()); } };`, Limits{Isolates: 1})
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		rec := httptest.NewRecorder()
		w.ServeHTTP(rec, httptest.NewRequest("POST", "http://example.com/", strings.NewReader("ping")))
		if rec.Body.String() != "ping" {
			b.Fatal(rec.Body.String())
		}
	}
}

// A new isolate from the snapshot with the worker's module evaluated, ready to serve
// (no spare isolates).
func BenchmarkColdStart(b *testing.B) {
	SetSpareIsolates(0)
	defer SetSpareIsolates(1)
	benchSpawn(b)
}

// The same when a pre-made spare isolate is ready (the replacement is made in the
// background, off the measured path, as in production).
func BenchmarkColdStartFromSpare(b *testing.B) {
	SetSpareIsolates(1)
	benchSpawn(b)
}

func benchSpawn(b *testing.B) {
	spares.Lock()
	delay := spareDelay
	spareDelay = 0 // refill at once, so the wait below is short
	spares.Unlock()
	defer func() {
		spares.Lock()
		spareDelay = delay
		spares.Unlock()
	}()
	w, _ := newTestWorker(b, hello, Limits{Isolates: 1})
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		// Let the background refill finish so each iteration sees the steady state.
		for j := 0; j < 200; j++ {
			spares.Lock()
			n, want := len(spares.ready), spares.want
			spares.Unlock()
			if n >= want {
				break
			}
			time.Sleep(time.Millisecond)
		}
		b.StartTimer()
		l, err := w.spawn()
		if err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		l.post(stopTask{})
		<-l.stopped
		b.StartTimer()
	}
}

// The first request a new isolate serves (isolate made beforehand, off the clock):
// what the functions of the request path cost before they are compiled and warm.
// runtime/js/95_warmup.js runs them while the snapshot is made.
func BenchmarkFirstRequest(b *testing.B) {
	SetSpareIsolates(0)
	defer SetSpareIsolates(1)
	src := `export default { fetch(r) { const u = new URL(r.url); return new Response("hi " + u.pathname, {headers: {"x-a": "b"}}); } };`
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		w, err := New(Config{Name: "first", MainModule: "worker.js", Modules: map[string]string{"worker.js": src}, Limits: Limits{Isolates: 1}})
		if err != nil {
			b.Fatal(err)
		}
		rec := httptest.NewRecorder()
		req := httptest.NewRequest("GET", "http://example.com/a", nil)
		b.StartTimer()
		w.ServeHTTP(rec, req)
		b.StopTimer()
		if rec.Body.String() != "hi /a" {
			b.Fatalf("got %q", rec.Body.String())
		}
		w.Close(b.Context())
	}
}
