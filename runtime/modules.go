package runtime

import _ "embed"

//go:embed modules/cloudflare_workers.js
var cloudflareWorkersJS string

// builtinModules are the modules edged provides to every worker by specifier, when
// the worker's own modules do not include one of that name (a bundle brings its own
// cloudflare:workers, tied to its facade).
var builtinModules = map[string]string{
	"cloudflare:workers": cloudflareWorkersJS,
}
