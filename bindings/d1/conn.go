package d1

import (
	"database/sql/driver"
	"io"
	"time"

	"github.com/mattn/go-sqlite3"
)

// conn is one SQLite connection with its own prepared-statement cache. It is
// used by one goroutine at a time (the writer token or reader pool ensures it).
type conn struct {
	c      *sqlite3.SQLiteConn
	stmts  map[string]*sqlite3.SQLiteStmt
	max    int
	writer bool

	total    int64 // total_changes() after the last statement (writer)
	metaStmt *sqlite3.SQLiteStmt
	args     []driver.Value
	dest     []driver.Value
}

func (c *conn) prepare(sql string) (*sqlite3.SQLiteStmt, error) {
	if s, ok := c.stmts[sql]; ok {
		return s, nil
	}
	ds, err := c.c.Prepare(sql)
	if err != nil {
		return nil, err
	}
	s := ds.(*sqlite3.SQLiteStmt)
	if len(c.stmts) >= c.max {
		for k, old := range c.stmts { // evict an arbitrary entry
			old.Close()
			delete(c.stmts, k)
			break
		}
	}
	c.stmts[sql] = s
	return s, nil
}

func (c *conn) forget(sql string) {
	if s, ok := c.stmts[sql]; ok {
		s.Close()
		delete(c.stmts, sql)
	}
}

func (c *conn) close() error {
	for k, s := range c.stmts {
		s.Close()
		delete(c.stmts, k)
	}
	if c.metaStmt != nil {
		c.metaStmt.Close()
	}
	return c.c.Close()
}

// run executes a prepared statement, appending its rows to r when keep is
// set. It fills r.Meta.Duration, RowsRead and nothing else.
func (c *conn) run(s *sqlite3.SQLiteStmt, params []Value, r *Result, keep bool) error {
	if s.NumInput() != len(params) {
		return &Error{Code: CodeError, Message: ErrWrongParamCount.Error(), Cause: ErrWrongParamCount}
	}
	args := c.args[:0]
	for _, p := range params {
		args = append(args, driverValue(p))
	}
	c.args = args[:0]
	start := time.Now()
	dr, err := s.Query(args)
	clear(args)
	if err != nil {
		return wrapSQLite(err)
	}
	rows := dr.(*sqlite3.SQLiteRows)
	cols := rows.Columns()
	plainDeclTypes(rows, len(cols))
	if keep {
		r.Columns = append(r.Columns[:0], cols...)
	}
	if cap(c.dest) < len(cols) {
		c.dest = make([]driver.Value, len(cols))
	}
	dest := c.dest[:len(cols)]
	var n int64
	for {
		err = rows.Next(dest)
		if err == io.EOF {
			err = nil
			break
		}
		if err != nil {
			break
		}
		n++
		if keep {
			for _, d := range dest {
				r.Values = append(r.Values, fromDriver(d))
			}
		}
	}
	clear(dest)
	if cerr := rows.Close(); err == nil && cerr != nil {
		err = cerr
	}
	r.Meta.Duration = ms(time.Since(start))
	r.Meta.RowsRead = n
	if err != nil {
		if keep {
			r.Values = r.Values[:0]
		}
		return wrapSQLite(err)
	}
	return nil
}

// runWrite runs a statement on the writer and fills the write metadata.
func (c *conn) runWrite(st Statement, r *Result, keep bool) error {
	s, err := c.prepare(st.SQL)
	if err != nil {
		return wrapSQLite(err)
	}
	if err := c.run(s, st.Params, r, keep); err != nil {
		return err
	}
	if err := c.meta(&r.Meta); err != nil {
		return wrapSQLite(err)
	}
	if !s.Readonly() && !r.Meta.ChangedDB {
		// DDL changes the database without counting as changes.
		switch firstWordUpper(st.SQL) {
		case "CREATE", "DROP", "ALTER", "VACUUM", "REINDEX":
			r.Meta.ChangedDB = true
		}
	}
	return nil
}

func firstWordUpper(sql string) string {
	w := []byte(firstWord(sql))
	for i, ch := range w {
		if ch >= 'a' && ch <= 'z' {
			w[i] = ch - 32
		}
	}
	return string(w)
}

const metaSQL = `SELECT changes(), last_insert_rowid(), total_changes(),
	(SELECT page_count FROM pragma_page_count()) * (SELECT page_size FROM pragma_page_size())`

// meta reads the connection's counters after a statement. changes() is
// sticky in SQLite (it keeps the last DML's count), so a statement changed
// rows only if total_changes() moved.
func (c *conn) meta(m *Meta) error {
	if c.metaStmt == nil {
		ds, err := c.c.Prepare(metaSQL)
		if err != nil {
			return err
		}
		c.metaStmt = ds.(*sqlite3.SQLiteStmt)
	}
	dr, err := c.metaStmt.Query(nil)
	if err != nil {
		return err
	}
	var v [4]driver.Value
	err = dr.Next(v[:])
	dr.Close()
	if err != nil {
		return err
	}
	changes, _ := v[0].(int64)
	m.LastRowID, _ = v[1].(int64)
	total, _ := v[2].(int64)
	m.SizeAfter, _ = v[3].(int64)
	if total != c.total {
		m.Changes = changes
		m.RowsWritten = total - c.total
		m.ChangedDB = true
		c.total = total
	}
	return nil
}

func (c *conn) refreshTotal() error {
	var m Meta
	c.total = -1
	if err := c.meta(&m); err != nil {
		return err
	}
	return nil
}

func (c *conn) begin() error {
	_, err := c.c.Exec("BEGIN IMMEDIATE", nil)
	return err
}

func (c *conn) commit() error {
	_, err := c.c.Exec("COMMIT", nil)
	return err
}

// releaseTx rolls back whatever transaction a failure left open, so a bad
// statement never holds the write lock.
func (c *conn) releaseTx() {
	if !c.c.AutoCommit() {
		// An error here means SQLite already ended the transaction.
		c.c.Exec("ROLLBACK", nil) //nolint:errcheck
	}
	// Re-sync the change counter: a rolled-back statement may have moved
	// it. On failure the next statement's meta is off, nothing worse.
	c.refreshTotal() //nolint:errcheck
}

func driverValue(v Value) driver.Value {
	switch v.Kind {
	case Integer:
		return v.I
	case Real:
		return v.F
	case Text:
		return v.S
	case Blob:
		if v.B == nil {
			return []byte{}
		}
		return v.B
	}
	return nil
}

func fromDriver(d driver.Value) Value {
	switch x := d.(type) {
	case int64:
		return Int(x)
	case float64:
		return Float(x)
	case string:
		return String(x)
	case []byte:
		return Bytes(x)
	case bool: // not produced while declared types are blanked; kept for safety
		return Bool(x)
	case time.Time:
		return String(x.Format("2006-01-02 15:04:05"))
	}
	return Value{}
}
