package config

import (
	"strings"
	"testing"
)

func TestParsePattern(t *testing.T) {
	tests := []struct {
		in   string
		want Pattern
		err  string
	}{
		{in: "example.com/*", want: Pattern{Host: "example.com", Path: "/", PathPrefix: true}},
		{in: "Example.COM/api/*", want: Pattern{Host: "example.com", Path: "/api/", PathPrefix: true}},
		{in: "*.example.com/api/*", want: Pattern{Host: ".example.com", HostSuffix: true, Path: "/api/", PathPrefix: true}},
		{in: "*example.com/*", want: Pattern{Host: "example.com", HostSuffix: true, Path: "/", PathPrefix: true}},
		{in: "*/*", want: Pattern{HostSuffix: true, Path: "/", PathPrefix: true}},
		{in: "a.example.com/health", want: Pattern{Host: "a.example.com", Path: "/health"}},
		{in: "", err: "empty route pattern"},
		{in: "example.com", err: "has no path: write example.com/* "},
		{in: "https://example.com/*", err: "leave out the scheme"},
		{in: "example.com:8080/*", err: "ports are not matched"},
		{in: "a.*.com/*", err: "only allowed at the start of the host"},
		{in: "example.com/a/*/b", err: "only allowed at the end of the path"},
		{in: "example.com/*?x=1", err: "queries and fragments"},
		{in: "/*", err: "has no host"},
		{in: "exa mple.com/*", err: "white space"},
		{in: "bücher.de/*", err: "xn-- form"},
		{in: "a..b/*", err: "malformed host"},
		{in: "a@b/*", err: `'@' is not allowed`},
	}
	for _, tt := range tests {
		got, err := ParsePattern(tt.in)
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("ParsePattern(%q): got error %v, want %q", tt.in, err, tt.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("ParsePattern(%q): %v", tt.in, err)
			continue
		}
		if got != tt.want {
			t.Errorf("ParsePattern(%q): got %+v, want %+v", tt.in, got, tt.want)
		}
	}
}

func TestRouter(t *testing.T) {
	var routes []Route
	for _, r := range [][2]string{
		{"example.com/*", "site"},
		{"example.com/api/*", "api"},
		{"example.com/api/v2/*", "api-v2"},
		{"example.com/api/v2/health", "health"},
		{"*.example.com/*", "subdomains"},
		{"*.eu.example.com/*", "eu"},
		{"*.example.com/api/*", "sub-api"},
		{"*example.org/*", "org"},
		{"*/static/*", "static"},
	} {
		p, err := ParsePattern(r[0])
		if err != nil {
			t.Fatal(err)
		}
		routes = append(routes, Route{Pattern: p, Worker: r[1]})
	}
	rt, err := NewRouter(routes)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct{ host, path, want string }{
		{"example.com", "/", "site"},
		{"EXAMPLE.com:443", "/api/x", "api"},
		{"example.com.", "/api/v2/x", "api-v2"},
		{"example.com", "/api/v2/health", "health"},
		{"example.com", "/api/v2/health/x", "api-v2"},
		{"example.com", "/api", "site"},      // /api/* needs the slash
		{"example.com", "/static/x", "site"}, // an exact host beats the wildcard
		{"a.example.com", "/x", "subdomains"},
		{"a.example.com", "/api/x", "sub-api"},
		{"a.eu.example.com", "/api/x", "eu"}, // longer host suffix beats longer path
		{"example.org", "/", "org"},
		{"www.example.org", "/", "org"},
		{"other.net", "/static/app.js", "static"},
		{"other.net", "/", ""},
		{"[::1]:8080", "/static/", "static"},
	}
	for _, tt := range tests {
		got, ok := rt.Match(tt.host, tt.path)
		if got.Worker != tt.want || ok != (tt.want != "") {
			t.Errorf("Match(%q, %q): got %q (%v), want %q", tt.host, tt.path, got.Worker, ok, tt.want)
		}
	}
	dup := append(routes, Route{Pattern: routes[0].Pattern, Worker: "again"})
	if _, err := NewRouter(dup); err == nil || !strings.Contains(err.Error(), "given twice") {
		t.Errorf("NewRouter with a duplicate: got %v", err)
	}
}

func FuzzParsePattern(f *testing.F) {
	for _, s := range []string{"example.com/*", "*.example.com/api/*", "*/*", "a.b/c", "x:1/*", "https://a/b", "*a*/b*"} {
		f.Add(s, "a.example.com", "/api/x")
	}
	f.Fuzz(func(t *testing.T, s, host, path string) {
		p, err := ParsePattern(s)
		if err != nil {
			return
		}
		// The canonical form parses back to the same pattern.
		q, err := ParsePattern(p.String())
		if err != nil || q != p {
			t.Fatalf("ParsePattern(%q) = %+v; String %q parses to %+v, %v", s, p, p.String(), q, err)
		}
		// A router with this single route agrees with Pattern.Match.
		r, err := NewRouter([]Route{{Pattern: p, Worker: "w"}})
		if err != nil {
			t.Fatal(err)
		}
		_, ok := r.Match(host, path)
		if ok != p.Match(host, path) {
			t.Fatalf("Router and Pattern disagree on %q %q for %q", host, path, s)
		}
	})
}

func BenchmarkRouterMatch(b *testing.B) {
	var routes []Route
	for _, s := range []string{"example.com/*", "example.com/api/*", "*.example.com/*", "*/static/*"} {
		p, _ := ParsePattern(s)
		routes = append(routes, Route{Pattern: p, Worker: s})
	}
	r, _ := NewRouter(routes)
	b.ReportAllocs()
	for b.Loop() {
		r.Match("a.example.com", "/api/users")
	}
}
