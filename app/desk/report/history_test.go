package report

import (
	"fmt"
	"reflect"
	"testing"
	"time"

	"doorstep/app/desk/internal/testdb"
)

// p is one decision of a scenario: decided on, effective from, kind,
// status, monthly amount and people covered.
type p struct {
	decided, from, kind, status string
	fen, covered                int64
}

// TestHistoryScenarios: each case is one household's history in street
// s1, with the H1 2025 figures worked out by hand. Months pay the period
// in force on the last day of the month before; the price subsidy is
// 15.00 a person a month. Each case also records a decision after the
// half-year (later) and checks that the H1 report does not change.
func TestHistoryScenarios(t *testing.T) {
	for _, c := range []struct {
		name    string
		history []p
		later   []p
		want    Dibao
	}{{
		// 61.66 from 2023, raised to 375.30 on 10 May 2025: January–May
		// at 61.66, June at 375.30.
		name: "amount changed inside the period",
		history: []p{{"2023-03-01", "2023-03-01", "approve", "active", 6166, 1},
			{"2025-05-10", "2025-05-10", "recheck", "active", 37530, 1}},
		want: Dibao{Households: 1, People: 1, MonthlyPayoutFen: 37530, PaidFen: 5*6166 + 37530, Months: 6,
			PriceSubsidyMonthlyFen: 1500, PriceSubsidyFen: 6 * 1500},
	}, {
		name:    "amount changed after the period",
		history: []p{{"2023-03-01", "2023-03-01", "approve", "active", 6166, 1}},
		later:   []p{{"2025-07-05", "2025-07-05", "recheck", "active", 37530, 1}},
		want: Dibao{Households: 1, People: 1, MonthlyPayoutFen: 6166, PaidFen: 6 * 6166, Months: 6,
			PriceSubsidyMonthlyFen: 1500, PriceSubsidyFen: 6 * 1500},
	}, {
		// A retroactive correction decided after the half-year is not
		// known on 30 June: the half-year stands.
		name:    "corrected after the period",
		history: []p{{"2023-03-01", "2023-03-01", "approve", "active", 20000, 2}},
		later:   []p{{"2025-07-08", "2025-02-01", "correct", "active", 25000, 2}},
		want: Dibao{Households: 1, People: 2, MonthlyPayoutFen: 20000, PaidFen: 6 * 20000, Months: 6,
			PriceSubsidyMonthlyFen: 3000, PriceSubsidyFen: 6 * 3000},
	}, {
		// Suspended on 10 June: paid January–June (June per 31 May), not
		// counted on 30 June.
		name: "suspended inside the period",
		history: []p{{"2024-06-01", "2024-06-01", "approve", "active", 30000, 2},
			{"2025-06-10", "2025-06-10", "suspend", "suspended", 0, 0}},
		want: Dibao{PaidFen: 6 * 30000, Months: 6, PriceSubsidyFen: 6 * 3000},
	}, {
		// Suspended 1 March, resumed 20 April: March paid per 28 February,
		// April unpaid (per 31 March), May per 30 April.
		name: "suspended and resumed inside the period",
		history: []p{{"2024-06-01", "2024-06-01", "approve", "active", 30000, 2},
			{"2025-03-01", "2025-03-01", "suspend", "suspended", 0, 0},
			{"2025-04-20", "2025-04-20", "resume", "active", 30000, 2}},
		want: Dibao{Households: 1, People: 2, MonthlyPayoutFen: 30000, PaidFen: 5 * 30000, Months: 6,
			PriceSubsidyMonthlyFen: 3000, PriceSubsidyFen: 5 * 3000},
	}, {
		name:    "suspended after the period",
		history: []p{{"2024-06-01", "2024-06-01", "approve", "active", 30000, 2}},
		later:   []p{{"2025-07-03", "2025-07-03", "suspend", "suspended", 0, 0}},
		want: Dibao{Households: 1, People: 2, MonthlyPayoutFen: 30000, PaidFen: 6 * 30000, Months: 6,
			PriceSubsidyMonthlyFen: 3000, PriceSubsidyFen: 6 * 3000},
	}, {
		// Cancelled 20 February, re-approved 22 May at a new amount:
		// paid January, February and June; one added, one cancelled.
		name: "cancelled and re-approved",
		history: []p{{"2022-01-05", "2022-01-05", "approve", "active", 10000, 1},
			{"2025-02-20", "2025-02-20", "cancel", "cancelled", 0, 0},
			{"2025-05-22", "2025-05-22", "reapprove", "active", 12000, 1}},
		want: Dibao{Households: 1, People: 1, MonthlyPayoutFen: 12000, PaidFen: 2*10000 + 12000, Months: 6,
			Added: 1, Cancelled: 1, CancelReasons: []Count{{"moved_away", 1}},
			PriceSubsidyMonthlyFen: 1500, PriceSubsidyFen: 3 * 1500},
	}, {
		// The meeting approved a household the means test failed, at the
		// 180.00 it decided (never 0): from March.
		name:    "approved against advice",
		history: []p{{"2025-02-21", "2025-03-02", "approve", "active", 18000, 1}},
		want: Dibao{Households: 1, People: 1, MonthlyPayoutFen: 18000, PaidFen: 3 * 18000, Months: 6, Added: 1,
			PriceSubsidyMonthlyFen: 1500, PriceSubsidyFen: 3 * 1500},
	}, {
		// A cancellation decided on 28 June taking effect on 2 July: still
		// counted on 30 June, not a cancellation of the half-year.
		name: "cancellation decided inside, effective after",
		history: []p{{"2024-01-01", "2024-01-01", "approve", "active", 20000, 1},
			{"2025-06-28", "2025-07-02", "cancel", "cancelled", 0, 0}},
		want: Dibao{Households: 1, People: 1, MonthlyPayoutFen: 20000, PaidFen: 6 * 20000, Months: 6,
			PriceSubsidyMonthlyFen: 1500, PriceSubsidyFen: 6 * 1500},
	}} {
		t.Run(c.name, func(t *testing.T) {
			db := testdb.Open(t)
			testdb.Org(t, db)
			testdb.Insert(t, db, testdb.Row{Table: "households", ID: "h", Values: map[string]any{"community_id": "c1", "head_name": "户主"}})
			add := func(i int, x p) {
				reason := ""
				if x.kind == "cancel" {
					reason = "moved_away"
				}
				testdb.Insert(t, db, period(fmt.Sprintf("e%d", i), "h", "c1", x.kind, x.decided, x.from, x.status, x.fen, x.covered, reason))
			}
			for i, x := range c.history {
				add(i, x)
			}
			o, _ := testdb.Office(db, "sup", time.Date(2025, 7, 10, 2, 0, 0, 0, time.UTC))
			r, err := Compute(ctx, o, Params{Period: h1})
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(r.Dibao, c.want) {
				t.Fatalf("\n got %+v\nwant %+v", r.Dibao, c.want)
			}
			for i, x := range c.later {
				add(100+i, x)
			}
			again, err := Compute(ctx, o, Params{Period: h1})
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(again, r) {
				t.Fatalf("the half-year changed after later decisions:\n got %+v\nwant %+v", again.Dibao, r.Dibao)
			}
		})
	}
}

