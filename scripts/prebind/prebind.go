// Command prebind rewrites a shared library's references to its own symbols into
// relative relocations (see internal/prebind for why and what). scripts/deps.sh runs
// it on the libnode copy under .deps.
//
// Usage: go run ./scripts/prebind FILE.so
package main

import (
	"fmt"
	"os"

	"github.com/edged-dev/edged/internal/prebind"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: prebind FILE.so")
		os.Exit(2)
	}
	n, err := prebind.Rewrite(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, "prebind:", err)
		os.Exit(1)
	}
	fmt.Printf("prebind: %d self-references in %s made relative\n", n, os.Args[1])
}
