package replica

import (
	"context"
	"fmt"
	"strings"
	"syscall"
	"testing"
	"time"

	"doorstep/schema"
	"doorstep/schema/demo"
	"doorstep/sync/change"
	"doorstep/sync/hlc"
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

// cpuTime is the CPU time this process has used, user and system: unlike
// wall time it does not grow when other processes load the machine.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// Merge benchmark sizes: 100,000 column changes applied in pages of 20,000,
// the most a server pull page holds by default (server.Config.PageSize).
const (
	mergeChanges = 100000
	mergePage    = 20000
)

// BenchmarkMerge measures Apply, in column changes merged per second, for
// what pull pages and pushes bring (100,000 column changes in pages of
// 20,000, each page one Apply, whole rows per page):
//
//   - insert: household form saves from another device into an empty
//     device replica (a first sync);
//   - edit: edits of up to 4 columns of rows the replica already holds
//     (about 29,400 of the 30,000 rows of form saves it merged before, the
//     edits of one row together), on a device replica and on a
//     server replica, which also checks every change for a concurrent
//     edit — steady-state sync;
//   - edit-10%-conflicts: the same edits into a server replica where 10 %
//     of the edited columns were changed meanwhile by a third device, so
//     those changes are concurrent edits: the winner is chosen and a
//     conflict record written for each.
//
// changes/s is wall time; changes/cpu-s divides by the CPU time the
// process used meanwhile (user and system, garbage collection included),
// which other processes' load on a shared machine does not inflate.
func BenchmarkMerge(b *testing.B) {
	b.Run("insert", func(b *testing.B) {
		set := mergeSource(b, 910)
		changes := set.Changes[:mergeChanges]
		var total, cpu time.Duration
		for i := 0; i < b.N; i++ {
			b.StopTimer()
			dst := mustOpen(b, schema.Device, nil)
			b.StartTimer()
			c0 := cpuTime()
			total += applyPages(b, dst, set.Site, changes)
			cpu += cpuTime() - c0
		}
		b.ReportMetric(float64(len(changes)*b.N)/total.Seconds(), "changes/s")
		b.ReportMetric(float64(len(changes)*b.N)/cpu.Seconds(), "changes/cpu-s")
		b.ReportMetric(0, "ns/op")
	})
	src := mergeSource(b, 3000) // 30,000 rows, 333,000 column changes
	for _, tc := range []struct {
		name      string
		target    schema.Target
		conflicts bool
	}{
		{"edit/device", schema.Device, false},
		{"edit/server", schema.Server, false},
		{"edit-10%-conflicts/server", schema.Server, true},
	} {
		b.Run(tc.name, func(b *testing.B) {
			var total, cpu time.Duration
			var res Result
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				dst := mustOpen(b, tc.target, nil)
				applyPages(b, dst, src.Site, src.Changes)
				edits, third := mergeEdits(src, tc.conflicts)
				if len(third) > 0 {
					applyPages(b, dst, siteThird, third)
				}
				b.StartTimer()
				c0 := cpuTime()
				total += applyPages(b, dst, siteEditor, edits, &res)
				cpu += cpuTime() - c0
			}
			b.ReportMetric(float64(mergeChanges*b.N)/total.Seconds(), "changes/s")
			b.ReportMetric(float64(mergeChanges*b.N)/cpu.Seconds(), "changes/cpu-s")
			b.ReportMetric(float64(res.Conflicts)/float64(b.N), "conflicts")
			b.ReportMetric(0, "ns/op")
			if tc.conflicts && res.Conflicts != mergeChanges/10*b.N {
				b.Fatalf("%d conflicts recorded, want %d", res.Conflicts, mergeChanges/10*b.N)
			}
			if res.Applied != mergeChanges*b.N {
				b.Fatalf("%d changes applied, want %d", res.Applied, mergeChanges*b.N)
			}
		})
	}
}

// applyPages applies changes to dst in pages of mergePage, adds the results
// to res (when given) and returns the time it took.
func applyPages(b *testing.B, dst *Replica, site string, changes []change.Change, res ...*Result) time.Duration {
	ctx := context.Background()
	start := time.Now()
	for off := 0; off < len(changes); off += mergePage {
		end := min(off+mergePage, len(changes))
		// Never cut a row in two: a page holds whole rows.
		for end < len(changes) && changes[end].ID == changes[end-1].ID {
			end++
		}
		p := &change.Set{Site: site, Changes: changes[off:end]}
		r, err := dst.Apply(ctx, p, ApplyOptions{})
		if err != nil {
			b.Fatal(err)
		}
		for _, acc := range res {
			acc.Applied += r.Applied
			acc.Ignored += r.Ignored
			acc.Conflicts += r.Conflicts
		}
		off = end - mergePage
	}
	return time.Since(start)
}

// Sites of the edit benchmarks: the editing device, and a third device
// whose earlier edits make some of the editor's concurrent.
const (
	siteEditor = "0195b000-0000-7000-8000-0000000000ed"
	siteThird  = "0195b000-0000-7000-8000-0000000000c3"
)

// mergeEdits returns edits of the rows src inserted: up to 4 columns of
// each row (not ids, not deleted), mergeChanges in all, by siteEditor,
// each based on the inserted value's clock, so they are ordinary later
// edits. With conflicts, every tenth edited column was also changed by
// siteThird after the insert (returned as third, to apply first), so those
// edits are concurrent.
func mergeEdits(src *change.Set, conflicts bool) (edits, third []change.Change) {
	var maxHLC hlc.Timestamp
	for _, c := range src.Changes {
		maxHLC = max(maxHLC, c.Clock.HLC)
	}
	thirdAt := change.Clock{HLC: maxHLC + 1<<16, Site: siteThird}
	editAt := change.Clock{HLC: maxHLC + 2<<16, Site: siteEditor}
	for i := 0; i < len(src.Changes) && len(edits) < mergeChanges; {
		j := i
		var picked []change.Change
		for ; j < len(src.Changes) && src.Changes[j].ID == src.Changes[i].ID; j++ {
			c := src.Changes[j]
			if len(picked) < 4 && c.Value != nil && c.Column != "deleted" && !strings.HasSuffix(c.Column, "_id") {
				picked = append(picked, c)
			}
		}
		for _, c := range picked[:min(len(picked), mergeChanges-len(edits))] {
			if conflicts && len(edits)%10 == 0 {
				t := c
				t.Value, t.Clock, t.User, t.Base = editedValue(c.Value, "丙", 2), thirdAt, "u-third", c.Clock
				third = append(third, t)
			}
			e := c
			e.Value, e.Clock, e.User, e.Base = editedValue(c.Value, "改", 1), editAt, "u-editor", c.Clock
			edits = append(edits, e)
		}
		i = j
	}
	return edits, third
}

// editedValue returns a value of v's type that differs from v: text
// with mark appended, a number plus delta.
func editedValue(v any, mark string, delta int64) any {
	switch x := v.(type) {
	case string:
		return x + mark
	case int64:
		return x + delta
	case float64:
		return x + float64(delta)
	}
	return v
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
