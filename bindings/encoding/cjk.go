// Package encoding holds the Go half of the Encoding Standard's TextDecoder: the legacy
// multi-byte decoders (gb18030 and GBK, Big5, EUC-JP, ISO-2022-JP, Shift_JIS, EUC-KR),
// whose indexes are too large for the startup snapshot. The rest of the standard is in
// 20_encoding.js.
package encoding

import (
	"errors"
	"unicode/utf8"
)

// Decoders keep no Go state between calls. What the standard's decoders keep — the
// bytes of an incomplete sequence, and ISO-2022-JP's mode — is a State the caller holds
// and passes back: every decoder here only remembers the bytes it consumed since it last
// produced something (gb18030 first/second/third, the Big5, EUC-JP, Shift_JIS and EUC-KR
// leading bytes, EUC-JP's jis0212 flag), and decoding those bytes again from the start
// gets it back to the same place. ISO-2022-JP also has its output state and output flag:
// its decoder state is its output state whenever no bytes are pending (escape start,
// escape and trailing byte are the states that hold bytes).

// State is a decoder's state between two calls of a stream: Pending[:N] are the bytes
// of an incomplete sequence (at most 3, gb18030's four-byte sequences), Mode and Output
// are ISO-2022-JP's output state and output flag.
type State struct {
	N       uint8
	Pending [3]byte
	Mode    uint8 // isoASCII, isoRoman, isoKatakana, isoLeadByte
	Output  bool
}

// StateSize is the length of a State's byte form: N, the three pending bytes, and the
// ISO-2022-JP mode with the output flag in bit 2.
const StateSize = 5

// Marshal writes s into b (StateSize bytes).
func (s State) Marshal(b []byte) {
	_ = b[StateSize-1]
	b[0] = s.N
	copy(b[1:4], s.Pending[:])
	b[4] = s.Mode
	if s.Output {
		b[4] |= 4
	}
}

// UnmarshalState reads a State from b; short or malformed input reads as the initial
// state (the caller only ever passes back what Marshal wrote).
func UnmarshalState(b []byte) State {
	if len(b) < StateSize || b[0] > 3 || b[4]&3 > isoLeadByte || b[4] > 7 {
		return State{}
	}
	s := State{N: b[0], Mode: b[4] & 3, Output: b[4]&4 != 0}
	copy(s.Pending[:], b[1:4])
	return s
}

// ErrInvalid is the decode error a fatal decoder stops at.
var ErrInvalid = errors.New("the encoded data was not valid")

// decoder is one encoding's handler, run as a lookahead from in[i]: it reads the bytes
// the standard's handler would take until it returns a code point or an error, and
// returns r0 (and r1 when ≥ 0: Big5's pairs; r0 < 0 with !bad: nothing, ISO-2022-JP's
// escape sequences), bad for an error, and n, how many bytes it consumed — the bytes the
// standard restores to the I/O queue are not counted, so they are read again. more: the
// input ends inside a sequence and more is needed (never when eof, where the handler
// meets end-of-queue instead). st carries ISO-2022-JP's mode and output flag.
type decoder func(in []byte, i int, eof bool, st *State) (r0, r1 rune, n int, bad, more bool)

var decoders = map[string]decoder{
	"gbk":         gb18030Step, // GBK's decoder is gb18030's
	"gb18030":     gb18030Step,
	"big5":        big5Step,
	"euc-jp":      eucJPStep,
	"iso-2022-jp": iso2022JPStep,
	"shift_jis":   shiftJISStep,
	"euc-kr":      eucKRStep,
}

// Supported reports whether Decode knows encoding (a name of the standard, lower case).
func Supported(encoding string) bool { return decoders[encoding] != nil }

