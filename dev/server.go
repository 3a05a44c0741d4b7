package dev

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"maps"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/edged-dev/edged/bundle"
	"github.com/edged-dev/edged/config/cron"
	"github.com/edged-dev/edged/runtime"
)

// Options configure a dev server.
type Options struct {
	Load LoadOptions
	// IP and Port override the config's [dev] ip/port (defaults 127.0.0.1:8787).
	// Port -1 means the config's or the default; 0 picks a free port.
	IP   string
	Port int
	Log  *Logger
	// NoWatch turns the file watcher off (tests drive Reload themselves).
	NoWatch bool
	// NoCrons stops the server from firing [triggers] crons on their schedule.
	NoCrons bool
}

// Server is the dev server: one project, rebuilt on change, served by the newest
// version that built and loaded.
type Server struct {
	opts Options
	log  *Logger

	mu      sync.RWMutex // guards cur and broken
	cur     *version
	broken  *problem // the newest build or load failed; nil when it is fine
	gen     atomic.Int64
	buildMu sync.Mutex // one reload at a time

	proj    *Project
	stores  *stores // the storage every version shares
	bundler *bundle.Bundler
	bopts   bundle.Options
	watch   *watcher

	closeOnce sync.Once
	stop      context.CancelFunc
	bg        sync.WaitGroup // retiring versions, crons, watcher
	ln        net.Listener
	srv       *http.Server
}

// version is one loaded build.
type version struct {
	w       *runtime.Worker
	prep    *Prepared
	modules map[string]string
	env     map[string]any

	mu      sync.Mutex
	refs    int
	retired bool
	drained chan struct{}
}

func (v *version) release() {
	v.mu.Lock()
	v.refs--
	if v.retired && v.refs == 0 {
		close(v.drained)
	}
	v.mu.Unlock()
}

// New loads the project and builds it once. A failed build or load is not an error:
// the server starts and shows it until the code is fixed. Errors in the config or
// the command line are.
func New(opts Options) (*Server, error) {
	if opts.Log == nil {
		l, _ := NewLogger(os.Stdout, "text")
		opts.Log = l
	}
	s := &Server{opts: opts, log: opts.Log, stores: newStores()}
	warm := warmEngine()
	defer func() { <-warm }()
	p, err := Open(opts.Load)
	if err != nil {
		return nil, err
	}
	s.proj = p
	for _, w := range p.WarningLines() {
		s.log.Warn(w)
	}
	if !opts.NoWatch {
		if s.watch, err = newWatcher(); err != nil {
			return nil, fmt.Errorf("watching files: %w", err)
		}
	}
	s.rebuild(nil)
	return s, nil
}

// warmEngine starts V8 (the first runtime.New makes the startup snapshot, the
// biggest part of a cold start) while esbuild bundles. The channel closes when done.
// A throwaway worker does it until the runtime exports an engine warm-up.
func warmEngine() <-chan struct{} {
	done := make(chan struct{})
	go func() {
		defer close(done)
		w, err := runtime.New(runtime.Config{Name: "edged-dev-warmup", MainModule: "warmup.js",
			Modules: map[string]string{"warmup.js": ""}, Limits: runtime.Limits{Isolates: 1},
			Console: func(string, int, string) {}})
		if err == nil {
			w.Close(context.Background())
		}
	}()
	return done
}

// Listen opens the server's port.
func (s *Server) Listen() error {
	ip, port := "127.0.0.1", 8787
	if c := s.proj.Config; c != nil {
		ip, port = c.Dev.IP, c.Dev.Port
		if ip == "localhost" {
			ip = "127.0.0.1"
		}
	}
	if s.opts.IP != "" {
		ip = s.opts.IP
	}
	if s.opts.Port >= 0 {
		port = s.opts.Port
	}
	ln, err := net.Listen("tcp", net.JoinHostPort(ip, strconv.Itoa(port)))
	if err != nil {
		return err
	}
	s.ln = ln
	return nil
}

