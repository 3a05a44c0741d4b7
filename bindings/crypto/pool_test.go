package crypto

import (
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestPoolBoundsEachOwner(t *testing.T) {
	p := &pool{maxRunning: 2, maxBytes: 1000}
	var running, peak atomic.Int32
	var order []int
	var mu sync.Mutex
	release := make(chan struct{})
	var wg sync.WaitGroup
	job := func(owner string, i int) func() {
		return func() {
			defer wg.Done()
			n := running.Add(1)
			for {
				old := peak.Load()
				if n <= old || peak.CompareAndSwap(old, n) {
					break
				}
			}
			if owner == "a" {
				mu.Lock()
				order = append(order, i)
				mu.Unlock()
			}
			<-release
			running.Add(-1)
		}
	}
	for i := range 6 {
		wg.Add(1)
		if err := p.submit("a", 10, job("a", i)); err != nil {
			t.Fatal(err)
		}
	}
	wg.Add(1)
	if err := p.submit("b", 10, job("b", 0)); err != nil {
		t.Fatal(err)
	}
	// a runs 2 of its 6 jobs; b runs its one beside them.
	deadline := time.Now().Add(5 * time.Second)
	for running.Load() < 3 && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	if got := running.Load(); got != 3 {
		t.Fatalf("got %d jobs running, want 3 (2 of a's, b's)", got)
	}
	close(release)
	wg.Wait()
	if peak.Load() != 3 {
		t.Errorf("got a peak of %d jobs running, want 3", peak.Load())
	}
	mu.Lock()
	if len(order) != 6 {
		t.Errorf("a's jobs ran: %v", order)
	}
	mu.Unlock()
	for deadline := time.Now().Add(5 * time.Second); p.pending() != 0 && time.Now().Before(deadline); {
		time.Sleep(time.Millisecond)
	}
	if p.pending() != 0 {
		t.Errorf("%d owners left in the pool after their work", p.pending())
	}
}

// With one job running at a time, queued jobs run in the order submitted.
func TestPoolOrder(t *testing.T) {
	p := &pool{maxRunning: 1, maxBytes: 1000}
	var order []int
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Add(1)
		if err := p.submit("a", 1, func() { order = append(order, i); wg.Done() }); err != nil {
			t.Fatal(err)
		}
	}
	wg.Wait()
	for i, v := range order {
		if v != i {
			t.Fatalf("jobs ran in the order %v", order)
		}
	}
}

func TestPoolByteBudget(t *testing.T) {
	p := &pool{maxRunning: 1, maxBytes: 100}
	block := make(chan struct{})
	done := make(chan struct{})
	// One job larger than the budget is taken when nothing else is held.
	if err := p.submit("a", 150, func() { <-block; close(done) }); err != nil {
		t.Fatalf("a lone large job: %v", err)
	}
	err := p.submit("a", 1, func() {})
	wantError(t, "over the budget", err, "QuotaExceededError")
	if err := p.submit("b", 50, func() {}); err != nil {
		t.Errorf("another owner is refused: %v", err)
	}
	close(block)
	<-done
	for deadline := time.Now().Add(5 * time.Second); p.pending() != 0 && time.Now().Before(deadline); {
		time.Sleep(time.Millisecond)
	}
	ran := make(chan struct{})
	if err := p.submit("a", 60, func() { close(ran) }); err != nil {
		t.Fatalf("after the work finished: %v", err)
	}
	<-ran
}
