package app

import (
	"strings"

	"fyne.io/fyne/v2/lang"
	"testing"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"doorstep/app/desk/review"
	model "doorstep/app/forms"
	"doorstep/schema"
)

// Bad input everywhere gets a message in the user's language and keeps
// what was typed.

func TestEnrollmentRefusesABadServerAddress(t *testing.T) {
	x := newTestApp(t, "", nil)
	enroll(t, x, "http://exa mple.org/", "ABCD-EFGH")
	if x.Identity().Role != "" || !onScreen(x, tr("server.bad_address")) {
		t.Fatalf("a malformed address: %q", texts(x))
	}
	server := find(t, x, func(e *widget.Entry) bool { return e.PlaceHolder == "https://sync.example.org" })
	if server.Text != "http://exa mple.org/" || entryWithPlaceholder(t, x, "firstrun.code_hint").Text != "ABCD-EFGH" {
		t.Fatalf("the form lost input: %q", texts(x))
	}
	for text, want := range map[string]string{
		"sync.example.org":          "https://sync.example.org",
		" http://10.0.0.2:8443/ ":   "http://10.0.0.2:8443",
		"https://s.example.org/api": "https://s.example.org/api",
		"ftp://s.example.org":       "",
		"https://":                  "",
		"https://a.org/?x=1":        "",
		"":                          "",
	} {
		got, ok := serverAddress(text)
		if ok != (want != "") || got != want {
			t.Errorf("serverAddress(%q) = %q, %v; want %q", text, got, ok, want)
		}
	}
}

func TestSettingsRefuseABadServerAddress(t *testing.T) {
	x := newTestApp(t, "", nil)
	startDemo(t, x, schema.RoleWorker)
	test.Tap(button(t, x, "nav.settings"))
	s := x.shell.visible().(*settingsScreen)
	s.address.SetText("sync example org")
	test.Tap(s.moveBtn)
	x.tasks.Wait()
	if !s.moveMsg.Visible() || s.moveMsg.Text != tr("server.bad_address") || s.address.Text != "sync example org" {
		t.Fatalf("settings with a malformed address: %q, field %q", s.moveMsg.Text, s.address.Text)
	}
}

func TestVisitMoneyFieldsExplainBadAmounts(t *testing.T) {
	x := newTestApp(t, "", nil)
	startDemo(t, x, schema.RoleWorker)
	s := openVisit(t, x)
	addMember(t, x, s, "李四", idLi)
	test.Tap(button(t, x, "visit.add_income"))
	id := s.v.Incomes[0].ID
	r := s.incomeRows[id]
	r.member.SetSelectedIndex(0)
	r.kind.SetSelected(Code("income", "wages"))
	Field := model.IncomeField(id, "amount")
	for _, bad := range []string{"-5", "abc", "12.345", "1.2.3"} {
		r.amount.SetText("")
		test.Type(r.amount, bad)
		test.Tap(button(t, x, "action.submit"))
		dismissDialogs(x)
		if got := errorText(s.kit, Field); got != tr(model.MsgAmount) {
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
	if got := s.live.perCapita.Text; got != Money(123450) {
		t.Errorf("live per-capita income %q, want %q", got, Money(123450))
	}
	test.Tap(button(t, x, "action.submit"))
	dismissDialogs(x)
	if got := errorText(s.kit, Field); got != "" {
		t.Errorf("a good amount still has the message %q", got)
	}
}

func TestScreeningDateExplainsBadDates(t *testing.T) {
	x := newTestApp(t, "", nil)
	startDemo(t, x, schema.RoleWorker)
	var elder string
	if err := x.store.DB().QueryRow(`SELECT id FROM elders ORDER BY id LIMIT 1`).Scan(&elder); err != nil {
		t.Fatal(err)
	}
	if err := x.OpenForm(model.FormScreening, elder); err != nil {
		t.Fatal(err)
	}
	s := x.shell.visible().(*screeningScreen)
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

func TestDrawExplainsBadSizes(t *testing.T) {
	x := newDeskApp(t)
	s := openDesk(t, x, "nav.draw").(*drawScreen)
	s.streets.SetSelected([]string{"焦北街道"})
	try := func(byCount bool, size, want string) {
		t.Helper()
		mode := tr("desk.draw.rate")
		if byCount {
			mode = tr("desk.draw.count")
		}
		s.byCount.SetSelected(mode)
		s.size.SetText(size)
		test.Tap(button(t, x, "desk.draw.preview"))
		if !s.msg.Visible() || s.msg.Text != want || s.size.Text != size || !s.save.Disabled() {
			t.Errorf("%s %q: message %q (shown %v), want %q", mode, size, s.msg.Text, s.msg.Visible(), want)
		}
	}
	want := trData
	rangeMsg := want("desk.err.number_range", map[string]any{"Field": tr("desk.draw.rate"), "Min": 1, "Max": 100})
	try(false, "0", rangeMsg)
	try(false, "101", rangeMsg)
	try(false, "ten", rangeMsg)
	try(true, "0", want("desk.err.number_min", map[string]any{"Field": tr("desk.draw.count"), "Min": 1}))
	// Street s1 has one active household (h1) to draw.
	try(true, "5", want("desk.err.count_over", map[string]any{"Street": "焦北街道", "Available": 1, "Count": 5}))
	s.byCount.SetSelected(tr("desk.draw.count"))
	s.size.SetText("1")
	s.inspectors.SetText("1")
	test.Tap(button(t, x, "desk.draw.preview"))
	if s.msg.Visible() && strings.Contains(s.msg.Text, tr("desk.draw.count")) {
		t.Errorf("a count of 1: %q", s.msg.Text)
	}
}

func TestMeetingExplainsBadVotes(t *testing.T) {
	x := newDeskApp(t)
	if _, err := review.Approve(x.ctx(), office(x.env), review.MeansVisit, "v3", ""); err != nil {
		t.Fatal(err)
	}
	s := openDesk(t, x, "nav.meeting").(*meetingScreen)
	for _, c := range s.present {
		test.Tap(c)
	}
	test.Tap(s.cases[0].include)
	for _, bad := range []string{"-1", "四"} {
		s.cases[0].votes[1].SetText(bad)
		test.Tap(button(t, x, "desk.meeting.hold"))
		want := trData("desk.err.number_min", map[string]any{"Field": tr("desk.meeting.against"), "Min": 0})
		if !s.msg.Visible() || !strings.Contains(s.msg.Text, want) || s.cases[0].votes[1].Text != bad {
			t.Errorf("votes against %q: %q", bad, s.msg.Text)
		}
	}
	s.cases[0].votes[1].SetText("")
	s.noticeDays.SetText("七")
	test.Tap(button(t, x, "desk.meeting.hold"))
	if want := trData("desk.err.number_min", map[string]any{"Field": tr("desk.meeting.notice_days"), "Min": 0}); s.msg.Text != want {
		t.Errorf("notice days 七: %q, want %q", s.msg.Text, want)
	}
	s.noticeDays.SetText("7")
	s.heldOn.SetText("2025-7-1x")
	test.Tap(button(t, x, "desk.meeting.hold"))
	if want := trData("desk.err.date_field", map[string]any{"Field": tr("desk.meeting.held_on")}); s.msg.Text != want {
		t.Errorf("meeting date: %q, want %q", s.msg.Text, want)
	}
	var n int
	x.store.DB().QueryRow(`SELECT count(*) FROM approval_meetings`).Scan(&n)
	if n != 0 {
		t.Fatalf("%d meetings stored from bad input", n)
	}
}

// trData translates a key with template data.
func trData(key string, data map[string]any) string { return lang.L(key, data) }
