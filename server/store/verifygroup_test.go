package store

import (
	"context"
	"database/sql"
	"sync"
	"testing"

	"github.com/google/uuid"

	"doorstep/sync/change"
	"doorstep/sync/evidence"
)

// submittedVisits writes n submitted means visits with no evidence (each
// verifies as flagged) and returns their ids.
func submittedVisits(t *testing.T, s *Store, n int) []string {
	t.Helper()
	ids := make([]string, n)
	err := s.Write(context.Background(), "", func(tx *sql.Tx) error {
		for i := range ids {
			ids[i] = uuid.NewString()
			if _, err := tx.Exec(`INSERT INTO means_visits (id, household_id, community_id, state, deleted) VALUES (?, ?, 'c1', 'submitted', 0)`,
				ids[i], uuid.NewString()); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return ids
}

// TestVerifyGroup: verifications run together each get the verdicts of
// their own records, a record two of them share verified once, and the
// verdicts are stored.
func TestVerifyGroup(t *testing.T) { eachBackend(t, testVerifyGroup) }

func testVerifyGroup(t *testing.T) {
	s, _ := mustOpen(t)
	ctx := context.Background()
	ids := submittedVisits(t, s, 3)
	ref := func(id string) evidence.RecordRef { return evidence.RecordRef{Table: "means_visits", ID: id} }
	group := []*verifyReq{
		{refs: []evidence.RecordRef{ref(ids[0]), ref(ids[1])}, done: make(chan struct{})},
		{refs: []evidence.RecordRef{ref(ids[1]), ref(ids[2])}, done: make(chan struct{})},
		{refs: []evidence.RecordRef{ref(uuid.NewString())}, done: make(chan struct{})}, // no such record
	}
	s.verifyGroup(ctx, group)
	want := [][]string{{ids[0], ids[1]}, {ids[1], ids[2]}, nil}
	for i, r := range group {
		<-r.done
		if r.err != nil {
			t.Fatalf("verification %d: %v", i, r.err)
		}
		got := map[string]bool{}
		for _, v := range r.out {
			got[v.Record.ID] = true
			if v.Status != evidence.Flagged {
				t.Errorf("verification %d: %s is %v, want flagged (no evidence)", i, v.Record.ID, v.Status)
			}
		}
		if len(got) != len(want[i]) || len(r.out) != len(want[i]) {
			t.Errorf("verification %d: verdicts of %v, want %v", i, got, want[i])
		}
		for _, id := range want[i] {
			if !got[id] {
				t.Errorf("verification %d: no verdict for %s", i, id)
			}
		}
	}
	var n int
	if err := s.db.QueryRow(`SELECT count(*) FROM evidence_verdicts`).Scan(&n); err != nil || n != 3 {
		t.Fatalf("%d verdicts stored (%v), want 3", n, err)
	}
}

// TestVerifyRowsConcurrent: many pushes' verifications at once (grouped
// as they arrive) each answer with their own record's verdict.
func TestVerifyRowsConcurrent(t *testing.T) { eachBackend(t, testVerifyRowsConcurrent) }

func testVerifyRowsConcurrent(t *testing.T) {
	s, _ := mustOpen(t)
	ids := submittedVisits(t, s, 16)
	var wg sync.WaitGroup
	errs := make([]error, len(ids))
	outs := make([][]evidence.Verdict, len(ids))
	for i, id := range ids {
		wg.Add(1)
		go func() {
			defer wg.Done()
			outs[i], errs[i] = s.VerifyRows(context.Background(), []change.RowRef{{Table: "means_visits", ID: id}})
		}()
	}
	wg.Wait()
	for i, id := range ids {
		if errs[i] != nil {
			t.Fatal(errs[i])
		}
		if len(outs[i]) != 1 || outs[i][0].Record.ID != id {
			t.Errorf("verification of %s answered %v", id, outs[i])
		}
	}
}