// Decode decodes in, after the bytes and mode st holds, as encoding, appending UTF-8 to
// out. flush ends the stream (the standard's end-of-queue); otherwise an incomplete
// sequence at the end is kept in the returned state. A fatal decoder returns ErrInvalid
// at the first error; otherwise an error is U+FFFD.
func Decode(encoding string, st State, in []byte, flush, fatal bool, out []byte) ([]byte, State, error) {
	step := decoders[encoding]
	if step == nil {
		return out, State{}, errors.New("unknown encoding " + encoding)
	}
	if st.N > 0 {
		buf := make([]byte, 0, int(st.N)+len(in))
		in = append(append(buf, st.Pending[:st.N]...), in...)
		st.N = 0
	}
	iso := encoding == "iso-2022-jp"
	for i := 0; i < len(in); {
		// ASCII runs, outside ISO-2022-JP (whose ASCII bytes depend on the mode).
		if !iso && in[i] < 0x80 {
			j := i + 1
			for j < len(in) && in[j] < 0x80 {
				j++
			}
			out = append(out, in[i:j]...)
			i = j
			continue
		}
		r0, r1, n, bad, more := step(in, i, flush, &st)
		if more {
			st.N = uint8(copy(st.Pending[:], in[i:]))
			break
		}
		i += n
		if bad {
			if fatal {
				return out, State{}, ErrInvalid
			}
			out = append(out, "\uFFFD"...)
			continue
		}
		if r0 >= 0 {
			out = utf8.AppendRune(out, r0)
		}
		if r1 >= 0 {
			out = utf8.AppendRune(out, r1)
		}
	}
	if flush {
		st = State{}
	}
	return out, st, nil
}

func emit(r rune, n int) (rune, rune, int, bool, bool) { return r, -1, n, false, false }
func fail(n int) (rune, rune, int, bool, bool)         { return -1, -1, n, true, false }
func pending() (rune, rune, int, bool, bool)           { return -1, -1, 0, false, true }
func isASCII(b byte) bool                              { return b < 0x80 }
func inRange(b byte, lo, hi byte) bool                 { return lo <= b && b <= hi }

// lookup16 is the index code point for pointer in t, or -1 for null.
func lookup16(t []uint16, pointer int) rune {
	if pointer < len(t) && t[pointer] != 0 {
		return rune(t[pointer])
	}
	return -1
}

// incomplete is the answer when a sequence from in[i:] needs more bytes than there are:
// wait for them, or — at the end of the stream — an error that consumes them all (the
// decoders with a leading byte, and gb18030, reset at end-of-queue and return error).
func incomplete(in []byte, i int, eof bool) (rune, rune, int, bool, bool) {
	if !eof {
		return pending()
	}
	return fail(len(in) - i)
}

// trailError is the end of a two-byte sequence with no code point: the trailing byte is
// restored when it is an ASCII byte.
func trailError(trail byte) (rune, rune, int, bool, bool) {
	if isASCII(trail) {
		return fail(1)
	}
	return fail(2)
}

// gb18030 decoder (and GBK's).
func gb18030Step(in []byte, i int, eof bool, _ *State) (rune, rune, int, bool, bool) {
	b := in[i]
	switch {
	case isASCII(b):
		return emit(rune(b), 1)
	case b == 0x80:
		return emit(0x20ac, 1)
	case b == 0xff:
		return fail(1)
	}
	if i+1 >= len(in) {
		return incomplete(in, i, eof)
	}
	b1 := in[i+1]
	if inRange(b1, 0x30, 0x39) {
		if i+2 >= len(in) {
			return incomplete(in, i, eof)
		}
		b2 := in[i+2]
		if !inRange(b2, 0x81, 0xfe) {
			return fail(1) // restore second, byte
		}
		if i+3 >= len(in) {
			return incomplete(in, i, eof)
		}
		b3 := in[i+3]
		if !inRange(b3, 0x30, 0x39) {
			return fail(1) // restore second, third, byte
		}
		pointer := (int(b)-0x81)*(10*126*10) + (int(b1)-0x30)*(10*126) + (int(b2)-0x81)*10 + int(b3) - 0x30
		if cp := gb18030RangesCodePoint(pointer); cp >= 0 {
			return emit(cp, 4)
		}
		return fail(4)
	}
	if inRange(b1, 0x40, 0x7e) || inRange(b1, 0x80, 0xfe) {
		offset := 0x40
		if b1 >= 0x7f {
			offset = 0x41
		}
		pointer := (int(b)-0x81)*190 + int(b1) - offset
		if cp := lookup16(indexGB18030.get(), pointer); cp >= 0 {
			return emit(cp, 2)
		}
	}
	return trailError(b1)
}

