// Package runtime runs workers: a bundle of ES modules plus its configuration, served
// by a pool of V8 isolates, each owned by one goroutine locked to its OS thread.
package runtime

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path"
	"regexp"
	goruntime "runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/evanw/esbuild/pkg/api"
)

// Limits bound what one worker may use.
type Limits struct {
	CPU        time.Duration // CPU time per JS entry of a request (default 50 ms)
	StartupCPU time.Duration // CPU time to evaluate the module (default 1 s)
	HeapBytes  int           // per isolate, V8 heap plus ArrayBuffers (default 128 MB)
	Isolates   int           // isolates in the pool (default GOMAXPROCS)
	// IdleTimeout evicts an isolate that served nothing for this long (0: never).
	IdleTimeout time.Duration
}

// Console receives the worker's console output: level 0 debug, 1 log, 2 warn, 3 error.
type Console func(worker string, level int, text string)

const (
	levelDebug = 0
	levelLog   = 1
	levelWarn  = 2
	levelError = 3
)

// Config is what a worker is made of.
type Config struct {
	Name       string
	MainModule string            // the entry module's name, a key of Modules
	Modules    map[string]string // module name → source
	// Script runs the main module as a classic script (service-worker format:
	// addEventListener("fetch", ...)) instead of an ES module.
	Script bool
	Env    map[string]any // env vars, JSON-encodable
	// Bindings are the backends ops reach by binding name (op.Worker.Binding).
	Bindings map[string]any
	Limits   Limits
	Console  Console // default: stderr
	// NodeCompat is the worker's nodejs_compat (NodeCompatFor its compat flags).
	NodeCompat NodeCompat
}

// Worker serves HTTP requests with a pool of isolates that all run the same bundle.
type Worker struct {
	cfg     Config
	envJSON string

	mu      sync.Mutex
	loops   []*loop
	closed  bool
	growing bool          // an isolate is being added to the pool
	grown   chan struct{} // closed when it has been (or failed to be)

	stats struct {
		requests  atomic.Int64
		isolates  atomic.Int64
		limitHits atomic.Int64
		evicted   atomic.Int64
		cpuNanos  atomic.Int64
	}
}

// New loads a worker: it creates the first isolate and evaluates the main module, so
// a worker that cannot load fails here, with file:line in a *LoadError.
func New(cfg Config) (*Worker, error) {
	if cfg.Name == "" {
		cfg.Name = "worker"
	}
	if _, ok := cfg.Modules[cfg.MainModule]; !ok {
		return nil, fmt.Errorf("runtime: main module %q is not among the worker's modules", cfg.MainModule)
	}
	if cfg.Limits.CPU <= 0 {
		cfg.Limits.CPU = 50 * time.Millisecond
	}
	if cfg.Limits.StartupCPU <= 0 {
		cfg.Limits.StartupCPU = time.Second
	}
	if cfg.Limits.HeapBytes <= 0 {
		cfg.Limits.HeapBytes = DefaultHeapBytes
	}
	if cfg.Limits.Isolates <= 0 {
		cfg.Limits.Isolates = goruntime.GOMAXPROCS(0)
	}
	if cfg.Console == nil {
		cfg.Console = StderrConsole
	}
	env := cfg.Env
	if env == nil {
		env = map[string]any{}
	}
	b, err := json.Marshal(env)
	if err != nil {
		return nil, fmt.Errorf("runtime: env of %s: %w", cfg.Name, err)
	}
	if cfg.NodeCompat.V2 && !cfg.Script {
		mods := make(map[string]string, len(cfg.Modules))
		for k, v := range cfg.Modules {
			mods[k] = v
		}
		mods[cfg.MainModule] = withNodeGlobals(mods[cfg.MainModule])
		cfg.Modules = mods
	}
	w := &Worker{cfg: cfg, envJSON: string(b)}
	if _, err := w.spawn(); err != nil {
		return nil, err
	}
	return w, nil
}

