package replica

import (
	"context"
	"slices"
	"testing"

	"doorstep/schema"
	"doorstep/sync/change"
)

// TestChangedRows: local writes (before and after the fold, and only the
// new ones while the log is not folded), applied
// remote changes and deletes are listed after the mark they follow, only
// for the tables asked for; nothing is listed when nothing changed; a
// purge asks for a rebuild.
func TestChangedRows(t *testing.T) {
	ctx := context.Background()
	r := mustOpen(t, schema.Device, nil)
	changed := func(m Mark, tables ...string) ([]string, Mark, bool) {
		t.Helper()
		rows, next, full, err := ChangedRows(ctx, r.DB(), m, tables...)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, x := range rows {
			out = append(out, x.Table+"/"+x.ID)
		}
		slices.Sort(out)
		return out, next, full
	}
	_, m, full := changed(Mark{})
	if !full {
		t.Fatal("the zero mark must ask for a rebuild")
	}
	mustExec(t, r, `INSERT INTO households (id, head_name) VALUES ('h1', '张三'), ('h2', '李四')`)
	mustExec(t, r, `INSERT INTO members (id, household_id, name) VALUES ('m1', 'h1', '张三')`)
	got, m2, full := changed(m, "households")
	if full || !slices.Equal(got, []string{"households/h1", "households/h2"}) {
		t.Errorf("unfolded writes: %v (full %v)", got, full)
	}
	// Still unfolded: only the write after m2 is new.
	mustExec(t, r, `UPDATE members SET name = '张叁' WHERE id = 'm1'`)
	got, mLog, _ := changed(m2)
	if !slices.Equal(got, []string{"members/m1"}) {
		t.Errorf("after one more unfolded write: %v", got)
	}
	if err := r.foldLog(ctx); err != nil {
		t.Fatal(err)
	}
	// After the fold the log numbers entries from 1 again: a write then is
	// still new to a mark taken while the log was full.
	mustExec(t, r, `INSERT INTO households (id, head_name) VALUES ('h3', '王五')`)
	if got, _, _ := changed(mLog, "households"); !slices.Contains(got, "households/h3") {
		t.Errorf("a write after a fold, against a mark from before it: %v", got)
	}
	if got, _, _ := changed(m); !slices.Equal(got, []string{"households/h1", "households/h2", "households/h3", "members/m1"}) {
		t.Errorf("folded writes: %v", got)
	}
	_, m3, _ := changed(m2)
	if got, _, full := changed(m3); len(got) != 0 || full {
		t.Errorf("nothing changed, got %v (full %v)", got, full)
	}
	mustExec(t, r, `DELETE FROM households WHERE id = 'h2'`)
	c := remote("head_name", "远方", t0, siteX)
	if _, err := r.Apply(ctx, &change.Set{Site: siteX, Changes: []change.Change{c}}, ApplyOptions{}); err != nil {
		t.Fatal(err)
	}
	got, m4, _ := changed(m3)
	// h3, unfolded at m3, was folded by Apply: listed once more.
	if !slices.Equal(got, []string{"households/" + hh1, "households/h2", "households/h3"}) {
		t.Errorf("delete and applied change: %v", got)
	}
	if _, err := r.PurgeRows(ctx, []change.RowRef{{Table: "households", ID: hh1}}); err != nil {
		t.Fatal(err)
	}
	if _, _, full := changed(m4); !full {
		t.Error("a purge must ask for a rebuild")
	}
}
