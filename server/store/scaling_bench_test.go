package store

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
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
//     20,000 column changes, whole rows), the districts' ids in arrival
//     order (arrivalOrder): as a city's districts reach the server day by
//     day, each new row's id past those already stored;
//   - pull: a district-level supervisor's full initial sync read from the
//     store (Store.Pull, pages of 20,000 changes) — the server side of a
//     first sync, no HTTP;
//   - merge: each pulled page applied to a fresh device replica (Apply, one
//     transaction per page) — the device side;
//   - fold (SQLite only): the k districts written through a server
//     replica's capture path (demo.Write on DB(), every row captured,
//     untimed), then the first read, which folds the whole capture log
//     into the row clocks (PostgreSQL writes its clocks in the statement
//     and has no fold); the districts in arrival order, as for ingest;
//   - import: ingest again, into another empty store, of the k districts
//     as generated, every one over the same half-year, so that each
//     district's ids interleave with those already stored: k districts'
//     histories loaded one after another (a migration of k separate
//     districts into one store), the costliest order for a B-tree.
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
//
// The first scale, the baseline of every ratio, runs scalingBaseRuns
// times, each on fresh stores, and reports the median of each phase's
// seconds and CPU seconds (the largest heap): its phases last a second or
// two, and one run of them is the noisiest figure of the table. In two
// make bench-scaling runs a day apart, the 1× fold took 0.62 and 0.44 s
// and the 100× fold 51 and 56 s: ratios of 82 and 128.
func BenchmarkScaling(b *testing.B) {
	backends := []string{"sqlite", "postgres"}
	for _, backend := range backends {
		b.Run(backend, func(b *testing.B) {
			base := map[string]float64{}
			for i, k := range scalingScales(b) {
				b.Run(fmt.Sprintf("%dx", k), func(b *testing.B) {
					for range b.N {
						runs := 1
						if i == 0 {
							runs = scalingBaseRuns
						}
						var all []scalingResult
						for range runs {
							all = append(all, scalingRun(b, k))
						}
						res := medianResult(b, all)
						dbCPU := res.dbCPU
						for _, ph := range scalingPhases {
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

// scalingPhases are BenchmarkScaling's phases, in the order they run.
var scalingPhases = []string{"ingest", "pull", "merge", "fold", "import"}

// scalingBaseRuns is how many times BenchmarkScaling runs its first scale.
const scalingBaseRuns = 3

// medianResult is the median of rs phase by phase (seconds and CPU seconds
// each on their own; the largest heap), the runs' seconds logged.
func medianResult(b *testing.B, rs []scalingResult) scalingResult {
	if len(rs) == 1 {
		return rs[0]
	}
	out := scalingResult{secs: map[string]float64{}, cpu: map[string]float64{}, heap: map[string]float64{},
		changes: rs[0].changes, dbCPU: rs[0].dbCPU}
	median := func(f func(r scalingResult) float64) float64 {
		v := make([]float64, len(rs))
		for i, r := range rs {
			v[i] = f(r)
		}
		slices.Sort(v)
		return v[len(v)/2]
	}
	for _, ph := range scalingPhases {
		if _, ok := rs[0].secs[ph]; !ok {
			continue
		}
		var runs []string
		for _, r := range rs {
			runs = append(runs, fmt.Sprintf("%.3g", r.secs[ph]))
			out.heap[ph] = max(out.heap[ph], r.heap[ph])
		}
		out.secs[ph] = median(func(r scalingResult) float64 { return r.secs[ph] })
		out.cpu[ph] = median(func(r scalingResult) float64 { return r.cpu[ph] })
		b.Logf("%s: %s s in %d runs, median %.3g", ph, strings.Join(runs, ", "), len(rs), out.secs[ph])
	}
	return out
}

// inDatabaseServer reports whether phase ph of backend runs mostly in the
// PostgreSQL server (ingest, import and pull; merge is the device's SQLite, in
// process): its CPU time is reported only when the cluster runs on this
// machine, where dbCPU adds it to this process's.
func inDatabaseServer(backend, ph string) bool {
	return backend == "postgres" && (ph == "ingest" || ph == "pull" || ph == "import")
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
	s := scalingStore(b)
	defer s.Close()

	db := newDBCPU(b, s)
	res.dbCPU = db.ok()

	// Ingest, district by district (each generated untimed), in arrival
	// order.
	res.secs["ingest"], res.cpu["ingest"], res.heap["ingest"], res.changes = scalingIngest(b, s, db, k, true)

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
		var after time.Time
		for seed := int64(1); seed <= int64(k); seed++ {
			d := demo.Generate(seed, scalingRef)
			after = arrivalOrder(d, after)
			if err := demo.Write(ctx, rep.DB(), d); err != nil {
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

	// Import: the districts as generated, into a store of their own; not
	// above DOORSTEP_BENCH_IMPORT_MAX times the district when that is set
	// (PostgreSQL's 100× import alone would take hours).
	if limit, err := strconv.Atoi(os.Getenv("DOORSTEP_BENCH_IMPORT_MAX")); err == nil && k > limit {
		return res
	}
	imp := scalingStore(b)
	defer imp.Close()
	res.secs["import"], res.cpu["import"], res.heap["import"], _ = scalingIngest(b, imp, newDBCPU(b, imp), k, false)
	return res
}

// scalingStore opens an empty store of the backend under test, its epoch
// started.
func scalingStore(b *testing.B) *Store {
	ctx := context.Background()
	s, err := Open(ctx, testDB(b), Options{Now: time.Now, BlobDir: filepath.Join(b.TempDir(), "blobs")})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := s.StartEpoch(ctx); err != nil {
		s.Close()
		b.Fatal(err)
	}
	return s
}

// scalingIngest merges the k districts into s as pushes do after their
// checks, one district at a time (each generated untimed), in sets of at
// most scalingPage changes; with arrival, each district's ids are first
// moved past the previous one's (arrivalOrder). It returns the seconds
// and CPU seconds (db's added) of the merges, the peak heap in MB and the
// column changes merged.
func scalingIngest(b *testing.B, s *Store, db dbCPU, k int, arrival bool) (secs, cpu, heap float64, changes int) {
	ctx := context.Background()
	site := uuid.NewString()
	clock := hlc.NewClock(time.Now, 0, 0)
	var wall, used time.Duration
	var after time.Time
	runtime.GC()
	mem := startHeapSampler()
	for seed := int64(1); seed <= int64(k); seed++ {
		d := demo.Generate(seed, scalingRef)
		if arrival {
			after = arrivalOrder(d, after)
		}
		for _, set := range districtSets(d, site, clock) {
			changes += len(set.Changes)
			t0, c0, d0 := time.Now(), cpuTime(), db.sample()
			if _, err := s.eng.apply(ctx, set, nil); err != nil {
				b.Fatal(err)
			}
			wall += time.Since(t0)
			used += cpuTime() - c0 + db.since(d0)
		}
	}
	return wall.Seconds(), used.Seconds(), mem.stop(), changes
}

// arrivalOrder moves the times of every version-7 id of d (row ids and
// the values that refer to rows) by the same amount, so that the earliest
// lies just past after, and returns the latest time it gave.
//
// Every generated district covers the same half-year, and its ids carry
// the moments its records were made (schema/demo/ids.go). Loaded one
// after another as generated, each district's ids fall between those of
// the districts already stored: every row a random insert into B-trees
// that grow with the scale. A city's server receives its districts'
// records as they are made, all districts together, so each new id lies
// past every id stored, which is the order this gives: k districts one
// after another in time, each inserted into the end of the tables, as
// district 1 is at 1×. Only the 48-bit time of each id moves; its random
// bits stay, so the ids stay unique and every reference still meets its
// row. The import phase keeps the generated order.
func arrivalOrder(d *demo.District, after time.Time) time.Time {
	var first, last int64 = -1, -1
	for _, r := range d.Rows {
		if ms, ok := v7Millis(r.ID); ok {
			if first < 0 || ms < first {
				first = ms
			}
			last = max(last, ms)
		}
	}
	if first < 0 {
		return after
	}
	shift := int64(0)
	if !after.IsZero() {
		shift = after.UnixMilli() + 1 - first
	}
	for i := range d.Rows {
		r := &d.Rows[i]
		r.ID = shiftV7(r.ID, shift)
		for c, v := range r.Values {
			if str, ok := v.(string); ok {
				r.Values[c] = shiftV7(str, shift)
			}
		}
	}
	return time.UnixMilli(last + shift)
}

// v7Millis returns the Unix milliseconds of a version-7 UUID string.
func v7Millis(s string) (int64, bool) {
	u, ok := parseV7(s)
	return v7Time(u), ok
}

// parseV7 parses s as a version-7 UUID.
func parseV7(s string) (uuid.UUID, bool) {
	if len(s) != 36 {
		return uuid.UUID{}, false
	}
	u, err := uuid.Parse(s)
	return u, err == nil && u.Version() == 7
}

// v7Time is the 48-bit millisecond time of a version-7 UUID.
func v7Time(u uuid.UUID) int64 {
	return int64(u[0])<<40 | int64(u[1])<<32 | int64(u[2])<<24 | int64(u[3])<<16 | int64(u[4])<<8 | int64(u[5])
}

// shiftV7 returns s moved by shift milliseconds when it is a version-7
// UUID string, else s.
func shiftV7(s string, shift int64) string {
	u, ok := parseV7(s)
	if !ok || shift == 0 {
		return s
	}
	ms := v7Time(u) + shift
	u[0], u[1], u[2] = byte(ms>>40), byte(ms>>32), byte(ms>>24)
	u[3], u[4], u[5] = byte(ms>>16), byte(ms>>8), byte(ms)
	return u.String()
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

// TestArrivalOrder checks what BenchmarkScaling's ingest relies on: after
// arrivalOrder, every id of a district lies past the previous district's,
// the first district is unchanged, ids stay unique, and every value that
// named a row still names the same row.
func TestArrivalOrder(t *testing.T) {
	d1, d2 := demo.Generate(1, scalingRef), demo.Generate(2, scalingRef)
	orig1 := demo.Generate(1, scalingRef)
	orig2 := demo.Generate(2, scalingRef)
	last1 := arrivalOrder(d1, time.Time{})
	last2 := arrivalOrder(d2, last1)
	if !last2.After(last1) {
		t.Fatalf("district 2 ends at %v, not after district 1's %v", last2, last1)
	}
	for i, r := range d1.Rows {
		if r.ID != orig1.Rows[i].ID {
			t.Fatalf("district 1 row %d: id %s became %s", i, orig1.Rows[i].ID, r.ID)
		}
	}
	moved := map[string]string{} // district 2: old id -> new id
	seen := map[string]bool{}
	for _, r := range d1.Rows {
		seen[r.Table+" "+r.ID] = true
	}
	var minMs int64 = -1
	for i, r := range d2.Rows {
		old := orig2.Rows[i].ID
		if ms, ok := v7Millis(r.ID); ok {
			if ms <= last1.UnixMilli() {
				t.Fatalf("district 2 row %s at %d ms, not past district 1's last %d", r.ID, ms, last1.UnixMilli())
			}
			if minMs < 0 || ms < minMs {
				minMs = ms
			}
		}
		if seen[r.Table+" "+r.ID] {
			t.Fatalf("id %s of %s twice", r.ID, r.Table)
		}
		seen[r.Table+" "+r.ID] = true
		moved[old] = r.ID
	}
	if minMs != last1.UnixMilli()+1 {
		t.Errorf("district 2 starts at %d ms, want just past district 1 (%d)", minMs, last1.UnixMilli()+1)
	}
	refs := 0
	for i, r := range d2.Rows {
		for c, v := range orig2.Rows[i].Values {
			old, ok := v.(string)
			if !ok {
				continue
			}
			if want, isRow := moved[old]; isRow && old != orig2.Rows[i].ID {
				refs++
				if got := r.Values[c]; got != want {
					t.Fatalf("%s %s.%s: refers to %v, want %s (was %s)", r.Table, r.ID, c, got, want, old)
				}
			}
		}
	}
	if refs == 0 {
		t.Fatal("no value of district 2 refers to another row: the check above checked nothing")
	}
}
