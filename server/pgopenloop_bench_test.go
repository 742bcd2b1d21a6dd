package server

import (
	"os"
	"testing"
	"time"
)

// BenchmarkPGOpenLoopPush is BenchmarkOpenLoopPush on PostgreSQL
// (DOORSTEP_TEST_PG; skipped without it): the same open-loop schedule and
// form-sized pushes, against two server processes' stores on one fresh
// database, each behind its own loopback HTTP listener, devices enrolled
// on them in turn (as `make load STORE=postgres` runs them). One device
// pushes 60 times (mean interval 100 ms), then 50 devices 5 times each
// (mean interval 1 s each: 50 pushes/s in all), each run on a database of
// its own. Reported: push p50 and p95 (ms) of one device and of 50, and
// p95(50)/p95(1), the goal being at most 3.
func BenchmarkPGOpenLoopPush(b *testing.B) {
	if os.Getenv("DOORSTEP_TEST_PG") == "" {
		b.Skip("DOORSTEP_TEST_PG not set (.ci/postgres.sh start)")
	}
	for i := 0; i < b.N; i++ {
		one := pgOpenLoopLatencies(b, 1, openLoopOnePushes, openLoopOneEvery)
		many := pgOpenLoopLatencies(b, openLoopDevices, openLoopManyEach, openLoopEvery)
		b.ReportMetric(pct(one, 0.50), "p50-1dev-ms")
		b.ReportMetric(pct(one, 0.95), "p95-1dev-ms")
		b.ReportMetric(pct(many, 0.50), "p50-50dev-ms")
		b.ReportMetric(pct(many, 0.95), "p95-50dev-ms")
		b.ReportMetric(pct(many, 0.95)/pct(one, 0.95), "p95-ratio")
	}
	b.ReportMetric(0, "ns/op")
}

// pgOpenLoopLatencies runs n devices pushing pushes each on the open-loop
// schedule against two stores on one fresh PostgreSQL schema.
func pgOpenLoopLatencies(b *testing.B, n, pushes int, every time.Duration) []time.Duration {
	b.Helper()
	b.StopTimer()
	servers, closeAll := pgBenchServers(b, 2, nil)
	defer closeAll()
	return openLoopRun(b, servers, n, pushes, every)
}
