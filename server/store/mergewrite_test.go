package store

import (
	"context"
	"testing"

	"github.com/google/uuid"

	"doorstep/schema"
	"doorstep/sync/change"
	"doorstep/sync/hlc"
	"doorstep/sync/replica"
)

// TestMergeWritesRows: a merge's rows, written in a few statements on
// PostgreSQL (pgwrite.go), end as a row-by-row merge leaves them on either
// backend: a row whose changes come in two runs of the changeset gets all
// of them and the sequence number of its last run (as sync/replica,
// writing run by run, gives it), rows of one table with different columns each their own.
func TestMergeWritesRows(t *testing.T) { eachBackend(t, testMergeWritesRows) }

func testMergeWritesRows(t *testing.T) {
	s, clock := mustOpen(t)
	ctx := context.Background()
	site := uuid.NewString()
	at := change.Clock{HLC: hlc.New(clock.Now().UnixMilli(), 0), Site: site}
	a, b, c := uuid.NewString(), uuid.NewString(), uuid.NewString()
	set := &change.Set{Site: site, Schema: schema.Version}
	add := func(id, col string, v any) {
		set.Changes = append(set.Changes, change.Change{Table: "households", ID: id, Column: col, Value: v, Clock: at, User: "u"})
	}
	add(a, "community_id", "c1")
	add(a, "head_name", "甲")
	add(b, "community_id", "c2")
	add(a, "address", "一号") // a again, after b
	add(c, "community_id", "c1")
	add(c, "head_name", "丙")
	res, err := s.eng.apply(ctx, set, nil)
	if err != nil {
		t.Fatal(err)
	}
	if res.Applied != len(set.Changes) {
		t.Fatalf("applied %d of %d changes", res.Applied, len(set.Changes))
	}
	page, err := s.eng.changes(ctx, replica.Cursor{}, 100, nil)
	if err != nil {
		t.Fatal(err)
	}
	var order []string
	got := map[string]map[string]any{}
	seqs := map[string]int64{}
	for _, r := range page.Rows {
		if r.Table != "households" {
			continue
		}
		order = append(order, r.ID)
		seqs[r.ID] = r.Seq
		got[r.ID] = map[string]any{}
		for _, ch := range r.Changes {
			got[r.ID][ch.Column] = ch.Value
			if ch.Clock != at {
				t.Errorf("%s.%s: clock %v, want %v", r.ID, ch.Column, ch.Clock, at)
			}
		}
	}
	if len(order) != 3 || order[0] != b || order[1] != a || order[2] != c {
		t.Fatalf("rows in sequence order %v, want b %s, a %s, c %s", order, b, a, c)
	}
	if !(seqs[b] < seqs[a] && seqs[a] < seqs[c]) {
		t.Errorf("sequences b %d, a %d, c %d: want increasing", seqs[b], seqs[a], seqs[c])
	}
	want := map[string]map[string]any{
		a: {"community_id": "c1", "head_name": "甲", "address": "一号"},
		b: {"community_id": "c2"},
		c: {"community_id": "c1", "head_name": "丙"},
	}
	for id, cols := range want {
		if len(got[id]) != len(cols) {
			t.Errorf("row %s: columns %v, want %v", id, got[id], cols)
		}
		for col, v := range cols {
			if got[id][col] != v {
				t.Errorf("row %s.%s = %v, want %v", id, col, got[id][col], v)
			}
		}
	}
	var scope string
	if err := s.db.QueryRowContext(ctx, `SELECT community_id FROM households WHERE id = ?`, b).Scan(&scope); err != nil || scope != "c2" {
		t.Errorf("household b's community: %q, %v; want c2", scope, err)
	}
}
