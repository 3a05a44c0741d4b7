package server

import (
	"io"
	"os"
	goruntime "runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/edged-dev/edged/runtime"
	"github.com/edged-dev/edged/server/metrics"
)

// Reasons the front end answers a request itself.
const (
	reasonNoRoute = iota
	reasonHeaderCount
	reasonBodySize
	numReasons
)

var reasonNames = [numReasons]string{"no_route", "header_count", "body_size"}

// Limits a request can hit, by label.
const (
	limitBodySize    = "body_size"
	limitBodyTimeout = "body_timeout"
	limitWall        = "wall_time"
)

type hostMetrics struct {
	start     time.Time
	protos    [4]atomic.Uint64 // by ProtoMajor
	rejects   [numReasons]atomic.Uint64
	reloadOK  atomic.Uint64
	reloadErr atomic.Uint64

	mu      sync.Mutex
	workers map[string]*workerMetrics
}

func newHostMetrics() *hostMetrics {
	return &hostMetrics{start: time.Now(), workers: map[string]*workerMetrics{}}
}

func (m *hostMetrics) proto(major int) {
	if major >= 1 && major <= 3 {
		m.protos[major].Add(1)
	}
}

func (m *hostMetrics) rejected(reason int) { m.rejects[reason].Add(1) }

func (m *hostMetrics) reloads(ok bool) {
	if ok {
		m.reloadOK.Add(1)
	} else {
		m.reloadErr.Add(1)
	}
}

// worker returns the metrics of a worker name; they outlive its versions, so
// counters stay monotonic across deploys.
func (m *hostMetrics) worker(name string) *workerMetrics {
	m.mu.Lock()
	defer m.mu.Unlock()
	wm := m.workers[name]
	if wm == nil {
		wm = &workerMetrics{name: name, latency: metrics.NewHistogram(metrics.LatencyBuckets)}
		m.workers[name] = wm
	}
	return wm
}

// prune forgets workers that are gone from g and have no version left running.
func (m *hostMetrics) prune(g *generation) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for name, wm := range m.workers {
		wm.mu.Lock()
		idle := len(wm.versions) == 0
		wm.mu.Unlock()
		if g.workers[name] == nil && idle {
			delete(m.workers, name)
		}
	}
}

type workerMetrics struct {
	name    string
	codes   sync.Map // int → *atomic.Uint64
	latency *metrics.Histogram
	limits  sync.Map // limit label → *atomic.Uint64

	mu       sync.Mutex
	versions []*deployed   // versions not yet closed
	base     runtime.Stats // counters of closed versions
}

func (wm *workerMetrics) observe(status int, d time.Duration) {
	c, ok := wm.codes.Load(status)
	if !ok {
		c, _ = wm.codes.LoadOrStore(status, new(atomic.Uint64))
	}
	c.(*atomic.Uint64).Add(1)
	wm.latency.Observe(d.Seconds())
}

func (wm *workerMetrics) limitHit(limit string) {
	c, ok := wm.limits.Load(limit)
	if !ok {
		c, _ = wm.limits.LoadOrStore(limit, new(atomic.Uint64))
	}
	c.(*atomic.Uint64).Add(1)
}

func (wm *workerMetrics) add(d *deployed) {
	wm.mu.Lock()
	wm.versions = append(wm.versions, d)
	wm.mu.Unlock()
}

// retire folds a closed version's final counters into the base.
func (wm *workerMetrics) retire(d *deployed) {
	s := d.w.Stats()
	wm.mu.Lock()
	defer wm.mu.Unlock()
	for i, x := range wm.versions {
		if x == d {
			wm.versions = append(wm.versions[:i], wm.versions[i+1:]...)
			break
		}
	}
	wm.base.Requests += s.Requests
	wm.base.IsolatesCreated += s.IsolatesCreated
	wm.base.IsolatesEvicted += s.IsolatesEvicted
	wm.base.LimitHits += s.LimitHits
	wm.base.CPU += s.CPU
}

// stats sums the counters of every version; Isolates counts the live ones.
func (wm *workerMetrics) stats() (runtime.Stats, int) {
	wm.mu.Lock()
	s := wm.base
	vs := append([]*deployed(nil), wm.versions...)
	wm.mu.Unlock()
	for _, d := range vs {
		v := d.w.Stats()
		s.Requests += v.Requests
		s.IsolatesCreated += v.IsolatesCreated
		s.IsolatesEvicted += v.IsolatesEvicted
		s.LimitHits += v.LimitHits
		s.CPU += v.CPU
		s.Isolates += v.Isolates
	}
	return s, len(vs)
}

