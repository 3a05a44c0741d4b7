package wpt

import (
	"strings"
	"testing"
	"time"
)

// TestRunnerFixtures runs the stand-in suite under testdata/suite (its own small
// testharness.js) through real workers: META scripts, globals, variants, the
// server that fetch() reaches (static files, Go handlers, fake hosts), top-level
// errors and timeouts.
func TestRunnerFixtures(t *testing.T) {
	const root = "testdata/suite"
	r, err := NewRunner(root)
	if err != nil {
		t.Fatal(err)
	}
	r.Timeouts = Timeouts{Normal: 300 * time.Millisecond, Long: 600 * time.Millisecond}
	// The fetch fixture makes real connections (a TLS handshake among them): it gets
	// the default timeout, so a loaded machine does not make it time out.
	rFetch, err := NewRunner(root)
	if err != nil {
		t.Fatal(err)
	}
	tests, err := Discover(root, nil)
	if err != nil {
		t.Fatal(err)
	}
	byID := map[string]Test{}
	for _, tc := range tests {
		byID[tc.ID()] = tc
	}
	if tc, ok := byID["a/window.any.js"]; !ok || tc.Runnable() {
		t.Errorf("a/window.any.js: found %v, runnable %v; want found and not runnable", ok, tc.Runnable())
	}
	cases := []struct {
		id       string
		status   string
		subtests string // name=STATUS, ...
		message  string // in the harness message
	}{
		{"a/pass.any.js", OK, "META script loaded=PASS, self=PASS, GLOBAL=PASS, location=PASS, title=PASS", ""},
		{"a/fail.any.js", OK, "passes=PASS, fails=FAIL", ""},
		{"a/throws.any.js", ERROR, "defined before the throw=PASS", "top level threw"},
		{"a/hang.any.js", TIMEOUT, "quick=PASS, never settles=TIMEOUT", ""},
		{"a/fetch.any.js", OK, "static file=PASS, Go handler=PASS, another host and port=PASS, server handler=PASS, https=PASS, h2 port=PASS", ""},
		{"a/variant.any.js?one", OK, "variant ?one=PASS", ""},
		{"a/variant.any.js?two", OK, "variant ?two=PASS", ""},
		{"a/syntax.any.js", ERROR, "", "missing ) after argument list"},
	}
	for _, c := range cases {
		t.Run(c.id, func(t *testing.T) {
			t.Parallel()
			tc, ok := byID[c.id]
			if !ok {
				t.Fatalf("not discovered; have %v", keys(byID))
			}
			run := r
			if c.id == "a/fetch.any.js" {
				run = rFetch
			}
			res := run.Run(tc)
			var got []string
			for _, s := range res.Subtests {
				got = append(got, s.Name+"="+s.Status)
			}
			if res.Status != c.status || strings.Join(got, ", ") != c.subtests || !strings.Contains(res.Message, c.message) {
				t.Errorf("got %s %q [%s], want %s %q [%s]\nconsole: %s", res.Status, res.Message, strings.Join(got, ", "), c.status, c.message, c.subtests, res.Console)
			}
			if c.id == "a/fetch.any.js" && !strings.Contains(res.Console, "wpt server: no handler for GET /a/resources/handler.py") {
				t.Errorf("console does not note the missing handler: %q", res.Console)
			}
		})
	}
}

func keys(m map[string]Test) []string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	return ks
}
