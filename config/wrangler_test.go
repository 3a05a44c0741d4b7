package config

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/edged-dev/edged/compat"
)

const fullTOML = `
name = "my-worker"
main = "src/index.ts"
compatibility_date = "2024-09-23"
compatibility_flags = ["nodejs_compat"]
minify = true
no_bundle = false
account_id = "abc"        # deploy-only: silently accepted
workers_dev = true

[vars]
GREETING = "hi"
COUNT = 3
RATIO = 0.5
ON = true
NESTED = { a = [1, "two"], b = { c = false } }

[define]
__VERSION__ = "\"1.0\""

[alias]
"old-lib" = "./src/new-lib.ts"

[[rules]]
type = "Text"
globs = ["**/*.txt", "**/*.md"]
fallthrough = true

[[d1_databases]]
binding = "DB"
database_name = "prod"
database_id = "xxxx-yyyy"

[[kv_namespaces]]
binding = "CACHE"
id = "kv1"
preview_id = "kv1p"

[triggers]
crons = ["*/5 * * * *", "0 0 L * *"]

[limits]
cpu_ms = 50

[dev]
ip = "0.0.0.0"
port = 9000
local_protocol = "https"

[env.staging]
name = "my-worker-stg"
vars = { GREETING = "hello staging" }
kv_namespaces = [{ binding = "CACHE", id = "kv-stg" }]

[env.prod]
compatibility_date = "2025-01-01"
`

func TestParseTOMLTopLevel(t *testing.T) {
	c, warns, err := Parse("wrangler.toml", []byte(fullTOML), "")
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	if len(warns) != 0 {
		t.Errorf("warnings: got %v, want none", warns)
	}
	checks := []struct {
		name      string
		got, want any
	}{
		{"Name", c.Name, "my-worker"},
		{"Main", c.Main, "src/index.ts"},
		{"CompatibilityDate", c.CompatibilityDate, "2024-09-23"},
		{"CompatibilityFlags", c.CompatibilityFlags, []string{"nodejs_compat"}},
		{"nodejs_compat_v2 implied", c.Compat.Enabled("nodejs_compat_v2"), true},
		{"Minify", c.Minify, true},
		{"Vars", c.Vars, map[string]any{"GREETING": "hi", "COUNT": int64(3), "RATIO": 0.5, "ON": true,
			"NESTED": map[string]any{"a": []any{int64(1), "two"}, "b": map[string]any{"c": false}}}},
		{"Define", c.Define, map[string]string{"__VERSION__": `"1.0"`}},
		{"Alias", c.Alias, map[string]string{"old-lib": "./src/new-lib.ts"}},
		{"Rules", c.Rules, []Rule{{Type: Text, Globs: []string{"**/*.txt", "**/*.md"}, Fallthrough: true}}},
		{"D1", c.D1Databases, []D1Database{{Binding: "DB", DatabaseName: "prod", DatabaseID: "xxxx-yyyy", MigrationsDir: "migrations", MigrationsTable: "d1_migrations"}}},
		{"KV", c.KVNamespaces, []KVNamespace{{Binding: "CACHE", ID: "kv1", PreviewID: "kv1p"}}},
		{"Crons", c.Triggers.Crons, []string{"*/5 * * * *", "0 0 L * *"}},
		{"Schedules", len(c.Triggers.Schedules), 2},
		{"Limits", c.Limits, Limits{CPUMs: 50}},
		{"Dev", c.Dev, Dev{IP: "0.0.0.0", Port: 9000, LocalProtocol: "https", UpstreamProtocol: "https"}},
	}
	for _, ch := range checks {
		if !reflect.DeepEqual(ch.got, ch.want) {
			t.Errorf("%s: got %#v, want %#v", ch.name, ch.got, ch.want)
		}
	}
}

