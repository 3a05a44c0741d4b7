// Package bindings holds the APIs user code sees. Each subfolder is one API: its JS
// half (NN_name.js files, embedded here and baked into the startup snapshot) and,
// where the OS is involved, its Go ops and backend.
package bindings

import "embed"

// JS is every binding's JS half; the runtime orders the files by their NN_ prefix.
//
//go:embed */*.js
var JS embed.FS
