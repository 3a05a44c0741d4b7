package websocket

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/edged-dev/edged/runtime/op"
	"github.com/edged-dev/edged/runtime/v8"
)

// The ops of 37_websocket.js. A socket is a number; what arrives on it (messages,
// then events) is taken in order:
//
//	op_ws_create() → id                          the network end of a WebSocketPair's
//	    client, for a 101 response; ServeHTTP connects it (ServeUpgrade)
//	op_ws_dial(url, protocols, headers, asResponse) → id   a client connection, made
//	    in the background: its first item is the open event, or error + close. With
//	    asResponse (fetch()), the open event carries the 101's header fields
//	    ("open\0protocol\0extensions\0name\0value..."), and a refusal is a
//	    "response\0status\0statusText\0name\0value..." event, the body as a binary
//	    item, then the close event
//	op_ws_wait(pid, id) → string | Uint8Array | null | number
//	    async: the next item when it is the only one (a text or binary message; null
//	    for an event: read it with op_ws_event), else how many items are queued: take
//	    them with op_ws_take, no further trip through the event loop needed
//	op_ws_take(id, max) → string | Uint8Array | null | undefined
//	    sync: the run of up to max messages of one kind at the head of the inbox,
//	    packed in one value — texts as "<UTF-16 length>:<text>" records in one
//	    string, binaries as <u32 big-endian length><bytes> records in one buffer —
//	    or null when an event is next (op_ws_event), undefined when nothing is
//	op_ws_event(id) → "open\0protocol\0extensions" | "error\0message" |
//	    "close\0code\0reason\0wasClean(0|1)"   pops the event at the head; the close
//	    event is the last item, and taking it frees the socket
//	op_ws_send(id, data, isText) → bytes queued  the data is copied
//	op_ws_close(id, code, reason)               code -1: a Close frame with no code
//	op_ws_buffered(id) → bytes queued, not yet written
//
// protocols is "\0"-separated; headers are packed as "name\0value\0...".
func init() {
	op.Register("op_ws_create", opCreate)
	op.Register("op_ws_dial", opDial)
	op.Register("op_ws_wait", opWait)
	op.Register("op_ws_take", opTake)
	op.Register("op_ws_event", opEvent)
	op.Register("op_ws_send", opSend)
	op.Register("op_ws_close", opClose)
	op.Register("op_ws_buffered", opBuffered)
}

func gone(c op.Call) {
	c.ReturnError("InvalidStateError", "the WebSocket is closed")
}

func opCreate(c op.Call) {
	s := newSocket(c, false)
	s.mu.Lock()
	s.attachT = time.AfterFunc(attachTimeout, func() {
		s.end(CloseAbnormal, "", false, "the Response carrying the WebSocket was never sent to a client")
	})
	s.mu.Unlock()
	c.ReturnNumber(float64(s.id))
}

func opDial(c op.Call) {
	url := c.ArgString(0)
	var protocols []string
	if p := c.ArgString(1); p != "" {
		protocols = strings.Split(p, "\x00")
	}
	var header http.Header
	if h := c.ArgString(2); h != "" {
		header = http.Header{}
		f := strings.Split(h, "\x00")
		for i := 0; i+1 < len(f); i += 2 {
			header.Add(f[i], f[i+1])
		}
	}
	s := newSocket(c, true)
	s.dial(url, protocols, header, c.ArgBool(3))
	c.ReturnNumber(float64(s.id))
}

func opWait(c op.Call) {
	done := c.Async()
	s := lookup(c.Worker(), c.ArgInt(1))
	if s == nil {
		done.Reject("InvalidStateError", "the WebSocket is closed")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case s.waiter != nil:
		done.Reject("TypeError", "op_ws_wait: the socket is already being waited on")
	case len(s.inbox) > 0:
		done.Resolve(s.nextLocked())
	default:
		s.waiter = done
	}
}

func opTake(c op.Call) {
	s := lookup(c.Worker(), c.ArgInt(0))
	if s == nil {
		gone(c)
		return
	}
	s.mu.Lock()
	v := s.takeRunLocked(c.ArgInt(1))
	s.mu.Unlock()
	ret(c, v)
}

func ret(c op.Call, v op.Value) {
	switch v.Kind {
	case v8.String:
		c.ReturnString(v.Str)
	case v8.Bytes:
		c.ReturnBytes(v.Bytes)
	case v8.Null:
		c.ReturnNull()
	}
}

func opEvent(c op.Call) {
	s := lookup(c.Worker(), c.ArgInt(0))
	if s == nil {
		gone(c)
		return
	}
	s.mu.Lock()
	if len(s.inbox) == 0 || s.inbox[0].kind != itemEvent {
		s.mu.Unlock()
		c.ReturnError("TypeError", "op_ws_event: no event is next on this socket")
		return
	}
	ev := s.popLocked().text
	last := s.ended && len(s.inbox) == 0
	s.mu.Unlock()
	if last {
		s.remove()
	}
	c.ReturnString(ev)
}

func opSend(c op.Call) {
	s := lookup(c.Worker(), c.ArgInt(0))
	if s == nil {
		gone(c)
		return
	}
	op := OpBinary
	if c.ArgBool(2) {
		op = OpText
	}
	var data []byte
	if c.ArgKind(1) == v8.String {
		data = []byte(c.ArgString(1))
	} else {
		// The view is borrowed for the call; the copy is what the outbox holds.
		data = append([]byte(nil), c.ArgView(1)...)
	}
	c.ReturnNumber(float64(s.send(op, data)))
}

func opClose(c op.Call) {
	s := lookup(c.Worker(), c.ArgInt(0))
	if s == nil {
		return
	}
	code := c.ArgInt(1)
	if c.ArgNumber(1) < 0 {
		code = CloseNoStatus
	}
	s.close(code, c.ArgString(2))
}

func opBuffered(c op.Call) {
	s := lookup(c.Worker(), c.ArgInt(0))
	if s == nil {
		c.ReturnNumber(0)
		return
	}
	s.mu.Lock()
	n := s.outBytes
	s.mu.Unlock()
	c.ReturnNumber(float64(n))
}

// ResponseHeader is the internal entry a 101 response's packed header list carries
// (43_response.js): its value is the op_ws_create id of the socket to connect. A
// colon cannot start a header name JS lets through, so it cannot be forged.
const ResponseHeader = ":websocket"

// ServeUpgrade answers the request a worker answered with 101 and a WebSocket: it
// completes the opening handshake with the response's header fields and connects
// the socket. A request that is not a WebSocket handshake (or came over HTTP/2 or
// HTTP/3, which have no Upgrade) is refused with 426 or 400, and the worker's socket
// sees an error and a close event with code 1006.
func ServeUpgrade(w http.ResponseWriter, r *http.Request, header [][2]string) {
	var s *socket
	extra := http.Header{}
	for _, kv := range header {
		if kv[0] == ResponseHeader {
			id, _ := strconv.Atoi(kv[1])
			table.Lock()
			s = table.m[id]
			table.Unlock()
			continue
		}
		extra.Add(kv[0], kv[1])
	}
	if s == nil || s.client {
		http.Error(w, "Internal Server Error", http.StatusInternalServerError)
		return
	}
	conn, err := Upgrade(w, r, extra, s.opts)
	if err != nil {
		s.end(CloseAbnormal, "", false, "the client's WebSocket handshake failed: "+err.Error())
		return
	}
	s.attach(conn, "")
}
