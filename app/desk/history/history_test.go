package history

import (
	"context"
	"reflect"
	"testing"
	"time"

	"doorstep/app/desk"
	"doorstep/app/desk/internal/testdb"
	"doorstep/schema/rules"
)

var ctx = context.Background()

// day and isCode: testdb.Day, testdb.IsCode.
var day, isCode = testdb.Day, testdb.IsCode

// row reads the household's projected columns.
func row(t *testing.T, o *desk.Office, id string) []any {
	t.Helper()
	var status, approved, cancelled, reason string
	var benefit, covered int64
	err := o.DB.QueryRow(`SELECT coalesce(status,''), coalesce(approved_on,''), coalesce(cancelled_on,''),
		coalesce(cancel_reason,''), coalesce(benefit_fen,0), coalesce(covered_members,0) FROM households WHERE id = ?`, id).
		Scan(&status, &approved, &cancelled, &reason, &benefit, &covered)
	if err != nil {
		t.Fatal(err)
	}
	return []any{status, approved, cancelled, reason, benefit, covered}
}

func TestSuspendResumeCorrect(t *testing.T) {
	db := testdb.Open(t)
	testdb.Org(t, db)
	testdb.Insert(t, db, testdb.Row{Table: "households", ID: "h1", Values: map[string]any{"community_id": "c1", "status": "applicant"}})
	o, clock := testdb.Office(db, "sup", time.Date(2025, 3, 10, 2, 0, 0, 0, time.UTC))
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	_, err = Append(ctx, tx, o, Decision{HouseholdID: "h1", Kind: rules.KindApprove, From: day("2025-01-20"),
		DecidedOn: day("2025-01-20"), Status: rules.EntitlementActive, BaseFen: 30000, TopUpFen: 1000, Covered: 2},
		map[string]any{"last_visit_id": "v1"})
	if err != nil {
		t.Fatal(err)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	if got, want := row(t, o, "h1"), []any{"active", "2025-01-20", "", "", int64(31000), int64(2)}; !reflect.DeepEqual(got, want) {
		t.Fatalf("after approval %v, want %v", got, want)
	}
	if _, err := Resume(ctx, o, "h1", day("2025-03-01"), "找到了"); !isCode(err, "not_suspended") {
		t.Fatalf("resume an active household: %v", err)
	}
	if _, err := Suspend(ctx, o, "h1", day("2025-03-11"), "absent_at_spot_check", ""); !isCode(err, "date") {
		t.Fatalf("suspend tomorrow: %v", err)
	}
	if _, err := Suspend(ctx, o, "h1", day("2025-03-05"), "bogus", ""); !isCode(err, "suspend_reason") {
		t.Fatalf("bad reason: %v", err)
	}
	if _, err := Suspend(ctx, o, "h1", day("2025-01-10"), "other", ""); !isCode(err, "not_active") {
		t.Fatalf("suspend before approval: %v", err)
	}
	if _, err := Suspend(ctx, o, "h1", day("2025-03-05"), "absent_at_spot_check", "抽查两次无人"); err != nil {
		t.Fatal(err)
	}
	if got, want := row(t, o, "h1"), []any{"suspended", "2025-01-20", "", "", int64(0), int64(0)}; !reflect.DeepEqual(got, want) {
		t.Fatalf("after suspension %v, want %v", got, want)
	}
	if _, err := Suspend(ctx, o, "h1", day("2025-03-06"), "other", ""); !isCode(err, "not_active") {
		t.Fatalf("suspend twice: %v", err)
	}
	clock.T = time.Date(2025, 4, 20, 2, 0, 0, 0, time.UTC)
	if _, err := Resume(ctx, o, "h1", day("2025-04-18"), " "); !isCode(err, "note_required") {
		t.Fatalf("resume without a note: %v", err)
	}
	if _, err := Resume(ctx, o, "h1", day("2025-04-18"), "复核时户主在家"); err != nil {
		t.Fatal(err)
	}
	if got, want := row(t, o, "h1"), []any{"active", "2025-01-20", "", "", int64(31000), int64(2)}; !reflect.DeepEqual(got, want) {
		t.Fatalf("after resumption %v, want %v", got, want)
	}
	// A correction never runs over a suspension.
	if _, err := Correct(ctx, o, "h1", day("2025-02-01"), time.Time{}, 35000, 1000, 2, "收入核定有误"); !isCode(err, "not_active") {
		t.Fatalf("correction over the suspension: %v", err)
	}
	// A correction decided today raises 1 February – 4 March; the
	// current amount is unchanged because the correction has ended.
	if _, err := Correct(ctx, o, "h1", day("2025-02-01"), day("2025-03-04"), 35000, 1000, 2, "收入核定有误"); err != nil {
		t.Fatal(err)
	}
	rows, err := Periods(ctx, o, "h1")
	if err != nil {
		t.Fatal(err)
	}
	var kinds []string
	for _, e := range rows {
		kinds = append(kinds, e.Kind)
	}
	if !reflect.DeepEqual(kinds, []string{"approve", "suspend", "resume", "correct"}) || rows[0].SubsidyFen != 3000 {
		t.Fatalf("history %v %+v", kinds, rows[0])
	}
	// Months pay the period in force on the last day of the month before:
	// February per 31 January (approved), March per 28 February (the
	// correction), April per 31 March (suspended), May per 30 April
	// (resumed on the 18th).
	var got []int64
	for _, m := range []string{"2025-02-01", "2025-03-01", "2025-04-01", "2025-05-01"} {
		l, _ := rules.Due(rows, day(m), time.Time{})
		got = append(got, l.TotalFen())
	}
	if want := []int64{34000, 39000, 0, 34000}; !reflect.DeepEqual(got, want) {
		t.Fatalf("months due %v, want %v", got, want)
	}
	if got, want := row(t, o, "h1"), []any{"active", "2025-01-20", "", "", int64(31000), int64(2)}; !reflect.DeepEqual(got, want) {
		t.Fatalf("after correction %v, want %v", got, want)
	}
	// Read-only history: periods cannot be edited.
	if err := desk.Update(ctx, db, "entitlements", rows[0].ID, map[string]any{"base_fen": 1}); err == nil {
		t.Fatal("an entitlement period was edited")
	}
}

// TestBackfill: rows from before the history get the periods they imply,
// the same ids on every device, once.
func TestBackfill(t *testing.T) {
	db := testdb.Open(t)
	testdb.Org(t, db)
	testdb.Insert(t, db,
		testdb.Row{Table: "households", ID: "h1", Values: map[string]any{"community_id": "c1", "status": "active",
			"approved_on": "2024-03-01", "benefit_fen": 30000, "covered_members": 2}},
		testdb.Row{Table: "households", ID: "h2", Values: map[string]any{"community_id": "c2", "status": "cancelled",
			"approved_on": "2023-01-01", "cancelled_on": "2025-02-10", "cancel_reason": "moved_away"}},
		testdb.Row{Table: "households", ID: "h3", Values: map[string]any{"community_id": "c1", "status": "applicant"}},
	)
	o, _ := testdb.Office(db, "sup", time.Date(2025, 7, 10, 2, 0, 0, 0, time.UTC))
	n, err := Backfill(ctx, o)
	if err != nil || n != 2 {
		t.Fatalf("backfilled %d, %v", n, err)
	}
	if n, err := Backfill(ctx, o); err != nil || n != 0 {
		t.Fatalf("second backfill %d, %v", n, err)
	}
	h1, _ := Periods(ctx, o, "h1")
	h2, _ := Periods(ctx, o, "h2")
	if len(h1) != 1 || h1[0].BaseFen != 30000 || h1[0].SubsidyFen != 3000 || len(h2) != 2 || h2[1].Reason != "moved_away" {
		t.Fatalf("backfilled %+v %+v", h1, h2)
	}
	if e, ok := rules.InForce(h2, day("2025-03-01"), time.Time{}); !ok || e.Status != rules.EntitlementCancelled {
		t.Fatalf("h2 in March %+v", e)
	}
	if h1[0].ID != rules.StableID(day("2024-03-01"), "doorstep/backfill/h1/approve") {
		t.Fatalf("backfill id %s not derived from the household", h1[0].ID)
	}
}
