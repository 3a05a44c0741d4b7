package server

import (
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/hex"
	"errors"
	"fmt"
	"log"
	"log/slog"
	"net"
	"net/http"
	"os"
	goruntime "runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/quic-go/quic-go"
	"github.com/quic-go/quic-go/http3"

	"github.com/edged-dev/edged/config"
	"github.com/edged-dev/edged/config/cron"
	"github.com/edged-dev/edged/runtime"
	"github.com/edged-dev/edged/server/egress"
)

// HostOptions tune a Host beyond what edged.toml says. Zero values take defaults.
type HostOptions struct {
	// Logger receives the structured log (default: JSON on standard error), including
	// the workers' console output tagged with the worker's name.
	Logger *slog.Logger
	// AccessLog receives one line per request; nil: no access log.
	AccessLog *slog.Logger
	// LoadConfig re-reads the config for Reload (SIGHUP, POST /reload).
	LoadConfig func() (*config.Edged, error)
	// LoadProject turns a worker whose path is a project folder into a runtime
	// config (default: LoadProject, which bundles it with esbuild).
	LoadProject func(config.Worker) (runtime.Config, error)
	// Bindings opens the storage bindings of a worker (D1, KV): env entries and the
	// backends behind them (Stores.Bindings); nil: workers that declare bindings are
	// refused.
	Bindings func(config.Worker) (env map[string]any, backends map[string]any, err error)
	// NewWorker loads a worker (default: runtime.New).
	NewWorker func(runtime.Config) (Worker, error)
	// DefaultCert is served when no [[server.tls]] certificate matches the SNI name
	// (edged serve --dev-tls).
	DefaultCert *tls.Certificate
	// MaxHeaderCount caps the header fields of a request (default 100); more get 431.
	MaxHeaderCount int
	// BodyIdleTimeout is how long a request body may stall between reads before the
	// request fails with 408 (slow-body attacks; default 30 s; negative: none).
	BodyIdleTimeout time.Duration
	// IsolateMemory is the budget, in bytes, for the memory of the live isolates of
	// the process (their V8 heaps and ArrayBuffers); past it the least recently used
	// idle isolates are evicted. 0: the config's server.isolate_memory_mb, else
	// DefaultIsolateMemory; negative: no budget.
	IsolateMemory int64
	// IsolateIdleTimeout evicts an isolate that served nothing for this long. 0: the
	// config's server.isolate_idle, else DefaultIsolateIdle; negative: never.
	IsolateIdleTimeout time.Duration
	// MaxIsolates caps the live isolates of the process (least recently used idle
	// ones are evicted past it). 0: the config's server.max_isolates; negative: none.
	MaxIsolates int
	// IsolatesPerWorker caps each worker's pool (0: the runtime's default).
	IsolatesPerWorker int
	// Egress is the policy every worker's fetch() dials through (nil: the zero
	// Policy, which refuses loopback, link-local, private and other non-public
	// addresses).
	Egress *egress.Policy
	// TestScheduled makes every listener answer GET
	// /cdn-cgi/handler/scheduled?cron=<expr>&time=<ms> and /__scheduled?cron= by
	// running the scheduled handler of the worker the request routes to, as wrangler
	// dev --test-scheduled does (edged serve --test-scheduled). Off, those paths
	// reach the worker like any other.
	TestScheduled bool
	// Crons fires the scheduled handler of each named worker on its schedules (UTC,
	// config [triggers] crons) from Start until shutdown; the version serving at the
	// time runs each event.
	Crons map[string][]*cron.Schedule
}

// Host serves many workers behind one set of listeners: plain HTTP/1.1 (and h2c),
// HTTPS with HTTP/1.1 and HTTP/2, HTTP/3 over QUIC on the TLS port numbers, and an
// admin listener with /metrics and /reload. Requests are routed by host and path.
type Host struct {
	opts     HostOptions
	log      *slog.Logger
	access   *slog.Logger
	gen      atomic.Pointer[generation]
	reloadMu sync.Mutex
	parallel int
	metrics  *hostMetrics
	idPrefix string
	reqSeq   atomic.Uint64
	cfg      config.Server // the listeners' settings, fixed at Start

	cronNow  func() time.Time // the crons' clock; nil is time.Now (tests move it)
	cronStop context.CancelFunc
	cronWG   sync.WaitGroup

	mu       sync.Mutex
	servers  []*http.Server
	h3       []*http3.Server
	udp      []net.PacketConn
	admin    *http.Server
	addrs    Addrs
	errc     chan error
	started  bool
	shutdown bool
}

