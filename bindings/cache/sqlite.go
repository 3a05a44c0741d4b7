package cache

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	_ "github.com/mattn/go-sqlite3"
)

// Options tune a Disk store. The zero value is usable.
type Options struct {
	MaxSize int64 // total body bytes kept; default 512 MiB. Larger bodies are not stored.
	// DefaultTTL applies to responses without Cache-Control max-age,
	// s-maxage or Expires; default 2h (Cloudflare's default edge TTL for
	// 200). Negative means such responses are not stored.
	DefaultTTL time.Duration
	Clock      func() time.Time // default time.Now
}

// Disk is a Store with bodies in files under dir/bodies and metadata in
// dir/cache.sqlite.
type Disk struct {
	dir   string
	opts  Options
	w, r  *sql.DB
	mu    sync.Mutex // guards total and eviction
	total int64
}

var _ Store = (*Disk)(nil)

const schema = `
CREATE TABLE IF NOT EXISTS entries(
	id       INTEGER PRIMARY KEY,
	cache    TEXT NOT NULL,
	url      TEXT NOT NULL,
	status   INTEGER NOT NULL,
	headers  BLOB NOT NULL,    -- JSON of the response header map
	vary     BLOB,             -- JSON of the request header values named by Vary
	file     TEXT NOT NULL,    -- body file name under bodies/
	size     INTEGER NOT NULL,
	expires  INTEGER NOT NULL, -- unix ms
	accessed INTEGER NOT NULL, -- unix ms, for LRU
	UNIQUE(cache, url)
);
CREATE INDEX IF NOT EXISTS entries_lru ON entries(accessed);`

// Open opens or creates a store in dir.
func Open(dir string, o *Options) (*Disk, error) {
	d := &Disk{dir: dir}
	if o != nil {
		d.opts = *o
	}
	if d.opts.MaxSize <= 0 {
		d.opts.MaxSize = 512 << 20
	}
	if d.opts.DefaultTTL == 0 {
		d.opts.DefaultTTL = 2 * time.Hour
	}
	if d.opts.Clock == nil {
		d.opts.Clock = time.Now
	}
	if err := os.MkdirAll(filepath.Join(dir, "bodies"), 0o755); err != nil {
		return nil, fmt.Errorf("cache: open %s: %w", dir, err)
	}
	dsn := func(ro bool) string {
		q := url.Values{"_journal_mode": {"WAL"}, "_busy_timeout": {"5000"}, "_synchronous": {"NORMAL"}, "_txlock": {"immediate"}}
		if ro {
			q.Set("_query_only", "true")
		}
		return "file:" + filepath.Join(dir, "cache.sqlite") + "?" + q.Encode()
	}
	var err error
	if d.w, err = sql.Open("sqlite3", dsn(false)); err != nil {
		return nil, fmt.Errorf("cache: open %s: %w", dir, err)
	}
	d.w.SetMaxOpenConns(1)
	if _, err = d.w.Exec(schema); err == nil {
		err = d.w.QueryRow("SELECT coalesce(sum(size), 0) FROM entries").Scan(&d.total)
	}
	if err != nil {
		d.w.Close()
		return nil, fmt.Errorf("cache: open %s: %w", dir, err)
	}
	if d.r, err = sql.Open("sqlite3", dsn(true)); err != nil {
		d.w.Close()
		return nil, fmt.Errorf("cache: open %s: %w", dir, err)
	}
	d.r.SetMaxOpenConns(4)
	d.r.SetMaxIdleConns(4)
	d.removeOrphans()
	return d, nil
}

// removeOrphans deletes body files no entry points at (left by a crash
// between writing a body and committing its row, or before removing one).
func (d *Disk) removeOrphans() {
	ents, err := os.ReadDir(filepath.Join(d.dir, "bodies"))
	if err != nil {
		return
	}
	known := map[string]bool{}
	rows, err := d.r.Query("SELECT file FROM entries")
	if err != nil {
		return
	}
	for rows.Next() {
		var f string
		if rows.Scan(&f) == nil {
			known[f] = true
		}
	}
	rows.Close()
	for _, e := range ents {
		if !known[e.Name()] {
			os.Remove(filepath.Join(d.dir, "bodies", e.Name()))
		}
	}
}

func (d *Disk) now() time.Time { return d.opts.Clock() }

