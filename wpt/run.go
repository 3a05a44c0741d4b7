package wpt

import (
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"net/http/httptest"
	"os"
	"path"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/edged-dev/edged/bindings/fetch"
	"github.com/edged-dev/edged/runtime"
)

//go:embed prelude.js
var preludeJS string

//go:embed reporter.js
var reporterJS string

// Harness statuses, as testharness.js and wptreport name them, plus CRASH for an
// isolate that edged stopped (a CPU or memory limit).
const (
	OK      = "OK"
	ERROR   = "ERROR"
	TIMEOUT = "TIMEOUT"
	CRASH   = "CRASH"
	PASS    = "PASS" // subtest
)

// Result is what one test did.
type Result struct {
	Test     Test
	Status   string // OK, ERROR, TIMEOUT, PRECONDITION_FAILED or CRASH
	Message  string
	Subtests []Subtest
	Duration time.Duration
	Console  string // what the test wrote to the console
}

// Subtest is one test() / async_test() / promise_test() of a file.
type Subtest struct {
	Name    string  `json:"name"`
	Status  string  `json:"status"` // PASS, FAIL, TIMEOUT, NOTRUN, PRECONDITION_FAILED
	Message *string `json:"message"`
}

// Passed counts the subtests that passed.
func (r Result) Passed() int {
	n := 0
	for _, s := range r.Subtests {
		if s.Status == PASS {
			n++
		}
	}
	return n
}

// Runner runs tests from a WPT checkout.
type Runner struct {
	Root     string   // the suite's root folder
	Timeouts Timeouts // zero values take WPT's: 10 s, and 60 s for META timeout=long

	mu    sync.Mutex
	files map[string]string // cache of support scripts (testharness.js, helpers)
	srv   *server           // the stand-in for wptserve (server.go)
}

// NewRunner checks that root looks like a WPT checkout.
func NewRunner(root string) (*Runner, error) {
	if _, err := os.Stat(filepath.Join(root, "resources", "testharness.js")); err != nil {
		return nil, fmt.Errorf("wpt: %s is not a WPT checkout (no resources/testharness.js): %w", root, err)
	}
	installResolver()
	return &Runner{Root: root, files: map[string]string{}, srv: &server{root: root, stash: map[string]any{}}}, nil
}

// rewrites are the paths wptserve serves from another file (tools/serve/serve.py).
var rewrites = map[string]string{
	"resources/WebIDLParser.js": "resources/webidl2/lib/webidl2.js",
}

// isSub reports whether wptserve would expand templates in the file (a ".sub." name).
func isSub(rel string) bool { return strings.Contains(path.Base(rel), ".sub.") }

// read returns a support file of the suite, cached; .sub.js files are expanded.
func (r *Runner) read(rel string) (string, error) {
	r.mu.Lock()
	s, ok := r.files[rel]
	r.mu.Unlock()
	if ok {
		return s, nil
	}
	file := rel
	if to, ok := rewrites[rel]; ok {
		file = to
	}
	b, err := os.ReadFile(filepath.Join(r.Root, filepath.FromSlash(file)))
	if err != nil {
		return "", err
	}
	s = string(b)
	if isSub(rel) {
		s = substitute(s)
	}
	r.mu.Lock()
	r.files[rel] = s
	r.mu.Unlock()
	return s, nil
}

func (r *Runner) timeout(t Test) time.Duration {
	to := r.Timeouts
	if to.Normal <= 0 {
		to.Normal = 10 * time.Second
	}
	if to.Long <= 0 {
		to.Long = 60 * time.Second
	}
	return to.of(t)
}

// Script builds the classic script that runs t.
func (r *Runner) Script(t Test) (string, error) {
	harness, err := r.read("resources/testharness.js")
	if err != nil {
		return "", err
	}
	metas := make([]string, len(t.Scripts))
	for i, s := range t.Scripts {
		if metas[i], err = r.read(s); err != nil {
			return "", fmt.Errorf("META script /%s: %w", s, err)
		}
	}
	src, err := os.ReadFile(filepath.Join(r.Root, filepath.FromSlash(t.File)))
	if err != nil {
		return "", err
	}
	body := string(src)
	if isSub(t.File) {
		body = substitute(body)
	}
	cfg, err := json.Marshal(map[string]any{
		"url":     t.ScriptURL(),
		"title":   t.Title,
		"timeout": r.timeout(t).Milliseconds(),
	})
	if err != nil {
		return "", err
	}
	var b strings.Builder
	fmt.Fprintf(&b, "const __wpt = %s;\n", cfg)
	b.WriteString(preludeJS)
	part := func(rel, src string) {
		b.WriteString("\n;// ---- /" + rel + "\n")
		b.WriteString(src)
		b.WriteString("\n;\n")
	}
	part("resources/testharness.js", harness)
	b.WriteString(reporterJS)
	for i, s := range t.Scripts {
		part(s, metas[i])
	}
	lit, _ := json.Marshal(body)
	url, _ := json.Marshal(t.origin() + "/" + t.File)
	fmt.Fprintf(&b, "\n__wpt_run(%s, %s);\n", lit, url)
	// As wptserve's worker wrapper: the file is loaded, the harness may finish; as a
	// service worker's registration: install fires.
	b.WriteString("done();\n__wpt_install();\n")
	return b.String(), nil
}

