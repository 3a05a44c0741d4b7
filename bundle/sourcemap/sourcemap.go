// Package sourcemap reads source maps (revision 3) and maps positions in generated
// JavaScript back to the original sources, so that stack traces and error messages
// name the file, line and column the author wrote.
//
// Only what edged needs is here: decoding the "mappings" field (base64 VLQ), looking
// up a generated position, and rewriting "name:line:column" locations in text.
// Index maps (with "sections") are refused.
package sourcemap

import (
	"encoding/json"
	"errors"
	"fmt"
	"sort"
)

// Pos is a position in an original source. Line and Column are 1-based, as V8 prints
// them in stack traces.
type Pos struct {
	Source string // as listed in the map's "sources", joined with "sourceRoot"
	Line   int
	Column int
	Name   string // the original identifier, when the map records one
}

// segment is one decoded mapping. Columns and lines are 0-based, as in the format.
type segment struct {
	genCol int32
	src    int32 // -1 when the segment maps to no source
	line   int32
	col    int32
	name   int32 // -1 when absent
}

// Map is a decoded source map. It is immutable after Parse and safe for concurrent use.
type Map struct {
	Sources        []string
	SourcesContent []string // "" where the map carries no content
	Names          []string

	lines [][]segment // by generated line (0-based), sorted by genCol
}

type rawMap struct {
	Version        int               `json:"version"`
	SourceRoot     string            `json:"sourceRoot"`
	Sources        []*string         `json:"sources"`
	SourcesContent []*string         `json:"sourcesContent"`
	Names          []string          `json:"names"`
	Mappings       string            `json:"mappings"`
	Sections       []json.RawMessage `json:"sections"`
}

// maxSegments bounds the work Parse does for one map (a large bundle has a few
// hundred thousand).
const maxSegments = 50_000_000

// Parse decodes a source map in JSON form.
func Parse(data []byte) (*Map, error) {
	var raw rawMap
	if err := json.Unmarshal(data, &raw); err != nil {
		return nil, fmt.Errorf("sourcemap: %w", err)
	}
	if raw.Sections != nil {
		return nil, errors.New("sourcemap: index maps (\"sections\") are not supported")
	}
	if raw.Version != 3 {
		return nil, fmt.Errorf("sourcemap: version %d, want 3", raw.Version)
	}
	m := &Map{Names: raw.Names}
	for _, s := range raw.Sources {
		src := ""
		if s != nil {
			src = *s
		}
		if raw.SourceRoot != "" && src != "" && !isAbsolute(src) {
			root := raw.SourceRoot
			if root[len(root)-1] != '/' {
				root += "/"
			}
			src = root + src
		}
		m.Sources = append(m.Sources, src)
	}
	m.SourcesContent = make([]string, len(m.Sources))
	for i, c := range raw.SourcesContent {
		if i < len(m.SourcesContent) && c != nil {
			m.SourcesContent[i] = *c
		}
	}
	lines, err := decodeMappings(raw.Mappings, len(m.Sources), len(m.Names))
	if err != nil {
		return nil, err
	}
	m.lines = lines
	return m, nil
}

func isAbsolute(s string) bool {
	if s[0] == '/' {
		return true
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == ':' {
			return i > 0
		}
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '+' || c == '-' || c == '.') {
			return false
		}
	}
	return false
}

