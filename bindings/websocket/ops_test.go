package websocket

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/edged-dev/edged/bindings/storage/optest"
	"github.com/edged-dev/edged/runtime/op"
	"github.com/edged-dev/edged/runtime/v8"
	"github.com/edged-dev/edged/server/egress"
)

// loopbackOnly lets a test worker's sockets reach 127.0.0.1, and nothing else
// that is not public.
var loopbackOnly = (&egress.Policy{Allow: []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}}).Control

func allowLoopback(t *testing.T, name string) {
	Configure(name, WorkerOptions{Control: loopbackOnly})
	t.Cleanup(func() { Forget(name) })
}

// next waits for the socket's next item the way 37_websocket.js does: one wait,
// and when the wait answers with a count, the first message of the run op_ws_take
// packs (tests that take runs on purpose call opTake themselves).
func next(t *testing.T, w *optest.Worker, sid float64) optest.Result {
	t.Helper()
	r := optest.Async(opWait, w, sid)
	if !r.OK {
		t.Fatalf("wait: %v", r)
	}
	if r.Value.Kind == v8.Number {
		r = optest.Sync(opTake, w, sid, 1)
		switch r.Value.Kind {
		case v8.String:
			r.Value.Str = r.Value.Str[strings.IndexByte(r.Value.Str, ':')+1:]
		case v8.Bytes:
			r.Value.Bytes = r.Value.Bytes[4:]
		}
	}
	return r
}

func wantEvent(t *testing.T, w *optest.Worker, sid float64, want string) string {
	t.Helper()
	r := next(t, w, sid)
	if r.Value.Kind != v8.Null {
		t.Fatalf("got %v, want an event", r)
	}
	ev := optest.Sync(opEvent, w, sid)
	if !ev.OK || !strings.HasPrefix(ev.Value.Str, want) {
		t.Fatalf("got event %v, want %q", ev, want)
	}
	return ev.Value.Str
}

func wantMessage(t *testing.T, w *optest.Worker, sid float64, want optest.Result) {
	t.Helper()
	r := next(t, w, sid)
	if r.Value.Kind != want.Value.Kind || r.Value.Str != want.Value.Str || !bytes.Equal(r.Value.Bytes, want.Value.Bytes) {
		t.Fatalf("got %v, want %v", r, want)
	}
}

func str(s string) optest.Result  { return optest.Result{OK: true, Value: v8Str(s)} }
func bin(b ...byte) optest.Result { return optest.Result{OK: true, Value: v8Bytes(b)} }
func waitClosed(t *testing.T, sid int) {
	t.Helper()
	waitUntil(t, func() bool { return lookupAny(sid) == nil })
}