// URL is the address the server listens on.
func (s *Server) URL() string {
	if s.ln == nil {
		return ""
	}
	return "http://" + s.ln.Addr().String()
}

// Serve serves requests until ctx ends, then shuts down cleanly: in-flight requests
// finish, the worker and esbuild's state are released, the watcher stops.
func (s *Server) Serve(ctx context.Context, started time.Time) error {
	if s.ln == nil {
		if err := s.Listen(); err != nil {
			return err
		}
	}
	ctx, cancel := context.WithCancel(ctx)
	s.stop = cancel
	s.srv = &http.Server{Handler: s, ReadHeaderTimeout: 30 * time.Second}
	errc := make(chan error, 1)
	go func() { errc <- s.srv.Serve(s.ln) }()
	entry := display(s.proj.Dir, mustRel(s.proj.Dir, s.proj.Entry))
	s.log.Ready(s.URL(), s.proj.Name(), entry, time.Since(started))
	cfg := s.proj.Config // read before the watcher may replace s.proj
	if s.watch != nil {
		s.bg.Add(1)
		go func() {
			defer s.bg.Done()
			s.watchLoop(ctx)
		}()
	}
	if c := cfg; c != nil && !s.opts.NoCrons && len(c.Triggers.Schedules) > 0 {
		s.bg.Add(1)
		go func() {
			defer s.bg.Done()
			s.cronLoop(ctx, c.Triggers.Schedules)
		}()
	}
	var err error
	select {
	case <-ctx.Done():
	case err = <-errc:
	}
	sctx, scancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer scancel()
	s.srv.Shutdown(sctx)
	s.Close()
	if errors.Is(err, http.ErrServerClosed) {
		err = nil
	}
	return err
}

func mustRel(dir, p string) string {
	if r, err := filepath.Rel(dir, p); err == nil {
		return r
	}
	return p
}

// Close releases everything: the serving version (after its requests), the storage,
// esbuild's context, the watcher.
func (s *Server) Close() {
	s.closeOnce.Do(func() {
		if s.stop != nil {
			s.stop()
		}
		s.buildMu.Lock()
		s.mu.Lock()
		old := s.cur
		s.cur = nil
		s.mu.Unlock()
		if old != nil {
			s.retire(old)
		}
		if s.bundler != nil {
			s.bundler.Close()
			s.bundler = nil
		}
		s.buildMu.Unlock()
		if s.watch != nil {
			s.watch.close()
		}
		s.bg.Wait()
		// Every version is closed now: nothing can reach the databases.
		if err := s.stores.close(); err != nil {
			s.log.Warn("closing the local storage: " + err.Error())
		}
	})
}

// retire closes a version once its in-flight requests have finished.
func (s *Server) retire(v *version) {
	v.mu.Lock()
	v.retired = true
	if v.refs == 0 {
		close(v.drained)
	}
	v.mu.Unlock()
	s.bg.Add(1)
	go func() {
		defer s.bg.Done()
		<-v.drained
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		v.w.Close(ctx)
		if v.prep.Close != nil {
			v.prep.Close()
		}
	}()
}

// Reload rebuilds now, as a change to changed would; nil changed rebuilds the code
// only. It returns the problem the build has, if any.
func (s *Server) Reload(changed []string) error {
	return s.rebuild(changed)
}

