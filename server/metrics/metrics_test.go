package metrics

import (
	"strings"
	"sync"
	"testing"
)

func TestHistogram(t *testing.T) {
	h := NewHistogram([]float64{1, 0.1, 10})
	var wg sync.WaitGroup
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for _, v := range []float64{0.05, 0.5, 5, 50} {
				h.Observe(v)
			}
		}()
	}
	wg.Wait()
	s := h.Snapshot()
	if got, want := s.Cumulative, []uint64{4, 8, 12}; !equal(got, want) {
		t.Errorf("cumulative: got %v, want %v", got, want)
	}
	if s.Count != 16 {
		t.Errorf("count: got %d, want 16", s.Count)
	}
	if s.Sum < 222.19 || s.Sum > 222.21 {
		t.Errorf("sum: got %v, want 222.2", s.Sum)
	}
	var m Snapshot
	m.Add(s)
	m.Add(s)
	if m.Count != 32 || m.Cumulative[0] != 8 {
		t.Errorf("merged: got %+v", m)
	}
}

func equal(a, b []uint64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestWriter(t *testing.T) {
	var b strings.Builder
	w := NewWriter(&b)
	w.Family("edged_requests_total", "Requests served.\nBy worker.", "counter")
	w.Sample("edged_requests_total", 3, "worker", `a"b\c`+"\n", "code", "200")
	w.Sample("edged_up", 1)
	h := NewHistogram([]float64{0.5})
	h.Observe(0.25)
	h.Observe(2)
	w.Family("edged_latency_seconds", "Latency.", "histogram")
	w.Histogram("edged_latency_seconds", h.Snapshot(), "worker", "a")
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	want := `# HELP edged_requests_total Requests served.\nBy worker.
# TYPE edged_requests_total counter
edged_requests_total{worker="a\"b\\c\n",code="200"} 3
edged_up 1
# HELP edged_latency_seconds Latency.
# TYPE edged_latency_seconds histogram
edged_latency_seconds_bucket{worker="a",le="0.5"} 1
edged_latency_seconds_bucket{worker="a",le="+Inf"} 2
edged_latency_seconds_sum{worker="a"} 2.25
edged_latency_seconds_count{worker="a"} 2
`
	if got := b.String(); got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
}

func BenchmarkObserve(b *testing.B) {
	h := NewHistogram(LatencyBuckets)
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			h.Observe(0.003)
		}
	})
}