func waitUntil(t *testing.T, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); !cond(); {
		if time.Now().After(deadline) {
			t.Fatal("timed out")
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func lookupAny(id int) *socket {
	table.Lock()
	defer table.Unlock()
	return table.m[id]
}

func TestOpsClient(t *testing.T) {
	srv := echoServer(t, nil)
	w := &optest.Worker{}
	allowLoopback(t, w.Name())
	r := optest.Sync(opDial, w, wsURL(srv), "v1\x00v2", "origin\x00https://a.example")
	sid := r.Value.Num
	wantEvent(t, w, sid, "open\x00v1\x00")
	if r := optest.Sync(opSend, w, sid, "hello", true); !r.OK || r.Value.Num < 0 {
		t.Fatalf("send: %v", r)
	}
	optest.Sync(opSend, w, sid, []byte{1, 2, 3}, false)
	wantMessage(t, w, sid, str("hello"))
	wantMessage(t, w, sid, bin(1, 2, 3))

	// Messages that pile up are counted, then taken without waiting.
	for i := 0; i < 5; i++ {
		optest.Sync(opSend, w, sid, "m"+strconv.Itoa(i), true)
	}
	s := lookupAny(int(sid))
	waitUntil(t, func() bool { s.mu.Lock(); defer s.mu.Unlock(); return len(s.inbox) == 5 })
	if r := optest.Async(opWait, w, sid); r.Value.Kind != v8.Number || r.Value.Num != 5 {
		t.Fatalf("got %v, want a count of 5", r)
	}
	// One take brings a run of texts (at most the count asked for), packed.
	if r := optest.Sync(opTake, w, sid, 3); r.Value.Str != "2:m02:m12:m2" {
		t.Fatalf("take 3: got %v", r)
	}
	if r := optest.Sync(opTake, w, sid, 5); r.Value.Str != "2:m32:m4" {
		t.Fatalf("take the rest: got %v", r)
	}
	if r := optest.Sync(opTake, w, sid, 5); r.Value.Kind != v8.Undefined {
		t.Fatalf("take from an empty inbox: got %v", r)
	}
	// A run stops where the kind changes; lengths count UTF-16 units.
	optest.Sync(opSend, w, sid, "é😀", true)
	optest.Sync(opSend, w, sid, []byte{1, 2, 3}, false)
	optest.Sync(opSend, w, sid, []byte{}, false)
	optest.Sync(opSend, w, sid, "", true)
	waitUntil(t, func() bool { s.mu.Lock(); defer s.mu.Unlock(); return len(s.inbox) == 4 })
	if r := optest.Sync(opTake, w, sid, 9); r.Value.Str != "3:é😀" {
		t.Fatalf("got %v", r)
	}
	if r := optest.Sync(opTake, w, sid, 9); !bytes.Equal(r.Value.Bytes, []byte{0, 0, 0, 3, 1, 2, 3, 0, 0, 0, 0}) {
		t.Fatalf("got %v", r)
	}
	if r := optest.Sync(opTake, w, sid, 9); r.Value.Str != "0:" {
		t.Fatalf("got %v", r)
	}
	if r := optest.Sync(opBuffered, w, sid); r.Value.Num != 0 {
		t.Errorf("buffered: got %v, want 0", r)
	}
	// Another worker cannot touch the socket.
	if r := optest.Sync(opTake, &optest.Worker{}, sid); r.OK || r.Class != "InvalidStateError" {
		t.Errorf("another worker's take: got %v", r)
	}

	optest.Sync(opClose, w, sid, 1000, "done")
	// The echo server's Conn answers with the same code and no reason.
	wantEvent(t, w, sid, "close\x001000\x00\x001")
	waitClosed(t, int(sid))
	if r := optest.Sync(opSend, w, sid, "late", true); r.OK {
		t.Errorf("send on a freed socket: got %v", r)
	}
}

// A worker that was not configured reaches public addresses only.
func TestOpsClientEgressGuard(t *testing.T) {
	srv := echoServer(t, nil)
	w := &optest.Worker{}
	sid := optest.Sync(opDial, w, wsURL(srv), "", "").Value.Num
	msg := wantEvent(t, w, sid, "error\x00")
	if !strings.Contains(msg, "loopback address") {
		t.Errorf("got %q, want the egress guard's refusal", msg)
	}
	wantEvent(t, w, sid, "close\x001006\x00\x000")
}

func TestOpsClientCloseWhileConnecting(t *testing.T) {
	// A server that accepts TCP and never answers the handshake.
	hang := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		<-r.Context().Done()
	}))
	defer hang.Close()
	defer hang.CloseClientConnections()
	w := &optest.Worker{}
	allowLoopback(t, w.Name())
	sid := optest.Sync(opDial, w, wsURL(hang), "", "").Value.Num
	time.Sleep(20 * time.Millisecond)
	optest.Sync(opClose, w, sid, -1, "")
	wantEvent(t, w, sid, "error\x00the WebSocket was closed before the connection was established")
	wantEvent(t, w, sid, "close\x001006\x00\x000")
}

// The server side: op_ws_create, then ServeUpgrade connects the socket.
func TestOpsServer(t *testing.T) {
	w := &optest.Worker{}
	sid := optest.Sync(opCreate, w).Value.Num
	srv := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		ServeUpgrade(rw, r, [][2]string{{"x-a", "1"}, {ResponseHeader, strconv.Itoa(int(sid))}})
	}))
	defer srv.Close()
	// What the worker sends before the client is connected waits for it.
	optest.Sync(opSend, w, sid, "early", true)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, hs, err := Dial(ctx, wsURL(srv), DialOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if hs.Response.Header.Get("X-A") != "1" || hs.Response.Header.Get(ResponseHeader) != "" {
		t.Errorf("101 header: %v", hs.Response.Header)
	}
	if _, b, err := c.ReadMessage(); err != nil || string(b) != "early" {
		t.Fatalf("got %q %v", b, err)
	}
	c.WriteMessage(OpText, []byte("hi"))
	wantMessage(t, w, sid, str("hi"))
	optest.Sync(opSend, w, sid, []byte("back"), false)
	if op, b, err := c.ReadMessage(); err != nil || op != OpBinary || string(b) != "back" {
		t.Fatalf("got %v %q %v", op, b, err)
	}
	c.WriteClose(4000, "bye")
	wantEvent(t, w, sid, "close\x004000\x00bye\x001")
	var ce *CloseError
	if _, _, err := c.ReadMessage(); !errors.As(err, &ce) || ce.Code != 4000 {
		t.Errorf("got %v, want the echo", err)
	}
	waitClosed(t, int(sid))
}

