package server

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/edged-dev/edged/bindings/cache"
	"github.com/edged-dev/edged/bindings/d1"
	"github.com/edged-dev/edged/bindings/kv"
	"github.com/edged-dev/edged/bindings/storage"
	"github.com/edged-dev/edged/bundle"
	"github.com/edged-dev/edged/config"
	"github.com/edged-dev/edged/runtime"
)

// LoadProject bundles a worker whose path is a wrangler project folder: its
// wrangler config names the entry point, build options and vars; edged.toml's vars
// and secrets are added over them. Storage bindings come from edged.toml only.
func LoadProject(wc config.Worker) (runtime.Config, error) {
	wr, _, err := config.LoadDir(wc.Path, "")
	if err != nil {
		return runtime.Config{}, err
	}
	if wr.Main == "" {
		return runtime.Config{}, fmt.Errorf("%s: the wrangler config has no main entry point", wr.Path)
	}
	res, err := bundle.Build(bundle.Options{
		Entry:     wr.Abs(wr.Main),
		Dir:       wr.Dir,
		Define:    wr.Define,
		Alias:     wr.Alias,
		Minify:    wr.Minify,
		NoBundle:  wr.NoBundle,
		Rules:     wr.Rules,
		SourceMap: bundle.SourceMapNone,
		NodeBuiltins: func() []string {
			if runtime.NodeCompatFor(wr.Compat).V2 {
				return runtime.NodeBuiltinNames()
			}
			return nil
		}(),
	})
	if err != nil {
		return runtime.Config{}, fmt.Errorf("building %s: %w", wr.Abs(wr.Main), err)
	}
	main, modules, script := bundle.Wrap(res, bundle.WrapOptions{})
	return runtime.Config{Name: wc.Name, MainModule: main, Modules: modules, Script: script, Env: wr.Vars,
		NodeCompat: runtime.NodeCompatFor(wr.Compat)}, nil
}

// Stores opens the D1 databases and KV namespaces that workers declare, under a
// state directory, one folder per worker: <dir>/<worker>/d1/<id>.sqlite and
// <dir>/<worker>/kv/<id>.sqlite. A worker can reach only its own folder, whatever
// ids it names, so tenants never share storage. Each store is opened once and
// shared by the versions of its worker across reloads; Close closes them all.
//
// Every worker also gets the Cache API (caches.default, caches.open): one store for
// the host under <dir>/_cache (no worker can be named so), opened on first use,
// with one size budget and LRU for all (Workers' cache is per data centre). Each
// worker's cache names are prefixed with its own name, so a worker never sees
// another's entries.
type Stores struct {
	dir   string
	mu    sync.Mutex
	open  map[string]interface{ Close() error }
	cache *hostCache
}

// NewStores keeps state under dir.
func NewStores(dir string) *Stores {
	return newStores(dir, filepath.Join(dir, "_cache"))
}

func newStores(dir, cacheDir string) *Stores {
	return &Stores{dir: dir, open: map[string]interface{ Close() error }{}, cache: &hostCache{dir: cacheDir}}
}

// Bindings opens (or reuses) the worker's stores and gives it the Cache API; it
// fits HostOptions.Bindings.
func (s *Stores) Bindings(wc config.Worker) (map[string]any, map[string]any, error) {
	env, backends := map[string]any{}, map[string]any{}
	backends[cache.BindingName] = workerCache{c: s.cache, prefix: wc.Name + "/"}
	for _, db := range wc.D1Databases {
		id := firstNonEmpty(db.DatabaseID, db.DatabaseName, db.Binding)
		st, err := s.get(filepath.Join(safeName(wc.Name), "d1", safeName(id)+".sqlite"), func(p string) (interface{ Close() error }, error) {
			return d1.Open(p, nil)
		})
		if err != nil {
			return nil, nil, fmt.Errorf("d1_databases %s: %w", db.Binding, err)
		}
		env[db.Binding] = runtime.Binding{Type: "d1", Name: db.Binding}
		backends[db.Binding] = st
	}
	for _, ns := range wc.KVNamespaces {
		id := firstNonEmpty(ns.ID, ns.Binding)
		st, err := s.get(filepath.Join(safeName(wc.Name), "kv", safeName(id)+".sqlite"), func(p string) (interface{ Close() error }, error) {
			return kv.Open(p, nil)
		})
		if err != nil {
			return nil, nil, fmt.Errorf("kv_namespaces %s: %w", ns.Binding, err)
		}
		env[ns.Binding] = runtime.Binding{Type: "kv", Name: ns.Binding}
		backends[ns.Binding] = st
	}
	return env, backends, nil
}

