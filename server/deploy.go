package server

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/edged-dev/edged/bindings/fetch"
	"github.com/edged-dev/edged/bindings/websocket"
	"github.com/edged-dev/edged/config"
	"github.com/edged-dev/edged/runtime"
)

// Worker is what the host needs of a loaded worker; *runtime.Worker is one.
type Worker interface {
	http.Handler
	Close(ctx context.Context) error
	Stats() runtime.Stats
}

// generation is one applied config: the routes, the workers they name and the
// certificates. Requests read the current generation with one atomic load; a
// reload builds the next one aside and swaps it in.
type generation struct {
	cfg     *config.Edged
	router  *config.Router
	workers map[string]*deployed
	certs   *certSet
}

// deployed is one version of one worker.
type deployed struct {
	name    string
	version int
	fp      string // fingerprint of everything the worker is made of
	w       Worker
	maxBody int64
	wall    time.Duration // limits.wall_ms; 0: none
	m       *workerMetrics

	refs    atomic.Int64 // requests inside w
	retired atomic.Bool  // no longer in the current generation
	drained chan struct{}
}

// acquire counts a request in; it fails when d was retired in the meantime, and the
// caller then takes the worker from the newest generation instead.
func (d *deployed) acquire() bool {
	d.refs.Add(1)
	if d.retired.Load() {
		d.release()
		return false
	}
	return true
}

func (d *deployed) release() {
	if d.refs.Add(-1) == 0 && d.retired.Load() {
		select {
		case d.drained <- struct{}{}:
		default:
		}
	}
}

// retire waits for the requests inside d to finish (they were routed before the
// swap), then closes the worker, which lets its waitUntil work finish, up to timeout.
func (h *Host) retire(d *deployed, timeout time.Duration) {
	d.retired.Store(true)
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	t := time.NewTicker(10 * time.Millisecond)
	defer t.Stop()
	for d.refs.Load() > 0 {
		select {
		case <-d.drained:
		case <-t.C:
		case <-ctx.Done():
			h.log.Warn("retiring a worker version with requests still running", "worker", d.name, "version", d.version, "requests", d.refs.Load())
			goto closeIt
		}
	}
closeIt:
	if err := d.w.Close(ctx); err != nil {
		h.log.Warn("closing a worker version", "worker", d.name, "version", d.version, "error", err.Error())
	}
	d.m.retire(d)
	h.log.Info("worker version retired", "worker", d.name, "version", d.version)
}

// ReloadResult says what a reload changed.
type ReloadResult struct {
	Added, Updated, Removed, Unchanged []string
	// Ignored lists server settings that changed but only take effect on restart.
	Ignored []string
}

func (r ReloadResult) String() string {
	return fmt.Sprintf("added %v, updated %v, removed %v, unchanged %d", r.Added, r.Updated, r.Removed, len(r.Unchanged))
}

// ErrReloadRejected wraps every reload error: the previous config keeps serving.
var ErrReloadRejected = errors.New("reload rejected; the running config keeps serving")

// Reload reads the config again (Options.LoadConfig) and applies it.
func (h *Host) Reload() (ReloadResult, error) {
	if h.opts.LoadConfig == nil {
		return ReloadResult{}, fmt.Errorf("%w: no config source to reload from", ErrReloadRejected)
	}
	cfg, err := h.opts.LoadConfig()
	if err != nil {
		h.metrics.reloads(false)
		h.log.Error("reload rejected", "error", err.Error())
		return ReloadResult{}, fmt.Errorf("%w: %w", ErrReloadRejected, err)
	}
	return h.Apply(cfg)
}

// Apply swaps in cfg: workers whose bundle or settings changed are built and loaded
// first; if any fails, nothing changes. Then routes, workers and certificates change
// in one atomic step. Requests already inside a replaced worker finish there, and
// the old version is closed after them.
func (h *Host) Apply(cfg *config.Edged) (ReloadResult, error) {
	return h.applyCounted(cfg, true)
}