// A request that is not a WebSocket handshake is refused; the worker's socket fails.
func TestOpsServerRefused(t *testing.T) {
	w := &optest.Worker{}
	sid := optest.Sync(opCreate, w).Value.Num
	rec := httptest.NewRecorder()
	ServeUpgrade(rec, httptest.NewRequest("GET", "/", nil), [][2]string{{ResponseHeader, strconv.Itoa(int(sid))}})
	if rec.Code != 426 {
		t.Errorf("got %d, want 426", rec.Code)
	}
	wantEvent(t, w, sid, "error\x00the client's WebSocket handshake failed")
	wantEvent(t, w, sid, "close\x001006\x00\x000")
}

func TestOpsServerNeverAttached(t *testing.T) {
	defer func(d time.Duration) { attachTimeout = d }(attachTimeout)
	attachTimeout = 20 * time.Millisecond
	w := &optest.Worker{}
	sid := optest.Sync(opCreate, w).Value.Num
	wantEvent(t, w, sid, "error\x00the Response carrying the WebSocket was never sent")
	wantEvent(t, w, sid, "close\x001006")
	waitClosed(t, int(sid))
}

// The reader stops reading while JS has too much it has not taken.
func TestOpsInboxBackpressure(t *testing.T) {
	defer func(n int) { maxInbox = n }(maxInbox)
	maxInbox = 1000
	w := &optest.Worker{}
	sid := optest.Sync(opCreate, w).Value.Num
	srv := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		ServeUpgrade(rw, r, [][2]string{{ResponseHeader, strconv.Itoa(int(sid))}})
	}))
	defer srv.Close()
	c, _, err := Dial(context.Background(), wsURL(srv), DialOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	msg := bytes.Repeat([]byte("x"), 100)
	for i := 0; i < 50; i++ {
		c.WriteMessage(OpBinary, msg)
	}
	s := lookupAny(int(sid))
	waitUntil(t, func() bool { s.mu.Lock(); defer s.mu.Unlock(); return s.inBytes > 1000 })
	time.Sleep(50 * time.Millisecond)
	s.mu.Lock()
	held := s.inBytes
	s.mu.Unlock()
	if held > 1100 {
		t.Errorf("the inbox holds %d bytes, limit 1000 (+ one message)", held)
	}
	for i := 0; i < 50; i++ {
		if r := next(t, w, sid); len(r.Value.Bytes) != 100 {
			t.Fatalf("message %d: got %v", i, r)
		}
	}
	c.WriteClose(CloseNormal, "")
	wantEvent(t, w, sid, "close\x001000")
}

// The send buffer is bounded: a peer that does not read fails the socket.
func TestOpsOutboxFull(t *testing.T) {
	defer func(n int) { maxOutbox = n }(maxOutbox)
	maxOutbox = 1000
	w := &optest.Worker{}
	sid := optest.Sync(opCreate, w).Value.Num
	for i := 0; i < 10; i++ {
		optest.Sync(opSend, w, sid, bytes.Repeat([]byte("y"), 100), false)
	}
	if r := optest.Sync(opBuffered, w, sid); r.Value.Num != 1000 {
		t.Errorf("buffered: got %v, want 1000", r)
	}
	optest.Sync(opSend, w, sid, "one byte too many", true)
	wantEvent(t, w, sid, "error\x00the WebSocket's send buffer is full")
	wantEvent(t, w, sid, "close\x001006")
}

func v8Str(s string) op.Value   { return op.Str(s) }
func v8Bytes(b []byte) op.Value { return op.Bytes(b) }

// A peer that never answers the Close frame is disconnected after closeTimeout.
func TestOpsCloseTimeout(t *testing.T) {
	defer func(d time.Duration) { closeTimeout = d }(closeTimeout)
	closeTimeout = 50 * time.Millisecond
	w := &optest.Worker{}
	sid := optest.Sync(opCreate, w).Value.Num
	srv := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		ServeUpgrade(rw, r, [][2]string{{ResponseHeader, strconv.Itoa(int(sid))}})
	}))
	defer srv.Close()
	c, _, err := Dial(context.Background(), wsURL(srv), DialOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close() // and never reads
	optest.Sync(opClose, w, sid, 1000, "")
	wantEvent(t, w, sid, "error\x00WebSocket disconnected without sending Close frame.")
	wantEvent(t, w, sid, "close\x001006\x00\x000")
	waitClosed(t, int(sid))
}

// Fetch's bad ports fail as a network error, before any connection is tried.
func TestOpsClientBadPort(t *testing.T) {
	w := &optest.Worker{}
	allowLoopback(t, w.Name())
	sid := optest.Sync(opDial, w, "ws://127.0.0.1:6667/", "", "").Value.Num
	wantEvent(t, w, sid, "error\x00the port 6667 is blocked")
	wantEvent(t, w, sid, "close\x001006")
}
