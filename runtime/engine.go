package runtime

import (
	"embed"
	"fmt"
	"io/fs"
	"os"
	"path"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/evanw/esbuild/pkg/api"

	"github.com/edged-dev/edged/bindings"
	"github.com/edged-dev/edged/runtime/op"
	"github.com/edged-dev/edged/runtime/v8"
)

//go:embed js/*.js
var coreJS embed.FS

// Hook slots: the order of core.hooks in the array the bootstrap returns. The glue
// knows resolveOps, moduleLoaded, promiseReject, makeError and flushRejections by
// these numbers too.
const (
	hookResolveOps = iota
	hookModuleLoaded
	hookPromiseReject
	hookFetch
	hookTimers
	hookMakeError
	hookFlushRejections
	hookScheduled
	hookContextReady
	hookPrepareEnv
	hookAbortRequest
)

var hookNames = []string{"resolveOps", "moduleLoaded", "promiseReject", "fetch", "timers", "makeError", "flushRejections", "scheduled", "contextReady", "prepareEnv", "abortRequest"}

// jsFile is one bootstrap file.
type jsFile struct {
	order int
	path  string
	src   string
}

func collectJS() ([]jsFile, error) {
	var files []jsFile
	add := func(fsys fs.FS, prefix string) error {
		return fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasSuffix(p, ".js") {
				return err
			}
			base := path.Base(p)
			i := strings.IndexByte(base, '_')
			n, perr := strconv.Atoi(base[:max(i, 0)])
			if i < 0 || perr != nil {
				return fmt.Errorf("runtime: JS file %s%s is not named NN_name.js", prefix, p)
			}
			b, err := fs.ReadFile(fsys, p)
			if err != nil {
				return err
			}
			files = append(files, jsFile{n, prefix + p, string(b)})
			return nil
		})
	}
	if err := add(coreJS, "runtime/"); err != nil {
		return nil, err
	}
	if err := add(bindings.JS, "bindings/"); err != nil {
		return nil, err
	}
	sort.Slice(files, func(i, j int) bool {
		if files[i].order != files[j].order {
			return files[i].order < files[j].order
		}
		return files[i].path < files[j].path
	})
	return files, nil
}

// buildBootstrap assembles the snapshot script: a function (op) that runs every file
// with shared core/priv objects and returns the hooks array.
// With compact, each file is compacted first (see compactJS); that costs ~0.1 s of
// parsing, so it is done only when the snapshot is actually made.
func buildBootstrap(files []jsFile, ops []string, compact bool) string {
	var b strings.Builder
	b.WriteString("(function (op, detach) {\n\"use strict\";\nconst opTable = Object.freeze({")
	for i, name := range ops {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, "%s:%d", name, i)
	}
	b.WriteString("});\nconst core = { detach }, priv = {};\n")
	for _, f := range files {
		fn := fmt.Sprintf("(function (core, priv, op, opTable) { \"use strict\";\n%s\n})", f.src)
		if compact {
			fn = compactJS(fn)
		}
		fmt.Fprintf(&b, "// ---- %s\n%s(core, priv, op, opTable);\n", f.path, fn)
	}
	b.WriteString("const h = core.hooks;\nreturn [")
	for i, n := range hookNames {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString("h." + n)
	}
	b.WriteString("];\n})")
	return b.String()
}

// compactJS drops comments and whitespace (names and syntax stay as written): every
// isolate holds the bootstrap's source, so this is memory saved per isolate. Source
// esbuild cannot parse is kept as it is; V8 then reports the error.
func compactJS(src string) string {
	r := api.Transform(src, api.TransformOptions{
		Loader:           api.LoaderJS,
		Target:           api.ESNext,
		MinifyWhitespace: true,
		LegalComments:    api.LegalCommentsNone,
	})
	if len(r.Errors) > 0 {
		return src
	}
	return strings.TrimSuffix(strings.TrimSpace(string(r.Code)), ";")
}

// engine is the per-process state: V8 initialized, one snapshot, one op table.
type engine struct {
	snap  *v8.Snapshot
	ops   []op.Func
	opIDs map[string]int
}

var (
	engineOnce sync.Once
	theEngine  *engine
	engineErr  error
)

func getEngine() (*engine, error) {
	engineOnce.Do(func() {
		names, fns := op.Table()
		e := &engine{opIDs: map[string]int{}, ops: fns}
		for i, n := range names {
			e.opIDs[n] = i
		}
		v8.Init(os.Getenv("EDGED_V8_FLAGS"))
		// The bootstrap is assembled only when the cache misses (or the program has no
		// build ID to key it by): that alone costs several milliseconds.
		snap, err := loadOrMakeSnapshot(func(compact bool) (string, error) {
			files, err := collectJS()
			if err != nil {
				return "", err
			}
			return buildBootstrap(files, names, compact), nil
		})
		if err != nil {
			engineErr = fmt.Errorf("runtime: %w", err)
			return
		}
		e.snap = snap
		theEngine = e
	})
	return theEngine, engineErr
}

// V8Version reports the version of the embedded V8.
func V8Version() string { return v8.Version() }
