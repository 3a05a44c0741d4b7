package websocket

import (
	"bufio"
	"context"
	"crypto/rand"
	"crypto/sha1"
	"crypto/tls"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// acceptGUID is the fixed suffix of the key hash (RFC 6455 §1.3).
const acceptGUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"

// AcceptKey returns the Sec-WebSocket-Accept value for a Sec-WebSocket-Key.
func AcceptKey(key string) string {
	h := sha1.Sum([]byte(key + acceptGUID))
	return base64.StdEncoding.EncodeToString(h[:])
}

// HandshakeError is a failed opening handshake. On the server it was answered with
// Status; on a client, Status is the server's answer (0 when there was none or it
// was not HTTP) and Response, when not nil, is that answer with up to 64 KiB of its
// body read.
type HandshakeError struct {
	Status   int
	Msg      string
	Response *http.Response
	Body     []byte
}

func (e *HandshakeError) Error() string { return "websocket: handshake: " + e.Msg }

// hasToken reports whether a comma-separated header (all of its lines) lists token,
// compared without regard to case.
func hasToken(h http.Header, name, token string) bool {
	for _, line := range h.Values(name) {
		for _, t := range strings.Split(line, ",") {
			if strings.EqualFold(strings.TrimSpace(t), token) {
				return true
			}
		}
	}
	return false
}

// CheckRequest reports why r is not a WebSocket opening handshake edged can accept
// (RFC 6455 §4.2.1), with the status to answer: 426 when the client should retry
// differently (HTTP/2 or HTTP/3, no Upgrade, another protocol version), 400 when the
// request is malformed. It returns nil for a valid handshake.
func CheckRequest(r *http.Request) *HandshakeError {
	switch {
	case r.ProtoMajor != 1:
		// HTTP/2 and HTTP/3 have no Upgrade: RFC 8441/9220's extended CONNECT is not
		// offered, so clients fall back to HTTP/1.1.
		return &HandshakeError{Status: http.StatusUpgradeRequired, Msg: fmt.Sprintf("WebSocket needs HTTP/1.1; this request came over HTTP/%d", r.ProtoMajor)}
	case r.Method != http.MethodGet:
		return &HandshakeError{Status: http.StatusBadRequest, Msg: "a WebSocket handshake must be a GET request, not " + r.Method}
	case !hasToken(r.Header, "Upgrade", "websocket"):
		return &HandshakeError{Status: http.StatusUpgradeRequired, Msg: "expected the header Upgrade: websocket"}
	case !hasToken(r.Header, "Connection", "upgrade"):
		return &HandshakeError{Status: http.StatusUpgradeRequired, Msg: "expected the header Connection: Upgrade"}
	case r.Header.Get("Sec-WebSocket-Version") != "13":
		return &HandshakeError{Status: http.StatusUpgradeRequired, Msg: "unsupported Sec-WebSocket-Version (edged speaks 13)"}
	}
	key := r.Header.Get("Sec-WebSocket-Key")
	if b, err := base64.StdEncoding.DecodeString(key); err != nil || len(b) != 16 || len(r.Header.Values("Sec-WebSocket-Key")) != 1 {
		return &HandshakeError{Status: http.StatusBadRequest, Msg: "Sec-WebSocket-Key is not one base64-encoded 16-byte value"}
	}
	return nil
}

// WriteRefusal answers a request that is not a valid handshake, as e says.
func WriteRefusal(w http.ResponseWriter, e *HandshakeError) {
	h := w.Header()
	if e.Status == http.StatusUpgradeRequired {
		h.Set("Sec-WebSocket-Version", "13")
		h.Set("Upgrade", "websocket")
		h.Set("Connection", "Upgrade")
	}
	h.Set("Content-Type", "text/plain; charset=utf-8")
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(e.Status)
	io.WriteString(w, e.Msg+"\n")
}

// handshakeHeaders are set by the handshake itself; the caller's values are dropped.
var handshakeHeaders = map[string]bool{
	"Upgrade": true, "Connection": true, "Sec-Websocket-Accept": true, "Sec-Websocket-Extensions": true,
	"Content-Length": true, "Transfer-Encoding": true, "Keep-Alive": true,
}

// Upgrade completes the server side of r's opening handshake: it checks r (see
// CheckRequest; a bad request is answered and a *HandshakeError returned), takes the
// connection over from the HTTP server, clears the deadlines the server set on it
// and writes the 101 response with the extra header fields (Sec-WebSocket-Protocol,
// Set-Cookie...). No extension is accepted.
func Upgrade(w http.ResponseWriter, r *http.Request, extra http.Header, opts Options) (*Conn, error) {
	if e := CheckRequest(r); e != nil {
		WriteRefusal(w, e)
		return nil, e
	}
	nc, brw, err := http.NewResponseController(w).Hijack()
	if err != nil {
		e := &HandshakeError{Status: http.StatusInternalServerError, Msg: "the connection cannot be taken over: " + err.Error()}
		http.Error(w, "Internal Server Error", e.Status)
		return nil, e
	}
	nc.SetDeadline(time.Time{})
	var b strings.Builder
	b.WriteString("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ")
	b.WriteString(AcceptKey(r.Header.Get("Sec-WebSocket-Key")))
	b.WriteString("\r\n")
	for name, values := range extra {
		if handshakeHeaders[http.CanonicalHeaderKey(name)] {
			continue
		}
		for _, v := range values {
			if strings.ContainsAny(name, "\r\n:") || strings.ContainsAny(v, "\r\n") {
				continue // Headers validated them already; never split the head
			}
			b.WriteString(name)
			b.WriteString(": ")
			b.WriteString(v)
			b.WriteString("\r\n")
		}
	}
	b.WriteString("\r\n")
	if _, err := brw.Writer.WriteString(b.String()); err == nil {
		err = brw.Writer.Flush()
	}
	if err != nil {
		nc.Close()
		return nil, err
	}
	return NewConn(nc, brw.Reader, false, opts), nil
}

// DialOptions configure a client connection.
type DialOptions struct {
	// Protocols are offered in Sec-WebSocket-Protocol; the server must pick one of
	// them or none.
	Protocols []string
	// Header is added to the handshake request (Origin, Cookie, Authorization...);
	// the fields the handshake sets itself are ignored.
	Header http.Header
	// NetDial opens the TCP connection (default: a net.Dialer with a 10 s timeout).
	// edged passes one that goes through the worker's egress guard.
	NetDial func(ctx context.Context, network, addr string) (net.Conn, error)
	// TLSConfig is used for wss: URLs (default: the system roots).
	TLSConfig *tls.Config
	Options   Options
}

// Handshake is what the server answered to a successful opening handshake.
type Handshake struct {
	Protocol   string // the subprotocol the server picked, or ""
	Extensions string // always "": none is offered
	Response   *http.Response
}

// maxRefusalBody bounds the body of a refused handshake that Dial keeps.
const maxRefusalBody = 64 << 10

// Dial opens a client connection to a ws:, wss:, http: or https: URL (RFC 6455
// §4.1). ctx bounds the connection and the handshake. A server that does not
// answer 101, or answers it wrongly, gives a *HandshakeError.
func Dial(ctx context.Context, rawURL string, o DialOptions) (*Conn, *Handshake, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, nil, err
	}
	secure := false
	switch u.Scheme {
	case "ws", "http":
	case "wss", "https":
		secure = true
	default:
		return nil, nil, fmt.Errorf("websocket: cannot dial a %s: URL", u.Scheme)
	}
	if u.Fragment != "" {
		return nil, nil, errors.New("websocket: a WebSocket URL may not have a fragment")
	}
	host := u.Hostname()
	port := u.Port()
	if port == "" {
		port = "80"
		if secure {
			port = "443"
		}
	}
	dial := o.NetDial
	if dial == nil {
		dial = (&net.Dialer{Timeout: 10 * time.Second}).DialContext
	}
	nc, err := dial(ctx, "tcp", net.JoinHostPort(host, port))
	if err != nil {
		return nil, nil, err
	}
	// Cancelling ctx mid-handshake unblocks the reads and writes below.
	stop := context.AfterFunc(ctx, func() { nc.SetDeadline(time.Unix(1, 0)) })
	defer stop()
	if d, ok := ctx.Deadline(); ok {
		nc.SetDeadline(d)
	}
	conn, hs, err := handshake(ctx, nc, u, host, secure, o)
	if err != nil {
		nc.Close()
		if ctx.Err() != nil {
			return nil, nil, ctx.Err()
		}
		return nil, nil, err
	}
	if !stop() {
		// ctx ended right as the handshake did: the deadline may be set.
		conn.Close()
		return nil, nil, ctx.Err()
	}
	nc.SetDeadline(time.Time{})
	return conn, hs, nil
}

