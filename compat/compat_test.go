package compat

import (
	"slices"
	"strings"
	"testing"
)

func TestParseDate(t *testing.T) {
	tests := []struct {
		in string
		ok bool
	}{
		{"2024-01-31", true},
		{"2024-02-29", true},  // leap year
		{"2023-02-29", false}, // not a leap year
		{"2024-13-01", false},
		{"2024-00-10", false},
		{"2024-04-31", false},
		{"2024-1-01", false},
		{"24-01-01", false},
		{"2024/01/01", false},
		{"2024-01-01T00:00:00Z", false},
		{" 2024-01-01", false},
		{"", false},
		{"２０２４-01-01", false},
		{"+024-01-01", false},
	}
	for _, tt := range tests {
		_, err := ParseDate(tt.in)
		if got := err == nil; got != tt.ok {
			t.Errorf("ParseDate(%q): got ok=%v, want %v (err %v)", tt.in, got, tt.ok, err)
		}
	}
}

func TestResolveDefaults(t *testing.T) {
	tests := []struct {
		date string
		flag string
		want bool
	}{
		{"2021-11-02", "formdata_parser_supports_files", false},
		{"2021-11-03", "formdata_parser_supports_files", true},
		{"2022-11-29", "streams_enable_constructors", false},
		{"2022-11-30", "streams_enable_constructors", true},
		{"2022-11-30", "transformstream_enable_standard_constructor", true},
		{"2022-03-20", "global_navigator", false},
		{"2022-03-21", "global_navigator", true},
		{"2022-10-31", "url_standard", true},
		{SupportedDate, "nodejs_compat", false},    // opt-in only
		{SupportedDate, "nodejs_compat_v2", false}, // implied only with nodejs_compat
		{SupportedDate, "nodejs_als", false},       // opt-in only
		{SupportedDate, "no_global_fetch_mock", false},
	}
	for _, tt := range tests {
		f, err := Resolve(tt.date, nil)
		if err != nil {
			t.Fatalf("Resolve(%s): %v", tt.date, err)
		}
		if got := f.Enabled(tt.flag); got != tt.want {
			t.Errorf("Resolve(%s).Enabled(%s): got %v, want %v", tt.date, tt.flag, got, tt.want)
		}
	}
}

func TestResolveFlags(t *testing.T) {
	tests := []struct {
		date  string
		flags []string
		check string
		want  bool
	}{
		{"2021-01-01", []string{"streams_enable_constructors"}, "streams_enable_constructors", true},
		{"2023-01-01", []string{"streams_disable_constructors"}, "streams_enable_constructors", false},
		{"2023-01-01", []string{"url_original"}, "url_standard", false},
		{"2024-09-22", []string{"nodejs_compat"}, "nodejs_compat_v2", false},
		{"2024-09-23", []string{"nodejs_compat"}, "nodejs_compat_v2", true},
		{"2024-09-23", []string{"nodejs_compat", "no_nodejs_compat_v2"}, "nodejs_compat_v2", false},
		{"2024-09-23", []string{"nodejs_compat", "no_nodejs_compat_v2"}, "nodejs_compat", true},
		{"2023-01-01", []string{"nodejs_compat_v2"}, "nodejs_compat_v2", true},
		{"2025-04-01", []string{"nodejs_compat"}, "nodejs_compat_populate_process_env", true},
		{"2025-03-31", []string{"nodejs_compat"}, "nodejs_compat_populate_process_env", false},
		{"2025-04-01", nil, "nodejs_compat_populate_process_env", false},
		{"2023-01-01", []string{"nodejs_als", "nodejs_als"}, "nodejs_als", true}, // repeats are fine
	}
	for _, tt := range tests {
		f, err := Resolve(tt.date, tt.flags)
		if err != nil {
			t.Fatalf("Resolve(%s, %v): %v", tt.date, tt.flags, err)
		}
		if got := f.Enabled(tt.check); got != tt.want {
			t.Errorf("Resolve(%s, %v).Enabled(%s): got %v, want %v", tt.date, tt.flags, tt.check, got, tt.want)
		}
		if f.Date() != tt.date {
			t.Errorf("Date(): got %q, want %q", f.Date(), tt.date)
		}
	}
}

