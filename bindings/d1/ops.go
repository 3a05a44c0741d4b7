package d1

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"math"

	"github.com/edged-dev/edged/runtime/op"
)

// The ops behind env.<binding> (50_d1.js). Each one names its database by
// binding name; the backend is op.Worker.Binding(name), a Database. Every op
// that touches SQLite is async: it copies its arguments, returns at once, and
// settles its promise from a goroutine.
//
//	op_d1_query(db, sql, params)  → result ‖ bookmark
//	op_d1_batch(db, stmts)        → uvarint n, n × (uvarint len, result) ‖ bookmark
//	op_d1_exec(db, script)        → f64 count, f64 duration
//	op_d1_dump(db)                → the database file
//	op_d1_region(db)              → meta.served_by_region (sync)
//
// result is Result.AppendBinary's encoding, params AppendParams's; stmts is
// uvarint n, then per statement uvarint len + SQL (UTF-8) and its params.
// The trailer ‖ bookmark is uvarint len + the database's Bookmark() after the
// call ("" when the database has none).
func init() {
	op.Register("op_d1_query", opQuery)
	op.Register("op_d1_batch", opBatch)
	op.Register("op_d1_exec", opExec)
	op.Register("op_d1_dump", opDump)
	op.Register("op_d1_region", opRegion)
}

// lookup finds the database bound to name.
func lookup(w op.Worker, name string) (Database, error) {
	switch b := w.Binding(name).(type) {
	case Database:
		return b, nil
	case nil:
		return nil, &Error{Code: CodeError, Message: fmt.Sprintf("no D1 database is configured for binding %q", name)}
	default:
		return nil, &Error{Code: CodeError, Message: fmt.Sprintf("binding %q is not a D1 database (%T)", name, b)}
	}
}

// reject settles a failed op: D1's own errors keep their text; anything else
// is an internal failure, logged in full and reported without detail.
func reject(w op.Worker, done op.Completer, err error) {
	var de *Error
	switch {
	case errors.As(err, &de):
		done.Reject("Error", de.Error())
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		done.Reject("Error", CodeError+": the query was cancelled")
	default:
		w.Log(3, "edged: d1: "+err.Error())
		done.Reject("Error", CodeError+": internal error")
	}
}

func appendBookmark(dst []byte, db Database) []byte {
	var bm string
	if b, ok := db.(Bookmarker); ok {
		bm = b.Bookmark()
	}
	dst = binary.AppendUvarint(dst, uint64(len(bm)))
	return append(dst, bm...)
}

func opQuery(c op.Call) {
	done := c.Async()
	w := c.Worker()
	db, err := lookup(w, c.ArgString(1))
	if err != nil {
		reject(w, done, err)
		return
	}
	st := Statement{SQL: c.ArgString(2)}
	if p := c.ArgView(3); len(p) > 0 {
		if st.Params, err = DecodeParams(bytes.Clone(p)); err != nil {
			reject(w, done, err)
			return
		}
	}
	go func() {
		r, err := db.Query(context.Background(), st)
		if err != nil {
			reject(w, done, err)
			return
		}
		out := r.AppendBinary(make([]byte, 0, 96+16*len(r.Values)))
		done.Resolve(op.Bytes(appendBookmark(out, db)))
	}()
}

// DecodeStatements decodes op_d1_batch's statement list. Blob parameters
// alias b.
func DecodeStatements(b []byte) ([]Statement, error) {
	n, k := binary.Uvarint(b)
	if k <= 0 || n > uint64(len(b)) {
		return nil, errShort
	}
	b = b[k:]
	out := make([]Statement, n)
	for i := range out {
		l, k := binary.Uvarint(b)
		if k <= 0 || l > uint64(len(b)-k) {
			return nil, errShort
		}
		out[i].SQL = string(b[k : k+int(l)])
		b = b[k+int(l):]
		np, k := binary.Uvarint(b)
		if k <= 0 || np > maxParams || np > uint64(len(b)) {
			return nil, errShort
		}
		b = b[k:]
		if np > 0 {
			out[i].Params = make([]Value, np)
		}
		for j := range out[i].Params {
			var err error
			if out[i].Params[j], b, err = decodeValue(b); err != nil {
				return nil, err
			}
		}
	}
	if len(b) != 0 {
		return nil, fmt.Errorf("d1: %d trailing bytes after statements", len(b))
	}
	return out, nil
}

