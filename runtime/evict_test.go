package runtime

import (
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
