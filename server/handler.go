package server

import (
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/edged-dev/edged/dev"
)

// frontend is the handler of one listener: it routes each request to a worker.
type frontend struct {
	h      *Host
	altSvc string // Alt-Svc value on TLS listeners with HTTP/3
}

func (f *frontend) ServeHTTP(rw http.ResponseWriter, r *http.Request) {
	h := f.h
	start := time.Now()
	id := h.idPrefix + strconv.FormatUint(h.reqSeq.Add(1), 16)
	hdr := rw.Header()
	hdr["X-Request-Id"] = []string{id}
	if f.altSvc != "" {
		hdr["Alt-Svc"] = []string{f.altSvc}
	}
	h.metrics.proto(r.ProtoMajor)

	n := 0
	for _, v := range r.Header {
		n += len(v)
	}
	if n > h.opts.MaxHeaderCount {
		h.reject(rw, r, id, start, http.StatusRequestHeaderFieldsTooLarge, reasonHeaderCount, "Request Header Fields Too Large: more than "+strconv.Itoa(h.opts.MaxHeaderCount)+" header fields")
		return
	}

	var d *deployed
	for {
		g := h.gen.Load()
		rt, ok := g.router.Match(r.Host, r.URL.Path)
		if !ok {
			h.reject(rw, r, id, start, http.StatusNotFound, reasonNoRoute, "Not Found: no worker is routed for this host and path")
			return
		}
		d = g.workers[rt.Worker]
		if d.acquire() {
			break
		}
		// d was replaced between the load and the acquire: take the new version.
	}
	defer d.release()

	sw := &respWriter{rw: rw}
	if h.opts.TestScheduled && isScheduledPath(r.URL.Path) {
		dev.ServeScheduled(sw, r, pinned{h, d}, nil)
		h.done(d, sw, r, id, start)
		return
	}
	if r.Body != nil && r.Body != http.NoBody {
		if r.ContentLength > d.maxBody {
			d.m.limitHit(limitBodySize)
			h.reject(rw, r, id, start, http.StatusRequestEntityTooLarge, reasonBodySize, "Content Too Large: the request body is larger than "+strconv.FormatInt(d.maxBody, 10)+" bytes")
			return
		}
		lb := &limitedBody{rc: r.Body, left: d.maxBody, max: d.maxBody, idle: h.opts.BodyIdleTimeout}
		if lb.idle > 0 {
			lb.ctl = http.NewResponseController(rw)
		}
		r.Body = lb
		sw.body = lb
	}
	if d.wall > 0 {
		h.serveWithin(d, sw, r)
	} else {
		d.w.ServeHTTP(sw, r)
	}
	h.done(d, sw, r, id, start)
}

// done finishes a response and records it: metrics and the access log.
func (h *Host) done(d *deployed, sw *respWriter, r *http.Request, id string, start time.Time) {
	if sw.status == 0 {
		if sw.body != nil {
			sw.body.stalled() // a worker that gave up on a stalled body still gets its 408
		}
		sw.WriteHeader(http.StatusOK)
	}
	if sw.limit != "" {
		d.m.limitHit(sw.limit)
	}
	dur := time.Since(start)
	d.m.observe(sw.status, dur)
	if h.access != nil {
		h.accessLog(r, id, d.name, d.version, sw.status, sw.bytes, dur)
	}
}

