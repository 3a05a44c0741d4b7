package websocket

import "unicode/utf8"

// utf8Validator checks a text message that arrives in pieces (fragments, or reads of
// one frame), failing as soon as the bytes so far cannot begin valid UTF-8 rather
// than at the end of the message (RFC 6455 §8.1).
type utf8Validator struct {
	tail [3]byte // the start of a sequence the last piece ended inside
	n    int
}

// reset forgets any partial sequence (a new message).
func (v *utf8Validator) reset() { v.n = 0 }

// write reports whether the message so far, followed by b, is still a valid UTF-8
// prefix; with final it must also be complete.
func (v *utf8Validator) write(b []byte, final bool) bool {
	if v.n > 0 {
		// Finish the sequence the previous piece ended inside.
		need := seqLen(v.tail[0]) - v.n
		var buf [4]byte
		copy(buf[:], v.tail[:v.n])
		k := need
		if len(b) < k {
			k = len(b)
		}
		copy(buf[v.n:], b[:k])
		if v.n+k < seqLen(v.tail[0]) {
			if !validPrefix(buf[:v.n+k]) {
				return false
			}
			copy(v.tail[:], buf[:v.n+k])
			v.n += k
			return !final
		}
		if !utf8.FullRune(buf[:v.n+k]) || !utf8.Valid(buf[:v.n+k]) {
			return false
		}
		v.n = 0
		b = b[k:]
	}
	// b's last up to three bytes may be the start of a sequence the next piece ends.
	cut := len(b)
	for i := len(b) - 1; i >= 0 && i >= len(b)-3; i-- {
		c := b[i]
		if c < 0x80 {
			break
		}
		if c >= 0xc0 { // a lead byte: is its sequence complete within b?
			if i+seqLen(c) > len(b) {
				cut = i
			}
			break
		}
	}
	if !utf8.Valid(b[:cut]) {
		return false
	}
	if cut < len(b) {
		if final || !validPrefix(b[cut:]) {
			return false
		}
		v.n = copy(v.tail[:], b[cut:])
	}
	return true
}

// seqLen is the length of the sequence a lead byte starts (1 for bytes that cannot
// lead one: utf8.Valid rejects those).
func seqLen(c byte) int {
	switch {
	case c >= 0xc2 && c <= 0xdf:
		return 2
	case c >= 0xe0 && c <= 0xef:
		return 3
	case c >= 0xf0 && c <= 0xf4:
		return 4
	}
	return 1
}

// validPrefix reports whether p, shorter than the sequence its lead byte starts,
// can still become a valid scalar value (no overlong forms, surrogates or values
// past U+10FFFF).
func validPrefix(p []byte) bool {
	if len(p) == 0 || len(p) >= seqLen(p[0]) {
		return false
	}
	if len(p) >= 2 {
		lo, hi := byte(0x80), byte(0xbf)
		switch p[0] {
		case 0xe0:
			lo = 0xa0
		case 0xed:
			hi = 0x9f
		case 0xf0:
			lo = 0x90
		case 0xf4:
			hi = 0x8f
		}
		if p[1] < lo || p[1] > hi {
			return false
		}
	}
	if len(p) == 3 && (p[2] < 0x80 || p[2] > 0xbf) {
		return false
	}
	return true
}
