// Package bundle turns a worker's entry point (TypeScript, TSX, JSX or JavaScript)
// into the modules edged runs: one ES module bundled by esbuild, its source map, and
// the small edged-provided modules around it (see Wrap). A Bundler keeps esbuild's
// incremental state between builds, for the dev server.
package bundle

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/evanw/esbuild/pkg/api"

	"github.com/edged-dev/edged/config"
)

// MainModule is the name of the bundled module in Result.Modules: the name stack
// traces show before they are source-mapped.
const MainModule = "bundle.js"

// SourceMap says where the source map goes.
type SourceMap int

const (
	// SourceMapExternal returns the map in Result.Map; the code has no reference to it.
	SourceMapExternal SourceMap = iota
	// SourceMapLinked returns the map in Result.Map and ends the code with a
	// sourceMappingURL comment naming "<outfile>.map" (for files written to disk).
	SourceMapLinked
	// SourceMapInline puts the map in the code as a data: URL; Result.Map is nil.
	SourceMapInline
	// SourceMapNone makes no map.
	SourceMapNone
)

// Conditions are the package.json export conditions used to pick a package's entry,
// before "import"/"require" and "default": the ones workerd and wrangler use.
var Conditions = []string{"workerd", "worker", "browser"}

// Options describe one build.
type Options struct {
	Entry string // the entry point; relative paths are relative to Dir
	// Dir is the project's root: the working directory for esbuild (aliases,
	// tsconfig), the base of rules' globs, and of the sources in the source map
	// (unless Outfile says otherwise). Default: the directory of Entry.
	Dir string
	// Outfile is where the bundle would be written: the map's sources are relative to
	// its directory and a linked map is named after it. Default: Dir/bundle.js.
	// Nothing is written either way.
	Outfile string

	Define   map[string]string // identifier → JS expression (wrangler's `define`)
	Alias    map[string]string // module specifier → replacement (wrangler's `alias`)
	Minify   bool
	NoBundle bool          // load the entry and its neighbours as they are (wrangler's `no_bundle`)
	Rules    []config.Rule // module rules, before DefaultRules
	// SourceMap says where the map goes; the zero value returns it separately.
	SourceMap SourceMap
	// NodeBuiltins are bare module names ("buffer", "events", ...) left external, for
	// the runtime to resolve as node: built-ins, as wrangler does with nodejs_compat
	// (runtime.NodeBuiltinNames when the flags ask for it). Empty: bare names are
	// npm packages like any other.
	NodeBuiltins []string
}

// DefaultRules are the module rules that apply after the config's own, as in
// wrangler: a rule in the config of the same type without fallthrough = true replaces
// the default one.
var DefaultRules = []config.Rule{
	{Type: config.Text, Globs: []string{"**/*.txt", "**/*.html", "**/*.sql"}},
	{Type: config.Data, Globs: []string{"**/*.bin"}},
	{Type: config.CompiledWasm, Globs: []string{"**/*.wasm", "**/*.wasm?module"}},
}

// Result is one successful build.
type Result struct {
	Main    string            // the main module's name, a key of Modules
	Modules map[string]string // module name → source
	Map     []byte            // the main module's source map (JSON), if one was asked for
	// Exports are the main module's export names; none means a service-worker
	// script (addEventListener("fetch", ...)), run as a classic script.
	Exports  []string
	Inputs   []string // absolute paths of every file the build read, sorted
	Warnings []Message
}

// Message is an esbuild diagnostic.
type Message struct {
	File     string // as esbuild names it: relative to Dir for files under it
	Line     int    // 1-based; 0 when the message has no location
	Column   int    // 1-based, in bytes
	Length   int    // of the span the message is about, in bytes
	LineText string // the source line
	Text     string
	Notes    []string
}

func (m Message) String() string {
	if m.File == "" {
		return m.Text
	}
	if m.Line == 0 {
		return m.File + ": " + m.Text
	}
	return fmt.Sprintf("%s:%d:%d: %s", m.File, m.Line, m.Column, m.Text)
}

// Error is a failed build: every error esbuild reported.
type Error struct {
	Messages []Message
}

func (e *Error) Error() string {
	var b strings.Builder
	for i, m := range e.Messages {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(m.String())
	}
	if len(e.Messages) == 0 {
		b.WriteString("build failed")
	}
	return b.String()
}

