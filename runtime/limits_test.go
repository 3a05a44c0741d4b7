package runtime

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

const adversarial = `
export default {
  async fetch(request) {
    const path = request.url.slice(request.url.indexOf("/", 8));
    switch (path) {
      case "/spin": for (;;) {}
      case "/spin-later": await null; for (;;) {}
      case "/timer-spin": setTimeout(() => { for (;;) {} }, 1); return new Response("scheduled");
      case "/bomb": { const a = []; for (;;) a.push(new Array(1e6).fill(1.5)); }
      case "/buffer-bomb": { const a = []; for (;;) a.push(new Uint8Array(8 << 20)); }
      case "/recurse": { const f = (n) => f(n + 1) + 1; return new Response(String(f(0))); }
      case "/throw": throw new Error("boom from the handler");
      case "/reject": return Promise.reject(new TypeError("rejected on purpose"));
      case "/unhandled": Promise.reject(new Error("floating rejection")); return new Response("ok");
      case "/not-a-response": return "a string";
      case "/timer-throw": setTimeout(() => { throw new Error("thrown in a timer"); }, 0); return new Response("ok");
      case "/microtask-throw": queueMicrotask(() => { throw new Error("thrown in a microtask"); }); return new Response("ok");
    }
    return new Response("ok");
  },
};`

func newTestWorker(t testing.TB, src string, limits Limits) (*Worker, *consoleLog) {
	t.Helper()
	log := &consoleLog{}
	w, err := New(Config{Name: "test", MainModule: "worker.js", Modules: map[string]string{"worker.js": src}, Limits: limits, Console: log.write})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.Close(t.Context()) })
	return w, log
}

func get(t testing.TB, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// Every adversarial request fails alone: the next ordinary request succeeds.
func TestAdversarialWorkers(t *testing.T) {
	w, log := newTestWorker(t, adversarial, Limits{CPU: 50 * time.Millisecond, HeapBytes: 64 << 20})
	srv := httptest.NewServer(w)
	defer srv.Close()
	cases := []struct {
		path     string
		status   int
		body     string // substring
		console  string // substring expected in the console log
		fatalish bool   // the isolate is discarded
	}{
		{"/spin", 503, "CPU time limit", "CPU time limit", true},
		{"/spin-later", 503, "CPU time limit", "", true},
		{"/buffer-bomb", 500, "Internal Server Error", "Array buffer allocation failed", false},
		{"/recurse", 500, "Internal Server Error", "Maximum call stack size exceeded", false},
		{"/throw", 500, "Internal Server Error", "boom from the handler", false},
		{"/reject", 500, "Internal Server Error", "rejected on purpose", false},
		{"/unhandled", 200, "ok", "floating rejection", false},
		{"/not-a-response", 500, "Internal Server Error", "", false},
		{"/timer-throw", 200, "ok", "thrown in a timer", false},
		{"/microtask-throw", 200, "ok", "thrown in a microtask", false},
		{"/timer-spin", 200, "scheduled", "", false},
	}
	for _, c := range cases {
		t.Run(strings.TrimPrefix(c.path, "/"), func(t *testing.T) {
			before := w.Stats().LimitHits
			status, body := get(t, srv.URL+c.path)
			if status != c.status || !strings.Contains(body, c.body) {
				t.Errorf("got %d %q, want %d containing %q (console:\n%s)", status, body, c.status, c.body, log)
			}
			if c.fatalish && w.Stats().LimitHits == before {
				t.Errorf("limit hits did not grow")
			}
			if c.console != "" {
				deadline := time.Now().Add(2 * time.Second)
				for !strings.Contains(log.String(), c.console) && time.Now().Before(deadline) {
					time.Sleep(5 * time.Millisecond)
				}
				if !strings.Contains(log.String(), c.console) {
					t.Errorf("console does not mention %q:\n%s", c.console, log)
				}
			}
			if status, body := get(t, srv.URL+"/"); status != 200 || body != "ok" {
				t.Errorf("after %s: got %d %q, want 200 ok", c.path, status, body)
			}
		})
	}
	// The timer that spins is cut off by the CPU limit too, and the worker survives.
	deadline := time.Now().Add(3 * time.Second)
	for w.Stats().LimitHits < 3 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	if hits := w.Stats().LimitHits; hits < 3 {
		t.Errorf("got %d limit hits, want 3 (spin, spin-later, the spinning timer)", hits)
	}
	if status, body := get(t, srv.URL+"/"); status != 200 || body != "ok" {
		t.Errorf("at the end: got %d %q, want 200 ok", status, body)
	}
}

// A memory bomb stops at the heap limit; the process and the worker survive.
func TestMemoryBomb(t *testing.T) {
	w, log := newTestWorker(t, adversarial, Limits{CPU: 10 * time.Second, HeapBytes: 64 << 20})
	srv := httptest.NewServer(w)
	defer srv.Close()
	status, body := get(t, srv.URL+"/bomb")
	if status != 503 || !strings.Contains(body, "memory limit") {
		t.Errorf("got %d %q, want 503 memory limit (console:\n%s)", status, body, log)
	}
	if status, body := get(t, srv.URL+"/"); status != 200 || body != "ok" {
		t.Errorf("after the bomb: got %d %q, want 200 ok", status, body)
	}
}

func TestLoadErrors(t *testing.T) {
	cases := []struct{ name, src, want string }{
		{"syntax", "export default {\n  fetch(request) {\n    return new Response('x'\n  }\n};", "worker.js:3:25: SyntaxError"},
		{"throw", "const x = 1;\nthrow new Error('top-level boom');\nexport default {};", "top-level boom"},
		{"spin", "for (;;) {}\nexport default {};", "CPU time limit"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := New(Config{Name: "bad", MainModule: "worker.js", Modules: map[string]string{"worker.js": c.src}, Limits: Limits{StartupCPU: 100 * time.Millisecond}})
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("got %v, want an error containing %q", err, c.want)
			}
		})
	}
}

