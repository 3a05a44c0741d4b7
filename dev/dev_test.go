package dev

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"io/fs"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// These are end-to-end tests: real projects from testdata/projects, bundled by
// esbuild, run by V8, served over HTTP on 127.0.0.1.

const projects = "../testdata/projects"

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

type devServer struct {
	*Server
	url string
	out *lockedBuffer
}

// start runs a dev server on a free port until the test ends.
func start(t *testing.T, o Options) *devServer {
	t.Helper()
	s, _ := launch(t, o)
	return s
}

// launch runs a dev server on a free port until stop is called (at the latest when
// the test ends).
func launch(t *testing.T, o Options) (*devServer, func()) {
	t.Helper()
	out := &lockedBuffer{}
	log, err := NewLogger(out, "text")
	if err != nil {
		t.Fatal(err)
	}
	o.Log = log
	o.Port = 0
	o.IP = "127.0.0.1"
	o.NoCrons = true
	s, err := New(o)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Listen(); err != nil {
		s.Close()
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Serve(ctx, time.Now()) }()
	var once sync.Once
	stop := func() {
		once.Do(func() {
			cancel()
			select {
			case err := <-done:
				if err != nil {
					t.Errorf("Serve: %v", err)
				}
			case <-time.After(30 * time.Second):
				t.Errorf("the dev server did not stop within 30 s")
			}
			if t.Failed() {
				t.Logf("dev server output:\n%s", out.String())
			}
		})
	}
	t.Cleanup(stop)
	return &devServer{Server: s, url: s.URL(), out: out}, stop
}

var client = &http.Client{Timeout: 20 * time.Second}

func request(t *testing.T, method, url, accept, body string) (int, http.Header, string) {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if accept != "" {
		req.Header.Set("Accept", accept)
	}
	res, err := client.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res.StatusCode, res.Header, string(b)
}

func get(t *testing.T, url string) (int, string) {
	t.Helper()
	st, _, body := request(t, "GET", url, "", "")
	return st, body
}

