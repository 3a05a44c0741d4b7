// Package wpt runs Web Platform Tests (testharness.js `*.any.js` files) inside edged
// workers and compares the results with the expectations kept in wpt/expectations.
//
// The suite itself is not part of the repository: it is read from a WPT checkout (see
// README.md). A test file runs as one classic script in a fresh worker with one
// isolate: a prelude that gives testharness.js a worker-like global, testharness.js,
// the file's META scripts, the file itself, and a reporter that answers one HTTP
// request with the results as JSON.
package wpt

import (
	"bufio"
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"time"
)

// Test is one runnable test: a file plus one of its variants.
type Test struct {
	File    string   // path of the file relative to the suite root, slash-separated: "url/url-constructor.any.js"
	Variant string   // "" or the query string of a META variant, with its "?" (or "#")
	Scripts []string // META scripts, resolved to paths relative to the suite root, in order
	Globals []string // the META global list (the default when the file names none)
	Title   string   // META title, if any
	Long    bool     // META timeout=long
}

// ID names the test in expectations and reports: File followed by Variant.
func (t Test) ID() string { return t.File + t.Variant }

// URL is the test's address in wptreport terms: how wptrunner names the dedicated
// worker flavour of an .any.js file.
func (t Test) URL() string {
	return "/" + strings.TrimSuffix(t.File, ".js") + ".worker.html" + t.Variant
}

// ScriptURL is the location the test runs at, as in a dedicated worker.
func (t Test) ScriptURL() string {
	return t.origin() + "/" + strings.TrimSuffix(t.File, ".js") + ".worker.js" + t.Variant
}

// Origin is the origin the tests believe they run at; HTTPSOrigin that of the files
// named .https. (which need a secure context).
const (
	Origin      = "http://web-platform.test:8000"
	HTTPSOrigin = "https://web-platform.test:8443"
)

func (t Test) origin() string {
	if strings.Contains(path.Base(t.File), ".https.") {
		return HTTPSOrigin
	}
	return Origin
}

// defaultGlobals is what an .any.js file runs in when it has no META global.
var defaultGlobals = []string{"window", "dedicatedworker"}

// workerGlobals are the META global values edged runs: edged's global scope is a
// worker-like one without a document.
var workerGlobals = map[string]bool{
	"worker": true, "dedicatedworker": true, "dedicatedworker-module": true,
	"sharedworker": true, "sharedworker-module": true,
	"serviceworker": true, "serviceworker-module": true, "jsshell": true,
}

// Runnable reports whether the test's globals include one that edged stands for.
func (t Test) Runnable() bool {
	for _, g := range t.Globals {
		if workerGlobals[g] {
			return true
		}
	}
	return false
}

var metaRE = regexp.MustCompile(`^//\s*META:\s*(\w*)=(.*)$`)

// Meta is the `// META: key=value` header of a test file, in order. As in WPT's
// manifest tool, the header ends at the first line that is not a META line.
func Meta(src []byte) [][2]string {
	var kv [][2]string
	sc := bufio.NewScanner(bytes.NewReader(src))
	sc.Buffer(make([]byte, 64<<10), 16<<20)
	for sc.Scan() {
		m := metaRE.FindStringSubmatch(strings.TrimRight(sc.Text(), "\r"))
		if m == nil {
			break
		}
		kv = append(kv, [2]string{m[1], strings.TrimSpace(m[2])})
	}
	return kv
}

// Parse builds the tests of one file (one per variant) from its source.
func Parse(file string, src []byte) ([]Test, error) {
	t := Test{File: file}
	var variants []string
	var globals []string
	for _, kv := range Meta(src) {
		switch key, val := kv[0], kv[1]; key {
		case "script":
			s, err := resolveScript(file, val)
			if err != nil {
				return nil, err
			}
			t.Scripts = append(t.Scripts, s)
		case "global":
			for _, g := range strings.Split(val, ",") {
				if g = strings.TrimSpace(g); g != "" {
					globals = append(globals, g)
				}
			}
		case "variant":
			if val != "" && val[0] != '?' && val[0] != '#' {
				return nil, fmt.Errorf("wpt: %s: variant %q must start with ? or #", file, val)
			}
			variants = append(variants, val)
		case "timeout":
			t.Long = val == "long"
		case "title":
			t.Title = val
		}
	}
	if globals == nil {
		globals = defaultGlobals
	}
	t.Globals = globals
	if len(variants) == 0 {
		variants = []string{""}
	}
	tests := make([]Test, len(variants))
	for i, v := range variants {
		tests[i] = t
		tests[i].Variant = v
	}
	return tests, nil
}

