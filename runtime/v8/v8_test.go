package v8

import (
	"errors"
	"runtime"
	"strings"
	"sync"
	"testing"
)

// A tiny bootstrap: hooks[0] echoes its args through op 1; hooks[5] makes errors.
const testBootstrap = `(function (op) {
  const makeError = (cls, msg) => { const E = globalThis[cls] || Error; return new E(msg); };
  return [
    function echo(...args) { return op(1, ...args); },
    function moduleLoaded(ns, extra) { globalThis.__ns = ns; globalThis.__extra = extra; },
    undefined,
    function viaOp(a) { return op(2, a); },
    function readNs() { return globalThis.__extra + ":" + globalThis.__ns.default; },
    makeError,
    undefined,
    undefined, // 7: scheduled
    undefined, // 8: contextReady
    function spin() { for (;;) {} },
    function recurse() { const f = () => f() + 1; return f(); },
    function throwIt() { throw new TypeError("bad thing"); },
    function bomb() { const a = []; for (;;) a.push(new Array(1e5).fill(1.5)); },
    function bigBuffer() { return new ArrayBuffer(2 ** 31).byteLength; },
  ];
})`

// Slots of the test bootstrap's functions past the hooks the glue calls itself.
const (
	slotSpin = 9 + iota
	slotRecurse
	slotThrow
	slotBomb
	slotBigBuffer
)

var (
	snapOnce sync.Once
	snap     *Snapshot
	snapErr  error
)

func testSnapshot(t testing.TB) *Snapshot {
	snapOnce.Do(func() { snap, snapErr = NewSnapshot(testBootstrap) })
	if snapErr != nil {
		t.Fatal(snapErr)
	}
	return snap
}

// onThread runs f on a locked OS thread, as the runtime's loops do.
func onThread(f func()) {
	done := make(chan struct{})
	go func() {
		runtime.LockOSThread()
		defer runtime.UnlockOSThread()
		defer close(done)
		f()
	}()
	<-done
}

func newTestIsolate(t testing.TB, limit int) *Isolate {
	iso, err := NewIsolate(testSnapshot(t), Options{HeapLimit: limit, Ops: func(iso *Isolate, id int) {
		switch id {
		case 1: // echo the first argument back
			switch iso.ArgKind(0) {
			case String:
				iso.ReturnString(strings.ToUpper(iso.ArgString(0)))
			case Number:
				iso.ReturnNumber(iso.ArgNumber(0) * 2)
			case Bytes:
				b := append([]byte(nil), iso.ArgView(0)...)
				b = append(b, 0xff)
				iso.ReturnBytes(b)
			default:
				iso.ReturnNull()
			}
		case 2:
			iso.ReturnError("RangeError", "op says no: "+iso.ArgString(0))
		}
	}})
	if err != nil {
		t.Fatal(err)
	}
	return iso
}

func TestVersion(t *testing.T) {
	if v := Version(); !strings.HasPrefix(v, "10.2.") {
		t.Fatalf("got V8 %q, want 10.2.x", v)
	}
}

func TestCallAndOps(t *testing.T) {
	onThread(func() {
		iso := newTestIsolate(t, 64<<20)
		defer iso.Close()
		iso.PushString("héllo")
		if err := iso.Call(0); err != nil {
			t.Fatal(err)
		}
		if k, s := iso.Result(); k != String || s != "HÉLLO" {
			t.Errorf("got %v %q, want String HÉLLO", k, s)
		}
		iso.PushNumber(21)
		if err := iso.Call(0); err != nil {
			t.Fatal(err)
		}
		if _, s := iso.Result(); s != "42" {
			t.Errorf("got %q, want 42", s)
		}
		iso.PushBytes([]byte{1, 2})
		if err := iso.Call(0); err != nil {
			t.Fatal(err)
		}
		if k := iso.io.result.kind; Kind(k) != Bytes {
			t.Errorf("got kind %v, want Bytes", k)
		}
		if _, s := iso.Result(); s != "\x01\x02\xff" {
			t.Errorf("got %q, want 01 02 ff", s)
		}
		// Many large string args force the data buffer to grow mid-push.
		for i := 0; i < 3; i++ {
			iso.PushString(strings.Repeat("x", 5000))
		}
		if err := iso.Call(0); err != nil {
			t.Fatal(err)
		}
		if _, s := iso.Result(); s != strings.Repeat("X", 5000) {
			t.Errorf("got %d bytes, want 5000 X", len(s))
		}
	})
}