// Addrs are the addresses a started Host listens on.
type Addrs struct {
	HTTP  []string // plain listeners
	HTTPS []string // TLS listeners (TCP; HTTP/3 uses the same port on UDP when enabled)
	HTTP3 []string // UDP
	Admin string
}

// NewHost loads every worker of cfg; it fails, naming each worker that could not
// load, without starting anything. Call Start to listen.
func NewHost(cfg *config.Edged, opts HostOptions) (*Host, error) {
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.NewJSONHandler(os.Stderr, nil))
	}
	if opts.NewWorker == nil {
		opts.NewWorker = func(c runtime.Config) (Worker, error) { return runtime.New(c) }
	}
	if opts.Egress == nil {
		opts.Egress = &egress.Policy{}
	}
	if opts.LoadProject == nil {
		opts.LoadProject = LoadProject
	}
	if opts.MaxHeaderCount <= 0 {
		opts.MaxHeaderCount = 100
	}
	if opts.BodyIdleTimeout == 0 {
		opts.BodyIdleTimeout = 30 * time.Second
	}
	var rnd [4]byte
	rand.Read(rnd[:])
	h := &Host{
		opts:     opts,
		log:      opts.Logger,
		access:   opts.AccessLog,
		parallel: max(goruntime.GOMAXPROCS(0), 1),
		metrics:  newHostMetrics(),
		idPrefix: hex.EncodeToString(rnd[:]) + "-",
		errc:     make(chan error, 8),
	}
	if _, err := h.applyCounted(cfg, false); err != nil {
		return nil, err
	}
	return h, nil
}

func (h *Host) newWorker(c runtime.Config) (Worker, error) { return h.opts.NewWorker(c) }

