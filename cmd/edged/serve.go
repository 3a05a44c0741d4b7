package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/netip"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/edged-dev/edged/config"
	"github.com/edged-dev/edged/server"
	"github.com/edged-dev/edged/server/egress"
)

// egressFlag collects --egress-allow values into a policy.
type egressFlag struct{ p egress.Policy }

func (e *egressFlag) String() string { return "" }
func (e *egressFlag) Set(s string) error {
	if strings.Contains(s, "/") {
		p, err := netip.ParsePrefix(s)
		if err != nil {
			return err
		}
		e.p.Allow = append(e.p.Allow, p)
		return nil
	}
	switch c := egress.Class(s); c {
	case egress.Loopback, egress.LinkLocal, egress.Private, egress.Unspecified, egress.Multicast, egress.Reserved:
		e.p.AllowClasses = append(e.p.AllowClasses, c)
		return nil
	}
	return fmt.Errorf("want a CIDR prefix or one of private, loopback, link-local, unspecified, multicast, reserved; got %q", s)
}

func init() { commands["serve"] = serve }

const serveUsage = `Usage:
  edged serve --config edged.toml [--dev-tls] [options]
  edged serve <worker.js> [--port 8787] [--host 127.0.0.1] [--dev-tls] [--var NAME=VALUE]...
                          [--cpu-ms 50] [--memory-mb 128] [--admin 127.0.0.1:9901] [options]
  edged serve [entry] --config wrangler.toml [--env NAME] [--persist-to DIR]
                          [--port 8787] [--host 127.0.0.1] [--var NAME=VALUE]... [options]

  The project form bundles a wrangler project as edged dev does and binds its
  d1_databases, kv_namespaces and the Cache API to the files under --persist-to
  (default .edged/state next to the config, shared with edged dev and edged d1);
  its [triggers] crons run on schedule unless --no-crons. --test-scheduled (any
  form) answers /cdn-cgi/handler/scheduled?cron=... and /__scheduled?cron=... by
  running the worker's scheduled handler.

  SIGHUP (or POST /reload on the admin listener) reloads the config and swaps
  changed workers without dropping requests; SIGINT/SIGTERM drain and exit.

Options:
`

