package wpt

import (
	"encoding/json"
	"reflect"
	"testing"
)

func TestParse(t *testing.T) {
	src := []byte(`// META: title=T
// META: global=window,worker
// META: script=/common/utils.js
// META: script=resources/helper.js?x=1
// META: script=../up.js
// META: timeout=long
// META: variant=?a
// META: variant=?b
test(() => {});
// META: script=not-header.js
`)
	tests, err := Parse("dir/sub/t.any.js", src)
	if err != nil {
		t.Fatal(err)
	}
	if len(tests) != 2 {
		t.Fatalf("got %d tests, want 2 (one per variant)", len(tests))
	}
	got := tests[1]
	want := Test{
		File:    "dir/sub/t.any.js",
		Variant: "?b",
		Scripts: []string{"common/utils.js", "dir/sub/resources/helper.js", "dir/up.js"},
		Globals: []string{"window", "worker"},
		Title:   "T",
		Long:    true,
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v, want %+v", got, want)
	}
	if got.ID() != "dir/sub/t.any.js?b" || got.URL() != "/dir/sub/t.any.worker.html?b" {
		t.Errorf("got id %q url %q", got.ID(), got.URL())
	}
	if _, err := Parse("t.any.js", []byte("// META: script=../../outside.js\n")); err == nil {
		t.Error("a script outside the suite: got no error")
	}
}

func TestRunnable(t *testing.T) {
	for _, c := range []struct {
		meta string
		want bool
	}{
		{"", true}, // window, dedicatedworker
		{"// META: global=window\n", false},
		{"// META: global=shadowrealm\n", false},
		{"// META: global=window,worker\n", true},
		{"// META: global=dedicatedworker-module\n", true},
		{"// META: global=sharedworker\n", true},
	} {
		ts, err := Parse("t.any.js", []byte(c.meta))
		if err != nil {
			t.Fatal(err)
		}
		if got := ts[0].Runnable(); got != c.want {
			t.Errorf("%q: got runnable %v, want %v", c.meta, got, c.want)
		}
	}
}

func TestSubstitute(t *testing.T) {
	got := substitute(`"ws://{{host}}:{{ports[ws][0]}}", "{{domains[www]}}", "{{GET[x]}}"`)
	want := `"ws://web-platform.test:8666", "www.web-platform.test", ""`
	if got != want {
		t.Errorf("got %s, want %s", got, want)
	}
}

func msg(s string) *string { return &s }

func TestCompare(t *testing.T) {
	res := Result{Status: OK, Subtests: []Subtest{
		{Name: "a", Status: PASS},
		{Name: "b", Status: "FAIL", Message: msg("boom")},
		{Name: "c", Status: PASS},
	}}
	cases := []struct {
		name string
		exp  Expectation
		want []string // Unexpected of each mismatch, with its subtest
	}{
		{"exact", Expectation{Fail: map[string]string{"b": "r"}}, nil},
		{"unexpected failure", Expectation{}, []string{"FAIL b"}},
		{"unexpected pass", Expectation{Fail: map[string]string{"b": "r", "c": "r"}}, []string{"PASS c"}},
		{"stale", Expectation{Fail: map[string]string{"b": "r", "gone": "r"}}, []string{"MISSING gone"}},
		{"harness expected to fail", Expectation{Harness: "r", Fail: map[string]string{"b": "r"}}, []string{"PASS "}},
	}
	for _, c := range cases {
		var got []string
		for _, m := range Compare(c.exp, res) {
			got = append(got, m.Unexpected+" "+m.Subtest)
		}
		if !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s: got %q, want %q", c.name, got, c.want)
		}
	}
	// A name shared by subtests fails when any of them fails.
	dup := Result{Status: OK, Subtests: []Subtest{{Name: "d", Status: PASS}, {Name: "d", Status: "FAIL"}}}
	if ms := Compare(Expectation{Fail: map[string]string{"d": "r"}}, dup); len(ms) != 0 {
		t.Errorf("duplicate names: got %v, want no mismatch", ms)
	}
	if ms := Compare(Expectation{Harness: "r"}, Result{Status: TIMEOUT}); len(ms) != 0 {
		t.Errorf("expected timeout: got %v", ms)
	}
}

