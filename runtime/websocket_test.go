package runtime

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/edged-dev/edged/bindings/websocket"
	"github.com/edged-dev/edged/server/egress"
)

// wsLog collects a worker's console lines and lets a test wait for one.
type wsLog struct {
	mu    sync.Mutex
	lines []string
	added chan struct{}
}

func newWSLog() *wsLog { return &wsLog{added: make(chan struct{}, 1)} }

func (l *wsLog) write(worker string, level int, text string) {
	l.mu.Lock()
	l.lines = append(l.lines, text)
	l.mu.Unlock()
	select {
	case l.added <- struct{}{}:
	default:
	}
}

func (l *wsLog) all() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.lines...)
}

// waitFor waits up to 10 s for a console line containing s.
func (l *wsLog) waitFor(t *testing.T, s string) {
	t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		for _, line := range l.all() {
			if strings.Contains(line, s) {
				return
			}
		}
		select {
		case <-l.added:
		case <-deadline:
			t.Fatalf("no console line with %q; got %q", s, l.all())
		}
	}
}

func newWSWorker(t *testing.T, name, src string) (*Worker, *wsLog) {
	return newWSWorkerLimits(t, name, src, Limits{})
}

func newWSWorkerLimits(t *testing.T, name, src string, limits Limits) (*Worker, *wsLog) {
	t.Helper()
	log := newWSLog()
	w, err := New(Config{Name: name, MainModule: "worker.js", Modules: map[string]string{"worker.js": src}, Console: log.write, Limits: limits})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		w.Close(ctx)
	})
	return w, log
}

// An echo server written as Workers writes one: a WebSocketPair, accept(), and a
// 101 response carrying the client end.
const wsEchoWorker = `
export default {
  fetch(request) {
    if (request.headers.get("upgrade") !== "websocket") {
      return new Response("expected a WebSocket", { status: 426 });
    }
    const pair = new WebSocketPair();
    const [client, server] = Object.values(pair);
    server.accept();
    server.addEventListener("message", (event) => {
      const d = event.data;
      if (typeof d !== "string") {
        server.send(d);   // binary: echoed as is (an ArrayBuffer)
        return;
      }
      if (d.startsWith("close:")) {
        const [, code, reason] = d.split(":");
        server.close(Number(code), reason);
        return;
      }
      if (d === "state") {
        server.send("readyState " + server.readyState + " " + (d instanceof Object) + " " + (event instanceof MessageEvent));
        return;
      }
      server.send("echo:" + d);
    });
    server.addEventListener("close", (e) => {
      console.log("server close " + e.code + " " + JSON.stringify(e.reason) + " " + e.wasClean + " " + server.readyState);
    });
    server.addEventListener("error", (e) => console.log("server error " + e.message));
    const protocol = request.headers.get("sec-websocket-protocol");
    const headers = protocol ? { "sec-websocket-protocol": protocol.split(",")[0].trim() } : {};
    return new Response(null, { status: 101, webSocket: client, headers });
  },
};
`

func wsURL(srv *httptest.Server, path string) string {
	return "ws" + strings.TrimPrefix(srv.URL, "http") + path
}

func dialWS(t *testing.T, url string, o websocket.DialOptions) (*websocket.Conn, *websocket.Handshake) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, hs, err := websocket.Dial(ctx, url, o)
	if err != nil {
		t.Fatalf("dial %s: %v", url, err)
	}
	c.NetConn().SetDeadline(time.Now().Add(20 * time.Second))
	t.Cleanup(func() { c.Close() })
	return c, hs
}

func readMsg(t *testing.T, c *websocket.Conn) (websocket.Opcode, string) {
	t.Helper()
	op, b, err := c.ReadMessage()
	if err != nil {
		t.Fatalf("read: %v", err)
	}
	return op, string(b)
}

func TestWebSocketPairEcho(t *testing.T) {
	w, log := newWSWorker(t, "ws-echo", wsEchoWorker)
	srv := httptest.NewServer(w)
	defer srv.Close()

	c, hs := dialWS(t, wsURL(srv, "/chat"), websocket.DialOptions{Protocols: []string{"chat", "superchat"}})
	if hs.Protocol != "chat" {
		t.Errorf("got subprotocol %q, want chat", hs.Protocol)
	}
	// Text.
	if err := c.WriteMessage(websocket.OpText, []byte("hello")); err != nil {
		t.Fatal(err)
	}
	if op, s := readMsg(t, c); op != websocket.OpText || s != "echo:hello" {
		t.Errorf("got %v %q, want text echo:hello", op, s)
	}
	// Binary, including bytes that are not UTF-8.
	bin := []byte{0, 1, 2, 0xff, 0xfe}
	c.WriteMessage(websocket.OpBinary, bin)
	if op, s := readMsg(t, c); op != websocket.OpBinary || s != string(bin) {
		t.Errorf("got %v %x, want binary %x", op, s, bin)
	}
	c.WriteMessage(websocket.OpText, []byte("state"))
	if _, s := readMsg(t, c); s != "readyState 1 false true" {
		t.Errorf("got %q", s)
	}
	// Close from the worker.
	c.WriteMessage(websocket.OpText, []byte("close:4001:bye"))
	_, _, err := c.ReadMessage()
	var ce *websocket.CloseError
	if !errors.As(err, &ce) || ce.Code != 4001 || ce.Reason != "bye" {
		t.Fatalf("got %v, want a close with 4001 bye", err)
	}
	// The close event reports the peer's Close frame: the client echoed the code.
	log.waitFor(t, `server close 4001 "" true 3`)
}

