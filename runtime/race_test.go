//go:build race

package runtime

// raceEnabled: tests that move a lot of data move less under the race detector,
// which slows the Go side of every chunk ten-fold.
const raceEnabled = true
