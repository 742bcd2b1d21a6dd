package store

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/rs/xid"

	"doorstep/schema"
	"doorstep/schema/demo"
	"doorstep/schema/scope"
	"doorstep/sync/change"
	"doorstep/sync/hlc"
	"doorstep/sync/replica"
)

// scalingScales returns the multiples of the demo district BenchmarkScaling
// runs: DOORSTEP_BENCH_SCALES (e.g. "1,10,100"), else 1 and 10. The first
// is the baseline the others' ratios divide by.
func scalingScales(tb testing.TB) []int {
	out, err := demo.Scales(os.Getenv("DOORSTEP_BENCH_SCALES"))
	if err != nil {
		tb.Fatal(err)
	}
	return out
}

// scalingRef is the reference day of the generated districts.
var scalingRef = time.Date(2026, 7, 1, 0, 0, 0, 0, time.UTC)

// scalingPage is the most column changes per ingested set and per pull
// page (the server's default page size).
const scalingPage = 20000

// BenchmarkScaling measures how the costs grow with the data: at k times
// the demo district (k districts of seeds 1…k, schema/demo, in one
// database; k from DOORSTEP_BENCH_SCALES, default 1 and 10), on SQLite and
// (with DOORSTEP_TEST_PG set) on PostgreSQL:
//
//   - ingest: every row of the k districts merged into an empty server
//     store as pushes do after their checks (the engine's apply: sequence
//     numbers, conflict detection, one transaction per set of at most
//     20,000 column changes, whole rows);
//   - pull: a district-level supervisor's full initial sync read from the
//     store (Store.Pull, pages of 20,000 changes) — the server side of a
//     first sync, no HTTP;
//   - merge: each pulled page applied to a fresh device replica (Apply, one
//     transaction per page) — the device side;
//   - fold (SQLite only): the k districts written through a server
//     replica's capture path (demo.Write on DB(), every row captured,
//     untimed), then the first read, which folds the whole capture log
//     into the row clocks (PostgreSQL writes its clocks in the statement
//     and has no fold).
//
// Reported per scale: seconds of each phase and the ratio to the first
// scale's seconds of the same run (x1); the CPU seconds of this process
// in the phase and their ratio (cpu-x1: on a shared machine they depend
// less on other processes' load than wall time does; for PostgreSQL's
// ingest and pull, whose work is in the database server, the cluster's
// CPU seconds are added when it runs on this machine (dbcpu_test.go),
// else not reported);
// the changes; the peak Go heap
// during each phase (MB, runtime.MemStats.HeapAlloc sampled every 20 ms,
// after a collection at the start; for ingest it includes the generated
// district being ingested, one at a time)
// and the process's peak resident set (MB, /proc VmHWM; it never shrinks,
// so it is the peak up to and including that scale).
func BenchmarkScaling(b *testing.B) {
	backends := []string{"sqlite", "postgres"}
	for _, backend := range backends {
		b.Run(backend, func(b *testing.B) {
			base := map[string]float64{}
			for i, k := range scalingScales(b) {
				b.Run(fmt.Sprintf("%dx", k), func(b *testing.B) {
					for range b.N {
						res := scalingRun(b, k)
						dbCPU := res.dbCPU
						for _, ph := range []string{"ingest", "pull", "merge", "fold"} {
							s, ok := res.secs[ph]
							if !ok {
								continue
							}
							b.ReportMetric(s, ph+"-s")
							b.ReportMetric(res.heap[ph], ph+"-heap-MB")
							cpu := res.cpu[ph]
							if !inDatabaseServer(backend, ph) || dbCPU {
								b.ReportMetric(cpu, ph+"-cpu-s")
							}
							if i == 0 {
								base[ph], base[ph+"-cpu"] = s, cpu
							} else if base[ph] > 0 {
								b.ReportMetric(s/base[ph], ph+"-x1")
								if (!inDatabaseServer(backend, ph) || dbCPU) && base[ph+"-cpu"] > 0 {
									b.ReportMetric(cpu/base[ph+"-cpu"], ph+"-cpu-x1")
								}
							}
						}
						b.ReportMetric(float64(res.changes), "changes")
						b.ReportMetric(peakRSS(), "peak-rss-MB")
					}
					b.ReportMetric(0, "ns/op")
				})
			}
		})
	}
}

// inDatabaseServer reports whether phase ph of backend runs mostly in the
// PostgreSQL server (ingest and pull; merge is the device's SQLite, in
// process): its CPU time is reported only when the cluster runs on this
// machine, where dbCPU adds it to this process's.
func inDatabaseServer(backend, ph string) bool {
	return backend == "postgres" && (ph == "ingest" || ph == "pull")
}

// scalingResult is one scale's measurements: seconds, CPU seconds (of
// this process, plus the database cluster's when dbCPU) and peak heap (MB)
// by phase, and the column changes ingested.
type scalingResult struct {
	secs, cpu, heap map[string]float64
	changes         int
	dbCPU           bool
}

