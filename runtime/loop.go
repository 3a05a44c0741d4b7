package runtime

import (
	"errors"
	"fmt"
	"net/http"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/edged-dev/edged/runtime/op"
	"github.com/edged-dev/edged/runtime/v8"
)

// A loop owns one isolate: one goroutine with a mailbox of requests and op
// completions, and one timer for JS timers. Only the loop goroutine calls into its
// isolate; it is not locked to a thread (the glue takes v8::Locker per call), so a
// request handed over by channel runs on the same thread as its sender and no OS
// thread has to be woken. During each JS entry the goroutine is pinned to its
// thread so the CPU watchdog reads the right clock.
type loop struct {
	w      *Worker
	iso    *v8.Isolate
	mail   *mailbox
	reqs   map[int]*request // by request id, until the request is finished
	nextID int
	origin time.Time

	timer      *time.Timer
	timerArmed bool

	// gone: what ops left to close when the isolate is disposed of (OnIsolateGone).
	gone struct {
		sync.Mutex
		fns  map[uint64]func()
		next uint64
		ran  bool
	}

	clock    atomic.Int32 // CPU clock of the thread running the current JS entry
	watchdog *time.Timer
	epoch    atomic.Int64 // JS entry counter, so a late watchdog cannot hit the next task
	start    atomic.Int64 // thread CPU time at the current entry (ns)
	budget   atomic.Int64 // CPU budget of the current entry (ns)
	limitMS  atomic.Int64 // the limit the budget comes from, for the error text
	limitHit atomic.Value // string: which limit terminated the isolate

	active   atomic.Int32 // requests not yet answered (for the pool's choice)
	pending  atomic.Int32 // requests not yet finished (answered + waitUntil)
	dead     atomic.Bool
	stopped  chan struct{}
	stopping atomic.Bool // stop once the last request finishes
	charge   *request    // the request the current JS entry's CPU time is charged to
	assign   chan assignment
	lastUsed atomic.Int64 // unix ns of the last dispatch, for eviction
	evicting atomic.Bool
	// Memory accounting (evict.go): mem and registered are guarded by live's mutex;
	// sampledAt is when mem was last read (unix ns).
	mem        int64
	registered bool
	sampledAt  atomic.Int64
	heap       int // heap limit the isolate was made with
	batch      []*completion
}

type task interface{}

// completion settles an async op's promise.
type completion struct {
	pid   float64
	ok    bool
	kind  v8.Kind
	str   string
	bytes []byte
	num   float64
	// onDeliver runs on the loop just before the value reaches JS.
	onDeliver func()
}

type stopTask struct{}

// cancelTask drops a request whose client went away.
type cancelTask struct{ req *request }

// forceStopTask fails every request still open and stops the loop.
type forceStopTask struct{}

// pumpTask runs the foreground tasks V8 posted (WebAssembly compilation results...).
type pumpTask struct{}

// request is one HTTP request inside a loop.
type request struct {
	id   int
	r    *http.Request
	url  string
	done chan struct{} // closed when answered

	sched *scheduled           // set for a scheduled event instead of an HTTP request
	loop  atomic.Pointer[loop] // the loop it was routed to

	cpu      time.Duration // CPU time charged to the request so far
	bodyRead int64         // request body bytes delivered to JS
	bodyEOF  bool          // the request body is known to be fully read

	answered bool
	finished bool
	status   int
	header   [][2]string
	body     []byte
	errText  string
}

func (r *request) fail(status int, text string) {
	r.status = status
	r.header = [][2]string{{"content-type", "text/plain; charset=utf-8"}}
	r.body = []byte(text + "\n")
	r.errText = text
}

// assignment gives a bare loop its worker; a nil worker tells it to exit.
type assignment struct {
	w     *Worker
	ready chan<- error
}

// startLoop starts a loop goroutine that creates an isolate with the given heap
// limit and then waits for a worker (loop.assign). It returns once the isolate exists.
func startLoop(heapBytes int) (*loop, error) {
	l := &loop{
		mail:    newMailbox(),
		reqs:    make(map[int]*request),
		stopped: make(chan struct{}),
		assign:  make(chan assignment, 1),
		heap:    heapBytes,
	}
	created := make(chan error, 1)
	go l.main(created)
	if err := <-created; err != nil {
		return nil, err
	}
	return l, nil
}

