package runtime

import (
	"errors"
	"net/http"
	"sync"

	"github.com/edged-dev/edged/runtime/op"
	"github.com/edged-dev/edged/runtime/v8"
)

// Streamed responses: a Response whose body is a stream leaves JS chunk by chunk.
//
//	op_resp_start(rid, status, statusText, headers)   sync: answers the request; the
//	    head goes out at once, without Content-Length (unless headers set one).
//	op_resp_write(pid, rid, chunk) → undefined          async: resolves once the chunk
//	    was written to the client (and flushed), the backpressure JS waits for before
//	    the next; rejects with TypeError when the client has gone away.
//	op_resp_end(rid, done)                               sync: the body is complete;
//	    done as for op_resp_send (no waitUntil left).
//	op_resp_abort(rid, message, done)                    sync: the body failed midway;
//	    the message is logged and the client's connection (or HTTP/2 stream) is reset,
//	    so it sees a truncated response rather than a clean end.
//
// At most a few items are queued: JS waits for each write before the next, so the
// memory a stream holds is one chunk, whatever the body's size. ServeHTTP's goroutine
// writes; the loop's thread only queues.
func init() {
	for name, fn := range map[string]func(*loop){
		"op_resp_start": opRespStart,
		"op_resp_write": opRespWrite,
		"op_resp_end":   opRespEnd,
		"op_resp_abort": opRespAbort,
	} {
		op.Register(name, func(c op.Call) { fn(c.(*loop)) })
	}
}

// respStream carries a streamed body from the loop to ServeHTTP.
type respStream struct {
	l    *loop
	req  *request
	wake chan struct{} // capacity 1: something was queued

	mu    sync.Mutex
	queue []streamItem
	gone  error // set once ServeHTTP stopped serving the stream; later items fail
}

type streamItem struct {
	pid   float64 // a write's promise
	data  []byte
	end   bool
	abort bool
}

// respBody is a response body ServeHTTP serves after the head: a stream from JS
// (*respStream), or a Go reader piped to the client (*respPipe, ops_pipe.go).
type respBody interface {
	serve(rw http.ResponseWriter, r *http.Request, status int)
	drop() // the client left before serve
}

// Bodies of answered requests, until ServeHTTP takes them.
var respStreams sync.Map // *request → respBody

func streamOf(l *loop, rid int) (*request, *respStream) {
	req := l.reqs[rid]
	if req == nil {
		return nil, nil
	}
	s, _ := respStreams.Load(req)
	st, _ := s.(*respStream)
	return req, st
}

// takeStream returns the streamed or piped body of req, or nil when its body was sent
// whole. A stream stays reachable by the ops until serve returns.
func takeStream(req *request) respBody {
	s, ok := respStreams.Load(req)
	if !ok {
		return nil
	}
	return s.(respBody)
}

// dropStream forgets the body of a request whose client left before ServeHTTP could
// serve it; writes still queued or to come fail, a piped body is closed.
func dropStream(req *request) {
	if s, ok := respStreams.LoadAndDelete(req); ok {
		s.(respBody).drop()
	}
}

func (s *respStream) drop() { s.fail(nil, errClientGone) }

func opRespStart(l *loop) {
	iso := l.iso
	req := l.reqs[iso.ArgInt(0)]
	if req == nil || req.answered {
		iso.ReturnError("TypeError", "the response for this request was already sent")
		return
	}
	req.status = iso.ArgInt(1)
	req.header = parseHeaders(iso.ArgView(3))
	respStreams.Store(req, &respStream{l: l, req: req, wake: make(chan struct{}, 1)})
	l.answer(req)
}

func opRespWrite(l *loop) {
	iso := l.iso
	pid := iso.ArgNumber(0)
	_, s := streamOf(l, iso.ArgInt(1))
	if s == nil {
		l.complete(&completion{pid: pid, kind: v8.String, str: "TypeError\x00the response stream is closed"})
		return
	}
	// The view is borrowed for the call; the copy is the one chunk the stream holds.
	if err := s.push(streamItem{pid: pid, data: append([]byte(nil), iso.ArgView(2)...)}); err != nil {
		l.complete(&completion{pid: pid, kind: v8.String, str: "TypeError\x00" + err.Error()})
	}
}

