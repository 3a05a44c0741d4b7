// Package compression is the Go half of CompressionStream and DecompressionStream
// (the Compression Streams standard): one Coder per stream, over compress/flate,
// compress/zlib and compress/gzip, fed chunk by chunk through sync ops. The stream
// objects themselves are in 34_compression.js.
package compression

import (
	"bytes"
	"compress/flate"
	"compress/gzip"
	"compress/zlib"
	"errors"
	"fmt"
	"io"
	"sync"
)

// The formats of the standard, spelled as it spells them.
const (
	Gzip       = "gzip"        // RFC 1952
	Deflate    = "deflate"     // the zlib format, RFC 1950
	DeflateRaw = "deflate-raw" // RFC 1951
)

// MaxChunk bounds the output one call returns, so that one call does bounded work
// however much a small input expands; the rest comes from Pull.
const MaxChunk = 64 << 10

// ErrData is wrapped by every error about the compressed input a decompressor reads.
var ErrData = errors.New("the compressed data is not valid")

var errFinished = errors.New("compression: the stream is finished")

// CheckFormat returns an error naming what is wrong with format, or nil.
func CheckFormat(format string) error {
	switch format {
	case Gzip, Deflate, DeflateRaw:
		return nil
	case "brotli", "deflate64":
		return fmt.Errorf("not implemented: the %q format (only gzip, deflate and deflate-raw)", format)
	}
	return fmt.Errorf("%q is not a supported compression format (gzip, deflate or deflate-raw)", format)
}

// Coder is the state of one CompressionStream or DecompressionStream. It is not safe
// for concurrent use. Output slices it returns stay valid until the next call.
type Coder interface {
	// Push feeds a chunk of input and returns the output that is ready, at most
	// MaxChunk bytes, or nil. When it returns output, call Pull until Pull returns
	// nil before pushing again: more output, or an error found after this output,
	// may be waiting.
	Push(in []byte) ([]byte, error)
	// Finish ends the input and returns the output that follows, as Push does.
	Finish() ([]byte, error)
	// Pull returns the next piece of output left by Push or Finish, or nil when the
	// coder needs more input or is done.
	Pull() ([]byte, error)
	// Close releases the coder; any call may follow it (and fails). Idempotent.
	Close()
}

// New returns a compressor, or a decompressor when decompress is true, for format.
func New(format string, decompress bool) (Coder, error) {
	if err := CheckFormat(format); err != nil {
		return nil, err
	}
	if decompress {
		return newDecompressor(format), nil
	}
	return newCompressor(format), nil
}

// ---- compression ----

// Compressors are large (about 1 MB of hash tables for flate); they are reused.
var (
	gzipPool = sync.Pool{New: func() any { w, _ := gzip.NewWriterLevel(io.Discard, gzip.DefaultCompression); return w }}
	zlibPool = sync.Pool{New: func() any { w, _ := zlib.NewWriterLevel(io.Discard, zlib.DefaultCompression); return w }}
	rawPool  = sync.Pool{New: func() any { w, _ := flate.NewWriter(io.Discard, flate.DefaultCompression); return w }}
)

type resetWriter interface {
	io.WriteCloser
	Reset(io.Writer)
}

type compressor struct {
	pool     *sync.Pool
	w        resetWriter
	buf      bytes.Buffer // compressed output not yet returned
	finished bool
	closed   bool
}

func newCompressor(format string) *compressor {
	c := &compressor{}
	switch format {
	case Gzip:
		c.pool = &gzipPool
	case Deflate:
		c.pool = &zlibPool
	default:
		c.pool = &rawPool
	}
	c.w = c.pool.Get().(resetWriter)
	c.w.Reset(&c.buf)
	return c
}

func (c *compressor) Push(in []byte) ([]byte, error) {
	if c.closed || c.finished {
		return nil, errFinished
	}
	if len(in) > 0 {
		if _, err := c.w.Write(in); err != nil {
			return nil, err
		}
	}
	return c.Pull()
}

func (c *compressor) Finish() ([]byte, error) {
	if c.closed || c.finished {
		return nil, errFinished
	}
	c.finished = true
	if err := c.w.Close(); err != nil {
		return nil, err
	}
	return c.Pull()
}

func (c *compressor) Pull() ([]byte, error) {
	if c.closed {
		return nil, errFinished
	}
	if c.buf.Len() == 0 {
		c.buf.Reset() // the next writes start at the front again
		return nil, nil
	}
	return c.buf.Next(min(c.buf.Len(), MaxChunk)), nil
}

func (c *compressor) Close() {
	if c.closed {
		return
	}
	c.closed = true
	c.w.Reset(io.Discard)
	c.pool.Put(c.w)
	c.w = nil
	c.buf = bytes.Buffer{}
}

// ---- decompression ----

// The standard library's decompressors pull their input from an io.Reader and cannot
// resume after running out of it, so each decompressor runs on a goroutine of its own
// as a coroutine: it runs only while a call waits for it, and parks when it needs more
// input (starved), when it has MaxChunk bytes of output (full), or when it ends.

type event int

const (
	evStarved event = iota
	evFull
	evDone // the worker returned; d.werr says how
)

var errStopped = errors.New("compression: stopped")

type decompressor struct {
	format string

	// Shared with the worker; the two sides take turns (channel hand-offs order them).
	in     []byte // input not yet read by the worker
	inBuf  []byte // in's reusable storage
	eof    bool   // no input will follow in
	stop   bool   // Close: the worker must return
	out    []byte // output produced and not yet returned, in outBuf
	outBuf []byte // MaxChunk bytes
	werr   error  // how the worker ended (nil: at the end of the compressed data)

	resume  chan struct{}
	events  chan event
	started bool
	parked  event // what the worker waits for; evDone once it returned
	err     error // an error not yet reported (reported again by later calls)
	closed  bool
}

