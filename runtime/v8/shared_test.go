package v8

import (
	"strings"
	"testing"
)

// An isolate from a shared snapshot reads its bootstrap's source from the process's
// one copy: lazily compiled functions run and Function.prototype.toString returns
// the text, and the heap holds none of it.
func TestSharedSnapshotSource(t *testing.T) {
	pad := strings.Repeat(" ", 200_000) // big enough to show in the heap statistics
	bootstrap := `(function (op) {
  function later(x) { return "later:" + x; }` + pad + `
  return [undefined, undefined, undefined, undefined, undefined, undefined, undefined, undefined, undefined,
    function call() { return later(op(1, "x")); },
    function text() { return later.toString(); },
  ];
})`
	snap, err := NewSharedSnapshot(bootstrap)
	if err != nil {
		t.Fatal(err)
	}
	if string(snap.SharedSource()) != bootstrap {
		t.Fatal("SharedSource is not the bootstrap")
	}
	plain, err := NewSnapshot(bootstrap)
	if err != nil {
		t.Fatal(err)
	}
	ops := Options{Ops: func(iso *Isolate, id int) { iso.ReturnString(strings.ToUpper(iso.ArgString(0))) }}
	onThread(func() {
		iso, err := NewIsolate(snap, ops)
		if err != nil {
			t.Fatal(err)
		}
		defer iso.Close()
		if err := iso.Call(9); err != nil {
			t.Fatal(err)
		}
		if _, got := iso.Result(); got != "later:X" {
			t.Errorf("call() = %q", got)
		}
		if err := iso.Call(10); err != nil {
			t.Fatal(err)
		}
		if _, got := iso.Result(); got != `function later(x) { return "later:" + x; }` {
			t.Errorf("later.toString() = %q", got)
		}
		other, err := NewIsolate(plain, ops)
		if err != nil {
			t.Fatal(err)
		}
		defer other.Close()
		shared, own := iso.HeapStats().UsedHeap, other.HeapStats().UsedHeap
		if own-shared < len(pad) {
			t.Errorf("used heap %d B from the shared snapshot, %d B from the plain one: the source is not shared", shared, own)
		}
	})
	// One shared source per process.
	if _, err := SnapshotFromMemory(snap.Bytes(), []byte(bootstrap)); err == nil {
		t.Error("a second shared source was accepted")
	}
	if _, err := NewSharedSnapshot("(function () { return []; })"); err == nil {
		t.Error("a second shared snapshot was made")
	}
	if _, err := NewSharedSnapshot("(function () { return ['\u00e9']; })"); err != ErrNotASCII {
		t.Errorf("non-ASCII source: got %v, want ErrNotASCII", err)
	}
}