// TestPairedElders: an elder whose pairing changed mode in the period is
// one paired elder, counted in each mode.
func TestPairedElders(t *testing.T) {
	db := testdb.Open(t)
	testdb.Org(t, db)
	pair := func(id, elder, mode, from, to string) testdb.Row {
		v := map[string]any{"elder_id": elder, "community_id": "c1", "mode": mode, "started_on": from}
		if to != "" {
			v["ended_on"] = to
		}
		return testdb.Row{Table: "volunteer_pairings", ID: id, Values: v}
	}
	testdb.Insert(t, db,
		pair("p1", "e1", "one_to_one", "2025-01-01", "2025-03-31"),
		pair("p2", "e1", "two_to_one", "2025-04-01", ""),
		pair("p3", "e2", "one_to_one", "2024-10-01", ""),
		pair("p4", "e3", "many_to_one", "2025-07-01", ""), // after the half-year
	)
	o, _ := testdb.Office(db, "sup", time.Date(2025, 7, 10, 2, 0, 0, 0, time.UTC))
	r, err := Compute(ctx, o, Params{Period: h1})
	if err != nil {
		t.Fatal(err)
	}
	v := r.Volunteers
	if v.Pairings != 2 || len(v.ByMode) != 2 || v.ByMode[0] != (Mode{Code: "one_to_one", Pairings: 2}) ||
		v.ByMode[1] != (Mode{Code: "two_to_one", Pairings: 1}) {
		t.Fatalf("paired elders %+v", v)
	}
}