// Bundler builds one entry point again and again, incrementally. Close it to free
// esbuild's state: a dropped Bundler keeps its caches.
type Bundler struct {
	opts Options
	ctx  api.BuildContext // nil with NoBundle
}

// New checks opts and prepares the build; the first Build does the work.
func New(opts Options) (*Bundler, error) {
	if opts.Entry == "" {
		return nil, errors.New("bundle: no entry point")
	}
	if opts.Dir == "" {
		e, err := filepath.Abs(opts.Entry)
		if err != nil {
			return nil, fmt.Errorf("bundle: %w", err)
		}
		opts.Dir = filepath.Dir(e)
	}
	dir, err := filepath.Abs(opts.Dir)
	if err != nil {
		return nil, fmt.Errorf("bundle: %w", err)
	}
	opts.Dir = dir
	if !filepath.IsAbs(opts.Entry) {
		opts.Entry = filepath.Join(dir, opts.Entry)
	}
	if opts.Outfile == "" {
		opts.Outfile = filepath.Join(dir, MainModule)
	} else if opts.Outfile, err = filepath.Abs(opts.Outfile); err != nil {
		return nil, fmt.Errorf("bundle: %w", err)
	}
	for _, r := range opts.Rules {
		for _, g := range r.Globs {
			if strings.Contains(g, "\\") {
				return nil, fmt.Errorf("bundle: rule glob %q: use '/' to separate directories", g)
			}
		}
	}
	b := &Bundler{opts: opts}
	if opts.NoBundle {
		return b, nil
	}
	ctx, cerr := api.Context(b.esbuildOptions())
	if cerr != nil {
		return nil, &Error{Messages: messages(cerr.Errors)}
	}
	b.ctx = ctx
	return b, nil
}

// Build runs one build (incremental after the first) and returns the modules, or an
// *Error with esbuild's diagnostics.
func (b *Bundler) Build() (*Result, error) {
	if b.opts.NoBundle {
		return b.buildUnbundled()
	}
	if b.ctx == nil {
		return nil, errors.New("bundle: Build after Close")
	}
	r := b.ctx.Rebuild()
	if len(r.Errors) > 0 {
		return nil, &Error{Messages: messages(r.Errors)}
	}
	res := &Result{Main: MainModule, Modules: map[string]string{}, Warnings: messages(r.Warnings)}
	for _, f := range r.OutputFiles {
		switch {
		case strings.HasSuffix(f.Path, ".map"):
			res.Map = f.Contents
		case strings.HasSuffix(f.Path, ".js"):
			res.Modules[MainModule] = string(f.Contents)
		}
	}
	if _, ok := res.Modules[MainModule]; !ok {
		return nil, errors.New("bundle: esbuild wrote no JavaScript output")
	}
	if err := b.readMetafile(r.Metafile, res); err != nil {
		return nil, err
	}
	return res, nil
}

// Close frees esbuild's incremental state. The Bundler cannot build afterwards.
func (b *Bundler) Close() {
	if b.ctx != nil {
		b.ctx.Dispose()
		b.ctx = nil
	}
}

// Build is a one-shot build.
func Build(opts Options) (*Result, error) {
	b, err := New(opts)
	if err != nil {
		return nil, err
	}
	defer b.Close()
	return b.Build()
}

// Dir is the project directory the Bundler resolves against.
func (b *Bundler) Dir() string { return b.opts.Dir }

func (b *Bundler) esbuildOptions() api.BuildOptions {
	o := b.opts
	opts := api.BuildOptions{
		EntryPoints:   []string{o.Entry},
		Outfile:       o.Outfile,
		AbsWorkingDir: o.Dir,
		Bundle:        true,
		Write:         false,
		Metafile:      true,
		LogLevel:      api.LogLevelSilent,
		Format:        api.FormatESModule,
		Platform:      api.PlatformNeutral,
		// V8 10.2 runs ES2022; esbuild lowers what is newer.
		Target:         api.ES2022,
		Conditions:     Conditions,
		MainFields:     []string{"browser", "module", "main"},
		External:       append([]string{"cloudflare:*", "node:*", "edged:*"}, o.NodeBuiltins...),
		Define:         o.Define,
		Alias:          o.Alias,
		SourcesContent: api.SourcesContentInclude,
		// Plain names in stack traces even when minified identifiers would hide them.
		KeepNames: o.Minify,
		Plugins:   []api.Plugin{b.rulesPlugin()},
	}
	if o.Minify {
		opts.MinifyWhitespace, opts.MinifyIdentifiers, opts.MinifySyntax = true, true, true
	}
	switch o.SourceMap {
	case SourceMapExternal:
		opts.Sourcemap = api.SourceMapExternal
	case SourceMapLinked:
		opts.Sourcemap = api.SourceMapLinked
	case SourceMapInline:
		opts.Sourcemap = api.SourceMapInline
	}
	return opts
}

