package websocket

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"unicode/utf8"
)

func hexBytes(s string) []byte {
	s = strings.ReplaceAll(s, " ", "")
	b := make([]byte, len(s)/2)
	for i := range b {
		var v byte
		for _, c := range s[2*i : 2*i+2] {
			v <<= 4
			switch {
			case c >= '0' && c <= '9':
				v |= byte(c - '0')
			case c >= 'a' && c <= 'f':
				v |= byte(c - 'a' + 10)
			}
		}
		b[i] = v
	}
	return b
}

// The example frames of RFC 6455 §5.7.
func TestParseHeaderRFCExamples(t *testing.T) {
	for _, tc := range []struct {
		name    string
		frame   string
		want    Header
		payload string
	}{
		{"unmasked text", "81 05 48656c6c6f", Header{Fin: true, Op: OpText, Length: 5}, "Hello"},
		{"masked text", "81 85 37fa213d 7f9f4d5158", Header{Fin: true, Op: OpText, Masked: true, Mask: [4]byte{0x37, 0xfa, 0x21, 0x3d}, Length: 5}, "Hello"},
		{"first fragment", "01 03 48656c", Header{Op: OpText, Length: 3}, "Hel"},
		{"last fragment", "80 02 6c6f", Header{Fin: true, Op: OpContinuation, Length: 2}, "lo"},
		{"unmasked ping", "89 05 48656c6c6f", Header{Fin: true, Op: OpPing, Length: 5}, "Hello"},
		{"masked pong", "8a 85 37fa213d 7f9f4d5158", Header{Fin: true, Op: OpPong, Masked: true, Mask: [4]byte{0x37, 0xfa, 0x21, 0x3d}, Length: 5}, "Hello"},
		{"256 bytes", "82 7e 0100", Header{Fin: true, Op: OpBinary, Length: 256}, ""},
		{"64 KiB", "82 7f 0000000000010000", Header{Fin: true, Op: OpBinary, Length: 65536}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := hexBytes(tc.frame)
			h, n, err := ParseHeader(b)
			if err != nil {
				t.Fatal(err)
			}
			if h != tc.want {
				t.Errorf("got %+v, want %+v", h, tc.want)
			}
			if enc := AppendHeader(nil, h); !bytes.Equal(enc, b[:n]) {
				t.Errorf("AppendHeader gave % x, want % x", enc, b[:n])
			}
			if tc.payload != "" {
				p := append([]byte(nil), b[n:]...)
				if h.Masked {
					MaskBytes(h.Mask, 0, p)
				}
				if string(p) != tc.payload {
					t.Errorf("got payload %q, want %q", p, tc.payload)
				}
			}
			// Every strict prefix of the header is short, never an error or a header.
			for i := 0; i < n; i++ {
				if _, _, err := ParseHeader(b[:i]); err != ErrShortHeader {
					t.Errorf("prefix of %d bytes: got %v, want ErrShortHeader", i, err)
				}
			}
		})
	}
}

func TestParseHeaderErrors(t *testing.T) {
	for _, tc := range []struct {
		name, frame, want string
	}{
		{"rsv1", "c1 00", "reserved bits 100"},
		{"rsv3", "91 00", "reserved bits 001"},
		{"opcode 3", "83 00", "reserved opcode 0x3"},
		{"opcode 0xb", "8b 00", "reserved opcode 0xb"},
		{"fragmented ping", "09 00", "fragmented ping frame"},
		{"big close", "88 7e 007e", "close frame with a 126-byte payload"},
		{"16-bit length below 126", "82 7e 007d", "not in its shortest form"},
		{"64-bit length below 65536", "82 7f 000000000000ffff", "not in its shortest form"},
		{"64-bit length msb", "82 7f 8000000000000000", "most significant bit"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := ParseHeader(hexBytes(tc.frame))
			var pe *ProtocolError
			if !errors.As(err, &pe) || pe.Code != CloseProtocolError || !strings.Contains(pe.Msg, tc.want) {
				t.Errorf("got %v, want a 1002 protocol error about %q", err, tc.want)
			}
		})
	}
}

