package server

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/rs/xid"

	"doorstep/schema"
	"doorstep/server/store"
	"doorstep/sync/change"
	"doorstep/sync/client"
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
		b.ReportMetric(p95(one), "p95-1dev-ms")
		b.ReportMetric(p95(many), "p95-50dev-ms")
		b.ReportMetric(p95(many)/p95(one), "p95-ratio-group")
		b.ReportMetric(p95(serialMany)/p95(one), "p95-ratio-serial")
	}
	b.ReportMetric(0, "ns/op")
}

func p95(lat []time.Duration) float64 {
	slices.Sort(lat)
	return float64(lat[int(0.95*float64(len(lat)-1))].Microseconds()) / 1000
}

// pushLatencies runs n devices each pushing pushes form-sized batches at
// once against a fresh server and returns every push's latency.
func pushLatencies(b *testing.B, serial bool, n, pushes int) []time.Duration {
	b.Helper()
	b.StopTimer()
	ctx := context.Background()
	clock := &testClock{t: time.Now().UTC()}
	dir := b.TempDir()
	st, err := store.Open(ctx, filepath.Join(dir, "server.db"), store.Options{Now: time.Now, SerialPushes: serial})
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
	e := &env{store: st, srv: srv, ts: ts, clock: clock}
	u := e.user(b, store.User{Name: "王芳", Role: schema.RoleWorker, Communities: []string{"c1"}})
	type dev struct {
		c    *client.Client
		site string
		sets []*change.Set
	}
	devs := make([]dev, n)
	for i := range devs {
		site := uuid.NewString()
		c, _ := e.enroll(b, u.ID, site)
		devs[i] = dev{c: c, site: site}
		for range pushes {
			devs[i].sets = append(devs[i].sets, formPush(site, u.ID, 5))
		}
	}
	lats := make([][]time.Duration, n)
	var wg sync.WaitGroup
	errs := make(chan error, n)
	b.StartTimer()
	for i := range devs {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			for _, set := range devs[i].sets {
				t0 := time.Now()
				if _, err := devs[i].c.Push(ctx, set); err != nil {
					errs <- fmt.Errorf("device %d: %w", i, err)
					return
				}
				lats[i] = append(lats[i], time.Since(t0))
			}
		}(i)
	}
	wg.Wait()
	b.StopTimer()
	close(errs)
	for err := range errs {
		b.Fatal(err)
	}
	if g, p := st.GroupStats(); g > 0 {
		b.Logf("serial=%v n=%d: %d groups of %.1f pushes on average", serial, n, g, float64(p)/float64(g))
	}
	var all []time.Duration
	for _, l := range lats {
		all = append(all, l...)
	}
	return all
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
