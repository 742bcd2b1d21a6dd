package app

import (
	"slices"
	"testing"
	"time"

	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"doorstep/app/desk"
	"doorstep/app/desk/meeting"
	"doorstep/app/desk/review"
	"doorstep/app/records"
)

// TestSupervisorTodayShowsTheDesk: a supervisor's Today says how many
// records await review and since when, the open conflicts, the cases
// whose public notice has ended and the overdue re-checks; each row opens
// the screen where it is dealt with.
func TestSupervisorTodayShowsTheDesk(t *testing.T) {
	x := newDeskApp(t)
	ctx, db := x.ctx(), x.store.DB()
	// v3 approved at a meeting whose 7-day notice ended on 2025-06-16;
	// v2 stays pending; h1's re-check was due on 2025-06-01.
	if _, err := review.Approve(ctx, office(x), review.MeansVisit, "v3", ""); err != nil {
		t.Fatal(err)
	}
	_, err := meeting.Hold(ctx, office(x), meeting.Meeting{StreetID: "s1",
		HeldOn:    time.Date(2025, 6, 10, 0, 0, 0, 0, time.UTC),
		Attendees: []string{"sup", "w1", "w2"}, NoticeDays: 7,
		Decisions: []meeting.Decision{{VisitID: "v3", Outcome: meeting.DecideApprove, For: 3}}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`UPDATE households SET recheck_due = '2025-06-01' WHERE id = 'h1'`); err != nil {
		t.Fatal(err)
	}
	err = desk.Insert(ctx, db, "conflicts", "k1", map[string]any{"tbl": "households", "row_id": "h1",
		"col": "address", "community_id": "c1", "winner_value": `"解放路2号"`, "loser_value": `"解放路1号"`,
		"winner_hlc": 2 << 40, "loser_hlc": 1 << 40, "winner_site": "dev-b", "loser_site": "dev-a",
		"winner_user": "w2", "loser_user": "w1", "detected_at": "2025-06-30T02:00:00Z", "resolved": 0})
	if err != nil {
		t.Fatal(err)
	}

	x.Show("today")
	if x.shell.current != "nav.today" {
		t.Fatalf("Show(today) shows %s", x.shell.current)
	}
	for _, want := range []string{
		tr("today.desk.review"), lang2("today.desk.review_note", "Count", 1, "Date", "2025-06-20"),
		tr("today.desk.conflicts"), tr2("today.desk.conflicts_note", "Count", 1),
		tr("today.desk.notices"), lang2("today.desk.notices_note", "Count", 1, "Date", "2025-06-16"),
		tr("today.desk.overdue"), lang2("today.desk.overdue_note", "Count", 1, "Date", "2025-06-01"),
	} {
		if !onScreen(x, want) {
			t.Errorf("Today lacks %q: %q", want, texts(x))
		}
	}
	if onScreen(x, tr("today.empty")) {
		t.Error("Today says there is nothing to do")
	}

	// The review row: the queue of pending records, v2 (刘大's re-check)
	// alone.
	test.Tap(tapRowWith(t, x, tr("today.desk.review")))
	state := find(t, x, func(s *widget.Select) bool { return slices.Contains(s.Options, tr("desk.state.pending")) })
	if x.shell.current != "nav.review" || state.Selected != tr("desk.state.pending") || shownList(t, x).Length() != 1 ||
		!onScreen(x, "刘大") {
		t.Fatalf("the review row opened %s: %q", x.shell.current, texts(x))
	}
	x.Show("today")
	test.Tap(tapRowWith(t, x, tr("today.desk.conflicts")))
	keep := 0
	for _, b := range all[*widget.Button](x) {
		if b.Text == tr("desk.conflict.keep") {
			keep++
		}
	}
	if x.shell.current != "nav.conflicts" || keep != 2 { // one conflict, two values to keep
		t.Fatalf("the conflicts row opened %s with %d values to keep", x.shell.current, keep)
	}
	x.Show("today")
	test.Tap(tapRowWith(t, x, tr("today.desk.notices")))
	ended := find(t, x, func(c *widget.Check) bool { return c.Text == tr("desk.meeting.ended_only") })
	tabs := find(t, x, func(*container.AppTabs) bool { return true })
	ns, err := meeting.Notices(ctx, office(x), desk.Area{}, true)
	if err != nil {
		t.Fatal(err)
	}
	apply := 0
	for _, b := range all[*widget.Button](x) {
		if b.Text == tr("desk.meeting.apply") {
			apply++
		}
	}
	if x.shell.current != "nav.meeting" || !ended.Checked || tabs.SelectedIndex() != 1 || len(ns) != 1 || !ns[0].Ended ||
		apply != 1 {
		t.Fatalf("the notices row opened %s: %q", x.shell.current, texts(x))
	}
	x.Show("today")
	test.Tap(tapRowWith(t, x, tr("today.desk.overdue"))) // scrolls the list to the overdue re-checks
	if x.shell.current != "nav.today" || len(x.shell.stack) != 0 || !onScreen(x, tr("today.kind."+records.TodayOverdue)) {
		t.Fatalf("the overdue row left Today or the list lacks the re-check: %q", texts(x))
	}

	// With nothing waiting the summary is gone.
	if _, err := review.Approve(ctx, office(x), review.MeansVisit, "v2", ""); err != nil {
		t.Fatal(err)
	}
	db.Exec(`UPDATE conflicts SET resolved = 1`)
	db.Exec(`UPDATE households SET recheck_due = '2026-06-01'`)
	if err := meeting.Apply(ctx, office(x), ns[0].ID, ""); err != nil {
		t.Fatal(err)
	}
	x.Show("today")
	if onScreen(x, tr("today.desk.review")) || onScreen(x, tr("today.desk.conflicts")) ||
		onScreen(x, tr("today.desk.notices")) || onScreen(x, tr("today.desk.overdue")) {
		t.Fatalf("the summary still shows: %q", texts(x))
	}
}

// lang2 translates a key with two template values.
func lang2(key, n1 string, v1 any, n2 string, v2 any) string {
	return lang.L(key, map[string]any{n1: v1, n2: v2})
}
