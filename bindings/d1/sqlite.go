package d1

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/mattn/go-sqlite3"
)

// Options tune a SQLite-backed database. The zero value is usable.
type Options struct {
	Readers     int           // reader connections; default 4
	BusyTimeout time.Duration // how long a connection waits on a lock; default 5s
	// Synchronous is SQLite's synchronous mode in WAL: "NORMAL" (default)
	// survives process crashes; "FULL" also survives power loss.
	Synchronous string
	Region      string // meta.served_by_region; default "local"
	StmtCache   int    // prepared statements kept per connection; default 128
}

func (o *Options) withDefaults() Options {
	var r Options
	if o != nil {
		r = *o
	}
	if r.Readers <= 0 {
		r.Readers = 4
	}
	if r.BusyTimeout <= 0 {
		r.BusyTimeout = 5 * time.Second
	}
	if r.Synchronous == "" {
		r.Synchronous = "NORMAL"
	}
	if r.Region == "" {
		r.Region = "local"
	}
	if r.StmtCache <= 0 {
		r.StmtCache = 128
	}
	return r
}

// DB is a D1 database in one SQLite file, in WAL mode with foreign keys on.
// Writes go through one writer connection, one at a time; read-only
// statements run on a small pool of reader connections.
type DB struct {
	path string
	opts Options

	wsem chan struct{} // writer token (a mutex that honours ctx)
	w    *conn

	rmu      sync.Mutex
	readers  chan *conn
	nreaders int

	ro      sync.Map // SQL text → bool: stmt is read-only
	roCount atomic.Int64
	size    atomic.Int64  // size_after as of the last write
	commits atomic.Uint64 // write sequence behind Bookmark

	closeOnce sync.Once
	closed    atomic.Bool
}

// Open opens or creates the database file at path.
func Open(path string, o *Options) (*DB, error) {
	if declTypeOffset == 0 {
		return nil, errDriverLayout
	}
	opts := o.withDefaults()
	switch strings.ToUpper(opts.Synchronous) {
	case "NORMAL", "FULL", "EXTRA", "OFF":
	default:
		return nil, fmt.Errorf("d1: open %s: unknown synchronous mode %q", path, opts.Synchronous)
	}
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return nil, fmt.Errorf("d1: open %s: %w", path, err)
		}
	}
	db := &DB{path: path, opts: opts, wsem: make(chan struct{}, 1), readers: make(chan *conn, opts.Readers)}
	w, err := db.dial(false)
	if err != nil {
		return nil, fmt.Errorf("d1: open %s: %w", path, err)
	}
	db.w = w
	if err := w.refreshTotal(); err != nil {
		w.close()
		return nil, fmt.Errorf("d1: open %s: %w", path, err)
	}
	var m Meta
	if err := w.meta(&m); err != nil {
		w.close()
		return nil, fmt.Errorf("d1: open %s: %w", path, err)
	}
	db.size.Store(m.SizeAfter)
	// Bookmarks must grow across restarts without a table of our own in the
	// user's database: the sequence starts at the wall clock in microseconds.
	db.commits.Store(uint64(time.Now().UnixMicro()))
	return db, nil
}

// Bookmark implements Bookmarker: the current position in the database's
// sequence of writes, as 16 hexadecimal digits (so that later bookmarks
// compare greater as strings).
func (db *DB) Bookmark() string { return fmt.Sprintf("%016x", db.commits.Load()) }

// Region implements Regioner: meta.served_by_region.
func (db *DB) Region() string { return db.opts.Region }

func (db *DB) committed() {
	now := uint64(time.Now().UnixMicro())
	for {
		old := db.commits.Load()
		next := max(old+1, now)
		if db.commits.CompareAndSwap(old, next) {
			return
		}
	}
}

func (db *DB) dsn(readOnly bool) string {
	q := url.Values{}
	q.Set("_journal_mode", "WAL")
	q.Set("_busy_timeout", fmt.Sprint(db.opts.BusyTimeout.Milliseconds()))
	q.Set("_foreign_keys", "on")
	q.Set("_synchronous", strings.ToUpper(db.opts.Synchronous))
	q.Set("_txlock", "immediate")
	if readOnly {
		q.Set("_query_only", "true")
	}
	return "file:" + db.path + "?" + q.Encode()
}

