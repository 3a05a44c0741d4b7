package websocket

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func handshakeRequest() *http.Request {
	r := httptest.NewRequest("GET", "http://example.com/chat", nil)
	r.Header.Set("Upgrade", "websocket")
	r.Header.Set("Connection", "keep-alive, Upgrade")
	r.Header.Set("Sec-WebSocket-Version", "13")
	r.Header.Set("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==")
	return r
}

func TestCheckRequest(t *testing.T) {
	for _, tc := range []struct {
		name   string
		change func(r *http.Request)
		status int
	}{
		{"valid", func(r *http.Request) {}, 0},
		{"tokens in any case", func(r *http.Request) { r.Header.Set("Upgrade", "WebSocket"); r.Header.Set("Connection", "UPGRADE") }, 0},
		{"HTTP/2", func(r *http.Request) { r.ProtoMajor, r.ProtoMinor = 2, 0 }, 426},
		{"HTTP/3", func(r *http.Request) { r.ProtoMajor, r.ProtoMinor = 3, 0 }, 426},
		{"POST", func(r *http.Request) { r.Method = "POST" }, 400},
		{"no Upgrade", func(r *http.Request) { r.Header.Del("Upgrade") }, 426},
		{"Upgrade: h2c", func(r *http.Request) { r.Header.Set("Upgrade", "h2c") }, 426},
		{"no Connection: Upgrade", func(r *http.Request) { r.Header.Set("Connection", "keep-alive") }, 426},
		{"version 8", func(r *http.Request) { r.Header.Set("Sec-WebSocket-Version", "8") }, 426},
		{"no key", func(r *http.Request) { r.Header.Del("Sec-WebSocket-Key") }, 400},
		{"short key", func(r *http.Request) { r.Header.Set("Sec-WebSocket-Key", "c2hvcnQ=") }, 400},
		{"two keys", func(r *http.Request) { r.Header.Add("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==") }, 400},
	} {
		r := handshakeRequest()
		tc.change(r)
		e := CheckRequest(r)
		switch {
		case tc.status == 0 && e != nil:
			t.Errorf("%s: refused: %v", tc.name, e)
		case tc.status != 0 && (e == nil || e.Status != tc.status):
			t.Errorf("%s: got %v, want status %d", tc.name, e, tc.status)
		}
	}
	rec := httptest.NewRecorder()
	WriteRefusal(rec, &HandshakeError{Status: 426, Msg: "expected the header Upgrade: websocket"})
	if rec.Code != 426 || rec.Header().Get("Sec-WebSocket-Version") != "13" || rec.Header().Get("Upgrade") != "websocket" {
		t.Errorf("refusal: %d %v", rec.Code, rec.Header())
	}
}

// echoServer upgrades every request (offering the first protocol asked for, and
// the extra header fields) and echoes messages until the close.
func echoServer(t *testing.T, extra http.Header) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := extra.Clone()
		if h == nil {
			h = http.Header{}
		}
		if p := r.Header.Get("Sec-WebSocket-Protocol"); p != "" && h.Get("Sec-WebSocket-Protocol") == "" {
			h.Set("Sec-WebSocket-Protocol", strings.TrimSpace(strings.Split(p, ",")[0]))
		}
		h.Set("X-Seen-Origin", r.Header.Get("Origin"))
		c, err := Upgrade(w, r, h, Options{})
		if err != nil {
			return
		}
		defer c.Close()
		for {
			op, b, err := c.ReadMessage()
			if err != nil {
				return
			}
			c.WriteMessage(op, b)
		}
	}))
	t.Cleanup(srv.Close)
	return srv
}

func wsURL(srv *httptest.Server) string { return "ws" + strings.TrimPrefix(srv.URL, "http") + "/x?y=1" }

