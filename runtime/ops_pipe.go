package runtime

import (
	"context"
	"errors"
	"io"
	"net/http"
	"sync"
	"sync/atomic"

	"github.com/edged-dev/edged/bindings/fetch"
)

// Native passthrough (bindings/fetch/passthrough.go): a body JS hands on untouched
// moves in Go. A proxied upstream response goes to the client from the upstream's
// reader, and an incoming request body goes to an upstream as it arrives: no JS
// entry per chunk, so no CPU time charged to the request for moving it.

var _ fetch.Passthrough = (*loop)(nil)

var errAlreadySent = errors.New("the response for this request was already sent")

// Bodies passed through so far, for tests: responses piped to clients, request
// bodies given to subrequests.
var pipedResponses, pipedRequestBodies atomic.Int64

// RespondWithReader answers request rid with a body ServeHTTP copies from body. It
// runs inside an op, on the loop; body is closed whatever happens. The request stays
// open (JS still runs for it: a request body it sends upstream, its other I/O) until
// JS calls op_req_done, once the body has ended.
func (l *loop) RespondWithReader(rid, status int, headers []byte, body io.ReadCloser) error {
	req := l.reqs[rid]
	if req == nil {
		body.Close() // cancelled: the client went away
		return nil
	}
	if req.answered {
		body.Close()
		return errAlreadySent
	}
	req.status = status
	req.header = parseHeaders(headers)
	respStreams.Store(req, &respPipe{l: l, req: req, body: body})
	pipedResponses.Add(1)
	l.answer(req)
	return nil
}

// TakeRequestBody gives request rid's body, unread, to a subrequest. JS has marked
// the body used; the request's body reads answer "end" from now on (none comes).
func (l *loop) TakeRequestBody(rid int) (io.ReadCloser, int64, error) {
	req := l.reqs[rid]
	if req == nil || req.r == nil || req.r.Body == nil || req.r.Body == http.NoBody {
		return nil, 0, errors.New("the request's body is no longer available (the request has finished)")
	}
	if req.bodyRead > 0 || req.bodyEOF {
		return nil, 0, errors.New("the request's body was already read")
	}
	req.bodyEOF = true
	pipedRequestBodies.Add(1)
	return req.r.Body, req.r.ContentLength, nil
}

// respPipe is a response whose body ServeHTTP copies from a Go reader.
type respPipe struct {
	l    *loop
	req  *request
	body io.ReadCloser
}

var pipeBufs = sync.Pool{New: func() any { b := make([]byte, 64<<10); return &b }}

// serve writes the head at once, then each piece of the body as it arrives, flushed.
// A client that leaves closes the body (the upstream is cancelled); a body that fails
// resets the client's connection, as a failing stream does.
func (p *respPipe) serve(rw http.ResponseWriter, r *http.Request, status int) {
	defer respStreams.Delete(p.req)
	defer p.settle()
	rc := http.NewResponseController(rw)
	// The handler may pass its request body upstream while this response streams.
	rc.EnableFullDuplex()
	rw.WriteHeader(status)
	if !bodyAllowed(r.Method, status) || r.Method == http.MethodHead {
		return
	}
	rc.Flush()
	// A read waiting on a silent upstream ends when the client leaves.
	stop := context.AfterFunc(r.Context(), func() { p.body.Close() })
	defer stop()
	bp := pipeBufs.Get().(*[]byte)
	defer pipeBufs.Put(bp)
	buf := *bp
	for {
		n, err := p.body.Read(buf)
		if n > 0 {
			if _, werr := rw.Write(buf[:n]); werr != nil {
				return // the client went away
			}
			if err := rc.Flush(); err != nil && !errors.Is(err, http.ErrNotSupported) {
				return
			}
		}
		if err == io.EOF {
			return
		}
		if err != nil {
			if r.Context().Err() != nil {
				return // closed because the client went away
			}
			p.l.w.console(levelError, "the proxied response body failed: "+err.Error())
			panic(http.ErrAbortHandler) // after the deferred settle
		}
	}
}

// settle closes the body, which settles what JS waits on for it (the end of the
// request: op_fetch_piped), and waits until the loop has delivered that. So, as
// with a stream, the request has finished in JS (waitUntil aside) before the client
// sees the end of the response, and a next request on the same connection does not
// overlap it (which would blur what is charged to which: CPU time, subrequests).
func (p *respPipe) settle() {
	p.body.Close()
	delivered := make(chan struct{})
	p.l.post(func(l *loop) {
		l.flushCompletions()
		close(delivered)
	})
	select {
	case <-delivered:
	case <-p.l.stopped:
	}
}

// drop closes the body of a response whose client left before it was served.
func (p *respPipe) drop() {
	p.body.Close()
}
