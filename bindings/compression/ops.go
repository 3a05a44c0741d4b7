package compression

import (
	"errors"

	"github.com/edged-dev/edged/runtime/op"
)

// The ops of CompressionStream and DecompressionStream. All are sync: one call
// compresses or decompresses one chunk of at most what the JS half hands it (64 KiB)
// and returns at most MaxChunk bytes, so each call is bounded CPU work.
//
//	op_compression_open(format, decompress) → handle
//	    TypeError for a format that is not gzip, deflate or deflate-raw.
//	op_compression_push(handle, chunk) → Uint8Array | null
//	op_compression_finish(handle) → Uint8Array | null      the input ended
//	op_compression_pull(handle) → Uint8Array | null
//	    After push or finish returned bytes, pull until null: more output, or an error
//	    found after that output, may be waiting. Bad compressed data → TypeError.
//	op_compression_close(handle)                           frees the coder; idempotent
func init() {
	op.Register("op_compression_open", opOpen)
	op.Register("op_compression_push", opPush)
	op.Register("op_compression_finish", opFinish)
	op.Register("op_compression_pull", opPull)
	op.Register("op_compression_close", opClose)
}

func opOpen(c op.Call) {
	coder, err := New(c.ArgString(0), c.ArgBool(1))
	if err != nil {
		c.ReturnError("TypeError", err.Error())
		return
	}
	c.ReturnNumber(float64(table.open(c.Worker(), coder)))
}

func opPush(c op.Call) {
	in := c.ArgView(1) // borrowed: the coders copy what they keep
	withCoder(c, func(cd Coder) ([]byte, error) { return cd.Push(in) })
}

func opFinish(c op.Call) {
	withCoder(c, Coder.Finish)
}

func opPull(c op.Call) {
	withCoder(c, Coder.Pull)
}

func opClose(c op.Call) {
	table.close(c.ArgInt(0), c.Worker())
}

func withCoder(c op.Call, fn func(Coder) ([]byte, error)) {
	var out []byte
	var err error
	if !table.use(c.ArgInt(0), c.Worker(), func(cd Coder) {
		out, err = fn(cd)
		if err == nil && out != nil {
			c.ReturnBytes(out) // copies, while the coder's storage is still ours
		}
	}) {
		c.ReturnError("TypeError", "The compression stream is closed.")
		return
	}
	switch {
	case err != nil && errors.Is(err, ErrData):
		c.ReturnError("TypeError", "DecompressionStream: "+err.Error())
	case err != nil:
		c.ReturnError("TypeError", err.Error())
	case out == nil:
		c.ReturnNull()
	}
}
