package cache

import (
	"math"
	"strconv"
	"strings"
	"time"
)

// CacheControl is a parsed Cache-Control header (RFC 9111 §5.2). Absent
// ages are -1.
type CacheControl struct {
	NoStore, NoCache, Private bool
	PrivateFields             []string // private="set-cookie, x": lower-cased field names
	NoCacheFields             []string
	MaxAge, SMaxAge           int64
}

const maxDelta = math.MaxInt32 // RFC 9111 §1.2.2: cap delta-seconds at 2^31

// ParseCacheControl parses every Cache-Control value (comma-separated
// directives, each token[=token|quoted-string]). Unknown directives are
// ignored; an unparsable age counts as 0 (stale), as RFC 9111 asks.
func ParseCacheControl(values ...string) CacheControl {
	cc := CacheControl{MaxAge: -1, SMaxAge: -1}
	for _, v := range values {
		for len(v) > 0 {
			var name, arg string
			var quoted bool
			name, arg, quoted, v = nextDirective(v)
			switch strings.ToLower(name) {
			case "no-store":
				cc.NoStore = true
			case "no-cache":
				if arg == "" || !quoted {
					cc.NoCache = true
				} else {
					cc.NoCacheFields = append(cc.NoCacheFields, fieldList(arg)...)
				}
			case "private":
				if arg == "" || !quoted {
					cc.Private = true
				} else {
					cc.PrivateFields = append(cc.PrivateFields, fieldList(arg)...)
				}
			case "max-age":
				cc.MaxAge = deltaSeconds(arg)
			case "s-maxage":
				cc.SMaxAge = deltaSeconds(arg)
			}
		}
	}
	return cc
}

// nextDirective splits the first directive off s.
func nextDirective(s string) (name, arg string, quoted bool, rest string) {
	s = strings.TrimLeft(s, " \t,")
	i := 0
	for i < len(s) && s[i] != '=' && s[i] != ',' {
		i++
	}
	name = strings.TrimSpace(s[:i])
	if i == len(s) || s[i] == ',' {
		return name, "", false, s[i:]
	}
	s = strings.TrimLeft(s[i+1:], " \t")
	if strings.HasPrefix(s, `"`) {
		var b strings.Builder
		j := 1
		for ; j < len(s) && s[j] != '"'; j++ {
			if s[j] == '\\' && j+1 < len(s) {
				j++
			}
			b.WriteByte(s[j])
		}
		if j < len(s) {
			j++ // closing quote
		}
		rest = s[j:]
		if k := strings.IndexByte(rest, ','); k >= 0 {
			rest = rest[k:]
		} else {
			rest = ""
		}
		return name, b.String(), true, rest
	}
	j := strings.IndexByte(s, ',')
	if j < 0 {
		j = len(s)
	}
	return name, strings.TrimSpace(s[:j]), false, s[j:]
}

func fieldList(s string) []string {
	var out []string
	for _, f := range strings.Split(s, ",") {
		if f = strings.ToLower(strings.TrimSpace(f)); f != "" {
			out = append(out, f)
		}
	}
	return out
}

func deltaSeconds(s string) int64 {
	if s == "" {
		return 0
	}
	var n int64
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0
		}
		if n = n*10 + int64(s[i]-'0'); n > maxDelta {
			n = maxDelta
		}
	}
	return n
}

// ByteRange is one range of a Range header. Suffix ranges ("-N") have
// First = -1 and Last = N; open ranges ("N-") have Last = -1.
type ByteRange struct{ First, Last int64 }

// ParseRange parses a Range header of the bytes unit (RFC 9110 §14.2).
// ok is false when the header is malformed or not in bytes, in which case
// it must be ignored.
func ParseRange(h string) (ranges []ByteRange, ok bool) {
	unit, set, found := strings.Cut(h, "=")
	if !found || !strings.EqualFold(strings.TrimSpace(unit), "bytes") {
		return nil, false
	}
	for _, spec := range strings.Split(set, ",") {
		spec = strings.TrimSpace(spec)
		if spec == "" {
			continue
		}
		a, b, found := strings.Cut(spec, "-")
		if !found {
			return nil, false
		}
		a, b = strings.TrimSpace(a), strings.TrimSpace(b)
		r := ByteRange{First: -1, Last: -1}
		var err error
		if a != "" {
			if r.First, err = digits(a); err != nil {
				return nil, false
			}
		}
		if b != "" {
			if r.Last, err = digits(b); err != nil {
				return nil, false
			}
		}
		if a == "" && b == "" || a != "" && b != "" && r.Last < r.First {
			return nil, false
		}
		ranges = append(ranges, r)
	}
	return ranges, len(ranges) > 0
}

func digits(s string) (int64, error) {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, strconv.ErrSyntax
		}
	}
	return strconv.ParseInt(s, 10, 64)
}

// Resolve maps r onto a representation of size bytes, returning the
// offset and length to send; ok is false when r is unsatisfiable.
func (r ByteRange) Resolve(size int64) (start, length int64, ok bool) {
	switch {
	case r.First < 0: // suffix
		if r.Last == 0 || size == 0 {
			return 0, 0, false
		}
		n := min(r.Last, size)
		return size - n, n, true
	case r.First >= size:
		return 0, 0, false
	case r.Last < 0 || r.Last >= size:
		return r.First, size - r.First, true
	}
	return r.First, r.Last - r.First + 1, true
}

// HTTP date layouts (RFC 9110 §5.6.7): the preferred IMF-fixdate and the two
// obsolete forms recipients must accept.
var dateLayouts = []string{
	"Mon, 02 Jan 2006 15:04:05 GMT",
	"Monday, 02-Jan-06 15:04:05 GMT",
	"Mon Jan _2 15:04:05 2006",
}

// ParseHTTPDate parses an HTTP date; ok is false for anything else.
func ParseHTTPDate(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	for _, l := range dateLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}

// FormatHTTPDate renders t as an IMF-fixdate.
func FormatHTTPDate(t time.Time) string { return t.UTC().Format(dateLayouts[0]) }

// ParseETags parses an If-None-Match or If-Match list. any is true for "*".
// Malformed members are skipped.
func ParseETags(h string) (tags []string, any bool) {
	s := strings.TrimSpace(h)
	if s == "*" {
		return nil, true
	}
	for len(s) > 0 {
		s = strings.TrimLeft(s, " \t,")
		weak := ""
		if strings.HasPrefix(s, "W/") {
			weak, s = "W/", s[2:]
		}
		if !strings.HasPrefix(s, `"`) {
			k := strings.IndexByte(s, ',')
			if k < 0 {
				break
			}
			s = s[k:]
			continue
		}
		k := strings.IndexByte(s[1:], '"')
		if k < 0 {
			break
		}
		tags = append(tags, weak+s[:k+2])
		s = s[k+2:]
	}
	return tags, false
}

// WeakMatch compares two entity tags with the weak comparison function
// (RFC 9110 §8.8.3.2): equal opaque tags, W/ ignored.
func WeakMatch(a, b string) bool {
	a, b = strings.TrimPrefix(a, "W/"), strings.TrimPrefix(b, "W/")
	return a != "" && a == b && strings.HasPrefix(a, `"`)
}

// StrongMatch compares with the strong function: neither weak, and equal.
func StrongMatch(a, b string) bool {
	return !strings.HasPrefix(a, "W/") && !strings.HasPrefix(b, "W/") && WeakMatch(a, b)
}
