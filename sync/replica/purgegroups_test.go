package replica

import (
	"context"
	"testing"

	"doorstep/schema"
	"doorstep/sync/change"
)

// TestPurgeGroupsWholeOrNothing: a group of rows is purged whole, or kept
// whole when any of its rows holds a write not yet acknowledged — pending,
// or in the batch waiting for the server; a server replica refuses.
func TestPurgeGroupsWholeOrNothing(t *testing.T) {
	ctx := context.Background()
	clock := newTestClock()
	hub := mustOpen(t, schema.Server, clock)
	dev := mustOpen(t, schema.Device, clock)
	const (
		h1, m1 = "0195a000-0000-7000-8000-0000000000b1", "0195a000-0000-7000-8000-0000000000c1"
		h2, m2 = "0195a000-0000-7000-8000-0000000000b2", "0195a000-0000-7000-8000-0000000000c2"
		h3, m3 = "0195a000-0000-7000-8000-0000000000b3", "0195a000-0000-7000-8000-0000000000c3"
	)
	mustExec(t, hub, `INSERT INTO households (id, head_name) VALUES (?, '甲'), (?, '乙'), (?, '丙')`, h1, h2, h3)
	mustExec(t, hub, `INSERT INTO members (id, household_id, name) VALUES (?, ?, '甲'), (?, ?, '乙'), (?, ?, '丙')`,
		m1, h1, m2, h2, m3, h3)
	pull(t, dev, hub)
	// h2's member corrected on the device, in the batch waiting; h3's
	// pending.
	mustExec(t, dev, `UPDATE members SET name = '乙改' WHERE id = ?`, m2)
	if set, err := dev.Outbox(ctx, 0); err != nil || set.Batch == "" {
		t.Fatalf("outbox: %v %+v", err, set)
	}
	mustExec(t, dev, `UPDATE members SET name = '丙改' WHERE id = ?`, m3)
	group := func(h, m string) []change.RowRef {
		return []change.RowRef{{Table: "households", ID: h}, {Table: "members", ID: m}}
	}
	n, kept, err := dev.PurgeGroups(ctx, [][]change.RowRef{group(h1, m1), group(h2, m2), group(h3, m3)})
	if err != nil {
		t.Fatal(err)
	}
	if n != 2 || kept != 2 {
		t.Errorf("purged %d rows, kept %d groups; want 2 and 2", n, kept)
	}
	for id, want := range map[string]int{h1: 0, m1: 0, h2: 1, m2: 1, h3: 1, m3: 1} {
		if got := count(t, dev, `SELECT (SELECT count(*) FROM households WHERE id = ?1) + (SELECT count(*) FROM members WHERE id = ?1)`, id); got != want {
			t.Errorf("row %s: %d, want %d", id, got, want)
		}
	}
	set, err := dev.Outbox(ctx, 0) // the waiting batch, again
	if err != nil || len(set.Changes) == 0 || set.Changes[0].ID != m2 {
		t.Errorf("the waiting batch after the purge: %+v, %v", set, err)
	}
	if _, _, err := hub.PurgeGroups(ctx, [][]change.RowRef{group(h1, m1)}); err == nil {
		t.Error("a server replica purged rows")
	}
}
