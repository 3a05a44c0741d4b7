package websocket

import (
	"bytes"
	"io"
	"strconv"
	"testing"
)

func BenchmarkMaskBytes(b *testing.B) {
	p := make([]byte, 64<<10)
	key := [4]byte{1, 2, 3, 4}
	b.SetBytes(int64(len(p)))
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		MaskBytes(key, i&3, p)
	}
}

// loopReader replays one buffer forever.
type loopReader struct {
	b   []byte
	off int
}

func (l *loopReader) Read(p []byte) (int, error) {
	n := copy(p, l.b[l.off:])
	l.off = (l.off + n) % len(l.b)
	return n, nil
}

// BenchmarkReadMessage: a server reading masked client messages (parse, unmask,
// UTF-8 check for text).
func BenchmarkReadMessage(b *testing.B) {
	for _, tc := range []struct {
		name string
		op   Opcode
		size int
	}{
		{"text-16", OpText, 16},
		{"text-4K", OpText, 4 << 10},
		{"binary-64K", OpBinary, 64 << 10},
	} {
		b.Run(tc.name, func(b *testing.B) {
			frame := rawFrame(true, 0, tc.op, true, bytes.Repeat([]byte("a"), tc.size))
			c := NewConn(discardConn{r: &loopReader{b: frame}}, nil, false, Options{})
			b.SetBytes(int64(tc.size))
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				if _, _, err := c.ReadMessage(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkWriteMessage: a server writing unmasked messages.
func BenchmarkWriteMessage(b *testing.B) {
	for _, size := range []int{16, 4 << 10, 64 << 10} {
		b.Run(strconv.Itoa(size), func(b *testing.B) {
			c := NewConn(discardConn{r: io.MultiReader()}, nil, false, Options{})
			p := bytes.Repeat([]byte("a"), size)
			b.SetBytes(int64(size))
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				c.WriteMessage(OpText, p)
			}
		})
	}
}
