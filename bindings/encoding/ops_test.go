package encoding

import (
	"testing"

	"github.com/edged-dev/edged/bindings/storage/optest"
	"github.com/edged-dev/edged/runtime/v8"
)

func TestOpDecode(t *testing.T) {
	w := &optest.Worker{}
	state := make([]byte, StateSize)
	for _, c := range []struct {
		args  []any
		want  string
		class string
	}{
		{[]any{"shift_jis", []byte{0x93, 0xfa, 0x96, 0x7b}, state, true, false}, "日本", ""},
		{[]any{"euc-kr", []byte{0xc7, 0xd1, 0x81}, state, true, false}, "한\ufffd", ""},
		{[]any{"euc-kr", []byte{0xc7, 0xd1, 0x81}, state, true, true}, "", "TypeError"},
		{[]any{"gb18030", []byte{}, state, true, true}, "", ""},
		{[]any{"gb18030", nil, nil, true, false}, "", ""},         // no bytes, no state
		{[]any{"big5", []byte{0x81}, state, false, true}, "", ""}, // pending, not an error
		{[]any{"utf-8", []byte{0x61}, state, true, false}, "", "RangeError"},
		{[]any{"replacement", []byte{0x61}, state, true, false}, "", "RangeError"},
	} {
		r := optest.Sync(opDecode, w, c.args...)
		if c.class != "" {
			if r.OK || r.Class != c.class {
				t.Errorf("%v: %v, want a %s", c.args[:2], r, c.class)
			}
			continue
		}
		if !r.OK || r.Value.Kind != v8.String || r.Value.Str != c.want {
			t.Errorf("%v: %v, want %q", c.args[:2], r, c.want)
		}
	}
}
