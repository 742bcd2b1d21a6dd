package server

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/rs/xid"

	"doorstep/schema"
	"doorstep/server/internal/pgtest"
	"doorstep/server/store"
	"doorstep/sync/change"
	"doorstep/sync/hlc"
)

// BenchmarkPGPush measures pushes to servers on PostgreSQL (DOORSTEP_TEST_PG;
// skipped without it): two server processes' stores on one database, each
// behind its own loopback HTTP listener, and devices spread over both, as
// `make load STORE=postgres` runs them. Each push is a form-sized visit:
// 10 rows, 56–66 column changes: a submitted means visit (so its evidence
// is verified, as after every visit doorstep-load saves: by the servers'
// evidence followers, beside the pushes), a new household
// and edits of 8 households the device pushed before. One device pushes 30 times in a row (the
// baseline, same run); then 50 devices push 6 times each, all at once;
// then the same 50 devices' run against stores verifying evidence under the
// write lock (store.SetVerifyUnderLock: the baseline of verification from
// a snapshot, same run). Reported: pushes/s, p50 and p95 (ms) of each, the
// 50-device p95 over the 1-device p95, statements sent to PostgreSQL per
// push, and the 50-device pushes/s and p95 with verification under the
// lock, with their ratios to the run verifying from snapshots; and how
// long after the last 50-device push every change had been verified
// (settle). Statements a push count the followers' too.
func BenchmarkPGPush(b *testing.B) {
	if os.Getenv("DOORSTEP_TEST_PG") == "" {
		b.Skip("DOORSTEP_TEST_PG not set (.ci/postgres.sh start)")
	}
	for i := 0; i < b.N; i++ {
		one := pgPushRun(b, 1, 30, false)
		many := pgPushRun(b, 50, 6, false)
		locked := pgPushRun(b, 50, 6, true)
		b.ReportMetric(one.rate, "push/s-1dev")
		b.ReportMetric(pct(one.lat, 0.50), "p50-1dev-ms")
		b.ReportMetric(pct(one.lat, 0.95), "p95-1dev-ms")
		b.ReportMetric(many.rate, "push/s-50dev")
		b.ReportMetric(pct(many.lat, 0.50), "p50-50dev-ms")
		b.ReportMetric(pct(many.lat, 0.95), "p95-50dev-ms")
		b.ReportMetric(pct(many.lat, 0.95)/pct(one.lat, 0.95), "p95-ratio")
		b.ReportMetric(many.stmts, "stmts/push")
		b.ReportMetric(float64(many.settle.Milliseconds()), "settle-50dev-ms")
		b.ReportMetric(locked.rate, "push/s-50dev-lockverify")
		b.ReportMetric(locked.stmts, "stmts/push-lockverify")
		b.ReportMetric(pct(locked.lat, 0.95), "p95-50dev-lockverify-ms")
		b.ReportMetric(many.rate/locked.rate, "push/s-ratio-snapshot")
		b.ReportMetric(pct(locked.lat, 0.95)/pct(many.lat, 0.95), "p95-lockverify-over-snapshot")
	}
	b.ReportMetric(0, "ns/op")
}

// pgBenchServers opens n stores on one fresh PostgreSQL schema, each set
// up by setup (when not nil) and behind its own loopback HTTP server, as n
// server processes on one database; closeAll stops them all.
func pgBenchServers(b *testing.B, n int, setup func(*store.Store)) (servers []*env, closeAll func()) {
	b.Helper()
	dsn := pgtest.FreshSchema(b)
	var closers []func()
	closeAll = func() {
		for i := len(closers) - 1; i >= 0; i-- {
			closers[i]()
		}
	}
	for range n {
		st, err := store.Open(context.Background(), dsn, store.Options{Now: time.Now})
		if err != nil {
			closeAll()
			b.Fatal(err)
		}
		if setup != nil {
			setup(st)
		}
		e, stop := benchServer(b, st)
		closers = append(closers, func() { st.Close() }, stop)
		servers = append(servers, e)
	}
	return servers, closeAll
}

type pgPushResult struct {
	lat   []time.Duration
	rate  float64
	stmts float64
	// settle is how long after the last push was answered every change
	// had been through evidence verification (the follower, beside the
	// pushes).
	settle time.Duration
}

