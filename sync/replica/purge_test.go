package replica

import (
	"context"
	"testing"
	"time"

	"doorstep/schema"
	"doorstep/sync/change"
)

// count returns the number of rows q selects.
func count(tb testing.TB, r *Replica, q string, args ...any) int {
	tb.Helper()
	var n int
	if err := r.DB().QueryRow(q, args...).Scan(&n); err != nil {
		tb.Fatalf("%s: %v", q, err)
	}
	return n
}

// TestPurgeKeepsUnpushedWrites: a purge drops pulled rows and acknowledged
// own rows, data and metadata, without capturing anything; rows with writes
// still waiting for the server (pending, in the unacknowledged batch, or
// overwritten before being pushed) stay, and are still pushed afterwards.
func TestPurgeKeepsUnpushedWrites(t *testing.T) {
	ctx := context.Background()
	clock := newTestClock()
	hub := mustOpen(t, schema.Server, clock)
	dev := mustOpen(t, schema.Device, clock)
	const (
		pulled  = "0195a000-0000-7000-8000-0000000000a1"
		acked   = "0195a000-0000-7000-8000-0000000000a2"
		pending = "0195a000-0000-7000-8000-0000000000a3"
		inBatch = "0195a000-0000-7000-8000-0000000000a4"
		lost    = "0195a000-0000-7000-8000-0000000000a5"
	)
	mustExec(t, hub, `INSERT INTO households (id, head_name) VALUES (?, '甲'), (?, '戊')`, pulled, lost)
	pull(t, dev, hub)
	mustExec(t, dev, `INSERT INTO households (id, head_name) VALUES (?, '乙')`, acked)
	push(t, dev, hub)
	// An unacknowledged batch, then a newer pending write, then an own
	// write that a pulled change overwrites before it was pushed.
	mustExec(t, dev, `INSERT INTO households (id, head_name) VALUES (?, '丁')`, inBatch)
	set, err := dev.Outbox(ctx, 0)
	if err != nil || set.Batch == "" {
		t.Fatalf("outbox: %v %+v", err, set)
	}
	mustExec(t, dev, `INSERT INTO households (id, head_name) VALUES (?, '丙')`, pending)
	mustExec(t, dev, `UPDATE households SET head_name = '戊改' WHERE id = ?`, lost)
	clock.Advance(time.Second)
	mustExec(t, hub, `UPDATE households SET head_name = '戊服' WHERE id = ?`, lost)
	pull(t, dev, hub)
	if n := count(t, dev, `SELECT count(*) FROM sync_lost`); n == 0 {
		t.Fatal("setup: no overwritten write kept")
	}
	seqBefore := count(t, dev, `SELECT max(seq) FROM sync_rows`)

	n, err := dev.Purge(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if n != 2 {
		t.Errorf("purged %d rows, want 2 (pulled and acknowledged)", n)
	}
	for id, want := range map[string]int{pulled: 0, acked: 0, pending: 1, inBatch: 1, lost: 1} {
		if got := count(t, dev, `SELECT count(*) FROM households WHERE id = ?`, id); got != want {
			t.Errorf("household %s: %d rows, want %d", id, got, want)
		}
		if got := count(t, dev, `SELECT count(*) FROM sync_rows WHERE id = ?`, id); got != want {
			t.Errorf("household %s: %d clock rows, want %d", id, got, want)
		}
	}
	if n := count(t, dev, `SELECT count(*) FROM sync_log`); n != 0 {
		t.Errorf("purge captured %d writes", n)
	}
	// Sequence numbers never go back, even when the newest row is gone.
	mustExec(t, dev, `UPDATE households SET head_name = '丙二' WHERE id = ?`, pending)
	if _, err := dev.Purge(ctx); err != nil { // folds the write
		t.Fatal(err)
	}
	if got := count(t, dev, `SELECT max(seq) FROM sync_rows`); got <= seqBefore {
		t.Errorf("sequence went back: %d after purge, %d before", got, seqBefore)
	}
	// Everything kept still reaches the server, once.
	if _, err := hub.Apply(ctx, set, ApplyOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := dev.Ack(ctx, set.Batch); err != nil {
		t.Fatal(err)
	}
	push(t, dev, hub)
	for id, want := range map[string]string{inBatch: "丁", pending: "丙二"} {
		var got string
		if err := hub.DB().QueryRow(`SELECT head_name FROM households WHERE id = ?`, id).Scan(&got); err != nil || got != want {
			t.Errorf("hub household %s: %q, %v; want %q", id, got, err, want)
		}
	}
	if n := count(t, hub, `SELECT count(*) FROM conflicts WHERE row_id = ?`, lost); n != 1 {
		t.Errorf("overwritten write: %d conflict records on the hub, want 1", n)
	}
	// Now acknowledged, they go too; a server replica refuses to purge.
	if n, err := dev.Purge(ctx); err != nil || n != 3 {
		t.Errorf("second purge: %d, %v; want 3", n, err)
	}
	if _, err := hub.Purge(ctx); err == nil {
		t.Error("server replica purged")
	}
}

// TestApplyGoneAndPurgeAll: a pulled page's Gone rows and PurgeAll are
// applied in the page's transaction, together with its cursor; a row with
// an unpushed write survives both, and the server refuses Gone rows.
func TestApplyGoneAndPurgeAll(t *testing.T) {
	ctx := context.Background()
	clock := newTestClock()
	hub := mustOpen(t, schema.Server, clock)
	dev := mustOpen(t, schema.Device, clock)
	ids := []string{
		"0195a000-0000-7000-8000-0000000000b1",
		"0195a000-0000-7000-8000-0000000000b2",
		"0195a000-0000-7000-8000-0000000000b3",
	}
	for _, id := range ids {
		mustExec(t, hub, `INSERT INTO households (id, head_name) VALUES (?, '甲')`, id)
	}
	pull(t, dev, hub)
	mustExec(t, dev, `UPDATE households SET head_name = '本机' WHERE id = ?`, ids[1])
	gone := &change.Set{Site: hub.Site(), Gone: []change.RowRef{{Table: "households", ID: ids[0]}, {Table: "households", ID: ids[1]}}}
	res, err := dev.Apply(ctx, gone, ApplyOptions{PullCursor: "c1"})
	if err != nil {
		t.Fatal(err)
	}
	if res.Purged != 1 {
		t.Errorf("purged %d, want 1", res.Purged)
	}
	if got := count(t, dev, `SELECT count(*) FROM households`); got != 2 {
		t.Errorf("%d households left, want 2 (the unpushed one stays)", got)
	}
	if c, _ := dev.PullCursor(ctx); c != "c1" {
		t.Errorf("cursor %q, want c1", c)
	}
	if _, err := hub.Apply(ctx, gone, ApplyOptions{}); err == nil {
		t.Error("server applied gone rows")
	}
	// PurgeAll with a page that brings one row back.
	page, err := hub.Changes(ctx, Cursor{}, 100)
	if err != nil {
		t.Fatal(err)
	}
	var back []change.Change
	for _, c := range page.Changes() {
		if c.ID == ids[2] {
			back = append(back, c)
		}
	}
	res, err = dev.Apply(ctx, &change.Set{Site: hub.Site(), Changes: back}, ApplyOptions{PurgeAll: true, PullCursor: "c2"})
	if err != nil {
		t.Fatal(err)
	}
	if res.Purged != 1 || res.Applied == 0 {
		t.Errorf("purge all: %+v", res)
	}
	var left []string
	rows, err := dev.DB().Query(`SELECT id FROM households ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		left = append(left, id)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	rows.Close()
	if len(left) != 2 || left[0] != ids[1] || left[1] != ids[2] {
		t.Errorf("left %v, want [%s %s]", left, ids[1], ids[2])
	}
	push(t, dev, hub)
	var name string
	if err := hub.DB().QueryRow(`SELECT head_name FROM households WHERE id = ?`, ids[1]).Scan(&name); err != nil {
		t.Fatal(err)
	}
	if name != "本机" {
		t.Errorf("unpushed write reached the hub as %q", name)
	}
}
