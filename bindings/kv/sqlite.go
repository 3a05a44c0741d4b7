package kv

import (
	"context"
	"database/sql"
	"encoding/base64"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"sync/atomic"

	_ "github.com/mattn/go-sqlite3"
)

const schema = `
CREATE TABLE IF NOT EXISTS kv(
	key        BLOB NOT NULL UNIQUE, -- UTF-8 bytes: BLOB order is KV's byte order
	value      BLOB NOT NULL,
	expiration INTEGER,              -- seconds since the epoch, NULL = never
	metadata   BLOB                  -- serialized JSON, NULL = none
);
CREATE INDEX IF NOT EXISTS kv_expiration ON kv(expiration) WHERE expiration IS NOT NULL;`

// purgeEvery is how many puts pass between sweeps of expired keys.
const purgeEvery = 256

// DB is a KV namespace in one SQLite file. Writes go through one
// connection; reads through a small pool.
type DB struct {
	w, r  *sql.DB
	clock Clock

	get, getMeta, list, put, del, delExpired, purge *sql.Stmt

	puts atomic.Int64
}

var _ Store = (*DB)(nil)

// Open opens or creates the namespace file at path. A nil clock means the
// system clock.
func Open(path string, clock Clock) (*DB, error) {
	if clock == nil {
		clock = SystemClock{}
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, fmt.Errorf("kv: open %s: %w", path, err)
	}
	dsn := func(ro bool) string {
		q := url.Values{"_journal_mode": {"WAL"}, "_busy_timeout": {"5000"}, "_synchronous": {"NORMAL"}, "_txlock": {"immediate"}}
		if ro {
			q.Set("_query_only", "true")
		}
		return "file:" + path + "?" + q.Encode()
	}
	s := &DB{clock: clock}
	var err error
	if s.w, err = sql.Open("sqlite3", dsn(false)); err != nil {
		return nil, fmt.Errorf("kv: open %s: %w", path, err)
	}
	s.w.SetMaxOpenConns(1)
	s.w.SetConnMaxIdleTime(0)
	if _, err := s.w.Exec(schema); err != nil {
		s.w.Close()
		return nil, fmt.Errorf("kv: open %s: %w", path, err)
	}
	if s.r, err = sql.Open("sqlite3", dsn(true)); err != nil {
		s.w.Close()
		return nil, fmt.Errorf("kv: open %s: %w", path, err)
	}
	s.r.SetMaxOpenConns(4)
	s.r.SetMaxIdleConns(4)
	prep := []struct {
		db  *sql.DB
		dst **sql.Stmt
		sql string
	}{
		{s.r, &s.get, "SELECT value, expiration FROM kv WHERE key = ?"},
		{s.r, &s.getMeta, "SELECT value, expiration, metadata FROM kv WHERE key = ?"},
		{s.r, &s.list, "SELECT key, expiration, metadata FROM kv WHERE key >= ? AND key > ? AND (? IS NULL OR key < ?) AND (expiration IS NULL OR expiration > ?) ORDER BY key LIMIT ?"},
		{s.w, &s.put, "INSERT INTO kv(key, value, expiration, metadata) VALUES (?, ?, ?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value, expiration = excluded.expiration, metadata = excluded.metadata"},
		{s.w, &s.del, "DELETE FROM kv WHERE key = ?"},
		{s.w, &s.delExpired, "DELETE FROM kv WHERE key = ? AND expiration <= ?"},
		{s.w, &s.purge, "DELETE FROM kv WHERE expiration <= ?"},
	}
	for _, p := range prep {
		if *p.dst, err = p.db.Prepare(p.sql); err != nil {
			s.Close()
			return nil, fmt.Errorf("kv: open %s: %w", path, err)
		}
	}
	return s, nil
}

func nullable(n int64) any {
	if n == 0 {
		return nil
	}
	return n
}

// Get implements Store.
func (s *DB) Get(ctx context.Context, key string) ([]byte, bool, error) {
	if err := ValidateKey("GET", key); err != nil {
		return nil, false, err
	}
	var v []byte
	var exp sql.NullInt64
	err := s.get.QueryRowContext(ctx, []byte(key)).Scan(&v, &exp)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("kv: get: %w", err)
	}
	if s.expired(ctx, key, exp) {
		return nil, false, nil
	}
	if v == nil {
		v = []byte{}
	}
	return v, true, nil
}

// expired reports whether exp is past and, if so, deletes the key (lazy purge).
func (s *DB) expired(ctx context.Context, key string, exp sql.NullInt64) bool {
	now := s.clock.Now().Unix()
	if !exp.Valid || exp.Int64 > now {
		return false
	}
	// Best effort: a failure leaves the row for the next sweep.
	s.delExpired.ExecContext(ctx, []byte(key), now) //nolint:errcheck
	return true
}

// GetWithMetadata implements Store.
func (s *DB) GetWithMetadata(ctx context.Context, key string) (Entry, bool, error) {
	if err := ValidateKey("GET", key); err != nil {
		return Entry{}, false, err
	}
	var e Entry
	var exp sql.NullInt64
	err := s.getMeta.QueryRowContext(ctx, []byte(key)).Scan(&e.Value, &exp, &e.Metadata)
	if errors.Is(err, sql.ErrNoRows) {
		return Entry{}, false, nil
	}
	if err != nil {
		return Entry{}, false, fmt.Errorf("kv: get: %w", err)
	}
	if s.expired(ctx, key, exp) {
		return Entry{}, false, nil
	}
	if e.Value == nil {
		e.Value = []byte{}
	}
	e.Expiration = exp.Int64
	return e, true, nil
}