func TestParseEnvInheritance(t *testing.T) {
	c, warns, err := Parse("wrangler.toml", []byte(fullTOML), "staging")
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	if c.Env != "staging" || c.Name != "my-worker-stg" || c.Main != "src/index.ts" || c.CompatibilityDate != "2024-09-23" {
		t.Errorf("inherited keys: got env=%q name=%q main=%q date=%q", c.Env, c.Name, c.Main, c.CompatibilityDate)
	}
	if !reflect.DeepEqual(c.Vars, map[string]any{"GREETING": "hello staging"}) {
		t.Errorf("Vars: got %v, want only the env's", c.Vars)
	}
	if len(c.D1Databases) != 0 {
		t.Errorf("D1Databases: got %v, want none (not inherited)", c.D1Databases)
	}
	if len(c.Triggers.Crons) != 2 || c.Limits.CPUMs != 50 || !c.Minify || len(c.Rules) != 1 {
		t.Errorf("inheritable triggers/limits/minify/rules not inherited: %+v", c)
	}
	// define and d1_databases are set at the top but not in staging.
	var got []string
	for _, w := range warns {
		got = append(got, w.Field)
	}
	if want := []string{"env.staging.d1_databases", "env.staging.define"}; !reflect.DeepEqual(got, want) {
		t.Errorf("warnings: got %v, want fields %v", warns, want)
	}

	c, _, err = Parse("wrangler.toml", []byte(fullTOML), "prod")
	if err != nil {
		t.Fatalf("Parse prod: %v", err)
	}
	if c.Name != "my-worker-prod" || c.CompatibilityDate != "2025-01-01" || len(c.Vars) != 0 {
		t.Errorf("prod: got name=%q date=%q vars=%v", c.Name, c.CompatibilityDate, c.Vars)
	}

	c, warns, err = Parse("wrangler.toml", []byte(fullTOML), "nope")
	if err != nil {
		t.Fatalf("Parse nope: %v", err)
	}
	if c.Name != "my-worker" || len(warns) != 1 || !strings.Contains(warns[0].Msg, `no environment "nope"`) {
		t.Errorf("missing env: got name=%q warnings=%v", c.Name, warns)
	}
}

