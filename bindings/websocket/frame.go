// Package websocket is the WebSocket protocol (RFC 6455) for edged and the Go half of
// the WebSocket API: frames, both ends' opening handshakes, a message-level Conn with
// the close handshake, and the ops that tie a connection to a WebSocket object in JS
// (37_websocket.js). No extension is negotiated (no permessage-deflate).
package websocket

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// Opcode is a frame's opcode (RFC 6455 §5.2).
type Opcode byte

const (
	OpContinuation Opcode = 0x0
	OpText         Opcode = 0x1
	OpBinary       Opcode = 0x2
	OpClose        Opcode = 0x8
	OpPing         Opcode = 0x9
	OpPong         Opcode = 0xA
)

// IsControl reports whether o is a control opcode (close, ping, pong and the
// reserved 0xB-0xF).
func (o Opcode) IsControl() bool { return o&0x8 != 0 }

func (o Opcode) String() string {
	switch o {
	case OpContinuation:
		return "continuation"
	case OpText:
		return "text"
	case OpBinary:
		return "binary"
	case OpClose:
		return "close"
	case OpPing:
		return "ping"
	case OpPong:
		return "pong"
	}
	return fmt.Sprintf("opcode %#x", byte(o))
}

// Close codes (RFC 6455 §7.4.1) that edged sends or reports.
const (
	CloseNormal          = 1000
	CloseGoingAway       = 1001
	CloseProtocolError   = 1002
	CloseUnsupportedData = 1003
	CloseNoStatus        = 1005 // reported, never sent: the Close frame had no code
	CloseAbnormal        = 1006 // reported, never sent: no Close frame at all
	CloseInvalidPayload  = 1007
	ClosePolicyViolation = 1008
	CloseTooBig          = 1009
	CloseInternalError   = 1011
)

// MaxControlPayload is the largest payload of a control frame.
const MaxControlPayload = 125

// MaxHeaderSize is the largest frame header: 2 bytes, 8 of extended length, 4 of mask.
const MaxHeaderSize = 14

// Header is a frame header.
type Header struct {
	Fin    bool
	Rsv    byte // RSV1, RSV2, RSV3 as bits 2, 1, 0; zero unless an extension says otherwise
	Op     Opcode
	Masked bool
	Mask   [4]byte
	Length int64 // payload length
}

// ErrShortHeader is ParseHeader's answer to a buffer that holds only the start of a
// header: read more and parse again.
var ErrShortHeader = errors.New("websocket: incomplete frame header")

// ProtocolError is a peer's violation of the protocol: the connection is failed and
// Code is what the Close frame sent back says (1002, 1007, 1009...).
type ProtocolError struct {
	Code int
	Msg  string
}

func (e *ProtocolError) Error() string { return "websocket: " + e.Msg }

func protocolErr(code int, format string, args ...any) *ProtocolError {
	return &ProtocolError{Code: code, Msg: fmt.Sprintf(format, args...)}
}

// HeaderSize returns how many bytes the header starting with the two bytes b0, b1
// takes.
func HeaderSize(b0, b1 byte) int {
	n := 2
	switch b1 & 0x7f {
	case 126:
		n += 2
	case 127:
		n += 8
	}
	if b1&0x80 != 0 {
		n += 4
	}
	return n
}

// ParseHeader decodes the frame header at the start of b and returns it with its
// size. It returns ErrShortHeader when b ends inside the header, and a
// *ProtocolError for a header no frame may have: reserved bits or opcodes, a
// fragmented or oversized control frame, a length with its top bit set or not in
// its shortest form. Whether the frame must be masked depends on the side reading
// it and is left to the caller.
func ParseHeader(b []byte) (Header, int, error) {
	if len(b) < 2 {
		return Header{}, 0, ErrShortHeader
	}
	h := Header{
		Fin:    b[0]&0x80 != 0,
		Rsv:    (b[0] >> 4) & 0x7,
		Op:     Opcode(b[0] & 0x0f),
		Masked: b[1]&0x80 != 0,
	}
	if h.Rsv != 0 {
		return h, 0, protocolErr(CloseProtocolError, "reserved bits %03b set with no extension negotiated", h.Rsv)
	}
	switch h.Op {
	case OpContinuation, OpText, OpBinary, OpClose, OpPing, OpPong:
	default:
		return h, 0, protocolErr(CloseProtocolError, "reserved %s", h.Op)
	}
	size := HeaderSize(b[0], b[1])
	if len(b) < size {
		return h, 0, ErrShortHeader
	}
	n := 2
	switch l := b[1] & 0x7f; l {
	case 126:
		h.Length = int64(binary.BigEndian.Uint16(b[2:]))
		n = 4
		if h.Length < 126 {
			return h, 0, protocolErr(CloseProtocolError, "frame length %d not in its shortest form", h.Length)
		}
	case 127:
		u := binary.BigEndian.Uint64(b[2:])
		n = 10
		if u>>63 != 0 {
			return h, 0, protocolErr(CloseProtocolError, "frame length has its most significant bit set")
		}
		if u <= 0xffff {
			return h, 0, protocolErr(CloseProtocolError, "frame length %d not in its shortest form", u)
		}
		h.Length = int64(u)
	default:
		h.Length = int64(l)
	}
	if h.Masked {
		copy(h.Mask[:], b[n:n+4])
		n += 4
	}
	if h.Op.IsControl() {
		if !h.Fin {
			return h, 0, protocolErr(CloseProtocolError, "fragmented %s frame", h.Op)
		}
		if h.Length > MaxControlPayload {
			return h, 0, protocolErr(CloseProtocolError, "%s frame with a %d-byte payload (at most 125)", h.Op, h.Length)
		}
	}
	return h, n, nil
}

