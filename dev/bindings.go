package dev

import (
	"github.com/edged-dev/edged/config"
)

// OpenBindings is the seam where a project's bindings come to life: given the
// config (nil without one) and the local state directory, it returns the env entries
// (plain values and runtime.Binding markers), the backends ops reach by binding name
// (runtime.Config.Bindings), and a function that releases them.
//
// Today it returns the config's [vars] only. D1 databases and KV namespaces are wired
// here, with their SQLite files under stateDir (readable names: d1/<binding>.sqlite,
// kv/<binding>.sqlite), once bindings/d1 and bindings/kv expose openers; until then
// the dev server warns that they are not bound.
func OpenBindings(cfg *config.Config, stateDir string) (env map[string]any, backends map[string]any, closeFn func() error, err error) {
	env = map[string]any{}
	backends = map[string]any{}
	if cfg != nil {
		for k, v := range cfg.Vars {
			env[k] = v
		}
	}
	_ = stateDir
	return env, backends, func() error { return nil }, nil
}

// unboundBindings names the config's bindings that OpenBindings does not supply yet.
func unboundBindings(cfg *config.Config) []string {
	if cfg == nil {
		return nil
	}
	var out []string
	for _, d := range cfg.D1Databases {
		out = append(out, "D1 database "+d.Binding)
	}
	for _, k := range cfg.KVNamespaces {
		out = append(out, "KV namespace "+k.Binding)
	}
	return out
}