func (db *DB) dial(readOnly bool) (*conn, error) {
	dc, err := (&sqlite3.SQLiteDriver{}).Open(db.dsn(readOnly))
	if err != nil {
		return nil, err
	}
	return &conn{c: dc.(*sqlite3.SQLiteConn), stmts: make(map[string]*sqlite3.SQLiteStmt), max: db.opts.StmtCache, writer: !readOnly}, nil
}

// lockWriter takes the writer token or gives up when ctx ends.
func (db *DB) lockWriter(ctx context.Context) error {
	select {
	case db.wsem <- struct{}{}:
	case <-ctx.Done():
		return ctx.Err()
	}
	if db.closed.Load() {
		<-db.wsem
		return errorf("Database is closed.")
	}
	return nil
}

func (db *DB) unlockWriter() { <-db.wsem }

func (db *DB) getReader(ctx context.Context) (*conn, error) {
	select {
	case c := <-db.readers:
		return c, nil
	default:
	}
	db.rmu.Lock()
	if db.nreaders < db.opts.Readers {
		db.nreaders++
		db.rmu.Unlock()
		c, err := db.dial(true)
		if err != nil {
			db.rmu.Lock()
			db.nreaders--
			db.rmu.Unlock()
			return nil, wrapSQLite(err)
		}
		return c, nil
	}
	db.rmu.Unlock()
	select {
	case c := <-db.readers:
		return c, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

func (db *DB) putReader(c *conn) { db.readers <- c }

// check validates a statement before it reaches SQLite.
func check(sql string) error {
	if firstWordOrSymbol(sql) == "" {
		return errorf("No SQL statements detected.")
	}
	switch strings.ToUpper(firstWord(sql)) {
	case "BEGIN", "COMMIT", "END", "ROLLBACK", "SAVEPOINT", "RELEASE", "ATTACH", "DETACH":
		return errorf("not authorized: SQLITE_AUTH")
	}
	return nil
}

// Query implements Database.
func (db *DB) Query(ctx context.Context, st Statement) (*Result, error) {
	r := &Result{}
	if err := db.one(ctx, st, r, true); err != nil {
		return nil, err
	}
	return r, nil
}

// Exec implements Database.
func (db *DB) Exec(ctx context.Context, st Statement) (Meta, error) {
	var r Result
	err := db.one(ctx, st, &r, false)
	return r.Meta, err
}

func (db *DB) one(ctx context.Context, st Statement, r *Result, keep bool) error {
	if db.closed.Load() {
		return errorf("Database is closed.")
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := check(st.SQL); err != nil {
		return err
	}
	// Read-only statements go to a reader. Whether a statement is
	// read-only is SQLite's answer (sqlite3_stmt_readonly), remembered per
	// SQL text.
	readOnly, known := db.ro.Load(st.SQL)
	if !known || readOnly.(bool) {
		c, err := db.getReader(ctx)
		if err != nil {
			return err
		}
		stmt, err := c.prepare(st.SQL)
		if err != nil {
			db.putReader(c)
			return wrapSQLite(err)
		}
		if !known {
			ro := stmt.Readonly()
			if db.roCount.Add(1) > 4096 { // bound the memo; rebuilding it is cheap
				db.ro.Clear()
				db.roCount.Store(0)
			}
			db.ro.Store(st.SQL, ro)
			readOnly = ro
		}
		if readOnly.(bool) {
			err = c.run(stmt, st.Params, r, keep)
			db.putReader(c)
			if err != nil {
				return err
			}
			db.fillMeta(&r.Meta)
			r.Meta.SizeAfter = db.size.Load()
			return nil
		}
		c.forget(st.SQL)
		db.putReader(c)
	}
	if err := db.lockWriter(ctx); err != nil {
		return err
	}
	defer db.unlockWriter()
	err := db.w.runWrite(st, r, keep)
	db.afterWrite(&r.Meta, err)
	return err
}

func (db *DB) fillMeta(m *Meta) {
	m.ServedBy = "edged"
	m.ServedByRegion = db.opts.Region
	m.ServedByPrimary = true
}

// afterWrite fills meta and makes sure a failure left no transaction open.
func (db *DB) afterWrite(m *Meta, err error) {
	db.fillMeta(m)
	if err != nil {
		db.w.releaseTx()
		return
	}
	db.size.Store(m.SizeAfter)
	db.committed()
}

// Batch implements Database.
func (db *DB) Batch(ctx context.Context, sts []Statement) ([]*Result, error) {
	if db.closed.Load() {
		return nil, errorf("Database is closed.")
	}
	for _, st := range sts {
		if err := check(st.SQL); err != nil {
			return nil, err
		}
	}
	if err := db.lockWriter(ctx); err != nil {
		return nil, err
	}
	defer db.unlockWriter()
	w := db.w
	if err := w.begin(); err != nil {
		w.releaseTx()
		return nil, wrapSQLite(err)
	}
	out := make([]*Result, len(sts))
	for i, st := range sts {
		r := &Result{}
		if err := w.runWrite(st, r, true); err != nil {
			w.releaseTx()
			return nil, err
		}
		db.fillMeta(&r.Meta)
		out[i] = r
	}
	if err := w.commit(); err != nil {
		w.releaseTx()
		return nil, wrapSQLite(err)
	}
	if len(out) > 0 {
		db.size.Store(out[len(out)-1].Meta.SizeAfter)
	}
	db.committed()
	return out, nil
}

// ExecScript implements Database. The script runs in one transaction: if a
// statement fails, the error names its line and nothing is applied.
func (db *DB) ExecScript(ctx context.Context, script string) (ExecResult, error) {
	if db.closed.Load() {
		return ExecResult{}, errorf("Database is closed.")
	}
	pieces := Split(script)
	if len(pieces) == 0 {
		return ExecResult{}, errorf("No SQL statements detected.")
	}
	if err := db.lockWriter(ctx); err != nil {
		return ExecResult{}, err
	}
	defer db.unlockWriter()
	start := time.Now()
	w := db.w
	if err := w.begin(); err != nil {
		w.releaseTx()
		return ExecResult{}, wrapSQLite(err)
	}
	var r Result
	for _, p := range pieces {
		err := check(p.SQL)
		if err == nil {
			err = w.runWrite(Statement{SQL: p.SQL}, &r, false)
		}
		if err != nil {
			w.releaseTx()
			msg := err.Error()
			var de *Error
			if errors.As(err, &de) {
				msg = de.Message
			}
			return ExecResult{}, &Error{Code: CodeExecError, Message: fmt.Sprintf("Error in line %d: %s: %s", p.Line, p.SQL, msg), Cause: err}
		}
	}
	if err := w.commit(); err != nil {
		w.releaseTx()
		return ExecResult{}, wrapSQLite(err)
	}
	db.size.Store(r.Meta.SizeAfter)
	db.committed()
	return ExecResult{Count: len(pieces), Duration: ms(time.Since(start))}, nil
}

// Dump implements Database: it writes a consistent snapshot of the database
// file, made with VACUUM INTO.
func (db *DB) Dump(ctx context.Context, w io.Writer) error {
	tmp, err := os.CreateTemp(filepath.Dir(db.path), ".dump-*.sqlite")
	if err != nil {
		return fmt.Errorf("d1: dump: %w", err)
	}
	name := tmp.Name()
	tmp.Close()
	os.Remove(name)
	defer os.Remove(name)
	if err := db.lockWriter(ctx); err != nil {
		return err
	}
	_, err = db.w.c.Exec("VACUUM INTO ?", []driver.Value{name})
	db.unlockWriter()
	if err != nil {
		return wrapSQLite(err)
	}
	f, err := os.Open(name)
	if err != nil {
		return fmt.Errorf("d1: dump: %w", err)
	}
	defer f.Close()
	if _, err := io.Copy(w, f); err != nil {
		return fmt.Errorf("d1: dump: %w", err)
	}
	return nil
}

// Close implements Database.
func (db *DB) Close() error {
	var err error
	db.closeOnce.Do(func() {
		db.wsem <- struct{}{} // wait for the writer
		db.closed.Store(true)
		err = db.w.close()
		<-db.wsem
		db.rmu.Lock()
		n := db.nreaders
		db.nreaders = db.opts.Readers // no new readers
		db.rmu.Unlock()
		for i := 0; i < n; i++ {
			c := <-db.readers // waits for readers in use
			c.close()
		}
	})
	return err
}

// Path is the database file.
func (db *DB) Path() string { return db.path }

func ms(d time.Duration) float64 { return float64(d.Nanoseconds()) / 1e6 }
