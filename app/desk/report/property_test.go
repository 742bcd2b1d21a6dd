package report

import (
	"errors"
	"fmt"
	"reflect"
	"testing"
	"time"

	"pgregory.net/rapid"

	"doorstep/app/desk"
	"doorstep/app/desk/internal/testdb"
	"doorstep/app/desk/roll"
)

// decisionKinds are the kinds a random history draws, with the status each
// gives the period.
var decisionKinds = []struct{ kind, status string }{
	{"recheck", "active"}, {"suspend", "suspended"}, {"resume", "active"},
	{"cancel", "cancelled"}, {"reapprove", "active"}, {"correct", "active"},
}

var communities = []string{"c1", "c2", "c3"}

// drawPeriod draws one decision on household h decided between lo and hi
// (days after 2024-10-01), effective up to 60 days before or 20 after.
func drawPeriod(t *rapid.T, id, h, comm string, first bool, lo, hi int) testdb.Row {
	base := date("2024-10-01")
	decided := base.AddDate(0, 0, rapid.IntRange(lo, hi).Draw(t, "decided"))
	from := decided.AddDate(0, 0, rapid.IntRange(-60, 20).Draw(t, "shift"))
	kind, status := "approve", "active"
	if !first {
		k := decisionKinds[rapid.IntRange(0, len(decisionKinds)-1).Draw(t, "kind")]
		kind, status = k.kind, k.status
	}
	var fen, covered int64
	if status == "active" {
		fen = int64(rapid.IntRange(1, 600).Draw(t, "yuan")) * 100
		covered = int64(rapid.IntRange(1, 5).Draw(t, "covered"))
	}
	row := period(id, h, comm, kind, decided.Format(desk.DateLayout), from.Format(desk.DateLayout), status, fen, covered, "")
	if kind == "cancel" {
		row.Values["reason"] = "moved_away"
	}
	if kind == "correct" && rapid.Bool().Draw(t, "bounded") {
		row.Values["until"] = from.AddDate(0, 0, rapid.IntRange(0, 90).Draw(t, "days")).Format(desk.DateLayout)
	}
	row.Values["recorded_at"] = decided.Add(time.Duration(rapid.IntRange(0, 86399).Draw(t, "second")) * time.Second).Format(time.RFC3339)
	return row
}

