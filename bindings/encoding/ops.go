package encoding

import (
	"github.com/edged-dev/edged/runtime/op"
)

// The op of TextDecoder's multi-byte legacy decoders (20_encoding.js). It is sync and
// stateless: the decoder's state between the calls of a stream lives in JS, in a
// Uint8Array(StateSize) the op reads and writes in place.
//
//	op_encoding_decode(encoding, bytes, state, flush, fatal) → string
//	    encoding: a name of the standard in lower case (gbk, gb18030, big5, euc-jp,
//	    iso-2022-jp, shift_jis, euc-kr); RangeError for another.
//	    state: the stream's state, updated; all zeros starts a stream, and flush leaves
//	    it zeroed. fatal: TypeError at the first error instead of U+FFFD.
func init() {
	op.Register("op_encoding_decode", opDecode)
}

func opDecode(c op.Call) {
	name := c.ArgString(0)
	if !Supported(name) {
		c.ReturnError("RangeError", "TextDecoder: no multi-byte decoder for "+name)
		return
	}
	in := c.ArgView(1) // borrowed: Decode keeps nothing of it
	state := c.ArgView(2)
	st := UnmarshalState(state)
	out, st, err := Decode(name, st, in, c.ArgBool(3), c.ArgBool(4), make([]byte, 0, len(in)+len(in)/2+8))
	if len(state) >= StateSize {
		st.Marshal(state)
	}
	if err != nil {
		c.ReturnError("TypeError", "Failed to execute 'decode' on 'TextDecoder': The encoded data was not valid.")
		return
	}
	c.ReturnString(string(out))
}