func TestOpErrorIsThrown(t *testing.T) {
	onThread(func() {
		iso := newTestIsolate(t, 64<<20)
		defer iso.Close()
		iso.PushString("x")
		err := iso.Call(3)
		var je *JSError
		if !errors.As(err, &je) || je.Class != "RangeError" || je.Message != "op says no: x" {
			t.Fatalf("got %v, want RangeError op says no: x", err)
		}
	})
}

func TestExceptionAsData(t *testing.T) {
	onThread(func() {
		iso := newTestIsolate(t, 64<<20)
		defer iso.Close()
		err := iso.Call(slotThrow)
		var je *JSError
		if !errors.As(err, &je) || je.Class != "TypeError" || je.Message != "bad thing" || !strings.Contains(je.Stack, "throwIt") {
			t.Fatalf("got %#v", err)
		}
		// The isolate is still usable.
		iso.PushString("a")
		if err := iso.Call(0); err != nil {
			t.Fatal(err)
		}
	})
}

func TestModules(t *testing.T) {
	onThread(func() {
		iso := newTestIsolate(t, 64<<20)
		defer iso.Close()
		iso.resolve = func(spec, ref string) (string, string, error) {
			if spec == "./dep.js" && ref == "main.js" {
				return "dep.js", "export const v = 41;", nil
			}
			return "", "", errors.New("no such module " + spec)
		}
		if err := iso.LoadModule("main.js", "import {v} from './dep.js'; export default v + 1;", "env"); err != nil {
			t.Fatal(err)
		}
		if err := iso.Call(4); err != nil {
			t.Fatal(err)
		}
		if _, s := iso.Result(); s != "env:42" {
			t.Errorf("got %q, want env:42", s)
		}
	})
}

func TestModuleErrors(t *testing.T) {
	cases := []struct{ name, src, want string }{
		{"syntax", "export default {\n  fetch( {\n}", "bad.js:3"},
		{"throw", "\nthrow new Error('top level boom');", "top level boom"},
		{"import", "import x from './missing.js';", "no such module"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			onThread(func() {
				iso := newTestIsolate(t, 64<<20)
				defer iso.Close()
				iso.resolve = func(spec, ref string) (string, string, error) {
					return "", "", errors.New("no such module " + spec)
				}
				err := iso.LoadModule("bad.js", c.src, "")
				var je *JSError
				if !errors.As(err, &je) {
					t.Fatalf("got %v, want a JSError", err)
				}
				if got := je.Location + " " + je.Error(); !strings.Contains(got, c.want) {
					t.Errorf("got %q, want it to contain %q", got, c.want)
				}
			})
		})
	}
}

func TestTerminate(t *testing.T) {
	onThread(func() {
		iso := newTestIsolate(t, 64<<20)
		defer iso.Close()
		go func() {
			for iso.Crossings() < 1 {
				runtime.Gosched()
			}
			iso.Terminate()
		}()
		if err := iso.Call(slotSpin); !errors.Is(err, ErrTerminated) {
			t.Fatalf("got %v, want ErrTerminated", err)
		}
	})
}

func TestStackOverflowIsRangeError(t *testing.T) {
	onThread(func() {
		iso := newTestIsolate(t, 64<<20)
		defer iso.Close()
		err := iso.Call(slotRecurse)
		var je *JSError
		if !errors.As(err, &je) || je.Class != "RangeError" {
			t.Fatalf("got %v, want RangeError", err)
		}
	})
}

func TestHeapLimit(t *testing.T) {
	onThread(func() {
		iso := newTestIsolate(t, 32<<20)
		defer iso.Close()
		if err := iso.Call(slotBomb); !errors.Is(err, ErrTerminated) || !iso.OutOfMemory() {
			t.Fatalf("got %v (oom %v), want termination by the heap limit", err, iso.OutOfMemory())
		}
	})
	onThread(func() {
		iso := newTestIsolate(t, 32<<20)
		defer iso.Close()
		err := iso.Call(slotBigBuffer)
		var je *JSError
		if !errors.As(err, &je) || je.Class != "RangeError" {
			t.Fatalf("got %v, want RangeError for a 2 GiB ArrayBuffer", err)
		}
	})
}

func BenchmarkIsolateFromSnapshot(b *testing.B) {
	testSnapshot(b)
	b.ReportAllocs()
	onThread(func() {
		for i := 0; i < b.N; i++ {
			iso := newTestIsolate(b, 64<<20)
			iso.Close()
		}
	})
}

func BenchmarkSyncOpRoundTrip(b *testing.B) {
	b.ReportAllocs()
	onThread(func() {
		iso := newTestIsolate(b, 64<<20)
		defer iso.Close()
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			iso.PushNumber(1)
			if err := iso.Call(0); err != nil {
				b.Fatal(err)
			}
		}
	})
}
