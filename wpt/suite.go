package wpt

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"sync"
	"text/tabwriter"
)

// Dirs are the folders of the suite that edged runs by default: the web platform
// APIs a Workers-style runtime offers.
var Dirs = []string{
	"url",
	"urlpattern",
	"encoding",
	"streams",
	"compression",
	"fetch/api/basic",
	"fetch/api/body",
	"fetch/api/headers",
	"fetch/api/request",
	"fetch/api/response",
	"fetch/data-urls",
	"FileAPI/blob",
	"FileAPI/file",
	"xhr/formdata",
	"dom/events",
	"dom/abort",
	"WebCryptoAPI",
	"html/webappapis/atob",
	"html/webappapis/structured-clone",
	"html/webappapis/timers",
	"html/webappapis/microtask-queuing",
	"hr-time",
	"console",
	"webidl/ecmascript-binding",
	"webidl/idlharness.any.js",
	"webmessaging",
	"websockets",
}

// Group names the folder a test is counted under in summaries: the longest of dirs
// that holds it, else its top-level folder.
func Group(id string, dirs []string) string {
	best := ""
	for _, d := range dirs {
		d = strings.Trim(d, "/")
		if (strings.HasPrefix(id, d+"/") || id == d) && len(d) > len(best) {
			best = d
		}
	}
	if best == "" {
		best, _, _ = strings.Cut(id, "/")
	}
	return best
}

// Outcome is a test's result judged against its expectation.
type Outcome struct {
	Result
	Expected   Expectation
	Known      bool // an expectation exists
	Skipped    bool // the expectation says skip: Result is empty
	Mismatches []Mismatch
}

// OK reports whether the test did what its expectation says.
func (o Outcome) OK() bool { return o.Skipped || (o.Known && len(o.Mismatches) == 0) }

// RunAll runs tests on jobs goroutines, skipping those whose expectation says so,
// and calls each (from one goroutine at a time, in the order of tests) with every
// outcome.
func RunAll(r *Runner, tests []Test, exp Expectations, jobs int, each func(Outcome)) []Outcome {
	if jobs < 1 {
		jobs = 1
	}
	outs := make([]Outcome, len(tests))
	ready := make([]bool, len(tests))
	var mu sync.Mutex
	next := 0
	emit := func(i int, o Outcome) {
		mu.Lock()
		defer mu.Unlock()
		outs[i], ready[i] = o, true
		for next < len(tests) && ready[next] {
			if each != nil {
				each(outs[next])
			}
			next++
		}
	}
	work := make(chan int)
	var wg sync.WaitGroup
	for w := 0; w < jobs; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range work {
				emit(i, judge(r, tests[i], exp))
			}
		}()
	}
	for i := range tests {
		work <- i
	}
	close(work)
	wg.Wait()
	return outs
}

func judge(r *Runner, t Test, exp Expectations) Outcome {
	e, known := exp[t.ID()]
	o := Outcome{Expected: e, Known: known}
	if known && e.Skip != "" {
		o.Test = t
		o.Skipped = true
		return o
	}
	o.Result = r.Run(t)
	o.Mismatches = Compare(e, o.Result)
	return o
}

// Line is the one-line summary of an outcome.
func (o Outcome) Line() string {
	switch {
	case o.Skipped:
		return fmt.Sprintf("SKIP %s (%s)", o.Test.ID(), o.Expected.Skip)
	case !o.Known:
		return fmt.Sprintf("NEW  %s %s %d/%d %s (no expectation: run with -update)", o.Test.ID(), o.Status, o.Passed(), len(o.Subtests), o.Duration.Round(millisecond))
	}
	verdict := "ok  "
	if !o.OK() {
		verdict = "FAIL"
	}
	s := fmt.Sprintf("%s %s %s %d/%d %s", verdict, o.Test.ID(), o.Status, o.Passed(), len(o.Subtests), o.Duration.Round(millisecond))
	return s
}

// Tally counts subtests and files of a group.
type Tally struct {
	Files, FilesOK, Skipped, Unexpected int
	Passed, Total                       int
}

func (t *Tally) add(o Outcome) {
	t.Files++
	if o.Skipped {
		t.Skipped++
		return
	}
	if o.Status == OK && o.Passed() == len(o.Subtests) {
		t.FilesOK++
	}
	if !o.OK() {
		t.Unexpected++
	}
	t.Passed += o.Passed()
	t.Total += len(o.Subtests)
}

// Summarize tallies outcomes by group and in total.
func Summarize(outs []Outcome, dirs []string) (map[string]*Tally, *Tally) {
	groups := map[string]*Tally{}
	total := &Tally{}
	for _, o := range outs {
		g := Group(o.Test.ID(), dirs)
		if groups[g] == nil {
			groups[g] = &Tally{}
		}
		groups[g].add(o)
		total.add(o)
	}
	return groups, total
}

// WriteSummary prints the table of pass rates per group and in total.
func WriteSummary(w io.Writer, outs []Outcome, dirs []string) {
	groups, total := Summarize(outs, dirs)
	names := make([]string, 0, len(groups))
	for g := range groups {
		names = append(names, g)
	}
	sort.Strings(names)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "directory\tfiles\tall pass\tskipped\tsubtests passed\ttotal\trate\tunexpected\t")
	row := func(name string, t *Tally) {
		rate := "-"
		if t.Total > 0 {
			rate = fmt.Sprintf("%.1f%%", 100*float64(t.Passed)/float64(t.Total))
		}
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%d\t%d\t%s\t%d\t\n", name, t.Files, t.FilesOK, t.Skipped, t.Passed, t.Total, rate, t.Unexpected)
	}
	for _, g := range names {
		row(g, groups[g])
	}
	row("total", total)
	tw.Flush()
}