// decodeMappings decodes the "mappings" string: generated lines separated by ';',
// segments by ','; each segment is 1, 4 or 5 base64 VLQ numbers, the generated column
// relative to the previous segment of the line and the others relative to the
// previous segment that had them.
func decodeMappings(s string, nSources, nNames int) ([][]segment, error) {
	var (
		lines [][]segment
		cur   []segment
		src   int64
		line  int64
		col   int64
		name  int64
		total int
	)
	genCol := int64(0)
	var fields [5]int64
	for i := 0; i <= len(s); {
		if i == len(s) || s[i] == ';' {
			sortLine(cur)
			lines = append(lines, cur)
			cur = nil
			genCol = 0
			i++
			if i > len(s) {
				break
			}
			continue
		}
		if s[i] == ',' {
			i++
			continue
		}
		n := 0
		for i < len(s) && s[i] != ',' && s[i] != ';' {
			if n == len(fields) {
				return nil, fmt.Errorf("sourcemap: mappings: a segment has more than 5 fields (at byte %d)", i)
			}
			v, next, err := decodeVLQ(s, i)
			if err != nil {
				return nil, err
			}
			fields[n] = v
			n++
			i = next
		}
		if n != 1 && n != 4 && n != 5 {
			return nil, fmt.Errorf("sourcemap: mappings: a segment has %d fields, want 1, 4 or 5 (before byte %d)", n, i)
		}
		total++
		if total > maxSegments {
			return nil, fmt.Errorf("sourcemap: mappings: more than %d segments", maxSegments)
		}
		genCol += fields[0]
		if genCol < 0 || genCol > 1<<31-1 {
			return nil, fmt.Errorf("sourcemap: mappings: generated column %d out of range (before byte %d)", genCol, i)
		}
		seg := segment{genCol: int32(genCol), src: -1, name: -1}
		if n >= 4 {
			src += fields[1]
			line += fields[2]
			col += fields[3]
			if src < 0 || src >= int64(nSources) {
				return nil, fmt.Errorf("sourcemap: mappings: source index %d out of range (%d sources, before byte %d)", src, nSources, i)
			}
			if line < 0 || line > 1<<31-1 || col < 0 || col > 1<<31-1 {
				return nil, fmt.Errorf("sourcemap: mappings: original position %d:%d out of range (before byte %d)", line, col, i)
			}
			seg.src, seg.line, seg.col = int32(src), int32(line), int32(col)
		}
		if n == 5 {
			name += fields[4]
			if name < 0 || name >= int64(nNames) {
				return nil, fmt.Errorf("sourcemap: mappings: name index %d out of range (%d names, before byte %d)", name, nNames, i)
			}
			seg.name = int32(name)
		}
		cur = append(cur, seg)
	}
	return lines, nil
}

// sortLine orders a line's segments by generated column; encoders emit them in order,
// so this is almost always a no-op check.
func sortLine(l []segment) {
	for i := 1; i < len(l); i++ {
		if l[i].genCol < l[i-1].genCol {
			sort.SliceStable(l, func(a, b int) bool { return l[a].genCol < l[b].genCol })
			return
		}
	}
}

// base64 digit values; -1 for bytes that are not base64 digits.
var b64 = func() [256]int8 {
	var t [256]int8
	for i := range t {
		t[i] = -1
	}
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
	for i := 0; i < len(alphabet); i++ {
		t[alphabet[i]] = int8(i)
	}
	return t
}()

// decodeVLQ reads one base64 VLQ number at s[i:]: 5 value bits per digit, least
// significant group first, bit 5 set on every digit but the last; the lowest bit of
// the value is the sign. It returns the number and the index after it.
func decodeVLQ(s string, i int) (int64, int, error) {
	var v uint64
	shift := uint(0)
	start := i
	for {
		if i >= len(s) {
			return 0, i, fmt.Errorf("sourcemap: mappings: number cut short at byte %d", start)
		}
		d := b64[s[i]]
		if d < 0 {
			return 0, i, fmt.Errorf("sourcemap: mappings: %q is not a base64 digit (byte %d)", s[i], i)
		}
		i++
		if shift > 35 {
			return 0, i, fmt.Errorf("sourcemap: mappings: number too large at byte %d", start)
		}
		v |= uint64(d&31) << shift
		shift += 5
		if d&32 == 0 {
			break
		}
	}
	n := int64(v >> 1)
	if v&1 != 0 {
		n = -n
	}
	return n, i, nil
}

// Lookup maps a generated position (1-based line and column, as in V8 stack traces)
// to the original position: the mapping at or left of the column on that line. It
// reports false when nothing maps there.
func (m *Map) Lookup(line, column int) (Pos, bool) {
	if m == nil || line < 1 || line > len(m.lines) || column < 1 {
		return Pos{}, false
	}
	segs := m.lines[line-1]
	col := int32(column - 1)
	if int64(column-1) > 1<<31-1 {
		col = 1<<31 - 1
	}
	i := sort.Search(len(segs), func(i int) bool { return segs[i].genCol > col }) - 1
	if i < 0 {
		return Pos{}, false
	}
	s := segs[i]
	if s.src < 0 {
		return Pos{}, false
	}
	p := Pos{Source: m.Sources[s.src], Line: int(s.line) + 1, Column: int(s.col) + 1}
	if s.name >= 0 {
		p.Name = m.Names[s.name]
	}
	return p, true
}

// Content returns the original text of source, if the map carries it.
func (m *Map) Content(source string) (string, bool) {
	for i, s := range m.Sources {
		if s == source && m.SourcesContent[i] != "" {
			return m.SourcesContent[i], true
		}
	}
	return "", false
}