func TestDialUpgradeEcho(t *testing.T) {
	srv := echoServer(t, http.Header{"Set-Cookie": {"a=1"}, "Sec-WebSocket-Extensions": {"dropped"}})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, hs, err := Dial(ctx, wsURL(srv), DialOptions{Protocols: []string{"v2", "v1"}, Header: http.Header{"Origin": {"https://example.com"}, "Sec-WebSocket-Key": {"ignored"}}})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if hs.Protocol != "v2" || hs.Extensions != "" {
		t.Errorf("got protocol %q extensions %q", hs.Protocol, hs.Extensions)
	}
	if got := hs.Response.Header.Get("Set-Cookie"); got != "a=1" {
		t.Errorf("extra header: got %q", got)
	}
	if got := hs.Response.Header.Get("X-Seen-Origin"); got != "https://example.com" {
		t.Errorf("the server saw Origin %q", got)
	}
	c.WriteMessage(OpText, []byte("ping?"))
	if op, b, err := c.ReadMessage(); err != nil || op != OpText || string(b) != "ping?" {
		t.Errorf("got %v %q %v", op, b, err)
	}
	c.WriteClose(CloseNormal, "")
	var ce *CloseError
	if _, _, err := c.ReadMessage(); !errors.As(err, &ce) || ce.Code != CloseNormal {
		t.Errorf("got %v, want the close echoed", err)
	}
}

func TestDialRefused(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Why", "nope")
		w.WriteHeader(403)
		io.WriteString(w, "forbidden here")
	}))
	defer srv.Close()
	_, _, err := Dial(context.Background(), wsURL(srv), DialOptions{})
	var he *HandshakeError
	if !errors.As(err, &he) || he.Status != 403 || string(he.Body) != "forbidden here" || he.Response.Header.Get("X-Why") != "nope" {
		t.Fatalf("got %v, want a 403 HandshakeError with its body", err)
	}
	// A plain (non-WebSocket) server answering 426 to a h2-only style refusal.
	ws := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.Header.Del("Upgrade")
		Upgrade(w, r, nil, Options{})
	}))
	defer ws.Close()
	if _, _, err := Dial(context.Background(), wsURL(ws), DialOptions{}); !errors.As(err, &he) || he.Status != 426 {
		t.Errorf("got %v, want 426", err)
	}
}

// rawServer answers every connection with the given head, after reading the request.
func rawServer(t *testing.T, head func(key string) string) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				r, err := http.ReadRequest(bufio.NewReader(c))
				if err != nil {
					return
				}
				io.WriteString(c, head(r.Header.Get("Sec-WebSocket-Key")))
				time.Sleep(100 * time.Millisecond)
			}()
		}
	}()
	return "ws://" + ln.Addr().String() + "/"
}

func TestDialBadAnswers(t *testing.T) {
	ok := func(key string) string {
		return "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: " + AcceptKey(key) + "\r\n"
	}
	for _, tc := range []struct {
		name string
		head func(key string) string
		want string
	}{
		{"wrong accept", func(string) string { return ok("other") + "\r\n" }, "Sec-WebSocket-Accept does not match"},
		{"no upgrade", func(k string) string {
			return "HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: " + AcceptKey(k) + "\r\n\r\n"
		}, "lacks Upgrade"},
		{"protocol not offered", func(k string) string { return ok(k) + "Sec-WebSocket-Protocol: other\r\n\r\n" }, "not offered"},
		{"extension", func(k string) string { return ok(k) + "Sec-WebSocket-Extensions: permessage-deflate\r\n\r\n" }, "extension that was not offered"},
		{"not HTTP", func(string) string { return "SSH-2.0-OpenSSH\r\n\r\n" }, "reading the server's answer"},
	} {
		_, _, err := Dial(context.Background(), rawServer(t, tc.head), DialOptions{Protocols: []string{"v1"}})
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: got %v, want an error about %q", tc.name, err, tc.want)
		}
	}
}

func TestDialCancelled(t *testing.T) {
	// A server that accepts and never answers.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			defer c.Close()
		}
	}()
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(50*time.Millisecond, cancel)
	start := time.Now()
	_, _, err = Dial(ctx, "ws://"+ln.Addr().String()+"/", DialOptions{})
	if !errors.Is(err, context.Canceled) || time.Since(start) > 5*time.Second {
		t.Errorf("got %v after %v, want context.Canceled at once", err, time.Since(start))
	}
	for _, u := range []string{"ftp://x/", "ws://x/#frag", "://"} {
		if _, _, err := Dial(context.Background(), u, DialOptions{}); err == nil {
			t.Errorf("%s: dialled", u)
		}
	}
}