func handshake(ctx context.Context, nc net.Conn, u *url.URL, host string, secure bool, o DialOptions) (*Conn, *Handshake, error) {
	if secure {
		cfg := o.TLSConfig.Clone()
		if cfg == nil {
			cfg = &tls.Config{}
		}
		if cfg.ServerName == "" {
			cfg.ServerName = host
		}
		cfg.NextProtos = []string{"http/1.1"}
		tc := tls.Client(nc, cfg)
		if err := tc.HandshakeContext(ctx); err != nil {
			return nil, nil, err
		}
		nc = tc
	}
	var nonce [16]byte
	if _, err := rand.Read(nonce[:]); err != nil {
		return nil, nil, err
	}
	key := base64.StdEncoding.EncodeToString(nonce[:])
	target := u.RequestURI()
	if u.Opaque != "" || target == "" {
		target = "/"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "GET %s HTTP/1.1\r\nHost: %s\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: %s\r\nSec-WebSocket-Version: 13\r\n", target, u.Host, key)
	if len(o.Protocols) > 0 {
		fmt.Fprintf(&b, "Sec-WebSocket-Protocol: %s\r\n", strings.Join(o.Protocols, ", "))
	}
	for name, values := range o.Header {
		switch http.CanonicalHeaderKey(name) {
		case "Host", "Upgrade", "Connection", "Sec-Websocket-Key", "Sec-Websocket-Version",
			"Sec-Websocket-Protocol", "Sec-Websocket-Extensions", "Content-Length", "Transfer-Encoding":
			continue
		}
		for _, v := range values {
			if strings.ContainsAny(name, "\r\n:") || strings.ContainsAny(v, "\r\n") {
				return nil, nil, fmt.Errorf("websocket: invalid header field %q", name)
			}
			fmt.Fprintf(&b, "%s: %s\r\n", name, v)
		}
	}
	b.WriteString("\r\n")
	if _, err := io.WriteString(nc, b.String()); err != nil {
		return nil, nil, err
	}
	br := bufio.NewReaderSize(nc, 4096)
	req := &http.Request{Method: http.MethodGet, URL: u}
	resp, err := http.ReadResponse(br, req)
	if err != nil {
		return nil, nil, &HandshakeError{Msg: "reading the server's answer: " + err.Error()}
	}
	if resp.StatusCode != http.StatusSwitchingProtocols {
		body, _ := io.ReadAll(io.LimitReader(resp.Body, maxRefusalBody))
		resp.Body.Close()
		return nil, nil, &HandshakeError{Status: resp.StatusCode, Response: resp, Body: body,
			Msg: fmt.Sprintf("the server answered %s, not 101 Switching Protocols", resp.Status)}
	}
	fail := func(msg string) (*Conn, *Handshake, error) {
		return nil, nil, &HandshakeError{Status: resp.StatusCode, Response: resp, Msg: msg}
	}
	switch {
	case !hasToken(resp.Header, "Upgrade", "websocket"):
		return fail("the 101 response lacks Upgrade: websocket")
	case !hasToken(resp.Header, "Connection", "upgrade"):
		return fail("the 101 response lacks Connection: Upgrade")
	case resp.Header.Get("Sec-WebSocket-Accept") != AcceptKey(key):
		return fail("the 101 response's Sec-WebSocket-Accept does not match the key sent")
	case resp.Header.Get("Sec-WebSocket-Extensions") != "":
		return fail("the server accepted an extension that was not offered: " + resp.Header.Get("Sec-WebSocket-Extensions"))
	}
	protocol := resp.Header.Get("Sec-WebSocket-Protocol")
	if len(resp.Header.Values("Sec-WebSocket-Protocol")) > 1 {
		return fail("the server picked more than one subprotocol")
	}
	if protocol != "" {
		offered := false
		for _, p := range o.Protocols {
			offered = offered || p == protocol
		}
		if !offered {
			return fail(fmt.Sprintf("the server picked the subprotocol %q, which was not offered", protocol))
		}
	}
	return NewConn(nc, br, true, o.Options), &Handshake{Protocol: protocol, Response: resp}, nil
}
