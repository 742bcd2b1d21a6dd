package replica

import (
	"context"
	"testing"

	"doorstep/schema"
	"doorstep/sync/change"
)

// rowsOf lists the row ids a push set carries changes of.
func rowsOf(set *change.Set) map[string]bool {
	out := map[string]bool{}
	for _, c := range set.Changes {
		out[c.ID] = true
	}
	return out
}

func TestHeldRowsLeaveTheOutboxButKeepTheirWrites(t *testing.T) {
	ctx := context.Background()
	r := mustOpen(t, schema.Device, nil)
	mustExec(t, r, `INSERT INTO households (id, community_id, head_name) VALUES (?, 'c1', '张三')`, hh1)
	mustExec(t, r, `INSERT INTO households (id, community_id, head_name) VALUES (?, 'c2', '李四')`, hh2)
	first, err := r.Outbox(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	if got := rowsOf(first); !got[hh1] || !got[hh2] {
		t.Fatalf("first batch has rows %v", got)
	}

	// Refusals that do not fit the pending batch change nothing.
	if n, err := r.Hold(ctx, "another-batch", []RowRef{{"households", hh2}}, "forbidden_scope", "no"); err != nil || n != 0 {
		t.Fatalf("hold for another batch: %d, %v", n, err)
	}
	if n, err := r.Hold(ctx, first.Batch, []RowRef{{"households", "not-in-batch"}, {"no_table", hh2}}, "forbidden_scope", "no"); err != nil || n != 0 {
		t.Fatalf("hold of rows outside the batch: %d, %v", n, err)
	}
	if b, _ := r.PendingBatch(ctx); b != first.Batch {
		t.Fatalf("pending batch %q after a hold of nothing, want %q", b, first.Batch)
	}

	// The server refused hh2: it is held, and the batch re-formed of hh1.
	if n, err := r.Hold(ctx, first.Batch, []RowRef{{"households", hh2}}, "forbidden_scope", "households row is outside your communities"); err != nil || n != 1 {
		t.Fatalf("hold: %d, %v", n, err)
	}
	second, err := r.Outbox(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	if second.Batch == "" || second.Batch == first.Batch {
		t.Fatalf("batch after hold %q, first %q: want a new one", second.Batch, first.Batch)
	}
	if got := rowsOf(second); !got[hh1] || got[hh2] {
		t.Fatalf("batch after hold has rows %v, want only %s", got, hh1)
	}
	if err := r.Ack(ctx, second.Batch); err != nil {
		t.Fatal(err)
	}

	// Held writes stay on the device, and so do later writes to the row,
	// without being pushed.
	mustExec(t, r, `UPDATE households SET head_name = '李四改' WHERE id = ?`, hh2)
	if set, err := r.Outbox(ctx, 0); err != nil || set.Batch != "" {
		t.Fatalf("outbox with only a held row: %+v, %v", set, err)
	}
	held, err := r.Held(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(held) != 1 || held[0].Table != "households" || held[0].ID != hh2 || held[0].Code != "forbidden_scope" || held[0].At.IsZero() {
		t.Fatalf("held rows %+v", held)
	}
	var name string
	if err := r.DB().QueryRow(`SELECT head_name FROM households WHERE id = ?`, hh2).Scan(&name); err != nil || name != "李四改" {
		t.Fatalf("held row: %q, %v", name, err)
	}

	// Released, its writes (the first and the later) are pushed again.
	if n, err := r.Release(ctx); err != nil || n != 1 {
		t.Fatalf("release: %d, %v", n, err)
	}
	third, err := r.Outbox(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	cells := map[string]any{}
	for _, c := range third.Changes {
		if c.ID != hh2 {
			t.Errorf("released batch carries %s", c)
		}
		cells[c.Column] = c.Value
	}
	if cells["head_name"] != "李四改" || cells["community_id"] != "c2" {
		t.Errorf("released batch: %v", cells)
	}
	if held, _ := r.Held(ctx); len(held) != 0 {
		t.Errorf("held after release: %+v", held)
	}
}