// TestReportStableAndRollsAddUp is the property the issue asks for: for
// a random district history (decisions up to 30 June 2025), some months
// closed in order and more decisions recorded after (corrections of closed
// months among them), the H1 report's paid-in-period equals the sum of the
// months' rolls (closed as stored, open as computed), and
// recording random decisions dated after 30 June — retroactive ones
// included — changes neither the report nor any closed roll.
func TestReportStableAndRollsAddUp(t *testing.T) {
	db := testdb.Open(t)
	testdb.Org(t, db)
	o, _ := testdb.Office(db, "sup", time.Date(2025, 7, 10, 2, 0, 0, 0, time.UTC))
	clear := func() {
		for _, tb := range []string{"households", "entitlements", "payout_rolls", "payout_lines"} {
			if _, err := db.Exec(`DELETE FROM ` + tb); err != nil {
				t.Fatal(err)
			}
		}
	}
	end := int(date("2025-06-30").Sub(date("2024-10-01")).Hours() / 24)
	rapid.Check(t, func(rt *rapid.T) {
		clear()
		n := rapid.IntRange(1, 6).Draw(rt, "households")
		comm := map[string]string{}
		seq := 0
		for i := 0; i < n; i++ {
			h := fmt.Sprintf("h%d", i)
			comm[h] = communities[rapid.IntRange(0, 2).Draw(rt, "community")]
			testdb.Insert(t, db, testdb.Row{Table: "households", ID: h, Values: map[string]any{"community_id": comm[h], "head_name": "户主" + h}})
			k := rapid.IntRange(1, 5).Draw(rt, "decisions")
			for j := 0; j < k; j++ {
				seq++
				testdb.Insert(t, db, drawPeriod(rt, fmt.Sprintf("e%03d", seq), h, comm[h], j == 0, 0, end))
			}
		}
		area := desk.Area{}
		if rapid.Bool().Draw(rt, "one community") {
			area.CommunityID = "c1"
		}
		params := Params{Area: area, Period: h1}
		// Close the first k months of each street, in order.
		k := rapid.IntRange(0, 6).Draw(rt, "closed months")
		for _, street := range []string{"s1", "s2"} {
			for m := 0; m < k; m++ {
				_, err := roll.Close(ctx, o, street, date("2025-01-01").AddDate(0, m, 0), "")
				var ie *desk.InputError
				if err != nil && !(errors.As(err, &ie) && ie.Code == "roll_empty") {
					rt.Fatal(err)
				}
				if err != nil {
					break // an empty month stays open, and so do the later ones
				}
			}
		}
		// More decisions up to 30 June, some correcting closed months:
		// those are settled on the next open roll.
		more := rapid.IntRange(0, 4).Draw(rt, "decisions after closing")
		for j := 0; j < more; j++ {
			h := fmt.Sprintf("h%d", rapid.IntRange(0, n-1).Draw(rt, "household"))
			seq++
			testdb.Insert(t, db, drawPeriod(rt, fmt.Sprintf("e%03d", seq), h, comm[h], false, 0, end))
		}
		before, err := Compute(ctx, o, params)
		if err != nil {
			rt.Fatal(err)
		}
		// Σ of the months' rolls = paid in the period.
		b, err := roll.Open(ctx, o, area)
		if err != nil {
			rt.Fatal(err)
		}
		var benefit, subsidy int64
		for _, street := range []string{"s1", "s2"} {
			for m := 0; m < 6; m++ {
				for _, l := range b.Roll(street, date("2025-01-01").AddDate(0, m, 0), time.Time{}).Lines {
					if area.CommunityID == "" || l.CommunityID == area.CommunityID {
						benefit += l.BenefitFen()
						subsidy += l.SubsidyFen
					}
				}
			}
		}
		if benefit != before.Dibao.PaidFen || subsidy != before.Dibao.PriceSubsidyFen {
			rt.Fatalf("rolls add up to %d + %d subsidy, report paid %d + %d", benefit, subsidy,
				before.Dibao.PaidFen, before.Dibao.PriceSubsidyFen)
		}
		var closedRolls []roll.Roll
		for _, street := range []string{"s1", "s2"} {
			for _, m := range b.ClosedMonths(street) {
				closedRolls = append(closedRolls, b.Roll(street, m, time.Time{}))
			}
		}
		// Later decisions, on old and new households, retroactive or not.
		later := rapid.IntRange(1, 6).Draw(rt, "later decisions")
		for j := 0; j < later; j++ {
			h := fmt.Sprintf("h%d", rapid.IntRange(0, n).Draw(rt, "later household"))
			if comm[h] == "" {
				comm[h] = communities[rapid.IntRange(0, 2).Draw(rt, "community")]
				testdb.Insert(t, db, testdb.Row{Table: "households", ID: h, Values: map[string]any{"community_id": comm[h]}})
			}
			seq++
			testdb.Insert(t, db, drawPeriod(rt, fmt.Sprintf("e%03d", seq), h, comm[h], false, end+1, end+180))
		}
		after, err := Compute(ctx, o, params)
		if err != nil {
			rt.Fatal(err)
		}
		if !reflect.DeepEqual(after, before) {
			rt.Fatalf("later decisions changed the half-year:\n got %+v\nwant %+v", after.Dibao, before.Dibao)
		}
		b, err = roll.Open(ctx, o, area)
		if err != nil {
			rt.Fatal(err)
		}
		for _, want := range closedRolls {
			if got := b.Roll(want.StreetID, want.Month, time.Time{}); !reflect.DeepEqual(got, want) {
				rt.Fatalf("closed roll %s %s changed", want.StreetID, want.Month.Format("2006-01"))
			}
		}
	})
}