// rebuild reloads the project when a config file changed, rebuilds, and swaps in the
// new version if it loads. It reports what happened.
func (s *Server) rebuild(changed []string) error {
	s.buildMu.Lock()
	defer s.buildMu.Unlock()
	start := time.Now()
	reopen := false
	for _, c := range changed {
		if s.watch != nil && s.watch.isConfig(c) || isDotenv(c) {
			reopen = true
		}
	}
	if reopen {
		p, err := Open(s.opts.Load)
		if err != nil {
			s.fail(&problem{Kind: "build", Title: "The config has errors", Message: err.Error()})
			return err
		}
		for _, w := range p.WarningLines() {
			s.log.Warn(w)
		}
		s.proj = p
	}
	if bo := s.proj.BundleOptions(); s.bundler == nil || !reflect.DeepEqual(bo, s.bopts) {
		if s.bundler != nil {
			s.bundler.Close() // esbuild's incremental state is freed, never leaked
			s.bundler = nil
		}
		b, err := bundle.New(bo)
		if err != nil {
			s.fail(buildProblem(err, s.proj.Dir))
			s.setWatch(nil, true)
			return err
		}
		s.bundler, s.bopts = b, bo
	}
	res, err := s.bundler.Build()
	if err != nil {
		s.fail(buildProblem(err, s.proj.Dir))
		s.setWatch(nil, true)
		return err
	}
	s.setWatch(res.Inputs, false)
	for _, w := range res.Warnings {
		s.log.Warn(display(s.proj.Dir, w.File) + strings.TrimPrefix(w.String(), w.File))
	}
	prep, err := s.proj.prepare(res, true, func(_ string, level int, text string) { s.log.Console(level, text) }, s.stores.open)
	if err != nil {
		s.fail(&problem{Kind: "build", Title: "Build failed", Message: err.Error()})
		return err
	}
	s.mu.RLock()
	cur := s.cur
	s.mu.RUnlock()
	if cur != nil && !reopen && maps.Equal(cur.modules, res.Modules) && reflect.DeepEqual(cur.env, prep.Runtime.Env) {
		// Nothing the worker sees changed (a save without edits, a comment-only change
		// that esbuild dropped): keep the running version and its state.
		s.clear()
		if prep.Close != nil {
			prep.Close()
		}
		return nil
	}
	w, err := runtime.New(prep.Runtime)
	if err != nil {
		if prep.Close != nil {
			prep.Close()
		}
		err = RemapLoadError(err, prep.Remapper)
		var le *runtime.LoadError
		if errors.As(err, &le) {
			le.Stack = CleanStack(le.Stack)
		}
		s.fail(loadProblem(err, prep.Remapper))
		return err
	}
	v := &version{w: w, prep: prep, modules: res.Modules, env: prep.Runtime.Env, drained: make(chan struct{})}
	s.mu.Lock()
	old := s.cur
	s.cur = v
	wasBroken := s.broken != nil
	s.broken = nil
	s.mu.Unlock()
	s.gen.Add(1)
	if old != nil {
		s.retire(old)
		what := "reloaded"
		if wasBroken {
			what = "fixed, reloaded"
		}
		s.log.Info("reload", fmt.Sprintf("%s in %s%s", what, round(time.Since(start)), s.describe(changed)),
			map[string]any{"ms": ms(time.Since(start)), "changed": s.relNames(changed)})
	} else if wasBroken {
		s.log.Info("reload", fmt.Sprintf("fixed, loaded in %s%s", round(time.Since(start)), s.describe(changed)),
			map[string]any{"ms": ms(time.Since(start)), "changed": s.relNames(changed)})
	}
	return nil
}

func isDotenv(p string) bool {
	b := filepath.Base(p)
	return strings.HasPrefix(b, ".dev.vars") || b == ".env" || strings.HasPrefix(b, ".env.")
}

func (s *Server) relNames(changed []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, c := range changed {
		r := display(s.proj.Dir, mustRel(s.proj.Dir, c))
		if !seen[r] {
			seen[r] = true
			out = append(out, r)
		}
	}
	return out
}

func (s *Server) describe(changed []string) string {
	names := s.relNames(changed)
	switch {
	case len(names) == 0:
		return ""
	case len(names) > 3:
		return fmt.Sprintf(" (%s and %d more changed)", strings.Join(names[:3], ", "), len(names)-3)
	default:
		return " (" + strings.Join(names, ", ") + " changed)"
	}
}

