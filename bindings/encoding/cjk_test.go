package encoding

import (
	"errors"
	"math/rand"
	"strings"
	"testing"
	"unicode/utf8"

	xenc "golang.org/x/text/encoding"
	"golang.org/x/text/encoding/japanese"
	"golang.org/x/text/encoding/korean"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/traditionalchinese"
)

var allEncodings = []string{"gbk", "gb18030", "big5", "euc-jp", "iso-2022-jp", "shift_jis", "euc-kr"}

// decodeAll decodes in one call, flushing; "error" when fatal and it failed.
func decodeAll(t *testing.T, enc string, in []byte, fatal bool) string {
	t.Helper()
	out, st, err := Decode(enc, State{}, in, true, fatal, nil)
	if errors.Is(err, ErrInvalid) {
		return "error"
	}
	if err != nil {
		t.Fatalf("%s % x: %v", enc, in, err)
	}
	if st != (State{}) {
		t.Errorf("%s % x: state %+v after the flush", enc, in, st)
	}
	if !utf8.Valid(out) {
		t.Errorf("%s % x: invalid UTF-8 out", enc, in)
	}
	return string(out)
}

// decodeChunks decodes in split at the given offsets, streaming, then flushes.
func decodeChunks(t *testing.T, enc string, in []byte, cuts []int, fatal bool) string {
	t.Helper()
	var out []byte
	var st State
	var err error
	prev := 0
	for _, c := range append(cuts, len(in)) {
		out, st, err = Decode(enc, st, in[prev:c], false, fatal, out)
		if err != nil {
			return "error"
		}
		var b [StateSize]byte // through the byte form, as the op does
		st.Marshal(b[:])
		st = UnmarshalState(b[:])
		prev = c
	}
	out, _, err = Decode(enc, st, nil, true, fatal, out)
	if err != nil {
		return "error"
	}
	return string(out)
}

type decodeCase struct {
	in   []byte
	want string // with replacement; the fatal decoder fails exactly when it has U+FFFD
}

func b(x ...byte) []byte { return x }

