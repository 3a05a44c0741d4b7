// Package fetch is the Go half of outbound fetch(): an HTTP client per worker (one
// connection pool each), the Fetch standard's redirect rules, streamed request and
// response bodies, and the per-worker options (subrequest limit, dial guard, timeout).
// The JS half (44_fetch.js) turns a Request into one op_fetch_open call and reads the
// response through async ops; see ops.go for the op contract.
package fetch

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// Options configure the subrequests of one worker.
type Options struct {
	// MaxSubrequests is how many fetch() calls one incoming request may make
	// (default 50); the next one rejects with TypeError "Too many subrequests.".
	MaxSubrequests int
	// Control, when set, runs in net.Dialer.Control for every connection the worker
	// opens, on the resolved address (the egress guard: server/egress's
	// Policy.Control). nil lets every address through, as `edged dev` wants.
	Control func(network, address string, c syscall.RawConn) error
	// Timeout bounds a whole subrequest, body included (0: no limit of its own; the
	// caller's AbortSignal still applies).
	Timeout time.Duration
	// HeaderTimeout bounds the wait for the response head (default 100 s).
	HeaderTimeout time.Duration
}

// DefaultOptions are used for workers that Configure did not name.
var DefaultOptions = Options{MaxSubrequests: 50, HeaderTimeout: 100 * time.Second}

const maxRedirects = 20

var (
	mu      sync.Mutex
	options = map[string]Options{}
	clients = map[string]*client{}
)

// Subrequests in flight, by id, across workers; each remembers the op.Worker that
// opened it and answers no other.
var table = struct {
	sync.Mutex
	next int
	m    map[int]*subrequest
}{m: map[int]*subrequest{}}

// Configure sets the options of the worker named name. Call it before the worker
// serves requests; subrequests already in flight keep the pool they started on.
func Configure(name string, o Options) {
	mu.Lock()
	defer mu.Unlock()
	options[name] = o
	if c := clients[name]; c != nil {
		c.closeIdle()
		delete(clients, name)
	}
}

// Forget drops the worker's options and closes its idle connections (a worker that
// was removed from the host).
func Forget(name string) {
	mu.Lock()
	defer mu.Unlock()
	delete(options, name)
	if c := clients[name]; c != nil {
		c.closeIdle()
		delete(clients, name)
	}
}

func withDefaults(o Options) Options {
	if o.MaxSubrequests <= 0 {
		o.MaxSubrequests = DefaultOptions.MaxSubrequests
	}
	if o.HeaderTimeout <= 0 {
		o.HeaderTimeout = DefaultOptions.HeaderTimeout
	}
	if o.Control == nil {
		o.Control = DefaultOptions.Control
	}
	if o.Timeout <= 0 {
		o.Timeout = DefaultOptions.Timeout
	}
	return o
}

// clientFor returns the worker's client, creating it (and its pool) on first use.
func clientFor(name string) *client {
	mu.Lock()
	defer mu.Unlock()
	if c := clients[name]; c != nil {
		return c
	}
	o, ok := options[name]
	if !ok {
		o = DefaultOptions
	}
	c := newClient(withDefaults(o))
	clients[name] = c
	return c
}

// client is one worker's HTTP client: its transport is the worker's connection pool.
type client struct {
	opts Options
	tr   *http.Transport
	hc   *http.Client
}

func newClient(o Options) *client {
	d := &net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second, Control: o.Control}
	tr := &http.Transport{
		Proxy:                 nil, // a proxy would be a way around the dial guard
		DialContext:           d.DialContext,
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          128,
		MaxIdleConnsPerHost:   16,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   10 * time.Second,
		ExpectContinueTimeout: time.Second,
		ResponseHeaderTimeout: o.HeaderTimeout,
	}
	return &client{
		opts: o,
		tr:   tr,
		// Redirects are followed by send, with the Fetch standard's rules.
		hc: &http.Client{Transport: tr, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }},
	}
}

func (c *client) closeIdle() { c.tr.CloseIdleConnections() }

// Redirect modes of a Request.
const (
	redirectFollow = "follow"
	redirectManual = "manual"
	redirectError  = "error"
)

// spec is what JS asks for: one request.
type spec struct {
	method   string
	url      string
	header   http.Header
	redirect string
	body     []byte        // a buffered body (replayed on 307/308), or nil
	stream   io.ReadCloser // a streamed body, or nil
	length   int64         // the streamed body's length when known (> 0), else 0
	timeout  time.Duration
}

// head is a response head, with the final URL and whether a redirect was followed.
type head struct {
	resp       *http.Response
	url        string
	redirected bool
}

