package storage

import (
	"context"
	"io"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"

	"github.com/edged-dev/edged/bindings/cache"
	"github.com/edged-dev/edged/config"
	"github.com/edged-dev/edged/runtime"
)

const wranglerTOML = `
name = "app"
main = "worker.js"
compatibility_date = "2024-09-23"

[[d1_databases]]
binding = "DB"
database_name = "my-db"
database_id = "00000000-0000-0000-0000-000000000000"

[[d1_databases]]
binding = "OTHER"
database_id = "11111111-1111-1111-1111-111111111111"
database_name = "o/ther"

[[kv_namespaces]]
binding = "KV"
id = "abc"
`

const worker = `export default {
  async fetch(req, env) {
    const url = new URL(req.url);
    if (url.pathname === "/write") {
      await env.DB.exec("CREATE TABLE IF NOT EXISTS hits (n INTEGER)");
      await env.DB.prepare("INSERT INTO hits VALUES (?)").bind(1).run();
      await env.KV.put("k", "v");
      await caches.default.put("https://x/c", new Response("c", { headers: { "cache-control": "max-age=600" } }));
      return new Response("ok");
    }
    const n = await env.DB.prepare("SELECT count(*) AS n FROM hits").first("n");
    const c = await caches.default.match("https://x/c");
    return new Response([n, await env.KV.get("k"), c && await c.text(), typeof env.OTHER.prepare, env.NAME].join(" "));
  },
};`

func project(t *testing.T) *config.Config {
	t.Helper()
	dir := t.TempDir()
	file := filepath.Join(dir, "wrangler.toml")
	if err := os.WriteFile(file, []byte(wranglerTOML), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg, _, err := config.Load(file, "")
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

func serve(t *testing.T, set *Set, path string) string {
	t.Helper()
	rc := runtime.Config{MainModule: "worker.js", Modules: map[string]string{"worker.js": worker}, Env: map[string]any{"NAME": "app"}}
	if err := set.Apply(&rc); err != nil {
		t.Fatal(err)
	}
	w, err := runtime.New(rc)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close(context.Background())
	rec := httptest.NewRecorder()
	w.ServeHTTP(rec, httptest.NewRequest("GET", "http://localhost"+path, nil))
	body, _ := io.ReadAll(rec.Body)
	if rec.Code != 200 {
		t.Fatalf("GET %s: got %d %s", path, rec.Code, body)
	}
	return string(body)
}

func TestOpenProjectPersists(t *testing.T) {
	cfg := project(t)
	set, err := OpenProject(cfg, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	state := filepath.Join(cfg.Dir, ".edged", "state")
	for _, f := range []string{"d1/my-db.sqlite", "d1/o_ther.sqlite", "kv/KV.sqlite", "cache/cache.sqlite"} {
		if _, err := os.Stat(filepath.Join(state, f)); err != nil {
			t.Errorf("state file %s: %v", f, err)
		}
	}
	if serve(t, set, "/write") != "ok" {
		t.Fatal("write failed")
	}
	if err := set.Close(); err != nil {
		t.Fatal(err)
	}
	// A new process (a new set on the same directory) sees every write.
	set, err = OpenProject(cfg, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer set.Close()
	if got := serve(t, set, "/read"); got != "1 v c function app" {
		t.Errorf("after reopening: got %q, want %q", got, "1 v c function app")
	}
}

func TestPersistTo(t *testing.T) {
	cfg := project(t)
	dir := t.TempDir()
	set, err := OpenProject(cfg, dir, &Options{NoCache: true})
	if err != nil {
		t.Fatal(err)
	}
	defer set.Close()
	if _, err := os.Stat(filepath.Join(dir, "d1", "my-db.sqlite")); err != nil {
		t.Error(err)
	}
	if _, err := os.Stat(filepath.Join(cfg.Dir, ".edged")); !os.IsNotExist(err) {
		t.Errorf("--persist-to still wrote under the project: %v", err)
	}
	if _, ok := set.Bindings[cache.BindingName]; ok {
		t.Error("NoCache: got a cache store")
	}
	if set.D1("DB") == nil || set.D1("KV") != nil {
		t.Error("D1 lookup")
	}
}

func TestOpenErrors(t *testing.T) {
	dir := t.TempDir()
	_, err := Open(dir, []config.D1Database{{Binding: "A"}}, []config.KVNamespace{{Binding: "A"}}, nil)
	if err == nil || err.Error() != `storage: binding "A" is defined twice` {
		t.Errorf("got %v", err)
	}
	set, err := Open(dir, []config.D1Database{{Binding: "A", DatabaseName: "same"}, {Binding: "B", DatabaseName: "same"}}, nil, &Options{NoCache: true})
	if err != nil {
		t.Fatal(err)
	}
	defer set.Close()
	if set.D1("A") != set.D1("B") {
		t.Error("two bindings of one database got two handles")
	}
	rc := runtime.Config{Env: map[string]any{"A": "var"}}
	if err := set.Apply(&rc); err == nil {
		t.Error("Apply: a binding named like an env var was accepted")
	}
}