func (h *Host) applyCounted(cfg *config.Edged, count bool) (ReloadResult, error) {
	h.reloadMu.Lock()
	defer h.reloadMu.Unlock()
	res, err := h.apply(cfg)
	if count {
		h.metrics.reloads(err == nil)
	}
	if err != nil {
		if count {
			h.log.Error("reload rejected", "error", err.Error())
			return res, fmt.Errorf("%w: %w", ErrReloadRejected, err)
		}
		return res, err // NewHost: nothing was running, so nothing was rejected
	}
	if len(res.Added)+len(res.Updated)+len(res.Removed) > 0 || h.gen.Load() != nil {
		h.log.Info("config applied", "added", res.Added, "updated", res.Updated, "removed", res.Removed, "unchanged", len(res.Unchanged), "restart_needed_for", res.Ignored)
	}
	return res, nil
}

type buildJob struct {
	wc   config.Worker
	rc   runtime.Config
	fp   string
	d    *deployed
	prev *deployed
	err  error
}

func (h *Host) apply(cfg *config.Edged) (ReloadResult, error) {
	var res ReloadResult
	if cfg.Router == nil {
		r, err := config.NewRouter(cfg.Routes)
		if err != nil {
			return res, err
		}
		cfg.Router = r
	}
	old := h.gen.Load()
	var oldWorkers map[string]*deployed
	if old != nil {
		oldWorkers = old.workers
		res.Ignored = restartOnly(old.cfg.Server, cfg.Server)
	}
	maxBody := cfg.Server.MaxBodyBytes
	if maxBody <= 0 {
		maxBody = 100 << 20
	}
	// The isolate policy first, so that loading many workers stays in the budget.
	h.applyIsolatePolicy(cfg.Server)
	jobs := make([]*buildJob, len(cfg.Workers))
	for i, wc := range cfg.Workers {
		jobs[i] = &buildJob{wc: wc, prev: oldWorkers[wc.Name]}
	}
	// Reading (or bundling) the workers' code is independent per worker too.
	h.parallelDo(jobs, func(j *buildJob) {
		j.rc, j.err = h.prepare(j.wc)
		if j.err == nil {
			j.fp = fingerprint(j.wc, j.rc, maxBody)
		}
	})
	// Build the new and changed workers, a few at a time. A brand-new name gets its
	// subrequest options now (nothing of that name runs yet); a changed one after the
	// swap, so the running version keeps its own until then.
	var toBuild []*buildJob
	for _, j := range jobs {
		if j.err == nil && (j.prev == nil || j.prev.fp != j.fp) {
			toBuild = append(toBuild, j)
			if j.prev == nil {
				h.configureFetch(j.wc)
			}
		}
	}
	h.buildAll(toBuild, maxBody)
	var errs []string
	for i, j := range jobs {
		if j.err != nil {
			errs = append(errs, fmt.Sprintf("workers[%d] (%s): %v", i, j.wc.Name, j.err))
		}
	}
	if len(errs) > 0 {
		for _, j := range toBuild {
			if j.d != nil {
				go j.d.w.Close(context.Background())
			}
		}
		return res, errors.New(strings.Join(errs, "\n"))
	}
	g := &generation{cfg: cfg, router: cfg.Router, workers: map[string]*deployed{}}
	g.certs = newCertSet(cfg.Server.TLS, h.opts.DefaultCert)
	for _, j := range jobs {
		switch {
		case j.d == nil:
			g.workers[j.wc.Name] = j.prev
			res.Unchanged = append(res.Unchanged, j.wc.Name)
		case j.prev == nil:
			g.workers[j.wc.Name] = j.d
			res.Added = append(res.Added, j.wc.Name)
		default:
			g.workers[j.wc.Name] = j.d
			res.Updated = append(res.Updated, j.wc.Name)
		}
	}
	h.gen.Store(g)
	for _, j := range jobs {
		if j.d != nil && j.prev != nil {
			h.configureFetch(j.wc)
		}
	}
	var names []string
	for name, d := range oldWorkers {
		if g.workers[name] != d {
			if g.workers[name] == nil {
				names = append(names, name)
			}
			go func() {
				h.retire(d, cfg.Server.Timeouts.Shutdown+time.Second)
				if g.workers[d.name] == nil && h.gen.Load().workers[d.name] == nil {
					fetch.Forget(d.name)
				}
			}()
		}
	}
	sort.Strings(names)
	res.Removed = names
	h.metrics.prune(g)
	return res, nil
}

