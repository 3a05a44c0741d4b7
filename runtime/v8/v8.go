// Package v8 is edged's binding to V8 10.2 (Debian's libnode): isolates made from a
// startup snapshot, ES modules, one op trampoline, hook calls, limits and exceptions
// as data. It is the only package that imports "C" for V8.
//
// An Isolate is used by one goroutine at a time (the glue takes v8::Locker on each
// call, so that goroutine may move between OS threads between calls). Only Terminate
// may be called concurrently.
package v8

/*
// Hidden visibility: the program must export no name libnode defines, since
// scripts/deps.sh binds libnode's references to its own symbols ahead of time
// (internal/prebind; TestNoLibnodeSymbolInterposed checks it).
#cgo CXXFLAGS: -std=c++17 -fno-rtti -O2 -fvisibility=hidden -fvisibility-inlines-hidden -Wno-unused-result -I${SRCDIR}/../../.deps/libnode/usr/include/node
#cgo LDFLAGS: -L${SRCDIR}/../../.deps/libnode/usr/lib/x86_64-linux-gnu -Wl,-rpath,${SRCDIR}/../../.deps/libnode/usr/lib/x86_64-linux-gnu -lnode -lstdc++
#include <stdlib.h>
#include "glue.h"
*/
import "C"

import (
	"errors"
	"fmt"
	"runtime/cgo"
	"sync"
	"sync/atomic"
	"unsafe"
)

// Kind is the type of a flat value crossing the boundary.
type Kind int32

const (
	Undefined Kind = C.EDG_UNDEFINED
	Null      Kind = C.EDG_NULL
	False     Kind = C.EDG_FALSE
	True      Kind = C.EDG_TRUE
	Number    Kind = C.EDG_NUMBER
	String    Kind = C.EDG_STRING
	Bytes     Kind = C.EDG_BYTES
	errorKind Kind = C.EDG_ERROR
	Other     Kind = C.EDG_OTHER
)

// ErrTerminated is returned by calls whose execution was terminated (a limit or
// Terminate). The isolate must be discarded.
var ErrTerminated = errors.New("v8: execution terminated")

// JSError is a JavaScript exception, as data.
type JSError struct {
	Class    string // the error's name ("TypeError"), empty for non-errors
	Message  string
	Stack    string // the error's stack, when it has one
	Location string // "file:line:column" of the throw, when known
}

func (e *JSError) Error() string {
	if e.Stack != "" {
		return e.Stack
	}
	if e.Class != "" {
		return e.Class + ": " + e.Message
	}
	return "Uncaught " + e.Message
}

var initOnce sync.Once

// Init initializes V8 once per process with the given V8 flags. Later calls do nothing.
func Init(flags string) {
	initOnce.Do(func() {
		cs := C.CString(flags)
		C.edg_init(cs)
		C.free(unsafe.Pointer(cs))
	})
}

// Version reports V8's version.
func Version() string {
	Init("")
	return C.GoString(C.edg_v8_version())
}

// Snapshot is a V8 startup blob in C memory; it lives for the process.
type Snapshot struct {
	data *C.char
	size C.size_t
	src  []byte // the shared bootstrap source (see NewSharedSnapshot), else nil
}

// Size is the blob's size in bytes.
func (s *Snapshot) Size() int { return int(s.size) }

// Bytes copies the blob out, to be cached.
func (s *Snapshot) Bytes() []byte { return C.GoBytes(unsafe.Pointer(s.data), C.int(s.size)) }

// SharedSource is the bootstrap source a shared snapshot refers to (nil for others);
// a cache stores it next to the blob. The slice is read-only.
func (s *Snapshot) SharedSource() []byte { return s.src }

