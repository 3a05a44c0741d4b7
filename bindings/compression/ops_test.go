package compression

import (
	"strings"
	"testing"
	"time"

	"github.com/edged-dev/edged/bindings/storage/optest"
	"github.com/edged-dev/edged/runtime/v8"
)

// opDrive runs chunks through the ops as 34_compression.js does and returns the output.
func opDrive(t *testing.T, w *optest.Worker, h float64, chunks [][]byte) ([]byte, optest.Result) {
	t.Helper()
	var all []byte
	take := func(r optest.Result) optest.Result {
		for {
			if !r.OK || r.Value.Kind == v8.Null {
				return r
			}
			if r.Value.Kind != v8.Bytes {
				t.Fatalf("got %v, want bytes or null", r)
			}
			all = append(all, r.Value.Bytes...)
			r = optest.Sync(opPull, w, h)
		}
	}
	for _, c := range chunks {
		if r := take(optest.Sync(opPush, w, h, c)); !r.OK {
			return all, r
		}
	}
	return all, take(optest.Sync(opFinish, w, h))
}

func TestOps(t *testing.T) {
	w := &optest.Worker{}
	data := sample(200_000)
	for _, format := range formats {
		r := optest.Sync(opOpen, w, format, false)
		if !r.OK || r.Value.Kind != v8.Number {
			t.Fatalf("open %s: %v", format, r)
		}
		h := r.Value.Num
		compressed, res := opDrive(t, w, h, split(data, 50_000))
		if !res.OK {
			t.Fatalf("compress %s: %v", format, res)
		}
		optest.Sync(opClose, w, h)

		h = optest.Sync(opOpen, w, format, true).Value.Num
		got, res := opDrive(t, w, h, split(compressed, 1000))
		if !res.OK || string(got) != string(data) {
			t.Fatalf("decompress %s: %d bytes, %v", format, len(got), res)
		}
		optest.Sync(opClose, w, h)
		optest.Sync(opClose, w, h) // idempotent
	}
	if n := table.count(); n != 0 {
		t.Errorf("%d handles left open", n)
	}
}

func TestOpErrors(t *testing.T) {
	w := &optest.Worker{}
	if r := optest.Sync(opOpen, w, "br", true); r.OK || r.Class != "TypeError" {
		t.Errorf("open br: got %v, want TypeError", r)
	}
	if r := optest.Sync(opOpen, w, "brotli", false); r.OK || !strings.Contains(r.Message, "not implemented") {
		t.Errorf("open brotli: got %v, want TypeError: not implemented", r)
	}
	h := optest.Sync(opOpen, w, Gzip, true).Value.Num
	defer optest.Sync(opClose, w, h)
	if _, r := opDrive(t, w, h, [][]byte{[]byte("not gzip at all")}); r.OK || r.Class != "TypeError" || !strings.HasPrefix(r.Message, "DecompressionStream: ") {
		t.Errorf("bad data: got %v, want a TypeError", r)
	}

	// Another worker cannot use the handle; a closed handle is a TypeError.
	other := &optest.Worker{}
	if r := optest.Sync(opPush, other, h, []byte("x")); r.OK || r.Class != "TypeError" {
		t.Errorf("push from another worker: got %v", r)
	}
	optest.Sync(opClose, other, h) // not its handle: no effect
	if r := optest.Sync(opPull, w, h); r.Class == "TypeError" && strings.Contains(r.Message, "closed") {
		t.Errorf("another worker closed the handle")
	}
	optest.Sync(opClose, w, h)
	if r := optest.Sync(opPull, w, h); r.OK || r.Class != "TypeError" {
		t.Errorf("pull after close: got %v", r)
	}
}

func TestSweep(t *testing.T) {
	w := &optest.Worker{}
	h := optest.Sync(opOpen, w, Gzip, true).Value.Num
	if r := optest.Sync(opPush, w, h, stdCompress(t, Gzip, sample(100))[:10]); !r.OK {
		t.Fatal(r)
	}
	if n := table.sweep(time.Now().Add(-time.Minute)); n != 0 {
		t.Errorf("swept %d fresh handles", n)
	}
	if n := table.sweep(time.Now().Add(time.Second)); n < 1 {
		t.Errorf("swept %d handles, want 1", n)
	}
	if r := optest.Sync(opPull, w, h); r.OK {
		t.Errorf("pull on a swept handle: got %v", r)
	}
}
