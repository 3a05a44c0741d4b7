package bundle

import (
	"crypto/rand"
	_ "embed"
	"encoding/hex"
	"encoding/json"
	"strconv"
	"strings"
)

// Names of the modules Wrap adds. cloudflare:workers is not one of them: the bundle
// leaves it external and the runtime provides it (runtime/modules).
const (
	EntryModule  = "edged:entry"  // the runtime's main module: adapts the default export
	FacadeModule = "edged:facade" // class entrypoints, internal routes, dev error pages
)

// Headers of the facade's internal protocol (js/facade.js).
const (
	InternalHeader = "x-edged-internal" // carries the token on internal requests
	ErrorHeader    = "x-edged-error"    // marks a dev-mode error response, carries the token
	ScheduledPath  = "/__edged/scheduled"
)

//go:embed js/facade.js
var facadeJS string

// WrapOptions configure the facade.
type WrapOptions struct {
	// Token authorizes internal requests (scheduled events through fetch) and marks
	// dev error responses; "" turns both off. NewToken makes one.
	Token string
	// Dev turns exceptions thrown by fetch into 500 responses that carry the stack
	// (for the dev server's error page) instead of the runtime's plain 500.
	Dev bool
}

// NewToken returns a random token for WrapOptions.
func NewToken() string {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic("bundle: crypto/rand failed: " + err.Error())
	}
	return hex.EncodeToString(b[:])
}

// Wrap returns what the runtime loads for a build: the main module's name, every
// module, and whether the main module is a classic script. A module worker's main
// module becomes edged:entry, which re-exports the build and hands its default export
// to the runtime through the facade (class entrypoints, internal routes). A worker without exports is a service-worker script and runs as it is.
func Wrap(res *Result, o WrapOptions) (main string, modules map[string]string, script bool) {
	modules = make(map[string]string, len(res.Modules)+2)
	for k, v := range res.Modules {
		modules[k] = v
	}
	if len(res.Exports) == 0 {
		return res.Main, modules, true
	}
	tok, _ := json.Marshal(o.Token)
	facade := strings.Replace(facadeJS, "__TOKEN__", string(tok), 1)
	facade = strings.Replace(facade, "__DEV__", strconv.FormatBool(o.Dev), 1)
	modules[FacadeModule] = facade
	spec, _ := json.Marshal("./" + res.Main)
	modules[EntryModule] = "import * as worker from " + string(spec) + ";\n" +
		"import { adapt } from \"" + FacadeModule + "\";\n" +
		"export * from " + string(spec) + ";\n" +
		"export default adapt(worker.default);\n"
	return EntryModule, modules, false
}
