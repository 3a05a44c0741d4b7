package server

import (
	"context"
	"encoding/json"
	"io/fs"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/edged-dev/edged/bindings/d1"
	"github.com/edged-dev/edged/bindings/storage"
	"github.com/edged-dev/edged/config"
)

// copyFixture copies testdata/projects/<name> (without local state) to a temp dir.
func copyFixture(t *testing.T, name string) string {
	t.Helper()
	src := filepath.Join("..", "testdata", "projects", name)
	dst := t.TempDir()
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		if d.IsDir() {
			if d.Name() == ".edged" || d.Name() == "node_modules" {
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

// migrate does what `edged d1 migrations apply DB --persist-to state` does.
func migrate(t *testing.T, dir, state string) {
	t.Helper()
	cfg, _, err := config.Load(filepath.Join(dir, "wrangler.toml"), "")
	if err != nil {
		t.Fatal(err)
	}
	c := cfg.D1Databases[0]
	db, err := d1.Open(storage.D1Path(state, c), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := (d1.Migrations{Dir: cfg.Abs(c.MigrationsDir), Table: c.MigrationsTable}).Apply(context.Background(), db); err != nil {
		t.Fatal(err)
	}
}

// projectHost is a host serving a wrangler project in the project form.
type projectHost struct {
	h    *Host
	p    *Project
	url  string
	log  *syncBuffer
	stop func()
}

// startProject starts `edged serve --config wrangler.toml --persist-to state
// --test-scheduled` in process; cronNow, when set, is the crons' clock.
func startProject(t *testing.T, dir, state string, cronNow func() time.Time) *projectHost {
	t.Helper()
	log := &syncBuffer{}
	logger := slog.New(slog.NewJSONHandler(log, &slog.HandlerOptions{Level: slog.LevelDebug}))
	p, err := NewProject(ProjectOptions{Single: Single{Addr: "127.0.0.1:0"}, ConfigPath: filepath.Join(dir, "wrangler.toml"), PersistTo: state, Log: logger})
	if err != nil {
		t.Fatal(err)
	}
	opts := HostOptions{Logger: logger, TestScheduled: true}
	p.Configure(&opts)
	cfg, err := opts.LoadConfig()
	if err != nil {
		t.Fatal(err)
	}
	h, err := NewHost(cfg, opts)
	if err != nil {
		p.Close()
		t.Fatal(err)
	}
	h.cronNow = cronNow
	if err := h.Start(); err != nil {
		h.Close()
		p.Close()
		t.Fatal(err)
	}
	stopped := false
	stop := func() {
		if stopped {
			return
		}
		stopped = true
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := h.Shutdown(ctx); err != nil {
			t.Errorf("shutdown: %v", err)
		}
		if err := p.Close(); err != nil {
			t.Errorf("closing the project's storage: %v", err)
		}
		if t.Failed() {
			t.Logf("host log:\n%s", log.String())
		}
	}
	t.Cleanup(stop)
	return &projectHost{h: h, p: p, url: "http://" + h.Addrs().HTTP[0], log: log, stop: stop}
}

func (ph *projectHost) do(t *testing.T, method, path, payload string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(method, ph.url+path, strings.NewReader(payload))
	if err != nil {
		t.Fatal(err)
	}
	resp, err := testClient.Do(req)
	b := body(t, resp, err)
	return resp.StatusCode, b
}

type notesView struct {
	Version     string   `json:"version"`
	Notes       []string `json:"notes"`
	KV          *string  `json:"kv"`
	Cron        *string  `json:"cron"`
	Cache       *string  `json:"cache"`
	CacheStatus *string  `json:"cacheStatus"`
}

func (ph *projectHost) notes(t *testing.T) notesView {
	t.Helper()
	st, b := ph.do(t, "GET", "/", "")
	var n notesView
	if err := json.Unmarshal([]byte(b), &n); st != 200 || err != nil {
		t.Fatalf("GET / = %d %q", st, b)
	}
	return n
}

func deref(p *string) string {
	if p == nil {
		return "<null>"
	}
	return *p
}

// cronClock is the crons' clock in TestProjectForm: its first reading is 150 ms
// before a multiple of five minutes, so the fixture's "*/5 * * * *" fires at once,
// however long the host took to start.
type cronClock struct {
	once   sync.Once
	offset time.Duration
	at     time.Time // the multiple of five minutes
}

func (c *cronClock) start() {
	c.once.Do(func() {
		real := time.Now()
		c.at = real.Truncate(5 * time.Minute).Add(5 * time.Minute)
		c.offset = c.at.Add(-150 * time.Millisecond).Sub(real)
	})
}

func (c *cronClock) now() time.Time { c.start(); return time.Now().Add(c.offset) }
func (c *cronClock) due() time.Time { c.start(); return c.at }

// The project form binds D1, KV and the Cache API from the wrangler config to the
// files edged dev and edged d1 use, keeps them across a reload, runs scheduled
// events on demand (--test-scheduled) and on the [triggers] schedule, and closes
// every file at shutdown; a restart finds the data.
func TestProjectForm(t *testing.T) {
	dir := copyFixture(t, "d1-kv")
	state := t.TempDir()
	migrate(t, dir, state)

	clock := &cronClock{}
	ph := startProject(t, dir, state, clock.now)
	if ph.p.StateDir() != state {
		t.Errorf("StateDir = %q, want --persist-to %q", ph.p.StateDir(), state)
	}

	if st, b := ph.do(t, "POST", "/notes", "first"); st != 200 {
		t.Fatalf("POST /notes = %d %q", st, b)
	}
	waitFor(t, 10*time.Second, func() bool { return deref(ph.notes(t).Cron) == "*/5 * * * *" }, "the cron did not fire on its schedule")
	// The event is logged once it has finished, which may be just after the worker
	// stored its note.
	due := clock.due().UTC().Format(time.RFC3339)
	waitFor(t, 10*time.Second, func() bool { return strings.Contains(ph.log.String(), `"scheduled_time":"`+due+`"`) },
		"the cron event is not logged with its scheduled time "+due)
	for _, path := range []string{"/cdn-cgi/handler/scheduled?cron=0+1+*+*+*", "/__scheduled?cron=0+2+*+*+*&time=1700000000000"} {
		if st, b := ph.do(t, "GET", path, ""); st != 200 || b != "Ran scheduled event\n" {
			t.Errorf("GET %s = %d %q", path, st, b)
		}
	}
	want := []string{"first", "cron */5 * * * *", "cron 0 1 * * *", "cron 0 2 * * *"}
	n := ph.notes(t)
	if !reflect.DeepEqual(n.Notes, want) || deref(n.KV) != "first" || deref(n.Cache) != "first" || deref(n.CacheStatus) != "HIT" {
		t.Errorf("GET / = %+v (notes %q), want notes %q, KV and cache \"first\" (HIT)", n, n.Notes, want)
	}

	// A reload (SIGHUP) after an edit: a new version on the same open storage.
	open := len(filesOpenUnder(t, state))
	if err := os.WriteFile(filepath.Join(dir, "src/version.js"), []byte("export const version = \"v2\";\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	res, err := ph.h.Reload()
	if err != nil || !reflect.DeepEqual(res.Updated, []string{"d1-kv"}) {
		t.Fatalf("reload: %v, %v", res, err)
	}
	n = ph.notes(t)
	if n.Version != "v2" || !reflect.DeepEqual(n.Notes, want) || deref(n.Cache) != "first" {
		t.Errorf("after a reload: %+v (notes %q)", n, n.Notes)
	}
	if now := len(filesOpenUnder(t, state)); now > open {
		t.Errorf("the reload opened more files: %d, then %d", open, now)
	}
	ph.stop()
	if files := filesOpenUnder(t, state); len(files) > 0 {
		t.Errorf("files still open after shutdown:\n%s", strings.Join(files, "\n"))
	}
	if _, err := os.Stat(filepath.Join(state, "cache", "cache.sqlite")); err != nil {
		t.Errorf("the Cache API store is not in the project's state directory: %v", err)
	}

	// A restart with the real clock: the data is there, no cron fires.
	ph = startProject(t, dir, state, nil)
	n = ph.notes(t)
	if !reflect.DeepEqual(n.Notes, want) || deref(n.KV) != "first" || deref(n.Cache) != "first" {
		t.Errorf("after a restart: %+v (notes %q)", n, n.Notes)
	}
	ph.stop()
	if files := filesOpenUnder(t, state); len(files) > 0 {
		t.Errorf("files still open after the second shutdown:\n%s", strings.Join(files, "\n"))
	}
}

func TestIsWranglerConfig(t *testing.T) {
	for path, want := range map[string]bool{
		"wrangler.toml": true, "proj/wrangler.jsonc": true, "wrangler.json": true, "wrangler.staging.toml": true,
		"edged.toml": false, "wrangler.js": false, "my-wrangler.toml": false, "wrangler.": false,
	} {
		if got := IsWranglerConfig(path); got != want {
			t.Errorf("IsWranglerConfig(%q) = %v, want %v", path, got, want)
		}
	}
}
