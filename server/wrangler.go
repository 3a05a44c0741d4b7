package server

import (
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"

	"github.com/edged-dev/edged/bindings/storage"
	"github.com/edged-dev/edged/bundle"
	"github.com/edged-dev/edged/config"
	"github.com/edged-dev/edged/config/cron"
	"github.com/edged-dev/edged/dev"
	"github.com/edged-dev/edged/runtime"
)

// ProjectOptions describe the project form, `edged serve [entry] --config
// wrangler.toml`.
type ProjectOptions struct {
	// Single gives the listener, --var values, limits and the admin listener; its
	// File is not used.
	Single
	Entry      string // overrides the config's main; "" uses it
	ConfigPath string // the wrangler config (wrangler.toml, .json or .jsonc)
	Env        string // the [env.NAME] section to apply; "" for the top level
	// PersistTo is the state directory; "" is .edged/state next to the config, the
	// directory `edged dev` and `edged d1` use by default.
	PersistTo string
	// Log receives the worker's console output, its stacks mapped back to the
	// sources, and the project's warnings; nil: JSON on standard error. Give it the
	// host's Logger.
	Log *slog.Logger
}

// Project is the project form: one wrangler project, bundled as `edged dev` bundles
// it (package dev, source maps included; no .dev.vars), routed for every host and
// path. Its D1 databases and KV namespaces are the files of bindings/storage's layout
// under the state directory, shared with `edged dev` and `edged d1`; they and the
// Cache API store (<state>/cache) are opened once and kept across reloads, and
// closed by Close. [triggers] crons run on their schedule (HostOptions.Crons).
type Project struct {
	o        ProjectOptions
	log      *slog.Logger
	stateDir string
	stores   *Stores
	worker   string           // the worker's name at start (the crons run on it)
	crons    []*cron.Schedule // as loaded at start; a reload that changes them warns
}

// NewProject reads the wrangler config (it does not bundle yet).
func NewProject(o ProjectOptions) (*Project, error) {
	p := &Project{o: o, log: o.Log}
	if p.log == nil {
		p.log = slog.New(slog.NewJSONHandler(os.Stderr, nil))
	}
	proj, err := p.open()
	if err != nil {
		return nil, err
	}
	p.stateDir = storage.Dir(proj.Dir, o.PersistTo)
	p.stores = newStores(p.stateDir, storage.CacheDir(p.stateDir))
	p.crons = proj.Config.Triggers.Schedules
	p.worker = workerName(proj.Name())
	return p, nil
}

func (p *Project) open() (*dev.Project, error) {
	proj, err := dev.Open(dev.LoadOptions{Entry: p.o.Entry, ConfigPath: p.o.ConfigPath, Env: p.o.Env, NoDevVars: true, NoBindings: true})
	if err != nil {
		return nil, err
	}
	if proj.Config == nil {
		return nil, fmt.Errorf("server: the project form needs a wrangler config")
	}
	return proj, nil
}

// StateDir is where the project's storage lives.
func (p *Project) StateDir() string { return p.stateDir }

// Configure points a host's options at the project: its config, loader, storage
// and crons.
func (p *Project) Configure(o *HostOptions) {
	o.LoadConfig = p.Config
	o.LoadProject = p.LoadProject
	o.Bindings = p.stores.Bindings
	if len(p.crons) > 0 {
		o.Crons = map[string][]*cron.Schedule{p.worker: p.crons}
	}
}

// Config reads the wrangler config again and returns the host config of the
// project: one worker, routed for */*. It fits HostOptions.LoadConfig (a reload
// rebuilds the worker).
func (p *Project) Config() (*config.Edged, error) {
	proj, err := p.open()
	if err != nil {
		return nil, err
	}
	for _, w := range proj.WarningLines() {
		p.log.Warn("config: " + w)
	}
	if !slices.Equal(cronStrings(p.crons), cronStrings(proj.Config.Triggers.Schedules)) {
		p.log.Warn("[triggers] crons changed; restart edged serve to run the new schedule", "running", cronStrings(p.crons))
	}
	return p.o.Single.config(workerName(proj.Name()), proj.Dir, true)
}

// LoadProject bundles the project and opens (or reuses) its storage. It fits
// HostOptions.LoadProject.
func (p *Project) LoadProject(wc config.Worker) (runtime.Config, error) {
	proj, err := p.open()
	if err != nil {
		return runtime.Config{}, err
	}
	res, err := bundle.Build(proj.BundleOptions())
	if err != nil {
		return runtime.Config{}, fmt.Errorf("building %s: %w", proj.Entry, err)
	}
	log := p.log
	prep, err := proj.Prepare(res, false, func(worker string, level int, text string) { logConsole(log, worker, level, text) })
	if err != nil {
		return runtime.Config{}, err
	}
	env, backends, err := p.stores.ProjectBindings(proj.Config)
	if err != nil {
		return runtime.Config{}, err
	}
	rc := prep.Runtime
	for k, v := range env {
		if _, dup := rc.Env[k]; dup {
			return runtime.Config{}, fmt.Errorf("%s: the binding %s has the same name as a var", proj.Config.Path, k)
		}
		rc.Env[k] = v
	}
	for k := range wc.Vars {
		if _, ok := rc.Env[k].(runtime.Binding); ok {
			return runtime.Config{}, fmt.Errorf("--var %s has the same name as a binding", k)
		}
	}
	rc.Bindings = backends
	return rc, nil
}

// Close closes the project's storage; call it after the host has shut down.
func (p *Project) Close() error { return p.stores.Close() }

// IsWranglerConfig reports whether path names a wrangler config by its file name
// (wrangler.toml, wrangler.json, wrangler.jsonc, or wrangler.<anything>.toml and
// the like), as opposed to an edged.toml.
func IsWranglerConfig(path string) bool {
	base := filepath.Base(path)
	if slices.Contains(config.ConfigFiles, base) {
		return true
	}
	ext := filepath.Ext(base)
	return (ext == ".toml" || ext == ".json" || ext == ".jsonc") && len(base) > len("wrangler.") && base[:len("wrangler.")] == "wrangler."
}