func TestAppendHeaderLengths(t *testing.T) {
	for _, n := range []int64{0, 1, 125, 126, 127, 65535, 65536, 1 << 40} {
		for _, masked := range []bool{false, true} {
			h := Header{Fin: true, Op: OpBinary, Length: n, Masked: masked}
			if masked {
				h.Mask = [4]byte{1, 2, 3, 4}
			}
			b := AppendHeader(nil, h)
			if len(b) != HeaderSize(b[0], b[1]) {
				t.Errorf("length %d: header of %d bytes, HeaderSize says %d", n, len(b), HeaderSize(b[0], b[1]))
			}
			got, m, err := ParseHeader(b)
			if err != nil || m != len(b) || got != h {
				t.Errorf("length %d masked %v: got %+v, %d, %v", n, masked, got, m, err)
			}
		}
	}
}

func TestMaskBytes(t *testing.T) {
	key := [4]byte{0xde, 0xad, 0xbe, 0xef}
	for n := 0; n < 70; n++ {
		for start := 0; start < 4; start++ {
			src := make([]byte, n)
			for i := range src {
				src[i] = byte(i * 7)
			}
			want := append([]byte(nil), src...)
			for i := range want {
				want[i] ^= key[(start+i)%4]
			}
			got := append([]byte(nil), src...)
			// In two pieces, to check the position carried between them.
			cut := n / 3
			pos := MaskBytes(key, start, got[:cut])
			if end := MaskBytes(key, pos, got[cut:]); end != (start+n)%4 {
				t.Fatalf("n %d start %d: end position %d, want %d", n, start, end, (start+n)%4)
			}
			if !bytes.Equal(got, want) {
				t.Fatalf("n %d start %d: got % x, want % x", n, start, got, want)
			}
		}
	}
}

func TestClosePayload(t *testing.T) {
	for _, tc := range []struct {
		payload    string
		code       int
		reason     string
		wantCode   int // of the protocol error, 0 for none
		wantReason string
	}{
		{"", CloseNoStatus, "", 0, ""},
		{"03e8", 1000, "", 0, ""},
		{"03e8 627965", 1000, "bye", 0, ""},
		{"0fa1", 4001, "", 0, ""},
		{"03f3", 1011, "", 0, ""},
		{"03f6", 1014, "", 0, ""},
		{"03", 0, "", CloseProtocolError, ""},
		{"03ed", 0, "", CloseProtocolError, ""}, // 1005 may not be sent
		{"03ee", 0, "", CloseProtocolError, ""}, // 1006 neither
		{"03ec", 0, "", CloseProtocolError, ""}, // 1004 is reserved
		{"03f7", 0, "", CloseProtocolError, ""}, // 1015 may not be sent
		{"07d0", 0, "", CloseProtocolError, ""}, // 2000: reserved range
		{"1388", 0, "", CloseProtocolError, ""}, // 5000
		{"0000", 0, "", CloseProtocolError, ""}, // 0
		{"03e8 ff", 0, "", CloseInvalidPayload, ""},
	} {
		code, reason, err := ParseClosePayload(hexBytes(tc.payload))
		if tc.wantCode != 0 {
			var pe *ProtocolError
			if !errors.As(err, &pe) || pe.Code != tc.wantCode {
				t.Errorf("%s: got %v, want a protocol error with code %d", tc.payload, err, tc.wantCode)
			}
			continue
		}
		if err != nil || code != tc.code || reason != tc.reason {
			t.Errorf("%s: got %d %q %v, want %d %q", tc.payload, code, reason, err, tc.code, tc.reason)
		}
		if enc := AppendClosePayload(nil, code, reason); !bytes.Equal(enc, hexBytes(tc.payload)) {
			t.Errorf("%s: AppendClosePayload gave % x", tc.payload, enc)
		}
	}
}

func TestAcceptKey(t *testing.T) {
	// RFC 6455 §1.3.
	if got := AcceptKey("dGhlIHNhbXBsZSBub25jZQ=="); got != "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=" {
		t.Errorf("got %q", got)
	}
}