// The decoders' cases: the WPT ones (gb18030-decoder, iso-2022-jp-decoder,
// streams/decode-non-utf8) and the other branches of the standard's algorithms.
var decodeCases = map[string][]decodeCase{
	"gb18030": {
		{b(115), "s"},
		{b(0x80), "\u20AC"},
		{b(0xFF), "\uFFFD"},
		{b(0x81), "\uFFFD"},
		{b(0x81, 0x28), "\ufffd("},
		{b(0x81, 0x40), "\u4E02"},
		{b(0x81, 0x7E), "\u4E8A"},
		{b(0x81, 0x7F), "\ufffd\u007f"},
		{b(0x81, 0x80), "\u4E90"},
		{b(0x81, 0xFE), "\u4FA2"},
		{b(0x81, 0xFF), "\ufffd"},
		{b(0xFE, 0x40), "\uFA0C"},
		{b(0xFE, 0xFE), "\uE4C5"},
		{b(0xFE, 0xFF), "\ufffd"},
		{b(0x81, 0x30), "\ufffd"},
		{b(0x81, 0x30, 0xFE), "\ufffd"},
		{b(0x81, 0x30, 0xFF), "\ufffd0\ufffd"},
		{b(0x81, 0x30, 0xFE, 0x29), "\ufffd0\ufffd)"},
		{b(0xFE, 0x39, 0xFE, 0x39), "\ufffd"},
		{b(0x81, 0x35, 0xF4, 0x36), "\u1E3E"},
		{b(0x81, 0x35, 0xF4, 0x37), "\ue7c7"},
		{b(0x81, 0x35, 0xF4, 0x38), "\u1E40"},
		{b(0x84, 0x31, 0xA4, 0x37), "\ufffd"}, // U+FFFD itself: the fatal decoder fails here too (see below)
		{b(0x84, 0x31, 0xA4, 0x39), "\uffff"},
		{b(0x84, 0x31, 0xA5, 0x30), "\ufffd"},
		{b(0x8F, 0x39, 0xFE, 0x39), "\ufffd"},
		{b(0x90, 0x30, 0x81, 0x30), "\U00010000"},
		{b(0xE3, 0x32, 0x9A, 0x35), "\U0010FFFF"},
		{b(0xE3, 0x32, 0x9A, 0x36), "\ufffd"},
		{b(0x83, 0x36, 0xC8, 0x30), "\uE7C8"},
		{b(0xA1, 0xAD), "\u2026"},
		{b(0xA1, 0xAB), "\uFF5E"},
		{b(0xA3, 0xA0), "\u3000"},
		{b(0xA6, 0xD9), "\uFE10"},
		{b(0xA8, 0xBC), "\u1E3F"},
		{b(0xFE, 0x59), "\u9FB4"},
		{b(0x82, 0x35, 0x90, 0x37), "\u9FB4"},
		{b(0x84, 0x31, 0x82, 0x36), "\uFE10"},
		{b(0xAA, 0xA1), "\uE000"}, // user-defined area (Private Use)
		{b(0xD6, 0xD0, 0xCE, 0xC4), "中文"},
		{b(0x81, 0x30, 0x81), "\ufffd"},                     // end of queue in a four-byte sequence: one error
		{b(0x61, 0x81, 0x30, 0x81, 0x62), "a\ufffd0\u4E65"}, // second, third and byte restored: 81 62 is a pair
	},
	"big5": {
		{b(0x61), "a"},
		{b(0x80), "\ufffd"},
		{b(0xFF), "\ufffd"},
		{b(0x81), "\ufffd"},
		{b(0x88, 0x62), "\u00CA\u0304"},
		{b(0x88, 0x64), "\u00CA\u030C"},
		{b(0x88, 0xA3), "\u00EA\u0304"},
		{b(0x88, 0xA5), "\u00EA\u030C"},
		{b(0x87, 0x40), "\u43F0"},
		{b(0x87, 0x45), "\U00027267"},
		{b(0xA4, 0xA4, 0xA4, 0xE5), "中文"},
		{b(0x81, 0x40), "\ufffd@"},    // no code point, ASCII trailing byte: restored
		{b(0xA4, 0x7F), "\ufffd\x7f"}, // not a trailing byte, ASCII: restored
		{b(0xA4, 0x80), "\ufffd"},     // not a trailing byte, not ASCII: consumed
		{b(0xA4, 0xA0), "\ufffd"},
		{b(0xFE, 0xFE), "\u79D4"},
	},
	"euc-jp": {
		{b(0x61), "a"},
		{b(0x8E, 0xA1), "\uFF61"},
		{b(0x8E, 0xDF), "\uFF9F"},
		{b(0x8E, 0xE0), "\ufffd"},
		{b(0x8E, 0x41), "\ufffdA"},
		{b(0x8F, 0xA2, 0xAF), "\u02D8"},
		{b(0x8F, 0xA1, 0xA1), "\ufffd"},
		{b(0x8F, 0xA2, 0x41), "\ufffdA"},
		{b(0x8F, 0xA2), "\ufffd"},
		{b(0x8F, 0x41), "\ufffdA"},
		{b(0x8F), "\ufffd"},
		{b(0xC6, 0xFC, 0xCB, 0xDC, 0xB8, 0xEC), "日本語"},
		{b(0xA4, 0xA2), "\u3042"},
		{b(0xA4, 0x41), "\ufffdA"},
		{b(0xA4), "\ufffd"},
		{b(0x80), "\ufffd"},
		{b(0xA0), "\ufffd"},
		{b(0xFF), "\ufffd"},
	},
	"iso-2022-jp": {
		{b(0x1b, 0x24), "\ufffd$"},
		{b(0x1b, 0x24, 0x50), "\ufffd$P"},
		{b(0x1b, 0x28, 0x42, 0x50), "P"},
		{b(0x1b, 0x28, 0x42, 0x1b, 0x28, 0x42, 0x50), "\ufffdP"},
		{b(0x50, 0x1b, 0x28, 0x42, 0x50), "PP"},
		{b(0x5C, 0x5D, 0x7E), "\\]~"},
		{b(0x0D, 0x0E, 0x0F, 0x10), "\x0D\ufffd\ufffd\x10"},
		{b(0x1b, 0x28, 0x4A, 0x5C, 0x5D, 0x7E), "¥]‾"},
		{b(0x1b, 0x28, 0x4A, 0x0D, 0x0E, 0x0F, 0x10), "\x0D\ufffd\ufffd\x10"},
		{b(0x1b, 0x28, 0x4A, 0x1b, 0x1b, 0x28, 0x49, 0x50), "\ufffdﾐ"},
		{b(0x1b, 0x28, 0x49, 0x50), "ﾐ"},
		{b(0x1b, 0x28, 0x49, 0x1b, 0x24, 0x40, 0x50, 0x50), "\ufffd佩"},
		{b(0x1b, 0x28, 0x49, 0x1b, 0x50), "\ufffdﾐ"},
		{b(0x1b, 0x28, 0x49, 0x1b, 0x24, 0x50), "\ufffd､ﾐ"},
		{b(0x1b, 0x28, 0x49, 0x50, 0x1b, 0x28, 0x49, 0x50), "ﾐﾐ"},
		{b(0x1b, 0x28, 0x49, 0x0D, 0x0E, 0x0F, 0x10), "\ufffd\ufffd\ufffd\ufffd"},
		{b(0x1b, 0x24, 0x40, 0x50, 0x50), "佩"},
		{b(0x1b, 0x24, 0x42, 0x50, 0x50), "佩"},
		{b(0x1b, 0x24, 0x42, 0x1b, 0x50, 0x50), "\ufffd佩"},
		{b(0x1b, 0x24, 0x40, 0x1b, 0x24, 0x40), "\ufffd"},
		{b(0x1b, 0x24, 0x40, 0x1b, 0x24, 0x40, 0x50, 0x50), "\ufffd佩"},
		{b(0x1b, 0x24, 0x40, 0x1b, 0x24, 0x42, 0x50, 0x50), "\ufffd佩"},
		{b(0x1b, 0x24, 0x40, 0x1b, 0x24, 0x50, 0x50), "\ufffdば\ufffd"},
		{b(0x1b, 0x24, 0x40, 0x50, 0x1b, 0x24, 0x40, 0x50, 0x50), "\ufffd佩"},
		{b(0x1b, 0x24, 0x40, 0x20, 0x50), "\ufffd\ufffd"},
		{b(0x1b, 0x24, 0x40, 0x50, 0x20), "\ufffd"},
		{b(0x50, 0x1b), "P\ufffd"},
		{b(0x50, 0x1b, 0x24), "P\ufffd$"},
		{b(0x50, 0x1b, 0x50), "P\ufffdP"},
		{b(0x50, 0x1b, 0x28, 0x42), "P"},
		{b(0x50, 0x1b, 0x28, 0x4A), "P"},
		{b(0x50, 0x1b, 0x28, 0x49), "P"},
		{b(0x50, 0x1b, 0x24, 0x40), "P"},
		{b(0x50, 0x1b, 0x24, 0x42), "P"},
		{b(65, 66, 67, 0x1B, 65, 66, 67), "ABC\ufffdABC"},
		{b(0x0E), "\ufffd"},
		{b(0x80), "\ufffd"},
		{b(0x1b, 0x24, 0x42, 0x46, 0x7C, 0x4B, 0x5C, 0x38, 0x6C, 0x1b, 0x28, 0x42), "日本語"},
		{b(0x1b, 0x24, 0x42, 0x46), "\ufffd"},                          // end of queue in the trailing byte
		{b(0x1b, 0x24, 0x42, 0x46, 0x1b, 0x28, 0x42, 0x41), "\ufffdA"}, // escape as a trailing byte
		{b(0x1b, 0x24, 0x42, 0x46, 0x0A), "\ufffd"},                    // any other trailing byte is consumed
		{b(0x1b, 0x24, 0x42, 0x22, 0x2F), "\ufffd"},                    // no code point in jis0208
		{b(0x1b, 0x28, 0x49, 0x60), "\ufffd"},
		{b(0x1b, 0x28, 0x42), ""},
	},
	"shift_jis": {
		{b(0x61), "a"},
		{b(0x5C, 0x7E), "\\~"},
		{b(0x80), "\u0080"},
		{b(0xA0), "\ufffd"},
		{b(0xA1), "\uFF61"},
		{b(0xDF), "\uFF9F"},
		{b(0xFD), "\ufffd"},
		{b(0x90, 0x85), "\u6C34"},
		{b(0x93, 0xFA, 0x96, 0x7B, 0x8C, 0xEA), "日本語"},
		{b(0xF0, 0x40), "\uE000"},
		{b(0xF9, 0xFC), "\uE757"},
		{b(0xFA, 0x40), "\u2170"},
		{b(0x82, 0x20), "\ufffd "},
		{b(0x82, 0x7F), "\ufffd\x7f"},
		{b(0x82, 0xFD), "\ufffd"},
		{b(0x85, 0x40), "\ufffd@"}, // row without code points, ASCII trailing byte
		{b(0x85, 0x80), "\ufffd"},
		{b(0x81), "\ufffd"},
		{b(0xFF), "\ufffd"},
	},
	"euc-kr": {
		{b(0x61), "a"},
		{b(0x81, 0x41), "\uAC02"},
		{b(0xC7, 0xD1, 0xB1, 0xB9, 0xBE, 0xEE), "한국어"},
		{b(0x80), "\ufffd"},
		{b(0xFF), "\ufffd"},
		{b(0x81), "\ufffd"},
		{b(0x81, 0x20), "\ufffd "},
		{b(0x81, 0x5B), "\ufffd["}, // no code point, ASCII: restored
		{b(0x81, 0xFF), "\ufffd"},
		{b(0xA1, 0xA1), "\u3000"},
		{b(0xC9, 0xA1), "\ufffd"}, // user-defined row: no code point
	},
}