// AppendHeader appends h's encoding to dst, its length in the shortest form.
func AppendHeader(dst []byte, h Header) []byte {
	b0 := byte(h.Op) & 0x0f
	if h.Fin {
		b0 |= 0x80
	}
	b0 |= (h.Rsv & 0x7) << 4
	var mask byte
	if h.Masked {
		mask = 0x80
	}
	switch {
	case h.Length < 126:
		dst = append(dst, b0, mask|byte(h.Length))
	case h.Length <= 0xffff:
		dst = append(dst, b0, mask|126)
		dst = binary.BigEndian.AppendUint16(dst, uint16(h.Length))
	default:
		dst = append(dst, b0, mask|127)
		dst = binary.BigEndian.AppendUint64(dst, uint64(h.Length))
	}
	if h.Masked {
		dst = append(dst, h.Mask[:]...)
	}
	return dst
}

// MaskBytes XORs b in place with key, starting at key position pos (the count of
// payload bytes already masked, mod 4), and returns the position after b. Masking
// and unmasking are the same operation.
func MaskBytes(key [4]byte, pos int, b []byte) int {
	pos &= 3
	if len(b) >= 16 {
		// Eight bytes at a time: the key rotated to pos, twice. A step of eight
		// keeps the position modulo 4.
		var kb [8]byte
		for i := range kb {
			kb[i] = key[(pos+i)&3]
		}
		k := binary.LittleEndian.Uint64(kb[:])
		for len(b) >= 8 {
			binary.LittleEndian.PutUint64(b, binary.LittleEndian.Uint64(b)^k)
			b = b[8:]
		}
	}
	for i := range b {
		b[i] ^= key[(pos+i)&3]
	}
	return (pos + len(b)) & 3
}

// validCloseCode reports whether a peer may send code in a Close frame: the codes
// RFC 6455 and the IANA registry define for use on the wire (1000-1003, 1007-1014),
// and the ranges for libraries and applications (3000-4999).
func validCloseCode(code int) bool {
	switch {
	case code >= 1000 && code <= 1003, code >= 1007 && code <= 1014:
		return true
	case code >= 3000 && code <= 4999:
		return true
	}
	return false
}

// ParseClosePayload decodes a Close frame's payload: no code (1005) when empty,
// else a two-byte code and a UTF-8 reason.
func ParseClosePayload(p []byte) (code int, reason string, err error) {
	switch {
	case len(p) == 0:
		return CloseNoStatus, "", nil
	case len(p) == 1:
		return 0, "", protocolErr(CloseProtocolError, "close frame with a 1-byte payload")
	}
	code = int(binary.BigEndian.Uint16(p))
	if !validCloseCode(code) {
		return 0, "", protocolErr(CloseProtocolError, "close frame with code %d, which may not be sent", code)
	}
	var v utf8Validator
	if !v.write(p[2:], true) {
		return 0, "", protocolErr(CloseInvalidPayload, "close frame whose reason is not UTF-8")
	}
	return code, string(p[2:]), nil
}

// AppendClosePayload appends a Close frame's payload: nothing for code 1005 (or a
// code <= 0), else the code and the reason.
func AppendClosePayload(dst []byte, code int, reason string) []byte {
	if code <= 0 || code == CloseNoStatus {
		return dst
	}
	dst = binary.BigEndian.AppendUint16(dst, uint16(code))
	return append(dst, reason...)
}
