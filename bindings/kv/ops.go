package kv

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/edged-dev/edged/runtime/op"
)

// The ops behind env.<binding> for kv_namespaces (51_kv.js). Each one names its
// namespace by binding name; the backend is op.Worker.Binding(name), a Store.
// All are async: they copy their arguments and settle from a goroutine.
//
//	op_kv_get(ns, key, withMeta)        → null, or entry
//	op_kv_get_bulk(ns, keys, withMeta)  → uvarint n, n × (u8 present, [entry as uvarint len + bytes])
//	op_kv_put(ns, key, value, opts)     → undefined; opts = "expiration\0ttl[\0metadata JSON]"
//	op_kv_delete(ns, key)               → undefined
//	op_kv_list(ns, prefix, limit, cursor) → u8 complete, uvarint len + cursor,
//	                                      uvarint n, n × (uvarint len + name, f64 expiration,
//	                                      u8 has metadata, [uvarint len + metadata])
//
// entry = u8 has metadata, f64 expiration (0: none), uvarint len + metadata, value
// (the rest). keys = uvarint n, n × (uvarint len + key).
func init() {
	op.Register("op_kv_get", opGet)
	op.Register("op_kv_get_bulk", opGetBulk)
	op.Register("op_kv_put", opPut)
	op.Register("op_kv_delete", opDelete)
	op.Register("op_kv_list", opList)
}

func lookup(w op.Worker, name, method string) (Store, error) {
	switch b := w.Binding(name).(type) {
	case Store:
		return b, nil
	case nil:
		return nil, &Error{method, 500, fmt.Sprintf("no KV namespace is configured for binding %q", name)}
	default:
		return nil, &Error{method, 500, fmt.Sprintf("binding %q is not a KV namespace (%T)", name, b)}
	}
}

// begin starts an async KV op: its worker, its completer and the namespace named by
// argument 1. When the namespace is missing the op is already rejected (ok false).
func begin(c op.Call, method string) (w op.Worker, done op.Completer, s Store, ok bool) {
	done = c.Async()
	w = c.Worker()
	s, err := lookup(w, c.ArgString(1), method)
	if err != nil {
		reject(w, done, method, err)
		return w, done, nil, false
	}
	return w, done, s, true
}

// reject settles a failed op: KV's own errors keep their text; anything else
// is logged in full and reported as KV reports a server failure.
func reject(w op.Worker, done op.Completer, method string, err error) {
	var ke *Error
	if errors.As(err, &ke) {
		done.Reject("Error", ke.Error())
		return
	}
	w.Log(3, "edged: kv: "+err.Error())
	done.Reject("Error", (&Error{method, 500, "Internal Server Error"}).Error())
}

// AppendEntry appends the op encoding of an entry.
func AppendEntry(dst []byte, e *Entry) []byte {
	var has byte
	if e.Metadata != nil {
		has = 1
	}
	dst = append(dst, has)
	dst = binary.LittleEndian.AppendUint64(dst, math.Float64bits(float64(e.Expiration)))
	dst = binary.AppendUvarint(dst, uint64(len(e.Metadata)))
	dst = append(dst, e.Metadata...)
	return append(dst, e.Value...)
}

func opGet(c op.Call) {
	w, done, s, ok := begin(c, "GET")
	if !ok {
		return
	}
	key, withMeta := c.ArgString(2), c.ArgBool(3)
	go func() {
		var e Entry
		var ok bool
		var err error
		if withMeta {
			e, ok, err = s.GetWithMetadata(context.Background(), key)
		} else {
			e.Value, ok, err = s.Get(context.Background(), key)
		}
		switch {
		case err != nil:
			reject(w, done, "GET", err)
		case !ok:
			done.Resolve(op.Null())
		default:
			done.Resolve(op.Bytes(AppendEntry(make([]byte, 0, 16+len(e.Metadata)+len(e.Value)), &e)))
		}
	}()
}

// DecodeKeys decodes op_kv_get_bulk's key list.
func DecodeKeys(b []byte) ([]string, error) {
	n, k := binary.Uvarint(b)
	if k <= 0 || n > uint64(len(b)) {
		return nil, errors.New("kv: truncated key list")
	}
	b = b[k:]
	keys := make([]string, n)
	for i := range keys {
		l, k := binary.Uvarint(b)
		if k <= 0 || l > uint64(len(b)-k) {
			return nil, errors.New("kv: truncated key list")
		}
		keys[i] = string(b[k : k+int(l)])
		b = b[k+int(l):]
	}
	if len(b) != 0 {
		return nil, errors.New("kv: trailing bytes after the key list")
	}
	return keys, nil
}