func (l *loop) main(created chan<- error) {
	defer close(l.stopped)
	err := l.createIsolate()
	created <- err
	if err != nil {
		l.dead.Store(true)
		return
	}
	a := <-l.assign
	if a.w == nil {
		l.dead.Store(true)
		l.disposeIsolate()
		return
	}
	l.w = a.w
	err = l.load()
	if err == nil {
		l.sampleMemory() // before the loop is registered, so it counts from the start
	}
	a.ready <- err
	if err != nil {
		l.dead.Store(true)
		l.disposeIsolate()
		return
	}
	l.serve()
}

func (l *loop) createIsolate() error {
	eng, err := getEngine()
	if err != nil {
		return err
	}
	l.origin = time.Now()
	l.watchdog = time.AfterFunc(time.Hour, l.onWatchdog)
	l.watchdog.Stop()
	l.timer = time.NewTimer(time.Hour)
	l.timer.Stop()
	iso, err := v8.NewIsolate(eng.snap, v8.Options{
		HeapLimit: l.heap,
		Ops: func(iso *v8.Isolate, id int) {
			if id < 0 || id >= len(eng.ops) {
				iso.ReturnError("TypeError", fmt.Sprintf("edged: unknown op %d", id))
				return
			}
			eng.ops[id](l)
		},
		Resolve: func(spec, referrer string) (string, string, error) { return l.w.resolve(spec, referrer) },
		OnTask: func(delay float64) {
			if delay <= 0 {
				l.post(pumpTask{})
				return
			}
			time.AfterFunc(time.Duration(delay*float64(time.Second)), func() { l.post(pumpTask{}) })
		},
	})
	if err != nil {
		return err
	}
	l.iso = iso
	return nil
}

// load evaluates the worker's main module in the isolate.
func (l *loop) load() error {
	iso := l.iso
	l.limitMS.Store(l.w.cfg.Limits.StartupCPU.Milliseconds())
	l.enter(l.w.cfg.Limits.StartupCPU)
	load := iso.LoadModule
	if l.w.cfg.Script {
		load = iso.LoadScript
	}
	// The env first, so that module code can read it at its top level.
	iso.PushString(l.w.envJSON)
	err := iso.Call(hookPrepareEnv)
	if err == nil {
		err = load(l.w.cfg.MainModule, l.w.cfg.Modules[l.w.cfg.MainModule], l.w.envJSON)
	}
	l.leave()
	if err != nil {
		if errors.Is(err, v8.ErrTerminated) {
			return fmt.Errorf("%s: %s while loading the worker", l.w.cfg.MainModule, l.limitText())
		}
		return loadError(err)
	}
	return nil
}

// loadError formats a module load failure as file:line:col: message.
func loadError(err error) error {
	var je *v8.JSError
	if !errors.As(err, &je) {
		return err
	}
	msg := je.Message
	if je.Class != "" {
		msg = je.Class + ": " + msg
	}
	if je.Location != "" {
		return &LoadError{Location: je.Location, Message: msg, Stack: je.Stack}
	}
	return &LoadError{Message: msg, Stack: je.Stack}
}

// LoadError is a worker that failed to load: a syntax error or a throwing top level.
type LoadError struct {
	Location string // file:line:column
	Message  string
	Stack    string
}

func (e *LoadError) Error() string {
	if e.Location != "" {
		return e.Location + ": " + e.Message
	}
	return e.Message
}

func (l *loop) serve() {
	var batch []task
	for {
		if l.timerArmed {
			select {
			case <-l.mail.wake:
			case <-l.timer.C:
				l.timerArmed = false
				l.fireTimers()
			}
		} else {
			<-l.mail.wake
		}
		// Take everything queued: requests run one by one, op completions are
		// delivered together in one call.
		batch = l.mail.takeAll(batch[:0])
		for i, t := range batch {
			l.handle(t)
			batch[i] = nil
		}
		for len(l.batch) > 0 && !l.dead.Load() {
			l.flushCompletions()
		}
		if l.dead.Load() {
			l.shutdown()
			return
		}
	}
}

// mailbox is the loop's unbounded queue: posting never blocks, so ops may settle
// their promises from the loop goroutine itself.
type mailbox struct {
	mu     sync.Mutex
	q      []task
	closed bool
	wake   chan struct{} // capacity 1: "there is something in q"
}

func newMailbox() *mailbox { return &mailbox{wake: make(chan struct{}, 1)} }

// put queues t; it reports false when the loop has shut down.
func (m *mailbox) put(t task) bool {
	m.mu.Lock()
	if m.closed {
		m.mu.Unlock()
		return false
	}
	m.q = append(m.q, t)
	m.mu.Unlock()
	select {
	case m.wake <- struct{}{}:
	default:
	}
	return true
}

