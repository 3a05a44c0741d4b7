package compression

import (
	"sync"
	"sync/atomic"
	"time"
)

// The coders of open streams, by handle. A handle belongs to the worker that opened it
// (another worker's ops cannot touch it) and is freed when its stream closes, errors
// or is cancelled (op_compression_close). What an isolate leaves behind when it dies,
// or when JS drops a stream without finishing it, is freed by the sweeper once no op
// touched it for idleLimit: the op contract has no per-isolate close hook, and the JS
// half also frees streams the garbage collector reclaims (FinalizationRegistry).

var (
	idleLimit  = 10 * time.Minute
	sweepEvery = time.Minute
	sweepOnce  sync.Once
)

type entry struct {
	mu     sync.Mutex // held while an op uses the coder
	owner  any
	coder  Coder
	used   atomic.Int64 // UnixNano of the last op
	closed bool
}

type handleTable struct {
	mu   sync.Mutex
	next int
	m    map[int]*entry
}

var table = handleTable{m: map[int]*entry{}}

// open stores a coder and returns its handle.
func (t *handleTable) open(owner any, c Coder) int {
	sweepOnce.Do(func() { go sweeper() })
	e := &entry{owner: owner, coder: c}
	e.used.Store(time.Now().UnixNano())
	t.mu.Lock()
	t.next++
	id := t.next
	t.m[id] = e
	t.mu.Unlock()
	return id
}

// use runs fn with the coder of handle id, locked; false when the handle is not
// open or belongs to another owner.
func (t *handleTable) use(id int, owner any, fn func(Coder)) bool {
	t.mu.Lock()
	e := t.m[id]
	t.mu.Unlock()
	if e == nil || e.owner != owner {
		return false
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.closed {
		return false
	}
	e.used.Store(time.Now().UnixNano())
	fn(e.coder)
	return true
}

// close frees handle id; closing a handle that is not open does nothing.
func (t *handleTable) close(id int, owner any) {
	t.mu.Lock()
	e := t.m[id]
	if e == nil || e.owner != owner {
		t.mu.Unlock()
		return
	}
	delete(t.m, id)
	t.mu.Unlock()
	e.release()
}

func (e *entry) release() {
	e.mu.Lock()
	defer e.mu.Unlock()
	if !e.closed {
		e.closed = true
		e.coder.Close()
		e.coder = nil
	}
}

// count returns how many handles are open (for tests).
func (t *handleTable) count() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return len(t.m)
}

// sweep frees the handles idle since before cutoff; it returns how many.
func (t *handleTable) sweep(cutoff time.Time) int {
	var victims []*entry
	t.mu.Lock()
	for id, e := range t.m {
		if e.used.Load() < cutoff.UnixNano() {
			delete(t.m, id)
			victims = append(victims, e)
		}
	}
	t.mu.Unlock()
	for _, e := range victims {
		e.release() // waits for an op in progress, if any
	}
	return len(victims)
}

func sweeper() {
	for range time.Tick(sweepEvery) {
		table.sweep(time.Now().Add(-idleLimit))
	}
}