// parallelDo runs f for every job, GOMAXPROCS at a time.
func (h *Host) parallelDo(jobs []*buildJob, f func(*buildJob)) {
	sem := make(chan struct{}, h.parallel)
	var wg sync.WaitGroup
	for _, j := range jobs {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			f(j)
		}()
	}
	wg.Wait()
}

// Defaults of the isolate policy (HostOptions, [server] in edged.toml). Chosen by
// measurement; see docs/design.md ("Isolate pools, spares and eviction").
const (
	// DefaultIsolateMemory keeps about 50 idle hello-world isolates (~2.4 MB of V8
	// heap each) or a few large ones; a worker evicted past it costs ~0.1 MB and
	// comes back in ~1–5 ms (a spare or a new isolate, plus its module).
	DefaultIsolateMemory = 128 << 20
	// DefaultIsolateIdle evicts an isolate idle this long whatever the budget.
	DefaultIsolateIdle = 30 * time.Second
)

// applyIsolatePolicy sets the process-wide eviction policy of the runtime from the
// options, else the config, else the defaults. A reload may change it.
func (h *Host) applyIsolatePolicy(s config.Server) {
	mem := h.opts.IsolateMemory
	if mem == 0 {
		mem = s.IsolateMemoryMB << 20
	}
	if mem == 0 {
		mem = DefaultIsolateMemory
	}
	idle := h.opts.IsolateIdleTimeout
	if idle == 0 {
		idle = s.IsolateIdle
	}
	if idle == 0 {
		idle = DefaultIsolateIdle
	}
	limit := int64(h.opts.MaxIsolates)
	if limit == 0 {
		limit = s.MaxIsolates
	}
	runtime.SetIsolateMemory(max(mem, 0))
	runtime.SetIdleTimeout(max(idle, 0))
	runtime.SetIsolateLimit(int(max(limit, 0)))
}

// buildAll loads the workers of jobs in parallel, GOMAXPROCS at a time.
func (h *Host) buildAll(jobs []*buildJob, maxBody int64) {
	h.parallelDo(jobs, func(j *buildJob) {
		w, err := h.newWorker(j.rc)
		if err != nil {
			var le *runtime.LoadError
			if errors.As(err, &le) && strings.Contains(le.Stack, "\n    at ") {
				err = fmt.Errorf("%w\n%s", err, le.Stack)
			}
			j.err = err
			return
		}
		version := 1
		if j.prev != nil {
			version = j.prev.version + 1
		}
		j.d = &deployed{
			name:    j.wc.Name,
			version: version,
			fp:      j.fp,
			w:       w,
			maxBody: maxBody,
			wall:    time.Duration(j.wc.Limits.WallMs) * time.Millisecond,
			m:       h.metrics.worker(j.wc.Name),
			drained: make(chan struct{}, 1),
		}
		j.d.m.add(j.d)
	})
}

// prepare turns a [[workers]] entry into a runtime config.
func (h *Host) prepare(wc config.Worker) (runtime.Config, error) {
	var rc runtime.Config
	var err error
	switch {
	case wc.IsProject:
		rc, err = h.opts.LoadProject(wc)
	default:
		rc, err = runtime.LoadFile(wc.Path)
	}
	if err != nil {
		return rc, err
	}
	rc.Name = wc.Name
	if wc.CompatibilityDate != "" { // else a project's loader took its wrangler config's flags
		rc.NodeCompat = runtime.NodeCompatFor(wc.Compat)
	}
	env := map[string]any{}
	for k, v := range rc.Env {
		env[k] = v
	}
	for k, v := range wc.Vars {
		env[k] = v
	}
	for k, v := range wc.Secrets {
		env[k] = v
	}
	backends := map[string]any{}
	for k, v := range rc.Bindings { // a project loader's own (Project)
		backends[k] = v
	}
	switch {
	case h.opts.Bindings != nil:
		benv, b, err := h.opts.Bindings(wc)
		if err != nil {
			return rc, err
		}
		for k, v := range benv {
			env[k] = v
		}
		for k, v := range b {
			backends[k] = v
		}
	case len(wc.D1Databases) > 0 || len(wc.KVNamespaces) > 0:
		return rc, errors.New("d1_databases and kv_namespaces need a state directory (edged serve --state-dir)")
	}
	rc.Env = env
	rc.Bindings = backends
	if wc.Limits.CPUMs > 0 {
		rc.Limits.CPU = time.Duration(wc.Limits.CPUMs) * time.Millisecond
	}
	if wc.Limits.MemoryMB > 0 {
		rc.Limits.HeapBytes = int(wc.Limits.MemoryMB) << 20
	}
	if h.opts.IsolatesPerWorker > 0 {
		rc.Limits.Isolates = h.opts.IsolatesPerWorker
	}
	if rc.Console == nil { // a project loader may give one that source-maps stacks
		rc.Console = h.console
	}
	return rc, nil
}

