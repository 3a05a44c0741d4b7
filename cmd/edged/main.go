// Command edged runs Workers-style JavaScript handlers. Flags and wiring only.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/edged-dev/edged/runtime"
	"github.com/edged-dev/edged/server"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "0.1.0-dev"

const usage = `edged — run Workers-style JavaScript handlers

Usage:
  edged serve <worker.js> [--port 8787] [--host 127.0.0.1] [--var NAME=VALUE]...
                          [--cpu-ms 50] [--memory-mb 128]
  edged version
`

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
	case "serve":
		return serve(args[1:])
	case "help", "-h", "--help":
		fmt.Print(usage)
		return 0
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

func serve(args []string) int {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	port := fs.Int("port", 8787, "port to listen on")
	host := fs.String("host", "127.0.0.1", "address to listen on")
	cpuMS := fs.Int("cpu-ms", 50, "CPU time limit per request, in milliseconds")
	memMB := fs.Int("memory-mb", 128, "heap limit per isolate, in MB")
	vars := varsFlag{}
	fs.Var(vars, "var", "NAME=VALUE binding in env (repeatable)")
	pos, err := parseInterleaved(fs, args)
	if err != nil {
		return 2
	}
	if len(pos) != 1 {
		fmt.Fprintf(os.Stderr, "edged serve: want one worker script, got %d\n\n%s", len(pos), usage)
		return 2
	}
	cfg, err := runtime.LoadFile(pos[0])
	if err != nil {
		fmt.Fprintf(os.Stderr, "edged: %v\n", err)
		return 1
	}
	cfg.Env = vars
	cfg.Limits = runtime.Limits{CPU: time.Duration(*cpuMS) * time.Millisecond, HeapBytes: *memMB << 20}
	w, err := runtime.New(cfg)
	if err != nil {
		var le *runtime.LoadError
		if errors.As(err, &le) && le.Stack != "" {
			fmt.Fprintf(os.Stderr, "edged: %v\n%s\n", err, le.Stack)
		} else {
			fmt.Fprintf(os.Stderr, "edged: %v\n", err)
		}
		return 1
	}
	srv, err := server.Listen(fmt.Sprintf("%s:%d", *host, *port), w, server.Options{})
	if err != nil {
		fmt.Fprintf(os.Stderr, "edged: %v\n", err)
		return 1
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	fmt.Printf("edged: serving %s on %s\n", pos[0], srv.URL())
	err = srv.Serve(ctx)
	cctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	w.Close(cctx)
	if err != nil {
		fmt.Fprintf(os.Stderr, "edged: %v\n", err)
		return 1
	}
	return 0
}
