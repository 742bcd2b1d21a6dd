package review

import (
	"testing"

	"doorstep/app/desk/internal/testdb"
)

// TestQueueFlagged: the queue marks the records the server flagged and,
// with Filter.Flagged, lists only them; counts follow the filter.
func TestQueueFlagged(t *testing.T) {
	o, db := fixture(t)
	testdb.Insert(t, db,
		testdb.Row{Table: "evidence_verdicts", ID: "vd2", Values: map[string]any{"record_table": "means_visits",
			"record_id": "v2", "community_id": "c1", "status": "flagged", "reasons": `[{"code":"no_evidence"}]`}},
		testdb.Row{Table: "evidence_verdicts", ID: "vd3", Values: map[string]any{"record_table": "means_visits",
			"record_id": "v3", "community_id": "c2", "status": "verified", "reasons": `[]`}},
	)
	all, err := List(ctx, o, Filter{Kinds: []Kind{MeansVisit}})
	if err != nil {
		t.Fatal(err)
	}
	flags := map[string]bool{}
	for _, it := range all.Items {
		flags[it.ID] = it.Flagged
	}
	if !flags["v2"] || flags["v3"] || len(all.Items) < 2 {
		t.Fatalf("flags in the queue: %v", flags)
	}
	q, err := List(ctx, o, Filter{Kinds: []Kind{MeansVisit}, Flagged: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(q.Items) != 1 || q.Items[0].ID != "v2" {
		t.Fatalf("flagged only: %+v", q.Items)
	}
	n := 0
	for _, c := range q.Counts {
		n += c
	}
	if n != 1 {
		t.Errorf("counts of the flagged queue: %v", q.Counts)
	}
}