// writeMetrics writes every metric in the Prometheus text format.
func (h *Host) writeMetrics(out io.Writer) error {
	w := metrics.NewWriter(out)
	m := h.metrics
	m.mu.Lock()
	wms := make([]*workerMetrics, 0, len(m.workers))
	for _, wm := range m.workers {
		wms = append(wms, wm)
	}
	m.mu.Unlock()
	sort.Slice(wms, func(i, j int) bool { return wms[i].name < wms[j].name })
	g := h.gen.Load()

	w.Family("edged_requests_total", "Requests answered by a worker, by worker and HTTP status.", "counter")
	for _, wm := range wms {
		var codes []int
		counts := map[int]uint64{}
		wm.codes.Range(func(k, v any) bool {
			codes = append(codes, k.(int))
			counts[k.(int)] = v.(*atomic.Uint64).Load()
			return true
		})
		sort.Ints(codes)
		for _, c := range codes {
			w.Sample("edged_requests_total", float64(counts[c]), "worker", wm.name, "code", strconv.Itoa(c))
		}
	}
	w.Family("edged_request_duration_seconds", "Time from routing a request to the end of its response, by worker.", "histogram")
	for _, wm := range wms {
		w.Histogram("edged_request_duration_seconds", wm.latency.Snapshot(), "worker", wm.name)
	}
	type row struct {
		wm *workerMetrics
		s  runtime.Stats
		n  int
	}
	rows := make([]row, len(wms))
	for i, wm := range wms {
		s, n := wm.stats()
		rows[i] = row{wm, s, n}
	}
	w.Family("edged_worker_cpu_seconds_total", "CPU time spent running the worker's JavaScript.", "counter")
	for _, r := range rows {
		w.Sample("edged_worker_cpu_seconds_total", r.s.CPU.Seconds(), "worker", r.wm.name)
	}
	w.Family("edged_worker_isolates", "Isolates live now, by worker.", "gauge")
	for _, r := range rows {
		w.Sample("edged_worker_isolates", float64(r.s.Isolates), "worker", r.wm.name)
	}
	w.Family("edged_worker_isolates_created_total", "Isolates that loaded the worker.", "counter")
	for _, r := range rows {
		w.Sample("edged_worker_isolates_created_total", float64(r.s.IsolatesCreated), "worker", r.wm.name)
	}
	w.Family("edged_worker_isolates_evicted_total", "Isolates stopped while idle.", "counter")
	for _, r := range rows {
		w.Sample("edged_worker_isolates_evicted_total", float64(r.s.IsolatesEvicted), "worker", r.wm.name)
	}
	w.Family("edged_worker_limit_hits_total", "Requests stopped by a limit: cpu_or_memory (the isolate was discarded), body_size (413), body_timeout (408), wall_time (503).", "counter")
	for _, r := range rows {
		w.Sample("edged_worker_limit_hits_total", float64(r.s.LimitHits), "worker", r.wm.name, "limit", "cpu_or_memory")
		for _, l := range []string{limitBodySize, limitBodyTimeout, limitWall} {
			var n uint64
			if c, ok := r.wm.limits.Load(l); ok {
				n = c.(*atomic.Uint64).Load()
			}
			w.Sample("edged_worker_limit_hits_total", float64(n), "worker", r.wm.name, "limit", l)
		}
	}
	w.Family("edged_worker_versions", "Versions of the worker loaded (more than 1 while an old version drains).", "gauge")
	for _, r := range rows {
		w.Sample("edged_worker_versions", float64(r.n), "worker", r.wm.name)
	}
	w.Family("edged_worker_version", "The version number serving new requests (1 at start, +1 per changed deploy).", "gauge")
	for _, r := range rows {
		if d := g.workers[r.wm.name]; d != nil {
			w.Sample("edged_worker_version", float64(d.version), "worker", r.wm.name)
		}
	}

	w.Family("edged_http_requests_total", "Requests received, by protocol.", "counter")
	for major, proto := range []string{"", "HTTP/1.1", "HTTP/2", "HTTP/3"} {
		if major > 0 {
			w.Sample("edged_http_requests_total", float64(m.protos[major].Load()), "proto", proto)
		}
	}
	w.Family("edged_http_rejected_total", "Requests the front end answered itself, by reason.", "counter")
	for i, name := range reasonNames {
		w.Sample("edged_http_rejected_total", float64(m.rejects[i].Load()), "reason", name)
	}
	w.Family("edged_reloads_total", "Config reloads, by result.", "counter")
	w.Sample("edged_reloads_total", float64(m.reloadOK.Load()), "result", "ok")
	w.Sample("edged_reloads_total", float64(m.reloadErr.Load()), "result", "rejected")
	w.Family("edged_workers", "Workers in the running config.", "gauge")
	w.Sample("edged_workers", float64(len(g.workers)))
	w.Family("edged_isolates_live", "Isolates live in the process.", "gauge")
	w.Sample("edged_isolates_live", float64(runtime.LiveIsolates()))
	w.Family("edged_isolates_memory_bytes", "Memory of the live isolates as last read (V8 heap committed plus ArrayBuffers), the figure the isolate memory budget is checked against.", "gauge")
	w.Sample("edged_isolates_memory_bytes", float64(runtime.LiveIsolateBytes()))

	w.Family("process_resident_memory_bytes", "Resident memory size in bytes.", "gauge")
	w.Sample("process_resident_memory_bytes", float64(residentBytes()))
	w.Family("process_start_time_seconds", "Start time of the process since the Unix epoch in seconds.", "gauge")
	w.Sample("process_start_time_seconds", float64(m.start.UnixNano())/1e9)
	w.Family("go_goroutines", "Goroutines that currently exist.", "gauge")
	w.Sample("go_goroutines", float64(goruntime.NumGoroutine()))
	return w.Flush()
}

// residentBytes reads the process's resident set size (Linux); 0 elsewhere.
func residentBytes() int64 {
	b, err := os.ReadFile("/proc/self/statm")
	if err != nil {
		return 0
	}
	f := strings.Fields(string(b))
	if len(f) < 2 {
		return 0
	}
	pages, _ := strconv.ParseInt(f[1], 10, 64)
	return pages * int64(os.Getpagesize())
}
