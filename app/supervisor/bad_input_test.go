package supervisor

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"doorstep/app/desk/review"
)

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
	if _, err := review.Approve(x.Env.Ctx(), office(x.Env), review.MeansVisit, "v3", ""); err != nil {
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
	if err := x.Env.Store.DB().QueryRow(`SELECT count(*) FROM approval_meetings`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 0 {
		t.Fatalf("%d meetings stored from bad input", n)
	}
}
