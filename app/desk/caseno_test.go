package desk_test

import (
	"context"
	"testing"

	"doorstep/app/desk"
	"doorstep/app/desk/internal/testdb"
	"doorstep/schema"
)

// TestCaseNumbersNextAndClashes: numbers run per district and year; two
// desks that approved offline and gave two households the same number are
// found after sync, and the later approval is renumbered — the same one
// whichever desk settles it.
func TestCaseNumbersNextAndClashes(t *testing.T) {
	ctx := context.Background()
	db := testdb.Open(t)
	testdb.Org(t, db)
	testdb.Insert(t, db,
		testdb.Row{Table: "households", ID: "ha", Values: map[string]any{"community_id": "c1", "approved_on": "2025-03-01", "case_no": "410802-2025-00001"}},
		testdb.Row{Table: "households", ID: "hb", Values: map[string]any{"community_id": "c1", "approved_on": "2025-05-02", "case_no": "410802-2025-00002"}},
		testdb.Row{Table: "households", ID: "hc", Values: map[string]any{"community_id": "c1", "approved_on": "2024-12-30", "case_no": "410802-2024-00007"}},
	)
	next, err := desk.NextCaseNumber(ctx, db, "410802", 2025)
	if err != nil {
		t.Fatal(err)
	}
	if next != schema.CaseNumber("410802", 2025, 3) {
		t.Fatalf("next 2025 number %q", next)
	}
	if next, err := desk.NextCaseNumber(ctx, db, "410803", 2025); err != nil || next != "410803-2025-00001" {
		t.Fatalf("first number of another district %q %v", next, err)
	}
	if clashes, err := desk.CaseNumberClashes(ctx, db); err != nil || len(clashes) != 0 {
		t.Fatalf("clashes before any: %v %v", clashes, err)
	}
	// Desk 1 approved hd and desk 2 he while both offline: both took 00003.
	testdb.Insert(t, db,
		testdb.Row{Table: "households", ID: "he", Values: map[string]any{"community_id": "c1", "approved_on": "2025-06-02", "case_no": next}},
		testdb.Row{Table: "households", ID: "hd", Values: map[string]any{"community_id": "c1", "approved_on": "2025-06-01", "case_no": next}},
	)
	clashes, err := desk.CaseNumberClashes(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	if len(clashes) != 1 || clashes[0].CaseNo != next || clashes[0].Keep != "hd" || len(clashes[0].Renumber) != 1 || clashes[0].Renumber[0] != "he" {
		t.Fatalf("clashes %+v", clashes)
	}
	if _, err := desk.RenumberClashes(ctx, db); err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, id := range []string{"hd", "he"} {
		var no string
		if err := db.QueryRow(`SELECT case_no FROM households WHERE id = ?`, id).Scan(&no); err != nil {
			t.Fatal(err)
		}
		got[id] = no
	}
	if got["hd"] != next || got["he"] != schema.CaseNumber("410802", 2025, 4) {
		t.Errorf("after renumbering %v", got)
	}
	if clashes, err := desk.CaseNumberClashes(ctx, db); err != nil || len(clashes) != 0 {
		t.Fatalf("clashes after renumbering: %v %v", clashes, err)
	}
}