// SnapshotFromMemory takes a blob made by NewSharedSnapshot in an earlier process
// together with the source it was made from, byte for byte (the blob holds only its
// length), or a blob made by NewSnapshot with no source. Nothing is copied: blob and
// source must be memory Go does not manage (a read-only mapping of a cache file)
// that stays valid and unchanged for the life of the process. It fails when the
// process already has another shared source.
func SnapshotFromMemory(blob, source []byte) (*Snapshot, error) {
	Init("")
	s := &Snapshot{data: (*C.char)(unsafe.Pointer(unsafe.SliceData(blob))), size: C.size_t(len(blob))}
	if len(source) == 0 {
		return s, nil
	}
	if C.edg_shared_source((*C.char)(unsafe.Pointer(unsafe.SliceData(source))), C.size_t(len(source))) != 0 {
		return nil, errors.New("v8: the process already has a shared snapshot source")
	}
	s.src = source
	return s, nil
}

// NewSnapshot evaluates bootstrap (a script whose completion value is a function
// taking the op trampoline and returning the hooks array) and snapshots the result.
// All isolates of a process must come from the same snapshot.
func NewSnapshot(bootstrap string) (*Snapshot, error) {
	src := C.CString(bootstrap)
	defer C.free(unsafe.Pointer(src))
	return newSnapshot(src, len(bootstrap), false)
}

// ErrNotASCII: a shared snapshot's source must be ASCII.
var ErrNotASCII = errors.New("v8: a shared snapshot's source must be ASCII")

// NewSharedSnapshot is NewSnapshot for the process's one shared snapshot: every
// isolate made from it refers to one copy of the bootstrap source in C memory
// instead of holding its own (~0.5 MB each for edged's bootstrap). The source must
// be ASCII; a process has at most one shared snapshot.
func NewSharedSnapshot(bootstrap string) (*Snapshot, error) {
	for i := 0; i < len(bootstrap); i++ {
		if bootstrap[i] >= 0x80 {
			return nil, ErrNotASCII
		}
	}
	src := cForever([]byte(bootstrap))
	s, err := newSnapshot(src, len(bootstrap), true)
	if err != nil {
		return nil, err // src stays allocated: the glue may already refer to it
	}
	s.src = unsafe.Slice((*byte)(unsafe.Pointer(src)), len(bootstrap))
	return s, nil
}

func newSnapshot(src *C.char, n int, shared bool) (*Snapshot, error) {
	Init("")
	var out *C.char
	var outlen C.size_t
	var cerr *C.char
	sh := C.int(0)
	if shared {
		sh = 1
	}
	if C.edg_snapshot_create(src, C.size_t(n), sh, &out, &outlen, &cerr) != 0 {
		msg := C.GoString(cerr)
		C.free(unsafe.Pointer(cerr))
		return nil, fmt.Errorf("v8: snapshot: %s", msg)
	}
	return &Snapshot{data: out, size: outlen}, nil
}

// cForever copies b into C memory that is never freed (it backs a shared source).
func cForever(b []byte) *C.char {
	if len(b) == 0 {
		return (*C.char)(C.malloc(1))
	}
	return (*C.char)(C.CBytes(b))
}

// OpHandler runs op id with the isolate's current arguments (Isolate.Arg*) and sets
// its result with Isolate.Return*. It runs on the isolate's thread, inside JS.
type OpHandler func(iso *Isolate, id int)

// Resolver maps an import specifier seen in module referrer to the resolved module
// name and its source.
type Resolver func(specifier, referrer string) (name, source string, err error)

// Isolate is one V8 isolate with one context.
type Isolate struct {
	p       *C.edg_isolate
	io      *C.edg_io
	handle  cgo.Handle
	ops     OpHandler
	resolve Resolver
	onTask  func(delay float64)
	mu      sync.Mutex // guards p against Terminate racing Close
	closed  atomic.Bool
	// Panic holds the value of a panic recovered in an op; the isolate is condemned.
	Panic any
}

// Options configure a new isolate.
type Options struct {
	HeapLimit int // bytes; V8 heap plus ArrayBuffers
	Ops       OpHandler
	Resolve   Resolver
	// OnTask is called, from any thread, when V8 posts a foreground task for the
	// isolate (after delay seconds); the owner should then call Pump.
	OnTask func(delay float64)
}

