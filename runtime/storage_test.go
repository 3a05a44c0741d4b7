package runtime

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/edged-dev/edged/bindings/cache"
	"github.com/edged-dev/edged/bindings/d1"
	"github.com/edged-dev/edged/bindings/kv"
)

// fixtureBindings reads the optional bindings.json of a worker fixture and gives the
// worker storage backends in a fresh temp dir:
//
//	{"d1": [{"binding": "DB", "seed": "seed.sql"}], "kv": [{"binding": "KV"}], "cache": true}
//
// seed (optional) is a SQL script, relative to the fixture, run before the worker
// starts. cache: true binds the Cache API store (caches.default, caches.open).
func fixtureBindings(t testing.TB, dir string, cfg *Config) {
	b, err := os.ReadFile(filepath.Join(dir, "bindings.json"))
	if os.IsNotExist(err) {
		return
	}
	if err != nil {
		t.Fatal(err)
	}
	var spec struct {
		D1 []struct {
			Binding string `json:"binding"`
			Seed    string `json:"seed"`
		} `json:"d1"`
		KV []struct {
			Binding string `json:"binding"`
		} `json:"kv"`
		Cache bool `json:"cache"`
	}
	if err := json.Unmarshal(b, &spec); err != nil {
		t.Fatalf("bindings.json: %v", err)
	}
	state := t.TempDir()
	if cfg.Env == nil {
		cfg.Env = map[string]any{}
	}
	if cfg.Bindings == nil {
		cfg.Bindings = map[string]any{}
	}
	for _, s := range spec.D1 {
		db, err := d1.Open(filepath.Join(state, "d1", s.Binding+".sqlite"), nil)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		if s.Seed != "" {
			sql, err := os.ReadFile(filepath.Join(dir, s.Seed))
			if err != nil {
				t.Fatal(err)
			}
			if _, err := db.ExecScript(context.Background(), string(sql)); err != nil {
				t.Fatalf("%s: %v", s.Seed, err)
			}
		}
		cfg.Env[s.Binding] = Binding{Type: "d1", Name: s.Binding}
		cfg.Bindings[s.Binding] = db
	}
	for _, s := range spec.KV {
		ns, err := kv.Open(filepath.Join(state, "kv", s.Binding+".sqlite"), nil)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { ns.Close() })
		cfg.Env[s.Binding] = Binding{Type: "kv", Name: s.Binding}
		cfg.Bindings[s.Binding] = ns
	}
	if spec.Cache {
		store, err := cache.Open(filepath.Join(state, "cache"), nil)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { store.Close() })
		cfg.Bindings[cache.BindingName] = store
	}
}
