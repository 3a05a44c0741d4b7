package compression

import (
	"bytes"
	"compress/flate"
	"compress/gzip"
	"compress/zlib"
	"errors"
	"io"
	"math/rand"
	"runtime"
	"testing"
	"time"
)

var formats = []string{Gzip, Deflate, DeflateRaw}

// stdCompress is the reference: the standard library's writer, in one go.
func stdCompress(t testing.TB, format string, data []byte) []byte {
	var b bytes.Buffer
	var w io.WriteCloser
	switch format {
	case Gzip:
		w = gzip.NewWriter(&b)
	case Deflate:
		w = zlib.NewWriter(&b)
	default:
		w, _ = flate.NewWriter(&b, flate.DefaultCompression)
	}
	w.Write(data)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func stdDecompress(format string, data []byte) ([]byte, error) {
	var r io.Reader
	var err error
	switch format {
	case Gzip:
		r, err = gzip.NewReader(bytes.NewReader(data))
	case Deflate:
		r, err = zlib.NewReader(bytes.NewReader(data))
	default:
		r = flate.NewReader(bytes.NewReader(data))
	}
	if err != nil {
		return nil, err
	}
	return io.ReadAll(r)
}

// drive runs chunks through a coder as the JS half does (push, pull until nil, then
// finish) and returns the output, failing the test when a piece exceeds MaxChunk.
func drive(t testing.TB, c Coder, chunks [][]byte) ([]byte, error) {
	t.Helper()
	var all []byte
	take := func(out []byte, err error) error {
		for {
			if err != nil {
				return err
			}
			if out == nil {
				return nil
			}
			if len(out) > MaxChunk {
				t.Fatalf("a call returned %d bytes, more than MaxChunk", len(out))
			}
			all = append(all, out...)
			out, err = c.Pull()
		}
	}
	for _, ch := range chunks {
		if err := take(c.Push(ch)); err != nil {
			return all, err
		}
	}
	return all, take(c.Finish())
}

func split(data []byte, size int) [][]byte {
	var out [][]byte
	for len(data) > 0 {
		n := min(size, len(data))
		out = append(out, data[:n])
		data = data[n:]
	}
	return out
}

func sample(n int) []byte {
	r := rand.New(rand.NewSource(1))
	words := []string{"edge ", "worker ", "stream ", "gzip ", "deflate ", "\x00\xff", "compression "}
	var b bytes.Buffer
	for b.Len() < n {
		b.WriteString(words[r.Intn(len(words))])
	}
	return b.Bytes()[:n]
}

func TestRoundTrip(t *testing.T) {
	for _, format := range formats {
		for _, size := range []int{0, 1, 100, 70_000, 300_000} {
			for _, chunk := range []int{1, 7, 1000, 64 << 10, 1 << 20} {
				if size > 10_000 && chunk < 1000 {
					continue
				}
				data := sample(size)
				c, err := New(format, false)
				if err != nil {
					t.Fatal(err)
				}
				compressed, err := drive(t, c, split(data, chunk))
				c.Close()
				if err != nil {
					t.Fatalf("%s compress %d/%d: %v", format, size, chunk, err)
				}
				if got, err := stdDecompress(format, compressed); err != nil || !bytes.Equal(got, data) {
					t.Fatalf("%s %d bytes in %d-byte chunks: the standard library reads back %d bytes, err %v", format, size, chunk, len(got), err)
				}
				d, _ := New(format, true)
				got, err := drive(t, d, split(compressed, chunk))
				d.Close()
				if err != nil || !bytes.Equal(got, data) {
					t.Fatalf("%s decompress %d bytes in %d-byte chunks: got %d bytes, err %v", format, size, chunk, len(got), err)
				}
			}
		}
	}
}

func TestDecompressErrors(t *testing.T) {
	hello := []byte("expected output")
	for _, format := range formats {
		good := stdCompress(t, format, hello)
		tests := []struct {
			name   string
			chunks [][]byte
			want   string // "" → success with hello
		}{
			{"whole", [][]byte{good}, ""},
			{"byte by byte", split(good, 1), ""},
			{"truncated", [][]byte{good[:len(good)-1]}, "ended too early"},
			{"empty input", nil, "ended too early"},
			{"trailing junk in the chunk", [][]byte{append(append([]byte{}, good...), 0)}, "data after the end"},
			{"trailing junk later", [][]byte{good, {0}}, "data after the end"},
			{"empty chunk after the end", [][]byte{good, {}}, ""},
			{"corrupt", [][]byte{corrupt(good)}, "not valid"},
		}
		for _, tc := range tests {
			d, _ := New(format, true)
			got, err := drive(t, d, tc.chunks)
			d.Close()
			switch {
			case tc.want == "" && (err != nil || !bytes.Equal(got, hello)):
				t.Errorf("%s %s: got %q, %v; want %q", format, tc.name, got, err, hello)
			case tc.want != "" && (err == nil || !errors.Is(err, ErrData) || !bytes.Contains([]byte(err.Error()), []byte(tc.want))):
				t.Errorf("%s %s: got error %v, want one saying %q", format, tc.name, err, tc.want)
			}
		}
	}
}

// corrupt breaks the stream's first block header (raw) or its header (zlib, gzip).
func corrupt(b []byte) []byte {
	c := append([]byte{}, b...)
	c[0] ^= 0xff
	return c
}

// Output found before an error in the same chunk comes first; the error follows.
func TestOutputBeforeTrailingJunk(t *testing.T) {
	for _, format := range formats {
		good := stdCompress(t, format, []byte("expected output"))
		d, _ := New(format, true)
		out, err := d.Push(append(append([]byte{}, good...), 1, 2, 3))
		if err != nil || string(out) != "expected output" {
			t.Fatalf("%s: push: got %q, %v", format, out, err)
		}
		if out, err := d.Pull(); out != nil || !errors.Is(err, ErrData) {
			t.Errorf("%s: pull: got %q, %v; want the trailing-data error", format, out, err)
		}
		d.Close()
	}
}

func TestDictionaryIsAnError(t *testing.T) {
	// zlib with FDICT set (Python: zlib.compressobj(zdict=...)).
	in := []byte{0x78, 0xbb, 0x74, 0xee, 0x09, 0x59, 0x2b, 0xc1, 0x2e, 0x0c, 0x00, 0x74, 0xee, 0x09, 0x59}
	d, _ := New(Deflate, true)
	defer d.Close()
	if _, err := drive(t, d, [][]byte{in}); !errors.Is(err, ErrData) {
		t.Errorf("got %v, want a data error", err)
	}
}

// A small input that expands a lot comes out MaxChunk at a time.
func TestBombIsBounded(t *testing.T) {
	data := make([]byte, 20<<20)
	compressed := stdCompress(t, Gzip, data)
	d, _ := New(Gzip, true)
	defer d.Close()
	out, err := d.Push(compressed)
	if err != nil || len(out) != MaxChunk {
		t.Fatalf("push: got %d bytes, %v; want MaxChunk", len(out), err)
	}
	total := len(out)
	pulls := 0
	for {
		out, err := d.Pull()
		if err != nil {
			t.Fatal(err)
		}
		if out == nil {
			break
		}
		if len(out) > MaxChunk {
			t.Fatalf("pull returned %d bytes", len(out))
		}
		total += len(out)
		pulls++
	}
	if total != len(data) || pulls < len(data)/MaxChunk-1 {
		t.Errorf("got %d bytes in %d pulls, want %d", total, pulls, len(data))
	}
}

func TestFormats(t *testing.T) {
	for _, f := range []string{"brotli", "deflate64", "", "GZIP", "zlib"} {
		if _, err := New(f, false); err == nil {
			t.Errorf("New(%q) succeeded", f)
		}
	}
	if err := CheckFormat("brotli"); err == nil || !bytes.Contains([]byte(err.Error()), []byte("not implemented")) {
		t.Errorf("brotli: got %v, want not implemented", err)
	}
}

func TestCallsAfterClose(t *testing.T) {
	for _, decompress := range []bool{false, true} {
		c, _ := New(Gzip, decompress)
		c.Close()
		c.Close()
		if _, err := c.Push([]byte("x")); err == nil {
			t.Errorf("decompress=%v: push after close succeeded", decompress)
		}
		if _, err := c.Finish(); err == nil {
			t.Errorf("decompress=%v: finish after close succeeded", decompress)
		}
	}
}

// Closing a decompressor in the middle of its input ends its goroutine.
func TestCloseStopsWorker(t *testing.T) {
	before := runtime.NumGoroutine()
	good := stdCompress(t, Gzip, sample(200_000))
	for i := 0; i < 50; i++ {
		d, _ := New(Gzip, true)
		if _, err := d.Push(good[:len(good)/2]); err != nil {
			t.Fatal(err)
		}
		d.Close()
	}
	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > before {
		t.Errorf("%d goroutines after closing, %d before", n, before)
	}
}

func FuzzDecompress(f *testing.F) {
	for _, format := range formats {
		f.Add(stdCompress(f, format, []byte("hello, hello, hello")), uint8(3), uint8(len(format)))
	}
	f.Fuzz(func(t *testing.T, data []byte, chunk uint8, which uint8) {
		format := formats[int(which)%len(formats)]
		d, _ := New(format, true)
		defer d.Close()
		got, err := drive(t, d, split(data, int(chunk)+1))
		want, werr := stdDecompress(format, data)
		if err == nil && (werr != nil || !bytes.Equal(got, want)) {
			t.Fatalf("%s: decoded %d bytes where the standard library says %v (%d bytes)", format, len(got), werr, len(want))
		}
	})
}

func BenchmarkCompress(b *testing.B) {
	data := sample(64 << 10)
	for _, format := range formats {
		b.Run(format, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				c, _ := New(format, false)
				drive(b, c, [][]byte{data})
				c.Close()
			}
		})
	}
}

func BenchmarkDecompress(b *testing.B) {
	data := sample(64 << 10)
	for _, format := range formats {
		compressed := stdCompress(b, format, data)
		b.Run(format, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				d, _ := New(format, true)
				drive(b, d, split(compressed, 16<<10))
				d.Close()
			}
		})
	}
}
