package supervisor

import (
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"doorstep/app/desk"
	"doorstep/app/desk/history"
	"doorstep/app/desk/meeting"
	"doorstep/app/desk/review"
)

// TestMeetingOvertakenAndAgainstAdvice: approving h2 although its means
// test failed asks for the amount (pre-filled with the difference-method
// amount) and a reason; a decision a later suspension overtook shows as
// overtaken, and applying it from a list loaded before the suspension is
// refused with the translated message.
func TestMeetingOvertakenAndAgainstAdvice(t *testing.T) {
	x := newHistoryDeskApp(t)
	db := x.Env.Store.DB()
	if _, err := db.Exec(`UPDATE means_visits SET eligible = 0, reasons = '["dibao.reason.vehicle"]' WHERE id = 'v3'`); err != nil {
		t.Fatal(err)
	}
	for _, v := range []string{"v2", "v3"} {
		if _, err := review.Approve(x.Env.Ctx(), office(x.Env), review.MeansVisit, v, ""); err != nil {
			t.Fatal(err)
		}
	}
	s := openDesk(t, x, "nav.meeting").(*meetingScreen)
	var h1, h2 *caseRow
	for _, r := range s.cases {
		switch r.c.VisitID {
		case "v2":
			h1 = r
		case "v3":
			h2 = r
		}
	}
	if h1 == nil || h2 == nil {
		t.Fatalf("cases %+v", s.cases)
	}
	for _, c := range s.present {
		test.Tap(c)
	}
	s.others.SetText("王科长")
	s.heldOn.SetText("2025-06-26")
	s.noticeDays.SetText("3")
	test.Tap(h1.include)
	test.Tap(h2.include)
	h2.decision.SetSelected(tr("code.meeting_decision.approve"))
	if !h2.against.Visible() || h1.against.Visible() {
		t.Fatalf("amount and reason shown: h2 %v, h1 %v", h2.against.Visible(), h1.against.Visible())
	}
	if h2.amount.Text == "" {
		t.Fatal("the amount is not pre-filled")
	}
	h2.amount.SetText("")
	test.Tap(button(t, x, "desk.meeting.hold"))
	if !s.msg.Visible() || !strings.Contains(s.msg.Text, tr("desk.err.amount_required")) {
		t.Fatalf("no amount: %q", s.msg.Text)
	}
	h2.amount.SetText("180")
	test.Tap(button(t, x, "desk.meeting.hold"))
	if !strings.Contains(s.msg.Text, tr("desk.err.reason_required")) || h2.amount.Text != "180" {
		t.Fatalf("no reason: %q", s.msg.Text)
	}
	h2.reason.SetText("车辆系借用亲属，已核实")
	h1.votes[0].SetText("3")
	h2.votes[0].SetText("3")
	test.Tap(button(t, x, "desk.meeting.hold"))
	if s.msg.Visible() {
		t.Fatalf("meeting refused: %q", s.msg.Text)
	}
	closeOverlays(x)
	ns, err := meeting.Notices(x.Env.Ctx(), office(x.Env), desk.Area{}, true)
	if err != nil {
		t.Fatal(err)
	}
	var v2 meeting.Notice
	for _, n := range ns {
		if n.VisitID == "v3" && n.BenefitFen != 18000 {
			t.Errorf("h2 approved at %d, want 18000", n.BenefitFen)
		}
		if n.VisitID == "v2" {
			v2 = n
		}
	}
	if v2.ID == "" || !v2.Waiting() {
		t.Fatalf("h1's decision is not waiting: %+v", ns)
	}
	// A suspension recorded after the meeting overtakes h1's decision.
	if _, err := history.Suspend(x.Env.Ctx(), office(x.Env), "h1", time.Date(2025, 6, 28, 0, 0, 0, 0, time.UTC), "refused_recheck", ""); err != nil {
		t.Fatal(err)
	}
	s.apply(v2) // as tapping the stale row's Apply
	if !onScreen(x, tr("desk.err.overtaken")) {
		t.Fatalf("no refusal shown: %q", texts(x))
	}
	closeOverlays(x)
	s.Reload()
	s.tabs.SelectIndex(1)
	if !onScreen(x, tr("desk.meeting.overtaken")) {
		t.Fatalf("the overtaken decision is not marked: %q", texts(x))
	}
	applies := 0
	for _, b := range all[*widget.Button](x) {
		if b.Text == tr("desk.meeting.apply") {
			applies++
		}
	}
	if applies != 1 { // h2's approval only
		t.Errorf("%d Apply buttons, want 1 (h2's): %q", applies, texts(x))
	}
}

// closeOverlays dismisses every dialog.
func closeOverlays(x *testApp) {
	for _, o := range x.Win.Canvas().Overlays().List() {
		x.Win.Canvas().Overlays().Remove(o)
	}
}