// More of what a client can do to the echo worker: fragments, pings, big messages,
// bursts, and closing in each way.
func TestWebSocketPairClientSide(t *testing.T) {
	// The race detector makes the Go side of the 3 MB messages below ~10× slower,
	// and that code runs on the isolate's thread, inside an entry's CPU budget: one
	// entry measured 42-74 ms under -race (under 5 ms without).
	limits := Limits{}
	if raceEnabled {
		limits.CPU = time.Second
	}
	w, log := newWSWorkerLimits(t, "ws-echo-client", wsEchoWorker, limits)
	srv := httptest.NewServer(w)
	defer srv.Close()

	pongs := make(chan string, 1)
	c, hs := dialWS(t, wsURL(srv, "/"), websocket.DialOptions{Options: websocket.Options{OnPong: func(p []byte) { pongs <- string(p) }}})
	if hs.Protocol != "" {
		t.Errorf("got subprotocol %q, none was offered", hs.Protocol)
	}
	// A text message in three fragments, a ping between them.
	c.WriteFrame(false, websocket.OpText, []byte("frag"))
	c.WriteFrame(false, websocket.OpContinuation, []byte("men"))
	c.WriteControl(websocket.OpPing, []byte("are you there"))
	c.WriteFrame(true, websocket.OpContinuation, []byte("ted κόσμε"))
	if _, s := readMsg(t, c); s != "echo:fragmented κόσμε" {
		t.Errorf("got %q", s)
	}
	select {
	case p := <-pongs:
		if p != "are you there" {
			t.Errorf("got pong %q", p)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("no pong")
	}
	// 3 MB binary, both ways.
	big := bytes.Repeat([]byte{0, 1, 2, 3, 254, 255}, 500_000)
	go c.WriteMessage(websocket.OpBinary, big)
	if op, s := readMsg(t, c); op != websocket.OpBinary || s != string(big) {
		t.Errorf("got %v of %d bytes, want %d", op, len(s), len(big))
	}
	// A burst arrives in order (the worker takes queued messages in one go).
	const n = 300
	go func() {
		for i := 0; i < n; i++ {
			c.WriteMessage(websocket.OpText, []byte("m"+itoa(i)))
		}
	}()
	for i := 0; i < n; i++ {
		if _, s := readMsg(t, c); s != "echo:m"+itoa(i) {
			t.Fatalf("message %d: got %q", i, s)
		}
	}
	// The client closes with a code and a reason; the worker sees them, and answers.
	c.WriteClose(1000, "done here")
	_, _, err := c.ReadMessage()
	var ce *websocket.CloseError
	if !errors.As(err, &ce) || ce.Code != 1000 {
		t.Fatalf("got %v, want the close echoed", err)
	}
	log.waitFor(t, `server close 1000 "done here" true 3`)

	// A close with no code reads as 1005.
	c2, _ := dialWS(t, wsURL(srv, "/"), websocket.DialOptions{})
	c2.WriteClose(websocket.CloseNoStatus, "")
	if _, _, err := c2.ReadMessage(); !errors.As(err, &ce) || ce.Code != websocket.CloseNoStatus {
		t.Fatalf("got %v, want an empty close back", err)
	}
	log.waitFor(t, `server close 1005 "" true 3`)

	// A client that drops the connection: error, then close with 1006.
	c3, _ := dialWS(t, wsURL(srv, "/"), websocket.DialOptions{})
	c3.WriteMessage(websocket.OpText, []byte("x"))
	readMsg(t, c3)
	c3.Close()
	log.waitFor(t, "server error WebSocket disconnected without sending Close frame.")
	log.waitFor(t, `server close 1006 "" false 3`)
	waitSocketsFreed(t)
}

func itoa(i int) string { return strconv.Itoa(i) }

// waitSocketsFreed waits until every socket left the table: JS took each close
// event, and no hold keeps an isolate busy.
func waitSocketsFreed(t *testing.T) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for websocket.Open() != 0 {
		if time.Now().After(deadline) {
			t.Fatalf("%d sockets still open", websocket.Open())
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// A client that breaks the protocol gets 1002; the worker sees an error and 1006.
func TestWebSocketPairProtocolError(t *testing.T) {
	w, log := newWSWorker(t, "ws-proto", wsEchoWorker)
	srv := httptest.NewServer(w)
	defer srv.Close()
	nc, err := net.Dial("tcp", srv.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	nc.SetDeadline(time.Now().Add(10 * time.Second))
	io.WriteString(nc, "GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n")
	br := bufio.NewReader(nc)
	resp, err := http.ReadResponse(br, nil)
	if err != nil || resp.StatusCode != 101 || resp.Header.Get("Sec-WebSocket-Accept") != "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=" {
		t.Fatalf("handshake: %v %v", resp, err)
	}
	// An unmasked text frame: clients must mask.
	nc.Write([]byte{0x81, 0x02, 'h', 'i'})
	var head [4]byte
	if _, err := io.ReadFull(br, head[:]); err != nil || head[0] != 0x88 || head[1] != 2 || head[2] != 0x03 || head[3] != 0xea {
		t.Fatalf("got % x %v, want a close frame with 1002", head, err)
	}
	log.waitFor(t, "server error WebSocket protocol error: unmasked frame from the client")
	log.waitFor(t, `server close 1006 "" false 3`)
}

// A Workers server that sends before returning its response, a pair kept in JS,
// and the Response's rules for webSocket.
const wsPairRulesWorker = `
export default {
  async fetch(request) {
    const path = new URL(request.url).pathname;
    if (path === "/early") {
      const [client, server] = Object.values(new WebSocketPair());
      server.accept();
      server.send("first");
      server.send(new Uint8Array([1, 2, 3]));
      server.addEventListener("message", (e) => {
        server.send("got " + e.data);
        server.close(1000, "enough");
      });
      server.addEventListener("close", (e) => console.log("early close " + e.code));
      return new Response(null, { status: 101, webSocket: client });
    }
    if (path === "/any") {
      // Answers 101 whatever the request: a plain GET or HTTP/2 request is refused.
      const [client, server] = Object.values(new WebSocketPair());
      server.accept();
      server.addEventListener("error", (e) => console.log("any error " + e.message));
      server.addEventListener("close", (e) => console.log("any close " + e.code + " " + e.wasClean));
      return new Response(null, { status: 101, webSocket: client });
    }
    const out = [];
    const t = (name, fn) => {
      try { out.push(name + ": " + fn()); } catch (e) { out.push(name + ": " + e.name + ": " + e.message); }
    };
    const pair = new WebSocketPair();
    t("pair", () => JSON.stringify(Object.keys(pair)) + " " + Object.values(pair).every((w) => w instanceof WebSocket) + " " + (pair[0] !== pair[1]));
    t("readyState", () => pair[0].readyState + " " + pair[0].url + " " + pair[0].binaryType + " " + WebSocket.OPEN + " " + WebSocket.READY_STATE_CLOSED);
    t("101 without webSocket", () => new Response(null, { status: 101 }));
    t("webSocket with 200", () => new Response(null, { status: 200, webSocket: pair[0] }));
    t("webSocket not a WebSocket", () => new Response(null, { status: 101, webSocket: {} }));
    t("101 with a body", () => new Response("x", { status: 101, webSocket: pair[0] }));
    t("send before accept", () => pair[1].send("x"));
    const a = new WebSocketPair();
    a[1].accept();
    t("accepted end in a Response", () => new Response(null, { status: 101, webSocket: a[1] }));
    const r = new Response(null, { status: 101, webSocket: a[0], headers: { "x-a": "1" } });
    t("response", () => r.status + " " + (r.webSocket === a[0]) + " " + r.headers.get("x-a"));
    t("used twice", () => new Response(null, { status: 101, webSocket: a[0] }));
    t("accept a returned end", () => a[0].accept());
    t("clone", () => r.clone());
    t("plain response", () => new Response("x").webSocket);
    t("close code", () => a[1].close(1005));
    t("close reason", () => a[1].close(1000, "é".repeat(62)));
    // Both ends in JS: messages and the close handshake between them.
    const [x, y] = Object.values(new WebSocketPair());
    const log = [];
    x.accept();
    y.accept();
    x.addEventListener("message", (e) => log.push("x got " + (typeof e.data === "string" ? e.data : "bytes " + new Uint8Array(e.data).join(","))));
    y.addEventListener("message", (e) => {
      log.push("y got " + (typeof e.data === "string" ? e.data : e.data.constructor.name + " " + new Uint8Array(e.data).join(",")));
      if (e.data === "bye") y.close(4000, "y closes");
    });
    x.onclose = (e) => log.push("x close " + e.code + " " + e.reason + " " + e.wasClean + " " + x.readyState);
    y.onclose = (e) => log.push("y close " + e.code + " " + e.reason + " " + e.wasClean + " " + y.readyState);
    x.send("hello");
    x.send(new Uint8Array([5, 6, 7]).subarray(1));
    y.send("hi back");
    x.send("bye");
    t("sync", () => log.length);
    await new Promise((resolve) => setTimeout(resolve, 10));
    out.push(...log);
    t("send after close", () => y.send("late"));
    return new Response(out.join("\n"));
  },
};
`

func TestWebSocketPairRules(t *testing.T) {
	w, log := newWSWorker(t, "ws-rules", wsPairRulesWorker)
	srv := httptest.NewServer(w)
	defer srv.Close()
	resp, err := http.Get(srv.URL + "/rules")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	want := `pair: ["0","1"] true true
readyState: 1 null arraybuffer 1 3
101 without webSocket: RangeError: Failed to construct 'Response': The status provided (101) is outside the range [200, 599].
webSocket with 200: RangeError: Failed to construct 'Response': a Response with a webSocket must have status 101, not 200.
webSocket not a WebSocket: TypeError: Failed to construct 'Response': 'webSocket' member of ResponseInit is not of type 'WebSocket'.
101 with a body: TypeError: Failed to construct 'Response': Response with null body status cannot have body
send before accept: TypeError: Failed to execute 'send' on 'WebSocket': call accept() on this WebSocket before sending messages.
accepted end in a Response: TypeError: Failed to construct 'Response': a WebSocket returned in a Response must not be accepted; accept() its other end.
response: 101 true 1
used twice: TypeError: Failed to construct 'Response': this WebSocket was already returned in a Response.
accept a returned end: TypeError: Failed to execute 'accept' on 'WebSocket': this WebSocket was returned in a Response; its other end is the one to accept().
clone: TypeError: Failed to execute 'clone' on 'Response': a Response carrying a WebSocket cannot be cloned
plain response: null
close code: TypeError: Failed to execute 'close' on 'WebSocket': 1005 is not a close code a WebSocket may send.
close reason: SyntaxError: Failed to execute 'close' on 'WebSocket': The close reason must not be longer than 123 UTF-8 bytes.
sync: 0
y got hello
x got hi back
y got ArrayBuffer 6,7
y got bye
x close 4000 y closes true 3
y close 4000 y closes true 3
send after close: TypeError: Failed to execute 'send' on 'WebSocket': the WebSocket is closing or closed; send() after close() is not allowed.`
	if got := string(body); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}

	// Messages sent before the response went out reach the client first.
	c, _ := dialWS(t, wsURL(srv, "/early"), websocket.DialOptions{})
	if op, s := readMsg(t, c); op != websocket.OpText || s != "first" {
		t.Errorf("got %v %q", op, s)
	}
	if op, s := readMsg(t, c); op != websocket.OpBinary || s != "\x01\x02\x03" {
		t.Errorf("got %v %q", op, s)
	}
	c.WriteMessage(websocket.OpText, []byte("ping"))
	if _, s := readMsg(t, c); s != "got ping" {
		t.Errorf("got %q", s)
	}
	var ce *websocket.CloseError
	if _, _, err := c.ReadMessage(); !errors.As(err, &ce) || ce.Code != 1000 || ce.Reason != "enough" {
		t.Errorf("got %v, want close 1000 enough", err)
	}
	log.waitFor(t, "early close 1000")

	// A 101 answered to a request that is no WebSocket handshake: 426.
	resp, err = http.Get(srv.URL + "/any")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 426 || resp.Header.Get("Upgrade") != "websocket" {
		t.Errorf("got %d %v, want 426", resp.StatusCode, resp.Header)
	}
	log.waitFor(t, "any error the client's WebSocket handshake failed")
	log.waitFor(t, "any close 1006 false")
	waitSocketsFreed(t)
}

// HTTP/2 has no 101: the request is refused with 426 and the client falls back.
func TestWebSocketOverHTTP2(t *testing.T) {
	w, log := newWSWorker(t, "ws-h2", wsPairRulesWorker)
	srv := httptest.NewUnstartedServer(w)
	srv.EnableHTTP2 = true
	srv.StartTLS()
	defer srv.Close()
	resp, err := srv.Client().Get(srv.URL + "/any")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.ProtoMajor != 2 || resp.StatusCode != 426 || !strings.Contains(string(body), "HTTP/1.1") {
		t.Errorf("got HTTP/%d %d %q, want a 426 over HTTP/2", resp.ProtoMajor, resp.StatusCode, body)
	}
	log.waitFor(t, "any close 1006 false")
}

// An open socket keeps its isolate from being evicted; closing it lets it go.
func TestWebSocketHoldsIsolate(t *testing.T) {
	w, log := newWSWorkerLimits(t, "ws-hold", wsEchoWorker, Limits{Isolates: 1, IdleTimeout: 50 * time.Millisecond})
	srv := httptest.NewServer(w)
	defer srv.Close()
	c, _ := dialWS(t, wsURL(srv, "/"), websocket.DialOptions{})
	time.Sleep(1500 * time.Millisecond) // the janitor runs every second
	if s := w.Stats(); s.IsolatesEvicted != 0 || s.Isolates != 1 {
		t.Fatalf("got %+v, want the isolate kept while the socket is open", s)
	}
	c.WriteMessage(websocket.OpText, []byte("still here"))
	if _, s := readMsg(t, c); s != "echo:still here" {
		t.Fatalf("got %q", s)
	}
	c.WriteClose(1000, "")
	c.ReadMessage()
	log.waitFor(t, "server close 1000")
	deadline := time.Now().Add(10 * time.Second)
	for w.Stats().IsolatesEvicted == 0 {
		if time.Now().After(deadline) {
			t.Fatalf("got %+v, want the isolate evicted once the socket closed", w.Stats())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// Worker.Close does not wait for open sockets: they are closed with 1001.
func TestWebSocketWorkerClose(t *testing.T) {
	w, _ := newWSWorker(t, "ws-close", wsEchoWorker)
	srv := httptest.NewServer(w)
	defer srv.Close()
	c, _ := dialWS(t, wsURL(srv, "/"), websocket.DialOptions{})
	c.WriteMessage(websocket.OpText, []byte("x"))
	readMsg(t, c)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	start := time.Now()
	if err := w.Close(ctx); err != nil {
		t.Fatal(err)
	}
	var ce *websocket.CloseError
	if _, _, err := c.ReadMessage(); !errors.As(err, &ce) || ce.Code != websocket.CloseGoingAway {
		t.Errorf("got %v, want close 1001", err)
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("Close took %v", d)
	}
	waitSocketsFreed(t)
}

// echoHandler is a Go WebSocket server for the worker's client: it echoes, and
// closes with 4002 when told "close please".
func echoHandler(t *testing.T) http.Handler {
	return http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		h := http.Header{}
		if p := r.Header.Get("Sec-WebSocket-Protocol"); p != "" {
			h.Set("Sec-WebSocket-Protocol", strings.TrimSpace(strings.Split(p, ",")[1]))
		}
		c, err := websocket.Upgrade(rw, r, h, websocket.Options{})
		if err != nil {
			return
		}
		defer c.Close()
		for {
			op, b, err := c.ReadMessage()
			if err != nil {
				return
			}
			if string(b) == "close please" {
				c.WriteClose(4002, "as asked")
				continue
			}
			c.WriteMessage(op, b)
		}
	})
}

// new WebSocket(url) in a worker, against a Go server.
const wsClientWorker = `
export default {
  async fetch(request) {
    const target = new URL(request.url).searchParams.get("target");
    const out = [];
    const ws = new WebSocket(target.replace("ws:", "http:"), ["v1", "v2"]);
    out.push("new " + ws.readyState + " " + ws.url + " " + ws.binaryType + " " + ws.protocol + " " + ws.bufferedAmount);
    try { ws.send("too early"); } catch (e) { out.push("early send " + e.name); }
    try { ws.accept(); } catch (e) { out.push("accept " + e.name); }
    try { ws.close(1001); } catch (e) { out.push("close(1001) " + e.name); }
    try { ws.close(1000, "x".repeat(124)); } catch (e) { out.push("long reason " + e.name); }
    const messages = [];
    await new Promise((resolve) => {
      ws.onopen = (e) => {
        out.push("open " + ws.readyState + " " + ws.protocol + " [" + ws.extensions + "] " + e.isTrusted);
        ws.send("text é");
        ws.send(new Uint8Array([1, 2, 3]));
        ws.send(new Uint8Array([9, 8, 7, 6]).subarray(1, 3));
        ws.send(new Blob(["blob!"]));
        ws.send(new Uint8Array([4, 5]).buffer);
        ws.send(new DataView(new Uint8Array([7, 7, 7]).buffer, 1));
      };
      ws.onmessage = (e) => {
        messages.push(e);
        if (messages.length === 3) ws.binaryType = "arraybuffer";
        if (messages.length === 6) ws.send("close please");
      };
      ws.onerror = (e) => out.push("error " + e.message);
      ws.onclose = (e) => {
        out.push("close " + e.code + " " + e.reason + " " + e.wasClean + " " + ws.readyState + " " + (e instanceof CloseEvent));
        resolve();
      };
    });
    for (const e of messages) {
      const d = e.data;
      if (typeof d === "string") out.push("text " + d + " " + e.origin);
      else if (d instanceof Blob) out.push("blob " + new Uint8Array(await d.arrayBuffer()).join(","));
      else out.push(d.constructor.name + " " + new Uint8Array(d).join(","));
    }
    const before = ws.bufferedAmount;
    ws.send("abcd");
    ws.send(new Uint8Array(10));
    out.push("after close " + (ws.bufferedAmount - before));
    return new Response(out.join("\n"));
  },
};
`

func TestWebSocketClient(t *testing.T) {
	echo := httptest.NewServer(echoHandler(t))
	defer echo.Close()
	websocket.Configure("ws-client", websocket.WorkerOptions{Control: (&egress.Policy{Allow: []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}}).Control})
	defer websocket.Forget("ws-client")
	w, log := newWSWorker(t, "ws-client", wsClientWorker)
	srv := httptest.NewServer(w)
	defer srv.Close()
	target := wsURL(echo, "/path?q=1")
	resp, err := http.Get(srv.URL + "/?target=" + target)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	origin := strings.TrimSuffix(wsURL(echo, ""), "/")
	want := "new 0 " + target + " blob  0\n" +
		"early send InvalidStateError\n" +
		"accept TypeError\n" +
		"close(1001) InvalidAccessError\n" +
		"long reason SyntaxError\n" +
		"open 1 v2 [] true\n" +
		"close 4002 as asked true 3 true\n" +
		"text text é " + origin + "\n" +
		"blob 1,2,3\n" +
		"blob 8,7\n" +
		"ArrayBuffer 98,108,111,98,33\n" +
		"ArrayBuffer 4,5\n" +
		"ArrayBuffer 7,7\n" +
		"after close 14"
	if string(body) != want {
		t.Errorf("got\n%s\nwant\n%s\nlog %q", body, want, log.all())
	}
	waitSocketsFreed(t)
}

// The constructor's checks, and the egress guard for a worker left unconfigured.
const wsClientErrorsWorker = `
export default {
  async fetch(request) {
    const target = new URL(request.url).searchParams.get("target");
    const out = [];
    for (const [url, protocols] of [["ftp://example.com/"], ["ws://example.com/#x"], ["ws://example.com/#"], ["/relative"],
        ["ws://example.com/", ["a", "A"]], ["ws://example.com/", "bad proto"], ["ws://example.com/", ["a", ""]]]) {
      try { new WebSocket(url, protocols); out.push(url + " ok"); } catch (e) { out.push(url + " " + e.name); }
    }
    const ev = new CloseEvent("close");
    out.push("CloseEvent " + ev.code + " " + JSON.stringify(ev.reason) + " " + ev.wasClean + " " + new CloseEvent("x", { code: 4000, reason: "r", wasClean: true }).code);
    const me = new MessageEvent("message", { data: 5 });
    out.push("MessageEvent " + me.data + " " + JSON.stringify(me.origin) + " " + (me instanceof Event));
    const ws = new WebSocket(target);
    await new Promise((resolve) => {
      ws.addEventListener("error", (e) => out.push("error " + e.message));
      ws.addEventListener("close", (e) => { out.push("close " + e.code + " " + e.wasClean); resolve(); });
    });
    return new Response(out.join("\n"));
  },
};
`

func TestWebSocketClientErrors(t *testing.T) {
	echo := httptest.NewServer(echoHandler(t))
	defer echo.Close()
	w, _ := newWSWorker(t, "ws-client-errors", wsClientErrorsWorker)
	srv := httptest.NewServer(w)
	defer srv.Close()
	resp, err := http.Get(srv.URL + "/?target=" + wsURL(echo, "/"))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	want := `ftp://example.com/ SyntaxError
ws://example.com/#x SyntaxError
ws://example.com/# SyntaxError
/relative SyntaxError
ws://example.com/ SyntaxError
ws://example.com/ SyntaxError
ws://example.com/ SyntaxError
CloseEvent 0 "" false 4000
MessageEvent 5 "" true
error dial tcp ` + echo.Listener.Addr().String() + `: egress: connection to ` + echo.Listener.Addr().String() + ` refused: loopback address
close 1006 false`
	if got := string(body); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	waitSocketsFreed(t)
}

// Workers' client through fetch(): Upgrade: websocket answers a 101 carrying the
// socket (accept() it), or the server's refusal as a plain response.
const wsFetchWorker = `
export default {
  async fetch(request) {
    const base = new URL(request.url).searchParams.get("base");
    const out = [];
    const r = await fetch(base + "/ws?x=1", { headers: { Upgrade: "websocket", "Sec-WebSocket-Protocol": "a, b", "X-Custom": "yes" } });
    const ws = r.webSocket;
    out.push("status " + r.status + " " + r.statusText + " " + (ws instanceof WebSocket) + " " + ws.url + " " + ws.protocol + " " + r.headers.get("upgrade") + " " + ws.readyState);
    try { ws.send("before accept"); } catch (e) { out.push("send before accept " + e.name); }
    ws.accept();
    await new Promise((resolve) => {
      ws.addEventListener("message", (e) => {
        out.push("message " + (typeof e.data === "string" ? e.data : "bytes " + new Uint8Array(e.data).join(",")));
        if (e.data === "X-Custom yes") ws.send(new Uint8Array([1, 2]));
        else ws.close(1000, "thanks");
      });
      ws.addEventListener("close", (e) => { out.push("close " + e.code + " " + e.wasClean); resolve(); });
      ws.send("header X-Custom");
    });
    const refused = await fetch(new Request(base + "/plain", { headers: { upgrade: "WebSocket" } }));
    out.push("refused " + refused.status + " " + refused.statusText + " " + refused.headers.get("x-why") + " " + (refused.webSocket === null) + " " + await refused.text());
    const plain = await fetch(base + "/plain");
    out.push("plain " + plain.status + " " + (await plain.text()));
    try { await fetch(base + "/ws", { method: "POST", headers: [["upgrade", "websocket"]] }); } catch (e) { out.push("post " + e.name); }
    try { await fetch("http://127.0.0.1:1/", { headers: new Headers({ upgrade: "websocket" }) }); } catch (e) { out.push("unreachable " + e.name); }
    out.push("fetch " + fetch.name + " " + fetch.length);
    return new Response(out.join("\n"));
  },
};
`

func TestWebSocketFetchUpgrade(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("/ws", func(rw http.ResponseWriter, r *http.Request) {
		c, err := websocket.Upgrade(rw, r, http.Header{"Sec-Websocket-Protocol": {"b"}}, websocket.Options{})
		if err != nil {
			return
		}
		defer c.Close()
		for {
			_, b, err := c.ReadMessage()
			if err != nil {
				return
			}
			if s := string(b); strings.HasPrefix(s, "header ") {
				name := strings.TrimPrefix(s, "header ")
				c.WriteMessage(websocket.OpText, []byte(name+" "+r.Header.Get(name)))
				continue
			}
			c.WriteMessage(websocket.OpBinary, b)
		}
	})
	mux.HandleFunc("/plain", func(rw http.ResponseWriter, r *http.Request) {
		rw.Header().Set("X-Why", "not here")
		rw.WriteHeader(403)
		io.WriteString(rw, "no sockets")
	})
	up := httptest.NewServer(mux)
	defer up.Close()
	websocket.Configure("ws-fetch", websocket.WorkerOptions{Control: (&egress.Policy{Allow: []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}}).Control})
	defer websocket.Forget("ws-fetch")
	w, log := newWSWorker(t, "ws-fetch", wsFetchWorker)
	srv := httptest.NewServer(w)
	defer srv.Close()
	resp, err := http.Get(srv.URL + "/?base=" + up.URL)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	want := "status 101 Switching Protocols true " + wsURL(up, "/ws?x=1") + " b websocket 1\n" +
		"send before accept TypeError\n" +
		"message X-Custom yes\n" +
		"message bytes 1,2\n" +
		"close 1000 true\n" +
		"refused 403 Forbidden not here true no sockets\n" +
		"plain 403 no sockets\n" +
		"post TypeError\n" +
		"unreachable TypeError\n" +
		"fetch fetch 1"
	if string(body) != want {
		t.Errorf("got\n%s\nwant\n%s\nlog %q", body, want, log.all())
	}
	waitSocketsFreed(t)
}

// BenchmarkWebSocketEcho: one message to a WebSocketPair echo worker and back, one
// at a time (the latency of a message event: read, completion batch, JS, send, write).
func BenchmarkWebSocketEcho(b *testing.B) {
	for _, size := range []int{16, 16 << 10} {
		b.Run(strconv.Itoa(size), func(b *testing.B) {
			w, err := New(Config{Name: "ws-bench", MainModule: "worker.js", Modules: map[string]string{"worker.js": wsEchoWorker},
				Console: func(string, int, string) {}})
			if err != nil {
				b.Fatal(err)
			}
			defer w.Close(context.Background())
			srv := httptest.NewServer(w)
			defer srv.Close()
			c, _, err := websocket.Dial(context.Background(), wsURL(srv, "/"), websocket.DialOptions{})
			if err != nil {
				b.Fatal(err)
			}
			defer c.Close()
			msg := bytes.Repeat([]byte{7}, size)
			b.SetBytes(int64(size))
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if err := c.WriteMessage(websocket.OpBinary, msg); err != nil {
					b.Fatal(err)
				}
				if _, got, err := c.ReadMessage(); err != nil || len(got) != size {
					b.Fatalf("got %d bytes, %v", len(got), err)
				}
			}
		})
	}
}

// Many sockets, some at once, in a module worker and a service-worker script: every
// one ends, leaves the table, and gives its hold on the isolate back.
func TestWebSocketSoak(t *testing.T) {
	sw := `addEventListener("fetch", (event) => {
  const [client, server] = Object.values(new WebSocketPair());
  server.accept();
  server.onmessage = (e) => server.send("sw:" + e.data);
  event.respondWith(new Response(null, { status: 101, webSocket: client }));
});`
	log := newWSLog()
	swWorker, err := New(Config{Name: "ws-sw", MainModule: "sw.js", Modules: map[string]string{"sw.js": sw}, Script: true, Console: log.write})
	if err != nil {
		t.Fatal(err)
	}
	defer swWorker.Close(context.Background())
	modWorker, _ := newWSWorker(t, "ws-soak", wsEchoWorker)
	for _, tc := range []struct {
		w    *Worker
		want string
	}{{swWorker, "sw:"}, {modWorker, "echo:"}} {
		srv := httptest.NewServer(tc.w)
		var wg sync.WaitGroup
		for g := 0; g < 4; g++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := 0; i < 25; i++ {
					ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
					c, _, err := websocket.Dial(ctx, wsURL(srv, "/"), websocket.DialOptions{})
					cancel()
					if err != nil {
						t.Error(err)
						return
					}
					c.NetConn().SetDeadline(time.Now().Add(10 * time.Second))
					c.WriteMessage(websocket.OpText, []byte("x"))
					if _, b, err := c.ReadMessage(); err != nil || string(b) != tc.want+"x" {
						t.Errorf("got %q %v", b, err)
					}
					if i%2 == 0 {
						c.WriteClose(1000, "")
						c.ReadMessage()
					}
					c.Close()
				}
			}()
		}
		wg.Wait()
		srv.Close()
	}
	waitSocketsFreed(t)
	for _, w := range []*Worker{swWorker, modWorker} {
		deadline := time.Now().Add(10 * time.Second)
		for {
			w.mu.Lock()
			busy := int32(0)
			for _, l := range w.loops {
				busy += l.pending.Load()
			}
			w.mu.Unlock()
			if busy == 0 {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("%s: %d holds or requests still pending", w.Name(), busy)
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
	if lines := log.all(); len(lines) > 0 {
		t.Errorf("service worker console: %q", lines)
	}
}

// BenchmarkWebSocketBurst: 16-byte messages streamed to the echo worker while the
// echoes are read back (throughput; queued messages reach JS in runs).
func BenchmarkWebSocketBurst(b *testing.B) {
	w, err := New(Config{Name: "ws-burst", MainModule: "worker.js", Modules: map[string]string{"worker.js": wsEchoWorker},
		Console: func(string, int, string) {}})
	if err != nil {
		b.Fatal(err)
	}
	defer w.Close(context.Background())
	srv := httptest.NewServer(w)
	defer srv.Close()
	c, _, err := websocket.Dial(context.Background(), wsURL(srv, "/"), websocket.DialOptions{})
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	msg := []byte("0123456789abcdef")
	b.ReportAllocs()
	b.ResetTimer()
	go func() {
		for i := 0; i < b.N; i++ {
			if c.WriteMessage(websocket.OpText, msg) != nil {
				return
			}
		}
	}()
	for i := 0; i < b.N; i++ {
		if _, _, err := c.ReadMessage(); err != nil {
			b.Fatal(err)
		}
	}
}

// A client that floods the worker does not push one JS entry past the CPU limit:
// queued messages are handled in bounded slices, each entry on its own budget.
func TestWebSocketFlood(t *testing.T) {
	w, log := newWSWorkerLimits(t, "ws-flood", wsEchoWorker, Limits{CPU: 20 * time.Millisecond})
	srv := httptest.NewServer(w)
	defer srv.Close()
	c, _ := dialWS(t, wsURL(srv, "/"), websocket.DialOptions{})
	const n = 20000
	go func() {
		for i := 0; i < n; i++ {
			if c.WriteMessage(websocket.OpText, []byte("m"+itoa(i))) != nil {
				return
			}
		}
	}()
	for i := 0; i < n; i++ {
		if _, s := readMsg(t, c); s != "echo:m"+itoa(i) {
			t.Fatalf("message %d: got %q", i, s)
		}
	}
	if s := w.Stats(); s.LimitHits != 0 {
		t.Errorf("got %d limit hits (console %q)", s.LimitHits, log.all())
	}
}

// While the upgrade request is still open (here a waitUntil keeps it), its socket's
// messages are events of their own: each gets the whole CPU limit, not what the
// request has left, so a session may use more than 50 ms of CPU in all.
func TestWebSocketMessagesEachGetTheCPULimit(t *testing.T) {
	w, log := newWSWorkerLimits(t, "ws-cpu", `
export default {
  fetch(request, env, ctx) {
    const [client, server] = Object.values(new WebSocketPair());
    server.accept();
    server.addEventListener("message", (event) => {
      const end = Date.now() + 20;
      while (Date.now() < end) {} // 20 ms of CPU per message
      server.send("done " + event.data);
    });
    ctx.waitUntil(new Promise((resolve) => setTimeout(resolve, 1000)));
    return new Response(null, { status: 101, webSocket: client });
  },
};`, Limits{CPU: 50 * time.Millisecond})
	srv := httptest.NewServer(w)
	defer srv.Close()
	c, _ := dialWS(t, wsURL(srv, "/"), websocket.DialOptions{})
	for i := 0; i < 6; i++ { // 120 ms of CPU in all
		c.WriteMessage(websocket.OpText, []byte(itoa(i)))
		if _, s := readMsg(t, c); s != "done "+itoa(i) {
			t.Fatalf("message %d: got %q (console: %q)", i, s, log.all())
		}
	}
	c.WriteClose(1000, "")
}
