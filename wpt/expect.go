package wpt

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// Expectation is what a test is expected to do. In its file it is either the string
// "pass" (the harness finishes OK and every subtest passes) or an object:
//
//	{"skip": "reason"}                       not run at all
//	{"harness": "reason", "fail": {...}}     the harness ends ERROR/TIMEOUT/CRASH
//	{"fail": {"<subtest name>": "reason"}}   these subtests fail, all others pass
//
// An unexpected failure and an unexpected pass are both failures of the run, so
// expectations only tighten.
type Expectation struct {
	Skip    string            // reason the test is not run; "" runs it
	Harness string            // reason the harness is expected not to end OK
	Fail    map[string]string // subtest name → reason it is expected to fail
}

// Pass reports whether the expectation is a plain "pass".
func (e Expectation) Pass() bool { return e.Skip == "" && e.Harness == "" && len(e.Fail) == 0 }

type expectationJSON struct {
	Skip    string            `json:"skip,omitempty"`
	Harness string            `json:"harness,omitempty"`
	Fail    map[string]string `json:"fail,omitempty"`
}

func (e Expectation) MarshalJSON() ([]byte, error) {
	if e.Pass() {
		return []byte(`"pass"`), nil
	}
	return marshal(expectationJSON{e.Skip, e.Harness, e.Fail})
}

func (e *Expectation) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err == nil {
		if s != "pass" {
			return fmt.Errorf(`expectation %q: want "pass" or an object`, s)
		}
		*e = Expectation{}
		return nil
	}
	var x expectationJSON
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&x); err != nil {
		return err
	}
	*e = Expectation{x.Skip, x.Harness, x.Fail}
	return nil
}

// marshal encodes without HTML escaping (subtest names are full of <, > and &).
func marshal(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// Expectations maps test IDs (Test.ID) to what they are expected to do. They are
// kept in one file per top-level folder of the suite: expectations/<folder>.json.
type Expectations map[string]Expectation

// ExpectationFile is the file that holds the expectation of the test id.
func ExpectationFile(id string) string {
	top, _, _ := strings.Cut(id, "/")
	return top + ".json"
}

// LoadExpectations reads every expectations/*.json file of dir.
func LoadExpectations(dir string) (Expectations, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil {
		return nil, err
	}
	all := Expectations{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		var m map[string]Expectation
		if err := json.Unmarshal(b, &m); err != nil {
			return nil, fmt.Errorf("wpt: %s: %w", f, err)
		}
		for id, e := range m {
			if want := ExpectationFile(id); want != filepath.Base(f) {
				return nil, fmt.Errorf("wpt: %s: %s belongs in %s", f, id, want)
			}
			all[id] = e
		}
	}
	return all, nil
}

// Save writes the expectations back, one file per top-level folder. Files of
// folders that have no expectation left are removed.
func (all Expectations) Save(dir string) error {
	byFile := map[string]map[string]Expectation{}
	for id, e := range all {
		f := ExpectationFile(id)
		if byFile[f] == nil {
			byFile[f] = map[string]Expectation{}
		}
		byFile[f][id] = e
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	old, _ := filepath.Glob(filepath.Join(dir, "*.json"))
	for _, f := range old {
		if byFile[filepath.Base(f)] == nil {
			if err := os.Remove(f); err != nil {
				return err
			}
		}
	}
	for f, m := range byFile {
		b, err := marshal(m)
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(dir, f), b, 0o644); err != nil {
			return err
		}
	}
	return nil
}

// Mismatch is one way a result differs from its expectation.
type Mismatch struct {
	Subtest    string // "" for the harness or the file as a whole
	Unexpected string // "FAIL", "PASS" (an unexpected pass) or "MISSING"
	Detail     string
}

func (m Mismatch) String() string {
	what := "harness"
	if m.Subtest != "" {
		what = fmt.Sprintf("subtest %q", m.Subtest)
	}
	switch m.Unexpected {
	case "PASS":
		return fmt.Sprintf("unexpected pass: %s (%s): remove it from the expectations (-update)", what, m.Detail)
	case "MISSING":
		return fmt.Sprintf("expected failure of %s, which did not run: %s", what, m.Detail)
	}
	return fmt.Sprintf("unexpected failure: %s: %s", what, m.Detail)
}

// Compare checks a result against its expectation.
func Compare(e Expectation, r Result) []Mismatch {
	var out []Mismatch
	switch {
	case r.Status != OK && e.Harness == "":
		out = append(out, Mismatch{"", "FAIL", r.Status + ": " + r.Message})
	case r.Status == OK && e.Harness != "":
		out = append(out, Mismatch{"", "PASS", "expected: " + e.Harness})
	}
	// A name may be used by several subtests: it fails when any of them fails.
	failed := map[string]string{}
	seen := map[string]bool{}
	var order []string
	for _, s := range r.Subtests {
		if !seen[s.Name] {
			seen[s.Name] = true
			order = append(order, s.Name)
		}
		if s.Status != PASS {
			if _, ok := failed[s.Name]; !ok {
				failed[s.Name] = s.describe()
			}
		}
	}
	for _, name := range order {
		detail, bad := failed[name]
		reason, expected := e.Fail[name]
		switch {
		case bad && !expected:
			out = append(out, Mismatch{name, "FAIL", detail})
		case !bad && expected:
			out = append(out, Mismatch{name, "PASS", "expected: " + reason})
		}
	}
	var missing []string
	for name := range e.Fail {
		if !seen[name] {
			missing = append(missing, name)
		}
	}
	sort.Strings(missing)
	for _, name := range missing {
		out = append(out, Mismatch{name, "MISSING", "harness " + r.Status})
	}
	return out
}

func (s Subtest) describe() string {
	if s.Message == nil || *s.Message == "" {
		return s.Status
	}
	return s.Status + ": " + *s.Message
}

// todo starts the reason of a failure nobody has looked at.
const todo = "TODO: triage"

// Update returns the expectation that matches r, keeping the reasons of old where
// they still apply and asking triage for new ones.
func Update(old Expectation, r Result) Expectation {
	e := Expectation{}
	id := r.Test.ID()
	if r.Status != OK {
		e.Harness = old.Harness
		if e.Harness == "" || strings.HasPrefix(e.Harness, todo) {
			e.Harness = Triage(id, "", r.Status+": "+r.Message)
		}
	}
	for _, s := range r.Subtests {
		if s.Status == PASS {
			continue
		}
		if _, ok := e.Fail[s.Name]; ok {
			continue
		}
		if e.Fail == nil {
			e.Fail = map[string]string{}
		}
		reason, ok := old.Fail[s.Name]
		if strings.HasPrefix(reason, todo) {
			ok = false // not a reason yet: triage again
		}
		switch {
		case ok:
		case (s.Status == "NOTRUN" || s.Status == TIMEOUT) && e.Harness != "":
			// A subtest cut short by the harness fails for the harness's reason.
			reason = e.Harness
		default:
			reason = Triage(id, s.Name, s.describe())
		}
		e.Fail[s.Name] = reason
	}
	// A subtest that failed and passes under the same name elsewhere in the file
	// still fails as a name (see Compare).
	return e
}
