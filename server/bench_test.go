package server

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/rs/xid"

	"doorstep/schema"
	"doorstep/schema/demo"
	"doorstep/sync/change"
	"doorstep/sync/client"
	"doorstep/sync/client/api"
	"doorstep/sync/hlc"
	"doorstep/sync/replica"
	"doorstep/sync/wire"
)

// BenchmarkIngest pushes batches of new households (20 columns each, 2,000
// column changes per push, as a device coming back online would) through
// the HTTP handler into the SQLite store, and reports column changes per
// second. Each iteration ingests 50 pushes; run with -benchtime 1x for one
// measurement of 100,000 changes.
func BenchmarkIngest(b *testing.B) {
	const pushes, rowsPerPush = 50, 100
	e := newEnv(b, Config{Rate: -1, BodyLimit: 64 << 20})
	w := e.user(b, workerC1)
	d := e.newDevice(b, w.ID)
	h := e.srv.Handler()
	hh, _ := schema.Reg.Table("households")
	clock := hlc.NewClock(e.clock.Now, 0, 0)
	makeBody := func() ([]byte, int) {
		set := &change.Set{Batch: xid.New().String(), Site: d.rep.Site()}
		for r := 0; r < rowsPerPush; r++ {
			id := newID()
			at := change.Clock{HLC: clock.Now(), Site: d.rep.Site()}
			for _, c := range hh.Columns {
				var v any
				switch {
				case c.Name == "community_id":
					v = "c1"
				case c.Name == "deleted":
					v = int64(0)
				case c.Type == schema.TypeInt:
					v = int64(r * 7)
				case c.Type == schema.TypeText:
					v = fmt.Sprintf("%s %d 解放路", c.Name, r)
				}
				set.Changes = append(set.Changes, change.Change{Table: hh.Name, ID: id, Column: c.Name, Value: v, Clock: at, User: w.ID})
			}
		}
		var buf bytes.Buffer
		if err := wire.Encode(&buf, set); err != nil {
			b.Fatal(err)
		}
		return buf.Bytes(), len(set.Changes)
	}
	changes := 0
	var elapsed time.Duration
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		bodies := make([][]byte, pushes)
		for j := range bodies {
			var n int
			bodies[j], n = makeBody()
			changes += n
		}
		b.StartTimer()
		start := time.Now()
		for _, body := range bodies {
			req := httptest.NewRequest("POST", api.PathPush, bytes.NewReader(body))
			req.Header.Set("Authorization", "Bearer "+d.client.Token)
			req.Header.Set("Content-Type", client.ContentType)
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != http.StatusOK {
				b.Fatalf("push: %d %s", rec.Code, rec.Body)
			}
		}
		elapsed += time.Since(start)
	}
	b.ReportMetric(float64(changes)/elapsed.Seconds(), "changes/s")
	b.ReportMetric(0, "ns/op")
}

// BenchmarkInitialSync has a fresh district-level device pull the whole
// demo district (schema/demo, default seed) from a server over loopback
// HTTP, applying every page to its replica; it reports the seconds that
// took, the CPU seconds server and device spent together (the machine may
// be shared: cpu-s does not grow with other processes' load, s does), the
// bytes on the wire and the column changes received.
func BenchmarkInitialSync(b *testing.B) {
	ctx := context.Background()
	e := newEnv(b, Config{Rate: -1})
	start := time.Now()
	d := demo.Generate(demo.DefaultSeed, time.Date(2026, 7, 1, 0, 0, 0, 0, time.UTC))
	if err := demo.Write(ctx, e.store.Replica().DB(), d); err != nil {
		b.Fatal(err)
	}
	b.Logf("demo district: %d rows written in %s", len(d.Rows), time.Since(start).Round(time.Millisecond))
	sup := e.user(b, districtSupervisor)
	var secs, cpu, bytesOnWire, pulled float64
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		rep, err := replica.Open(ctx, filepath.Join(b.TempDir(), fmt.Sprintf("device%d.db", i)), replica.Options{Now: e.clock.Now})
		if err != nil {
			b.Fatal(err)
		}
		rep.SetUser(ctx, sup.ID)
		c, _ := e.enroll(b, sup.ID, rep.Site())
		b.StartTimer()
		t0, c0 := time.Now(), cpuTime()
		st, err := c.Sync(ctx, rep, client.SyncOptions{})
		if err != nil {
			b.Fatal(err)
		}
		secs += time.Since(t0).Seconds()
		cpu += (cpuTime() - c0).Seconds()
		b.StopTimer()
		bytesOnWire += float64(st.BytesPulled)
		pulled += float64(st.Pulled)
		var rows int
		for _, t := range schema.Reg.Tables() {
			var n int
			rep.DB().QueryRow(`SELECT count(*) FROM ` + t.Name).Scan(&n)
			rows += n
		}
		if rows < len(d.Rows) {
			b.Fatalf("device holds %d rows, the district has %d", rows, len(d.Rows))
		}
		rep.Close()
		b.StartTimer()
	}
	n := float64(b.N)
	b.ReportMetric(secs/n, "s")
	b.ReportMetric(cpu/n, "cpu-s")
	b.ReportMetric(bytesOnWire/n, "wire-bytes")
	b.ReportMetric(pulled/n, "changes")
	b.ReportMetric(0, "ns/op")
}

// cpuTime is the CPU time this process has used, user and system.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
