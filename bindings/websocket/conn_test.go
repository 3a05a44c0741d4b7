package websocket

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"net"
	"strings"
	"testing"
	"time"
)

// tcpPair returns both ends of a loopback TCP connection (buffered by the kernel,
// unlike net.Pipe, so a writer does not wait for the reader).
func tcpPair(t testing.TB) (client, server net.Conn) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	accepted := make(chan net.Conn, 1)
	go func() {
		c, _ := ln.Accept()
		accepted <- c
	}()
	client, err = net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	server = <-accepted
	if server == nil {
		t.Fatal("accept failed")
	}
	deadline := time.Now().Add(10 * time.Second)
	client.SetDeadline(deadline)
	server.SetDeadline(deadline)
	t.Cleanup(func() { client.Close(); server.Close() })
	return client, server
}

func connPair(t testing.TB, copts, sopts Options) (client, server *Conn) {
	c, s := tcpPair(t)
	return NewConn(c, nil, true, copts), NewConn(s, nil, false, sopts)
}

// rawFrame builds a frame byte by byte, masked as a client's must be when masked.
func rawFrame(fin bool, rsv byte, op Opcode, masked bool, payload []byte) []byte {
	h := Header{Fin: fin, Rsv: rsv, Op: op, Masked: masked, Length: int64(len(payload))}
	if masked {
		h.Mask = [4]byte{0x11, 0x22, 0x33, 0x44}
	}
	b := AppendHeader(nil, h)
	p := append([]byte(nil), payload...)
	if masked {
		MaskBytes(h.Mask, 0, p)
	}
	return append(b, p...)
}

func closeBody(code int, reason string) []byte { return AppendClosePayload(nil, code, reason) }

// readRawFrame reads one frame as sent, unmasking it.
func readRawFrame(t *testing.T, br *bufio.Reader) (Header, []byte) {
	t.Helper()
	var hb [MaxHeaderSize]byte
	if _, err := io.ReadFull(br, hb[:2]); err != nil {
		t.Fatalf("reading a frame: %v", err)
	}
	n := HeaderSize(hb[0], hb[1])
	if _, err := io.ReadFull(br, hb[2:n]); err != nil {
		t.Fatal(err)
	}
	h, _, err := ParseHeader(hb[:n])
	if err != nil {
		t.Fatal(err)
	}
	p := make([]byte, h.Length)
	if _, err := io.ReadFull(br, p); err != nil {
		t.Fatal(err)
	}
	if h.Masked {
		MaskBytes(h.Mask, 0, p)
	}
	return h, p
}

func mustRead(t *testing.T, c *Conn) (Opcode, []byte) {
	t.Helper()
	op, b, err := c.ReadMessage()
	if err != nil {
		t.Fatalf("ReadMessage: %v", err)
	}
	return op, b
}

func TestConnMessages(t *testing.T) {
	client, server := connPair(t, Options{FragmentSize: 10}, Options{FragmentSize: 1000})
	// 1.6 MB in the default 1 MiB fragments: masked in chunks by the client, written
	// with writev by the server.
	bigClient, bigServer := connPair(t, Options{}, Options{})
	big := bytes.Repeat([]byte("0123456789abcdef"), 100_000)
	for _, tc := range []struct {
		from, to *Conn
		op       Opcode
		data     []byte
	}{
		{client, server, OpText, []byte("hello")},
		{client, server, OpText, []byte{}},
		{client, server, OpText, []byte("fragmented into frames of ten bytes: κόσμε")},
		{client, server, OpBinary, []byte{0, 0xff, 0xfe, 1}},
		{server, client, OpText, []byte("from the server")},
		{server, client, OpBinary, []byte{}},
		{bigClient, bigServer, OpBinary, big},
		{bigServer, bigClient, OpBinary, big},
	} {
		errc := make(chan error, 1)
		go func() { errc <- tc.from.WriteMessage(tc.op, tc.data) }()
		op, got := mustRead(t, tc.to)
		if err := <-errc; err != nil {
			t.Fatal(err)
		}
		if op != tc.op || !bytes.Equal(got, tc.data) {
			t.Errorf("got %v of %d bytes, want %v of %d", op, len(got), tc.op, len(tc.data))
		}
	}
}

