package replica

import (
	"context"
	"testing"

	"doorstep/schema"
	"doorstep/sync/change"
)

// push sends dev's outbox to hub and acknowledges it.
func push(tb testing.TB, dev, hub *Replica) Result {
	tb.Helper()
	ctx := context.Background()
	set, err := dev.Outbox(ctx, 0)
	if err != nil {
		tb.Fatal(err)
	}
	if set.Batch == "" {
		return Result{}
	}
	res, err := hub.Apply(ctx, set, ApplyOptions{})
	if err != nil {
		tb.Fatal(err)
	}
	if err := dev.Ack(ctx, set.Batch); err != nil {
		tb.Fatal(err)
	}
	return res
}

// pull applies every page of hub's changes after dev's cursor.
func pull(tb testing.TB, dev, hub *Replica) {
	tb.Helper()
	ctx := context.Background()
	for {
		cs, err := dev.PullCursor(ctx)
		if err != nil {
			tb.Fatal(err)
		}
		cur, err := ParseCursor(cs)
		if err != nil {
			tb.Fatal(err)
		}
		page, err := hub.Changes(ctx, cur, 7)
		if err != nil {
			tb.Fatal(err)
		}
		set := &change.Set{Site: hub.Site(), Changes: page.Changes()}
		if _, err := dev.Apply(ctx, set, ApplyOptions{PullCursor: page.Next.String()}); err != nil {
			tb.Fatal(err)
		}
		if page.Done {
			return
		}
	}
}

func TestPushPull(t *testing.T) {
	ctx := context.Background()
	hub := mustOpen(t, schema.Server, nil)
	a := mustOpen(t, schema.Device, nil)
	b := mustOpen(t, schema.Device, nil)
	if err := a.SetUser(ctx, "worker-a"); err != nil {
		t.Fatal(err)
	}
	f := newFormSaver(1)
	hid, err := f.save(ctx, a.DB(), "c1")
	if err != nil {
		t.Fatal(err)
	}
	res := push(t, a, hub)
	if res.Applied == 0 {
		t.Fatalf("push applied nothing: %+v", res)
	}
	pull(t, b, hub)
	var name string
	if err := b.DB().QueryRow(`SELECT head_name FROM households WHERE id = ?`, hid).Scan(&name); err != nil {
		t.Fatal(err)
	}
	var n int
	b.DB().QueryRow(`SELECT count(*) FROM incomes`).Scan(&n)
	if n != 6 {
		t.Errorf("incomes on b: got %d, want 6", n)
	}
	// Concurrent edits of one column: one conflict on the hub, synced.
	mustExec(t, a, `UPDATE households SET head_name = 'A改' WHERE id = ?`, hid)
	mustExec(t, b, `UPDATE households SET head_name = 'B改' WHERE id = ?`, hid)
	push(t, a, hub)
	res = push(t, b, hub)
	if res.Conflicts != 1 {
		t.Errorf("conflicts: got %d, want 1 (%+v)", res.Conflicts, res)
	}
	pull(t, a, hub)
	pull(t, b, hub)
	for _, r := range []*Replica{a, b, hub} {
		var v string
		var c int
		r.DB().QueryRow(`SELECT head_name FROM households WHERE id = ?`, hid).Scan(&v)
		r.DB().QueryRow(`SELECT count(*) FROM conflicts WHERE resolved = 0`).Scan(&c)
		t.Logf("%s: %s, %d open conflicts", r.Target(), v, c)
	}
}