// NewIsolate creates an isolate from snap on the calling thread.
func NewIsolate(snap *Snapshot, opts Options) (*Isolate, error) {
	if opts.HeapLimit <= 0 {
		opts.HeapLimit = 128 << 20
	}
	iso := &Isolate{ops: opts.Ops, resolve: opts.Resolve, onTask: opts.OnTask}
	iso.handle = cgo.NewHandle(iso)
	var cerr *C.char
	p := C.edg_isolate_new(snap.data, snap.size, C.size_t(opts.HeapLimit), C.uintptr_t(iso.handle), &cerr)
	if p == nil {
		iso.handle.Delete()
		msg := C.GoString(cerr)
		C.free(unsafe.Pointer(cerr))
		return nil, fmt.Errorf("v8: new isolate: %s", msg)
	}
	iso.p = p
	iso.io = C.edg_isolate_io(p)
	return iso, nil
}

// Close disposes of the isolate. It must run on the isolate's thread.
func (iso *Isolate) Close() {
	iso.mu.Lock()
	defer iso.mu.Unlock()
	if iso.closed.Swap(true) {
		return
	}
	C.edg_isolate_dispose(iso.p)
	iso.p = nil
	iso.handle.Delete()
}

// Terminate stops any JavaScript running in the isolate. Safe from any goroutine.
func (iso *Isolate) Terminate() {
	iso.mu.Lock()
	defer iso.mu.Unlock()
	if !iso.closed.Load() {
		C.edg_isolate_terminate(iso.p)
	}
}

// OutOfMemory reports whether the heap limit was reached.
func (iso *Isolate) OutOfMemory() bool { return C.edg_isolate_oom(iso.p) != 0 }

// Crossings counts the Go↔C transitions this isolate has made (calls and op callbacks).
func (iso *Isolate) Crossings() int64 { return int64(iso.io.crossings) }

// HeapStats are a snapshot of the isolate's memory.
type HeapStats struct {
	UsedHeap, TotalHeap, HeapLimit, External, ArrayBuffers, NativeContexts int

	GlobalHandles int // bytes of global handles in use
}

// HeapStats reads the isolate's heap statistics.
func (iso *Isolate) HeapStats() HeapStats {
	var s C.edg_heap_stats
	C.edg_isolate_heap_stats(iso.p, &s)
	return HeapStats{int(s.used_heap), int(s.total_heap), int(s.heap_limit), int(s.external), int(s.array_buffers), int(s.native_contexts), int(s.global_handles)}
}

// Pump runs the foreground tasks V8 has posted for the isolate and a microtask
// checkpoint. Call it on the owner goroutine after Options.OnTask fired.
func (iso *Isolate) Pump() error {
	if iso.closed.Load() {
		return nil
	}
	return iso.status(C.edg_isolate_pump(iso.p))
}

// LowMemory asks V8 for a full garbage collection.
func (iso *Isolate) LowMemory() { C.edg_isolate_low_memory(iso.p) }

// ---- calls into JS: arguments are pushed, then Call runs a hook ----

func (iso *Isolate) vals() []C.edg_val {
	return unsafe.Slice(iso.io.vals, int(iso.io.cap_vals))
}

func (iso *Isolate) slot() *C.edg_val {
	n := int(iso.io.nvals)
	if n >= int(iso.io.cap_vals) {
		C.edg_io_reserve(iso.p, C.int(n+1), 0, 0)
	}
	iso.io.nvals++
	return &iso.vals()[n]
}

// ResetArgs clears the pushed arguments.
func (iso *Isolate) ResetArgs() {
	iso.io.nvals = 0
	iso.io.ndata = 0
}

// PushNumber appends a number argument.
func (iso *Isolate) PushNumber(f float64) {
	v := iso.slot()
	v.kind = C.EDG_NUMBER
	v.num = C.double(f)
}

// PushBool appends a boolean argument.
func (iso *Isolate) PushBool(b bool) {
	v := iso.slot()
	v.kind = C.EDG_FALSE
	if b {
		v.kind = C.EDG_TRUE
	}
}