// pgPushRun has n devices push pushes visits each, all at once, to two
// stores on one fresh PostgreSQL schema, verifying evidence under the write
// lock when underLock.
func pgPushRun(b *testing.B, n, pushes int, underLock bool) pgPushResult {
	b.Helper()
	b.StopTimer()
	servers, closeAll := pgBenchServers(b, 2, func(st *store.Store) { st.SetVerifyUnderLock(underLock) })
	defer closeAll()
	u := servers[0].user(b, store.User{Name: "王芳", Role: schema.RoleWorker, Communities: []string{"c1"}})
	devs := enrollBench(b, servers, u.ID, n)
	mine := make([][]string, n) // the households each device added
	stmts0 := store.PGStatements()
	all, wall := pushRun{devs: devs, pushes: pushes, set: func(i, _ int) *change.Set {
		set, id := visitPush(devs[i].site, u.ID, mine[i])
		mine[i] = append(mine[i], id)
		return set
	}}.latencies(b)
	settled := time.Now()
	for {
		lag, err := servers[0].store.FollowLag(context.Background())
		if err != nil {
			b.Fatal(err)
		}
		if lag == 0 {
			break
		}
		if time.Since(settled) > 2*time.Minute {
			b.Fatalf("evidence verification still %d rows behind 2 minutes after the pushes", lag)
		}
		time.Sleep(5 * time.Millisecond)
	}
	settle := time.Since(settled)
	var g, p int64
	var vs store.VerifyStats
	for _, e := range servers {
		gi, pi := e.store.GroupStats()
		g, p = g+gi, p+pi
		v := e.store.VerifyStats()
		vs.FirstSnapshot += v.FirstSnapshot
		vs.Retried += v.Retried
		vs.UnderLock += v.UnderLock
	}
	if g > 0 {
		b.Logf("n=%d underLock=%v: %d groups of %.1f pushes on average; evidence verifications %+v", n, underLock, g, float64(p)/float64(g), vs)
	}
	return pgPushResult{lat: all, rate: float64(len(all)) / wall.Seconds(),
		stmts: float64(store.PGStatements()-stmts0) / float64(len(all)), settle: settle}
}

// visitPush is a form-sized visit of 10 rows: a submitted means visit (8
// columns) of a new household (10 columns) and edits of up to 8
// households the device added before (4 columns; the rest new households
// of 6), all at one clock. It returns the new household's id.
func visitPush(site, user string, mine []string) (*change.Set, string) {
	at := change.Clock{HLC: hlc.New(time.Now().UnixMilli(), 0), Site: site}
	set := &change.Set{Batch: xid.New().String(), Site: site, Schema: schema.Version}
	add := func(id, col string, v any) {
		set.Changes = append(set.Changes, change.Change{Table: "households", ID: id, Column: col, Value: v, Clock: at, User: user})
	}
	fresh := uuid.Must(uuid.NewV7()).String()
	for _, c := range []struct {
		col string
		v   any
	}{{"community_id", "c1"}, {"head_name", "张三"}, {"address", "解放路 1 号"}, {"urban", int64(1)},
		{"hardship_cause", "疾病"}, {"staff_relative", int64(0)}, {"hukou_local", int64(1)},
		{"class", "A"}, {"status", "applied"}, {"benefit_fen", int64(120000)}} {
		add(fresh, c.col, c.v)
	}
	// The visit: submitted, so its evidence is verified after the push.
	visit := uuid.Must(uuid.NewV7()).String()
	for _, c := range []struct {
		col string
		v   any
	}{{"household_id", fresh}, {"community_id", "c1"}, {"purpose", "application"}, {"method", "home"},
		{"observations", "家中陈设简陋。"}, {"state", "submitted"}, {"author_id", user}, {"deleted", int64(0)}} {
		set.Changes = append(set.Changes, change.Change{Table: "means_visits", ID: visit, Column: c.col, Value: c.v, Clock: at, User: user})
	}
	for k := range 8 {
		var id string
		if k < len(mine) {
			id = mine[len(mine)-1-k]
		} else {
			id = uuid.Must(uuid.NewV7()).String()
			add(id, "community_id", "c1")
		}
		add(id, "head_name", fmt.Sprintf("李四 %d", time.Now().UnixNano()%1000))
		add(id, "address", "解放路 2 号")
		add(id, "benefit_fen", int64(100000+k))
		add(id, "class", "B")
		if id != "" && k >= len(mine) {
			add(id, "hardship_cause", "残疾")
		}
	}
	return set, fresh
}