func (m *mailbox) takeAll(dst []task) []task {
	m.mu.Lock()
	dst = append(dst, m.q...)
	clear(m.q)
	m.q = m.q[:0]
	m.mu.Unlock()
	return dst
}

// close refuses further tasks and returns the ones still queued.
func (m *mailbox) close() []task {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.closed = true
	rest := m.q
	m.q = nil
	return rest
}

func (l *loop) handle(t task) {
	if l.dead.Load() {
		l.reject(t)
		return
	}
	switch t := t.(type) {
	case *request:
		l.dispatch(t)
	case *completion:
		l.batch = append(l.batch, t)
	case func(*loop):
		t(l)
	case cancelTask:
		req := t.req
		if l.reqs[req.id] == req {
			if !req.answered {
				req.fail(499, "client closed the request")
				l.answer(req)
			}
			// The request's signal aborts in JS: a handler waiting on it stops.
			l.enter(l.budgetFor(nil))
			l.iso.PushNumber(float64(req.id))
			err := l.iso.Call(hookAbortRequest)
			l.leave()
			l.finish(req)
			l.afterCall(err, nil)
		}
		// Otherwise it was answered already, or it moved to another loop (this one
		// died first), which answers it.
	case forceStopTask:
		for _, req := range l.reqs {
			if !req.answered {
				req.fail(503, "Service Unavailable: the worker is shutting down")
				l.answer(req)
			}
			l.finish(req)
		}
		l.dead.Store(true)
	case pumpTask:
		l.enter(l.budgetFor(nil))
		err := l.iso.Pump()
		l.leave()
		l.afterCall(err, nil)
	case stopTask:
		if len(l.reqs) == 0 {
			l.dead.Store(true)
		} else {
			// Finish what is running; stop when the last request finishes.
			l.stopping.Store(true)
		}
	}
}

func (l *loop) dispatch(req *request) {
	l.lastUsed.Store(time.Now().UnixNano())
	l.nextID++
	req.id = l.nextID
	l.reqs[req.id] = req
	iso := l.iso
	iso.ResetArgs()
	iso.PushNumber(float64(req.id))
	if req.sched != nil {
		iso.PushString(req.sched.cron)
		iso.PushNumber(float64(req.sched.at.UnixMilli()))
		l.enter(l.budgetFor(req))
		err := iso.Call(hookScheduled)
		l.leave()
		l.afterCall(err, req)
		return
	}
	iso.PushString(req.r.Method)
	iso.PushString(req.url)
	iso.PushString(packHeaders(req.r.Header))
	iso.PushBool(req.r.Body != nil && req.r.Body != http.NoBody)
	l.enter(l.budgetFor(req))
	err := iso.Call(hookFetch)
	l.leave()
	l.afterCall(err, req)
}

func (l *loop) flushCompletions() {
	if len(l.batch) == 0 || l.dead.Load() {
		l.batch = l.batch[:0]
		return
	}
	iso := l.iso
	iso.ResetArgs()
	for i, c := range l.batch {
		if c.onDeliver != nil {
			c.onDeliver()
		}
		iso.PushNumber(c.pid)
		iso.PushBool(c.ok)
		switch c.kind {
		case v8.String:
			iso.PushString(c.str)
		case v8.Bytes:
			iso.PushBytes(c.bytes)
		case v8.Number:
			iso.PushNumber(c.num)
		case v8.Null:
			iso.PushNull()
		case v8.True, v8.False:
			iso.PushBool(c.kind == v8.True)
		default:
			iso.PushUndefined()
		}
		l.batch[i] = nil
	}
	l.batch = l.batch[:0]
	l.enter(l.budgetFor(nil))
	err := iso.Call(hookResolveOps)
	l.leave()
	l.afterCall(err, nil)
}

func (l *loop) fireTimers() {
	l.iso.ResetArgs()
	l.iso.PushNumber(float64(time.Since(l.origin).Nanoseconds()) / 1e6)
	l.enter(l.budgetFor(nil))
	err := l.iso.Call(hookTimers)
	l.leave()
	l.afterCall(err, nil)
	l.checkStopped()
}

// afterCall handles a call's failure: a termination condemns the isolate; an
// exception escaping a hook (a bug on our side or a broken handler) fails req.
func (l *loop) afterCall(err error, req *request) {
	if l.iso.Panic != nil {
		l.w.console(levelError, fmt.Sprintf("edged: internal error in an op: %v", l.iso.Panic))
		l.condemn(500, "Internal Server Error")
		return
	}
	if err == nil {
		l.checkStopped()
		return
	}
	if errors.Is(err, v8.ErrTerminated) {
		l.condemn(503, l.limitText())
		return
	}
	l.w.console(levelError, "Uncaught "+err.Error())
	if req != nil && !req.answered {
		req.fail(500, "Internal Server Error")
		l.answer(req)
		l.finish(req)
	}
}

