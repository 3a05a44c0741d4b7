package fetch

import (
	"errors"
	"io"
	"sync"

	"github.com/edged-dev/edged/runtime/op"
)

// Native passthrough: a body that JS hands on untouched moves between the client and
// an upstream in Go, with no JS per chunk.
//
//	op_fetch_respond(rid, status, headers, id) → bool                          sync
//	    answers incoming request rid with the still unread response body of
//	    subrequest id; the runtime copies it to the client as it arrives. false
//	    when the body cannot be taken (closed, being read): nothing happened, and JS
//	    sends the response the ordinary way. The request is not finished: JS calls
//	    op_req_done once the body has gone (op_fetch_piped), as after a stream.
//	op_fetch_piped(pid, id) → undefined                                        async
//	    resolves when the piped body of subrequest id has ended: sent whole, failed,
//	    aborted, or its client left.
//	op_fetch_open(..., body = rid)                                              sync
//	    a number as the body is the incoming request rid whose body, none of it
//	    read, is sent upstream as it arrives (see ops.go).
//
// The subrequest stays in the table while its body is piped, so op_fetch_close (an
// AbortSignal) still cuts it; JS no longer closes it when its request finishes.

// Passthrough is what the runtime's op.Call provides for the passthrough. Both run on
// the isolate's thread, inside an op.
type Passthrough interface {
	// RespondWithReader answers incoming request rid with status and packed headers
	// ("name\0value\0..."); ServeHTTP copies body to the client as it arrives,
	// flushing each piece, and closes it. It owns body from the call on: a request
	// already gone (its client left) closes it at once. An error means rid was
	// already answered. The request stays open until op_req_done.
	RespondWithReader(rid, status int, headers []byte, body io.ReadCloser) error
	// TakeRequestBody hands over the body of incoming request rid, none of it read
	// yet, with its length (-1: unknown). JS reads none of it afterwards. It stays
	// readable while the request's ServeHTTP runs.
	TakeRequestBody(rid int) (io.ReadCloser, int64, error)
}

func init() {
	op.Register("op_fetch_respond", opRespond)
	op.Register("op_fetch_piped", opPiped)
}

func opRespond(c op.Call) {
	p, ok := c.(Passthrough)
	if !ok {
		c.ReturnBool(false)
		return
	}
	id := c.ArgInt(3)
	s := lookup(id, c.Worker())
	if s == nil || !s.takeBody() {
		c.ReturnBool(false)
		return
	}
	body := &upstreamBody{s: s, id: id, owner: c.Worker(), end: s.begin()}
	if err := p.RespondWithReader(c.ArgInt(0), c.ArgInt(1), c.ArgView(2), body); err != nil {
		c.ReturnError("TypeError", err.Error())
		return
	}
	c.ReturnBool(true)
}

// pipeState is the end of a piped body, which op_fetch_piped waits for.
type pipeState struct {
	mu     sync.Mutex
	ended  bool
	waiter op.Completer // op_fetch_piped's, or nil
	done   chan struct{}
}

// end marks the pipe ended and settles its waiter, before it returns.
func (p *pipeState) end() {
	p.mu.Lock()
	p.ended = true
	w := p.waiter
	p.waiter = nil
	p.mu.Unlock()
	close(p.done)
	if w != nil {
		w.Resolve(op.Undefined())
	}
}

func opPiped(c op.Call) {
	done := c.Async()
	s := lookup(c.ArgInt(1), c.Worker())
	if s == nil || s.pipe == nil {
		done.Resolve(op.Undefined()) // ended and released already
		return
	}
	p := s.pipe
	p.mu.Lock()
	ended := p.ended
	if !ended {
		p.waiter = done
	}
	p.mu.Unlock()
	if ended {
		done.Resolve(op.Undefined())
	}
}

// takeBody reserves the response body for a pipe: only once, only after the head
// arrived (JS has it), never after a read. It runs on the isolate's thread.
func (s *subrequest) takeBody() bool {
	select {
	case <-s.done:
	default:
		return false
	}
	if s.err != nil || s.h.resp == nil || s.readStarted.Load() || !s.piped.CompareAndSwap(false, true) {
		return false
	}
	s.pipe = &pipeState{done: make(chan struct{})}
	return true
}

// upstreamBody is a subrequest's response body as an io.ReadCloser for the runtime.
// Closing it frees the subrequest.
type upstreamBody struct {
	s     *subrequest
	id    int
	owner any
	end   func()
	once  sync.Once
}

func (b *upstreamBody) Read(p []byte) (int, error) {
	b.s.touch() // a long download is not an abandoned subrequest
	return b.s.read(p)
}

// Close frees the subrequest and settles op_fetch_piped before it returns, so the
// runtime can deliver that to JS before it ends the client's response.
func (b *upstreamBody) Close() error {
	b.once.Do(func() {
		b.end()
		release(b.id, b.owner)
		b.s.pipe.end()
	})
	return nil
}

// errBody is a request body that could not be taken: the subrequest fails with err.
type errBody struct{ err error }

func (e errBody) Read([]byte) (int, error) { return 0, e.err }
func (e errBody) Close() error             { return nil }

var errNoPassthrough = errors.New("the incoming request's body cannot be passed on")