// ProjectBindings opens (or reuses) the D1 databases and KV namespaces of a wrangler
// project in bindings/storage's layout under the state directory:
// d1/<database_name>.sqlite and kv/<binding>.sqlite, the files `edged dev` and
// `edged d1` use, so a project's migrations and data carry over. It is for the
// project form (one worker per Stores), where the state directory is the project's.
func (s *Stores) ProjectBindings(cfg *config.Config) (map[string]any, map[string]any, error) {
	env, backends := map[string]any{}, map[string]any{}
	for _, db := range cfg.D1Databases {
		st, err := s.get(storage.D1Path("", db), func(p string) (interface{ Close() error }, error) {
			return d1.Open(p, nil)
		})
		if err != nil {
			return nil, nil, fmt.Errorf("d1_databases %s: %w", db.Binding, err)
		}
		env[db.Binding] = runtime.Binding{Type: "d1", Name: db.Binding}
		backends[db.Binding] = st
	}
	for _, ns := range cfg.KVNamespaces {
		st, err := s.get(storage.KVPath("", ns), func(p string) (interface{ Close() error }, error) {
			return kv.Open(p, nil)
		})
		if err != nil {
			return nil, nil, fmt.Errorf("kv_namespaces %s: %w", ns.Binding, err)
		}
		env[ns.Binding] = runtime.Binding{Type: "kv", Name: ns.Binding}
		backends[ns.Binding] = st
	}
	return env, backends, nil
}

func (s *Stores) get(rel string, open func(string) (interface{ Close() error }, error)) (any, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if st := s.open[rel]; st != nil {
		return st, nil
	}
	p := filepath.Join(s.dir, rel)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return nil, err
	}
	st, err := open(p)
	if err != nil {
		return nil, err
	}
	s.open[rel] = st
	return st, nil
}

// Close closes every store. Call it after the workers are closed.
func (s *Stores) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	var errs []error
	for k, st := range s.open {
		if err := st.Close(); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", k, err))
		}
		delete(s.open, k)
	}
	if err := s.cache.close(); err != nil {
		errs = append(errs, fmt.Errorf("cache: %w", err))
	}
	return errors.Join(errs...)
}

// hostCache is a host's Cache API store, opened on first use: a host whose workers
// never touch the cache writes nothing to disk.
type hostCache struct {
	dir    string
	mu     sync.Mutex
	disk   *cache.Disk
	closed bool
}

func (h *hostCache) get() (*cache.Disk, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		return nil, errors.New("server: the cache store is closed")
	}
	if h.disk == nil {
		d, err := cache.Open(h.dir, nil)
		if err != nil {
			return nil, err
		}
		h.disk = d
	}
	return h.disk, nil
}

func (h *hostCache) close() error {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.closed = true
	if h.disk == nil {
		return nil
	}
	err := h.disk.Close()
	h.disk = nil
	return err
}

// workerCache is one worker's view of the host's cache: its cache names carry the
// worker's name, so workers never see each other's entries.
type workerCache struct {
	c      *hostCache
	prefix string
}

var _ cache.Store = workerCache{}

func (w workerCache) Put(ctx context.Context, cacheName, url, method string, reqHeader http.Header, status int, respHeader http.Header, body io.Reader) (bool, error) {
	d, err := w.c.get()
	if err != nil {
		return false, err
	}
	return d.Put(ctx, w.prefix+cacheName, url, method, reqHeader, status, respHeader, body)
}

func (w workerCache) Match(ctx context.Context, cacheName, url, method string, reqHeader http.Header, o cache.MatchOptions) (*cache.Response, error) {
	d, err := w.c.get()
	if err != nil {
		return nil, err
	}
	return d.Match(ctx, w.prefix+cacheName, url, method, reqHeader, o)
}

func (w workerCache) Delete(ctx context.Context, cacheName, url, method string, o cache.MatchOptions) (bool, error) {
	d, err := w.c.get()
	if err != nil {
		return false, err
	}
	return d.Delete(ctx, w.prefix+cacheName, url, method, o)
}

// Close does nothing: the store is the host's (Stores.Close).
func (w workerCache) Close() error { return nil }

func firstNonEmpty(s ...string) string {
	for _, x := range s {
		if x != "" {
			return x
		}
	}
	return ""
}

// safeName keeps letters, digits, '-', '_' and '.' (not leading), escaping the rest,
// so an id can never climb out of its folder.
func safeName(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || (c == '.' && i > 0) {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02x", c)
		}
	}
	if b.Len() == 0 {
		return "_"
	}
	return b.String()
}
