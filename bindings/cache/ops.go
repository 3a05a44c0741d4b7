package cache

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"io"
	"math"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/edged-dev/edged/runtime/op"
)

// BindingName is the key of the Cache API store in a worker's bindings
// (runtime.Config.Bindings): caches.default and caches.open(name) reach it
// through the ops. It is not a valid JS identifier, so it never collides with
// a binding from wrangler.toml.
const BindingName = "edged:cache"

// The ops behind caches.default and caches.open(name) (52_cache.js). key is
// the cache's name and the request URL joined by NUL: the default cache has
// the name "" and a named cache "n:" + name (so caches.open("") is not the
// default cache, as on Workers). Headers are packed "name\0value\0..." with
// lower-case names.
//
//	op_cache_match(key, reqHeaders)           → null, or response
//	op_cache_put(key, reqHeaders, resp, body) → bool stored; resp = "status\n" + headers
//	op_cache_delete(key)                      → bool
//	op_cache_body_read(handle)                → Uint8Array chunk, or null at the end (async)
//	op_cache_body_close(handle)               → undefined (sync)
//
// response = u16 status, uvarint len + packed headers, u8 body kind, then:
// kind 0 no body; kind 1 the body (the rest); kind 2 f64 handle of a body to
// read with op_cache_body_read, for bodies larger than InlineBody, which are
// streamed out of their file rather than held in memory.
//
// Without a store (no BindingName binding) the ops behave as Workers' preview
// does: match() misses, put() stores nothing, delete() finds nothing.
func init() {
	op.Register("op_cache_match", opMatch)
	op.Register("op_cache_put", opPut)
	op.Register("op_cache_delete", opDelete)
	op.Register("op_cache_body_read", opBodyRead)
	op.Register("op_cache_body_close", opBodyClose)
}

// InlineBody is the largest body a match answers with in one buffer.
const InlineBody = 64 << 10

// ChunkSize is the most one op_cache_body_read returns.
const ChunkSize = 64 << 10

var warnOnce sync.Once

func store(w op.Worker) Store {
	s, _ := w.Binding(BindingName).(Store)
	if s == nil {
		warnOnce.Do(func() {
			w.Log(2, "edged: no Cache API store is configured: caches.default.match() always misses and put() stores nothing")
		})
	}
	return s
}

// SplitKey splits an op key into the cache name and the URL.
func SplitKey(key string) (cacheName, url string) {
	name, url, _ := strings.Cut(key, "\x00")
	return name, url
}

// ParseHeaders reads a packed header list.
func ParseHeaders(packed string) http.Header {
	h := http.Header{}
	for packed != "" {
		name, rest, _ := strings.Cut(packed, "\x00")
		value, rest2, _ := strings.Cut(rest, "\x00")
		if name != "" {
			h.Add(name, value)
		}
		packed = rest2
	}
	return h
}

// PackHeaders writes h as a packed list with lower-case names, sorted by name.
func PackHeaders(h http.Header) string {
	names := make([]string, 0, len(h))
	for k := range h {
		names = append(names, k)
	}
	sort.Strings(names)
	var b strings.Builder
	for _, k := range names {
		lk := strings.ToLower(k)
		for _, v := range h[k] {
			if b.Len() > 0 {
				b.WriteByte(0)
			}
			b.WriteString(lk)
			b.WriteByte(0)
			b.WriteString(v)
		}
	}
	return b.String()
}

func fail(w op.Worker, done op.Completer, err error) {
	var ce *Error
	if errors.As(err, &ce) {
		done.Reject(ce.Class, ce.Message)
		return
	}
	w.Log(3, "edged: cache: "+err.Error())
	done.Reject("Error", "Unable to complete the cache operation (internal error).")
}

func opMatch(c op.Call) {
	done := c.Async()
	w := c.Worker()
	s := store(w)
	if s == nil {
		done.Resolve(op.Null())
		return
	}
	name, url := SplitKey(c.ArgString(1))
	req := ParseHeaders(c.ArgString(2))
	go func() {
		// Method and ignoreMethod are settled in JS; the store sees a GET.
		resp, err := s.Match(context.Background(), name, url, http.MethodGet, req, MatchOptions{})
		if err != nil {
			fail(w, done, err)
			return
		}
		if resp == nil {
			done.Resolve(op.Null())
			return
		}
		packed := PackHeaders(resp.Header)
		out := binary.LittleEndian.AppendUint16(make([]byte, 0, 16+len(packed)), uint16(resp.Status))
		out = binary.AppendUvarint(out, uint64(len(packed)))
		out = append(out, packed...)
		switch {
		case resp.Body == nil:
			out = append(out, 0)
		case resp.Size <= InlineBody:
			out = append(out, 1)
			body, err := io.ReadAll(io.LimitReader(resp.Body, InlineBody+1))
			resp.Body.Close()
			if err != nil {
				fail(w, done, err)
				return
			}
			out = append(out, body...)
		default:
			out = append(out, 2)
			out = binary.LittleEndian.AppendUint64(out, math.Float64bits(bodies.add(resp.Body)))
		}
		done.Resolve(op.Bytes(out))
	}()
}