// StderrConsole writes console output to standard error, one line per call.
func StderrConsole(worker string, level int, text string) {
	prefix := ""
	switch level {
	case levelWarn:
		prefix = "warn: "
	case levelError:
		prefix = "error: "
	case levelDebug:
		prefix = "debug: "
	}
	fmt.Fprintf(os.Stderr, "[%s] %s%s\n", worker, prefix, text)
}

func (w *Worker) console(level int, text string) { w.cfg.Console(w.cfg.Name, level, text) }

// Name, Binding and Log make a Worker an op.Worker.
func (w *Worker) Name() string               { return w.cfg.Name }
func (w *Worker) Binding(name string) any    { return w.cfg.Bindings[name] }
func (w *Worker) Log(level int, text string) { w.console(level, text) }

// spawn starts a loop (from a pre-made spare when one fits) and waits until its
// isolate has loaded the worker. spawnFor(true) does it for a request: the loop
// comes back with the request counted in (active, pending) before it is registered,
// so the memory budget cannot evict it before the request reaches it.
func (w *Worker) spawn() (*loop, error) { return w.spawnFor(false) }

func (w *Worker) spawnFor(reserve bool) (*loop, error) {
	l := takeSpare(w.cfg.Limits.HeapBytes)
	if l == nil {
		var err error
		if l, err = startLoop(w.cfg.Limits.HeapBytes); err != nil {
			return nil, err
		}
	}
	ready := make(chan error, 1)
	l.assign <- assignment{w: w, ready: ready}
	err := <-ready
	refillSpares()
	if err != nil {
		return nil, err
	}
	w.stats.isolates.Add(1)
	if reserve {
		l.active.Add(1)
		l.pending.Add(1)
	}
	l.lastUsed.Store(time.Now().UnixNano())
	w.mu.Lock()
	if w.closed {
		w.mu.Unlock()
		l.post(stopTask{})
		return nil, errors.New("runtime: worker closed")
	}
	w.loops = append(w.loops, l)
	w.mu.Unlock()
	register(l)
	return l, nil
}

// startGrowing claims the right to add an isolate to the pool; the caller holds
// w.mu. Others wait on w.grown until endGrowing.
func (w *Worker) startGrowing() {
	w.growing = true
	w.grown = make(chan struct{})
}

func (w *Worker) endGrowing() {
	w.mu.Lock()
	w.growing = false
	close(w.grown)
	w.grown = nil
	w.mu.Unlock()
}

// Warm starts an isolate for the worker in the background if it has none, so that a
// request about to arrive (the TLS handshake for its host is under way) finds it ready.
func (w *Worker) Warm() {
	w.mu.Lock()
	start := !w.closed && !w.growing && w.usableLocked() == 0
	if start {
		w.startGrowing()
	}
	w.mu.Unlock()
	if start {
		go func() {
			if _, err := w.spawn(); err != nil {
				w.console(levelError, "edged: warming an isolate: "+err.Error())
			}
			w.endGrowing()
		}()
	}
}

func (w *Worker) remove(l *loop) {
	w.mu.Lock()
	defer w.mu.Unlock()
	for i, x := range w.loops {
		if x == l {
			w.loops = append(w.loops[:i], w.loops[i+1:]...)
			return
		}
	}
}

// usable tells whether a request may be routed to l (not dying, not being evicted).
func usable(l *loop) bool { return !l.dead.Load() && !l.stopping.Load() && !l.evicting.Load() }

func (w *Worker) usableLocked() int {
	n := 0
	for _, l := range w.loops {
		if usable(l) {
			n++
		}
	}
	return n
}

