package dev

import (
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/edged-dev/edged/bundle"
	"github.com/edged-dev/edged/runtime"
)

// nodeProject writes a project whose worker imports node:buffer and the bare name
// "events", with a node_modules/events package that bundling would pick when the
// bare name is not a built-in.
func nodeProject(t *testing.T, flags string) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "src"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(dir, "node_modules/events"), 0o755); err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(dir, "wrangler.toml"), `name = "nodeapp"
main = "src/index.js"
compatibility_date = "2025-05-01"
compatibility_flags = [`+flags+`]
[vars]
GREETING = "hi"
`)
	writeFile(t, filepath.Join(dir, "node_modules/events/package.json"), `{"name": "events", "main": "index.js"}`)
	writeFile(t, filepath.Join(dir, "node_modules/events/index.js"), `module.exports = { npm: true };`)
	writeFile(t, filepath.Join(dir, "src/index.js"), `import { Buffer } from "node:buffer";
import events from "events";
export default {
  fetch() {
    const kind = typeof events === "function" ? "builtin " + (events === events.EventEmitter) : "npm " + events.npm;
    return new Response([Buffer.from("héllo").toString("base64"), kind, typeof globalThis.Buffer,
      typeof globalThis.process === "object" ? JSON.stringify(process.env) : "no process"].join(" "));
  },
};
`)
	return dir
}

func serveOnce(t *testing.T, cfg runtime.Config) string {
	t.Helper()
	w, err := runtime.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close(t.Context())
	rec := httptest.NewRecorder()
	w.ServeHTTP(rec, httptest.NewRequest("GET", "http://x/", nil))
	return rec.Body.String()
}

// With nodejs_compat (at a 2025 date: v2 and process.env implied) the bare "events"
// is the built-in, not the npm package of that name, and the globals exist.
func TestNodeCompatProject(t *testing.T) {
	dir := nodeProject(t, `"nodejs_compat"`)
	cfg, err := LoadProject("", filepath.Join(dir, "wrangler.toml"), "")
	if err != nil {
		t.Fatal(err)
	}
	if want := (runtime.NodeCompat{Modules: true, V2: true, ProcessEnv: true}); cfg.NodeCompat != want {
		t.Errorf("NodeCompat = %+v, want %+v", cfg.NodeCompat, want)
	}
	if got, want := serveOnce(t, cfg), `aMOpbGxv builtin true function {"GREETING":"hi"}`; got != want {
		t.Errorf("got %q, want %q", got, want)
	}

	// Without the flag, node:buffer fails to load with the flag named, and the bare
	// "events" is bundled from node_modules.
	dir = nodeProject(t, "")
	cfg, err = LoadProject("", filepath.Join(dir, "wrangler.toml"), "")
	if err != nil {
		t.Fatal(err)
	}
	if cfg.NodeCompat != (runtime.NodeCompat{}) {
		t.Errorf("NodeCompat without the flag = %+v", cfg.NodeCompat)
	}
	if _, err := runtime.New(cfg); err == nil || !strings.Contains(err.Error(), "needs the nodejs_compat compatibility flag") {
		t.Errorf("load without nodejs_compat: %v", err)
	}
	p, err := Open(LoadOptions{ConfigPath: filepath.Join(dir, "wrangler.toml"), NoDevVars: true, NoBindings: true})
	if err != nil {
		t.Fatal(err)
	}
	res, err := bundle.Build(p.BundleOptions())
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(res.Modules[res.Main], "npm: true") {
		t.Errorf("without nodejs_compat the npm package events is not bundled:\n%s", res.Modules[res.Main])
	}
}
