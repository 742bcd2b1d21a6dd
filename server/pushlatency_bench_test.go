package server

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/rs/xid"

	"doorstep/schema"
	"doorstep/server/store"
	"doorstep/sync/change"
	"doorstep/sync/hlc"
)

// BenchmarkConcurrentPush measures what a device waits for a push when
// many push at once, with group commit (pushes arriving together merged in
// one transaction) and, as the baseline in the same run, with every push
// merged alone (store.Options.SerialPushes). Each push is form-sized: 5
// new households of 10 columns (50 changes), over HTTP on a loopback
// socket. One device pushes 40 times in a row; then 50 devices push 4
// times each, all at once. Reported: p95 push latency of one device and of
// 50 (ms), their ratio (the goal: at most 3 with group commit), and the
// same ratio without group commit.
func BenchmarkConcurrentPush(b *testing.B) {
	for i := 0; i < b.N; i++ {
		one := pushLatencies(b, false, 1, 40)
		many := pushLatencies(b, false, 50, 4)
		serialMany := pushLatencies(b, true, 50, 4)
		b.ReportMetric(pct(one, 0.95), "p95-1dev-ms")
		b.ReportMetric(pct(many, 0.95), "p95-50dev-ms")
		b.ReportMetric(pct(many, 0.95)/pct(one, 0.95), "p95-ratio-group")
		b.ReportMetric(pct(serialMany, 0.95)/pct(one, 0.95), "p95-ratio-serial")
	}
	b.ReportMetric(0, "ns/op")
}

// pushLatencies runs n devices each pushing pushes form-sized batches at
// once against a fresh server and returns every push's latency.
func pushLatencies(b *testing.B, serial bool, n, pushes int) []time.Duration {
	b.Helper()
	b.StopTimer()
	st, err := store.Open(context.Background(), filepath.Join(b.TempDir(), "server.db"), store.Options{Now: time.Now, SerialPushes: serial})
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	e, stop := benchServer(b, st)
	defer stop()
	u := e.user(b, store.User{Name: "王芳", Role: schema.RoleWorker, Communities: []string{"c1"}})
	devs := enrollBench(b, []*env{e}, u.ID, n)
	lats, _ := pushRun{devs: devs, pushes: pushes, set: func(i, _ int) *change.Set {
		return formPush(devs[i].site, u.ID, 5)
	}}.latencies(b)
	if g, p := st.GroupStats(); g > 0 {
		b.Logf("serial=%v n=%d: %d groups of %.1f pushes on average", serial, n, g, float64(p)/float64(g))
	}
	return lats
}

// formPush is a push of rows new households of c1, 10 columns each.
func formPush(site, user string, rows int) *change.Set {
	at := change.Clock{HLC: hlc.New(time.Now().UnixMilli(), 0), Site: site}
	set := &change.Set{Batch: xid.New().String(), Site: site, Schema: schema.Version}
	for range rows {
		id := uuid.Must(uuid.NewV7()).String()
		for _, c := range []struct {
			col string
			v   any
		}{{"community_id", "c1"}, {"head_name", "张三"}, {"address", "解放路 1 号"}, {"urban", int64(1)},
			{"hardship_cause", "疾病"}, {"staff_relative", int64(0)}, {"hukou_local", int64(1)},
			{"class", "A"}, {"status", "applied"}, {"benefit_fen", int64(120000)}} {
			set.Changes = append(set.Changes, change.Change{Table: "households", ID: id, Column: c.col, Value: c.v, Clock: at, User: user})
		}
	}
	return set
}
