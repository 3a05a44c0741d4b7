package runtime

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// A worker that is not bundled imports cloudflare:workers from the runtime: the env
// is readable at the top level of its modules, waitUntil extends the request that
// is running, and a WorkerEntrypoint class gets ctx and env.
func TestCloudflareWorkersModule(t *testing.T) {
	src := `
import { env, waitUntil, WorkerEntrypoint } from "cloudflare:workers";
import { fromLib } from "./lib.js";
const atTop = env.GREETING;
export default class extends WorkerEntrypoint {
  fetch(request) {
    const path = new URL(request.url).pathname;
    if (path === "/wait") {
      waitUntil(new Promise((resolve) => setTimeout(() => { console.log("waited " + env.GREETING); resolve(); }, 20)));
      return new Response("queued");
    }
    return new Response([atTop, fromLib, this.env.GREETING, env.GREETING, typeof this.ctx.waitUntil,
      Object.keys(env).join(","), "GREETING" in env].join(" "));
  }
}`
	lib := `import { env } from "cloudflare:workers"; export const fromLib = "lib:" + env.GREETING;`
	log := &consoleLog{}
	w, err := New(Config{Name: "cfw", MainModule: "worker.js", Modules: map[string]string{"worker.js": src, "lib.js": lib},
		Env: map[string]any{"GREETING": "hi"}, Limits: Limits{Isolates: 1}, Console: log.write})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close(t.Context())
	rec := httptest.NewRecorder()
	w.ServeHTTP(rec, httptest.NewRequest("GET", "http://x/", nil))
	if got, want := rec.Body.String(), "hi lib:hi hi hi function GREETING true"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	rec = httptest.NewRecorder()
	w.ServeHTTP(rec, httptest.NewRequest("GET", "http://x/wait", nil))
	if rec.Body.String() != "queued" {
		t.Fatalf("got %q", rec.Body.String())
	}
	deadline := time.Now().Add(5 * time.Second)
	for !strings.Contains(log.String(), "waited hi") {
		if time.Now().After(deadline) {
			t.Fatalf("the waitUntil promise did not run; console: %q", log.String())
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// The env cannot be changed through cloudflare:workers.
func TestCloudflareWorkersEnvReadOnly(t *testing.T) {
	src := `
import { env } from "cloudflare:workers";
let wrote, deleted;
try { env.X = 1; wrote = "no throw"; } catch (e) { wrote = e.constructor.name; }
try { delete env.A; deleted = "no throw"; } catch (e) { deleted = e.constructor.name; }
export default { fetch() { return new Response([wrote, deleted, env.A, env.X].join(" ")); } };`
	w, err := New(Config{Name: "ro", MainModule: "worker.js", Modules: map[string]string{"worker.js": src},
		Env: map[string]any{"A": "a"}, Limits: Limits{Isolates: 1}})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close(t.Context())
	rec := httptest.NewRecorder()
	w.ServeHTTP(rec, httptest.NewRequest("GET", "http://x/", nil))
	if got, want := rec.Body.String(), "TypeError TypeError a "; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

// A single file is a module when it has an import or export statement anywhere
// (minified onto one line too), else a service-worker script.
func TestLoadFileFormat(t *testing.T) {
	dir := t.TempDir()
	for i, c := range []struct {
		src    string
		script bool
	}{
		{"export default { fetch() { return new Response('x'); } };", false},
		{`import{x}from"./y.js";var a={fetch(){return new Response(x)}};export{a as default};`, false},
		{"const a = 1; export default { fetch() {} }", false},
		{"addEventListener('fetch', (e) => e.respondWith(new Response('x')));", true},
		{"// export default {}\naddEventListener('fetch', () => {});\nconst s = 'export default';", true},
		{"export default {", false}, // a syntax error: V8 reports it, as a module
	} {
		file := filepath.Join(dir, fmt.Sprintf("w%d.js", i))
		if err := os.WriteFile(file, []byte(c.src), 0o644); err != nil {
			t.Fatal(err)
		}
		cfg, err := LoadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		if cfg.Script != c.script {
			t.Errorf("%q: Script = %v, want %v", c.src, cfg.Script, c.script)
		}
	}
}

// A module that cannot be resolved fails the load with the resolver's message and
// no made-up position.
func TestLoadErrorForAMissingModule(t *testing.T) {
	for spec, want := range map[string]string{
		"./missing.js": "Cannot find module './missing.js' imported from worker.js",
		"node:fs":      `not implemented: module "node:fs" (imported from worker.js) is not provided by edged yet`,
	} {
		_, err := New(Config{Name: "m", MainModule: "worker.js", Modules: map[string]string{
			"worker.js": `import "` + spec + `"; export default { fetch() { return new Response("x"); } };`}})
		if err == nil || !strings.Contains(err.Error(), want) || strings.Contains(err.Error(), "undefined") {
			t.Errorf("import %q: got %v, want an error with %q", spec, err, want)
		}
	}
}

// When the client goes away, the request's signal aborts: a handler waiting on it
// hears of it, whether it read request.signal before or not.
func TestRequestSignalAbortsWhenTheClientLeaves(t *testing.T) {
	for _, early := range []bool{true, false} {
		src := `export default {
  fetch(request) {
    ` + map[bool]string{true: "const s = request.signal;", false: ""}[early] + `
    return new Promise((resolve) => {
      setTimeout(function check() {
        const s = request.signal;
        if (!s.aborted) { setTimeout(check, 5); return; }
        console.log("aborted: " + s.reason.name + " " + s.reason.message);
        resolve(new Response("too late"));
      }, 5);
    });
  },
};`
		log := &consoleLog{}
		w, err := New(Config{Name: "sig", MainModule: "worker.js", Modules: map[string]string{"worker.js": src},
			Limits: Limits{Isolates: 1}, Console: log.write})
		if err != nil {
			t.Fatal(err)
		}
		srv := httptest.NewServer(w)
		ctx, cancel := context.WithCancel(t.Context())
		req, _ := http.NewRequestWithContext(ctx, "GET", srv.URL, nil)
		go func() { time.Sleep(50 * time.Millisecond); cancel() }()
		if resp, err := http.DefaultClient.Do(req); err == nil {
			resp.Body.Close()
			t.Fatalf("got a response: %d", resp.StatusCode)
		}
		deadline := time.Now().Add(5 * time.Second)
		for !strings.Contains(log.String(), "aborted: AbortError The client closed the request") {
			if time.Now().After(deadline) {
				t.Fatalf("early=%v: the handler did not see the abort; console: %q", early, log.String())
			}
			time.Sleep(5 * time.Millisecond)
		}
		srv.Close()
		w.Close(t.Context())
	}
}