// resolveScript maps a META script URL to a path relative to the suite root.
func resolveScript(file, ref string) (string, error) {
	if i := strings.IndexAny(ref, "?#"); i >= 0 {
		ref = ref[:i]
	}
	var p string
	if strings.HasPrefix(ref, "/") {
		p = strings.TrimPrefix(path.Clean(ref), "/")
	} else {
		p = path.Join(path.Dir(file), ref)
	}
	if p == "" || p == "." || p == ".." || strings.HasPrefix(p, "../") {
		return "", fmt.Errorf("wpt: %s: META script %q is outside the suite", file, ref)
	}
	return p, nil
}

// Discover finds the .any.js files under the given paths (files or directories,
// relative to root; none means the whole suite) and parses them. Files whose
// globals edged does not stand for (window-only, shadowrealm-only) are returned
// as well, with Runnable() false, so callers can count them.
func Discover(root string, paths []string) ([]Test, error) {
	if len(paths) == 0 {
		paths = []string{"."}
	}
	seen := map[string]bool{}
	var files []string
	for _, p := range paths {
		p = filepath.ToSlash(filepath.Clean(strings.TrimPrefix(p, "/")))
		full := filepath.Join(root, filepath.FromSlash(p))
		fi, err := os.Stat(full)
		if err != nil {
			return nil, fmt.Errorf("wpt: %w", err)
		}
		if !fi.IsDir() {
			if !seen[p] {
				seen[p] = true
				files = append(files, p)
			}
			continue
		}
		err = filepath.WalkDir(full, func(fp string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			name := d.Name()
			if d.IsDir() {
				// As WPT's manifest: these folders hold no tests.
				if fp != full && (name == "resources" || name == "support" || name == "tools" || strings.HasPrefix(name, ".")) {
					return filepath.SkipDir
				}
				return nil
			}
			if !strings.HasSuffix(name, ".any.js") {
				return nil
			}
			rel, err := filepath.Rel(root, fp)
			if err != nil {
				return err
			}
			rel = filepath.ToSlash(rel)
			if !seen[rel] {
				seen[rel] = true
				files = append(files, rel)
			}
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("wpt: %w", err)
		}
	}
	sort.Strings(files)
	var tests []Test
	for _, f := range files {
		src, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(f)))
		if err != nil {
			return nil, fmt.Errorf("wpt: %w", err)
		}
		ts, err := Parse(f, src)
		if err != nil {
			return nil, err
		}
		tests = append(tests, ts...)
	}
	return tests, nil
}

// Timeouts are the wall-clock limits of one test, as WPT's defaults for workers.
type Timeouts struct {
	Normal, Long time.Duration
}

func (to Timeouts) of(t Test) time.Duration {
	if t.Long {
		return to.Long
	}
	return to.Normal
}

// substitute expands the wptserve templates of a .sub.js file ({{host}},
// {{ports[ws][0]}}, {{domains[www]}}, ...) with the fake server's values, since no
// WPT server runs.
func substitute(src string) string {
	return subRE.ReplaceAllStringFunc(src, func(m string) string {
		expr := strings.TrimSpace(m[2 : len(m)-2])
		if v, ok := subValues[expr]; ok {
			return v
		}
		if sm := domainRE.FindStringSubmatch(expr); sm != nil {
			if sm[1] == "" {
				return host
			}
			return sm[1] + "." + host
		}
		return ""
	})
}

const host = "web-platform.test"

var (
	subRE     = regexp.MustCompile(`\{\{[^{}]*\}\}`)
	domainRE  = regexp.MustCompile(`^(?:domains|hosts\[\w*\])\[(\w*)\]$`)
	subValues = map[string]string{
		"host":                      host,
		"ports[http][0]":            "8000",
		"ports[http][1]":            "8001",
		"ports[https][0]":           "8443",
		"ports[https][1]":           "8444",
		"ports[ws][0]":              "8666",
		"ports[wss][0]":             "8667",
		"ports[h2][0]":              "9000",
		"ports[webtransport-h3][0]": "11000",
		"location[host]":            host + ":8000",
		"location[hostname]":        host,
		"location[port]":            "8000",
		"location[scheme]":          "http",
		"location[server]":          Origin,
		"GET[host]":                 "",
	}
)