// freshness returns how long a response may be served, or ok=false when it
// must not be stored.
func (d *Disk) freshness(status int, h http.Header) (ttl time.Duration, ok bool) {
	cc := ParseCacheControl(h.Values("Cache-Control")...)
	if cc.NoStore || cc.Private || cc.NoCache {
		return 0, false
	}
	if len(h.Values("Set-Cookie")) > 0 && !contains(cc.PrivateFields, "set-cookie") {
		return 0, false
	}
	var age int64
	if a := h.Get("Age"); a != "" {
		age = deltaSeconds(a)
	}
	switch {
	case cc.SMaxAge >= 0:
		ttl = time.Duration(cc.SMaxAge-age) * time.Second
	case cc.MaxAge >= 0:
		ttl = time.Duration(cc.MaxAge-age) * time.Second
	case h.Get("Expires") != "":
		exp, ok := ParseHTTPDate(h.Get("Expires"))
		if !ok {
			return 0, false // an invalid Expires means already expired
		}
		base := d.now()
		if date, ok := ParseHTTPDate(h.Get("Date")); ok {
			base = date
		}
		ttl = exp.Sub(base) - time.Duration(age)*time.Second
	default:
		if d.opts.DefaultTTL < 0 {
			return 0, false
		}
		ttl = d.opts.DefaultTTL
	}
	return ttl, ttl > 0
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// varyNames lists the request header names a response varies on.
func varyNames(h http.Header) (names []string, star bool) {
	for _, v := range h.Values("Vary") {
		for _, f := range strings.Split(v, ",") {
			f = strings.TrimSpace(f)
			if f == "*" {
				return nil, true
			}
			if f != "" {
				names = append(names, http.CanonicalHeaderKey(f))
			}
		}
	}
	return names, false
}

func varyValues(names []string, req http.Header) map[string]string {
	if len(names) == 0 {
		return nil
	}
	m := make(map[string]string, len(names))
	for _, n := range names {
		m[n] = strings.Join(req.Values(n), ", ")
	}
	return m
}

// Put implements Store.
func (d *Disk) Put(ctx context.Context, cacheName, rawURL, method string, reqHeader http.Header,
	status int, respHeader http.Header, body io.Reader) (bool, error) {
	if method != http.MethodGet {
		return false, errNonGET
	}
	if status == http.StatusPartialContent {
		return false, err206
	}
	names, star := varyNames(respHeader)
	if star {
		return false, errVary
	}
	if status == http.StatusNotModified {
		// Workers drops a 304 silently: caching one would answer later
		// unconditional requests with it.
		return false, nil
	}
	ttl, ok := d.freshness(status, respHeader)
	if !ok {
		return false, nil
	}
	header := respHeader.Clone()
	header.Del("Set-Cookie") // only reachable with private=set-cookie
	header.Del("Content-Length")
	hdrJSON, err := json.Marshal(header)
	if err != nil {
		return false, fmt.Errorf("cache: put: %w", err)
	}
	var varyJSON []byte
	if vv := varyValues(names, reqHeader); vv != nil {
		varyJSON, _ = json.Marshal(vv)
	}

	// Stream the body into a new file; it only becomes visible once its row
	// commits.
	name := randomName()
	path := filepath.Join(d.dir, "bodies", name)
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return false, fmt.Errorf("cache: put: %w", err)
	}
	size, err := io.Copy(f, io.LimitReader(ctxReader{ctx, body}, d.opts.MaxSize+1))
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil || size > d.opts.MaxSize {
		os.Remove(path)
		if err != nil {
			return false, fmt.Errorf("cache: put: %w", err)
		}
		return false, nil // larger than the whole cache
	}

	now := d.now()
	var oldFile string
	var oldSize int64
	tx, err := d.w.BeginTx(ctx, nil)
	if err != nil {
		os.Remove(path)
		return false, fmt.Errorf("cache: put: %w", err)
	}
	defer tx.Rollback() //nolint:errcheck // no-op after Commit
	err = tx.QueryRow("SELECT file, size FROM entries WHERE cache = ? AND url = ?", cacheName, rawURL).Scan(&oldFile, &oldSize)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		os.Remove(path)
		return false, fmt.Errorf("cache: put: %w", err)
	}
	_, err = tx.Exec(`INSERT INTO entries(cache, url, status, headers, vary, file, size, expires, accessed)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT(cache, url) DO UPDATE SET status = excluded.status, headers = excluded.headers,
			vary = excluded.vary, file = excluded.file, size = excluded.size,
			expires = excluded.expires, accessed = excluded.accessed`,
		cacheName, rawURL, status, hdrJSON, varyJSON, name, size, now.Add(ttl).UnixMilli(), now.UnixMilli())
	if err == nil {
		err = tx.Commit()
	}
	if err != nil {
		os.Remove(path)
		return false, fmt.Errorf("cache: put: %w", err)
	}
	if oldFile != "" {
		os.Remove(filepath.Join(d.dir, "bodies", oldFile))
	}
	d.mu.Lock()
	d.total += size - oldSize
	d.mu.Unlock()
	return true, d.evict(ctx)
}

