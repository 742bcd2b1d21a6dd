package store

import (
	"context"
	"database/sql"
	"fmt"
	"testing"

	"github.com/google/uuid"
	"github.com/rs/xid"

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
	s, at, set := mergeStore(t)
	ctx := context.Background()
	a, b, c := uuid.NewString(), uuid.NewString(), uuid.NewString()
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

// TestMergeResolvesConflicts: concurrent edits of two columns leave two
// conflict records; a later merge whose changes are based on the winners
// resolves both (by the user who based them), in one statement on
// PostgreSQL, and leaves a conflict on another row open.
func TestMergeResolvesConflicts(t *testing.T) { eachBackend(t, testMergeResolvesConflicts) }

func testMergeResolvesConflicts(t *testing.T) {
	s, clock := mustOpen(t)
	ctx := context.Background()
	ms := clock.Now().UnixMilli()
	site0, siteA, siteB, siteC := uuid.NewString(), uuid.NewString(), uuid.NewString(), uuid.NewString()
	h, other := uuid.NewString(), uuid.NewString()
	apply := func(site string, changes ...change.Change) replica.Result {
		t.Helper()
		res, err := s.eng.apply(ctx, &change.Set{Site: site, Schema: schema.Version, Batch: xid.New().String(), Changes: changes}, nil)
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	at := func(site string, n int64) change.Clock { return change.Clock{HLC: hlc.New(ms, uint16(n)), Site: site} }
	edit := func(id, col string, v any, clock, base change.Clock, user string) change.Change {
		return change.Change{Table: "households", ID: id, Column: col, Value: v, Clock: clock, Base: base, User: user}
	}
	t0 := at(site0, 1)
	for _, id := range []string{h, other} {
		apply(site0, edit(id, "community_id", "c1", t0, change.Clock{}, "u0"),
			edit(id, "head_name", "甲", t0, change.Clock{}, "u0"), edit(id, "address", "一号", t0, change.Clock{}, "u0"))
	}
	tA, tB := at(siteA, 2), at(siteB, 3)
	apply(siteA, edit(h, "head_name", "乙", tA, t0, "ua"), edit(h, "address", "二号", tA, t0, "ua"),
		edit(other, "head_name", "乙", tA, t0, "ua"))
	if res := apply(siteB, edit(h, "head_name", "丙", tB, t0, "ub"), edit(h, "address", "三号", tB, t0, "ub"),
		edit(other, "head_name", "丙", tB, t0, "ub")); res.Conflicts != 3 {
		t.Fatalf("concurrent edits: %d conflicts recorded, want 3", res.Conflicts)
	}
	// C saw B's values and edits both columns of h, and one never in
	// conflict: two resolutions.
	tC := at(siteC, 4)
	res := apply(siteC, edit(h, "head_name", "丁", tC, tB, "uc"), edit(h, "address", "四号", tC, tB, "uc"),
		edit(h, "community_id", "c1", tC, t0, "uc"))
	if res.Resolved != 2 || res.Conflicts != 0 {
		t.Fatalf("edits based on the winners: %d resolved, %d conflicts; want 2, 0", res.Resolved, res.Conflicts)
	}
	rows, err := s.db.QueryContext(ctx, `SELECT row_id, col, resolved, resolved_by FROM conflicts ORDER BY row_id, col`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	got := map[string]string{}
	for rows.Next() {
		var id, col, by string
		var resolved int
		if err := rows.Scan(&id, &col, &resolved, &by); err != nil {
			t.Fatal(err)
		}
		got[id+"."+col] = fmt.Sprintf("%d %s", resolved, by)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{h + ".head_name": "1 uc", h + ".address": "1 uc", other + ".head_name": "0 "}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("conflicts (resolved, by): %v, want %v", got, want)
	}
	// Based on the winners again: nothing is open any more.
	tD := at(siteC, 5)
	if res := apply(siteC, edit(h, "head_name", "戊", tD, tC, "uc")); res.Resolved != 0 {
		t.Errorf("edit of a resolved column: %d resolved, want 0", res.Resolved)
	}
}

// TestPullSendsChangedColumns: a pull from a cursor sends, of each row
// changed since, only the columns changed since, whether a push or the
// server's own write (captured) changed them.
func TestPullSendsChangedColumns(t *testing.T) { eachBackend(t, testPullSendsChangedColumns) }

func testPullSendsChangedColumns(t *testing.T) {
	s, at, set := mergeStore(t)
	ctx := context.Background()
	a := uuid.NewString()
	for col, v := range map[string]any{"community_id": "c1", "head_name": "甲", "address": "一号"} {
		set.Changes = append(set.Changes, change.Change{Table: "households", ID: a, Column: col, Value: v, Clock: at, User: "u"})
	}
	if _, err := s.eng.apply(ctx, set, nil); err != nil {
		t.Fatal(err)
	}
	columns := func(cur replica.Cursor) (string, replica.Cursor) {
		t.Helper()
		page, err := s.eng.changes(ctx, cur, 100, nil)
		if err != nil {
			t.Fatal(err)
		}
		var cols []string
		for _, r := range page.Rows {
			for _, c := range r.Changes {
				cols = append(cols, r.Table+"."+c.Column)
			}
		}
		return fmt.Sprint(cols), page.Next
	}
	all, cur := columns(replica.Cursor{})
	if want := "[households.community_id households.address households.head_name]"; all != want {
		t.Fatalf("first pull: %s, want %s", all, want)
	}
	at.HLC++
	edit := &change.Set{Site: at.Site, Schema: schema.Version, Changes: []change.Change{
		{Table: "households", ID: a, Column: "head_name", Value: "甲二", Clock: at, User: "u"}}}
	if _, err := s.eng.apply(ctx, edit, nil); err != nil {
		t.Fatal(err)
	}
	got, cur := columns(cur)
	if want := "[households.head_name]"; got != want {
		t.Errorf("pull after a pushed edit: %s, want %s", got, want)
	}
	if err := s.eng.write(ctx, "admin", func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE households SET address = '二号' WHERE id = ?`, a)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if got, _ = columns(cur); got != "[households.address]" {
		t.Errorf("pull after the server's own edit: %s, want [households.address]", got)
	}
}

// TestStoredValuesRoundTrip: values of every column type read back as they
// were pushed, by a pull and by a row's state: large integers exactly,
// reals to the last bit, text with quotes, backslashes, line breaks and
// characters outside the basic plane, and NULL.
func TestStoredValuesRoundTrip(t *testing.T) { eachBackend(t, testStoredValuesRoundTrip) }

func testStoredValuesRoundTrip(t *testing.T) {
	s, at, set := mergeStore(t)
	ctx := context.Background()
	rows := map[string]map[string]any{
		uuid.NewString(): {"community_id": "c1", "floor_area": 0.1, "value_fen": int64(1<<62 + 1), "description": "引号\"与\\反斜杠\n换行 🏠", "renovation": nil},
		uuid.NewString(): {"community_id": "c1", "floor_area": 1e300, "value_fen": int64(-(1 << 62)), "description": "", "renovation": "x"},
		uuid.NewString(): {"community_id": "c1", "floor_area": 123.45678901234568, "value_fen": int64(0), "description": "{a,b}", "renovation": "null"},
		uuid.NewString(): {"community_id": "c1", "floor_area": -0.5, "value_fen": nil, "description": nil, "renovation": "'"},
	}
	var refs []change.RowRef
	for id, cols := range rows {
		refs = append(refs, change.RowRef{Table: "assets", ID: id})
		for col, v := range cols {
			set.Changes = append(set.Changes, change.Change{Table: "assets", ID: id, Column: col, Value: v, Clock: at, User: "u"})
		}
	}
	if _, err := s.eng.apply(ctx, set, nil); err != nil {
		t.Fatal(err)
	}
	check := func(how string, r replica.Row) {
		t.Helper()
		want := rows[r.ID]
		got := map[string]any{}
		for _, c := range r.Changes {
			got[c.Column] = c.Value
		}
		for col, v := range want {
			if !change.EqualValues(got[col], v) {
				t.Errorf("%s: %s.%s = %#v, want %#v", how, r.ID, col, got[col], v)
			}
		}
	}
	states, err := s.eng.rowStates(ctx, refs)
	if err != nil {
		t.Fatal(err)
	}
	if len(states) != len(rows) {
		t.Fatalf("%d row states of %d", len(states), len(rows))
	}
	for _, r := range states {
		check("row state", r)
	}
	page, err := s.eng.changes(ctx, replica.Cursor{}, 100, nil)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, r := range page.Rows {
		if r.Table == "assets" {
			check("pull", r)
			n++
		}
	}
	if n != len(rows) {
		t.Errorf("pulled %d assets rows of %d", n, len(rows))
	}
}

// mergeStore opens a store for a merge test and returns it with the clock
// of a new site at the store's time and an empty changeset of that site.
func mergeStore(t *testing.T) (*Store, change.Clock, *change.Set) {
	t.Helper()
	s, clock := mustOpen(t)
	site := uuid.NewString()
	return s, change.Clock{HLC: hlc.New(clock.Now().UnixMilli(), 0), Site: site}, &change.Set{Site: site, Schema: schema.Version}
}
