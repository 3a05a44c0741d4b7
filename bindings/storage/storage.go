// Package storage opens the storage backends a worker's configuration names — its
// D1 databases, KV namespaces and the Cache API store — under one state directory,
// and hands them to the runtime as env markers and bindings (runtime.Config.Env and
// runtime.Config.Bindings).
//
// The layout of a state directory (default .edged/state next to the wrangler config;
// --persist-to DIR replaces it, as in wrangler) is:
//
//	d1/<database_name, or the binding when it has none>.sqlite
//	kv/<binding>.sqlite
//	cache/cache.sqlite, cache/bodies/
//
// Every file is a plain SQLite database: `sqlite3 .edged/state/d1/my-db.sqlite` reads it.
package storage

import (
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"regexp"

	"github.com/edged-dev/edged/bindings/cache"
	"github.com/edged-dev/edged/bindings/d1"
	"github.com/edged-dev/edged/bindings/kv"
	"github.com/edged-dev/edged/config"
	"github.com/edged-dev/edged/runtime"
)

// DefaultDir is a project's state directory, relative to its wrangler config.
const DefaultDir = ".edged/state"

// Dir returns the state directory for a project in projectDir: persistTo when it
// is set (relative paths are taken from the working directory, as wrangler's
// --persist-to), else projectDir/.edged/state.
func Dir(projectDir, persistTo string) string {
	if persistTo != "" {
		if abs, err := filepath.Abs(persistTo); err == nil {
			return abs
		}
		return persistTo
	}
	return filepath.Join(projectDir, DefaultDir)
}

var unsafeChars = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

func fileName(name string) string {
	s := unsafeChars.ReplaceAllString(name, "_")
	if s == "" || s == "." || s == ".." {
		s = "_" + s
	}
	return s + ".sqlite"
}

// D1Path is the SQLite file of a D1 database under stateDir.
func D1Path(stateDir string, db config.D1Database) string {
	name := db.DatabaseName
	if name == "" {
		name = db.Binding
	}
	return filepath.Join(stateDir, "d1", fileName(name))
}

// KVPath is the SQLite file of a KV namespace under stateDir.
func KVPath(stateDir string, ns config.KVNamespace) string {
	return filepath.Join(stateDir, "kv", fileName(ns.Binding))
}

// CacheDir is the Cache API store's directory under stateDir.
func CacheDir(stateDir string) string { return filepath.Join(stateDir, "cache") }

// Options tune Open. The zero value opens SQLite defaults and a Cache API store
// of its own under the state directory.
type Options struct {
	D1    *d1.Options
	Cache *cache.Options
	// CacheStore, when set, is used instead of opening one: a host running many
	// workers can give them one store (Workers' cache is per data centre). Set
	// does not close it.
	CacheStore cache.Store
	// NoCache leaves the Cache API without a store (match() misses, put() is a
	// no-op), as on Workers' preview.
	NoCache bool
}

// Set is the opened backends of one worker.
type Set struct {
	// Env maps each binding name to its marker (runtime.Binding); merge it into
	// runtime.Config.Env.
	Env map[string]any
	// Bindings maps each binding name to its backend (d1.Database, kv.Store),
	// and cache.BindingName to the Cache API store.
	Bindings map[string]any

	closers []io.Closer
}

// Open opens (creating where needed) the backends for d1s and kvs, and the Cache
// API store, under stateDir.
func Open(stateDir string, d1s []config.D1Database, kvs []config.KVNamespace, o *Options) (*Set, error) {
	if o == nil {
		o = &Options{}
	}
	s := &Set{Env: map[string]any{}, Bindings: map[string]any{}}
	fail := func(err error) (*Set, error) {
		s.Close()
		return nil, err
	}
	claim := func(name string) error {
		if name == "" {
			return errors.New("storage: a binding has no name")
		}
		if _, dup := s.Bindings[name]; dup {
			return fmt.Errorf("storage: binding %q is defined twice", name)
		}
		return nil
	}
	opened := map[string]*d1.DB{} // one handle per file: two bindings may share a database
	for _, c := range d1s {
		if err := claim(c.Binding); err != nil {
			return fail(err)
		}
		path := D1Path(stateDir, c)
		db := opened[path]
		if db == nil {
			var err error
			if db, err = d1.Open(path, o.D1); err != nil {
				return fail(fmt.Errorf("storage: D1 binding %s: %w", c.Binding, err))
			}
			opened[path] = db
			s.closers = append(s.closers, db)
		}
		s.Env[c.Binding] = runtime.Binding{Type: "d1", Name: c.Binding}
		s.Bindings[c.Binding] = db
	}
	for _, c := range kvs {
		if err := claim(c.Binding); err != nil {
			return fail(err)
		}
		ns, err := kv.Open(KVPath(stateDir, c), nil)
		if err != nil {
			return fail(fmt.Errorf("storage: KV binding %s: %w", c.Binding, err))
		}
		s.closers = append(s.closers, ns)
		s.Env[c.Binding] = runtime.Binding{Type: "kv", Name: c.Binding}
		s.Bindings[c.Binding] = ns
	}
	switch {
	case o.NoCache:
	case o.CacheStore != nil:
		s.Bindings[cache.BindingName] = o.CacheStore
	default:
		store, err := cache.Open(CacheDir(stateDir), o.Cache)
		if err != nil {
			return fail(fmt.Errorf("storage: Cache API store: %w", err))
		}
		s.closers = append(s.closers, store)
		s.Bindings[cache.BindingName] = store
	}
	return s, nil
}

// OpenProject opens the backends of a wrangler project: its d1_databases and
// kv_namespaces under Dir(cfg.Dir, persistTo).
func OpenProject(cfg *config.Config, persistTo string, o *Options) (*Set, error) {
	return Open(Dir(cfg.Dir, persistTo), cfg.D1Databases, cfg.KVNamespaces, o)
}

// Apply adds the set's env markers and backends to a worker's config. A binding
// whose name is already an env var is an error (wrangler refuses the same).
func (s *Set) Apply(rc *runtime.Config) error {
	if rc.Env == nil {
		rc.Env = map[string]any{}
	}
	if rc.Bindings == nil {
		rc.Bindings = map[string]any{}
	}
	for k, v := range s.Env {
		if _, dup := rc.Env[k]; dup {
			return fmt.Errorf("storage: binding %q has the same name as an env var", k)
		}
		rc.Env[k] = v
	}
	for k, v := range s.Bindings {
		rc.Bindings[k] = v
	}
	return nil
}

// D1 returns the database bound to binding, or nil.
func (s *Set) D1(binding string) *d1.DB {
	db, _ := s.Bindings[binding].(*d1.DB)
	return db
}

// Close closes every backend the set opened. Close it after the workers that use
// it (runtime.Worker.Close), so in-flight queries finish first.
func (s *Set) Close() error {
	var errs []error
	for i := len(s.closers) - 1; i >= 0; i-- {
		if err := s.closers[i].Close(); err != nil {
			errs = append(errs, err)
		}
	}
	s.closers = nil
	return errors.Join(errs...)
}
