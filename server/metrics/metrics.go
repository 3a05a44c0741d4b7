// Package metrics has lock-free counters and histograms and a writer for the
// Prometheus text exposition format (version 0.0.4), written by hand so that
// edged carries no client library.
package metrics

import (
	"bufio"
	"io"
	"math"
	"sort"
	"strconv"
	"strings"
	"sync/atomic"
)

// ContentType is the media type of the text format.
const ContentType = "text/plain; version=0.0.4; charset=utf-8"

// Histogram counts observations in fixed buckets. Observe is safe for concurrent
// use and does not allocate.
type Histogram struct {
	bounds []float64 // upper bounds, ascending; +Inf is implicit
	counts []atomic.Uint64
	count  atomic.Uint64
	sum    atomic.Uint64 // float64 bits
}

// NewHistogram makes a histogram with the given ascending upper bounds.
func NewHistogram(bounds []float64) *Histogram {
	b := append([]float64(nil), bounds...)
	sort.Float64s(b)
	return &Histogram{bounds: b, counts: make([]atomic.Uint64, len(b))}
}

// LatencyBuckets suit request durations in seconds, from 0.5 ms to 30 s.
var LatencyBuckets = []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30}

// Observe records v.
func (h *Histogram) Observe(v float64) {
	for i, b := range h.bounds {
		if v <= b {
			h.counts[i].Add(1)
			break
		}
	}
	h.count.Add(1)
	for {
		old := h.sum.Load()
		if h.sum.CompareAndSwap(old, math.Float64bits(math.Float64frombits(old)+v)) {
			return
		}
	}
}

// Snapshot is a histogram's state: cumulative counts per bound, then the total.
type Snapshot struct {
	Bounds     []float64
	Cumulative []uint64
	Count      uint64
	Sum        float64
}

// Snapshot reads the histogram. Concurrent observations may be half-counted, but
// the bucket counts never exceed Count.
func (h *Histogram) Snapshot() Snapshot {
	s := Snapshot{Bounds: h.bounds, Cumulative: make([]uint64, len(h.bounds))}
	s.Sum = math.Float64frombits(h.sum.Load())
	var c uint64
	for i := range h.counts {
		c += h.counts[i].Load()
		s.Cumulative[i] = c
	}
	s.Count = h.count.Load()
	if s.Count < c {
		s.Count = c
	}
	return s
}

// Add merges o into s (same bounds).
func (s *Snapshot) Add(o Snapshot) {
	if s.Bounds == nil {
		s.Bounds = o.Bounds
		s.Cumulative = make([]uint64, len(o.Bounds))
	}
	for i := range s.Cumulative {
		if i < len(o.Cumulative) {
			s.Cumulative[i] += o.Cumulative[i]
		}
	}
	s.Count += o.Count
	s.Sum += o.Sum
}

// Writer writes metric families in the text format. Write a family's header with
// Family, then its samples.
type Writer struct {
	w   *bufio.Writer
	err error
}

// NewWriter writes to w; call Flush at the end.
func NewWriter(w io.Writer) *Writer { return &Writer{w: bufio.NewWriter(w)} }

// Flush writes buffered output and returns the first error.
func (w *Writer) Flush() error {
	if err := w.w.Flush(); w.err == nil {
		w.err = err
	}
	return w.err
}

// Family writes the HELP and TYPE lines; typ is counter, gauge or histogram.
func (w *Writer) Family(name, help, typ string) {
	w.str("# HELP ")
	w.str(name)
	w.str(" ")
	w.str(escapeHelp(help))
	w.str("\n# TYPE ")
	w.str(name)
	w.str(" ")
	w.str(typ)
	w.str("\n")
}

// Sample writes one sample; labels are name, value pairs.
func (w *Writer) Sample(name string, value float64, labels ...string) {
	w.str(name)
	w.labels(labels, "", "")
	w.str(" ")
	w.str(formatFloat(value))
	w.str("\n")
}

// Histogram writes the _bucket, _sum and _count samples of s.
func (w *Writer) Histogram(name string, s Snapshot, labels ...string) {
	for i, b := range s.Bounds {
		w.str(name)
		w.str("_bucket")
		w.labels(labels, "le", formatFloat(b))
		w.str(" ")
		w.str(strconv.FormatUint(s.Cumulative[i], 10))
		w.str("\n")
	}
	w.str(name)
	w.str("_bucket")
	w.labels(labels, "le", "+Inf")
	w.str(" ")
	w.str(strconv.FormatUint(s.Count, 10))
	w.str("\n")
	w.str(name)
	w.str("_sum")
	w.labels(labels, "", "")
	w.str(" ")
	w.str(formatFloat(s.Sum))
	w.str("\n")
	w.str(name)
	w.str("_count")
	w.labels(labels, "", "")
	w.str(" ")
	w.str(strconv.FormatUint(s.Count, 10))
	w.str("\n")
}

func (w *Writer) labels(pairs []string, extraName, extraValue string) {
	if len(pairs) == 0 && extraName == "" {
		return
	}
	w.str("{")
	sep := ""
	for i := 0; i+1 < len(pairs); i += 2 {
		w.str(sep)
		w.str(pairs[i])
		w.str(`="`)
		w.str(escapeLabel(pairs[i+1]))
		w.str(`"`)
		sep = ","
	}
	if extraName != "" {
		w.str(sep)
		w.str(extraName)
		w.str(`="`)
		w.str(extraValue)
		w.str(`"`)
	}
	w.str("}")
}

func (w *Writer) str(s string) {
	if w.err != nil {
		return
	}
	_, w.err = w.w.WriteString(s)
}

func formatFloat(f float64) string {
	switch {
	case math.IsInf(f, 1):
		return "+Inf"
	case math.IsInf(f, -1):
		return "-Inf"
	case math.IsNaN(f):
		return "NaN"
	}
	return strconv.FormatFloat(f, 'g', -1, 64)
}

var (
	labelEscaper = strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`)
	helpEscaper  = strings.NewReplacer(`\`, `\\`, "\n", `\n`)
)

func escapeLabel(s string) string {
	if !strings.ContainsAny(s, "\\\"\n") {
		return s
	}
	return labelEscaper.Replace(s)
}

func escapeHelp(s string) string {
	if !strings.ContainsAny(s, "\\\n") {
		return s
	}
	return helpEscaper.Replace(s)
}
