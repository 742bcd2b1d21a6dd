package rules

import (
	"testing"
	"time"
)

func d(s string) time.Time {
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		panic(err)
	}
	return t
}

// history: approved 2024-11-20 at 300.00 + 20.00 top-up for 2 people;
// raised to 375.30 from 2025-05-10 (decided that day); suspended
// 2025-06-15; a correction decided 2025-07-05 puts 350.00 from 2025-03-01.
func history() []Entitlement {
	return []Entitlement{
		{ID: "e1", HouseholdID: "h", Kind: KindApprove, DecidedOn: d("2024-11-20"), From: d("2024-11-20"),
			Status: EntitlementActive, BaseFen: 30000, TopUpFen: 2000, SubsidyFen: 3000, Covered: 2},
		{ID: "e2", HouseholdID: "h", Kind: KindRecheck, DecidedOn: d("2025-05-10"), From: d("2025-05-10"),
			Status: EntitlementActive, BaseFen: 35530, TopUpFen: 2000, SubsidyFen: 3000, Covered: 2},
		{ID: "e3", HouseholdID: "h", Kind: KindSuspend, DecidedOn: d("2025-06-15"), From: d("2025-06-15"),
			Status: EntitlementSuspended, Reason: "absent_at_spot_check"},
		{ID: "e4", HouseholdID: "h", Kind: KindCorrect, DecidedOn: d("2025-07-05"), From: d("2025-03-01"),
			Until: d("2025-05-09"), Status: EntitlementActive, BaseFen: 33000, TopUpFen: 2000, SubsidyFen: 3000, Covered: 2},
	}
}

func TestInForce(t *testing.T) {
	rows := history()
	for _, c := range []struct {
		day, known string
		want       string // period id, "" for none
	}{
		{"2024-11-19", "", ""},
		{"2024-11-20", "", "e1"},
		{"2025-04-01", "2025-06-30", "e1"}, // the correction is not known yet
		{"2025-04-01", "", "e4"},           // …and overrides e1 once known
		{"2025-05-09", "", "e4"},
		{"2025-05-10", "", "e2"}, // the correction ends the day before
		{"2025-06-14", "", "e2"},
		{"2025-06-15", "", "e3"},
		{"2025-06-15", "2025-06-14", "e2"},
	} {
		var known time.Time
		if c.known != "" {
			known = d(c.known)
		}
		e, ok := InForce(rows, d(c.day), known)
		if got := map[bool]string{true: e.ID}[ok]; got != c.want {
			t.Errorf("InForce(%s, known %s) = %q, want %q", c.day, c.known, got, c.want)
		}
	}
}

func TestDueAndAdjustment(t *testing.T) {
	rows := history()
	// Months pay the period in force on the last day of the month before.
	for _, c := range []struct {
		month string
		known string
		want  int64 // total with subsidy, 0 when nothing is due
	}{
		{"2024-11-01", "", 0},
		{"2024-12-01", "", 35000},
		{"2025-04-01", "2025-06-30", 35000},
		{"2025-04-01", "", 38000},
		{"2025-06-01", "", 40530},
		{"2025-07-01", "", 0}, // suspended on 15 June
	} {
		var known time.Time
		if c.known != "" {
			known = d(c.known)
		}
		l, ok := Due(rows, d(c.month), known)
		if l.TotalFen() != c.want || ok != (c.want != 0) {
			t.Errorf("Due(%s, known %s) = %d %v, want %d", c.month, c.known, l.TotalFen(), ok, c.want)
		}
	}
	// April was closed paying 350.00 (the old history): the correction
	// owes 30.00 back pay; a month paid right settles nothing.
	paid := PayLine{HouseholdID: "h", BaseFen: 30000, TopUpFen: 2000, SubsidyFen: 3000}
	adj, ok := Adjustment(rows, d("2025-04-01"), paid, time.Time{})
	if !ok || adj.Kind != LineBackPay || adj.BaseFen != 3000 || adj.TotalFen() != 3000 || !adj.ForMonth.Equal(d("2025-04-01")) {
		t.Fatalf("April adjustment %+v %v", adj, ok)
	}
	paid = paid.Add(adj)
	if _, ok := Adjustment(rows, d("2025-04-01"), paid, time.Time{}); ok {
		t.Fatal("a settled month adjusted again")
	}
	// July was paid 405.30 although the household was suspended: recovery.
	adj, ok = Adjustment(rows, d("2025-07-01"), PayLine{HouseholdID: "h", BaseFen: 35530, TopUpFen: 2000, SubsidyFen: 3000}, time.Time{})
	if !ok || adj.Kind != LineRecovery || adj.TotalFen() != -40530 {
		t.Fatalf("July adjustment %+v %v", adj, ok)
	}
}

func TestCurrentAndEvents(t *testing.T) {
	rows := []Entitlement{
		{ID: "a", Kind: KindApprove, DecidedOn: d("2023-01-05"), From: d("2023-01-05"), Status: EntitlementActive, BaseFen: 100},
		{ID: "b", Kind: KindCancel, DecidedOn: d("2025-02-20"), From: d("2025-02-20"), Status: EntitlementCancelled, Reason: "moved_away"},
		{ID: "c", Kind: KindReapprove, DecidedOn: d("2025-05-22"), From: d("2025-05-22"), Status: EntitlementActive, BaseFen: 200},
	}
	e, approved, ok := Current(rows, d("2025-07-01"))
	if !ok || e.ID != "c" || !approved.Equal(d("2025-05-22")) {
		t.Fatalf("current %+v %v %v", e, approved, ok)
	}
	e, approved, _ = Current(rows[:2], d("2025-03-01"))
	if e.Status != EntitlementCancelled || !approved.Equal(d("2023-01-05")) {
		t.Fatalf("current after cancellation %+v %v", e, approved)
	}
	// Cancelled and re-approved in the half-year: one event of each.
	if c, ok := EventIn(rows, d("2025-01-01"), d("2025-06-30"), d("2025-06-30"), KindCancel); !ok || c.Reason != "moved_away" {
		t.Fatal("cancellation not counted")
	}
	if _, ok := EventIn(rows, d("2025-01-01"), d("2025-06-30"), d("2025-06-30"), KindApprove, KindReapprove); !ok {
		t.Fatal("re-approval not counted")
	}
	if _, ok := EventIn(rows, d("2025-01-01"), d("2025-03-31"), d("2025-03-31"), KindApprove, KindReapprove); ok {
		t.Fatal("approval of 2023 counted in 2025 Q1")
	}
	if e, ok := Under(rows, d("2025-03-01"), time.Time{}); ok {
		t.Fatalf("cancelled household under 低保: %+v", e)
	}
	g := Group(append([]Entitlement{rows[2]}, rows[0], rows[1]))
	if hs := g[""]; len(hs) != 3 || hs[0].ID != "a" || hs[2].ID != "c" {
		t.Fatalf("group order %+v", hs)
	}
}