// Namespaces of the rules plugin; metafile inputs carry them as a prefix.
const (
	nsText  = "edged-text"
	nsData  = "edged-data"
	nsWasm  = "edged-wasm"
	nsBytes = "edged-bytes"
)

type resolving struct{}

// effectiveRules is the config's rules followed by the default rules they do not
// replace.
func effectiveRules(user []config.Rule) []config.Rule {
	out := append([]config.Rule(nil), user...)
	for _, d := range DefaultRules {
		replaced := false
		for _, u := range user {
			if u.Type == d.Type && !u.Fallthrough {
				replaced = true
			}
		}
		if !replaced {
			out = append(out, d)
		}
	}
	return out
}

// ruleFor returns the type of the first rule whose glob matches rel.
func ruleFor(rules []config.Rule, rel string) (config.ModuleType, bool) {
	for _, r := range rules {
		for _, g := range r.Globs {
			if matchGlob(g, rel) {
				return r.Type, true
			}
		}
	}
	return "", false
}

// rulesPlugin makes imports that match a Text, Data or CompiledWasm rule load as a
// string, an ArrayBuffer or a WebAssembly.Module.
func (b *Bundler) rulesPlugin() api.Plugin {
	rules := effectiveRules(b.opts.Rules)
	var globs []string
	for _, r := range rules {
		if r.Type == config.Text || r.Type == config.Data || r.Type == config.CompiledWasm {
			globs = append(globs, r.Globs...)
		}
	}
	dir := b.opts.Dir
	return api.Plugin{Name: "edged-rules", Setup: func(pb api.PluginBuild) {
		pb.OnResolve(api.OnResolveOptions{Filter: "^" + nsBytes + ":"}, func(a api.OnResolveArgs) (api.OnResolveResult, error) {
			return api.OnResolveResult{Path: strings.TrimPrefix(a.Path, nsBytes+":"), Namespace: nsBytes}, nil
		})
		pb.OnResolve(api.OnResolveOptions{Filter: globFilter(globs)}, func(a api.OnResolveArgs) (api.OnResolveResult, error) {
			if _, ok := a.PluginData.(resolving); ok || strings.HasPrefix(a.Namespace, "edged-") {
				return api.OnResolveResult{}, nil
			}
			r := pb.Resolve(a.Path, api.ResolveOptions{Importer: a.Importer, ResolveDir: a.ResolveDir,
				Kind: a.Kind, Namespace: a.Namespace, PluginData: resolving{}, With: a.With})
			if len(r.Errors) > 0 {
				return api.OnResolveResult{Errors: r.Errors, Warnings: r.Warnings}, nil
			}
			if r.External || r.Namespace != "file" {
				return api.OnResolveResult{}, nil
			}
			rel, err := filepath.Rel(dir, r.Path)
			if err != nil {
				rel = r.Path
			}
			t, ok := ruleFor(rules, filepath.ToSlash(rel)+r.Suffix)
			if !ok {
				return api.OnResolveResult{}, nil
			}
			ns := ""
			switch t {
			case config.Text:
				ns = nsText
			case config.Data:
				ns = nsData
			case config.CompiledWasm:
				ns = nsWasm
			default: // ESModule, CommonJS: esbuild's own loaders
				return api.OnResolveResult{}, nil
			}
			// Relative to Dir, so that no absolute path lands in the bundle's comments.
			return api.OnResolveResult{Path: filepath.ToSlash(rel), Namespace: ns, Warnings: r.Warnings}, nil
		})
		abs := func(p string) string {
			if filepath.IsAbs(p) {
				return p
			}
			return filepath.Join(dir, filepath.FromSlash(p))
		}
		pb.OnLoad(api.OnLoadOptions{Filter: ".", Namespace: nsText}, func(a api.OnLoadArgs) (api.OnLoadResult, error) {
			data, err := os.ReadFile(abs(a.Path))
			if err != nil {
				return api.OnLoadResult{}, err
			}
			s := string(data)
			return api.OnLoadResult{Contents: &s, Loader: api.LoaderText, WatchFiles: []string{abs(a.Path)}}, nil
		})
		wrapBytes := func(expr string) func(api.OnLoadArgs) (api.OnLoadResult, error) {
			return func(a api.OnLoadArgs) (api.OnLoadResult, error) {
				spec, _ := json.Marshal(nsBytes + ":" + a.Path)
				s := "import bytes from " + string(spec) + ";\nexport default " + expr + ";\n"
				return api.OnLoadResult{Contents: &s, Loader: api.LoaderJS, ResolveDir: filepath.Dir(abs(a.Path))}, nil
			}
		}
		// A fresh ArrayBuffer holding exactly the file.
		pb.OnLoad(api.OnLoadOptions{Filter: ".", Namespace: nsData},
			wrapBytes("bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength)"))
		// Compiled once, when the bundle is evaluated; workerd compiles at upload.
		pb.OnLoad(api.OnLoadOptions{Filter: ".", Namespace: nsWasm}, wrapBytes("new WebAssembly.Module(bytes)"))
		pb.OnLoad(api.OnLoadOptions{Filter: ".", Namespace: nsBytes}, func(a api.OnLoadArgs) (api.OnLoadResult, error) {
			data, err := os.ReadFile(abs(a.Path))
			if err != nil {
				return api.OnLoadResult{}, err
			}
			s := string(data)
			return api.OnLoadResult{Contents: &s, Loader: api.LoaderBinary, WatchFiles: []string{abs(a.Path)}}, nil
		})
	}}
}

