package supervisor

import (
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"doorstep/app/desk"
	"doorstep/app/desk/report"
	"doorstep/app/kit"
	"doorstep/app/kit/kittest"
)

// TestMedicalAddShowsInRegisterAndReport: a grant recorded on the screen
// is listed, counted in the register's total and in the half year's
// report; a negative amount and a future date are explained and keep
// what was typed.
func TestMedicalAddShowsInRegisterAndReport(t *testing.T) {
	x := newDeskApp(t)
	s := openDesk(t, x, "nav.medical").(*medicalScreen)
	if len(s.cases) != 0 {
		t.Fatalf("the fixture has grants: %+v", s.cases)
	}
	s.person.SetText("刘大")
	s.idNumber.SetText("410802195803020212")
	s.community.SetSelected("东社区")
	s.category.set("dibao")
	s.cause.set("serious_illness")
	s.hospital.SetText("焦作市人民医院")
	s.cost.SetText("8000")
	s.amount.SetText("-100")
	s.granted.SetText("2025-06-12")
	test.Tap(button(t, x, "desk.medical.add"))
	want := trData("desk.err.yuan_field", map[string]any{"Field": tr("desk.field.amount_fen")})
	if !s.msg.Visible() || s.msg.Text != want || s.amount.Text != "-100" || s.person.Text != "刘大" {
		t.Fatalf("negative amount: message %q (shown %v), amount now %q", s.msg.Text, s.msg.Visible(), s.amount.Text)
	}
	s.amount.SetText("1500.50")
	s.granted.SetText("2025-07-02") // after today (1 July)
	test.Tap(button(t, x, "desk.medical.add"))
	if !s.msg.Visible() || s.msg.Text != tr("desk.err.date") || s.granted.Text != "2025-07-02" || s.amount.Text != "1500.50" {
		t.Fatalf("future date: message %q (shown %v)", s.msg.Text, s.msg.Visible())
	}
	s.granted.SetText("2025-06-12")
	test.Tap(button(t, x, "desk.medical.add"))
	if s.msg.Visible() {
		t.Fatalf("refused: %q", s.msg.Text)
	}
	if len(s.cases) != 1 || s.cases[0].Person != "刘大" || s.cases[0].AmountFen != 150050 || s.cases[0].Cause != "serious_illness" {
		t.Fatalf("register %+v", s.cases)
	}
	if s.person.Text != "" || !onScreen(x, "刘大") {
		t.Fatalf("after adding: form %q, shown %v", s.person.Text, onScreen(x, "刘大"))
	}
	if m := halfYearMedical(t, x); m.Cases != 1 || m.AmountFen != 150050 {
		t.Fatalf("report %+v", m)
	}
	rs := openDesk(t, x, "nav.reports").(*reportsScreen)
	if rs.rep == nil || rs.rep.Medical.Cases != 1 || !onScreen(x, "1,500.50") {
		t.Fatalf("the reports screen does not show the grant: %q", texts(x))
	}
}

// TestMedicalCorrectAndWithdraw: 更正 loads a grant into the form; without
// a reason nothing changes and the typing stays; with one the register
// and the report show the corrected amount; a duplicate is withdrawn and
// leaves the register and the report.
func TestMedicalCorrectAndWithdraw(t *testing.T) {
	x := newDeskApp(t)
	s := openDesk(t, x, "nav.medical").(*medicalScreen)
	add := func(person, amount string) {
		t.Helper()
		s.person.SetText(person)
		s.idNumber.SetText("410802195803020212")
		s.community.SetSelected("东社区")
		s.category.set("dibao")
		s.cause.set("sudden_accident")
		s.amount.SetText(amount)
		s.granted.SetText("2025-06-12")
		test.Tap(button(t, x, "desk.medical.add"))
		if s.msg.Visible() {
			t.Fatalf("refused: %q", s.msg.Text)
		}
	}
	add("刘大", "150")
	add("刘大", "150")
	if len(s.cases) != 2 {
		t.Fatalf("register %+v", s.cases)
	}
	s.startCorrect(s.cases[0])
	if s.amount.Text != "150.00" || s.person.Text != "刘大" || s.add.Visible() || !s.correctBar.Visible() {
		t.Fatalf("correcting: amount %q person %q", s.amount.Text, s.person.Text)
	}
	// The grant's category and cause show in their selects, as drawn.
	for _, want := range []string{kit.Code("medical_category", "dibao"), kit.Code("medical_cause", "sudden_accident")} {
		drawn := false
		kittest.Walk(s.card, func(o fyne.CanvasObject) {
			if r, ok := o.(*widget.RichText); ok && r.String() == want {
				drawn = true
			}
		})
		if !drawn {
			t.Errorf("correcting: %q not drawn in the form", want)
		}
	}
	s.amount.SetText("1500")
	test.Tap(button(t, x, "desk.medical.save_correction"))
	if !s.msg.Visible() || s.msg.Text != tr("desk.err.reason_required") || s.amount.Text != "1500" {
		t.Fatalf("no reason: message %q (shown %v), amount %q", s.msg.Text, s.msg.Visible(), s.amount.Text)
	}
	s.reason.SetText("少录一个零")
	test.Tap(button(t, x, "desk.medical.save_correction"))
	if s.msg.Visible() || s.editing != "" || !s.add.Visible() {
		t.Fatalf("after the correction: message %q, editing %q", s.msg.Text, s.editing)
	}
	s.startCorrect(s.cases[1])
	s.reason.SetText("重复录入")
	test.Tap(button(t, x, "desk.medical.withdraw"))
	if s.msg.Visible() {
		t.Fatalf("withdraw refused: %q", s.msg.Text)
	}
	if len(s.cases) != 1 || s.cases[0].AmountFen != 150000 {
		t.Fatalf("register after the correction and the withdrawal: %+v", s.cases)
	}
	if m := halfYearMedical(t, x); m.Cases != 1 || m.AmountFen != 150000 {
		t.Fatalf("report %+v", m)
	}
}

// halfYearMedical is the medical-assistance section of the report for the
// first half of 2025, computed as the reports screen does.
func halfYearMedical(t *testing.T, x *testApp) report.Medical {
	t.Helper()
	r, err := report.Compute(x.Env.Ctx(), office(x.Env), report.Params{Period: desk.Period{
		From: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2025, 6, 30, 0, 0, 0, 0, time.UTC)}})
	if err != nil {
		t.Fatal(err)
	}
	return r.Medical
}
