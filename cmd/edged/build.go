package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/edged-dev/edged/bundle"
	"github.com/edged-dev/edged/dev"
)

func init() { commands["build"] = buildCommand }

const buildUsage = `Usage: edged build [entry] [--config wrangler.toml] [--env NAME] [--outdir dist] [--minify]

Writes the bundle <outdir>/<entry name>.js and its source map, as edged serve runs them.
`

func buildCommand(args []string) int {
	fs := flag.NewFlagSet("build", flag.ContinueOnError)
	fs.Usage = func() { fmt.Fprint(os.Stderr, buildUsage) }
	cfgPath := fs.String("config", "", "wrangler config file")
	envName := fs.String("env", "", "environment ([env.NAME] section)")
	outdir := fs.String("outdir", "dist", "output directory")
	minify := fs.Bool("minify", false, "minify (also set by the config's minify)")
	pos, err := parseInterleaved(fs, args)
	if err != nil {
		return 2
	}
	if len(pos) > 1 {
		fmt.Fprintf(os.Stderr, "edged build: want at most one entry point, got %d\n\n%s", len(pos), buildUsage)
		return 2
	}
	entry := ""
	if len(pos) == 1 {
		entry = pos[0]
	}
	p, err := dev.Open(dev.LoadOptions{Entry: entry, ConfigPath: *cfgPath, Env: *envName, NoDevVars: true})
	if err != nil {
		fmt.Fprintf(os.Stderr, "edged build: %v\n", err)
		return 1
	}
	for _, w := range p.WarningLines() {
		fmt.Fprintf(os.Stderr, "warning: %s\n", w)
	}
	o := p.BundleOptions()
	if o.NoBundle {
		fmt.Fprintln(os.Stderr, "edged build: the config sets no_bundle = true: there is nothing to build; edged serve runs the sources as they are")
		return 1
	}
	base := filepath.Base(p.Entry)
	name := strings.TrimSuffix(base, filepath.Ext(base)) + ".js"
	o.Outfile = filepath.Join(*outdir, name)
	o.SourceMap = bundle.SourceMapLinked
	o.Minify = o.Minify || *minify
	res, err := bundle.Build(o)
	if err != nil {
		fmt.Fprintf(os.Stderr, "edged build: %v\n", err)
		return 1
	}
	for _, w := range res.Warnings {
		fmt.Fprintf(os.Stderr, "warning: %s\n", w)
	}
	if err := os.MkdirAll(*outdir, 0o755); err != nil {
		fmt.Fprintf(os.Stderr, "edged build: %v\n", err)
		return 1
	}
	code := res.Modules[res.Main]
	if err := os.WriteFile(o.Outfile, []byte(code), 0o644); err != nil {
		fmt.Fprintf(os.Stderr, "edged build: %v\n", err)
		return 1
	}
	if err := os.WriteFile(o.Outfile+".map", res.Map, 0o644); err != nil {
		fmt.Fprintf(os.Stderr, "edged build: %v\n", err)
		return 1
	}
	fmt.Printf("edged build: wrote %s (%s) and %s\n", o.Outfile, size(len(code)), filepath.Base(o.Outfile)+".map")
	return 0
}

func size(n int) string {
	if n < 1024 {
		return fmt.Sprintf("%d B", n)
	}
	return fmt.Sprintf("%.1f KiB", float64(n)/1024)
}
