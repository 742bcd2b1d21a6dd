package app

import (
	"testing"
	"time"

	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/test"

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
	if _, err := review.Approve(ctx, office(x.env), review.MeansVisit, "v3", ""); err != nil {
		t.Fatal(err)
	}
	_, err := meeting.Hold(ctx, office(x.env), meeting.Meeting{StreetID: "s1",
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
	today := x.shell.visible().(*todayScreen)
	d, _ := today.desk.(*deskToday)
	if d == nil {
		t.Fatal("a supervisor's Today has no desk summary")
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

	test.Tap(d.review.row)
	rs, ok := x.shell.visible().(*reviewScreen)
	if !ok || rs.state.Selected != tr("desk.state.pending") || len(rs.items) != 1 || rs.items[0].ID != "v2" {
		t.Fatalf("the review row opened %T", x.shell.visible())
	}
	x.Show("today")
	test.Tap(d.conflicts.row)
	if cs, ok := x.shell.visible().(*conflictsScreen); !ok || len(cs.conflicts) != 1 {
		t.Fatalf("the conflicts row opened %T", x.shell.visible())
	}
	x.Show("today")
	test.Tap(d.notices.row)
	ms, ok := x.shell.visible().(*meetingScreen)
	if !ok || !ms.endedOnly.Checked || ms.tabs.SelectedIndex() != 1 || len(ms.notices) != 1 || !ms.notices[0].Ended {
		t.Fatalf("the notices row opened %T", x.shell.visible())
	}
	x.Show("today")
	test.Tap(d.overdue.row) // scrolls the list to the overdue re-checks
	if _, ok := x.shell.visible().(*todayScreen); !ok || !onScreen(x, tr("today.kind."+records.TodayOverdue)) {
		t.Fatalf("the overdue row left Today or the list lacks the re-check: %q", texts(x))
	}

	// With nothing waiting the summary is gone.
	if _, err := review.Approve(ctx, office(x.env), review.MeansVisit, "v2", ""); err != nil {
		t.Fatal(err)
	}
	db.Exec(`UPDATE conflicts SET resolved = 1`)
	db.Exec(`UPDATE households SET recheck_due = '2026-06-01'`)
	if err := meeting.Apply(ctx, office(x.env), ms.notices[0].ID, ""); err != nil {
		t.Fatal(err)
	}
	x.Show("today")
	if d.Object().Visible() || onScreen(x, tr("today.desk.review")) {
		t.Fatalf("the summary still shows: %q", texts(x))
	}
}

// lang2 translates a key with two template values.
func lang2(key, n1 string, v1 any, n2 string, v2 any) string {
	return lang.L(key, map[string]any{n1: v1, n2: v2})
}