func (s *Server) setWatch(inputs []string, broken bool) {
	if s.watch == nil {
		return
	}
	files := inputs
	if broken {
		// Keep watching what the last good build read, and every change in its
		// directories: the fix may be a file the failed build could not find.
		s.mu.RLock()
		if s.cur != nil {
			files = s.cur.prep.Build.Inputs
		}
		s.mu.RUnlock()
		files = append(files, s.proj.Entry)
	}
	config := append([]string(nil), s.proj.Files...)
	config = append(config, filepath.Join(s.proj.Dir, ".dev.vars"), filepath.Join(s.proj.Dir, ".env"))
	if err := s.watch.set(files, config, broken); err != nil {
		s.log.Warn("watching files: " + err.Error())
	}
}

// fail records a problem: the last good version keeps serving.
func (s *Server) fail(p *problem) {
	s.mu.Lock()
	s.broken = p
	serving := s.cur != nil
	s.mu.Unlock()
	s.gen.Add(1)
	msg := p.Title + ": " + p.Message
	if serving {
		msg += " (still serving the last good version)"
	}
	s.log.Error(p.Kind+"-error", msg, p.terminal())
}

func (s *Server) clear() {
	s.mu.Lock()
	was := s.broken != nil
	s.broken = nil
	s.mu.Unlock()
	if was {
		s.gen.Add(1)
		s.log.Info("reload", "fixed; the running version is unchanged", nil)
	}
}

func (s *Server) watchLoop(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			return
		case batch := <-s.watch.changes:
			s.rebuild(batch)
		}
	}
}

func (s *Server) cronLoop(ctx context.Context, schedules []*cron.Schedule) {
	RunCrons(ctx, schedules, func() Scheduler {
		if v := s.acquire(); v != nil {
			v.release()
			return serving{s}
		}
		return nil
	}, func(expr string, at time.Time, r runtime.ScheduledResult, err error) {
		s.reportScheduled(expr, r, err)
	})
}

// serving runs each event on the version serving when it starts, and holds that
// version until the event (and its waitUntil work) is done.
type serving struct{ s *Server }

func (c serving) Scheduled(ctx context.Context, expr string, at time.Time) (runtime.ScheduledResult, error) {
	v := c.s.acquire()
	if v == nil {
		return runtime.ScheduledResult{}, errors.New("no version of the worker is loaded")
	}
	defer v.release()
	return scheduler(v).Scheduled(ctx, expr, at)
}

func scheduler(v *version) Scheduler {
	return remapScheduler{s: v.w, remap: v.prep.Remapper.Rewrite}
}

// reportScheduled logs how an event went. A handler's exception is already in the
// log, source-mapped, as the runtime reports it through the console.
func (s *Server) reportScheduled(expr string, r runtime.ScheduledResult, err error) {
	switch {
	case err != nil:
		s.log.Error("scheduled", fmt.Sprintf("scheduled %q: %v", expr, err), "")
	case !r.OK:
		s.log.Error("scheduled", fmt.Sprintf("scheduled %q: the handler failed (retry: %t)", expr, r.Retry), "")
	default:
		s.log.Info("scheduled", fmt.Sprintf("scheduled %q: ok", expr), map[string]any{"cron": expr, "outcome": "ok"})
	}
}

// acquire returns the serving version with a reference held, or nil.
func (s *Server) acquire() *version {
	s.mu.RLock()
	defer s.mu.RUnlock()
	v := s.cur
	if v == nil {
		return nil
	}
	v.mu.Lock()
	v.refs++
	v.mu.Unlock()
	return v
}

// statusWriter records the status and turns the facade's dev error responses into
// error pages.
type statusWriter struct {
	http.ResponseWriter
	token  string
	header http.Header
	status int
	caught bool // the response is a dev error report; its body is buffered
	body   bytes.Buffer
}

func (w *statusWriter) Header() http.Header { return w.header }

