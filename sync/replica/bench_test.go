package replica

import (
	"context"
	"fmt"
	"testing"
	"time"

	"doorstep/schema"
	"doorstep/schema/demo"
	"doorstep/sync/change"
)

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