// evict removes least recently used entries until the total fits.
func (d *Disk) evict(ctx context.Context) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	for d.total > d.opts.MaxSize {
		rows, err := d.w.QueryContext(ctx, "DELETE FROM entries WHERE id IN (SELECT id FROM entries ORDER BY accessed, id LIMIT 1) RETURNING file, size")
		if err != nil {
			return fmt.Errorf("cache: evict: %w", err)
		}
		n := 0
		for rows.Next() {
			var f string
			var sz int64
			if rows.Scan(&f, &sz) == nil {
				os.Remove(filepath.Join(d.dir, "bodies", f))
				d.total -= sz
				n++
			}
		}
		if err := rows.Close(); err != nil {
			return fmt.Errorf("cache: evict: %w", err)
		}
		if n == 0 {
			d.total = 0
			break
		}
	}
	return nil
}

type entry struct {
	id       int64
	status   int
	header   http.Header
	vary     map[string]string
	file     string
	size     int64
	expires  int64
	accessed int64
}

func (d *Disk) lookup(ctx context.Context, cacheName, rawURL string) (*entry, error) {
	var e entry
	var hdr, vary []byte
	err := d.r.QueryRowContext(ctx, "SELECT id, status, headers, vary, file, size, expires, accessed FROM entries WHERE cache = ? AND url = ?",
		cacheName, rawURL).Scan(&e.id, &e.status, &hdr, &vary, &e.file, &e.size, &e.expires, &e.accessed)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("cache: match: %w", err)
	}
	if err := json.Unmarshal(hdr, &e.header); err != nil {
		return nil, fmt.Errorf("cache: match: bad stored headers: %w", err)
	}
	if len(vary) > 0 {
		if err := json.Unmarshal(vary, &e.vary); err != nil {
			return nil, fmt.Errorf("cache: match: bad stored vary: %w", err)
		}
	}
	return &e, nil
}

// Match implements Store.
func (d *Disk) Match(ctx context.Context, cacheName, rawURL, method string, req http.Header, o MatchOptions) (*Response, error) {
	if method != http.MethodGet && !o.IgnoreMethod {
		return nil, nil
	}
	for attempt := 0; attempt < 2; attempt++ {
		e, err := d.lookup(ctx, cacheName, rawURL)
		if err != nil || e == nil {
			return nil, err
		}
		now := d.now().UnixMilli()
		if e.expires <= now {
			d.deleteID(ctx, e.id, e.file, e.size)
			return nil, nil
		}
		for name, v := range e.vary {
			if strings.Join(req.Values(name), ", ") != v {
				return nil, nil
			}
		}
		if now-e.accessed > 1000 { // LRU clock with one-second granularity
			d.w.ExecContext(ctx, "UPDATE entries SET accessed = ? WHERE id = ?", now, e.id) //nolint:errcheck
		}
		h := e.header
		h.Set("CF-Cache-Status", "HIT")
		if notModified(e.header, req) {
			h.Del("Content-Type")
			return &Response{Status: http.StatusNotModified, Header: h}, nil
		}
		f, err := os.Open(filepath.Join(d.dir, "bodies", e.file))
		if errors.Is(err, os.ErrNotExist) {
			continue // replaced or evicted between lookup and open: look again
		}
		if err != nil {
			return nil, fmt.Errorf("cache: match: %w", err)
		}
		return serve(e, h, f, req), nil
	}
	return nil, nil
}