// subrequest is one fetch() in flight: its head arrives once, then its body is read
// in chunks. Cancel aborts everything, from any goroutine.
type subrequest struct {
	ctx    context.Context
	cancel context.CancelFunc
	owner  any // the op.Worker that opened it

	done chan struct{} // closed when h/err are set
	h    head
	err  error

	bodyW *io.PipeWriter // the streamed request body's writer, or nil

	readMu sync.Mutex // one read at a time

	readStarted atomic.Bool // op_fetch_read was called: the body is JS's
	piped       atomic.Bool // the body was handed to the runtime (passthrough.go)
	pipe        *pipeState  // set with piped, on the isolate's thread

	busy atomic.Int32 // async ops in flight
	used atomic.Int64 // when an op last touched it (UnixNano)

	forget atomic.Pointer[func()] // cancels the isolate-gone cleanup (set by opFetch)
}

// Subrequests are closed by JS (end of body, abort, end of the request that made
// them), or when the isolate that opened them is disposed of (op.Call.OnIsolateGone),
// unless their body was handed to the runtime (piped): the runtime then closes it.
// The sweeper is the backstop for anything else: it closes subrequests that no op
// touched for a while.
var (
	sweepEvery   = 30 * time.Second
	abandonIdle  = 5 * time.Minute // no op in flight
	abandonStuck = time.Hour       // an op in flight (a read on a silent connection)
	sweepOnce    sync.Once
)

func sweeper() {
	for range time.Tick(sweepEvery) {
		sweep(time.Now())
	}
}

// sweep closes the abandoned subrequests; it returns how many.
func sweep(now time.Time) int {
	var victims []*subrequest
	table.Lock()
	for id, s := range table.m {
		idle := now.Sub(time.Unix(0, s.used.Load()))
		if idle > abandonIdle && s.busy.Load() == 0 || idle > abandonStuck {
			delete(table.m, id)
			victims = append(victims, s)
		}
	}
	table.Unlock()
	for _, s := range victims {
		s.close()
	}
	return len(victims)
}

// touch marks the subrequest used now.
func (s *subrequest) touch() {
	s.used.Store(time.Now().UnixNano())
}

// begin marks an async op in flight on the subrequest; call the result when it ends.
func (s *subrequest) begin() func() {
	s.busy.Add(1)
	s.touch()
	return func() {
		s.touch()
		s.busy.Add(-1)
	}
}

// start opens a subrequest and sends it in the background. bodyW is the writer of
// sp.stream's pipe, or nil.
func (c *client) start(sp spec, owner any, bodyW *io.PipeWriter) (int, *subrequest) {
	ctx, cancel := context.WithCancel(context.Background())
	if t := sp.timeout; t <= 0 && c.opts.Timeout > 0 {
		sp.timeout = c.opts.Timeout
	}
	if sp.timeout > 0 {
		ctx, cancel = withTimeout(ctx, cancel, sp.timeout)
	}
	s := &subrequest{ctx: ctx, cancel: cancel, owner: owner, done: make(chan struct{}), bodyW: bodyW}
	s.touch()
	sweepOnce.Do(func() { go sweeper() })
	table.Lock()
	table.next++
	id := table.next
	table.m[id] = s
	table.Unlock()
	go func() {
		s.h, s.err = c.send(ctx, sp)
		close(s.done)
	}()
	return id, s
}

func withTimeout(ctx context.Context, cancel context.CancelFunc, d time.Duration) (context.Context, context.CancelFunc) {
	tctx, tcancel := context.WithTimeoutCause(ctx, d, errTimeout)
	return tctx, func() { tcancel(); cancel() }
}

var errTimeout = errors.New("the subrequest timed out")

// lookup returns the subrequest id if owner opened it.
func lookup(id int, owner any) *subrequest {
	table.Lock()
	defer table.Unlock()
	s := table.m[id]
	if s == nil || s.owner != owner {
		return nil
	}
	s.touch()
	return s
}

// release cancels the subrequest and forgets it.
func release(id int, owner any) {
	table.Lock()
	s := table.m[id]
	if s != nil && s.owner == owner {
		delete(table.m, id)
	} else {
		s = nil
	}
	table.Unlock()
	if s != nil {
		s.close()
	}
}

// inFlight counts the subrequests not yet released (tests).
func inFlight() int {
	table.Lock()
	defer table.Unlock()
	return len(table.m)
}

func (s *subrequest) close() {
	if f := s.forget.Load(); f != nil {
		(*f)()
	}
	s.cancel()
	if s.bodyW != nil {
		s.bodyW.CloseWithError(errors.New("the subrequest was closed"))
	}
	go func() {
		<-s.done
		if s.h.resp != nil {
			s.h.resp.Body.Close()
		}
	}()
}

