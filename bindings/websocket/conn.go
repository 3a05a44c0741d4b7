package websocket

import (
	"bufio"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"net"
	"sync"
	"sync/atomic"
)

// Options tune a Conn.
type Options struct {
	// MaxMessage is the largest message accepted from the peer, in bytes; a bigger
	// one fails the connection with close code 1009 (default DefaultMaxMessage).
	MaxMessage int64
	// FragmentSize is the largest data frame written; longer messages go out in
	// fragments, between which control frames may pass (default 1 MiB).
	FragmentSize int
	// OnPong, when set, sees the payload of each Pong frame (on the reading goroutine).
	OnPong func(payload []byte)
}

// DefaultMaxMessage is the default Options.MaxMessage: 32 MiB, as Workers allows.
const DefaultMaxMessage = 32 << 20

const defaultFragment = 1 << 20

func (o Options) withDefaults() Options {
	if o.MaxMessage <= 0 {
		o.MaxMessage = DefaultMaxMessage
	}
	if o.FragmentSize <= 0 {
		o.FragmentSize = defaultFragment
	}
	return o
}

// CloseError is the end of a connection by a Close frame from the peer: its code
// (1005 when it had none) and reason. ReadMessage returns it once the Close frame
// was answered.
type CloseError struct {
	Code   int
	Reason string
}

func (e *CloseError) Error() string {
	return fmt.Sprintf("websocket: closed by the peer with code %d %q", e.Code, e.Reason)
}

// ErrCloseSent is the error for writing a data or ping frame after the Close frame.
var ErrCloseSent = errors.New("websocket: the close frame was already sent")

// Conn is one end of an established WebSocket connection. One goroutine reads
// (ReadMessage); any number may write: frames are written whole, a fragmented
// message is not interleaved with another message, and control frames may pass
// between its fragments.
type Conn struct {
	nc     net.Conn
	br     *bufio.Reader
	client bool // masks what it sends; expects unmasked frames
	opts   Options

	// Read side (one goroutine).
	hbuf [MaxHeaderSize]byte
	utf8 utf8Validator

	msgMu     sync.Mutex // held for a whole data message
	wmu       sync.Mutex // held for one frame
	wbuf      []byte
	closeSent atomic.Bool
	closeRecv atomic.Bool
}

// NewConn makes a Conn over an established connection. br, when not nil, holds bytes
// already read from nc (what followed the handshake). client is true for the end
// that opened the connection: it masks its frames.
func NewConn(nc net.Conn, br *bufio.Reader, client bool, opts Options) *Conn {
	if br == nil {
		br = bufio.NewReaderSize(nc, 4096)
	}
	return &Conn{nc: nc, br: br, client: client, opts: opts.withDefaults()}
}

// NetConn is the underlying connection.
func (c *Conn) NetConn() net.Conn { return c.nc }

// Close closes the underlying connection at once (no Close frame: see WriteClose).
func (c *Conn) Close() error { return c.nc.Close() }

// CloseSent reports whether a Close frame was sent.
func (c *Conn) CloseSent() bool { return c.closeSent.Load() }

