package server

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"
)

func isolatePolicyToml(server string) string {
	var b strings.Builder
	b.WriteString("[server]\nlisten = [\"127.0.0.1:0\"]\n" + server + "\n")
	for _, n := range []string{"a", "b", "c"} {
		fmt.Fprintf(&b, "[[workers]]\nname = %q\npath = \"echo.js\"\ncompatibility_date = \"2025-01-01\"\nvars = { NAME = %q }\n[[routes]]\npattern = \"%s.test/*\"\nworker = %q\n", n, n, n, n)
	}
	return b.String()
}

// edged.toml's isolate_idle and isolate_memory_mb reach the runtime, a reload
// changes them, and a worker whose isolate was evicted still answers.
func TestIsolatePolicyFromConfig(t *testing.T) {
	f := newFixture(t)
	f.write("echo.js", echoWorker)
	f.write("edged.toml", isolatePolicyToml(`isolate_idle = "200ms"`))
	h := f.start(HostOptions{})
	hc := &http.Client{Transport: &http.Transport{DialContext: dialTo(h.Addrs().HTTP[0])}, Timeout: 10 * time.Second}
	workers := []string{"a", "b", "c"}
	get := func() {
		t.Helper()
		for _, n := range workers {
			resp, err := hc.Get("http://" + n + ".test/x")
			if got := body(t, resp, err); got != n+" /x" {
				t.Fatalf("%s: got %q", n, got)
			}
		}
	}
	stats := func(n string) (isolates int, evicted int64) {
		s := h.gen.Load().workers[n].w.Stats()
		return s.Isolates, s.IsolatesEvicted
	}
	waitEvicted := func(what string) {
		t.Helper()
		deadline := time.Now().Add(5 * time.Second)
		for _, n := range workers {
			for {
				if i, _ := stats(n); i == 0 {
					break
				}
				if time.Now().After(deadline) {
					t.Fatalf("%s: worker %s still has an isolate after 5 s", what, n)
				}
				time.Sleep(20 * time.Millisecond)
			}
		}
	}
	get()
	waitEvicted("isolate_idle = 200ms")
	get() // back from a spare or the snapshot

	// A budget of 1 MB holds no isolate once it is idle; every request still answers.
	f.write("edged.toml", isolatePolicyToml(`isolate_idle = "0s"`+"\nisolate_memory_mb = 1"))
	if res, err := h.Reload(); err != nil || len(res.Unchanged) != 3 {
		t.Fatalf("reload: %v, %v (the workers themselves did not change)", res, err)
	}
	get()
	waitEvicted("isolate_memory_mb = 1")
	for i := 0; i < 3; i++ {
		get()
	}
	_, before := stats("a")

	// No budget and no idle timeout: the isolates stay.
	f.write("edged.toml", isolatePolicyToml(`isolate_idle = "0s"`+"\nisolate_memory_mb = 0"))
	if _, err := h.Reload(); err != nil {
		t.Fatal(err)
	}
	get()
	time.Sleep(1500 * time.Millisecond) // the janitor looks once a second
	for _, n := range workers {
		if i, _ := stats(n); i != 1 {
			t.Errorf("worker %s has %d isolates with no budget and no idle timeout, want 1", n, i)
		}
	}
	if _, after := stats("a"); after != before {
		t.Errorf("a: %d isolates evicted with no budget and no idle timeout", after-before)
	}
}

// HostOptions (the command-line flags) override edged.toml.
func TestIsolatePolicyOptionsOverrideConfig(t *testing.T) {
	f := newFixture(t)
	f.write("echo.js", echoWorker)
	f.write("edged.toml", isolatePolicyToml(`isolate_idle = "100ms"`+"\nisolate_memory_mb = 1"))
	h := f.start(HostOptions{IsolateIdleTimeout: -1, IsolateMemory: -1})
	hc := &http.Client{Transport: &http.Transport{DialContext: dialTo(h.Addrs().HTTP[0])}, Timeout: 10 * time.Second}
	resp, err := hc.Get("http://a.test/")
	if got := body(t, resp, err); got != "a /" {
		t.Fatalf("got %q", got)
	}
	time.Sleep(1500 * time.Millisecond)
	if s := h.gen.Load().workers["a"].w.Stats(); s.Isolates != 1 || s.IsolatesEvicted != 0 {
		t.Fatalf("got %+v, want the isolate kept (the options say no budget, no idle timeout)", s)
	}
}
