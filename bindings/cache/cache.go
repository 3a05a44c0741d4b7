// Package cache is the Go half of the Workers Cache API (caches.default and
// caches.open(name)): a store of GET responses keyed by cache name and URL,
// with Workers' rules for what may be stored and HTTP's rules for freshness,
// conditional requests and ranges. The default implementation keeps bodies in
// files and metadata in SQLite, under a total size cap with LRU eviction.
package cache

import (
	"context"
	"io"
	"net/http"
)

// Response is a cached response as Match returns it. Body is nil for 304 and
// 416; otherwise the caller must close it.
type Response struct {
	Status int
	Header http.Header
	Body   io.ReadCloser
	Size   int64 // bytes Body yields
}

// MatchOptions are the options of cache.match() and cache.delete().
// ignoreSearch and ignoreVary are not supported by Workers either.
type MatchOptions struct {
	IgnoreMethod bool
}

// Store is what a Cache API binding talks to. Implementations are safe for
// concurrent use. Errors meant for user code are *Error values.
type Store interface {
	// Put stores a response to a GET of url. It returns false when the
	// response is not cacheable (Cache-Control no-store or private,
	// Set-Cookie, no freshness left); those are silent no-ops in Workers.
	Put(ctx context.Context, cacheName, url, method string, reqHeader http.Header,
		status int, respHeader http.Header, body io.Reader) (stored bool, err error)
	// Match answers a request from the cache: nil on a miss, 304 for a
	// satisfied conditional request, 206/416 for a Range request.
	Match(ctx context.Context, cacheName, url, method string, reqHeader http.Header, o MatchOptions) (*Response, error)
	// Delete removes the entry and reports whether there was one.
	Delete(ctx context.Context, cacheName, url, method string, o MatchOptions) (bool, error)
	Close() error
}

// Error is a failure reported to user code with its JS class.
type Error struct {
	Class   string // "TypeError"
	Message string
}

func (e *Error) Error() string { return e.Class + ": " + e.Message }

var (
	errNonGET = &Error{"TypeError", "Cannot cache response to non-GET request."}
	err206    = &Error{"TypeError", "Cannot cache response to a range request (206 Partial Content)."}
	errVary   = &Error{"TypeError", "Cannot cache response with 'Vary: *' header."}
)