// pick returns the loop with the fewest unanswered requests, with the request
// counted in (active, pending), growing the pool in the background when every
// isolate is busy. A worker with no usable isolate (none loaded yet, or all
// evicted) makes one and waits for it, or waits for the one being made.
func (w *Worker) pick() (*loop, error) {
	for {
		w.mu.Lock()
		if w.closed {
			w.mu.Unlock()
			return nil, errors.New("worker is shutting down")
		}
		var best *loop
		n := 0
		for _, l := range w.loops {
			if !usable(l) {
				continue
			}
			n++
			if best == nil || l.active.Load() < best.active.Load() {
				best = l
			}
		}
		grow := !w.growing && n < w.cfg.Limits.Isolates && (best == nil || best.active.Load() > 0)
		if grow {
			w.startGrowing()
		}
		wait := w.grown
		if best != nil {
			best.active.Add(1)
			best.pending.Add(1)
		}
		w.mu.Unlock()
		switch {
		case grow && best == nil:
			l, err := w.spawnFor(true)
			w.endGrowing()
			return l, err
		case grow:
			go func() {
				if _, err := w.spawn(); err != nil {
					w.console(levelError, "edged: starting an isolate: "+err.Error())
				}
				w.endGrowing()
			}()
		}
		if best != nil {
			return best, nil
		}
		<-wait // another request (or Warm) is making the pool's isolate
	}
}

// route hands req to a loop.
func (w *Worker) route(req *request) {
	l, err := w.pick()
	if err != nil {
		req.fail(503, "Service Unavailable: "+err.Error())
		close(req.done)
		return
	}
	req.loop.Store(l)
	l.post(req)
}

// ServeHTTP runs the worker's fetch handler for r.
func (w *Worker) ServeHTTP(rw http.ResponseWriter, r *http.Request) {
	w.stats.requests.Add(1)
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	req := &request{r: r, url: scheme + "://" + r.Host + r.URL.RequestURI(), done: make(chan struct{})}
	w.route(req)
	select {
	case <-req.done:
	case <-r.Context().Done():
		// The client went away: the request is dropped from the isolate's books at
		// once (what the handler still does for it is ignored), so an abandoned
		// request never keeps an isolate busy or unevictable.
		if l := req.loop.Load(); l != nil {
			l.post(cancelTask{req})
		}
		<-req.done
		dropStream(req) // a streamed body started as the client left (ops_stream.go)
		return
	}
	if req.status == http.StatusSwitchingProtocols {
		serveWebSocket(rw, r, req) // a WebSocketPair's client end (ops_websocket.go)
		return
	}
	h := rw.Header()
	for _, kv := range req.header {
		h[http.CanonicalHeaderKey(kv[0])] = append(h[http.CanonicalHeaderKey(kv[0])], kv[1])
	}
	status := req.status
	if status < 100 || status > 999 {
		status = 500
	}
	if s := takeStream(req); s != nil {
		s.serve(rw, r, status) // a streamed body (ops_stream.go)
		return
	}
	if bodyAllowed(r.Method, status) {
		h.Set("Content-Length", strconv.Itoa(len(req.body)))
	}
	rw.WriteHeader(status)
	if bodyAllowed(r.Method, status) && r.Method != http.MethodHead {
		rw.Write(req.body)
	}
}

func bodyAllowed(method string, status int) bool {
	return !(status == 204 || status == 304 || (status >= 100 && status < 200))
}

// Close stops the worker: in-flight requests and their waitUntil work finish first,
// up to ctx's deadline, then the isolates are disposed of.
func (w *Worker) Close(ctx context.Context) error {
	w.mu.Lock()
	w.closed = true
	loops := append([]*loop(nil), w.loops...)
	w.mu.Unlock()
	for _, l := range loops {
		l.post(stopTask{})
	}
	for _, l := range loops {
		select {
		case <-l.stopped:
		case <-ctx.Done():
			// Out of patience: stop whatever runs and fail what is left.
			l.post(forceStopTask{})
			l.iso.Terminate()
			<-l.stopped
		}
	}
	return ctx.Err()
}

// Stats are counters for metrics and tests.
type Stats struct {
	Requests        int64         // HTTP requests received
	IsolatesCreated int64         // isolates that loaded the worker
	IsolatesEvicted int64         // isolates stopped while idle
	LimitHits       int64         // isolates discarded by a limit
	CPU             time.Duration // CPU time spent in JS, all isolates
	Isolates        int           // isolates live now
	IsolateBytes    int64         // their memory as last read (see SetIsolateMemory)
}

