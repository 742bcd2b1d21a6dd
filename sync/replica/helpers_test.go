package replica

import (
	"context"
	"fmt"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"doorstep/schema"
)

// testClock is an injected physical clock that tests move by hand.
type testClock struct{ ms atomic.Int64 }

func newTestClock() *testClock {
	c := &testClock{}
	c.ms.Store(time.Date(2025, 3, 1, 8, 0, 0, 0, time.UTC).UnixMilli())
	return c
}

func (c *testClock) Now() time.Time          { return time.UnixMilli(c.ms.Load()).UTC() }
func (c *testClock) Advance(d time.Duration) { c.ms.Add(d.Milliseconds()) }

var siteSeq atomic.Int64

// testSite returns a distinct canonical UUID per call.
func testSite() string {
	return fmt.Sprintf("00000000-0000-4000-8000-%012d", siteSeq.Add(1))
}

// mustOpen opens a replica in a temporary directory.
func mustOpen(tb testing.TB, target schema.Target, clock *testClock) *Replica {
	tb.Helper()
	if clock == nil {
		clock = newTestClock()
	}
	r, err := Open(context.Background(), filepath.Join(tb.TempDir(), "r.db"), Options{
		Target: target, Now: clock.Now, Site: testSite(), MaxDrift: 30 * 24 * time.Hour,
	})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { r.Close() })
	return r
}

func mustExec(tb testing.TB, r *Replica, q string, args ...any) {
	tb.Helper()
	if _, err := r.DB().Exec(q, args...); err != nil {
		tb.Fatalf("%s: %v", q, err)
	}
}
