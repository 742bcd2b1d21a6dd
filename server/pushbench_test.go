package server

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http/httptest"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"doorstep/server/store"
	"doorstep/sync/change"
	"doorstep/sync/client"
)

// The push-latency benchmarks (BenchmarkConcurrentPush, BenchmarkOpenLoopPush,
// BenchmarkPGPush) share this: a store served over a loopback socket,
// enrolled devices, and one loop that times their pushes.

// benchServer serves st over loopback HTTP (httptest.NewServer) with no
// rate limits, after starting its epoch, and runs its background work
// (Server.Run). stop closes the listener and stops that work, not the
// store.
func benchServer(b *testing.B, st *store.Store) (e *env, stop func()) {
	b.Helper()
	if _, err := st.StartEpoch(context.Background()); err != nil {
		b.Fatal(err)
	}
	srv := New(st, Config{Rate: -1, EnrollRate: -1}, slog.New(slog.NewTextHandler(io.Discard, nil)), time.Now)
	ts := httptest.NewServer(srv.Handler())
	// Its background work runs as in production: the evidence follower
	// verifies what the pushes stored, beside them.
	ctx, cancel := context.WithCancel(context.Background())
	ran := make(chan struct{})
	go func() { srv.Run(ctx); close(ran) }()
	stop = func() {
		ts.Close()
		cancel()
		<-ran
	}
	return &env{store: st, srv: srv, ts: ts, clock: &testClock{t: time.Now().UTC()}}, stop
}

// pushDevice is a device enrolled for a push benchmark.
type pushDevice struct {
	c    *client.Client
	site string
}

// enrollBench enrolls n devices of user, device i through servers[i mod
// len(servers)], each with its own site.
func enrollBench(b *testing.B, servers []*env, user string, n int) []pushDevice {
	b.Helper()
	devs := make([]pushDevice, n)
	for i := range devs {
		site := uuid.NewString()
		c, _ := servers[i%len(servers)].enroll(b, user, site)
		devs[i] = pushDevice{c: c, site: site}
	}
	return devs
}

// pushRun is a timed run: every device pushes pushes changesets.
type pushRun struct {
	devs   []pushDevice
	pushes int
	// set returns push k of device dev. Closed loop (at nil), it is called
	// on the device's goroutine just before the push, untimed; open loop,
	// for every push before the run.
	set func(dev, k int) *change.Set
	// at, when set, makes the run open loop: push k of device dev is sent
	// at this offset from the start whether or not the device's earlier
	// pushes were answered, and its latency runs from that time (queueing
	// counts). Nil: closed loop, each device pushing as soon as its last
	// push is acknowledged, latency from the send.
	at func(dev, k int) time.Duration
}

// latencies runs r with the benchmark timer on and returns every push's
// latency and the run's wall time. A push error fails the benchmark.
func (r pushRun) latencies(b *testing.B) ([]time.Duration, time.Duration) {
	b.Helper()
	ctx := context.Background()
	var sets [][]*change.Set
	if r.at != nil {
		sets = make([][]*change.Set, len(r.devs))
		for i := range r.devs {
			for k := range r.pushes {
				sets[i] = append(sets[i], r.set(i, k))
			}
		}
	}
	var mu sync.Mutex
	var lats []time.Duration
	record := func(l time.Duration) {
		mu.Lock()
		lats = append(lats, l)
		mu.Unlock()
	}
	var wg sync.WaitGroup
	errs := make(chan error, len(r.devs)*r.pushes)
	b.StartTimer()
	start := time.Now()
	for i, d := range r.devs {
		if r.at == nil {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for k := range r.pushes {
					set := r.set(i, k)
					t0 := time.Now()
					if _, err := d.c.Push(ctx, set); err != nil {
						errs <- fmt.Errorf("device %d push %d: %w", i, k, err)
						return
					}
					record(time.Since(t0))
				}
			}()
			continue
		}
		for k, set := range sets[i] {
			wg.Add(1)
			go func() {
				defer wg.Done()
				due := start.Add(r.at(i, k))
				time.Sleep(time.Until(due))
				if _, err := d.c.Push(ctx, set); err != nil {
					errs <- fmt.Errorf("device %d push %d: %w", i, k, err)
					return
				}
				record(time.Since(due))
			}()
		}
	}
	wg.Wait()
	wall := time.Since(start)
	b.StopTimer()
	close(errs)
	for err := range errs {
		b.Fatal(err)
	}
	return lats, wall
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
