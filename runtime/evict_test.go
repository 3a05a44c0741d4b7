package runtime

import (
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"
)

func TestIdleEvictionAndComeBack(t *testing.T) {
	w, _ := newTestWorker(t, hello, Limits{Isolates: 1, IdleTimeout: 50 * time.Millisecond})
	if _, body := getVia(t, w, "/"); body != "hello" {
		t.Fatalf("got %q", body)
	}
	deadline := time.Now().Add(5 * time.Second)
	for w.Stats().Isolates > 0 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if s := w.Stats(); s.Isolates != 0 || s.IsolatesEvicted == 0 {
		t.Fatalf("got %+v, want the idle isolate evicted", s)
	}
	if _, body := getVia(t, w, "/"); body != "hello" {
		t.Fatalf("after eviction: got %q, want hello", body)
	}
	if s := w.Stats(); s.IsolatesCreated != 2 {
		t.Errorf("got %d isolates created, want 2", s.IsolatesCreated)
	}
}

func TestIsolateLimitEvictsLRU(t *testing.T) {
	SetIsolateLimit(0)
	defer SetIsolateLimit(0)
	a, _ := newTestWorker(t, hello, Limits{Isolates: 1})
	b, _ := newTestWorker(t, hello, Limits{Isolates: 1})
	getVia(t, a, "/")
	time.Sleep(2 * time.Millisecond)
	getVia(t, b, "/") // a is now the least recently used
	quiesce(t, a)
	quiesce(t, b)
	live.Lock()
	var others []string
	for l := range live.loops {
		if l.w != a && l.w != b {
			others = append(others, l.w.cfg.Name)
		}
	}
	live.Unlock()
	if len(others) > 0 {
		t.Fatalf("isolates of other workers are still live: %v", others)
	}
	SetIsolateLimit(1)
	deadline := time.Now().Add(5 * time.Second)
	for a.Stats().Isolates > 0 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if a.Stats().Isolates != 0 || b.Stats().Isolates != 1 {
		t.Fatalf("got a=%+v b=%+v, want a's isolate evicted and b's kept", a.Stats(), b.Stats())
	}
	SetIsolateLimit(0)
	if _, body := getVia(t, a, "/"); body != "hello" {
		t.Fatalf("a after eviction: got %q", body)
	}
}

