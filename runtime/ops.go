package runtime

import (
	"crypto/rand"
	"io"
	"time"

	"github.com/edged-dev/edged/runtime/op"
	"github.com/edged-dev/edged/runtime/v8"
)

// The runtime's own ops: they need the loop itself, which every op.Call is.
func init() {
	for name, fn := range map[string]func(*loop){
		"op_console":       opConsole,
		"op_timer_arm":     opTimerArm,
		"op_now":           opNow,
		"op_random_fill":   opRandomFill,
		"op_req_body_read": opReqBodyRead,
		"op_resp_send":     opRespSend,
		"op_resp_error":    opRespError,
		"op_req_done":      opReqDone,
		"op_sched_done":    opSchedDone,
	} {
		op.Register(name, func(c op.Call) { fn(c.(*loop)) })
	}
}

func opConsole(l *loop) {
	l.w.console(l.iso.ArgInt(0), l.iso.ArgString(1))
}

func opNow(l *loop) {
	l.iso.ReturnNumber(float64(time.Since(l.origin).Nanoseconds()) / 1e6)
}

// op_timer_arm(deadlineMs): the loop wakes the timers hook at the deadline (ms since
// the isolate's origin); a negative deadline disarms.
func opTimerArm(l *loop) {
	l.armTimer(l.iso.ArgNumber(0))
}

func opRandomFill(l *loop) {
	b := l.iso.ArgView(0)
	if len(b) > 65536 {
		l.iso.ReturnError("QuotaExceededError", "getRandomValues: the view is larger than 65536 bytes")
		return
	}
	if _, err := rand.Read(b); err != nil {
		l.iso.ReturnError("OperationError", "getRandomValues: "+err.Error())
	}
}

// op_req_body_read(pid, rid) → Uint8Array chunk, or null at the end of the body.
// With a known Content-Length the last chunk is read whole, and the read that
// follows it answers at once, without another trip to the network.
func opReqBodyRead(l *loop) {
	pid := l.iso.ArgNumber(0)
	req := l.reqs[l.iso.ArgInt(1)]
	if req == nil || req.r == nil || req.r.Body == nil {
		l.batch = append(l.batch, &completion{pid: pid, ok: false, kind: v8.String, str: "TypeError\x00the request's body is no longer available (the request has finished)"})
		return
	}
	if req.bodyEOF {
		l.batch = append(l.batch, &completion{pid: pid, ok: true, kind: v8.Null})
		return
	}
	body := req.r.Body
	size := int64(64 << 10)
	length := req.r.ContentLength // req.r is cleared when the request finishes
	known := length >= 0
	if rest := length - req.bodyRead; known && rest < size {
		size = rest
	}
	go func() {
		c := &completion{pid: pid, ok: true, kind: v8.Null}
		if size == 0 {
			l.post(c)
			return
		}
		buf := make([]byte, size)
		var n int
		var err error
		if known {
			n, err = io.ReadFull(body, buf)
		} else {
			n, err = body.Read(buf)
		}
		switch {
		case n > 0:
			c.kind, c.bytes = v8.Bytes, buf[:n]
			c.onDeliver = func() {
				req.bodyRead += int64(n)
				req.bodyEOF = err == io.EOF || (known && req.bodyRead >= length)
			}
		case err != nil && err != io.EOF:
			c.ok, c.kind, c.str = false, v8.String, "TypeError\x00reading the request body: "+err.Error()
		}
		l.post(c)
	}()
}

// op_resp_send(rid, status, statusText, headers, body, done)
func opRespSend(l *loop) {
	iso := l.iso
	req := l.reqs[iso.ArgInt(0)]
	if req == nil {
		return // cancelled: the client went away
	}
	if req.answered {
		iso.ReturnError("TypeError", "the response for this request was already sent")
		return
	}
	req.status = iso.ArgInt(1)
	req.header = parseHeaders(iso.ArgView(3))
	switch iso.ArgKind(4) {
	case v8.String, v8.Bytes:
		req.body = append([]byte(nil), iso.ArgView(4)...)
	}
	l.answer(req)
	if iso.ArgBool(5) {
		l.finish(req)
	}
}

// op_resp_error(rid, message): the handler threw; the client gets a 500.
func opRespError(l *loop) {
	req := l.reqs[l.iso.ArgInt(0)]
	if req == nil {
		return
	}
	msg := l.iso.ArgString(1)
	l.w.console(levelError, msg)
	if !req.answered {
		req.fail(500, "Internal Server Error")
		l.answer(req)
	}
	l.finish(req)
}

// op_req_done(rid): the request's waitUntil promises have settled.
func opReqDone(l *loop) {
	if req := l.reqs[l.iso.ArgInt(0)]; req != nil {
		l.finish(req)
	}
}

// parseHeaders splits a packed "name\0value\0..." list.
func parseHeaders(b []byte) [][2]string {
	if len(b) == 0 {
		return nil
	}
	s := string(b)
	out := make([][2]string, 0, 8)
	for len(s) > 0 {
		i := indexNul(s)
		if i < 0 {
			break
		}
		name := s[:i]
		s = s[i+1:]
		j := indexNul(s)
		value := s
		if j >= 0 {
			value, s = s[:j], s[j+1:]
		} else {
			s = ""
		}
		out = append(out, [2]string{name, value})
	}
	return out
}

func indexNul(s string) int {
	for i := 0; i < len(s); i++ {
		if s[i] == 0 {
			return i
		}
	}
	return -1
}

// op_sched_done(rid, ok, retry, errorText): a scheduled event finished.
func opSchedDone(l *loop) {
	req := l.reqs[l.iso.ArgInt(0)]
	if req == nil || req.sched == nil {
		return
	}
	req.sched.ok = l.iso.ArgBool(1)
	req.sched.retry = l.iso.ArgBool(2)
	req.sched.err = l.iso.ArgString(3)
	if !req.sched.ok {
		l.w.console(levelError, req.sched.err)
	}
	req.status = 200
	l.answer(req)
	l.finish(req)
}