// validatePieces feeds s to a validator cut at the given points.
func validatePieces(s []byte, cuts ...int) bool {
	var v utf8Validator
	prev := 0
	for _, c := range cuts {
		if !v.write(s[prev:c], false) {
			return false
		}
		prev = c
	}
	return v.write(s[prev:], true)
}

func TestUTF8Validator(t *testing.T) {
	valid := []string{"", "hello", "κόσμε", "€", "𝄞 music", "\u0080\u07ff\u0800\uffff\U00010000\U0010ffff", "a\u00e9b\u4e2dc\U0001f600d"}
	invalid := []string{
		"\xff", "\xc0\x80", "\xc1\xbf", "\xe0\x80\x80", "\xed\xa0\x80", "\xf0\x80\x80\x80",
		"\xf4\x90\x80\x80", "\xf5\x80\x80\x80", "\x80", "abc\xce", "\xce\xba\xe1\xbd\xb9\xcf\x83\xce\xbc\xce\xb5\xed\xa0\x80edited",
		"\xe2\x82", "\xf0\x9f\x98",
	}
	for _, s := range valid {
		b := []byte(s)
		for i := 0; i <= len(b); i++ {
			for j := i; j <= len(b); j++ {
				if !validatePieces(b, i, j) {
					t.Errorf("%q cut at %d, %d: reported invalid", s, i, j)
				}
			}
		}
	}
	for _, s := range invalid {
		b := []byte(s)
		for i := 0; i <= len(b); i++ {
			if validatePieces(b, i) {
				t.Errorf("%q cut at %d: reported valid", s, i)
			}
		}
	}
}

// A message must fail as soon as its bytes cannot start valid UTF-8, before its
// last fragment.
func TestUTF8ValidatorFailsFast(t *testing.T) {
	for _, prefix := range []string{"ok\xed\xa0", "\xe0\x9f", "\xf4\x90", "\xf0\x8f", "x\xc0", "\xf8"} {
		var v utf8Validator
		if v.write([]byte(prefix), false) {
			t.Errorf("%q: accepted as the start of a message", prefix)
		}
	}
	var v utf8Validator
	if !v.write([]byte("ok\xe2\x82"), false) || !v.write([]byte("\xac!"), true) {
		t.Error("a sequence split across pieces was refused")
	}
}

func FuzzUTF8Validator(f *testing.F) {
	f.Add([]byte("κόσμε"), uint8(3))
	f.Add([]byte("\xed\xa0\x80"), uint8(1))
	f.Add([]byte("\xf0\x9f\x98\x80"), uint8(2))
	f.Fuzz(func(t *testing.T, b []byte, cut uint8) {
		c := int(cut)
		if c > len(b) {
			c = len(b)
		}
		if got, want := validatePieces(b, c), utf8.Valid(b); got != want {
			t.Errorf("%q cut at %d: validator says %v, utf8.Valid %v", b, c, got, want)
		}
	})
}

// FuzzParseHeader: no input panics; a parsed header re-encodes to the same bytes.
func FuzzParseHeader(f *testing.F) {
	for _, s := range []string{"8105", "8185 37fa213d", "827e0100", "827f0000000000010000", "c100", "0900", "88fe007e", "82ff8000000000000000 01020304"} {
		f.Add(hexBytes(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		h, n, err := ParseHeader(b)
		if err != nil {
			var pe *ProtocolError
			if err != ErrShortHeader && !errors.As(err, &pe) {
				t.Fatalf("unexpected error type %T: %v", err, err)
			}
			return
		}
		if n != HeaderSize(b[0], b[1]) || n > len(b) {
			t.Fatalf("size %d, HeaderSize %d, input %d", n, HeaderSize(b[0], b[1]), len(b))
		}
		if enc := AppendHeader(nil, h); !bytes.Equal(enc, b[:n]) {
			t.Fatalf("re-encoded % x, parsed from % x", enc, b[:n])
		}
		if h.Length < 0 || (h.Op.IsControl() && (h.Length > MaxControlPayload || !h.Fin)) {
			t.Fatalf("accepted an invalid header %+v", h)
		}
	})
}