// notModified evaluates If-None-Match (weak comparison) and, when it is
// absent, If-Modified-Since (RFC 9110 §13.2.2).
func notModified(h, req http.Header) bool {
	if inm := req.Get("If-None-Match"); inm != "" {
		etag := h.Get("ETag")
		tags, anyTag := ParseETags(inm)
		if anyTag {
			return true
		}
		for _, t := range tags {
			if WeakMatch(t, etag) {
				return true
			}
		}
		return false
	}
	if ims := req.Get("If-Modified-Since"); ims != "" {
		since, ok1 := ParseHTTPDate(ims)
		lm, ok2 := ParseHTTPDate(h.Get("Last-Modified"))
		return ok1 && ok2 && !lm.After(since)
	}
	return false
}

type fileSection struct {
	*io.SectionReader
	f *os.File
}

func (s fileSection) Close() error { return s.f.Close() }

// serve answers with the whole body or, for a single satisfiable byte range
// of a 200, with 206; an unsatisfiable range gets 416. Multiple ranges and
// malformed Range headers are ignored (200), which RFC 9110 allows.
func serve(e *entry, h http.Header, f *os.File, req http.Header) *Response {
	full := &Response{Status: e.status, Header: h, Body: f, Size: e.size}
	h.Set("Content-Length", strconv.FormatInt(e.size, 10))
	rh := req.Get("Range")
	if rh == "" || e.status != http.StatusOK {
		return full
	}
	if ir := req.Get("If-Range"); ir != "" && !ifRangeMatches(ir, h) {
		return full
	}
	ranges, ok := ParseRange(rh)
	if !ok || len(ranges) != 1 {
		return full
	}
	start, n, ok := ranges[0].Resolve(e.size)
	if !ok {
		f.Close()
		h.Set("Content-Range", fmt.Sprintf("bytes */%d", e.size))
		h.Set("Content-Length", "0")
		return &Response{Status: http.StatusRequestedRangeNotSatisfiable, Header: h}
	}
	h.Set("Content-Range", fmt.Sprintf("bytes %d-%d/%d", start, start+n-1, e.size))
	h.Set("Content-Length", strconv.FormatInt(n, 10))
	return &Response{Status: http.StatusPartialContent, Header: h, Body: fileSection{io.NewSectionReader(f, start, n), f}, Size: n}
}

// ifRangeMatches: an entity tag must match strongly; a date must equal
// Last-Modified exactly.
func ifRangeMatches(ir string, h http.Header) bool {
	if strings.HasPrefix(ir, `"`) || strings.HasPrefix(ir, "W/") {
		return StrongMatch(ir, h.Get("ETag"))
	}
	t, ok1 := ParseHTTPDate(ir)
	lm, ok2 := ParseHTTPDate(h.Get("Last-Modified"))
	return ok1 && ok2 && t.Equal(lm)
}

func (d *Disk) deleteID(ctx context.Context, id int64, file string, size int64) bool {
	res, err := d.w.ExecContext(ctx, "DELETE FROM entries WHERE id = ? AND file = ?", id, file)
	if err != nil {
		return false
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return false
	}
	os.Remove(filepath.Join(d.dir, "bodies", file))
	d.mu.Lock()
	d.total -= size
	d.mu.Unlock()
	return true
}

// Delete implements Store.
func (d *Disk) Delete(ctx context.Context, cacheName, rawURL, method string, o MatchOptions) (bool, error) {
	if method != http.MethodGet && !o.IgnoreMethod {
		return false, nil
	}
	var id, size int64
	var file string
	err := d.w.QueryRowContext(ctx, "DELETE FROM entries WHERE cache = ? AND url = ? RETURNING id, file, size", cacheName, rawURL).Scan(&id, &file, &size)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("cache: delete: %w", err)
	}
	os.Remove(filepath.Join(d.dir, "bodies", file))
	d.mu.Lock()
	d.total -= size
	d.mu.Unlock()
	return true, nil
}

// Size is the total size of the stored bodies.
func (d *Disk) Size() int64 {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.total
}

// Close implements Store.
func (d *Disk) Close() error {
	err := d.r.Close()
	if e := d.w.Close(); err == nil {
		err = e
	}
	return err
}

func randomName() string {
	var b [16]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// ctxReader stops a body copy when the request is cancelled.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}
