package server

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"sync"
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

// benchDevice is an enrolled device of the ingest benchmarks: a site, a
// client with its token, and its own clock.
type benchDevice struct {
	site   string
	client *client.Client
	clock  *hlc.Clock
}

// benchDevices enrolls n devices of one worker (community c1) through the
// store, so enrollment's per-address rate limit does not apply.
func benchDevices(b *testing.B, e *env, n int) (user string, devs []*benchDevice) {
	ctx := context.Background()
	w := e.user(b, workerC1)
	for i := 0; i < n; i++ {
		code, _, err := e.store.CreateEnrollCode(ctx, w.ID, time.Hour)
		if err != nil {
			b.Fatal(err)
		}
		site := newID()
		en, err := e.store.Enroll(ctx, code, fmt.Sprintf("bench device %d", i), site, 0)
		if err != nil {
			b.Fatal(err)
		}
		devs = append(devs, &benchDevice{site: site, client: client.New(e.ts.URL, en.Token), clock: hlc.NewClock(e.clock.Now, 0, 0)})
	}
	return w.ID, devs
}

// benchValue is a value for column c of the r-th benchmark row.
func benchValue(c schema.Column, r int, mark string) any {
	switch {
	case c.Name == "community_id":
		return "c1"
	case c.Name == "deleted":
		return int64(0)
	case c.Type == schema.TypeInt:
		return int64(r*7 + len(mark))
	case c.Type == schema.TypeText:
		return fmt.Sprintf("%s %d 解放路%s", c.Name, r, mark)
	}
	return nil
}

// insertBody encodes a push of rows new households (every column of the
// registry's households table) and returns it with its change count.
func insertBody(b *testing.B, d *benchDevice, user string, rows int) ([]byte, *change.Set) {
	hh, _ := schema.Reg.Table("households")
	set := &change.Set{Batch: xid.New().String(), Site: d.site}
	for r := 0; r < rows; r++ {
		id := newID()
		at := change.Clock{HLC: d.clock.Now(), Site: d.site}
		for _, c := range hh.Columns {
			set.Changes = append(set.Changes, change.Change{Table: hh.Name, ID: id, Column: c.Name, Value: benchValue(c, r, ""), Clock: at, User: user})
		}
	}
	var buf bytes.Buffer
	if err := wire.Encode(&buf, set); err != nil {
		b.Fatal(err)
	}
	return buf.Bytes(), set
}

// editBody encodes a push editing 4 columns of each household of sets (as
// pushed before by insertBody), each change based on the value it
// replaces.
func editBody(b *testing.B, d *benchDevice, user string, sets []*change.Set, mark string) []byte {
	edit := map[string]bool{"head_name": true, "address": true, "benefit_fen": true, "status": true}
	hh, _ := schema.Reg.Table("households")
	out := &change.Set{Batch: xid.New().String(), Site: d.site}
	for _, set := range sets {
		var at change.Clock
		for i, c := range set.Changes {
			if i == 0 || c.ID != set.Changes[i-1].ID {
				at = change.Clock{HLC: d.clock.Now(), Site: d.site}
			}
			if !edit[c.Column] {
				continue
			}
			col, _ := hh.Column(c.Column)
			e := c
			e.Value, e.Base, e.Clock = benchValue(col, i, mark), c.Clock, at
			out.Changes = append(out.Changes, e)
		}
	}
	var buf bytes.Buffer
	if err := wire.Encode(&buf, out); err != nil {
		b.Fatal(err)
	}
	return buf.Bytes()
}

// pushInProcess sends one encoded push straight to the handler.
func pushInProcess(b *testing.B, h http.Handler, d *benchDevice, body []byte) {
	req := httptest.NewRequest("POST", api.PathPush, bytes.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+d.client.Token)
	req.Header.Set("Content-Type", client.ContentType)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK {
		b.Fatalf("push: %d %s", rec.Code, rec.Body)
	}
}