func serve(args []string) int {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.Usage = func() { fmt.Fprint(os.Stderr, serveUsage); fs.PrintDefaults() }
	cfgFile := fs.String("config", "", "edged.toml: workers, routes, listeners (instead of a single worker script)")
	port := fs.Int("port", 8787, "port to listen on (single-file form)")
	host := fs.String("host", "127.0.0.1", "address to listen on (single-file form)")
	cpuMS := fs.Int("cpu-ms", 50, "CPU time limit per request, in milliseconds (single-file form)")
	memMB := fs.Int("memory-mb", 128, "heap limit per isolate, in MB (single-file form)")
	devTLS := fs.Bool("dev-tls", false, "serve HTTPS, HTTP/2 and HTTP/3 with a self-signed certificate made at start (for local testing)")
	admin := fs.String("admin", "", "admin listener for /metrics and /reload (single-file form; the token comes from $EDGED_ADMIN_TOKEN)")
	accessLog := fs.String("access-log", "stdout", "access log: stdout, stderr, off, or a file path")
	logLevel := fs.String("log-level", "info", "log level: debug, info, warn, error")
	isolateMem := fs.Int64("isolate-memory-mb", 0, fmt.Sprintf("memory budget of the live isolates, in MB; past it the least recently used idle ones are evicted (0: none; default: the config's server.isolate_memory_mb, else %d)", server.DefaultIsolateMemory>>20))
	maxIsolates := fs.Int("max-isolates", 0, "cap on live isolates in the process; the least recently used idle ones are evicted past it (0: none; default: the config's server.max_isolates, else none)")
	isolateIdle := fs.Duration("isolate-idle", 0, fmt.Sprintf("evict an isolate after it served nothing for this long (0: never; default: the config's server.isolate_idle, else %s)", server.DefaultIsolateIdle))
	perWorker := fs.Int("isolates-per-worker", 0, "isolates per worker at most (0: one per CPU)")
	stateDir := fs.String("state-dir", ".edged/state", "where D1 databases, KV namespaces and the Cache API store live, one folder per worker (edged.toml and single-file forms)")
	persistTo := fs.String("persist-to", "", "state directory of the project form (default .edged/state next to the wrangler config)")
	envName := fs.String("env", "", "environment ([env.NAME] section) of the project form")
	testScheduled := fs.Bool("test-scheduled", false, "answer /cdn-cgi/handler/scheduled?cron=<expr> and /__scheduled?cron=<expr> by running the worker's scheduled handler")
	noCrons := fs.Bool("no-crons", false, "do not run the project's [triggers] crons on their schedule")
	var allow egressFlag
	fs.Var(&allow, "egress-allow", "let workers' fetch() reach a non-public address class (private, loopback, link-local, ...) or CIDR prefix (repeatable); by default only public addresses")
	vars := varsFlag{}
	fs.Var(vars, "var", "NAME=VALUE binding in env (repeatable; single-file form)")
	pos, err := parseInterleaved(fs, args)
	if err != nil {
		return 2
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	// The project form: an entry with a config, or a config named like wrangler's.
	project := *cfgFile != "" && (len(pos) == 1 || server.IsWranglerConfig(*cfgFile))
	switch {
	case len(pos) > 1 || (*cfgFile == "" && len(pos) == 0):
		fmt.Fprintf(os.Stderr, "edged serve: give --config edged.toml, one worker script, or [entry] --config wrangler.toml\n\n")
		fs.Usage()
		return 2
	case project && set["state-dir"]:
		fmt.Fprintf(os.Stderr, "edged serve: a wrangler project keeps its state in --persist-to, not --state-dir\n")
		return 2
	case !project && (set["persist-to"] || set["env"]):
		fmt.Fprintf(os.Stderr, "edged serve: --persist-to and --env are for a wrangler project (--config wrangler.toml)\n")
		return 2
	}

	var level slog.Level
	if err := level.UnmarshalText([]byte(*logLevel)); err != nil {
		fmt.Fprintf(os.Stderr, "edged serve: --log-level: %v\n", err)
		return 2
	}
	logger := slog.New(slog.NewJSONHandler(os.Stderr, &slog.HandlerOptions{Level: level}))
	var access *slog.Logger
	switch *accessLog {
	case "off", "":
	case "stdout", "stderr":
		out := io.Writer(os.Stdout)
		if *accessLog == "stderr" {
			out = os.Stderr
		}
		access = slog.New(slog.NewJSONHandler(out, nil))
	default:
		f, err := os.OpenFile(*accessLog, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
		if err != nil {
			fmt.Fprintf(os.Stderr, "edged serve: --access-log: %v\n", err)
			return 1
		}
		defer f.Close()
		access = slog.New(slog.NewJSONHandler(f, nil))
	}

	opts := server.HostOptions{
		Egress:            &allow.p,
		Logger:            logger,
		AccessLog:         access,
		IsolatesPerWorker: *perWorker,
		TestScheduled:     *testScheduled,
	}
	// Given flags override edged.toml; 0 given means none (negative in HostOptions).
	if set["isolate-memory-mb"] {
		opts.IsolateMemory = *isolateMem << 20
		if *isolateMem <= 0 {
			opts.IsolateMemory = -1
		}
	}
	if set["isolate-idle"] {
		opts.IsolateIdleTimeout = *isolateIdle
		if *isolateIdle <= 0 {
			opts.IsolateIdleTimeout = -1
		}
	}
	if set["max-isolates"] {
		opts.MaxIsolates = *maxIsolates
		if *maxIsolates <= 0 {
			opts.MaxIsolates = -1
		}
	}
	if *devTLS {
		h, _, _ := net.SplitHostPort(net.JoinHostPort(*host, "0"))
		cert, err := server.DevCertificate(h)
		if err != nil {
			fmt.Fprintf(os.Stderr, "edged serve: --dev-tls: %v\n", err)
			return 1
		}
		opts.DefaultCert = &cert
	}
	single := server.Single{
		Addr:   net.JoinHostPort(*host, strconv.Itoa(*port)),
		TLS:    *devTLS,
		Vars:   vars,
		Limits: config.WorkerLimits{CPUMs: int64(*cpuMS), MemoryMB: int64(*memMB)},
		Admin:  *admin,
		Token:  os.Getenv("EDGED_ADMIN_TOKEN"),
	}
	switch {
	case project:
		if !set["cpu-ms"] {
			single.Limits.CPUMs = 0 // the config's limits.cpu_ms, else the runtime's default
		}
		entry := ""
		if len(pos) == 1 {
			entry = pos[0]
		}
		proj, err := server.NewProject(server.ProjectOptions{Single: single, Entry: entry, ConfigPath: *cfgFile,
			Env: *envName, PersistTo: *persistTo, Log: logger})
		if err != nil {
			fmt.Fprintf(os.Stderr, "edged: %v\n", err)
			return 1
		}
		defer proj.Close()
		proj.Configure(&opts)
		if *noCrons {
			opts.Crons = nil
		}
	case *cfgFile != "":
		stores := server.NewStores(*stateDir)
		defer stores.Close()
		opts.Bindings = stores.Bindings
		opts.LoadConfig = func() (*config.Edged, error) {
			cfg, warns, err := config.LoadEdged(*cfgFile, nil)
			for _, w := range warns {
				logger.Warn("config: " + fmt.Sprint(w))
			}
			return cfg, err
		}
		if *devTLS {
			logger.Info("--dev-tls: the self-signed certificate answers server names no [[server.tls]] entry covers")
		}
	default:
		stores := server.NewStores(*stateDir)
		defer stores.Close()
		opts.Bindings = stores.Bindings
		single.File = pos[0]
		opts.LoadConfig = single.Config
	}
	cfg, err := opts.LoadConfig()
	if err != nil {
		fmt.Fprintf(os.Stderr, "edged: %v\n", err)
		return 1
	}
	h, err := server.NewHost(cfg, opts)
	if err != nil {
		fmt.Fprintf(os.Stderr, "edged: %v\n", err)
		return 1
	}
	// Signals are caught before the listeners open: a client may act on the first
	// response (and a supervisor on the printed URL) at once.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	if err := h.Start(); err != nil {
		h.Close()
		fmt.Fprintf(os.Stderr, "edged: %v\n", err)
		return 1
	}
	a := h.Addrs()
	var urls []string
	for _, x := range a.HTTP {
		urls = append(urls, "http://"+x)
	}
	for _, x := range a.HTTPS {
		urls = append(urls, "https://"+x)
	}
	what := *cfgFile
	if len(pos) == 1 {
		what = pos[0]
	}
	fmt.Printf("edged: serving %s on %s\n", what, strings.Join(urls, " "))

	go func() {
		for range hup {
			if res, err := h.Reload(); err == nil {
				logger.Info("SIGHUP: reloaded", "result", res.String())
			}
		}
	}()
	go func() {
		// A second interrupt while draining cuts the drain short.
		<-ctx.Done()
		stop()
		again := make(chan os.Signal, 1)
		signal.Notify(again, os.Interrupt, syscall.SIGTERM)
		<-again
		logger.Warn("second signal: closing without waiting for requests")
		h.Close()
	}()
	start := time.Now()
	err = h.Serve(ctx)
	logger.Info("exiting", "uptime_s", int(time.Since(start).Seconds()))
	if err != nil {
		fmt.Fprintf(os.Stderr, "edged: %v\n", err)
		return 1
	}
	return 0
}