func (l *loop) limitText() string {
	if l.iso != nil && l.iso.OutOfMemory() {
		return fmt.Sprintf("Worker exceeded its memory limit (%d MB)", l.w.cfg.Limits.HeapBytes>>20)
	}
	if s, _ := l.limitHit.Load().(string); s != "" {
		return s
	}
	return "Worker was terminated"
}

// condemn fails every request of the isolate and stops the loop; the pool replaces it.
func (l *loop) condemn(status int, text string) {
	l.w.console(levelError, "edged: "+text+"; the isolate is discarded")
	l.w.stats.limitHits.Add(1)
	for _, req := range l.reqs {
		if !req.answered {
			req.fail(status, text)
			l.answer(req)
		}
		l.finish(req)
	}
	l.dead.Store(true)
}

func (l *loop) answer(req *request) {
	if req.answered {
		return
	}
	req.answered = true
	l.active.Add(-1)
	close(req.done)
}

func (l *loop) finish(req *request) {
	if req.finished {
		return
	}
	req.finished = true
	req.r = nil
	delete(l.reqs, req.id)
	l.pending.Add(-1)
	l.maybeSampleMemory()
}

func (l *loop) checkStopped() {
	if l.stopping.Load() && len(l.reqs) == 0 {
		l.dead.Store(true)
	}
}

// shutdown disposes of the isolate and hands queued work back to the worker.
func (l *loop) shutdown() {
	l.w.remove(l)
	unregister(l)
	l.watchdog.Stop()
	l.timer.Stop()
	l.disposeIsolate()
	for _, t := range l.mail.close() {
		l.reject(t)
	}
}

// disposeIsolate ends the isolate and what ops left open for it.
func (l *loop) disposeIsolate() {
	l.iso.Close()
	l.runGone()
	live.disposed.Store(true) // the janitor gives freed malloc memory back to the OS
}

// reject re-routes a request that reached a dead loop before it started.
func (l *loop) reject(t task) {
	if req, ok := t.(*request); ok {
		l.active.Add(-1)
		l.pending.Add(-1)
		go l.w.route(req)
	}
}

// post queues a task from any goroutine, the loop's own included. A request that
// reaches a loop that has shut down is routed again; anything else is dropped.
func (l *loop) post(t task) {
	if !l.mail.put(t) {
		l.reject(t)
	}
}

// complete queues an op completion (from any goroutine).
func (l *loop) complete(c *completion) { l.post(c) }

func (l *loop) armTimer(deadline float64) {
	if l.timerArmed && !l.timer.Stop() {
		select {
		case <-l.timer.C:
		default:
		}
	}
	l.timerArmed = false
	if deadline < 0 {
		return
	}
	d := time.Duration(deadline*1e6) - time.Since(l.origin)
	if d < 0 {
		d = 0
	}
	l.timer.Reset(d)
	l.timerArmed = true
}

// ---- CPU limit: the watchdog reads the loop thread's CPU clock ----

// enter pins the loop goroutine to its thread for one JS entry and arms the CPU
// watchdog on that thread's clock.
// budgetFor picks the CPU budget of the next JS entry and the request it is charged
// to: req, or, for entries not tied to one request (op completions, timers), the
// only request in flight when there is exactly one. A charged request gets what is
// left of its limit, so CPU time is limited per request across all its entries;
// with several requests interleaved, an unattributed entry gets the full limit.
func (l *loop) budgetFor(req *request) time.Duration {
	limit := l.w.cfg.Limits.CPU
	l.limitMS.Store(limit.Milliseconds())
	// Only when nothing else holds the isolate (an open WebSocket raises pending):
	// otherwise the entry may well be someone else's work.
	if req == nil && len(l.reqs) == 1 && l.pending.Load() == 1 {
		for _, r := range l.reqs {
			req = r
		}
	}
	l.charge = req
	if req == nil {
		return limit
	}
	if left := limit - req.cpu; left > 0 {
		return left
	}
	return time.Microsecond
}

func (l *loop) enter(budget time.Duration) {
	runtime.LockOSThread()
	c := currentThreadClock()
	l.clock.Store(int32(c))
	l.epoch.Add(1)
	l.start.Store(int64(c.now()))
	l.budget.Store(int64(budget))
	l.watchdog.Reset(budget)
}

