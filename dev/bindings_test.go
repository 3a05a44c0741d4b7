package dev

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/edged-dev/edged/bindings/d1"
	"github.com/edged-dev/edged/bindings/storage"
	"github.com/edged-dev/edged/config"
)

// notesState is what testdata/projects/d1-kv answers on GET /.
type notesState struct {
	Greeting    string   `json:"greeting"`
	Version     string   `json:"version"`
	Env         []string `json:"env"`
	Notes       []string `json:"notes"`
	KV          *string  `json:"kv"`
	KVVersion   *string  `json:"kvVersion"`
	Cron        *string  `json:"cron"`
	Cache       *string  `json:"cache"`
	CacheStatus *string  `json:"cacheStatus"`
}

func str(p *string) string {
	if p == nil {
		return "<null>"
	}
	return *p
}

func notes(t *testing.T, url string) notesState {
	t.Helper()
	st, body := get(t, url+"/")
	var n notesState
	if err := json.Unmarshal([]byte(body), &n); st != 200 || err != nil {
		t.Fatalf("GET / = %d %q", st, body)
	}
	return n
}

func postNote(t *testing.T, url, text string) {
	t.Helper()
	if st, _, body := request(t, "POST", url+"/notes", "", text); st != 200 {
		t.Fatalf("POST /notes %q = %d %q", text, st, body)
	}
}

// check compares what GET / shows with the notes, the last note in KV (and the
// version that wrote it) and in the cache.
func check(t *testing.T, when string, n notesState, wantNotes []string, last, lastVersion string) {
	t.Helper()
	if !reflect.DeepEqual(n.Notes, wantNotes) {
		t.Errorf("%s: D1 notes = %q, want %q", when, n.Notes, wantNotes)
	}
	if str(n.KV) != last || str(n.KVVersion) != lastVersion {
		t.Errorf("%s: KV last = %q (written by %s), want %q (by %s)", when, str(n.KV), str(n.KVVersion), last, lastVersion)
	}
	if str(n.Cache) != last || str(n.CacheStatus) != "HIT" {
		t.Errorf("%s: caches.default = %q (%s), want %q (HIT)", when, str(n.Cache), str(n.CacheStatus), last)
	}
}

// applyMigrations does what `edged d1 migrations apply DB` does for the fixture.
func applyMigrations(t *testing.T, dir string) {
	t.Helper()
	cfg, _, err := config.Load(filepath.Join(dir, "wrangler.toml"), "")
	if err != nil {
		t.Fatal(err)
	}
	c := cfg.D1Databases[0]
	db, err := d1.Open(storage.D1Path(storage.Dir(cfg.Dir, ""), c), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	done, err := d1.Migrations{Dir: cfg.Abs(c.MigrationsDir), Table: c.MigrationsTable}.Apply(context.Background(), db)
	if err != nil || len(done) != 1 {
		t.Fatalf("migrations: applied %v, %v", done, err)
	}
}

// openFiles lists the files under dir that this process has open.
func openFiles(t *testing.T, dir string) []string {
	t.Helper()
	fds, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Skipf("cannot list open files: %v", err)
	}
	var out []string
	for _, fd := range fds {
		if p, err := os.Readlink(filepath.Join("/proc/self/fd", fd.Name())); err == nil && strings.HasPrefix(p, dir+string(filepath.Separator)) {
			out = append(out, p)
		}
	}
	return out
}