// Start binds every listener of the config and starts serving. If one cannot be
// bound, none stays open.
func (h *Host) Start() error {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.started {
		return errors.New("server: host already started")
	}
	g := h.gen.Load()
	h.cfg = g.cfg.Server
	s := h.cfg
	if s.Timeouts.Shutdown <= 0 {
		s.Timeouts.Shutdown = 30 * time.Second
		h.cfg.Timeouts.Shutdown = s.Timeouts.Shutdown
	}
	type pending struct {
		srv *http.Server
		ln  net.Listener
		tls bool
	}
	var todo []pending
	var h3todo []*http3.Server
	fail := func(err error) error {
		for _, p := range todo {
			p.ln.Close()
		}
		for _, c := range h.udp {
			c.Close()
		}
		h.udp = nil
		return err
	}
	for _, a := range s.Listen {
		ln, err := net.Listen("tcp", a)
		if err != nil {
			return fail(fmt.Errorf("server: listen %s: %w", a, err))
		}
		var p http.Protocols
		p.SetHTTP1(true)
		p.SetUnencryptedHTTP2(s.H2C)
		srv := h.httpServer(&frontend{h: h}, nil, p)
		todo = append(todo, pending{srv, ln, false})
		h.addrs.HTTP = append(h.addrs.HTTP, ln.Addr().String())
	}
	if len(s.TLSListen) > 0 && g.certs.empty() {
		return fail(errors.New("server: tls_listen needs a certificate"))
	}
	for _, a := range s.TLSListen {
		ln, udp, err := listenTLSPair(a, s.HTTP3)
		if err != nil {
			return fail(err)
		}
		tlsConf := h.tlsConfig()
		fe := &frontend{h: h}
		var p http.Protocols
		p.SetHTTP1(true)
		p.SetHTTP2(true)
		if udp != nil {
			port := udp.LocalAddr().(*net.UDPAddr).Port
			fe.altSvc = `h3=":` + strconv.Itoa(port) + `"; ma=86400`
			h.udp = append(h.udp, udp)
			h3 := &http3.Server{
				Handler:        fe,
				TLSConfig:      http3.ConfigureTLSConfig(tlsConf),
				MaxHeaderBytes: int(s.MaxHeaderBytes),
				IdleTimeout:    s.Timeouts.Idle,
				QUICConfig: &quic.Config{
					HandshakeIdleTimeout: handshakeTimeout(s.Timeouts),
					MaxIdleTimeout:       s.Timeouts.Idle,
					MaxIncomingStreams:   100,
				},
				Logger: h.log,
			}
			h3todo = append(h3todo, h3)
			h.addrs.HTTP3 = append(h.addrs.HTTP3, udp.LocalAddr().String())
		}
		srv := h.httpServer(fe, tlsConf, p)
		todo = append(todo, pending{srv, ln, true})
		h.addrs.HTTPS = append(h.addrs.HTTPS, ln.Addr().String())
	}
	var adminLn net.Listener
	if s.Admin.Listen != "" {
		ln, err := net.Listen("tcp", s.Admin.Listen)
		if err != nil {
			return fail(fmt.Errorf("server: admin listen %s: %w", s.Admin.Listen, err))
		}
		adminLn = ln
		h.addrs.Admin = ln.Addr().String()
	}
	for _, p := range todo {
		h.servers = append(h.servers, p.srv)
		go func() {
			var err error
			if p.tls {
				err = p.srv.ServeTLS(p.ln, "", "")
			} else {
				err = p.srv.Serve(p.ln)
			}
			h.serveEnded(err)
		}()
	}
	for i, s3 := range h3todo {
		h.h3 = append(h.h3, s3)
		conn := h.udp[i]
		go func() { h.serveEnded(s3.Serve(conn)) }()
	}
	if adminLn != nil {
		h.admin = &http.Server{
			Handler:           h.adminHandler(),
			ReadHeaderTimeout: 5 * time.Second,
			ReadTimeout:       10 * time.Second,
			WriteTimeout:      time.Minute,
			IdleTimeout:       time.Minute,
			MaxHeaderBytes:    16 << 10,
			ErrorLog:          slog.NewLogLogger(h.log.Handler(), slog.LevelWarn),
		}
		go func() { h.serveEnded(h.admin.Serve(adminLn)) }()
	}
	h.started = true
	h.startCrons()
	h.log.Info("edged serving", "http", h.addrs.HTTP, "https", h.addrs.HTTPS, "http3", h.addrs.HTTP3, "admin", h.addrs.Admin, "workers", len(g.workers))
	return nil
}

func handshakeTimeout(t config.Timeouts) time.Duration {
	if t.ReadHeader > 0 {
		return t.ReadHeader
	}
	return 10 * time.Second
}

// listenTLSPair binds the TCP listener and, for HTTP/3, the UDP socket on the same
// port number; with port 0 it retries until both are free.
func listenTLSPair(addr string, withUDP bool) (net.Listener, net.PacketConn, error) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, nil, err
	}
	for try := 0; ; try++ {
		ln, err := net.Listen("tcp", addr)
		if err != nil {
			return nil, nil, fmt.Errorf("server: listen %s: %w", addr, err)
		}
		if !withUDP {
			return ln, nil, nil
		}
		p := strconv.Itoa(ln.Addr().(*net.TCPAddr).Port)
		udp, err := net.ListenPacket("udp", net.JoinHostPort(host, p))
		if err == nil {
			return ln, udp, nil
		}
		ln.Close()
		if port != "0" || try >= 20 {
			return nil, nil, fmt.Errorf("server: listen udp %s for HTTP/3: %w", net.JoinHostPort(host, p), err)
		}
	}
}

func (h *Host) httpServer(handler http.Handler, tlsConf *tls.Config, p http.Protocols) *http.Server {
	s := h.cfg
	return &http.Server{
		Handler:           handler,
		TLSConfig:         tlsConf,
		Protocols:         &p,
		ReadHeaderTimeout: s.Timeouts.ReadHeader,
		ReadTimeout:       s.Timeouts.Read,
		WriteTimeout:      s.Timeouts.Write,
		IdleTimeout:       s.Timeouts.Idle,
		MaxHeaderBytes:    int(s.MaxHeaderBytes),
		HTTP2: &http.HTTP2Config{
			MaxConcurrentStreams: 100,
			SendPingTimeout:      30 * time.Second,
			PingTimeout:          15 * time.Second,
		},
		ErrorLog: log.New(serverLog{h.log}, "", 0),
	}
}

