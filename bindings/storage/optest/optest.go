// Package optest runs a binding's ops without V8: a fake op.Call that takes Go
// values as arguments and records what the op returned, threw or settled.
package optest

import (
	"fmt"
	"sync"
	"time"

	"github.com/edged-dev/edged/runtime/op"
	"github.com/edged-dev/edged/runtime/v8"
)

// Worker is an op.Worker with fixed bindings that keeps its console lines.
type Worker struct {
	Bindings map[string]any

	mu   sync.Mutex
	logs []string
}

func (w *Worker) Name() string            { return "test" }
func (w *Worker) Binding(name string) any { return w.Bindings[name] }
func (w *Worker) Log(level int, text string) {
	w.mu.Lock()
	w.logs = append(w.logs, fmt.Sprintf("%d %s", level, text))
	w.mu.Unlock()
}

// Logs returns the console lines so far ("level text").
func (w *Worker) Logs() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]string(nil), w.logs...)
}

// Result is what an op produced: a return value or a throw (sync), or a
// resolution or rejection (async).
type Result struct {
	OK      bool
	Value   op.Value
	Class   string // the error class when !OK
	Message string
}

func (r Result) String() string {
	if !r.OK {
		return r.Class + ": " + r.Message
	}
	switch r.Value.Kind {
	case v8.String:
		return fmt.Sprintf("%q", r.Value.Str)
	case v8.Bytes:
		return fmt.Sprintf("bytes %x", r.Value.Bytes)
	case v8.Number:
		return fmt.Sprint(r.Value.Num)
	case v8.Null:
		return "null"
	case v8.True:
		return "true"
	case v8.False:
		return "false"
	}
	return "undefined"
}

type call struct {
	w     *Worker
	args  []any
	res   Result
	async chan Result

	borrowed [][]byte
}

// Sync runs a sync op with args (float64/int, bool, string, []byte or nil).
func Sync(fn op.Func, w *Worker, args ...any) Result {
	c := &call{w: w, args: args, res: Result{OK: true, Value: op.Undefined()}}
	fn(c)
	c.scribble()
	if c.async != nil {
		panic("optest: Sync on an async op")
	}
	return c.res
}

// Async runs an async op (the promise id is supplied) and waits up to 10 s
// for it to settle.
func Async(fn op.Func, w *Worker, args ...any) Result {
	c := &call{w: w, args: append([]any{float64(1)}, args...)}
	fn(c)
	c.scribble()
	if c.async == nil {
		panic("optest: Async on an op that never called Async()")
	}
	select {
	case r := <-c.async:
		return r
	case <-time.After(10 * time.Second):
		return Result{Class: "Timeout", Message: "the op never settled"}
	}
}

func (c *call) arg(i int) any {
	if i < len(c.args) {
		return c.args[i]
	}
	return nil
}

func (c *call) NArgs() int { return len(c.args) }
func (c *call) ArgKind(i int) v8.Kind {
	switch x := c.arg(i).(type) {
	case nil:
		if i < len(c.args) {
			return v8.Null
		}
		return v8.Undefined
	case float64, int:
		return v8.Number
	case bool:
		if x {
			return v8.True
		}
		return v8.False
	case string:
		return v8.String
	case []byte:
		return v8.Bytes
	}
	return v8.Other
}
func (c *call) ArgNumber(i int) float64 {
	switch x := c.arg(i).(type) {
	case float64:
		return x
	case int:
		return float64(x)
	}
	return 0
}
func (c *call) ArgInt(i int) int { return int(c.ArgNumber(i)) }
func (c *call) ArgBool(i int) bool {
	b, _ := c.arg(i).(bool)
	return b
}
func (c *call) ArgString(i int) string { return string(c.ArgView(i)) }

// ArgView hands out a scratch copy that is scribbled over when the op
// returns, so an op that keeps a borrowed view is caught.
func (c *call) ArgView(i int) []byte {
	var b []byte
	switch x := c.arg(i).(type) {
	case string:
		b = []byte(x)
	case []byte:
		b = append([]byte(nil), x...)
	default:
		return nil
	}
	c.borrowed = append(c.borrowed, b)
	return b
}

func (c *call) scribble() {
	for _, b := range c.borrowed {
		for i := range b {
			b[i] = 0xAA
		}
	}
}

func (c *call) ReturnNumber(f float64) { c.res = Result{OK: true, Value: op.Num(f)} }
func (c *call) ReturnBool(b bool)      { c.res = Result{OK: true, Value: op.Bool(b)} }
func (c *call) ReturnNull()            { c.res = Result{OK: true, Value: op.Null()} }
func (c *call) ReturnString(s string)  { c.res = Result{OK: true, Value: op.Str(s)} }
func (c *call) ReturnBytes(b []byte) {
	c.res = Result{OK: true, Value: op.Bytes(append([]byte(nil), b...))}
}
func (c *call) ReturnError(class, m string) {
	c.res = Result{Class: class, Message: m}
}
func (c *call) Worker() op.Worker { return c.w }

// OnIsolateGone: the test harness has no isolate to dispose of.
func (c *call) OnIsolateGone(func()) func() { return func() {} }

func (c *call) Async() op.Completer {
	c.async = make(chan Result, 1)
	return &completer{ch: c.async}
}

type completer struct {
	once sync.Once
	ch   chan Result
}

func (c *completer) Resolve(v op.Value) {
	c.once.Do(func() { c.ch <- Result{OK: true, Value: v} })
}
func (c *completer) Reject(class, message string) {
	c.once.Do(func() { c.ch <- Result{Class: class, Message: message} })
}