// onlyThese fails the test if isolates of workers other than ws are live (a test
// that counts the process's isolates needs the others gone).
func onlyThese(t *testing.T, ws ...*Worker) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		live.Lock()
		var others []string
		for l := range live.loops {
			if !slices.Contains(ws, l.w) {
				others = append(others, l.w.cfg.Name)
			}
		}
		live.Unlock()
		if len(others) == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("isolates of other workers are still live: %v", others)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("after 5 s: %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// Each isolate's memory is read when its worker loads, counted while it lives and
// dropped when it goes.
func TestIsolateMemoryAccounting(t *testing.T) {
	SetIsolateMemory(0)
	a, _ := newTestWorker(t, hello, Limits{Isolates: 1})
	getVia(t, a, "/")
	quiesce(t, a)
	onlyThese(t, a)
	s := a.Stats()
	// A hello-world isolate: a couple of MB of committed V8 heap.
	if s.IsolateBytes < 1<<20 || s.IsolateBytes > 32<<20 {
		t.Fatalf("got %d bytes for one hello-world isolate, want a few MB", s.IsolateBytes)
	}
	if got := LiveIsolateBytes(); got != s.IsolateBytes {
		t.Fatalf("LiveIsolateBytes = %d, the worker's isolate %d", got, s.IsolateBytes)
	}
	// A request that keeps a large array grows the reading (taken at most once a
	// second after a request finishes).
	big, _ := newTestWorker(t, `const keep = [];
export default { fetch() { keep.push(new Array(1 << 20).fill(1.5)); return new Response("kept"); } };`, Limits{Isolates: 1})
	before := big.Stats().IsolateBytes
	time.Sleep(1100 * time.Millisecond)
	if _, body := getVia(t, big, "/"); body != "kept" {
		t.Fatalf("got %q", body)
	}
	waitFor(t, "the heap growth was not read", func() bool { return big.Stats().IsolateBytes > before+4<<20 })
	big.Close(t.Context())
	a.Close(t.Context())
	waitFor(t, "closed workers still count", func() bool { return LiveIsolateBytes() == 0 })
}

// Past the memory budget the least recently used idle isolate goes; the others stay,
// and the evicted worker's next request is served by a new isolate.
func TestIsolateMemoryBudgetEvictsLRU(t *testing.T) {
	SetIsolateMemory(0)
	defer SetIsolateMemory(0)
	a, _ := newTestWorker(t, hello, Limits{Isolates: 1})
	b, _ := newTestWorker(t, hello, Limits{Isolates: 1})
	c, _ := newTestWorker(t, hello, Limits{Isolates: 1})
	getVia(t, a, "/")
	time.Sleep(2 * time.Millisecond)
	getVia(t, b, "/")
	time.Sleep(2 * time.Millisecond)
	getVia(t, c, "/") // a is the least recently used, then b
	for _, w := range []*Worker{a, b, c} {
		quiesce(t, w)
	}
	onlyThese(t, a, b, c)
	// Room for two of the three.
	SetIsolateMemory(b.Stats().IsolateBytes + c.Stats().IsolateBytes)
	waitFor(t, "a's isolate was not evicted", func() bool { return a.Stats().Isolates == 0 })
	if b.Stats().Isolates != 1 || c.Stats().Isolates != 1 {
		t.Fatalf("got b=%+v c=%+v, want b's and c's isolates kept", b.Stats(), c.Stats())
	}
	if s := a.Stats(); s.IsolatesEvicted != 1 || s.IsolateBytes != 0 {
		t.Fatalf("a: got %+v", s)
	}
	// a comes back (from a spare or the snapshot); now b is the least recently used.
	if _, body := getVia(t, a, "/"); body != "hello" {
		t.Fatalf("a after eviction: got %q", body)
	}
	waitFor(t, "b's isolate was not evicted in turn", func() bool { return b.Stats().Isolates == 0 })
	if a.Stats().Isolates != 1 || c.Stats().Isolates != 1 {
		t.Fatalf("got a=%+v c=%+v, want a's and c's isolates kept", a.Stats(), c.Stats())
	}
}

// A budget smaller than one isolate still serves every request: an isolate made for
// a request is not evicted before the request reaches it.
func TestTinyMemoryBudgetStillServes(t *testing.T) {
	SetIsolateMemory(1)
	defer SetIsolateMemory(0)
	w, _ := newTestWorker(t, hello, Limits{Isolates: 1})
	for i := 0; i < 20; i++ {
		if code, body := getVia(t, w, "/"); code != 200 || body != "hello" {
			t.Fatalf("request %d: got %d %q", i, code, body)
		}
	}
	if s := w.Stats(); s.IsolatesEvicted == 0 {
		t.Fatalf("got %+v, want isolates evicted under a 1-byte budget", s)
	}
}

// Concurrent requests to a worker whose isolate was evicted all wait for the one
// isolate being made (none is routed to nothing), and all succeed.
func TestConcurrentRequestsAfterEviction(t *testing.T) {
	w, _ := newTestWorker(t, hello, Limits{Isolates: 2, IdleTimeout: 50 * time.Millisecond})
	for round := 0; round < 3; round++ {
		waitFor(t, "the idle isolates were not evicted", func() bool { return w.Stats().Isolates == 0 })
		var wg sync.WaitGroup
		errs := make(chan string, 16)
		for i := 0; i < 16; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if code, body := getVia(t, w, "/"); code != 200 || body != "hello" {
					errs <- fmt.Sprintf("%d %q", code, body)
				}
			}()
		}
		wg.Wait()
		close(errs)
		for e := range errs {
			t.Errorf("round %d: got %s", round, e)
		}
	}
}

// The process-wide idle timeout applies to workers that set none.
func TestProcessIdleTimeout(t *testing.T) {
	SetIdleTimeout(100 * time.Millisecond)
	defer SetIdleTimeout(0)
	w, _ := newTestWorker(t, hello, Limits{Isolates: 1})
	getVia(t, w, "/")
	waitFor(t, "the idle isolate was not evicted", func() bool { return w.Stats().Isolates == 0 })
	if _, body := getVia(t, w, "/"); body != "hello" {
		t.Fatalf("after eviction: got %q", body)
	}
}
