package supervisor

import (
	"testing"

	"fyne.io/fyne/v2/test"

	"doorstep/app/desk/history"
	"doorstep/schema/rules"
)

// TestBenefitsSuspendResume: suspending h1 from the screen appends a
// suspension period and the household shows as suspended; resuming needs
// a note; bad input is explained and keeps what was typed.
func TestBenefitsSuspendResume(t *testing.T) {
	x := newHistoryDeskApp(t)
	s := openDesk(t, x, "nav.benefits").(*benefitsScreen)
	if !s.open("h1") {
		t.Fatalf("h1 is not listed: %+v", s.all)
	}
	if s.suspend.Disabled() || !s.resume.Disabled() {
		t.Fatal("an active household: suspend should be offered, resume not")
	}
	before, err := history.Periods(x.Env.Ctx(), office(x.Env), "h1")
	if err != nil {
		t.Fatal(err)
	}
	bad := func(date, note, want string) {
		t.Helper()
		s.on.SetText(date)
		s.note.SetText(note)
		test.Tap(s.suspend)
		if !s.msg.Visible() || s.msg.Text != want || s.on.Text != date || s.note.Text != note {
			t.Errorf("%q %q: message %q (shown %v), want %q; typed now %q %q", date, note, s.msg.Text, s.msg.Visible(), want, s.on.Text, s.note.Text)
		}
	}
	bad("2025-13-01", "x", trData("desk.err.date_field", map[string]any{"Field": tr("desk.benefits.on")}))
	bad("2025-08-01", "x", tr("desk.err.date"))           // after today
	bad("2025-06-20", "x", tr("desk.err.suspend_reason")) // no reason
	s.reason.set("other")
	bad("2025-06-20", "  ", tr("desk.err.note_required")) // other needs words
	if ps, err := history.Periods(x.Env.Ctx(), office(x.Env), "h1"); err != nil || len(ps) != len(before) {
		t.Fatalf("bad input appended periods: %d → %d (%v)", len(before), len(ps), err)
	}
	s.reason.set("absent_at_spot_check")
	s.on.SetText("2025-06-20")
	s.note.SetText("")
	test.Tap(s.suspend)
	if s.msg.Visible() {
		t.Fatalf("suspend refused: %q", s.msg.Text)
	}
	ps, err := history.Periods(x.Env.Ctx(), office(x.Env), "h1")
	if err != nil {
		t.Fatal(err)
	}
	last := ps[len(ps)-1]
	if len(ps) != len(before)+1 || last.Kind != rules.KindSuspend || last.Status != rules.EntitlementSuspended ||
		last.From.Format("2006-01-02") != "2025-06-20" || last.Reason != "absent_at_spot_check" {
		t.Fatalf("history after suspending: %+v", ps)
	}
	var status string
	if err := x.Env.Store.DB().QueryRow(`SELECT status FROM households WHERE id = 'h1'`).Scan(&status); err != nil {
		t.Fatal(err)
	}
	if status != "suspended" || s.cur.Status != "suspended" || !s.suspend.Disabled() || s.resume.Disabled() {
		t.Fatalf("after suspending: row %q, screen %q, suspend disabled %v, resume disabled %v", status, s.cur.Status, s.suspend.Disabled(), s.resume.Disabled())
	}
	// Newest first: the suspension heads the history.
	if first := s.periods.Objects[0]; !onScreen(x, tr("code.entitlement_kind.suspend")) || first == nil {
		t.Fatalf("the suspension is not listed: %q", texts(x))
	}
	// Resuming without a note is refused; with one it appends a period.
	s.on.SetText("2025-06-28")
	test.Tap(s.resume)
	if !s.msg.Visible() || s.msg.Text != tr("desk.err.note_required") || s.on.Text != "2025-06-28" {
		t.Fatalf("resume without a note: %q", s.msg.Text)
	}
	s.note.SetText("复核时在家")
	test.Tap(s.resume)
	if s.msg.Visible() {
		t.Fatalf("resume refused: %q", s.msg.Text)
	}
	ps, err = history.Periods(x.Env.Ctx(), office(x.Env), "h1")
	if err != nil {
		t.Fatal(err)
	}
	if last := ps[len(ps)-1]; last.Kind != rules.KindResume || last.Status != rules.EntitlementActive || last.BenefitFen() != 30000 {
		t.Fatalf("after resuming: %+v", last)
	}
	if s.cur.Status != "active" || s.resume.Disabled() == false {
		t.Fatalf("after resuming the screen shows %q", s.cur.Status)
	}
}