// fingerprint hashes what a worker is made of, to tell a changed worker from an
// unchanged one on reload.
func fingerprint(wc config.Worker, rc runtime.Config, maxBody int64) string {
	type doc struct {
		Name, Main    string
		Script        bool
		Modules       map[string]string
		Env           map[string]any
		Limits        runtime.Limits
		Date          string
		Flags         []string
		D1            []config.D1Database
		KV            []config.KVNamespace
		WorkerLimits  config.WorkerLimits
		MaxBody       int64
		BindingsNames []string
	}
	var bn []string
	for k := range rc.Bindings {
		bn = append(bn, k)
	}
	sort.Strings(bn)
	b, err := json.Marshal(doc{wc.Name, rc.MainModule, rc.Script, rc.Modules, rc.Env, rc.Limits,
		wc.CompatibilityDate, wc.CompatibilityFlags, wc.D1Databases, wc.KVNamespaces, wc.Limits, maxBody, bn})
	if err != nil {
		// An env that cannot be encoded fails in runtime.New; never match it.
		return "unhashable:" + err.Error()
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:12])
}

// restartOnly names the server settings that differ between a and b and that a
// reload cannot change (listeners and their protocols, timeouts, the admin listener).
func restartOnly(a, b config.Server) []string {
	var out []string
	if strings.Join(a.Listen, ",") != strings.Join(b.Listen, ",") {
		out = append(out, "server.listen")
	}
	if strings.Join(a.TLSListen, ",") != strings.Join(b.TLSListen, ",") {
		out = append(out, "server.tls_listen")
	}
	if a.H2C != b.H2C {
		out = append(out, "server.h2c")
	}
	if a.HTTP3 != b.HTTP3 {
		out = append(out, "server.http3")
	}
	if a.MaxHeaderBytes != b.MaxHeaderBytes {
		out = append(out, "server.max_header_bytes")
	}
	if a.Timeouts != b.Timeouts {
		out = append(out, "server.timeouts")
	}
	if a.Admin.Listen != b.Admin.Listen {
		out = append(out, "server.admin")
	}
	return out
}

// configureFetch gives a worker's outbound fetch() the host's egress guard and the
// worker's subrequest limit.
func (h *Host) configureFetch(wc config.Worker) {
	fetch.Configure(wc.Name, fetch.Options{
		MaxSubrequests: int(wc.Limits.Subrequests),
		Control:        h.opts.Egress.Control,
	})
	// Client WebSockets dial through the same egress policy as fetch.
	websocket.Configure(wc.Name, websocket.WorkerOptions{Control: h.opts.Egress.Control})
}

// console tags a worker's console output and sends it to the structured log.
func (h *Host) console(worker string, level int, text string) { logConsole(h.log, worker, level, text) }

func logConsole(log *slog.Logger, worker string, level int, text string) {
	l := slog.LevelInfo
	switch level {
	case 0:
		l = slog.LevelDebug
	case 2:
		l = slog.LevelWarn
	case 3:
		l = slog.LevelError
	}
	log.LogAttrs(context.Background(), l, text, slog.String("worker", worker), slog.String("source", "console"))
}