func TestConnPingPong(t *testing.T) {
	pongs := make(chan string, 1)
	client, server := connPair(t, Options{OnPong: func(p []byte) { pongs <- string(p) }}, Options{})
	go func() {
		// The server answers the ping while it reads; then it sends a message so the
		// client's read returns.
		server.ReadMessage()
	}()
	readDone := make(chan struct{})
	go func() {
		client.ReadMessage()
		close(readDone)
	}()
	if err := client.WriteControl(OpPing, []byte("p1")); err != nil {
		t.Fatal(err)
	}
	select {
	case p := <-pongs:
		if p != "p1" {
			t.Errorf("got pong %q, want p1", p)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("no pong")
	}
	if err := client.WriteControl(OpPing, make([]byte, 126)); err == nil {
		t.Error("a 126-byte ping was written")
	}
	server.WriteMessage(OpText, []byte("done"))
	<-readDone
}

func TestConnCloseHandshake(t *testing.T) {
	for _, tc := range []struct {
		code         int
		reason       string
		wantCode     int
		wantEchoCode int
	}{
		{CloseNormal, "done", CloseNormal, CloseNormal},
		{4000, "", 4000, 4000},
		{CloseNoStatus, "", CloseNoStatus, CloseNoStatus},
	} {
		client, server := connPair(t, Options{}, Options{})
		if err := client.WriteClose(tc.code, tc.reason); err != nil {
			t.Fatal(err)
		}
		_, _, err := server.ReadMessage()
		var ce *CloseError
		if !errors.As(err, &ce) || ce.Code != tc.wantCode || ce.Reason != tc.reason {
			t.Errorf("server got %v, want close %d %q", err, tc.wantCode, tc.reason)
		}
		_, _, err = client.ReadMessage()
		if !errors.As(err, &ce) || ce.Code != tc.wantEchoCode || ce.Reason != "" {
			t.Errorf("client got %v, want the echo %d", err, tc.wantEchoCode)
		}
		if err := client.WriteMessage(OpText, []byte("late")); err != ErrCloseSent {
			t.Errorf("write after close: got %v, want ErrCloseSent", err)
		}
		if err := server.WriteClose(CloseNormal, ""); err != ErrCloseSent {
			t.Errorf("second close: got %v, want ErrCloseSent", err)
		}
	}
}

func TestConnMaxMessage(t *testing.T) {
	client, server := connPair(t, Options{FragmentSize: 30}, Options{MaxMessage: 100})
	go client.WriteMessage(OpBinary, make([]byte, 100))
	if op, b := mustRead(t, server); op != OpBinary || len(b) != 100 {
		t.Fatalf("got %v %d bytes", op, len(b))
	}
	go client.WriteMessage(OpBinary, make([]byte, 101))
	_, _, err := server.ReadMessage()
	var pe *ProtocolError
	if !errors.As(err, &pe) || pe.Code != CloseTooBig {
		t.Fatalf("got %v, want a 1009 error", err)
	}
	_, _, err = client.ReadMessage()
	var ce *CloseError
	if !errors.As(err, &ce) || ce.Code != CloseTooBig {
		t.Errorf("client got %v, want close 1009", err)
	}
}

// A client that breaks the protocol gets a Close frame with the matching code.
func TestConnProtocolErrors(t *testing.T) {
	text := func(fin bool, s string) []byte { return rawFrame(fin, 0, OpText, true, []byte(s)) }
	cont := func(fin bool, s string) []byte { return rawFrame(fin, 0, OpContinuation, true, []byte(s)) }
	for _, tc := range []struct {
		name   string
		frames [][]byte
		code   int
		msg    string
	}{
		{"unmasked", [][]byte{rawFrame(true, 0, OpText, false, []byte("x"))}, CloseProtocolError, "unmasked frame"},
		{"continuation first", [][]byte{cont(true, "x")}, CloseProtocolError, "no message to continue"},
		{"message inside a message", [][]byte{text(false, "a"), rawFrame(true, 0, OpBinary, true, []byte("b"))}, CloseProtocolError, "before the end"},
		{"invalid UTF-8", [][]byte{text(true, "a\xffb")}, CloseInvalidPayload, "not UTF-8"},
		{"invalid UTF-8 across fragments", [][]byte{text(false, "\xce"), cont(true, "A")}, CloseInvalidPayload, "not UTF-8"},
		{"surrogate fails before the last fragment", [][]byte{text(false, "ok\xed\xa0")}, CloseInvalidPayload, "not UTF-8"},
		{"close of one byte", [][]byte{rawFrame(true, 0, OpClose, true, []byte{3})}, CloseProtocolError, "1-byte"},
		{"close code 999", [][]byte{rawFrame(true, 0, OpClose, true, closeBody(999, ""))}, CloseProtocolError, "code 999"},
		{"close code 1006", [][]byte{rawFrame(true, 0, OpClose, true, closeBody(1006, ""))}, CloseProtocolError, "code 1006"},
		{"close reason not UTF-8", [][]byte{rawFrame(true, 0, OpClose, true, append(closeBody(1000, ""), 0xc0))}, CloseInvalidPayload, "reason"},
		{"rsv bit", [][]byte{rawFrame(true, 4, OpText, true, []byte("x"))}, CloseProtocolError, "reserved bits"},
		{"reserved opcode", [][]byte{rawFrame(true, 0, 3, true, nil)}, CloseProtocolError, "reserved opcode"},
		{"fragmented ping", [][]byte{rawFrame(false, 0, OpPing, true, nil)}, CloseProtocolError, "fragmented ping"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			raw, s := tcpPair(t)
			server := NewConn(s, nil, false, Options{})
			for _, f := range tc.frames {
				raw.Write(f)
			}
			_, _, err := server.ReadMessage()
			var pe *ProtocolError
			if !errors.As(err, &pe) || pe.Code != tc.code || !strings.Contains(pe.Msg, tc.msg) {
				t.Fatalf("got %v, want a %d error about %q", err, tc.code, tc.msg)
			}
			h, p := readRawFrame(t, bufio.NewReader(raw))
			if h.Op != OpClose || h.Masked || len(p) < 2 || int(binary.BigEndian.Uint16(p)) != tc.code {
				t.Errorf("the client got %+v % x, want an unmasked close with %d", h, p, tc.code)
			}
		})
	}
}

