package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func d1Project(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	cfg := `name = "p"
main = "worker.js"
compatibility_date = "2024-09-23"
[[d1_databases]]
binding = "DB"
database_name = "my-db"
database_id = "x"
migrations_dir = "db/migrations"
migrations_table = "schema_history"
`
	if err := os.WriteFile(filepath.Join(dir, "wrangler.toml"), []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	return filepath.Join(dir, "wrangler.toml")
}

func TestD1MigrationsAndExecute(t *testing.T) {
	cfg := d1Project(t)
	dir := filepath.Dir(cfg)
	var out bytes.Buffer
	if rc := d1Migrations("create", []string{"DB", "init", "--config", cfg}, &out); rc != 0 {
		t.Fatalf("create: rc %d", rc)
	}
	file := filepath.Join(dir, "db", "migrations", "0001_init.sql")
	if !strings.Contains(out.String(), file) {
		t.Fatalf("create: got %q, want it to name %s", out.String(), file)
	}
	os.WriteFile(file, []byte("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT);\nINSERT INTO t (v) VALUES ('a');\n"), 0o644)
	out.Reset()
	if rc := d1Migrations("apply", []string{"my-db", "--config", cfg}, &out); rc != 0 || !strings.Contains(out.String(), "0001_init.sql │ ✅") {
		t.Fatalf("apply: rc %d, output %q", rc, out.String())
	}
	out.Reset()
	if rc := d1Migrations("list", []string{"DB", "--config", cfg}, &out); rc != 0 || !strings.Contains(out.String(), "No migrations to apply") {
		t.Fatalf("list: rc %d, output %q", rc, out.String())
	}

	out.Reset()
	rc := d1Execute([]string{"DB", "--config", cfg, "--json", "--command", "SELECT v FROM t; SELECT name FROM schema_history"}, &out)
	var results []struct {
		Results []map[string]any `json:"results"`
		Success bool             `json:"success"`
	}
	if err := json.Unmarshal(out.Bytes(), &results); rc != 0 || err != nil {
		t.Fatalf("execute: rc %d, %v, output %q", rc, err, out.String())
	}
	if len(results) != 2 || results[0].Results[0]["v"] != "a" || results[1].Results[0]["name"] != "0001_init.sql" || !results[0].Success {
		t.Errorf("execute: got %+v", results)
	}
	if _, err := os.Stat(filepath.Join(dir, ".edged", "state", "d1", "my-db.sqlite")); err != nil {
		t.Errorf("state file: %v", err)
	}

	sqlFile := filepath.Join(dir, "q.sql")
	os.WriteFile(sqlFile, []byte("INSERT INTO t (v) VALUES ('b');\nINSERT INTO nope VALUES (1);\n"), 0o644)
	out.Reset()
	if rc := d1Execute([]string{"DB", "--config", cfg, "--file", sqlFile}, &out); rc != 1 {
		t.Errorf("a failing file: got rc %d, want 1", rc)
	}
	out.Reset()
	d1Execute([]string{"DB", "--config", cfg, "--command", "SELECT count(*) AS n FROM t"}, &out)
	if !strings.Contains(out.String(), "│ 1 │") {
		t.Errorf("a failed file left changes behind:\n%s", out.String())
	}

	persist := t.TempDir()
	out.Reset()
	if rc := d1Execute([]string{"DB", "--config", cfg, "--persist-to", persist, "--command", "CREATE TABLE x (y)"}, &out); rc != 0 {
		t.Errorf("--persist-to: rc %d", rc)
	}
	if _, err := os.Stat(filepath.Join(persist, "d1", "my-db.sqlite")); err != nil {
		t.Errorf("--persist-to: %v", err)
	}
}

func TestD1Errors(t *testing.T) {
	cfg := d1Project(t)
	var out bytes.Buffer
	for _, args := range [][]string{
		{"NOPE", "--config", cfg, "--command", "SELECT 1"},
		{"DB", "--config", cfg, "--remote", "--command", "SELECT 1"},
		{"DB", "--config", cfg, "--command", "SELEC 1"},
		{"DB", "--config", cfg, "--command", "-- only a comment"},
	} {
		if rc := d1Execute(args, &out); rc != 1 {
			t.Errorf("%q: got rc %d, want 1", args, rc)
		}
	}
	if rc := d1Execute([]string{"DB", "--config", cfg}, &out); rc != 2 {
		t.Errorf("no --command or --file: got rc %d, want 2", rc)
	}
	if rc := d1Command([]string{"export"}); rc != 2 {
		t.Errorf("unknown subcommand: got rc %d, want 2", rc)
	}
}
