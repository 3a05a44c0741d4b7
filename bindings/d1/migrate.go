package d1

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
)

// MigrationsTable is the table wrangler records applied migrations in.
const MigrationsTable = "d1_migrations"

func createTableSQL(table string) string {
	return `CREATE TABLE IF NOT EXISTS ` + quoteIdent(table) + `(
	id         INTEGER PRIMARY KEY AUTOINCREMENT,
	name       TEXT UNIQUE,
	applied_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP NOT NULL
)`
}

func quoteIdent(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

// Migration is one file in a migrations directory, e.g. 0001_create_users.sql.
type Migration struct {
	Number int    // the numeric prefix, 1 for 0001_…
	Name   string // the file name, as recorded in d1_migrations
	Path   string
}

var migrationName = regexp.MustCompile(`^(\d+)_.*\.sql$`)

// ListMigrations returns the .sql files of dir in the order they apply:
// by numeric prefix, then by name. Files without a numeric prefix sort after
// numbered ones, by name (wrangler applies every .sql file). A missing dir
// is an empty list.
func ListMigrations(dir string) ([]Migration, error) {
	ents, err := os.ReadDir(dir)
	if os.IsNotExist(err) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("d1: migrations: %w", err)
	}
	var out []Migration
	for _, e := range ents {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".sql") {
			continue
		}
		m := Migration{Number: -1, Name: e.Name(), Path: filepath.Join(dir, e.Name())}
		if g := migrationName.FindStringSubmatch(e.Name()); g != nil {
			if n, err := strconv.Atoi(g[1]); err == nil {
				m.Number = n
			}
		}
		out = append(out, m)
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if (a.Number < 0) != (b.Number < 0) {
			return b.Number < 0
		}
		if a.Number != b.Number {
			return a.Number < b.Number
		}
		return a.Name < b.Name
	})
	return out, nil
}

// AppliedMigrations returns the names recorded in d1_migrations, creating the
// table if needed.
func AppliedMigrations(ctx context.Context, db Database) ([]string, error) {
	return Migrations{}.Applied(ctx, db)
}

// Migrations is a migrations directory and the table that records which of
// its files were applied (wrangler's migrations_dir and migrations_table).
type Migrations struct {
	Dir   string // default "migrations"
	Table string // default "d1_migrations"
}

func (m Migrations) table() string {
	if m.Table == "" {
		return MigrationsTable
	}
	return m.Table
}

func (m Migrations) dir() string {
	if m.Dir == "" {
		return "migrations"
	}
	return m.Dir
}

// Applied returns the names recorded in the table, creating it if needed.
func (m Migrations) Applied(ctx context.Context, db Database) ([]string, error) {
	if _, err := db.Exec(ctx, Statement{SQL: createTableSQL(m.table())}); err != nil {
		return nil, err
	}
	r, err := db.Query(ctx, Statement{SQL: "SELECT name FROM " + quoteIdent(m.table()) + " ORDER BY id"})
	if err != nil {
		return nil, err
	}
	names := make([]string, 0, len(r.Values))
	for _, v := range r.Values {
		names = append(names, v.S)
	}
	return names, nil
}

// PendingMigrations returns the migrations in dir not yet applied to db.
func PendingMigrations(ctx context.Context, db Database, dir string) ([]Migration, error) {
	return Migrations{Dir: dir}.Pending(ctx, db)
}

// Pending returns the migrations of the directory not yet applied to db.
func (m Migrations) Pending(ctx context.Context, db Database) ([]Migration, error) {
	all, err := ListMigrations(m.dir())
	if err != nil {
		return nil, err
	}
	applied, err := m.Applied(ctx, db)
	if err != nil {
		return nil, err
	}
	done := make(map[string]bool, len(applied))
	for _, n := range applied {
		done[n] = true
	}
	var out []Migration
	for _, mg := range all {
		if !done[mg.Name] {
			out = append(out, mg)
		}
	}
	return out, nil
}

// ApplyMigrations applies the pending migrations of dir in order, each in
// its own transaction together with its d1_migrations row. It stops at the
// first failure and returns the migrations applied before it.
func ApplyMigrations(ctx context.Context, db Database, dir string) ([]Migration, error) {
	return Migrations{Dir: dir}.Apply(ctx, db)
}

// Apply applies the pending migrations in order, each in its own transaction
// together with its row in the table, as wrangler does. It stops at the first
// failure and returns the migrations applied before it.
func (m Migrations) Apply(ctx context.Context, db Database) ([]Migration, error) {
	pending, err := m.Pending(ctx, db)
	if err != nil {
		return nil, err
	}
	var done []Migration
	for _, mg := range pending {
		src, err := os.ReadFile(mg.Path)
		if err != nil {
			return done, fmt.Errorf("d1: migration %s: %w", mg.Name, err)
		}
		var sts []Statement
		for _, p := range Split(string(src)) {
			sts = append(sts, Statement{SQL: p.SQL})
		}
		sts = append(sts, Statement{SQL: "INSERT INTO " + quoteIdent(m.table()) + " (name) VALUES (?)", Params: []Value{String(mg.Name)}})
		if _, err := db.Batch(ctx, sts); err != nil {
			return done, fmt.Errorf("d1: migration %s: %w", mg.Name, err)
		}
		done = append(done, mg)
	}
	return done, nil
}

var unsafeName = regexp.MustCompile(`[^A-Za-z0-9_-]+`)

// CreateMigration writes the next numbered migration file in dir
// (0001_<name>.sql, then 0002_…), creating dir if needed, and returns its path.
func CreateMigration(dir, name string, now time.Time) (string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("d1: migrations: %w", err)
	}
	all, err := ListMigrations(dir)
	if err != nil {
		return "", err
	}
	next := 1
	for _, m := range all {
		if m.Number >= next {
			next = m.Number + 1
		}
	}
	slug := strings.Trim(unsafeName.ReplaceAllString(strings.TrimSpace(name), "_"), "_")
	if slug == "" {
		return "", fmt.Errorf("d1: migration name %q has no usable characters", name)
	}
	file := fmt.Sprintf("%04d_%s.sql", next, slug)
	path := filepath.Join(dir, file)
	body := fmt.Sprintf("-- Migration number: %04d \t %s\n", next, now.UTC().Format(time.RFC3339Nano))
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return "", fmt.Errorf("d1: migrations: %w", err)
	}
	if _, err := f.WriteString(body); err != nil {
		f.Close()
		return "", fmt.Errorf("d1: migrations: %w", err)
	}
	return path, f.Close()
}
