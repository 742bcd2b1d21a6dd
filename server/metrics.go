package server

import (
	"fmt"
	"io"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"doorstep/sync/client/api"
)

// latencyBuckets are the upper bounds (seconds) of the request latency
// histogram.
var latencyBuckets = []float64{0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10}

// Metrics counts what the server does and writes it in the Prometheus text
// exposition format (version 0.0.4). It is safe for concurrent use; the zero
// value is ready.
type Metrics struct {
	Pushes     atomic.Int64 // acknowledged pushes (replays included)
	Pulls      atomic.Int64 // pull pages served
	ChangesIn  atomic.Int64 // column changes stored by pushes
	ChangesOut atomic.Int64 // column changes sent in pull pages
	Conflicts  atomic.Int64 // conflict records created at ingest
	Enrolls    atomic.Int64 // devices enrolled
	BlobBytes  atomic.Int64 // blob bytes received
	Flagged    atomic.Int64 // evidence verdicts flagged after a push or upload

	mu       sync.Mutex
	rejected map[api.Code]int64
	latency  map[string]*histogram
}

type histogram struct {
	counts []int64 // one per bucket, not cumulative
	sum    float64
	count  int64
}

// Reject counts a request refused with code.
func (m *Metrics) Reject(code api.Code) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.rejected == nil {
		m.rejected = map[api.Code]int64{}
	}
	m.rejected[code]++
}

// Observe records how long a request to endpoint took.
func (m *Metrics) Observe(endpoint string, d time.Duration) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.latency == nil {
		m.latency = map[string]*histogram{}
	}
	h := m.latency[endpoint]
	if h == nil {
		h = &histogram{counts: make([]int64, len(latencyBuckets))}
		m.latency[endpoint] = h
	}
	s := d.Seconds()
	for i, le := range latencyBuckets {
		if s <= le {
			h.counts[i]++
			break
		}
	}
	h.sum += s
	h.count++
}

// Rejected returns how many requests were refused with code.
func (m *Metrics) Rejected(code api.Code) int64 {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.rejected[code]
}

// WriteTo writes every metric in the Prometheus text format. gauges are
// extra values sampled at scrape time (name → value), written as gauges.
func (m *Metrics) WriteTo(w io.Writer, gauges map[string]float64) error {
	p := &promWriter{w: w}
	counter := func(name, help string, v int64) {
		p.printf("# HELP %s %s\n# TYPE %s counter\n%s %d\n", name, help, name, name, v)
	}
	counter("doorstep_pushes_total", "Pushes acknowledged, replays included.", m.Pushes.Load())
	counter("doorstep_pulls_total", "Pull pages served.", m.Pulls.Load())
	counter("doorstep_changes_in_total", "Column changes stored from pushes.", m.ChangesIn.Load())
	counter("doorstep_changes_out_total", "Column changes sent in pull pages.", m.ChangesOut.Load())
	counter("doorstep_conflicts_total", "Conflict records created at ingest.", m.Conflicts.Load())
	counter("doorstep_enrollments_total", "Devices enrolled.", m.Enrolls.Load())
	counter("doorstep_blob_bytes_total", "Blob bytes received.", m.BlobBytes.Load())
	counter("doorstep_evidence_flagged_total", "Evidence verdicts flagged after pushes and uploads.", m.Flagged.Load())

	m.mu.Lock()
	defer m.mu.Unlock()
	p.printf("# HELP doorstep_rejected_requests_total Requests refused, by error code.\n# TYPE doorstep_rejected_requests_total counter\n")
	for _, c := range api.Codes() {
		p.printf("doorstep_rejected_requests_total{code=%q} %d\n", string(c), m.rejected[c])
	}
	p.printf("# HELP doorstep_request_duration_seconds Request latency by endpoint.\n# TYPE doorstep_request_duration_seconds histogram\n")
	endpoints := make([]string, 0, len(m.latency))
	for e := range m.latency {
		endpoints = append(endpoints, e)
	}
	sort.Strings(endpoints)
	for _, e := range endpoints {
		h := m.latency[e]
		var cum int64
		for i, le := range latencyBuckets {
			cum += h.counts[i]
			p.printf("doorstep_request_duration_seconds_bucket{endpoint=%q,le=\"%g\"} %d\n", e, le, cum)
		}
		p.printf("doorstep_request_duration_seconds_bucket{endpoint=%q,le=\"+Inf\"} %d\n", e, h.count)
		p.printf("doorstep_request_duration_seconds_sum{endpoint=%q} %g\n", e, h.sum)
		p.printf("doorstep_request_duration_seconds_count{endpoint=%q} %d\n", e, h.count)
	}
	names := make([]string, 0, len(gauges))
	for n := range gauges {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		p.printf("# TYPE %s gauge\n%s %g\n", n, n, gauges[n])
	}
	return p.err
}

// promWriter keeps the first write error so WriteTo stays readable.
type promWriter struct {
	w   io.Writer
	err error
}

func (p *promWriter) printf(format string, args ...any) {
	if p.err == nil {
		_, p.err = fmt.Fprintf(p.w, format, args...)
	}
}