func init() {
	decodeCases["gbk"] = decodeCases["gb18030"]
}

func TestDecodeCases(t *testing.T) {
	for _, enc := range allEncodings {
		for _, c := range decodeCases[enc] {
			if got := decodeAll(t, enc, c.in, false); got != c.want {
				t.Errorf("%s % x: %+q, want %+q", enc, c.in, got, c.want)
			}
			// fatal: an error exactly where replacement gave U+FFFD (no case decodes
			// U+FFFD itself but gb18030's 84 31 A4 37, which the fatal decoder takes).
			wantFatal := c.want
			if strings.ContainsRune(c.want, 0xfffd) {
				wantFatal = "error"
				if enc == "gb18030" || enc == "gbk" {
					if string(c.in) == "\x84\x31\xA4\x37" {
						wantFatal = "\ufffd"
					}
				}
			}
			if got := decodeAll(t, enc, c.in, true); got != wantFatal {
				t.Errorf("%s fatal % x: %+q, want %+q", enc, c.in, got, wantFatal)
			}
		}
	}
}

// Streaming: every way of cutting an input in two or three decodes as the whole.
func TestDecodeSplits(t *testing.T) {
	for _, enc := range allEncodings {
		for _, c := range decodeCases[enc] {
			in := append(append([]byte("x"), c.in...), 'y')
			whole := decodeAll(t, enc, in, false)
			for i := 0; i <= len(in); i++ {
				for j := i; j <= len(in); j++ {
					if got := decodeChunks(t, enc, in, []int{i, j}, false); got != whole {
						t.Errorf("%s % x cut at %d,%d: %+q, want %+q", enc, in, i, j, got, whole)
					}
				}
			}
			// Byte by byte, fatal.
			cuts := make([]int, len(in))
			for i := range cuts {
				cuts[i] = i
			}
			wantFatal := decodeAll(t, enc, in, true)
			if got := decodeChunks(t, enc, in, cuts, true); got != wantFatal {
				t.Errorf("%s fatal % x byte by byte: %+q, want %+q", enc, in, got, wantFatal)
			}
		}
	}
}