// BenchmarkIngest measures the server taking pushes, in column changes
// stored per second. Every push goes through the whole push path (auth,
// gzip, decode and validation, site/user/clock checks, the role and scope
// check of every row against its stored state, merge with conflict
// detection, the acknowledgement in the same transaction, a commit with
// synchronous=FULL) into the SQLite store.
//
//   - insert/in-process: 50 pushes of 100 new households × 20 columns
//     (2,000 changes each, as a device coming back online), called on the
//     handler in-process (httptest.NewRecorder), one after another;
//   - edit/in-process: 50 pushes each editing 4 columns of 500 households
//     the server holds (2,000 changes each), based on the stored values;
//   - loopback/devices=N: N devices push at once over real HTTP on a
//     loopback TCP socket (the server behind httptest.NewServer, the sync
//     client with gzip), each push 10 new households (200 changes, a
//     form-sized batch), each device pushing one after another (200
//     pushes in all, 4 each at 50 devices); reports changes/s over the
//     whole run and each push's latency as the device sees it, p50 and
//     p95 in milliseconds.
func BenchmarkIngest(b *testing.B) {
	const pushes, rowsPerPush = 50, 100
	b.Run("insert/in-process", func(b *testing.B) {
		e := newEnv(b, Config{Rate: -1, BodyLimit: 64 << 20})
		user, devs := benchDevices(b, e, 1)
		h := e.srv.Handler()
		changes := 0
		var elapsed time.Duration
		for i := 0; i < b.N; i++ {
			b.StopTimer()
			bodies := make([][]byte, pushes)
			for j := range bodies {
				var set *change.Set
				bodies[j], set = insertBody(b, devs[0], user, rowsPerPush)
				changes += len(set.Changes)
			}
			b.StartTimer()
			start := time.Now()
			for _, body := range bodies {
				pushInProcess(b, h, devs[0], body)
			}
			elapsed += time.Since(start)
		}
		b.ReportMetric(float64(changes)/elapsed.Seconds(), "changes/s")
		b.ReportMetric(0, "ns/op")
	})
	b.Run("edit/in-process", func(b *testing.B) {
		e := newEnv(b, Config{Rate: -1, BodyLimit: 64 << 20})
		user, devs := benchDevices(b, e, 1)
		h := e.srv.Handler()
		changes := 0
		var elapsed time.Duration
		for i := 0; i < b.N; i++ {
			b.StopTimer()
			// The households to edit, stored first (not timed).
			var edits [][]byte
			for j := 0; j < pushes; j++ {
				var sets []*change.Set
				for k := 0; k < 5; k++ {
					body, set := insertBody(b, devs[0], user, rowsPerPush)
					pushInProcess(b, h, devs[0], body)
					sets = append(sets, set)
				}
				edits = append(edits, editBody(b, devs[0], user, sets, fmt.Sprint("改", i)))
				changes += 5 * rowsPerPush * 4
			}
			b.StartTimer()
			start := time.Now()
			for _, body := range edits {
				pushInProcess(b, h, devs[0], body)
			}
			elapsed += time.Since(start)
		}
		b.ReportMetric(float64(changes)/elapsed.Seconds(), "changes/s")
		b.ReportMetric(0, "ns/op")
	})
	for _, n := range []int{1, 10, 50} {
		b.Run(fmt.Sprintf("loopback/devices=%d", n), func(b *testing.B) { benchLoopback(b, n) })
	}
}

// benchLoopback has n devices push form-sized batches at once over a
// loopback socket.
func benchLoopback(b *testing.B, n int) {
	const total, rows = 200, 10
	ctx := context.Background()
	e := newEnv(b, Config{Rate: -1})
	user, devs := benchDevices(b, e, n)
	perDevice := total / n
	var lat []time.Duration
	changes := 0
	var elapsed time.Duration
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		bodies := make([][][]byte, n)
		batches := make([][]string, n)
		for d := range devs {
			for range perDevice {
				body, set := insertBody(b, devs[d], user, rows)
				bodies[d] = append(bodies[d], body)
				batches[d] = append(batches[d], set.Batch)
				changes += len(set.Changes)
			}
		}
		lats := make([][]time.Duration, n)
		errs := make(chan error, n)
		var wg sync.WaitGroup
		b.StartTimer()
		start := time.Now()
		for d := range devs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for k, body := range bodies[d] {
					t0 := time.Now()
					if _, err := devs[d].client.PushEncoded(ctx, batches[d][k], body); err != nil {
						errs <- err
						return
					}
					lats[d] = append(lats[d], time.Since(t0))
				}
			}()
		}
		wg.Wait()
		elapsed += time.Since(start)
		b.StopTimer()
		close(errs)
		for err := range errs {
			b.Fatal(err)
		}
		for _, l := range lats {
			lat = append(lat, l...)
		}
	}
	slices.Sort(lat)
	pct := func(p float64) float64 { return float64(lat[int(p*float64(len(lat)-1))].Microseconds()) / 1000 }
	b.ReportMetric(float64(changes)/elapsed.Seconds(), "changes/s")
	b.ReportMetric(pct(0.50), "push-p50-ms")
	b.ReportMetric(pct(0.95), "push-p95-ms")
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
			if err := rep.DB().QueryRow(`SELECT count(*) FROM ` + t.Name).Scan(&n); err != nil {
				b.Fatal(err)
			}
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