func opGetBulk(c op.Call) {
	w, done, s, ok := begin(c, "GET_BULK")
	if !ok {
		return
	}
	keys, err := DecodeKeys(c.ArgView(2))
	if err != nil {
		reject(w, done, "GET_BULK", err)
		return
	}
	if len(keys) == 0 {
		reject(w, done, "GET_BULK", &Error{"GET_BULK", 400, "You must request a minimum of 1 key"})
		return
	}
	go func() {
		es, err := s.GetBulk(context.Background(), keys)
		if err != nil {
			reject(w, done, "GET_BULK", err)
			return
		}
		out := binary.AppendUvarint(nil, uint64(len(es)))
		var one []byte
		for _, e := range es {
			if e == nil {
				out = append(out, 0)
				continue
			}
			one = AppendEntry(one[:0], e)
			out = append(out, 1)
			out = binary.AppendUvarint(out, uint64(len(one)))
			out = append(out, one...)
		}
		done.Resolve(op.Bytes(out))
	}()
}

// ParsePutOptions parses op_kv_put's options string.
func ParsePutOptions(s string) (PutOptions, error) {
	var o PutOptions
	exp, rest, _ := strings.Cut(s, "\x00")
	ttl, meta, hasMeta := strings.Cut(rest, "\x00")
	var err error
	if exp != "" {
		if o.Expiration, err = strconv.ParseInt(exp, 10, 64); err != nil {
			return o, &Error{"PUT", 400, fmt.Sprintf("Invalid expiration of %s. Please specify integer greater than the current number of seconds since the UNIX epoch.", exp)}
		}
	}
	if ttl != "" {
		if o.ExpirationTTL, err = strconv.ParseInt(ttl, 10, 64); err != nil {
			return o, &Error{"PUT", 400, fmt.Sprintf("Invalid expiration_ttl of %s. Please specify integer greater than 0.", ttl)}
		}
	}
	if hasMeta {
		o.Metadata = []byte(meta)
	}
	return o, nil
}

func opPut(c op.Call) {
	w, done, s, ok := begin(c, "PUT")
	if !ok {
		return
	}
	key := c.ArgString(2)
	view := c.ArgView(3)
	if len(view) > MaxValueSize && ValidateKey("PUT", key) == nil {
		// Refuse before copying an oversized value out of the isolate.
		reject(w, done, "PUT", &Error{"PUT", 413, fmt.Sprintf("Value length of %d exceeds limit of %d.", len(view), MaxValueSize)})
		return
	}
	value := bytes.Clone(view)
	if value == nil {
		value = []byte{}
	}
	o, err := ParsePutOptions(c.ArgString(4))
	if err != nil {
		reject(w, done, "PUT", err)
		return
	}
	go func() {
		if err := s.Put(context.Background(), key, value, o); err != nil {
			reject(w, done, "PUT", err)
			return
		}
		done.Resolve(op.Undefined())
	}()
}

func opDelete(c op.Call) {
	w, done, s, ok := begin(c, "DELETE")
	if !ok {
		return
	}
	key := c.ArgString(2)
	go func() {
		if err := s.Delete(context.Background(), key); err != nil {
			reject(w, done, "DELETE", err)
			return
		}
		done.Resolve(op.Undefined())
	}()
}

// AppendList appends the op encoding of a listing.
func AppendList(dst []byte, r *ListResult) []byte {
	if r.ListComplete {
		dst = append(dst, 1)
	} else {
		dst = append(dst, 0)
	}
	dst = binary.AppendUvarint(dst, uint64(len(r.Cursor)))
	dst = append(dst, r.Cursor...)
	dst = binary.AppendUvarint(dst, uint64(len(r.Keys)))
	for _, k := range r.Keys {
		dst = binary.AppendUvarint(dst, uint64(len(k.Name)))
		dst = append(dst, k.Name...)
		dst = binary.LittleEndian.AppendUint64(dst, math.Float64bits(float64(k.Expiration)))
		if k.Metadata == nil {
			dst = append(dst, 0)
			continue
		}
		dst = append(dst, 1)
		dst = binary.AppendUvarint(dst, uint64(len(k.Metadata)))
		dst = append(dst, k.Metadata...)
	}
	return dst
}

func opList(c op.Call) {
	// workerd reports list failures as "KV GET failed" (the listing is a GET).
	w, done, s, ok := begin(c, "GET")
	if !ok {
		return
	}
	o := ListOptions{Prefix: c.ArgString(2), Limit: c.ArgInt(3), Cursor: c.ArgString(4)}
	go func() {
		r, err := s.List(context.Background(), o)
		if err != nil {
			reject(w, done, "GET", err)
			return
		}
		done.Resolve(op.Bytes(AppendList(make([]byte, 0, 16+32*len(r.Keys)), &r)))
	}()
}
