package d1

import (
	"strings"
	"testing"
)

func TestSplit(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"", nil},
		{"SELECT 1", []string{"SELECT 1"}},
		{"SELECT 1; SELECT 2;", []string{"SELECT 1", "SELECT 2"}},
		{";;  ;", nil},
		{"SELECT ';'; SELECT \"a;b\" FROM `c;d`, [e;f]", []string{"SELECT ';'", "SELECT \"a;b\" FROM `c;d`, [e;f]"}},
		{"SELECT 'it''s;'; SELECT 2", []string{"SELECT 'it''s;'", "SELECT 2"}},
		{"-- a; b\nSELECT 1; /* c; d */ SELECT 2", []string{"-- a; b\nSELECT 1", "/* c; d */ SELECT 2"}},
		{"SELECT 1; -- trailing comment", []string{"SELECT 1"}},
		{"CREATE TRIGGER t AFTER INSERT ON x BEGIN INSERT INTO y VALUES (1); DELETE FROM z; END; SELECT 1",
			[]string{"CREATE TRIGGER t AFTER INSERT ON x BEGIN INSERT INTO y VALUES (1); DELETE FROM z; END", "SELECT 1"}},
		{"create temp trigger if not exists t before delete on x begin select case when 1 then 2 end; select 3; end;",
			[]string{"create temp trigger if not exists t before delete on x begin select case when 1 then 2 end; select 3; end"}},
		{"SELECT CASE WHEN 1 THEN 2 END; BEGIN; COMMIT", []string{"SELECT CASE WHEN 1 THEN 2 END", "BEGIN", "COMMIT"}},
		{"SELECT 'unterminated; SELECT 2", []string{"SELECT 'unterminated; SELECT 2"}},
	}
	for _, tt := range tests {
		var got []string
		for _, p := range Split(tt.in) {
			got = append(got, p.SQL)
		}
		if strings.Join(got, "|") != strings.Join(tt.want, "|") || len(got) != len(tt.want) {
			t.Errorf("Split(%q):\ngot  %q\nwant %q", tt.in, got, tt.want)
		}
	}
}

func TestSplitLines(t *testing.T) {
	ps := Split("SELECT 1;\n\n  SELECT\n2;\nSELECT 3")
	var got []int
	for _, p := range ps {
		got = append(got, p.Line)
	}
	if want := []int{1, 3, 5}; len(got) != 3 || got[0] != want[0] || got[1] != want[1] || got[2] != want[2] {
		t.Errorf("lines: got %v, want %v", got, want)
	}
}

func FuzzSplit(f *testing.F) {
	for _, s := range []string{"SELECT 1; SELECT 2", "CREATE TRIGGER a BEGIN x; END; y", "'a;''b'; -- c\n/* d; */e", "[a;b];`c;d`"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		end := 0
		for _, p := range Split(s) {
			if p.SQL == "" || p.Offset < end || p.Offset+len(p.SQL) > len(s) || s[p.Offset:p.Offset+len(p.SQL)] != p.SQL {
				t.Fatalf("piece %+v is not an in-order substring of %q", p, s)
			}
			if p.Line != 1+strings.Count(s[:p.Offset], "\n") {
				t.Fatalf("piece %+v: wrong line", p)
			}
			end = p.Offset + len(p.SQL)
		}
	})
}