// PushNull appends null; PushUndefined appends undefined.
func (iso *Isolate) PushNull()      { iso.slot().kind = C.EDG_NULL }
func (iso *Isolate) PushUndefined() { iso.slot().kind = C.EDG_UNDEFINED }

// PushString appends a string argument (copied).
func (iso *Isolate) PushString(s string) { iso.pushData(C.EDG_STRING, unsafe.StringData(s), len(s)) }

// PushBytes appends a byte argument (copied; a Uint8Array in JS).
func (iso *Isolate) PushBytes(b []byte) { iso.pushData(C.EDG_BYTES, unsafe.SliceData(b), len(b)) }

func (iso *Isolate) pushData(kind C.int32_t, p *byte, n int) {
	off := int(iso.io.ndata)
	if off+n > int(iso.io.cap_data) {
		C.edg_io_reserve(iso.p, 0, C.size_t(off+n), 0)
	}
	v := iso.slot()
	v.kind = kind
	v.len = C.size_t(n)
	v.num = C.double(off) // the data offset; pointers are set by fixPointers
	if n > 0 {
		copy(unsafe.Slice((*byte)(unsafe.Add(unsafe.Pointer(iso.io.data), off)), n), unsafe.Slice(p, n))
	}
	iso.io.ndata = C.size_t(off + n)
}

// fixPointers points pushed strings and bytes into the (final) data buffer, which may
// have moved while arguments were pushed.
func (iso *Isolate) fixPointers() {
	vals := iso.vals()[:int(iso.io.nvals)]
	for i := range vals {
		if vals[i].kind == C.EDG_STRING || vals[i].kind == C.EDG_BYTES {
			vals[i].ptr = (*C.char)(unsafe.Add(unsafe.Pointer(iso.io.data), int(vals[i].num)))
		}
	}
}

// Call runs hook slot with the pushed arguments (then clears them) and a microtask
// checkpoint. A JS exception is returned as *JSError; termination as ErrTerminated.
func (iso *Isolate) Call(slot int) error {
	iso.fixPointers()
	rc := C.edg_call(iso.p, C.int(slot))
	iso.ResetArgs()
	return iso.status(rc)
}

func (iso *Isolate) status(rc C.int) error {
	switch rc {
	case C.EDG_OK:
		return nil
	case C.EDG_TERMINATED:
		return ErrTerminated
	default:
		io := iso.io
		return &JSError{
			Class:    C.GoStringN(io.err_class, C.int(io.err_class_len)),
			Message:  C.GoStringN(io.err_message, C.int(io.err_message_len)),
			Stack:    C.GoStringN(io.err_stack, C.int(io.err_stack_len)),
			Location: C.GoStringN(io.err_where, C.int(io.err_where_len)),
		}
	}
}

// Result is the value the last Call returned, as a string (numbers formatted, other
// kinds empty).
func (iso *Isolate) Result() (Kind, string) {
	r := iso.io.result
	switch Kind(r.kind) {
	case String, Bytes:
		return Kind(r.kind), C.GoStringN(r.ptr, C.int(r.len))
	case Number:
		return Number, fmt.Sprint(float64(r.num))
	}
	return Kind(r.kind), ""
}

// LoadModule compiles, instantiates and evaluates the ES module name, then calls the
// moduleLoaded hook with its namespace and extra.
func (iso *Isolate) LoadModule(name, source, extra string) error {
	return iso.load(name, source, extra, false)
}

// LoadScript runs a classic (non-module) script, then calls the moduleLoaded hook
// with undefined and extra.
func (iso *Isolate) LoadScript(name, source, extra string) error {
	return iso.load(name, source, extra, true)
}