// Big5 decoder.
func big5Step(in []byte, i int, eof bool, _ *State) (rune, rune, int, bool, bool) {
	b := in[i]
	if isASCII(b) {
		return emit(rune(b), 1)
	}
	if !inRange(b, 0x81, 0xfe) {
		return fail(1)
	}
	if i+1 >= len(in) {
		return incomplete(in, i, eof)
	}
	b1 := in[i+1]
	if inRange(b1, 0x40, 0x7e) || inRange(b1, 0xa1, 0xfe) {
		offset := 0x40
		if b1 >= 0x7f {
			offset = 0x62
		}
		pointer := (int(b)-0x81)*157 + int(b1) - offset
		switch pointer {
		case 1133:
			return 0x00ca, 0x0304, 2, false, false
		case 1135:
			return 0x00ca, 0x030c, 2, false, false
		case 1164:
			return 0x00ea, 0x0304, 2, false, false
		case 1166:
			return 0x00ea, 0x030c, 2, false, false
		}
		if t := indexBig5(); t[pointer] != 0 {
			return emit(t[pointer], 2)
		}
	}
	return trailError(b1)
}

// EUC-JP decoder.
func eucJPStep(in []byte, i int, eof bool, _ *State) (rune, rune, int, bool, bool) {
	b := in[i]
	if isASCII(b) {
		return emit(rune(b), 1)
	}
	if b != 0x8e && b != 0x8f && !inRange(b, 0xa1, 0xfe) {
		return fail(1)
	}
	if i+1 >= len(in) {
		return incomplete(in, i, eof)
	}
	b1 := in[i+1]
	switch {
	case b == 0x8e && inRange(b1, 0xa1, 0xdf):
		return emit(0xff61-0xa1+rune(b1), 2)
	case b == 0x8f && inRange(b1, 0xa1, 0xfe):
		// jis0212: b1 becomes the leading byte.
		if i+2 >= len(in) {
			return incomplete(in, i, eof)
		}
		b2 := in[i+2]
		if inRange(b2, 0xa1, 0xfe) {
			if cp := lookup16(indexJIS0212.get(), (int(b1)-0xa1)*94+int(b2)-0xa1); cp >= 0 {
				return emit(cp, 3)
			}
		}
		if isASCII(b2) {
			return fail(2)
		}
		return fail(3)
	case inRange(b, 0xa1, 0xfe) && inRange(b1, 0xa1, 0xfe):
		if cp := lookup16(indexJIS0208.get(), (int(b)-0xa1)*94+int(b1)-0xa1); cp >= 0 {
			return emit(cp, 2)
		}
	}
	return trailError(b1)
}

// Shift_JIS decoder.
func shiftJISStep(in []byte, i int, eof bool, _ *State) (rune, rune, int, bool, bool) {
	b := in[i]
	switch {
	case b <= 0x80:
		return emit(rune(b), 1)
	case inRange(b, 0xa1, 0xdf):
		return emit(0xff61-0xa1+rune(b), 1)
	case !inRange(b, 0x81, 0x9f) && !inRange(b, 0xe0, 0xfc):
		return fail(1)
	}
	if i+1 >= len(in) {
		return incomplete(in, i, eof)
	}
	b1 := in[i+1]
	if inRange(b1, 0x40, 0x7e) || inRange(b1, 0x80, 0xfc) {
		offset, leadingOffset := 0x40, 0x81
		if b1 >= 0x7f {
			offset = 0x41
		}
		if b >= 0xa0 {
			leadingOffset = 0xc1
		}
		pointer := (int(b)-leadingOffset)*188 + int(b1) - offset
		if pointer >= 8836 && pointer <= 10715 {
			return emit(0xe000-8836+rune(pointer), 2) // EUDC
		}
		if cp := lookup16(indexJIS0208.get(), pointer); cp >= 0 {
			return emit(cp, 2)
		}
	}
	return trailError(b1)
}