// Random bytes (biased to each encoding's lead and trail ranges): streamed in random
// chunks they decode as in one call, replacement only where the fatal decoder fails.
func TestDecodeRandom(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	alphabet := []byte{0x00, 0x1b, 0x24, 0x28, 0x30, 0x39, 0x40, 0x42, 0x49, 0x4a, 0x41, 0x5c, 0x7e, 0x7f,
		0x80, 0x81, 0x8e, 0x8f, 0xa0, 0xa1, 0xa4, 0xc7, 0xdf, 0xe0, 0xf0, 0xfa, 0xfc, 0xfe, 0xff, 0x21, 0x46, 0x0e}
	for _, enc := range allEncodings {
		for n := 0; n < 300; n++ {
			in := make([]byte, rng.Intn(24))
			for i := range in {
				if rng.Intn(3) == 0 {
					in[i] = byte(rng.Intn(256))
				} else {
					in[i] = alphabet[rng.Intn(len(alphabet))]
				}
			}
			whole := decodeAll(t, enc, in, false)
			var cuts []int
			for i := 1; i < len(in); i++ {
				if rng.Intn(3) == 0 {
					cuts = append(cuts, i)
				}
			}
			if got := decodeChunks(t, enc, in, cuts, false); got != whole {
				t.Errorf("%s % x cut at %v: %+q, want %+q", enc, in, cuts, got, whole)
			}
			fatal := decodeAll(t, enc, in, true)
			if (fatal == "error") != strings.ContainsRune(whole, 0xfffd) && !(enc == "gb18030" || enc == "gbk") {
				t.Errorf("%s % x: fatal %+q, replacement %+q", enc, in, fatal, whole)
			}
			if fatal != "error" && fatal != whole {
				t.Errorf("%s % x: fatal %+q, replacement %+q", enc, in, fatal, whole)
			}
		}
	}
}