// eventually polls cond until it holds or the deadline passes.
func eventually(t *testing.T, what string, timeout time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("after %s: %s", timeout, what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// copyProject copies a fixture to a temporary directory (without node_modules).
func copyProject(t *testing.T, name string) string {
	t.Helper()
	src := filepath.Join(projects, name)
	dst := t.TempDir()
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		if d.IsDir() {
			if d.Name() == "node_modules" || d.Name() == ".edged" {
				return filepath.SkipDir
			}
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return dst
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// npmInstall runs `npm ci` in a fixture that has no node_modules yet. It skips the
// test only when npm itself is missing.
func npmInstall(t *testing.T, dir string) {
	t.Helper()
	if _, err := os.Stat(filepath.Join(dir, "node_modules")); err == nil {
		return
	}
	npm, err := exec.LookPath("npm")
	if err != nil {
		t.Skipf("npm is not installed, so %s cannot get its dependencies (npm ci); install Node.js and npm to run this test", dir)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, npm, "ci", "--no-audit", "--no-fund", "--loglevel=error")
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("npm ci in %s: %v\n%s", dir, err, out)
	}
}

func TestHonoProject(t *testing.T) {
	dir := filepath.Join(projects, "hono-ts")
	npmInstall(t, dir)
	s := start(t, Options{Load: LoadOptions{Dir: dir, StateDir: t.TempDir()}})

	for _, tc := range []struct{ method, path, body, want string }{
		{"GET", "/", "", "hello from hono"},
		{"GET", "/json", "", `{"greeting":"hello","max":3,"tags":["a","b"]}`},
		{"GET", "/hello/edged", "", "hello, edged!"},
		{"GET", "/banner", "", "edged + hono"},
		{"POST", "/echo", `{"n":21}`, `{"doubled":42}`},
	} {
		st, _, body := request(t, tc.method, s.url+tc.path, "", tc.body)
		if st != 200 || body != tc.want {
			t.Errorf("%s %s = %d %q, want 200 %q", tc.method, tc.path, st, body, tc.want)
		}
	}
	// Hono catches the exception and logs it with console.error: the stack in the
	// terminal points into the TypeScript sources.
	if st, _ := get(t, s.url+"/boom"); st != 500 {
		t.Errorf("GET /boom = %d, want 500", st)
	}
	eventually(t, "the console shows a source-mapped stack", 5*time.Second, func() bool {
		out := s.out.String()
		return strings.Contains(out, "kaboom from a route") && strings.Contains(out, "src/boom.ts:8:9)") &&
			strings.Contains(out, "src/index.ts:21:3)")
	})
	if out := s.out.String(); strings.Contains(out, "bundle.js:") || strings.Contains(out, "edged:facade") {
		t.Errorf("the terminal still shows bundle or facade locations:\n%s", out)
	}

	st, body := get(t, s.url+"/cdn-cgi/handler/scheduled?cron=*/5+*+*+*+*")
	if st != 200 {
		t.Errorf("scheduled: %d %q", st, body)
	}
	eventually(t, "the scheduled handler logged", 5*time.Second, func() bool {
		return strings.Contains(s.out.String(), "cron */5 * * * * ran 1 (hello)")
	})
	if out := s.out.String(); !strings.Contains(out, "GET /json 200") {
		t.Errorf("no request log line for GET /json:\n%s", out)
	}
}

func TestPlainJSWithoutConfig(t *testing.T) {
	dir := filepath.Join(projects, "plain-js")
	s := start(t, Options{Load: LoadOptions{Dir: t.TempDir(), Entry: filepath.Join(dir, "src/worker.js"), Vars: map[string]any{"NAME": "plain"}}})

	for _, tc := range []struct{ path, want string }{
		{"/", "plain v1"},
		{"/env", `{"same":true,"name":"plain","hasCtx":"function"}`},
		{"/top", "plain"},
		{"/wait", "queued"},
	} {
		if st, body := get(t, s.url+tc.path); st != 200 || body != tc.want {
			t.Errorf("GET %s = %d %q, want 200 %q", tc.path, st, body, tc.want)
		}
	}
	eventually(t, "waitUntil ran", 5*time.Second, func() bool {
		_, body := get(t, s.url+"/background")
		return body == "1"
	})
	st, h, body := request(t, "GET", s.url+"/page", "", "")
	if st != 200 || !strings.Contains(body, "<h1>plain page</h1>") || h.Get("Content-Type") != "text/html" {
		t.Errorf("GET /page = %d %q %q", st, h.Get("Content-Type"), body)
	}

	// An uncaught exception: a page for browsers, text for others, both pointing at
	// the original file.
	st, h, body = request(t, "GET", s.url+"/throw", "text/html,application/xhtml+xml", "")
	if st != 500 || !strings.HasPrefix(h.Get("Content-Type"), "text/html") ||
		!strings.Contains(body, "TypeError: failed on purpose") || !strings.Contains(body, "src/lib.js:4:9") ||
		!strings.Contains(body, "throw new TypeError(`failed ${why}`);") {
		t.Errorf("GET /throw (browser) = %d %q:\n%s", st, h.Get("Content-Type"), body)
	}
	st, h, body = request(t, "GET", s.url+"/throw", "*/*", "")
	if st != 500 || !strings.HasPrefix(h.Get("Content-Type"), "text/plain") || !strings.Contains(body, "src/lib.js:4:9") ||
		!strings.Contains(body, "src/worker.js:25:9") || strings.Contains(body, "edged:") || h.Get("X-Edged-Error") != "" {
		t.Errorf("GET /throw = %d %q:\n%s", st, h.Get("Content-Type"), body)
	}

	st, body = get(t, s.url+"/__scheduled?cron=1+2+3+4+5&time=1700000000000")
	if st != 200 || body != "Ran scheduled event\n" {
		t.Errorf("scheduled = %d %q", st, body)
	}
	eventually(t, "the class's scheduled() ran", 5*time.Second, func() bool {
		return strings.Contains(s.out.String(), "scheduled 1 2 3 4 5 at 1700000000000")
	})
	// A forged internal request is an ordinary request: the dev server strips the header.
	st, _, body = request(t, "GET", s.url+"/__edged/scheduled", "", "")
	if st != 404 || body != "not found" {
		t.Errorf("GET /__edged/scheduled = %d %q, want the worker's 404", st, body)
	}
}

func TestEnvironments(t *testing.T) {
	dir := filepath.Join(projects, "env-vars")
	type reply struct {
		Stage  string  `json:"stage"`
		Beta   bool    `json:"beta"`
		APIKey *string `json:"apiKey"`
		Extra  *string `json:"extra"`
		Build  string  `json:"build"`
	}
	for _, tc := range []struct {
		env   string
		vars  map[string]any
		stage string
		beta  bool
		build string
		extra string
	}{
		{"", nil, "top", false, "top-build", ""},
		{"staging", map[string]any{"EXTRA": "flag"}, "staging", true, "staging-build", "flag"},
	} {
		s := start(t, Options{Load: LoadOptions{Dir: dir, Env: tc.env, Vars: tc.vars, StateDir: t.TempDir()}, NoWatch: true})
		st, body := get(t, s.url+"/")
		var r reply
		if err := json.Unmarshal([]byte(body), &r); st != 200 || err != nil {
			t.Fatalf("env %q: GET / = %d %q", tc.env, st, body)
		}
		if r.Stage != tc.stage || r.Beta != tc.beta || r.Build != tc.build || r.APIKey == nil || *r.APIKey != "dev-secret" {
			t.Errorf("env %q: got %s", tc.env, body)
		}
		if (tc.extra == "") != (r.Extra == nil) || (r.Extra != nil && *r.Extra != tc.extra) {
			t.Errorf("env %q: extra = %v, want %q", tc.env, r.Extra, tc.extra)
		}
		if tc.env == "staging" && s.proj.Name() != "env-vars-staging" {
			t.Errorf("name = %q, want env-vars-staging", s.proj.Name())
		}
	}
	s, err := New(Options{Load: LoadOptions{Dir: dir, Env: "nope", StateDir: t.TempDir()}, NoWatch: true, Log: discardLog(t)})
	if err != nil {
		t.Errorf("an unknown environment is a warning, got %v", err)
	} else {
		s.Close()
	}
}

func discardLog(t *testing.T) *Logger {
	l, err := NewLogger(io.Discard, "json")
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func TestReload(t *testing.T) {
	dir := copyProject(t, "plain-js")
	s := start(t, Options{Load: LoadOptions{Dir: dir, Entry: filepath.Join(dir, "src/worker.js")}})
	if _, body := get(t, s.url+"/"); body != "plain v1" {
		t.Fatalf("GET / = %q", body)
	}
	get(t, s.url+"/wait") // module state of the first version
	lib := filepath.Join(dir, "src/lib.js")
	orig, _ := os.ReadFile(lib)
	edited := strings.Replace(string(orig), `"v1"`, `"v2"`, 1)
	saved := time.Now()
	writeFile(t, lib, edited)
	eventually(t, "the edit is served", 10*time.Second, func() bool {
		_, body := get(t, s.url+"/")
		return body == "plain v2"
	})
	t.Logf("save to first new response: %s", time.Since(saved))
	// A new version starts with fresh module state.
	if _, body := get(t, s.url+"/background"); body != "0" {
		t.Errorf("GET /background after reload = %q, want 0 (a new isolate)", body)
	}
	if out := s.out.String(); !strings.Contains(out, "reloaded in") || !strings.Contains(out, "lib.js changed") {
		t.Errorf("no reload line:\n%s", out)
	}
	// Saving the same content again swaps nothing.
	gen := s.gen.Load()
	if err := s.Reload([]string{lib}); err != nil {
		t.Fatal(err)
	}
	if s.gen.Load() != gen {
		t.Errorf("an unchanged build swapped the version")
	}
}

func TestSyntaxErrorAndRecovery(t *testing.T) {
	dir := copyProject(t, "plain-js")
	s := start(t, Options{Load: LoadOptions{Dir: dir, Entry: filepath.Join(dir, "src/worker.js")}})
	if _, body := get(t, s.url+"/"); body != "plain v1" {
		t.Fatalf("GET / = %q", body)
	}
	lib := filepath.Join(dir, "src/lib.js")
	orig, _ := os.ReadFile(lib)
	writeFile(t, lib, "export const version = \"v2\";\n\nexport function fail(why) {\n  throw new TypeError(`failed ${why}`;\n}\n")
	var page string
	eventually(t, "the browser gets the build error page", 10*time.Second, func() bool {
		st, h, body := request(t, "GET", s.url+"/", "text/html", "")
		page = body
		return st == 500 && strings.HasPrefix(h.Get("Content-Type"), "text/html") && strings.Contains(body, "Build failed")
	})
	if !strings.Contains(page, "lib.js:4:38") || !strings.Contains(page, "Expected &#34;)&#34; but found &#34;;&#34;") {
		t.Errorf("the error page lacks the location or the message:\n%s", page)
	}
	// Other clients keep the last good version.
	if st, body := get(t, s.url+"/"); st != 200 || body != "plain v1" {
		t.Errorf("non-browser GET / while broken = %d %q, want the last good version", st, body)
	}
	if out := s.out.String(); !strings.Contains(out, "Build failed") || !strings.Contains(out, "still serving the last good version") {
		t.Errorf("the terminal does not show the build error:\n%s", out)
	}
	writeFile(t, lib, strings.Replace(string(orig), `"v1"`, `"v3"`, 1))
	eventually(t, "the fix is served", 10*time.Second, func() bool {
		st, _, body := request(t, "GET", s.url+"/", "text/html", "")
		return st == 200 && body == "plain v3"
	})
}

func TestBrokenFromTheStart(t *testing.T) {
	dir := copyProject(t, "plain-js")
	worker := filepath.Join(dir, "src/worker.js")
	orig, _ := os.ReadFile(worker)
	// Loads but throws at the top level: a load error, with the original location.
	writeFile(t, worker, "const x = 1;\nnull.boom;\n"+string(orig))
	s := start(t, Options{Load: LoadOptions{Dir: dir, Entry: worker}})
	st, _, body := request(t, "GET", s.url+"/", "", "")
	if st != 500 || !strings.Contains(body, "The worker failed to load") || !strings.Contains(body, "src/worker.js:2:6") ||
		!strings.Contains(body, "TypeError: Cannot read properties of null") {
		t.Errorf("GET / with a load error = %d:\n%s", st, body)
	}
	writeFile(t, worker, string(orig))
	eventually(t, "the fix is served", 10*time.Second, func() bool {
		_, body := get(t, s.url+"/")
		return body == "plain v1"
	})
}

func TestConfigReload(t *testing.T) {
	dir := copyProject(t, "env-vars")
	s := start(t, Options{Load: LoadOptions{Dir: dir}})
	if _, body := get(t, s.url+"/"); !strings.Contains(body, `"apiKey":"dev-secret"`) {
		t.Fatalf("GET / = %q", body)
	}
	writeFile(t, filepath.Join(dir, ".dev.vars"), "API_KEY=rotated\n")
	eventually(t, "the new secret is served", 10*time.Second, func() bool {
		_, body := get(t, s.url+"/")
		return strings.Contains(body, `"apiKey":"rotated"`)
	})
	cfg := filepath.Join(dir, "wrangler.jsonc")
	b, _ := os.ReadFile(cfg)
	writeFile(t, cfg, strings.Replace(string(b), `"STAGE": "top"`, `"STAGE": "edited"`, 1))
	eventually(t, "the config edit is served", 10*time.Second, func() bool {
		_, body := get(t, s.url+"/")
		return strings.Contains(body, `"stage":"edited"`)
	})
}

func TestLoadProject(t *testing.T) {
	dir := copyProject(t, "env-vars") // LoadProject keeps its state in <project>/.edged
	cfg, err := LoadProject("", filepath.Join(dir, "wrangler.jsonc"), "staging")
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Name != "env-vars-staging" || cfg.MainModule != "edged:entry" || cfg.Env["STAGE"] != "staging" {
		t.Errorf("LoadProject = name %q, main %q, env %v", cfg.Name, cfg.MainModule, cfg.Env)
	}
	if _, ok := cfg.Env["API_KEY"]; ok {
		t.Errorf("LoadProject read .dev.vars; production must not")
	}
	if _, err := LoadProject("", filepath.Join(dir, "missing.toml"), ""); err == nil {
		t.Errorf("a missing config: no error")
	}
}