const hello = `export default { fetch() { return new Response("hello"); } };`

// A hello-world request crosses the cgo boundary at most a few times.
func TestHelloCrossings(t *testing.T) {
	w, _ := newTestWorker(t, hello, Limits{Isolates: 1})
	l := w.loops[0]
	rec := httptest.NewRecorder()
	w.ServeHTTP(rec, httptest.NewRequest("GET", "http://example.com/", nil))
	before := make(chan int64, 1)
	l.post(func(l *loop) { before <- l.iso.Crossings() })
	b := <-before
	rec = httptest.NewRecorder()
	w.ServeHTTP(rec, httptest.NewRequest("GET", "http://example.com/", nil))
	after := make(chan int64, 1)
	l.post(func(l *loop) { after <- l.iso.Crossings() })
	n := <-after - b
	if rec.Body.String() != "hello" {
		t.Fatalf("got %q, want hello", rec.Body.String())
	}
	if n > 5 {
		t.Errorf("got %d crossings for a hello-world request, want at most 5", n)
	}
	t.Logf("crossings per hello-world request: %d", n)
}

// 10,000 requests through one isolate leave the heap flat.
func TestSoakHeapFlat(t *testing.T) {
	w, _ := newTestWorker(t, `export default { async fetch(req) {
		const h = new Headers(req.headers); h.set("x-n", "1");
		return new Response(JSON.stringify({ u: req.url, n: [...h].length }), { headers: h });
	} };`, Limits{Isolates: 1})
	l := w.loops[0]
	heap := func() (int, int) {
		ch := make(chan [2]int, 1)
		l.post(func(l *loop) {
			l.iso.LowMemory()
			s := l.iso.HeapStats()
			ch <- [2]int{s.UsedHeap, s.GlobalHandles}
		})
		r := <-ch
		return r[0], r[1]
	}
	run := func(n int) {
		for i := 0; i < n; i++ {
			rec := httptest.NewRecorder()
			w.ServeHTTP(rec, httptest.NewRequest("GET", "http://example.com/x", nil))
			if rec.Code != 200 {
				t.Fatalf("request %d: status %d %s", i, rec.Code, rec.Body)
			}
		}
	}
	run(1000)
	h1, g1 := heap()
	run(9000)
	h2, g2 := heap()
	if h2 > h1+h1/5+(256<<10) {
		t.Errorf("heap grew from %d to %d bytes over 9,000 requests", h1, h2)
	}
	if g2 > g1 {
		t.Errorf("global handles grew from %d to %d bytes over 9,000 requests", g1, g2)
	}
	tracked := make(chan int, 1)
	l.post(func(l *loop) { tracked <- len(l.reqs) })
	if n := <-tracked; n != 0 {
		t.Errorf("%d requests still tracked", n)
	}
	t.Logf("heap after 1,000 requests %d B, after 10,000 %d B; global handles %d → %d B", h1, h2, g1, g2)
}

// getVia sends a GET through the worker in process.
func getVia(t testing.TB, w *Worker, path string) (int, string) {
	t.Helper()
	rec := httptest.NewRecorder()
	w.ServeHTTP(rec, httptest.NewRequest("GET", "http://example.com"+path, nil))
	return rec.Code, rec.Body.String()
}

// A client that goes away releases its request at once, even from a handler that
// never answers, and Close does not wait forever for such a handler.
func TestCancelAndForcedClose(t *testing.T) {
	w, _ := newTestWorker(t, `export default { async fetch(req) {
		if (req.url.endsWith("/never")) return new Promise(() => {});
		return new Response("ok");
	} };`, Limits{Isolates: 1, IdleTimeout: 50 * time.Millisecond})
	srv := httptest.NewServer(w)
	defer srv.Close()
	client := &http.Client{Timeout: 200 * time.Millisecond}
	if _, err := client.Get(srv.URL + "/never"); err == nil {
		t.Fatal("a handler that never answers answered")
	}
	deadline := time.Now().Add(3 * time.Second)
	for w.Stats().IsolatesEvicted == 0 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if w.Stats().IsolatesEvicted == 0 {
		t.Errorf("the abandoned request kept the isolate busy: %+v", w.Stats())
	}
	// A never-answering request in flight when Close runs out of time.
	go http.Get(srv.URL + "/never")
	time.Sleep(100 * time.Millisecond)
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	done := make(chan struct{})
	go func() { w.Close(ctx); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("Close hung on a request that never answers")
	}
}

// CPU time is limited per request across its JS entries: a request that burns 30 ms
// in each of several turns (awaiting between them) is stopped once the sum passes
// the 50 ms limit.
func TestCPULimitSumsEntries(t *testing.T) {
	w, log := newTestWorker(t, `
function burn(ms) { const end = Date.now() + ms; while (Date.now() < end) {} }
export default { async fetch(req) {
	for (let i = 0; i < 10; i++) { burn(30); await new Promise((r) => setTimeout(r, 1)); }
	return new Response("survived");
} };`, Limits{CPU: 50 * time.Millisecond, Isolates: 1})
	status, body := getVia(t, w, "/")
	if status != 503 || !strings.Contains(body, "CPU time limit (50 ms)") {
		t.Errorf("got %d %q, want 503 naming the 50 ms limit (console: %s)", status, body, log)
	}
}