func TestParseJSONC(t *testing.T) {
	src := `// wrangler.jsonc
{
  "$schema": "node_modules/wrangler/config-schema.json",
  "name": "api", /* inline */
  "main": "src/index.js",
  "compatibility_date": "2023-05-18",
  "vars": { "URL": "https://example.com/a//b", "N": 12, "F": 1.5, "BIG": 1e400, },
  "d1_databases": [
    { "binding": "DB", "database_name": "d", "migrations_dir": "db/migrations", },
  ],
}
`
	_, _, err := Parse("wrangler.jsonc", []byte(src), "")
	if err == nil || !strings.Contains(err.Error(), "wrangler.jsonc: vars.BIG: number 1e400 is out of range") {
		t.Fatalf("Parse: got %v, want the BIG error", err)
	}
	src = strings.Replace(src, `"BIG": 1e400, `, "", 1)
	c, warns, err := Parse("wrangler.jsonc", []byte(src), "")
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	if len(warns) != 0 {
		t.Errorf("warnings: got %v", warns)
	}
	want := map[string]any{"URL": "https://example.com/a//b", "N": int64(12), "F": 1.5}
	if !reflect.DeepEqual(c.Vars, want) {
		t.Errorf("Vars: got %#v, want %#v", c.Vars, want)
	}
	if c.D1Databases[0].MigrationsDir != "db/migrations" {
		t.Errorf("MigrationsDir: got %q", c.D1Databases[0].MigrationsDir)
	}
	if c.Dev.Port != 8787 || c.Dev.IP != "localhost" || c.Dev.LocalProtocol != "http" {
		t.Errorf("Dev defaults: got %+v", c.Dev)
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name, file, src, env string
		want                 []string
	}{
		{"env vars not a table", "wrangler.toml", "compatibility_date = \"2024-01-01\"\n[env.staging]\nvars = \"x\"\n", "",
			[]string{"wrangler.toml: env.staging.vars: expected a table, got a string"}},
		{"json says object", "wrangler.json", `{"compatibility_date":"2024-01-01","vars":[1]}`, "",
			[]string{"wrangler.json: vars: expected an object, got an array"}},
		{"every error at once", "wrangler.toml", `
name = "Bad Name"
main = 3
compatibility_date = "2024-02-30"
compatibility_flags = ["nodejs_compat", "bogus_flag"]
minify = "yes"
[[rules]]
type = "Wasm"
globs = []
[[d1_databases]]
database_name = "x"
[[kv_namespaces]]
binding = 7
[triggers]
crons = ["61 * * * *"]
[limits]
cpu_ms = 0
[dev]
port = 70000
local_protocol = "ftp"
`, "", []string{
			`name: "Bad Name" is not a valid worker name`,
			"main: expected a string, got a number",
			`compatibility_date: invalid compatibility date "2024-02-30": not a calendar date`,
			`compatibility_flags: unknown compatibility flag "bogus_flag"`,
			"minify: expected a boolean, got a string",
			`rules[0].type: "Wasm" is not a module type: expected one of ESModule`,
			"rules[0].globs: expected at least one glob pattern",
			"d1_databases[0].binding: required",
			"kv_namespaces[0].binding: expected a string, got a number",
			"triggers.crons[0]: \"61 * * * *\": minute: 61 is out of range 0-59",
			"limits.cpu_ms: expected a number from 1 to 300000, got 0",
			"dev.port: expected a number from 0 to 65535, got 70000",
			`dev.local_protocol: expected "http" or "https", got "ftp"`,
		}},
		{"date too new", "wrangler.toml", `compatibility_date = "2099-01-01"`, "",
			[]string{"compatibility_date: compatibility date 2099-01-01 is later than " + compat.SupportedDate}},
		{"conflicting flags in env", "wrangler.toml", "compatibility_date = \"2024-01-01\"\n[env.a]\ncompatibility_flags = [\"url_standard\", \"url_original\"]\n", "a",
			[]string{"env.a.compatibility_flags: compatibility flags url_standard and url_original conflict"}},
		{"duplicate bindings", "wrangler.toml", "compatibility_date = \"2024-01-01\"\nvars = { DB = \"x\" }\n[[d1_databases]]\nbinding = \"DB\"\n", "",
			[]string{`d1_databases[0].binding: binding "DB" is already used by vars.DB`}},
		{"toml syntax", "wrangler.toml", "name = \n", "", []string{"wrangler.toml: line 1"}},
		{"json syntax", "wrangler.json", "{\n  \"name\": \"a\"\n  \"main\": \"b\"\n}", "", []string{"wrangler.json: line 3, column 3"}},
		{"unterminated comment", "wrangler.jsonc", "{ /* ", "", []string{"unterminated /* comment at line 1, column 3"}},
		{"not an object", "wrangler.json", "[1]", "", []string{"expected an object at the top level, got an array"}},
		{"empty json", "wrangler.json", " // nothing\n", "", []string{"file is empty"}},
		{"bad extension", "wrangler.yaml", "", "", []string{`unknown config format ".yaml"`}},
		{"toml date-time var", "wrangler.toml", "compatibility_date = \"2024-01-01\"\nvars = { T = 1979-05-27T07:32:00Z }\n", "",
			[]string{"vars.T: expected a string, number, boolean, table or array, got a date-time"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := Parse(tt.file, []byte(tt.src), tt.env)
			if err == nil {
				t.Fatalf("got nil error, want %q", tt.want)
			}
			var es Errors
			if !errors.As(err, &es) {
				t.Fatalf("got %T, want config.Errors", err)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("got error:\n%s\nwant it to contain %q", err, w)
				}
			}
			if len(es) != len(tt.want) {
				t.Errorf("got %d errors, want %d:\n%s", len(es), len(tt.want), err)
			}
		})
	}
}

