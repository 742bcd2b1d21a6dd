package replica

import (
	"context"
	"fmt"
	"reflect"
	"testing"

	"doorstep/schema"
	"doorstep/sync/change"
)

// TestRowStatesMatchRowState: RowStates returns for each held row exactly
// what a listing of every change from the start does (every column, its
// clock, the row's sequence), across
// tables, after later edits, for more rows than one read chunk, and leaves
// out rows the replica does not hold.
func TestRowStatesMatchRowState(t *testing.T) {
	ctx := context.Background()
	r := mustOpen(t, schema.Device, nil)
	var refs []change.RowRef
	for i := 0; i < readRowsChunk+20; i++ {
		id := fmt.Sprintf("0195a000-0000-7000-8000-%012d", i)
		mustExec(t, r, `INSERT INTO households (id, community_id, head_name) VALUES (?, 'c1', ?)`, id, fmt.Sprint("户主", i))
		refs = append(refs, change.RowRef{Table: "households", ID: id})
		if i%3 == 0 {
			mustExec(t, r, `UPDATE households SET head_name = ?, urban = 1 WHERE id = ?`, fmt.Sprint("改", i), id)
		}
		if i%50 == 0 {
			mid := fmt.Sprintf("0195a000-0000-7000-9000-%012d", i)
			mustExec(t, r, `INSERT INTO members (id, household_id, community_id, name) VALUES (?, ?, 'c1', '成员')`, mid, id)
			mustExec(t, r, `UPDATE members SET name = '成员二' WHERE id = ?`, mid)
			refs = append(refs, change.RowRef{Table: "members", ID: mid})
		}
	}
	missing := change.RowRef{Table: "households", ID: "0195a000-0000-7000-8000-999999999999"}
	refs = append(refs, missing)
	got, err := r.RowStates(ctx, refs)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(refs)-1 {
		t.Fatalf("%d rows, want %d", len(got), len(refs)-1)
	}
	if _, ok := got[missing]; ok {
		t.Errorf("a row the replica does not hold was returned")
	}
	all := map[change.RowRef]Row{}
	for c := (Cursor{}); ; {
		p, err := r.Changes(ctx, c, 100)
		if err != nil {
			t.Fatal(err)
		}
		for _, row := range p.Rows {
			all[change.RowRef{Table: row.Table, ID: row.ID}] = row
		}
		if p.Done {
			break
		}
		c = p.Next
	}
	for _, ref := range refs[:len(refs)-1] {
		want, ok := all[ref]
		if !ok {
			t.Fatalf("%v not listed by Changes", ref)
		}
		if !reflect.DeepEqual(got[ref], want) {
			t.Fatalf("%v:\nRowStates %+v\nChanges   %+v", ref, got[ref], want)
		}
	}
	if _, err := r.RowStates(ctx, []change.RowRef{{Table: "nope", ID: "x"}}); err == nil {
		t.Errorf("a table that is not synced gave no error")
	}
}
