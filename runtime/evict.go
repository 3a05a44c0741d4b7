package runtime

import (
	"sync"
	"time"
)

// Idle isolates are evicted: those of a worker idle longer than its
// Limits.IdleTimeout, and, when more isolates are live than the process-wide limit,
// the least recently used idle ones. A worker left with none gets a new isolate on
// its next request (from a spare when one is ready).

var live struct {
	sync.Mutex
	loops   map[*loop]struct{}
	limit   int // 0: no limit
	janitor sync.Once
}

// SetIsolateLimit caps the number of live isolates in the process (0: no cap). Past
// the cap, the least recently used idle isolates are evicted.
func SetIsolateLimit(n int) {
	live.Lock()
	live.limit = n
	live.Unlock()
	enforceLimit()
}

// LiveIsolates counts the isolates serving workers in this process.
func LiveIsolates() int {
	live.Lock()
	defer live.Unlock()
	return len(live.loops)
}

func register(l *loop) {
	live.Lock()
	if live.loops == nil {
		live.loops = map[*loop]struct{}{}
	}
	live.loops[l] = struct{}{}
	live.Unlock()
	live.janitor.Do(func() { go janitor() })
	enforceLimit()
}

func unregister(l *loop) {
	live.Lock()
	delete(live.loops, l)
	live.Unlock()
}

func (l *loop) idle() bool { return l.pending.Load() == 0 && !l.dead.Load() && !l.evicting.Load() }

func evict(l *loop) {
	if l.evicting.Swap(true) {
		return
	}
	l.w.stats.evicted.Add(1)
	l.post(stopTask{})
}

func enforceLimit() {
	live.Lock()
	defer live.Unlock()
	for live.limit > 0 && len(live.loops) > live.limit {
		var lru *loop
		for l := range live.loops {
			if l.idle() && (lru == nil || l.lastUsed.Load() < lru.lastUsed.Load()) {
				lru = l
			}
		}
		if lru == nil {
			return // everything is busy; the cap is exceeded until requests finish
		}
		delete(live.loops, lru)
		evict(lru)
	}
}

func janitor() {
	for range time.Tick(time.Second) {
		now := time.Now().UnixNano()
		live.Lock()
		var stale []*loop
		for l := range live.loops {
			if t := l.w.cfg.Limits.IdleTimeout; t > 0 && l.idle() && now-l.lastUsed.Load() > int64(t) {
				stale = append(stale, l)
			}
		}
		live.Unlock()
		for _, l := range stale {
			evict(l)
		}
		enforceLimit()
	}
}