// GetBulk implements Store.
func (s *DB) GetBulk(ctx context.Context, keys []string) ([]*Entry, error) {
	if len(keys) > MaxBulkKeys {
		return nil, &Error{"GET_BULK", 400, fmt.Sprintf("You can request a maximum of %d keys", MaxBulkKeys)}
	}
	for _, k := range keys {
		if err := ValidateKey("GET_BULK", k); err != nil {
			return nil, err
		}
	}
	out := make([]*Entry, len(keys))
	for i, k := range keys {
		e, ok, err := s.GetWithMetadata(ctx, k)
		if err != nil {
			return nil, err
		}
		if ok {
			out[i] = &e
		}
	}
	return out, nil
}

// Put implements Store.
func (s *DB) Put(ctx context.Context, key string, value []byte, o PutOptions) error {
	now := s.clock.Now()
	exp, err := ValidatePut(key, value, o, now)
	if err != nil {
		return err
	}
	if value == nil {
		value = []byte{}
	}
	var meta any
	if o.Metadata != nil {
		meta = o.Metadata
	}
	if _, err := s.put.ExecContext(ctx, []byte(key), value, nullable(exp), meta); err != nil {
		return fmt.Errorf("kv: put: %w", err)
	}
	if s.puts.Add(1)%purgeEvery == 0 {
		s.Purge(ctx) //nolint:errcheck // best effort; expired rows are filtered anyway
	}
	return nil
}

// Purge deletes every expired key now. Stores also purge lazily.
func (s *DB) Purge(ctx context.Context) error {
	_, err := s.purge.ExecContext(ctx, s.clock.Now().Unix())
	return err
}

// Delete implements Store.
func (s *DB) Delete(ctx context.Context, key string) error {
	if err := ValidateKey("DELETE", key); err != nil {
		return err
	}
	if _, err := s.del.ExecContext(ctx, []byte(key)); err != nil {
		return fmt.Errorf("kv: delete: %w", err)
	}
	return nil
}

// EncodeCursor and DecodeCursor give the opaque cursor: the last key
// returned, in unpadded URL-safe base64.
func EncodeCursor(lastKey string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(lastKey))
}

func DecodeCursor(c string) (string, error) {
	b, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil || len(b) == 0 || len(b) > MaxKeySize {
		return "", &Error{"GET", 400, "Invalid cursor"}
	}
	return string(b), nil
}

// prefixEnd returns the smallest byte string greater than every string with
// the given prefix, or nil when there is none (prefix all 0xff).
func prefixEnd(prefix string) []byte {
	b := []byte(prefix)
	for i := len(b) - 1; i >= 0; i-- {
		if b[i] < 0xff {
			b[i]++
			return b[:i+1]
		}
	}
	return nil
}

// List implements Store.
func (s *DB) List(ctx context.Context, o ListOptions) (ListResult, error) {
	limit, err := ValidateLimit(o.Limit)
	if err != nil {
		return ListResult{}, err
	}
	if len(o.Prefix) > MaxKeySize {
		return ListResult{}, &Error{"GET", 414, fmt.Sprintf("UTF-8 encoded length of %d exceeds key length limit of %d.", len(o.Prefix), MaxKeySize)}
	}
	after := []byte{} // every key is non-empty, so > x'' holds for all
	if o.Cursor != "" {
		k, err := DecodeCursor(o.Cursor)
		if err != nil {
			return ListResult{}, err
		}
		after = []byte(k)
	}
	var end any
	if e := prefixEnd(o.Prefix); e != nil {
		end = e
	}
	rows, err := s.list.QueryContext(ctx, []byte(o.Prefix), after, end, end, s.clock.Now().Unix(), limit+1)
	if err != nil {
		return ListResult{}, fmt.Errorf("kv: list: %w", err)
	}
	defer rows.Close()
	res := ListResult{Keys: make([]Key, 0, min(limit, 64))}
	for rows.Next() {
		var k []byte
		var exp sql.NullInt64
		var meta []byte
		if err := rows.Scan(&k, &exp, &meta); err != nil {
			return ListResult{}, fmt.Errorf("kv: list: %w", err)
		}
		if len(res.Keys) == limit {
			res.Cursor = EncodeCursor(res.Keys[len(res.Keys)-1].Name)
			return res, rows.Err()
		}
		res.Keys = append(res.Keys, Key{Name: string(k), Expiration: exp.Int64, Metadata: meta})
	}
	res.ListComplete = true
	return res, rows.Err()
}

// Close implements Store.
func (s *DB) Close() error {
	for _, st := range []*sql.Stmt{s.get, s.getMeta, s.list, s.put, s.del, s.delExpired, s.purge} {
		if st != nil {
			st.Close()
		}
	}
	var err error
	if s.r != nil {
		err = s.r.Close()
	}
	if s.w != nil {
		if e := s.w.Close(); err == nil {
			err = e
		}
	}
	return err
}