func opPut(c op.Call) {
	done := c.Async()
	w := c.Worker()
	s := store(w)
	if s == nil {
		done.Resolve(op.Bool(false))
		return
	}
	name, url := SplitKey(c.ArgString(1))
	req := ParseHeaders(c.ArgString(2))
	statusText, packed, _ := strings.Cut(c.ArgString(3), "\n")
	status, err := strconv.Atoi(statusText)
	if err != nil {
		fail(w, done, err)
		return
	}
	resp := ParseHeaders(packed)
	body := bytes.Clone(c.ArgView(4))
	go func() {
		stored, err := s.Put(context.Background(), name, url, http.MethodGet, req, status, resp, bytes.NewReader(body))
		if err != nil {
			fail(w, done, err)
			return
		}
		done.Resolve(op.Bool(stored))
	}()
}

func opDelete(c op.Call) {
	done := c.Async()
	w := c.Worker()
	s := store(w)
	if s == nil {
		done.Resolve(op.Bool(false))
		return
	}
	name, url := SplitKey(c.ArgString(1))
	go func() {
		found, err := s.Delete(context.Background(), name, url, http.MethodGet, MatchOptions{})
		if err != nil {
			fail(w, done, err)
			return
		}
		done.Resolve(op.Bool(found))
	}()
}

func opBodyRead(c op.Call) {
	done := c.Async()
	w := c.Worker()
	b := bodies.get(c.ArgNumber(1))
	if b == nil {
		done.Reject("TypeError", "the cached response's body is no longer available")
		return
	}
	go func() {
		b.mu.Lock()
		defer b.mu.Unlock()
		if b.rc == nil { // ended by the previous read
			bodies.close(b)
			done.Resolve(op.Null())
			return
		}
		buf := make([]byte, ChunkSize)
		n, err := io.ReadFull(b.rc, buf)
		switch {
		case n > 0:
			done.Resolve(op.Bytes(buf[:n]))
			if err != nil { // short read: the body is done; close the file now
				b.rc.Close()
				b.rc = nil
			}
		case err == nil || err == io.EOF || err == io.ErrUnexpectedEOF:
			bodies.close(b)
			done.Resolve(op.Null())
		default:
			bodies.close(b)
			fail(w, done, err)
		}
	}()
}

func opBodyClose(c op.Call) {
	if b := bodies.get(c.ArgNumber(0)); b != nil {
		go func() {
			b.mu.Lock()
			bodies.close(b)
			b.mu.Unlock()
		}()
	}
}

// openBody is a cached body being read by JS in chunks.
type openBody struct {
	mu   sync.Mutex // one read at a time
	id   float64
	rc   io.ReadCloser
	used time.Time
}

// bodyTable holds the bodies handed to JS. A body is closed when JS reads
// to its end or cancels it; one that JS drops unread is closed after
// IdleBody without a read.
type bodyTable struct {
	mu      sync.Mutex
	next    float64
	m       map[float64]*openBody
	janitor sync.Once
}

// IdleBody is how long an unread cached body stays open by default.
const IdleBody = 2 * time.Minute

var idleBody atomic.Int64 // nanoseconds; tests shorten it

func init() { idleBody.Store(int64(IdleBody)) }

var bodies = &bodyTable{m: map[float64]*openBody{}}

func (t *bodyTable) add(rc io.ReadCloser) float64 {
	t.janitor.Do(func() { go t.sweep() })
	t.mu.Lock()
	defer t.mu.Unlock()
	t.next++
	t.m[t.next] = &openBody{id: t.next, rc: rc, used: time.Now()}
	return t.next
}

func (t *bodyTable) get(id float64) *openBody {
	t.mu.Lock()
	defer t.mu.Unlock()
	b := t.m[id]
	if b != nil {
		b.used = time.Now()
	}
	return b
}

// close closes b's file and forgets it; the caller holds b.mu.
func (t *bodyTable) close(b *openBody) {
	if b.rc != nil {
		b.rc.Close()
		b.rc = nil
	}
	t.mu.Lock()
	delete(t.m, b.id)
	t.mu.Unlock()
}

func (t *bodyTable) sweep() {
	for {
		time.Sleep(time.Duration(idleBody.Load()) / 4)
		t.sweepOnce()
	}
}

// sweepOnce closes the bodies unread for longer than IdleBody.
func (t *bodyTable) sweepOnce() {
	var stale []*openBody
	t.mu.Lock()
	for _, b := range t.m {
		if time.Since(b.used) > time.Duration(idleBody.Load()) {
			stale = append(stale, b)
		}
	}
	t.mu.Unlock()
	for _, b := range stale {
		b.mu.Lock()
		t.close(b)
		b.mu.Unlock()
	}
}

// OpenBodies reports how many cached bodies JS holds open.
func OpenBodies() int {
	bodies.mu.Lock()
	defer bodies.mu.Unlock()
	return len(bodies.m)
}
