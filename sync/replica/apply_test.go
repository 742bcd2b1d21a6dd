package replica

import (
	"context"
	"encoding/json"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"doorstep/schema"
	"doorstep/sync/change"
	"doorstep/sync/hlc"
	"doorstep/sync/wire"
)

const (
	siteX = "0195a000-0000-7000-8000-0000000000aa"
	siteY = "0195a000-0000-7000-8000-0000000000bb"
)

func remote(col string, v any, ms int64, site string) change.Change {
	return change.Change{Table: "households", ID: hh1, Column: col, Value: v,
		Clock: change.Clock{HLC: hlc.New(ms, 0), Site: site}, User: "u-" + site[len(site)-2:]}
}

var t0 = time.Date(2025, 3, 1, 8, 0, 0, 0, time.UTC).UnixMilli()

func headName(t *testing.T, r *Replica) any {
	t.Helper()
	var v any
	if err := r.DB().QueryRow(`SELECT head_name FROM households WHERE id = ?`, hh1).Scan(&v); err != nil {
		t.Fatal(err)
	}
	return v
}

func apply(t *testing.T, r *Replica, cs ...change.Change) Result {
	t.Helper()
	res, err := r.Apply(context.Background(), &change.Set{Site: siteX, Changes: cs}, ApplyOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func TestApplyLastWriterWinsBothWays(t *testing.T) {
	early, late := remote("head_name", "早", t0, siteY), remote("head_name", "晚", t0+1, siteX)
	tie := remote("head_name", "同时", t0+1, siteY) // same HLC, greater site
	for _, order := range [][]change.Change{{early, late, tie}, {tie, late, early}, {late, tie, early}} {
		r := mustOpen(t, schema.Device, nil)
		for _, c := range order {
			apply(t, r, c)
		}
		if got := headName(t, r); got != "同时" {
			t.Errorf("order %v: got %v, want 同时 (greatest hlc, then site)", order, got)
		}
	}
}

func TestApplyIsIdempotentAndNotCaptured(t *testing.T) {
	ctx := context.Background()
	r := mustOpen(t, schema.Device, nil)
	c := remote("head_name", "张三", t0, siteX)
	if res := apply(t, r, c); res.Applied != 1 {
		t.Fatalf("first apply: %+v", res)
	}
	if res := apply(t, r, c); res.Applied != 0 || res.Ignored != 1 {
		t.Fatalf("second apply: %+v", res)
	}
	set, err := r.Outbox(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	if set.Batch != "" || len(set.Changes) != 0 {
		t.Errorf("applied change was captured: %+v", set)
	}
	got := cellsOf(t, r, "households", hh1)["head_name"]
	if got.Clock != c.Clock || got.User != c.User {
		t.Errorf("stored clock %s by %q, want %s by %q", got.Clock, got.User, c.Clock, c.User)
	}
}

func TestApplyDuplicateBatchChangesNothing(t *testing.T) {
	ctx := context.Background()
	hub := mustOpen(t, schema.Server, nil)
	set := &change.Set{Batch: "cv37img5tppgl4002kb0", Site: siteX, Changes: []change.Change{remote("head_name", "张三", t0, siteX)}}
	if _, err := hub.Apply(ctx, set, ApplyOptions{}); err != nil {
		t.Fatal(err)
	}
	set.Changes[0].Value = "篡改"
	set.Changes[0].Clock.HLC++
	res, err := hub.Apply(ctx, set, ApplyOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if !res.Duplicate || headName(t, hub) != "张三" {
		t.Errorf("replayed batch: %+v, head_name %v", res, headName(t, hub))
	}
}

func TestApplyRefusesClockTooFarAhead(t *testing.T) {
	clock := newTestClock()
	r := mustOpen(t, schema.Server, clock)
	ok := remote("head_name", "张三", clock.Now().UnixMilli(), siteX)
	ahead := remote("address", "x", clock.Now().Add(31*24*time.Hour).UnixMilli(), siteX)
	_, err := r.Apply(context.Background(), &change.Set{Site: siteX, Changes: []change.Change{ok, ahead}}, ApplyOptions{})
	var de *hlc.DriftError
	if !errors.As(err, &de) || !errors.Is(err, hlc.ErrDrift) {
		t.Fatalf("got %v, want a DriftError", err)
	}
	if n := count(t, r, `SELECT count(*) FROM households`); n != 0 {
		t.Errorf("a refused changeset wrote %d rows", n)
	}
}

func TestApplyRefusesInvalidChanges(t *testing.T) {
	r := mustOpen(t, schema.Device, nil)
	bad := remote("password", "x", t0, siteX)
	_, err := r.Apply(context.Background(), &change.Set{Site: siteX, Changes: []change.Change{bad}}, ApplyOptions{})
	if !errors.Is(err, wire.ErrUnknownColumn) {
		t.Errorf("got %v, want wire.ErrUnknownColumn", err)
	}
}

func TestApplyStoresPullCursorWithPage(t *testing.T) {
	ctx := context.Background()
	r := mustOpen(t, schema.Device, nil)
	if _, err := r.Apply(ctx, &change.Set{Site: siteX, Changes: []change.Change{remote("head_name", "a", t0, siteX)}},
		ApplyOptions{PullCursor: "epoch1:4.4"}); err != nil {
		t.Fatal(err)
	}
	if c, _ := r.PullCursor(ctx); c != "epoch1:4.4" {
		t.Errorf("cursor: got %q", c)
	}
}

// conflictRow is a conflicts row as tests read it.
type conflictRow struct {
	ID, Tbl, RowID, Col, Community, WinnerV, LoserV, WinnerSite, LoserSite, WinnerUser, LoserUser string
	WinnerHLC, LoserHLC, Resolved                                                                 int64
	ResolvedBy                                                                                    string
}

func conflictsOf(t *testing.T, r *Replica) []conflictRow {
	t.Helper()
	rows, err := r.DB().Query(`SELECT id, tbl, row_id, col, community_id, winner_value, loser_value, winner_site,
		loser_site, winner_user, loser_user, winner_hlc, loser_hlc, resolved, resolved_by FROM conflicts ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []conflictRow
	for rows.Next() {
		var c conflictRow
		if err := rows.Scan(&c.ID, &c.Tbl, &c.RowID, &c.Col, &c.Community, &c.WinnerV, &c.LoserV, &c.WinnerSite,
			&c.LoserSite, &c.WinnerUser, &c.LoserUser, &c.WinnerHLC, &c.LoserHLC, &c.Resolved, &c.ResolvedBy); err != nil {
			t.Fatal(err)
		}
		out = append(out, c)
	}
	return out
}

func TestConflictRecordedSyncedAndResolved(t *testing.T) {
	ctx := context.Background()
	hub := mustOpen(t, schema.Server, nil)
	a := mustOpen(t, schema.Device, nil)
	b := mustOpen(t, schema.Device, nil)
	a.SetUser(ctx, "worker-a")
	b.SetUser(ctx, "worker-b")
	mustExec(t, a, `INSERT INTO households (id, community_id, head_name, benefit_fen) VALUES (?, 'c7', '张三', 100)`, hh1)
	push(t, a, hub)
	pull(t, b, hub)
	// Concurrent edits: head_name differs (a conflict), benefit_fen is
	// edited to the same value (no conflict).
	mustExec(t, a, `UPDATE households SET head_name = '张叁', benefit_fen = 200 WHERE id = ?`, hh1)
	mustExec(t, b, `UPDATE households SET head_name = '章三', benefit_fen = 200 WHERE id = ?`, hh1)
	push(t, a, hub)
	if res := push(t, b, hub); res.Conflicts != 1 {
		t.Fatalf("conflicts: %+v", res)
	}
	cs := conflictsOf(t, hub)
	if len(cs) != 1 {
		t.Fatalf("got %d conflict rows, want 1", len(cs))
	}
	c := cs[0]
	aw, bw := cellsOf(t, a, "households", hh1)["head_name"], cellsOf(t, b, "households", hh1)["head_name"]
	winner, loser := bw, aw
	if bw.Clock.Less(aw.Clock) {
		winner, loser = aw, bw
	}
	wantID := ConflictID("households", hh1, "head_name", winner.Clock, loser.Clock)
	if c.ID != wantID || c.Tbl != "households" || c.RowID != hh1 || c.Col != "head_name" || c.Community != "c7" ||
		c.WinnerV != mustJSON(winner.Value) || c.LoserV != mustJSON(loser.Value) ||
		c.WinnerSite != winner.Clock.Site || c.LoserSite != loser.Clock.Site ||
		c.WinnerUser != winner.User || c.LoserUser != loser.User ||
		c.WinnerHLC != int64(winner.Clock.HLC) || c.LoserHLC != int64(loser.Clock.HLC) || c.Resolved != 0 {
		t.Errorf("conflict row %+v\nwinner %s\nloser %s", c, winner, loser)
	}
	// The record syncs to devices like any row.
	pull(t, a, hub)
	pull(t, b, hub)
	if got := conflictsOf(t, a); len(got) != 1 || got[0] != c {
		t.Errorf("device a's conflicts: %+v", got)
	}
	// A later write that saw the winner resolves it.
	mustExec(t, a, `UPDATE households SET head_name = '张三丰' WHERE id = ?`, hh1)
	if res := push(t, a, hub); res.Resolved != 1 || res.Conflicts != 0 {
		t.Errorf("resolving push: %+v", res)
	}
	pull(t, b, hub)
	if got := conflictsOf(t, b); len(got) != 1 || got[0].Resolved != 1 || got[0].ResolvedBy != "worker-a" {
		t.Errorf("after resolution: %+v", got)
	}
}

func mustJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

func TestOverwrittenUnpushedWriteStillReachesServer(t *testing.T) {
	ctx := context.Background()
	clockB := newTestClock()
	clockB.Advance(time.Minute) // b writes later: b wins
	hub := mustOpen(t, schema.Server, nil)
	a := mustOpen(t, schema.Device, nil)
	b := mustOpen(t, schema.Device, clockB)
	mustExec(t, a, `INSERT INTO households (id, head_name) VALUES (?, '张三')`, hh1)
	push(t, a, hub)
	pull(t, b, hub)
	mustExec(t, a, `UPDATE households SET head_name = 'a的修改' WHERE id = ?`, hh1)
	mustExec(t, b, `UPDATE households SET head_name = 'b的修改' WHERE id = ?`, hh1)
	push(t, b, hub)
	pull(t, a, hub) // b's value overwrites a's unpushed edit on a
	if got := headName(t, a); got != "b的修改" {
		t.Fatalf("a after pull: %v", got)
	}
	res := push(t, a, hub)
	if res.Conflicts != 1 {
		t.Fatalf("push of the overwritten edit: %+v", res)
	}
	if cs := conflictsOf(t, hub); len(cs) != 1 || cs[0].LoserV != `"a的修改"` || cs[0].WinnerV != `"b的修改"` {
		t.Errorf("conflicts: %+v", cs)
	}
	if set, _ := a.Outbox(ctx, 0); set.Batch != "" {
		t.Errorf("outbox not empty after ack: %+v", set)
	}
}

func TestSameConflictOnTwoHubsHasOneID(t *testing.T) {
	first := remote("head_name", "甲", t0, siteX)
	second := remote("head_name", "乙", t0+5, siteY)
	var ids []string
	for _, order := range [][]change.Change{{first, second}, {second, first}} {
		hub := mustOpen(t, schema.Server, nil)
		apply(t, hub, order[0])
		apply(t, hub, order[1])
		cs := conflictsOf(t, hub)
		if len(cs) != 1 {
			t.Fatalf("got %d conflicts", len(cs))
		}
		ids = append(ids, cs[0].ID)
	}
	if ids[0] != ids[1] {
		t.Errorf("conflict ids differ: %v", ids)
	}
}

func TestOutboxBatchSurvivesCrashUntilAck(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "dev.db")
	clock := newTestClock()
	dev, err := Open(ctx, path, Options{Site: testSite(), Now: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	hub := mustOpen(t, schema.Server, nil)
	mustExec(t, dev, `INSERT INTO households (id, head_name) VALUES (?, '张三'), (?, '李四')`, hh1, hh2)
	first, err := dev.Outbox(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := hub.Apply(ctx, first, ApplyOptions{}); err != nil {
		t.Fatal(err)
	}
	dev.Close() // crash before the acknowledgement
	if dev, err = Open(ctx, path, Options{Now: clock.Now}); err != nil {
		t.Fatal(err)
	}
	defer dev.Close()
	again, err := dev.Outbox(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	if again.Batch != first.Batch || len(again.Changes) != len(first.Changes) {
		t.Fatalf("after restart: batch %s with %d changes, want %s with %d", again.Batch, len(again.Changes), first.Batch, len(first.Changes))
	}
	if res, _ := hub.Apply(ctx, again, ApplyOptions{}); !res.Duplicate {
		t.Errorf("replay not a duplicate: %+v", res)
	}
	if err := dev.Ack(ctx, again.Batch); err != nil {
		t.Fatal(err)
	}
	next, err := dev.Outbox(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	if next.Batch == first.Batch || len(next.Changes) == 0 || next.Changes[0].ID == first.Changes[0].ID {
		t.Errorf("next batch: %+v", next)
	}
}

func TestChangesPagingNeverSkipsARow(t *testing.T) {
	ctx := context.Background()
	hub := mustOpen(t, schema.Server, nil)
	ids := []string{hh1, hh2, "0195a000-0000-7000-8000-000000000003", "0195a000-0000-7000-8000-000000000004"}
	for _, id := range ids {
		mustExec(t, hub, `INSERT INTO households (id, head_name) VALUES (?, '一')`, id)
	}
	page, err := hub.Changes(ctx, Cursor{}, 2)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, r := range page.Rows {
		seen[r.ID] = true
	}
	// Mid-round, a row not yet listed changes one column: it moves to the
	// end of the sequence and must still come with all its columns.
	mustExec(t, hub, `UPDATE households SET head_name = '二' WHERE id = ?`, ids[3])
	cur := page.Next
	for !page.Done {
		if page, err = hub.Changes(ctx, cur, 2); err != nil {
			t.Fatal(err)
		}
		for _, r := range page.Rows {
			seen[r.ID] = true
			if r.ID == ids[3] && len(r.Changes) < 20 {
				t.Errorf("row changed mid-round came with %d columns", len(r.Changes))
			}
		}
		cur = page.Next
	}
	if len(seen) != 4 {
		t.Errorf("saw %d rows, want 4", len(seen))
	}
	if cur.Since != cur.After {
		t.Errorf("round end cursor %s", cur)
	}
	// The next round lists only what changes next, and only that column.
	mustExec(t, hub, `UPDATE households SET address = 'x' WHERE id = ?`, ids[0])
	page, err = hub.Changes(ctx, cur, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Rows) != 1 || len(page.Rows[0].Changes) != 1 || page.Rows[0].Changes[0].Column != "address" {
		t.Errorf("next round: %+v", page.Rows)
	}
}

func TestCursorString(t *testing.T) {
	for _, c := range []Cursor{{}, {3, 3}, {3, 90}} {
		got, err := ParseCursor(c.String())
		if err != nil || got != c {
			t.Errorf("%v: got %v, %v", c, got, err)
		}
	}
	for _, s := range []string{"x", "1", "5.2", "-1.3"} {
		if _, err := ParseCursor(s); err == nil {
			t.Errorf("ParseCursor(%q) accepted", s)
		}
	}
}
