package runtime

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	goruntime "runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/edged-dev/edged/bindings/fetch/fetchtest"
)

func newStreamWorker(t *testing.T, src string, env map[string]any, limits Limits) (*Worker, *consoleLog) {
	t.Helper()
	log := &consoleLog{}
	w, err := New(Config{Name: "stream-test", MainModule: "worker.js", Modules: map[string]string{"worker.js": src},
		Env: env, Limits: limits, Console: log.write})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.Close(context.Background()) })
	return w, log
}

// memPeak samples the Go heap and the isolate's heap (V8 heap + ArrayBuffers) until
// stop is closed, and reports the peaks.
func memPeak(l *loop, stop <-chan struct{}) (goHeap, isoHeap *atomic.Int64, done <-chan struct{}) {
	goHeap, isoHeap = new(atomic.Int64), new(atomic.Int64)
	fin := make(chan struct{})
	go func() {
		defer close(fin)
		var ms goruntime.MemStats
		tick := time.NewTicker(20 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-stop:
				return
			case <-tick.C:
			}
			goruntime.ReadMemStats(&ms)
			if v := int64(ms.HeapInuse); v > goHeap.Load() {
				goHeap.Store(v)
			}
			ch := make(chan int64, 1)
			l.post(func(l *loop) {
				s := l.iso.HeapStats()
				ch <- int64(s.UsedHeap + s.ArrayBuffers)
			})
			select {
			case v := <-ch:
				if v > isoHeap.Load() {
					isoHeap.Store(v)
				}
			case <-stop:
				return
			}
		}
	}()
	return goHeap, isoHeap, fin
}

// readCount reads a response body to the end and counts its bytes.
func readCount(t *testing.T, body io.Reader) int64 {
	t.Helper()
	n, err := io.Copy(io.Discard, body)
	if err != nil {
		t.Fatalf("after %d bytes: %v", n, err)
	}
	return n
}

