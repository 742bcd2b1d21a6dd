package roll

import (
	"testing"
	"time"

	"doorstep/app/desk"
	"doorstep/app/desk/internal/testdb"
	"doorstep/app/desk/sheet"
	"doorstep/schema/rules"
)

// TestDemoRolls: the demo district closed January–June in every street;
// July, the next open month, pays the households in force on 30 June
// (739,000.00 yuan a month) and back-pays the two late corrections of
// March–May (50.00 a month each, for the rolls of April, May and June).
func TestDemoRolls(t *testing.T) {
	db, d := testdb.Demo(t, time.Date(2025, 7, 10, 0, 0, 0, 0, time.UTC))
	o, _ := testdb.Office(db, "", time.Date(2025, 7, 10, 2, 0, 0, 0, time.UTC))
	b, err := Open(ctx, o, desk.Area{})
	if err != nil {
		t.Fatal(err)
	}
	streets, err := o.Streets(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var july Totals
	var backPay []string
	for _, s := range streets {
		if got := b.ClosedMonths(s.ID); len(got) != 6 || !got[0].Equal(d.From) {
			t.Fatalf("%s closed %v", s.Name, got)
		}
		if next, ok := b.NextOpen(s.ID); !ok || !next.Equal(day("2025-07-01")) {
			t.Fatalf("%s next open %v", s.Name, next)
		}
		rl := b.Roll(s.ID, day("2025-07-01"), time.Time{})
		if rl.Closed {
			t.Fatal("July is closed")
		}
		july = july.add(rl.Totals())
		for _, l := range rl.Lines {
			if l.Kind != rules.LineRegular {
				backPay = append(backPay, l.Kind+" "+l.ForMonth.Format("2006-01")+" "+sheet.Yuan(l.TotalFen()))
			}
		}
	}
	if july.Households != 2522 || july.People != 6708 || july.BaseFen+july.TopUpFen != 73_900_000 || july.SubsidyFen != 6708*1500 {
		t.Fatalf("July %+v", july)
	}
	if len(backPay) != 6 || july.BackPayFen != 6*5000 || july.RecoveryFen != 0 {
		t.Fatalf("July adjustments %v (%+v)", backPay, july)
	}
}