// ReadMessage returns the next data message: OpText (valid UTF-8) or OpBinary and
// its payload, which belongs to the caller. Pings are answered and pongs
// passed to Options.OnPong on the way. A Close frame is answered with one (unless a
// Close frame was sent already) and returned as a *CloseError. A violation of the
// protocol is answered with a Close frame with the matching code and returned as a
// *ProtocolError; either way the connection is then done and should be closed.
func (c *Conn) ReadMessage() (Opcode, []byte, error) {
	var op Opcode // the message being assembled, 0 until its first frame
	var msg []byte
	for {
		h, err := c.readHeader()
		if err != nil {
			return 0, nil, c.fail(err)
		}
		if h.Op.IsControl() {
			p := make([]byte, h.Length)
			if err := c.readPayload(h, p); err != nil {
				return 0, nil, err
			}
			if err := c.control(h.Op, p); err != nil {
				return 0, nil, err
			}
			continue
		}
		switch {
		case h.Op == OpContinuation && op == 0:
			return 0, nil, c.fail(protocolErr(CloseProtocolError, "continuation frame with no message to continue"))
		case h.Op != OpContinuation && op != 0:
			return 0, nil, c.fail(protocolErr(CloseProtocolError, "new %s message before the end of the %s message", h.Op, op))
		case h.Op != OpContinuation:
			op = h.Op
			c.utf8.reset()
		}
		if int64(len(msg))+h.Length > c.opts.MaxMessage {
			return 0, nil, c.fail(protocolErr(CloseTooBig, "message larger than %d bytes", c.opts.MaxMessage))
		}
		// Read in growing steps: a frame's declared length costs no memory until
		// its bytes arrive.
		pos := 0
		for rem := h.Length; rem > 0; {
			step := int64(len(msg))
			if step < readStep {
				step = readStep
			}
			if step > rem {
				step = rem
			}
			start := len(msg)
			msg = grow(msg, int(step))
			if _, err := io.ReadFull(c.br, msg[start:]); err != nil {
				return 0, nil, c.fail(noEOF(err))
			}
			if h.Masked {
				pos = MaskBytes(h.Mask, pos, msg[start:])
			}
			rem -= step
			if op == OpText && !c.utf8.write(msg[start:], h.Fin && rem == 0) {
				return 0, nil, c.fail(protocolErr(CloseInvalidPayload, "text message that is not UTF-8"))
			}
		}
		if op == OpText && h.Length == 0 && h.Fin && !c.utf8.write(nil, true) {
			return 0, nil, c.fail(protocolErr(CloseInvalidPayload, "text message that is not UTF-8"))
		}
		if h.Fin {
			if msg == nil {
				msg = []byte{}
			}
			return op, msg, nil
		}
	}
}

const readStep = 64 << 10

func grow(b []byte, n int) []byte {
	if cap(b)-len(b) >= n {
		return b[:len(b)+n]
	}
	nb := make([]byte, len(b)+n, len(b)+n+len(b)/2)
	copy(nb, b)
	return nb
}

func (c *Conn) readHeader() (Header, error) {
	b := c.hbuf[:2]
	if _, err := io.ReadFull(c.br, b); err != nil {
		return Header{}, err
	}
	n := HeaderSize(b[0], b[1])
	if _, err := io.ReadFull(c.br, c.hbuf[2:n]); err != nil {
		return Header{}, noEOF(err)
	}
	h, _, err := ParseHeader(c.hbuf[:n])
	if err != nil {
		return h, err
	}
	if h.Masked == c.client {
		if c.client {
			return h, protocolErr(CloseProtocolError, "masked frame from the server")
		}
		return h, protocolErr(CloseProtocolError, "unmasked frame from the client")
	}
	return h, nil
}

func (c *Conn) readPayload(h Header, p []byte) error {
	if _, err := io.ReadFull(c.br, p); err != nil {
		return c.fail(noEOF(err))
	}
	if h.Masked {
		MaskBytes(h.Mask, 0, p)
	}
	return nil
}

// noEOF turns an EOF inside a frame into ErrUnexpectedEOF.
func noEOF(err error) error {
	if err == io.EOF {
		return io.ErrUnexpectedEOF
	}
	return err
}

// control handles a control frame.
func (c *Conn) control(op Opcode, p []byte) error {
	switch op {
	case OpPing:
		if !c.closeSent.Load() {
			if err := c.WriteControl(OpPong, p); err != nil && err != ErrCloseSent {
				return err
			}
		}
	case OpPong:
		if c.opts.OnPong != nil {
			c.opts.OnPong(p)
		}
	case OpClose:
		code, reason, err := ParseClosePayload(p)
		if err != nil {
			return c.fail(err)
		}
		c.closeRecv.Store(true)
		// Answer with the same code (none for none), unless ours went out first.
		if err := c.WriteClose(code, ""); err != nil && err != ErrCloseSent {
			return err
		}
		return &CloseError{Code: code, Reason: reason}
	}
	return nil
}

