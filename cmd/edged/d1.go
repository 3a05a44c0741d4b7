package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/edged-dev/edged/bindings/d1"
	"github.com/edged-dev/edged/bindings/storage"
	"github.com/edged-dev/edged/config"
)

func init() { commands["d1"] = d1Command }

const d1Usage = `Usage:
  edged d1 execute <DB> (--command "SQL" | --file f.sql) [--json]
  edged d1 migrations create <DB> <message>
  edged d1 migrations list <DB>
  edged d1 migrations apply <DB>

<DB> is a d1_databases binding or database_name of the wrangler config. Every
command takes [--config wrangler.toml] [--env NAME] [--persist-to DIR]; --local is
accepted and is the only mode (--remote is not supported). State lives in
.edged/state/d1/<database_name>.sqlite next to the config unless --persist-to
says otherwise. Migrations are recorded in migrations_table (d1_migrations) as
wrangler records them, so a wrangler project's migrations apply unchanged.
`

// d1Flags are the flags every d1 subcommand takes.
type d1Flags struct {
	fs        *flag.FlagSet
	config    *string
	env       *string
	persistTo *string
	remote    *bool
}

func newD1Flags(name string) *d1Flags {
	fs := flag.NewFlagSet("d1 "+name, flag.ContinueOnError)
	fs.SetOutput(os.Stderr)
	fs.Usage = func() { fmt.Fprint(os.Stderr, d1Usage) }
	f := &d1Flags{fs: fs}
	f.config = fs.String("config", "", "wrangler config file")
	fs.StringVar(f.config, "c", "", "wrangler config file (short)")
	f.env = fs.String("env", "", "environment ([env.NAME] section)")
	fs.StringVar(f.env, "e", "", "environment (short)")
	f.persistTo = fs.String("persist-to", "", "directory of local state (default .edged/state)")
	f.remote = fs.Bool("remote", false, "not supported")
	fs.Bool("local", true, "run against the local database (the only mode)")
	fs.Bool("preview", false, "ignored (there is one local database)")
	fs.Bool("yes", false, "do not ask for confirmation (edged never asks)")
	fs.Bool("y", false, "do not ask for confirmation (short)")
	return f
}

// open loads the config and opens the named database.
func (f *d1Flags) open(name string) (*d1.DB, config.D1Database, error) {
	if *f.remote {
		return nil, config.D1Database{}, errors.New("--remote is not supported: edged runs D1 on local SQLite files")
	}
	var cfg *config.Config
	var warns []config.Warning
	var err error
	if *f.config != "" {
		cfg, warns, err = config.Load(*f.config, *f.env)
	} else {
		cfg, warns, err = config.LoadDir(".", *f.env)
	}
	for _, w := range warns {
		fmt.Fprintf(os.Stderr, "▲ [WARNING] %v\n", w)
	}
	if err != nil {
		return nil, config.D1Database{}, err
	}
	var names []string
	for _, c := range cfg.D1Databases {
		if c.Binding == name || c.DatabaseName == name {
			c.MigrationsDir = cfg.Abs(c.MigrationsDir)
			db, err := d1.Open(storage.D1Path(storage.Dir(cfg.Dir, *f.persistTo), c), nil)
			return db, c, err
		}
		names = append(names, c.Binding)
	}
	if len(names) == 0 {
		return nil, config.D1Database{}, fmt.Errorf("%s has no d1_databases", cfg.Path)
	}
	return nil, config.D1Database{}, fmt.Errorf("no D1 database %q in %s (bindings: %s)", name, cfg.Path, strings.Join(names, ", "))
}

func d1Fail(err error) int {
	fmt.Fprintf(os.Stderr, "✘ [ERROR] %v\n", err)
	return 1
}

func d1Command(args []string) int {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		fmt.Fprint(os.Stderr, d1Usage)
		return 2
	}
	switch args[0] {
	case "execute":
		return d1Execute(args[1:], os.Stdout)
	case "migrations":
		if len(args) < 2 {
			fmt.Fprint(os.Stderr, d1Usage)
			return 2
		}
		switch args[1] {
		case "create", "list", "apply":
			return d1Migrations(args[1], args[2:], os.Stdout)
		}
		fmt.Fprintf(os.Stderr, "edged d1 migrations: unknown command %q\n\n%s", args[1], d1Usage)
		return 2
	}
	fmt.Fprintf(os.Stderr, "edged d1: unknown command %q (edged has execute and migrations)\n\n%s", args[0], d1Usage)
	return 2
}

