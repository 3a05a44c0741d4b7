// Package dev is `edged dev`: it turns a wrangler project (wrangler.toml/jsonc/json,
// .dev.vars, an entry point) into a worker, serves it on a local port, rebuilds on
// save and swaps versions without dropping requests. LoadProject gives the production
// host the same project loading without the dev server.
package dev

import (
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/edged-dev/edged/bundle"
	"github.com/edged-dev/edged/bundle/sourcemap"
	"github.com/edged-dev/edged/config"
	"github.com/edged-dev/edged/runtime"
)

// LoadOptions say which project to load and how.
type LoadOptions struct {
	// Entry overrides the config's `main`; relative to the working directory.
	Entry string
	// ConfigPath names the wrangler config. Empty: the nearest wrangler.json,
	// wrangler.jsonc or wrangler.toml from Dir up; none found is fine when Entry is set.
	ConfigPath string
	Env        string         // the [env.NAME] section to apply ("" for the top level)
	Dir        string         // where to look for a config; default the working directory
	Vars       map[string]any // --var overrides, applied last
	// StateDir holds local binding state; default <project>/.edged/state.
	StateDir string
	// NoDevVars skips .dev.vars/.env (the production host reads secrets elsewhere).
	NoDevVars bool
	// NoBindings leaves storage to the caller: the runtime config gets the vars but
	// no D1/KV/Cache backends (the production host opens those once per process, so
	// a reload does not open a second handle on each file).
	NoBindings bool
}

// Project is a loaded wrangler project, before bundling.
type Project struct {
	Config   *config.Config // nil when run without a config file
	Warnings []config.Warning
	Dir      string // the project root: the config's directory, or the working directory
	Entry    string // absolute path of the entry point
	StateDir string
	// Files are the config and dotenv files read: a change to one reloads the project.
	Files []string
	// Vars are the env's plain values: [vars], then .dev.vars/.env, then --var.
	Vars map[string]any
	// NoBindings: Prepare opens no storage (LoadOptions.NoBindings).
	NoBindings bool
}

// Open reads the project's config and secrets. It does not bundle.
func Open(o LoadOptions) (*Project, error) {
	dir := o.Dir
	if dir == "" {
		wd, err := os.Getwd()
		if err != nil {
			return nil, err
		}
		dir = wd
	}
	dir, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	p := &Project{Dir: dir, NoBindings: o.NoBindings}
	cfgPath := o.ConfigPath
	if cfgPath == "" {
		found, warns, err := config.Find(dir)
		switch {
		case err == nil:
			cfgPath = found
			p.Warnings = append(p.Warnings, warns...)
		case o.Entry == "":
			return nil, fmt.Errorf("%w\n(give an entry point, e.g. `edged dev src/index.ts`, or create a wrangler.toml with main = \"src/index.ts\")", err)
		}
	}
	if cfgPath != "" {
		cfg, warns, err := config.Load(cfgPath, o.Env)
		p.Warnings = append(p.Warnings, warns...)
		if err != nil {
			return nil, err
		}
		p.Config = cfg
		p.Dir = cfg.Dir
		p.Files = append(p.Files, cfg.Path)
	} else if o.Env != "" {
		return nil, fmt.Errorf("--env %s needs a wrangler config with an [env.%s] section", o.Env, o.Env)
	}
	switch {
	case o.Entry != "":
		e, err := filepath.Abs(o.Entry)
		if err != nil {
			return nil, err
		}
		p.Entry = e
	case p.Config != nil && p.Config.Main != "":
		p.Entry = p.Config.Abs(p.Config.Main)
	default:
		return nil, fmt.Errorf("%s: no entry point: set `main` in the config or give one on the command line", p.Config.Path)
	}
	if _, err := os.Stat(p.Entry); err != nil {
		return nil, fmt.Errorf("entry point: %w", err)
	}
	p.StateDir = o.StateDir
	if p.StateDir == "" {
		p.StateDir = filepath.Join(p.Dir, ".edged", "state")
	} else if p.StateDir, err = filepath.Abs(p.StateDir); err != nil {
		return nil, err
	}

	p.Vars = map[string]any{}
	if p.Config != nil {
		maps.Copy(p.Vars, p.Config.Vars)
	}
	if !o.NoDevVars {
		secrets, files, err := config.LoadDevVars(p.Dir, o.Env)
		if err != nil {
			return nil, err
		}
		for k, v := range secrets {
			p.Vars[k] = v
		}
		p.Files = append(p.Files, files...)
	}
	maps.Copy(p.Vars, o.Vars)
	return p, nil
}

