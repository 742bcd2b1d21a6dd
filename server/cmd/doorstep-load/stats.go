package main

import (
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"doorstep/sync/client/api"
)

// codeUnreachable names transport failures (no answer, or an answer not from
// the sync server) among the API's error codes in the summary.
const codeUnreachable = "unreachable"

// recorder collects what the devices did during the measured window. It is
// safe for concurrent use.
type recorder struct {
	mu          sync.Mutex
	push        []time.Duration // one per acknowledged push request
	pull        []time.Duration // one per pull page request answered 200
	pushed      int64           // column changes acknowledged
	pulled      int64           // column changes received
	conflicts   int64           // conflict records the server reported in acks
	saved       int64           // visits the devices saved (each pushed until acknowledged or refused)
	rateLimited map[string]int64
	busy        map[string]int64
	unfinished  map[string]int64 // requests still unanswered when the grace period ended
	errors      map[string]int64 // "push:code" / "pull:code" → count
	requests    int64            // every HTTP request sent, 429s and errors included
}

func newRecorder() *recorder {
	return &recorder{rateLimited: map[string]int64{}, busy: map[string]int64{}, unfinished: map[string]int64{}, errors: map[string]int64{}}
}

// observe records one answered request of kind "push" or "pull".
func (r *recorder) observe(kind string, d time.Duration, changes int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.requests++
	switch kind {
	case "push":
		r.push = append(r.push, d)
		r.pushed += int64(changes)
	case "pull":
		r.pull = append(r.pull, d)
		r.pulled += int64(changes)
	}
}

// save counts a visit a device saved and will push.
func (r *recorder) save() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.saved++
}

// ack adds what a push acknowledgement reported.
func (r *recorder) ack(conflicts int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.conflicts += int64(conflicts)
}

// fail records a refused or failed request of kind by its stable code;
// rate_limited is kept apart (the device waits Retry-After and retries).
func (r *recorder) fail(kind string, code string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.requests++
	switch code {
	case string(api.CodeRateLimited):
		r.rateLimited[kind]++
		return
	case string(api.CodeBusy):
		r.busy[kind]++
		return
	}
	r.errors[kind+":"+code]++
}

// cut records a request of kind that was still unanswered when the run
// ended (the window and its grace period): neither a success nor an
// error code, but a request slower than the run allowed.
func (r *recorder) cut(kind string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.requests++
	r.unfinished[kind]++
}

// Latency is a latency distribution in milliseconds.
type Latency struct {
	Count int     `json:"count"`
	P50   float64 `json:"p50_ms"`
	P95   float64 `json:"p95_ms"`
	P99   float64 `json:"p99_ms"`
	Max   float64 `json:"max_ms"`
}

