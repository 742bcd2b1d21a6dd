package server

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"doorstep/schema"
	"doorstep/server/store"
	"doorstep/sync/change"
	"doorstep/sync/client"
)

// Open-loop push schedule: each device pushes a form-sized batch (5 new
// households, 50 column changes) at its own random times, on average every
// openLoopEvery, whether or not its last push was answered (arrivals do not
// wait for the server, as a fleet of devices does not). The lone device
// pushes more often, to take as many samples in less time; alone, it
// still finds the server idle.
const (
	openLoopEvery     = time.Second
	openLoopOneEvery  = 100 * time.Millisecond
	openLoopOnePushes = 60 // one device: about 6 s of schedule
	openLoopManyEach  = 5  // 50 devices: 250 pushes in about 5 s, 50/s
	openLoopDevices   = 50
)

// BenchmarkOpenLoopPush measures what a device waits for a push when many
// push at once, open loop: over a real HTTP server on a loopback socket
// (httptest.NewServer, the sync client with gzip and its 64-connection
// idle pool), each device sends a form-sized push at exponentially
// distributed intervals from a random start, and a push's latency runs
// from its scheduled time to its acknowledgement, so queueing counts. One
// device pushes 60 times (mean interval 100 ms); then 50 devices 5 times
// each (mean interval 1 s: 50 pushes/s in all) against a fresh server. Reported: push p50 and p95 of
// one device and of 50 (ms), and p95(50)/p95(1) — the goal is at
// most 3. The same 50-device run against a server whose SQLite checkpoints
// in the commits (store.Options.CheckpointEvery < 0, SQLite's automatic
// checkpoint) gives p95-ratio-autockpt, over the same one-device p95.
func BenchmarkOpenLoopPush(b *testing.B) {
	for i := 0; i < b.N; i++ {
		one := openLoopLatencies(b, 0, 1, openLoopOnePushes, openLoopOneEvery)
		many := openLoopLatencies(b, 0, openLoopDevices, openLoopManyEach, openLoopEvery)
		auto := openLoopLatencies(b, -1, openLoopDevices, openLoopManyEach, openLoopEvery)
		b.ReportMetric(pct(one, 0.50), "p50-1dev-ms")
		b.ReportMetric(pct(one, 0.95), "p95-1dev-ms")
		b.ReportMetric(pct(many, 0.50), "p50-50dev-ms")
		b.ReportMetric(pct(many, 0.95), "p95-50dev-ms")
		b.ReportMetric(pct(many, 0.95)/pct(one, 0.95), "p95-ratio")
		b.ReportMetric(pct(auto, 0.95), "p95-50dev-autockpt-ms")
		b.ReportMetric(pct(auto, 0.95)/pct(one, 0.95), "p95-ratio-autockpt")
	}
	b.ReportMetric(0, "ns/op")
}

// pct returns the p-th quantile of lat in milliseconds (nearest rank; 0
// for none).
func pct(lat []time.Duration, p float64) float64 {
	if len(lat) == 0 {
		return 0
	}
	s := slices.Clone(lat)
	slices.Sort(s)
	return float64(s[int(p*float64(len(s)-1))].Microseconds()) / 1000
}

// openLoopLatencies runs n devices pushing pushes each on the open-loop
// schedule against a fresh SQLite server checkpointing every ckpt (see
// store.Options.CheckpointEvery) and returns every push's latency.
func openLoopLatencies(b *testing.B, ckpt time.Duration, n, pushes int, every time.Duration) []time.Duration {
	b.Helper()
	b.StopTimer()
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(b.TempDir(), "server.db"), store.Options{Now: time.Now, CheckpointEvery: ckpt})
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	if _, err := st.StartEpoch(ctx); err != nil {
		b.Fatal(err)
	}
	srv := New(st, Config{Rate: -1, EnrollRate: -1}, slog.New(slog.NewTextHandler(io.Discard, nil)), time.Now)
	ts := httptest.NewServer(srv.Handler())
	defer ts.Close()
	e := &env{store: st, srv: srv, ts: ts, clock: &testClock{t: time.Now().UTC()}}
	u := e.user(b, store.User{Name: "王芳", Role: schema.RoleWorker, Communities: []string{"c1"}})
	type dev struct {
		c    *client.Client
		sets []*change.Set
		at   []time.Duration // scheduled times from the start
	}
	devs := make([]dev, n)
	for i := range devs {
		site := uuid.NewString()
		c, _ := e.enroll(b, u.ID, site)
		// One push first, untimed: the connection and the statements.
		if _, err := c.Push(ctx, formPush(site, u.ID, 5)); err != nil {
			b.Fatal(err)
		}
		r := rand.New(rand.NewPCG(uint64(n), uint64(i)))
		t := time.Duration(r.Float64() * float64(every))
		devs[i].c = c
		for range pushes {
			devs[i].sets = append(devs[i].sets, formPush(site, u.ID, 5))
			devs[i].at = append(devs[i].at, t)
			t += time.Duration(r.ExpFloat64() * float64(every))
		}
	}
	var mu sync.Mutex
	var lats []time.Duration
	var wg sync.WaitGroup
	errs := make(chan error, n*pushes)
	b.StartTimer()
	start := time.Now()
	for i := range devs {
		for k, set := range devs[i].sets {
			wg.Add(1)
			go func() {
				defer wg.Done()
				due := start.Add(devs[i].at[k])
				time.Sleep(time.Until(due))
				if _, err := devs[i].c.Push(ctx, set); err != nil {
					errs <- fmt.Errorf("device %d push %d: %w", i, k, err)
					return
				}
				l := time.Since(due)
				mu.Lock()
				lats = append(lats, l)
				mu.Unlock()
			}()
		}
	}
	wg.Wait()
	b.StopTimer()
	close(errs)
	for err := range errs {
		b.Fatal(err)
	}
	if g, p := st.GroupStats(); g > 0 {
		b.Logf("checkpoint=%v n=%d: %d pushes in %s, %d groups of %.1f pushes on average; %+v",
			ckpt, n, len(lats), time.Since(start).Round(time.Millisecond), g, float64(p)/float64(g), st.CheckpointStats())
	}
	return lats
}