// Name is the worker's name: the config's, or the entry's base name.
func (p *Project) Name() string {
	if p.Config != nil && p.Config.Name != "" {
		return p.Config.Name
	}
	base := filepath.Base(p.Entry)
	return base[:len(base)-len(filepath.Ext(base))]
}

// BundleOptions are the esbuild settings the config asks for.
func (p *Project) BundleOptions() bundle.Options {
	o := bundle.Options{Entry: p.Entry, Dir: p.Dir}
	if c := p.Config; c != nil {
		o.Define, o.Alias, o.Minify, o.NoBundle, o.Rules = c.Define, c.Alias, c.Minify, c.NoBundle, c.Rules
		if runtime.NodeCompatFor(c.Compat).V2 {
			o.NodeBuiltins = runtime.NodeBuiltinNames()
		}
	}
	return o
}

// Limits are the runtime limits the config asks for; dev is generous with CPU
// (wrangler dev enforces none) unless the config sets limits.cpu_ms.
func (p *Project) Limits(dev bool) runtime.Limits {
	var l runtime.Limits
	if p.Config != nil && p.Config.Limits.CPUMs > 0 {
		l.CPU = time.Duration(p.Config.Limits.CPUMs) * time.Millisecond
	} else if dev {
		l.CPU = 30 * time.Second
	}
	if dev {
		// One isolate, as wrangler dev runs one: global state behaves the same.
		l.Isolates = 1
	}
	return l
}

// nodeCompat is the node compatibility the config's flags ask for (none without a config).
func (p *Project) nodeCompat() runtime.NodeCompat {
	if p.Config == nil {
		return runtime.NodeCompat{}
	}
	return runtime.NodeCompatFor(p.Config.Compat)
}

// Prepared is a built project ready for runtime.New.
type Prepared struct {
	Runtime  runtime.Config
	Remapper *sourcemap.Remapper // maps bundle locations in stacks back to the sources
	// Token marks the facade's dev error responses (bundle.ErrorHeader); empty
	// outside dev, where the facade has no internal protocol at all.
	Token string
	Build *bundle.Result
	Close func() error // releases the binding backends
}

// openFunc opens a project's bindings (OpenBindings, or a dev session's stores).
type openFunc func(cfg *config.Config, stateDir string) (env, backends map[string]any, closeFn func() error, err error)

// Prepare turns a build into a runtime config: the facade modules, env and bindings
// (OpenBindings, unless the project was opened with NoBindings), limits, and a
// Console that source-maps what it prints (console receives the rewritten text; nil:
// runtime.StderrConsole). Prepared.Close releases the bindings once the worker is
// closed.
func (p *Project) Prepare(res *bundle.Result, dev bool, console runtime.Console) (*Prepared, error) {
	open := openFunc(OpenBindings)
	if p.NoBindings {
		open = nil
	}
	return p.prepare(res, dev, console, open)
}

func (p *Project) prepare(res *bundle.Result, dev bool, console runtime.Console, open openFunc) (*Prepared, error) {
	token := ""
	if dev {
		token = bundle.NewToken()
	}
	main, modules, script := bundle.Wrap(res, bundle.WrapOptions{Token: token, Dev: dev})
	remap, err := p.remapper(res)
	if err != nil {
		return nil, err
	}
	env, backends, closeFn := map[string]any{}, map[string]any{}, func() error { return nil }
	if open != nil {
		if env, backends, closeFn, err = open(p.Config, p.StateDir); err != nil {
			return nil, err
		}
	}
	for k, v := range p.Vars {
		if _, ok := env[k].(runtime.Binding); ok {
			closeFn()
			return nil, fmt.Errorf("the var %s has the same name as a binding; rename one of them", k)
		}
		env[k] = v
	}
	if console == nil {
		console = runtime.StderrConsole
	}
	out := console
	cfg := runtime.Config{
		Name:       p.Name(),
		MainModule: main,
		Modules:    modules,
		Script:     script,
		Env:        env,
		Bindings:   backends,
		Limits:     p.Limits(dev),
		NodeCompat: p.nodeCompat(),
		Console: func(worker string, level int, text string) {
			out(worker, level, CleanStack(remap.Rewrite(text)))
		},
	}
	return &Prepared{Runtime: cfg, Remapper: remap, Token: token, Build: res, Close: closeFn}, nil
}