// read returns the next chunk of the response body, or io.EOF.
func (s *subrequest) read(buf []byte) (int, error) {
	<-s.done
	if s.err != nil {
		return 0, s.err
	}
	s.readMu.Lock()
	defer s.readMu.Unlock()
	n, err := s.h.resp.Body.Read(buf)
	if n > 0 {
		return n, nil
	}
	if err == nil {
		return 0, nil
	}
	if err != io.EOF && s.ctx.Err() != nil {
		return 0, ctxError(s.ctx)
	}
	return 0, err
}

// send runs a request and the redirects it leads to, per the Fetch standard's
// HTTP-redirect fetch: at most 20, 301/302 turn POST into GET, 303 turns anything but
// GET/HEAD into GET, 307/308 keep the method and body (a streamed body cannot be
// sent twice, so that is a network error), and a cross-origin hop drops Authorization.
func (c *client) send(ctx context.Context, sp spec) (head, error) {
	u, err := url.Parse(sp.url)
	if err != nil {
		return head{}, fmt.Errorf("invalid URL %q", sp.url)
	}
	method, header, body, stream := sp.method, sp.header, sp.body, sp.stream
	redirected := false
	for hops := 0; ; hops++ {
		req, err := newRequest(ctx, method, u, header, body, stream, sp.length)
		if err != nil {
			return head{}, err
		}
		resp, err := c.hc.Do(req)
		if err != nil {
			if ctx.Err() != nil {
				return head{}, ctxError(ctx)
			}
			return head{}, netError(err)
		}
		loc := resp.Header.Get("Location")
		if !isRedirect(resp.StatusCode) || loc == "" || sp.redirect == redirectManual {
			final := sp.url
			if redirected {
				final = u.String()
			}
			return head{resp: resp, url: final, redirected: redirected}, nil
		}
		drain(resp)
		if sp.redirect == redirectError {
			return head{}, fmt.Errorf("redirect mode is set to error: %d redirect to %s", resp.StatusCode, loc)
		}
		if hops >= maxRedirects {
			return head{}, errors.New("too many redirects")
		}
		next, err := u.Parse(loc)
		if err != nil {
			return head{}, fmt.Errorf("invalid Location header %q", loc)
		}
		if next.Scheme != "http" && next.Scheme != "https" {
			return head{}, fmt.Errorf("redirect to a URL that is not HTTP(S): %s", next.Redacted())
		}
		if next.Fragment == "" && u.Fragment != "" {
			next.Fragment = u.Fragment
		}
		st := resp.StatusCode
		if (st == 301 || st == 302) && method == http.MethodPost || st == 303 && method != http.MethodGet && method != http.MethodHead {
			method = http.MethodGet
			body, stream = nil, nil
			header = header.Clone()
			for _, h := range []string{"Content-Encoding", "Content-Language", "Content-Location", "Content-Type"} {
				header.Del(h)
			}
		} else if stream != nil {
			return head{}, errors.New("cannot follow a redirect with a streamed request body")
		}
		if origin(next) != origin(u) {
			header = header.Clone()
			header.Del("Authorization")
		}
		u = next
		redirected = true
	}
}

func newRequest(ctx context.Context, method string, u *url.URL, header http.Header, body []byte, stream io.ReadCloser, length int64) (*http.Request, error) {
	var rd io.Reader
	switch {
	case stream != nil:
		rd = stream
	case body != nil:
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, u.String(), rd)
	if err != nil {
		return nil, fmt.Errorf("invalid request: %v", err)
	}
	if stream != nil {
		req.ContentLength = -1
		if length > 0 {
			req.ContentLength = length
		}
	}
	for k, vs := range header {
		if strings.EqualFold(k, "Host") {
			req.Host = vs[0]
			continue
		}
		req.Header[k] = vs
	}
	if _, ok := req.Header["User-Agent"]; !ok {
		req.Header["User-Agent"] = []string{""} // none, as Workers send none
	}
	return req, nil
}

func isRedirect(status int) bool {
	return status == 301 || status == 302 || status == 303 || status == 307 || status == 308
}

func origin(u *url.URL) string { return u.Scheme + "://" + u.Host }

// drain reads a little of a body that will not be used, so its connection can be
// reused, and closes it.
func drain(resp *http.Response) {
	io.CopyN(io.Discard, resp.Body, 64<<10)
	resp.Body.Close()
}

func ctxError(ctx context.Context) error {
	if errors.Is(context.Cause(ctx), errTimeout) {
		return errTimeout
	}
	return errAborted
}

var errAborted = errors.New("the subrequest was aborted")

// netError words a transport error for a TypeError message.
func netError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	return fmt.Errorf("network error: %v", err)
}
