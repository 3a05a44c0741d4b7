package encoding

import (
	"sync"
	"unicode/utf8"

	xenc "golang.org/x/text/encoding"
	"golang.org/x/text/encoding/japanese"
	"golang.org/x/text/encoding/korean"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/traditionalchinese"
)

// The indexes of the Encoding Standard the multi-byte decoders look up, pointer → code
// point (0: the index has no code point for the pointer; no index maps a pointer to
// U+0000). Each is built on first use — nothing of them is in the startup snapshot, and
// a process that never decodes, say, Big5 never builds index Big5.
//
// The data are golang.org/x/text's tables, read through its decoders: x/text generated
// them from the standard's index files, and for index jis0208, jis0212, EUC-KR and Big5
// they agree with the standard's current files (indexes dated 2024-09-18) at every
// pointer the decoders below can reach. Index gb18030 is x/text's without the Private
// Use Area code points and without the GB18030-2022 changes; tables_gen.go holds the
// difference, and the ranges index (x/text's is not reachable: pointer 7457 differs
// from the standard's, and it is not exported). cjk_index_test.go checks every table
// against digests of the standard's files, and against the files themselves with
// -whatwg.

const (
	jis0208Size = 11104 // pointers 0..11103
	jis0212Size = 94 * 94
	eucKRSize   = 126 * 190
	gb18030Size = 126 * 190
	big5Size    = 126 * 157
)

type index16 struct {
	once  sync.Once
	build func() []uint16
	t     []uint16
}

func (x *index16) get() []uint16 {
	x.once.Do(func() { x.t = x.build() })
	return x.t
}

var (
	indexJIS0208 = &index16{build: buildJIS0208}
	indexJIS0212 = &index16{build: buildJIS0212}
	indexEUCKR   = &index16{build: buildEUCKR}
	indexGB18030 = &index16{build: buildGB18030}

	big5Once  sync.Once
	big5Table []rune
)

func indexBig5() []rune {
	big5Once.Do(func() { big5Table = buildBig5() })
	return big5Table
}

// extract decodes, for each pointer below n, the bytes enc(pointer) returns (nil: skip
// the pointer) with x/text's decoder for e, and calls set with the code point when the
// decoder turned exactly those bytes into exactly one code point other than U+FFFD.
func extract(e xenc.Encoding, n int, enc func(p int, b []byte) []byte, set func(p int, r rune)) {
	d := e.NewDecoder()
	var src [4]byte
	var dst [16]byte
	for p := 0; p < n; p++ {
		b := enc(p, src[:0])
		if b == nil {
			continue
		}
		d.Reset()
		nDst, nSrc, err := d.Transform(dst[:], b, true)
		if err != nil || nSrc != len(b) {
			continue
		}
		r, size := utf8.DecodeRune(dst[:nDst])
		if size != nDst || r == utf8.RuneError || r == 0 {
			continue
		}
		set(p, r)
	}
}

func build16(e xenc.Encoding, n int, enc func(p int, b []byte) []byte) []uint16 {
	t := make([]uint16, n)
	extract(e, n, enc, func(p int, r rune) {
		if r <= 0xffff {
			t[p] = uint16(r)
		}
	})
	return t
}

// index jis0208, through EUC-JP below pointer 8836 (rows 1–94) and Shift_JIS above it
// (the IBM extensions, rows 115–119 of Shift_JIS; pointers 8836–10715 are the EUDC
// range, which the Shift_JIS decoder maps to the Private Use Area without the index).
func buildJIS0208() []uint16 {
	t := build16(japanese.EUCJP, 94*94, func(p int, b []byte) []byte {
		return append(b, byte(p/94+0xa1), byte(p%94+0xa1))
	})
	t = append(t, make([]uint16, jis0208Size-len(t))...)
	sjis := build16(japanese.ShiftJIS, jis0208Size, func(p int, b []byte) []byte {
		if p <= 10715 {
			return nil
		}
		return append(b, sjisBytes(p)...)
	})
	copy(t[10716:], sjis[10716:])
	return t
}

// sjisBytes is the Shift_JIS encoder's byte pair for pointer p.
func sjisBytes(p int) []byte {
	lead, trail := p/188, p%188
	leadOffset, offset := 0x81, 0x40
	if lead >= 0x1f {
		leadOffset = 0xc1
	}
	if trail >= 0x3f {
		offset = 0x41
	}
	return []byte{byte(lead + leadOffset), byte(trail + offset)}
}

func buildJIS0212() []uint16 {
	return build16(japanese.EUCJP, jis0212Size, func(p int, b []byte) []byte {
		return append(b, 0x8f, byte(p/94+0xa1), byte(p%94+0xa1))
	})
}

func buildEUCKR() []uint16 {
	return build16(korean.EUCKR, eucKRSize, func(p int, b []byte) []byte {
		return append(b, byte(p/190+0x81), byte(p%190+0x41))
	})
}

func buildGB18030() []uint16 {
	t := xtextGB18030()
	for _, r := range gb18030Patches {
		for i := uint16(0); i < r.n; i++ {
			cp := r.cp
			if cp != 0 {
				cp += i
			}
			t[r.pointer+i] = cp
		}
	}
	return t
}

// xtextGB18030 is x/text's index gb18030, before tables_gen.go's changes.
func xtextGB18030() []uint16 {
	return build16(simplifiedchinese.GB18030, gb18030Size, func(p int, b []byte) []byte {
		trail, offset := p%190, 0x40
		if trail >= 0x3f {
			offset = 0x41
		}
		return append(b, byte(p/190+0x81), byte(trail+offset))
	})
}

// index Big5 holds code points beyond the BMP (HKSCS), hence runes. The four pointers
// the Big5 decoder turns into two code points each are not in the index (x/text
// decodes them to the same pairs; the decoder handles them before the lookup).
func buildBig5() []rune {
	t := make([]rune, big5Size)
	extract(traditionalchinese.Big5, big5Size, func(p int, b []byte) []byte {
		trail, offset := p%157, 0x40
		if trail >= 0x3f {
			offset = 0x62
		}
		return append(b, byte(p/157+0x81), byte(trail+offset))
	}, func(p int, r rune) { t[p] = r })
	return t
}

// gb18030RangesCodePoint is the standard's "index gb18030 ranges code point" for
// pointer, or -1 for null.
func gb18030RangesCodePoint(pointer int) rune {
	if (pointer > 39419 && pointer < 189000) || pointer > 1237575 {
		return -1
	}
	if pointer == 7457 {
		return 0xe7c7
	}
	// The last range whose pointer is ≤ pointer.
	lo, hi := 0, len(gb18030Ranges)
	for hi-lo > 1 {
		mid := (lo + hi) / 2
		if int(gb18030Ranges[mid].pointer) <= pointer {
			lo = mid
		} else {
			hi = mid
		}
	}
	r := gb18030Ranges[lo]
	return rune(r.cp) + rune(pointer-int(r.pointer))
}