// serveWithin runs the worker with its wall-time limit: past it, the client gets 503
// and whatever the worker writes later is dropped. (The runtime cannot cancel a
// request yet: the abandoned one runs on in its isolate under the CPU limit.)
func (h *Host) serveWithin(d *deployed, sw *respWriter, r *http.Request) {
	gw := &guardedWriter{w: sw}
	done := make(chan struct{})
	go func() {
		defer close(done)
		d.w.ServeHTTP(gw, r)
	}()
	t := time.NewTimer(d.wall)
	defer t.Stop()
	select {
	case <-done:
		return
	case <-t.C:
	}
	gw.mu.Lock()
	defer gw.mu.Unlock()
	gw.detached = true
	if sw.status != 0 {
		return // the response had started; it ends where it is
	}
	hdr := sw.Header()
	for k := range hdr {
		if k != "X-Request-Id" && k != "Alt-Svc" {
			delete(hdr, k)
		}
	}
	hdr.Set("Content-Type", "text/plain; charset=utf-8")
	sw.WriteHeader(http.StatusServiceUnavailable)
	io.WriteString(sw, "Worker exceeded its wall time limit ("+strconv.FormatInt(d.wall.Milliseconds(), 10)+" ms)\n")
	sw.limit = limitWall
}

// guardedWriter is the worker's side of a response under a wall-time limit: the
// worker fills a header map of its own, copied over when it writes the header;
// once detached, nothing it does reaches the client.
type guardedWriter struct {
	mu       sync.Mutex
	w        *respWriter
	detached bool
	hdr      http.Header
}

func (g *guardedWriter) Header() http.Header {
	if g.hdr == nil {
		g.hdr = http.Header{}
	}
	return g.hdr
}

func (g *guardedWriter) WriteHeader(code int) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.detached || g.w.status != 0 {
		return
	}
	dst := g.w.Header()
	for k, v := range g.hdr {
		dst[k] = append(dst[k], v...)
	}
	g.w.WriteHeader(code)
}

func (g *guardedWriter) Write(b []byte) (int, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.detached {
		return 0, http.ErrHandlerTimeout
	}
	if g.w.status == 0 {
		g.mu.Unlock()
		g.WriteHeader(http.StatusOK)
		g.mu.Lock()
		if g.detached {
			return 0, http.ErrHandlerTimeout
		}
	}
	return g.w.Write(b)
}

func (g *guardedWriter) Flush() {
	g.mu.Lock()
	defer g.mu.Unlock()
	if !g.detached && g.w.status != 0 {
		g.w.Flush()
	}
}

func (h *Host) reject(rw http.ResponseWriter, r *http.Request, id string, start time.Time, status int, reason int, text string) {
	h.metrics.rejected(reason)
	if r.ProtoMajor == 1 && status != http.StatusNotFound {
		rw.Header().Set("Connection", "close")
	}
	http.Error(rw, text, status)
	if h.access != nil {
		h.accessLog(r, id, "", 0, status, int64(len(text)+1), time.Since(start))
	}
}

func (h *Host) accessLog(r *http.Request, id, worker string, version, status int, bytes int64, dur time.Duration) {
	h.access.LogAttrs(r.Context(), slog.LevelInfo, "request",
		slog.String("id", id),
		slog.String("worker", worker),
		slog.Int("version", version),
		slog.String("method", r.Method),
		slog.String("host", r.Host),
		slog.String("path", r.URL.Path),
		slog.String("proto", r.Proto),
		slog.Int("status", status),
		slog.Int64("bytes", bytes),
		slog.Float64("duration_ms", float64(dur.Microseconds())/1000),
		slog.String("remote", r.RemoteAddr),
	)
}

// respWriter records the status and size of a response, and turns a response to a
// request whose body hit a limit into 413 or 408.
type respWriter struct {
	rw      http.ResponseWriter
	status  int
	bytes   int64
	body    *limitedBody
	limit   string // the limit the body hit, if any
	swallow bool
}

func (w *respWriter) Header() http.Header { return w.rw.Header() }

