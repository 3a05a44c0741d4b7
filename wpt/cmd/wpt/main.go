// Command wpt runs Web Platform Tests in edged and compares the results with the
// expectations in wpt/expectations (see wpt/README.md).
//
//	go run ./wpt/cmd/wpt -dir $WPT_DIR [-update] [-report out.json] [-v] [paths...]
//
// Paths are folders or files of the suite; none means the default set (wpt.Dirs).
// It exits 1 when a test did something its expectation does not say.
package main

import (
	"flag"
	"fmt"
	"os"
	goruntime "runtime"
	"sort"
	"strings"
	"time"

	"github.com/edged-dev/edged/wpt"
)

func main() {
	dir := flag.String("dir", os.Getenv("WPT_DIR"), "root of the WPT checkout (default $WPT_DIR)")
	expDir := flag.String("expectations", "wpt/expectations", "folder of the expectation files")
	update := flag.Bool("update", false, "rewrite the expectations of the tests run from their results (existing reasons are kept)")
	report := flag.String("report", "", "write a wptreport JSON file")
	results := flag.String("results", "", "judge the results of this wptreport instead of running the tests (with -update: rewrite the expectations from it)")
	jobs := flag.Int("j", goruntime.NumCPU(), "tests run at once (many are CPU-bound: more than the CPUs can make them time out)")
	verbose := flag.Bool("v", false, "print every subtest that did not pass, and the console output of failing tests")
	timeout := flag.Duration("timeout", 10*time.Second, "timeout of a test")
	longTimeout := flag.Duration("timeout-long", 60*time.Second, "timeout of a test with META timeout=long")
	flag.Usage = func() {
		fmt.Fprintf(os.Stderr, "usage: wpt -dir WPT_DIR [flags] [paths...]\n\n")
		flag.PrintDefaults()
	}
	flag.Parse()
	if *dir == "" {
		fmt.Fprintln(os.Stderr, "wpt: no suite: pass -dir or set WPT_DIR to a WPT checkout (see wpt/README.md)")
		os.Exit(2)
	}
	if err := run(*dir, *expDir, *update, *report, *results, *jobs, *verbose, wpt.Timeouts{Normal: *timeout, Long: *longTimeout}, flag.Args()); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func run(dir, expDir string, update bool, report, results string, jobs int, verbose bool, to wpt.Timeouts, paths []string) error {
	r, err := wpt.NewRunner(dir)
	if err != nil {
		return err
	}
	r.Timeouts = to
	dirs := wpt.Dirs
	if len(paths) > 0 {
		dirs = paths
	}
	found, err := wpt.Discover(dir, dirs)
	if err != nil {
		return err
	}
	var tests []wpt.Test
	notRunnable := 0
	for _, t := range found {
		if t.Runnable() {
			tests = append(tests, t)
		} else {
			notRunnable++
		}
	}
	exp, err := wpt.LoadExpectations(expDir)
	if err != nil {
		return err
	}
	fmt.Printf("wpt: %d tests from %s (%d files for other globals left out)\n", len(tests), dir, notRunnable)
	start := time.Now()
	each := func(o wpt.Outcome) {
		fmt.Println(o.Line())
		for _, m := range o.Mismatches {
			fmt.Printf("       %s\n", m)
		}
		if verbose && !o.Skipped {
			if o.Status != wpt.OK {
				fmt.Printf("       harness %s: %s\n", o.Status, o.Message)
			}
			for _, s := range o.Subtests {
				if s.Status != wpt.PASS {
					msg := ""
					if s.Message != nil {
						msg = *s.Message
					}
					fmt.Printf("       %s %q: %s\n", s.Status, s.Name, msg)
				}
			}
			if !o.OK() && o.Console != "" {
				fmt.Printf("       console:\n%s", indent(o.Console, "         "))
			}
		}
	}
	var outs []wpt.Outcome
	if results != "" {
		rep, err := wpt.LoadReport(results)
		if err != nil {
			return err
		}
		outs = rep.Outcomes(tests, exp)
		for _, o := range outs {
			each(o)
		}
	} else {
		outs = wpt.RunAll(r, tests, exp, jobs, each)
	}
	end := time.Now()
	fmt.Println()
	wpt.WriteSummary(os.Stdout, outs, dirs)
	fmt.Printf("\n%d tests in %s\n", len(outs), end.Sub(start).Round(time.Millisecond))

	if report != "" {
		if err := wpt.NewReport(outs, start, end).WriteFile(report); err != nil {
			return err
		}
		fmt.Printf("wrote %s\n", report)
	}
	if update {
		ran := map[string]bool{}
		for _, o := range outs {
			ran[o.Test.ID()] = true
			if !o.Skipped {
				exp[o.Test.ID()] = wpt.Update(o.Expected, o.Result)
			}
		}
		// Expectations of tests that no longer exist under the paths run go.
		for id := range exp {
			if !ran[id] && under(id, dirs) {
				delete(exp, id)
			}
		}
		if err := exp.Save(expDir); err != nil {
			return err
		}
		fmt.Printf("updated %s\n", expDir)
		return nil
	}
	var bad []string
	for _, o := range outs {
		if !o.OK() {
			bad = append(bad, o.Test.ID())
		}
	}
	if len(bad) > 0 {
		sort.Strings(bad)
		return fmt.Errorf("wpt: %d tests did not do what their expectations say:\n  %s", len(bad), strings.Join(bad, "\n  "))
	}
	return nil
}

// under reports whether the test id lies under one of paths.
func under(id string, paths []string) bool {
	file, _, _ := strings.Cut(id, "?")
	file, _, _ = strings.Cut(file, "#")
	for _, p := range paths {
		p = strings.Trim(p, "/")
		if p == "." || p == "" || file == p || strings.HasPrefix(file, p+"/") {
			return true
		}
	}
	return false
}

func indent(s, prefix string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	return prefix + strings.Join(lines, "\n"+prefix) + "\n"
}
