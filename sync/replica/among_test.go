package replica

import (
	"context"
	"fmt"
	"testing"

	"doorstep/schema"
)

// TestChangesAmong: the rows a query selects come as Changes lists them
// (sequence order, columns changed since the round's start, scope values),
// pages follow the query's limit, rows it names that are unknown or not
// changed after the cursor are skipped, and the round's end passes every
// change, listed or not.
func TestChangesAmong(t *testing.T) {
	ctx := context.Background()
	hub := mustOpen(t, schema.Server, nil)
	var ids []string
	for i := range 7 { // the last, of c0, is not listed
		id := fmt.Sprintf("0195a000-0000-7000-8000-%012d", i+1)
		ids = append(ids, id)
		mustExec(t, hub, `INSERT INTO households (id, head_name, community_id) VALUES (?, '一', ?)`, id, fmt.Sprint("c", i%2))
	}
	hh, ok := hub.TableNumber("households")
	if !ok {
		t.Fatal("households has no table number")
	}
	if _, ok := hub.TableNumber("no_such_table"); ok {
		t.Error("an unknown table has a number")
	}
	// The rows of community c1, in sequence order, plus an unknown row.
	among := `SELECT t, id FROM (
		SELECT r.t, r.id, r.seq FROM sync_rows r JOIN households h ON h.id = r.id
			WHERE r.t = ? AND h.community_id = 'c1' AND r.seq > ?
		UNION ALL SELECT ?, 'unknown', 1e18) ORDER BY seq LIMIT ?`
	var got []string
	cur := Cursor{}
	for round := 0; ; round++ {
		page, err := hub.ChangesAmong(ctx, cur, 2, among, hh, cur.After, hh, 2)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range page.Rows {
			got = append(got, r.ID)
			if r.Scope != "c1" || len(r.Changes) < 3 {
				t.Errorf("row %s: scope %q, %d changes", r.ID, r.Scope, len(r.Changes))
			}
		}
		cur = page.Next
		if page.Done {
			break
		}
		if round > 5 {
			t.Fatal("the round never ends")
		}
	}
	if fmt.Sprint(got) != fmt.Sprint([]string{ids[1], ids[3], ids[5]}) {
		t.Errorf("listed %v, want the c1 rows %v", got, []string{ids[1], ids[3], ids[5]})
	}
	all, err := hub.Changes(ctx, Cursor{}, 100)
	if err != nil {
		t.Fatal(err)
	}
	if cur.Since != all.Next.After || cur.After != all.Next.After {
		t.Errorf("round ended at %s, want past every change (%d)", cur, all.Next.After)
	}
	// A later edit of a c0 row is passed over; of a c1 row, listed with
	// the edited column alone.
	mustExec(t, hub, `UPDATE households SET head_name = '二' WHERE id IN (?, ?)`, ids[0], ids[1])
	page, err := hub.ChangesAmong(ctx, cur, 10, among, hh, cur.After, hh, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Rows) != 1 || page.Rows[0].ID != ids[1] || len(page.Rows[0].Changes) != 1 || page.Rows[0].Changes[0].Column != "head_name" || !page.Done {
		t.Errorf("after the edit: %+v", page)
	}
}

// TestRowsChangedAfter: local writes still in the capture log are listed
// (folded first), in sequence order, a page at a time, none skipped; a row
// changed again moves to the end; the empty list keeps its position.
func TestRowsChangedAfter(t *testing.T) {
	ctx := context.Background()
	hub := mustOpen(t, schema.Server, nil)
	for i := range 5 {
		mustExec(t, hub, `INSERT INTO households (id, head_name, community_id) VALUES (?, '一', 'c1')`, fmt.Sprint("h", i))
	}
	mustExec(t, hub, `INSERT INTO members (id, household_id, community_id, name) VALUES ('m1', 'h0', 'c1', '二')`)
	mustExec(t, hub, `UPDATE households SET head_name = '三' WHERE id = 'h1'`)
	var got []string
	after := int64(0)
	for range 10 {
		rows, reached, err := hub.RowsChangedAfter(ctx, after, 2)
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) == 0 {
			if reached != after {
				t.Errorf("an empty list moved the position from %d to %d", after, reached)
			}
			break
		}
		if reached <= after || len(rows) > 2 {
			t.Fatalf("after %d: %d rows, reached %d", after, len(rows), reached)
		}
		for _, r := range rows {
			got = append(got, r.Table+"/"+r.ID)
		}
		after = reached
	}
	want := "[households/h0 households/h2 households/h3 households/h4 members/m1 households/h1]"
	if fmt.Sprint(got) != want {
		t.Errorf("listed %v, want %s", got, want)
	}
}
