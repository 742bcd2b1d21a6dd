package report

import (
	"testing"
	"time"

	"doorstep/app/desk"
	"doorstep/app/desk/internal/testdb"
)

// TestEvidenceCounts: the report counts the period's submitted visits by
// their evidence verdict; a visit outside the period, a draft and a visit
// outside the area are not counted. Short visits (desk.ShortVisits) are
// counted, and the visits flagged or short once each.
func TestEvidenceCounts(t *testing.T) {
	o := fixture(t)
	in := time.Date(2025, 3, 10, 2, 0, 0, 0, time.UTC).Format(time.RFC3339)
	out := time.Date(2024, 12, 10, 2, 0, 0, 0, time.UTC).Format(time.RFC3339)
	visit := func(id, comm, state, at string, minutes int) testdb.Row {
		start := time.Date(2025, 3, 10, 1, 0, 0, 0, time.UTC)
		return testdb.Row{Table: "means_visits", ID: id, Values: map[string]any{"household_id": "h1",
			"community_id": comm, "state": state, "submitted_at": at, "started_at": start.Format(time.RFC3339),
			"ended_at": start.Add(time.Duration(minutes) * time.Minute).Format(time.RFC3339)}}
	}
	verdict := func(id, status string) testdb.Row {
		return testdb.Row{Table: "evidence_verdicts", ID: "vd-" + id, Values: map[string]any{"record_table": "means_visits",
			"record_id": id, "community_id": "c1", "status": status, "reasons": `[]`}}
	}
	testdb.Insert(t, o.DB,
		// ev1 and ev2 took 10 minutes (short), the others an hour; ev5 is
		// short too, but outside the period, ev6 a draft.
		visit("ev1", "c1", "submitted", in, 10), visit("ev2", "c1", "submitted", in, 10), visit("ev3", "c2", "submitted", in, 60),
		visit("ev4", "c1", "submitted", in, 60), visit("ev5", "c1", "submitted", out, 10), visit("ev6", "c1", "draft", in, 5),
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
	// c1: ev1 verified and short, ev2 flagged and short, ev4 neither.
	if got.Short != 2 || got.FlaggedOrShort != 2 {
		t.Errorf("c1 short %d, flagged or short %d; want 2, 2", got.Short, got.FlaggedOrShort)
	}
	if base.Evidence.Flagged != 1 || base.Evidence.Verified != 0 || base.Evidence.Short != 0 || base.Evidence.FlaggedOrShort != 1 {
		t.Errorf("c2 evidence counts %+v", base.Evidence)
	}
}
