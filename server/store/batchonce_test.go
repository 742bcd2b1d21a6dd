package store

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"

	"doorstep/schema"
	"doorstep/schema/scope"
	"doorstep/sync/change"
	"doorstep/sync/client/api"
)

// TestBatchOnceInAGroup: two pushes of one device under the same batch id
// with different rows, arriving together (disjoint rows: one group), are
// not both acknowledged: one is merged, the other refused as a reused
// batch id, and its household is not stored.
func TestBatchOnceInAGroup(t *testing.T) { eachBackend(t, testBatchOnceInAGroup) }

func testBatchOnceInAGroup(t *testing.T) {
	s, clock := mustOpen(t)
	f := &groupFixture{s: s, clock: clock,
		cw: &scope.User{ID: "cw", Role: schema.RoleWorker, Communities: map[string]bool{"c1": true}}}
	d := f.device(1)
	h1, h2 := uuid.NewString(), uuid.NewString()
	a, b := f.household(d, h1, "c1", 0), f.household(d, h2, "c1", 0)
	b.Batch = a.Batch
	res, errs := f.submitTogether(t, []Device{d, d}, []*change.Set{a, b})
	// Which of the two is first depends on the order they were queued in.
	won := 0
	if errs[0] != nil {
		won = 1
	}
	lost := 1 - won
	if errs[won] != nil || res[won].Replayed || res[won].Ack.Changes != 2 {
		t.Errorf("one of the two: %+v, %v; want it merged and acknowledged", res[won], errs[won])
	}
	if got := api.ErrorCode(errs[lost]); got != api.CodeBatchReused {
		t.Errorf("the other, under the same batch id: %+v, %v; want %s", res[lost], errs[lost], api.CodeBatchReused)
	}
	ids := []string{h1, h2}
	if n := countWhere(t, s, `households`, `id = ?`, ids[won]); n != 1 {
		t.Errorf("the acknowledged push's household stored %d times, want 1", n)
	}
	if n := countWhere(t, s, `households`, `id = ?`, ids[lost]); n != 0 {
		t.Errorf("the refused push's household stored %d times, want 0", n)
	}
	if n := countWhere(t, s, `push_batches`, `batch_id = ?`, a.Batch); n != 1 {
		t.Errorf("%d acknowledgements stored for the batch, want 1", n)
	}
}

// TestBatchOnceAcrossHandles: the same batch sent to two server processes
// at once (two handles on one database) is merged once, and the process
// that checked it before the other stored it answers with the other's
// acknowledgement, marked as a replay — whether the batch meets the other
// process's merge in a group of pushes or alone, and either way round.
func TestBatchOnceAcrossHandles(t *testing.T) { eachBackend(t, testBatchOnceAcrossHandles) }

func testBatchOnceAcrossHandles(t *testing.T) {
	ctx := context.Background()
	clock := &testClock{t: time.Date(2025, 3, 1, 8, 0, 0, 0, time.UTC)}
	h := openHandles(t, clock, 2)
	p1, p2 := h[0], h[1]
	cw := &scope.User{ID: "cw", Role: schema.RoleWorker, Communities: map[string]bool{"c1": true}}
	f1 := &groupFixture{s: p1, clock: clock, cw: cw}
	f2 := &groupFixture{s: p2, clock: clock, cw: cw}
	d, other := f1.device(1), f1.device(2)

	check := func(name string, got IngestResult, err error, want api.PushAck, set *change.Set) {
		t.Helper()
		if err != nil || !got.Replayed || got.Ack != want {
			t.Errorf("%s: %+v, %v; want a replay answered with %+v", name, got, err, want)
		}
		if n := countWhere(t, p1, `push_batches`, `batch_id = ?`, set.Batch); n != 1 {
			t.Errorf("%s: %d acknowledgements stored for the batch, want 1", name, n)
		}
		if n := countWhere(t, p1, `households`, `id = ?`, set.Changes[0].ID); n != 1 {
			t.Errorf("%s: the household stored %d times, want 1", name, n)
		}
	}

	// Process 1 checks the batch in a group of two; process 2 merges it
	// alone before process 1's merge.
	set := f1.household(d, uuid.NewString(), "c1", 0)
	var first IngestResult
	p1.commits.afterChecks = func() {
		p1.commits.afterChecks = nil
		var err error
		if first, err = p2.Ingest(ctx, d, cw, set); err != nil || first.Replayed {
			t.Fatalf("process 2: %+v, %v", first, err)
		}
	}
	res, errs := f1.submitTogether(t, []Device{d, other}, []*change.Set{set, f1.household(other, uuid.NewString(), "c1", 0)})
	check("grouped after another process merged it alone", res[0], errs[0], first.Ack, set)
	if errs[1] != nil || res[1].Replayed {
		t.Errorf("the other push of the group: %+v, %v; want it merged", res[1], errs[1])
	}

	// Process 1 checks the batch alone; process 2 merges it in a group.
	set = f1.household(d, uuid.NewString(), "c1", 0)
	p1.commits.afterChecks = func() {
		p1.commits.afterChecks = nil
		res, errs := f2.submitTogether(t, []Device{d, other}, []*change.Set{set, f2.household(other, uuid.NewString(), "c1", 0)})
		if errs[0] != nil || errs[1] != nil || res[0].Replayed {
			t.Fatalf("process 2's group: %+v, %v", res, errs)
		}
		first = res[0]
	}
	got, err := p1.Ingest(ctx, d, cw, set)
	check("alone after another process merged it in a group", got, err, first.Ack, set)
}

// countWhere counts the rows of table matching where.
func countWhere(t *testing.T, s *Store, table, where string, args ...any) int {
	t.Helper()
	var n int
	if err := s.db.QueryRow(`SELECT count(*) FROM `+table+` WHERE `+where, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}
