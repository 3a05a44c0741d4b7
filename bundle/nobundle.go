package bundle

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"github.com/edged-dev/edged/config"
)

// maxUnbundledFiles bounds the walk of an unbundled worker's directory.
const maxUnbundledFiles = 5000

var exportRE = regexp.MustCompile(`(?m)^\s*export\s`)

// buildUnbundled loads the entry as it is, with every module beside it or below it
// (JavaScript files, and files matching a Text, Data or CompiledWasm rule), named by
// their path relative to the entry's directory, as wrangler does with no_bundle and
// find_additional_modules.
func (b *Bundler) buildUnbundled() (*Result, error) {
	entry := b.opts.Entry
	switch strings.ToLower(filepath.Ext(entry)) {
	case ".js", ".mjs", ".cjs":
	default:
		return nil, fmt.Errorf("bundle: no_bundle needs a JavaScript entry point, not %s: edged transforms TypeScript only while bundling", filepath.Base(entry))
	}
	base := filepath.Dir(entry)
	rules := effectiveRules(b.opts.Rules)
	res := &Result{Modules: map[string]string{}}
	n := 0
	err := filepath.WalkDir(base, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if p != base && (d.Name() == "node_modules" || strings.HasPrefix(d.Name(), ".")) {
				return filepath.SkipDir
			}
			return nil
		}
		n++
		if n > maxUnbundledFiles {
			return fmt.Errorf("more than %d files under %s", maxUnbundledFiles, base)
		}
		rel, _ := filepath.Rel(base, p)
		rel = filepath.ToSlash(rel)
		var t config.ModuleType
		switch strings.ToLower(filepath.Ext(p)) {
		case ".js", ".mjs", ".cjs":
			t = config.ESModule
		default:
			var ok bool
			if t, ok = ruleFor(rules, rel); !ok {
				return nil
			}
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		res.Inputs = append(res.Inputs, p)
		switch t {
		case config.Text:
			s, _ := json.Marshal(string(data))
			res.Modules[rel] = "export default " + string(s) + ";\n"
		case config.Data:
			res.Modules[rel] = bytesModule(data, "bytes.buffer")
		case config.CompiledWasm:
			res.Modules[rel] = bytesModule(data, "new WebAssembly.Module(bytes)")
		default:
			res.Modules[rel] = string(data)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("bundle: no_bundle: %w", err)
	}
	rel, _ := filepath.Rel(base, entry)
	res.Main = filepath.ToSlash(rel)
	code, ok := res.Modules[res.Main]
	if !ok {
		return nil, fmt.Errorf("bundle: no_bundle: cannot read the entry point %s", entry)
	}
	if exportRE.MatchString(code) {
		res.Exports = []string{"default"}
	}
	res.Map = mapFor(code, entry)
	sort.Strings(res.Inputs)
	return res, nil
}

// bytesModule is an ES module whose default export is expr over the Uint8Array bytes.
func bytesModule(data []byte, expr string) string {
	return "const text = atob(\"" + base64.StdEncoding.EncodeToString(data) + "\");\n" +
		"const bytes = new Uint8Array(text.length);\n" +
		"for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);\n" +
		"export default " + expr + ";\n"
}

var mapURLRE = regexp.MustCompile(`(?m)^//[#@] sourceMappingURL=(\S+)\s*$`)

// mapFor finds the source map a built file points at: a data: URL or a file next to
// it. It returns nil when there is none or it cannot be read.
func mapFor(code, file string) []byte {
	all := mapURLRE.FindAllStringSubmatch(code, -1)
	if len(all) == 0 {
		return nil
	}
	url := all[len(all)-1][1]
	if rest, ok := strings.CutPrefix(url, "data:"); ok {
		meta, payload, ok := strings.Cut(rest, ",")
		if !ok || !strings.HasSuffix(meta, ";base64") {
			return nil
		}
		b, err := base64.StdEncoding.DecodeString(payload)
		if err != nil {
			return nil
		}
		return b
	}
	if strings.Contains(url, "://") {
		return nil
	}
	b, err := os.ReadFile(filepath.Join(filepath.Dir(file), filepath.FromSlash(url)))
	if err != nil {
		return nil
	}
	return b
}
