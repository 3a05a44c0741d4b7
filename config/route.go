package config

import (
	"fmt"
	"net"
	"sort"
	"strings"
)

// Pattern is a parsed route pattern such as `example.com/*`,
// `*.example.com/api/*` or `api.example.com/v1/health`.
//
// The host is matched exactly, or, when it starts with `*`, as a suffix:
// `*.example.com` matches any subdomain (not example.com itself) and
// `*example.com` matches example.com and anything ending in it; a lone `*`
// matches every host. The path is matched exactly, or, when it ends with
// `*`, as a prefix. Schemes, ports, queries and `*` anywhere else are refused.
type Pattern struct {
	Host       string // lower case; without the leading * when HostSuffix
	HostSuffix bool   // host began with *
	Path       string // without the trailing * when PathPrefix
	PathPrefix bool   // path ended with *
}

// ParsePattern parses a route pattern.
func ParsePattern(s string) (Pattern, error) {
	var p Pattern
	if s == "" {
		return p, fmt.Errorf("empty route pattern")
	}
	if len(s) > 2048 {
		return p, fmt.Errorf("route pattern is longer than 2048 bytes")
	}
	if strings.Contains(s, "://") {
		return p, fmt.Errorf("route pattern %q: leave out the scheme (write example.com/*)", s)
	}
	host, path, ok := strings.Cut(s, "/")
	if !ok {
		return p, fmt.Errorf("route pattern %q has no path: write %s/* to match every path", s, s)
	}
	path = "/" + path
	if strings.ContainsAny(path, "?#") {
		return p, fmt.Errorf("route pattern %q: queries and fragments are not matched; leave them out", s)
	}
	if strings.ContainsAny(s, " \t\r\n\\") {
		return p, fmt.Errorf("route pattern %q contains white space or a backslash", s)
	}
	if strings.HasPrefix(host, "*") {
		p.HostSuffix = true
		host = host[1:]
	}
	if strings.Contains(host, "*") {
		return p, fmt.Errorf("route pattern %q: * is only allowed at the start of the host", s)
	}
	if strings.Contains(host, ":") {
		return p, fmt.Errorf("route pattern %q: ports are not matched; leave the port out", s)
	}
	if host == "" && !p.HostSuffix {
		return p, fmt.Errorf("route pattern %q has no host", s)
	}
	for i := 0; i < len(host); i++ {
		c := host[i]
		if c >= 0x80 {
			return p, fmt.Errorf("route pattern %q: write internationalized host names in their xn-- form", s)
		}
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '.' || c == '_') {
			return p, fmt.Errorf("route pattern %q: %q is not allowed in a host name", s, c)
		}
	}
	if strings.Contains(host, "..") || strings.HasSuffix(host, ".") {
		return p, fmt.Errorf("route pattern %q: malformed host name", s)
	}
	p.Host = strings.ToLower(host)
	if strings.HasSuffix(path, "*") {
		p.PathPrefix = true
		path = path[:len(path)-1]
	}
	if strings.Contains(path, "*") {
		return p, fmt.Errorf("route pattern %q: * is only allowed at the end of the path", s)
	}
	p.Path = path
	return p, nil
}

// String returns the pattern in canonical form.
func (p Pattern) String() string {
	var b strings.Builder
	if p.HostSuffix {
		b.WriteByte('*')
	}
	b.WriteString(p.Host)
	b.WriteString(p.Path)
	if p.PathPrefix {
		b.WriteByte('*')
	}
	return b.String()
}

// Match reports whether the pattern matches a request's host (any case, a
// port and a trailing dot are ignored) and path.
func (p Pattern) Match(host, path string) bool {
	return p.matchHost(normalizeHost(host)) && p.matchPath(path)
}

func (p Pattern) matchHost(h string) bool {
	if p.HostSuffix {
		return strings.HasSuffix(h, p.Host)
	}
	return h == p.Host
}

func (p Pattern) matchPath(path string) bool {
	if p.PathPrefix {
		return strings.HasPrefix(path, p.Path)
	}
	return path == p.Path
}

func normalizeHost(h string) string {
	if hh, _, err := net.SplitHostPort(h); err == nil {
		h = hh
	}
	h = strings.TrimSuffix(h, ".")
	return strings.ToLower(h)
}

// Route sends requests matching Pattern to Worker.
type Route struct {
	Pattern Pattern
	Worker  string
}

// Router picks the most specific route for a request: an exact host beats a
// wildcard host, a longer wildcard host beats a shorter one, then an exact
// path beats a prefix and a longer prefix beats a shorter one. It is
// immutable and safe for concurrent use.
type Router struct {
	exact    map[string][]Route // by host, most specific path first
	wildcard []Route            // longest host suffix first, then by path
}

// NewRouter builds a Router. Two routes with the same pattern are an error.
func NewRouter(routes []Route) (*Router, error) {
	r := &Router{exact: map[string][]Route{}}
	seen := map[string]string{}
	for _, rt := range routes {
		k := rt.Pattern.String()
		if prev, dup := seen[k]; dup {
			return nil, fmt.Errorf("route %s is given twice (workers %q and %q)", k, prev, rt.Worker)
		}
		seen[k] = rt.Worker
		if rt.Pattern.HostSuffix {
			r.wildcard = append(r.wildcard, rt)
		} else {
			r.exact[rt.Pattern.Host] = append(r.exact[rt.Pattern.Host], rt)
		}
	}
	for _, list := range r.exact {
		sort.SliceStable(list, func(i, j int) bool { return morePathSpecific(list[i].Pattern, list[j].Pattern) })
	}
	sort.SliceStable(r.wildcard, func(i, j int) bool {
		a, b := r.wildcard[i].Pattern, r.wildcard[j].Pattern
		if len(a.Host) != len(b.Host) {
			return len(a.Host) > len(b.Host)
		}
		return morePathSpecific(a, b)
	})
	return r, nil
}

func morePathSpecific(a, b Pattern) bool {
	if a.PathPrefix != b.PathPrefix {
		return !a.PathPrefix // exact first
	}
	return len(a.Path) > len(b.Path)
}

// Match returns the route for a request's host and path.
func (r *Router) Match(host, path string) (Route, bool) {
	h := normalizeHost(host)
	for _, rt := range r.exact[h] {
		if rt.Pattern.matchPath(path) {
			return rt, true
		}
	}
	for _, rt := range r.wildcard {
		if rt.Pattern.matchHost(h) && rt.Pattern.matchPath(path) {
			return rt, true
		}
	}
	return Route{}, false
}