func newDecompressor(format string) *decompressor {
	return &decompressor{
		format: format,
		resume: make(chan struct{}),
		events: make(chan event),
		outBuf: make([]byte, MaxChunk),
	}
}

// step runs the worker until it parks or returns.
func (d *decompressor) step() {
	if !d.started {
		d.started = true
		go d.run()
	} else {
		d.resume <- struct{}{}
	}
	d.parked = <-d.events
	if d.parked == evDone && d.werr != nil {
		d.err = d.werr
	}
}

// collect returns the output ready; with none, the pending error.
func (d *decompressor) collect() ([]byte, error) {
	if len(d.out) > 0 {
		return d.out, nil // prepareOut reuses the storage on the next call
	}
	return nil, d.err
}

func (d *decompressor) Push(in []byte) ([]byte, error) {
	if d.closed || d.eof {
		return nil, errFinished
	}
	if d.err != nil {
		return nil, d.err
	}
	if len(in) == 0 {
		return nil, nil
	}
	if d.started && d.parked == evDone {
		d.err = dataError("there is data after the end of the compressed stream")
		return nil, d.err
	}
	if len(d.in) == 0 {
		d.in = append(d.inBuf[:0], in...)
		d.inBuf = d.in
	} else {
		d.in = append(d.in, in...)
	}
	d.prepareOut()
	d.step()
	return d.collect()
}

func (d *decompressor) Finish() ([]byte, error) {
	if d.closed || d.eof {
		return nil, errFinished
	}
	d.eof = true
	if d.err != nil {
		return nil, d.err
	}
	if d.started && d.parked == evDone {
		return nil, nil
	}
	d.prepareOut()
	d.step()
	return d.collect()
}

func (d *decompressor) Pull() ([]byte, error) {
	if d.closed {
		return nil, errFinished
	}
	if d.started && d.parked == evFull {
		d.prepareOut()
		d.step()
		return d.collect()
	}
	return nil, d.err
}

// prepareOut makes room for a new batch of output: the previous one was returned.
func (d *decompressor) prepareOut() {
	d.out = d.outBuf[:0]
}

func (d *decompressor) Close() {
	if d.closed {
		return
	}
	d.closed = true
	if d.started && d.parked != evDone {
		d.stop = true
		d.resume <- struct{}{}
		for <-d.events != evDone {
			d.resume <- struct{}{} // not expected: the worker returns once it sees stop
		}
	}
	d.parked = evDone
	d.in, d.inBuf, d.out, d.outBuf = nil, nil, nil, nil
}

// park hands control back to the waiting call; false means stop.
func (d *decompressor) park(ev event) bool {
	d.events <- ev
	<-d.resume
	return !d.stop
}

// ReadByte and Read are the worker's input (flate.Reader, so nothing reads ahead).
func (d *decompressor) ReadByte() (byte, error) {
	if err := d.wait(); err != nil {
		return 0, err
	}
	b := d.in[0]
	d.in = d.in[1:]
	return b, nil
}

func (d *decompressor) Read(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	if err := d.wait(); err != nil {
		return 0, err
	}
	n := copy(p, d.in)
	d.in = d.in[n:]
	return n, nil
}

// wait parks the worker until input is there, the input ended, or Close.
func (d *decompressor) wait() error {
	for len(d.in) == 0 {
		if d.stop {
			return errStopped
		}
		if d.eof {
			return io.EOF
		}
		if !d.park(evStarved) {
			return errStopped
		}
	}
	return nil
}

func (d *decompressor) run() {
	d.werr = d.decode()
	d.events <- evDone
}

func (d *decompressor) decode() error {
	var r io.Reader
	switch d.format {
	case Gzip:
		z, err := gzip.NewReader(d)
		if err != nil {
			return d.wrap(err)
		}
		z.Multistream(false) // data after the first member is an error, as the standard says
		r = z
	case Deflate:
		z, err := zlib.NewReader(d)
		if err != nil {
			return d.wrap(err)
		}
		r = z
	default:
		r = flate.NewReader(d)
	}
	// A read may park (for more input) after writing its output, and the call that
	// resumes it may have handed d.out's storage out meanwhile: read into a buffer of
	// the worker's own, then append.
	buf := make([]byte, 32<<10)
	for {
		room := cap(d.out) - len(d.out)
		if room == 0 {
			if !d.park(evFull) {
				return errStopped
			}
			continue // the call that resumed us made room
		}
		n, err := r.Read(buf[:min(room, len(buf))])
		d.out = append(d.out, buf[:n]...)
		if err == io.EOF {
			break
		}
		if err != nil {
			return d.wrap(err)
		}
	}
	if len(d.in) > 0 {
		return dataError("there is data after the end of the compressed stream")
	}
	return nil
}

// wrap turns what a reader returned into an ErrData, except for Close's stop.
func (d *decompressor) wrap(err error) error {
	switch {
	case errors.Is(err, errStopped):
		return err
	case err == io.EOF || errors.Is(err, io.ErrUnexpectedEOF):
		return dataError("the compressed data ended too early")
	case errors.Is(err, zlib.ErrDictionary):
		return dataError("the deflate data needs a preset dictionary, which the standard does not support")
	}
	return dataError(err.Error())
}

func dataError(msg string) error {
	return fmt.Errorf("%w: %s", ErrData, msg)
}