// A 200 MB upstream body proxied by an isolate whose heap limit is 64 MB: it reaches
// the client whole, chunk by chunk, and neither the Go heap nor the isolate's heap
// grows with it. It is piped natively (ops_pipe.go): the request's CPU time stays
// far below the default 50 ms limit, whatever the body's size.
func TestStreamedResponseIsNotBuffered(t *testing.T) {
	if testing.Short() {
		t.Skip("moves 200 MB")
	}
	up := httptest.NewServer(fetchtest.Handler())
	defer up.Close()
	chunks, size := int64(3200), int64(64<<10) // 200 MB
	if raceEnabled {
		chunks = 320 // 20 MB: the race detector slows every chunk's Go side
	}
	w, log := newStreamWorker(t, `export default {
		fetch(request, env) { return fetch(env.UPSTREAM + "/stream" + new URL(request.url).search); },
	};`, map[string]any{"UPSTREAM": up.URL}, Limits{Isolates: 1, HeapBytes: 64 << 20})
	srv := httptest.NewServer(w)
	defer srv.Close()
	// A first small request compiles the handler's path, so the CPU time measured
	// below is what the big body costs.
	if code, body := get(t, srv.URL+"/?chunks=1&size=5"); code != 200 || body != "aaaaa" {
		t.Fatalf("warm-up: got %d %q (console:\n%s)", code, body, log)
	}

	goruntime.GC()
	var ms goruntime.MemStats
	goruntime.ReadMemStats(&ms)
	base := int64(ms.HeapInuse)

	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	stop := make(chan struct{})
	w.mu.Lock()
	l := w.loops[0]
	w.mu.Unlock()
	goPeak, isoPeak, sampled := memPeak(l, stop)
	cpu := w.Stats().CPU
	start := time.Now()
	req, _ := http.NewRequestWithContext(ctx, "GET", fmt.Sprintf("%s/?chunks=%d&size=%d", srv.URL, chunks, size), nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != 200 || resp.ContentLength != -1 {
		t.Fatalf("got status %d, content length %d; want 200 and a streamed (unknown length) body (console:\n%s)", resp.StatusCode, resp.ContentLength, log)
	}
	n := readCount(t, resp.Body)
	resp.Body.Close()
	close(stop)
	<-sampled
	elapsed := time.Since(start)
	if n != chunks*size {
		t.Fatalf("got %d bytes, want %d (console:\n%s)", n, chunks*size, log)
	}
	growth := goPeak.Load() - base
	used := w.Stats().CPU - cpu
	t.Logf("%d MB in %v; JS CPU time %v; Go heap peak +%d MB; isolate heap peak %d MB", chunks*size>>20,
		elapsed.Round(time.Millisecond), used.Round(time.Microsecond), growth>>20, isoPeak.Load()>>20)
	if used > 10*time.Millisecond {
		t.Errorf("the isolate spent %v of CPU time on a proxied body: it went through JS", used)
	}
	if growth > 64<<20 {
		t.Errorf("the Go heap grew by %d MB while streaming 200 MB", growth>>20)
	}
	// Nothing of the body enters the isolate.
	if isoPeak.Load() >= 64<<20 {
		t.Errorf("the isolate's heap reached %d MB while streaming 200 MB", isoPeak.Load()>>20)
	}
	if s := log.String(); strings.Contains(s, "error") {
		t.Errorf("console: %s", s)
	}
}

// A client that goes away mid-body stops the producer: the upstream subrequest is
// cancelled and the request finishes in the isolate.
func TestStreamedResponseClientGone(t *testing.T) {
	up := httptest.NewServer(fetchtest.Handler())
	defer up.Close()
	w, log := newStreamWorker(t, `export default {
		fetch(request, env) { return fetch(env.UPSTREAM + "/stream?chunks=100000&size=65536&delayMs=1"); },
	};`, map[string]any{"UPSTREAM": up.URL}, Limits{Isolates: 1})
	srv := httptest.NewServer(w)
	defer srv.Close()
	resp, err := http.Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 1<<20)
	if _, err := io.ReadFull(resp.Body, buf); err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	deadline := time.Now().Add(10 * time.Second)
	for {
		w.mu.Lock()
		l := w.loops[0]
		w.mu.Unlock()
		ch := make(chan int, 1)
		l.post(func(l *loop) { ch <- len(l.reqs) })
		if <-ch == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the request is still running 10 s after the client left (console:\n%s)", log)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// 200 MB generated in JS by a ReadableStream reaches the client whole, while the
// isolate (64 MB limit) and the Go heap stay small: the body is never held.
func TestGeneratedStreamIsNotBuffered(t *testing.T) {
	if testing.Short() {
		t.Skip("moves 200 MB")
	}
	chunks, size := int64(3200), int64(64<<10)
	if raceEnabled {
		chunks = 320
	}
	w, log := newStreamWorker(t, fmt.Sprintf(`export default {
		fetch() {
			let i = 0;
			return new Response(new ReadableStream({
				type: "bytes",
				pull(c) {
					if (i++ === %d) { c.close(); return; }
					c.enqueue(new Uint8Array(65536).fill(i & 255));
				},
			}));
		},
	};`, chunks), nil, Limits{Isolates: 1, HeapBytes: 64 << 20, CPU: 30 * time.Second})
	srv := httptest.NewServer(w)
	defer srv.Close()
	goruntime.GC()
	var ms goruntime.MemStats
	goruntime.ReadMemStats(&ms)
	base := int64(ms.HeapInuse)
	w.mu.Lock()
	l := w.loops[0]
	w.mu.Unlock()
	stop := make(chan struct{})
	goPeak, isoPeak, sampled := memPeak(l, stop)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	start := time.Now()
	req, _ := http.NewRequestWithContext(ctx, "GET", srv.URL, nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	n := readCount(t, resp.Body)
	resp.Body.Close()
	close(stop)
	<-sampled
	if n != chunks*size {
		t.Fatalf("got %d bytes, want %d (console:\n%s)", n, chunks*size, log)
	}
	growth := goPeak.Load() - base
	t.Logf("%d MB in %v; Go heap peak +%d MB; isolate heap peak %d MB", chunks*size>>20, time.Since(start).Round(time.Millisecond), growth>>20, isoPeak.Load()>>20)
	if growth > 64<<20 {
		t.Errorf("the Go heap grew by %d MB while streaming 200 MB", growth>>20)
	}
	if isoPeak.Load() >= 64<<20 {
		t.Errorf("the isolate's heap reached %d MB while streaming 200 MB", isoPeak.Load()>>20)
	}
}

// A body that fails midway resets the response: the client sees an error, not a
// clean (and wrong) end. The failure is logged.
func TestStreamedResponseFailureResets(t *testing.T) {
	w, log := newStreamWorker(t, `export default {
		fetch() {
			return new Response(new ReadableStream({
				start(c) {
					c.enqueue(new TextEncoder().encode("partial"));
					setTimeout(() => c.error(new Error("broken generator")), 5);
				},
			}));
		},
	};`, nil, Limits{Isolates: 1})
	h1 := httptest.NewServer(w)
	defer h1.Close()
	h2 := httptest.NewUnstartedServer(w)
	h2.EnableHTTP2 = true
	h2.StartTLS()
	defer h2.Close()
	for _, srv := range []*httptest.Server{h1, h2} {
		resp, err := srv.Client().Get(srv.URL)
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err == nil || string(b) != "partial" {
			t.Errorf("%s: got %q, %v; want \"partial\" and an error", resp.Proto, b, err)
		}
	}
	if !strings.Contains(log.String(), "the response body stream failed: Error: broken generator") {
		t.Errorf("console: %s", log)
	}
}

// An isolate that dies mid-stream (here: a pull that spins past the CPU limit) resets
// the client's response instead of leaving it hanging, and the next request is served.
func TestStreamedResponseIsolateDies(t *testing.T) {
	w, _ := newStreamWorker(t, `export default {
		fetch(request) {
			if (new URL(request.url).pathname === "/ok") return new Response("ok");
			let n = 0;
			return new Response(new ReadableStream({
				pull(c) {
					if (n++ === 0) { c.enqueue(new TextEncoder().encode("first")); return; }
					for (;;) {}
				},
			}));
		},
	};`, nil, Limits{Isolates: 1, CPU: 50 * time.Millisecond})
	srv := httptest.NewServer(w)
	defer srv.Close()
	resp, err := http.Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	var b []byte
	go func() {
		defer close(done)
		b, err = io.ReadAll(resp.Body)
	}()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("the response hangs after its isolate died")
	}
	if err == nil || string(b) != "first" {
		t.Errorf("got %q, %v; want \"first\" and an error", b, err)
	}
	if code, body := get(t, srv.URL+"/ok"); code != 200 || body != "ok" {
		t.Errorf("next request: %d %q", code, body)
	}
}

// A 1 MB response streamed from JS in 16 chunks.
func BenchmarkStreamedResponse(b *testing.B) {
	w, _ := newTestWorker(b, `export default { fetch() {
		let i = 0;
		return new Response(new ReadableStream({ type: "bytes", pull(c) {
			if (i++ === 16) c.close(); else c.enqueue(new Uint8Array(65536));
		} }), { headers: { i: String(i) } });
	} };`, Limits{Isolates: 1})
	b.ReportAllocs()
	b.SetBytes(1 << 20)
	for b.Loop() {
		rec := httptest.NewRecorder()
		w.ServeHTTP(rec, httptest.NewRequest("GET", "http://example.com/", nil))
		if rec.Body.Len() != 1<<20 {
			b.Fatalf("got %d bytes", rec.Body.Len())
		}
	}
}

// A subrequest to a local upstream, its body read as text.
func BenchmarkFetchSubrequest(b *testing.B) {
	up := httptest.NewServer(fetchtest.Handler())
	defer up.Close()
	log := &consoleLog{}
	w, err := New(Config{Name: "bench-fetch", MainModule: "worker.js", Modules: map[string]string{"worker.js": `export default {
		async fetch(request, env) { return new Response(await (await fetch(env.UPSTREAM + "/status/200")).text()); },
	};`}, Env: map[string]any{"UPSTREAM": up.URL}, Limits: Limits{Isolates: 1}, Console: log.write})
	if err != nil {
		b.Fatal(err)
	}
	defer w.Close(context.Background())
	b.ReportAllocs()
	for b.Loop() {
		rec := httptest.NewRecorder()
		w.ServeHTTP(rec, httptest.NewRequest("GET", "http://example.com/", nil))
		if rec.Body.String() != "status 200" {
			b.Fatalf("got %q (console: %s)", rec.Body, log)
		}
	}
}

// A client that leaves before the response is ready: whatever the handler answers
// later (a whole body or a stream) is dropped quietly, and nothing stays behind.
func TestResponseAfterClientLeft(t *testing.T) {
	w, log := newStreamWorker(t, `export default {
		async fetch(request) {
			await new Promise((r) => setTimeout(r, 80));
			if (new URL(request.url).pathname === "/stream") {
				return new Response(new ReadableStream({ pull(c) { c.enqueue(new Uint8Array(8)); } }));
			}
			return new Response("late");
		},
	};`, nil, Limits{Isolates: 1})
	srv := httptest.NewServer(w)
	defer srv.Close()
	for _, path := range []string{"/whole", "/stream"} {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
		req, _ := http.NewRequestWithContext(ctx, "GET", srv.URL+path, nil)
		if resp, err := http.DefaultClient.Do(req); err == nil {
			resp.Body.Close()
			t.Errorf("%s: the request did not time out", path)
		}
		cancel()
	}
	time.Sleep(200 * time.Millisecond)
	if s := log.String(); s != "" {
		t.Errorf("console: %s", s)
	}
	n := 0
	respStreams.Range(func(any, any) bool { n++; return true })
	if n != 0 {
		t.Errorf("%d streams left behind", n)
	}
}

// A client leaving while the stream waits for a chunk that never comes frees the
// request in the isolate at once.
func TestStreamedResponseClientGoneWhileIdle(t *testing.T) {
	w, _ := newStreamWorker(t, `export default {
		fetch() {
			let first = true;
			return new Response(new ReadableStream({ pull(c) {
				if (first) { first = false; c.enqueue(new TextEncoder().encode("one")); return; }
				return new Promise(() => {}); // never another chunk
			} }));
		},
	};`, nil, Limits{Isolates: 1})
	srv := httptest.NewServer(w)
	defer srv.Close()
	resp, err := http.Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 3)
	if _, err := io.ReadFull(resp.Body, buf); err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	w.mu.Lock()
	l := w.loops[0]
	w.mu.Unlock()
	deadline := time.Now().Add(5 * time.Second)
	for {
		ch := make(chan int, 1)
		l.post(func(l *loop) { ch <- len(l.reqs) })
		if <-ch == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the request is still open in the isolate after its client left")
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// An in-process proxy of a 1 MB upstream body (16 chunks of 64 KiB). js-µs/op is the
// CPU time spent in the isolate per request.
func BenchmarkProxyResponse(b *testing.B) {
	for _, c := range []struct{ name, handler string }{
		{"returned", `fetch(request, env) { return fetch(env.UPSTREAM + "/stream?chunks=16&size=65536"); }`},
		{"rewrapped", `async fetch(request, env) {
			const r = await fetch(env.UPSTREAM + "/stream?chunks=16&size=65536");
			const h = new Headers(r.headers);
			h.set("x-proxy", "edged");
			return new Response(r.body, { status: r.status, headers: h });
		}`},
	} {
		b.Run(c.name, func(b *testing.B) {
			benchProxy(b, c.handler, func() *http.Request { return httptest.NewRequest("GET", "http://example.com/", nil) }, 1<<20)
		})
	}
}

// A 1 MB request body passed unchanged to an upstream that counts it.
func BenchmarkProxyRequestBody(b *testing.B) {
	body := strings.Repeat("x", 1<<20)
	benchProxy(b, `async fetch(request, env) {
		const r = await fetch(env.UPSTREAM + "/count-body", { method: "POST", body: request.body });
		return new Response(await r.text());
	}`, func() *http.Request {
		return httptest.NewRequest("POST", "http://example.com/", strings.NewReader(body))
	}, len("1048576 bytes"))
}

func benchProxy(b *testing.B, handler string, newReq func() *http.Request, want int) {
	up := httptest.NewServer(fetchtest.Handler())
	defer up.Close()
	log := &consoleLog{}
	w, err := New(Config{Name: "bench-proxy", MainModule: "worker.js",
		Modules: map[string]string{"worker.js": "export default { " + handler + " };"},
		Env:     map[string]any{"UPSTREAM": up.URL}, Limits: Limits{Isolates: 1}, Console: log.write})
	if err != nil {
		b.Fatal(err)
	}
	defer w.Close(context.Background())
	b.ReportAllocs()
	b.SetBytes(1 << 20)
	cpu := w.Stats().CPU
	for b.Loop() {
		rec := httptest.NewRecorder()
		w.ServeHTTP(rec, newReq())
		if rec.Code != 200 || rec.Body.Len() != want {
			b.Fatalf("got %d, %d bytes (console: %s)", rec.Code, rec.Body.Len(), log)
		}
	}
	b.ReportMetric(float64((w.Stats().CPU-cpu).Microseconds())/float64(b.N), "js-µs/op")
}

// The proxy worker of the passthrough tests: each path returns an upstream body one
// way, natively or through JS.
const proxyWorker = `export default {
	async fetch(request, env, ctx) {
		const up = env.UPSTREAM;
		const small = up + "/stream?chunks=3&size=5";
		switch (new URL(request.url).pathname) {
		case "/returned": return fetch(up + "/cookies");
		case "/status": return fetch(up + "/status/404");
		case "/rewrapped": {
			const r = await fetch(up + "/cookies");
			const h = new Headers(r.headers);
			h.set("x-proxy", "edged");
			return new Response(r.body, { status: 203, headers: h });
		}
		case "/unlocked": {
			const r = await fetch(small);
			r.body.getReader().releaseLock(); // locked and released, nothing read
			return r;
		}
		case "/wait-until": {
			ctx.waitUntil(new Promise((r) => setTimeout(r, 30)));
			return fetch(small);
		}
		case "/partial": {
			const r = await fetch(small);
			const rd = r.body.getReader();
			const first = await rd.read();
			return new Response(new ReadableStream({
				start(c) { c.enqueue(first.value); },
				async pull(c) { const x = await rd.read(); if (x.done) c.close(); else c.enqueue(x.value); },
			}));
		}
		case "/teed": {
			const r = await fetch(small);
			const copy = await r.clone().text();
			return new Response(r.body, { headers: { "x-clone": copy } });
		}
		case "/clone-returned": {
			const r = await fetch(small);
			const c = r.clone();
			ctx.waitUntil(r.text());
			return c;
		}
		case "/piped-through": {
			const r = await fetch(small);
			return new Response(r.body.pipeThrough(new TransformStream()));
		}
		case "/hang": return fetch(up + "/hang");
		case "/abort": return fetch(up + "/hang", { signal: AbortSignal.timeout(100) });
		case "/truncate": return fetch(up + "/truncate");
		case "/post": return fetch(up + "/echo-stream", { method: "POST", body: request.body });
		case "/post-request": return fetch(new Request(up + "/echo-stream", request));
		case "/post-read-first": {
			const rd = request.body.getReader();
			const first = await rd.read();
			const rest = new ReadableStream({
				start(c) { c.enqueue(first.value); },
				async pull(c) { const x = await rd.read(); if (x.done) c.close(); else c.enqueue(x.value); },
			});
			return fetch(up + "/echo-stream", { method: "POST", body: rest });
		}
		}
		return new Response("no route", { status: 404 });
	},
};`

func newProxyWorker(t *testing.T) (up, srv *httptest.Server, log *consoleLog) {
	t.Helper()
	up = httptest.NewServer(fetchtest.Handler())
	t.Cleanup(up.Close)
	limits := Limits{Isolates: 1}
	if raceEnabled {
		// The race detector slows the Go side of streaming 4 MB through JS, which runs
		// on the isolate's thread inside an entry's CPU budget.
		limits.CPU = time.Second
	}
	w, log := newStreamWorker(t, proxyWorker, map[string]any{"UPSTREAM": up.URL}, limits)
	srv = httptest.NewServer(w)
	t.Cleanup(srv.Close)
	return up, srv, log
}

// openRequests counts the requests of w's isolate not finished yet.
func openRequests(w *Worker) int {
	w.mu.Lock()
	l := w.loops[0]
	w.mu.Unlock()
	ch := make(chan int, 1)
	l.post(func(l *loop) { ch <- len(l.reqs) })
	return <-ch
}

// A returned (or rewrapped) fetch() response whose body is untouched goes to the
// client from Go, with its status and headers; one that JS read, teed or piped
// still goes through JS, whole.
func TestProxiedResponse(t *testing.T) {
	_, srv, log := newProxyWorker(t)
	cases := []struct {
		path, method string
		status       int
		body         string
		header       map[string][]string
		native       bool
	}{
		{"/returned", "GET", 200, "cookies", map[string][]string{"Set-Cookie": {"a=1", "b=2"}}, true},
		{"/returned", "HEAD", 200, "", map[string][]string{"Set-Cookie": {"a=1", "b=2"}}, true},
		{"/status", "GET", 404, "status 404", nil, true},
		{"/rewrapped", "GET", 203, "cookies", map[string][]string{"Set-Cookie": {"a=1", "b=2"}, "X-Proxy": {"edged"}}, true},
		{"/unlocked", "GET", 200, "aaaaabbbbbccccc", map[string][]string{"Content-Type": {"application/octet-stream"}}, true},
		{"/wait-until", "GET", 200, "aaaaabbbbbccccc", nil, true},
		{"/partial", "GET", 200, "aaaaabbbbbccccc", nil, false},
		{"/teed", "GET", 200, "aaaaabbbbbccccc", map[string][]string{"X-Clone": {"aaaaabbbbbccccc"}}, false},
		{"/clone-returned", "GET", 200, "aaaaabbbbbccccc", nil, false},
		{"/piped-through", "GET", 200, "aaaaabbbbbccccc", nil, false},
	}
	for _, c := range cases {
		before := pipedResponses.Load()
		req, _ := http.NewRequest(c.method, srv.URL+c.path, nil)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil || resp.StatusCode != c.status || string(b) != c.body {
			t.Errorf("%s %s: got %d %q, %v; want %d %q (console:\n%s)", c.method, c.path, resp.StatusCode, b, err, c.status, c.body, log)
		}
		for k, want := range c.header {
			if got := resp.Header.Values(k); strings.Join(got, "|") != strings.Join(want, "|") {
				t.Errorf("%s %s: %s is %q, want %q", c.method, c.path, k, got, want)
			}
		}
		if native := pipedResponses.Load() > before; native != c.native {
			t.Errorf("%s %s: piped natively %v, want %v", c.method, c.path, native, c.native)
		}
		// As after a stream, the request finished in JS before the client saw the end
		// of a chunked response (waitUntil aside). (With a Content-Length the client
		// knows the end with the last byte; a next request on the connection is still
		// read only after that.)
		if n := openRequests(srv.Config.Handler.(*Worker)); c.native && resp.ContentLength < 0 && c.path != "/wait-until" && n != 0 {
			t.Errorf("%s %s: %d requests still open once the response was read", c.method, c.path, n)
		}
	}
	if s := log.String(); s != "" {
		t.Errorf("console: %s", s)
	}
}

// An incoming request body passed on unchanged goes upstream from Go, with its
// length; the upstream's answer (streamed while it reads) comes back natively too.
// A body JS started reading goes through JS.
func TestProxiedRequestBody(t *testing.T) {
	_, srv, log := newProxyWorker(t)
	body := make([]byte, 4<<20)
	for i := range body {
		body[i] = byte(i * 7)
	}
	for _, c := range []struct {
		path    string
		chunked bool
		native  bool
	}{
		{"/post", false, true},
		{"/post", true, true},
		{"/post-request", false, true},
		{"/post-read-first", false, false},
	} {
		reqs, resps := pipedRequestBodies.Load(), pipedResponses.Load()
		var rd io.Reader = bytes.NewReader(body)
		if c.chunked {
			rd = io.MultiReader(rd) // no length known: sent chunked
		}
		resp, err := http.Post(srv.URL+c.path, "application/octet-stream", rd)
		if err != nil {
			t.Fatal(err)
		}
		got, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil || resp.StatusCode != 200 || !bytes.Equal(got, body) {
			t.Errorf("%s (chunked %v): got %d, %d bytes, %v; want the %d bytes sent (console:\n%s)", c.path, c.chunked, resp.StatusCode, len(got), err, len(body), log)
		}
		wantLen := strconv.Itoa(len(body))
		if c.chunked || !c.native {
			wantLen = "-1"
		}
		if l := resp.Header.Get("X-Request-Length"); l != wantLen {
			t.Errorf("%s (chunked %v): the upstream saw Content-Length %s, want %s", c.path, c.chunked, l, wantLen)
		}
		if native := pipedRequestBodies.Load() > reqs; native != c.native {
			t.Errorf("%s (chunked %v): request body piped natively %v, want %v", c.path, c.chunked, native, c.native)
		}
		if pipedResponses.Load() == resps {
			t.Errorf("%s (chunked %v): the response did not go out natively", c.path, c.chunked)
		}
	}
	if s := log.String(); s != "" {
		t.Errorf("console: %s", s)
	}
}

// A client that leaves a piped response closes the upstream; an AbortSignal given to
// fetch() still cuts a piped body, and an upstream that fails midway resets the
// client's connection (HTTP/1.1 and HTTP/2), logged.
func TestProxiedResponseEnds(t *testing.T) {
	up, srv, log := newProxyWorker(t)
	hung := func() string { _, s := get(t, up.URL+"/hung"); return s }
	waitHung := func(want string) {
		t.Helper()
		for deadline := time.Now().Add(5 * time.Second); hung() != want; time.Sleep(10 * time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatalf("the upstream saw %s cancelled requests, want %s", hung(), want)
			}
		}
	}

	resp, err := http.Get(srv.URL + "/hang")
	if err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 5)
	if _, err := io.ReadFull(resp.Body, buf); err != nil || string(buf) != "first" {
		t.Fatalf("got %q, %v", buf, err)
	}
	resp.Body.Close()
	waitHung("1")

	start := time.Now()
	resp, err = http.Get(srv.URL + "/abort")
	if err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err == nil || string(b) != "first" || time.Since(start) > 10*time.Second {
		t.Errorf("aborted: got %q, %v after %v; want \"first\" and an error soon after 100 ms", b, err, time.Since(start))
	}
	waitHung("2")

	h2 := httptest.NewUnstartedServer(srv.Config.Handler)
	h2.EnableHTTP2 = true
	h2.StartTLS()
	defer h2.Close()
	for _, s := range []*httptest.Server{srv, h2} {
		resp, err := s.Client().Get(s.URL + "/truncate")
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err == nil || string(b) != "partial" {
			t.Errorf("%s: got %q, %v; want \"partial\" and an error", resp.Proto, b, err)
		}
	}
	if !strings.Contains(log.String(), "the proxied response body failed") {
		t.Errorf("console: %s", log)
	}
}
