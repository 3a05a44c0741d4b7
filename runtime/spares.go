package runtime

import (
	"sync"
	"time"
)

// Spare isolates: a few isolates made from the snapshot ahead of time, each with
// its loop goroutine waiting for a worker. Taking one leaves only the worker's own
// module to evaluate, which takes a new worker (or a pool that grows, or a worker
// whose isolate was evicted) from ~3 ms to well under one; a background goroutine
// makes the replacement off the request path.

// DefaultHeapBytes is the heap limit of isolates when a worker sets none; spares are
// made with it.
const DefaultHeapBytes = 128 << 20

var spares struct {
	sync.Mutex
	want    int // how many to keep ready
	ready   []*loop
	filling bool
}

func init() { spares.want = 1 }

// SetSpareIsolates sets how many pre-made isolates to keep ready (0 disables them).
func SetSpareIsolates(n int) {
	spares.Lock()
	spares.want = n
	extra := []*loop(nil)
	if len(spares.ready) > n {
		extra = append(extra, spares.ready[n:]...)
		spares.ready = spares.ready[:n]
	}
	spares.Unlock()
	for _, l := range extra {
		l.assign <- assignment{}
	}
}

// takeSpare returns a ready loop made with heap limit heapBytes, or nil. The caller
// calls refillSpares once its own isolate is ready.
func takeSpare(heapBytes int) *loop {
	spares.Lock()
	defer spares.Unlock()
	if heapBytes == DefaultHeapBytes && len(spares.ready) > 0 {
		l := spares.ready[len(spares.ready)-1]
		spares.ready = spares.ready[:len(spares.ready)-1]
		return l
	}
	return nil
}

// spareDelay: spares are made this long after the spawn that took one (or found
// none). Making one at once competed with the new isolate's first request for the
// CPUs and for the address-space lock (isolate creation maps and faults in a few MB):
// a process's first response came 2-5 ms later with it (traced, 5 starts each).
var spareDelay = 100 * time.Millisecond // guarded by spares' lock (tests change it)

// refillSpares makes missing spares in the background, spareDelay from now. It runs
// after a worker got its isolate, not while it waits: the two would share the CPUs.
func refillSpares() {
	spares.Lock()
	defer spares.Unlock()
	if !spares.filling && len(spares.ready) < spares.want {
		spares.filling = true
		time.AfterFunc(spareDelay, fillSpares)
	}
}

func fillSpares() {
	for {
		spares.Lock()
		if len(spares.ready) >= spares.want {
			spares.filling = false
			spares.Unlock()
			return
		}
		spares.Unlock()
		l, err := startLoop(DefaultHeapBytes)
		spares.Lock()
		if err != nil {
			spares.filling = false
			spares.Unlock()
			return
		}
		spares.ready = append(spares.ready, l)
		spares.Unlock()
	}
}
