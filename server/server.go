// Package server is edged's HTTP front end: listeners, timeouts, limits and graceful
// shutdown around an http.Handler (a worker, or a router of workers).
package server

import (
	"context"
	"errors"
	"net"
	"net/http"
	"time"
)

// Options tune a server. Zero values take the defaults.
type Options struct {
	ReadHeaderTimeout time.Duration // default 10 s (slowloris)
	IdleTimeout       time.Duration // default 120 s
	MaxHeaderBytes    int           // default 64 KiB
	DrainTimeout      time.Duration // how long shutdown waits for in-flight requests; default 30 s
}

// Server serves one handler on one listener.
type Server struct {
	ln   net.Listener
	http *http.Server
	opts Options
}

// Listen binds addr ("127.0.0.1:8787"; port 0 picks a free one).
func Listen(addr string, h http.Handler, opts Options) (*Server, error) {
	if opts.ReadHeaderTimeout <= 0 {
		opts.ReadHeaderTimeout = 10 * time.Second
	}
	if opts.IdleTimeout <= 0 {
		opts.IdleTimeout = 120 * time.Second
	}
	if opts.MaxHeaderBytes <= 0 {
		opts.MaxHeaderBytes = 64 << 10
	}
	if opts.DrainTimeout <= 0 {
		opts.DrainTimeout = 30 * time.Second
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	return &Server{ln: ln, opts: opts, http: &http.Server{
		Handler:           h,
		ReadHeaderTimeout: opts.ReadHeaderTimeout,
		IdleTimeout:       opts.IdleTimeout,
		MaxHeaderBytes:    opts.MaxHeaderBytes,
	}}, nil
}

// URL is the server's base URL.
func (s *Server) URL() string { return "http://" + s.ln.Addr().String() }

// Serve serves until ctx is cancelled, then stops accepting, waits for in-flight
// requests (up to DrainTimeout) and returns.
func (s *Server) Serve(ctx context.Context) error {
	errc := make(chan error, 1)
	go func() { errc <- s.http.Serve(s.ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	dctx, cancel := context.WithTimeout(context.Background(), s.opts.DrainTimeout)
	defer cancel()
	err := s.http.Shutdown(dctx)
	if e := <-errc; err == nil && !errors.Is(e, http.ErrServerClosed) {
		err = e
	}
	return err
}
