package dev

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"sync"

	"github.com/edged-dev/edged/bindings/cache"
	"github.com/edged-dev/edged/bindings/storage"
	"github.com/edged-dev/edged/config"
	"github.com/edged-dev/edged/runtime"
)

// OpenBindings opens a project's bindings: given the config (nil without one) and the
// local state directory, it returns the env entries (the config's [vars] and a
// runtime.Binding marker per D1 database and KV namespace), the backends ops reach by
// binding name (runtime.Config.Bindings: the databases, the namespaces and the Cache
// API store) and a function that closes them, to call after the worker is closed.
//
// The files follow bindings/storage's layout under stateDir: d1/<database_name>.sqlite,
// kv/<binding>.sqlite, cache/. The dev server does not call it for each version: it
// keeps one set open for the session (see stores).
func OpenBindings(cfg *config.Config, stateDir string) (env map[string]any, backends map[string]any, closeFn func() error, err error) {
	set, err := storage.Open(stateDir, d1sOf(cfg), kvsOf(cfg), nil)
	if err != nil {
		return nil, nil, nil, err
	}
	env, backends, err = apply(cfg, set)
	if err != nil {
		set.Close()
		return nil, nil, nil, err
	}
	return env, backends, set.Close, nil
}

func d1sOf(cfg *config.Config) []config.D1Database {
	if cfg == nil {
		return nil
	}
	return cfg.D1Databases
}

func kvsOf(cfg *config.Config) []config.KVNamespace {
	if cfg == nil {
		return nil
	}
	return cfg.KVNamespaces
}

// apply returns the config's [vars] with the set's markers added, and the set's
// backends. A binding named like a var is an error, as in wrangler.
func apply(cfg *config.Config, set *storage.Set) (env, backends map[string]any, err error) {
	rc := runtime.Config{Env: map[string]any{}, Bindings: map[string]any{}}
	if cfg != nil {
		maps.Copy(rc.Env, cfg.Vars)
	}
	if err := set.Apply(&rc); err != nil {
		return nil, nil, err
	}
	return rc.Env, rc.Bindings, nil
}

// stores keeps the storage of one dev session open across reloads. Every version
// built from the same bindings (state directory, d1_databases, kv_namespaces) shares
// one storage.Set, so a reload reopens nothing and each SQLite file keeps a single
// writer. A config edit that changes the bindings opens a new set; the old one is
// closed when the last version using it has retired. While both live, a database
// named by both has two handles; D1 and KV open SQLite in WAL mode with a busy
// timeout and take the write lock up front (BEGIN IMMEDIATE), so the two wait for
// each other instead of failing with "database is locked".
//
// The Cache API store is opened once per state directory for the whole session and
// handed to every set: opening one sweeps body files that no row names yet, which
// must never race a put() of a running version.
type stores struct {
	mu     sync.Mutex
	sets   map[string]*sharedSet  // by setKey
	caches map[string]*cache.Disk // by state directory
	closed bool
}

type sharedSet struct {
	set  *storage.Set
	refs int
}

func newStores() *stores {
	return &stores{sets: map[string]*sharedSet{}, caches: map[string]*cache.Disk{}}
}

func setKey(stateDir string, cfg *config.Config) string {
	b, _ := json.Marshal(struct {
		Dir string
		D1  []config.D1Database
		KV  []config.KVNamespace
	}{stateDir, d1sOf(cfg), kvsOf(cfg)})
	return string(b)
}

// open is OpenBindings for one version of the session's worker: the returned
// function releases the version's hold on the shared set.
func (s *stores) open(cfg *config.Config, stateDir string) (env, backends map[string]any, release func() error, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil, nil, nil, errors.New("dev: the session's storage is closed")
	}
	key := setKey(stateDir, cfg)
	sh := s.sets[key]
	if sh == nil {
		c := s.caches[stateDir]
		if c == nil {
			if c, err = cache.Open(storage.CacheDir(stateDir), nil); err != nil {
				return nil, nil, nil, fmt.Errorf("storage: Cache API store: %w", err)
			}
			s.caches[stateDir] = c
		}
		set, err := storage.Open(stateDir, d1sOf(cfg), kvsOf(cfg), &storage.Options{CacheStore: c})
		if err != nil {
			return nil, nil, nil, err
		}
		sh = &sharedSet{set: set}
		s.sets[key] = sh
	}
	env, backends, err = apply(cfg, sh.set)
	if err != nil {
		if sh.refs == 0 {
			delete(s.sets, key)
			sh.set.Close()
		}
		return nil, nil, nil, err
	}
	sh.refs++
	var once sync.Once
	release = func() error {
		var err error
		once.Do(func() {
			s.mu.Lock()
			defer s.mu.Unlock()
			sh.refs--
			if sh.refs == 0 && s.sets[key] == sh {
				delete(s.sets, key)
				err = sh.set.Close()
			}
		})
		return err
	}
	return env, backends, release, nil
}

// close closes every set still open and the cache stores. Call it after every
// version's worker is closed.
func (s *stores) close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.closed = true
	var errs []error
	for k, sh := range s.sets {
		errs = append(errs, sh.set.Close())
		delete(s.sets, k)
	}
	for k, c := range s.caches {
		errs = append(errs, c.Close())
		delete(s.caches, k)
	}
	return errors.Join(errs...)
}
