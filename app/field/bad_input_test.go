package field

import (
	"testing"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	model "doorstep/app/forms"
	"doorstep/app/kit"
	"doorstep/schema"
)

func TestVisitMoneyFieldsExplainBadAmounts(t *testing.T) {
	x := newTestApp(t, "", nil)
	startDemo(t, x, schema.RoleWorker)
	s := openVisit(t, x)
	addMember(t, x, s, "李四", idLi)
	test.Tap(button(t, x, "visit.add_income"))
	id := s.v.Incomes[0].ID
	r := s.incomeRows[id]
	r.member.SetSelectedIndex(0)
	r.kind.SetSelected(kit.Code("income", "wages"))
	field := model.IncomeField(id, "amount")
	for _, bad := range []string{"-5", "abc", "12.345", "1.2.3"} {
		r.amount.SetText("")
		test.Type(r.amount, bad)
		test.Tap(button(t, x, "action.submit"))
		dismissDialogs(x)
		if got := errorText(s.kit, field); got != tr(model.MsgAmount) {
			t.Errorf("amount %q: message beside the field %q", bad, got)
		}
		if r.amount.Text != bad || s.v.Incomes[0].Amount != bad {
			t.Errorf("amount %q became %q (model %q)", bad, r.amount.Text, s.v.Incomes[0].Amount)
		}
	}
	r.amount.SetText("")
	test.Type(r.amount, "1,234.5元")
	if fen, ok, err := model.ParseYuan(r.amount.Text); fen != 123450 || !ok || err != nil {
		t.Fatalf("1,234.5 yuan is %d fen, %v", fen, err)
	}
	if got := s.live.perCapita.Text; got != kit.Money(123450) {
		t.Errorf("live per-capita income %q, want %q", got, kit.Money(123450))
	}
	test.Tap(button(t, x, "action.submit"))
	dismissDialogs(x)
	if got := errorText(s.kit, field); got != "" {
		t.Errorf("a good amount still has the message %q", got)
	}
}

func TestScreeningDateExplainsBadDates(t *testing.T) {
	x := newTestApp(t, "", nil)
	startDemo(t, x, schema.RoleWorker)
	var elder string
	if err := x.Env.Store.DB().QueryRow(`SELECT id FROM elders ORDER BY id LIMIT 1`).Scan(&elder); err != nil {
		t.Fatal(err)
	}
	if err := x.OpenForm(model.FormScreening, elder); err != nil {
		t.Fatal(err)
	}
	s := x.Visible().(*screeningScreen)
	if s.s.ScreenedOn == "" {
		t.Fatal("a new screening has no date")
	}
	date := find(t, x, func(e *widget.Entry) bool {
		return e.PlaceHolder == tr("forms.date_placeholder") && e.Text == s.s.ScreenedOn
	})
	for _, bad := range []string{"2025-13-40", "昨天", "2025/6/1x"} {
		date.SetText("")
		test.Type(date, bad)
		test.Tap(button(t, x, "action.submit"))
		dismissDialogs(x)
		if got := errorText(s.kit, model.FieldScreenedOn); got != tr(model.MsgDate) {
			t.Errorf("date %q: message %q", bad, got)
		}
		if date.Text != bad {
			t.Errorf("date %q became %q", bad, date.Text)
		}
	}
}