// Stats reads the worker's counters.
func (w *Worker) Stats() Stats {
	w.mu.Lock()
	n := len(w.loops)
	var mem int64
	live.Lock()
	for _, l := range w.loops {
		if l.registered {
			mem += l.mem
		}
	}
	live.Unlock()
	w.mu.Unlock()
	return Stats{
		Requests:        w.stats.requests.Load(),
		IsolatesCreated: w.stats.isolates.Load(),
		IsolatesEvicted: w.stats.evicted.Load(),
		LimitHits:       w.stats.limitHits.Load(),
		CPU:             time.Duration(w.stats.cpuNanos.Load()),
		Isolates:        n,
		IsolateBytes:    mem,
	}
}

// resolve maps an import to a module of the bundle.
func (w *Worker) resolve(spec, referrer string) (string, string, error) {
	name := spec
	if strings.HasPrefix(spec, "./") || strings.HasPrefix(spec, "../") || strings.HasPrefix(spec, "/") {
		name = path.Join(path.Dir(referrer), spec)
		if strings.HasPrefix(spec, "/") {
			name = strings.TrimPrefix(path.Clean(spec), "/")
		}
	}
	if src, ok := w.cfg.Modules[name]; ok {
		return name, src, nil
	}
	if src, ok := builtinModules[spec]; ok {
		return spec, src, nil
	}
	if name, src, ok, err := w.resolveNode(spec, referrer); ok { // every node: specifier
		return name, src, err
	}
	if strings.HasPrefix(spec, "cloudflare:") {
		return "", "", fmt.Errorf("not implemented: module %q (imported from %s) is not provided by edged yet", spec, referrer)
	}
	return "", "", fmt.Errorf("Cannot find module '%s' imported from %s", spec, referrer)
}

// LoadFile reads a single-file module worker from disk into a Config.
func LoadFile(file string) (Config, error) {
	b, err := os.ReadFile(file)
	if err != nil {
		return Config{}, err
	}
	name := path.Base(file)
	src := string(b)
	return Config{
		Name:       strings.TrimSuffix(name, path.Ext(name)),
		MainModule: name,
		Modules:    map[string]string{name: src},
		// A file with no import or export statement is a service worker script.
		Script: !isESModule(name, src),
	}, nil
}

// lineExport matches the common shape of a module: a line starting with export.
var lineExport = regexp.MustCompile(`(?m)^\s*export\s`)

// isESModule reports whether src uses ES module syntax (an import or export
// statement anywhere, minified on one line included), as esbuild's parser sees it.
// Source it cannot parse counts as a module, so that V8 reports the error. The
// parser (a few ms at start-up) runs only when a quick look cannot tell.
func isESModule(name, src string) bool {
	if lineExport.MatchString(src) {
		return true
	}
	if !strings.Contains(src, "import") && !strings.Contains(src, "export") {
		return false
	}
	r := api.Build(api.BuildOptions{
		Stdin:    &api.StdinOptions{Contents: src, Sourcefile: name, Loader: api.LoaderJS},
		Metafile: true,
		Write:    false,
		LogLevel: api.LogLevelSilent,
	})
	if len(r.Errors) > 0 {
		return true
	}
	var meta struct {
		Inputs map[string]struct {
			Format string `json:"format"`
		} `json:"inputs"`
	}
	if err := json.Unmarshal([]byte(r.Metafile), &meta); err != nil {
		return true
	}
	for _, in := range meta.Inputs {
		if in.Format == "esm" {
			return true
		}
	}
	return false
}

// Binding is an env entry that JS turns into a binding object (a D1 database, a KV
// namespace...). It reaches JS as {"$binding": {"type": Type, "name": Name}}; the
// binding's JS half registers a priv.envBuilders entry that replaces it, and its
// ops find the backend with op.Worker.Binding(Name) (Config.Bindings).
type Binding struct {
	Type string `json:"type"`
	Name string `json:"name"`
}

// MarshalJSON wraps the binding in its marker object.
func (b Binding) MarshalJSON() ([]byte, error) {
	type plain Binding
	return json.Marshal(map[string]plain{"$binding": plain(b)})
}