func TestResolveErrors(t *testing.T) {
	tests := []struct {
		date  string
		flags []string
		want  []string // substrings of the error
	}{
		{"", nil, []string{"compatibility date is required"}},
		{"2024-02-30", nil, []string{`"2024-02-30"`, "not a calendar date"}},
		{"2024-1-1", nil, []string{"want YYYY-MM-DD"}},
		{"2026-11-27", nil, []string{"2026-11-27 is later than " + SupportedDate, "upgrade edged"}},
		{"9999-12-31", nil, []string{"later than"}},
		{"2024-01-01", []string{"nodejs_compatt"}, []string{`unknown compatibility flag "nodejs_compatt"`}},
		{"2024-01-01", []string{"Nodejs-Compat"}, []string{`did you mean "nodejs_compat"`}},
		{"2024-01-01", []string{""}, []string{"empty compatibility flag"}},
		{"2024-01-01", []string{"url_standard", "url_original"}, []string{"url_standard and url_original conflict"}},
		// Every problem is reported at once.
		{"2099-01-01", []string{"bogus", "nodejs_compat", "no_nodejs_compat"}, []string{"later than", `"bogus"`, "conflict"}},
	}
	for _, tt := range tests {
		_, err := Resolve(tt.date, tt.flags)
		if err == nil {
			t.Errorf("Resolve(%q, %v): got nil error, want %q", tt.date, tt.flags, tt.want)
			continue
		}
		for _, w := range tt.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("Resolve(%q, %v): got error %q, want it to contain %q", tt.date, tt.flags, err, w)
			}
		}
	}
}

func TestSupportedDateIsNotClamped(t *testing.T) {
	if _, err := Resolve(SupportedDate, nil); err != nil {
		t.Fatalf("Resolve(SupportedDate): %v", err)
	}
	if _, err := Resolve("2026-11-27", nil); err == nil {
		t.Fatal("Resolve(day after SupportedDate): got nil error, want refusal")
	}
}

func TestTableWellFormed(t *testing.T) {
	rows := Table()
	if len(rows) == 0 {
		t.Fatal("empty table")
	}
	for _, r := range rows {
		if r.Comment == "" {
			t.Errorf("flag %s: no comment", r.Name)
		}
		if r.Date > SupportedDate {
			t.Errorf("flag %s: date %s later than SupportedDate", r.Name, r.Date)
		}
		if r.Date != "" && r.ImpliedAfter != "" {
			t.Errorf("flag %s: both Date and ImpliedAfter", r.Name)
		}
		if !Known(r.Name) || (r.Disable != "" && !Known(r.Disable)) {
			t.Errorf("flag %s: not Known", r.Name)
		}
	}
	// Table returns a copy.
	rows[0].Name = "changed"
	if Table()[0].Name == "changed" {
		t.Error("Table() returned the package's slice, want a copy")
	}
	for _, want := range []string{"nodejs_compat", "nodejs_compat_v2", "nodejs_als", "streams_enable_constructors",
		"transformstream_enable_standard_constructor", "global_navigator", "url_standard",
		"formdata_parser_supports_files", "fetch_refuses_unknown_protocols", "no_global_fetch_mock"} {
		if !Known(want) {
			t.Errorf("Known(%s): got false, want true", want)
		}
	}
}

func TestListAndComparable(t *testing.T) {
	a, _ := Resolve("2022-03-21", []string{"nodejs_compat"})
	b, _ := Resolve("2022-03-21", []string{"nodejs_compat", "nodejs_compat"})
	if a != b {
		t.Error("identical resolutions compare unequal")
	}
	l := a.List()
	if !slices.Contains(l, "global_navigator") || !slices.Contains(l, "nodejs_compat") || slices.Contains(l, "url_standard") {
		t.Errorf("List(): got %v", l)
	}
}

func TestEnabledUnknownPanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("Enabled(unknown): got no panic")
		}
	}()
	Flags{}.Enabled("not_a_flag")
}

func FuzzParseDate(f *testing.F) {
	for _, s := range []string{"2024-02-29", "2023-02-29", "0000-01-01", "9999-12-31", "2024-1-1", "", "2024-01-01x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		tm, err := ParseDate(s)
		if err != nil {
			return
		}
		if got := tm.Format("2006-01-02"); got != s {
			t.Fatalf("ParseDate(%q) round-trips to %q", s, got)
		}
		if err := CheckDate(s); (err == nil) != (s <= SupportedDate) {
			t.Fatalf("CheckDate(%q): %v", s, err)
		}
	})
}

func BenchmarkResolve(b *testing.B) {
	b.ReportAllocs()
	flags := []string{"nodejs_compat", "no_global_navigator"}
	for b.Loop() {
		if _, err := Resolve("2025-06-01", flags); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkEnabled(b *testing.B) {
	b.ReportAllocs()
	f, _ := Resolve("2025-06-01", []string{"nodejs_compat"})
	for b.Loop() {
		_ = f.Enabled("nodejs_compat_v2")
	}
}
