package d1

import (
	"encoding/binary"
	"fmt"
	"math"
	"strconv"
	"unicode/utf8"
)

// Meta is D1's result metadata. JSON field names and order are D1's.
type Meta struct {
	ServedBy        string  // "edged"
	ServedByRegion  string  // Options.Region, "local" by default
	ServedByPrimary bool    // always true: a single-node database is its own primary
	Duration        float64 // milliseconds spent in SQLite for this statement
	Changes         int64   // rows changed by this statement (0 for reads and DDL)
	LastRowID       int64   // sqlite3_last_insert_rowid after the statement
	ChangedDB       bool    // whether the statement modified the database
	SizeAfter       int64   // database size in bytes after the statement
	RowsRead        int64   // see STORAGE.md: rows returned (SQLite does not expose scans through the driver)
	RowsWritten     int64   // rows changed, including by triggers
}

// Result is one statement's outcome: D1's {results, success, meta}. Cells are
// stored row-major in Values; row i is Values[i*len(Columns):(i+1)*len(Columns)].
type Result struct {
	Columns []string
	Values  []Value
	Meta    Meta
}

// NumRows is the number of result rows.
func (r *Result) NumRows() int {
	if len(r.Columns) == 0 {
		return 0
	}
	return len(r.Values) / len(r.Columns)
}

// Row returns row i.
func (r *Result) Row(i int) []Value {
	n := len(r.Columns)
	return r.Values[i*n : (i+1)*n : (i+1)*n]
}

// ExecResult is what D1's exec() resolves to.
type ExecResult struct {
	Count    int     `json:"count"`
	Duration float64 `json:"duration"`
}

// MarshalJSON renders D1's JSON shape, e.g.
//
//	{"results":[{"id":1}],"success":true,"meta":{"served_by":"edged",...}}
//
// Rows are objects keyed by column name; with duplicate column names the last
// one wins, as in D1. BLOBs are arrays of byte values.
func (r *Result) MarshalJSON() ([]byte, error) {
	b := make([]byte, 0, 128+16*len(r.Values))
	b = append(b, `{"results":[`...)
	for i := 0; i < r.NumRows(); i++ {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, '{')
		row := r.Row(i)
		first := true
		for j, c := range r.Columns {
			if dupLater(r.Columns, j) {
				continue
			}
			if !first {
				b = append(b, ',')
			}
			first = false
			b = appendJSONString(b, c)
			b = append(b, ':')
			b = appendJSONValue(b, row[j])
		}
		b = append(b, '}')
	}
	b = append(b, `],"success":true,"meta":`...)
	b = r.Meta.appendJSON(b)
	return append(b, '}'), nil
}

// RawJSON renders what raw() resolves to: an array of row arrays, preceded by
// the array of column names when columnNames is true.
func (r *Result) RawJSON(columnNames bool) []byte {
	b := []byte{'['}
	if columnNames {
		b = append(b, '[')
		for j, c := range r.Columns {
			if j > 0 {
				b = append(b, ',')
			}
			b = appendJSONString(b, c)
		}
		b = append(b, ']')
	}
	for i := 0; i < r.NumRows(); i++ {
		if i > 0 || columnNames {
			b = append(b, ',')
		}
		b = append(b, '[')
		for j, v := range r.Row(i) {
			if j > 0 {
				b = append(b, ',')
			}
			b = appendJSONValue(b, v)
		}
		b = append(b, ']')
	}
	return append(b, ']')
}

func dupLater(cols []string, j int) bool {
	for k := j + 1; k < len(cols); k++ {
		if cols[k] == cols[j] {
			return true
		}
	}
	return false
}

func (m *Meta) appendJSON(b []byte) []byte {
	b = append(b, `{"served_by":`...)
	b = appendJSONString(b, m.ServedBy)
	b = append(b, `,"served_by_region":`...)
	b = appendJSONString(b, m.ServedByRegion)
	b = append(b, `,"served_by_primary":`...)
	b = strconv.AppendBool(b, m.ServedByPrimary)
	b = append(b, `,"timings":{"sql_duration_ms":`...)
	b = appendFloat(b, m.Duration)
	b = append(b, `},"duration":`...)
	b = appendFloat(b, m.Duration)
	b = append(b, `,"changes":`...)
	b = strconv.AppendInt(b, m.Changes, 10)
	b = append(b, `,"last_row_id":`...)
	b = strconv.AppendInt(b, m.LastRowID, 10)
	b = append(b, `,"changed_db":`...)
	b = strconv.AppendBool(b, m.ChangedDB)
	b = append(b, `,"size_after":`...)
	b = strconv.AppendInt(b, m.SizeAfter, 10)
	b = append(b, `,"rows_read":`...)
	b = strconv.AppendInt(b, m.RowsRead, 10)
	b = append(b, `,"rows_written":`...)
	b = strconv.AppendInt(b, m.RowsWritten, 10)
	b = append(b, `,"total_attempts":1}`...)
	return b
}

// appendFloat writes a JSON number the way JavaScript prints it for the
// common cases (integral values without ".0"). NaN and ±Inf have no JSON form;
// like JSON.stringify they become null.
func appendFloat(b []byte, f float64) []byte {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return append(b, "null"...)
	}
	if f == math.Trunc(f) && math.Abs(f) < 1e21 {
		return strconv.AppendFloat(b, f, 'f', -1, 64)
	}
	return strconv.AppendFloat(b, f, 'g', -1, 64)
}

