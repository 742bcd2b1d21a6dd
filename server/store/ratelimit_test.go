package store

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// limiters returns the limiter of kind each handle's server would use:
// on SQLite the one process's one limiter, twice.
func limiters(a, b *Store, kind string, r float64, burst int, now func() time.Time) []Limiter {
	la := a.Limiter(kind, r, burst, now)
	if a == b {
		return []Limiter{la, la}
	}
	return []Limiter{la, b.Limiter(kind, r, burst, now)}
}

// twoHandles opens the test's database twice, as two server processes
// would: on PostgreSQL two stores (two connection pools) on one database;
// on SQLite, which one process serves, the same store twice.
func twoHandles(t *testing.T, clock *testClock) (a, b *Store) {
	t.Helper()
	ctx := context.Background()
	db := testDB(t)
	open := func() *Store {
		s, err := Open(ctx, db, Options{Now: clock.Now, BlobDir: filepath.Join(t.TempDir(), "blobs")})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		return s
	}
	a = open()
	if !a.Postgres() {
		return a, a
	}
	return a, open()
}

func TestLimiterShared(t *testing.T) { eachBackend(t, testLimiterShared) }

// testLimiterShared: with burst B, 2B requests for one key spread over two
// store handles (two processes on PostgreSQL) get B allowed, each refusal
// saying when to retry; the bucket refills with the clock (one token per
// 1/rate, never past the burst), whichever handle asks; keys and kinds
// have buckets of their own.
func testLimiterShared(t *testing.T) {
	ctx := context.Background()
	clock := &testClock{t: time.Date(2026, 12, 5, 12, 0, 0, 0, time.UTC)}
	a, b := twoHandles(t, clock)
	const burst, rate = 4, 0.5 // a token every 2 s
	both := limiters(a, b, "device", rate, burst, clock.Now)
	la, lb := both[0], both[1]
	take := func(l Limiter, key string) (bool, time.Duration) {
		t.Helper()
		ok, wait, err := l.Allow(ctx, key)
		if err != nil {
			t.Fatal(err)
		}
		if ok == (wait > 0) {
			t.Fatalf("allowed %v with wait %v", ok, wait)
		}
		return ok, wait
	}
	allowed := 0
	for i := 0; i < 2*burst; i++ {
		ok, wait := take(both[i%2], "dev1")
		if ok {
			allowed++
		} else if wait <= 0 || wait > 2*time.Second {
			t.Errorf("request %d refused with Retry-After %v, want (0, 2s]", i, wait)
		}
	}
	if allowed != burst {
		t.Errorf("%d of %d requests over two handles allowed, want the burst %d", allowed, 2*burst, burst)
	}
	if ok, _ := take(la, "dev2"); !ok {
		t.Error("another key shares the first key's bucket")
	}
	if ok, _ := take(a.Limiter("enroll", rate, burst, clock.Now), "dev1"); !ok {
		t.Error("another kind shares the device bucket")
	}

	clock.Advance(time.Second)
	if ok, wait := take(lb, "dev1"); ok || wait <= 0 || wait > time.Second {
		t.Errorf("after 1 s (half a token): allowed %v, Retry-After %v; want refused within 1 s", ok, wait)
	}
	clock.Advance(time.Second)
	if ok, _ := take(lb, "dev1"); !ok {
		t.Error("after 2 s: refused, want the refilled token")
	}
	if ok, _ := take(la, "dev1"); ok {
		t.Error("a second token after 2 s")
	}
	clock.Advance(time.Hour)
	allowed = 0
	for i := 0; i < 2*burst; i++ {
		if ok, _ := take(both[i%2], "dev1"); ok {
			allowed++
		}
	}
	if allowed != burst {
		t.Errorf("after an hour: %d of %d allowed, want the burst %d (no more)", allowed, 2*burst, burst)
	}
	if ok, wait, err := a.Limiter("device", -1, burst, clock.Now).Allow(ctx, "dev1"); !ok || wait != 0 || err != nil {
		t.Errorf("rate -1: %v %v %v, want unlimited", ok, wait, err)
	}
}

func TestLimiterConcurrent(t *testing.T) { eachBackend(t, testLimiterConcurrent) }

