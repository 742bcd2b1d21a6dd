package replica

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"modernc.org/sqlite" // also the plain-SQLite baseline

	"doorstep/schema"
	"doorstep/schema/demo"
	"doorstep/sync/change"
)

// BenchmarkCaptureOverhead saves the same household forms (household, 3
// members, 6 incomes; one transaction each) into a device replica through
// DB() and into plain SQLite with the same schema and pragmas, and reports
// the ratio of their times: x-plain against plain modernc SQLite as the app
// would use it without the sync engine, and x-plain-cached against plain
// SQLite given the same prepared-statement cache as DB() — the cost of the
// capture triggers alone.
func BenchmarkCaptureOverhead(b *testing.B) {
	ctx := context.Background()
	const forms = 300
	const pragmas = "?_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)&_pragma=busy_timeout(10000)"
	r := mustOpen(b, schema.Device, nil)
	plain, err := sql.Open("sqlite", filepath.Join(b.TempDir(), "plain.db")+pragmas)
	if err != nil {
		b.Fatal(err)
	}
	defer plain.Close()
	cached := sql.OpenDB(connector{drv: &sqlite.Driver{}, dsn: filepath.Join(b.TempDir(), "cached.db") + pragmas})
	defer cached.Close()
	for _, db := range []*sql.DB{plain, cached} {
		if err := schema.Migrate(ctx, db, schema.Device); err != nil {
			b.Fatal(err)
		}
	}
	run := func(db *sql.DB, seed uint64) time.Duration {
		f := newFormSaver(seed)
		start := time.Now()
		for i := 0; i < forms; i++ {
			if _, err := f.save(ctx, db, "c1"); err != nil {
				b.Fatal(err)
			}
		}
		return time.Since(start)
	}
	// Warm all three up so page caches and statement caches are comparable.
	for _, db := range []*sql.DB{plain, cached, r.DB()} {
		run(db, 1)
	}
	fold := func() time.Duration {
		start := time.Now()
		if err := r.foldLog(ctx); err != nil {
			b.Fatal(err)
		}
		return time.Since(start)
	}
	fold()
	var tPlain, tCached, tCap time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		// Interleave so that load from other processes hits all alike.
		seed := uint64(i + 2)
		tPlain += run(plain, seed)
		tCap += run(r.DB(), seed)
		tCached += run(cached, seed)
	}
	b.StopTimer()
	// The captured changes are folded into row clocks at the next sync;
	// count that work too (it is off the form-save path, but it is work).
	tFold := fold()
	b.ReportMetric(float64(tCap)/float64(tPlain), "x-plain")
	b.ReportMetric(float64(tCap)/float64(tCached), "x-plain-cached")
	b.ReportMetric(float64(tCap+tFold)/float64(tCached), "x-plain-cached+fold")
	b.ReportMetric(float64(tCap.Microseconds())/float64(b.N*forms), "µs/save")
	b.ReportMetric(float64(tPlain.Microseconds())/float64(b.N*forms), "µs/plain-save")
}

// mergeSource captures n household form saves on a device and returns its
// outbox: the changes another replica would pull.
func mergeSource(b *testing.B, saves int) *change.Set {
	ctx := context.Background()
	src := mustOpen(b, schema.Device, nil)
	f := newFormSaver(7)
	for i := 0; i < saves; i++ {
		if _, err := f.save(ctx, src.DB(), fmt.Sprintf("c%d", i%8)); err != nil {
			b.Fatal(err)
		}
	}
	set, err := src.Outbox(ctx, saves*10)
	if err != nil {
		b.Fatal(err)
	}
	return set
}

// BenchmarkMerge applies 100,000 remote column changes (household form
// saves from another device) to an empty device database, in pull pages of
// 10,000 changes, and reports changes/s.
func BenchmarkMerge(b *testing.B) {
	ctx := context.Background()
	set := mergeSource(b, 910)
	changes := set.Changes[:100000]
	const page = 10000
	var total time.Duration
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		dst := mustOpen(b, schema.Device, nil)
		b.StartTimer()
		start := time.Now()
		for off := 0; off < len(changes); off += page {
			p := &change.Set{Site: set.Site, Changes: changes[off:min(off+page, len(changes))]}
			if _, err := dst.Apply(ctx, p, ApplyOptions{}); err != nil {
				b.Fatal(err)
			}
		}
		total += time.Since(start)
	}
	b.ReportMetric(float64(len(changes)*b.N)/total.Seconds(), "changes/s")
}

// BenchmarkMetadataSize writes the demo district (schema/demo) into a
// server replica through its DB() — every row captured — and pulls it into
// a device replica, then reports sync metadata bytes ÷ data bytes for both
// (pages in use, dbstat) as server-meta/data and device-meta/data.
func BenchmarkMetadataSize(b *testing.B) {
	ctx := context.Background()
	d := demo.Generate(demo.DefaultSeed, time.Date(2026, 7, 1, 9, 0, 0, 0, time.UTC))
	for i := 0; i < b.N; i++ {
		hub := mustOpen(b, schema.Server, nil)
		if err := demo.Write(ctx, hub.DB(), d); err != nil {
			b.Fatal(err)
		}
		dev := mustOpen(b, schema.Device, nil)
		cur := Cursor{}
		for {
			page, err := hub.Changes(ctx, cur, 2000)
			if err != nil {
				b.Fatal(err)
			}
			if _, err := dev.Apply(ctx, &change.Set{Site: hub.Site(), Changes: page.Changes()}, ApplyOptions{}); err != nil {
				b.Fatal(err)
			}
			cur = page.Next
			if page.Done {
				break
			}
		}
		hs, err := hub.Stats(ctx)
		if err != nil {
			b.Fatal(err)
		}
		ds, err := dev.Stats(ctx)
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(hs.Ratio(), "server-meta/data")
		b.ReportMetric(ds.Ratio(), "device-meta/data")
		b.ReportMetric(float64(hs.DataBytes)/1e6, "data-MB")
		b.ReportMetric(float64(len(d.Rows)), "rows")
	}
}