// AppendStatements is DecodeStatements's inverse (for tests and Go clients).
func AppendStatements(dst []byte, sts []Statement) []byte {
	dst = binary.AppendUvarint(dst, uint64(len(sts)))
	for _, st := range sts {
		dst = binary.AppendUvarint(dst, uint64(len(st.SQL)))
		dst = append(dst, st.SQL...)
		dst = AppendParams(dst, st.Params)
	}
	return dst
}

func opBatch(c op.Call) {
	done := c.Async()
	w := c.Worker()
	db, err := lookup(w, c.ArgString(1))
	if err != nil {
		reject(w, done, err)
		return
	}
	sts, err := DecodeStatements(bytes.Clone(c.ArgView(2)))
	if err != nil {
		reject(w, done, err)
		return
	}
	if len(sts) == 0 {
		// What D1 answers for an empty batch.
		reject(w, done, errorf("No SQL statements detected."))
		return
	}
	go func() {
		rs, err := db.Batch(context.Background(), sts)
		if err != nil {
			reject(w, done, err)
			return
		}
		out := binary.AppendUvarint(make([]byte, 0, 128*len(rs)), uint64(len(rs)))
		var one []byte
		for _, r := range rs {
			one = r.AppendBinary(one[:0])
			out = binary.AppendUvarint(out, uint64(len(one)))
			out = append(out, one...)
		}
		done.Resolve(op.Bytes(appendBookmark(out, db)))
	}()
}

func opExec(c op.Call) {
	done := c.Async()
	w := c.Worker()
	db, err := lookup(w, c.ArgString(1))
	if err != nil {
		reject(w, done, err)
		return
	}
	script := c.ArgString(2)
	go func() {
		r, err := db.ExecScript(context.Background(), script)
		if err != nil {
			reject(w, done, err)
			return
		}
		out := binary.LittleEndian.AppendUint64(make([]byte, 0, 16), math.Float64bits(float64(r.Count)))
		out = binary.LittleEndian.AppendUint64(out, math.Float64bits(r.Duration))
		done.Resolve(op.Bytes(out))
	}()
}

func opDump(c op.Call) {
	done := c.Async()
	w := c.Worker()
	db, err := lookup(w, c.ArgString(1))
	if err != nil {
		reject(w, done, err)
		return
	}
	go func() {
		var buf bytes.Buffer
		if err := db.Dump(context.Background(), &buf); err != nil {
			var de *Error
			if errors.As(err, &de) {
				done.Reject("Error", "D1_DUMP_ERROR: "+de.Message)
				return
			}
			reject(w, done, err)
			return
		}
		done.Resolve(op.Bytes(buf.Bytes()))
	}()
}

func opRegion(c op.Call) {
	if r, ok := c.Worker().Binding(c.ArgString(0)).(Regioner); ok {
		c.ReturnString(r.Region())
		return
	}
	c.ReturnString("local")
}

// DecodeQueryOutput splits op_d1_query's answer into its result and bookmark.
func DecodeQueryOutput(b []byte) (*Result, string, error) {
	r, rest, err := decodeResult(b)
	if err != nil {
		return nil, "", err
	}
	bm, err := decodeBookmark(rest)
	return r, bm, err
}

// DecodeBatchOutput splits op_d1_batch's answer into its results and bookmark.
func DecodeBatchOutput(b []byte) ([]*Result, string, error) {
	n, k := binary.Uvarint(b)
	if k <= 0 || n > uint64(len(b)) {
		return nil, "", errShort
	}
	b = b[k:]
	out := make([]*Result, n)
	for i := range out {
		l, k := binary.Uvarint(b)
		if k <= 0 || l > uint64(len(b)-k) {
			return nil, "", errShort
		}
		r, err := DecodeResult(b[k : k+int(l)])
		if err != nil {
			return nil, "", err
		}
		out[i] = r
		b = b[k+int(l):]
	}
	bm, err := decodeBookmark(b)
	return out, bm, err
}

func decodeBookmark(b []byte) (string, error) {
	n, k := binary.Uvarint(b)
	if k <= 0 || n != uint64(len(b)-k) {
		return "", errShort
	}
	return string(b[k:]), nil
}