func scalingRun(b *testing.B, k int) scalingResult {
	ctx := context.Background()
	res := scalingResult{secs: map[string]float64{}, cpu: map[string]float64{}, heap: map[string]float64{}}
	s, err := Open(ctx, testDB(b), Options{Now: time.Now, BlobDir: filepath.Join(b.TempDir(), "blobs")})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	if _, err := s.StartEpoch(ctx); err != nil {
		b.Fatal(err)
	}

	db := newDBCPU(b, s)
	res.dbCPU = db.ok()

	// Ingest, district by district (each generated untimed).
	site := uuid.NewString()
	clock := hlc.NewClock(time.Now, 0, 0)
	var ingest, ingestCPU time.Duration
	runtime.GC()
	mem := startHeapSampler()
	for seed := int64(1); seed <= int64(k); seed++ {
		d := demo.Generate(seed, scalingRef)
		for _, set := range districtSets(d, site, clock) {
			res.changes += len(set.Changes)
			t0, c0, d0 := time.Now(), cpuTime(), db.sample()
			if _, err := s.eng.apply(ctx, set, nil); err != nil {
				b.Fatal(err)
			}
			ingest += time.Since(t0)
			ingestCPU += cpuTime() - c0 + db.since(d0)
		}
	}
	res.secs["ingest"], res.heap["ingest"], res.cpu["ingest"] = ingest.Seconds(), mem.stop(), ingestCPU.Seconds()

	// Pull the whole of it as a district supervisor; merge each page into a
	// device replica.
	dev, err := replica.Open(ctx, filepath.Join(b.TempDir(), "device.db"), replica.Options{Now: time.Now})
	if err != nil {
		b.Fatal(err)
	}
	defer dev.Close()
	sv := &scope.User{ID: "sv", Role: schema.RoleSupervisor}
	var pull, merge, pullCPU, mergeCPU time.Duration
	var pullHeap, mergeHeap float64
	pulled := 0
	runtime.GC()
	for cursor := ""; ; {
		mem := startHeapSampler()
		t0, c0, d0 := time.Now(), cpuTime(), db.sample()
		p, err := s.Pull(ctx, sv, cursor, scalingPage)
		if err != nil {
			b.Fatal(err)
		}
		pull += time.Since(t0)
		pullCPU += cpuTime() - c0 + db.since(d0)
		pullHeap = max(pullHeap, mem.stop())
		mem = startHeapSampler()
		t0, c0 = time.Now(), cpuTime()
		set := &change.Set{Site: s.Site(), Changes: p.Changes}
		if _, err := dev.Apply(ctx, set, replica.ApplyOptions{PullCursor: p.Cursor.String()}); err != nil {
			b.Fatal(err)
		}
		merge += time.Since(t0)
		mergeCPU += cpuTime() - c0
		mergeHeap = max(mergeHeap, mem.stop())
		pulled += len(p.Changes)
		cursor = p.Cursor.String()
		if !p.More {
			break
		}
	}
	if pulled < res.changes {
		b.Fatalf("pulled %d changes of %d", pulled, res.changes)
	}
	res.secs["pull"], res.heap["pull"], res.cpu["pull"] = pull.Seconds(), pullHeap, pullCPU.Seconds()
	res.secs["merge"], res.heap["merge"], res.cpu["merge"] = merge.Seconds(), mergeHeap, mergeCPU.Seconds()
	dev.Close()
	s.Close()

	if !s.Postgres() {
		rep, err := replica.Open(ctx, filepath.Join(b.TempDir(), "fold.db"), replica.Options{Target: schema.Server, Now: time.Now})
		if err != nil {
			b.Fatal(err)
		}
		defer rep.Close()
		for seed := int64(1); seed <= int64(k); seed++ {
			if err := demo.Write(ctx, rep.DB(), demo.Generate(seed, scalingRef)); err != nil {
				b.Fatal(err)
			}
		}
		runtime.GC()
		mem := startHeapSampler()
		t0, c0 := time.Now(), cpuTime()
		if _, err := rep.Changes(ctx, replica.Cursor{}, 1); err != nil {
			b.Fatal(err)
		}
		res.secs["fold"], res.cpu["fold"] = time.Since(t0).Seconds(), (cpuTime() - c0).Seconds()
		res.heap["fold"] = mem.stop()
	}
	return res
}

// districtSets turns a generated district into change sets of at most
// scalingPage column changes (whole rows), every row written by one device
// with its own clock.
func districtSets(d *demo.District, site string, clock *hlc.Clock) []*change.Set {
	var out []*change.Set
	set := &change.Set{Batch: xid.New().String(), Site: site}
	for _, r := range d.Rows {
		t, _ := schema.Reg.Table(r.Table)
		if len(set.Changes)+len(t.Columns) > scalingPage {
			out = append(out, set)
			set = &change.Set{Batch: xid.New().String(), Site: site}
		}
		at := change.Clock{HLC: clock.Now(), Site: site}
		for _, c := range t.Columns {
			set.Changes = append(set.Changes, change.Change{Table: r.Table, ID: r.ID, Column: c.Name, Value: r.Values[c.Name], Clock: at, User: "demo"})
		}
	}
	if len(set.Changes) > 0 {
		out = append(out, set)
	}
	return out
}

// heapSampler records the peak Go heap until stopped.
type heapSampler struct {
	done chan struct{}
	wg   sync.WaitGroup
	peak uint64
}

func startHeapSampler() *heapSampler {
	h := &heapSampler{done: make(chan struct{})}
	h.wg.Add(1)
	go func() {
		defer h.wg.Done()
		t := time.NewTicker(20 * time.Millisecond)
		defer t.Stop()
		var ms runtime.MemStats
		for {
			runtime.ReadMemStats(&ms)
			h.peak = max(h.peak, ms.HeapAlloc)
			select {
			case <-h.done:
				return
			case <-t.C:
			}
		}
	}()
	return h
}

// stop ends the sampling and returns the peak in MB.
func (h *heapSampler) stop() float64 {
	close(h.done)
	h.wg.Wait()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return float64(max(h.peak, ms.HeapAlloc)) / (1 << 20)
}

// cpuTime is the CPU time this process has used, user and system.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// peakRSS returns the process's peak resident set (VmHWM) in MB; 0 where
// /proc is missing.
func peakRSS() float64 {
	raw, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(raw), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, _ := strconv.ParseFloat(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 64)
			return kb / 1024
		}
	}
	return 0
}
