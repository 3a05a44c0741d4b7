package cron

import (
	"strings"
	"testing"
	"time"
)

func mustTime(t testing.TB, s string) time.Time {
	t.Helper()
	tm, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t.Fatal(err)
	}
	return tm
}

func TestNext(t *testing.T) {
	tests := []struct {
		expr  string
		after string
		want  string
	}{
		{"* * * * *", "2025-01-01T00:00:00Z", "2025-01-01T00:01:00Z"},
		{"* * * * *", "2025-01-01T00:00:59Z", "2025-01-01T00:01:00Z"},
		{"*/15 * * * *", "2025-01-01T00:14:00Z", "2025-01-01T00:15:00Z"},
		{"*/15 * * * *", "2025-01-01T00:45:00Z", "2025-01-01T01:00:00Z"},
		{"5 * * * *", "2025-01-01T00:05:00Z", "2025-01-01T01:05:00Z"},
		{"0 0 * * *", "2025-12-31T23:59:00Z", "2026-01-01T00:00:00Z"},
		{"30 9 1,15 * *", "2025-01-02T00:00:00Z", "2025-01-15T09:30:00Z"},
		{"0 12 * JAN-MAR *", "2025-03-31T12:00:00Z", "2026-01-01T12:00:00Z"},
		{"0 12 * jan,jul *", "2025-02-01T00:00:00Z", "2025-07-01T12:00:00Z"},
		{"10 7 * * mon-fri", "2025-01-03T08:00:00Z", "2025-01-06T07:10:00Z"}, // Fri -> Mon
		{"0 17 * * sun", "2025-01-01T00:00:00Z", "2025-01-05T17:00:00Z"},
		{"0 17 * * 0", "2025-01-01T00:00:00Z", "2025-01-05T17:00:00Z"},
		{"0 17 * * 7", "2025-01-01T00:00:00Z", "2025-01-05T17:00:00Z"},
		{"0 0 29 2 *", "2025-01-01T00:00:00Z", "2028-02-29T00:00:00Z"},
		{"0 0 L * *", "2025-02-01T00:00:00Z", "2025-02-28T00:00:00Z"},
		{"0 0 L * *", "2024-02-01T00:00:00Z", "2024-02-29T00:00:00Z"},
		{"59 23 L * *", "2025-04-30T23:59:00Z", "2025-05-31T23:59:00Z"},
		{"0 0 * * 5L", "2025-01-01T00:00:00Z", "2025-01-31T00:00:00Z"},   // last Friday of Jan 2025
		{"0 0 * * FRIL", "2025-02-01T00:00:00Z", "2025-02-28T00:00:00Z"}, // last Friday of Feb 2025
		{"0 0 * * 1#1", "2025-01-01T00:00:00Z", "2025-01-06T00:00:00Z"},  // first Monday
		{"0 0 * * mon#2", "2025-01-01T00:00:00Z", "2025-01-13T00:00:00Z"},
		{"0 0 * * 4#5", "2025-01-01T00:00:00Z", "2025-01-30T00:00:00Z"}, // 5th Thursday
		{"0 0 * 2 1#5", "2025-01-01T00:00:00Z", "2044-02-29T00:00:00Z"}, // 5th Monday of February
		// Both day fields restricted: either may match (standard cron).
		{"0 0 13 * 5", "2025-01-01T00:00:00Z", "2025-01-03T00:00:00Z"},
		{"0 0 13 * 5", "2025-01-11T00:00:00Z", "2025-01-13T00:00:00Z"},
		// One field is * : only the other restricts.
		{"0 0 * * 5", "2025-01-03T00:00:00Z", "2025-01-10T00:00:00Z"},
		{"0 0 13 * ?", "2025-01-01T00:00:00Z", "2025-01-13T00:00:00Z"},
		{"0 0 1-7/3 * *", "2025-01-02T00:00:00Z", "2025-01-04T00:00:00Z"},
		{"0 22/1 * * *", "2025-01-01T00:00:00Z", "2025-01-01T22:00:00Z"},
		{"0-10/5 3 * * *", "2025-01-01T03:06:00Z", "2025-01-01T03:10:00Z"},
		{"1 2 3 4 *", "2025-04-03T02:01:00Z", "2026-04-03T02:01:00Z"},
		// Non-UTC input is read in UTC.
		{"0 0 * * *", "2025-01-01T23:30:00-02:00", "2025-01-03T00:00:00Z"},
		{"  0\t0   * * *  ", "2025-01-01T00:00:00Z", "2025-01-02T00:00:00Z"},
	}
	for _, tt := range tests {
		s, err := Parse(tt.expr)
		if err != nil {
			t.Errorf("Parse(%q): %v", tt.expr, err)
			continue
		}
		got := s.Next(mustTime(t, tt.after))
		if want := mustTime(t, tt.want); !got.Equal(want) || got.Location() != time.UTC {
			t.Errorf("Parse(%q).Next(%s): got %s, want %s", tt.expr, tt.after, got.Format(time.RFC3339), tt.want)
		}
		if !s.Matches(got) {
			t.Errorf("Parse(%q).Matches(Next()): got false", tt.expr)
		}
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct{ expr, want string }{
		{"", "want 5 fields"},
		{"* * * *", "got 4"},
		{"0 * * * * *", "got 6"},
		{"@daily", "macros such as @daily are not supported"},
		{"60 * * * *", "minute: 60 is out of range 0-59"},
		{"* 24 * * *", "hour: 24 is out of range 0-23"},
		{"* * 0 * *", "day of month: 0 is out of range 1-31"},
		{"* * 32 * *", "day of month: 32 is out of range"},
		{"* * * 13 *", "month: 13 is out of range 1-12"},
		{"* * * * 8", "day of week: 8 is out of range 0-7"},
		{"* * * FOO *", `month: "FOO" is not a number or a name (JAN-DEC)`},
		{"* * * * FUN", `"FUN" is not a number or a name (SUN-SAT)`},
		{"a * * * *", `minute: "A" is not a number`},
		{"5-1 * * * *", "runs backwards"},
		{"*/0 * * * *", "must be a positive number"},
		{"*/x * * * *", "must be a positive number"},
		{"*/61 * * * *", "larger than the field's range"},
		{"1,,2 * * * *", "empty list item"},
		{"- * * * *", "missing value"},
		{"* * 15W * *", "W (nearest weekday) is not supported"},
		{"* * LW * *", "W (nearest weekday) is not supported"},
		{"* * L-2 * *", "only a plain L"},
		{"* * * * L", "L alone is ambiguous"},
		{"* * * * 1#6", "must be 1 to 5"},
		{"* * * * 1#0", "must be 1 to 5"},
		{"* * * * 9#1", "out of range"},
		{"L * * * *", "only allowed in the day fields"},
		{"* ? * * *", "only allowed in the day fields"},
		{"* * ?/2 * *", "? cannot take a step"},
		{"0 0 30 2 *", "no selected day of month exists"},
		{"0 0 31 4,6,9,11 *", "no selected day of month exists"},
		{"00000000000000000001 * * * *", "out of range"},
		{strings.Repeat("1,", 600) + "1 * * * *", "the limit is 1024"},
	}
	for _, tt := range tests {
		_, err := Parse(tt.expr)
		if err == nil {
			t.Errorf("Parse(%q): got nil error, want %q", tt.expr, tt.want)
			continue
		}
		if !strings.Contains(err.Error(), tt.want) {
			t.Errorf("Parse(%q): got error %q, want it to contain %q", tt.expr, err, tt.want)
		}
	}
}

func TestString(t *testing.T) {
	if got, want := MustParse(" 0  0 * *\tmon ").String(), "0 0 * * mon"; got != want {
		t.Errorf("String(): got %q, want %q", got, want)
	}
}

// TestNextAgainstMatches checks Next against a minute-by-minute scan.
func TestNextAgainstMatches(t *testing.T) {
	exprs := []string{"*/7 */5 * * *", "0 0 L * *", "30 1 * * 5L", "0 12 1,15 * 1#2", "15 3 * * 0,6", "0 0 13 * 5"}
	start := mustTime(t, "2025-01-30T00:00:00Z")
	for _, e := range exprs {
		s := MustParse(e)
		want := time.Time{}
		for m := start.Add(time.Minute); m.Before(start.Add(70 * 24 * time.Hour)); m = m.Add(time.Minute) {
			if s.Matches(m) {
				want = m
				break
			}
		}
		if got := s.Next(start); !got.Equal(want) {
			t.Errorf("Parse(%q).Next: got %s, want %s", e, got, want)
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{"* * * * *", "*/5 1-3 L * 5L", "0 0 * 2 1#5", "1,2,3 4-5/2 ? JAN-DEC SUN-SAT", "0 0 29 2 *", "7 * 1 * 7"} {
		f.Add(s)
	}
	start := time.Date(2025, 6, 15, 12, 34, 56, 0, time.UTC)
	f.Fuzz(func(t *testing.T, expr string) {
		s, err := Parse(expr)
		if err != nil {
			return
		}
		// The normalized form parses to the same schedule.
		s2, err := Parse(s.String())
		if err != nil {
			t.Fatalf("Parse(String()) of %q: %v", expr, err)
		}
		if *s2 != *s {
			t.Fatalf("Parse(%q) and Parse(%q) differ", expr, s.String())
		}
		n := s.Next(start)
		if n.IsZero() {
			return
		}
		if !n.After(start) || n.Second() != 0 || !s.Matches(n) {
			t.Fatalf("Parse(%q).Next(%s) = %s: not a matching later minute", expr, start, n)
		}
	})
}

func BenchmarkNext(b *testing.B) {
	b.ReportAllocs()
	s := MustParse("30 9 * * mon-fri")
	t := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	for b.Loop() {
		t = s.Next(t)
	}
}