func (l *loop) leave() {
	l.watchdog.Stop()
	used := time.Duration(int64(threadClock(l.clock.Load()).now()) - l.start.Load())
	if l.w != nil {
		l.w.stats.cpuNanos.Add(int64(used))
	}
	if l.charge != nil {
		l.charge.cpu += used
		l.charge = nil
	}
	l.epoch.Add(1)
	runtime.UnlockOSThread()
}

func (l *loop) onWatchdog() {
	epoch := l.epoch.Load()
	used := time.Duration(int64(threadClock(l.clock.Load()).now()) - l.start.Load())
	budget := time.Duration(l.budget.Load())
	if epoch%2 == 0 {
		return // the entry already ended
	}
	if used >= budget {
		if l.epoch.Load() == epoch {
			l.limitHit.Store(fmt.Sprintf("Worker exceeded its CPU time limit (%d ms)", l.limitMS.Load()))
			l.iso.Terminate()
		}
		return
	}
	l.watchdog.Reset(budget - used)
}

// ---- op.Call: every op call runs with the loop as its context ----

var _ op.Call = (*loop)(nil)

func (l *loop) NArgs() int                  { return l.iso.NArgs() }
func (l *loop) ArgKind(i int) v8.Kind       { return l.iso.ArgKind(i) }
func (l *loop) ArgNumber(i int) float64     { return l.iso.ArgNumber(i) }
func (l *loop) ArgInt(i int) int            { return l.iso.ArgInt(i) }
func (l *loop) ArgBool(i int) bool          { return l.iso.ArgBool(i) }
func (l *loop) ArgString(i int) string      { return l.iso.ArgString(i) }
func (l *loop) ArgView(i int) []byte        { return l.iso.ArgView(i) }
func (l *loop) ReturnNumber(f float64)      { l.iso.ReturnNumber(f) }
func (l *loop) ReturnBool(b bool)           { l.iso.ReturnBool(b) }
func (l *loop) ReturnNull()                 { l.iso.ReturnNull() }
func (l *loop) ReturnString(s string)       { l.iso.ReturnString(s) }
func (l *loop) ReturnBytes(b []byte)        { l.iso.ReturnBytes(b) }
func (l *loop) ReturnError(class, m string) { l.iso.ReturnError(class, m) }
func (l *loop) Worker() op.Worker           { return l.w }

// OnIsolateGone registers f to run when the loop shuts down (op.Call).
func (l *loop) OnIsolateGone(f func()) (cancel func()) {
	l.gone.Lock()
	if l.gone.ran {
		l.gone.Unlock()
		f()
		return func() {}
	}
	if l.gone.fns == nil {
		l.gone.fns = map[uint64]func(){}
	}
	l.gone.next++
	id := l.gone.next
	l.gone.fns[id] = f
	l.gone.Unlock()
	return func() {
		l.gone.Lock()
		delete(l.gone.fns, id)
		l.gone.Unlock()
	}
}

// runGone runs what ops registered with OnIsolateGone, once.
func (l *loop) runGone() {
	l.gone.Lock()
	fns := l.gone.fns
	l.gone.fns, l.gone.ran = nil, true
	l.gone.Unlock()
	for _, f := range fns {
		f()
	}
}

// Async returns the completer for the promise whose id is argument 0.
func (l *loop) Async() op.Completer { return &completer{l: l, pid: l.iso.ArgNumber(0)} }

type completer struct {
	l    *loop
	pid  float64
	done atomic.Bool
}

func (c *completer) Resolve(v op.Value) {
	if c.done.Swap(true) {
		return
	}
	c.l.post(&completion{pid: c.pid, ok: true, kind: v.Kind, str: v.Str, bytes: v.Bytes, num: v.Num})
}

func (c *completer) Reject(class, message string) {
	if c.done.Swap(true) {
		return
	}
	c.l.post(&completion{pid: c.pid, ok: false, kind: v8.String, str: class + "\x00" + message})
}

// packHeaders flattens headers as "name\0value\0..." with lower-cased names.
func packHeaders(h http.Header) string {
	var b strings.Builder
	n := 0
	for k, vs := range h {
		n += (len(k) + 2) * len(vs)
		for _, v := range vs {
			n += len(v)
		}
	}
	b.Grow(n)
	first := true
	for k, vs := range h {
		for _, v := range vs {
			if !first {
				b.WriteByte(0)
			}
			first = false
			for i := 0; i < len(k); i++ {
				c := k[i]
				if 'A' <= c && c <= 'Z' {
					c += 'a' - 'A'
				}
				b.WriteByte(c)
			}
			b.WriteByte(0)
			b.WriteString(v)
		}
	}
	return b.String()
}
