package runtime

import (
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// Idle isolates are evicted: those idle longer than their worker's
// Limits.IdleTimeout (or the process-wide SetIdleTimeout), and, when the live
// isolates hold more memory than the process-wide budget (SetIsolateMemory) or are
// more than the cap (SetIsolateLimit), the least recently used idle ones. A worker
// left with none gets a new isolate on its next request (from a spare when one is
// ready), so eviction costs that request a cold start, never a failure.
//
// An isolate's memory is what V8 reports for it — its committed heap
// (total_heap_size) plus its ArrayBuffer bytes — read on the isolate's own goroutine
// right after the worker's module is loaded, then at most once a second after a
// request finishes, and once more when the isolate has been idle for a while (V8's
// memory reducer shrinks an idle heap after some seconds). Requests never wait for
// it. The sum over live isolates is kept up to date under live's mutex.

var live struct {
	sync.Mutex
	loops  map[*loop]struct{}
	limit  int   // isolates; 0: no limit
	budget int64 // bytes; 0: no budget
	bytes  int64 // sum of the registered loops' mem
	idle   time.Duration

	janitor  sync.Once
	disposed atomic.Bool // an isolate was disposed since the last trim
}

// resample: an isolate idle this long has its memory read again once (V8's memory
// reducer gives back the garbage of its last requests after ~8 s of idleness).
const resampleIdle = 10 * time.Second

// SetIsolateLimit caps the number of live isolates in the process (0: no cap). Past
// the cap, the least recently used idle isolates are evicted.
func SetIsolateLimit(n int) {
	live.Lock()
	live.limit = n
	live.Unlock()
	enforceLimit()
}

// SetIsolateMemory sets the process-wide budget for the memory of live isolates, in
// bytes (0: none). Past it, the least recently used idle isolates are evicted. A
// budget smaller than the isolates busy at one time is exceeded until they finish.
func SetIsolateMemory(bytes int64) {
	live.Lock()
	live.budget = max(bytes, 0)
	live.Unlock()
	enforceLimit()
}

// SetIdleTimeout evicts an isolate that served nothing for d (0: never), for workers
// whose Limits.IdleTimeout is zero.
func SetIdleTimeout(d time.Duration) {
	live.Lock()
	live.idle = max(d, 0)
	live.Unlock()
	startJanitor()
}

// LiveIsolates counts the isolates serving workers in this process.
func LiveIsolates() int {
	live.Lock()
	defer live.Unlock()
	return len(live.loops)
}

// LiveIsolateBytes is the memory of the live isolates as last read (see
// SetIsolateMemory).
func LiveIsolateBytes() int64 {
	live.Lock()
	defer live.Unlock()
	return live.bytes
}

func startJanitor() { live.janitor.Do(func() { go janitor() }) }

func register(l *loop) {
	live.Lock()
	if live.loops == nil {
		live.loops = map[*loop]struct{}{}
	}
	live.loops[l] = struct{}{}
	l.registered = true
	live.bytes += l.mem
	live.Unlock()
	startJanitor()
	enforceLimit()
}

// unregister forgets l; the caller holds live's mutex.
func unregisterLocked(l *loop) {
	if !l.registered {
		return
	}
	delete(live.loops, l)
	l.registered = false
	live.bytes -= l.mem
}

func unregister(l *loop) {
	live.Lock()
	unregisterLocked(l)
	live.Unlock()
}

// sampleMemory reads the isolate's memory; it runs on the loop goroutine.
func (l *loop) sampleMemory() {
	s := l.iso.HeapStats()
	n := int64(s.TotalHeap) + int64(s.ArrayBuffers)
	l.sampledAt.Store(time.Now().UnixNano())
	live.Lock()
	if l.registered {
		live.bytes += n - l.mem
	}
	l.mem = n
	over := live.budget > 0 && live.bytes > live.budget
	live.Unlock()
	if over {
		go enforceLimit() // not on the loop: it may have to wait for live's mutex
	}
}

// memorySampleEvery bounds how often a busy isolate's memory is read.
const memorySampleEvery = int64(time.Second)

// maybeSampleMemory reads the memory again if the last reading is old; it runs on
// the loop goroutine when a request finishes.
func (l *loop) maybeSampleMemory() {
	if l.lastUsed.Load()-l.sampledAt.Load() > memorySampleEvery {
		l.sampleMemory()
	}
}

func (l *loop) idle() bool { return l.pending.Load() == 0 && !l.dead.Load() && !l.evicting.Load() }

func evict(l *loop) {
	if l.evicting.Swap(true) {
		return
	}
	l.w.stats.evicted.Add(1)
	l.post(stopTask{})
}

func overLocked() bool {
	return (live.limit > 0 && len(live.loops) > live.limit) || (live.budget > 0 && live.bytes > live.budget)
}

// enforceLimit evicts the least recently used idle isolates while the live ones are
// over the cap or the memory budget.
func enforceLimit() {
	live.Lock()
	defer live.Unlock()
	if !overLocked() {
		return
	}
	var idle []*loop
	for l := range live.loops {
		if l.idle() {
			idle = append(idle, l)
		}
	}
	slices.SortFunc(idle, func(a, b *loop) int {
		x, y := a.lastUsed.Load(), b.lastUsed.Load()
		switch {
		case x < y:
			return -1
		case x > y:
			return 1
		}
		return 0
	})
	for _, l := range idle {
		if !overLocked() {
			return
		}
		unregisterLocked(l)
		evict(l)
	}
	// What is left over is busy; the budget is exceeded until requests finish.
}

func janitor() {
	for range time.Tick(time.Second) {
		now := time.Now().UnixNano()
		live.Lock()
		var stale, resample []*loop
		for l := range live.loops {
			if !l.idle() {
				continue
			}
			t := l.w.cfg.Limits.IdleTimeout
			if t == 0 {
				t = live.idle
			}
			used := l.lastUsed.Load()
			if t > 0 && now-used > int64(t) {
				stale = append(stale, l)
			} else if now-used > int64(resampleIdle) && l.sampledAt.Load() < used+int64(resampleIdle) {
				resample = append(resample, l)
			}
		}
		for _, l := range stale {
			unregisterLocked(l)
		}
		live.Unlock()
		for _, l := range stale {
			evict(l)
		}
		for _, l := range resample {
			// Marked now, so a loop slow to take the task is not asked twice.
			l.sampledAt.Store(now)
			l.post(func(l *loop) { l.sampleMemory() })
		}
		enforceLimit()
		if live.disposed.Swap(false) {
			trimMalloc()
		}
	}
}
