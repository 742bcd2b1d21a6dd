package evidence

import (
	"context"
	"testing"
)

// submitsPerOp and verifiesPerOp are the operations one benchmark iteration
// times, so that `make bench` (-benchtime 1x) measures more than one.
const (
	submitsPerOp  = 200
	verifiesPerOp = 500
)

// BenchmarkSubmit measures what evidence adds to a submit: the same
// means-test visit (household, two members, two incomes, a dwelling, the
// visit row) written in one transaction, without and with Signer.Append,
// submitsPerOp submits an iteration. Compare the two µs/submit: the ratio
// is the cost of evidence per submit.
func BenchmarkSubmit(b *testing.B) {
	for _, withEvidence := range []bool{false, true} {
		name := map[bool]string{false: "Plain", true: "WithEvidence"}[withEvidence]
		b.Run(name, func(b *testing.B) {
			d := newDevice(b, b.TempDir(), "w1", 1, &idGen{})
			photo := d.putBlob([]byte("photo"))
			ctx := context.Background()
			b.ResetTimer()
			for i := 0; i < b.N*submitsPerOp; i++ {
				id := d.ids.next()
				tx, err := d.rep.DB().BeginTx(ctx, nil)
				if err != nil {
					b.Fatal(err)
				}
				h, err := d.newHousehold(tx, "c1")
				if err == nil {
					err = d.writeVisit(tx, id, h, photo, photo, photo)
				}
				if err == nil && withEvidence {
					_, err = d.signer.Append(ctx, tx, Submit{Table: "means_visits", ID: id})
				}
				if err == nil {
					err = tx.Commit()
				}
				if err != nil {
					tx.Rollback() //nolint:errcheck // reporting err
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N*submitsPerOp), "µs/submit")
			b.ReportMetric(0, "ns/op")
		})
	}
}

// BenchmarkVerify measures the server's check after a push of one visit
// (VerifyRecords: entry, chain neighbour, household) against reading the
// same record's rows alone (LoadRecord), in a database of 200 visits,
// verifiesPerOp of each an iteration.
func BenchmarkVerify(b *testing.B) {
	d := newDevice(b, b.TempDir(), "w1", 1, &idGen{})
	var last RecordRef
	for i := 0; i < 200; i++ {
		_, id, _ := d.visit()
		last = RecordRef{"means_visits", id}
	}
	ctx := context.Background()
	v := d.verifier()
	var db Querier = d.rep.DB()
	b.Run("LoadRecord", func(b *testing.B) {
		for i := 0; i < b.N*verifiesPerOp; i++ {
			if _, err := LoadRecord(ctx, db, MeansVisit, last.ID); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N*verifiesPerOp), "µs/record")
		b.ReportMetric(0, "ns/op")
	})
	b.Run("VerifyRecords", func(b *testing.B) {
		for i := 0; i < b.N*verifiesPerOp; i++ {
			vs, err := VerifyRecords(ctx, db, v, []RecordRef{last})
			if err != nil || len(vs) != 1 || vs[0].Status != Verified {
				b.Fatalf("%v %+v", err, vs)
			}
		}
		b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N*verifiesPerOp), "µs/record")
		b.ReportMetric(0, "ns/op")
	})
}