func TestUpdateKeepsReasons(t *testing.T) {
	old := Expectation{Fail: map[string]string{"b": "known bug", "fixed": "was broken"}}
	res := Result{Test: Test{File: "x/t.any.js"}, Status: TIMEOUT, Subtests: []Subtest{
		{Name: "a", Status: PASS},
		{Name: "b", Status: "FAIL"},
		{Name: "n", Status: "FAIL", Message: msg("ReferenceError: ReadableStream is not defined")},
		{Name: "late", Status: "NOTRUN"},
	}}
	got := Update(old, res)
	want := Expectation{
		Harness: "TODO: triage",
		Fail: map[string]string{
			"b":    "known bug",
			"n":    "not implemented: ReadableStream",
			"late": "TODO: triage",
		},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v, want %+v", got, want)
	}
	if u := Update(old, Result{Status: OK, Subtests: []Subtest{{Name: "b", Status: PASS}}}); !u.Pass() {
		t.Errorf("all passing: got %+v, want pass", u)
	}
}

func TestExpectationJSON(t *testing.T) {
	in := `{"a": "pass", "b": {"fail": {"x": "why"}}, "c": {"skip": "slow"}, "d": {"harness": "h"}}`
	var m map[string]Expectation
	if err := json.Unmarshal([]byte(in), &m); err != nil {
		t.Fatal(err)
	}
	if !m["a"].Pass() || m["b"].Fail["x"] != "why" || m["c"].Skip != "slow" || m["d"].Harness != "h" {
		t.Errorf("decoded %+v", m)
	}
	out, err := marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	var back map[string]Expectation
	if err := json.Unmarshal(out, &back); err != nil || !reflect.DeepEqual(back, m) {
		t.Errorf("round trip: got %+v (%v), want %+v", back, err, m)
	}
	for _, bad := range []string{`"fail"`, `{"fails": {}}`} {
		var e Expectation
		if err := json.Unmarshal([]byte(bad), &e); err == nil {
			t.Errorf("%s: got no error", bad)
		}
	}
}

func TestTriage(t *testing.T) {
	for _, c := range []struct{ id, msg, want string }{
		{"x.any.js", "FAIL: ReferenceError: CompressionStream is not defined", "not implemented: CompressionStream"},
		{"x.any.js", `promise_test: Unhandled rejection with value: object "TypeError: wpt: GET http://web-platform.test:8000/x.py needs the WPT server, which this runner does not run"`, "needs WPT server"},
		{"x.any.js", "assert_true: Browser does not support WebSocket expected true got false", "not implemented: WebSocket"},
		{"WebCryptoAPI/x_Ed448.any.js", "anything", "not implemented: Ed448/X448 in crypto.subtle"},
		{"x.any.js", "self[type] is not a constructor (Float16Array)", "V8 10.2: no Float16Array"},
		{"x.any.js", "Error.isError is not a function", "V8 10.2: no Error.isError"},
		{"x.any.js", "URLPattern.compareComponent is not a function", "not implemented: URLPattern.compareComponent()"},
		{"x.any.js", "assert_equals: expected 1 but got 2", "TODO: triage"},
	} {
		if got := Triage(c.id, "", c.msg); got != c.want {
			t.Errorf("Triage(%q, %q) = %q, want %q", c.id, c.msg, got, c.want)
		}
	}
}

func TestGroup(t *testing.T) {
	for _, c := range []struct{ id, want string }{
		{"fetch/api/basic/x.any.js", "fetch/api/basic"},
		{"url/x.any.js?a", "url"},
		{"other/deep/x.any.js", "other"},
	} {
		if got := Group(c.id, Dirs); got != c.want {
			t.Errorf("Group(%q) = %q, want %q", c.id, got, c.want)
		}
	}
}

func TestTriageMore(t *testing.T) {
	for _, c := range []struct{ name, msg, want string }{
		{"Invalid destination: Float16Array", "self[type] is not a constructor", "V8 10.2: no Float16Array"},
		{"x", `object "TypeError: not implemented: ReadableStream.pipeTo() (streams land later)"`, "not implemented: ReadableStream.pipeTo()"},
		{"x", `TypeError: Failed to execute 'formData' on 'Request': not implemented: FormData (lands in a later issue)`, "not implemented: FormData"},
	} {
		if got := Triage("x.any.js", c.name, c.msg); got != c.want {
			t.Errorf("Triage(%q, %q) = %q, want %q", c.name, c.msg, got, c.want)
		}
	}
}
