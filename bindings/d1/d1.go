// Package d1 is the Go half of the D1 binding: a SQL database with
// Cloudflare D1's semantics (results, metadata, errors, parameter binding),
// and its default implementation on an embedded SQLite file.
//
// The JS half calls a Database through async ops whose arguments are strings
// and byte slices: parameters arrive encoded by AppendParams and results
// leave encoded by Result.AppendBinary (see STORAGE.md in the parent
// directory).
package d1

import (
	"context"
	"io"
)

// Statement is one SQL statement and its positional parameters (?, ?NNN).
type Statement struct {
	SQL    string
	Params []Value
}

// Database is what a D1 binding talks to. Implementations are safe for
// concurrent use. Errors meant for user code are *Error values.
type Database interface {
	// Query runs one statement and returns its rows and metadata
	// (D1's all(), first(), raw(), run()).
	Query(ctx context.Context, st Statement) (*Result, error)
	// Exec runs one statement and returns only its metadata; rows are
	// stepped through and dropped.
	Exec(ctx context.Context, st Statement) (Meta, error)
	// Batch runs the statements in order in one transaction: all of them
	// take effect, or, if any fails, none (D1's batch()).
	Batch(ctx context.Context, sts []Statement) ([]*Result, error)
	// ExecScript runs a script of parameterless statements (D1's exec()).
	ExecScript(ctx context.Context, sql string) (ExecResult, error)
	// Dump writes a consistent copy of the database file (D1's dump()).
	Dump(ctx context.Context, w io.Writer) error
	// Close releases the database. In-flight calls finish first.
	Close() error
}

// Bookmarker is implemented by databases that can name their current state
// for D1's sessions API (withSession, getBookmark). Bookmarks of one database
// compare as strings: a later state has a greater bookmark.
type Bookmarker interface {
	Bookmark() string
}

// Regioner is implemented by databases that report where they run
// (meta.served_by_region); without it the op layer reports "local".
type Regioner interface {
	Region() string
}

var (
	_ Database   = (*DB)(nil)
	_ Bookmarker = (*DB)(nil)
	_ Regioner   = (*DB)(nil)
)
