package replica

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"testing"
	"time"

	"doorstep/schema"
	"doorstep/sync/change"
)

const (
	hh1 = "0195a000-0000-7000-8000-000000000001"
	hh2 = "0195a000-0000-7000-8000-000000000002"
)

// cellsOf returns a row's cells by column.
func cellsOf(t *testing.T, r *Replica, table, id string) map[string]change.Change {
	t.Helper()
	row, ok, err := r.RowState(context.Background(), table, id)
	if err != nil {
		t.Fatal(err)
	}
	if !ok {
		t.Fatalf("%s/%s has no clock", table, id)
	}
	out := map[string]change.Change{}
	for _, c := range row.Changes {
		out[c.Column] = c
	}
	return out
}

func TestCaptureInsertThenUpdate(t *testing.T) {
	ctx := context.Background()
	r := mustOpen(t, schema.Device, nil)
	if err := r.SetUser(ctx, "worker-7"); err != nil {
		t.Fatal(err)
	}
	mustExec(t, r, `INSERT INTO households (id, community_id, head_name) VALUES (?, 'c1', '张三')`, hh1)
	cells := cellsOf(t, r, "households", hh1)
	hh, _ := schema.Reg.Table("households")
	if len(cells) != len(hh.Columns) {
		t.Fatalf("insert captured %d columns, want all %d", len(cells), len(hh.Columns))
	}
	ins := cells["head_name"]
	for col, c := range cells {
		if c.Clock != ins.Clock || c.User != "worker-7" || c.Clock.Site != r.Site() || !c.Base.IsZero() {
			t.Errorf("%s: got %s, want clock %s by worker-7 with no base", col, c, ins.Clock)
		}
	}
	if cells["head_name"].Value != "张三" || cells["approved_on"].Value != nil || cells["deleted"].Value != int64(0) {
		t.Errorf("values: %v %v %v", cells["head_name"].Value, cells["approved_on"].Value, cells["deleted"].Value)
	}

	mustExec(t, r, `UPDATE households SET head_name = '李四', urban = 1 WHERE id = ?`, hh1)
	cells = cellsOf(t, r, "households", hh1)
	upd := cells["head_name"]
	if !ins.Clock.Less(upd.Clock) || cells["urban"].Clock != upd.Clock {
		t.Errorf("update clocks: head_name %s, urban %s, insert %s", upd.Clock, cells["urban"].Clock, ins.Clock)
	}
	if cells["address"].Clock != ins.Clock {
		t.Errorf("untouched column moved: %s", cells["address"].Clock)
	}
	// The insert is not acknowledged yet: the update's base is the
	// insert's (none), not our own intermediate write.
	if !upd.Base.IsZero() {
		t.Errorf("base of update over own pending insert: got %s, want zero", upd.Base)
	}
}