func (w *statusWriter) WriteHeader(code int) {
	if w.status != 0 {
		return
	}
	w.status = code
	if w.token != "" && w.header.Get(bundle.ErrorHeader) == w.token {
		w.caught = true
		return
	}
	dst := w.ResponseWriter.Header()
	for k, v := range w.header {
		dst[k] = v
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.WriteHeader(http.StatusOK)
	}
	if w.caught {
		return w.body.Write(b)
	}
	return w.ResponseWriter.Write(b)
}

// Flush sends what was written so far (streamed responses).
func (w *statusWriter) Flush() {
	if w.caught {
		return
	}
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

// Unwrap lets http.ResponseController reach the connection's writer.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// wantsHTML reports whether the client is a browser navigating to a page.
func wantsHTML(r *http.Request) bool {
	return strings.Contains(r.Header.Get("Accept"), "text/html")
}

// ServeHTTP serves one request: internal routes, the error page while the build is
// broken, or the current version.
func (s *Server) ServeHTTP(rw http.ResponseWriter, r *http.Request) {
	start := time.Now()
	status := 0
	defer func() {
		s.log.Request(r.Method, r.URL.RequestURI(), status, time.Since(start))
	}()
	// The facade still marks dev error responses with the load's token and answers
	// internal requests that carry it; no client may send one.
	r.Header.Del(bundle.InternalHeader)
	switch r.URL.Path {
	case "/cdn-cgi/edged/generation":
		status = http.StatusOK
		rw.Header().Set("Content-Type", "text/plain")
		rw.Header().Set("Cache-Control", "no-store")
		fmt.Fprint(rw, s.gen.Load())
		return
	case "/cdn-cgi/handler/scheduled", "/__scheduled":
		status = s.serveScheduled(rw, r)
		return
	}
	s.mu.RLock()
	broken := s.broken
	s.mu.RUnlock()
	v := s.acquire()
	if v != nil {
		defer v.release()
	}
	if broken != nil && (v == nil || wantsHTML(r)) {
		status = http.StatusInternalServerError
		s.writeProblem(rw, r, broken, v != nil)
		return
	}
	if v == nil {
		status = http.StatusServiceUnavailable
		http.Error(rw, "edged dev: no version of the worker is loaded", status)
		return
	}
	sw := &statusWriter{ResponseWriter: rw, token: v.prep.Token, header: http.Header{}}
	v.w.ServeHTTP(sw, r)
	if sw.status == 0 {
		sw.WriteHeader(http.StatusOK)
	}
	status = sw.status
	if sw.caught {
		stack := CleanStack(v.prep.Remapper.Rewrite(sw.body.String()))
		p := exceptionProblem(stack, v.prep.Remapper)
		s.log.Error("exception", fmt.Sprintf("%s %s: %s", r.Method, r.URL.RequestURI(), p.Message), p.terminal())
		s.writeProblem(rw, r, p, false)
	}
}

func (s *Server) writeProblem(rw http.ResponseWriter, r *http.Request, p *problem, serving bool) {
	rw.Header().Set("Cache-Control", "no-store")
	if wantsHTML(r) {
		rw.Header().Set("Content-Type", "text/html; charset=utf-8")
		rw.WriteHeader(http.StatusInternalServerError)
		p.html(rw, strconv.FormatInt(s.gen.Load(), 10), serving)
		return
	}
	rw.Header().Set("Content-Type", "text/plain; charset=utf-8")
	rw.WriteHeader(http.StatusInternalServerError)
	text := p.Title + ": " + p.Message
	if t := p.terminal(); t != "" {
		text += "\n" + t
	}
	fmt.Fprintln(rw, text)
}

// serveScheduled runs the scheduled handler of the serving version on demand.
func (s *Server) serveScheduled(rw http.ResponseWriter, r *http.Request) int {
	v := s.acquire()
	if v == nil {
		http.Error(rw, "edged dev: no version of the worker is loaded", http.StatusServiceUnavailable)
		return http.StatusServiceUnavailable
	}
	defer v.release()
	return ServeScheduled(rw, r, scheduler(v), s.reportScheduled)
}
