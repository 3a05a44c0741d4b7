package server

import (
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	goruntime "runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/edged-dev/edged/runtime"
)

// TestDensity measures resident memory per idle worker with 1, 100 and 1,000
// distinct workers loaded, each in a fresh process (a child run of this test):
//
//	EDGED_DENSITY=1,100,1000 go test -run TestDensity -v -timeout 20m ./server
//
// The host runs with its default isolate policy (memory budget, idle timeout). Each
// worker serves one request, then the workers sit idle (the budget keeps the most
// recently used isolates); the child then evicts every idle isolate
// (runtime.SetIsolateLimit) and measures again. A CPU profile of the loading:
//
//	EDGED_DENSITY_CHILD=1000 go test -run '^TestDensity$' -cpuprofile cpu.out ./server
func TestDensity(t *testing.T) {
	if n := os.Getenv("EDGED_DENSITY_CHILD"); n != "" {
		densityChild(t, n)
		return
	}
	spec := os.Getenv("EDGED_DENSITY")
	if spec == "" {
		t.Skip("set EDGED_DENSITY=1,100,1000 to measure")
	}
	t.Logf("%6s %12s %12s %14s %12s %14s %12s", "workers", "load_s", "rss_MB", "MB/worker", "evicted_MB", "MB/worker_ev", "go_heap_MB")
	for _, n := range strings.Split(spec, ",") {
		cmd := exec.Command(os.Args[0], "-test.run", "^TestDensity$", "-test.v", "-test.timeout", "20m")
		cmd.Env = append(os.Environ(), "EDGED_DENSITY_CHILD="+n)
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("child %s: %v\n%s", n, err, out)
		}
		line := ""
		for _, l := range strings.Split(string(out), "\n") {
			if i := strings.Index(l, "DENSITY "); i >= 0 {
				line = l[i+len("DENSITY "):]
			}
		}
		if line == "" {
			t.Fatalf("child %s printed no result:\n%s", n, out)
		}
		t.Log(line)
	}
}

func densityChild(t *testing.T, spec string) {
	n, err := strconv.Atoi(spec)
	if err != nil || n < 1 {
		t.Fatalf("bad N %q", spec)
	}
	dir := t.TempDir()
	var toml strings.Builder
	toml.WriteString("[server]\nlisten = [\"127.0.0.1:0\"]\n")
	for i := 0; i < n; i++ {
		name := fmt.Sprintf("w%d", i)
		src := fmt.Sprintf("const ID = %d;\nexport default { fetch(req, env) { return new Response(\"worker \" + ID + \" \" + env.NAME); } };\n", i)
		if err := os.WriteFile(filepath.Join(dir, name+".js"), []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&toml, "[[workers]]\nname = %q\npath = %q\ncompatibility_date = \"2025-01-01\"\nvars = { NAME = %q }\n[[routes]]\npattern = \"%s.test/*\"\nworker = %q\n", name, name+".js", name, name, name)
	}
	f := &fixture{t: t, dir: dir, log: &syncBuffer{}}
	if err := os.WriteFile(filepath.Join(dir, "edged.toml"), []byte(toml.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	base := residentBytes()
	start := time.Now()
	h := f.start(HostOptions{Logger: slog.New(slog.NewJSONHandler(io.Discard, nil))})
	load := time.Since(start)
	hc := &http.Client{Transport: &http.Transport{DialContext: dialTo(h.Addrs().HTTP[0])}}
	for i := 0; i < n; i++ {
		resp, err := hc.Get(fmt.Sprintf("http://w%d.test/", i))
		if got, want := body(t, resp, err), fmt.Sprintf("worker %d w%d", i, i); got != want {
			t.Fatalf("got %q, want %q", got, want)
		}
	}
	settle := func() int64 {
		time.Sleep(time.Second)
		goruntime.GC()
		debug.FreeOSMemory()
		time.Sleep(200 * time.Millisecond)
		return residentBytes()
	}
	rss := settle()
	t.Logf("%d isolates live for %d workers (%.1f MB of V8 heap)", runtime.LiveIsolates(), n, float64(runtime.LiveIsolateBytes())/(1<<20))
	runtime.SetIsolateLimit(1)
	deadline := time.Now().Add(30 * time.Second)
	for runtime.LiveIsolates() > 1 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	time.Sleep(time.Second) // the janitor trims malloc's arenas after evictions
	evicted := settle()
	runtime.SetIsolateLimit(0)
	var ms goruntime.MemStats
	goruntime.ReadMemStats(&ms)
	mb := func(b int64) float64 { return float64(b) / (1 << 20) }
	fmt.Printf("DENSITY %6d %12.2f %12.1f %14.2f %12.1f %14.2f %12.1f\n", n, load.Seconds(), mb(rss), mb(rss-base)/float64(n), mb(evicted), mb(evicted-base)/float64(n), mb(int64(ms.HeapInuse)))
}
