// Package kv is the Go half of the Workers KV binding: a key-value store
// with KV's limits, expiration and listing, and its default implementation on
// an embedded SQLite file (one file per namespace).
package kv

import (
	"context"
	"fmt"
	"time"
)

// Limits, as documented for Workers KV.
const (
	MaxKeySize      = 512      // bytes, UTF-8
	MaxValueSize    = 25 << 20 // bytes
	MaxMetadataSize = 1024     // bytes of serialized JSON
	MinTTL          = 60       // seconds, for expirationTtl and expiration
	MaxListLimit    = 1000
	MaxBulkKeys     = 100
)

// Clock supplies the current time; tests use a fake one.
type Clock interface{ Now() time.Time }

// SystemClock is the real clock.
type SystemClock struct{}

func (SystemClock) Now() time.Time { return time.Now() }

// Entry is a stored value with what was put alongside it.
type Entry struct {
	Value      []byte
	Metadata   []byte // serialized JSON as put; nil when none
	Expiration int64  // seconds since the epoch; 0 when none
}

// PutOptions are put()'s options. The JS half floors fractional numbers.
type PutOptions struct {
	Expiration    int64  // absolute, seconds since the epoch; 0 = none
	ExpirationTTL int64  // relative, seconds from now; 0 = none; wins over Expiration
	Metadata      []byte // JSON.stringify(metadata); nil = none
}

// ListOptions are list()'s options.
type ListOptions struct {
	Prefix string
	Limit  int    // 1..1000; 0 means 1000
	Cursor string // from a previous ListResult; "" starts at the beginning
}

// Key is one entry of a listing.
type Key struct {
	Name       string
	Expiration int64  // 0 when none
	Metadata   []byte // nil when none
}

// ListResult is list()'s result. Cursor is set only when ListComplete is false.
type ListResult struct {
	Keys         []Key
	ListComplete bool
	Cursor       string
}

// Store is what a KV binding talks to. Implementations are safe for
// concurrent use, never return expired entries, and report user errors as
// *Error values.
type Store interface {
	// Get returns the value of key; ok is false when it is absent or expired.
	Get(ctx context.Context, key string) (value []byte, ok bool, err error)
	// GetWithMetadata returns the entry of key.
	GetWithMetadata(ctx context.Context, key string) (e Entry, ok bool, err error)
	// GetBulk returns one entry per key, nil where absent (get(keys[])).
	GetBulk(ctx context.Context, keys []string) ([]*Entry, error)
	Put(ctx context.Context, key string, value []byte, opts PutOptions) error
	// Delete removes key; deleting an absent key is not an error.
	Delete(ctx context.Context, key string) error
	List(ctx context.Context, opts ListOptions) (ListResult, error)
	Close() error
}

// Error is a failure reported to user code, worded as Workers words it:
// "KV PUT failed: 414 UTF-8 encoded length of 513 exceeds key length limit of 512."
type Error struct {
	Op      string // GET (also for list(), as workerd reports it), PUT, DELETE, GET_BULK
	Status  int    // the HTTP status KV's API would answer with
	Message string
}

func (e *Error) Error() string { return fmt.Sprintf("KV %s failed: %d %s", e.Op, e.Status, e.Message) }

// ValidateKey checks a key as KV does for op.
func ValidateKey(op, key string) error {
	switch {
	case key == "":
		return &Error{op, 400, "Key names must not be empty"}
	case key == "." || key == "..":
		return &Error{op, 400, fmt.Sprintf("Illegal key name \"%s\". Please use a different name.", key)}
	case len(key) > MaxKeySize:
		return &Error{op, 414, fmt.Sprintf("UTF-8 encoded length of %d exceeds key length limit of %d.", len(key), MaxKeySize)}
	}
	return nil
}

// ValidatePut checks a put's value and options at time now and returns the
// absolute expiration to store (0 for none).
func ValidatePut(key string, value []byte, o PutOptions, now time.Time) (int64, error) {
	if err := ValidateKey("PUT", key); err != nil {
		return 0, err
	}
	if len(value) > MaxValueSize {
		return 0, &Error{"PUT", 413, fmt.Sprintf("Value length of %d exceeds limit of %d.", len(value), MaxValueSize)}
	}
	if len(o.Metadata) > MaxMetadataSize {
		return 0, &Error{"PUT", 413, fmt.Sprintf("Metadata length of %d exceeds limit of %d.", len(o.Metadata), MaxMetadataSize)}
	}
	sec := now.Unix()
	switch {
	case o.ExpirationTTL < 0:
		return 0, &Error{"PUT", 400, fmt.Sprintf("Invalid expiration_ttl of %d. Please specify integer greater than 0.", o.ExpirationTTL)}
	case o.ExpirationTTL > 0:
		if o.ExpirationTTL < MinTTL {
			return 0, &Error{"PUT", 400, fmt.Sprintf("Invalid expiration_ttl of %d. Expiration TTL must be at least %d.", o.ExpirationTTL, MinTTL)}
		}
		return sec + o.ExpirationTTL, nil
	case o.Expiration < 0:
		return 0, &Error{"PUT", 400, fmt.Sprintf("Invalid expiration of %d. Please specify integer greater than the current number of seconds since the UNIX epoch.", o.Expiration)}
	case o.Expiration > 0:
		if o.Expiration < sec+MinTTL {
			return 0, &Error{"PUT", 400, fmt.Sprintf("Invalid expiration of %d. Expiration times must be at least %d seconds in the future.", o.Expiration, MinTTL)}
		}
		return o.Expiration, nil
	}
	return 0, nil
}

// ValidateLimit checks list()'s limit and returns the effective one.
func ValidateLimit(limit int) (int, error) {
	switch {
	case limit == 0:
		return MaxListLimit, nil
	case limit < 0:
		return 0, &Error{"GET", 400, fmt.Sprintf("Invalid key_count_limit of %d. Please specify an integer greater than 0.", limit)}
	case limit > MaxListLimit:
		return 0, &Error{"GET", 400, fmt.Sprintf("Invalid key_count_limit of %d. Please specify an integer less than %d.", limit, MaxListLimit)}
	}
	return limit, nil
}