// EUC-KR decoder.
func eucKRStep(in []byte, i int, eof bool, _ *State) (rune, rune, int, bool, bool) {
	b := in[i]
	if isASCII(b) {
		return emit(rune(b), 1)
	}
	if !inRange(b, 0x81, 0xfe) {
		return fail(1)
	}
	if i+1 >= len(in) {
		return incomplete(in, i, eof)
	}
	b1 := in[i+1]
	if inRange(b1, 0x41, 0xfe) {
		if cp := lookup16(indexEUCKR.get(), (int(b)-0x81)*190+int(b1)-0x41); cp >= 0 {
			return emit(cp, 2)
		}
	}
	return trailError(b1)
}

// ISO-2022-JP decoder states that are also output states.
const (
	isoASCII = iota
	isoRoman
	isoKatakana
	isoLeadByte
)

// ISO-2022-JP decoder. st.Mode is both the decoder state and the output state here:
// they differ only while bytes are pending (escape start, escape, trailing byte), and
// those states are the lookahead below.
func iso2022JPStep(in []byte, i int, eof bool, st *State) (rune, rune, int, bool, bool) {
	b := in[i]
	if b == 0x1b {
		// Escape start.
		if i+1 >= len(in) {
			if !eof {
				return pending()
			}
			st.Output = false
			return fail(1)
		}
		lead := in[i+1]
		if lead != 0x24 && lead != 0x28 {
			st.Output = false
			return fail(1) // restore byte
		}
		// Escape.
		if i+2 >= len(in) {
			if !eof {
				return pending()
			}
			st.Output = false
			return fail(1) // restore leading
		}
		mode := -1
		switch b2 := in[i+2]; {
		case lead == 0x28 && b2 == 0x42:
			mode = isoASCII
		case lead == 0x28 && b2 == 0x4a:
			mode = isoRoman
		case lead == 0x28 && b2 == 0x49:
			mode = isoKatakana
		case lead == 0x24 && (b2 == 0x40 || b2 == 0x42):
			mode = isoLeadByte
		}
		if mode < 0 {
			st.Output = false
			return fail(1) // restore leading, byte
		}
		st.Mode = uint8(mode)
		output := st.Output
		st.Output = true
		if output {
			return fail(3)
		}
		return -1, -1, 3, false, false // continue
	}
	switch st.Mode {
	case isoASCII:
		if isASCII(b) && b != 0x0e && b != 0x0f {
			st.Output = false
			return emit(rune(b), 1)
		}
	case isoRoman:
		if isASCII(b) && b != 0x0e && b != 0x0f {
			st.Output = false
			switch b {
			case 0x5c:
				return emit(0xa5, 1)
			case 0x7e:
				return emit(0x203e, 1)
			}
			return emit(rune(b), 1)
		}
	case isoKatakana:
		if inRange(b, 0x21, 0x5f) {
			st.Output = false
			return emit(0xff61-0x21+rune(b), 1)
		}
	case isoLeadByte:
		if inRange(b, 0x21, 0x7e) {
			// Trailing byte.
			if i+1 >= len(in) {
				if !eof {
					return pending()
				}
				st.Output = false
				return fail(1)
			}
			st.Output = false
			b1 := in[i+1]
			switch {
			case b1 == 0x1b:
				return fail(1) // the escape is read next, from escape start
			case inRange(b1, 0x21, 0x7e):
				if cp := lookup16(indexJIS0208.get(), (int(b)-0x21)*94+int(b1)-0x21); cp >= 0 {
					return emit(cp, 2)
				}
			}
			return fail(2)
		}
	}
	st.Output = false
	return fail(1)
}