// consoleBuf collects a worker's console output.
type consoleBuf struct {
	mu sync.Mutex
	b  strings.Builder
}

func (c *consoleBuf) write(_ string, level int, text string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.b.Len() > 64<<10 {
		return
	}
	switch level {
	case 2:
		c.b.WriteString("warn: ")
	case 3:
		c.b.WriteString("error: ")
	}
	c.b.WriteString(text)
	c.b.WriteByte('\n')
}

func (c *consoleBuf) String() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.b.String()
}

// grace is how long the runner waits past the harness timeout before it gives up on
// a worker that did not answer.
const grace = 5 * time.Second

// Run runs one test in a fresh worker and closes the worker. It never hangs: a test
// that does not finish in its timeout is a TIMEOUT.
func (r *Runner) Run(t Test) Result {
	start := time.Now()
	ts, err := r.srv.listen()
	if err != nil {
		return Result{Test: t, Status: ERROR, Message: "wpt server: " + err.Error()}
	}
	// The worker's fetch() reaches this test's server for the fake hosts (fakenet.go).
	fetch.Configure(t.ID(), fetch.Options{Control: dialTo(ts.port()), MaxSubrequests: 1 << 20})
	res := r.run(t)
	fetch.Forget(t.ID())
	if notes := ts.close(); len(notes) > 0 {
		res.Console += strings.Join(notes, "\n") + "\n"
	}
	res.Test = t
	res.Duration = time.Since(start)
	return res
}

func (r *Runner) run(t Test) Result {
	script, err := r.Script(t)
	if err != nil {
		return Result{Status: ERROR, Message: err.Error()}
	}
	limit := r.timeout(t)
	cons := &consoleBuf{}
	name := "/" + strings.TrimSuffix(t.File, ".js") + ".worker.js"
	ch := make(chan loaded, 1)
	go func() {
		w, err := runtime.New(runtime.Config{
			Name:       t.ID(),
			MainModule: name,
			Modules:    map[string]string{name: script},
			Script:     true,
			Console:    cons.write,
			Limits: runtime.Limits{
				CPU:        limit,
				StartupCPU: limit,
				HeapBytes:  256 << 20,
				Isolates:   1, // the request must reach the isolate that ran the tests
			},
		})
		ch <- loaded{w, err}
	}()
	deadline := time.NewTimer(limit + grace)
	defer deadline.Stop()
	var w *runtime.Worker
	select {
	case l := <-ch:
		if l.err != nil {
			// A script that does not load is an ERROR; a limit hit while loading a CRASH.
			status := CRASH
			var le *runtime.LoadError
			if errors.As(l.err, &le) {
				status = ERROR
			}
			return Result{Status: status, Message: "load: " + l.err.Error(), Console: cons.String()}
		}
		w = l.w
	case <-deadline.C:
		go closeWhenLoaded(ch)
		return Result{Status: TIMEOUT, Message: "the test did not load in time", Console: cons.String()}
	}
	rec := httptest.NewRecorder()
	served := make(chan struct{})
	go func() {
		defer close(served)
		w.ServeHTTP(rec, httptest.NewRequest("GET", t.ScriptURL(), nil))
	}()
	select {
	case <-served:
	case <-deadline.C:
		// The harness timeout did not fire (a broken setTimeout?). The worker stays
		// behind: it cannot be stopped while its request is unanswered.
		go w.Close(context.Background())
		return Result{Status: TIMEOUT, Message: "no results: the harness did not finish", Console: cons.String()}
	}
	ctx, cancel := context.WithTimeout(context.Background(), grace)
	defer cancel()
	w.Close(ctx)
	res := Result{Console: cons.String()}
	if rec.Code != 200 {
		res.Status = CRASH
		res.Message = fmt.Sprintf("worker answered %d: %s", rec.Code, strings.TrimSpace(rec.Body.String()))
		return res
	}
	var out struct {
		Status   string    `json:"status"`
		Message  *string   `json:"message"`
		Stack    *string   `json:"stack"`
		Subtests []Subtest `json:"subtests"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil {
		res.Status = ERROR
		res.Message = fmt.Sprintf("bad results: %v", err)
		return res
	}
	res.Status = out.Status
	if res.Status == "" {
		res.Status = ERROR
	}
	if out.Message != nil {
		res.Message = *out.Message
	}
	res.Subtests = out.Subtests
	return res
}

type loaded struct {
	w   *runtime.Worker
	err error
}

// closeWhenLoaded closes a worker that finished loading after the runner gave up.
func closeWhenLoaded(ch <-chan loaded) {
	if l := <-ch; l.err == nil {
		l.w.Close(context.Background())
	}
}
