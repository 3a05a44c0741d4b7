// Package op is the contract between the runtime and the Go halves of bindings: a
// binding registers named ops at init; the runtime gives each call a Call to read
// its arguments and set its result. Ops run on the isolate's thread, inside JS, so
// a sync op must be quick; anything that blocks belongs in an async op, which
// finishes from any goroutine through its Completer.
package op

import (
	"fmt"
	"sort"
	"sync"

	"github.com/edged-dev/edged/runtime/v8"
)

// Call is one op invocation. Argument accessors never fail: a missing or mistyped
// argument reads as the zero value, so ops validate what they need.
type Call interface {
	NArgs() int
	ArgKind(i int) v8.Kind
	ArgNumber(i int) float64
	ArgInt(i int) int
	ArgBool(i int) bool
	ArgString(i int) string
	// ArgView borrows argument i's bytes until the op returns; copy what you keep.
	ArgView(i int) []byte

	ReturnNumber(f float64)
	ReturnBool(b bool)
	ReturnNull()
	ReturnString(s string)
	ReturnBytes(b []byte)
	// ReturnError throws: class is a JS error class (TypeError, RangeError, Error) or a
	// DOMException name (DataError, NotSupportedError, ...).
	ReturnError(class, message string)

	// Async takes argument 0 as the promise id of an async op (core.opAsync) and
	// returns the completer that settles it. Arguments of the op proper start at 1.
	Async() Completer
	// Worker is the worker the isolate runs.
	Worker() Worker
	// OnIsolateGone runs f once, on some goroutine, when the isolate this op runs in
	// is disposed of (a limit killed it, it was evicted or the worker closed), unless
	// cancel was called first. It is for what an op opened that JS would otherwise
	// close and a dead isolate never will; cancel when JS closed it.
	OnIsolateGone(f func()) (cancel func())
}

// Completer settles one async op's promise; safe from any goroutine, once.
type Completer interface {
	Resolve(v Value)
	Reject(class, message string)
}

// Value is a flat result: only these kinds cross to JS.
type Value struct {
	Kind  v8.Kind
	Num   float64
	Str   string
	Bytes []byte
}

// Convenience constructors.
func Str(s string) Value   { return Value{Kind: v8.String, Str: s} }
func Bytes(b []byte) Value { return Value{Kind: v8.Bytes, Bytes: b} }
func Num(f float64) Value  { return Value{Kind: v8.Number, Num: f} }
func Null() Value          { return Value{Kind: v8.Null} }
func Undefined() Value     { return Value{Kind: v8.Undefined} }
func Bool(b bool) Value    { return Value{Kind: map[bool]v8.Kind{true: v8.True, false: v8.False}[b]} }

// Worker is what an op may know of the worker it serves.
type Worker interface {
	Name() string
	// Binding returns the backend configured for binding name (a D1 database, a KV
	// store...), or nil.
	Binding(name string) any
	// Log writes to the worker's console: level 0 debug, 1 log, 2 warn, 3 error.
	Log(level int, text string)
}

// Func implements an op.
type Func func(c Call)

var (
	mu       sync.Mutex
	registry = map[string]Func{}
	frozen   bool
)

// Register adds an op named op_<area>_<verb>. Call it from init: the op table is
// frozen into the startup snapshot when the first worker starts.
func Register(name string, fn Func) {
	mu.Lock()
	defer mu.Unlock()
	if frozen {
		panic(fmt.Sprintf("op: %s registered after the op table was frozen", name))
	}
	if _, dup := registry[name]; dup {
		panic("op: duplicate op " + name)
	}
	registry[name] = fn
}

// Table freezes the registry and returns the ops sorted by name; an op's id is its
// index.
func Table() (names []string, fns []Func) {
	mu.Lock()
	defer mu.Unlock()
	frozen = true
	for n := range registry {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fns = append(fns, registry[n])
	}
	return names, fns
}
