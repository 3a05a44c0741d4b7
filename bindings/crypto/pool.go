package crypto

import (
	"fmt"
	goruntime "runtime"
	"sync"
)

// Async crypto runs off the isolate's thread, so nothing in JS bounds how much of it
// a worker starts: a loop of un-awaited calls would otherwise make one goroutine,
// and one Go copy of the input, per call. The pool bounds each worker (each key of
// type op.Worker) to a few running jobs, queues the rest in order, and refuses new
// work once the inputs held for it pass a byte budget. A worker's entry exists only
// while it has work, so workers that come and go leave nothing behind.

type pool struct {
	maxRunning int   // jobs running at once per worker
	maxBytes   int64 // input bytes held per worker (running and queued)

	mu     sync.Mutex
	owners map[any]*ownerQueue
}

type ownerQueue struct {
	running int
	bytes   int64
	waiting []poolJob
}

type poolJob struct {
	run  func()
	size int64
}

var jobs = &pool{maxRunning: goruntime.GOMAXPROCS(0), maxBytes: 256 << 20}

// submit runs job on a goroutine now or after the owner's earlier jobs, or returns
// an error (and does not run it) when the owner holds too many input bytes.
func (p *pool) submit(owner any, size int64, run func()) error {
	p.mu.Lock()
	if p.owners == nil {
		p.owners = map[any]*ownerQueue{}
	}
	q := p.owners[owner]
	if q == nil {
		q = &ownerQueue{}
		p.owners[owner] = q
	}
	if q.bytes > 0 && q.bytes+size > p.maxBytes {
		held := q.bytes
		p.mu.Unlock()
		return newError("QuotaExceededError", "too much crypto work in flight: %s of input waiting, %s more asked for", mib(held), mib(size))
	}
	q.bytes += size
	job := poolJob{run, size}
	if q.running >= p.maxRunning {
		q.waiting = append(q.waiting, job)
		p.mu.Unlock()
		return nil
	}
	q.running++
	p.mu.Unlock()
	go p.work(owner, job)
	return nil
}

// work runs job, then the owner's queued jobs, one after another.
func (p *pool) work(owner any, job poolJob) {
	for {
		job.run()
		p.mu.Lock()
		q := p.owners[owner]
		q.bytes -= job.size
		if len(q.waiting) == 0 {
			q.running--
			if q.running == 0 {
				delete(p.owners, owner)
			}
			p.mu.Unlock()
			return
		}
		job = q.waiting[0]
		q.waiting[0] = poolJob{}
		q.waiting = q.waiting[1:]
		p.mu.Unlock()
	}
}

// pending reports the owners with work, for tests.
func (p *pool) pending() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.owners)
}

func mib(n int64) string { return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20)) }
