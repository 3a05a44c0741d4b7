package fetch

import (
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/edged-dev/edged/runtime/op"
	"github.com/edged-dev/edged/runtime/v8"
)

// The ops of outbound fetch(). A subrequest is a number, valid until op_fetch_close.
//
//	op_fetch_open(method, url, headers, redirect, timeoutMs, body) → id          sync
//	    headers packed "name\0value\0..."; redirect "follow" | "manual" | "error";
//	    body null (none), a string or bytes (buffered), true: streamed with
//	    op_fetch_write / op_fetch_write_end, or a number: the incoming request of
//	    that id, whose unread body Go sends as it arrives (passthrough.go).
//	op_fetch_head(pid, id) → "status\0statusText\0url\0redirected\0name\0value..."  async
//	    redirected is "1" or ""; header names lower-cased. Rejects with TypeError.
//	op_fetch_read(pid, id) → Uint8Array chunk, or null at the end                  async
//	op_fetch_write(pid, id, chunk) → undefined once the chunk was sent              async
//	op_fetch_write_end(id, error)                                                  sync
//	    error null closes the request body; a string aborts the subrequest with it.
//	op_fetch_close(id)                                                             sync
//	    cancels whatever is in flight and frees the subrequest (abort, or done).
//	op_fetch_limit() → the worker's subrequest limit per incoming request          sync
func init() {
	op.Register("op_fetch_open", opOpen)
	op.Register("op_fetch_head", opHead)
	op.Register("op_fetch_read", opRead)
	op.Register("op_fetch_write", opWrite)
	op.Register("op_fetch_write_end", opWriteEnd)
	op.Register("op_fetch_close", opClose)
	op.Register("op_fetch_limit", opLimit)
}

const readChunk = 64 << 10

var bufPool = sync.Pool{New: func() any { b := make([]byte, readChunk); return &b }}

func opLimit(c op.Call) {
	c.ReturnNumber(float64(clientFor(c.Worker().Name()).opts.MaxSubrequests))
}

func opOpen(c op.Call) {
	method := c.ArgString(0)
	rawURL := c.ArgString(1)
	if !strings.HasPrefix(rawURL, "http://") && !strings.HasPrefix(rawURL, "https://") {
		c.ReturnError("TypeError", "fetch: only http: and https: URLs reach the network, not "+rawURL)
		return
	}
	sp := spec{
		method:   method,
		url:      rawURL,
		header:   unpackHeaders(c.ArgString(2)),
		redirect: c.ArgString(3),
		timeout:  time.Duration(c.ArgNumber(4) * float64(time.Millisecond)),
	}
	var pw *io.PipeWriter
	switch c.ArgKind(5) {
	case v8.String, v8.Bytes:
		sp.body = append([]byte{}, c.ArgView(5)...)
	case v8.True:
		var pr *io.PipeReader
		pr, pw = io.Pipe()
		sp.stream = pr
	case v8.Number:
		sp.stream = errBody{errNoPassthrough}
		if p, ok := c.(Passthrough); ok {
			if body, n, err := p.TakeRequestBody(c.ArgInt(5)); err == nil {
				sp.stream, sp.length = body, n
			} else {
				sp.stream = errBody{err}
			}
		}
	}
	w := c.Worker()
	cl := clientFor(w.Name())
	id, s := cl.start(sp, w, pw)
	// If the isolate dies (a limit, eviction) JS never closes it: close it then,
	// unless its body went to the runtime, which closes it when the body has gone.
	forget := c.OnIsolateGone(func() {
		if !s.piped.Load() {
			release(id, w)
			return
		}
		// The response goes on from Go, but a request body JS was still writing
		// never will be finished: end it, so the upstream does not wait forever.
		if pw != nil {
			pw.CloseWithError(errIsolateGone)
		}
	})
	s.forget.Store(&forget)
	if pw != nil {
		go func() {
			// A request that ends before its body was sent releases the writer.
			<-s.ctx.Done()
			pw.CloseWithError(ctxError(s.ctx))
		}()
	}
	c.ReturnNumber(float64(id))
}