func d1Execute(args []string, out io.Writer) int {
	f := newD1Flags("execute")
	command := f.fs.String("command", "", "SQL to run")
	file := f.fs.String("file", "", "file of SQL to run")
	asJSON := f.fs.Bool("json", false, "print the results as JSON")
	pos, err := parseInterleaved(f.fs, args)
	if err != nil {
		return 2
	}
	if len(pos) != 1 || (*command == "") == (*file == "") {
		fmt.Fprintf(os.Stderr, "edged d1 execute: want one database and exactly one of --command or --file\n\n%s", d1Usage)
		return 2
	}
	sql := *command
	if *file != "" {
		b, err := os.ReadFile(*file)
		if err != nil {
			return d1Fail(err)
		}
		sql = string(b)
	}
	db, c, err := f.open(pos[0])
	if err != nil {
		return d1Fail(err)
	}
	defer db.Close()
	var sts []d1.Statement
	for _, p := range d1.Split(sql) {
		sts = append(sts, d1.Statement{SQL: p.SQL})
	}
	if len(sts) == 0 {
		return d1Fail(errors.New("D1_ERROR: No SQL statements detected."))
	}
	if !*asJSON {
		fmt.Fprintf(os.Stderr, "🌀 Executing on local database %s (%s) from %s:\n", c.Binding, c.DatabaseName, db.Path())
	}
	start := time.Now()
	// All statements in one transaction: a failing file leaves nothing half applied.
	results, err := db.Batch(context.Background(), sts)
	if err != nil {
		if *asJSON {
			json.NewEncoder(out).Encode(map[string]any{"error": map[string]string{"text": err.Error()}})
		}
		return d1Fail(err)
	}
	if *asJSON {
		b, _ := json.MarshalIndent(results, "", "  ")
		fmt.Fprintf(out, "%s\n", b)
		return 0
	}
	fmt.Fprintf(os.Stderr, "🚣 %d command%s executed successfully in %s.\n", len(sts), plural(len(sts)), time.Since(start).Round(time.Millisecond))
	for _, r := range results {
		if len(r.Columns) > 0 {
			printTable(out, r)
		}
	}
	return 0
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// printTable draws a result as a box table, as wrangler prints one.
func printTable(out io.Writer, r *d1.Result) {
	cells := make([][]string, 0, r.NumRows()+1)
	cells = append(cells, r.Columns)
	for i := 0; i < r.NumRows(); i++ {
		row := make([]string, len(r.Columns))
		for j, v := range r.Row(i) {
			switch v.Kind {
			case d1.Null:
				row[j] = "null"
			case d1.Blob:
				b, _ := json.Marshal(v.Any())
				row[j] = string(b)
			default:
				row[j] = fmt.Sprint(v.Any())
			}
		}
		cells = append(cells, row)
	}
	width := make([]int, len(r.Columns))
	for _, row := range cells {
		for j, s := range row {
			width[j] = max(width[j], utf8.RuneCountInString(s))
		}
	}
	line := func(l, m, r string) {
		fmt.Fprint(out, l)
		for j, w := range width {
			if j > 0 {
				fmt.Fprint(out, m)
			}
			fmt.Fprint(out, strings.Repeat("─", w+2))
		}
		fmt.Fprintln(out, r)
	}
	rowOut := func(row []string) {
		fmt.Fprint(out, "│")
		for j, s := range row {
			fmt.Fprintf(out, " %s%s │", s, strings.Repeat(" ", width[j]-utf8.RuneCountInString(s)))
		}
		fmt.Fprintln(out)
	}
	line("┌", "┬", "┐")
	rowOut(cells[0])
	line("├", "┼", "┤")
	for _, row := range cells[1:] {
		rowOut(row)
	}
	line("└", "┴", "┘")
}

func d1Migrations(sub string, args []string, out io.Writer) int {
	f := newD1Flags("migrations " + sub)
	pos, err := parseInterleaved(f.fs, args)
	if err != nil {
		return 2
	}
	want := 1
	if sub == "create" {
		want = 2
	}
	if len(pos) != want {
		fmt.Fprintf(os.Stderr, "edged d1 migrations %s: want %d argument(s), got %d\n\n%s", sub, want, len(pos), d1Usage)
		return 2
	}
	db, c, err := f.open(pos[0])
	if err != nil {
		return d1Fail(err)
	}
	defer db.Close()
	m := d1.Migrations{Dir: c.MigrationsDir, Table: c.MigrationsTable}
	ctx := context.Background()
	switch sub {
	case "create":
		path, err := d1.CreateMigration(c.MigrationsDir, pos[1], time.Now())
		if err != nil {
			return d1Fail(err)
		}
		fmt.Fprintf(out, "✅ Successfully created Migration '%s'!\n", path)
		return 0
	case "list":
		pending, err := m.Pending(ctx, db)
		if err != nil {
			return d1Fail(err)
		}
		if len(pending) == 0 {
			fmt.Fprintln(out, "✅ No migrations to apply!")
			return 0
		}
		fmt.Fprintln(out, "Migrations to be applied:")
		printMigrations(out, pending, nil)
		return 0
	}
	pending, err := m.Pending(ctx, db)
	if err != nil {
		return d1Fail(err)
	}
	if len(pending) == 0 {
		fmt.Fprintln(out, "✅ No migrations to apply!")
		return 0
	}
	fmt.Fprintf(out, "Migrations to be applied:\n")
	printMigrations(out, pending, nil)
	done, err := m.Apply(ctx, db)
	status := map[string]string{}
	for _, d := range done {
		status[d.Name] = "✅"
	}
	if err != nil && len(done) < len(pending) {
		status[pending[len(done)].Name] = "❌"
	}
	printMigrations(out, pending, status)
	if err != nil {
		return d1Fail(err)
	}
	return 0
}

func printMigrations(out io.Writer, ms []d1.Migration, status map[string]string) {
	r := &d1.Result{Columns: []string{"name"}}
	if status != nil {
		r.Columns = append(r.Columns, "status")
	}
	for _, m := range ms {
		r.Values = append(r.Values, d1.String(m.Name))
		if status != nil {
			st, ok := status[m.Name]
			if !ok {
				st = "skipped"
			}
			r.Values = append(r.Values, d1.String(st))
		}
	}
	printTable(out, r)
}
