package wpt

import (
	"encoding/base64"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strings"
	"unicode/utf8"
)

// No WPT server runs: a test's fetch() of a static file of the suite (the URL tests
// load resources/urltestdata.json, for one) is answered from the checkout by a
// fetch() shim in the prelude. Which files it knows is decided before the run: every
// string literal of the test or of its META scripts that names an existing file
// (relative to the test's folder or to the suite root) is shipped with the script.
// Anything else on the fake origin (a .py handler, another host) rejects with a
// TypeError that says the test needs the WPT server.

var literalRE = regexp.MustCompile("[\"'`]([^\"'`\\s?#{}$]+\\.[A-Za-z0-9]{1,5})[?#\"'`]")

const (
	maxStaticFile  = 4 << 20
	maxStaticTotal = 16 << 20
)

// staticFile is one file the shim serves: its content type, and its body as text or
// as base64 (for bytes that are not UTF-8).
type staticFile [3]string

var contentTypes = map[string]string{
	".json": "application/json",
	".txt":  "text/plain",
	".html": "text/html",
	".htm":  "text/html",
	".xml":  "application/xml",
	".js":   "text/javascript",
	".css":  "text/css",
	".png":  "image/png",
	".gif":  "image/gif",
	".jpg":  "image/jpeg",
	".svg":  "image/svg+xml",
	".wasm": "application/wasm",
}

// staticFiles finds the suite files that t's sources name, keyed by URL path.
func (r *Runner) staticFiles(t Test, sources []string) map[string]staticFile {
	files := map[string]staticFile{}
	total := 0
	dir := path.Dir(t.File)
	for _, src := range sources {
		for _, m := range literalRE.FindAllStringSubmatch(src, -1) {
			lit := m[1]
			if strings.Contains(lit, "://") {
				if !strings.HasPrefix(lit, Origin+"/") {
					continue
				}
				lit = strings.TrimPrefix(lit, Origin)
			}
			var p string
			if strings.HasPrefix(lit, "/") {
				p = path.Clean(lit)
			} else {
				p = path.Join("/", dir, lit)
			}
			if _, ok := files[p]; ok || strings.HasSuffix(p, ".py") || strings.HasPrefix(p, "/..") {
				continue
			}
			full := filepath.Join(r.Root, filepath.FromSlash(p))
			fi, err := os.Stat(full)
			if err != nil || !fi.Mode().IsRegular() || fi.Size() > maxStaticFile || total+int(fi.Size()) > maxStaticTotal {
				continue
			}
			b, err := os.ReadFile(full)
			if err != nil {
				continue
			}
			total += len(b)
			ct := contentTypes[path.Ext(p)]
			if ct == "" {
				ct = "application/octet-stream"
			}
			if utf8.Valid(b) {
				files[p] = staticFile{ct, string(b), ""}
			} else {
				files[p] = staticFile{ct, "", base64.StdEncoding.EncodeToString(b)}
			}
		}
	}
	// idlharness.js fetches /interfaces/<spec>.idl for each spec that idl_test names.
	for _, sc := range t.Scripts {
		if sc != "resources/idlharness.js" {
			continue
		}
		for _, m := range wordRE.FindAllStringSubmatch(sources[0], -1) {
			p := "/interfaces/" + m[1] + ".idl"
			if _, ok := files[p]; ok {
				continue
			}
			if b, err := os.ReadFile(filepath.Join(r.Root, "interfaces", m[1]+".idl")); err == nil {
				files[p] = staticFile{"text/plain", string(b), ""}
			}
		}
	}
	return files
}

var wordRE = regexp.MustCompile(`["']([A-Za-z0-9_-]+)["']`)