// Control frames may come between the fragments of a message.
func TestConnControlBetweenFragments(t *testing.T) {
	raw, s := tcpPair(t)
	server := NewConn(s, nil, false, Options{})
	raw.Write(rawFrame(false, 0, OpText, true, []byte("Hel")))
	raw.Write(rawFrame(true, 0, OpPing, true, []byte("x")))
	raw.Write(rawFrame(true, 0, OpPong, true, []byte("unsolicited")))
	raw.Write(rawFrame(false, 0, OpContinuation, true, []byte("l")))
	raw.Write(rawFrame(true, 0, OpContinuation, true, []byte("o")))
	if op, b := mustRead(t, server); op != OpText || string(b) != "Hello" {
		t.Errorf("got %v %q, want text Hello", op, b)
	}
	if h, p := readRawFrame(t, bufio.NewReader(raw)); h.Op != OpPong || string(p) != "x" {
		t.Errorf("got %+v %q, want pong x", h, p)
	}
}

func TestConnClientRejectsMaskedFrames(t *testing.T) {
	c, raw := tcpPair(t)
	client := NewConn(c, nil, true, Options{})
	raw.Write(rawFrame(true, 0, OpText, true, []byte("x")))
	_, _, err := client.ReadMessage()
	var pe *ProtocolError
	if !errors.As(err, &pe) || pe.Code != CloseProtocolError {
		t.Fatalf("got %v, want 1002", err)
	}
	if h, _ := readRawFrame(t, bufio.NewReader(raw)); h.Op != OpClose || !h.Masked {
		t.Errorf("got %+v, want a masked close", h)
	}
}

// A connection that ends inside a frame is an unexpected EOF, not a clean end.
func TestConnTruncatedFrame(t *testing.T) {
	raw, s := tcpPair(t)
	server := NewConn(s, nil, false, Options{})
	f := rawFrame(true, 0, OpBinary, true, make([]byte, 50))
	raw.Write(f[:20])
	raw.Close()
	if _, _, err := server.ReadMessage(); err != io.ErrUnexpectedEOF {
		t.Errorf("got %v, want io.ErrUnexpectedEOF", err)
	}
}

// discardConn is a net.Conn that reads from a buffer and drops writes.
type discardConn struct {
	net.Conn
	r io.Reader
}

func (d discardConn) Read(p []byte) (int, error)  { return d.r.Read(p) }
func (d discardConn) Write(p []byte) (int, error) { return len(p), nil }
func (d discardConn) Close() error                { return nil }

// FuzzReadMessage: any bytes from a client end in messages and, at the latest at
// their end, an error; never a panic or a message the protocol does not allow.
func FuzzReadMessage(f *testing.F) {
	f.Add(rawFrame(true, 0, OpText, true, []byte("Hello")))
	f.Add(append(rawFrame(false, 0, OpText, true, []byte("Hel")), rawFrame(true, 0, OpContinuation, true, []byte("lo"))...))
	f.Add(append(rawFrame(true, 0, OpPing, true, []byte("p")), rawFrame(true, 0, OpClose, true, closeBody(1000, "bye"))...))
	f.Add(rawFrame(true, 0, OpBinary, true, make([]byte, 300)))
	f.Add(rawFrame(true, 0, OpText, true, []byte("\xed\xa0\x80")))
	f.Fuzz(func(t *testing.T, b []byte) {
		c := NewConn(discardConn{r: bytes.NewReader(b)}, nil, false, Options{MaxMessage: 1 << 16})
		for i := 0; i < len(b)+1; i++ {
			op, msg, err := c.ReadMessage()
			if err != nil {
				return
			}
			if op != OpText && op != OpBinary {
				t.Fatalf("message with %v", op)
			}
			if op == OpText && !validatePieces(msg) {
				t.Fatalf("text message that is not UTF-8: %q", msg)
			}
		}
		t.Fatal("more messages than bytes")
	})
}
