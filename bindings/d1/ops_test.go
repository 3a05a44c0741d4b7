package d1

import (
	"bytes"
	"encoding/binary"
	"math"
	"strings"
	"testing"

	"github.com/edged-dev/edged/bindings/storage/optest"
)

func opWorker(t *testing.T) (*optest.Worker, *DB) {
	db := openTest(t)
	mustExec(t, db, "CREATE TABLE t (id INTEGER PRIMARY KEY, v)")
	return &optest.Worker{Bindings: map[string]any{"DB": db, "KV": "not a database"}}, db
}

func TestOpQuery(t *testing.T) {
	w, _ := opWorker(t)
	blob := []byte{0, 1, 2, 255}
	params := AppendParams(nil, []Value{Int(7), Bytes(blob)})
	res := optest.Async(opQuery, w, "DB", "INSERT INTO t (id, v) VALUES (?, ?) RETURNING id, v", params)
	if !res.OK {
		t.Fatalf("got %v, want a result", res)
	}
	r, bm1, err := DecodeQueryOutput(res.Value.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	if r.NumRows() != 1 || r.Row(0)[0].I != 7 || !bytes.Equal(r.Row(0)[1].B, blob) {
		t.Errorf("got rows %+v, want [7 %x] (a borrowed parameter view was kept?)", r.Values, blob)
	}
	if r.Meta.Changes != 1 || !r.Meta.ChangedDB || r.Meta.LastRowID != 7 {
		t.Errorf("got meta %+v", r.Meta)
	}
	if len(bm1) != 16 {
		t.Errorf("got bookmark %q, want 16 hex digits", bm1)
	}
	res = optest.Async(opQuery, w, "DB", "SELECT count(*) FROM t", nil)
	_, bm2, err := DecodeQueryOutput(res.Value.Bytes)
	if err != nil || bm2 != bm1 {
		t.Errorf("a read moved the bookmark: %q → %q (%v)", bm1, bm2, err)
	}
	optest.Async(opQuery, w, "DB", "INSERT INTO t (v) VALUES (1)", nil)
	res = optest.Async(opQuery, w, "DB", "SELECT 1", nil)
	if _, bm3, _ := DecodeQueryOutput(res.Value.Bytes); bm3 <= bm2 {
		t.Errorf("a write did not grow the bookmark: %q → %q", bm2, bm3)
	}
}

func TestOpErrors(t *testing.T) {
	w, _ := opWorker(t)
	for _, tc := range []struct {
		name string
		args []any
		want string
	}{
		{"sql", []any{"DB", "SELEC 1", nil}, `Error: D1_ERROR: near "SELEC": syntax error: SQLITE_ERROR`},
		{"params", []any{"DB", "SELECT ?", AppendParams(nil, nil)}, "Error: D1_ERROR: Wrong number of parameter bindings for SQL query."},
		{"unbound", []any{"NOPE", "SELECT 1", nil}, `Error: D1_ERROR: no D1 database is configured for binding "NOPE"`},
		{"wrong type", []any{"KV", "SELECT 1", nil}, `Error: D1_ERROR: binding "KV" is not a D1 database (string)`},
		{"garbage params", []any{"DB", "SELECT ?", []byte{1, 9}}, "Error: D1_ERROR: internal error"},
	} {
		if got := optest.Async(opQuery, w, tc.args...).String(); got != tc.want {
			t.Errorf("%s: got %s, want %s", tc.name, got, tc.want)
		}
	}
	if logs := w.Logs(); len(logs) != 1 || !strings.Contains(logs[0], "unknown value tag 9") {
		t.Errorf("got logs %q, want the internal error logged once", logs)
	}
}

func TestOpBatch(t *testing.T) {
	w, db := opWorker(t)
	ok := AppendStatements(nil, []Statement{
		{SQL: "INSERT INTO t (v) VALUES (?)", Params: []Value{String("a")}},
		{SQL: "INSERT INTO t (v) VALUES (?)", Params: []Value{Float(1.5)}},
		{SQL: "SELECT v FROM t ORDER BY id"},
	})
	res := optest.Async(opBatch, w, "DB", ok)
	rs, bm, err := DecodeBatchOutput(res.Value.Bytes)
	if err != nil || len(rs) != 3 || bm == "" {
		t.Fatalf("got %v %d results, bookmark %q, %v", res, len(rs), bm, err)
	}
	if got := rs[2].Values; len(got) != 2 || got[0].S != "a" || got[1].F != 1.5 {
		t.Errorf("got %+v", got)
	}
	bad := AppendStatements(nil, []Statement{{SQL: "INSERT INTO t (v) VALUES (2)"}, {SQL: "INSERT INTO nope VALUES (1)"}})
	if got := optest.Async(opBatch, w, "DB", bad).String(); got != "Error: D1_ERROR: no such table: nope: SQLITE_ERROR" {
		t.Errorf("got %s", got)
	}
	if n := mustQuery(t, db, "SELECT count(*) FROM t").Values[0].I; n != 2 {
		t.Errorf("got %d rows after a failed batch, want 2 (all or nothing)", n)
	}
	if got := optest.Async(opBatch, w, "DB", AppendStatements(nil, nil)).String(); got != "Error: D1_ERROR: No SQL statements detected." {
		t.Errorf("empty batch: got %s", got)
	}
}

func TestOpExecDumpRegion(t *testing.T) {
	w, _ := opWorker(t)
	res := optest.Async(opExec, w, "DB", "INSERT INTO t (v) VALUES (1);\nINSERT INTO t (v) VALUES (2);")
	if !res.OK || len(res.Value.Bytes) != 16 {
		t.Fatalf("got %v", res)
	}
	if n := math.Float64frombits(binary.LittleEndian.Uint64(res.Value.Bytes)); n != 2 {
		t.Errorf("got count %v, want 2", n)
	}
	want := "Error: D1_EXEC_ERROR: Error in line 1: INSERT INTO nope VALUES (1): no such table: nope: SQLITE_ERROR"
	if got := optest.Async(opExec, w, "DB", "INSERT INTO nope VALUES (1);").String(); got != want {
		t.Errorf("got %s, want %s", got, want)
	}
	res = optest.Async(opDump, w, "DB")
	if !res.OK || !bytes.HasPrefix(res.Value.Bytes, []byte("SQLite format 3\x00")) {
		t.Errorf("dump: got %.40s", res)
	}
	if got := optest.Sync(opRegion, w, "DB").String(); got != `"local"` {
		t.Errorf("region: got %s", got)
	}
	if got := optest.Sync(opRegion, w, "NOPE").String(); got != `"local"` {
		t.Errorf("region of an unbound name: got %s", got)
	}
}

func TestStatementsRoundTrip(t *testing.T) {
	sts := []Statement{{SQL: "SELECT ?", Params: []Value{Bytes([]byte("x"))}}, {SQL: "SELECT 1"}, {SQL: "é", Params: []Value{NullValue(), Int(-1), String("s")}}}
	got, err := DecodeStatements(AppendStatements(nil, sts))
	if err != nil || len(got) != 3 || got[2].SQL != "é" || got[2].Params[1].I != -1 || string(got[0].Params[0].B) != "x" {
		t.Fatalf("got %+v, %v", got, err)
	}
	for _, b := range [][]byte{nil, {5}, {1, 200}, {1, 1, 'x', 9}} {
		if _, err := DecodeStatements(b); err == nil {
			t.Errorf("DecodeStatements(%x): no error", b)
		}
	}
}

func FuzzDecodeStatements(f *testing.F) {
	f.Add(AppendStatements(nil, []Statement{{SQL: "SELECT ?", Params: []Value{Int(1)}}}))
	f.Fuzz(func(t *testing.T, b []byte) {
		sts, err := DecodeStatements(b)
		if err != nil {
			return
		}
		if again := AppendStatements(nil, sts); !bytes.Equal(again, b) {
			// Uvarints have one canonical form on the way out; only check that
			// the re-encoding decodes to the same statements.
			sts2, err := DecodeStatements(again)
			if err != nil || len(sts2) != len(sts) {
				t.Fatalf("re-encoding did not round-trip: %v", err)
			}
		}
	})
}