func TestParseWarnings(t *testing.T) {
	src := `
compatibility_date = "2024-01-01"
colour = "blue"
r2_buckets = [{ binding = "B", bucket_name = "b" }]
routes = ["example.com/*"]
[[kv_namespaces]]
binding = "KV"
extra = 1
[limits]
subrequests = 10
[dev]
inspector_port = 9229
[env.x]
dev = { port = 1 }
`
	_, warns, err := Parse("wrangler.toml", []byte(src), "")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, w := range warns {
		got = append(got, w.String())
	}
	want := []string{
		"wrangler.toml: colour: unknown field; ignored",
		"wrangler.toml: dev.inspector_port: not supported by edged dev yet; ignored",
		"wrangler.toml: kv_namespaces[0].extra: unknown field; ignored",
		"wrangler.toml: limits.subrequests: not enforced by edged dev yet; ignored",
		"wrangler.toml: r2_buckets: not supported by edged yet; ignored (these bindings will be missing from env)",
		"wrangler.toml: env.x.dev: [dev] is only read at the top level; ignored here",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("warnings:\ngot  %q\nwant %q", got, want)
	}

	c, warns, err := Parse("wrangler.toml", []byte(`name = "w"`), "")
	if err != nil {
		t.Fatal(err)
	}
	if c.CompatibilityDate != compat.SupportedDate || len(warns) != 1 || warns[0].Field != "compatibility_date" {
		t.Errorf("missing date: got %q, warnings %v", c.CompatibilityDate, warns)
	}
}

func TestFindAndLoadDir(t *testing.T) {
	root := t.TempDir()
	sub := filepath.Join(root, "a", "b")
	if err := os.MkdirAll(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	write := func(name, body string) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(root, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if _, _, err := Find(sub); err == nil {
		t.Fatal("Find with no config: got nil error")
	}
	write("wrangler.toml", "name = \"from-toml\"\ncompatibility_date = \"2024-01-01\"\n")
	write("wrangler.jsonc", "{\"name\": \"from-jsonc\", \"compatibility_date\": \"2024-01-01\", // c\n}")
	c, warns, err := LoadDir(sub, "")
	if err != nil {
		t.Fatal(err)
	}
	if c.Name != "from-jsonc" || c.Dir != root {
		t.Errorf("LoadDir: got name %q dir %q, want from-jsonc in %q", c.Name, c.Dir, root)
	}
	if len(warns) != 1 || !strings.Contains(warns[0].Msg, "several wrangler configs") {
		t.Errorf("warnings: got %v", warns)
	}
	if got, want := c.Abs("src/x.ts"), filepath.Join(root, "src/x.ts"); got != want {
		t.Errorf("Abs: got %q, want %q", got, want)
	}
	if _, _, err := Load(filepath.Join(root, "missing.toml"), ""); err == nil {
		t.Error("Load(missing): got nil error")
	}
}

func FuzzParse(f *testing.F) {
	f.Add("wrangler.toml", []byte(fullTOML), "staging")
	f.Add("wrangler.jsonc", []byte(`{"name":"a", /* c */ "vars": {"A": [1, {"b": null}],}, "env": {"x": {"vars": 1}}}`), "x")
	f.Add("wrangler.json", []byte(`{"triggers": {"crons": ["* * * * 5L"]}, "limits": {"cpu_ms": 1e3}}`), "")
	f.Fuzz(func(t *testing.T, name string, data []byte, env string) {
		if !strings.HasSuffix(name, ".toml") && !strings.HasSuffix(name, ".json") && !strings.HasSuffix(name, ".jsonc") {
			return
		}
		c, _, err := Parse(name, data, env)
		if err == nil && c == nil {
			t.Fatal("nil config without an error")
		}
		if err != nil && c != nil {
			t.Fatal("a config together with an error")
		}
	})
}
