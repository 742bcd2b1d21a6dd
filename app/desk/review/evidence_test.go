package review

import (
	"testing"
	"time"

	"doorstep/app/desk"
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

// TestQueueShort: the queue marks the means-test visits the desk's rule
// finds unusually short (desk.ShortVisits) and, with Filter.Short, lists
// only them.
func TestQueueShort(t *testing.T) {
	o, db := fixture(t)
	// v3's form was open 6 minutes; v2's 40.
	testdb.Insert(t, db,
		testdb.Row{Table: "evidence_entries", ID: "en3", Values: map[string]any{"record_table": "means_visits",
			"record_id": "v3", "opened_at": "2025-03-03T01:00:00.000Z", "submitted_at": "2025-03-03T01:06:00.000Z"}},
		testdb.Row{Table: "evidence_entries", ID: "en2", Values: map[string]any{"record_table": "means_visits",
			"record_id": "v2", "opened_at": "2025-03-03T01:00:00.000Z", "submitted_at": "2025-03-03T01:40:00.000Z"}},
	)
	all, err := List(ctx, o, Filter{})
	if err != nil {
		t.Fatal(err)
	}
	short := map[string]string{}
	for _, it := range all.Items {
		if it.Short != "" {
			short[it.ID] = it.Short
		}
	}
	if len(short) != 1 || short["v3"] != desk.ShortOpen {
		t.Fatalf("short in the queue: %v", short)
	}
	q, err := List(ctx, o, Filter{Short: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(q.Items) != 1 || q.Items[0].ID != "v3" {
		t.Fatalf("short only: %+v", q.Items)
	}
	// The record's page says so too, and shows the timeline.
	ev, err := LoadEvidence(ctx, o, MeansVisit, "v3")
	if err != nil || ev.Short != desk.ShortOpen || ev.Submitted.Sub(ev.Opened) != 6*time.Minute {
		t.Errorf("evidence of v3: %+v, %v", ev, err)
	}
	if ev, _ := LoadEvidence(ctx, o, MeansVisit, "v2"); ev.Short != "" {
		t.Errorf("v2 short: %q", ev.Short)
	}
}
