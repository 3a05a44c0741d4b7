package d1

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

var ctx = context.Background()

func openTest(t testing.TB) *DB {
	t.Helper()
	db, err := Open(filepath.Join(t.TempDir(), "db.sqlite"), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func mustExec(t testing.TB, db Database, sql string, params ...Value) Meta {
	t.Helper()
	m, err := db.Exec(ctx, Statement{SQL: sql, Params: params})
	if err != nil {
		t.Fatalf("Exec(%q): %v", sql, err)
	}
	return m
}

func mustQuery(t testing.TB, db Database, sql string, params ...Value) *Result {
	t.Helper()
	r, err := db.Query(ctx, Statement{SQL: sql, Params: params})
	if err != nil {
		t.Fatalf("Query(%q): %v", sql, err)
	}
	return r
}

// stableJSON blanks the timing fields so results compare exactly.
var timing = regexp.MustCompile(`("sql_duration_ms"|"duration"):[0-9.e+-]+`)

func stableJSON(t *testing.T, r *Result) string {
	t.Helper()
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	if !json.Valid(b) {
		t.Fatalf("invalid JSON: %s", b)
	}
	return timing.ReplaceAllString(string(b), `$1:0`)
}

func TestResultShape(t *testing.T) {
	db := openTest(t)
	mustExec(t, db, "CREATE TABLE t(id INTEGER PRIMARY KEY, name TEXT, score REAL, data BLOB, note TEXT)")
	r := mustQuery(t, db, "INSERT INTO t(name, score, data) VALUES (?, ?, ?)", String("ann"), Float(1.5), Bytes([]byte{1, 2, 255}))
	got := stableJSON(t, r)
	want := `{"results":[],"success":true,"meta":{"served_by":"edged","served_by_region":"local","served_by_primary":true,` +
		`"timings":{"sql_duration_ms":0},"duration":0,"changes":1,"last_row_id":1,"changed_db":true,"size_after":8192,` +
		`"rows_read":0,"rows_written":1,"total_attempts":1}}`
	if got != want {
		t.Errorf("insert:\ngot  %s\nwant %s", got, want)
	}
	r = mustQuery(t, db, "SELECT id, name, score, data, note FROM t")
	got = stableJSON(t, r)
	want = `{"results":[{"id":1,"name":"ann","score":1.5,"data":[1,2,255],"note":null}],"success":true,"meta":{"served_by":"edged",` +
		`"served_by_region":"local","served_by_primary":true,"timings":{"sql_duration_ms":0},"duration":0,"changes":0,"last_row_id":0,` +
		`"changed_db":false,"size_after":8192,"rows_read":1,"rows_written":0,"total_attempts":1}}`
	if got != want {
		t.Errorf("select:\ngot  %s\nwant %s", got, want)
	}
	if got, want := string(r.RawJSON(true)), `[["id","name","score","data","note"],[1,"ann",1.5,[1,2,255],null]]`; got != want {
		t.Errorf("raw(columnNames): got %s, want %s", got, want)
	}
	if got, want := string(r.RawJSON(false)), `[[1,"ann",1.5,[1,2,255],null]]`; got != want {
		t.Errorf("raw(): got %s, want %s", got, want)
	}
}

func TestTypes(t *testing.T) {
	db := openTest(t)
	tests := []struct {
		expr string
		want Value
	}{
		{"1", Int(1)},
		{"-9223372036854775808", Int(math.MinInt64)},
		{"9223372036854775807", Int(math.MaxInt64)},
		{"9007199254740993", Int(9007199254740993)}, // JS sees 9007199254740992, as with D1
		{"1.25", Float(1.25)},
		{"'héllo'", String("héllo")},
		{"''", String("")},
		{"x'00ff'", Bytes([]byte{0, 255})},
		{"x''", Bytes([]byte{})},
		{"NULL", NullValue()},
		{"1 = 1", Int(1)},
	}
	for _, tt := range tests {
		r := mustQuery(t, db, "SELECT "+tt.expr+" AS v")
		if r.NumRows() != 1 {
			t.Fatalf("SELECT %s: %d rows", tt.expr, r.NumRows())
		}
		got := r.Row(0)[0]
		if got.Kind != tt.want.Kind || got.Any() == nil != (tt.want.Any() == nil) || fmt.Sprint(got.Any()) != fmt.Sprint(tt.want.Any()) {
			t.Errorf("SELECT %s: got %v %#v, want %v %#v", tt.expr, got.Kind, got.Any(), tt.want.Kind, tt.want.Any())
		}
	}
}

func TestDeclaredTypesKeepStorageClass(t *testing.T) {
	db := openTest(t)
	mustExec(t, db, "CREATE TABLE t(a DATETIME, b DATE, c TIMESTAMP, d BOOLEAN)")
	mustExec(t, db, "INSERT INTO t VALUES ('2024-01-02 03:04:05', 'tomorrow', 1700000000, 5)")
	r := mustQuery(t, db, "SELECT * FROM t")
	if got, want := string(r.RawJSON(false)), `[["2024-01-02 03:04:05","tomorrow",1700000000,5]]`; got != want {
		t.Errorf("got %s, want %s", got, want)
	}
}

func TestParams(t *testing.T) {
	db := openTest(t)
	tests := []struct {
		sql    string
		params []Value
		want   string // raw JSON or error text
	}{
		{"SELECT ?", []Value{Int(7)}, `[[7]]`},
		{"SELECT ?, ?", []Value{String("a"), NullValue()}, `[["a",null]]`},
		{"SELECT ?2, ?1", []Value{Int(1), Int(2)}, `[[2,1]]`},
		{"SELECT ?1, ?1", []Value{Int(3)}, `[[3,3]]`},
		{"SELECT ?", []Value{Bool(true)}, `[[1]]`},
		{"SELECT typeof(?)", []Value{Bytes(nil)}, `[["blob"]]`},
		{"SELECT typeof(?)", []Value{Float(2)}, `[["real"]]`},
		{"SELECT ?", nil, `D1_ERROR: Wrong number of parameter bindings for SQL query.`},
		{"SELECT ?", []Value{Int(1), Int(2)}, `D1_ERROR: Wrong number of parameter bindings for SQL query.`},
		{"SELECT ?3", []Value{Int(1)}, `D1_ERROR: Wrong number of parameter bindings for SQL query.`},
		{"SELECT 1", []Value{Int(1)}, `D1_ERROR: Wrong number of parameter bindings for SQL query.`},
	}
	for _, tt := range tests {
		r, err := db.Query(ctx, Statement{SQL: tt.sql, Params: tt.params})
		var got string
		if err != nil {
			got = err.Error()
		} else {
			got = string(r.RawJSON(false))
		}
		if got != tt.want {
			t.Errorf("%s %v: got %s, want %s", tt.sql, tt.params, got, tt.want)
		}
	}
	if got, want := ErrType("object", "[object Object]").Error(), `D1_TYPE_ERROR: Type 'object' not supported for value '[object Object]'`; got != want {
		t.Errorf("ErrType: got %q, want %q", got, want)
	}
}

func TestErrors(t *testing.T) {
	db := openTest(t)
	mustExec(t, db, "CREATE TABLE u(email TEXT UNIQUE)")
	mustExec(t, db, "INSERT INTO u VALUES ('a')")
	tests := []struct{ sql, want string }{
		{"SELEC 1", `D1_ERROR: near "SELEC": syntax error: SQLITE_ERROR`},
		{"SELECT * FROM nope", `D1_ERROR: no such table: nope: SQLITE_ERROR`},
		{"INSERT INTO u VALUES ('a')", `D1_ERROR: UNIQUE constraint failed: u.email: SQLITE_CONSTRAINT`},
		{"", `D1_ERROR: No SQL statements detected.`},
		{"-- only a comment", `D1_ERROR: No SQL statements detected.`},
		{"BEGIN TRANSACTION", `D1_ERROR: not authorized: SQLITE_AUTH`},
		{"ATTACH 'x.db' AS x", `D1_ERROR: not authorized: SQLITE_AUTH`},
	}
	for _, tt := range tests {
		_, err := db.Query(ctx, Statement{SQL: tt.sql})
		if err == nil {
			t.Errorf("%q: no error, want %s", tt.sql, tt.want)
			continue
		}
		if got := err.Error(); got != tt.want {
			t.Errorf("%q: got %s, want %s", tt.sql, got, tt.want)
		}
		var de *Error
		if !errors.As(err, &de) {
			t.Errorf("%q: error %T is not *Error", tt.sql, err)
		}
	}
}

func count(t *testing.T, db Database, table string) int64 {
	t.Helper()
	return mustQuery(t, db, "SELECT count(*) FROM "+table).Values[0].I
}

func TestBatchIsAtomic(t *testing.T) {
	db := openTest(t)
	mustExec(t, db, "CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT NOT NULL)")
	_, err := db.Batch(ctx, []Statement{
		{SQL: "INSERT INTO t(v) VALUES ('a')"},
		{SQL: "INSERT INTO t(v) VALUES (?)", Params: []Value{String("b")}},
		{SQL: "INSERT INTO t(v) VALUES (NULL)"}, // fails
		{SQL: "INSERT INTO t(v) VALUES ('c')"},
	})
	if got, want := fmt.Sprint(err), "D1_ERROR: NOT NULL constraint failed: t.v: SQLITE_CONSTRAINT"; got != want {
		t.Errorf("batch error: got %s, want %s", got, want)
	}
	if n := count(t, db, "t"); n != 0 {
		t.Errorf("after failed batch: got %d rows, want 0", n)
	}
	// The writer is free again and a good batch returns one result each.
	rs, err := db.Batch(ctx, []Statement{
		{SQL: "INSERT INTO t(v) VALUES ('a') RETURNING id"},
		{SQL: "SELECT v FROM t"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := len(rs), 2; got != want {
		t.Fatalf("got %d results, want %d", got, want)
	}
	if got, want := string(rs[0].RawJSON(false)), `[[1]]`; got != want {
		t.Errorf("returning: got %s, want %s", got, want)
	}
	if got, want := string(rs[1].RawJSON(false)), `[["a"]]`; got != want {
		t.Errorf("read inside batch: got %s, want %s", got, want)
	}
	// A bad statement in a batch is rejected before anything runs.
	if _, err := db.Batch(ctx, []Statement{{SQL: "INSERT INTO t(v) VALUES ('z')"}, {SQL: "COMMIT"}}); err == nil {
		t.Error("batch with COMMIT: no error")
	}
	if n := count(t, db, "t"); n != 1 {
		t.Errorf("got %d rows, want 1", n)
	}
}

func TestFailingStatementReleasesTransaction(t *testing.T) {
	db := openTest(t)
	mustExec(t, db, "CREATE TABLE t(id INTEGER PRIMARY KEY)")
	mustExec(t, db, "INSERT INTO t VALUES (2)")
	// Inserts 1, then fails on 2: the statement's own transaction must be
	// rolled back and the write lock released.
	if _, err := db.Exec(ctx, Statement{SQL: "INSERT INTO t SELECT value FROM json_each('[1,2,3]')"}); err == nil {
		t.Fatal("no error")
	}
	if n := count(t, db, "t"); n != 1 {
		t.Errorf("got %d rows, want 1", n)
	}
	// A second handle on the same file can write at once (no lingering lock).
	other, err := Open(db.Path(), &Options{BusyTimeout: 100 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	mustExec(t, other, "INSERT INTO t VALUES (10)")
	m := mustExec(t, db, "INSERT INTO t VALUES (11)")
	if !m.ChangedDB || m.Changes != 1 || m.LastRowID != 11 {
		t.Errorf("meta after recovery: got %+v", m)
	}
	// A failing script is rolled back as a whole, too.
	if _, err := db.ExecScript(ctx, "INSERT INTO t VALUES (20); INSERT INTO t VALUES (20);"); err == nil {
		t.Fatal("script: no error")
	}
	if n := count(t, db, "t"); n != 3 {
		t.Errorf("got %d rows, want 3", n)
	}
}

func TestMetaChanges(t *testing.T) {
	db := openTest(t)
	mustExec(t, db, "CREATE TABLE t(id INTEGER PRIMARY KEY, v INT)")
	mustExec(t, db, "CREATE TABLE log(n INT)")
	mustExec(t, db, "CREATE TRIGGER tr AFTER UPDATE ON t BEGIN INSERT INTO log VALUES (new.id); END")
	tests := []struct {
		sql         string
		changes     int64
		rowsWritten int64
		changed     bool
	}{
		{"INSERT INTO t(v) VALUES (1),(2),(3)", 3, 3, true},
		{"UPDATE t SET v = v + 1 WHERE id > 1", 2, 4, true}, // 2 rows + 2 trigger rows
		{"UPDATE t SET v = 0 WHERE id > 100", 0, 0, false},
		{"SELECT * FROM t", 0, 0, false},
		{"CREATE INDEX i ON t(v)", 0, 0, true},
		{"DELETE FROM t", 3, 3, true},
	}
	for _, tt := range tests {
		m := mustExec(t, db, tt.sql)
		if m.Changes != tt.changes || m.RowsWritten != tt.rowsWritten || m.ChangedDB != tt.changed {
			t.Errorf("%s: got changes=%d rows_written=%d changed_db=%v, want %d %d %v",
				tt.sql, m.Changes, m.RowsWritten, m.ChangedDB, tt.changes, tt.rowsWritten, tt.changed)
		}
	}
}

func TestExecScript(t *testing.T) {
	db := openTest(t)
	script := `
-- schema
CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT);
CREATE TABLE n(c INT);
CREATE TRIGGER tr AFTER INSERT ON t BEGIN
  INSERT INTO n VALUES (CASE WHEN new.v = ';' THEN 1 ELSE 0 END);
END;
INSERT INTO t(v) VALUES (';'), ('it''s');
`
	r, err := db.ExecScript(ctx, script)
	if err != nil {
		t.Fatal(err)
	}
	if r.Count != 4 {
		t.Errorf("count: got %d, want 4", r.Count)
	}
	if got := string(mustQuery(t, db, "SELECT c FROM n ORDER BY rowid").RawJSON(false)); got != `[[1],[0]]` {
		t.Errorf("trigger rows: got %s, want [[1],[0]]", got)
	}
	_, err = db.ExecScript(ctx, "SELECT 1;\n\nSELEC 2;")
	if got, want := fmt.Sprint(err), `D1_EXEC_ERROR: Error in line 3: SELEC 2: near "SELEC": syntax error: SQLITE_ERROR`; got != want {
		t.Errorf("got %s, want %s", got, want)
	}
}

func TestConcurrentReadWrite(t *testing.T) {
	db := openTest(t)
	mustExec(t, db, "CREATE TABLE t(id INTEGER PRIMARY KEY, v INT)")
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := 0; i < 50; i++ {
				if g%2 == 0 {
					if _, err := db.Exec(ctx, Statement{SQL: "INSERT INTO t(v) VALUES (?)", Params: []Value{Int(int64(i))}}); err != nil {
						errs <- err
						return
					}
				} else {
					if _, err := db.Query(ctx, Statement{SQL: "SELECT count(*) FROM t WHERE v >= ?", Params: []Value{Int(0)}}); err != nil {
						errs <- err
						return
					}
				}
			}
		}(g)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if n := count(t, db, "t"); n != 200 {
		t.Errorf("got %d rows, want 200", n)
	}
}

func TestDump(t *testing.T) {
	db := openTest(t)
	mustExec(t, db, "CREATE TABLE t(v TEXT)")
	mustExec(t, db, "INSERT INTO t VALUES ('x')")
	var buf bytes.Buffer
	if err := db.Dump(ctx, &buf); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(buf.String(), "SQLite format 3\x00") {
		t.Fatalf("dump is not a SQLite file: %q", buf.String()[:16])
	}
}

func TestClosed(t *testing.T) {
	db := openTest(t)
	mustQuery(t, db, "SELECT 1")
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Query(ctx, Statement{SQL: "SELECT 1"}); err == nil {
		t.Error("query after Close: no error")
	}
}

func TestParamsEncoding(t *testing.T) {
	in := []Value{NullValue(), Int(-5), Float(math.Inf(1)), String("ü"), Bytes([]byte{0, 1}), Bytes([]byte{})}
	b := AppendParams(nil, in)
	out, err := DecodeParams(b)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := fmt.Sprint(out), fmt.Sprint(in); got != want {
		t.Errorf("round trip: got %s, want %s", got, want)
	}
	bad := [][]byte{nil, {1, 1}, {1, 3, 5, 'a'}, {1, 9}, {2, 0}, {1, 0, 0}, {0, 0}, {0xff}}
	for _, b := range bad {
		if _, err := DecodeParams(b); err == nil {
			t.Errorf("DecodeParams(%v): no error", b)
		}
	}
}

func TestResultEncoding(t *testing.T) {
	db := openTest(t)
	r := mustQuery(t, db, "SELECT 1 AS a, 'x' AS b, x'01' AS c, NULL AS d, 2.5 AS e UNION ALL SELECT 2, '', x'', 3, -1")
	got, err := DecodeResult(r.AppendBinary(nil))
	if err != nil {
		t.Fatal(err)
	}
	// served_by and served_by_region are not on the wire (per-database constants).
	got.Meta.ServedBy, got.Meta.ServedByRegion = r.Meta.ServedBy, r.Meta.ServedByRegion
	if a, b := stableJSON(t, got), stableJSON(t, r); a != b {
		t.Errorf("round trip:\ngot  %s\nwant %s", a, b)
	}
}

func FuzzDecodeParams(f *testing.F) {
	f.Add(AppendParams(nil, []Value{Int(1), String("a"), Bytes([]byte{2}), NullValue(), Float(1.5)}))
	f.Add([]byte{0})
	f.Fuzz(func(t *testing.T, b []byte) {
		vs, err := DecodeParams(b)
		if err != nil {
			return
		}
		if again := AppendParams(nil, vs); !bytes.Equal(again, b) {
			// Uvarints have several encodings; decoding again must agree.
			vs2, err := DecodeParams(again)
			if err != nil || fmt.Sprint(vs2) != fmt.Sprint(vs) {
				t.Fatalf("re-encoding changed the values: %v vs %v (%v)", vs, vs2, err)
			}
		}
	})
}

func FuzzDecodeResult(f *testing.F) {
	r := &Result{Columns: []string{"a", "b"}, Values: []Value{Int(1), String("x"), NullValue(), Bytes([]byte{1})}}
	f.Add(r.AppendBinary(nil))
	f.Fuzz(func(t *testing.T, b []byte) {
		r, err := DecodeResult(b)
		if err != nil {
			return
		}
		if _, err := DecodeResult(r.AppendBinary(nil)); err != nil {
			t.Fatalf("re-encoded result does not decode: %v", err)
		}
	})
}

func TestContextCancelled(t *testing.T) {
	db := openTest(t)
	c, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := db.Query(c, Statement{SQL: "SELECT 1"}); !errors.Is(err, context.Canceled) {
		t.Errorf("Query: got %v, want context.Canceled", err)
	}
	// A writer held by someone else: a cancelled wait gives up.
	db.wsem <- struct{}{}
	c2, cancel2 := context.WithTimeout(ctx, 20*time.Millisecond)
	defer cancel2()
	_, err := db.Exec(c2, Statement{SQL: "CREATE TABLE t(a)"})
	<-db.wsem
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Exec waiting for writer: got %v, want deadline exceeded", err)
	}
}
