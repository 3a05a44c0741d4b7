package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/edged-dev/edged/dev"
)

func init() { commands["dev"] = devCommand }

const devUsage = `Usage: edged dev [entry] [--config wrangler.toml] [--env NAME] [--port 8787] [--ip 127.0.0.1]
                 [--persist-to .edged/state] [--var NAME=VALUE]... [--log-format text|json] [--no-crons]

Bundles the worker with esbuild, serves it, and rebuilds and swaps it on every save.
The config (wrangler.json, wrangler.jsonc or wrangler.toml) is found from the working
directory up unless --config names one; .dev.vars (or .env) adds secrets.
`

func devCommand(args []string) int {
	started := time.Now()
	fs := flag.NewFlagSet("dev", flag.ContinueOnError)
	fs.Usage = func() { fmt.Fprint(os.Stderr, devUsage) }
	cfgPath := fs.String("config", "", "wrangler config file")
	fs.StringVar(cfgPath, "c", "", "wrangler config file (short)")
	envName := fs.String("env", "", "environment ([env.NAME] section)")
	fs.StringVar(envName, "e", "", "environment (short)")
	port := fs.Int("port", -1, "port (default: [dev] port, else 8787; 0 picks a free one)")
	ip := fs.String("ip", "", "address to listen on (default: [dev] ip, else 127.0.0.1)")
	persist := fs.String("persist-to", "", "directory for local binding state (default .edged/state)")
	logFormat := fs.String("log-format", "text", "text or json")
	noCrons := fs.Bool("no-crons", false, "do not fire [triggers] crons on their schedule")
	vars := varsFlag{}
	fs.Var(vars, "var", "NAME=VALUE added to env (repeatable; wins over the config and .dev.vars)")
	pos, err := parseInterleaved(fs, args)
	if err != nil {
		return 2
	}
	if len(pos) > 1 {
		fmt.Fprintf(os.Stderr, "edged dev: want at most one entry point, got %d\n\n%s", len(pos), devUsage)
		return 2
	}
	entry := ""
	if len(pos) == 1 {
		entry = pos[0]
	}
	log, err := dev.NewLogger(os.Stdout, *logFormat)
	if err != nil {
		fmt.Fprintf(os.Stderr, "edged dev: %v\n", err)
		return 2
	}
	srv, err := dev.New(dev.Options{
		Load: dev.LoadOptions{Entry: entry, ConfigPath: *cfgPath, Env: *envName, Vars: vars, StateDir: *persist},
		IP:   *ip, Port: *port, Log: log, NoCrons: *noCrons,
	})
	if err != nil {
		fmt.Fprintf(os.Stderr, "edged dev: %v\n", err)
		return 1
	}
	if err := srv.Listen(); err != nil {
		srv.Close()
		fmt.Fprintf(os.Stderr, "edged dev: %v\n", err)
		return 1
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	go func() {
		// After the first signal, a second one ends the process at once.
		<-ctx.Done()
		stop()
	}()
	if err := srv.Serve(ctx, started); err != nil {
		fmt.Fprintf(os.Stderr, "edged dev: %v\n", err)
		return 1
	}
	return 0
}
