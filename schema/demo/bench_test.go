package demo_test

import (
	"context"
	"testing"

	"doorstep/schema"
	"doorstep/schema/demo"
)

func BenchmarkGenerate(b *testing.B) {
	var rows int
	for b.Loop() {
		rows = len(demo.Generate(demo.DefaultSeed, ref).Rows)
	}
	b.ReportMetric(float64(rows*b.N)/b.Elapsed().Seconds(), "rows/s")
}

// BenchmarkWrite writes the whole district into a fresh, migrated plain
// SQLite database per iteration.
func BenchmarkWrite(b *testing.B) {
	d := demo.Generate(demo.DefaultSeed, ref)
	ctx := context.Background()
	var written int
	for b.Loop() {
		b.StopTimer()
		db := openDB(b, schema.Device)
		b.StartTimer()
		if err := demo.Write(ctx, db, d); err != nil {
			b.Fatal(err)
		}
		written += len(d.Rows)
	}
	b.ReportMetric(float64(written)/b.Elapsed().Seconds(), "rows/s")
}
