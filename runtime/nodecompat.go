package runtime

import (
	"embed"
	"fmt"
	"sort"
	"strings"

	"github.com/edged-dev/edged/compat"
)

// NodeCompat is what a worker gets of Workers' nodejs_compat: the node: built-in
// modules edged implements (runtime/modules/node), and with V2 their unprefixed
// names and the Buffer and process globals.
type NodeCompat struct {
	// Modules offers node:buffer, node:events, ... (nodejs_compat or nodejs_compat_v2).
	Modules bool
	// V2 also answers to the bare names ("buffer", "events", ...) and installs
	// globalThis.Buffer and globalThis.process before the main module runs
	// (nodejs_compat_v2, implied by nodejs_compat from 2024-09-23).
	V2 bool
	// ProcessEnv fills process.env with the worker's string vars
	// (nodejs_compat_populate_process_env, implied from 2025-04-01); else it is {}.
	ProcessEnv bool
}

// NodeCompatFor reads the node compatibility a worker's resolved flags ask for.
func NodeCompatFor(f compat.Flags) NodeCompat {
	v2 := f.Enabled("nodejs_compat_v2")
	on := f.Enabled("nodejs_compat") || v2
	return NodeCompat{Modules: on, V2: v2, ProcessEnv: on && f.Enabled("nodejs_compat_populate_process_env")}
}

//go:embed modules/node/*.js
var nodeModulesFS embed.FS

// nodeModules are the node: modules edged implements, by name without the prefix.
var nodeModules = func() map[string]string {
	m := map[string]string{}
	for _, n := range []string{"buffer", "events", "path", "process", "util", "assert", "string_decoder"} {
		b, err := nodeModulesFS.ReadFile("modules/node/" + n + ".js")
		if err != nil {
			panic(err)
		}
		m[n] = string(b)
	}
	// Subpath modules that are the same module under another name.
	m["path/posix"] = `export * from "node:path"; export { default } from "node:path";`
	m["util/types"] = `import util from "node:util"; export const {` + utilTypeNames + `} = util.types; export default util.types;`
	m["assert/strict"] = `import assert from "node:assert"; export const {` + assertNames + `} = assert.strict; export default assert.strict;`
	return m
}()

const utilTypeNames = "isPromise, isDate, isRegExp, isUint8Array, isTypedArray, isArrayBuffer, isAnyArrayBuffer, isSharedArrayBuffer, " +
	"isArrayBufferView, isDataView, isMap, isSet, isWeakMap, isWeakSet, isMapIterator, isSetIterator, isAsyncFunction, " +
	"isGeneratorFunction, isGeneratorObject, isNativeError, isBoxedPrimitive, isNumberObject, isStringObject, " +
	"isBooleanObject, isBigIntObject, isSymbolObject, isProxy, isUint8ClampedArray, isUint16Array, isUint32Array, " +
	"isInt8Array, isInt16Array, isInt32Array, isFloat32Array, isFloat64Array, isBigInt64Array, isBigUint64Array"

const assertNames = "AssertionError, ok, fail, match, doesNotMatch, ifError, throws, doesNotThrow, rejects, doesNotReject, " +
	"strictEqual, notStrictEqual, deepStrictEqual, notDeepStrictEqual, equal, notEqual, deepEqual, notDeepEqual, strict"

// nodeGlobalsModule installs globalThis.Buffer and globalThis.process; with V2 the
// main module imports it first.
const nodeGlobalsModule = "edged:node-globals"

const nodeGlobalsJS = `import { Buffer } from "node:buffer";
import process from "node:process";
for (const [k, v] of [["Buffer", Buffer], ["process", process]]) {
  if (!(k in globalThis)) Object.defineProperty(globalThis, k, { value: v, writable: true, configurable: true, enumerable: false });
}`

// nodeBuiltins are Node's built-in module names: with nodejs_compat the node: ones
// edged lacks fail with "not implemented", and with V2 so do the bare ones.
var nodeBuiltins = map[string]bool{}

func init() {
	for _, n := range strings.Fields(`assert assert/strict async_hooks buffer child_process cluster console constants
		crypto dgram diagnostics_channel dns dns/promises domain events fs fs/promises http http2 https inspector
		module net os path path/posix path/win32 perf_hooks process punycode querystring readline readline/promises
		repl stream stream/consumers stream/promises stream/web string_decoder sys timers timers/promises tls
		trace_events tty url util util/types v8 vm wasi worker_threads zlib`) {
		nodeBuiltins[n] = true
	}
}

// NodeBuiltinNames are the bare names of Node's built-in modules, sorted: what a
// bundler leaves to the runtime under nodejs_compat_v2.
func NodeBuiltinNames() []string {
	names := make([]string, 0, len(nodeBuiltins))
	for n := range nodeBuiltins {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// resolveNode resolves a node: specifier, or a bare built-in name with V2. ok is
// false when spec is not one of those (nor the globals module); err is set for a
// built-in edged does not provide, or for any node: import without the flag.
func (w *Worker) resolveNode(spec, referrer string) (name, src string, ok bool, err error) {
	nc := w.cfg.NodeCompat
	if spec == nodeGlobalsModule && nc.V2 {
		return spec, nodeGlobalsJS, true, nil
	}
	base, prefixed := strings.CutPrefix(spec, "node:")
	if !prefixed && (!nc.V2 || !nodeBuiltins[base]) {
		return "", "", false, nil
	}
	src, have := nodeModules[base]
	if !nc.Modules {
		hint := `; it needs the nodejs_compat compatibility flag (compatibility_flags = ["nodejs_compat"])`
		if !have {
			hint = ", not even with the nodejs_compat compatibility flag"
		}
		return "", "", true, fmt.Errorf("not implemented: module %q (imported from %s) is not provided by edged yet%s", spec, referrer, hint)
	}
	if !have {
		return "", "", true, fmt.Errorf("not implemented: node:%s (imported from %s as %q) is not provided by edged; its nodejs_compat covers %s", base, referrer, spec, nodeProvided)
	}
	if base == "process" {
		src = strings.Replace(src, "__POPULATE_ENV__", boolJS(nc.ProcessEnv), 1)
	}
	return "node:" + base, src, true, nil
}

const nodeProvided = "node:assert, node:buffer, node:events, node:path, node:process, node:string_decoder and node:util"

func boolJS(b bool) string {
	if b {
		return "true"
	}
	return "false"
}

// withNodeGlobals makes a main module import the globals module before anything
// else. The import goes on the module's first line so that line numbers stay.
func withNodeGlobals(src string) string {
	imp := `import "` + nodeGlobalsModule + `";`
	if strings.HasPrefix(src, "#!") { // a hashbang must stay first
		if i := strings.IndexByte(src, '\n'); i >= 0 {
			return src[:i+1] + imp + src[i+1:]
		}
		return src
	}
	return imp + src
}
