package report

import (
	"testing"
	"time"

	"doorstep/app/desk"
	"doorstep/app/desk/internal/testdb"
)

// TestEvidenceCounts: the report counts the period's submitted visits by
// their evidence verdict; a visit outside the period, a draft and a visit
// outside the area are not counted.
func TestEvidenceCounts(t *testing.T) {
	o := fixture(t)
	in := time.Date(2025, 3, 10, 2, 0, 0, 0, time.UTC).Format(time.RFC3339)
	out := time.Date(2024, 12, 10, 2, 0, 0, 0, time.UTC).Format(time.RFC3339)
	visit := func(id, comm, state, at string) testdb.Row {
		return testdb.Row{Table: "means_visits", ID: id, Values: map[string]any{"household_id": "h1",
			"community_id": comm, "state": state, "submitted_at": at}}
	}
	verdict := func(id, status string) testdb.Row {
		return testdb.Row{Table: "evidence_verdicts", ID: "vd-" + id, Values: map[string]any{"record_table": "means_visits",
			"record_id": id, "community_id": "c1", "status": status, "reasons": `[]`}}
	}
	testdb.Insert(t, o.DB,
		visit("ev1", "c1", "submitted", in), visit("ev2", "c1", "submitted", in), visit("ev3", "c2", "submitted", in),
		visit("ev4", "c1", "submitted", in), visit("ev5", "c1", "submitted", out), visit("ev6", "c1", "draft", in),
		verdict("ev1", "verified"), verdict("ev2", "flagged"), verdict("ev3", "flagged"), verdict("ev5", "flagged"),
	)
	r, err := Compute(ctx, o, Params{Period: h1, Area: desk.Area{CommunityID: "c1"}})
	if err != nil {
		t.Fatal(err)
	}
	base, err := Compute(ctx, o, Params{Period: h1, Area: desk.Area{CommunityID: "c2"}})
	if err != nil {
		t.Fatal(err)
	}
	got := r.Evidence
	if got.Flagged != 1 || got.Verified != 1 || got.Unchecked < 1 || got.Visits != got.Verified+got.Flagged+got.Pending+got.Unchecked {
		t.Errorf("c1 evidence counts %+v", got)
	}
	if base.Evidence.Flagged != 1 || base.Evidence.Verified != 0 {
		t.Errorf("c2 evidence counts %+v", base.Evidence)
	}
}