// TestStorageBindings runs testdata/projects/d1-kv: env.DB, env.KV and
// caches.default keep their data in .edged/state across a code reload, config
// reloads (one that keeps the bindings, one that adds a binding) and a restart of
// the dev server; every file is closed when the server stops.
func TestStorageBindings(t *testing.T) {
	dir := copyProject(t, "d1-kv")
	state := filepath.Join(dir, ".edged", "state")
	applyMigrations(t, dir)
	if _, err := os.Stat(filepath.Join(state, "d1", "notes-db.sqlite")); err != nil {
		t.Fatalf("the database is not where edged d1 and edged dev keep it: %v", err)
	}

	s, stop := launch(t, Options{Load: LoadOptions{Dir: dir}})
	n := notes(t, s.url)
	if len(n.Notes) != 0 || n.KV != nil || n.Cache != nil || n.Greeting != "notes" {
		t.Fatalf("a fresh project shows %+v", n)
	}
	if !reflect.DeepEqual(n.Env, []string{"DB", "GREETING", "KV"}) {
		t.Errorf("env = %q, want DB, GREETING, KV", n.Env)
	}
	postNote(t, s.url, "first")
	check(t, "after a put", notes(t, s.url), []string{"first"}, "first", "v1")

	// A code edit: a new worker, the same storage.
	writeFile(t, filepath.Join(dir, "src/version.js"), "export const version = \"v2\";\n")
	eventually(t, "the edit is served", 10*time.Second, func() bool { return notes(t, s.url).Version == "v2" })
	check(t, "after a code reload", notes(t, s.url), []string{"first"}, "first", "v1")
	postNote(t, s.url, "second")
	check(t, "after a put from v2", notes(t, s.url), []string{"first", "second"}, "second", "v2")

	// A config edit that keeps the bindings reuses the open set.
	cfgPath := filepath.Join(dir, "wrangler.toml")
	cfg, _ := os.ReadFile(cfgPath)
	edited := strings.Replace(string(cfg), `GREETING = "notes"`, `GREETING = "edited"`, 1)
	writeFile(t, cfgPath, edited)
	eventually(t, "the config edit is served", 10*time.Second, func() bool { return notes(t, s.url).Greeting == "edited" })
	check(t, "after a config reload", notes(t, s.url), []string{"first", "second"}, "second", "v2")

	// One that adds a binding opens a new set; the old one closes when the version
	// that used it has retired.
	writeFile(t, cfgPath, edited+"\n[[kv_namespaces]]\nbinding = \"KV2\"\nid = \"second-namespace\"\n")
	eventually(t, "the new binding is served", 10*time.Second, func() bool { return len(notes(t, s.url).Env) == 4 })
	check(t, "after a binding change", notes(t, s.url), []string{"first", "second"}, "second", "v2")
	eventually(t, "the old set is closed", 10*time.Second, func() bool {
		s.stores.mu.Lock()
		defer s.stores.mu.Unlock()
		return len(s.stores.sets) == 1
	})
	postNote(t, s.url, "third")

	if st, body := get(t, s.url+"/cdn-cgi/handler/scheduled?cron=*/5+*+*+*+*"); st != 200 || body != "Ran scheduled event\n" {
		t.Errorf("scheduled = %d %q", st, body)
	}
	want := []string{"first", "second", "third", "cron */5 * * * *"}
	n = notes(t, s.url)
	check(t, "after a scheduled event", n, want, "third", "v2")
	if str(n.Cron) != "*/5 * * * *" {
		t.Errorf("the scheduled handler's waitUntil put: KV cron = %q", str(n.Cron))
	}
	out := s.out.String()
	stop()
	if open := openFiles(t, state); len(open) > 0 {
		t.Errorf("files still open after the dev server stopped:\n%s", strings.Join(open, "\n"))
	}

	// A restart reads it all back.
	s, stop = launch(t, Options{Load: LoadOptions{Dir: dir}, NoWatch: true})
	check(t, "after a restart", notes(t, s.url), want, "third", "v2")
	out += s.out.String()
	stop()
	if open := openFiles(t, state); len(open) > 0 {
		t.Errorf("files still open after the second dev server stopped:\n%s", strings.Join(open, "\n"))
	}
	if strings.Contains(out, "locked") || strings.Contains(out, "not bound") {
		t.Errorf("the log mentions locks or unbound bindings:\n%s", out)
	}
}

// TestStoragePersistTo keeps state where --persist-to says, and refuses a var that
// shadows a binding.
func TestStoragePersistTo(t *testing.T) {
	dir := copyProject(t, "d1-kv")
	persist := t.TempDir()
	s, stop := launch(t, Options{Load: LoadOptions{Dir: dir, StateDir: persist}, NoWatch: true})
	// Without migrations the table is missing: D1's error reaches the worker.
	if st, _, body := request(t, "POST", s.url+"/notes", "", "x"); st != 500 || !strings.Contains(body, "no such table: notes") {
		t.Errorf("POST /notes without migrations = %d %q", st, body)
	}
	stop()
	for _, f := range []string{"d1/notes-db.sqlite", "kv/KV.sqlite", "cache/cache.sqlite"} {
		if _, err := os.Stat(filepath.Join(persist, f)); err != nil {
			t.Errorf("--persist-to: %v", err)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, ".edged")); !os.IsNotExist(err) {
		t.Errorf("--persist-to: the project's .edged was created anyway (%v)", err)
	}

	s, stop = launch(t, Options{Load: LoadOptions{Dir: dir, StateDir: persist, Vars: map[string]any{"KV": "shadow"}}, NoWatch: true})
	defer stop()
	if st, body := get(t, s.url+"/"); st != 500 || !strings.Contains(body, "the var KV has the same name as a binding") {
		t.Errorf("a var named like a binding: GET / = %d %q", st, body)
	}
}