// testLimiterConcurrent: requests racing for one bucket through two handles
// take exactly the burst (the bucket's read, refill and take are one
// statement on PostgreSQL), and none waits for a write transaction the
// store holds (the merges' lock).
func testLimiterConcurrent(t *testing.T) {
	ctx := context.Background()
	clock := &testClock{t: time.Date(2026, 12, 5, 12, 0, 0, 0, time.UTC)}
	a, b := twoHandles(t, clock)
	const burst, n = 10, 40
	both := limiters(a, b, "device", 0.001, burst, clock.Now)
	var allowed atomic.Int64
	var failed atomic.Value
	err := a.Write(ctx, "", func(*sql.Tx) error {
		// The store's write lock is held here, as by a merge.
		tctx, cancel := context.WithTimeout(ctx, 20*time.Second)
		defer cancel()
		var wg sync.WaitGroup
		for i := 0; i < n; i++ {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				ok, _, err := both[i%2].Allow(tctx, "dev1")
				if err != nil {
					failed.Store(err)
				}
				if ok {
					allowed.Add(1)
				}
			}(i)
		}
		wg.Wait()
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if err, _ := failed.Load().(error); err != nil {
		t.Fatalf("a request during a write transaction: %v", err)
	}
	if allowed.Load() != burst {
		t.Errorf("%d of %d concurrent requests allowed, want the burst %d", allowed.Load(), n, burst)
	}
}

// TestLimiterPrune: on PostgreSQL a process deletes, once a minute, the
// buckets that have refilled, so the table holds only keys seen lately.
func TestLimiterPrune(t *testing.T) {
	t.Run("postgres", func(t *testing.T) {
		ctx := context.Background()
		clock := &testClock{t: time.Date(2026, 12, 5, 12, 0, 0, 0, time.UTC)}
		s, _ := twoHandles(t, clock)
		l := s.Limiter("enroll", 1, 5, clock.Now)
		count := func() int {
			var n int
			if err := s.DB().QueryRowContext(ctx, `SELECT count(*) FROM rate_buckets`).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		for i := 0; i < 20; i++ {
			if _, _, err := l.Allow(ctx, fmt.Sprint("10.0.0.", i)); err != nil {
				t.Fatal(err)
			}
		}
		if n := count(); n != 20 {
			t.Fatalf("%d buckets, want 20", n)
		}
		clock.Advance(2 * time.Minute)
		if _, _, err := l.Allow(ctx, "10.0.1.1"); err != nil {
			t.Fatal(err)
		}
		if n := count(); n != 1 {
			t.Errorf("%d buckets after two minutes, want 1 (the refilled ones deleted)", n)
		}
	})
}

// BenchmarkLimiter measures one Allow: the in-memory limiter of a SQLite
// store, then (with DOORSTEP_TEST_PG) the PostgreSQL store's upsert, in
// one run; the postgres result reports its ratio to memory's ns/op as
// x-memory. 1,000 devices take turns, the clock advancing so most
// requests are allowed (the common case).
func BenchmarkLimiter(b *testing.B) {
	var memNs float64
	for _, backend := range []string{"memory", "postgres"} {
		b.Run(backend, func(b *testing.B) {
			ctx := context.Background()
			clock := &testClock{t: time.Date(2026, 12, 5, 12, 0, 0, 0, time.UTC)}
			var l Limiter = NewMemoryLimiter(20, 60, clock.Now)
			if backend == "postgres" {
				s, err := Open(ctx, testDB(b), Options{Now: clock.Now})
				if err != nil {
					b.Fatal(err)
				}
				defer s.Close()
				l = s.Limiter("device", 20, 60, clock.Now)
			}
			keys := make([]string, 1000)
			for i := range keys {
				keys[i] = fmt.Sprintf("device-%04d", i)
			}
			b.ResetTimer()
			start := time.Now()
			for i := 0; i < b.N; i++ {
				clock.Advance(time.Millisecond)
				if _, _, err := l.Allow(ctx, keys[i%len(keys)]); err != nil {
					b.Fatal(err)
				}
			}
			ns := float64(time.Since(start).Nanoseconds()) / float64(b.N)
			if backend == "memory" {
				memNs = ns
			} else if memNs > 0 {
				b.ReportMetric(ns/memNs, "x-memory")
			}
		})
	}
}
