package config

import (
	"encoding/json"
	"fmt"
	"math"
	"regexp"
	"sort"
	"strings"
	"time"
)

// Error is one problem found in a configuration file.
type Error struct {
	File  string // the file, as it was named to the loader
	Field string // dotted field path, e.g. env.staging.vars; empty for the whole file
	Msg   string
}

func (e *Error) Error() string {
	if e.Field == "" {
		return e.File + ": " + e.Msg
	}
	return e.File + ": " + e.Field + ": " + e.Msg
}

// Errors is every problem found in one load. A loader never returns a
// partly valid configuration: it returns the configuration or an Errors.
type Errors []*Error

func (es Errors) Error() string {
	var b strings.Builder
	for i, e := range es {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(e.Error())
	}
	return b.String()
}

// Unwrap lets errors.As find the individual errors.
func (es Errors) Unwrap() []error {
	out := make([]error, len(es))
	for i, e := range es {
		out[i] = e
	}
	return out
}

// Warning is a problem that does not stop the load, such as an unknown field.
// Warnings are returned, never printed.
type Warning struct {
	File  string
	Field string
	Msg   string
}

func (w Warning) String() string {
	if w.Field == "" {
		return w.File + ": " + w.Msg
	}
	return w.File + ": " + w.Field + ": " + w.Msg
}

// decoder walks a generic decoded document (maps, slices, scalars from
// TOML or JSON) and collects errors and warnings with field paths.
type decoder struct {
	file  string
	json  bool // the file is JSON: say "object", not "table"
	errs  Errors
	warns []Warning
}

func (d *decoder) errorf(path, format string, args ...any) {
	d.errs = append(d.errs, &Error{File: d.file, Field: path, Msg: fmt.Sprintf(format, args...)})
}

func (d *decoder) warnf(path, format string, args ...any) {
	d.warns = append(d.warns, Warning{File: d.file, Field: path, Msg: fmt.Sprintf(format, args...)})
}

var plainKey = regexp.MustCompile(`^[A-Za-z0-9_$-]+$`)

// join appends key to a field path, quoting keys that would be ambiguous.
func join(path, key string) string {
	if !plainKey.MatchString(key) {
		key = fmt.Sprintf("%q", key)
	}
	if path == "" {
		return key
	}
	return path + "." + key
}

func index(path string, i int) string { return fmt.Sprintf("%s[%d]", path, i) }

func (d *decoder) tableWord() string {
	if d.json {
		return "an object"
	}
	return "a table"
}

// kind names the type of a decoded value for error messages.
func (d *decoder) kind(v any) string {
	switch v.(type) {
	case string:
		return "a string"
	case bool:
		return "a boolean"
	case int64, float64, json.Number:
		return "a number"
	case map[string]any:
		return d.tableWord()
	case []any, []map[string]any:
		return "an array"
	case time.Time:
		return "a date-time"
	case nil:
		return "null"
	}
	return fmt.Sprintf("a %T", v)
}

func (d *decoder) mismatch(path, want string, v any) {
	d.errorf(path, "expected %s, got %s", want, d.kind(v))
}

func (d *decoder) str(path string, v any) (string, bool) {
	s, ok := v.(string)
	if !ok {
		d.mismatch(path, "a string", v)
	}
	return s, ok
}

func (d *decoder) boolean(path string, v any) (bool, bool) {
	b, ok := v.(bool)
	if !ok {
		d.mismatch(path, "a boolean", v)
	}
	return b, ok
}

// integer reads a whole number in [min, max].
func (d *decoder) integer(path string, v any, min, max int64) (int64, bool) {
	var n int64
	switch x := v.(type) {
	case int64:
		n = x
	case float64:
		if x != math.Trunc(x) || x < math.MinInt64 || x > math.MaxInt64 {
			d.errorf(path, "expected a whole number, got %v", x)
			return 0, false
		}
		n = int64(x)
	case json.Number:
		i, err := x.Int64()
		if err != nil {
			f, ferr := x.Float64()
			if ferr != nil || f != math.Trunc(f) || math.Abs(f) > 1<<62 {
				d.errorf(path, "expected a whole number, got %s", x)
				return 0, false
			}
			i = int64(f)
		}
		n = i
	default:
		d.mismatch(path, "a number", v)
		return 0, false
	}
	if n < min || n > max {
		d.errorf(path, "expected a number from %d to %d, got %d", min, max, n)
		return 0, false
	}
	return n, true
}

func (d *decoder) table(path string, v any) (map[string]any, bool) {
	m, ok := v.(map[string]any)
	if !ok {
		d.mismatch(path, d.tableWord(), v)
	}
	return m, ok
}

func (d *decoder) array(path string, v any) ([]any, bool) {
	switch a := v.(type) {
	case []any:
		return a, true
	case []map[string]any: // BurntSushi/toml decodes [[arrays]] of tables so
		out := make([]any, len(a))
		for i := range a {
			out[i] = a[i]
		}
		return out, true
	}
	d.mismatch(path, "an array", v)
	return nil, false
}

func (d *decoder) strs(path string, v any) ([]string, bool) {
	a, ok := d.array(path, v)
	if !ok {
		return nil, false
	}
	out := make([]string, 0, len(a))
	for i, e := range a {
		s, ok2 := d.str(index(path, i), e)
		if !ok2 {
			ok = false
			continue
		}
		out = append(out, s)
	}
	return out, ok
}

func (d *decoder) strMap(path string, v any) (map[string]string, bool) {
	m, ok := d.table(path, v)
	if !ok {
		return nil, false
	}
	out := make(map[string]string, len(m))
	for _, k := range sortedKeys(m) {
		s, ok2 := d.str(join(path, k), m[k])
		if !ok2 {
			ok = false
			continue
		}
		out[k] = s
	}
	return out, ok
}

// value normalizes any JSON-like value: strings, booleans, int64 or float64
// numbers, map[string]any and []any. TOML date-times are refused.
func (d *decoder) value(path string, v any) (any, bool) {
	switch x := v.(type) {
	case string, bool, int64:
		return x, true
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			d.errorf(path, "expected a finite number, got %v", x)
			return nil, false
		}
		return x, true
	case json.Number:
		if i, err := x.Int64(); err == nil {
			return i, true
		}
		f, err := x.Float64()
		if err != nil || math.IsInf(f, 0) {
			d.errorf(path, "number %s is out of range", x)
			return nil, false
		}
		return f, true
	case map[string]any:
		out := make(map[string]any, len(x))
		ok := true
		for _, k := range sortedKeys(x) {
			e, ok2 := d.value(join(path, k), x[k])
			ok = ok && ok2
			out[k] = e
		}
		return out, ok
	case []any, []map[string]any:
		a, _ := d.array(path, x)
		out := make([]any, len(a))
		ok := true
		for i, e := range a {
			var ok2 bool
			out[i], ok2 = d.value(index(path, i), e)
			ok = ok && ok2
		}
		return out, ok
	case nil:
		return nil, true // JSON null
	}
	noun := "table"
	if d.json {
		noun = "object"
	}
	d.errorf(path, "expected a string, number, boolean, %s or array, got %s", noun, d.kind(v))
	return nil, false
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
