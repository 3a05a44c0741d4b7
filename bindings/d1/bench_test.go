package d1

import "testing"

func benchDB(b *testing.B) *DB {
	db := openTest(b)
	mustExec(b, db, "CREATE TABLE users(id INTEGER PRIMARY KEY, name TEXT NOT NULL, email TEXT, created_at DATETIME DEFAULT CURRENT_TIMESTAMP)")
	sts := make([]Statement, 0, 1000)
	for i := 0; i < 1000; i++ {
		sts = append(sts, Statement{SQL: "INSERT INTO users(name, email) VALUES (?, ?)", Params: []Value{String("user"), String("u@example.com")}})
	}
	if _, err := db.Batch(ctx, sts); err != nil {
		b.Fatal(err)
	}
	return db
}

func BenchmarkPointSelect(b *testing.B) {
	db := benchDB(b)
	st := Statement{SQL: "SELECT * FROM users WHERE id = ?", Params: []Value{Int(500)}}
	b.ReportAllocs()
	for b.Loop() {
		r, err := db.Query(ctx, st)
		if err != nil || r.NumRows() != 1 {
			b.Fatal(err)
		}
	}
}

func BenchmarkPointSelectParallel(b *testing.B) {
	db := benchDB(b)
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		st := Statement{SQL: "SELECT * FROM users WHERE id = ?", Params: []Value{Int(500)}}
		for pb.Next() {
			if _, err := db.Query(ctx, st); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func BenchmarkInsert(b *testing.B) {
	db := benchDB(b)
	st := Statement{SQL: "INSERT INTO users(name, email) VALUES (?, ?)", Params: []Value{String("bench"), String("b@example.com")}}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := db.Query(ctx, st); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkEncodeResult(b *testing.B) {
	db := benchDB(b)
	r := mustQuery(b, db, "SELECT * FROM users LIMIT 100")
	buf := make([]byte, 0, 16<<10)
	b.ReportAllocs()
	for b.Loop() {
		buf = r.AppendBinary(buf[:0])
	}
	b.SetBytes(int64(len(buf)))
}
