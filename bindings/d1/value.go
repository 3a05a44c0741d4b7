package d1

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
)

// Kind is the SQLite storage class of a Value.
type Kind uint8

// The storage classes, in the order of their wire tags.
const (
	Null    Kind = iota // SQL NULL; JS null
	Integer             // 64-bit signed integer; JS number (see Value)
	Real                // IEEE 754 double; JS number
	Text                // UTF-8 text; JS string
	Blob                // bytes; JS Array of byte values (D1's shape)
)

func (k Kind) String() string {
	switch k {
	case Null:
		return "null"
	case Integer:
		return "integer"
	case Real:
		return "real"
	case Text:
		return "text"
	case Blob:
		return "blob"
	}
	return fmt.Sprintf("kind(%d)", uint8(k))
}

// Value is one SQL value: a bound parameter or a result cell. Only the field
// matching Kind is meaningful.
//
// Integers are carried as int64 end to end. D1 hands them to JavaScript as
// plain numbers, so values beyond ±2^53 are rounded to the nearest double on
// the JS side, exactly as D1 does (D1 stores 64-bit integers but its API
// returns Numbers, not BigInts). The op layer converts with Number(bigint).
type Value struct {
	Kind Kind
	I    int64
	F    float64
	S    string
	B    []byte
}

// NullValue, Int, Float, String, Bytes and Bool build Values.
func NullValue() Value      { return Value{} }
func Int(i int64) Value     { return Value{Kind: Integer, I: i} }
func Float(f float64) Value { return Value{Kind: Real, F: f} }
func String(s string) Value { return Value{Kind: Text, S: s} }
func Bytes(b []byte) Value  { return Value{Kind: Blob, B: b} }

// Bool binds as D1 does: true → 1, false → 0.
func Bool(b bool) Value {
	if b {
		return Int(1)
	}
	return Int(0)
}

// Any returns the value as a Go value: nil, int64, float64, string or []byte.
func (v Value) Any() any {
	switch v.Kind {
	case Integer:
		return v.I
	case Real:
		return v.F
	case Text:
		return v.S
	case Blob:
		if v.B == nil {
			return []byte{}
		}
		return v.B
	}
	return nil
}

// Wire encoding of values, shared by parameters and results (little-endian):
//
//	tag 0 NULL     (no payload)
//	tag 1 INTEGER  int64, 8 bytes
//	tag 2 REAL     float64 bits, 8 bytes
//	tag 3 TEXT     uvarint byte length, UTF-8 bytes
//	tag 4 BLOB     uvarint byte length, bytes
//
// A parameter list is a uvarint count followed by that many values. The JS
// half encodes: null → NULL; integral Number in the safe range → INTEGER,
// other Numbers → REAL; string → TEXT; boolean → INTEGER 1/0; BigInt in int64
// range → INTEGER; ArrayBuffer, views and arrays of bytes → BLOB. Anything else
// throws TypeError(ErrType(...)) in JS before an op is issued.

// AppendValue appends the wire encoding of v to dst.
func AppendValue(dst []byte, v Value) []byte {
	dst = append(dst, byte(v.Kind))
	switch v.Kind {
	case Integer:
		dst = binary.LittleEndian.AppendUint64(dst, uint64(v.I))
	case Real:
		dst = binary.LittleEndian.AppendUint64(dst, math.Float64bits(v.F))
	case Text:
		dst = binary.AppendUvarint(dst, uint64(len(v.S)))
		dst = append(dst, v.S...)
	case Blob:
		dst = binary.AppendUvarint(dst, uint64(len(v.B)))
		dst = append(dst, v.B...)
	}
	return dst
}

// AppendParams appends the wire encoding of a parameter list.
func AppendParams(dst []byte, params []Value) []byte {
	dst = binary.AppendUvarint(dst, uint64(len(params)))
	for _, p := range params {
		dst = AppendValue(dst, p)
	}
	return dst
}

var errShort = errors.New("d1: truncated value encoding")

// maxParams bounds decoding; SQLite's own limit (SQLITE_MAX_VARIABLE_NUMBER)
// is 32766.
const maxParams = 32766

// DecodeParams decodes a parameter list written by AppendParams. Blob values
// alias b; the caller keeps b unchanged until the statement has run.
func DecodeParams(b []byte) ([]Value, error) {
	n, k := binary.Uvarint(b)
	if k <= 0 {
		return nil, errShort
	}
	if n > maxParams || n > uint64(len(b)) {
		return nil, fmt.Errorf("d1: parameter count %d out of range", n)
	}
	b = b[k:]
	out := make([]Value, n)
	for i := range out {
		var err error
		out[i], b, err = decodeValue(b)
		if err != nil {
			return nil, err
		}
	}
	if len(b) != 0 {
		return nil, fmt.Errorf("d1: %d trailing bytes after parameters", len(b))
	}
	return out, nil
}

func decodeValue(b []byte) (Value, []byte, error) {
	if len(b) == 0 {
		return Value{}, nil, errShort
	}
	tag := Kind(b[0])
	b = b[1:]
	switch tag {
	case Null:
		return Value{}, b, nil
	case Integer, Real:
		if len(b) < 8 {
			return Value{}, nil, errShort
		}
		u := binary.LittleEndian.Uint64(b)
		if tag == Integer {
			return Int(int64(u)), b[8:], nil
		}
		return Float(math.Float64frombits(u)), b[8:], nil
	case Text, Blob:
		n, k := binary.Uvarint(b)
		if k <= 0 || n > uint64(len(b)-k) {
			return Value{}, nil, errShort
		}
		p := b[k : k+int(n)]
		if tag == Text {
			return String(string(p)), b[k+int(n):], nil
		}
		return Bytes(p[:len(p):len(p)]), b[k+int(n):], nil
	}
	return Value{}, nil, fmt.Errorf("d1: unknown value tag %d", tag)
}
