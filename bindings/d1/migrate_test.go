package d1

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestMigrations(t *testing.T) {
	db := openTest(t)
	dir := filepath.Join(t.TempDir(), "migrations")
	now := time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)
	p1, err := CreateMigration(dir, "create users", now)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := filepath.Base(p1), "0001_create_users.sql"; got != want {
		t.Errorf("first file: got %s, want %s", got, want)
	}
	body, _ := os.ReadFile(p1)
	if !strings.HasPrefix(string(body), "-- Migration number: 0001 \t 2025-01-02T03:04:05Z") {
		t.Errorf("header: got %q", body)
	}
	os.WriteFile(p1, append(body, "CREATE TABLE users(id INTEGER PRIMARY KEY, name TEXT);\n"...), 0o644)
	p2, _ := CreateMigration(dir, "add-email", now)
	os.WriteFile(p2, []byte("ALTER TABLE users ADD COLUMN email TEXT;"), 0o644)
	os.WriteFile(filepath.Join(dir, "0010_later.sql"), []byte("INSERT INTO users(name) VALUES ('x');"), 0o644)
	os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("ignored"), 0o644)
	p3, _ := CreateMigration(dir, "x", now)
	if got, want := filepath.Base(p3), "0011_x.sql"; got != want {
		t.Errorf("next number: got %s, want %s", got, want)
	}
	os.Remove(p3)

	list, err := ListMigrations(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, m := range list {
		names = append(names, m.Name)
	}
	if got, want := strings.Join(names, ","), "0001_create_users.sql,0002_add-email.sql,0010_later.sql"; got != want {
		t.Errorf("list: got %s, want %s", got, want)
	}

	applied, err := ApplyMigrations(ctx, db, dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(applied) != 3 {
		t.Errorf("applied %d, want 3", len(applied))
	}
	r := mustQuery(t, db, "SELECT id, name, typeof(applied_at) FROM d1_migrations ORDER BY id")
	if got, want := string(r.RawJSON(false)), `[[1,"0001_create_users.sql","text"],[2,"0002_add-email.sql","text"],[3,"0010_later.sql","text"]]`; got != want {
		t.Errorf("d1_migrations: got %s, want %s", got, want)
	}
	// Nothing pending; a failing migration leaves no trace.
	if again, err := ApplyMigrations(ctx, db, dir); err != nil || len(again) != 0 {
		t.Errorf("re-apply: got %v, %v; want nothing", again, err)
	}
	os.WriteFile(filepath.Join(dir, "0011_bad.sql"), []byte("CREATE TABLE z(a);\nINSERT INTO nope VALUES (1);"), 0o644)
	if _, err := ApplyMigrations(ctx, db, dir); err == nil || !strings.Contains(err.Error(), "0011_bad.sql") {
		t.Errorf("bad migration: got %v", err)
	}
	if r := mustQuery(t, db, "SELECT count(*) FROM sqlite_master WHERE name = 'z'"); r.Values[0].I != 0 {
		t.Error("failed migration left table z behind")
	}
	pending, _ := PendingMigrations(ctx, db, dir)
	if len(pending) != 1 || pending[0].Name != "0011_bad.sql" {
		t.Errorf("pending: got %+v", pending)
	}
}

func TestMigrationsCustomTable(t *testing.T) {
	db := openTest(t)
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "0001_a.sql"), []byte("CREATE TABLE a (x);\n-- a comment\nINSERT INTO a VALUES (1);\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "0002_bad.sql"), []byte("INSERT INTO nope VALUES (1);"), 0o644)
	m := Migrations{Dir: dir, Table: `my "migrations"`}
	done, err := m.Apply(ctx, db)
	if len(done) != 1 || err == nil || !strings.Contains(err.Error(), "0002_bad.sql") {
		t.Fatalf("got %v, %v; want 0001 applied and 0002 failing", done, err)
	}
	if got := mustQuery(t, db, `SELECT name FROM "my ""migrations"""`).Values; len(got) != 1 || got[0].S != "0001_a.sql" {
		t.Errorf("recorded: got %+v", got)
	}
	if r := mustQuery(t, db, "SELECT count(*) FROM sqlite_master WHERE name = 'd1_migrations'"); r.Values[0].I != 0 {
		t.Error("the default table was created too")
	}
	pending, _ := m.Pending(ctx, db)
	if len(pending) != 1 || pending[0].Name != "0002_bad.sql" {
		t.Errorf("pending: got %+v", pending)
	}
}
