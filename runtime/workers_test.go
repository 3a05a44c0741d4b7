package runtime

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/edged-dev/edged/bindings/fetch/fetchtest"
)

// A case in testdata/workers/<feature>/cases.json.
type workerCase struct {
	Name    string `json:"name"`
	DelayMS int    `json:"delayMs"` // wait before sending, for background work to run
	Request struct {
		Method  string            `json:"method"`
		Path    string            `json:"path"`
		Headers map[string]string `json:"headers"`
		Body    string            `json:"body"`
	} `json:"request"`
	Response struct {
		Status       int               `json:"status"`
		Headers      map[string]string `json:"headers"`
		Body         *string           `json:"body"`
		BodyContains string            `json:"bodyContains"`
	} `json:"response"`
	Logs [][2]any `json:"logs"` // exact [level, text] console lines of the case
}

// consoleLog collects a worker's console output for assertions.
type consoleLog struct {
	mu     sync.Mutex
	lines  []string
	levels []int
}

func (c *consoleLog) write(worker string, level int, text string) {
	c.mu.Lock()
	c.lines = append(c.lines, text)
	c.levels = append(c.levels, level)
	c.mu.Unlock()
}

// since returns the lines written from index i on, as [level, text] pairs.
func (c *consoleLog) since(i int) [][2]any {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out [][2]any
	for j := i; j < len(c.lines); j++ {
		out = append(out, [2]any{float64(c.levels[j]), c.lines[j]})
	}
	return out
}

func (c *consoleLog) len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.lines)
}

// quiesce waits until no request of w is pending (waitUntil work included).
func quiesce(t *testing.T, w *Worker) {
	deadline := time.Now().Add(3 * time.Second)
	for time.Now().Before(deadline) {
		w.mu.Lock()
		busy := 0
		for _, l := range w.loops {
			busy += int(l.pending.Load())
		}
		w.mu.Unlock()
		if busy == 0 {
			return
		}
		time.Sleep(2 * time.Millisecond)
	}
	t.Errorf("requests still pending after 3 s")
}

func (c *consoleLog) String() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return strings.Join(c.lines, "\n")
}

// TestWorkers runs every fixture under testdata/workers through a real HTTP server.
func TestWorkers(t *testing.T) {
	dirs, _ := filepath.Glob("../testdata/workers/*/cases.json")
	if len(dirs) == 0 {
		t.Fatal("no fixtures under testdata/workers")
	}
	for _, casesFile := range dirs {
		dir := filepath.Dir(casesFile)
		t.Run(filepath.Base(dir), func(t *testing.T) {
			raw, err := os.ReadFile(casesFile)
			if err != nil {
				t.Fatal(err)
			}
			var cases []workerCase
			if err := json.Unmarshal(raw, &cases); err != nil {
				t.Fatalf("%s: %v", casesFile, err)
			}
			cfg, err := LoadFile(filepath.Join(dir, "worker.js"))
			if err != nil {
				t.Fatal(err)
			}
			log := &consoleLog{}
			cfg.Console = log.write
			cfg.Env = map[string]any{}
			if b, err := os.ReadFile(filepath.Join(dir, "env.json")); err == nil {
				if err := json.Unmarshal(b, &cfg.Env); err != nil {
					t.Fatalf("env.json: %v", err)
				}
			}
			// env.json may name UPSTREAM: it becomes the URL of a test HTTP server for
			// outbound fetch() fixtures (bindings/fetch/fetchtest).
			if _, ok := cfg.Env["UPSTREAM"]; ok {
				up := httptest.NewServer(fetchtest.Handler())
				defer up.Close()
				cfg.Env["UPSTREAM"] = up.URL
			}
			// Optional bindings.json: D1/KV/cache backends in a temp dir (storage_test.go).
			fixtureBindings(t, dir, &cfg)
			// One isolate, so that cases may observe state left by earlier ones.
			cfg.Limits.Isolates = 1
			// Fixtures check behaviour, not limits (limits_test.go does): the
			// self-checking batteries run hundreds of assertions in one request, and
			// the race detector slows the Go side of every op.
			cfg.Limits.CPU = 5 * time.Second
			client := &http.Client{Timeout: 30 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
			w, err := New(cfg)
			if err != nil {
				t.Fatal(err)
			}
			defer w.Close(t.Context())
			srv := httptest.NewServer(w)
			defer srv.Close()
			for _, c := range cases {
				t.Run(c.Name, func(t *testing.T) {
					method := c.Request.Method
					if method == "" {
						method = "GET"
					}
					var body io.Reader
					if c.Request.Body != "" {
						body = strings.NewReader(c.Request.Body)
					}
					req, _ := http.NewRequest(method, srv.URL+c.Request.Path, body)
					for k, v := range c.Request.Headers {
						req.Header.Set(k, v)
					}
					time.Sleep(time.Duration(c.DelayMS) * time.Millisecond)
					logStart := log.len()
					resp, err := client.Do(req)
					if err != nil {
						t.Fatal(err)
					}
					got, _ := io.ReadAll(resp.Body)
					resp.Body.Close()
					want := c.Response.Status
					if want == 0 {
						want = 200
					}
					if resp.StatusCode != want {
						t.Errorf("got status %d, want %d (body %q; console:\n%s)", resp.StatusCode, want, got, log)
					}
					for k, v := range c.Response.Headers {
						if g := strings.Join(resp.Header.Values(k), ", "); g != v {
							t.Errorf("header %s: got %q, want %q", k, g, v)
						}
					}
					if c.Response.Body != nil && string(got) != *c.Response.Body {
						t.Errorf("body: got %q, want %q (console:\n%s)", got, *c.Response.Body, log)
					}
					if c.Response.BodyContains != "" && !strings.Contains(string(got), c.Response.BodyContains) {
						t.Errorf("body: got %q, want it to contain %q", got, c.Response.BodyContains)
					}
					if c.Logs != nil {
						quiesce(t, w)
						gotLogs := log.since(logStart)
						if !reflect.DeepEqual(gotLogs, c.Logs) && !(len(gotLogs) == 0 && len(c.Logs) == 0) {
							t.Errorf("console:\ngot  %q\nwant %q", gotLogs, c.Logs)
						}
					}
				})
			}
		})
	}
}
