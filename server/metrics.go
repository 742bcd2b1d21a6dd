package server

import (
	"fmt"
	"io"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/common/expfmt"

	"doorstep/sync/client/api"
)

// latencyBuckets are the upper bounds (seconds) of the request latency
// histogram.
var latencyBuckets = []float64{0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10}

// Metrics counts what the server does and writes it in the Prometheus text
// exposition format through github.com/prometheus/client_golang, with the
// process's own metrics (CPU, memory, file descriptors) and the Go
// runtime's, which an operator of several processes compares across
// them. It is safe for concurrent use; the zero value is ready.
type Metrics struct {
	Pushes     atomic.Int64 // acknowledged pushes (replays included)
	Pulls      atomic.Int64 // pull pages served
	ChangesIn  atomic.Int64 // column changes stored by pushes
	ChangesOut atomic.Int64 // column changes sent in pull pages
	Conflicts  atomic.Int64 // conflict records created at ingest
	Enrolls    atomic.Int64 // devices enrolled
	BlobBytes  atomic.Int64 // blob bytes received
	Flagged    atomic.Int64 // evidence verdicts flagged after a push or upload
	// VerifyFailures counts changed rows whose evidence could not be
	// verified (logged, and skipped by the follower).
	VerifyFailures atomic.Int64

	mu       sync.Mutex
	rejected map[api.Code]int64
	once     sync.Once
	latency  *prometheus.HistogramVec
}

func (m *Metrics) init() {
	m.once.Do(func() {
		m.latency = prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "doorstep_request_duration_seconds", Help: "Request latency by endpoint.", Buckets: latencyBuckets,
		}, []string{"endpoint"})
	})
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
	m.init()
	m.latency.WithLabelValues(endpoint).Observe(d.Seconds())
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
	m.init()
	reg := prometheus.NewRegistry()
	reg.MustRegister(m.latency, counters{m}, collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	for name, v := range gauges {
		reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: name, Help: "Sampled at scrape time."},
			func() float64 { return v }))
	}
	mfs, err := reg.Gather()
	if err != nil {
		return fmt.Errorf("metrics: %w", err)
	}
	enc := expfmt.NewEncoder(w, expfmt.NewFormat(expfmt.TypeTextPlain))
	for _, mf := range mfs {
		if err := enc.Encode(mf); err != nil {
			return fmt.Errorf("metrics: %w", err)
		}
	}
	return nil
}

// counters exports Metrics' counters, read at scrape time.
type counters struct{ m *Metrics }

var counterDescs = []struct {
	desc *prometheus.Desc
	get  func(m *Metrics) int64
}{
	{prometheus.NewDesc("doorstep_pushes_total", "Pushes acknowledged, replays included.", nil, nil), func(m *Metrics) int64 { return m.Pushes.Load() }},
	{prometheus.NewDesc("doorstep_pulls_total", "Pull pages served.", nil, nil), func(m *Metrics) int64 { return m.Pulls.Load() }},
	{prometheus.NewDesc("doorstep_changes_in_total", "Column changes stored from pushes.", nil, nil), func(m *Metrics) int64 { return m.ChangesIn.Load() }},
	{prometheus.NewDesc("doorstep_changes_out_total", "Column changes sent in pull pages.", nil, nil), func(m *Metrics) int64 { return m.ChangesOut.Load() }},
	{prometheus.NewDesc("doorstep_conflicts_total", "Conflict records created at ingest.", nil, nil), func(m *Metrics) int64 { return m.Conflicts.Load() }},
	{prometheus.NewDesc("doorstep_enrollments_total", "Devices enrolled.", nil, nil), func(m *Metrics) int64 { return m.Enrolls.Load() }},
	{prometheus.NewDesc("doorstep_blob_bytes_total", "Blob bytes received.", nil, nil), func(m *Metrics) int64 { return m.BlobBytes.Load() }},
	{prometheus.NewDesc("doorstep_evidence_flagged_total", "Evidence verdicts flagged after pushes and uploads.", nil, nil), func(m *Metrics) int64 { return m.Flagged.Load() }},
	{prometheus.NewDesc("doorstep_evidence_failures_total", "Changed rows whose evidence could not be verified (logged, skipped).", nil, nil), func(m *Metrics) int64 { return m.VerifyFailures.Load() }},
}

var rejectedDesc = prometheus.NewDesc("doorstep_rejected_requests_total", "Requests refused, by error code.", []string{"code"}, nil)

// Describe sends the counters' descriptions.
func (c counters) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range counterDescs {
		ch <- d.desc
	}
	ch <- rejectedDesc
}

// Collect sends the counters' values.
func (c counters) Collect(ch chan<- prometheus.Metric) {
	for _, d := range counterDescs {
		ch <- prometheus.MustNewConstMetric(d.desc, prometheus.CounterValue, float64(d.get(c.m)))
	}
	c.m.mu.Lock()
	defer c.m.mu.Unlock()
	for _, code := range api.Codes() {
		ch <- prometheus.MustNewConstMetric(rejectedDesc, prometheus.CounterValue, float64(c.m.rejected[code]), string(code))
	}
}