// fail answers a protocol error with a Close frame carrying its code.
func (c *Conn) fail(err error) error {
	var pe *ProtocolError
	if errors.As(err, &pe) {
		c.WriteClose(pe.Code, "")
	}
	return err
}

// WriteMessage writes a data message (OpText or OpBinary), in fragments when it is
// longer than Options.FragmentSize. Text is sent as given: the caller ensures UTF-8.
func (c *Conn) WriteMessage(op Opcode, data []byte) error {
	if op != OpText && op != OpBinary {
		return fmt.Errorf("websocket: WriteMessage with %s", op)
	}
	c.msgMu.Lock()
	defer c.msgMu.Unlock()
	for first := true; ; first = false {
		n := len(data)
		if n > c.opts.FragmentSize {
			n = c.opts.FragmentSize
		}
		fop := OpContinuation
		if first {
			fop = op
		}
		if err := c.WriteFrame(n == len(data), fop, data[:n]); err != nil {
			return err
		}
		data = data[n:]
		if len(data) == 0 {
			return nil
		}
	}
}

// WriteControl writes a Ping or Pong frame (payload at most 125 bytes).
func (c *Conn) WriteControl(op Opcode, payload []byte) error {
	if op != OpPing && op != OpPong {
		return fmt.Errorf("websocket: WriteControl with %s", op)
	}
	if len(payload) > MaxControlPayload {
		return fmt.Errorf("websocket: %s payload of %d bytes (at most 125)", op, len(payload))
	}
	return c.WriteFrame(true, op, payload)
}

// WriteClose writes the Close frame, once: later calls return ErrCloseSent. Code
// 1005 (or <= 0) sends a Close frame with no code; the reason is cut to fit 123 bytes.
func (c *Conn) WriteClose(code int, reason string) error {
	if len(reason) > MaxControlPayload-2 {
		reason = reason[:MaxControlPayload-2]
	}
	p := AppendClosePayload(make([]byte, 0, MaxControlPayload), code, reason)
	c.wmu.Lock()
	defer c.wmu.Unlock()
	if c.closeSent.Swap(true) {
		return ErrCloseSent
	}
	return c.writeFrameLocked(true, OpClose, p)
}

// WriteFrame writes one frame as given (tests use it to send fragments and frames
// no well-behaved peer sends). It refuses every frame after the Close frame.
func (c *Conn) WriteFrame(fin bool, op Opcode, payload []byte) error {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	if c.closeSent.Load() {
		return ErrCloseSent
	}
	return c.writeFrameLocked(fin, op, payload)
}

// writeChunk bounds the copy a client makes to mask a large payload.
const writeChunk = 32 << 10

func (c *Conn) writeFrameLocked(fin bool, op Opcode, payload []byte) error {
	h := Header{Fin: fin, Op: op, Length: int64(len(payload)), Masked: c.client}
	if c.client {
		if _, err := rand.Read(h.Mask[:]); err != nil {
			return err
		}
	}
	b := AppendHeader(c.wbuf[:0], h)
	if !c.client {
		if len(payload) <= writeChunk {
			b = append(b, payload...)
			c.wbuf = b
			_, err := c.nc.Write(b)
			return err
		}
		c.wbuf = b
		bufs := net.Buffers{b, payload}
		_, err := bufs.WriteTo(c.nc)
		return err
	}
	pos := 0
	for {
		n := len(payload)
		if n > writeChunk {
			n = writeChunk
		}
		start := len(b)
		b = append(b, payload[:n]...)
		pos = MaskBytes(h.Mask, pos, b[start:])
		c.wbuf = b
		if _, err := c.nc.Write(b); err != nil {
			return err
		}
		payload = payload[n:]
		if len(payload) == 0 {
			return nil
		}
		b = c.wbuf[:0]
	}
}