// Every two-byte sequence both decoders decode without an error decodes the same with
// x/text: a cross-check of the lead/trail arithmetic and of the tables.
func TestDecodeAgainstXText(t *testing.T) {
	for _, x := range []struct {
		enc string
		e   xenc.Encoding
	}{
		{"gbk", simplifiedchinese.GBK}, {"big5", traditionalchinese.Big5}, {"euc-jp", japanese.EUCJP},
		{"shift_jis", japanese.ShiftJIS}, {"euc-kr", korean.EUCKR},
	} {
		d := x.e.NewDecoder()
		same := 0
		for lead := 0x80; lead <= 0xff; lead++ {
			for trail := 0; trail <= 0xff; trail++ {
				in := []byte{byte(lead), byte(trail)}
				want, err := d.Bytes(in)
				if err != nil || strings.ContainsRune(string(want), 0xfffd) {
					continue
				}
				got := decodeAll(t, x.enc, in, true)
				if got == "error" {
					continue
				}
				if got != string(want) {
					t.Errorf("%s % x: %+q, x/text %+q", x.enc, in, got, want)
				}
				same++
			}
		}
		if same < 7000 {
			t.Errorf("%s: only %d sequences compared", x.enc, same)
		}
	}
}

// Text encoded by x/text decodes back.
func TestDecodeRoundTrip(t *testing.T) {
	texts := map[string]string{
		"gbk":         "中文编码 GBK — 汉字，标点。ABC",
		"gb18030":     "中文 \u20ac \U00020000 \u00e9 \uffff 𝄞 \u0080",
		"big5":        "繁體中文 測試，標點。ABC",
		"euc-jp":      "日本語のテキスト、カタカナ ｶﾀｶﾅ 漢字 ABC",
		"iso-2022-jp": "日本語のテキスト、ABC 漢字\r\n次の行",
		"shift_jis":   "日本語のテキスト、ｶﾀｶﾅ 漢字 ABC ⅰⅱ",
		"euc-kr":      "한국어 텍스트, 漢字 ABC",
	}
	encs := map[string]xenc.Encoding{
		"gbk": simplifiedchinese.GBK, "gb18030": simplifiedchinese.GB18030, "big5": traditionalchinese.Big5,
		"euc-jp": japanese.EUCJP, "iso-2022-jp": japanese.ISO2022JP, "shift_jis": japanese.ShiftJIS,
		"euc-kr": korean.EUCKR,
	}
	for enc, text := range texts {
		in, err := encs[enc].NewEncoder().String(text)
		if err != nil {
			t.Fatalf("%s: x/text cannot encode %q: %v", enc, text, err)
		}
		if got := decodeAll(t, enc, []byte(in), true); got != text {
			t.Errorf("%s: %+q, want %+q", enc, got, text)
		}
		cuts := []int{}
		for i := 1; i < len(in); i += 1 + i%3 {
			cuts = append(cuts, i)
		}
		if got := decodeChunks(t, enc, []byte(in), cuts, true); got != text {
			t.Errorf("%s streamed: %+q, want %+q", enc, got, text)
		}
	}
}

