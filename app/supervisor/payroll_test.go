package supervisor

import (
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"doorstep/app/desk/history"
	"doorstep/app/desk/roll"
)

// newHistoryDeskApp is the desk fixture (street s1, household h1 paid
// 300.00 yuan a month for 1 person since 2024-01-10) with its benefit
// history backfilled from the household rows.
func newHistoryDeskApp(t *testing.T) *testApp {
	t.Helper()
	x := newDeskApp(t)
	if _, err := history.Backfill(x.Env.Ctx(), office(x.Env)); err != nil {
		t.Fatal(err)
	}
	return x
}

// TestPayrollListsAndCloses: July 2025's roll of street s1 pays h1 its
// 300.00 yuan and the district's price subsidy; closing the month asks
// first, then shows the roll closed and read-only, and the next open
// month is August.
func TestPayrollListsAndCloses(t *testing.T) {
	x := newHistoryDeskApp(t)
	s := openDesk(t, x, "nav.payroll").(*payrollScreen)
	m, ok := s.selected()
	if !ok || m.Month.Format(monthLayout) != "2025-07" || !m.Next || s.roll.Closed {
		t.Fatalf("first month %+v (ok %v), closed %v", m, ok, s.roll.Closed)
	}
	if len(s.payees) != 1 || s.payees[0].HouseholdID != "h1" || s.payees[0].Head != "刘大" || s.payees[0].BaseFen+s.payees[0].TopUpFen != 30000 {
		t.Fatalf("payees %+v", s.payees)
	}
	subsidy := x.Env.DistrictConfig().Dibao.PriceSubsidyFen
	tot := s.roll.Totals()
	if tot.Households != 1 || tot.People != 1 || tot.TotalFen != 30000+subsidy {
		t.Fatalf("totals %+v (subsidy %d)", tot, subsidy)
	}
	if !s.list.Visible() || s.list.Length() != 1 {
		t.Fatalf("list shows %d rows", s.list.Length())
	}
	street := totalsRowText("焦北街道", tot)
	if !onScreen(x, street) {
		t.Fatalf("the street's totals %q are not shown: %q", street, texts(x))
	}
	if !s.closeB.Visible() || s.closeB.Disabled() {
		t.Fatal("the open month cannot be closed")
	}
	var asked string
	s.confirm = func(_, msg string, ok func()) { asked = msg }
	test.Tap(s.closeB)
	if !strings.Contains(asked, "2025-07") {
		t.Fatalf("close asked %q", asked)
	}
	if ms, err := roll.Months(x.Env.Ctx(), office(x.Env), "s1"); err != nil || len(ms) != 1 || ms[0].Closed {
		t.Fatalf("closed before confirming: %+v %v", ms, err)
	}
	s.confirm = func(_, _ string, ok func()) { ok() }
	test.Tap(s.closeB)
	if !s.roll.Closed || s.closeB.Visible() || !strings.Contains(s.status.Text, "2025-07") {
		t.Fatalf("after closing: closed %v, close button shown %v, status %q", s.roll.Closed, s.closeB.Visible(), s.status.Text)
	}
	// A row opens the household's benefit history.
	s.list.Select(0)
	if b, ok := x.Visible().(*benefitsScreen); !ok || b.cur == nil || b.cur.ID != "h1" {
		t.Fatalf("tapping h1's row shows %T", x.Visible())
	}
	s = openDesk(t, x, "nav.payroll").(*payrollScreen)
	if len(s.months) != 2 || s.months[0].Month.Format(monthLayout) != "2025-08" || !s.months[1].Closed {
		t.Fatalf("months after closing %+v", s.months)
	}
	// A suspension recorded now from 15 June would have stopped July's
	// payment: the closed roll does not change, and August's recovers it.
	if _, err := history.Suspend(x.Env.Ctx(), office(x.Env), "h1", time.Date(2025, 6, 15, 0, 0, 0, 0, time.UTC), "absent_at_spot_check", ""); err != nil {
		t.Fatal(err)
	}
	s.Reload()
	if !s.roll.Closed || s.roll.Totals().TotalFen != 30000+subsidy {
		t.Fatalf("closed roll changed: %+v", s.roll.Totals())
	}
	s.month.SetSelectedIndex(0)
	if tot := s.roll.Totals(); s.roll.Closed || tot.Households != 0 || tot.RecoveryFen != -(30000+subsidy) {
		t.Fatalf("August after the late suspension: %+v", tot)
	}
	if len(s.payees) != 1 || s.payees[0].TotalFen() != -(30000+subsidy) {
		t.Fatalf("August payees %+v", s.payees)
	}
}

// totalsRowText is a totals line as the screen shows it.
func totalsRowText(name string, t roll.Totals) string { return totalsRow(name, t, true).Text }
