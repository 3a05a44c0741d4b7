package v8

import (
	"os"
	"testing"

	"github.com/edged-dev/edged/internal/prebind"
)

// scripts/deps.sh rewrites libnode's references to its own symbols so the loader
// does not look them up at every start (internal/prebind). That is right only while
// no program linking this package exports one of those names: glue.cc is compiled
// with hidden visibility so that it exports none.
func TestNoLibnodeSymbolInterposed(t *testing.T) {
	lib := LibraryPath()
	if lib == "" {
		t.Fatal("libnode not found in /proc/self/maps")
	}
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	names, err := prebind.Interposed(exe, lib)
	if err != nil {
		t.Fatal(err)
	}
	if len(names) > 0 {
		t.Errorf("this program exports %d names libnode defines and were rewritten to bind to libnode: %v", len(names), names)
	}
}