// remapper reads the build's source map; sources are shown relative to the working
// directory when they are below it, else as absolute paths.
func (p *Project) remapper(res *bundle.Result) (*sourcemap.Remapper, error) {
	if res.Map == nil {
		return nil, nil
	}
	// The map's sources are relative to where the bundle would be: Dir for a bundle,
	// the entry's directory for an unbundled worker.
	base := p.Dir
	if res.Main != bundle.MainModule {
		base = filepath.Dir(p.Entry)
	}
	wd, _ := os.Getwd()
	display := func(src string) string {
		if filepath.IsAbs(src) || hasScheme(src) {
			return src
		}
		abs := filepath.Join(base, filepath.FromSlash(src))
		if wd != "" {
			if rel, err := filepath.Rel(wd, abs); err == nil && !filepath.IsAbs(rel) && rel != ".." && !hasDotDot(rel) {
				return filepath.ToSlash(rel)
			}
		}
		return abs
	}
	return sourcemap.NewLazyRemapper(map[string][]byte{res.Main: res.Map}, display), nil
}

func hasScheme(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == ':' {
			return i > 1
		}
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '-' || c == '+' || c == '.') {
			return false
		}
	}
	return false
}

func hasDotDot(rel string) bool {
	return len(rel) >= 3 && rel[:3] == ".."+string(filepath.Separator)
}

// WarningLines formats the project's config warnings, one per line.
func (p *Project) WarningLines() []string {
	var out []string
	for _, w := range p.Warnings {
		out = append(out, w.String())
	}
	sort.Strings(out)
	return out
}

// Loaded is a project loaded and built once, for the production host.
type Loaded struct {
	*Project
	*Prepared
}

// Load opens the project, bundles it once and returns the runtime config. For
// `edged serve`: no watcher, no dev error responses. Prepared.Close releases the
// bindings once the runtime.Worker is closed.
func Load(o LoadOptions) (*Loaded, error) {
	p, err := Open(o)
	if err != nil {
		return nil, err
	}
	res, err := bundle.Build(p.BundleOptions())
	if err != nil {
		return nil, err
	}
	w, err := p.Prepare(res, false, nil)
	if err != nil {
		return nil, err
	}
	return &Loaded{Project: p, Prepared: w}, nil
}

// LoadProject is Load for the common case: the runtime config of the project whose
// entry (or config `main`, when entry is "") and wrangler config are given, with the
// environment envName applied. Its Console source-maps stack traces to stderr.
// Bindings stay open for the life of the process, so call it once per process: a
// host that reloads uses Load with NoBindings and opens storage itself.
func LoadProject(entry, configPath, envName string) (runtime.Config, error) {
	l, err := Load(LoadOptions{Entry: entry, ConfigPath: configPath, Env: envName, NoDevVars: true})
	if err != nil {
		return runtime.Config{}, err
	}
	return l.Runtime, nil
}

// CleanStack drops the stack frames of edged's own modules (the facade, the
// bootstrap) from text, so that a stack shows the worker's code only.
func CleanStack(text string) string {
	if !strings.Contains(text, "edged:") {
		return text
	}
	lines := strings.Split(text, "\n")
	out := lines[:0]
	for _, l := range lines {
		t := strings.TrimSpace(l)
		if strings.HasPrefix(t, "at ") && (strings.Contains(t, "(edged:") || strings.HasPrefix(t, "at edged:")) {
			continue
		}
		out = append(out, l)
	}
	return strings.Join(out, "\n")
}

// RemapLoadError rewrites a *runtime.LoadError's location and stack to the original
// sources; other errors come back as they are.
func RemapLoadError(err error, r *sourcemap.Remapper) error {
	var le *runtime.LoadError
	if r == nil || !errors.As(err, &le) {
		return err
	}
	return &runtime.LoadError{Location: r.Rewrite(le.Location), Message: r.Rewrite(le.Message), Stack: r.Rewrite(le.Stack)}
}
