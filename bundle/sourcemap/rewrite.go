package sourcemap

import (
	"strconv"
	"strings"
	"sync"
)

// Remapper rewrites locations of generated modules ("bundle.js:12:34") in text, such as
// a V8 stack trace or an error message, to the original positions
// ("src/index.ts:5:3"). It is immutable and safe for concurrent use.
type Remapper struct {
	maps    map[string]*Map
	names   []string // module names, longest first so that "a.js" does not shadow "ba.js"
	display func(string) string

	once sync.Once
	raw  map[string][]byte // maps not parsed yet (NewLazyRemapper)
}

// NewRemapper returns a Remapper for the generated modules in maps (module name as
// it appears in stack traces → its source map). display, if not nil, turns a source
// as the map names it into the text to print (for example a path relative to the
// working directory).
func NewRemapper(maps map[string]*Map, display func(source string) string) *Remapper {
	r := &Remapper{maps: map[string]*Map{}, display: display}
	for name, m := range maps {
		if name == "" || m == nil {
			continue
		}
		r.maps[name] = m
		r.names = append(r.names, name)
	}
	r.sortNames()
	return r
}

// NewLazyRemapper is NewRemapper for maps still in JSON form: they are parsed the
// first time a location has to be mapped, so that a build whose stacks are never
// printed does not pay for it. A map that does not parse maps nothing.
func NewLazyRemapper(maps map[string][]byte, display func(source string) string) *Remapper {
	r := &Remapper{maps: map[string]*Map{}, display: display, raw: map[string][]byte{}}
	for name, data := range maps {
		if name == "" || data == nil {
			continue
		}
		r.raw[name] = data
		r.names = append(r.names, name)
	}
	r.sortNames()
	return r
}

func (r *Remapper) sortNames() {
	for i := 1; i < len(r.names); i++ { // insertion sort: a handful of names
		for j := i; j > 0 && len(r.names[j]) > len(r.names[j-1]); j-- {
			r.names[j], r.names[j-1] = r.names[j-1], r.names[j]
		}
	}
}

// load parses the lazy maps, once.
func (r *Remapper) load() {
	r.once.Do(func() {
		for name, data := range r.raw {
			if m, err := Parse(data); err == nil {
				r.maps[name] = m
			}
		}
		r.raw = nil
	})
}

// Locate maps one generated position of module to its original position, with the
// source as it is displayed.
func (r *Remapper) Locate(module string, line, column int) (Pos, bool) {
	if r == nil {
		return Pos{}, false
	}
	r.load()
	m := r.maps[module]
	if m == nil {
		return Pos{}, false
	}
	p, ok := m.Lookup(line, column)
	if !ok {
		return Pos{}, false
	}
	if r.display != nil {
		p.Source = r.display(p.Source)
	}
	return p, true
}

// Content returns the original text of a displayed source name, if a map carries it.
func (r *Remapper) Content(displayed string) (string, bool) {
	if r == nil {
		return "", false
	}
	r.load()
	for _, name := range r.names {
		m := r.maps[name]
		if m == nil {
			continue
		}
		for i, s := range m.Sources {
			if m.SourcesContent[i] == "" {
				continue
			}
			if s == displayed || (r.display != nil && r.display(s) == displayed) {
				return m.SourcesContent[i], true
			}
		}
	}
	return "", false
}

// A location found in text: text[start:end] is "module:line:column".
type location struct {
	start, end   int
	module       string
	line, column int
}

// find returns the next location of a known module in text at or after from.
func (r *Remapper) find(text string, from int) (location, bool) {
	best := location{start: -1}
	for _, name := range r.names {
		for off := from; off < len(text); {
			i := strings.Index(text[off:], name)
			if i < 0 {
				break
			}
			i += off
			off = i + 1
			if best.start >= 0 && i >= best.start {
				break
			}
			if i > 0 && isPathByte(text[i-1]) && !strings.HasSuffix(text[:i], "file:///") {
				continue
			}
			j := i + len(name)
			line, j2, ok := colonNumber(text, j)
			if !ok {
				continue
			}
			col, j3, ok := colonNumber(text, j2)
			if !ok {
				continue
			}
			if j3 < len(text) && text[j3] >= '0' && text[j3] <= '9' {
				continue
			}
			best = location{start: i, end: j3, module: name, line: line, column: col}
			break
		}
	}
	return best, best.start >= 0
}

// isPathByte reports whether c may be part of a module name, so that a name found
// right after it is only the tail of a longer name.
func isPathByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
		c == '_' || c == '-' || c == '.' || c == '/' || c == '@' || c == '$' || c == '~'
}

// colonNumber reads ":<digits>" at text[i:].
func colonNumber(text string, i int) (int, int, bool) {
	if i >= len(text) || text[i] != ':' {
		return 0, i, false
	}
	i++
	start := i
	for i < len(text) && text[i] >= '0' && text[i] <= '9' && i-start < 10 {
		i++
	}
	if i == start {
		return 0, i, false
	}
	n, err := strconv.Atoi(text[start:i])
	if err != nil {
		return 0, i, false
	}
	return n, i, true
}

// Rewrite replaces every "module:line:column" of a known module in text by the
// original "source:line:column". Locations that map to nothing are left as they are.
func (r *Remapper) Rewrite(text string) string {
	if r == nil || len(r.names) == 0 {
		return text
	}
	var b strings.Builder
	last := 0
	for from := 0; from < len(text); {
		loc, ok := r.find(text, from)
		if !ok {
			break
		}
		from = loc.end
		p, ok := r.Locate(loc.module, loc.line, loc.column)
		if !ok {
			continue
		}
		start := loc.start
		if strings.HasSuffix(text[:start], "file:///") {
			start -= len("file:///")
		}
		b.WriteString(text[last:start])
		b.WriteString(p.Source)
		b.WriteByte(':')
		b.WriteString(strconv.Itoa(p.Line))
		b.WriteByte(':')
		b.WriteString(strconv.Itoa(p.Column))
		last = loc.end
	}
	if last == 0 {
		return text
	}
	b.WriteString(text[last:])
	return b.String()
}

// Positions returns the original positions of the known locations in text, in order;
// the first is usually where an error was thrown.
func (r *Remapper) Positions(text string) []Pos {
	if r == nil {
		return nil
	}
	var out []Pos
	for from := 0; from < len(text); {
		loc, ok := r.find(text, from)
		if !ok {
			break
		}
		from = loc.end
		if p, ok := r.Locate(loc.module, loc.line, loc.column); ok {
			out = append(out, p)
		}
	}
	return out
}
