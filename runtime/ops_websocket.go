package runtime

import (
	"net/http"
	"sync"

	"github.com/edged-dev/edged/bindings/websocket"
)

// WebSockets (bindings/websocket) need two things only the runtime has: the HTTP
// connection of a request answered with 101, and a way to keep the isolate from
// being evicted while a socket is open.

var _ websocket.Holder = (*loop)(nil)

// HoldIsolate counts an open WebSocket as work in flight, so the isolate is not
// evicted while it is open. It is not a request: its JS entries (message events)
// are not charged to a request's CPU time, each gets the full per-entry budget, and
// Worker.Close does not wait for it — the isolate stops, gone is closed and the
// socket closes with 1001 (going away). It runs on the loop's goroutine, inside the
// op that creates the socket; release may run anywhere, once.
func (l *loop) HoldIsolate() (release func(), gone <-chan struct{}) {
	l.pending.Add(1)
	var once sync.Once
	return func() { once.Do(func() { l.pending.Add(-1) }) }, l.stopped
}

// serveWebSocket answers a request whose response is a 101 with a WebSocket: the
// handshake, then the socket takes the connection over (ServeHTTP's hook).
func serveWebSocket(rw http.ResponseWriter, r *http.Request, req *request) {
	websocket.ServeUpgrade(rw, r, req.header)
}