func opRespEnd(l *loop) {
	req, s := streamOf(l, l.iso.ArgInt(0))
	if s != nil {
		s.push(streamItem{end: true})
	}
	if req != nil && l.iso.ArgBool(1) {
		l.finish(req)
	}
}

func opRespAbort(l *loop) {
	req, s := streamOf(l, l.iso.ArgInt(0))
	if req == nil {
		return
	}
	l.w.console(levelError, l.iso.ArgString(1))
	if s != nil {
		s.push(streamItem{abort: true})
	}
	if l.iso.ArgBool(2) {
		l.finish(req)
	}
}

func (s *respStream) push(it streamItem) error {
	s.mu.Lock()
	if s.gone != nil {
		err := s.gone
		s.mu.Unlock()
		return err
	}
	s.queue = append(s.queue, it)
	s.mu.Unlock()
	select {
	case s.wake <- struct{}{}:
	default:
	}
	return nil
}

var (
	errClientGone  = errors.New("the client went away before the response was complete")
	errIsolateGone = errors.New("the isolate serving the request stopped")
)

// serve writes the streamed body on ServeHTTP's goroutine: the head (already in
// rw.Header()), then each chunk as it comes, flushed. It returns at the end of the
// body; it panics with http.ErrAbortHandler to reset the client's connection when
// the body failed or the isolate died before the end.
func (s *respStream) serve(rw http.ResponseWriter, r *http.Request, status int) {
	defer respStreams.Delete(s.req)
	writeBody := bodyAllowed(r.Method, status) && r.Method != http.MethodHead
	rc := http.NewResponseController(rw)
	// HTTP/1.x servers stop reading the request body once the response starts, unless
	// asked: a handler may echo its request body as it streams (HTTP/2 always can).
	rc.EnableFullDuplex()
	rw.WriteHeader(status)
	rc.Flush()
	var stop error
	aborted := false
	var batch []streamItem
	for stop == nil {
		select {
		case <-s.wake:
		case <-r.Context().Done():
			stop = errClientGone
			continue
		case <-s.l.stopped:
			stop, aborted = errIsolateGone, true
			continue
		}
		s.mu.Lock()
		batch, s.queue = s.queue, batch[:0]
		s.mu.Unlock()
		for i, it := range batch {
			switch {
			case it.end:
				stop = errEnded
			case it.abort:
				stop, aborted = errEnded, true
			default:
				var err error
				if writeBody && len(it.data) > 0 {
					if _, err = rw.Write(it.data); err == nil {
						err = rc.Flush()
					}
				}
				c := &completion{pid: it.pid, ok: err == nil, kind: v8.Undefined}
				if err != nil {
					stop = errClientGone
					c.kind, c.str = v8.String, "TypeError\x00"+errClientGone.Error()
				}
				s.l.complete(c)
			}
			batch[i] = streamItem{}
			if stop != nil {
				s.fail(batch[i+1:], stop)
				break
			}
		}
	}
	s.fail(nil, stop)
	if stop == errClientGone {
		// The request is over for the isolate too, even if JS is still waiting for
		// its next chunk: it must not keep the isolate busy.
		s.l.post(cancelTask{s.req})
	}
	if aborted {
		panic(http.ErrAbortHandler)
	}
}

var errEnded = errors.New("the response stream has ended")

// fail marks the stream gone and rejects the writes still queued (and rest).
func (s *respStream) fail(rest []streamItem, err error) {
	s.mu.Lock()
	if s.gone == nil {
		s.gone = err
	}
	queued := s.queue
	s.queue = nil
	s.mu.Unlock()
	for _, list := range [][]streamItem{rest, queued} {
		for _, it := range list {
			if !it.end && !it.abort {
				s.l.complete(&completion{pid: it.pid, kind: v8.String, str: "TypeError\x00" + err.Error()})
			}
		}
	}
}
