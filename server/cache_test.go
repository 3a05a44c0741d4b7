package server

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// filesOpenUnder lists the files under dir that this process has open.
func filesOpenUnder(t *testing.T, dir string) []string {
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

// Every worker gets caches.default from one host store, opened on first use; a
// worker never sees another's entries.
func TestCachePerWorker(t *testing.T) {
	f := newFixture(t)
	f.write("c.js", `export default {
  async fetch(req, env) {
    const url = new URL(req.url);
    const key = "https://shared.example/item";
    if (url.pathname === "/put") {
      await caches.default.put(key, new Response("from " + env.NAME, { headers: { "cache-control": "max-age=600" } }));
      return new Response("stored");
    }
    const hit = await caches.default.match(key);
    return new Response(hit ? (await hit.text()) + " " + hit.headers.get("cf-cache-status") : "miss");
  },
};`)
	f.write("edged.toml", `
[server]
listen = ["127.0.0.1:0"]
[[workers]]
name = "one"
path = "c.js"
compatibility_date = "2025-01-01"
vars = { NAME = "one" }
[[workers]]
name = "two"
path = "c.js"
compatibility_date = "2025-01-01"
vars = { NAME = "two" }
[[routes]]
pattern = "one.test/*"
worker = "one"
[[routes]]
pattern = "two.test/*"
worker = "two"
`)
	state := filepath.Join(f.dir, "state")
	stores := NewStores(state)
	h := f.start(HostOptions{Bindings: stores.Bindings})
	if _, err := os.Stat(state); !os.IsNotExist(err) {
		t.Errorf("the state directory exists before any worker used the cache (%v)", err)
	}
	hc := &http.Client{Transport: &http.Transport{DialContext: dialTo(h.Addrs().HTTP[0])}, Timeout: 10 * time.Second}
	get := func(url string) string { resp, err := hc.Get(url); return body(t, resp, err) }
	if got := get("http://one.test/"); got != "miss" {
		t.Errorf("one before a put: %q", got)
	}
	if got := get("http://one.test/put"); got != "stored" {
		t.Errorf("one put: %q", got)
	}
	if got := get("http://one.test/"); got != "from one HIT" {
		t.Errorf("one after its put: %q, want a hit", got)
	}
	if got := get("http://two.test/"); got != "miss" {
		t.Errorf("two sees one's cache entry: %q", got)
	}
	if _, err := os.Stat(filepath.Join(state, "_cache", "cache.sqlite")); err != nil {
		t.Errorf("the host's cache store: %v", err)
	}
	h.Close()
	if err := stores.Close(); err != nil {
		t.Errorf("closing the stores: %v", err)
	}
	if files := filesOpenUnder(t, state); len(files) > 0 {
		t.Errorf("files still open after the stores closed:\n%s", strings.Join(files, "\n"))
	}
}
