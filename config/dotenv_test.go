package config

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestParseDotenv(t *testing.T) {
	src := "# comment\n" +
		"A=1\n" +
		"  B = spaced value  \n" +
		"export C=exported\n" +
		"D='single $x \\n'\n" +
		"E=\"double\\n\\t\\\"q\\\" \\\\ \\$x \\u\"\n" +
		"F=\"multi\nline\"\n" +
		"G=unquoted # trailing comment\n" +
		"H=url#fragment\n" +
		"I=\n" +
		"J=\"quoted\" # comment\n" +
		"K=`back tick`\r\n" +
		"L.M-N=x\n" +
		"A=overridden\n" +
		"exportX=1\n" +
		"O==eq\n"
	got, err := ParseDotenv(".dev.vars", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"A": "overridden", "B": "spaced value", "C": "exported", "D": `single $x \n`,
		"E": "double\n\t\"q\" \\ $x \\u", "F": "multi\nline", "G": "unquoted", "H": "url#fragment",
		"I": "", "J": "quoted", "K": "back tick", "L.M-N": "x", "exportX": "1", "O": "=eq",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("ParseDotenv:\ngot  %q\nwant %q", got, want)
	}
}

func TestParseDotenvErrors(t *testing.T) {
	tests := []struct{ src, want string }{
		{"A=1\nnot a pair\n", ".dev.vars:2: expected KEY=value"},
		{"1A=x", `.dev.vars:1: invalid name "1A"`},
		{"A B=x", `invalid name "A B"`},
		{"=x", `invalid name ""`},
		{"A='open", ".dev.vars:1: unterminated ' quote"},
		{"A=1\nB=\"open\nstill open", ".dev.vars:2: unterminated \" quote"},
		{"A=\"x\" y", `unexpected text "y" after the closing quote`},
		{"A=\"x\ny\"\nB=ok\nC", ".dev.vars:4: expected KEY=value"}, // line numbers count the multi-line value
	}
	for _, tt := range tests {
		_, err := ParseDotenv(".dev.vars", []byte(tt.src))
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("ParseDotenv(%q): got %v, want %q", tt.src, err, tt.want)
		}
	}
}

func TestLoadDevVars(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	vars, files, err := LoadDevVars(dir, "")
	if err != nil || len(vars) != 0 || len(files) != 0 {
		t.Fatalf("empty dir: got %v %v %v", vars, files, err)
	}
	write(".env", "A=env\nB=env\n")
	write(".env.local", "B=local\n")
	write(".env.staging", "C=staging\n")
	vars, files, _ = LoadDevVars(dir, "staging")
	if want := map[string]string{"A": "env", "B": "local", "C": "staging"}; !reflect.DeepEqual(vars, want) || len(files) != 3 {
		t.Errorf(".env merge: got %v from %v, want %v", vars, files, want)
	}
	write(".dev.vars", "D=devvars\n")
	vars, files, _ = LoadDevVars(dir, "staging")
	if want := map[string]string{"D": "devvars"}; !reflect.DeepEqual(vars, want) || len(files) != 1 {
		t.Errorf(".dev.vars wins over .env: got %v from %v", vars, files)
	}
	write(".dev.vars.staging", "E=stg\n")
	vars, _, _ = LoadDevVars(dir, "staging")
	if want := map[string]string{"E": "stg"}; !reflect.DeepEqual(vars, want) {
		t.Errorf(".dev.vars.<env> wins: got %v", vars)
	}
	vars, _, _ = LoadDevVars(dir, "")
	if want := map[string]string{"D": "devvars"}; !reflect.DeepEqual(vars, want) {
		t.Errorf("no env: got %v", vars)
	}
	write(".dev.vars", "bad line\n")
	if _, _, err := LoadDevVars(dir, ""); err == nil || !strings.Contains(err.Error(), ".dev.vars:1") {
		t.Errorf("bad .dev.vars: got %v", err)
	}
}

func FuzzParseDotenv(f *testing.F) {
	for _, s := range []string{"A=1\n", "export B='x'\n", "C=\"a\\nb\nc\"\n", "D=x # y", "E=\"", "#only\n\n", "F=`x`"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		vars, err := ParseDotenv("f", in)
		if err != nil {
			return
		}
		for k := range vars {
			if !validEnvKey(k) {
				t.Fatalf("invalid key %q accepted", k)
			}
		}
		// A file written back with double quotes parses to the same values.
		var b strings.Builder
		for k, v := range vars {
			r := strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\r", `\r`)
			b.WriteString(k + "=\"" + r.Replace(v) + "\"\n")
		}
		again, err := ParseDotenv("f", []byte(b.String()))
		if err != nil {
			t.Fatalf("round trip of %q: %v", b.String(), err)
		}
		if len(again) != len(vars) {
			t.Fatalf("round trip: got %q, want %q", again, vars)
		}
		for k, v := range vars {
			if again[k] != v {
				t.Fatalf("round trip %s: got %q, want %q", k, again[k], v)
			}
		}
	})
}