func TestState(t *testing.T) {
	for _, s := range []State{{}, {N: 3, Pending: [3]byte{0x81, 0x30, 0xfe}}, {N: 2, Pending: [3]byte{0x1b, 0x24}, Mode: isoLeadByte, Output: true}, {Mode: isoKatakana}} {
		var b [StateSize]byte
		s.Marshal(b[:])
		if got := UnmarshalState(b[:]); got != s {
			t.Errorf("%+v → % x → %+v", s, b, got)
		}
	}
	for _, bad := range [][]byte{nil, {1, 2}, {4, 0, 0, 0, 0}, {0, 0, 0, 0, 8}} {
		if got := UnmarshalState(bad); got != (State{}) {
			t.Errorf("% x → %+v, want the initial state", bad, got)
		}
	}
	// A stream's pending bytes and ISO-2022-JP mode.
	_, st, _ := Decode("gb18030", State{}, b(0x61, 0x81, 0x30), false, false, nil)
	if st.N != 2 || st.Pending[0] != 0x81 || st.Pending[1] != 0x30 {
		t.Errorf("gb18030 pending: %+v", st)
	}
	_, st, _ = Decode("iso-2022-jp", State{}, b(0x1b, 0x28, 0x49, 0x50, 0x1b, 0x24), false, false, nil)
	if st.Mode != isoKatakana || st.Output || st.N != 2 {
		t.Errorf("iso-2022-jp: %+v", st)
	}
	if _, _, err := Decode("utf-8", State{}, nil, true, false, nil); err == nil {
		t.Error("utf-8: no error")
	}
}

func BenchmarkDecode(b *testing.B) {
	text := strings.Repeat("日本語のテキスト、カタカナ 漢字 ABC. ", 1000)
	for _, x := range []struct {
		enc string
		e   xenc.Encoding
	}{{"shift_jis", japanese.ShiftJIS}, {"iso-2022-jp", japanese.ISO2022JP}, {"gb18030", simplifiedchinese.GB18030}} {
		in, _ := x.e.NewEncoder().Bytes([]byte(text))
		b.Run(x.enc, func(b *testing.B) {
			b.SetBytes(int64(len(in)))
			var out []byte
			for i := 0; i < b.N; i++ {
				out, _, _ = Decode(x.enc, State{}, in, true, false, out[:0])
			}
		})
	}
}

func BenchmarkBuildIndexes(b *testing.B) {
	for i := 0; i < b.N; i++ {
		buildJIS0208()
		buildJIS0212()
		buildEUCKR()
		buildGB18030()
		buildBig5()
	}
}

// Isolates decode on their own threads: the first uses of an index may race.
func TestDecodeConcurrent(t *testing.T) {
	done := make(chan string)
	for g := 0; g < 8; g++ {
		go func(g int) {
			enc := allEncodings[g%len(allEncodings)]
			var out []byte
			for _, c := range decodeCases[enc] {
				out, _, _ = Decode(enc, State{}, c.in, true, false, out[:0])
				if string(out) != c.want {
					done <- enc + ": " + string(out)
					return
				}
			}
			done <- ""
		}(g)
	}
	for g := 0; g < 8; g++ {
		if msg := <-done; msg != "" {
			t.Error(msg)
		}
	}
}
