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
	if n := count(t, b, `SELECT count(*) FROM incomes`); n != 6 {
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
	// All three hold the same winner and the same one open conflict, whose
	// loser is the other edit.
	var want string
	for i, r := range []*Replica{hub, a, b} {
		var v string
		if err := r.DB().QueryRow(`SELECT head_name FROM households WHERE id = ?`, hid).Scan(&v); err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			want = v
			if v != "A改" && v != "B改" {
				t.Fatalf("hub head_name %q, want one of the two edits", v)
			}
		} else if v != want {
			t.Errorf("%s %s: head_name %q, hub has %q", r.Target(), r.Site(), v, want)
		}
		var winner, loser string
		if err := r.DB().QueryRow(`SELECT winner_value, loser_value FROM conflicts WHERE resolved = 0 AND row_id = ?`, hid).Scan(&winner, &loser); err != nil {
			t.Fatalf("%s %s: open conflict: %v", r.Target(), r.Site(), err)
		}
		if winner != jsonValue(want) || loser != jsonValue(map[string]string{"A改": "B改", "B改": "A改"}[want]) {
			t.Errorf("%s %s: conflict winner %s loser %s, want winner %q", r.Target(), r.Site(), winner, loser, want)
		}
		if n := count(t, r, `SELECT count(*) FROM conflicts`); n != 1 {
			t.Errorf("%s %s: %d conflict records, want 1", r.Target(), r.Site(), n)
		}
	}
}
