// Command edged runs Workers-style JavaScript handlers. Flags and wiring only.
package main

import (
	"flag"
	"fmt"
	"os"
	"strings"

	"github.com/edged-dev/edged/runtime"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "0.1.0-dev"

const usage = `edged — run Workers-style JavaScript handlers

Usage: edged <command> [arguments]

Commands:
  serve    serve workers: <worker.js>, [entry] --config wrangler.toml, or --config edged.toml
  dev      bundle a wrangler project, serve it, and rebuild and swap it on every save
  build    write a project's bundle and its source map to dist/
  d1       run SQL and migrations on a project's local D1 databases (execute, migrations)
  version  print the versions of edged and V8

"edged <command> -h" lists a command's flags.
`

// commands maps a subcommand to its entry point; each lives in its own file and
// registers itself in init.
var commands = map[string]func(args []string) int{}

func main() {
	os.Exit(run(os.Args[1:]))
}

func run(args []string) int {
	if len(args) == 0 {
		fmt.Fprint(os.Stderr, usage)
		return 2
	}
	switch args[0] {
	case "version", "--version", "-version", "-v":
		fmt.Printf("edged %s (V8 %s)\n", version, runtime.V8Version())
		return 0
	case "help", "-h", "--help":
		fmt.Print(usage)
		return 0
	}
	if cmd, ok := commands[args[0]]; ok {
		return cmd(args[1:])
	}
	fmt.Fprintf(os.Stderr, "edged: unknown command %q\n\n%s", args[0], usage)
	return 2
}

type varsFlag map[string]any

func (v varsFlag) String() string { return "" }
func (v varsFlag) Set(s string) error {
	name, value, ok := strings.Cut(s, "=")
	if !ok || name == "" {
		return fmt.Errorf("want NAME=VALUE, got %q", s)
	}
	v[name] = value
	return nil
}

// parseInterleaved parses flags that may come before or after positional arguments.
func parseInterleaved(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}