func (iso *Isolate) load(name, source, extra string, script bool) error {
	iso.ResetArgs()
	iso.PushString(extra)
	iso.fixPointers()
	cn := C.CString(name)
	defer C.free(unsafe.Pointer(cn))
	cs := C.CString(source)
	defer C.free(unsafe.Pointer(cs))
	var rc C.int
	if script {
		rc = C.edg_script_load(iso.p, cn, C.size_t(len(name)), cs, C.size_t(len(source)))
	} else {
		rc = C.edg_module_load(iso.p, cn, C.size_t(len(name)), cs, C.size_t(len(source)))
	}
	iso.ResetArgs()
	return iso.status(rc)
}

// ---- inside an op: arguments and results ----

// NArgs is the number of arguments of the running op.
func (iso *Isolate) NArgs() int { return int(iso.io.nvals) }

// ArgKind is the kind of argument i of the running op.
func (iso *Isolate) ArgKind(i int) Kind {
	if i >= int(iso.io.nvals) {
		return Undefined
	}
	return Kind(iso.vals()[i].kind)
}

// ArgNumber is argument i as a number (0 when it is not one).
func (iso *Isolate) ArgNumber(i int) float64 {
	if i >= int(iso.io.nvals) || iso.vals()[i].kind != C.EDG_NUMBER {
		return 0
	}
	return float64(iso.vals()[i].num)
}

// ArgInt is argument i as an int.
func (iso *Isolate) ArgInt(i int) int { return int(iso.ArgNumber(i)) }

// ArgBool is argument i's truthiness for booleans (false for other kinds).
func (iso *Isolate) ArgBool(i int) bool { return iso.ArgKind(i) == True }

// ArgString copies argument i (a string or bytes) into a Go string.
func (iso *Isolate) ArgString(i int) string {
	b := iso.ArgView(i)
	if b == nil {
		return ""
	}
	return string(b)
}

// ArgView borrows argument i's bytes (a string's UTF-8 or a view's bytes). The slice
// is valid only until the op returns; writes to a view's bytes are seen by JS.
func (iso *Isolate) ArgView(i int) []byte {
	if i >= int(iso.io.nvals) {
		return nil
	}
	v := iso.vals()[i]
	if (v.kind != C.EDG_STRING && v.kind != C.EDG_BYTES) || v.ptr == nil {
		return nil
	}
	return unsafe.Slice((*byte)(unsafe.Pointer(v.ptr)), int(v.len))
}

// ReturnNumber sets the op's result to a number.
func (iso *Isolate) ReturnNumber(f float64) {
	iso.io.ret.kind = C.EDG_NUMBER
	iso.io.ret.num = C.double(f)
}

// ReturnBool sets the op's result to a boolean.
func (iso *Isolate) ReturnBool(b bool) {
	iso.io.ret.kind = C.EDG_FALSE
	if b {
		iso.io.ret.kind = C.EDG_TRUE
	}
}

// ReturnNull sets the op's result to null.
func (iso *Isolate) ReturnNull() { iso.io.ret.kind = C.EDG_NULL }

// ReturnString sets the op's result to a string (copied).
func (iso *Isolate) ReturnString(s string) { iso.ret(C.EDG_STRING, unsafe.StringData(s), len(s)) }

// ReturnBytes sets the op's result to a new Uint8Array with b's bytes (copied).
func (iso *Isolate) ReturnBytes(b []byte) { iso.ret(C.EDG_BYTES, unsafe.SliceData(b), len(b)) }

// ReturnError makes the op throw a JS error of class (TypeError, RangeError, Error, or
// a DOMException name) with message.
func (iso *Isolate) ReturnError(class, message string) {
	s := class + "\x00" + message
	iso.ret(C.EDG_ERROR, unsafe.StringData(s), len(s))
}

func (iso *Isolate) ret(kind C.int32_t, p *byte, n int) {
	if n > int(iso.io.cap_retdata) {
		C.edg_io_reserve(iso.p, 0, 0, C.size_t(n))
	}
	if n > 0 {
		copy(unsafe.Slice((*byte)(unsafe.Pointer(iso.io.retdata)), n), unsafe.Slice(p, n))
	}
	iso.io.ret.kind = kind
	iso.io.ret.ptr = iso.io.retdata
	iso.io.ret.len = C.size_t(n)
}
