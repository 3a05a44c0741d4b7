package wpt

import (
	"os"
	"path"
	"strings"
	"testing"
)

// slow are left out of TestWPT to keep it under a minute on two cores; `make wpt`
// (the command) runs them: CPU-heavy crypto (PBKDF2, RSA key generation), tests
// that wait out their timeout or a slowly trickled body, and the WebSocket tests,
// which wait a second each after failing for want of WebSocket.
var slow = []string{
	"WebCryptoAPI/derive_bits_keys/pbkdf2.",
	"WebCryptoAPI/generateKey/successes_RSA",
	"WebCryptoAPI/import_export/rsa_importKey.",
	"streams/readable-byte-streams/bad-buffers-and-views.",
	"fetch/api/basic/error-after-response.", // waits out its long timeout
	"fetch/api/basic/stream-response.",      // a trickled body: about two seconds
	"websockets/",
}

func isSlow(id string) bool {
	for _, p := range slow {
		if strings.HasPrefix(id, p) {
			return true
		}
	}
	return false
}

// TestWPT runs the tests listed in expectations/ from the WPT checkout in $WPT_DIR
// and fails on any result the expectations do not say, a pass included. Set
// WPT_FULL=1 to include the slow ones; run one folder with -run 'TestWPT/url/'.
func TestWPT(t *testing.T) {
	dir := os.Getenv("WPT_DIR")
	if dir == "" {
		t.Skip("WPT_DIR not set: see wpt/README.md")
	}
	full := os.Getenv("WPT_FULL") != ""
	r, err := NewRunner(dir)
	if err != nil {
		t.Fatal(err)
	}
	exp, err := LoadExpectations("expectations")
	if err != nil {
		t.Fatal(err)
	}
	files := map[string]bool{}
	for id := range exp {
		files[testFile(id)] = true
	}
	var paths []string
	for f := range files {
		if _, err := os.Stat(path.Join(dir, f)); err != nil {
			t.Errorf("%s: in the expectations but not in the suite (remove it, or run -update)", f)
			continue
		}
		paths = append(paths, f)
	}
	tests, err := Discover(dir, paths)
	if err != nil {
		t.Fatal(err)
	}
	found := map[string]bool{}
	for _, tc := range tests {
		found[tc.ID()] = true
	}
	for id := range exp {
		if files[testFile(id)] && !found[id] {
			t.Errorf("%s: in the expectations but the suite has no such variant", id)
		}
	}
	for _, tc := range tests {
		e, ok := exp[tc.ID()]
		if !ok || !tc.Runnable() || (isSlow(tc.ID()) && !full) {
			continue
		}
		t.Run(tc.ID(), func(t *testing.T) {
			if e.Skip != "" {
				t.Skip(e.Skip)
			}
			t.Parallel()
			res := r.Run(tc)
			for _, m := range Compare(e, res) {
				t.Error(m)
			}
			if t.Failed() && res.Console != "" {
				t.Logf("console:\n%s", res.Console)
			}
		})
	}
}

// testFile is the file part of a test id.
func testFile(id string) string {
	if i := strings.IndexAny(id, "?#"); i >= 0 {
		return id[:i]
	}
	return id
}