// latency summarises durations with nearest-rank percentiles.
func latency(ds []time.Duration) Latency {
	if len(ds) == 0 {
		return Latency{}
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	rank := func(p float64) float64 {
		i := int(p*float64(len(s))+0.999999) - 1 // nearest rank: ceil(p·n)
		i = max(0, min(i, len(s)-1))
		return ms(s[i])
	}
	return Latency{Count: len(s), P50: rank(0.50), P95: rank(0.95), P99: rank(0.99), Max: ms(s[len(s)-1])}
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// Summary is the load run's result; --json prints it as JSON.
type Summary struct {
	URL        string  `json:"url"`
	Devices    int     `json:"devices"`
	Users      int     `json:"users"`
	Duration   float64 `json:"duration_s"`
	PushEvery  float64 `json:"push_every_s"`
	PullEvery  float64 `json:"pull_every_s"`
	BatchRows  int     `json:"batch_rows"`
	Seed       int64   `json:"seed"`
	EnrollSecs float64 `json:"enroll_s"`
	WarmupSecs float64 `json:"warmup_s"`
	// FirstSync is the latency of the initial-sync page requests made during
	// warm-up (one device per user), not part of the measured window.
	FirstSync Latency `json:"first_sync_pages"`
	// Flood is the first sync of every device at once (--flood); nil
	// without it.
	Flood *Flood `json:"flood,omitempty"`

	Push          Latency `json:"push"`
	Pull          Latency `json:"pull"`
	ChangesPushed int64   `json:"changes_pushed"`
	ChangesPulled int64   `json:"changes_pulled"`
	PushChangesPS float64 `json:"push_changes_per_s"`
	PullChangesPS float64 `json:"pull_changes_per_s"`
	Requests      int64   `json:"requests"`
	RequestsPS    float64 `json:"requests_per_s"`
	Conflicts     int64   `json:"conflicts"`
	// Saved is how many visits the devices saved; each is pushed until the
	// server acknowledges or refuses it, so Saved minus acknowledged pushes
	// is what was refused or still unanswered when the run ended.
	Saved       int64            `json:"visits_saved"`
	RateLimited map[string]int64 `json:"rate_limited_retried"`
	// Busy counts 503 busy answers (the server's pulls at their limit),
	// each retried after its Retry-After like a rate_limited one.
	Busy map[string]int64 `json:"busy_retried"`
	// Unfinished counts requests still unanswered when the grace period
	// after the window ended; they are in no latency figure.
	Unfinished map[string]int64 `json:"unfinished"`
	Errors     map[string]int64 `json:"errors"`
	// PushesDue is how many pushes the timers asked for; fewer acknowledged
	// pushes means devices were still waiting for earlier ones.
	PushesDue int64 `json:"pushes_due"`
	PullsDue  int64 `json:"pulls_due"`

	// WindowStart and WindowEnd bound the measured window (UTC), e.g. to
	// pick the server's log lines of it.
	WindowStart time.Time `json:"window_start"`
	WindowEnd   time.Time `json:"window_end"`
	// Generator is this process's own CPU in the window: on a machine shared
	// with the server it competes for the same cores.
	Generator Process `json:"generator"`
	// Servers are the --server-pid processes in the window.
	Servers []Process `json:"servers,omitempty"`
	// Evidence is how far the servers' evidence verification, which runs
	// after pushes are answered, was behind when the window ended and how
	// long it took to catch up (--metrics-token); nil without it.
	Evidence *EvidenceLag `json:"evidence,omitempty"`
}

// EvidenceLag is the evidence follower's lag after a run, from
// doorstep_evidence_lag_rows in the first server's /metrics.
type EvidenceLag struct {
	// RowsAtEnd are the changed rows not yet verified when the window and
	// its grace ended.
	RowsAtEnd int64 `json:"rows_at_end"`
	// CatchUpSecs is how long after that the lag reached zero; -1 if it
	// did not within the limit.
	CatchUpSecs float64 `json:"catch_up_s"`
}

// summary freezes the recorder into a Summary over a window of length d.
func (r *recorder) summary(d time.Duration) Summary {
	r.mu.Lock()
	defer r.mu.Unlock()
	secs := d.Seconds()
	s := Summary{
		Duration: secs, Push: latency(r.push), Pull: latency(r.pull),
		ChangesPushed: r.pushed, ChangesPulled: r.pulled, Requests: r.requests,
		Conflicts: r.conflicts, Saved: r.saved,
		RateLimited: map[string]int64{}, Busy: map[string]int64{}, Unfinished: map[string]int64{}, Errors: map[string]int64{},
	}
	for k, v := range r.unfinished {
		s.Unfinished[k] = v
	}
	if secs > 0 {
		s.PushChangesPS = float64(r.pushed) / secs
		s.PullChangesPS = float64(r.pulled) / secs
		s.RequestsPS = float64(r.requests) / secs
	}
	for k, v := range r.rateLimited {
		s.RateLimited[k] = v
	}
	for k, v := range r.busy {
		s.Busy[k] = v
	}
	for k, v := range r.errors {
		s.Errors[k] = v
	}
	return s
}

// writeJSON prints the summary as one JSON document.
func (s Summary) writeJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(s)
}

// writeText prints the summary for people.
func (s Summary) writeText(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "doorstep-load: %d devices (%d users) against %s for %.0fs; push every %gs, pull every %gs, %d rows a push, seed %d\n",
		s.Devices, s.Users, s.URL, s.Duration, s.PushEvery, s.PullEvery, s.BatchRows, s.Seed)
	fmt.Fprintf(&b, "setup: enrolled in %.1fs, first sync (one device per user) in %.1fs, page p50 %.0f ms p99 %.0f ms over %d pages\n",
		s.EnrollSecs, s.WarmupSecs, s.FirstSync.P50, s.FirstSync.P99, s.FirstSync.Count)
	if f := s.Flood; f != nil {
		fmt.Fprintf(&b, "flood: %d devices' first syncs at once in %.1fs, %d changes; page p50 %.0f ms p95 %.0f ms p99 %.0f ms max %.0f ms over %d pages",
			f.Devices, f.Secs, f.Changes, f.Pages.P50, f.Pages.P95, f.Pages.P99, f.Pages.Max, f.Pages.Count)
		for i, mb := range f.ServerPeakRSSMB {
			fmt.Fprintf(&b, "; server pid %d peak RSS %.0f MB", s.Servers[i].PID, mb)
		}
		b.WriteString("\n")
	}
	line := func(name string, l Latency, due int64) {
		fmt.Fprintf(&b, "%-5s %7d ok of %7d due   p50 %8.1f ms   p95 %8.1f ms   p99 %8.1f ms   max %8.1f ms\n",
			name, l.Count, due, l.P50, l.P95, l.P99, l.Max)
	}
	fmt.Fprintf(&b, "visits saved: %d; pushes acknowledged: %d\n", s.Saved, s.Push.Count)
	line("push", s.Push, s.PushesDue)
	line("pull", s.Pull, s.PullsDue)
	fmt.Fprintf(&b, "changes: %d pushed (%.0f/s), %d pulled (%.0f/s); %d conflicts recorded\n",
		s.ChangesPushed, s.PushChangesPS, s.ChangesPulled, s.PullChangesPS, s.Conflicts)
	fmt.Fprintf(&b, "requests: %d (%.0f/s)\n", s.Requests, s.RequestsPS)
	fmt.Fprintf(&b, "rate_limited (retried after Retry-After): push %d, pull %d\n", s.RateLimited["push"], s.RateLimited["pull"])
	fmt.Fprintf(&b, "busy (503, retried after Retry-After): pull %d\n", s.Busy["pull"])
	fmt.Fprintf(&b, "unfinished (no answer when the run ended, in no figure above): push %d, pull %d\n", s.Unfinished["push"], s.Unfinished["pull"])
	fmt.Fprintf(&b, "cpu: generator %.1f s (%.2f cores), RSS %.0f MB", s.Generator.CPU, s.Generator.Cores, s.Generator.RSSMB)
	for _, p := range s.Servers {
		fmt.Fprintf(&b, "; server pid %d %.1f s (%.2f cores), RSS %.0f MB, peak %.0f MB", p.PID, p.CPU, p.Cores, p.RSSMB, p.PeakRSSMB)
	}
	b.WriteString("\n")
	if e := s.Evidence; e != nil {
		if e.CatchUpSecs < 0 {
			fmt.Fprintf(&b, "evidence: %d changed rows not yet verified when the run ended; NOT caught up within %s\n", e.RowsAtEnd, evidenceCatchUpLimit)
		} else {
			fmt.Fprintf(&b, "evidence: %d changed rows not yet verified when the run ended; caught up %.1f s later\n", e.RowsAtEnd, e.CatchUpSecs)
		}
	}
	if len(s.Errors) == 0 {
		fmt.Fprintf(&b, "errors: none\n")
	} else {
		keys := make([]string, 0, len(s.Errors))
		for k := range s.Errors {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		fmt.Fprintf(&b, "errors:\n")
		for _, k := range keys {
			fmt.Fprintf(&b, "  %-32s %d\n", k, s.Errors[k])
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}