func TestCaptureUpdateAfterAckHasBase(t *testing.T) {
	ctx := context.Background()
	r := mustOpen(t, schema.Device, nil)
	mustExec(t, r, `INSERT INTO households (id, head_name) VALUES (?, '张三')`, hh1)
	set, err := r.Outbox(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Ack(ctx, set.Batch); err != nil {
		t.Fatal(err)
	}
	ins := cellsOf(t, r, "households", hh1)["head_name"]
	mustExec(t, r, `UPDATE households SET head_name = '李四' WHERE id = ?`, hh1)
	upd := cellsOf(t, r, "households", hh1)["head_name"]
	if upd.Base != ins.Clock {
		t.Errorf("base: got %s, want the acknowledged insert's %s", upd.Base, ins.Clock)
	}
}

func TestCaptureOneClockPerTransaction(t *testing.T) {
	r := mustOpen(t, schema.Device, nil)
	f := newFormSaver(3)
	hid, err := f.save(context.Background(), r.DB(), "c1")
	if err != nil {
		t.Fatal(err)
	}
	want := cellsOf(t, r, "households", hid)["head_name"].Clock
	rows, err := r.DB().Query(`SELECT id FROM members WHERE household_id = ? UNION ALL SELECT id FROM incomes WHERE household_id = ?`, hid, hid)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for rows.Next() {
		var id string
		rows.Scan(&id)
		ids = append(ids, id)
	}
	rows.Close()
	if len(ids) != 9 {
		t.Fatalf("got %d member and income rows, want 9", len(ids))
	}
	for i, id := range ids {
		table := "members"
		if i >= 3 {
			table = "incomes"
		}
		for col, c := range cellsOf(t, r, table, id) {
			if c.Clock != want {
				t.Errorf("%s/%s.%s: clock %s, want the transaction's %s", table, id, col, c.Clock, want)
			}
		}
	}
	// The next transaction gets a later clock.
	mustExec(t, r, `UPDATE households SET status = 'cancelled' WHERE id = ?`, hid)
	if got := cellsOf(t, r, "households", hid)["status"].Clock; !want.Less(got) {
		t.Errorf("next transaction's clock %s not after %s", got, want)
	}
}

func TestCaptureSkipsNoOpUpdates(t *testing.T) {
	ctx := context.Background()
	r := mustOpen(t, schema.Device, nil)
	mustExec(t, r, `INSERT INTO households (id, head_name) VALUES (?, '张三')`, hh1)
	set, _ := r.Outbox(ctx, 0)
	r.Ack(ctx, set.Batch)
	mustExec(t, r, `UPDATE households SET head_name = '张三' WHERE id = ?`, hh1)
	set, err := r.Outbox(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(set.Changes) != 0 {
		t.Errorf("an update to the same value was captured: %v", set.Changes)
	}
}

func TestDeleteBecomesDeletedColumn(t *testing.T) {
	r := mustOpen(t, schema.Device, nil)
	mustExec(t, r, `INSERT INTO households (id, head_name) VALUES (?, '张三'), (?, '李四')`, hh1, hh2)
	before := cellsOf(t, r, "households", hh1)["deleted"].Clock
	res, err := r.DB().Exec(`DELETE FROM households WHERE id = ?`, hh1)
	if err != nil {
		t.Fatal(err)
	}
	deleted := count(t, r, `SELECT deleted FROM households WHERE id = ?`, hh1)
	n := count(t, r, `SELECT count(*) FROM households`)
	if deleted != 1 || n != 2 {
		t.Errorf("after DELETE: deleted=%d rows=%d, want 1 and 2 (res %v)", deleted, n, res)
	}
	if c := cellsOf(t, r, "households", hh1)["deleted"]; !before.Less(c.Clock) || c.Value != int64(1) {
		t.Errorf("deleted not captured: %s", c)
	}
	if c := cellsOf(t, r, "households", hh2)["deleted"]; c.Value != int64(0) {
		t.Errorf("other row deleted: %s", c)
	}
}

func TestRowIDNeverChanges(t *testing.T) {
	r := mustOpen(t, schema.Device, nil)
	mustExec(t, r, `INSERT INTO households (id) VALUES (?)`, hh1)
	_, err := r.DB().Exec(`UPDATE households SET id = ? WHERE id = ?`, hh2, hh1)
	if err == nil || !strings.Contains(err.Error(), "row id never changes") {
		t.Fatalf("changing an id: got %v, want refusal", err)
	}
}

func TestWriteAttributesUser(t *testing.T) {
	ctx := context.Background()
	r := mustOpen(t, schema.Server, nil)
	err := r.Write(ctx, "admin-1", func(tx *sql.Tx) error {
		_, err := tx.Exec(`INSERT INTO streets (id, name) VALUES (?, '解放区')`, hh1)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	mustExec(t, r, `INSERT INTO streets (id, name) VALUES (?, '焦东')`, hh2)
	if u := cellsOf(t, r, "streets", hh1)["name"].User; u != "admin-1" {
		t.Errorf("Write's user: got %q, want admin-1", u)
	}
	if u := cellsOf(t, r, "streets", hh2)["name"].User; u != "" {
		t.Errorf("DB() write after Write: user %q, want the default \"\"", u)
	}
}

func TestClockSurvivesRestartWithClockGoingBack(t *testing.T) {
	ctx := context.Background()
	clock := newTestClock()
	path := t.TempDir() + "/r.db"
	r, err := Open(ctx, path, Options{Now: clock.Now, Site: testSite()})
	if err != nil {
		t.Fatal(err)
	}
	mustExec(t, r, `INSERT INTO households (id) VALUES (?)`, hh1)
	first := cellsOf(t, r, "households", hh1)["deleted"].Clock
	r.Close()
	clock.Advance(-time.Hour) // the wall clock goes back
	r, err = Open(ctx, path, Options{Now: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	mustExec(t, r, `INSERT INTO households (id) VALUES (?)`, hh2)
	second := cellsOf(t, r, "households", hh2)["deleted"].Clock
	if !first.Less(second) || first.Site != second.Site {
		t.Errorf("after restart: %s, before: %s", second, first)
	}
}

func TestRowsWrittenBeforeCaptureAreAdopted(t *testing.T) {
	ctx := context.Background()
	path := t.TempDir() + "/r.db"
	r, err := Open(ctx, path, Options{Site: testSite()})
	if err != nil {
		t.Fatal(err)
	}
	// Simulate rows from before capture: drop the triggers, write, reopen.
	mustExec(t, r, `DROP TRIGGER sync_ai_households`)
	mustExec(t, r, `UPDATE sync_state SET trigger_hash = ''`)
	mustExec(t, r, `INSERT INTO households (id, head_name) VALUES (?, '张三')`, hh1)
	r.Close()
	r, err = Open(ctx, path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if c := cellsOf(t, r, "households", hh1)["head_name"]; c.Value != "张三" || c.Clock.Site != r.Site() {
		t.Errorf("adopted row: %s", c)
	}
}

func TestWritesBypassingTheReplicaFail(t *testing.T) {
	r := mustOpen(t, schema.Device, nil)
	// Another handle on the same file lacks the capture functions: its
	// writes to synced tables fail instead of going uncaptured.
	other, err := sql.Open("sqlite", r.path)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	if _, err := other.Exec(`INSERT INTO households (id) VALUES (?)`, hh1); err == nil {
		t.Fatal("an uncaptured write succeeded")
	}
	if _, err := other.Exec(`INSERT INTO drafts (form, record_id, data, updated_at) VALUES ('f', 'r', '{}', 'now')`); err != nil {
		t.Errorf("a write to a device-only table failed: %v", err)
	}
}

// TestFoldInChunks: a capture log longer than one fold chunk, with one row
// written in the first chunk and again in the last, folds into the same
// clocks as a short one: every row gets a clock, the twice-written row the
// later clock for the later write and the first for the rest.
func TestFoldInChunks(t *testing.T) {
	r := mustOpen(t, schema.Device, nil)
	tx, err := r.DB().Begin()
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < foldChunk+5; i++ {
		if _, err := tx.Exec(`INSERT INTO households (id, head_name) VALUES (?, '户主')`, fmt.Sprintf("row-%05d", i)); err != nil {
			t.Fatal(err)
		}
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	mustExec(t, r, `UPDATE households SET head_name = '改名' WHERE id = 'row-00000'`)
	if n := count(t, r, `SELECT count(*) FROM sync_log`); n != foldChunk+6 {
		t.Fatalf("capture log holds %d entries, want %d", n, foldChunk+6)
	}
	cells := cellsOf(t, r, "households", "row-00000") // folds
	if n := count(t, r, `SELECT count(*) FROM sync_log`); n != 0 {
		t.Errorf("%d entries left in the capture log", n)
	}
	if n := count(t, r, `SELECT count(*) FROM sync_rows`); n != foldChunk+5 {
		t.Errorf("%d row clocks, want %d", n, foldChunk+5)
	}
	name, addr := cells["head_name"], cells["address"]
	if name.Value != "改名" || !addr.Clock.Less(name.Clock) {
		t.Errorf("head_name %v at %s, address at %s: want the later write's clock on head_name", name.Value, name.Clock, addr.Clock)
	}
	if other := cellsOf(t, r, "households", fmt.Sprintf("row-%05d", foldChunk+4)); other["head_name"].Clock != addr.Clock {
		t.Errorf("a row of the second chunk has clock %s, want the insert's %s", other["head_name"].Clock, addr.Clock)
	}
}
