package store

import (
	"context"
	"database/sql"
	"testing"
	"time"

	"doorstep/sync/hlc"
	"doorstep/sync/replica"
)

// TestPGRowCache: a pull page's rows are read once and then served from
// the process's row cache while their sequence number stays; a row written
// again is read anew, never sent as it was (pgrowcache.go).
func TestPGRowCache(t *testing.T) {
	_, e, h, edit := pgLockStore(t)
	ctx := context.Background()
	headName := func(p replica.Page) any {
		t.Helper()
		for _, r := range p.Rows {
			for _, c := range r.Changes {
				if r.Table == "households" && r.ID == h && c.Column == "head_name" {
					return c.Value
				}
			}
		}
		t.Fatalf("no head_name of the household in %+v", p.Rows)
		return nil
	}
	pull := func() replica.Page {
		t.Helper()
		p, err := e.changes(ctx, replica.Cursor{}, 100, nil)
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	if v := headName(pull()); v != "甲" {
		t.Fatalf("first pull: head_name %v, want 甲", v)
	}
	// Behind the store's back, a write that gives the row no new sequence
	// number (no real write does that): a pull served from the cache does
	// not see it, one that read the database would.
	tx, err := e.db.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.ExecContext(ctx, `SELECT set_config('doorstep.applying', '1', true)`); err != nil {
		t.Fatal(err)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE households SET head_name = '戊' WHERE id = ?`, h); err != nil {
		t.Fatal(err)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	hits0, _ := e.rows.counts()
	if v := headName(pull()); v != "甲" {
		t.Fatalf("second pull: head_name %v, want 甲 from the cache", v)
	}
	if hits, _ := e.rows.counts(); hits <= hits0 {
		t.Errorf("the second pull of an unchanged row missed the cache (hits %d, then %d)", hits0, hits)
	}

	// Written by the server itself (the capture trigger) and by a push
	// (a merge): each time the next pull sends the new value.
	if err := e.write(ctx, "admin", func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE households SET head_name = '丙' WHERE id = ?`, h)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if v := headName(pull()); v != "丙" {
		t.Errorf("after the server's edit: head_name %v, want 丙 (a cached row sent as it was)", v)
	}
	push := edit("head_name", "丁")
	// Later than the server's edit (pgLockStore's clock reads 08:00).
	push.Changes[0].Clock.HLC = hlc.New(time.Date(2025, 3, 1, 8, 5, 0, 0, time.UTC).UnixMilli(), 0)
	if _, err := e.apply(ctx, push, nil); err != nil {
		t.Fatal(err)
	}
	if v := headName(pull()); v != "丁" {
		t.Errorf("after a push: head_name %v, want 丁 (a cached row sent as it was)", v)
	}
}

// TestRowCacheBounds: the cache holds at most its bound, the oldest
// inserted leaving first; a row's later state replaces an earlier one and
// never the other way; a state serves its own sequence number and older
// listings, not newer ones.
func TestRowCacheBounds(t *testing.T) {
	c := newRowCache(2)
	a, b, d := rowKey{"households", "a"}, rowKey{"households", "b"}, rowKey{"households", "d"}
	c.put(a, &rowState{seq: 5})
	c.put(b, &rowState{seq: 6})
	c.put(a, &rowState{seq: 3}) // older: kept out
	if st, ok := c.get(a, 5); !ok || st.seq != 5 {
		t.Errorf("a at 5: %+v %v, want the state at 5", st, ok)
	}
	if _, ok := c.get(a, 4); !ok {
		t.Error("a listed at 4: the state at 5 is newer and serves it")
	}
	if _, ok := c.get(a, 7); ok {
		t.Error("a listed at 7 served by the state at 5")
	}
	c.put(a, &rowState{seq: 7})
	if st, ok := c.get(a, 7); !ok || st.seq != 7 {
		t.Errorf("a at 7 after its later state: %+v %v", st, ok)
	}
	c.put(d, &rowState{seq: 8}) // full: a, the oldest inserted, leaves
	if _, ok := c.get(a, 1); ok {
		t.Error("a still held after a third row in a cache of two")
	}
	for _, k := range []rowKey{b, d} {
		if _, ok := c.get(k, 1); !ok {
			t.Errorf("%v evicted", k)
		}
	}
	if len(c.m) != 2 {
		t.Errorf("%d rows held, bound 2", len(c.m))
	}
	if hits, misses := c.counts(); hits != 5 || misses != 2 {
		t.Errorf("counts %d hits, %d misses; want 5, 2", hits, misses)
	}
	var off *rowCache
	off.put(a, &rowState{seq: 1})
	if _, ok := off.get(a, 1); ok {
		t.Error("a nil cache holds rows")
	}
}