var errIsolateGone = errors.New("the worker's isolate ended before the request body was sent")

func opHead(c op.Call) {
	done := c.Async()
	s := lookup(c.ArgInt(1), c.Worker())
	if s == nil {
		done.Reject("TypeError", "fetch: the subrequest is closed")
		return
	}
	end := s.begin()
	go func() {
		defer end()
		<-s.done
		if s.err != nil {
			done.Reject("TypeError", "fetch failed: "+s.err.Error())
			return
		}
		done.Resolve(op.Str(packHead(s.h)))
	}()
}

func opRead(c op.Call) {
	done := c.Async()
	s := lookup(c.ArgInt(1), c.Worker())
	if s == nil || s.piped.Load() {
		done.Reject("TypeError", "fetch: the response body is closed")
		return
	}
	s.readStarted.Store(true)
	end := s.begin()
	go func() {
		defer end()
		bp := bufPool.Get().(*[]byte)
		defer bufPool.Put(bp)
		buf := *bp
		for {
			n, err := s.read(buf)
			switch {
			case n > 0:
				// A copy of the size read: small bodies do not cost a 64 KB buffer each.
				done.Resolve(op.Bytes(append([]byte(nil), buf[:n]...)))
			case err == io.EOF:
				done.Resolve(op.Null())
			case err != nil:
				done.Reject("TypeError", "fetch: reading the response body: "+err.Error())
			default:
				continue // a zero-length read: read again
			}
			return
		}
	}()
}

func opWrite(c op.Call) {
	done := c.Async()
	s := lookup(c.ArgInt(1), c.Worker())
	if s == nil || s.bodyW == nil {
		done.Reject("TypeError", "fetch: the request body is closed")
		return
	}
	chunk := append([]byte{}, c.ArgView(2)...)
	end := s.begin()
	go func() {
		defer end()
		// io.Pipe hands the bytes straight to the transport: Write returns once
		// they were taken, which is the backpressure JS waits for.
		if _, err := s.bodyW.Write(chunk); err != nil {
			done.Reject("TypeError", "fetch: sending the request body: "+err.Error())
			return
		}
		done.Resolve(op.Undefined())
	}()
}

func opWriteEnd(c op.Call) {
	s := lookup(c.ArgInt(0), c.Worker())
	if s == nil || s.bodyW == nil {
		return
	}
	if c.ArgKind(1) == v8.String {
		s.bodyW.CloseWithError(&bodyError{c.ArgString(1)})
		s.cancel()
		return
	}
	s.bodyW.Close()
}

type bodyError struct{ msg string }

func (e *bodyError) Error() string { return "the request body stream errored: " + e.msg }

func opClose(c op.Call) {
	release(c.ArgInt(0), c.Worker())
}

// unpackHeaders reads a packed "name\0value\0..." list.
func unpackHeaders(s string) http.Header {
	h := http.Header{}
	for s != "" {
		i := strings.IndexByte(s, 0)
		if i < 0 {
			break
		}
		name := s[:i]
		s = s[i+1:]
		value := s
		if j := strings.IndexByte(s, 0); j >= 0 {
			value, s = s[:j], s[j+1:]
		} else {
			s = ""
		}
		k := http.CanonicalHeaderKey(name)
		h[k] = append(h[k], value)
	}
	return h
}

func packHead(h head) string {
	var b strings.Builder
	r := h.resp
	b.WriteString(strconv.Itoa(r.StatusCode))
	b.WriteByte(0)
	text := r.Status
	if i := strings.IndexByte(text, ' '); i >= 0 && text[:i] == strconv.Itoa(r.StatusCode) {
		text = text[i+1:]
	} else if text == strconv.Itoa(r.StatusCode) {
		text = ""
	}
	b.WriteString(text)
	b.WriteByte(0)
	b.WriteString(h.url)
	b.WriteByte(0)
	if h.redirected {
		b.WriteByte('1')
	}
	for k, vs := range r.Header {
		for _, v := range vs {
			b.WriteByte(0)
			b.WriteString(strings.ToLower(k))
			b.WriteByte(0)
			b.WriteString(v)
		}
	}
	return b.String()
}
