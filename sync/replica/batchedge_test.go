package replica

import (
	"context"
	"testing"

	"doorstep/schema"
	"doorstep/sync/change"
	"doorstep/sync/hlc"
)

// Edges of the batched merge of rows the replica already holds: values a
// change needs are read for the whole set before merging (preloadValues),
// and must be each row's own, and lose to what the set wrote earlier.

// atRow returns a remote change of households row id.
func atRow(id, col string, v any, ms int64, site string) change.Change {
	c := remote(col, v, ms, site)
	c.ID = id
	return c
}

// TestBatchEditLosesToNewerLocalWrite: on a device holding two rows with
// its own unpushed edits, one set brings an edit older than the local one
// (it loses: the local value, its clock and its place in the outbox stay,
// nothing is kept as overwritten) and an edit newer than the other local
// one (it wins, and the local value overwritten is kept for the push: that
// row's value, not the other's).
func TestBatchEditLosesToNewerLocalWrite(t *testing.T) {
	ctx := context.Background()
	r := mustOpen(t, schema.Device, nil)
	apply(t, r, atRow(hh1, "head_name", "甲原", t0-2000, siteX), atRow(hh2, "head_name", "乙原", t0-2000, siteX))
	mustExec(t, r, `UPDATE households SET head_name = '甲本地' WHERE id = ?`, hh1)
	mustExec(t, r, `UPDATE households SET head_name = '乙本地' WHERE id = ?`, hh2)
	local := cellsOf(t, r, "households", hh1)["head_name"].Clock
	if local.Site != r.Site() {
		t.Fatalf("local clock %s is not this device's", local)
	}
	base := change.Clock{HLC: hlc.New(t0-2000, 0), Site: siteX}
	older := atRow(hh1, "head_name", "甲远端", t0-1000, siteY)
	older.Base = base
	newer := atRow(hh2, "head_name", "乙远端", local.HLC.Millis()+60000, siteY)
	newer.Base = base
	res := apply(t, r, older, atRow(hh1, "benefit_fen", int64(7), t0-1000, siteY), newer)
	if res.Applied != 2 || res.Ignored != 1 {
		t.Errorf("result %+v, want 2 applied, 1 ignored", res)
	}
	if !headNameIs(t, r, hh1, "甲本地") || !headNameIs(t, r, hh2, "乙远端") {
		t.Errorf("rows hold %v, %v", headName(t, r), cellsOf(t, r, "households", hh2)["head_name"].Value)
	}
	if got := cellsOf(t, r, "households", hh1)["head_name"].Clock; got != local {
		t.Errorf("head_name clock %s, want the local %s", got, local)
	}
	var value string
	var id string
	if err := r.DB().QueryRow(`SELECT id, value FROM sync_lost`).Scan(&id, &value); err != nil {
		t.Fatal(err)
	}
	if id != hh2 || value != "乙本地" || count(t, r, `SELECT count(*) FROM sync_lost`) != 1 {
		t.Errorf("kept overwritten write %s %q (of %d), want %s 乙本地 alone", id, value, count(t, r, `SELECT count(*) FROM sync_lost`), hh2)
	}
	set, err := r.Outbox(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	var pushed []string
	for _, c := range set.Changes {
		if c.Column == "head_name" {
			pushed = append(pushed, c.ID+"="+change.FormatValue(c.Value))
		}
	}
	slicesSort(pushed)
	if len(pushed) != 2 || pushed[0] != hh1+`="甲本地"` || pushed[1] != hh2+`="乙本地"` {
		t.Errorf("outbox head_name changes %v, want both local edits", pushed)
	}
}

// TestBatchConflictValues: on a server, one set edits two stored rows
// concurrently with a later edit of each (the conflicts name each row's
// stored value), inserts a row and edits it twice concurrently (the
// conflict names the set's two values, not a stored one), and edits a
// stored cell first and then concurrently again (the loser is the set's
// first edit, not the stored value); a newer local write on the server
// beats an older concurrent remote edit.
func TestBatchConflictValues(t *testing.T) {
	r := mustOpen(t, schema.Server, nil)
	const hh3 = "0195a000-0000-7000-8000-000000000003"
	base := change.Clock{HLC: hlc.New(t0, 0), Site: siteX}
	apply(t, r,
		atRow(hh1, "head_name", "甲", t0, siteX), atRow(hh1, "community_id", "c1", t0, siteX), atRow(hh1, "address", "甲址", t0, siteX),
		atRow(hh2, "head_name", "乙", t0, siteX), atRow(hh2, "community_id", "c2", t0, siteX))
	// Later edits that the set's edits did not see.
	e1 := atRow(hh1, "head_name", "甲改", t0+10, siteX)
	e1.Base = base
	e2 := atRow(hh2, "head_name", "乙改", t0+10, siteX)
	e2.Base = base
	apply(t, r, e1, e2)
	mustExec(t, r, `UPDATE households SET address = '甲址本地' WHERE id = ?`, hh1)

	c1 := atRow(hh1, "head_name", "甲远", t0+20, siteY)
	c1.Base = base
	c2 := atRow(hh2, "head_name", "乙远", t0+5, siteY) // older than e2: loses
	c2.Base = base
	addr := atRow(hh1, "address", "甲址远", t0+5, siteY) // older than the local write
	addr.Base = base
	ins := atRow(hh3, "head_name", "丙", t0+20, siteX)
	insBase := ins.Clock
	comm := atRow(hh3, "community_id", "c3", t0+20, siteX)
	y := atRow(hh3, "head_name", "丙乙", t0+21, siteY)
	y.Base = insBase
	z := atRow(hh3, "head_name", "丙丙", t0+22, siteZ)
	z.Base = insBase
	// hh2 again: a set edit, then one concurrent with it.
	first := atRow(hh2, "community_id", "c2改", t0+40, siteY)
	first.Base = base
	second := atRow(hh2, "community_id", "c2再", t0+41, siteZ)
	second.Base = base
	res := apply(t, r, c1, ins, comm, y, c2, addr, z, first, second)
	if res.Conflicts != 5 {
		t.Errorf("result %+v, want 5 conflicts", res)
	}
	type pair struct{ winner, loser, community string }
	want := map[string]pair{
		hh1 + ".head_name":    {`"甲远"`, `"甲改"`, "c1"},
		hh1 + ".address":      {`"甲址本地"`, `"甲址远"`, "c1"},
		hh2 + ".head_name":    {`"乙改"`, `"乙远"`, "c2再"},
		hh3 + ".head_name":    {`"丙丙"`, `"丙乙"`, "c3"},
		hh2 + ".community_id": {`"c2再"`, `"c2改"`, "c2再"},
	}
	got := map[string]pair{}
	for _, c := range conflictsOf(t, r) {
		got[c.RowID+"."+c.Col] = pair{c.WinnerV, c.LoserV, c.Community}
	}
	for k, w := range want {
		if got[k] != w {
			t.Errorf("conflict %s: %+v, want %+v", k, got[k], w)
		}
	}
	if len(got) != len(want) {
		t.Errorf("conflicts %+v", got)
	}
	for id, name := range map[string]string{hh1: "甲远", hh2: "乙改", hh3: "丙丙"} {
		if !headNameIs(t, r, id, name) {
			t.Errorf("%s: head_name is not %s", id, name)
		}
	}
}