func (w *respWriter) WriteHeader(code int) {
	if w.status != 0 {
		return
	}
	if w.body != nil {
		status, text := 0, ""
		switch w.body.failure.Load() {
		case bodyTooLarge:
			status, text, w.limit = http.StatusRequestEntityTooLarge, "Content Too Large: the request body is larger than "+strconv.FormatInt(w.body.max, 10)+" bytes", limitBodySize
		case bodyStalled:
			status, text, w.limit = http.StatusRequestTimeout, "Request Timeout: the request body stalled", limitBodyTimeout
		}
		if status != 0 {
			h := w.rw.Header()
			for k := range h {
				if k != "X-Request-Id" && k != "Alt-Svc" {
					delete(h, k)
				}
			}
			h.Set("Content-Type", "text/plain; charset=utf-8")
			h.Set("Connection", "close")
			w.rw.WriteHeader(status)
			n, _ := io.WriteString(w.rw, text+"\n")
			w.status, w.bytes, w.swallow = status, int64(n), true
			return
		}
	}
	w.status = code
	w.rw.WriteHeader(code)
}

func (w *respWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.WriteHeader(http.StatusOK)
	}
	if w.swallow {
		return len(b), nil
	}
	n, err := w.rw.Write(b)
	w.bytes += int64(n)
	return n, err
}

// Flush sends buffered data to the client.
func (w *respWriter) Flush() {
	if w.status == 0 {
		w.WriteHeader(http.StatusOK)
	}
	if f, ok := w.rw.(http.Flusher); ok && !w.swallow {
		f.Flush()
	}
}

// Unwrap lets http.ResponseController reach the connection.
func (w *respWriter) Unwrap() http.ResponseWriter { return w.rw }

const (
	bodyOK int32 = iota
	bodyTooLarge
	bodyStalled
)

var (
	errBodyTooLarge = errors.New("the request body is larger than the worker's limit")
	errBodyStalled  = errors.New("the request body stalled")
)

// limitedBody caps a request body at the worker's limit and makes each read
// finish within the idle timeout (slow-body attacks).
type limitedBody struct {
	rc      io.ReadCloser
	left    int64
	max     int64
	idle    time.Duration
	ctl     *http.ResponseController
	failure atomic.Int32
	armed   bool
	// deadline of the read in progress (UnixNano; 0: none). When a read deadline
	// passes, net/http cancels the request's context before the read returns its
	// timeout, so the worker may give up on the request before failure is set:
	// stalled tells done() what the read is about to report.
	deadline atomic.Int64
}

// stalled reports whether the body hit the idle timeout, or a read in progress is
// past its deadline (marking it so).
func (b *limitedBody) stalled() bool {
	if b.failure.Load() == bodyStalled {
		return true
	}
	if d := b.deadline.Load(); d != 0 && time.Now().UnixNano() >= d {
		b.failure.CompareAndSwap(bodyOK, bodyStalled)
		return b.failure.Load() == bodyStalled
	}
	return false
}

func (b *limitedBody) Read(p []byte) (int, error) {
	switch b.failure.Load() {
	case bodyTooLarge:
		return 0, errBodyTooLarge
	case bodyStalled:
		return 0, errBodyStalled
	}
	if int64(len(p)) > b.left+1 {
		p = p[:b.left+1]
	}
	if b.ctl != nil {
		// Errors mean the protocol has no read deadlines (HTTP/3 streams use the
		// QUIC idle timeout instead); the limit then does not apply.
		at := time.Now().Add(b.idle)
		b.armed = b.ctl.SetReadDeadline(at) == nil
		if b.armed {
			b.deadline.Store(at.UnixNano())
		}
	}
	n, err := b.rc.Read(p)
	b.deadline.Store(0)
	if int64(n) > b.left {
		n = int(b.left)
		b.left = 0
		b.failure.Store(bodyTooLarge)
		b.disarm()
		return n, errBodyTooLarge
	}
	b.left -= int64(n)
	if err != nil {
		b.disarm()
		var ne net.Error
		if errors.As(err, &ne) && ne.Timeout() {
			b.failure.Store(bodyStalled)
			return n, errBodyStalled
		}
	}
	return n, err
}

func (b *limitedBody) disarm() {
	if b.armed {
		b.ctl.SetReadDeadline(time.Time{})
		b.armed = false
	}
}

func (b *limitedBody) Close() error { return b.rc.Close() }