func appendJSONValue(b []byte, v Value) []byte {
	switch v.Kind {
	case Integer:
		return strconv.AppendInt(b, v.I, 10)
	case Real:
		return appendFloat(b, v.F)
	case Text:
		return appendJSONString(b, v.S)
	case Blob:
		b = append(b, '[')
		for i, c := range v.B {
			if i > 0 {
				b = append(b, ',')
			}
			b = strconv.AppendUint(b, uint64(c), 10)
		}
		return append(b, ']')
	}
	return append(b, "null"...)
}

const hexDigits = "0123456789abcdef"

func appendJSONString(b []byte, s string) []byte {
	b = append(b, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"' || c == '\\':
				b = append(b, '\\', c)
			case c == '\n':
				b = append(b, '\\', 'n')
			case c == '\r':
				b = append(b, '\\', 'r')
			case c == '\t':
				b = append(b, '\\', 't')
			case c < 0x20:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&15])
			default:
				b = append(b, c)
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n == 1 {
			b = append(b, `\ufffd`...)
		} else {
			b = append(b, s[i:i+n]...)
		}
		i += n
	}
	return append(b, '"')
}

// Binary result encoding, handed to JS as one ArrayBuffer per statement
// (little-endian; values as in AppendValue):
//
//	u8      version (1)
//	u8      flags: bit 0 changed_db, bit 1 served_by_primary
//	f64     duration (ms)
//	i64     changes, last_row_id, rows_read, rows_written, size_after
//	uvarint column count, then each column name as uvarint length + UTF-8
//	uvarint row count
//	values  row-major, rows × columns
//
// served_by and served_by_region are per-database constants the JS half
// receives once when the binding is created.
const resultVersion = 1

// AppendBinary appends the binary encoding of r to dst.
func (r *Result) AppendBinary(dst []byte) []byte {
	var flags byte
	if r.Meta.ChangedDB {
		flags |= 1
	}
	if r.Meta.ServedByPrimary {
		flags |= 2
	}
	dst = append(dst, resultVersion, flags)
	dst = binary.LittleEndian.AppendUint64(dst, math.Float64bits(r.Meta.Duration))
	for _, n := range [...]int64{r.Meta.Changes, r.Meta.LastRowID, r.Meta.RowsRead, r.Meta.RowsWritten, r.Meta.SizeAfter} {
		dst = binary.LittleEndian.AppendUint64(dst, uint64(n))
	}
	dst = binary.AppendUvarint(dst, uint64(len(r.Columns)))
	for _, c := range r.Columns {
		dst = binary.AppendUvarint(dst, uint64(len(c)))
		dst = append(dst, c...)
	}
	dst = binary.AppendUvarint(dst, uint64(r.NumRows()))
	for _, v := range r.Values {
		dst = AppendValue(dst, v)
	}
	return dst
}

// DecodeResult parses the binary encoding. It exists for tests and for Go
// clients of a remote database; the JS half has its own decoder.
func DecodeResult(b []byte) (*Result, error) {
	r, rest, err := decodeResult(b)
	if err != nil {
		return nil, err
	}
	if len(rest) != 0 {
		return nil, fmt.Errorf("d1: %d trailing bytes after result", len(rest))
	}
	return r, nil
}

// decodeResult parses one result from the front of b and returns the rest.
func decodeResult(b []byte) (*Result, []byte, error) {
	const fixed = 2 + 8*6
	if len(b) < fixed {
		return nil, nil, errShort
	}
	if b[0] != resultVersion {
		return nil, nil, fmt.Errorf("d1: result version %d, want %d", b[0], resultVersion)
	}
	r := &Result{}
	r.Meta.ChangedDB = b[1]&1 != 0
	r.Meta.ServedByPrimary = b[1]&2 != 0
	r.Meta.Duration = math.Float64frombits(binary.LittleEndian.Uint64(b[2:]))
	ints := []*int64{&r.Meta.Changes, &r.Meta.LastRowID, &r.Meta.RowsRead, &r.Meta.RowsWritten, &r.Meta.SizeAfter}
	for i, p := range ints {
		*p = int64(binary.LittleEndian.Uint64(b[10+8*i:]))
	}
	b = b[fixed:]
	nc, k := binary.Uvarint(b)
	if k <= 0 || nc > uint64(len(b)) {
		return nil, nil, errShort
	}
	b = b[k:]
	r.Columns = make([]string, nc)
	for i := range r.Columns {
		n, k := binary.Uvarint(b)
		if k <= 0 || n > uint64(len(b)-k) {
			return nil, nil, errShort
		}
		r.Columns[i] = string(b[k : k+int(n)])
		b = b[k+int(n):]
	}
	nr, k := binary.Uvarint(b)
	if k <= 0 {
		return nil, nil, errShort
	}
	b = b[k:]
	if nc == 0 && nr != 0 || nc != 0 && nr > uint64(len(b))/nc {
		return nil, nil, fmt.Errorf("d1: row count %d out of range", nr)
	}
	r.Values = make([]Value, int(nr*nc))
	for i := range r.Values {
		var err error
		if r.Values[i], b, err = decodeValue(b); err != nil {
			return nil, nil, err
		}
	}
	return r, b, nil
}