type metafile struct {
	Inputs  map[string]json.RawMessage `json:"inputs"`
	Outputs map[string]struct {
		Exports []string `json:"exports"`
	} `json:"outputs"`
}

// readMetafile fills in the build's inputs and the main module's exports.
func (b *Bundler) readMetafile(text string, res *Result) error {
	var mf metafile
	if err := json.Unmarshal([]byte(text), &mf); err != nil {
		return fmt.Errorf("bundle: reading esbuild's metafile: %w", err)
	}
	seen := map[string]bool{}
	for in := range mf.Inputs {
		p := in
		for _, ns := range []string{nsText, nsData, nsWasm, nsBytes, "file"} {
			p = strings.TrimPrefix(p, ns+":")
		}
		if strings.Contains(p, ":") && !filepath.IsAbs(p) {
			continue // another plugin's virtual module
		}
		if !filepath.IsAbs(p) {
			p = filepath.Join(b.opts.Dir, filepath.FromSlash(p))
		}
		if !seen[p] {
			seen[p] = true
			res.Inputs = append(res.Inputs, p)
		}
	}
	sort.Strings(res.Inputs)
	for out, o := range mf.Outputs {
		if strings.HasSuffix(out, ".js") {
			res.Exports = o.Exports
		}
	}
	return nil
}

func messages(ms []api.Message) []Message {
	out := make([]Message, 0, len(ms))
	for _, m := range ms {
		msg := Message{Text: m.Text}
		if m.PluginName != "" {
			msg.Text = "[plugin " + m.PluginName + "] " + msg.Text
		}
		if l := m.Location; l != nil {
			msg.File = l.File
			if l.Namespace != "" && l.Namespace != "file" {
				msg.File = strings.TrimPrefix(l.File, l.Namespace+":")
			}
			msg.Line, msg.Column, msg.Length, msg.LineText = l.Line, l.Column+1, l.Length, l.LineText
		}
		for _, n := range m.Notes {
			note := n.Text
			if l := n.Location; l != nil && l.File != "" {
				note = fmt.Sprintf("%s:%d:%d: %s", l.File, l.Line, l.Column+1, n.Text)
			}
			msg.Notes = append(msg.Notes, note)
		}
		out = append(out, msg)
	}
	return out
}
