package desk_test

import (
	"testing"
	"time"

	"doorstep/app/desk"
	"doorstep/app/desk/conflict"
	"doorstep/app/desk/draw"
	"doorstep/app/desk/internal/testdb"
	"doorstep/app/desk/meeting"
	"doorstep/app/desk/report"
	"doorstep/app/desk/review"
)

// BenchmarkDeskOnDemo times each desk screen's main query on the whole
// demo district (a district supervisor's device), reported as records
// handled per second, so a query that degrades to a scan per row shows.
func BenchmarkDeskOnDemo(b *testing.B) {
	db, d := testdb.Demo(b, time.Date(2025, 7, 10, 0, 0, 0, 0, time.UTC))
	o, _ := testdb.Office(db, "", time.Date(2025, 7, 10, 2, 0, 0, 0, time.UTC))
	var streets []string
	ss, _ := o.Streets(ctx)
	for _, s := range ss {
		streets = append(streets, s.ID)
	}
	for _, c := range []struct {
		name string
		run  func() (int, error)
	}{
		{"ReviewQueue", func() (int, error) {
			q, err := review.List(ctx, o, review.Filter{})
			return len(q.Items), err
		}},
		{"MeetingCases", func() (int, error) {
			cs, err := meeting.Cases(ctx, o, desk.Area{})
			ns, err2 := meeting.Notices(ctx, o, desk.Area{}, false)
			if err == nil {
				err = err2
			}
			return len(cs) + len(ns), err
		}},
		{"DrawPreview", func() (int, error) {
			ds, err := draw.Preview(ctx, o, draw.Plan{Streets: streets, Stratify: true, RiskWeight: 3, Seed: 1})
			n := 0
			for _, d := range ds {
				n += d.Population
			}
			return n, err
		}},
		{"Conflicts", func() (int, error) {
			cs, err := conflict.List(ctx, o, desk.Area{}, true)
			return len(cs) + 1, err
		}},
		{"HalfYearReport", func() (int, error) {
			r, err := report.Compute(ctx, o, report.Params{Period: desk.Period{From: d.From, To: d.To}})
			return r.Dibao.Households, err
		}},
	} {
		b.Run(c.name, func(b *testing.B) {
			n := 0
			for b.Loop() {
				k, err := c.run()
				if err != nil {
					b.Fatal(err)
				}
				n += k
			}
			b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "records/s")
		})
	}
}
