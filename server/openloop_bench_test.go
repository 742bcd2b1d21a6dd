package server

import (
	"context"
	"math/rand/v2"
	"path/filepath"
	"testing"
	"time"

	"doorstep/schema"
	"doorstep/server/store"
	"doorstep/sync/change"
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

// openLoopLatencies runs n devices pushing pushes each on the open-loop
// schedule against a fresh SQLite server checkpointing every ckpt (see
// store.Options.CheckpointEvery) and returns every push's latency.
func openLoopLatencies(b *testing.B, ckpt time.Duration, n, pushes int, every time.Duration) []time.Duration {
	b.Helper()
	b.StopTimer()
	st, err := store.Open(context.Background(), filepath.Join(b.TempDir(), "server.db"), store.Options{Now: time.Now, CheckpointEvery: ckpt})
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	e, stop := benchServer(b, st)
	defer stop()
	lats := openLoopRun(b, []*env{e}, n, pushes, every)
	b.Logf("checkpoint=%v n=%d: %+v", ckpt, n, st.CheckpointStats())
	return lats
}

// openLoopRun enrolls n devices of one worker, spread over servers in
// turn, and has each push pushes form-sized batches on the open-loop
// schedule (first push at a random offset within every, then
// exponentially distributed intervals of mean every); it returns every
// push's latency, from its scheduled time to its acknowledgement.
func openLoopRun(b *testing.B, servers []*env, n, pushes int, every time.Duration) []time.Duration {
	b.Helper()
	b.StopTimer()
	ctx := context.Background()
	u := servers[0].user(b, store.User{Name: "王芳", Role: schema.RoleWorker, Communities: []string{"c1"}})
	devs := enrollBench(b, servers, u.ID, n)
	at := make([][]time.Duration, n) // scheduled times from the start
	for i, d := range devs {
		// One push first, untimed: the connection and the statements.
		if _, err := d.c.Push(ctx, formPush(d.site, u.ID, 5)); err != nil {
			b.Fatal(err)
		}
		r := rand.New(rand.NewPCG(uint64(n), uint64(i)))
		t := time.Duration(r.Float64() * float64(every))
		for range pushes {
			at[i] = append(at[i], t)
			t += time.Duration(r.ExpFloat64() * float64(every))
		}
	}
	lats, wall := pushRun{devs: devs, pushes: pushes,
		set: func(i, _ int) *change.Set { return formPush(devs[i].site, u.ID, 5) },
		at:  func(i, k int) time.Duration { return at[i][k] },
	}.latencies(b)
	var g, p int64
	for _, e := range servers {
		gi, pi := e.store.GroupStats()
		g, p = g+gi, p+pi
	}
	if g > 0 {
		b.Logf("%d servers, n=%d: %d pushes in %s, %d groups of %.1f pushes on average",
			len(servers), n, len(lats), wall.Round(time.Millisecond), g, float64(p)/float64(g))
	}
	return lats
}
