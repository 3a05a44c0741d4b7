package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/edged-dev/edged/runtime"
	"github.com/edged-dev/edged/server"
)

func init() { commands["serve"] = serve }

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