// serverLog routes net/http's error log into the structured log: failed TLS
// handshakes (scanners, clients that gave up) at debug level, the rest (panics in
// handlers, accept errors) as warnings.
type serverLog struct{ l *slog.Logger }

func (s serverLog) Write(p []byte) (int, error) {
	msg := strings.TrimSpace(string(p))
	level := slog.LevelWarn
	if strings.Contains(msg, "TLS handshake error") {
		level = slog.LevelDebug
	}
	s.l.Log(context.Background(), level, msg, "source", "http")
	return len(p), nil
}

func (h *Host) serveEnded(err error) {
	if err == nil || errors.Is(err, http.ErrServerClosed) || errors.Is(err, net.ErrClosed) || errors.Is(err, quic.ErrServerClosed) {
		return
	}
	h.mu.Lock()
	down := h.shutdown
	h.mu.Unlock()
	if down {
		return
	}
	select {
	case h.errc <- err:
	default:
	}
}

// Addrs returns the bound addresses (after Start).
func (h *Host) Addrs() Addrs {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.addrs
}

// Serve blocks until ctx is done or a listener fails, then shuts down gracefully:
// listeners close, in-flight requests finish (up to the shutdown timeout), and the
// workers are closed after their waitUntil work.
func (h *Host) Serve(ctx context.Context) error {
	var ferr error
	select {
	case <-ctx.Done():
	case ferr = <-h.errc:
		h.log.Error("a listener failed; shutting down", "error", ferr.Error())
	}
	sctx, cancel := context.WithTimeout(context.Background(), h.cfg.Timeouts.Shutdown)
	defer cancel()
	return errors.Join(ferr, h.Shutdown(sctx))
}

// Shutdown stops accepting, drains in-flight requests (HTTP/2 and HTTP/3 clients get
// GOAWAY), then closes every worker. Requests still running when ctx ends are cut.
func (h *Host) Shutdown(ctx context.Context) error {
	h.mu.Lock()
	if h.shutdown {
		h.mu.Unlock()
		return nil
	}
	h.shutdown = true
	servers, h3s, udp, admin := h.servers, h.h3, h.udp, h.admin
	h.mu.Unlock()
	h.stopCrons()
	h.log.Info("shutting down: draining requests")
	var wg sync.WaitGroup
	var errMu sync.Mutex
	var errs []error
	add := func(err error) {
		if err != nil && !errors.Is(err, http.ErrServerClosed) {
			errMu.Lock()
			errs = append(errs, err)
			errMu.Unlock()
		}
	}
	for _, s := range servers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := s.Shutdown(ctx); err != nil {
				s.Close() // the drain timed out: cut what is left
				add(err)
			}
		}()
	}
	for _, s := range h3s {
		wg.Add(1)
		go func() { defer wg.Done(); add(s.Shutdown(ctx)) }()
	}
	wg.Wait()
	for _, c := range udp {
		c.Close()
	}
	h.reloadMu.Lock()
	g := h.gen.Load()
	for _, d := range g.workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			d.retired.Store(true)
			if err := d.w.Close(ctx); err != nil {
				add(fmt.Errorf("worker %s: %w", d.name, err))
			}
		}()
	}
	wg.Wait()
	h.reloadMu.Unlock()
	if admin != nil {
		add(admin.Shutdown(ctx))
	}
	h.log.Info("shut down")
	return errors.Join(errs...)
}

// Close shuts down at once, cutting requests in flight; it also cuts short a
// Shutdown under way.
func (h *Host) Close() error {
	h.mu.Lock()
	servers, h3s := h.servers, h.h3
	h.mu.Unlock()
	for _, s := range servers {
		s.Close()
	}
	for _, s := range h3s {
		s.Close()
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	return h.Shutdown(ctx)
}
