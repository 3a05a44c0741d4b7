// Benchmarks of the streaming paths through a real worker, in process (no network):
// a response body produced chunk by chunk in JavaScript, a request body piped through a
// TransformStream, and the JavaScript cost of reading many chunks with a reader.
package streams_test

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/edged-dev/edged/runtime"
)

func newWorker(b *testing.B, src string) *runtime.Worker {
	b.Helper()
	w, err := runtime.New(runtime.Config{
		Name:       "bench",
		MainModule: "worker.js",
		Modules:    map[string]string{"worker.js": src},
		Limits:     runtime.Limits{Isolates: 1, CPU: 10 * time.Second},
		Console:    func(string, int, string) {},
	})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { w.Close(b.Context()) })
	return w
}

// discard is a ResponseWriter that only counts, so the benchmarks measure the worker and
// not a recorder's growing buffer.
type discard struct {
	h    http.Header
	code int
	n    int
}

func (d *discard) Header() http.Header {
	if d.h == nil {
		d.h = http.Header{}
	}
	return d.h
}
func (d *discard) WriteHeader(code int)        { d.code = code }
func (d *discard) Write(p []byte) (int, error) { d.n += len(p); return len(p), nil }
func (d *discard) Flush()                      {}

const chunkSize = 16 << 10
const chunks = 64

// A 1 MiB response made of 64 chunks of 16 KiB, each enqueued by pull().
func BenchmarkStreamedResponse(b *testing.B) {
	w := newWorker(b, `
const chunk = new Uint8Array(16384).fill(120);
export default {
  fetch() {
    let n = 0;
    return new Response(new ReadableStream({
      pull(c) { if (n++ === 64) c.close(); else c.enqueue(chunk); },
    }));
  },
};`)
	b.SetBytes(chunkSize * chunks)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		rec := &discard{code: 200}
		w.ServeHTTP(rec, httptest.NewRequest("GET", "http://example.com/", nil))
		if rec.code != 200 || rec.n != chunkSize*chunks {
			b.Fatalf("status %d, %d bytes", rec.code, rec.n)
		}
	}
}

// A 1 MiB request body streamed back through an identity TransformStream.
func BenchmarkRequestBodyPipeThrough(b *testing.B) {
	w := newWorker(b, `
export default {
  fetch(request) { return new Response(request.body.pipeThrough(new TransformStream())); },
};`)
	body := bytes.Repeat([]byte("y"), chunkSize*chunks)
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		rec := &discard{code: 200}
		w.ServeHTTP(rec, httptest.NewRequest("POST", "http://example.com/", bytes.NewReader(body)))
		if rec.code != 200 || rec.n != len(body) {
			b.Fatalf("status %d, %d bytes", rec.code, rec.n)
		}
	}
}

// JavaScript only: 10,000 chunks read with reader.read() per request (default stream),
// then the same through for await and through pipeTo into a WritableStream.
func BenchmarkReadChunksInJS(b *testing.B) {
	for _, tc := range []struct{ name, consume string }{
		{"reader", `const r = rs.getReader(); for (;;) { const { done } = await r.read(); if (done) break; n++; }`},
		{"forAwait", `for await (const c of rs) { void c; n++; }`},
		{"pipeTo", `await rs.pipeTo(new WritableStream({ write() { n++; } }));`},
		{"pipeThrough", `const r = rs.pipeThrough(new TransformStream()).getReader(); for (;;) { const { done } = await r.read(); if (done) break; n++; }`},
	} {
		b.Run(tc.name, func(b *testing.B) {
			w := newWorker(b, `
export default {
  async fetch() {
    let i = 0, n = 0;
    const rs = new ReadableStream({ pull(c) { if (i++ === 10000) c.close(); else c.enqueue(i); } });
    `+tc.consume+`
    return new Response(String(n));
  },
};`)
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				rec := httptest.NewRecorder()
				w.ServeHTTP(rec, httptest.NewRequest("GET", "http://example.com/", nil))
				if got := strings.TrimSpace(rec.Body.String()); got != "10000" {
					b.Fatalf("got %q", got)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/10000, "ns/chunk")
		})
	}
}
